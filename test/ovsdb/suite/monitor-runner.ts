/**
 * Runs the `ovsdb-monitor.at` cases of cases.json as OVS's test does (`ovsdb-client -d json
 * monitor[-cond] --format=csv`, the case's transactions, `ovsdb-client/cond_change`, an empty
 * transaction, then the server exits), with the monitor started through a small proxy that says
 * when the monitor's reply has passed (so transactions start only once the monitor is in place).
 * Outputs are normalized as OVS's test normalizes them (`ovsdb-monitor-sort.py`, then `uuidfilt`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { type Server, type Socket, createConnection, createServer } from "node:net";
import { join } from "node:path";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { run } from "../../../src/testing/process.js";
import type { SuiteCase } from "./extract.js";
import { uuidfilt } from "./runner.js";

const UUID_AT_START = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

/** OVS's tests/ovsdb-monitor-sort.py: sorts the rows of each blank-line-separated table (continuation lines stay with their row). */
export function monitorSort(text: string): string {
  const out: string[] = [];
  let group: string[] = [];
  const flush = () => {
    const cmp = (a: string, b: string) => {
      const ua = UUID_AT_START.test(a);
      const ub = UUID_AT_START.test(b);
      if (ua && ub) return a.slice(36) < b.slice(36) ? -1 : a.slice(36) > b.slice(36) ? 1 : 0;
      if (ua) return 1;
      if (ub) return -1;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    out.push(...[...group].sort(cmp));
    group = [];
  };
  for (const line of text.split(/(?<=\n)/)) {
    if (line.trim() === "") {
      flush();
      out.push(line);
    } else if (line.startsWith(",") && group.length > 0) group[group.length - 1] += line;
    else group.push(line);
  }
  flush();
  return out.join("");
}

/** Normalizes a monitor output like OVS's test: sorted rows, then UUIDs replaced by `<n>`. */
export function normalizeMonitor(text: string): string {
  return uuidfilt(monitorSort(text)).replace(/\n+$/, "");
}

/** A unix-socket proxy that resolves `ready` once the reply to the first `monitor*` request has gone back to the client. */
export class MonitorProxy {
  readonly path: string;
  readonly ready: Promise<void>;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(dir: string, name: string, upstream: string) {
    this.path = join(dir, `${name}.sock`);
    rmSync(this.path, { force: true });
    let resolve!: () => void;
    this.ready = new Promise((r) => (resolve = r));
    this.server = createServer((client) => {
      const up = createConnection(upstream.replace(/^unix:/, ""));
      this.sockets.add(client).add(up);
      let asked = false;
      client.on("data", (d: Buffer) => {
        if (/"method":\s*"monitor/.test(d.toString())) asked = true;
        up.write(d);
      });
      up.on("data", (d: Buffer) => {
        client.write(d);
        if (asked) setImmediate(resolve);
      });
      const end = () => {
        client.destroy();
        up.destroy();
      };
      client.on("close", end).on("error", end);
      up.on("close", end).on("error", end);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, resolve));
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

/** The `monitor`/`monitor-cond` arguments of a case for a remote. */
export function monitorArgs(c: SuiteCase, remote: string): string[] {
  const m = c.monitor!;
  const cols = m.columns === "" ? [] : [m.columns];
  return m.condition === null
    ? ["-d", "json", "monitor", "--format=csv", remote, m.db, m.table, ...cols]
    : ["-d", "json", "monitor-cond", "--format=csv", remote, m.db, m.condition, m.table, ...cols];
}

/** A running monitor whose output is collected until its server goes away. */
export interface RunningMonitor {
  /** Resolves with everything it printed, once it has exited. */
  readonly output: Promise<string>;
  /** Sends `ovsdb-client/cond_change TABLE COND` through `ovs-appctl`; resolves with what ovs-appctl printed and its status. */
  condChange(table: string, cond: string): Promise<string>;
  /** Stops it if it is still running. */
  kill(): void;
}

/**
 * Starts `ovsdb-client` with the case's monitor on `remote`, detached as OVS's test runs it (its
 * control socket, for `cond_change`, exists only then): `RUNDIR/ovsdb-client.PID.ctl` with
 * `OVS_RUNDIR` set to `rundir`. The output is complete when the daemon closes its stdout.
 */
export function startOvsdbClientMonitor(c: SuiteCase, remote: string, rundir: string): RunningMonitor {
  const pidfile = join(rundir, "ovsdb-client.pid");
  const child: ChildProcess = spawn("ovsdb-client", ["--detach", "--no-chdir", `--pidfile=${pidfile}`, ...monitorArgs(c, remote)], {
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, OVS_RUNDIR: rundir },
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const output = new Promise<string>((resolve) => child.stdout!.on("close", () => resolve(out)));
  const daemonPid = (): number | undefined => {
    try {
      return Number(readFileSync(pidfile, "utf8").trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  return {
    output,
    condChange: (table, cond) => appctlCondChange(join(rundir, `ovsdb-client.${daemonPid()}.ctl`), table, cond),
    kill: () => {
      const pid = daemonPid();
      if (pid === undefined) return;
      try {
        process.kill(pid);
      } catch {
        // already gone
      }
    },
  };
}

/** `ovs-appctl -t SOCKET ovsdb-client/cond_change TABLE COND`: its stdout, stderr (socket path masked) and status. */
async function appctlCondChange(socket: string, table: string, cond: string): Promise<string> {
  const r = await run("ovs-appctl", ["-t", socket, "ovsdb-client/cond_change", table, cond], { allowFailure: true });
  return `${r.stdout}${r.stderr.split(socket).join("SOCKET")}status ${r.code}\n`;
}

/**
 * Starts `ovn-ts ovsdb` (in this process) with the case's monitor on `remote` and its control
 * socket (`--unixctl`) at `control`, which `condChange` drives with `ovs-appctl` as for ovsdb-client.
 */
export function startOvnTsMonitor(c: SuiteCase, remote: string, control: string): RunningMonitor {
  const ac = new AbortController();
  const io = memoryIo("", ac.signal);
  const done = main(["ovsdb", `--unixctl=${control}`, ...monitorArgs(c, remote)], io);
  return { output: done.then(() => io.stdout), condChange: (table, cond) => appctlCondChange(control, table, cond), kill: () => ac.abort() };
}
