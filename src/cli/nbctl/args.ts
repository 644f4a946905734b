/**
 * `ovn-nbctl`'s command line: global options (`--db`, `--timeout`, `--wait`, the output formats, ...)
 * and commands separated by `--`, each checked against its spec (argument counts, options) before
 * anything connects.
 *
 * @module
 */
import { type TableStyle, defaultTableStyle } from "../../ovsdb/text/table.js";
import { UsageError } from "../io.js";
import { closest } from "../suggest.js";
import { COMMANDS, COMMAND_OPTIONS } from "./commands.js";

/** A parsed `ovn-nbctl` command line. */
export interface Parsed {
  db: string;
  timeoutSec: number | undefined;
  wait: "none" | "sb" | "hv";
  style: TableStyle;
  columns: string[] | undefined;
  oneline: boolean;
  /** `--dry-run`: check the transaction but never commit it. */
  dryRun: boolean;
  commands: { name: string; args: string[]; opts: Map<string, string | true> }[];
}

const GLOBAL_VALUE = new Set(["--db", "-t", "--timeout", "--wait", "-f", "--format", "-d", "--data"]);
const GLOBAL_FLAG = new Set(["--dry-run", "--no-wait", "--no-headings", "--bare", "--pretty", "--oneline", "--no-leader-only", "--leader-only", "--no-syslog", "-v", "--verbose", "--shuffle-remotes", "--no-shuffle-remotes"]);

/**
 * Parses ovn-nbctl's command line: global options, then commands separated by `--`, each with its own
 * options. A first segment of options only (`--db=X -- CMD`) holds global options, and the command
 * options in it go to the first command, as getopt stops at the first `--` in ovn-nbctl.
 */
export function parseNbctlArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Parsed {
  const p: Parsed = { db: env["OVN_NB_DB"] ?? "unix:/var/run/ovn/ovnnb_db.sock", timeoutSec: undefined, wait: "none", style: defaultTableStyle(), columns: undefined, oneline: false, dryRun: false, commands: [] };
  p.style.format = "list";
  const segments: string[][] = [[]];
  for (const a of argv) {
    if (a === "--") segments.push([]);
    else segments[segments.length - 1]!.push(a);
  }
  // getopt stops at the first "--": options before it are global (and the first command's)
  let carried = new Map<string, string | true>();
  const first = segments[0]!;
  const optionsOnly = segments.length > 1 && first.every((x, k) => x.startsWith("-") || (k > 0 && GLOBAL_VALUE.has(first[k - 1]!) && !first[k - 1]!.includes("=")));
  segments.forEach((seg, i) => {
    let j = 0;
    const opts = carried;
    carried = new Map();
    for (; j < seg.length && seg[j]!.startsWith("-") && seg[j] !== "-"; j++) {
      const a = seg[j]!;
      const eq = a.indexOf("=");
      let name = eq >= 0 ? a.slice(0, eq) : a;
      let value: string | true = eq >= 0 ? a.slice(eq + 1) : true;
      if (i === 0 && !GLOBAL_VALUE.has(name) && !GLOBAL_FLAG.has(name) && !COMMAND_OPTIONS.has(name)) throw new UsageError(`unrecognized option '${a}'`);
      if (i === 0 && (GLOBAL_VALUE.has(name) || GLOBAL_FLAG.has(name))) {
        if (GLOBAL_VALUE.has(name) && value === true) {
          value = seg[++j] ?? "";
          if (j >= seg.length) throw new UsageError(`option '${name}' requires an argument`);
        }
        if (name === "-t") name = "--timeout";
        if (name === "-f") name = "--format";
        if (name === "-d") name = "--data";
        switch (name) {
          case "--db":
            p.db = value as string;
            break;
          case "--timeout":
            if (!/^\d+$/.test(String(value)) || Number(value) === 0) throw new UsageError(`value ${String(value)} on -t or --timeout is invalid`);
            p.timeoutSec = Number(value);
            break;
          case "--wait":
            if (value !== "none" && value !== "sb" && value !== "hv") throw new UsageError(`argument to --wait must be "none", "sb", or "hv"`);
            p.wait = value;
            break;
          case "--no-wait":
            p.wait = "none";
            break;
          case "--format":
            p.style.format = value as TableStyle["format"];
            break;
          case "--data":
            p.style.cell = value as TableStyle["cell"];
            break;
          case "--no-headings":
            p.style.headings = false;
            break;
          case "--bare":
            p.style.format = "list";
            p.style.cell = "bare";
            p.style.headings = false;
            break;
          case "--pretty":
            p.style.pretty = true;
            break;
          case "--oneline":
            p.oneline = true;
            break;
          case "--dry-run":
            p.dryRun = true;
            break;
        }
        continue;
      }
      if (name === "--columns" && i === 0) {
        p.columns = String(value).split(",");
      }
      opts.set(name, value);
    }
    const name = seg[j];
    if (i === 0 && optionsOnly) {
      carried = opts;
      return;
    }
    // Empty segments ("A -- -- B", a trailing "--") are skipped, as ovn-nbctl does.
    if (name === undefined) {
      if (opts.size > 0 || seg.length > 0) throw new UsageError("missing command name (use --help for help)");
      return;
    }
    const spec = COMMANDS[name];
    if (!spec) {
      const near = closest(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command '${name}'; use --help for help`, near ? `did you mean '${near}'?` : undefined);
    }
    const args = seg.slice(j + 1);
    if (args.length < spec.min) throw new UsageError(`'${name}' command requires at least ${spec.min} arguments`);
    if (args.length > spec.max) {
      const note = args.some((a) => a.startsWith("-")) ? ' (note that options must precede command names and follow a "--" argument)' : "";
      throw new UsageError(`'${name}' command takes at most ${spec.max} arguments${note}`);
    }
    for (const o of opts.keys()) {
      if (o === "--columns" || o === "--id") continue;
      if (!(spec.options ?? []).includes(o)) throw new UsageError(`'${name}' command has no '${o}' option`);
    }
    p.commands.push({ name, args, opts });
  });
  if (p.commands.length === 0) throw new UsageError("missing command name (use --help for help)");
  return p;
}

