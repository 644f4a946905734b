/**
 * The `.ovsschema` files shipped with this package (see `schemas/README.md` for their origin,
 * version and license), by database name.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type DatabaseSchema, readSchemaFile } from "./schema.js";

/** Database name → file name under the package's `schemas/` folder. */
export const BUNDLED_SCHEMA_FILES = {
  OVN_Northbound: "ovn-nb.ovsschema",
  OVN_Southbound: "ovn-sb.ovsschema",
  OVN_IC_Northbound: "ovn-ic-nb.ovsschema",
  OVN_IC_Southbound: "ovn-ic-sb.ovsschema",
  Open_vSwitch: "vswitch.ovsschema",
  _Server: "_server.ovsschema",
} as const;

/** A database whose schema ships with this package. */
export type BundledDatabase = keyof typeof BUNDLED_SCHEMA_FILES;

/** Absolute path of a bundled schema file. */
export function bundledSchemaPath(db: BundledDatabase): string {
  return fileURLToPath(new URL(`../../../schemas/${BUNDLED_SCHEMA_FILES[db]}`, import.meta.url));
}

const cache = new Map<string, DatabaseSchema>();

/** The parsed bundled schema of `db` (parsed once, then cached). */
export function bundledSchema(db: BundledDatabase): DatabaseSchema {
  let s = cache.get(db);
  if (!s) {
    s = readSchemaFile(bundledSchemaPath(db));
    cache.set(db, s);
  }
  return s;
}
