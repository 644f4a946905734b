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
});
