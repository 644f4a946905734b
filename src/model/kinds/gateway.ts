/**
 * A subnet's routing on the default VPC's router as Kube-OVN's subnet and VPC controllers make it
 * (pkg/controller/subnet.go `addCommonRoutesForSubnet`, `addPolicyRouteForCentralizedSubnet`;
 * vpc.go): every subnet joined to `ovn-cluster` gets the policy `ip4.dst == CIDR` `allow` at
 * priority 31000 (`external_ids` `vendor`, `subnet`); a centralized subnet gets
 * `ip4.src == CIDR` `reroute` to its gateway nodes' join IPs at 29000 (`external_ids` `subnet` and
 * `NODE=JOIN-IP`; gateway nodes from `gatewayNode` or `gatewayNodeSelectors`, ready ones only:
 * the active one in active-standby, failing over to the next ready one, or all of them with
 * `enableEcmp`, reconcileDefaultCentralizedSubnetRouteInDefaultVpc / reconcileEcmpCentralizedSubnetRouteInDefaultVpc); the join subnet gives the router its default route (`0.0.0.0/0` and `::/0`,
 * `dst-ip`, via the join gateway). A distributed subnet's per-node policies are the nodes'
 * (src/model/kinds/node.ts). `natOutgoing` has no OVN rows in the default VPC: Kube-OVN's nodes
 * masquerade with iptables the traffic these policies send them.
 *
 * @module
 */
import type { ControlledDb, NbPlan } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import { DEFAULT_VPC, EXTERNAL_IDS, NODE_SWITCH } from "../naming.js";
import type { ResolvedModel, ResolvedSubnet } from "../resolve.js";
import type { ManifestProblem } from "../errors.js";
import type { SubnetObject } from "../types.js";
import { type PolicySpec, type PruneTarget, extOf, ownedByExternalId, routerChildren, syncPolicies } from "./common.js";
import { type NodeObject, POLICY_PRIORITY } from "./node.js";
import { selectorMatches, selectorText } from "./selector.js";
import { buildLocalnet } from "./underlay.js";
import { VPC_ROUTE_MARK } from "./vpc-routes.js";

/**
 * The gateway nodes of a centralized subnet, as Kube-OVN's `getGatewayNodes` lists them: the
 * comma-separated `spec.gatewayNode` names in order, or else the nodes any of
 * `spec.gatewayNodeSelectors` matches (by name: Kube-OVN's order is a map's). Reports a name that
 * is no `Node` and a selector that matches none.
 */
export function resolveGatewayNodes(s: SubnetObject, nodes: readonly NodeObject[], issue: (field: string, p: ManifestProblem) => void): string[] {
  const names = new Set(nodes.map((n) => n.name));
  if (s.gatewayNode !== "") {
    // `NODE:EGRESS-IP` entries name NODE (Kube-OVN's getGatewayNodes drops the egress IP, a node-side setting).
    const out = s.gatewayNode.split(",").map((x) => x.split(":")[0]!.trim()).filter((x) => x !== "");
    for (const g of out) if (!names.has(g)) issue("spec.gatewayNode", { kind: "unknown-reference", refKind: "Node", name: g });
    return out;
  }
  const out = new Set<string>();
  (s.gatewayNodeSelectors ?? []).forEach((sel, i) => {
    const hit = nodes.filter((n) => selectorMatches(sel, n.labels));
    if (hit.length === 0) issue(`spec.gatewayNodeSelectors.${i}`, { kind: "selector-matches-nothing", selector: selectorText(sel), what: "nodes" });
    for (const n of hit) out.add(n.name);
  });
  return [...out].sort();
}

/** The reroute policies (priority 29000, `ip4.src == CIDR`) a centralized subnet has on the default VPC's router, as specs. */
function currentReroutes(p: NbPlan, subnet: string): PolicySpec[] {
  return ownedByExternalId(p, "Logical_Router_Policy", "subnet", subnet)
    .filter((r) => r["priority"] === POLICY_PRIORITY.gatewayRouter && r["action"] === "reroute" && !extOf(r).has("node"))
    .map((r) => ({
      priority: POLICY_PRIORITY.gatewayRouter,
      match: r["match"] as string,
      action: "reroute" as const,
      nexthops: [...((r["nexthops"] as string[] | undefined) ?? [])].sort(),
      external_ids: Object.fromEntries([...extOf(r)].filter(([k]) => k !== EXTERNAL_IDS.vendor)),
    }));
}

/**
 * The policies of a subnet on the default VPC's router. A centralized subnet reroutes its
 * traffic to gateway nodes' join IPs, only ready nodes counting (Kube-OVN's `nodeReady`):
 * active-standby (the default) to one node, the one already active (`current`, read from its
 * policy's `external_ids`) while it stays a ready gateway, else the first ready one in order
 * (failover); ECMP (`enableEcmp`) to every ready gateway. With no ready gateway of a family its
 * policy is left as it is (`current` policies; Kube-OVN reports `NoActiveGatewayFound` and
 * keeps them).
 */
export function subnetPolicies(model: ResolvedModel, s: ResolvedSubnet, current: readonly PolicySpec[] = []): PolicySpec[] {
  if (s.vpc !== DEFAULT_VPC || !s.routed) return [];
  const out: PolicySpec[] = [];
  const name = s.object.name;
  for (const cidr of s.cidrs) {
    const fam = cidr.includes(":") ? 6 : 4;
    out.push({ priority: POLICY_PRIORITY.subnetRouter, match: `ip${fam}.dst == ${cidr}`, action: "allow", external_ids: { subnet: name } });
  }
  if (s.object.gatewayType === "centralized" && s.object.name !== NODE_SWITCH) {
    const byName = new Map((model.nodes ?? []).map((n) => [n.object.name, n]));
    const ready = (s.gatewayNodes ?? []).map((g) => byName.get(g)).filter((n) => n !== undefined && n.object.ready !== false);
    for (const cidr of s.cidrs) {
      const fam = cidr.includes(":") ? 6 : 4;
      const match = `ip${fam}.src == ${cidr}`;
      const withIp = ready.filter((n) => n!.joinIps.some((ip) => ipFamily(ip) === fam));
      let gws = withIp;
      if (!s.object.enableEcmp) {
        // Active-standby: keep the active gateway while it is ready, else fail over to the first ready one.
        const cur = current.find((c) => c.match === match);
        const active = cur ? withIp.find((n) => cur.external_ids[n!.object.name] !== undefined) : undefined;
        gws = [active ?? withIp[0]].filter((n) => n !== undefined);
      }
      const hops = gws.map((gw) => [gw!.object.name, gw!.joinIps.find((ip) => ipFamily(ip) === fam)!] as const);
      if (hops.length === 0) {
        out.push(...current.filter((c) => c.match === match));
        continue;
      }
      out.push({ priority: POLICY_PRIORITY.gatewayRouter, match, action: "reroute", nexthops: hops.map(([, ip]) => ip), external_ids: { subnet: name, ...Object.fromEntries(hops) } });
    }
  }
  return out;
}

/**
 * The default routes the join subnet gives the default VPC's router: one per gateway family in
 * the main table and in every route table of the default VPC's own `staticRoutes` (as Kube-OVN's
 * `handleAddOrUpdateVpc` adds them per table of `getRouteTablesByVpc`).
 */
function defaultRoutes(model: ResolvedModel, s: ResolvedSubnet): { ip_prefix: string; nexthop: string; route_table: string }[] {
  if (s.object.name !== NODE_SWITCH || s.vpc !== DEFAULT_VPC || !s.routed) return [];
  const tables = [...new Set(["", ...(model.vpcObjects.get(DEFAULT_VPC)?.routes?.staticRoutes ?? []).map((r) => r.routeTable)])];
  return tables.flatMap((route_table) => s.gateways.map((g) => ({ ip_prefix: ipFamily(g) === 6 ? "::/0" : "0.0.0.0/0", nexthop: g, route_table })));
}

function isDefaultRoute(row: { readonly [k: string]: unknown }): boolean {
  return (row["ip_prefix"] === "0.0.0.0/0" || row["ip_prefix"] === "::/0") && !extOf(row as never).has("subnet") && !extOf(row as never).has(VPC_ROUTE_MARK);
}

/** Adds a subnet's localnet port, router policies and (the join subnet) default routes to a plan. */
export function buildSubnetRouting(p: NbPlan, model: ResolvedModel, s: ResolvedSubnet): void {
  buildLocalnet(p, s);
  if (s.vpc !== DEFAULT_VPC) return;
  const name = s.object.name;
  const current = s.object.gatewayType === "centralized" ? currentReroutes(p, name) : [];
  // The U2O policies (isU2ORoutePolicy) are the subnet's too: src/model/kinds/subnet-u2o.ts syncs them.
  syncPolicies(p, DEFAULT_VPC, ["subnet", name], (ext) => !ext.has("node") && !ext.has("isU2ORoutePolicy"), subnetPolicies(model, s, current));
  const routes = defaultRoutes(model, s);
  if (s.object.name !== NODE_SWITCH) return;
  const want = new Set(routes.map((r) => `${r.route_table}\u0000${r.ip_prefix}\u0000${r.nexthop}`));
  for (const row of routerChildren(p, DEFAULT_VPC, "static_routes", "Logical_Router_Static_Route")) {
    if (isDefaultRoute(row) && !want.has(`${(row["route_table"] as string | undefined) ?? ""}\u0000${row["ip_prefix"] as string}\u0000${row["nexthop"] as string}`)) p.remove("Logical_Router_Static_Route", row);
  }
  for (const r of routes) p.ensureStaticRoute(DEFAULT_VPC, { ip_prefix: r.ip_prefix, nexthop: r.nexthop, policy: "dst-ip", route_table: r.route_table } as Parameters<NbPlan["ensureStaticRoute"]>[1]);
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
