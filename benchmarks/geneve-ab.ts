/**
 * Paired before/after benchmark of Geneve frame decoding and encoding (into caller memory): the working
 * tree's `decodeGeneveFrame` and `encodeGeneveFrameInto` against the ones at a git revision, measured in alternating short rounds in one process, so machine load (which moves
 * `benchmarks/geneve.ts`'s absolute numbers by 2× on a shared machine) hits both sides alike. Prints the
 * median and quartiles of the per-round ratio new/old for an IPv4 and an IPv6 frame, each way.
 *
 * Run: `npx vite-node benchmarks/geneve-ab.ts [REV]` (default REV: HEAD). The old sources (`src/geneve`,
 * `src/bytes`, `src/net`) are exported with `git show` under `node_modules/.cache/geneve-ab/`.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as NEW from "../src/geneve/index.js";
import { isMain } from "./main.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Exports `src/geneve`, `src/bytes` and `src/net` at `rev` into a cache folder and returns the old `index.ts` path. */
function exportRevision(rev: string): string {
  const out = join(ROOT, "node_modules", ".cache", "geneve-ab");
  rmSync(out, { recursive: true, force: true });
  const files = execFileSync("git", ["ls-tree", "-r", "--name-only", rev, "src/geneve", "src/bytes", "src/net"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
  for (const f of files) {
    const dst = join(out, f);
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, execFileSync("git", ["show", `${rev}:${f}`], { cwd: ROOT, maxBuffer: 1 << 26 }));
  }
  return join(out, "src", "geneve", "index.ts");
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Ratio quartiles of new/old time, from `rounds` alternating pairs of `n` calls each. */
function compare(oldFn: () => unknown, newFn: () => unknown, rounds = 60, n = 30_000): { median: number; p25: number; p75: number } {
  let sink: unknown;
  const time = (fn: () => unknown) => {
    const t = cpuNs();
    for (let i = 0; i < n; i++) sink = fn();
    return (cpuNs() - t) / n;
  };
  for (let i = 0; i < 5; i++) time(oldFn), time(newFn);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // alternate which side runs first
    const a = r % 2 ? time(oldFn) : 0;
    const b = time(newFn);
    const c = r % 2 ? 0 : time(oldFn);
    ratios.push(b / (a || c));
  }
  void sink;
  ratios.sort((x, y) => x - y);
  const q = (p: number) => ratios[Math.floor(p * (ratios.length - 1))]!;
  return { median: q(0.5), p25: q(0.25), p75: q(0.75) };
}

/** Runs the paired comparison against `rev` and returns one line per frame. */
export async function runGeneveAb(rev = "HEAD"): Promise<string[]> {
  const OLD = (await import(exportRevision(rev))) as typeof NEW;
  const inner = new Uint8Array(98);
  inner.set([0x50, 0x54, 0, 0, 0, 2, 0x50, 0x54, 0, 0, 0, 1, 0x08, 0x00]);
  const geneve = { vni: 0x123456, options: [NEW.ovnOption(1, 2)] };
  const spec4 = { ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" }, udp: { srcPort: 50000 }, geneve, inner } as const;
  const spec6 = { ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2" }, udp: { srcPort: 50000 }, geneve, inner } as const;
  const out = new Uint8Array(512);
  const lines: string[] = [];
  for (const [name, spec] of [["IPv4", spec4], ["IPv6", spec6]] as const) {
    const frame = NEW.encodeGeneveFrame(spec);
    const line = (what: string, r: { median: number; p25: number; p75: number }) =>
      `${what} ${name}: new/old time ratio median ${r.median.toFixed(3)} (quartiles ${r.p25.toFixed(3)}..${r.p75.toFixed(3)}) against ${rev}`;
    lines.push(line("frame decode", compare(() => OLD.decodeGeneveFrame(frame), () => NEW.decodeGeneveFrame(frame))));
    lines.push(line("frame encode into caller memory", compare(() => OLD.encodeGeneveFrameInto(spec, out), () => NEW.encodeGeneveFrameInto(spec, out))));
  }
  return lines;
}

if (isMain(import.meta.url)) {
  const rev = process.argv.slice(2).find((a) => !a.startsWith("-") && !a.endsWith(".ts")) ?? "HEAD";
  for (const line of await runGeneveAb(rev)) process.stdout.write(`${line}\n`);
}
