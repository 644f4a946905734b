/**
 * Validation and address assignment: checks the objects against each other (duplicates,
 * references, CIDRs overlapping within a VPC, gateways inside their CIDR, fixed IPs inside their
 * subnet and not excluded, duplicate fixed IPs and MACs) and assigns every pod its subnet, MAC and
 * IPs through the SDK's {@link Ipam}: fixed addresses first, then the addresses the pod's port
 * already has in the database, then new ones in port-name order (deterministic).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { ipFamily, isMac } from "../ovn/net.js";
import { assignAddresses, bigOf, ipText } from "./addresses.js";
import { InvalidManifestError, type ManifestIssue, type ManifestProblem } from "./errors.js";
import type { IpObject } from "./kinds/ip.js";
import { type ResolvedEip, type ResolvedExternal, type ResolvedNat, externalRouterPortName, orderGatewayChassis, resolveNatRules } from "./kinds/nat.js";
import { type NetworkPolicyObject, type ResolvedNetworkPolicy, checkPortGroupCollisions, podsByLabel, podsByNamespace, resolveNetworkPolicy } from "./kinds/network-policy.js";
import { EXTERNAL_GW_LABEL, type ResolvedNode, nodePortName } from "./kinds/node.js";
import { type ResolvedService, type ServiceObject, resolveService } from "./kinds/service.js";
import type { ResolvedUnderlay } from "./kinds/underlay.js";
import { resolveGatewayNodes } from "./kinds/gateway.js";
import { type ResolvedVpcExtras, resolveVpcExtras } from "./kinds/vpc-extras.js";
import { namespaceSubnet, resolveVpcNamespaces } from "./kinds/vpc-namespaces.js";
import { selectorMatches, selectorText } from "./kinds/selector.js";
import { checkPolicyRoutingTables, mcastQuerierName } from "./kinds/subnet-extras.js";
import { serviceCidrs } from "./kinds/service-cidr.js";
import { u2oOwnerName } from "./kinds/subnet-u2o.js";
import { DEFAULT_SUBNET, DEFAULT_VPC, NODE_SWITCH, podPortName } from "./naming.js";
import { type Manifest, type ModelObject, NAMESPACED_KINDS, type NamespaceObject, type PodObject, type SubnetObject, type VpcObject } from "./types.js";

/** A subnet with its VPC, CIDRs and gateways worked out. */
export interface ResolvedSubnet {
  /** The object. */
  readonly object: SubnetObject;
  /** Its VPC (router) name. */
  readonly vpc: string;
  /** Its CIDRs (network addresses), one per family. */
  readonly cidrs: readonly string[];
  /** Its gateways, one per CIDR. */
  readonly gateways: readonly string[];
  /** The router port's networks: each gateway with its CIDR's prefix length. */
  readonly networks: readonly string[];
  /** `excludeIps` with the gateways added (as Kube-OVN adds them). */
  readonly excludeIps: readonly string[];
  /** Joined to its VPC's router (an overlay subnet, or an underlay one with `logicalGateway`). */
  readonly routed: boolean;
  /** Its underlay (`spec.vlan`), if any: a localnet port on the switch. */
  readonly underlay?: ResolvedUnderlay;
  /** A centralized subnet's gateway nodes (`spec.gatewayNode`), in order. */
  readonly gatewayNodes?: readonly string[];
}

/** A pod with its port, subnet and addresses. */
export interface ResolvedPod {
  /** The object. */
  readonly object: PodObject;
  /** Its logical switch port name. */
  readonly port: string;
  /** Its subnet. */
  readonly subnet: string;
  /** Its MAC. */
  readonly mac: string;
  /** Its IPs (one per family of the subnet). */
  readonly ips: readonly string[];
}

/** The model after validation: what the planner turns into OVN rows. */
export interface ResolvedModel {
  /** Routers: the declared VPCs plus the default VPC when a subnet uses it. */
  readonly vpcs: readonly string[];
  /** The declared VPC objects, by name. */
  readonly vpcObjects: ReadonlyMap<string, VpcObject>;
  /** The subnets. */
  readonly subnets: readonly ResolvedSubnet[];
  /** The namespaces, by name. */
  readonly namespaces: ReadonlyMap<string, NamespaceObject>;
  /** The pods. */
  readonly pods: readonly ResolvedPod[];
  /** The nodes (src/model/kinds/node.ts). */
  readonly nodes?: readonly ResolvedNode[];
  /** The `IP` objects with their addresses (reservations; a pod's IP is its pod's address). */
  readonly ips?: readonly { readonly object: IpObject; readonly mac: string; readonly ips: readonly string[] }[];
  /** The EIPs, external connections and NAT rules (src/model/kinds/nat.ts). */
  readonly nat?: ResolvedNat;
  /** Each VPC's peerings and BFD (src/model/kinds/vpc-extras.ts), for the VPCs that have some. */
  readonly vpcExtras?: ReadonlyMap<string, ResolvedVpcExtras>;
  /** The NetworkPolicies, compiled (none when absent). */
  readonly networkPolicies?: readonly ResolvedNetworkPolicy[];
  /** The Services, with their VIPs (none when absent). */
  readonly services?: readonly ResolvedService[];
  /** The multicast querier's address of each subnet with `enableMulticastSnoop` (src/model/kinds/subnet-extras.ts), by subnet. */
  readonly mcastQueriers?: ReadonlyMap<string, { readonly mac: string; readonly ips: readonly string[] }>;
  /** The interconnection address of each underlay subnet with `u2oInterconnection` (src/model/kinds/subnet-u2o.ts), by subnet. */
  readonly u2o?: ReadonlyMap<string, { readonly mac: string; readonly ips: readonly string[] }>;
  /** The cluster's Service CIDRs from the files' `ServiceCIDR` objects (src/model/kinds/service-cidr.ts); absent when there are none (Kube-OVN's default range then). */
  readonly serviceCidrs?: readonly string[];
}

/**
 * Addresses a pod's port (or a node's join port, by port name; an EIP or external router port, by
 * its name) already has (from the database). `subnet` is `""` when the row does not say (an EIP
 * read from a NAT rule); `mac` is `""` when unknown.
 */
export type ExistingAddresses = ReadonlyMap<string, { readonly subnet: string; readonly mac: string; readonly ips: readonly string[] }>;

/** Options of {@link resolveModel}. */
export interface ResolveOptions {
  /** Addresses the ports already have: kept when still valid, so a re-apply changes nothing. */
  readonly existing?: ExistingAddresses;
  /**
   * The cluster's Service CIDRs when the files have no ready `ServiceCIDR` (Kube-OVN's
   * `--service-cluster-ip-range`: one CIDR, or an IPv4 and an IPv6 one separated by a comma;
   * src/model/kinds/service-cidr.ts). @default "10.96.0.0/12" (Kube-OVN's default)
   */
  readonly serviceClusterIpRange?: string;
}

interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly len: number;
}

function parseCidr(s: string): Cidr | undefined {
  const m = /^(.+)\/(\d+)$/.exec(s.trim());
  if (!m) return undefined;
  const f = ipFamily(m[1]!);
  if (f === undefined) return undefined;
  try {
    const a = f === 4 ? new Address4(s.trim()) : new Address6(s.trim());
    const lo = a.startAddress().bigInt();
    const text = `${(f === 4 ? Address4.fromBigInt(lo) : Address6.fromBigInt(lo)).correctForm()}/${a.subnetMask}`;
    return { text, family: f, lo, hi: a.endAddress().bigInt(), len: a.subnetMask };
  } catch {
    return undefined;
  }
}

function refOf(o: ModelObject): { kind: string; name: string } {
  return { kind: o.kind, name: refName(o) };
}

/** The name of `o` as {@link refOf} gives it (`NAMESPACE/NAME` for a namespaced kind). */
function refName(o: ModelObject): string {
  return NAMESPACED_KINDS.has(o.kind) && "namespace" in o ? `${o.namespace}/${o.name}` : o.name;
}

/**
 * Validates `manifest` and assigns addresses. Throws {@link InvalidManifestError} with every
 * issue found.
 */
export function resolveModel(manifest: Manifest, options: ResolveOptions = {}): ResolvedModel {
  const issues: ManifestIssue[] = [];
  const issue = (o: ModelObject, field: string | undefined, problem: ManifestProblem) => issues.push({ source: o.source, object: refOf(o), ...(field ? { field } : {}), problem });

  // Duplicates: the first object of each kind and name is kept (a namespaced one by namespace, then name, without building a key).
  const seen = new Map<string, ModelObject>();
  const seenNamespaced = new Map<string, Map<string, Map<string, ModelObject>>>();
  const vpcObjects = new Map<string, VpcObject>();
  const namespaces = new Map<string, NamespaceObject>();
  const subnetObjects: SubnetObject[] = [];
  const podObjects: PodObject[] = [];
  // The objects of each kind (duplicates dropped), in file order; each byKind call gets its own list.
  const kinds = new Map<string, ModelObject[]>();
  const byKind = <K extends ModelObject["kind"]>(k: K): Extract<ModelObject, { kind: K }>[] => (kinds.get(k)?.slice() ?? []) as Extract<ModelObject, { kind: K }>[];
  const policyObjects: NetworkPolicyObject[] = [];
  const serviceObjects: ServiceObject[] = [];
  let lastKind = "";
  let lastList: ModelObject[] = [];
  const objects = manifest.objects;
  for (let oi = 0; oi < objects.length; oi++) {
    const o = objects[oi]!;
    const kind = o.kind;
    let first: ModelObject | undefined;
    // `KIND/NAMESPACE/NAME` as refName gives it, looked up by its parts when neither holds a `/` (as valid names never do)
    const ns = NAMESPACED_KINDS.has(kind) && "namespace" in o ? o.namespace : undefined;
    let names: Map<string, ModelObject> | undefined;
    if (ns !== undefined && !ns.includes("/") && !o.name.includes("/")) {
      let byNs = seenNamespaced.get(kind);
      if (!byNs) seenNamespaced.set(kind, (byNs = new Map()));
      names = byNs.get(ns);
      if (!names) byNs.set(ns, (names = new Map()));
      first = names.get(o.name);
    } else first = seen.get(`${kind}/${refName(o)}`);
    if (first) {
      issue(o, "metadata.name", { kind: "duplicate-object", other: first.source });
      continue;
    }
    if (names) names.set(o.name, o);
    else seen.set(`${kind}/${refName(o)}`, o);
    if (kind !== lastKind) {
      lastKind = kind;
      let list = kinds.get(kind);
      if (!list) kinds.set(kind, (list = []));
      lastList = list;
    }
    lastList.push(o);
    if (kind === "Vpc") vpcObjects.set(o.name, o);
    else if (kind === "Namespace") namespaces.set(o.name, o);
    else if (kind === "Subnet") subnetObjects.push(o);
    else if (kind === "Pod") podObjects.push(o);
    else if (kind === "NetworkPolicy") policyObjects.push(o);
    else if (kind === "Service") serviceObjects.push(o);
  }
  const nodeObjects = byKind("Node");
  const vlans = new Map(byKind("Vlan").map((v) => [v.name, v]));
  const providers = new Set(byKind("ProviderNetwork").map((p) => p.name));
  const vlanIds = new Map<string, string>();
  for (const v of vlans.values()) {
    if (!providers.has(v.provider)) issue(v, "spec.provider", { kind: "unknown-reference", refKind: "ProviderNetwork", name: v.provider });
    const k = `${v.provider}\u0000${v.id}`;
    if (v.id > 0 && vlanIds.has(k)) issue(v, "spec.id", { kind: "bad-value", value: String(v.id), reason: `vlan ${vlanIds.get(k)} has the same id on provider ${v.provider}` });
    else vlanIds.set(k, v.name);
  }

  // Subnets.
  const subnets: ResolvedSubnet[] = [];
  const cidrsOf = new Map<string, Cidr[]>();
  const nsSubnet = new Map<string, string>();
  let defaultSubnet: string | undefined;
  for (const s of subnetObjects) {
    const vpc = s.vpc ?? DEFAULT_VPC;
    if (vpc !== DEFAULT_VPC && !vpcObjects.has(vpc)) issue(s, "spec.vpc", { kind: "unknown-reference", refKind: "Vpc", name: vpc });
    const parts = s.cidrBlock.split(",").map((c) => c.trim());
    const cidrs: Cidr[] = [];
    for (const p of parts) {
      const c = parseCidr(p);
      if (!c) issue(s, "spec.cidrBlock", { kind: "bad-value", value: s.cidrBlock, reason: `${p} is not an IPv4 or IPv6 CIDR` });
      else if (cidrs.some((x) => x.family === c.family)) issue(s, "spec.cidrBlock", { kind: "bad-value", value: s.cidrBlock, reason: `two IPv${c.family} CIDRs` });
      else cidrs.push(c);
    }
    if (cidrs.length !== parts.length) continue;
    const proto = cidrs.length === 2 ? "Dual" : cidrs[0]!.family === 4 ? "IPv4" : "IPv6";
    if (s.protocol !== undefined && s.protocol !== proto) issue(s, "spec.protocol", { kind: "bad-value", value: s.protocol, reason: `cidrBlock ${s.cidrBlock} is ${proto}` });
    const gwParts = s.gateway?.split(",").map((g) => g.trim()) ?? [];
    const gateways: string[] = [];
    let ok = true;
    for (const c of cidrs) {
      const given = gwParts.find((g) => ipFamily(g) === c.family);
      if (given === undefined) {
        if (gwParts.length) {
          issue(s, "spec.gateway", { kind: "bad-value", value: s.gateway!, reason: `no IPv${c.family} gateway for ${c.text}` });
          ok = false;
          continue;
        }
        gateways.push(ipText(c.family, c.lo + 1n));
        continue;
      }
      const b = bigOf(given);
      if (!b) {
        issue(s, "spec.gateway", { kind: "bad-value", value: given, reason: "not an IP address" });
        ok = false;
      } else if (b.n <= c.lo || b.n > c.hi || (c.family === 4 && c.len < 31 && b.n === c.hi)) {
        issue(s, "spec.gateway", { kind: "gateway-outside-cidr", gateway: given, cidr: c.text });
        ok = false;
      } else gateways.push(ipText(b.family, b.n));
    }
    for (const [i, x] of s.excludeIps.entries()) {
      const ends = x.split("..");
      const bs = ends.map((e) => bigOf(e.trim()));
      if (ends.length > 2 || bs.some((b) => !b) || (bs.length === 2 && (bs[0]!.family !== bs[1]!.family || bs[1]!.n < bs[0]!.n))) {
        issue(s, `spec.excludeIps.${i}`, { kind: "bad-value", value: x, reason: "expected IP or IP..IP in increasing order" });
        ok = false;
      }
    }
    for (const [i, a] of s.allowSubnets.entries()) {
      if (!parseCidr(a)) {
        issue(s, `spec.allowSubnets.${i}`, { kind: "bad-value", value: a, reason: "not an IPv4 or IPv6 CIDR" });
        ok = false;
      }
    }
    for (const ns of s.namespaces) {
      if (!namespaces.has(ns)) issue(s, "spec.namespaces", { kind: "unknown-reference", refKind: "Namespace", name: ns });
      const other = nsSubnet.get(ns);
      if (other) issue(s, "spec.namespaces", { kind: "bad-value", value: ns, reason: `namespace already bound to subnet ${other}` });
      else nsSubnet.set(ns, s.name);
    }
    // namespaceSelectors bind the namespaces they match, as spec.namespaces does (Kube-OVN's handleAddNamespace).
    for (const [i, sel] of (s.namespaceSelectors ?? []).entries()) {
      const matched = [...namespaces.values()].filter((n) => selectorMatches(sel, n.labels));
      if (matched.length === 0) issue(s, `spec.namespaceSelectors.${i}`, { kind: "selector-matches-nothing", selector: selectorText(sel), what: "namespaces" });
      for (const n of matched) {
        const other = nsSubnet.get(n.name);
        if (other === undefined) nsSubnet.set(n.name, s.name);
        else if (other !== s.name) issue(s, `spec.namespaceSelectors.${i}`, { kind: "bad-value", value: n.name, reason: `namespace ${n.name} (selected) already bound to subnet ${other}` });
      }
    }
    if (s.default) {
      if (defaultSubnet) issue(s, "spec.default", { kind: "bad-value", value: "true", reason: `subnet ${defaultSubnet} is already the default` });
      else defaultSubnet = s.name;
    }
    let underlay: ResolvedUnderlay | undefined;
    if (s.vlan !== undefined) {
      const v = vlans.get(s.vlan);
      if (!v) issue(s, "spec.vlan", { kind: "unknown-reference", refKind: "Vlan", name: s.vlan });
      else underlay = { vlan: v.name, tag: v.id, provider: v.provider };
    }
    const routed = s.vlan === undefined || s.logicalGateway === true;
    let gatewayNodes: string[] | undefined;
    if (s.gatewayType === "centralized") {
      if (vpc !== DEFAULT_VPC) issue(s, "spec.gatewayType", { kind: "unsupported-value", value: "centralized", reason: "a centralized gateway is a subnet of the default VPC (Kube-OVN's custom VPCs route through their own gateways)" });
      if (!routed) issue(s, "spec.gatewayType", { kind: "unsupported-value", value: "centralized", reason: "an underlay subnet without logicalGateway has no OVN gateway" });
      gatewayNodes = resolveGatewayNodes(s, nodeObjects, (field, problem) => issue(s, field, problem));
    }
    if (!ok) continue;
    cidrsOf.set(s.name, cidrs);
    const excl = [...s.excludeIps];
    for (const g of gateways) if (!excl.includes(g)) excl.push(g);
    subnets.push({ object: s, vpc, cidrs: cidrs.map((c) => c.text), gateways, networks: gateways.map((g, i) => `${g}/${cidrs[i]!.len}`), excludeIps: excl, routed, ...(underlay ? { underlay } : {}), ...(gatewayNodes ? { gatewayNodes } : {}) });
  }
  // Two subnets' node policy routing tables (src/model/kinds/subnet-extras.ts).
  checkPolicyRoutingTables(subnetObjects, (o, field, problem) => issue(o, field, problem));
  // CIDR overlap within a VPC.
  for (let i = 0; i < subnets.length; i++)
    for (let j = 0; j < i; j++) {
      const a = subnets[i]!;
      const b = subnets[j]!;
      if (a.vpc !== b.vpc) continue;
      for (const ca of cidrsOf.get(a.object.name)!)
        for (const cb of cidrsOf.get(b.object.name)!)
          if (ca.family === cb.family && ca.lo <= cb.hi && cb.lo <= ca.hi) issue(a.object, "spec.cidrBlock", { kind: "cidr-overlap", cidr: ca.text, other: b.object.name, otherCidr: cb.text });
    }
  defaultSubnet ??= subnets.some((s) => s.object.name === DEFAULT_SUBNET) ? DEFAULT_SUBNET : undefined;
  const vpcOfNamespace = resolveVpcNamespaces(vpcObjects, subnetObjects, namespaces, issue);

  // Pods: subnet, then addresses.
  const byName = new Map(subnets.map((s) => [s.object.name, s]));
  const declared = new Set(subnetObjects.map((s) => s.name));
  const placed: { pod: PodObject; subnet: string; port: string }[] = [];
  for (let pi = 0; pi < podObjects.length; pi++) {
    const p = podObjects[pi]!;
    if (!namespaces.has(p.namespace)) issue(p, "metadata.namespace", { kind: "unknown-reference", refKind: "Namespace", name: p.namespace });
    const sub = p.logicalSwitch ?? namespaceSubnet(p.namespace, vpcOfNamespace, nsSubnet, defaultSubnet);
    const field = p.logicalSwitch ? "metadata.annotations.ovn.kubernetes.io/logical_switch" : "metadata.namespace";
    if (sub === undefined || !declared.has(sub)) {
      issue(p, field, { kind: "unknown-reference", refKind: "Subnet", name: sub ?? DEFAULT_SUBNET });
      continue;
    }
    if (p.macAddress !== undefined && !isMac(p.macAddress)) issue(p, "metadata.annotations.ovn.kubernetes.io/mac_address", { kind: "bad-value", value: p.macAddress, reason: "not a MAC address" });
    if (!byName.has(sub)) continue; // the subnet itself is invalid: reported already
    placed.push({ pod: p, subnet: sub, port: podPortName(p.name, p.namespace) });
  }

  // Address claims of every kind: pods, nodes' join ports, IPs, EIPs, external router ports (src/model/addresses.ts).
  const { assigned, claimOf, ipObjects, nodeObjs, eipObjects, externalConnections } = assignAddresses({ manifest, byKind, placed, declared, subnets: byName, namespaces, vpcObjects, existing: options.existing, issue, issues });
  if (issues.length) throw new InvalidManifestError(issues);

  const vpcs = [...vpcObjects.keys()];
  if (subnets.some((s) => s.vpc === DEFAULT_VPC) && !vpcs.includes(DEFAULT_VPC)) vpcs.unshift(DEFAULT_VPC);
  const pods = placed.map((x) => {
    const a = assigned.get(x.port)!;
    return { object: x.pod, port: x.port, subnet: x.subnet, mac: a.mac, ips: a.ips };
  });
  const nodes: ResolvedNode[] = byName.has(NODE_SWITCH)
    ? nodeObjs.map((n) => ({ object: n, port: nodePortName(n.name), mac: assigned.get(nodePortName(n.name))!.mac, joinIps: assigned.get(nodePortName(n.name))!.ips, chassis: n.chassis ?? n.name }))
    : [];
  const ips = ipObjects.filter((o) => assigned.has(o.name)).map((o) => ({ object: o, ...assigned.get(o.name)! }));
  const eips = new Map<string, ResolvedEip>(eipObjects.filter((e) => assigned.has(e.name)).map((e) => [e.name, { object: e, ...assigned.get(e.name)! }]));
  const gwChassis = nodes.filter((n) => n.object.labels[EXTERNAL_GW_LABEL] === "true").map((n) => n.chassis);
  const externals: ResolvedExternal[] = externalConnections
    .filter((x) => assigned.has(externalRouterPortName(x.vpc.name, x.subnet)))
    .map((x) => ({ vpc: x.vpc.name, subnet: byName.get(x.subnet)!, ...assigned.get(externalRouterPortName(x.vpc.name, x.subnet))!, chassis: orderGatewayChassis(x.vpc.name, gwChassis) }));
  const addressOf = (ipName: string): { subnet: string; ips: readonly string[]; mac: string } | undefined => {
    const a = assigned.get(ipName);
    const c = claimOf(ipName);
    return a && c && (c.object.kind === "Pod" || c.object.kind === "IP") ? { subnet: c.subnet, ips: a.ips, mac: a.mac } : undefined;
  };
  const nat = resolveNatRules({
    fips: byKind("OvnFip"),
    snats: byKind("OvnSnatRule"),
    dnats: byKind("OvnDnatRule"),
    eips,
    externals,
    subnets: byName,
    vpcs: new Set(vpcs),
    addressOf,
    issue: (o, field, problem) => issue(o, field, problem),
  });
  // VPC peerings and BFD (src/model/kinds/vpc-extras.ts).
  const vpcExtras = resolveVpcExtras({ vpcObjects, subnets, nodes, externals, issue });
  // NetworkPolicies and Services: selectors resolved against the pods and namespaces.
  checkPortGroupCollisions(policyObjects, issues);
  const byNamespace = podsByNamespace(pods);
  const byLabel = policyObjects.length || serviceObjects.length ? podsByLabel(pods) : undefined;
  const networkPolicies = policyObjects.map((np) => resolveNetworkPolicy(np, { pods, namespaces, subnets: byName, byNamespace, ...(byLabel ? { byLabel } : {}) }, issues));
  const services = serviceObjects.map((svc) => resolveService(svc, pods, namespaces, (sub) => byName.get(sub)!.vpc, issues, byNamespace, byLabel));
  if (issues.length) throw new InvalidManifestError(issues);
  const mcastQueriers = new Map(subnets.filter((s) => assigned.has(mcastQuerierName(s.object.name))).map((s) => [s.object.name, assigned.get(mcastQuerierName(s.object.name))!]));
  const u2o = new Map(subnets.filter((s) => assigned.has(u2oOwnerName(s.vpc, s.object.name))).map((s) => [s.object.name, assigned.get(u2oOwnerName(s.vpc, s.object.name))!]));
  const serviceCidrObjects = byKind("ServiceCIDR");
  return {
    vpcs,
    vpcObjects,
    subnets,
    namespaces,
    pods,
    nodes,
    ips,
    nat,
    ...(vpcExtras.size ? { vpcExtras } : {}),
    ...(networkPolicies.length ? { networkPolicies: networkPolicies as ResolvedNetworkPolicy[] } : {}),
    ...(services.length ? { services: services as ResolvedService[] } : {}),
    ...(mcastQueriers.size ? { mcastQueriers } : {}),
    ...(u2o.size ? { u2o } : {}),
    ...(serviceCidrObjects.length || options.serviceClusterIpRange !== undefined ? { serviceCidrs: serviceCidrs(serviceCidrObjects, options.serviceClusterIpRange) } : {}),
  };
}
