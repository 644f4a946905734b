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
import { type Atom, type ColumnType, typeToEnglish } from "./types.js";

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
const FUNCTIONS: ReadonlySet<string> = new Set(["<", "<=", "==", "!=", ">=", ">", "includes", "excludes"]);

/**
 * The type a condition's value is decoded with, as ovsdb-server relaxes the column's type
 * (`ovsdb_clause_from_json`): relational functions take exactly one atom (so an empty set is
 * refused even on an optional column); `includes` on a set or map takes from zero up to the
 * column's maximum; `excludes` on a set or map any number; on a scalar column both take exactly one.
 */
export function conditionValueType(type: ColumnType, fn: ConditionFunction): ColumnType {
  if (RELATIONAL.has(fn)) return type.min === 1 ? type : { ...type, min: 1 };
  const scalar = !type.value && type.min === 1 && type.max === 1;
  if (scalar) return type;
  if (fn === "includes") return { ...type, min: 0 };
  if (fn === "excludes") return { ...type, min: 0, max: "unlimited" };
  return type;
}

/**
 * How a condition compiler reports what it refuses and decodes values. The replica uses
 * {@link CLIENT_CONDITION_REPORTER} (typed {@link OvsdbTypeError}s); the embedded server passes one
 * that throws ovsdb-server's errors and decodes with its checks, so both run the same rules.
 */
export interface ConditionReporter {
  /** The clause is not `[column, function, value]` with string column and function. */
  malformed(cond: unknown, table: TableSchema): Error;
  /** The column does not exist. */
  unknownColumn(cond: unknown, table: TableSchema, column: string): Error;
  /** The function is not one of RFC 7047's. */
  unknownFunction(cond: unknown, table: TableSchema, column: string, fn: string): Error;
  /** The function does not apply to the column's type (`typeText` words the type as ovsdb-server does). */
  typeMismatch(cond: unknown, table: TableSchema, column: string, fn: ConditionFunction, typeText: string): Error;
  /** Decodes the clause's value with the relaxed type (see {@link conditionValueType}). */
  decode(type: ColumnType, json: unknown, table: TableSchema, column: string): Datum;
}

/** Builds the client-side reporter for a datum context (named-uuid handling). */
export function clientConditionReporter(ctx: DatumContext = {}): ConditionReporter {
  return {
    malformed: (cond, t) => new OvsdbTypeError(`condition must be a 3-element array [column, function, value], got ${safeJson(cond)}`, t.name),
    unknownColumn: (_c, t, column) => new OvsdbTypeError(`No column ${column} in table ${t.name}.`, t.name, column),
    unknownFunction: (_c, t, column, fn) => new OvsdbTypeError(`unknown function ${safeJson(fn)}`, t.name, column),
    typeMismatch: (_c, t, column, fn, typeText) =>
      new OvsdbTypeError(`Type mismatch: "${fn}" operator may not be applied to column ${column} of type ${typeText}.`, t.name, column),
    decode: (type, json, t, column) => datumFromJson(type, json, { ...ctx, table: t.name, column }),
  };
}

/** The client-side {@link ConditionReporter}: {@link OvsdbTypeError}s and {@link datumFromJson}. */
export const CLIENT_CONDITION_REPORTER: ConditionReporter = clientConditionReporter();

/**
 * Decodes and type-checks one condition against a table with ovsdb-server's rules
 * (`ovsdb_clause_from_json`): the clause's shape, the column, the function, relational functions
 * only on numeric scalar or optional columns, then the value with the type
 * {@link conditionValueType} gives. Errors are made by `reporter` (by default typed
 * {@link OvsdbTypeError}s; a `DatumContext` may be given instead for named-uuid handling).
 */
export function compileCondition(table: TableSchema, cond: unknown, reporter: ConditionReporter | DatumContext = CLIENT_CONDITION_REPORTER): CompiledCondition {
  const r = "decode" in reporter ? reporter : clientConditionReporter(reporter);
  if (!Array.isArray(cond) || cond.length !== 3 || typeof cond[0] !== "string" || typeof cond[1] !== "string") throw r.malformed(cond, table);
  const [column, fn, value] = cond as [string, string, unknown];
  const col = columnOf(table, column);
  if (!col) throw r.unknownColumn(cond, table, column);
  if (!FUNCTIONS.has(fn)) throw r.unknownFunction(cond, table, column, fn);
  const f = fn as ConditionFunction;
  const t = col.type;
  if (RELATIONAL.has(f) && (t.value || t.max !== 1 || (t.key.type !== "integer" && t.key.type !== "real"))) {
    throw r.typeMismatch(cond, table, column, f, typeToEnglish(t));
  }
  return { column, fn: f, value: r.decode(conditionValueType(t, f), value, table, column), type: t };
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
    /** Reports errors and decodes values (default: {@link clientConditionReporter} of `ctx`); the server passes ovsdb-server's. */
    reporter?: ConditionReporter;
  } = {},
): CompiledWhere {
  const reporter = options.reporter ?? (options.ctx ? clientConditionReporter(options.ctx) : CLIENT_CONDITION_REPORTER);
  const clauses: CompiledCondition[] = [];
  let anyTrue = false;
  let anyFalse = false;
  for (const w of where) {
    if (w === true) anyTrue = true;
    else if (w === false) anyFalse = true;
    else clauses.push(compileCondition(table, w, reporter));
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
