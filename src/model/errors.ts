/**
 * Errors of the model: one class, {@link InvalidManifestError}, carrying every problem found
 * (each with its file, document, line, object and field) so that nothing is written when any
 * input is wrong.
 *
 * @module
 */
import type { ModelKind, Source } from "./types.js";

/** What is wrong with one input, as a discriminated union on `kind`. */
export type ManifestProblem =
  | { readonly kind: "unreadable"; readonly reason: string }
  | { readonly kind: "yaml-syntax"; readonly reason: string }
  | { readonly kind: "not-an-object" }
  | { readonly kind: "unknown-kind"; readonly apiVersion: string; readonly objectKind: string }
  | { readonly kind: "unsupported-field" }
  | { readonly kind: "unsupported-value"; readonly value: string; readonly reason: string }
  | { readonly kind: "missing-field" }
  | { readonly kind: "bad-value"; readonly value: string; readonly reason: string }
  | { readonly kind: "duplicate-object"; readonly other: Source }
  | { readonly kind: "cidr-overlap"; readonly cidr: string; readonly other: string; readonly otherCidr: string }
  | { readonly kind: "policy-routing-table-conflict"; readonly tableId: number; readonly other: string }
  | { readonly kind: "gateway-outside-cidr"; readonly gateway: string; readonly cidr: string }
  | { readonly kind: "ip-outside-subnet"; readonly ip: string; readonly subnet: string; readonly cidr: string }
  | { readonly kind: "ip-excluded"; readonly ip: string; readonly subnet: string }
  | { readonly kind: "duplicate-ip"; readonly ip: string; readonly other: string }
  | { readonly kind: "duplicate-mac"; readonly mac: string; readonly other: string }
  | { readonly kind: "unknown-reference"; readonly refKind: ModelKind; readonly name: string }
  | { readonly kind: "ipam-exhausted"; readonly subnet: string }
  | { readonly kind: "selector-matches-nothing"; readonly selector: string; readonly what: "pods" | "namespaces" | "nodes" };

/** One problem of the input: where, which object and field, and what. */
export interface ManifestIssue {
  /** Where (the file; document and line when known). */
  readonly source: Source;
  /** The object (kind and name, `namespace/name` for pods), when known. */
  readonly object?: { readonly kind: string; readonly name: string };
  /** The field as a dotted path (`spec.cidrBlock`, `metadata.annotations.ovn.kubernetes.io/ip_address`), when known. */
  readonly field?: string;
  /** What is wrong. */
  readonly problem: ManifestProblem;
}

function describe(p: ManifestProblem): string {
  switch (p.kind) {
    case "unreadable":
      return `cannot read: ${p.reason}`;
    case "yaml-syntax":
      return `invalid YAML: ${p.reason}`;
    case "not-an-object":
      return "not an object (a mapping with apiVersion, kind and metadata)";
    case "unknown-kind":
      return `unknown kind ${p.apiVersion}/${p.objectKind} (supported: kubeovn.io/v1 Vpc, Subnet, Vlan, ProviderNetwork, IP, IPPool, OvnEip, OvnFip, OvnSnatRule and OvnDnatRule; v1 Namespace, Pod, Node and Service; networking.k8s.io/v1 NetworkPolicy and ServiceCIDR)`;
    case "unsupported-field":
      return "field not supported by this model";
    case "unsupported-value":
      return `value ${JSON.stringify(p.value)} not supported: ${p.reason}`;
    case "missing-field":
      return "required field missing";
    case "bad-value":
      return `invalid value ${JSON.stringify(p.value)}: ${p.reason}`;
    case "duplicate-object":
      return `defined twice (first at ${p.other.file}:${p.other.line})`;
    case "cidr-overlap":
      return `${p.cidr} overlaps ${p.otherCidr} of subnet ${p.other} in the same VPC`;
    case "policy-routing-table-conflict":
      return `policy routing table ID ${p.tableId}${p.tableId === 0 ? " (absent)" : ""} is also that of subnet ${p.other}, in the same VPC and vlan, both with externalEgressGateway (Kube-OVN's webhook refuses it)`;
    case "gateway-outside-cidr":
      return `gateway ${p.gateway} is not inside ${p.cidr}`;
    case "ip-outside-subnet":
      return `IP ${p.ip} is outside subnet ${p.subnet} (${p.cidr})`;
    case "ip-excluded":
      return `IP ${p.ip} is excluded (excludeIps or gateway) in subnet ${p.subnet}`;
    case "duplicate-ip":
      return `IP ${p.ip} is also the fixed IP of ${p.other}`;
    case "duplicate-mac":
      return `MAC ${p.mac} is also the fixed MAC of ${p.other}`;
    case "unknown-reference":
      return `${p.refKind.toLowerCase()} ${p.name} is not defined`;
    case "ipam-exhausted":
      return `subnet ${p.subnet} has no free address left`;
    case "selector-matches-nothing":
      return `selector ${p.selector} matches no ${p.what} of the model`;
  }
}

/** One issue as a line: `FILE:LINE (document N): kind/name: field: what`. */
export function formatIssue(i: ManifestIssue): string {
  const where = `${i.source.file}${i.source.line > 0 ? `:${i.source.line}` : ""} (document ${i.source.document + 1})`;
  const obj = i.object ? ` ${i.object.kind.toLowerCase()}/${i.object.name}:` : "";
  const field = i.field ? ` ${i.field}:` : "";
  return `${where}:${obj}${field} ${describe(i.problem)}`;
}

/** The manifests are invalid: every issue found, nothing written. */
export class InvalidManifestError extends Error {
  override readonly name = "InvalidManifestError";
  constructor(
    /** Every problem found (at least one). */
    readonly issues: readonly ManifestIssue[],
  ) {
    super(issues.map(formatIssue).join("\n"));
  }
}
