/**
 * IPv6 router advertisements of a logical router port (`Logical_Router_Port.ipv6_ra_configs`, see
 * ovn-nb(5)): the address mode announced to hosts (SLAAC, stateful or stateless DHCPv6), MTU,
 * router preference, route information (RFC 4191), RDNSS/DNSSL, and periodic sending with its
 * intervals (RFC 4861 §6.2.1). With an address mode set, `ovn-northd` answers router solicitations
 * on the port with `put_nd_ra_opts`; the prefixes announced are the port's IPv6 `networks`.
 *
 * @module
 */
import { model } from "../ovsdb/models/ovn-nb.js";
import { OvnInvalidArgumentError } from "./errors.js";
import { ipFamily, isIp, parsePrefix } from "./net.js";
import type { TxContext } from "./tx-context.js";

/** A router preference (RFC 4191 §2.1). */
export type RaPreference = "HIGH" | "MEDIUM" | "LOW";

/** One route of the Route Information option: a preference and an IPv6 prefix. */
export interface RaRouteInfo {
  /** The route's preference. */
  readonly preference: RaPreference;
  /** The IPv6 prefix (`aef1::/48`). */
  readonly prefix: string;
}

/** The router advertisement settings of a router port ({@link NbTransaction.lrpSetIpv6Ra}). */
export interface Ipv6RaConfig {
  /** `address_mode`: how hosts configure addresses. */
  readonly addressMode: "slaac" | "dhcpv6_stateful" | "dhcpv6_stateless";
  /** `mtu`: the MTU option, 1280..65535 (RFC 8200 minimum link MTU). @default no MTU option */
  readonly mtu?: number;
  /** `router_preference`. @default MEDIUM */
  readonly routerPreference?: RaPreference;
  /** `route_info`: the more specific routes announced (RFC 4191 Route Information). */
  readonly routeInfo?: readonly RaRouteInfo[];
  /** `send_periodic`: send unsolicited advertisements. @default false */
  readonly sendPeriodic?: boolean;
  /** `max_interval`: seconds between periodic advertisements, 4..1800 (RFC 4861). @default 600 */
  readonly maxInterval?: number;
  /** `min_interval`: seconds, 3..0.75 × `maxInterval` (RFC 4861). @default a third of `maxInterval` */
  readonly minInterval?: number;
  /** `rdnss`: the IPv6 address of the recursive DNS server announced (OVN announces one). */
  readonly rdnss?: string;
  /** `dnssl`: the DNS search list announced. */
  readonly dnssl?: readonly string[];
}

const ADDRESS_MODES = ["slaac", "dhcpv6_stateful", "dhcpv6_stateless"] as const;
const PREFERENCES = ["HIGH", "MEDIUM", "LOW"] as const;

function integer(what: string, v: number, min: number, max: number): string {
  if (!Number.isInteger(v) || v < min || v > max) throw new OvnInvalidArgumentError(what, String(v), `must be an integer in ${min}..${max}`);
  return String(v);
}

function preference(what: string, p: string): RaPreference {
  if (!(PREFERENCES as readonly string[]).includes(p)) throw new OvnInvalidArgumentError(what, p, `must be one of ${PREFERENCES.join(", ")}`);
  return p as RaPreference;
}

/**
 * Validates `config` and returns the `ipv6_ra_configs` column it stands for; throws
 * {@link OvnInvalidArgumentError} naming the bad setting (`port` names the router port in messages).
 */
export function ipv6RaConfigs(config: Ipv6RaConfig, port = "router port"): Record<string, string> {
  const at = (k: string) => `${k} of ${port}`;
  if (!(ADDRESS_MODES as readonly string[]).includes(config.addressMode)) throw new OvnInvalidArgumentError(at("IPv6 RA address mode"), String(config.addressMode), `must be one of ${ADDRESS_MODES.join(", ")}`);
  const out: Record<string, string> = { address_mode: config.addressMode };
  if (config.mtu !== undefined) out["mtu"] = integer(at("IPv6 RA MTU"), config.mtu, 1280, 65535);
  if (config.routerPreference !== undefined) out["router_preference"] = preference(at("IPv6 RA router preference"), config.routerPreference);
  if (config.routeInfo !== undefined && config.routeInfo.length > 0) {
    out["route_info"] = config.routeInfo
      .map((r) => {
        const p = parsePrefix(r.prefix, at("IPv6 RA route prefix"));
        if (p.family !== 6 || !r.prefix.includes("/")) throw new OvnInvalidArgumentError(at("IPv6 RA route prefix"), r.prefix, "expected an IPv6 prefix ADDR/LEN");
        return `${preference(at("IPv6 RA route preference"), r.preference)}-${r.prefix}`;
      })
      .join(",");
  }
  if (config.sendPeriodic !== undefined) out["send_periodic"] = String(config.sendPeriodic);
  const max = config.maxInterval ?? 600;
  if (config.maxInterval !== undefined) out["max_interval"] = integer(at("IPv6 RA max_interval"), config.maxInterval, 4, 1800);
  if (config.minInterval !== undefined) out["min_interval"] = integer(at("IPv6 RA min_interval"), config.minInterval, 3, Math.floor(0.75 * max));
  if ((config.maxInterval !== undefined || config.minInterval !== undefined) && config.sendPeriodic !== true) {
    throw new OvnInvalidArgumentError(at("IPv6 RA intervals"), `${config.minInterval ?? ""}..${config.maxInterval ?? ""}`, "only apply with sendPeriodic: true");
  }
  if (config.rdnss !== undefined) {
    if (!isIp(config.rdnss) || ipFamily(config.rdnss) !== 6) throw new OvnInvalidArgumentError(at("IPv6 RA RDNSS"), config.rdnss, "not an IPv6 address");
    out["rdnss"] = config.rdnss;
  }
  if (config.dnssl !== undefined && config.dnssl.length > 0) {
    for (const d of config.dnssl) if (!/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/.test(d)) throw new OvnInvalidArgumentError(at("IPv6 RA DNSSL domain"), d, "not a domain name");
    out["dnssl"] = config.dnssl.join(",");
  }
  return out;
}

/** `lrpSetIpv6Ra`: see {@link NbTransaction.lrpSetIpv6Ra}. */
export async function lrpSetIpv6Ra(x: TxContext, lrp: string, config: Ipv6RaConfig): Promise<void> {
  x.open();
  const column = ipv6RaConfigs(config, `router port ${lrp}`);
  const p = await x.need("logical router port", "Logical_Router_Port", lrp);
  if (p.row && !p.row.networks.some((n) => parsePrefix(n).family === 6)) {
    throw new OvnInvalidArgumentError(`networks of router port ${lrp}`, p.row.networks.join(" "), "router advertisements need an IPv6 network on the port");
  }
  x.push(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ipv6_ra_configs: column }));
}

/** `lrpClearIpv6Ra`: see {@link NbTransaction.lrpClearIpv6Ra}. */
export async function lrpClearIpv6Ra(x: TxContext, lrp: string): Promise<void> {
  x.open();
  const p = await x.need("logical router port", "Logical_Router_Port", lrp, false);
  x.push(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ipv6_ra_configs: {} }));
}
