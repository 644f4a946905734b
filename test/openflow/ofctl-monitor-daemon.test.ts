/**
 * `ovn-ts ofctl monitor` with ovs-ofctl's daemon and log options, beside `ovs-ofctl monitor` against a
 * private ovs-vswitchd: `--detach` (the foreground exits 0 once the control socket answers; the daemon,
 * in `/` unless `--no-chdir`, keeps printing what it receives on its standard error), `--pidfile` (written,
 * refused while its process runs, removed at exit), `--log-file` (its `opened log file` line on the console
 * and in the file; `vlog/reopen`; `vlog/close` then `vlog/reopen`) and `ovs-appctl exit`. The daemon is the
 * CLI run again as a process, so ovn-ts runs here as a real program: the CLI bundled from src/ by esbuild.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DaemonPids, alive, bundleCli, until } from "../support/daemons.js";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";

const TOOLS = ["ovs-ofctl", "ovn-ts"] as const;
type Tool = (typeof TOOLS)[number];

let dir: string;
let cli: string;
let v: Vswitchd;
const pids = new DaemonPids();

/** Runs `tool ARGS` with stdout and stderr to files and waits for the foreground to end. */
function runTool(tool: Tool, args: readonly string[], rundir: string, out: string, err: string, cwd = dir): Promise<number | null> {
  mkdirSync(rundir, { recursive: true });
  const o = openSync(out, "a");
  const e = openSync(err, "a");
  const [program, argv] = tool === "ovn-ts" ? [process.execPath, [cli, "ofctl", ...args]] : ["ovs-ofctl", [...args]];
  const child: ChildProcess = spawn(program, argv, { cwd, stdio: ["ignore", o, e], env: { ...process.env, OVS_RUNDIR: rundir, OVS_LOGDIR: rundir } });
  closeSync(o);
  closeSync(e);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Masks log and message time stamps, the run's directory and the program's name. */
const norm = (text: string, rundir: string) =>
  text
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\|/gm, "TIME|")
    .replaceAll(rundir, "RUNDIR")
    .replace(/\.\d+\.ctl/g, ".PID.ctl")
    .replace(/^(ovs-ofctl|ovn-ts ofctl): /gm, "")
    .replace(/already running as pid \d+/, "already running as pid N");
const appctl = (rundir: string, pid: number, ...args: string[]) => execFileSync("ovs-appctl", ["-t", join(rundir, `ovs-ofctl.${pid}.ctl`), ...args], { encoding: "utf8" });

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor daemon and log options beside ovs-ofctl", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ofctl-daemon-"));
    cli = bundleCli(dir);
    v = await startVswitchd();
  }, 120_000);

  afterAll(() => {
    pids.killAll();
    v?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("--detach --pidfile --log-file: started in the background, printing, log file, refused twice, exits on ovs-appctl exit", async () => {
    const results: Record<string, unknown> = {};
    for (const tool of TOOLS) {
      const rundir = join(dir, `run-${tool}`);
      const out = join(rundir, "out.txt");
      const err = join(rundir, "err.txt");
      const code = await runTool(tool, ["--detach", "--pidfile", "--log-file", "monitor", v.mgmt], rundir, out, err);
      const pidfile = join(rundir, "ovs-ofctl.pid");
      expect(code, `${tool}: ${readFileSync(err, "utf8")}`).toBe(0);
      const pid = await pids.expectRunningIn(pidfile, "/", tool);
      // what the daemon receives is printed on the standard error it kept
      appctl(rundir, pid, "ofctl/send", "0102000800000063");
      appctl(rundir, pid, "ofctl/barrier");
      await until(`${tool} to print the barrier reply`, () => readFileSync(err, "utf8").includes("OFPT_BARRIER_REPLY"));
      // a second monitor with the same pidfile is refused while the daemon runs
      const again = await runTool(tool, ["--pidfile", "monitor", v.mgmt], rundir, join(rundir, "again-out.txt"), join(rundir, "again-err.txt"));
      appctl(rundir, pid, "vlog/reopen");
      appctl(rundir, pid, "vlog/close");
      appctl(rundir, pid, "vlog/reopen");
      appctl(rundir, pid, "exit");
      await until(`${tool} daemon to exit`, () => !alive(pid) && !existsSync(pidfile));
      results[tool] = {
        out: readFileSync(out, "utf8"),
        err: norm(readFileSync(err, "utf8"), rundir),
        log: norm(readFileSync(join(rundir, "ovs-ofctl.log"), "utf8"), rundir),
        again: { code: again, err: norm(readFileSync(join(rundir, "again-err.txt"), "utf8"), rundir) },
      };
    }
    expect((results["ovs-ofctl"] as { log: string }).log).toMatch(/vlog\|INFO\|opened log file RUNDIR\/ovs-ofctl.log/);
    expect(results["ovn-ts"]).toEqual(results["ovs-ofctl"]);
  }, 120_000);

  it("--detach --no-chdir keeps the directory; a monitor that cannot connect fails the foreground", async () => {
    const results: Record<string, unknown> = {};
    for (const tool of TOOLS) {
      const rundir = join(dir, `nochdir-${tool}`);
      const err = join(rundir, "err.txt");
      const code = await runTool(tool, ["--detach", "--no-chdir", "--pidfile", "monitor", v.mgmt], rundir, join(rundir, "out.txt"), err);
      expect(code, tool).toBe(0);
      const pid = await pids.expectRunningIn(join(rundir, "ovs-ofctl.pid"), dir, tool);
      appctl(rundir, pid, "exit");
      await until(`${tool} daemon to exit`, () => !alive(pid));
      const failed = await runTool(tool, ["--detach", "--pidfile", "monitor", `unix:${join(rundir, "nothere.mgmt")}`], rundir, join(rundir, "out2.txt"), join(rundir, "err2.txt"));
      results[tool] = { code: failed, err: norm(readFileSync(join(rundir, "err2.txt"), "utf8"), rundir), pidfile: existsSync(join(rundir, "ovs-ofctl.pid")) };
    }
    expect(results["ovs-ofctl"]).toMatchObject({ code: 1 });
    expect(results["ovn-ts"]).toEqual(results["ovs-ofctl"]);
  }, 120_000);
});
