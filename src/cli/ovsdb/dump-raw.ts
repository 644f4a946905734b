/**
 * `dump`'s reply read as the bytes the server sent: for every table, where each row's cells begin
 * and end, checked against the columns' types, without making a JSON value of any row. The `json`
 * format then copies each cell's bytes to the output (a dump's output is its reply's cells in
 * another order), and only the cells the row order needs are decoded (see `dump-rows.ts`).
 *
 * Only a reply in the form ovsdb-server writes is read this way, where a cell's bytes are exactly
 * what `JSON.stringify` would write for its value: no white space, member names without escapes,
 * integers of at most 15 digits without leading zeros, lowercase uuids, every cell a value of its
 * column's type (a set of one element written as the atom, sizes within the type's bounds). A
 * string with escapes and a real are accepted but marked, to be written again from their value
 * ({@link RawRows.fix}). For anything else {@link scanDumpReply} returns undefined and the caller
 * parses the whole reply as before, so every error and every odd form gives what it gave.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import type { AtomicType, ColumnType } from "../../ovsdb/schema/types.js";

/** One table's rows in a reply: the byte range of every cell. */
export interface RawRows {
  /** The reply. */
  readonly bytes: Buffer;
  /** Number of rows. */
  readonly count: number;
  /** Cells per row (the table's columns, in the order the caller gave). */
  readonly columns: number;
  /** Cell `x` of row `y` is `bytes[at[2 * (y * columns + x)], at[2 * (y * columns + x) + 1])`. */
  readonly at: Int32Array;
  /** Per cell (same index as `at` / 2), 1 when its bytes are not the text to print (escapes, reals); undefined when none is. */
  readonly fix: Uint8Array | undefined;
  /** The columns' types, as the scanner read them. */
  readonly shapes: readonly Shape[];
}

/** The columns asked of one table, in the order its cells are wanted. */
export interface RawTableSpec {
  readonly names: readonly string[];
  readonly types: readonly ColumnType[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const STRING = 0;
const UUID = 1;
const INTEGER = 2;
const REAL = 3;
const BOOLEAN = 4;

const KIND: Record<AtomicType, number> = { string: STRING, uuid: UUID, integer: INTEGER, real: REAL, boolean: BOOLEAN };

/** A column's type as the scanner uses it. */
export interface Shape {
  key: number;
  value: number;
  map: boolean;
  /** The value may be a `["set",[...]]`: not exactly one element. */
  set: boolean;
  min: number;
  max: number;
}

const bytesOf = (s: string) => Buffer.from(s, "latin1");
const SET_OPEN = bytesOf('["set",[');
const MAP_OPEN = bytesOf('["map",[');
const UUID_OPEN = bytesOf('["uuid","');
const ROWS_OPEN = bytesOf('{"rows":[');
const TRUE = bytesOf("true");
const FALSE = bytesOf("false");
const NULL = bytesOf("null");
const ID = bytesOf('"id":');
const ERROR = bytesOf('"error":');
const RESULT = bytesOf('"result":');

/** Whether `b` holds `s` at `i`. */
function at(b: Buffer, i: number, s: Buffer): boolean {
  if (i + s.length > b.length) return false;
  for (let k = 0; k < s.length; k++) if (b[i + k] !== s[k]) return false;
  return true;
}

/** Set by the atom readers when the atom's bytes are not its text (an escape, a real). */
let marked = 0;

const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;

/** A string atom from `i`: the index past its closing quote, or -1. */
function stringAtom(b: Buffer, i: number): number {
  const n = b.length;
  if (b[i] !== QUOTE) return -1;
  i++;
  while (i < n) {
    const c = b[i++]!;
    if (c === QUOTE) return i;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      if (i >= n) return -1;
      const e = b[i++]!;
      if (e === 0x75) {
        if (i + 4 > n || !HEX[b[i]!] || !HEX[b[i + 1]!] || !HEX[b[i + 2]!] || !HEX[b[i + 3]!]) return -1;
        i += 4;
      } else if (!ESCAPE[e]) return -1;
      marked = 1;
    }
  }
  return -1;
}

const isLowerHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);

/** A `["uuid","..."]` atom (lowercase) from `i`: the index past it, or -1. */
function uuidAtom(b: Buffer, i: number): number {
  if (!at(b, i, UUID_OPEN)) return -1;
  i += UUID_OPEN.length;
  if (i + 38 > b.length) return -1;
  for (let k = 0; k < 36; k++) {
    const c = b[i + k]!;
    if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== 0x2d : !isLowerHex(c)) return -1;
  }
  i += 36;
  return b[i] === QUOTE && b[i + 1] === CLOSE_BRACKET ? i + 2 : -1;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** An integer of 1 to 15 digits without leading zeros (exact as a double, written back the same) from `i`, or -1. */
function integerAtom(b: Buffer, i: number): number {
  const negative = b[i] === 0x2d;
  if (negative) i++;
  const from = i;
  // "-0" is written "0" again; "01" is not JSON.
  if (b[i] === 0x30) return negative || isDigit(b[i + 1]) ? -1 : i + 1;
  while (isDigit(b[i])) i++;
  return i === from || i - from > 15 ? -1 : i;
}

/** A real (any JSON number, marked: written again from its value) from `i`, or -1. */
function realAtom(b: Buffer, i: number): number {
  if (b[i] === 0x2d) i++;
  const from = i;
  if (b[i] === 0x30) i++;
  else while (isDigit(b[i])) i++;
  if (i === from) return -1;
  // A long digit run may be an integer beyond 2^53, which the reply's parse keeps exact.
  if (i - from > 15) return -1;
  if (b[i] === 0x2e) {
    const f = ++i;
    while (isDigit(b[i])) i++;
    if (i === f) return -1;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    const f = i;
    while (isDigit(b[i])) i++;
    if (i === f) return -1;
  }
  marked = 1;
  return i;
}

function booleanAtom(b: Buffer, i: number): number {
  if (b[i] === 0x74) return at(b, i, TRUE) ? i + 4 : -1;
  return at(b, i, FALSE) ? i + 5 : -1;
}

function atom(b: Buffer, i: number, kind: number): number {
  switch (kind) {
    case STRING:
      return stringAtom(b, i);
    case UUID:
      return uuidAtom(b, i);
    case INTEGER:
      return integerAtom(b, i);
    case REAL:
      return realAtom(b, i);
    default:
      return booleanAtom(b, i);
  }
}

/** A cell of shape `s` from `i`: the index past it, or -1. */
function cell(b: Buffer, i: number, s: Shape): number {
  if (s.map) {
    if (!at(b, i, MAP_OPEN)) return -1;
    i += MAP_OPEN.length;
    let count = 0;
    if (b[i] !== CLOSE_BRACKET) {
      for (;;) {
        if (b[i] !== OPEN_BRACKET) return -1;
        i = atom(b, i + 1, s.key);
        if (i < 0 || b[i] !== COMMA) return -1;
        i = atom(b, i + 1, s.value);
        if (i < 0 || b[i] !== CLOSE_BRACKET) return -1;
        count++;
        i++;
        if (b[i] !== COMMA) break;
        i++;
      }
    }
    if (b[i] !== CLOSE_BRACKET || b[i + 1] !== CLOSE_BRACKET) return -1;
    return count < s.min || count > s.max ? -1 : i + 2;
  }
  // A set of other than one element (one is written as its atom); a uuid atom is `["uuid",...`.
  if (s.set && b[i] === OPEN_BRACKET && b[i + 2] === 0x73) {
    if (!at(b, i, SET_OPEN)) return -1;
    i += SET_OPEN.length;
    let count = 0;
    if (b[i] !== CLOSE_BRACKET) {
      for (;;) {
        i = atom(b, i, s.key);
        if (i < 0) return -1;
        count++;
        if (b[i] !== COMMA) break;
        i++;
      }
    }
    if (b[i] !== CLOSE_BRACKET || b[i + 1] !== CLOSE_BRACKET) return -1;
    return count === 1 || count < s.min || count > s.max ? -1 : i + 2;
  }
  return atom(b, i, s.key);
}

function shapeOf(t: ColumnType): Shape {
  const max = t.max === "unlimited" ? Infinity : t.max;
  return { key: KIND[t.key.type], value: t.value ? KIND[t.value.type] : 0, map: t.value !== undefined, set: t.min === 0 || max > 1, min: t.min, max };
}

/**
 * Reads one table's `{"rows":[...]}` from `i`; returns the index past it (or -1) and pushes the rows.
 * Every row must have each column exactly once, and no other member.
 */
function table(b: Buffer, i: number, spec: RawTableSpec, out: RawRows[]): number {
  if (!at(b, i, ROWS_OPEN)) return -1;
  i += ROWS_OPEN.length;
  const cols = spec.names.length;
  const shapes = spec.types.map(shapeOf);
  const keys = spec.names.map((n) => bytesOf(`${JSON.stringify(n)}:`));
  const index = new Map(spec.names.map((n, x) => [n, x]));
  // The columns in the order the last row had them: rows of one table usually share it.
  const seen: number[] = [];
  let cells = new Int32Array(Math.max(2 * cols * 64, 2));
  let fix: Uint8Array | undefined;
  let count = 0;
  if (b[i] !== CLOSE_BRACKET) {
    for (;;) {
      if (b[i] !== OPEN_BRACE) return -1;
      i++;
      if ((count + 1) * 2 * cols > cells.length) {
        const grown = new Int32Array(cells.length * 2);
        grown.set(cells);
        cells = grown;
      }
      const base = count * 2 * cols;
      for (let x = 0; x < cols; x++) cells[base + 2 * x] = -1;
      let m = 0;
      if (b[i] !== CLOSE_BRACE) {
        for (;; m++) {
          let x = m < seen.length ? seen[m]! : -1;
          if (x >= 0 && at(b, i, keys[x]!)) i += keys[x]!.length;
          else {
            // A member name out of the usual order: read it (no escapes: the columns' names have none).
            if (b[i] !== QUOTE) return -1;
            const q = b.indexOf(QUOTE, i + 1);
            if (q < 0 || b[q + 1] !== COLON) return -1;
            const name = b.toString("utf8", i + 1, q);
            if (name.includes("\\")) return -1;
            x = index.get(name) ?? -1;
            if (x < 0) return -1;
            if (m < seen.length) seen[m] = x;
            else seen.push(x);
            i = q + 2;
          }
          if (cells[base + 2 * x] !== -1) return -1;
          marked = 0;
          const end = cell(b, i, shapes[x]!);
          if (end < 0) return -1;
          cells[base + 2 * x] = i;
          cells[base + 2 * x + 1] = end;
          if (marked !== 0) {
            fix ??= new Uint8Array(cells.length >> 1);
            if (fix.length < cells.length >> 1) {
              const grown = new Uint8Array(cells.length >> 1);
              grown.set(fix);
              fix = grown;
            }
            fix[(base >> 1) + x] = 1;
          }
          i = end;
          if (b[i] !== COMMA) break;
          i++;
        }
        m++;
      }
      if (b[i] !== CLOSE_BRACE || m !== cols) return -1;
      if (m < seen.length) seen.length = m;
      count++;
      i++;
      if (b[i] !== COMMA) break;
      i++;
    }
  }
  if (b[i] !== CLOSE_BRACKET || b[i + 1] !== CLOSE_BRACE) return -1;
  if (fix !== undefined && fix.length < count * cols) {
    const grown = new Uint8Array(count * cols);
    grown.set(fix.subarray(0, grown.length));
    fix = grown;
  }
  out.push({ bytes: b, count, columns: cols, at: cells, fix, shapes });
  return i + 2;
}

/**
 * Reads `dump`'s reply (a whole JSON-RPC response: `id`, `result` and `error` members in any
 * order, `error` null, `result` one `{"rows":[...]}` per table of `tables`); undefined unless it is
 * in the form the module description gives (the caller then parses it as JSON).
 */
export function scanDumpReply(b: Buffer, tables: readonly RawTableSpec[]): RawRows[] | undefined {
  if (!isUtf8(b)) return undefined;
  let i = 0;
  if (b[i++] !== OPEN_BRACE) return undefined;
  let result: RawRows[] | undefined;
  let id = false;
  let error = false;
  for (;;) {
    if (at(b, i, ID)) {
      if (id) return undefined;
      id = true;
      i += ID.length;
      // ovn-ts's ids are numbers.
      const end = integerAtom(b, i);
      if (end < 0) return undefined;
      i = end;
    } else if (at(b, i, ERROR)) {
      if (error || !at(b, i + ERROR.length, NULL)) return undefined;
      error = true;
      i += ERROR.length + NULL.length;
    } else if (at(b, i, RESULT)) {
      if (result) return undefined;
      result = [];
      i += RESULT.length;
      if (b[i++] !== OPEN_BRACKET) return undefined;
      for (let k = 0; k < tables.length; k++) {
        if (k > 0 && b[i++] !== COMMA) return undefined;
        i = table(b, i, tables[k]!, result);
        if (i < 0) return undefined;
      }
      if (b[i++] !== CLOSE_BRACKET) return undefined;
    } else return undefined;
    if (b[i] === CLOSE_BRACE) break;
    if (b[i++] !== COMMA) return undefined;
  }
  return i + 1 === b.length && id && error && result ? result : undefined;
}

/** Where {@link decodeAtom} stopped. */
let next = 0;

const EMPTY_SET: unknown = Object.freeze(["set", Object.freeze([])]);
const EMPTY_MAP: unknown = Object.freeze(["map", Object.freeze([])]);

/** The value of the atom at `i` (of a cell the scanner accepted and did not mark); sets {@link next}. */
function decodeAtom(b: Buffer, i: number, kind: number): unknown {
  switch (kind) {
    case STRING: {
      const e = b.indexOf(QUOTE, i + 1);
      next = e + 1;
      return b.toString("utf8", i + 1, e);
    }
    case UUID:
      next = i + UUID_OPEN.length + 38;
      return ["uuid", b.toString("latin1", i + UUID_OPEN.length, i + UUID_OPEN.length + 36)];
    case INTEGER: {
      let e = i + 1;
      while (isDigit(b[e])) e++;
      next = e;
      return Number(b.toString("latin1", i, e));
    }
    default:
      next = b[i] === 0x74 ? i + 4 : i + 5;
      return b[i] === 0x74;
  }
}

/**
 * The value of a cell: what `JSON.parse` of its bytes gives (empty sets and maps are shared frozen
 * values), made from the bytes by the column's type.
 */
export function cellValue(r: RawRows, y: number, x: number): unknown {
  const k = y * r.columns + x;
  const s = r.at[2 * k]!;
  const e = r.at[2 * k + 1]!;
  const b = r.bytes;
  if (r.fix !== undefined && r.fix[k] === 1) return JSON.parse(b.toString("utf8", s, e));
  const shape = r.shapes[x]!;
  if (shape.map) {
    if (e - s === MAP_OPEN.length + 2) return EMPTY_MAP;
    const pairs: unknown[] = [];
    let i = s + MAP_OPEN.length;
    while (i < e - 2) {
      const key = decodeAtom(b, i + 1, shape.key);
      const value = decodeAtom(b, next + 1, shape.value);
      pairs.push([key, value]);
      i = next + 2; // past "]," or "]]"
    }
    return ["map", pairs];
  }
  if (shape.set && b[s] === OPEN_BRACKET && b[s + 2] === 0x73) {
    if (e - s === SET_OPEN.length + 2) return EMPTY_SET;
    const elements: unknown[] = [];
    let i = s + SET_OPEN.length;
    while (i < e - 2) {
      elements.push(decodeAtom(b, i, shape.key));
      i = next + 1; // past "," or "]"
    }
    return ["set", elements];
  }
  return decodeAtom(b, s, shape.key);
}
