/**
 * The core Kubernetes `Node`, as Kube-OVN's node controller (pkg/controller/node.go) turns it into
 * OVN rows: the node's port `node-NAME` on the join switch (Kube-OVN's
 * `CreateBareLogicalSwitchPort`: `addresses` "MAC JOIN-IP", no port security), a reroute policy
 * on the default VPC's router sending traffic for the node's internal IP to its join IP (priority
 * 30000, `external_ids` `node`, `address-family`), the node's port group `node.NAME` holding the
 * ports of the pods on it (`external_ids` `node`, `np=node/NAME`), and for each distributed
 * overlay subnet of the default VPC the port group `SUBNET.NODE` (dashes as dots) of its pods on
 * the node and the priority-29000 policy rerouting `ip4.src == $SUBNET.NODE_ip4` to the node's join
 * IP. The Southbound `Chassis` rows a node joining leads to (ovn-controller registers them;
 * Kube-OVN's `UpdateChassisTag` tags them `vendor=kube-ovn`) are written by {@link applyChassis}.
 *
 * @module
 */
import type { ControlledDb, NbPlan } from "../../ovn/controller/index.js";
import { PlanBuilder } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import type { FieldReader, KindReader } from "../load.js";
import { DEFAULT_VPC, EXTERNAL_IDS, KUBE_OVN_VENDOR, NODE_SWITCH } from "../naming.js";
import type { ResolvedModel, ResolvedPod, ResolvedSubnet } from "../resolve.js";
import type { Source } from "../types.js";
import { type ModelUnit, type PolicySpec, type PruneTarget, U2O_NO_LB_KEY, extOf, ownedByExternalId, syncPolicies } from "./common.js";

/** A core `Node` (`v1`): the join switch port, policies and port groups Kube-OVN makes for it. */
export interface NodeObject {
  /** The kind. */
  readonly kind: "Node";
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.labels` (`ovn.kubernetes.io/external-gw: "true"` makes it an external gateway of VPCs with `enableExternal`). */
  readonly labels: Readonly<Record<string, string>>;
  /** `status.addresses` of type `InternalIP` (one per family). */
  readonly internalIps: readonly string[];
  /** Annotation `ovn.kubernetes.io/ip_address`: the fixed join IP(s); allocated from the join subnet when absent. */
  readonly joinIps: readonly string[] | undefined;
  /** Annotation `ovn.kubernetes.io/mac_address`: the join port's fixed MAC. */
  readonly joinMac: string | undefined;
  /** Annotation `ovn.kubernetes.io/chassis`: the node's chassis (ovn-controller's system-id); the node name when absent. */
  readonly chassis: string | undefined;
  /**
   * `status.conditions`, as Kube-OVN's `nodeReady` reads them: false when the `Ready` condition is
   * not `True` or `NetworkUnavailable` is `True`; absent (ready) when the node lists no conditions.
   */
  readonly ready?: boolean;
  /** Where it was read. */
  readonly source: Source;
}

/** A node with its join port and addresses. */
export interface ResolvedNode {
  /** The object. */
  readonly object: NodeObject;
  /** The join switch port, `node-NAME` (Kube-OVN's `NodeLspName`). */
  readonly port: string;
  /** The join port's MAC. */
  readonly mac: string;
  /** The join IPs (one per family of the join subnet). */
  readonly joinIps: readonly string[];
  /** The chassis name. */
  readonly chassis: string;
}

/** The node annotations the model supports. */
export const NODE_ANNOTATIONS = {
  ipAddress: "ovn.kubernetes.io/ip_address",
  macAddress: "ovn.kubernetes.io/mac_address",
  chassis: "ovn.kubernetes.io/chassis",
} as const;

/** Kube-OVN's label of the nodes that host VPC external gateways (`util.ExGatewayLabel`). */
export const EXTERNAL_GW_LABEL = "ovn.kubernetes.io/external-gw";

/** Kube-OVN's router policy priorities (pkg/util/const.go). */
export const POLICY_PRIORITY = {
  /** `NodeRouterPolicyPriority`: traffic to a node's internal IP goes through its join IP. */
  nodeRouter: 30000,
  /** `GatewayRouterPolicyPriority`: a subnet's traffic leaves through its gateway node(s). */
  gatewayRouter: 29000,
  /** `SubnetRouterPolicyPriority`: traffic to a subnet of the VPC is routed normally. */
  subnetRouter: 31000,
} as const;

/** A node's join switch port (`util.NodeLspName`). */
export function nodePortName(node: string): string {
  return `node-${node}`;
}

/** A node's port group (its join port name with dashes as dots, as Kube-OVN names it). */
export function nodePortGroupName(node: string): string {
  return nodePortName(node).replaceAll("-", ".");
}

/** The port group of a distributed subnet's pods on one node (`getOverlaySubnetsPortGroupName`). */
export function subnetNodePortGroupName(subnet: string, node: string): string {
  return `${subnet}.${node}`.replaceAll("-", ".");
}

function readNode(r: FieldReader, name: string, labels: Readonly<Record<string, string>>, source: Source): NodeObject {
  r.only([], ["apiVersion", "kind", "metadata", "status"]);
  r.only(["status"], ["addresses", "conditions"]);
  const ann = r.stringMap(["metadata", "annotations"]);
  const supported: readonly string[] = Object.values(NODE_ANNOTATIONS);
  for (const k of Object.keys(ann)) if (k.startsWith("ovn.kubernetes.io/") && !supported.includes(k)) r.issue(["metadata", "annotations", k], { kind: "unsupported-field" });
  const internalIps: string[] = [];
  const addrs = r.get(["status", "addresses"]);
  if (addrs !== undefined && addrs !== null) {
    if (!Array.isArray(addrs)) r.issue(["status", "addresses"], { kind: "bad-value", value: JSON.stringify(addrs), reason: "expected a list of {type, address}" });
    else
      addrs.forEach((_, i) => {
        const p = ["status", "addresses", String(i)];
        r.only(p, ["type", "address"]);
        const type = r.str([...p, "type"], true);
        const address = r.str([...p, "address"], true);
        if (type === undefined || address === undefined) return;
        if (type === "Hostname") return;
        if (type !== "InternalIP") r.issue([...p, "type"], { kind: "unsupported-value", value: type, reason: "only InternalIP (and Hostname) addresses are supported" });
        else if (ipFamily(address) === undefined || address.includes("/")) r.issue([...p, "address"], { kind: "bad-value", value: address, reason: "not an IP address" });
        else if (internalIps.some((x) => ipFamily(x) === ipFamily(address))) r.issue([...p, "address"], { kind: "bad-value", value: address, reason: `a second IPv${ipFamily(address)} InternalIP` });
        else internalIps.push(address);
      });
  }
  const ip = ann[NODE_ANNOTATIONS.ipAddress];
  const ready = readConditions(r);
  return {
    kind: "Node",
    name,
    labels,
    internalIps,
    joinIps: ip === undefined ? undefined : ip.split(",").map((x) => x.trim()).filter((x) => x !== ""),
    joinMac: ann[NODE_ANNOTATIONS.macAddress],
    chassis: ann[NODE_ANNOTATIONS.chassis],
    ...(ready !== undefined ? { ready } : {}),
    source,
  };
}

/** The condition fields of `status.conditions` entries (`metav1`/`corev1.NodeCondition`). */
const CONDITION_FIELDS = ["type", "status", "reason", "message", "lastHeartbeatTime", "lastTransitionTime"];

/** Reads `status.conditions`: whether the node is ready (Kube-OVN's `nodeReady`), undefined when it lists none. */
function readConditions(r: FieldReader): boolean | undefined {
  const list = r.get(["status", "conditions"]);
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    r.issue(["status", "conditions"], { kind: "bad-value", value: JSON.stringify(list), reason: "expected a list of {type, status}" });
    return undefined;
  }
  let ready = false;
  let networkUnavailable = false;
  const seen = new Set<string>();
  list.forEach((_, i) => {
    const p = ["status", "conditions", String(i)];
    r.only(p, CONDITION_FIELDS);
    const type = r.str([...p, "type"], true);
    const status = r.str([...p, "status"], true);
    if (status !== undefined && status !== "True" && status !== "False" && status !== "Unknown") r.issue([...p, "status"], { kind: "bad-value", value: status, reason: "expected True, False or Unknown" });
    if (type === undefined || status === undefined) return;
    if (seen.has(type)) r.issue([...p, "type"], { kind: "bad-value", value: type, reason: "condition listed twice" });
    seen.add(type);
    if (type === "Ready") ready = status === "True";
    else if (type === "NetworkUnavailable") networkUnavailable = status === "True";
  });
  return ready && !networkUnavailable;
}

/** The reader of `v1` `Node`. */
export const NODE_READER: KindReader = { apiVersion: "v1", kind: "Node", metadata: ["labels", "annotations"], read: readNode };

/** The distributed overlay subnets of the default VPC that get a per-node port group and policy (not the join subnet, not an underlay without logical gateway). */
export function distributedSubnets(model: ResolvedModel): ResolvedSubnet[] {
  return model.subnets.filter((s) => s.vpc === DEFAULT_VPC && s.object.name !== NODE_SWITCH && s.routed && s.object.gatewayType === "distributed");
}

/** The policies of one node on the default VPC's router. */
function nodePolicies(model: ResolvedModel, n: ResolvedNode): PolicySpec[] {
  const out: PolicySpec[] = [];
  for (const join of n.joinIps) {
    const fam = ipFamily(join)!;
    const internal = n.object.internalIps.find((x) => ipFamily(x) === fam);
    if (internal === undefined) continue;
    out.push({ priority: POLICY_PRIORITY.nodeRouter, match: `ip${fam}.dst == ${internal}`, action: "reroute", nexthops: [join], external_ids: { node: n.object.name, "address-family": String(fam) } });
  }
  // The node's first join IP of each family, looked up once (not per subnet).
  const joinOf = (fam: 4 | 6): string | undefined => (fam === 4 ? (join4 ??= [n.joinIps.find((x) => ipFamily(x) === 4)])[0] : (join6 ??= [n.joinIps.find((x) => ipFamily(x) === 6)])[0]);
  let join4: [string | undefined] | undefined;
  let join6: [string | undefined] | undefined;
  for (const s of distributedSubnets(model)) {
    const pg = subnetNodePortGroupName(s.object.name, n.object.name);
    for (const cidr of s.cidrs) {
      const fam = cidr.includes(":") ? 6 : 4;
      const join = joinOf(fam);
      if (join === undefined) continue;
      out.push({ priority: POLICY_PRIORITY.gatewayRouter, match: `ip${fam}.src == $${pg}_ip${fam}`, action: "reroute", nexthops: [join], external_ids: { subnet: s.object.name, node: n.object.name } });
    }
  }
  return out;
}

/** The units of the model's nodes (after the pods: their port groups list pod ports). */
export function nodeUnits(model: ResolvedModel): ModelUnit[] {
  const nodes = model.nodes ?? [];
  if (nodes.length === 0) return [];
  const podsOn = new Map<string, ResolvedPod[]>();
  for (const x of model.pods) {
    const node = x.object.nodeName;
    if (node === undefined) continue;
    const list = podsOn.get(node) ?? [];
    list.push(x);
    podsOn.set(node, list);
  }
  const dist = distributedSubnets(model);
  const defaultVpc = model.vpcs.includes(DEFAULT_VPC);
  return nodes.map((n): ModelUnit => {
    const name = n.object.name;
    const pods = podsOn.get(name) ?? [];
    return {
      ref: `node/${name}`,
      weight: 8 + 4 * dist.length + pods.length,
      primary: ["Logical_Switch_Port", n.port],
      build: (p: NbPlan) => {
        p.ensureSwitchPort(NODE_SWITCH, n.port, { addresses: [[n.mac, ...n.joinIps].join(" ")], external_ids: { [EXTERNAL_IDS.logicalSwitch]: NODE_SWITCH } });
        p.setPortGroupPorts(nodePortGroupName(name), pods.map((x) => x.port), { external_ids: { node: name, np: `node/${name}` } });
        const groups = new Set<string>([nodePortGroupName(name)]);
        // The node's pod ports by subnet, in pod order (one pass, not one filter per subnet).
        const portsIn = new Map<string, string[]>();
        for (const x of pods) {
          const list = portsIn.get(x.subnet);
          if (list) list.push(x.port);
          else portsIn.set(x.subnet, [x.port]);
        }
        for (const s of dist) {
          const pg = subnetNodePortGroupName(s.object.name, name);
          groups.add(pg);
          p.setPortGroupPorts(pg, portsIn.get(s.object.name) ?? [], { external_ids: { subnet: s.object.name, node: name, np: `${s.object.name}/${name}` } });
        }
        // Port groups of this node that the model no longer has (e.g. a subnet turned centralized).
        for (const row of ownedByExternalId(p, "Port_Group", "node", name)) if (!groups.has(row["name"] as string)) p.remove("Port_Group", row);
        // The no-load-balancer U2O policies name the node too; their subnet syncs them (src/model/kinds/u2o-routing.ts).
        if (defaultVpc) syncPolicies(p, DEFAULT_VPC, ["node", name], (e) => !e.has(U2O_NO_LB_KEY), nodePolicies(model, n));
      },
    };
  });
}

/** Rows of nodes absent from the model (`--prune`): join ports, port groups and policies marked with their node. */
export function nodePruneTargets(db: ControlledDb, model: ResolvedModel): PruneTarget[] {
  const live = new Set((model.nodes ?? []).map((n) => n.object.name));
  const out: PruneTarget[] = [];
  for (const row of db.owned("Logical_Switch_Port")) {
    const name = row["name"] as string;
    if (name.startsWith("node-") && extOf(row).get(EXTERNAL_IDS.logicalSwitch) === NODE_SWITCH && !live.has(name.slice(5))) out.push({ table: "Logical_Switch_Port", row, ref: `node/${name.slice(5)}` });
  }
  for (const table of ["Port_Group", "Logical_Router_Policy"]) {
    for (const row of db.owned(table)) {
      const node = extOf(row).get("node");
      if (node !== undefined && !live.has(node)) out.push({ table, row, ref: `node/${node}` });
    }
  }
  return out;
}

/** What {@link applyChassis} did. */
export interface ChassisResult {
  /** Chassis created. */
  readonly created: readonly string[];
  /** Chassis whose columns were brought back to the model. */
  readonly configured: readonly string[];
  /** Chassis deleted (`prune`: nodes gone). */
  readonly deleted: readonly string[];
  /** Whether a transaction was sent. */
  readonly sent: boolean;
}

/**
 * Writes the Southbound rows a node joining leads to, for the model's proof without real
 * ovn-controllers: per node a `Chassis` named after its chassis (hostname the node, one Geneve
 * `Encap` at its internal IP, `external_ids:vendor=kube-ovn` as Kube-OVN's `UpdateChassisTag` sets
 * it) and its `Chassis_Private` (when the schema has it). With `prune`, tagged chassis of nodes that
 * are gone are deleted (as Kube-OVN's `gcChassis`). `sb` must be a `ControlledDb` of
 * `OVN_Southbound` with identity `kube-ovn` replicating `Chassis`, `Chassis_Private` and `Encap`.
 */
export async function applyChassis(sb: ControlledDb, nodes: readonly ResolvedNode[], options: { readonly prune?: boolean; readonly dryRun?: boolean } = {}): Promise<ChassisResult> {
  const created: string[] = [];
  const configured: string[] = [];
  const deleted: string[] = [];
  const plan = new PlanBuilder(sb, "apply chassis");
  const want = new Set(nodes.map((n) => n.chassis));
  for (const n of nodes) {
    const ip = n.object.internalIps.find((x) => ipFamily(x) === 4) ?? n.object.internalIps[0] ?? n.joinIps[0]!;
    const row = sb.allByName("Chassis", n.chassis)[0];
    if (!row) {
      const encap = plan.create("Encap", `${n.chassis}:geneve`, { type: "geneve", ip, chassis_name: n.chassis, options: { csum: "true" } });
      const ch = plan.create("Chassis", n.chassis, { name: n.chassis, hostname: n.object.name, encaps: [encap] });
      if (sb.has("Chassis_Private")) plan.create("Chassis_Private", n.chassis, { name: n.chassis, chassis: [ch] });
      created.push(n.chassis);
      continue;
    }
    let changed = plan.change("Chassis", row, { hostname: n.object.name, external_ids: { vendor: KUBE_OVN_VENDOR } }, { foreign: true });
    const encaps = (Array.isArray(row["encaps"]) ? (row["encaps"] as string[]) : []).map((u) => sb.get("Encap", u)).filter((e): e is Row => e !== undefined);
    const geneve = encaps.find((e) => e["type"] === "geneve");
    if (geneve) changed = plan.change("Encap", geneve, { ip }, { foreign: true }) || changed;
    if (changed) configured.push(n.chassis);
  }
  if (options.prune) {
    for (const ch of sb.owned("Chassis")) {
      if (want.has(ch["name"] as string)) continue;
      plan.remove("Chassis", ch);
      if (sb.has("Chassis_Private")) for (const p of sb.allByName("Chassis_Private", ch["name"] as string)) plan.remove("Chassis_Private", p, { foreign: true });
      deleted.push(ch["name"] as string);
    }
  }
  if (options.dryRun || plan.empty) return { created, configured, deleted, sent: false };
  await sb.apply(plan.build());
  return { created, configured, deleted, sent: true };
}
