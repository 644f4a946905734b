/**
 * `ovn-ts ovsdb dump`: every table's rows in `ovsdb-client`'s orders (columns by name, rows by
 * their non-uuid columns and then their uuid columns, as `ovsdb-client dump` sorts them).
 *
 * A dump of a large database is the one command whose speed matters, so rows are kept as the JSON
 * the server sent: they are checked and sorted on that JSON (no native datum per cell), and the
 * `json` format is written row by row in pieces of about a megabyte, never as one giant string.
 *
 * @module
 */
import { compareAtoms, compareUtf8, datumFromJson } from "../../ovsdb/schema/datum.js";
import { type TableSchema, columnOf } from "../../ovsdb/schema/schema.js";
import type { Atom, BaseType, ColumnType } from "../../ovsdb/schema/types.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import type { Table } from "../../ovsdb/text/table.js";
import { withProgress } from "../io.js";
import { type Context, Fatal, tableHint, unconstrained } from "./context.js";
import { columnOrder, fetchSchema } from "./schema.js";

/** `dump [TABLE [COLUMN...]]`: every table's rows, in ovsdb-client's orders. */
export async function dump(ctx: Context, args: string[]): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  let tables: string[];
  let custom: string[] | undefined;
  if (args.length > 0) {
    if (!schema.tables.has(args[0]!)) {
      const hint = await tableHint(ctx, schema, args[0]!);
      if (hint) ctx.hints.push(hint);
      throw new Fatal(`No table "${args[0]}" found.`);
    }
    tables = [args[0]!];
    if (args.length > 1) {
      const ts = schema.tables.get(args[0]!)!;
      custom = [];
      for (const c of args.slice(1)) {
        if (!columnOf(ts, c)) throw new Fatal(`Table "${args[0]}" has no column ${c}.`);
        if (!custom.includes(c)) custom.push(c);
      }
    }
  } else {
    tables = [...schema.tables.keys()].sort(compareUtf8);
  }
  const columnsOf = (t: string) => (custom ?? columnOrder(json, t)).filter((c) => c !== "_version");
  const ops = tables.map((t) => ({ op: "select", table: t, where: [], columns: columnsOf(t) }));
  const reply = await withProgress(ctx.io, `ovn-ts ovsdb: dumping ${tables.length} table(s) of ${ctx.database}`, ctx.client!.transactRaw(ctx.database!, ops as never));
  if (!Array.isArray(reply) || reply.length !== tables.length) throw new Fatal(`reply is not array of ${tables.length} elements: ${ovsJson(reply)}`);
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i]!;
    const r = reply[i] as { rows?: unknown } | null;
    if (!r || typeof r !== "object" || !Array.isArray(r.rows)) throw new Fatal(`${t} table reply is not an object with a "rows" member array: ${ovsJson(r)}`);
    writeTable(schema.tables.get(t)!, columnsOf(t), r.rows as Record<string, unknown>[], ctx);
    reply[i] = null; // let the table's rows go as soon as they are printed
  }
  return 0;
}

/** One table of `dump` (its caption and rows) as text; see {@link writeTable} for what it checks. */
export function dumpTable(ts: TableSchema, cols: string[], rows: Record<string, unknown>[], ctx: Context): string {
  const parts: string[] = [];
  writeTable(ts, cols, rows, { ...ctx, io: { ...ctx.io, out: (text) => parts.push(text) } });
  return parts.join("");
}

/** Output is handed to the context's writer in pieces of about this many characters. */
const PIECE = 1 << 20;

/**
 * Prints one table of `dump`: checks every cell (a missing column or a value that is not of its
 * column's type fails the command, as ovsdb-client fails), sorts the rows as ovsdb-client does and
 * prints them in the context's style.
 */
function writeTable(ts: TableSchema, cols: string[], rows: Record<string, unknown>[], ctx: Context): void {
  const columns = [...cols].sort(compareUtf8).map((c) => columnOf(ts, c)!);
  const names = columns.map((c) => c.name);
  // Every row as its cells' JSON, in column order; `plain` stays true while every number seen is a
  // safe integer (then JSON.stringify writes the cells exactly as ovsJson does).
  let plain = true;
  const data: unknown[][] = new Array(rows.length);
  for (let y = 0; y < rows.length; y++) {
    const row = rows[y]!;
    const cells: unknown[] = new Array(columns.length);
    for (let x = 0; x < columns.length; x++) {
      const c = columns[x]!;
      const j = row[names[x]!];
      if (j === undefined) throw new Fatal(`row ${y} in table ${ts.name} response lacks ${c.name} column`);
      const k = checkDatumJson(c.type, j);
      if (k === BAD) datumFromJson(unconstrained(c.type), j); // throws the exact error (if it does not, the value is taken as is)
      if (k !== PLAIN) plain = false;
      cells[x] = j;
    }
    data[y] = cells;
  }
  const order = sortRows(columns.map((c) => c.type), data);
  const caption = `${ts.name} table`;
  if (ctx.style.format === "json" && !ctx.style.pretty) {
    // The json format has no separator between tables, so the printer's count does not matter.
    writeJsonTable(ctx, caption, names, data, order, plain);
    return;
  }
  const table: Table = {
    caption,
    headings: names,
    rows: order.map((y) => data[y]!.map((json, x) => ({ json, type: columns[x]!.type }))),
  };
  ctx.io.out(ctx.printer.format(table));
}

/**
 * The `json` format (compact) written in batches of rows: `{"caption":...,"data":[[...],...],"headings":[...]}`,
 * the members in byte order of their names, as OVS's JSON writer sorts them. Each batch of rows,
 * in print order, is serialized by one `JSON.stringify` (its outer brackets dropped), so no string
 * per row is kept alive and the output is handed to the writer about a megabyte at a time, never
 * as one giant string. A batch holding a `bigint` is written row by row by `ovsJson`.
 */
function writeJsonTable(ctx: Context, caption: string, headings: string[], data: unknown[][], order: number[], plain: boolean): void {
  let piece = `{"caption":${JSON.stringify(caption)},"data":[`;
  const batch: unknown[][] = [];
  let chars = 0;
  let size = 256; // rows in the next batch: after the first, about a megabyte of text
  for (let i = 0; i < order.length; ) {
    const end = Math.min(order.length, i + size);
    batch.length = 0;
    for (let k = i; k < end; k++) batch.push(data[order[k]!]!);
    let text: string | undefined;
    if (plain) {
      try {
        text = JSON.stringify(batch).slice(1, -1);
      } catch {
        // a bigint: ovsJson writes its digits
      }
    }
    text ??= batch.map((cells) => `[${cells.map((c) => ovsJson(c)).join(",")}]`).join(",");
    piece += i === 0 ? text : `,${text}`;
    chars += text.length;
    i = end;
    if (piece.length >= PIECE) {
      ctx.io.out(piece);
      piece = "";
    }
    size = Math.max(1, Math.min(65536, Math.round((PIECE * i) / Math.max(chars, 1))));
  }
  ctx.io.out(`${piece}],"headings":${ovsJson(headings)}}\n`);
}

/** {@link checkDatumJson}: not a value of the type. */
const BAD = 0;
/** {@link checkDatumJson}: a value of the type whose numbers are all safe integers. */
const PLAIN = 1;
/** {@link checkDatumJson}: a value of the type holding a real or a bigint. */
const NUMERIC = 2;

/**
 * Checks, without building anything, that `j` is the JSON of a value of column type `t` (any
 * number of elements, RFC 7047 §5.1 `<value>`): {@link BAD}, {@link PLAIN} or {@link NUMERIC}.
 */
function checkDatumJson(t: ColumnType, j: unknown): number {
  let k = PLAIN;
  if (t.value) {
    if (!Array.isArray(j) || j.length !== 2 || j[0] !== "map" || !Array.isArray(j[1])) return BAD;
    for (const pair of j[1] as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) return BAD;
      const a = checkAtom(t.key, pair[0]);
      const b = checkAtom(t.value, pair[1]);
      if (a === BAD || b === BAD) return BAD;
      if (a === NUMERIC || b === NUMERIC) k = NUMERIC;
    }
    return k;
  }
  if (Array.isArray(j) && j[0] === "set") {
    if (j.length !== 2 || !Array.isArray(j[1])) return BAD;
    for (const e of j[1] as unknown[]) {
      const a = checkAtom(t.key, e);
      if (a === BAD) return BAD;
      if (a === NUMERIC) k = NUMERIC;
    }
    return k;
  }
  return checkAtom(t.key, j);
}

function checkAtom(b: BaseType, j: unknown): number {
  switch (b.type) {
    case "string":
      return typeof j === "string" ? PLAIN : BAD;
    case "uuid":
      return Array.isArray(j) && j.length === 2 && j[0] === "uuid" && isUuid(j[1]) ? PLAIN : BAD;
    case "boolean":
      return typeof j === "boolean" ? PLAIN : BAD;
    case "integer":
      if (typeof j === "bigint") return NUMERIC;
      return typeof j === "number" && Number.isInteger(j) ? (Number.isSafeInteger(j) ? PLAIN : NUMERIC) : BAD;
    case "real":
      if (typeof j === "bigint") return NUMERIC;
      return typeof j === "number" ? (Number.isSafeInteger(j) ? PLAIN : NUMERIC) : BAD;
  }
}

/**
 * The rows' print order, as ovsdb-client sorts them: by every non-uuid column in column order,
 * then by every uuid column, each compared as `ovsdb_datum_compare_3way` does.
 */
function sortRows(types: ColumnType[], data: unknown[][]): number[] {
  const order = new Array<number>(data.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const passes = [...types.keys()].filter((x) => types[x]!.key.type !== "uuid").concat([...types.keys()].filter((x) => types[x]!.key.type === "uuid"));
  const maps = types.map((t) => t.value !== undefined);
  order.sort((a, b) => {
    const ra = data[a]!;
    const rb = data[b]!;
    for (const x of passes) {
      const c = compareDatumJson(ra[x], rb[x], maps[x]!);
      if (c) return c;
    }
    return 0;
  });
  return order;
}

/**
 * `ovsdb_datum_compare_3way` on two checked datum JSON values of one column: fewer elements
 * first, then the keys pairwise, then (maps) the values pairwise.
 */
export function compareDatumJson(a: unknown, b: unknown, map: boolean): number {
  const ea = elements(a, map);
  const eb = elements(b, map);
  const na = ea === undefined ? 1 : ea.length;
  const nb = eb === undefined ? 1 : eb.length;
  if (na !== nb) return na < nb ? -1 : 1;
  for (let i = 0; i < na; i++) {
    const x = ea === undefined ? a : map ? (ea[i] as unknown[])[0] : ea[i];
    const y = eb === undefined ? b : map ? (eb[i] as unknown[])[0] : eb[i];
    const c = compareAtoms(atomOf(x), atomOf(y));
    if (c) return c;
  }
  if (!map || ea === undefined || eb === undefined) return 0;
  for (let i = 0; i < na; i++) {
    const c = compareAtoms(atomOf((ea[i] as unknown[])[1]), atomOf((eb[i] as unknown[])[1]));
    if (c) return c;
  }
  return 0;
}

/** The elements of a `["set", [...]]` or `["map", [...]]` value; undefined for a single atom. */
function elements(j: unknown, map: boolean): unknown[] | undefined {
  if (Array.isArray(j) && (map ? j[0] === "map" : j[0] === "set") && Array.isArray(j[1])) return j[1] as unknown[];
  return undefined;
}

/** The native atom of an atom's JSON (a uuid's string for `["uuid", "..."]`). */
function atomOf(j: unknown): Atom {
  return (Array.isArray(j) ? j[1] : j) as Atom;
}
