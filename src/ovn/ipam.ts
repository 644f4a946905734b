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
import { OvnInvalidArgumentError } from "./errors.js";
import type { NbReader } from "./reader.js";
import { model } from "../ovsdb/models/ovn-nb.js";
import type { TypedMutate } from "../ovsdb/model/model.js";
import { IpamError, IpamUnknownSubnetError } from "./ipam-errors.js";
import { type AllocateOptions, type Allocation, type MacGenerator, SubnetIpam, type SubnetIpamMemory, type SubnetIpamOptions, randomMacGenerator } from "./ipam-subnet.js";

export { IpamConflictError, IpamError, IpamExcludedError, IpamExhaustedError, IpamOutOfRangeError, IpamUnknownSubnetError } from "./ipam-errors.js";
export { canonicalIp } from "./ipam-ranges.js";
export { type AllocateOptions, type Allocation, type MacGenerator, SubnetIpam, type SubnetIpamMemory, type SubnetIpamOptions, addressesEntry, randomMacGenerator } from "./ipam-subnet.js";

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
