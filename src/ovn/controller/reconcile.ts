/**
 * Optimistic reconcile: build a plan from the replica, send it with its `wait` guards, and when a
 * guard loses a race (another client changed a row the plan was built from; RFC 7047 §5.2.6
 * `"timed out"`; or, for a row created without a guard because the server's unique index protects
 * its key, the index's `"constraint violation"`) wait until the replica has seen that change and build again — with a bounded,
 * jittered backoff — until the plan commits, turns out empty, or the attempts run out
 * ({@link ConcurrentChangeError}, carrying the row and the last server error).
 *
 * @module
 */
import type { Datum } from "../../ovsdb/schema/datum.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { ConnectionClosedError } from "../../ovsdb/wire/errors.js";
import type { ControlledDb } from "./db.js";
import { indexRaceOf, isGuardFailure } from "./transaction-event.js";
import { ConcurrentChangeError } from "./errors.js";
import type { PlanBuilder } from "./plan.js";
import type { Plan } from "./plan-types.js";

/** Options of {@link reconcileWith}. */
export interface ReconcileOptions {
  /**
   * Times the plan may be built and sent.
   * @default 5
   */
  readonly attempts?: number;
  /**
   * First retry delay in milliseconds (doubled on each retry, with ±50 % jitter).
   * @default 5
   */
  readonly baseDelayMs?: number;
  /**
   * Longest retry delay in milliseconds.
   * @default 500
   */
  readonly maxDelayMs?: number;
  /**
   * How long to wait for the replica to see the change that made a guard fail.
   * @default 5000
   */
  readonly catchUpMs?: number;
  /**
   * The plan of the first attempt, already built by the same `build` from the replica as it is
   * now (e.g. built ahead while the previous transaction was in flight and checked with
   * `stalePlan`); a retry builds afresh.
   */
  readonly prebuilt?: Plan;
}

/** What a reconcile did. */
export interface ReconcileResult {
  /** False when the state already matched (nothing was sent). */
  readonly sent: boolean;
  /** How many times the plan was built. */
  readonly attempts: number;
  /** The plan of the last attempt. */
  readonly plan: Plan;
}

/** The row a failed `wait` guarded: its table, and its UUID when the guard named one (`_uuid == ...`). */
export function guardedRowOf(op: Operation | undefined): { table: string; uuid: string | undefined; version: string | undefined } {
  if (!op || op.op !== "wait") return { table: op && "table" in op ? op.table : "", uuid: undefined, version: undefined };
  const c = op.where[0];
  const uuid = c && c[0] === "_uuid" && Array.isArray(c[2]) ? String((c[2] as unknown[])[1]) : undefined;
  const r = op.rows[0] as { _version?: unknown } | undefined;
  const version = Array.isArray(r?._version) ? String((r._version as unknown[])[1]) : undefined;
  return { table: op.table, uuid, version };
}

/** The conditions of an absence guard (a `wait` for no rows, not pinned to one `_uuid`), if `op` is one. */
function absentGuardOf(op: Operation | undefined): readonly (readonly [string, string, unknown])[] | undefined {
  if (!op || op.op !== "wait" || op.rows.length !== 0 || op.where.length === 0) return undefined;
  return op.where.some(([c]) => c === "_uuid") ? undefined : (op.where as readonly (readonly [string, string, unknown])[]);
}

/** One wire-encoded condition value as the replica holds it (an atom, or a map for `["map", pairs]`). */
function decoded(v: unknown): unknown {
  if (Array.isArray(v) && v[0] === "map") return new Map(v[1] as [unknown, unknown][]);
  return v;
}

/** True when the replica row satisfies `column fn value` (the `==` and `includes` the guards use). */
function holds(row: { readonly [c: string]: unknown }, [column, fn, value]: readonly [string, string, unknown]): boolean {
  const have = row[column];
  const want = decoded(value);
  if (fn === "==") return have === want;
  if (fn === "includes" && want instanceof Map && have instanceof Map) return [...want].every(([k, x]) => have.get(k) === x);
  return true;
}

/** True once the replica holds a row matching every condition (the row another writer created). */
function absentSeen(db: ControlledDb, table: string, where: readonly (readonly [string, string, unknown])[]): boolean {
  const [first] = where;
  if (where.length === 1 && first && first[0] === "name" && first[1] === "==" && typeof first[2] === "string") return db.allByName(table, first[2]).length > 0;
  for (const r of db.replica.rows(table) as Iterable<{ readonly [c: string]: unknown }>) if (where.every((c) => holds(r, c))) return true;
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Builds a plan with `build`, sends it, and retries on a lost guard or a dropped connection (see
 * the module documentation). `newPlan` makes a fresh builder per attempt.
 */
export async function reconcileWith<P extends PlanBuilder>(
  db: ControlledDb,
  label: string,
  newPlan: () => P,
  build: (plan: P) => unknown,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 500;
  const catchUp = options.catchUpMs ?? 5000;
  let last: { error: Error; row: { table: string; uuid: string | undefined } } | undefined;
  for (let i = 1; i <= attempts; i++) {
    let plan: Plan;
    if (i === 1 && options.prebuilt) plan = options.prebuilt;
    else {
      const builder = newPlan();
      await build(builder);
      plan = builder.build();
    }
    if (plan.operations.length === 0) return { sent: false, attempts: i, plan };
    try {
      await db.apply(plan, { label });
      return { sent: true, attempts: i, plan };
    } catch (e) {
      if (e instanceof ConnectionClosedError) {
        last = { error: e, row: { table: "", uuid: undefined } };
        await db.client.whenReady();
      } else if (isGuardFailure(e, plan.operations)) {
        const op = guardedRowOf(plan.operations[e.operationIndex!]);
        // A column guard pins a column, not `_version`: the row's version at build time is in the plan.
        const g = op.version === undefined && op.uuid !== undefined ? { ...op, version: plan.guarded.find((x) => x.uuid === op.uuid)?.version } : op;
        last = { error: e, row: { table: g.table, uuid: g.uuid } };
        // Wait until the replica has seen the change that broke the guard (bounded), then rebuild.
        const absent = absentGuardOf(plan.operations[e.operationIndex!]);
        const seen = (): boolean => {
          if (absent) return absentSeen(db, g.table, absent);
          if (g.uuid === undefined) return true;
          const row = db.get(g.table, g.uuid);
          return !row || (row["_version"] as Datum) !== g.version;
        };
        await db.replica.waitUntil(seen, catchUp).catch(() => undefined);
      } else if (indexRaceOf(e, plan)) {
        // Another writer created a row with a key this plan inserts (the unique index refused ours): wait to see it, then rebuild.
        const k = indexRaceOf(e, plan)!;
        last = { error: e as Error, row: { table: k.table, uuid: undefined } };
        await db.replica.waitUntil(() => absentSeen(db, k.table, [[k.column, "==", k.value]]), catchUp).catch(() => undefined);
      } else throw e;
      if (i < attempts) {
        const d = Math.min(cap, base * 2 ** (i - 1));
        await sleep(d * (0.5 + Math.random()));
      }
    }
  }
  throw new ConcurrentChangeError(label, attempts, last!.row, last!.error);
}
