/**
 * Test helper: runs one `parse-flow` command line through `ovn-ts ofctl` (in process) and the installed
 * `ovs-ofctl`, with stderr's log-line time stamps masked, for the generated-flow comparison.
 */
import { spawnSync } from "node:child_process";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** One side's result: stdout, stderr (program name and time stamps masked) and exit status. */
export interface Outcome {
  readonly out: string;
  readonly err: string;
  readonly code: number | null;
}

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|/gm;

/** `ovn-ts ofctl ARGS` in process. */
export async function oursOf(args: readonly string[]): Promise<Outcome> {
  const io = memoryIo("");
  const code = await main(["ofctl", ...args], io);
  return { code, out: io.stdout, err: io.stderr.replace(/^ovn-ts ofctl: /gm, "").replace(STAMP, "TIME|") };
}

/** `ovs-ofctl ARGS`. */
export function theirsOf(args: readonly string[]): Outcome {
  const r = spawnSync("ovs-ofctl", args, { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr.replace(/^ovs-ofctl: /gm, "").replace(STAMP, "TIME|") };
}

/** Drops log lines (`TIME|00001|module|LEVEL|...` and the hex dumps after them) from a masked stderr. */
export function withoutLog(err: string): string {
  return err
    .split("\n")
    .filter((l) => !l.startsWith("TIME|") && !/^[0-9a-f]{8}  /.test(l))
    .join("\n");
}
