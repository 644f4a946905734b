/**
 * Large set columns of replicated rows (a switch's or port group's `ports`: one element per pod),
 * updated by `update2`/`update3` diffs (ovsdb-server(1) "update2 notification": a set's diff is the
 * symmetric difference of old and new) without copying the whole set per update.
 *
 * Each value of such a column is a {@link SetVersion}: the diff from the previous value (its
 * removals and additions) plus a link to that value. The stored row exposes the column through
 * a getter that builds the array the first time it is read and keeps it; a row whose large set
 * is never read costs O(elements changed) per update, not O(set size). The newest value also owns
 * the set's membership `Set` (handed from each value to the next), so a diff costs one lookup per
 * element changed.
 *
 * The rule for readers: **a row object never changes**. A row kept from before an update still
 * reads the value it had then (built, when first read, from the nearest built value and the diffs
 * between: O(set size + updates since) once, then cached); its arrays are its own. The order of a
 * built array is the one applying each diff to a copy gives (elements kept in place, additions
 * appended in the order they arrived), so nothing tells the two representations apart except time.
 *
 * @module
 */
import type { Datum, DatumContext, DatumDecoder } from "../schema/datum.js";
import { datumAtoms, datumFromJson } from "../schema/datum.js";
import { diffType } from "../schema/diff.js";
import type { Atom, ColumnType } from "../schema/types.js";
import { OvsdbTypeError, safeJson } from "../wire/errors.js";

/** Sets of at least this many elements are kept as {@link SetVersion}s once a diff changes them. */
export const LARGE_SET = 64;

/**
 * The diffs a chain may hold before its newest value is built eagerly (so that memory and the
 * cost of building an old value stay bounded): the size of the value it starts from, at least this
 * many (so building costs O(1) per diff, amortized).
 */
const MIN_CHAIN = 256;

/** One value of a large set column: a built array, or a diff from the previous value. */
export class SetVersion {
  /** The built elements (undefined until first read, for a value made by a diff). */
  private value: readonly Atom[] | undefined;
  /** The previous value (dropped once this one is built). */
  private parent: SetVersion | undefined;
  /** Elements this value removed from its parent's. */
  private removed: readonly Atom[] | undefined;
  /** Elements this value added to its parent's, in arrival order. */
  private added: readonly Atom[] | undefined;
  /** Diffs between this value and the nearest built one, when it was made. */
  private readonly depth: number;
  /** Size of the nearest built value, when this one was made. */
  private readonly baseSize: number;
  /** The membership set of this value: owned by the newest value only (handed on by {@link SetVersion.apply}). */
  private members: Set<Atom> | undefined;
  /** Number of elements. */
  readonly size: number;

  private constructor(
    value: readonly Atom[] | undefined,
    parent: SetVersion | undefined,
    removed: readonly Atom[] | undefined,
    added: readonly Atom[] | undefined,
    depth: number,
    baseSize: number,
    size: number,
    members: Set<Atom> | undefined,
  ) {
    this.value = value;
    this.baseSize = baseSize;
    this.parent = parent;
    this.removed = removed;
    this.added = added;
    this.depth = depth;
    this.size = size;
    this.members = members;
  }

  /** A value from a built array (the array is kept, never modified). */
  static of(value: readonly Atom[]): SetVersion {
    return new SetVersion(value, undefined, undefined, undefined, 0, value.length, value.length, undefined);
  }

  /** Number of diffs between this value and the nearest built one (0 when built). */
  get pending(): number {
    return this.value === undefined ? this.depth : 0;
  }

  /** True when the array is built (reading {@link SetVersion.elements} costs nothing). */
  get built(): boolean {
    return this.value !== undefined;
  }

  /**
   * The value after applying a diff's elements (`toggles`: each present element is removed, each
   * absent one added). Checks the result's size against `type` (min/max) and throws
   * {@link OvsdbTypeError} as applying a diff to an array does. This value is left as it was.
   */
  apply(toggles: readonly Atom[], type: ColumnType, ctx: DatumContext, diffJson: unknown): SetVersion {
    let members = this.members;
    if (members) this.members = undefined;
    else members = new Set(this.elements());
    let removed: Atom[] | undefined;
    const added: Atom[] = [];
    for (const a of toggles) {
      if (members.has(a)) {
        members.delete(a);
        (removed ??= []).push(a);
      } else {
        members.add(a);
        added.push(a);
      }
    }
    const size = members.size;
    if (size < type.min || (type.max !== "unlimited" && size > type.max)) {
      // Undo, so that this value still owns a membership set equal to its elements.
      for (const a of added) members.delete(a);
      for (const a of removed ?? []) members.add(a);
      this.members = members;
      throw new OvsdbTypeError(`diff ${safeJson(diffJson)} leaves ${size} element(s), outside ${type.min}..${type.max}`, ctx.table, ctx.column);
    }
    const built = this.value !== undefined;
    const depth = built ? 1 : this.depth + 1;
    const baseSize = built ? this.size : this.baseSize;
    const next = new SetVersion(undefined, this, removed, added, depth, baseSize, size, members);
    // A chain no one reads is built now and then, so it never outgrows the value it starts from.
    if (depth >= Math.max(MIN_CHAIN, baseSize)) next.elements();
    return next;
  }

  /** The elements, built on first call (then kept). The array must not be modified. */
  elements(): readonly Atom[] {
    if (this.value !== undefined) return this.value;
    let value: Atom[];
    if (this.members) {
      // The newest value: its membership set holds exactly its elements, in the order sequential
      // application gives (a Set keeps insertion order; a re-added element goes to the end).
      value = [...this.members];
    } else {
      const chain: SetVersion[] = [];
      let v: SetVersion = this;
      while (v.value === undefined) {
        chain.push(v);
        v = v.parent!;
      }
      const base = v.value;
      const gone = new Set<Atom>();
      const tail = new Set<Atom>();
      for (let i = chain.length - 1; i >= 0; i--) {
        const step = chain[i]!;
        for (const a of step.removed ?? []) {
          if (!tail.delete(a)) gone.add(a);
        }
        for (const a of step.added!) tail.add(a);
      }
      value = gone.size === 0 ? base.concat([...tail]) : base.filter((a) => !gone.has(a)).concat([...tail]);
    }
    this.value = value;
    this.parent = undefined;
    this.removed = undefined;
    this.added = undefined;
    return value;
  }
}

/**
 * Applies a set column's JSON diff to its current value (a built array or a {@link SetVersion}) and
 * returns the new {@link SetVersion}; throws {@link OvsdbTypeError} when the diff is malformed or
 * the result breaks the column's size limits. `decode`, when given, decodes the diff (a decoder
 * compiled for the column's {@link diffType}).
 */
export function applySetDiff(type: ColumnType, old: Datum | SetVersion, diffJson: unknown, ctx: DatumContext, decode?: DatumDecoder): SetVersion {
  // `decode`: a decoder compiled for the diff's type (the replica's), the same as datumFromJson with it.
  const toggles = datumAtoms(decode ? decode(diffJson) : datumFromJson(diffType(type), diffJson, ctx));
  const from = old instanceof SetVersion ? old : SetVersion.of(datumAtoms(old as Datum));
  return from.apply(toggles, type, ctx, diffJson);
}
