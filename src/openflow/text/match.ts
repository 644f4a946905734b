/**
 * Match text, parse side: the key=value fields of a flow into OXM match fields, with ovs-ofctl's
 * prerequisite normalization. The print side is `match-format.ts` (re-exported here).
 *
 * @module
 */
import { type FieldDef, type MatchField, NUM_MAX_BYTES, fieldByName, matchField, matchFieldNum, nxWidth } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";
import { parseIntField } from "./int-field.js";
import { NO_FLOW_SYNTAX, big, bigIntToBytes, fieldNamed, ones, parseValue, subfieldAsWritten } from "./values.js";
import { bitRangeError, cIntDigits } from "./subfield.js";
import { scanInt } from "./int-field.js";
import { valueAsFieldPrints } from "./action-parse-set.js";
import { parsePort } from "./ports.js";

/** Whether `s` reads as a port number or reserved name (parsePort() without its error). */
function portOrUndefined(s: string): boolean {
  try {
    parsePort(s.trim());
    return true;
  } catch (e) {
    if (e instanceof FlowSyntaxError) return false;
    throw e;
  }
}

export { formatMatch } from "./match-format.js";

/** The protocol shorthands of a match (`ip`, `tcp6`, `arp`, ...): the Ethertype and, for some, the IP protocol they imply. */
export const SHORTHANDS = new Map<string, readonly [number, number?]>([
  ["ip", [0x0800]],
  ["ipv4", [0x0800]],
  ["icmp", [0x0800, 1]],
  ["tcp", [0x0800, 6]],
  ["udp", [0x0800, 17]],
  ["sctp", [0x0800, 132]],
  ["ipv6", [0x86dd]],
  ["icmp6", [0x86dd, 58]],
  ["tcp6", [0x86dd, 6]],
  ["udp6", [0x86dd, 17]],
  ["sctp6", [0x86dd, 132]],
  ["arp", [0x0806]],
  ["rarp", [0x8035]],
  ["mpls", [0x8847]],
  ["mplsm", [0x8848]],
  ["eth", [-1]],
]);

/** One field of a {@link MatchBuilder}: its value, its mask (undefined: exact) and its byte width. */
export interface BuiltField {
  v: bigint;
  m: bigint | undefined;
  len: number;
}

/**
 * The fields of a match being parsed, by name and in the order they came: two short arrays searched in
 * order (a flow has a handful of fields, and a `Map` per flow, its hash table grown as fields come, costs
 * more than comparing a few names, most of them the same interned strings).
 */
export class MatchBuilder {
  /** The fields' names, in order. */
  readonly order: string[] = [];
  /** Each field's entry, at its name's position in {@link MatchBuilder.order}. */
  readonly entries: BuiltField[] = [];

  /** The position of `name`, or -1. */
  indexOf(name: string): number {
    const names = this.order;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
    return -1;
  }

  /** Whether the field is there. */
  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** The field's entry. */
  get(name: string): BuiltField | undefined {
    const i = this.indexOf(name);
    return i >= 0 ? this.entries[i] : undefined;
  }

  /** Sets the field's entry, keeping its position (a new field goes last). */
  set(name: string, e: BuiltField): void {
    const i = this.indexOf(name);
    if (i >= 0) this.entries[i] = e;
    else {
      this.order.push(name);
      this.entries.push(e);
    }
  }

  /** Puts a new field first. */
  unshift(name: string, e: BuiltField): void {
    this.order.unshift(name);
    this.entries.unshift(e);
  }

  /** Removes the field at position `i`. */
  removeAt(i: number): void {
    this.order.splice(i, 1);
    this.entries.splice(i, 1);
  }

  /** Removes the field, if there. */
  delete(name: string): void {
    const i = this.indexOf(name);
    if (i >= 0) this.removeAt(i);
  }
}

/** An empty {@link MatchBuilder}. */
export function matchBuilder(): MatchBuilder {
  return new MatchBuilder();
}

export { NO_FLOW_SYNTAX };

/**
 * Fields ovs-ofctl 3.1 reads in a match but no NXM or OXM header carries (meta-flow.h "NXM: none", "OXM: none"),
 * with their width in bytes: a flow that matches one has no usable protocol.
 */
export const NO_PROTOCOL_FIELDS: ReadonlyMap<string, number> = new Map([["tun_ttl", 1], ["tun_tos", 1], ["skb_priority", 4]]);

/**
 * Reads the value of a {@link NO_PROTOCOL_FIELDS} field as ovs-ofctl does (no mask but all-zero or all-ones).
 * @returns whether the field is matched (false for an all-zero mask)
 * @throws FlowSyntaxError for a value that does not fit or a partial mask
 */
export function matchesNoProtocolField(name: string, bytes: number, value: string): boolean {
  const { m } = parseIntField(value, bytes, name);
  if (m === undefined || m === ones(bytes * 8)) return true;
  if (m === 0n) return false;
  throw new FlowSyntaxError(`${value}: invalid mask for field ${name}`);
}

/** Sets a field's value and mask (keeping the field's first position). */
export function setMatch(b: MatchBuilder, name: string, v: bigint, m: bigint | undefined, len: number): void {
  b.set(name, { v, m, len });
}

/**
 * Fields Open vSwitch does not let a flow mask ("Maskable: no" in meta-flow.h), by every name they are
 * spelled with, mapped to the name ovs-ofctl's error uses.
 */
const UNMASKABLE = new Map<string, string>([
  ...["recirc_id", "packet_type", "conj_id", "tun_ttl", "tun_tos", "in_port", "in_port_oxm", "actset_output", "skb_priority", "ct_zone", "ct_nw_proto"].map((n) => [n, n] as const),
  ...["eth_type", "dl_vlan", "dl_vlan_pcp", "vlan_pcp", "mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl", "nw_proto", "nw_tos", "ip_dscp", "nw_ecn", "nw_ttl"].map((n) => [n, n] as const),
  ...["arp_op", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "nd_reserved", "nd_options_type", "nsh_mdtype", "nsh_np", "nsp", "nsi", "nsh_ttl"].map((n) => [n, n] as const),
  ["dl_type", "eth_type"],
  ["ip_proto", "nw_proto"],
  ["ip_ecn", "nw_ecn"],
  ...["nsh_spi", "nsh_si"].map((n) => [n, n] as const),
  ["nsp", "nsh_spi"],
  ["nsi", "nsh_si"],
]);

/**
 * Tunnel fields whose match setters in Open vSwitch 3.1 (match_set_tun_erspan_ver_masked() and its kin in
 * lib/match.c) store the value as the mask and value & mask as the value: `tun_erspan_ver=1` matches
 * 1/1, `tun_gtpu_flags=0x30/0xf0` 0x30/0x30, and a zero value matches nothing. Parsing and decoding both go
 * through them, so ovs-ofctl writes and prints these masks.
 */
export const VALUE_AS_MASK: ReadonlySet<string> = new Set(["tun_erspan_ver", "tun_erspan_dir", "tun_erspan_hwid", "tun_gtpu_flags", "tun_gtpu_msgtype"]);

/** The fields without masks that take a port (ovs-ofctl parses a port name, never a mask). */
const PORT_FIELDS = new Set(["in_port", "in_port_oxm", "actset_output"]);
/** Open vSwitch's byte width of the mask-less fields whose width here differs (or that have no entry). */
const UNMASKABLE_BYTES: Record<string, number> = { dl_vlan: 2, dl_vlan_pcp: 1, vlan_pcp: 1, nw_tos: 1, ip_dscp: 1, nw_ecn: 1, mpls_tc: 1, mpls_bos: 1, mpls_ttl: 1, mpls_label: 4 };

/**
 * Adds one `KEY=VALUE` of a flow's match to `b` (a field, a shorthand, or a bit range such as `reg0[4..7]=3`), with
 * ovs-ofctl's value, mask and duplicate rules.
 * @throws FlowSyntaxError for an unknown field, a bad value or mask, or a field given twice
 */
export function applyField(b: MatchBuilder, key: string, value: string): void {
  const range = key.charCodeAt(key.length - 1) === 93 ? /^([A-Za-z_][A-Za-z0-9_]*)\[(\d*)(?:\.\.(\d+))?\]$/.exec(key) : null;
  if (range) {
    // a bit range of a field (`reg3[0..7]=5`, `tp_src[5]=1`, `reg3[]=3`): the value shifted into place, masked;
    // the field named as a subfield names it, case and all (`NXM_NX_REG0[0..3]`, not `REG0[0..3]`)
    const name = range[1]!;
    const f = subfieldAsWritten(name);
    const width = name === "tp_src" || name === "tp_dst" ? 16 : f ? nxWidth(f) : 0;
    if (!width) throw new FlowSyntaxError(`${key}: unknown field \`${name}'`);
    const lo = range[2] === "" || range[2] === undefined ? 0 : cIntDigits(range[2]);
    const hi = range[2] === "" || range[2] === undefined ? width - 1 : range[3] === undefined ? lo : cIntDigits(range[3]);
    const bad = lo < 0 || hi < lo || hi >= width ? bitRangeError(key, lo, hi, width) : undefined;
    if (bad !== undefined) throw new FlowSyntaxError(bad);
    // parse_subfield(): parse_int_string() over the field's bytes, nothing after the number
    const scanned = scanInt(value, f ? f.len : 2);
    if (typeof scanned === "string" || scanned.tail !== "") throw new FlowSyntaxError(`${key}: cannot parse integer value: ${value}`);
    const v = scanned.v;
    const nbits = BigInt(hi - lo + 1);
    if (v >> nbits) throw new FlowSyntaxError(`${key}: value ${f ? valueAsFieldPrints(f, v) : String(v)} does not fit into ${nbits} bits`);
    const mask = ones(Number(nbits)) << BigInt(lo);
    applyField(b, name, `0x${(v << BigInt(lo)).toString(16)}/0x${mask.toString(16)}`);
    return;
  }
  const lower = key.toLowerCase();
  applyFieldSpec(b, key, lower, fieldSpec(lower), value);
}

/**
 * {@link applyField} of a key that is no bit range, with its lower-case form and {@link fieldSpec} already
 * known (the flow parser keeps them per key it has seen).
 */
export function applyFieldSpec(b: MatchBuilder, key: string, lower: string, spec: FieldSpec, value: string): void {
  // in_port_oxm (OXM_OF_IN_PORT, 32 bits): mf_from_ofp_port_string32() names whatever it cannot read as a
  // port, a mask included, in one message
  // (actset_output is read the same way)
  if ((lower === "in_port_oxm" || lower === "oxm_of_in_port" || lower === "actset_output") && !portOrUndefined(value)) {
    throw new FlowSyntaxError(`${value}: port value out of range for ${lower === "actset_output" ? lower : "in_port_oxm"}`);
  }
  const unmaskable = spec.unmaskable;
  // (a packet type's parser stops at its closing parenthesis: what follows, a mask too, is ignored)
  if (unmaskable !== undefined && unmaskable !== "packet_type" && value.includes("/")) {
    // mf_is_mask_valid(): a field without masks takes all-zero (no match) or all-ones (exact) ones
    if (PORT_FIELDS.has(unmaskable)) throw new FlowSyntaxError(`${value}: invalid or unknown port for ${unmaskable}`);
    const bytes = UNMASKABLE_BYTES[unmaskable] ?? fieldByName(unmaskable)?.len ?? 1;
    const { v, m } = parseIntField(value, bytes, unmaskable);
    if (m === 0n) return;
    if (m !== undefined && m !== ones(bytes * 8)) throw new FlowSyntaxError(`${value}: invalid mask for field ${unmaskable}`);
    value = String(v);
  }
  // OpenFlow 1.0 style names handled specially
  const route = spec.route;
  if (route === Route.DlVlan) {
    const v = Number(parseIntField(value, 2, lower).v);
    if (v === 0xffff) setMatch(b, "vlan_vid", 0n, undefined, 2);
    else setMatch(b, "vlan_vid", big(0x1000 | (v & 0xfff)), undefined, 2);
    return;
  }
  if (route === Route.VlanPcp) {
    const cur = b.get("vlan_vid");
    if (!cur) setMatch(b, "vlan_vid", 0x1000n, 0x1000n, 2);
    setMatch(b, "vlan_pcp", parseIntField(value, 1, lower).v & 7n, undefined, 1);
    return;
  }
  if (route === Route.VlanTci) {
    // the whole TCI and its mask are replaced (match_set_dl_tci_masked()): an earlier VID or PCP is gone
    for (const n of ["vlan_vid", "vlan_pcp", "vlan_tci"]) dropField(b, n);
    const tci = parseIntField(value, 2, lower);
    const v = Number(tci.v);
    const m = tci.m === undefined ? 0xffff : Number(tci.m);
    const pcpMask = m & 0xe000;
    // a PCP without the CFI bit set (but for "no VLAN", vlan_tci=0), or under a partial mask, has no
    // vlan_vid/vlan_pcp form: the raw TCI (NXM carries it as it is, OXM as Open vSwitch reduces it)
    const noVlan = (v & m & 0xffff) === 0 && (m & 0x1fff) === 0x1fff;
    if (pcpMask !== 0 && (pcpMask !== 0xe000 || !(v & m & 0x1000)) && !noVlan) {
      setMatch(b, "vlan_tci", big(v & m), m === 0xffff ? undefined : big(m), 2);
      return;
    }
    if ((m & 0x1fff) !== 0) setMatch(b, "vlan_vid", big(v & 0x1fff & m), (m & 0x1fff) === 0x1fff ? undefined : big(m & 0x1fff), 2);
    if (pcpMask && v & 0x1000) setMatch(b, "vlan_pcp", big((v >> 13) & 7), undefined, 1);
    return;
  }
  if (route === Route.NwTos) {
    setMatch(b, "ip_dscp", (parseIntField(value, 1, lower).v >> 2n) & 0x3fn, undefined, 1);
    return;
  }
  if (route === Route.TpPort) {
    const proto = b.get("nw_proto")?.v;
    const p = proto === 17n ? "udp" : proto === 132n ? "sctp" : "tcp";
    applyField(b, `${p}_${lower.slice(3)}`, value);
    return;
  }
  if (route === Route.Icmp && b.get("dl_type")?.v === 0x86ddn) {
    applyField(b, lower.replace("icmp_", "icmpv6_"), value);
    return;
  }
  const xr = route === Route.XReg ? /^(x{1,2})reg(\d+)$/.exec(lower) : null;
  if (xr) {
    const f = fieldByName(lower);
    if (!f) throw new FlowSyntaxError(`${key}: unknown field`);
    const { v, m } = parseValue(f, value);
    const words = f.len / 4;
    const first = Number(xr[2]) * words;
    const mm = m ?? ones(f.len * 8);
    for (let i = 0; i < words; i++) {
      const shift = BigInt((words - 1 - i) * 32);
      const rm = (mm >> shift) & 0xffffffffn;
      if (rm) setMatch(b, `reg${first + i}`, (v >> shift) & 0xffffffffn, rm === 0xffffffffn ? undefined : rm, 4);
    }
    return;
  }
  const f = spec.def;
  if (!f || spec.refused) throw new FlowSyntaxError(`unknown keyword ${key}`);
  let len = f.len;
  if (spec.store === Store.TunMetadata) {
    // without a TLV map, a 124-byte integer (mf_from_integer_string()) sized to the bytes its value, and a
    // mask that is not all ones, need (mf_field_len()); a zero mask matches on the option's presence
    const { v, m } = parseIntField(value, 124, f.name);
    const bytes = (x: bigint): number => (x === 0n ? 0 : Math.ceil(x.toString(16).length / 2));
    const masked = m !== undefined && m !== ones(124 * 8);
    const need = masked ? Math.max(bytes(v), bytes(m!)) : bytes(v);
    // the options are laid out one after another in 256 bytes, each once (metadata_loc_from_match())
    let used = 0;
    for (const n of b.order) {
      const e = n.startsWith("tun_metadata") ? b.get(n)! : undefined;
      // (an exact zero takes no bytes; it is stored in one)
      if (e !== undefined && (e.m !== undefined || e.v !== 0n)) used += e.len;
    }
    if (used + need > 256) throw new FlowSyntaxError(`field ${f.name} exceeds maximum size for tunnel metadata (used ${used + need}, max 256)`);
    if (b.has(f.name)) throw new FlowSyntaxError(`field ${f.name} set multiple times`);
    if (masked && m === 0n) setMatch(b, f.name, 0n, 0n, need);
    else setMatch(b, f.name, masked ? v & m! : v, masked ? m : undefined, Math.max(1, need));
    return;
  }
  const { v, m } = parseValue(f, value, len);
  switch (spec.store) {
    case Store.ValueAsMask:
      setMatch(b, f.name, m === undefined ? v : v & m, v, len);
      break;
    // the service path identifier is kept in 24 bits of the NSH path header (nsh_path_hdr_set_spi())
    case Store.NshSpi:
      setMatch(b, f.name, v & 0xffffffn, m, len);
      break;
    // tunnel flags: only the public flags (oam) can be matched (Open vSwitch's FLOW_TNL_PUB_F_MASK)
    case Store.TunFlags:
      setMatch(b, f.name, v & 1n, (m ?? 0xffffn) & 1n, len);
      break;
    default: {
      // MPLS fields and nw_ecn keep only their own bits (Open vSwitch's flow_set_mpls_*(), match_set_nw_ecn())
      const bits = MPLS_BITS[f.name];
      // (the mask stays as written: the protocols that can carry the match go by it)
      setMatch(b, f.name, bits === undefined ? v : v & bits, m, len);
    }
  }
}

/**
 * The bits of the fields narrower than their bytes whose match setters keep only those bits: the MPLS label
 * stack entry fields (flow_set_mpls_*()), ECN and DSCP (match_set_nw_ecn(), match_set_nw_dscp()), the ARP
 * opcode kept where the IP protocol is (8 bits), and the VLAN VID with its present bit (match_set_vlan_vid()).
 */
const MPLS_BITS: Readonly<Record<string, bigint>> = { mpls_label: 0xfffffn, mpls_tc: 7n, mpls_bos: 1n, nw_ecn: 3n, ip_dscp: 0x3fn, arp_op: 0xffn, vlan_vid: 0x1fffn };

/** Which of applyField()'s ways a field name takes (the OpenFlow 1.0 names and the overlays have their own). */
const enum Route {
  Generic,
  DlVlan,
  VlanPcp,
  VlanTci,
  NwTos,
  TpPort,
  Icmp,
  XReg,
}

/** How a field's value is stored in the builder. */
const enum Store {
  Plain,
  /** {@link VALUE_AS_MASK}'s fields. */
  ValueAsMask,
  NshSpi,
  TunFlags,
  /** tun_metadata0..63: sized to the value without a TLV map. */
  TunMetadata,
}

/** What applyField() needs to know of one (lower-case) field name, worked out once per name. */
export interface FieldSpec {
  readonly route: Route;
  /** {@link UNMASKABLE}'s entry: the name a mask error uses, for a field without masks. */
  readonly unmaskable: string | undefined;
  /** The field of the generic route (undefined: no such field). */
  readonly def: FieldDef | undefined;
  /** Refused as an unknown keyword though a field has the name (ip_dscp by another name, no flow syntax). */
  readonly refused: boolean;
  readonly store: Store;
}

/** Specs of the names seen, by lower-case name; at most {@link MAX_SPECS} kept. */
const SPECS = new Map<string, FieldSpec>();
const MAX_SPECS = 2048;

/** The {@link FieldSpec} of lower-case field name `lower`: one lookup of a name seen before. */
export function fieldSpec(lower: string): FieldSpec {
  let spec = SPECS.get(lower);
  if (spec !== undefined) return spec;
  const def = fieldNamed(lower);
  const route =
    lower === "dl_vlan"
      ? Route.DlVlan
      : lower === "dl_vlan_pcp" || lower === "vlan_pcp"
        ? Route.VlanPcp
        : lower === "vlan_tci"
          ? Route.VlanTci
          : lower === "nw_tos"
            ? Route.NwTos
            : lower === "tp_src" || lower === "tp_dst"
              ? Route.TpPort
              : lower === "icmp_type" || lower === "icmp_code"
                ? Route.Icmp
                : /^(x{1,2})reg(\d+)$/.test(lower)
                  ? Route.XReg
                  : Route.Generic;
  const store =
    def === undefined
      ? Store.Plain
      : def.name.startsWith("tun_metadata")
        ? Store.TunMetadata
        : VALUE_AS_MASK.has(def.name)
          ? Store.ValueAsMask
          : def.name === "nsh_spi"
            ? Store.NshSpi
            : def.name === "tun_flags"
              ? Store.TunFlags
              : Store.Plain;
  const refused = def !== undefined && ((def.name === "ip_dscp" && lower !== "ip_dscp") || NO_FLOW_SYNTAX.has(def.name));
  spec = { route, unmaskable: UNMASKABLE.get(lower), def, refused, store };
  if (SPECS.size < MAX_SPECS) SPECS.set(lower, spec);
  return spec;
}

/** The match fields `b` gathered, in the order they were given, with their values and masks as bytes. */
export function buildMatch(b: MatchBuilder): MatchField[] {
  const out: MatchField[] = [];
  for (const name of b.order) {
    const e = b.get(name)!;
    const full = ones(e.len * 8);
    let m = e.m;
    // the builder's names are fields' own names (nw_frag is the one field of the "frag" format)
    if (name === "nw_frag" && m === 3n) m = undefined;
    // (a tun_metadata mask given as wide as its value stays a mask, as ovs-ofctl writes it)
    if (m !== undefined && (m & full) === full && !name.startsWith("tun_metadata")) m = undefined;
    if (m === 0n) {
      // a tun_metadata presence match keeps its all-zero entry; any other zero mask is no match at all
      if (name.startsWith("tun_metadata")) out.push(matchField(name, new Uint8Array(e.len), new Uint8Array(e.len)));
      continue;
    }
    const v = m === undefined ? e.v : e.v & m;
    // a narrow field as numbers (its bytes made only if read: the encoder writes the numbers); a wide one,
    // and tun_metadata (sized to its value), as bytes
    if (e.len <= NUM_MAX_BYTES && !name.startsWith("tun_metadata")) out.push(matchFieldNum(name, Number(v & full), m === undefined ? undefined : Number(m & full)));
    else out.push(matchField(name, bigIntToBytes(v, e.len), m === undefined ? undefined : bigIntToBytes(m, e.len)));
  }
  return out;
}

const TP_SRC = ["tcp_src", "udp_src", "sctp_src", "icmp_type", "icmpv6_type"];

const TP_DST = ["tcp_dst", "udp_dst", "sctp_dst", "icmp_code", "icmpv6_code"];

const TP_GROUPS = [TP_SRC, TP_DST];

/** Prerequisite kinds of {@link PREREQS}: which facts of the match a field needs (Open vSwitch's MFP_*). */
const enum Need {
  Ip4OrArp = 1,
  IpOrArp,
  Ip,
  Ip6,
  Arp,
  Mpls,
  Tcp,
  CtNwProto,
  Transport,
  Nd,
}

/** The prerequisite of each field that has one, built once: one lookup per matched field. */
const PREREQS = new Map<string, Need>([
  ...["nw_src", "nw_dst"].map((n) => [n, Need.Ip4OrArp] as const),
  ["nw_proto", Need.IpOrArp],
  // the IPv6 flow label is written for any IP packet (nxm_put_ip()), where the decoder refuses it for IPv4
  ...["ip_dscp", "nw_tos", "nw_ecn", "nw_ttl", "nw_frag", "ipv6_label"].map((n) => [n, Need.Ip] as const),
  ...["ipv6_src", "ipv6_dst"].map((n) => [n, Need.Ip6] as const),
  ...["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"].map((n) => [n, Need.Arp] as const),
  ...["mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl"].map((n) => [n, Need.Mpls] as const),
  ["tcp_flags", Need.Tcp],
  // ct_nw_proto itself is written only when it is not 0, and ct_tp_src/ct_tp_dst only with it (nx_put_raw())
  ...["ct_nw_proto", "ct_tp_src", "ct_tp_dst"].map((n) => [n, Need.CtNwProto] as const),
  ...[...TP_SRC, ...TP_DST].map((n) => [n, Need.Transport] as const),
  ...["nd_target", "nd_sll", "nd_tll"].map((n) => [n, Need.Nd] as const),
]);

/** Removes a field from the builder. */
function dropField(b: MatchBuilder, name: string): void {
  b.delete(name);
}

/** A field's value when it is matched exactly (no mask). */
function exactValue(b: MatchBuilder, name: string): bigint | undefined {
  const e = b.get(name);
  return e && e.m === undefined ? e.v : undefined;
}

/** Renames a field in place (keeping its position), truncated to the new field's width; replaces `to` if present. */
function renameField(b: MatchBuilder, from: string, to: string): void {
  const e = b.get(from)!;
  const len = fieldByName(to)!.len;
  if (b.has(to)) dropField(b, to);
  const i = b.indexOf(from);
  b.order[i] = to;
  b.entries[i] = { v: e.v & ones(len * 8), m: e.m === undefined ? undefined : e.m & ones(len * 8), len };
}

/** Fields kept in one place of Open vSwitch's struct flow: [IP or ND name, ARP name]. */
const SHARED: readonly (readonly [string, string])[] = [
  ["nw_src", "arp_spa"],
  ["nw_dst", "arp_tpa"],
  ["nd_sll", "arp_sha"],
  ["nd_tll", "arp_tha"],
];

/**
 * Two names of one place of struct flow (`arp_spa` and `nw_src`, `arp_sha` and `nd_sll`, ...): the later
 * one written wins, and it takes the name that fits the packet (ARP, or IPv4 / the ND type).
 */
function shareStorage(b: MatchBuilder, arp: boolean, ip4: boolean, ndType: bigint | undefined): void {
  for (const [other, arpName] of SHARED) {
    const hasOther = b.has(other);
    const hasArp = b.has(arpName);
    if (!hasOther && !hasArp) continue;
    if (hasOther && hasArp) dropField(b, b.indexOf(other) < b.indexOf(arpName) ? other : arpName);
    const fitsOther = other === "nd_sll" ? ndType === 135n : other === "nd_tll" ? ndType === 136n : ip4;
    if (arp && b.has(other)) renameField(b, other, arpName);
    else if (fitsOther && b.has(arpName)) renameField(b, arpName, other);
  }
}

/**
 * Applies ovs-ofctl's match normalization: a field whose prerequisites the flow does not meet is
 * dropped (`tp_dst=80` without `tcp`, `ct_tp_dst` without a nonzero `ct_nw_proto`, `nd_target` without an ND
 * type; `ct_nw_proto=0` itself, which Open vSwitch's match encoder never writes), and transport ports/ICMP type and code, which OVS keeps in one place, take the name that
 * fits the protocol (`tcp,icmp_type=8` is `tcp,tp_src=8`).
 */
export function normalizePrereqs(b: MatchBuilder): void {
  // which prerequisite kinds the match has fields of (most flows: none or one or two)
  let kinds = 0;
  for (const n of b.order) {
    const k = PREREQS.get(n);
    if (k !== undefined) kinds |= 1 << k;
  }
  // an Ethertype packet type's type is copied into dl_type's value (ovs-ofctl's parse_ofp_str__()): the
  // dl_type matched, if any, takes it, and the prerequisites are judged on it
  const pt = exactValue(b, "packet_type");
  const ptDlType = pt !== undefined && pt >> 16n === 1n ? pt & 0xffffn : undefined;
  const dl = b.get("dl_type");
  if (ptDlType !== undefined && dl !== undefined) dl.v = ptDlType;
  if (kinds === 0) return;
  // a packet type other than Ethernet and not of namespace 1 has no Ethernet type: nothing above it may be
  // matched (ofputil_normalize_match__())
  const dlType = pt !== undefined && pt !== 0n ? ptDlType : (exactValue(b, "dl_type") ?? ptDlType);
  const ip4 = dlType === 0x0800n;
  const ip6 = dlType === 0x86ddn;
  const arp = dlType === 0x0806n || dlType === 0x8035n;
  const mpls = dlType === 0x8847n || dlType === 0x8848n;
  // OVS keeps the ARP opcode where it keeps the IP protocol: the later of the two names wins and
  // takes the name that fits the Ethernet type
  if (b.has("arp_op") && b.has("nw_proto")) dropField(b, b.indexOf("arp_op") < b.indexOf("nw_proto") ? "arp_op" : "nw_proto");
  if ((ip4 || ip6) && b.has("arp_op")) renameField(b, "arp_op", "nw_proto");
  if (arp && b.has("nw_proto")) renameField(b, "nw_proto", "arp_op");
  const proto = exactValue(b, "nw_proto");
  shareStorage(b, arp, ip4, ip6 && proto === 58n ? exactValue(b, "icmpv6_type") : undefined);
  // a ct_nw_proto of 0 (whatever its mask) is not written, nor the ct_tp_src/ct_tp_dst it carries
  const ctNwProto = b.get("ct_nw_proto")?.v !== 0n && b.has("ct_nw_proto");
  // fields whose prerequisite the match does not meet are dropped
  for (let i = 0; i < b.order.length; ) {
    const n = b.order[i]!;
    const k = PREREQS.get(n);
    const ok =
      k === undefined || k === Need.Transport || k === Need.Nd
        ? true
        : k === Need.Ip4OrArp
          ? ip4 || arp
          : k === Need.IpOrArp
            ? ip4 || ip6 || arp
            : k === Need.Ip
              ? ip4 || ip6
              : k === Need.Ip6
                ? ip6
                : k === Need.Arp
                  ? arp
                  : k === Need.Mpls
                    ? mpls
                    : k === Need.Tcp
                      ? (ip4 || ip6) && proto === 6n
                      : ctNwProto;
    if (ok) i++;
    else {
      b.removeAt(i);
    }
  }
  if (kinds & (1 << Need.Transport)) {
    // transport ports and ICMP type/code: one slot each, named after the protocol
    const slot =
      !(ip4 || ip6) ? -1 : proto === 6n ? 0 : proto === 17n ? 1 : proto === 132n ? 2 : ip4 && proto === 1n ? 3 : ip6 && proto === 58n ? 4 : -1;
    for (const group of TP_GROUPS) {
      for (const n of group) {
        if (!b.has(n)) continue;
        const target = slot < 0 ? undefined : group[slot]!;
        if (target === undefined) dropField(b, n);
        else if (target !== n) renameField(b, n, target);
      }
    }
  }
  if (kinds & (1 << Need.Nd)) {
    const ndType = ip6 && proto === 58n ? exactValue(b, "icmpv6_type") : undefined;
    if (ndType !== 135n && ndType !== 136n) dropField(b, "nd_target");
    if (ndType !== 135n) dropField(b, "nd_sll");
    if (ndType !== 136n) dropField(b, "nd_tll");
  }
}
