/**
 * The OVN API's address checks, which throw {@link OvnInvalidArgumentError} (the predicates and parsers
 * themselves are `src/net`'s), and prefix normalization as
 * `ovn-nbctl` stores route prefixes (host bits cleared; a full-length prefix as a bare address).
 *
 * @module
 */
import { type IpFamily, type IpPrefix, ipFamily, ipPrefix, isIp, isMac } from "../net/index.js";
import { OvnInvalidArgumentError } from "./errors.js";

// the address predicates live in src/net; re-exported for the OVN API's callers
export { type IpFamily, ipFamily, isIp, isMac };

/** Checks a MAC and returns it lower-cased; throws {@link OvnInvalidArgumentError}. */
export function checkMac(s: string, what = "MAC address"): string {
  if (!isMac(s)) throw new OvnInvalidArgumentError(what, s, "expected xx:xx:xx:xx:xx:xx");
  return s.toLowerCase();
}

/** A canonical dotted-quad IPv4 address (no leading zeros): valid for {@link isIp} too, told by one regular expression. */
const PLAIN_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Checks an IP address (no prefix); throws {@link OvnInvalidArgumentError}. */
export function checkIp(s: string, what = "IP address"): string {
  // The usual case (a pod's IPv4 address) without the general parser.
  if (PLAIN_IPV4.test(s)) return s;
  if (!isIp(s)) throw new OvnInvalidArgumentError(what, s, "not an IPv4 or IPv6 address");
  return s;
}

/** A parsed prefix: family, network address text (host bits cleared), length (`src/net`'s {@link IpPrefix}). */
export type Prefix = IpPrefix;

/** Parses `ADDR/LEN` or a bare address (full length); throws {@link OvnInvalidArgumentError}. */
export function parsePrefix(s: string, what = "prefix"): Prefix {
  const p = ipPrefix(s);
  if (!p) throw new OvnInvalidArgumentError(what, s, "not an IPv4 or IPv6 address or prefix");
  return p;
}

/** `ADDR/LEN` with host bits cleared; a full-length prefix as the bare address (as ovn-nbctl stores route prefixes). */
export function normalizePrefix(s: string, what = "prefix"): string {
  const p = parsePrefix(s, what);
  const full = p.family === 4 ? 32 : 128;
  return p.length === full ? p.network : `${p.network}/${p.length}`;
}

/** Checks `ADDR/LEN` where ADDR is a host address in the network (a router port network, an LSP's `ip/len`). */
export function checkIpWithPrefix(s: string, what = "network"): string {
  const slash = s.indexOf("/");
  if (slash < 0 || ipFamily(s) === undefined || !/^\d{1,3}$/.test(s.slice(slash + 1))) {
    throw new OvnInvalidArgumentError(what, s, "expected IP/PREFIXLEN");
  }
  return s;
}
