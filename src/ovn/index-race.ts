/**
 * Races lost on a server's unique index (RFC 7047 §3.1 `indexes`): a creation whose key column
 * the schema indexes needs no absence `wait` (which ovsdb-server answers by scanning the table),
 * because the server itself refuses a second row with the same value, with a
 * `constraint violation` whose details name the table, the column and the value. This module
 * reads those details back as data; the NB transaction and the controller layer both map such an
 * error to their "concurrent change" errors with it.
 *
 * @module
 */
import type { Atom } from "../ovsdb/schema/types.js";
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";
import { ConstraintViolation } from "../ovsdb/wire/errors.js";

/**
 * A key a transaction inserts without an absence `wait`, because the server's schema has a unique
 * index on exactly that column: a concurrent create of the same key fails the commit with a
 * `constraint violation` instead (see {@link lostIndexRace}).
 */
export interface IndexedKey {
  /** The table. */
  readonly table: string;
  /** The indexed column, e.g. `name`. */
  readonly column: string;
  /** The value the transaction inserts. */
  readonly value: Atom;
}

/** One of the two rows of a {@link DuplicateIndex}, as the server described it. */
export interface DuplicateIndexRow {
  /** The row's UUID. */
  readonly uuid: string;
  /**
   * How the row came to hold the value: `inserted` by the failed transaction, `existed` before it
   * (unmodified), or `modified` by it (the server's text in {@link DuplicateIndexRow.text}).
   */
  readonly how: "inserted" | "existed" | "modified";
  /** The server's own words for it (e.g. `was inserted by this transaction`). */
  readonly text: string;
}

/** A duplicate on a single-column unique index, read from a `constraint violation`'s details. */
export interface DuplicateIndex {
  /** The table. */
  readonly table: string;
  /** The indexed column. */
  readonly column: string;
  /** The value as the server printed it (a string is printed bare, other atoms as JSON). */
  readonly value: string;
  /** The two rows holding it. */
  readonly rows: readonly [DuplicateIndexRow, DuplicateIndexRow];
}

/**
 * The ovsdb-server text of a duplicate unique-index `constraint violation` on one column (the
 * embedded server words it the same): table, value, column, then how each of the two rows got it.
 */
const DUPLICATE_INDEX = /^Transaction causes multiple rows in "([^"]+)" table to have identical values \((.*)\) for index on column "([^"]+)"\.  First row, with UUID ([-0-9a-f]+), (.*?)\.  Second row, with UUID ([-0-9a-f]+), (.*?)\.$/s;

function how(text: string): DuplicateIndexRow["how"] {
  if (text === "was inserted by this transaction") return "inserted";
  return text.startsWith("existed in the database before this transaction") && text.includes("not modified") ? "existed" : "modified";
}

/** The duplicate `e` reports, when `e` is a single-column unique-index `constraint violation`; else undefined. */
export function duplicateIndexOf(e: unknown): DuplicateIndex | undefined {
  if (!(e instanceof ConstraintViolation) || e.details === undefined) return undefined;
  const m = DUPLICATE_INDEX.exec(e.details);
  if (!m) return undefined;
  const [, table, value, column, u1, t1, u2, t2] = m as unknown as [string, string, string, string, string, string, string, string];
  return { table, column, value, rows: [{ uuid: u1, how: how(t1), text: t1 }, { uuid: u2, how: how(t2), text: t2 }] };
}

/**
 * The key of `keys` that `e` reports lost a race: a duplicate on its table's index on its column,
 * with its value, between a row the transaction inserted and one that already existed (so another
 * writer created it after the transaction's reads). Undefined for any other error.
 */
export function lostIndexRace(e: unknown, keys: readonly IndexedKey[]): IndexedKey | undefined {
  if (keys.length === 0) return undefined;
  const d = duplicateIndexOf(e);
  if (!d) return undefined;
  const hows = d.rows.map((r) => r.how);
  if (!hows.includes("inserted") || !d.rows.some((r) => r.text.startsWith("existed in the database before this transaction"))) return undefined;
  return keys.find((k) => k.table === d.table && k.column === d.column && (d.value === String(k.value) || d.value === JSON.stringify(k.value)));
}

/** True when `schema` declares a unique index on exactly `columns` of `table` (in any order). */
export function hasUniqueIndex(schema: DatabaseSchema, table: string, columns: readonly string[]): boolean {
  // Asked once per created object: answered from a memo per schema, table and columns.
  // Keyed by table, then by the column (or the columns joined): no string built for one column.
  let memo = uniqueMemo.get(schema);
  if (!memo) uniqueMemo.set(schema, (memo = new Map()));
  let byColumns = memo.get(table);
  if (!byColumns) memo.set(table, (byColumns = new Map()));
  const key = columns.length === 1 ? columns[0]! : `\u0000${columns.join("\u0000")}`;
  let r = byColumns.get(key);
  if (r === undefined) {
    const t = schema.tables.get(table);
    r = !!t && t.indexes.some((ix) => ix.length === columns.length && columns.every((c) => ix.includes(c)));
    byColumns.set(key, r);
  }
  return r;
}

/** {@link hasUniqueIndex}'s answers, per schema (schemas are immutable once parsed), table and columns. */
const uniqueMemo = new WeakMap<DatabaseSchema, Map<string, Map<string, boolean>>>();
