/**
 * Paired before/after benchmark of Geneve frame decoding and encoding (into caller memory): the built
 * working tree's `decodeGeneveFrame` and `encodeGeneveFrameInto` (`dist/`, from `npm run build`) against
 * the same functions of a git revision compiled the same way, both run by plain `node` in one child
 * process (`benchmarks/geneve-child.mjs`) in alternating short rounds, so machine load (which moves
 * `benchmarks/geneve.ts`'s absolute numbers by 2× on a shared machine) hits both sides alike. Prints the
 * median and quartiles of the per-round ratio new/old for an IPv4 and an IPv6 frame, each way.
 *
 * Compiled code, not TypeScript under vite-node: vite-node turns every call to a function of another
 * module into a read through a module object, so code moved into shared modules looks slower there than
 * it runs for users.
 *
 * Run: `npm run build && npx vite-node benchmarks/geneve-ab.ts [REV]` (default REV: HEAD). The old side is
 * built by {@link buildRevision} into the system's temp folder.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, buildRevision, currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

/** The revision the Geneve codec moved onto `src/bytes` from (then its packet helpers into `src/net`). */
export const GENEVE_BEFORE_BYTES = "4309463^";

/** One paired comparison, as `geneve-child.mjs ab` prints it. */
export interface GeneveAbRow {
  /** `frame decode` or `frame encode into caller memory`. */
  readonly what: string;
  /** `IPv4` or `IPv6`. */
  readonly frame: string;
  /** Median of the per-round time ratio new/old. */
  readonly median: number;
  /** First quartile. */
  readonly p25: number;
  /** Third quartile. */
  readonly p75: number;
}

/** Runs the paired comparison of `dist/` against `rev`, built; returns the ratios. */
export function compareGeneve(rev = "HEAD"): GeneveAbRow[] {
  const oldDist = buildRevision(rev, ["src/geneve/index.ts"]);
  const out = execFileSync("node", [join(ROOT, "benchmarks", "geneve-child.mjs"), "ab", oldDist, currentDist()], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out) as GeneveAbRow[];
}

/** Runs the paired comparison against `rev` and returns one line per frame and direction. */
export async function runGeneveAb(rev = "HEAD"): Promise<string[]> {
  return compareGeneve(rev).map(
    (r) => `${r.what} ${r.frame}: new/old time ratio median ${r.median.toFixed(3)} (quartiles ${r.p25.toFixed(3)}..${r.p75.toFixed(3)}) against ${rev}, compiled, plain node`,
  );
}

if (isMain(import.meta.url)) {
  const rev = process.argv.slice(2).find((a) => !a.startsWith("-") && !a.endsWith(".ts")) ?? "HEAD";
  for (const line of await runGeneveAb(rev)) process.stdout.write(`${line}\n`);
}
