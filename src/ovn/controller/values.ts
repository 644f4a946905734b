/**
 * Desired column values and their minimal diff against a replica row: which columns a
 * declarative call manages, how a map is managed (every key, or only some keys), and the
 * smallest change (an `update` of scalars, per-key/per-element `mutate` of maps and sets) that
 * turns the current value into the desired one (RFC 7047 §5.1 `<mutation>`, §5.2.3–5.2.4).
 *
 * @module
 */
import { type Datum, checkDatum, datumEquals, datumToJson } from "../../ovsdb/schema/datum.js";
import { OvsdbTypeError } from "../../ovsdb/wire/errors.js";
import type { JsonValue } from "../../ovsdb/wire/notation.js";
import { type Atom, type ColumnType, columnShape } from "../../ovsdb/schema/types.js";
import type { MapInput, RowOf, TableDef, WritableColumn } from "../../ovsdb/model/types.js";

const ONLY_KEYS: unique symbol = Symbol("ovn-ts.controller.onlyKeys");

/**
 * A map value that manages only the keys it lists: listed keys get the given value, keys listed
 * with `undefined` are removed, every other key of the row is left as it is. Build it with
 * {@link onlyKeys}.
 */
export interface OnlyKeys {
  /** Marks the value (not sent anywhere). */
  readonly [ONLY_KEYS]: true;
  /** The managed keys and their desired values (`undefined`: absent). */
  readonly entries: ReadonlyMap<Atom, Atom | undefined>;
}

/**
 * A map value that manages only these keys (the others stay as they are); a key given as
 * `undefined` is removed. A plain map or object given to a declarative call instead manages the
 * whole column (keys not listed are removed).
 */
export function onlyKeys(entries: ReadonlyMap<Atom, Atom | undefined> | { readonly [key: string]: Atom | undefined }): OnlyKeys {
  let m: Map<Atom, Atom | undefined>;
  if (entries instanceof Map) m = new Map(entries);
  else {
    // the object's own keys in Object.entries' order, without an entry array each
    m = new Map();
    for (const k of Object.keys(entries)) m.set(k, (entries as { readonly [key: string]: Atom | undefined })[k]);
  }
  return { [ONLY_KEYS]: true, entries: m };
}

/** True when `v` was built by {@link onlyKeys}. */
export function isOnlyKeys(v: unknown): v is OnlyKeys {
  return typeof v === "object" && v !== null && (v as { [ONLY_KEYS]?: unknown })[ONLY_KEYS] === true;
}

/** A desired value of a column of value type `V`: maps may also be given as {@link OnlyKeys}. */
export type DesiredValue<V> = [V] extends [ReadonlyMap<infer K, infer W>] ? MapInput<K, W> | OnlyKeys : V;

/**
 * The desired settings of a row of table definition `D`: any subset of its writable columns.
 * Only the columns given are managed; the others are left as the row has them.
 */
export type Desired<D extends TableDef> = { readonly [K in WritableColumn<D>]?: DesiredValue<RowOf<D>[K]> };

/** The change of one column: a plain `update`, or `mutate` deletions (map keys or set elements) then insertions. */
export type ColumnChange =
  | { readonly kind: "set"; readonly value: Datum }
  | { readonly kind: "mutate"; readonly remove: readonly Atom[]; readonly add: readonly Atom[] | ReadonlyMap<Atom, Atom> };

/**
 * The native value of a desired value for column type `type` (plain objects become maps). Throws
 * the model's `OvsdbTypeError` (naming table and column) when the value does not fit the type.
 */
export function normalize(type: ColumnType, value: unknown, table: string, column: string): Datum {
  return normalized(type, value, table, column).value;
}

/**
 * {@link normalize}, also giving the value's wire form (RFC 7047 §5.1 `<value>`, uuid-names
 * allowed), which the type check builds anyway.
 */
export function normalized(type: ColumnType, value: unknown, table: string, column: string): { readonly value: Datum; readonly json: JsonValue } {
  const fast = plainStrings(type) ? normalizedStrings(type, value) : undefined;
  if (fast) return fast;
  const v = toNative(type, value);
  // Type check, then every constraint (enum, range, length, size), naming table and column.
  const json = datumToJson(type, v, { table, column, allowNamedUuid: true });
  const problem = checkDatum(type, v);
  if (problem) throw new OvsdbTypeError(problem, table, column);
  return { value: v, json };
}

/** Per column type: true when its keys (and values) are strings without enum or length constraints. */
const plainStringTypes = new WeakMap<ColumnType, boolean>();

/** True when the keys (and values) of `type` are strings without enum or length constraints (cached per type). */
export function plainStrings(type: ColumnType): boolean {
  let r = plainStringTypes.get(type);
  if (r === undefined) {
    const plain = (b: ColumnType["key"] | undefined) => b === undefined || (b.type === "string" && !b.enum && b.minLength === undefined && b.maxLength === undefined);
    r = type.key.type === "string" && plain(type.key) && plain(type.value);
    plainStringTypes.set(type, r);
  }
  return r;
}

/**
 * {@link normalized} for a column of plain strings ({@link plainStrings}) given the common
 * shapes (a string, an array of strings, a map or object of strings): the same value and wire form
 * without the generic conversion and check. Undefined for anything else or anything wrong, which
 * the generic path then converts or refuses with its error.
 */
export function normalizedStrings(type: ColumnType, value: unknown): { readonly value: Datum; readonly json: JsonValue } | undefined {
  const max = type.max === "unlimited" ? Infinity : type.max;
  if (type.value) {
    // (a map given is checked while its pairs are taken: one pass)
    const m = value instanceof Map ? (value as Map<unknown, unknown>) : plainStringMap(type, value);
    if (m === undefined || m.size < type.min || m.size > max) return undefined;
    const pairs: [string, string][] = [];
    for (const e of m) {
      if (typeof e[0] !== "string" || typeof e[1] !== "string") return undefined;
      pairs.push(e as [string, string]);
    }
    return { value: m as Map<string, string>, json: ["map", pairs] };
  }
  if (type.max === 1) {
    const a = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
    if (typeof a !== "string") return undefined;
    // as the generic path: the value as given; the wire form of an optional value is a set
    return { value: value as Datum, json: type.min === 1 ? a : ["set", [a]] };
  }
  if (!Array.isArray(value)) return undefined;
  for (const a of value) if (typeof a !== "string") return undefined;
  const v = value.length < 2 ? [...(value as string[])] : [...new Set(value as string[])];
  if (v.length < type.min || v.length > max) return undefined;
  return { value: v, json: ["set", v.slice()] };
}

/**
 * The map of a desired value for a map column of plain strings ({@link plainStrings}): a map as
 * given, an {@link OnlyKeys} or a plain object copied (keys given as `undefined` left out of an
 * `OnlyKeys`); undefined for anything else, a non-string atom, or a size the type refuses.
 */
function plainStringMap(type: ColumnType, value: unknown): Map<string, string> | undefined {
  let m: Map<string, string>;
  if (value instanceof Map) {
    for (const [k, v] of value) if (typeof k !== "string" || typeof v !== "string") return undefined;
    m = value as Map<string, string>;
  } else if (isOnlyKeys(value)) {
    m = new Map();
    for (const [k, v] of value.entries) {
      if (v === undefined) continue;
      if (typeof k !== "string" || typeof v !== "string") return undefined;
      m.set(k, v);
    }
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    m = new Map();
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v !== "string") return undefined;
      m.set(k, v);
    }
  } else return undefined;
  const max = type.max === "unlimited" ? Infinity : type.max;
  return m.size < type.min || m.size > max ? undefined : m;
}

/**
 * {@link normalize} (the same value, the same errors), without building the wire form when the
 * column is a map of plain strings given in a common shape (a row's `external_ids`, whose wire
 * form is made once its identity keys are in).
 */
export function normalizedValue(type: ColumnType, value: unknown, table: string, column: string): Datum {
  if (type.value && plainStrings(type)) {
    const m = plainStringMap(type, value);
    if (m !== undefined) return m;
  }
  return normalized(type, value, table, column).value;
}

/** The native form of a desired value (plain objects become maps, sets lose duplicates), unchecked. */
function toNative(type: ColumnType, value: unknown): Datum {
  const shape = columnShape(type);
  let v: unknown = value;
  if (shape === "map" && isOnlyKeys(value)) {
    v = new Map([...value.entries].filter((e): e is [Atom, Atom] => e[1] !== undefined));
  } else if (shape === "map" && value !== null && typeof value === "object" && !(value instanceof Map)) {
    v = new Map(Object.entries(value as Record<string, Atom>));
  } else if (shape === "set" && Array.isArray(value)) {
    v = [...new Set(value as Atom[])];
  }
  return v as Datum;
}

/**
 * The minimal change turning `current` into `desired` for a column of type `type`, or
 * `undefined` when they already match. Sets and maps change element by element / key by key
 * (a changed map value is a delete of the key then an insert), never by whole replacement.
 */
export function diffColumn(type: ColumnType, current: Datum, desired: unknown, table: string, column: string): ColumnChange | undefined {
  const shape = columnShape(type);
  if (shape === "map") {
    const cur = (current instanceof Map ? current : EMPTY_MAP) as ReadonlyMap<Atom, Atom>;
    const only = isOnlyKeys(desired);
    const want = only ? desired.entries : (toNative(type, desired) as ReadonlyMap<Atom, Atom>);
    // Made on the first difference: a map that already matches (a no-op apply's usual case) allocates nothing.
    let remove: Atom[] | undefined;
    let add: Map<Atom, Atom> | undefined;
    for (const [k, v] of want) {
      const has = cur.has(k);
      if (v === undefined) {
        if (has) (remove ??= []).push(k);
      } else if (!has) (add ??= new Map()).set(k, v);
      else if (cur.get(k) !== v) {
        (remove ??= []).push(k);
        (add ??= new Map()).set(k, v);
      }
    }
    if (!only) for (const k of cur.keys()) if (!want.has(k)) (remove ??= []).push(k);
    if (remove === undefined && add === undefined) return undefined;
    normalize(type, desired, table, column);
    return { kind: "mutate", remove: remove ?? [], add: add ?? new Map<Atom, Atom>() };
  }
  // A small set given as an array that holds exactly the current atoms (both ways, so duplicates
  // in it cannot hide a difference): no change, without the deduplicated copy.
  if (shape === "set" && Array.isArray(desired) && (desired.length <= 16 ? sameSmallSet((current ?? []) as readonly Atom[], desired as readonly Atom[]) : sameLargeSet((current ?? []) as readonly Atom[], desired as readonly Atom[]))) return undefined;
  const want = toNative(type, desired);
  if (shape === "set") {
    const cur = (current ?? []) as readonly Atom[];
    const w = want as readonly Atom[];
    // Small sets (addresses, networks): compare without building sets.
    if (cur.length === w.length && (w.length > 16 ? sameAtoms(cur, w) : w.every((a) => cur.includes(a)))) return undefined;
    normalize(type, desired, table, column);
    const curSet = new Set(cur);
    const wSet = new Set(w);
    const remove = cur.filter((a) => !wSet.has(a));
    const add = w.filter((a) => !curSet.has(a));
    // A set that may not be empty (LRP `networks`, min 1): the server checks the size after the
    // delete mutation, so replacing all of it is an update.
    if (type.min > 0 && remove.length >= cur.length) return { kind: "set", value: want };
    return remove.length || add.length ? { kind: "mutate", remove, add } : undefined;
  }
  if (datumEquals(current, want)) return undefined;
  normalize(type, desired, table, column);
  return { kind: "set", value: want };
}

/** The current value of a map column that has none (read only). */
const EMPTY_MAP: ReadonlyMap<Atom, Atom> = new Map();

/** True when `cur` (duplicate-free) and `want` (a small list, maybe with duplicates) hold the same atoms. */
function sameSmallSet(cur: readonly Atom[], want: readonly Atom[]): boolean {
  if (cur.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (!cur.includes(want[i]!)) return false;
  for (let i = 0; i < cur.length; i++) if (!want.includes(cur[i]!)) return false;
  return true;
}

/** {@link sameSmallSet} for longer lists: one set of `cur`, each atom of `want` taken out of it once (false on a duplicate in `want`: the general diff then decides). */
function sameLargeSet(cur: readonly Atom[], want: readonly Atom[]): boolean {
  if (cur.length !== want.length) return false;
  const left = new Set(cur);
  for (let i = 0; i < want.length; i++) if (!left.delete(want[i]!)) return false;
  return left.size === 0;
}

/** True when two duplicate-free atom lists hold the same atoms. */
function sameAtoms(a: readonly Atom[], b: readonly Atom[]): boolean {
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
