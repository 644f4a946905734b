/**
 * Tokenizing helpers of the flow syntax: top-level splitting, key=value lists, numbers with ovs-ofctl's messages.
 *
 * @module
 */
import { FlowSyntaxError, UnknownTableError } from "./errors.js";
import { smallNumber } from "./values.js";
import { tableFromString } from "./c-int.js";

/** Separator lookup tables by separator string, built once per distinct string. */
const SEP_TABLES = new Map<string, Uint8Array>();

/** A character class of {@link splitTop}'s tables: a separator. */
const SEP = 1;
/** An opening bracket (`(`, `[`, `{`). */
const OPEN = 2;
/** A closing bracket. */
const CLOSE = 3;

/** The class of each ASCII character for splitting on `seps`: a bracket, a separator, or 0 for any other. */
function sepTable(seps: string): Uint8Array {
  let t = SEP_TABLES.get(seps);
  if (t === undefined) {
    t = new Uint8Array(128);
    for (let i = 0; i < seps.length; i++) {
      const c = seps.charCodeAt(i);
      if (c < 128) t[c] = SEP;
    }
    // brackets count as brackets even when listed as separators
    for (const c of [40, 91, 123]) t[c] = OPEN;
    for (const c of [41, 93, 125]) t[c] = CLOSE;
    SEP_TABLES.set(seps, t);
  }
  return t;
}

/** ASCII white space as `String.prototype.trim` strips it (tab, line feed, vertical tab, form feed, carriage return, space). */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * `s.slice(a, b).trim()`, with ASCII white space stripped by index first (one slice, none when the part is
 * all of `s`); a part that begins or ends with a non-ASCII character goes through `trim`.
 */
export function sliceTrim(s: string, a: number, b: number): string {
  while (a < b && isAsciiSpace(s.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) return "";
  if (s.charCodeAt(a) >= 128 || s.charCodeAt(b - 1) >= 128) return s.slice(a, b).trim();
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Splits on top-level commas (and whitespace), respecting (), [] and {}. */
export function splitTop(s: string, seps = ","): string[] {
  const table = seps === "," ? COMMA : seps === ACTION_SEPARATORS ? ACTION_SEPS : seps === MATCH_SEPARATORS ? MATCH_SEPS : sepTable(seps);
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // one table lookup per ASCII character (most are neither brackets nor separators)
    const k = c < 128 ? table[c]! : seps.includes(s[i]!) ? SEP : 0;
    if (k === 0) continue;
    if (k === OPEN) depth++;
    else if (k === CLOSE) depth--;
    else if (depth === 0) {
      if (i > start) {
        const part = sliceTrim(s, start, i);
        if (part) out.push(part);
      }
      start = i + 1;
    }
  }
  if (depth !== 0) throw new FlowSyntaxError(`${s}: unbalanced parentheses`);
  if (n > start) {
    const part = sliceTrim(s, start, n);
    if (part) out.push(part);
  }
  return out;
}

/**
 * A character `String.prototype.trim` strips: ECMAScript's WhiteSpace and LineTerminator (ASCII tab to carriage
 * return and space, no-break space, ogham space mark, the Unicode space separators, line and paragraph
 * separators, byte order mark).
 */
export function isJsSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * {@link splitTop} as index ranges, no strings: the parts of `s` from `from` to `to`, trimmed as `trim` trims
 * them, empty ones left out, written into `out` from its start as `[start0, end0, start1, end1, ...]` (its
 * other entries left as they are); returns how many numbers it wrote. A caller that keeps one `out` makes no
 * array per call. `seps` is one of the separator sets of this module ({@link MATCH_SEPARATORS},
 * {@link ACTION_SEPARATORS} or `","`).
 * @throws FlowSyntaxError `TEXT: unbalanced parentheses`, naming the text from `from` to `to`
 */
export function topRangesInto(s: string, from: number, to: number, seps: string, out: number[]): number {
  const table = seps === "," ? COMMA : seps === ACTION_SEPARATORS ? ACTION_SEPS : seps === MATCH_SEPARATORS ? MATCH_SEPS : sepTable(seps);
  let n = 0;
  let depth = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    // (the end of the text ends the last part as a separator would)
    let k = SEP;
    if (i < to) {
      const c = s.charCodeAt(i);
      if (c >= 128) continue;
      k = table[c]!;
      if (k === 0) continue;
    }
    if (k === OPEN) depth++;
    else if (k === CLOSE) depth--;
    else if (depth === 0 || i === to) {
      // the part trimmed as `trim` trims it, unless nothing is left of it
      let a = start;
      let b = i;
      while (a < b && isJsSpace(s.charCodeAt(a))) a++;
      while (b > a && isJsSpace(s.charCodeAt(b - 1))) b--;
      if (a < b) {
        out[n++] = a;
        out[n++] = b;
      }
      start = i + 1;
    }
  }
  if (depth !== 0) throw new FlowSyntaxError(`${s.slice(from, to)}: unbalanced parentheses`);
  return n;
}

/** Whether `s` is a decimal or `0x` hex number, as `/^(0x[0-9a-f]+|\d+)$/i` tells (without a regular expression). */
export function isNumberText(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  if (n > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120) {
    for (let i = 2; i < n; i++) {
      const c = s.charCodeAt(i);
      const l = c | 0x20;
      if (!((c >= 48 && c <= 57) || (l >= 97 && l <= 102))) return false;
    }
    return true;
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A table as ovs-ofctl's ofputil_table_from_string() reads one ({@link tableFromString}: decimal, `+5` too, no `0x`), at
 * most 255; undefined for anything else.
 */
export function tableNumber(v: string | undefined): number | undefined {
  return v === undefined ? undefined : tableFromString(v);
}

/**
 * A table by its name in `tableNames` (the switch's), else {@link tableNumber}, else ovs-ofctl's
 * `unknown table "V"` error (`table=`, `goto_table:`).
 * @throws UnknownTableError for anything else
 */
export function tableOrFail(v: string | undefined, tableNames?: ReadonlyMap<string, number>): number {
  const named = v !== undefined ? tableNames?.get(v) : undefined;
  if (named !== undefined) return named;
  const n = tableNumber(v);
  if (n !== undefined) return n;
  // a number out of range is no name the switch could have: a plain syntax error
  if (v !== undefined && /^\d+$/.test(v)) throw new FlowSyntaxError(`unknown table "${v}"`);
  throw new UnknownTableError(v ?? "");
}

/** A decimal or 0x-hex number at most `max`; anything else is refused with ovs-ofctl's message. */
export function num(v: string | undefined, key: string, max: number): number {
  const small = v !== undefined ? smallNumber(v.trim()) : -1;
  const n = small >= 0 ? small : v !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim()) ? Number(v) : NaN;
  if (!(n <= max)) throw new FlowSyntaxError(key === "table" ? `unknown table "${v ?? ""}"` : `invalid ${key} "${v ?? ""}"`);
  return n;
}

/**
 * The position of `v` in `list` (a table of names indexed by their number).
 * @throws FlowSyntaxError `V: unknown WHAT` when it is not there
 */
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

/** The `key=value` items of a comma-separated argument list (split outside parentheses), by key; a bare key maps to "". */
export function kvs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of splitTop(s)) {
    const eq = p.indexOf("=");
    if (eq < 0) m.set(p.trim(), "");
    else m.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return m;
}

/** One action's text split into its lower-cased name and either its `:`/`=` argument or its parenthesized body. */
export interface ActionParts {
  /** The whole item (`output:2`, `ct(commit)`), trimmed. */
  readonly it: string;
  /** The action's name, lower case (`output`, `ct`, ...). */
  readonly name: string;
  /** The text after the first `:` or `=` (`output:2`). */
  readonly arg: string | undefined;
  /** The text inside the parentheses (`ct(commit)`). */
  readonly paren: string | undefined;
}

/**
 * A set of lower-case ASCII names (action names, `ct` arguments) found by their characters in a text, ASCII
 * letters in either case: no string made of the name, no lower-cased copy, no hash of a fresh string; the
 * name returned is the table's own string (its hash kept, compared by identity).
 */
export class NameTable {
  /**
   * The names by length and first character: at `length * 32 + (first & 31)` (a name's first character
   * upper or lower case gives the same low 5 bits), so a lookup compares few names, most of one.
   */
  readonly #byKey: (string[] | undefined)[];
  /** The longest name's length. */
  readonly #maxLen: number;

  /** @param names - lower-case ASCII names */
  constructor(names: Iterable<string>) {
    const all = [...names].filter((n) => n.length > 0);
    this.#maxLen = all.reduce((m, n) => Math.max(m, n.length), 0);
    // every slot there from the start (a packed array, never a sparse one)
    this.#byKey = Array.from({ length: (this.#maxLen + 1) * 32 }, () => undefined);
    for (const n of all) {
      const list = (this.#byKey[n.length * 32 + (n.charCodeAt(0) & 31)] ??= []);
      if (!list.includes(n)) list.push(n);
    }
  }

  /** The table's name that `s` from `a` to `b` spells (ASCII letters in either case), or undefined. */
  find(s: string, a: number, b: number): string | undefined {
    if (b <= a || b - a > this.#maxLen) return undefined;
    const list = this.#byKey[(b - a) * 32 + (s.charCodeAt(a) & 31)];
    if (list === undefined) return undefined;
    next: for (let k = 0; k < list.length; k++) {
      const w = list[k]!;
      for (let i = 0; i < w.length; i++) {
        let c = s.charCodeAt(a + i);
        if (c >= 65 && c <= 90) c += 32;
        if (c !== w.charCodeAt(i)) continue next;
      }
      return w;
    }
    return undefined;
  }
}

/**
 * `it.slice(a, b).trim().toLowerCase()`: the table's own string when the name is one of `names` (written in
 * ASCII, either case), else a lower-cased copy (so any other text, non-ASCII too, reads as it always did).
 */
function actionName(it: string, a: number, b: number, names: NameTable | undefined): string {
  if (names !== undefined) {
    let x = a;
    let y = b;
    while (x < y && isAsciiSpace(it.charCodeAt(x))) x++;
    while (y > x && isAsciiSpace(it.charCodeAt(y - 1))) y--;
    const n = names.find(it, x, y);
    if (n !== undefined) return n;
  }
  return it.slice(a, b).trim().toLowerCase();
}

/**
 * Splits `name:arg`, `name=arg`, `name(paren)` or a bare `name`.
 * @param names - names to return as the table's own strings (see {@link NameTable})
 */
export function splitAction(it: string, names?: NameTable): ActionParts {
  let p = -1;
  let c = -1;
  // (a `(` before any `:` or `=` in an item that ends with `)` settles the form: the rest is not scanned)
  const closes = it.charCodeAt(it.length - 1) === 41;
  for (let i = 0; i < it.length; i++) {
    const ch = it.charCodeAt(i);
    if (ch === 40) {
      if (p < 0) {
        p = i;
        if (closes) break;
      }
    } else if (ch === 58 || ch === 61) {
      c = i;
      break;
    }
  }
  if (p >= 0 && (c < 0 || p < c) && it.charCodeAt(it.length - 1) === 41) {
    return { it, name: actionName(it, 0, p, names), arg: undefined, paren: it.slice(p + 1, -1) };
  }
  if (c >= 0) return { it, name: actionName(it, 0, c, names), arg: it.slice(c + 1).trim(), paren: undefined };
  return { it, name: actionName(it, 0, it.length, names), arg: undefined, paren: undefined };
}

/** A character class of {@link splitActions}' tables beyond {@link splitTop}'s: `:` or `=`. */
const COLON_EQ = 4;

/** {@link sepTable} of `seps` with `:` and `=` marked {@link COLON_EQ} (never separators of an action list). */
function actionTable(seps: string): Uint8Array {
  const t = Uint8Array.from(sepTable(seps));
  t[58] = COLON_EQ;
  t[61] = COLON_EQ;
  return t;
}

/** Action list tables: {@link ACTION_SEPARATORS}' and a comma's. */
const ACTION_LIST_SEPS = actionTable(", \t\r\n");
const COMMA_LIST_SEPS = actionTable(",");

/**
 * {@link splitTop} and {@link splitAction} of each part in one scan: the items of `s` from `from` to `to`
 * separated by top-level commas (and, when `spaces`, white space), each split into its name and its
 * argument or parenthesized body as {@link splitAction} splits it, with no second scan of the item.
 * @param names - names to return as the table's own strings (see {@link NameTable})
 * @throws FlowSyntaxError `TEXT: unbalanced parentheses`, naming the text from `from` to `to`
 */
export function splitActions(s: string, from: number, to: number, spaces: boolean, names: NameTable): ActionParts[] {
  const table = spaces ? ACTION_LIST_SEPS : COMMA_LIST_SEPS;
  const out: ActionParts[] = [];
  let depth = 0;
  let start = from;
  // the item's first `(` and first `:` or `=` (at any depth)
  let p = -1;
  let c = -1;
  for (let i = from; i < to; i++) {
    const ch = s.charCodeAt(i);
    const k = ch < 128 ? table[ch]! : 0;
    if (k === 0) continue;
    if (k === OPEN) {
      if (p < 0 && ch === 40) p = i;
      depth++;
    } else if (k === CLOSE) depth--;
    else if (k === COLON_EQ) {
      if (c < 0) c = i;
    } else if (depth === 0) {
      if (i > start) pushAction(out, s, start, i, p, c, names);
      start = i + 1;
      p = -1;
      c = -1;
    }
  }
  if (depth !== 0) throw new FlowSyntaxError(`${s.slice(from, to)}: unbalanced parentheses`);
  if (to > start) pushAction(out, s, start, to, p, c, names);
  return out;
}

/** Appends the action from `a` to `b` of `s` (its first `(` at `p`, its first `:` or `=` at `c`, -1 for none), trimmed; nothing when it is empty. */
function pushAction(out: ActionParts[], s: string, a: number, b: number, p: number, c: number, names: NameTable): void {
  while (a < b && isAsciiSpace(s.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) return;
  if (s.charCodeAt(a) >= 128 || s.charCodeAt(b - 1) >= 128) {
    // non-ASCII at either end (white space `trim` strips, maybe): the item as splitTop makes it, split apart
    const it = s.slice(a, b).trim();
    if (it) out.push(splitAction(it, names));
    return;
  }
  const it = a === 0 && b === s.length ? s : s.slice(a, b);
  if (p >= 0 && (c < 0 || p < c) && s.charCodeAt(b - 1) === 41) out.push({ it, name: actionName(s, a, p, names), arg: undefined, paren: s.slice(p + 1, b - 1) });
  else if (c >= 0) out.push({ it, name: actionName(s, a, c, names), arg: sliceTrim(s, c + 1, b), paren: undefined });
  else out.push({ it, name: actionName(s, a, b, names), arg: undefined, paren: undefined });
}

/**
 * Bytes from hex text as ovs-ofctl reads a `note` or a `controller(userdata=...)`: pairs of hex digits, with `.`
 * and white space between them ignored (no `0x`, no `:`).
 * @throws FlowSyntaxError `message` for any other character or an odd number of digits
 */
export function parseHexBytes(s: string, message: string): Uint8Array {
  const out: number[] = [];
  let hi = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) {
      // a separator only between whole bytes
      if (hi < 0 && (c === 46 || isJsSpace(c))) continue;
      throw new FlowSyntaxError(message);
    }
    if (hi < 0) hi = d;
    else {
      out.push((hi << 4) | d);
      hi = -1;
    }
  }
  if (hi >= 0) throw new FlowSyntaxError(message);
  return Uint8Array.from(out);
}

/** What separates actions: commas or white space outside parentheses (ovs-ofctl's key-value syntax). */
export const ACTION_SEPARATORS = ", \t\r\n";

/** What separates the fields of a match: commas, spaces or tabs outside parentheses. */
export const MATCH_SEPARATORS = ", \t";

/** The separator tables of the three common separator sets, looked up without a map. */
const COMMA = sepTable(",");
const ACTION_SEPS = sepTable(ACTION_SEPARATORS);
const MATCH_SEPS = sepTable(MATCH_SEPARATORS);
