/**
 * Paired before/after benchmark of sequential pod creation through `OvnNb` (the OVN benchmark's
 * per-pod transaction, `benchmarks/ovn-pods-child.mjs api`): the built working tree (`dist/`, from
 * `npm run build`) against a git revision compiled the same way ({@link buildRevision}), both under
 * plain `node`, alternating old/new runs, each on a fresh `ovsdb-server`, so that machine load hits
 * both alike. Prints each run's wall time and CPU time (of the client process) per pod, and the
 * medians; CPU time per pod is the steadier figure on a loaded machine.
 *
 * Run: `npm run build && npx vite-node benchmarks/ovn-ab.ts [REV] [PODS] [ROUNDS] [CONCURRENCY]`
 * (defaults: HEAD, 3000, 3, 1).
 *
 * @module
 */
import { freshNb, oursPods } from "./ovn.js";
import { buildRevision, currentDist } from "./build-rev.js";
import { isMain } from "./main.js";

/** One side's runs: wall ms per pod and client CPU ms per pod. */
export interface OvnAbSide {
  readonly msPerPod: number[];
  readonly cpuMsPerPod: number[];
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `rounds` alternating old/new runs of `pods` pods each; returns both sides. */
export async function compareOvnPods(rev = "HEAD", pods = 3000, rounds = 3, concurrency = 1): Promise<{ old: OvnAbSide; new: OvnAbSide }> {
  const oldDist = buildRevision(rev, ["src/ovn/index.ts", "src/ovsdb/index.ts"]);
  const sides = { old: { msPerPod: [] as number[], cpuMsPerPod: [] as number[] }, new: { msPerPod: [] as number[], cpuMsPerPod: [] as number[] } };
  for (let r = 0; r < rounds; r++) {
    for (const [name, dist] of (r % 2 === 0 ? [["old", oldDist], ["new", currentDist()]] : [["new", currentDist()], ["old", oldDist]]) as ["old" | "new", string][]) {
      const s = await freshNb();
      try {
        const out = await oursPods(s.unix, pods, concurrency, "ab", "replica", dist);
        sides[name].msPerPod.push(out.ms / pods);
        sides[name].cpuMsPerPod.push(out.cpuMs / pods);
        process.stdout.write(`${name} run ${r + 1}: ${(out.ms / pods).toFixed(3)} ms/pod, client CPU ${(out.cpuMs / pods).toFixed(3)} ms/pod\n`);
      } finally {
        await s.stop();
      }
    }
  }
  return sides;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.endsWith(".ts"));
  const [rev = "HEAD", pods = "3000", rounds = "3", conc = "1"] = args;
  const r = await compareOvnPods(rev, Number(pods), Number(rounds), Number(conc));
  process.stdout.write(
    `median against ${rev}: old ${median(r.old.msPerPod).toFixed(3)} ms/pod (CPU ${median(r.old.cpuMsPerPod).toFixed(3)}), ` +
      `new ${median(r.new.msPerPod).toFixed(3)} ms/pod (CPU ${median(r.new.cpuMsPerPod).toFixed(3)}); ` +
      `new/old wall ${(median(r.new.msPerPod) / median(r.old.msPerPod)).toFixed(2)}, CPU ${(median(r.new.cpuMsPerPod) / median(r.old.cpuMsPerPod)).toFixed(2)}\n`,
  );
}
