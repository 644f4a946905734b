/**
 * An underlay subnet's `u2oInterconnection` (underlay to overlay interconnection), as Kube-OVN's
 * subnet controller makes it (pkg/controller/subnet.go at 1533681: `reconcileSubnetSpecialIPs` /
 * `acquireU2OIP`, `handleAddOrUpdateSubnet`'s `needRouter`, `addPolicyRouteForU2OInterconn`,
 * `addCustomVPCStaticRouteForSubnet`; vpc.go's `learnFromARPRequest`):
 *
 * - an address of the subnet for the interconnection (Kube-OVN's IP `u2o-interconnection.VPC.SUBNET`;
 *   `u2oInterconnectionIP` fixes it), from the IPAM as a pod's and kept across applies;
 * - the subnet is joined to its VPC's router as an overlay subnet is, but through that address:
 *   router port `VPC-SUBNET` (`networks` = the address with the CIDR's prefix length, `mac` =
 *   its MAC) and switch port `SUBNET-VPC` of type `router`;
 * - address sets `SUBNET.u2o_exclude_ip.ip4` and `.ip6` (dashes as dots) of the nodes' internal
 *   IPs, and router policies, all with `external_ids` `subnet` and `isU2ORoutePolicy=true`: in
 *   the default VPC `ip4.dst == CIDR` `allow` at 29400 and `ip4.dst == $SUBNET.u2o_exclude_ip.ip4
 *   && ip4.src == CIDR` `reroute` to the subnet's (physical) gateway at 31000; in every VPC
 *   `ip4.src == CIDR` `reroute` to the gateway at 29000 (per family);
 * - in a custom VPC the source route `CIDR` via the gateway (`src-ip`; `external_ids:subnet`, the
 *   model's mark, so it is found again);
 * - the VPC's router learns from ARP requests (`always_learn_from_arp_request` not set false);
 * - the subnet's DHCPv4 `router` option is the interconnection address.
 *
 * Off, all of it goes. `u2oFeatures.overlayOnlyRouting` changes the policies ({@link u2oPolicies});
 * the VPCs' overlay CIDR address sets and `enableLb: false`'s per-node policies are in
 * src/model/kinds/u2o-routing.ts.
 *
 * @module
 */
import type { ControlledDb, NbController, NbPlan } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import { DEFAULT_VPC, EXTERNAL_IDS } from "../naming.js";
import type { ResolvedModel, ResolvedSubnet } from "../resolve.js";
import { type PolicySpec, type PruneTarget, U2O_NO_LB_KEY, extOf, routerChildren, syncPolicies } from "./common.js";
import type { Fields } from "./fields.js";
import { POLICY_PRIORITY } from "./node.js";

/** The `Subnet.spec` fields read here. */
export const SUBNET_U2O_FIELDS = ["u2oInterconnection", "u2oInterconnectionIP", "u2oFeatures"] as const;

/** Kube-OVN's `U2OSubnetPolicyPriority`. */
export const U2O_SUBNET_POLICY_PRIORITY = 29400;

/** Kube-OVN's `U2OPhysicalGatewayPolicyPriority`: an overlay-only U2O subnet's traffic to its physical gateway. */
export const U2O_PHYSICAL_GATEWAY_POLICY_PRIORITY = 30050;

/** Kube-OVN's `U2OSameSubnetPolicyPriority`: an overlay-only U2O subnet's traffic to itself. */
export const U2O_SAME_SUBNET_POLICY_PRIORITY = 30060;

/** The `external_ids` key Kube-OVN marks U2O policies and address sets with. */
export const U2O_POLICY_KEY = "isU2ORoutePolicy";

/** The `external_ids` key of the policies only `u2oFeatures.overlayOnlyRouting` adds. */
export const U2O_OVERLAY_ONLY_KEY = "isU2OOverlayOnlyRoutePolicy";

/** The interconnection address's IPAM owner (Kube-OVN's IP `u2o-interconnection.VPC.SUBNET`, `util.U2OInterconnName`). */
export function u2oOwnerName(vpc: string, subnet: string): string {
  return `u2o-interconnection.${vpc}.${subnet}`;
}

/** The address set of the nodes' IPs of a family (Kube-OVN's `U2OExcludeIPAg` with dashes as dots). */
export function u2oExcludeAddressSet(subnet: string, family: 4 | 6): string {
  return `${subnet}.u2o_exclude_ip.ip${family}`.replaceAll("-", ".");
}

/** A VPC's address set of its overlay subnets' CIDRs of a family (Kube-OVN's `U2OOverlayCIDRs` with dashes as dots). */
export function u2oOverlayCidrsAddressSet(vpc: string, family: 4 | 6): string {
  return `${vpc}.u2o_overlay_cidrs.ip${family}`.replaceAll("-", ".");
}

/** The fields read here of one subnet. */
export interface SubnetU2oFields {
  /** `u2oInterconnection`. */
  readonly u2oInterconnection?: true;
  /** `u2oInterconnectionIP` (one per family, comma-separated in the spec). */
  readonly u2oInterconnectionIP?: readonly string[];
  /** `u2oFeatures.overlayOnlyRouting`: only the VPC's overlay CIDRs use the interconnection (src/model/kinds/u2o-routing.ts). */
  readonly u2oOverlayOnly?: true;
}

/**
 * Reads `u2oInterconnection` and `u2oInterconnectionIP` of a `Subnet` document: an underlay
 * subnet's (`vlan`; Kube-OVN turns it off silently on an overlay one), not with `logicalGateway`
 * (Kube-OVN's webhook), the IP only with `u2oInterconnection` (Kube-OVN clears it otherwise).
 */
export function readSubnetU2o(f: Fields, vlan: string | undefined, logicalGateway: boolean): SubnetU2oFields {
  const s = ["spec"];
  const on = f.bool([...s, "u2oInterconnection"]);
  const ipText = f.str([...s, "u2oInterconnectionIP"]);
  if (on && vlan === undefined) f.issue([...s, "u2oInterconnection"], { kind: "bad-value", value: "true", reason: "applies to an underlay subnet (spec.vlan)" });
  if (on && logicalGateway) f.issue([...s, "u2oInterconnection"], { kind: "bad-value", value: "true", reason: "logicalGateway and u2oInterconnection cannot both be on (Kube-OVN's webhook)" });
  // u2oFeatures (Kube-OVN's U2OFeatures): overlayOnlyRouting only; read by addPolicyRouteForU2OInterconn alone.
  f.only([...s, "u2oFeatures"], ["overlayOnlyRouting"]);
  f.map([...s, "u2oFeatures"]);
  const overlayOnly = f.bool([...s, "u2oFeatures", "overlayOnlyRouting"]);
  if (overlayOnly && !on) f.issue([...s, "u2oFeatures", "overlayOnlyRouting"], { kind: "bad-value", value: "true", reason: "it has an effect only with spec.u2oInterconnection: true" });
  let ips: string[] | undefined;
  if (ipText !== undefined) {
    if (!on) f.issue([...s, "u2oInterconnectionIP"], { kind: "bad-value", value: ipText, reason: "it has an effect only with spec.u2oInterconnection: true" });
    ips = ipText.split(",").map((x) => x.trim());
    const fams = ips.map((ip) => (ip.includes("/") ? undefined : ipFamily(ip)));
    if (fams.some((x) => x === undefined) || ips.length > 2 || (ips.length === 2 && fams[0] === fams[1])) {
      f.issue([...s, "u2oInterconnectionIP"], { kind: "bad-value", value: ipText, reason: "one IP, or an IPv4 and an IPv6 separated by a comma" });
      ips = undefined;
    }
  }
  return { ...(on ? { u2oInterconnection: true as const } : {}), ...(on && ips ? { u2oInterconnectionIP: ips } : {}), ...(on && overlayOnly ? { u2oOverlayOnly: true as const } : {}) };
}

/** The router port's networks of a U2O subnet: each interconnection address with its CIDR's prefix length. */
export function u2oNetworks(s: ResolvedSubnet, u2o: { readonly ips: readonly string[] }): string[] {
  return u2o.ips.map((ip) => {
    const cidr = s.cidrs.find((c) => ipFamily(c.slice(0, c.indexOf("/"))) === ipFamily(ip))!;
    return `${ip}/${cidr.slice(cidr.indexOf("/") + 1)}`;
  });
}

/**
 * The U2O policies of a subnet (none when `u2o` is off), as `addPolicyRouteForU2OInterconn` adds
 * them. By default: in the default VPC `dst == CIDR` allow (29400) and the nodes' traffic from the
 * subnet rerouted to its gateway (31000); in every VPC `src == CIDR` rerouted to the gateway
 * (29000). With `u2oFeatures.overlayOnlyRouting`, in any VPC: the VPC's overlay CIDRs to the subnet
 * allowed (29400, `$VPC.u2o_overlay_cidrs.ipN`), the nodes' traffic rerouted (31000), the subnet to
 * itself allowed (30060) and the rest of its traffic rerouted to the gateway (30050); all but the
 * last marked `isU2OOverlayOnlyRoutePolicy`.
 */
export function u2oPolicies(s: ResolvedSubnet, on: boolean): PolicySpec[] {
  if (!on) return [];
  const name = s.object.name;
  const overlayOnly = s.object.u2oOverlayOnly === true;
  const ext = { subnet: name, [U2O_POLICY_KEY]: "true" };
  const onlyExt = { ...ext, [U2O_OVERLAY_ONLY_KEY]: "true" };
  const out: PolicySpec[] = [];
  for (const cidr of s.cidrs) {
    const fam = cidr.includes(":") ? 6 : 4;
    const ip = `ip${fam}`;
    const gw = s.gateways.find((g) => ipFamily(g) === fam)!;
    if (overlayOnly) out.push({ priority: U2O_SUBNET_POLICY_PRIORITY, match: `${ip}.src == $${u2oOverlayCidrsAddressSet(s.vpc, fam)} && ${ip}.dst == ${cidr}`, action: "allow", external_ids: onlyExt });
    else if (s.vpc === DEFAULT_VPC) out.push({ priority: U2O_SUBNET_POLICY_PRIORITY, match: `${ip}.dst == ${cidr}`, action: "allow", external_ids: ext });
    if (overlayOnly || s.vpc === DEFAULT_VPC) out.push({ priority: POLICY_PRIORITY.subnetRouter, match: `${ip}.dst == $${u2oExcludeAddressSet(name, fam)} && ${ip}.src == ${cidr}`, action: "reroute", nexthops: [gw], external_ids: overlayOnly ? onlyExt : ext });
    if (overlayOnly) out.push({ priority: U2O_SAME_SUBNET_POLICY_PRIORITY, match: `${ip}.src == ${cidr} && ${ip}.dst == ${cidr}`, action: "allow", external_ids: onlyExt });
    out.push({ priority: overlayOnly ? U2O_PHYSICAL_GATEWAY_POLICY_PRIORITY : POLICY_PRIORITY.gatewayRouter, match: `${ip}.src == ${cidr}`, action: "reroute", nexthops: [gw], external_ids: ext });
  }
  return out;
}

/** Whether a static route is a U2O subnet's source route (`src-ip`, marked with its subnet). */
function isU2oRoute(row: Row, subnet?: string): boolean {
  const sub = extOf(row).get("subnet");
  return sub !== undefined && (subnet === undefined || sub === subnet) && row["policy"] === "src-ip" && extOf(row).get(U2O_POLICY_KEY) === "true";
}

/** Adds a subnet's U2O policies, address sets and (custom VPC) source routes to a plan; removes them when off. */
export function buildSubnetU2o(p: NbPlan, model: ResolvedModel, s: ResolvedSubnet): void {
  const name = s.object.name;
  const on = model.u2o?.has(name) === true;
  const ext = { subnet: name, [U2O_POLICY_KEY]: "true" };
  for (const fam of [4, 6] as const) {
    const as = u2oExcludeAddressSet(name, fam);
    if (on) {
      const ips = (model.nodes ?? []).flatMap((n) => n.object.internalIps.filter((ip) => ipFamily(ip) === fam)).sort();
      p.setAddressSet(as, ips, { external_ids: ext });
    } else {
      const row = p.db.byName("Address_Set", as);
      if (row && p.db.owns(row)) p.deleteNamed("Address_Set", as);
    }
  }
  if (on || p.db.byName("Logical_Router", s.vpc)) syncPolicies(p, s.vpc, ["subnet", name], (e) => e.get(U2O_POLICY_KEY) === "true" && !e.has(U2O_NO_LB_KEY), u2oPolicies(s, on));
  // A custom VPC's source route per family via the subnet's gateway (addCustomVPCStaticRouteForSubnet).
  const want = on && s.vpc !== DEFAULT_VPC ? s.cidrs.map((cidr) => ({ ip_prefix: cidr, nexthop: s.gateways.find((g) => ipFamily(g) === (cidr.includes(":") ? 6 : 4))! })) : [];
  const keys = new Set(want.map((w) => `${w.ip_prefix}\u0000${w.nexthop}`));
  for (const row of routerChildren(p, s.vpc, "static_routes", "Logical_Router_Static_Route")) {
    if (isU2oRoute(row, name) && !keys.has(`${row["ip_prefix"] as string}\u0000${row["nexthop"] as string}`)) p.remove("Logical_Router_Static_Route", row);
  }
  for (const w of want) p.ensureStaticRoute(s.vpc, { ...w, policy: "src-ip", external_ids: ext } as Parameters<NbPlan["ensureStaticRoute"]>[1]);
}

/** The VPCs with a U2O subnet: their routers learn from ARP requests (vpc.go `learnFromARPRequest`). */
export function u2oVpcs(model: Pick<ResolvedModel, "subnets">): Set<string> {
  return new Set(model.subnets.filter((s) => s.object.u2oInterconnection).map((s) => s.vpc));
}

/** The router ports of the U2O subnets (kept by `--prune`). */
export function u2oRouterPorts(model: ResolvedModel): string[] {
  return model.subnets.filter((s) => model.u2o?.has(s.object.name)).map((s) => `${s.vpc}-${s.object.name}`);
}

/** The switch ports of type `router` of the U2O subnets (kept by `--prune`). */
export function u2oSwitchPorts(model: ResolvedModel): string[] {
  return model.subnets.filter((s) => model.u2o?.has(s.object.name)).map((s) => `${s.object.name}-${s.vpc}`);
}

/**
 * The addresses the router ports already have, as {@link u2oOwnerName} owners (for
 * `existingAddresses`: a re-apply keeps a U2O subnet's interconnection address).
 */
export function existingU2oAddresses(ctl: NbController): Map<string, { subnet: string; mac: string; ips: string[] }> {
  const out = new Map<string, { subnet: string; mac: string; ips: string[] }>();
  for (const row of ctl.db.owned("Logical_Router_Port")) {
    const lr = extOf(row).get(EXTERNAL_IDS.logicalRouter);
    const name = row["name"] as string;
    if (lr === undefined || !name.startsWith(`${lr}-`)) continue;
    const ls = name.slice(lr.length + 1);
    const nets = (row["networks"] as string[] | undefined) ?? [];
    out.set(u2oOwnerName(lr, ls), { subnet: ls, mac: row["mac"] as string, ips: nets.map((n) => n.slice(0, n.indexOf("/"))) });
  }
  return out;
}

/** The U2O address sets and source routes of subnets no longer in the model (`--prune`). */
export function u2oPruneTargets(db: ControlledDb, model: ResolvedModel): PruneTarget[] {
  const live = new Set(model.subnets.map((s) => s.object.name));
  const out: PruneTarget[] = [];
  for (const row of db.owned("Address_Set")) {
    const sub = extOf(row).get("subnet");
    if (sub !== undefined && extOf(row).get(U2O_POLICY_KEY) === "true" && !live.has(sub)) out.push({ table: "Address_Set", row, ref: `subnet/${sub}` });
  }
  for (const row of db.owned("Logical_Router_Static_Route")) {
    const sub = extOf(row).get("subnet");
    if (sub !== undefined && isU2oRoute(row) && !live.has(sub)) out.push({ table: "Logical_Router_Static_Route", row, ref: `subnet/${sub}` });
  }
  return out;
}
