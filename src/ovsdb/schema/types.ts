/**
 * OVSDB column types (RFC 7047 §3.2 `<type>` and `<base-type>`): parsing with complete validation,
 * and the derived shape of a column's native value (scalar, optional, set or map).
 *
 * @module
 */
import { SchemaError } from "./errors.js";

/** Atomic types (RFC 7047 §3.2 `<atomic-type>`). */
export type AtomicType = "integer" | "real" | "boolean" | "string" | "uuid";
/** Every {@link AtomicType}. */
export const ATOMIC_TYPES: readonly AtomicType[] = ["integer", "real", "boolean", "string", "uuid"];

/** A native atom: integer/real → number, boolean → boolean, string → string, uuid → UUID string. */
export type Atom = string | number | bigint | boolean;

/** A `<base-type>` (RFC 7047 §3.2) with its constraints, normalized. */
export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values (for any atomic type), when the column is an enumeration. */
  readonly enum?: readonly Atom[];
  /** Integer range, inclusive. */
  readonly minInteger?: number;
  readonly maxInteger?: number;
  /** Real range, inclusive. */
  readonly minReal?: number;
  readonly maxReal?: number;
  /** String length range, counted in Unicode code points (as ovsdb-server counts UTF-8 characters). */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Referenced table, for uuid columns. */
  readonly refTable?: string;
  /** Strong or weak reference, for uuid columns with a `refTable`. */
  readonly refType?: "strong" | "weak";
}

/** A column `<type>` (RFC 7047 §3.2), normalized: `max` is a number or `"unlimited"`. */
export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: 0 | 1;
  readonly max: number | "unlimited";
}

/**
 * How a column's value is represented natively:
 * - `scalar`: exactly one atom (min 1, max 1);
 * - `optional`: an atom or `undefined` (min 0, max 1);
 * - `set`: a readonly array of atoms (max > 1);
 * - `map`: a `ReadonlyMap` (the type has a `value`).
 */
export type ColumnShape = "scalar" | "optional" | "set" | "map";

/** The native shape of a column type; see {@link ColumnShape}. */
export function columnShape(t: ColumnType): ColumnShape {
  if (t.value) return "map";
  if (t.max === 1) return t.min === 1 ? "scalar" : "optional";
  return "set";
}

/** Whether `max` allows `n` elements. */
export function maxAllows(t: ColumnType, n: number): boolean {
  return t.max === "unlimited" || n <= t.max;
}

const BASE_KEYS = new Set(["type", "enum", "minInteger", "maxInteger", "minReal", "maxReal", "minLength", "maxLength", "refTable", "refType"]);
const TYPE_KEYS = new Set(["key", "value", "min", "max"]);

function isAtomicType(s: unknown): s is AtomicType {
  return typeof s === "string" && (ATOMIC_TYPES as readonly string[]).includes(s);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** Parses a `<base-type>`; `where` names the table and column for errors. */
export function parseBaseType(json: unknown, where: string): BaseType {
  if (typeof json === "string") {
    if (!isAtomicType(json)) throw new SchemaError(`${where}: unknown atomic type "${json}"`);
    return { type: json };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new SchemaError(`${where}: base type must be an atomic type name or an object`);
  }
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!BASE_KEYS.has(k)) throw new SchemaError(`${where}: unknown member "${k}" in base type`);
  const type = o["type"];
  if (!isAtomicType(type)) throw new SchemaError(`${where}: base type has ${type === undefined ? "no" : `invalid`} "type"${type === undefined ? "" : ` ${JSON.stringify(type)}`}`);
  const out: { -readonly [K in keyof BaseType]: BaseType[K] } = { type };
  const only = (key: string, allowed: AtomicType[]) => {
    if (key in o && !allowed.includes(type)) throw new SchemaError(`${where}: "${key}" is not allowed for type ${type}`);
  };
  only("minInteger", ["integer"]);
  only("maxInteger", ["integer"]);
  only("minReal", ["real"]);
  only("maxReal", ["real"]);
  only("minLength", ["string"]);
  only("maxLength", ["string"]);
  only("refTable", ["uuid"]);
  only("refType", ["uuid"]);
  for (const k of ["minInteger", "maxInteger", "minLength", "maxLength"] as const) {
    if (k in o) {
      if (!isInt(o[k])) throw new SchemaError(`${where}: "${k}" must be an integer`);
      out[k] = o[k] as number;
    }
  }
  for (const k of ["minReal", "maxReal"] as const) {
    if (k in o) {
      if (typeof o[k] !== "number") throw new SchemaError(`${where}: "${k}" must be a number`);
      out[k] = o[k] as number;
    }
  }
  if (out.minInteger !== undefined && out.maxInteger !== undefined && out.minInteger > out.maxInteger) {
    throw new SchemaError(`${where}: minInteger ${out.minInteger} is greater than maxInteger ${out.maxInteger}`);
  }
  if (out.minReal !== undefined && out.maxReal !== undefined && out.minReal > out.maxReal) {
    throw new SchemaError(`${where}: minReal ${out.minReal} is greater than maxReal ${out.maxReal}`);
  }
  if (out.minLength !== undefined && out.minLength < 0) throw new SchemaError(`${where}: minLength must not be negative`);
  if (out.minLength !== undefined && out.maxLength !== undefined && out.minLength > out.maxLength) {
    throw new SchemaError(`${where}: minLength ${out.minLength} is greater than maxLength ${out.maxLength}`);
  }
  if ("refTable" in o) {
    if (typeof o["refTable"] !== "string") throw new SchemaError(`${where}: "refTable" must be a table name`);
    out.refTable = o["refTable"];
    const rt = o["refType"] ?? "strong";
    if (rt !== "strong" && rt !== "weak") throw new SchemaError(`${where}: "refType" must be "strong" or "weak", not ${JSON.stringify(rt)}`);
    out.refType = rt;
  } else if ("refType" in o) {
    throw new SchemaError(`${where}: "refType" needs a "refTable"`);
  }
  if ("enum" in o) {
    out.enum = parseEnum(o["enum"], type, where);
  }
  return out;
}

function parseEnum(json: unknown, type: AtomicType, where: string): Atom[] {
  // An enum is a <value> of the atomic type: a single atom or ["set", [...]].
  let atoms: unknown[];
  if (Array.isArray(json) && json[0] === "set" && Array.isArray(json[1])) atoms = json[1];
  else atoms = [json];
  if (atoms.length === 0) throw new SchemaError(`${where}: "enum" is empty`);
  return atoms.map((a) => {
    switch (type) {
      case "integer":
        if (!isInt(a)) throw new SchemaError(`${where}: enum value ${JSON.stringify(a)} is not an integer`);
        return a;
      case "real":
        if (typeof a !== "number") throw new SchemaError(`${where}: enum value ${JSON.stringify(a)} is not a real`);
        return a;
      case "boolean":
        if (typeof a !== "boolean") throw new SchemaError(`${where}: enum value ${JSON.stringify(a)} is not a boolean`);
        return a;
      case "string":
        if (typeof a !== "string") throw new SchemaError(`${where}: enum value ${JSON.stringify(a)} is not a string`);
        return a;
      case "uuid":
        if (!(Array.isArray(a) && a[0] === "uuid" && typeof a[1] === "string")) {
          throw new SchemaError(`${where}: enum value ${JSON.stringify(a)} is not a uuid`);
        }
        return a[1] as string;
    }
  });
}

/** Parses a column `<type>` (RFC 7047 §3.2); `where` names the table and column for errors. */
export function parseColumnType(json: unknown, where: string): ColumnType {
  if (typeof json === "string") return { key: parseBaseType(json, where), min: 1, max: 1 };
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new SchemaError(`${where}: type must be an atomic type name or an object`);
  }
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TYPE_KEYS.has(k)) throw new SchemaError(`${where}: unknown member "${k}" in type`);
  if (!("key" in o)) throw new SchemaError(`${where}: type has no "key"`);
  const key = parseBaseType(o["key"], `${where} (key)`);
  const value = "value" in o ? parseBaseType(o["value"], `${where} (value)`) : undefined;
  const min = o["min"] ?? 1;
  if (min !== 0 && min !== 1) throw new SchemaError(`${where}: "min" must be 0 or 1, not ${JSON.stringify(min)}`);
  const maxRaw = o["max"] ?? 1;
  let max: number | "unlimited";
  if (maxRaw === "unlimited") max = "unlimited";
  else if (isInt(maxRaw) && maxRaw >= 1) max = maxRaw;
  else throw new SchemaError(`${where}: "max" must be a positive integer or "unlimited", not ${JSON.stringify(maxRaw)}`);
  if (max !== "unlimited" && min > max) throw new SchemaError(`${where}: "min" ${min} is greater than "max" ${max}`);
  return value ? { key, value, min, max } : { key, min, max };
}

/** Converts a base type back to its schema JSON (the shortest form: a bare name when unconstrained). */
export function baseTypeToJson(b: BaseType): unknown {
  const keys = Object.keys(b).filter((k) => k !== "type");
  if (keys.length === 0) return b.type;
  const o: Record<string, unknown> = { type: b.type };
  if (b.enum) o["enum"] = ["set", b.enum.map((a) => (b.type === "uuid" ? ["uuid", a] : a))];
  for (const k of ["minInteger", "maxInteger", "minReal", "maxReal", "minLength", "maxLength", "refTable"] as const) {
    if (b[k] !== undefined) o[k] = b[k];
  }
  if (b.refTable && b.refType === "weak") o["refType"] = "weak";
  return o;
}

/** Converts a column type back to its schema JSON. */
export function columnTypeToJson(t: ColumnType): unknown {
  if (!t.value && t.min === 1 && t.max === 1) {
    const k = baseTypeToJson(t.key);
    return typeof k === "string" ? k : { key: k };
  }
  const o: Record<string, unknown> = { key: baseTypeToJson(t.key) };
  if (t.value) o["value"] = baseTypeToJson(t.value);
  if (t.min !== 1) o["min"] = t.min;
  if (t.max !== 1) o["max"] = t.max;
  return o;
}

/**
 * English description of a column type, as ovsdb-server words it in error details
 * (`ovsdb_type_to_english`): `string`, `optional integer`, `set of up to 3 strings`,
 * `map of (string, string) pairs`, `map of up to 2 (integer, string) pairs`.
 */
export function typeToEnglish(t: ColumnType): string {
  const base = (b: BaseType) => b.type;
  const shape = columnShape(t);
  if (shape === "scalar") return base(t.key);
  const plural = (b: BaseType) => `${base(b)}s`;
  if (shape === "map") {
    const pair = `(${base(t.key)}, ${base(t.value!)}) pairs`;
    if (t.min === 0 && t.max === "unlimited") return `map of ${pair}`;
    if (t.min === 0) return `map of up to ${t.max} ${pair}`;
    if (t.max === "unlimited") return `map of ${t.min} or more ${pair}`;
    return `map of ${t.min} to ${t.max} ${pair}`;
  }
  if (t.min === 0 && t.max === "unlimited") return `set of ${plural(t.key)}`;
  if (t.min === 0) return `set of up to ${t.max} ${plural(t.key)}`;
  if (t.max === "unlimited") return `set of ${t.min} or more ${plural(t.key)}`;
  return `set of ${t.min} to ${t.max} ${plural(t.key)}`;
}

