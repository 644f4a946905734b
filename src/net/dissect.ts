/**
 * One packet dissector: Ethernet with VLAN tags, then ARP (RFC 826), IPv4 (RFC 791) or IPv6 (RFC 8200,
 * with extension headers), then TCP, UDP, ICMP, ICMPv6 or SCTP. Checksums are verified and reported, not
 * thrown; anything truncated or inconsistent throws {@link DecodeError} with the protocol and absolute offset.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { formatIpv4, formatMac } from "./address.js";
import { ETHER_TYPE, type EthernetLayer, readEthernet } from "./ethernet.js";
import { IP_PROTOCOL, type IpHeader, type Ipv4Layer, type Ipv6Layer, MAX_IPV6_EXTENSION_HEADERS, readIpv4, readIpv6 } from "./ip.js";
import { type TransportLayer, readIcmp, readSctp, readTcp, readUdp } from "./transport.js";

/** A decoded ARP or RARP packet for Ethernet and IPv4 (RFC 826, RFC 903). */
export interface ArpLayer {
  /** Discriminant. */
  readonly type: "arp";
  /** The EtherType that carried it: 0x0806 ARP or 0x8035 RARP. */
  readonly etherType: number;
  /** Operation (1 request, 2 reply, 3/4 RARP). */
  readonly op: number;
  /** Sender hardware address. */
  readonly sha: string;
  /** Sender protocol address. */
  readonly spa: string;
  /** Target hardware address. */
  readonly tha: string;
  /** Target protocol address. */
  readonly tpa: string;
}

/** A dissected packet, layer by layer; a layer is absent when the one below it is not a protocol decoded here. */
export interface Packet {
  /** The Ethernet header (absent for a raw-IP link). */
  readonly ethernet?: EthernetLayer;
  /** ARP or RARP. */
  readonly arp?: ArpLayer;
  /** The IP header. */
  readonly ip?: Ipv4Layer | Ipv6Layer;
  /** Upper-layer protocol number (IPv4 Protocol, or the Next Header after the IPv6 extension headers). */
  readonly protocol?: number;
  /**
   * Set when the IP packet is a fragment: `"first"` (offset 0, more fragments follow: the transport
   * header is decoded) or `"later"` (no transport header).
   */
  readonly fragment?: "first" | "later";
  /** The transport header. */
  readonly transport?: TransportLayer;
  /** What follows the last decoded header, up to the IP length (zero-copy view). */
  readonly payload: Uint8Array;
}

/** Options of {@link dissectPacket}. */
export interface DissectOptions {
  /** `"ethernet"` (pcap link type 1) or `"raw"` (link type 101: starts at the IP header). @defaultValue "ethernet" */
  readonly link?: "ethernet" | "raw";
  /** Absolute offset of `bytes[0]` for error messages. @defaultValue 0 */
  readonly base?: number;
  /** Most IPv6 extension headers followed. @defaultValue {@link MAX_IPV6_EXTENSION_HEADERS} */
  readonly maxExtensionHeaders?: number;
}

function readArp(r: Reader, etherType: number): ArpLayer {
  r.protocol = etherType === ETHER_TYPE.rarp ? "rarp" : "arp";
  const start = r.pos;
  r.need(28, "arp packet");
  const htype = r.u16("hardware type");
  const ptype = r.u16("protocol type");
  const hlen = r.u8("hardware length");
  const plen = r.u8("protocol length");
  if (htype !== 1 || ptype !== ETHER_TYPE.ipv4 || hlen !== 6 || plen !== 4) {
    r.fail(`not Ethernet/IPv4 ARP (hardware type ${htype}, protocol type 0x${ptype.toString(16).padStart(4, "0")}, lengths ${hlen}/${plen})`, start);
  }
  const op = r.u16("operation");
  const b = r.bytes;
  const at = r.pos;
  r.pos += 20;
  return { type: "arp", etherType, op, sha: formatMac(b, at), spa: formatIpv4(b, at + 6), tha: formatMac(b, at + 10), tpa: formatIpv4(b, at + 16) };
}

/**
 * Dissects a packet: Ethernet (or raw IP), ARP / IPv4 / IPv6, then TCP / UDP / ICMP / ICMPv6 / SCTP. Other
 * EtherTypes and protocols stop the dissection there (the rest is `payload`); a later fragment has no
 * transport header. Throws {@link DecodeError} for anything truncated or inconsistent.
 */
export function dissectPacket(bytes: Uint8Array, options: DissectOptions = {}): Packet {
  const r = new Reader(bytes, "ethernet", options.base ?? 0);
  let ethernet: EthernetLayer | undefined;
  let etherType: number;
  if ((options.link ?? "ethernet") === "ethernet") {
    ethernet = readEthernet(r);
    etherType = ethernet.etherType;
  } else {
    etherType = bytes.length > 0 && bytes[0]! >>> 4 === 6 ? ETHER_TYPE.ipv6 : ETHER_TYPE.ipv4;
  }
  const l2 = ethernet ? { ethernet } : {};
  if (etherType === ETHER_TYPE.arp || etherType === ETHER_TYPE.rarp) {
    const arp = readArp(r, etherType);
    return { ...l2, arp, payload: r.rest() };
  }
  let h: IpHeader;
  if (etherType === ETHER_TYPE.ipv4) h = readIpv4(r);
  else if (etherType === ETHER_TYPE.ipv6) h = readIpv6(r, options.maxExtensionHeaders ?? MAX_IPV6_EXTENSION_HEADERS);
  else return { ...l2, payload: r.rest() };
  const { ip, protocol } = h;
  let fragment: "first" | "later" | undefined;
  if (ip.type === "ipv4" && (ip.moreFragments || ip.fragmentOffset !== 0)) fragment = ip.fragmentOffset === 0 ? "first" : "later";
  if (h.ipv6Fragment) fragment = h.ipv6Fragment.fragmentOffset === 0 ? "first" : "later";
  const l3 = { ...l2, ip, protocol, ...(fragment ? { fragment } : {}) };
  if (fragment === "later") return { ...l3, payload: r.rest() };
  let transport: TransportLayer | undefined;
  const first = fragment === "first";
  if (protocol === IP_PROTOCOL.udp) transport = readUdp(r, h, first);
  else if (protocol === IP_PROTOCOL.tcp) transport = readTcp(r, h, first);
  else if ((protocol === IP_PROTOCOL.icmp && ip.type === "ipv4") || (protocol === IP_PROTOCOL.icmpv6 && ip.type === "ipv6")) {
    const start = r.pos;
    transport = readIcmp(r, h, first);
    r.pos = start + 4;
  } else if (protocol === IP_PROTOCOL.sctp) transport = readSctp(r);
  return transport ? { ...l3, transport, payload: r.rest() } : { ...l3, payload: r.rest() };
}
