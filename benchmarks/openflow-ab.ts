/**
 * Paired before/after benchmark of OpenFlow 1.3 flow_mod encoding and decoding: the working tree's
 * `encodeMessage` / `decodeMessage` against the ones at a git revision, over the flow corpus
 * (`test/openflow/corpus/flows.txt`), measured in alternating short rounds in one process so that machine
 * load hits both sides alike (as `benchmarks/geneve-ab.ts` does for Geneve). Prints the median and
 * quartiles of the per-round time ratio new/old, and each side's median throughput.
 *
 * Run: `npx vite-node benchmarks/openflow-ab.ts [REV]` (default REV: HEAD). The old `src/` is exported with
 * `git show` under `node_modules/.cache/openflow-ab/`.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as NEW from "../src/openflow/messages.js";
import { parseFlow } from "../src/openflow/flowtext.js";
import { isMain } from "./main.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Exports `src/` at `rev` into a cache folder and returns the old `src/openflow/messages.ts` path. */
function exportRevision(rev: string): string {
  const out = join(ROOT, "node_modules", ".cache", "openflow-ab");
  rmSync(out, { recursive: true, force: true });
  const files = execFileSync("git", ["ls-tree", "-r", "--name-only", rev, "src"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
  for (const f of files) {
    if (!f.endsWith(".ts") && !f.endsWith(".json")) continue;
    const dst = join(out, f);
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, execFileSync("git", ["show", `${rev}:${f}`], { cwd: ROOT, maxBuffer: 1 << 26 }));
  }
  return join(out, "src", "openflow", "messages.ts");
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

interface Ratio {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly oldPerSec: number;
  readonly newPerSec: number;
}

/** Ratio quartiles of new/old time per call, from `rounds` alternating pairs of `n` calls each. */
function compare(oldFn: (i: number) => unknown, newFn: (i: number) => unknown, rounds = 30, n = 20_000): Ratio {
  let sink: unknown;
  const time = (fn: (i: number) => unknown) => {
    const t = cpuNs();
    for (let i = 0; i < n; i++) sink = fn(i);
    return (cpuNs() - t) / n;
  };
  for (let i = 0; i < 5; i++) time(oldFn), time(newFn);
  const ratios: number[] = [];
  const olds: number[] = [];
  const news: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = r % 2 ? time(oldFn) : 0;
    const b = time(newFn);
    const c = r % 2 ? 0 : time(oldFn);
    ratios.push(b / (a || c));
    olds.push(a || c);
    news.push(b);
  }
  void sink;
  const q = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))]!;
  return { median: q(ratios, 0.5), p25: q(ratios, 0.25), p75: q(ratios, 0.75), oldPerSec: 1e9 / q(olds, 0.5), newPerSec: 1e9 / q(news, 0.5) };
}

/** Runs the paired comparison against `rev` and returns one line per benchmark. */
export async function runOpenflowAb(rev = "HEAD"): Promise<string[]> {
  const OLD = (await import(exportRevision(rev))) as typeof NEW;
  const corpus = readFileSync(join(ROOT, "test/openflow/corpus/flows.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
  const messages = corpus.map((f, i) => ({ type: "flow_mod" as const, ...parseFlow(f), xid: i + 1 }));
  const encoded = messages.map((m) => NEW.encodeMessage(m).slice());
  for (let i = 0; i < messages.length; i++) {
    if (Buffer.compare(Buffer.from(OLD.encodeMessage(messages[i]!)), Buffer.from(encoded[i]!)) !== 0) throw new Error(`old and new encoders disagree on flow ${i}`);
  }
  const k = messages.length;
  const lines: string[] = [];
  const line = (what: string, r: Ratio) =>
    `${what}: new/old time ratio median ${r.median.toFixed(3)} (quartiles ${r.p25.toFixed(3)}..${r.p75.toFixed(3)}) against ${rev}; ` +
    `old ${(r.oldPerSec / 1e6).toFixed(2)} M/s, new ${(r.newPerSec / 1e6).toFixed(2)} M/s`;
  lines.push(
    line(
      "flow_mod encode",
      compare((i) => OLD.encodeMessage(messages[i % k]!), (i) => NEW.encodeMessage(messages[i % k]!)),
    ),
  );
  lines.push(line("flow_mod decode", compare((i) => OLD.decodeMessage(encoded[i % k]!), (i) => NEW.decodeMessage(encoded[i % k]!))));
  return lines;
}

if (isMain(import.meta.url)) {
  const rev = process.argv.slice(2).find((a) => !a.startsWith("-") && !a.endsWith(".ts")) ?? "HEAD";
  for (const line of await runOpenflowAb(rev)) process.stdout.write(`${line}\n`);
}
