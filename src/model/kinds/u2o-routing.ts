/**
 * The parts of U2O interconnection that reach beyond one subnet, as Kube-OVN's subnet controller
 * makes them (pkg/controller/subnet.go at 1533681):
 *
 * - per VPC, the address sets `VPC.u2o_overlay_cidrs.ip4` and `.ip6` (dashes as dots) of its
 *   overlay subnets' CIDRs (`syncU2OOverlayCIDRsAddressSet`: every subnet without `vlan`, `join`
 *   included), `external_ids` `isU2OOverlayCIDRs=true`, `vpc`. Kube-OVN syncs them whenever an
 *   overlay subnet of the VPC is added, changed or deleted, and for a U2O subnet with
 *   `u2oFeatures.overlayOnlyRouting`, whose 29400 policy matches them; it never deletes them
 *   (the last overlay subnet gone, they stay, empty). The model writes them with its VPC (`vpc/NAME`)
 *   and `--prune` deletes them with the VPC.
 * - a U2O subnet with `enableLb: false` (`addPolicyRouteForU2ONoLoadBalancer`): per node, the port
 *   group `SUBNET.NODE` (dashes as dots; `external_ids` `lr` = the VPC, `ls` = the subnet,
 *   `u2o=true`) of the subnet's pods on that node (every node the files know: the `Node` objects
 *   and the nodes pods are on, as Kube-OVN makes one for each node of the cluster, join port or
 *   not), and on the default VPC's router, per node with a
 *   join IP, family of the subnet and Service CIDR of that family (src/model/kinds/service-cidr.ts),
 *   the policy `ipN.src == $SUBNET.NODE_ipN && ipN.dst == SERVICE-CIDR` `reroute` to the node's
 *   join IP at 29400 (`external_ids` `subnet`, `isU2ORoutePolicy`, `isU2ONoLBRoutePolicy`, `node`,
 *   `svcCidr`): without the VPC's load balancers on its switch, the subnet's pods reach Services
 *   through their node. Set exactly (a node or Service CIDR gone, its policy goes); turned off, all
 *   of it goes (`deletePolicyRouteForU2ONoLoadBalancer`).
 *
 * @module
 */
import type { ControlledDb, NbPlan } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import { DEFAULT_VPC, EXTERNAL_IDS } from "../naming.js";
import type { ResolvedModel, ResolvedSubnet } from "../resolve.js";
import { type ModelUnit, type PolicySpec, type PruneTarget, U2O_NO_LB_KEY, extOf, ownedByExternalId, syncPolicies } from "./common.js";
import { serviceCidrs } from "./service-cidr.js";
import { U2O_POLICY_KEY, U2O_SUBNET_POLICY_PRIORITY, u2oOverlayCidrsAddressSet } from "./subnet-u2o.js";

/** The `external_ids` key Kube-OVN marks a VPC's overlay CIDR address sets with. */
export const U2O_OVERLAY_CIDRS_KEY = "isU2OOverlayCIDRs";

/** The `external_ids` key Kube-OVN marks a U2O subnet's per-node port groups with (its `u2oKey`). */
export const U2O_PORT_GROUP_KEY = "u2o";

/** The port group of a U2O subnet's pods on a node (Kube-OVN's `getOverlaySubnetsPortGroupName`: `SUBNET.NODE`, dashes as dots). */
export function u2oNodePortGroupName(subnet: string, node: string): string {
  return `${subnet}.${node}`.replaceAll("-", ".");
}

/** The overlay CIDRs of a VPC, by family (the subnets of the VPC without `vlan`). */
export function vpcOverlayCidrs(model: Pick<ResolvedModel, "subnets">, vpc: string): { readonly 4: string[]; readonly 6: string[] } {
  const out = { 4: [] as string[], 6: [] as string[] };
  for (const s of model.subnets) {
    if (s.vpc !== vpc || s.object.vlan !== undefined) continue;
    for (const c of s.cidrs) out[c.includes(":") ? 6 : 4].push(c);
  }
  out[4].sort();
  out[6].sort();
  return out;
}

/**
 * The most operations {@link buildU2oOverlayCidrs} adds for a VPC (its two sets created or
 * updated), for the VPC unit's estimate: counted for every VPC, as sets kept from an earlier apply
 * are updated even when the VPC no longer has an overlay subnet.
 */
export const U2O_OVERLAY_CIDRS_WEIGHT = 2;

/**
 * Adds a VPC's overlay CIDR address sets to a plan: when it has an overlay subnet or an
 * overlay-only U2O subnet, or already has the sets (kept and updated, as Kube-OVN keeps them).
 */
export function buildU2oOverlayCidrs(p: NbPlan, vpc: string, model: ResolvedModel): void {
  const names = [u2oOverlayCidrsAddressSet(vpc, 4), u2oOverlayCidrsAddressSet(vpc, 6)] as const;
  const wanted = model.subnets.some((s) => s.vpc === vpc && (s.object.vlan === undefined || (s.object.u2oOverlayOnly === true && model.u2o?.has(s.object.name) === true)));
  if (!wanted && !names.some((n) => ownedSet(p, n))) return;
  const cidrs = vpcOverlayCidrs(model, vpc);
  const external_ids = { [U2O_OVERLAY_CIDRS_KEY]: "true", vpc };
  p.setAddressSet(names[0], cidrs[4], { external_ids });
  p.setAddressSet(names[1], cidrs[6], { external_ids });
}

function ownedSet(p: NbPlan, name: string): boolean {
  const row = p.db.byName("Address_Set", name);
  return row !== undefined && p.db.owns(row);
}

/** Whether a subnet gets the no-load-balancer port groups and policies (U2O with its address, `enableLb: false`). */
function noLb(model: ResolvedModel, s: ResolvedSubnet): boolean {
  return s.object.enableLb === false && model.u2o?.has(s.object.name) === true;
}

/** The no-load-balancer policies of a U2O subnet, as `addPolicyRouteForU2ONoLoadBalancer` adds them (none when it has none). */
export function u2oNoLbPolicies(model: ResolvedModel, s: ResolvedSubnet): PolicySpec[] {
  if (!noLb(model, s)) return [];
  const svc = model.serviceCidrs ?? serviceCidrs([]);
  const name = s.object.name;
  const out: PolicySpec[] = [];
  for (const n of model.nodes ?? []) {
    const pg = u2oNodePortGroupName(name, n.object.name);
    for (const cidr of s.cidrs) {
      const fam = cidr.includes(":") ? 6 : 4;
      const nodeIp = n.joinIps.find((ip) => ipFamily(ip) === fam);
      if (nodeIp === undefined) continue;
      for (const c of svc) {
        if (ipFamily(c.slice(0, c.indexOf("/"))) !== fam) continue;
        out.push({
          priority: U2O_SUBNET_POLICY_PRIORITY,
          match: `ip${fam}.src == $${pg}_ip${fam} && ip${fam}.dst == ${c}`,
          action: "reroute",
          nexthops: [nodeIp],
          external_ids: { subnet: name, [U2O_POLICY_KEY]: "true", [U2O_NO_LB_KEY]: "true", node: n.object.name, svcCidr: c },
        });
      }
    }
  }
  return out;
}

/**
 * The cluster's nodes as far as the files tell (Kube-OVN makes a no-load-balancer port group for
 * every node of the cluster, join port or not): the `Node` objects, in order, then the nodes the
 * pods name in `spec.nodeName` that are not among them, in the pods' order.
 */
function clusterNodes(model: ResolvedModel): string[] {
  const names = new Set((model.nodes ?? []).map((n) => n.object.name));
  for (const x of model.pods) if (x.object.nodeName !== undefined) names.add(x.object.nodeName);
  return [...names];
}

/**
 * The units of the underlay subnets' no-load-balancer rows (reported as their subnet): after the
 * pods, whose ports the port groups hold. Every underlay subnet has one, so turning the feature off
 * deletes the rows.
 */
export function u2oNoLbUnits(model: ResolvedModel): ModelUnit[] {
  const out: ModelUnit[] = [];
  let nodes: readonly string[] | undefined;
  for (const s of model.subnets) {
    if (!s.underlay) continue;
    const name = s.object.name;
    const on = noLb(model, s);
    const policies = u2oNoLbPolicies(model, s);
    if (on) nodes ??= clusterNodes(model);
    const count = on ? nodes!.length : 0;
    out.push({
      ref: `subnet/${name}`,
      weight: 2 + 2 * count + 2 * policies.length,
      primary: ["", ""],
      build: (p) => {
        const groups = new Set<string>();
        if (on) {
          const portsOn = new Map<string, string[]>();
          for (const x of model.pods) {
            const node = x.object.nodeName;
            if (x.subnet !== name || node === undefined) continue;
            const list = portsOn.get(node);
            if (list) list.push(x.port);
            else portsOn.set(node, [x.port]);
          }
          for (const n of nodes!) {
            const pg = u2oNodePortGroupName(name, n);
            groups.add(pg);
            p.setPortGroupPorts(pg, portsOn.get(n) ?? [], { external_ids: { [EXTERNAL_IDS.logicalRouter]: s.vpc, [EXTERNAL_IDS.logicalSwitch]: name, [U2O_PORT_GROUP_KEY]: "true" } });
          }
        }
        for (const row of ownedByExternalId(p, "Port_Group", EXTERNAL_IDS.logicalSwitch, name)) if (extOf(row).get(U2O_PORT_GROUP_KEY) === "true" && !groups.has(row["name"] as string)) p.remove("Port_Group", row);
        if (policies.length || p.db.byName("Logical_Router", DEFAULT_VPC)) syncPolicies(p, DEFAULT_VPC, ["subnet", name], (e) => e.has(U2O_NO_LB_KEY), policies);
      },
    });
  }
  return out;
}

/**
 * The rows of this module whose object is gone (`--prune`): the overlay CIDR address sets of VPCs
 * no longer in the model, and the no-load-balancer port groups and policies of subnets no longer in it.
 */
export function u2oRoutingPruneTargets(db: ControlledDb, model: ResolvedModel): PruneTarget[] {
  const vpcs = new Set(model.vpcs);
  const live = new Set(model.subnets.map((s) => s.object.name));
  const out: PruneTarget[] = [];
  for (const row of db.owned("Address_Set")) {
    const e = extOf(row);
    const vpc = e.get("vpc");
    if (e.get(U2O_OVERLAY_CIDRS_KEY) === "true" && vpc !== undefined && !vpcs.has(vpc)) out.push({ table: "Address_Set", row, ref: `vpc/${vpc}` });
  }
  for (const row of db.owned("Port_Group")) {
    const ls = extOf(row).get(EXTERNAL_IDS.logicalSwitch);
    if (extOf(row).get(U2O_PORT_GROUP_KEY) === "true" && ls !== undefined && !live.has(ls)) out.push({ table: "Port_Group", row, ref: `subnet/${ls}` });
  }
  for (const row of db.owned("Logical_Router_Policy")) {
    const sub = extOf(row).get("subnet");
    if (extOf(row).has(U2O_NO_LB_KEY) && sub !== undefined && !live.has(sub)) out.push({ table: "Logical_Router_Policy", row, ref: `subnet/${sub}` });
  }
  return out;
}
