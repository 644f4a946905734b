/**
 * OVSDB core benchmark, side by side in one run against the same real `ovsdb-server`:
 * - transact round-trip latency (sequential) and pipelined throughput, ovn-ts vs the OVS Python
 *   library (`ovs.jsonrpc`, Debian python3-openvswitch) doing the same calls;
 * - framing a 40 MB monitor reply: the framer's scan as a fraction of one `JSON.parse` of it.
 *
 * Run with `npm run bench` (all areas) or `BENCH=ovsdb npm run bench` (this one): prints a table and
 * writes benchmarks/results/ovsdb.json.
 *
 * @module
 */
import net from "node:net";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { JsonFramer } from "../src/ovsdb/wire/framer.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";

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

function monitorReply(ports: number): Buffer {
  const rows: Record<string, unknown> = {};
  for (let i = 0; i < ports; i++) {
    const mac = `0a:58:0a:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    rows[`${i.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`] = {
      initial: {
        name: `pod-${i}.ns-${i % 50}`,
        addresses: `${mac} ${ip}`,
        port_security: `${mac} ${ip}`,
        external_ids: ["map", [["ls", `subnet-${i % 1000}`], ["pod", `ns-${i % 50}/pod-${i}`], ["vendor", "kube-ovn"]]],
        options: ["map", [["requested-chassis", `node-${i % 300}`]]],
        up: true,
        enabled: true,
        tag: ["set", []],
        type: "",
      },
    };
  }
  return Buffer.from(JSON.stringify({ id: 3, result: { Logical_Switch_Port: rows }, error: null }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchFramer(): OvsdbBenchRow[] {
  const buf = monitorReply(100_000);
  const chunks: Buffer[] = [];
  for (let o = 0; o < buf.length; o += 65536) chunks.push(buf.subarray(o, o + 65536));
  const text = buf.toString();
  const parse: number[] = [];
  const scan: number[] = [];
  const full: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let r = 0; r < 5; r++) {
    gc?.();
    let t = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - t);
    gc?.();
    // Framing alone: find the message boundary and gather its bytes (no decoding, no parsing).
    const raw = new JsonFramer({ raw: true });
    t = performance.now();
    let n = 0;
    for (const c of chunks) n += raw.push(c).length;
    scan.push(performance.now() - t);
    gc?.();
    // What a client pays per message: framing, UTF-8 validation and decoding, JSON.parse.
    const f = new JsonFramer();
    t = performance.now();
    for (const c of chunks) n += f.push(c).length;
    full.push(performance.now() - t);
    if (n !== 2) throw new Error("framer did not produce the message");
  }
  const p = median(parse);
  const s = median(scan);
  const fu = median(full);
  const mb = (buf.length / 1e6).toFixed(1);
  return [
    { name: `frame a ${mb} MB monitor reply in 64 KiB chunks (scan + gather)`, ours: s, peer: p, unit: "ms", ratio: s / p, note: "peer: one JSON.parse of the same text; ratio = framing cost as a fraction of it" },
    { name: `receive the ${mb} MB reply (frame + UTF-8 decode + JSON.parse)`, ours: fu, peer: p, unit: "ms", ratio: fu / p, note: "ratio = total cost relative to JSON.parse alone" },
  ];
}

/** A bare unix socket that sends one request and waits for the next chunk received (one small reply). */
async function bareSocket(path: string): Promise<{ call(text: string): Promise<void>; close(): void }> {
  const s = net.connect(path);
  await new Promise((r, j) => {
    s.once("connect", r);
    s.once("error", j);
  });
  let waiting: (() => void) | undefined;
  s.on("data", () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  });
  return {
    call: (text) =>
      new Promise<void>((r) => {
        waiting = r;
        s.write(text);
      }),
    close: () => s.destroy(),
  };
}

/** Runs the OVSDB benchmarks; needs ovsdb-server and /usr/bin/python3 with python3-openvswitch. */
export async function runOvsdbBenchmarks(): Promise<OvsdbBenchResult> {
  const rows: OvsdbBenchRow[] = [...benchFramer()];
  const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  try {
    const client = await OvsdbClient.connect(server.unix);
    const ops = (i: number) => [
      { op: "insert" as const, table: "Logical_Switch", row: { name: `ts-${i}` } },
      { op: "comment" as const, comment: "bench" },
    ];
    for (let i = 0; i < 200; i++) await client.transact("OVN_Northbound", ops(-i - 1)); // warm-up
    // The floor: the same JSON over a bare Node socket to the same server, one reply chunk awaited
    // per call. Measured in alternating blocks with ours so that the machine's load hits both alike.
    const bare = await bareSocket(server.unix.slice("unix:".length));
    for (let i = 0; i < 200; i++) await bare.call(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(-1e6 - i)] }));
    let seqMs = 0;
    let bareMs = 0;
    const blocks = 4;
    for (let b = 0; b < blocks; b++) {
      let t0 = performance.now();
      for (let i = (b * N_SEQ) / blocks; i < ((b + 1) * N_SEQ) / blocks; i++) await client.transact("OVN_Northbound", ops(i));
      seqMs += performance.now() - t0;
      t0 = performance.now();
      for (let i = (b * N_SEQ) / blocks; i < ((b + 1) * N_SEQ) / blocks; i++) await bare.call(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(2e6 + i)] }));
      bareMs += performance.now() - t0;
    }
    bare.close();
    const bareLat = (bareMs * 1000) / N_SEQ;
    let t = performance.now();
    await Promise.all(Array.from({ length: N_PIPE }, (_, i) => client.transact("OVN_Northbound", ops(N_SEQ + i))));
    const pipeMs = performance.now() - t;
    client.close();
    const py = JSON.parse(
      execFileSync("/usr/bin/python3", [join(dirname(fileURLToPath(import.meta.url)), "py", "ovsdb_rpc.py"), server.unix, "OVN_Northbound", String(N_SEQ), String(N_PIPE)], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      }),
    ) as { sequentialSeconds: number; pipelinedSeconds: number };
    const ourLat = (seqMs * 1000) / N_SEQ;
    const pyLat = (py.sequentialSeconds * 1e6) / N_SEQ;
    const ourTput = N_PIPE / (pipeMs / 1000);
    const pyTput = N_PIPE / py.pipelinedSeconds;
    rows.push(
      { name: `transact round trip, sequential (${N_SEQ} calls)`, ours: ourLat, peer: pyLat, unit: "µs/call", ratio: pyLat / ourLat, note: "peer: OVS Python ovs.jsonrpc; ratio > 1 = ovn-ts faster" },
      { name: `  the same vs a bare socket round trip (floor)`, ours: ourLat, peer: bareLat, unit: "µs/call", ratio: ourLat / bareLat, note: "peer: same JSON on a bare Node socket; ratio = ovn-ts cost over the floor (target <= 1.15)" },
      { name: `transact pipelined (${N_PIPE} in flight)`, ours: ourTput, peer: pyTput, unit: "calls/s", ratio: ourTput / pyTput, note: "peer: OVS Python ovs.jsonrpc; ratio > 1 = ovn-ts faster" },
    );
  } finally {
    await server.stop();
  }
  const environment = { node: process.version, ovsdbServer: execFileSync("ovsdb-server", ["--version"], { encoding: "utf8" }).split("\n")[0]! };
  return { rows, environment };
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
