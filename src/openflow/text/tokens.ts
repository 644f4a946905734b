/**
 * Tokenizing helpers of the flow syntax: top-level splitting, key=value lists, numbers with ovs-ofctl's messages.
 *
 * @module
 */
import { fromHex } from "../bytes.js";
import { FlowSyntaxError } from "./errors.js";

/** Splits on top-level commas (and whitespace), respecting (), [] and {}. */
export function splitTop(s: string, seps = ","): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    if (depth === 0 && seps.includes(ch)) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (depth !== 0) throw new FlowSyntaxError(`${s}: unbalanced parentheses`);
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A decimal or 0x-hex number at most `max`; anything else is refused with ovs-ofctl's message. */
export function num(v: string | undefined, key: string, max: number): number {
  const n = v !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim()) ? Number(v) : NaN;
  if (!(n <= max)) throw new FlowSyntaxError(key === "table" ? `unknown table "${v ?? ""}"` : `invalid ${key} "${v ?? ""}"`);
  return n;
}

export function indexOf(list: readonly string[], v: string | undefined, what: string): number {
  const i = list.indexOf(v ?? "");
  if (i < 0) throw new FlowSyntaxError(`${v}: unknown ${what}`);
  return i;
}

/** Throws `message(key)` for the first key of `kv` not in `allowed`. */
export function onlyKeys(kv: Map<string, string>, allowed: readonly string[], message: (key: string) => string): void {
  for (const k of kv.keys()) if (!allowed.includes(k)) throw new FlowSyntaxError(message(k));
}

/** A number in `[min, max]`, or ovs-ofctl's `VALUE: not a valid WHAT`. */
export function ranged(v: string | undefined, min: number, max: number, what: string): number {
  const n = v !== undefined && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new FlowSyntaxError(`${v ?? ""}: not a valid ${what}`);
  return n;
}

export function kvs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of splitTop(s)) {
    const eq = p.indexOf("=");
    if (eq < 0) m.set(p.trim(), "");
    else m.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return m;
}

export function splitAction(it: string): { name: string; arg: string | undefined; paren: string | undefined } {
  const p = it.indexOf("(");
  const c = it.search(/[:=]/);
  if (p >= 0 && (c < 0 || p < c) && it.endsWith(")")) {
    return { name: it.slice(0, p).trim().toLowerCase(), arg: undefined, paren: it.slice(p + 1, -1) };
  }
  if (c >= 0) return { name: it.slice(0, c).trim().toLowerCase(), arg: it.slice(c + 1).trim(), paren: undefined };
  return { name: it.trim().toLowerCase(), arg: undefined, paren: undefined };
}

export function parseHexBytes(s: string): Uint8Array {
  if (!s) return new Uint8Array(0);
  return fromHex(s.replace(/\./g, ""));
}

/** What separates actions: commas or white space outside parentheses (ovs-ofctl's key-value syntax). */
export const ACTION_SEPARATORS = ", \t\r\n";
