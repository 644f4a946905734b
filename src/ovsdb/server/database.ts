/**
 * One database of the embedded server: its tables (`storage.ts`), the reference counts and
 * indexes kept across commits, running transactions (`transaction.ts`, checked at commit by
 * `integrity.ts`) and applying committed ones, conversion to a new schema, and commit listeners.
 *
 * @module
 */
import type { Row } from "../schema/datum.js";
import type { DatabaseSchema } from "../schema/schema.js";
import { IoError, OvsdbError, errorFromJson, errorToJson } from "../wire/errors.js";
import { randomUUID } from "node:crypto";
import { randomUuid } from "../wire/notation.js";
import type { OperationResult } from "../wire/operations.js";
import { decodeDatum, encodeDatum } from "./codec.js";
import { rowChange } from "../cache/row-change.js";
import { type Change, type CommittedTxn, type DbRow, type ExecuteOutcome, type RefColumn, TableData, type TxnContext, forgetRefDiffs, indexKey, refDiff } from "./storage.js";
import { Transaction, WaitBlocked, toOvsdbError } from "./transaction.js";

const NO_REF_COLUMNS: readonly RefColumn[] = Object.freeze([]);

export type { CommittedTxn, DbRow, ExecuteOutcome, TxnContext } from "./storage.js";


/**
 * An in-memory OVSDB database (one schema). Create it with a schema; run transactions with
 * {@link Database.execute}; read rows with {@link Database.rows}; subscribe to commits with
 * {@link Database.onCommit}.
 */
export class Database {
  private _schema: DatabaseSchema;
  // Replaced as a whole by convert(); otherwise only changed in place.
  private tables = new Map<string, TableData>();
  /** target UUID → source UUID → number of weak references (to find what to clean up when a target goes). */
  private incoming = new Map<string, Map<string, number>>();
  /** target UUID → number of strong references to it in committed rows. */
  private strongIn = new Map<string, number>();
  /** Row UUID → table name, for every row of the database. */
  private tableOfRow = new Map<string, string>();
  private refColumns = new Map<string, readonly RefColumn[]>();
  private readonly listeners = new Set<(txn: CommittedTxn) => void>();
  private readonly convertListeners = new Set<() => void>();
  private _lastTxnId = "00000000-0000-0000-0000-000000000000";
  private allRoot: boolean;

  constructor(schema: DatabaseSchema) {
    this._schema = schema;
    this.allRoot = ![...schema.tables.values()].some((t) => t.isRoot);
    for (const t of schema.tables.values()) {
      this.tables.set(t.name, new TableData(t));
      const refs: RefColumn[] = [];
      for (const c of t.columns.values()) {
        if (c.type.key.refTable) refs.push({ column: c.name, refTable: c.type.key.refTable, strong: c.type.key.refType !== "weak", part: "key" });
        if (c.type.value?.refTable) refs.push({ column: c.name, refTable: c.type.value.refTable, strong: c.type.value.refType !== "weak", part: "value" });
      }
      this.refColumns.set(t.name, refs);
    }
  }

  /**
   * A reserved database (`_Server`): clients may read it, but only the server writes it
   * (ovsdb-server answers writes with "not allowed").
   */
  reserved = false;

  /** The database's schema (a new one after {@link Database.convert}). */
  get schema(): DatabaseSchema {
    return this._schema;
  }

  /** The database name. */
  get name(): string {
    return this.schema.name;
  }

  /** Id of the last committed transaction (all zeros before the first). */
  get lastTxnId(): string {
    return this._lastTxnId;
  }

  /** The committed rows of a table (live view: do not keep across commits). */
  rows(table: string): ReadonlyMap<string, DbRow> {
    const t = this.tables.get(table);
    if (!t) throw new Error(`database ${this.name} has no table ${table}`);
    return t.rows;
  }

  /** Number of rows in every table together. */
  get rowCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.rows.size;
    return n;
  }

  /** Calls `listener` after every commit (before the transaction's reply is sent); returns an unsubscribe function. */
  onCommit(listener: (txn: CommittedTxn) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Executes a transaction's operations (the `transact` params after the database name) and, when
   * every operation succeeds and the commit checks pass, commits it. Returns the per-operation
   * results in ovsdb-server's form (an error object at the failed operation, `null` after it, or
   * an extra trailing error when the commit checks fail), or `blocked` when a `wait` is unmet and
   * its timeout has not passed.
   */
  execute(operations: readonly unknown[], ctx: TxnContext): ExecuteOutcome {
    const txn = new Transaction(this, ctx);
    const results: OperationResult[] = [];
    const n = operations.length;
    for (let i = 0; i < n; i++) {
      const op = operations[i];
      try {
        results.push(txn.run(op, i, n));
      } catch (e) {
        if (e instanceof WaitBlocked) return { kind: "blocked", timeoutMs: e.timeoutMs };
        results.push(errorToJson(toOvsdbError(e, op, i, n)));
        while (results.length < n) results.push(null);
        return { kind: "done", results, committed: undefined };
      }
    }
    try {
      const committed = txn.commit();
      return { kind: "done", results, committed };
    } catch (e) {
      results.push(errorToJson(toOvsdbError(e, undefined, n, n)));
      return { kind: "done", results, committed: undefined };
    }
  }

  /**
   * Converts the database to `schema` in place, as ovsdb-server's `convert` does (ovsdb-server(1)
   * "Online database conversion"): tables and columns the new schema drops are dropped; tables and
   * columns it adds start empty / with their defaults; every kept value goes through its JSON form
   * and is read back with the new column type, so a narrowed type fails with the error
   * ovsdb-server gives (e.g. "constraint violation" for an integer out of the new range, "syntax
   * error" for a set with too many members). Rows keep their UUIDs. The converted contents then
   * pass the commit checks (strong references, weak references, garbage collection of non-root
   * rows, `maxRows`, unique indexes). On error the database is unchanged and the error
   * ({@link OvsdbError}) is thrown. Commit listeners are not called (there is no transaction);
   * {@link Database.onConvert} listeners are. The transaction id is reset to a new one.
   */
  convert(schema: DatabaseSchema): void {
    if (schema.name !== this.name) {
      throw new OvsdbError("invalid parameters", `new schema name (${schema.name}) does not match database name (${this.name})`);
    }
    const next = new Database(schema);
    const ops: unknown[] = [];
    for (const [name, t] of this.tables) {
      const nt = schema.tables.get(name);
      if (!nt) continue;
      const kept = [...t.schema.columns.values()].filter((c) => !c.name.startsWith("_") && nt.columns.has(c.name));
      for (const r of t.rows.values()) {
        const row: Record<string, unknown> = {};
        for (const c of kept) {
          const type = nt.columns.get(c.name)!.type;
          const v = decodeDatum(type, encodeDatum(c.type, r.data[c.name]));
          row[c.name] = encodeDatum(type, v);
        }
        ops.push({ op: "insert", table: name, uuid: r.uuid, row });
      }
    }
    const out = next.execute(ops, { ownsLock: () => false, internal: true });
    if (out.kind !== "done") throw new OvsdbError("internal error", "conversion blocked");
    const failed = out.results.find((x) => x !== null && typeof x === "object" && "error" in x);
    if (failed) throw errorFromJson(failed);
    this._schema = next._schema;
    this.tables = next.tables;
    this.incoming = next.incoming;
    this.strongIn = next.strongIn;
    this.tableOfRow = next.tableOfRow;
    this.refColumns = next.refColumns;
    this.allRoot = next.allRoot;
    this._lastTxnId = randomUuid();
    for (const l of [...this.convertListeners]) l();
  }

  /** Calls `listener` after each {@link Database.convert}; returns an unsubscribe function. */
  onConvert(listener: () => void): () => void {
    this.convertListeners.add(listener);
    return () => this.convertListeners.delete(listener);
  }

  /**
   * Whether rows of `table` stay without references: tables marked `isRoot`, or every table of a
   * schema that marks none (RFC 7047 §3.2, as ovsdb-server treats older schemas).
   */
  isRootTable(table: string): boolean {
    return this.allRoot || this.schema.tables.get(table)?.isRoot === true;
  }

  /** @internal */
  tableData(name: string): TableData | undefined {
    return this.tables.get(name);
  }

  /** @internal */
  refColumnsOf(table: string): readonly RefColumn[] {
    return this.refColumns.get(table) ?? NO_REF_COLUMNS;
  }

  /** @internal Sources weakly referencing `target` in committed state. */
  incomingOf(target: string): ReadonlyMap<string, number> | undefined {
    return this.incoming.get(target);
  }

  /** @internal Strong references to `target` in committed rows. */
  strongRefsTo(target: string): number {
    return this.strongIn.get(target) ?? 0;
  }

  /** @internal */
  tableOf(uuid: string): string | undefined {
    return this.tableOfRow.get(uuid);
  }

  /**
   * Loads rows without checks or notifications (persistence replay): `changes` maps table →
   * UUID → full row values, or null to delete. Fires no listeners.
   * @internal
   */
  loadChanges(changes: readonly { table: string; uuid: string; version: string; data: Row | undefined }[], txnId?: string): void {
    for (const c of changes) {
      const t = this.tables.get(c.table);
      if (!t) continue;
      const old = t.rows.get(c.uuid);
      this.applyRow(t, c.uuid, old, c.data ? { uuid: c.uuid, version: c.version, data: c.data } : undefined);
    }
    forgetRefDiffs();
    if (txnId) this._lastTxnId = txnId;
  }

  /** @internal Applies a committed change set and notifies listeners. */
  applyCommit(changes: Change[], comments: string[], durable = false): CommittedTxn {
    const out = changes.map((c) => rowChange(c.table, c.uuid, c.old, c.new ? { uuid: c.uuid, version: randomUUID(), data: Object.freeze(c.new) } : undefined)!);
    let txn: CommittedTxn = { id: randomUUID(), database: this.name, changes: out, comments, date: Date.now(), durable };
    if (this.writeAhead) {
      // Durable first: if the log cannot take the transaction, nothing changes (ovsdb-server's "I/O error").
      try {
        const id = this.writeAhead(txn);
        if (id !== undefined) txn = { ...txn, id };
      } catch (e) {
        throw new IoError(`cannot write the transaction to the database log: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const c of out) this.applyRow(this.tables.get(c.table)!, c.uuid, c.old, c.new);
    forgetRefDiffs();
    this._lastTxnId = txn.id;
    for (const l of [...this.listeners]) l(txn);
    return txn;
  }

  private writeAhead: ((txn: CommittedTxn) => string | void) | undefined;

  /**
   * Installs the write-ahead hook persistence uses: it is called with each transaction before the
   * transaction changes anything, and if it throws the transaction fails with "I/O error" and the
   * database stays as it was. The hook may return the transaction's id (persistence derives it from
   * the record it wrote, so it is the same after a restart). One hook per database; `undefined`
   * removes it.
   */
  setWriteAhead(hook: ((txn: CommittedTxn) => string | void) | undefined): void {
    if (hook && this.writeAhead) throw new Error(`database ${this.name} already has a write-ahead log`);
    this.writeAhead = hook;
  }

  private applyRow(t: TableData, uuid: string, old: DbRow | undefined, row: DbRow | undefined): void {
    const refs = this.refColumns.get(t.schema.name)!;
    const indexes = t.schema.indexes;
    if (old) {
      for (let i = 0; i < indexes.length; i++) {
        const key = indexKey(indexes[i]!, old.data);
        if (t.indexes[i]!.get(key) === uuid) t.indexes[i]!.delete(key);
      }
    }
    // Reference bookkeeping from the per-column difference (cheap for a big set that gains one element).
    // Indexed loops: the differences are often frozen arrays, whose for-of V8 does not lower to
    // a plain loop (an iterator and a result object per element otherwise).
    for (let k = 0; k < refs.length; k++) {
      const r = refs[k]!;
      const { added, removed } = refDiff(r, old?.data[r.column], row?.data[r.column], r.strong ? uuid : undefined);
      if (added.length === 0 && removed.length === 0) continue;
      if (r.strong) {
        for (let i = 0; i < removed.length; i++) {
          const target = removed[i]!;
          const n = (this.strongIn.get(target) ?? 0) - 1;
          if (n > 0) this.strongIn.set(target, n);
          else this.strongIn.delete(target);
        }
        for (let i = 0; i < added.length; i++) {
          const target = added[i]!;
          this.strongIn.set(target, (this.strongIn.get(target) ?? 0) + 1);
        }
      } else {
        for (const target of removed) {
          const m = this.incoming.get(target);
          if (!m) continue;
          const n = (m.get(uuid) ?? 0) - 1;
          if (n > 0) m.set(uuid, n);
          else m.delete(uuid);
          if (m.size === 0) this.incoming.delete(target);
        }
        for (const target of added) {
          let m = this.incoming.get(target);
          if (!m) this.incoming.set(target, (m = new Map()));
          m.set(uuid, (m.get(uuid) ?? 0) + 1);
        }
      }
    }
    if (row) {
      t.rows.set(uuid, row);
      this.tableOfRow.set(uuid, t.schema.name);
      for (let i = 0; i < indexes.length; i++) t.indexes[i]!.set(indexKey(indexes[i]!, row.data), uuid);
    } else {
      t.rows.delete(uuid);
      this.tableOfRow.delete(uuid);
    }
  }
}
