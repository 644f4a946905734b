/**
 * `ovn-ts ofctl monitor SWITCH watch:` against a private ovs-vswitchd, side by side with `ovs-ofctl monitor`
 * on the same bridge: both watch while ovs-ofctl adds, modifies and deletes flows, and what each prints
 * (the flow monitor reply on stdout, the flow updates on stderr) must be identical, over OpenFlow 1.0
 * (NXST_FLOW_MONITOR), 1.3 (ONFST_FLOW_MONITOR) and 1.4 (OFPST_FLOW_MONITOR). The Nicira bodies also print
 * as ovs-ofctl's ofp-print prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import { MonitorXids, runMonitor } from "../../src/cli/ofctl-monitor.js";
import { fetchNameMaps } from "../../src/cli/ofctl-switch.js";
import { parseArgs } from "../../src/cli/ofctl-options.js";
import { OpenFlowConnection } from "../../src/openflow/connection.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { flowMonitorRequestBody } from "../../src/openflow/flow-monitor.js";
import { parseFlowMonitorRequest } from "../../src/openflow/text/flow-monitor.js";
import { encodeMessage } from "../../src/openflow/messages.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Waits (bounded) until `ok()` holds. */
async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  for (let t = 0; t < ms && !ok(); t += 50) await new Promise((r) => setTimeout(r, 50));
}

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor against ovs-ofctl monitor", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
  }, 60_000);
  afterAll(() => v?.stop());

  const CASES: [string | undefined, number, string[]][] = [
    [undefined, OfpVersion.OF10, ["watch:"]],
    [undefined, OfpVersion.OF10, ["watch:!initial,table=1,ip"]],
    [undefined, OfpVersion.OF10, ["0", "watch:"]],
    [undefined, OfpVersion.OF10, ["watch:", "watch:table=1"]],
    [undefined, OfpVersion.OF10, ["watch:!initial", "watch:table=1,!initial"]],
    ["OpenFlow13", OfpVersion.OF13, ["watch:"]],
    ["OpenFlow14", OfpVersion.OF14, ["watch:"]],
    // --names: ports (output:p1) and tables by the switch's names
    ["--names", OfpVersion.OF10, ["watch:"]],
    ["--names -O OpenFlow13", OfpVersion.OF13, ["watch:"]],
  ];
  for (const [proto, version, args] of CASES) {
    const watch = args.join(" ");
    it(`${proto ?? "no -O"} ${watch}: what both print is identical`, async () => {
      v.ofctl("del-flows", v.mgmt);
      v.ofctl("add-flow", v.mgmt, "table=1,priority=7,ip,nw_dst=10.0.0.0/8,actions=output:1");
      const pre = proto === undefined ? [] : proto.startsWith("--") ? proto.split(" ") : ["-O", proto];
      const names = proto?.startsWith("--names") ? await fetchNameMaps(v.mgmt, parseArgs([]).opts) : undefined;
      const child = spawn("ovs-ofctl", [...pre, "monitor", v.mgmt, ...args], { env: v.env });
      const theirs = { out: "", err: "" };
      child.stdout.on("data", (d: Buffer) => (theirs.out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (theirs.err += d.toString()));
      const io = memoryIo();
      const stop = new AbortController();
      const xids = new MonitorXids();
      const c = await OpenFlowConnection.connect(v.mgmt, { versions: [version], echoIntervalMs: 0, allocateXid: xids.allocate });
      const ours = runMonitor(c, args, io, { signal: stop.signal, xids, names });
      try {
        await until(() => theirs.out.includes("reply") && io.stdout.includes("reply"));
        // both monitors are listening: change the table with ovs-ofctl
        v.ofctl("add-flow", v.mgmt, "table=1,priority=9,ip,nw_src=192.168.0.1,actions=drop");
        v.ofctl("add-flow", v.mgmt, "table=0,priority=5,arp,actions=NORMAL");
        v.ofctl("--strict", "mod-flows", v.mgmt, "table=1,priority=7,ip,nw_dst=10.0.0.0/8,actions=output:2,output:3");
        v.ofctl("del-flows", v.mgmt, "ip");
        const events = (s: string) => (s.match(/event=/g) ?? []).length;
        const expected = watch === "watch:!initial,table=1,ip" ? 4 : 5;
        await until(() => events(theirs.err) >= expected && events(io.stderr) >= expected);
        // a little longer, so that an extra line on either side would show
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
        stop.abort();
        await ours.catch(() => undefined);
        c.close();
      }
      expect(theirs.out).toMatch(/FLOW_MONITOR reply/);
      expect(theirs.err).toMatch(/event=DELETED/);
      if (names) expect(theirs.err).toMatch(/output:p2/);
      expect({ out: io.stdout, err: io.stderr }).toEqual(theirs);
    }, 60_000);
  }

  for (const [proto, version] of [[undefined, OfpVersion.OF10], ["OpenFlow13", OfpVersion.OF13]] as const) {
    it(`${proto ?? "no -O"} MISSLEN: packet-ins print as ovs-ofctl prints them`, async () => {
      v.ofctl("del-flows", v.mgmt);
      v.ofctl("add-flow", v.mgmt, "priority=100,tcp,actions=controller");
      const pre = proto ? ["-O", proto] : [];
      const child = spawn("ovs-ofctl", [...pre, "monitor", v.mgmt, "65535"], { env: v.env });
      const theirs = { out: "", err: "" };
      child.stdout.on("data", (d: Buffer) => (theirs.out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (theirs.err += d.toString()));
      const io = memoryIo();
      const stop = new AbortController();
      const c = await OpenFlowConnection.connect(v.mgmt, { versions: [version], echoIntervalMs: 0 });
      let ready = false;
      const ours = runMonitor(c, ["65535"], io, { signal: stop.signal, onListening: () => (ready = true) });
      try {
        await until(() => ready);
        // ovs-ofctl has no such signal: give it a moment (bounded) to set miss_send_len and the packet-in format
        await new Promise((r) => setTimeout(r, 500));
        const packet = "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80)";
        spawnSync("ovs-appctl", [`--target=${v.dir}/ovs-vswitchd.ctl`, "netdev-dummy/receive", "p1", packet], { env: v.env, timeout: 10_000 });
        await until(() => /PACKET_IN/.test(theirs.err) && /PACKET_IN/.test(io.stderr));
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
        stop.abort();
        await ours;
        c.close();
      }
      expect(theirs.err).toMatch(/PACKET_IN/);
      expect({ out: io.stdout, err: io.stderr }).toEqual(theirs);
    }, 60_000);
  }

  it("the requests are bytes ovs-ofctl's ofp-print reads back as the same monitor", async () => {
    for (const [version, spec] of [
      [OfpVersion.OF10, "!own,out_port=2,table=3,tcp,tp_dst=80"],
      [OfpVersion.OF13, "!initial,table=1,in_port=1"],
      [OfpVersion.OF14, "out_group=5,ip,nw_dst=10.0.0.0/8"],
    ] as const) {
      const msg = encodeMessage({ type: "multipart_request", flags: 0, xid: 4, version, body: flowMonitorRequestBody(version, [parseFlowMonitorRequest(spec, 7)]) });
      const r = spawnSync("ovs-ofctl", ["ofp-print", hex(msg)], { encoding: "utf8" });
      expect(r.status, spec).toBe(0);
      expect(r.stdout, spec).toMatch(/ id=7 flags=/);
      expect(r.stdout, spec).not.toMatch(/decode error/);
      const io = memoryIo();
      await ofctlCommand(["ofp-print", hex(msg)], io);
      expect(io.stdout, spec).toBe(r.stdout);
    }
  });

  it("ofp-print of NXST_FLOW_MONITOR bodies agrees with ovs-ofctl", async () => {
    for (const h of [
      "0110004000000004ffff000000002320000000020000000000004000003ffffe0000010000000000000020000004ffff00060200000000000000000200010000",
      "0111004000000004ffff000000002320000000020000000000200001000580000005001000060100123456789abcdef0000000020001000000080003000186a0",
    ]) {
      const io = memoryIo();
      const code = await ofctlCommand(["ofp-print", h], io);
      const r = spawnSync("ovs-ofctl", ["ofp-print", h], { encoding: "utf8" });
      expect({ code, out: io.stdout }).toEqual({ code: r.status, out: r.stdout });
    }
  });

  it("a bad monitor argument is refused as ovs-ofctl refuses it", async () => {
    const io = memoryIo();
    expect(await ofctlCommand(["monitor", v.mgmt, "bogus"], io)).toBe(1);
    const r = spawnSync("ovs-ofctl", ["monitor", v.mgmt, "bogus"], { env: v.env, encoding: "utf8", timeout: 10_000 });
    expect(io.stderr.replace(/^ovn-ts ofctl: /, "")).toBe(r.stderr.replace(/^ovs-ofctl: /, ""));
    expect(r.status).toBe(1);
  });
  // last: it deletes the bridge, which is what ends both monitors
  it("the command end to end: ovn-ts ofctl monitor and ovs-ofctl monitor print the same and exit the same when the bridge goes", async () => {
    v.ofctl("del-flows", v.mgmt);
    v.ofctl("add-flow", v.mgmt, "priority=3,udp,actions=drop");
    const child = spawn("ovs-ofctl", ["monitor", v.mgmt, "watch:"], { env: v.env });
    const theirs = { code: null as number | null, out: "", err: "" };
    child.stdout.on("data", (d: Buffer) => (theirs.out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (theirs.err += d.toString()));
    const exited = new Promise<void>((r) => child.on("exit", (code) => ((theirs.code = code), r())));
    const io = memoryIo();
    // ovs-ofctl's control socket goes to its OVS_RUNDIR; ours is named (the test process has no OVS_RUNDIR)
    const ours = ofctlCommand([`--unixctl=${v.dir}/ours-e2e.ctl`, "monitor", v.mgmt, "watch:"], io);
    try {
      await until(() => theirs.out.includes("reply") && io.stdout.includes("reply"));
      v.ofctl("add-flow", v.mgmt, "priority=4,udp,actions=drop");
      await until(() => theirs.err.includes("event=ADDED") && io.stderr.includes("event=ADDED"));
      v.vsctl("del-br", "br0");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    } finally {
      if (theirs.code === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    }
    const code = await ours;
    expect(theirs.err).toMatch(/event=ADDED/);
    expect({ code, out: io.stdout, err: io.stderr.replace(/^ovn-ts ofctl: /gm, "") }).toEqual({ code: theirs.code, out: theirs.out, err: theirs.err.replace(/^ovs-ofctl: /gm, "") });
  }, 60_000);
});
