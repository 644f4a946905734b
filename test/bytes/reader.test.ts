import { describe, expect, it } from "vitest";
import { DecodeError, Reader } from "../../src/bytes/index.js";

function thrown(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("Reader", () => {
  // 0xab | 0x1234 | 0x56789a | 0xdeadbeef | 0x0102030405060708 | LE 0x1234 | LE 0xdeadbeef
  const bytes = Uint8Array.from([0xab, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde]);

  it("reads big- and little-endian integers", () => {
    const r = new Reader(bytes, "test");
    expect([r.u8(), r.u16(), r.u24(), r.u32(), r.u64(), r.u16("x", true), r.u32("x", true)]).toEqual([0xab, 0x1234, 0x56789a, 0xdeadbeef, 0x0102030405060708n, 0x1234, 0xdeadbeef]);
    expect(r.remaining).toBe(0);
  });

  it("reads from a sub-view of a larger buffer (DataView from byteOffset) and reports absolute offsets", () => {
    const big = new Uint8Array(32);
    big.set(bytes, 5);
    const r = new Reader(big.subarray(5, 5 + bytes.length), "test", 100);
    r.skip(1);
    expect(r.u16()).toBe(0x1234);
    const sub = r.sub(3, "vni", "geneve");
    expect([sub.u24(), sub.offset, sub.protocol]).toEqual([0x56789a, 106, "geneve"]);
    const e = thrown(() => sub.u8("flags"));
    expect([e.protocol, e.offset, e.reason]).toEqual(["geneve", 106, "truncated flags: need 1 byte(s), have 0"]);
    expect(r.take(4, "word")).toEqual(bytes.subarray(6, 10));
  });

  it("narrows to a length-delimited part and widens back", () => {
    const r = new Reader(bytes, "test");
    const saved = r.narrow(3, "part");
    expect(r.u16()).toBe(0xab12);
    const e = thrown(() => r.u16("field"));
    expect([e.offset, e.reason]).toEqual([2, "truncated field: need 2 byte(s), have 1"]);
    r.widen(saved);
    expect(r.u16()).toBe(0x3456);
    expect(thrown(() => r.narrow(100, "options")).reason).toBe("truncated options: need 100 byte(s), have 20");
  });

  it("every read past the end is a DecodeError naming what was read, never a RangeError", () => {
    for (let n = 0; n < 8; n++) {
      const r = new Reader(bytes.subarray(0, n), "proto", 7);
      for (const read of [() => r.u64("cookie"), () => r.take(n + 1, "payload"), () => r.skip(n + 1), () => r.str(n + 1)]) {
        const e = thrown(read);
        expect(e.protocol).toBe("proto");
        expect(e.offset).toBe(7);
      }
    }
    expect(thrown(() => new Reader(bytes, "p").need(-1, "x")).reason).toBe("truncated x: need -1 byte(s), have 24");
  });

  it("reads NUL-padded strings", () => {
    expect(new Reader(Uint8Array.from([0x62, 0x72, 0x30, 0, 0x41, 0]), "t").str(6)).toBe("br0");
    expect(new Reader(Uint8Array.from([0x62, 0x72]), "t").str(2)).toBe("br");
  });

  it("walks 8-byte-aligned type-length-value properties (OpenFlow 1.3.5 §7.5.1)", () => {
    // type 1 len 6 (2 body bytes, 2 padding) | type 2 len 8 | type 3 len 4 with padding cut at the end
    const tlv = Uint8Array.from([0, 1, 0, 6, 0xaa, 0xbb, 0, 0, 0, 2, 0, 8, 1, 2, 3, 4, 0, 3, 0, 4]);
    const got = [...new Reader(tlv, "openflow").properties("property")].map((p) => [p.type, Array.from(p.body.rest())]);
    expect(got).toEqual([[1, [0xaa, 0xbb]], [2, [1, 2, 3, 4]], [3, []]]);
    const bad = thrown(() => [...new Reader(Uint8Array.from([0, 1, 0, 3]), "openflow", 10).properties("property")]);
    expect([bad.offset, bad.reason]).toEqual([12, "property length 3 < 4"]);
    const over = thrown(() => [...new Reader(Uint8Array.from([0, 1, 0, 9, 0]), "openflow").properties("property")]);
    expect(over.reason).toBe("truncated property: need 9 byte(s), have 5");
  });

  it("walks length-prefixed entries with one step: min, multiple, length position, alignment (OpenFlow actions, buckets, bands)", () => {
    // two 8-byte "actions" (type, len) then one of length 12
    const acts = Uint8Array.from([0, 1, 0, 8, 1, 2, 3, 4, 0, 2, 0, 8, 5, 6, 7, 8, 0, 3, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = new Reader(acts, "openflow", 50);
    const a = r.entry("action", 8, 8);
    expect([a.u16(), a.u16(), a.start, a.end, a.offset, r.pos]).toEqual([1, 8, 0, 8, 54, 8]);
    expect(Array.from(a.rest())).toEqual([1, 2, 3, 4]);
    r.entry("action", 8, 8);
    const e = thrown(() => r.entry("action", 8, 8));
    expect([e.offset, e.reason]).toEqual([68, "action length 12 not a multiple of 8"]);
    // a length 4 bytes in (meter stats), entries of 40 + 16n bytes
    const stats = new Uint8Array(56);
    stats[5] = 56;
    const s = new Reader(stats, "openflow").entry("meter stats", 40, 16, 1, 4);
    expect([s.start, s.end]).toEqual([0, 56]);
    stats[5] = 48;
    expect(thrown(() => new Reader(stats, "openflow").entry("meter stats", 40, 16, 1, 4)).reason).toBe("meter stats length 48 not 40 plus a multiple of 16");
    expect(thrown(() => new Reader(stats.subarray(0, 5), "openflow").entry("meter stats", 40, 16, 1, 4)).reason).toBe("truncated meter stats header: need 6 byte(s), have 5");
    stats[5] = 8;
    expect(thrown(() => new Reader(stats, "openflow").entry("meter stats", 40, 16, 1, 4)).reason).toBe("meter stats length 8 < 40");
  });

  it("sub-readers share the buffer: window(), consumed and absolute offsets", () => {
    const r = new Reader(bytes, "test", 1000);
    r.skip(3);
    const s = r.sub(4, "part");
    expect([s.start, s.pos, s.end, s.offset, s.consumed]).toEqual([3, 3, 7, 1003, 0]);
    expect(Array.from(s.window())).toEqual([0x56, 0x78, 0x9a, 0xde]);
    s.u16();
    expect(s.consumed).toBe(2);
    expect(thrown(() => s.u32("word")).offset).toBe(1005);
  });

  it("reads the same integers by index as through its DataView, before and after the view is built", () => {
    const data = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 1, 0xfe, 0xff, 0xff, 0xff]);
    const read = (r: Reader) => {
      const out: (number | bigint)[] = [r.u64(), r.u64(), r.u32(), r.u32("x", true)];
      r.pos = 16;
      out.push(r.u64("x", true));
      r.pos = 16;
      out.push(r.u16(), r.u16("x", true), r.u24());
      return out;
    };
    // a reader given null for its DataView never builds one here and reads by index; the second builds it on
    // first use and then reads through it; a reader given none builds it at once
    const lazy = new Reader(data, "test", 0, null);
    const before = read(lazy);
    const viewed = new Reader(data, "test", 0, null);
    expect(viewed.view.getUint32(16)).toBe(0x80000001);
    const after = read(viewed);
    const dv = new DataView(data.buffer);
    expect(before).toEqual([dv.getBigUint64(0), 0n, 0x80000001, 0xfffffffe, dv.getBigUint64(16, true), 0x8000, 0x0100, 0xfeffff]);
    expect(after).toEqual(before);
    expect(read(new Reader(data, "test"))).toEqual(before);
    // sub-readers of a lazy reader are lazy too, and read the same
    lazy.pos = 0;
    const sub = lazy.sub(24);
    expect(read(sub)).toEqual(before);
    expect(sub.view.getUint8(23)).toBe(0xff);
    expect(before[0]).toBe(0xfffffffffffffffen);
  });

  it("enters an entry in place with entry()'s checks and errors, and leaves past it", () => {
    // two 8-byte actions (type, length, body), then one whose length 12 is not 8 plus a multiple of 8
    const acts = Uint8Array.from([0, 1, 0, 8, 1, 2, 3, 4, 0, 2, 0, 8, 5, 6, 7, 8, 0, 3, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = new Reader(acts, "openflow", 100);
    const saved = r.enter("action", 8, 8);
    expect([r.pos, r.end, r.u16(), r.u16(), r.u32()]).toEqual([0, 8, 1, 8, 0x01020304]);
    expect(thrown(() => r.u8("past")).offset).toBe(108);
    r.leave(saved);
    const saved2 = r.enter("action", 8, 8);
    r.skip(2);
    r.leave(saved2); // moves past the whole entry however much of it was read
    expect([r.pos, r.end]).toEqual([16, acts.length]);
    const inPlace = thrown(() => r.enter("action", 8, 8));
    const viaEntry = thrown(() => new Reader(acts, "openflow", 100, undefined, 16).entry("action", 8, 8));
    expect([inPlace.offset, inPlace.reason]).toEqual([viaEntry.offset, viaEntry.reason]);
    expect(inPlace.reason).toBe("action length 12 not a multiple of 8");
    expect(thrown(() => new Reader(acts.subarray(0, 3), "openflow").enter("action", 8, 8)).reason).toBe("truncated action header: need 4 byte(s), have 3");
    expect(thrown(() => new Reader(acts.subarray(0, 6), "openflow").enter("action", 8, 8)).reason).toBe("truncated action: need 8 byte(s), have 6");
  });
});
