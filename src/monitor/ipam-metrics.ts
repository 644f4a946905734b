/**
 * IPAM usage per subnet with kube-ovn-controller's family names (`subnet_available_ip_count`,
 * `subnet_used_ip_count`, labels `subnet_name`, `protocol`, `subnet_cidr`), one series per
 * subnet and address family, from this SDK's {@link SubnetIpam}s.
 *
 * @module
 */
import type { Gauge } from "prom-client";
import { Ipam, type SubnetIpam } from "../ovn/ipam.js";
import { selectReader } from "../ovn/reader.js";
import type { OvsdbClient } from "../ovsdb/client/client.js";
import type { JsonRow } from "../ovsdb/wire/notation.js";
import { mapOf, uuidOf } from "./rows.js";

/** One subnet family's usage. */
export interface SubnetUsage {
  /** Subnet (logical switch) name. */
  readonly subnet: string;
  /** `IPv4` or `IPv6` (Kube-OVN's protocol names). */
  readonly protocol: "IPv4" | "IPv6";
  /** The family's CIDR. */
  readonly cidr: string;
  /** Addresses still free (never used, or released). */
  readonly available: number;
  /** Addresses allocated. */
  readonly used: number;
}

/** The usage of each family of each subnet. */
export function subnetUsage(subnets: Iterable<SubnetIpam>): SubnetUsage[] {
  const out: SubnetUsage[] = [];
  for (const s of subnets) {
    const allocations = s.allocations();
    for (const family of s.families) {
      const cidr = s.cidrs.find((c) => (family === 6) === c.includes(":")) ?? "";
      out.push({
        subnet: s.name,
        protocol: family === 4 ? "IPv4" : "IPv6",
        cidr,
        available: Number(s.free(family)),
        used: allocations.filter((a) => (family === 4 ? a.ipv4 : a.ipv6) !== undefined).length,
      });
    }
  }
  return out;
}

/** Sets the two gauges from `usage` (replacing their previous series). */
export function applySubnetUsage(available: Gauge<string>, used: Gauge<string>, usage: readonly SubnetUsage[]): void {
  available.reset();
  used.reset();
  for (const u of usage) {
    const l = { subnet_name: u.subnet, protocol: u.protocol, subnet_cidr: u.cidr };
    available.set(l, u.available);
    used.set(l, u.used);
  }
}

/**
 * Rebuilds an IPAM from NB as OVN's native IPAM sees it: every logical switch with
 * `other_config:subnet` (and `ipv6_prefix`, `exclude_ips`) is a subnet; port addresses are its
 * allocations. `switches` are Logical_Switch rows with `name` and `other_config`.
 */
export async function ipamFromNb(client: OvsdbClient, switches: readonly JsonRow[]): Promise<SubnetIpam[]> {
  const ipam = new Ipam();
  const names: string[] = [];
  for (const r of switches) {
    const oc = mapOf(r["other_config"]);
    const v4 = oc.get("subnet");
    const v6 = oc.get("ipv6_prefix");
    const cidrs = [typeof v4 === "string" ? v4 : "", typeof v6 === "string" ? (v6.includes("/") ? v6 : `${v6}/64`) : ""].filter((c) => c !== "");
    if (cidrs.length === 0) continue;
    const name = String(r["name"] ?? uuidOf(r["_uuid"]));
    const ex = oc.get("exclude_ips");
    try {
      ipam.addSubnet(name, cidrs.join(","), { excludeIps: typeof ex === "string" ? ex.split(/\s+/).filter((x) => x !== "") : [] });
      names.push(name);
    } catch {
      // A switch whose subnet does not parse is not a subnet the exporter can count.
    }
  }
  if (names.length > 0) await ipam.rebuildFromNb(selectReader(client));
  return names.map((n) => ipam.subnet(n));
}
