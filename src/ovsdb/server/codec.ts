/**
 * Server-side decoding and encoding of values in the JSON notation (RFC 7047 §5.1) with the exact
 * error kinds and details texts ovsdb-server reports, plus its wire form of values (1-element
 * sets as bare atoms, sorted set elements and map keys). Conversion itself is the shared
 * `schema/datum.ts` code; this module adds ovsdb-server's checks and words around it.
 *
 * @module
 */
import { type Datum, type DatumReporter, atomFromJson, checkAtom, datumToJson, decodeDatumWith } from "../schema/datum.js";
import { type Atom, type BaseType, type ColumnType, columnShape } from "../schema/types.js";
import { ConstraintViolation, OvsdbError, OvsdbSyntaxError } from "../wire/errors.js";
import type { JsonAtom, JsonValue } from "../wire/notation.js";
import { isId, isUuid } from "../wire/notation.js";
import { stringifyJson, toInt64 } from "../wire/json.js";
import { formatG } from "../text/json.js";
import { compareAtoms } from "../schema/datum.js";
import { type CompiledCondition, type CompiledWhere, type ConditionReporter, compileCondition, compileWhere, evalCondition } from "../schema/condition.js";
import { type DatabaseSchema, type TableSchema, columnOf, schemaToJson } from "../schema/schema.js";

/**
 * JSON text with object members sorted by name, as ovsdb-server prints the `"syntax"` member of
 * its errors.
 */
export function ovsJsonText(v: unknown): string {
  const text = stringifyJson(sortKeys(v));
  return text.includes("\\u0000real\\u0000") ? text.replace(/"\\u0000real\\u0000(.*?)\\u0000real\\u0000"/g, "$1") : text;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  // A number that is not a safe integer is a real to ovsdb-server, which prints reals with %.15g.
  if (typeof v === "number" && !Number.isSafeInteger(v) && Number.isFinite(v)) return new OvsReal(v);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A real in an error's `syntax` text, written as ovsdb-server 3.1 writes reals (`%.15g`). */
class OvsReal {
  constructor(readonly value: number) {}
  toJSON(): unknown {
    return REAL_MARK + formatG(this.value, 15) + REAL_MARK;
  }
}
const REAL_MARK = "\u0000real\u0000";

/** A `"syntax error"` naming the offending JSON, as ovsdb-server's `ovsdb_syntax_error`. */
export function syntaxError(json: unknown, details: string, error = "syntax error"): OvsdbError {
  return error === "syntax error" ? new OvsdbSyntaxError(details, {}, ovsJsonText(json)) : new OvsdbError(error, details, {}, ovsJsonText(json));
}

/** Resolves `["named-uuid", name]` atoms to UUIDs inside a transaction (RFC 7047 §5.2.1). */
export interface NamedUuidResolver {
  (name: string): string;
}

/** Decoding context: where named-uuids are allowed, and how they resolve. */
export interface DecodeContext {
  /** Resolves named-uuids; when absent, a named-uuid is a syntax error. */
  readonly resolve?: NamedUuidResolver;
}

/**
 * Decodes one atom with ovsdb-server's errors: `"syntax error"` (`expected integer`, ...) naming
 * the JSON, then `"constraint violation"` for enum, range and length constraints.
 */
export function decodeAtom(base: BaseType, json: unknown, ctx: DecodeContext): Atom {
  let atom: Atom;
  if (base.type === "uuid") {
    if (Array.isArray(json) && json.length === 2 && json[0] === "named-uuid" && typeof json[1] === "string") {
      if (!ctx.resolve) throw syntaxError(json, `named-uuid "${json[1]}" is not allowed here`);
      if (!isId(json[1])) throw syntaxError(json, "named-uuid string is not a valid <id>");
      atom = ctx.resolve(json[1]);
    } else if (Array.isArray(json) && json.length === 2 && json[0] === "uuid" && typeof json[1] === "string") {
      if (!isUuid(json[1])) throw syntaxError(json, `"${json[1]}" is not a valid UUID`);
      atom = json[1].toLowerCase();
    } else {
      throw syntaxError(json, `expected ["uuid", <string>]`);
    }
  } else {
    const ok =
      base.type === "integer"
        ? (typeof json === "number" && Number.isSafeInteger(json)) || toInt64(json) !== undefined
        : base.type === "real"
          ? typeof json === "number"
          : typeof json === base.type;
    if (!ok) throw syntaxError(json, `expected ${base.type}`);
    atom = atomFromJson(base, json);
  }
  const e = checkAtom(base, atom);
  if (e) throw new ConstraintViolation(e);
  return atom;
}

function sizeError(kind: "set" | "map", type: ColumnType, n: number, json: unknown): OvsdbError {
  if (type.min === 1 && type.max === 1) return syntaxError(json, `${kind} must have exactly one member but ${n} are present`);
  if (type.max === "unlimited") return syntaxError(json, `${kind} must have at least ${type.min} members but ${n} are present`);
  return syntaxError(json, `${kind} must have ${type.min} to ${type.max} members but ${n} are present`);
}

/**
 * The embedded server's {@link DatumReporter}: atoms through {@link decodeAtom} (ovsdb-server's
 * errors, constraints, named-uuids resolved by `ctx`), ovsdb-server's words for shapes, sizes
 * (`set must have 0 to 3 members but 4 are present`) and duplicates (`"ovsdb error"`), sets in
 * canonical order.
 */
export function serverDatumReporter(ctx: DecodeContext = {}): DatumReporter {
  return {
    atom: (base, j) => decodeAtom(base, j, ctx),
    notMap: (_t, j) => syntaxError(j, `expected ["map", <array>]`),
    badSet: (_t, j) => syntaxError(j, `expected ["set", <array>]`),
    badPair: (_t, pair) => syntaxError(pair, "expected 2-element array"),
    size: (type, kind, n, j) => sizeError(kind, type, n, j),
    duplicate: (_t, kind) => new OvsdbError("ovsdb error", kind === "map" ? "map contains duplicate key" : "set contains duplicate"),
    canonicalSets: true,
  };
}

const SERVER_DATUM_REPORTER = serverDatumReporter();

/**
 * Decodes a `<value>` for a column type with ovsdb-server's checks and errors: the shared
 * {@link decodeDatumWith} with {@link serverDatumReporter}.
 */
export function decodeDatum(type: ColumnType, json: unknown, ctx: DecodeContext = {}): Datum {
  return decodeDatumWith(type, json, ctx.resolve ? serverDatumReporter(ctx) : SERVER_DATUM_REPORTER);
}

/**
 * Encodes a native value in ovsdb-server's wire form: a scalar as its atom; a set (or optional)
 * of exactly one element as that bare atom, otherwise `["set", [...]]` in canonical order; a map
 * as `["map", [...]]` sorted by key.
 */
export function encodeDatum(type: ColumnType, value: Datum): JsonValue {
  const shape = columnShape(type);
  if (shape === "map") {
    const m = (value ?? new Map()) as ReadonlyMap<Atom, Atom>;
    const keys = [...m.keys()].sort(compareAtoms);
    const j = datumToJson(type, new Map(keys.map((k) => [k, m.get(k)!])));
    return j;
  }
  if (shape === "scalar") return datumToJson(type, value);
  const atoms = value === undefined ? [] : Array.isArray(value) ? [...(value as readonly Atom[])] : [value as Atom];
  if (atoms.length === 1) return datumToJson({ key: type.key, min: 1, max: 1 }, atoms[0]) as JsonAtom;
  atoms.sort(compareAtoms);
  return datumToJson({ ...type, min: 0, max: "unlimited" }, atoms);
}

/** True when a value equals its column's default (ovsdb-server leaves such columns out of `update2` inserts). */
export function isDefaultDatum(type: ColumnType, value: Datum): boolean {
  const shape = columnShape(type);
  if (shape === "map") return (value as ReadonlyMap<Atom, Atom>).size === 0;
  if (shape === "optional") return value === undefined;
  if (shape === "set") {
    const a = value as readonly Atom[];
    if (type.min === 0) return a.length === 0;
    return a.length === 1 && isDefaultAtom(type.key, a[0]!);
  }
  return isDefaultAtom(type.key, value as Atom);
}

function isDefaultAtom(base: BaseType, a: Atom): boolean {
  switch (base.type) {
    case "integer":
    case "real":
      return a === 0;
    case "boolean":
      return a === false;
    case "string":
      return a === "";
    case "uuid":
      return a === "00000000-0000-0000-0000-000000000000";
  }
}

/**
 * The embedded server's {@link ConditionReporter}: ovsdb-server's errors ("Parse error in
 * condition.", "unknown column", "unknown function", `Type mismatch: ...`) and values decoded with
 * {@link decodeDatum} (its checks and errors), named-uuids resolved by `decode`.
 */
export function serverConditionReporter(decode: DecodeContext = {}): ConditionReporter {
  const datums = decode.resolve ? serverDatumReporter(decode) : SERVER_DATUM_REPORTER;
  return {
    malformed: (cond) => syntaxError(cond, "Parse error in condition."),
    unknownColumn: (cond, t, column) => syntaxError(cond, `No column ${column} in table ${t.name}.`, "unknown column"),
    unknownFunction: (_cond, _t, _column, fn) => new OvsdbError("unknown function", `No function named ${fn}.`),
    typeMismatch: (cond, _t, column, fn, typeText) => syntaxError(cond, `Type mismatch: "${fn}" operator may not be applied to column ${column} of type ${typeText}.`),
    decode: (type, json) => decodeDatumWith(type, json, datums),
  };
}

/** The server reporter without named-uuids (monitor conditions). */
export const SERVER_CONDITION_REPORTER: ConditionReporter = serverConditionReporter();

/** Compiles one `<condition>` with ovsdb-server's rules and errors: the shared {@link compileCondition} with {@link serverConditionReporter}. */
export function compileServerCondition(t: TableSchema, cond: unknown, decode: DecodeContext = {}): CompiledCondition {
  return compileCondition(t, cond, decode.resolve ? serverConditionReporter(decode) : SERVER_CONDITION_REPORTER);
}

/** A schema's JSON as ovsdb-server sends it (`get_schema`, `_Server.Database.schema`): enum values sorted. */
export function wireSchema(schema: DatabaseSchema): Record<string, unknown> {
  const json = schemaToJson(schema);
  const sortEnums = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortEnums);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "enum" && Array.isArray(x) && x[0] === "set" && Array.isArray(x[1])) {
          out[k] = ["set", [...(x[1] as Atom[])].sort((a, b) => compareAtoms(Array.isArray(a) ? String(a[1]) : a, Array.isArray(b) ? String(b[1]) : b))];
        } else out[k] = sortEnums(x);
      }
      return out;
    }
    return v;
  };
  return sortEnums(json) as Record<string, unknown>;
}

/** A lowercase UUID in its 36-character text (what {@link atomFromJson} gives back unchanged for `["uuid", u]`). */
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * @internal Compiles a transaction's `where` as {@link compileWhere} does with the reporter
 * `reporter()` gives, which is made only when needed: the usual `[["_uuid", "==", ["uuid", U]]]`
 * (U lowercase) is compiled directly, to the same result, without one.
 */
export function compileTxnWhere(table: TableSchema, where: readonly unknown[], reporter: () => ConditionReporter): CompiledWhere {
  if (where.length === 1) {
    const c = where[0];
    if (Array.isArray(c) && c.length === 3 && c[0] === "_uuid" && c[1] === "==") {
      const v = c[2];
      if (Array.isArray(v) && v.length === 2 && v[0] === "uuid" && typeof v[1] === "string" && LOWER_UUID.test(v[1])) {
        const clause: CompiledCondition = { column: "_uuid", fn: "==", value: v[1], type: columnOf(table, "_uuid")!.type };
        return { clauses: [clause], alwaysFalse: false, test: (row) => evalCondition(clause, row["_uuid"]) };
      }
    }
  }
  return compileWhere(table, where, { reporter: reporter() });
}
