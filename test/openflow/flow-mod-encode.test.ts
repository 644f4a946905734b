import { describe, expect, it } from "vitest";
import { EncodeError } from "../../src/bytes/encode-error.js";
import { Writer } from "../../src/bytes/writer.js";
import { toHex } from "../../src/bytes/hex.js";
import { encodeMessage, flowMod } from "../../src/openflow/messages.js";
import { encodeActionList, type Action } from "../../src/openflow/actions.js";

// The flow_mod's header and fixed part are stored a 32-bit word at a time through a DataView of the
// Writer's buffer: the same bytes whatever the Writer (one that grows, one written at an offset, one over
// caller memory that starts inside its ArrayBuffer). Expected bytes written out by hand from OpenFlow 1.3.5
// §7.3.4.1 (header, cookie, cookie_mask, table_id, command, idle/hard timeouts, priority, buffer_id,
// out_port, out_group, flags, 2 pad bytes; then the empty OXM match: type 1, length 4, 4 bytes of padding).
const FIXED =
  "04" + "0e" + "0038" + "00000007" + // version, type FLOW_MOD, length 56, xid 7
  "0123456789abcdef" + "ffffffffffffffff" + // cookie, cookie_mask
  "03" + "01" + "000a" + "0014" + "1234" + // table 3, MODIFY, idle 10, hard 20, priority 0x1234
  "ffffffff" + "00000005" + "fffffffc" + "0003" + "0000" + // buffer none, out_port 5, out_group ANY-3, flags 3, pad
  "0001" + "0004" + "00000000"; // OXM match, empty, padded to 8
const MSG = {
  type: "flow_mod" as const,
  xid: 7,
  ...flowMod({ cookie: 0x0123456789abcdefn, cookieMask: (1n << 64n) - 1n, tableId: 3, command: 1, idleTimeout: 10, hardTimeout: 20, priority: 0x1234, outPort: 5, outGroup: 0xfffffffc, flags: 3 }),
};

describe("flow_mod encoding into any Writer", () => {
  it("with no Writer given", () => {
    expect(toHex(encodeMessage(MSG))).toBe(FIXED);
  });
  it("into a Writer that grows while the fixed part is written", () => {
    expect(toHex(encodeMessage(MSG, new Writer("openflow", 8)))).toBe(FIXED);
  });
  it("into a Writer after other bytes (the message starts at an offset)", () => {
    const w = new Writer("openflow", 16);
    w.u8(0xaa).u8(0xbb).u8(0xcc);
    expect(toHex(encodeMessage(MSG, w))).toBe(FIXED);
    expect(toHex(w.finish())).toBe("aabbcc" + FIXED);
  });
  it("into caller memory that starts inside its ArrayBuffer", () => {
    const memory = new Uint8Array(200).subarray(13, 13 + 56);
    const w = Writer.over("openflow", memory);
    encodeMessage(MSG, w);
    expect(toHex(memory)).toBe(FIXED);
    // one byte short: the Writer's own error, nothing written past the memory
    expect(() => encodeMessage(MSG, Writer.over("openflow", new Uint8Array(55)))).toThrow(EncodeError);
  });
  it("one Writer reused for messages of different lengths (its DataView kept, then remade as it grows)", () => {
    const w = new Writer("openflow", 64);
    for (const n of [0, 40, 0]) {
      w.pos = 0;
      const m = { ...MSG, ...flowMod({ ...MSG, instructions: n ? [{ type: "apply_actions" as const, actions: Array.from({ length: n }, () => ({ type: "output" as const, port: 1, maxLen: 0 })) }] : [] }) };
      const bytes = encodeMessage(m, w);
      expect(toHex(bytes.subarray(0, 2))).toBe("040e");
      expect(bytes.length).toBe(56 + (n ? 8 + 16 * n : 0));
      expect((bytes[2]! << 8) | bytes[3]!).toBe(bytes.length);
      expect(toHex(bytes.subarray(4, 56))).toBe(FIXED.slice(8));
    }
  });
});

describe("actions of an unknown type", () => {
  it("are an EncodeError naming action.type", () => {
    try {
      encodeActionList([{ type: "no_such_action" } as unknown as Action]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      expect((e as EncodeError).field).toBe("action.type");
    }
  });
});
