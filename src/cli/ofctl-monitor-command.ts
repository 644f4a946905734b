/**
 * `ovn-ts ofctl monitor` and `snoop` as commands: the switch connection, the control socket, logging (`--log-file`,
 * the `vlog/*` commands) and the daemon options ovs-ofctl takes for it (`--detach`, `--pidfile[=FILE]`,
 * `--overwrite-pidfile`, `--no-chdir`, `--monitor`), as ovs-ofctl's monitor_vconn(): a detached monitor
 * reports its start once its control socket answers; from then on its standard output goes nowhere and it logs
 * nothing on the console (its standard error, where it prints what it receives, stays).
 *
 * @module
 */
import { type CliIo, UsageError } from "./io.js";
import type { OpenFlowConnection } from "../openflow/connection.js";
import { type Daemon, type DaemonProgram, daemonizeStart } from "./daemon.js";
import { MonitorXids, checkMonitorArgs, monitorUsage, runMonitor } from "./ofctl-monitor.js";
import { MonitorOutput, defaultControlPath, openMonitorControl } from "./ofctl-monitor-control.js";
import { type Opts, showNames } from "./ofctl-options.js";
import { fetchNameMaps, portNamesOf, withSwitch } from "./ofctl-switch.js";
import { Coverage } from "./coverage.js";
import { Vlog } from "./vlog.js";

/** ovs-ofctl as a daemon: `RUNDIR/ovs-ofctl.pid`, `ovn-ts ofctl:` messages. */
export const OFCTL_DAEMON: DaemonProgram = { name: "ovs-ofctl", cli: "ovn-ts ofctl", fatal: (message) => new Error(message) };

/** Whether any daemon option was given. */
function wantsDaemon(opts: Opts): boolean {
  return opts.daemon.detach || opts.daemon.monitor || opts.daemon.pidfile !== undefined;
}

/**
 * The logging of one run: the `-v`/`--verbose` specs applied in order, then `--log-file` opens its file
 * (logging `opened log file PATH`, as ovs-ofctl does when it reads the option); console lines go to `console`.
 * @throws Error `processing "SPEC": ...` (ovs-ofctl's fatal error) for a spec vlog cannot apply
 */
export function openVlog(opts: Opts, console: (line: string) => void): Vlog {
  const vlog = new Vlog({ console });
  for (const spec of opts.verbose) {
    const error = vlog.set(spec ?? "");
    if (error) throw new Error(`processing "${spec}": ${error}`);
  }
  if (opts.logFile !== undefined) vlog.setLogFile(opts.logFile === "" ? `${process.env["OVS_LOGDIR"] ?? "/var/log/openvswitch"}/ovs-ofctl.log` : opts.logFile);
  return vlog;
}

/**
 * Runs `monitor SWITCH [ARGS...]` (`argv`: the whole ofctl command line, which a daemon runs again), or with
 * `snoop`, `snoop SWITCH`: the bridge's snoop socket (`RUNDIR/BRIDGE.snoop`), every message printed, nothing
 * sent but the HELLO (ovs-ofctl's ofctl_snoop()).
 * @returns the exit status
 */
export async function monitorCommand(rest: readonly string[], opts: Opts, argv: readonly string[], io: CliIo, snoop = false): Promise<number> {
  if (snoop) {
    if (rest.length < 1) throw new UsageError("'snoop' command requires at least 1 arguments");
    if (rest.length > 1) throw new UsageError("'snoop' command takes at most 1 arguments");
  } else {
    monitorUsage([...rest]);
    checkMonitorArgs(rest.slice(1));
  }
  let daemon: Daemon | undefined;
  if (wantsDaemon(opts)) {
    const start = await daemonizeStart(opts.daemon, argv, io, OFCTL_DAEMON);
    if (start.kind === "exit") return start.status;
    daemon = start.daemon;
  }
  let stdoutGone = false;
  const dio: CliIo = { ...io, out: (text) => (stdoutGone ? undefined : io.out(text)) };
  const xids = new MonitorXids(opts.acceptNames);
  const output = new MonitorOutput((text) => io.err(text));
  const vlog = openVlog(opts, (line) => output.write(line));
  // the switch connections (the monitor's and those reading port names) log and count through these
  const coverage = new Coverage();
  opts.vlog = vlog;
  opts.coverage = coverage;
  const path = opts.unixctl ?? defaultControlPath();
  const openControl = async (stop: () => void) => {
    const portNames = () =>
      withSwitch(rest[0]!, opts, async (c) => {
        const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" } });
        return portNamesOf(r);
      });
    const control = await openMonitorControl(path, current!, output, stop, (line) => io.err(`ovn-ts ofctl: ${line}\n`), { xids, portNames: opts.acceptNames ? portNames : undefined, vlog, coverage });
    // daemonize_complete(): the parent learns of the start; a detached daemon's stdout goes to /dev/null and
    // it logs nothing more on the console (close_standard_fds())
    daemon?.complete();
    if (daemon?.detached) {
      stdoutGone = true;
      vlog.set("console:off");
    }
    return { received: control.received, close: () => control.server.close() };
  };
  let current: OpenFlowConnection | undefined;
  try {
    // ports_to_show()/tables_to_show(): the switch's names print the messages with --names or onto a terminal
    const names = !snoop && showNames(opts, io.interactive) ? await fetchNameMaps(rest[0]!, opts) : undefined;
    await withSwitch(
      rest[0]!,
      { ...opts, emitEchoRequests: true, snoop },
      (c) => {
        current = c;
        return runMonitor(c, rest.slice(1), dio, { xids, output, timestamp: opts.timestamp, openControl, snoop, names });
      },
      xids.allocate,
    );
  } finally {
    output.close();
    vlog.close();
  }
  return 0;
}
