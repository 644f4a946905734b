/**
 * A/B of the model benchmark's two gated figures between builds (not part of `npm run bench`):
 * the 10,000-pod first apply over its floor, and the proof manifest's first apply, floor and no-op
 * re-apply, each build's child run interleaved with the other's, on fresh real `ovsdb-server`s.
 * Besides wall time it reports the child's CPU time and the server's (from /proc), which a shared
 * machine disturbs less.
 *
 *   npx vite-node benchmarks/model-ab.ts ROOT_A ROOT_B [ROUNDS]
 *
 * ROOT is a directory holding `dist/` and `benchmarks/model-child.mjs` (e.g. this worktree, and a
 * copy of an older build). `MODEL_AB=pods,proof` picks the parts. `CHILD_ARGS` are Node.js options
 * for every child; `CHILD_ARGS_A` / `CHILD_ARGS_B` for ROOT_A's / ROOT_B's only (the same ROOT given
 * twice, once with a trailing `/`, compares V8 options on one build).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";
import { modelBenchManifest, proofManifest, replayRaw } from "./model.js";

interface Child {
  totalMs: number;
  cpuMs: number;
  mainThreadCpuMs: number;
  transactions: number;
  operations: number;
  applyMs: number;
  resolveMs: number;
  loadMs: number;
  openMs: number;
  maxRssMb: number;
  failed: unknown[];
}

/** utime + stime of a process, ms. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

function child(root: string, remote: string, manifest: string, capture?: string): Child {
  // CHILD_ARGS: node options for every child; CHILD_ARGS_A / CHILD_ARGS_B: for ROOT_A's / ROOT_B's only
  const own = process.env[root === process.argv[2] ? "CHILD_ARGS_A" : "CHILD_ARGS_B"] ?? "";
  const out = execFileSync("node", [...`${process.env["CHILD_ARGS"] ?? ""} ${own}`.split(" ").filter(Boolean), join(root, "benchmarks/model-child.mjs"), remote, manifest, ...(capture ? [capture] : [])], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out) as Child;
}

const fmt = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}` : "-");
const fmt2 = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : "-");

async function main(): Promise<void> {
  const [a, b, roundsText] = process.argv.slice(2);
  if (!a || !b) throw new Error("usage: model-ab.ts ROOT_A ROOT_B [ROUNDS]");
  const rounds = Number(roundsText ?? 3);
  const parts = (process.env["MODEL_AB"] ?? "pods,proof").split(",");
  const pods = Number(process.env["MODEL_BENCH_PODS"] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-ab-"));
  const podsFile = join(dir, "pods.yaml");
  const proofFile = join(dir, "proof.yaml");
  writeFileSync(podsFile, modelBenchManifest(pods));
  writeFileSync(proofFile, proofManifest(pods));
  type Acc = Record<string, number[]>;
  const acc: Record<string, Acc> = { [a]: {}, [b]: {} };
  const put = (root: string, k: string, v: number) => (acc[root]![k] ??= []).push(v);
  const fresh = () => startOvsdbServer({ schemas: ["OVN_Northbound"] });
  try {
    for (let r = 0; r < rounds; r++) {
      for (const root of r % 2 ? [b, a] : [a, b]) {
        for (const [part, file] of [
          ["pods", podsFile],
          ["proof", proofFile],
        ] as const) {
          if (!parts.includes(part)) continue;
          const cap = join(dir, `cap-${part}.json`);
          const s = await fresh();
          let first: Child;
          try {
            const c0 = cpuOf(s.daemon.pid);
            first = child(root, s.unix, file, cap);
            const serverMs = cpuOf(s.daemon.pid) - c0;
            if (first.failed.length) console.log(`${root} ${part}: ${first.failed.length} refused`);
            put(root, `${part} first ms`, first.totalMs);
            put(root, `${part} first cpu ms`, first.cpuMs);
            put(root, `${part} first main ms`, first.mainThreadCpuMs);
            put(root, `${part} first server cpu ms`, serverMs);
            put(root, `${part} first rss MB`, first.maxRssMb);
            put(root, `${part} first apply ms`, first.applyMs);
            if (part === "proof") {
              const c1 = cpuOf(s.daemon.pid);
              const n = child(root, s.unix, file);
              if (n.transactions !== 0) throw new Error(`${root}: no-op sent ${n.transactions}`);
              put(root, "proof noop ms", n.totalMs);
              put(root, "proof noop cpu ms", n.cpuMs);
              put(root, "proof noop main ms", n.mainThreadCpuMs);
              put(root, "proof noop server cpu ms", cpuOf(s.daemon.pid) - c1);
            }
          } finally {
            await s.stop();
          }
          const sent = JSON.parse(readFileSync(cap, "utf8")) as unknown[][];
          const f = await fresh();
          try {
            // one warm-up replay (not counted) on a throwaway server first
            const w = await fresh();
            try {
              await replayRaw(w.unix.replace(/^unix:/, ""), sent);
            } finally {
              await w.stop();
            }
            const c0 = cpuOf(f.daemon.pid);
            const ms = await replayRaw(f.unix.replace(/^unix:/, ""), sent);
            put(root, `${part} floor ms`, ms);
            put(root, `${part} floor server cpu ms`, cpuOf(f.daemon.pid) - c0);
            put(root, `${part} ratio`, first.totalMs / ms);
          } finally {
            await f.stop();
          }
          console.log(`${root} ${part}: first ${first.totalMs.toFixed(0)} ms (cpu ${first.cpuMs.toFixed(0)}, main ${first.mainThreadCpuMs}), ${first.transactions} tx ${first.operations} ops, ratio ${acc[root]![`${part} ratio`]!.at(-1)!.toFixed(2)}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const keys = [...new Set([...Object.keys(acc[a]!), ...Object.keys(acc[b]!)])];
  console.log(`\n| figure | ${a} | ${b} |\n| --- | --- | --- |`);
  for (const k of keys) {
    const f = k.endsWith("ratio") ? fmt2 : fmt;
    console.log(`| ${k} | ${f(acc[a]![k] ?? [])} | ${f(acc[b]![k] ?? [])} |`);
  }
}

await main();
