/**
 * Plans: the operations declarative calls built, not yet sent, and what they do row by row
 * (built by a {@link PlanBuilder}; only {@link ControlledDb.apply} sends one).
 *
 * @module
 */
import type { Operation } from "../../ovsdb/wire/operations.js";
import type { IndexedKey } from "../index-race.js";
import type { ControlledDb } from "./db.js";
import type { PlanBuilder } from "./plan.js";

/** One change a plan makes, for display (`ovn-ts diff`) and tests. */
export type PlanStep =
  | { readonly kind: "create"; readonly table: string; readonly key: string; readonly columns: readonly string[] }
  | { readonly kind: "update"; readonly table: string; readonly key: string; readonly uuid: string; readonly columns: readonly string[] }
  | { readonly kind: "delete"; readonly table: string; readonly key: string; readonly uuid: string };

/** A row a plan's guards pin to the version the plan was built from. */
export interface GuardedRow {
  /** The table. */
  readonly table: string;
  /** The row's UUID. */
  readonly uuid: string;
  /** Its `_version` in the replica when the plan was built. */
  readonly version: string;
  /**
   * When set, the guard pins only this column to its value when the plan was built (e.g. a
   * router's `nat` while a NAT rule is added: a concurrent insert of the same rule fails the
   * transaction, an unrelated change to the router does not).
   */
  readonly column?: string;
}

/** Operations built by declarative calls, not yet sent. */
export interface Plan {
  /** The database the operations belong to. */
  readonly database: string;
  /** A label for logs and the transaction hook. */
  readonly label: string | undefined;
  /** The operations, ready for one `transact`; empty when the state already matches. */
  readonly operations: readonly Operation[];
  /** What the operations do, row by row. */
  readonly steps: readonly PlanStep[];
  /** The rows the guards pin. */
  readonly guarded: readonly GuardedRow[];
  /** The keys inserted under the protection of the server's unique index instead of a `wait` guard (none when absent). */
  readonly indexed?: readonly IndexedKey[];
}

/** A plan as text, one line per step: `+ table key (columns)`, `~ table key: columns`, `- table key`. */
export function formatPlan(plan: Plan): string {
  const lines = plan.steps.map((s) =>
    s.kind === "create" ? `+ ${s.table} ${s.key} (${s.columns.join(", ")})` : s.kind === "update" ? `~ ${s.table} ${s.key}: ${s.columns.join(", ")}` : `- ${s.table} ${s.key}`,
  );
  return lines.length ? `${lines.join("\n")}\n` : "";
}
