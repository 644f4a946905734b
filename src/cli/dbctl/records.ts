/**
 * Record lookup, text notation and printing shared by the db-ctl commands: how OVS's `*-ctl` tools find
 * a record (UUID, name, `.`), read `COLUMN[:KEY]=VALUE` in the text notation, and print rows.
 *
 * @module
 */
import type { Condition } from "../../ovsdb/wire/operations.js";
import { type JsonAtom, type JsonValue, isUuid } from "../../ovsdb/wire/notation.js";
import { type ColumnSchema, type DatabaseSchema, type TableSchema, columnOf } from "../../ovsdb/schema/schema.js";
import { type Atom, type BaseType, type ColumnType, columnShape } from "../../ovsdb/schema/types.js";
import { compareAtoms, datumFromJson } from "../../ovsdb/schema/datum.js";
import { atomToText, datumToText } from "../../ovsdb/text/datum-text.js";
import type { Cell } from "../../ovsdb/text/table.js";
import { type TextParseOptions, atomFromOvsText, datumFromOvsText } from "../../ovsdb/text/datum-parse.js";
import { idlTableOrders, sortByIdlOrder } from "../../ovsdb/client/idl-order.js";
import { UsageError } from "../io.js";
import { closest } from "../suggest.js";
import type { DbCtx, Opts } from "./context.js";

/** Finds the table whose name matches `name` case-insensitively, as OVS tools accept. */
export function findTable(schema: DatabaseSchema, name: string): TableSchema {
  const exact = schema.tables.get(name);
  if (exact) return exact;
  const matches = [...schema.tables.values()].filter((t) => t.name.toLowerCase() === name.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  const near = closest(name, schema.tables.keys());
  throw new UsageError(`unknown table "${name}"`, near ? `did you mean the table "${near}"?` : undefined);
}

// ---------------------------------------------------------------- raw rows

/** A row as the server returns it (JSON notation). */
export type RawRow = Record<string, JsonValue>;

export async function rawRows(ctx: DbCtx, table: string, where: Condition[] = []): Promise<RawRow[]> {
  const [r] = (await ctx.view.transact(ctx.database, [{ op: "select", table, where }])).results;
  const rows = (r as { rows?: RawRow[] } | undefined)?.rows ?? [];
  return rows;
}

/** The UUID of a raw row. */
export function uuidOf(r: RawRow): string {
  return (r["_uuid"] as readonly [string, string])[1];
}

/** Looks a record up as ovn-nbctl does: by UUID, by `name` (when the table has one), or `.` for NB_Global. */
export async function getRecord(ctx: DbCtx, t: TableSchema, id: string, mustExist = true): Promise<RawRow | undefined> {
  if (id.startsWith("@")) {
    const s = ctx.symbols.get(id);
    if (!s || s.named) throw new UsageError(`row id "${id}" is not a committed row`);
    id = s.id;
  }
  if (isUuid(id)) {
    const rows = await rawRows(ctx, t.name, [["_uuid", "==", ["uuid", id]]]);
    if (rows[0]) return rows[0];
  }
  let rows: RawRow[] = [];
  if (t.name === "NB_Global" && id === ".") rows = await rawRows(ctx, t.name);
  else if (columnOf(t, "name")?.type.key.type === "string" && columnShape(columnOf(t, "name")!.type) === "scalar") rows = await rawRows(ctx, t.name, [["name", "==", id]]);
  if (rows.length > 1) throw new UsageError(`multiple rows in ${t.name} match "${id}"`);
  if (!rows[0] && mustExist) throw new UsageError(`no row "${id}" in table ${t.name}`);
  return rows[0];
}

// ---------------------------------------------------------------- text notation → JSON

/** How `@name` symbols of this run (`--id=@name`) read in the text notation. */
export function textOptions(ctx: DbCtx, what: string): TextParseOptions {
  return {
    what,
    symbol: (t) => {
      const s = ctx.symbols.get(t);
      if (!s) throw new UsageError(`row id "${t}" is referenced but never created (e.g. with "-- --id=${t} create ...")`);
      return s.named ? ["named-uuid", s.id] : ["uuid", s.id];
    },
  };
}

/** Parses one atom of `base` in the OVS text notation (with this run's `@name` symbols). */
export function atomFromText(base: BaseType, text: string, ctx: DbCtx, what: string): JsonAtom {
  return atomFromOvsText(base, text, textOptions(ctx, what));
}

/** Parses a datum of `type` in the OVS text notation (with this run's `@name` symbols). */
export function valueFromText(type: ColumnType, text: string, ctx: DbCtx, what: string): JsonValue {
  return datumFromOvsText(type, text, textOptions(ctx, what));
}

/** Parses `COLUMN[:KEY]` (+ operator and value when `withValue`). */
export function parseColumnArg(t: TableSchema, arg: string): { col: ColumnSchema; key: string | undefined; rest: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::("(?:[^"\\]|\\.)*"|[^=!<>{}]*))?(.*)$/s.exec(arg);
  if (!m) throw new UsageError(`"${arg}": bad column argument`);
  const col = columnOf(t, m[1]!);
  if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${m[1]}"`);
  let key = m[2];
  if (key !== undefined && key.startsWith('"')) key = JSON.parse(key) as string;
  return { col, key, rest: m[3] ?? "" };
}

// ---------------------------------------------------------------- printing helpers

/** A table cell for a column value. */
export function cellOf(col: ColumnSchema | undefined, json: JsonValue | undefined): Cell {
  if (json === undefined) return { text: "" };
  return col ? { json, type: col.type } : { json };
}

/** Prints rows as `list`/`find` do: `--columns` or every column, `_uuid` first. */
export function printRows(ctx: DbCtx, t: TableSchema, rows: RawRow[], columnsOpt: string[] | undefined): string {
  const cols = columnsOpt ?? ["_uuid", ...[...t.columns.keys()].sort()];
  for (const c of cols) if (c !== "_uuid" && c !== "_version" && !columnOf(t, c)) throw new UsageError(`${t.name} does not contain a column whose name matches "${c}"`);
  const uuidType: ColumnType = { key: { type: "uuid" }, min: 1, max: 1 };
  return ctx.printer.format({
    headings: cols,
    rows: rows.map((r) => cols.map((c) => (c === "_uuid" || c === "_version" ? { json: r[c]!, type: uuidType } : cellOf(columnOf(t, c), r[c])))),
  });
}

/** A column value in the text notation, as `get` prints it. */
export function textOf(col: ColumnSchema, json: JsonValue): string {
  const d = datumFromJson({ ...col.type, min: 0, max: "unlimited" } as ColumnType, json, { allowNamedUuid: true });
  const type = col.type;
  if (type.max === 1 && !type.value) {
    const atoms = d as Atom[];
    return atoms.length === 0 ? "[]" : atomToText(atoms[0]!, type.key.type);
  }
  return datumToText(type, d);
}

/** The `--columns` of a command, else of the whole run. */
export function listCols(ctx: DbCtx, opts: Opts): string[] | undefined {
  const c = opts.get("--columns");
  if (typeof c === "string") return c.split(",").map((x) => x.trim()).filter(Boolean);
  return ctx.columns;
}

/** `rows` of `t` in the order ovn-nbctl's IDL iterates them (rows created since go last, by UUID). */
export async function inIdlOrder(ctx: DbCtx, t: TableSchema, rows: RawRow[]): Promise<RawRow[]> {
  const byUuid = rows.sort((a, b) => compareAtoms(uuidOf(a), uuidOf(b)));
  const column = [...t.columns.keys()].find((c) => !c.startsWith("_"));
  if (rows.length < 2 || column === undefined) return byUuid;
  const order = (await idlTableOrders(ctx.client, ctx.database, { [t.name]: column })).get(t.name) ?? [];
  return sortByIdlOrder(byUuid, order, uuidOf);
}
/**
 * A condition selecting a record for a write: a row created earlier in the run, an `@name` symbol, or a
 * record found by {@link getRecord}; `undefined` with `--if-exists` when there is none.
 */
export async function recordRef(ctx: DbCtx, t: TableSchema, rec: string, opts: Opts): Promise<Condition | undefined> {
  const pending = ctx.pendingRef(t.name, rec);
  if (pending !== undefined) return ["_uuid", "==", ["named-uuid", pending]];
  if (rec.startsWith("@")) {
    const s = ctx.symbols.get(rec);
    if (!s) throw new UsageError(`row id "${rec}" is referenced but never created`);
    return ["_uuid", "==", s.named ? ["named-uuid", s.id] : ["uuid", s.id]];
  }
  const row = await getRecord(ctx, t, rec, !opts.has("--if-exists"));
  return row ? ["_uuid", "==", row["_uuid"]!] : undefined;
}
