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
import type { OvsdbClient } from "../ovsdb/client/client.js";
import { throwTransactError } from "../ovsdb/client/client.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";
import type { Operation, OperationResult } from "../ovsdb/wire/operations.js";

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
function visibleInIdl(schema: DatabaseSchema, op: Operation): boolean {
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

/**
 * A {@link TransactClient} whose transactions see the pending operations `pending()` (their
 * IDL-visible part) without committing them: what ovn-nbctl's later commands of a run read.
 * With nothing pending it is `client` itself.
 */
export function previewClient(client: OvsdbClient, schema: DatabaseSchema, pending: () => readonly Operation[]): TransactClient {
  return {
    async transact(database, operations, options) {
      const ops = pending();
      const before = ops.filter((op) => visibleInIdl(schema, op));
      if (before.length === 0) return client.transact(database, operations, options);
      pinInsertUuids(ops);
      const results = await transactAborted(client, database, [...before, ...operations]);
      return { results: results.slice(before.length) };
    },
  };
}
