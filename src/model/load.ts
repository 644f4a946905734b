/**
 * Reading manifests: multi-document YAML (the `yaml` package) from files and directories (the
 * `.yaml`, `.yml` and `.json` files of a directory, sorted, not recursive, as `kubectl apply -f`
 * does), turned into typed {@link ModelObject}s. Every field is checked: a field the model does
 * not support is an issue naming file, document, line, object and field, never ignored.
 *
 * @module
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Document, LineCounter, isMap, isNode, parseAllDocuments } from "yaml";
import { InvalidManifestError, type ManifestIssue, type ManifestProblem } from "./errors.js";
import { type DocumentAccess, type JsonValue, Fields, valueAt } from "./kinds/fields.js";
import { readNetworkPolicy } from "./kinds/network-policy.js";
import { POD_RATE_ANNOTATIONS, readQoSPolicy } from "./kinds/qos.js";
import { readService } from "./kinds/service.js";
import { type ContainerPort, type GatewayType, type Manifest, type ModelObject, NAMESPACED_KINDS, type PodObject, type Source, type SubnetObject, type SubnetProtocol } from "./types.js";

/** The annotation prefix Kube-OVN reads on pods. */
export const OVN_ANNOTATION_PREFIX = "ovn.kubernetes.io/";

/** The pod annotations the model supports. */
export const POD_ANNOTATIONS = {
  ipAddress: "ovn.kubernetes.io/ip_address",
  macAddress: "ovn.kubernetes.io/mac_address",
  logicalSwitch: "ovn.kubernetes.io/logical_switch",
  ...POD_RATE_ANNOTATIONS,
} as const;

/** Readers of the kinds defined under `src/model/kinds`, by `apiVersion/kind`. */
const KIND_READERS: { readonly [key: string]: (doc: DocumentAccess, meta: { name: string; namespace: string; annotations: Record<string, string> }) => ModelObject | undefined } = {
  "networking.k8s.io/v1/NetworkPolicy": readNetworkPolicy,
  "v1/Service": readService,
  "kubeovn.io/v1/QoSPolicy": readQoSPolicy,
};

/** The files `-f PATH` names: the file, or a directory's `.yaml`/`.yml`/`.json` files, sorted. */
export function manifestFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join(path, f));
}

/**
 * Reads and checks the manifests at `paths` (files or directories). Throws
 * {@link InvalidManifestError} with every issue found.
 */
export function loadManifests(paths: readonly string[]): Manifest {
  const issues: ManifestIssue[] = [];
  const objects: ModelObject[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = manifestFiles(p);
    } catch (e) {
      issues.push({ source: { file: p, document: 0, line: 0 }, problem: { kind: "unreadable", reason: (e as NodeJS.ErrnoException).code ?? String(e) } });
      continue;
    }
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, "utf8");
      } catch (e) {
        issues.push({ source: { file: f, document: 0, line: 0 }, problem: { kind: "unreadable", reason: (e as NodeJS.ErrnoException).code ?? String(e) } });
        continue;
      }
      const r = parseManifestText(text, f);
      objects.push(...r.objects);
      issues.push(...r.issues);
    }
  }
  if (issues.length) throw new InvalidManifestError(issues);
  return { objects };
}

/** Parses one file's text (multi-document YAML or JSON); returns the objects and the issues, without throwing. */
export function parseManifestText(text: string, file: string): { objects: ModelObject[]; issues: ManifestIssue[] } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
  const objects: ModelObject[] = [];
  const issues: ManifestIssue[] = [];
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) issues.push({ source: { file, document: 0, line: 0 }, problem: { kind: "yaml-syntax", reason: "empty stream" } });
  list.forEach((doc, index) => {
    if (doc.errors.length) {
      for (const e of doc.errors) issues.push({ source: { file, document: index, line: e.linePos?.[0].line ?? 0 }, problem: { kind: "yaml-syntax", reason: e.message.split("\n")[0]! } });
      return;
    }
    if (doc.contents === null) return; // an empty document (e.g. a trailing `---`)
    const r = new ObjectReader(doc, lc, file, index);
    const o = r.read();
    issues.push(...r.issues);
    if (o && r.issues.length === 0) objects.push(o);
  });
  return { objects, issues };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Reads one document into an object, collecting issues. */
class ObjectReader {
  readonly issues: ManifestIssue[] = [];
  private object: { kind: string; name: string } | undefined;
  private readonly js: Json;

  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
    private readonly file: string,
    private readonly index: number,
  ) {
    this.js = doc.toJS() as Json;
  }

  private lineOf(path: readonly string[]): number {
    const node = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    let n = isNode(node) ? node : undefined;
    // For a missing field, point at the closest parent present.
    for (let i = path.length - 1; !n && i >= 0; i--) {
      const p = i ? this.doc.getIn(path.slice(0, i), true) : this.doc.contents;
      if (isNode(p)) n = p;
    }
    const off = n?.range?.[0];
    return off === undefined ? 0 : this.lc.linePos(off).line;
  }

  private source(path: readonly string[] = []): Source {
    return { file: this.file, document: this.index, line: this.lineOf(path) };
  }

  private issue(path: readonly string[], problem: ManifestProblem): void {
    this.issues.push({ source: this.source(path), ...(this.object ? { object: this.object } : {}), ...(path.length ? { field: path.join(".") } : {}), problem });
  }

  private get(path: readonly string[]): Json | undefined {
    let v: Json | undefined = this.js;
    for (const k of path) {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
      v = v[k];
    }
    return v;
  }

  /** Flags every key of the mapping at `path` not in `allowed`. */
  private only(path: readonly string[], allowed: readonly string[]): void {
    const v = this.get(path);
    if (v === null || typeof v !== "object" || Array.isArray(v)) return;
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.issue([...path, k], { kind: "unsupported-field" });
  }

  private map(path: readonly string[]): { [k: string]: Json } | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a mapping" });
      return undefined;
    }
    return v;
  }

  private str(path: readonly string[], required = false): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null || v === "") {
      if (required) this.issue(path, { kind: "missing-field" });
      return undefined;
    }
    if (typeof v !== "string") {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a string" });
      return undefined;
    }
    return v;
  }

  private bool(path: readonly string[]): boolean {
    const v = this.get(path);
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected true or false" });
      return false;
    }
    return v;
  }

  private strings(path: readonly string[]): string[] {
    const v = this.get(path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a list of strings" });
      return [];
    }
    return v as string[];
  }

  private stringMap(path: readonly string[]): Record<string, string> {
    const m = this.map(path) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== "string") this.issue([...path, k], { kind: "bad-value", value: JSON.stringify(v), reason: "expected a string" });
      else out[k] = v;
    }
    return out;
  }

  read(): ModelObject | undefined {
    if (!isMap(this.doc.contents) || this.js === null || typeof this.js !== "object" || Array.isArray(this.js)) {
      this.issue([], { kind: "not-an-object" });
      return undefined;
    }
    const apiVersion = this.str(["apiVersion"], true);
    const kind = this.str(["kind"], true);
    const name = this.str(["metadata", "name"], true);
    if (!apiVersion || !kind) return undefined;
    const key = `${apiVersion}/${kind}`;
    const extra = KIND_READERS[key];
    if (!extra && !["kubeovn.io/v1/Vpc", "kubeovn.io/v1/Subnet", "v1/Namespace", "v1/Pod"].includes(key)) {
      this.issue(["kind"], { kind: "unknown-kind", apiVersion, objectKind: kind });
      return undefined;
    }
    const namespaced = NAMESPACED_KINDS.has(kind as ModelObject["kind"]);
    const namespace = namespaced ? (this.str(["metadata", "namespace"]) ?? "default") : undefined;
    this.object = { kind, name: namespace ? `${namespace}/${name ?? "?"}` : (name ?? "?") };
    if (name !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) this.issue(["metadata", "name"], { kind: "bad-value", value: name, reason: "not a DNS-1123 name" });
    this.only([], ["apiVersion", "kind", "metadata", ...(kind === "Namespace" ? [] : ["spec"])]);
    this.only(["metadata"], namespaced ? ["name", "namespace", "labels", "annotations"] : kind === "Namespace" ? ["name", "labels"] : ["name", "labels"]);
    const labels = this.stringMap(["metadata", "labels"]);
    const source = this.source();
    if (name === undefined) return undefined;
    if (extra) {
      const doc: DocumentAccess = { get: (p) => valueAt(this.js as JsonValue, p), issue: (p, problem) => this.issue(p, problem), source: (p) => this.source(p) };
      return extra(doc, { name, namespace: namespace!, annotations: this.stringMap(["metadata", "annotations"]) });
    }
    switch (kind) {
      case "Vpc":
        this.only(["spec"], []);
        return { kind: "Vpc", name, source };
      case "Namespace":
        return { kind: "Namespace", name, labels, source };
      case "Subnet":
        return this.subnet(name, source);
      default:
        return this.pod(name, namespace!, labels, source);
    }
  }

  private subnet(name: string, source: Source): SubnetObject | undefined {
    const s = ["spec"];
    this.only(s, ["default", "vpc", "protocol", "cidrBlock", "gateway", "excludeIps", "namespaces", "gatewayType", "gatewayNode", "natOutgoing", "private", "allowSubnets"]);
    const protocol = this.str([...s, "protocol"]);
    if (protocol !== undefined && !["IPv4", "IPv6", "Dual"].includes(protocol)) this.issue([...s, "protocol"], { kind: "bad-value", value: protocol, reason: "expected IPv4, IPv6 or Dual" });
    const gatewayType = this.str([...s, "gatewayType"]) ?? "distributed";
    if (gatewayType !== "distributed" && gatewayType !== "centralized") this.issue([...s, "gatewayType"], { kind: "bad-value", value: gatewayType, reason: "expected distributed or centralized" });
    else if (gatewayType === "centralized")
      this.issue([...s, "gatewayType"], { kind: "unsupported-value", value: gatewayType, reason: "centralized gateways need the model's nodes (join IPs, reroute policies), not supported yet" });
    const priv = this.bool([...s, "private"]);
    const allowSubnets = this.strings([...s, "allowSubnets"]);
    if (allowSubnets.length && !priv) this.issue([...s, "allowSubnets"], { kind: "bad-value", value: allowSubnets.join(","), reason: "allowSubnets only applies to a private subnet" });
    const gatewayNode = this.str([...s, "gatewayNode"]) ?? "";
    if (gatewayNode !== "" && gatewayType !== "centralized") this.issue([...s, "gatewayNode"], { kind: "bad-value", value: gatewayNode, reason: "only a centralized subnet has a gateway node" });
    const cidrBlock = this.str([...s, "cidrBlock"], true);
    if (cidrBlock === undefined) return undefined;
    return {
      kind: "Subnet",
      name,
      default: this.bool([...s, "default"]),
      vpc: this.str([...s, "vpc"]),
      protocol: protocol as SubnetProtocol | undefined,
      cidrBlock,
      gateway: this.str([...s, "gateway"]),
      excludeIps: this.strings([...s, "excludeIps"]),
      namespaces: this.strings([...s, "namespaces"]),
      gatewayType: gatewayType as GatewayType,
      gatewayNode,
      natOutgoing: this.bool([...s, "natOutgoing"]),
      private: priv,
      allowSubnets,
      source,
    };
  }

  private pod(name: string, namespace: string, labels: Record<string, string>, source: Source): PodObject {
    this.only(["spec"], ["nodeName", "containers"]);
    const ann = this.stringMap(["metadata", "annotations"]);
    const supported: readonly string[] = Object.values(POD_ANNOTATIONS);
    for (const k of Object.keys(ann)) if (k.startsWith(OVN_ANNOTATION_PREFIX) && !supported.includes(k)) this.issue(["metadata", "annotations", k], { kind: "unsupported-field" });
    const ip = ann[POD_ANNOTATIONS.ipAddress];
    const f = new Fields({ get: (p) => valueAt(this.js as JsonValue, p), issue: (p, problem) => this.issue(p, problem), source: (p) => this.source(p) });
    const containerPorts: ContainerPort[] = [];
    (f.list(["spec", "containers"]) ?? []).forEach((_, i) => {
      const c = ["spec", "containers", String(i)];
      (f.list([...c, "ports"]) ?? []).forEach((__, j) => {
        const p = [...c, "ports", String(j)];
        f.only(p, ["name", "containerPort", "protocol"]);
        const portName = f.str([...p, "name"]);
        if (portName !== undefined && (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(portName) || portName.length > 15 || !/[a-z]/.test(portName))) this.issue([...p, "name"], { kind: "bad-value", value: portName, reason: "not a port name (IANA_SVC_NAME)" });
        const containerPort = f.int([...p, "containerPort"], 1, 65535, true);
        const protocol = f.oneOf([...p, "protocol"], ["TCP", "UDP", "SCTP"] as const) ?? "TCP";
        if (containerPort !== undefined) containerPorts.push({ name: portName, containerPort, protocol });
      });
    });
    const rate = (key: string): number | undefined => {
      const v = ann[key];
      if (v === undefined) return undefined;
      if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 4294967) {
        this.issue(["metadata", "annotations", key], { kind: "bad-value", value: v, reason: "expected a rate in Mbit/s, an integer from 1 to 4294967" });
        return undefined;
      }
      return Number(v);
    };
    const ingressRate = rate(POD_RATE_ANNOTATIONS.ingressRate);
    const egressRate = rate(POD_RATE_ANNOTATIONS.egressRate);
    return {
      kind: "Pod",
      name,
      namespace,
      labels,
      ipAddress: ip === undefined ? undefined : ip.split(",").map((x) => x.trim()).filter((x) => x !== ""),
      macAddress: ann[POD_ANNOTATIONS.macAddress],
      logicalSwitch: ann[POD_ANNOTATIONS.logicalSwitch],
      nodeName: this.str(["spec", "nodeName"]),
      source,
      // Always present (undefined when absent): one object shape for every pod.
      containerPorts: containerPorts.length ? containerPorts : undefined,
      ingressRate,
      egressRate,
    };
  }
}
