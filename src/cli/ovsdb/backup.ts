/**
 * `ovn-ts ovsdb backup` and `restore`: a database as an OVSDB file on stdout, and back.
 *
 * @module
 */
import { databaseFromRecords, fileRecord, readRecords } from "../../ovsdb/server/persistence.js";
import { encodeDatum, isDefaultDatum } from "../../ovsdb/server/codec.js";
import type { Datum } from "../../ovsdb/schema/datum.js";
import type { BaseType, ColumnType } from "../../ovsdb/schema/types.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import { type Context, Fatal } from "./context.js";
import { fetchSchema, schemasEqual, tableOrder } from "./schema.js";

/**
 * `backup [SERVER] [DATABASE] > SNAPSHOT`: writes the database as a standalone database file (the
 * server's schema, then one record with every row: persistent columns, `_is_diff`, and
 * ovsdb-client's comment), which `ovsdb-tool` and `restore` read.
 */
export async function backup(ctx: Context): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  const tables = tableOrder(json);
  const columns = (t: string) => ["_uuid", ...[...schema.tables.get(t)!.columns.values()].filter((c) => !c.ephemeral).map((c) => c.name)];
  const ops = tables.map((t) => ({ op: "select", table: t, where: [], columns: columns(t) }));
  const reply: unknown[] = await ctx.client!.transactRaw(ctx.database!, ops);
  if (!Array.isArray(reply) || reply.length !== tables.length) throw new Fatal(`reply is not array of ${tables.length} elements: ${ovsJson(reply)}`);
  const txn: Record<string, unknown> = {};
  tables.forEach((t, i) => {
    const r = reply[i] as { rows?: unknown } | null;
    if (!r || typeof r !== "object" || !Array.isArray(r.rows)) throw new Fatal(`${t} table reply is not an object with a "rows" member array: ${ovsJson(r)}`);
    if (r.rows.length === 0) return;
    const rows: Record<string, unknown> = {};
    for (const row of r.rows as Record<string, unknown>[]) {
      const { _uuid: uuid, ...values } = row;
      if (!Array.isArray(uuid) || uuid[0] !== "uuid" || typeof uuid[1] !== "string") throw new Fatal(`${t} table reply row lacks _uuid member: ${ovsJson(row)}`);
      rows[uuid[1]] = values;
    }
    txn[t] = rows;
  });
  txn["_date"] = Date.now();
  txn["_is_diff"] = true;
  txn["_comment"] = 'produced by "ovsdb-client backup"';
  ctx.io.out(Buffer.concat([fileRecord(json), fileRecord(txn)]).toString("utf8"));
  return 0;
}

/** ovsdb-client's uuid-name for a restored row: "row" and the UUID with underscores. */
export function rowName(uuid: string): string {
  return `row${uuid.replaceAll("-", "_")}`;
}

/** A datum's JSON with every UUID atom as the named-uuid of the row it names (`ovsdb_datum_to_json_with_row_names`). */
export function withRowNames(type: ColumnType, v: Datum): unknown {
  const json = encodeDatum(type, v) as unknown;
  const atom = (base: BaseType, a: unknown) => (base.type === "uuid" && Array.isArray(a) && a[0] === "uuid" ? ["named-uuid", rowName(a[1] as string)] : a);
  if (Array.isArray(json) && json[0] === "map") return ["map", (json[1] as [unknown, unknown][]).map(([k, x]) => [atom(type.key, k), atom(type.value!, x)])];
  if (Array.isArray(json) && json[0] === "set") return ["set", (json[1] as unknown[]).map((a) => atom(type.key, a))];
  return atom(type.key, json);
}

/**
 * `[--force] restore [SERVER] [DATABASE] < SNAPSHOT`: replaces the database's contents with the
 * snapshot's in one transaction, as ovsdb-client does (each table of the snapshot emptied, its rows
 * inserted with new UUIDs, references between them kept). A schema that differs from the
 * server's stops it unless `--force`.
 */
export async function restore(ctx: Context): Promise<number> {
  const data = Buffer.from(await ctx.io.readStdin(), "utf8");
  if (data.length === 0) throw new Fatal("ovsdb error: /dev/stdin: cannot identify file type");
  const { records } = readRecords(data);
  if (records.length === 0) throw new Fatal("ovsdb error: /dev/stdin: unexpected file format");
  let snapshot;
  try {
    snapshot = databaseFromRecords(records, "/dev/stdin");
  } catch (e) {
    throw new Fatal(`ovsdb error: ${(e as Error).message}`);
  }
  const online = (await fetchSchema(ctx)).schema;
  if (!schemasEqual(snapshot.schema, online)) {
    const what =
      snapshot.schema.version !== online.version
        ? `backup schema has version "${snapshot.schema.version}" but database schema has version "${online.version}"`
        : `backup schema and database schema are both version ${online.version} but still differ`;
    if (!ctx.options.force) throw new Fatal(`${what} (use --force to override differences, or "ovsdb-client convert" to change the schema)`);
  }
  const ops: unknown[] = [];
  // ovsdb-client reads the file's schema into a JSON object, then the schema's tables, then the
  // database's tables: three hash tables, each filled in the previous one's order.
  const fileTables = Object.keys((records[0] as { tables: object }).tables);
  for (const t of shashOrder(shashOrder(shashOrder(fileTables)))) {
    const ts = snapshot.schema.tables.get(t)!;
    ops.push({ op: "delete", table: t, where: [] });
    for (const r of snapshot.rows(t).values()) {
      const row: Record<string, unknown> = {};
      for (const c of ts.columns.values()) {
        if (c.ephemeral || isDefaultDatum(c.type, r.data[c.name])) continue;
        row[c.name] = withRowNames(c.type, r.data[c.name]);
      }
      ops.push({ op: "insert", table: t, "uuid-name": rowName(r.uuid), row });
    }
  }
  const result: unknown[] = await ctx.client!.transactRaw(snapshot.name, ops);
  if (!Array.isArray(result)) throw new Fatal("result is not array");
  for (const r of result) {
    if (r === null || typeof r !== "object" || Array.isArray(r)) throw new Fatal("result array element is not object");
    if ("error" in r) throw new Fatal(`server returned error reply: ${ovsJson(r)}`);
  }
  return 0;
}
