/**
 * Reads of a {@link Replica}'s tables (rows by UUID, `where` queries, schema and client-defined
 * indexes) and the guards built from what it holds (RFC 7047 §5.2.6 `wait` operations).
 *
 * @module
 */

import { compileWhere } from "../schema/condition.js";
import type { Datum, Row } from "../schema/datum.js";
import { encodeWhere } from "../model/model.js";
import type { Json } from "../wire/notation.js";
import type { Operation } from "../wire/operations.js";
import { valuesKey } from "./indexes.js";
import { ReplicaError } from "./replica-types.js";
import type { TableStore } from "./table-store.js";

const EMPTY: ReadonlySet<never> = new Set();

/** The store of a replicated table; a {@link ReplicaError} for any other. */
export function storeOf(tables: ReadonlyMap<string, TableStore>, name: string): TableStore {
  const t = tables.get(name);
  if (!t) throw new ReplicaError(`table ${name} is not replicated (replicated: ${[...tables.keys()].join(", ")})`);
  return t;
}

/** Rows of `t` matching a typed `where`, evaluated as the server would evaluate the same `select`. */
export function findRows(t: TableStore, where: Parameters<typeof encodeWhere>[1]): Row[] {
  const w = compileWhere(t.schema, encodeWhere(t.schema, where));
  const out: Row[] = [];
  for (const r of t.rows.values()) if (w.test(r)) out.push(r);
  return out;
}

/** The row whose schema index over `columns` has these values; a {@link ReplicaError} when there is no such index. */
export function rowByIndex(t: TableStore, table: string, columns: readonly string[], values: readonly Datum[]): Row | undefined {
  let u: TableStore["uniques"][number] | undefined;
  for (const x of t.uniques) {
    if (x.columns.length === columns.length && (columns.length === 1 ? x.columns[0] === columns[0] : x.columns.every((c, i) => c === columns[i]))) {
      u = x;
      break;
    }
  }
  if (!u) throw new ReplicaError(`table ${table} has no schema index on (${columns.join(", ")})`);
  return u.map.get(valuesKey(values));
}

/** Rows under `key` in the client-defined index `name` of `t` (a live view). */
export function rowsByKey(t: TableStore, table: string, name: string, key: readonly Datum[]): ReadonlySet<Row> {
  const ix = t.indexes.get(name);
  if (!ix) throw new ReplicaError(`table ${table} has no index "${name}"`);
  return ix.get(valuesKey(key)) ?? EMPTY;
}

/** A `wait` that fails the transaction unless row `uuid` of `t` still has the `_version` the replica holds. */
export function guardOf(t: TableStore, table: string, uuid: string): Operation {
  const row = t.rows.get(uuid);
  if (!row) throw new ReplicaError(`${table} ${uuid} is not in the replica`);
  const v = row["_version"];
  if (typeof v !== "string") throw new ReplicaError(`${table} is replicated without _version: cannot guard`);
  return { op: "wait", table, where: [["_uuid", "==", ["uuid", uuid]]], columns: ["_version"], until: "==", rows: [{ _version: ["uuid", v] }], timeout: 0 };
}

/** A `wait` that fails unless no row of `table` has `column == value`. */
export function guardAbsentOf(table: string, column: string, value: Json): Operation {
  return { op: "wait", table, where: [[column, "==", value as never]], columns: [column], until: "==", rows: [], timeout: 0 };
}
