/**
 * Kube-OVN's OVN NAT kinds (pkg/controller/ovn_eip.go, ovn_fip.go, ovn_snat.go, ovn_dnat.go,
 * vpc.go) on the VPC's router:
 * - a `Vpc` with `enableExternal` is joined to the external subnet (`external`, or instead each of
 *   its `extraExternalSubnets`) by router port `VPC-external` (`VPC-SUBNET`) (an address of the external subnet, its gateway chassis the chassis of the
 *   nodes labelled `ovn.kubernetes.io/external-gw=true`, ordered by SHA-256 of VPC and chassis as
 *   Kube-OVN distributes them) and switch port `external-VPC` of type `router`;
 * - an `OvnEip` (type `nat`) takes an address of its external subnet: no OVN row of its own;
 * - an `OvnFip` is a `dnat_and_snat` NAT rule (`external_mac` and `logical_port` from its IP,
 *   `options:stateless` = `type: distributed`);
 * - an `OvnSnatRule` is a `snat` NAT rule of a subnet's CIDR, an IP, or a CIDR;
 * - an `OvnDnatRule` is a load balancer named after it (`EIP:PORT` → `IP:PORT`, its protocol,
 *   `options:ct_flush=true` for UDP) on the VPC's router.
 * The NAT rules and load balancers carry `external_ids` naming their object (`ovn_fip`,
 * `ovn_snat`, `ovn_dnat`) and EIP (`ovn_eip`), so a re-apply finds them and `--prune` deletes
 * exactly them.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ControlledDb, NbPlan } from "../../ovn/controller/index.js";
import { onlyKeys } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import type { ManifestProblem } from "../errors.js";
import type { FieldReader, KindReader } from "../load.js";
import { EXTERNAL_IDS, routerPortName, switchRouterPortName } from "../naming.js";
import type { ResolvedSubnet } from "../resolve.js";
import type { Source } from "../types.js";
import { type ModelUnit, type NatSpec, type PruneTarget, extOf, syncNats } from "./common.js";

/** Kube-OVN's default external subnet (`--external-gateway-switch`). */
export const EXTERNAL_SUBNET = "external";

/** A Kube-OVN `OvnEip` (`kubeovn.io/v1`, cluster-scoped). */
export interface OvnEipObject {
  /** The kind. */
  readonly kind: "OvnEip";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.externalSubnet` (default `external`). */
  readonly externalSubnet: string;
  /** `spec.v4Ip` / `spec.v6Ip`: fixed addresses; allocated from the external subnet when absent. */
  readonly ips: readonly string[];
  /** `spec.macAddress`. */
  readonly macAddress: string | undefined;
  /** Where it was read. */
  readonly source: Source;
}

/** A Kube-OVN `OvnFip` (`kubeovn.io/v1`). */
export interface OvnFipObject {
  /** The kind. */
  readonly kind: "OvnFip";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.ovnEip`. */
  readonly ovnEip: string;
  /** `spec.ipName`: an `IP` (or a pod's port name `POD.NAMESPACE`, the name of the IP Kube-OVN makes for a pod). */
  readonly ipName: string | undefined;
  /** `spec.vpc` (with `v4Ip`/`v6Ip` when there is no `ipName`). */
  readonly vpc: string | undefined;
  /** `spec.v4Ip` / `spec.v6Ip`. */
  readonly ips: readonly string[];
  /** `spec.type`: `distributed` makes the rule stateless. */
  readonly type: "centralized" | "distributed" | undefined;
  /** Where it was read. */
  readonly source: Source;
}

/** A Kube-OVN `OvnSnatRule` (`kubeovn.io/v1`). */
export interface OvnSnatRuleObject {
  /** The kind. */
  readonly kind: "OvnSnatRule";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.ovnEip`. */
  readonly ovnEip: string;
  /** `spec.vpcSubnet`: SNAT the subnet's CIDRs. */
  readonly vpcSubnet: string | undefined;
  /** `spec.ipName`: SNAT one IP. */
  readonly ipName: string | undefined;
  /** `spec.vpc` (with `v4IpCidr`/`v6IpCidr`). */
  readonly vpc: string | undefined;
  /** `spec.v4IpCidr` / `spec.v6IpCidr`. */
  readonly cidrs: readonly string[];
  /** Where it was read. */
  readonly source: Source;
}

/** A Kube-OVN `OvnDnatRule` (`kubeovn.io/v1`). */
export interface OvnDnatRuleObject {
  /** The kind. */
  readonly kind: "OvnDnatRule";
  /** `metadata.name`: the load balancer's name. */
  readonly name: string;
  /** `spec.ovnEip`. */
  readonly ovnEip: string;
  /** `spec.ipName`. */
  readonly ipName: string | undefined;
  /** `spec.vpc` (with `v4Ip`/`v6Ip`). */
  readonly vpc: string | undefined;
  /** `spec.v4Ip` / `spec.v6Ip`. */
  readonly ips: readonly string[];
  /** `spec.protocol`. */
  readonly protocol: "tcp" | "udp";
  /** `spec.externalPort`. */
  readonly externalPort: number;
  /** `spec.internalPort`. */
  readonly internalPort: number;
  /** Where it was read. */
  readonly source: Source;
}

/** An EIP with its addresses. */
export interface ResolvedEip {
  /** The object. */
  readonly object: OvnEipObject;
  /** Its addresses (one per family of the external subnet). */
  readonly ips: readonly string[];
  /** Its MAC. */
  readonly mac: string;
}

/** A VPC's connection to its external subnet. */
export interface ResolvedExternal {
  /** The VPC (router). */
  readonly vpc: string;
  /** The external subnet. */
  readonly subnet: ResolvedSubnet;
  /** The router port's MAC. */
  readonly mac: string;
  /** Its addresses (the `VPC-external` EIP Kube-OVN makes), one per family. */
  readonly ips: readonly string[];
  /** The gateway chassis, highest priority first. */
  readonly chassis: readonly string[];
}

/** The NAT rules, load balancers and external connections of the model. */
export interface ResolvedNat {
  /** The EIPs, by name. */
  readonly eips: ReadonlyMap<string, ResolvedEip>;
  /** VPC external connections. */
  readonly externals: readonly ResolvedExternal[];
  /** FIPs: object, router and rules. */
  readonly fips: readonly { readonly object: OvnFipObject; readonly vpc: string; readonly rules: readonly NatSpec[] }[];
  /** SNATs: object, router and rules. */
  readonly snats: readonly { readonly object: OvnSnatRuleObject; readonly vpc: string; readonly rules: readonly NatSpec[] }[];
  /** DNATs: object, router, protocol and VIPs. */
  readonly dnats: readonly { readonly object: OvnDnatRuleObject; readonly vpc: string; readonly protocol: "tcp" | "udp"; readonly vips: Readonly<Record<string, string>> }[];
}

// ---- readers ------------------------------------------------------------------------------

function ipsOf(r: FieldReader, v4Field: string, v6Field: string, cidr = false): string[] {
  const out: string[] = [];
  for (const [field, fam] of [[v4Field, 4], [v6Field, 6]] as const) {
    const v = r.str(["spec", field]);
    if (v === undefined) continue;
    const host = cidr ? v.split("/")[0]! : v;
    if (ipFamily(host) !== fam || (!cidr && v.includes("/"))) r.issue(["spec", field], { kind: "bad-value", value: v, reason: `not an IPv${fam} ${cidr ? "address or CIDR" : "address"}` });
    else out.push(v);
  }
  return out;
}

function readEip(r: FieldReader, name: string, _l: Readonly<Record<string, string>>, source: Source): OvnEipObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["externalSubnet", "v4Ip", "v6Ip", "macAddress", "type"]);
  const type = r.str(["spec", "type"]);
  if (type !== undefined && type !== "nat") r.issue(["spec", "type"], { kind: "unsupported-value", value: type, reason: "only EIPs used by NAT rules (type nat) are supported; lrp and lsp EIPs are made by Kube-OVN itself" });
  return { kind: "OvnEip", name, externalSubnet: r.str(["spec", "externalSubnet"]) ?? EXTERNAL_SUBNET, ips: ipsOf(r, "v4Ip", "v6Ip"), macAddress: r.str(["spec", "macAddress"])?.toLowerCase(), source };
}

function ipTypeCheck(r: FieldReader): void {
  const t = r.str(["spec", "ipType"]);
  if (t !== undefined && t !== "ip") r.issue(["spec", "ipType"], { kind: "unsupported-value", value: t, reason: "only ipType ip (an IP or a pod) is supported, not vip" });
}

function readFip(r: FieldReader, name: string, _l: Readonly<Record<string, string>>, source: Source): OvnFipObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["ovnEip", "ipType", "ipName", "vpc", "v4Ip", "v6Ip", "type"]);
  ipTypeCheck(r);
  const type = r.str(["spec", "type"]);
  if (type !== undefined && type !== "centralized" && type !== "distributed") r.issue(["spec", "type"], { kind: "bad-value", value: type, reason: "expected centralized or distributed" });
  return {
    kind: "OvnFip",
    name,
    ovnEip: r.str(["spec", "ovnEip"], true) ?? "",
    ipName: r.str(["spec", "ipName"]),
    vpc: r.str(["spec", "vpc"]),
    ips: ipsOf(r, "v4Ip", "v6Ip"),
    type: type === "centralized" || type === "distributed" ? type : undefined,
    source,
  };
}

function readSnat(r: FieldReader, name: string, _l: Readonly<Record<string, string>>, source: Source): OvnSnatRuleObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["ovnEip", "vpcSubnet", "ipName", "vpc", "v4IpCidr", "v6IpCidr"]);
  return {
    kind: "OvnSnatRule",
    name,
    ovnEip: r.str(["spec", "ovnEip"], true) ?? "",
    vpcSubnet: r.str(["spec", "vpcSubnet"]),
    ipName: r.str(["spec", "ipName"]),
    vpc: r.str(["spec", "vpc"]),
    cidrs: ipsOf(r, "v4IpCidr", "v6IpCidr", true),
    source,
  };
}

function port(r: FieldReader, field: string): number {
  const v = r.get(["spec", field]);
  if (v === undefined || v === null || v === "") {
    r.issue(["spec", field], { kind: "missing-field" });
    return 0;
  }
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    r.issue(["spec", field], { kind: "bad-value", value: String(v), reason: "a port is 1..65535" });
    return 0;
  }
  return n;
}

function readDnat(r: FieldReader, name: string, _l: Readonly<Record<string, string>>, source: Source): OvnDnatRuleObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["ovnEip", "ipType", "ipName", "vpc", "v4Ip", "v6Ip", "protocol", "externalPort", "internalPort"]);
  ipTypeCheck(r);
  const proto = r.str(["spec", "protocol"], true)?.toLowerCase();
  if (proto !== undefined && proto !== "tcp" && proto !== "udp") r.issue(["spec", "protocol"], { kind: "bad-value", value: proto, reason: "expected tcp or udp" });
  return {
    kind: "OvnDnatRule",
    name,
    ovnEip: r.str(["spec", "ovnEip"], true) ?? "",
    ipName: r.str(["spec", "ipName"]),
    vpc: r.str(["spec", "vpc"]),
    ips: ipsOf(r, "v4Ip", "v6Ip"),
    protocol: proto === "udp" ? "udp" : "tcp",
    externalPort: port(r, "externalPort"),
    internalPort: port(r, "internalPort"),
    source,
  };
}

/** The reader of `kubeovn.io/v1` `OvnEip`. */
export const OVN_EIP_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "OvnEip", metadata: ["labels"], read: readEip };
/** The reader of `kubeovn.io/v1` `OvnFip`. */
export const OVN_FIP_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "OvnFip", metadata: ["labels"], read: readFip };
/** The reader of `kubeovn.io/v1` `OvnSnatRule`. */
export const OVN_SNAT_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "OvnSnatRule", metadata: ["labels"], read: readSnat };
/** The reader of `kubeovn.io/v1` `OvnDnatRule`. */
export const OVN_DNAT_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "OvnDnatRule", metadata: ["labels"], read: readDnat };

// ---- naming and order ---------------------------------------------------------------------

/** The router port joining `vpc` to its external subnet (`VPC-SUBNET`), also the name of the EIP Kube-OVN gives it. */
export function externalRouterPortName(vpc: string, subnet = EXTERNAL_SUBNET): string {
  return routerPortName(vpc, subnet);
}

/** Gateway chassis in Kube-OVN's order for `vpc` (by the SHA-256 hex of VPC name and chassis name). */
export function orderGatewayChassis(vpc: string, chassis: readonly string[]): string[] {
  const h = (c: string) => createHash("sha256").update(vpc + c).digest("hex");
  return [...chassis].sort((a, b) => (h(a) < h(b) ? -1 : h(a) > h(b) ? 1 : 0));
}

// ---- units --------------------------------------------------------------------------------

/** The units of the VPCs' external connections (after the subnets: the external switch must exist). */
export function externalUnits(nat: ResolvedNat | undefined): ModelUnit[] {
  return (nat?.externals ?? []).map((x): ModelUnit => {
    const ls = x.subnet.object.name;
    const lrp = externalRouterPortName(x.vpc, ls);
    const prefix = (ip: string) => x.subnet.cidrs.find((c) => ipFamily(c.split("/")[0]!) === ipFamily(ip))!.split("/")[1];
    return {
      ref: `vpc/${x.vpc}`,
      weight: 8 + 2 * x.chassis.length,
      primary: ["Logical_Router", x.vpc],
      build: (p: NbPlan) => {
        p.ensureRouterPort(x.vpc, lrp, { mac: x.mac, networks: x.ips.map((ip) => `${ip}/${prefix(ip)}`), external_ids: { [EXTERNAL_IDS.logicalRouter]: x.vpc } });
        p.ensureSwitchPort(ls, switchRouterPortName(ls, x.vpc), {
          type: "router",
          addresses: ["router"],
          options: onlyKeys({ "router-port": lrp }),
          external_ids: { [EXTERNAL_IDS.logicalSwitch]: ls },
        });
        p.setGatewayChassis(lrp, x.chassis);
      },
    };
  });
}

/**
 * Removes the external connections of a VPC the model no longer has (router port `VPC-SUBNET`, a
 * port of the router with gateway chassis, and switch port `SUBNET-VPC`), as Kube-OVN's
 * `handleDelVpcExternalSubnet`: `enableExternal` turned off, or an external subnet dropped from
 * `extraExternalSubnets`.
 */
export function dropExternal(p: NbPlan, vpc: string, nat: ResolvedNat | undefined): void {
  const want = new Set((nat?.externals ?? []).filter((x) => x.vpc === vpc).map((x) => externalRouterPortName(vpc, x.subnet.object.name)));
  const stale = new Set<string>();
  const lr = p.db.allByName("Logical_Router", vpc).find((r) => p.db.owns(r));
  for (const id of (lr?.["ports"] as string[] | undefined) ?? []) {
    const row = p.db.get("Logical_Router_Port", id);
    const name = row?.["name"] as string | undefined;
    const gw = row?.["gateway_chassis"];
    if (!row || !name || !p.db.owns(row) || want.has(name) || !name.startsWith(`${vpc}-`)) continue;
    if ((Array.isArray(gw) && gw.length > 0) || name === externalRouterPortName(vpc)) stale.add(name);
  }
  if (!want.has(externalRouterPortName(vpc))) stale.add(externalRouterPortName(vpc));
  for (const name of stale) {
    const lrp = p.db.byName("Logical_Router_Port", name);
    if (lrp && p.db.owns(lrp)) p.deleteNamed("Logical_Router_Port", name);
    const sw = name.slice(vpc.length + 1);
    const lsp = p.db.byName("Logical_Switch_Port", switchRouterPortName(sw, vpc));
    if (lsp && p.db.owns(lsp)) p.deleteNamed("Logical_Switch_Port", switchRouterPortName(sw, vpc));
  }
}

/** The units of FIPs, SNATs and DNATs (after the pods: a distributed FIP names its pod's port). */
export function natUnits(nat: ResolvedNat | undefined): ModelUnit[] {
  if (!nat) return [];
  const out: ModelUnit[] = [];
  for (const f of nat.fips) {
    out.push({ ref: `ovnfip/${f.object.name}`, weight: 4 * f.rules.length, primary: ["NAT", ""], build: (p) => syncNats(p, f.vpc, (e) => e.get("ovn_fip") === f.object.name, f.rules) });
  }
  for (const s of nat.snats) {
    out.push({ ref: `ovnsnatrule/${s.object.name}`, weight: 4 * s.rules.length, primary: ["NAT", ""], build: (p) => syncNats(p, s.vpc, (e) => e.get("ovn_snat") === s.object.name, s.rules) });
  }
  for (const d of nat.dnats) {
    out.push({
      ref: `ovndnatrule/${d.object.name}`,
      weight: 6,
      primary: ["Load_Balancer", d.object.name],
      build: (p) => {
        const lb = p.ensureLoadBalancer(d.object.name, {
          protocol: d.protocol,
          vips: d.vips,
          options: onlyKeys({ ct_flush: d.protocol === "udp" ? "true" : undefined }),
          external_ids: { ovn_dnat: d.object.name, ovn_eip: d.object.ovnEip },
        } as Parameters<NbPlan["ensureLoadBalancer"]>[1]);
        // On the VPC's router (Kube-OVN's LogicalRouterUpdateLoadBalancers), and on no other owned router.
        const lr = p.db.allByName("Logical_Router", d.vpc).find((r) => p.db.owns(r));
        if (!lr) p.link("Logical_Router", p.pending("Logical_Router", d.vpc)!, "load_balancer", lb);
        for (const r of p.db.owned("Logical_Router")) {
          const has = ((r["load_balancer"] as string[] | undefined) ?? []).includes(lb);
          if (r === lr && !has) p.link("Logical_Router", r, "load_balancer", lb);
          else if (r !== lr && has) p.unlink("Logical_Router", r, "load_balancer", lb);
        }
      },
    });
  }
  return out;
}

/** NAT rules and DNAT load balancers of objects absent from the model (`--prune`). */
export function natPruneTargets(db: ControlledDb, nat: ResolvedNat | undefined): PruneTarget[] {
  const fips = new Set(nat?.fips.map((f) => f.object.name));
  const snats = new Set(nat?.snats.map((s) => s.object.name));
  const dnats = new Set(nat?.dnats.map((d) => d.object.name));
  const out: PruneTarget[] = [];
  for (const row of db.owned("NAT")) {
    const e = extOf(row);
    const fip = e.get("ovn_fip");
    const snat = e.get("ovn_snat");
    if (fip !== undefined && !fips.has(fip)) out.push({ table: "NAT", row, ref: `ovnfip/${fip}` });
    if (snat !== undefined && !snats.has(snat)) out.push({ table: "NAT", row, ref: `ovnsnatrule/${snat}` });
  }
  for (const row of db.owned("Load_Balancer")) {
    const d = extOf(row).get("ovn_dnat");
    if (d !== undefined && !dnats.has(d)) out.push({ table: "Load_Balancer", row, ref: `ovndnatrule/${d}` });
  }
  return out;
}

/** Addresses the model's EIPs and external router ports already have, from NAT rules and DNAT load balancers (`ovn_eip`) and router ports, by owner name. */
export function existingNatAddresses(db: ControlledDb): Map<string, { ips: string[]; mac?: string }> {
  const out = new Map<string, { ips: string[]; mac?: string }>();
  for (const row of db.owned("NAT")) {
    const eip = extOf(row).get("ovn_eip");
    if (eip === undefined) continue;
    const ip = row["external_ip"] as string;
    const cur = out.get(eip) ?? { ips: [] };
    if (!cur.ips.includes(ip) && !cur.ips.some((x) => ipFamily(x) === ipFamily(ip))) cur.ips.push(ip);
    out.set(eip, cur);
  }
  // An EIP used only by DNAT rules: its address is the host of their load balancers' VIPs.
  for (const row of db.owned("Load_Balancer")) {
    const eip = extOf(row).get("ovn_eip");
    const vips = row["vips"];
    if (eip === undefined || !(vips instanceof Map)) continue;
    const cur = out.get(eip) ?? { ips: [] };
    for (const vip of vips.keys() as Iterable<string>) {
      const ip = vip.startsWith("[") ? vip.slice(1, vip.indexOf("]")) : vip.split(":")[0]!;
      if (ipFamily(ip) !== undefined && !cur.ips.some((x) => ipFamily(x) === ipFamily(ip))) cur.ips.push(ip);
    }
    out.set(eip, cur);
  }
  for (const row of db.owned("Logical_Router_Port")) {
    const name = row["name"] as string;
    const gw = row["gateway_chassis"];
    if (!name.endsWith(`-${EXTERNAL_SUBNET}`) && !(Array.isArray(gw) && gw.length > 0)) continue;
    const nets = (Array.isArray(row["networks"]) ? (row["networks"] as string[]) : [row["networks"] as string]).filter((x) => typeof x === "string");
    out.set(name, { ips: nets.map((n) => n.split("/")[0]!), mac: row["mac"] as string });
  }
  return out;
}

/** What {@link resolveNatRules} needs from the resolver. */
export interface NatContext {
  /** The FIPs. */
  readonly fips: readonly OvnFipObject[];
  /** The SNAT rules. */
  readonly snats: readonly OvnSnatRuleObject[];
  /** The DNAT rules. */
  readonly dnats: readonly OvnDnatRuleObject[];
  /** The EIPs with their addresses. */
  readonly eips: ReadonlyMap<string, ResolvedEip>;
  /** The VPCs' external connections. */
  readonly externals: readonly ResolvedExternal[];
  /** The subnets, by name. */
  readonly subnets: ReadonlyMap<string, ResolvedSubnet>;
  /** The routers. */
  readonly vpcs: ReadonlySet<string>;
  /** The addresses of an `IP` or a pod's port (`POD.NAMESPACE`), by name. */
  readonly addressOf: (ipName: string) => { readonly subnet: string; readonly ips: readonly string[]; readonly mac: string } | undefined;
  /** Reports a problem. */
  readonly issue: (o: OvnFipObject | OvnSnatRuleObject | OvnDnatRuleObject, field: string, problem: ManifestProblem) => void;
}

/**
 * Checks the NAT objects against the model and works out their rules: the EIP exists, the
 * internal address is an `IP` or pod of a subnet (or `vpc` with `v4Ip`), the VPC has an external
 * connection, a FIP's EIP is used by no other FIP, a DNAT's EIP port is used once per protocol.
 */
export function resolveNatRules(ctx: NatContext): ResolvedNat {
  const external = new Set(ctx.externals.map((x) => x.vpc));
  const eipOf = (o: OvnFipObject | OvnSnatRuleObject | OvnDnatRuleObject): ResolvedEip | undefined => {
    const e = ctx.eips.get(o.ovnEip);
    if (!e) ctx.issue(o, "spec.ovnEip", { kind: "unknown-reference", refKind: "OvnEip", name: o.ovnEip });
    return e;
  };
  const vpcOk = (o: OvnFipObject | OvnSnatRuleObject | OvnDnatRuleObject, vpc: string | undefined, field: string): vpc is string => {
    if (vpc === undefined) {
      ctx.issue(o, field, { kind: "missing-field" });
      return false;
    }
    if (!ctx.vpcs.has(vpc)) {
      ctx.issue(o, field, { kind: "unknown-reference", refKind: "Vpc", name: vpc });
      return false;
    }
    if (!external.has(vpc)) {
      ctx.issue(o, field, { kind: "bad-value", value: vpc, reason: `VPC ${vpc} has no external connection (spec.enableExternal)` });
      return false;
    }
    return true;
  };
  /** The internal addresses, VPC, MAC and port of an object naming `ipName` or `vpc` + addresses. */
  const internal = (o: OvnFipObject | OvnSnatRuleObject | OvnDnatRuleObject, ipName: string | undefined, vpc: string | undefined, given: readonly string[]) => {
    if (ipName !== undefined) {
      const a = ctx.addressOf(ipName);
      if (!a) {
        ctx.issue(o, "spec.ipName", { kind: "unknown-reference", refKind: "IP", name: ipName });
        return undefined;
      }
      const v = ctx.subnets.get(a.subnet)!.vpc;
      if (vpc !== undefined && vpc !== v) ctx.issue(o, "spec.vpc", { kind: "bad-value", value: vpc, reason: `IP ${ipName} is in VPC ${v}` });
      return vpcOk(o, v, "spec.ipName") ? { vpc: v, ips: a.ips, mac: a.mac as string | undefined, port: ipName as string | undefined } : undefined;
    }
    if (given.length === 0) {
      ctx.issue(o, "spec.ipName", { kind: "missing-field" });
      return undefined;
    }
    return vpcOk(o, vpc, "spec.vpc") ? { vpc, ips: given, mac: undefined, port: undefined } : undefined;
  };
  const pairs = (eip: ResolvedEip, ips: readonly string[]) => eip.ips.flatMap((e) => ips.filter((i) => ipFamily(i.split("/")[0]!) === ipFamily(e)).map((i) => [e, i] as const));

  const fips: { object: OvnFipObject; vpc: string; rules: NatSpec[] }[] = [];
  const fipOfEip = new Map<string, string>();
  for (const f of ctx.fips) {
    const eip = eipOf(f);
    const inner = internal(f, f.ipName, f.vpc, f.ips);
    if (!eip || !inner) continue;
    const other = fipOfEip.get(f.ovnEip);
    if (other !== undefined) {
      ctx.issue(f, "spec.ovnEip", { kind: "bad-value", value: f.ovnEip, reason: `EIP ${f.ovnEip} is already the FIP of ovnfip/${other}` });
      continue;
    }
    fipOfEip.set(f.ovnEip, f.name);
    const rules = pairs(eip, inner.ips).map(([e, i]): NatSpec => ({
      type: "dnat_and_snat",
      external_ip: e,
      logical_ip: i,
      ...(inner.mac !== undefined ? { external_mac: inner.mac } : {}),
      ...(inner.port !== undefined ? { logical_port: inner.port } : {}),
      options: { stateless: String(f.type === "distributed") },
      external_ids: { ovn_fip: f.name, ovn_eip: f.ovnEip },
    }));
    if (rules.length === 0) ctx.issue(f, "spec.ovnEip", { kind: "bad-value", value: f.ovnEip, reason: "the EIP and the internal address have no family in common" });
    else fips.push({ object: f, vpc: inner.vpc, rules });
  }

  const snats: { object: OvnSnatRuleObject; vpc: string; rules: NatSpec[] }[] = [];
  for (const s of ctx.snats) {
    const eip = eipOf(s);
    let inner: { vpc: string; ips: readonly string[] } | undefined;
    if (s.vpcSubnet !== undefined) {
      const sub = ctx.subnets.get(s.vpcSubnet);
      if (!sub) ctx.issue(s, "spec.vpcSubnet", { kind: "unknown-reference", refKind: "Subnet", name: s.vpcSubnet });
      else if (vpcOk(s, sub.vpc, "spec.vpcSubnet")) inner = { vpc: sub.vpc, ips: sub.cidrs };
    } else inner = internal(s, s.ipName, s.vpc, s.cidrs);
    if (!eip || !inner) continue;
    const rules = pairs(eip, inner.ips).map(([e, i]): NatSpec => ({ type: "snat", external_ip: e, logical_ip: i, external_ids: { ovn_snat: s.name, ovn_eip: s.ovnEip } }));
    if (rules.length === 0) ctx.issue(s, "spec.ovnEip", { kind: "bad-value", value: s.ovnEip, reason: "the EIP and the internal addresses have no family in common" });
    else snats.push({ object: s, vpc: inner.vpc, rules });
  }
  // Two SNAT rules of one router for the same logical IP: OVN keeps one.
  const snatKeys = new Map<string, string>();
  for (const s of snats)
    for (const r of s.rules) {
      const k = `${s.vpc}\u0000${r.logical_ip}`;
      const other = snatKeys.get(k);
      if (other !== undefined && other !== s.object.name) ctx.issue(s.object, "spec", { kind: "bad-value", value: r.logical_ip, reason: `ovnsnatrule/${other} already SNATs ${r.logical_ip} on VPC ${s.vpc}` });
      snatKeys.set(k, s.object.name);
    }

  const dnats: { object: OvnDnatRuleObject; vpc: string; protocol: "tcp" | "udp"; vips: Record<string, string> }[] = [];
  const dnatPorts = new Map<string, string>();
  for (const d of ctx.dnats) {
    const eip = eipOf(d);
    const inner = internal(d, d.ipName, d.vpc, d.ips);
    if (!eip || !inner) continue;
    const k = `${d.ovnEip}\u0000${d.protocol}\u0000${d.externalPort}`;
    const other = dnatPorts.get(k);
    if (other !== undefined) {
      ctx.issue(d, "spec.externalPort", { kind: "bad-value", value: String(d.externalPort), reason: `ovndnatrule/${other} already uses ${d.protocol} port ${d.externalPort} of EIP ${d.ovnEip}` });
      continue;
    }
    dnatPorts.set(k, d.name);
    const hostPort = (ip: string, p: number) => (ip.includes(":") ? `[${ip}]:${p}` : `${ip}:${p}`);
    const vips: Record<string, string> = {};
    for (const [e, i] of pairs(eip, inner.ips)) vips[hostPort(e, d.externalPort)] = hostPort(i, d.internalPort);
    dnats.push({ object: d, vpc: inner.vpc, protocol: d.protocol, vips });
  }
  return { eips: ctx.eips, externals: ctx.externals, fips, snats, dnats };
}
