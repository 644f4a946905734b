/**
 * `ovn-ts appctl` against `ovs-appctl` on real daemons (ovsdb-server in a Raft cluster,
 * ovs-vswitchd, ovn-northd, ovn-controller) and on misbehaving peers: same stdout, same exit
 * status, same stderr once OVS's timestamped vlog lines are dropped and the program name swapped.
 *
 * Known differences (each with its reason):
 * - OVS also logs a timestamped `unixctl|WARN` line on a failed connect: that is vlog's console
 *   output, not the tool's; we print only the tool's own message.
 * - When `--timeout` expires `ovs-appctl` is killed by SIGALRM (a shell reports 142); we exit
 *   with 142 and say so on stderr.
 * - `cluster/status` prints "N ms ago" times that differ between two calls: they are masked.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAppctl } from "../../src/cli/appctl.js";
import { ConnectionClosedError, RequestTimeoutError } from "../../src/rpc/errors.js";
import {
  UnixctlClient,
  UnixctlClosedError,
  UnixctlCommandError,
  UnixctlConnectError,
  UnixctlProtocolError,
  UnixctlTimeoutError,
  UnixctlUnknownCommandError,
  clusterStatus,
  controllerConnectionStatus,
  coverageShow,
  dpctlShow,
  dpifShow,
  memoryShow,
  northdStatus,
  parseClusterStatus,
  resolveTarget,
  storageStatus,
  unixctlCall,
} from "../../src/unixctl/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { type ChassisSandbox, type MisbehavingPeer, type RaftClusterSandbox, installedSchemaFile, startChassisSandbox, startMisbehavingPeer, startRaftCluster } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

function ovsAppctl(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn("ovs-appctl", args, { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code, signal) => {
      const status = signal === "SIGALRM" ? 142 : (code ?? 1);
      const own = stderr
        .split("\n")
        .filter((l) => !/^\d{4}-\d\d-\d\dT\S+\|\d+\|/.test(l))
        .join("\n")
        .replace(/^ovs-appctl:/gm, "ovn-ts appctl:");
      resolve({ status, stdout, stderr: signal === "SIGALRM" ? "ovn-ts appctl: terminating with signal 14 (Alarm clock)\n" : own });
    });
  });
}

async function ours(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  const io = memoryIo();
  const status = await runAppctl(args, io, { ...process.env, ...env });
  return { status, stdout: io.stdout, stderr: io.stderr };
}

const mask = (o: Outcome): Outcome => ({ ...o, stdout: o.stdout.replace(/\d+ ms ago/g, "N ms ago") });

async function same(args: readonly string[], env: Record<string, string> = {}, m: (o: Outcome) => Outcome = (o) => o): Promise<Outcome> {
  const theirs = m(await ovsAppctl(args, env));
  const mine = m(await ours(args, env));
  expect(mine).toEqual(theirs);
  return mine;
}

describe.skipIf(!peers("ovs-appctl", "ovsdb-server", "ovs-vswitchd", "ovn-northd", "ovn-controller"))("ovn-ts appctl vs ovs-appctl", () => {
  let raft: RaftClusterSandbox;
  let sandbox: ChassisSandbox;
  let peer: MisbehavingPeer;
  let peerMode: "garbage" | "integer" | "error-object" | "close" | "hang" = "garbage";
  beforeAll(async () => {
    raft = await startRaftCluster({ schema: installedSchemaFile("OVN_Northbound") });
    sandbox = await startChassisSandbox({ chassis: 1 });
    peer = await startMisbehavingPeer((req, conn) => {
      if (peerMode === "garbage") conn.send("hello garbage");
      else if (peerMode === "integer") conn.reply(req.id, 42);
      else if (peerMode === "error-object") conn.replyError(req.id, { x: 1 });
      else if (peerMode === "close") conn.end();
      // hang: no answer
    });
  }, 180_000);
  afterAll(async () => {
    await peer?.stop();
    await raft?.stop();
    await sandbox?.stop();
  }, 60_000);

  const ctl = (i: number) => join(raft.dir, `m${i}.ctl`);
  const central = () => join(sandbox.dir, "central");
  const hv = () => sandbox.chassis[0]!.dir;

  it("ovsdb-server: cluster/status, storage status, list-dbs, version", async () => {
    for (let i = 0; i < 3; i++) {
      const o = await same(["-t", ctl(i), "cluster/status", "OVN_Northbound"], {}, mask);
      expect(o.stdout).toMatch(/^Role: (leader|follower)$/m);
    }
    await same(["-t", ctl(0), "ovsdb-server/get-db-storage-status", "OVN_Northbound"]);
    await same(["-t", ctl(1), "ovsdb-server/list-dbs"]);
    await same(["--target", ctl(2), "version"]);
    await same(["-t", join(central(), "nb.ctl"), "list-commands"]);
  }, 60_000);

  it("ovs-vswitchd: dpctl/show, dpctl/dump-dps, dpif/show", async () => {
    const vs = join(hv(), "vswitchd.ctl");
    // With --enable-dummy (not =override) dpctl/dump-dps does not enumerate the dummy datapath; name it.
    await same(["-t", vs, "dpctl/dump-dps"]);
    const o = await same(["-t", vs, "dpctl/show", "dummy@ovs-dummy"]);
    expect(o.stdout).toMatch(/lookups: hit:\d+ missed:\d+ lost:\d+/);
    expect(o.stdout).toMatch(/port \d+: br-int \(dummy-internal\)/);
    await same(["-t", vs, "dpctl/show", "-s", "dummy@ovs-dummy"]);
    await same(["--target=" + vs, "-T", "10", "dpif/show"]);
    // The harness gives vswitchd an explicit --unixctl path, so the NAME.PID.ctl lookup finds no socket.
    expect((await same(["-t", "vswitchd", "version"], { OVS_RUNDIR: hv() })).status).toBe(1);
  }, 60_000);

  it("ovn-northd status and ovn-controller connection-status", async () => {
    expect((await same(["-t", join(central(), "northd.ctl"), "status"])).stdout).toBe("Status: active\n");
    await same(["-t", join(central(), "northd.ctl"), "sb-connection-status"]);
    expect((await same(["-t", "ovn-controller", "connection-status"], { OVS_RUNDIR: hv() })).stdout).toMatch(/^connected\n?$/);
  }, 60_000);

  it("errors from the daemon: unknown command, wrong arguments, unknown database (exit 2)", async () => {
    expect((await same(["-t", ctl(0), "no/such-command"])).status).toBe(2);
    expect((await same(["-t", ctl(0), "cluster/status"])).status).toBe(2);
    expect((await same(["-t", ctl(0), "cluster/status", "a", "b"])).status).toBe(2);
    expect((await same(["-t", ctl(0), "ovsdb-server/get-db-storage-status", "Nope"])).status).toBe(2);
    expect((await same(["-t", join(central(), "northd.ctl"), "cluster/status", "OVN_Northbound"])).status).toBe(2);
  }, 60_000);

  it("targets that cannot be reached (exit 1): dead socket, missing and stale pidfiles", async () => {
    expect((await same(["-t", join(raft.dir, "gone.ctl"), "version"])).status).toBe(1);
    expect((await same(["-t", "nosuch", "version"], { OVS_RUNDIR: raft.dir })).status).toBe(1);
    writeFileSync(join(raft.dir, "stale.pid"), "999999\n");
    expect((await same(["-t", "stale", "version"], { OVS_RUNDIR: raft.dir })).status).toBe(1);
    writeFileSync(join(raft.dir, "junk.pid"), "not a pid\n");
    expect((await same(["-t", "junk", "version"], { OVS_RUNDIR: raft.dir })).status).toBe(1);
  }, 60_000);

  it("usage errors (exit 1) and --help (exit 0)", async () => {
    for (const args of [[], ["-T", "0", "version"], ["--timeout=abc", "version"], ["-t", "a", "-t", "b", "version"], ["--frob"], ["-z"], ["-t"], ["-e", "-e", "version"]]) {
      const o = await same(args);
      expect(o.status).toBe(1);
    }
    expect((await ours(["--help"])).status).toBe(0);
  }, 60_000);

  it("misbehaving peers: garbage, a non-string result or error, a hang-up, a hang with --timeout", async () => {
    const path = peer.remote.slice("unix:".length);
    peerMode = "garbage";
    expect((await same(["-t", path, "version"])).stderr).toContain("transaction error (Protocol error)");
    peerMode = "integer";
    expect((await same(["-t", path, "version"])).stderr).toContain("transaction error (Invalid argument)");
    peerMode = "error-object";
    expect((await same(["-t", path, "version"])).status).toBe(1);
    peerMode = "close";
    expect((await same(["-t", path, "version"])).stderr).toContain("transaction error (End of file)");
    peerMode = "hang";
    expect((await same(["-T", "1", "-t", path, "version"])).status).toBe(142);
  }, 60_000);

  it("typed calls parse what the real daemons answer", async () => {
    const c = await UnixctlClient.connect(ctl(0), { timeoutMs: 10_000 });
    try {
      const st = await clusterStatus(c, "OVN_Northbound");
      const text = (await ovsAppctl(["-t", ctl(0), "cluster/status", "OVN_Northbound"])).stdout;
      const again = parseClusterStatus(text);
      expect(st.serverId).toEqual(again.serverId);
      expect(st.clusterId).toEqual(again.clusterId);
      expect(st.servers.map((x) => x.address).sort()).toEqual(raft.members.map((_m, i) => again.servers[i]!.address).sort());
      expect(st.servers).toHaveLength(3);
      expect(await storageStatus(c, "OVN_Northbound")).toEqual({ ok: true });
      expect((await memoryShow(c)).has("cells")).toBe(true);
      expect((await coverageShow(c)).neverHit).toBeGreaterThan(0);
      await expect(c.call("no/such")).rejects.toBeInstanceOf(UnixctlUnknownCommandError);
      await expect(c.call("cluster/status", ["Nope"])).rejects.toThrow(UnixctlCommandError);
    } finally {
      c.close();
    }
    const vs = await UnixctlClient.connect(join(hv(), "vswitchd.ctl"));
    const [dp] = await dpctlShow(vs, "dummy@ovs-dummy");
    expect(dp!.ports.map((p) => p.name)).toContain("br-int");
    expect((await dpifShow(vs)).flatMap((d) => d.bridges.map((b) => b.name))).toContain("br-int");
    vs.close();
    const nd = await UnixctlClient.connect(join(central(), "northd.ctl"));
    expect(await northdStatus(nd)).toBe("active");
    nd.close();
    const ctrl = await UnixctlClient.connect(resolveTarget("ovn-controller", { rundir: hv() }));
    expect(await controllerConnectionStatus(ctrl)).toBe("connected");
    ctrl.close();
  }, 60_000);

  it("typed errors: dead socket, garbage, hang-up, timeout", async () => {
    await expect(unixctlCall(join(raft.dir, "gone.ctl"), "version")).rejects.toMatchObject({ name: "UnixctlConnectError", code: "ENOENT" });
    await expect(unixctlCall(join(raft.dir, "gone.ctl"), "version")).rejects.toBeInstanceOf(UnixctlConnectError);
    const path = peer.remote.slice("unix:".length);
    peerMode = "garbage";
    await expect(unixctlCall(path, "version")).rejects.toBeInstanceOf(UnixctlProtocolError);
    peerMode = "close";
    await expect(unixctlCall(path, "version")).rejects.toBeInstanceOf(UnixctlClosedError);
    // the shared connection errors of every client of the SDK (src/rpc)
    await expect(unixctlCall(path, "version")).rejects.toBeInstanceOf(ConnectionClosedError);
    peerMode = "hang";
    await expect(unixctlCall(path, "version", [], { timeoutMs: 300 })).rejects.toBeInstanceOf(UnixctlTimeoutError);
    await expect(unixctlCall(path, "version", [], { timeoutMs: 300 })).rejects.toMatchObject({ constructor: UnixctlTimeoutError, timeoutMs: 300, command: "version", message: `${path}: no reply to version within 300 ms` });
    await expect(unixctlCall(path, "version", [], { timeoutMs: 300 })).rejects.toBeInstanceOf(RequestTimeoutError);
  }, 60_000);
});
