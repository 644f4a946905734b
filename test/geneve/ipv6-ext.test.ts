/**
 * IPv6 extension headers and single fragments, from hand-written bytes (RFC 8200 §4 layouts): valid chains
 * decode with every header exposed; hostile chains (overruns, repeats, misplaced Hop-by-Hop, ESP, too many)
 * give a DecodeError naming the offset; fragments are reported by decodePacket and refused by
 * decodeGeneveFrame; truncation and random bytes only ever give DecodeError.
 */
import { describe, expect, it } from "vitest";
import { DecodeError, decodeGeneveFrame, decodeIp, decodePacket, isFragment } from "../../src/geneve/index.js";
import { INNER_FRAME, hex, prng, randBytes, randInt, toHex } from "./helpers.js";

const ETH = "020000000002 020000000001 86dd";
const SRC = "20010db8000000000000000000000001";
const DST = "20010db8000000000000000000000002";
/** UDP to 6081 with checksum 0 (reported "absent"), a Geneve header with VNI 5 and no options, the inner frame. */
const UDP_GENEVE = `c000 17c1 ${(8 + 8 + INNER_FRAME.length).toString(16).padStart(4, "0")} 0000 | 0000 6558 000005 00 | ${toHex(INNER_FRAME)}`;

/** Ethernet + IPv6 (next header `nh`, payload length computed) + the given extension header hex + `rest`. */
function v6(nh: number, ext: string, rest = UDP_GENEVE): Uint8Array {
  const payload = hex(ext + rest);
  const plen = payload.length.toString(16).padStart(4, "0");
  return hex(`${ETH} | 6000 0000 ${plen} ${nh.toString(16).padStart(2, "0")} 40 ${SRC} ${DST} | ${ext} ${rest}`);
}

/** An 8-byte options header (Hop-by-Hop or Destination Options) with a PadN option, naming `next`. */
const opts8 = (next: number) => `${next.toString(16).padStart(2, "0")} 00 0104 00000000`;
/** An 8-byte Routing header (type 4, Segments Left 0) naming `next`. */
const rt8 = (next: number) => `${next.toString(16).padStart(2, "0")} 00 04 00 00000000`;

function decodeError(b: Uint8Array, options = {}): DecodeError {
  try {
    decodeGeneveFrame(b, options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error("decoded");
}

describe("IPv6 extension headers", () => {
  it("follows Hop-by-Hop, Destination Options, Routing, AH, Destination Options and an atomic Fragment header to UDP", () => {
    const chain =
      "3c 00 0104 00000000" + // Hop-by-Hop (8) -> Destination Options
      "| 2b 01 0104 00000000 0000000000000000" + // Destination Options (16) -> Routing
      `| 33 04 00 00 00000000 ${SRC} ${DST}` + // Routing type 0, Segments Left 0 (40) -> AH
      "| 3c 04 0000 00000100 00000007 abababababababababababab" + // AH, Payload Len 4 = 24 bytes -> Destination Options
      "| 2c 00 0104 00000000" + // Destination Options (8) -> Fragment
      "| 11 00 0000 00001234"; // atomic Fragment (offset 0, M 0) -> UDP
    const f = decodeGeneveFrame(v6(0, chain));
    expect(f.geneve.vni).toBe(5);
    expect(f.udp.checksumStatus).toBe("absent");
    expect(toHex(f.inner.bytes)).toBe(toHex(INNER_FRAME));
    if (f.ip.type !== "ipv6") throw new Error("not ipv6");
    expect(f.ip.nextHeader).toBe(0);
    expect(f.ip.extensionHeaders.map(({ bytes, ...h }) => ({ ...h, n: bytes.length }))).toEqual([
      { type: "hop-by-hop", protocol: 0, nextHeader: 60, offset: 54, length: 8, n: 8 },
      { type: "destination-options", protocol: 60, nextHeader: 43, offset: 62, length: 16, n: 16 },
      { type: "routing", protocol: 43, nextHeader: 51, offset: 78, length: 40, n: 40, routingType: 0, segmentsLeft: 0 },
      { type: "authentication", protocol: 51, nextHeader: 60, offset: 118, length: 24, n: 24 },
      { type: "destination-options", protocol: 60, nextHeader: 44, offset: 142, length: 8, n: 8 },
      { type: "fragment", protocol: 44, nextHeader: 17, offset: 150, length: 8, n: 8, fragmentOffset: 0, moreFragments: false, identification: 0x1234 },
    ]);
  });

  const CASES: { name: string; bytes: Uint8Array; offset: number; reason: RegExp; options?: object }[] = [
    { name: "Hop-by-Hop length past the payload", bytes: v6(0, "11 c8 0104 00000000"), offset: 55, reason: /hop-by-hop header length 1608 overruns the payload/ },
    { name: "AH length past the payload", bytes: v6(51, "11 c8 0000 00000100"), offset: 55, reason: /authentication header length 808 overruns/ },
    { name: "Routing length past the payload", bytes: v6(43, "11 ff 04 00 00000000"), offset: 55, reason: /routing header length 2048 overruns/ },
    { name: "Hop-by-Hop after another header", bytes: v6(60, `${opts8(0)} ${opts8(17)}`), offset: 54, reason: /hop-by-hop options header not first/ },
    { name: "a repeated Routing header", bytes: v6(43, `${rt8(43)} ${rt8(17)}`), offset: 62, reason: /repeated routing header/ },
    { name: "a repeated Fragment header", bytes: v6(44, "2c 00 0000 00000001 | 11 00 0000 00000002"), offset: 62, reason: /repeated fragment header/ },
    { name: "three Destination Options headers", bytes: v6(60, `${opts8(60)} ${opts8(60)} ${opts8(17)}`), offset: 70, reason: /more than two destination options/ },
    { name: "a long loop of Destination Options", bytes: v6(60, Array.from({ length: 1000 }, () => opts8(60)).join("")), offset: 70, reason: /more than two destination options/ },
    { name: "more headers than the limit", bytes: v6(0, `${opts8(60)} ${opts8(43)} ${rt8(17)}`), offset: 70, reason: /more than 2 IPv6 extension headers/, options: { maxExtensionHeaders: 2 } },
    { name: "ESP", bytes: v6(50, "00000100 00000001"), offset: 20, reason: /ESP/ },
    { name: "No Next Header after Destination Options", bytes: v6(60, opts8(59), ""), offset: 54, reason: /no next header/ },
    { name: "an extension header cut after its first byte", bytes: v6(60, "", "11"), offset: 54, reason: /truncated destination-options header/ },
    { name: "a Fragment header cut short", bytes: v6(44, "", "11 00 0000"), offset: 54, reason: /truncated fragment header/ },
    { name: "a chain ending in TCP", bytes: v6(60, opts8(6)), offset: 54, reason: /next header 6 is not UDP/ },
  ];
  for (const c of CASES) {
    it(`${c.name} → DecodeError at byte ${c.offset}`, () => {
      const e = decodeError(c.bytes, c.options);
      expect(e.protocol).toBe("ipv6");
      expect(e.offset).toBe(c.offset);
      expect(e.reason).toMatch(c.reason);
      // the same error from the fragment-aware decoders
      expect(() => decodePacket(c.bytes, c.options)).toThrow(e.message);
    });
  }

  it("every truncation of a frame with a chain, and random bytes after an IPv6 header, give only DecodeError", () => {
    const frame = v6(0, `${opts8(60)} | 2b 01 0104 00000000 0000000000000000 | ${rt8(51)} | 3c 04 0000 00000100 00000007 abababababababababababab | ${opts8(44)} | 11 00 0000 00001234`);
    for (let n = 0; n < frame.length; n++) {
      const cut = frame.slice(0, n);
      for (const decode of [decodeGeneveFrame, decodePacket, decodeIp]) expect(() => decode(cut)).toThrow(DecodeError);
    }
    const rnd = prng(8200);
    const heads = [0, 43, 44, 51, 60, 50, 59, 17];
    for (let i = 0; i < 3000; i++) {
      const body = randBytes(rnd, randInt(rnd, 200));
      // bias the random next-header bytes towards extension headers so chains get long
      for (let k = 0; k < body.length; k += 8) if (rnd() < 0.7) body[k] = heads[randInt(rnd, heads.length)]!;
      const b = new Uint8Array([...hex(`${ETH} 6000 0000`), body.length >> 8, body.length & 255, heads[randInt(rnd, heads.length)]!, 64, ...hex(SRC + DST), ...body]);
      for (const decode of [decodeGeneveFrame, decodePacket, decodeIp]) {
        try {
          decode(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).offset).toBeLessThanOrEqual(b.length);
        }
      }
    }
  });
});

describe("single fragments", () => {
  it("an IPv6 fragment is reported by decodePacket and refused by decodeGeneveFrame at its Fragment header", () => {
    const frag = v6(0, `${opts8(44)} | 11 00 0009 abcdef01`, toHex(new Uint8Array(24).fill(0xee))); // offset 1 (8 bytes), M = 1
    const p = decodePacket(frag);
    if (!isFragment(p)) throw new Error("not a fragment");
    expect({ ...p.fragment, data: toHex(p.fragment.data) }).toEqual({ identification: 0xabcdef01, offset: 8, moreFragments: true, protocol: 17, data: "ee".repeat(24), dataOffset: 70 });
    expect(p.ip.type === "ipv6" && p.ip.extensionHeaders.map((h) => h.type)).toEqual(["hop-by-hop", "fragment"]);
    const e = decodeError(frag);
    expect(e.offset).toBe(64);
    expect(e.reason).toMatch(/fragment \(id 2882400001, offset 8, more fragments\) of a larger packet/);
  });

  it("an IPv4 fragment is reported with id, offset in bytes, MF and its data", () => {
    const b = hex("020000000002 020000000001 0800 | 4500 0024 1234 2003 4011 0000 0a000001 0a000002 | 0102030405060708 1112131415161718");
    const p = decodePacket(b);
    if (!isFragment(p)) throw new Error("not a fragment");
    expect({ ...p.fragment, data: toHex(p.fragment.data) }).toEqual({ identification: 0x1234, offset: 24, moreFragments: true, protocol: 17, data: "01020304050607081112131415161718", dataOffset: 34 });
    expect(p.ethernet?.etherType).toBe(0x0800);
    const e = decodeError(b);
    expect([e.protocol, e.offset]).toEqual(["ipv4", 20]);
    expect(e.reason).toMatch(/fragment \(id 4660, offset 24, more fragments\)/);
    // the last fragment (MF clear, offset set) is a fragment too; a whole packet is not
    const last = b.slice();
    last[20] = 0x00;
    expect(isFragment(decodePacket(last))).toBe(true);
  });

  it("decodeIp stops at the IP header whatever the protocol", () => {
    const d = decodeIp(v6(60, opts8(6), "00500050"));
    expect([d.protocol, d.ipOffset, toHex(d.payload), d.fragment]).toEqual([6, 14, "00500050", undefined]);
  });
});
