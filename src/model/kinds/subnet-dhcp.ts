/**
 * A subnet's DHCP and IPv6 router advertisements, as Kube-OVN's subnet controller makes them
 * (`updateSubnetDHCPOption` in pkg/controller/subnet.go, `UpdateDHCPOptions` in
 * pkg/ovs/ovn-nb-dhcp_options.go, `UpdateLogicalRouterPortRA` in
 * pkg/ovs/ovn-nb-logical_router_port.go):
 *
 * - `enableDHCP`: one `DHCP_Options` row per family of the subnet, `cidr` = the family's CIDR,
 *   `external_ids` `ls` = the subnet, `protocol` = `IPv4` / `IPv6` (and `vendor=kube-ovn`).
 *   IPv4 `options` = `dhcpV4Options` with Kube-OVN's defaults for the keys it lacks: `lease_time`
 *   3600, `router` the subnet's IPv4 gateway, `server_id` 169.254.0.254, `server_mac` a generated
 *   MAC (kept from the row once it exists, as Kube-OVN keeps it), `mtu` = `spec.mtu`, else 1400
 *   on an overlay subnet (Kube-OVN's geneve default, 1500 - 100) and 1500 on an underlay one.
 *   IPv6 `options` = `dhcpV6Options` with `server_id` (a generated MAC, kept) when it lacks one.
 *   Each pod port of the subnet points at the rows of its own families (`dhcpv4_options`,
 *   `dhcpv6_options`). Without `enableDHCP` the rows are deleted (the ports' weak references go
 *   with them).
 * - `enableIPv6RA`: the subnet's router port gets `ipv6_prefix` (the prefix lengths of its IPv6
 *   networks) and `ipv6_ra_configs` (`ipv6RAConfigs`, or Kube-OVN's default `address_mode`
 *   `dhcpv6_stateful`, `max_interval` 30, `min_interval` 5, `send_periodic` true); without it
 *   both are empty, as Kube-OVN clears them on every routed subnet.
 *
 * The option strings are Kube-OVN's: `key=value` pairs separated by `,` (blanks removed), a
 * `dns_server` list separated by `;`. Kube-OVN skips a malformed pair silently; the model reports
 * it, and an option name OVN does not know (ovn-nb(5) `DHCP_Options`, lib/ovn-l7.h), as an issue.
 *
 * @module
 */
import type { NbPlan } from "../../ovn/controller/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import { deterministicMac } from "../naming.js";
import type { ResolvedPod, ResolvedSubnet } from "../resolve.js";
import { extOf, ownedByExternalId } from "./common.js";
import type { Fields } from "./fields.js";

/** The `Subnet.spec` fields this module reads. */
export const SUBNET_DHCP_FIELDS = ["enableDHCP", "dhcpV4Options", "dhcpV6Options", "mtu", "enableIPv6RA", "ipv6RAConfigs"] as const;

/** Kube-OVN's DHCPv4 defaults (pkg/ovs/util.go `buildDHCPv4Options`), besides `router`, `server_mac` and `mtu`. */
export const DHCP_V4_DEFAULTS = { lease_time: "3600", server_id: "169.254.0.254" } as const;

/** Kube-OVN's default `ipv6_ra_configs` (pkg/ovs/util.go `parseIpv6RaConfigs` of an empty string). */
export const IPV6_RA_DEFAULTS = { address_mode: "dhcpv6_stateful", max_interval: "30", min_interval: "5", send_periodic: "true" } as const;

/** Kube-OVN's MTU of an overlay subnet's DHCP (`DefaultMTU` 1500 - `GeneveHeaderLength` 100) and of an underlay one. */
export const DHCP_DEFAULT_MTU = { overlay: 1400, underlay: 1500 } as const;

/** The DHCPv4 option names ovn-northd knows (lib/ovn-l7.h, plus `server_mac`). */
export const DHCP_V4_OPTION_NAMES: readonly string[] = [
  "offerip", "netmask", "router", "dns_server", "log_server", "lpr_server", "hostname", "domain_name", "swap_server", "policy_filter",
  "router_solicitation", "nis_server", "ntp_server", "server_id", "tftp_server", "classless_static_route", "ms_classless_static_route",
  "ip_forward_enable", "router_discovery", "ethernet_encap", "default_ttl", "tcp_ttl", "mtu", "lease_time", "T1", "T2", "bootfile_name",
  "wpad", "path_prefix", "tftp_server_address", "domain_search_list", "broadcast_address", "netbios_name_server", "netbios_node_type",
  "bootfile_name_alt", "arp_cache_timeout", "tcp_keepalive_interval", "next_server", "server_mac",
];

/** The DHCPv6 option names ovn-northd knows (lib/ovn-l7.h, plus `dhcpv6_stateless`). */
export const DHCP_V6_OPTION_NAMES: readonly string[] = ["server_id", "ia_addr", "dns_server", "domain_search", "bootfile_name", "bootfile_name_alt", "fqdn", "dhcpv6_stateless"];

/** The `ipv6_ra_configs` keys ovn-northd reads (ovn-nb(5) `Logical_Router_Port`). */
export const IPV6_RA_CONFIG_NAMES: readonly string[] = ["address_mode", "router_preference", "route_info", "mtu", "send_periodic", "max_interval", "min_interval", "rdnss", "dnssl"];

/** A subnet's DHCP and RA settings (absent parts: off). */
export interface SubnetDhcp {
  /** `enableDHCP`: the subnet has `DHCP_Options` rows. */
  readonly enabled: boolean;
  /** `dhcpV4Options`, parsed (empty: Kube-OVN's defaults only). */
  readonly v4: Readonly<Record<string, string>>;
  /** `dhcpV6Options`, parsed. */
  readonly v6: Readonly<Record<string, string>>;
  /** `mtu` (the DHCPv4 `mtu` option), when given. */
  readonly mtu?: number;
  /** `enableIPv6RA`: `ipv6RAConfigs` parsed (Kube-OVN's defaults when empty); absent: off. */
  readonly ra?: Readonly<Record<string, string>>;
}

/**
 * Parses a Kube-OVN option string (`k=v,k=v`, blanks removed) as pkg/ovs/util.go
 * `parseDHCPOptions` does (`;` in `dns_server` becomes `,`), reporting each pair it would skip and
 * each name not in `names`.
 */
function parseOptions(f: Fields, path: readonly string[], raw: string, names: readonly string[], dnsList: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of raw.replaceAll(" ", "").split(",")) {
    if (item === "") continue;
    const kv = item.split("=");
    if (kv.length !== 2 || kv[0] === "" || kv[1] === "") {
      f.issue(path, { kind: "bad-value", value: item, reason: "expected KEY=VALUE pairs separated by commas" });
      continue;
    }
    const [k, v] = kv as [string, string];
    if (!names.includes(k)) {
      f.issue(path, { kind: "bad-value", value: item, reason: `${k} is not an option OVN knows (${names.join(", ")})` });
      continue;
    }
    out[k] = dnsList && k === "dns_server" ? v.replaceAll(";", ",") : v;
  }
  return out;
}

/**
 * Reads the DHCP and RA fields of a `Subnet` document (`spec.` {@link SUBNET_DHCP_FIELDS}).
 * `mtu` without `enableDHCP` is not read here (it has no OVN effect then: see subnet-extras.ts).
 */
export function readSubnetDhcp(f: Fields, cidrBlock: string | undefined): SubnetDhcp | undefined {
  const s = ["spec"];
  const enabled = f.bool([...s, "enableDHCP"]);
  const v4Raw = f.str([...s, "dhcpV4Options"]);
  const v6Raw = f.str([...s, "dhcpV6Options"]);
  const hasV4 = (cidrBlock ?? "").split(",").some((c) => c.includes(".")) || cidrBlock === undefined;
  const hasV6 = (cidrBlock ?? "").split(",").some((c) => c.includes(":")) || cidrBlock === undefined;
  for (const [field, raw, has, family] of [["dhcpV4Options", v4Raw, hasV4, "IPv4"], ["dhcpV6Options", v6Raw, hasV6, "IPv6"]] as const) {
    if (raw === undefined) continue;
    if (!enabled) f.issue([...s, field], { kind: "bad-value", value: raw, reason: "it has an effect only with spec.enableDHCP: true" });
    else if (!has) f.issue([...s, field], { kind: "bad-value", value: raw, reason: `the subnet has no ${family} CIDR` });
  }
  const v4 = enabled && v4Raw !== undefined ? parseOptions(f, [...s, "dhcpV4Options"], v4Raw, DHCP_V4_OPTION_NAMES, true) : {};
  const v6 = enabled && v6Raw !== undefined ? parseOptions(f, [...s, "dhcpV6Options"], v6Raw, DHCP_V6_OPTION_NAMES, true) : {};
  let mtu: number | undefined;
  if (enabled) {
    mtu = f.int([...s, "mtu"], 68, 65535);
    // Kube-OVN's webhook (pkg/util/validator.go): below 1280 breaks IPv6.
    if (mtu !== undefined && mtu < 1280 && hasV6 && cidrBlock !== undefined) f.issue([...s, "mtu"], { kind: "bad-value", value: String(mtu), reason: "below the IPv6 minimum 1280 on a subnet with an IPv6 CIDR (Kube-OVN's webhook refuses it)" });
  }
  const raEnabled = f.bool([...s, "enableIPv6RA"]);
  const raRaw = f.str([...s, "ipv6RAConfigs"]);
  if (raRaw !== undefined && !raEnabled) f.issue([...s, "ipv6RAConfigs"], { kind: "bad-value", value: raRaw, reason: "it has an effect only with spec.enableIPv6RA: true" });
  if (raEnabled && !hasV6) f.issue([...s, "enableIPv6RA"], { kind: "bad-value", value: "true", reason: "the subnet has no IPv6 CIDR (Kube-OVN sets no router advertisement then)" });
  const ra = raEnabled ? (raRaw === undefined ? { ...IPV6_RA_DEFAULTS } : parseOptions(f, [...s, "ipv6RAConfigs"], raRaw, IPV6_RA_CONFIG_NAMES, false)) : undefined;
  if (!enabled && ra === undefined) return undefined;
  return { enabled, v4, v6, ...(mtu !== undefined ? { mtu } : {}), ...(ra ? { ra } : {}) };
}

/** The plan key of the `DHCP_Options` row a plan creates for a subnet's family. */
function dhcpKey(ls: string, protocol: "IPv4" | "IPv6"): string {
  return `dhcp:${ls}:${protocol}`;
}

/** The subnet's owned `DHCP_Options` rows of `protocol` (not the per-port ones, which carry `port`). */
function subnetDhcpRows(p: NbPlan, ls: string, protocol: string): Row[] {
  return ownedByExternalId(p, "DHCP_Options", "ls", ls).filter((r) => extOf(r).get("protocol") === protocol && !extOf(r).has("port"));
}

/**
 * Kube-OVN's DHCP options of a subnet's family (`buildDHCPv4Options`, `buildDHCPv6Options`), given
 * the existing row (whose generated MAC is kept); `given`: the options of a pod's annotation
 * instead of the subnet's (a per-port row, MAC seeded by `seed`).
 */
export function dhcpOptionsOf(s: ResolvedSubnet, protocol: "IPv4" | "IPv6", existing: Row | undefined, gatewayIps?: readonly string[], given?: Readonly<Record<string, string>>, seed = s.object.name): Record<string, string> {
  const d = s.object.dhcp;
  const old = (existing?.["options"] as ReadonlyMap<string, string> | undefined) ?? new Map<string, string>();
  const ls = seed;
  if (protocol === "IPv6") return { server_id: old.get("server_id") ?? deterministicMac(`dhcpv6:${ls}`), ...(given ?? d?.v6) };
  const i = s.cidrs.findIndex((c) => !c.includes(":"));
  return {
    lease_time: DHCP_V4_DEFAULTS.lease_time,
    router: gatewayIps?.find((ip) => !ip.includes(":")) ?? s.gateways[i]!,
    server_id: DHCP_V4_DEFAULTS.server_id,
    server_mac: old.get("server_mac") ?? deterministicMac(`dhcpv4:${ls}`),
    mtu: String(d?.mtu ?? (s.underlay ? DHCP_DEFAULT_MTU.underlay : DHCP_DEFAULT_MTU.overlay)),
    ...(given ?? d?.v4),
  };
}

/**
 * Brings the subnet's `DHCP_Options` rows to its spec: one per family with `enableDHCP`, none
 * without. `gatewayIps`: the U2O interconnection address, the `router` option instead of the
 * gateway (as Kube-OVN's `UpdateDHCPOptions`).
 */
export function buildSubnetDhcp(p: NbPlan, s: ResolvedSubnet, gatewayIps?: readonly string[]): void {
  const ls = s.object.name;
  const enabled = s.object.dhcp?.enabled === true;
  for (const protocol of ["IPv4", "IPv6"] as const) {
    const have = subnetDhcpRows(p, ls, protocol);
    const cidr = s.cidrs.find((c) => c.includes(":") === (protocol === "IPv6"));
    if (!enabled || cidr === undefined) {
      for (const r of have) p.remove("DHCP_Options", r);
      continue;
    }
    const [keep, ...extra] = have;
    for (const r of extra) p.remove("DHCP_Options", r);
    const options = dhcpOptionsOf(s, protocol, keep, gatewayIps);
    if (keep) {
      p.change("DHCP_Options", keep, { cidr, options });
      continue;
    }
    // Two writers racing must not both create it.
    p.guardAbsent("DHCP_Options", [["external_ids", "includes", new Map([["ls", ls], ["protocol", protocol], [p.db.identity.vendorKey, p.db.identity.vendor]])]]);
    p.create("DHCP_Options", dhcpKey(ls, protocol), { cidr, options, external_ids: { ls, protocol } }, { display: `${ls} ${protocol} ${cidr}` });
  }
}

/** Plans whose replica has owned `DHCP_Options` rows (a port may point at one), computed once per plan. */
const anyDhcp = new WeakMap<NbPlan, boolean>();

/** Whether a row's optional reference column holds a reference. */
function holds(row: Row | undefined, column: string): boolean {
  const v = row?.[column];
  return Array.isArray(v) ? v.length > 0 : typeof v === "string";
}

/** The pod annotations of per-port DHCP options (Kube-OVN's `DHCPv4OptionsAnnotationTemplate` / `DHCPv6OptionsAnnotationTemplate`, `ovn` provider). */
export const POD_DHCP_ANNOTATIONS = { v4: "ovn.kubernetes.io/dhcp-v4-options", v6: "ovn.kubernetes.io/dhcp-v6-options" } as const;

/** Reads a pod's DHCP option annotations (Kube-OVN's option strings); each pair that is wrong is reported at its annotation. */
export function readPodDhcp(f: Fields, annotations: Readonly<Record<string, string>>): { dhcpV4Options?: Record<string, string>; dhcpV6Options?: Record<string, string> } {
  const at = (k: string) => ["metadata", "annotations", k];
  const v4 = annotations[POD_DHCP_ANNOTATIONS.v4];
  const v6 = annotations[POD_DHCP_ANNOTATIONS.v6];
  return {
    ...(v4 !== undefined ? { dhcpV4Options: parseOptions(f, at(POD_DHCP_ANNOTATIONS.v4), v4, DHCP_V4_OPTION_NAMES, true) } : {}),
    ...(v6 !== undefined ? { dhcpV6Options: parseOptions(f, at(POD_DHCP_ANNOTATIONS.v6), v6, DHCP_V6_OPTION_NAMES, true) } : {}),
  };
}

/** The plan key of a per-port `DHCP_Options` row. */
function portDhcpKey(port: string, protocol: "IPv4" | "IPv6"): string {
  return `dhcp-port:${port}:${protocol}`;
}

/** {@link podDhcpColumns} when no DHCP is involved: no column (read only: one for every pod). */
const NO_DHCP_COLUMNS: { dhcpv4_options?: string[]; dhcpv6_options?: string[] } = Object.freeze({});

/**
 * The `dhcpv4_options` / `dhcpv6_options` of a pod's port, as Kube-OVN's `buildLogicalSwitchPort`
 * and `ReconcilePortDHCPOptions` set them (for the families the pod has an address of): a
 * per-port `DHCP_Options` row (`external_ids` `ls`, `protocol`, `port`; options from the pod's
 * annotation with Kube-OVN's defaults), made here, for a family annotated; else the subnet's row
 * with `enableDHCP`; else none. Per-port rows no longer annotated are deleted. Without DHCP on
 * the subnet, annotations or references, the columns are not managed (`{}`: no cost and no change
 * for a model without DHCP). `gatewayIps`: the subnet's U2O address (the `router` option).
 */
export function podDhcpColumns(p: NbPlan, x: ResolvedPod, subnet: ResolvedSubnet | undefined, gatewayIps?: readonly string[]): { dhcpv4_options?: string[]; dhcpv6_options?: string[] } {
  const annotated = x.object.dhcpV4Options !== undefined || x.object.dhcpV6Options !== undefined;
  const enabled = subnet?.object.dhcp?.enabled === true;
  if (!enabled && !annotated) {
    let any = anyDhcp.get(p);
    if (any === undefined) anyDhcp.set(p, (any = p.db.owned("DHCP_Options").length > 0));
    if (!any) return NO_DHCP_COLUMNS;
    for (const r of ownedByExternalId(p, "DHCP_Options", "port", x.port)) p.remove("DHCP_Options", r);
    const row = p.db.byName("Logical_Switch_Port", x.port);
    return {
      ...(holds(row, "dhcpv4_options") ? { dhcpv4_options: [] } : {}),
      ...(holds(row, "dhcpv6_options") ? { dhcpv6_options: [] } : {}),
    };
  }
  const perPort = annotated || anyDhcp.get(p) !== false ? ownedByExternalId(p, "DHCP_Options", "port", x.port) : [];
  const ref = (protocol: "IPv4" | "IPv6"): string[] => {
    const given = protocol === "IPv4" ? x.object.dhcpV4Options : x.object.dhcpV6Options;
    const have = perPort.filter((r) => extOf(r).get("protocol") === protocol && !p.isDeleted(r["_uuid"] as string));
    const family = x.ips.some((ip) => ip.includes(":") === (protocol === "IPv6"));
    const cidr = subnet?.cidrs.find((c) => c.includes(":") === (protocol === "IPv6"));
    if (given !== undefined && family && subnet && cidr !== undefined) {
      const [keep, ...extra] = have;
      for (const r of extra) p.remove("DHCP_Options", r);
      const options = dhcpOptionsOf(subnet, protocol, keep, gatewayIps, given, x.port);
      if (keep) {
        p.change("DHCP_Options", keep, { cidr, options });
        return [keep["_uuid"] as string];
      }
      p.guardAbsent("DHCP_Options", [["external_ids", "includes", new Map([["port", x.port], ["protocol", protocol], [p.db.identity.vendorKey, p.db.identity.vendor]])]]);
      return [p.create("DHCP_Options", portDhcpKey(x.port, protocol), { cidr, options, external_ids: { ls: x.subnet, protocol, port: x.port } }, { display: `${x.port} ${protocol} ${cidr}` })];
    }
    for (const r of have) p.remove("DHCP_Options", r);
    if (!enabled || !family) return [];
    const pending = p.pending("DHCP_Options", dhcpKey(x.subnet, protocol));
    if (pending !== undefined) return [pending];
    const row = subnetDhcpRows(p, x.subnet, protocol).find((r) => !p.isDeleted(r["_uuid"] as string));
    return row ? [row["_uuid"] as string] : [];
  };
  return { dhcpv4_options: ref("IPv4"), dhcpv6_options: ref("IPv6") };
}

/**
 * The router port's RA columns (Kube-OVN's `UpdateLogicalRouterPortRA`): with `enableIPv6RA`,
 * `ipv6_prefix` = the prefix lengths of its IPv6 networks and `ipv6_ra_configs`; else both
 * cleared when `existing` (the port's row) has some, and not managed otherwise (`{}`).
 */
export function routerPortRaColumns(s: ResolvedSubnet, existing: Row | undefined): { ipv6_prefix?: string[]; ipv6_ra_configs?: Record<string, string> } {
  const ra = s.object.dhcp?.ra;
  if (ra) return { ipv6_prefix: s.networks.filter((n) => n.includes(":")).map((n) => n.split("/")[1]!), ipv6_ra_configs: { ...ra } };
  const prefix = existing?.["ipv6_prefix"];
  const configs = existing?.["ipv6_ra_configs"] as ReadonlyMap<string, string> | undefined;
  return (Array.isArray(prefix) && prefix.length > 0) || (configs?.size ?? 0) > 0 ? { ipv6_prefix: [], ipv6_ra_configs: {} } : {};
}
