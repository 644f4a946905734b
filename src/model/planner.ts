/**
 * The planner: a {@link ResolvedModel} and the current Northbound state (the controller's
 * replica) → the controller's declarative calls (a router per VPC; a switch per subnet with
 * `other_config` subnet/gateway/exclude_ips, joined to its router by a router port and a switch
 * port of type `router`; a switch port per pod with `addresses` and `port_security` "MAC IP" and
 * its rate QoS rows; per NetworkPolicy its port group, address sets and ACLs; per VPC with services
 * six load balancers on its switches, and per service its VIPs — see `src/model/kinds`),
 * in chunks of bounded size, each sent as one reconcile (nothing sent when nothing differs), and
 * with `prune` the deletion of owned rows the model no longer has. Every step of the plans is
 * attributed to the object it was made for, so the caller can print `subnet/x created`.
 *
 * @module
 */
import { type NbController, type NbPlan, type Plan, type PlanStep, type ReadLog, type ReconcileResult, onlyKeys, stalePlan } from "../ovn/controller/index.js";
import { DEFAULT_NODE_SWITCH_CIDR, EXTERNAL_IDS, KUBE_OVN_IDENTITY, NETPOL_ACL_TIER, NODE_SWITCH, deterministicMac, routerPortName, switchRouterPortName } from "./naming.js";
import { type ModelUnit, stepCount } from "./kinds/common.js";
import { buildSubnetRouting } from "./kinds/gateway.js";
import { subnetSpecAcls } from "./kinds/subnet-acls.js";
import { privateSubnetAcls } from "./kinds/subnet-private.js";
import { buildSubnetDhcp, podDhcpColumns, routerPortRaColumns } from "./kinds/subnet-dhcp.js";
import { buildSubnetExtraPorts, mcastOtherConfig, podVipColumns } from "./kinds/subnet-extras.js";
import { buildSubnetU2o, existingU2oAddresses, u2oNetworks } from "./kinds/subnet-u2o.js";
import { U2O_OVERLAY_CIDRS_WEIGHT, buildU2oOverlayCidrs, u2oNoLbUnits } from "./kinds/u2o-routing.js";
import { EXTERNAL_SUBNET, dropExternal, existingNatAddresses, externalUnits, natUnits } from "./kinds/nat.js";
import { networkPolicyUnit } from "./kinds/network-policy.js";
import { nodeUnits } from "./kinds/node.js";
import { podQosRules } from "./kinds/qos.js";
import { ensureVpcLoadBalancers, loadBalancerRef, serviceRecordKey, serviceRecords, serviceUnit, vpcLoadBalancerNames } from "./kinds/service.js";
import { buildVpcRoutes, vpcRouteCount } from "./kinds/vpc-routes.js";
import { buildVpcExtras, requireVpcExtras, vpcExtrasWeight } from "./kinds/vpc-extras.js";
import { PRUNE_TABLES, pruneTargets } from "./prune-targets.js";
import type { ExistingAddresses, ResolvedModel, ResolvedPod, ResolvedSubnet } from "./resolve.js";
import { objectRef } from "./types.js";

/** What happened (or would happen) to one object. */
export type ObjectAction = "created" | "configured" | "unchanged" | "deleted";

/** One object's outcome and the plan steps made for it. */
export interface ObjectOutcome {
  /** `vpc/NAME`, `subnet/NAME`, `pod/NAMESPACE/NAME`. */
  readonly ref: string;
  /** What happened. */
  readonly action: ObjectAction;
  /** The OVN changes made for it. */
  readonly steps: readonly PlanStep[];
}

/** Options of {@link applyModel}. */
export interface ApplyModelOptions {
  /** Build the plans without sending them. @default false */
  readonly dryRun?: boolean;
  /** Delete owned rows (routers, switches, ports) the model does not have. @default false */
  readonly prune?: boolean;
  /**
   * The most operations one transaction may hold; a bigger apply is split into several
   * transactions (objects are never split). @default 2000
   */
  readonly maxOperations?: number;
  /** Called after each chunk with the objects done so far and the total (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * A one-shot apply, whose caller does not use the controller's replica afterwards (`ovn-ts
   * apply` without `--watch`): the replica's monitor is cancelled before the first transaction
   * and the replica follows the apply's own transactions itself (`ControlledDb.followOwnWrites`),
   * so the server does no monitor work and sends nothing back. Other clients' changes during the
   * apply still make a guarded transaction fail (and the plan be rebuilt, the monitor attached
   * again); the replica no longer follows them after it.
   * @default false
   */
  readonly followOwnWrites?: boolean;
  /**
   * Keep every chunk's plan in the result's `plans`. Otherwise each chunk's plan (its operations)
   * is dropped once its transaction has committed and its steps are attributed: a 10,000-pod apply
   * does not hold every operation it sent until the end.
   * @default true on a dry run (its one plan), false otherwise
   */
  readonly keepPlans?: boolean;
}

/** What {@link applyModel} did. */
export interface ApplyModelResult {
  /** One outcome per object (in model order: VPCs, subnets, pods), then the deleted ones. */
  readonly objects: readonly ObjectOutcome[];
  /** Objects per action. */
  readonly counts: Readonly<Record<ObjectAction, number>>;
  /** Transactions sent (0 on a dry run or when nothing differs). */
  readonly transactions: number;
  /** Operations sent, or (dry run) that would be sent. */
  readonly operations: number;
  /** The plans built (one per chunk; the steps of each in `objects`), when kept ({@link ApplyModelOptions.keepPlans}); else empty. */
  readonly plans: readonly Plan[];
}

/** A unit of work: one object's calls, its estimated operation count and its primary row. */
type Unit = ModelUnit;

/** The addresses the controller's pod ports already have (for {@link resolveModel}'s `existing`), read from the replica. */
export function existingAddresses(ctl: NbController): ExistingAddresses {
  const out = new Map<string, { subnet: string; mac: string; ips: string[] }>();
  for (const row of ctl.db.owned("Logical_Switch_Port")) {
    const ext = row["external_ids"] as ReadonlyMap<string, string>;
    const subnet = ext.get(EXTERNAL_IDS.logicalSwitch);
    const name = row["name"] as string;
    if (subnet === undefined || !(ext.has(EXTERNAL_IDS.pod) || name.startsWith("node-"))) continue;
    const a = row["addresses"];
    const first = (Array.isArray(a) ? a[0] : a) as string | undefined;
    const parts = first === undefined ? [] : addressWords(first);
    if (parts.length < 2) continue;
    out.set(name, { subnet, mac: parts[0]!, ips: parts.slice(1) });
  }
  // U2O subnets' interconnection addresses (their router ports).
  for (const [owner, a] of existingU2oAddresses(ctl)) if (!out.has(owner)) out.set(owner, a);
  // EIPs (from their NAT rules) and VPC external router ports.
  for (const [owner, a] of existingNatAddresses(ctl.db)) if (!out.has(owner)) out.set(owner, { subnet: owner.endsWith(`-${EXTERNAL_SUBNET}`) ? EXTERNAL_SUBNET : "", mac: a.mac ?? "", ips: a.ips });
  return out;
}

/** The words of an address entry (`MAC IP...`): split at single spaces when that is all it holds (the usual entry), else at any run of white space. */
export function addressWords(entry: string): string[] {
  return SINGLE_SPACED.test(entry) ? entry.split(" ") : entry.trim().split(/\s+/);
}

/** Words of non-white-space characters separated by single spaces (nothing before the first or after the last). */
const SINGLE_SPACED = /^\S+(?: \S+)*$/;

function subnetUnit(s: ResolvedSubnet, nodeSwitchCidr: string, model: ResolvedModel, loadBalancers: readonly string[]): Unit {
  const ls = s.object.name;
  const lr = s.vpc;
  const lrp = routerPortName(lr, ls);
  const v4 = s.cidrs.findIndex((c) => !c.includes(":"));
  const v4Excludes = s.excludeIps.filter((x) => !x.includes(":"));
  const u2o = model.u2o?.get(ls);
  const acls = (withTier: boolean) => [...privateSubnetAcls(s, nodeSwitchCidr, withTier), ...subnetSpecAcls(s.object, s.cidrs, withTier)];
  return {
    ref: objectRef(s.object),
    // DHCP rows, the querier and VIP ports, the U2O address sets and policies (src/model/kinds/subnet-*.ts).
    weight: 10 + 2 * acls(false).length + (s.object.dhcp ? 4 : 0) + (s.object.enableMulticastSnoop ? 3 : 0) + 2 * (s.object.vips?.length ?? 0) + (s.object.u2oInterconnection ? 12 : 0),
    primary: ["Logical_Switch", ls],
    build: (p) => {
      const lbs = loadBalancers.map((n) => loadBalancerRef(p, n)).filter((r): r is string => r !== undefined);
      p.ensureSwitch(ls, {
        load_balancer: lbs as never, // plan references (UUIDs or uuid-names of this plan)
        other_config: onlyKeys({
          subnet: v4 >= 0 ? s.cidrs[v4] : undefined,
          gateway: v4 >= 0 ? s.gateways[v4] : undefined,
          exclude_ips: v4 >= 0 && v4Excludes.length ? v4Excludes.join(" ") : undefined,
          ...mcastOtherConfig(model.mcastQueriers?.get(ls)),
        }),
      });
      buildSubnetDhcp(p, s, u2o?.ips);
      buildSubnetExtraPorts(p, s, model.mcastQueriers?.get(ls), model.pods);
      const lrpRow = p.db.byName("Logical_Router_Port", lrp);
      const exists = lrpRow !== undefined;
      if (s.routed || u2o) {
        // A U2O underlay subnet is joined through its interconnection address and MAC (src/model/kinds/subnet-u2o.ts).
        p.ensureRouterPort(lr, lrp, { ...(u2o ? { mac: u2o.mac } : exists ? {} : { mac: deterministicMac(lrp) }), networks: u2o ? u2oNetworks(s, u2o) : [...s.networks], options: onlyKeys({ route_table: s.object.routeTable }), ...routerPortRaColumns(s, lrpRow), external_ids: { [EXTERNAL_IDS.logicalRouter]: lr } });
        p.ensureSwitchPort(ls, switchRouterPortName(ls, lr), {
          type: "router",
          addresses: ["router"],
          options: onlyKeys({ "router-port": lrp }),
          external_ids: { [EXTERNAL_IDS.logicalSwitch]: ls },
        });
      } else {
        // An underlay subnet without logicalGateway is routed by the physical gateway, not joined to the router.
        if (exists && p.db.owns(p.db.byName("Logical_Router_Port", lrp)!)) p.deleteNamed("Logical_Router_Port", lrp);
        const lsp = p.db.byName("Logical_Switch_Port", switchRouterPortName(ls, lr));
        if (lsp && p.db.owns(lsp)) p.deleteNamed("Logical_Switch_Port", switchRouterPortName(ls, lr));
      }
      buildSubnetRouting(p, model, s);
      if (s.underlay) buildSubnetU2o(p, model, s);
      // ACLs owned by the switch (external_ids:parent=SWITCH, as Kube-OVN): set exactly, none when not private.
      // `tier` is not in every bundled model's types; the server's own schema checks every column.
      p.setAcls({ switch: ls }, ls, acls(p.db.has("ACL", "tier")) as unknown as Parameters<NbPlan["setAcls"]>[2]);
    },
  };
}

function podUnit(x: ResolvedPod, qosParents: ReadonlySet<string>, subnets: ReadonlyMap<string, ResolvedSubnet>, u2o: ResolvedModel["u2o"]): Unit {
  const entry = x.ips.length === 1 ? `${x.mac} ${x.ips[0]!}` : [x.mac, ...x.ips].join(" ");
  const qos = podQosRules(x);
  return {
    ref: objectRef(x.object),
    weight: 4 + 3 * qos.length + (x.object.dhcpV4Options || x.object.dhcpV6Options ? 4 : 0),
    primary: ["Logical_Switch_Port", x.port],
    build: (p) => {
      // The port looked up by name once, for its VIP keys and for ensureSwitchPort (one pending in this plan is left to it).
      const row = p.pending("Logical_Switch_Port", x.port) === undefined ? (p.db.byName("Logical_Switch_Port", x.port) ?? null) : undefined;
      const vips = podVipColumns(p, x.port, x.object.portVips, row);
      const externalIds: Record<string, string | undefined> = { [EXTERNAL_IDS.pod]: `${x.object.namespace}/${x.object.name}`, [EXTERNAL_IDS.logicalSwitch]: x.subnet };
      for (const k in vips.external_ids) externalIds[k] = vips.external_ids[k]; // (usually none: no object spread per pod)
      const dhcp = podDhcpColumns(p, x, subnets.get(x.subnet), u2o?.get(x.subnet)?.ips); // an empty set clears the optional reference
      const desired: Record<string, unknown> = {
        addresses: [entry],
        port_security: [vips.security.length ? [entry, ...vips.security].join(" ") : entry],
        options: onlyKeys({ "requested-chassis": x.object.nodeName }),
      };
      for (const k in dhcp) desired[k] = dhcp[k as keyof typeof dhcp];
      desired["external_ids"] = externalIds;
      p.ensureSwitchPort(x.subnet, x.port, desired, row);
      // Rate annotations: QoS rows owned by the port (only looked at for pods that have or had some).
      if (qos.length || qosParents.has(x.port)) p.setQosRules(x.subnet, x.port, qos);
    },
  };
}

/**
 * The VPCs with load balancers: those with services get Kube-OVN's six, attached to each of their
 * switches, and keep them (as Kube-OVN keeps them for every VPC) when their last service goes, until
 * the VPC itself goes.
 */
function lbVpcs(model: ResolvedModel, ctl: NbController): Set<string> {
  const out = new Set((model.services ?? []).map((s) => s.vpc));
  for (const vpc of model.vpcs) {
    if (out.has(vpc)) continue;
    if (vpcLoadBalancerNames(vpc).some((n) => ctl.db.allByName("Load_Balancer", n).some((r) => ctl.db.owns(r)))) out.add(vpc);
  }
  return out;
}

/** The units of the model, in dependency order (routers and their load balancers, switches, ports, policies, services). */
function unitsOf(model: ResolvedModel, qosParents: ReadonlySet<string>, withLb: ReadonlySet<string>): Unit[] {
  const nodeSwitchCidr = model.subnets.find((x) => x.object.name === NODE_SWITCH)?.cidrs.join(",") ?? DEFAULT_NODE_SWITCH_CIDR;
  const subnetsByName = new Map(model.subnets.map((s) => [s.object.name, s]));
  return [
    ...model.vpcs.map(
      (name): Unit => ({
        ref: `vpc/${name}`,
        weight: (withLb.has(name) ? 15 : 3) + 2 * vpcRouteCount(model.vpcObjects.get(name)?.routes) + vpcExtrasWeight(model.vpcExtras?.get(name)) + U2O_OVERLAY_CIDRS_WEIGHT,
        primary: ["Logical_Router", name],
        build: (p) => {
          p.ensureRouter(name);
          if (withLb.has(name)) ensureVpcLoadBalancers(p, name);
          dropExternal(p, name, model.nat);
          buildVpcRoutes(p, name, model.vpcObjects.get(name)?.routes);
          buildVpcExtras(p, name, model.vpcExtras?.get(name));
          buildU2oOverlayCidrs(p, name, model);
        },
        requires: (ctl) => requireVpcExtras(ctl, model.vpcExtras?.get(name)),
      }),
    ),
    ...model.subnets.map((s) => subnetUnit(s, nodeSwitchCidr, model, withLb.has(s.vpc) && s.object.enableLb !== false ? vpcLoadBalancerNames(s.vpc) : [])),
    ...externalUnits(model.nat),
    ...model.pods.map((x) => podUnit(x, qosParents, subnetsByName, model.u2o)),
    ...nodeUnits(model),
    ...u2oNoLbUnits(model),
    ...natUnits(model.nat),
    ...(model.networkPolicies ?? []).map((np) => networkPolicyUnit(np, NETPOL_ACL_TIER)),
    ...(model.services ?? []).map(serviceUnit),
  ];
}

/** Steps that only add or remove a child reference on its parent (a switch's or router's `ports`): consequences of the child's own step. */
function isLinkOnly(s: PlanStep): boolean {
  return s.kind === "update" && (s.table === "Logical_Switch" || s.table === "Logical_Router") && s.columns.every((c) => LINK_COLUMNS.has(c));
}

/**
 * Transactions {@link applyModel} keeps in flight at most (each bounded by `maxOperations`). The
 * server commits one connection's transactions one after the other, and building a chunk takes the
 * client longer than committing it takes the server: one waiting behind the one being committed
 * keeps the server busy, more would only hold more plans in memory.
 */
const MAX_IN_FLIGHT = 2;

/** Parent columns that only list children made by their own steps. */
const LINK_COLUMNS = new Set(["ports", "policies", "nat", "static_routes", "qos_rules"]);

/**
 * Brings the Northbound database to `model` through `ctl`: sends one reconcile per chunk of at
 * most `maxOperations` operations (none when nothing differs), then (with `prune`) deletes the
 * owned rows absent from the model. Returns each object's outcome.
 */
export async function applyModel(ctl: NbController, model: ResolvedModel, options: ApplyModelOptions = {}): Promise<ApplyModelResult> {
  const max = options.maxOperations ?? 2000;
  if (!(max >= 20)) throw new RangeError(`maxOperations must be at least 20, got ${max}`);
  // The pods whose ports own QoS rows in the database (their rules are set exactly, even to none).
  const qosParents = new Set<string>();
  for (const r of ctl.db.owned("QoS")) {
    const parent = (r["external_ids"] as ReadonlyMap<string, string>).get(KUBE_OVN_IDENTITY.ownerKey);
    if (parent !== undefined) qosParents.add(parent);
  }
  const withLb = lbVpcs(model, ctl);
  const units = unitsOf(model, qosParents, withLb);
  // Objects whose action, or some of whose steps, are worked out from the replica before anything is sent.
  const outcomes = new Map<string, ObjectAction>();
  /** The attributions, by the table they claim steps of ("" for any table). */
  const attributed = new Map<string, [ref: string, owns: (s: PlanStep) => boolean][]>();
  for (const u of units) u.requires?.(ctl);
  for (const u of units) {
    if (u.outcome) outcomes.set(u.ref, u.outcome(ctl));
    if (u.attribution) {
      const table = u.attributionTable ?? "";
      const list = attributed.get(table) ?? [];
      list.push([u.ref, u.attribution(ctl)]);
      attributed.set(table, list);
    }
  }
  const anyTable = attributed.get("") ?? [];
  const stepsOf = new Map<string, PlanStep[]>();
  const add = (ref: string, s: PlanStep): void => {
    const list = stepsOf.get(ref);
    if (list) list.push(s);
    else stepsOf.set(ref, [s]);
  };
  const deleted = new Map<string, PlanStep[]>();
  const plans: Plan[] = [];
  let transactions = 0;
  let operations = 0;
  const targets = options.prune ? pruneTargets(ctl, model, withLb) : [];
  const targetRefs = new Map<string, string>(targets.map((t) => [t.row["_uuid"] as string, t.ref]));
  /** Load balancers whose stale VIPs `--prune` removes: the objects (services, or the VPC for unrecorded VIPs) each update is reported under. */
  const vipRefs = new Map<string, readonly string[]>();

  /** The steps each unit made: the plan's steps from..to, recorded while building (a retried build starts over). */
  type Range = { readonly ref: string; readonly from: number; readonly to: number };
  const keepPlans = options.keepPlans ?? options.dryRun ?? false;
  const record = (plan: Plan, ranges: readonly Range[]): void => {
    if (keepPlans) plans.push(plan);
    operations += plan.operations.length;
    const refAt: (string | undefined)[] = [];
    for (const r of ranges) for (let i = r.from; i < r.to; i++) refAt[i] = r.ref;
    const steps = plan.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      if (isLinkOnly(s)) continue;
      const unitRef = refAt[i];
      // Outside any unit (the prune chunks): deletions, and a load balancer's stale VIPs removed (reported on its VPC).
      const vipsOnly = s.table === "Load_Balancer" && s.kind === "update" && s.columns.every((c) => c === "vips" || c === "external_ids");
      if (unitRef === undefined && (s.kind === "delete" || vipsOnly)) {
        for (const ref of (vipsOnly ? vipRefs.get(s.uuid) : undefined) ?? [targetRefs.get(s.uuid) ?? `${s.table}/${s.key}`]) {
          const list = deleted.get(ref) ?? [];
          list.push(s);
          deleted.set(ref, list);
        }
        continue;
      }
      if (unitRef === undefined) continue;
      add(unitRef, s);
      // A step made by one unit may be another's too (a load balancer a VPC creates with a service's VIPs).
      const claims = attributed.get(s.table);
      if (claims !== undefined) for (const [r, owns] of claims) if (r !== unitRef && owns(s)) add(r, s);
      for (let k = 0; k < anyTable.length; k++) {
        const [r, owns] = anyTable[k]!;
        if (r !== unitRef && owns(s)) add(r, s);
      }
    }
  };

  // Chunks: objects until the estimated operations reach the budget; then the prune deletions.
  type Build = (p: NbPlan, ranges: Range[]) => void;
  const chunks: { label: string; build: Build; size: number; kind?: string }[] = [];
  let cur: Unit[] = [];
  let weight = 0;
  const flush = () => {
    if (!cur.length) return;
    const batch = cur;
    chunks.push({
      label: `apply ${batch[0]!.ref}..${batch[batch.length - 1]!.ref}`,
      kind: batch[0]!.ref.split("/")[0],
      build: (p, ranges) => {
        for (const u of batch) {
          const from = stepCount(p);
          u.build(p);
          ranges.push({ ref: u.ref, from, to: stepCount(p) });
        }
      },
      size: batch.length,
    });
    cur = [];
    weight = 0;
  };
  // When the apply takes several transactions anyway, the first pod starts a chunk: the chunk
  // before it (VPCs, subnets: the switches pods join) is then small, so its commit, which the first
  // pods' build waits for, is short. (An apply that fits one transaction stays one.)
  let allWeight = 0;
  for (const u of units) allWeight += u.weight;
  const podsApart = allWeight > max;
  for (const u of units) {
    if (weight + u.weight > max || (podsApart && u.ref.startsWith("pod/") && cur.length > 0 && !cur[cur.length - 1]!.ref.startsWith("pod/"))) flush();
    cur.push(u);
    weight += u.weight;
  }
  flush();
  if (options.prune) {
    // VIPs of services no longer in the files, on the load balancers that stay: reported as their
    // service (the load balancer's record of it, which goes too), or on the VPC when unrecorded.
    const want = new Map<string, Map<string, string>>();
    for (const svc of model.services ?? []) for (const v of svc.vips) want.set(v.lb, (want.get(v.lb) ?? new Map<string, string>()).set(v.vip, v.backends));
    const live = new Set((model.services ?? []).map((x) => `${x.object.namespace}/${x.object.name}`));
    const staleVips: ((p: NbPlan) => void)[] = [];
    for (const vpc of withLb)
      for (const lb of vpcLoadBalancerNames(vpc)) {
        const row = ctl.db.byName("Load_Balancer", lb);
        if (!row || !ctl.db.owns(row)) continue;
        const vips = row["vips"] as ReadonlyMap<string, string> | undefined;
        const stale = [...(vips?.keys() ?? [])].filter((k) => !want.get(lb)?.has(k));
        const goneRecords = [...serviceRecords(row)].filter(([id]) => !live.has(id));
        if (stale.length === 0 && goneRecords.length === 0) continue;
        const refs = new Set(goneRecords.map(([id]) => `service/${id}`));
        const recorded = new Set(goneRecords.flatMap(([, v]) => v));
        if (stale.some((v) => !recorded.has(v))) refs.add(`vpc/${vpc}`);
        vipRefs.set(row["_uuid"] as string, [...refs]);
        staleVips.push((p) =>
          void p.ensureLoadBalancer(lb, {
            vips: onlyKeys(Object.fromEntries(stale.map((k) => [k, undefined]))),
            external_ids: onlyKeys(Object.fromEntries(goneRecords.map(([id]) => [serviceRecordKey(...(id.split("/") as [string, string])), undefined]))),
          } as Parameters<NbPlan["ensureLoadBalancer"]>[1]),
        );
      }
    // One transaction for them all (a removed service's VIPs are on several load balancers).
    if (staleVips.length) chunks.push({ label: "prune", size: 0, build: (p) => staleVips.forEach((f) => f(p)) });
  }
  for (let i = 0; i < targets.length; i += Math.floor(max / 4)) {
    const batch = targets.slice(i, i + Math.floor(max / 4));
    const uuids = new Set(batch.map((t) => t.row["_uuid"] as string));
    chunks.push({
      label: "prune",
      size: 0,
      build: (p) => {
        for (const t of PRUNE_TABLES)
          ctl.sweeper.sweep(p, { table: t, keep: () => false, filter: (r) => uuids.has(r["_uuid"] as string) });
      },
    });
  }

  const total = units.length;
  let done = 0;
  if (options.followOwnWrites && !options.dryRun) ctl.db.followOwnWrites();
  if (options.dryRun) {
    // Nothing is sent, so later chunks could not see earlier ones: one plan holds everything.
    const p = ctl.plan("apply --dry-run");
    const ranges: Range[] = [];
    for (const c of chunks) c.build(p, ranges);
    record(p.build(), ranges);
    options.onProgress?.(total, total);
  } else {
    // Pipelined: chunks are built from the replica as it is and sent without waiting for the
    // transactions before them, as long as nothing a build read is written by a transaction still
    // in flight (stalePlan against each of them: a name it looked up and missed, a row it read and
    // they change, a table it scanned). A build that did read such a thing waits for them to
    // commit and, when it is stale then, is done again; so every transaction is the one a build
    // after the previous commits makes, and the client's work on the next chunks overlaps the
    // server's on the ones in flight (it processes one connection's transactions in order).
    type Chunk = (typeof chunks)[number];
    /** A chunk's plan; `reads` when it was built with transactions in flight (what it read, for stalePlan). */
    type Ahead = { readonly plan: Plan; readonly ranges: Range[]; readonly reads: ReadLog | undefined };
    type Sent = { r: ReconcileResult; ranges: Range[]; c: Chunk };
    type Flight = { readonly c: Chunk; readonly plan: Plan | undefined; readonly done: Promise<Sent> };
    const buildNow = (c: Chunk): Ahead | undefined => {
      if (c.label === "prune") return undefined;
      const p = ctl.plan(c.label);
      const ranges: Range[] = [];
      try {
        // With nothing in flight the build is exact: its reads need no log.
        let reads: ReadLog | undefined;
        if (flights.length) reads = ctl.db.trackReads(() => c.build(p, ranges));
        else c.build(p, ranges);
        return { plan: p.build(), ranges, reads };
      } catch {
        return undefined; // e.g. a row a chunk in flight creates: built again after it commits
      }
    };
    const send = (c: Chunk, ahead: Ahead | undefined): Flight => {
      let ranges: Range[] = ahead?.ranges ?? [];
      const done = ctl
        .reconcile(
          c.label,
          (p) => {
            ranges = [];
            c.build(p, ranges);
          },
          ahead ? { prebuilt: ahead.plan } : {},
        )
        .then((r) => ({ r, ranges, c }));
      done.catch(() => undefined); // awaited in order below; a failure is not left unhandled meanwhile
      return { c, plan: ahead?.plan, done };
    };
    const finish = (x: Sent): void => {
      record(x.r.plan, x.ranges);
      if (x.r.sent) transactions++;
      done += x.c.size;
      options.onProgress?.(done, total);
    };
    const flights: Flight[] = [];
    /** Waits for the oldest transaction in flight; returns the plan it committed (undefined when it sent nothing). */
    const land = async (): Promise<Plan | undefined> => {
      const f = flights.shift()!;
      let x: Sent;
      try {
        x = await f.done;
      } catch (e) {
        await Promise.allSettled(flights.splice(0).map((g) => g.done));
        throw e;
      }
      finish(x);
      return x.r.sent ? x.r.plan : undefined;
    };
    // After a build thrown away, the next chunks of the same kind (e.g. nodes, whose builds read
    // whole tables that each node chunk writes) are built only once the ones before have committed.
    let staleKind: string | undefined;
    for (const c of chunks) {
      // A flight whose plan has no operation sends nothing and is done at once: landed before the
      // next build, which then needs no read log against it (a no-op apply tracks no read at all).
      while (flights.length && flights[0]!.plan?.operations.length === 0) await land();
      if (c.kind !== staleKind) staleKind = undefined;
      let ahead = staleKind === undefined || flights.length === 0 ? buildNow(c) : undefined;
      const independent = ahead !== undefined && (flights.length === 0 || (ahead.reads !== undefined && flights.every((f) => f.plan !== undefined && !stalePlan(ctl.db, f.plan, ahead!.plan, ahead!.reads!))));
      if (!independent) {
        const committed: Plan[] = [];
        while (flights.length) {
          const plan = await land();
          if (plan) committed.push(plan);
        }
        if (ahead && (ahead.reads === undefined || committed.some((plan) => stalePlan(ctl.db, plan, ahead!.plan, ahead!.reads!)))) {
          ahead = undefined;
          staleKind = c.kind;
        }
        // Nothing in flight now: a build is exact (and its plan known, for the chunks after it).
        ahead ??= buildNow(c);
      } else if (flights.length >= MAX_IN_FLIGHT) await land();
      flights.push(send(c, ahead));
    }
    while (flights.length) await land();
  }

  const objects: ObjectOutcome[] = [];
  const counts: Record<ObjectAction, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0 };
  const firstOf = new Map<string, Unit>();
  for (const u of units) if (!firstOf.has(u.ref)) firstOf.set(u.ref, u); // a VPC's external connection is a second unit of the VPC
  for (const u of firstOf.values()) {
    const fromSteps = stepsOf.get(u.ref) ?? [];
    const created =
      u.primary[1] === ""
        ? fromSteps.length > 0 && fromSteps.every((s) => s.kind === "create" || (s.kind === "update" && u.primary[0] === "NAT"))
        : fromSteps.some((s) => s.kind === "create" && s.table === u.primary[0] && s.key === u.primary[1]);
    const action: ObjectAction = outcomes.get(u.ref) ?? (created ? "created" : fromSteps.length ? "configured" : "unchanged");
    const steps = action === "unchanged" ? [] : fromSteps;
    counts[action]++;
    objects.push({ ref: u.ref, action, steps });
  }
  // (made only when something was deleted: a first apply has 10,000 objects and nothing deleted)
  const indexOf = deleted.size === 0 ? undefined : new Map(objects.map((o, i) => [o.ref, i]));
  for (const [ref, steps] of deleted) {
    const i = indexOf!.get(ref);
    if (i !== undefined) {
      // A row of an object still in the model (e.g. the router port of a subnet that moved VPC): the object was configured.
      const o = objects[i]!;
      if (o.action === "unchanged") {
        counts.unchanged--;
        counts.configured++;
      }
      objects[i] = { ref, action: o.action === "unchanged" ? "configured" : o.action, steps: [...o.steps, ...steps] };
      continue;
    }
    counts.deleted++;
    objects.push({ ref, action: "deleted", steps });
  }
  return { objects, counts, transactions, operations, plans };
}
