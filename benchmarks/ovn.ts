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
 * Run: `npx vite-node benchmarks/ovn-run.ts` (prints the table; `OVN_BENCH_JSON=FILE` also writes the result).
 *
 * @module
 */
import { execFile, execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { OvnNb } from "../src/ovn/nb.js";
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
  readonly note: string;
}

/** Result of {@link runOvnBenchmarks}. */
export interface OvnBenchResult {
  readonly rows: readonly OvnBenchRow[];
  readonly environment: Record<string, string>;
}

const mac = (i: number) => `0a:5a:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, "0")).join(":")}`;
const ip = (i: number) => `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;

async function freshNb(): Promise<OvsdbServerSandbox> {
  const s = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  await run("ovn-nbctl", [`--db=${s.unix}`, "init", "--", "ls-add", "subnet", "--", "pg-add", "pg"]);
  return s;
}

/** ovn-ts API: `n` pods, one transaction each, `concurrency` pods in flight; time and transactions sent per pod. */
async function oursPods(remote: string, n: number, concurrency: number, prefix: string, reader: "replica" | "select" = "replica"): Promise<{ ms: number; roundTrips: number }> {
  const client = await OvsdbClient.connect(remote);
  const nb = new OvnNb(client, { reader });
  // Count the transactions the API sends (lookups through the select reader, and commits).
  let sent = 0;
  const transact = client.transact.bind(client);
  client.transact = ((...args: Parameters<typeof transact>) => {
    sent++;
    return transact(...args);
  }) as typeof client.transact;
  try {
    // The replica (the default reader) is started before the clock: a controller starts it once.
    if (reader === "replica") await nb.replica();
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const entry = `${mac(i)} ${ip(i)}`;
        const tx = nb.transaction();
        const p = await tx.lspAdd("subnet", `${prefix}-${i}`, { mayExist: true, addresses: [entry], portSecurity: [entry] });
        await tx.pgAddPorts("pg", [p]);
        await tx.commit();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { ms: performance.now() - t0, roundTrips: sent / n };
  } finally {
    await nb.close();
    client.close();
  }
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
  const rows: { name: string; pods: number; ms: number; roundTrips?: number; note: string }[] = [];
  // OVN_BENCH_MODES=ts,select,nbctl,nbctld,ts32,ovsdbapp picks modes (ovn-ts sequential always runs: it is the base).
  const modes = new Set((process.env["OVN_BENCH_MODES"] ?? "ts,select,nbctl,nbctld,ts32,ovsdbapp").split(","));
  const environment: Record<string, string> = {};

  // ovn-ts, sequential, all pods on a fresh DB; then the process-per-pod peers sample on top of it.
  const s1 = await freshNb();
  try {
    const seq = await oursPods(s1.unix, pods, 1, "ts");
    rows.push({ name: "ovn-ts API (replica), sequential", pods, ms: seq.ms, roundTrips: seq.roundTrips, note: "1 transaction per pod; lookups from the indexed NB replica (no round trip), 1 round trip: the commit" });
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
      rows.push({ name: "ovn-ts API (replica), 32 in flight", pods, ms: r.ms, roundTrips: r.roundTrips, note: "same, 32 concurrent pod creations on one connection (pipelined; commits made while one is on the wire go out together: group commit)" });
    } finally {
      await s2.stop();
    }
  }
  // ovn-ts with the select reader (one-shot scripts), fresh DB.
  if (modes.has("select")) {
    const s4 = await freshNb();
    try {
      const r = await oursPods(s4.unix, pods, 1, "sel", "select");
      rows.push({ name: "ovn-ts API (select reader), sequential", pods, ms: r.ms, roundTrips: r.roundTrips, note: "lookups as selects: switch+port in parallel, port group, then the commit" });
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
      note: r.note,
    })),
    environment: { node: process.version, ovnNbctl: nbctlVersion, pods: String(pods), sample: String(sample), ...environment },
  };
}

/** The result as a text table. */
export function formatOvnTable(r: OvnBenchResult): string {
  let out = `${"mode".padEnd(42)}${"pods".padStart(7)}${"ms/pod".padStart(10)}${"x ovn-ts".padStart(10)}${"ovsdbapp/this".padStart(15)}${"trips".padStart(7)}  note\n`;
  for (const row of r.rows) {
    const vs = row.vsOvsdbapp !== undefined ? row.vsOvsdbapp.toFixed(2) : "-";
    const trips = row.roundTrips !== undefined ? row.roundTrips.toFixed(2) : "-";
    out += `${row.name.padEnd(42)}${String(row.pods).padStart(7)}${row.msPerPod.toFixed(3).padStart(10)}${row.ratio.toFixed(2).padStart(10)}${vs.padStart(15)}${trips.padStart(7)}  ${row.note}\n`;
  }
  if (r.environment["replicaRssMb"] !== undefined) out += `NB replica of ${r.environment["replicaPorts"]} pods (OvnNb's indexed replica, fresh process, after GC): +${r.environment["replicaRssMb"]} MB RSS (target <= 100), +${r.environment["replicaHeapMb"]} MB JS heap + buffers\n`;
  return out;
}
