/**
 * Fields where ovn-ts once differed from ovs-ofctl 3.1 (issue 17's field sweep), each with the neighbouring
 * cases that pin the mechanism, compared with the installed `ovs-ofctl parse-flow` under its default
 * protocols and under `-O OpenFlow13` (stdout, stderr without log lines, exit status).
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { ofctlDifference } from "../support/ofctl-compare.js";

/** Flows grouped by what they pin. */
const CASES: Record<string, readonly string[]> = {
  // Open vSwitch's match encoder writes ct_nw_proto only when it is not 0, and ct_tp_src/ct_tp_dst only with it
  ct_nw_proto: [
    "ct_state=+trk+est,ct_nw_proto=0,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=0,ct_tp_dst=5,actions=drop",
    "ct_state=+trk,ip,ct_nw_proto=0,ct_tp_src=80,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=6,ct_tp_src=80,actions=drop",
    "ct_nw_proto=0,actions=drop",
    "ct_nw_proto=0/0xff,actions=drop",
    "ct_nw_proto=0x100/0xff,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=1/0x0,ct_tp_src=80,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=17,actions=drop",
  ],
  // mf_from_packet_type_string(): two parse_int_string() numbers, nothing read after ')'; put_u16_masked() prints
  packet_type: [
    "packet_type=(1,0x800)/0xfffffff0,actions=drop",
    "packet_type=(1,0x800)xyz,actions=drop",
    "packet_type=(x,0x800),actions=drop",
    "packet_type=(1;0x800),actions=drop",
    "packet_type=(1,y),actions=drop",
    "packet_type=(0x10000,1),actions=drop",
    "packet_type=(1,65536),actions=drop",
    "packet_type=(01,010),actions=drop",
    "packet_type=( 1, 0x800),actions=drop",
    "packet_type=(-1,0x800),actions=drop",
    "packet_type=(0,0)/0,actions=drop",
    "packet_type=(0,1),actions=drop",
    "packet_type=(10,10),actions=drop",
    "packet_type=(9,9),actions=drop",
    "packet_type=(0xffff,0xffff),actions=drop",
    "packet_type=(1,0x0 800),actions=drop",
  ],
  // tun_metadata without a TLV map: a 124-byte integer, sized by its value and mask, each option once in 256 bytes
  tun_metadata: [
    ...["0", "1", "-1", "0x0", "0x00ff", "256", "0x1/0", "0x100/0", "0/0xff", "1/0xff", "1/0x100", "18446744073709551616", "abc", "1/abc"].map(
      (v) => `tun_metadata0=${v},actions=drop`,
    ),
    `tun_metadata0=0x${"f".repeat(248)},actions=drop`,
    `tun_metadata0=0x${"f".repeat(250)},actions=drop`,
    `tun_metadata0=0x1/0x${"f".repeat(248)},actions=drop`,
    "tun_metadata0=1,tun_metadata0=2,actions=drop",
    "tun_metadata0,tun_metadata0=2,actions=drop",
    `tun_metadata0=0x${"f".repeat(200)},tun_metadata1=0x${"f".repeat(200)},tun_metadata2=0x${"f".repeat(200)},actions=drop`,
    `tun_metadata0=0x${"f".repeat(200)}/0,tun_metadata1=0x${"f".repeat(200)}/0,tun_metadata2=0x${"f".repeat(200)}/0,actions=drop`,
    `tun_metadata0=0,tun_metadata1=0x${"f".repeat(248)},tun_metadata2=0x${"f".repeat(248)},tun_metadata3=0x${"f".repeat(16)},actions=drop`,
    `tun_metadata0=0,tun_metadata1=0x${"f".repeat(248)},tun_metadata2=0x${"f".repeat(248)},tun_metadata3=0x${"f".repeat(18)},actions=drop`,
    ...["1", "0", "0x1234", "-1", `0x${"f".repeat(248)}`].map((v) => `actions=load:${v}->NXM_NX_TUN_METADATA0[]`),
    "actions=load:1->NXM_NX_TUN_METADATA0[0..991],output:1",
    "actions=load:1->NXM_NX_TUN_METADATA0[1..991]",
    "actions=load:0x100->NXM_NX_TUN_METADATA0[8..15]",
    "actions=set_field:0x1/0xff->tun_metadata0",
  ],
};

describe.skipIf(!peers("ovs-ofctl"))("fields that once differed, against ovs-ofctl parse-flow", () => {
  for (const [group, flows] of Object.entries(CASES)) {
    it(`${group}: ${flows.length} flows under two protocol choices`, async () => {
      const diffs: string[] = [];
      for (const flow of flows) {
        for (const pre of [[], ["-O", "OpenFlow13"]]) {
          const d = await ofctlDifference([...pre, "parse-flow", flow], `${pre.join(" ")} ${flow}`);
          if (d !== undefined) diffs.push(d);
        }
      }
      expect(diffs, diffs.join("\n")).toEqual([]);
    }, 120_000);
  }
});
