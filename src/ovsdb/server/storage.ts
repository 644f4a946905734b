/**
 * Storage of the embedded server's databases: the committed row and change types, one table's
 * rows and unique indexes, and the reference bookkeeping helpers (which UUIDs a column refers to,
 * what a change adds and removes) that the database, the transaction engine and the integrity
 * checks share.
 *
 * @module
 */
import { type Datum, type Row, datumAtoms, datumEquals, defaultDatum } from "../schema/datum.js";
import { atomToErrorText } from "../schema/datum.js";
import type { TableSchema } from "../schema/schema.js";
import { type Atom, type ColumnType, columnShape } from "../schema/types.js";
import { setMutationDelta } from "../schema/mutation.js";
import { shashOrder } from "../text/hash-order.js";
import { stringifyJson } from "../wire/json.js";
import type { OperationResult } from "../wire/operations.js";
import type { RowChange as RowChangeOf } from "../cache/row-change.js";

/** A committed row: its UUID, its `_version`, and its column values (every declared column). */
export interface DbRow {
  readonly uuid: string;
  readonly version: string;
  readonly data: Row;
}


/** A committed transaction, as monitors, the history and persistence see it. */
export interface CommittedTxn {
  /** The transaction id (`monitor_cond_since`'s `last-txn-id`). */
  readonly id: string;
  readonly database: string;
  readonly changes: readonly RowChangeOf<DbRow>[];
  /** Texts of the transaction's `comment` operations. */
  readonly comments: readonly string[];
  /** Commit time, milliseconds since the epoch. */
  readonly date: number;
  /** A `commit` operation asked for `"durable": true`: the log must reach the disk before the reply. */
  readonly durable: boolean;
}

/** What the executing session may do: lock ownership for `assert` (RFC 7047 §5.2.10). */
export interface TxnContext {
  /** True when the session owns lock `name`. */
  ownsLock(name: string): boolean;
  /** True when a blocked `wait` has passed its timeout: unmet waits then fail with "timed out". */
  readonly waitTimedOut?: boolean;
  /** How long the transaction has waited, in milliseconds (reported in the "timed out" details, as ovsdb-server does). */
  readonly waitElapsedMs?: number;
  /** The server itself writing (allowed on a {@link Database.reserved} database). */
  readonly internal?: boolean;
}

/** Outcome of {@link Database.execute}: a reply, or a `wait` that must be retried later. */
export type ExecuteOutcome =
  | { readonly kind: "done"; readonly results: OperationResult[]; readonly committed: CommittedTxn | undefined }
  | { readonly kind: "blocked"; readonly timeoutMs: number | undefined };

/** @internal One table's committed rows and unique indexes. */
export class TableData {
  readonly rows = new Map<string, DbRow>();
  /** One map per unique index: canonical key text → row UUID. */
  readonly indexes: Map<string, string>[];
  /**
   * The table's columns in ovsdb-server's iteration order of its column `shash` (`_uuid` and
   * `_version` added first, then the schema's columns in the iteration order of the parsed JSON
   * object), which decides some of its error texts.
   */
  readonly ovsColumnOrder: readonly string[];
  constructor(readonly schema: TableSchema) {
    this.indexes = schema.indexes.map(() => new Map());
    this.ovsColumnOrder = shashOrder(["_uuid", "_version", ...shashOrder(schema.columns.keys())]);
  }
}

/** @internal One row changed by a transaction in progress. */
export interface Change {
  readonly table: string;
  readonly uuid: string;
  readonly old: DbRow | undefined;
  /** Column values after the transaction, or undefined when deleted. */
  new: Record<string, Datum> | undefined;
}

/** @internal A column holding references (a map holds them in its keys or its values). */
export interface RefColumn {
  readonly column: string;
  readonly refTable: string;
  readonly strong: boolean;
  /** Which part of a map holds the reference. */
  readonly part: "key" | "value";
}

/** Canonical text of a value, for unique-index keys. */
/** @internal */
export function datumKey(v: Datum): string {
  if (v instanceof Map) {
    return stringifyJson([...v.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
  }
  const a = [...datumAtoms(v)];
  if (a.length > 1) a.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0));
  return stringifyJson(a);
}

/**
 * @internal The key of `data` in the unique index on columns `ix`: the {@link datumKey} of each
 * column, joined by NUL (without an array for a one-column index, the usual kind).
 */
export function indexKey(ix: readonly string[], data: Readonly<Record<string, Datum>>): string {
  if (ix.length === 1) return datumKey(data[ix[0]!]);
  let key = datumKey(data[ix[0]!]);
  for (let i = 1; i < ix.length; i++) key += "\u0000" + datumKey(data[ix[i]!]);
  return key;
}

/** ovsdb-server's text of a value inside error details (`ovsdb_datum_to_string`). */
/** @internal */
export function datumText(type: ColumnType, v: Datum): string {
  const shape = columnShape(type);
  if (shape === "map") {
    const m = v as ReadonlyMap<Atom, Atom>;
    return `{${[...m.entries()].map(([k, x]) => `${atomToErrorText(k)}=${atomToErrorText(x)}`).join(", ")}}`;
  }
  if (shape === "scalar") return atomToErrorText(v as Atom);
  return `[${datumAtoms(v).map(atomToErrorText).join(", ")}]`;
}

/**
 * The references one column gains and loses between two values (with repetition for maps, whose
 * values may repeat); with `self`, a row's references to itself are left out. Unchanged values
 * cost nothing, and a big set that gains or loses a few elements costs one pass of identity
 * comparisons (mutations keep the old elements' order and the very same strings).
 */
/** @internal */
export function refDiff(r: RefColumn, oldV: Datum, newV: Datum, self?: string): RefChange {
  if (oldV === newV || (holdsNothing(oldV) && holdsNothing(newV))) return NO_CHANGE;
  // A big set's difference is asked twice in a commit (its checks, then storage): worked out once.
  if (Array.isArray(newV) && newV.length >= BIG_SET) {
    for (let i = 0; i < BIG_DIFFS.length; i++) {
      const m = BIG_DIFFS[i]!;
      if (m.newV === newV && m.r === r && m.oldV === oldV && m.self === self) return m.change;
    }
    const change = diffRefs(r, oldV, newV, self);
    if (BIG_DIFFS.length < BIG_DIFFS_MAX) BIG_DIFFS.push({ newV, r, oldV, self, change });
    return change;
  }
  return diffRefs(r, oldV, newV, self);
}

/**
 * @internal Forgets the big sets' differences remembered by {@link refDiff} (at the start and end
 * of each commit: nothing is held between commits).
 */
export function forgetRefDiffs(): void {
  // Each entry's values are overwritten before the list is emptied: the list (long-lived, in the
  // old generation) must not keep pointing at this commit's sets, which the young-generation
  // collector would then keep alive (and promote) until the next full collection. (A Map's
  // clear() left exactly such pointers: every big set made since the last scavenge survived it,
  // about 75% of the young generation at a few thousand ports per switch.)
  for (let i = 0; i < BIG_DIFFS.length; i++) BIG_DIFFS[i] = CLEARED;
  BIG_DIFFS.length = 0;
}

/** @internal True for a value that holds no reference: absent, or an empty set or map (most reference columns of most rows). */
export function holdsNothing(v: Datum): boolean {
  return v === undefined || (Array.isArray(v) ? v.length === 0 : v instanceof Map && v.size === 0);
}

/** @internal What {@link refDiff} gives: the references gained and lost (not to be modified: results may be shared). */
export interface RefChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

const NO_CHANGE: RefChange = Object.freeze({ added: Object.freeze([]), removed: Object.freeze([]) });
/** Sets at least this big have their last {@link refDiff} remembered. */
const BIG_SET = 64;
/** At most this many big sets' differences are remembered per commit (the usual commit has one or two). */
const BIG_DIFFS_MAX = 16;
interface BigDiff {
  readonly newV: Datum;
  readonly r: RefColumn | undefined;
  readonly oldV: Datum;
  readonly self: string | undefined;
  readonly change: RefChange;
}
const CLEARED: BigDiff = Object.freeze({ newV: undefined, r: undefined, oldV: undefined, self: undefined, change: NO_CHANGE });
const BIG_DIFFS: BigDiff[] = [];

function diffRefs(r: RefColumn, oldV: Datum, newV: Datum, self: string | undefined): RefChange {
  // The multiset difference is taken on the raw references and `self` dropped from its result:
  // the same as the difference of the references without `self`, element by element.
  // A big set mutated by a few elements says which (no pass over the set).
  const delta = setMutationDelta(oldV, newV);
  if (delta !== undefined) {
    return { added: withoutSelf(delta.added as readonly string[], 0, self), removed: withoutSelf(delta.removed as readonly string[], 0, self) };
  }
  const a = oldV === undefined ? NO_REFS : rawRefs(r, oldV);
  const b = newV === undefined ? NO_REFS : rawRefs(r, newV);
  if (a.length === 0) return { added: withoutSelf(b, 0, self), removed: [] };
  if (b.length === 0) return { added: [], removed: withoutSelf(a, 0, self) };
  // Fast paths: mutations keep the old elements' order, so an insert appends and a delete leaves a subsequence.
  if (b.length >= a.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i === a.length) return { added: withoutSelf(b, a.length, self), removed: [] };
  } else {
    const removed: string[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      if (j < b.length && a[i] === b[j]) j++;
      else if (a[i] !== self) removed.push(a[i]!);
    }
    if (j === b.length) return { added: [], removed };
  }
  const count = new Map<string, number>();
  for (const x of a) if (x !== self) count.set(x, (count.get(x) ?? 0) + 1);
  const added: string[] = [];
  for (const x of b) {
    if (x === self) continue;
    const n = count.get(x);
    if (n) count.set(x, n - 1);
    else added.push(x);
  }
  const removed: string[] = [];
  for (const [x, n] of count) for (let i = 0; i < n; i++) removed.push(x);
  return { added, removed };
}

const NO_REFS: readonly string[] = Object.freeze([]);

/** The UUIDs a column's value holds (a set's own array, not a copy), self-references included. */
function rawRefs(r: RefColumn, v: Datum): readonly string[] {
  return (v instanceof Map ? [...(r.part === "key" ? v.keys() : v.values())] : datumAtoms(v)) as readonly string[];
}

/** `refs` from index `from` on, without `self` (a fresh array). */
function withoutSelf(refs: readonly string[], from: number, self: string | undefined): string[] {
  const out: string[] = [];
  for (let i = from; i < refs.length; i++) if (refs[i] !== self) out.push(refs[i]!);
  return out;
}

/** The UUIDs a column refers to; with `self`, a row's references to itself are left out (they do not count, as in ovsdb-server). */
export function refAtoms(r: RefColumn, v: Datum, self?: string): string[] {
  const all = (v instanceof Map ? [...(r.part === "key" ? v.keys() : v.values())] : datumAtoms(v)) as string[];
  return self !== undefined && all.includes(self) ? all.filter((u) => u !== self) : all;
}


const EMPTY_MAP: ReadonlyMap<Atom, Atom> = new Map();
const EMPTY_SET: readonly Atom[] = Object.freeze([]);

/** A column's default value, sharing one empty map and one empty set among all rows (rows are never changed in place). */
/** @internal */
export function sharedDefault(type: ColumnType): Datum {
  if (type.min === 0) {
    if (type.value) return EMPTY_MAP;
    if (type.max !== 1) return EMPTY_SET;
  }
  return defaultDatum(type);
}

/** @internal True when two rows of a table hold equal values in every column. */
export function rowEquals(t: TableSchema, a: Row, b: Row): boolean {
  for (const c of t.columns.keys()) if (!datumEquals(a[c], b[c])) return false;
  return true;
}
