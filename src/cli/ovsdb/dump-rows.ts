/**
 * The row work of `ovn-ts ovsdb dump`, on the rows as the JSON the server sent (no native datum
 * per cell): checking each cell against its column's type with a checker made once per column,
 * and the print order ovsdb-client uses, sorting only on the columns whose values differ.
 *
 * @module
 */
import { compareAtoms, compareUtf8 } from "../../ovsdb/schema/datum.js";
import type { Atom, BaseType, ColumnType } from "../../ovsdb/schema/types.js";
import { isUuid } from "../../ovsdb/wire/notation.js";

/** {@link CellCheck}: not a value of the type. */
export const BAD = 0;
/** {@link CellCheck}: a value of the type whose numbers are all safe integers. */
export const PLAIN = 1;
/** {@link CellCheck}: a value of the type holding a real or a bigint. */
export const NUMERIC = 2;

/**
 * Checks, without building anything, that a cell's JSON is a value of one column type (any number
 * of elements, RFC 7047 §5.1 `<value>`): {@link BAD}, {@link PLAIN} or {@link NUMERIC}.
 */
export type CellCheck = (j: unknown) => number;

const stringAtom: CellCheck = (j) => (typeof j === "string" ? PLAIN : BAD);
const uuidAtom: CellCheck = (j) => (Array.isArray(j) && j.length === 2 && j[0] === "uuid" && isUuid(j[1]) ? PLAIN : BAD);
const booleanAtom: CellCheck = (j) => (typeof j === "boolean" ? PLAIN : BAD);
const integerAtom: CellCheck = (j) =>
  typeof j === "number" ? (Number.isSafeInteger(j) ? PLAIN : Number.isInteger(j) ? NUMERIC : BAD) : typeof j === "bigint" ? NUMERIC : BAD;
const realAtom: CellCheck = (j) => (typeof j === "number" ? (Number.isSafeInteger(j) ? PLAIN : NUMERIC) : typeof j === "bigint" ? NUMERIC : BAD);

function atomCheck(b: BaseType): CellCheck {
  switch (b.type) {
    case "string":
      return stringAtom;
    case "uuid":
      return uuidAtom;
    case "boolean":
      return booleanAtom;
    case "integer":
      return integerAtom;
    case "real":
      return realAtom;
  }
}

/** The {@link CellCheck} of column type `t`, made once per column. */
export function cellCheck(t: ColumnType): CellCheck {
  const key = atomCheck(t.key);
  if (t.value !== undefined) {
    const value = atomCheck(t.value);
    return (j) => {
      if (!Array.isArray(j) || j.length !== 2 || j[0] !== "map") return BAD;
      const pairs: unknown = j[1];
      if (!Array.isArray(pairs)) return BAD;
      let k = PLAIN;
      for (let i = 0; i < pairs.length; i++) {
        const pair: unknown = pairs[i];
        if (!Array.isArray(pair) || pair.length !== 2) return BAD;
        const a = key(pair[0]);
        const b = value(pair[1]);
        if (a === BAD || b === BAD) return BAD;
        if (a === NUMERIC || b === NUMERIC) k = NUMERIC;
      }
      return k;
    };
  }
  const set = (j: unknown[]): number => {
    const elements: unknown = j[1];
    if (j.length !== 2 || !Array.isArray(elements)) return BAD;
    let k = PLAIN;
    for (let i = 0; i < elements.length; i++) {
      const a = key(elements[i]);
      if (a === BAD) return BAD;
      if (a === NUMERIC) k = NUMERIC;
    }
    return k;
  };
  // A string column's cell is usually a bare string: no array test first.
  if (key === stringAtom) return (j) => (typeof j === "string" ? PLAIN : Array.isArray(j) && j[0] === "set" ? set(j) : BAD);
  return (j) => (Array.isArray(j) && j[0] === "set" ? set(j) : key(j));
}

/**
 * The rows' print order, as ovsdb-client sorts them: by every non-uuid column in column order,
 * then by every uuid column, each compared as `ovsdb_datum_compare_3way` does ({@link compareDatumJson}).
 * `cell(row, x)` reads column `x` of a row; columns whose value is the same in every row decide
 * nothing and are left out of the comparisons.
 */
export function rowOrder<R>(types: readonly ColumnType[], rows: readonly R[], cell: (row: R, x: number) => unknown): number[] {
  const order = new Array<number>(rows.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (rows.length < 2) return order;
  const columns = [...types.keys()];
  const passes = columns.filter((x) => types[x]!.key.type !== "uuid").concat(columns.filter((x) => types[x]!.key.type === "uuid"));
  const maps = passes.map((x) => types[x]!.value !== undefined);
  // A pass is prepared when a comparison first reaches it (all earlier passes tied): its values
  // of every row are read once, and a column with one value in every row is skipped from then on.
  const keys: (unknown[] | null | undefined)[] = passes.map(() => undefined);
  const prepare = (p: number): unknown[] | null => {
    const col = rows.map((r) => cell(r, passes[p]!));
    return (keys[p] = constant(col, maps[p]!) ? null : col);
  };
  order.sort((a, b) => {
    for (let p = 0; p < keys.length; p++) {
      const col = keys[p] ?? (keys[p] === null ? null : prepare(p));
      if (col === null) continue;
      const c = compareDatumJson(col[a], col[b], maps[p]!);
      if (c) return c;
    }
    return 0;
  });
  return order;
}

/** True when every value compares equal to the first. */
function constant(values: readonly unknown[], map: boolean): boolean {
  const first = values[0];
  for (let y = 1; y < values.length; y++) if (compareDatumJson(first, values[y], map) !== 0) return false;
  return true;
}
/**
 * `ovsdb_datum_compare_3way` on two checked datum JSON values of one column: fewer elements
 * first, then the keys pairwise, then (maps) the values pairwise.
 */
export function compareDatumJson(a: unknown, b: unknown, map: boolean): number {
  // Two single atoms (a string, number or boolean: a uuid atom is an array) compare as atoms.
  if (typeof a === "string" && typeof b === "string") return a === b ? 0 : compareUtf8(a, b);
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
