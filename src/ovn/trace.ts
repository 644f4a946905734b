/**
 * Packet tracing as `kubectl ko trace` does it: from a logical switch port (or a Kube-OVN pod
 * `namespace/pod`, found by the port's `external_ids:pod`), a destination IP and optionally a
 * protocol and port, build the microflow from the port's addresses in the Northbound DB (the
 * destination MAC is the destination port's when it is on the same switch, else the MAC of the
 * switch's router port), run `ovn-trace` against the Southbound DB, and return the parsed stages
 * and the verdict.
 *
 * @module
 */
import { execFile } from "node:child_process";
import type { Row } from "../ovsdb/models/ovn-nb.js";
import { type OvnTrace, parseOvnTrace } from "./trace-text.js";
import { OvnAmbiguousNameError, OvnError, OvnInvalidArgumentError, OvnNotFoundError } from "./errors.js";
import { ipFamily, isIp } from "./net.js";
import type { NbReader } from "./reader.js";

/** What to trace. */
export interface TraceRequest {
  /** A logical switch port name, or `namespace/pod` (a Kube-OVN pod, by `external_ids:pod`). */
  readonly source: string;
  /** The destination IP. */
  readonly destination: string;
  /** The protocol (default: ICMP echo for the address family). */
  readonly protocol?: "tcp" | "udp" | "sctp" | "icmp";
  /** Destination port (tcp/udp/sctp). */
  readonly dstPort?: number;
  /** Source port (default 10000). */
  readonly srcPort?: number;
  /** IP TTL / hop limit (default 64). */
  readonly ttl?: number;
}

/** The microflow built for a request. */
export interface Microflow {
  /** The logical switch the source port is on (ovn-trace's datapath argument). */
  readonly datapath: string;
  /** The source port's name. */
  readonly inport: string;
  /** The source MAC and IP used. */
  readonly srcMac: string;
  /** The source IP. */
  readonly srcIp: string;
  /** The destination MAC (destination port's, or the gateway's). */
  readonly dstMac: string;
  /** The microflow expression, as ovn-trace takes it. */
  readonly expression: string;
}

/** The verdict of a trace: the logical ports the packet was delivered to (patch ports between datapaths left out), or dropped. */
export type TraceVerdict = { readonly kind: "output"; readonly ports: readonly string[] } | { readonly kind: "dropped" };

/** A trace: the microflow, ovn-trace's parsed output, and the verdict. */
export interface TraceResult {
  /** The microflow traced. */
  readonly microflow: Microflow;
  /** The parsed `ovn-trace` output (sections with datapath, pipeline, stages: table, match, actions). */
  readonly trace: OvnTrace;
  /** Where the packet ended. */
  readonly verdict: TraceVerdict;
}

/** ovn-trace could not run or printed no trace. */
export class OvnTraceError extends OvnError {
  override readonly name = "OvnTraceError";
}

/** Finds the source port: by name, or `namespace/pod` by `external_ids:pod` (then `pod.namespace`). */
async function sourcePort(reader: NbReader, source: string): Promise<Row<"Logical_Switch_Port">> {
  const byName = await reader.find("Logical_Switch_Port", { name: source });
  if (byName.length > 1) throw new OvnAmbiguousNameError("logical switch port", source, byName.length);
  if (byName[0]) return byName[0];
  if (source.includes("/")) {
    const [ns, pod] = source.split("/") as [string, string];
    const byPod = await reader.find("Logical_Switch_Port", [["external_ids", "includes", { pod: source }]]);
    if (byPod.length > 1) throw new OvnAmbiguousNameError("logical switch port", source, byPod.length);
    if (byPod[0]) return byPod[0];
    const conv = await reader.find("Logical_Switch_Port", { name: `${pod}.${ns}` });
    if (conv[0]) return conv[0];
  }
  throw new OvnNotFoundError("logical switch port", source);
}

/** The MAC and IPs of a port's first fixed (or dynamic) address entry. */
function portAddresses(p: Row<"Logical_Switch_Port">): { mac: string; ips: string[] } | undefined {
  const entries = [...p.addresses, ...(p.dynamic_addresses ? [p.dynamic_addresses] : [])];
  for (const e of entries) {
    const [mac, ...ips] = e.trim().split(/\s+/);
    if (mac && /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) return { mac: mac.toLowerCase(), ips: ips.map((i) => i.split("/")[0]!).filter(isIp) };
  }
  return undefined;
}

/** Builds the microflow of `req` from the Northbound DB. */
export async function buildMicroflow(reader: NbReader, req: TraceRequest): Promise<Microflow> {
  if (!isIp(req.destination)) throw new OvnInvalidArgumentError("destination", req.destination, "not an IP address");
  const family = ipFamily(req.destination)!;
  const port = await sourcePort(reader, req.source);
  const own = portAddresses(port);
  if (!own) throw new OvnInvalidArgumentError("source port", port.name, "has no MAC address in addresses or dynamic_addresses");
  const srcIp = own.ips.find((ip) => ipFamily(ip) === family);
  if (!srcIp) throw new OvnInvalidArgumentError("source port", port.name, `has no IPv${family} address`);
  const sw = (await reader.find("Logical_Switch", [["ports", "includes", [port._uuid]]]))[0];
  if (!sw) throw new OvnNotFoundError("logical switch", `of port ${port.name}`);
  // One read of the port table (OVSDB has no "in" condition); a replica-backed reader makes it free.
  const ids = new Set<string>(sw.ports);
  const members = (await reader.find("Logical_Switch_Port")).filter((p) => ids.has(p._uuid));
  let dstMac: string | undefined;
  for (const p of members) {
    const a = portAddresses(p);
    if (a && a.ips.includes(req.destination)) dstMac = a.mac;
  }
  if (dstMac === undefined) {
    const rp = members.find((p) => p.type === "router" && p.options.get("router-port") !== undefined);
    if (rp) {
      const lrp = (await reader.find("Logical_Router_Port", { name: rp.options.get("router-port")! }))[0];
      if (lrp) dstMac = lrp.mac.toLowerCase();
    }
  }
  if (dstMac === undefined) throw new OvnNotFoundError("logical router port", `(gateway of switch ${sw.name})`);
  const ip = family === 4 ? "ip4" : "ip6";
  const ttl = req.ttl ?? 64;
  const parts = [`inport == "${port.name}"`, `eth.src == ${own.mac}`, `eth.dst == ${dstMac}`, `${ip}.src == ${srcIp}`, `${ip}.dst == ${req.destination}`, `ip.ttl == ${ttl}`];
  const proto = req.protocol ?? "icmp";
  if (proto === "icmp") parts.push(family === 4 ? "icmp4.type == 8" : "icmp6.type == 128");
  else {
    parts.push(proto, `${proto}.src == ${req.srcPort ?? 10000}`);
    if (req.dstPort !== undefined) parts.push(`${proto}.dst == ${req.dstPort}`);
  }
  return { datapath: sw.name, inport: port.name, srcMac: own.mac, srcIp, dstMac, expression: parts.join(" && ") };
}

/** Options of {@link traceFromPort}. */
export interface TraceOptions {
  /** Southbound DB remote for ovn-trace (`--db`). */
  readonly sb: string;
  /** Conntrack states ovn-trace should assume (`--ct`). */
  readonly ct?: readonly string[];
  /** The ovn-trace program (default `ovn-trace` on PATH). */
  readonly program?: string;
  /** Kill ovn-trace after this many ms (default 30 s). */
  readonly timeoutMs?: number;
}

/** Runs ovn-trace for a microflow and parses its output. */
export function runOvnTrace(flow: Microflow, options: TraceOptions): Promise<TraceResult> {
  const args = [`--db=${options.sb}`, ...(options.ct ?? []).map((c) => `--ct=${c}`), flow.datapath, flow.expression];
  return new Promise((resolve, reject) => {
    execFile(options.program ?? "ovn-trace", args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) {
        reject(new OvnTraceError(`ovn-trace ${flow.datapath} failed: ${(stderr || err.message).trim()}`));
        return;
      }
      const trace = parseOvnTrace(stdout);
      if (trace.flow === "") {
        reject(new OvnTraceError(`ovn-trace ${flow.datapath}: ${(stdout + stderr).trim() || "no trace printed"}`));
        return;
      }
      // Deliveries: outputs to ports other than the patch ports between datapaths.
      const delivered: string[] = [];
      for (const m of stdout.matchAll(/output to "([^"]*)", type "([^"]*)"/g)) if (m[2] !== "patch") delivered.push(m[1]!);
      const verdict: TraceVerdict = trace.dropped || delivered.length === 0 ? { kind: "dropped" } : { kind: "output", ports: delivered };
      resolve({ microflow: flow, trace, verdict });
    });
  });
}

/** Builds the microflow of `req` from the NB (through `reader`) and traces it against the SB. */
export async function traceFromPort(reader: NbReader, req: TraceRequest, options: TraceOptions): Promise<TraceResult> {
  return runOvnTrace(await buildMicroflow(reader, req), options);
}
