/**
 * Evaluating conditions (RFC 7047 §5.1 `<condition>`, ovsdb-server(1) `monitor_cond` clauses) on
 * native rows. Used by the replica (filtering, client-side `where`) and by the embedded server
 * (`select`/`update`/`mutate`/`delete`/`wait`, conditional monitors), so both agree.
 *
 * @module
 */
import { OvsdbTypeError, safeJson } from "../wire/errors.js";
import type { Condition, ConditionFunction, MonitorCondition } from "../wire/operations.js";
import { type Datum, type DatumContext, type Row, compareAtoms, datumAtoms, datumEquals, datumFromJson } from "./datum.js";
import { type TableSchema, columnOf } from "./schema.js";
import type { Atom, ColumnType } from "./types.js";

/** A condition decoded against its column: the column, the function, and the native value. */
export interface CompiledCondition {
  readonly column: string;
  readonly fn: ConditionFunction;
  readonly value: Datum;
  readonly type: ColumnType;
}

/** A compiled `where` clause: a predicate over native rows plus the decoded clauses (for index use). */
export interface CompiledWhere {
  readonly clauses: readonly CompiledCondition[];
  /** A literal `false` clause makes the whole conjunction false. */
  readonly alwaysFalse: boolean;
  /** True when the row satisfies the clause list. */
  readonly test: (row: Row) => boolean;
}

const RELATIONAL = new Set<ConditionFunction>(["<", "<=", ">", ">="]);

/** The type condition values are decoded with: `includes`/`excludes` take any number of elements. */
function conditionValueType(type: ColumnType, fn: ConditionFunction): ColumnType {
  if (fn === "includes" || fn === "excludes") return { ...type, min: 0, max: "unlimited" };
  return type;
}

/**
 * Decodes and type-checks one condition against a table, as ovsdb-server does: unknown columns,
 * unknown functions and relational functions on non-numeric or non-scalar columns are errors.
 */
export function compileCondition(table: TableSchema, cond: unknown, ctx: DatumContext = {}): CompiledCondition {
  if (!Array.isArray(cond) || cond.length !== 3) {
    throw new OvsdbTypeError(`condition must be a 3-element array [column, function, value], got ${safeJson(cond)}`, table.name);
  }
  const [column, fn, value] = cond as [unknown, unknown, unknown];
  if (typeof column !== "string") throw new OvsdbTypeError(`condition column must be a string, got ${safeJson(column)}`, table.name);
  const col = columnOf(table, column);
  if (!col) throw new OvsdbTypeError(`No column ${column} in table ${table.name}.`, table.name, column);
  if (typeof fn !== "string" || !["<", "<=", "==", "!=", ">=", ">", "includes", "excludes"].includes(fn)) {
    throw new OvsdbTypeError(`unknown function ${safeJson(fn)}`, table.name, column);
  }
  const f = fn as ConditionFunction;
  if (RELATIONAL.has(f)) {
    const t = col.type;
    if (t.value || t.max !== 1 || (t.key.type !== "integer" && t.key.type !== "real")) {
      throw new OvsdbTypeError(`Type mismatch: "${f}" operator may not be applied to column ${column} of type ${describeType(t)}.`, table.name, column);
    }
  }
  const type = conditionValueType(col.type, f);
  const v = datumFromJson(type, value, { ...ctx, table: table.name, column });
  return { column, fn: f, value: v, type: col.type };
}

/** Short text of a column type for error messages, like ovsdb-server's `ovsdb_type_to_english`. */
export function describeType(t: ColumnType): string {
  const base = (b: ColumnType["key"]) => (b.refTable ? `${b.type} (${b.refTable})` : b.type);
  if (t.value) return `map of ${t.min === 0 ? "0 or more" : "1 or more"} ${base(t.key)}-${base(t.value)} pairs`;
  if (t.max === 1) return t.min === 1 ? base(t.key) : `optional ${base(t.key)}`;
  return `set of ${t.min === 0 ? "" : "1 or more "}${t.max === "unlimited" ? "" : `up to ${t.max} `}${base(t.key)}s`.replace(/ +/g, " ");
}

/** Evaluates one compiled condition on a native column value. */
export function evalCondition(c: CompiledCondition, actual: Datum): boolean {
  switch (c.fn) {
    case "==":
      return datumEquals(actual, c.value);
    case "!=":
      return !datumEquals(actual, c.value);
    case "includes":
      return includes(actual, c.value);
    case "excludes":
      return excludes(actual, c.value);
    default: {
      // Relational: scalar or optional numeric column; an empty optional never matches.
      const a = datumAtoms(actual);
      const b = datumAtoms(c.value);
      if (a.length !== 1 || b.length !== 1) return false;
      const r = compareAtoms(a[0]!, b[0]!);
      return c.fn === "<" ? r < 0 : c.fn === "<=" ? r <= 0 : c.fn === ">" ? r > 0 : r >= 0;
    }
  }
}

function includes(actual: Datum, wanted: Datum): boolean {
  if (wanted instanceof Map) {
    if (!(actual instanceof Map)) return wanted.size === 0;
    for (const [k, v] of wanted) if (!actual.has(k) || actual.get(k) !== v) return false;
    return true;
  }
  const want = datumAtoms(wanted);
  if (want.length === 0) return true;
  const have = datumAtoms(actual);
  if (have.length < 8) return want.every((w) => have.includes(w));
  const set = new Set<Atom>(have);
  return want.every((w) => set.has(w));
}

function excludes(actual: Datum, unwanted: Datum): boolean {
  if (unwanted instanceof Map) {
    if (!(actual instanceof Map)) return true;
    for (const [k, v] of unwanted) if (actual.has(k) && actual.get(k) === v) return false;
    return true;
  }
  const have = datumAtoms(actual);
  const set = new Set<Atom>(have);
  return datumAtoms(unwanted).every((u) => !set.has(u));
}

/**
 * Compiles a `where` list (conjunction) — or a `monitor_cond` list, whose clauses may also be
 * `true`/`false` and which OVS treats as a disjunction (`monitor_cond` rows match if *any* clause
 * matches; an empty list matches every row, as in ovsdb-server) when `disjunction` is set.
 */
export function compileWhere(
  table: TableSchema,
  where: readonly (Condition | MonitorCondition | unknown)[],
  options: {
    disjunction?: boolean;
    ctx?: DatumContext;
    /** Compiles one clause (default {@link compileCondition}); the server passes its own to report ovsdb-server's errors. */
    compile?: (table: TableSchema, cond: unknown) => CompiledCondition;
  } = {},
): CompiledWhere {
  const clauses: CompiledCondition[] = [];
  let anyTrue = false;
  let anyFalse = false;
  for (const w of where) {
    if (w === true) anyTrue = true;
    else if (w === false) anyFalse = true;
    else clauses.push(options.compile ? options.compile(table, w) : compileCondition(table, w, options.ctx));
  }
  const get = (row: Row, c: string) => row[c];
  if (options.disjunction) {
    if (anyTrue || (clauses.length === 0 && !anyFalse)) return { clauses, alwaysFalse: false, test: () => true };
    if (clauses.length === 0) return { clauses, alwaysFalse: true, test: () => false };
    return { clauses, alwaysFalse: false, test: (row) => clauses.some((c) => evalCondition(c, get(row, c.column))) };
  }
  if (anyFalse) return { clauses, alwaysFalse: true, test: () => false };
  if (clauses.length === 0) return { clauses, alwaysFalse: false, test: () => true };
  if (clauses.length === 1) {
    const c = clauses[0]!;
    return { clauses, alwaysFalse: false, test: (row) => evalCondition(c, get(row, c.column)) };
  }
  return { clauses, alwaysFalse: false, test: (row) => clauses.every((c) => evalCondition(c, get(row, c.column))) };
}
