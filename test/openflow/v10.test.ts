/**
 * The OpenFlow 1.0 / NXM codec (src/openflow/v10) against bytes captured from ovs-ofctl 3.1
 * (`ovs-ofctl -mmmmm parse-flow FLOW` and the cases of Open vSwitch's tests/ofp-actions.at), built
 * without the encoder under test; and the flow protocol negotiation against a scripted connection.
 */
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { EncodeError } from "../../src/bytes/encode-error.js";
import { Reader } from "../../src/bytes/reader.js";
import { Writer } from "../../src/bytes/writer.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { decodeMessage, encodeMessage, flowMod } from "../../src/openflow/messages.js";
import { formatActions, formatMatch, parseFlow } from "../../src/openflow/flowtext.js";
import { formatMessage } from "../../src/openflow/print.js";
import { Protocol } from "../../src/openflow/protocols.js";
import { decodeOf10Match, encodeOf10Match } from "../../src/openflow/v10/match.js";
import { decodeNxMatch, encodeNxMatch } from "../../src/openflow/v10/nxm.js";
import { decodeOf10ActionList, encodeOf10ActionList } from "../../src/openflow/v10/actions.js";
import { flowModMessage, protocolForFlowDump, protocolForFlowMod } from "../../src/openflow/v10/session.js";
import type { OpenFlowConnection } from "../../src/openflow/connection.js";
import { OpenFlowError } from "../../src/openflow/errors.js";
import type { OfMessageInput } from "../../src/openflow/messages.js";

/** `ovs-ofctl -mmmmm parse-flow` (no -O) bytes: the flow, the chosen protocol and the message. */
const FLOW_MODS: readonly (readonly [string, number, string])[] = [
  [
    "in_port=1,dl_vlan=9,actions=mod_vlan_vid:3,strip_vlan,enqueue:2:5",
    Protocol.OF10_STD,
    "010e006800000001003820fc00010000000000000000000000000009000000000000000000000000000000000000000000000000000000000000000000008000ffffffffffff000000010008000300000003000800000000000b0010000200000000000000000005",
  ],
  [
    "reg0=123,tun_id=0x1c8,tcp,tp_dst=80,actions=load:5->reg0,output:2",
    Protocol.OF10_NXM,
    "0104007800000001000023200000000d00000000000000000000000000008000ffffffffffff0000002500000000000000000602080000000c01060000140200500001200800000000000001c8000100040000007b000000ffff0018000023200007001f0001000400000000000000050000000800020000",
  ],
  [
    "table=3,ip,nw_src=10.0.0.0/8,actions=drop",
    Protocol.OF10_STD_TID,
    "010e004800000001003818ef0000000000000000000000000000000000000800000000000a000000000000000000000000000000000000000300000000008000ffffffffffff0000",
  ],
];

/** OpenFlow 1.0 action lists of tests/ofp-actions.at and how ovs-ofctl prints them. */
const ACTIONS: readonly (readonly [string, string])[] = [
  ["0000 0008 fffe 04d2", "LOCAL"],
  ["0000 0008 fffd 04d2", "CONTROLLER:1234"],
  ["0001 0008 0009 0000", "mod_vlan_vid:9"],
  ["0002 0008 06 000000", "mod_vlan_pcp:6"],
  ["0003 0008 00000000", "strip_vlan"],
  ["0004 0010 001122334455 000000000000", "mod_dl_src:00:11:22:33:44:55"],
  ["0006 0008 01020304", "mod_nw_src:1.2.3.4"],
  ["0008 0008 30 000000", "mod_nw_tos:48"],
  ["000a 0008 01bb 0000", "mod_tp_dst:443"],
  ["000b 0010 000a 000000000000 00000037", "enqueue:10:55"],
  ["ffff 0010 00002320 0001 0005 00000000", "resubmit:5"],
  ["ffff 0018 00002320 0007 000f 00000802 000000000000f009", "load:0xf009->NXM_OF_VLAN_TCI[]"],
  ["ffff 0010 00002320 0028 0000 00000005", "group:5"],
];

describe("OpenFlow 1.0 and NXM flow_mods", () => {
  it.each(FLOW_MODS)("%s encodes to ovs-ofctl's bytes and decodes back", (text, protocol, hex) => {
    const fm = parseFlow(text);
    const bytes = encodeMessage(flowModMessage(protocol, fm, 1));
    expect(toHex(bytes)).toBe(hex);
    const m = decodeMessage(fromHex(hex));
    expect(m.version).toBe(1);
    expect(m.type).toBe(protocol === Protocol.OF10_NXM ? "nx_flow_mod" : "flow_mod");
    expect(toHex(encodeMessage(m))).toBe(hex);
  });

  it("prints as ovs-ofctl ofp-print prints (exact-match OpenFlow 1.0 flows get priority 65535, the match normalized)", () => {
    const hex = "010e005000000000000000000001505400000006505400000005ffff0000080600020000c0a80002c0a8000100000000000000000000000000000005000000000000010e000000000000000800030000";
    expect(formatMessage(decodeMessage(fromHex(hex)))).toBe(
      "OFPT_FLOW_MOD (xid=0x0): ADD priority=65535,arp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:06,dl_dst=50:54:00:00:00:05,arp_spa=192.168.0.2,arp_tpa=192.168.0.1,arp_op=2 idle:5 buf:0x10e out_port:0 actions=output:3",
    );
  });

  it("ofp10_match: wildcards and CIDR bits both ways; fields it cannot carry are an EncodeError naming them", () => {
    const w = new Writer("openflow");
    encodeOf10Match(w, parseFlow("udp,nw_dst=192.168.0.0/16,tp_src=53,actions=drop").match);
    const bytes = w.finish();
    expect(bytes.length).toBe(40);
    // wildcards: everything but dl_type, nw_proto, tp_src; nw_src 32 bits, nw_dst 16 bits wildcarded
    expect(toHex(bytes.subarray(0, 4))).toBe(((0x3fffff & ~(0x10 | 0x20 | 0x40) & ~(0x3f << 8) & ~(0x3f << 14)) | (32 << 8) | (16 << 14)).toString(16).padStart(8, "0"));
    expect(formatMatch(decodeOf10Match(new Reader(bytes, "openflow")))).toBe("udp,nw_dst=192.168.0.0/16,tp_src=53");
    expect(() => encodeOf10Match(new Writer("openflow"), parseFlow("ipv6,ipv6_src=::1,actions=drop").match)).toThrow(EncodeError);
    expect(() => encodeOf10Match(new Writer("openflow"), parseFlow("ip,nw_src=10.0.0.1/255.0.255.0,actions=drop").match)).toThrow(/prefix/);
  });

  it("NXM: registers, the 802.1Q TCI, cookie masks", () => {
    const fm = parseFlow("reg3=0x5/0xff,dl_vlan=7,tcp,actions=drop");
    const w = new Writer("openflow");
    const n = encodeNxMatch(w, fm.match, 0x1234n, 0xffffn);
    const bytes = w.finish();
    expect(n).toBe(bytes.length);
    // the NXM ovs-ofctl writes for this flow (nx_put_match() order: eth_type, vlan_tci/mask, ip_proto, reg3/mask),
    // then the masked cookie
    expect(toHex(bytes)).toBe("0000060208000000090410071fff00000c01060001070800000005000000ff" + "00013d10" + "0000000000001234" + "000000000000ffff");
    const back = decodeNxMatch(new Reader(bytes, "openflow"), bytes.length);
    expect(formatMatch(back.match)).toBe(formatMatch(fm.match));
    expect(back.cookie).toBe(0x1234n);
    expect(back.cookieMask).toBe(0xffffn);
  });
});

describe("OpenFlow 1.0 action lists", () => {
  it.each(ACTIONS)("%s is %s and encodes back to the same bytes", (hex, text) => {
    const actions = decodeOf10ActionList(fromHex(hex));
    expect(formatActions(actions)).toBe(text);
    expect(toHex(encodeOf10ActionList(actions))).toBe(toHex(fromHex(hex)));
  });

  it.each([
    ["00 00 00 f0 00 00 00 00", "OFPBAC_BAD_LEN"],
    ["0000 0008 ffff 0000", "OFPBAC_BAD_OUT_PORT"],
    ["0001 0008 1009 0000", "OFPBAC_BAD_ARGUMENT"],
    ["000c 0008 00000000", "OFPBAC_BAD_TYPE"],
    ["ffff 0020 00002320 0016 000000000000 fedcba9876543210 ffffffffffffffff", "OFPBIC_UNSUP_INST"],
  ])("%s is refused with %s", (hex, reason) => {
    let err: unknown;
    try {
      decodeOf10ActionList(fromHex(hex));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).reason).toBe(reason);
  });

  it("OpenFlow 1.3 forms the parser makes are written the OpenFlow 1.0 way", () => {
    const fm = parseFlow("ip,actions=mod_vlan_vid:9,mod_nw_ttl:5,set_field:5->reg0,goto_table:2");
    const m = decodeMessage(encodeMessage(flowModMessage(Protocol.OF10_NXM, fm, 1)));
    expect(formatMessage(m)).toBe("NXT_FLOW_MOD (xid=0x1): ADD ip actions=mod_vlan_vid:9,load:0x5->NXM_NX_IP_TTL[],load:0x5->NXM_NX_REG0[],resubmit(,2)");
  });
});

describe("OpenFlow 1.0 messages", () => {
  it("requests ovs-ofctl sends, byte for byte", () => {
    expect(toHex(encodeMessage({ type: "features_request", version: 1, xid: 2 }))).toBe("0105000800000002");
    expect(toHex(encodeMessage({ type: "barrier_request", version: 1, xid: 3 }))).toBe("0112000800000003");
    expect(toHex(encodeMessage({ type: "nx_set_flow_format", format: 2, version: 1, xid: 2 }))).toBe("0104001400000002000023200000000c00000002");
    expect(toHex(encodeMessage({ type: "nx_flow_mod_table_id", enable: true, version: 1, xid: 1 }))).toBe("0104001800000001000023200000000f0100000000000000");
    const nxst = { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] };
    expect(toHex(encodeMessage({ type: "multipart_request", flags: 0, body: { kind: "nx_flow", request: nxst }, version: 1, xid: 4 }))).toBe(
      "0110002000000004ffff0000000023200000000000000000ffff0000ff000000",
    );
  });

  it("a features reply with ports prints as ovs-ofctl prints it; a bad length is OFPBRC_BAD_LEN", () => {
    const hex =
      "010600e000000001000050540000000100000100020000000000008700000ffffffe505400000001627230000000000000000000000000000000000100000001000000000000000000000000000000000003505400000001657468300000000000000000000000000000000000000000000002080000028f0000028f000000000002505400000003657468320000000000000000000000000000000000000000000002080000028f0000028f000000000001505400000002657468310000000000000000000000000000000000000000000002080000028f0000028f00000000";
    const text = formatMessage(decodeMessage(fromHex(hex)));
    expect(text.split("\n").slice(0, 5)).toEqual([
      "OFPT_FEATURES_REPLY (xid=0x1): dpid:0000505400000001",
      "n_tables:2, n_buffers:256",
      "capabilities: FLOW_STATS TABLE_STATS PORT_STATS ARP_MATCH_IP",
      "actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst",
      " 1(eth1): addr:50:54:00:00:00:02",
    ]);
    expect(text).toContain(" LOCAL(br0): addr:50:54:00:00:00:01\n     config:     PORT_DOWN\n     state:      LINK_DOWN\n     speed: 0 Mbps now, 0 Mbps max");
    const short = fromHex(hex.slice(0, hex.length - 8));
    short[3] = short.length;
    expect(() => decodeMessage(short)).toThrow(DecodeError);
    expect(toHex(encodeMessage(decodeMessage(fromHex(hex))))).toBe(hex);
  });

  it("NXST_FLOW replies keep idle_age and print it", () => {
    const m = decodeMessage(encodeMessage({
      type: "multipart_reply",
      flags: 0,
      version: 1,
      xid: 4,
      body: { kind: "nx_flow", flows: [{ ...flowMod({ priority: 7 }), durationSec: 3, durationNsec: 0, packetCount: 1n, byteCount: 60n, idleAge: 2, instructions: [{ type: "apply_actions", actions: [{ type: "output", port: 1, maxLen: 0 }] }] }] },
    }));
    expect(formatMessage(m)).toBe("NXST_FLOW reply (xid=0x4):\n cookie=0x0, duration=3s, table=0, n_packets=1, n_bytes=60, idle_age=2, priority=7 actions=output:1");
  });
});

describe("flow protocol negotiation (as ovs-ofctl)", () => {
  /** A connection that records what is sent and refuses the flow formats in `refuse`. */
  function scripted(refuse: (m: OfMessageInput) => boolean = () => false) {
    const sent: OfMessageInput[] = [];
    const c = {
      async sendChecked(msgs: readonly OfMessageInput[]) {
        sent.push(...msgs);
        if (msgs.some(refuse)) throw new OpenFlowError({ type: "error", version: 1, xid: 2, errType: 1, code: 3, data: new Uint8Array() });
      },
    } as unknown as OpenFlowConnection;
    return { c, sent };
  }

  it("flow_mods keep the session's OpenFlow 1.0 format when the flows allow it", async () => {
    const { c, sent } = scripted();
    expect(await protocolForFlowMod(c, Protocol.OF10_STD, 0x1ff, 0xf, String)).toBe(Protocol.OF10_STD);
    expect(sent).toEqual([]);
  });

  it("a table id needs the table_id extension, a register NXM, both: one request each", async () => {
    const { c, sent } = scripted();
    expect(await protocolForFlowMod(c, Protocol.OF10_STD, Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID | Protocol.OF13_OXM, 0xf, String)).toBe(Protocol.OF10_STD_TID);
    expect(sent.map((m) => m.type)).toEqual(["nx_flow_mod_table_id"]);
    const b = scripted();
    expect(await protocolForFlowMod(b.c, Protocol.OF10_STD, Protocol.OF10_NXM_TID | Protocol.OF13_OXM, 0xf, String)).toBe(Protocol.OF10_NXM_TID);
    expect(b.sent).toEqual([{ type: "nx_set_flow_format", format: 2 }, { type: "nx_flow_mod_table_id", enable: true }]);
  });

  it("dumps prefer NXM; a switch that refuses it falls back to OpenFlow 1.0; none allowed is an error naming both sets", async () => {
    const { c, sent } = scripted();
    expect(await protocolForFlowDump(c, Protocol.OF10_STD, 0x1ff, 0xf, String)).toBe(Protocol.OF10_NXM);
    expect(sent).toEqual([{ type: "nx_set_flow_format", format: 2 }]);
    const r = scripted((m) => m.type === "nx_set_flow_format");
    expect(await protocolForFlowDump(r.c, Protocol.OF10_STD, 0x1ff, 0xf, String)).toBe(Protocol.OF10_STD);
    await expect(protocolForFlowMod(r.c, Protocol.OF10_STD, Protocol.OF13_OXM, 0xf, (p) => `0x${p.toString(16)}`)).rejects.toThrow(
      "none of the usable flow formats (0x40) is among the allowed flow formats (0xf)",
    );
  });
});
