/**
 * One subnet's allocator ({@link SubnetIpam}): IPv4, IPv6 or dual stack over the subnet's CIDRs
 * minus `exclude_ips`, fixed IP/MAC reservations, IP pools, stable name → IP for returning owners,
 * release and delayed reuse, MAC generation, and the memory saved across restarts.
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { OvnInvalidArgumentError } from "./errors.js";
import { type IpFamily, checkMac, ipFamily } from "./net.js";
import { IpamConflictError, IpamError, IpamExcludedError, IpamExhaustedError, IpamOutOfRangeError } from "./ipam-errors.js";
import { RangeSet, canonicalIp, fromBig, parseIpRange, toBig, toBigText } from "./ipam-ranges.js";

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

/** An address chosen for an owner: its family's range, its value and its text. */
interface Chosen {
  readonly r: FamilyRange;
  readonly n: bigint;
  readonly text: string;
}

/** No fixed address (shared: never written). */
const NO_FIXED: ReadonlyMap<IpFamily, string> = new Map();

/** Fixed IPs by family, canonical; two of one family is an error. */
function fixedByFamily(ips: readonly string[]): Map<IpFamily, string> {
  const fixed = new Map<IpFamily, string>();
  for (const ip of ips) {
    const { family, text } = toBigText(ip);
    if (fixed.has(family)) throw new OvnInvalidArgumentError("fixed IPs", ips.join(","), `two IPv${family} addresses`);
    fixed.set(family, text);
  }
  return fixed;
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
    const rs = this.ranges;
    for (let i = 0; i < rs.length; i++) if (rs[i]!.family === family) return rs[i];
    return undefined;
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
  private checkRequested(ip: string, owner: string): Chosen {
    const { family, n, text } = toBigText(ip);
    return this.checkParsed(ip, family, n, text, owner);
  }

  /** {@link SubnetIpam.checkRequested} of an address already parsed (`ip` as asked, its family, value and canonical text). */
  private checkParsed(ip: string, family: IpFamily, n: bigint, text: string, owner: string): Chosen {
    const r = this.range(family);
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
    if (existing === undefined && options.pool === undefined && this.remembered.size === 0) {
      if (options.ips === undefined && options.mac === undefined) return this.allocateNext(owner);
      if (options.ips?.length === 1 && this.ranges.length === 1) return this.allocateOne(owner, options.ips[0]!, options.mac);
    }
    const fixed = options.ips !== undefined && options.ips.length > 0 ? fixedByFamily(options.ips) : NO_FIXED;
    if (existing) {
      let same = options.mac === undefined || options.mac.toLowerCase() === existing.mac;
      for (const [f, ip] of fixed) if ((f === 4 ? existing.ipv4 : existing.ipv6) !== ip) same = false;
      if (same) return existing;
      return this.reassign(existing, fixed, options.mac);
    }
    // One choice per family (the subnet has one or two), in the subnet's family order.
    let c4: Chosen | undefined;
    let c6: Chosen | undefined;
    const remembered = this.remembered.get(owner);
    for (const r of this.ranges) {
      const c = this.choose(r, owner, fixed.get(r.family), options.pool, remembered);
      if (c === undefined) continue;
      if (r.family === 4) c4 = c;
      else c6 = c;
    }
    const mac = this.pickMac(owner, options.mac ?? (remembered && !this.macOwners.has(remembered.mac) ? remembered.mac : undefined));
    for (const r of this.ranges) {
      const c = r.family === 4 ? c4 : c6;
      if (c === undefined) continue;
      this.take(c.r, c.n);
      this.byIp.set(c.text, owner);
    }
    // (the properties in one order: owner, ipv4, ipv6, mac)
    const a: Allocation = c4 && c6 ? { owner, ipv4: c4.text, ipv6: c6.text, mac } : c4 ? { owner, ipv4: c4.text, mac } : c6 ? { owner, ipv6: c6.text, mac } : { owner, mac };
    this.byOwner.set(owner, a);
    this.macOwners.set(mac, owner);
    if (remembered) this.remembered.delete(owner);
    return a;
  }

  /**
   * {@link SubnetIpam.allocate} of a new owner that asks for no address, when nobody is
   * remembered: the first free address of each family (never released first, as
   * {@link SubnetIpam.choose} picks), then a MAC (`fixedMac` when given); checked before anything
   * changes, as there.
   */
  private allocateNext(owner: string, fixedMac?: string): Allocation {
    const rs = this.ranges;
    const r0 = rs[0]!;
    const r1 = rs[1];
    const f0 = r0.fresh.first();
    const n0 = f0 ?? r0.released[0];
    if (n0 === undefined) throw new IpamExhaustedError(this.name, r0.family);
    const f1 = r1?.fresh.first();
    const n1 = r1 === undefined ? undefined : (f1 ?? r1.released[0]);
    if (r1 !== undefined && n1 === undefined) throw new IpamExhaustedError(this.name, r1.family);
    const mac = this.pickMac(owner, fixedMac);
    const t0 = fromBig(r0.family, n0);
    if (f0 !== undefined) r0.fresh.remove(n0, n0);
    else r0.released.shift();
    this.byIp.set(t0, owner);
    let t1: string | undefined;
    if (r1 !== undefined) {
      t1 = fromBig(r1.family, n1!);
      if (f1 !== undefined) r1.fresh.remove(n1!, n1!);
      else r1.released.shift();
      this.byIp.set(t1, owner);
    }
    // (the properties in one order: owner, ipv4, ipv6, mac)
    const a: Allocation = t1 === undefined ? (r0.family === 4 ? { owner, ipv4: t0, mac } : { owner, ipv6: t0, mac }) : r0.family === 4 ? { owner, ipv4: t0, ipv6: t1, mac } : { owner, ipv4: t1, ipv6: t0, mac };
    this.byOwner.set(owner, a);
    this.macOwners.set(mac, owner);
    return a;
  }

  /**
   * {@link SubnetIpam.allocate} of a new owner asking for one address (and maybe a MAC) in a
   * single-family subnet, when nobody is remembered: the address parsed once and checked as there,
   * then the MAC; nothing changes on a refusal. An address of the other family asks for nothing
   * of the subnet's (as there: the first free address).
   */
  private allocateOne(owner: string, ip: string, fixedMac: string | undefined): Allocation {
    const { family, n, text } = toBigText(ip);
    if (family !== this.ranges[0]!.family) return this.allocateNext(owner, fixedMac);
    const c = this.checkParsed(text, family, n, text, owner);
    const mac = this.pickMac(owner, fixedMac);
    this.take(c.r, c.n);
    this.byIp.set(c.text, owner);
    const a: Allocation = family === 4 ? { owner, ipv4: c.text, mac } : { owner, ipv6: c.text, mac };
    this.byOwner.set(owner, a);
    this.macOwners.set(mac, owner);
    return a;
  }

  /** The address of family `r` a new owner gets: the fixed one, one of the pool, its remembered one when free, else the first free one. */
  private choose(r: FamilyRange, owner: string, want: string | undefined, pool: readonly string[] | undefined, remembered: Allocation | undefined): Chosen | undefined {
    if (want !== undefined) return this.checkRequested(want, owner);
    if (pool && pool.length > 0) return this.fromPool(r, pool, owner);
    const prev = remembered && (r.family === 4 ? remembered.ipv4 : remembered.ipv6);
    if (prev !== undefined) {
      const n = toBig(prev).n;
      if (this.isFree(r, n)) return { r, n, text: prev };
    }
    const n = r.fresh.first() ?? r.released[0];
    if (n === undefined) throw new IpamExhaustedError(this.name, r.family);
    return { r, n, text: fromBig(r.family, n) };
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

  private fromPool(r: FamilyRange, pool: readonly string[], owner: string): Chosen | undefined {
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
