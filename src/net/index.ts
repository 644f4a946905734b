/**
 * `ovn-ts/net`: packet and address helpers shared by the protocol areas: MAC / IPv4 / IPv6 text
 * (validate, parse, format), the Internet checksum, one packet dissector (Ethernet, VLAN, ARP, IPv4,
 * IPv6 with extension headers, TCP, UDP, ICMP, ICMPv6, SCTP) and packet builders.
 *
 * @module
 */
export { DecodeError, EncodeError } from "../bytes/index.js";
export { type IpFamily, type IpPrefix, ipFamily, ipPrefix, isIp, isIpv4, isIpv6, isMac, macBytes, ipv4Bytes, ipv6Bytes, parseMac, parseIpv4, parseIpv6, formatMac, formatIpv4, formatIpv6, formatIpv6BigInt, macToBigInt, formatMacBigInt, ipv4ToBigInt, formatIpv4BigInt, ipv6ToBigInt } from "./address.js";
export { onesComplementSum, finishChecksum, internetChecksum, pseudoHeaderSum, transportChecksum, udpChecksum } from "./checksum.js";
export { ETHER_TYPE, MAX_VLAN_TAGS, type VlanTag, type DecodedVlanTag, type EthernetLayer, isVlanTpid, readEthernet, writeEthernet, checkUint } from "./ethernet.js";
export {
  IP_PROTOCOL,
  MAX_IPV6_EXTENSION_HEADERS,
  type Ipv4Layer,
  type Ipv6Layer,
  type Ipv6ExtensionHeader,
  type Ipv6OptionsHeader,
  type Ipv6RoutingHeader,
  type Ipv6FragmentHeader,
  type Ipv6AuthenticationHeader,
  type IpHeader,
  readIpv4,
  readIpv6,
} from "./ip.js";
export {
  type ChecksumStatus,
  type UdpChecksumStatus,
  type UdpLayer,
  type TcpLayer,
  type IcmpLayer,
  type NeighborDiscovery,
  type SctpLayer,
  type TransportLayer,
  TCP_FLAGS,
  readUdp,
  readTcp,
  readIcmp,
  readSctp,
} from "./transport.js";
export { type ArpLayer, type Packet, type DissectOptions, dissectPacket } from "./dissect.js";
export {
  type EthernetSpec,
  type Ipv4Spec,
  type Ipv6Spec,
  type ArpSpec,
  type UdpSpec,
  type TcpSpec,
  type IcmpSpec,
  type PacketSpec,
  writeIpHeader,
  patchIpHeader,
  buildPacket,
} from "./build.js";
