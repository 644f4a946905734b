/**
 * The OpenFlow 1.1 standard match, write side (OpenFlow 1.1.0 §A.2.3 `ofp_match`, 88 bytes), as Open
 * vSwitch's ofputil_match_to_ofp11_match() writes it for an OpenFlow 1.1 flow_mod: wildcard bits, inverted
 * Ethernet/IPv4/metadata masks, the VLAN as `dl_vlan`/`dl_vlan_pcp` (a matched CFI bit of zero is
 * OFPVID11_NONE, whatever the PCP), the ARP opcode and addresses in the IP protocol and address slots.
 * A match with a field or mask the standard match cannot carry is written as OXM instead (Open vSwitch
 * takes that too).
 *
 * @module
 */
import type { Writer } from "../../bytes/writer.js";
import { bytesToBig } from "../../bytes/hex.js";
import type { MatchField } from "../oxm.js";
import { tciOf } from "../v10/match.js";
import { OFPMT11_STANDARD_LENGTH, Wildcards11 } from "./match11.js";

/** Fields the standard match has a place for, and whether a mask is allowed there. */
const PLACES = new Map<string, boolean>([
  ["in_port", false], ["dl_src", true], ["dl_dst", true], ["vlan_vid", true], ["vlan_pcp", false], ["vlan_tci", true],
  ["dl_type", false], ["ip_dscp", false], ["nw_proto", false], ["arp_op", false], ["nw_src", true], ["nw_dst", true],
  ["arp_spa", true], ["arp_tpa", true], ["tcp_src", false], ["tcp_dst", false], ["udp_src", false], ["udp_dst", false],
  ["sctp_src", false], ["sctp_dst", false], ["icmp_type", false], ["icmp_code", false], ["mpls_label", false],
  ["mpls_tc", false], ["metadata", true],
]);

/** True when every field of `match` has a place in the OpenFlow 1.1 standard match. */
export function fitsMatch11(match: readonly MatchField[]): boolean {
  for (const f of match) {
    // the default (Ethernet) packet type is what a standard match means anyway; the ECN bits have no
    // place in it and are left out, as ofputil_match_to_ofp11_match() leaves them
    if ((f.field === "packet_type" && !f.mask && f.value.every((b) => b === 0)) || f.field === "nw_ecn") continue;
    const masked = PLACES.get(f.field);
    if (masked === undefined || (f.mask !== undefined && !masked)) return false;
  }
  return true;
}

const TP_SRC = new Set(["tcp_src", "udp_src", "sctp_src", "icmp_type"]);
const TP_DST = new Set(["tcp_dst", "udp_dst", "sctp_dst", "icmp_code"]);

/** Writes `len` bytes of `value` (big-endian), or of its inverse. */
function put(w: Writer, len: number, value: bigint, invert = false): void {
  const v = invert ? ~value & ((1n << BigInt(len * 8)) - 1n) : value;
  for (let i = len - 1; i >= 0; i--) w.u8(Number((v >> BigInt(i * 8)) & 0xffn));
}

/** Writes `match` (see {@link fitsMatch11}) as an OpenFlow 1.1 standard match. */
export function encodeMatch11(w: Writer, match: readonly MatchField[]): void {
  const get = (names: string | ReadonlySet<string>): { v: bigint; m: bigint } | undefined => {
    for (const f of match) {
      if (typeof names === "string" ? f.field !== names : !names.has(f.field)) continue;
      const full = (1n << BigInt(f.value.length * 8)) - 1n;
      const m = f.mask ? bytesToBig(f.mask) : full;
      return { v: bytesToBig(f.value) & m, m };
    }
    return undefined;
  };
  let wc = 0;
  const inPort = get("in_port");
  if (!inPort) wc |= Wildcards11.IN_PORT;
  const dlSrc = get("dl_src") ?? { v: 0n, m: 0n };
  const dlDst = get("dl_dst") ?? { v: 0n, m: 0n };
  const { tci, mask } = tciOf(match);
  let dlVlan = 0;
  let dlVlanPcp = 0;
  if (mask === 0) wc |= Wildcards11.DL_VLAN | Wildcards11.DL_VLAN_PCP;
  else if (mask & 0x1000 && !(tci & 0x1000)) {
    dlVlan = 0xffff; // OFPVID11_NONE
    wc |= Wildcards11.DL_VLAN_PCP;
  } else {
    dlVlan = mask & 0x0fff ? tci & 0x0fff : 0xfffe; // OFPVID11_ANY
    if (mask & 0xe000) dlVlanPcp = tci >> 13;
    else wc |= Wildcards11.DL_VLAN_PCP;
  }
  const dlType = get("dl_type");
  if (!dlType) wc |= Wildcards11.DL_TYPE;
  const dscp = get("ip_dscp");
  if (!dscp) wc |= Wildcards11.NW_TOS;
  const proto = get("nw_proto") ?? get("arp_op");
  if (!proto) wc |= Wildcards11.NW_PROTO;
  const nwSrc = get("nw_src") ?? get("arp_spa") ?? { v: 0n, m: 0n };
  const nwDst = get("nw_dst") ?? get("arp_tpa") ?? { v: 0n, m: 0n };
  const tpSrc = get(TP_SRC);
  if (!tpSrc) wc |= Wildcards11.TP_SRC;
  const tpDst = get(TP_DST);
  if (!tpDst) wc |= Wildcards11.TP_DST;
  const label = get("mpls_label");
  if (!label) wc |= Wildcards11.MPLS_LABEL;
  const tc = get("mpls_tc");
  if (!tc) wc |= Wildcards11.MPLS_TC;
  const metadata = get("metadata") ?? { v: 0n, m: 0n };
  w.u16(0).u16(OFPMT11_STANDARD_LENGTH).u32(inPort ? Number(inPort.v) : 0).u32(wc);
  put(w, 6, dlSrc.v);
  put(w, 6, dlSrc.m, true);
  put(w, 6, dlDst.v);
  put(w, 6, dlDst.m, true);
  w.u16(dlVlan).u8(dlVlanPcp).u8(0).u16(dlType ? Number(dlType.v) : 0);
  w.u8(dscp ? Number(dscp.v << 2n) & 0xfc : 0).u8(proto ? Number(proto.v & 0xffn) : 0);
  put(w, 4, nwSrc.v);
  put(w, 4, nwSrc.m, true);
  put(w, 4, nwDst.v);
  put(w, 4, nwDst.m, true);
  w.u16(tpSrc ? Number(tpSrc.v) : 0).u16(tpDst ? Number(tpDst.v) : 0);
  w.u32(label ? Number(label.v) : 0).u8(tc ? Number(tc.v) : 0).zeros(3);
  put(w, 8, metadata.v);
  put(w, 8, metadata.m, true);
}
