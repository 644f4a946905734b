/**
 * Column roles of typed models (RFC 7047 §3.2, §5.2.1): which columns an insert must set.
 *
 * @module
 */
import { checkDatum, defaultDatum } from "../schema/datum.js";
import type { ColumnSchema } from "../schema/schema.js";

/**
 * Whether an insert must give column `c`: an omitted column gets its type's default (RFC 7047
 * §5.2.1: empty for min 0; `0`, `""`, `false` or the all-zero UUID for min 1), so a column is
 * required exactly when that default would break its constraints and the server would refuse
 * the insert — an enumeration without the default, a range or length excluding it, a reference
 * (the all-zero UUID names no row), a non-empty map. Ephemeral columns are status the server
 * maintains and are never required. Columns with min 0 are always optional.
 */
export function requiredOnInsert(c: ColumnSchema): boolean {
  if (c.ephemeral || c.type.min === 0) return false;
  if (c.type.key.refTable || c.type.value?.refTable) return true;
  return checkDatum(c.type, defaultDatum(c.type)) !== undefined;
}
