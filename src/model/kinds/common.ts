/**
 * What the kinds of src/model/kinds share with the planner: a unit of work (one object's
 * controller calls), and "set exactly" helpers for router children (policies, NAT rules) that
 * Kube-OVN marks with `external_ids` rather than an owner key.
 *
 * @module
 */
import { MissingReferenceError, type NbController, type NbPlan, type PlanStep, onlyKeys } from "../../ovn/controller/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import type { ObjectAction } from "../planner.js";

/** A unit of work: one object's calls, its estimated operation count and its primary row (`["", ""]`: none). */
export interface ModelUnit {
  /** The object, as the CLI prints it (`node/node1`). */
  readonly ref: string;
  /** Estimated operations (for the transaction budget). */
  readonly weight: number;
  /** The row whose creation makes the object `created`. */
  readonly primary: readonly [table: string, name: string];
  /** Adds the object's calls to a plan (the steps it makes are the object's). */
  readonly build: (p: NbPlan) => void;
  /**
   * The object's action, from the replica before anything is sent (for objects sharing rows with
   * others, e.g. a service's VIPs on its VPC's load balancers); by default, from its steps.
   */
  readonly outcome?: (ctl: NbController) => ObjectAction;
  /**
   * Which steps other units make are this object's too (read from the replica before anything is
   * sent), e.g. a load balancer its VPC creates with the service's VIPs.
   */
  readonly attribution?: (ctl: NbController) => (s: PlanStep) => boolean;
  /** The only table whose steps {@link ModelUnit.attribution} may claim (the planner asks it about no other step); any table when absent. */
  readonly attributionTable?: string;
  /**
   * Throws (`OvnFeatureUnavailableError`) when the server's NB schema lacks what the object
   * writes: called for every unit before anything is sent, so nothing is half-applied.
   */
  readonly requires?: (ctl: NbController) => void;
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

/**
 * The `external_ids` key of the policies of a U2O subnet with `enableLb: false`
 * (src/model/kinds/u2o-routing.ts syncs them; the subnet's other U2O policies and the nodes'
 * policies, which share the `subnet` and `node` keys with them, leave them alone).
 */
export const U2O_NO_LB_KEY = "isU2ONoLBRoutePolicy";

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

/** The owned rows of `table` whose `external_ids[key]` is `value` and that the plan does not delete (from a replica index on that key: no scan per object). */
export function ownedByExternalId(p: NbPlan, table: string, key: string, value: string): readonly Row[] {
  const rows = p.db.ownedByExternalId(table, key, value);
  return rows.some((r) => p.isDeleted(r["_uuid"] as string)) ? rows.filter((r) => !p.isDeleted(r["_uuid"] as string)) : rows;
}

/** The owned router `name` (a replica row) or the reference of the one this plan creates. */
function routerRef(p: NbPlan, name: string): Row | string {
  const lr = p.db.allByName("Logical_Router", name).find((r) => p.db.owns(r));
  if (lr) return lr;
  const pending = p.pending("Logical_Router", name);
  if (pending === undefined) throw new MissingReferenceError("Logical_Router", name, "Logical_Router_Policy");
  return pending;
}

/**
 * Makes the owned policies of `router` marked `external_ids[marker[0]] = marker[1]` (and accepted
 * by `mine`) exactly `want`: matched by priority and match (as Kube-OVN keys them) and changed in
 * place, created, or removed. Reads an index built once per plan, so thousands of objects each
 * with a few policies on one router cost no scan of the router's policies per object.
 */
export function syncPolicies(p: NbPlan, router: string, marker: readonly [key: string, value: string], mine: (ext: ReadonlyMap<string, string>) => boolean, want: readonly PolicySpec[]): void {
  const key = (priority: number, match: string) => `${priority}\u0000${match}`;
  const have = new Map<string, Row>();
  const marked = ownedByExternalId(p, "Logical_Router_Policy", marker[0], marker[1]);
  for (const row of marked) {
    if (!mine(extOf(row))) continue;
    const k = key(row["priority"] as number, row["match"] as string);
    if (have.has(k)) p.remove("Logical_Router_Policy", row);
    else have.set(k, row);
  }
  const wanted = new Set(want.map((w) => key(w.priority, w.match)));
  for (const [k, row] of have) if (!wanted.has(k)) p.remove("Logical_Router_Policy", row);
  let lr: Row | string | undefined;
  for (const w of want) {
    const spec = { priority: w.priority, match: w.match, action: w.action, nexthops: [...(w.nexthops ?? [])], external_ids: w.external_ids };
    const row = have.get(key(w.priority, w.match));
    if (row) {
      // external_ids exactly: keys the policy no longer has go (e.g. a reroute's former next hop node).
      let stale: string[] | undefined;
      for (const k of extOf(row).keys()) if (k !== p.db.identity.vendorKey && !(k in w.external_ids)) (stale ??= []).push(k);
      p.change("Logical_Router_Policy", row, stale ? { ...spec, external_ids: onlyKeys({ ...Object.fromEntries(stale.map((k) => [k, undefined])), ...w.external_ids }) } : spec);
      continue;
    }
    lr ??= routerRef(p, router);
    const ref = p.create("Logical_Router_Policy", `${router}:${key(w.priority, w.match)}`, spec, { display: `${router} priority=${w.priority},match=${JSON.stringify(w.match)}` });
    // Another writer adding the same policy meanwhile adds a row with this marker: fail and rebuild.
    // (The marker's rows are pinned, not the router's whole set, which grows with every node.)
    if (typeof lr !== "string") guardMarkedPolicies(p, marker, marked);
    p.link("Logical_Router", lr, "policies", ref);
  }
}

/**
 * Pins the owned policies marked `external_ids[marker[0]] = marker[1]` (on any router) to `rows`,
 * the ones the replica holds, by priority and match: a policy with the marker created, deleted or
 * re-keyed by another writer meanwhile fails the transaction.
 */
function guardMarkedPolicies(p: NbPlan, marker: readonly [key: string, value: string], rows: readonly Row[]): void {
  const { vendorKey, vendor } = p.db.identity;
  p.guardMatching(
    `policies\u0000${marker[0]}\u0000${marker[1]}`,
    "Logical_Router_Policy",
    [["external_ids", "includes", new Map([[vendorKey, vendor], [marker[0], marker[1]]])]],
    ["priority", "match"],
    rows.map((r) => ({ priority: r["priority"] as number, match: r["match"] as string })),
  );
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
