/**
 * Embedded OVSDB server benchmark: transactions per second and memory per row of
 * `ovn-ts/ovsdb`'s `OvsdbServer` beside a real `ovsdb-server` on the same workload, driven by the
 * same client (`OvsdbClient` over a unix socket) with the OVN_Northbound schema:
 *
 * - `insert, 1 txn at a time`: one `Logical_Switch` insert per transaction, waiting for each reply;
 * - `insert, 32 in flight`: the same with 32 transactions pipelined;
 * - `port add (insert+mutate)`: a `Logical_Switch_Port` insert plus a `mutate` of its switch's
 *   `ports` (strong reference, garbage-collection bookkeeping), one at a time;
 * - `select by _uuid`: point reads;
 * - `50 clients × 200 mixed calls`: issue 19's many-client workload on a one-table schema
 *   (benchmarks/many.ovsschema, no index): 50 connections each run 200 calls one at a time, a
 *   third inserts, a third selects and a third mutates by `name` (a column without an index, so
 *   every select and mutate scans the table), after a warm-up pass;
 * - memory per row: growth of resident memory (VmRSS) per `Logical_Switch_Port` row after loading
 *   many of them (each with a name, two addresses and two external_ids) into a fresh server, and
 *   for the embedded server also the V8 heap growth after GC (what the rows really take, without
 *   the allocator's slack).
 *
 * The embedded server runs in its own process for the throughput and RSS numbers, as ovsdb-server
 * does, so that client and server do not share one event loop: the built package (`dist/`, which
 * `npm run bench` builds first) under plain node, as users run it (benchmarks/server-child.mjs).
 *
 * Run alone: `npm run build && npx vite-node benchmarks/server.ts` (prints a table, writes
 * `benchmarks/results/server.json`); or import {@link runServerBenchmarks}.
 *
 * @module
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { bundledSchema } from "../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";
import { makeTempDir, removeDir } from "../src/testing/process.js";
import { currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

/** One workload's numbers for both servers. */
export interface ServerBenchRow {
  readonly name: string;
  /** Operations (transactions, or rows for memory) measured. */
  readonly count: number;
  /** Embedded server: transactions per second, or bytes per row for memory rows. */
  readonly embedded: number;
  /** ovsdb-server: the same unit; undefined when ovsdb-server is not installed. */
  readonly ovsdbServer: number | undefined;
  /** `"txn/s"` or `"bytes/row"`. */
  readonly unit: "txn/s" | "bytes/row";
}

/** The whole result, as written to `benchmarks/results/server.json`. */
export interface ServerBenchResult {
  readonly date: string;
  readonly node: string;
  readonly ovsdbServerVersion: string | undefined;
  readonly rows: readonly ServerBenchRow[];
}

/** Options of {@link runServerBenchmarks}. */
export interface ServerBenchOptions {
  /** Scale factor for the operation counts (1 = default sizes). */
  scale?: number;
}

const DB = "OVN_Northbound";

async function timed(n: number, fn: (i: number) => Promise<unknown>, inFlight = 1): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Runs the workloads three times and reports the third pass: the first two warm up V8's JIT (ovsdb-server needs no
 * warm-up; the same is done to both). Two, because the first pass's port adds deoptimize the commit path its
 * inserts had optimized, and a single warm-up left the measured inserts paying for that recompilation, which a
 * long-running server pays once (see docs/server.md).
 */
async function throughput(remote: string, scale: number): Promise<{ name: string; count: number; tps: number }[]> {
  await throughputPass(remote, scale, "w");
  await throughputPass(remote, scale, "v");
  return throughputPass(remote, scale, "m");
}

async function throughputPass(remote: string, scale: number, tag: string): Promise<{ name: string; count: number; tps: number }[]> {
  const c = await OvsdbClient.connect(remote, { reconnect: false });
  const out: { name: string; count: number; tps: number }[] = [];
  try {
    const n1 = Math.round(2000 * scale);
    out.push({ name: "insert, 1 txn at a time", count: n1, tps: await timed(n1, (i) => c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}s${i}`, external_ids: ["map", [["k", `v${i}`]]] } }])) });
    const n2 = Math.round(5000 * scale);
    out.push({ name: "insert, 32 in flight", count: n2, tps: await timed(n2, (i) => c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}p${i}` } }]), 32) });
    const ls = (await c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}ports-here` } }])).results[0] as { uuid: ["uuid", string] };
    const n3 = Math.round(1000 * scale);
    out.push({
      name: "port add (insert+mutate)",
      count: n3,
      tps: await timed(n3, (i) =>
        c.transact(DB, [
          { op: "insert", table: "Logical_Switch_Port", "uuid-name": "p", row: { name: `${tag}lsp${i}`, addresses: `00:00:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} 10.0.${i >> 8}.${i & 255}` } },
          { op: "mutate", table: "Logical_Switch", where: [["_uuid", "==", ls.uuid]], mutations: [["ports", "insert", ["named-uuid", "p"]]] },
        ]),
      ),
    });
    const n4 = Math.round(3000 * scale);
    out.push({ name: "select by _uuid", count: n4, tps: await timed(n4, () => c.transact(DB, [{ op: "select", table: "Logical_Switch", where: [["_uuid", "==", ls.uuid]], columns: ["name"] }])) });
  } finally {
    c.close();
  }
  return out;
}

const MANY_CLIENTS = 50;
const MANY_CALLS = 200;

/** One pass of the many-client workload; returns calls per second. */
async function manyClientsPass(remote: string, tag: string): Promise<number> {
  const clients = await Promise.all(Array.from({ length: MANY_CLIENTS }, () => OvsdbClient.connect(remote, { reconnect: false })));
  try {
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c, k) => {
        for (let i = 0; i < MANY_CALLS; i++) {
          const name = `${tag}-${k}-${Math.floor(i / 3)}`;
          const op =
            i % 3 === 0
              ? { op: "insert", table: "T", row: { name, n: i, tags: ["set", ["a", "b"]] } }
              : i % 3 === 1
                ? { op: "select", table: "T", where: [["name", "==", name]], columns: ["n"] }
                : { op: "mutate", table: "T", where: [["name", "==", name]], mutations: [["n", "+=", 1]] };
          const r = await c.transactRaw("Many", [op]);
          const res = r[0] as { error?: string; rows?: unknown[]; count?: number } | null;
          // Each select and mutate finds the one row its client inserted under that name.
          if (res === null || typeof res !== "object" || "error" in res || (i % 3 === 1 && res.rows?.length !== 1) || (i % 3 === 2 && res.count !== 1)) {
            throw new Error(`many-client call ${i} of client ${k} gave ${JSON.stringify(res)}`);
          }
        }
      }),
    );
    return (MANY_CLIENTS * MANY_CALLS) / ((performance.now() - t0) / 1000);
  } finally {
    for (const c of clients) c.close();
  }
}

/** The many-client workload: a warm-up pass, then the measured one (the same on both servers). */
async function manyClients(remote: string): Promise<number> {
  await manyClientsPass(remote, "w");
  return manyClientsPass(remote, "m");
}

const MANY_SCHEMA = join(dirname(fileURLToPath(import.meta.url)), "many.ovsschema");

/** Loads `rows` ports (in batches) referenced from one switch. */
async function loadPorts(remote: string, rows: number): Promise<void> {
  const c = await OvsdbClient.connect(remote, { reconnect: false });
  try {
    const ls = (await c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: "mem" } }])).results[0] as { uuid: ["uuid", string] };
    const batch = 500;
    for (let b = 0; b < rows; b += batch) {
      const ops: unknown[] = [];
      const names: unknown[] = [];
      for (let i = b; i < Math.min(rows, b + batch); i++) {
        ops.push({
          op: "insert",
          table: "Logical_Switch_Port",
          "uuid-name": `p${i}`,
          row: {
            name: `port-${i}`,
            addresses: ["set", [`0a:00:00:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, "router"]],
            external_ids: ["map", [["pod", `ns/pod-${i}`], ["owner", "bench"]]],
          },
        });
        names.push(["named-uuid", `p${i}`]);
      }
      ops.push({ op: "mutate", table: "Logical_Switch", where: [["_uuid", "==", ls.uuid]], mutations: [["ports", "insert", ["set", names]]] });
      const r = await c.transactRaw(DB, ops);
      const err = r.find((x) => x !== null && typeof x === "object" && "error" in x);
      if (err) throw new Error(`load failed: ${JSON.stringify(err)}`);
    }
  } finally {
    c.close();
  }
}

/** Starts the embedded server of the built `dist/` in its own process (benchmarks/server-child.mjs under plain node). */
async function startChild(sock: string, extraSchema?: string): Promise<{ pid: number; remote: string; stop: () => Promise<void> }> {
  currentDist(); // throws, naming `npm run build`, when there is no build
  // In its own session (`detached`: setsid), as ovsdb-server is (startOvsdbServer runs it with --detach): with
  // the kernel's autogroup scheduling a process shares the CPU share of its session, and a server in the
  // client's session was scheduled with the client, unlike ovsdb-server (see docs/server.md).
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "server-child.mjs"), sock], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
    env: { ...process.env, ...(extraSchema ? { BENCH_EXTRA_SCHEMA: extraSchema } : {}) },
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await new Promise<void>((resolveReady, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += String(d);
      if (out.includes("ready")) resolveReady();
    });
    child.once("exit", (code) => reject(new Error(`server-child exited with ${code}`)));
  });
  return {
    pid: child.pid!,
    remote: `unix:${sock}`,
    stop: async () => {
      child.kill("SIGINT");
      await exited;
    },
  };
}

function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function heapAfterGc(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

function ovsdbServerVersion(): string | undefined {
  try {
    const out = execFileSync("ovsdb-server", ["--version"], { encoding: "utf8" });
    return /\d+\.\d+\.\d+/.exec(out)?.[0];
  } catch {
    return undefined;
  }
}

/**
 * Only the many-client workload, on the embedded server (own process) and ovsdb-server, `rounds`
 * times alternately: calls per second of each round (`npx vite-node benchmarks/server.ts many`).
 */
export async function runManyClients(rounds = 1): Promise<{ embedded: number; ovsdbServer: number }[]> {
  const dir = makeTempDir("ovn-ts-bench-many-");
  const out: { embedded: number; ovsdbServer: number }[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const child = await startChild(join(dir, `m${r}.sock`), MANY_SCHEMA);
      let embedded: number;
      try {
        embedded = await manyClients(child.remote);
      } finally {
        await child.stop();
      }
      const real = await startOvsdbServer({ schemas: [MANY_SCHEMA] });
      let ovsdbServer: number;
      try {
        ovsdbServer = await manyClients(real.unix);
      } finally {
        await real.stop();
      }
      out.push({ embedded, ovsdbServer });
    }
  } finally {
    removeDir(dir);
  }
  return out;
}

/** Runs every workload on both servers and returns the numbers. */
export async function runServerBenchmarks(options: ServerBenchOptions = {}): Promise<ServerBenchResult> {
  const scale = options.scale ?? 1;
  const memRows = Math.round(20_000 * scale);
  const dir = makeTempDir("ovn-ts-bench-srv-");
  const gc = gcFunction();
  try {
    // Embedded, in its own process (like ovsdb-server): throughput, then RSS per row.
    let child = await startChild(join(dir, "e.sock"));
    let mine: { name: string; count: number; tps: number }[];
    try {
      mine = await throughput(child.remote, scale);
    } finally {
      await child.stop();
    }
    child = await startChild(join(dir, "e3.sock"), MANY_SCHEMA);
    let mineMany: number;
    try {
      mineMany = await manyClients(child.remote);
    } finally {
      await child.stop();
    }
    child = await startChild(join(dir, "e2.sock"));
    let mineRss: number;
    try {
      const rss0 = rssOf(child.pid);
      await loadPorts(child.remote, memRows);
      mineRss = (rssOf(child.pid) - rss0) / memRows;
    } finally {
      await child.stop();
    }
    // Embedded, in this process: V8 heap per row after GC (no allocator slack).
    const memServer = new OvsdbServer();
    memServer.addDatabase(bundledSchema(DB));
    const ml = await memServer.listen(`punix:${join(dir, "m.sock")}`);
    const heap0 = heapAfterGc(gc);
    await loadPorts(ml.connect, memRows);
    const heap1 = heapAfterGc(gc);
    const mineMem = (heap1 - heap0) / memRows;
    await memServer.close();

    // ovsdb-server.
    let theirs: { name: string; tps: number }[] | undefined;
    let theirMem: number | undefined;
    let theirMany: number | undefined;
    const version = ovsdbServerVersion();
    if (version) {
      const real = await startOvsdbServer({ schemas: [DB] });
      try {
        theirs = await throughput(real.unix, scale);
      } finally {
        await real.stop();
      }
      const real3 = await startOvsdbServer({ schemas: [MANY_SCHEMA] });
      try {
        theirMany = await manyClients(real3.unix);
      } finally {
        await real3.stop();
      }
      const real2 = await startOvsdbServer({ schemas: [DB] });
      try {
        const rss0 = rssOf(real2.daemon.pid);
        await loadPorts(real2.unix, memRows);
        theirMem = (rssOf(real2.daemon.pid) - rss0) / memRows;
      } finally {
        await real2.stop();
      }
    }
    const rows: ServerBenchRow[] = mine.map((m, i) => ({ name: m.name, count: m.count, embedded: m.tps, ovsdbServer: theirs?.[i]?.tps, unit: "txn/s" }));
    rows.push({ name: `${MANY_CLIENTS} clients × ${MANY_CALLS} mixed calls (where on a non-indexed column)`, count: MANY_CLIENTS * MANY_CALLS, embedded: mineMany, ovsdbServer: theirMany, unit: "txn/s" });
    rows.push({ name: "memory per Logical_Switch_Port row (RSS)", count: memRows, embedded: mineRss, ovsdbServer: theirMem, unit: "bytes/row" });
    rows.push({ name: "memory per Logical_Switch_Port row (V8 heap)", count: memRows, embedded: mineMem, ovsdbServer: undefined, unit: "bytes/row" });
    return { date: new Date().toISOString(), node: process.version, ovsdbServerVersion: version, rows };
  } finally {
    removeDir(dir);
  }
}

/** Formats the result as a text table. */
export function formatServerTable(r: ServerBenchResult): string {
  const head = ["workload", "count", "embedded", `ovsdb-server ${r.ovsdbServerVersion ?? "(absent)"}`, "embedded/ovsdb-server"];
  const lines = r.rows.map((x) => [
    x.name,
    String(x.count),
    `${Math.round(x.embedded).toLocaleString("en-US")} ${x.unit}`,
    x.ovsdbServer === undefined ? "-" : `${Math.round(x.ovsdbServer).toLocaleString("en-US")} ${x.unit}`,
    x.ovsdbServer === undefined ? "-" : `${(x.embedded / x.ovsdbServer).toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmt)].join("\n") + "\n";
}

if (isMain(import.meta.url) && process.argv.includes("many")) {
  for (const r of await runManyClients(Number(process.env["BENCH_ROUNDS"] ?? "3"))) {
    process.stdout.write(`many clients: embedded ${Math.round(r.embedded)} calls/s, ovsdb-server ${Math.round(r.ovsdbServer)} calls/s, ${(r.embedded / r.ovsdbServer).toFixed(2)}x\n`);
  }
} else if (isMain(import.meta.url)) {
  const r = await runServerBenchmarks({ scale: Number(process.env["BENCH_SCALE"] ?? "1") });
  process.stdout.write(formatServerTable(r));
  const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "server.json");
  writeFileSync(file, JSON.stringify(r, null, 2) + "\n");
  process.stdout.write(`wrote ${file}\n`);
}
