/**
 * Ethernet and IP address text: validate, parse to bytes, format from bytes. IPv4 and IPv6 go through the
 * `ip-address` package; IPv6 is printed in RFC 5952 form, IPv4-mapped addresses in the mixed notation
 * of RFC 5952 §5 (as `inet_ntop`, `ovs-ofctl` and `tshark` print them).
 *
 * Parsing to bytes throws {@link EncodeError} (the bytes are going onto the wire); the `is*` checks and
 * {@link ipFamily} only answer.
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { EncodeError } from "../bytes/encode-error.js";

/** An IP address family. */
export type IpFamily = 4 | 6;

/** The family of an IP address or prefix (`ADDR` or `ADDR/LEN`), or `undefined` when `s` is neither. */
export function ipFamily(s: string): IpFamily | undefined {
  if (Address4.isValid(s)) return 4;
  if (Address6.isValid(s)) return 6;
  return undefined;
}

/** True for a plain IPv4 or IPv6 address (no prefix length). */
export function isIp(s: string): boolean {
  return !s.includes("/") && ipFamily(s) !== undefined;
}

/** True for a plain IPv4 address, dotted quad (no prefix length). */
export function isIpv4(s: string): boolean {
  return !s.includes("/") && Address4.isValid(s);
}

/** True for a plain IPv6 address (no prefix length). */
export function isIpv6(s: string): boolean {
  return !s.includes("/") && Address6.isValid(s);
}

/** True for an Ethernet address written `xx:xx:xx:xx:xx:xx` (two hex digits each, as OVN stores them). */
export function isMac(s: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s);
}

/** A parsed IP prefix: family, network address (host bits cleared) in canonical text, and length. */
export interface IpPrefix {
  /** Address family. */
  readonly family: IpFamily;
  /** The network address (host bits cleared), in canonical text. */
  readonly network: string;
  /** The prefix length. */
  readonly length: number;
}

/** Parses `ADDR/LEN` or a bare address (full length); `undefined` when `s` is neither. */
export function ipPrefix(s: string): IpPrefix | undefined {
  const fam = ipFamily(s);
  const slash = s.indexOf("/");
  if (fam === undefined || (slash >= 0 && !/^\d{1,3}$/.test(s.slice(slash + 1)))) return undefined;
  const a = fam === 4 ? new Address4(s) : new Address6(s);
  return { family: fam, network: a.startAddress().correctForm(), length: a.subnetMask };
}

/**
 * Small bounded memo for address conversions: packet traffic has few distinct endpoints, and `ip-address`
 * parsing/printing (regular expressions, BigInt) costs far more than the rest of a frame.
 */
class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  /** The cached value, without building a `make` closure on the hot path. */
  hit(key: string): V | undefined {
    return this.map.get(key);
  }
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(key, v);
    }
    return v;
  }
}
const parsed4 = new Memo<Uint8Array>(256);
const parsed6 = new Memo<Uint8Array>(256);
const printed6 = new Memo<string>(256);
const parsedMac = new Memo<Uint8Array>(256);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Memoized MAC parse (`aa:bb:cc:dd:ee:ff`, one or two hex digits each, `:` or `-`); the result is shared:
 * never hand it out or write into it. Throws {@link EncodeError} naming `protocol` and `field`.
 */
export function macBytes(mac: string, field: string, protocol = "ethernet"): Uint8Array {
  const hit = parsedMac.hit(mac);
  if (hit !== undefined) return hit;
  return parsedMac.get(mac, () => {
    const parts = mac.split(/[:-]/);
    if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
      throw new EncodeError(protocol, field, `invalid MAC address '${mac}'`);
    }
    return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  });
}

/** Memoized IPv4 parse (no prefix); the result is shared, never hand it out. Throws {@link EncodeError}. */
export function ipv4Bytes(text: string, field: string, protocol = "ipv4"): Uint8Array {
  const hit = parsed4.hit(text);
  if (hit !== undefined) return hit;
  return parsed4.get(text, () => {
    let a: Address4;
    try {
      a = new Address4(text);
    } catch {
      throw new EncodeError(protocol, field, `invalid IPv4 address '${text}'`);
    }
    if (a.subnetMask !== 32 || text.includes("/")) throw new EncodeError(protocol, field, `expected an address, not a prefix: '${text}'`);
    return Uint8Array.from(a.toArray());
  });
}

/** Memoized IPv6 parse (no prefix); the result is shared, never hand it out. Throws {@link EncodeError}. */
export function ipv6Bytes(text: string, field: string, protocol = "ipv6"): Uint8Array {
  const hit = parsed6.hit(text);
  if (hit !== undefined) return hit;
  return parsed6.get(text, () => {
    let a: Address6;
    try {
      a = new Address6(text);
    } catch {
      throw new EncodeError(protocol, field, `invalid IPv6 address '${text}'`);
    }
    if (a.subnetMask !== 128 || text.includes("/")) throw new EncodeError(protocol, field, `expected an address, not a prefix: '${text}'`);
    let v = a.bigInt();
    const out = new Uint8Array(16);
    for (let i = 15; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  });
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-` separators) to 6 new bytes; throws {@link EncodeError}. */
export function parseMac(mac: string, field = "mac"): Uint8Array {
  return macBytes(mac, field).slice();
}

/** Parses an IPv4 address (no prefix) to 4 new bytes; throws {@link EncodeError}. */
export function parseIpv4(text: string, field = "address"): Uint8Array {
  return ipv4Bytes(text, field).slice();
}

/** Parses an IPv6 address (no prefix) to 16 new bytes; throws {@link EncodeError}. */
export function parseIpv6(text: string, field = "address"): Uint8Array {
  return ipv6Bytes(text, field).slice();
}

function keyOf(b: Uint8Array, at: number, n: number): string {
  let k = "";
  for (let i = at; i < at + n; i++) k += HEX[b[i]!];
  return k;
}

/** Formats the 6 bytes at `at` as `aa:bb:cc:dd:ee:ff`. */
export function formatMac(b: Uint8Array, at = 0): string {
  return `${HEX[b[at]!]}:${HEX[b[at + 1]!]}:${HEX[b[at + 2]!]}:${HEX[b[at + 3]!]}:${HEX[b[at + 4]!]}:${HEX[b[at + 5]!]}`;
}

/** Formats the 4 bytes at `at` as a dotted quad. */
export function formatIpv4(b: Uint8Array, at = 0): string {
  return `${b[at]!}.${b[at + 1]!}.${b[at + 2]!}.${b[at + 3]!}`;
}

/** Formats the 16 bytes at `at` in RFC 5952 form (IPv4-mapped `::ffff:a.b.c.d` per §5). */
export function formatIpv6(b: Uint8Array, at = 0): string {
  return printed6.get(keyOf(b, at, 16), () => {
    let mapped = b[at + 10] === 0xff && b[at + 11] === 0xff;
    for (let i = 0; mapped && i < 10; i++) mapped = b[at + i] === 0;
    if (mapped) return `::ffff:${formatIpv4(b, at + 12)}`;
    return Address6.fromUnsignedByteArray(Array.from(b.subarray(at, at + 16))).correctForm();
  });
}

/** Formats a 128-bit IPv6 address held in a bigint, as {@link formatIpv6} does. */
export function formatIpv6BigInt(v: bigint): string {
  const b = new Uint8Array(16);
  let x = BigInt.asUintN(128, v);
  for (let i = 15; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return formatIpv6(b);
}


// ---------------------------------------------------------------------------------------------
// Addresses as integers (flow text keeps field values as bigints): parse to `undefined` on bad text, so
// each caller words its own error; scanned by character code, with `ip-address` only for the rare forms.

const ZERO = 48;
const NINE = 57;

/** The value of hex digit code `c`, or -1. */
function hexDigit(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * An Ethernet address written as six groups of one or two hex digits separated by `:` (as Open vSwitch's
 * `eth_addr_from_string` reads it) as a 48-bit integer, or `undefined` when `text` is not one.
 */
export function macToBigInt(text: string): bigint | undefined {
  let hi = 0; // first 3 bytes
  let lo = 0; // last 3 bytes
  let i = 0;
  const n = text.length;
  for (let g = 0; g < 6; g++) {
    if (g > 0) {
      if (i >= n || text.charCodeAt(i) !== 58) return undefined;
      i++;
    }
    const d0 = i < n ? hexDigit(text.charCodeAt(i)) : -1;
    if (d0 < 0) return undefined;
    i++;
    let b = d0;
    const d1 = i < n ? hexDigit(text.charCodeAt(i)) : -1;
    if (d1 >= 0) {
      b = (b << 4) | d1;
      i++;
    }
    if (g < 3) hi = (hi << 8) | b;
    else lo = (lo << 8) | b;
  }
  if (i !== n) return undefined;
  return BigInt(hi * 0x1000000 + lo);
}

/** Formats the low 48 bits of `v` as `aa:bb:cc:dd:ee:ff`. */
export function formatMacBigInt(v: bigint): string {
  const hi = Number((v >> 24n) & 0xffffffn);
  const lo = Number(v & 0xffffffn);
  return `${HEX[hi >>> 16]}:${HEX[(hi >>> 8) & 255]}:${HEX[hi & 255]}:${HEX[lo >>> 16]}:${HEX[(lo >>> 8) & 255]}:${HEX[lo & 255]}`;
}

/**
 * A plain IPv4 address (dotted quad, no prefix length) as a 32-bit integer, or `undefined` when `text` is
 * not one. Accepts what `ip-address` accepts; the common form (no leading zeros) without it.
 */
export function ipv4ToBigInt(text: string): bigint | undefined {
  const n = text.length;
  let v = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= n || text.charCodeAt(i) !== 46) return ipv4Slow(text);
      i++;
    }
    const start = i;
    let x = 0;
    while (i < n && i - start < 4) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      x = x * 10 + (c - ZERO);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || x > 255 || (len > 1 && text.charCodeAt(start) === ZERO)) return ipv4Slow(text);
    v = v * 256 + x;
  }
  return i === n ? BigInt(v) : ipv4Slow(text);
}

function ipv4Slow(text: string): bigint | undefined {
  if (text.includes("/") || !Address4.isValid(text)) return undefined;
  return BigInt(new Address4(text).bigInt());
}

/** Formats the low 32 bits of `v` as a dotted quad. */
export function formatIpv4BigInt(v: bigint): string {
  const n = Number(v & 0xffffffffn);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const parsed6Big = new Memo<bigint | null>(256);

/**
 * A plain IPv6 address (no prefix length; `[addr]` brackets allowed, as in URLs and ovs-ofctl's syntax) as a
 * 128-bit integer, or `undefined` when `text` is not one.
 */
export function ipv6ToBigInt(text: string): bigint | undefined {
  const r = parsed6Big.get(text, () => {
    const t = text.charCodeAt(0) === 91 || text.charCodeAt(text.length - 1) === 93 ? text.replace(/^\[|\]$/g, "") : text;
    if (t.includes("/") || !Address6.isValid(t)) return null;
    return new Address6(t).bigInt();
  });
  return r === null ? undefined : r;
}
