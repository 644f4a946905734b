/**
 * Live tests against a real ovs-vswitchd (userspace, dummy datapath) with a private ovsdb-server in a temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { asController, startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ConnectionClosedError, OpenFlowConnection, OpenFlowError, OpenFlowListener } from "../../src/openflow/connection.js";
import { formatMatch, parseFlow } from "../../src/openflow/flowtext.js";
import type { OfMessage } from "../../src/openflow/messages.js";
import { formatFlowStats } from "../../src/openflow/print.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import { FlowModCommand } from "../../src/openflow/constants.js";

const FLOWS = [
  "table=0,priority=100,ip,nw_dst=10.0.0.0/24,actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)",
  "table=0,priority=50,in_port=1,dl_src=0a:00:00:00:00:01,actions=load:0x2->NXM_NX_REG15[],resubmit(,37)",
  "table=1,priority=110,reg14=0x2,metadata=0x1,tcp,tp_dst=80,actions=output:2",
  "table=2,priority=5,cookie=0x1234,idle_timeout=60,ct_state=-new+est-rel-inv+trk,ct_label=0/0x1,actions=resubmit(,3)",
  "table=3,arp,arp_op=1,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:0a:00:00:00:00:01->eth_src,set_field:2->arp_op,output:in_port",
  "table=4,ipv6,ipv6_src=fd00::/64,actions=controller(userdata=01.02.03,pause),drop_placeholder",
  // flow-mod flags are printed followed by a space, not a comma (`reset_counts priority=101,...`)
  "table=5,priority=101,reset_counts,send_flow_rem,tcp,actions=drop",
  "table=5,check_overlap,actions=drop",
].map((f) => f.replace(",drop_placeholder", ""));

function ofctlDump(v: Vswitchd): string[] {
  return v
    .ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt)
    .split("\n")
    .filter((l) => l.trim())
    .sort();
}

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("live ovs-vswitchd", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  });
  afterAll(() => v?.stop());

  it("flows installed through our connection appear in ovs-ofctl dump-flows exactly", async () => {
    v.ofctl("del-flows", v.mgmt);
    const c = await OpenFlowConnection.connect(v.mgmt, { echoIntervalMs: 0 });
    try {
      expect(c.version).toBe(4);
      await c.flowMods(FLOWS.map((f) => parseFlow(f)));
      const ours = (await c.dumpFlows()).map((f) => " " + formatFlowStats(f, { noStats: true })).sort();
      expect(ours).toEqual(ofctlDump(v));
      expect(ours.length).toBe(FLOWS.length);
    } finally {
      c.close();
    }
  });

  it("flows added with ovs-ofctl are read back by our dump (TCP passive listener)", async () => {
    v.ofctl("del-flows", v.mgmt);
    for (const f of FLOWS) v.ofctl("-O", "OpenFlow13", "add-flow", v.mgmt, f);
    const c = await OpenFlowConnection.connect(`tcp:127.0.0.1:${v.port}`, { echoIntervalMs: 0 });
    try {
      const ours = (await c.dumpFlows()).map((f) => " " + formatFlowStats(f, { noStats: true })).sort();
      expect(ours).toEqual(ofctlDump(v));
      // with statistics, everything but the durations is identical
      const norm = (s: string) => s.replace(/duration=[\d.]+s/, "duration=X");
      const withStats = (await c.dumpFlows()).map((f) => norm(" " + formatFlowStats(f))).sort();
      const theirs = v
        .ofctl("-O", "OpenFlow13", "dump-flows", v.mgmt)
        .split("\n")
        .filter((l) => l.startsWith(" "))
        .map(norm)
        .sort();
      expect(withStats).toEqual(theirs);
    } finally {
      c.close();
    }
  });

  it("packet-out is seen by the port counters; errors, barrier, role, echo and multipart work", async () => {
    const c = await OpenFlowConnection.connect(v.mgmt, { echoIntervalMs: 0 });
    try {
      const before = await c.multipart({ kind: "port_stats", portNo: 2 });
      const txBefore = before.kind === "port_stats" ? before.ports[0]!.counters[1]! : -1n;
      const frame = new Uint8Array(60);
      frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0, 0, 0, 0, 1, 0x08, 0x00]);
      await c.send({ type: "packet_out", bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: "output", port: 2, maxLen: 0 }], data: frame });
      await c.barrier();
      const after = await c.multipart({ kind: "port_stats", portNo: 2 });
      const txAfter = after.kind === "port_stats" ? after.ports[0]!.counters[1]! : -1n;
      expect(txAfter).toBe(txBefore + 1n);
      // a bad flow_mod (goto_table backwards) is rejected with an OFPT_ERROR
      await expect(c.flowMods([parseFlow("table=5,actions=goto_table:1")])).rejects.toBeInstanceOf(OpenFlowError);
      const role = await c.role(2, 1n);
      expect(role.role).toBe(2);
      const echo = await c.request({ type: "echo_request", data: new Uint8Array([1, 2, 3]) });
      expect(echo.type).toBe("echo_reply");
      const desc = await c.multipart({ kind: "desc" });
      expect(desc.kind === "desc" && desc.desc.mfrDesc).toContain("Nicira");
      const tf = await c.multipart({ kind: "table_features", tables: [] });
      expect(tf.kind === "table_features" && tf.tables.length).toBe(254); // reassembled from many parts
      v.ofctl("-O", "OpenFlow13", "add-group", v.mgmt, "group_id=7,type=all,bucket=output:1");
      const gd = await c.multipart({ kind: "group_desc" });
      expect(gd.kind === "group_desc" && gd.groups.map((g) => g.groupId)).toEqual([7]);
      const gs = await c.multipart({ kind: "group", groupId: 0xfffffffc });
      expect(gs.kind === "group" && gs.groups[0]?.buckets.length).toBe(1);
      const ports = await c.multipart({ kind: "port_desc" });
      expect(ports.kind === "port_desc" && ports.ports.map((p) => p.name).sort()).toEqual(["br0", "p1", "p2"]);
    } finally {
      c.close();
    }
  });

  it("multipart reassembly over many flows, and pending requests rejected on close", async () => {
    v.ofctl("del-flows", v.mgmt);
    const c = await OpenFlowConnection.connect(v.mgmt, { echoIntervalMs: 0 });
    try {
      const mods = Array.from({ length: 1500 }, (_, i) => parseFlow(`table=7,priority=${i + 1},ip,nw_src=10.${i >> 8}.${i & 255}.1,actions=output:1`));
      await c.flowMods(mods);
      const flows = await c.dumpFlows({ tableId: 7 });
      expect(flows.length).toBe(1500); // > 64 KiB: several OFPMPF_REPLY_MORE parts
      // the CLI prints one header per reply part, as ovs-ofctl does
      const io = memoryIo();
      expect(await ofctlCommand(["-O", "OpenFlow13", "dump-flows", v.mgmt, "table=7"], io)).toBe(0);
      const norm = (t: string) => t.split("\n").map((l) => l.replace(/duration=[\d.]+s/, "duration=X").replace(/xid=0x[0-9a-f]+/, "xid=X"));
      const theirs = norm(v.ofctl("-O", "OpenFlow13", "dump-flows", v.mgmt, "table=7"));
      const ours = norm(io.stdout);
      expect(ours.filter((l) => l.startsWith("OFPST_FLOW")).length).toBeGreaterThan(1);
      expect(ours.filter((l) => l.startsWith("OFPST_FLOW")).length).toBe(theirs.filter((l) => l.startsWith("OFPST_FLOW")).length);
      const flowLines = (x: string[]) => x.filter((l) => l.startsWith(" ")).sort();
      expect(flowLines(ours)).toEqual(flowLines(theirs));
      const p = c.barrier();
      c.close();
      await expect(p).rejects.toBeInstanceOf(ConnectionClosedError);
    } finally {
      c.close();
    }
  });

  it("tun_metadata flows after add-tlv-map round-trip through the switch", async () => {
    v.ofctl("del-flows", v.mgmt);
    v.ofctl("add-tlv-map", v.mgmt, "{class=0x102,type=0x80,len=4}->tun_metadata0");
    const c = await OpenFlowConnection.connect(v.mgmt, { echoIntervalMs: 0 });
    try {
      await c.flowMods(
        [
          "table=9,tun_metadata0=0x5,actions=drop",
          "table=9,priority=5,tun_metadata0=0x10002/0x7fff0000,actions=move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15]",
          "table=9,priority=6,actions=set_field:0x10001->tun_metadata0,load:0x5->NXM_NX_TUN_METADATA0[0..7]",
        ].map((f) => parseFlow(f)),
      );
      const ours = (await c.dumpFlows()).map((f) => " " + formatFlowStats(f, { noStats: true })).sort();
      expect(ours).toEqual(ofctlDump(v));
      expect(ours.length).toBe(3);
    } finally {
      c.close();
    }
  });

  it("acts as a controller the switch connects to", async () => {
    const l = new OpenFlowListener({ echoIntervalMs: 0 });
    await l.listen({ port: 0 });
    try {
      const got = new Promise<OpenFlowConnection>((r) => l.once("connection", r));
      v.vsctl("set-controller", "br0", `tcp:127.0.0.1:${l.port}`);
      const c = await got;
      const f = await c.request({ type: "features_request" });
      expect(f.type).toBe("features_reply");
    } finally {
      v.vsctl("set-controller", "br0", `ptcp:${v.port}:127.0.0.1`);
      await l.close();
    }
  });

  it("OVN-style controller(userdata,pause): NXT_PACKET_IN2 to us, NXT_RESUME continues the pipeline", async () => {
    v.ofctl("del-flows", v.mgmt);
    await asController(v, async (c) => {
      const pin = new Promise<OfMessage>((r) => c.on("message", (m) => m.type === "nx_packet_in2" && r(m)));
      await c.send({ type: "nx_set_packet_in_format", format: 2 });
      await c.flowMods([parseFlow("table=0,priority=10,in_port=CONTROLLER,actions=set_field:0x7->reg0,controller(userdata=01.02.03,pause),output:2")]);
      const txOf = async () => {
        const s = await c.multipart({ kind: "port_stats", portNo: 2 });
        return s.kind === "port_stats" ? s.ports[0]!.counters[1]! : -1n;
      };
      const before = await txOf();
      const frame = Uint8Array.from(Buffer.from("0a00000000020a000000000108060001080006040001" + "0a0000000001" + "0a000001" + "000000000000" + "0a000002", "hex"));
      await c.send({ type: "packet_out", bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: "output", port: 0xfffffff9, maxLen: 0 }], data: frame });
      const m = await pin;
      if (m.type !== "nx_packet_in2") throw new Error("unreachable");
      expect(Buffer.from(m.userdata ?? []).toString("hex")).toBe("010203");
      expect(formatMatch(m.metadata ?? [])).toBe("reg0=0x7,in_port=CONTROLLER");
      expect(Buffer.from(m.packet ?? []).equals(Buffer.from(frame))).toBe(true);
      await c.barrier();
      expect(await txOf()).toBe(before); // paused before output:2
      await c.send({ type: "nx_resume", packet: m.packet, metadata: m.metadata, continuation: m.continuation });
      await c.barrier();
      expect(await txOf()).toBe(before + 1n);
    });
  });

  it("CLI: add-flow, dump-flows, del-flows with ovs-ofctl's output and exit status", async () => {
    v.ofctl("del-flows", v.mgmt);
    const run = async (...a: string[]) => {
      const io = memoryIo();
      const code = await ofctlCommand(a, io);
      return { code, out: io.stdout, err: io.stderr };
    };
    for (const f of FLOWS) expect((await run("-O", "OpenFlow13", "add-flow", v.mgmt, f)).code).toBe(0);
    const ours = await run("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt);
    expect(ours.code).toBe(0);
    expect(ours.out.split("\n").filter((l) => l).sort()).toEqual(ofctlDump(v));
    const t1 = await run("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=1");
    expect(t1.out).toBe(v.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=1"));
    expect((await run("-O", "OpenFlow13", "del-flows", v.mgmt, "table=0")).code).toBe(0);
    expect(ofctlDump(v).length).toBe(FLOWS.length - 2);
    expect((await run("-O", "OpenFlow13", "--strict", "del-flows", v.mgmt, "table=1,priority=110,reg14=0x2,metadata=0x1,tcp,tp_dst=80")).code).toBe(0);
    expect(ofctlDump(v).length).toBe(FLOWS.length - 3);
    const bad = await run("-O", "OpenFlow13", "add-flow", v.mgmt, "table=5,actions=goto_table:1");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("OFPT_ERROR");
    // port names are looked up on the switch, as ovs-ofctl looks them up
    expect((await run("-O", "OpenFlow13", "add-flow", v.mgmt, "table=6,in_port=p1,actions=output:p2,resubmit(p1,7)")).code).toBe(0);
    expect(v.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=6")).toBe(" table=6, in_port=1 actions=output:2,resubmit(1,7)\n");
    const named = await run("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=6,in_port=p1");
    expect(named.out).toBe(v.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=6,in_port=p1"));
    expect((await run("-O", "OpenFlow13", "del-flows", v.mgmt, "table=6,in_port=p1")).code).toBe(0);
    expect(v.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt, "table=6")).toBe("");
    const unknown = await run("-O", "OpenFlow13", "add-flow", v.mgmt, "in_port=nosuchport,actions=drop");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("nosuchport: invalid or unknown port");
    // show: features, port descriptions and switch configuration, as ovs-ofctl prints them (same xids)
    const show = await run("-O", "OpenFlow13", "show", v.mgmt);
    expect(show.code).toBe(0);
    expect(show.out).toBe(v.ofctl("-O", "OpenFlow13", "show", v.mgmt));
    const refused = await run("-O", "OpenFlow13", "dump-flows", "unix:/nonexistent/x.mgmt");
    expect(refused.code).toBe(1);
    expect(parseFlow("table=1", FlowModCommand.DELETE).tableId).toBe(1);
  });
});
