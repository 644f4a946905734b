/**
 * The `update2` "modify" diff (ovsdb-server(1) "update2 notification"): how a column's change is
 * encoded and applied. The embedded server computes diffs with {@link diffDatum}; the replica
 * applies them with {@link applyDiff}; both use this one definition.
 *
 * - scalar (min 1, max 1) and optional (min 0, max 1): the diff is the new value (OVS's
 *   `ovsdb_datum_diff` treats every type with at most one element as non-composite);
 * - set (max > 1): the diff is the symmetric difference of old and new;
 * - map: the diff holds each key added (new pair), removed (old pair) or changed (new pair).
 *
 * @module
 */
import { OvsdbTypeError, safeJson } from "../wire/errors.js";
import type { JsonValue } from "../wire/notation.js";
import { type Datum, type DatumContext, datumAtoms, datumEquals, datumFromJson, datumToJson } from "./datum.js";
import { type Atom, type ColumnType, columnShape } from "./types.js";

/** The type a diff value of a column is decoded with: sets and maps of any size. */
export function diffType(type: ColumnType): ColumnType {
  const shape = columnShape(type);
  if (shape === "scalar" || shape === "optional") return type;
  // Made once per column type (every update of a set or map column asks).
  let t = diffTypes.get(type);
  if (!t) diffTypes.set(type, (t = { ...type, min: 0, max: "unlimited" }));
  return t;
}

/** {@link diffType}'s answers for set and map types. */
const diffTypes = new WeakMap<ColumnType, ColumnType>();

/** Computes the diff from `oldV` to `newV` in native form, or `undefined` when they are equal. */
export function diffDatum(type: ColumnType, oldV: Datum, newV: Datum): Datum | undefined {
  if (datumEquals(oldV, newV)) return undefined;
  const shape = columnShape(type);
  if (shape === "scalar") return newV;
  // An optional column's diff is its new value; an empty one is the empty set (not `undefined`, which means "no change").
  if (shape === "optional") return newV === undefined ? [] : newV;
  if (shape === "map") {
    const o = (oldV ?? new Map()) as ReadonlyMap<Atom, Atom>;
    const n = (newV ?? new Map()) as ReadonlyMap<Atom, Atom>;
    const d = new Map<Atom, Atom>();
    for (const [k, v] of o) if (!n.has(k)) d.set(k, v);
    for (const [k, v] of n) if (o.get(k) !== v) d.set(k, v);
    return d;
  }
  const o = new Set(datumAtoms(oldV));
  const n = new Set(datumAtoms(newV));
  const d: Atom[] = [];
  for (const a of o) if (!n.has(a)) d.push(a);
  for (const a of n) if (!o.has(a)) d.push(a);
  return d;
}

/** Encodes a native diff to JSON. */
export function diffToJson(type: ColumnType, diff: Datum): JsonValue {
  return datumToJson(diffType(type), diff);
}

/** Sets of at least this many elements keep a membership set beside their value (see {@link applyDiff}). */
const LARGE_SET = 64;

/** The membership set of each large set value {@link applyDiff} produced (always equal to the value's elements). */
const memberships = new WeakMap<readonly Atom[], Set<Atom>>();

/**
 * Applies a JSON diff (from an `update2`/`update3` "modify") to a native value and returns the new
 * native value; throws {@link OvsdbTypeError} when the diff is malformed or the result breaks the
 * column's size limits (a sign of a lost update: the caller should resync).
 */
export function applyDiff(type: ColumnType, old: Datum, diffJson: unknown, ctx: DatumContext = {}): Datum {
  const shape = columnShape(type);
  if (shape === "scalar" || shape === "optional") return datumFromJson(type, diffJson, ctx);
  return applyDecodedDiff(type, old, datumFromJson(diffType(type), diffJson, ctx), diffJson, ctx);
}

/**
 * {@link applyDiff} of a set or map column's diff already decoded (with {@link diffType}'s type, by
 * `datumFromJson` or a decoder compiled for it): the replica decodes with its compiled decoders.
 * `diffJson` and `ctx` word the error when the result breaks the column's size limits.
 */
export function applyDecodedDiff(type: ColumnType, old: Datum, diff: Datum, diffJson: unknown, ctx: DatumContext = {}): Datum {
  const shape = columnShape(type);
  let result: Datum;
  if (shape === "map") {
    const m = new Map(old as ReadonlyMap<Atom, Atom> | undefined);
    for (const [k, v] of diff as ReadonlyMap<Atom, Atom>) {
      if (m.has(k) && m.get(k) === v) m.delete(k);
      else m.set(k, v);
    }
    result = m;
  } else {
    const cur = datumAtoms(old);
    const toggles = datumAtoms(diff);
    if (cur.length >= LARGE_SET) {
      // A large set (a switch's or port group's ports): its membership set is handed from each
      // value to the next, so a diff of a few elements costs a lookup per element and one copy of
      // the array, not a scan or a rehash of the whole set per update.
      let members = memberships.get(cur);
      if (members) memberships.delete(cur);
      else members = new Set(cur);
      const gone = new Set<Atom>();
      const added: Atom[] = [];
      for (const a of toggles) {
        if (members.has(a)) {
          members.delete(a);
          gone.add(a);
        } else {
          members.add(a);
          added.push(a);
        }
      }
      // One allocation of the final size (a copy then a push would copy the array again to grow it).
      const kept = gone.size === 0 ? cur.concat(added) : cur.filter((a) => !gone.has(a)).concat(added);
      memberships.set(kept, members);
      result = kept;
    } else if (toggles.length <= 8) {
      // The usual update (a port added to a switch of thousands): a few native scans and one
      // copy, instead of hashing the whole set.
      const gone: Atom[] = [];
      const added: Atom[] = [];
      for (const a of toggles) (cur.includes(a) ? gone : added).push(a);
      result = gone.length === 0 ? cur.concat(added) : cur.filter((a) => !gone.includes(a)).concat(added);
    } else {
      const s = new Set<Atom>(cur);
      for (const a of toggles) {
        if (s.has(a)) s.delete(a);
        else s.add(a);
      }
      result = [...s];
    }
  }
  const n = result instanceof Map ? result.size : datumAtoms(result).length;
  if (n < type.min || (type.max !== "unlimited" && n > type.max)) {
    throw new OvsdbTypeError(`diff ${safeJson(diffJson)} leaves ${n} element(s), outside ${type.min}..${type.max}`, ctx.table, ctx.column);
  }
  return result;
}
