/**
 * Paired before/after benchmark of OpenFlow 1.3 flow_mod encoding and decoding: the built working tree's
 * `encodeMessage` / `decodeMessage` (`dist/`, from `npm run build`) against the ones of a git revision
 * compiled the same way, over the flow corpus (`test/openflow/corpus/flows.txt`), both run by plain `node`
 * in one child process (`benchmarks/openflow-child.mjs`) in alternating short rounds so that machine load
 * hits both sides alike (as `benchmarks/geneve-ab.ts` does for Geneve). Prints the median and quartiles of
 * the per-round time ratio new/old, and each side's median throughput.
 *
 * Compiled code, not TypeScript under vite-node: vite-node turns every call to a function of another
 * module into a read through a module object, so code moved into shared modules looks slower there than
 * it runs for users.
 *
 * Run: `npm run build && npx vite-node benchmarks/openflow-ab.ts [REV]` (default REV: HEAD). The old side
 * is built by {@link buildRevision} into the system's temp folder.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, buildRevision, currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

/** The main branch just before the OpenFlow codec moved onto `src/bytes` (the merge of `of-codec`). */
export const OPENFLOW_BEFORE_BYTES = "7171fce^1";

/** One paired comparison, as `openflow-child.mjs ab` prints it. */
export interface OpenflowAbRow {
  /** `flow_mod encode` or `flow_mod decode`. */
  readonly what: string;
  /** Median of the per-round time ratio new/old. */
  readonly median: number;
  /** First quartile. */
  readonly p25: number;
  /** Third quartile. */
  readonly p75: number;
  /** The old side's median messages per CPU-second. */
  readonly oldPerSec: number;
  /** The new side's median messages per CPU-second. */
  readonly newPerSec: number;
}

/** Runs the paired comparison of `dist/` against `rev`, built; returns the ratios. */
export function compareOpenflow(rev = "HEAD"): OpenflowAbRow[] {
  const oldDist = buildRevision(rev, ["src/openflow/messages.ts"]);
  const corpus = join(ROOT, "test", "openflow", "corpus", "flows.txt");
  const out = execFileSync("node", [join(ROOT, "benchmarks", "openflow-child.mjs"), "ab", oldDist, currentDist(), corpus], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out) as OpenflowAbRow[];
}

/** Runs the paired comparison against `rev` and returns one line per benchmark. */
export async function runOpenflowAb(rev = "HEAD"): Promise<string[]> {
  return compareOpenflow(rev).map(
    (r) =>
      `${r.what}: new/old time ratio median ${r.median.toFixed(3)} (quartiles ${r.p25.toFixed(3)}..${r.p75.toFixed(3)}) against ${rev}, compiled, plain node; ` +
      `old ${(r.oldPerSec / 1e6).toFixed(2)} M/s, new ${(r.newPerSec / 1e6).toFixed(2)} M/s`,
  );
}

if (isMain(import.meta.url)) {
  const rev = process.argv.slice(2).find((a) => !a.startsWith("-") && !a.endsWith(".ts")) ?? "HEAD";
  for (const line of await runOpenflowAb(rev)) process.stdout.write(`${line}\n`);
}
