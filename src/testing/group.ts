/**
 * Internal: a group of daemons sharing one sandbox directory, started in order, stopped in reverse
 * order by PID, with their logs collected and the directory kept when asked (or on failure).
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Daemon, SandboxError, keepSandboxesFromEnv, keepTempDir, logTail, removeDir, run, startDaemon, stopDaemon } from "./process.js";

/** Options of `stop()` on the multi-daemon sandboxes. */
export interface StopOptions {
  /**
   * Keep the sandbox directory (databases, logs, pcaps) instead of removing it, e.g. because the
   * test failed: `afterEach((ctx) => sb.stop({ keep: ctx.task.result?.state === "fail" }))`.
   * @default the sandbox's `keep` option
   */
  keep?: boolean;
}

/** The environment OVS/OVN programs need to keep their run, log and db files inside `dir`. */
export function ovsEnv(dir: string): Record<string, string> {
  return { OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVN_RUNDIR: dir, OVN_LOGDIR: dir, OVN_DBDIR: dir };
}

/** @internal Daemons of one sandbox. */
export class DaemonGroup {
  readonly daemons: Daemon[] = [];
  private stopped = false;

  constructor(
    readonly dir: string,
    readonly keep: boolean,
  ) {
    // a kept sandbox outlives the process even when it exits without stop()
    if (keep) keepTempDir(dir);
  }

  /** Starts `program` detached with pidfile/log in `home` (a directory under the sandbox) and its env. */
  async start(name: string, program: string, args: readonly string[], home: string, file = name): Promise<Daemon> {
    mkdirSync(home, { recursive: true });
    const d = await startDaemon(name, program, args, join(home, `${file}.pid`), join(home, `${file}.log`), ovsEnv(home));
    this.daemons.push(d);
    return d;
  }

  /** Runs a tool with `home`'s env (creating `home`); resolves with its stdout. */
  async tool(home: string, program: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
    mkdirSync(home, { recursive: true });
    return (await run(program, args, { env: ovsEnv(home), timeoutMs })).stdout;
  }

  /** Each daemon's log file by daemon name. */
  logFiles(): Record<string, string> {
    return Object.fromEntries(this.daemons.map((d) => [d.name, d.logFile]));
  }

  /** Each daemon's log text by daemon name. */
  logs(): Record<string, string> {
    return Object.fromEntries(this.daemons.map((d) => [d.name, existsSync(d.logFile) ? readFileSync(d.logFile, "utf8") : ""]));
  }

  /** Wraps a startup failure: keeps the directory and says where the logs are. */
  failure(e: unknown, what: string): SandboxError {
    const tails = this.daemons.map((d) => `--- ${d.name} (${d.logFile}) ---\n${logTail(d.logFile, 8)}`).join("\n");
    const msg = e instanceof Error ? e.message : String(e);
    return new SandboxError(`${what}: ${msg}\nsandbox kept in ${this.dir}\n${tails}`, { cause: e });
  }

  /** Stops every daemon (reverse start order) by PID, then removes the directory unless kept. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const d of [...this.daemons].reverse()) await stopDaemon(d);
    removeDir(this.dir, options.keep ?? this.keep);
  }
}

/** The default of every sandbox's `keep` option. */
export function defaultKeep(keep: boolean | undefined): boolean {
  return keep ?? keepSandboxesFromEnv();
}
