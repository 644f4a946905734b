/**
 * The field sweep: every field of the catalogue (one register, one tunnel metadata, ... of each family) matched
 * with values of its format (plain, masked, too wide, negative), written by `set_field`, `load` and read by
 * `move`, with the prerequisites it needs; plus the fields ovs-ofctl 3.1 reads but no protocol carries
 * (tun_ttl, tun_tos, skb_priority), dl_type below 0x600, push_mpls/push_vlan/pop_mpls Ethertypes, nat port
 * ranges, bit indexes past 2^31 and meter ids. Each flow goes through `ovn-ts ofctl parse-flow` and the
 * installed `ovs-ofctl parse-flow` (stdout, stderr without log lines, exit status); the flows that still
 * differ are listed in corpus/field-sweep-known.json with their reason, and a listed flow that agrees must
 * leave the list.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { FIELD_DEFS } from "../../src/openflow/oxm.js";
import { peers } from "../support/peers.js";
import { ofctlDifference } from "../support/ofctl-compare.js";

const KNOWN = JSON.parse(readFileSync(new URL("./corpus/field-sweep-known.json", import.meta.url), "utf8")) as Record<string, string>;

/** The match a field needs before it (meta-flow.h's prerequisites, spelled as flow text). */
const PRE: Record<string, string> = {
  ...Object.fromEntries(["nw_src", "nw_dst", "nw_proto", "ip_dscp", "nw_tos", "nw_ecn", "nw_ttl", "nw_frag"].map((n) => [n, "ip"])),
  ...Object.fromEntries(["ipv6_src", "ipv6_dst", "ipv6_label"].map((n) => [n, "ipv6"])),
  ...Object.fromEntries(["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"].map((n) => [n, "arp"])),
  ...Object.fromEntries(["mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl"].map((n) => [n, "mpls"])),
  tcp_src: "tcp", tcp_dst: "tcp", tcp_flags: "tcp", udp_src: "udp", udp_dst: "udp", sctp_src: "sctp", sctp_dst: "sctp",
  icmp_type: "icmp", icmp_code: "icmp", icmpv6_type: "icmp6", icmpv6_code: "icmp6",
  nd_target: "icmp6,icmp_type=135", nd_sll: "icmp6,icmp_type=135", nd_tll: "icmp6,icmp_type=136", vlan_pcp: "vlan_tci=0x1000/0x1000",
  ct_nw_proto: "ct_state=+trk+est",
  ...Object.fromEntries(["ct_nw_src", "ct_nw_dst", "ct_tp_src", "ct_tp_dst"].map((n) => [n, "ct_state=+trk+est,ip"])),
  ...Object.fromEntries(["ct_ipv6_src", "ct_ipv6_dst"].map((n) => [n, "ct_state=+trk+est,ipv6"])),
  ...Object.fromEntries(["nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1"].map((n) => [n, "dl_type=0x894f"])),
};

/** Values tried for each format. */
const VALUES: Record<string, string[]> = {
  hex: ["0", "1", "0x10", "0xff/0xf0", "-1"],
  dec: ["0", "1", "255", "256", "65535", "65536", "0x10", "3/1"],
  mac: ["00:11:22:33:44:55", "01:00:00:00:00:00/01:00:00:00:00:00"],
  ipv4: ["10.0.0.1", "10.0.0.0/8", "10.0.0.1/255.0.255.0"],
  ipv6: ["::1", "fe80::/10"],
  port: ["1", "LOCAL", "0xfffffff0", "65535", "65536"],
  ct_state: ["+trk", "0x21/0x21"],
  tcp_flags: ["+syn", "0x002", "0x012/0x0ff"],
  tun_flags: ["+oam", "1"],
  frag: ["yes", "first", "1/3"],
  ethertype: ["0x0800", "0x5ff", "0x600", "0x100", "1"],
  label: ["1", "0xfffff", "0x100000"],
  vlan_vid: ["1", "0x1001", "4096/4096", "4096"],
  packet_type: ["(0,0)", "(1,0x800)", "(1,0x800)/0xfffffff0"],
};

/** One field of each numbered family is enough. */
const SKIP = /^(tun_metadata[1-9]\d*|reg([2-9]|1\d)|xreg[1-7]|xxreg[1-3]|nsh_c[2-4])$/;

function sweepFlows(): string[] {
  const flows: string[] = [];
  for (const d of FIELD_DEFS) {
    if (SKIP.test(d.name)) continue;
    const pre = PRE[d.name] ? `${PRE[d.name]},` : "";
    for (const v of VALUES[d.format] ?? ["1"]) {
      flows.push(`${pre}${d.name}=${v},actions=drop`);
      if (!v.includes("/")) flows.push(`${pre}actions=set_field:${v}->${d.name}`);
    }
    const nx = d.nxmName ?? d.oxmName;
    flows.push(`${pre}actions=load:1->${nx}[]`, `${pre}actions=move:${nx}[0..0]->NXM_NX_REG0[0..0]`);
  }
  // in_port_oxm: Open vSwitch's 32-bit OXM_OF_IN_PORT field beside in_port (one field here, with an alias)
  for (const v of ["1", "LOCAL", "65536", "0xfffffff0", "1/1", "nope"]) flows.push(`in_port_oxm=${v},actions=drop`, `actions=set_field:${v}->in_port_oxm`);
  for (const n of ["tun_ttl", "tun_tos", "skb_priority"]) {
    for (const v of ["0", "1", "0x10", "255", "256", "-1", "0xff/0xf"]) flows.push(`${n}=${v},actions=drop`, `actions=set_field:${v}->${n}`);
  }
  for (const v of ["0", "1", "0x5ff", "0x600", "0x8847", "0x800", "0x100"]) {
    flows.push(`dl_type=${v},actions=drop`, `actions=push_mpls:${v}`, `actions=push_vlan:${v}`, `mpls,actions=pop_mpls:${v}`);
  }
  for (const p of ["80", "0x50", "010", "80-90", "0x50-0x60", "65536"]) {
    flows.push(`ip,actions=ct(nat(src=10.0.0.1:${p}))`, `ip,actions=ct(commit,nat(dst=10.0.0.1-10.0.0.2:${p},random))`);
  }
  for (const b of ["0", "31", "32", "4294967295", "4294967296", "4294967297", "18446744073709551616"]) {
    flows.push(`actions=load:1->NXM_NX_REG0[${b}]`, `reg0[${b}]=1,actions=drop`, `actions=move:NXM_NX_REG0[${b}]->NXM_NX_REG1[0]`, `actions=load:1->NXM_NX_REG0[0..${b}]`);
  }
  for (const m of ["0", "1", "0x10", "4294901760", "4294901761", "4294967296", "-1"]) flows.push(`actions=meter:${m}`, `actions=meter:${m},output:1`);
  return flows;
}

describe.skipIf(!peers("ovs-ofctl"))("field sweep against ovs-ofctl parse-flow", () => {
  const flows = sweepFlows();
  it(`${flows.length} flows agree or are listed known differences`, async () => {
    const unlisted: string[] = [];
    const differing = new Set<string>();
    for (const flow of flows) {
      const d = await ofctlDifference(["parse-flow", flow]);
      if (d === undefined) continue;
      differing.add(flow);
      if (KNOWN[flow] === undefined) unlisted.push(d);
    }
    console.log(`field sweep: ${differing.size} of ${flows.length} differ`);
    expect(unlisted, unlisted.join("\n")).toEqual([]);
    expect(Object.keys(KNOWN).filter((k) => !differing.has(k)), "listed flows that now agree").toEqual([]);
  }, 600_000);
});
