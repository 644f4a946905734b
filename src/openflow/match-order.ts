/**
 * The order Open vSwitch writes a match's NXM/OXM entries in (nx_put_raw() in lib/nx-match.c): the packet
 * type first, then metadata, Ethernet, VLAN, MPLS, L3 and L4 fields (each after the fields it depends on),
 * ARP, tunnel, NSH, registers and connection tracking. Its strict decoder judges each entry's
 * prerequisites against the entries before it, so a match written in this order is read as it was meant.
 *
 * @module
 */
import type { MatchField } from "./oxm.js";

const ORDER = [
  "packet_type", "dp_hash", "recirc_id", "conj_id", "in_port", "actset_output", "dl_src", "dl_dst", "dl_type",
  "vlan_vid", "vlan_pcp", "vlan_tci", "mpls_tc", "mpls_bos", "mpls_ttl", "mpls_label",
  "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "nw_frag", "nw_tos", "ip_dscp", "nw_ecn", "nw_ttl", "ipv6_label", "nw_proto",
  "tcp_src", "tcp_dst", "tcp_flags", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code",
  "nd_target", "nd_sll", "nd_tll", "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha",
  "tun_id", "tun_flags", "tun_src", "tun_dst", "tun_ipv6_src", "tun_ipv6_dst", "tun_gbp_id", "tun_gbp_flags",
  ...Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`),
  "tun_erspan_idx", "tun_erspan_ver", "tun_erspan_dir", "tun_erspan_hwid", "tun_gtpu_flags", "tun_gtpu_msgtype",
  "nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4",
  ...Array.from({ length: 16 }, (_, i) => `reg${i}`),
  ...Array.from({ length: 8 }, (_, i) => `xreg${i}`),
  "pkt_mark", "ct_state", "ct_zone", "ct_mark", "ct_label", "ct_nw_src", "ct_ipv6_src", "ct_nw_dst", "ct_ipv6_dst",
  "ct_nw_proto", "ct_tp_src", "ct_tp_dst", "metadata",
];
const RANK = new Map(ORDER.map((n, i) => [n, i]));

/** A field's place in the order (fields not listed, such as `xxreg0`, unknown entries: after all others, as given). */
function rank(f: MatchField): number {
  return RANK.get(f.field) ?? ORDER.length;
}

/**
 * The entries in Open vSwitch's order (a stable sort: entries of one rank keep theirs); the same array
 * when it is in that order already.
 */
export function inOvsOrder(match: readonly MatchField[]): readonly MatchField[] {
  let last = -1;
  for (let i = 0; i < match.length; i++) {
    const r = rank(match[i]!);
    if (r < last) {
      return match
        .map((f, k) => ({ f, k, r: rank(f) }))
        .sort((a, b) => a.r - b.r || a.k - b.k)
        .map((x) => x.f);
    }
    last = r;
  }
  return match;
}
