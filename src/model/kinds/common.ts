/**
 * What the kinds of src/model/kinds share with the planner: a unit of work (one object's
 * controller calls), and "set exactly" helpers for router children (policies, NAT rules) that
 * Kube-OVN marks with `external_ids` rather than an owner key.
 *
 * @module
 */
import type { NbPlan, PlanStep } from "../../ovn/controller/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";

/** A unit of work: one object's calls, its estimated operation count and its primary row (`["", ""]`: none). */
export interface ModelUnit {
  /** The object, as the CLI prints it (`node/node1`). */
  readonly ref: string;
  /** Estimated operations (for the transaction budget). */
  readonly weight: number;
  /** The row whose creation makes the object `created`. */
  readonly primary: readonly [table: string, name: string];
  /** Adds the object's calls to a plan. */
  readonly build: (p: NbPlan) => void;
}

/** A row `--prune` deletes, with the object it is reported under. */
export interface PruneTarget {
  /** The table. */
  readonly table: string;
  /** The row. */
  readonly row: Row;
  /** The object (`node/node1`). */
  readonly ref: string;
}

/** The steps a plan builder has recorded so far (its private list, read to attribute steps to the unit that made them). */
export function stepCount(p: NbPlan): number {
  return (p as unknown as { readonly steps: readonly PlanStep[] }).steps.length;
}

/** `external_ids` of a row as a map. */
export function extOf(row: Row): ReadonlyMap<string, string> {
  return (row["external_ids"] as ReadonlyMap<string, string> | undefined) ?? new Map();
}

/** One policy of a router as Kube-OVN's `addPolicyRouteToVpc` makes it. */
export interface PolicySpec {
  /** Priority. */
  readonly priority: number;
  /** Match. */
  readonly match: string;
  /** `allow`, `reroute` or `drop`. */
  readonly action: "allow" | "reroute" | "drop";
  /** Next hops (reroute). */
  readonly nexthops?: readonly string[];
  /** `external_ids` (besides `vendor`). */
  readonly external_ids: Readonly<Record<string, string>>;
}

/** The owned rows of `column` (`policies`, `nat`) of router `router` in the replica. */
export function routerChildren(p: NbPlan, router: string, column: string, table: string): Row[] {
  const lr = p.db.allByName("Logical_Router", router).find((r) => p.db.owns(r));
  if (!lr) return [];
  const v = lr[column];
  const ids = Array.isArray(v) ? (v as string[]) : [];
  const out: Row[] = [];
  for (const id of ids) {
    const r = p.db.get(table, id);
    if (r && p.db.owns(r)) out.push(r);
  }
  return out;
}

/**
 * Makes the owned policies of `router` that `mine` selects exactly `want`: each ensured (keyed by
 * priority and match, as Kube-OVN keys them), the other selected ones removed.
 */
export function syncPolicies(p: NbPlan, router: string, mine: (ext: ReadonlyMap<string, string>) => boolean, want: readonly PolicySpec[]): void {
  const keys = new Set(want.map((w) => `${w.priority}\u0000${w.match}`));
  for (const row of routerChildren(p, router, "policies", "Logical_Router_Policy")) {
    if (!mine(extOf(row))) continue;
    if (!keys.has(`${row["priority"] as number}\u0000${row["match"] as string}`)) p.remove("Logical_Router_Policy", row);
  }
  for (const w of want) {
    p.ensurePolicy(router, { priority: w.priority, match: w.match, action: w.action, nexthops: [...(w.nexthops ?? [])], external_ids: w.external_ids } as Parameters<NbPlan["ensurePolicy"]>[1]);
  }
}

/** One NAT rule of a router (ovn-nb(5) `NAT`). */
export interface NatSpec {
  /** `snat` or `dnat_and_snat`. */
  readonly type: "snat" | "dnat_and_snat";
  /** The external IP. */
  readonly external_ip: string;
  /** The logical IP or CIDR. */
  readonly logical_ip: string;
  /** `external_mac` (a distributed FIP). */
  readonly external_mac?: string;
  /** `logical_port` (a distributed FIP). */
  readonly logical_port?: string;
  /** `options`. */
  readonly options?: Readonly<Record<string, string>>;
  /** `external_ids` (besides `vendor`). */
  readonly external_ids: Readonly<Record<string, string>>;
}

/** The key ovn-nbctl and Kube-OVN give a NAT rule: `snat` by logical IP, the others by external IP. */
export function natKey(type: string, externalIp: string, logicalIp: string): string {
  return type === "snat" ? `snat\u0000${logicalIp}` : `${type}\u0000${externalIp}`;
}

/** Makes the owned NAT rules of `router` that `mine` selects exactly `want` (keyed as {@link natKey}). */
export function syncNats(p: NbPlan, router: string, mine: (ext: ReadonlyMap<string, string>) => boolean, want: readonly NatSpec[]): void {
  const keys = new Set(want.map((w) => natKey(w.type, w.external_ip, w.logical_ip)));
  for (const row of routerChildren(p, router, "nat", "NAT")) {
    if (!mine(extOf(row))) continue;
    if (!keys.has(natKey(row["type"] as string, row["external_ip"] as string, row["logical_ip"] as string))) p.remove("NAT", row);
  }
  for (const w of want) {
    p.ensureNat(router, {
      type: w.type,
      external_ip: w.external_ip,
      logical_ip: w.logical_ip,
      external_mac: w.external_mac !== undefined ? [w.external_mac] : [],
      logical_port: w.logical_port !== undefined ? [w.logical_port] : [],
      options: w.options ?? {},
      external_ids: w.external_ids,
    } as unknown as Parameters<NbPlan["ensureNat"]>[1]);
  }
}
