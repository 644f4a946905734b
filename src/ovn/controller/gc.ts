/**
 * Garbage collection by mark and sweep, as Kube-OVN's `pkg/controller/gc.go` does it: the rows
 * of a table that carry the controller's identity and are absent from the desired state are
 * deleted; rows without the identity are never listed, so never touched. For tables given
 * `twoPass` (ports: a pod may exist before its port is claimed), a row is deleted only when it
 * was unclaimed on two consecutive sweeps. Also: the Southbound `Chassis` clean-up for nodes
 * that are gone.
 *
 * @module
 */
import type { Row } from "../../ovsdb/schema/datum.js";
import type { PlanBuilder } from "./plan.js";

/** What one table's sweep considers. */
export interface SweepSpec {
  /** The table swept. */
  readonly table: string;
  /**
   * True when the row is part of the desired state (kept). Gets every owned row of the table.
   * Typically `(row) => desired.has(row.name)`.
   */
  readonly keep: (row: Row) => boolean;
  /**
   * Delete a row only when it was unclaimed on this sweep and the previous one (Kube-OVN's
   * safety for logical switch ports).
   * @default false
   */
  readonly twoPass?: boolean;
  /** Further limits which owned rows are considered (e.g. one owner key); default all owned rows. */
  readonly filter?: (row: Row) => boolean;
}

/** What one sweep of one table did. */
export interface SweepResult {
  /** The table. */
  readonly table: string;
  /** Rows added to the plan's deletes. */
  readonly deleted: readonly Row[];
  /** Rows unclaimed for the first time (two-pass tables): deleted by the next sweep if still unclaimed. */
  readonly marked: readonly Row[];
}

/**
 * Mark-and-sweep state of one controller: remembers, per two-pass table, which rows were
 * unclaimed on the previous sweep. Keep one per controller and sweep periodically.
 */
export class Sweeper {
  private readonly lastUnclaimed = new Map<string, Set<string>>();

  /**
   * Adds to `plan` the deletion of every owned row of `spec.table` that `spec.keep` rejects
   * (two-pass tables: only those already unclaimed on the previous sweep). Sends nothing.
   */
  sweep(plan: PlanBuilder, spec: SweepSpec): SweepResult {
    const deleted: Row[] = [];
    const marked: Row[] = [];
    const prev = this.lastUnclaimed.get(spec.table);
    const now = new Set<string>();
    for (const row of plan.db.owned(spec.table)) {
      if (spec.filter && !spec.filter(row)) continue;
      if (spec.keep(row)) continue;
      const uuid = row["_uuid"] as string;
      if (spec.twoPass && !prev?.has(uuid)) {
        now.add(uuid);
        marked.push(row);
        continue;
      }
      plan.remove(spec.table, row);
      deleted.push(row);
    }
    if (spec.twoPass) this.lastUnclaimed.set(spec.table, now);
    return { table: spec.table, deleted, marked };
  }

  /** Forgets the marks of a table (or of every table). */
  reset(table?: string): void {
    if (table === undefined) this.lastUnclaimed.clear();
    else this.lastUnclaimed.delete(table);
  }
}

/** Options of {@link sweepChassis}. */
export interface ChassisSweepOptions {
  /**
   * The `external_ids` key of a Southbound `Chassis` that names its node (Kube-OVN: `node`);
   * chassis without it are matched by `hostname`.
   * @default "node"
   */
  readonly nodeKey?: string;
}

/**
 * Adds to a Southbound plan the deletion of every `Chassis` carrying the controller's identity
 * whose node is not in `liveNodes`, with its `Chassis_Private` (same name), as Kube-OVN's
 * `gcChassis` does. Chassis without the identity are never touched. Returns the chassis deleted.
 */
export function sweepChassis(plan: PlanBuilder, liveNodes: ReadonlySet<string>, options: ChassisSweepOptions = {}): Row[] {
  const key = options.nodeKey ?? "node";
  const out: Row[] = [];
  for (const ch of plan.db.owned("Chassis")) {
    const ext = ch["external_ids"] as ReadonlyMap<string, string>;
    const node = ext.get(key) ?? (ch["hostname"] as string);
    if (liveNodes.has(node)) continue;
    plan.remove("Chassis", ch);
    if (plan.db.has("Chassis_Private")) {
      for (const p of plan.db.allByName("Chassis_Private", ch["name"] as string)) plan.remove("Chassis_Private", p, { foreign: true });
    }
    out.push(ch);
  }
  return out;
}
