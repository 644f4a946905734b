/**
 * Errors of the schema layer.
 *
 * @module
 */

/** A `.ovsschema` document breaks a rule of RFC 7047 §3.2; the message names the table, column and rule. */
export class SchemaError extends Error {
  override readonly name = "SchemaError";
}
