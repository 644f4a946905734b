/**
 * A VPC's `spec.staticRoutes` and `spec.policyRoutes`, as Kube-OVN's VPC controller programs them
 * (pkg/apis/kubeovn/v1/vpc.go; pkg/controller/vpc.go `handleAddOrUpdateVpc`, `addStaticRouteToVpc`,
 * `addPolicyRouteToVpc`): each static route a `Logical_Router_Static_Route` on the VPC's router
 * (`ip_prefix` = `cidr`, `nexthop` = `nextHopIP`, `policy` `dst-ip` for `policyDst` and `src-ip`
 * for `policySrc`, `route_table` = `routeTable`), keyed as Kube-OVN keys them (route table, policy,
 * prefix, next hop), so several routes of one prefix with different next hops are OVN's ECMP
 * routes; each policy route a `Logical_Router_Policy` (`priority`, `match`, `action`, `nexthops` =
 * the comma-separated `nextHopIP` of a `reroute`, several next hops being ECMP), keyed by priority
 * and match. Both carry `external_ids:vendor=kube-ovn` as Kube-OVN's, plus `vpc=NAME` (the model's
 * addition, so a re-apply finds exactly the VPC's routes among the router's others).
 *
 * @module
 */
import type { NbPlan } from "../../ovn/controller/index.js";
import { ipFamily, ipPrefix, isIp } from "../../net/index.js";
import { bfdSessionRef } from "./bfd.js";
import { type PolicySpec, extOf, routerChildren, syncPolicies } from "./common.js";
import type { Fields } from "./fields.js";
import { externalRouterPortName } from "./nat.js";

/** `external_ids` key marking the routes and policies of a VPC's spec (the model's addition). */
export const VPC_ROUTE_MARK = "vpc";

/** One entry of `spec.staticRoutes`. */
export interface VpcStaticRoute {
  /** `policy`: `policyDst` (default) → `dst-ip`, `policySrc` → `src-ip`. */
  readonly policy: "dst-ip" | "src-ip";
  /** `cidr`: the prefix (as ovn-nbctl stores it: a full-length prefix as the bare address). */
  readonly cidr: string;
  /** `nextHopIP`. */
  readonly nextHop: string;
  /** `routeTable` (default: the main table, `""`). */
  readonly routeTable: string;
  /**
   * `ecmpMode`: `ecmp` (or absent) a plain route (several of one prefix are OVN's ECMP routes);
   * `ecmp_symmetric_reply` a route watched by BFD, as Kube-OVN's BFD ECMP routes: linked (`bfd`)
   * to the BFD session from the VPC's external port to the next hop (src/model/kinds/bfd.ts), with
   * `options:ecmp_symmetric_reply=true`.
   */
  readonly ecmpMode?: StaticRouteEcmpMode;
  /** `bfdId` as the manifest gives it (the UUID Kube-OVN writes back); only with `ecmpMode: ecmp_symmetric_reply`. */
  readonly bfdId?: string;
  /** The entry's index in `spec.staticRoutes` (for messages). */
  readonly index?: number;
}

/** `spec.staticRoutes[].ecmpMode` values (Kube-OVN's `EcmpRouteType`, `StaticRouteBfdEcmp`). */
export type StaticRouteEcmpMode = "ecmp" | "ecmp_symmetric_reply";

/** The route option Kube-OVN sets on a route with a BFD session (`util.StaticRouteBfdEcmp`). */
export const ECMP_SYMMETRIC_REPLY = "ecmp_symmetric_reply";

/** Whether a static route is watched by BFD (`ecmpMode: ecmp_symmetric_reply`). */
export function isBfdRoute(r: VpcStaticRoute): boolean {
  return r.ecmpMode === ECMP_SYMMETRIC_REPLY;
}

/** An OVSDB UUID as text. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One entry of `spec.policyRoutes`. */
export interface VpcPolicyRoute {
  /** `priority` (0..32767). */
  readonly priority: number;
  /** `match` (an OVN match expression). */
  readonly match: string;
  /** `action`. */
  readonly action: "allow" | "drop" | "reroute";
  /** The addresses of `nextHopIP` (a `reroute` only; several: ECMP). */
  readonly nextHops: readonly string[];
}

/** The routes of a VPC's spec. */
export interface VpcRoutes {
  /** `spec.staticRoutes`. */
  readonly staticRoutes: readonly VpcStaticRoute[];
  /** `spec.policyRoutes`. */
  readonly policyRoutes: readonly VpcPolicyRoute[];
}

/** The key Kube-OVN's `getStaticRouteItemKey` gives a static route. */
function staticKey(r: { readonly routeTable: string; readonly policy: string; readonly cidr: string; readonly nextHop: string }): string {
  return `${r.routeTable}:${r.policy}:${r.cidr}=>${r.nextHop}`;
}

/**
 * Reads `spec.staticRoutes` and `spec.policyRoutes` of a `Vpc` document, reporting each wrong
 * field at its path: a missing or malformed `cidr` (host bits set included) or `nextHopIP`, a next
 * hop of another IP family than its prefix, an unknown `policy` or `action`, a `priority` outside
 * 0..32767, `nextHopIP` missing on a `reroute` or given on another action, duplicate routes (same
 * table, policy, prefix and next hop) and duplicate policies (same priority and match), an
 * `ecmpMode` other than `ecmp` / `ecmp_symmetric_reply`, a `bfdId` that is not a UUID or is given
 * without `ecmpMode: ecmp_symmetric_reply`.
 */
export function readVpcRoutes(f: Fields): VpcRoutes {
  const staticRoutes: VpcStaticRoute[] = [];
  const seenStatic = new Map<string, number>();
  const sr = ["spec", "staticRoutes"];
  for (const [i] of (f.list(sr) ?? []).entries()) {
    const at = [...sr, String(i)];
    if (f.map(at) === undefined) continue;
    f.only(at, ["policy", "cidr", "nextHopIP", "routeTable", "ecmpMode", "bfdId"]);
    const policy = f.oneOf([...at, "policy"], ["policyDst", "policySrc"] as const) ?? "policyDst";
    const cidrText = f.str([...at, "cidr"], true);
    const hop = f.str([...at, "nextHopIP"], true);
    const routeTable = f.str([...at, "routeTable"]) ?? "";
    // ecmpMode: Kube-OVN's CRD has no omitempty here, so "" (a plain route) is read as absent; a wrong value is reported by oneOf.
    const ecmpMode = f.oneOf([...at, "ecmpMode"], ["ecmp", ECMP_SYMMETRIC_REPLY] as const);
    const ecmpBad = ecmpMode === undefined && f.has([...at, "ecmpMode"]) && f.doc.get([...at, "ecmpMode"]) !== "";
    const bfdId = f.str([...at, "bfdId"]);
    let bfdOk = !ecmpBad;
    if (bfdId !== undefined && !UUID_TEXT.test(bfdId)) {
      f.issue([...at, "bfdId"], { kind: "bad-value", value: bfdId, reason: "not a UUID (the BFD row Kube-OVN links the route to)" });
      bfdOk = false;
    } else if (bfdId !== undefined && !ecmpBad && ecmpMode !== ECMP_SYMMETRIC_REPLY) {
      f.issue([...at, "bfdId"], { kind: "bad-value", value: bfdId, reason: `a BFD session is linked only from a route with ecmpMode ${ECMP_SYMMETRIC_REPLY}` });
      bfdOk = false;
    }
    let cidr: string | undefined;
    if (cidrText !== undefined) {
      const p = ipPrefix(cidrText);
      const full = p ? (p.family === 4 ? 32 : 128) : 0;
      const bare = p && !cidrText.includes("/");
      if (!p) f.issue([...at, "cidr"], { kind: "bad-value", value: cidrText, reason: "not an IPv4 or IPv6 address or CIDR" });
      else if (!bare && cidrText.toLowerCase() !== `${p.network}/${p.length}`) f.issue([...at, "cidr"], { kind: "bad-value", value: cidrText, reason: `host bits set (the network is ${p.network}/${p.length})` });
      else cidr = p.length === full ? p.network : `${p.network}/${p.length}`;
    }
    if (hop !== undefined && !isIp(hop)) f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hop, reason: "not an IPv4 or IPv6 address" });
    else if (hop !== undefined && cidr !== undefined && ipFamily(hop) !== ipFamily(cidr)) f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hop, reason: `not of the IP family of cidr ${cidrText}` });
    if (cidr === undefined || hop === undefined || !isIp(hop) || ipFamily(hop) !== ipFamily(cidr) || !bfdOk) continue;
    const route: VpcStaticRoute = {
      policy: policy === "policySrc" ? "src-ip" : "dst-ip",
      cidr,
      nextHop: hop,
      routeTable,
      ...(ecmpMode ? { ecmpMode } : {}),
      ...(bfdId !== undefined ? { bfdId: bfdId.toLowerCase() } : {}),
      index: i,
    };
    const k = staticKey(route);
    const other = seenStatic.get(k);
    if (other !== undefined) {
      f.issue(at, { kind: "bad-value", value: `${cidrText} via ${hop}`, reason: `the same route as spec.staticRoutes.${other}` });
      continue;
    }
    seenStatic.set(k, i);
    staticRoutes.push(route);
  }

  const policyRoutes: VpcPolicyRoute[] = [];
  const seenPolicy = new Map<string, number>();
  const pr = ["spec", "policyRoutes"];
  for (const [i] of (f.list(pr) ?? []).entries()) {
    const at = [...pr, String(i)];
    if (f.map(at) === undefined) continue;
    f.only(at, ["priority", "match", "action", "nextHopIP"]);
    const priority = f.int([...at, "priority"], 0, 32767, true);
    const match = f.str([...at, "match"], true);
    const action = f.oneOf([...at, "action"], ["allow", "drop", "reroute"] as const);
    if (action === undefined && !f.has([...at, "action"])) f.issue([...at, "action"], { kind: "missing-field" });
    const hopText = f.str([...at, "nextHopIP"]);
    let nextHops: string[] = [];
    let hopsOk = true;
    if (action === "reroute") {
      if (hopText === undefined) {
        f.issue([...at, "nextHopIP"], { kind: "missing-field" });
        hopsOk = false;
      } else {
        nextHops = hopText.split(",").map((h) => h.trim()).filter((h) => h !== "");
        const bad = nextHops.find((h) => !isIp(h));
        if (nextHops.length === 0 || bad !== undefined) {
          f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hopText, reason: `${bad ?? "(none)"} is not an IPv4 or IPv6 address (a reroute takes comma-separated next hops)` });
          hopsOk = false;
        } else if (new Set(nextHops.map((h) => ipFamily(h))).size > 1) {
          f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hopText, reason: "next hops of both IP families" });
          hopsOk = false;
        } else if (new Set(nextHops).size !== nextHops.length) {
          f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hopText, reason: "a next hop listed twice" });
          hopsOk = false;
        }
      }
    } else if (hopText !== undefined && action !== undefined) {
      f.issue([...at, "nextHopIP"], { kind: "bad-value", value: hopText, reason: `only a reroute has next hops (action is ${action})` });
      hopsOk = false;
    }
    if (priority === undefined || match === undefined || action === undefined || !hopsOk) continue;
    const k = `${priority}\u0000${match}`;
    const other = seenPolicy.get(k);
    if (other !== undefined) {
      f.issue(at, { kind: "bad-value", value: `${priority} ${match}`, reason: `the same priority and match as spec.policyRoutes.${other}` });
      continue;
    }
    seenPolicy.set(k, i);
    policyRoutes.push({ priority, match, action, nextHops: [...nextHops].sort() });
  }
  return { staticRoutes, policyRoutes };
}

/** The policies of a VPC's `spec.policyRoutes`, as the router-policy sync of src/model/kinds/common.ts takes them. */
export function vpcPolicySpecs(vpc: string, routes: VpcRoutes | undefined): PolicySpec[] {
  return (routes?.policyRoutes ?? []).map((r) => ({
    priority: r.priority,
    match: r.match,
    action: r.action,
    ...(r.nextHops.length ? { nexthops: r.nextHops } : {}),
    external_ids: { [VPC_ROUTE_MARK]: vpc },
  }));
}

/**
 * Makes the static routes and policies of router `vpc` marked `vpc=NAME` exactly those of its
 * spec (`routes` undefined or empty: none): routes no longer listed are removed, new ones created.
 * A route with `ecmpMode: ecmp_symmetric_reply` is linked (`bfd`) to the BFD session from the
 * VPC's external port to its next hop (made here when the plan has none yet) and gets
 * `options:ecmp_symmetric_reply=true`, as Kube-OVN's `newLogicalRouterStaticRoute` writes it; a
 * plain route has neither (on a schema with the `bfd` and `options` columns).
 */
export function buildVpcRoutes(p: NbPlan, vpc: string, routes: VpcRoutes | undefined): void {
  const want = routes?.staticRoutes ?? [];
  const keys = new Set(want.map(staticKey));
  for (const row of routerChildren(p, vpc, "static_routes", "Logical_Router_Static_Route")) {
    if (extOf(row).get(VPC_ROUTE_MARK) !== vpc) continue;
    const policy = (Array.isArray(row["policy"]) ? (row["policy"] as string[])[0] : (row["policy"] as string | undefined)) ?? "dst-ip";
    const k = staticKey({ routeTable: (row["route_table"] as string | undefined) ?? "", policy, cidr: row["ip_prefix"] as string, nextHop: row["nexthop"] as string });
    if (!keys.has(k)) p.remove("Logical_Router_Static_Route", row);
  }
  const columns = p.db.table("Logical_Router_Static_Route").columns;
  for (const r of want) {
    const bfd = isBfdRoute(r)
      ? { bfd: bfdSessionRef(p, vpc, externalRouterPortName(vpc), r.nextHop), options: { [ECMP_SYMMETRIC_REPLY]: "true" } }
      : { ...(columns.has("bfd") ? { bfd: [] } : {}), ...(columns.has("options") ? { options: {} } : {}) };
    p.ensureStaticRoute(vpc, { ip_prefix: r.cidr, nexthop: r.nextHop, policy: r.policy, route_table: r.routeTable, ...bfd, external_ids: { [VPC_ROUTE_MARK]: vpc } } as unknown as Parameters<NbPlan["ensureStaticRoute"]>[1]);
  }
  syncPolicies(p, vpc, [VPC_ROUTE_MARK, vpc], () => true, vpcPolicySpecs(vpc, routes));
}

/** The number of routes and policies of a VPC's spec (for the planner's transaction budget). */
export function vpcRouteCount(routes: VpcRoutes | undefined): number {
  return (routes?.staticRoutes.length ?? 0) + (routes?.policyRoutes.length ?? 0);
}
