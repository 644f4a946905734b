/**
 * Plans built ahead: what a plan's build read from the replica ({@link ReadLog}, recorded by
 * {@link ControlledDb.trackReads}) and whether a transaction committed meanwhile makes it stale
 * ({@link stalePlan}), so a controller can build the next transaction while one is in flight.
 *
 * @module
 */
import type { Operation } from "../../ovsdb/wire/operations.js";
import type { ControlledDb } from "./db.js";
import type { Plan } from "./plan-types.js";

/**
 * What a plan's build read from the replica ({@link ControlledDb.trackReads}): enough to tell
 * whether a plan built before another transaction committed would come out differently after it
 * ({@link stalePlan}).
 */
export interface ReadLog {
  /** The names of every name lookup that found no row, by table (no `table + name` string built per lookup). */
  readonly missed: Map<string, Set<string>>;
  /** UUIDs of the rows lookups by name or UUID found. */
  readonly found: Set<string>;
  /** Tables read as a whole (owned rows, holders of a row, rows by several `external_ids` keys). */
  readonly scanned: Set<string>;
  /**
   * Lookups of the rows whose `external_ids[key]` is a value ({@link ControlledDb.ownedByExternalId}):
   * by table, then key, the values looked up (the rows found are in `found`). Absent: none.
   */
  readonly keyed?: Map<string, Map<string, Set<string>>>;
}

/** The pairs of an `external_ids` value in wire form (`["map", [[k, v], ...]]`), or undefined when it is not one. */
function wirePairs(v: unknown): readonly (readonly [unknown, unknown])[] | undefined {
  return Array.isArray(v) && v[0] === "map" && Array.isArray(v[1]) ? (v[1] as (readonly [unknown, unknown])[]) : undefined;
}

/** True when an inserted row's `external_ids` (wire form) has a key with a value `keys` lists; true as well when it cannot tell. */
function insertMatches(row: { readonly [column: string]: unknown }, keys: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  const ext = row["external_ids"];
  if (ext === undefined) return false;
  const pairs = wirePairs(ext);
  if (pairs === undefined) return true;
  for (const [k, v] of pairs) if (keys.get(k as string)?.has(v as string)) return true;
  return false;
}

/** The UUID an `update`/`mutate`/`delete` of a plan names in its `_uuid ==` condition. */
function targetOf(op: Operation): string | undefined {
  if (op.op !== "update" && op.op !== "mutate" && op.op !== "delete") return undefined;
  const c = op.where[0];
  if (!c || c[0] !== "_uuid") return undefined;
  const v = c[2] as unknown;
  return Array.isArray(v) ? String(v[1]) : typeof v === "string" ? v : undefined;
}

/**
 * True when `ahead`, a plan built (with `reads` its {@link ControlledDb.trackReads} log) before
 * `committed` was committed, may differ from the same build done now: `committed` inserted a row
 * under a name `ahead` looked up and did not find, or into a table `ahead` read as a whole, or
 * with an `external_ids` pair `ahead` looked rows up by (or changed a row's `external_ids` in such a table);
 * deleted anything; updated a row `ahead` found by name or guards, or mutated one of them other
 * than by adding or removing references (adding a port to a switch commutes with every other
 * plan's additions); or wrote any row of a table `ahead` read as a whole. Such a plan is built
 * again; any other is the plan the build would make now.
 */
export function stalePlan(db: ControlledDb, committed: Plan, ahead: Plan, reads: ReadLog): boolean {
  const pinned = new Set(ahead.guarded.map((g) => g.uuid));
  for (const op of committed.operations) {
    if (op.op === "wait") continue;
    if (op.op === "delete") return true;
    if (!("table" in op)) return true;
    if (reads.scanned.has(op.table)) return true;
    const keyed = reads.keyed?.get(op.table);
    if (op.op === "insert") {
      const name = (op.row as { name?: unknown }).name;
      if (typeof name === "string" && reads.missed.get(op.table)?.has(name)) return true;
      if (keyed !== undefined && insertMatches(op.row as { readonly [column: string]: unknown }, keyed)) return true;
      continue;
    }
    const uuid = targetOf(op);
    if (uuid === undefined) return true;
    if (pinned.has(uuid)) return true;
    // A row of a table looked up by `external_ids` whose `external_ids` change may start (or stop) matching.
    if (keyed !== undefined && (op.op === "update" ? "external_ids" in op.row : op.op === "mutate" && op.mutations.some(([column]) => column === "external_ids"))) return true;
    if (!reads.found.has(uuid)) continue;
    if (op.op === "update") return true;
    if (op.op === "mutate") {
      const refs = db.refColumns(op.table);
      if (op.mutations.some(([column]) => !refs.includes(column))) return true;
    }
  }
  return false;
}
