/**
 * A live local replica of chosen tables of one database, fed by a monitor (RFC 7047 §4.1.5 and
 * ovsdb-server(1)'s `monitor_cond`/`monitor_cond_since`), typed by a generated model.
 *
 * What it promises (each tested):
 * - **Read-your-writes**: {@link Replica.transact} resolves only after the transaction's changes
 *   are in the replica (ovsdb-server sends a client's own updates before the transact reply, and
 *   the replica applies every update synchronously as it arrives on the same connection).
 * - **No lost events**: every change is delivered, as one batch per update notification. Listeners
 *   get batches synchronously; the async iterator ({@link Replica.batches}) has a bounded queue
 *   and, when it fills, stops reading from the server (backpressure) instead of dropping anything.
 * - **Exact resync**: after a reconnect the monitor is re-issued with `monitor_cond_since` from the
 *   last transaction id, so only the missed changes arrive; when the server cannot resume
 *   (`found: false`, or an older method), the new snapshot is compared with the replica and exactly
 *   the difference is emitted — no lost and no phantom events. Several replicas (monitors) on one
 *   database each handle this on their own.
 * - **Health** the controller can watch: `syncing | ready | stale | reconnecting | lost`, which
 *   never says `ready` while the monitor is dead; errors that do not stop the replica are emitted
 *   as `error` events, never fatal without a listener ({@link Replica.lastError} keeps the last).
 *
 * @module
 */
import { EventEmitter } from "node:events";
import type { ClientState, MonitorMethod, MonitorStart, OvsdbClient } from "../client/client.js";
import type { CompiledWhere } from "../schema/condition.js";
import type { Datum, Row } from "../schema/datum.js";
import { type DatabaseSchema, columnOf, tableOf } from "../schema/schema.js";
import { encodeWhere } from "../model/model.js";
import type { RowOf, TypedCondition, Where } from "../model/types.js";
import { ConnectionClosedError, OvsdbError, RequestTimeoutError, TimedOut, UnknownMethod } from "../wire/errors.js";
import { emitErrorSafely } from "../../rpc/emit.js";
import type { Json } from "../wire/notation.js";
import type { MonitorCondition, Operation, OperationResult, TableUpdates, TableUpdates2 } from "../wire/operations.js";
import { BatchQueue } from "./batch-queue.js";
import type { IndexSpec } from "./indexes.js";
import { findRows, guardAbsentOf, guardOf, rowByIndex, rowsByKey, storeOf } from "./replica-reads.js";
import { clientFilter, requestsFor, stagesOf, startStaged } from "./replica-requests.js";
import type { RowChange } from "./row-change.js";
import { TableStore } from "./table-store.js";
import { type NativeInsert, applyNativeInserts, applyUpdates1, applyUpdates2, loadContents, readSnapshot, replaceContents } from "./apply.js";
import { type ChangeBatch, ReplicaError, type ReplicaEvents, type ReplicaHealth, type ReplicaModel, type ReplicaOptions, type ReplicaTableOptions, type ReplicaTables } from "./replica-types.js";

export { type ChangeBatch, ReplicaError, type ReplicaEvents, type ReplicaHealth, type ReplicaModel, type ReplicaOptions, type ReplicaTableOptions, type ReplicaTables } from "./replica-types.js";


const DEFAULT_HIGH_WATER = 1024;

/** A live, typed replica of one database; create it with {@link Replica.start}. */
export class Replica<T extends ReplicaTables = ReplicaTables> extends EventEmitter<ReplicaEvents> {
  /** The database replicated. */
  readonly database: string;
  /** Its schema. */
  readonly schema: DatabaseSchema;
  private readonly client: OvsdbClient;
  private readonly writer: OvsdbClient;
  private readonly tables = new Map<string, TableStore>();
  private readonly options: ReplicaOptions;
  private _health: ReplicaHealth = "syncing";
  private monitorId: string | undefined;
  private _method: MonitorMethod | undefined;
  private _lastTxnId: string | undefined;
  private readonly iterators: BatchQueue<ChangeBatch>;
  private closed = false;
  private _lastError: Error | undefined;
  private _detached = false;
  private readonly onClientState = (s: ClientState) => {
    if (s === "closed") {
      this.lose(this.client.closeReason ?? new ConnectionClosedError("client closed"));
      this.iterators.finish(false);
    } else if (this._health === "lost") return;
    else if (s === "reconnecting") this.setHealth("reconnecting");
    else if (s === "ready" && this._health === "reconnecting") {
      this.setHealth("syncing");
      // Detached, nothing is re-issued: whether a transaction in flight committed is unknown; read it all again.
      if (this._detached) void this.attach();
    }
  };

  private constructor(client: OvsdbClient, schema: DatabaseSchema, options: ReplicaOptions) {
    super();
    this.client = client;
    this.writer = options.writer ?? client;
    this.schema = schema;
    this.database = schema.name;
    this.options = options;
    this.iterators = new BatchQueue<ChangeBatch>(options.highWaterBatches ?? DEFAULT_HIGH_WATER, {
      pause: () => {
        try {
          this.client.rpc.pause();
        } catch {
          // not connected: nothing to pause
        }
      },
      resume: () => {
        try {
          if (this.client.rpc.paused) this.client.rpc.resume();
        } catch {
          // not connected
        }
      },
    });
    const chosen = options.tables ?? Object.fromEntries([...schema.tables.keys()].map((t) => [t, true as const]));
    for (const [name, opt] of Object.entries(chosen)) {
      const ts = tableOf(schema, name);
      const o = opt === true ? {} : opt;
      if (o.columns) for (const c of o.columns) if (!columnOf(ts, c)) throw new ReplicaError(`table ${name} has no column "${c}"`);
      this.tables.set(name, new TableStore(ts, o.columns, o.indexes));
    }
  }

  /**
   * Starts replicating: issues the monitor and resolves once the initial contents are loaded
   * (health `ready`). `model` is a generated model (e.g. `ovnNb.model`) or anything with a
   * `schema`; the replica's rows are typed by `T` (e.g. `ovnNb.Tables`).
   */
  static async start<T extends ReplicaTables = ReplicaTables>(client: OvsdbClient, model: ReplicaModel | DatabaseSchema, options: ReplicaOptions = {}): Promise<Replica<T>> {
    const schema = "tables" in model ? model : model.schema;
    const r = new Replica<T>(client, schema, options);
    client.on("state", r.onClientState);
    try {
      await r.begin();
    } catch (e) {
      client.off("state", r.onClientState);
      throw e;
    }
    return r;
  }

  /** Current health. */
  get health(): ReplicaHealth {
    return this._health;
  }

  /** The monitor method in use. */
  get method(): MonitorMethod | undefined {
    return this._method;
  }

  /** The last error reported (also emitted as `error`), e.g. why the replica is `lost` or went `stale`. */
  get lastError(): Error | undefined {
    return this._lastError;
  }

  /** Records and reports an error that does not stop the replica (never fatal without a listener). */
  private report(e: Error): void {
    this._lastError = e;
    emitErrorSafely(this, e, `Replica(${this.database})`);
  }

  /** The monitor is gone for good. */
  private lose(e: Error): void {
    if (this._health === "lost") return;
    this._lastError = e;
    this.setHealth("lost");
  }

  /** The last transaction id seen (with `monitor_cond_since`). */
  get lastTxnId(): string | undefined {
    return this._lastTxnId;
  }

  private setHealth(h: ReplicaHealth): void {
    if (this._health === h) return;
    this._health = h;
    this.emit("health", h);
  }

  private async begin(): Promise<void> {
    const methods: MonitorMethod[] = this.options.method ? [this.options.method] : ["monitor_cond_since", "monitor_cond", "monitor"];
    let lastError: unknown;
    for (const method of methods) {
      try {
        // onLost may fire before the monitor's start resolves (the client closed meanwhile): the
        // start then rejects too, and there is no monitor id yet to lose.
        let id: string | undefined;
        const handlers = {
          onUpdate: (u: TableUpdates) => this.onUpdate1(u),
          onUpdate2: (u: TableUpdates2, txn: string | undefined) => this.onUpdate2(u, txn),
        };
        const options = { method, onStart: (s: MonitorStart) => this.loadSnapshot(s, "initial"), onResync: (s: MonitorStart) => this.onResync(s), onLost: (e: Error) => id !== undefined && this.onMonitorLost(id, e) };
        const stages = method === "monitor" ? [] : stagesOf(this.tables, this.options);
        const start = stages.length
          ? await startStaged(this.client, this.database, this.tables, this.options, method, stages, handlers, options)
          : await this.client.monitor(this.database, requestsFor(method, this.tables, this.options), handlers, options);
        id = start.id;
        this.monitorId = start.id;
        this._method = method;
        this.setHealth("ready");
        return;
      } catch (e) {
        lastError = e;
        if (!(e instanceof UnknownMethod) && !(e instanceof OvsdbError && /unknown method/.test(e.message))) throw e;
      }
    }
    throw lastError;
  }

  /** Under plain `monitor`: the caller's condition on `table`, applied on the client side. */
  private clientFilter(table: string): CompiledWhere | undefined {
    return clientFilter(this._method, this.tables, this.options, table);
  }

  // ---- applying updates ----------------------------------------------------------------

  private onUpdate2(updates: TableUpdates2, txnId: string | undefined): void {
    if (txnId !== undefined) this._lastTxnId = txnId;
    const changes: RowChange[] = [];
    try {
      applyUpdates2(this.tables, updates, changes);
    } catch (e) {
      this.deliver({ cause: "update", txnId, changes });
      this.fail(e as Error);
      return;
    }
    this.deliver({ cause: "update", txnId, changes });
  }

  private onUpdate1(updates: TableUpdates): void {
    const changes: RowChange[] = [];
    try {
      applyUpdates1(this.tables, updates, (t) => this.clientFilter(t), changes);
    } catch (e) {
      this.deliver({ cause: "update", txnId: undefined, changes });
      this.fail(e as Error);
      return;
    }
    this.deliver({ cause: "update", txnId: undefined, changes });
  }

  private loadSnapshot(start: MonitorStart, cause: "initial"): void {
    if (start.lastTxnId) this._lastTxnId = start.lastTxnId;
    const changes: RowChange[] = [];
    loadContents(this.tables, start, (t) => this.clientFilter(t), changes);
    this.deliver({ cause, txnId: start.lastTxnId, changes });
  }

  /** After a reconnect: apply the missed changes, or replace the contents and emit the exact difference. */
  private onResync(start: MonitorStart): void {
    if (start.method === "monitor_cond_since" && start.found) {
      this.onUpdate2(start.updates as TableUpdates2, start.lastTxnId);
      if (this._health !== "stale") this.setHealth("ready");
      return;
    }
    if (start.lastTxnId) this._lastTxnId = start.lastTxnId;
    let snap: Map<string, Map<string, Row>>;
    try {
      snap = readSnapshot(this.tables, start, (t) => this.clientFilter(t));
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    const changes: RowChange[] = [];
    replaceContents(this.tables, snap, changes);
    this.deliver({ cause: "resync", txnId: start.lastTxnId, changes });
    this.setHealth("ready");
  }

  /** The client lost the monitor `id` for good (not after a replaced monitor). */
  private onMonitorLost(id: string, e: Error): void {
    if (this.closed || id !== this.monitorId) return;
    this.lose(e);
    // A client closed by its user is no news; anything else is.
    if (!(e instanceof ConnectionClosedError)) this.report(e);
  }

  /** An update could not be applied: the replica may be wrong. Mark it stale and resync from scratch. */
  private fail(e: Error): void {
    if (this._health === "lost") return;
    this.setHealth("stale");
    this.report(e);
    const id = this.monitorId;
    if (this.closed) return;
    if (!id) {
      // detached: what the writer applied itself went wrong; follow the server again
      if (this._detached) void this.attach();
      return;
    }
    void this.restartMonitor(id);
  }

  /**
   * Replaces monitor `id` by a fresh one and loads its full contents. When the connection drops
   * meanwhile it waits for the client to be back and tries again; any other failure loses the
   * monitor (health `lost`).
   */
  private async restartMonitor(id: string | undefined): Promise<void> {
    if (id !== undefined) await this.client.monitorCancel(id).catch(() => undefined);
    this._lastTxnId = undefined;
    const method = this._method ?? "monitor_cond";
    for (;;) {
      if (this.closed || this.client.state === "closed") return;
      try {
        let newId: string | undefined;
        const start = await this.client.monitor(
          this.database,
          requestsFor(method, this.tables, this.options),
          { onUpdate: (u) => this.onUpdate1(u), onUpdate2: (u, txn) => this.onUpdate2(u, txn) },
          { method, onStart: (s) => this.onResync({ ...s, found: false }), onResync: (s) => this.onResync(s), onLost: (err) => newId !== undefined && this.onMonitorLost(newId, err) },
        );
        newId = start.id;
        this.monitorId = start.id;
        return;
      } catch (err) {
        if ((err instanceof ConnectionClosedError || err instanceof RequestTimeoutError) && (this.client.state as ClientState) !== "closed" && !this.closed) {
          await this.client.whenReady().catch(() => undefined);
          continue;
        }
        if (this.closed) return;
        this.lose(err as Error);
        this.report(err as Error);
        return;
      }
    }
  }

  // ---- events ----------------------------------------------------------------------------

  private deliver(batch: ChangeBatch): void {
    this.emit("batch", batch);
    this.iterators.push(batch);
  }

  /**
   * The batches as an async iterator, from now on, in order, none dropped. When the consumer falls
   * `highWaterBatches` behind, the replica stops reading from the server until it catches up
   * (so do not await a transaction of the same client inside the loop while it is that far behind).
   */
  batches(): AsyncIterableIterator<ChangeBatch> {
    return this.iterators.iterator();
  }

  // ---- reads -----------------------------------------------------------------------------

  private table(name: string): TableStore {
    return storeOf(this.tables, name);
  }

  /** The row with this UUID, or undefined. */
  get<N extends keyof T & string>(table: N, uuid: string): T[N]["row"] | undefined {
    return this.table(table).rows.get(uuid) as T[N]["row"] | undefined;
  }

  /** Every row of a table (a live view of the stored rows; rows are frozen). */
  rows<N extends keyof T & string>(table: N): IterableIterator<T[N]["row"]> {
    return this.table(table).rows.values() as IterableIterator<T[N]["row"]>;
  }

  /** Number of rows in a table. */
  count(table: keyof T & string): number {
    return this.table(table).rows.size;
  }

  /**
   * Rows matching a typed `where` (as the model's builders take it: `[column, function, value]`
   * with native values, all of which must hold, or an object of `==` conditions), evaluated as the
   * server would evaluate the same `select`.
   */
  find<N extends keyof T & string>(table: N, where: Where<T[N]>): T[N]["row"][] {
    return findRows(this.table(table), where) as T[N]["row"][];
  }

  /**
   * The row whose schema index (RFC 7047 §3.2 `indexes`) over `columns` has these values, e.g.
   * `byIndex("Logical_Switch", ["name"], ["sw0"])`.
   */
  byIndex<N extends keyof T & string>(table: N, columns: readonly string[], values: readonly Datum[]): T[N]["row"] | undefined {
    return rowByIndex(this.table(table), table, columns, values) as T[N]["row"] | undefined;
  }

  /** Rows under `key` in the client-defined index `name` (a live view: do not modify). */
  lookup<N extends keyof T & string>(table: N, name: string, ...key: Datum[]): ReadonlySet<T[N]["row"]> {
    return rowsByKey(this.table(table), table, name, key) as ReadonlySet<T[N]["row"]>;
  }

  /** Adds a client-defined index at run time (built from the current rows). */
  addIndex(table: keyof T & string, name: string, spec: IndexSpec): void {
    const t = this.table(table);
    if (t.indexes.has(name)) throw new ReplicaError(`table ${table} already has an index "${name}"`);
    t.addIndex(name, spec);
  }

  // ---- following its own writes without a monitor ------------------------------------------

  /**
   * True after {@link Replica.detach}: the monitor is cancelled and the replica changes only by
   * {@link Replica.applyOwn} (until {@link Replica.attach}).
   */
  get detached(): boolean {
    return this._detached;
  }

  /**
   * Cancels the monitor, for a writer that needs the contents once (e.g. a one-shot apply): the
   * server then does no monitor work for the transactions that follow and sends nothing back,
   * and the replica changes only by what the writer applies itself ({@link Replica.applyOwn}).
   * Other clients' changes are no longer seen (guards in the writer's transactions still catch
   * them). The cancel is sent at once, so a transaction sent after this call is not reported
   * back; its reply is not waited for. Health stays as it is; {@link Replica.attach} follows the
   * server again.
   */
  detach(): void {
    if (this._detached || this.closed) return;
    const id = this.monitorId;
    if (!id) throw new ReplicaError("replica not started");
    this._detached = true;
    this.monitorId = undefined;
    this.client.monitorCancel(id).catch(() => undefined);
  }

  /**
   * Applies updates the writer worked out itself from its own committed transaction (the
   * `update2` form a monitor would have sent: `insert` rows, `modify` diffs, `delete`), and emits
   * them as one batch (cause `update`), as if the monitor had sent them. `inserts`: rows it
   * inserted given in native values instead (stored first, without a wire form to decode).
   */
  applyOwn(updates: TableUpdates2, inserts?: readonly NativeInsert[]): void {
    if (inserts === undefined || inserts.length === 0) return this.onUpdate2(updates, undefined);
    const changes: RowChange[] = [];
    try {
      applyNativeInserts(this.tables, inserts, changes);
      applyUpdates2(this.tables, updates, changes);
    } catch (e) {
      this.deliver({ cause: "update", txnId: undefined, changes });
      this.fail(e as Error);
      return;
    }
    this.deliver({ cause: "update", txnId: undefined, changes });
  }

  /**
   * Ends {@link Replica.detach}: starts a fresh monitor and makes the contents exactly the
   * server's (the difference emitted as one `resync` batch). Resolves once they are.
   */
  async attach(): Promise<void> {
    if (!this._detached || this.closed) return;
    this._detached = false;
    this.setHealth("syncing");
    await this.restartMonitor(undefined);
    if (this._health === "syncing") this.setHealth("ready");
  }

  // ---- writes ----------------------------------------------------------------------------

  /**
   * Sends a transaction and resolves after its changes are in the replica (read-your-writes).
   * With a separate `writer`, waits until the replica has seen the inserted rows.
   */
  async transact(operations: readonly Operation[]): Promise<OperationResult[]> {
    const { results } = await this.writer.transact(this.database, operations);
    if (this.writer !== this.client) {
      const inserted = operations
        .map((op, i) => (op.op === "insert" ? { table: op.table, uuid: (results[i] as { uuid?: [string, string] })?.uuid?.[1] } : undefined))
        .filter((x): x is { table: string; uuid: string } => !!x && !!x.uuid && this.tables.has(x.table));
      await this.waitUntil(() => inserted.every((x) => this.tables.get(x.table)!.rows.has(x.uuid)), 30_000);
    }
    return [...results];
  }

  /**
   * A `TransactClient` whose transactions are read-your-writes through this replica, for typed
   * models: `model.transact(replica.transactClient(), ops)`.
   */
  transactClient(): {
    /** Sends the operations through {@link Replica.transact}; `database` must be the replica's. */
    transact(database: string, operations: readonly Operation[]): Promise<{ results: readonly OperationResult[] }>;
  } {
    return {
      transact: async (database, operations) => {
        if (database !== this.database) throw new ReplicaError(`this replica holds ${this.database}, not ${database}`);
        return { results: await this.transact(operations) };
      },
    };
  }

  /** Resolves when `check()` holds (checked now and after every batch and health change); rejects after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off("batch", on);
        this.off("health", on);
        reject(new TimedOut(`replica of ${this.database}: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.off("batch", on);
        this.off("health", on);
        resolve();
      };
      this.on("batch", on);
      this.on("health", on);
    });
  }

  /**
   * A `wait` operation (RFC 7047 §5.2.6) that fails the transaction unless the row is still as the
   * replica sees it (same `_version`; needs `_version` replicated, which it is unless columns were
   * restricted without it). Put it first in a read-modify-write transaction.
   */
  guard(table: keyof T & string, uuid: string): Operation {
    return guardOf(this.table(table), table, uuid);
  }

  /**
   * A `wait` that fails unless no row of `table` has `column == value` (an idempotency guard:
   * "create only if absent", so a retried insert never duplicates a row).
   */
  guardAbsent(table: keyof T & string, column: string, value: Json): Operation {
    return guardAbsentOf(table, column, value);
  }

  /**
   * Verify-and-retry: runs `build` against the replica to produce a transaction (which should
   * include guards), sends it, and when a guard fails (`timed out` on a `wait`) or the connection
   * drops mid-call, waits for the replica to catch up and runs `build` again — at most `attempts`
   * times. `build` may return `undefined` when there is nothing left to do.
   */
  async retry(build: (replica: this) => readonly Operation[] | undefined, options: { attempts?: number } = {}): Promise<OperationResult[] | undefined> {
    const attempts = options.attempts ?? 5;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      const ops = build(this);
      if (!ops || ops.length === 0) return undefined;
      try {
        return await this.transact(ops);
      } catch (e) {
        last = e;
        const guardFailed = e instanceof TimedOut && typeof e.operationIndex === "number" && ops[e.operationIndex]?.op === "wait";
        if (!guardFailed && !(e instanceof ConnectionClosedError)) throw e;
        if (e instanceof ConnectionClosedError) await this.client.whenReady();
        await this.waitUntil(() => this._health === "ready", 30_000);
      }
    }
    throw last;
  }

  /**
   * Changes the conditions of replicated tables at run time (`monitor_cond_change`): rows that
   * leave the condition are deleted from the replica and rows that enter it are inserted, with
   * events, as the server reports them.
   */
  async setWhere(changes: { readonly [table: string]: readonly MonitorCondition[] }): Promise<void> {
    if (!this.monitorId) throw new ReplicaError("replica not started");
    if (this._method === "monitor") throw new ReplicaError("the server only supports \"monitor\": conditions cannot change");
    const req: Record<string, { where: readonly MonitorCondition[] }> = {};
    for (const [t, where] of Object.entries(changes)) {
      this.table(t);
      req[t] = { where };
      const o = this.options.tables?.[t];
      // Remember the new condition for re-issued monitors.
      (this.options as { tables?: Record<string, ReplicaTableOptions | true> }).tables = {
        ...(this.options.tables ?? {}),
        [t]: { ...(o && o !== true ? o : {}), where },
      };
    }
    await this.client.monitorCondChange(this.monitorId, req);
  }

  /**
   * Typed `monitor_cond_change` for one table: from now on the replica holds the rows of `table`
   * matching any of `clauses` (typed as the model's `where` conditions, native values; OR-ed as
   * monitor conditions are), or every row (`true`), or none (`false` or an empty list — sent as
   * `[false]`, as OVS's IDL sends it, since ovsdb-server reads an empty `where` as "every row").
   * Resolves once the server has acknowledged the change, after the rows that enter or leave the
   * condition have been applied (and emitted as inserts and deletes).
   */
  async setConditions<N extends keyof T & string>(table: N, clauses: readonly TypedCondition<RowOf<T[N]>>[] | boolean): Promise<void> {
    const t = this.table(table);
    const where: MonitorCondition[] = typeof clauses === "boolean" ? [clauses] : clauses.length === 0 ? [false] : encodeWhere(t.schema, clauses);
    await this.setWhere({ [table]: where });
  }

  /** Stops the monitor and ends the iterators; the client stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.off("state", this.onClientState);
    this.iterators.finish(true);
    const id = this.monitorId;
    if (id && this.client.state === "ready") await this.client.monitorCancel(id).catch(() => undefined);
  }
}
