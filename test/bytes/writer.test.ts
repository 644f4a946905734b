import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { EncodeError, Writer } from "../../src/bytes/index.js";

/** Bytes packed by Python's struct module (an encoder independent of ours). */
function pack(fmt: string, ...values: (number | string)[]): number[] {
  const out = execFileSync("/usr/bin/python3", ["-c", `import struct,sys; sys.stdout.write(struct.pack(${JSON.stringify(fmt)}, ${values.map((v) => (typeof v === "string" ? v : String(v))).join(",")}).hex())`]).toString();
  return Array.from(Buffer.from(out, "hex"));
}

function thrown(f: () => unknown): EncodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("Writer", () => {
  it("writes big- and little-endian integers as Python's struct packs them", () => {
    const w = new Writer("test", 4);
    w.u8(0xab).u16(0x1234).u24(0x56789a).u32(0xdeadbeef).u64(0x0102030405060708n);
    w.u16(0x1234, "x", true).u32(0xdeadbeef, "x", true).u64(0x0102030405060708n, "x", true);
    expect(Array.from(w.finish())).toEqual([
      ...pack(">BH", 0xab, 0x1234),
      0x56, 0x78, 0x9a,
      ...pack(">IQ", 0xdeadbeef, "0x0102030405060708"),
      ...pack("<HIQ", 0x1234, 0xdeadbeef, "0x0102030405060708"),
    ]);
  });

  it("reserves a length and patches it; pads and writes NUL-padded strings", () => {
    const w = new Writer("test");
    const at = w.reserve16();
    w.str("br0", 8).u8(1).pad(0, 8);
    w.patch16(at, w.pos);
    expect(Array.from(w.finish())).toEqual([0, 16, 0x62, 0x72, 0x30, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it.each([
    ["u8", (w: Writer) => w.u8(256, "ttl"), "ttl", "256 is not an unsigned 8-bit integer"],
    ["u8 negative", (w: Writer) => w.u8(-1, "ttl"), "ttl", "-1 is not an unsigned 8-bit integer"],
    ["u16", (w: Writer) => w.u16(0x10000, "port"), "port", "65536 is not an unsigned 16-bit integer"],
    ["u16 fraction", (w: Writer) => w.u16(1.5), "u16", "1.5 is not an unsigned 16-bit integer"],
    ["u24", (w: Writer) => w.u24(0x1000000, "vni"), "vni", "16777216 is not an unsigned 24-bit integer"],
    ["u32", (w: Writer) => w.u32(2 ** 32, "xid"), "xid", "4294967296 is not an unsigned 32-bit integer"],
    ["u32 NaN", (w: Writer) => w.u32(Number.NaN, "xid"), "xid", "NaN is not an unsigned 32-bit integer"],
    ["u64", (w: Writer) => w.u64(1n << 64n, "cookie"), "cookie", "18446744073709551616 is not an unsigned 64-bit integer"],
    ["u64 negative", (w: Writer) => w.u64(-1n, "cookie"), "cookie", "-1 is not an unsigned 64-bit integer"],
    ["patch16", (w: Writer) => w.patch16(w.reserve16(), 70000), "length", "70000 is not an unsigned 16-bit integer"],
    ["str too long", (w: Writer) => w.str("abcdefgh", 8, "name"), "name", "'abcdefgh' is longer than 7 characters"],
    ["str not ASCII", (w: Writer) => w.str("é", 8, "name"), "name", "'é' is not ASCII"],
  ])("rejects out-of-range values with one typed EncodeError: %s", (_name, write, field, reason) => {
    const e = thrown(() => write(new Writer("proto")));
    expect([e.protocol, e.field, e.reason]).toEqual(["proto", field, reason]);
    expect(e.message).toBe(`proto: ${field}: ${reason}`);
  });

  it("grows up to its limit, then throws; over caller memory it never grows", () => {
    const w = new Writer("test", 1, 6);
    w.u32(1).u16(2);
    expect(w.finish().length).toBe(6);
    expect([thrown(() => w.u8(0)).field, thrown(() => w.u8(0)).reason]).toEqual(["length", "output of 7 bytes exceeds 6 bytes"]);
    const mem = new Uint8Array(3);
    const o = Writer.over("test", mem);
    o.u16(0xbeef);
    expect(thrown(() => o.u16(1)).reason).toBe("output of 4 bytes exceeds 3 bytes");
    expect(Array.from(mem)).toEqual([0xbe, 0xef, 0]);
  });

  it("writes 64-bit values as Python packs them, big- and little-endian, at the position or at an offset", () => {
    const w = new Writer("test", 4);
    w.u64(0n).u64(0xfedcba9876543210n).u64(0xffffffffffffffffn, "c", true).u64(0x0102030405060708n, "c", true);
    expect(Array.from(w.finish())).toEqual([...pack(">QQ", 0, "0xfedcba9876543210"), ...pack("<QQ", "0xffffffffffffffff", "0x0102030405060708")]);
    w.put64(8, 0x1122334455667788n, "cookie");
    expect(Array.from(w.finish().subarray(8, 16))).toEqual(pack(">Q", "0x1122334455667788"));
    expect([thrown(() => w.put64(8, -1n, "cookie")).field, thrown(() => w.put64(8, -1n, "cookie")).reason]).toEqual(["cookie", "-1 is not an unsigned 64-bit integer"]);
    expect(thrown(() => w.put64(-1, 1n, "cookie")).reason).toBe("offset -1 is outside the buffer");
  });

  it("makes room for a fixed layout stored by index, and names a field out of range as the integer writers do", () => {
    const w = new Writer("test", 2, 16);
    w.u8(1);
    const b = w.room(4);
    b[w.pos] = 0xde;
    b[w.pos + 3] = 0xad;
    w.pos += 4;
    expect(Array.from(w.finish())).toEqual([1, 0xde, 0, 0, 0xad]);
    expect(thrown(() => w.room(12)).reason).toBe("output of 17 bytes exceeds 16 bytes");
    const e = thrown(() => w.outOfRange("flow_mod.priority", 70000, 16));
    expect([e.field, e.reason]).toEqual(["flow_mod.priority", "70000 is not an unsigned 16-bit integer"]);
    expect(thrown(() => w.outOfRange(undefined, 2 ** 32, 32)).field).toBe("u32");
  });

  it("finish() views the bytes written so far each time, across growth, and keeps a Buffer's class over caller memory", () => {
    const w = new Writer("test", 4);
    const seen: number[][] = [];
    for (let i = 0; i < 6; i++) {
      w.pos = 0;
      for (let j = 0; j <= i * 3; j++) w.u8(j);
      const out = w.finish();
      expect(out).toBeInstanceOf(Uint8Array);
      seen.push(Array.from(out));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((i) => Array.from({ length: i * 3 + 1 }, (_, j) => j)));
    const mem = Buffer.alloc(8);
    const o = Writer.over("test", mem);
    o.u16(1);
    expect(Buffer.isBuffer(o.finish())).toBe(true);
    o.u16(2);
    expect(Buffer.isBuffer(o.finish())).toBe(true);
    expect(Array.from(o.finish())).toEqual([0, 1, 0, 2]);
  });

  it("finish() of a reused Writer shows the current bytes at every length, repeated lengths and growth included", () => {
    const w = new Writer("test", 16);
    const rnd = (i: number) => (i * 7919 + 13) % 251;
    for (let round = 0; round < 200; round++) {
      w.pos = 0;
      const n = round < 150 ? 1 + (round % 9) : 1 + round * 3;
      for (let j = 0; j < n; j++) w.u8(rnd(round + j));
      const out = w.finish();
      expect(out.length).toBe(n);
      expect(Array.from(out)).toEqual(Array.from({ length: n }, (_, j) => rnd(round + j)));
      // a view kept from an earlier round of the same length shows the bytes written since (it is a view)
      if (round > 20 && round < 150) {
        w.pos = 0;
        w.u8(0xee);
        expect(out[0]).toBe(0xee);
      }
    }
  });
});
