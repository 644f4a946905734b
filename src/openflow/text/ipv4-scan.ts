/**
 * IPv4 address text as ovs-ofctl reads it for a match or set_field value: Open vSwitch's
 * ip_parse_masked() (lib/packets.c) scans `%hhu.%hhu.%hhu.%hhu` with its own ovs_scan(), so each part
 * may have leading zeros (decimal, never octal), a sign and leading white space, and keeps only its low
 * 8 bits (`1.2.3.400` is 1.2.3.144, `1.2.3.-1` 1.2.3.255); the mask is a second such address or `%d`
 * prefix bits.
 *
 * @module
 */
import { FlowSyntaxError } from "./errors.js";

/** isspace() of the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * ovs_scan()'s `%u`/`%d` at `i`: white space skipped, an optional sign, decimal digits; the value modulo
 * `mod` (the C type's width: the overflow of its uintmax_t keeps these residues), negated for `-`.
 * Returns [value, next index] or undefined when there are no digits.
 */
function scanInt(s: string, i: number, mod: number): [number, number] | undefined {
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  const c0 = s.charCodeAt(i);
  const negative = c0 === 45;
  if (c0 === 43 || c0 === 45) i++;
  let v = 0;
  const start = i;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = (v * 10 + d) % mod;
  }
  if (i === start) return undefined;
  return [negative ? (mod - v) % mod : v, i];
}

/** `%hhu.%hhu.%hhu.%hhu` at `i`: [address, next index], or undefined when the format does not match. */
function scanAddress(s: string, i: number): [number, number] | undefined {
  let v = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s.charCodeAt(i) !== 46) return undefined;
      i++;
    }
    const r = scanInt(s, i, 256);
    if (r === undefined) return undefined;
    v = v * 256 + r[0];
    i = r[1];
  }
  return [v, i];
}

/** An IPv4 value with its mask (all ones when none is given), as numbers below 2^32. */
export interface ScannedIpv4 {
  /** The address. */
  readonly v: number;
  /** The mask. */
  readonly m: number;
}

/**
 * Parses `ADDR`, `ADDR/MASK` or `ADDR/BITS` as ip_parse_masked() does.
 * @throws FlowSyntaxError with ovs-ofctl's words (`TEXT: invalid IP address`, `TEXT: IPv4 network prefix bits not between 0 and 32, inclusive`)
 */
export function scanIpv4Masked(text: string): ScannedIpv4 {
  const a = scanAddress(text, 0);
  const bad = (): never => {
    throw new FlowSyntaxError(`${text}: invalid IP address`);
  };
  if (a === undefined) return bad();
  const [v, at] = a;
  let end = at;
  let m = 0xffffffff;
  if (text.charCodeAt(at) === 47) {
    // the first format that matches wins; text after it is an error (no other format is tried)
    const mask = scanAddress(text, at + 1);
    if (mask !== undefined) [m, end] = mask;
    else {
      const bits = scanInt(text, at + 1, 2 ** 32);
      if (bits !== undefined) {
        // as a C int
        const plen = bits[0] | 0;
        if (plen < 0 || plen > 32) throw new FlowSyntaxError(`${text}: IPv4 network prefix bits not between 0 and 32, inclusive`);
        m = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
        end = bits[1];
      }
    }
  }
  if (end !== text.length) bad();
  return { v, m };
}
