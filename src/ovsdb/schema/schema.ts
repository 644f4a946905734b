/**
 * Database schemas (RFC 7047 §3.2 `<database-schema>`, `<table-schema>`, `<column-schema>`):
 * parsing and complete validation of `.ovsschema` documents, with errors that name the table,
 * column and rule that failed.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { isId } from "../wire/notation.js";
import { SchemaError } from "./errors.js";
import { type ColumnType, columnTypeToJson, parseColumnType } from "./types.js";

/** A column (RFC 7047 §3.2 `<column-schema>`). */
export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Not persisted (RFC 7047 `"ephemeral"`). */
  readonly ephemeral: boolean;
  /** May be changed after insert (OVS `"mutable"`, default true). */
  readonly mutable: boolean;
}

/** A table (RFC 7047 §3.2 `<table-schema>`), with the implicit `_uuid` and `_version` columns. */
export interface TableSchema {
  readonly name: string;
  /** Declared columns, in schema order (without `_uuid`/`_version`). */
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  /** Maximum number of rows, when limited. */
  readonly maxRows: number | undefined;
  /** Root table: rows are kept even when nothing references them. */
  readonly isRoot: boolean;
  /** Unique indexes: each a list of column names whose combined value must be unique. */
  readonly indexes: readonly (readonly string[])[];
}

/** A database schema (RFC 7047 §3.2 `<database-schema>`). */
export interface DatabaseSchema {
  readonly name: string;
  /** `x.y.z` version string (`"0.0.0"` when the schema has none; see {@link DatabaseSchema.versionless}). */
  readonly version: string;
  /**
   * True when the schema text had no `version` (RFC 7047 makes it optional): the schema's JSON form
   * then has none either, as ovsdb-server's `get_schema` and `_Server` rows show it.
   */
  readonly versionless?: boolean;
  /** The checksum member, when present (`ovsdb-tool schema-cksum` computes it). */
  readonly cksum: string | undefined;
  readonly tables: ReadonlyMap<string, TableSchema>;
}

/** Type of the implicit `_uuid` column. */
export const UUID_COLUMN_TYPE: ColumnType = { key: { type: "uuid" }, min: 1, max: 1 };
/** Schema of the implicit `_uuid` column. */
export const UUID_COLUMN: ColumnSchema = { name: "_uuid", type: UUID_COLUMN_TYPE, ephemeral: false, mutable: false };
/** Schema of the implicit `_version` column. */
export const VERSION_COLUMN: ColumnSchema = { name: "_version", type: UUID_COLUMN_TYPE, ephemeral: false, mutable: false };

const DB_KEYS = new Set(["name", "version", "cksum", "tables"]);
const TABLE_KEYS = new Set(["columns", "maxRows", "isRoot", "indexes"]);
const COLUMN_KEYS = new Set(["type", "ephemeral", "mutable"]);
const VERSION_RE = /^[0-9]+\.[0-9]+\.[0-9]+$/;

function obj(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new SchemaError(`${where}: must be a JSON object`);
  return v as Record<string, unknown>;
}

function parseColumn(name: string, json: unknown, table: string): ColumnSchema {
  const where = `table ${table}, column ${name}`;
  if (!isId(name)) throw new SchemaError(`${where}: column name is not a valid identifier`);
  if (name.startsWith("_")) throw new SchemaError(`${where}: column names beginning with "_" are reserved`);
  const o = obj(json, where);
  for (const k of Object.keys(o)) if (!COLUMN_KEYS.has(k)) throw new SchemaError(`${where}: unknown member "${k}"`);
  if (!("type" in o)) throw new SchemaError(`${where}: column has no "type"`);
  const type = parseColumnType(o["type"], where);
  for (const k of ["ephemeral", "mutable"]) {
    if (k in o && typeof o[k] !== "boolean") throw new SchemaError(`${where}: "${k}" must be true or false`);
  }
  return { name, type, ephemeral: o["ephemeral"] === true, mutable: o["mutable"] !== false };
}

function parseTable(name: string, json: unknown): TableSchema {
  const where = `table ${name}`;
  if (!isId(name)) throw new SchemaError(`${where}: table name is not a valid identifier`);
  const o = obj(json, where);
  for (const k of Object.keys(o)) if (!TABLE_KEYS.has(k)) throw new SchemaError(`${where}: unknown member "${k}"`);
  const cols = obj(o["columns"], `${where}: "columns"`);
  if (Object.keys(cols).length === 0) throw new SchemaError(`${where}: table has no columns`);
  const columns = new Map<string, ColumnSchema>();
  for (const [c, cj] of Object.entries(cols)) columns.set(c, parseColumn(c, cj, name));
  let maxRows: number | undefined;
  if ("maxRows" in o) {
    const m = o["maxRows"];
    if (typeof m !== "number" || !Number.isInteger(m) || m < 1) throw new SchemaError(`${where}: "maxRows" must be a positive integer`);
    maxRows = m;
  }
  if ("isRoot" in o && typeof o["isRoot"] !== "boolean") throw new SchemaError(`${where}: "isRoot" must be true or false`);
  const indexes: string[][] = [];
  if ("indexes" in o) {
    const ix = o["indexes"];
    if (!Array.isArray(ix)) throw new SchemaError(`${where}: "indexes" must be an array of arrays of column names`);
    ix.forEach((index, n) => {
      if (!Array.isArray(index) || index.length === 0) throw new SchemaError(`${where}: index ${n} must be a non-empty array of column names`);
      for (const c of index) {
        if (typeof c !== "string") throw new SchemaError(`${where}: index ${n} contains a non-string ${JSON.stringify(c)}`);
        const col = columns.get(c);
        if (!col && c !== "_uuid") throw new SchemaError(`${where}: index ${n} names unknown column "${c}"`);
        if (col?.ephemeral) throw new SchemaError(`${where}: index ${n} names ephemeral column "${c}"`);
      }
      if (new Set(index).size !== index.length) throw new SchemaError(`${where}: index ${n} repeats a column`);
      indexes.push(index as string[]);
    });
  }
  return { name, columns, maxRows, isRoot: o["isRoot"] === true, indexes };
}

/**
 * Parses and validates a database schema from its JSON value (as read from a `.ovsschema` file or
 * returned by `get_schema`). Throws {@link SchemaError} naming the table, column and rule.
 */
export function parseSchema(json: unknown): DatabaseSchema {
  const o = obj(json, "schema");
  for (const k of Object.keys(o)) if (!DB_KEYS.has(k)) throw new SchemaError(`schema: unknown member "${k}"`);
  const name = o["name"];
  if (typeof name !== "string" || !isId(name)) throw new SchemaError(`schema: "name" must be a valid identifier, not ${JSON.stringify(name)}`);
  const version = o["version"];
  if (version !== undefined && (typeof version !== "string" || !VERSION_RE.test(version))) {
    throw new SchemaError(`schema ${name}: "version" must look like x.y.z, not ${JSON.stringify(version)}`);
  }
  const cksum = o["cksum"];
  if (cksum !== undefined && typeof cksum !== "string") throw new SchemaError(`schema ${name}: "cksum" must be a string`);
  const tablesJson = obj(o["tables"], `schema ${name}: "tables"`);
  const tables = new Map<string, TableSchema>();
  for (const [t, tj] of Object.entries(tablesJson)) tables.set(t, parseTable(t, tj));
  // Cross-table rule: every refTable names a table of this schema.
  for (const t of tables.values()) {
    for (const c of t.columns.values()) {
      for (const base of [c.type.key, c.type.value]) {
        if (base?.refTable && !tables.has(base.refTable)) {
          throw new SchemaError(`table ${t.name}, column ${c.name}: refTable "${base.refTable}" is not a table of schema ${name}`);
        }
      }
    }
  }
  return { name, version: (version as string | undefined) ?? "0.0.0", ...(version === undefined ? { versionless: true } : {}), cksum: cksum as string | undefined, tables };
}

/** Reads and parses a `.ovsschema` file; errors name the file. */
export function readSchemaFile(path: string): DatabaseSchema {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SchemaError(`${path}: cannot read schema: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SchemaError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseSchema(json);
  } catch (e) {
    throw new SchemaError(`${path}: ${(e as Error).message}`);
  }
}

/** Converts a schema back to its JSON form (as `get_schema` returns it). */
export function schemaToJson(s: DatabaseSchema): Record<string, unknown> {
  const tables: Record<string, unknown> = {};
  for (const t of s.tables.values()) {
    const columns: Record<string, unknown> = {};
    for (const c of t.columns.values()) {
      const cj: Record<string, unknown> = { type: columnTypeToJson(c.type) };
      if (c.ephemeral) cj["ephemeral"] = true;
      if (!c.mutable) cj["mutable"] = false;
      columns[c.name] = cj;
    }
    const tj: Record<string, unknown> = { columns };
    if (t.maxRows !== undefined) tj["maxRows"] = t.maxRows;
    if (t.isRoot) tj["isRoot"] = true;
    if (t.indexes.length > 0) tj["indexes"] = t.indexes;
    tables[t.name] = tj;
  }
  const out: Record<string, unknown> = s.versionless ? { name: s.name } : { name: s.name, version: s.version };
  if (s.cksum !== undefined) out["cksum"] = s.cksum;
  out["tables"] = tables;
  return out;
}

/** A table's schema, or a {@link SchemaError} naming the database and the unknown table. */
export function tableOf(s: DatabaseSchema, table: string): TableSchema {
  const t = s.tables.get(table);
  if (!t) throw new SchemaError(`database ${s.name} has no table "${table}"`);
  return t;
}

/** A column's schema including `_uuid`/`_version`, or undefined. */
export function columnOf(t: TableSchema, column: string): ColumnSchema | undefined {
  if (column === "_uuid") return UUID_COLUMN;
  if (column === "_version") return VERSION_COLUMN;
  return t.columns.get(column);
}
