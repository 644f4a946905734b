/**
 * The daemon options of Open vSwitch's tools (OVS 3.1 `lib/daemon.man`, `lib/daemon-unix.c`), shared by the
 * CLI's commands that daemonize: `ovn-ts ovsdb` (as ovsdb-client: `transact`, `query`, `monitor`,
 * `monitor-cond`, `monitor-cond-since`, `lock`, `steal`, `unlock`) and `ovn-ts ofctl monitor` (as ovs-ofctl).
 * Each tool names itself with a {@link DaemonProgram}.
 *
 * - `--detach`: the command goes on in the background in a new session; the foreground process
 *   exits 0 once the daemon has started (transact/query: at once; monitors: when the initial
 *   contents are printed; locks: when the first reply is printed), or with the daemon's own status
 *   when it fails before that. The daemon keeps the standard output and error, reads nothing from
 *   the standard input, answers `ovs-appctl` on `RUNDIR/ovsdb-client.PID.ctl` (or `--unixctl`), and
 *   changes its directory to `/` once started unless `--no-chdir`.
 * - `--pidfile[=FILE]`: the daemon's PID and a newline in FILE (default `RUNDIR/PROGRAM.pid`,
 *   a relative name is taken in RUNDIR), removed when it exits. A pidfile that names a running
 *   process refuses the start (`already running as pid N, aborting`) unless `--overwrite-pidfile`.
 * - `--monitor`: a supervising process starts the daemon again when it dies of SIGABRT, SIGALRM,
 *   SIGBUS, SIGFPE, SIGILL, SIGPIPE, SIGSEGV, SIGXCPU or SIGXFSZ (no more than once in 10 seconds),
 *   and exits when it ends in any other way.
 * - `--no-self-confinement` is accepted: ovn-ts confines nothing by itself.
 *
 * Node cannot fork, so a daemon is the same command line run again as a child process (marked by an
 * environment variable), which reports its start on a pipe as OVS's forked child does. Differences:
 * the pidfile is not held by an `fcntl` lock (Node has no `fcntl`). OVS calls a pidfile stale
 * when no process holds its lock; here it is stale when its PID is not running (or is a zombie),
 * or runs a process that started more than a second after the pidfile was written (the PID was
 * reused); a live process that started before the write is taken as the owner, even if it is an
 * unrelated process that got the PID of a daemon killed without cleaning up in between (OVS would
 * start). OVS's `ovs-appctl -t ovsdb-client` reads the pidfile only when it is locked, so give it
 * the control socket's path (`ovn-ts appctl -t ovsdb-client` reads the pidfile). The daemon opens
 * its own connection.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { readPidfile } from "../unixctl/target.js";
import type { CliIo } from "./io.js";

/** The tool a daemon mirrors: its name, the CLI's message prefix and its fatal errors. */
export interface DaemonProgram {
  /** The Open vSwitch program's name, which names the default pidfile (`ovsdb-client`, `ovs-ofctl`). */
  readonly name: string;
  /** The prefix of the CLI's own messages (`ovn-ts ovsdb`). */
  readonly cli: string;
  /** The error thrown for a fatal condition (the tool prints it as its other fatal errors). */
  readonly fatal: (message: string) => Error;
}

/** `$OVS_RUNDIR`, default `/var/run/openvswitch`. */
function rundir(): string {
  return process.env["OVS_RUNDIR"] ?? "/var/run/openvswitch";
}

/** The daemon options of one run (see the module documentation). */
export interface DaemonOptions {
  /** `--detach`. */
  detach: boolean;
  /** `--pidfile[=FILE]`: the file as given (`""` for the default name), or undefined without it. */
  pidfile: string | undefined;
  /** `--overwrite-pidfile`. */
  overwritePidfile: boolean;
  /** False with `--no-chdir`. */
  chdir: boolean;
  /** `--monitor`. */
  monitor: boolean;
  /** `--user USER[:GROUP]` as given (see user.ts), or undefined without it. */
  user: string | undefined;
}

/** Environment variable that marks a re-run command line as the daemon (`daemon`) or its supervisor (`monitor`). */
const ROLE_ENV = "OVN_TS_OVSDB_DAEMON_ROLE";
/** The child's descriptor for the pipe on which it reports its start (one byte, as OVS). */
const NOTIFY_FD = 3;
/** Deaths that `--monitor` answers with a restart (OVS `should_restart`). */
const RESTART_SIGNALS: ReadonlySet<string> = new Set(["SIGABRT", "SIGALRM", "SIGBUS", "SIGFPE", "SIGILL", "SIGPIPE", "SIGSEGV", "SIGXCPU", "SIGXFSZ"]);

/**
 * True in a process this module started (the daemon or its supervisor), which runs the command
 * line again: what the first process did before it (switching to `--user`) is done already.
 */
export function isDaemonChild(): boolean {
  return process.env[ROLE_ENV] !== undefined;
}

/** The pidfile's path: FILE in RUNDIR unless absolute; `RUNDIR/PROGRAM.pid` by default. */
export function pidfilePath(given: string, program: DaemonProgram): string {
  if (given === "") return join(rundir(), `${program.name}.pid`);
  return isAbsolute(given) ? given : join(rundir(), given);
}

/** How {@link daemonizeStart} went: this process ends with `status`, or runs the command as the daemon. */
export type DaemonStart = { readonly kind: "exit"; readonly status: number } | { readonly kind: "run"; readonly daemon: Daemon };

/** The running daemon (or the foreground process with only `--pidfile`): tells the waiting parent it has started. */
export class Daemon {
  private notified = false;
  constructor(
    /** True in a `--detach`ed daemon (it answers on the default control socket). */
    readonly detached: boolean,
    private readonly notifyFd: number | undefined,
    private readonly chdir: boolean,
  ) {}

  /** True once {@link Daemon.complete} ran. */
  get completed(): boolean {
    return this.notified;
  }

  /** OVS `daemonize_complete`: leaves the directory as `--detach` does, then reports the start to the waiting parent (once). */
  complete(): void {
    if (this.notified) return;
    this.notified = true;
    // in `/` before the parent returns, so whoever waits on the parent finds the daemon settled
    if (this.detached && this.chdir) process.chdir("/");
    if (this.notifyFd !== undefined) {
      try {
        writeSync(this.notifyFd, Buffer.of(0));
        closeSync(this.notifyFd);
      } catch {
        // the parent is gone: nothing waits for the start
      }
    }
  }
}

/**
 * OVS `daemonize_start` for `argv` (the command's arguments, which must be this process's own command
 * line: the daemon is that command line run again). Resolves to the status this process exits with (the
 * foreground of `--detach`, a `--monitor` supervisor) or to the daemon.
 */
export async function daemonizeStart(o: DaemonOptions, argv: readonly string[], io: CliIo, program: DaemonProgram): Promise<DaemonStart> {
  const role = process.env[ROLE_ENV];
  if (role === undefined && (o.detach || o.monitor)) {
    const own = process.argv.slice(-argv.length);
    if (argv.length === 0 || own.length !== argv.length || own.some((a, i) => a !== argv[i])) {
      throw program.fatal("--detach and --monitor need ovn-ts run as its own process (the daemon runs the same command line again)");
    }
  }
  if (role === undefined && o.detach) {
    // The foreground: start the daemon (or its supervisor) in a new session and wait for its start.
    const r = await forkAndWaitForStartup(o.monitor ? "monitor" : "daemon", true);
    if (r.started) return { kind: "exit", status: 0 };
    return { kind: "exit", status: startupFailure(r, io, program) };
  }
  if (o.monitor && role !== "daemon") return { kind: "exit", status: await monitorDaemon(io, role !== undefined, program) };
  if (role !== undefined) delete process.env[ROLE_ENV];
  if (o.pidfile !== undefined) makePidfile(pidfilePath(o.pidfile, program), o.overwritePidfile, program);
  return { kind: "run", daemon: new Daemon(o.detach, role !== undefined ? NOTIFY_FD : undefined, o.chdir) };
}

interface Forked {
  child: ChildProcess;
  started: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs this command line again as `role` and waits until it reports its start or exits. */
function forkAndWaitForStartup(role: "daemon" | "monitor", detached: boolean): Promise<Forked> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached,
    stdio: [detached ? "ignore" : "inherit", "inherit", "inherit", "pipe"],
    env: { ...process.env, [ROLE_ENV]: role },
  });
  return new Promise((resolve) => {
    const pipe = child.stdio[NOTIFY_FD] as NodeJS.ReadableStream & { destroy(): void };
    let started = false;
    pipe.on("data", () => {
      if (started) return;
      started = true;
      pipe.destroy();
      if (detached) child.unref();
      resolve({ child, started: true, code: null, signal: null });
    });
    pipe.on("error", () => undefined);
    child.on("error", () => resolve({ child, started: false, code: 1, signal: null }));
    child.on("exit", (code, signal) => {
      if (!started) resolve({ child, started: false, code, signal });
    });
  });
}

/** The status after a child died before it started (OVS: its own failure status, else 1 with why). */
function startupFailure(r: Forked, io: CliIo, program: DaemonProgram): number {
  if (r.code !== null && r.code !== 0) return r.code;
  io.err(`${program.cli}: fork child died before signaling startup (${r.signal ? `killed (${r.signal})` : `exit status ${r.code ?? 0}`})\n`);
  io.err(`${program.cli}: could not detach from foreground session\n`);
  return 1;
}

/** `--monitor`: runs the daemon, starts it again after a crash, exits when it ends otherwise (OVS `monitor_daemon`). */
async function monitorDaemon(io: CliIo, notifyParent: boolean, program: DaemonProgram): Promise<number> {
  let lastRestart = -Infinity;
  let notified = !notifyParent;
  for (;;) {
    const r = await forkAndWaitForStartup("daemon", false);
    if (r.started && !notified) {
      notified = true;
      try {
        writeSync(NOTIFY_FD, Buffer.of(0));
        closeSync(NOTIFY_FD);
      } catch {
        // nothing waits
      }
    }
    const end = r.started ? await exited(r.child) : { code: r.code, signal: r.signal };
    if (!r.started && !(end.signal && RESTART_SIGNALS.has(end.signal))) return startupFailure({ ...r, ...end }, io, program);
    if (!(end.signal && RESTART_SIGNALS.has(end.signal))) return 0;
    const wait = lastRestart + 10_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastRestart = Date.now();
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** OVS `make_pidfile`: refuses a pidfile of a running process (unless `overwrite`), writes ours, removes it at exit. */
function makePidfile(path: string, overwrite: boolean, program: DaemonProgram): void {
  if (!overwrite) {
    let pid: number | undefined;
    try {
      pid = readPidfile(path);
    } catch {
      // missing or stale: ours to take
    }
    if (pid !== undefined && pid !== process.pid && !startedAfter(pid, path)) throw program.fatal(`${path}: already running as pid ${pid}, aborting`);
  }
  const mine = `${process.pid}\n`;
  const tmp = `${path}.tmp${process.pid}`;
  try {
    writeFileSync(tmp, mine);
    renameSync(tmp, path);
  } catch (e) {
    throw program.fatal(`${path}: create failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  process.once("exit", () => {
    try {
      if (readFileSync(path, "utf8") === mine) unlinkSync(path);
    } catch {
      // already gone
    }
  });
}

/**
 * True when process `pid` started after `pidfile` was last written (Linux /proc: its start time in
 * clock ticks after boot, and the boot time), so it cannot be the process that wrote it: the PID was
 * reused by another process after the daemon died without removing its pidfile (OVS tells the two
 * apart by the pidfile's `fcntl` lock, which dies with its owner; Node cannot take one). False when
 * it cannot tell (no /proc), or within a second of the write.
 */
function startedAfter(pid: number, pidfile: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    // /proc counts in USER_HZ, 100 on every Linux architecture
    const startedMs = (btime + ticks / 100) * 1000;
    return Number.isFinite(startedMs) && startedMs > statSync(pidfile).mtimeMs + 1000;
  } catch {
    return false;
  }
}
