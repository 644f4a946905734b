/**
 * Process plumbing for the sandboxes: temp dirs, free loopback ports, running OVS tools, daemons
 * started with `--pidfile --detach --no-chdir` and stopped by PID only (never by name), and a
 * registry that stops every daemon this process started when it exits.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Raised when an OVS/OVN program fails or is missing; carries its output. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
}

/** Result of {@link run}. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Text written to the program's standard input. */
  input?: string;
  /**
   * Kill the program after this many milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
  /** Resolve with a non-zero exit status instead of throwing. */
  allowFailure?: boolean;
}

/** Runs a program to completion; throws {@link SandboxError} with its stderr when it fails (unless `allowFailure`). */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      {
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 1024 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new SandboxError(`${program}: not installed (not found on PATH)`));
          return;
        }
        if (err && !options.allowFailure) {
          reject(new SandboxError(`${program} ${args.join(" ")} failed (status ${code}): ${stderr.trim() || err.message}`));
          return;
        }
        resolve({ stdout, stderr, code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Temp dirs this process made and has not removed or kept yet: removed when the process exits
 * without stopping its sandboxes (an uncaught error, e.g. its stdout pipe closed early; a signal),
 * unless `OVN_TS_KEEP_SANDBOX` is set.
 */
const tempDirs = new Set<string>();

/** Makes a fresh directory under the system temp dir (removed at exit if nobody removes or keeps it). */
export function makeTempDir(prefix = "ovn-ts-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  installExitHook();
  return dir;
}

/** @internal Marks a temp dir as kept on purpose: it outlives the process. */
export function keepTempDir(dir: string): void {
  tempDirs.delete(dir);
}

/** A free TCP port on 127.0.0.1 (bound then released; the caller binds it next). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A daemon started with `--pidfile` and `--detach`, stoppable by its PID. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly pidfile: string;
  readonly logFile: string;
}

const started = new Map<number, Daemon>();
let exitHookInstalled = false;

/**
 * True when `d.pid` still runs the daemon this process started: its command line names its pidfile
 * (a PID recycled by another program after the daemon died is left alone). Without procfs, trusts the PID.
 */
function isOurs(d: Daemon): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${d.pid}/cmdline`, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self");
  }
  return d.pidfile === "" || cmdline.includes(d.pidfile);
}

function killAllStarted(): void {
  killDaemons();
  if (!keepSandboxesFromEnv()) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function killDaemons(): void {
  for (const d of started.values()) {
    if (!isOurs(d)) continue;
    try {
      process.kill(d.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  started.clear();
}

const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Stops every daemon this process started when it exits: on `exit`, and on SIGINT/SIGTERM/SIGHUP.
 * For a signal nobody else handles, the daemons are stopped and the signal is re-raised so the
 * process still dies of it; when the program has its own handler, that handler decides (the
 * daemons are stopped at `exit`).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", killAllStarted);
  for (const sig of EXIT_SIGNALS) {
    const onSignal = () => {
      const others = process.listenerCount(sig);
      killAllStarted();
      if (others === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

/**
 * Starts an OVS daemon that detaches (`--pidfile=PIDFILE --detach --no-chdir` are added) and
 * returns it once its pidfile names a live process.
 */
export async function startDaemon(name: string, program: string, args: readonly string[], pidfile: string, logFile: string, env?: Record<string, string>): Promise<Daemon> {
  try {
    await run(program, [...args, `--pidfile=${pidfile}`, "--detach", "--no-chdir", `--log-file=${logFile}`], env ? { env } : {});
  } catch (e) {
    throw new SandboxError(`${name} failed to start: ${(e as Error).message} (log: ${logFile})`, { cause: e });
  }
  const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, "utf8").trim()) : NaN;
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) throw new SandboxError(`${name}: started but no live process in ${pidfile} (log: ${logFile})`);
  const d: Daemon = { name, pid, pidfile, logFile };
  started.set(pid, d);
  installExitHook();
  return d;
}

/**
 * True when a process with this PID exists and has not exited. A zombie (exited, not yet reaped:
 * detached daemons are reaped by PID 1, which in some containers does so only every second or
 * two) counts as gone.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "PID (COMM) STATE ..."; COMM may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no procfs (not Linux): trust kill(0)
  }
}

/**
 * Stops a daemon by its PID (SIGTERM, then SIGKILL after `graceMs`) and waits until it is gone.
 * A PID that no longer runs the daemon (its command line does not name its pidfile) is not signalled.
 */
export async function stopDaemon(d: Daemon, graceMs = 3000): Promise<void> {
  started.delete(d.pid);
  if (!alive(d.pid) || !isOurs(d)) return;
  try {
    process.kill(d.pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(d.pid) && Date.now() < deadline) await sleep(20);
  if (alive(d.pid)) {
    try {
      process.kill(d.pid, "SIGKILL");
    } catch {
      // gone
    }
    while (alive(d.pid)) await sleep(10);
  }
}

/** Kills a daemon abruptly (SIGKILL), e.g. to test failover; waits until it is gone. */
export async function killDaemon(d: Daemon): Promise<void> {
  started.delete(d.pid);
  if (!alive(d.pid) || !isOurs(d)) return;
  try {
    process.kill(d.pid, "SIGKILL");
  } catch {
    return;
  }
  while (alive(d.pid)) await sleep(10);
}

/** The tail (last `lines` lines) of a daemon's log file, or "" when it has none yet. */
export function logTail(logFile: string, lines = 20): string {
  if (!existsSync(logFile)) return "";
  return readFileSync(logFile, "utf8").split("\n").slice(-lines - 1).join("\n");
}

/**
 * True when sandboxes should keep their directories after `stop()`: the environment variable
 * `OVN_TS_KEEP_SANDBOX` is set to a non-empty value other than `0`.
 */
export function keepSandboxesFromEnv(): boolean {
  const v = process.env["OVN_TS_KEEP_SANDBOX"];
  return v !== undefined && v !== "" && v !== "0";
}

/** Removes a sandbox directory (when `keep` is false). */
export function removeDir(dir: string, keep = false): void {
  tempDirs.delete(dir);
  if (!keep && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes (then throws, naming `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new SandboxError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
