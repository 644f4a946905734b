/**
 * What `--prune` deletes: the owned rows of the Northbound database that the model no longer has
 * (routers, switches, ports, router ports, QoS rows, NetworkPolicies' port groups and address
 * sets, load balancers of VPCs without services, and the rows of the kinds of `src/model/kinds`
 * whose objects are gone), each attributed to the object it was made for.
 *
 * @module
 */
import type { NbController } from "../ovn/controller/index.js";
import type { Row } from "../ovsdb/schema/datum.js";
import { EXTERNAL_IDS, KUBE_OVN_IDENTITY, routerPortName, switchRouterPortName } from "./naming.js";
import type { PruneTarget } from "./kinds/common.js";
import { gatewayPruneTargets } from "./kinds/gateway.js";
import { subnetDhcpPruneTargets, subnetExtraPortNames } from "./kinds/subnet-extras.js";
import { u2oPruneTargets, u2oRouterPorts, u2oSwitchPorts } from "./kinds/subnet-u2o.js";
import { u2oRoutingPruneTargets } from "./kinds/u2o-routing.js";
import { externalRouterPortName, natPruneTargets } from "./kinds/nat.js";
import { networkPolicyRefOf } from "./kinds/network-policy.js";
import { nodePruneTargets } from "./kinds/node.js";
import { vpcLoadBalancerNames } from "./kinds/service.js";
import { vpcExtraPortRef, vpcExtraRouterPorts, vpcExtrasPruneTargets } from "./kinds/vpc-extras.js";
import { localnetPortName } from "./kinds/underlay.js";
import type { ResolvedModel } from "./resolve.js";

/** The tables `--prune` deletes from, children before parents. */
export const PRUNE_TABLES = ["DHCP_Options", "QoS", "NAT", "Load_Balancer", "Logical_Router_Policy", "Logical_Router_Static_Route", "Port_Group", "Address_Set", "Logical_Switch_Port", "HA_Chassis_Group", "Logical_Router_Port", "BFD", "Logical_Switch", "Logical_Router"];

/** The rows `--prune` deletes: owned routers, switches and ports (and router ports) the model does not name, and the rows of the kinds of src/model/kinds whose objects are gone. */
export function pruneTargets(ctl: NbController, model: ResolvedModel, withLb: ReadonlySet<string>): PruneTarget[] {
  const lrs = new Set(model.vpcs);
  const lss = new Set(model.subnets.map((s) => s.object.name));
  const routed = model.subnets.filter((s) => s.routed);
  const externals = model.nat?.externals ?? [];
  const lrps = new Set([...routed.map((s) => routerPortName(s.vpc, s.object.name)), ...externals.map((x) => externalRouterPortName(x.vpc, x.subnet.object.name)), ...vpcExtraRouterPorts(model.vpcExtras), ...u2oRouterPorts(model)]);
  const lsps = new Set([
    ...routed.map((s) => switchRouterPortName(s.object.name, s.vpc)),
    ...model.pods.map((x) => x.port),
    ...(model.nodes ?? []).map((n) => n.port),
    ...model.subnets.filter((s) => s.underlay).map((s) => localnetPortName(s.object.name)),
    ...externals.map((x) => switchRouterPortName(x.subnet.object.name, x.vpc)),
    ...subnetExtraPortNames(model),
    ...u2oSwitchPorts(model),
  ]);
  const out: PruneTarget[] = [...nodePruneTargets(ctl.db, model), ...natPruneTargets(ctl.db, model.nat), ...gatewayPruneTargets(ctl.db, model), ...vpcExtrasPruneTargets(ctl.db, model.vpcs), ...subnetDhcpPruneTargets(ctl.db, model), ...u2oPruneTargets(ctl.db, model), ...u2oRoutingPruneTargets(ctl.db, model)];
  const ext = (r: Row) => r["external_ids"] as ReadonlyMap<string, string>;
  for (const row of ctl.db.owned("Logical_Switch_Port")) {
    if (lsps.has(row["name"] as string)) continue;
    const pod = ext(row).get(EXTERNAL_IDS.pod);
    const ls = ext(row).get(EXTERNAL_IDS.logicalSwitch);
    out.push({ table: "Logical_Switch_Port", row, ref: pod ? `pod/${pod}` : `subnet/${ls ?? "?"}` });
  }
  for (const row of ctl.db.owned("Logical_Router_Port")) {
    if (lrps.has(row["name"] as string)) continue;
    const lr = ext(row).get(EXTERNAL_IDS.logicalRouter);
    const name = row["name"] as string;
    out.push({ table: "Logical_Router_Port", row, ref: vpcExtraPortRef(row) ?? `subnet/${lr && name.startsWith(`${lr}-`) ? name.slice(lr.length + 1) : name}` });
  }
  for (const row of ctl.db.owned("Logical_Switch")) if (!lss.has(row["name"] as string)) out.push({ table: "Logical_Switch", row, ref: `subnet/${row["name"] as string}` });
  // QoS rows of pods no longer in the files (a port is NAME.NAMESPACE; a namespace has no dot).
  for (const row of ctl.db.owned("QoS")) {
    const port = ext(row).get(KUBE_OVN_IDENTITY.ownerKey);
    if (port === undefined || lsps.has(port)) continue;
    const dot = port.lastIndexOf(".");
    out.push({ table: "QoS", row, ref: dot > 0 ? `pod/${port.slice(dot + 1)}/${port.slice(0, dot)}` : `pod/${port}` });
  }
  // NetworkPolicies' port groups (their ACLs go with them) and address sets; the load balancers of VPCs without services.
  const pgs = new Set((model.networkPolicies ?? []).map((np) => np.portGroup));
  const ass = new Set((model.networkPolicies ?? []).flatMap((np) => [...np.addressSets.keys()]));
  for (const row of ctl.db.owned("Port_Group")) {
    // A node's port groups carry `np` too (np=node/NAME, np=SUBNET/NODE) and a `node` key: nodePruneTargets' rows.
    const np = ext(row).get("np");
    if (np !== undefined && !ext(row).has("node") && !pgs.has(row["name"] as string)) out.push({ table: "Port_Group", row, ref: networkPolicyRefOf(np) });
  }
  for (const row of ctl.db.owned("Address_Set")) {
    const np = ext(row).get("np");
    if (np !== undefined && !ext(row).has("node") && !ass.has(row["name"] as string)) out.push({ table: "Address_Set", row, ref: networkPolicyRefOf(np) });
  }
  const lbs = new Set([...withLb].flatMap(vpcLoadBalancerNames));
  const known = new Set([...model.vpcs, ...ctl.db.owned("Logical_Router").map((r) => r["name"] as string)].flatMap(vpcLoadBalancerNames));
  for (const row of ctl.db.owned("Load_Balancer")) {
    const name = row["name"] as string;
    if (lbs.has(name) || !known.has(name)) continue;
    const vpc = [...model.vpcs, ...ctl.db.owned("Logical_Router").map((r) => r["name"] as string)].find((v) => vpcLoadBalancerNames(v).includes(name))!;
    out.push({ table: "Load_Balancer", row, ref: `vpc/${vpc}` });
  }
  for (const row of ctl.db.owned("Logical_Router")) if (!lrs.has(row["name"] as string)) out.push({ table: "Logical_Router", row, ref: `vpc/${row["name"] as string}` });
  const seen = new Set<string>();
  return out.filter((t) => !seen.has(t.row["_uuid"] as string) && seen.add(t.row["_uuid"] as string));
}
