import { describe, expect, it } from "vitest";
import { DecodeError } from "../../src/bytes/index.js";
import { type PacketSpec, buildPacket, dissectPacket } from "../../src/net/index.js";
import { DEBIAN_PYTHON, peers } from "../support/peers.js";
import { prng } from "../support/prng.js";
import { fromHex, randomSpecs, scapy, toHex, toScapy } from "./helpers.js";

/** What the dissector must report for a spec: the values the spec set (built by scapy, not by us). */
function expectMatches(spec: PacketSpec, bytes: Uint8Array): void {
  const p = dissectPacket(bytes);
  const e = spec.ethernet!;
  expect(p.ethernet?.src).toBe(e.src);
  expect(p.ethernet?.dst).toBe(e.dst);
  expect(p.ethernet?.vlans.map((t) => ({ vid: t.vid, pcp: t.pcp, dei: t.dei, tpid: t.tpid }))).toEqual((e.vlans ?? []).map((t) => ({ vid: t.vid, pcp: t.pcp ?? 0, dei: t.dei ?? false, tpid: t.tpid ?? 0x8100 })));
  if (spec.arp) {
    const { type: _t, ...want } = spec.arp;
    expect(p.arp).toMatchObject({ type: "arp", etherType: 0x0806, ...want });
    return;
  }
  const ip = spec.ip!;
  if (ip.version === 4) {
    expect(p.ip).toMatchObject({ type: "ipv4", src: ip.src, dst: ip.dst, ttl: ip.ttl, tos: ip.tos, identification: ip.identification, dontFragment: ip.dontFragment, checksumValid: true });
  } else {
    expect(p.ip).toMatchObject({ type: "ipv6", src: ip.src.replace(/:0+([0-9a-f])/g, ":$1"), hopLimit: ip.hopLimit, trafficClass: ip.trafficClass, flowLabel: ip.flowLabel });
  }
  const t = spec.transport;
  if (!t) {
    expect(p.transport).toBeUndefined();
    expect(p.protocol).toBe(spec.ipProtocol);
  } else if (t.type === "udp") {
    expect(p.transport).toMatchObject({ type: "udp", srcPort: t.srcPort, dstPort: t.dstPort, checksumStatus: t.checksum === "zero" ? "absent" : "valid" });
  } else if (t.type === "tcp") {
    expect(p.transport).toMatchObject({ type: "tcp", srcPort: t.srcPort, dstPort: t.dstPort, seq: t.seq, ack: t.ack, flags: t.flags, window: t.window, urgent: t.urgent, checksumStatus: "valid" });
  } else {
    expect(p.transport).toMatchObject({ type: t.type, icmpType: t.icmpType, code: t.code, checksumStatus: "valid" });
  }
  // an ICMP header is 4 bytes; the 4 bytes after it (an echo's identifier and sequence) are payload
  const icmpRest = t && (t.type === "icmp" || t.type === "icmpv6") ? toHex(t.rest ?? new Uint8Array(4)) : "";
  expect(toHex(p.payload)).toBe(icmpRest + toHex(spec.payload ?? new Uint8Array(0)));
}

describe.skipIf(!peers(DEBIAN_PYTHON))("dissectPacket on scapy's packets", () => {
  it("reads 300 random scapy-built packets back to the values scapy was given, checksums valid", () => {
    const specs = randomSpecs(1806, 300);
    const built = scapy<string[]>("build", specs.map(toScapy));
    specs.forEach((s, i) => expectMatches(s, fromHex(built[i]!)));
  });

  it("follows IPv6 extension headers to the transport header and uses the routing header's final destination", () => {
    const base = { ethernet: { src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" }, ip: { version: 6 as const, src: "2001:db8::1", dst: "2001:db8::2" } };
    const specs = [
      { ...base, ext: ["hop"], transport: { type: "udp", srcPort: 1000, dstPort: 2000 } },
      { ...base, ext: ["hop", "routing"], transport: { type: "tcp", srcPort: 1000, dstPort: 2000 } },
      { ...base, ext: ["frag0"], transport: { type: "udp", srcPort: 1000, dstPort: 2000 }, payload: "abcd" },
    ];
    const [hop, routing, frag] = scapy<string[]>("build", specs).map((h) => dissectPacket(fromHex(h)));
    expect(hop!.ip?.type === "ipv6" && hop!.ip.extensionHeaders.map((x) => x.type)).toEqual(["hop-by-hop"]);
    expect(hop!.transport).toMatchObject({ type: "udp", srcPort: 1000, dstPort: 2000, checksumStatus: "valid" });
    expect(routing!.ip?.type === "ipv6" && routing!.ip.extensionHeaders.map((x) => x.type)).toEqual(["hop-by-hop", "routing"]);
    expect(routing!.transport).toMatchObject({ type: "tcp", checksumStatus: "valid" });
    expect(frag!.fragment).toBe("first");
    expect(frag!.transport).toMatchObject({ type: "udp", srcPort: 1000, dstPort: 2000, checksumStatus: "unverified" });
  });

  it("decodes an ICMPv6 Neighbor Solicitation's target and source link-layer address", () => {
    const [ns] = scapy<string[]>("build", [{ ethernet: {}, ip: { version: 6, src: "fe80::1", dst: "ff02::1:ff00:2", hopLimit: 255 }, transport: { type: "ns", target: "fe80::2", sll: "02:00:00:00:00:01" } }]);
    const p = dissectPacket(fromHex(ns!));
    expect(p.transport).toMatchObject({ type: "icmpv6", icmpType: 135, checksumStatus: "valid", nd: { target: "fe80::2", sll: "02:00:00:00:00:01" } });
  });
});

describe("dissectPacket on damaged input", () => {
  it("reports a corrupted checksum, never throws for it", () => {
    const b = buildPacket({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, transport: { type: "tcp", srcPort: 1, dstPort: 2 }, payload: new Uint8Array([1, 2, 3]) });
    b[b.length - 1] = b[b.length - 1]! ^ 0xff;
    expect(dissectPacket(b).transport).toMatchObject({ checksumStatus: "invalid" });
    b[14 + 8] = b[14 + 8]! ^ 1; // TTL: the IPv4 header checksum no longer verifies
    expect(dissectPacket(b).ip).toMatchObject({ checksumValid: false });
  });

  it("a later IPv4 fragment has no transport header; other EtherTypes stop at Ethernet", () => {
    const b = buildPacket({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", dontFragment: false }, transport: { type: "udp", srcPort: 1, dstPort: 2 } });
    b[14 + 6] = 0x00;
    b[14 + 7] = 0x10; // fragment offset 16 × 8
    expect(dissectPacket(b)).toMatchObject({ fragment: "later", protocol: 17 });
    expect(dissectPacket(b).transport).toBeUndefined();
    const lldp = fromHex("0180c200000e020000000001" + "88cc" + "0207");
    expect(dissectPacket(lldp)).toMatchObject({ ethernet: { etherType: 0x88cc } });
    expect(dissectPacket(lldp).payload.length).toBe(2);
  });

  it("every truncation of packets of each kind, and random bytes, give only DecodeError (seeded)", () => {
    const specs = randomSpecs(7, 40);
    for (const s of specs) {
      const b = buildPacket(s);
      for (let n = 0; n < b.length; n++) {
        try {
          dissectPacket(b.subarray(0, n));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }
    }
    const rnd = prng(99);
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256));
      if (b.length > 13 && rnd() < 0.7) [b[12], b[13]] = rnd() < 0.5 ? [0x08, 0x00] : [0x86, 0xdd];
      try {
        dissectPacket(b);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  });

  it("names the protocol and absolute offset of a truncated header", () => {
    const b = buildPacket({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, transport: { type: "tcp", srcPort: 1, dstPort: 2 } });
    b[14 + 3] = 30; // IPv4 total length 30: 10 bytes of TCP
    let err: unknown;
    try {
      dissectPacket(b, { base: 100 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect([(err as DecodeError).protocol, (err as DecodeError).offset, (err as DecodeError).reason]).toEqual(["tcp", 134, "truncated tcp header: need 20 byte(s), have 10"]);
  });
});
