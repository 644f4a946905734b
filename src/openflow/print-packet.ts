/**
 * The packet line ovs-ofctl prints under a packet-in or packet-out: the flow Open vSwitch's flow_extract()
 * finds in the packet, as flow_format() writes it, then the transport checksum. The packet is read by the
 * one dissector of `ovn-ts/net` ({@link dissectPacket}); this file only words its layers.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { Reader } from "../bytes/reader.js";
import { ETHER_TYPE, type EthernetLayer, IP_PROTOCOL, type IpHeader, type Ipv4Layer, type Ipv6Layer, type Packet, TCP_FLAGS, type TransportLayer, dissectPacket, readEthernet, readIcmp, readIpv4, readIpv6, readSctp, readTcp, readUdp } from "../net/index.js";

/** TCP flag names in ovs-ofctl's print order. */
const TCP_FLAG_NAMES = Object.entries(TCP_FLAGS) as ReadonlyArray<readonly [string, number]>;

/** Short names flow_format() uses for IPv4 and IPv6 protocols (IGMP has none). */
const PROTO4: Readonly<Record<number, string>> = { [IP_PROTOCOL.icmp]: "icmp", [IP_PROTOCOL.tcp]: "tcp", [IP_PROTOCOL.udp]: "udp", [IP_PROTOCOL.sctp]: "sctp" };
const PROTO6: Readonly<Record<number, string>> = { [IP_PROTOCOL.tcp]: "tcp6", [IP_PROTOCOL.udp]: "udp6", [IP_PROTOCOL.sctp]: "sctp6", [IP_PROTOCOL.icmpv6]: "icmp6" };

/**
 * Where ofp_packet_to_string() finds each protocol's checksum in the transport header, its width in bytes
 * and the header length it needs (TCP_HEADER_LEN, UDP_HEADER_LEN, ...), with the label it prints.
 */
const CSUM: Readonly<Record<number, readonly [label: string, at: number, width: 2 | 4, need: number]>> = {
  [IP_PROTOCOL.tcp]: ["tcp_csum", 16, 2, 20],
  [IP_PROTOCOL.udp]: ["udp_csum", 6, 2, 8],
  [IP_PROTOCOL.sctp]: ["sctp_csum", 8, 4, 12],
  [IP_PROTOCOL.icmp]: ["icmp_csum", 2, 2, 8],
  [IP_PROTOCOL.icmpv6]: ["icmp6_csum", 2, 2, 4],
};

/** Open vSwitch follows at most two VLAN tags, and only 802.1Q and 802.1ad ones (FLOW_MAX_VLAN_HEADERS). */
const OVS_VLAN_TAGS = 2;

/** The Ethernet and VLAN fields of flow_format(): no tag is `vlan_tci=0`, one or two tags `dl_vlan[1]`. */
function l2Text(e: EthernetLayer, tags: number): string {
  const [t0, t1] = e.vlans;
  let vlan = "vlan_tci=0x0000";
  if (t0 && tags > 0) vlan = `dl_vlan=${t0.vid},dl_vlan_pcp=${t0.pcp},` + (t1 && tags > 1 ? `dl_vlan1=${t1.vid},dl_vlan_pcp1=${t1.pcp}` : "vlan_tci1=0x0000");
  return `${vlan},dl_src=${e.src},dl_dst=${e.dst}`;
}

/** The IP fields after the protocol name (`nw_proto` only when the protocol has no short name). */
function l3Text(ip: Ipv4Layer | Ipv6Layer, protocol: number, frag: string, named: boolean): string {
  const proto = named ? "" : `,nw_proto=${protocol}`;
  if (ip.type === "ipv4") return `nw_src=${ip.src},nw_dst=${ip.dst}${proto},nw_tos=${ip.tos & 0xfc},nw_ecn=${ip.tos & 3},nw_ttl=${ip.ttl},nw_frag=${frag}`;
  const tc = ip.trafficClass;
  return `ipv6_src=${ip.src},ipv6_dst=${ip.dst},ipv6_label=0x${ip.flowLabel.toString(16).padStart(5, "0")}${proto},nw_tos=${tc & 0xfc},nw_ecn=${tc & 3},nw_ttl=${ip.hopLimit},nw_frag=${frag}`;
}

/** The transport fields flow_format() prints for a header that did not decode: all zero. */
function zeroTransport(protocol: number, v6: boolean): string {
  if (protocol === IP_PROTOCOL.tcp) return ",tp_src=0,tp_dst=0,tcp_flags=0";
  if (protocol === IP_PROTOCOL.udp || protocol === IP_PROTOCOL.sctp || (protocol === IP_PROTOCOL.igmp && !v6)) return ",tp_src=0,tp_dst=0";
  if ((protocol === IP_PROTOCOL.icmp && !v6) || (protocol === IP_PROTOCOL.icmpv6 && v6)) return ",icmp_type=0,icmp_code=0";
  return "";
}

/** The transport fields of a decoded header. */
function transportText(t: TransportLayer): string {
  switch (t.type) {
    case "tcp": {
      const fl = TCP_FLAG_NAMES.filter(([, b]) => t.flags & b).map(([n]) => n);
      return `,tp_src=${t.srcPort},tp_dst=${t.dstPort},tcp_flags=${fl.length ? fl.join("|") : "0"}`;
    }
    case "udp":
    case "sctp":
      return `,tp_src=${t.srcPort},tp_dst=${t.dstPort}`;
    case "icmp":
      return `,icmp_type=${t.icmpType},icmp_code=${t.code}`;
    case "icmpv6":
      return `,icmp_type=${t.icmpType},icmp_code=${t.code}` + (t.nd ? `,nd_target=${t.nd.target},nd_sll=${t.nd.sll ?? "00:00:00:00:00:00"},nd_tll=${t.nd.tll ?? "00:00:00:00:00:00"}` : "");
  }
}

/** What the IP header says, as the line needs it. */
interface IpPart {
  readonly ip: Ipv4Layer | Ipv6Layer;
  readonly protocol: number;
  readonly fragment: "no" | "first" | "later";
  /** The transport header, when it decoded. */
  readonly transport?: TransportLayer;
  /** Without a decoded transport header: the IP payload (to the end of the IP packet). */
  readonly l4: Uint8Array;
}

/** The flow line of an IP packet: protocol name, L2, L3, transport fields, then the transport checksum. */
function ipText(l2: string, part: IpPart): string {
  const { ip, fragment, transport, l4 } = part;
  const v6 = ip.type === "ipv6";
  // an IPv6 later fragment keeps the Fragment header as its protocol
  const protocol = v6 && fragment === "later" ? IP_PROTOCOL.ipv6Fragment : part.protocol;
  const short = (v6 ? PROTO6 : PROTO4)[protocol];
  let s = `${short ?? (v6 ? "ipv6" : "ip")},${l2},${l3Text(ip, protocol, fragment, short !== undefined)}`;
  if (fragment !== "later") {
    if (transport) s += transportText(transport);
    else if (protocol === IP_PROTOCOL.igmp && !v6 && l4.length >= 8) s += `,tp_src=${l4[0]},tp_dst=${l4[1]}`;
    else s += zeroTransport(protocol, v6);
  }
  const c = CSUM[protocol];
  if (transport) s += ` ${c![0]}:${transport.checksum.toString(16)}`;
  else if (c && l4.length >= c[3] && (c[0] !== "icmp_csum" || !v6) && (c[0] !== "icmp6_csum" || v6)) {
    const v = new DataView(l4.buffer, l4.byteOffset, l4.byteLength);
    s += ` ${c[0]}:${(c[2] === 2 ? v.getUint16(c[1]) : v.getUint32(c[1])).toString(16)}`;
  }
  return s;
}

/** The fragment state of an IP header. */
function fragmentOf(h: IpHeader): "no" | "first" | "later" {
  const ip = h.ip;
  if (ip.type === "ipv4" && (ip.moreFragments || ip.fragmentOffset !== 0)) return ip.fragmentOffset === 0 ? "first" : "later";
  if (h.ipv6Fragment) return h.ipv6Fragment.fragmentOffset === 0 ? "first" : "later";
  return "no";
}

/**
 * The line of an IP packet the dissector refused: its IP header read again on its own and its transport
 * header read leniently (as in a first fragment: Open vSwitch does not check the UDP length); a header that
 * still does not decode prints as Open vSwitch leaves it, zero.
 */
function lenientIp(d: Uint8Array, l2: string, etherType: number, at: number): string {
  const r = new Reader(d, "ethernet");
  r.pos = at;
  let h: IpHeader;
  try {
    h = etherType === ETHER_TYPE.ipv4 ? readIpv4(r) : readIpv6(r);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    // an IP header that fails Open vSwitch's sanity checks leaves every IP field zero
    return etherType === ETHER_TYPE.ipv4
      ? `ip,${l2},nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no`
      : `ipv6,${l2},ipv6_src=::,ipv6_dst=::,ipv6_label=0x00000,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no`;
  }
  const fragment = fragmentOf(h);
  const l4 = r.rest();
  r.pos -= l4.length;
  let transport: TransportLayer | undefined;
  if (fragment !== "later") {
    try {
      const p = h.protocol;
      if (p === IP_PROTOCOL.udp) transport = readUdp(r, h, true);
      else if (p === IP_PROTOCOL.tcp) transport = readTcp(r, h, true);
      else if (p === IP_PROTOCOL.sctp) transport = readSctp(r);
      else if ((p === IP_PROTOCOL.icmp && h.ip.type === "ipv4") || (p === IP_PROTOCOL.icmpv6 && h.ip.type === "ipv6")) transport = readIcmp(r, h, true);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
  }
  return ipText(l2, { ip: h.ip, protocol: h.protocol, fragment, l4, ...(transport ? { transport } : {}) });
}

/** Bytes of the Ethernet header with `tags` VLAN tags. */
const l2Length = (tags: number) => 14 + 4 * tags;

/**
 * The flow ovs-ofctl shows for a packet carried in a packet-in or packet-out (flow_format() of the extracted
 * flow, plus the transport checksum): Ethernet with up to two 802.1Q/802.1ad tags carrying ARP, IPv4 or IPv6
 * with TCP, UDP, SCTP, ICMP, ICMPv6 or IGMP. Undefined for a frame shorter than an Ethernet header or an ARP
 * packet that does not decode.
 */
export function packetSummary(d: Uint8Array): string | undefined {
  let p: Packet | undefined;
  let e: EthernetLayer;
  try {
    p = dissectPacket(d);
    e = p.ethernet!;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    try {
      e = readEthernet(new Reader(d, "ethernet"));
    } catch (err2) {
      if (!(err2 instanceof DecodeError)) throw err2;
      return undefined;
    }
  }
  // the tags Open vSwitch follows; after them the next TPID is the frame's EtherType
  let tags = 0;
  while (tags < e.vlans.length && tags < OVS_VLAN_TAGS && (e.vlans[tags]!.tpid === ETHER_TYPE.vlan || e.vlans[tags]!.tpid === ETHER_TYPE.qinq)) tags++;
  const l2 = l2Text(e, tags);
  if (tags < e.vlans.length) return `${l2},dl_type=0x${e.vlans[tags]!.tpid.toString(16).padStart(4, "0")}`;
  if (p?.arp) {
    const a = p.arp;
    return `${a.etherType === ETHER_TYPE.arp ? "arp" : "rarp"},${l2},arp_spa=${a.spa},arp_tpa=${a.tpa},arp_op=${a.op},arp_sha=${a.sha},arp_tha=${a.tha}`;
  }
  const type = e.etherType;
  if (p?.ip) {
    return ipText(l2, { ip: p.ip, protocol: p.protocol!, fragment: p.fragment ?? "no", l4: p.payload, ...(p.transport ? { transport: p.transport } : {}) });
  }
  if (type === ETHER_TYPE.ipv4 || type === ETHER_TYPE.ipv6) return lenientIp(d, l2, type, l2Length(tags));
  if (type === ETHER_TYPE.arp || type === ETHER_TYPE.rarp) return undefined;
  return `${l2},dl_type=0x${(type < 0x600 ? 0x05ff : type).toString(16).padStart(4, "0")}`;
}

/** Appends the packet's hex dump (offsets and bytes, no ASCII column) when `verbosity` is above 2. */
export function withPacketDump(text: string, data: Uint8Array, verbosity: number): string {
  if (verbosity <= 2 || data.length === 0) return text;
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    let line = `${off.toString(16).padStart(8, "0")}  `;
    for (let i = off; i < Math.min(off + 16, data.length); i++) line += data[i]!.toString(16).padStart(2, "0") + (i - off === 7 ? "-" : " ");
    lines.push(line.trimEnd());
  }
  return `${text}\n${lines.join("\n")}`;
}
