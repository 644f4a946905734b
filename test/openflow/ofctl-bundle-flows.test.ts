/**
 * `ovn-ts ofctl --bundle add-flow / add-flows / mod-flows / del-flows` against a private ovs-vswitchd, side by
 * side with `ovs-ofctl --bundle` on the same table: stdout, stderr (the `Error ... for: ...` lines of a
 * refused bundle and the fatal `talking to ...` line), exit status, and the flow table afterwards, without
 * -O (OpenFlow 1.4 implied) and with -O OpenFlow13 / OpenFlow15 / OpenFlow10,OpenFlow15; also the flow
 * keywords a command does not take and the connection errors, as ovs-ofctl words them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

/** Log lines' time stamps, which two runs cannot share. */
const stamps = (s: string) => s.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/gm, "TIME|");

const BASE = ["priority=1,actions=drop", "table=1,priority=10,ip,actions=output:2", "cookie=0x5,priority=20,tcp,actions=output:1"];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl --bundle flow writes against ovs-ofctl", () => {
  let v: Vswitchd;
  let dir: string;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-bundle-flows-"));
  }, 60_000);
  afterAll(() => {
    v?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const { ours, theirs } = ofctlPair(() => v, { err: stamps });
  const table = () => v.ofctl("-O", "OpenFlow13", "--no-stats", "--sort", "dump-flows", v.mgmt);
  const reset = () => {
    v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
    for (const f of BASE) v.ofctl("-O", "OpenFlow13", "add-flow", v.mgmt, f);
  };

  it("bundled writes, committed and refused: output, exit status and flow table as ovs-ofctl's", async () => {
    const good = join(dir, "good.txt");
    writeFileSync(good, "priority=30,ip,actions=output:1\n# a comment\npriority=31,arp,actions=output:2\n");
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "priority=32,actions=drop\npriority=33,ip,actions=group:77\npriority=34,actions=output:2\n");
    const CASES: string[][] = [
      ["add-flow", "priority=5,ip,actions=output:1"],
      ["add-flow", "priority=5,ip,actions=group:99"],
      ["add-flow", "in_port=p1,actions=output:p2"],
      ["add-flow", "table=1,priority=3,actions=strip_vlan,mod_nw_src:1.2.3.4"],
      ["add-flows", good],
      ["add-flows", bad],
      ["mod-flows", "ip,actions=output:1"],
      ["--strict", "mod-flows", "priority=1,actions=output:2"],
      ["mod-flows", "tcp,actions=group:5"],
      ["del-flows"],
      ["del-flows", "table=1"],
      ["del-flows", "cookie=0x5/-1"],
      ["--strict", "del-flows", "priority=1"],
    ];
    for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"], ["-O", "OpenFlow10,OpenFlow15"], ["-O", "OpenFlow10"]]) {
      for (const cmd of CASES) {
        const at = cmd.findIndex((a) => !a.startsWith("-")) + 1;
        const args = ["--bundle", ...pre, ...cmd.slice(0, at), v.mgmt, ...cmd.slice(at)];
        reset();
        const t = theirs(args);
        const after = table();
        reset();
        expect(await ours(args), args.join(" ")).toEqual(t);
        expect(table(), args.join(" ")).toBe(after);
      }
    }
  }, 300_000);

  it("a bundle needs OpenFlow 1.3+: -F openflow10 and a switch without 1.3+ fail as ovs-ofctl fails", async () => {
    for (const args of [
      ["--bundle", "-F", "openflow10", "add-flow", v.mgmt, "actions=drop"],
      ["--bundle", "-O", "OpenFlow13", "add-flow", v.mgmt, "actions=strip_vlan"],
    ]) {
      reset();
      const t = theirs(args);
      reset();
      expect(await ours(args), args.join(" ")).toEqual(t);
    }
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10");
    try {
      const args = ["--bundle", "add-flow", v.mgmt, "actions=drop"];
      // ovs-ofctl answers the switch's HELLO with an error message and fails with that send's errno: EPIPE
      // when ovs-vswitchd has already closed its end, else EPROTO. Which one is a race, so both read as one here.
      const racy = (r: { code: number | null; out: string; err: string }) => ({ ...r, err: r.err.replace(/\((Protocol error|Broken pipe)\)/, "(EPIPE or EPROTO)") });
      const t = theirs(args);
      expect(t.code).toBe(1);
      expect(racy(await ours(args))).toEqual(racy(t));
    } finally {
      v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
    }
  }, 120_000);

  it("keywords a command does not take, and connection errors, are worded as ovs-ofctl's", async () => {
    const dead = join(dir, "dead.sock");
    const CASES: string[][] = [
      ["del-flows", v.mgmt, "priority=1"],
      ["--strict", "del-flows", v.mgmt, "priority=1"],
      ["del-flows", v.mgmt, "send_flow_rem"],
      ["del-flows", v.mgmt, "idle_timeout=5"],
      ["del-flows", v.mgmt, "cookie=1"],
      ["add-flow", v.mgmt, "out_port=1,actions=drop"],
      ["mod-flows", v.mgmt, "importance=1,actions=drop"],
      ["dump-flows", v.mgmt, "priority=1"],
      ["dump-flows", "tcp:127.0.0.1:1"],
      ["add-flow", "unix:/nonexistent/x.sock", "actions=drop"],
      ["--bundle", "add-flow", "unix:/nonexistent/x.sock", "actions=drop"],
      // no port and table name connections: the refused flow_mod's xid counts from 1
      ["--bundle", "--no-names", "add-flow", v.mgmt, "priority=5,ip,actions=group:99"],
      ["--bundle", "--no-names", "add-flow", v.mgmt, "in_port=p1,actions=drop"],
    ];
    // a socket file nobody listens on
    const { createServer } = await import("node:net");
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(dead, r));
    await new Promise<void>((r) => srv.close(() => r()));
    CASES.push(["dump-flows", `unix:${dead}`]);
    for (const args of CASES) {
      reset();
      const t = theirs(args);
      reset();
      expect(await ours(args), args.join(" ")).toEqual(t);
    }
    expect(dirname(dead)).toBe(dir);
  }, 120_000);
});
