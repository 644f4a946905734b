/**
 * Kube-OVN model benchmark (issue 15): `ovn-ts apply` of a 200-node manifest (20 subnets, one
 * namespace each, pods spread over 200 nodes) to a real `ovsdb-server`, side by side in one run with:
 * - **the floor**: exactly the transactions the apply sent (captured, each insert given the UUID the
 *   server chose so later batches' references hold, without the guards: `_version` guards name
 *   versions of that run only, and the guards that pin a row's contents, which a detached apply sends
 *   for rows it wrote itself (1 MB of the proof manifest's 8.7 MB), are the apply's own cost, not the
 *   work the floor stands for), pre-serialised and sent raw over a bare socket, one at a time,
 *   to a fresh server with no monitor attached (the median of three such replays, after one not
 *   counted; the first apply it is compared with is the median of three runs too). The apply, as
 *   `ovn-ts apply` without `--watch`, cancels its replica's monitor before its first transaction
 *   (`followOwnWrites`), so the server has no monitor during the apply either;
 * - **ovsdbapp**: the same rows (read back from the database the apply built) created through
 *   ovsdbapp's OVN Northbound helpers, in the same number of pods per transaction;
 * - **ovn-nbctl in daemon mode**: the same rows created by `ovn-nbctl` commands sent to an
 *   `ovn-nbctl --detach` daemon, one invocation per batch of the same size.
 * Also: a no-op re-apply from a fresh process (must send no transaction), the apply's peak RSS, and
 * issue 15's proof manifest ({@link proofManifest}: nodes, gateways, underlay, NetworkPolicies,
 * Services, NAT) at 1,000, 10,000 and 30,000 pods, with its floor and no-op re-apply at 10,000.
 *
 * The ovn-ts side runs in a fresh Node.js process on the built `dist/` (`npm run bench` builds
 * first), so its RSS is its own. Run alone: `BENCH=model npm run bench`.
 * `MODEL_BENCH_PODS` (default 10,000) and `MODEL_BENCH_GROWTH` (default `1000,10000,30000`).
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";

/** One row of the model benchmark. */
export interface ModelBenchRow {
  readonly name: string;
  readonly pods: number;
  readonly ms: number;
  /** This row's time over ovn-ts's first apply of the same pods (the floor is below 1). */
  readonly vsOvnTs: number | undefined;
  readonly transactions: number | undefined;
  readonly note: string;
}

/** Result of {@link runModelBenchmarks}. */
export interface ModelBenchResult {
  readonly rows: readonly ModelBenchRow[];
  readonly environment: Record<string, string>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const SUBNETS = 20;
const NODES = 200;

/**
 * Issue 15's proof manifest at `pods` pods: 2 VPCs (`ovn-cluster` and `vpc1` with an external
 * connection), 20 subnets (17 distributed in the default VPC, one of them centralized on a gateway
 * node, one VLAN underlay subnet, two in `vpc1`), the `join` and `external` subnets, 200 nodes (two
 * external gateways), pods labelled `app: aN` with a named container port, 50 NetworkPolicies, 100
 * ClusterIP Services, an SNAT rule and 10 FIPs on `vpc1`.
 */
export function proofManifest(pods: number): string {
  const doc = (s: string) => `---\n${s.trim()}\n`;
  let text = "";
  text += doc(`apiVersion: kubeovn.io/v1\nkind: ProviderNetwork\nmetadata: { name: extnet }\nspec: { defaultInterface: eth1 }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: Vlan\nmetadata: { name: ext0 }\nspec: { id: 0, provider: extnet }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: ProviderNetwork\nmetadata: { name: phys }\nspec: { defaultInterface: eth2 }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: Vlan\nmetadata: { name: vlan100 }\nspec: { id: 100, provider: phys }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: external }\nspec: { cidrBlock: 172.18.0.0/16, vlan: ext0 }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: join }\nspec: { cidrBlock: 100.64.0.0/16 }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: vpc1 }\nspec: { enableExternal: true }`);
  for (let s = 0; s < SUBNETS; s++) {
    text += doc(`apiVersion: v1\nkind: Namespace\nmetadata: { name: ns${s} }`);
    const spec = [`cidrBlock: 10.${100 + s}.0.0/16`, `namespaces: [ns${s}]`];
    if (s === 1) spec.push("gatewayType: centralized", "gatewayNode: node1");
    if (s === 17) spec.push("vlan: vlan100");
    if (s >= 18) spec.push("vpc: vpc1");
    text += doc(`apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s${s} }\nspec: { ${spec.join(", ")} }`);
  }
  for (let n = 0; n < NODES; n++) {
    const gw = n < 2 ? `, labels: { ovn.kubernetes.io/external-gw: "true" }` : "";
    text += doc(`apiVersion: v1\nkind: Node\nmetadata: { name: node${n}${gw} }\nstatus: { addresses: [{ type: InternalIP, address: 192.168.${n >> 8}.${n & 255} }] }`);
  }
  for (let i = 0; i < pods; i++) {
    text += doc(`apiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: ns${i % SUBNETS}, labels: { app: a${i % 100} } }\nspec: { nodeName: node${i % NODES}, containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] }`);
  }
  // App aN lives in namespace ns(N % 20). Policy k: app a(2k) accepts app a(2k+1) from any namespace, and 10.0.0.0/8 but 10.100.0.0/16, on http.
  for (let k = 0; k < 50; k++) {
    text += doc(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: np${k}, namespace: ns${(2 * k) % SUBNETS} }\nspec:\n  podSelector: { matchLabels: { app: a${2 * k} } }\n  ingress:\n    - from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: a${2 * k + 1} } } }, { ipBlock: { cidr: 10.0.0.0/8, except: [10.100.0.0/16] } }]\n      ports: [{ port: http }]`,
    );
  }
  for (let k = 0; k < 100; k++) {
    text += doc(
      `apiVersion: v1\nkind: Service\nmetadata: { name: svc${k}, namespace: ns${k % SUBNETS} }\nspec:\n  clusterIP: 10.96.0.${k + 1}\n  selector: { app: a${k} }\n  ports: [{ name: http, port: 80, targetPort: http }, { name: dns, protocol: UDP, port: 53 }]`,
    );
  }
  text += doc(`apiVersion: kubeovn.io/v1\nkind: OvnEip\nmetadata: { name: eip-snat }\nspec: { externalSubnet: external }`);
  text += doc(`apiVersion: kubeovn.io/v1\nkind: OvnSnatRule\nmetadata: { name: snat-s18 }\nspec: { ovnEip: eip-snat, vpcSubnet: s18 }`);
  for (let f = 0; f < Math.min(10, Math.floor(pods / SUBNETS)); f++) {
    text += doc(`apiVersion: kubeovn.io/v1\nkind: OvnEip\nmetadata: { name: eip-f${f} }\nspec: { externalSubnet: external, v4Ip: 172.18.1.${f + 1} }`);
    text += doc(`apiVersion: kubeovn.io/v1\nkind: OvnFip\nmetadata: { name: fip${f} }\nspec: { ovnEip: eip-f${f}, ipName: p${18 + SUBNETS * f}.ns18 }`);
  }
  return text;
}

/** The benchmark's pods-only manifest: 20 namespaces and subnets, `pods` pods over 200 nodes (the rows the peers create too). */
export function modelBenchManifest(pods: number): string {
  let text = "";
  for (let s = 0; s < SUBNETS; s++) {
    text += `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns${s} }\n`;
    text += `---\napiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s${s} }\nspec: { cidrBlock: 10.${100 + s}.0.0/16, namespaces: [ns${s}] }\n`;
  }
  for (let i = 0; i < pods; i++) text += `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: ns${i % SUBNETS} }\nspec: { nodeName: node${i % NODES} }\n`;
  return text;
}

interface ChildResult {
  readonly loadMs: number;
  readonly openMs: number;
  readonly resolveMs: number;
  readonly totalMs: number;
  readonly applyMs: number;
  readonly transactions: number;
  readonly operations: number;
  readonly created: number;
  readonly unchanged: number;
  readonly maxRssMb: number;
  /** The child's CPU time (user + system, module loading included): the client's own work, apart from waiting for the server. */
  readonly cpuMs: number;
  /** The main thread's CPU time alone (Linux), without the worker thread's YAML parse and V8's helper threads: the critical path on an idle machine. */
  readonly mainThreadCpuMs: number | undefined;
  /** The process's CPU time (every thread: V8's compiler and GC helpers too) over `totalMs`: what competes with the server for the cores. */
  readonly windowCpuMs?: number;
  /** The main thread's CPU time in validate+IPAM and in plan+send (Linux). */
  readonly resolveCpuMs?: number;
  readonly applyCpuMs?: number;
  /** Transactions the server refused (a guard saw another state) and the controller planned again. */
  readonly failed: readonly { op: unknown; result: unknown }[];
}

const phases = (r: ChildResult) =>
  `${r.failed.length ? `${r.failed.length} transactions refused and planned again (first: ${JSON.stringify(r.failed[0]!.result)}); ` : ""}YAML load ${r.loadMs.toFixed(0)} ms (from 512 KB on a worker thread: the wait for it, the replica loading meanwhile), replica (not overlapped with the YAML load) ${r.openMs.toFixed(0)} ms, validate+IPAM ${r.resolveMs.toFixed(0)} ms, plan+send ${r.applyMs.toFixed(0)} ms; process CPU ${r.cpuMs.toFixed(0)} ms${r.windowCpuMs === undefined ? "" : ` (${r.windowCpuMs.toFixed(0)} ms of it while timed)`}${r.mainThreadCpuMs === undefined ? "" : `, main thread ${r.mainThreadCpuMs.toFixed(0)} ms`}${r.applyCpuMs === undefined ? "" : ` (validate+IPAM ${r.resolveCpuMs!.toFixed(0)} ms, plan+send ${r.applyCpuMs.toFixed(0)} ms)`}`;

function applyInChild(remote: string, manifest: string, capture?: string): ChildResult {
  const out = execFileSync("node", [join(HERE, "model-child.mjs"), remote, manifest, ...(capture ? [capture] : [])], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out) as ChildResult;
}

/** {@link FLOOR_RUNS} no-op re-applies, each from a fresh process (none may send a transaction): their median, the runs, and the last one's phases. */
function noOps(remote: string, manifest: string, what: string): { ms: number; note: string; last: ChildResult } {
  const runs: ChildResult[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) {
    const r = applyInChild(remote, manifest);
    if (r.transactions !== 0) throw new Error(`${what} sent ${r.transactions} transactions`);
    runs.push(r);
  }
  const ms = runs.map((r) => r.totalMs);
  return { ms: median(ms), note: `median of ${runs.length} runs (${ms.map((x) => x.toFixed(0)).join(", ")} ms)`, last: runs[runs.length - 1]! };
}

/** Sends each transaction raw over one bare socket, one at a time; every reply must be free of errors. */
export async function replayRaw(socketPath: string, transactions: readonly unknown[][]): Promise<number> {
  const texts = transactions.map((ops, id) => JSON.stringify({ method: "transact", params: ["OVN_Northbound", ...ops], id }));
  const sock = net.createConnection(socketPath);
  await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  let buf = "";
  let waiting: ((reply: { result?: unknown[]; error?: unknown }) => void) | undefined;
  sock.setEncoding("utf8");
  sock.on("data", (d: string) => {
    buf += d;
    if (!buf.endsWith("}")) return;
    let reply: { result?: unknown[]; error?: unknown };
    try {
      reply = JSON.parse(buf) as typeof reply;
    } catch {
      return; // not complete yet
    }
    buf = "";
    waiting?.(reply);
  });
  const t0 = performance.now();
  for (const [i, text] of texts.entries()) {
    const reply = await new Promise<{ result?: unknown[]; error?: unknown }>((resolve) => {
      waiting = resolve;
      sock.write(text);
    });
    const at = reply.result?.findIndex((r) => r !== null && typeof r === "object" && "error" in r) ?? -1;
    if (reply.error || at >= 0) {
      throw new Error(`floor replay failed at transaction ${i}: ${JSON.stringify(reply.error ?? reply.result![at])} on ${JSON.stringify(transactions[i]![at]).slice(0, 400)}`);
    }
  }
  const ms = performance.now() - t0;
  sock.destroy();
  return ms;
}

/** The median of `xs` (the upper one of an even count). */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Replays of the floor, each on a fresh server; the floor is their median (and the first apply's too). */
const FLOOR_RUNS = 3;

/**
 * The floor: `sent` replayed raw ({@link replayRaw}) on {@link FLOOR_RUNS} fresh servers, after
 * one replay not counted (it warms this process's socket and JSON code, and the page cache of
 * the server's binary and schema, as the ovn-ts apply before it had); the median of the runs.
 */
async function floorOf(fresh: () => Promise<{ unix: string; stop(): Promise<void> }>, sent: readonly unknown[][]): Promise<{ ms: number; note: string }> {
  const runs: number[] = [];
  for (let i = 0; i <= FLOOR_RUNS; i++) {
    const s = await fresh();
    try {
      const ms = await replayRaw(s.unix.replace(/^unix:/, ""), sent);
      if (i > 0) runs.push(ms);
    } finally {
      await s.stop();
    }
  }
  return { ms: median(runs), note: `median of ${FLOOR_RUNS} replays on fresh servers after a warm-up (${runs.map((x) => x.toFixed(0)).join(", ")} ms)` };
}

type Datum = unknown;
const setOf = (d: Datum): string[] => (Array.isArray(d) && d[0] === "set" ? (d[1] as string[]) : [d as string]);
const mapOf = (d: Datum): Record<string, string> => Object.fromEntries(Array.isArray(d) && d[0] === "map" ? (d[1] as [string, string][]) : []);

interface PlanPort {
  name: string;
  type: string;
  addresses: string[];
  port_security: string[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
}
interface Plan {
  routers: { name: string; external_ids: Record<string, string>; ports: { name: string; mac: string; networks: string[]; external_ids: Record<string, string> }[] }[];
  switches: { name: string; other_config: Record<string, string>; external_ids: Record<string, string>; ports: PlanPort[] }[];
}

/** Reads back the rows the apply built, as the peers will create them. */
async function readPlan(remote: string): Promise<Plan> {
  const c = await OvsdbClient.connect(remote, { probeIntervalMs: 0 });
  try {
    const sel = (table: string) => ({ op: "select" as const, table, where: [] });
    const r = (await c.transactRaw("OVN_Northbound", [sel("Logical_Router"), sel("Logical_Router_Port"), sel("Logical_Switch"), sel("Logical_Switch_Port")])) as { rows: Record<string, Datum>[] }[];
    const [lr, lrp, ls, lsp] = r.map((x) => x.rows) as [Record<string, Datum>[], Record<string, Datum>[], Record<string, Datum>[], Record<string, Datum>[]];
    const uuid = (d: Datum) => (d as [string, string])[1];
    const lrpBy = new Map(lrp.map((p) => [uuid(p["_uuid"]), p]));
    const lspBy = new Map(lsp.map((p) => [uuid(p["_uuid"]), p]));
    const refs = (d: Datum) => (Array.isArray(d) && d[0] === "set" ? (d[1] as Datum[]) : [d]).map(uuid);
    return {
      routers: lr.map((x) => ({
        name: x["name"] as string,
        external_ids: mapOf(x["external_ids"]),
        ports: refs(x["ports"]).map((u) => lrpBy.get(u)!).map((p) => ({ name: p["name"] as string, mac: p["mac"] as string, networks: setOf(p["networks"]), external_ids: mapOf(p["external_ids"]) })),
      })),
      switches: ls.map((x) => ({
        name: x["name"] as string,
        other_config: mapOf(x["other_config"]),
        external_ids: mapOf(x["external_ids"]),
        ports: refs(x["ports"])
          .map((u) => lspBy.get(u)!)
          .map((p) => ({
            name: p["name"] as string,
            type: p["type"] as string,
            addresses: setOf(p["addresses"]),
            port_security: setOf(p["port_security"]),
            options: mapOf(p["options"]),
            external_ids: mapOf(p["external_ids"]),
          })),
      })),
    };
  } finally {
    c.close();
  }
}

const kv = (column: string, m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${column}:${k}="${v}"`);

/** ovn-nbctl command lines (argument vectors joined by `--`) that create the plan's rows, batched. */
function nbctlBatches(plan: Plan, perBatch: number): string[][] {
  const first: string[][] = [];
  for (const r of plan.routers) {
    first.push(["lr-add", r.name], ["set", "Logical_Router", r.name, ...kv("external_ids", r.external_ids)]);
    for (const p of r.ports) first.push(["lrp-add", r.name, p.name, p.mac, ...p.networks], ["set", "Logical_Router_Port", p.name, ...kv("external_ids", p.external_ids)]);
  }
  const pods: [string, PlanPort][] = [];
  for (const s of plan.switches) {
    first.push(["ls-add", s.name], ["set", "Logical_Switch", s.name, ...kv("other_config", s.other_config), ...kv("external_ids", s.external_ids)]);
    for (const p of s.ports) {
      if (p.type === "router") {
        first.push(["lsp-add", s.name, p.name], ["lsp-set-type", p.name, "router"], ["lsp-set-addresses", p.name, ...p.addresses], ["set", "Logical_Switch_Port", p.name, ...kv("options", p.options), ...kv("external_ids", p.external_ids)]);
      } else pods.push([s.name, p]);
    }
  }
  const join = (cmds: string[][]) => cmds.flatMap((c, i) => (i === 0 ? c : ["--", ...c]));
  const out = [join(first)];
  for (let i = 0; i < pods.length; i += perBatch) {
    const cmds: string[][] = [];
    for (const [sw, p] of pods.slice(i, i + perBatch)) {
      cmds.push(["lsp-add", sw, p.name], ["lsp-set-addresses", p.name, ...p.addresses], ["lsp-set-port-security", p.name, ...p.port_security], ["set", "Logical_Switch_Port", p.name, ...kv("options", p.options), ...kv("external_ids", p.external_ids)]);
    }
    out.push(join(cmds));
  }
  return out;
}

async function runNbctlDaemon(remote: string, dir: string, batches: readonly string[][]): Promise<number> {
  const ctl = join(dir, "nbctl.ctl");
  const pid = join(dir, "nbctl.pid");
  const path = execFileSync("ovn-nbctl", [`--db=${remote}`, `--pidfile=${pid}`, "--detach", `--log-file=${join(dir, "nbctl.log")}`, `--unixctl=${ctl}`], { encoding: "utf8", timeout: 30_000 }).trim();
  try {
    const t0 = performance.now();
    for (const args of batches) {
      const r = spawnSync("ovn-nbctl", args, { env: { ...process.env, OVN_NB_DAEMON: path }, encoding: "utf8", maxBuffer: 1 << 24, timeout: 600_000 });
      if (r.status !== 0) throw new Error(`ovn-nbctl failed: ${r.stderr.slice(0, 500)}`);
    }
    return performance.now() - t0;
  } finally {
    try {
      process.kill(Number(readFileSync(pid, "utf8").trim()));
    } catch {
      // already gone
    }
  }
}

/** Runs the benchmark. */
export async function runModelBenchmarks(): Promise<ModelBenchResult> {
  const pods = Number(process.env["MODEL_BENCH_PODS"] ?? 10_000);
  const growth = (process.env["MODEL_BENCH_GROWTH"] ?? "1000,10000,30000").split(",").map(Number);
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-bench-"));
  const rows: ModelBenchRow[] = [];
  const fresh = () => startOvsdbServer({ schemas: ["OVN_Northbound"] });
  try {
    const manifest = join(dir, `manifest-${pods}.yaml`);
    writeFileSync(manifest, modelBenchManifest(pods));
    const capture = join(dir, "sent.json");

    // The first apply, as the floor, is the median of FLOOR_RUNS runs on fresh servers (the last
    // one's transactions captured for the floor, its server kept for the no-op re-apply).
    const earlier: number[] = [];
    for (let i = 1; i < FLOOR_RUNS; i++) {
      const s = await fresh();
      try {
        earlier.push(applyInChild(s.unix, manifest).totalMs);
      } finally {
        await s.stop();
      }
    }
    const a = await fresh();
    let first: ChildResult;
    let firstMs: number;
    let plan: Plan;
    try {
      first = applyInChild(a.unix, manifest, capture);
      const runs = [...earlier, first.totalMs];
      firstMs = median(runs);
      rows.push({ name: "ovn-ts apply, first (load, validate, IPAM, plan, send)", pods, ms: firstMs, vsOvnTs: 1, transactions: first.transactions, note: `median of ${runs.length} runs on fresh servers (${runs.map((x) => x.toFixed(0)).join(", ")} ms); ${first.operations} operations, ${first.created} objects created; last run: ${phases(first)}; peak RSS ${Math.round(first.maxRssMb)} MB` });
      const noop = noOps(a.unix, manifest, "no-op re-apply");
      const again = noop.last;
      rows.push({ name: "ovn-ts apply, no-op re-apply from a fresh process", pods, ms: noop.ms, vsOvnTs: noop.ms / firstMs, transactions: 0, note: `${noop.note}; ${again.unchanged} unchanged; last run: ${phases(again)}; peak RSS ${Math.round(again.maxRssMb)} MB` });
      plan = await readPlan(a.unix);
    } finally {
      await a.stop();
    }

    const sent = JSON.parse(readFileSync(capture, "utf8")) as unknown[][];
    {
      const f = await floorOf(fresh, sent);
      rows.push({ name: "floor: the same transactions, pre-serialised, raw over a bare socket", pods, ms: f.ms, vsOvnTs: f.ms / firstMs, transactions: sent.length, note: `server time plus one socket round trip per transaction; ${f.note}` });
    }

    const lsps = plan.switches.reduce((n, s) => n + s.ports.filter((p) => p.type !== "router").length, 0);
    const perBatch = Math.max(1, Math.ceil(lsps / Math.max(1, first.transactions - 1)));
    const planFile = join(dir, "plan.json");
    writeFileSync(planFile, JSON.stringify(plan));

    const c = await fresh();
    try {
      const out = execFileSync("/usr/bin/python3", [join(HERE, "py/model_ovsdbapp.py"), c.unix, planFile, String(perBatch)], { encoding: "utf8", timeout: 1_800_000 });
      const r = JSON.parse(out) as { seconds: number; transactions: number };
      rows.push({ name: "ovsdbapp NB helpers (Python IDL), the same rows", pods, ms: r.seconds * 1000, vsOvnTs: (r.seconds * 1000) / firstMs, transactions: r.transactions, note: `${perBatch} pods per transaction; rows only (no manifest, no IPAM)` });
    } finally {
      await c.stop();
    }

    const d = await fresh();
    try {
      const batches = nbctlBatches(plan, perBatch);
      const ms = await runNbctlDaemon(d.unix, dir, batches);
      rows.push({ name: "ovn-nbctl daemon mode, the same rows", pods, ms, vsOvnTs: ms / firstMs, transactions: batches.length, note: `${perBatch} pods per invocation; rows only` });
    } finally {
      await d.stop();
    }

    // Issue 15's proof manifest (nodes, gateways, underlay, policies, services, NAT): the apply,
    // its floor, a no-op re-apply, and the growth with the number of pods.
    const proofRows = async (n: number, withFloor: boolean): Promise<void> => {
      const file = join(dir, `proof-${n}.yaml`);
      writeFileSync(file, proofManifest(n));
      const cap = join(dir, `proof-${n}.json`);
      const s1 = await fresh();
      let r: ChildResult;
      try {
        r = applyInChild(s1.unix, file, withFloor ? cap : undefined);
        rows.push({ name: "proof manifest: ovn-ts apply, first", pods: n, ms: r.totalMs, vsOvnTs: 1, transactions: r.transactions, note: `${((r.totalMs * 1000) / n).toFixed(0)} µs/pod, ${r.operations} operations; ${phases(r)}; peak RSS ${Math.round(r.maxRssMb)} MB` });
        if (withFloor) {
          const noop = noOps(s1.unix, file, "proof manifest: no-op re-apply");
          const again = noop.last;
          rows.push({ name: "proof manifest: no-op re-apply from a fresh process", pods: n, ms: noop.ms, vsOvnTs: noop.ms / r.totalMs, transactions: 0, note: `${noop.note}; last run: ${phases(again)}; peak RSS ${Math.round(again.maxRssMb)} MB` });
        }
      } finally {
        await s1.stop();
      }
      if (!withFloor) return;
      const sentProof = JSON.parse(readFileSync(cap, "utf8")) as unknown[][];
      const f = await floorOf(fresh, sentProof);
      rows.push({ name: "proof manifest: floor (the same transactions raw)", pods: n, ms: f.ms, vsOvnTs: f.ms / r.totalMs, transactions: sentProof.length, note: f.note });
    };
    for (const n of growth) await proofRows(n, n === pods);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, environment: { node: process.version, subnets: String(SUBNETS), nodes: String(NODES), server: "ovsdb-server (real), unix socket" } };
}

/** The result as a markdown table. */
export function formatModelTable(r: ModelBenchResult): string {
  const lines = ["| run | pods | ms | x ovn-ts first apply | transactions | note |", "| --- | ---: | ---: | ---: | ---: | --- |"];
  for (const x of r.rows) lines.push(`| ${x.name} | ${x.pods.toLocaleString("en")} | ${x.ms.toFixed(0)} | ${x.vsOvnTs === undefined ? "" : x.vsOvnTs.toFixed(2)} | ${x.transactions ?? ""} | ${x.note} |`);
  return `${lines.join("\n")}\n`;
}
