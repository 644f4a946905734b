/**
 * A VPC's `spec.vpcPeerings`, as Kube-OVN's VPC controller programs them (pkg/controller/vpc.go
 * `handleAddOrUpdateVpc`; pkg/ovs `CreatePeerRouterPort`): each peering is a router port
 * `LOCAL-REMOTE` on the VPC's router, its `networks` the `localConnectIP` (comma-separated
 * `IP/LEN`, one per family), its `peer` the remote VPC's port `REMOTE-LOCAL`, `external_ids:lr`
 * the router (Kube-OVN's `CreateLogicalRouterPortOp` stamp). A peering is two such ports, one
 * on each side, whose connect IPs share a network: traffic crosses with the VPCs' static routes
 * (`spec.staticRoutes`, next hop the peer's connect IP), as Kube-OVN's users write them. A peering
 * dropped from the spec deletes its port (Kube-OVN deletes `LOCAL-OLDPEER`).
 *
 * @module
 */
import type { NbPlan } from "../../ovn/controller/index.js";
import { ipFamily, ipPrefix } from "../../net/index.js";
import type { ManifestProblem } from "../errors.js";
import { EXTERNAL_IDS, deterministicMac, routerPortName } from "../naming.js";
import type { VpcObject } from "../types.js";
import { extOf, ownedByExternalId } from "./common.js";
import type { Fields } from "./fields.js";

/** One entry of `spec.vpcPeerings`. */
export interface VpcPeering {
  /** `remoteVpc`. */
  readonly remoteVpc: string;
  /** `localConnectIP`: the local port's networks (`IP/LEN`, one per family). */
  readonly localConnectIp: readonly string[];
}

/** A peering worked out: the local router port and its peer. */
export interface ResolvedPeering {
  /** The remote VPC. */
  readonly remoteVpc: string;
  /** The local router port, `LOCAL-REMOTE`. */
  readonly port: string;
  /** The peer port, `REMOTE-LOCAL`. */
  readonly peer: string;
  /** The local port's networks. */
  readonly networks: readonly string[];
}

/** The router port of `local`'s peering with `remote` (Kube-OVN's `LOCAL-REMOTE`). */
export function peeringPortName(local: string, remote: string): string {
  return routerPortName(local, remote);
}

/**
 * Reads `spec.vpcPeerings`: each entry a mapping with `remoteVpc` and `localConnectIP`
 * (comma-separated `IP/LEN`, at most one per family), no remote VPC twice.
 */
export function readVpcPeerings(f: Fields): VpcPeering[] {
  const out: VpcPeering[] = [];
  const seen = new Map<string, number>();
  const at0 = ["spec", "vpcPeerings"];
  for (const [i] of (f.list(at0) ?? []).entries()) {
    const at = [...at0, String(i)];
    if (f.map(at) === undefined) continue;
    f.only(at, ["remoteVpc", "localConnectIP"]);
    const remote = f.str([...at, "remoteVpc"], true);
    const text = f.str([...at, "localConnectIP"], true);
    let networks: string[] | undefined;
    if (text !== undefined) {
      networks = text.split(",").map((x) => x.trim()).filter((x) => x !== "");
      const bad = networks.find((n) => !/^[^/]+\/\d+$/.test(n) || ipPrefix(n) === undefined);
      const fams = networks.map((n) => ipFamily(n.split("/")[0]!));
      if (networks.length === 0 || bad !== undefined) {
        f.issue([...at, "localConnectIP"], { kind: "bad-value", value: text, reason: `${bad ?? "(none)"} is not an address with its prefix length (IP/LEN)` });
        networks = undefined;
      } else if (new Set(fams).size !== fams.length) {
        f.issue([...at, "localConnectIP"], { kind: "bad-value", value: text, reason: "two addresses of one IP family" });
        networks = undefined;
      }
    }
    if (remote === undefined || networks === undefined) continue;
    const other = seen.get(remote);
    if (other !== undefined) {
      f.issue([...at, "remoteVpc"], { kind: "bad-value", value: remote, reason: `already peered by spec.vpcPeerings.${other}` });
      continue;
    }
    seen.set(remote, i);
    out.push({ remoteVpc: remote, localConnectIp: networks });
  }
  return out;
}

/**
 * Checks the VPCs' peerings against each other: the remote VPC is declared and not the VPC
 * itself, it peers back, the two connect IPs of each family share a network and differ, and no
 * subnet of the VPC is named like the remote VPC (its router port would be `LOCAL-REMOTE` too).
 * Returns the peerings of each VPC.
 */
export function resolvePeerings(
  vpcs: ReadonlyMap<string, VpcObject>,
  subnetsOf: (vpc: string) => readonly string[],
  issue: (o: VpcObject, field: string, p: ManifestProblem) => void,
): Map<string, ResolvedPeering[]> {
  const out = new Map<string, ResolvedPeering[]>();
  for (const v of vpcs.values()) {
    (v.peerings ?? []).forEach((pe, i) => {
      const field = `spec.vpcPeerings.${i}`;
      const remote = vpcs.get(pe.remoteVpc);
      if (pe.remoteVpc === v.name) return issue(v, `${field}.remoteVpc`, { kind: "bad-value", value: pe.remoteVpc, reason: "a VPC cannot peer with itself" });
      if (!remote) return issue(v, `${field}.remoteVpc`, { kind: "unknown-reference", refKind: "Vpc", name: pe.remoteVpc });
      if (subnetsOf(v.name).includes(pe.remoteVpc)) {
        return issue(v, `${field}.remoteVpc`, { kind: "bad-value", value: pe.remoteVpc, reason: `subnet ${pe.remoteVpc} of VPC ${v.name} has the router port ${peeringPortName(v.name, pe.remoteVpc)} too` });
      }
      const back = (remote.peerings ?? []).find((x) => x.remoteVpc === v.name);
      if (!back) return issue(v, `${field}.remoteVpc`, { kind: "bad-value", value: pe.remoteVpc, reason: `vpc ${pe.remoteVpc} has no vpcPeerings entry for ${v.name} (a peering is a router port on each side)` });
      for (const net of pe.localConnectIp) {
        const mine = ipPrefix(net)!;
        const theirs = back.localConnectIp.find((x) => ipFamily(x.split("/")[0]!) === mine.family);
        if (theirs === undefined) {
          issue(v, `${field}.localConnectIP`, { kind: "bad-value", value: net, reason: `vpc ${pe.remoteVpc}'s localConnectIP for ${v.name} has no IPv${mine.family} address` });
          continue;
        }
        const other = ipPrefix(theirs)!;
        if (other.network !== mine.network || other.length !== mine.length) issue(v, `${field}.localConnectIP`, { kind: "bad-value", value: net, reason: `not in the network of vpc ${pe.remoteVpc}'s ${theirs}` });
        else if (net.split("/")[0]!.toLowerCase() === theirs.split("/")[0]!.toLowerCase()) issue(v, `${field}.localConnectIP`, { kind: "bad-value", value: net, reason: `the same address as vpc ${pe.remoteVpc}'s side` });
      }
      const list = out.get(v.name) ?? [];
      list.push({ remoteVpc: pe.remoteVpc, port: peeringPortName(v.name, pe.remoteVpc), peer: peeringPortName(pe.remoteVpc, v.name), networks: pe.localConnectIp });
      out.set(v.name, list);
    });
  }
  return out;
}

/** Whether an owned router port row is a peering port (it has a `peer`). */
export function isPeeringPort(row: { readonly [k: string]: unknown }): boolean {
  const peer = row["peer"];
  return typeof peer === "string" ? peer !== "" : Array.isArray(peer) && peer.length > 0;
}

/**
 * Makes the peering ports of router `vpc` exactly `peerings`: each port created (a MAC derived
 * from its name) or brought to its networks and peer; owned peering ports of the router no longer
 * listed deleted.
 */
export function buildVpcPeerings(p: NbPlan, vpc: string, peerings: readonly ResolvedPeering[]): void {
  const want = new Set(peerings.map((x) => x.port));
  for (const row of ownedByExternalId(p, "Logical_Router_Port", EXTERNAL_IDS.logicalRouter, vpc)) {
    if (isPeeringPort(row) && !want.has(row["name"] as string) && extOf(row).get(EXTERNAL_IDS.logicalRouter) === vpc) p.deleteNamed("Logical_Router_Port", row["name"] as string);
  }
  for (const x of peerings) {
    const exists = p.db.byName("Logical_Router_Port", x.port) !== undefined;
    p.ensureRouterPort(vpc, x.port, {
      ...(exists ? {} : { mac: deterministicMac(x.port) }),
      networks: [...x.networks],
      peer: x.peer,
      external_ids: { [EXTERNAL_IDS.logicalRouter]: vpc },
    } as Parameters<NbPlan["ensureRouterPort"]>[2]);
  }
}
