/**
 * A VPC's BFD, as Kube-OVN's VPC controller programs it (pkg/controller/vpc.go
 * `handleUpdateVpcExternal`, `reconcileVpcBfdLRP`; pkg/ovs `CreateBFD`, `CreateHAChassisGroup`):
 * - `spec.enableBfd` on a custom VPC connected to the default external subnet: a `BFD` row
 *   watching the external gateway from the VPC's external router port (`logical_port`
 *   `VPC-external`, `dst_ip` the external subnet's gateway, `min_rx` 100, `min_tx` 100,
 *   `detect_mult` 3: the controller's `--bfd-min-rx`, `--bfd-min-tx`, `--detect-mult` defaults),
 *   one per IP family of a dual-stack gateway (Kube-OVN's `handleUpdateVpcExternal` makes the
 *   IPv4 one only, with a "TODO: dualstack"; the IPv6 one is the model's completion of it);
 *   the model marks it `external_ids:vpc=NAME` (Kube-OVN stamps none) so a re-apply finds it;
 *   turning it off deletes it (`DeleteBFDByDstIP`).
 * - `spec.staticRoutes[]` with `ecmpMode: ecmp_symmetric_reply` (Kube-OVN's BFD ECMP routes,
 *   `reconcileCustomVpcBfdStaticRoute`): a `BFD` row from the external port to the route's next
 *   hop (shared with the gateway's when they are one address, as `CreateBFD` finds the existing
 *   row), which the route links (src/model/kinds/vpc-routes.ts).
 * - `spec.bfdPort` (`enabled`, `ip`, `nodeSelector`): router port `bfd@VPC` on the VPC's router
 *   (`networks` the comma-separated `ip`, `options:bfd-only=true`) bound to the HA chassis group
 *   `bfd@VPC` (`external_ids:lrp=bfd@VPC`) of the chassis of the selected nodes, the first
 *   highest (priority 100, 99, ...): with a selector every node it matches, without one the first
 *   three nodes (by name); disabled, both are deleted.
 * The `BFD` table and the columns used are checked against the server's schema before anything
 * is sent (`OvnFeatureUnavailableError` naming feature and schema version).
 *
 * @module
 */
import type { ControlledDb, NbController, NbPlan } from "../../ovn/controller/index.js";
import { ipFamily, ipPrefix } from "../../net/index.js";
import type { ManifestProblem } from "../errors.js";
import { DEFAULT_VPC, EXTERNAL_IDS, deterministicMac } from "../naming.js";
import type { VpcObject } from "../types.js";
import { bigOf } from "../addresses.js";
import { type PruneTarget, extOf, ownedByExternalId } from "./common.js";
import type { Fields } from "./fields.js";
import { EXTERNAL_SUBNET, externalRouterPortName } from "./nat.js";
import type { ResolvedNode } from "./node.js";
import { type LabelSelector, readSelector, selectorMatches, selectorText } from "./selector.js";

/** Kube-OVN's BFD timers (`--bfd-min-rx`, `--bfd-min-tx` in milliseconds, `--detect-mult`). */
export const BFD_DEFAULTS = { minRx: 100, minTx: 100, detectMult: 3 } as const;

/** `external_ids` key marking a VPC's BFD rows (the model's addition). */
export const BFD_VPC_KEY = "vpc";

/** At most this many nodes host a BFD port without a node selector (Kube-OVN's `chassisCount`). */
export const BFD_PORT_DEFAULT_NODES = 3;

/** `spec.bfdPort`. */
export interface BfdPort {
  /** `ip`: the port's networks (`IP/LEN`, comma-separated in the manifest). */
  readonly ip: readonly string[];
  /** `nodeSelector`: the nodes hosting the port (all it matches); the first three nodes when absent. */
  readonly nodeSelector?: LabelSelector;
}

/** A `BFD` row: the router port it runs from and the address it watches. */
export interface BfdSession {
  /** `logical_port`. */
  readonly logicalPort: string;
  /** `dst_ip`. */
  readonly dstIp: string;
}

/** A VPC's BFD worked out. */
export interface ResolvedVpcBfd {
  /**
   * The `BFD` rows: of `enableBfd` (the external gateway, one per IP family) and of the
   * `ecmp_symmetric_reply` static routes (their next hops), each once.
   */
  readonly sessions?: readonly BfdSession[];
  /** How many static routes link a BFD session (they need the route's `bfd` and `options` columns). */
  readonly bfdRoutes?: number;
  /** The BFD port of `bfdPort`, with the chassis of its HA chassis group (first highest). */
  readonly port?: { readonly name: string; readonly networks: readonly string[]; readonly chassis: readonly string[] };
}

/** The BFD router port (and HA chassis group) of a VPC (`bfd@VPC`). */
export function bfdPortName(vpc: string): string {
  return `bfd@${vpc}`;
}

/** Reads `spec.bfdPort` (undefined when absent or `enabled` is false); `ip` is required when enabled. */
export function readBfdPort(f: Fields): BfdPort | undefined {
  const at = ["spec", "bfdPort"];
  if (!f.has(at) || f.map(at) === undefined) return undefined;
  f.only(at, ["enabled", "ip", "nodeSelector"]);
  const enabled = f.bool([...at, "enabled"]);
  const text = f.str([...at, "ip"], enabled);
  const nodeSelector = readSelector(f, [...at, "nodeSelector"]);
  if (!enabled || text === undefined) return undefined;
  const ip = text.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const bad = ip.find((n) => !/^[^/]+\/\d+$/.test(n) || ipPrefix(n) === undefined);
  if (ip.length === 0 || bad !== undefined) {
    f.issue([...at, "ip"], { kind: "bad-value", value: text, reason: `${bad ?? "(none)"} is not an address with its prefix length (IP/LEN)` });
    return undefined;
  }
  if (new Set(ip.map((n) => ipFamily(n.split("/")[0]!))).size !== ip.length) {
    f.issue([...at, "ip"], { kind: "bad-value", value: text, reason: "two addresses of one IP family" });
    return undefined;
  }
  return { ip, ...(nodeSelector ? { nodeSelector } : {}) };
}

/** What {@link resolveVpcBfd} reads of the model being resolved. */
export interface BfdContext {
  /** The external subnets each VPC is connected to. */
  readonly externalsOf: (vpc: string) => readonly string[];
  /** The gateways of a subnet (undefined when it is not a valid subnet). */
  readonly gatewaysOf: (subnet: string) => readonly string[] | undefined;
  /** The CIDRs of a subnet (undefined when it is not a valid subnet). */
  readonly cidrsOf: (subnet: string) => readonly string[] | undefined;
  /** The nodes. */
  readonly nodes: readonly ResolvedNode[];
  /** Reports a problem. */
  readonly issue: (o: VpcObject, field: string, p: ManifestProblem) => void;
}

/** Whether `ip` is in `cidr` (`NET/LEN`). */
function inCidr(ip: string, cidr: string): boolean {
  const p = ipPrefix(cidr);
  const a = bigOf(ip);
  const n = p ? bigOf(p.network) : undefined;
  if (!p || !a || !n || a.family !== n.family) return false;
  const bits = BigInt((a.family === 4 ? 32 : 128) - p.length);
  return a.n >> bits === n.n >> bits;
}

/**
 * Checks a VPC's `enableBfd` (a custom VPC, connected to the default external subnet), its
 * `ecmp_symmetric_reply` static routes (with `enableBfd`, their next hop in the external subnet)
 * and `bfdPort` (a node selector that matches some node), and works out its rows.
 */
export function resolveVpcBfd(v: VpcObject, ctx: BfdContext): ResolvedVpcBfd | undefined {
  const sessions: BfdSession[] = [];
  const add = (s: BfdSession) => {
    if (!sessions.some((x) => x.logicalPort === s.logicalPort && x.dstIp === s.dstIp)) sessions.push(s);
  };
  let connected = false;
  if (v.enableBfd) {
    const gws = ctx.gatewaysOf(EXTERNAL_SUBNET) ?? [];
    if (v.name === DEFAULT_VPC) ctx.issue(v, "spec.enableBfd", { kind: "unsupported-value", value: "true", reason: `BFD is for custom VPCs (Kube-OVN programs none on ${DEFAULT_VPC})` });
    else if (!v.enableExternal) ctx.issue(v, "spec.enableBfd", { kind: "bad-value", value: "true", reason: "BFD watches the external gateway: it needs spec.enableExternal" });
    else if (!ctx.externalsOf(v.name).includes(EXTERNAL_SUBNET)) ctx.issue(v, "spec.enableBfd", { kind: "bad-value", value: "true", reason: `BFD runs on the connection to the default external subnet ${EXTERNAL_SUBNET}, which spec.extraExternalSubnets replaces` });
    else if (gws.length) {
      connected = true;
      for (const gw of gws) add({ logicalPort: externalRouterPortName(v.name), dstIp: gw });
    }
  }
  let bfdRoutes = 0;
  (v.routes?.staticRoutes ?? []).forEach((r, i) => {
    if (r.ecmpMode !== "ecmp_symmetric_reply") return;
    const field = `spec.staticRoutes.${r.index ?? i}.ecmpMode`;
    if (!v.enableBfd) {
      ctx.issue(v, field, { kind: "bad-value", value: r.ecmpMode, reason: "a route watched by BFD needs spec.enableBfd (Kube-OVN makes these routes with it and removes them without it)" });
      return;
    }
    if (!connected) return; // enableBfd itself is reported
    const cidrs = ctx.cidrsOf(EXTERNAL_SUBNET) ?? [];
    if (!cidrs.some((c) => inCidr(r.nextHop, c))) {
      ctx.issue(v, `spec.staticRoutes.${r.index ?? i}.nextHopIP`, { kind: "ip-outside-subnet", ip: r.nextHop, subnet: EXTERNAL_SUBNET, cidr: cidrs.join(",") });
      return;
    }
    add({ logicalPort: externalRouterPortName(v.name), dstIp: r.nextHop });
    bfdRoutes++;
  });
  let port: ResolvedVpcBfd["port"];
  if (v.bfdPort) {
    const byName = [...ctx.nodes].sort((a, b) => (a.object.name < b.object.name ? -1 : a.object.name > b.object.name ? 1 : 0));
    const sel = v.bfdPort.nodeSelector;
    const chosen = sel ? byName.filter((n) => selectorMatches(sel, n.object.labels)) : byName.slice(0, BFD_PORT_DEFAULT_NODES);
    if (sel && chosen.length === 0) ctx.issue(v, "spec.bfdPort.nodeSelector", { kind: "selector-matches-nothing", selector: selectorText(sel), what: "nodes" });
    else if (chosen.length === 0) ctx.issue(v, "spec.bfdPort", { kind: "bad-value", value: "enabled", reason: "no Node to host the BFD port" });
    else port = { name: bfdPortName(v.name), networks: v.bfdPort.ip, chassis: chosen.map((n) => n.chassis) };
  }
  return sessions.length || port ? { ...(sessions.length ? { sessions } : {}), ...(bfdRoutes ? { bfdRoutes } : {}), ...(port ? { port } : {}) } : undefined;
}

/** Refuses (`OvnFeatureUnavailableError`) a VPC's BFD on a server whose NB schema lacks what it writes. */
export function requireBfdFeatures(ctl: NbController, bfd: ResolvedVpcBfd | undefined): void {
  if (bfd?.sessions?.length) ctl.requireFeature("BFD", "BFD.logical_port", "BFD.dst_ip", "BFD.min_rx", "BFD.min_tx", "BFD.detect_mult");
  if (bfd?.bfdRoutes) ctl.requireFeature("Logical_Router_Static_Route.bfd", "Logical_Router_Static_Route.options");
  if (bfd?.port) ctl.requireFeature("HA_Chassis_Group", "Logical_Router_Port.ha_chassis_group");
}

/** Whether a BFD port row (`bfd@VPC`) or HA chassis group. */
export function isBfdPortName(name: string): boolean {
  return name.startsWith("bfd@");
}

/** The `BFD` row's settings besides its port and address. */
function sessionSpec(vpc: string) {
  return { min_rx: BFD_DEFAULTS.minRx, min_tx: BFD_DEFAULTS.minTx, detect_mult: BFD_DEFAULTS.detectMult, external_ids: { [BFD_VPC_KEY]: vpc } };
}

/**
 * The UUID (or, created by this plan, the reference) of `vpc`'s BFD session from `logicalPort`
 * to `dstIp`: the owned row marked `vpc=NAME` when the replica has it, else one created now with
 * Kube-OVN's timers (once per plan: later calls get the same reference).
 */
export function bfdSessionRef(p: NbPlan, vpc: string, logicalPort: string, dstIp: string): string {
  const key = `${logicalPort}:${dstIp}`;
  const pending = p.pending("BFD", key);
  if (pending) return pending;
  const row = ownedByExternalId(p, "BFD", BFD_VPC_KEY, vpc).find((r) => r["logical_port"] === logicalPort && r["dst_ip"] === dstIp);
  if (row) return row["_uuid"] as string;
  return p.create("BFD", key, { logical_port: logicalPort, dst_ip: dstIp, ...sessionSpec(vpc) }, { display: `${logicalPort} ${dstIp}` });
}

/** Makes the owned BFD rows of `vpc` and its BFD port exactly those of `bfd` (undefined: none). */
export function buildVpcBfd(p: NbPlan, vpc: string, bfd: ResolvedVpcBfd | undefined): void {
  // The BFD sessions: owned rows marked vpc=NAME, matched by port and destination (one row per pair, as the table's index has it).
  const rows = p.db.has("BFD") ? ownedByExternalId(p, "BFD", BFD_VPC_KEY, vpc) : [];
  const want = new Set((bfd?.sessions ?? []).map((s) => `${s.logicalPort}\u0000${s.dstIp}`));
  const kept = new Set<string>();
  for (const row of rows) {
    const k = `${row["logical_port"] as string}\u0000${row["dst_ip"] as string}`;
    if (want.has(k) && !kept.has(k)) {
      kept.add(k);
      p.change("BFD", row, sessionSpec(vpc));
    } else p.remove("BFD", row);
  }
  for (const s of bfd?.sessions ?? []) bfdSessionRef(p, vpc, s.logicalPort, s.dstIp);
  // The BFD port and its HA chassis group.
  const name = bfdPortName(vpc);
  const port = bfd?.port;
  if (!port) {
    // The group first: removing it drops the port's reference to it (the server refuses to delete a referenced root row).
    // (the port, only unreferenced from its router, still sends that change: see PlanBuilder.build)
    const group = p.db.has("HA_Chassis_Group") ? p.db.byName("HA_Chassis_Group", name) : undefined;
    if (group && p.db.owns(group)) p.deleteNamed("HA_Chassis_Group", name);
    const lrp = p.db.byName("Logical_Router_Port", name);
    if (lrp && p.db.owns(lrp)) p.deleteNamed("Logical_Router_Port", name);
    return;
  }
  const group = p.setHaChassisGroup(name, port.chassis);
  const groupRow = p.db.get("HA_Chassis_Group", group);
  p.change("HA_Chassis_Group", groupRow ?? { _uuid: group }, { external_ids: { lrp: name } });
  const exists = p.db.byName("Logical_Router_Port", name) !== undefined;
  p.ensureRouterPort(vpc, name, {
    ...(exists ? {} : { mac: deterministicMac(name) }),
    networks: [...port.networks],
    options: { "bfd-only": "true" },
    ha_chassis_group: group,
    external_ids: { [EXTERNAL_IDS.logicalRouter]: vpc },
  } as unknown as Parameters<NbPlan["ensureRouterPort"]>[2]);
}

/** Owned BFD rows and BFD ports (with their HA chassis groups) of VPCs absent from the model (`--prune`). */
export function bfdPruneTargets(db: ControlledDb, live: ReadonlySet<string>): PruneTarget[] {
  const out: PruneTarget[] = [];
  if (db.has("BFD")) {
    for (const row of db.owned("BFD")) {
      const vpc = extOf(row).get(BFD_VPC_KEY);
      if (vpc !== undefined && !live.has(vpc)) out.push({ table: "BFD", row, ref: `vpc/${vpc}` });
    }
  }
  if (db.has("HA_Chassis_Group")) {
    for (const row of db.owned("HA_Chassis_Group")) {
      const lrp = extOf(row).get("lrp");
      if (lrp !== undefined && isBfdPortName(lrp) && !live.has(lrp.slice(4))) out.push({ table: "HA_Chassis_Group", row, ref: `vpc/${lrp.slice(4)}` });
    }
  }
  return out;
}
