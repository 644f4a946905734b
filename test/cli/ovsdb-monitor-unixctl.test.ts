/**
 * `ovn-ts ovsdb monitor-cond --unixctl=SOCKET` (and `lock --unixctl`) on a real ovsdb-server, driven by `ovs-appctl`:
 * the condition change takes effect, a change the server refuses is an error reply (ovsdb-client
 * says "condition changed" and drops the server's error), block/unblock stop and resume reading
 * and answer as ovsdb-client's control socket does, a plain `monitor` refuses
 * `cond_change`, `exit` ends the monitor with status 0 and removes the socket, and a lock waiter
 * unlocked through its control socket prints what an ovsdb-client waiter prints.
 * (The case-by-case comparison with ovsdb-client is in test/ovsdb/suite/monitor.test.ts.)
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../src/testing/ovsdb-server.js";
import { makeTempDir, run } from "../../src/testing/process.js";
import { peers } from "../support/peers.js";

const SCHEMA = { name: "db", version: "1.0.0", tables: { t: { columns: { n: { type: "integer" } } } } };

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovs-appctl"))("ovn-ts ovsdb --unixctl (monitor*, lock)", () => {
  let dir: string;
  let db: OvsdbServerSandbox;
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-monctl-");
    writeFileSync(join(dir, "s.ovsschema"), JSON.stringify(SCHEMA));
    db = await startOvsdbServer({ schema: join(dir, "s.ovsschema") });
    await run("ovsdb-client", ["transact", db.unix, '["db",{"op":"insert","table":"t","row":{"n":1}},{"op":"insert","table":"t","row":{"n":2}}]']);
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("changes the condition, reports refusals, and exits on exit", async () => {
    const ctl = join(dir, "a.ctl");
    const io = memoryIo("");
    const done = main(["ovsdb", `--unixctl=${ctl}`, "-f", "csv", "monitor-cond", db.unix, "db", '[["n","==",1]]', "t", "n"], io);
    await waitFor(ctl);
    const ok = await run("ovs-appctl", ["-t", ctl, "ovsdb-client/cond_change", "t", '[["n","==",2]]'], { allowFailure: true });
    expect(ok).toEqual({ stdout: "condition changed\n", stderr: "", code: 0 });
    const bad = await run("ovs-appctl", ["-t", ctl, "ovsdb-client/cond_change", "nope", "[true]"], { allowFailure: true });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nope/);
    expect(bad.stderr).toContain(`ovs-appctl: ${ctl}: server returned an error`);
    const notJson = await run("ovs-appctl", ["-t", ctl, "ovsdb-client/cond_change", "t", "[[oops"], { allowFailure: true });
    expect(notJson.code).toBe(2);
    expect((await run("ovs-appctl", ["-t", ctl, "exit"])).stdout).toBe("");
    expect(await done).toBe(0);
    expect(existsSync(ctl)).toBe(false);
    const rows = io.stdout.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "UUID").split("\n\n");
    expect(rows[0]).toBe("row,action,n\nUUID,initial,1");
    expect(rows[1]!.split("\n").filter((l) => l !== "").sort()).toEqual(["UUID,delete,", "UUID,insert,2", "row,action,n"]);
  }, 60_000);

  it("block stops reading until unblock, answering as ovsdb-client's control socket does", async () => {
    const ctl = join(dir, "c.ctl");
    const io = memoryIo("");
    const done = main(["ovsdb", `--unixctl=${ctl}`, "-f", "csv", "monitor", db.unix, "db", "t", "n"], io);
    await waitFor(ctl);
    const theirsPid = join(dir, "ovsdb-client.pid");
    const child = spawn("ovsdb-client", ["--detach", "--no-chdir", `--pidfile=${theirsPid}`, "monitor", db.unix, "db", "t", "n"], { stdio: "ignore", env: { ...process.env, OVS_RUNDIR: dir } });
    await new Promise((r) => child.on("exit", r));
    const pid = Number(readFileSync(theirsPid, "utf8").trim());
    const theirs = join(dir, `ovsdb-client.${pid}.ctl`);
    const appctl = async (socket: string, cmd: string) => {
      const r = await run("ovs-appctl", ["-t", socket, cmd], { allowFailure: true });
      return { stdout: r.stdout, code: r.code };
    };
    try {
      for (const cmd of ["ovsdb-client/unblock", "ovsdb-client/block", "ovsdb-client/block"]) expect(await appctl(ctl, cmd), cmd).toEqual(await appctl(theirs, cmd));
      const before = io.stdout;
      await run("ovsdb-client", ["transact", db.unix, '["db",{"op":"insert","table":"t","row":{"n":42}}]']);
      await new Promise((r) => setTimeout(r, 500));
      expect(io.stdout).toBe(before);
      for (const cmd of ["ovsdb-client/unblock", "ovsdb-client/unblock"]) expect(await appctl(ctl, cmd), cmd).toEqual(await appctl(theirs, cmd));
      for (let i = 0; i < 100 && !io.stdout.includes(",insert,42"); i++) await new Promise((r) => setTimeout(r, 50));
      expect(io.stdout).toContain(",insert,42");
    } finally {
      process.kill(pid);
      await run("ovs-appctl", ["-t", ctl, "exit"]);
    }
    expect(await done).toBe(0);
  }, 60_000);

  it("lock --unixctl: lock/unlock through ovs-appctl print what ovsdb-client's do", async () => {
    const daemon = async (name: string, args: string[]) => {
      const pidfile = join(dir, `${name}.pid`);
      const child = spawn("ovsdb-client", ["--detach", "--no-chdir", `--pidfile=${pidfile}`, ...args], { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, OVS_RUNDIR: dir } });
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      const closed = new Promise<void>((r) => child.stdout!.on("close", () => r()));
      await new Promise((r) => child.on("exit", r));
      const pid = Number(readFileSync(pidfile, "utf8").trim());
      return { ctl: join(dir, `ovsdb-client.${pid}.ctl`), output: async () => (await closed, out) };
    };
    const appctl = async (socket: string, ...args: string[]) => {
      const r = await run("ovs-appctl", ["-t", socket, ...args], { allowFailure: true });
      return `${r.stdout}|${r.code}`;
    };
    const settle = () => new Promise((r) => setTimeout(r, 300));
    const holder = await daemon("holder", ["lock", db.unix, "L"]);
    const ref = await daemon("ref", ["lock", db.unix, "L"]);
    const ctl = join(dir, "lock.ctl");
    const io = memoryIo("");
    const done = main(["ovsdb", `--unixctl=${ctl}`, "lock", db.unix, "L"], io);
    await waitFor(ctl);
    // Queue: holder, ref, ours. Each unlock hands the lock to the next.
    expect(await appctl(holder.ctl, "unlock", "L")).toBe("|0");
    await settle();
    const [a, b] = [await appctl(ref.ctl, "unlock", "L"), await settle().then(() => appctl(ctl, "unlock", "L"))];
    expect(b).toBe(a);
    await settle();
    for (const d of [holder, ref]) await appctl(d.ctl, "exit");
    await appctl(ctl, "exit");
    expect(await done).toBe(0);
    expect(io.stdout).toBe(await ref.output());
    expect(io.stdout).toBe('{"locked":false}\nlocked\n["L"]\n{}\n');
  }, 60_000);

  it("a plain monitor refuses cond_change", async () => {
    const ctl = join(dir, "b.ctl");
    const io = memoryIo("");
    const done = main(["ovsdb", `--unixctl=${ctl}`, "monitor", db.unix, "db", "t", "n"], io);
    await waitFor(ctl);
    const r = await run("ovs-appctl", ["-t", ctl, "ovsdb-client/cond_change", "t", "[true]"], { allowFailure: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("needs a monitor-cond or monitor-cond-since monitor");
    await run("ovs-appctl", ["-t", ctl, "exit"]);
    expect(await done).toBe(0);
  }, 60_000);
});
