/**
 * Schema compatibility of a typed model with a server (RFC 7047 §4.1.2 `get_schema`): a newer
 * server may have more tables and columns, but every table and column the model uses must exist
 * with the type the model was generated for. All problems are reported at once.
 *
 * @module
 */
import { UnknownDatabase } from "../wire/errors.js";
import type { CallOptions } from "../wire/session.js";
import { type ColumnSchema, type DatabaseSchema, parseSchema } from "../schema/schema.js";
import { type BaseType, type ColumnType, columnShape, columnTypeToJson } from "../schema/types.js";

/** What is wrong with one table or column. */
export type CompatibilityProblemKind = "missing-database" | "wrong-database" | "missing-table" | "missing-column" | "type-mismatch" | "enum-values";

/** One difference between a model's schema and a server's. */
export interface CompatibilityProblem {
  /** `error`: the model cannot work with this server; `warning`: it can, with a caveat. */
  readonly severity: "error" | "warning";
  readonly kind: CompatibilityProblemKind;
  /** The table, or undefined for database-level problems. */
  readonly table: string | undefined;
  /** The column, for column-level problems. */
  readonly column: string | undefined;
  /** Human-readable description naming the table and column. */
  readonly message: string;
}

function describeType(t: ColumnType): string {
  return JSON.stringify(columnTypeToJson(t));
}

function baseMismatch(m: BaseType, s: BaseType): string | undefined {
  if (m.type !== s.type) return `atomic type ${m.type} in the model, ${s.type} on the server`;
  if ((m.refTable ?? "") !== (s.refTable ?? "")) {
    return `references ${m.refTable ?? "no table"} in the model, ${s.refTable ?? "no table"} on the server`;
  }
  return undefined;
}

function extraEnumValues(m: BaseType, s: BaseType): readonly unknown[] {
  if (!m.enum) return [];
  if (!s.enum) return ["(any value)"];
  return s.enum.filter((v) => !m.enum!.includes(v));
}

function compareColumn(table: string, m: ColumnSchema, s: ColumnSchema, out: CompatibilityProblem[]): void {
  const problem = (kind: CompatibilityProblemKind, severity: "error" | "warning", message: string) =>
    out.push({ severity, kind, table, column: m.name, message: `table ${table}, column ${m.name}: ${message}` });
  const ms = columnShape(m.type);
  const ss = columnShape(s.type);
  const reasons: string[] = [];
  if (ms !== ss) reasons.push(`${ms} in the model, ${ss} on the server`);
  const k = baseMismatch(m.type.key, s.type.key);
  if (k) reasons.push(ms === "map" ? `key: ${k}` : k);
  if (m.type.value && s.type.value) {
    const v = baseMismatch(m.type.value, s.type.value);
    if (v) reasons.push(`value: ${v}`);
  }
  if (reasons.length > 0) {
    problem("type-mismatch", "error", `type ${describeType(m.type)} in the model does not match ${describeType(s.type)} on the server (${reasons.join("; ")})`);
    return;
  }
  const extra = [...extraEnumValues(m.type.key, s.type.key), ...(m.type.value && s.type.value ? extraEnumValues(m.type.value, s.type.value) : [])];
  if (extra.length > 0) {
    problem("enum-values", "warning", `the server allows values the model's type does not list: ${extra.map((e) => JSON.stringify(e)).join(", ")}`);
  }
}

/**
 * Compares a model's schema with a server's (RFC 7047 §3.2). Tables and columns only the server
 * has are fine (a newer server). Errors: another database, a missing table or column, a column
 * whose shape (scalar, optional, set, map), atomic types or referenced table differ. Warnings:
 * the server allows enumeration values the model's literal types do not list.
 */
export function checkModelCompatibility(model: DatabaseSchema, server: DatabaseSchema): CompatibilityProblem[] {
  const out: CompatibilityProblem[] = [];
  if (model.name !== server.name) {
    out.push({
      severity: "error",
      kind: "wrong-database",
      table: undefined,
      column: undefined,
      message: `the model is for database ${model.name}, the server's schema is ${server.name}`,
    });
    return out;
  }
  for (const t of model.tables.values()) {
    const st = server.tables.get(t.name);
    if (!st) {
      out.push({ severity: "error", kind: "missing-table", table: t.name, column: undefined, message: `table ${t.name}: missing on the server` });
      continue;
    }
    for (const c of t.columns.values()) {
      const sc = st.columns.get(c.name);
      if (!sc) {
        out.push({ severity: "error", kind: "missing-column", table: t.name, column: c.name, message: `table ${t.name}, column ${c.name}: missing on the server` });
        continue;
      }
      compareColumn(t.name, c, sc, out);
    }
  }
  return out;
}

/** Raised by {@link verifyModelSchema} when a server's schema cannot serve a model; lists every problem. */
export class ModelCompatibilityError extends Error {
  override readonly name = "ModelCompatibilityError";
  /** Every problem found, errors and warnings. */
  readonly problems: readonly CompatibilityProblem[];
  constructor(database: string, problems: readonly CompatibilityProblem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super(`the server's ${database} schema is incompatible with the model (${errors.length} problem(s)):\n${errors.map((p) => `  - ${p.message}`).join("\n")}`);
    this.problems = problems;
  }
}

/** What {@link verifyModelSchema} needs of a model (a `DatabaseModel` has it). */
export interface ModelSchemaSource {
  readonly name: string;
  readonly schema: DatabaseSchema;
}

/** What {@link verifyModelSchema} needs of a client (an `OvsdbClient` has it). */
export interface SchemaClient {
  /** `get_schema` (RFC 7047 §4.1.2): the database's schema as JSON. */
  getSchema(database: string, options?: CallOptions): Promise<unknown>;
}

/**
 * Fetches the server's schema of the model's database (`get_schema`, RFC 7047 §4.1.2), compares
 * it with the model's, and throws one {@link ModelCompatibilityError} listing every error.
 * Resolves with the warnings (empty when the schemas agree) so a caller can log them.
 */
export async function verifyModelSchema(client: SchemaClient, model: ModelSchemaSource, options?: CallOptions): Promise<CompatibilityProblem[]> {
  const problems = await fetchAndCheck(client, model, options);
  if (problems.some((p) => p.severity === "error")) throw new ModelCompatibilityError(model.name, problems);
  return problems;
}

/**
 * Fetches the server's schema of the model's database and compares it with the model's; a
 * database the server does not have is a `missing-database` error. Other failures reject.
 */
export async function fetchAndCheck(client: SchemaClient, model: ModelSchemaSource, options?: CallOptions): Promise<CompatibilityProblem[]> {
  let json: unknown;
  try {
    json = await client.getSchema(model.name, options);
  } catch (e) {
    if (e instanceof UnknownDatabase) {
      return [{ severity: "error", kind: "missing-database", table: undefined, column: undefined, message: `database ${model.name}: not served by the server` }];
    }
    throw e;
  }
  return checkModelCompatibility(model.schema, parseSchema(json));
}
