/**
 * Indexes over a replica table: the schema's unique indexes (RFC 7047 §3.2 `indexes`) and
 * client-defined ones (by columns, by one key of a map column such as `external_ids:pod`, or by
 * a function). Index entries point at the stored row objects: a lookup never copies a row.
 *
 * @module
 */
import type { Datum, Row } from "../schema/datum.js";
import type { Atom } from "../schema/types.js";

/** How a client-defined index computes a row's key(s). */
export type IndexSpec =
  /** The combined value of these columns (like a schema index, but not unique). */
  | { readonly columns: readonly string[] }
  /** The value stored under `key` in map column `column` (e.g. `external_ids` / `pod`); rows without it are not indexed. */
  | { readonly mapKey: readonly [column: string, key: string] }
  /** Any key derived from the row; return `undefined` to leave the row out, an array to index it under several keys. */
  | {
      /** Computes the row's key, several keys, or `undefined` to leave the row out. */
      readonly key: (row: Row) => Atom | readonly Atom[] | undefined;
      /**
       * The columns `key` reads, when it reads nothing else: an update that leaves them as they
       * were then keeps the row under the same keys without computing the old row's.
       */
      readonly reads?: readonly string[];
    };

/** The columns an index's keys are computed from, when known. */
export function indexColumns(spec: IndexSpec): readonly string[] | undefined {
  if ("columns" in spec) return spec.columns;
  if ("mapKey" in spec) return [spec.mapKey[0]];
  return spec.reads;
}

/** Whether `old` and `row` hold the very same values (the same objects: an update copies what it leaves) in `columns`. */
function same(old: Row, row: Row, columns: readonly string[]): boolean {
  for (let i = 0; i < columns.length; i++) if (old[columns[i]!] !== row[columns[i]!]) return false;
  return true;
}

/** Canonical text of a value, used as an index key (equal values give equal keys). */
export function datumKey(v: Datum): string {
  // Different values give different keys too. A string (or a set of one string), the usual key
  // of a name, UUID or `external_ids` value, is its own key: a lookup then builds no string and
  // hashes none anew (the string keeps its hash). Every other value's key starts with `\u0001`,
  // as does the key of a string that itself starts with `\u0001`, so none is taken for another.
  if (typeof v === "string") return v.charCodeAt(0) === 1 ? `\u0001${typedKey(v)}` : v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return datumKey(v[0]);
  return `\u0001${typedKey(v)}`;
}

/** The typed text of a value (`string:x`, `number:1`, sorted sets and maps): unambiguous, also inside a list of columns' keys. */
function typedKey(v: Datum): string {
  if (v === undefined) return "∅";
  if (v instanceof Map) {
    const pairs = [...v.entries()].map(([k, x]) => `${typeof k}:${String(k)}=${typeof x}:${String(x)}`).sort();
    return `{${pairs.join(",")}}`;
  }
  if (Array.isArray(v)) {
    const atoms = v.map((a) => `${typeof a}:${String(a)}`).sort();
    return atoms.length === 1 ? atoms[0]! : `[${atoms.join(",")}]`;
  }
  return `${typeof v}:${String(v)}`;
}

/** Key of a row for a list of columns. */
export function columnsKey(row: Row, columns: readonly string[]): string {
  if (columns.length === 1) return datumKey(row[columns[0]!]);
  // several columns: their typed keys joined (a string's own text could hold the separator)
  return columns.map((c) => typedKey(row[c])).join("\u0000");
}

/** Key of a lookup value list for a list of columns (the same encoding as {@link columnsKey}). */
export function valuesKey(values: readonly Datum[]): string {
  if (values.length === 1) return datumKey(values[0]);
  return values.map((v) => typedKey(v)).join("\u0000");
}

/** A non-unique index: key → set of rows. */
export class MultiIndex {
  private readonly map = new Map<string, Set<Row>>();
  /**
   * @param keysOf - the row's keys
   * @param keyOf - for an index with at most one key per row (by columns, by a map key), that key
   *   or undefined for none: the same keys as `keysOf`, without an array per row
   */
  constructor(
    readonly name: string,
    private readonly keysOf: (row: Row) => readonly string[],
    private readonly keyOf?: (row: Row) => string | undefined,
    /** The columns the keys are computed from, when known (see {@link indexColumns}). */
    private readonly reads?: readonly string[],
  ) {}

  /** Adds a row under its keys. */
  add(row: Row): void {
    if (this.keyOf) {
      const k = this.keyOf(row);
      if (k !== undefined) this.addUnder(k, row);
      return;
    }
    for (const k of this.keysOf(row)) this.addUnder(k, row);
  }

  private addUnder(k: string, row: Row): void {
    let s = this.map.get(k);
    if (!s) this.map.set(k, (s = new Set()));
    s.add(row);
  }

  /** Replaces `old` by `row` (the same row, updated): moved only under the keys that changed. */
  replace(old: Row, row: Row): void {
    if (this.reads && same(old, row, this.reads)) {
      // The same keys as before: the row moves to its new object under each.
      if (this.keyOf) {
        const k = this.keyOf(row);
        if (k !== undefined) this.swap(k, old, row);
        return;
      }
      for (const k of this.keysOf(row)) this.swap(k, old, row);
      return;
    }
    if (this.keyOf) {
      const was = this.keyOf(old);
      const now = this.keyOf(row);
      if (was !== now) {
        if (was !== undefined) this.removeUnder(was, old);
        if (now !== undefined) this.addUnder(now, row);
        return;
      }
      if (now === undefined) return;
      const s = this.map.get(now);
      if (s) s.delete(old);
      this.addUnder(now, row);
      return;
    }
    const was = this.keysOf(old);
    const now = this.keysOf(row);
    if (was.length !== now.length || was.some((k, i) => k !== now[i])) {
      this.remove(old);
      this.add(row);
      return;
    }
    for (const k of now) {
      const s = this.map.get(k);
      if (s) s.delete(old);
      else this.map.set(k, new Set());
      this.map.get(k)!.add(row);
    }
  }

  private swap(k: string, old: Row, row: Row): void {
    const s = this.map.get(k);
    if (s) s.delete(old);
    this.addUnder(k, row);
  }

  /** Removes a row from its keys. */
  remove(row: Row): void {
    if (this.keyOf) {
      const k = this.keyOf(row);
      if (k !== undefined) this.removeUnder(k, row);
      return;
    }
    for (const k of this.keysOf(row)) this.removeUnder(k, row);
  }

  private removeUnder(k: string, row: Row): void {
    const s = this.map.get(k);
    if (!s) return;
    s.delete(row);
    if (s.size === 0) this.map.delete(k);
  }

  /** Rows under an encoded key (live view; do not modify). */
  get(key: string): ReadonlySet<Row> | undefined {
    return this.map.get(key);
  }

  /** Number of distinct keys. */
  get keys(): number {
    return this.map.size;
  }

  /** Empties the index. */
  clear(): void {
    this.map.clear();
  }
}

/** The single-key function of a client-defined index that gives a row at most one key (by columns, by a map key), or undefined (by a function). */
export function indexKey(spec: IndexSpec): ((row: Row) => string | undefined) | undefined {
  if ("columns" in spec) {
    const cols = spec.columns;
    return (row) => columnsKey(row, cols);
  }
  if ("mapKey" in spec) {
    const [column, key] = spec.mapKey;
    return (row) => {
      const m = row[column];
      if (!(m instanceof Map)) return undefined;
      const v = m.get(key) as Atom | undefined;
      return v === undefined && !m.has(key) ? undefined : datumKey(v);
    };
  }
  return undefined;
}

/** The keys of a row an index leaves out: one shared empty list (key lists are only read). */
const NO_KEYS: readonly string[] = Object.freeze([]);

/** Builds the key function of a client-defined index. */
export function indexKeys(spec: IndexSpec): (row: Row) => readonly string[] {
  if ("columns" in spec) {
    const cols = spec.columns;
    return (row) => [columnsKey(row, cols)];
  }
  if ("mapKey" in spec) {
    const [column, key] = spec.mapKey;
    return (row) => {
      const m = row[column];
      if (!(m instanceof Map)) return NO_KEYS;
      const v = m.get(key) as Atom | undefined;
      if (v === undefined) return NO_KEYS;
      return [datumKey(v)];
    };
  }
  const fn = spec.key;
  return (row) => {
    const k = fn(row);
    if (k === undefined) return NO_KEYS;
    if (Array.isArray(k)) return k.map((a) => datumKey(a as Atom));
    return [datumKey(k as Atom)];
  };
}
