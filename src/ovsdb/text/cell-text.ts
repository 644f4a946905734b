/**
 * The text of a column's cells made straight from their JSON (RFC 7047 §5.1 `<value>`), without a
 * native datum per cell: what {@link cellText} prints for a `{ json, type }` cell, at a fraction of
 * its cost, for printing many rows of one column (`ovn-ts ovsdb dump` in the `table`, `list`,
 * `csv` and `html` formats).
 *
 * The fast path takes the values a server sends for a column (atoms of the column's type, sets and
 * maps whose keys are in strictly ascending order, as ovsdb-server keeps them); any other value
 * (elements out of order or repeated, a number beyond ±(2^53−1), a bigint, a wrong type) goes
 * through {@link cellText}, so the text is always the one {@link cellText} gives.
 *
 * @module
 */
import { compareAtoms } from "../schema/datum.js";
import type { Atom, AtomicType, ColumnType } from "../schema/types.js";
import { isUuid } from "../wire/notation.js";
import { formatG, ovsJson } from "./json.js";
import { stringNeedsQuotes } from "./datum-text.js";
import { type TableStyle, cellText } from "./table.js";

/** Marks a value the fast path does not take (see the module comment). */
const SLOW = Symbol("slow");

/** The text of one atom's JSON (`quote`: strings quoted when needed, else bare), or {@link SLOW}. */
type AtomText = (j: unknown) => string | typeof SLOW;
/** The native atom of one atom's JSON for ordering checks (only called on atoms {@link AtomText} took). */
type AtomOf = (j: unknown) => Atom;

function atomText(type: AtomicType, quote: boolean): AtomText {
  switch (type) {
    case "string":
      return quote ? (j) => (typeof j !== "string" ? SLOW : stringNeedsQuotes(j) ? JSON.stringify(j) : j) : (j) => (typeof j === "string" ? j : SLOW);
    case "uuid":
      return (j) => (Array.isArray(j) && j.length === 2 && j[0] === "uuid" && isUuid(j[1]) ? (j[1] as string).toLowerCase() : SLOW);
    case "integer":
      return (j) => (typeof j === "number" && Number.isSafeInteger(j) ? String(j) : SLOW);
    case "real":
      return (j) => (typeof j === "number" ? formatG(j, 15) : SLOW);
    case "boolean":
      return (j) => (j === true ? "true" : j === false ? "false" : SLOW);
  }
}

function atomOf(type: AtomicType): AtomOf {
  return type === "uuid" ? (j) => ((j as unknown[])[1] as string).toLowerCase() : (j) => j as Atom;
}

/**
 * The text of a column's cells in a style, made once per column: `f(json)` equals
 * `cellText({ json, type }, style)` for every `json` (see the module comment for what is fast).
 */
export function cellFormatter(type: ColumnType | undefined, style: TableStyle): (json: unknown) => string {
  if (style.cell === "json" || !type) return (j) => ovsJson(j);
  const slow = (j: unknown): string => cellText({ json: j, type }, style);
  const bare = style.cell === "bare";
  const key = atomText(type.key.type, !bare);
  const keyOf = atomOf(type.key.type);
  if (type.value !== undefined) {
    const value = atomText(type.value.type, !bare);
    return (j) => {
      if (!Array.isArray(j) || j.length !== 2 || j[0] !== "map" || !Array.isArray(j[1])) return slow(j);
      const pairs = j[1] as unknown[];
      let body = "";
      for (let i = 0; i < pairs.length; i++) {
        const p: unknown = pairs[i];
        if (!Array.isArray(p) || p.length !== 2) return slow(j);
        const k = key(p[0]);
        const v = value(p[1]);
        if (k === SLOW || v === SLOW) return slow(j);
        if (i > 0) {
          if (compareAtoms(keyOf((pairs[i - 1] as unknown[])[0]), keyOf(p[0])) >= 0) return slow(j);
          body += bare ? " " : ", ";
        }
        body += `${k}=${v}`;
      }
      return bare ? body : `{${body}}`;
    };
  }
  const brackets = type.max === "unlimited" || type.max > 1;
  return (j) => {
    let elems: unknown[];
    if (Array.isArray(j) && j.length === 2 && j[0] === "set") {
      if (!Array.isArray(j[1])) return slow(j);
      elems = j[1] as unknown[];
    } else {
      const t = key(j);
      if (t === SLOW) return slow(j);
      return brackets && !bare ? `[${t}]` : t;
    }
    if (!brackets && elems.length > 1) return slow(j);
    let body = "";
    for (let i = 0; i < elems.length; i++) {
      const t = key(elems[i]);
      if (t === SLOW) return slow(j);
      if (i > 0) {
        if (compareAtoms(keyOf(elems[i - 1]), keyOf(elems[i])) >= 0) return slow(j);
        body += bare ? " " : ", ";
      }
      body += t;
    }
    if (bare) return body;
    return brackets || elems.length === 0 ? `[${body}]` : body;
  };
}
