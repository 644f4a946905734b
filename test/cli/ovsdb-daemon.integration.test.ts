/**
 * `ovn-ts ovsdb`'s daemon options beside `ovsdb-client`'s (OVS 3.1), against a real `ovsdb-server`:
 * `--detach` (the foreground exits once the daemon has started, the daemon keeps printing and
 * answers `ovs-appctl` on RUNDIR/ovsdb-client.PID.ctl), `--pidfile` (written, refused while its
 * process runs, removed at exit), `--no-chdir`, and `--monitor` (a daemon killed by SIGABRT is
 * started again). The daemon is the CLI run again as a process, so ovn-ts runs here as a real
 * program: the CLI bundled from src/ by esbuild and run by plain node.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../src/testing/ovsdb-server.js";
import { DaemonPids, alive, bundleCli, until } from "../support/daemons.js";
import { peers } from "../support/peers.js";

const TOOLS = ["ovsdb-client", "ovn-ts"] as const;
type Tool = (typeof TOOLS)[number];

let dir: string;
let cli: string;
let server: OvsdbServerSandbox;
let client: OvsdbClient;
const pids = new DaemonPids();

/** Runs `tool ARGS` in the foreground with stdout to `out` (a file) and waits for it to end. */
function runTool(tool: Tool, args: readonly string[], rundir: string, out: string, cwd = dir): Promise<{ code: number | null; stderr: string }> {
  mkdirSync(rundir, { recursive: true });
  const fd = openSync(out, "a");
  const [program, argv] = tool === "ovn-ts" ? [process.execPath, [cli, "ovsdb", ...args]] : ["ovsdb-client", [...args]];
  const child: ChildProcess = spawn(program, argv, { cwd, stdio: ["ignore", fd, "pipe"], env: { ...process.env, OVS_RUNDIR: rundir } });
  closeSync(fd);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    // 'exit', not 'close': a detached daemon keeps the standard error it inherited open
    child.on("exit", (code) => {
      clearTimeout(timer);
      setTimeout(() => {
        child.stderr!.destroy();
        resolve({ code, stderr });
      }, 200);
    });
  });
}

const readPid = (file: string): number => pids.read(file);
const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
};
const normalize = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovs-appctl"))("ovn-ts ovsdb daemon options beside ovsdb-client", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ovsdb-daemon-"));
    cli = bundleCli(dir);
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
  }, 120_000);

  afterAll(async () => {
    pids.killAll();
    client?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("--detach --pidfile monitor: started in the background, printing, exits on ovs-appctl exit, pidfile removed", async () => {
    const runs = await Promise.all(
      TOOLS.map(async (tool) => {
        const rundir = join(dir, `run-${tool}`);
        const out = join(dir, `monitor-${tool}.txt`);
        const r = await runTool(tool, ["--detach", "--pidfile", "monitor", server.unix, "OVN_Northbound", "Logical_Switch", "name"], rundir, out);
        return { tool, rundir, out, r, pidfile: join(rundir, "ovsdb-client.pid") };
      }),
    );
    for (const { tool, r, pidfile } of runs) {
      expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
      await pids.expectRunningIn(pidfile, "/", tool);
    }
    await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls-detached" } }]);
    for (const { out } of runs) await until(`${out} to show the insert`, () => readFileSync(out, "utf8").includes("ls-detached"));
    expect(normalize(readFileSync(runs[1]!.out, "utf8"))).toBe(normalize(readFileSync(runs[0]!.out, "utf8")));
    // A second run with the same pidfile is refused while the daemon runs.
    for (const { tool, rundir, pidfile } of runs) {
      const pid = readPid(pidfile);
      const again = await runTool(tool, ["--pidfile", "monitor", server.unix, "OVN_Northbound", "Logical_Switch", "name"], rundir, join(dir, "again.txt"));
      expect(again.code, tool).toBe(1);
      expect(again.stderr, tool).toContain(`${pidfile}: already running as pid ${pid}, aborting`);
    }
    for (const { tool, rundir, pidfile } of runs) {
      const pid = readPid(pidfile);
      execFileSync("ovs-appctl", ["-t", join(rundir, `ovsdb-client.${pid}.ctl`), "exit"]);
      await until(`${tool} daemon to exit`, () => !alive(pid) && !existsSync(pidfile));
    }
  }, 120_000);

  it("--detach --no-chdir keeps the directory; a daemon that cannot connect fails the foreground", async () => {
    for (const tool of TOOLS) {
      const rundir = join(dir, `nochdir-${tool}`);
      const pidfile = join(rundir, "ovsdb-client.pid");
      const r = await runTool(tool, ["--detach", "--no-chdir", "--pidfile", "monitor", server.unix, "OVN_Northbound", "Logical_Switch", "name"], rundir, join(dir, `nochdir-${tool}.txt`));
      expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
      const pid = await pids.expectRunningIn(pidfile, dir, tool);
      process.kill(pid, "SIGTERM");
      await until(`${tool} daemon to exit`, () => !alive(pid));
      const bad = await runTool(tool, ["--detach", "--pidfile", "monitor", `unix:${join(dir, "no-such.sock")}`, "OVN_Northbound", "Logical_Switch"], rundir, join(dir, "bad.txt"));
      expect(bad.code, tool).toBe(1);
      expect(bad.stderr, tool).toContain("no-such.sock");
      expect(existsSync(pidfile), tool).toBe(false);
      // a detached transaction: the foreground returns at once, the daemon prints the result
      const out = join(dir, `txn-${tool}.txt`);
      const txn = JSON.stringify(["OVN_Northbound", { op: "insert", table: "Logical_Switch", row: { name: `ls-txn-${tool}` } }]);
      const t = await runTool(tool, ["--detach", "transact", server.unix, txn], rundir, out);
      expect(t.code, `${tool}: ${t.stderr}`).toBe(0);
      await until(`${tool}'s transaction result`, () => readFileSync(out, "utf8").endsWith("\n"));
      expect(normalize(readFileSync(out, "utf8")), tool).toBe('[{"uuid":["uuid","<uuid>"]}]\n');
    }
  }, 120_000);

  it("--detach --monitor: a daemon killed by SIGABRT is started again; one ended by SIGTERM ends its monitor", async () => {
    for (const tool of TOOLS) {
      const rundir = join(dir, `supervised-${tool}`);
      const pidfile = join(rundir, "ovsdb-client.pid");
      const out = join(dir, `supervised-${tool}.txt`);
      const r = await runTool(tool, ["--detach", "--monitor", "--pidfile", "monitor", server.unix, "OVN_Northbound", "Logical_Switch", "name"], rundir, out);
      expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
      const first = readPid(pidfile);
      const supervisor = parentOf(first);
      pids.add(supervisor);
      expect(alive(supervisor), tool).toBe(true);
      const printed = readFileSync(out, "utf8").split("\n").length;
      process.kill(first, "SIGABRT");
      await until(`${tool} daemon to be restarted`, () => existsSync(pidfile) && readFileSync(pidfile, "utf8") !== `${first}\n` && alive(readPid(pidfile)));
      const second = readPid(pidfile);
      expect(parentOf(second), tool).toBe(supervisor);
      // the new daemon prints the changes
      await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: `ls-restarted-${tool}` } }]);
      await until(`${tool} to print again`, () => readFileSync(out, "utf8").includes(`ls-restarted-${tool}`));
      expect(readFileSync(out, "utf8").split("\n").length, tool).toBeGreaterThan(printed);
      process.kill(second, "SIGTERM");
      await until(`${tool} daemon to exit`, () => !alive(second));
      // ovn-ts's monitor ends with its daemon. ovsdb-client 3.1's stays: its restarted daemon (a
      // fork that had already reported its start) never reports it again, and the monitor waits for that.
      if (tool === "ovn-ts") await until("the monitor to exit", () => !alive(supervisor));
      else if (alive(supervisor)) process.kill(supervisor, "SIGTERM");
    }
  }, 120_000);

  // --user needs root (as ovsdb-client's) and a user to become: `nobody`, on every Linux system.
  it.skipIf(process.getuid?.() !== 0)("--user USER[:GROUP]: the same refusals; the daemon runs as the user, without supplementary groups", async () => {
    const strip = (t: string) => t.replace(/^(ovsdb-client|ovn-ts ovsdb): /gm, "");
    for (const spec of ["nosuchuser-x", "nobody:nosuchgroup-x", "nobody:root"]) {
      const [a, b] = await Promise.all(
        TOOLS.map((tool) => runTool(tool, ["--user", spec, "transact", server.unix, '["OVN_Northbound"]'], join(dir, "user-refused"), join(dir, "user-refused.txt"))),
      );
      expect(b!.code, spec).toBe(a!.code);
      expect(strip(b!.stderr), spec).toBe(strip(a!.stderr));
      expect(a!.code, spec).toBe(1);
    }
    // nobody must reach the server's socket and write its pidfile and control socket
    const sock = server.unix.slice("unix:".length);
    execFileSync("chmod", ["0755", dir, join(sock, "..")]);
    execFileSync("chmod", ["0777", sock]);
    const nobody = execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim();
    const nobodyGid = execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim();
    for (const tool of TOOLS) {
      const rundir = join(dir, `user-${tool}`);
      mkdirSync(rundir, { recursive: true, mode: 0o777 });
      execFileSync("chmod", ["0777", rundir]);
      const pidfile = join(rundir, "ovsdb-client.pid");
      const r = await runTool(tool, ["--user", "nobody", "--detach", "--pidfile", "monitor", server.unix, "OVN_Northbound", "Logical_Switch", "name"], rundir, join(dir, `user-${tool}.txt`));
      expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
      const pid = readPid(pidfile);
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const field = (name: string) => new RegExp(`^${name}:\\t(.*)$`, "m").exec(status)?.[1]?.trim().split(/\s+/);
      expect(field("Uid"), tool).toEqual([nobody, nobody, nobody, nobody]);
      expect(field("Gid"), tool).toEqual(Array(4).fill(nobodyGid));
      expect((field("Groups") ?? []).filter(Boolean), tool).toEqual([]);
      execFileSync("ovs-appctl", ["-t", join(rundir, `ovsdb-client.${pid}.ctl`), "exit"]);
      await until(`${tool} daemon to exit`, () => !alive(pid));
    }
  }, 120_000);

  it("--pidfile naming a PID reused by a later process: stale, the command runs (as ovsdb-client's, which finds no lock)", async () => {
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    pids.add(sleeper.pid!);
    try {
      for (const tool of TOOLS) {
        const rundir = join(dir, `reused-${tool}`);
        mkdirSync(rundir, { recursive: true });
        const pidfile = join(rundir, "ovsdb-client.pid");
        writeFileSync(pidfile, `${sleeper.pid}\n`);
        const hourAgo = new Date(Date.now() - 3_600_000);
        utimesSync(pidfile, hourAgo, hourAgo);
        const r = await runTool(tool, ["--pidfile", "transact", server.unix, '["OVN_Northbound"]'], rundir, join(dir, `reused-${tool}.txt`));
        expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
        expect(existsSync(pidfile), tool).toBe(false);
        // a pidfile written after its process started still refuses the start
        writeFileSync(pidfile, `${sleeper.pid}\n`);
        const again = await runTool(tool, ["--pidfile", "transact", server.unix, '["OVN_Northbound"]'], rundir, join(dir, `reused-${tool}.txt`));
        if (tool === "ovn-ts") expect(again.stderr).toContain(`${pidfile}: already running as pid ${sleeper.pid}, aborting`);
        rmSync(pidfile, { force: true });
      }
    } finally {
      sleeper.kill("SIGKILL");
    }
  }, 120_000);
});
