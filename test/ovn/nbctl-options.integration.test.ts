/**
 * ovn-ts nbctl's run-wide options against ovn-nbctl: `--timeout` on a server that never answers
 * and on a `--wait` that never completes (ovn-nbctl is then killed by its alarm: status 142 and
 * fatal_signal's log line), `--wait=hv` against a real chassis (ovn-controller), and the message
 * for a database that cannot be reached.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type ChassisSandbox, type MisbehavingPeer, type OvsdbServerSandbox, run, startChassisSandbox, startMisbehavingPeer, startOvsdbServer, stopDaemon } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

/** The timestamp and sequence number of an OVS log line, which differ from run to run. */
const normalizeLog = (s: string) => s.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\|\d+\|/gm, "<time>|<seq>|");

/** Runs ovn-nbctl as a shell runs it, so that death by a signal shows as 128 + signal. */
async function ovnNbctl(args: readonly string[]): Promise<{ code: number; err: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), "nbctl-opt-"));
  try {
    const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    // bash reports a signal death on its own stderr, not in the command's redirected one.
    const r = await run("bash", ["-c", `ovn-nbctl ${args.map(q).join(" ")} >${dir}/out 2>${dir}/err; echo $?`], { allowFailure: true });
    return { code: Number(r.stdout.trim()), err: normalizeLog(readFileSync(`${dir}/err`, "utf8")), out: readFileSync(`${dir}/out`, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ours(args: readonly string[]): Promise<{ code: number; err: string; out: string }> {
  const io = memoryIo();
  const code = await main(["nbctl", ...args], io);
  return { code, err: normalizeLog(io.stderr.replace(/^ovn-ts nbctl:/gm, "ovn-nbctl:")), out: io.stdout };
}

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("nbctl --timeout and connection failures", () => {
  let silent: MisbehavingPeer;
  let nb: OvsdbServerSandbox;
  beforeAll(async () => {
    // Accepts connections and never answers anything.
    silent = await startMisbehavingPeer(() => undefined);
    nb = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  });
  afterAll(async () => {
    await silent?.stop();
    await nb?.stop();
  });

  it("--timeout on a server that never answers: killed by the alarm, as ovn-nbctl", async () => {
    const args = [`--db=${silent.remote}`, "--timeout=1", "ls-list"];
    const [theirs, mine] = await Promise.all([ovnNbctl(args), ours(args)]);
    expect(theirs.code).toBe(142);
    expect(mine).toEqual(theirs);
    expect(silent.received.length).toBeGreaterThan(0);
  });

  it("--timeout with --wait=sb and no ovn-northd: the change is committed, then the alarm ends the wait", async () => {
    // NB_Global first: two tools racing to create the one allowed row would fail one of them
    // (a constraint violation), whichever commits second.
    await run("ovn-nbctl", [`--db=${nb.unix}`, "init"]);
    const [theirs, mine] = await Promise.all([
      // (3 s leaves room for the commit itself on a busy machine.)
      ovnNbctl([`--db=${nb.unix}`, "--timeout=3", "--wait=sb", "ls-add", "theirs"]),
      ours([`--db=${nb.unix}`, "--timeout=3", "--wait=sb", "ls-add", "ours"]),
    ]);
    expect(theirs).toEqual({ code: 142, err: "<time>|<seq>|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n", out: "" });
    expect(mine).toEqual(theirs);
    expect((await run("ovn-nbctl", [`--db=${nb.unix}`, "ls-list"])).stdout).toMatch(/\(ours\)\n.*\(theirs\)\n/s);
  });

  it("an unreachable database: ovn-nbctl's message and status", async () => {
    for (const db of [`unix:${join(tmpdir(), "ovn-ts-no-such-dir", "nb.sock")}`, "tcp:127.0.0.1:1"]) {
      const [theirs, mine] = await Promise.all([ovnNbctl([`--db=${db}`, "ls-list"]), ours([`--db=${db}`, "ls-list"])]);
      expect(theirs.code).toBe(1);
      expect(mine).toEqual(theirs);
    }
  });

  it("bad --timeout values are refused as ovn-nbctl refuses them", async () => {
    for (const t of ["0", "-1", "abc"]) {
      const args = [`--db=${nb.unix}`, `--timeout=${t}`, "ls-list"];
      expect(await ours(args)).toEqual(await ovnNbctl(args));
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovn-northd", "ovn-controller", "ovs-vswitchd", "ovn-nbctl"))("nbctl --wait=hv with a real chassis", () => {
  let sb: ChassisSandbox;
  beforeAll(async () => {
    sb = await startChassisSandbox({ chassis: 1 });
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });

  const cfg = async () => {
    const [nbCfg, hvCfg] = (await run("ovn-nbctl", [`--db=${sb.central.nb}`, "get", "NB_Global", ".", "nb_cfg", "hv_cfg"])).stdout.trim().split("\n").map(Number);
    return { nbCfg: nbCfg!, hvCfg: hvCfg! };
  };

  it("returns once the chassis has caught up, as ovn-nbctl", async () => {
    const theirs = await ovnNbctl([`--db=${sb.central.nb}`, "--wait=hv", "ls-add", "theirs"]);
    const afterTheirs = await cfg();
    const mine = await ours([`--db=${sb.central.nb}`, "--wait=hv", "ls-add", "ours"]);
    const afterMine = await cfg();
    expect(theirs).toEqual({ code: 0, err: "", out: "" });
    expect(mine).toEqual(theirs);
    // Each run bumped nb_cfg and returned only when hv_cfg (the chassis' applied nb_cfg) reached it.
    expect(afterMine.nbCfg).toBe(afterTheirs.nbCfg + 1);
    expect(afterMine.hvCfg).toBeGreaterThanOrEqual(afterMine.nbCfg);
    const chassisCfg = Number((await run("ovn-sbctl", [`--db=${sb.central.sb}`, "--bare", "--columns=nb_cfg", "list", "Chassis_Private"])).stdout.trim());
    expect(chassisCfg).toBeGreaterThanOrEqual(afterMine.nbCfg);
  });

  it("with the chassis' ovn-controller stopped, --timeout ends the wait as ovn-nbctl's alarm does", async () => {
    await stopDaemon(sb.chassis[0]!.daemons.controller);
    const [theirs, mine] = await Promise.all([
      ovnNbctl([`--db=${sb.central.nb}`, "--timeout=2", "--wait=hv", "ls-add", "theirs2"]),
      ours([`--db=${sb.central.nb}`, "--timeout=2", "--wait=hv", "ls-add", "ours2"]),
    ]);
    expect(theirs).toEqual({ code: 142, err: "<time>|<seq>|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n", out: "" });
    expect(mine).toEqual(theirs);
    const { nbCfg, hvCfg } = await cfg();
    expect(hvCfg).toBeLessThan(nbCfg);
  });
});
