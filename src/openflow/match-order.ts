/**
 * The order Open vSwitch writes a match's NXM/OXM entries in (nx_put_raw() in lib/nx-match.c): the packet
 * type first, then metadata, Ethernet, VLAN, MPLS, L3 and L4 fields (each after the fields it depends on),
 * ARP, tunnel, NSH, registers and connection tracking. Its strict decoder judges each entry's
 * prerequisites against the entries before it, so a match written in this order is read as it was meant.
 *
 * The flow_mod encoder writes a match in this order with {@link encodeMatchInOvsOrder}: each entry's
 * place looked up by its header (no hashing of names), and a match out of order permuted through a
 * fixed scratch array of indices (no per-flow arrays, objects or sorting callbacks).
 *
 * @module
 */
import type { Writer } from "../bytes/writer.js";
import { FIELD_DEFS, type MatchField, encodeMatch, withOf12Headers, withOf15Headers } from "./oxm.js";

/** The order, by field name: a field added to the tables gets its place by adding its name here. */
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
 * The index of a header's class and field for the classes matches carry most (NXM_0, NXM_1,
 * OPENFLOW_BASIC, PACKET_REGS), or -1 for another class (experimenter fields go by name).
 */
function slotOf(header: number): number {
  const cls = header >>> 16;
  const c = cls === 0x0000 ? 0 : cls === 0x0001 ? 1 : cls === 0x8000 ? 2 : cls === 0x8001 ? 3 : -1;
  return c < 0 ? -1 : (c << 7) | ((header >>> 9) & 0x7f);
}

/** The name of the field at each header slot (its OXM and its NXM header), from the field tables. */
const SLOT_NAME: (string | undefined)[] = new Array<string | undefined>(4 * 128).fill(undefined);
/** The place in the order of the field named in {@link SLOT_NAME}. */
const SLOT_RANK = new Int32Array(4 * 128);
for (const def of FIELD_DEFS) {
  for (const h of [def.header, def.nxHeader]) {
    const s = slotOf(h);
    if (s < 0) continue;
    SLOT_NAME[s] = def.name;
    SLOT_RANK[s] = RANK.get(def.name) ?? ORDER.length;
  }
}

/**
 * {@link rank} through the entry's header: the field the header's slot names is the entry's own (its
 * name, which is what the order goes by, compared), so its place is read from an array; other entries
 * (experimenter classes, a name that does not go with the header) look theirs up by name.
 */
function rankOf(f: MatchField): number {
  const s = slotOf(f.header);
  if (s >= 0 && SLOT_NAME[s] === f.field) return SLOT_RANK[s]!;
  return rank(f);
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

/** The longest match {@link encodeMatchInOvsOrder} orders in its scratch arrays (longer ones: {@link inOvsOrder}). */
const SCRATCH = 64;
/** Each entry's place in the order, by the entry's index. */
const RANKS = new Int32Array(SCRATCH);
/** The entries' indexes in the order they are written. */
const ORDERED = new Int32Array(SCRATCH);

/**
 * Writes `match` as an `ofp_match` (see {@link encodeMatch}) with its entries in Open vSwitch's order:
 * the same bytes as `encodeMatch(w, inOvsOrder(match))`, without allocating. A match in order already is
 * written as it is; one out of order through a stable insertion sort of the entries' indexes.
 */
export function encodeMatchInOvsOrder(w: Writer, match: readonly MatchField[]): void {
  const n = match.length;
  if (n > SCRATCH) {
    encodeMatch(w, inOvsOrder(match));
    return;
  }
  let last = -1;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const r = rankOf(match[i]!);
    RANKS[i] = r;
    if (r < last) sorted = false;
    else last = r;
  }
  if (sorted) {
    encodeMatch(w, match);
    return;
  }
  for (let i = 0; i < n; i++) {
    const r = RANKS[i]!;
    let j = i;
    // strictly greater moves: entries of one rank keep their order
    while (j > 0 && RANKS[ORDERED[j - 1]!]! > r) {
      ORDERED[j] = ORDERED[j - 1]!;
      j--;
    }
    ORDERED[j] = i;
  }
  encodeMatch(w, match, ORDERED);
}

/**
 * Writes `match` as an `ofp_match` of OpenFlow `version` as Open vSwitch's oxm_put_match() writes it: in its
 * order ({@link encodeMatchInOvsOrder}), each field under the header the version has (mf_oxm_header():
 * OpenFlow 1.5's `tcp_flags`, `actset_output` and packet registers, 1.1/1.2's NXM `tun_id` and `tcp_flags`).
 */
export function encodeMatchFor(w: Writer, match: readonly MatchField[], version: number): void {
  // (OpenFlow 1.5 is wire version 6, 1.3 is 4)
  encodeMatchInOvsOrder(w, version >= 6 ? withOf15Headers(match) : version < 4 ? withOf12Headers(match) : match);
}
