/**
 * The builders' fast acceptance test of an encoded value: tells, without decoding the JSON back
 * into a native value, that a value `datumToJson` produced for a column type is valid for it
 * (what decoding it with `datumFromJson` and checking it with `checkDatum` would accept). It only
 * ever answers "certainly valid" or "ask the full check": a value it does not accept goes through
 * the decode-and-check path, which words the error.
 *
 * @internal
 * @module
 */
import { checkAtom } from "../schema/datum.js";
import type { Atom, BaseType, ColumnType } from "../schema/types.js";

/**
 * The native atom of a JSON atom that `atomToJson` produced for `base`, or undefined when the
 * quick path does not handle it (then the full check decides).
 */
function nativeAtom(base: BaseType, json: unknown): Atom | undefined {
  switch (base.type) {
    case "string":
      return typeof json === "string" ? json : undefined;
    case "uuid":
      // ["uuid", lower-case UUID] or ["named-uuid", id], as atomToJson writes them (already checked there).
      return Array.isArray(json) && json.length === 2 && (json[0] === "uuid" || json[0] === "named-uuid") && typeof json[1] === "string" ? json[1] : undefined;
    case "integer":
      return typeof json === "number" && Number.isSafeInteger(json) ? json : undefined;
    case "real":
      return typeof json === "number" && Number.isFinite(json) ? json : undefined;
    case "boolean":
      return typeof json === "boolean" ? json : undefined;
  }
}

/** Whether `atom` (native) passes `base`'s constraints. */
function atomOk(base: BaseType, atom: Atom | undefined): atom is Atom {
  return atom !== undefined && checkAtom(base, atom) === undefined;
}

/**
 * True when `json`, the JSON `datumToJson(type, ...)` produced, is certainly a valid value of
 * `type`: the right shape, a size within `min`..`max`, no repeated set element or map key, and
 * every atom within its constraints. False means "not decided here".
 */
export function quickValid(type: ColumnType, json: unknown): boolean {
  if (type.value) {
    if (!Array.isArray(json) || json.length !== 2 || json[0] !== "map" || !Array.isArray(json[1])) return false;
    const pairs = json[1] as unknown[];
    if (pairs.length < type.min || (type.max !== "unlimited" && pairs.length > type.max)) return false;
    const keys = pairs.length > 1 ? new Set<Atom>() : undefined;
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) return false;
      const k = nativeAtom(type.key, p[0]);
      if (!atomOk(type.key, k) || !atomOk(type.value, nativeAtom(type.value, p[1]))) return false;
      if (keys) {
        if (keys.has(k)) return false;
        keys.add(k);
      }
    }
    return true;
  }
  let elems: readonly unknown[];
  if (Array.isArray(json) && json.length === 2 && json[0] === "set") {
    if (!Array.isArray(json[1])) return false;
    elems = json[1];
  } else {
    // A bare atom: a scalar column's value (a set's JSON is always ["set", ...] here).
    return type.max === 1 && type.min <= 1 && atomOk(type.key, nativeAtom(type.key, json));
  }
  const n = elems.length;
  if (n < type.min || (type.max !== "unlimited" && n > type.max)) return false;
  if (n === 1) return atomOk(type.key, nativeAtom(type.key, elems[0]));
  const seen = new Set<Atom>();
  for (const e of elems) {
    const a = nativeAtom(type.key, e);
    if (!atomOk(type.key, a) || seen.has(a)) return false;
    seen.add(a);
  }
  return true;
}
