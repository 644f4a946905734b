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
import { DEFAULT_SUBNET, DEFAULT_VPC, deterministicMac, podPortName } from "./naming.js";
import { type NetworkPolicyObject, type ResolvedNetworkPolicy, checkPortGroupCollisions, podsByLabel, podsByNamespace, resolveNetworkPolicy } from "./kinds/network-policy.js";
import { type ResolvedService, type ServiceObject, resolveService } from "./kinds/service.js";
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
  /** The NetworkPolicies, compiled (none when absent). */
  readonly networkPolicies?: readonly ResolvedNetworkPolicy[];
  /** The Services, with their VIPs (none when absent). */
  readonly services?: readonly ResolvedService[];
}

/** Addresses a pod's port already has (from the database), by port name. */
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
  return { kind: o.kind, name: NAMESPACED_KINDS.has(o.kind) && "namespace" in o ? `${o.namespace}/${o.name}` : o.name };
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
  const policyObjects: NetworkPolicyObject[] = [];
  const serviceObjects: ServiceObject[] = [];
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
    else if (o.kind === "NetworkPolicy") policyObjects.push(o);
    else if (o.kind === "Service") serviceObjects.push(o);
    else podObjects.push(o);
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
    if (!ok) continue;
    cidrsOf.set(s.name, cidrs);
    const excl = [...s.excludeIps];
    for (const g of gateways) if (!excl.includes(g)) excl.push(g);
    subnets.push({ object: s, vpc, cidrs: cidrs.map((c) => c.text), gateways, networks: gateways.map((g, i) => `${g}/${cidrs[i]!.len}`), excludeIps: excl });
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
  if (issues.length) throw new InvalidManifestError(issues);

  const assigned = new Map<string, { mac: string; ips: string[] }>();
  const allocate = (x: (typeof placed)[number], opts: { ips?: readonly string[]; mac?: string }): void => {
    macSeed = x.port;
    attempt = 0;
    const a = ipamWithMacs.allocate(x.subnet, x.port, opts);
    assigned.set(x.port, { mac: a.mac, ips: [a.ipv4, a.ipv6].filter((v): v is string => v !== undefined) });
  };
  const ownerName = (port: string) => placed.find((x) => x.port === port)?.pod;
  const ipField = "metadata.annotations.ovn.kubernetes.io/ip_address";
  // 1. Fixed addresses, in file order.
  for (const x of placed) {
    const p = x.pod;
    if (p.ipAddress === undefined && p.macAddress === undefined) continue;
    for (const ip of p.ipAddress ?? []) if (!bigOf(ip)) issue(p, ipField, { kind: "bad-value", value: ip, reason: "not an IP address" });
    if ((p.ipAddress ?? []).some((ip) => !bigOf(ip))) continue;
    try {
      allocate(x, { ...(p.ipAddress ? { ips: p.ipAddress } : {}), ...(p.macAddress ? { mac: p.macAddress.toLowerCase() } : {}) });
    } catch (e) {
      const s = byName.get(x.subnet)!;
      if (e instanceof IpamOutOfRangeError) issue(p, ipField, { kind: "ip-outside-subnet", ip: e.address, subnet: x.subnet, cidr: s.cidrs.join(",") });
      else if (e instanceof IpamExcludedError) issue(p, ipField, { kind: "ip-excluded", ip: e.address, subnet: x.subnet });
      else if (e instanceof IpamConflictError) {
        const other = ownerName(e.owner);
        const otherName = other ? `pod/${other.namespace}/${other.name}` : e.owner;
        if (isMac(e.address)) issue(p, "metadata.annotations.ovn.kubernetes.io/mac_address", { kind: "duplicate-mac", mac: e.address, other: otherName });
        else issue(p, ipField, { kind: "duplicate-ip", ip: e.address, other: otherName });
      } else if (e instanceof IpamExhaustedError) issue(p, ipField, { kind: "ipam-exhausted", subnet: x.subnet });
      else if (e instanceof Error) issue(p, ipField, { kind: "bad-value", value: (p.ipAddress ?? []).join(","), reason: e.message });
      else throw e;
    }
  }
  if (issues.length) throw new InvalidManifestError(issues);
  // 2. Addresses the ports already have; 3. new ones, in port-name order.
  const rest = placed.filter((x) => !assigned.has(x.port)).sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
  const later: typeof rest = [];
  for (const x of rest) {
    const old = options.existing?.get(x.port);
    if (!old || old.subnet !== x.subnet) {
      later.push(x);
      continue;
    }
    try {
      allocate(x, { ips: old.ips, mac: old.mac });
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      later.push(x);
    }
  }
  for (const x of later) {
    try {
      allocate(x, {});
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      issue(x.pod, undefined, { kind: "ipam-exhausted", subnet: x.subnet });
    }
  }
  if (issues.length) throw new InvalidManifestError(issues);

  const vpcs = [...vpcObjects.keys()];
  if (subnets.some((s) => s.vpc === DEFAULT_VPC) && !vpcs.includes(DEFAULT_VPC)) vpcs.unshift(DEFAULT_VPC);
  const pods = placed.map((x) => ({ object: x.pod, port: x.port, subnet: x.subnet, ...assigned.get(x.port)! }));
  // NetworkPolicies and Services: selectors resolved against the pods and namespaces.
  const subnetByName = new Map(subnets.map((s) => [s.object.name, s]));
  checkPortGroupCollisions(policyObjects, issues);
  const byNamespace = podsByNamespace(pods);
  const byLabel = policyObjects.length ? podsByLabel(pods) : undefined;
  const networkPolicies = policyObjects.map((np) => resolveNetworkPolicy(np, { pods, namespaces, subnets: subnetByName, byNamespace, ...(byLabel ? { byLabel } : {}) }, issues));
  const services = serviceObjects.map((svc) => resolveService(svc, pods, namespaces, (sub) => subnetByName.get(sub)!.vpc, issues, byNamespace));
  if (issues.length) throw new InvalidManifestError(issues);
  return {
    vpcs,
    vpcObjects,
    subnets,
    namespaces,
    pods,
    ...(networkPolicies.length ? { networkPolicies: networkPolicies as ResolvedNetworkPolicy[] } : {}),
    ...(services.length ? { services: services as ResolvedService[] } : {}),
  };
}
