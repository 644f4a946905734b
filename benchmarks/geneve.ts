/**
 * Geneve benchmark: headers and whole frames encoded/decoded per second by `ovn-ts/geneve`, beside scapy
 * (run by the Debian /usr/bin/python3 in the same run), and each operation's cost as a multiple of a plain
 * memory copy of the same bytes (`Uint8Array.prototype.set` into a preallocated buffer: the physical floor),
 * and beside allocate-and-copy (`slice`, the floor for an API that returns new bytes). Also measures the `buffer-layout` package against DataView on the fixed 8-byte
 * Geneve header.
 *
 * The ovn-ts rows time the built package (`dist/`) under plain `node`, the way users run it, in a child
 * process (`benchmarks/geneve-child.mjs`); `npm run bench` builds first.
 *
 * Run alone: `npm run build && npx vite-node benchmarks/geneve.ts` (prints a table, writes
 * benchmarks/results/geneve.json); or import {@link runGeneveBenchmarks} from a top-level runner.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GeneveFrameSpec } from "../src/geneve/index.js";
import { currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

/** One measured operation. */
export interface BenchRow {
  /** What was measured. */
  readonly name: string;
  /** Bytes produced or consumed per operation. */
  readonly bytes: number;
  /** Operations per CPU-second (ovn-ts). */
  readonly opsPerSec: number;
  /** CPU nanoseconds per operation (ovn-ts). */
  readonly nsPerOp: number;
  /** Nanoseconds to copy the same bytes into a preallocated buffer (`Uint8Array.prototype.set`): the floor. */
  readonly memcpyNsPerOp: number;
  /** `nsPerOp / memcpyNsPerOp`: how many plain memory copies one operation costs. */
  readonly xMemcpy: number;
  /**
   * Nanoseconds to allocate a new array and copy the bytes (`slice`): the floor for any API that returns fresh
   * bytes. V8 keeps typed arrays of at most 64 bytes on its heap; larger ones get a separate backing store,
   * which costs about a microsecond, so this jumps between 16-byte headers and whole frames.
   */
  readonly allocCopyNsPerOp: number;
  /** `nsPerOp / allocCopyNsPerOp`. */
  readonly xAllocCopy: number;
  /** scapy's operations per second for the same work, when scapy ran. */
  readonly scapyOpsPerSec?: number;
  /** `opsPerSec / scapyOpsPerSec`. */
  readonly speedupVsScapy?: number;
}

/** Result of {@link runGeneveBenchmarks}. */
export interface BenchResult {
  /** Suite name. */
  readonly suite: "geneve";
  /** ISO time of the run. */
  readonly date: string;
  /** Node.js version. */
  readonly node: string;
  /** scapy version, or null when /usr/bin/python3 with scapy is not available. */
  readonly scapy: string | null;
  /** The measurements. */
  readonly rows: readonly BenchRow[];
  /** buffer-layout vs DataView on the fixed 8-byte Geneve header (ns per op). */
  readonly bufferLayout: {
    readonly encodeNs: number;
    readonly decodeNs: number;
    readonly dataViewEncodeNs: number;
    readonly dataViewDecodeNs: number;
    readonly encodeSlowdown: number;
    readonly decodeSlowdown: number;
    /** ovn-ts `encodeGeneveHeaderInto` / `decodeGeneveHeader` on the same 8 bytes (checks, Writer/Reader). */
    readonly ovnTsEncodeIntoNs: number;
    readonly ovnTsDecodeNs: number;
  } | null;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const SCAPY_HELPER = join(HERE, "..", "test", "geneve", "scapy_geneve.py");
const PYTHON = "/usr/bin/python3";

let sink: unknown;

/** CPU time (user + system) of this process in nanoseconds. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * CPU nanoseconds per call of `fn`, over at least `minMs` of CPU time after a warm-up (iterations doubled
 * until long enough). CPU time rather than wall-clock time, so that other processes on a shared machine
 * distort the numbers less (scapy is timed the same way, with `time.process_time`).
 */
function measure(fn: () => unknown, minMs = 300): number {
  for (let i = 0; i < 2000; i++) sink = fn();
  let iters = 1000;
  for (;;) {
    const t0 = cpuNs();
    for (let i = 0; i < iters; i++) sink = fn();
    const dt = cpuNs() - t0;
    if (dt >= minMs * 1e6) return dt / iters;
    iters *= 2;
  }
}

function innerFrame(len: number): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x50, 0x54, 0, 0, 0, 2, 0x50, 0x54, 0, 0, 0, 1, 0x08, 0x00]);
  for (let i = 14; i < len; i++) f[i] = i & 0xff;
  return f;
}

function scapyBench(spec: unknown, n: number): Record<string, number> | null {
  try {
    const out = execFileSync(PYTHON, [SCAPY_HELPER, "bench", String(n)], { input: JSON.stringify([spec]), encoding: "utf8", timeout: 300_000 });
    return JSON.parse(out) as Record<string, number>;
  } catch {
    return null;
  }
}

function scapyVersion(): string | null {
  try {
    return execFileSync(PYTHON, ["-c", "import scapy; print(scapy.__version__)"], { encoding: "utf8", timeout: 60_000 }).trim();
  } catch {
    return null;
  }
}

interface BufferLayoutStruct {
  encode(src: object, b: Uint8Array, offset?: number): number;
  decode(b: Uint8Array, offset?: number): Record<string, number>;
}
interface BufferLayoutModule {
  struct(fields: unknown[]): BufferLayoutStruct;
  u8(p: string): unknown;
  u16be(p: string): unknown;
  u24be(p: string): unknown;
}

function bufferLayoutBench(ovnTsEncodeIntoNs: number, ovnTsDecodeNs: number): BenchResult["bufferLayout"] {
  let BL: BufferLayoutModule;
  try {
    BL = createRequire(import.meta.url)("buffer-layout") as BufferLayoutModule;
  } catch {
    return null;
  }
  const layout = BL.struct([BL.u8("verOptLen"), BL.u8("flags"), BL.u16be("protocolType"), BL.u24be("vni"), BL.u8("reserved")]);
  const value = { verOptLen: 0, flags: 0x40, protocolType: 0x6558, vni: 0x123456, reserved: 0 };
  const buf = Buffer.alloc(8);
  const dv = new DataView(buf.buffer, buf.byteOffset, 8);
  const encodeNs = measure(() => layout.encode(value, buf, 0));
  const decodeNs = measure(() => layout.decode(buf, 0));
  const dataViewEncodeNs = measure(() => {
    dv.setUint8(0, value.verOptLen);
    dv.setUint8(1, value.flags);
    dv.setUint16(2, value.protocolType);
    dv.setUint16(4, value.vni >>> 8);
    dv.setUint8(6, value.vni & 0xff);
    dv.setUint8(7, value.reserved);
    return dv;
  });
  const dataViewDecodeNs = measure(() => ({
    verOptLen: dv.getUint8(0),
    flags: dv.getUint8(1),
    protocolType: dv.getUint16(2),
    vni: (dv.getUint16(4) << 8) | dv.getUint8(6),
    reserved: dv.getUint8(7),
  }));
  return {
    encodeNs,
    decodeNs,
    dataViewEncodeNs,
    dataViewDecodeNs,
    encodeSlowdown: encodeNs / dataViewEncodeNs,
    decodeSlowdown: decodeNs / dataViewDecodeNs,
    ovnTsEncodeIntoNs,
    ovnTsDecodeNs,
  };
}

/** What `geneve-child.mjs rows` prints. */
interface ChildRows {
  readonly rows: readonly { name: string; bytes: number; nsPerOp: number; memcpyNsPerOp: number; allocCopyNsPerOp: number; scapy?: string }[];
  readonly headerEncodeIntoNs: number;
  readonly headerDecodeNs: number;
}

/** Runs the Geneve benchmarks and returns the numbers (also used by `benchmarks/geneve.ts` when run alone). */
export async function runGeneveBenchmarks(): Promise<BenchResult> {
  // the frames the child times, for scapy (same specs as geneve-child.mjs)
  const inner = innerFrame(98);
  const v4: GeneveFrameSpec = { ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" }, udp: { srcPort: 50000 }, geneve: { vni: 0x123456 }, inner };
  const v6: GeneveFrameSpec = { ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2" }, udp: { srcPort: 50000 }, geneve: { vni: 0x123456 }, inner };
  const child = JSON.parse(execFileSync("node", [join(HERE, "geneve-child.mjs"), "rows", currentDist()], { encoding: "utf8", maxBuffer: 1 << 20 })) as ChildRows;

  const scapy = scapyVersion();
  const toScapy = (s: GeneveFrameSpec) => ({
    ip: s.ip,
    udp: s.udp,
    geneve: { vni: 0x123456, options: [{ cls: 0x0102, type: 0x80, data: "00010002" }] },
    inner: Buffer.from(inner).toString("hex"),
  });
  const s4 = scapy ? scapyBench(toScapy(v4), 2000) : null;
  const s6 = scapy ? scapyBench(toScapy(v6), 2000) : null;

  const rows: BenchRow[] = child.rows.map((r) => {
    const [fam, key] = r.scapy ? (r.scapy.split(":") as [string, string]) : [];
    const scapyOps = key ? (fam === "6" ? s6 : s4)?.[key] : undefined;
    const opsPerSec = 1e9 / r.nsPerOp;
    return {
      name: r.name,
      bytes: r.bytes,
      opsPerSec,
      nsPerOp: r.nsPerOp,
      memcpyNsPerOp: r.memcpyNsPerOp,
      xMemcpy: r.nsPerOp / r.memcpyNsPerOp,
      allocCopyNsPerOp: r.allocCopyNsPerOp,
      xAllocCopy: r.nsPerOp / r.allocCopyNsPerOp,
      ...(scapyOps ? { scapyOpsPerSec: scapyOps, speedupVsScapy: opsPerSec / scapyOps } : {}),
    };
  });
  void sink;
  return { suite: "geneve", date: new Date().toISOString(), node: process.version, scapy, rows, bufferLayout: bufferLayoutBench(child.headerEncodeIntoNs, child.headerDecodeNs) };
}

/** Formats a result as a text table. */
export function formatGeneveTable(r: BenchResult): string {
  const fmt = (n: number | undefined, d = 0) => (n === undefined ? "-" : n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
  const head = ["operation", "bytes", "ops/cpu-s", "cpu ns/op", "memcpy ns", "× memcpy", "alloc+copy ns", "× alloc+copy", "scapy ops/cpu-s", "× scapy"];
  const lines = r.rows.map((x) => [
    x.name, String(x.bytes), fmt(x.opsPerSec), fmt(x.nsPerOp, 1), fmt(x.memcpyNsPerOp, 1), fmt(x.xMemcpy, 1),
    fmt(x.allocCopyNsPerOp, 1), fmt(x.xAllocCopy, 1), fmt(x.scapyOpsPerSec), fmt(x.speedupVsScapy, 1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [render(head), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(render)];
  out.push("", `node ${r.node}, scapy ${r.scapy ?? "not available"}`);
  const bl = r.bufferLayout;
  if (bl) {
    out.push(
      `buffer-layout, fixed 8-byte Geneve header: encode ${fmt(bl.encodeNs, 1)} ns vs DataView ${fmt(bl.dataViewEncodeNs, 1)} ns (${fmt(bl.encodeSlowdown, 1)}× slower); ` +
        `decode ${fmt(bl.decodeNs, 1)} ns vs DataView ${fmt(bl.dataViewDecodeNs, 1)} ns (${fmt(bl.decodeSlowdown, 1)}× slower); ` +
        `ovn-ts Writer/Reader on the same header: encodeGeneveHeaderInto ${fmt(bl.ovnTsEncodeIntoNs, 1)} ns, decodeGeneveHeader ${fmt(bl.ovnTsDecodeNs, 1)} ns`,
    );
  }
  return `${out.join("\n")}\n`;
}

if (isMain(import.meta.url)) {
  const result = await runGeneveBenchmarks();
  process.stdout.write(formatGeneveTable(result));
  const dir = join(HERE, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "geneve.json");
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}
