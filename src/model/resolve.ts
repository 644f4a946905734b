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
import { Ipam, IpamConflictError, IpamError, IpamExcludedError, IpamExhaustedError, IpamOutOfRangeError, type MacGenerator } from "../ovn/ipam.js";
import { ipFamily, isMac } from "../ovn/net.js";
import { InvalidManifestError, type ManifestIssue, type ManifestProblem } from "./errors.js";
import type { IpObject, IpPoolObject } from "./kinds/ip.js";
import { poolAddresses } from "./kinds/ip.js";
import { EXTERNAL_SUBNET, type OvnEipObject, type ResolvedEip, type ResolvedExternal, type ResolvedNat, externalRouterPortName, orderGatewayChassis, resolveNatRules } from "./kinds/nat.js";
import { EXTERNAL_GW_LABEL, type NodeObject, type ResolvedNode, nodePortName } from "./kinds/node.js";
import type { ResolvedUnderlay } from "./kinds/underlay.js";
import { DEFAULT_SUBNET, DEFAULT_VPC, NODE_SWITCH, deterministicMac, podPortName } from "./naming.js";
import type { Manifest, ModelObject, NamespaceObject, PodObject, SubnetObject, VpcObject } from "./types.js";

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
}

function bigOf(ip: string): { family: 4 | 6; n: bigint } | undefined {
  const f = ipFamily(ip);
  if (f === undefined || ip.includes("/")) return undefined;
  try {
    return { family: f, n: f === 4 ? new Address4(ip).bigInt() : new Address6(ip).bigInt() };
  } catch {
    return undefined;
  }
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

function ipText(family: 4 | 6, n: bigint): string {
  return (family === 4 ? Address4.fromBigInt(n) : Address6.fromBigInt(n)).correctForm();
}

function refOf(o: ModelObject): { kind: string; name: string } {
  return { kind: o.kind, name: o.kind === "Pod" ? `${o.namespace}/${o.name}` : o.name };
}

/**
 * Validates `manifest` and assigns addresses. Throws {@link InvalidManifestError} with every
 * issue found.
 */
export function resolveModel(manifest: Manifest, options: ResolveOptions = {}): ResolvedModel {
  const issues: ManifestIssue[] = [];
  const issue = (o: ModelObject, field: string | undefined, problem: ManifestProblem) => issues.push({ source: o.source, object: refOf(o), ...(field ? { field } : {}), problem });

  // Duplicates.
  const seen = new Map<string, ModelObject>();
  const vpcObjects = new Map<string, VpcObject>();
  const namespaces = new Map<string, NamespaceObject>();
  const subnetObjects: SubnetObject[] = [];
  const podObjects: PodObject[] = [];
  const byKind = <K extends ModelObject["kind"]>(k: K) => [...seen.values()].filter((o): o is Extract<ModelObject, { kind: K }> => o.kind === k);
  for (const o of manifest.objects) {
    const key = `${o.kind}/${refOf(o).name}`;
    const first = seen.get(key);
    if (first) {
      issue(o, "metadata.name", { kind: "duplicate-object", other: first.source });
      continue;
    }
    seen.set(key, o);
    if (o.kind === "Vpc") vpcObjects.set(o.name, o);
    else if (o.kind === "Namespace") namespaces.set(o.name, o);
    else if (o.kind === "Subnet") subnetObjects.push(o);
    else if (o.kind === "Pod") podObjects.push(o);
  }
  const nodeObjects = byKind("Node");
  const nodeNames = new Set(nodeObjects.map((n) => n.name));
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
      gatewayNodes = s.gatewayNode.split(",").map((x) => x.trim()).filter((x) => x !== "");
      if (vpc !== DEFAULT_VPC) issue(s, "spec.gatewayType", { kind: "unsupported-value", value: "centralized", reason: "a centralized gateway is a subnet of the default VPC (Kube-OVN's custom VPCs route through their own gateways)" });
      if (!routed) issue(s, "spec.gatewayType", { kind: "unsupported-value", value: "centralized", reason: "an underlay subnet without logicalGateway has no OVN gateway" });
      for (const g of gatewayNodes) if (!nodeNames.has(g)) issue(s, "spec.gatewayNode", { kind: "unknown-reference", refKind: "Node", name: g });
    }
    if (!ok) continue;
    cidrsOf.set(s.name, cidrs);
    const excl = [...s.excludeIps];
    for (const g of gateways) if (!excl.includes(g)) excl.push(g);
    subnets.push({ object: s, vpc, cidrs: cidrs.map((c) => c.text), gateways, networks: gateways.map((g, i) => `${g}/${cidrs[i]!.len}`), excludeIps: excl, routed, ...(underlay ? { underlay } : {}), ...(gatewayNodes ? { gatewayNodes } : {}) });
  }
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

  // Pods: subnet, then addresses.
  const byName = new Map(subnets.map((s) => [s.object.name, s]));
  const declared = new Set(subnetObjects.map((s) => s.name));
  let macSeed = "";
  let attempt = 0;
  const macs: MacGenerator = { next: () => deterministicMac(macSeed, attempt++) };
  const ipamWithMacs = new Ipam({ macs });
  for (const s of subnets) ipamWithMacs.addSubnet(s.object.name, s.cidrs.join(","), { excludeIps: s.excludeIps });
  const placed: { pod: PodObject; subnet: string; port: string }[] = [];
  for (const p of podObjects) {
    if (!namespaces.has(p.namespace)) issue(p, "metadata.namespace", { kind: "unknown-reference", refKind: "Namespace", name: p.namespace });
    const sub = p.logicalSwitch ?? nsSubnet.get(p.namespace) ?? defaultSubnet;
    const field = p.logicalSwitch ? "metadata.annotations.ovn.kubernetes.io/logical_switch" : "metadata.namespace";
    if (sub === undefined || !declared.has(sub)) {
      issue(p, field, { kind: "unknown-reference", refKind: "Subnet", name: sub ?? DEFAULT_SUBNET });
      continue;
    }
    if (p.macAddress !== undefined && !isMac(p.macAddress)) issue(p, "metadata.annotations.ovn.kubernetes.io/mac_address", { kind: "bad-value", value: p.macAddress, reason: "not a MAC address" });
    if (!byName.has(sub)) continue; // the subnet itself is invalid: reported already
    placed.push({ pod: p, subnet: sub, port: podPortName(p.name, p.namespace) });
  }

  // Address claims of every kind: pods, nodes' join ports, IPs, EIPs, external router ports.
  const ipField = "metadata.annotations.ovn.kubernetes.io/ip_address";
  const macField = "metadata.annotations.ovn.kubernetes.io/mac_address";
  const claims: Claim[] = [];
  const ipObjects = byKind("IP");
  const ipByName = new Map(ipObjects.map((x) => [x.name, x]));
  const pools = byKind("IPPool");
  const poolOf = new Map<string, { pool: IpPoolObject; addresses: string[] }>();
  for (const pool of pools) {
    if (!declared.has(pool.subnet)) issue(pool, "spec.subnet", { kind: "unknown-reference", refKind: "Subnet", name: pool.subnet });
    for (const ns of pool.namespaces) if (!namespaces.has(ns)) issue(pool, "spec.namespaces", { kind: "unknown-reference", refKind: "Namespace", name: ns });
    const addresses = poolAddresses(pool.ips);
    if (addresses === undefined) issue(pool, "spec.ips", { kind: "unsupported-value", value: pool.ips.join(","), reason: "a pool of more than 65536 addresses" });
    else poolOf.set(pool.name, { pool, addresses });
  }
  const nsPool = new Map<string, string>();
  for (const { pool } of poolOf.values())
    for (const ns of pool.namespaces) {
      if (nsPool.has(ns)) issue(pool, "spec.namespaces", { kind: "bad-value", value: ns, reason: `namespace already uses IPPool ${nsPool.get(ns)}` });
      else nsPool.set(ns, pool.name);
    }
  for (const x of placed) {
    const p = x.pod;
    const ipObj = ipByName.get(x.port);
    let ips = p.ipAddress;
    let mac = p.macAddress?.toLowerCase();
    if (ipObj && ipObj.podName !== undefined) {
      if (ipObj.subnet !== x.subnet) issue(ipObj, "spec.subnet", { kind: "bad-value", value: ipObj.subnet, reason: `pod ${p.namespace}/${p.name} is in subnet ${x.subnet}` });
      if (ips !== undefined && ipObj.ips.length && ips.join(",") !== ipObj.ips.join(",")) issue(p, ipField, { kind: "bad-value", value: ips.join(","), reason: `IP ${ipObj.name} gives the pod ${ipObj.ips.join(",")}` });
      if (ipObj.ips.length) ips = ipObj.ips;
      mac ??= ipObj.macAddress;
    }
    let pool: Claim["pool"];
    if (p.ipPool !== undefined) {
      const entries = p.ipPool;
      const named = entries.length === 1 && ipFamily(entries[0]!) === undefined ? entries[0]! : undefined;
      if (named !== undefined) {
        const found = poolOf.get(named);
        if (!found) issue(p, "metadata.annotations.ovn.kubernetes.io/ip_pool", { kind: "unknown-reference", refKind: "IPPool", name: named });
        else if (found.pool.subnet !== x.subnet) issue(p, "metadata.annotations.ovn.kubernetes.io/ip_pool", { kind: "bad-value", value: named, reason: `IPPool ${named} is of subnet ${found.pool.subnet}, the pod is in ${x.subnet}` });
        else pool = { name: named, addresses: found.addresses };
      } else {
        const bad = entries.find((e) => !bigOf(e));
        if (bad !== undefined) issue(p, "metadata.annotations.ovn.kubernetes.io/ip_pool", { kind: "bad-value", value: bad, reason: "not an IP address (or a single IPPool name)" });
        else pool = { name: undefined, addresses: entries.map((e) => ipText(bigOf(e)!.family, bigOf(e)!.n)) };
      }
    } else if (nsPool.has(p.namespace)) {
      const found = poolOf.get(nsPool.get(p.namespace)!)!;
      if (found.pool.subnet === x.subnet) pool = { name: found.pool.name, addresses: found.addresses };
    }
    claims.push({ object: p, ref: `pod/${p.namespace}/${p.name}`, subnet: x.subnet, owner: x.port, ...(ips !== undefined ? { ips } : {}), ...(mac !== undefined ? { mac } : {}), ...(pool ? { pool } : {}), ipField: ipObj?.podName !== undefined && !p.ipAddress ? "spec.v4IpAddress" : ipField, macField, fieldObject: ipObj?.podName !== undefined && !p.ipAddress ? ipObj : p });
  }
  for (const o of ipObjects) {
    if (!declared.has(o.subnet)) {
      issue(o, "spec.subnet", { kind: "unknown-reference", refKind: "Subnet", name: o.subnet });
      continue;
    }
    if (o.podName !== undefined) {
      if (!placed.some((x) => x.port === o.name)) issue(o, "spec.podName", { kind: "unknown-reference", refKind: "Pod", name: `${o.namespace}/${o.podName}` });
      continue; // the pod's claim carries it
    }
    if (!byName.has(o.subnet)) continue;
    claims.push({ object: o, ref: `ip/${o.name}`, subnet: o.subnet, owner: o.name, ...(o.ips.length ? { ips: o.ips } : {}), ...(o.macAddress ? { mac: o.macAddress } : {}), ipField: "spec.v4IpAddress", macField: "spec.macAddress", fieldObject: o });
  }
  const nodeObjs: NodeObject[] = nodeObjects;
  if (nodeObjs.length && !byName.has(NODE_SWITCH)) for (const n of nodeObjs) issue(n, "metadata.name", { kind: "unknown-reference", refKind: "Subnet", name: NODE_SWITCH });
  const chassisOf = new Map<string, string>();
  for (const n of nodeObjs) {
    const ch = n.chassis ?? n.name;
    if (chassisOf.has(ch)) issue(n, "metadata.annotations.ovn.kubernetes.io/chassis", { kind: "bad-value", value: ch, reason: `node ${chassisOf.get(ch)} has the same chassis` });
    else chassisOf.set(ch, n.name);
    if (n.joinMac !== undefined && !isMac(n.joinMac)) issue(n, macField, { kind: "bad-value", value: n.joinMac, reason: "not a MAC address" });
    for (const ip of n.joinIps ?? []) if (!bigOf(ip)) issue(n, ipField, { kind: "bad-value", value: ip, reason: "not an IP address" });
    if (!byName.has(NODE_SWITCH)) continue;
    claims.push({ object: n, ref: `node/${n.name}`, subnet: NODE_SWITCH, owner: nodePortName(n.name), ...(n.joinIps ? { ips: n.joinIps } : {}), ...(n.joinMac ? { mac: n.joinMac.toLowerCase() } : {}), ipField, macField, fieldObject: n });
  }
  const eipObjects: OvnEipObject[] = byKind("OvnEip");
  for (const e of eipObjects) {
    if (!declared.has(e.externalSubnet)) {
      issue(e, "spec.externalSubnet", { kind: "unknown-reference", refKind: "Subnet", name: e.externalSubnet });
      continue;
    }
    if (e.macAddress !== undefined && !isMac(e.macAddress)) issue(e, "spec.macAddress", { kind: "bad-value", value: e.macAddress, reason: "not a MAC address" });
    if (!byName.has(e.externalSubnet)) continue;
    claims.push({ object: e, ref: `ovneip/${e.name}`, subnet: e.externalSubnet, owner: e.name, ...(e.ips.length ? { ips: e.ips } : {}), ...(e.macAddress ? { mac: e.macAddress } : {}), ipField: "spec.v4Ip", macField: "spec.macAddress", fieldObject: e });
  }
  const externalVpcs = [...vpcObjects.values()].filter((v) => v.enableExternal);
  for (const v of externalVpcs) {
    if (!declared.has(EXTERNAL_SUBNET)) {
      issue(v, "spec.enableExternal", { kind: "unknown-reference", refKind: "Subnet", name: EXTERNAL_SUBNET });
      continue;
    }
    if (!byName.has(EXTERNAL_SUBNET)) continue;
    claims.push({ object: v, ref: `vpc/${v.name}`, subnet: EXTERNAL_SUBNET, owner: externalRouterPortName(v.name), ipField: "spec.enableExternal", macField: "spec.enableExternal", fieldObject: v });
  }
  if (issues.length) throw new InvalidManifestError(issues);

  const assigned = new Map<string, { mac: string; ips: string[] }>();
  const allocate = (x: Claim, opts: { ips?: readonly string[]; mac?: string }): void => {
    macSeed = x.owner;
    attempt = 0;
    const a = ipamWithMacs.allocate(x.subnet, x.owner, opts);
    assigned.set(x.owner, { mac: a.mac, ips: [a.ipv4, a.ipv6].filter((v): v is string => v !== undefined) });
  };
  const claimOf = new Map(claims.map((c) => [c.owner, c]));
  const holderName = (owner: string) => claimOf.get(owner)?.ref ?? owner;
  const allocationIssue = (x: Claim, e: unknown, ips: readonly string[]): void => {
    const o = x.fieldObject;
    if (e instanceof IpamOutOfRangeError) issue(o, x.ipField, { kind: "ip-outside-subnet", ip: e.address, subnet: x.subnet, cidr: byName.get(x.subnet)!.cidrs.join(",") });
    else if (e instanceof IpamExcludedError) issue(o, x.ipField, { kind: "ip-excluded", ip: e.address, subnet: x.subnet });
    else if (e instanceof IpamConflictError) {
      const other = e.owner.startsWith(POOL_OWNER) ? `ippool/${e.owner.split("\u0000")[1]}` : holderName(e.owner);
      if (isMac(e.address)) issue(o, x.macField, { kind: "duplicate-mac", mac: e.address, other });
      else if (e.owner.startsWith(POOL_OWNER)) issue(o, x.ipField, { kind: "bad-value", value: e.address, reason: `the address is in ${other} (a pool's addresses are only for its pods)` });
      else issue(o, x.ipField, { kind: "duplicate-ip", ip: e.address, other });
    } else if (e instanceof IpamExhaustedError) issue(o, x.ipField, { kind: "ipam-exhausted", subnet: x.subnet });
    else if (e instanceof Error) issue(o, x.ipField, { kind: "bad-value", value: ips.join(","), reason: e.message });
    else throw e;
  };
  // 1. Fixed addresses, in file order.
  const position = new Map(manifest.objects.map((o, i) => [o, i]));
  const inFileOrder = [...claims].sort((a, b) => position.get(a.object)! - position.get(b.object)!);
  for (const x of inFileOrder) {
    if (x.ips === undefined && x.mac === undefined) continue;
    if ((x.ips ?? []).some((ip) => !bigOf(ip))) {
      for (const ip of x.ips ?? []) if (!bigOf(ip)) issue(x.fieldObject, x.ipField, { kind: "bad-value", value: ip, reason: "not an IP address" });
      continue;
    }
    try {
      allocate(x, { ...(x.ips ? { ips: x.ips } : {}), ...(x.mac ? { mac: x.mac } : {}) });
    } catch (e) {
      allocationIssue(x, e, x.ips ?? []);
    }
  }
  // 1b. Pools: their free addresses are set aside (other claims never get them); a fixed address
  // inside a pool must be of a pod of that pool.
  const poolUsers = new Map<string, Set<string>>(); // pool name -> owners allowed
  for (const x of claims) if (x.pool?.name !== undefined) (poolUsers.get(x.pool.name) ?? poolUsers.set(x.pool.name, new Set()).get(x.pool.name)!).add(x.owner);
  const poolHolder = new Map<string, string>(); // subnet\0ip -> pool name
  for (const { pool, addresses } of poolOf.values()) {
    if (!byName.has(pool.subnet)) continue;
    const sub = ipamWithMacs.subnet(pool.subnet);
    for (const ip of addresses) {
      const k = `${pool.subnet}\u0000${ip}`;
      const other = poolHolder.get(k);
      if (other !== undefined) {
        issue(pool, "spec.ips", { kind: "bad-value", value: ip, reason: `also in IPPool ${other}` });
        break;
      }
      poolHolder.set(k, pool.name);
      if (!sub.contains(ip)) {
        issue(pool, "spec.ips", { kind: "ip-outside-subnet", ip, subnet: pool.subnet, cidr: byName.get(pool.subnet)!.cidrs.join(",") });
        break;
      }
      const holder = sub.ownerOf(ip);
      if (holder !== undefined) {
        if (!poolUsers.get(pool.name)?.has(holder)) issue(claimOf.get(holder)?.fieldObject ?? pool, claimOf.get(holder)?.ipField ?? "spec.ips", { kind: "bad-value", value: ip, reason: `the address is in IPPool ${pool.name} (a pool's addresses are only for its pods)` });
        continue;
      }
      try {
        macSeed = `${POOL_OWNER}${pool.name}\u0000${ip}`;
        attempt = 0;
        sub.allocate(`${POOL_OWNER}${pool.name}\u0000${ip}`, { ips: [ip] });
      } catch (e) {
        if (!(e instanceof IpamExcludedError)) throw e; // excluded addresses are never handed out anyway
      }
    }
  }
  if (issues.length) throw new InvalidManifestError(issues);
  const takeFromPool = (x: Claim, candidates: readonly string[]): boolean => {
    const sub = ipamWithMacs.subnet(x.subnet);
    for (const ip of candidates) {
      const holder = sub.ownerOf(ip);
      if (holder !== undefined && !(holder.startsWith(POOL_OWNER) && (x.pool!.name === undefined || holder === `${POOL_OWNER}${x.pool!.name}\u0000${ip}`))) continue;
      if (holder !== undefined) sub.release(holder, { forget: true });
      try {
        allocate(x, { ips: [ip] });
        return true;
      } catch (e) {
        if (!(e instanceof IpamError)) throw e;
      }
    }
    return false;
  };
  // 2. Addresses the ports already have; 3. new ones, in owner order.
  const rest = claims.filter((x) => !assigned.has(x.owner)).sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  const later: typeof rest = [];
  for (const x of rest) {
    const old = options.existing?.get(x.owner);
    if (!old || (old.subnet !== "" && old.subnet !== x.subnet) || old.ips.length === 0) {
      later.push(x);
      continue;
    }
    if (x.pool) {
      if (!old.ips.every((ip) => x.pool!.addresses.includes(ip)) || !takeFromPool(x, old.ips)) later.push(x);
      continue;
    }
    try {
      allocate(x, { ips: old.ips, ...(old.mac ? { mac: old.mac } : {}) });
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      later.push(x);
    }
  }
  for (const x of later) {
    if (x.pool) {
      if (!takeFromPool(x, x.pool.addresses)) issue(x.fieldObject, "metadata.annotations.ovn.kubernetes.io/ip_pool", { kind: "ipam-exhausted", subnet: x.pool.name === undefined ? x.subnet : `${x.subnet} (IPPool ${x.pool.name})` });
      continue;
    }
    try {
      allocate(x, {});
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      issue(x.fieldObject, undefined, { kind: "ipam-exhausted", subnet: x.subnet });
    }
  }
  if (issues.length) throw new InvalidManifestError(issues);

  const vpcs = [...vpcObjects.keys()];
  if (subnets.some((s) => s.vpc === DEFAULT_VPC) && !vpcs.includes(DEFAULT_VPC)) vpcs.unshift(DEFAULT_VPC);
  const pods = placed.map((x) => ({ object: x.pod, port: x.port, subnet: x.subnet, ...assigned.get(x.port)! }));
  const nodes: ResolvedNode[] = byName.has(NODE_SWITCH)
    ? nodeObjs.map((n) => ({ object: n, port: nodePortName(n.name), mac: assigned.get(nodePortName(n.name))!.mac, joinIps: assigned.get(nodePortName(n.name))!.ips, chassis: n.chassis ?? n.name }))
    : [];
  const ips = ipObjects.filter((o) => assigned.has(o.name)).map((o) => ({ object: o, ...assigned.get(o.name)! }));
  const eips = new Map<string, ResolvedEip>(eipObjects.filter((e) => assigned.has(e.name)).map((e) => [e.name, { object: e, ...assigned.get(e.name)! }]));
  const gwChassis = nodes.filter((n) => n.object.labels[EXTERNAL_GW_LABEL] === "true").map((n) => n.chassis);
  const externals: ResolvedExternal[] = externalVpcs
    .filter((v) => assigned.has(externalRouterPortName(v.name)))
    .map((v) => ({ vpc: v.name, subnet: byName.get(EXTERNAL_SUBNET)!, ...assigned.get(externalRouterPortName(v.name))!, chassis: orderGatewayChassis(v.name, gwChassis) }));
  const addressOf = (ipName: string): { subnet: string; ips: readonly string[]; mac: string } | undefined => {
    const a = assigned.get(ipName);
    const c = claimOf.get(ipName);
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
  if (issues.length) throw new InvalidManifestError(issues);
  return { vpcs, vpcObjects, subnets, namespaces, pods, nodes, ips, nat };
}

/** The IPAM owner prefix of a pool's set-aside addresses. */
const POOL_OWNER = "ippool\u0000";

/** An address claim: an object asking the IPAM for a subnet's address. */
interface Claim {
  readonly object: ModelObject;
  readonly ref: string;
  readonly subnet: string;
  readonly owner: string;
  readonly ips?: readonly string[];
  readonly mac?: string;
  readonly pool?: { readonly name: string | undefined; readonly addresses: readonly string[] };
  /** The object and fields an address problem is reported on. */
  readonly fieldObject: ModelObject;
  readonly ipField: string;
  readonly macField: string;
}
