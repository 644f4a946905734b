/**
 * OpenFlow 1.1+ instruction and action lists checked as Open vSwitch decodes them
 * (src/openflow/instruction-checks.ts): hand-written hex lists (from tests/ofp-actions.at at v3.1.0 and
 * variations), each with the OpenFlow error ovs-ofctl's `parse-instructions`/`parse-actions` print, or the
 * canonical text and the bytes it writes back. The suite test runs the .at cases beside the installed ovs-ofctl.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeActionList, encodeActionList } from "../../src/openflow/actions.js";
import { formatActions } from "../../src/openflow/text/action-format.js";
import { checkActionList, decodeCheckedInstructions, encodeCheckedInstructions } from "../../src/openflow/instruction-checks.js";
import { formatInstructions } from "../../src/openflow/text/instructions.js";

const WM = "0002 0018 00000000 fedcba9876543210 ffffffffffffffff";
const NX_WM = "ffff 0020 00002320 0016 000000000000 fedcba9876543210 ffffffffffffffff";
const OUT1 = "0000 0010 00000001 0000 000000000000";

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e.reason;
    throw e;
  }
  return "accepted";
}

describe("decodeCheckedInstructions: Open vSwitch's instruction checks", () => {
  it.each([
    ["", 0, "OFPBIC_BAD_LEN"],
    ["0004 0008 00000000 0004 0008 00000000", 0, "OFPBIC_DUP_INST"],
    ["0004 0009 01 00000000", 0, "OFPBIC_BAD_LEN"],
    ["0001 0010 01 000000 0000000000000000", 0, "OFPBIC_BAD_LEN"],
    ["0001 0008 01 000000", 2, "OFPBIC_BAD_TABLE_ID"],
    ["0001 0008 00 000000", 0, "OFPBIC_BAD_TABLE_ID"],
    ["0002 0010 00000000 fedcba9876543210", 0, "OFPBIC_BAD_LEN"],
    ["0002 0020 00000000 fedcba9876543210 ffffffffffffffff 0000000000000000", 0, "OFPBIC_BAD_LEN"],
    [`${WM} ${WM}`, 0, "OFPBIC_DUP_INST"],
    ["0005 0010 00000000 0000000000000000", 0, "OFPBIC_BAD_LEN"],
    ["ffff 0008 01 000000", 0, "OFPBIC_BAD_EXPERIMENTER"],
    ["0000 0008 01 000000", 0, "OFPBIC_UNKNOWN_INST"],
    ["0004 0018 00000000 0004 0008 00000000", 0, "OFPBIC_BAD_LEN"],
    [`0004 0038 00000000 ${NX_WM} ${OUT1}`, 0, "OFPBAC_UNSUPPORTED_ORDER"],
    [`0004 0028 00000000 ${NX_WM} ${WM}`, 0, "OFPBAC_UNSUPPORTED_ORDER"],
    ["0004 0018 00000000 0000 0010 ffffffff 0000 000000000000", 0, "OFPBAC_BAD_OUT_PORT"],
  ])("%s (table %d): %s", (hex, table, error) => {
    expect(reason(() => decodeCheckedInstructions(fromHex(hex), OfpVersion.OF13, table))).toBe(error);
  });

  it("meter is an instruction up to OpenFlow 1.4, unknown in 1.5", () => {
    const meter = fromHex("0006 0008 00000005");
    expect(formatInstructions(decodeCheckedInstructions(meter, OfpVersion.OF13))).toBe("meter:5");
    expect(reason(() => decodeCheckedInstructions(meter, OfpVersion.OF15))).toBe("OFPBIC_UNKNOWN_INST");
  });

  it.each([
    // input, canonical text, bytes written back
    ["0004 0008 00000001", "drop", ""],
    ["0003 0008 00000000", "write_actions(drop)", ""],
    [`0004 0028 00000000 ${NX_WM}`, "write_metadata:0xfedcba9876543210", WM],
    [`0001 0008 01 000000 ${WM}`, "write_metadata:0xfedcba9876543210,goto_table:1", `${WM} 0001 0008 01 000000`],
    [`0005 0008 00000000 0004 0018 00000000 ${OUT1}`, "output:1,clear_actions", `0004 0018 00000000 ${OUT1} 0005 0008 00000000`],
  ])("%s prints %s and is written back canonically", (hex, text, back) => {
    const insts = decodeCheckedInstructions(fromHex(hex), OfpVersion.OF13);
    expect(formatInstructions(insts)).toBe(text);
    expect(toHex(encodeCheckedInstructions(insts, OfpVersion.OF13))).toBe(back.replace(/ /g, ""));
  });
});

describe("checkActionList: version rules on decoded OpenFlow 1.1+ action lists", () => {
  it.each([
    [NX_WM, OfpVersion.OF11, "OFPBIC_UNSUP_INST"],
    ["0000 0010 ffffffff 0000 000000000000", OfpVersion.OF11, "OFPBAC_BAD_OUT_PORT"],
    ["0000 0010 0000ff00 0000 000000000000", OfpVersion.OF13, "OFPBAC_BAD_OUT_PORT"],
    ["0000 0010 fffffffe 04d2 000000000000", OfpVersion.OF13, "accepted"],
    ["0019 0018 8000090c 000000001234 00000000ffff 00000000", OfpVersion.OF12, "OFPBAC_BAD_SET_MASK"],
    ["0019 0018 8000090c 000000001234 00000000ffff 00000000", OfpVersion.OF15, "accepted"],
  ])("%s in version %d: %s", (hex, version, error) => {
    expect(reason(() => checkActionList(decodeActionList(fromHex(hex)), version))).toBe(error);
  });
});

describe("action decode errors carry Open vSwitch's OpenFlow error name", () => {
  it.each([
    // set_field of eth_src with a 7-byte OXM payload (OpenFlow 1.3.4 conformance test 430.510)
    ["0019 0010 80000807 000102030405 0000", "OFPBAC_BAD_SET_LEN"],
    // NXAST_CONTROLLER2 with non-zero pad bytes
    ["ffff 0018 00002320 0025 0000 0005 0000 1122334455 000005", "NXBRC_MUST_BE_ZERO"],
    ["ffff 0018 00002320 0025 0000 0005 5000 1122334455 000000", "NXBRC_MUST_BE_ZERO"],
  ])("%s: %s", (hex, error) => {
    expect(reason(() => decodeActionList(fromHex(hex)))).toBe(error);
  });
});

describe("encap (NXAST_ENCAP): decoded, printed and written back as ovs-ofctl does", () => {
  it.each([
    ["ffff 0018 00002320 002e 0000 0001894f 0004 01 05 01 000000", "encap(nsh(md_type=1))"],
    ["ffff 0010 00002320 002e 0000 00018847", "encap(mpls)"],
    ["ffff 0010 00002320 002e 0000 00018848", "encap(mpls_mc)"],
    ["ffff 0028 00002320 002e 0000 0001894f 0004 01 05 02 000000 0004 02 10 1000 0a 04 12345678 00000000", "encap(nsh(md_type=2,tlv(0x1000,10,0x12345678)))"],
  ])("%s is %s", (hex, text) => {
    const actions = decodeActionList(fromHex(hex));
    expect(formatActions(actions)).toBe(text);
    expect(toHex(encodeActionList(actions))).toBe(hex.replace(/ /g, ""));
  });

  it("an unknown packet type is NXBAC_BAD_HEADER_TYPE; encap before OpenFlow 1.3 OFPBAC_BAD_VENDOR_TYPE", () => {
    expect(reason(() => decodeActionList(fromHex("ffff 0010 00002320 002e 0000 00000001")))).toBe("NXBAC_BAD_HEADER_TYPE");
    const mpls = decodeActionList(fromHex("ffff 0010 00002320 002e 0000 00018847"));
    expect(reason(() => checkActionList(mpls, OfpVersion.OF12))).toBe("OFPBAC_BAD_VENDOR_TYPE");
  });
});

describe("delete_field (NXAST_DELETE_FIELD)", () => {
  it("decodes, prints and writes back a tunnel metadata deletion", () => {
    const hex = "ffff 0018 00002320 0032 0001647c 000000000000 00000000";
    const actions = decodeActionList(fromHex(hex));
    expect(formatActions(actions)).toBe("delete_field:tun_metadata10");
    expect(toHex(encodeActionList(actions))).toBe(hex.replace(/ /g, ""));
  });
});
