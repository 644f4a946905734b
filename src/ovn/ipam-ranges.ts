/**
 * Addresses as big integers for the IPAM: IPv4/IPv6 text to and from `bigint`, `IP..IP` ranges,
 * and the sorted range set that holds a subnet's free and excluded space (so an IPv6 /64 costs no
 * more than an IPv4 /24).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { OvnInvalidArgumentError } from "./errors.js";
import { type IpFamily, ipFamily } from "./net.js";

/** An address `IP` or a range `IP..IP` (same family, increasing), as `exclude_ips` writes them; `what` names it in errors. */
export function parseIpRange(spec: string, what: string): { family: IpFamily; lo: bigint; hi: bigint } {
  const [a, b] = spec.includes("..") ? (spec.split("..") as [string, string]) : [spec, spec];
  const lo = toBig(a.trim());
  const hi = toBig(b.trim());
  if (lo.family !== hi.family || hi.n < lo.n) throw new OvnInvalidArgumentError(what, spec, "expected IP or IP..IP in increasing order");
  return { family: lo.family, lo: lo.n, hi: hi.n };
}

/**
 * The value of a dotted-quad IPv4 address in canonical form (decimal octets 0-255, no leading
 * zeros), read character by character (the common case: no regular expression, no match array);
 * -1 for any other text (the general parser reads it).
 */
function canonicalV4(ip: string): number {
  const len = ip.length;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/** An IP as its family and integer value; throws `OvnInvalidArgumentError`. */
export function toBig(ip: string): { family: IpFamily; n: bigint } {
  const v = canonicalV4(ip);
  if (v >= 0) return { family: 4, n: BigInt(v) };
  const fam = ipFamily(ip);
  if (fam === undefined || ip.includes("/")) throw new OvnInvalidArgumentError("IP address", ip, "not an IPv4 or IPv6 address");
  return { family: fam, n: fam === 4 ? new Address4(ip).bigInt() : new Address6(ip).bigInt() };
}

/** {@link toBig}, with the address's canonical text ({@link canonicalIp}): `ip` itself when it is a canonical dotted quad already. */
export function toBigText(ip: string): { family: IpFamily; n: bigint; text: string } {
  const v = canonicalV4(ip);
  if (v >= 0) return { family: 4, n: BigInt(v), text: ip };
  const { family, n } = toBig(ip);
  return { family, n, text: fromBig(family, n) };
}

/** The text of integer `n` as an address of `family`. */
export function fromBig(family: IpFamily, n: bigint): string {
  if (family === 4 && n >= 0n && n <= 0xffffffffn) {
    const v = Number(n);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  return family === 4 ? Address4.fromBigInt(n).correctForm() : Address6.fromBigInt(n).correctForm();
}

/** Canonical text of an IP (IPv6 compressed, lower case). */
export function canonicalIp(ip: string): string {
  const { family, n } = toBig(ip);
  return fromBig(family, n);
}

/** Sorted, disjoint, inclusive ranges of big integers. */
export class RangeSet {
  private ranges: [bigint, bigint][] = [];

  add(lo: bigint, hi: bigint): void {
    if (hi < lo) return;
    const out: [bigint, bigint][] = [];
    let placed = false;
    for (const [a, b] of this.ranges) {
      if (b + 1n < lo) out.push([a, b]);
      else if (hi + 1n < a) {
        if (!placed) {
          out.push([lo, hi]);
          placed = true;
        }
        out.push([a, b]);
      } else {
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
      }
    }
    if (!placed) out.push([lo, hi]);
    out.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    this.ranges = out;
  }

  remove(lo: bigint, hi: bigint): void {
    if (lo === hi) {
      this.removeOne(lo);
      return;
    }
    const out: [bigint, bigint][] = [];
    for (const [a, b] of this.ranges) {
      if (b < lo || a > hi) out.push([a, b]);
      else {
        if (a < lo) out.push([a, lo - 1n]);
        if (b > hi) out.push([hi + 1n, b]);
      }
    }
    this.ranges = out;
  }

  /** {@link RangeSet.remove} of one value (an address handed out): the range holding it is cut in place, the others are kept. */
  private removeOne(n: bigint): void {
    const rs = this.ranges;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!;
      const a = r[0];
      const b = r[1];
      if (b < n) continue;
      if (a > n) return;
      if (a === b) rs.splice(i, 1);
      else if (a === n) r[0] = n + 1n; // (the ranges are this set's own: cut in place)
      else if (b === n) r[1] = n - 1n;
      else rs.splice(i, 1, [a, n - 1n], [n + 1n, b]);
      return;
    }
  }

  has(n: bigint): boolean {
    const rs = this.ranges;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!;
      if (r[0] <= n && n <= r[1]) return true;
    }
    return false;
  }

  first(): bigint | undefined {
    return this.ranges[0]?.[0];
  }

  size(): bigint {
    return this.ranges.reduce((s, [a, b]) => s + (b - a + 1n), 0n);
  }
}
