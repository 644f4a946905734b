/**
 * Flag fields (`ct_state`, `tcp_flags`, `tun_flags`) as Open vSwitch 3.1 reads and prints them: parse_flags()
 * of lib/flow.c (a masked number `V/M`, `+name-name...`, or unmasked `name|name|N`, each limited to the bits
 * the field allows, with its three error texts) and format_flags_masked() as mf_format() uses it for a
 * set_field's value.
 *
 * @module
 */
import { FlowSyntaxError } from "./errors.js";

/** A flag field's names (bit order), the bits a value may have, and the word its errors use. */
export interface FlagField {
  /** `[name, bit]` pairs, lowest bit first. */
  readonly table: ReadonlyArray<readonly [string, number]>;
  /** The bits the field takes (parse_flags()'s `allowed`). */
  readonly allowed: number;
  /** The field as errors name it (`tunnel`, `TCP`, `ct_state`). */
  readonly what: string;
  /** The mask under which a set_field prints as plain flags (mf_format()'s `max_mask`). */
  readonly maxMask: number;
}

/** A C integer as scanf's `%i` reads it at `s[i]`: white space, a sign, then `0x` hex, `0` octal or decimal. */
function scanI(s: string, i: number): { v: bigint; end: number } | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(i));
  if (!m) return undefined;
  const d = m[2]!;
  let v = /^0x/i.test(d) ? BigInt(d) : d.length > 1 && d[0] === "0" ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
  // strtoll() saturates, then the sign applies
  const max = (1n << 63n) - 1n;
  if (v > max) v = m[1] === "-" ? max + 1n : max;
  else if (m[1] === "-") v = -v;
  return { v, end: i + m[0].length };
}

/**
 * `s` read as parse_flags() reads a flag field with a mask allowed: the value, and the mask (`undefined`
 * for the unmasked forms, which match every bit). What follows a numeric `V/M` is not read.
 * @throws FlowSyntaxError `S: unknown WHAT flag(s)`, `S: Each WHAT flag can be specified only once`, or
 *   `S: WHAT must be preceded by '+' (for SET) or '-' (NOT SET)`, naming the text from where the scan stood
 */
export function parseFlagField(s: string, f: FlagField): { v: bigint; m: bigint | undefined } {
  const allowed = BigInt(f.allowed);
  const unknown = (at: string): never => {
    throw new FlowSyntaxError(`${at}: unknown ${f.what} flag(s)`);
  };
  // "%i/%i": two 32-bit numbers
  const a = scanI(s, 0);
  if (a !== undefined && s[a.end] === "/") {
    const b = scanI(s, a.end + 1);
    if (b !== undefined) {
      const v = BigInt.asUintN(32, a.v);
      const m = BigInt.asUintN(32, b.v);
      if (v & ~allowed || m & ~allowed) unknown(s);
      return { v, m };
    }
  }
  const c0 = s[0];
  if (c0 === "+" || c0 === "-") {
    let v = 0;
    let m = 0;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c !== "+" && c !== "-") throw new FlowSyntaxError(`${s.slice(i)}: ${f.what} must be preceded by '+' (for SET) or '-' (NOT SET)`);
      i++;
      const rest = s.slice(i);
      let hit: readonly [string, number] | undefined;
      for (const e of f.table) {
        const after = rest[e[0].length];
        if (rest.startsWith(e[0]) && (after === "+" || after === "-" || after === undefined)) {
          hit = e;
          break;
        }
      }
      if (hit === undefined) return unknown(rest);
      if (m & hit[1]) throw new FlowSyntaxError(`${rest}: Each ${f.what} flag can be specified only once`);
      if (!(hit[1] & f.allowed)) return unknown(rest);
      if (c === "+") v |= hit[1];
      m |= hit[1];
      i += hit[0].length;
    }
    return { v: BigInt(v), m: BigInt(m) };
  }
  // unmasked: numbers ("%lli") and names, each optionally followed by '|'
  let v = 0n;
  let n = 0;
  while (n < s.length) {
    const num = scanI(s, n);
    if (num !== undefined) {
      const x = BigInt.asUintN(64, num.v);
      if (x & ~allowed) unknown(s);
      n = num.end + (s[num.end] === "|" ? 1 : 0);
      v |= x;
      continue;
    }
    let hit: readonly [string, number] | undefined;
    for (const e of f.table) {
      const after = s[n + e[0].length];
      if (s.startsWith(e[0], n) && (after === "|" || after === undefined)) {
        hit = e;
        break;
      }
    }
    if (hit === undefined || !(hit[1] & f.allowed)) return unknown(s);
    v |= BigInt(hit[1]);
    n += hit[0].length + (s[n + hit[0].length] === "|" ? 1 : 0);
  }
  return { v, m: undefined };
}

/**
 * A flag field's set_field value as mf_format() prints it: `ANY` under an all-zero mask; plain names joined
 * by `|` (unnamed bits in hex, `0` for none) when the mask covers the field's `maxMask`; else `0/0`, or a
 * `+name`/`-name` per masked bit, lowest first. `bytes` is the field's width (an all-ones mask is none).
 */
export function formatFlagSetField(v: bigint, m: bigint | undefined, bytes: number, f: FlagField): string {
  if (m !== undefined && m === 0n) return "ANY";
  const mask = m === undefined || m === (1n << BigInt(bytes * 8)) - 1n ? BigInt(f.maxMask) : m & BigInt(f.maxMask);
  const name = (bit: bigint): string | undefined => f.table.find((e) => BigInt(e[1]) === bit)?.[0];
  if (mask === BigInt(f.maxMask)) {
    if (v === 0n) return "0";
    const out: string[] = [];
    let bad = 0n;
    for (let x = v; x; x &= x - 1n) {
      const bit = x & -x;
      const t = name(bit);
      if (t === undefined) bad |= bit;
      else out.push(t);
    }
    if (bad) out.push(`0x${bad.toString(16)}`);
    return out.join("|");
  }
  if (mask === 0n) return "0/0";
  let s = "";
  for (let x = mask; x; x &= x - 1n) {
    const bit = x & -x;
    s += `${v & bit ? "+" : "-"}${name(bit) ?? "[Unknown]"}`;
  }
  return s;
}
