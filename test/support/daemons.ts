/**
 * Test helper for the CLI's daemon tests (`ovn-ts ovsdb` beside ovsdb-client, `ovn-ts ofctl monitor` beside
 * ovs-ofctl): the CLI bundled as a real program (a daemon is the command line run again as a process), polling,
 * and the pidfile and working-directory check each daemon start gets: the pidfile holds `PID\n`, that process
 * runs (not a zombie) and sits in the expected directory (`/` after `--detach`, the start directory with
 * `--no-chdir`). Every PID read is remembered so that the suite can kill what a failed test left behind.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Bundles the CLI from src/ with esbuild into `dir/ovn-ts.mjs` (run it with `process.execPath`); returns its path. */
export function bundleCli(dir: string): string {
  const cli = join(dir, "ovn-ts.mjs");
  execFileSync(join(ROOT, "node_modules", ".bin", "esbuild"), [join(ROOT, "src", "cli", "main.ts"), "--bundle", "--platform=node", "--format=esm", `--outfile=${cli}`, "--log-level=error"]);
  return cli;
}

/** Polls `check` every 50 ms until it holds (at most 400 times), else throws naming `what`. */
export async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** True when process `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

/** The PIDs of the daemons a suite started, read from their pidfiles. */
export class DaemonPids {
  private readonly pids: number[] = [];

  /** The PID in `pidfile` (which must be exactly `PID\n`); remembered for {@link DaemonPids.killAll}. */
  read(pidfile: string): number {
    const pid = Number(/^(\d+)\n$/.exec(readFileSync(pidfile, "utf8"))?.[1]);
    this.pids.push(pid);
    return pid;
  }

  /** Remembers a PID learnt otherwise (a supervisor's). */
  add(pid: number): void {
    this.pids.push(pid);
  }

  /**
   * The daemon start check: `pidfile` names a live process whose working directory is `cwd`.
   * Open vSwitch's daemons tell their parent they started before they change to `/`
   * (daemonize_complete), so the parent may exit first: the directory is awaited (bounded: 5 s).
   * @returns the daemon's PID
   */
  async expectRunningIn(pidfile: string, cwd: string, label: string): Promise<number> {
    const pid = this.read(pidfile);
    expect(alive(pid), `${label}: pid ${pid} from ${pidfile} runs`).toBe(true);
    let dir = readlinkSync(`/proc/${pid}/cwd`);
    for (let i = 0; i < 100 && dir !== cwd; i++) {
      await new Promise((r) => setTimeout(r, 50));
      dir = readlinkSync(`/proc/${pid}/cwd`);
    }
    expect(dir, `${label}: working directory`).toBe(cwd);
    return pid;
  }

  /** SIGKILLs every remembered process still alive (a suite's afterAll). */
  killAll(): void {
    for (const pid of this.pids) if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
  }
}
