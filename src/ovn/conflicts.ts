/**
 * The `mayExist` rule of the OVN API, shared by every creating call: `mayExist` means "create if
 * absent"; an existing object whose settings differ from the ones the call gave is an
 * {@link OvnConflictError} naming the field, the existing and the requested value (never a silent
 * partial update, never a silent ignore). Settings the call did not give are not compared.
 *
 * @internal
 * @module
 */
import { OvnConflictError, type OvnObjectKind } from "./errors.js";
import type { StringMap } from "./nb-types.js";

/** A set's value as text, for conflicts (sorted, space-separated). */
export function setText(v: readonly (string | number)[]): string {
  return [...v].map(String).sort().join(" ");
}

/**
 * The `mayExist` check: an existing object whose `field` differs from what the call asked
 * (`requested` undefined: not asked, nothing to check) is an {@link OvnConflictError}.
 */
export function sameOr(object: OvnObjectKind, name: string, uuid: string, field: string, existing: string | undefined, requested: string | undefined): void {
  if (requested === undefined || existing === requested) return;
  throw new OvnConflictError({ kind: "setting", object, name, field, existing, requested, uuid });
}

/** {@link sameOr} for each key asked of a map column (`column:key`). */
export function sameKeys(object: OvnObjectKind, name: string, uuid: string, column: string, existing: ReadonlyMap<string, string>, requested: StringMap | undefined): void {
  for (const [k, v] of Object.entries(requested ?? {})) sameOr(object, name, uuid, `${column}:${k}`, existing.get(k), v);
}

/** {@link sameOr} for a set column (compared as sets). */
export function sameSet(object: OvnObjectKind, name: string, uuid: string, field: string, existing: readonly (string | number)[], requested: readonly (string | number)[] | undefined): void {
  if (requested === undefined) return;
  sameOr(object, name, uuid, field, setText(existing), setText(requested));
}

