/**
 * OpenFlow benchmarks: flow_mod encode/decode and ovs-ofctl flow-text parse throughput, side by side with
 * `ovs-ofctl parse-flows` (C) and, when installed, the Debian `python3-os-ken` OpenFlow library (the Ryu
 * fork); plus the `buffer-layout` question: a flow_mod header encoded with buffer-layout vs our Writer.
 *
 * The ovn-ts rows time the built package (`dist/`) under plain `node`, the way users run it, in a child
 * process (`benchmarks/openflow-child.mjs`); `npm run bench` builds first. Each ovn-ts row is the
 * steady-state rate: 400 ms of calls timed after 300 ms of calls not counted (V8's compile time is not
 * throughput; ovs-ofctl's figure likewise subtracts its process start-up).
 *
 * Run alone: `npm run build && npx vite-node benchmarks/openflow.ts`. Writes `benchmarks/results/openflow.json`.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Writer } from "../src/bytes/writer.js";
import { currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

const here = dirname(fileURLToPath(import.meta.url));

/** One measured row. */
export interface BenchRow {
  readonly name: string;
  readonly impl: string;
  readonly opsPerSec: number | null;
  readonly note?: string | undefined;
}

/** Benchmark result written to JSON. */
export interface OpenflowBenchResult {
  readonly date: string;
  readonly node: string;
  readonly corpusFlows: number;
  readonly rows: readonly BenchRow[];
  readonly bufferLayout: { readonly writerOpsPerSec: number; readonly bufferLayoutOpsPerSec: number; readonly ratio: number };
}

function measure(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

function timeProcess(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function have(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v "$0"`, cmd], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface LayoutLike {
  encode(src: Record<string, unknown>, b: Buffer, offset?: number): number;
  decode(b: Buffer, offset?: number): Record<string, unknown>;
}
interface BufferLayoutModule {
  struct(fields: unknown[]): LayoutLike;
  u8(p: string): unknown;
  u16be(p: string): unknown;
  u32be(p: string): unknown;
  nu64be(p: string): unknown;
  blob(n: number, p: string): unknown;
}

function bufferLayoutComparison(): OpenflowBenchResult["bufferLayout"] {
  const BL = createRequire(import.meta.url)("buffer-layout") as BufferLayoutModule;
  // ofp_header + ofp_flow_mod fixed part (OpenFlow 1.3.5 §7.3.4.1), 48 bytes
  const layout = BL.struct([
    BL.u8("version"),
    BL.u8("type"),
    BL.u16be("length"),
    BL.u32be("xid"),
    BL.nu64be("cookie"),
    BL.nu64be("cookieMask"),
    BL.u8("tableId"),
    BL.u8("command"),
    BL.u16be("idleTimeout"),
    BL.u16be("hardTimeout"),
    BL.u16be("priority"),
    BL.u32be("bufferId"),
    BL.u32be("outPort"),
    BL.u32be("outGroup"),
    BL.u16be("flags"),
    BL.blob(2, "pad"),
  ]);
  const pad = Buffer.alloc(2);
  const buf = Buffer.alloc(48);
  let xid = 0;
  const bl = measure(() => {
    layout.encode(
      { version: 4, type: 14, length: 48, xid: xid++, cookie: 5, cookieMask: 0, tableId: 1, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 100, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, pad },
      buf,
    );
  }, 600);
  const w = new Writer("openflow", 64);
  const ours = measure(() => {
    w.pos = 0;
    w.u8(4).u8(14);
    const at = w.reserve16();
    w.u32(xid++).u64(5n).u64(0n).u8(1).u8(0).u16(0).u16(0).u16(100).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff).u16(0).zeros(2);
    w.patch16(at, w.pos);
  }, 600);
  // sanity: both produce the same bytes
  w.pos = 0;
  w.u8(4).u8(14).u16(48).u32(1).u64(5n).u64(0n).u8(1).u8(0).u16(0).u16(0).u16(100).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff).u16(0).zeros(2);
  layout.encode({ version: 4, type: 14, length: 48, xid: 1, cookie: 5, cookieMask: 0, tableId: 1, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 100, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, pad }, buf);
  if (!buf.equals(Buffer.from(w.finish()))) throw new Error("buffer-layout and Writer disagree on the flow_mod header bytes");
  return { writerOpsPerSec: ours, bufferLayoutOpsPerSec: bl, ratio: ours / bl };
}

/** Runs every OpenFlow benchmark and returns the numbers (also used by the top-level runner). */
export async function runOpenflowBenchmarks(): Promise<OpenflowBenchResult> {
  const corpus = readFileSync(join(here, "../test/openflow/corpus/flows.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
  // the ovn-ts rows time the built package under plain node, the way users run it (openflow-child.mjs)
  const child = JSON.parse(
    execFileSync("node", [join(here, "openflow-child.mjs"), "rows", currentDist(), join(here, "../test/openflow/corpus/flows.txt")], { encoding: "utf8", maxBuffer: 1 << 20 }),
  ) as { rows: { name: string; opsPerSec: number }[]; encodedHex: string[] };
  const rows: BenchRow[] = child.rows.map((r) => ({ name: r.name, impl: "ovn-ts", opsPerSec: r.opsPerSec }));

  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-ofbench-"));
  try {
    if (have("ovs-ofctl")) {
      const reps = 20;
      const big = join(dir, "flows.txt");
      writeFileSync(big, Array.from({ length: reps }, () => corpus.join("\n")).join("\n") + "\n");
      const one = join(dir, "one.txt");
      writeFileSync(one, "actions=drop\n");
      const tBig = median([0, 1, 2].map(() => timeProcess("ovs-ofctl", ["-O", "OpenFlow13", "parse-flows", big])));
      const tOne = median([0, 1, 2].map(() => timeProcess("ovs-ofctl", ["-O", "OpenFlow13", "parse-flows", one])));
      rows.push({
        name: "parse-flows (parse+encode+decode+print)",
        impl: "ovs-ofctl (C)",
        opsPerSec: ((reps * corpus.length) * 1000) / Math.max(1, tBig - tOne),
        note: `ovs-ofctl parse-flows over ${reps * corpus.length} flows, process start-up (${tOne.toFixed(0)} ms) subtracted`,
      });
    } else rows.push({ name: "parse-flows", impl: "ovs-ofctl (C)", opsPerSec: null, note: "ovs-ofctl not installed" });

    const py = "/usr/bin/python3";
    let osKen = false;
    try {
      execFileSync(py, ["-c", "import os_ken.ofproto.ofproto_v1_3_parser"], { stdio: "ignore" });
      osKen = true;
    } catch {
      osKen = false;
    }
    if (osKen) {
      const hexFile = join(dir, "msgs.hex");
      writeFileSync(hexFile, child.encodedHex.join("\n") + "\n");
      const out = execFileSync(py, [join(here, "openflow_osken.py"), hexFile], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 120_000 });
      const r = JSON.parse(out) as { decode: number; encode: number; decoded: number; total: number };
      rows.push({ name: "flow_mod decode", impl: "python3-os-ken", opsPerSec: r.decode, note: `${r.decoded}/${r.total} corpus messages decodable by os-ken` });
      rows.push({ name: "flow_mod encode", impl: "python3-os-ken", opsPerSec: r.encode, note: "re-serialising os-ken's decoded OFPFlowMod objects" });
      rows.push({ name: "flow text parse", impl: "python3-os-ken", opsPerSec: null, note: "os-ken has no ovs-ofctl flow-syntax parser" });
    } else {
      rows.push({ name: "flow_mod decode", impl: "python3-os-ken", opsPerSec: null, note: "python3-os-ken (Debian's Ryu fork; there is no python3-ryu) not installed" });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    corpusFlows: corpus.length,
    rows,
    bufferLayout: bufferLayoutComparison(),
  };
}

function fmtOps(n: number | null): string {
  if (n === null) return "n/a";
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M/s`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k/s`;
  return `${n.toFixed(0)} /s`;
}

/** Formats the result as a text table. */
export function formatOpenflowTable(r: OpenflowBenchResult): string {
  const lines = [`OpenFlow benchmarks (corpus of ${r.corpusFlows} flows, node ${r.node})`, ""];
  const w1 = Math.max(...r.rows.map((x) => x.name.length), 10);
  const w2 = Math.max(...r.rows.map((x) => x.impl.length), 6);
  lines.push(`${"benchmark".padEnd(w1)}  ${"impl".padEnd(w2)}  ${"throughput".padStart(12)}  note`);
  for (const x of r.rows) lines.push(`${x.name.padEnd(w1)}  ${x.impl.padEnd(w2)}  ${fmtOps(x.opsPerSec).padStart(12)}  ${x.note ?? ""}`);
  lines.push("");
  lines.push(
    `flow_mod header (48 B): Writer ${fmtOps(r.bufferLayout.writerOpsPerSec)}, buffer-layout ${fmtOps(r.bufferLayout.bufferLayoutOpsPerSec)} → Writer is ${r.bufferLayout.ratio.toFixed(1)}x faster`,
  );
  return lines.join("\n") + "\n";
}

if (isMain(import.meta.url)) {
  const r = await runOpenflowBenchmarks();
  process.stdout.write(formatOpenflowTable(r));
  const out = join(here, "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "openflow.json"), JSON.stringify(r, null, 2) + "\n");
  process.stdout.write(`wrote ${join(out, "openflow.json")}\n`);
}
