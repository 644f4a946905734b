/**
 * OVN API benchmark: creating pods as Kube-OVN does per pod (a logical switch port with a fixed
 * MAC/IP in `addresses` and `port_security`, plus port-group membership, one transaction per pod)
 * through the ovn-ts API, versus the same through `ovn-nbctl` (one process per pod), `ovn-nbctl`
 * in daemon mode (one client process per pod talking to a resident daemon), and ovsdbapp's OVN NB
 * helpers (Debian /usr/bin/python3) — in one run, against real `ovsdb-server`s, as ratios.
 *
 * The process-per-pod peers are far slower, so they create a sample (`OVN_BENCH_SAMPLE`, default
 * 200) on a database that already holds the full set of pods (so their per-invocation sync cost
 * is the realistic one), and their per-pod time is compared. ovn-ts and ovsdbapp create all
 * `OVN_BENCH_PODS` (default 10,000) pods on a fresh database.
 *
 * The ovn-ts rows and the floor run the built `dist/` (`npm run build`) under plain node, in a child
 * process (`ovn-pods-child.mjs`), as users run the package. The floor row sends the same per-pod
 * transactions, serialised before the clock, on a bare socket one at a time: how far the API is from
 * what the server and the socket cost.
 *
 * Run: `npm run build && OVN_BENCH_MODES=ts,ts32,floor,ovsdbapp npx vite-node benchmarks/ovn-run.ts`
 * (prints the table; `OVN_BENCH_JSON=FILE` also writes the result; `OVN_BENCH_DIST=DIR` runs another
 * build, `OVN_BENCH_NODE_ARGS="--cpu-prof ..."` profiles the child).
 *
 * @module
 */
import { execFile, execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { currentDist } from "./build-rev.js";
import { run, startDaemon, stopDaemon, makeTempDir } from "../src/testing/process.js";
import { startOvsdbServer, type OvsdbServerSandbox } from "../src/testing/ovsdb-server.js";

const pexec = promisify(execFile);

/** One row of the benchmark: per-pod time and its ratio to ovn-ts. */
export interface OvnBenchRow {
  readonly name: string;
  readonly pods: number;
  readonly msPerPod: number;
  /** This row's per-pod time / ovn-ts sequential per-pod time (how many times slower than ovn-ts). */
  readonly ratio: number;
  /** ovsdbapp's per-pod time / this row's (how many times faster than ovsdbapp), when ovsdbapp ran. */
  readonly vsOvsdbapp?: number;
  /** Transactions sent on the wire per pod (lookups + commit), for the ovn-ts rows. */
  readonly roundTrips?: number;
  /** The client process's CPU time per pod (user + system), for the rows run in a child (ovn-ts and the floor). */
  readonly cpuMsPerPod?: number;
  readonly note: string;
}

/** Result of {@link runOvnBenchmarks}. */
export interface OvnBenchResult {
  readonly rows: readonly OvnBenchRow[];
  readonly environment: Record<string, string>;
}

const mac = (i: number) => `0a:5a:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, "0")).join(":")}`;
const ip = (i: number) => `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;

/** A fresh `ovsdb-server` with the NB schema, one switch `subnet` and one port group `pg`. */
export async function freshNb(): Promise<OvsdbServerSandbox> {
  const s = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  await run("ovn-nbctl", [`--db=${s.unix}`, "init", "--", "ls-add", "subnet", "--", "pg-add", "pg"]);
  return s;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "ovn-pods-child.mjs");

/** Runs `ovn-pods-child.mjs` under plain node (extra node flags from `OVN_BENCH_NODE_ARGS`, e.g. `--cpu-prof`) and parses its JSON line. */
async function child<T>(args: readonly string[]): Promise<T> {
  const nodeArgs = (process.env["OVN_BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");
  const r = await pexec("node", [...nodeArgs, CHILD, ...args], { encoding: "utf8", maxBuffer: 1 << 20, timeout: 1_800_000 });
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as T;
}

/** The built package the ovn-ts rows run (`OVN_BENCH_DIST`, else the working tree's `dist/`). */
function dist(): string {
  return process.env["OVN_BENCH_DIST"] ?? currentDist();
}

/**
 * ovn-ts API: `n` pods, one transaction each, `concurrency` pods in flight; time and transactions
 * sent per pod. Runs the built `dist/` under plain node in a child (`ovn-pods-child.mjs api`).
 */
export async function oursPods(unix: string, n: number, concurrency: number, prefix: string, reader: "replica" | "select" = "replica", from = dist()): Promise<{ ms: number; cpuMs: number; roundTrips: number }> {
  return child(["api", from, unix.replace(/^unix:/, ""), String(n), String(concurrency), prefix, reader]);
}

/**
 * The floor: the same per-pod transactions, serialised before the clock, written on a bare socket
 * one at a time (`ovn-pods-child.mjs floor`); with `monitor`, the socket monitors the NB as the
 * API's replica does, so the server sends it the same update per commit.
 */
export async function floorPods(unix: string, n: number, prefix: string, monitor = true): Promise<{ ms: number; cpuMs: number }> {
  return child<{ ms: number; cpuMs: number }>(["floor", dist(), unix.replace(/^unix:/, ""), String(n), prefix, monitor ? "monitor" : "bare"]);
}

/**
 * What the API's indexed NB replica of the database adds to a fresh Node.js process (the default
 * reader of `OvnNb`: every NB table with its indexes), after a full GC: RSS and JS heap + buffers,
 * in MB. Runs `benchmarks/ovn-replica-child.mjs` on the built `dist/` (`npm run bench` builds it).
 */
function replicaMemory(remote: string): { rssMb: number; heapMb: number; ports: number } {
  const out = execFileSync("node", ["--expose-gc", join(dirname(fileURLToPath(import.meta.url)), "ovn-replica-child.mjs"), remote], { encoding: "utf8", maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split("\n").at(-1)!) as { ports: number; rssAddedMb: number; heapAddedMb: number };
  if (r.ports === 0) throw new Error("replica is empty");
  return { rssMb: r.rssAddedMb, heapMb: r.heapAddedMb, ports: r.ports };
}

/** The ovn-nbctl argv that creates pod `i` in one invocation (one transaction). */
function nbctlPodArgs(i: number, prefix: string): string[] {
  const entry = `"${mac(i)} ${ip(i)}"`;
  return [
    "--id=@p", "create", "Logical_Switch_Port", `name=${prefix}-${i}`, `addresses=${entry}`, `port_security=${entry}`,
    "--", "add", "Logical_Switch", "subnet", "ports", "@p",
    "--", "add", "Port_Group", "pg", "ports", "@p",
  ];
}

async function nbctlPods(db: string, n: number, prefix: string, env?: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await pexec("ovn-nbctl", [...(env ? [] : [`--db=${db}`]), ...nbctlPodArgs(i, prefix)], { env: { ...process.env, ...env } });
  }
  return performance.now() - t0;
}

/** Runs the benchmark and returns per-pod times and ratios. */
export async function runOvnBenchmarks(): Promise<OvnBenchResult> {
  const pods = Number(process.env["OVN_BENCH_PODS"] ?? 10_000);
  const sample = Number(process.env["OVN_BENCH_SAMPLE"] ?? 200);
  const rows: { name: string; pods: number; ms: number; cpuMs?: number; roundTrips?: number; note: string }[] = [];
  // OVN_BENCH_MODES=ts,select,nbctl,nbctld,ts32,floor,floor0,ovsdbapp picks modes (ovn-ts sequential always runs: it is the base).
  const modes = new Set((process.env["OVN_BENCH_MODES"] ?? "ts,select,nbctl,nbctld,ts32,floor,ovsdbapp").split(","));
  const environment: Record<string, string> = {};

  // ovn-ts, sequential, all pods on a fresh DB; then the process-per-pod peers sample on top of it.
  const s1 = await freshNb();
  try {
    const seq = await oursPods(s1.unix, pods, 1, "ts");
    rows.push({ name: "ovn-ts API (replica), sequential", pods, ms: seq.ms, cpuMs: seq.cpuMs, roundTrips: seq.roundTrips, note: "1 transaction per pod; lookups from the indexed NB replica (no round trip), 1 round trip: the commit" });
    const mem = replicaMemory(s1.unix);
    environment["replicaPorts"] = String(mem.ports);
    environment["replicaRssMb"] = mem.rssMb.toFixed(1);
    environment["replicaHeapMb"] = mem.heapMb.toFixed(1);
    if (modes.has("nbctl")) rows.push({ name: "ovn-nbctl, 1 process per pod", pods: sample, ms: await nbctlPods(s1.unix, sample, "nbctl", undefined), note: `sample on a DB already holding ${pods} pods` });
    if (modes.has("nbctld")) {
      const dir = makeTempDir("ovn-ts-bench-nbctl-");
      const pidfile = join(dir, "nbctl.pid");
      const ctl = join(dir, "nbctl.ctl");
      const daemon = await startDaemon("ovn-nbctl daemon", "ovn-nbctl", [`--db=${s1.unix}`, `--unixctl=${ctl}`], pidfile, join(dir, "nbctl.log"));
      try {
        rows.push({ name: "ovn-nbctl daemon mode, 1 client per pod", pods: sample, ms: await nbctlPods(s1.unix, sample, "nbctld", { OVN_NB_DAEMON: ctl }), note: `sample on a DB already holding ${pods} pods` });
      } finally {
        await stopDaemon(daemon);
      }
    }
  } finally {
    await s1.stop();
  }
  // ovn-ts with 32 pods in flight, fresh DB.
  if (modes.has("ts32")) {
    const s2 = await freshNb();
    try {
      const r = await oursPods(s2.unix, pods, 32, "ts32");
      rows.push({ name: "ovn-ts API (replica), 32 in flight", pods, ms: r.ms, cpuMs: r.cpuMs, roundTrips: r.roundTrips, note: "same, 32 concurrent pod creations on one connection (pipelined; commits made while one is on the wire go out together: group commit)" });
    } finally {
      await s2.stop();
    }
  }
  // The floor: the same transactions, pre-serialised, on a bare socket (monitoring like the replica), fresh DB.
  if (modes.has("floor")) {
    const s5 = await freshNb();
    try {
      const f = await floorPods(s5.unix, pods, "floor");
      rows.push({ name: "floor: bare socket, pre-serialised", pods, ms: f.ms, cpuMs: f.cpuMs, note: "the API's per-pod transaction, serialised before the clock, written one at a time on a bare socket that monitors the NB as the replica does (the server's update read, not decoded)" });
    } finally {
      await s5.stop();
    }
  }
  if (modes.has("floor0")) {
    const s6 = await freshNb();
    try {
      const f = await floorPods(s6.unix, pods, "floor0", false);
      rows.push({ name: "floor: bare socket, no monitor", pods, ms: f.ms, cpuMs: f.cpuMs, note: "as the floor, without a monitor (the server sends only the reply)" });
    } finally {
      await s6.stop();
    }
  }
  // ovn-ts with the select reader (one-shot scripts), fresh DB.
  if (modes.has("select")) {
    const s4 = await freshNb();
    try {
      const r = await oursPods(s4.unix, pods, 1, "sel", "select");
      rows.push({ name: "ovn-ts API (select reader), sequential", pods, ms: r.ms, cpuMs: r.cpuMs, roundTrips: r.roundTrips, note: "lookups as selects: switch+port in parallel, port group, then the commit" });
    } finally {
      await s4.stop();
    }
  }
  // ovsdbapp, all pods on a fresh DB.
  let app: number | undefined;
  if (modes.has("ovsdbapp")) {
    const s3 = await freshNb();
    try {
      const py = join(dirname(fileURLToPath(import.meta.url)), "ovn_ovsdbapp.py");
      const r = await run("/usr/bin/python3", [py, s3.unix, "subnet", "pg", String(pods), "app"], { timeoutMs: 1_800_000 });
      const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { seconds: number };
      rows.push({ name: "ovsdbapp (Python IDL), sequential", pods, ms: out.seconds * 1000, note: "lsp_add + lsp_set_addresses + lsp_set_port_security + pg_add_ports in one transaction per pod" });
      app = (out.seconds * 1000) / pods;
    } finally {
      await s3.stop();
    }
  }
  const base = rows[0]!.ms / rows[0]!.pods;
  const nbctlVersion = (await run("ovn-nbctl", ["--version"])).stdout.split("\n")[0] ?? "";
  return {
    rows: rows.map((r) => ({
      name: r.name,
      pods: r.pods,
      msPerPod: r.ms / r.pods,
      ratio: r.ms / r.pods / base,
      ...(app !== undefined ? { vsOvsdbapp: app / (r.ms / r.pods) } : {}),
      ...(r.roundTrips !== undefined ? { roundTrips: r.roundTrips } : {}),
      ...(r.cpuMs !== undefined ? { cpuMsPerPod: r.cpuMs / r.pods } : {}),
      note: r.note,
    })),
    environment: { node: process.version, ovnNbctl: nbctlVersion, pods: String(pods), sample: String(sample), ...environment },
  };
}

/** The result as a text table. */
export function formatOvnTable(r: OvnBenchResult): string {
  let out = `${"mode".padEnd(42)}${"pods".padStart(7)}${"ms/pod".padStart(10)}${"x ovn-ts".padStart(10)}${"ovsdbapp/this".padStart(15)}${"trips".padStart(7)}${"cpu/pod".padStart(9)}  note\n`;
  for (const row of r.rows) {
    const vs = row.vsOvsdbapp !== undefined ? row.vsOvsdbapp.toFixed(2) : "-";
    const trips = row.roundTrips !== undefined ? row.roundTrips.toFixed(2) : "-";
    const cpu = row.cpuMsPerPod !== undefined ? row.cpuMsPerPod.toFixed(3) : "-";
    out += `${row.name.padEnd(42)}${String(row.pods).padStart(7)}${row.msPerPod.toFixed(3).padStart(10)}${row.ratio.toFixed(2).padStart(10)}${vs.padStart(15)}${trips.padStart(7)}${cpu.padStart(9)}  ${row.note}\n`;
  }
  out += "(cpu/pod: the client process's CPU ms per pod, user + system, for the rows run in a child)\n";
  if (r.environment["replicaRssMb"] !== undefined) out += `NB replica of ${r.environment["replicaPorts"]} pods (OvnNb's indexed replica, fresh process, after GC): +${r.environment["replicaRssMb"]} MB RSS (target <= 100), +${r.environment["replicaHeapMb"]} MB JS heap + buffers\n`;
  return out;
}
