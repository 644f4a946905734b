/**
 * Typed models whose schema is not embedded in the generated module but read from a shipped
 * `.ovsschema` file (RFC 7047 §3.2) the first time the model is used: the generated module then
 * holds only types, table names and the file's location, so many versions of a large schema can
 * be bundled without carrying each schema twice (once as file, once as code).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json } from "../wire/notation.js";
import { SchemaError } from "../schema/errors.js";
import type { TableDef } from "./types.js";
import { type DatabaseModel, defineLazyModel } from "./model.js";

/** Which schema a generated module was generated from; the file must still be that schema. */
export interface ExpectedSchema {
  /** The database name (`"name"`). */
  readonly database: string;
  /** The schema version (`"version"`). */
  readonly version: string;
  /** The schema checksum (`"cksum"`), when the schema has one. */
  readonly cksum?: string;
}

/**
 * Reads the schema JSON in `file` and checks that it is the schema `expected` names (database,
 * version and checksum), so types generated from one schema are never used with another. Throws
 * {@link SchemaError} naming the file when it cannot be read, is not JSON, or is another schema.
 */
export function loadSchemaJson(file: URL | string, expected: ExpectedSchema): Json {
  const path = typeof file === "string" ? file : fileURLToPath(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new SchemaError(`${path}: cannot load the ${expected.database} ${expected.version} schema: ${(e as Error).message}`);
  }
  const s = (json ?? {}) as { name?: unknown; version?: unknown; cksum?: unknown };
  const found = { database: s.name, version: s.version, cksum: s.cksum };
  for (const k of ["database", "version", "cksum"] as const) {
    if (expected[k] !== undefined && found[k] !== expected[k]) {
      throw new SchemaError(
        `${path}: expected the ${expected.database} schema ${expected.version}${expected.cksum ? ` (cksum ${expected.cksum})` : ""}, found ${k} ${JSON.stringify(found[k])}; regenerate the model`,
      );
    }
  }
  return json as Json;
}

/**
 * Builds a typed model (the generated `Tables` type `T`) whose schema is loaded from `file` on
 * first use and checked against `expected` with {@link loadSchemaJson}. Generated modules made
 * with `ovn-ts codegen --load-schema PATH` export one as `model`.
 */
export function defineModelFromFile<T extends { readonly [K in keyof T]: TableDef }>(expected: ExpectedSchema, file: URL | string): DatabaseModel<T> {
  return defineLazyModel<T>(expected.database, () => loadSchemaJson(file, expected));
}
