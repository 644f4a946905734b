/**
 * The OVSDB JSON notation of RFC 7047 §5.1: atoms, sets, maps, uuids and named uuids as they
 * travel on the wire, with constructors and type guards. This layer knows nothing of schemas:
 * `schema/datum.ts` converts between this notation and native values for a given column type.
 *
 * @module
 */

/**
 * A row UUID in canonical text form (`8-4-4-4-12` lowercase hex). Branded so that a plain string
 * cannot be passed where a row reference is expected.
 */
export type Uuid = string & { readonly __brand: "ovsdb.Uuid" };

/**
 * A symbolic reference to a row inserted earlier in the same transaction (RFC 7047 §5.1
 * `<named-uuid>`, the `uuid-name` of an insert operation).
 */
export type NamedUuid = string & { readonly __brand: "ovsdb.NamedUuid" };

/** `["uuid", "<uuid>"]` (RFC 7047 §5.1). */
export type JsonUuid = readonly ["uuid", string];
/** `["named-uuid", "<id>"]` (RFC 7047 §5.1). */
export type JsonNamedUuid = readonly ["named-uuid", string];
/** An `<atom>` in JSON notation (RFC 7047 §5.1): string, number (an integer beyond ±(2^53−1) as a `bigint`, see `wire/json.ts`), boolean, uuid or named-uuid. */
export type JsonAtom = string | number | bigint | boolean | JsonUuid | JsonNamedUuid;
/** `["set", [<atom>...]]` (RFC 7047 §5.1). A set of exactly one element may also be sent as a bare atom. */
export type JsonSet = readonly ["set", readonly JsonAtom[]];
/** `["map", [[<atom>, <atom>]...]]` (RFC 7047 §5.1). */
export type JsonMap = readonly ["map", readonly (readonly [JsonAtom, JsonAtom])[]];
/** A `<value>` in JSON notation (RFC 7047 §5.1): an atom, a set or a map. */
export type JsonValue = JsonAtom | JsonSet | JsonMap;
/** A `<row>` in JSON notation (RFC 7047 §5.1): column name → value. */
export type JsonRow = { readonly [column: string]: JsonValue };

const ID_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True when `s` is a UUID in the 8-4-4-4-12 hex form RFC 7047 §3.1 requires. */
export function isUuid(s: unknown): s is Uuid {
  if (typeof s !== "string" || s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) {
      return false;
    }
  }
  return true;
}

/** True when `s` is a valid `<id>` (RFC 7047 §3.1): a letter or underscore, then letters, digits, underscores. */
export function isId(s: unknown): s is string {
  return typeof s === "string" && ID_RE.test(s);
}

/** Brands a canonical UUID string, validating it; throws `TypeError` for anything else. */
export function uuid(s: string): Uuid {
  if (!isUuid(s)) throw new TypeError(`not a UUID: ${JSON.stringify(s)}`);
  return s.toLowerCase() as Uuid;
}

/** Brands a named-uuid (an `<id>`); throws `TypeError` for anything that is not a valid id. */
export function namedUuid(name: string): NamedUuid {
  if (!isId(name)) throw new TypeError(`not a valid uuid-name: ${JSON.stringify(name)}`);
  return name as NamedUuid;
}

/** A fresh random (version 4) UUID, as ovsdb-server generates for inserted rows. */
export function randomUuid(): Uuid {
  return globalThis.crypto.randomUUID() as Uuid;
}

/** `["uuid", u]`. */
export function jsonUuid(u: string): JsonUuid {
  return ["uuid", u];
}

/** `["named-uuid", name]`. */
export function jsonNamedUuid(name: string): JsonNamedUuid {
  return ["named-uuid", name];
}

/** `["set", atoms]`. */
export function jsonSet(atoms: readonly JsonAtom[]): JsonSet {
  return ["set", atoms];
}

/** `["map", pairs]`. */
export function jsonMap(pairs: readonly (readonly [JsonAtom, JsonAtom])[]): JsonMap {
  return ["map", pairs];
}

/** True for `["uuid", "..."]`. */
export function isJsonUuid(v: unknown): v is JsonUuid {
  return Array.isArray(v) && v.length === 2 && v[0] === "uuid" && typeof v[1] === "string";
}

/** True for `["named-uuid", "..."]`. */
export function isJsonNamedUuid(v: unknown): v is JsonNamedUuid {
  return Array.isArray(v) && v.length === 2 && v[0] === "named-uuid" && typeof v[1] === "string";
}

/** True for `["set", [...]]`. */
export function isJsonSet(v: unknown): v is JsonSet {
  return Array.isArray(v) && v.length === 2 && v[0] === "set" && Array.isArray(v[1]);
}

/** True for `["map", [...]]`. */
export function isJsonMap(v: unknown): v is JsonMap {
  return Array.isArray(v) && v.length === 2 && v[0] === "map" && Array.isArray(v[1]);
}

/** The atoms of a value that is a set or a single atom (RFC 7047 allows a 1-element set as a bare atom). */
export function setAtoms(v: JsonValue): readonly JsonAtom[] {
  return isJsonSet(v) ? v[1] : [v as JsonAtom];
}

/** A plain JSON value as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
