/**
 * Reads after writes in one `ovn-ts nbctl` run. ovn-nbctl runs every command of a run against its
 * IDL, where the run's own uncommitted changes are already visible: rows it inserted or deleted
 * and columns it set wholesale, but not the elements it added to or removed from a set column
 * with a partial update (its `addvalue`/`delvalue`, e.g. a port added to a switch's `ports`),
 * which the IDL applies only after the commit.
 *
 * Here the same view comes from the server itself: the run's pending operations are sent again,
 * followed by the reads and an `abort` (RFC 7047 §5.2.8), so nothing is committed and the reads
 * see the pending state. Mutations of reference sets are left out of that preview, as the IDL
 * leaves them out of its view. Inserted rows get their UUIDs chosen by the client (OVS's `uuid`
 * member of `insert`), so a row the preview shows has the UUID it will have once committed and
 * later commands can refer to it.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import { throwTransactError } from "../../ovsdb/client/client.js";
import type { TransactClient } from "../../ovsdb/model/model.js";
import type { DatabaseSchema } from "../../ovsdb/schema/schema.js";
import type { Operation, OperationResult } from "../../ovsdb/wire/operations.js";

/** Gives every `insert` of `ops` that has none a UUID of its own (in place), so previews and the commit agree. */
export function pinInsertUuids(ops: readonly Operation[]): void {
  for (const op of ops) if (op.op === "insert" && op.uuid === undefined) (op as { uuid?: string }).uuid = randomUUID();
}

/** The UUID pinned to the insert named `uuidName` in `ops`, if any. */
export function pinnedUuid(ops: readonly Operation[], uuidName: string): string | undefined {
  for (const op of ops) if (op.op === "insert" && op["uuid-name"] === uuidName) return op.uuid;
  return undefined;
}

/** Operations ovn-nbctl applies to its IDL at once (its generic `add`, `remove`, `destroy`), whatever their form here. */
const wholeWrites = new WeakSet<Operation>();

/** Marks `op` as one whose effect later commands of the run see (ovn-nbctl writes the whole column or deletes the row itself). */
export function visibleAtOnce<O extends Operation>(op: O): O {
  wholeWrites.add(op);
  return op;
}

/**
 * True when the operation changes the IDL's view at once: not a partial update of a reference
 * set, not the deletion of a row of a non-root table (ovn-nbctl only drops the reference and lets
 * the server collect the row), not a `wait`.
 */
export function visibleInIdl(schema: DatabaseSchema, op: Operation): boolean {
  if (wholeWrites.has(op) || op.op === "insert" || op.op === "update") return true;
  if (op.op === "delete") return schema.tables.get(op.table)?.isRoot !== false;
  if (op.op !== "mutate") return false;
  const table = schema.tables.get(op.table);
  return op.mutations.every(([column]) => {
    const type = table?.columns.get(column)?.type;
    return type === undefined || (type.key.type !== "uuid" && type.value?.type !== "uuid");
  });
}

/**
 * Sends `ops` in a transaction that ends with `abort`, and returns their results. Fails with the
 * server's error when one of them fails (the abort's own `aborted` error is the expected outcome).
 */
export async function transactAborted(client: OvsdbClient, database: string, ops: readonly Operation[]): Promise<OperationResult[]> {
  const all: Operation[] = [...ops, { op: "abort" }];
  const results = await client.transactRaw(database, all);
  throwTransactError(database, ops, results.slice(0, ops.length));
  return results.slice(0, ops.length);
}

/** The uuid-names an operation refers to (`["named-uuid", NAME]` anywhere in it). */
function namedRefs(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    if (value.length === 2 && value[0] === "named-uuid" && typeof value[1] === "string") out.add(value[1]);
    else for (const v of value) namedRefs(v, out);
  } else if (value !== null && typeof value === "object") for (const v of Object.values(value)) namedRefs(v, out);
  return out;
}

/** What a read selects: its table, and the name or UUID it looks up when that is all its condition says. */
function readTarget(op: Operation): { table: string; name?: string; uuid?: string } | undefined {
  if (op.op !== "select") return undefined;
  const [c, ...more] = op.where;
  if (!c || more.length > 0 || c[1] !== "==") return { table: op.table };
  if (c[0] === "name" && typeof c[2] === "string") return { table: op.table, name: c[2] };
  if (c[0] === "_uuid" && Array.isArray(c[2]) && c[2][0] === "uuid") return { table: op.table, uuid: String(c[2][1]) };
  return { table: op.table };
}

/**
 * The pending operations a set of reads depends on: the IDL-visible ones on the tables read (an
 * insert only when it can match a lookup by name or UUID), plus the inserts that define the
 * uuid-names those refer to. A long run (hundreds of `lsp-add`) then does not send every pending
 * row again for each lookup.
 */
function relevantOps(schema: DatabaseSchema, pending: readonly Operation[], reads: readonly Operation[]): Operation[] {
  const targets = reads.map(readTarget);
  if (targets.some((t) => t === undefined)) return pending.filter((op) => visibleInIdl(schema, op));
  const keep = new Set<Operation>();
  const tableOf = (op: Operation) => ("table" in op ? op.table : undefined);
  // A table where a pending update renames rows gets all its pending inserts (one may be renamed).
  const changed = new Set(pending.filter((op) => op.op === "update" && "name" in op.row).map(tableOf));
  for (const op of pending) {
    if (!visibleInIdl(schema, op)) continue;
    const mine = targets.filter((t) => t!.table === tableOf(op));
    if (mine.length === 0) continue;
    if (op.op === "insert" && !changed.has(op.table)) {
      const name = (op.row as { name?: unknown }).name;
      const could = mine.some((t) => (t!.name === undefined || t!.name === name) && (t!.uuid === undefined || t!.uuid === op.uuid));
      if (!could) continue;
    }
    keep.add(op);
  }
  // The inserts that define the uuid-names the kept operations use, transitively.
  const defining = new Map(pending.filter((op) => op.op === "insert" && op["uuid-name"] !== undefined).map((op) => [(op as { "uuid-name": string })["uuid-name"], op]));
  const todo = [...keep];
  for (let op = todo.pop(); op !== undefined; op = todo.pop()) {
    for (const n of namedRefs(op, new Set())) {
      const def = defining.get(n);
      if (def && !keep.has(def)) {
        keep.add(def);
        todo.push(def);
      }
    }
  }
  return pending.filter((op) => keep.has(op));
}

/**
 * A {@link TransactClient} whose transactions see the pending operations `pending()` (their
 * IDL-visible part) without committing them: what ovn-nbctl's later commands of a run read.
 * With nothing relevant pending it is `client` itself.
 */
export function previewClient(client: OvsdbClient, schema: DatabaseSchema, pending: () => readonly Operation[]): TransactClient {
  return {
    async transact(database, operations, options) {
      const ops = pending();
      pinInsertUuids(ops);
      const before = relevantOps(schema, ops, operations);
      if (before.length === 0) return client.transact(database, operations, options);
      const results = await transactAborted(client, database, [...before, ...operations]);
      return { results: results.slice(before.length) };
    },
  };
}
