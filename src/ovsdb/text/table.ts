/**
 * Tabular output in the formats of Open vSwitch's tools (`--format=table|list|csv|html|json`,
 * `--data=string|bare|json`, `--no-headings`, `--pretty`, `--bare`), as `ovsdb-client` and
 * `ovn-nbctl`/`ovs-vsctl` print query results.
 *
 * @module
 */
import type { Datum } from "../schema/datum.js";
import { datumFromJson } from "../schema/datum.js";
import type { ColumnType } from "../schema/types.js";
import { datumToBare, datumToText } from "./datum-text.js";
import { ovsJson } from "./json.js";

/** Output format (`-f`/`--format`). */
export type TableFormat = "table" | "list" | "csv" | "html" | "json";
/** Cell format (`-d`/`--data`). */
export type CellFormat = "string" | "bare" | "json";

/** How tables are printed. */
export interface TableStyle {
  /** @default "table" */
  format: TableFormat;
  /** @default "string" */
  cell: CellFormat;
  /** Print column headings. @default true */
  headings: boolean;
  /** Pretty JSON. @default false */
  pretty: boolean;
}

/** The default style: `table` format, `string` cells, headings, compact JSON. */
export function defaultTableStyle(): TableStyle {
  return { format: "table", cell: "string", headings: true, pretty: false };
}

/** A cell: literal text, or an OVSDB value in JSON notation with its column type (formatted per the style). */
export type Cell = { readonly text: string } | { readonly json: unknown; readonly type?: ColumnType } | null;

/** A table to print: caption, headings, rows of cells. */
export interface Table {
  caption?: string;
  headings: string[];
  rows: Cell[][];
}

/** The text of one cell in a style. */
export function cellText(cell: Cell, style: TableStyle): string {
  if (cell === null) return "";
  if ("text" in cell) return cell.text;
  if (style.cell === "json" || !cell.type) return ovsJson(cell.json);
  let datum: Datum;
  try {
    datum = datumFromJson({ ...cell.type, min: 0, max: "unlimited" } as ColumnType, cell.json, { allowNamedUuid: true });
    if (cell.type.max === 1 && !cell.type.value) datum = (datum as readonly unknown[])[0] as Datum;
  } catch {
    return ovsJson(cell.json);
  }
  return style.cell === "bare" ? datumToBare(cell.type, datum) : datumToText(cell.type, datum);
}

/**
 * Prints tables one after another, as a tool does during one run: the second and later tables of
 * the `table`, `list` and `csv` formats are preceded by a blank line.
 */
export class TablePrinter {
  private count = 0;
  constructor(private readonly style: TableStyle) {}

  /**
   * Writes one table whose cells are already text (see `cellFormatter` in `cell-text.ts`) to `out`
   * in pieces of about a megabyte, never as one string: the same text {@link TablePrinter.format}
   * gives for the table with `{ text }` cells. For the `table`, `list`, `csv` and `html` formats;
   * the `json` format prints cells' JSON, not their text, and is refused.
   */
  writeTexts(t: TextRows, out: (text: string) => void): void {
    const s = this.style;
    if (s.format === "json") throw new TypeError("TablePrinter.writeTexts: the json format prints JSON values, not texts");
    if (s.format === "html") {
      const rows: Cell[][] = [];
      for (let y = 0; y < t.rows; y++) rows.push(t.headings.map((_, x) => ({ text: t.text(x, y) })));
      out(this.format({ ...(t.caption !== undefined ? { caption: t.caption } : {}), headings: [...t.headings], rows }));
      return;
    }
    const pieces = new Pieces(out);
    if (this.count++ > 0) pieces.add("\n");
    if (s.format === "table") writeTextTable(t, s, pieces);
    else if (s.format === "list") writeTextList(t, s, pieces);
    else writeTextCsv(t, s, pieces);
    pieces.end();
  }

  /** Formats one table (and counts it). */
  format(t: Table): string {
    const s = this.style;
    const first = this.count++ === 0;
    switch (s.format) {
      case "table":
        return (first ? "" : "\n") + formatTable(t, s);
      case "list":
        return (first ? "" : "\n") + formatList(t, s);
      case "csv":
        return (first ? "" : "\n") + formatCsv(t, s);
      case "html":
        return formatHtml(t, s);
      case "json":
        return formatJson(t, s);
    }
  }
}

/**
 * A table whose cells are made as text when printed ({@link TablePrinter.writeTexts}): `rows` rows,
 * `text(x, y)` the text of row `y` in column `x` (called again for the same cell by the `table`
 * format, which measures every column before it prints a row; so nothing is kept per cell).
 */
export interface TextRows {
  /** The caption printed above the table (`-f table`/`list`), if any. */
  caption?: string;
  /** Column headings, one per column. */
  headings: readonly string[];
  /** How many rows. */
  rows: number;
  /** The text of row `y` in column `x`. */
  text(x: number, y: number): string;
}

/** {@link TablePrinter.writeTexts} hands its output over in pieces of about this many characters. */
const PIECE = 1 << 20;

/** Collects output and hands it to `out` whenever about {@link PIECE} characters are held. */
class Pieces {
  text = "";
  constructor(private readonly out: (text: string) => void) {}
  add(t: string): void {
    this.text += t;
    if (this.text.length >= PIECE) {
      this.out(this.text);
      this.text = "";
    }
  }
  end(): void {
    if (this.text !== "") this.out(this.text);
    this.text = "";
  }
}

const SPACES = " ".repeat(256);

function spaces(n: number): string {
  return n <= SPACES.length ? SPACES.slice(0, n) : " ".repeat(n);
}

/** `line` without its trailing spaces (as {@link finishLine}), then a newline. */
function trimmedLine(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 0x20) end--;
  return (end === line.length ? line : line.slice(0, end)) + "\n";
}

function writeTextTable(t: TextRows, s: TableStyle, out: Pieces): void {
  if (t.caption !== undefined) out.add(`${t.caption}\n`);
  const last = t.headings.length - 1;
  const widths = t.headings.map((h, x) => {
    let w = 0;
    for (let y = 0; y < t.rows; y++) {
      const l = byteLength(t.text(x, y));
      if (l > w) w = l;
    }
    return s.headings ? Math.max(w, byteLength(h)) : w;
  });
  if (s.headings) {
    out.add(finishLine(t.headings.map((h, x) => h + spaces(Math.max(0, widths[x]! - byteLength(h)))).join(" ")));
    out.add(finishLine(widths.map((w) => "-".repeat(w)).join(" ")));
  }
  for (let y = 0; y < t.rows; y++) {
    let line = "";
    for (let x = 0; x <= last; x++) {
      const c = t.text(x, y);
      line += x === last ? c : c + spaces(widths[x]! - byteLength(c)) + " ";
    }
    out.add(trimmedLine(line));
  }
}

function writeTextList(t: TextRows, s: TableStyle, out: Pieces): void {
  if (t.caption !== undefined) out.add(`${t.caption}\n`);
  const labels = t.headings.map((h) => `${h.padEnd(20)}: `);
  for (let y = 0; y < t.rows; y++) {
    let rec = y > 0 ? "\n" : "";
    for (let x = 0; x < labels.length; x++) rec += s.headings ? `${labels[x]}${t.text(x, y)}\n` : `${t.text(x, y)}\n`;
    out.add(rec);
  }
}

function writeTextCsv(t: TextRows, s: TableStyle, out: Pieces): void {
  if (t.caption !== undefined) out.add(`${t.caption}\n`);
  if (s.headings) out.add(t.headings.map(csvCell).join(",") + "\n");
  for (let y = 0; y < t.rows; y++) {
    let line = "";
    for (let x = 0; x < t.headings.length; x++) line += (x > 0 ? "," : "") + csvCell(t.text(x, y));
    out.add(line + "\n");
  }
}

function finishLine(line: string): string {
  return line.replace(/ +$/, "") + "\n";
}

function formatTable(t: Table, s: TableStyle): string {
  let out = t.caption !== undefined ? `${t.caption}\n` : "";
  const texts = t.rows.map((r) => r.map((c) => cellText(c, s)));
  const widths = t.headings.map((h, x) => {
    let w = 0;
    for (const r of texts) w = Math.max(w, byteLength(r[x] ?? ""));
    return s.headings ? Math.max(w, byteLength(h)) : w;
  });
  const pad = (text: string, w: number) => text + " ".repeat(Math.max(0, w - byteLength(text)));
  if (s.headings) {
    out += finishLine(t.headings.map((h, x) => pad(h, widths[x]!)).join(" "));
    out += finishLine(widths.map((w) => "-".repeat(w)).join(" "));
  }
  for (const r of texts) out += finishLine(r.map((c, x) => pad(c, widths[x]!)).join(" "));
  return out;
}

function formatList(t: Table, s: TableStyle): string {
  let out = t.caption !== undefined ? `${t.caption}\n` : "";
  t.rows.forEach((r, y) => {
    if (y > 0) out += "\n";
    r.forEach((c, x) => {
      const text = cellText(c, s);
      out += s.headings ? `${t.headings[x]!.padEnd(20)}: ${text}\n` : `${text}\n`;
    });
  });
  return out;
}

function csvCell(text: string): string {
  return /[\n",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatCsv(t: Table, s: TableStyle): string {
  let out = t.caption !== undefined ? `${t.caption}\n` : "";
  if (s.headings) out += t.headings.map(csvCell).join(",") + "\n";
  // Like OVS's table_print_csv: every row has a field per column (a short row, such as a monitor's
  // "delete" row, gets empty fields).
  const width = t.headings.length;
  for (const r of t.rows) {
    const cells = r.map((c) => csvCell(cellText(c, s)));
    while (cells.length < width) cells.push("");
    out += cells.join(",") + "\n";
  }
  return out;
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function htmlCell(element: string, content: string): string {
  // UUIDs become links to the row that has them, shown by their first 8 digits.
  const re = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
  let out = "";
  let last = 0;
  for (const m of content.matchAll(re)) {
    out += htmlEscape(content.slice(last, m.index));
    out += `<a href="#${m[0]}">${m[0].slice(0, 8)}</a>`;
    last = m.index! + m[0].length;
  }
  out += htmlEscape(content.slice(last));
  return `    <${element}>${out}</${element}>\n`;
}

function formatHtml(t: Table, s: TableStyle): string {
  let out = "<table border=1>\n";
  if (t.caption !== undefined) out += htmlCell("caption", t.caption);
  if (s.headings) out += "  <tr>\n" + t.headings.map((h) => htmlCell("th", h)).join("") + "  </tr>\n";
  for (const r of t.rows) {
    out += "  <tr>\n";
    r.forEach((c, x) => {
      const text = cellText(c, s);
      out += t.headings[x] === "_uuid" ? `    <td><a name="${htmlEscape(text)}">${htmlEscape(text.slice(0, 8))}</a></td>\n` : htmlCell("td", text);
    });
    out += "  </tr>\n";
  }
  return out + "</table>\n";
}

function formatJson(t: Table, s: TableStyle): string {
  const o: Record<string, unknown> = {};
  if (t.caption !== undefined) o["caption"] = t.caption;
  o["headings"] = t.headings;
  o["data"] = t.rows.map((r) => r.map((c) => (c === null ? null : "text" in c ? c.text : c.json)));
  return ovsJson(o, { pretty: s.pretty }) + "\n";
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
