/**
 * Core `v1` `Service` of type `ClusterIP`, as Kube-OVN's endpoint controller programs it
 * (pkg/controller/endpoint_slice.go, vpc.go, init.go `initLB`): per VPC six load balancers —
 * `cluster-tcp-loadbalancer`, `cluster-udp-loadbalancer`, `cluster-sctp-loadbalancer` and their
 * `-session-` variants (`selection_fields` ip_src(,ipv6_src), `options:affinity_timeout=10800`)
 * for the default VPC, `vpc-NAME-tcp-load`, `vpc-NAME-tcp-sess-load`, ... for the others — attached
 * to every switch of the VPC; each cluster IP and port a VIP `IP:PORT` on the load balancer of its
 * protocol (the session one with `sessionAffinity: ClientIP`) whose backends are the selected
 * pods' `IP:TARGETPORT` (a named target port looked up in each pod's container ports), sorted.
 *
 * @module
 */
import { onlyKeys } from "../../ovn/controller/index.js";
import { ipFamily } from "../../ovn/net.js";
import type { ManifestIssue, ManifestProblem } from "../errors.js";
import { DEFAULT_VPC } from "../naming.js";
import type { ObjectAction } from "../planner.js";
import type { ModelUnit } from "./common.js";
import type { ResolvedPod } from "../resolve.js";
import type { NamespaceObject, Source } from "../types.js";
import type { KindReader } from "../load.js";
import { type DocumentAccess, Fields } from "./fields.js";

/** Kube-OVN's `DefaultServiceSessionStickinessTimeout` (seconds), the session load balancers' `options:affinity_timeout`. */
export const SERVICE_SESSION_TIMEOUT = 10800;

/** The protocols of a service port. */
export type ServiceProtocol = "TCP" | "UDP" | "SCTP";

/** A port of a service. */
export interface ServicePort {
  /** `name` (required when the service has several ports). */
  readonly name: string | undefined;
  /** `protocol` (default TCP). */
  readonly protocol: ServiceProtocol;
  /** `port`. */
  readonly port: number;
  /** `targetPort`: a number, a container port name; defaults to `port`. */
  readonly targetPort: number | string;
  /** The field path, for messages. */
  readonly field: string;
}

/** A core `Service` (`v1`) of type `ClusterIP`. */
export interface ServiceObject {
  /** The kind. */
  readonly kind: "Service";
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `spec.clusterIPs` (or `spec.clusterIP`): one per family. */
  readonly clusterIPs: readonly string[];
  /** `spec.selector`. */
  readonly selector: Readonly<Record<string, string>>;
  /** `spec.ports`. */
  readonly ports: readonly ServicePort[];
  /** `spec.sessionAffinity: ClientIP`. */
  readonly sessionAffinity: boolean;
  /** Where it was read. */
  readonly source: Source;
}

/** The loader's reader of `v1` `Service`. */
export const SERVICE_READER: KindReader = {
  apiVersion: "v1",
  kind: "Service",
  metadata: ["namespace", "labels", "annotations"],
  namespaced: true,
  read(r, name, _labels, _source, namespace) {
    r.only([], ["apiVersion", "kind", "metadata", "spec"]);
    return readService(r, { name, namespace: namespace ?? "default", annotations: r.stringMap(["metadata", "annotations"]) });
  },
};

/** Reads a Service document (the loader has checked apiVersion, kind and metadata). */
export function readService(doc: DocumentAccess, meta: { readonly name: string; readonly namespace: string; readonly annotations: Readonly<Record<string, string>> }): ServiceObject | undefined {
  const f = new Fields(doc);
  const s = ["spec"];
  f.only(s, ["type", "clusterIP", "clusterIPs", "selector", "ports", "sessionAffinity", "ipFamilies", "ipFamilyPolicy"]);
  const type = f.str([...s, "type"]);
  if (type !== undefined && type !== "ClusterIP") f.issue([...s, "type"], { kind: "unsupported-value", value: type, reason: "only ClusterIP services are supported (no node ports, no external load balancers)" });
  const one = f.str([...s, "clusterIP"]);
  const many = f.strings([...s, "clusterIPs"]);
  if (one === "None") {
    f.issue([...s, "clusterIP"], { kind: "unsupported-value", value: one, reason: "a headless service has no load balancer" });
    return undefined;
  }
  const ips = many.length ? many : one !== undefined ? [one] : [];
  if (ips.length === 0) f.issue([...s, "clusterIP"], { kind: "missing-field" });
  if (one !== undefined && many.length && many[0] !== one) f.issue([...s, "clusterIPs"], { kind: "bad-value", value: many.join(","), reason: `clusterIPs[0] must equal clusterIP ${one}` });
  ips.forEach((ip, i) => {
    if (ipFamily(ip) === undefined || ip.includes("/")) f.issue(many.length ? [...s, "clusterIPs", String(i)] : [...s, "clusterIP"], { kind: "bad-value", value: ip, reason: "not an IP address" });
  });
  if (ips.length === 2 && ipFamily(ips[0]!) === ipFamily(ips[1]!)) f.issue([...s, "clusterIPs"], { kind: "bad-value", value: ips.join(","), reason: "two cluster IPs of one family" });
  if (ips.length > 2) f.issue([...s, "clusterIPs"], { kind: "bad-value", value: ips.join(","), reason: "at most one IPv4 and one IPv6 address" });
  const fams = f.strings([...s, "ipFamilies"]);
  fams.forEach((x, i) => {
    const want = ips[i] === undefined ? undefined : ipFamily(ips[i]!) === 4 ? "IPv4" : "IPv6";
    if (x !== "IPv4" && x !== "IPv6") f.issue([...s, "ipFamilies", String(i)], { kind: "bad-value", value: x, reason: "expected IPv4 or IPv6" });
    else if (want !== x) f.issue([...s, "ipFamilies", String(i)], { kind: "bad-value", value: x, reason: `clusterIPs[${i}] is ${want ?? "absent"}` });
  });
  f.oneOf([...s, "ipFamilyPolicy"], ["SingleStack", "PreferDualStack", "RequireDualStack"] as const);
  if (!f.has([...s, "selector"])) f.issue([...s, "selector"], { kind: "unsupported-value", value: "", reason: "a service without a selector needs EndpointSlices, which the model does not have" });
  const selector = f.stringMap([...s, "selector"]);
  const affinity = f.oneOf([...s, "sessionAffinity"], ["None", "ClientIP"] as const);
  const list = f.list([...s, "ports"]) ?? [];
  if (list.length === 0) f.issue([...s, "ports"], { kind: "missing-field" });
  const ports: ServicePort[] = [];
  const seen = new Set<string>();
  list.forEach((_, i) => {
    const p = [...s, "ports", String(i)];
    f.only(p, ["name", "protocol", "port", "targetPort"]);
    const name = f.str([...p, "name"]);
    if (name === undefined && list.length > 1) f.issue([...p, "name"], { kind: "missing-field" });
    if (name !== undefined && seen.has(`name:${name}`)) f.issue([...p, "name"], { kind: "bad-value", value: name, reason: "two ports of the service have this name" });
    const protocol = f.oneOf([...p, "protocol"], ["TCP", "UDP", "SCTP"] as const) ?? "TCP";
    const port = f.int([...p, "port"], 1, 65535, true);
    if (port !== undefined && seen.has(`${protocol}:${port}`)) f.issue([...p, "port"], { kind: "bad-value", value: String(port), reason: `two ${protocol} ports ${port}` });
    const raw = doc.get([...p, "targetPort"]);
    let targetPort: number | string | undefined = port;
    if (typeof raw === "number") targetPort = f.int([...p, "targetPort"], 1, 65535);
    else if (typeof raw === "string") {
      if (/^[0-9]+$/.test(raw)) targetPort = Number(raw);
      else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw) || raw.length > 15) f.issue([...p, "targetPort"], { kind: "bad-value", value: raw, reason: "not a port name (IANA_SVC_NAME)" });
      else targetPort = raw;
    } else if (raw !== undefined && raw !== null) f.issue([...p, "targetPort"], { kind: "bad-value", value: JSON.stringify(raw), reason: "expected a port number or name" });
    if (name !== undefined) seen.add(`name:${name}`);
    if (port !== undefined) seen.add(`${protocol}:${port}`);
    if (port !== undefined && targetPort !== undefined) ports.push({ name, protocol, port, targetPort, field: p.join(".") });
  });
  const supported: readonly string[] = [];
  for (const k of Object.keys(meta.annotations)) if (k.startsWith("ovn.kubernetes.io/") && !supported.includes(k)) f.issue(["metadata", "annotations", k], { kind: "unsupported-field" });
  return { kind: "Service", name: meta.name, namespace: meta.namespace, clusterIPs: ips, selector, ports, sessionAffinity: affinity === "ClientIP", source: doc.source() };
}

// ---- naming --------------------------------------------------------------------------------

/** The six load balancers of a VPC, by protocol and session affinity (Kube-OVN `GenVpcLoadBalancer`). */
export interface VpcLoadBalancers {
  /** Without session affinity, by protocol. */
  readonly plain: Readonly<Record<ServiceProtocol, string>>;
  /** With session affinity (ClientIP), by protocol. */
  readonly session: Readonly<Record<ServiceProtocol, string>>;
}

/** Kube-OVN's load balancer names for `vpc`: `cluster-tcp-loadbalancer`, ... for the default VPC, `vpc-NAME-tcp-load`, ... otherwise. */
export function vpcLoadBalancers(vpc: string): VpcLoadBalancers {
  if (vpc === DEFAULT_VPC)
    return {
      plain: { TCP: "cluster-tcp-loadbalancer", UDP: "cluster-udp-loadbalancer", SCTP: "cluster-sctp-loadbalancer" },
      session: { TCP: "cluster-tcp-session-loadbalancer", UDP: "cluster-udp-session-loadbalancer", SCTP: "cluster-sctp-session-loadbalancer" },
    };
  return {
    plain: { TCP: `vpc-${vpc}-tcp-load`, UDP: `vpc-${vpc}-udp-load`, SCTP: `vpc-${vpc}-sctp-load` },
    session: { TCP: `vpc-${vpc}-tcp-sess-load`, UDP: `vpc-${vpc}-udp-sess-load`, SCTP: `vpc-${vpc}-sctp-sess-load` },
  };
}

/** Every load balancer name of `vpc`, in Kube-OVN's creation order. */
export function vpcLoadBalancerNames(vpc: string): string[] {
  const l = vpcLoadBalancers(vpc);
  return [l.plain.TCP, l.session.TCP, l.plain.UDP, l.session.UDP, l.plain.SCTP, l.session.SCTP];
}

/** `IP:PORT`, with brackets for IPv6 (Go's `net.JoinHostPort`). */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

// ---- resolution ----------------------------------------------------------------------------

/** A service with its VPC and VIPs worked out. */
export interface ResolvedService {
  /** The object. */
  readonly object: ServiceObject;
  /** Its VPC (that of its backend pods). */
  readonly vpc: string;
  /** Its VIPs: load balancer, `IP:PORT`, and backends (`IP:PORT,...`, sorted). */
  readonly vips: readonly { readonly lb: string; readonly vip: string; readonly backends: string }[];
}

/**
 * Resolves `svc` against the model's pods: its backends are the pods of its namespace matching
 * its selector (an error when none does), its VPC theirs (an error when they are in several).
 * `byNamespace` and `byLabel` (`KEY=VALUE`, see `podsByLabel`) index `pods` when given, so that
 * a hundred services over ten thousand pods look only at the pods their selector names.
 */
export function resolveService(
  svc: ServiceObject,
  pods: readonly ResolvedPod[],
  namespaces: ReadonlyMap<string, NamespaceObject>,
  vpcOfSubnet: (subnet: string) => string,
  issues: ManifestIssue[],
  byNamespace?: ReadonlyMap<string, readonly ResolvedPod[]>,
  byLabel?: ReadonlyMap<string, readonly ResolvedPod[]>,
): ResolvedService | undefined {
  const before = issues.length;
  const issue = (field: string, problem: ManifestProblem) => issues.push({ source: svc.source, object: { kind: "Service", name: `${svc.namespace}/${svc.name}` }, field, problem });
  if (!namespaces.has(svc.namespace)) issue("metadata.namespace", { kind: "unknown-reference", refKind: "Namespace", name: svc.namespace });
  const sel = Object.entries(svc.selector);
  // With the pods indexed by label, only those carrying the selector's first label are looked at
  // (in the model's order, as the namespace's list would give them).
  const first = sel[0];
  const candidates = byLabel && first ? (byLabel.get(`${first[0]}=${first[1]}`) ?? []) : undefined;
  const inNs = candidates ?? (byNamespace ? (byNamespace.get(svc.namespace) ?? []) : pods);
  const backends: ResolvedPod[] = [];
  // (indexed loops: this runs a hundred times over a hundred pods each, mostly before it is optimized, where `for...of` allocates)
  const selKeys = sel.map((e) => e[0]);
  const selValues = sel.map((e) => e[1]);
  for (let i = 0; i < inNs.length; i++) {
    const p = inNs[i]!;
    if (p.object.namespace !== svc.namespace) continue;
    const labels = p.object.labels;
    let all = true;
    for (let j = 0; j < selKeys.length; j++) if (labels[selKeys[j]!] !== selValues[j]) all = false;
    if (all) backends.push(p);
  }
  if (backends.length === 0) issue("spec.selector", { kind: "selector-matches-nothing", selector: sel.length ? sel.map(([k, v]) => `${k}=${v}`).join(",") : "{}", what: "pods" });
  // The backends' VPCs, in the order first seen (one subnet after another is the common case).
  const vpcs: string[] = [];
  let lastSubnet: string | undefined;
  for (let i = 0; i < backends.length; i++) {
    const p = backends[i]!;
    if (p.subnet === lastSubnet) continue;
    lastSubnet = p.subnet;
    const v = vpcOfSubnet(p.subnet);
    if (!vpcs.includes(v)) vpcs.push(v);
  }
  if (vpcs.length > 1) issue("spec.selector", { kind: "bad-value", value: sel.map(([k, v]) => `${k}=${v}`).join(","), reason: `the selected pods are in several VPCs (${vpcs.join(", ")})` });
  // Each port's target on each backend (a named port is looked up once per backend, not once per cluster IP).
  const targets = svc.ports.map((port) => (typeof port.targetPort === "number" ? port.targetPort : namedTargets(backends, port.targetPort, port.protocol)));
  svc.ports.forEach((p, i) => {
    const t = targets[i]!;
    if (typeof t !== "number" && backends.length > 0 && t.every((x) => x === undefined)) issue(`${p.field}.targetPort`, { kind: "bad-value", value: String(p.targetPort), reason: `no selected pod has a ${p.protocol} container port named ${p.targetPort}` });
  });
  if (issues.length > before) return undefined;
  const vpc = vpcs[0]!;
  const lbs = vpcLoadBalancers(vpc);
  const vips: { lb: string; vip: string; backends: string }[] = [];
  const lbOf = svc.sessionAffinity ? lbs.session : lbs.plain;
  for (const ip of svc.clusterIPs) {
    const v6 = ip.includes(":");
    // The backends' addresses of the VIP's family, with the separator from the port (`IP:`, `[IP]:`).
    const hosts: (string | undefined)[] = new Array<string | undefined>(backends.length);
    for (let k = 0; k < backends.length; k++) {
      let h: string | undefined;
      const ips = backends[k]!.ips;
      for (let j = 0; j < ips.length; j++) {
        const a = ips[j]!;
        if (a.includes(":") === v6) {
          h = v6 ? `[${a}]:` : `${a}:`;
          break;
        }
      }
      hosts[k] = h;
    }
    // Sorted once: with one target port for every backend, `HOST:PORT` sorts as `HOST:` does
    // (a host text has its `:` only at its end, so none is a prefix of another).
    let sorted: string[] | undefined;
    // A pod has one address per family, so one entry per backend at most.
    svc.ports.forEach((port, i) => {
      const target = targets[i]!;
      const same = typeof target === "number" ? target : target.every((t) => t !== undefined && t === target[0]) ? target[0] : undefined;
      let backends: string;
      if (same !== undefined) {
        sorted ??= hosts.filter((h): h is string => h !== undefined).sort();
        backends = sorted.length ? `${sorted.join(`${same},`)}${same}` : "";
      } else {
        const list: string[] = [];
        for (let k = 0; k < hosts.length; k++) {
          const h = hosts[k];
          // as the endpoint controller: a pod without the named port is no endpoint of it
          const t = typeof target === "number" ? target : target[k];
          if (h !== undefined && t !== undefined) list.push(h + t);
        }
        backends = list.sort().join(",");
      }
      // Kube-OVN adds no VIP without backends.
      if (backends !== "") vips.push({ lb: lbOf[port.protocol], vip: joinHostPort(ip, port.port), backends });
    });
  }
  return { object: svc, vpc, vips };
}

/** The container port named `name` (of `protocol`) of each backend, undefined where it has none (the first of that name, as `find` gives it). */
function namedTargets(backends: readonly ResolvedPod[], name: string, protocol: ServiceProtocol): (number | undefined)[] {
  const out = new Array<number | undefined>(backends.length);
  for (let k = 0; k < backends.length; k++) {
    let t: number | undefined;
    const ports = backends[k]!.object.containerPorts;
    if (ports !== undefined)
      for (let j = 0; j < ports.length; j++) {
        const c = ports[j]!;
        if (c.name === name && c.protocol === protocol) {
          t = c.containerPort;
          break;
        }
      }
    out[k] = t;
  }
  return out;
}

// ---- planning ------------------------------------------------------------------------------

/**
 * The load balancers a VPC with services gets, as Kube-OVN's `initLB` creates them: `protocol`,
 * `options:prefer_local_backend=false`, the session ones `selection_fields` ip_src (and ipv6_src
 * where the schema has it) and `options:affinity_timeout`, the plain UDP one `options:ct_flush=true`.
 */
export function ensureVpcLoadBalancers(p: Parameters<ModelUnit["build"]>[0], vpc: string): void {
  const l = vpcLoadBalancers(vpc);
  // `ipv6_src` where the server's schema has it (not in NB 7.0); the bundled model's type may lack it.
  const fields = ((p.db.column("Load_Balancer", "selection_fields").type.key.enum ?? []).includes("ipv6_src") ? ["ip_src", "ipv6_src"] : ["ip_src"]) as ["ip_src"];
  for (const proto of ["TCP", "UDP", "SCTP"] as const) {
    const protocol = proto === "TCP" ? "tcp" : proto === "UDP" ? "udp" : "sctp";
    p.ensureLoadBalancer(l.plain[proto], { protocol, options: { prefer_local_backend: "false", ...(proto === "UDP" ? { ct_flush: "true" } : {}) } });
    p.ensureLoadBalancer(l.session[proto], { protocol, selection_fields: fields, options: { affinity_timeout: String(SERVICE_SESSION_TIMEOUT), prefer_local_backend: "false" } });
  }
}

/** The plan reference of a load balancer (created in this plan, or in the replica). */
export function loadBalancerRef(p: Parameters<ModelUnit["build"]>[0], name: string): string | undefined {
  return p.pending("Load_Balancer", name) ?? (p.db.byName("Load_Balancer", name)?.["_uuid"] as string | undefined);
}

/** The `external_ids` key prefix of the record a load balancer keeps of each service's VIPs on it (`service/NAMESPACE/NAME` = `VIP,VIP`; the model's addition). */
export const SERVICE_RECORD_PREFIX = "service/";

/** The `external_ids` key recording the VIPs of service `namespace/name` on a load balancer. */
export function serviceRecordKey(namespace: string, name: string): string {
  return `${SERVICE_RECORD_PREFIX}${namespace}/${name}`;
}

/** The VIPs a load balancer row records for each service (`NAMESPACE/NAME` → VIPs). */
export function serviceRecords(row: { readonly [column: string]: unknown } | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const ext = row?.["external_ids"] as ReadonlyMap<string, string> | undefined;
  for (const [k, v] of ext ?? []) if (k.startsWith(SERVICE_RECORD_PREFIX)) out.set(k.slice(SERVICE_RECORD_PREFIX.length), v === "" ? [] : v.split(","));
  return out;
}

/** The VIPs `row` records under `key` (one service's), or undefined. */
function recordOf(row: { readonly [column: string]: unknown } | undefined, key: string): string[] | undefined {
  const v = (row?.["external_ids"] as ReadonlyMap<string, string> | undefined)?.get(key);
  return v === undefined ? undefined : v === "" ? [] : v.split(",");
}

/**
 * The planner's unit for one service: its VIPs set key by key on its VPC's load balancers, with
 * the record of which VIPs are the service's (`external_ids:service/NAMESPACE/NAME`), so a VIP the
 * service no longer has is removed with it (`configured`) and a removed service's VIPs are
 * reported as `service/NAMESPACE/NAME deleted` by `--prune`.
 */
export function serviceUnit(svc: ResolvedService): ModelUnit {
  const byLb = new Map<string, Record<string, string>>();
  for (const v of svc.vips) byLb.set(v.lb, { ...byLb.get(v.lb), [v.vip]: v.backends });
  const key = serviceRecordKey(svc.object.namespace, svc.object.name);
  const id = `${svc.object.namespace}/${svc.object.name}`;
  const listOf = (vips: Record<string, string> | undefined) => Object.keys(vips ?? {}).sort().join(",");
  return {
    ref: `service/${id}`,
    weight: 2 + 2 * svc.vips.length,
    primary: ["Load_Balancer", ""],
    build: (p) => {
      for (const lb of vpcLoadBalancerNames(svc.vpc)) {
        const want = byLb.get(lb);
        const row = p.db.byName("Load_Balancer", lb);
        const had = row && p.db.owns(row) ? recordOf(row, key) : undefined;
        if (want === undefined && had === undefined) continue;
        // VIPs the service had here and no longer has go with it.
        const gone = (had ?? []).filter((v) => want?.[v] === undefined);
        p.ensureLoadBalancer(lb, {
          vips: onlyKeys({ ...Object.fromEntries(gone.map((v) => [v, undefined])), ...want }),
          external_ids: onlyKeys({ [key]: want ? listOf(want) : undefined }),
        } as Parameters<typeof p.ensureLoadBalancer>[1]);
      }
    },
    outcome: (ctl): ObjectAction => {
      let present = 0;
      let same = 0;
      for (const v of svc.vips) {
        const row = ctl.db.byName("Load_Balancer", v.lb);
        const cur = (row?.["vips"] as ReadonlyMap<string, string> | undefined)?.get(v.vip);
        if (cur !== undefined) present++;
        if (cur === v.backends) same++;
      }
      if (present === 0) return "created";
      // The records must list exactly the service's VIPs on each of its VPC's load balancers.
      const recorded = vpcLoadBalancerNames(svc.vpc).every((lb) => (recordOf(ctl.db.byName("Load_Balancer", lb), key)?.join(",") ?? "") === listOf(byLb.get(lb)));
      return same === svc.vips.length && recorded ? "unchanged" : "configured";
    },
    attributionTable: "Load_Balancer",
    attribution: () => (s) => s.table === "Load_Balancer" && byLb.has(s.key) && (s.kind === "create" || (s.kind === "update" && s.columns.includes("vips"))),
  };
}
