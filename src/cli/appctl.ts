/**
 * `ovn-ts appctl`: mirrors `ovs-appctl` (OVS 3.1 `utilities/ovs-appctl.c`): the same options
 * (`-t/--target`, `-T/--timeout`, `-e`, `-h`, `-o`, `-V`), the same `-t NAME` lookup of
 * `RUNDIR/NAME.pid` → `RUNDIR/NAME.PID.ctl` (`OVS_RUNDIR`, default `/var/run/openvswitch`; a target
 * starting with `/` is the socket), the same output (the reply verbatim on stdout, an error reply
 * on stderr) and exit statuses: 0 ok, 2 when the daemon returns an error, 1 for a usage or
 * connection failure, 142 (128 + SIGALRM, what a shell reports for `ovs-appctl` killed by its
 * alarm) when `--timeout`/`OVS_CTL_TIMEOUT` expires.
 *
 * @module
 */
import { UnixctlClient } from "../unixctl/client.js";
import { UnixctlCommandError, UnixctlConnectError, UnixctlPidfileError, UnixctlProtocolError, UnixctlTimeoutError, strerror } from "../unixctl/errors.js";
import { resolveTarget } from "../unixctl/target.js";
import type { CliCommand, CliIo } from "./io.js";

const PROG = "ovn-ts appctl";

/** Exit status of a command killed by SIGALRM, as a shell reports it (128 + 14). */
const ALARM_STATUS = 142;

class Fatal extends Error {
  constructor(message: string) {
    super(message);
  }
}

interface Parsed {
  target: string;
  timeoutSecs: number;
  command: string;
  args: string[];
}

const USAGE = `${PROG}, for querying and controlling Open vSwitch daemon
usage: ${PROG} [TARGET] COMMAND [ARG...]
Targets:
  -t, --target=TARGET  pidfile or socket to contact
Common commands:
  list-commands      List commands supported by the target
  version            Print version of the target
  vlog/list          List current logging levels
  vlog/list-pattern  List logging patterns for each destination.
  vlog/set [SPEC]
      Set log levels as detailed in SPEC, which may include:
      A valid module name (all modules, by default)
      'syslog', 'console', 'file' (all destinations, by default))
      'off', 'emer', 'err', 'warn', 'info', or 'dbg' ('dbg', bydefault)
  vlog/reopen        Make the program reopen its log file
Other options:
  --timeout=SECS     wait at most SECS seconds for a response
  -h, --help         Print this helpful information
  -V, --version      Display ovs-appctl version information
`;

const LONG = ["--target", "--execute", "--help", "--option", "--version", "--timeout"] as const;

/** Parses argv as getopt_long with "+" (options stop at the first non-option). Returns a number to exit with at once. */
function parse(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Parsed | number {
  let target: string | undefined;
  let timeout = 0;
  let executes = 0;
  let i = 0;
  const setTarget = (v: string) => {
    if (target !== undefined) throw new Fatal("-t or --target may be specified only once");
    target = v;
  };
  const setTimeout = (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) === 0 || Number(v) > 0xffffffff) throw new Fatal(`value ${v} on -T or --timeout is invalid`);
    timeout = Number(v);
  };
  const needArg = (opt: string, inline: string | undefined, short: boolean): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined) {
      throw new Fatal(short ? `option requires an argument -- '${opt}'` : `option '${opt}' requires an argument`);
    }
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a : a.slice(0, eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      const matches = LONG.filter((l) => l.startsWith(name));
      const full = LONG.find((l) => l === name) ?? (matches.length === 1 ? matches[0] : undefined);
      if (!full) throw new Fatal(matches.length > 1 ? `option '${name}' is ambiguous` : `unrecognized option '${a}'`);
      if (full === "--target") setTarget(needArg(full, inline, false));
      else if (full === "--timeout") setTimeout(needArg(full, inline, false));
      else if (inline !== undefined) throw new Fatal(`option '${full}' doesn't allow an argument`);
      else if (full === "--help") return (io.out(USAGE), 0);
      else if (full === "--version") return (io.out("ovn-ts appctl (ovn-ts) 0.1.0\n"), 0);
      else if (full === "--option") return (io.out(LONG.map((l) => `${l}${l === "--target" || l === "--timeout" ? "=ARG" : ""}\n`).join("")), 0);
      else if (executes++) throw new Fatal("-e or --execute may be speciifed only once");
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const rest = a.slice(j + 1);
        if (c === "t" || c === "T") {
          const v = needArg(c, rest === "" ? undefined : rest, true);
          if (c === "t") setTarget(v);
          else setTimeout(v);
          break;
        }
        if (c === "h") return (io.out(USAGE), 0);
        if (c === "V") return (io.out("ovn-ts appctl (ovn-ts) 0.1.0\n"), 0);
        if (c === "o") return (io.out(LONG.map((l) => `${l}\n`).join("")), 0);
        if (c === "e") {
          if (executes++) throw new Fatal("-e or --execute may be speciifed only once");
          continue;
        }
        throw new Fatal(`invalid option -- '${c}'`);
      }
      continue;
    }
    break;
  }
  if (timeout === 0) {
    const e = env["OVS_CTL_TIMEOUT"];
    if (e && /^\d+$/.test(e)) timeout = Number(e);
  }
  if (i >= argv.length) throw new Fatal("at least one non-option argument is required (use --help for help)");
  return { target: target ?? "ovs-vswitchd", timeoutSecs: timeout, command: argv[i]!, args: argv.slice(i + 1) };
}

/** Runs `ovn-ts appctl ARGS...`; see the module documentation for the exit statuses. */
export async function runAppctl(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let p: Parsed | number;
  try {
    p = parse(argv, io, env);
  } catch (e) {
    if (e instanceof Fatal) {
      io.err(`${PROG}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (typeof p === "number") return p;
  const { target, command, args } = p;
  const timeoutMs = p.timeoutSecs * 1000;
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
  const alarm = () => {
    io.err(`${PROG}: terminating with signal 14 (Alarm clock)\n`);
    return ALARM_STATUS;
  };
  let path: string;
  let client: UnixctlClient;
  try {
    path = resolveTarget(target, env["OVS_RUNDIR"] ? { rundir: env["OVS_RUNDIR"] } : {});
    client = await UnixctlClient.connect(path, deadline ? { connectTimeoutMs: timeoutMs } : {});
  } catch (e) {
    if (e instanceof UnixctlPidfileError || e instanceof UnixctlConnectError) {
      if (e instanceof UnixctlConnectError && e.code === "ETIMEDOUT" && deadline) return alarm();
      io.err(`${PROG}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  try {
    const result = await client.call(command, args, deadline ? { timeoutMs: Math.max(1, deadline - Date.now()) } : {});
    io.out(result);
    return 0;
  } catch (e) {
    if (e instanceof UnixctlCommandError) {
      io.err(e.text);
      io.err(`${PROG}: ${target}: server returned an error\n`);
      return 2;
    }
    if (e instanceof UnixctlTimeoutError) return alarm();
    const code = e instanceof UnixctlProtocolError ? (e.reason.startsWith("unexpected") ? "EINVAL" : "EPROTO") : "code" in (e as object) ? ((e as { code?: string }).code ?? "EOF") : "EOF";
    io.err(`${PROG}: ${target}: transaction error (${code === "EOF" ? "End of file" : strerror(code)})\n`);
    return 1;
  } finally {
    client.close();
  }
}

/** The `appctl` subcommand. */
export const appctlCommand: CliCommand = (argv, io) => runAppctl(argv, io);
