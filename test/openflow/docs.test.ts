/** The samples of docs/openflow.md, compiled and run. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FlowModCommand,
  OpenFlowConnection,
  OpenFlowListener,
  decodeMessage,
  decodeTableFeatureProperty,
  encodeMessage,
  formatFlowMod,
  formatFlowStats,
  formatMessage,
  parseFlow,
  actionParseContext,
  parseActionList,
  decodeActionList,
  encodeActionList,
  formatActions,
  EncodeError,
  fieldNum,
  matchField,
  matchFieldNum,
} from "../../src/openflow/index.js";
import { FrameDecoder, fromHex, toHex } from "../../src/openflow/wire.js";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";

describe("docs/openflow.md", () => {
  it("1. an action list parsed with the match as context", () => {
    const ctx = actionParseContext(parseFlow("udp,actions=drop").match);
    expect(formatActions(parseActionList("mod_tp_src:1111", ctx))).toBe("set_field:1111->udp_src");
  });

  it("2. bare action lists and range-checked encoders", () => {
    const bytes = fromHex("0000 0010 fffffffe 04d2 000000000000");
    const actions = decodeActionList(bytes);
    expect(formatActions(actions)).toBe("LOCAL");
    expect(toHex(encodeActionList(actions))).toBe(toHex(bytes));
    expect(() => encodeMessage({ type: "barrier_request", xid: 2 ** 33 + 5 })).toThrow(EncodeError);
  });

  it("1. parse a flow", () => {
    const fm = parseFlow(
      "table=0,priority=100,ip,nw_dst=10.0.0.0/24," + "actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)",
    );
    expect(fm.priority).toBe(100);
    expect(fm.match.map((f) => f.field)).toEqual(["dl_type", "nw_dst"]);
    expect(formatFlowMod(fm)).toBe(
      "ADD priority=100,ip,nw_dst=10.0.0.0/24 actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)",
    );
  });

  it("2. encode and decode", () => {
    const bytes = encodeMessage({ type: "flow_mod", ...parseFlow("priority=100,ip,actions=drop"), xid: 1 });
    expect(toHex(bytes).startsWith("040e004000000001")).toBe(true);
    const msg = decodeMessage(bytes);
    if (msg.type === "flow_mod") expect(msg.priority).toBe(100);
    expect(formatMessage(msg)).toBe("OFPT_FLOW_MOD (OF1.3) (xid=0x1): ADD priority=100,ip actions=drop");
    const chunk = new Uint8Array([...bytes, ...bytes]);
    const seen: string[] = [];
    const handle = (m: ReturnType<typeof decodeMessage>) => seen.push(m.type);
    const frames = new FrameDecoder();
    for (const frame of frames.push(chunk)) handle(decodeMessage(frame));
    expect(seen).toEqual(["flow_mod", "flow_mod"]);
  });

  it("2. match entries: numbers of narrow fields, bytes on demand", () => {
    const m = decodeMessage(encodeMessage({ type: "flow_mod", ...parseFlow("reg3=0x10/0xf0,dl_dst=0a:00:00:00:00:01,actions=drop") }));
    if (m.type !== "flow_mod") throw new Error(m.type);
    const reg3 = m.match.find((f) => f.field === "reg3")!;
    expect(reg3.num).toBe(16);
    expect(reg3.maskNum).toBe(240);
    expect(fieldNum(m.match.find((f) => f.field === "dl_dst")!)).toBe(0x0a0000000001);
    expect([...reg3.value]).toEqual([0, 0, 0, 16]);
    expect(matchFieldNum("tcp_dst", 443)).toEqual(matchField("tcp_dst", Uint8Array.of(1, 187)));
    expect(matchFieldNum("tcp_dst", 443)).not.toEqual(matchField("tcp_dst", Uint8Array.of(1, 188)));
  });
});

describe.skipIf(!peers("ovs-vswitchd", "ovs-ofctl"))("docs/openflow.md against a switch", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  });
  afterAll(() => v?.stop());

  it("3. connect and 4. dump/add flows", async () => {
    const conn = await OpenFlowConnection.connect(v.mgmt, {
      echoIntervalMs: 5000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 5000 },
    });
    const packetIns: number[] = [];
    conn.on("message", (m) => {
      if (m.type === "packet_in") packetIns.push(m.data.length);
    });
    await conn.send({ type: "nx_set_packet_in_format", format: 2 /* nxt_packet_in2 */ });
    conn.on("message", (m) => {
      if (m.type === "nx_packet_in2")
        void conn.send({ type: "nx_resume", packet: m.packet, metadata: m.metadata, continuation: m.continuation });
    });
    const desc = await conn.multipart({ kind: "desc" });
    expect(desc.kind).toBe("desc");
    await conn.role(2 /* master */, 1n);
    await conn.flowMods([parseFlow("table=0,priority=10,in_port=1,actions=output:2")]);
    const lines = (await conn.dumpFlows()).map((f) => " " + formatFlowStats(f));
    expect(lines.some((l) => /^ cookie=0x0, duration=[\d.]+s, table=0, n_packets=0, n_bytes=0, priority=10,in_port=1 actions=output:2$/.test(l))).toBe(true);
    await conn.flowMods([parseFlow("in_port=1", FlowModCommand.DELETE)]);
    expect(await conn.dumpFlows()).toEqual([]);
    conn.close();
    expect(conn.state).toBe("closed");
  });

  it("3. table features and the Geneve TLV table", async () => {
    const conn = await OpenFlowConnection.connect(v.mgmt, { echoIntervalMs: 0 });
    try {
      const tf = await conn.multipart({ kind: "table_features", tables: [] });
      if (tf.kind !== "table_features") throw new Error(tf.kind);
      const t0 = tf.tables[0]!;
      expect(t0.properties.map(decodeTableFeatureProperty)[0]).toEqual({ kind: "instructions", miss: false, ids: [1, 2, 3, 4, 5, 6] });
      await conn.sendChecked([{ type: "nx_tlv_table_mod", command: 0 /* add */, mappings: [{ optionClass: 0x102, optionType: 0x80, optionLen: 8, index: 0 }] }]);
      const reply = await conn.request({ type: "nx_tlv_table_request" });
      expect(reply.type === "nx_tlv_table_reply" ? reply.mappings : []).toEqual([{ optionClass: 0x102, optionType: 0x80, optionLen: 8, index: 0 }]);
      await conn.sendChecked([{ type: "nx_tlv_table_mod", command: 2 /* clear */, mappings: [] }]);
    } finally {
      conn.close();
    }
  });

  it("3. be the controller a switch connects to", async () => {
    const listener = new OpenFlowListener();
    const got = new Promise<string>((resolve) => {
      listener.on("connection", async (conn) => {
        const features = await conn.request({ type: "features_request" });
        resolve(features.type);
      });
    });
    await listener.listen({ port: 0 });
    v.vsctl("set-controller", "br0", `tcp:127.0.0.1:${listener.port}`);
    try {
      expect(await got).toBe("features_reply");
    } finally {
      v.vsctl("set-controller", "br0", `ptcp:${v.port}:127.0.0.1`);
      await listener.close();
    }
  });
});
