/**
 * The transaction core of the OVN Northbound API: {@link NbTransaction} holds the operations, the
 * pending view every lookup reads through, the creation guards and the commit. Each call is
 * implemented in the module of its object family (switches, routers, routing, ACLs, load
 * balancers, QoS/mirrors/meters, and the feature modules) over the transaction's context.
 *
 * @module
 */
import { model, type Row, type TableName } from "../../ovsdb/models/ovn-nb.js";
import type { TransactClient } from "../../ovsdb/model/model.js";
import type { NamedRef, Ref, RowUuid } from "../../ovsdb/model/types.js";
import type { Operation, OperationResult } from "../../ovsdb/wire/operations.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { OvnAmbiguousNameError, OvnInvalidArgumentError, OvnNotFoundError, OvnTransactionStateError, type OvnObjectKind } from "../errors.js";
import type { NbReader, NbWhere } from "../reader.js";
import type { DatabaseSchema } from "../../ovsdb/schema/schema.js";
import { type OvnSchemaInfo, describeOvnSchema } from "../schema-features.js";
import { PendingView } from "../pending-view.js";
import { type IndexedKey, hasUniqueIndex } from "../index-race.js";
import type { GuardedTable, TxContext } from "../tx-context.js";
import { NbFamilyCalls } from "./family-calls.js";
import * as switches from "./switches.js";
import { concurrentChange, nbCfgBump, nbCfgOf, waitNbCfg } from "./commit.js";
import type { CommitOptions, CommitResult } from "./options.js";

/**
 * One Northbound transaction under construction. Obtain it from {@link OvnNb.transaction}; call
 * the object methods (each reads what it needs and appends operations), then
 * {@link NbTransaction.commit}. {@link NbTransaction.operations} gives the operations to send
 * yourself, together with others.
 */
export class NbTransaction extends NbFamilyCalls {
  private readonly ops: Operation[] = [];

  /** The database as this transaction will leave it: every lookup reads through it. */
  private readonly view: PendingView;

  private state: "open" | "committing" | "done" = "open";

  /**
   * @param client sends the commit; @param reader answers lookups; @param visible which of the
   * transaction's own operations its lookups see (default: all, see {@link OvnNbOptions.visible}).
   */
  constructor(
    private readonly client: TransactClient,
    private readonly reader: NbReader,
    visible?: (op: Operation) => boolean,
    schema?: () => Promise<OvnSchemaInfo>,
    known?: () => OvnSchemaInfo | undefined,
    send?: (ops: readonly Operation[]) => Promise<readonly OperationResult[]>,
  ) {
    super();
    this.send = send ?? (async (ops) => (await this.client.transact(model.name, ops)).results);
    this.knownSchema = known ?? (() => undefined);
    this.view = new PendingView(visible);
    this.schemaInfo = schema ?? (() => Promise.resolve(bundledNbSchema()));
  }

  /** Sends the commit's operations (one `transact`, or part of a group commit of `OvnNb`). */
  private readonly send: (ops: readonly Operation[]) => Promise<readonly OperationResult[]>;

  /** The server's NB schema when already detected (no round trip), else undefined. */
  private readonly knownSchema: () => OvnSchemaInfo | undefined;

  /** The keys this transaction creates under the protection of the server's unique index rather than a `wait`. */
  private readonly indexed: IndexedKey[] = [];

  /** What the server's NB schema has (from {@link OvnNb.schema}; the bundled 23.03 schema when built without one). */
  private readonly schemaInfo: () => Promise<OvnSchemaInfo>;

  protected override readRows<N extends TableName>(table: N, where?: NbWhere<N>): Promise<Row<N>[]> {
    return this.view.find(this.reader, table, where);
  }

  protected override readUuids<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return this.view.get(this.reader, table, uuids);
  }

  /** The operations added so far (RFC 7047 §5.2), in order. */
  operations(): readonly Operation[] {
    return this.ops;
  }

  /** Appends operations of your own (built with `OVN_Northbound.model`), to commit with the rest. */
  add(...ops: Operation[]): this {
    this.open();
    // Decoded at once, so that a malformed operation of the caller's throws here.
    for (const op of ops) {
      this.view.apply(op, undefined, true);
      this.ops.push(op);
    }
    return this;
  }

  /** Queues operations and records their effect in the pending view, so that later lookups see them. */
  private emit(...ops: Operation[]): void {
    this.emitIn(undefined, ...ops);
  }

  /** As {@link emit}, for operations valid in the server's `schema` rather than the bundled model's. */
  private emitIn(schema: DatabaseSchema | undefined, ...ops: Operation[]): void {
    for (const op of ops) {
      this.view.apply(op, schema);
      this.ops.push(op);
    }
  }

  /** The ref of a row named `name` created in `table` earlier in this transaction (and not deleted since), if any. */
  pendingRef<N extends TableName>(table: N, name: string): NamedRef<N> | undefined {
    const row = this.view.insertedNamed(table, name);
    return row ? (row["_uuid"] as NamedRef<N>) : undefined;
  }

  private open(): void {
    if (this.state !== "open") throw new OvnTransactionStateError("this NB transaction was already committed; start a new one");
  }

  // ---------------------------------------------------------------- lookups

  /** Rows of `table` matching `where`, as this transaction leaves them (its deletes hidden, its inserts and updates seen). */
  private async rows<N extends TableName>(table: N, where: NbWhere<N>): Promise<Row<N>[]> {
    return this.view.find(this.reader, table, where);
  }

  /** Rows of `table` by UUID (or uuid-name), as this transaction leaves them. */
  private async byUuid<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return this.view.get(this.reader, table, uuids);
  }

  /**
   * Finds a named object (by name, or by UUID) as this transaction leaves it: rows created earlier
   * in it are found, rows deleted in it are not. With `withRow` false only the reference is read
   * (`row` is then undefined for committed rows).
   */
  private async lookup<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow = true): Promise<{ ref: Ref<N>; row: Row<N> | undefined } | undefined> {
    // By name from a reader in memory, on a table this transaction has not touched: no promise on the way.
    if (!isUuid(name)) {
      const where = { name } as unknown as NbWhere<N>;
      if (!withRow) {
        const ids = this.view.idsNow(this.reader, table, where);
        if (ids) {
          if (ids.length > 1) throw new OvnAmbiguousNameError(kind, name, ids.length);
          return ids[0] ? { ref: ids[0] as Ref<N>, row: undefined } : undefined;
        }
      } else {
        const rows = this.view.findNow(this.reader, table, where);
        if (rows) {
          if (rows.length > 1) throw new OvnAmbiguousNameError(kind, name, rows.length);
          const row = rows[0];
          return row ? { ref: row._uuid as Ref<N>, row } : undefined;
        }
      }
    }
    if (isUuid(name)) {
      const byId = await this.byUuid(table, [name]);
      if (byId[0]) return { ref: byId[0]._uuid as Ref<N>, row: byId[0] };
    }
    if (!withRow) {
      const ids = await this.view.ids(this.reader, table, { name } as unknown as NbWhere<N>);
      if (ids.length > 1) throw new OvnAmbiguousNameError(kind, name, ids.length);
      return ids[0] ? { ref: ids[0] as Ref<N>, row: undefined } : undefined;
    }
    const rows = await this.rows(table, { name } as unknown as NbWhere<N>);
    if (rows.length > 1) throw new OvnAmbiguousNameError(kind, name, rows.length);
    const row = rows[0];
    return row ? { ref: row._uuid as Ref<N>, row } : undefined;
  }

  private async need<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow = true): Promise<{ ref: Ref<N>; row: Row<N> | undefined }> {
    const found = await this.lookup(kind, table, name, withRow);
    if (!found) throw new OvnNotFoundError(kind, name);
    return found;
  }

  /**
   * Guards a creation: the commit fails if a row named `name` appeared in `table` meanwhile. Where
   * the server's schema (the bundled one until detected) has a unique index on `name`, the server
   * enforces that itself, so no `wait` is sent (ovsdb-server would scan the table for it) and its
   * duplicate-index `constraint violation` becomes the same {@link OvnConcurrentChangeError}.
   */
  private guardAbsent(table: "Logical_Switch" | "Logical_Switch_Port" | "Logical_Router" | "Logical_Router_Port" | "Port_Group" | "Address_Set" | "Load_Balancer" | GuardedTable, name: string): void {
    // A row of that name deleted earlier in this transaction still exists until the commit.
    if (this.view.deletedName(table, name)) return;
    if (hasUniqueIndex(this.knownSchema()?.schema ?? model.schema, table, ["name"])) {
      this.indexed.push({ table, column: "name", value: name });
      return;
    }
    this.emit(model.table(table).wait({ name }, { columns: ["name"], until: "==", rows: [], timeout: 0 }) as Operation);
  }


  // ---------------------------------------------------------------- commit

  /**
   * Sends the operations as one transaction; rejects with the server's typed error if anything
   * fails, and with {@link OvnConcurrentChangeError} when a `wait` guard fails or the server's
   * unique index refuses a name this transaction creates (someone created the same object, or
   * changed a guarded row, concurrently; nothing was committed). With
   * `wait`, resolves only once ovn-northd (or every chassis) has caught up.
   */
  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    this.open();
    this.state = "committing";
    try {
      const wait = options.wait ?? "none";
      const ops: Operation[] = wait === "none" ? this.ops : [...this.ops, ...(await nbCfgBump(this.reader))];
      let results: readonly OperationResult[] = [];
      if (ops.length > 0) {
        try {
          results = await (wait === "none" ? this.send(ops) : this.client.transact(model.name, ops).then((r) => r.results));
        } catch (e) {
          throw concurrentChange(e, ops, this.indexed);
        }
      }
      if (wait !== "none") {
        const target = nbCfgOf(results);
        if (target !== undefined) await waitNbCfg(this.reader, wait, target, options.timeoutMs ?? 30_000);
      }
      // uuid-name -> UUID, built on the first `uuid()` call (most callers never make one).
      let names: Map<string, string> | undefined;
      const named = (): Map<string, string> => {
        if (names) return names;
        names = new Map();
        for (let i = 0; i < ops.length; i++) {
          const op = ops[i]!;
          const r = results[i];
          if (op.op === "insert" && op["uuid-name"] && r && typeof r === "object" && "uuid" in r) names.set(op["uuid-name"], (r.uuid as readonly [string, string])[1]);
        }
        return names;
      };
      return {
        results,
        uuid<N extends string>(ref: Ref<N>): RowUuid<N> {
          const u = named().get(ref) ?? (isUuid(ref) ? ref : undefined);
          if (u === undefined) throw new OvnInvalidArgumentError("reference", ref, "not created in this transaction");
          return u as RowUuid<N>;
        },
      };
    } finally {
      this.state = "done";

    }
  }

  // ---------------------------------------------------------------- DNS, LB groups, forwarding groups, CoPP, IPv6 RA

  // Implemented in dns.ts, lb-group.ts, fwd-group.ts, copp.ts and ipv6-ra.ts over this context.

  /** The context the family and feature modules build on (built once, on first use). */
  private txContext: TxContext | undefined;

  /** @internal */
  protected override get x(): TxContext {
    return (this.txContext ??= new NbTransaction.Context(this));
  }

  /**
   * The {@link TxContext} of one transaction: its methods live on a prototype and forward to the
   * transaction's (one small object per transaction rather than a closure per method).
   */
  private static readonly Context = class implements TxContext {
    constructor(private readonly t: NbTransaction) {}
    get reader(): NbReader {
      return this.t.reader;
    }
    open(): void {
      this.t.open();
    }
    push(...ops: Operation[]): void {
      this.t.emitIn(undefined, ...ops);
    }
    pushIn(schema: DatabaseSchema, ...ops: Operation[]): void {
      this.t.emitIn(schema, ...ops);
    }
    schema(): Promise<OvnSchemaInfo> {
      return this.t.schemaInfo();
    }
    rows<N extends TableName>(table: N, where: NbWhere<N>): Promise<Row<N>[]> {
      return this.t.rows(table, where);
    }
    lookup<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow?: boolean): Promise<{ ref: Ref<N>; row: Row<N> | undefined } | undefined> {
      return this.t.lookup(kind, table, name, withRow);
    }
    need<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow?: boolean): Promise<{ ref: Ref<N>; row: Row<N> | undefined }> {
      return this.t.need(kind, table, name, withRow);
    }
    byUuid<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
      return this.t.byUuid(table, uuids);
    }
    guardAbsent(table: GuardedTable, name: string): void {
      this.t.guardAbsent(table, name);
    }
    pendingRef<N extends TableName>(table: N, name: string): NamedRef<N> | undefined {
      return this.t.pendingRef(table, name);
    }
    switchOf(port: Ref<"Logical_Switch_Port">): Promise<string | undefined> {
      return switches.switchOf(this, port);
    }
    isInserted(uuid: string): boolean {
      return this.t.view.isInserted(uuid);
    }
  };
}

let bundled: OvnSchemaInfo | undefined;
/** The bundled NB model's schema (OVN 23.03), described. */
export function bundledNbSchema(): OvnSchemaInfo {
  return (bundled ??= describeOvnSchema("OVN_Northbound", model.schema));
}
