/**
 * A private subnet's ACLs (`spec.private`, `spec.allowSubnets`), as Kube-OVN's
 * `SetLogicalSwitchPrivate` (pkg/ovs/ovn-nb-acl.go) writes them on the subnet's switch.
 *
 * @module
 */
import { ACL_PRIORITY, NETPOL_ACL_TIER } from "../naming.js";
import type { ResolvedSubnet } from "../resolve.js";

/** One ACL of a private subnet (ovn-nb(5) `ACL` columns). */
export interface SubnetAcl {
  /** Always `to-lport` (ingress of the subnet's ports). */
  readonly direction: "to-lport";
  /** Kube-OVN's priority. */
  readonly priority: number;
  /** The match. */
  readonly match: string;
  /** `drop` or `allow-related`. */
  readonly action: "drop" | "allow-related";
  /** Logged (the default drop). */
  readonly log?: boolean;
  /** Log severity (the default drop). */
  readonly severity?: "warning";
  /** The ACL name (the default drop: the switch's name). */
  readonly name?: string;
  /** The ACL tier, on NB schemas that have it. */
  readonly tier?: number;
}

/**
 * The ACLs Kube-OVN's `SetLogicalSwitchPrivate` puts on a private subnet's switch (to-lport, tier
 * 2): drop all IP at 1000 (logged, severity warning, named after the switch), allow the subnet to
 * itself and to/from each `allowSubnets` CIDR at 1001, allow from the node switch at 3000. None for
 * a subnet that is not private.
 */
export function privateSubnetAcls(s: ResolvedSubnet, nodeSwitchCidr: string, withTier: boolean): SubnetAcl[] {
  if (!s.object.private) return [];
  const ls = s.object.name;
  const tier = withTier ? { tier: NETPOL_ACL_TIER } : {};
  const out: SubnetAcl[] = [
    { direction: "to-lport", priority: ACL_PRIORITY.defaultDrop, match: "ip", action: "drop", log: true, severity: "warning", name: ls.length > 63 ? `${ls.slice(0, 60)}...` : ls, ...tier },
  ];
  const fam = (c: string) => (c.includes(":") ? "ip6" : "ip4");
  for (const cidr of s.cidrs) {
    const ip = fam(cidr);
    out.push({ direction: "to-lport", priority: ACL_PRIORITY.subnetAllow, match: `${ip}.src == ${cidr} && ${ip}.dst == ${cidr}`, action: "allow-related", ...tier });
    for (const node of nodeSwitchCidr.split(",")) {
      if (fam(node) === ip) out.push({ direction: "to-lport", priority: ACL_PRIORITY.nodeAllow, match: `${ip}.src == ${node}`, action: "allow-related", ...tier });
    }
    for (const a of s.object.allowSubnets.map((x) => x.trim()).filter((x) => x !== "")) {
      if (fam(a) !== ip) continue;
      out.push({ direction: "to-lport", priority: ACL_PRIORITY.subnetAllow, match: `(${ip}.src == ${cidr} && ${ip}.dst == ${a}) || (${ip}.src == ${a} && ${ip}.dst == ${cidr})`, action: "allow-related", ...tier });
    }
  }
  return out;
}
