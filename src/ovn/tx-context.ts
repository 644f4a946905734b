/**
 * The parts of an {@link NbTransaction} that the feature modules (DNS, load balancer groups,
 * forwarding groups, CoPP, IPv6 router advertisements) build on, so that they follow the same
 * rules as the core calls: lookups see the objects created or deleted earlier in the transaction,
 * creations are guarded by `wait` operations, and every error names the object.
 *
 * Internal: the public surface is the methods of {@link NbTransaction}.
 *
 * @internal
 * @module
 */
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";
import type { OvnSchemaInfo } from "./schema-features.js";
import { model, type Row, type TableName } from "../ovsdb/models/ovn-nb.js";
import type { NamedRef, Ref } from "../ovsdb/model/types.js";
import type { Operation } from "../ovsdb/wire/operations.js";
import { OvnNotFoundError, type OvnObjectKind } from "./errors.js";
import type { NbReader, NbWhere } from "./reader.js";

/** A row found by a lookup: its reference, and the row unless it was created in this transaction. */
export interface Found<N extends TableName> {
  readonly ref: Ref<N>;
  readonly row: Row<N> | undefined;
}

/** The named tables whose creations are guarded with {@link TxContext.guardAbsent}. */
export type GuardedTable =
  | "Logical_Switch"
  | "Logical_Switch_Port"
  | "Logical_Router"
  | "Logical_Router_Port"
  | "Port_Group"
  | "Address_Set"
  | "Load_Balancer"
  | "Load_Balancer_Group"
  | "Forwarding_Group"
  | "Copp";

/** What a feature module may do inside one transaction. */
export interface TxContext {
  /** Throws when the transaction was already committed. */
  open(): void;
  /** Appends operations. */
  push(...ops: Operation[]): void;
  /** Appends operations built with a newer release's model, valid in the server's `schema` (the pending view reads them with it). */
  pushIn(schema: DatabaseSchema, ...ops: Operation[]): void;
  /** What the server's NB schema has (detected once per connection, see {@link OvnNb.schema}). */
  schema(): Promise<OvnSchemaInfo>;
  /** The reader lookups go through. */
  readonly reader: NbReader;
  /** Rows of `table` matching `where`, as the transaction leaves them (its deletes hidden, its inserts and updates seen). */
  rows<N extends TableName>(table: N, where: NbWhere<N>): Promise<Row<N>[]>;
  /** A named row (by name or UUID), as the transaction leaves it (rows it created found, rows it deleted not). */
  lookup<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow?: boolean): Promise<Found<N> | undefined>;
  /** As {@link TxContext.lookup}, throwing `OvnNotFoundError` when absent. */
  need<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow?: boolean): Promise<Found<N>>;
  /** Adds a `wait` that fails the commit if a row named `name` appears in `table` meanwhile. */
  guardAbsent(table: GuardedTable, name: string): void;
  /** Rows of `table` by UUID (or uuid-name), as the transaction leaves them. */
  byUuid<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]>;
  /** A row created earlier in this transaction, by table and name. */
  pendingRef<N extends TableName>(table: N, name: string): NamedRef<N> | undefined;
  /** The name of the switch holding port `port`, if any. */
  switchOf(port: Ref<"Logical_Switch_Port">): Promise<string | undefined>;
  /** Whether `uuid` is the uuid-name of a row inserted earlier in the transaction. */
  isInserted(uuid: string): boolean;
}

/**
 * The named row to delete: undefined when absent and `ifExists`, else an `OvnNotFoundError`
 * naming it.
 */
export async function toDelete<N extends TableName>(x: TxContext, kind: OvnObjectKind, table: N, name: string, ifExists: boolean | undefined, withRow = false): Promise<Found<N> | undefined> {
  const found = await x.lookup(kind, table, name, withRow);
  if (!found && !ifExists) throw new OvnNotFoundError(kind, name);
  return found;
}

/** A switch or a router, as the owner of a reference column. */
export type Owner = { readonly switch: string } | { readonly router: string };

/** The reference columns of switches and routers that the feature modules manage. */
type OwnerColumn = "dns_records" | "load_balancer_group" | "copp";

/** Resolves `owner` (must exist) to its table, reference, row and a label for messages. */
export async function ownerOf(x: TxContext, owner: Owner): Promise<{ table: "Logical_Switch" | "Logical_Router"; found: Found<"Logical_Switch"> | Found<"Logical_Router">; label: { kind: string; name: string } }> {
  if ("switch" in owner) return { table: "Logical_Switch", found: await x.need("logical switch", "Logical_Switch", owner.switch), label: { kind: "switch", name: owner.switch } };
  return { table: "Logical_Router", found: await x.need("logical router", "Logical_Router", owner.router), label: { kind: "router", name: owner.router } };
}

/** A `mutate` of `column` of the owner row `ref` (a switch or a router). */
export function mutateOwner(table: "Logical_Switch" | "Logical_Router", ref: string, column: OwnerColumn, mutator: "insert" | "delete", refs: readonly string[]): Operation {
  // Both tables have the column with the same type; the model's typing cannot express "either table".
  return model.table(table as "Logical_Switch").mutate({ _uuid: ref as Ref<"Logical_Switch"> }, [[column as "load_balancer_group", mutator, refs as Ref<"Load_Balancer_Group">[]]]);
}

/**
 * Detaches `target` from `column` of `owner`; when the owner does not hold it, throws
 * `OvnNotFoundError(kind, name, owner)` unless `ifExists`.
 */
export async function detach(x: TxContext, owner: Owner, column: OwnerColumn, target: Ref<string> | undefined, kind: OvnObjectKind, name: string, ifExists: boolean | undefined): Promise<void> {
  const o = await ownerOf(x, owner);
  const row = o.found.row as Record<OwnerColumn, unknown> | undefined;
  const held = target !== undefined && (row === undefined || ([] as unknown[]).concat(row[column] ?? []).includes(target));
  if (!held) {
    if (ifExists) return;
    throw new OvnNotFoundError(kind, name, o.label);
  }
  x.push(mutateOwner(o.table, o.found.ref, column, "delete", [target]));
}
