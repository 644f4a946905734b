/**
 * What a sent transaction reports ({@link TransactionEvent}, to every {@link TransactionHook})
 * and how its failure is classed: a lost `wait` guard or a lost race on the server's unique
 * index (both rebuilt by a reconcile) versus any other error.
 *
 * @module
 */
import { TimedOut } from "../../ovsdb/wire/errors.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { type IndexedKey, lostIndexRace } from "../index-race.js";
import type { Plan } from "./plan-types.js";

/** What one sent transaction looked like, for a metrics exporter or a log. */
export interface TransactionEvent {
  /** The database. */
  readonly database: string;
  /** The caller's label (e.g. the reconcile's method and key: `pod/default/web-0`). */
  readonly label: string;
  /** The operations sent. */
  readonly operations: readonly Operation[];
  /** Operations per kind (`insert`, `update`, `mutate`, `delete`, `wait`). */
  readonly counts: Readonly<Record<Operation["op"], number>>;
  /** Milliseconds from send to reply. */
  readonly latencyMs: number;
  /**
   * `committed`; `guard-failed` when a `wait` guard lost a race, or when a row the plan inserts
   * lost a race on the server's unique index ({@link indexRaceOf}); `error` otherwise.
   */
  readonly outcome: "committed" | "guard-failed" | "error";
  /** The error, when not committed. */
  readonly error?: Error;
}

/** Receives one {@link TransactionEvent} per transaction sent (synchronously, after the reply). */
export type TransactionHook = (event: TransactionEvent) => void;

/** Zero operations of every kind. */
export function emptyCounts(): Record<Operation["op"], number> {
  return { insert: 0, select: 0, update: 0, mutate: 0, delete: 0, wait: 0, commit: 0, abort: 0, comment: 0, assert: 0 };
}

/** True when `e` is a failed `wait` (a lost guard) of `ops`. */
export function isGuardFailure(e: unknown, ops: readonly Operation[]): e is TimedOut {
  return e instanceof TimedOut && typeof e.operationIndex === "number" && ops[e.operationIndex]?.op === "wait";
}

/**
 * The key of `plan` that `e` reports lost a race on the server's unique index: a
 * `constraint violation` for two rows with one value of a single-column index, where the plan
 * inserted one of them with that key without an absence guard ({@link Plan.indexed}), and the
 * other row was already in the database. Undefined for any other error.
 */
export function indexRaceOf(e: unknown, plan: Plan): IndexedKey | undefined {
  return lostIndexRace(e, plan.indexed ?? []);
}
