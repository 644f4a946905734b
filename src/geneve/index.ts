/**
 * geneve: public API of the `ovn-ts/geneve` subpath — Geneve (RFC 8926) headers and options, OVN's metadata
 * option, whole Ethernet/IPv4/IPv6/UDP/Geneve frames with checksums, IPv6 extension headers, IP
 * fragmentation and reassembly, and pcap/pcapng captures. The byte `Reader`/`Writer` and the
 * functions that read or write one layer at a reader's position are in `ovn-ts/geneve/wire`.
 *
 * @module
 */
export { DecodeError, EncodeError } from "../bytes/index.js";
// the outer layers of a Geneve frame live in src/net (shared with every packet reader); re-exported here
export { ETHER_TYPE, IP_PROTOCOL, MAX_VLAN_TAGS, internetChecksum, udpChecksum, parseMac, formatMac, parseIpv4, parseIpv6, formatIpv4, formatIpv6, MAX_IPV6_EXTENSION_HEADERS } from "../net/index.js";
export type { VlanTag, DecodedVlanTag, EthernetLayer, Ipv4Layer, Ipv6Layer, UdpChecksumStatus, UdpLayer, EthernetSpec, Ipv4Spec, Ipv6Spec, Ipv6ExtensionHeader, Ipv6OptionsHeader, Ipv6RoutingHeader, Ipv6FragmentHeader, Ipv6AuthenticationHeader } from "../net/index.js";
export {
  GENEVE_LIMITS,
  GENEVE_PROTOCOL,
  GENEVE_UDP_PORT,
  GENEVE_OPTION_CRITICAL,
  GENEVE_OPTION_CLASS,
  OVN_OPTION,
  isCriticalOption,
  optionClassOf,
  optionTypeOf,
  encodedOptionLength,
  encodedGeneveHeaderLength,
  encodeGeneveHeader,
  encodeGeneveHeaderInto,
  decodeGeneveHeader,
} from "./header.js";
export type {
  RawGeneveOption,
  OvnGeneveOption,
  GeneveOption,
  GeneveHeader,
  DecodedGeneveHeader,
  GeneveHeaderDecodeResult,
} from "./header.js";
export {
  OVN_MAX_DATAPATH_KEY,
  OVN_MAX_INGRESS_PORT,
  OVN_MAX_EGRESS_PORT,
  OVN_MULTICAST_BASE,
  ovnOption,
  ovnOptionValue,
  parseOvnOptionValue,
  findOvnOption,
  vniToDatapathKey,
  datapathKeyToVni,
  ovnMetadata,
  ovnGeneveHeader,
} from "./ovn.js";
export type { OvnMetadata, OvnOptionFields } from "./ovn.js";
export {
  frameLayers,
  defaultSourcePort,
  encodeGeneveFrame,
  encodeGeneveFrameInto,
  decodeGeneveFrame,
  decodePacket,
  decodeIp,
  isFragment,
} from "./frame.js";
export type {
  GeneveLayer,
  InnerLayer,
  FrameLayer,
  DecodedGeneveFrame,
  GeneveFrameSpec,
  DecodeFrameOptions,
  FragmentInfo,
  DecodedFragment,
  DecodedPacket,
  DecodedIp,
} from "./frame.js";
export { fragmentFrame, encodeGeneveFragments } from "./fragment.js";
export type { FragmentOptions, EncodeFragmentsOptions } from "./fragment.js";
export { REASSEMBLY_DEFAULTS, Reassembler, fragmentKey } from "./reassembly.js";
export type { OverlapPolicy, ReassemblerOptions, DropReason, ReassemblyEvent, PushOptions } from "./reassembly.js";
export {
  LINKTYPE,
  CAPTURE_MAGIC,
  PCAPNG_BLOCK,
  MAX_CAPTURE_RECORD,
  readPcap,
  readPcapng,
  readCapture,
  looksLikeCapture,
  writePcap,
} from "./pcap.js";
export type { CaptureTimestamp, CaptureRecord, Capture, PcapWriteRecord, PcapWriteOptions } from "./pcap.js";
