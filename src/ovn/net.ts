/**
 * Address syntax checks and normalizations the OVN API and `nbctl` share: IPv4/IPv6 addresses and
 * prefixes (via the `ip-address` package), Ethernet MACs, and prefix normalization as
 * `ovn-nbctl` stores route prefixes (host bits cleared; a full-length prefix as a bare address).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { OvnInvalidArgumentError } from "./errors.js";

/** An IP address family. */
export type IpFamily = 4 | 6;

/** The family of an IP address or prefix, or `undefined` when `s` is neither. */
export function ipFamily(s: string): IpFamily | undefined {
  if (Address4.isValid(s)) return 4;
  if (Address6.isValid(s)) return 6;
  return undefined;
}

/** True for a plain IPv4 or IPv6 address (no prefix length). */
export function isIp(s: string): boolean {
  return !s.includes("/") && ipFamily(s) !== undefined;
}

/** True for an Ethernet address `xx:xx:xx:xx:xx:xx`. */
export function isMac(s: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s);
}

/** Checks a MAC and returns it lower-cased; throws {@link OvnInvalidArgumentError}. */
export function checkMac(s: string, what = "MAC address"): string {
  if (!isMac(s)) throw new OvnInvalidArgumentError(what, s, "expected xx:xx:xx:xx:xx:xx");
  return s.toLowerCase();
}

/** Checks an IP address (no prefix); throws {@link OvnInvalidArgumentError}. */
export function checkIp(s: string, what = "IP address"): string {
  if (!isIp(s)) throw new OvnInvalidArgumentError(what, s, "not an IPv4 or IPv6 address");
  return s;
}

/** A parsed prefix: family, network address text, length. */
export interface Prefix {
  /** Address family. */
  readonly family: IpFamily;
  /** The network address (host bits cleared), in canonical text. */
  readonly network: string;
  /** The prefix length. */
  readonly length: number;
}

/** Parses `ADDR/LEN` or a bare address (full length); throws {@link OvnInvalidArgumentError}. */
export function parsePrefix(s: string, what = "prefix"): Prefix {
  const fam = ipFamily(s);
  const slash = s.indexOf("/");
  if (fam === undefined || (slash >= 0 && !/^\d{1,3}$/.test(s.slice(slash + 1)))) {
    throw new OvnInvalidArgumentError(what, s, "not an IPv4 or IPv6 address or prefix");
  }
  if (fam === 4) {
    const a = new Address4(s);
    return { family: 4, network: a.startAddress().correctForm(), length: a.subnetMask };
  }
  const a = new Address6(s);
  return { family: 6, network: a.startAddress().correctForm(), length: a.subnetMask };
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
