import { describe, expect, it } from "vitest";
import {
  DecodeError,
  EncodeError,
  decodeGeneveHeader,
  encodeGeneveHeader,
  type GeneveHeader,
  type GeneveOption,
  isCriticalOption,
} from "../../src/geneve/index.js";
import { hex, plain, prng, randBytes, randInt, toHex } from "./helpers.js";

// Expected bytes are written out by hand from RFC 8926 §3.4/§3.5 field layouts.
const CASES: { name: string; header: GeneveHeader; bytes: string }[] = [
  {
    name: "no options, Ethernet payload, VNI 0x123456",
    header: { vni: 0x123456 },
    bytes: "00 00 6558 123456 00",
  },
  {
    name: "OVN option (ingress 3, egress 4), C bit derived",
    header: { vni: 5, options: [{ type: "ovn", ingressPort: 3, egressPort: 4 }] },
    bytes: "02 40 6558 000005 00 | 0102 80 01 | 0003 0004",
  },
  {
    name: "OVN option with largest keys",
    header: { vni: 0xffffff, options: [{ type: "ovn", ingressPort: 32767, egressPort: 65535 }] },
    bytes: "02 40 6558 ffffff 00 | 0102 80 01 | 7fff ffff",
  },
  {
    name: "OAM bit, IPv4 payload, empty non-critical option",
    header: { vni: 1, oam: true, protocolType: 0x0800, options: [{ type: "raw", optionClass: 0x0101, optionType: 0x01, data: new Uint8Array(0) }] },
    bytes: "01 80 0800 000001 00 | 0101 01 00",
  },
  {
    name: "unknown option with R bits and 8 data bytes, then OVN option",
    header: {
      vni: 0xabcdef,
      options: [
        { type: "raw", optionClass: 0xffff, optionType: 0x7f, flags: 5, data: hex("0102030405060708") },
        { type: "ovn", ingressPort: 1, egressPort: 0x8001 },
      ],
    },
    bytes: "05 40 6558 abcdef 00 | ffff 7f a2 0102030405060708 | 0102 80 01 00018001",
  },
  {
    name: "reserved fields kept, C forced off",
    header: { vni: 2, critical: false, reserved1: 0x3f, reserved2: 0xaa, options: [{ type: "raw", optionClass: 0x0104, optionType: 0x81, data: hex("cafebabe") }] },
    bytes: "02 3f 6558 000002 aa | 0104 81 01 cafebabe",
  },
];

describe("Geneve header codec (RFC 8926 §3.4, §3.5)", () => {
  it.each(CASES)("encodes $name", ({ header, bytes }) => {
    expect(toHex(encodeGeneveHeader(header))).toBe(toHex(hex(bytes)));
  });

  it.each(CASES)("decodes $name and re-encodes byte-exact", ({ bytes }) => {
    const input = hex(bytes);
    const { header, headerLength, payload } = decodeGeneveHeader(input);
    expect(headerLength).toBe(input.length);
    expect(payload.length).toBe(0);
    expect(toHex(encodeGeneveHeader(header))).toBe(toHex(input));
  });

  it("decodes fields by name", () => {
    const { header, payload } = decodeGeneveHeader(hex("05 40 6558 abcdef 00 | ffff 7f a2 0102030405060708 | 0102 80 01 00018001 | eeee"));
    expect(plain(header)).toEqual({
      version: 0,
      oam: false,
      critical: true,
      reserved1: 0,
      protocolType: 0x6558,
      vni: 0xabcdef,
      reserved2: 0,
      optionsLength: 20,
      options: [
        { type: "raw", optionClass: 0xffff, optionType: 0x7f, flags: 5, data: "0102030405060708" },
        { type: "ovn", ingressPort: 1, egressPort: 0x8001 },
      ],
    });
    expect(toHex(payload)).toBe("eeee");
  });

  it("keeps an OVN-class option with the reserved bit set as raw (byte-exact)", () => {
    const bytes = hex("02 40 6558 000001 00 | 0102 80 01 80010002");
    const { header } = decodeGeneveHeader(bytes);
    expect(header.options[0]?.type).toBe("raw");
    expect(toHex(encodeGeneveHeader(header))).toBe(toHex(bytes));
  });

  it("payload is a zero-copy view", () => {
    const bytes = hex("00 00 6558 000001 00 | 01020304");
    const { payload } = decodeGeneveHeader(bytes);
    expect(payload.buffer).toBe(bytes.buffer);
    expect(payload.byteOffset).toBe(bytes.byteOffset + 8);
  });

  it("works on a sub-view of a larger buffer (DataView built from byteOffset)", () => {
    const big = hex("ffffffff | 02 40 6558 000005 00 | 0102 80 01 | 0003 0004 | ffff");
    const { header } = decodeGeneveHeader(big.subarray(4, 20), 4);
    expect(header.vni).toBe(5);
    expect(header.options[0]).toEqual({ type: "ovn", ingressPort: 3, egressPort: 4 });
  });

  it("classifies critical options", () => {
    expect(isCriticalOption({ type: "ovn", ingressPort: 1, egressPort: 1 })).toBe(true);
    expect(isCriticalOption({ type: "raw", optionClass: 1, optionType: 0x80, data: new Uint8Array(0) })).toBe(true);
    expect(isCriticalOption({ type: "raw", optionClass: 1, optionType: 0x7f, data: new Uint8Array(0) })).toBe(false);
  });
});

describe("Geneve decode errors", () => {
  const BAD: { name: string; bytes: string; offset: number; reason: RegExp }[] = [
    { name: "empty", bytes: "", offset: 0, reason: /truncated/ },
    { name: "7 bytes", bytes: "00 00 6558 123456", offset: 1, reason: /truncated geneve header/ },
    { name: "version 1", bytes: "40 00 6558 000001 00", offset: 0, reason: /unsupported version 1/ },
    { name: "version 3", bytes: "c0 00 6558 000001 00", offset: 0, reason: /unsupported version 3/ },
    { name: "Opt Len overruns packet", bytes: "02 00 6558 000001 00 | 0102 80 01", offset: 0, reason: /options length 8 overruns/ },
    {
      name: "option length overruns the options area",
      bytes: "02 00 6558 000001 00 | 0102 80 02 00000000 | 00000000",
      offset: 11,
      reason: /option length 8 overruns the options area \(4 byte\(s\) left\)/,
    },
    {
      name: "second option overruns",
      bytes: "03 00 6558 000001 00 | 0102 80 01 00000000 | ffff 01 1f",
      offset: 19,
      reason: /option length 124 overruns/,
    },
  ];
  it.each(BAD)("$name → DecodeError at offset $offset", ({ bytes, offset, reason }) => {
    let err: unknown;
    try {
      decodeGeneveHeader(hex(bytes));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    const d = err as DecodeError;
    expect(d.protocol).toBe("geneve");
    expect(d.offset).toBe(offset);
    expect(d.reason).toMatch(reason);
  });

  it("offsets are absolute when a base is given", () => {
    expect(() => decodeGeneveHeader(hex("02 00 6558 000001 00 | 0102 80 02 00000000 | 00000000"), 100)).toThrow(
      expect.objectContaining({ offset: 111 }),
    );
  });

  it("truncation at every byte of a header with options gives a DecodeError", () => {
    const full = hex("05 40 6558 abcdef 00 | ffff 7f a2 0102030405060708 | 0102 80 01 00018001");
    for (let n = 0; n < full.length; n++) {
      expect(() => decodeGeneveHeader(full.subarray(0, n)), `length ${n}`).toThrow(DecodeError);
    }
  });
});

describe("Geneve encode errors", () => {
  const data = (n: number): Uint8Array => new Uint8Array(n);
  const raw = (n: number): GeneveOption => ({ type: "raw", optionClass: 0xffff, optionType: 1, data: data(n) });
  const BAD: { name: string; header: GeneveHeader; field: string }[] = [
    { name: "VNI over 24 bits", header: { vni: 0x1000000 }, field: "vni" },
    { name: "negative VNI", header: { vni: -1 }, field: "vni" },
    { name: "fractional VNI", header: { vni: 1.5 }, field: "vni" },
    { name: "version 4", header: { vni: 1, version: 4 }, field: "version" },
    { name: "protocol type over 16 bits", header: { vni: 1, protocolType: 0x10000 }, field: "protocolType" },
    { name: "reserved1 over 6 bits", header: { vni: 1, reserved1: 64 }, field: "reserved1" },
    { name: "option data not a multiple of 4", header: { vni: 1, options: [raw(3)] }, field: "options[0].data" },
    { name: "option data over 124 bytes", header: { vni: 1, options: [raw(128)] }, field: "options[0].data" },
    { name: "options over 252 bytes", header: { vni: 1, options: [raw(124), raw(124)] }, field: "options" },
    { name: "option class over 16 bits", header: { vni: 1, options: [{ type: "raw", optionClass: 0x10000, optionType: 0, data: data(0) }] }, field: "options[0].optionClass" },
    { name: "option flags over 3 bits", header: { vni: 1, options: [{ type: "raw", optionClass: 1, optionType: 0, flags: 8, data: data(0) }] }, field: "options[0].flags" },
    { name: "OVN ingress over 15 bits", header: { vni: 1, options: [{ type: "ovn", ingressPort: 32768, egressPort: 1 }] }, field: "options[0].ingressPort" },
    { name: "OVN egress over 16 bits", header: { vni: 1, options: [{ type: "ovn", ingressPort: 1, egressPort: 65536 }] }, field: "options[0].egressPort" },
  ];
  it.each(BAD)("$name → EncodeError($field)", ({ header, field }) => {
    expect(() => encodeGeneveHeader(header)).toThrow(EncodeError);
    expect(() => encodeGeneveHeader(header)).toThrow(expect.objectContaining({ field }));
  });

  it("exactly 252 bytes of options is allowed (Opt Len 63)", () => {
    const opts = [raw(124), raw(120)]; // 128 + 124 = 252
    const bytes = encodeGeneveHeader({ vni: 1, options: opts });
    expect(bytes[0]).toBe(63);
    expect(bytes.length).toBe(260);
  });
});

describe("Geneve property tests (seeded)", () => {
  function randomOption(rnd: () => number): GeneveOption {
    if (rnd() < 0.3) return { type: "ovn", ingressPort: randInt(rnd, 32768), egressPort: randInt(rnd, 65536) };
    return { type: "raw", optionClass: randInt(rnd, 65536), optionType: randInt(rnd, 256), flags: randInt(rnd, 8), data: randBytes(rnd, 4 * randInt(rnd, 8)) };
  }

  it("random headers round-trip: decode(encode(h)) re-encodes to the same bytes", () => {
    const rnd = prng(0x9e3779b9);
    for (let i = 0; i < 500; i++) {
      const options: GeneveOption[] = [];
      let size = 0;
      const want = randInt(rnd, 8);
      for (let k = 0; k < want; k++) {
        const o = randomOption(rnd);
        const len = 4 + (o.type === "ovn" ? 4 : o.data.length);
        if (size + len > 252) break;
        size += len;
        options.push(o);
      }
      const h: GeneveHeader = { vni: randInt(rnd, 1 << 24), oam: rnd() < 0.5, protocolType: randInt(rnd, 65536), reserved2: randInt(rnd, 256), options };
      const bytes = encodeGeneveHeader(h);
      expect(bytes.length).toBe(8 + size);
      const d = decodeGeneveHeader(bytes).header;
      expect(d.vni).toBe(h.vni);
      expect(d.options.length).toBe(options.length);
      expect(toHex(encodeGeneveHeader(d))).toBe(toHex(bytes));
    }
  });

  it("random bytes never crash: either decode (and re-encode byte-exact) or throw DecodeError", () => {
    const rnd = prng(12345);
    let decoded = 0;
    for (let i = 0; i < 2000; i++) {
      const b = randBytes(rnd, randInt(rnd, 64));
      if (b.length > 0) b[0] = b[0]! & 0x3f & (rnd() < 0.5 ? 0x07 : 0x3f); // mostly version 0, small Opt Len
      try {
        const { header, headerLength } = decodeGeneveHeader(b);
        decoded++;
        expect(toHex(encodeGeneveHeader(header))).toBe(toHex(b.subarray(0, headerLength)));
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
    expect(decoded).toBeGreaterThan(100);
  });
});
