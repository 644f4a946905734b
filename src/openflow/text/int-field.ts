/**
 * An integer field's value and mask as Open vSwitch reads them (`mf_from_integer_string()` over
 * `parse_int_string()`), with its error texts: `0x` hex of any length whose significant digits fit the
 * field, else C `strtoull()` with base 0 (octal `010`, a sign, leading white space), and
 * `S: value too large for N-byte field F` / `S: bad syntax for F mask` when they do not.
 *
 * @module
 */
import { FlowSyntaxError } from "./errors.js";

const MAX64 = (1n << 64n) - 1n;
const HEXIT = /^[0-9a-f]$/i;

/** `parse_int_string()`: the number at the start of `s` in a field of `bytes` bytes, and what follows it. */
export function scanInt(s: string, bytes: number): { v: bigint; tail: string } | "EINVAL" | "ERANGE" {
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
