/**
 * `networking.k8s.io/v1` `NetworkPolicy`, compiled as Kube-OVN's controller compiles it
 * (pkg/controller/network_policy.go, pkg/ovs/ovn-nb-acl.go): a port group per policy named
 * `NAME.NAMESPACE` (dashes as dots; `np` prefixed to a name not starting with a letter) holding
 * the selected pods' ports; per rule and IP family an allow and an except address set
 * (`NAME.NAMESPACE.ingress.allow.IPv4.0`, ...) holding the peers' pod IPs (or `0.0.0.0/0` / `::/0`
 * for a rule without peers); ACLs on the port group, tier 2 where the schema has `tier`: a default
 * drop at 2000 (named `NAMESPACE/NAME`, logged with severity warning when the policy has
 * `ovn.kubernetes.io/enable_log: "true"`), one allow-related at 2001 per rule and port
 * (`np/NAME.NAMESPACE/ingress/IPv4/0`, `.../ipBlock` for the rule's ipBlock peers with their
 * `except` inline), egress ACLs with `options:apply-after-lb=true`, and the ICMPv6 allow-stateless
 * pair when an IPv6 subnet is involved.
 *
 * @module
 */
import { ipFamily } from "../../ovn/net.js";
import type { ManifestIssue, ManifestProblem } from "../errors.js";
import type { ModelUnit } from "./common.js";
import type { ResolvedPod, ResolvedSubnet } from "../resolve.js";
import type { NamespaceObject, Source } from "../types.js";
import type { KindReader } from "../load.js";
import { type DocumentAccess, Fields } from "./fields.js";
import { type LabelSelector, readSelector, selectorMatches, selectorText } from "./selector.js";

/** The NetworkPolicy annotations the model supports (Kube-OVN's `NetworkPolicyLogAnnotation`, `ACLActionsLogAnnotation`). */
export const NETWORK_POLICY_ANNOTATIONS = {
  enableLog: "ovn.kubernetes.io/enable_log",
  logAclActions: "ovn.kubernetes.io/log_acl_actions",
} as const;

/** The label the API server puts on every namespace (its name), matched by namespace selectors. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Kube-OVN's NetworkPolicy ACL priorities (pkg/util/const.go `IngressAllowPriority`, `IngressDefaultDrop`, ...). */
export const NETWORK_POLICY_PRIORITY = { allow: 2001, defaultDrop: 2000 } as const;

/** The `external_ids` key Kube-OVN puts on a policy's port group and address sets (`networkPolicyKey`). */
export const NETWORK_POLICY_KEY = "np";

/** A port of a rule (`NetworkPolicyPort`). */
export interface PolicyPort {
  /** `protocol` (default TCP). */
  readonly protocol: "TCP" | "UDP" | "SCTP";
  /** `port`: a number, a container port name, or undefined for every port. */
  readonly port: number | string | undefined;
  /** `endPort` (with a numeric `port`). */
  readonly endPort: number | undefined;
  /** The field path, for messages. */
  readonly field: string;
}

/** A peer of a rule (`NetworkPolicyPeer`). */
export interface PolicyPeer {
  /** `podSelector`. */
  readonly podSelector: LabelSelector | undefined;
  /** `namespaceSelector`. */
  readonly namespaceSelector: LabelSelector | undefined;
  /** `ipBlock`. */
  readonly ipBlock: { readonly cidr: string; readonly except: readonly string[] } | undefined;
  /** The field path, for messages. */
  readonly field: string;
}

/** An ingress or egress rule. */
export interface PolicyRule {
  /** `from` / `to` (empty: every address). */
  readonly peers: readonly PolicyPeer[];
  /** `ports` (empty: every port). */
  readonly ports: readonly PolicyPort[];
}

/** A `NetworkPolicy` (`networking.k8s.io/v1`). */
export interface NetworkPolicyObject {
  /** The kind. */
  readonly kind: "NetworkPolicy";
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** `spec.podSelector`. */
  readonly podSelector: LabelSelector;
  /** Whether the policy isolates ingress (`policyTypes`, defaulted as the API server does). */
  readonly isolatesIngress: boolean;
  /** Whether the policy isolates egress. */
  readonly isolatesEgress: boolean;
  /** `spec.ingress`. */
  readonly ingress: readonly PolicyRule[];
  /** `spec.egress`. */
  readonly egress: readonly PolicyRule[];
  /** `ovn.kubernetes.io/enable_log: "true"`. */
  readonly logEnabled: boolean;
  /** `ovn.kubernetes.io/log_acl_actions` (default `drop`). */
  readonly logActions: readonly ("drop" | "allow")[];
  /** Where it was read. */
  readonly source: Source;
}

function ports(f: Fields, path: string[]): PolicyPort[] {
  const out: PolicyPort[] = [];
  (f.list(path) ?? []).forEach((_, i) => {
    const p = [...path, String(i)];
    f.only(p, ["protocol", "port", "endPort"]);
    const protocol = f.oneOf([...p, "protocol"], ["TCP", "UDP", "SCTP"] as const) ?? "TCP";
    const raw = f.doc.get([...p, "port"]);
    let port: number | string | undefined;
    if (typeof raw === "number") port = f.int([...p, "port"], 1, 65535);
    else if (typeof raw === "string") {
      if (/^[0-9]+$/.test(raw)) f.issue([...p, "port"], { kind: "bad-value", value: raw, reason: "a port number is written without quotes; a named port is a name" });
      else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw) || raw.length > 15) f.issue([...p, "port"], { kind: "bad-value", value: raw, reason: "not a port name (IANA_SVC_NAME)" });
      else port = raw;
    } else if (raw !== undefined && raw !== null) f.issue([...p, "port"], { kind: "bad-value", value: JSON.stringify(raw), reason: "expected a port number or name" });
    const endPort = f.int([...p, "endPort"], 1, 65535);
    if (endPort !== undefined && typeof port !== "number") f.issue([...p, "endPort"], { kind: "bad-value", value: String(endPort), reason: "endPort needs a numeric port" });
    else if (endPort !== undefined && typeof port === "number" && endPort < port) f.issue([...p, "endPort"], { kind: "bad-value", value: String(endPort), reason: `endPort is below port ${port}` });
    out.push({ protocol, port, endPort: typeof port === "number" ? endPort : undefined, field: p.join(".") });
  });
  return out;
}

function cidrOk(s: string): boolean {
  const m = /^(.+)\/(\d+)$/.exec(s);
  if (!m) return false;
  const fam = ipFamily(m[1]!);
  return fam !== undefined && Number(m[2]) <= (fam === 4 ? 32 : 128);
}

function peers(f: Fields, path: string[]): PolicyPeer[] {
  const out: PolicyPeer[] = [];
  (f.list(path) ?? []).forEach((_, i) => {
    const p = [...path, String(i)];
    f.only(p, ["podSelector", "namespaceSelector", "ipBlock"]);
    const podSelector = readSelector(f, [...p, "podSelector"]);
    const namespaceSelector = readSelector(f, [...p, "namespaceSelector"]);
    let ipBlock: PolicyPeer["ipBlock"];
    if (f.map([...p, "ipBlock"])) {
      const b = [...p, "ipBlock"];
      f.only(b, ["cidr", "except"]);
      const cidr = f.str([...b, "cidr"], true);
      const except = f.strings([...b, "except"]);
      if (cidr !== undefined && !cidrOk(cidr)) f.issue([...b, "cidr"], { kind: "bad-value", value: cidr, reason: "not an IPv4 or IPv6 CIDR" });
      except.forEach((e, j) => {
        if (!cidrOk(e)) f.issue([...b, "except", String(j)], { kind: "bad-value", value: e, reason: "not an IPv4 or IPv6 CIDR" });
        else if (cidr !== undefined && cidrOk(cidr) && !cidrContains(cidr, e)) f.issue([...b, "except", String(j)], { kind: "bad-value", value: e, reason: `not inside ipBlock.cidr ${cidr}` });
      });
      if ((podSelector || namespaceSelector) && cidr) f.issue(b, { kind: "bad-value", value: cidr, reason: "ipBlock cannot be combined with podSelector or namespaceSelector in one peer" });
      if (cidr !== undefined) ipBlock = { cidr, except };
    }
    if (!podSelector && !namespaceSelector && !f.has([...p, "ipBlock"])) f.issue(p, { kind: "missing-field" });
    out.push({ podSelector, namespaceSelector, ipBlock, field: p.join(".") });
  });
  return out;
}

/** The loader's reader of `networking.k8s.io/v1` `NetworkPolicy`. */
export const NETWORK_POLICY_READER: KindReader = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: ["namespace", "labels", "annotations"],
  namespaced: true,
  read(r, name, _labels, _source, namespace) {
    r.only([], ["apiVersion", "kind", "metadata", "spec"]);
    return readNetworkPolicy(r, { name, namespace: namespace ?? "default", annotations: r.stringMap(["metadata", "annotations"]) });
  },
};

/** Reads a NetworkPolicy document (the loader has checked apiVersion, kind and metadata). */
export function readNetworkPolicy(doc: DocumentAccess, meta: { readonly name: string; readonly namespace: string; readonly annotations: Readonly<Record<string, string>> }): NetworkPolicyObject | undefined {
  const f = new Fields(doc);
  const s = ["spec"];
  f.only(s, ["podSelector", "policyTypes", "ingress", "egress"]);
  if (!f.has([...s, "podSelector"])) f.issue([...s, "podSelector"], { kind: "missing-field" });
  const podSelector = readSelector(f, [...s, "podSelector"]) ?? { matchLabels: {}, matchExpressions: [] };
  const types = f.strings([...s, "policyTypes"]);
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") f.issue([...s, "policyTypes", String(i)], { kind: "bad-value", value: t, reason: "expected Ingress or Egress" });
  });
  const rules = (dir: "ingress" | "egress"): PolicyRule[] =>
    (f.list([...s, dir]) ?? []).map((_, i) => {
      const p = [...s, dir, String(i)];
      const peerKey = dir === "ingress" ? "from" : "to";
      f.only(p, [peerKey, "ports"]);
      return { peers: peers(f, [...p, peerKey]), ports: ports(f, [...p, "ports"]) };
    });
  const ingress = rules("ingress");
  const egress = rules("egress");
  // The API server's defaulting: Ingress always, Egress when egress rules are given.
  const explicit = types.length > 0;
  const isolatesIngress = explicit ? types.includes("Ingress") || f.has([...s, "ingress"]) : true;
  const isolatesEgress = explicit ? types.includes("Egress") || f.has([...s, "egress"]) : f.has([...s, "egress"]);
  const ann = meta.annotations;
  const log = ann[NETWORK_POLICY_ANNOTATIONS.enableLog];
  const annPath = (k: string) => ["metadata", "annotations", k];
  if (log !== undefined && log !== "true" && log !== "false") f.issue(annPath(NETWORK_POLICY_ANNOTATIONS.enableLog), { kind: "bad-value", value: log, reason: 'expected "true" or "false"' });
  const actionsText = ann[NETWORK_POLICY_ANNOTATIONS.logAclActions];
  const logActions: ("drop" | "allow")[] = [];
  for (const a of (actionsText ?? "drop").split(",").map((x) => x.trim())) {
    if (a === "drop" || a === "allow") logActions.push(a);
    else f.issue(annPath(NETWORK_POLICY_ANNOTATIONS.logAclActions), { kind: "bad-value", value: actionsText ?? "", reason: "expected drop, allow or drop,allow" });
  }
  const supported: readonly string[] = Object.values(NETWORK_POLICY_ANNOTATIONS);
  for (const k of Object.keys(ann)) if (k.startsWith("ovn.kubernetes.io/") && !supported.includes(k)) f.issue(annPath(k), { kind: "unsupported-field" });
  return { kind: "NetworkPolicy", name: meta.name, namespace: meta.namespace, podSelector, isolatesIngress, isolatesEgress, ingress, egress, logEnabled: log === "true", logActions, source: doc.source() };
}

// ---- naming --------------------------------------------------------------------------------

/** The policy's name as Kube-OVN uses it in OVN names: `np` prefixed when it does not start with a letter. */
export function npName(name: string): string {
  return /^[A-Za-z]/.test(name) ? name : `np${name}`;
}

/** A policy's port group (Kube-OVN `npPortGroupName`): `NAME.NAMESPACE` with `-` as `.`. */
export function networkPolicyPortGroup(namespace: string, name: string): string {
  return `${npName(name)}.${namespace}`.replaceAll("-", ".");
}

// ---- resolution ----------------------------------------------------------------------------

type Family = "IPv4" | "IPv6";

/** One ACL as `NbPlan.setAcls` takes it. */
export interface PolicyAcl {
  /** Direction. */
  readonly direction: "to-lport" | "from-lport";
  /** Priority. */
  readonly priority: number;
  /** Match. */
  readonly match: string;
  /** Action. */
  readonly action: "drop" | "allow-related" | "allow-stateless";
  /** Name (absent for the ICMPv6 pair). */
  readonly name?: string;
  /** Logged. */
  readonly log: boolean;
  /** Severity (the logged default drop). */
  readonly severity?: "warning";
  /** Options (`apply-after-lb` on egress). */
  readonly options: Readonly<Record<string, string>>;
}

/** A policy with its selected ports, address sets and ACLs worked out. */
export interface ResolvedNetworkPolicy {
  /** The object. */
  readonly object: NetworkPolicyObject;
  /** Its port group. */
  readonly portGroup: string;
  /** The selected pods' ports. */
  readonly ports: readonly string[];
  /** Its address sets: name → addresses and direction. */
  readonly addressSets: ReadonlyMap<string, { readonly direction: "ingress" | "egress"; readonly addresses: readonly string[] }>;
  /** Its ACLs (without `tier`, which the planner adds where the schema has it). */
  readonly acls: readonly PolicyAcl[];
}

function toBig(ip: string): bigint | undefined {
  if (ip.includes(":")) {
    const [head, tail] = ip.split("::") as [string, string | undefined];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    if (tail === undefined && h.length !== 8) return undefined;
    const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    if (groups.length !== 8) return undefined;
    return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
  }
  const o = ip.split(".").map(Number);
  if (o.length !== 4 || o.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  return o.reduce((a, x) => (a << 8n) | BigInt(x), 0n);
}

/** Whether CIDR `inner` lies inside CIDR `outer` (same family). */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, ol] = outer.split("/") as [string, string];
  const [ia, il] = inner.split("/") as [string, string];
  const fo = ipFamily(oa);
  if (fo === undefined || fo !== ipFamily(ia) || Number(il) < Number(ol)) return false;
  const bits = fo === 4 ? 32n : 128n;
  const a = toBig(oa);
  const b = toBig(ia);
  if (a === undefined || b === undefined) return false;
  const shift = bits - BigInt(ol);
  return a >> shift === b >> shift;
}

function familyOf(addr: string): Family {
  return addr.includes(":") ? "IPv6" : "IPv4";
}

/** The context a policy is resolved in. */
export interface PolicyContext {
  /** Every resolved pod. */
  readonly pods: readonly ResolvedPod[];
  /** The namespaces by name. */
  readonly namespaces: ReadonlyMap<string, NamespaceObject>;
  /** The subnets by name. */
  readonly subnets: ReadonlyMap<string, ResolvedSubnet>;
  /** The pods by namespace (computed from `pods` when absent; give it when resolving many policies). */
  readonly byNamespace?: ReadonlyMap<string, readonly ResolvedPod[]>;
  /** The pods by label (`KEY=VALUE`), to narrow a peer's `podSelector` (computed when absent). */
  readonly byLabel?: ReadonlyMap<string, readonly ResolvedPod[]>;
}

/** The pods carrying each label, keyed `KEY=VALUE`. */
export function podsByLabel(pods: readonly ResolvedPod[]): Map<string, ResolvedPod[]> {
  const out = new Map<string, ResolvedPod[]>();
  // Pods mostly share their label objects (src/model/load-pod.ts): each object's keys are made once.
  let lastLabels: Readonly<Record<string, string>> | undefined;
  let lastKeys: string[] = [];
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i]!;
    const labels = p.object.labels;
    if (labels !== lastLabels) {
      lastLabels = labels;
      lastKeys = [];
      for (const k in labels) if (Object.prototype.hasOwnProperty.call(labels, k)) lastKeys.push(`${k}=${labels[k]!}`);
    }
    for (let j = 0; j < lastKeys.length; j++) {
      const key = lastKeys[j]!;
      const list = out.get(key);
      if (list) list.push(p);
      else out.set(key, [p]);
    }
  }
  return out;
}

/** The pods of each namespace. */
export function podsByNamespace(pods: readonly ResolvedPod[]): Map<string, ResolvedPod[]> {
  const out = new Map<string, ResolvedPod[]>();
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i]!;
    const list = out.get(p.object.namespace);
    if (list) list.push(p);
    else out.set(p.object.namespace, [p]);
  }
  return out;
}

/** {@link namedPorts} of each list of pods already seen (the policies of one namespace share its list). */
const namedPortsOf = new WeakMap<readonly ResolvedPod[], ReadonlyMap<string, number>>();

/** The container ports of `pods` by name (first declaration wins, as Kube-OVN's NamedPort map). */
function namedPorts(pods: readonly ResolvedPod[]): ReadonlyMap<string, number> {
  const known = namedPortsOf.get(pods);
  if (known) return known;
  const named = new Map<string, number>();
  for (let i = 0; i < pods.length; i++) {
    const ports = pods[i]!.object.containerPorts;
    if (ports === undefined) continue;
    for (let j = 0; j < ports.length; j++) {
      const c = ports[j]!;
      if (c.name !== undefined && !named.has(c.name)) named.set(c.name, c.containerPort);
    }
  }
  namedPortsOf.set(pods, named);
  return named;
}

/**
 * Resolves `np` against the model's pods and namespaces, as Kube-OVN's `handleUpdateNp` does;
 * a selector that matches nothing, or a named port no pod of the namespace declares, is an issue.
 */
export function resolveNetworkPolicy(np: NetworkPolicyObject, ctx: PolicyContext, issues: ManifestIssue[]): ResolvedNetworkPolicy | undefined {
  const before = issues.length;
  const issue = (field: string, problem: ManifestProblem) => issues.push({ source: np.source, object: { kind: "NetworkPolicy", name: `${np.namespace}/${np.name}` }, field, problem });
  if (!ctx.namespaces.has(np.namespace)) issue("metadata.namespace", { kind: "unknown-reference", refKind: "Namespace", name: np.namespace });
  const byNs = ctx.byNamespace ?? podsByNamespace(ctx.pods);
  let byLabel = ctx.byLabel;
  const inNs = byNs.get(np.namespace) ?? [];
  // With a label to match, only the pods carrying it are looked at (in the model's order, as the namespace's list gives them).
  const firstLabel = Object.entries(np.podSelector.matchLabels)[0];
  const among = firstLabel && ctx.byLabel ? (ctx.byLabel.get(`${firstLabel[0]}=${firstLabel[1]}`) ?? []).filter((p) => p.object.namespace === np.namespace) : inNs;
  const selected = among.filter((p) => selectorMatches(np.podSelector, p.object.labels));
  if (selected.length === 0) issue("spec.podSelector", { kind: "selector-matches-nothing", selector: selectorText(np.podSelector), what: "pods" });
  const named = namedPorts(inNs);
  const memo = new Map<PolicyPeer, ResolvedPod[] | undefined>();
  const podsOf = (peer: PolicyPeer): ResolvedPod[] | undefined => {
    if (!memo.has(peer)) memo.set(peer, peerPods(peer));
    return memo.get(peer);
  };
  const addrsOf = (peer: PolicyPeer, family: Family): string[] => {
    const out: string[] = [];
    const v6 = family === "IPv6";
    const pods = podsOf(peer) ?? [];
    for (let i = 0; i < pods.length; i++) {
      const ips = pods[i]!.ips;
      for (let j = 0; j < ips.length; j++) if (ips[j]!.includes(":") === v6) out.push(ips[j]!);
    }
    return out;
  };
  const peerPods = (peer: PolicyPeer): ResolvedPod[] | undefined => {
    let nss: string[];
    if (peer.namespaceSelector) {
      // The API server labels every namespace `kubernetes.io/metadata.name: NAME`; so does the model.
      nss = [...ctx.namespaces.values()].filter((n) => selectorMatches(peer.namespaceSelector!, { ...n.labels, [NAMESPACE_NAME_LABEL]: n.name })).map((n) => n.name);
      if (nss.length === 0) {
        issue(`${peer.field}.namespaceSelector`, { kind: "selector-matches-nothing", selector: selectorText(peer.namespaceSelector), what: "namespaces" });
        return undefined;
      }
    } else nss = [np.namespace];
    // Candidates: the pods of one of the selector's labels when it has some, else those of the namespaces.
    const first = peer.podSelector ? Object.entries(peer.podSelector.matchLabels)[0] : undefined;
    let candidates: readonly ResolvedPod[];
    if (first) {
      byLabel ??= podsByLabel(ctx.pods);
      const inSelected = new Set(nss);
      candidates = (byLabel.get(`${first[0]}=${first[1]}`) ?? []).filter((p) => inSelected.has(p.object.namespace));
    } else candidates = nss.flatMap((ns) => byNs.get(ns) ?? []);
    const pods = candidates.filter((p) => !peer.podSelector || selectorMatches(peer.podSelector, p.object.labels));
    if (pods.length === 0) {
      issue(peer.podSelector ? `${peer.field}.podSelector` : `${peer.field}.namespaceSelector`, { kind: "selector-matches-nothing", selector: selectorText(peer.podSelector ?? peer.namespaceSelector!), what: "pods" });
      return undefined;
    }
    return pods;
  };
  const checkPorts = (rules: readonly PolicyRule[]) => {
    for (const r of rules) for (const p of r.ports) if (typeof p.port === "string" && !named.has(p.port)) issue(`${p.field}.port`, { kind: "bad-value", value: p.port, reason: `no container port of namespace ${np.namespace} is named ${p.port}` });
  };
  checkPorts(np.ingress);
  checkPorts(np.egress);
  // Peers are checked once (for every family), so that a selector matching nothing is always reported.
  for (const r of [...np.ingress, ...np.egress]) for (const peer of r.peers) if (peer.podSelector || peer.namespaceSelector) podsOf(peer);
  if (issues.length > before) return undefined;

  const families = new Set<Family>();
  for (const p of selected) {
    const s = ctx.subnets.get(p.subnet);
    for (const c of s?.cidrs ?? []) families.add(familyOf(c));
  }
  const name = npName(np.name);
  const pg = networkPolicyPortGroup(np.namespace, np.name);
  const key = `${np.namespace}/${np.name}`;
  const addressSets = new Map<string, { direction: "ingress" | "egress"; addresses: string[] }>();
  const acls: PolicyAcl[] = [];
  const aclName = (n: string) => (n.length > 63 ? `${n.slice(0, 60)}...` : n);
  for (const dir of ["ingress", "egress"] as const) {
    if (!(dir === "ingress" ? np.isolatesIngress : np.isolatesEgress) || families.size === 0) continue;
    const ingress = dir === "ingress";
    const direction = ingress ? "to-lport" : "from-lport";
    const portSide = ingress ? "outport" : "inport";
    const srcDst = ingress ? "src" : "dst";
    const options: Record<string, string> = ingress ? {} : { "apply-after-lb": "true" };
    const all = `${portSide} == @${pg} && ip`;
    acls.push({
      direction,
      priority: NETWORK_POLICY_PRIORITY.defaultDrop,
      match: all,
      action: "drop",
      name: aclName(key),
      log: np.logEnabled,
      ...(np.logEnabled ? { severity: "warning" as const } : {}),
      options,
    });
    const logAllow = np.logEnabled && np.logActions.includes("allow");
    const prefix = (kind: "allow" | "except") => `${name}.${np.namespace}.${dir}.${kind}`.replaceAll("-", ".");
    const rules = ingress ? np.ingress : np.egress;
    for (const family of [...families].sort()) {
      const ipKey = `${family === "IPv4" ? "ip4" : "ip6"}.${srcDst}`;
      const portMatches = (base: string, ps: readonly PolicyPort[]): string[] =>
        ps.length === 0
          ? [base]
          : ps.flatMap((p) => {
              const proto = p.protocol.toLowerCase();
              if (p.port === undefined) return [`${base} && ${proto}`];
              const num = typeof p.port === "number" ? p.port : named.get(p.port)!;
              if (p.endPort === undefined) return [`${base} && ${proto}.dst == ${num}`];
              return [`${base} && ${num} <= ${proto}.dst <= ${p.endPort}`];
            });
      const push = (n: string, matches: string[]) => {
        for (const match of matches) acls.push({ direction, priority: NETWORK_POLICY_PRIORITY.allow, match, action: "allow-related", name: aclName(n), log: logAllow, options });
      };
      const asRule = (suffix: string, addresses: string[], ps: readonly PolicyPort[], n: string, withAcl: boolean) => {
        const allowAs = `${prefix("allow")}.${family}.${suffix}`;
        const exceptAs = `${prefix("except")}.${family}.${suffix}`;
        addressSets.set(allowAs, { direction: dir, addresses });
        addressSets.set(exceptAs, { direction: dir, addresses: [] });
        if (withAcl) push(n, portMatches(`${all} && ${ipKey} == $${allowAs} && ${ipKey} != $${exceptAs}`, ps));
      };
      rules.forEach((r, idx) => {
        const n = `np/${name}.${np.namespace}/${dir}/${family}/${idx}`;
        const selectorAllows = r.peers.length === 0 ? [family === "IPv4" ? "0.0.0.0/0" : "::/0"] : r.peers.filter((p) => p.podSelector || p.namespaceSelector).flatMap((p) => addrsOf(p, family));
        asRule(String(idx), selectorAllows, r.ports, n, selectorAllows.length > 0);
        const blocks = r.peers.flatMap((p) => (p.ipBlock && familyOf(p.ipBlock.cidr) === family ? [p.ipBlock] : []));
        if (blocks.length) {
          const per = blocks.map((b) => {
            const ex = b.except.filter((e) => familyOf(e) === family && cidrContains(b.cidr, e));
            return ex.length ? `${ipKey} == ${b.cidr} && ${ipKey} != {${ex.join(", ")}}` : `${ipKey} == ${b.cidr}`;
          });
          const l3 = per.length === 1 ? per[0]! : per.map((m) => (m.includes("&&") || m.includes("||") ? `(${m})` : m)).join(" || ");
          push(`${n}/ipBlock`, portMatches(`${all} && (${l3})`, r.ports));
        }
      });
      if (rules.length === 0) asRule("all", [], [], `np/${name}.${np.namespace}/${dir}/${family}/all`, true);
    }
  }
  if (families.has("IPv6")) {
    acls.push({ direction: "from-lport", priority: NETWORK_POLICY_PRIORITY.allow, match: "icmp6", action: "allow-stateless", log: false, options: { "apply-after-lb": "true" } });
    acls.push({ direction: "to-lport", priority: NETWORK_POLICY_PRIORITY.allow, match: "icmp6", action: "allow-stateless", log: false, options: {} });
  }
  return { object: np, portGroup: pg, ports: selected.map((p) => p.port).sort(), addressSets, acls };
}

/**
 * Kube-OVN writes `-` as `.` in port group and address set names, so `a-b` and `a.b` in one
 * namespace would share rows: the second such policy is an issue.
 */
export function checkPortGroupCollisions(nps: readonly NetworkPolicyObject[], issues: ManifestIssue[]): void {
  const first = new Map<string, NetworkPolicyObject>();
  for (const np of nps) {
    const pg = networkPolicyPortGroup(np.namespace, np.name);
    const other = first.get(pg);
    if (other === undefined) first.set(pg, np);
    else issues.push({ source: np.source, object: { kind: "NetworkPolicy", name: `${np.namespace}/${np.name}` }, field: "metadata.name", problem: { kind: "bad-value", value: np.name, reason: `its port group ${pg} is also that of networkpolicy/${other.namespace}/${other.name} (Kube-OVN writes - as .)` } });
  }
}

// ---- planning ------------------------------------------------------------------------------

/** The planner's unit for one policy: its port group (ports set exactly), address sets, ACLs (set exactly), stale address sets removed. */
export function networkPolicyUnit(np: ResolvedNetworkPolicy, netpolTier: number): ModelUnit {
  const key = `${np.object.namespace}/${npName(np.object.name)}`;
  const ref = `networkpolicy/${np.object.namespace}/${np.object.name}`;
  const asNames = new Set(np.addressSets.keys());
  return {
    ref,
    weight: 4 + np.ports.length + 3 * np.addressSets.size + 3 * np.acls.length,
    primary: ["Port_Group", np.portGroup],
    build: (p) => {
      for (const [name, as] of np.addressSets) p.setAddressSet(name, as.addresses, { external_ids: { [NETWORK_POLICY_KEY]: `${key}/${as.direction}` } });
      for (const dir of ["ingress", "egress"])
        for (const row of p.db.ownedByExternalId("Address_Set", NETWORK_POLICY_KEY, `${key}/${dir}`)) if (!asNames.has(row["name"] as string) && !p.isDeleted(row["_uuid"] as string)) p.remove("Address_Set", row);
      p.setPortGroupPorts(np.portGroup, np.ports, { external_ids: { [NETWORK_POLICY_KEY]: key } });
      const withTier = p.db.has("ACL", "tier");
      // Severity managed too (cleared when not logged), as Kube-OVN recreates the ACLs on every update.
      const acls = np.acls.map((a) => ({ ...a, severity: a.severity ?? [], ...(withTier ? { tier: netpolTier } : {}) }));
      p.setAcls({ portGroup: np.portGroup }, np.portGroup, acls as unknown as Parameters<typeof p.setAcls>[2]);
    },
  };
}

/** The policy a port group or address set of Kube-OVN's naming belongs to, from its `external_ids:np` (`NAMESPACE/NAME[/DIRECTION]`). */
export function networkPolicyRefOf(np: string): string {
  const [ns, name] = np.split("/") as [string, string | undefined];
  const n = name ?? "?";
  return `networkpolicy/${ns}/${/^np[^A-Za-z]/.test(n) ? n.slice(2) : n}`;
}
