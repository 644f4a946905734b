/**
 * Kube-OVN's `IP` and `IPPool` (`kubeovn.io/v1`, pkg/controller/ip.go, ippool.go), as the model's
 * IPAM honours them. An `IP` reserves an address (and MAC) of a subnet: named `POD.NAMESPACE` with
 * `podName`/`namespace`, it is that pod's address (as Kube-OVN's controller finds a pre-created IP
 * by the pod's port name); without a pod it is only reserved (no OVN row, as in Kube-OVN). An
 * `IPPool` sets addresses of a subnet aside for the pods of its `namespaces` (and for pods naming
 * it in `ovn.kubernetes.io/ip_pool`): other pods never get them. Conflicts (an address outside its
 * subnet, excluded, given twice, two pools overlapping) are errors naming file, object and field.
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { ipFamily, isMac } from "../../ovn/net.js";
import type { FieldReader, KindReader } from "../load.js";
import type { Source } from "../types.js";

/** A Kube-OVN `IP` (`kubeovn.io/v1`, cluster-scoped). */
export interface IpObject {
  /** The kind. */
  readonly kind: "IP";
  /** `metadata.name` (`POD.NAMESPACE` for a pod's IP). */
  readonly name: string;
  /** `spec.subnet`. */
  readonly subnet: string;
  /** `spec.podName`, with `spec.namespace`: the pod the address is for. */
  readonly podName: string | undefined;
  /** `spec.namespace` (`default` when `podName` is given without it). */
  readonly namespace: string | undefined;
  /** `spec.v4IpAddress` / `v6IpAddress` / `ipAddress` (comma-separated), merged: one per family at most. */
  readonly ips: readonly string[];
  /** `spec.macAddress`. */
  readonly macAddress: string | undefined;
  /** Where it was read. */
  readonly source: Source;
}

/** A Kube-OVN `IPPool` (`kubeovn.io/v1`, cluster-scoped). */
export interface IpPoolObject {
  /** The kind. */
  readonly kind: "IPPool";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.subnet`. */
  readonly subnet: string;
  /** `spec.ips`: addresses, ranges `a..b` and CIDRs. */
  readonly ips: readonly string[];
  /** `spec.namespaces`: their pods take addresses from the pool. */
  readonly namespaces: readonly string[];
  /** Where it was read. */
  readonly source: Source;
}

/** The most addresses one pool may hold (each is reserved one by one). */
export const MAX_POOL_ADDRESSES = 65536;

function isPlainIp(s: string): boolean {
  return ipFamily(s) !== undefined && !s.includes("/");
}

function readIp(r: FieldReader, name: string, _labels: Readonly<Record<string, string>>, source: Source): IpObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["subnet", "podName", "namespace", "ipAddress", "v4IpAddress", "v6IpAddress", "macAddress"]);
  const ips: string[] = [];
  const add = (field: string, v: string | undefined) => {
    for (const ip of (v ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "")) {
      if (!isPlainIp(ip)) r.issue(["spec", field], { kind: "bad-value", value: ip, reason: "not an IP address" });
      else if ((field === "v4IpAddress" && ipFamily(ip) !== 4) || (field === "v6IpAddress" && ipFamily(ip) !== 6)) r.issue(["spec", field], { kind: "bad-value", value: ip, reason: `not an IPv${field[1]} address` });
      else if (ips.some((x) => ipFamily(x) === ipFamily(ip) && x !== ip)) r.issue(["spec", field], { kind: "bad-value", value: ip, reason: `a second IPv${ipFamily(ip)} address` });
      else if (!ips.includes(ip)) ips.push(ip);
    }
  };
  add("v4IpAddress", r.str(["spec", "v4IpAddress"]));
  add("v6IpAddress", r.str(["spec", "v6IpAddress"]));
  add("ipAddress", r.str(["spec", "ipAddress"]));
  const mac = r.str(["spec", "macAddress"]);
  if (mac !== undefined && !isMac(mac)) r.issue(["spec", "macAddress"], { kind: "bad-value", value: mac, reason: "not a MAC address" });
  const podName = r.str(["spec", "podName"]);
  let namespace = r.str(["spec", "namespace"]);
  if (namespace !== undefined && podName === undefined) r.issue(["spec", "namespace"], { kind: "bad-value", value: namespace, reason: "namespace without podName" });
  if (podName !== undefined) {
    namespace ??= "default";
    if (name !== `${podName}.${namespace}`) r.issue(["metadata", "name"], { kind: "bad-value", value: name, reason: `the IP of pod ${namespace}/${podName} is named ${podName}.${namespace} (the pod's port name, as Kube-OVN looks it up)` });
  }
  return { kind: "IP", name, subnet: r.str(["spec", "subnet"], true) ?? "", podName, namespace, ips, macAddress: mac?.toLowerCase(), source };
}

function readIpPool(r: FieldReader, name: string, _labels: Readonly<Record<string, string>>, source: Source): IpPoolObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["subnet", "ips", "namespaces", "enableAddressSet"]);
  if (r.bool(["spec", "enableAddressSet"])) r.issue(["spec", "enableAddressSet"], { kind: "unsupported-value", value: "true", reason: "the pool's address set is not made by this model" });
  const ips = r.strings(["spec", "ips"]);
  if (ips.length === 0 && r.get(["spec", "ips"]) === undefined) r.issue(["spec", "ips"], { kind: "missing-field" });
  ips.forEach((x, i) => {
    if (poolEntry(x) === undefined) r.issue(["spec", "ips", String(i)], { kind: "bad-value", value: x, reason: "expected an IP, a range IP..IP or a CIDR" });
  });
  return { kind: "IPPool", name, subnet: r.str(["spec", "subnet"], true) ?? "", ips, namespaces: r.strings(["spec", "namespaces"]), source };
}

/** The reader of `kubeovn.io/v1` `IP`. */
export const IP_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "IP", metadata: ["labels"], read: readIp };
/** The reader of `kubeovn.io/v1` `IPPool`. */
export const IP_POOL_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "IPPool", metadata: ["labels"], read: readIpPool };

/** One entry of a pool as an inclusive range. */
export interface PoolRange {
  /** The address family. */
  readonly family: 4 | 6;
  /** First address. */
  readonly lo: bigint;
  /** Last address. */
  readonly hi: bigint;
}

function big(ip: string): { family: 4 | 6; n: bigint } | undefined {
  const f = ipFamily(ip);
  if (f === undefined || ip.includes("/")) return undefined;
  try {
    return { family: f, n: f === 4 ? new Address4(ip).bigInt() : new Address6(ip).bigInt() };
  } catch {
    return undefined;
  }
}

/** An `IPPool` entry (`IP`, `IP..IP` or a CIDR) as a range, or `undefined` when malformed. */
export function poolEntry(s: string): PoolRange | undefined {
  const t = s.trim();
  if (t.includes("..")) {
    const [a, b] = t.split("..").map((x) => big(x.trim()));
    if (!a || !b || a.family !== b.family || b.n < a.n) return undefined;
    return { family: a.family, lo: a.n, hi: b.n };
  }
  if (t.includes("/")) {
    const f = ipFamily(t.split("/")[0]!);
    if (f === undefined) return undefined;
    try {
      const a = f === 4 ? new Address4(t) : new Address6(t);
      return { family: f, lo: a.startAddress().bigInt(), hi: a.endAddress().bigInt() };
    } catch {
      return undefined;
    }
  }
  const a = big(t);
  return a && { family: a.family, lo: a.n, hi: a.n };
}

/** The addresses of a pool's entries, in order, without duplicates; `undefined` when there are more than {@link MAX_POOL_ADDRESSES}. */
export function poolAddresses(entries: readonly string[]): string[] | undefined {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const r = poolEntry(e);
    if (!r) continue;
    if (r.hi - r.lo + BigInt(out.length) >= BigInt(MAX_POOL_ADDRESSES)) return undefined;
    for (let n = r.lo; n <= r.hi; n++) {
      const text = (r.family === 4 ? Address4.fromBigInt(n) : Address6.fromBigInt(n)).correctForm();
      if (seen.has(text)) continue;
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}

/** The entries of a pod's `ovn.kubernetes.io/ip_pool` annotation (`;` or `,` separated). */
export function podPoolEntries(annotation: string): string[] {
  return annotation.split(/[;,]/).map((x) => x.trim()).filter((x) => x !== "");
}
