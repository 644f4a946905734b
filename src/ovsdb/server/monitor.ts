/**
 * Monitors of the embedded server (RFC 7047 §4.1.5–§4.1.7; ovsdb-server(1) "monitor_cond",
 * "monitor_cond_since", "monitor_cond_change"): parsing monitor requests, the initial contents,
 * and the `update`/`update2`/`update3` notifications of each committed transaction (conditions
 * with the shared `compileWhere` in disjunction mode, "modify" diffs with the shared `diffDatum`),
 * plus the bounded transaction history that `monitor_cond_since` resumes from.
 *
 * @module
 */
import { type CompiledWhere, compileWhere } from "../schema/condition.js";
import type { Row } from "../schema/datum.js";
import { diffDatum, diffType } from "../schema/diff.js";
import { type TableSchema, columnOf } from "../schema/schema.js";
import { OvsdbSyntaxError } from "../wire/errors.js";
import type { TableUpdates, TableUpdates2 } from "../wire/operations.js";
import { SERVER_CONDITION_REPORTER, encodeDatum, isDefaultDatum, syntaxError, ovsJsonText } from "./codec.js";
import type { CommittedTxn, Database, DbRow } from "./database.js";
import { type RowChange as RowChangeOf, rowChange } from "../cache/row-change.js";

/** The three monitor flavours: `update` (RFC 7047), `update2` (`monitor_cond`), `update3` (`monitor_cond_since`). */
export type MonitorVersion = 1 | 2 | 3;

interface TableMonitor {
  readonly schema: TableSchema;
  readonly columns: readonly string[];
  readonly select: { initial: boolean; insert: boolean; delete: boolean; modify: boolean };
  where: CompiledWhere;
}

const ALWAYS: CompiledWhere = { clauses: [], alwaysFalse: false, test: () => true };

function compileMonitorWhere(t: TableSchema, where: unknown): CompiledWhere {
  if (where === undefined) return ALWAYS;
  if (!Array.isArray(where)) throw syntaxError(where, "where must be an array");
  // monitor_cond clauses form a disjunction; an empty list matches every row.
  return compileWhere(t, where, { disjunction: true, reporter: SERVER_CONDITION_REPORTER });
}

function rowView(r: DbRow): Row {
  // Conditions may name _uuid and _version.
  return new Proxy(r.data, {
    get: (target, p) => (p === "_uuid" ? r.uuid : p === "_version" ? r.version : target[p as string]),
  });
}

function matches(where: CompiledWhere, r: DbRow | undefined): boolean {
  if (!r) return false;
  if (where === ALWAYS) return true;
  const needsMeta = where.clauses.some((c) => c.column === "_uuid" || c.column === "_version");
  return where.test(needsMeta ? rowView(r) : r.data);
}

/** A monitor of one session on one database. */
export class Monitor {
  /** The id the client chose (any JSON value), as sent back in notifications. */
  id: unknown;
  readonly db: Database;
  readonly version: MonitorVersion;
  private readonly tables = new Map<string, TableMonitor>();
  /**
   * Changes committed but not yet sent, merged per row (`old` = the row as last sent, `new` = the
   * row now), while the client is too far behind to be sent updates: as ovsdb-server does, a
   * backlogged monitor owes at most one entry per row instead of one message per transaction.
   */
  private owedRows: Map<string, { table: string; uuid: string; old: DbRow | undefined; new: DbRow | undefined }> | undefined;
  private owedTxn = "";

  /** Parses `<monitor-requests>`; throws an `OvsdbError` for unknown tables or columns and bad conditions. */
  constructor(db: Database, id: unknown, version: MonitorVersion, requests: unknown) {
    this.db = db;
    this.id = id;
    this.version = version;
    if (requests === null || typeof requests !== "object" || Array.isArray(requests)) throw syntaxError(requests, "monitor-requests must be an object");
    for (const [table, reqs] of Object.entries(requests as Record<string, unknown>)) {
      const t = db.schema.tables.get(table);
      if (!t) throw new OvsdbSyntaxError(`no table named ${table}`);
      const list = Array.isArray(reqs) ? reqs : [reqs];
      const columns: string[] = [];
      const select = { initial: false, insert: false, delete: false, modify: false };
      let where: CompiledWhere = ALWAYS;
      let whereSet = false;
      for (const r of list) {
        if (r === null || typeof r !== "object" || Array.isArray(r)) throw syntaxError(r, "monitor-request must be an object");
        const o = r as Record<string, unknown>;
        const cols = o["columns"];
        if (cols === undefined) {
          // ovsdb-server monitors every column, _version included, when none are named.
          for (const c of [...t.columns.keys(), "_version"]) if (!columns.includes(c)) columns.push(c);
        } else {
          if (!Array.isArray(cols)) throw syntaxError(cols, "columns must be an array");
          for (const c of cols) {
            if (typeof c !== "string" || !columnOf(t, c)) throw syntaxError(cols, `${typeof c === "string" ? c : ovsJsonText(c)} is not a valid column name`);
            if (c === "_uuid") continue;
            if (!columns.includes(c)) columns.push(c);
          }
        }
        const sel = o["select"];
        if (sel === undefined) {
          select.initial = select.insert = select.delete = select.modify = true;
        } else {
          if (sel === null || typeof sel !== "object") throw new OvsdbSyntaxError(`Parsing table ${table} select failed: Object expected.`);
          const s = sel as Record<string, unknown>;
          for (const k of ["initial", "insert", "delete", "modify"] as const) {
            const v = s[k];
            if (v !== undefined && typeof v !== "boolean") throw new OvsdbSyntaxError(`Parsing table ${table} select failed: Type mismatch for member '${k}'.`);
            if (v !== false) select[k] = true;
          }
        }
        if (version >= 2 && o["where"] !== undefined && !whereSet) {
          where = compileMonitorWhere(t, o["where"]);
          whereSet = true;
        }
      }
      this.tables.set(table, { schema: t, columns, select, where });
    }
  }

  /** Replaces the conditions (`monitor_cond_change`); returns the updates that bring the client in line. */
  changeConditions(requests: unknown): TableUpdates2 {
    if (requests === null || typeof requests !== "object" || Array.isArray(requests)) throw syntaxError(requests, "monitor-cond-change-requests must be an object");
    const out: Record<string, Record<string, unknown>> = {};
    for (const [table, reqs] of Object.entries(requests as Record<string, unknown>)) {
      const tm = this.tables.get(table);
      if (!tm) throw new OvsdbSyntaxError(`no table named ${table}`);
      const list = Array.isArray(reqs) ? reqs : [reqs];
      const first = list[0] as Record<string, unknown> | undefined;
      if (!first || typeof first !== "object") continue;
      if (first["columns"] !== undefined) throw syntaxError(first, "changing columns is not supported");
      const next = compileMonitorWhere(tm.schema, first["where"] ?? []);
      const prev = tm.where;
      tm.where = next;
      const rows: Record<string, unknown> = {};
      for (const r of this.db.rows(table).values()) {
        const was = matches(prev, r);
        const is = matches(next, r);
        if (was && !is) rows[r.uuid] = { delete: null };
        else if (!was && is) rows[r.uuid] = { insert: this.fullRow(tm, r, true) };
      }
      if (Object.keys(rows).length > 0) out[table] = rows;
    }
    return out as TableUpdates2;
  }

  private fullRow(tm: TableMonitor, r: DbRow, skipDefaults: boolean): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const c of tm.columns) {
      const type = columnOf(tm.schema, c)!.type;
      const v = c === "_version" ? r.version : r.data[c];
      if (skipDefaults && isDefaultDatum(type, v)) continue;
      row[c] = encodeDatum(type, v);
    }
    return row;
  }

  /** True while changes are owed (see {@link Monitor.owe}). */
  get owes(): boolean {
    return this.owedRows !== undefined;
  }

  /**
   * Records a transaction's changes as owed instead of sending them now (the client is backlogged).
   * Only monitored tables are kept; a row changed many times is one entry.
   */
  owe(changes: readonly RowChangeOf<DbRow>[], txnId: string): void {
    const owed = (this.owedRows ??= new Map());
    this.owedTxn = txnId;
    for (const c of changes) {
      if (!this.tables.has(c.table)) continue;
      const e = owed.get(c.uuid);
      if (e) e.new = c.new;
      else owed.set(c.uuid, { table: c.table, uuid: c.uuid, old: c.old, new: c.new });
    }
  }

  /** The update that pays what is owed (undefined when the changes cancel out), and the last transaction id; clears the debt. */
  takeOwed(): { updates: TableUpdates | TableUpdates2 | undefined; txnId: string } | undefined {
    const owed = this.owedRows;
    if (!owed) return undefined;
    this.owedRows = undefined;
    const changes = [...owed.values()].flatMap((c) => rowChange(c.table, c.uuid, c.old, c.new) ?? []);
    return { updates: this.updates(changes), txnId: this.owedTxn };
  }

  /** The initial contents (`initial` rows of every monitored table whose select has `initial`). */
  initial(): TableUpdates | TableUpdates2 {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [table, tm] of this.tables) {
      if (!tm.select.initial) continue;
      const rows: Record<string, unknown> = {};
      for (const r of this.db.rows(table).values()) {
        if (!matches(tm.where, r)) continue;
        rows[r.uuid] = this.version === 1 ? { new: this.fullRow(tm, r, false) } : { initial: this.fullRow(tm, r, true) };
      }
      if (Object.keys(rows).length > 0) out[table] = rows;
    }
    return out as TableUpdates | TableUpdates2;
  }

  /**
   * The notification contents for a set of row changes (one transaction, or the net effect of
   * several for `monitor_cond_since`), or undefined when nothing monitored changed.
   */
  updates(changes: readonly RowChangeOf<DbRow>[]): TableUpdates | TableUpdates2 | undefined {
    let out: Record<string, Record<string, unknown>> | undefined;
    for (const c of changes) {
      const tm = this.tables.get(c.table);
      if (!tm) continue;
      const u = this.version === 1 ? this.rowUpdate1(tm, c) : this.rowUpdate2(tm, c);
      if (u === undefined) continue;
      out ??= {};
      (out[c.table] ??= {})[c.uuid] = u;
    }
    return out as TableUpdates | TableUpdates2 | undefined;
  }

  private rowUpdate1(tm: TableMonitor, c: RowChangeOf<DbRow>): unknown {
    if (!c.old && c.new) return tm.select.insert ? { new: this.fullRow(tm, c.new, false) } : undefined;
    if (c.old && !c.new) return tm.select.delete ? { old: this.fullRow(tm, c.old, false) } : undefined;
    if (!c.old || !c.new || !tm.select.modify) return undefined;
    const old: Record<string, unknown> = {};
    let changed = false;
    for (const col of tm.columns) {
      const type = columnOf(tm.schema, col)!.type;
      const [a, b] = col === "_version" ? [c.old.version, c.new.version] : [c.old.data[col], c.new.data[col]];
      if (diffDatum(type, a, b) !== undefined) {
        old[col] = encodeDatum(type, a);
        changed = true;
      }
    }
    return changed ? { old, new: this.fullRow(tm, c.new, false) } : undefined;
  }

  private rowUpdate2(tm: TableMonitor, c: RowChangeOf<DbRow>): unknown {
    const was = matches(tm.where, c.old);
    const is = matches(tm.where, c.new);
    if (!was && !is) return undefined;
    if (!was) return tm.select.insert ? { insert: this.fullRow(tm, c.new!, true) } : undefined;
    if (!is) return tm.select.delete ? { delete: null } : undefined;
    if (!tm.select.modify) return undefined;
    const diff: Record<string, unknown> = {};
    let changed = false;
    for (const col of tm.columns) {
      const type = columnOf(tm.schema, col)!.type;
      const [a, b] = col === "_version" ? [c.old!.version, c.new!.version] : [c.old!.data[col], c.new!.data[col]];
      const d = diffDatum(type, a, b);
      if (d === undefined) continue;
      diff[col] = encodeDatum(diffType(type), d);
      changed = true;
    }
    return changed ? { modify: diff } : undefined;
  }
}

/**
 * A bounded history of committed transactions of one database, for `monitor_cond_since`.
 *
 * It keeps transactions only from the first {@link TxnHistory.record} on (the first
 * `monitor_cond_since` on the database, or a history given at start): before that no client can
 * know a transaction id to resume from but the last one, which stays resumable. Until then a
 * committed transaction is not held, so its rows' old values (a big set's previous copy, for
 * one) die young instead of outliving ~100 transactions in the heap.
 */
export class TxnHistory {
  private readonly txns: CommittedTxn[] = [];
  private changeCount = 0;
  private recording = false;
  /** Id of the transaction just before the first one kept, when every one after it is kept. */
  private base: string | undefined;

  /**
   * @param maxTxns most transactions kept (ovsdb-server keeps about 100).
   * @param maxChanges most row changes kept across them, so memory stays bounded.
   */
  constructor(
    readonly maxTxns = 100,
    readonly maxChanges = 100_000,
  ) {}

  /** Keeps the transactions committed from now on (up to the bounds); idempotent. */
  record(): void {
    this.recording = true;
  }

  /** Records a committed transaction (once {@link TxnHistory.record} was called), dropping the oldest beyond the bounds. */
  add(txn: CommittedTxn): void {
    if (this.maxTxns === 0) return;
    if (!this.recording) {
      this.base = txn.id;
      return;
    }
    this.txns.push(txn);
    this.changeCount += txn.changes.length;
    while (this.txns.length > this.maxTxns || (this.changeCount > this.maxChanges && this.txns.length > 1)) {
      this.changeCount -= this.txns.shift()!.changes.length;
      // As ovsdb-server: a resume from before the oldest transaction kept starts over.
      this.base = undefined;
    }
  }

  /** Forgets every transaction (after a schema conversion, a resume must start over). */
  clear(): void {
    this.txns.length = 0;
    this.changeCount = 0;
    this.base = undefined;
  }

  /** Number of transactions kept. */
  get size(): number {
    return this.txns.length;
  }

  /**
   * The net row changes after transaction `txnId` (oldest first merged per row), or undefined when
   * `txnId` is not in the history. `current` is the database's last transaction id.
   */
  since(txnId: string, current: string): RowChangeOf<DbRow>[] | undefined {
    if (txnId === "00000000-0000-0000-0000-000000000000") return undefined;
    if (txnId === current) return [];
    const i = this.txns.findIndex((t) => t.id === txnId);
    if (i < 0 && (this.base === undefined || txnId !== this.base)) return undefined;
    const net = new Map<string, { table: string; uuid: string; old: DbRow | undefined; new: DbRow | undefined }>();
    for (const t of this.txns.slice(i + 1)) {
      for (const c of t.changes) {
        const e = net.get(c.uuid);
        if (e) e.new = c.new;
        else net.set(c.uuid, { table: c.table, uuid: c.uuid, old: c.old, new: c.new });
      }
    }
    return [...net.values()].flatMap((c) => rowChange(c.table, c.uuid, c.old, c.new) ?? []);
  }
}
