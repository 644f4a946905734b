/**
 * The schema commands of `ovn-ts ovsdb`: `list-dbs`, `get-schema`, `get-schema-version`, `get-schema-cksum`, `list-tables`, `list-columns`, `convert`, `needs-conversion`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { compareAtoms, compareUtf8 } from "../../ovsdb/schema/datum.js";
import { type DatabaseSchema, columnOf, parseSchema, schemaToJson } from "../../ovsdb/schema/schema.js";
import type { BaseType, ColumnType } from "../../ovsdb/schema/types.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import type { Cell, Table } from "../../ovsdb/text/table.js";
import { type Context, Fatal, openRpc } from "./context.js";

/** Fetches the database's schema (its JSON and the parsed form). */
export async function fetchSchema(ctx: Context): Promise<{ json: Record<string, unknown>; schema: DatabaseSchema }> {
  const json = (await ctx.client!.getSchema(ctx.database!)) as Record<string, unknown>;
  return { json, schema: parseSchema(json) };
}

/** `list-dbs`: one database name per line. */
export async function listDbs(ctx: Context): Promise<number> {
  const dbs = (await ctx.client!.listDbs()).sort(compareUtf8);
  ctx.io.out(dbs.map((d) => `${d}\n`).join(""));
  return 0;
}

/** `get-schema`: the schema as JSON. */
export async function getSchema(ctx: Context): Promise<number> {
  const { json } = await fetchSchema(ctx);
  ctx.io.out(ovsJson(json, { pretty: ctx.style.pretty }) + "\n");
  return 0;
}

/** `get-schema-version` / `get-schema-cksum`. */
export async function schemaField(ctx: Context, field: "version" | "cksum"): Promise<number> {
  const { json } = await fetchSchema(ctx);
  ctx.io.out(`${(json[field] as string | undefined) ?? ""}\n`);
  return 0;
}

/** Table names in the order ovsdb-client iterates them (OVS shash order of the received schema). */
export function tableOrder(json: Record<string, unknown>): string[] {
  return shashOrder(shashOrder(Object.keys(json["tables"] as object)));
}

/** Column names of a table in ovsdb-client's order (`_uuid`, `_version` first into the shash). */
export function columnOrder(json: Record<string, unknown>, table: string): string[] {
  const t = (json["tables"] as Record<string, { columns: object }>)[table]!;
  return shashOrder(["_uuid", "_version", ...shashOrder(Object.keys(t.columns))]);
}

/** `list-tables`: a table of table names. */
export async function listTables(ctx: Context): Promise<number> {
  const { json } = await fetchSchema(ctx);
  const t: Table = { headings: ["Table"], rows: tableOrder(json).map((n) => [{ text: n }]) };
  ctx.io.out(ctx.printer.format(t));
  return 0;
}

/** The JSON of a column type as OVS prints it (`ovsdb_type_to_json`). */
export function ovsTypeJson(t: ColumnType): unknown {
  const base = (b: BaseType): unknown => {
    const o: Record<string, unknown> = { type: b.type };
    if (b.enum) {
      const atoms = [...b.enum].sort(compareAtoms).map((a) => (b.type === "uuid" ? ["uuid", a] : a));
      o["enum"] = atoms.length === 1 ? atoms[0] : ["set", atoms];
    }
    if (b.minInteger !== undefined) o["minInteger"] = b.minInteger;
    if (b.maxInteger !== undefined) o["maxInteger"] = b.maxInteger;
    if (b.minReal !== undefined) o["minReal"] = b.minReal;
    if (b.maxReal !== undefined) o["maxReal"] = b.maxReal;
    if (b.minLength !== undefined && b.minLength !== 0) o["minLength"] = b.minLength;
    if (b.maxLength !== undefined) o["maxLength"] = b.maxLength;
    if (b.refTable) {
      o["refTable"] = b.refTable;
      if (b.refType === "weak") o["refType"] = "weak";
    }
    return Object.keys(o).length === 1 ? b.type : o;
  };
  const key = base(t.key);
  if (!t.value && t.min === 1 && t.max === 1 && typeof key === "string") return key;
  const o: Record<string, unknown> = { key };
  if (t.value) o["value"] = base(t.value);
  if (t.min !== 1) o["min"] = t.min;
  if (t.max !== 1) o["max"] = t.max;
  return o;
}

/** `list-columns [TABLE]`: a table of columns and their types. */
export async function listColumns(ctx: Context, args: string[]): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  const only = args[0];
  const headings = only ? ["Column", "Type"] : ["Table", "Column", "Type"];
  const rows: Cell[][] = [];
  for (const tn of tableOrder(json)) {
    if (only && tn !== only) continue;
    const ts = schema.tables.get(tn)!;
    for (const cn of columnOrder(json, tn)) {
      const col = columnOf(ts, cn)!;
      const row: Cell[] = only ? [] : [{ text: tn }];
      row.push({ text: cn }, { json: ovsTypeJson(col.type) });
      rows.push(row);
    }
  }
  ctx.io.out(ctx.printer.format({ headings, rows }));
  return 0;
}

/** Reads a schema file as ovsdb-client does, with its messages ("failed to read schema: ..."). */
export function readSchemaForCli(file: string): { json: unknown; schema: DatabaseSchema } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : code === "EISDIR" ? "Is a directory" : (e as Error).message;
    throw new Fatal(`failed to read schema: "${file}" could not be read as JSON (error opening "${file}": ${why})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Fatal(`failed to read schema: "${file}" could not be read as JSON (${(e as Error).message})`);
  }
  try {
    return { json, schema: parseSchema(json) };
  } catch (e) {
    // ovsdb-client also quotes the offending JSON fragment and words the reason its own way.
    throw new Fatal(`syntax error: failed to parse "${file}" as ovsdb schema: ${(e as Error).message}`);
  }
}

/** Sorts every `enum` set of a column type's JSON in place: an enum is a set, its order means nothing. */
function sortEnums(v: unknown): void {
  if (Array.isArray(v)) return v.forEach(sortEnums);
  if (v === null || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v)) {
    if (k === "enum" && Array.isArray(x) && x[0] === "set" && Array.isArray(x[1])) x[1].sort((p: unknown, q: unknown) => (String(p) < String(q) ? -1 : String(p) > String(q) ? 1 : 0));
    else sortEnums(x);
  }
}

/** `ovsdb_schema_equal`: the two schemas mean the same (compared in their canonical JSON form). */
export function schemasEqual(a: DatabaseSchema, b: DatabaseSchema): boolean {
  // A schema that marks no table as root has every table root (RFC 7047 §3.2), as one that marks them all.
  const canonical = (s: DatabaseSchema) => {
    const json = schemaToJson(s) as { tables: Record<string, Record<string, unknown>> };
    const allRoot = ![...s.tables.values()].some((t) => t.isRoot);
    for (const t of Object.values(json.tables)) {
      if (allRoot) t["isRoot"] = true;
      else if (t["isRoot"] === undefined) t["isRoot"] = false;
    }
    // ovsdb-server returns enums sorted (as datums); a schema file may list them in any order
    sortEnums(json.tables);
    return json;
  };
  return isDeepStrictEqual(canonical(a), canonical(b));
}

/**
 * `convert [SERVER] SCHEMA` (sends the `convert` request as a change-aware client, prints nothing)
 * and `needs-conversion [SERVER] SCHEMA` (prints "yes" or "no"), as ovsdb-client: the database is
 * the one the schema names.
 */
export async function convertCommand(ctx: Context, args: string[], check: boolean): Promise<number> {
  const { json, schema } = readSchemaForCli(args[args.length - 1]!);
  const rest = await openRpc(ctx, 1, "database", args, schema.name);
  if (rest.length !== 1) throw new Fatal(`invalid syntax for '${check ? "needs-conversion" : "convert"}' (use --help for help)`);
  if (check) {
    const online = parseSchema(await ctx.client!.getSchema(schema.name));
    ctx.io.out(schemasEqual(schema, online) ? "no\n" : "yes\n");
    return 0;
  }
  await ctx.client!.setDbChangeAware(true);
  // A server error reaches the entry point's catch, which prints it as ovsdb-client does.
  await ctx.client!.call("convert", [schema.name, json]);
  return 0;
}
