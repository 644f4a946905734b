import { describe, expect, it } from "vitest";
import {
  DecodeError,
  EncodeError,
  type GeneveFrameSpec,
  decodeGeneveFrame,
  encodeGeneveFrame,
  encodeGeneveFrameInto,
  encodeGeneveHeaderInto,
  frameLayers,
  internetChecksum,
  ovnOption,
} from "../../src/geneve/index.js";
import { INNER_FRAME, hex, plain, prng, randBytes, randInt, toHex } from "./helpers.js";

// Expected frames were built by scapy 2.5 (test/geneve/scapy_geneve.py build) and checked with tshark;
// they are pasted here as hex, annotated by layer, so the encoder is compared to bytes it did not produce.
const INNER = toHex(INNER_FRAME);
const FIXTURES: { name: string; spec: GeneveFrameSpec; bytes: string }[] = [
  {
    name: "IPv4 + VLAN 100 pcp 3, OVN option and an experimental option",
    spec: {
      ethernet: { vlans: [{ vid: 100, pcp: 3 }] },
      ip: { version: 4, src: "192.168.0.1", dst: "192.168.0.2" },
      udp: { srcPort: 50000 },
      geneve: { vni: 0x123456, options: [ovnOption(1, 2), { type: "raw", optionClass: 0xffff, optionType: 0x01, data: hex("0102030405060708") }] },
      inner: INNER_FRAME,
    },
    bytes:
      "020000000002 020000000001 8100 6064 0800" +
      "|4500 0066 0000 4000 4011 b933 c0a80001 c0a80002" +
      "|c350 17c1 0052 4616" +
      "|0540 6558 123456 00 | 0102 80 01 00010002 | ffff 01 02 0102030405060708" +
      `|${INNER}`,
  },
  {
    name: "IPv6, flow label, OVN option with largest keys",
    spec: {
      ip: { version: 6, src: "fd00::1", dst: "fd00::2", flowLabel: 0x12345 },
      udp: { srcPort: 50001 },
      geneve: { vni: 7, options: [ovnOption(32767, 65535)] },
      inner: INNER_FRAME,
    },
    bytes:
      "020000000002 020000000001 86dd" +
      "|6001 2345 0046 11 40 fd000000000000000000000000000001 fd000000000000000000000000000002" +
      "|c351 17c1 0046 c2ca" +
      "|0240 6558 000007 00 | 0102 80 01 7fffffff" +
      `|${INNER}`,
  },
  {
    name: "IPv4 with a zero UDP checksum",
    spec: {
      ip: { version: 4, src: "127.1.0.1", dst: "127.1.0.2" },
      udp: { srcPort: 60000, checksum: "zero" },
      geneve: { vni: 1, options: [ovnOption(1, 2)] },
      inner: INNER_FRAME,
    },
    bytes:
      "020000000002 020000000001 0800" +
      "|4500 005a 0000 4000 4011 3c8e 7f010001 7f010002" +
      "|ea60 17c1 0046 0000" +
      "|0240 6558 000001 00 | 0102 80 01 00010002" +
      `|${INNER}`,
  },
];

describe("Geneve frames: encode", () => {
  it.each(FIXTURES)("$name matches scapy's bytes", ({ spec, bytes }) => {
    expect(toHex(encodeGeneveFrame(spec))).toBe(toHex(hex(bytes)));
  });

  it("IPv4 header checksum verifies (RFC 1071: sum over the header is 0)", () => {
    const f = encodeGeneveFrame(FIXTURES[0]!.spec);
    expect(internetChecksum(f.subarray(18, 38))).toBe(0);
  });

  it("default UDP source port is stable and in 49152..65535", () => {
    const a = encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME });
    const b = encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME });
    const port = (a[34]! << 8) | a[35]!;
    expect(toHex(a)).toBe(toHex(b));
    expect(port).toBeGreaterThanOrEqual(49152);
  });

  it("encodeGeneveFrameInto writes the same bytes into a sub-view of caller memory, without allocating", () => {
    const big = new Uint8Array(512).fill(0xee);
    const out = encodeGeneveFrameInto(FIXTURES[0]!.spec, big.subarray(10));
    expect(toHex(out)).toBe(toHex(hex(FIXTURES[0]!.bytes)));
    expect(out.buffer).toBe(big.buffer);
    expect(out.byteOffset).toBe(10);
    expect(big[9]).toBe(0xee);
    expect(big[10 + out.length]).toBe(0xee);
    expect(() => encodeGeneveFrameInto(FIXTURES[0]!.spec, new Uint8Array(50))).toThrow(EncodeError);
    const h = encodeGeneveHeaderInto({ vni: 5, options: [ovnOption(3, 4)] }, big.subarray(100, 200));
    expect(toHex(h)).toBe("024065580000050001028001" + "00030004");
    expect(() => encodeGeneveHeaderInto({ vni: 5, options: [ovnOption(3, 4)] }, new Uint8Array(15))).toThrow(EncodeError);
  });

  const BAD: { name: string; spec: GeneveFrameSpec; field: string }[] = [
    { name: "bad MAC", spec: { ethernet: { src: "02:00:00:00:00" }, ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "ethernet.src" },
    { name: "bad IPv4", spec: { ip: { version: 4, src: "10.0.0.256", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "ip.src" },
    { name: "IPv4 prefix", spec: { ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.0/24" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "ip.dst" },
    { name: "IPv6 address given as IPv4", spec: { ip: { version: 6, src: "10.0.0.1", dst: "fd00::2" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "ip.src" },
    { name: "IPv6 with zero UDP checksum", spec: { ip: { version: 6, src: "fd00::1", dst: "fd00::2" }, udp: { checksum: "zero" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "checksum" },
    { name: "UDP port over 16 bits", spec: { ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, udp: { srcPort: 65536 }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "srcPort" },
    { name: "VLAN id over 12 bits", spec: { ethernet: { vlans: [{ vid: 4096 }] }, ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "vlans[0].vid" },
    { name: "TTL over 8 bits", spec: { ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", ttl: 256 }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "ttl" },
    { name: "flow label over 20 bits", spec: { ip: { version: 6, src: "fd00::1", dst: "fd00::2", flowLabel: 1 << 20 }, geneve: { vni: 1 }, inner: INNER_FRAME }, field: "flowLabel" },
    { name: "datagram over 65535 bytes", spec: { ip: { version: 6, src: "fd00::1", dst: "fd00::2" }, geneve: { vni: 1 }, inner: new Uint8Array(65530) }, field: "length" },
  ];
  it.each(BAD)("$name → EncodeError($field)", ({ spec, field }) => {
    expect(() => encodeGeneveFrame(spec)).toThrow(EncodeError);
    expect(() => encodeGeneveFrame(spec)).toThrow(expect.objectContaining({ field }));
  });
});

describe("Geneve frames: decode", () => {
  it("decodes every layer by name (IPv4 + VLAN)", () => {
    const f = decodeGeneveFrame(hex(FIXTURES[0]!.bytes));
    expect(plain(f.ethernet)).toEqual({ type: "ethernet", dst: "02:00:00:00:00:02", src: "02:00:00:00:00:01", vlans: [{ tpid: 0x8100, pcp: 3, dei: false, vid: 100 }], etherType: 0x0800 });
    expect(plain(f.ip)).toEqual({
      type: "ipv4", headerLength: 20, tos: 0, totalLength: 0x66, identification: 0, dontFragment: true, moreFragments: false,
      fragmentOffset: 0, ttl: 64, protocol: 17, checksum: 0xb933, checksumValid: true, src: "192.168.0.1", dst: "192.168.0.2", options: "",
    });
    expect(f.udp).toEqual({ type: "udp", srcPort: 50000, dstPort: 6081, length: 0x52, checksum: 0x4616, checksumStatus: "valid" });
    expect(f.geneve.vni).toBe(0x123456);
    expect(f.geneve.critical).toBe(true);
    expect(f.geneve.ovn).toEqual({ datapathKey: 0x123456, ingressPort: 1, egressPort: 2, multicast: false });
    expect(plain(f.geneve.options)).toEqual([
      { type: "ovn", ingressPort: 1, egressPort: 2 },
      { type: "raw", optionClass: 0xffff, optionType: 1, flags: 0, data: "0102030405060708" },
    ]);
    expect(toHex(f.inner.bytes)).toBe(INNER);
    expect(f.inner.ethernet?.dst).toBe("50:54:00:00:00:02");
    expect(frameLayers(f).map((l) => l.type)).toEqual(["ethernet", "ipv4", "udp", "geneve", "inner"]);
  });

  it("decodes IPv6 with RFC 5952 addresses and a verified checksum", () => {
    const f = decodeGeneveFrame(hex(FIXTURES[1]!.bytes));
    expect(f.ip).toEqual({ type: "ipv6", trafficClass: 0, flowLabel: 0x12345, payloadLength: 0x46, nextHeader: 17, hopLimit: 64, src: "fd00::1", dst: "fd00::2", extensionHeaders: [] });
    expect(f.udp.checksumStatus).toBe("valid");
    expect(f.geneve.ovn).toEqual({ datapathKey: 7, ingressPort: 32767, egressPort: 65535, multicast: true });
  });

  it("reports a zero UDP checksum as absent and a corrupted one as invalid", () => {
    expect(decodeGeneveFrame(hex(FIXTURES[2]!.bytes)).udp.checksumStatus).toBe("absent");
    const bad = hex(FIXTURES[0]!.bytes);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(decodeGeneveFrame(bad).udp.checksumStatus).toBe("invalid");
    const badIp = hex(FIXTURES[0]!.bytes);
    badIp[18 + 8] = 63; // TTL changed, header checksum now wrong
    expect(decodeGeneveFrame(badIp).ip).toMatchObject({ checksumValid: false });
  });

  it("ignores Ethernet padding after the IP packet", () => {
    const padded = new Uint8Array([...hex(FIXTURES[2]!.bytes), 0, 0, 0, 0]);
    expect(toHex(decodeGeneveFrame(padded).inner.bytes)).toBe(INNER);
  });

  it("round-trips encode → decode for every fixture", () => {
    for (const { spec } of FIXTURES) {
      const f = decodeGeneveFrame(encodeGeneveFrame(spec));
      expect(f.geneve.vni).toBe(spec.geneve.vni);
      expect(f.ip.src).toBe(spec.ip.src);
      expect(toHex(f.inner.bytes)).toBe(INNER);
    }
  });

  const withByte = (h: string | Uint8Array, at: number, v: number): Uint8Array => {
    const b = typeof h === "string" ? hex(h) : Uint8Array.from(h);
    b[at] = v;
    return b;
  };
  const F0 = FIXTURES[0]!.bytes; // VLAN: IPv4 at 18, UDP at 38, Geneve at 46
  const F1 = FIXTURES[1]!.bytes; // IPv6 at 14, UDP at 54
  const BAD: { name: string; bytes: Uint8Array; protocol: string; offset: number; reason: RegExp }[] = [
    { name: "ARP ethertype", bytes: withByte(FIXTURES[2]!.bytes, 13, 0x06), protocol: "ethernet", offset: 12, reason: /0x0806 is not IPv4 or IPv6/ },
    { name: "IPv4 version 5", bytes: withByte(F0, 18, 0x55), protocol: "ipv4", offset: 18, reason: /version 5/ },
    { name: "IPv4 IHL 4", bytes: withByte(F0, 18, 0x44), protocol: "ipv4", offset: 18, reason: /header length 16/ },
    { name: "IPv4 total length overruns", bytes: withByte(F0, 20, 0x01), protocol: "ipv4", offset: 20, reason: /overruns/ },
    { name: "IPv4 TCP", bytes: withByte(F0, 27, 6), protocol: "ipv4", offset: 27, reason: /protocol 6 is not UDP/ },
    { name: "IPv4 fragment", bytes: withByte(F0, 24, 0x60), protocol: "ipv4", offset: 24, reason: /fragment/ },
    { name: "IPv6 next header TCP", bytes: withByte(F1, 20, 6), protocol: "ipv6", offset: 20, reason: /next header 6/ },
    { name: "IPv6 payload length overruns", bytes: withByte(F1, 18, 0x01), protocol: "ipv6", offset: 18, reason: /overruns/ },
    { name: "UDP to port 4789", bytes: withByte(withByte(F0, 40, 0x12), 41, 0xb5), protocol: "udp", offset: 40, reason: /port 4789 is not Geneve/ },
    { name: "UDP length 7", bytes: withByte(F0, 43, 7), protocol: "udp", offset: 42, reason: /below 8/ },
    { name: "UDP length overruns", bytes: withByte(F0, 42, 0x01), protocol: "udp", offset: 42, reason: /overruns/ },
    { name: "Geneve version 1", bytes: withByte(F0, 46, 0x45), protocol: "geneve", offset: 46, reason: /version 1/ },
    { name: "Geneve option length overruns", bytes: withByte(F0, 57, 0x1f), protocol: "geneve", offset: 57, reason: /option length 124 overruns/ },
  ];
  it.each(BAD)("$name → DecodeError($protocol @ $offset)", ({ bytes, protocol, offset, reason }) => {
    let err: unknown;
    try {
      decodeGeneveFrame(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({ protocol, offset });
    expect((err as DecodeError).reason).toMatch(reason);
  });

  it("truncated at every byte → DecodeError, never another error", () => {
    for (const { bytes } of FIXTURES) {
      const full = hex(bytes);
      for (let n = 0; n < full.length; n++) {
        try {
          decodeGeneveFrame(full.subarray(0, n));
          throw new Error(`length ${n} decoded`);
        } catch (e) {
          expect(e, `length ${n}`).toBeInstanceOf(DecodeError);
        }
      }
    }
  });

  it("random corruption never crashes (seeded)", () => {
    const rnd = prng(7);
    for (let i = 0; i < 3000; i++) {
      const f = hex(FIXTURES[i % 3]!.bytes);
      const flips = 1 + randInt(rnd, 4);
      for (let k = 0; k < flips; k++) f[randInt(rnd, f.length)] = randBytes(rnd, 1)[0]!;
      try {
        decodeGeneveFrame(f.subarray(0, randInt(rnd, f.length + 1)));
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  });

  it("random frames round-trip through encode/decode (seeded)", () => {
    const rnd = prng(99);
    for (let i = 0; i < 300; i++) {
      const v6 = rnd() < 0.5;
      const spec: GeneveFrameSpec = {
        ethernet: { vlans: Array.from({ length: randInt(rnd, 3) }, () => ({ vid: randInt(rnd, 4096), pcp: randInt(rnd, 8), dei: rnd() < 0.5 })) },
        ip: v6 ? { version: 6, src: `fd00::${randInt(rnd, 65536).toString(16)}`, dst: "2001:db8::1", flowLabel: randInt(rnd, 1 << 20) } : { version: 4, src: `10.${randInt(rnd, 256)}.0.1`, dst: "10.0.0.2", ttl: randInt(rnd, 256) },
        udp: { srcPort: randInt(rnd, 65536), checksum: !v6 && rnd() < 0.3 ? "zero" : "compute" },
        geneve: { vni: randInt(rnd, 1 << 24), options: [ovnOption(randInt(rnd, 32768), randInt(rnd, 65536)), { type: "raw", optionClass: randInt(rnd, 65536), optionType: randInt(rnd, 256), data: randBytes(rnd, 4 * randInt(rnd, 31)) }] },
        inner: new Uint8Array([...INNER_FRAME, ...randBytes(rnd, randInt(rnd, 100))]),
      };
      const bytes = encodeGeneveFrame(spec);
      const f = decodeGeneveFrame(bytes);
      expect(f.ip.src).toBe(spec.ip.src);
      expect(f.geneve.vni).toBe(spec.geneve.vni);
      expect(f.udp.checksumStatus).toBe(spec.udp?.checksum === "zero" ? "absent" : "valid");
      if (f.ip.type === "ipv4") expect(f.ip.checksumValid).toBe(true);
      expect(plain(f.geneve.options)).toEqual(plain(spec.geneve.options?.map((o) => (o.type === "raw" ? { ...o, flags: 0 } : o))));
      expect(toHex(f.inner.bytes)).toBe(toHex(spec.inner));
    }
  });
});
