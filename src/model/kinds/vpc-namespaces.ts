/**
 * A custom VPC's `spec.namespaces` and `spec.defaultSubnet`, as Kube-OVN binds namespaces to
 * subnets (pkg/controller/namespace.go `handleAddNamespace`, pkg/controller/subnet.go
 * `validateVpcBySubnet`): a namespace a VPC lists takes the VPC's default subnet before the
 * subnets that name it in their own `namespaces` (except `kube-system`, which a subnet naming it
 * keeps), and when no subnet names it, the VPC's default subnet or else the cluster's default
 * subnet. A pod of the namespace without `ovn.kubernetes.io/logical_switch` gets its port on that
 * subnet: these fields have no OVN rows of their own, they place the pods' ports.
 *
 * @module
 */
import type { ManifestProblem } from "../errors.js";
import { DEFAULT_VPC } from "../naming.js";
import type { ModelObject, NamespaceObject, SubnetObject, VpcObject } from "../types.js";
import type { Fields } from "./fields.js";

/** The namespace Kube-OVN never binds to a VPC's default subnet ahead of a subnet naming it (`metav1.NamespaceSystem`). */
export const NAMESPACE_SYSTEM = "kube-system";

/** `spec.namespaces` and `spec.defaultSubnet` of a `Vpc` (absent when empty). */
export interface VpcNamespaceFields {
  /** `spec.namespaces`: the namespaces that use this VPC. */
  readonly namespaces?: readonly string[];
  /** `spec.defaultSubnet`: the subnet of this VPC their pods use. */
  readonly defaultSubnet?: string;
}

/** Reads `spec.namespaces` (names, none twice) and `spec.defaultSubnet` of a `Vpc` document. */
export function readVpcNamespaces(f: Fields): VpcNamespaceFields {
  const at = ["spec", "namespaces"];
  const namespaces = f.strings(at);
  namespaces.forEach((n, i) => {
    if (namespaces.indexOf(n) !== i) f.issue([...at, String(i)], { kind: "bad-value", value: n, reason: "listed twice" });
  });
  const defaultSubnet = f.str(["spec", "defaultSubnet"]);
  return { ...(namespaces.length ? { namespaces: [...new Set(namespaces)] } : {}), ...(defaultSubnet !== undefined ? { defaultSubnet } : {}) };
}

/** The custom VPC a namespace belongs to, and that VPC's default subnet. */
export interface NamespaceVpc {
  /** The VPC listing the namespace. */
  readonly vpc: string;
  /** Its `defaultSubnet`, when given. */
  readonly defaultSubnet?: string;
}

/**
 * Checks the VPCs' `namespaces` and `defaultSubnet` and the subnets' `namespaces` against them,
 * as Kube-OVN does: namespaces and the default subnet declared, the default subnet a subnet of
 * the VPC, a namespace listed by one VPC only, neither field on the default VPC (its namespaces
 * are all the others, its default subnet the one with `spec.default`); a subnet of a custom VPC
 * that lists namespaces names only those, a subnet of the default VPC none a custom VPC lists.
 * Returns the VPC of each listed namespace.
 */
export function resolveVpcNamespaces(
  vpcs: ReadonlyMap<string, VpcObject>,
  subnets: readonly SubnetObject[],
  namespaces: ReadonlyMap<string, NamespaceObject>,
  issue: (o: ModelObject, field: string, p: ManifestProblem) => void,
): Map<string, NamespaceVpc> {
  const out = new Map<string, NamespaceVpc>();
  const subnetVpc = new Map(subnets.map((s) => [s.name, s.vpc ?? DEFAULT_VPC]));
  for (const v of vpcs.values()) {
    if (v.name === DEFAULT_VPC) {
      if (v.namespaces) issue(v, "spec.namespaces", { kind: "unsupported-value", value: v.namespaces.join(","), reason: `the namespaces of ${DEFAULT_VPC} are every namespace no custom VPC lists` });
      if (v.defaultSubnet !== undefined) issue(v, "spec.defaultSubnet", { kind: "unsupported-value", value: v.defaultSubnet, reason: `the default subnet of ${DEFAULT_VPC} is the Subnet with spec.default (Kube-OVN reads defaultSubnet of custom VPCs only)` });
      continue;
    }
    let defaultSubnet = v.defaultSubnet;
    if (defaultSubnet !== undefined) {
      const of = subnetVpc.get(defaultSubnet);
      if (of === undefined) issue(v, "spec.defaultSubnet", { kind: "unknown-reference", refKind: "Subnet", name: defaultSubnet });
      else if (of !== v.name) issue(v, "spec.defaultSubnet", { kind: "bad-value", value: defaultSubnet, reason: `subnet ${defaultSubnet} is in vpc ${of}` });
      if (of !== v.name) defaultSubnet = undefined;
    }
    for (const [i, ns] of (v.namespaces ?? []).entries()) {
      if (!namespaces.has(ns)) issue(v, `spec.namespaces.${i}`, { kind: "unknown-reference", refKind: "Namespace", name: ns });
      const other = out.get(ns);
      if (other) issue(v, `spec.namespaces.${i}`, { kind: "bad-value", value: ns, reason: `already listed by vpc ${other.vpc}` });
      else out.set(ns, { vpc: v.name, ...(defaultSubnet !== undefined ? { defaultSubnet } : {}) });
    }
  }
  for (const s of subnets) {
    const vpc = s.vpc ?? DEFAULT_VPC;
    const listed = vpcs.get(vpc)?.namespaces;
    s.namespaces.forEach((ns, i) => {
      const owner = out.get(ns)?.vpc;
      if (vpc !== DEFAULT_VPC && listed && !listed.includes(ns)) issue(s, `spec.namespaces.${i}`, { kind: "bad-value", value: ns, reason: `namespace ${ns} is out of range of custom vpc ${vpc} (not in its spec.namespaces)` });
      else if (owner !== undefined && owner !== vpc) issue(s, `spec.namespaces.${i}`, { kind: "bad-value", value: ns, reason: `namespace ${ns} belongs to vpc ${owner} (its spec.namespaces)` });
    });
  }
  return out;
}

/**
 * The subnet of a pod of namespace `ns` without a `logical_switch` annotation: the VPC's default
 * subnet first (not for `kube-system`), then the subnet naming the namespace, then the VPC's
 * default subnet, then the cluster's default subnet.
 */
export function namespaceSubnet(ns: string, vpcOf: ReadonlyMap<string, NamespaceVpc>, bySubnet: ReadonlyMap<string, string>, clusterDefault: string | undefined): string | undefined {
  const v = vpcOf.get(ns);
  if (v?.defaultSubnet !== undefined && ns !== NAMESPACE_SYSTEM) return v.defaultSubnet;
  return bySubnet.get(ns) ?? v?.defaultSubnet ?? clusterDefault;
}
