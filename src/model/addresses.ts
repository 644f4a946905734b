/**
 * Address assignment of the model: every object that asks for an address of a subnet (a pod's
 * port, a node's join port, an `IP`, an `OvnEip`, a VPC's external router port) is a claim, given
 * its address through the SDK's {@link Ipam}: fixed addresses first (in file order), then the
 * addresses an `IPPool` sets aside, then the addresses the port already has in the database, then
 * new ones in owner order (deterministic).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { Ipam, IpamConflictError, IpamError, IpamExcludedError, IpamExhaustedError, IpamOutOfRangeError, type MacGenerator } from "../ovn/ipam.js";
import { ipFamily, isMac } from "../ovn/net.js";
import { InvalidManifestError, type ManifestIssue, type ManifestProblem } from "./errors.js";
import { type IpObject, type IpPoolObject, poolAddresses } from "./kinds/ip.js";
import { type OvnEipObject, externalRouterPortName } from "./kinds/nat.js";
import { type ExternalConnection, externalConnectionsOf } from "./kinds/vpc-extras.js";
import { type NodeObject, nodePortName } from "./kinds/node.js";
import { mcastQuerierName } from "./kinds/subnet-extras.js";
import { u2oOwnerName } from "./kinds/subnet-u2o.js";
import { NODE_SWITCH, deterministicMac } from "./naming.js";
import type { ExistingAddresses, ResolvedSubnet } from "./resolve.js";
import { type Manifest, type ModelObject, type NamespaceObject, type PodObject, type VpcObject, objectRef } from "./types.js";

/** An IP address as a family and a number (undefined when not an address). */
export function bigOf(ip: string): { family: 4 | 6; n: bigint } | undefined {
  const f = ipFamily(ip);
  if (f === undefined || ip.includes("/")) return undefined;
  try {
    return { family: f, n: f === 4 ? new Address4(ip).bigInt() : new Address6(ip).bigInt() };
  } catch {
    return undefined;
  }
}

/** The text of address `n` of `family`. */
export function ipText(family: 4 | 6, n: bigint): string {
  return (family === 4 ? Address4.fromBigInt(n) : Address6.fromBigInt(n)).correctForm();
}

/** What {@link assignAddresses} reads of the model being resolved. */
export interface ClaimContext {
  /** The manifest (its order is the order of fixed addresses). */
  readonly manifest: Manifest;
  /** The objects of a kind (duplicates dropped). */
  readonly byKind: <K extends ModelObject["kind"]>(k: K) => Extract<ModelObject, { kind: K }>[];
  /** The pods placed on their subnets, with their port names. */
  readonly placed: readonly { readonly pod: PodObject; readonly subnet: string; readonly port: string }[];
  /** The subnets the files declare (valid or not). */
  readonly declared: ReadonlySet<string>;
  /** The valid subnets, by name. */
  readonly subnets: ReadonlyMap<string, ResolvedSubnet>;
  /** The namespaces. */
  readonly namespaces: ReadonlyMap<string, NamespaceObject>;
  /** The VPCs of the files. */
  readonly vpcObjects: ReadonlyMap<string, VpcObject>;
  /** Addresses the ports already have. */
  readonly existing: ExistingAddresses | undefined;
  /** Reports an issue of an object's field. */
  readonly issue: (o: ModelObject, field: string | undefined, problem: ManifestProblem) => void;
  /** The issues so far (a non-empty list stops the assignment with {@link InvalidManifestError}). */
  readonly issues: readonly ManifestIssue[];
}

/** What {@link assignAddresses} gives back: the addresses by owner, and the objects that claimed some. */
export interface AssignedAddresses {
  /** MAC and IPs by owner (port name, or the `IP`/`OvnEip` name). */
  readonly assigned: ReadonlyMap<string, { readonly mac: string; readonly ips: string[] }>;
  /** The claim of an owner. */
  readonly claimOf: (owner: string) => Claim | undefined;
  /** The `IP` objects. */
  readonly ipObjects: readonly IpObject[];
  /** The nodes. */
  readonly nodeObjs: readonly NodeObject[];
  /** The EIPs. */
  readonly eipObjects: readonly OvnEipObject[];
  /** The external connections of the VPCs with `enableExternal` (VPC and external subnet). */
  readonly externalConnections: readonly ExternalConnection[];
}

/**
 * Checks the address claims of every kind and assigns them addresses. Throws
 * {@link InvalidManifestError} with every issue found (those of `ctx.issues` too).
 */
export function assignAddresses(ctx: ClaimContext): AssignedAddresses {
  const { manifest, byKind, placed, declared, subnets: byName, namespaces, vpcObjects, issue, issues } = ctx;
  const options = { existing: ctx.existing };
  let macSeed = "";
  let attempt = 0;
  const macs: MacGenerator = { next: () => deterministicMac(macSeed, attempt++) };
  const ipamWithMacs = new Ipam({ macs });
  for (const s of byName.values()) ipamWithMacs.addSubnet(s.object.name, s.cidrs.join(","), { excludeIps: s.excludeIps });
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
  for (let xi = 0; xi < placed.length; xi++) {
    const x = placed[xi]!;
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
    // One shape for every pod's claim (absent fields undefined): 10,000 of them are made.
    const fromIp = ipObj?.podName !== undefined && !p.ipAddress;
    claims.push({ object: p, subnet: x.subnet, owner: x.port, ips, mac, pool, ipField: fromIp ? "spec.v4IpAddress" : ipField, macField, fieldObject: fromIp ? ipObj : p });
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
    claims.push({ object: o, subnet: o.subnet, owner: o.name, ...(o.ips.length ? { ips: o.ips } : {}), ...(o.macAddress ? { mac: o.macAddress } : {}), ipField: "spec.v4IpAddress", macField: "spec.macAddress", fieldObject: o });
  }
  const nodeObjs: NodeObject[] = byKind("Node");
  if (nodeObjs.length && !byName.has(NODE_SWITCH)) for (const n of nodeObjs) issue(n, "metadata.name", { kind: "unknown-reference", refKind: "Subnet", name: NODE_SWITCH });
  const chassisOf = new Map<string, string>();
  for (const n of nodeObjs) {
    const ch = n.chassis ?? n.name;
    if (chassisOf.has(ch)) issue(n, "metadata.annotations.ovn.kubernetes.io/chassis", { kind: "bad-value", value: ch, reason: `node ${chassisOf.get(ch)} has the same chassis` });
    else chassisOf.set(ch, n.name);
    if (n.joinMac !== undefined && !isMac(n.joinMac)) issue(n, macField, { kind: "bad-value", value: n.joinMac, reason: "not a MAC address" });
    for (const ip of n.joinIps ?? []) if (!bigOf(ip)) issue(n, ipField, { kind: "bad-value", value: ip, reason: "not an IP address" });
    if (!byName.has(NODE_SWITCH)) continue;
    claims.push({ object: n, subnet: NODE_SWITCH, owner: nodePortName(n.name), ...(n.joinIps ? { ips: n.joinIps } : {}), ...(n.joinMac ? { mac: n.joinMac.toLowerCase() } : {}), ipField, macField, fieldObject: n });
  }
  const eipObjects: OvnEipObject[] = byKind("OvnEip");
  for (const e of eipObjects) {
    if (!declared.has(e.externalSubnet)) {
      issue(e, "spec.externalSubnet", { kind: "unknown-reference", refKind: "Subnet", name: e.externalSubnet });
      continue;
    }
    if (e.macAddress !== undefined && !isMac(e.macAddress)) issue(e, "spec.macAddress", { kind: "bad-value", value: e.macAddress, reason: "not a MAC address" });
    if (!byName.has(e.externalSubnet)) continue;
    claims.push({ object: e, subnet: e.externalSubnet, owner: e.name, ...(e.ips.length ? { ips: e.ips } : {}), ...(e.macAddress ? { mac: e.macAddress } : {}), ipField: "spec.v4Ip", macField: "spec.macAddress", fieldObject: e });
  }
  // A subnet with enableMulticastSnoop: its querier's address (Kube-OVN's IP mcast-querier.SUBNET; src/model/kinds/subnet-extras.ts).
  for (const sub of byName.values())
    if (sub.object.enableMulticastSnoop) claims.push({ object: sub.object, subnet: sub.object.name, owner: mcastQuerierName(sub.object.name), ipField: "spec.enableMulticastSnoop", macField: "spec.enableMulticastSnoop", fieldObject: sub.object });
  // A U2O underlay subnet: its interconnection address (Kube-OVN's IP u2o-interconnection.VPC.SUBNET; src/model/kinds/subnet-u2o.ts).
  for (const sub of byName.values()) {
    const o = sub.object;
    if (o.u2oInterconnection) claims.push({ object: o, subnet: o.name, owner: u2oOwnerName(sub.vpc, o.name), ...(o.u2oInterconnectionIP ? { ips: o.u2oInterconnectionIP } : {}), ipField: "spec.u2oInterconnectionIP", macField: "spec.u2oInterconnection", fieldObject: o });
  }
  // A VPC with enableExternal: a router port on each of its external subnets (src/model/kinds/vpc-extras.ts).
  const externalConnections = externalConnectionsOf(vpcObjects, declared, byName, issue);
  for (const x of externalConnections) {
    const v = x.vpc;
    claims.push({ object: v, subnet: x.subnet, owner: externalRouterPortName(v.name, x.subnet), ipField: x.field, macField: x.field, fieldObject: v });
  }
  if (issues.length) throw new InvalidManifestError(issues);

  const assigned = new Map<string, { mac: string; ips: string[] }>();
  const allocate = (x: Claim, opts: { ips?: readonly string[]; mac?: string }): void => {
    macSeed = x.owner;
    attempt = 0;
    const a = ipamWithMacs.allocate(x.subnet, x.owner, opts);
    const ips: string[] = [];
    if (a.ipv4 !== undefined) ips.push(a.ipv4);
    if (a.ipv6 !== undefined) ips.push(a.ipv6);
    assigned.set(x.owner, { mac: a.mac, ips });
  };
  // The claims by owner, for messages and lookups of a few owners: indexed on first use.
  let byOwner: Map<string, Claim> | undefined;
  const claimOf = (owner: string): Claim | undefined => (byOwner ??= new Map(claims.map((c) => [c.owner, c]))).get(owner);
  const holderName = (owner: string) => {
    const c = claimOf(owner);
    return c ? objectRef(c.object) : owner;
  };
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
  const fixed = claims.filter((x) => x.ips !== undefined || x.mac !== undefined);
  if (fixed.length > 1) {
    // the file positions of the fixed claims' objects only (not of every object)
    const position = new Map<ModelObject, number>(fixed.map((x) => [x.object, 0]));
    const objects = manifest.objects;
    for (let i = 0; i < objects.length; i++) if (position.has(objects[i]!)) position.set(objects[i]!, i);
    fixed.sort((a, b) => position.get(a.object)! - position.get(b.object)!);
  }
  for (const x of fixed) {
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
  for (let xi = 0; xi < claims.length; xi++) {
    const x = claims[xi]!;
    if (x.pool?.name !== undefined) (poolUsers.get(x.pool.name) ?? poolUsers.set(x.pool.name, new Set()).get(x.pool.name)!).add(x.owner);
  }
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
        if (!poolUsers.get(pool.name)?.has(holder)) issue(claimOf(holder)?.fieldObject ?? pool, claimOf(holder)?.ipField ?? "spec.ips", { kind: "bad-value", value: ip, reason: `the address is in IPPool ${pool.name} (a pool's addresses are only for its pods)` });
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
  for (let xi = 0; xi < rest.length; xi++) {
    const x = rest[xi]!;
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
      allocate(x, old.mac ? { ips: old.ips, mac: old.mac } : { ips: old.ips });
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      later.push(x);
    }
  }
  for (let xi = 0; xi < later.length; xi++) {
    const x = later[xi]!;
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
  return { assigned, claimOf, ipObjects, nodeObjs, eipObjects, externalConnections };
}

/** The IPAM owner prefix of a pool's set-aside addresses. */
const POOL_OWNER = "ippool\u0000";

/** An address claim: an object asking the IPAM for a subnet's address. */
export interface Claim {
  /** The object claiming. */
  readonly object: ModelObject;
  /** The subnet. */
  readonly subnet: string;
  /** The IPAM owner (port name, or the object's name). */
  readonly owner: string;
  /** Fixed IPs, when given. */
  readonly ips?: readonly string[];
  /** Fixed MAC, when given. */
  readonly mac?: string;
  /** The pool the address comes from (a named `IPPool`, or a pod's list of IPs). */
  readonly pool?: { readonly name: string | undefined; readonly addresses: readonly string[] };
  /** The object an address problem is reported on. */
  readonly fieldObject: ModelObject;
  /** The field of a bad IP. */
  readonly ipField: string;
  /** The field of a bad MAC. */
  readonly macField: string;
}
