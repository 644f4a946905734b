/**
 * Reading manifests: multi-document YAML from files and directories (the
 * `.yaml`, `.yml` and `.json` files of a directory, sorted, not recursive, as `kubectl apply -f`
 * does), turned into typed {@link ModelObject}s. Every field is checked: a field the model does
 * not support is an issue naming file, document, line, object and field, never ignored.
 *
 * Two YAML parsers, one result: `js-yaml` reads a well-formed file about ten times faster than the
 * `yaml` package (it matters at 10,000 pods), but only `yaml` keeps every node's position. So a
 * file is read with `js-yaml` first; when that fails, or any document has an issue, the file is
 * read again with `yaml`, whose positions name the line of every issue. Both read the YAML 1.2 core
 * schema (no timestamps, no merge keys) and refuse duplicate keys.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { manifestFiles } from "./files.js";
import jsyaml from "js-yaml";
import { createRequire } from "node:module";
import type { Document, LineCounter } from "yaml";
import { ipFamily } from "../ovn/net.js";
import { InvalidManifestError, type ManifestIssue, type ManifestProblem } from "./errors.js";
import { type DocumentAccess, type JsonValue, Fields, valueAt } from "./kinds/fields.js";
import { podPoolEntries } from "./kinds/ip.js";
import { POD_RATE_ANNOTATIONS } from "./kinds/qos.js";
import { KIND_READERS } from "./kinds/readers.js";
import { readSubnetAcls } from "./kinds/subnet-acls.js";
import { POD_DHCP_ANNOTATIONS, SUBNET_DHCP_FIELDS, readPodDhcp, readSubnetDhcp } from "./kinds/subnet-dhcp.js";
import { PORT_VIPS_ANNOTATION, SUBNET_EXTRA_FIELDS, readPortVips, readSubnetExtras } from "./kinds/subnet-extras.js";
import { SUBNET_U2O_FIELDS, readSubnetU2o } from "./kinds/subnet-u2o.js";
import { readVpcRoutes } from "./kinds/vpc-routes.js";
import { readSelector } from "./kinds/selector.js";
import { readPlainPod } from "./load-pod.js";
import { type PlainEntry, plainEntries } from "./load-plain.js";
import { VPC_SPEC_FIELDS, readVpcSpec } from "./kinds/vpc-spec.js";
import type { LabelSelector } from "./kinds/selector.js";
import type { ContainerPort, GatewayType, Manifest, ModelObject, PodObject, Source, SubnetObject, SubnetProtocol } from "./types.js";

/** The annotation prefix Kube-OVN reads on pods. */
export const OVN_ANNOTATION_PREFIX = "ovn.kubernetes.io/";

export { manifestFiles } from "./files.js";

/** The pod annotations the model supports. */
export const POD_ANNOTATIONS = {
  ipAddress: "ovn.kubernetes.io/ip_address",
  macAddress: "ovn.kubernetes.io/mac_address",
  logicalSwitch: "ovn.kubernetes.io/logical_switch",
  ipPool: "ovn.kubernetes.io/ip_pool",
  portVips: PORT_VIPS_ANNOTATION,
  dhcpV4Options: POD_DHCP_ANNOTATIONS.v4,
  dhcpV6Options: POD_DHCP_ANNOTATIONS.v6,
  ...POD_RATE_ANNOTATIONS,
} as const;

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
  return parseFast(text, file) ?? parseWithPositions(text, file);
}

/**
 * The fast read: the objects when every document reads without an issue, else undefined. The plain
 * documents (most of them) are read by src/model/load-yaml.ts (src/model/load-plain.ts), the others by `js-yaml`.
 * @internal exported for the test that compares it with {@link parseWithPositions}
 */
export function parseFast(text: string, file: string): { objects: ModelObject[]; issues: ManifestIssue[] } | undefined {
  const objects = objectsOfPlainEntries(plainEntries(text, file));
  // No object (an empty stream, only comments): the read with positions says whether that is an issue.
  return objects?.length ? { objects, issues: [] } : undefined;
}

/**
 * The objects of manifests read as far as {@link plainEntries} goes (on a worker thread, say):
 * each value read by its kind's reader, each text by `js-yaml`. Undefined when any document has an
 * issue or is not valid YAML: {@link loadManifests} then names every issue, with its line.
 */
export function objectsOfPlainEntries(entries: readonly PlainEntry[]): ModelObject[] | undefined {
  const objects: ModelObject[] = [];
  for (const e of entries) {
    switch (e.kind) {
      case "Pod":
        // Read without the readers of src/model/kinds: only right while none of them reads pods.
        if (readerOf("v1/Pod") !== undefined) return undefined;
        objects.push(e);
        break;
      case "value": {
        const o = readObject(e.value, e.file, e.document, e.line);
        if (o === undefined) return undefined;
        if (o !== null) objects.push(o);
        break;
      }
      case "text": {
        const r = jsYamlDocuments(e.text, e.file);
        if (r === undefined || r.docs.length > 1) return undefined;
        const js = r.docs[0] as Json | undefined;
        if (js === null || js === undefined) break; // only comments
        const line = e.firstLine - 1 + r.lines[0]!;
        const o = readPod(js, e.file, e.document, line) ?? readObject(js, e.file, e.document, line);
        if (o === undefined) return undefined;
        if (o !== null) objects.push(o);
        break;
      }
      case "file": {
        const r = parseJsYaml(e.text, e.file);
        if (r === undefined || r.objects.length === 0) return undefined; // an empty file may be an issue
        for (const o of r.objects) objects.push(o);
        break;
      }
    }
  }
  return objects;
}

/** The common Pod document read straight from its value (src/model/load-pod.ts), unless a kind reader of src/model/kinds reads pods. */
function readPod(js: Json, file: string, index: number, line: number): ModelObject | undefined {
  return readerOf("v1/Pod") === undefined ? readPlainPod(js, file, index, line) : undefined;
}

/** A document read without positions: the object (null: none), or undefined when it has an issue. */
function readObject(js: Json, file: string, index: number, line: number): ModelObject | null | undefined {
  const r = new ObjectReader(js, () => line, file, index);
  const o = r.read();
  if (r.issues.length > 0) return undefined;
  return o ?? null;
}

/** `js-yaml`'s documents of `text` and the line of each one's root, or undefined when it refuses the text. */
function jsYamlDocuments(text: string, file: string): { docs: unknown[]; lines: number[] } | undefined {
  const lines: number[] = [];
  let depth = 0;
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, undefined, {
      schema: jsyaml.CORE_SCHEMA,
      filename: file,
      listener(event, state) {
        if (event === "open") {
          if (depth === 0) lines.push(state.line + 1);
          depth++;
        } else depth--;
      },
    });
  } catch {
    return undefined;
  }
  // One root node (opened even for an empty document) per document.
  if (lines.length !== docs.length) return undefined;
  return { docs, lines };
}

/** The whole file read by `js-yaml` (one the plain reader cannot cut into documents). */
function parseJsYaml(text: string, file: string): { objects: ModelObject[]; issues: ManifestIssue[] } | undefined {
  const r = jsYamlDocuments(text, file);
  if (r === undefined || r.docs.length === 0) return undefined;
  const objects: ModelObject[] = [];
  for (let index = 0; index < r.docs.length; index++) {
    const js = r.docs[index];
    if (js === null || js === undefined) continue; // an empty document (only comments, or a trailing `---`)
    const o = readObject(js as Json, file, index, r.lines[index]!);
    if (o === undefined) return undefined;
    if (o !== null) objects.push(o);
  }
  return { objects, issues: [] };
}

/**
 * The `yaml` read, which knows the line of every node: used to name where each issue is.
 * @internal exported for the test that compares it with {@link parseFast}
 */
export function parseWithPositions(text: string, file: string): { objects: ModelObject[]; issues: ManifestIssue[] } {
  const { LineCounter, isMap, parseAllDocuments } = yamlPackage();
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
    if (doc.contents === null) return;
    const value = doc.toJS() as Json;
    if (value === null) return; // an empty document (only comments, or a trailing `---`)
    const js = isMap(doc.contents) ? value : null;
    const r = new ObjectReader(js, (path) => lineOf(doc, lc, path), file, index);
    const o = r.read();
    issues.push(...r.issues);
    if (o && r.issues.length === 0) objects.push(o);
  });
  return { objects, issues };
}

/**
 * The `yaml` package, loaded on first use: a well-formed manifest never needs it, and loading it
 * is a good part of a short apply's start.
 */
function yamlPackage(): typeof import("yaml") {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlModule;
}
let yamlModule: typeof import("yaml") | undefined;

/** The line of the node at `path` in `doc` (for a missing field, of the closest parent present). */
function lineOf(doc: Document, lc: LineCounter, path: readonly string[]): number {
  const { isNode } = yamlPackage();
  const node = path.length ? doc.getIn(path, true) : doc.contents;
  let n = isNode(node) ? node : undefined;
  for (let i = path.length - 1; !n && i >= 0; i--) {
    const p = i ? doc.getIn(path.slice(0, i), true) : doc.contents;
    if (isNode(p)) n = p;
  }
  const off = n?.range?.[0];
  return off === undefined ? 0 : lc.linePos(off).line;
}

type Json = JsonValue;

/**
 * What a kind's reader (src/model/kinds) gets to read and check one document's fields: each
 * method reports a wrong value as an issue naming the field and returns a neutral value. It is a
 * {@link DocumentAccess}, so a reader may also wrap it in the bounded reads of `Fields`
 * (src/model/kinds/fields.ts).
 */
export interface FieldReader extends DocumentAccess {
  /** Reports a problem of the field at `path` (empty: the object). */
  issue(path: readonly string[], problem: ManifestProblem): void;
  /** Reports every key of the mapping at `path` not in `allowed` as unsupported. */
  only(path: readonly string[], allowed: readonly string[]): void;
  /** The raw value at `path` (list indexes as decimal strings). */
  get(path: readonly string[]): JsonValue | undefined;
  /** A string (missing: `undefined`, or an issue when `required`). */
  str(path: readonly string[], required?: boolean): string | undefined;
  /** A boolean (missing: false). */
  bool(path: readonly string[]): boolean;
  /** An integer (missing: `undefined`). */
  int(path: readonly string[]): number | undefined;
  /** A list of strings (missing: empty). */
  strings(path: readonly string[]): string[];
  /** A mapping of strings (missing: empty). */
  stringMap(path: readonly string[]): Record<string, string>;
  /** Where the field at `path` (or the object) was read. */
  source(path?: readonly string[]): Source;
}

/** A kind of the model read by a module of src/model/kinds: its API version, allowed metadata keys and field reader. */
export interface KindReader {
  /** `apiVersion`. */
  readonly apiVersion: string;
  /** `kind`. */
  readonly kind: string;
  /** The `metadata` keys it accepts (besides `name`; a namespaced kind lists `namespace`). */
  readonly metadata: readonly string[];
  /** Whether its objects live in a namespace (`metadata.namespace`, default `default`), named `NAMESPACE/NAME`. */
  readonly namespaced?: boolean;
  /**
   * Reads the document (its top-level keys, `spec` and the rest) into an object; issues go through
   * `r`. `namespace` is the object's namespace for a namespaced kind, else undefined.
   */
  read(r: FieldReader, name: string, labels: Readonly<Record<string, string>>, source: Source, namespace: string | undefined): ModelObject | undefined;
}

/** {@link KIND_READERS} by `APIVERSION/KIND`, built on first use. */
let readersByKey: Map<string, KindReader> | undefined;

/** The reader of `APIVERSION/KIND` among {@link KIND_READERS} (the first listed), if any. */
function readerOf(key: string): KindReader | undefined {
  if (!readersByKey) {
    readersByKey = new Map();
    for (const k of KIND_READERS) {
      const at = `${k.apiVersion}/${k.kind}`;
      if (!readersByKey.has(at)) readersByKey.set(at, k);
    }
  }
  return readersByKey.get(key);
}

/** Reads one document into an object, collecting issues. */
class ObjectReader implements FieldReader {
  readonly issues: ManifestIssue[] = [];
  private object: { kind: string; name: string } | undefined;

  /**
   * @param js - the document's value (`null` when its root is not a mapping)
   * @param lineOf - the line of the field at a path (of the document for `[]`)
   */
  constructor(
    private readonly js: Json,
    private readonly lineOf: (path: readonly string[]) => number,
    private readonly file: string,
    private readonly index: number,
  ) {}

  source(path: readonly string[] = []): Source {
    return { file: this.file, document: this.index, line: this.lineOf(path) };
  }

  issue(path: readonly string[], problem: ManifestProblem): void {
    this.issues.push({ source: this.source(path), ...(this.object ? { object: this.object } : {}), ...(path.length ? { field: path.join(".") } : {}), problem });
  }

  get(path: readonly string[]): Json | undefined {
    return valueAt(this.js, path);
  }

  // The typed reads are the kinds' shared ones (kinds/fields.ts), over this document.
  private readonly fields = new Fields(this);

  only(path: readonly string[], allowed: readonly string[]): void {
    this.fields.only(path, allowed);
  }

  int(path: readonly string[]): number | undefined {
    return this.fields.int(path);
  }

  str(path: readonly string[], required = false): string | undefined {
    return this.fields.str(path, required);
  }

  bool(path: readonly string[]): boolean {
    return this.fields.bool(path);
  }

  strings(path: readonly string[]): string[] {
    return this.fields.strings(path);
  }

  stringMap(path: readonly string[]): Record<string, string> {
    return this.fields.stringMap(path);
  }

  read(): ModelObject | undefined {
    if (this.js === null || typeof this.js !== "object" || Array.isArray(this.js)) {
      this.issue([], { kind: "not-an-object" });
      return undefined;
    }
    const apiVersion = this.str(["apiVersion"], true);
    const kind = this.str(["kind"], true);
    const name = this.str(["metadata", "name"], true);
    if (!apiVersion || !kind) return undefined;
    const key = `${apiVersion}/${kind}`;
    const extra = readerOf(key);
    if (extra) {
      const namespace = extra.namespaced ? (this.str(["metadata", "namespace"]) ?? "default") : undefined;
      this.object = { kind, name: namespace !== undefined ? `${namespace}/${name ?? "?"}` : (name ?? "?") };
      if (name !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) this.issue(["metadata", "name"], { kind: "bad-value", value: name, reason: "not a DNS-1123 name" });
      this.only(["metadata"], ["name", ...extra.metadata]);
      const labels = this.stringMap(["metadata", "labels"]);
      if (name === undefined) return undefined;
      return extra.read(this, name, labels, this.source(), namespace);
    }
    if (!["kubeovn.io/v1/Vpc", "kubeovn.io/v1/Subnet", "v1/Namespace", "v1/Pod"].includes(key)) {
      this.issue(["kind"], { kind: "unknown-kind", apiVersion, objectKind: kind });
      return undefined;
    }
    const namespace = kind === "Pod" ? (this.str(["metadata", "namespace"]) ?? "default") : undefined;
    this.object = { kind, name: namespace ? `${namespace}/${name ?? "?"}` : (name ?? "?") };
    if (name !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) this.issue(["metadata", "name"], { kind: "bad-value", value: name, reason: "not a DNS-1123 name" });
    this.only([], ["apiVersion", "kind", "metadata", ...(kind === "Namespace" ? [] : ["spec"])]);
    this.only(["metadata"], kind === "Pod" ? ["name", "namespace", "labels", "annotations"] : kind === "Namespace" ? ["name", "labels"] : ["name", "labels"]);
    const labels = this.stringMap(["metadata", "labels"]);
    const source = this.source();
    if (name === undefined) return undefined;
    switch (kind) {
      case "Vpc": {
        this.only(["spec"], ["enableExternal", "staticRoutes", "policyRoutes", ...VPC_SPEC_FIELDS]);
        const enableExternal = this.bool(["spec", "enableExternal"]);
        const routes = readVpcRoutes(this.fields);
        const hasRoutes = routes.staticRoutes.length > 0 || routes.policyRoutes.length > 0;
        return { kind: "Vpc", name, ...(enableExternal ? { enableExternal } : {}), ...(hasRoutes ? { routes } : {}), ...readVpcSpec(this.fields, enableExternal), source };
      }
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
    this.only(s, ["default", "vpc", "protocol", "cidrBlock", "gateway", "excludeIps", "namespaces", "gatewayType", "gatewayNode", "natOutgoing", "private", "allowSubnets", "vlan", "logicalGateway", "provider", "enableEcmp", "gatewayNodeSelectors", "routeTable", "enableLb", "acls", "allowEWTraffic", "namespaceSelectors", ...SUBNET_DHCP_FIELDS, ...SUBNET_EXTRA_FIELDS, ...SUBNET_U2O_FIELDS]);
    const provider = this.str([...s, "provider"]);
    if (provider !== undefined && provider !== "ovn") this.issue([...s, "provider"], { kind: "unsupported-value", value: provider, reason: "only the default provider ovn (attachment networks are not modelled; an underlay subnet names its Vlan in spec.vlan)" });
    const vlan = this.str([...s, "vlan"]);
    const logicalGateway = this.bool([...s, "logicalGateway"]);
    if (logicalGateway && vlan === undefined) this.issue([...s, "logicalGateway"], { kind: "bad-value", value: "true", reason: "logicalGateway applies to an underlay subnet (spec.vlan)" });
    const protocol = this.str([...s, "protocol"]);
    if (protocol !== undefined && !["IPv4", "IPv6", "Dual"].includes(protocol)) this.issue([...s, "protocol"], { kind: "bad-value", value: protocol, reason: "expected IPv4, IPv6 or Dual" });
    const gatewayType = this.str([...s, "gatewayType"]) ?? "distributed";
    if (gatewayType !== "distributed" && gatewayType !== "centralized") this.issue([...s, "gatewayType"], { kind: "bad-value", value: gatewayType, reason: "expected distributed or centralized" });
    const priv = this.bool([...s, "private"]);
    const allowSubnets = this.strings([...s, "allowSubnets"]);
    if (allowSubnets.length && !priv) this.issue([...s, "allowSubnets"], { kind: "bad-value", value: allowSubnets.join(","), reason: "allowSubnets only applies to a private subnet" });
    const gatewayNode = this.str([...s, "gatewayNode"]) ?? "";
    if (gatewayNode !== "" && gatewayType !== "centralized") this.issue([...s, "gatewayNode"], { kind: "bad-value", value: gatewayNode, reason: "only a centralized subnet has a gateway node" });
    const selectors: LabelSelector[] = [];
    (this.fields.list([...s, "gatewayNodeSelectors"]) ?? []).forEach((_, i) => {
      const sel = readSelector(this.fields, [...s, "gatewayNodeSelectors", String(i)]);
      if (sel) selectors.push(sel);
    });
    if (this.fields.has([...s, "gatewayNodeSelectors"]) && gatewayType !== "centralized") this.issue([...s, "gatewayNodeSelectors"], { kind: "bad-value", value: "[...]", reason: "only a centralized subnet has gateway nodes" });
    else if (selectors.length && gatewayNode !== "") this.issue([...s, "gatewayNodeSelectors"], { kind: "bad-value", value: "[...]", reason: "give gatewayNode or gatewayNodeSelectors, not both (Kube-OVN ignores the selectors then)" });
    if (gatewayType === "centralized" && gatewayNode === "" && selectors.length === 0) this.issue([...s, "gatewayNode"], { kind: "missing-field" });
    const enableEcmp = this.bool([...s, "enableEcmp"]);
    if (enableEcmp && gatewayType !== "centralized") this.issue([...s, "enableEcmp"], { kind: "bad-value", value: "true", reason: "ECMP applies to a centralized subnet's gateway nodes (gatewayType: centralized)" });
    // NODE or NODE:EGRESS-IP (the egress IP is the node's own: Kube-OVN's gateway daemon uses it, no OVN row does).
    for (const e of gatewayNode.split(",").map((x) => x.trim()).filter((x) => x.includes(":"))) {
      const ip = e.slice(e.indexOf(":") + 1).trim();
      if (e.indexOf(":") === 0 || ipFamily(ip) === undefined || ip.includes("/")) this.issue([...s, "gatewayNode"], { kind: "bad-value", value: e, reason: "a gateway entry is NODE or NODE:EGRESS-IP" });
    }
    // routeTable: the router port's options:route_table (Kube-OVN's reconcileRouteTableForSubnet skips underlay subnets).
    const routeTable = this.str([...s, "routeTable"]);
    const u2o = readSubnetU2o(this.fields, vlan, logicalGateway);
    if (routeTable !== undefined && vlan !== undefined && !u2o.u2oInterconnection) this.issue([...s, "routeTable"], { kind: "unsupported-value", value: routeTable, reason: "Kube-OVN sets no route table on an underlay subnet's router port (only with u2oInterconnection)" });
    const acls = readSubnetAcls(this.fields);
    const namespaceSelectors: LabelSelector[] = [];
    (this.fields.list([...s, "namespaceSelectors"]) ?? []).forEach((_, i) => {
      const sel = readSelector(this.fields, [...s, "namespaceSelectors", String(i)]);
      if (sel) namespaceSelectors.push(sel);
    });
    const allowEWTraffic = this.bool([...s, "allowEWTraffic"]);
    if (allowEWTraffic && acls.length === 0 && !this.fields.has([...s, "acls"])) this.issue([...s, "allowEWTraffic"], { kind: "bad-value", value: "true", reason: "it has an effect only with spec.acls (Kube-OVN writes its ACLs with the subnet's ACLs, none without)" });
    const cidrBlock = this.str([...s, "cidrBlock"], true);
    const dhcp = readSubnetDhcp(this.fields, cidrBlock);
    const extras = readSubnetExtras(this.fields, cidrBlock, this.bool([...s, "natOutgoing"]), dhcp?.enabled === true);
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
      ...(vlan !== undefined ? { vlan } : {}),
      ...(logicalGateway ? { logicalGateway } : {}),
      ...(enableEcmp ? { enableEcmp } : {}),
      ...(selectors.length ? { gatewayNodeSelectors: selectors } : {}),
      ...(routeTable !== undefined && (vlan === undefined || u2o.u2oInterconnection) ? { routeTable } : {}),
      ...(acls.length ? { acls } : {}),
      ...(namespaceSelectors.length ? { namespaceSelectors } : {}),
      ...(allowEWTraffic ? { allowEWTraffic } : {}),
      // enableLb: Kube-OVN defaults it to the controller's --enable-lb (true); only false is kept.
      ...(this.fields.has([...s, "enableLb"]) && !this.bool([...s, "enableLb"]) ? { enableLb: false } : {}),
      ...(dhcp ? { dhcp } : {}),
      ...extras,
      ...u2o,
      source,
    };
  }

  private pod(name: string, namespace: string, labels: Record<string, string>, source: Source): PodObject {
    this.only(["spec"], ["nodeName", "containers"]);
    const ann = this.stringMap(["metadata", "annotations"]);
    const supported: readonly string[] = Object.values(POD_ANNOTATIONS);
    for (const k of Object.keys(ann)) if (k.startsWith(OVN_ANNOTATION_PREFIX) && !supported.includes(k)) this.issue(["metadata", "annotations", k], { kind: "unsupported-field" });
    const ip = ann[POD_ANNOTATIONS.ipAddress];
    const f = this.fields;
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
    const portVips = readPortVips(ann[PORT_VIPS_ANNOTATION], (v) => this.issue(["metadata", "annotations", PORT_VIPS_ANNOTATION], { kind: "bad-value", value: v, reason: "not an IP address" }));
    return {
      kind: "Pod",
      name,
      namespace,
      labels,
      ipAddress: ip === undefined ? undefined : ip.split(",").map((x) => x.trim()).filter((x) => x !== ""),
      macAddress: ann[POD_ANNOTATIONS.macAddress],
      logicalSwitch: ann[POD_ANNOTATIONS.logicalSwitch],
      ...(ann[POD_ANNOTATIONS.ipPool] !== undefined ? { ipPool: podPoolEntries(ann[POD_ANNOTATIONS.ipPool]!) } : {}),
      nodeName: this.str(["spec", "nodeName"]),
      source,
      // Always present (undefined when absent): one object shape for every pod.
      containerPorts: containerPorts.length ? containerPorts : undefined,
      ingressRate,
      egressRate,
      ...(portVips ? { portVips } : {}),
      ...readPodDhcp(this.fields, ann),
    };
  }
}
