import { describe, expect, it } from "vitest";
import {
  EncodeError,
  datapathKeyToVni,
  decodeGeneveFrame,
  decodeGeneveHeader,
  encodeGeneveFrame,
  encodeGeneveHeader,
  findOvnOption,
  formatIpv6,
  parseIpv4,
  parseIpv6,
  parseMac,
  ovnGeneveHeader,
  ovnMetadata,
  ovnOption,
  ovnOptionValue,
  parseOvnOptionValue,
  readCapture,
  vniToDatapathKey,
  writePcap,
} from "../../src/geneve/index.js";
import { INNER_FRAME, hex, toHex } from "./helpers.js";

// OVN ovn-architecture(7) "Tunnel Encapsulations": the option value is 1 reserved bit, the 15-bit logical
// ingress port key, the 16-bit logical egress port key; the VNI is the 24-bit logical datapath key.
describe("OVN metadata option", () => {
  const VALUES: [number, number, number][] = [
    [0, 0, 0x00000000],
    [1, 2, 0x00010002],
    [300, 7000, 0x012c1b58],
    [32767, 65535, 0x7fffffff],
    [1, 0x8000, 0x00018000],
  ];
  it.each(VALUES)("ingress %i, egress %i ↔ value 0x%s", (ingress, egress, value) => {
    expect(ovnOptionValue(ingress, egress)).toBe(value);
    expect(parseOvnOptionValue(value)).toEqual({ reserved: 0, ingressPort: ingress, egressPort: egress });
    const bytes = encodeGeneveHeader({ vni: 1, options: [ovnOption(ingress, egress)] });
    expect(toHex(bytes.subarray(8))).toBe(`01028001${value.toString(16).padStart(8, "0")}`);
  });

  it("parses the reserved bit without dropping it", () => {
    expect(parseOvnOptionValue(0x80010002)).toEqual({ reserved: 1, ingressPort: 1, egressPort: 2 });
  });

  const BAD: [string, () => unknown][] = [
    ["ingress 32768", () => ovnOption(32768, 1)],
    ["ingress -1", () => ovnOption(-1, 1)],
    ["egress 65536", () => ovnOption(1, 65536)],
    ["egress 1.5", () => ovnOption(1, 1.5)],
    ["datapath key 2^24", () => datapathKeyToVni(1 << 24)],
    ["VNI -1", () => vniToDatapathKey(-1)],
  ];
  it.each(BAD)("%s → EncodeError", (_name, fn) => {
    expect(fn).toThrow(EncodeError);
  });

  it("VNI ↔ datapath key and metadata", () => {
    expect(datapathKeyToVni(0x1234)).toBe(0x1234);
    expect(vniToDatapathKey(0xffffff)).toBe(0xffffff);
    const h = ovnGeneveHeader(0x1234, 300, 0x8001);
    expect(ovnMetadata(h)).toEqual({ datapathKey: 0x1234, ingressPort: 300, egressPort: 0x8001, multicast: true });
    expect(ovnMetadata({ vni: 9 })).toEqual({ datapathKey: 9 });
    expect(findOvnOption(decodeGeneveHeader(encodeGeneveHeader(h)).header)).toEqual({ type: "ovn", ingressPort: 300, egressPort: 0x8001 });
  });
});

describe("frame edge cases", () => {
  it("decodes raw-IP link type (pcap LINKTYPE_RAW) frames", () => {
    const frame = encodeGeneveFrame({ ip: { version: 6, src: "fd00::1", dst: "fd00::2" }, geneve: ovnGeneveHeader(3, 1, 2), inner: INNER_FRAME });
    const raw = frame.subarray(14);
    const pcap = writePcap([{ data: raw }], { linkType: 101, nanoseconds: true });
    const rec = readCapture(pcap).records[0]!;
    expect(rec.linkType).toBe(101);
    const f = decodeGeneveFrame(rec.data, { link: "raw" });
    expect(f.ethernet).toBeUndefined();
    expect(f.ip.type).toBe("ipv6");
    expect(f.geneve.ovn).toEqual({ datapathKey: 3, ingressPort: 1, egressPort: 2, multicast: false });
  });

  it("a non-Ethernet protocol type leaves the payload undecoded", () => {
    const payload = hex("4500001c000000004011000000000000");
    const f = decodeGeneveFrame(encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1, protocolType: 0x0800 }, inner: payload }));
    expect(f.inner.ethernet).toBeUndefined();
    expect(toHex(f.inner.payload)).toBe(toHex(payload));
  });

  it("a custom UDP port is honoured on both sides", () => {
    const frame = encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, udp: { dstPort: 16081 }, geneve: { vni: 1 }, inner: INNER_FRAME });
    expect(() => decodeGeneveFrame(frame)).toThrow(/16081 is not Geneve/);
    expect(decodeGeneveFrame(frame, { udpPort: 16081 }).udp.dstPort).toBe(16081);
  });

  it("QinQ: an 802.1ad S-tag over an 802.1Q C-tag", () => {
    const frame = encodeGeneveFrame({ ethernet: { vlans: [{ tpid: 0x88a8, vid: 10 }, { vid: 20, dei: true }] }, ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME });
    expect(toHex(frame.subarray(12, 22))).toBe("88a8000a" + "8100" + "1014" + "0800");
    expect(decodeGeneveFrame(frame).ethernet?.vlans).toEqual([
      { tpid: 0x88a8, pcp: 0, dei: false, vid: 10 },
      { tpid: 0x8100, pcp: 0, dei: true, vid: 20 },
    ]);
  });

  it("more than 8 VLAN tags is a DecodeError", () => {
    const tags = "8100 0001 ".repeat(9);
    expect(() => decodeGeneveFrame(hex(`020000000002 020000000001 ${tags} 0800 ${"00".repeat(40)}`))).toThrow(/more than 8 VLAN tags/);
  });

  it("address helpers: RFC 5952 output, fresh arrays (mutating one does not leak into the next encode)", () => {
    expect(formatIpv6(parseIpv6("2001:0db8:0000:0000:0000:0000:0000:0001"))).toBe("2001:db8::1");
    expect(toHex(parseIpv6("::1"))).toBe("00000000000000000000000000000001");
    const a = parseIpv4("10.0.0.1");
    a[0] = 99;
    expect(toHex(parseIpv4("10.0.0.1"))).toBe("0a000001");
    const m = parseMac("02-00-00-00-00-09");
    m[5] = 0;
    const f = encodeGeneveFrame({ ethernet: { src: "02-00-00-00-00-09" }, ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1 }, inner: INNER_FRAME });
    expect(toHex(f.subarray(6, 12))).toBe("020000000009");
    expect(toHex(f.subarray(26, 30))).toBe("0a000001");
  });
});
