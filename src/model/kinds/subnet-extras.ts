/**
 * More of a subnet's spec, as Kube-OVN's subnet controller (pkg/controller/subnet.go) handles it:
 *
 * - `enableMulticastSnoop` (`handleMcastQuerierChange`): an address of the subnet for the querier
 *   (Kube-OVN's IP `mcast-querier.SUBNET`), a port `mcast-querier.SUBNET` on the switch
 *   (`addresses` "MAC IP...", no port security, `external_ids` `pod=default/mcast-querier.SUBNET`,
 *   `ls`), and the switch's `other_config` `mcast_snoop=true`, `mcast_querier=true`,
 *   `mcast_ip4_src` = the querier's IPs (as Kube-OVN writes its status: `V4,V6` on a dual-stack
 *   subnet), `mcast_eth_src` = its MAC. Turned off, the keys and the port go.
 * - `vips` (`reconcileVips`, `CreateVirtualLogicalSwitchPorts`): a port `SUBNET-vip-IP` of type
 *   `virtual` per address (`options:virtual-ip`, `external_ids:ls`); one no longer listed is
 *   deleted. Its `virtual-parents` are the subnet's pods whose `ovn.kubernetes.io/port_vips` lists
 *   it; such a pod's port has the VIPs in its `port_security` and `external_ids` `vips`,
 *   `attach-vips=true`.
 * - fields with no OVN row, read on nodes or by other components: accepted, checked as Kube-OVN's
 *   webhook checks them, and reported as a {@link ManifestWarning} (`ovn-ts apply` prints them
 *   as kubectl prints `Warning:` lines).
 *
 * @module
 */
import { ipFamily } from "../../ovn/net.js";
import type { NbPlan } from "../../ovn/controller/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import type { ManifestProblem } from "../errors.js";
import { DEFAULT_VPC, EXTERNAL_IDS } from "../naming.js";
import type { ResolvedModel, ResolvedPod, ResolvedSubnet } from "../resolve.js";
import type { Manifest, Source, SubnetObject } from "../types.js";
import { type PruneTarget, extOf } from "./common.js";
import type { Fields } from "./fields.js";
import { cidrContains } from "./network-policy.js";

/** The `Subnet.spec` fields read here. */
export const SUBNET_EXTRA_FIELDS = [
  "enableMulticastSnoop",
  "vips",
  "disableGatewayCheck",
  "disableInterConnection",
  "nodeNetwork",
  "enableExternalLBAddress",
  "natOutgoingPolicyRules",
  "externalEgressGateway",
  "policyRoutingPriority",
  "policyRoutingTableID",
] as const;

/** Why each accepted field has no OVN row (the warning's text). */
export const NO_OVN_EFFECT: Readonly<Record<string, string>> = {
  mtu: "without enableDHCP it only sets the pods' interface MTU (kube-ovn-cni)",
  disableGatewayCheck: "the CNI's gateway check when a pod starts",
  disableInterConnection: "routes advertised through OVN interconnection (ovn-ic), not the Northbound database",
  nodeNetwork: "the node network the underlay traffic uses (kube-ovn-cni)",
  enableExternalLBAddress: "LoadBalancer service addresses on nodes (kube-ovn-cni)",
  natOutgoingPolicyRules: "the nodes' iptables/ipset NAT rules (kube-ovn-cni)",
  externalEgressGateway: "policy routing on the nodes (kube-ovn-cni)",
  policyRoutingPriority: "policy routing on the nodes (kube-ovn-cni)",
  policyRoutingTableID: "policy routing on the nodes (kube-ovn-cni)",
};

/** An accepted field that has no OVN effect: `ovn-ts apply` prints it as a warning. */
export interface ManifestWarning {
  /** Where the field was read. */
  readonly source: Source;
  /** The object, as `kind/name` (`subnet/net1`). */
  readonly object: string;
  /** The field (`spec.mtu`). */
  readonly field: string;
  /** What the field does instead (see {@link NO_OVN_EFFECT}). */
  readonly reason: string;
}

/** The pod annotation naming the VIPs a pod's port may send from (Kube-OVN's `PortVipAnnotationTemplate` for the `ovn` provider). */
export const PORT_VIPS_ANNOTATION = "ovn.kubernetes.io/port_vips";

/**
 * Reads a pod's `ovn.kubernetes.io/port_vips` (comma-separated IPs, as Kube-OVN's `getVirtualIPs`:
 * duplicates dropped); reports a value that is not an IP.
 */
export function readPortVips(value: string | undefined, issue: (value: string) => void): string[] | undefined {
  if (value === undefined) return undefined;
  const out: string[] = [];
  for (const v of value.split(",").map((x) => x.trim())) {
    if (ipFamily(v) === undefined || v.includes("/")) issue(v);
    else if (!out.includes(v)) out.push(v);
  }
  return out.length ? out : undefined;
}

/**
 * The VIPs of a pod's `port_security` entry and the `external_ids` keys of its port (Kube-OVN's
 * `buildLogicalSwitchPort` / `SetLogicalSwitchPortSecurity`: the VIPs after the pod's IPs, and
 * `vips`, `attach-vips=true`). Without `port_vips`: none, and the keys are removed (undefined)
 * from a port that has them (one lookup of the port by name, unless the caller gives `row`: the
 * port's row as it looked it up, `null` when there is none).
 */
export function podVipColumns(p: NbPlan, port: string, vips: readonly string[] | undefined, row?: Row | null): { readonly security: readonly string[]; readonly external_ids: Readonly<Record<string, string | undefined>> } {
  if (vips?.length) return { security: vips, external_ids: { vips: vips.join(","), "attach-vips": "true" } };
  const ext = (row === undefined ? p.db.byName("Logical_Switch_Port", port) : row)?.["external_ids"] as ReadonlyMap<string, string> | undefined;
  return ext?.has("attach-vips") ? DROP_VIPS : NO_VIPS;
}

/** {@link podVipColumns} of a pod without VIPs whose port has none (read only: one for every pod). */
const NO_VIPS = Object.freeze({ security: Object.freeze([]) as readonly string[], external_ids: Object.freeze({}) as Readonly<Record<string, string | undefined>> });

/** {@link podVipColumns} of a pod without VIPs whose port still has them: they are removed. */
const DROP_VIPS = Object.freeze({ security: Object.freeze([]) as readonly string[], external_ids: Object.freeze({ vips: undefined, "attach-vips": undefined }) as Readonly<Record<string, string | undefined>> });

/** The querier port of a subnet with `enableMulticastSnoop` (Kube-OVN's `McastQuerierName`). */
export function mcastQuerierName(subnet: string): string {
  return `mcast-querier.${subnet}`;
}

/** The virtual port of a subnet's VIP (Kube-OVN's `SUBNET-vip-IP`). */
export function vipPortName(subnet: string, ip: string): string {
  return `${subnet}-vip-${ip}`;
}

/** The fields read here of one subnet. */
export interface SubnetExtraFields {
  /** `enableMulticastSnoop`. */
  readonly enableMulticastSnoop?: true;
  /** `vips`, when any. */
  readonly vips?: readonly string[];
  /** The accepted fields without OVN effect that are set. */
  readonly noEffect?: readonly { readonly field: string; readonly source: Source }[];
  /** `externalEgressGateway` with `policyRoutingTableID` (0 when absent), for {@link checkPolicyRoutingTables}; absent without a gateway. */
  readonly policyRouting?: SubnetPolicyRouting;
}

/** A subnet's node policy routing: `externalEgressGateway` and the table its rules use. */
export interface SubnetPolicyRouting {
  /** `spec.externalEgressGateway`. */
  readonly externalEgressGateway: string;
  /** `spec.policyRoutingTableID` (0 when absent, as Kube-OVN's unset `uint32`). */
  readonly tableId: number;
}

/** The families of a comma-separated list of IPs and CIDRs (Kube-OVN's `validateNatOutgoingPolicyRuleIPs`); each other item reported. */
function checkIps(f: Fields, path: readonly string[], list: string): (4 | 6)[] {
  const families: (4 | 6)[] = [];
  for (const item of list.split(",")) {
    const slash = item.indexOf("/");
    const fam = ipFamily(slash >= 0 ? item.slice(0, slash) : item);
    const len = slash >= 0 ? item.slice(slash + 1) : undefined;
    if (fam === undefined || (len !== undefined && (!/^(0|[1-9][0-9]*)$/.test(len) || Number(len) > (fam === 4 ? 32 : 128)))) {
      f.issue(path, { kind: "bad-value", value: item, reason: "not an IP or a CIDR" });
      continue;
    }
    families.push(fam);
  }
  return families;
}

/**
 * Reads the fields of {@link SUBNET_EXTRA_FIELDS} of a `Subnet` document (and `mtu` when
 * `dhcp` is false: then it has no OVN effect). `cidrBlock` checks the VIPs; `natOutgoing`
 * conflicts with `externalEgressGateway` (as Kube-OVN's webhook says).
 */
export function readSubnetExtras(f: Fields, cidrBlock: string | undefined, natOutgoing: boolean, dhcp: boolean): SubnetExtraFields {
  const s = ["spec"];
  const mcast = f.bool([...s, "enableMulticastSnoop"]);
  const vips = f.strings([...s, "vips"]);
  const cidrs = (cidrBlock ?? "").split(",").map((c) => c.trim());
  const seen = new Set<string>();
  for (const v of vips) {
    const fam = ipFamily(v);
    if (fam === undefined || v.includes("/")) f.issue([...s, "vips"], { kind: "bad-value", value: v, reason: "not an IP address" });
    else if (v !== v.toLowerCase()) f.issue([...s, "vips"], { kind: "bad-value", value: v, reason: "an IPv6 address in lower case (Kube-OVN's webhook refuses upper case)" });
    else if (cidrBlock !== undefined && !cidrs.some((c) => cidrContains(c, `${v}/${fam === 4 ? 32 : 128}`))) f.issue([...s, "vips"], { kind: "bad-value", value: v, reason: `not inside the subnet's cidrBlock ${cidrBlock}` });
    else if (seen.has(v)) f.issue([...s, "vips"], { kind: "bad-value", value: v, reason: "listed twice" });
    seen.add(v);
  }
  // Fields with no OVN effect: each checked as Kube-OVN's webhook checks it.
  const noEffect: { field: string; source: Source }[] = [];
  const note = (field: string) => {
    if (f.has([...s, field])) noEffect.push({ field: `spec.${field}`, source: f.doc.source([...s, field]) });
  };
  if (!dhcp) {
    f.int([...s, "mtu"], 68, 65535);
    note("mtu");
  }
  for (const b of ["disableGatewayCheck", "disableInterConnection", "enableExternalLBAddress"]) {
    f.bool([...s, b]);
    note(b);
  }
  f.str([...s, "nodeNetwork"]);
  note("nodeNetwork");
  (f.list([...s, "natOutgoingPolicyRules"]) ?? []).forEach((_, i) => {
    const at = [...s, "natOutgoingPolicyRules", String(i)];
    f.only(at, ["match", "action"]);
    f.only([...at, "match"], ["srcIPs", "dstIPs"]);
    if (f.oneOf([...at, "action"], ["nat", "forward"] as const) === undefined && !f.has([...at, "action"])) f.issue([...at, "action"], { kind: "missing-field" });
    const src = f.str([...at, "match", "srcIPs"]);
    const dst = f.str([...at, "match", "dstIPs"]);
    const fs = src !== undefined ? checkIps(f, [...at, "match", "srcIPs"], src.trim()) : [];
    const fd = dst !== undefined ? checkIps(f, [...at, "match", "dstIPs"], dst.trim()) : [];
    if (new Set(fs).size > 1) f.issue([...at, "match", "srcIPs"], { kind: "bad-value", value: src!, reason: "mixes IPv4 and IPv6" });
    if (new Set(fd).size > 1) f.issue([...at, "match", "dstIPs"], { kind: "bad-value", value: dst!, reason: "mixes IPv4 and IPv6" });
    if (fs.length && fd.length && fs[0] !== fd[0]) f.issue([...at, "match"], { kind: "bad-value", value: `${src} -> ${dst}`, reason: "srcIPs and dstIPs are of different families" });
  });
  note("natOutgoingPolicyRules");
  const egw = f.str([...s, "externalEgressGateway"]);
  if (egw !== undefined) {
    if (natOutgoing) f.issue([...s, "externalEgressGateway"], { kind: "bad-value", value: egw, reason: "conflicts with natOutgoing (Kube-OVN's webhook refuses both)" });
    const ips = egw.split(",");
    if (ips.length > 2 || ips.some((ip) => ipFamily(ip) === undefined || ip.includes("/"))) f.issue([...s, "externalEgressGateway"], { kind: "bad-value", value: egw, reason: "one IP, or an IPv4 and an IPv6 separated by a comma" });
    else if (egw !== egw.toLowerCase()) f.issue([...s, "externalEgressGateway"], { kind: "bad-value", value: egw, reason: "an IPv6 address in lower case (Kube-OVN's webhook refuses upper case)" });
    else {
      // Its families must be the subnet's (unless the subnet is dual-stack), as Kube-OVN's webhook says.
      const fams = new Set(ips.map((ip) => ipFamily(ip)));
      const cidrFams = new Set(cidrs.map((c) => ipFamily(c.slice(0, Math.max(0, c.indexOf("/"))))));
      if (cidrBlock !== undefined && cidrFams.size === 1 && (fams.size !== 1 || [...fams][0] !== [...cidrFams][0])) f.issue([...s, "externalEgressGateway"], { kind: "bad-value", value: egw, reason: `its address family is not the subnet's (${cidrBlock})` });
    }
  }
  note("externalEgressGateway");
  f.int([...s, "policyRoutingPriority"], 1, 32765);
  note("policyRoutingPriority");
  const tableId = f.int([...s, "policyRoutingTableID"], 1, 2147483647);
  note("policyRoutingTableID");
  const policyRouting = egw !== undefined && egw !== "" ? { externalEgressGateway: egw, tableId: tableId ?? 0 } : undefined;
  return { ...(mcast ? { enableMulticastSnoop: true as const } : {}), ...(vips.length ? { vips } : {}), ...(noEffect.length ? { noEffect } : {}), ...(policyRouting ? { policyRouting } : {}) };
}

/**
 * Kube-OVN's check that two subnets' node policy routing tables differ (`ValidateCidrConflict` in
 * pkg/util/validator.go, the webhook; `validateSubnetConflict` in the subnet controller): two
 * subnets of one VPC and one `vlan` (none counts as one), both with `externalEgressGateway`, may
 * not have the same `policyRoutingTableID` (absent: 0). Each such subnet after the first is
 * reported, naming the first.
 */
export function checkPolicyRoutingTables(subnets: readonly SubnetObject[], issue: (o: SubnetObject, field: string, problem: ManifestProblem) => void): void {
  const first = new Map<string, SubnetObject>();
  for (const s of subnets) {
    if (!s.policyRouting) continue;
    const k = `${s.vpc ?? DEFAULT_VPC}\u0000${s.vlan ?? ""}\u0000${s.policyRouting.tableId}`;
    const other = first.get(k);
    if (other === undefined) first.set(k, s);
    else issue(s, "spec.policyRoutingTableID", { kind: "policy-routing-table-conflict", tableId: s.policyRouting.tableId, other: other.name });
  }
}

/** The warnings of a manifest: each accepted field without OVN effect, in file order. */
export function manifestWarnings(manifest: Manifest): ManifestWarning[] {
  const out: ManifestWarning[] = [];
  for (const o of manifest.objects) {
    if (o.kind !== "Subnet") continue;
    for (const n of (o as SubnetObject).noEffect ?? []) out.push({ source: n.source, object: `subnet/${o.name}`, field: n.field, reason: NO_OVN_EFFECT[n.field.slice("spec.".length)] ?? "" });
  }
  return out;
}

/** A warning as kubectl prints one: `Warning: FILE:LINE (document N): subnet/NAME: spec.FIELD has no OVN effect: REASON`. */
export function formatWarning(w: ManifestWarning): string {
  const where = `${w.source.file}${w.source.line > 0 ? `:${w.source.line}` : ""} (document ${w.source.document + 1})`;
  return `Warning: ${where}: ${w.object}: ${w.field} has no OVN effect, accepted and not applied: ${w.reason}`;
}

/**
 * The switch's `other_config` keys of `enableMulticastSnoop` (to merge into the switch's managed
 * keys): set with the querier's address, or removed (undefined) without it.
 */
export function mcastOtherConfig(querier: { readonly mac: string; readonly ips: readonly string[] } | undefined): Record<string, string | undefined> {
  return {
    mcast_snoop: querier ? "true" : undefined,
    mcast_querier: querier ? "true" : undefined,
    mcast_ip4_src: querier ? querier.ips.join(",") : undefined,
    mcast_eth_src: querier?.mac,
  };
}

/** The owned port `name` in the replica, if any. */
function ownedPort(p: NbPlan, name: string): Row | undefined {
  const row = p.db.byName("Logical_Switch_Port", name);
  return row && p.db.owns(row) ? row : undefined;
}

/**
 * The querier port and VIP ports of a subnet: created, changed, or deleted when no longer in its
 * spec. A VIP port's `options:virtual-parents` are the subnet's pods listing the VIP in
 * `port_vips` (`syncVirtualPort`; by name), none when no pod does.
 */
export function buildSubnetExtraPorts(p: NbPlan, s: ResolvedSubnet, querier: { readonly mac: string; readonly ips: readonly string[] } | undefined, pods: readonly ResolvedPod[]): void {
  const ls = s.object.name;
  const qName = mcastQuerierName(ls);
  if (querier) {
    const entry = [querier.mac, ...querier.ips].join(" ");
    p.ensureSwitchPort(ls, qName, { addresses: [entry], port_security: [], external_ids: { [EXTERNAL_IDS.pod]: `default/${qName}`, [EXTERNAL_IDS.logicalSwitch]: ls } });
  } else if (ownedPort(p, qName)) p.deleteNamed("Logical_Switch_Port", qName);
  const want = new Set(s.object.vips ?? []);
  for (const ip of want) {
    const parents = pods.filter((x) => x.subnet === ls && x.object.portVips?.includes(ip)).map((x) => x.port).sort();
    p.ensureSwitchPort(ls, vipPortName(ls, ip), { type: "virtual", options: { "virtual-ip": ip, ...(parents.length ? { "virtual-parents": parents.join(",") } : {}) }, external_ids: { [EXTERNAL_IDS.logicalSwitch]: ls } });
  }
  // VIP ports no longer listed: the switch's owned virtual ports named SUBNET-vip-IP.
  const sw = p.db.byName("Logical_Switch", ls);
  const ports = Array.isArray(sw?.["ports"]) ? (sw["ports"] as string[]) : [];
  for (const id of ports) {
    const row = p.db.get("Logical_Switch_Port", id);
    if (!row || row["type"] !== "virtual" || !p.db.owns(row) || extOf(row).get(EXTERNAL_IDS.logicalSwitch) !== ls) continue;
    const vip = (row["options"] as ReadonlyMap<string, string> | undefined)?.get("virtual-ip");
    if (vip !== undefined && !want.has(vip) && row["name"] === vipPortName(ls, vip)) p.remove("Logical_Switch_Port", row);
  }
}

/** The names of the ports this module makes for the model's subnets (kept by `--prune`). */
export function subnetExtraPortNames(model: ResolvedModel): string[] {
  const out: string[] = [];
  for (const s of model.subnets) {
    if (model.mcastQueriers?.has(s.object.name)) out.push(mcastQuerierName(s.object.name));
    for (const ip of s.object.vips ?? []) out.push(vipPortName(s.object.name, ip));
  }
  return out;
}

/**
 * The owned `DHCP_Options` rows of subnets no longer in the model, reported as their subnet, and
 * the per-port rows of pods no longer in it, reported as the pod (`--prune`).
 */
export function subnetDhcpPruneTargets(db: NbPlan["db"], model: ResolvedModel): PruneTarget[] {
  const live = new Set(model.subnets.map((s) => s.object.name));
  const ports = new Set(model.pods.map((x) => x.port));
  const out: PruneTarget[] = [];
  for (const row of db.owned("DHCP_Options")) {
    const ls = extOf(row).get(EXTERNAL_IDS.logicalSwitch);
    const port = extOf(row).get("port");
    if (port !== undefined) {
      // A port is NAME.NAMESPACE (a namespace has no dot).
      const dot = port.lastIndexOf(".");
      if (!ports.has(port)) out.push({ table: "DHCP_Options", row, ref: dot > 0 ? `pod/${port.slice(dot + 1)}/${port.slice(0, dot)}` : `pod/${port}` });
    } else if (ls !== undefined && !live.has(ls)) out.push({ table: "DHCP_Options", row, ref: `subnet/${ls}` });
  }
  return out;
}
