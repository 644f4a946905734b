/**
 * JSON text exactly as Open vSwitch's tools print it (`json_to_string` with `JSSF_SORT`, and
 * `JSSF_PRETTY` for `--pretty`): object members sorted by byte order of their names, no spaces
 * in compact form, and OVS's pretty layout (every member and element on its own line, indented by
 * two spaces per level, closing brackets attached to the last element).
 *
 * @module
 */
import { compareUtf8 } from "../schema/datum.js";

/** Options of {@link ovsJson}. */
export interface OvsJsonOptions {
  /**
   * Pretty layout, as `--pretty`.
   * @default false
   */
  pretty?: boolean;
  /**
   * Sort object members by name, as OVS tools do.
   * @default true
   */
  sort?: boolean;
}

/** Serializes a JSON value as OVS's tools do; see the module documentation. */
export function ovsJson(value: unknown, options: OvsJsonOptions = {}): string {
  const out: string[] = [];
  write(value, options.pretty ?? false, options.sort ?? true, 0, out);
  return out.join("");
}

function indent(level: number): string {
  return "\n" + " ".repeat(level * 2);
}

function write(v: unknown, pretty: boolean, sort: boolean, level: number, out: string[]): void {
  if (v === null || v === undefined) {
    out.push("null");
  } else if (typeof v === "string") {
    out.push(JSON.stringify(v));
  } else if (typeof v === "number") {
    out.push(formatNumber(v));
  } else if (typeof v === "bigint") {
    out.push(v.toString());
  } else if (typeof v === "boolean") {
    out.push(v ? "true" : "false");
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push("[]");
      return;
    }
    out.push("[");
    v.forEach((e, i) => {
      if (i > 0) out.push(",");
      if (pretty) out.push(indent(level + 1));
      write(e, pretty, sort, level + 1, out);
    });
    out.push("]");
  } else if (typeof v === "object") {
    const keys = Object.keys(v as object);
    if (sort) keys.sort(compareUtf8);
    if (keys.length === 0) {
      out.push("{}");
      return;
    }
    out.push("{");
    keys.forEach((k, i) => {
      if (i > 0) out.push(",");
      if (pretty) out.push(indent(level + 1));
      out.push(JSON.stringify(k), pretty ? ": " : ":");
      write((v as Record<string, unknown>)[k], pretty, sort, level + 1, out);
    });
    out.push("}");
  } else {
    out.push("null");
  }
}

/**
 * Formats a number as OVS 3.1's JSON writer does (lib/json.c): integers in decimal, reals with
 * `DBL_DIG` (15) significant digits (`%.15g`), as `ovsdb-client` prints them (checked against
 * `ovsdb-client` 3.1: 0.30000000000000004 prints as 0.3).
 */
export function formatNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return "0";
  return formatG(n, 15);
}

/** C's `%.{precision}g`. */
export function formatG(n: number, precision: number): string {
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let s: string;
  // Use toExponential to find the real exponent after rounding.
  const e = n.toExponential(precision - 1);
  const realExp = Number(e.slice(e.indexOf("e") + 1));
  void exp;
  if (realExp < -4 || realExp >= precision) {
    const [mant, ex] = e.split("e") as [string, string];
    const m = stripZeros(mant);
    const en = Number(ex);
    s = `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  } else {
    s = stripZeros(n.toFixed(Math.max(0, precision - 1 - realExp)));
  }
  return s;
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}
