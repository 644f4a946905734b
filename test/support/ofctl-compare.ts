/**
 * `ovn-ts ofctl` and the installed `ovs-ofctl` run on the same arguments, for tests that compare the two:
 * exit status, stdout, and stderr without the program name (ovs-ofctl's log lines and hex dumps on stderr
 * are not part of the comparison).
 */
import { spawnSync } from "node:child_process";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** What one run printed and returned. */
export interface OfctlRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `ovn-ts ofctl ARGS` in process, `stdin` as its input. */
export async function ofctlOurs(args: readonly string[], stdin = ""): Promise<OfctlRun> {
  const io = memoryIo(stdin);
  const code = await main(["ofctl", ...args], io);
  return { code, out: io.stdout, err: io.stderr.replace(/^ovn-ts ofctl: /gm, "") };
}

/** The installed `ovs-ofctl ARGS`, `stdin` as its input. */
export function ofctlTheirs(args: readonly string[], stdin = ""): OfctlRun {
  const r = spawnSync("ovs-ofctl", args, { encoding: "utf8", input: stdin });
  const err = r.stderr
    .split("\n")
    .filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z\|/.test(l) && !/^[0-9a-f]{8}  /.test(l))
    .join("\n")
    .replace(/^ovs-ofctl: /gm, "");
  return { code: r.status, out: r.stdout, err };
}

/**
 * Runs `ARGS` through both tools and returns `undefined` when exit status, stdout and stderr agree, else
 * the difference described for a test's failure message (`LABEL`, then each tool's status and output).
 */
export async function ofctlDifference(args: readonly string[], label = args[args.length - 1] ?? ""): Promise<string | undefined> {
  const [o, r] = [await ofctlOurs(args), ofctlTheirs(args)];
  if (o.code === r.code && o.out === r.out && o.err === r.err) return undefined;
  return `${label}\n  ours ${o.code}: ${o.out}${o.err}\n  ovs  ${r.code}: ${r.out}${r.err}`;
}
