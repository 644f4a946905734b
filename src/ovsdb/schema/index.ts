/**
 * schema: `.ovsschema` parsing and validation, column types, native values, conditions and diffs.
 *
 * @module
 */
export { SchemaError } from "./errors.js";
export * from "./types.js";
export * from "./schema.js";
export * from "./datum.js";
export * from "./condition.js";
export * from "./diff.js";
export * from "./bundled.js";
export * from "./mutation.js";
