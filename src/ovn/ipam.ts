/**
 * IP address management as Kube-OVN does it: one allocator per subnet (IPv4, IPv6 or dual stack)
 * over the subnet's CIDRs minus `exclude_ips`, with fixed IP/MAC reservations, IP pools for a
 * workload, stable name → IP for StatefulSet pods (a released owner gets its address back when it
 * returns), release and reuse, OVN-style MAC generation, and rebuilding the state from the
 * `addresses` of existing logical switch ports after a restart, with conflicts reported rather
 * than silently double-allocated.
 *
 * Free space is kept as sorted ranges of big integers, so an IPv6 /64 costs no more than an IPv4
 * /24.
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { OvnError, OvnInvalidArgumentError } from "./errors.js";
import { type IpFamily, checkMac, ipFamily } from "./net.js";
import type { NbReader } from "./reader.js";
import { model } from "../ovsdb/models/ovn-nb.js";
import type { TypedMutate } from "../ovsdb/model/model.js";

/** Base class of IPAM failures. */
export class IpamError extends OvnError {
  override readonly name: string = "IpamError";
}

/** No free address is left in a subnet (or pool). */
export class IpamExhaustedError extends IpamError {
  override readonly name = "IpamExhaustedError";
  constructor(
    /** The subnet. */
    readonly subnet: string,
    /** The family that ran out. */
    readonly family: IpFamily,
    /** The pool, when allocating from one. */
    readonly pool?: readonly string[],
  ) {
    super(pool ? `IP pool ${pool.join(",")} of subnet ${subnet} has no free IPv${family} address` : `subnet ${subnet} has no free IPv${family} address`);
  }
}

/** An address (or MAC) is already held by another owner. */
export class IpamConflictError extends IpamError {
  override readonly name = "IpamConflictError";
  constructor(
    /** The contested address or MAC. */
    readonly address: string,
    /** Its current owner. */
    readonly owner: string,
    /** Who asked for it. */
    readonly requester: string,
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`${address} in subnet ${subnet} is already allocated to ${owner}, cannot give it to ${requester}`);
  }
}

/** An address is outside the subnet's CIDRs. */
export class IpamOutOfRangeError extends IpamError {
  override readonly name = "IpamOutOfRangeError";
  constructor(
    /** The address. */
    readonly address: string,
    /** The subnet. */
    readonly subnet: string,
    /** The subnet's CIDRs. */
    readonly cidrs: readonly string[],
  ) {
    super(`${address} is not in subnet ${subnet} (${cidrs.join(",")})`);
  }
}

/** An address is excluded (`exclude_ips`, gateway, network or broadcast address). */
export class IpamExcludedError extends IpamError {
  override readonly name = "IpamExcludedError";
  constructor(
    /** The address. */
    readonly address: string,
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`${address} is excluded from allocation in subnet ${subnet}`);
  }
}

/** A subnet name the IPAM does not know. */
export class IpamUnknownSubnetError extends IpamError {
  override readonly name = "IpamUnknownSubnetError";
  constructor(
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`subnet ${subnet} is not managed by this IPAM`);
  }
}

// ------------------------------------------------------------------ addresses as big integers

/** An address `IP` or a range `IP..IP` (same family, increasing), as `exclude_ips` writes them; `what` names it in errors. */
function parseIpRange(spec: string, what: string): { family: IpFamily; lo: bigint; hi: bigint } {
  const [a, b] = spec.includes("..") ? (spec.split("..") as [string, string]) : [spec, spec];
  const lo = toBig(a.trim());
  const hi = toBig(b.trim());
  if (lo.family !== hi.family || hi.n < lo.n) throw new OvnInvalidArgumentError(what, spec, "expected IP or IP..IP in increasing order");
  return { family: lo.family, lo: lo.n, hi: hi.n };
}

/** Dotted-quad IPv4 in canonical form (decimal octets 0-255, no leading zeros): the common case, parsed without the address library. */
const CANONICAL_V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function toBig(ip: string): { family: IpFamily; n: bigint } {
  const m = CANONICAL_V4.exec(ip);
  if (m) return { family: 4, n: BigInt(((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]!) };
  const fam = ipFamily(ip);
  if (fam === undefined || ip.includes("/")) throw new OvnInvalidArgumentError("IP address", ip, "not an IPv4 or IPv6 address");
  return { family: fam, n: fam === 4 ? new Address4(ip).bigInt() : new Address6(ip).bigInt() };
}

function fromBig(family: IpFamily, n: bigint): string {
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
class RangeSet {
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

  has(n: bigint): boolean {
    return this.ranges.some(([a, b]) => a <= n && n <= b);
  }

  first(): bigint | undefined {
    return this.ranges[0]?.[0];
  }

  size(): bigint {
    return this.ranges.reduce((s, [a, b]) => s + (b - a + 1n), 0n);
  }
}

/** One family's CIDR of a subnet. */
interface FamilyRange {
  readonly cidr: string;
  readonly family: IpFamily;
  readonly lo: bigint;
  readonly hi: bigint;
  /** Addresses never handed out (exclude_ips, network/broadcast). */
  readonly excluded: RangeSet;
  /** Free and never released since the start: handed out first. */
  readonly fresh: RangeSet;
  /** Released addresses, in release order: handed out when `fresh` is empty (Kube-OVN delays reuse). */
  readonly released: bigint[];
}

/** An owner's addresses in a subnet. */
export interface Allocation {
  /** The owner (a pod's port name, e.g. `pod1.ns1`). */
  readonly owner: string;
  /** IPv4 address, when the subnet has IPv4. */
  readonly ipv4?: string;
  /** IPv6 address, when the subnet has IPv6. */
  readonly ipv6?: string;
  /** The MAC. */
  readonly mac: string;
}

/** `"MAC IP..."` as a logical switch port's `addresses` entry (and `port_security`). */
export function addressesEntry(a: Allocation): string {
  return [a.mac, a.ipv4, a.ipv6].filter((x): x is string => x !== undefined).join(" ");
}

/** Options of {@link SubnetIpam.allocate}. */
export interface AllocateOptions {
  /** Fixed IPs (one per family at most), as a pod annotation asks for. */
  readonly ips?: readonly string[];
  /** A fixed MAC. */
  readonly mac?: string;
  /** An IP pool (a workload's `ip_pool`): take the first free address of the list, per family. */
  readonly pool?: readonly string[];
}

/** Generates MACs: `prefix` (three bytes, default OVN's locally administered `0a:00:00`) and 24 bits. */
export interface MacGenerator {
  /** A candidate MAC; the IPAM retries on a collision. */
  next(): string;
}

/** Random MACs under a 3-byte prefix (`mac_prefix` in OVN's `NB_Global.options`). */
export function randomMacGenerator(prefix = "0a:00:00", random: () => number = Math.random): MacGenerator {
  checkMac(`${prefix}:00:00:00`, "MAC prefix");
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return {
    next: () => {
      const n = Math.floor(random() * 0xffffff) + 1;
      return `${prefix.toLowerCase()}:${hex((n >> 16) & 0xff)}:${hex((n >> 8) & 0xff)}:${hex(n & 0xff)}`;
    },
  };
}

/** Options of a subnet allocator. */
export interface SubnetIpamOptions {
  /** Addresses (`a`), or ranges (`a..b`) that are never handed out (`exclude_ips`); the gateway belongs here. */
  readonly excludeIps?: readonly string[];
  /** MAC generator shared with other subnets (the IPAM passes its own). */
  readonly macs?: MacGenerator;
}

/**
 * The allocator of one subnet: CIDRs (`"10.16.0.0/16"`, `"fd00::/64"`, or both for dual stack,
 * comma-separated as Kube-OVN's `cidrBlock`) minus exclusions.
 */
export class SubnetIpam {
  /** The subnet's CIDRs. */
  readonly cidrs: readonly string[];
  private readonly ranges: FamilyRange[] = [];
  private readonly byOwner = new Map<string, Allocation>();
  private readonly byIp = new Map<string, string>();
  /** Owner → last addresses, kept after release so a returning StatefulSet pod gets them back. */
  private readonly remembered = new Map<string, Allocation>();
  private readonly macs: MacGenerator;
  /** MAC → owner, shared across the subnets of one {@link Ipam}. */
  private readonly macOwners: Map<string, string>;

  /** @param name the subnet (logical switch) name; @param cidrs comma-separated CIDRs. */
  constructor(
    readonly name: string,
    cidrs: string,
    options: SubnetIpamOptions = {},
    macOwners: Map<string, string> = new Map(),
  ) {
    this.macs = options.macs ?? randomMacGenerator();
    this.macOwners = macOwners;
    this.cidrs = cidrs.split(",").map((c) => c.trim()).filter((c) => c !== "");
    const families = new Set<IpFamily>();
    for (const cidr of this.cidrs) {
      const family = ipFamily(cidr);
      if (family === undefined || !/\/\d+$/.test(cidr)) throw new OvnInvalidArgumentError("subnet CIDR", cidr, "expected ADDR/LEN");
      if (families.has(family)) throw new OvnInvalidArgumentError("subnet CIDR", cidrs, `two IPv${family} CIDRs`);
      families.add(family);
      const a = family === 4 ? new Address4(cidr) : new Address6(cidr);
      const lo = a.startAddress().bigInt();
      const hi = a.endAddress().bigInt();
      const excluded = new RangeSet();
      excluded.add(lo, lo); // network address (IPv6: subnet-router anycast)
      if (family === 4 && hi > lo + 1n) excluded.add(hi, hi); // broadcast
      const fresh = new RangeSet();
      fresh.add(lo, hi);
      fresh.remove(lo, lo);
      if (family === 4 && hi > lo + 1n) fresh.remove(hi, hi);
      this.ranges.push({ cidr: `${fromBig(family, lo)}/${a.subnetMask}`, family, lo, hi, excluded, fresh, released: [] });
    }
    if (this.ranges.length === 0) throw new OvnInvalidArgumentError("subnet CIDR", cidrs, "no CIDR");
    for (const x of options.excludeIps ?? []) this.exclude(x);
  }

  /** The families the subnet has. */
  get families(): readonly IpFamily[] {
    return this.ranges.map((r) => r.family);
  }

  private range(family: IpFamily): FamilyRange | undefined {
    return this.ranges.find((r) => r.family === family);
  }

  /** Excludes an address or a range `a..b` (parts outside the subnet are ignored). */
  exclude(spec: string): void {
    const { family, lo, hi } = parseIpRange(spec, "exclude_ips entry");
    const r = this.range(family);
    if (!r) return;
    const from = lo < r.lo ? r.lo : lo;
    const to = hi > r.hi ? r.hi : hi;
    if (to < from) return;
    r.excluded.add(from, to);
    r.fresh.remove(from, to);
    for (let i = r.released.length - 1; i >= 0; i--) if (r.released[i]! >= from && r.released[i]! <= to) r.released.splice(i, 1);
  }

  /** The allocation of `owner`, if any. */
  get(owner: string): Allocation | undefined {
    return this.byOwner.get(owner);
  }

  /** Who holds `ip`, if anyone. */
  ownerOf(ip: string): string | undefined {
    return this.byIp.get(canonicalIp(ip));
  }

  /** Number of free addresses of a family (fresh and released). */
  free(family: IpFamily): bigint {
    const r = this.range(family);
    return r ? r.fresh.size() + BigInt(r.released.length) : 0n;
  }

  /** True when `ip` is in one of the subnet's CIDRs. */
  contains(ip: string): boolean {
    const { family, n } = toBig(ip);
    const r = this.range(family);
    return r !== undefined && r.lo <= n && n <= r.hi;
  }

  private isFree(r: FamilyRange, n: bigint): boolean {
    return r.fresh.has(n) || r.released.includes(n);
  }

  private take(r: FamilyRange, n: bigint): void {
    r.fresh.remove(n, n);
    const i = r.released.indexOf(n);
    if (i >= 0) r.released.splice(i, 1);
  }

  /** Checks a requested address: in range, not excluded, free (or already `owner`'s). */
  private checkRequested(ip: string, owner: string): { r: FamilyRange; n: bigint; text: string } {
    const { family, n } = toBig(ip);
    const r = this.range(family);
    const text = fromBig(family, n);
    if (!r || n < r.lo || n > r.hi) throw new IpamOutOfRangeError(ip, this.name, this.cidrs);
    const holder = this.byIp.get(text);
    if (holder !== undefined && holder !== owner) throw new IpamConflictError(text, holder, owner, this.name);
    if (holder === undefined && r.excluded.has(n)) throw new IpamExcludedError(text, this.name);
    return { r, n, text };
  }

  private pickMac(owner: string, fixed: string | undefined): string {
    if (fixed !== undefined) {
      const mac = checkMac(fixed);
      const holder = this.macOwners.get(mac);
      if (holder !== undefined && holder !== owner) throw new IpamConflictError(mac, holder, owner, this.name);
      return mac;
    }
    for (let i = 0; i < 1000; i++) {
      const mac = this.macs.next();
      if (!this.macOwners.has(mac)) return mac;
    }
    throw new IpamError(`could not generate a free MAC for ${owner} in subnet ${this.name}`);
  }

  /**
   * Allocates addresses to `owner`: one per family of the subnet. An owner that already has an
   * allocation gets it back (idempotent; a different fixed request is a conflict). A returning
   * owner (released before, e.g. a StatefulSet pod) gets its previous addresses when still free.
   * Fixed `ips`/`mac` are reserved as asked; `pool` restricts the choice to its addresses.
   */
  allocate(owner: string, options: AllocateOptions = {}): Allocation {
    const existing = this.byOwner.get(owner);
    const fixed = new Map<IpFamily, string>();
    for (const ip of options.ips ?? []) {
      const { family, n } = toBig(ip);
      if (fixed.has(family)) throw new OvnInvalidArgumentError("fixed IPs", (options.ips ?? []).join(","), `two IPv${family} addresses`);
      fixed.set(family, fromBig(family, n));
    }
    if (existing) {
      const same =
        [...fixed].every(([f, ip]) => (f === 4 ? existing.ipv4 : existing.ipv6) === ip) &&
        (options.mac === undefined || options.mac.toLowerCase() === existing.mac);
      if (same) return existing;
      return this.reassign(existing, fixed, options.mac);
    }
    const chosen = new Map<IpFamily, { r: FamilyRange; n: bigint; text: string }>();
    const remembered = this.remembered.get(owner);
    for (const r of this.ranges) {
      const want = fixed.get(r.family);
      if (want !== undefined) {
        chosen.set(r.family, this.checkRequested(want, owner));
        continue;
      }
      if (options.pool && options.pool.length > 0) {
        const c = this.fromPool(r, options.pool, owner);
        if (c) chosen.set(r.family, c);
        continue;
      }
      const prev = remembered && (r.family === 4 ? remembered.ipv4 : remembered.ipv6);
      if (prev !== undefined) {
        const n = toBig(prev).n;
        if (this.isFree(r, n)) {
          chosen.set(r.family, { r, n, text: prev });
          continue;
        }
      }
      const n = r.fresh.first() ?? r.released[0];
      if (n === undefined) throw new IpamExhaustedError(this.name, r.family);
      chosen.set(r.family, { r, n, text: fromBig(r.family, n) });
    }
    const mac = this.pickMac(owner, options.mac ?? (existing === undefined && remembered && !this.macOwners.has(remembered.mac) ? remembered.mac : undefined));
    for (const c of chosen.values()) {
      this.take(c.r, c.n);
      this.byIp.set(c.text, owner);
    }
    const a: Allocation = {
      owner,
      ...(chosen.has(4) ? { ipv4: chosen.get(4)!.text } : {}),
      ...(chosen.has(6) ? { ipv6: chosen.get(6)!.text } : {}),
      mac,
    };
    this.byOwner.set(owner, a);
    this.macOwners.set(mac, owner);
    this.remembered.delete(owner);
    return a;
  }

  /**
   * Moves `existing` to the fixed addresses/MAC asked for, keeping its other addresses. Everything
   * is checked before anything changes, so a refused request leaves the old allocation intact.
   */
  private reassign(existing: Allocation, fixed: ReadonlyMap<IpFamily, string>, mac: string | undefined): Allocation {
    const owner = existing.owner;
    const checked = [...fixed.values()].map((ip) => this.checkRequested(ip, owner));
    const newMac = mac !== undefined ? this.pickMac(owner, mac) : existing.mac;
    for (const ip of [existing.ipv4, existing.ipv6]) {
      if (ip === undefined) continue;
      const { family, n } = toBig(ip);
      if (!fixed.has(family) || fixed.get(family) === ip) continue;
      const r = this.range(family)!;
      this.byIp.delete(ip);
      if (!r.excluded.has(n)) r.released.push(n);
    }
    for (const c of checked) {
      this.take(c.r, c.n);
      this.byIp.set(c.text, owner);
    }
    const a: Allocation = {
      owner,
      ...((fixed.get(4) ?? existing.ipv4) !== undefined ? { ipv4: (fixed.get(4) ?? existing.ipv4)! } : {}),
      ...((fixed.get(6) ?? existing.ipv6) !== undefined ? { ipv6: (fixed.get(6) ?? existing.ipv6)! } : {}),
      mac: newMac,
    };
    if (newMac !== existing.mac && this.macOwners.get(existing.mac) === owner) this.macOwners.delete(existing.mac);
    this.macOwners.set(newMac, owner);
    this.byOwner.set(owner, a);
    return a;
  }

  private fromPool(r: FamilyRange, pool: readonly string[], owner: string): { r: FamilyRange; n: bigint; text: string } | undefined {
    const mine = pool.map((p) => toBig(p)).filter((p) => p.family === r.family);
    if (mine.length === 0) return undefined;
    for (const p of mine) {
      const text = fromBig(p.family, p.n);
      if (p.n < r.lo || p.n > r.hi) throw new IpamOutOfRangeError(text, this.name, this.cidrs);
      const holder = this.byIp.get(text);
      if (holder === owner || (holder === undefined && this.isFree(r, p.n))) return { r, n: p.n, text };
    }
    throw new IpamExhaustedError(this.name, r.family, pool);
  }

  /**
   * Releases `owner`'s addresses. They are remembered for the owner (a StatefulSet pod that comes
   * back gets them again) and reused by others only after every never-used address is gone,
   * unless `forget`.
   */
  release(owner: string, options: { readonly forget?: boolean } = {}): Allocation | undefined {
    const a = this.byOwner.get(owner);
    if (!a) return undefined;
    for (const ip of [a.ipv4, a.ipv6]) {
      if (ip === undefined) continue;
      const { family, n } = toBig(ip);
      const r = this.range(family)!;
      this.byIp.delete(ip);
      if (!r.excluded.has(n)) r.released.push(n);
    }
    this.byOwner.delete(owner);
    if (this.macOwners.get(a.mac) === owner) this.macOwners.delete(a.mac);
    if (!options.forget) this.remembered.set(owner, a);
    return a;
  }

  /** Every allocation. */
  allocations(): Allocation[] {
    return [...this.byOwner.values()];
  }

  /**
   * What this allocator knows beyond the NB's `addresses`: the released addresses in release
   * order (as runs `a..b`) and the remembered owners (`owner → "MAC IP..."`). Save it (e.g. with
   * {@link Ipam.memoryOperations}) so that a restart keeps delaying reuse and keeps StatefulSet
   * pods' addresses.
   */
  memory(): SubnetIpamMemory {
    const released: string[] = [];
    for (const r of this.ranges) {
      let start: bigint | undefined;
      let end = 0n;
      const flush = () => {
        if (start !== undefined) released.push(start === end ? fromBig(r.family, start) : `${fromBig(r.family, start)}..${fromBig(r.family, end)}`);
      };
      for (const n of r.released) {
        if (start !== undefined && n === end + 1n) {
          end = n;
          continue;
        }
        flush();
        start = n;
        end = n;
      }
      flush();
    }
    const remembered: Record<string, string> = {};
    for (const [owner, a] of this.remembered) remembered[owner] = addressesEntry(a);
    return { released, remembered };
  }

  /**
   * Restores a {@link SubnetIpam.memory | memory} taken before a restart, after the current allocations were recorded
   * (e.g. by {@link Ipam.rebuildFromNb}): released addresses that are still free go back to the
   * end of the reuse queue in their order; remembered owners that hold nothing now are remembered
   * again. Addresses in use now are skipped (they were reused meanwhile). Entries that are not
   * addresses of this subnet are returned as problems, nothing else changes for them.
   */
  restoreMemory(memory: SubnetIpamMemory): string[] {
    const problems: string[] = [];
    let budget = MAX_RESTORED_RELEASES;
    for (const spec of memory.released) {
      let run: { family: IpFamily; lo: bigint; hi: bigint };
      try {
        run = parseIpRange(spec, "released run");
      } catch (e) {
        problems.push(`released ${JSON.stringify(spec)}: ${(e as Error).message}`);
        continue;
      }
      const r = this.range(run.family);
      if (!r || run.lo < r.lo || run.hi > r.hi) {
        problems.push(`released ${spec}: outside subnet ${this.name} (${this.cidrs.join(",")})`);
        continue;
      }
      if (run.hi - run.lo + 1n > BigInt(budget)) {
        problems.push(`released ${spec}: more than ${MAX_RESTORED_RELEASES} released addresses in all`);
        break;
      }
      budget -= Number(run.hi - run.lo + 1n);
      for (let n = run.lo; n <= run.hi; n++) {
        if (!r.fresh.has(n)) continue; // in use, excluded, or already queued
        r.fresh.remove(n, n);
        r.released.push(n);
      }
    }
    for (const [owner, entry] of Object.entries(memory.remembered)) {
      if (this.byOwner.has(owner)) continue;
      const [mac, ...ips] = entry.trim().split(/\s+/);
      try {
        checkMac(mac ?? "", `remembered MAC of ${owner}`);
        const a: { owner: string; mac: string; ipv4?: string; ipv6?: string } = { owner, mac: mac!.toLowerCase() };
        for (const ip of ips) {
          const { family, n } = toBig(ip);
          const r = this.range(family);
          if (!r || n < r.lo || n > r.hi) throw new IpamOutOfRangeError(ip, this.name, this.cidrs);
          if (family === 4) a.ipv4 = fromBig(family, n);
          else a.ipv6 = fromBig(family, n);
        }
        this.remembered.set(owner, a);
      } catch (e) {
        problems.push(`remembered ${owner} ${JSON.stringify(entry)}: ${(e as Error).message}`);
      }
    }
    return problems;
  }
}

/** The most released addresses {@link SubnetIpam.restoreMemory} expands from one memory. */
const MAX_RESTORED_RELEASES = 1 << 20;

/** A subnet allocator's memory ({@link SubnetIpam.memory}): plain JSON-safe data. */
export interface SubnetIpamMemory {
  /** Released, not yet reused addresses in release order: `IP` or runs `IP..IP`. */
  readonly released: readonly string[];
  /** Owners whose addresses are kept for their return (StatefulSet pods): owner → `"MAC IP..."`. */
  readonly remembered: Readonly<Record<string, string>>;
}

/** A conflict found while rebuilding from the NB: the second claimant of an address lost. */
export interface RebuildConflict {
  /** The subnet. */
  readonly subnet: string;
  /** The port whose address could not be recorded. */
  readonly port: string;
  /** The address entry of that port. */
  readonly entry: string;
  /** Why (the error's message: already allocated to whom, out of range, excluded...). */
  readonly reason: string;
  /** The error. */
  readonly error: IpamError | OvnInvalidArgumentError;
}

/** What {@link Ipam.rebuildFromNb} did. */
export interface RebuildReport {
  /** Ports whose addresses were recorded. */
  readonly restored: number;
  /** Ports skipped (no fixed address: `dynamic`, `router`, `unknown`, or not on a managed subnet). */
  readonly skipped: number;
  /** Conflicts: never silently double-allocated. */
  readonly conflicts: readonly RebuildConflict[];
  /** Subnets whose saved memory ({@link Ipam.memoryOperations}) was restored. */
  readonly memoryRestored: number;
  /** Problems with saved memories (unreadable, or entries that do not fit the subnet); those parts were ignored. */
  readonly memoryProblems: readonly { readonly subnet: string; readonly problem: string }[];
}

/** The `Logical_Switch.external_ids` key under which {@link Ipam.memoryOperations} saves a subnet's memory. */
export const IPAM_MEMORY_KEY = "ovn-ts:ipam-memory";

/** The IPAM of a cluster: one {@link SubnetIpam} per subnet, MACs unique across all of them. */
export class Ipam {
  private readonly subnets = new Map<string, SubnetIpam>();
  private readonly macOwners = new Map<string, string>();
  private readonly macs: MacGenerator;

  /** @param options.macs the MAC generator (default random under `0a:00:00`). */
  constructor(options: { readonly macs?: MacGenerator } = {}) {
    this.macs = options.macs ?? randomMacGenerator();
  }

  /** Adds (or replaces the settings of) subnet `name`. Replacing keeps nothing: call before allocating. */
  addSubnet(name: string, cidrs: string, options: Omit<SubnetIpamOptions, "macs"> = {}): SubnetIpam {
    const s = new SubnetIpam(name, cidrs, { ...options, macs: this.macs }, this.macOwners);
    this.subnets.set(name, s);
    return s;
  }

  /** Subnet `name`; throws {@link IpamUnknownSubnetError}. */
  subnet(name: string): SubnetIpam {
    const s = this.subnets.get(name);
    if (!s) throw new IpamUnknownSubnetError(name);
    return s;
  }

  /** Allocates in subnet `subnet` (see {@link SubnetIpam.allocate}). */
  allocate(subnet: string, owner: string, options: AllocateOptions = {}): Allocation {
    return this.subnet(subnet).allocate(owner, options);
  }

  /** Releases `owner` in `subnet` (see {@link SubnetIpam.release}; `forget` for pods that will not come back). */
  release(subnet: string, owner: string, options: { readonly forget?: boolean } = {}): Allocation | undefined {
    return this.subnet(subnet).release(owner, options);
  }

  /**
   * Rebuilds the allocations from the NB after a restart: for every managed subnet (a logical
   * switch of the same name), each port's fixed `addresses` entries (`MAC IP...`) are recorded as
   * the port's allocation. A second port claiming an address or MAC, an address outside the
   * subnet, or an excluded one is reported in `conflicts`, never recorded twice.
   */
  async rebuildFromNb(reader: NbReader): Promise<RebuildReport> {
    const conflicts: RebuildConflict[] = [];
    let restored = 0;
    let skipped = 0;
    const switches = await reader.find("Logical_Switch");
    const ports = new Map((await reader.find("Logical_Switch_Port")).map((p) => [p._uuid as string, p]));
    // Ports in a stable order (by name) so that "who wins" is deterministic.
    for (const ls of [...switches].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const subnet = this.subnets.get(ls.name);
      const members = ls.ports.map((u) => ports.get(u)).filter((p) => p !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const p of members) {
        const entries = [...p.addresses, ...(p.dynamic_addresses ? [p.dynamic_addresses] : [])].filter((e) => isFixedEntry(e));
        if (!subnet || entries.length === 0) {
          skipped++;
          continue;
        }
        const entry = entries[0]!;
        const [mac, ...ips] = entry.trim().split(/\s+/) as [string, ...string[]];
        try {
          subnet.allocate(p.name, { mac, ips: ips.map((ip) => ip.split("/")[0]!) });
          restored++;
        } catch (e) {
          if (e instanceof IpamError || e instanceof OvnInvalidArgumentError) conflicts.push({ subnet: ls.name, port: p.name, entry, reason: e.message, error: e });
          else throw e;
        }
      }
    }
    let memoryRestored = 0;
    const memoryProblems: { subnet: string; problem: string }[] = [];
    for (const ls of switches) {
      const subnet = this.subnets.get(ls.name);
      const saved = ls.external_ids?.get(IPAM_MEMORY_KEY);
      if (!subnet || saved === undefined) continue;
      const memory = parseMemory(saved);
      if (typeof memory === "string") {
        memoryProblems.push({ subnet: ls.name, problem: memory });
        continue;
      }
      for (const problem of subnet.restoreMemory(memory)) memoryProblems.push({ subnet: ls.name, problem });
      memoryRestored++;
    }
    return { restored, skipped, conflicts, memoryRestored, memoryProblems };
  }

  /**
   * The operations that save every subnet's memory ({@link SubnetIpam.memory}) in its logical
   * switch's `external_ids:ovn-ts:ipam-memory` (as compact JSON), for {@link rebuildFromNb} to
   * restore after a restart. Add them to the transaction that releases addresses (or send them
   * on their own); they only touch that one key.
   */
  memoryOperations(): TypedMutate[] {
    const LS = model.table("Logical_Switch");
    return [...this.subnets.values()].map((s) => {
      const json = JSON.stringify({ v: 1, ...s.memory() });
      return LS.mutate({ name: s.name }, [
        ["external_ids", "delete", [IPAM_MEMORY_KEY]],
        ["external_ids", "insert", { [IPAM_MEMORY_KEY]: json }],
      ]);
    });
  }
}

/** Parses a saved memory, or says what is wrong with it. */
function parseMemory(text: string): SubnetIpamMemory | string {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return `external_ids:${IPAM_MEMORY_KEY} is not JSON (${(e as Error).message})`;
  }
  const o = j as { v?: unknown; released?: unknown; remembered?: unknown };
  if (typeof o !== "object" || o === null || o.v !== 1) return `external_ids:${IPAM_MEMORY_KEY} is not a version 1 IPAM memory`;
  if (!Array.isArray(o.released) || !o.released.every((x) => typeof x === "string")) return `external_ids:${IPAM_MEMORY_KEY}: "released" must be an array of strings`;
  const rem = o.remembered;
  if (typeof rem !== "object" || rem === null || Array.isArray(rem) || !Object.values(rem).every((x) => typeof x === "string")) return `external_ids:${IPAM_MEMORY_KEY}: "remembered" must map owners to strings`;
  return { released: o.released as string[], remembered: rem as Record<string, string> };
}

function isFixedEntry(e: string): boolean {
  const first = e.trim().split(/\s+/)[0] ?? "";
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(first) && e.trim().split(/\s+/).length > 1 && !e.includes("dynamic");
}
