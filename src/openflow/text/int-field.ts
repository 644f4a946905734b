/**
 * An integer field's value and mask as Open vSwitch reads them (`mf_from_integer_string()` over
 * `parse_int_string()`), with its error texts: `0x` hex of any length whose significant digits fit the
 * field, else C `strtoull()` with base 0 (octal `010`, a sign, leading white space), and
 * `S: value too large for N-byte field F` / `S: bad syntax for F mask` when they do not.
 *
 * @module
 */
import { FlowSyntaxError } from "./errors.js";

/** {@link big}'s BigInts of 0 .. 65535, made the first time each is asked for. */
const SMALL_BIG: bigint[] = new Array<bigint>(0x10000);

/**
 * `BigInt(n)` for a non-negative integer `n` (a safe integer), the same BigInt every time for one below
 * 65536: converting a Number to a BigInt is a runtime call (~40 ns), a table read is not, and the ports,
 * Ethernet types, protocols and small register values of flow text are mostly such numbers (BigInts are
 * immutable, so sharing one is safe).
 */
export function big(n: number): bigint {
  return n >= 0 && n < 0x10000 ? (SMALL_BIG[n] ??= BigInt(n)) : BigInt(n);
}

const MAX64 = (1n << 64n) - 1n;
const HEXIT = /^[0-9a-f]$/i;

/** `parse_int_string()`: the number at the start of `s` in a field of `bytes` bytes, and what follows it. */
export function scanInt(s: string, bytes: number): { v: bigint; tail: string } | "EINVAL" | "ERANGE" {
  const fast = scanSmall(s, bytes);
  if (fast !== undefined) return fast;
  if (s.startsWith("0x") || s.startsWith("0X")) {
    // hex digits (white space between them skipped), leading zeros not counted against the width
    let i = 2;
    let digits = "";
    for (;;) {
      while (i < s.length && " \t\r\n".includes(s[i]!)) i++;
      const c = s[i];
      if (c === undefined || !HEXIT.test(c)) break;
      if (c !== "0" || digits) {
        if (Math.ceil((digits.length + 1) / 2) > bytes) return "ERANGE";
        digits += c;
      }
      i++;
    }
    return { v: digits ? BigInt(`0x${digits}`) : 0n, tail: s.slice(i) };
  }
  // strtoull(s, &tail, 0)
  const m = /^[ \t\n\v\f\r]*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)/i.exec(s);
  if (!m) return "EINVAL";
  const digits = m[2]!;
  let v = /^0x/i.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (v > MAX64) return "ERANGE";
  if (m[1] === "-") v = (MAX64 + 1n - v) & MAX64;
  if (v >> BigInt(bytes * 8)) return "ERANGE";
  return { v, tail: s.slice(m[0].length) };
}

/** A hex digit's value, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** A character {@link scanInt}'s hex scan skips between digits. */
function isScanSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * {@link scanInt} of the usual numbers, read by character code into one Number (no regular expression, no
 * string of the digits): `0x` hex of at most 13 significant digits and a plain decimal number of at most
 * 15 digits with no leading zero, or `0` alone; undefined for anything else (white space, a sign, octal,
 * longer numbers), which takes the general scan.
 */
function scanSmall(s: string, bytes: number): { v: bigint; tail: string } | "ERANGE" | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  const c0 = s.charCodeAt(0);
  let i: number;
  let x = 0;
  if (c0 === 48 && (s.charCodeAt(1) | 0x20) === 120) {
    // significant digits, leading zeros not counted
    let sig = 0;
    for (i = 2; i < n; i++) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) break;
      if (sig > 0 || d !== 0) {
        if (++sig > 13) return undefined;
        x = x * 16 + d;
      }
    }
    // the general scan skips white space between digits
    if (i < n && isScanSpace(s.charCodeAt(i))) return undefined;
    if (sig > bytes * 2) return "ERANGE";
  } else if (c0 >= 49 && c0 <= 57) {
    for (i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      x = x * 10 + (c - 48);
    }
    if (i > 15) return undefined;
    if (bytes < 7 && x >= 2 ** (bytes * 8)) return "ERANGE";
  } else if (c0 === 48) {
    // `0` then no octal digit
    const c1 = s.charCodeAt(1);
    if (c1 >= 48 && c1 <= 55) return undefined;
    i = 1;
  } else return undefined;
  return { v: big(x), tail: i === n ? "" : s.slice(i) };
}

/**
 * Parses `s` (`VALUE` or `VALUE/MASK`) for the `bytes`-byte integer field `name`, as ovs-ofctl does; the mask
 * is undefined when none is given.
 * @throws FlowSyntaxError with ovs-ofctl's message
 */
export function parseIntField(s: string, bytes: number, name: string): { v: bigint; m: bigint | undefined } {
  const fail = (what: "value" | "mask", err: string): never => {
    throw new FlowSyntaxError(err === "ERANGE" ? `${s}: ${what} too large for ${bytes}-byte field ${name}` : `${s}: bad syntax for ${name} ${what}`);
  };
  const value = scanInt(s, bytes);
  if (typeof value === "string") return fail("value", value);
  if (value.tail !== "" && !value.tail.startsWith("/")) return fail("value", "EINVAL");
  if (value.tail === "") return { v: value.v, m: undefined };
  const mask = scanInt(value.tail.slice(1), bytes);
  if (typeof mask === "string") return fail("mask", mask);
  if (mask.tail !== "") return fail("mask", "EINVAL");
  return { v: value.v, m: mask.v };
}
