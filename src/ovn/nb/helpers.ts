/**
 * Small helpers of the OVN Northbound API: argument checks, row builders, endpoint parsing.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import { OvnInvalidArgumentError } from "../errors.js";
import { checkIp, ipFamily, isMac, parsePrefix } from "../net.js";
import type { StringMap } from "../nb-types.js";
import type { PortSettings, SwitchSubnet } from "./options.js";

/** A `Map` from a plain object, dropping undefined values. */
export function map(o: StringMap | undefined): StringMap {
  return o ?? {};
}

export function checkPriority(p: number, max: number, what = "priority"): number {
  if (!Number.isInteger(p) || p < 0 || p > max) throw new OvnInvalidArgumentError(what, String(p), `must be an integer in 0..${max}`);
  return p;
}

export function eqSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** `other_config` keys of OVN IPAM for a subnet. */
export function subnetConfig(s: SwitchSubnet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of s.cidr.split(",").map((x) => x.trim())) {
    const p = parsePrefix(c, "subnet CIDR");
    if (p.family === 4) out["subnet"] = `${p.network}/${p.length}`;
    else out["ipv6_prefix"] = p.network;
  }
  if (s.excludeIps?.length) out["exclude_ips"] = s.excludeIps.join(" ");
  if (s.macOnly) out["mac_only"] = "true";
  return out;
}


/** The `Logical_Switch_Port` columns of port settings (only those given), into `row` (a new object by default). */
export function portRow(s: PortSettings, row: Record<string, unknown> = {}): Record<string, unknown> & Parameters<ReturnType<typeof model.table<"Logical_Switch_Port">>["update"]>[1] {
  // Assigned one by one (not spread from conditional objects: one object per pod, not ten).
  if (s.addresses !== undefined) row["addresses"] = s.addresses.map(checkAddressEntry);
  if (s.portSecurity !== undefined) row["port_security"] = s.portSecurity;
  if (s.type !== undefined) row["type"] = s.type;
  if (s.options !== undefined) row["options"] = s.options;
  if (s.externalIds !== undefined) row["external_ids"] = s.externalIds;
  if (s.enabled !== undefined) row["enabled"] = s.enabled;
  if (s.dhcpv4Options) row["dhcpv4_options"] = s.dhcpv4Options;
  if (s.dhcpv6Options) row["dhcpv6_options"] = s.dhcpv6Options;
  if (s.haChassisGroup) row["ha_chassis_group"] = s.haChassisGroup;
  return row;
}


/** `MAC IPv4` with one space, the IPv4 address dotted-quad without leading zeros: the usual pod entry. */
const MAC_IPV4 = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5} (?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Checks one `addresses` entry: `dynamic`, `router`, `unknown`, `MAC [IP...]`, `MAC dynamic`, `dynamic IP`. */
export function checkAddressEntry(entry: string): string {
  // The usual "MAC IPv4" entry in one test (what checkAddressWords accepts as is).
  if (MAC_IPV4.test(entry)) return entry;
  return checkAddressWords(entry);
}

/** {@link checkAddressEntry} word by word (every form). */
export function checkAddressWords(entry: string): string {
  const words = entry.trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === undefined || first === "") throw new OvnInvalidArgumentError("address", entry, "empty");
  if (words.length === 1 && (first === "dynamic" || first === "router" || first === "unknown")) return entry;
  if (first === "dynamic") {
    for (const w of rest) checkIp(w, "address");
    return entry;
  }
  if (!isMac(first)) throw new OvnInvalidArgumentError("address", entry, "expected \"MAC [IP...]\", \"dynamic\", \"router\" or \"unknown\"");
  for (const w of rest) if (w !== "dynamic") checkIp(w.split("/")[0] ?? w, "address");
  return entry;
}


/** A parsed load balancer endpoint. */
export interface LbEndpoint {
  readonly ip: string;
  readonly port: number | undefined;
  readonly family: 4 | 6;
}


/** Parses `IP`, `IP:PORT`, `[IPv6]:PORT`; throws {@link OvnInvalidArgumentError}. */
export function parseLbEndpoint(s: string, what: string): LbEndpoint {
  let ip = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    ip = v6[1]!;
    port = v6[2] !== undefined ? Number(v6[2]) : undefined;
  } else if (s.split(":").length === 2) {
    const [a, p] = s.split(":") as [string, string];
    ip = a;
    port = /^\d+$/.test(p) ? Number(p) : NaN;
  }
  const family = ipFamily(ip);
  if (family === undefined || ip.includes("/")) throw new OvnInvalidArgumentError(what, s, "expected IP, IP:PORT or [IPv6]:PORT");
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new OvnInvalidArgumentError(what, s, "port must be 1..65535");
  return { ip, port, family };
}
