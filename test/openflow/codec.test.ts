import { describe, expect, it } from "vitest";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { EncodeError } from "../../src/bytes/encode-error.js";
import { Reader } from "../../src/bytes/reader.js";
import { Writer } from "../../src/bytes/writer.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { decodeMessage, encodeMessage, flowMod, negotiateVersion } from "../../src/openflow/messages.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import { decodeActions } from "../../src/openflow/actions.js";
import { errorCodeName, errorTypeName } from "../../src/openflow/constants.js";

// Captured from `ovs-ofctl -O OpenFlow13 -mmmmm parse-flow
//   'table=0,priority=100,ip,nw_dst=10.0.0.0/24,actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)'`
const FLOW_MOD_HEX =
  "040e009000000001000000000000000000000000000000000000000000000064ffffffffffffffffffffffff00000000" +
  "0001001680000a020800800019080a000000ffffff0000000004004800000000ffff0030000023200023000100011a04" +
  "000fff0000000000ffff00180000232000240000000100010a00000100000000ffff001000002320000efff801000000";

// Hand-built: OF1.3 HELLO with a version bitmap for 1.0 and 1.3 (bits 1 and 4).
const HELLO = [0x04, 0x00, 0x00, 0x10, 0, 0, 0, 7, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12];

describe("bytes", () => {
  it("reader bounds-checks and reports absolute offsets", () => {
    const r = new Reader(new Uint8Array([1, 2, 3]), "openflow", 100);
    expect(r.u16()).toBe(0x0102);
    try {
      r.u16();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).offset).toBe(102);
    }
  });
  it("writer reserves and patches lengths", () => {
    const w = new Writer("openflow", 2);
    const at = w.reserve16();
    w.u32(0xdeadbeef).u64(1n);
    w.patch16(at, w.pos);
    expect(toHex(w.finish())).toBe("000edeadbeef0000000000000001");
  });
});

describe("header messages", () => {
  it("decodes a hello version bitmap and negotiates", () => {
    const m = decodeMessage(new Uint8Array(HELLO));
    expect(m).toEqual({ version: 4, xid: 7, type: "hello", versions: [1, 4] });
    expect(toHex(encodeMessage({ type: "hello", versions: [1, 4], xid: 7 }))).toBe(toHex(new Uint8Array(HELLO)));
    expect(negotiateVersion([1, 4, 6], [1, 4], 4)).toBe(4);
    expect(negotiateVersion([4], [1], 1)).toBeUndefined();
    // OF1.0-style hello without elements: peer supports up to its header version
    expect(negotiateVersion([1, 4], [], 1)).toBe(1);
    expect(negotiateVersion([1, 4, 6], [], 6)).toBe(6);
  });
  it("round-trips echo, barrier, features and errors with names", () => {
    const echo = fromHex("0402000c0000000501020304");
    expect(decodeMessage(echo)).toMatchObject({ type: "echo_request", xid: 5 });
    expect(toHex(encodeMessage({ type: "echo_reply", xid: 5, data: fromHex("01020304") }))).toBe("0403000c0000000501020304");
    expect(toHex(encodeMessage({ type: "barrier_request", xid: 9 }))).toBe("0414000800000009");
    const feat = fromHex("040600200000000100000000000000aa00000100fe00000000000047" + "00000000");
    expect(decodeMessage(feat)).toMatchObject({ type: "features_reply", datapathId: 0xaan, nBuffers: 256, nTables: 254, capabilities: 0x47 });
    const err = fromHex("0401000c0000000100040009");
    const e = decodeMessage(err);
    expect(e).toMatchObject({ type: "error", errType: 4, code: 9 });
    expect(errorTypeName(4)).toBe("OFPET_BAD_MATCH");
    expect(errorCodeName(4, 9)).toBe("OFPBMC_BAD_PREREQ");
    expect(errorCodeName(2, 15)).toBe("OFPBAC_BAD_SET_ARGUMENT");
  });
});

describe("flow_mod", () => {
  it("decodes the ovs-ofctl bytes and re-encodes them identically", () => {
    const bytes = fromHex(FLOW_MOD_HEX);
    const m = decodeMessage(bytes);
    if (m.type !== "flow_mod") throw new Error("not a flow_mod");
    expect(m.priority).toBe(100);
    expect(m.match.map((f) => f.field)).toEqual(["dl_type", "nw_dst"]);
    const apply = m.instructions[0];
    expect(apply?.type).toBe("apply_actions");
    if (apply?.type !== "apply_actions") return;
    const [ct, resubmit] = apply.actions;
    expect(ct).toMatchObject({ type: "ct", flags: 1, zoneSrc: { field: "reg13", ofs: 0, nbits: 16 }, recircTable: 255 });
    expect(resubmit).toMatchObject({ type: "resubmit", inPort: 0xfff8, table: 1 });
    expect(toHex(encodeMessage(m))).toBe(FLOW_MOD_HEX);
  });
  it("keeps unknown actions and experimenter subtypes raw", () => {
    const acts = decodeActions(new Reader(fromHex("00630008aabbccdd" + "ffff001000002320" + "7777010203040506"), "openflow"));
    expect(acts[0]).toMatchObject({ type: "unknown", actionType: 0x63 });
    expect(acts[1]).toMatchObject({ type: "experimenter", experimenter: 0x2320 });
  });
  it("rejects hostile lengths with DecodeError", () => {
    const bytes = fromHex(FLOW_MOD_HEX);
    for (const [at, v] of [
      [2, 0xff], // message length overruns
      [0x32, 0x30], // match length overruns
      [0x4a, 0x07], // instruction length not a multiple of 8
      [0x52, 0x31], // action length not multiple of 8
      [0x52, 0xf0], // action length overruns
    ] as const) {
      const b = bytes.slice();
      b[at] = v;
      expect(() => decodeMessage(b), `byte ${at}`).toThrow(DecodeError);
    }
    for (let n = 0; n < bytes.length; n++) {
      const b = bytes.slice(0, n);
      if (n >= 4) {
        b[2] = n >> 8;
        b[3] = n & 0xff;
      }
      // 72 bytes = header + flow_mod + match with no instructions: a valid message
      if (n === 72) expect(decodeMessage(b)).toMatchObject({ type: "flow_mod", instructions: [] });
      else expect(() => decodeMessage(b), `truncated to ${n}`).toThrow(DecodeError);
    }
  });
});

describe("flow_mod header checks read by index", () => {
  // the match, instruction and action headers are read by index after one bounds check, the Reader's
  // checked reads only when it fails: the errors must name the same thing at the same offset as those reads
  // (the reasons and offsets below are the ones the Reader-only decoder gave)
  it("names what is wrong where the Reader's reads name it", () => {
    const bytes = fromHex(FLOW_MOD_HEX);
    const cases: [number, number, string, number][] = [
      [49, 2, "unsupported match type 2", 48],
      [51, 3, "match length 3 < 4", 50],
      [50, 0x30, "truncated match: need 12306 byte(s), have 92", 52],
      [75, 0x47, "instruction length 71 not a multiple of 8", 74],
      [75, 0x04, "instruction length 4 < 8", 74],
      [75, 0xf0, "truncated instruction: need 240 byte(s), have 72", 72],
      [83, 0x31, "action length 49 not a multiple of 8", 82],
      [83, 0x04, "action length 4 < 8", 82],
      [82, 0xf0, "truncated action: need 61488 byte(s), have 64", 80],
    ];
    for (const [at, v, reason, offset] of cases) {
      const b = bytes.slice();
      b[at] = v;
      expect(() => decodeMessage(b), `byte ${at} = ${v}`).toThrow(expect.objectContaining({ reason, offset }));
    }
    const truncated: [number, string, number][] = [
      [50, "truncated u16: need 2 byte(s), have 0", 50],
      [74, "truncated instruction header: need 4 byte(s), have 2", 72],
      [78, "truncated instruction: need 72 byte(s), have 6", 72],
    ];
    for (const [n, reason, offset] of truncated) {
      const b = bytes.slice(0, n);
      b[2] = n >> 8;
      b[3] = n & 0xff;
      expect(() => decodeMessage(b), `truncated to ${n}`).toThrow(expect.objectContaining({ reason, offset }));
    }
  });
});

describe("limits and leftovers", () => {
  it("rejects actions nested deeper than MAX_ACTION_DEPTH", async () => {
    const { MAX_ACTION_DEPTH } = await import("../../src/openflow/actions.js");
    type A = import("../../src/openflow/actions.js").Action;
    let acts: A[] = [{ type: "output", port: 1, maxLen: 0 }];
    for (let i = 0; i <= MAX_ACTION_DEPTH + 1; i++) acts = [{ type: "clone", actions: acts }];
    const bytes = encodeMessage({ type: "packet_out", bufferId: 0xffffffff, inPort: 1, actions: acts, data: new Uint8Array() });
    expect(() => decodeMessage(bytes)).toThrow(DecodeError);
    let ok: A[] = [{ type: "output", port: 1, maxLen: 0 }];
    for (let i = 0; i < MAX_ACTION_DEPTH; i++) ok = [{ type: "clone", actions: ok }];
    expect(decodeMessage(encodeMessage({ type: "packet_out", bufferId: 0xffffffff, inPort: 1, actions: ok, data: new Uint8Array() })).type).toBe("packet_out");
  });
  it("prints fields without ovs flow syntax and unknown OXMs instead of dropping them", async () => {
    const { formatMatch } = await import("../../src/openflow/flowtext.js");
    const { decodeMatch } = await import("../../src/openflow/oxm.js");
    // in_phy_port=3, pbb_isid=5, an unknown basic field 60 (len 2) and an unknown experimenter field
    const m = decodeMatch(new Reader(fromHex("00010025" + "80000204 00000003" + "80004a03 000005" + "80007802 abcd" + "ffff0a08 00abcdef 12345678" + "000000"), "openflow"));
    expect(formatMatch(m)).toBe("in_phy_port=3,pbb_isid=5,oxm(0x80007802)=0xabcd,oxm(0xffff0a08,0xabcdef)=0x12345678");
  });
});

describe("framing", () => {
  const a = fromHex(FLOW_MOD_HEX);
  const b = new Uint8Array(HELLO);
  const stream = new Uint8Array([...a, ...b]);
  it("splits at every byte", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))].map(toHex);
      expect(frames).toEqual([toHex(a), toHex(b)]);
      expect(d.pending).toBe(0);
    }
  });
  it("byte by byte and two frames in one chunk", () => {
    const d = new FrameDecoder();
    const out: string[] = [];
    for (const x of stream) out.push(...d.push(new Uint8Array([x])).map(toHex));
    expect(out).toEqual([toHex(a), toHex(b)]);
    expect(new FrameDecoder().push(stream).length).toBe(2);
  });
  it("enforces the maximum frame before buffering", () => {
    const d = new FrameDecoder(1024);
    expect(() => d.push(fromHex("0400ffff00000000"))).toThrow(DecodeError);
    expect(() => new FrameDecoder().push(fromHex("0400000400000000"))).toThrow(DecodeError);
  });
  it("reports the absolute offset of a bad length in a later frame, chunked or buffered", () => {
    const offsetOf = (chunks: Uint8Array[]): number => {
      const d = new FrameDecoder();
      try {
        for (const c of chunks) d.push(c);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return (e as DecodeError).offset;
      }
      throw new Error("no error");
    };
    // a barrier (8 bytes) then a header claiming length 4: its length field is 10 bytes in
    const bad = fromHex("0414000800000001" + "0414000400000002");
    expect(offsetOf([bad])).toBe(10);
    for (let cut = 1; cut < bad.length; cut++) expect(offsetOf([bad.subarray(0, cut), bad.subarray(cut)]), `cut at ${cut}`).toBe(10);
    // after a whole flow_mod and a hello in earlier chunks
    expect(offsetOf([stream, bad])).toBe(stream.length + 10);
    expect(offsetOf([stream.subarray(0, 5), new Uint8Array([...stream.subarray(5), ...bad])])).toBe(stream.length + 10);
    // too long for the maximum: same offset rule
    const d = new FrameDecoder(1024);
    d.push(fromHex("0414000800000001"));
    try {
      d.push(fromHex("0414000800000001" + "0400ffff00000000"));
      expect.unreachable();
    } catch (e) {
      expect((e as DecodeError).offset).toBe(18);
    }
  });
});

describe("encoders range-check every value", () => {
  const refused = (fn: () => unknown): EncodeError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      return e as EncodeError;
    }
    throw new Error("encoded without an error");
  };
  it.each([
    ["xid 2^33+5", () => encodeMessage({ type: "set_config", xid: 2 ** 33 + 5, flags: 0, missSendLen: 128 }), "xid"],
    ["negative xid", () => encodeMessage({ type: "barrier_request", xid: -1 }), "xid"],
    ["fractional xid", () => encodeMessage({ type: "barrier_request", xid: 1.5 }), "xid"],
    ["miss_send_len 65536", () => encodeMessage({ type: "set_config", xid: 1, flags: 0, missSendLen: 65536 }), "set_config.miss_send_len"],
    ["priority 70000", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ priority: 70000 }) }), "flow_mod.priority"],
    ["table_id 256", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ tableId: 256 }) }), "flow_mod.table_id"],
    ["cookie 2^64", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ cookie: 1n << 64n }) }), "flow_mod.cookie"],
    // every field of the flow_mod's fixed part (stored in one go once all are checked), the first bad one named
    ["flow_mod xid 2^32", () => encodeMessage({ type: "flow_mod", xid: 2 ** 32, ...flowMod({}) }), "xid"],
    ["cookie_mask -1", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ cookieMask: -1n }) }), "flow_mod.cookie_mask"],
    ["command 256", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ command: 256 }) }), "flow_mod.command"],
    ["idle_timeout 65536", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ idleTimeout: 65536 }) }), "flow_mod.idle_timeout"],
    ["hard_timeout -1", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ hardTimeout: -1 }) }), "flow_mod.hard_timeout"],
    ["buffer_id 2^32", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ bufferId: 2 ** 32 }) }), "flow_mod.buffer_id"],
    ["out_port 1.5", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ outPort: 1.5 }) }), "flow_mod.out_port"],
    ["out_group -1", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ outGroup: -1 }) }), "flow_mod.out_group"],
    ["flags 65536", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ flags: 65536 }) }), "flow_mod.flags"],
    ["importance 65536 (OpenFlow 1.5)", () => encodeMessage({ type: "flow_mod", version: 6, xid: 1, ...flowMod({ importance: 65536 }) }), "flow_mod.importance"],
    ["priority and flags both bad", () => encodeMessage({ type: "flow_mod", xid: 1, ...flowMod({ priority: 70000, flags: -1 }) }), "flow_mod.priority"],
  ])("%s: EncodeError naming the field", (_, fn, field) => {
    const e = refused(fn);
    expect(e.field).toBe(field);
    expect(e.protocol).toBe("openflow");
  });
  it("the writer refuses what does not fit, whatever the width", () => {
    expect(refused(() => new Writer("openflow").u8(256, "f")).field).toBe("f");
    expect(refused(() => new Writer("openflow").u16(-1)).reason).toContain("16-bit");
    expect(refused(() => new Writer("openflow").u32(2 ** 32)).reason).toContain("32-bit");
    expect(refused(() => new Writer("openflow").u64(-1n)).reason).toContain("64-bit");
    expect(toHex(new Writer("openflow").u8(255).u16(65535).u32(2 ** 32 - 1).u64((1n << 64n) - 1n).finish())).toBe("ff".repeat(15));
  });
});
