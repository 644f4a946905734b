/**
 * The same `ovs-ofctl` command line run two ways against a live switch from {@link startVswitchd}:
 * `ovn-ts ofctl` in-process and the installed `ovs-ofctl`, each as `{code, out, err}` with the
 * program's name taken off the front of its stderr lines, ready to compare.
 */
import { spawnSync } from "node:child_process";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import type { Vswitchd } from "./vswitchd.js";

/** One run's exit status and output. */
export interface OfctlRun {
  code: number | null;
  out: string;
  err: string;
}

/** What each side's stdout and stderr pass through before they are compared (e.g. masking durations). */
export interface OfctlNorm {
  out?: (s: string) => string;
  err?: (s: string) => string;
}

/**
 * Runners of one command line through `ovn-ts ofctl` (`ours`) and `ovs-ofctl` (`theirs`), on the
 * switch `sw()` gives when they run (a suite's switch starts in `beforeAll`).
 */
export function ofctlPair(sw: () => Vswitchd, norm: OfctlNorm = {}): { ours: (args: string[]) => Promise<OfctlRun>; theirs: (args: string[]) => OfctlRun } {
  const out = norm.out ?? ((s: string) => s);
  const err = norm.err ?? ((s: string) => s);
  return {
    ours: async (args) => {
      const io = memoryIo();
      const code = await ofctlCommand(args, io);
      return { code, out: out(io.stdout), err: err(io.stderr.replace(/^ovn-ts ofctl: /gm, "")) };
    },
    theirs: (args) => {
      const r = spawnSync("ovs-ofctl", args, { env: sw().env, encoding: "utf8", timeout: 30_000 });
      return { code: r.status, out: out(r.stdout), err: err(r.stderr.replace(/^ovs-ofctl: /gm, "")) };
    },
  };
}
