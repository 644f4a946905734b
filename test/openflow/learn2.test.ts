/**
 * A learn read as NXAST_LEARN2 is written back as NXAST_LEARN2 even without a limit or a result field
 * (Open vSwitch keeps the form it read: ofp-actions.at's OpenFlow 1.0 learn case); one read as
 * NXAST_LEARN, or parsed from text without limit/result, stays NXAST_LEARN.
 */
import { describe, expect, it } from "vitest";
import { decodeActionList, encodeActionList } from "../../src/openflow/actions.js";
import { fromHex } from "../../src/bytes/hex.js";

// learn(table=2,priority=0,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])
const SPECS = "000c00000802000000000802000000300000040600000000020600001010000000020000";
const LEARN2 = `ffff005000002320002d000000000000000000000000000000000200000000000000000000000000${SPECS}00000000`;
const LEARN = `ffff004800002320001000000000000000000000000000000000020000000000${SPECS}00000000`;

describe("learn / learn2 form", () => {
  it("NXAST_LEARN2 without limit or result re-encodes as NXAST_LEARN2, byte for byte", () => {
    const bytes = fromHex(LEARN2);
    const [a] = decodeActionList(bytes);
    expect(a).toMatchObject({ type: "learn", limit: 0, learn2: true });
    expect(Buffer.from(encodeActionList([a!])).toString("hex")).toBe(LEARN2);
  });

  it("NXAST_LEARN stays NXAST_LEARN", () => {
    const bytes = fromHex(LEARN);
    const [a] = decodeActionList(bytes);
    expect(a).not.toHaveProperty("learn2");
    expect(Buffer.from(encodeActionList([a!])).toString("hex")).toBe(LEARN);
  });
});
