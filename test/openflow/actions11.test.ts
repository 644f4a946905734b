/**
 * OpenFlow 1.1 actions (src/openflow/versions/actions11.ts): flow_mods and group_mods encoded for
 * OpenFlow 1.1 carry 1.1's own field actions (OFPAT_SET_VLAN_VID, SET_DL_SRC, SET_NW_TOS, SET_NW_ECN,
 * SET_TP_DST, SET_MPLS_LABEL, ...) where 1.2+ carry set_field: hand-built bytes, and our bytes printed by
 * the installed `ovs-ofctl ofp-print` exactly as `ovs-ofctl -O OpenFlow11 parse-flow` prints the message it
 * encodes itself (and as we print them); OpenFlow 1.2 likewise.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeActionList, encodeActionList } from "../../src/openflow/actions.js";
import { encodeActions } from "../../src/openflow/actions.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { Writer } from "../../src/bytes/writer.js";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import type { Action } from "../../src/openflow/action-types.js";

function of11(actions: readonly Action[]): string {
  const w = new Writer("openflow", 64);
  encodeActions(w, actions, OfpVersion.OF11);
  return toHex(w.finish().slice());
}

/** The actions of a flow's apply-actions instruction. */
function actionsOf(text: string): readonly Action[] {
  const i = parseFlow(text).instructions.find((x) => x.type === "apply_actions");
  return i && i.type === "apply_actions" ? i.actions : [];
}

describe("OpenFlow 1.1 action codes", () => {
  it("field writes encode as OpenFlow 1.1 actions (bytes built from the OpenFlow 1.1.0 spec)", () => {
    expect(of11(actionsOf("ip,actions=mod_nw_tos:4"))).toBe("0007000804000000");
    expect(of11(actionsOf("actions=mod_dl_src:00:01:02:03:04:05"))).toBe("00030010000102030405000000000000");
    expect(of11(actionsOf("actions=mod_dl_dst:00:01:02:03:04:05"))).toBe("00040010000102030405000000000000");
    expect(of11(actionsOf("ip,actions=mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8"))).toBe("0005000801020304" + "0006000805060708");
    expect(of11(actionsOf("tcp,actions=mod_tp_src:1,mod_tp_dst:80"))).toBe("0009000800010000" + "000a000800500000");
    expect(of11(actionsOf("ip,actions=mod_nw_ecn:2"))).toBe("0008000802000000");
    // mod_vlan_vid without a VLAN match pushes a header first (OFPAT_PUSH_VLAN 17), then OFPAT_SET_VLAN_VID
    expect(of11(actionsOf("actions=mod_vlan_vid:9"))).toBe("0011000881000000" + "0001000800090000");
    expect(of11(actionsOf("vlan_tci=0x1000/0x1000,actions=mod_vlan_pcp:3"))).toBe("0002000803000000");
    expect(of11(actionsOf("mpls,actions=set_mpls_label(5),set_mpls_tc(3)"))).toBe("000d000800000005" + "000e000803000000");
    // unchanged codes: strip_vlan = pop_vlan (18), mod_nw_ttl (23), dec_ttl (24), output (0)
    expect(of11(actionsOf("ip,actions=strip_vlan,mod_nw_ttl:9,dec_ttl,output:3"))).toBe("0012000800000000" + "0017000809000000" + "0018000800000000" + "00000010000000030000000000000000");
    // a field with no OpenFlow 1.1 action: NXAST_REG_LOAD of 32 bits at offset 0 of NXM_NX_REG0
    expect(of11(actionsOf("actions=load:5->NXM_NX_REG0[]"))).toBe("ffff0018000023200007" + "001f" + "00010004" + "0000000000000005");
  });

  it("OpenFlow 1.1 action codes decode and print as ovs-ofctl prints them, and re-encode byte for byte", () => {
    const bytes = fromHex("0001000800090000" + "0002000803000000" + "0007000804000000" + "0008000802000000" + "000d000800000005");
    const decoded = decodeActionList(bytes);
    expect(decoded).toEqual([
      { type: "set_vlan_vid", vid: 9, of11: true },
      { type: "set_vlan_pcp", pcp: 3, of11: true },
      { type: "set_nw_tos", tos: 4 },
      { type: "set_nw_ecn", ecn: 2 },
      { type: "set_mpls_label", label: 5 },
    ]);
    expect(of11(decoded)).toBe(toHex(bytes));
    // as OpenFlow 1.3: the set_field equivalents
    expect(toHex(encodeActionList(decoded))).not.toBe(toHex(bytes));
    // bad arguments are the errors Open vSwitch gives
    expect(() => decodeActionList(fromHex("0001000810000000"))).toThrow(DecodeError);
    expect(() => decodeActionList(fromHex("0007000805000000"))).toThrow(/OFPBAC_BAD_ARGUMENT/);
    expect(() => decodeActionList(fromHex("0008000804000000"))).toThrow(/OFPBAC_BAD_ARGUMENT/);
  });
});

const FLOWS = [
  "ip,actions=mod_nw_tos:4,mod_nw_ecn:2,mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,output:1",
  "tcp,actions=mod_tp_src:1,mod_tp_dst:80,mod_dl_src:00:01:02:03:04:05,mod_dl_dst:0a:0b:0c:0d:0e:0f",
  "udp,actions=mod_tp_dst:53,set_field:3->ip_dscp,set_field:1->ip_ecn",
  "actions=mod_vlan_vid:9,mod_vlan_pcp:3,output:2",
  "dl_vlan=5,actions=mod_vlan_vid:9,mod_vlan_pcp:3",
  "dl_vlan=5,actions=set_field:2->vlan_pcp,strip_vlan",
  "ip,actions=mod_nw_ttl:9,dec_ttl,dec_ttl(1,2),output:3",
  "mpls,actions=set_mpls_label(5),set_mpls_tc(3),set_mpls_ttl(9),dec_mpls_ttl",
  "ip,actions=set_field:00:00:00:00:00:01->eth_dst,set_field:10.0.0.1->ip_src,load:5->NXM_NX_REG0[],group:1",
  "actions=enqueue:1:2",
  "ip,actions=clone(mod_nw_tos:8,set_field:1->ip_ecn),output:1",
];

describe.skipIf(!peers("ovs-ofctl"))("OpenFlow 1.1/1.2 flow_mod actions against ovs-ofctl", () => {
  it("parse-actions OpenFlow11/12 agrees with ovs-ofctl on 1.1 codes and on set_field (a bad type in 1.1)", async () => {
    const input = "0019 0010 80000606 000102030405 0000\n0001 0008 0009 0000 0007 0008 04 000000\nffff 0020 00002320 002a 000000000000 0019 0010 80000606 000102030405 0000\n";
    for (const version of ["OpenFlow11", "OpenFlow12"]) {
      const theirs = spawnSync("ovs-ofctl", ["parse-actions", version], { input, encoding: "utf8" });
      const io = memoryIo(input);
      const code = await ofctlCommand(["parse-actions", version], io);
      expect({ code, out: io.stdout }, version).toEqual({ code: theirs.status, out: theirs.stdout });
    }
  });

  for (const [version, name] of [[OfpVersion.OF11, "OpenFlow11"], [OfpVersion.OF12, "OpenFlow12"]] as const) {
    it(`${name}: ovs-ofctl ofp-print prints our flow_mod as ovs-ofctl parse-flow prints its own`, () => {
      for (const text of FLOWS) {
        const theirs = spawnSync("ovs-ofctl", ["-O", name, "parse-flow", text], { encoding: "utf8" });
        expect(theirs.status, `${text}: ${theirs.stderr}`).toBe(0);
        const msg = theirs.stdout.split("\n").find((l) => l.startsWith("OFPT_FLOW_MOD"));
        const bytes = encodeMessage({ ...parseFlow(text), type: "flow_mod", version, xid: 1 });
        const printed = spawnSync("ovs-ofctl", ["ofp-print", toHex(bytes)], { encoding: "utf8" });
        expect(printed.stdout.trimEnd(), text).toBe(msg);
        expect(formatMessage(decodeMessage(bytes)), text).toBe(msg);
      }
    });
  }
});
