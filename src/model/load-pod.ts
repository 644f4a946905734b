/**
 * The common Pod document read straight from its value: a manifest of 10,000 pods is mostly
 * documents like `{apiVersion: v1, kind: Pod, metadata: {name, namespace, labels}, spec: {nodeName,
 * containers: [{ports: [...]}]}}`, which {@link readPlainPod} turns into the same {@link PodObject}
 * the field-by-field reader of src/model/load.ts gives, without its paths. Anything else (an
 * annotation, a field the model does not support, a value of the wrong type, a bad name) gives
 * undefined: that reader reads the document and reports what is wrong.
 *
 * @module
 */
import type { JsonValue } from "./kinds/fields.js";
import type { ContainerPort, PodObject } from "./types.js";

type Json = JsonValue;
type JsonMap = { [k: string]: Json };

/** A plain mapping (not a list, not null). */
function isMap(v: Json | undefined): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether every key of `m` is one of `allowed`. */
function keysIn(m: JsonMap, allowed: readonly string[]): boolean {
  for (const k in m) if (!allowed.includes(k)) return false;
  return true;
}

const TOP = ["apiVersion", "kind", "metadata", "spec"];
const METADATA = ["name", "namespace", "labels", "annotations"];
const SPEC = ["nodeName", "containers"];
const PORT = ["name", "containerPort", "protocol"];
const DNS_1123 = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A string field as the loader reads it: absent, null and `""` are absent; another type is not plain (null). */
function optionalString(v: Json | undefined): string | undefined | null {
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : null;
}

/**
 * Labels and container ports already made, by their contents: pods of a manifest mostly repeat a
 * few of them, and one read-only object for all spares allocating (and copying to another thread)
 * as many.
 */
export interface PodParts {
  /** Labels by `KEY\0VALUE\0...`. */
  readonly labels: Map<string, Readonly<Record<string, string>>>;
  /** Container port lists by `NAME\0PORT\0PROTOCOL\0...`. */
  readonly ports: Map<string, readonly ContainerPort[]>;
}

/** An empty {@link PodParts}. */
export function podParts(): PodParts {
  return { labels: new Map(), ports: new Map() };
}

/**
 * The pod of a `v1` `Pod` document `js` read at `file`, document `document`, line `line`, when it
 * is one of the common shape with nothing to report; undefined otherwise (the full reader reads it).
 * With `parts`, its labels and container ports are the objects of another pod with the same ones.
 */
export function readPlainPod(js: Json, file: string, document: number, line: number, parts?: PodParts): PodObject | undefined {
  if (!isMap(js) || js["kind"] !== "Pod" || js["apiVersion"] !== "v1" || !keysIn(js, TOP)) return undefined;
  const md = js["metadata"];
  if (!isMap(md) || !keysIn(md, METADATA)) return undefined;
  const name = md["name"];
  if (typeof name !== "string" || name === "" || !DNS_1123.test(name)) return undefined;
  const ns = optionalString(md["namespace"]);
  if (ns === null) return undefined;
  const ann = md["annotations"];
  if (ann !== undefined && ann !== null && !(isMap(ann) && isEmpty(ann))) return undefined;
  const labelsIn = md["labels"];
  let labels: Readonly<Record<string, string>> = {};
  if (labelsIn !== undefined && labelsIn !== null) {
    if (!isMap(labelsIn)) return undefined;
    const copy: Record<string, string> = {};
    let key = "";
    for (const k in labelsIn) {
      const v = labelsIn[k];
      if (typeof v !== "string") return undefined;
      copy[k] = v;
      key += `${k}\u0000${v}\u0000`;
    }
    labels = copy;
    if (parts) {
      const seen = parts.labels.get(key);
      if (seen) labels = seen;
      else parts.labels.set(key, copy);
    }
  }
  const spec = js["spec"];
  let nodeName: string | undefined;
  let containerPorts: readonly ContainerPort[] | undefined;
  const found: ContainerPort[] = [];
  let portsKey = "";
  if (spec !== undefined && spec !== null) {
    if (!isMap(spec) || !keysIn(spec, SPEC)) return undefined;
    const n = optionalString(spec["nodeName"]);
    if (n === null) return undefined;
    nodeName = n;
    const containers = spec["containers"];
    if (containers !== undefined && containers !== null) {
      if (!Array.isArray(containers)) return undefined;
      for (const c of containers) {
        if (!isMap(c)) return undefined;
        const ports = c["ports"];
        if (ports === undefined || ports === null) continue;
        if (!Array.isArray(ports)) return undefined;
        for (const p of ports) {
          if (!isMap(p) || !keysIn(p, PORT)) return undefined;
          const portName = optionalString(p["name"]);
          if (portName === null || (portName !== undefined && (!PORT_NAME.test(portName) || portName.length > 15 || !/[a-z]/.test(portName)))) return undefined;
          const containerPort = p["containerPort"];
          if (typeof containerPort !== "number" || !Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) return undefined;
          const proto = optionalString(p["protocol"]);
          if (proto === null || (proto !== undefined && proto !== "TCP" && proto !== "UDP" && proto !== "SCTP")) return undefined;
          found.push({ name: portName, containerPort, protocol: proto ?? "TCP" });
          portsKey += `${portName ?? ""}\u0000${containerPort}\u0000${proto ?? "TCP"}\u0000`;
        }
      }
    }
  }
  if (found.length) {
    containerPorts = found;
    if (parts) {
      const seen = parts.ports.get(portsKey);
      if (seen) containerPorts = seen;
      else parts.ports.set(portsKey, found);
    }
  }
  return plainPod(name, ns ?? "default", labels, nodeName, containerPorts, file, document, line);
}

/**
 * The {@link PodObject} of a plain pod (no annotation, nothing but these fields), in the one
 * shape every pod has (absent fields undefined).
 */
export function plainPod(
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  nodeName: string | undefined,
  containerPorts: readonly ContainerPort[] | undefined,
  file: string,
  document: number,
  line: number,
): PodObject {
  return {
    kind: "Pod",
    name,
    namespace,
    labels,
    ipAddress: undefined,
    macAddress: undefined,
    logicalSwitch: undefined,
    nodeName,
    source: { file, document, line },
    containerPorts,
    ingressRate: undefined,
    egressRate: undefined,
  };
}

function isEmpty(m: JsonMap): boolean {
  for (const _ in m) return false;
  return true;
}
