/**
 * Applying what a monitor sends to the replica's tables: `update2`/`update3` notifications
 * (ovsdb-server(1)), `update` (RFC 7047 §4.1.6), a monitor reply's full contents, and the
 * difference between those contents and what the replica holds (after a reconnect that could not
 * resume). Each function changes the {@link TableStore}s and appends what changed, as
 * {@link RowChange}s, to the list it is given, so a caller still knows what was applied when one
 * row turns out to be malformed and the function throws.
 *
 * @module
 */
import type { MonitorStart } from "../client/client.js";
import type { CompiledWhere } from "../schema/condition.js";
import type { Datum, Row } from "../schema/datum.js";
import { ProtocolError } from "../wire/errors.js";
import type { TableUpdates, TableUpdates2 } from "../wire/operations.js";
import type { RowChange } from "./row-change.js";
import { type TableStore, rowsEqual } from "./table-store.js";

/** The replicated tables, by name. */
export type Tables = ReadonlyMap<string, TableStore>;

/** Applies `update2`/`update3` table updates (`initial`, `insert`, `modify` diffs, `delete`). */
export function applyUpdates2(tables: Tables, updates: TableUpdates2, changes: RowChange[]): void {
  for (const table in updates) {
    const t = tables.get(table);
    if (!t) continue;
    const rows = updates[table]!;
    for (const uuid in rows) {
      const u = rows[uuid]!;
      if ("delete" in u) {
        const old = t.drop(uuid);
        if (old) changes.push({ kind: "delete", table, uuid, old });
      } else if ("modify" in u) {
        const old = t.rows.get(uuid);
        if (!old) throw new ProtocolError(`${table} ${uuid}: "modify" for a row the replica does not have`);
        const row = t.merge(old, u.modify);
        t.put(uuid, row, old);
        changes.push({ kind: "update", table, uuid, old, new: row });
      } else {
        const json = "insert" in u ? u.insert : u.initial;
        const old = t.rows.get(uuid);
        const row = t.decode(uuid, json);
        t.put(uuid, row, old);
        changes.push(old ? { kind: "update", table, uuid, old, new: row } : { kind: "insert", table, uuid, new: row });
      }
    }
  }
}

/** A row its writer inserted, in native values (the values of each column as a {@link Datum}), for {@link Replica.applyOwn}. */
export interface NativeInsert {
  readonly table: string;
  readonly uuid: string;
  readonly values: { readonly [column: string]: Datum };
  readonly version: string | undefined;
}

/** Stores rows a writer inserted itself, from their native values (tables not replicated are skipped). */
export function applyNativeInserts(tables: Tables, inserts: readonly NativeInsert[], changes: RowChange[]): void {
  let t: TableStore | undefined;
  let last: string | undefined;
  for (let i = 0; i < inserts.length; i++) {
    const x = inserts[i]!;
    if (x.table !== last) ((last = x.table), (t = tables.get(x.table)));
    if (!t) continue;
    const old = t.rows.get(x.uuid);
    const row = t.fromNative(x.uuid, x.values, x.version);
    t.put(x.uuid, row, old);
    changes.push(old ? { kind: "update", table: x.table, uuid: x.uuid, old, new: row } : { kind: "insert", table: x.table, uuid: x.uuid, new: row });
  }
}

/**
 * Applies `update` (v1) table updates. `filter(table)` is the table's condition when the server
 * only speaks `monitor` (no `where`), applied here instead: a row that stops matching is deleted.
 */
export function applyUpdates1(tables: Tables, updates: TableUpdates, filter: (table: string) => CompiledWhere | undefined, changes: RowChange[]): void {
  for (const [table, rows] of Object.entries(updates)) {
    const t = tables.get(table);
    if (!t) continue;
    const f = filter(table);
    for (const [uuid, u] of Object.entries(rows)) {
      const old = t.rows.get(uuid);
      if (!u.new) {
        if (t.drop(uuid) && old) changes.push({ kind: "delete", table, uuid, old });
        continue;
      }
      const row = old ? t.replace(old, u.new) : t.decode(uuid, u.new);
      if (f && !f.test(row)) {
        if (old && t.drop(uuid)) changes.push({ kind: "delete", table, uuid, old });
        continue;
      }
      t.put(uuid, row, old);
      changes.push(old ? { kind: "update", table, uuid, old, new: row } : { kind: "insert", table, uuid, new: row });
    }
  }
}

/**
 * Reads a monitor reply's full contents into fresh row maps, one per replicated table (nothing
 * stored yet). The parsed reply is emptied as it is decoded, so it can be collected early.
 */
export function readSnapshot(tables: Tables, start: MonitorStart, filter: (table: string) => CompiledWhere | undefined): Map<string, Map<string, Row>> {
  const snap = new Map<string, Map<string, Row>>();
  for (const [table, t] of tables) {
    const rows = new Map<string, Row>();
    const v1 = start.method === "monitor";
    const f = v1 ? filter(table) : undefined;
    const tu = (start.updates as Record<string, Record<string, Record<string, unknown>>>)[table] ?? {};
    for (const uuid in tu) {
      const u = tu[uuid]!;
      const json = v1 ? u["new"] : (u["initial"] ?? u["insert"]);
      delete tu[uuid];
      if (json === undefined) continue;
      const row = t.decode(uuid, json);
      if (f && !f.test(row)) continue;
      rows.set(uuid, row);
    }
    snap.set(table, rows);
  }
  return snap;
}

/**
 * Loads a monitor reply's full contents (its first load, or a reload after a reconnect that could
 * not resume): a table that holds no row yet takes the rows as they are decoded, straight into
 * its store (no snapshot in between, no comparison: each is an insert); any other table is
 * replaced through {@link readSnapshot} and {@link replaceContents} (only the differences). As
 * {@link readSnapshot}, it empties the parsed reply as it goes. When a row is malformed it throws
 * with the tables and `changes` as they were.
 */
export function loadContents(tables: Tables, start: MonitorStart, filter: (table: string) => CompiledWhere | undefined, changes: RowChange[]): void {
  const v1 = start.method === "monitor";
  const updates = start.updates as Record<string, Record<string, Record<string, unknown>>>;
  const mark = changes.length;
  const filled: TableStore[] = [];
  let others: Map<string, TableStore> | undefined;
  try {
    for (const [table, t] of tables) {
      if (t.rows.size !== 0) {
        (others ??= new Map()).set(table, t);
        continue;
      }
      filled.push(t);
      const tu = updates[table];
      if (tu === undefined) continue;
      const f = v1 ? filter(table) : undefined;
      for (const uuid in tu) {
        const u = tu[uuid]!;
        const json = v1 ? u["new"] : (u["initial"] ?? u["insert"]);
        if (json === undefined) continue;
        const row = t.decode(uuid, json);
        if (f && !f.test(row)) continue;
        t.put(uuid, row, undefined);
        changes.push({ kind: "insert", table, uuid, new: row });
      }
      // the table's parsed rows can be collected now
      delete updates[table];
    }
    if (others) replaceContents(others, readSnapshot(others, start, filter), changes);
  } catch (e) {
    for (const t of filled) for (const uuid of [...t.rows.keys()]) t.drop(uuid);
    changes.length = mark;
    throw e;
  }
}

/** Makes the tables hold exactly `snap`, appending only the differences (no change for an equal row). */
export function replaceContents(tables: Tables, snap: ReadonlyMap<string, ReadonlyMap<string, Row>>, changes: RowChange[]): void {
  for (const [table, rows] of snap) {
    const t = tables.get(table)!;
    for (const [uuid, old] of [...t.rows]) {
      if (!rows.has(uuid)) {
        t.drop(uuid);
        changes.push({ kind: "delete", table, uuid, old });
      }
    }
    for (const [uuid, row] of rows) {
      const old = t.rows.get(uuid);
      if (old && rowsEqual(old, row)) continue;
      t.put(uuid, row, old);
      changes.push(old ? { kind: "update", table, uuid, old, new: row } : { kind: "insert", table, uuid, new: row });
    }
  }
}
