/**
 * Match entries' numbers ({@link MatchField.num}, {@link MatchField.maskNum}) against their bytes: for
 * every field of the catalogue, as decoded from bytes built here by hand (not by the encoder under test),
 * exact and masked; tunnel metadata of every length; unknown headers kept raw; the entries built from
 * numbers ({@link matchFieldNum}); and decoded entries written back byte for byte.
 */
import { describe, expect, it } from "vitest";
import { Reader } from "../../src/bytes/reader.js";
import { Writer } from "../../src/bytes/writer.js";
import { EncodeError } from "../../src/bytes/encode-error.js";
import {
  FIELD_DEFS,
  NUM_MAX_BYTES,
  decodeOxm,
  encodeOxm,
  fieldHasMask,
  fieldMaskNum,
  fieldNum,
  fieldValueLength,
  matchField,
  matchFieldNum,
  type MatchField,
} from "../../src/openflow/oxm.js";
import { prng } from "../support/prng.js";

const rand = prng(17);
const bytes = (n: number): number[] => Array.from({ length: n }, () => Math.floor(rand() * 256));
const asNum = (b: readonly number[]): number => b.reduce((v, x) => v * 256 + x, 0);

/** One OXM TLV by hand: header word (with has-mask bit and length), experimenter, value, mask. */
function tlv(header: number, experimenter: number | undefined, value: readonly number[], mask?: readonly number[]): Uint8Array {
  const len = value.length * (mask ? 2 : 1) + (experimenter === undefined ? 0 : 4);
  const h = ((header & 0xfffffe00) | (mask ? 0x100 : 0) | len) >>> 0;
  const out = [h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  if (experimenter !== undefined) out.push(experimenter >>> 24, (experimenter >>> 16) & 0xff, (experimenter >>> 8) & 0xff, experimenter & 0xff);
  return Uint8Array.from([...out, ...value, ...(mask ?? [])]);
}

function decode(b: Uint8Array): MatchField {
  const r = new Reader(b, "openflow");
  const f = decodeOxm(r);
  expect(r.pos).toBe(b.length);
  return f;
}

function encode(f: MatchField): Uint8Array {
  const w = new Writer("openflow", 16);
  encodeOxm(w, f);
  return w.finish().slice();
}

describe("MatchField numbers", () => {
  const fixed = FIELD_DEFS.filter((d) => !d.name.startsWith("tun_metadata"));

  it("every field: the decoded value and mask bytes, their numbers (up to 6 bytes), and the bytes written back", () => {
    const widths = new Set<number>();
    for (const d of fixed) {
      const value = bytes(d.len);
      const mask = bytes(d.len);
      for (const m of [undefined, mask]) {
        const wire = tlv(d.header, d.experimenter, value, m);
        const f = decode(wire);
        expect(f.field, d.name).toBe(d.name);
        expect(fieldValueLength(f)).toBe(d.len);
        expect(fieldHasMask(f)).toBe(m !== undefined);
        expect([...f.value], d.name).toEqual(value);
        expect(f.mask && [...f.mask], d.name).toEqual(m);
        if (d.len <= NUM_MAX_BYTES) {
          widths.add(d.len);
          expect(f.num, d.name).toBe(asNum(value));
          expect(f.maskNum, d.name).toBe(m && asNum(m));
          expect(fieldNum(f)).toBe(asNum(value));
          expect(fieldMaskNum(f)).toBe(m && asNum(m));
        } else {
          expect(f.num, d.name).toBeUndefined();
          expect(f.maskNum, d.name).toBeUndefined();
          // the low 6 bytes, as the prerequisite checks read a wide field
          expect(fieldNum(f)).toBe(asNum(value.slice(-6)));
        }
        // written back from the message's bytes, and again after its views were made
        expect(encode(decode(wire)), d.name).toEqual(wire);
        expect(encode(f), d.name).toEqual(wire);
        // the same entry built by hand (an object literal) and by matchField()
        expect(encode({ field: d.name, header: f.header, experimenter: d.experimenter, value: Uint8Array.from(value), mask: m && Uint8Array.from(m) })).toEqual(wire);
        expect(encode(matchField(d.name, Uint8Array.from(value), m && Uint8Array.from(m)))).toEqual(wire);
      }
    }
    // every width up to a MAC address is met
    expect([...widths].sort()).toEqual([1, 2, 3, 4, 6]);
  });

  it("matchFieldNum(): the same bytes as matchField() for every field up to 6 bytes, extreme values included", () => {
    for (const d of fixed.filter((x) => x.len <= NUM_MAX_BYTES)) {
      const top = 2 ** (8 * d.len) - 1;
      for (const [v, m] of [[0, undefined], [top, undefined], [asNum(bytes(d.len)), asNum(bytes(d.len))], [top, top], [1, 0]] as const) {
        const f = matchFieldNum(d.name, v, m);
        expect(f.num).toBe(v);
        expect(f.maskNum).toBe(m);
        const be = (n: number): Uint8Array => Uint8Array.from({ length: d.len }, (_, i) => Math.floor(n / 2 ** (8 * (d.len - 1 - i))) % 256);
        // written from the numbers, then the same after the byte views were made
        expect(encode(f), d.name).toEqual(encode(matchField(d.name, be(v), m === undefined ? undefined : be(m))));
        expect([...f.value]).toEqual([...be(v)]);
        expect(f.mask && [...f.mask]).toEqual(m === undefined ? undefined : [...be(m)]);
        expect(encode(f), d.name).toEqual(encode(matchField(d.name, be(v), m === undefined ? undefined : be(m))));
      }
    }
  });

  it("matchFieldNum() refuses an unknown or wide field and values that do not fit", () => {
    expect(() => matchFieldNum("nosuch", 1)).toThrow(EncodeError);
    expect(() => matchFieldNum("ipv6_src", 1)).toThrow(EncodeError);
    expect(() => matchFieldNum("metadata", 1)).toThrow(EncodeError);
    expect(() => matchFieldNum("tun_metadata0", 1)).toThrow(EncodeError);
    expect(() => matchFieldNum("nw_proto", 256)).toThrow(EncodeError);
    expect(() => matchFieldNum("nw_proto", -1)).toThrow(EncodeError);
    expect(() => matchFieldNum("nw_proto", 1.5)).toThrow(EncodeError);
    expect(() => matchFieldNum("nw_proto", 1, 256)).toThrow(EncodeError);
    expect(() => matchFieldNum("dl_dst", 2 ** 48)).toThrow(EncodeError);
    expect(matchFieldNum("dl_dst", 2 ** 48 - 1).num).toBe(2 ** 48 - 1);
  });

  it("tun_metadata of every length 1..124 (odd ones too), exact and masked", () => {
    const d = FIELD_DEFS.find((x) => x.name === "tun_metadata7")!;
    for (let n = 1; n <= 124; n++) {
      const value = bytes(n);
      const mask = bytes(n);
      for (const m of n * 2 <= 255 ? [undefined, mask] : [undefined]) {
        const wire = tlv((d.header & ~0xff) | n, undefined, value, m);
        const f = decode(wire);
        expect(f.field).toBe("tun_metadata7");
        expect([...f.value]).toEqual(value);
        expect(f.mask && [...f.mask]).toEqual(m);
        expect(f.num).toBe(n <= NUM_MAX_BYTES ? asNum(value) : undefined);
        expect(f.maskNum).toBe(n <= NUM_MAX_BYTES && m ? asNum(m) : undefined);
        expect(encode(f)).toEqual(wire);
      }
    }
  });

  it("unknown headers (a basic-class field number nobody defines, an unknown experimenter) kept raw", () => {
    const unknownBasic = tlv(0x8000_7e00, undefined, [1, 2, 3], [0xff, 0, 0xff]);
    const a = decode(unknownBasic);
    expect(a.field).toBe("unknown");
    expect([...a.value]).toEqual([1, 2, 3]);
    expect(a.num).toBe(0x010203);
    expect(a.maskNum).toBe(0xff00ff);
    expect(encode(a)).toEqual(unknownBasic);
    const unknownExp = tlv(0xffff_0200, 0x00abcdef, [9, 8, 7, 6, 5, 4, 3, 2]);
    const b = decode(unknownExp);
    expect(b.field).toBe("unknown");
    expect(b.experimenter).toBe(0x00abcdef);
    expect([...b.value]).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(b.num).toBeUndefined();
    expect(encode(b)).toEqual(unknownExp);
    const empty = tlv(0x0001_7e00, undefined, []);
    expect(decode(empty).num).toBe(0);
    expect(encode(decode(empty))).toEqual(empty);
  });

  it("toEqual tells decoded entries apart by their bytes (the setup's equality tester), and matches them with literals", () => {
    const d = FIELD_DEFS.find((x) => x.name === "reg3")!;
    const one = decode(tlv(d.header, undefined, [0, 0, 0, 1]));
    const two = decode(tlv(d.header, undefined, [0, 0, 0, 2]));
    expect(one).not.toEqual(two);
    expect(one).toEqual(decode(tlv(d.header, undefined, [0, 0, 0, 1])));
    expect(one).toEqual({ field: "reg3", header: one.header, value: Uint8Array.of(0, 0, 0, 1) });
    expect(one).not.toEqual({ field: "reg3", header: one.header, value: Uint8Array.of(0, 0, 0, 1), mask: Uint8Array.of(0, 0, 0, 1) });
    expect(decode(wideMac())).not.toEqual(decode(wideMac(1)));
  });
});

function wideMac(last = 0): Uint8Array {
  const d = FIELD_DEFS.find((x) => x.name === "ipv6_src")!;
  return tlv(d.header, undefined, [...new Array<number>(15).fill(0), last]);
}
