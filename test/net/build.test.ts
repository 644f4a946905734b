import { describe, expect, it } from "vitest";
import { EncodeError } from "../../src/bytes/index.js";
import { buildPacket } from "../../src/net/index.js";
import { DEBIAN_PYTHON, peers } from "../support/peers.js";
import { randomSpecs, scapy, toHex, toScapy } from "./helpers.js";

function encodeError(f: () => unknown): [string, string, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof EncodeError) return [e.protocol, e.field, e.reason];
    throw e;
  }
  throw new Error("did not throw");
}

describe.skipIf(!peers(DEBIAN_PYTHON))("buildPacket against scapy", () => {
  it("builds 300 random packets (VLANs, ARP, IPv4/IPv6, UDP/TCP/ICMP/ICMPv6) byte for byte as scapy does", () => {
    const specs = randomSpecs(18, 300);
    const expected = scapy<string[]>("build", specs.map(toScapy));
    specs.forEach((s, i) => expect(toHex(buildPacket(s)), JSON.stringify(toScapy(s))).toBe(expected[i]));
  });
});

describe("buildPacket input errors", () => {
  const ip = { version: 4, src: "10.0.0.1", dst: "10.0.0.2" } as const;
  it.each([
    ["bad MAC", () => buildPacket({ ethernet: { src: "02:00:00:00:00" }, ip }), ["ethernet", "ethernet.src", "invalid MAC address '02:00:00:00:00'"]],
    ["prefix as address", () => buildPacket({ ip: { ...ip, dst: "10.0.0.0/8" } }), ["ipv4", "ip.dst", "expected an address, not a prefix: '10.0.0.0/8'"]],
    ["ttl", () => buildPacket({ ip: { ...ip, ttl: 300 } }), ["ipv4", "ttl", "must be an integer 0..255, got 300"]],
    ["port", () => buildPacket({ ip, transport: { type: "udp", srcPort: 70000, dstPort: 1 } }), ["packet", "udp.srcPort", "70000 is not an unsigned 16-bit integer"]],
    ["vlan", () => buildPacket({ ethernet: { vlans: [{ vid: 4096 }] }, ip }), ["ethernet", "vlans[0].vid", "must be an integer 0..4095, got 4096"]],
    ["icmp over ipv6", () => buildPacket({ ip: { version: 6, src: "::1", dst: "::2" }, transport: { type: "icmp", icmpType: 8 } }), ["icmp", "type", "ICMP goes over IPv4 (use icmpv6)"]],
    ["zero udp checksum over ipv6", () => buildPacket({ ip: { version: 6, src: "::1", dst: "::2" }, transport: { type: "udp", srcPort: 1, dstPort: 2, checksum: "zero" } }), ["udp", "checksum", "a zero UDP checksum is not allowed over IPv6 (RFC 8200 §8.1)"]],
    ["no ip", () => buildPacket({}), ["packet", "ip", "an IP header (or arp) is required"]],
    ["too long", () => buildPacket({ ip, payload: new Uint8Array(65_516) }), ["ipv4", "totalLength", "packet of 65536 bytes exceeds 65535"]],
  ])("%s", (_name, f, expected) => {
    expect(encodeError(f)).toEqual(expected);
  });
});
