/**
 * Full Geneve frames: outer Ethernet (IEEE 802.3, with IEEE 802.1Q/802.1ad VLAN tags), IPv4 (RFC 791) or
 * IPv6 (RFC 8200), UDP (RFC 768) to port 6081 (RFC 8926 §3.3), the Geneve header (RFC 8926 §3.4) and the
 * inner Ethernet frame. The outer layers, the checksums (RFC 1071, RFC 768; RFC 8200 §8.1) and the
 * address text come from `src/net`, shared with every other packet reader of the package.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
// imported from the modules themselves, not the barrel: one indirection less per call on hot paths
import { ipv4Bytes, ipv6Bytes, macBytes } from "../net/address.js";
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from "../net/checksum.js";
import { type Ipv4Spec, type Ipv6Spec, type EthernetSpec, patchIpHeader, writeIpHeader } from "../net/build.js";
import { ETHER_TYPE, type EthernetLayer, checkUint, readEthernet, writeEthernet } from "../net/ethernet.js";
import { type IpHeader, IP_PROTOCOL, type Ipv4Layer, type Ipv6Layer, MAX_IPV6_EXTENSION_HEADERS, readIpv4, readIpv6 } from "../net/ip.js";
import { type UdpLayer, readUdp } from "../net/transport.js";
import {
  type DecodedGeneveHeader,
  type GeneveHeader,
  GENEVE_PROTOCOL,
  GENEVE_UDP_PORT,
  encodedGeneveHeaderLength,
  readGeneveHeader,
  writeGeneveHeader,
} from "./header.js";
import { type OvnMetadata, ovnMetadata } from "./ovn.js";

/** The decoded Geneve header as a frame layer, with OVN's reading of it. */
export interface GeneveLayer extends DecodedGeneveHeader {
  /** Discriminant. */
  readonly type: "geneve";
  /** Header length in bytes (8 + options). */
  readonly headerLength: number;
  /** OVN metadata: datapath key (= VNI) and, with the OVN option, ingress/egress port keys. */
  readonly ovn: OvnMetadata;
}

/** The encapsulated frame (Geneve payload); its Ethernet header is decoded when the protocol type is 0x6558. */
export interface InnerLayer {
  /** Discriminant. */
  readonly type: "inner";
  /** Whole inner frame (zero-copy view). */
  readonly bytes: Uint8Array;
  /** The inner Ethernet header (for protocol type 0x6558). */
  readonly ethernet?: EthernetLayer;
  /** Bytes after the inner Ethernet header (zero-copy view). */
  readonly payload: Uint8Array;
}

/** Any layer of a decoded frame. */
export type FrameLayer = EthernetLayer | Ipv4Layer | Ipv6Layer | UdpLayer | GeneveLayer | InnerLayer;

/** A decoded Geneve frame, layer by layer. */
export interface DecodedGeneveFrame {
  /** Outer Ethernet header (absent for raw-IP link types). */
  readonly ethernet?: EthernetLayer;
  /** Outer IP header. */
  readonly ip: Ipv4Layer | Ipv6Layer;
  /** Outer UDP header. */
  readonly udp: UdpLayer;
  /** Geneve header. */
  readonly geneve: GeneveLayer;
  /** The encapsulated frame. */
  readonly inner: InnerLayer;
}

/** The layers of a decoded frame in wire order (for generic printing). */
export function frameLayers(frame: DecodedGeneveFrame): FrameLayer[] {
  const out: FrameLayer[] = [];
  if (frame.ethernet) out.push(frame.ethernet);
  out.push(frame.ip, frame.udp, frame.geneve, frame.inner);
  return out;
}

/** Everything needed to build one Geneve frame. */
export interface GeneveFrameSpec {
  /** Outer Ethernet header. @defaultValue src 02:00:00:00:00:01, dst 02:00:00:00:00:02, no VLAN */
  readonly ethernet?: EthernetSpec;
  /** Outer IP header. */
  readonly ip: Ipv4Spec | Ipv6Spec;
  /** Outer UDP header. */
  readonly udp?: {
    /**
     * Source port. RFC 8926 §3.3 recommends a hash of the inner headers for ECMP entropy.
     * @defaultValue 49152 + (FNV-1a of the inner frame's first 54 bytes mod 16384)
     */
    readonly srcPort?: number;
    /** Destination port. @defaultValue 6081 */
    readonly dstPort?: number;
    /** `"zero"` sends no checksum (IPv4 only; RFC 8926 §3.3 allows it). @defaultValue "compute" */
    readonly checksum?: "compute" | "zero";
  };
  /** Geneve header (protocol type defaults to 0x6558, Ethernet). */
  readonly geneve: GeneveHeader;
  /** The inner frame (an Ethernet frame for protocol type 0x6558). */
  readonly inner: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

/** A simple deterministic hash of the first `n` bytes (FNV-1a, 32 bits): default UDP source ports and IPv6 fragment ids. */
export function fnv1a(bytes: Uint8Array, n: number): number {
  let h = 0x811c9dc5;
  const end = Math.min(n, bytes.length);
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The default UDP source port for an inner frame: 49152..65535 from a hash of its first 54 bytes. */
export function defaultSourcePort(inner: Uint8Array): number {
  return 49152 + (fnv1a(inner, 54) % 16384);
}

function writeFrame(spec: GeneveFrameSpec, into: Uint8Array | undefined): Uint8Array {
  const eth = spec.ethernet ?? {};
  const dstMac = macBytes(eth.dst ?? "02:00:00:00:00:02", "ethernet.dst");
  const srcMac = macBytes(eth.src ?? "02:00:00:00:00:01", "ethernet.src");
  const vlans = eth.vlans ?? [];
  const ip = spec.ip;
  const v6 = ip.version === 6;
  if (ip.version !== 4 && ip.version !== 6) throw new EncodeError("ip", "version", `must be 4 or 6, got ${String((ip as { version: unknown }).version)}`);
  const srcIp = v6 ? ipv6Bytes(ip.src, "ip.src") : ipv4Bytes(ip.src, "ip.src");
  const dstIp = v6 ? ipv6Bytes(ip.dst, "ip.dst") : ipv4Bytes(ip.dst, "ip.dst");
  const udp = spec.udp ?? {};
  const checksumMode = udp.checksum ?? "compute";
  if (checksumMode !== "compute" && checksumMode !== "zero") throw new EncodeError("udp", "checksum", `must be "compute" or "zero"`);
  if (v6 && checksumMode === "zero") {
    throw new EncodeError("udp", "checksum", "a zero UDP checksum is not allowed over IPv6 (RFC 8200 §8.1)");
  }
  const srcPort = checkUint("udp", "srcPort", udp.srcPort ?? defaultSourcePort(spec.inner), 0xffff);
  const dstPort = checkUint("udp", "dstPort", udp.dstPort ?? GENEVE_UDP_PORT, 0xffff);

  const ipHeaderLength = v6 ? 40 : 20;
  const udpLength = 8 + encodedGeneveHeaderLength(spec.geneve) + spec.inner.length;
  if (udpLength > 0xffff) throw new EncodeError("udp", "length", `datagram of ${udpLength} bytes exceeds 65535`);
  if (!v6 && udpLength + 20 > 0xffff) throw new EncodeError("ipv4", "totalLength", `packet of ${udpLength + 20} bytes exceeds 65535`);
  const total = 14 + 4 * vlans.length + ipHeaderLength + udpLength;
  const w = into ? Writer.over("geneve-frame", into) : new Writer("geneve-frame", total);

  writeEthernet(w, dstMac, srcMac, vlans, v6 ? ETHER_TYPE.ipv6 : ETHER_TYPE.ipv4);
  const ipStart = writeIpHeader(w, ip, IP_PROTOCOL.udp, srcIp, dstIp);
  const udpStart = w.pos;
  w.u16(srcPort).u16(dstPort);
  w.u16(0); // length, patched
  w.u16(0); // checksum, patched
  writeGeneveHeader(w, spec.geneve);
  w.bytes(spec.inner);

  const len = w.pos - udpStart;
  w.patch16(udpStart + 4, len);
  const out = w.finish();
  patchIpHeader(w, out, ipStart, ip.version, len);
  if (checksumMode === "compute") {
    const c = finishChecksum(onesComplementSum(out, pseudoHeaderSum(srcIp, dstIp, IP_PROTOCOL.udp, len), udpStart, udpStart + len));
    w.patch16(udpStart + 6, c === 0 ? 0xffff : c); // a computed 0 is sent as all ones (RFC 768)
  }
  return out;
}

/**
 * Encodes a whole Geneve frame: Ethernet, IPv4 or IPv6, UDP, Geneve and the inner frame, with the IPv4
 * header checksum and the UDP checksum filled in (RFC 8926 §3.3: over IPv6 a zero checksum is not allowed
 * here). Length fields are reserved while writing and patched at the end.
 */
export function encodeGeneveFrame(spec: GeneveFrameSpec): Uint8Array {
  return writeFrame(spec, undefined);
}

/**
 * Like {@link encodeGeneveFrame} but writes into caller-provided memory (no allocation) and returns the
 * written prefix of `out` as a view; an `out` too small throws an {@link EncodeError}.
 */
export function encodeGeneveFrameInto(spec: GeneveFrameSpec, out: Uint8Array): Uint8Array {
  return writeFrame(spec, out);
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/** Options of {@link decodeGeneveFrame} and {@link decodePacket}. */
export interface DecodeFrameOptions {
  /** UDP destination port taken as Geneve. @defaultValue 6081 */
  readonly udpPort?: number;
  /** `"ethernet"` (pcap link type 1) or `"raw"` (link type 101, starts at the IP header). @defaultValue "ethernet" */
  readonly link?: "ethernet" | "raw";
  /** Absolute offset of `bytes[0]` for error messages. @defaultValue 0 */
  readonly base?: number;
  /** Most IPv6 extension headers followed; one more is a {@link DecodeError}. @defaultValue {@link MAX_IPV6_EXTENSION_HEADERS} */
  readonly maxExtensionHeaders?: number;
}

/** One fragment of a fragmented IPv4 (RFC 791 §2.3, §3.2) or IPv6 (RFC 8200 §4.5) packet. */
export interface FragmentInfo {
  /** Identification: 16 bits for IPv4, 32 bits for IPv6 (from the Fragment header). */
  readonly identification: number;
  /** Where `data` goes in the reassembled payload, in bytes (the fragment offset field × 8). */
  readonly offset: number;
  /** MF / M flag: more fragments follow. */
  readonly moreFragments: boolean;
  /** Upper-layer protocol of the whole packet (IPv4 Protocol, or the IPv6 Fragment header's Next Header). */
  readonly protocol: number;
  /** This fragment's part of the payload (zero-copy view). */
  readonly data: Uint8Array;
  /** Absolute byte offset of `data[0]` in the input. */
  readonly dataOffset: number;
}

/** A fragment decoded as far as its IP header: it cannot be decoded as Geneve until it is reassembled. */
export interface DecodedFragment {
  /** Outer Ethernet header (absent for raw-IP link types). */
  readonly ethernet?: EthernetLayer;
  /** The IP header (for IPv6 the extension headers up to and including the Fragment header). */
  readonly ip: Ipv4Layer | Ipv6Layer;
  /** Which part of which packet this is. */
  readonly fragment: FragmentInfo;
}

/** What {@link decodePacket} returns: a whole Geneve frame, or one fragment of a larger packet. */
export type DecodedPacket = DecodedGeneveFrame | DecodedFragment;

/** True when `p` is a fragment rather than a whole frame. */
export function isFragment(p: DecodedPacket): p is DecodedFragment {
  return (p as Partial<DecodedFragment>).fragment !== undefined;
}

/** A frame decoded through its IP header (see {@link decodeIp}). */
export interface DecodedIp {
  /** Outer Ethernet header (absent for raw-IP link types). */
  readonly ethernet?: EthernetLayer;
  /** The IP header, with IPv6 extension headers. */
  readonly ip: Ipv4Layer | Ipv6Layer;
  /** Byte offset of the IP header in the input (relative to `bytes[0]`). */
  readonly ipOffset: number;
  /** Upper-layer protocol: IPv4 Protocol, or the Next Header after the IPv6 extension headers. */
  readonly protocol: number;
  /** What follows the IP header and its extension headers, up to the IP length (zero-copy view). */
  readonly payload: Uint8Array;
  /** Set when the packet is a fragment (then `payload` is the fragment's data). */
  readonly fragment?: FragmentInfo;
}

/** What {@link decodeFrame} stops at: the whole Geneve frame (fragments throw), fragments too, or the IP layer. */
const enum Depth {
  Geneve,
  Packet,
  Ip,
}

/**
 * The one decoder behind {@link decodeGeneveFrame}, {@link decodePacket} and {@link decodeIp}: Ethernet (or
 * raw IP), IPv4 or IPv6 with its extension headers, then (unless `depth` is `Ip`, or the packet is a
 * fragment) UDP, Geneve and the inner frame. A single function, so the common path allocates nothing but
 * the layers it returns.
 */
function decodeFrame(bytes: Uint8Array, options: DecodeFrameOptions, depth: Depth): DecodedGeneveFrame | DecodedFragment | DecodedIp {
  const r = new Reader(bytes, "ethernet", options.base ?? 0);
  let ethernet: EthernetLayer | undefined;
  let etherType: number;
  if ((options.link ?? "ethernet") === "ethernet") {
    ethernet = readEthernet(r);
    etherType = ethernet.etherType;
  } else {
    etherType = bytes.length > 0 && bytes[0]! >>> 4 === 6 ? ETHER_TYPE.ipv6 : ETHER_TYPE.ipv4;
  }

  let h: IpHeader;
  if (etherType === ETHER_TYPE.ipv4) h = readIpv4(r);
  else if (etherType === ETHER_TYPE.ipv6) {
    h = readIpv6(r, options.maxExtensionHeaders ?? MAX_IPV6_EXTENSION_HEADERS);
    if (h.protocol === IP_PROTOCOL.ipv6NoNextHeader && !h.ipv6Fragment) r.fail("next header 59 (no next header): nothing follows", h.protocolAt);
  } else throw new DecodeError("ethernet", r.base + (ethernet ? r.pos - 2 : 0), `ethertype 0x${etherType.toString(16).padStart(4, "0")} is not IPv4 or IPv6`);
  const { ip, protocol, protocolAt } = h;
  let fragment: FragmentInfo | undefined;
  let fragmentAt = 0;
  if (ip.type === "ipv4") {
    if (ip.moreFragments || ip.fragmentOffset !== 0) {
      fragment = { identification: ip.identification, offset: ip.fragmentOffset * 8, moreFragments: ip.moreFragments, protocol, data: bytes.subarray(r.pos, r.end), dataOffset: r.base + r.pos };
      fragmentAt = h.protocolAt - 3;
    }
  } else if (h.ipv6Fragment) {
    const f = h.ipv6Fragment;
    fragment = { identification: f.identification, offset: f.fragmentOffset, moreFragments: f.moreFragments, protocol: f.nextHeader, data: bytes.subarray(r.pos, r.end), dataOffset: r.base + r.pos };
    fragmentAt = f.offset - r.base + 2;
  }

  if (fragment && depth === Depth.Geneve) {
    r.fail(
      `fragment (id ${fragment.identification}, offset ${fragment.offset}${fragment.moreFragments ? ", more fragments" : ", last"}) of a larger packet: reassemble it first (Reassembler) or use decodePacket`,
      fragmentAt,
    );
  }
  if (depth === Depth.Ip) {
    const ipOffset = ethernet ? 14 + 4 * ethernet.vlans.length : 0;
    const payload = bytes.subarray(r.pos, r.end);
    const out: { ethernet?: EthernetLayer; ip: Ipv4Layer | Ipv6Layer; ipOffset: number; protocol: number; payload: Uint8Array; fragment?: FragmentInfo } = { ip, ipOffset, protocol, payload };
    if (ethernet) out.ethernet = ethernet;
    if (fragment) out.fragment = fragment;
    return out;
  }
  if (fragment) return ethernet ? { ethernet, ip, fragment } : { ip, fragment };
  if (protocol !== IP_PROTOCOL.udp) r.fail(ip.type === "ipv4" ? `protocol ${protocol} is not UDP` : `next header ${protocol} is not UDP`, protocolAt);
  const udpPort = options.udpPort ?? GENEVE_UDP_PORT;
  const udpStart = r.pos;
  const udp: UdpLayer = readUdp(r, h);
  if (udp.dstPort !== udpPort) r.fail(`destination port ${udp.dstPort} is not Geneve (${udpPort})`, udpStart + 2);

  r.protocol = "geneve";
  const genevStart = r.pos;
  const header = readGeneveHeader(r);
  const geneve: GeneveLayer = {
    type: "geneve",
    version: header.version,
    oam: header.oam,
    critical: header.critical,
    reserved1: header.reserved1,
    protocolType: header.protocolType,
    vni: header.vni,
    reserved2: header.reserved2,
    options: header.options,
    optionsLength: header.optionsLength,
    headerLength: r.pos - genevStart,
    ovn: ovnMetadata(header),
  };
  const innerStart = r.pos;
  const innerBytes = r.rest();
  let inner: InnerLayer;
  if (header.protocolType === GENEVE_PROTOCOL.transparentEthernetBridging) {
    r.pos = innerStart;
    r.protocol = "inner-ethernet";
    const innerEth = readEthernet(r);
    inner = { type: "inner", bytes: innerBytes, ethernet: innerEth, payload: r.rest() };
  } else {
    inner = { type: "inner", bytes: innerBytes, payload: innerBytes };
  }
  return ethernet ? { ethernet, ip, udp, geneve, inner } : { ip, udp, geneve, inner };
}

/**
 * Decodes a frame through its IP header only — Ethernet with VLAN tags (or raw IP), IPv4 or IPv6 with its
 * extension headers — whatever the upper-layer protocol; fragments are reported in `fragment`. Throws
 * {@link DecodeError} for malformed input as {@link decodeGeneveFrame} does. Used by `Reassembler` and
 * `fragmentFrame`.
 */
export function decodeIp(bytes: Uint8Array, options: DecodeFrameOptions = {}): DecodedIp {
  return decodeFrame(bytes, options, Depth.Ip) as DecodedIp;
}

/**
 * Decodes a whole Geneve frame layer by layer and verifies checksums (reported, not thrown). IPv6
 * extension headers (Hop-by-Hop, Routing, Destination Options, atomic Fragment headers, AH) are followed
 * to the UDP header. Throws {@link DecodeError} (with protocol and absolute offset) for anything truncated,
 * inconsistent or not Geneve: other EtherTypes, IP protocols or UDP ports, bad lengths, hostile extension
 * header chains, and fragments (decode those with {@link decodePacket}, or reassemble them with
 * `Reassembler` first).
 *
 * One bounded {@link Reader} walks the frame; each length field narrows it to its part.
 */
export function decodeGeneveFrame(bytes: Uint8Array, options: DecodeFrameOptions = {}): DecodedGeneveFrame {
  return decodeFrame(bytes, options, Depth.Geneve) as DecodedGeneveFrame;
}

/**
 * Like {@link decodeGeneveFrame}, but a fragment (IPv4 MF or fragment offset set, or an IPv6 Fragment
 * header that is not atomic) is returned as a {@link DecodedFragment} (its IP header, identification,
 * offset, more-fragments flag and data) instead of failing. Use {@link isFragment} to tell the two apart.
 */
export function decodePacket(bytes: Uint8Array, options: DecodeFrameOptions = {}): DecodedPacket {
  return decodeFrame(bytes, options, Depth.Packet) as DecodedPacket;
}
