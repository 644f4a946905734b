/**
 * Resolving an `ovs-appctl -t TARGET` to a control socket path (OVS `utilities/ovs-appctl.c`): a
 * target starting with `/` is the socket itself; any other is a daemon name whose pidfile
 * `RUNDIR/NAME.pid` gives the PID of the socket `RUNDIR/NAME.PID.ctl`. `RUNDIR` is `OVS_RUNDIR`
 * when set, else the compiled-in default `/var/run/openvswitch`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { UnixctlPidfileError } from "./errors.js";

/** The compiled-in run directory of Debian's/upstream's OVS packages. */
export const DEFAULT_OVS_RUNDIR = "/var/run/openvswitch";

/** The run directory `ovs-appctl` uses: `OVS_RUNDIR`, else {@link DEFAULT_OVS_RUNDIR}. */
export function ovsRundir(env: NodeJS.ProcessEnv = process.env): string {
  const d = env["OVS_RUNDIR"];
  return d ? d : DEFAULT_OVS_RUNDIR;
}

/** Options of {@link resolveTarget}. */
export interface ResolveTargetOptions {
  /** Run directory. @default {@link ovsRundir}() */
  rundir?: string;
}

/**
 * The control socket path of `target` (default `ovs-vswitchd`, as `ovs-appctl`). Throws
 * {@link UnixctlPidfileError} when a daemon name's pidfile is missing, malformed, or names a
 * process that is not running.
 */
export function resolveTarget(target = "ovs-vswitchd", options: ResolveTargetOptions = {}): string {
  if (target.startsWith("/")) return target;
  const rundir = options.rundir ?? ovsRundir();
  const pidfile = `${rundir}/${target}.pid`;
  const pid = readPidfile(pidfile);
  return `${rundir}/${target}.${pid}.ctl`;
}

/** Reads a pidfile as OVS's `read_pidfile` does: a positive decimal PID on the first line, of a live process. */
export function readPidfile(pidfile: string): number {
  let text: string;
  try {
    text = readFileSync(pidfile, "utf8");
  } catch (e) {
    throw new UnixctlPidfileError(pidfile, (e as NodeJS.ErrnoException).code ?? "EINVAL");
  }
  const m = /^(\d+)\n?/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new UnixctlPidfileError(pidfile, "ESRCH"); // as OVS: "No such process"
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive but not ours (a root daemon seen by a user): still a valid target.
    if ((e as NodeJS.ErrnoException).code === "ESRCH") throw new UnixctlPidfileError(pidfile, "ESRCH");
  }
  if (isZombie(pid)) throw new UnixctlPidfileError(pidfile, "ESRCH");
  return pid;
}

/** True when /proc says `pid` has exited and awaits reaping (it no longer holds its pidfile's lock). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
  } catch {
    return false;
  }
}
