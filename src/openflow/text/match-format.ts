/**
 * Match text, print side: OXM match fields in ovs-ofctl's `match_format` order (`priority=100,ip,nw_dst=10.0.0.0/24`),
 * each printer section skipped whole when the match has none of its fields. The parse side is `match.ts`.
 *
 * @module
 */
import { type MatchField, NUM_MAX_BYTES, fieldByName, fieldMaskNum, fieldNum, fieldValueLength } from "../oxm.js";
import { type PortFormatter, formatPort } from "./ports.js";
import { formatIpv4BigInt, formatIpv6, formatMacBigInt } from "../../net/address.js";
import { big, bdec, bhex, bigIntToBytes, bytesToBigInt, fieldNamed, CT_STATE_BITS, fmtFlagsExact, fmtFlagsMasked, formatValue, hexBytes, hexNum, ones, prefixLen, TCP_FLAG_BITS, TUN_FLAG_BITS, type VM } from "./values.js";

/** Half of a packet type as Open vSwitch prints it (put_u16_masked()): `*` unmatched, 0-9 in decimal, else hex. */
function u16Masked(v: bigint, m: bigint): string {
  if (m === 0n) return "*";
  const t = v > 9n ? `0x${v.toString(16)}` : String(v);
  return m === 0xffffn ? t : `${t}/0x${m.toString(16)}`;
}

/** A field being printed: its value and mask, and whether a printer section has printed it. */
interface PrintedVM extends VM {
  printed: boolean;
}

/**
 * A match's fields by printed name, as a `Map` would keep them (a later entry of a name replaces an earlier
 * one in its place), on one short array of names and entries searched in order: a match has a handful of
 * fields, and a `Map` per message costs more than comparing a few interned names.
 */
class MatchMap {
  /** Name, entry, name, entry, ... for the first {@link MatchMap.size} names, in order. */
  readonly items: (string | PrintedVM)[];
  /** How many names. */
  size = 0;

  /** @param capacity - how many names to make room for (more still fit) */
  constructor(capacity: number) {
    this.items = new Array<string | PrintedVM>(capacity * 2);
  }

  /** The name's entry. */
  get(name: string): PrintedVM | undefined {
    const items = this.items;
    for (let i = 0, n = this.size * 2; i < n; i += 2) if (items[i] === name) return items[i + 1] as PrintedVM;
    return undefined;
  }

  /** Whether the name is there. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Sets the name's entry, keeping its position (a new name goes last). */
  set(name: string, e: PrintedVM): void {
    const items = this.items;
    const n = this.size * 2;
    for (let i = 0; i < n; i += 2) {
      if (items[i] === name) {
        items[i + 1] = e;
        return;
      }
    }
    items[n] = name;
    items[n + 1] = e;
    this.size++;
  }
}

/**
 * Printer sections a match field belongs to, by name: a section none of whose fields the match has is
 * skipped whole instead of probing each of its names (most matches have 2 to 6 of ~90 printable fields).
 */
const G_META = 1;
const G_CT = 2;
const G_REG = 4;
const G_TUN = 8;
const G_MD = 16;
const G_MPLS = 32;
const G_ND = 64;
const G_ARP = 128;
const G_IP6 = 256;
const G_ETH = 512;
const G_L3 = 1024;
const G_L4 = 2048;
const G_NSH = 4096;
/** The NSH fields, printed (in this order) for an NSH packet only (format_nsh_masked()). */
const NSH_FIELDS = ["nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4"];
/** The ERSPAN and GTP-U tunnel fields (format_flow_tunnel()). */
const TUN_EXT_FIELDS = ["tun_erspan_ver", "tun_erspan_idx", "tun_erspan_dir", "tun_erspan_hwid", "tun_gtpu_flags", "tun_gtpu_msgtype"];
const GROUPS = new Map<string, number>([
  ...["packet_type", "pkt_mark", "recirc_id", "dp_hash", "conj_id", "actset_output"].map((n) => [n, G_META] as const),
  ...["ct_state", "ct_zone", "ct_mark", "ct_label", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst", "ct_nw_proto", "ct_tp_src", "ct_tp_dst"].map((n) => [n, G_CT] as const),
  ...Array.from({ length: 16 }, (_, i) => [`reg${i}`, G_REG] as const),
  ...["tun_id", "tun_src", "tun_dst", "tun_ipv6_src", "tun_ipv6_dst", "tun_gbp_id", "tun_gbp_flags", "tun_flags"].map((n) => [n, G_TUN] as const),
  ...TUN_EXT_FIELDS.map((n) => [n, G_TUN] as const),
  ...NSH_FIELDS.map((n) => [n, G_NSH] as const),
  ...Array.from({ length: 64 }, (_, i) => [`tun_metadata${i}`, G_MD] as const),
  ...["mpls_label", "mpls_tc", "mpls_ttl", "mpls_bos"].map((n) => [n, G_MPLS] as const),
  ...["nd_target", "nd_sll", "nd_tll"].map((n) => [n, G_ND] as const),
  ...["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"].map((n) => [n, G_ARP] as const),
  ...["ipv6_src", "ipv6_dst", "ipv6_label"].map((n) => [n, G_IP6] as const),
  ...["metadata", "in_port", "vlan_vid", "vlan_pcp", "vlan_tci", "dl_src", "dl_dst"].map((n) => [n, G_ETH] as const),
  ...["nw_src", "nw_dst", "nw_tos", "nw_ecn", "nw_ttl", "nw_frag"].map((n) => [n, G_L3] as const),
  ...["tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "tcp_flags"].map((n) => [n, G_L4] as const),
]);

/** A match's fields by printed name, the ones with no name, and the {@link GROUPS} sections present. */
interface FieldsByName {
  map: MatchMap;
  unknown: MatchField[];
  groups: number;
}

function toMap(match: readonly MatchField[]): FieldsByName {
  const map = new MatchMap(match.length);
  const unknown: MatchField[] = [];
  let groups = 0;
  for (const f of match) {
    const def = fieldNamed(f.field);
    if (!def) {
      unknown.push(f);
      continue;
    }
    // a narrow field's value and mask read as the numbers a decoded entry carries (no view of its bytes made)
    const len = fieldValueLength(f);
    const narrow = len <= NUM_MAX_BYTES;
    const mn = narrow ? fieldMaskNum(f) : undefined;
    const masked = narrow ? mn !== undefined : f.mask !== undefined;
    let v = narrow ? big(fieldNum(f)) : bytesToBigInt(f.value);
    let m = !masked ? ones(len * 8) : narrow ? big(mn!) : bytesToBigInt(f.mask!);
    // xreg/xxreg are printed as the 32-bit registers they overlay
    const x = def.name.charCodeAt(0) === 120 ? /^(x{1,2})reg(\d+)$/.exec(def.name) : null;
    if (x) {
      const words = len / 4;
      const firstReg = Number(x[2]) * words;
      for (let i = 0; i < words; i++) {
        const shift = BigInt((words - 1 - i) * 32);
        const rm = (m >> shift) & 0xffffffffn;
        // a malformed (fuzzed) length can reach past reg31
        if (rm) map.set(REG_NAMES[firstReg + i] ?? `reg${firstReg + i}`, { v: (v >> shift) & 0xffffffffn & rm, m: rm, len: 4, printed: false });
      }
      groups |= G_REG;
      continue;
    }
    if (def.name === "ip_dscp") {
      map.set("nw_tos", { v: (v & 0x3fn) << 2n, m: ((m & 0x3fn) << 2n) | 0n, len: 1, printed: false });
      groups |= G_L3;
      continue;
    }
    groups |= GROUPS.get(def.name) ?? 0;
    // an exact match's value already fits its all-ones mask
    if (masked) v &= m;
    map.set(def.name, { v, m, len, printed: false });
  }
  return { map, unknown, groups };
}


const MD_NAMES = Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`);

// Ethernet types as Numbers: the printers compare the match's type (and IP protocol) as a Number, taken
// from its bigint once (exact for the small values compared with)
const ETH_IP = 0x0800;

const ETH_IPV6 = 0x86dd;

const ETH_ARP = 0x0806;

const ETH_RARP = 0x8035;

const ETH_NSH = 0x894f;

const REG_NAMES = Array.from({ length: 32 }, (_, i) => `reg${i}`);

/** IPv6 addresses printed so far, by value (a flow table has few distinct ones); cleared when full. */
const IPV6_TEXT = new Map<bigint, string>();
/** The most addresses {@link IPV6_TEXT} keeps. */
const IPV6_TEXT_MAX = 1024;

/** A 128-bit address in RFC 5952 form, as formatIpv6() prints its bytes, remembered by value. */
function ipv6Text(v: bigint): string {
  let t = IPV6_TEXT.get(v);
  if (t === undefined) {
    // (through bigIntToBytes: 32 bits per BigInt step)
    t = formatIpv6(bigIntToBytes(v, 16));
    if (IPV6_TEXT.size >= IPV6_TEXT_MAX) IPV6_TEXT.clear();
    IPV6_TEXT.set(v, t);
  }
  return t;
}

/** The match being printed: its fields by name, the ones printed so far, and the output items. */
class MatchPrinter {
  /** The items printed so far, joined by commas as they come (one concatenation each, no array to join). */
  text = "";
  /** How many items {@link MatchPrinter.text} holds. */
  items = 0;
  /** Appends one printed item. */
  push(item: string): void {
    this.text = this.items++ === 0 ? item : this.text + "," + item;
  }
  /** How many of the map's fields have been printed. */
  nPrinted = 0;
  constructor(
    readonly map: MatchMap,
    /** Prints in_port and actset_output (ovs-ofctl's port map). */
    readonly port: PortFormatter = formatPort,
  ) {}
  get(n: string): VM | undefined {
    const e = this.map.get(n);
    if (e !== undefined && !e.printed) {
      e.printed = true;
      this.nPrinted++;
    }
    return e;
  }
  full(e: VM): boolean {
    return e.m === ones(e.len * 8);
  }
  u32(n: string, label = n): void {
    const e = this.get(n);
    if (e && e.m) this.push(`${label}=${hexNum(e.v)}${this.full(e) ? "" : "/" + hexNum(e.m)}`);
  }
  be16(n: string, label = n): void {
    const e = this.get(n);
    if (e && e.m) this.push(this.full(e) ? `${label}=${bdec(e.v)}` : `${label}=0x${bhex(e.v)}/0x${bhex(e.m)}`);
  }
  ip(n: string, label = n): void {
    const e = this.get(n);
    if (!e || !e.m) return;
    let s = `${label}=${formatIpv4BigInt(e.v)}`;
    if (e.m !== ones(32)) {
      const p = prefixLen(e.m, 32);
      s += p !== undefined ? `/${p}` : `/${formatIpv4BigInt(e.m)}`;
    }
    this.push(s);
  }
  ip6(n: string, label = n): void {
    const e = this.get(n);
    if (!e || !e.m) return;
    let s = `${label}=${ipv6Text(e.v)}`;
    if (e.m !== ones(128)) {
      const p = prefixLen(e.m, 128);
      s += p !== undefined ? `/${p}` : `/${ipv6Text(e.m)}`;
    }
    this.push(s);
  }
  mac(n: string, label = n): void {
    const e = this.get(n);
    if (!e || !e.m) return;
    this.push(`${label}=${formatMacBigInt(e.v)}${e.m === ones(48) ? "" : "/" + formatMacBigInt(e.m)}`);
  }
  hexBig(n: string, label = n): void {
    const e = this.get(n);
    if (!e || !e.m) return;
    this.push(`${label}=${hexBytes(bigIntToBytes(e.v, e.len))}${this.full(e) ? "" : "/" + hexBytes(bigIntToBytes(e.m, e.len))}`);
  }
}

/** The shorthand ovs-ofctl prints for IPv4 with an IP protocol (`tcp` for `ip,nw_proto=6`). */
const IP_SHORTHANDS = new Map<number, string>([[1, "icmp"], [6, "tcp"], [17, "udp"], [132, "sctp"]]);
/** The shorthand ovs-ofctl prints for IPv6 with an IP protocol. */
const IPV6_SHORTHANDS = new Map<number, string>([[58, "icmp6"], [6, "tcp6"], [17, "udp6"], [132, "sctp6"]]);

/**
 * Formats a match in ovs-ofctl order (`priority=100,ip,nw_dst=10.0.0.0/24`).
 * @param priority - printed first when given and not the default 32768
 * @param port - prints `in_port` and `actset_output` (e.g. `PortNames.format` for ovs-ofctl's `--names`);
 * default: numbers and reserved names
 */
export function formatMatch(match: readonly MatchField[], priority?: number, port?: PortFormatter): string {
  const { map, unknown, groups } = toMap(match);
  const w = new MatchPrinter(map, port);
  printMeta(w, priority, groups);
  const dlType = w.get("dl_type");
  const nwProto = w.get("nw_proto");
  // the Ethernet type matched (-1: none) and the IP protocol (-1: none), as Numbers
  let dl = dlType && dlType.m ? Number(dlType.v) : -1;
  const proto = nwProto === undefined ? -1 : Number(nwProto.v);
  let skipType = false;
  let skipProto = false;
  // the packet type goes after the conntrack fields; a datapath-style match (recirc_id exact) shows the
  // default Ethernet type as `eth` when a field needs Ethernet (match_format()'s is_megaflow)
  const pt = w.get("packet_type");
  const megaflow = map.get("recirc_id")?.m === 0xffffffffn;
  // an exact Ethernet packet type is the default: printed (as `eth`) in a datapath-style match only
  const defaultPt = pt !== undefined && pt.v === 0n && pt.m === 0xffffffffn;
  if (pt && !defaultPt) w.push(`packet_type=(${u16Masked(pt.v >> 16n, pt.m >> 16n)},${u16Masked(pt.v & 0xffffn, pt.m & 0xffffn)})`);
  else if (megaflow && (defaultPt || needsEthernet(map, groups))) w.push("eth");
  // a packet type of namespace 1 that is printed gives the Ethernet type the rest is printed by (match_format())
  if (pt && !defaultPt && pt.v >> 16n === 1n) dl = Number(pt.v & 0xffffn);
  if (dlType && dlType.m) {
    skipType = true;
    if (dl === ETH_IP) {
      const n = proto >= 0 ? IP_SHORTHANDS.get(proto) : undefined;
      w.push(n ?? "ip");
      skipProto = n !== undefined;
    } else if (dl === ETH_IPV6) {
      const n = proto >= 0 ? IPV6_SHORTHANDS.get(proto) : undefined;
      w.push(n ?? "ipv6");
      skipProto = n !== undefined;
    } else if (dl === ETH_ARP) w.push("arp");
    else if (dl === ETH_RARP) w.push("rarp");
    else if (dl === 0x8847) w.push("mpls");
    else if (dl === 0x8848) w.push("mplsm");
    else skipType = false;
  }
  printL2(w, groups);
  if (!skipType && dlType && dlType.m) w.push(`dl_type=0x${bhex(dlType.v).padStart(4, "0")}`);
  printL3(w, dl, skipProto, nwProto, groups);
  printL4(w, dl, proto, groups);
  // fields ovs-ofctl has no flow syntax for (in_phy_port, pbb_isid, ipv6_exthdr, ...) or that only make
  // sense with another field's prerequisite: printed generically rather than dropped
  if (w.nPrinted !== map.size) for (let i = 0; i < map.size; i++) {
    const name = map.items[2 * i] as string;
    const e = map.items[2 * i + 1] as PrintedVM;
    // NSH fields of a packet that is not NSH are not printed at all (match_format())
    if (e.printed || name === "ip_dscp" || GROUPS.get(name) === G_NSH) continue;
    const f = fieldByName(name);
    if (!f || !e.m) continue;
    const full = e.m === ones(e.len * 8);
    const val = f.format === "port" ? w.port(Number(e.v)) : formatValue(f, e.v, e.len);
    w.push(`${name}=${val}${full ? "" : "/" + formatValue(f, e.m, e.len)}`);
  }
  for (const u of unknown) w.push(`oxm(0x${u.header.toString(16)}${u.experimenter !== undefined ? `,0x${u.experimenter.toString(16)}` : ""})=${hexBytes(u.value)}${u.mask ? "/" + hexBytes(u.mask) : ""}`);
  return w.text;
}

/** The TCP flag bits as match_format() names them (the three reserved ones as `[200]`, `[400]`, `[800]`). */
const TCP_PRINT_BITS: ReadonlyArray<readonly [string, number]> = [...TCP_FLAG_BITS, ["[200]", 0x200], ["[400]", 0x400], ["[800]", 0x800]];

/** format_flags_masked() for tcp_flags: all 12 bits masked print as exact flags (`syn|ack`), else `+syn-ack`. */
function tcpFlagsText(v: bigint, m: bigint): string {
  if (m === 0xfffn) return fmtFlagsExact(v & 0xfffn, TCP_PRINT_BITS, "|");
  return fmtFlagsMasked(v, m, TCP_PRINT_BITS);
}

/** Whether the match has a field only an Ethernet packet has (Ethernet, VLAN, type and everything above). */
function needsEthernet(map: MatchMap, groups: number): boolean {
  if (groups & (G_MPLS | G_ND | G_ARP | G_IP6 | G_L3 | G_L4)) return true;
  for (const n of ["dl_type", "nw_proto", "dl_src", "dl_dst", "vlan_vid", "vlan_pcp", "vlan_tci"]) if (map.has(n)) return true;
  return false;
}

/** Priority, packet type, marks, conjunction, action-set output and conntrack fields. */
function printMeta(w: MatchPrinter, priority: number | undefined, groups: number): void {
  if (priority !== undefined && priority !== 0x8000) w.push(`priority=${priority}`);
  if (groups & G_META) printMarks(w);
  if (groups & G_CT) printCt(w);
}

/** Packet type, marks, conjunction id and action-set output. */
function printMarks(w: MatchPrinter): void {
  w.u32("pkt_mark");
  w.u32("recirc_id");
  w.u32("dp_hash");
  const conj = w.get("conj_id");
  if (conj) w.push(`conj_id=${bdec(conj.v)}`);
  const aso = w.get("actset_output");
  if (aso) w.push(`actset_output=${w.port(Number(aso.v))}`);
}

/** Conntrack fields. */
function printCt(w: MatchPrinter): void {
  const cts = w.get("ct_state");
  if (cts && cts.m) {
    w.push(
      (cts.m & 0xffn) === 0xffn
        ? `ct_state=${fmtFlagsExact(cts.v, CT_STATE_BITS, "|")}`
        : `ct_state=${fmtFlagsMasked(cts.v, cts.m, CT_STATE_BITS)}`,
    );
  }
  const ctz = w.get("ct_zone");
  if (ctz && ctz.m) w.push(w.full(ctz) ? `ct_zone=${bdec(ctz.v)}` : `ct_zone=0x${bhex(ctz.v)}/0x${bhex(ctz.m)}`);
  w.u32("ct_mark");
  w.hexBig("ct_label");
  w.ip("ct_nw_src");
  w.ip("ct_nw_dst");
  w.ip6("ct_ipv6_src");
  w.ip6("ct_ipv6_dst");
  const ctp = w.get("ct_nw_proto");
  if (ctp) w.push(`ct_nw_proto=${bdec(ctp.v)}`);
  w.be16("ct_tp_src");
  w.be16("ct_tp_dst");
}

/** Registers, tunnel fields, metadata, in_port, VLAN and Ethernet addresses. */
function printL2(w: MatchPrinter, groups: number): void {
  if (groups & G_REG) for (let i = 0; i < 16; i++) if (w.map.has(REG_NAMES[i]!)) w.u32(REG_NAMES[i]!);
  if (groups & G_TUN) printTunnel(w);
  if (groups & G_MD) {
    for (const n of MD_NAMES) {
      const e = w.map.get(n);
      if (e === undefined) continue;
      // an all-zero mask is a match on the option's presence, printed as the bare name
      if (e.m === 0n) {
        w.get(n);
        w.push(n);
      } else w.hexBig(n);
    }
  }
  if (groups & G_ETH) printEth(w);
}

/** Tunnel fields other than tun_metadata. */
function printTunnel(w: MatchPrinter): void {
  const tid = w.get("tun_id");
  if (tid && tid.m) w.push(`tun_id=${hexNum(tid.v)}${w.full(tid) ? "" : "/" + hexNum(tid.m)}`);
  w.ip("tun_src");
  w.ip("tun_dst");
  w.ip6("tun_ipv6_src");
  w.ip6("tun_ipv6_dst");
  w.be16("tun_gbp_id");
  const gf = w.get("tun_gbp_flags");
  if (gf && gf.m) w.push(`tun_gbp_flags=${hexNum(gf.v)}`);
  printTunnelExt(w);
  const tf = w.get("tun_flags");
  if (tf && tf.m) w.push(`tun_flags=${fmtFlagsMasked(tf.v, tf.m, TUN_FLAG_BITS)}`);
}

/**
 * ERSPAN and GTP-U fields as format_flow_tunnel() prints them: values only (their masks are the values,
 * see VALUE_AS_MASK in match.ts), `tun_erspan_idx` for version 1 only, direction and hardware id for version 2 only.
 */
function printTunnelExt(w: MatchPrinter): void {
  const ver = w.get("tun_erspan_ver");
  const idx = w.get("tun_erspan_idx");
  const dir = w.get("tun_erspan_dir");
  const hwid = w.get("tun_erspan_hwid");
  const flags = w.get("tun_gtpu_flags");
  const type = w.get("tun_gtpu_msgtype");
  const v = ver ? ver.v : 0n;
  if (ver && ver.v) w.push(`tun_erspan_ver=${bdec(ver.v)}`);
  if (idx && idx.m && v === 1n) w.push(`tun_erspan_idx=${hexNum(idx.v)}`);
  if (dir && dir.v && v === 2n) w.push(`tun_erspan_dir=${bdec(dir.v)}`);
  if (hwid && hwid.v && v === 2n) w.push(`tun_erspan_hwid=${hexNum(hwid.v)}`);
  if (flags && flags.v) w.push(`gtpu_flags=${hexNum(flags.v)}`);
  if (type && type.v) w.push(`gtpu_msgtype=${bdec(type.v)}`);
}

/** An 8-bit field as format_uint8_masked() prints it: decimal when exact, else `0x%02x/0x%02x`. */
function uint8Masked(w: MatchPrinter, name: string): void {
  const e = w.get(name);
  if (!e || !e.m) return;
  w.push(e.m === 0xffn ? `${name}=${bdec(e.v)}` : `${name}=0x${bhex(e.v).padStart(2, "0")}/0x${bhex(e.m).padStart(2, "0")}`);
}

/** A 32-bit field as format_be32_masked_hex() prints it: `0x%x`, and `/0x%x` unless exact. */
function be32MaskedHex(w: MatchPrinter, name: string, full = 0xffffffffn): void {
  const e = w.get(name);
  if (!e || !e.m) return;
  w.push(`${name}=0x${bhex(e.v)}${e.m === full || e.m === 0xffffffffn ? "" : "/0x" + bhex(e.m)}`);
}

/** NSH fields (format_nsh_masked()): the context fields only for MD type 1 matched exactly. */
function printNsh(w: MatchPrinter): void {
  uint8Masked(w, "nsh_flags");
  uint8Masked(w, "nsh_ttl");
  const md = w.map.get("nsh_mdtype");
  uint8Masked(w, "nsh_mdtype");
  uint8Masked(w, "nsh_np");
  // the 24-bit path identifier: all its bits masked is an exact match
  be32MaskedHex(w, "nsh_spi", 0xffffffn);
  uint8Masked(w, "nsh_si");
  const type1 = md !== undefined && md.m === 0xffn && md.v === 1n;
  for (const n of ["nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4"]) {
    if (type1) be32MaskedHex(w, n);
    else w.get(n);
  }
}

/** Metadata, in_port, VLAN and Ethernet addresses. */
function printEth(w: MatchPrinter): void {
  const md = w.get("metadata");
  if (md && md.m) w.push(`metadata=${hexNum(md.v)}${w.full(md) ? "" : "/" + hexNum(md.m)}`);
  const inp = w.get("in_port");
  if (inp) w.push(`in_port=${w.port(Number(inp.v))}`);
  // vlan: rebuild the 802.1Q TCI from vlan_vid / vlan_pcp
  const vid = w.get("vlan_vid");
  const pcp = w.get("vlan_pcp");
  // a raw TCI (NXM_OF_VLAN_TCI with a partial PCP mask)
  const raw = w.get("vlan_tci");
  if (vid || pcp || raw) {
    let tci = raw ? raw.v & raw.m : 0n;
    let tm = raw ? raw.m : 0n;
    if (vid) {
      tci |= vid.v & 0x1fffn;
      tm |= vid.m & 0x1fffn;
    }
    if (pcp) {
      tci |= (pcp.v & 7n) << 13n;
      tm |= 0xe000n;
    }
    const vidMask = tm & 0x0fffn;
    const pcpMask = tm & 0xe000n;
    const cfi = tm & 0x1000n;
    if (cfi && tci & 0x1000n && (!vidMask || vidMask === 0x0fffn) && (!pcpMask || pcpMask === 0xe000n) && (vidMask || pcpMask)) {
      if (vidMask) w.push(`dl_vlan=${tci & 0xfffn}`);
      if (pcpMask) w.push(`dl_vlan_pcp=${tci >> 13n}`);
    } else if (tm === 0xffffn) w.push(`vlan_tci=0x${bhex(tci).padStart(4, "0")}`);
    else if (tm) w.push(`vlan_tci=0x${bhex(tci).padStart(4, "0")}/0x${bhex(tm).padStart(4, "0")}`);
  }
  w.mac("dl_src");
  w.mac("dl_dst");
}

/** IP / ARP / MPLS fields, by Ethernet type. */
function printL3(w: MatchPrinter, dl: number, skipProto: boolean, nwProto: VM | undefined, groups: number): void {
  if (dl === ETH_IPV6) {
    if (groups & G_IP6) printIp6(w);
  } else if (dl === ETH_ARP || dl === ETH_RARP) {
    if (groups & G_ARP) {
      w.ip("arp_spa");
      w.ip("arp_tpa");
    }
  } else if (dl === ETH_NSH) {
    if (groups & G_NSH) printNsh(w);
  } else if (groups & G_L3) {
    w.ip("nw_src");
    w.ip("nw_dst");
  }
  if (!skipProto && nwProto && nwProto.m) w.push(`nw_proto=${bdec(nwProto.v)}`);
  if ((dl === ETH_ARP || dl === ETH_RARP) && groups & G_ARP) {
    const op = w.get("arp_op");
    if (op) w.push(`arp_op=${bdec(op.v)}`);
    w.mac("arp_sha");
    w.mac("arp_tha");
  }
  if (groups & G_L3) {
    const tos = w.get("nw_tos");
    if (tos && tos.m & 0xfcn) w.push(`nw_tos=${tos.v & 0xfcn}`);
    const ecn = w.get("nw_ecn");
    if (ecn && ecn.m) w.push(`nw_ecn=${ecn.v & 3n}`);
    const ttl = w.get("nw_ttl");
    if (ttl && ttl.m) w.push(`nw_ttl=${bdec(ttl.v)}`);
  }
  if (groups & G_MPLS) printMpls(w);
  const frag = groups & G_L3 ? w.get("nw_frag") : undefined;
  if (frag && frag.m) {
    const fm = frag.m & 3n;
    const fv = frag.v & 3n;
    if (fm === 3n) w.push(`nw_frag=${fv & 1n ? (fv & 2n ? "later" : "first") : fv & 2n ? "<error>" : "no"}`);
    else if (fm === 1n) w.push(`nw_frag=${fv & 1n ? "yes" : "no"}`);
    else if (fm === 2n) w.push(`nw_frag=${fv & 2n ? "later" : "not_later"}`);
  }
}

/** IPv6 addresses and flow label. */
function printIp6(w: MatchPrinter): void {
  w.ip6("ipv6_src");
  w.ip6("ipv6_dst");
  const lab = w.get("ipv6_label");
  if (lab && lab.m) {
    const fm = (x: bigint) => "0x" + bhex(x).padStart(5, "0");
    w.push(lab.m === ones(32) || lab.m === 0xfffffn ? `ipv6_label=${fm(lab.v)}` : `ipv6_label=${fm(lab.v)}/${fm(lab.m)}`);
  }
}

/** MPLS fields. */
function printMpls(w: MatchPrinter): void {
  const ml = w.get("mpls_label");
  if (ml) w.push(`mpls_label=${bdec(ml.v)}`);
  const mtc = w.get("mpls_tc");
  if (mtc) w.push(`mpls_tc=${bdec(mtc.v)}`);
  const mttl = w.get("mpls_ttl");
  if (mttl) w.push(`mpls_ttl=${bdec(mttl.v)}`);
  const mbos = w.get("mpls_bos");
  if (mbos) w.push(`mpls_bos=${bdec(mbos.v)}`);
}

/** Transport ports, ICMP type and code, ND fields and TCP flags, by IP protocol. */
function printL4(w: MatchPrinter, dl: number, proto: number, groups: number): void {
  const l4 = (groups & G_L4) !== 0;
  if (dl === ETH_IP && proto === 1) {
    if (l4) {
      w.be16("icmp_type");
      w.be16("icmp_code");
    }
  } else if (dl === ETH_IPV6 && proto === 58) {
    if (l4) {
      w.be16("icmpv6_type", "icmp_type");
      w.be16("icmpv6_code", "icmp_code");
    }
    if (groups & G_ND) {
      w.ip6("nd_target");
      w.mac("nd_sll");
      w.mac("nd_tll");
    }
  } else if (l4) {
    w.be16("tcp_src", "tp_src");
    w.be16("tcp_dst", "tp_dst");
    w.be16("udp_src", "tp_src");
    w.be16("udp_dst", "tp_dst");
    w.be16("sctp_src", "tp_src");
    w.be16("sctp_dst", "tp_dst");
  }
  if (!l4) return;
  const tcpf = w.get("tcp_flags");
  if (tcpf && tcpf.m && proto === 6) w.push(`tcp_flags=${tcpFlagsText(tcpf.v, tcpf.m & 0xfffn)}`);
}
