/**
 * How the OVN API reads the Northbound database: through the small {@link NbReader} interface,
 * so that the same API runs over plain `select`s now ({@link selectReader}) and over a local
 * replica later (a replica implements `find` from its tables without a round trip).
 *
 * @module
 */
import { model, type Row, type TableName, type Tables } from "../ovsdb/models/ovn-nb.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { RowUuid, Where } from "../ovsdb/model/types.js";
import type { Replica } from "../ovsdb/cache/replica.js";
import { encodeWhere } from "../ovsdb/model/model.js";
import type { DatabaseSchema, TableSchema } from "../ovsdb/schema/schema.js";
import { rowFromJson } from "../ovsdb/schema/datum.js";
import type { Operation, OperationResult } from "../ovsdb/wire/operations.js";
import { ProtocolError, safeJson } from "../ovsdb/wire/errors.js";

/** A `where` clause on NB table `N` (typed, as the model's builders take it). */
export type NbWhere<N extends TableName> = Where<Tables[N]>;

/**
 * Reads rows of the Northbound database. The API only needs "rows of table T matching where";
 * implement this over a replica to avoid round trips, or over a client with {@link selectReader}.
 */
export interface NbReader {
  /** The rows of `table` matching `where` (all rows when omitted). */
  find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]>;
  /**
   * The UUIDs of the rows of `table` matching `where`. Lookups that only need a reference use
   * this, so that a row with a large set (a switch's `ports`, a port group's `ports`) is not
   * transferred just to be referenced.
   */
  ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]>;
  /**
   * The rows of `table` with these UUIDs (absent ones left out), in one round trip. Optional:
   * when missing, {@link readByUuid} falls back to one `find` per UUID, in parallel.
   */
  get?<N extends TableName>(table: N, uuids: readonly string[]): Promise<readonly Row<N>[]>;
}

/** The rows of `table` with these UUIDs through `reader` (its `get` when it has one). */
export async function readByUuid<N extends TableName>(reader: NbReader, table: N, uuids: readonly string[]): Promise<readonly Row<N>[]> {
  if (uuids.length === 0) return [];
  if (reader.get) return reader.get(table, uuids);
  const found = await Promise.all(uuids.map((u) => reader.find(table, { _uuid: u } as unknown as NbWhere<N>)));
  return found.flat();
}

/**
 * The synchronous reads of a reader that answers from memory (the replica's): the same rows as its
 * `find` and `ids`, without a promise per call.
 * @internal
 */
export interface NbReaderNow {
  /** As {@link NbReader.find}, synchronously. */
  find<N extends TableName>(table: N, where?: NbWhere<N>): readonly Row<N>[];
  /** As {@link NbReader.ids}, synchronously. */
  ids<N extends TableName>(table: N, where?: NbWhere<N>): readonly RowUuid<N>[];
}

/**
 * Where a reader keeps a function giving its {@link NbReaderNow} (undefined while it cannot answer
 * synchronously, e.g. a replica not started yet).
 * @internal
 */
export const READ_NOW: unique symbol = Symbol("ovn-ts.ovn.readNow");

/** The synchronous reads of `reader`, when it offers them now. @internal */
export function readNow(reader: NbReader): NbReaderNow | undefined {
  return (reader as { [READ_NOW]?: () => NbReaderNow | undefined })[READ_NOW]?.();
}

/**
 * An {@link NbReader} that sends one `select` transaction per call over `client`. Rows carry the
 * columns of `schema` when given (the server's NB schema, or a function resolving to it once: a
 * newer server's `ACL.tier`, `Logical_Router_Policy.chain`, ...; `undefined` falls back), else
 * the bundled model's (OVN 23.03). `OvnNb` with `reader: "select"` passes the schema it detects.
 */
export function selectReader(client: TransactClient, schema?: DatabaseSchema | (() => Promise<DatabaseSchema | undefined>)): NbReader {
  let server: Promise<DatabaseSchema | undefined> | undefined;
  const tableOf = async (table: TableName): Promise<TableSchema> => {
    if (schema === undefined) return model.table(table).schema;
    server ??= typeof schema === "function" ? schema() : Promise.resolve(schema);
    const known = await server.catch(() => undefined);
    return known?.tables.get(table) ?? model.table(table).schema;
  };
  const select = (table: string, t: TableSchema, where: unknown, columns?: readonly string[]): Operation => ({
    op: "select",
    table,
    where: encodeWhere(t, where ?? []),
    columns: columns ? [...columns] : ["_uuid", "_version", ...t.columns.keys()],
  });
  const rowsOf = (table: string, t: TableSchema, r: OperationResult | undefined): Row<TableName>[] => {
    const rows = r !== null && typeof r === "object" && "rows" in r ? (r as { rows?: unknown }).rows : undefined;
    if (!Array.isArray(rows)) throw new ProtocolError(`select ${table}: unexpected result ${safeJson(r)}`);
    return rows.map((j) => rowFromJson(t.columns, j, { table }) as unknown as Row<TableName>);
  };
  return {
    async find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]> {
      const t = await tableOf(table);
      const { results } = await client.transact(model.name, [select(table, t, where)]);
      return rowsOf(table, t, results[0]) as Row<N>[];
    },
    async ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]> {
      const t = await tableOf(table);
      const { results } = await client.transact(model.name, [select(table, t, where, ["_uuid"])]);
      return rowsOf(table, t, results[0]).map((r) => (r as unknown as { _uuid: RowUuid<N> })._uuid);
    },
    async get<N extends TableName>(table: N, uuids: readonly string[]): Promise<readonly Row<N>[]> {
      if (uuids.length === 0) return [];
      const t = await tableOf(table);
      // One select per UUID, all in one transaction: one round trip.
      const { results } = await client.transact(model.name, uuids.map((u) => select(table, t, { _uuid: u })));
      return uuids.flatMap((_, i) => rowsOf(table, t, results[i])) as Row<N>[];
    },
  };
}

/**
 * An {@link NbReader} over a live replica of the Northbound database: lookups are answered from
 * memory, without a round trip (pass it as `new OvnNb(client, { reader })`, with the replica on the
 * same client so that the API's transactions are read-your-writes).
 */
export function replicaReader(replica: Replica<Tables>): NbReader {
  const find = <N extends TableName>(table: N, where?: NbWhere<N>): readonly Row<N>[] => {
    if (where === undefined) return [...replica.rows(table)] as Row<N>[];
    const fast = indexedLookup(replica, table, where);
    return (fast ?? replica.find(table, where)) as readonly Row<N>[];
  };
  const now: NbReaderNow = {
    find,
    ids: <N extends TableName>(table: N, where?: NbWhere<N>) => find(table, where).map((r) => (r as unknown as { _uuid: RowUuid<N> })._uuid),
  };
  const reader: NbReader & { [READ_NOW]: () => NbReaderNow } = {
    [READ_NOW]: () => now,
    async find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]> {
      return find(table, where);
    },
    async ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]> {
      return find(table, where).map((r) => (r as unknown as { _uuid: RowUuid<N> })._uuid);
    },
    async get<N extends TableName>(table: N, uuids: readonly string[]): Promise<readonly Row<N>[]> {
      const out: Row<N>[] = [];
      for (const u of uuids) {
        const r = replica.get(table, u);
        if (r) out.push(r as Row<N>);
      }
      return out;
    },
  };
  return reader;
}

/**
 * Answers the `where` shapes the OVN API uses most from the replica's indexes instead of a scan:
 * `{ _uuid }`; `{ COLUMN }` on a schema index or a client index named `COLUMN`;
 * `[[COLUMN, "includes", [one]]]` on a client index named `COLUMN[]`; and
 * `[["external_ids", "includes", { key: value }]]` on an index `external_ids[]` keyed
 * `key\0value` (the indexes `startNbReplica` creates). Undefined when no index fits.
 */
function indexedLookup(replica: Replica<Tables>, table: TableName, where: unknown): readonly unknown[] | undefined {
  if (where === null || typeof where !== "object") return undefined;
  if (Array.isArray(where)) {
    // [[COLUMN, "includes", [one]]] or [["external_ids", "includes", { key: value }]].
    if (where.length !== 1) return undefined;
    const [column, fn, value] = where[0] as [string, string, unknown];
    if (fn !== "includes") return undefined;
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string" && hasIndex(replica, table, `${column}[]`)) {
      return [...replica.lookup(table, `${column}[]`, value[0])];
    }
    if (column === "external_ids" && value !== null && typeof value === "object" && !Array.isArray(value) && hasIndex(replica, table, "external_ids[]")) {
      const pairs = value instanceof Map ? [...value] : Object.entries(value);
      if (pairs.length !== 1) return undefined;
      const [k, v] = pairs[0] as [unknown, unknown];
      return [...replica.lookup(table, "external_ids[]", `${String(k)}\u0000${String(v)}`)];
    }
    return undefined;
  }
  const keys = Object.keys(where);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  const v = (where as Record<string, unknown>)[k];
  if (typeof v !== "string") return undefined;
  if (k === "_uuid") {
    const r = replica.get(table, v);
    return r ? [r] : [];
  }
  if (uniqueColumns(table).has(k)) {
    const r = replica.byIndex(table, [k], [v]);
    return r ? [r] : [];
  }
  // A client-defined index named after the column (as `startNbReplica` adds for `name`).
  if (hasIndex(replica, table, k)) return [...replica.lookup(table, k, v)];
  return undefined;
}

/** The columns of each NB table that a single-column schema index makes unique (found once per table). */
const uniques = new Map<string, ReadonlySet<string>>();
function uniqueColumns(table: TableName): ReadonlySet<string> {
  let u = uniques.get(table);
  if (!u) {
    const t = model.schema.tables.get(table);
    uniques.set(table, (u = new Set((t?.indexes ?? []).filter((ix) => ix.length === 1).map((ix) => ix[0]!))));
  }
  return u;
}

const indexCache = new WeakMap<object, Map<string, Map<string, boolean>>>();

/** Whether `replica` has a client-defined index called `name` on `table` (remembered per replica and table). */
function hasIndex(replica: Replica<Tables>, table: TableName, name: string): boolean {
  let m = indexCache.get(replica);
  if (!m) indexCache.set(replica, (m = new Map()));
  let byName = m.get(table);
  if (!byName) m.set(table, (byName = new Map()));
  let has = byName.get(name);
  if (has === undefined) {
    try {
      replica.lookup(table, name, "");
      has = true;
    } catch {
      has = false;
    }
    byName.set(name, has);
  }
  return has;
}
