/**
 * OVSDB core benchmark, side by side in one run against the same real `ovsdb-server`:
 * - transact round-trip latency (sequential) and pipelined throughput, ovn-ts vs the OVS Python
 *   library (`ovs.jsonrpc`, Debian python3-openvswitch) doing the same calls and vs a bare Node socket
 *   (the floor); ovn-ts's side is the built client (dist/) under plain node (`ovsdb-rtt-child.mjs`);
 * - receiving a 37 MB monitor reply with the built framer (dist/, in `ovsdb-frame-child.mjs`): the
 *   framer's scan, and the whole receive, as fractions of one `JSON.parse` of it;
 * - `ovn-ts ovsdb -f json dump` of a 100,000-port OVN_Northbound (the built CLI, dist/) against the
 *   floor (the server delivers the same reply to a bare socket, then one `JSON.parse`) and against
 *   `ovsdb-client -f json dump`, both writing to /dev/null, with their CPU time.
 *
 * Run with `npm run bench` (all areas) or `BENCH=ovsdb npm run bench` (this one): prints a table and
 * writes benchmarks/results/ovsdb.json.
 *
 * @module
 */
import net from "node:net";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { JsonFramer } from "../src/ovsdb/wire/framer.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";
import { columnOrder } from "../src/cli/ovsdb/schema.js";
import { compareUtf8 } from "../src/ovsdb/schema/datum.js";
import { populate } from "./replica.js";
import { currentDist } from "./build-rev.js";

/** One row of the OVSDB benchmark table. */
export interface OvsdbBenchRow {
  readonly name: string;
  readonly ours: number;
  readonly peer: number | undefined;
  readonly unit: string;
  /** peer / ours for times (higher is better for us), or ours/peer for rates. */
  readonly ratio: number | undefined;
  readonly note: string;
}

/** Result of {@link runOvsdbBenchmarks}. */
export interface OvsdbBenchResult {
  readonly rows: readonly OvsdbBenchRow[];
  readonly environment: Record<string, string>;
}

const N_SEQ = 2000;
const N_PIPE = 20000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Receiving a 100,000-port monitor reply in 64 KiB chunks, timed with the built framer (dist/) under
 * plain node in a child (`ovsdb-frame-child.mjs`), beside one `JSON.parse` of the same text.
 */
function benchFramer(): OvsdbBenchRow[] {
  const r = JSON.parse(
    execFileSync("node", ["--expose-gc", join(dirname(fileURLToPath(import.meta.url)), "ovsdb-frame-child.mjs"), currentDist(), "100000"], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    }),
  ) as { bytes: number; parseMs: number; scanMs: number; fullMs: number; afterLastMs: number };
  const p = r.parseMs;
  const mb = (r.bytes / 1e6).toFixed(1);
  return [
    { name: `frame a ${mb} MB monitor reply in 64 KiB chunks (scan + gather)`, ours: r.scanMs, peer: p, unit: "ms", ratio: r.scanMs / p, note: "peer: one JSON.parse of the same text; ratio = framing cost as a fraction of it" },
    { name: `receive the ${mb} MB reply (frame + UTF-8 decode + JSON.parse)`, ours: r.fullMs, peer: p, unit: "ms", ratio: r.fullMs / p, note: "ratio = total cost relative to JSON.parse alone" },
    { name: `  the same arriving 64 KiB every 2 ms: work left after the last chunk`, ours: r.afterLastMs, peer: p, unit: "ms", ratio: r.afterLastMs / p, note: "the rows are parsed as they arrive; ratio = what is left relative to one JSON.parse (the floor's wait after delivery)" },
  ];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, "..", "dist", "cli", "main.js");
const DUMP_RUNS = Number(process.env["BENCH_DUMP_RUNS"] ?? 3);

/** One program run with its output to /dev/null: wall seconds, and its CPU seconds as /usr/bin/time reports them. */
function timed(program: string, args: readonly string[]): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const devNull = openSync("/dev/null", "w");
    const t0 = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "@@%U %S", program, ...args], { stdio: ["ignore", devNull, "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = (performance.now() - t0) / 1000;
      closeSync(devNull);
      const m = /@@([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${program} ${args.join(" ")} failed (${code}): ${err.slice(0, 500)}`));
      resolve({ wall, cpu: Number(m[1]) + Number(m[2]) });
    });
  });
}

/**
 * The floor of a dump: the same request on a bare socket, the reply's delivery, then one JSON.parse. Wall
 * time and this process's CPU time over it, in ms (also used by benchmarks/dump-ab.ts).
 */
export function dumpFloor(path: string, request: string): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(path);
    const framer = new JsonFramer({ raw: true, maxMessageBytes: 2 ** 31 - 1 });
    let t0 = 0;
    let c0 = process.cpuUsage();
    s.on("connect", () => {
      t0 = performance.now();
      c0 = process.cpuUsage();
      s.write(request);
    });
    s.on("data", (d: Buffer) => {
      const msgs = framer.push(d) as Uint8Array[];
      if (msgs.length === 0) return;
      s.destroy();
      const m = msgs[0]!;
      JSON.parse(Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString("utf8"));
      const c = process.cpuUsage(c0);
      resolve({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
    });
    s.on("error", reject);
  });
}

/**
 * `ovn-ts ovsdb -f json dump` of a 100,000-port NB, side by side with its floor and with
 * `ovsdb-client -f json dump` (runs alternate, so load hits all three alike; medians).
 */
async function benchDump(): Promise<OvsdbBenchRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  try {
    await populate(server.unix);
    // The request `dump` sends: every table, the columns in ovsdb-client's order, without _version.
    const c = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const schema = (await c.getSchema("OVN_Northbound")) as Record<string, unknown>;
    c.close();
    const tables = Object.keys(schema["tables"] as object).sort(compareUtf8);
    const request = JSON.stringify({
      method: "transact",
      params: ["OVN_Northbound", ...tables.map((t) => ({ op: "select", table: t, where: [], columns: columnOrder(schema, t).filter((x) => x !== "_version") }))],
      id: 0,
    });
    const args = ["-f", "json", "dump", server.unix, "OVN_Northbound"];
    const floor: number[] = [];
    const ours: { wall: number; cpu: number }[] = [];
    const theirs: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < DUMP_RUNS; r++) {
      floor.push((await dumpFloor(server.unix.slice("unix:".length), request)).wall / 1000);
      ours.push(await timed(process.execPath, [CLI, "ovsdb", ...args]));
      theirs.push(await timed("ovsdb-client", args));
    }
    const f = median(floor);
    const o = median(ours.map((x) => x.wall));
    const t = median(theirs.map((x) => x.wall));
    const oc = median(ours.map((x) => x.cpu));
    const tc = median(theirs.map((x) => x.cpu));
    return [
      { name: "dump floor: server delivers the 100k-port NB + one JSON.parse", ours: f, peer: undefined, unit: "s", ratio: undefined, note: `bare socket, same request; median of ${DUMP_RUNS}` },
      { name: "ovn-ts ovsdb -f json dump > /dev/null, vs the floor", ours: o, peer: f, unit: "s", ratio: o / f, note: "ratio = ovn-ts over the floor (target <= 1.3; includes node's start)" },
      { name: "  the same vs ovsdb-client -f json dump > /dev/null", ours: o, peer: t, unit: "s", ratio: t / o, note: "ratio > 1 = ovn-ts faster (target >= 1.5)" },
      { name: "  CPU time of the dump: ovn-ts vs ovsdb-client", ours: oc, peer: tc, unit: "s CPU", ratio: tc / oc, note: "user + system of the client process; ratio > 1 = ovn-ts cheaper" },
    ];
  } finally {
    await server.stop();
  }
}

/** Runs the OVSDB benchmarks; needs ovsdb-server and /usr/bin/python3 with python3-openvswitch. */
export async function runOvsdbBenchmarks(): Promise<OvsdbBenchResult> {
  // BENCH_OVSDB=frame,rtt,dump (the default: all) runs only the parts named.
  const parts = (process.env["BENCH_OVSDB"] ?? "frame,rtt,dump").split(",");
  const rows: OvsdbBenchRow[] = parts.includes("frame") ? [...benchFramer()] : [];
  if (parts.includes("rtt")) rows.push(...(await benchRoundTrips()));
  if (parts.includes("dump")) rows.push(...(await benchDump()));
  const environment = { node: process.version, ovsdbServer: execFileSync("ovsdb-server", ["--version"], { encoding: "utf8" }).split("\n")[0]! };
  return { rows, environment };
}

/** Transact round trips, sequential (vs a bare socket and OVS Python) and pipelined. */
async function benchRoundTrips(): Promise<OvsdbBenchRow[]> {
  const rows: OvsdbBenchRow[] = [];
  const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  try {
    // ovn-ts's side runs the built client (dist/) under plain node, as users run it, in a child that
    // also times the floor: the same JSON on a bare socket to the same server, in alternating blocks.
    const child = JSON.parse(
      execFileSync("node", [join(dirname(fileURLToPath(import.meta.url)), "ovsdb-rtt-child.mjs"), currentDist(), server.unix.slice("unix:".length), String(N_SEQ), String(N_PIPE)], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      }),
    ) as { ourLatUs: number; bareLatUs: number; parsedLatUs: number; pipeMs: number };
    const bareLat = child.bareLatUs;
    const pipeMs = child.pipeMs;
    const py = JSON.parse(
      execFileSync("/usr/bin/python3", [join(dirname(fileURLToPath(import.meta.url)), "py", "ovsdb_rpc.py"), server.unix, "OVN_Northbound", String(N_SEQ), String(N_PIPE)], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      }),
    ) as { sequentialSeconds: number; pipelinedSeconds: number };
    const ourLat = child.ourLatUs;
    const pyLat = (py.sequentialSeconds * 1e6) / N_SEQ;
    const ourTput = N_PIPE / (pipeMs / 1000);
    const pyTput = N_PIPE / py.pipelinedSeconds;
    rows.push(
      { name: `transact round trip, sequential (${N_SEQ} calls)`, ours: ourLat, peer: pyLat, unit: "µs/call", ratio: pyLat / ourLat, note: "peer: OVS Python ovs.jsonrpc; ratio > 1 = ovn-ts faster" },
      { name: `  the same vs a bare socket round trip (floor)`, ours: ourLat, peer: bareLat, unit: "µs/call", ratio: ourLat / bareLat, note: "peer: same JSON on a bare Node socket; ratio = ovn-ts cost over the floor (target <= 1.15)" },
      { name: `  the same vs a bare socket that parses each reply`, ours: ourLat, peer: child.parsedLatUs, unit: "µs/call", ratio: ourLat / child.parsedLatUs, note: "peer: the bare socket + JSON.parse of each reply, the least a client does; ratio = ovn-ts cost over it" },
      { name: `transact pipelined (${N_PIPE} in flight)`, ours: ourTput, peer: pyTput, unit: "calls/s", ratio: ourTput / pyTput, note: "peer: OVS Python ovs.jsonrpc; ratio > 1 = ovn-ts faster" },
    );
  } finally {
    await server.stop();
  }
  return rows;
}

/** The result as a text table. */
export function formatOvsdbTable(r: OvsdbBenchResult): string {
  const lines = [["benchmark", "ovn-ts", "peer", "unit", "ratio", "note"]];
  for (const row of r.rows) {
    lines.push([row.name, fmt(row.ours), row.peer === undefined ? "-" : fmt(row.peer), row.unit, row.ratio === undefined ? "-" : `${row.ratio.toFixed(2)}x`, row.note]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(4);
}
