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
import { type MatchField, NUM_MAX_BYTES, fieldHasMask, fieldMaskNum, fieldNum, fieldValueLength, fieldValueOutsideMask } from "./oxm.js";

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

/** A prerequisite's name: meta-flow.h's MFP_* in lower case, without the prefix. */
export type PrereqName =
  | "ethernet" | "arp" | "ipv4" | "ipv6" | "vlan_vid" | "mpls" | "ip_any" | "nsh" | "ct_valid"
  | "tcp" | "udp" | "sctp" | "icmpv4" | "icmpv6" | "nd" | "nd_solicit" | "nd_advert";

/** {@link PrereqName} by {@link Prereq} value. */
const PREREQ_NAMES: readonly PrereqName[] = [
  "ethernet", "ethernet", "arp", "ipv4", "ipv6", "vlan_vid", "mpls", "ip_any", "nsh", "ct_valid",
  "tcp", "udp", "sctp", "icmpv4", "icmpv6", "nd", "nd_solicit", "nd_advert",
];

/**
 * Every field that has a prerequisite, with it: the one table of meta-flow.h's prerequisites, which the
 * match/action consistency checks (consistency.ts) judge on what a flow's match says.
 */
export function fieldPrerequisites(): [string, PrereqName][] {
  return [...PREREQ].map(([name, p]) => [name, PREREQ_NAMES[p]!]);
}

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

/** An entry's value under its mask (the low 6 bytes of a wider one), as a number. */
function maskedNum(e: MatchField): number {
  const v = fieldNum(e);
  const m = fieldMaskNum(e);
  return m === undefined ? v : v <= 0xffffffff && m <= 0xffffffff ? (v & m) >>> 0 : masked(e.value, e.mask);
}

/** Big-endian bytes (at most 6) under an optional mask, as a number. */
function masked(value: Uint8Array, mask: Uint8Array | undefined): number {
  let v = 0;
  const n = Math.min(value.length, 6);
  for (let i = value.length - n; i < value.length; i++) v = v * 256 + (mask ? value[i]! & mask[i]! : value[i]!);
  return v;
}

/**
 * What the entries decoded so far say about the packet (the parts of struct flow the prerequisites read):
 * one object, reset at each call (the checks run synchronously, never nested).
 */
const flow = { packetType: PT_ETH, dlType: 0, tci: 0, nwProto: 0, nwFrag: 0, tpSrc: 0, tpDst: 0, ctState: 0, ctStateMask: 0 };
type Flow = typeof flow;

function prereqOk(p: Prereq, f: Flow): boolean {
  // get_dl_type(): the packet type's Ethertype for namespace 1, FLOW_DL_TYPE_NONE for other non-Ethernet packets
  const dl = f.packetType === PT_ETH ? f.dlType : f.packetType >>> 16 === 1 ? f.packetType & 0xffff : 0x5ff;
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
      return dl === 0x0800 || dl === 0x86dd;
    case Prereq.Nsh:
      return dl === 0x894f;
    case Prereq.CtValid: {
      const s = f.ctState;
      return (s & CS_VALID) !== 0 || ((s & 0x20) !== 0 && (f.ctStateMask & 0x10) !== 0 && (s & 0x10) === 0);
    }
    case Prereq.Tcp:
      return (dl === 0x0800 || dl === 0x86dd) && f.nwProto === 6 && (f.nwFrag & FRAG_LATER) === 0;
    case Prereq.Udp:
      return (dl === 0x0800 || dl === 0x86dd) && f.nwProto === 17 && (f.nwFrag & FRAG_LATER) === 0;
    case Prereq.Sctp:
      return (dl === 0x0800 || dl === 0x86dd) && f.nwProto === 132 && (f.nwFrag & FRAG_LATER) === 0;
    case Prereq.Icmpv4:
      return dl === 0x0800 && f.nwProto === 1;
    case Prereq.Icmpv6:
      return dl === 0x86dd && f.nwProto === 58;
    case Prereq.Nd:
    case Prereq.NdSolicit:
    case Prereq.NdAdvert: {
      const nd = dl === 0x86dd && f.nwProto === 58 && f.tpDst === 0 && (f.tpSrc === 135 || f.tpSrc === 136);
      return nd && (p === Prereq.Nd || f.tpSrc === (p === Prereq.NdSolicit ? 135 : 136));
    }
  }
}

/** What an entry records in {@link Flow} (mf_set() on the parts it keeps); 0: nothing. */
const enum Sets {
  PacketType = 1,
  DlType,
  VlanTci,
  VlanVid,
  VlanPcp,
  NwProto,
  NwFrag,
  Icmpv6Type,
  Icmpv6Code,
  CtState,
}

/**
 * The fields whose value the prerequisites of later entries read, with what each records. A new field that
 * changes what a prerequisite reads goes here; a new field with a prerequisite goes in {@link PREREQ}; one
 * sharing storage with another in {@link STORAGE}. Nothing else is per field.
 */
const SETS = new Map<string, Sets>([
  ["packet_type", Sets.PacketType],
  ["dl_type", Sets.DlType],
  ["vlan_tci", Sets.VlanTci],
  ["vlan_vid", Sets.VlanVid],
  ["vlan_pcp", Sets.VlanPcp],
  ["nw_proto", Sets.NwProto],
  ["arp_op", Sets.NwProto],
  ["nw_frag", Sets.NwFrag],
  ["icmpv6_type", Sets.Icmpv6Type],
  ["icmpv6_code", Sets.Icmpv6Code],
  ["ct_state", Sets.CtState],
]);

/** Records what an entry sets (mf_set() on the parts {@link Flow} keeps). */
function apply(s: Sets, e: MatchField, f: Flow): void {
  switch (s) {
    case Sets.PacketType:
      f.packetType = maskedNum(e) >>> 0;
      break;
    case Sets.DlType:
      f.dlType = maskedNum(e);
      break;
    case Sets.VlanTci:
      f.tci = maskedNum(e);
      break;
    case Sets.VlanVid:
      f.tci = (f.tci & ~0x1fff) | (maskedNum(e) & 0x1fff);
      break;
    case Sets.VlanPcp:
      f.tci |= 0x1000;
      break;
    case Sets.NwProto:
      f.nwProto = maskedNum(e) & 0xff;
      break;
    case Sets.NwFrag:
      f.nwFrag = maskedNum(e);
      break;
    case Sets.Icmpv6Type:
      f.tpSrc = maskedNum(e);
      break;
    case Sets.Icmpv6Code:
      f.tpDst = maskedNum(e);
      break;
    case Sets.CtState:
      f.ctState = fieldNum(e);
      f.ctStateMask = fieldMaskNum(e) ?? 0xffffffff;
      break;
  }
}

/** Bits of a field's info (see {@link infoOf}): its prerequisite in the low 5, what it sets in the next 4, then its storage slot. */
const INFO_SETS_SHIFT = 5;
const INFO_SLOT_SHIFT = 9;
/** Set in a field's info when its value has bits it may not have ({@link fieldValueValid}); above any slot (masked off to read the slot). */
const INFO_VALUE_CHECK = 1 << 30;

/**
 * Per field name, in one number: its prerequisite (low 5 bits, 0 for none), what it records ({@link Sets},
 * 4 bits) and its storage slot (the rest: fields kept in one place share one), so an entry costs one lookup.
 * Built from {@link PREREQ}, {@link STORAGE} and {@link SETS} the first time a name is seen: a new field
 * needs no entry here.
 */
const INFO = new Map<string, number>();
function infoOf(field: string): number {
  let info = INFO.get(field);
  if (info === undefined) {
    const storage = STORAGE.get(field) ?? field;
    let slot = SLOTS.get(storage);
    if (slot === undefined) {
      SLOTS.set(storage, (slot = SLOTS.size + 1));
      if (slot >= SEEN.length) {
        const grown = new Int32Array(SEEN.length * 2);
        grown.set(SEEN);
        SEEN = grown;
      }
    }
    info = (PREREQ.get(field) ?? 0) | ((SETS.get(field) ?? 0) << INFO_SETS_SHIFT) | (slot << INFO_SLOT_SHIFT);
    if (VALUE_BITS.has(field) || PORT_VALUE_FIELDS.has(field)) info |= INFO_VALUE_CHECK;
    INFO.set(field, info);
  }
  return info;
}
const SLOTS = new Map<string, number>();

/**
 * The info of the field a header names, cached by the header's class and field number (NXM_0, NXM_1,
 * OPENFLOW_BASIC, PACKET_REGS: 4 x 128 places) with the name it was cached for: a decoded entry's name is
 * the catalogue's string, so the check is one comparison of the same string; an entry whose header and name
 * disagree (built by hand) is looked up by name. Experimenter-class headers go by name.
 */
const INFO_BY_HEADER = new Int32Array(4 * 128);
const NAME_BY_HEADER: (string | undefined)[] = new Array<string | undefined>(4 * 128).fill(undefined);

function entryInfo(e: MatchField): number {
  const h = e.header;
  const cls = h >>> 16;
  const c = cls === 0x0000 ? 0 : cls === 0x0001 ? 1 : cls === 0x8000 ? 2 : cls === 0x8001 ? 3 : -1;
  if (c < 0) return infoOf(e.field);
  const k = (c << 7) | ((h >>> 9) & 0x7f);
  const name = NAME_BY_HEADER[k];
  if (name === e.field) return INFO_BY_HEADER[k]!;
  const info = infoOf(e.field);
  if (name === undefined) {
    NAME_BY_HEADER[k] = e.field;
    INFO_BY_HEADER[k] = info;
  }
  return info;
}

/**
 * Storage slots seen by the current call: `SEEN[slot] === generation` (no set to build or clear per call).
 * Grows with the slots ({@link infoOf} numbers them); the generation restarts (and the marks are cleared)
 * before it would overflow.
 */
let SEEN = new Int32Array(256);
let generation = 0;

/**
 * The error Open vSwitch's strict match decoder gives a match whose entries (in wire order, as decoded from
 * NXM or OXM) have a value outside its mask (`OFPBMC_BAD_WILDCARDS`), a value the field cannot have
 * (`OFPBMC_BAD_VALUE`), break a prerequisite (`OFPBMC_BAD_PREREQ`) or name a field twice (`OFPBMC_DUP_FIELD`), or
 * undefined when it accepts them. Unknown entries are not judged.
 */
export function matchEntriesError(entries: readonly MatchField[]): "OFPBMC_BAD_WILDCARDS" | "OFPBMC_BAD_VALUE" | "OFPBMC_BAD_PREREQ" | "OFPBMC_DUP_FIELD" | undefined {
  const n = entries.length;
  if (n === 0) return undefined;
  if (generation === 0x7fffffff) {
    SEEN.fill(0);
    generation = 0;
  }
  const gen = ++generation;
  const f = flow;
  f.packetType = PT_ETH;
  f.dlType = f.tci = f.nwProto = f.nwFrag = f.tpSrc = f.tpDst = f.ctState = f.ctStateMask = 0;
  let ptSet = false;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e.field === "unknown") continue;
    // a value with bits outside its mask, as the entry is read (is_mask_consistent())
    if (fieldHasMask(e) && !maskConsistent(e)) return "OFPBMC_BAD_WILDCARDS";
    const info = entryInfo(e);
    const p = (info & 31) as Prereq | 0;
    if (p === Prereq.Nsh && !nshValueValid(e)) return "OFPBMC_BAD_VALUE";
    if ((p === Prereq.Ipv6 || p === Prereq.Mpls) && !narrowValueValid(e)) return "OFPBMC_BAD_VALUE";
    if (info & INFO_VALUE_CHECK && !fieldValueValid(e)) return "OFPBMC_BAD_VALUE";
    if (p !== 0 && !prereqOk(p, f)) return "OFPBMC_BAD_PREREQ";
    const slot = (info & ~INFO_VALUE_CHECK) >>> INFO_SLOT_SHIFT;
    const sets = ((info >>> INFO_SETS_SHIFT) & 15) as Sets | 0;
    if (SEEN[slot] === gen || (sets === Sets.PacketType && ptSet)) return "OFPBMC_DUP_FIELD";
    SEEN[slot] = gen;
    if (sets !== 0) apply(sets, e, f);
    if (p !== 0) ptSet = true;
  }
  return undefined;
}

/**
 * Whether a masked entry's value has no bit outside its mask (Open vSwitch's is_mask_consistent(): a match
 * entry or a masked set_field value that fails it is `OFPBMC_BAD_WILDCARDS`), read from the numbers the
 * entry carries when it is at most {@link NUM_MAX_BYTES} bytes (no byte views made). Call it only for an
 * entry with a mask (`fieldHasMask()`).
 */
export function maskConsistent(e: MatchField): boolean {
  return !fieldValueOutsideMask(e);
}

/**
 * The bits a value of these fields may have (mf_is_value_valid()), by the field's width on the wire:
 * `nw_tos` (NXM_OF_IP_TOS) keeps its two ECN bits clear, `ip_dscp` (OXM_OF_IP_DSCP) is 6 bits, `vlan_vid`
 * has no PCP bits, `arp_op` is 8 bits, `tun_flags` only the public flag.
 */
const VALUE_BITS = new Map<string, number>([
  ["nw_tos", 0xfc], ["ip_dscp", 0x3f], ["nw_ecn", 3], ["nw_frag", 3], ["tcp_flags", 0x0fff], ["arp_op", 0xff],
  ["vlan_vid", 0x1fff], ["vlan_pcp", 7], ["mpls_tc", 7], ["mpls_bos", 1], ["tun_flags", 1], ["ct_state", 0xff],
]);

/** The fields whose 32-bit value must be an OpenFlow 1.1 port (ofputil_port_from_ofp11()). */
const PORT_VALUE_FIELDS = new Set(["in_port", "in_port_oxm", "actset_output"]);

/**
 * mf_is_value_valid() of a decoded entry or set_field value: the narrow fields of {@link VALUE_BITS} have
 * no other bits set, and a 32-bit port (`in_port` as OXM_OF_IN_PORT, `actset_output`) is below 0xff00 or
 * from 0xffffff00 (ofputil_port_from_ofp11()). (The labels and NSH fields have their own checks.) The value
 * is judged as written, its mask aside.
 */
export function fieldValueValid(e: MatchField): boolean {
  const n = fieldValueLength(e);
  if (n > 4) return true;
  const check = valueCheckOf(e);
  if (check === NO_VALUE_CHECK) return true;
  const x = fieldNum(e);
  // (0xffffff00 up are the reserved ports, OFPP11_OFFSET away from their 16-bit numbers)
  if (check === PORT_VALUE_CHECK) return n !== 4 || x < 0xff00 || x >= 0xffffff00;
  return (x & ~check) === 0;
}

/** {@link valueCheckOf}: a field with no value check. */
const NO_VALUE_CHECK = -1;
/** {@link valueCheckOf}: a field whose value is a 32-bit port ({@link PORT_VALUE_FIELDS}). */
const PORT_VALUE_CHECK = -2;

/** A field's value check by name: its bits ({@link VALUE_BITS}), {@link PORT_VALUE_CHECK} or {@link NO_VALUE_CHECK}. */
function valueCheckByName(field: string): number {
  return PORT_VALUE_FIELDS.has(field) ? PORT_VALUE_CHECK : (VALUE_BITS.get(field) ?? NO_VALUE_CHECK);
}

/**
 * {@link valueCheckByName} of an entry, cached by its header's class and field number with the name it was
 * cached for, as {@link entryInfo} caches (no hashing of the name for a decoded entry).
 */
function valueCheckOf(e: MatchField): number {
  const h = e.header;
  const cls = h >>> 16;
  const c = cls === 0x0000 ? 0 : cls === 0x0001 ? 1 : cls === 0x8000 ? 2 : cls === 0x8001 ? 3 : -1;
  if (c < 0) return valueCheckByName(e.field);
  const k = (c << 7) | ((h >>> 9) & 0x7f);
  const name = VALUE_CHECK_NAME_BY_HEADER[k];
  if (name === e.field) return VALUE_CHECK_BY_HEADER[k]!;
  const check = valueCheckByName(e.field);
  if (name === undefined) {
    VALUE_CHECK_NAME_BY_HEADER[k] = e.field;
    VALUE_CHECK_BY_HEADER[k] = check;
  }
  return check;
}
const VALUE_CHECK_BY_HEADER = new Int32Array(4 * 128);
const VALUE_CHECK_NAME_BY_HEADER: (string | undefined)[] = new Array<string | undefined>(4 * 128).fill(undefined);

/**
 * mf_is_value_valid() of the 20-bit labels (IPv6 flow label, MPLS label), which the decoder checks before the
 * prerequisites. (The other narrow fields' checks are not made here: ovs-ofctl masks their values when it
 * parses them, and our encoder does not yet.)
 */
function narrowValueValid(e: MatchField): boolean {
  if (e.field !== "ipv6_label" && e.field !== "mpls_label") return true;
  // (a 4-byte value: its number, no byte view made)
  return fieldValueLength(e) !== 4 || fieldNum(e) < 0x100000;
}

/**
 * mf_is_value_valid() of the NSH fields, which the decoder checks before the prerequisites: a TTL of at most
 * 63, MD type 1 or 2, a 24-bit service path identifier.
 */
function nshValueValid(e: MatchField): boolean {
  switch (e.field) {
    case "nsh_ttl":
      return firstByte(e) <= 63;
    case "nsh_mdtype": {
      const b = firstByte(e);
      return b === 1 || b === 2;
    }
    case "nsh_spi":
      return fieldValueLength(e) !== 4 || firstByte(e) === 0;
    default:
      return true;
  }
}

/** The first byte of an entry's value (NaN for an empty one), from its number when it carries one. */
function firstByte(e: MatchField): number {
  const n = fieldValueLength(e);
  if (n === 0) return NaN;
  if (n > NUM_MAX_BYTES) return e.value[0]!;
  return Math.floor(fieldNum(e) / 2 ** (8 * (n - 1)));
}

/** True when `field` has a prerequisite (meta-flow.h's MFP_* other than none): matching it implies an Ethernet packet type. */
export function hasPrerequisite(field: string): boolean {
  return PREREQ.has(field);
}
