/**
 * What a database schema offers, as feature names (RFC 7047 §3.2 tables, columns and the values
 * an enumerated column allows): `"Sample"` (a table), `"ACL.tier"` (a column), `"ACL.action=pass"`
 * (an enumeration value). The bundled feature table is derived from these by diffing the bundled
 * OVN schemas release by release (`scripts/codegen-lib.ts`), and detection checks them against a
 * server's schema.
 *
 * @module
 */
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";
import type { BaseType } from "../ovsdb/schema/types.js";

/** A feature name split into its parts. */
export interface FeatureParts {
  /** The table. */
  readonly table: string;
  /** The column, for column and enumeration-value features. */
  readonly column: string | undefined;
  /** The enumeration value, for `Table.column=value` features. */
  readonly value: string | undefined;
}

/** Splits `"Table"`, `"Table.column"` or `"Table.column=value"` into its parts. */
export function parseFeatureName(feature: string): FeatureParts {
  const eq = feature.indexOf("=");
  const path = eq < 0 ? feature : feature.slice(0, eq);
  const value = eq < 0 ? undefined : feature.slice(eq + 1);
  const dot = path.indexOf(".");
  return dot < 0 ? { table: path, column: undefined, value } : { table: path.slice(0, dot), column: path.slice(dot + 1), value };
}

function enumValues(b: BaseType | undefined): string[] {
  return b?.enum ? b.enum.map(String) : [];
}

/** Every feature name `schema` offers: each table, each column, each value of each enumerated column. */
export function schemaFeatureNames(schema: DatabaseSchema): Set<string> {
  const out = new Set<string>();
  for (const t of schema.tables.values()) {
    out.add(t.name);
    for (const c of t.columns.values()) {
      out.add(`${t.name}.${c.name}`);
      for (const v of [...enumValues(c.type.key), ...enumValues(c.type.value)]) out.add(`${t.name}.${c.name}=${v}`);
    }
  }
  return out;
}

/**
 * Whether `schema` has `feature`: the table, the column, or (for `Table.column=value`) a column
 * whose enumerated key or value type lists `value` (a column with no enumeration at all allows any
 * value of its type, so it counts as having it).
 */
export function schemaHasFeature(schema: DatabaseSchema, feature: string): boolean {
  const { table, column, value } = parseFeatureName(feature);
  const t = schema.tables.get(table);
  if (!t) return false;
  if (column === undefined) return value === undefined;
  const c = t.columns.get(column);
  if (!c) return false;
  if (value === undefined) return true;
  const enumerated = [c.type.key, ...(c.type.value ? [c.type.value] : [])].filter((b) => b.enum);
  if (enumerated.length === 0) return true;
  return enumerated.some((b) => enumValues(b).includes(value));
}
