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

/**
 * The verdict of a trace:
 * - `output`: the logical ports the packet was delivered to. A patch port whose peer pipeline
 *   follows in the trace is a hop, not a delivery; a patch port with no peer (a router port with
 *   no switch behind it, e.g. an external network modelled as a bare gateway port) is a delivery.
 * - `unresolved`: a router had no MAC for the next hop (ovn-trace: `No MAC binding.`), so instead
 *   of the packet it sent an ARP request (`arp`) or a neighbor solicitation (`nd_ns`) out `ports`:
 *   stages after next-hop resolution (SNAT in `lr_out_snat`, ...) do not show. ovn-trace's
 *   `get_arp`/`get_nd` read only the Southbound `MAC_Binding` table (what ovn-controller learns):
 *   a Northbound `Static_MAC_Binding` is applied by ovn-controller and invisible to ovn-trace.
 *   `nextHop` is the address it looked up, when the trace shows it.
 * - `dropped`: the packet reached no logical output.
 */
export type TraceVerdict =
  | { readonly kind: "output"; readonly ports: readonly string[] }
  | { readonly kind: "unresolved"; readonly request: "arp" | "nd_ns"; readonly nextHop: string | undefined; readonly ports: readonly string[] }
  | { readonly kind: "dropped" };

/** `output to "PORT", type "TYPE"` comments of ovn-trace, and section headers (`ingress(dp=...)`). */
const OUTPUT_LINE = /\/\*\s*output to "([^"]*)", type "([^"]*)"\s*\*\//;
const PIPELINE_HEADER = /^(ingress|egress)\(dp="/;

/**
 * The verdict of an `ovn-trace` run from its text and parsed form (see {@link TraceVerdict}).
 */
export function traceVerdict(trace: OvnTrace): TraceVerdict {
  const lines = trace.raw.split("\n");
  const delivered: string[] = [];
  let request: "arp" | "nd_ns" | undefined;
  let unresolvedAt = -1;
  for (const [i, line] of lines.entries()) {
    if (/\/\*\s*No MAC binding\.\s*\*\//.test(line) && unresolvedAt < 0) unresolvedAt = i;
    if (unresolvedAt >= 0 && request === undefined) {
      const t = line.trim();
      if (t === "arp" || /^arp \{/.test(t)) request = "arp";
      else if (t === "nd_ns" || /^nd_ns \{/.test(t)) request = "nd_ns";
    }
    const m = OUTPUT_LINE.exec(line);
    if (!m) continue;
    if (m[2] !== "patch") {
      delivered.push(m[1]!);
      continue;
    }
    // a patch port is a hop when its peer's pipeline comes next
    const next = lines.slice(i + 1).find((l) => l.trim() !== "");
    if (next === undefined || !PIPELINE_HEADER.test(next)) delivered.push(m[1]!);
  }
  if (request !== undefined && delivered.length > 0) {
    let nextHop: string | undefined;
    for (const line of lines.slice(0, unresolvedAt)) {
      const hop = /^\s*(?:reg0|xxreg0) = ([0-9a-fA-F.:]+);/.exec(line);
      if (hop) nextHop = hop[1];
    }
    return { kind: "unresolved", request, nextHop, ports: delivered };
  }
  return trace.dropped || delivered.length === 0 ? { kind: "dropped" } : { kind: "output", ports: delivered };
}

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
      resolve({ microflow: flow, trace, verdict: traceVerdict(trace) });
    });
  });
}

/** Builds the microflow of `req` from the NB (through `reader`) and traces it against the SB. */
export async function traceFromPort(reader: NbReader, req: TraceRequest, options: TraceOptions): Promise<TraceResult> {
  return runOvnTrace(await buildMicroflow(reader, req), options);
}
