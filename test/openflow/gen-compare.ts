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

/**
 * The flows of `flows` that `parse-flow` prints (or refuses) differently under `ovs-ofctl` and `ovn-ts ofctl`
 * with `-O version` (none: no -O): stdout, the error without ovs-ofctl's log lines (warnings and hex dumps,
 * which we do not reproduce) and the exit status; each described with both sides' output.
 */
export async function parseFlowDiffs(flows: readonly string[], version: string | undefined): Promise<string[]> {
  const diffs: string[] = [];
  for (const flow of flows) {
    const args = [...(version ? ["-O", version] : []), "parse-flow", flow];
    const [a, b] = [theirsOf(args), await oursOf(args)];
    if (a.out !== b.out || withoutLog(a.err) !== withoutLog(b.err) || a.code !== b.code) diffs.push(`${version ?? "-"}|${flow}\n ovs(${a.code}): ${a.out}${a.err}\n ours(${b.code}): ${b.out}${b.err}`);
  }
  return diffs;
}

/** The hex of the flow_mod `ovs-ofctl -O version parse-flow flow` writes (from its `-mmmmm` dump); undefined when it refuses the flow. */
export function ovsFlowModHex(version: string, flow: string): string | undefined {
  const r = spawnSync("ovs-ofctl", ["-O", version, "-mmmmm", "parse-flow", flow], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  if (r.status !== 0) return undefined;
  return r.stdout
    .split("\n")
    .filter((l) => /^[0-9a-f]{8}  /.test(l))
    .map((l) => l.slice(10, 58).replace(/[- ]/g, ""))
    .join("");
}

/** How `ofp-print HEX` differs between the two tools (stdout and exit status), or undefined when it agrees. */
export async function ofpPrintDiff(hex: string): Promise<string | undefined> {
  const [a, b] = [theirsOf(["ofp-print", hex]), await oursOf(["ofp-print", hex])];
  return a.out === b.out && a.code === b.code ? undefined : `ovs: ${a.out}\n ours: ${b.out}`;
}
