/**
 * Reading rows for the exporter: one `select` per table over an `OvsdbClient`, and small decoders
 * of the OVSDB JSON notation (RFC 7047 §5.1) for the column kinds the exporter reads.
 *
 * @module
 */
import type { OvsdbClient } from "../ovsdb/client/client.js";
import type { JsonRow } from "../ovsdb/wire/notation.js";

/** Raised when a `select` fails or the reply is not a row list; names the database and table. */
export class SelectError extends Error {
  override readonly name = "SelectError";
  /** Database name. */
  readonly database: string;
  /** Table name. */
  readonly table: string;
  constructor(database: string, table: string, reason: string) {
    super(`select ${database}.${table}: ${reason}`);
    this.database = database;
    this.table = table;
  }
}

/**
 * Selects `columns` of every row of each table, in one transaction (a consistent snapshot);
 * resolves with the rows per table, in order.
 */
export async function selectTables(client: OvsdbClient, database: string, tables: readonly { table: string; columns: readonly string[] }[], timeoutMs: number): Promise<JsonRow[][]> {
  const ops = tables.map((t) => ({ op: "select", table: t.table, where: [], columns: [...t.columns] }));
  const results = await client.transactRaw(database, ops, { timeoutMs });
  return tables.map((t, i) => {
    const r = results[i] as { rows?: unknown; error?: unknown } | undefined;
    if (!r || !Array.isArray(r.rows)) throw new SelectError(database, t.table, r?.error ? String(r.error) : "no rows in reply");
    return r.rows as JsonRow[];
  });
}

/** A uuid column's value (`["uuid", U]`), or "" when the column is not a uuid (an empty optional reference). */
export function uuidOf(v: unknown): string {
  return Array.isArray(v) && v[0] === "uuid" && typeof v[1] === "string" ? v[1] : "";
}

/** The atoms of a column that may be a set (`["set", [...]]`) or a single atom. */
export function setOf(v: unknown): unknown[] {
  if (Array.isArray(v) && v[0] === "set" && Array.isArray(v[1])) return v[1] as unknown[];
  return v === undefined ? [] : [v];
}

/** A map column (`["map", [[k, v], ...]]`) as a `Map` of strings/numbers. */
export function mapOf(v: unknown): Map<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  if (Array.isArray(v) && v[0] === "map" && Array.isArray(v[1])) {
    for (const pair of v[1] as unknown[]) {
      if (Array.isArray(pair) && typeof pair[0] === "string") {
        const val = pair[1];
        out.set(pair[0], typeof val === "string" || typeof val === "number" || typeof val === "boolean" ? val : uuidOf(val));
      }
    }
  }
  return out;
}

/** An optional scalar column (a set of 0 or 1 atom, or the atom): the atom or undefined. */
export function optionalOf(v: unknown): unknown {
  const s = setOf(v);
  return s.length === 0 ? undefined : s[0];
}
