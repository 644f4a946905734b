/**
 * `ovn-ts ovsdb dump`: every table's rows in `ovsdb-client`'s orders (columns by name, rows by
 * their non-uuid columns and then their uuid columns, as `ovsdb-client dump` sorts them).
 *
 * A dump of a large database is the one command whose speed matters, so rows are kept as the JSON
 * the server sent: they are checked and sorted on that JSON (no native datum per cell), and the
 * `json` format is written row by row in pieces of about a megabyte, never as one giant string.
 * The `table`, `list`, `csv` and `html` formats make each cell's text from that JSON as its row is
 * printed (`cellFormatter`) and are written in pieces too (`TablePrinter.writeTexts`).
 *
 * A table is printed only once the whole reply is in: a connection lost before its last byte
 * prints nothing of the dump, only ovsdb-client's `transaction failed (End of file)`.
 *
 * @module
 */
import { compareUtf8, datumFromJson } from "../../ovsdb/schema/datum.js";
import { type ColumnSchema, type TableSchema, columnOf } from "../../ovsdb/schema/schema.js";
import { cellFormatter } from "../../ovsdb/text/cell-text.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import type { Table } from "../../ovsdb/text/table.js";
import { withProgress } from "../io.js";
import { ConnectionClosedError } from "../../rpc/errors.js";
import { type Context, Fatal, receiveFailure, tableHint, unconstrained } from "./context.js";
import { BAD, PLAIN, cellCheck, rowOrder } from "./dump-rows.js";
import { type RawRows, cellValue, scanDumpReply } from "./dump-raw.js";
import { writeRawJson } from "./dump-raw-json.js";
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
  // Each table's columns in print order (byte order of their names).
  const printed = tables.map((t) => {
    const ts = schema.tables.get(t)!;
    return [...columnsOf(t)].sort(compareUtf8).map((c) => columnOf(ts, c)!);
  });
  let reply: unknown[];
  try {
    const label = `ovn-ts ovsdb: dumping ${tables.length} table(s) of ${ctx.database}`;
    const tap = ctx.tap;
    // The reply as bytes when the client connected through a tap; else (or when the tap gives
    // nothing, or bytes not in the form dump-raw reads) the call's parsed result.
    const captured = tap?.capture();
    const call = ctx.client!.transactRaw(ctx.database!, ops as never);
    let raw: RawRows[] | undefined;
    if (tap && captured) {
      call.catch(() => undefined); // unanswered once the tap keeps the reply: rejected on close
      const bytes = await withProgress(ctx.io, label, captured);
      raw = bytes && scanDumpReply(bytes, printed.map((cs) => ({ names: cs.map((c) => c.name), types: cs.map((c) => c.type) })));
      tap.release(raw === undefined);
    }
    if (raw) {
      for (let i = 0; i < tables.length; i++) writeRawTable(schema.tables.get(tables[i]!)!, printed[i]!, raw[i]!, ctx);
      return 0;
    }
    reply = await withProgress(ctx.io, label, call);
  } catch (e) {
    // As ovsdb-client's check_txn: the connection lost before the whole reply is "transaction failed".
    if (e instanceof ConnectionClosedError) throw new Fatal(`transaction failed (${receiveFailure(e)})`);
    throw e;
  }
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

/**
 * Prints one table of `dump` from the reply's bytes (see `dump-raw.ts`, which checked every cell):
 * sorted as ovsdb-client sorts, decoding only the cells the order needs; the `json` format copies
 * each cell's bytes, the others make each cell's text from its value as it is printed.
 */
function writeRawTable(ts: TableSchema, columns: ColumnSchema[], raw: RawRows, ctx: Context): void {
  const names = columns.map((c) => c.name);
  const rows = new Array<number>(raw.count);
  for (let y = 0; y < rows.length; y++) rows[y] = y;
  const order = rowOrder(
    columns.map((c) => c.type),
    rows,
    (y, x) => cellValue(raw, y, x),
  );
  const caption = `${ts.name} table`;
  if (ctx.style.format === "json" && !ctx.style.pretty) {
    writeRawJson(ctx.io, caption, names, raw, order);
    return;
  }
  if (ctx.style.format !== "json") {
    const texts = columns.map((c) => cellFormatter(c.type, ctx.style));
    ctx.printer.writeTexts({ caption, headings: names, rows: order.length, text: (x, y) => texts[x]!(cellValue(raw, order[y]!, x)) }, ctx.io.out);
    return;
  }
  const table: Table = {
    caption,
    headings: names,
    rows: order.map((y) => columns.map((c, x) => ({ json: cellValue(raw, y, x), type: c.type }))),
  };
  ctx.io.out(ctx.printer.format(table));
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
 * prints them in the context's style. The rows stay the objects the server sent; each row's cells
 * are gathered in column order only as it is printed.
 */
function writeTable(ts: TableSchema, cols: string[], rows: Record<string, unknown>[], ctx: Context): void {
  const columns = [...cols].sort(compareUtf8).map((c) => columnOf(ts, c)!);
  const names = columns.map((c) => c.name);
  const checks = columns.map((c) => cellCheck(c.type));
  // `plain` stays true while every number seen is a safe integer (then JSON.stringify writes the
  // cells exactly as ovsJson does).
  let plain = true;
  for (let y = 0; y < rows.length; y++) {
    const row = rows[y]!;
    for (let x = 0; x < checks.length; x++) {
      const j = row[names[x]!];
      const k = checks[x]!(j);
      if (k === PLAIN) continue;
      if (j === undefined) throw new Fatal(`row ${y} in table ${ts.name} response lacks ${names[x]} column`);
      if (k === BAD) datumFromJson(unconstrained(columns[x]!.type), j); // throws the exact error (if it does not, the value is taken as is)
      plain = false;
    }
  }
  const order = rowOrder(
    columns.map((c) => c.type),
    rows,
    (row, x) => row[names[x]!],
  );
  const caption = `${ts.name} table`;
  // Filled by push, not preallocated: JSON.stringify walks a packed array much faster than a
  // holey one (`new Array(n)`), which it reads element by element through the generic path.
  const cellsOf = (row: Record<string, unknown>): unknown[] => {
    const cells: unknown[] = [];
    for (let x = 0; x < names.length; x++) cells.push(row[names[x]!]);
    return cells;
  };
  if (ctx.style.format === "json" && !ctx.style.pretty) {
    // The json format has no separator between tables, so the printer's count does not matter.
    writeJsonTable(ctx, caption, names, rows, cellsOf, order, plain);
    return;
  }
  if (ctx.style.format !== "json") {
    // Each cell's text straight from the JSON as it is printed; written in pieces.
    const texts = columns.map((c) => cellFormatter(c.type, ctx.style));
    ctx.printer.writeTexts({ caption, headings: names, rows: order.length, text: (x, y) => texts[x]!(rows[order[y]!]![names[x]!]) }, ctx.io.out);
    return;
  }
  const table: Table = {
    caption,
    headings: names,
    rows: order.map((y) => cellsOf(rows[y]!).map((json, x) => ({ json, type: columns[x]!.type }))),
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
function writeJsonTable(
  ctx: Context,
  caption: string,
  headings: string[],
  rows: readonly Record<string, unknown>[],
  cellsOf: (row: Record<string, unknown>) => unknown[],
  order: number[],
  plain: boolean,
): void {
  let piece = `{"caption":${JSON.stringify(caption)},"data":[`;
  const batch: unknown[][] = [];
  let chars = 0;
  let size = 256; // rows in the next batch: after the first, about a megabyte of text
  for (let i = 0; i < order.length; ) {
    const end = Math.min(order.length, i + size);
    batch.length = 0;
    for (let k = i; k < end; k++) batch.push(cellsOf(rows[order[k]!]!));
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
