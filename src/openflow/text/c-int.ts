/**
 * Integers read the way Open vSwitch's C parsers read them: `strtoll()`/`strtoull()` with base 0 (`0x` hex,
 * a leading `0` octal so `010` is 8 and `08` is refused, a sign, leading white space) or base 10
 * (`010` is 10, `0x10` is refused), and the checks of OVS's `str_to_int()`, `str_to_uint()`,
 * `str_to_u64()` and `str_to_u16()` on top of them. Which one a keyword uses is OVS's choice, keyword by
 * keyword: the callers name it.
 *
 * @module
 */
import { FlowSyntaxError } from "./errors.js";
import { big } from "./int-field.js";

/** The base C's `strtol()` family is given: 0 picks hex, octal or decimal by the prefix. */
export type CBase = 0 | 10 | 16;

/** What a C `strto*()` call scanned: the magnitude, the sign, and where the number ended (0 when none). */
interface CScan {
  readonly negative: boolean;
  readonly magnitude: bigint;
  readonly end: number;
}

const C_SPACE = " \t\n\v\f\r";

function digitOf(c: string, base: number): number {
  const code = c.charCodeAt(0);
  const k = code | 0x20; // ASCII letters to lower case
  const d = code >= 48 && code <= 57 ? code - 48 : k >= 97 && k <= 122 ? k - 87 : 99;
  return d < base ? d : -1;
}

/**
 * The value of `s` when it is a plain decimal number of 1 to 9 digits without a leading zero (or `0`
 * itself), which base 0 and base 10 read alike and no range check refuses; else -1. The common case,
 * read without the general scan.
 */
function plainDecimal(s: string): number {
  const n = s.length;
  if (n === 0 || n > 9 || (s.charCodeAt(0) === 48 && n > 1)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The number C's `strtoull(s, &end, base)` reads at the start of `s`, before its range checks. */
function scan(s: string, base: CBase): CScan {
  let i = 0;
  while (i < s.length && C_SPACE.includes(s[i]!)) i++;
  let negative = false;
  if (s[i] === "+" || s[i] === "-") negative = s[i++] === "-";
  let b: number = base;
  // a `0x` prefix counts only when a hex digit follows it (else the `0` is the number and `x` the tail)
  if ((b === 0 || b === 16) && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && s[i + 2] !== undefined && digitOf(s[i + 2]!, 16) >= 0) {
    i += 2;
    b = 16;
  } else if (b === 0) b = s[i] === "0" ? 8 : 10;
  const start = i;
  // digits gathered in a Number while it stays exact (below 2^45, times 16 plus a digit is below 2^53),
  // then, for a longer number, in a BigInt from there on
  let x = 0;
  while (i < s.length && x < 0x200000000000) {
    const d = digitOf(s[i]!, b);
    if (d < 0) break;
    x = x * b + d;
    i++;
  }
  let v = big(x);
  if (x >= 0x200000000000) {
    const bb = BigInt(b);
    while (i < s.length) {
      const d = digitOf(s[i]!, b);
      if (d < 0) break;
      v = v * bb + BigInt(d);
      i++;
    }
  }
  return i === start ? { negative: false, magnitude: 0n, end: 0 } : { negative, magnitude: v, end: i };
}

const U64 = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

/**
 * OVS's `str_to_llong()`: the whole of `s` as a C `long long` in `base` (`strtoll()`), or undefined when
 * it is not one (no digits, text after them, or out of range).
 */
export function cStrToLlong(s: string, base: CBase): bigint | undefined {
  const r = scan(s, base);
  if (r.end === 0 || r.end !== s.length) return undefined;
  const v = r.negative ? -r.magnitude : r.magnitude;
  return v > I64_MAX || v < -I64_MAX - 1n ? undefined : v;
}

/**
 * OVS's `str_to_ullong()` / `str_to_u64()`: the whole of `s` as C's `strtoull()` reads it in `base` (a minus
 * sign negates modulo 2^64, as C does), or undefined when it is not one.
 */
export function cStrToUllong(s: string, base: CBase): bigint | undefined {
  const r = scan(s, base);
  if (r.end === 0 || r.end !== s.length || r.magnitude > U64) return undefined;
  return r.negative ? (U64 + 1n - r.magnitude) & U64 : r.magnitude;
}

/** OVS's `str_to_int()`: a C `int` (32-bit signed) in `base`, or undefined. */
export function cStrToInt(s: string, base: CBase): number | undefined {
  if (base !== 16) {
    const p = plainDecimal(s);
    if (p >= 0) return p;
  }
  const v = cStrToLlong(s, base);
  return v === undefined || v < -0x80000000n || v > 0x7fffffffn ? undefined : Number(v);
}

/** OVS's `str_to_uint()`: a C `unsigned int` (0 to 2^32-1, no sign games) in `base`, or undefined. */
export function cStrToUint(s: string, base: CBase): number | undefined {
  if (base !== 16) {
    const p = plainDecimal(s);
    if (p >= 0) return p;
  }
  const v = cStrToLlong(s, base);
  return v === undefined || v < 0n || v > 0xffffffffn ? undefined : Number(v);
}

/**
 * OVS's `str_to_u8()`/`str_to_u16()` (ofp-parse.c): `str_to_int(s, 0)` in `[0, max]`, else
 * `invalid NAME "S"`.
 * @throws FlowSyntaxError with ovs-ofctl's message
 */
export function cUnsignedField(s: string, name: string, max: number): number {
  const v = cStrToInt(s, 0);
  if (v === undefined || v < 0 || v > max) throw new FlowSyntaxError(`invalid ${name} "${s}"`);
  return v;
}

/**
 * OVS's `str_to_u64()` (ofp-parse.c): `strtoull(s, 0)` of the whole text (a cookie, a metadata value), else
 * `missing required numeric argument` / `invalid numeric format S`.
 * @throws FlowSyntaxError with ovs-ofctl's message
 */
export function cU64(s: string): bigint {
  if (s === "") throw new FlowSyntaxError("missing required numeric argument");
  const v = cStrToUllong(s, 0);
  if (v === undefined) throw new FlowSyntaxError(`invalid numeric format ${s}`);
  return v;
}

/**
 * OVS's `str_to_u32()` (ofp-parse.c): C's `strtoul(s, 0)` of the whole text, kept to its low 32 bits as
 * the C assignment does, else `missing required numeric argument` / `invalid numeric format S`.
 * @throws FlowSyntaxError with ovs-ofctl's message
 */
export function cU32(s: string): number {
  return Number(cU64(s) & 0xffffffffn);
}

/**
 * `ofputil_table_from_string()` without a table map: a decimal table number 0 to 255 (`010` is 10, `0x10`
 * and a sign are refused), or undefined.
 */
export function tableFromString(s: string): number | undefined {
  const n = s.startsWith("-") ? undefined : cStrToUint(s, 10);
  return n === undefined || n > 255 ? undefined : n;
}

/**
 * C's `atoi(s)` as glibc has it, `(int) strtol(s, NULL, 10)`: the decimal number at the start of `s`
 * (leading white space and a sign allowed, anything after ignored, 0 when there is none), clamped to 64
 * bits and then cut to 32 as the cast does. Open vSwitch reads learn's timeouts and priority this way.
 */
export function cAtoi(s: string): number {
  const r = scan(s, 10);
  let v = r.negative ? -r.magnitude : r.magnitude;
  if (v > I64_MAX) v = I64_MAX;
  if (v < -I64_MAX - 1n) v = -I64_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/**
 * C's `strtoull(s, NULL, 0)` with no error check: the number at the start of `s` (0 when there is none,
 * 2^64-1 when it overflows, a minus sign negating modulo 2^64). Open vSwitch reads learn's cookie this way.
 */
export function cStrtoullLoose(s: string): bigint {
  const r = scan(s, 0);
  if (r.end === 0) return 0n;
  if (r.magnitude > U64) return U64;
  return r.negative ? (U64 + 1n - r.magnitude) & U64 : r.magnitude;
}

/**
 * The whole of `s` as Open vSwitch's `ovs_scan()` reads a `%i` into a 32-bit integer: C base-0 syntax, the
 * value kept to its low 32 bits with no overflow check (`-1` is 4294967295); undefined when `s` is not
 * one number.
 */
export function cScanI32(s: string): number | undefined {
  const r = scan(s, 0);
  if (r.end === 0 || r.end !== s.length) return undefined;
  return Number(BigInt.asUintN(32, r.negative ? -r.magnitude : r.magnitude));
}
