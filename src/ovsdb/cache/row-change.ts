/**
 * The one description of a row's change, shared by the replica (rows as it holds them) and the
 * embedded server (committed rows with their `_version`): a discriminated union on `kind`.
 *
 * @module
 */
import type { Row } from "../schema/datum.js";

/**
 * One change of one row: `old`/`new` are the full rows before/after. `R` is the row's shape: the
 * replica's {@link Row} by default, the server's committed row (`DbRow`) inside the server.
 */
export type RowChange<R = Row> =
  | { readonly kind: "insert"; readonly table: string; readonly uuid: string; readonly old?: undefined; readonly new: R }
  | { readonly kind: "update"; readonly table: string; readonly uuid: string; readonly old: R; readonly new: R }
  | { readonly kind: "delete"; readonly table: string; readonly uuid: string; readonly old: R; readonly new?: undefined };

/** The change from `old` to `new` (either may be absent), or undefined when both are. */
export function rowChange<R>(table: string, uuid: string, old: R | undefined, now: R | undefined): RowChange<R> | undefined {
  if (old === undefined) return now === undefined ? undefined : { kind: "insert", table, uuid, new: now };
  return now === undefined ? { kind: "delete", table, uuid, old } : { kind: "update", table, uuid, old, new: now };
}
