/**
 * Test helper: seeded random flow text for the generated-flow comparison with `ovs-ofctl parse-flow`
 * (ofctl-generated.test.ts). Each flow is a random protocol keyword, a few match fields (with or without
 * their prerequisites, some under another name, some twice), flow_mod options and a few actions drawn
 * from ovs-ofctl 3.1's vocabulary, so that the same seed always gives the same flows.
 */
import { prng } from "../support/prng.js";

const PROTOS = ["", "", "", "ip", "ipv6", "tcp", "udp", "sctp", "icmp", "icmp6", "arp", "rarp", "mpls", "mplsm", "tcp6", "udp6", "dl_type=0x894f"];

/** Match items: field=value texts (some need a protocol, some are aliases of others). */
const MATCH = [
  "in_port=1", "in_port=LOCAL", "in_port=65534", "in_port=CONTROLLER", "dl_src=00:11:22:33:44:55", "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
  "eth_src=aa:bb:cc:dd:ee:ff", "eth_dst=00:00:00:00:00:01", "dl_type=0x0800", "eth_type=0x86dd", "dl_vlan=5", "dl_vlan=0xffff", "dl_vlan_pcp=3",
  "vlan_tci=0x1005/0x1fff", "vlan_tci=0", "vlan_tci=0x2000/0x2000", "vlan_vid=0x1005", "vlan_pcp=2",
  "nw_src=10.0.0.0/8", "nw_dst=192.168.1.1", "ip_src=10.1.1.1", "ip_dst=10.2.0.0/16", "nw_proto=6", "nw_proto=17", "ip_proto=1",
  "nw_tos=4", "ip_dscp=10", "nw_ecn=1", "nw_ttl=64", "nw_frag=yes", "nw_frag=first", "nw_frag=later", "ip_frag=not_later",
  "tp_src=80", "tp_dst=443", "tp_dst=0x100/0xff00", "tcp_src=22", "tcp_dst=8080", "udp_src=53", "udp_dst=67", "sctp_src=9", "sctp_dst=10",
  "tcp_flags=+syn-ack", "tcp_flags=0x012/0x0ff", "icmp_type=8", "icmp_code=0", "icmpv4_type=3",
  "arp_op=1", "arp_spa=10.0.0.1", "arp_tpa=10.0.0.0/24", "arp_sha=00:00:00:00:00:02", "arp_tha=00:00:00:00:00:03",
  "ipv6_src=::1", "ipv6_dst=2001:db8::/32", "ipv6_label=0x12345", "nd_target=fe80::1", "nd_sll=00:00:00:00:00:04", "nd_tll=00:00:00:00:00:05",
  "icmpv6_type=135", "icmpv6_type=136", "icmpv6_code=0", "mpls_label=100", "mpls_tc=3", "mpls_bos=1", "mpls_ttl=10",
  "metadata=0x1/0xff", "metadata=5", "reg0=1", "reg3=0x10/0xf0", "reg15=7", "xreg1=0x1234", "xxreg2=0x1/0x1",
  "tun_id=5", "tun_id=0x10/0xf0", "tunnel_id=7", "tun_src=1.1.1.1", "tun_dst=2.2.2.0/24", "tun_ipv6_src=::2", "tun_flags=+oam", "tun_gbp_id=5",
  "tun_gbp_flags=1", "tun_metadata0=0x1", "tun_metadata3=0x5/0xff", "pkt_mark=0x10", "skb_mark=3",
  "ct_state=+trk+est", "ct_state=-new+trk", "ct_state=+trk+inv", "ct_zone=5", "ct_mark=1/0xff", "ct_label=0x1",
  "ct_nw_src=10.0.0.5", "ct_nw_dst=10.0.0.6", "ct_nw_proto=6", "ct_ipv6_src=::5", "ct_tp_src=80", "ct_tp_dst=81",
  "recirc_id=5", "dp_hash=0x10/0xff", "conj_id=7", "actset_output=1", "packet_type=(0,0)", "packet_type=(1,0x800)", "packet_type=(1,0x894f)",
  "packet_type=(0,0x800)", "nsh_spi=5", "nsh_si=255", "nsh_mdtype=1", "nsh_c1=0x10", "nsh_flags=1", "nsh_ttl=63",
  "ipv6_exthdr=+nonext", "tun_erspan_ver=1", "tun_gtpu_flags=0x30",
];

/** flow_mod options. */
const OPTIONS = ["priority=100", "cookie=0x5", "cookie=0x10/0xff", "table=3", "idle_timeout=10", "hard_timeout=30", "importance=5", "send_flow_rem", "check_overlap", "out_port=2"];

/** Actions (some need a match, some are Nicira-only or OpenFlow 1.1+-only). */
const ACTIONS = [
  "output:1", "output:LOCAL", "output:NXM_NX_REG0[]", "output:NXM_NX_REG1[0..15]", "output(port=2,max_len=100)", "normal", "flood", "all", "in_port", "local",
  "controller", "controller:100", "controller(reason=no_match,max_len=50)", "controller(userdata=01.02,pause)", "drop",
  "resubmit(,2)", "resubmit:3", "resubmit(1,2,ct)", "mod_vlan_vid:5", "mod_vlan_pcp:2", "strip_vlan", "push_vlan:0x8100", "pop_vlan",
  "mod_dl_src:00:00:00:00:00:09", "mod_dl_dst:00:00:00:00:00:0a", "mod_nw_src:10.0.0.9", "mod_nw_dst:10.0.0.10", "mod_nw_tos:8", "mod_nw_ecn:2",
  "mod_nw_ttl:9", "mod_tp_src:1000", "mod_tp_dst:2000", "dec_ttl", "dec_ttl(1,2)", "set_mpls_label:5", "set_mpls_tc:1", "set_mpls_ttl:3",
  "dec_mpls_ttl", "push_mpls:0x8847", "pop_mpls:0x0800", "set_field:5->reg0", "set_field:0x5/0xf->reg1", "set_field:10.0.0.1->nw_src",
  "set_field:00:00:00:00:00:01->eth_dst", "set_field:80->tcp_dst", "set_field:5->nsh_spi", "set_field:1->mpls_label", "set_field:0x1005->vlan_vid",
  "load:1->NXM_NX_REG2[0..3]", "load:0x5->NXM_OF_IP_TOS[2..7]", "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "move:NXM_NX_REG0[]->NXM_NX_REG1[]",
  "move:NXM_OF_IP_SRC[]->NXM_NX_REG3[]", "set_tunnel:5", "set_tunnel64:0x100000000", "set_queue:1", "pop_queue", "note:01.02.03",
  "learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])", "learn(table=2,NXM_OF_IP_SRC[]=NXM_OF_IP_DST[],load:1->NXM_NX_REG0[0])",
  "learn(table=3,tcp,tcp_src=NXM_OF_TCP_DST[])", "ct(commit,zone=1)", "ct(commit,nat(src=10.0.0.1))", "ct(table=2,zone=NXM_NX_REG0[0..15])",
  "ct(commit,exec(set_field:1->ct_mark))", "ct(alg=ftp,commit)", "ct_clear", "clone(output:2)", "clone(mod_nw_src:1.1.1.1,output:3)", "exit",
  "group:1", "meter:1", "goto_table:5", "write_metadata:0x1/0xff", "write_actions(output:3)", "clear_actions", "enqueue:1:2",
  "fin_timeout(idle_timeout=5)", "multipath(eth_src,50,hrw,12,0,NXM_NX_REG0[0..3])", "bundle(eth_src,0,hrw,ofport,members:1,2)",
  "sample(probability=100,collector_set_id=1)", "conjunction(1,1/2)", "check_pkt_larger(100)->NXM_NX_REG0[0]", "encap(ethernet)",
  "encap(nsh(md_type=1))", "decap", "decap()", "decap(packet_type(ns=0,type=0x800))", "decap(packet_type(ns=1,type=0x894f))", "dec_nsh_ttl",
  "debug_recirc", "debug_slow", "delete_field:tun_metadata1", "push:NXM_NX_REG0[]", "pop:NXM_NX_REG1[]", "output_trunc(port=1,max_len=100)",
];

/** `n` flows from `seed`: the same seed gives the same flows. */
export function generateFlows(seed: number, n: number): string[] {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const proto = pick(PROTOS);
    if (proto) parts.push(proto);
    const nm = Math.floor(rnd() * 4);
    for (let k = 0; k < nm; k++) parts.push(pick(MATCH));
    if (rnd() < 0.3) parts.push(pick(OPTIONS));
    const na = 1 + Math.floor(rnd() * 3);
    const acts: string[] = [];
    for (let k = 0; k < na; k++) acts.push(pick(ACTIONS));
    parts.push(`actions=${acts.join(",")}`);
    out.push(parts.join(","));
  }
  return out;
}
