/**
 * A VPC's BFD, as Kube-OVN's VPC controller programs it (pkg/controller/vpc.go
 * `handleUpdateVpcExternal`, `reconcileVpcBfdLRP`; pkg/ovs `CreateBFD`, `CreateHAChassisGroup`):
 * - `spec.enableBfd` on a custom VPC connected to the default external subnet: one `BFD` row
 *   watching the external gateway from the VPC's external router port (`logical_port`
 *   `VPC-external`, `dst_ip` the external subnet's IPv4 gateway, `min_rx` 100, `min_tx` 100,
 *   `detect_mult` 3: the controller's `--bfd-min-rx`, `--bfd-min-tx`, `--detect-mult` defaults);
 *   the model marks it `external_ids:vpc=NAME` (Kube-OVN stamps none) so a re-apply finds it;
 *   turning it off deletes it (`DeleteBFDByDstIP`).
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
import type { Row } from "../../ovsdb/schema/datum.js";
import type { ManifestProblem } from "../errors.js";
import { DEFAULT_VPC, EXTERNAL_IDS, deterministicMac } from "../naming.js";
import type { VpcObject } from "../types.js";
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

/** A VPC's BFD worked out. */
export interface ResolvedVpcBfd {
  /** The `BFD` row of `enableBfd`: the external router port and the gateway it watches. */
  readonly session?: { readonly logicalPort: string; readonly dstIp: string };
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
  /** The nodes. */
  readonly nodes: readonly ResolvedNode[];
  /** Reports a problem. */
  readonly issue: (o: VpcObject, field: string, p: ManifestProblem) => void;
}

/**
 * Checks a VPC's `enableBfd` (a custom VPC, connected to the default external subnet, which has
 * an IPv4 gateway: Kube-OVN's BFD is IPv4 only) and `bfdPort` (a node selector that matches some
 * node), and works out its rows.
 */
export function resolveVpcBfd(v: VpcObject, ctx: BfdContext): ResolvedVpcBfd | undefined {
  let session: ResolvedVpcBfd["session"];
  if (v.enableBfd) {
    const gw = ctx.gatewaysOf(EXTERNAL_SUBNET)?.find((g) => ipFamily(g) === 4);
    if (v.name === DEFAULT_VPC) ctx.issue(v, "spec.enableBfd", { kind: "unsupported-value", value: "true", reason: `BFD is for custom VPCs (Kube-OVN programs none on ${DEFAULT_VPC})` });
    else if (!v.enableExternal) ctx.issue(v, "spec.enableBfd", { kind: "bad-value", value: "true", reason: "BFD watches the external gateway: it needs spec.enableExternal" });
    else if (!ctx.externalsOf(v.name).includes(EXTERNAL_SUBNET)) ctx.issue(v, "spec.enableBfd", { kind: "bad-value", value: "true", reason: `BFD runs on the connection to the default external subnet ${EXTERNAL_SUBNET}, which spec.extraExternalSubnets replaces` });
    else if (gw === undefined) ctx.issue(v, "spec.enableBfd", { kind: "unsupported-value", value: "true", reason: `the external subnet ${EXTERNAL_SUBNET} has no IPv4 gateway (Kube-OVN's VPC BFD is IPv4 only)` });
    else session = { logicalPort: externalRouterPortName(v.name), dstIp: gw };
  }
  let port: ResolvedVpcBfd["port"];
  if (v.bfdPort) {
    const byName = [...ctx.nodes].sort((a, b) => (a.object.name < b.object.name ? -1 : a.object.name > b.object.name ? 1 : 0));
    const sel = v.bfdPort.nodeSelector;
    const chosen = sel ? byName.filter((n) => selectorMatches(sel, n.object.labels)) : byName.slice(0, BFD_PORT_DEFAULT_NODES);
    if (sel && chosen.length === 0) ctx.issue(v, "spec.bfdPort.nodeSelector", { kind: "selector-matches-nothing", selector: selectorText(sel), what: "nodes" });
    else if (chosen.length === 0) ctx.issue(v, "spec.bfdPort", { kind: "bad-value", value: "enabled", reason: "no Node to host the BFD port" });
    else port = { name: bfdPortName(v.name), networks: v.bfdPort.ip, chassis: chosen.map((n) => n.chassis) };
  }
  return session || port ? { ...(session ? { session } : {}), ...(port ? { port } : {}) } : undefined;
}

/** Refuses (`OvnFeatureUnavailableError`) a VPC's BFD on a server whose NB schema lacks what it writes. */
export function requireBfdFeatures(ctl: NbController, bfd: ResolvedVpcBfd | undefined): void {
  if (bfd?.session) ctl.requireFeature("BFD", "BFD.logical_port", "BFD.dst_ip", "BFD.min_rx", "BFD.min_tx", "BFD.detect_mult");
  if (bfd?.port) ctl.requireFeature("HA_Chassis_Group", "Logical_Router_Port.ha_chassis_group");
}

/** Whether a BFD port row (`bfd@VPC`) or HA chassis group. */
export function isBfdPortName(name: string): boolean {
  return name.startsWith("bfd@");
}

/** Makes the owned BFD rows of `vpc` and its BFD port exactly those of `bfd` (undefined: none). */
export function buildVpcBfd(p: NbPlan, vpc: string, bfd: ResolvedVpcBfd | undefined): void {
  // The BFD session: owned rows marked vpc=NAME, matched by port and destination.
  const rows = p.db.has("BFD") ? ownedByExternalId(p, "BFD", BFD_VPC_KEY, vpc) : [];
  const s = bfd?.session;
  let kept: Row | undefined;
  for (const row of rows) {
    if (s && !kept && row["logical_port"] === s.logicalPort && row["dst_ip"] === s.dstIp) kept = row;
    else p.remove("BFD", row);
  }
  if (s) {
    const spec = { min_rx: BFD_DEFAULTS.minRx, min_tx: BFD_DEFAULTS.minTx, detect_mult: BFD_DEFAULTS.detectMult, external_ids: { [BFD_VPC_KEY]: vpc } };
    if (kept) p.change("BFD", kept, spec);
    else p.create("BFD", `${s.logicalPort}:${s.dstIp}`, { logical_port: s.logicalPort, dst_ip: s.dstIp, ...spec }, { display: `${s.logicalPort} ${s.dstIp}` });
  }
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
