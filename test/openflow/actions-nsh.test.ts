/**
 * `decap`, `dec_nsh_ttl`, `debug_recirc` and `debug_slow` (Nicira subtypes 47, 48, 255, 254): bytes built
 * from lib/ofp-actions.c's structures (nx_action_decap: 16 bytes, the new packet type last; the others a
 * bare 16-byte Nicira header), decoded and re-encoded byte for byte, refused where Open vSwitch refuses
 * them; then text, bytes and errors against the installed ovs-ofctl for every -O version (parse-flow's
 * stdout, error and exit status; ofp-print of ovs-ofctl's own flow_mod bytes).
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { decodeActionList, encodeActionList, type Action } from "../../src/openflow/actions.js";
import { formatActions } from "../../src/openflow/text/action-format.js";
import { parseActionList } from "../../src/openflow/text/action-parse.js";
import { ofpPrintDiff, ovsFlowModHex, parseFlowDiffs } from "./gen-compare.js";

const NX = "ffff0010 00002320";
const hex = (s: string) => s.replace(/\s+/g, "");

describe("decap, dec_nsh_ttl and the debugging actions: bytes", () => {
  const CASES: [string, Action, string][] = [
    ["decap()", { type: "decap", packetType: 0xfffe }, `${NX} 002f 0000 0000fffe`],
    ["decap(packet_type(ns=1,type=0x800))", { type: "decap", packetType: 0x10800 }, `${NX} 002f 0000 00010800`],
    ["decap(packet_type(ns=0,type=0))", { type: "decap", packetType: 0 }, `${NX} 002f 0000 00000000`],
    ["dec_nsh_ttl", { type: "dec_nsh_ttl" }, `${NX} 0030 000000000000`],
  ];
  for (const [text, action, bytes] of CASES) {
    it(`${text}: encodes to ${hex(bytes)}, decodes, prints and parses back`, () => {
      expect(toHex(encodeActionList([action]))).toBe(hex(bytes));
      const decoded = decodeActionList(fromHex(hex(bytes)));
      expect(decoded).toEqual([action]);
      expect(formatActions(decoded)).toBe(text);
      expect(parseActionList(text)).toEqual([action]);
    });
  }

  it("debug_recirc and debug_slow encode as ovs-ofctl does and are refused on decode (OFPBAC_BAD_VENDOR_TYPE)", () => {
    expect(toHex(encodeActionList([{ type: "debug_recirc" }]))).toBe(hex(`${NX} 00ff 000000000000`));
    expect(toHex(encodeActionList([{ type: "debug_slow" }]))).toBe(hex(`${NX} 00fe 000000000000`));
    for (const b of [`${NX} 00ff 000000000000`, `${NX} 00fe 000000000000`]) {
      expect(() => decodeActionList(fromHex(hex(b)))).toThrow(expect.objectContaining({ reason: "OFPBAC_BAD_VENDOR_TYPE" }) as Error);
    }
  });

  it("a decap with properties is refused (NXBAC_UNKNOWN_ED_PROP)", () => {
    const b = fromHex(hex("ffff0018 00002320 002f 0000 00010800 0004 0105 01000000"));
    let err: unknown;
    try {
      decodeActionList(b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).reason).toBe("NXBAC_UNKNOWN_ED_PROP");
  });
});

/** Flows with the new actions, their argument errors, and the checks they take part in. */
const FLOWS = [
  ...["decap", "decap()", "decap(packet_type(ns=1,type=0x800))", "decap(packet_type(ns=0,type=0))", "decap(packet_type(ns=2,type=1))"],
  ...["decap:packet_type(ns=1,type=5)", "decap(packet_type(ns=1,type=0x800),foo)", "decap(packet_type(ns=010,type=010))"],
  // argument errors, worded as parse_DECAP()
  ...["decap(ns=1)", "decap(packet_type=5)", "decap(packet_type(ns=5,type=1))", "decap(packet_type(ns=x,type=1))", "decap(packet_type(ns=1))"],
  ...["decap(packet_type(ns=1,typ=1))", "decap(packet_type(ns=1,type=0x10000))", "decap(packet_type(ns=1,type=-1))", "decap(packet_type(ns=+1,type= 5))"],
  ...["dec_nsh_ttl", "dec_nsh_ttl(5)", "debug_recirc", "debug_slow", "debug_slow:3", "debug_recirc,output:1", "clone(decap)", "output:1,decap,output:2"],
].map((a) => `actions=${a}`).concat([
  // dec_nsh_ttl needs an NSH packet (by Ethertype or packet type), else only OpenFlow 1.0 takes it
  "dl_type=0x894f,actions=dec_nsh_ttl",
  "packet_type=(1,0x894f),actions=dec_nsh_ttl",
  "ip,actions=decap(packet_type(ns=1,type=0x800)),dec_nsh_ttl",
  "dl_type=0x894f,actions=decap(),dec_nsh_ttl",
  // after decap the packet is no longer Ethernet: an Ethernet field is inconsistent, an OpenFlow 1.0 action is not
  "ip,actions=decap(),set_field:00:00:00:00:00:01->eth_src",
  "ip,actions=decap(),mod_dl_src:00:00:00:00:00:01",
  "ip,actions=decap(),push_mpls:0x8847",
  "ip,actions=decap(),set_field:10.0.0.1->nw_src",
  "packet_type=(1,0x800),actions=decap(),set_field:10.0.0.1->nw_src",
  "actions=encap(nsh),dec_nsh_ttl",
]);

describe.skipIf(!peers("ovs-ofctl"))("decap, dec_nsh_ttl and the debugging actions against ovs-ofctl", () => {
  for (const version of [undefined, "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"]) {
    it(`${version ?? "no -O"}: ${FLOWS.length} flows print (or fail) as ovs-ofctl parse-flow`, async () => {
      expect(await parseFlowDiffs(FLOWS, version)).toEqual([]);
    }, 120_000);
  }

  it("ovs-ofctl's own flow_mod bytes of every version print under our ofp-print as under its", async () => {
    const diffs: string[] = [];
    for (const version of ["OpenFlow10", "OpenFlow11", "OpenFlow13", "OpenFlow15"]) {
      for (const flow of ["actions=decap(packet_type(ns=1,type=0x894f))", "actions=decap", "dl_type=0x894f,actions=dec_nsh_ttl", "actions=debug_recirc", "actions=debug_slow"]) {
        const h = ovsFlowModHex(version, flow);
        const diff = h === undefined ? "ovs-ofctl refused it" : await ofpPrintDiff(h);
        if (diff !== undefined) diffs.push(`${version} ${flow}\n ${diff}`);
      }
    }
    expect(diffs).toEqual([]);
  }, 120_000);
});
