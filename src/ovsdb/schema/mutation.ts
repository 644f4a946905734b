/**
 * Mutations (RFC 7047 §5.1 `<mutation>`, §5.2.4 `mutate`): which mutators a column accepts, the
 * type their argument is decoded with, and applying one to a native value with the error kinds
 * ovsdb-server reports (`"domain error"`, `"range error"`, `"constraint violation"`). The embedded
 * server executes `mutate` operations with these functions; a client may use them to predict a
 * mutation's result locally.
 *
 * @module
 */
import { ConstraintViolation, DomainError, OvsdbRangeError, OvsdbSyntaxError } from "../wire/errors.js";
import { INT64_MAX, INT64_MIN, toInt64 } from "../wire/json.js";
import type { Mutator } from "../wire/operations.js";
import { type Datum, compareAtoms, datumAtoms, datumFromJson, datumSize } from "./datum.js";
import type { ColumnSchema } from "./schema.js";
import { type Atom, type BaseType, type ColumnType, columnShape, typeToEnglish } from "./types.js";

/** Every mutator of RFC 7047 §5.1. */
const MUTATOR_SET: ReadonlySet<string> = new Set(["+=", "-=", "*=", "/=", "%=", "insert", "delete"]);

/** True for a string that names a mutator. */
export function isMutator(s: unknown): s is Mutator {
  return typeof s === "string" && MUTATOR_SET.has(s);
}

/** True for the arithmetic mutators `+=`, `-=`, `*=`, `/=`, `%=`. */
export function isArithmeticMutator(m: Mutator): boolean {
  return m !== "insert" && m !== "delete";
}

export { typeToEnglish } from "./types.js";

/**
 * The type a mutation's argument is decoded with, or a "syntax error" (`Type mismatch: ...`) when
 * the mutator cannot apply to the column (RFC 7047 §5.1): arithmetic takes one atom of the
 * column's numeric key type (`%=` integers only, never maps); `insert` takes a set or map of the
 * column's type with no minimum; `delete` takes any number of elements, and for a map either
 * pairs or a set of keys (see {@link mutationArgumentTypes}).
 */
export function mutationArgumentTypes(column: ColumnSchema, mutator: Mutator): readonly ColumnType[] {
  const t = column.type;
  const shape = columnShape(t);
  const mismatch = () =>
    new OvsdbSyntaxError(`Type mismatch: "${mutator}" operator may not be applied to column ${column.name} of type ${typeToEnglish(t)}.`);
  if (isArithmeticMutator(mutator)) {
    const numeric = mutator === "%=" ? t.key.type === "integer" : t.key.type === "integer" || t.key.type === "real";
    if (shape === "map" || !numeric) throw mismatch();
    // The argument itself is not held to the column's constraints; only the results are.
    return [{ key: { type: t.key.type }, min: 1, max: 1 }];
  }
  if (shape === "scalar") throw mismatch();
  if (mutator === "insert") return [{ ...t, min: 0 }];
  const all: ColumnType = { ...t, min: 0, max: "unlimited" };
  if (shape === "map") return [all, { key: t.key, min: 0, max: "unlimited" }];
  return [all];
}

/** A mutation decoded against its column. */
export interface CompiledMutation {
  readonly column: string;
  readonly mutator: Mutator;
  /** The argument: an atom for arithmetic, an array of atoms for set insert/delete or map key delete, a map for map insert/delete. */
  readonly value: Datum;
  /** The column's type. */
  readonly type: ColumnType;
}

/**
 * Decodes an argument with the first of `types` that accepts it, or throws the last type's error (the decoder defaults to the
 * shared {@link datumFromJson}; the embedded server passes one that reports ovsdb-server's exact
 * parse errors).
 */
export function decodeMutationArgument(
  types: readonly ColumnType[],
  json: unknown,
  decode: (type: ColumnType, json: unknown) => Datum = (type, j) => datumFromJson(type, j),
): Datum {
  // ovsdb-server reports the error of its last attempt (for a map `delete`: as a set of keys).
  let last: unknown;
  for (const type of types) {
    try {
      return decode(type, json);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

function intOp(mutator: Mutator, x: number | bigint, y: number | bigint): number | bigint {
  if (typeof x === "number" && typeof y === "number" && mutator !== "/=" && mutator !== "%=") {
    // Fast path: a result within ±2^53−1 is exact in double arithmetic.
    const q = mutator === "+=" ? x + y : mutator === "-=" ? x - y : x * y;
    if (Number.isSafeInteger(q)) return q;
  }
  // Exact arithmetic (BigInt) so that overflow of OVSDB's 64-bit integers is detected exactly.
  const a = BigInt(x);
  const b = BigInt(y);
  let r: bigint;
  switch (mutator) {
    case "+=":
      r = a + b;
      break;
    case "-=":
      r = a - b;
      break;
    case "*=":
      // ovsdb-server's overflow test (mul_int, after Hacker's Delight), kept exactly: it refuses
      // some products that fit (INT64_MAX * 1) and lets INT64_MIN * -1 wrap to INT64_MIN.
      if (b !== 0n && (a > 0n ? (b > 0n ? a >= INT64_MAX / b : b < INT64_MIN / a) : b > 0n ? a < INT64_MIN / b : a !== 0n && b < INT64_MAX / b)) {
        throw new OvsdbRangeError(`Result of "${mutator}" operation is out of range.`);
      }
      return toInt64(BigInt.asIntN(64, a * b))!;
    case "/=":
      if (b === 0n) throw new DomainError("Division by zero.");
      r = a / b; // BigInt division truncates toward zero, as C does
      break;
    case "%=":
      if (b === 0n) throw new DomainError("Division by zero.");
      // ovsdb-server refuses INT64_MIN %= -1 as it refuses INT64_MIN /= -1 (check_int_div).
      if (a === INT64_MIN && b === -1n) throw new OvsdbRangeError(`Result of "${mutator}" operation is out of range.`);
      r = a % b; // sign of the dividend, as C's %
      break;
    default:
      throw new Error(`not arithmetic: ${mutator}`);
  }
  const n = toInt64(r);
  if (n === undefined) throw new OvsdbRangeError(`Result of "${mutator}" operation is out of range.`);
  return n;
}

function realOp(mutator: Mutator, x: number, y: number): number {
  let r: number;
  switch (mutator) {
    case "+=":
      r = x + y;
      break;
    case "-=":
      r = x - y;
      break;
    case "*=":
      r = x * y;
      break;
    case "/=":
      if (y === 0) throw new DomainError("Division by zero.");
      r = x / y;
      break;
    default:
      throw new Error(`not a real mutator: ${mutator}`);
  }
  if (!Number.isFinite(r)) throw new OvsdbRangeError(`Result of "${mutator}" operation is out of range.`);
  return r;
}

/** Sets with at least this many elements are mutated through a membership set ({@link membersOf}). */
const BIG_SET = 32;
/** A mutation with at most this many elements is "a few": looked up one by one in a small set, cached for a big one. */
const FEW = 8;

/**
 * A big set value made by a mutation (an array, never modified once made), with its membership
 * set, the array it was made from, and the elements the mutation appended or deleted.
 */
interface BigSetSlot {
  readonly atoms: readonly Atom[];
  readonly members: Set<Atom>;
  readonly from: readonly Atom[];
  readonly added: readonly Atom[];
  readonly removed: readonly Atom[];
}

/**
 * The big sets mutated last, newest first (at most {@link SLOTS}): mutating one of them again by a
 * few elements costs O(1) lookups in its membership set instead of comparing each element with
 * every element (string comparison of distinct UUID strings costs tens of nanoseconds each), and
 * reference bookkeeping asks {@link setMutationDelta} what changed instead of comparing the two
 * arrays. A slot moves on to the array each mutation makes; a few recent slots (not a weak map
 * entry per array, which the garbage collector pays for) cover the usual pattern of a few big
 * sets growing one element at a time.
 */
const slots: BigSetSlot[] = [];
const SLOTS = 8;

/**
 * The membership set of `cur`, taken out of its slot (the caller builds a new array from it and
 * files the set under that array): the cached one, or a new one when `make` (few elements change)
 * or undefined (many change: the caller's one-off pass is as cheap, and no memory is kept).
 */
function membersOf(cur: readonly Atom[], make: boolean): Set<Atom> | undefined {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    if (s.atoms !== cur) continue;
    slots.splice(i, 1);
    return s.members;
  }
  return make ? new Set(cur) : undefined;
}

/**
 * Inserts `args` into, or deletes them from, big set `cur` whose elements are `members`: a new
 * array (the old elements in their order, inserted ones appended), filed with `members`, updated,
 * in the newest slot.
 */
function mutateBigSet(cur: readonly Atom[], members: Set<Atom>, args: readonly Atom[], insert: boolean): Atom[] {
  let atoms: Atom[];
  const added: Atom[] = [];
  let removed: Atom[] = [];
  if (insert) {
    for (const a of args) {
      if (members.has(a)) continue;
      members.add(a);
      added.push(a);
    }
    // One copy of exactly the new size (a slice then pushes would copy the set twice, the second
    // time into a backing store with room to grow that the stored value would keep).
    atoms = added.length === 0 ? cur.slice() : cur.concat(added);
  } else {
    let gone: Set<Atom> | undefined;
    for (const a of args) if (members.delete(a)) (gone ??= new Set()).add(a);
    atoms = gone === undefined ? cur.slice() : cur.filter((a) => !gone.has(a));
    if (gone !== undefined) removed = [...gone];
  }
  slots.unshift({ atoms, members, from: cur, added, removed });
  if (slots.length > SLOTS) slots.length = SLOTS;
  return atoms;
}

/**
 * The elements `next` gained and lost against `prev` when {@link applyMutation} made set `next`
 * from set `prev` (a big set mutated by `insert` or `delete`, among the last few so made);
 * undefined otherwise (then the caller compares the two). Lets reference bookkeeping cost the few
 * elements that changed instead of a pass over a big set. The arrays returned are not to be modified.
 */
export function setMutationDelta(prev: Datum, next: Datum): { readonly added: readonly Atom[]; readonly removed: readonly Atom[] } | undefined {
  if (!Array.isArray(next)) return undefined;
  for (const s of slots) if (s.atoms === next) return s.from === prev ? s : undefined;
  return undefined;
}

/**
 * Applies one mutation to a column's current native value and returns the new value (the input
 * is not modified). Throws `DomainError` (division by zero), `OvsdbRangeError` (a result outside
 * 64-bit integers or not finite), or `ConstraintViolation` (a result atom breaks the column's
 * constraints via `checkAtom`, an arithmetic result has duplicates, or the element count leaves
 * the column's `min`..`max`), with ovsdb-server's details texts.
 *
 * @param checkAtom reports a constraint violation of one atom (details text), or undefined.
 */
export function applyMutation(
  type: ColumnType,
  current: Datum,
  mutator: Mutator,
  arg: Datum,
  checkAtom: (base: BaseType, atom: Atom) => string | undefined,
): Datum {
  const shape = columnShape(type);
  if (isArithmeticMutator(mutator)) {
    const atoms =
      type.key.type === "integer"
        ? datumAtoms(current).map((x) => intOp(mutator, x as number | bigint, arg as number | bigint))
        : datumAtoms(current).map((x) => realOp(mutator, x as number, arg as number));
    for (const a of atoms) {
      const e = checkAtom(type.key, a);
      if (e) throw new ConstraintViolation(e);
    }
    if (atoms.length > 1 && new Set(atoms).size !== atoms.length) {
      throw new ConstraintViolation(`Result of "${mutator}" operation contains duplicates.`);
    }
    if (shape === "scalar") return atoms[0]!;
    if (shape === "optional") return atoms[0];
    return atoms.sort(compareAtoms);
  }
  let result: Datum;
  if (shape === "map") {
    const m = new Map(current as ReadonlyMap<Atom, Atom> | undefined);
    if (mutator === "insert") {
      for (const [k, v] of arg as ReadonlyMap<Atom, Atom>) if (!m.has(k)) m.set(k, v);
    } else if (arg instanceof Map) {
      for (const [k, v] of arg as ReadonlyMap<Atom, Atom>) if (m.has(k) && m.get(k) === v) m.delete(k);
    } else {
      for (const k of datumAtoms(arg)) m.delete(k);
    }
    result = m;
  } else {
    // Native sets are unordered (encoders sort); keeping the old elements' order makes this O(n),
    // a few elements are looked up in a small set's array, and in a big set's cached membership set.
    const cur = datumAtoms(current);
    const args = datumAtoms(arg);
    let atoms: Atom[];
    const members = cur.length >= BIG_SET ? membersOf(cur, args.length <= FEW) : undefined;
    if (members !== undefined) {
      atoms = mutateBigSet(cur, members, args, mutator === "insert");
    } else if (args.length <= FEW) {
      if (mutator === "insert") {
        atoms = [...cur];
        for (const a of args) if (!atoms.includes(a)) atoms.push(a);
      } else {
        atoms = cur.filter((a) => !args.includes(a));
      }
    } else {
      const s = new Set<Atom>(cur);
      if (mutator === "insert") for (const a of args) s.add(a);
      else for (const a of args) s.delete(a);
      atoms = [...s];
    }
    result = shape === "optional" && atoms.length <= 1 ? atoms[0] : atoms;
  }
  const n = datumSize(result);
  if (n < type.min || (type.max !== "unlimited" && n > type.max)) {
    throw new ConstraintViolation(`Attempted to store ${n} elements in ${typeToEnglish(type)}.`);
  }
  return result;
}
