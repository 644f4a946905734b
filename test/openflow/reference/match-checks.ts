// The straightforward version of a decode-side check as it was before it was made table-driven (src/openflow/),
// kept as the reference of test/openflow/check-equivalence.test.ts: do not optimise it.
/**
 * The checks Open vSwitch's strict NXM/OXM decoder (nx_pull_raw() with `strict`, as for a flow_mod) runs on
 * each match entry in wire order: the field's prerequisites must hold for the entries before it
 * (mf_are_match_prereqs_ok(): `OFPBMC_BAD_PREREQ`), and a field may not be matched twice
 * (`OFPBMC_DUP_FIELD`). The prerequisites are those of meta-flow.h (MFP_*), judged on the values decoded
 * so far: the packet type (Ethernet unless matched), the Ethertype (the packet type's for namespace 1),
 * the VLAN CFI bit, the IP protocol and fragment bits, the ICMPv6 type and code, and `ct_state`.
 *
 * @module
 */
import type { MatchField } from "../../../src/openflow/oxm.js";

/** A field's prerequisite (Open vSwitch's `enum mf_prereqs`). */
const enum Prereq {
  Ethernet = 1,
  Arp,
  Ipv4,
  Ipv6,
  VlanVid,
  Mpls,
  IpAny,
  Nsh,
  CtValid,
  Tcp,
  Udp,
  Sctp,
  Icmpv4,
  Icmpv6,
  Nd,
  NdSolicit,
  NdAdvert,
}

/** Prerequisites by field name (meta-flow.h); fields not listed have none. */
const PREREQ = new Map<string, Prereq>([
  ...["dl_src", "dl_dst", "dl_type", "vlan_tci", "vlan_vid"].map((n) => [n, Prereq.Ethernet] as const),
  ["vlan_pcp", Prereq.VlanVid],
  ...["mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl"].map((n) => [n, Prereq.Mpls] as const),
  ...["nw_src", "nw_dst"].map((n) => [n, Prereq.Ipv4] as const),
  ...["ipv6_src", "ipv6_dst", "ipv6_label"].map((n) => [n, Prereq.Ipv6] as const),
  ...["nw_proto", "nw_tos", "ip_dscp", "nw_ecn", "nw_ttl", "nw_frag"].map((n) => [n, Prereq.IpAny] as const),
  ...["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"].map((n) => [n, Prereq.Arp] as const),
  ...["tcp_src", "tcp_dst", "tcp_flags"].map((n) => [n, Prereq.Tcp] as const),
  ...["udp_src", "udp_dst"].map((n) => [n, Prereq.Udp] as const),
  ...["sctp_src", "sctp_dst"].map((n) => [n, Prereq.Sctp] as const),
  ...["icmp_type", "icmp_code"].map((n) => [n, Prereq.Icmpv4] as const),
  ...["icmpv6_type", "icmpv6_code"].map((n) => [n, Prereq.Icmpv6] as const),
  ["nd_target", Prereq.Nd],
  ["nd_sll", Prereq.NdSolicit],
  ["nd_tll", Prereq.NdAdvert],
  ...["nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4"].map((n) => [n, Prereq.Nsh] as const),
  ...["ct_nw_proto", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst", "ct_tp_src", "ct_tp_dst"].map((n) => [n, Prereq.CtValid] as const),
]);

/** Fields kept in one place of Open vSwitch's struct flow under several names: matching two of them is a duplicate. */
const STORAGE = new Map<string, string>([
  ...["tcp_src", "udp_src", "sctp_src", "icmp_type", "icmpv6_type"].map((n) => [n, "tp_src"] as const),
  ...["tcp_dst", "udp_dst", "sctp_dst", "icmp_code", "icmpv6_code"].map((n) => [n, "tp_dst"] as const),
  ["arp_spa", "nw_src"],
  ["arp_tpa", "nw_dst"],
  ["arp_op", "nw_proto"],
  ["nd_sll", "arp_sha"],
  ["nd_tll", "arp_tha"],
  ["nw_tos", "ip_dscp"],
]);

const PT_ETH = 0;
const FRAG_LATER = 2;
/** ct_state bits that imply a valid connection: new, est, rel, rpl, snat, dnat. */
const CS_VALID = 0x01 | 0x02 | 0x04 | 0x08 | 0x40 | 0x80;

/** Big-endian bytes (at most 6) under an optional mask, as a number. */
function masked(value: Uint8Array, mask: Uint8Array | undefined): number {
  let v = 0;
  const n = Math.min(value.length, 6);
  for (let i = value.length - n; i < value.length; i++) v = v * 256 + (mask ? value[i]! & mask[i]! : value[i]!);
  return v;
}

/** What the entries decoded so far say about the packet (the parts of struct flow the prerequisites read). */
interface Flow {
  packetType: number;
  dlType: number;
  tci: number;
  nwProto: number;
  nwFrag: number;
  tpSrc: number;
  tpDst: number;
  ctState: number;
  ctStateMask: number;
}

function dlTypeOf(f: Flow): number {
  // get_dl_type(): the packet type's Ethertype for namespace 1, FLOW_DL_TYPE_NONE for other non-Ethernet packets
  return f.packetType === PT_ETH ? f.dlType : f.packetType >>> 16 === 1 ? f.packetType & 0xffff : 0x5ff;
}

function prereqOk(p: Prereq, f: Flow): boolean {
  const dl = dlTypeOf(f);
  const ip = dl === 0x0800 || dl === 0x86dd;
  const notLater = (f.nwFrag & FRAG_LATER) === 0;
  const nd = dl === 0x86dd && f.nwProto === 58 && f.tpDst === 0 && (f.tpSrc === 135 || f.tpSrc === 136);
  switch (p) {
    case Prereq.Ethernet:
      return f.packetType === PT_ETH;
    case Prereq.Arp:
      return dl === 0x0806 || dl === 0x8035;
    case Prereq.Ipv4:
      return dl === 0x0800;
    case Prereq.Ipv6:
      return dl === 0x86dd;
    case Prereq.VlanVid:
      return f.packetType === PT_ETH && (f.tci & 0x1000) !== 0;
    case Prereq.Mpls:
      return dl === 0x8847 || dl === 0x8848;
    case Prereq.IpAny:
      return ip;
    case Prereq.Nsh:
      return dl === 0x894f;
    case Prereq.CtValid: {
      const s = f.ctState;
      return (s & CS_VALID) !== 0 || ((s & 0x20) !== 0 && (f.ctStateMask & 0x10) !== 0 && (s & 0x10) === 0);
    }
    case Prereq.Tcp:
      return ip && f.nwProto === 6 && notLater;
    case Prereq.Udp:
      return ip && f.nwProto === 17 && notLater;
    case Prereq.Sctp:
      return ip && f.nwProto === 132 && notLater;
    case Prereq.Icmpv4:
      return dl === 0x0800 && f.nwProto === 1;
    case Prereq.Icmpv6:
      return dl === 0x86dd && f.nwProto === 58;
    case Prereq.Nd:
      return nd;
    case Prereq.NdSolicit:
      return nd && f.tpSrc === 135;
    case Prereq.NdAdvert:
      return nd && f.tpSrc === 136;
  }
}

/** Records what an entry sets (mf_set() on the parts {@link Flow} keeps). */
function apply(e: MatchField, f: Flow): void {
  switch (e.field) {
    case "packet_type":
      f.packetType = masked(e.value, e.mask) >>> 0;
      break;
    case "dl_type":
      f.dlType = masked(e.value, e.mask);
      break;
    case "vlan_tci":
      f.tci = masked(e.value, e.mask);
      break;
    case "vlan_vid":
      f.tci = (f.tci & ~0x1fff) | (masked(e.value, e.mask) & 0x1fff);
      break;
    case "vlan_pcp":
      f.tci |= 0x1000;
      break;
    case "nw_proto":
    case "arp_op":
      f.nwProto = masked(e.value, e.mask) & 0xff;
      break;
    case "nw_frag":
      f.nwFrag = masked(e.value, e.mask);
      break;
    case "icmpv6_type":
      f.tpSrc = masked(e.value, e.mask);
      break;
    case "icmpv6_code":
      f.tpDst = masked(e.value, e.mask);
      break;
    case "ct_state":
      f.ctState = masked(e.value, undefined);
      f.ctStateMask = e.mask ? masked(e.mask, undefined) : 0xffffffff;
      break;
  }
}

/**
 * Per field name, in one number: its prerequisite (low 5 bits, 0 for none) and its storage slot (the rest:
 * fields kept in one place share one), so an entry costs one lookup.
 */
const INFO = new Map<string, number>();
function infoOf(field: string): number {
  let info = INFO.get(field);
  if (info === undefined) {
    const storage = STORAGE.get(field) ?? field;
    let slot = SLOTS.get(storage);
    if (slot === undefined) SLOTS.set(storage, (slot = SLOTS.size + 1));
    info = (PREREQ.get(field) ?? 0) | (slot << 5);
    INFO.set(field, info);
  }
  return info;
}
const SLOTS = new Map<string, number>();

/**
 * The error Open vSwitch's strict match decoder gives a match whose entries (in wire order, as decoded from
 * NXM or OXM) break a prerequisite (`OFPBMC_BAD_PREREQ`) or name a field twice (`OFPBMC_DUP_FIELD`), or
 * undefined when it accepts them. Unknown entries are not judged.
 */
export function matchEntriesError(entries: readonly MatchField[]): "OFPBMC_BAD_WILDCARDS" | "OFPBMC_BAD_VALUE" | "OFPBMC_BAD_PREREQ" | "OFPBMC_DUP_FIELD" | undefined {
  const n = entries.length;
  if (n === 0) return undefined;
  let f: Flow | undefined;
  // the storage slots seen so far (a match has a few entries: a scan beats a Set)
  const seen: number[] = [];
  let ptSet = false;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e.field === "unknown") continue;
    if (e.mask && e.value.some((b, k) => (b & ~e.mask![k]!) !== 0)) return "OFPBMC_BAD_WILDCARDS";
    const info = infoOf(e.field);
    const p = (info & 31) as Prereq | 0;
    if (p === Prereq.Nsh && !nshValueValid(e)) return "OFPBMC_BAD_VALUE";
    if (!narrowValueValid(e)) return "OFPBMC_BAD_VALUE";
    if (!otherValueValid(e)) return "OFPBMC_BAD_VALUE";
    f ??= { packetType: PT_ETH, dlType: 0, tci: 0, nwProto: 0, nwFrag: 0, tpSrc: 0, tpDst: 0, ctState: 0, ctStateMask: 0 };
    if (p !== 0 && !prereqOk(p, f)) return "OFPBMC_BAD_PREREQ";
    const slot = info >>> 5;
    if (seen.includes(slot) || (e.field === "packet_type" && ptSet)) return "OFPBMC_DUP_FIELD";
    seen.push(slot);
    apply(e, f);
    if (p !== 0) ptSet = true;
  }
  return undefined;
}

/** True when `field` has a prerequisite (meta-flow.h's MFP_* other than none): matching it implies an Ethernet packet type. */
export function hasPrerequisite(field: string): boolean {
  return PREREQ.has(field);
}

/** mf_is_value_valid() of the NSH fields: a TTL of at most 63, MD type 1 or 2, a 24-bit service path identifier. */
/** mf_is_value_valid() of the other narrow fields (the bits each may have) and of 32-bit ports. */
function otherValueValid(e: MatchField): boolean {
  const bits: Record<string, bigint> = {
    nw_tos: 0xfcn, ip_dscp: 0x3fn, nw_ecn: 3n, nw_frag: 3n, tcp_flags: 0xfffn, arp_op: 0xffn,
    vlan_vid: 0x1fffn, vlan_pcp: 7n, mpls_tc: 7n, mpls_bos: 1n, tun_flags: 1n, ct_state: 0xffn,
  };
  if (e.value.length > 4) return true;
  const v = BigInt(`0x${Buffer.from(e.value).toString("hex") || "0"}`);
  if (["in_port", "in_port_oxm", "actset_output"].includes(e.field)) return e.value.length !== 4 || v < 0xff00n || v >= 0xffffff00n;
  return bits[e.field] === undefined || (v & ~bits[e.field]!) === 0n;
}

/** mf_is_value_valid() of the 20-bit labels (IPv6 flow label, MPLS label). */
function narrowValueValid(e: MatchField): boolean {
  const max: Record<string, number> = { ipv6_label: 0xfffff, mpls_label: 0xfffff };
  const m = max[e.field];
  if (m === undefined || (e.field.endsWith("label") && e.value.length !== 4)) return true;
  let v = 0;
  for (const b of e.value) v = v * 256 + b;
  return v <= m;
}

function nshValueValid(e: MatchField): boolean {
  const v = e.value;
  switch (e.field) {
    case "nsh_ttl":
      return v[0]! <= 63;
    case "nsh_mdtype":
      return v[0] === 1 || v[0] === 2;
    case "nsh_spi":
      return v.length !== 4 || v[0] === 0;
    default:
      return true;
  }
}
