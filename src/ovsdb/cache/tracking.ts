/**
 * Change tracking over a {@link Replica}, as OVS's C IDL gives it (`ovsdb_idl_track_add_all`,
 * `*_FOR_EACH_TRACKED`, `*_is_updated`, `ovsdb_idl_track_clear`): since the last clear, which
 * rows of each table were inserted, modified or deleted, and which of their columns changed.
 *
 * Rules (those of `lib/ovsdb-idl.c`, v3.1):
 * - a row is tracked when a column's value changes; its updated columns are those whose value
 *   changed (for an insert: those that differ from the column's default), so a row inserted with
 *   every column at its default is not tracked;
 * - a deleted row is tracked as deleted with its last contents; if it was inserted since the last
 *   clear it is `inserted` and `deleted` both, unless other rows still referred to it (the IDL then
 *   keeps it as an orphan and reports only the deletion);
 * - when a row is inserted, modified or deleted, the rows that refer to it (any `refTable` column,
 *   strong or weak) are tracked as modified too, recursively, with no updated column of their own
 *   (what they print changes: a reference appears or disappears).
 *
 * References are followed through a reverse index kept up to date from every change, so the cost
 * of a change is the number of references of the rows it touches.
 *
 * @module
 */
import type { Datum, Row } from "../schema/datum.js";
import { datumEquals, defaultDatum } from "../schema/datum.js";
import type { DatabaseSchema } from "../schema/schema.js";
import type { ColumnType } from "../schema/types.js";
import type { ChangeBatch, Replica } from "./replica.js";
import type { RowChange } from "./row-change.js";

/** One tracked row: what happened to it since the last {@link ChangeTracker.clear}. */
export interface TrackedRow {
  /** Its table. */
  readonly table: string;
  /** Its UUID. */
  readonly uuid: string;
  /** Inserted since the last clear (C IDL: `*_row_get_seqno(row, OVSDB_IDL_CHANGE_INSERT) > 0`). */
  readonly inserted: boolean;
  /** Deleted since the last clear. */
  readonly deleted: boolean;
  /** Columns whose value changed (C IDL: `*_is_updated`), in schema order. */
  readonly updated: readonly string[];
  /** Its contents now, or its last contents when deleted. */
  readonly row: Row;
}

interface Entry {
  inserted: boolean;
  deleted: boolean;
  updated: Set<string>;
  row: Row;
}

/** Options of a {@link ChangeTracker}. */
export interface ChangeTrackerOptions {
  /**
   * Tables to track (C IDL: `ovsdb_idl_track_add_column`/`_all`); references are followed
   * through every replicated table either way.
   * @default every replicated table
   */
  readonly tables?: readonly string[];
  /**
   * Count the replica's current contents as inserted, as an IDL that tracks from its first
   * connection reports its initial rows.
   * @default false
   */
  readonly includeCurrent?: boolean;
}

/** Follows a replica's batches and keeps what changed since the last clear, per table. */
export class ChangeTracker {
  private readonly tracked = new Map<string, Map<string, Entry>>();
  /** Target UUID → rows referring to it (`table\0uuid` of the source row). */
  private readonly referrers = new Map<string, Set<string>>();
  /** Per table: its reference columns. */
  private readonly refColumns = new Map<string, { name: string; type: ColumnType }[]>();
  private readonly columnOrder = new Map<string, string[]>();
  private readonly onBatch = (b: ChangeBatch): void => this.apply(b.changes);

  constructor(
    private readonly replica: Replica,
    options: ChangeTrackerOptions = {},
  ) {
    const schema: DatabaseSchema = replica.schema;
    for (const [name, ts] of schema.tables) {
      const refs: { name: string; type: ColumnType }[] = [];
      for (const [c, col] of ts.columns) if (col.type.key.refTable || col.type.value?.refTable) refs.push({ name: c, type: col.type });
      this.refColumns.set(name, refs);
      this.columnOrder.set(name, [...ts.columns.keys()].sort());
    }
    const tables = options.tables ?? [...schema.tables.keys()];
    for (const t of tables) this.tracked.set(t, new Map());
    // Index the references of the rows already there.
    const current: RowChange[] = [];
    for (const t of schema.tables.keys()) {
      let rows: Iterable<Row>;
      try {
        rows = replica.rows(t) as Iterable<Row>;
      } catch {
        continue; // not replicated
      }
      for (const r of rows) current.push({ kind: "insert", table: t, uuid: r["_uuid"] as string, new: r });
    }
    if (options.includeCurrent) this.apply(current);
    else for (const c of current) this.index(c.table, c.uuid, undefined, c.new);
    replica.on("batch", this.onBatch);
  }

  /** The tracked rows of `table` (every tracked table when omitted), in the order they were first tracked. */
  rows(table?: string): TrackedRow[] {
    const out: TrackedRow[] = [];
    for (const [t, m] of this.tracked) {
      if (table !== undefined && t !== table) continue;
      const order = this.columnOrder.get(t)!;
      for (const [uuid, e] of m) out.push({ table: t, uuid, inserted: e.inserted, deleted: e.deleted, updated: order.filter((c) => e.updated.has(c)), row: e.row });
    }
    return out;
  }

  /** The tracked state of one row, or undefined when it is not tracked. */
  get(table: string, uuid: string): TrackedRow | undefined {
    const e = this.tracked.get(table)?.get(uuid);
    if (!e) return undefined;
    return { table, uuid, inserted: e.inserted, deleted: e.deleted, updated: this.columnOrder.get(table)!.filter((c) => e.updated.has(c)), row: e.row };
  }

  /** Forgets every tracked change (C IDL: `ovsdb_idl_track_clear`). */
  clear(): void {
    for (const m of this.tracked.values()) m.clear();
  }

  /** Stops following the replica. */
  close(): void {
    this.replica.off("batch", this.onBatch);
  }

  private apply(changes: readonly RowChange[]): void {
    for (const c of changes) {
      if (c.kind === "delete") {
        const referenced = (this.referrers.get(c.uuid)?.size ?? 0) > 0;
        const e = this.entry(c.table, c.uuid, c.old);
        if (e) {
          if (referenced) e.inserted = false; // kept as an orphan: only the deletion is reported
          e.deleted = true;
          e.row = c.old;
        }
        this.index(c.table, c.uuid, c.old, undefined);
        this.touchReferrers(c.uuid);
        continue;
      }
      const before = c.kind === "update" ? c.old : undefined;
      const changed: string[] = [];
      for (const col of this.columnOrder.get(c.table) ?? []) {
        const was: Datum = before ? before[col] : defaultOf(this.replica.schema, c.table, col);
        if (col in c.new && !datumEquals(was, c.new[col])) changed.push(col);
      }
      this.index(c.table, c.uuid, before, c.new);
      if (changed.length === 0) continue;
      const e = this.entry(c.table, c.uuid, c.new);
      if (e) {
        if (c.kind === "insert") {
          e.inserted = true;
          e.deleted = false;
        }
        e.row = c.new;
        for (const col of changed) e.updated.add(col);
      }
      this.touchReferrers(c.uuid);
    }
  }

  /** The entry of a tracked table's row, created on first change; undefined for untracked tables. */
  private entry(table: string, uuid: string, row: Row): Entry | undefined {
    const m = this.tracked.get(table);
    if (!m) return undefined;
    let e = m.get(uuid);
    if (!e) m.set(uuid, (e = { inserted: false, deleted: false, updated: new Set(), row }));
    return e;
  }

  /** Tracks the rows referring to `uuid` as modified, recursively (C IDL: `add_tracked_change_for_references`). */
  private touchReferrers(uuid: string, seen = new Set<string>()): void {
    for (const key of this.referrers.get(uuid) ?? []) {
      if (seen.has(key)) continue;
      seen.add(key);
      const [table, src] = key.split("\0") as [string, string];
      const m = this.tracked.get(table);
      if (!m || m.has(src)) continue;
      const row = this.currentRow(table, src);
      if (!row) continue;
      m.set(src, { inserted: false, deleted: false, updated: new Set(), row });
      this.touchReferrers(src, seen);
    }
  }

  private currentRow(table: string, uuid: string): Row | undefined {
    try {
      return this.replica.get(table, uuid) as Row | undefined;
    } catch {
      return undefined;
    }
  }

  /** Moves the reverse-index entries of a row from its old references to its new ones. */
  private index(table: string, uuid: string, old: Row | undefined, now: Row | undefined): void {
    const refs = this.refColumns.get(table);
    if (!refs || refs.length === 0) return;
    const key = `${table}\0${uuid}`;
    if (old) for (const target of targets(refs, old)) this.referrers.get(target)?.delete(key);
    if (now) {
      for (const target of targets(refs, now)) {
        let s = this.referrers.get(target);
        if (!s) this.referrers.set(target, (s = new Set()));
        s.add(key);
      }
    }
  }
}

const defaults = new WeakMap<ColumnType, Datum>();

function defaultOf(schema: DatabaseSchema, table: string, column: string): Datum {
  const type = schema.tables.get(table)!.columns.get(column)!.type;
  let d = defaults.get(type);
  if (d === undefined && !defaults.has(type)) {
    d = defaultDatum(type);
    defaults.set(type, d);
  }
  return d;
}

/** The UUIDs a row refers to through its reference columns. */
function* targets(refs: readonly { name: string; type: ColumnType }[], row: Row): Generator<string> {
  for (const { name, type } of refs) {
    const d = row[name];
    if (d === undefined) continue;
    if (d instanceof Map) {
      for (const [k, v] of d) {
        if (type.key.refTable && typeof k === "string") yield k;
        if (type.value?.refTable && typeof v === "string") yield v;
      }
    } else if (Array.isArray(d)) {
      for (const x of d) if (typeof x === "string") yield x;
    } else if (typeof d === "string") yield d;
  }
}
