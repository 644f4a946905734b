/**
 * A subnet's routing on the default VPC's router as Kube-OVN's subnet and VPC controllers make it
 * (pkg/controller/subnet.go `addCommonRoutesForSubnet`, `addPolicyRouteForCentralizedSubnet`;
 * vpc.go): every subnet joined to `ovn-cluster` gets the policy `ip4.dst == CIDR` `allow` at
 * priority 31000 (`external_ids` `vendor`, `subnet`); a centralized subnet gets
 * `ip4.src == CIDR` `reroute` to its gateway node's join IP at 29000 (`external_ids` `subnet` and
 * `NODE=JOIN-IP`); the join subnet gives the router its default route (`0.0.0.0/0` and `::/0`,
 * `dst-ip`, via the join gateway). A distributed subnet's per-node policies are the nodes'
 * (src/model/kinds/node.ts). `natOutgoing` has no OVN rows in the default VPC: Kube-OVN's nodes
 * masquerade with iptables the traffic these policies send them.
 *
 * @module
 */
import type { ControlledDb, NbPlan } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import { DEFAULT_VPC, NODE_SWITCH } from "../naming.js";
import type { ResolvedModel, ResolvedSubnet } from "../resolve.js";
import { type PolicySpec, type PruneTarget, extOf, routerChildren, syncPolicies } from "./common.js";
import { POLICY_PRIORITY } from "./node.js";
import { buildLocalnet } from "./underlay.js";
import { VPC_ROUTE_MARK } from "./vpc-routes.js";

/** The policies of a subnet on the default VPC's router. */
export function subnetPolicies(model: ResolvedModel, s: ResolvedSubnet): PolicySpec[] {
  if (s.vpc !== DEFAULT_VPC || !s.routed) return [];
  const out: PolicySpec[] = [];
  const name = s.object.name;
  for (const cidr of s.cidrs) {
    const fam = cidr.includes(":") ? 6 : 4;
    out.push({ priority: POLICY_PRIORITY.subnetRouter, match: `ip${fam}.dst == ${cidr}`, action: "allow", external_ids: { subnet: name } });
  }
  if (s.object.gatewayType === "centralized" && s.object.name !== NODE_SWITCH) {
    // Active-standby (Kube-OVN's default): the first gateway node; ECMP (`enableEcmp`, reconcileEcmpCentralizedSubnetRouteInDefaultVpc): every one.
    const names = s.object.enableEcmp ? (s.gatewayNodes ?? []) : (s.gatewayNodes ?? []).slice(0, 1);
    const gws = names.map((g) => (model.nodes ?? []).find((n) => n.object.name === g)).filter((n) => n !== undefined);
    for (const cidr of s.cidrs) {
      const fam = cidr.includes(":") ? 6 : 4;
      const hops = gws.flatMap((gw) => gw.joinIps.filter((ip) => ipFamily(ip) === fam).map((ip) => [gw.object.name, ip] as const));
      if (hops.length === 0) continue;
      out.push({ priority: POLICY_PRIORITY.gatewayRouter, match: `ip${fam}.src == ${cidr}`, action: "reroute", nexthops: hops.map(([, ip]) => ip), external_ids: { subnet: name, ...Object.fromEntries(hops) } });
    }
  }
  return out;
}

/** The default routes the join subnet gives the default VPC's router. */
function defaultRoutes(s: ResolvedSubnet): { ip_prefix: string; nexthop: string }[] {
  if (s.object.name !== NODE_SWITCH || s.vpc !== DEFAULT_VPC || !s.routed) return [];
  return s.gateways.map((g) => ({ ip_prefix: ipFamily(g) === 6 ? "::/0" : "0.0.0.0/0", nexthop: g }));
}

function isDefaultRoute(row: { readonly [k: string]: unknown }): boolean {
  return (row["ip_prefix"] === "0.0.0.0/0" || row["ip_prefix"] === "::/0") && !extOf(row as never).has("subnet") && !extOf(row as never).has(VPC_ROUTE_MARK);
}

/** Adds a subnet's localnet port, router policies and (the join subnet) default routes to a plan. */
export function buildSubnetRouting(p: NbPlan, model: ResolvedModel, s: ResolvedSubnet): void {
  buildLocalnet(p, s);
  if (s.vpc !== DEFAULT_VPC) return;
  const name = s.object.name;
  syncPolicies(p, DEFAULT_VPC, ["subnet", name], (ext) => !ext.has("node"), subnetPolicies(model, s));
  const routes = defaultRoutes(s);
  if (s.object.name !== NODE_SWITCH) return;
  const want = new Set(routes.map((r) => `${r.ip_prefix}\u0000${r.nexthop}`));
  for (const row of routerChildren(p, DEFAULT_VPC, "static_routes", "Logical_Router_Static_Route")) {
    if (isDefaultRoute(row) && !want.has(`${row["ip_prefix"] as string}\u0000${row["nexthop"] as string}`)) p.remove("Logical_Router_Static_Route", row);
  }
  for (const r of routes) p.ensureStaticRoute(DEFAULT_VPC, { ip_prefix: r.ip_prefix, nexthop: r.nexthop, policy: "dst-ip" } as Parameters<NbPlan["ensureStaticRoute"]>[1]);
}

/** Policies of subnets absent from the model, and the default routes when the join subnet is gone (`--prune`). */
export function gatewayPruneTargets(db: ControlledDb, model: ResolvedModel): PruneTarget[] {
  const live = new Set(model.subnets.map((s) => s.object.name));
  const out: PruneTarget[] = [];
  for (const row of db.owned("Logical_Router_Policy")) {
    const e = extOf(row);
    const sub = e.get("subnet");
    if (sub !== undefined && !e.has("node") && !live.has(sub)) out.push({ table: "Logical_Router_Policy", row, ref: `subnet/${sub}` });
  }
  if (!model.subnets.some((s) => s.object.name === NODE_SWITCH && s.vpc === DEFAULT_VPC)) {
    for (const row of db.owned("Logical_Router_Static_Route")) if (isDefaultRoute(row)) out.push({ table: "Logical_Router_Static_Route", row, ref: `subnet/${NODE_SWITCH}` });
  }
  return out;
}
