/**
 * NXT_TLV_TABLE_MOD / REQUEST / REPLY: codec and printing against `ovs-ofctl ofp-print`, and
 * `ovn-ts ofctl add-tlv-map / del-tlv-map / dump-tlv-map` against a live ovs-vswitchd, compared with
 * what `ovs-ofctl` does and prints on the same switch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { decodeMessage, encodeMessage, type OfMessageInput } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { toHex } from "../../src/bytes/hex.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand, parseTlvMappings } from "../../src/cli/ofctl.js";

const ofpPrint = (hex: string): string =>
  execFileSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\n$/, "");
const map = (optionClass: number, optionType: number, optionLen: number, index: number) => ({ optionClass, optionType, optionLen, index });

const MSGS: OfMessageInput[] = [
  { type: "nx_tlv_table_mod", command: 0, mappings: [map(0xffff, 0, 4, 0), map(0x102, 0x8, 0, 5)] },
  { type: "nx_tlv_table_mod", command: 1, mappings: [map(0xffff, 0, 4, 0)] },
  { type: "nx_tlv_table_mod", command: 2, mappings: [] },
  { type: "nx_tlv_table_mod", command: 0, mappings: [] },
  { type: "nx_tlv_table_mod", command: 3, mappings: [map(0xffff, 0, 4, 0)] },
  { type: "nx_tlv_table_mod", command: 0, mappings: [map(0xffff, 0, 5, 64)] },
  { type: "nx_tlv_table_mod", command: 0, mappings: [map(0xffff, 0, 128, 1)] },
  { type: "nx_tlv_table_mod", command: 0, mappings: [map(0xffff, 0, 4, 64)] },
  { type: "nx_tlv_table_request" },
  { type: "nx_tlv_table_reply", maxOptionSpace: 256, maxFields: 64, mappings: [] },
  { type: "nx_tlv_table_reply", maxOptionSpace: 256, maxFields: 64, mappings: [map(0xffff, 0, 4, 0), map(0x1234, 0xff, 124, 63), map(1, 1, 0, 2)] },
  { type: "nx_tlv_table_reply", maxOptionSpace: 256, maxFields: 64, mappings: [map(0, 0, 8, 3)] },
  { type: "error", errType: 0xffff, code: 20, experimenter: 0x2320, data: encodeMessage({ type: "nx_tlv_table_mod", command: 0, mappings: [map(0xffff, 0, 4, 0)], xid: 3 }).slice() },
];

describe.skipIf(!peers("ovs-ofctl"))("TLV table messages print like ovs-ofctl ofp-print", () => {
  MSGS.forEach((m, i) => {
    it(`#${i} ${m.type}`, () => {
      const bytes = encodeMessage({ ...m, xid: i + 1 } as OfMessageInput);
      const d = decodeMessage(bytes);
      expect(toHex(encodeMessage(d))).toBe(toHex(bytes));
      expect(formatMessage(d)).toBe(ofpPrint(toHex(bytes)));
    });
  });
});

describe("TLV mapping syntax", () => {
  it("parses ovs-ofctl's list", () => {
    expect(parseTlvMappings("{class=0xffff,type=0,len=4}->tun_metadata0,{class=0x102,type=0x80,len=8}->tun_metadata5")).toEqual([map(0xffff, 0, 4, 0), map(0x102, 0x80, 8, 5)]);
  });
  it.each(["garbage", "{class=0xffff,type=0}->tun_metadata1", "{class=0x10000,type=0,len=4}->tun_metadata1", "{class=1,type=0,len=4}->tun_metadata1,", ""])("refuses %j", (t) => {
    expect(() => parseTlvMappings(t)).toThrow("invalid tlv mapping");
  });
});

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl *-tlv-map against a live ovs-vswitchd", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  });
  afterAll(() => v?.stop());
  const ours = async (...a: string[]) => {
    const io = memoryIo();
    const code = await ofctlCommand(["-O", "OpenFlow13", ...a], io);
    return { code, out: io.stdout, err: io.stderr };
  };
  const theirs = (...a: string[]) => {
    try {
      return { code: 0, out: v.ofctl("-O", "OpenFlow13", ...a), err: "" };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { code: x.status, out: x.stdout, err: x.stderr.replace(/^.*\|WARN\|.*\n/gm, "") };
    }
  };
  const xid = (s: string) => s.replace(/xid=0x[0-9a-f]+/g, "xid=X").replace(/(00000000  04 0[0-9a-f] 00 [0-9a-f]{2}) [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}/g, "$1 XID");
  const MAPS = "{class=0xffff,type=0,len=4}->tun_metadata0,{class=0x102,type=0x80,len=8}->tun_metadata5";

  it("add, dump, delete one, clear: the switch's table matches ovs-ofctl dump-tlv-map at each step", async () => {
    theirs("del-tlv-map", v.mgmt);
    const dump = async () => {
      const a = await ours("dump-tlv-map", v.mgmt);
      expect(a.code).toBe(0);
      expect(xid(a.out)).toBe(xid(theirs("dump-tlv-map", v.mgmt).out));
      return a.out;
    };
    expect(await dump()).toContain("allocated option space=0");
    expect((await ours("add-tlv-map", v.mgmt, MAPS)).code).toBe(0);
    expect(await dump()).toContain("  0x102  0x80       8  tun_metadata5");
    expect((await ours("del-tlv-map", v.mgmt, "{class=0xffff,type=0,len=4}->tun_metadata0")).code).toBe(0);
    expect(await dump()).not.toContain("tun_metadata0");
    expect((await ours("del-tlv-map", v.mgmt)).code).toBe(0);
    expect(await dump()).toContain("allocated option space=0");
    // mappings added by ovs-ofctl are read back by us
    theirs("add-tlv-map", v.mgmt, MAPS);
    expect(await dump()).toContain("allocated option space=12");
  });

  it("refusals: same exit status and messages as ovs-ofctl", async () => {
    theirs("del-tlv-map", v.mgmt);
    theirs("add-tlv-map", v.mgmt, "{class=0xffff,type=0,len=4}->tun_metadata0");
    for (const args of [
      ["add-tlv-map", v.mgmt, "{class=0xffff,type=0,len=4}->tun_metadata0"], // NXTTMFC_ALREADY_MAPPED
      ["add-tlv-map", v.mgmt, "{class=0xffff,type=0,len=5}->tun_metadata1"], // NXTTMFC_BAD_OPT_LEN
      ["add-tlv-map", v.mgmt, "garbage"],
      ["del-tlv-map", v.mgmt, "{class=0xffff,type=1,len=4}->tun_metadata9"],
      ["del-tlv-map", v.mgmt, "{class=0xffff,type=1,len=4}->tun_metadata9,"],
      ["del-tlv-map", v.mgmt, "{class=0xffff,type=1,len=4}->tun_metadata9 "],
    ]) {
      const a = await ours(...args);
      const b = theirs(...args);
      expect({ code: a.code, err: xid(a.err.replace(/^ovn-ts ofctl:/m, "ovs-ofctl:")) }, args.join(" ")).toEqual({ code: b.code, err: xid(b.err) });
    }
  });
});
