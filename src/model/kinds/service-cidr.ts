/**
 * The cluster's Service CIDRs, as Kube-OVN's controller knows them (pkg/util/servicecidr_store.go
 * at 1533681, `ServiceCIDRStore`): the CIDRs of the Kubernetes `networking.k8s.io/v1`
 * `ServiceCIDR` objects whose `Ready` condition is true, or, when there are none, the value of the
 * controller's `--service-cluster-ip-range` flag (default `10.96.0.0/12`). In the files, a
 * `ServiceCIDR` document plays both parts: give one (as `kubectl get servicecidr -o yaml` prints
 * it, or with only `spec.cidrs`) to set the cluster's range; without any, the model uses
 * Kube-OVN's default range. A `ServiceCIDR` has no OVN rows of its own: the U2O subnets with
 * `enableLb: false` route the Service CIDRs through their nodes (src/model/kinds/u2o-routing.ts).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { ipFamily } from "../../ovn/net.js";
import type { FieldReader, KindReader } from "../load.js";
import type { Source } from "../types.js";

/** Kube-OVN's default `--service-cluster-ip-range` (pkg/controller/config.go), used when the files have no `ServiceCIDR`. */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/12";

/** A Kubernetes `ServiceCIDR` (`networking.k8s.io/v1`, cluster-scoped): the ranges Service cluster IPs come from. */
export interface ServiceCidrObject {
  /** The kind. */
  readonly kind: "ServiceCIDR";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.cidrs`: at most one CIDR per family, as the API server validates them. */
  readonly cidrs: readonly string[];
  /**
   * Whether its `Ready` condition is true (`status.conditions`); true when the document has no
   * `status` (the API server makes a new object ready). A not-ready object counts for nothing, as
   * Kube-OVN's `ReadyServiceCIDRs` skips it.
   */
  readonly ready: boolean;
  /** Where it was read. */
  readonly source: Source;
}

/** Whether `s` is a CIDR in its network form (`10.96.0.0/12`, not `10.96.0.1/12`), as the API server requires. */
function isNetworkCidr(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0 || !/^(0|[1-9][0-9]*)$/.test(s.slice(slash + 1))) return false;
  const fam = ipFamily(s.slice(0, slash));
  if (fam === undefined) return false;
  try {
    const a = fam === 4 ? new Address4(s) : new Address6(s);
    return a.bigInt() === a.startAddress().bigInt();
  } catch {
    return false;
  }
}

function readServiceCidr(r: FieldReader, name: string, _labels: Readonly<Record<string, string>>, source: Source): ServiceCidrObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec", "status"]);
  r.only(["spec"], ["cidrs"]);
  r.only(["status"], ["conditions"]);
  const cidrs = r.strings(["spec", "cidrs"]);
  if (!r.get(["spec", "cidrs"])) r.issue(["spec", "cidrs"], { kind: "missing-field" });
  const families = new Set<number>();
  for (const c of cidrs) {
    const fam = ipFamily(c.slice(0, Math.max(0, c.indexOf("/"))));
    if (!isNetworkCidr(c) || fam === undefined) r.issue(["spec", "cidrs"], { kind: "bad-value", value: c, reason: "not a CIDR in its network form (e.g. 10.96.0.0/12)" });
    else if (families.has(fam)) r.issue(["spec", "cidrs"], { kind: "bad-value", value: cidrs.join(","), reason: "at most one CIDR per IP family (the API server's rule)" });
    else families.add(fam);
  }
  let ready = true;
  const conditions = r.get(["status", "conditions"]);
  if (conditions !== undefined && conditions !== null) {
    if (!Array.isArray(conditions)) r.issue(["status", "conditions"], { kind: "bad-value", value: JSON.stringify(conditions), reason: "expected a list" });
    else {
      conditions.forEach((_, i) => r.only(["status", "conditions", String(i)], ["type", "status", "reason", "message", "lastTransitionTime", "observedGeneration"]));
      const i = conditions.findIndex((c) => c !== null && typeof c === "object" && !Array.isArray(c) && c["type"] === "Ready");
      if (i >= 0) ready = r.str(["status", "conditions", String(i), "status"]) === "True";
    }
  }
  return { kind: "ServiceCIDR", name, cidrs, ready, source };
}

/** The reader of `networking.k8s.io/v1` `ServiceCIDR`. */
export const SERVICE_CIDR_READER: KindReader = { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: ["labels"], read: readServiceCidr };

/**
 * What is wrong with a value of Kube-OVN's `--service-cluster-ip-range` flag (`ovn-ts apply`'s,
 * and `resolveModel`'s `serviceClusterIpRange` option's): one CIDR in its network form, or
 * an IPv4 and an IPv6 one separated by a comma (as Kube-OVN's `SplitStringIP` reads it); undefined
 * when nothing is.
 */
export function serviceClusterIpRangeProblem(value: string): string | undefined {
  const parts = value.split(",").map((c) => c.trim());
  if (parts.length > 2) return "expected one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma";
  for (const c of parts) if (!isNetworkCidr(c)) return `${c === "" ? '""' : c} is not a CIDR in its network form (e.g. 10.96.0.0/12)`;
  if (parts.length === 2 && parts[0]!.includes(":") === parts[1]!.includes(":")) return "two CIDRs of one IP family (expected an IPv4 and an IPv6 one)";
  return undefined;
}

/**
 * The cluster's Service CIDRs as Kube-OVN's `ServiceCIDRStore` merges them: the CIDRs of the ready
 * `ServiceCIDR` objects (each once), sorted as text; when none gives any, `fallback` (Kube-OVN's
 * `--service-cluster-ip-range`: one CIDR, or an IPv4 and an IPv6 one separated by a comma; an entry
 * that is no CIDR is skipped).
 */
export function serviceCidrs(objects: readonly ServiceCidrObject[], fallback: string = DEFAULT_SERVICE_CLUSTER_IP_RANGE): string[] {
  const out = new Set<string>();
  for (const o of objects) if (o.ready) for (const c of o.cidrs) out.add(c.trim());
  // The fallback's entries that are no CIDR are skipped, as the store's merge skips them (CheckProtocol).
  if (out.size === 0) for (const c of fallback.split(",")) if (isNetworkCidr(c.trim())) out.add(c.trim());
  return [...out].sort();
}
