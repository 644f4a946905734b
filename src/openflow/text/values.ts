/**
 * Field value codecs: one field's value (and mask) from ovs-ofctl text and back, by the field's
 * format (MAC, IPv4, IPv6, port, flag sets, fragment types, plain numbers), and the hex number helpers.
 *
 * @module
 */
import { FIELD_DEFS, type FieldDef, fieldByName } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";
import { formatPort, parsePort } from "./ports.js";
import { big, parseIntField, scanInt } from "./int-field.js";

export { big };
import { scanIpv4Masked } from "./ipv4-scan.js";
import { type FlagField, parseFlagField } from "./flags.js";
import { formatIpv4BigInt, formatIpv6BigInt, formatMacBigInt, ipv4ToBigInt, ipv6ToBigInt, macToBigInt } from "../../net/address.js";

/**
 * Fields by their own name, where that name finds the field itself: one lookup of a name that is already
 * lower case (decoded matches, set fields, the parser's names) instead of fieldByName()'s lower-casing first.
 */
const BY_OWN_NAME = new Map(FIELD_DEFS.filter((f) => fieldByName(f.name) === f).map((f) => [f.name, f]));

/**
 * Other spellings already looked up (`NXM_NX_REG0`, `OXM_OF_METADATA`, `tun_ipv4_src`): found again without
 * fieldByName()'s lower-casing, which allocates. Only names of fields are kept, at most {@link MAX_SPELLINGS}.
 */
const SPELLINGS = new Map<string, FieldDef>();
const MAX_SPELLINGS = 2048;

/** OXM fields Open vSwitch 3.1 has no flow syntax for (decoded and printed generically, refused in flow text and actions). */
export const NO_FLOW_SYNTAX: ReadonlySet<string> = new Set(["in_phy_port", "pbb_isid", "ipv6_exthdr"]);

/** {@link fieldByName}, with a field's own (lower-case) name, and spellings seen before, looked up directly. */
export function fieldNamed(name: string): FieldDef | undefined {
  const f = BY_OWN_NAME.get(name) ?? SPELLINGS.get(name);
  if (f !== undefined) return f;
  const g = fieldByName(name);
  if (g !== undefined && SPELLINGS.size < MAX_SPELLINGS) SPELLINGS.set(name, g);
  return g;
}

/**
 * A field by its own name or alias exactly as written, as Open vSwitch's `mf_from_name()` finds it: names are
 * case-sensitive and NXM/OXM names are not field names (`nw_src`, `eth_src`; not `NW_SRC` or `NXM_NX_REG0`).
 * This is what a match key, `set_field` and `fields(...)` take.
 */
export function fieldAsWritten(name: string): FieldDef | undefined {
  const f = fieldNamed(name);
  return f !== undefined && (f.name === name || f.aliases.includes(name)) ? f : undefined;
}

/**
 * A field as a subfield names it (`mf_parse_subfield()`: an NXM/OXM name or a field's own name or alias),
 * exactly as written: `NXM_NX_REG0[]` and `reg0[]`, not `REG0[]` or `nxm_nx_reg0[]`.
 */
export function subfieldAsWritten(name: string): FieldDef | undefined {
  const f = fieldNamed(name);
  return f !== undefined && (f.name === name || f.nxmName === name || f.oxmName === name || f.aliases.includes(name)) ? f : undefined;
}

/**
 * An unsigned number of up to 128 bits, decimal or `0x` hex (white space around it ignored).
 * @throws FlowSyntaxError `S: invalid numeric value for WHAT` when the text is not such a number
 */
export function parseInt128(s: string, what: string): bigint {
  const t = s.trim();
  const n = smallNumber(t);
  if (n >= 0) return big(n);
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) throw new FlowSyntaxError(`${s}: invalid numeric value for ${what}`);
  return BigInt(t);
}

/**
 * A decimal number of at most 15 digits or a `0x` hex number of at most 13 digits (both exact in a double)
 * without a regular expression or a BigInt parse; -1 for anything else (longer, or not a number).
 */
export function smallNumber(t: string): number {
  const len = t.length;
  if (len === 0) return -1;
  let x = 0;
  if (len > 2 && t.charCodeAt(0) === 48 && (t.charCodeAt(1) | 0x20) === 120) {
    if (len > 15) return -1;
    for (let i = 2; i < len; i++) {
      const c = t.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
      if (d < 0) return -1;
      x = x * 16 + d;
    }
    return x;
  }
  if (len > 15) return -1;
  for (let i = 0; i < len; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/** 2^53 - 1: a bigint up to this converts to a Number exactly. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Two lower-case hex digits of each byte value. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Hex digits of each byte value without a leading zero. */
const HEX1 = Array.from({ length: 256 }, (_, i) => i.toString(16));

/** `v` (not negative) in hex digits, no prefix: through a Number when exact (half the cost of BigInt's toString). */
export function bhex(v: bigint): string {
  if (v >= 0n && v <= 0xffffffffn) return hex32(Number(v));
  return v <= MAX_EXACT ? Number(v).toString(16) : v.toString(16);
}

/**
 * `x.toString(16)`, for a 32-bit unsigned integer (the usual xid, port, register) from a table of byte
 * digits: Number's toString with a radix is a runtime call that costs several times as much. Any other
 * number goes through toString.
 */
export function hex32(x: number): string {
  if (x >>> 0 !== x) return x.toString(16);
  if (x < 0x100) return HEX1[x]!;
  if (x < 0x10000) return HEX1[x >>> 8]! + HEX2[x & 0xff]!;
  if (x < 0x1000000) return HEX1[x >>> 16]! + HEX2[(x >>> 8) & 0xff]! + HEX2[x & 0xff]!;
  return HEX1[x >>> 24]! + HEX2[(x >>> 16) & 0xff]! + HEX2[(x >>> 8) & 0xff]! + HEX2[x & 0xff]!;
}

/** `v` in decimal: through a Number when exact (half the cost of BigInt's toString). */
export function bdec(v: bigint): string {
  return v <= MAX_EXACT && v >= -MAX_EXACT ? String(Number(v)) : v.toString();
}

/** A number as OVS prints hex values: `0x` and no leading zeros, `0` for zero. */
export function hexNum(v: bigint): string {
  return v === 0n ? "0" : "0x" + bhex(v);
}


/** Bytes as two hex digits each joined by dots (`00.01.de`), as ovs-ofctl prints a note or controller userdata. */
export function dottedHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s = i === 0 ? HEX2[b[i]!]! : s + "." + HEX2[b[i]!]!;
  return s;
}

/** Bytes as one hex number, as OVS's `ds_put_hex` prints them (`0x1f00`, `0` when all zero). */
export function hexBytes(b: Uint8Array): string {
  // ovs ds_put_hex: leading zero bytes skipped, first byte without leading zero, "0x0" for all-zero
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return "0";
  let s = "0x" + HEX1[b[i]!]!;
  for (i++; i < b.length; i++) s += HEX2[b[i]!]!;
  return s;
}

const ONES = Array.from({ length: 129 }, (_, i) => (1n << BigInt(i)) - 1n);

/** All-ones of `bits` bits (table lookup up to 128: the printers call this per field). */
export function ones(bits: number): bigint {
  return ONES[bits] ?? (1n << BigInt(bits)) - 1n;
}

/** Parses an Ethernet address field value; ovs-ofctl's message when it is not one. */
export function parseMac(s: string, whole = s): bigint {
  const v = macToBigInt(s);
  if (v === undefined) throw new FlowSyntaxError(`${whole}: invalid Ethernet address`);
  return v;
}

/** Parses an IPv4 address field value; ovs-ofctl's message when it is not one. */
export function parseIp4(s: string): bigint {
  const v = ipv4ToBigInt(s);
  if (v === undefined) throw new FlowSyntaxError(`${s}: invalid IP address`);
  return v;
}

/** Formats a 128-bit IPv6 address as inet_ntop does. */
export function formatIp6Big(v: bigint): string {
  return formatIpv6BigInt(v);
}

/** Parses an IPv6 address field value (`[...]` allowed); ovs-ofctl's message when it is not one. */
export function parseIp6(s: string): bigint {
  const v = ipv6ToBigInt(s);
  if (v === undefined) throw new FlowSyntaxError(`${s}: invalid IPv6 address`);
  return v;
}

/** The IPv4 netmask of each prefix length 0..32 (`/24` is 0xffffff00). */
const IPV4_PREFIX_MASKS = Array.from({ length: 33 }, (_, n) => (n === 0 ? 0n : (ones(n) << BigInt(32 - n)) & ones(32)));

/** The IPv4 netmask of prefix length `n` (0..32), from a table. */
export function ipv4PrefixMask(n: number): bigint {
  return IPV4_PREFIX_MASKS[n]!;
}

/**
 * `n` when the low `bits` bits of `mask` are `n` leading ones and then zeros (a network prefix), else undefined.
 * Masks of up to 48 bits are worked out on a Number (no BigInt steps).
 */
export function prefixLen(mask: bigint, bits: number): number | undefined {
  if (bits <= 32) {
    // the mask's zero bits, as a number below 2^bits; a prefix mask's are all at the bottom (inv + 1 a power of two)
    const inv = (~Number(BigInt.asUintN(bits, mask)) >>> 0) % 2 ** bits;
    if ((inv & (inv + 1)) !== 0) return undefined;
    return bits - (32 - Math.clz32(inv));
  }
  if (bits <= 48) {
    const full = 2 ** bits - 1;
    const inv = full - Number(BigInt.asUintN(bits, mask));
    // inv + 1 a power of two: its bits below are all ones
    const lowOnes = inv === 0 ? 0 : Math.round(Math.log2(inv + 1));
    if (2 ** lowOnes !== inv + 1) return undefined;
    return bits - lowOnes;
  }
  // returns n when mask is n leading ones: `bits` less the bit length of the zeros below them (inv, all
  // ones), found 32 bits per BigInt step instead of one
  const inv = ones(bits) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return undefined;
  let len = 0;
  let x = inv;
  while (x >= TWO32N) {
    x >>= 32n;
    len += 32;
  }
  return bits - (len + 32 - Math.clz32(Number(x)));
}

/** The `ct_state` flag names and their bits, in the order ovs-ofctl prints them. */
export const CT_STATE_BITS: ReadonlyArray<readonly [string, number]> = [
  ["new", 0x01],
  ["est", 0x02],
  ["rel", 0x04],
  ["rpl", 0x08],
  ["inv", 0x10],
  ["trk", 0x20],
  ["snat", 0x40],
  ["dnat", 0x80],
];

/** The `tcp_flags` names and their bits, in the order ovs-ofctl prints them. */
export const TCP_FLAG_BITS: ReadonlyArray<readonly [string, number]> = [
  ["fin", 0x001],
  ["syn", 0x002],
  ["rst", 0x004],
  ["psh", 0x008],
  ["ack", 0x010],
  ["urg", 0x020],
  ["ece", 0x040],
  ["cwr", 0x080],
  ["ns", 0x100],
];

/** The `tun_flags` names and their bits. */
export const TUN_FLAG_BITS: ReadonlyArray<readonly [string, number]> = [
  ["oam", 0x1],
  // (flags of the datapath's tunnel, never matched or set, but named when a value has them: flow_tun_flag_to_string())
  ["df", 0x2],
  ["csum", 0x4],
  ["key", 0x8],
];

function flagTable(f: FieldDef): ReadonlyArray<readonly [string, number]> {
  return f.format === "ct_state" ? CT_STATE_BITS : f.format === "tcp_flags" ? TCP_FLAG_BITS : TUN_FLAG_BITS;
}

/** The flag fields as parse_flags() reads them and mf_format() prints a set_field of them. */
const FLAG_FIELDS: Readonly<Record<string, FlagField>> = {
  ct_state: { table: CT_STATE_BITS, allowed: 0xff, what: "ct_state", maxMask: 0xffff },
  // (the three reserved bits have names of their own, packet_tcp_flag_to_string())
  tcp_flags: { table: [...TCP_FLAG_BITS, ["[200]", 0x200], ["[400]", 0x400], ["[800]", 0x800]], allowed: 0xfff, what: "TCP", maxMask: 0xfff },
  // only the public flag, oam (FLOW_TNL_PUB_F_MASK)
  tun_flags: { table: TUN_FLAG_BITS, allowed: 0x1, what: "tunnel", maxMask: 0x1 },
};

/** How a flag field (`ct_state`, `tcp_flags`, `tun_flags`) is read and printed; undefined for any other. */
export function flagField(f: FieldDef): FlagField | undefined {
  return FLAG_FIELDS[f.format];
}

/** 2^32 as a bigint: flag values and masks below it are printed on Numbers. */
const TWO32N = 0x100000000n;

/** A masked flags value as ovs-ofctl prints it: `+name` for set bits, `-name` for cleared ones under the mask, hex for unnamed bits. */
export function fmtFlagsMasked(v: bigint, m: bigint, table: ReadonlyArray<readonly [string, number]>): string {
  if (v >= 0n && v < TWO32N && m >= 0n && m < TWO32N) return flagsMasked32(Number(v), Number(m), table);
  let s = "";
  for (const [n, b] of table) if (m & BigInt(b)) s += (v & BigInt(b) ? "+" : "-") + n;
  // bits not in the table
  let known = 0n;
  for (const [, b] of table) known |= BigInt(b);
  const extra = m & ~known;
  if (extra) s += `${v & extra ? "+" : "-"}0x${(v & extra).toString(16)}`;
  return s;
}

/** {@link fmtFlagsMasked} of a value and mask below 2^32, on Numbers (every flag field: ct_state, tcp_flags, tun_flags). */
function flagsMasked32(v: number, m: number, table: ReadonlyArray<readonly [string, number]>): string {
  let s = "";
  let known = 0;
  for (let i = 0; i < table.length; i++) {
    const [n, b] = table[i]!;
    known |= b;
    if (m & b) s += (v & b ? "+" : "-") + n;
  }
  // bits not in the table
  const extra = (m & ~known) >>> 0;
  if (extra) {
    const x = (v & extra) >>> 0;
    s += `${x ? "+" : "-"}0x${x.toString(16)}`;
  }
  return s;
}

/** An exact flags value as ovs-ofctl prints it: the set bits' names joined by `sep`, unnamed bits in hex. */
export function fmtFlagsExact(v: bigint, table: ReadonlyArray<readonly [string, number]>, sep: string): string {
  if (v >= 0n && v < TWO32N) {
    const x = Number(v);
    let s = "";
    for (let i = 0; i < table.length; i++) {
      const [n, b] = table[i]!;
      if (x & b) s = s === "" ? n : s + sep + n;
    }
    return s === "" ? "0" : s;
  }
  const names: string[] = [];
  for (const [n, b] of table) if (v & BigInt(b)) names.push(n);
  return names.length ? names.join(sep) : "0";
}

/**
 * A packet type `(NS,NS_TYPE)` as Open vSwitch reads it (mf_from_packet_type_string()): two 16-bit
 * integers read as parse_int_string() reads them, and nothing checked after the closing parenthesis (a
 * `/MASK` there is ignored: the field has no mask). Each error names the text from where the scan stood.
 * @throws FlowSyntaxError `S: bad syntax for packet type missing '('` (or `ns`, `missing ','`, `ns_type`,
 *   `missing ')'`)
 */
export function parsePacketType(text: string): bigint {
  const fail = (at: string, what: string): never => {
    throw new FlowSyntaxError(`${at}: bad syntax for packet type ${what}`);
  };
  if (text.charCodeAt(0) !== 40) return fail(text, "missing '('");
  const afterParen = text.slice(1);
  const ns = scanInt(afterParen, 2);
  if (typeof ns === "string") return fail(afterParen, "ns");
  if (ns.tail.charCodeAt(0) !== 44) return fail(afterParen, "missing ','");
  const afterComma = ns.tail.slice(1);
  const type = scanInt(afterComma, 2);
  if (typeof type === "string") return fail(afterComma, "ns_type");
  if (type.tail.charCodeAt(0) !== 41) return fail(afterComma, "missing ')'");
  return (ns.v << 16n) | type.v;
}

/** Field value/mask as bigints, `m` all ones when the field is matched exactly. */
export interface VM {
  v: bigint;
  m: bigint;
  len: number;
}

/**
 * A field's `VALUE[/MASK]` in the field's own format (number, MAC, IPv4/IPv6 with prefix, flags, port, ...) as
 * `len` bytes' worth of value and optional mask.
 * @throws FlowSyntaxError for a value or mask the field does not take
 */
export function parseValue(f: FieldDef, text: string, len = f.len): { v: bigint; m: bigint | undefined } {
  const slash = f.format === "ipv6" ? text.lastIndexOf("/") : text.indexOf("/");
  let vs = slash >= 0 ? text.slice(0, slash) : text;
  const ms = slash >= 0 ? text.slice(slash + 1) : undefined;
  switch (f.format) {
    case "mac":
      // (mf_from_ethernet_string() names the whole text)
      return { v: parseMac(vs, text), m: ms === undefined ? undefined : parseMac(ms, text) };
    case "ipv4": {
      // ip_parse_masked(), with its scanf-style parts (`1.2.3.400` is 1.2.3.144): every error names the whole text
      const a = scanIpv4Masked(text);
      return { v: big(a.v), m: ms === undefined ? undefined : big(a.m) };
    }
    case "ipv6": {
      // ipv6_parse_masked(): every error names the whole text
      const v = ipv6ToBigInt(vs);
      if (v === undefined) throw new FlowSyntaxError(`${text}: invalid IPv6 address`);
      if (ms === undefined) return { v, m: undefined };
      // a mask that starts as a number is a prefix length ("/%d" is tried first: `/2001:db8::` is 2001 bits)
      const pm = /^[+-]?\d+/.exec(ms);
      if (pm) {
        const n = Number(pm[0]);
        if (n < 0 || n > 128) throw new FlowSyntaxError(`${text}: IPv6 network prefix bits not between 0 and 128, inclusive`);
        if (pm[0].length !== ms.length) throw new FlowSyntaxError(`${text}: invalid IPv6 address`);
        return { v, m: n === 0 ? 0n : (ones(n) << BigInt(128 - n)) & ones(128) };
      }
      if (!/^[0-9a-f:.]+$/i.test(ms)) throw new FlowSyntaxError(`${text}: invalid IPv6 address`);
      const mask = ipv6ToBigInt(ms);
      if (mask === undefined) throw new FlowSyntaxError(`${text}: Invalid IPv6 mask`);
      return { v, m: mask };
    }
    case "port":
      if (ms !== undefined) throw new FlowSyntaxError(`${f.name}: masks not supported`);
      try {
        return { v: big(parsePort(vs)), m: undefined };
      } catch (e) {
        // ovs-ofctl names the field
        if (e instanceof FlowSyntaxError) e.message = `${vs}: invalid or unknown port for ${f.name}`;
        throw e;
      }
    case "ct_state":
    case "tcp_flags":
    case "tun_flags":
      return parseFlagField(text, FLAG_FIELDS[f.format]!);
    case "frag": {
      const t: Record<string, [number, number]> = { no: [0, 1], yes: [1, 1], first: [1, 3], later: [3, 3], not_later: [0, 2] };
      const e = t[text];
      if (!e) throw new FlowSyntaxError(`${text}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`);
      return { v: big(e[0]), m: big(e[1]) };
    }
    case "packet_type":
      return { v: parsePacketType(text), m: undefined };
    default: {
      if (f.name === "dl_type" && vs === "") vs = "0";
      if (ms === undefined) {
        const n = smallNumber(vs);
        // a plain decimal or hex number (no octal: a leading 0 goes the long way)
        // (fits the field: compared as Numbers, exact below 2^53, and wider fields take any such number)
        if (n >= 0 && (vs.length === 1 || vs.charCodeAt(0) !== 48 || (vs.charCodeAt(1) | 0x20) === 120) && (len > 6 || n < FITS[len]!)) return { v: big(n), m: undefined };
      } else {
        // a value and a mask that are both plain numbers that fit, read as parse_int_string() reads them
        const n = plainFit(vs, len);
        const k = n >= 0 ? plainFit(ms, len) : -1;
        if (k >= 0) return { v: big(n), m: big(k) };
      }
      // (ovs-ofctl names dl_type by its meta-flow name, eth_type)
      return parseIntField(f.name === "dl_type" ? vs + (ms === undefined ? "" : `/${ms}`) : text, len, f.name === "dl_type" ? "eth_type" : f.name);
    }
  }
}

/**
 * `t` as a number when it is a plain decimal (no leading zero: C reads that as octal) or `0x` hex number
 * that {@link smallNumber} reads and a `len`-byte field holds; -1 for anything else (the long way).
 */
function plainFit(t: string, len: number): number {
  const n = smallNumber(t);
  if (n < 0) return -1;
  if (t.length > 1 && t.charCodeAt(0) === 48 && (t.charCodeAt(1) | 0x20) !== 120) return -1;
  return len > 6 || n < FITS[len]! ? n : -1;
}

/** Formats a field value (no mask) the way ovs-ofctl's set_field/learn print it. */
export function formatValue(f: FieldDef, v: bigint, len: number): string {
  switch (f.format) {
    case "mac":
      return formatMacBigInt(v);
    case "ipv4":
      return formatIpv4BigInt(v);
    case "ipv6":
      return formatIpv6BigInt(v);
    case "port":
      return formatPort(Number(v));
    case "dec":
      return bdec(v);
    case "vlan_vid":
      return bdec(v);
    case "ethertype":
      return "0x" + bhex(v);
    case "ct_state":
    case "tcp_flags":
    case "tun_flags":
      return fmtFlagsMasked(v, ones(len * 8) & BigInt(flagTable(f).reduce((a, [, b]) => a | b, 0)), flagTable(f));
    case "label":
      return "0x" + bhex(v).padStart(5, "0");
    default:
      return len > 8 ? hexBytes(bigIntToBytes(v, len)) : hexNum(v);
  }
}

/** A plain unsigned number of up to 128 bits (see {@link parseInt128}). */
export function parseBits(s: string): bigint {
  return parseInt128(s, "value");
}

/** Big-endian bytes as an integer: up to 6 significant bytes in one Number, then 32 bits per BigInt step. */
export function bytesToBigInt(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let x = 0;
  // (a wide field's leading zero bytes skipped: a metadata, tunnel id or register pair value is mostly small)
  while (i < n - 6 && b[i] === 0) i++;
  if (n - i <= 6) {
    for (; i < n; i++) x = x * 256 + b[i]!;
    return big(x);
  }
  i = 0;
  const head = n & 3;
  for (; i < head; i++) x = x * 256 + b[i]!;
  let v = BigInt(x);
  for (; i < n; i += 4) v = (v << 32n) | BigInt(b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!));
  return v;
}

/** 2^(8n) for n = 0..6: the values of n bytes are those below. */
const FITS = Array.from({ length: 7 }, (_, i) => 2 ** (i * 8));

/** The low `n * 8` bits of `v` as `n` big-endian bytes: up to 6 bytes through one Number, then 32 bits per step. */
export function bigIntToBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (n <= 6) {
    // a value that already fits (the usual case) needs no BigInt.asUintN, which allocates
    // (compared as a Number: exact below 2^53, and anything from 2^48 up does not fit anyway)
    let x = Number(v);
    if (!(x >= 0 && x < FITS[n]!)) x = Number(BigInt.asUintN(n * 8, v));
    // the low 32 bits and the rest by integer shifts (`%` of a double that is no small integer is a
    // floating-point remainder, a call)
    let hi = x > 0xffffffff ? Math.floor(x / 0x100000000) : 0;
    let lo = x - hi * 0x100000000;
    let i = n - 1;
    for (const low = n - 4; i >= 0 && i >= low; i--) {
      out[i] = lo & 255;
      lo >>>= 8;
    }
    for (; i >= 0; i--) {
      out[i] = hi & 255;
      hi >>>= 8;
    }
    return out;
  }
  if (v >= 0n && v <= MAX_EXACT) {
    // a wide field's value that a Number holds exactly (the usual metadata, tunnel id, register pair): the
    // low 32 bits and the 21 above them by integer steps, the leading bytes zero (no BigInt steps)
    const x = Number(v);
    let hi = Math.floor(x / 0x100000000);
    let lo = x - hi * 0x100000000;
    let i = n - 1;
    for (const low = n - 4; i >= low; i--) {
      out[i] = lo & 255;
      lo >>>= 8;
    }
    for (; hi !== 0; i--) {
      out[i] = hi & 255;
      hi >>>= 8;
    }
    return out;
  }
  let big = BigInt.asUintN(n * 8, v);
  let i = n - 1;
  for (; i >= 3; i -= 4) {
    const w = Number(big & 0xffffffffn);
    out[i] = w & 255;
    out[i - 1] = (w >>> 8) & 255;
    out[i - 2] = (w >>> 16) & 255;
    out[i - 3] = w >>> 24;
    big >>= 32n;
  }
  for (let x = Number(big); i >= 0; i--) {
    out[i] = x & 255;
    x >>>= 8;
  }
  return out;
}
