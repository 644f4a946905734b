/**
 * The partial map/set writes of OVS's `test-ovsdb.py idl` (`partialmap*`, `partialset*`,
 * `partialrenamesetadd`, `partialduplicateadd`: the Python IDL's `setkey`/`delkey`/`addvalue`/
 * `delvalue`, the C IDL's `ovsdb_idl_txn_write_partial_map/_set`) translated to what a Replica
 * user writes instead: the model's typed `mutate` builder with `insert`/`delete` mutations, in the
 * transaction the IDL would send (per row in write order: its `insert` or `update`, then one
 * `mutate` with the removals before the insertions). Each command follows its `test-ovsdb.py`
 * counterpart: a `setkey` on an existing row removes the key first, a `delkey` with a value
 * removes the key only when it holds that value, writing a whole column drops that column's
 * pending partial updates.
 */
import { isDeepStrictEqual } from "node:util";
import { defineModel, type DatabaseModel } from "../../../src/ovsdb/model/model.js";
import type { TableDef } from "../../../src/ovsdb/model/types.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import type { RowChange } from "../../../src/ovsdb/cache/row-change.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";

/** The partial-update commands of test-ovsdb.py's `idl_set` translated here. */
export const PARTIAL_COMMANDS = new Set([
  "partialmapinsertelement",
  "partialmapinsertmultipleelements",
  "partialmapdelelements",
  "partialmapmutatenew",
  "partialrenamesetadd",
  "partialduplicateadd",
  "partialsetdel",
  "partialsetref",
  "partialsetoverrideops",
  "partialsetadddelete",
  "partialsetmutatenew",
  "partialmapmutateirefmap",
]);

type View = ReadonlyMap<string, ReadonlyMap<string, Row>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = DatabaseModel<Record<string, any>>;

/** The typed builders of a table of a model whose row types are not known at compile time. */
interface LooseTable {
  insert(row: object, options: { uuidName: string }): Operation;
  update(where: object, row: object): Operation;
  mutate(where: object, mutations: readonly unknown[]): Operation;
}

/** One row the transaction writes: an existing row (`uuid`, `data`) or a new one (`name`). */
interface Pending {
  readonly table: string;
  readonly uuid?: string;
  readonly data?: Row;
  readonly name?: string;
  readonly changes: Record<string, unknown>;
  readonly inserts: Map<string, Map<unknown, unknown> | Set<unknown>>;
  readonly removes: Map<string, Set<unknown>>;
}

/** The Python IDL's transaction, reduced to what the partial-update commands use. */
class PartialTxn {
  readonly rows: Pending[] = [];
  private named = 0;
  constructor(
    private readonly model: AnyModel,
    private readonly view: View,
  ) {}

  /** The row of `table` whose `name` column is `name` (test-ovsdb.py's `idltest_find`). */
  find(table: string, name: string): Pending {
    const known = this.rows.find((p) => p.table === table && p.data?.name === name);
    if (known) return known;
    for (const [uuid, data] of this.view.get(table) ?? []) {
      if (data.name === name) {
        const p: Pending = { table, uuid, data, changes: {}, inserts: new Map(), removes: new Map() };
        this.rows.push(p);
        return p;
      }
    }
    throw new Error(`no ${table} row with name=${name}`);
  }

  insert(table: string): Pending {
    const p: Pending = { table, name: `partial${this.named++}`, changes: {}, inserts: new Map(), removes: new Map() };
    this.rows.push(p);
    return p;
  }

  /** A reference to `p` inside this transaction (its UUID, or its uuid-name when new). */
  ref(p: Pending): string {
    return p.uuid ?? p.name!;
  }

  set(p: Pending, column: string, value: unknown): void {
    p.inserts.delete(column);
    p.removes.delete(column);
    p.changes[column] = value;
  }

  setkey(p: Pending, column: string, key: unknown, value: unknown): void {
    if (p.data && column in p.data) this.removal(p, column).add(key);
    let m = p.inserts.get(column) as Map<unknown, unknown> | undefined;
    if (!m) p.inserts.set(column, (m = new Map()));
    m.set(key, value);
  }

  delkey(p: Pending, column: string, key: unknown, value?: unknown): void {
    if (value !== undefined) {
      const old = p.data?.[column] as ReadonlyMap<unknown, unknown> | undefined;
      if (!old?.has(key) || old.get(key) !== value) return;
    }
    this.removal(p, column).add(key);
  }

  addvalue(p: Pending, column: string, value: unknown): void {
    let s = p.inserts.get(column) as Set<unknown> | undefined;
    if (!s) p.inserts.set(column, (s = new Set()));
    s.add(value);
  }

  delvalue(p: Pending, column: string, value: unknown): void {
    this.removal(p, column).add(value);
  }

  private removal(p: Pending, column: string): Set<unknown> {
    let s = p.removes.get(column);
    if (!s) p.removes.set(column, (s = new Set()));
    return s;
  }

  /** The operations, in the order the Python IDL's commit builds them. */
  operations(): Operation[] {
    const ops: Operation[] = [];
    for (const p of this.rows) {
      // The idltest model is built at run time, so its builders are used with untyped rows.
      const t = this.model.table(p.table) as unknown as LooseTable;
      const where = { _uuid: this.ref(p) };
      if (p.data === undefined) ops.push(t.insert(p.changes, { uuidName: p.name! }));
      else if (Object.keys(p.changes).length > 0) ops.push(t.update(where, p.changes));
      const mutations: [string, "insert" | "delete", unknown][] = [];
      for (const [column, keys] of p.removes) mutations.push([column, "delete", [...keys]]);
      for (const [column, values] of p.inserts) mutations.push([column, "insert", values instanceof Map ? values : [...values]]);
      if (mutations.length > 0) ops.push(t.mutate(where, mutations));
    }
    return ops;
  }
}

/** A model of the scenario's schema, for the typed builders. */
export function idlModel(schemaJson: unknown): AnyModel {
  return defineModel<Record<string, TableDef>>(schemaJson as never) as AnyModel;
}

/** Translates one `partial*` command (test-ovsdb.py `idl_set`) into operations on the current view. */
export function partialOperations(model: AnyModel, view: View, command: string): Operation[] {
  const txn = new PartialTxn(model, view);
  switch (command) {
    case "partialmapinsertelement": {
      const row = txn.find("simple2", "myString1");
      txn.setkey(row, "smap", "key1", "myList1");
      txn.setkey(row, "imap", 3, "myids2");
      txn.set(row, "name", "String2");
      break;
    }
    case "partialmapinsertmultipleelements": {
      const row = txn.find("simple2", "String2");
      for (const n of [2, 3, 4]) txn.setkey(row, "smap", `key${n}`, `myList${n}`);
      break;
    }
    case "partialmapdelelements": {
      const row = txn.find("simple2", "String2");
      txn.delkey(row, "smap", "key1", "myList1");
      txn.delkey(row, "smap", "key2", "wrongvalue");
      txn.delkey(row, "smap", "key3");
      txn.delkey(row, "smap", "key4");
      break;
    }
    case "partialmapmutatenew": {
      const row = txn.insert("simple2");
      txn.set(row, "name", "String2New");
      txn.setkey(row, "smap", "key1", "newList1");
      txn.setkey(row, "smap", "key2", "newList2");
      break;
    }
    case "partialrenamesetadd": {
      const row = txn.find("simple3", "mySet1");
      txn.addvalue(row, "uset", "001e43d2-dd3f-4616-ab6a-83a490bb0991");
      txn.set(row, "name", "String2");
      break;
    }
    case "partialduplicateadd": {
      const row = txn.find("simple3", "String2");
      txn.addvalue(row, "uset", "0026b3ba-571b-4729-8227-d860a5210ab8");
      txn.addvalue(row, "uset", "0026b3ba-571b-4729-8227-d860a5210ab8");
      break;
    }
    case "partialsetdel":
      txn.delvalue(txn.find("simple3", "String2"), "uset", "001e43d2-dd3f-4616-ab6a-83a490bb0991");
      break;
    case "partialsetref": {
      const fresh = txn.insert("simple4");
      txn.set(fresh, "name", "test");
      txn.addvalue(txn.find("simple3", "String2"), "uref", txn.ref(fresh));
      break;
    }
    case "partialsetoverrideops": {
      const row = txn.find("simple3", "String2");
      txn.addvalue(row, "uset", "579e978d-776c-4f19-a225-268e5890e670");
      txn.delvalue(row, "uset", "0026b3ba-571b-4729-8227-d860a5210ab8");
      txn.set(row, "uset", ["0026b3ba-571b-4729-8227-d860a5210ab8"]);
      break;
    }
    case "partialsetadddelete": {
      const row = txn.find("simple3", "String2");
      txn.addvalue(row, "uset", "b6272353-af9c-40b7-90fe-32a43e6518a1");
      txn.addvalue(row, "uset", "1d6a71a2-dffb-426e-b2fa-b727091f9901");
      txn.delvalue(row, "uset", "0026b3ba-571b-4729-8227-d860a5210ab8");
      break;
    }
    case "partialsetmutatenew": {
      const row41 = txn.insert("simple4");
      txn.set(row41, "name", "new_row41");
      const row3 = txn.insert("simple3");
      txn.set(row3, "name", "String3");
      txn.addvalue(row3, "uset", txn.ref(row41));
      break;
    }
    case "partialmapmutateirefmap": {
      const row3 = txn.find("simple3", "myString1");
      txn.setkey(txn.find("simple5", "myString2"), "irefmap", 1, txn.ref(row3));
      break;
    }
    default:
      throw new Error(`untranslated partial command ${command}`);
  }
  return txn.operations();
}

/**
 * test-ovsdb.py's `notifytest` events for one row change: `create|i|None`, `delete|i|None`, or
 * `update|i|COLUMN` with the first column (in schema order) whose value changed.
 */
export function notifyEvent(change: RowChange, columns: readonly string[]): string {
  switch (change.kind) {
    case "insert":
      return `create|${String(change.new.i)}|None`;
    case "delete":
      return `delete|${String(change.old.i)}|None`;
    case "update": {
      const col = columns.find((c) => !isDeepStrictEqual(change.old[c], change.new[c]));
      return `update|${String(change.new.i)}|${col ?? "None"}`;
    }
  }
}
