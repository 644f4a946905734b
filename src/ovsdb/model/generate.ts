/**
 * The model generator behind `ovn-ts codegen`: turns one database schema (RFC 7047 §3.2
 * `<database-schema>`) into a TypeScript module with a row interface per table, literal unions
 * for enumerations, table-name constants, per-table type information for the typed builders, and
 * the embedded schema (for runtime constraint checks and the compatibility check at connect).
 *
 * The output depends only on the schema and the options, so regenerating is reproducible.
 *
 * @module
 */
import { SchemaError } from "../schema/errors.js";
import { type ColumnSchema, type DatabaseSchema, type TableSchema, parseSchema, schemaToJson } from "../schema/schema.js";
import { type BaseType, columnShape, columnTypeToJson } from "../schema/types.js";
import { requiredOnInsert } from "./roles.js";

/** Options of {@link generateModel}. */
export interface GenerateModelOptions {
  /**
   * Module specifier the generated code imports the model runtime from.
   * @default "ovn-ts/ovsdb"
   */
  readonly importFrom?: string;
  /** Where the schema came from (a file name), for the header comment. */
  readonly source?: string;
  /**
   * Do not embed the schema: the module exports `SCHEMA_FILE` (this path, resolved against the
   * generated module's own URL) instead of `SCHEMA`, and its `model` reads and checks that file on
   * first use (`defineModelFromFile`). Use it when the `.ovsschema` file ships next to the code.
   * @default undefined (the schema is embedded as `SCHEMA`)
   */
  readonly loadSchema?: string;
}

/**
 * Names the generated module declares besides the table interfaces; a table with one of these
 * names (or a TypeScript keyword or global type used by the output) cannot be generated.
 */
export const GENERATED_NAMES: readonly string[] = [
  "DATABASE",
  "SCHEMA_VERSION",
  "TABLES",
  "TableName",
  "Tables",
  "Row",
  "Insert",
  "Update",
  "SCHEMA",
  "SCHEMA_FILE",
  "model",
];

const RESERVED = new Set([
  ...GENERATED_NAMES,
  "ReadonlyMap",
  // TypeScript reserved words and type keywords that cannot name an interface.
  ..."break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with implements interface let package private protected public static yield any boolean number string symbol never unknown object undefined bigint await".split(
    " ",
  ),
]);

/** Quotes a string as a TypeScript string literal. */
function lit(s: string): string {
  return JSON.stringify(s);
}

/** The TypeScript type of one atom of `base`. */
function atomType(base: BaseType): string {
  if (base.enum) {
    const parts = base.enum.map((a) => (base.type === "uuid" ? "$m.Uuid" : typeof a === "string" ? lit(a) : String(a)));
    return [...new Set(parts)].join(" | ");
  }
  switch (base.type) {
    case "integer":
      // 64-bit integers: a number within ±(2^53−1), a bigint beyond (see wire/json.ts); a column whose range stays within ±(2^53−1) only ever holds numbers.
      return base.minInteger !== undefined && base.maxInteger !== undefined && Number.isSafeInteger(base.minInteger) && Number.isSafeInteger(base.maxInteger)
        ? "number"
        : "number | bigint";
    case "real":
      return "number";
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "uuid":
      return base.refTable ? `$m.RowUuid<${lit(base.refTable)}>` : "$m.Uuid";
  }
}

function paren(t: string): string {
  return t.includes("|") ? `(${t})` : t;
}

/** The property declaration of a column in the row interface. */
function columnMember(c: ColumnSchema): string {
  const shape = columnShape(c.type);
  const key = atomType(c.type.key);
  switch (shape) {
    case "scalar":
      return `readonly ${c.name}: ${key};`;
    case "optional":
      return `readonly ${c.name}?: ${key};`;
    case "set":
      return `readonly ${c.name}: readonly ${paren(key)}[];`;
    case "map":
      return `readonly ${c.name}: ReadonlyMap<${key}, ${atomType(c.type.value!)}>;`;
  }
}

/** Escapes text for a `/** ... *\/` comment. */
function doc(s: string): string {
  return s.replace(/\*\//g, "*\\/");
}

function columnDoc(c: ColumnSchema): string {
  const notes: string[] = [`\`${doc(JSON.stringify(columnTypeToJson(c.type)))}\``];
  const shape = columnShape(c.type);
  if (shape === "optional") notes.push("optional (min 0, max 1)");
  if (requiredOnInsert(c)) notes.push("required on insert");
  if (!c.mutable) notes.push("immutable: settable on insert only");
  if (c.ephemeral) notes.push("ephemeral");
  return `/** ${notes.join("; ")}. */`;
}

function tableDoc(db: DatabaseSchema, t: TableSchema): string {
  const lines = [`A row of table \`${t.name}\` of ${db.name}.`];
  const facts: string[] = [];
  if (t.isRoot) facts.push("root table");
  if (t.maxRows !== undefined) facts.push(`at most ${t.maxRows} row(s)`);
  for (const ix of t.indexes) facts.push(`unique index (${ix.join(", ")})`);
  if (facts.length > 0) lines.push("", `${facts.join("; ")}.`);
  return `/**\n${lines.map((l) => (l ? ` * ${doc(l)}` : " *")).join("\n")}\n */`;
}

function union(names: readonly string[]): string {
  return names.length === 0 ? "never" : names.map(lit).join(" | ");
}

/** Pretty JSON: objects expanded down to `depth` levels (database, tables, table, columns), anything deeper on one line. */
function prettyJson(v: unknown, depth: number, indent = ""): string {
  if (depth <= 0 || v === null || typeof v !== "object" || Array.isArray(v)) return JSON.stringify(v);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${prettyJson(x, depth - 1, inner)}`).join(",\n")}\n${indent}}`;
}

function isSchema(x: unknown): x is DatabaseSchema {
  return x !== null && typeof x === "object" && (x as { tables?: unknown }).tables instanceof Map;
}

/**
 * Generates the TypeScript model module of one database from its schema (a parsed
 * {@link DatabaseSchema} or the schema's JSON). Throws {@link SchemaError} for invalid schemas
 * and for table names the output cannot use (keywords, or names listed in {@link GENERATED_NAMES}).
 */
export function generateModel(schema: DatabaseSchema | unknown, options: GenerateModelOptions = {}): string {
  const db = isSchema(schema) ? schema : parseSchema(schema);
  const importFrom = options.importFrom ?? "ovn-ts/ovsdb";
  const tables = [...db.tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of tables) {
    if (RESERVED.has(t.name)) {
      throw new SchemaError(`table ${t.name}: the name collides with a name the generated module needs; rename the table`);
    }
  }
  const out: string[] = [];
  const w = (s = "") => out.push(s);
  w("// Code generated by ovn-ts codegen. DO NOT EDIT.");
  w(`// Database ${db.name}, schema version ${db.version}${db.cksum !== undefined ? `, cksum ${db.cksum}` : ""}${options.source ? `, from ${options.source}` : ""}.`);
  w("// Regenerate instead of editing: `ovn-ts codegen SCHEMA.ovsschema -o DIR`.");
  w("/**");
  w(` * Typed model of the \`${db.name}\` database (schema version ${db.version}): one row interface`);
  w(" * per table, table-name constants, the embedded schema and the typed operation builders");
  w(" * (RFC 7047 §5.2) of {@link model}.");
  w(" *");
  w(" * @module");
  w(" */");
  w(`import * as $m from ${lit(importFrom)};`);
  w();
  w(`/** The database name (RFC 7047 §3.2 \`"name"\`). */`);
  w(`export const DATABASE = ${lit(db.name)};`);
  w(`/** The schema version this model was generated from (RFC 7047 §3.2 \`"version"\`). */`);
  w(`export const SCHEMA_VERSION = ${lit(db.version)};`);
  w();
  w(`/** The table names of ${db.name}. */`);
  w("export const TABLES = {");
  for (const t of tables) w(`  ${t.name}: ${lit(t.name)},`);
  w("} as const;");
  w();
  w(`/** A table name of ${db.name}. */`);
  w("export type TableName = (typeof TABLES)[keyof typeof TABLES];");
  for (const t of tables) {
    w();
    w(tableDoc(db, t));
    w(`export interface ${t.name} {`);
    w(`  /** The row's UUID (RFC 7047 §3.2 \`_uuid\`); read-only. */`);
    w(`  readonly _uuid: $m.RowUuid<${lit(t.name)}>;`);
    w(`  /** Changes whenever the row changes (RFC 7047 §3.2 \`_version\`); read-only. */`);
    w("  readonly _version: $m.Uuid;");
    for (const c of t.columns.values()) {
      w(`  ${columnDoc(c)}`);
      w(`  ${columnMember(c)}`);
    }
    w("}");
  }
  w();
  w("/**");
  w(` * Per-table type information of ${db.name} for the typed builders: the row type, the columns an`);
  w(" * insert must set (those whose default would break a constraint, see `requiredOnInsert`) and the");
  w(" * columns settable on insert only (`\"mutable\": false`).");
  w(" */");
  w("export type Tables = {");
  for (const t of tables) {
    const cols = [...t.columns.values()];
    const required = cols.filter(requiredOnInsert).map((c) => c.name);
    const immutable = cols.filter((c) => !c.mutable).map((c) => c.name);
    w(`  readonly ${t.name}: $m.TableDef<${t.name}, ${union(required)}, ${union(immutable)}>;`);
  }
  w("};");
  w();
  w("/** The row type of table `N` (what `select` returns). */");
  w("export type Row<N extends TableName> = Tables[N][\"row\"];");
  w("/** The row an insert into table `N` takes: required columns must be given, `_uuid`/`_version` are absent. */");
  w("export type Insert<N extends TableName> = $m.InsertRow<Tables[N]>;");
  w("/** The row an update of table `N` takes: mutable columns only, all optional. */");
  w("export type Update<N extends TableName> = $m.UpdateRow<Tables[N]>;");
  w();
  if (options.loadSchema === undefined) {
    w(`/** The embedded ${db.name} schema (RFC 7047 §3.2), with every constraint, for runtime checks and the compatibility check. */`);
    w(`export const SCHEMA: $m.Json = ${prettyJson(schemaToJson(db), 4)};`);
    w();
    w(`/** The ${db.name} model: typed builders per table (\`model.table("...")\`) and typed \`transact\`. */`);
    w("export const model: $m.DatabaseModel<Tables> = $m.defineModel<Tables>(SCHEMA);");
  } else {
    const expected = [`database: ${lit(db.name)}`, `version: ${lit(db.version)}`, ...(db.cksum !== undefined ? [`cksum: ${lit(db.cksum)}`] : [])];
    w(`/** The shipped ${db.name} schema file (RFC 7047 §3.2) the model loads on first use; not embedded here. */`);
    w(`export const SCHEMA_FILE: URL = new URL(${lit(options.loadSchema)}, import.meta.url);`);
    w();
    w(`/** The ${db.name} model: typed builders per table (\`model.table("...")\`) and typed \`transact\`; reads {@link SCHEMA_FILE} on first use and checks it is schema ${doc(db.version)}. */`);
    w(`export const model: $m.DatabaseModel<Tables> = $m.defineModelFromFile<Tables>({ ${expected.join(", ")} }, SCHEMA_FILE);`);
  }
  return `${out.join("\n")}\n`;
}

/** The module file name for a schema file name: `ovn-nb.ovsschema` → `ovn-nb.ts`. */
export function modelFileName(schemaFile: string): string {
  const base = schemaFile.split(/[\\/]/).pop() ?? schemaFile;
  return `${base.replace(/\.ovsschema$/, "").replace(/\.json$/, "")}.ts`;
}
