/**
 * Packet builders: Ethernet with VLAN tags, ARP, IPv4 / IPv6 and UDP / TCP / ICMP / ICMPv6, with every
 * length and checksum filled in (IPv4 header checksum RFC 791 §3.1; upper-layer checksums over the
 * pseudo-header, RFC 768, RFC 793 §3.1, RFC 4443 §2.3). Bad input throws {@link EncodeError} naming the
 * field; nothing is written half.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Writer } from "../bytes/writer.js";
import { ipv4Bytes, ipv6Bytes, macBytes } from "./address.js";
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from "./checksum.js";
import { ETHER_TYPE, type VlanTag, checkUint, writeEthernet } from "./ethernet.js";
import { IP_PROTOCOL } from "./ip.js";

/** Ethernet header settings (IEEE 802.3, 802.1Q tags). */
export interface EthernetSpec {
  /** Source MAC. @defaultValue "02:00:00:00:00:01" */
  readonly src?: string;
  /** Destination MAC. @defaultValue "02:00:00:00:00:02" */
  readonly dst?: string;
  /** VLAN tags, outermost first. @defaultValue [] */
  readonly vlans?: readonly VlanTag[];
}

/** IPv4 header settings (RFC 791 §3.1). */
export interface Ipv4Spec {
  /** Selects IPv4. */
  readonly version: 4;
  /** Source address, dotted quad. */
  readonly src: string;
  /** Destination address. */
  readonly dst: string;
  /** Time to live. @defaultValue 64 */
  readonly ttl?: number;
  /** TOS byte (DSCP << 2 | ECN). @defaultValue 0 */
  readonly tos?: number;
  /** Identification. @defaultValue 0 */
  readonly identification?: number;
  /** DF flag (OVS sets it on tunnel packets by default). @defaultValue true */
  readonly dontFragment?: boolean;
}

/** IPv6 header settings (RFC 8200 §3). */
export interface Ipv6Spec {
  /** Selects IPv6. */
  readonly version: 6;
  /** Source address. */
  readonly src: string;
  /** Destination address. */
  readonly dst: string;
  /** Hop limit. @defaultValue 64 */
  readonly hopLimit?: number;
  /** Traffic class. @defaultValue 0 */
  readonly trafficClass?: number;
  /** Flow label (20 bits). @defaultValue 0 */
  readonly flowLabel?: number;
}

/**
 * Writes an IPv4 (20 bytes, no options) or IPv6 (40 bytes) header for an upper layer `protocol` from raw
 * addresses, with its length and (IPv4) checksum left 0 for {@link patchIpHeader}; returns where it starts.
 */
export function writeIpHeader(w: Writer, ip: Ipv4Spec | Ipv6Spec, protocol: number, src: Uint8Array, dst: Uint8Array): number {
  const start = w.pos;
  if (ip.version === 4) {
    const tos = checkUint("ipv4", "tos", ip.tos ?? 0, 0xff);
    const ttl = checkUint("ipv4", "ttl", ip.ttl ?? 64, 0xff);
    const id = checkUint("ipv4", "identification", ip.identification ?? 0, 0xffff);
    w.u8(0x45).u8(tos);
    w.u16(0); // total length, patched
    w.u16(id).u16((ip.dontFragment ?? true) ? 0x4000 : 0);
    w.u8(ttl).u8(protocol, "protocol");
    w.u16(0); // header checksum, patched
  } else {
    const tc = checkUint("ipv6", "trafficClass", ip.trafficClass ?? 0, 0xff);
    const fl = checkUint("ipv6", "flowLabel", ip.flowLabel ?? 0, 0xfffff);
    const hl = checkUint("ipv6", "hopLimit", ip.hopLimit ?? 64, 0xff);
    w.u32(((6 << 28) | (tc << 20) | fl) >>> 0);
    w.u16(0); // payload length, patched
    w.u8(protocol, "nextHeader").u8(hl);
  }
  w.bytes(src).bytes(dst);
  return start;
}

/**
 * Fills in the length (and for IPv4 the header checksum) of a header written by {@link writeIpHeader} at
 * `start`, once `payloadLength` bytes follow it; `out` is the writer's finished bytes.
 * @throws EncodeError when the packet exceeds 65535 bytes
 */
export function patchIpHeader(w: Writer, out: Uint8Array, start: number, version: 4 | 6, payloadLength: number): void {
  if (version === 4) {
    if (payloadLength + 20 > 0xffff) throw new EncodeError("ipv4", "totalLength", `packet of ${payloadLength + 20} bytes exceeds 65535`);
    w.patch16(start + 2, payloadLength + 20);
    w.patch16(start + 10, finishChecksum(onesComplementSum(out, 0, start, start + 20)));
  } else {
    if (payloadLength > 0xffff) throw new EncodeError("ipv6", "payloadLength", `payload of ${payloadLength} bytes exceeds 65535`);
    w.patch16(start + 4, payloadLength);
  }
}

/** An ARP packet (RFC 826) for Ethernet and IPv4. */
export interface ArpSpec {
  /** Discriminant. */
  readonly type: "arp";
  /** Operation. @defaultValue 1 (request) */
  readonly op?: number;
  /** Sender hardware address. */
  readonly sha: string;
  /** Sender protocol address. */
  readonly spa: string;
  /** Target hardware address. @defaultValue "00:00:00:00:00:00" */
  readonly tha?: string;
  /** Target protocol address. */
  readonly tpa: string;
}

/** A UDP header (RFC 768). */
export interface UdpSpec {
  /** Discriminant. */
  readonly type: "udp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
  /** `"zero"` sends no checksum (IPv4 only). @defaultValue "compute" */
  readonly checksum?: "compute" | "zero";
}

/** A TCP header without options (RFC 793 §3.1). */
export interface TcpSpec {
  /** Discriminant. */
  readonly type: "tcp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
  /** Sequence number. @defaultValue 0 */
  readonly seq?: number;
  /** Acknowledgment number. @defaultValue 0 */
  readonly ack?: number;
  /** The 9 flag bits (see `TCP_FLAGS`). @defaultValue 0x002 (SYN) */
  readonly flags?: number;
  /** Window. @defaultValue 8192 */
  readonly window?: number;
  /** Urgent pointer. @defaultValue 0 */
  readonly urgent?: number;
}

/** An ICMP (over IPv4, RFC 792) or ICMPv6 (RFC 4443) message. */
export interface IcmpSpec {
  /** Discriminant: ICMP over IPv4, ICMPv6 over IPv6. */
  readonly type: "icmp" | "icmpv6";
  /** Message type (8 echo request; 128 ICMPv6 echo request). */
  readonly icmpType: number;
  /** Code. @defaultValue 0 */
  readonly code?: number;
  /** The 4 bytes after the checksum (identifier and sequence of an echo). @defaultValue 4 zero bytes */
  readonly rest?: Uint8Array;
}

/** Everything {@link buildPacket} needs. */
export interface PacketSpec {
  /** Ethernet header (omitted: `link: "raw"`). @defaultValue src 02:00:00:00:00:01, dst 02:00:00:00:00:02 */
  readonly ethernet?: EthernetSpec;
  /** `"raw"` builds from the IP header on (no Ethernet). @defaultValue "ethernet" */
  readonly link?: "ethernet" | "raw";
  /** ARP instead of IP (Ethernet only). */
  readonly arp?: ArpSpec;
  /** The IP header (required unless `arp`). */
  readonly ip?: Ipv4Spec | Ipv6Spec;
  /** The transport header; without it `payload` follows the IP header (protocol `ipProtocol`). */
  readonly transport?: UdpSpec | TcpSpec | IcmpSpec;
  /** IP protocol when there is no `transport`. @defaultValue 59 (no next header) for IPv6, 253 (experiment) for IPv4 */
  readonly ipProtocol?: number;
  /** Bytes after the last header. @defaultValue empty */
  readonly payload?: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const ZERO_MAC = "00:00:00:00:00:00";

/** Builds a packet from a {@link PacketSpec}, lengths and checksums filled in; throws {@link EncodeError}. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const payload = spec.payload ?? EMPTY;
  const w = new Writer("packet", 128, 65_535 + 14 + 4 * 8);
  const raw = spec.link === "raw";
  const eth = spec.ethernet ?? {};
  const l2 = (etherType: number) => {
    if (!raw) writeEthernet(w, macBytes(eth.dst ?? "02:00:00:00:00:02", "ethernet.dst"), macBytes(eth.src ?? "02:00:00:00:00:01", "ethernet.src"), eth.vlans ?? [], etherType);
  };
  if (spec.arp) {
    if (raw) throw new EncodeError("arp", "link", "ARP needs an Ethernet header");
    const a = spec.arp;
    l2(ETHER_TYPE.arp);
    w.u16(1).u16(ETHER_TYPE.ipv4).u8(6).u8(4).u16(a.op ?? 1, "arp.op");
    w.bytes(macBytes(a.sha, "arp.sha", "arp")).bytes(ipv4Bytes(a.spa, "arp.spa", "arp"));
    w.bytes(macBytes(a.tha ?? ZERO_MAC, "arp.tha", "arp")).bytes(ipv4Bytes(a.tpa, "arp.tpa", "arp"));
    return w.bytes(payload).finish();
  }
  const ip = spec.ip;
  if (!ip) throw new EncodeError("packet", "ip", "an IP header (or arp) is required");
  if (ip.version !== 4 && ip.version !== 6) throw new EncodeError("ip", "version", `must be 4 or 6, got ${String((ip as { version: unknown }).version)}`);
  const v6 = ip.version === 6;
  const src = v6 ? ipv6Bytes(ip.src, "ip.src") : ipv4Bytes(ip.src, "ip.src");
  const dst = v6 ? ipv6Bytes(ip.dst, "ip.dst") : ipv4Bytes(ip.dst, "ip.dst");
  const t = spec.transport;
  let protocol: number;
  if (!t) protocol = checkUint(v6 ? "ipv6" : "ipv4", "ipProtocol", spec.ipProtocol ?? (v6 ? IP_PROTOCOL.ipv6NoNextHeader : 253), 0xff);
  else if (t.type === "udp") protocol = IP_PROTOCOL.udp;
  else if (t.type === "tcp") protocol = IP_PROTOCOL.tcp;
  else {
    if ((t.type === "icmp") === v6) throw new EncodeError(t.type, "type", t.type === "icmp" ? "ICMP goes over IPv4 (use icmpv6)" : "ICMPv6 goes over IPv6 (use icmp)");
    protocol = v6 ? IP_PROTOCOL.icmpv6 : IP_PROTOCOL.icmp;
  }
  l2(v6 ? ETHER_TYPE.ipv6 : ETHER_TYPE.ipv4);
  const ipStart = writeIpHeader(w, ip, protocol, src, dst);
  const l4 = w.pos;
  let checksumAt = -1;
  let pseudo = true;
  if (t?.type === "udp") {
    if (t.checksum === "zero" && v6) throw new EncodeError("udp", "checksum", "a zero UDP checksum is not allowed over IPv6 (RFC 8200 §8.1)");
    w.u16(t.srcPort, "udp.srcPort").u16(t.dstPort, "udp.dstPort");
    w.u16(0); // length, patched
    if (t.checksum !== "zero") checksumAt = w.pos;
    w.u16(0);
  } else if (t?.type === "tcp") {
    w.u16(t.srcPort, "tcp.srcPort").u16(t.dstPort, "tcp.dstPort").u32(t.seq ?? 0, "tcp.seq").u32(t.ack ?? 0, "tcp.ack");
    w.u16((5 << 12) | checkUint("tcp", "flags", t.flags ?? 0x002, 0x1ff));
    w.u16(t.window ?? 8192, "tcp.window");
    checksumAt = w.pos;
    w.u16(0).u16(t.urgent ?? 0, "tcp.urgent");
  } else if (t) {
    w.u8(t.icmpType, `${t.type}.icmpType`).u8(t.code ?? 0, `${t.type}.code`);
    checksumAt = w.pos;
    w.u16(0);
    const rest = t.rest ?? new Uint8Array(4);
    if (rest.length !== 4) throw new EncodeError(t.type, "rest", `must be 4 bytes, got ${rest.length}`);
    w.bytes(rest);
    pseudo = v6;
  }
  w.bytes(payload);
  const l4Length = w.pos - l4;
  if (t?.type === "udp") {
    if (l4Length > 0xffff) throw new EncodeError("udp", "length", `datagram of ${l4Length} bytes exceeds 65535`);
    w.patch16(l4 + 4, l4Length);
  }
  const out = w.finish();
  patchIpHeader(w, out, ipStart, ip.version, l4Length);
  if (checksumAt >= 0) {
    const base = pseudo ? pseudoHeaderSum(src, dst, protocol, l4Length) : 0;
    const c = finishChecksum(onesComplementSum(out, base, l4, l4 + l4Length));
    w.patch16(checksumAt, c === 0 && protocol === IP_PROTOCOL.udp ? 0xffff : c);
  }
  return out;
}
