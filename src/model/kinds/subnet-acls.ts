/**
 * A subnet's `spec.acls` and `spec.allowEWTraffic`, as Kube-OVN's `UpdateLogicalSwitchACL`
 * (pkg/ovs/ovn-nb-acl.go) writes them: each entry an `ACL` on the subnet's switch (`direction`,
 * `priority`, `match`, `action`, tier 2 on schemas with `tier`), `external_ids` `parent` = the
 * switch (the owner key, as on every Kube-OVN switch ACL) and `subnet` = the switch; with
 * `allowEWTraffic` (and at least one ACL: Kube-OVN writes none without), an `allow` of the
 * subnet's traffic to itself at priority 1900 in each direction, per CIDR.
 *
 * @module
 */
import { NETPOL_ACL_TIER } from "../naming.js";
import type { SubnetObject } from "../types.js";
import type { Fields } from "./fields.js";

/** The ACL actions OVN accepts (ovn-nb(5) `ACL.action`). */
export const SUBNET_ACL_ACTIONS = ["allow", "allow-related", "allow-stateless", "drop", "reject", "pass"] as const;

/** Kube-OVN's `AllowEWTrafficPriority`. */
export const ALLOW_EW_TRAFFIC_PRIORITY = 1900;

/** One entry of `spec.acls`. */
export interface SubnetAclEntry {
  /** `direction`. */
  readonly direction: "from-lport" | "to-lport";
  /** `priority` (0..32767). */
  readonly priority: number;
  /** `match`. */
  readonly match: string;
  /** `action`. */
  readonly action: (typeof SUBNET_ACL_ACTIONS)[number];
}

/** An ACL of a subnet's spec as the switch's ACL sync takes it. */
export interface SubnetSpecAcl extends SubnetAclEntry {
  /** `external_ids` (`subnet`). */
  readonly external_ids: Readonly<Record<string, string>>;
  /** Tier 2 on schemas with ACL `tier`. */
  readonly tier?: number;
}

/**
 * Reads `spec.acls` of a `Subnet` document: `direction` (`from-lport`, `to-lport`), `priority`
 * (0..32767), `match` and `action` required, no two entries with one direction, priority and
 * match (OVN's key of an ACL).
 */
export function readSubnetAcls(f: Fields): SubnetAclEntry[] {
  const out: SubnetAclEntry[] = [];
  const seen = new Map<string, number>();
  const at = ["spec", "acls"];
  for (const [i] of (f.list(at) ?? []).entries()) {
    const p = [...at, String(i)];
    if (f.map(p) === undefined) continue;
    f.only(p, ["direction", "priority", "match", "action"]);
    const direction = f.oneOf([...p, "direction"], ["from-lport", "to-lport"] as const);
    if (direction === undefined && !f.has([...p, "direction"])) f.issue([...p, "direction"], { kind: "missing-field" });
    const priority = f.int([...p, "priority"], 0, 32767, true);
    const match = f.str([...p, "match"], true);
    const action = f.oneOf([...p, "action"], SUBNET_ACL_ACTIONS);
    if (action === undefined && !f.has([...p, "action"])) f.issue([...p, "action"], { kind: "missing-field" });
    if (direction === undefined || priority === undefined || match === undefined || action === undefined) continue;
    const k = `${direction}\u0000${priority}\u0000${match}`;
    const other = seen.get(k);
    if (other !== undefined) {
      f.issue(p, { kind: "bad-value", value: `${direction} ${priority} ${match}`, reason: `the same direction, priority and match as spec.acls.${other}` });
      continue;
    }
    seen.set(k, i);
    out.push({ direction, priority, match, action });
  }
  return out;
}

/** The ACLs a subnet's `acls` and `allowEWTraffic` put on its switch (none without `acls`, as Kube-OVN). */
export function subnetSpecAcls(s: SubnetObject, cidrs: readonly string[], withTier: boolean): SubnetSpecAcl[] {
  const acls = s.acls ?? [];
  if (acls.length === 0) return [];
  const ext = { subnet: s.name };
  const tier = withTier ? { tier: NETPOL_ACL_TIER } : {};
  const out: SubnetSpecAcl[] = [];
  if (s.allowEWTraffic) {
    for (const cidr of cidrs) {
      const ip = cidr.includes(":") ? "ip6" : "ip4";
      const match = `${ip}.src == ${cidr} && ${ip}.dst == ${cidr}`;
      for (const direction of ["to-lport", "from-lport"] as const) out.push({ direction, priority: ALLOW_EW_TRAFFIC_PRIORITY, match, action: "allow", external_ids: ext, ...tier });
    }
  }
  for (const a of acls) out.push({ ...a, external_ids: ext, ...tier });
  return out;
}
