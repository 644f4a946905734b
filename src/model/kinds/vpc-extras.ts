/**
 * What a `Vpc` has beyond its router, subnets and routes, worked out for the planner: its
 * external connections (`enableExternal`: the default external subnet `external`, or instead each
 * of `extraExternalSubnets`, provider-network VLAN subnets, as Kube-OVN's
 * `handleUpdateVpcExternal` connects them, a router port `VPC-SUBNET` and its switch port
 * `SUBNET-VPC` each, src/model/kinds/nat.ts), its peerings (src/model/kinds/vpc-peering.ts) and
 * its BFD (src/model/kinds/bfd.ts), the options of its router (Kube-OVN's `createVpcRouter`); the
 * router ports they own (kept by `--prune`), and the rows `--prune` deletes when the VPC is gone.
 *
 * @module
 */
import type { ControlledDb, NbController, NbPlan } from "../../ovn/controller/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import type { ManifestProblem } from "../errors.js";
import { EXTERNAL_IDS } from "../naming.js";
import type { ResolvedSubnet } from "../resolve.js";
import type { ModelObject, VpcObject } from "../types.js";
import { u2oVpcs } from "./subnet-u2o.js";
import { type ResolvedVpcBfd, bfdPruneTargets, buildVpcBfd, isBfdPortName, requireBfdFeatures, resolveVpcBfd } from "./bfd.js";
import type { PruneTarget } from "./common.js";
import { EXTERNAL_SUBNET, type ResolvedExternal } from "./nat.js";
import type { ResolvedNode } from "./node.js";
import { type ResolvedPeering, buildVpcPeerings, isPeeringPort, resolvePeerings } from "./vpc-peering.js";

/** One external connection a VPC asks for: the VPC, the external subnet, and the field that asks. */
export interface ExternalConnection {
  /** The VPC. */
  readonly vpc: VpcObject;
  /** The external subnet. */
  readonly subnet: string;
  /** `spec.enableExternal` or `spec.extraExternalSubnets.N`. */
  readonly field: string;
}

/**
 * The external connections of the VPCs with `enableExternal`: the default external subnet, or
 * each of `extraExternalSubnets` (declared, an underlay subnet with `spec.vlan`, not a subnet of
 * the VPC itself). Reports the problems.
 */
export function externalConnectionsOf(
  vpcs: ReadonlyMap<string, VpcObject>,
  declared: ReadonlySet<string>,
  subnets: ReadonlyMap<string, ResolvedSubnet>,
  issue: (o: ModelObject, field: string, p: ManifestProblem) => void,
): ExternalConnection[] {
  const out: ExternalConnection[] = [];
  for (const v of vpcs.values()) {
    if (!v.enableExternal) continue;
    const extra = v.extraExternalSubnets;
    const wanted = extra?.length ? extra.map((s, i) => [s, `spec.extraExternalSubnets.${i}`] as const) : [[EXTERNAL_SUBNET, "spec.enableExternal"] as const];
    for (const [name, field] of wanted) {
      if (!declared.has(name)) {
        issue(v, field, { kind: "unknown-reference", refKind: "Subnet", name });
        continue;
      }
      const s = subnets.get(name);
      if (!s) continue; // invalid: reported already
      if (extra?.length && !s.underlay) {
        issue(v, field, { kind: "bad-value", value: name, reason: "an extra external subnet is a provider-network VLAN subnet (spec.vlan)" });
        continue;
      }
      if (s.vpc === v.name && s.routed) {
        issue(v, field, { kind: "bad-value", value: name, reason: `subnet ${name} is joined to VPC ${v.name} already` });
        continue;
      }
      out.push({ vpc: v, subnet: name, field });
    }
  }
  return out;
}

/**
 * The options Kube-OVN's `createVpcRouter` gives every VPC's router (the whole map, as it sets
 * them): `mac_binding_age_threshold` 300, `dynamic_neigh_routers` true, and
 * `always_learn_from_arp_request` false unless the router learns from ARP requests (a VPC with
 * `enableExternal`, peerings, or an underlay subnet with `u2oInterconnection`).
 */
export function vpcRouterOptions(learnFromArpRequest: boolean): Record<string, string> {
  return { mac_binding_age_threshold: "300", dynamic_neigh_routers: "true", ...(learnFromArpRequest ? {} : { always_learn_from_arp_request: "false" }) };
}

/** A VPC's peerings, BFD and router options. */
export interface ResolvedVpcExtras {
  /** Whether its router learns from ARP requests (`enableExternal` or peerings): see {@link vpcRouterOptions}. */
  readonly learnFromArpRequest?: boolean;
  /** The peerings (router ports `VPC-REMOTE`). */
  readonly peerings: readonly ResolvedPeering[];
  /** The BFD session and BFD port, if any. */
  readonly bfd?: ResolvedVpcBfd;
}

/** What {@link resolveVpcExtras} reads of the model being resolved. */
export interface VpcExtrasContext {
  /** The VPCs of the files. */
  readonly vpcObjects: ReadonlyMap<string, VpcObject>;
  /** The valid subnets. */
  readonly subnets: readonly ResolvedSubnet[];
  /** The nodes. */
  readonly nodes: readonly ResolvedNode[];
  /** The external connections. */
  readonly externals: readonly ResolvedExternal[];
  /** Reports a problem. */
  readonly issue: (o: ModelObject, field: string, p: ManifestProblem) => void;
}

/** Checks the VPCs' peerings and BFD and works them out (only VPCs that have some, or learn from ARP requests, are in the map). */
export function resolveVpcExtras(ctx: VpcExtrasContext): Map<string, ResolvedVpcExtras> {
  const subnetsOf = (vpc: string) => ctx.subnets.filter((s) => s.vpc === vpc).map((s) => s.object.name);
  const peerings = resolvePeerings(ctx.vpcObjects, subnetsOf, ctx.issue);
  // A VPC with an underlay subnet with u2oInterconnection learns from ARP requests (vpc.go learnFromARPRequest).
  const u2o = u2oVpcs(ctx);
  const out = new Map<string, ResolvedVpcExtras>();
  for (const v of ctx.vpcObjects.values()) {
    const bfd = resolveVpcBfd(v, {
      externalsOf: (vpc) => ctx.externals.filter((x) => x.vpc === vpc).map((x) => x.subnet.object.name),
      gatewaysOf: (name) => ctx.subnets.find((s) => s.object.name === name)?.gateways,
      cidrsOf: (name) => ctx.subnets.find((s) => s.object.name === name)?.cidrs,
      nodes: ctx.nodes,
      issue: ctx.issue,
    });
    const p = peerings.get(v.name) ?? [];
    const learn = v.enableExternal === true || (v.peerings?.length ?? 0) > 0 || u2o.has(v.name);
    if (p.length || bfd || learn) out.set(v.name, { peerings: p, ...(bfd ? { bfd } : {}), ...(learn ? { learnFromArpRequest: true } : {}) });
  }
  // A VPC without its object (the default VPC) with a U2O subnet learns too.
  for (const vpc of u2o) if (!out.has(vpc)) out.set(vpc, { peerings: [], learnFromArpRequest: true });
  return out;
}

/** Adds a VPC's router options, peering ports and BFD rows to a plan (none: deletes the owned ones the VPC had). */
export function buildVpcExtras(p: NbPlan, vpc: string, extras: ResolvedVpcExtras | undefined): void {
  p.ensureRouter(vpc, { options: vpcRouterOptions(extras?.learnFromArpRequest ?? false) });
  buildVpcPeerings(p, vpc, extras?.peerings ?? []);
  buildVpcBfd(p, vpc, extras?.bfd);
}

/** Refuses what a VPC's extras need and the server's NB schema lacks (`OvnFeatureUnavailableError`). */
export function requireVpcExtras(ctl: NbController, extras: ResolvedVpcExtras | undefined): void {
  requireBfdFeatures(ctl, extras?.bfd);
}

/** Estimated operations of a VPC's extras (for the planner's transaction budget). */
export function vpcExtrasWeight(extras: ResolvedVpcExtras | undefined): number {
  return 3 + 4 * (extras?.peerings.length ?? 0) + 3 * (extras?.bfd?.sessions?.length ?? 0) + 2 * (extras?.bfd?.bfdRoutes ?? 0) + (extras?.bfd?.port ? 6 + 2 * extras.bfd.port.chassis.length : 0);
}

/** The router ports of the VPCs' peerings and BFD ports (kept by `--prune`). */
export function vpcExtraRouterPorts(extras: ReadonlyMap<string, ResolvedVpcExtras> | undefined): string[] {
  return [...(extras?.values() ?? [])].flatMap((x) => [...x.peerings.map((pe) => pe.port), ...(x.bfd?.port ? [x.bfd.port.name] : [])]);
}

/** The VPC a peering or BFD router port belongs to (`vpc/NAME`, for `--prune`'s report), else undefined. */
export function vpcExtraPortRef(row: Row): string | undefined {
  const name = row["name"] as string;
  if (isBfdPortName(name)) return `vpc/${name.slice(4)}`;
  const lr = (row["external_ids"] as ReadonlyMap<string, string> | undefined)?.get(EXTERNAL_IDS.logicalRouter);
  return isPeeringPort(row) && lr !== undefined ? `vpc/${lr}` : undefined;
}

/** BFD rows and HA chassis groups of VPCs absent from the model (`--prune`). */
export function vpcExtrasPruneTargets(db: ControlledDb, vpcs: readonly string[]): PruneTarget[] {
  return bfdPruneTargets(db, new Set(vpcs));
}
