/**
 * Differential test of `ovn-ts ofctl` and `ovs-ofctl` with no -O (OpenFlow 1.0 with the Nicira NXM flow
 * format negotiated as the flows need it) against the same real ovs-vswitchd bridge (dummy datapath,
 * OpenFlow10 enabled): the same flows added by each tool give the same flow table, and every read command
 * prints what ovs-ofctl prints (durations and ages, which differ between two runs, normalized) with the
 * same exit status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

/** Flows that need OpenFlow 1.0 only, NXM, the table_id extension, port names, legacy and Nicira actions. */
const FLOWS = [
  "in_port=1,dl_vlan=5,actions=strip_vlan,output:2",
  "priority=100,ip,nw_dst=10.0.0.0/24,actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)",
  "table=2,cookie=0x5,tcp,tp_dst=80,actions=mod_tp_dst:8080,enqueue:1:3",
  "priority=200,arp,arp_op=1,actions=mod_dl_src:0a:00:00:00:00:01,output:in_port",
  "table=1,reg0=0x5/0xff,ipv6,ipv6_src=fd00::/64,actions=load:0x2->NXM_NX_REG15[],resubmit(,37)",
  "dl_vlan_pcp=3,actions=mod_vlan_vid:7,mod_vlan_pcp:2,output:1",
  "idle_timeout=60,hard_timeout=120,send_flow_rem,udp,nw_src=192.168.1.0/24,tp_src=53,actions=mod_nw_tos:16,mod_nw_src:1.2.3.4,output:2",
  "table=3,ct_state=+trk+est,actions=controller:64",
  "vlan_tci=0x0000,dl_src=00:11:22:33:44:55,actions=drop",
  "table=4,in_port=p1,actions=output:p2",
];

/** Read commands run by both tools on the same flow table (TARGET is replaced by the bridge's socket). */
const READS: string[][] = [
  ["dump-flows", "TARGET"],
  ["--no-stats", "dump-flows", "TARGET"],
  ["dump-flows", "TARGET", "table=2"],
  ["dump-flows", "TARGET", "ip"],
  ["dump-flows", "TARGET", "in_port=p1"],
  ["--no-stats", "dump-flows", "TARGET", "reg0=5/0xff"],
  ["dump-aggregate", "TARGET"],
  ["dump-tables", "TARGET"],
  ["dump-ports", "TARGET"],
  ["dump-ports", "TARGET", "1"],
  ["dump-desc", "TARGET"],
  ["show", "TARGET"],
  // OpenFlow 1.0 named explicitly, and the plain OpenFlow 1.0 flow format forced (OFPST_FLOW, not NXST_FLOW)
  ["-O", "OpenFlow10", "dump-flows", "TARGET", "table=2"],
  ["-F", "OpenFlow10", "dump-flows", "TARGET", "tcp"],
  ["--flow-format=openflow10", "dump-aggregate", "TARGET"],
];

/** Writes, each run by both tools on the same starting table; the resulting tables must agree. */
const WRITES: string[][] = [
  ["mod-flows", "TARGET", "tcp,actions=output:3"],
  ["--strict", "mod-flows", "TARGET", "dl_vlan_pcp=3,actions=drop"],
  ["del-flows", "TARGET", "table=2"],
  ["--strict", "del-flows", "TARGET", "priority=200,arp,arp_op=1"],
  ["del-flows", "TARGET", "ip"],
  ["del-flows", "TARGET"],
  ["add-flow", "TARGET", "actions=output:99999"],
  ["add-flow", "TARGET", "in_port=nosuchport,actions=drop"],
  // a flow that needs NXM when only the OpenFlow 1.0 format is allowed: refused before anything is sent
  ["-F", "OpenFlow10", "add-flow", "TARGET", "reg0=1,actions=drop"],
  ["-F", "nxm", "add-flow", "TARGET", "table=1,priority=7,actions=drop"],
];

const norm = (s: string) =>
  s
    .replace(/duration=[\d.]+s/g, "duration=X")
    .replace(/idle_age=\d+/g, "idle_age=X")
    .replace(/hard_age=\d+/g, "hard_age=X");

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ofctl with no -O (OpenFlow 1.0 + NXM) against ovs-vswitchd, compared with ovs-ofctl", () => {
  let v: Vswitchd;
  const theirs = (args: string[]) => {
    const r = spawnSync("ovs-ofctl", args.map((a) => (a === "TARGET" ? v.mgmt : a)), { env: v.env, encoding: "utf8", timeout: 20_000 });
    return { out: r.stdout, code: r.status };
  };
  const ours = async (args: string[]) => {
    const io = memoryIo();
    const code = await ofctlCommand(args.map((a) => (a === "TARGET" ? v.mgmt : a)), io);
    return { out: io.stdout, code };
  };
  /** The flow table as ovs-ofctl shows it over OpenFlow 1.3 (independent of the protocol under test). */
  const table = () => v.ofctl("-O", "OpenFlow13", "--no-stats", "--sort", "dump-flows", v.mgmt);
  const reset = () => v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);

  beforeAll(async () => {
    v = await startVswitchd();
  }, 60_000);
  afterAll(() => v?.stop());

  it("add-flow: the same flows give the same table", async () => {
    reset();
    for (const f of FLOWS) expect(theirs(["add-flow", "TARGET", f]).code, f).toBe(0);
    const expected = table();
    expect(expected.split("\n").filter((l) => l.trim()).length).toBe(FLOWS.length);
    reset();
    for (const f of FLOWS) expect((await ours(["add-flow", "TARGET", f])).code, f).toBe(0);
    expect(table()).toBe(expected);
  }, 60_000);

  it("a bridge name is its management socket under OVS_RUNDIR, as for ovs-ofctl", async () => {
    reset();
    for (const f of FLOWS) theirs(["add-flow", "TARGET", f]);
    const t = spawnSync("ovs-ofctl", ["dump-flows", "br0"], { env: v.env, encoding: "utf8" });
    const saved = process.env["OVS_RUNDIR"];
    process.env["OVS_RUNDIR"] = v.env["OVS_RUNDIR"];
    try {
      const io = memoryIo();
      expect(await ofctlCommand(["dump-flows", "br0"], io)).toBe(t.status);
      expect(norm(io.stdout)).toBe(norm(t.stdout));
      const missing = spawnSync("ovs-ofctl", ["dump-flows", "nosuchbr"], { env: v.env, encoding: "utf8" });
      const io2 = memoryIo();
      expect(await ofctlCommand(["dump-flows", "nosuchbr"], io2)).toBe(missing.status);
      expect(io2.stderr).toContain("nosuchbr is not a bridge or a socket");
    } finally {
      if (saved === undefined) delete process.env["OVS_RUNDIR"];
      else process.env["OVS_RUNDIR"] = saved;
    }
  }, 60_000);

  it("add-flows FILE from stdin gives the same table", async () => {
    reset();
    const r = spawnSync("ovs-ofctl", ["add-flows", v.mgmt, "-"], { env: v.env, input: FLOWS.join("\n") + "\n", encoding: "utf8" });
    expect(r.status).toBe(0);
    const expected = table();
    reset();
    const io = memoryIo(FLOWS.join("\n") + "\n");
    expect(await ofctlCommand(["add-flows", v.mgmt, "-"], io)).toBe(0);
    expect(table()).toBe(expected);
  }, 60_000);

  it.each(READS.map((r) => [r.join(" "), r] as const))("%s prints what ovs-ofctl prints", async (_name, args) => {
    reset();
    for (const f of FLOWS) theirs(["add-flow", "TARGET", f]);
    const t = theirs(args);
    const o = await ours(args);
    expect(norm(o.out)).toBe(norm(t.out));
    expect(o.code).toBe(t.code);
    expect(t.out.length).toBeGreaterThan(0);
  }, 60_000);

  it.each(WRITES.map((w) => [w.join(" "), w] as const))("%s changes the table as ovs-ofctl does, same exit status", async (_name, args) => {
    reset();
    for (const f of FLOWS) theirs(["add-flow", "TARGET", f]);
    const t = theirs(args);
    const expected = table();
    reset();
    for (const f of FLOWS) theirs(["add-flow", "TARGET", f]);
    const o = await ours(args);
    expect(o.code).toBe(t.code);
    expect(o.out).toBe(t.out);
    expect(table()).toBe(expected);
  }, 60_000);
});
