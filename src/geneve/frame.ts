/**
 * Full Geneve frames: outer Ethernet (IEEE 802.3, with IEEE 802.1Q/802.1ad VLAN tags), IPv4 (RFC 791) or
 * IPv6 (RFC 8200), UDP (RFC 768) to port 6081 (RFC 8926 §3.3), the Geneve header (RFC 8926 §3.4) and the
 * inner Ethernet frame. Checksums: IPv4 header checksum (RFC 791 §3.1, RFC 1071), UDP checksum over the
 * pseudo-header (RFC 768; RFC 8200 §8.1 for IPv6, where it is mandatory).
 *
 * Addresses are parsed and printed with the `ip-address` package (IPv4 dotted quad, IPv6 RFC 5952 form).
 *
 * @module
 */
import { Address4, Address6 } from "ip-address";
import { DecodeError, EncodeError, Reader, Writer } from "../bytes/index.js";
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

/** EtherType values used here (IEEE 802 numbers; IANA "IEEE 802 Numbers"). */
export const ETHER_TYPE = {
  /** Internet Protocol version 4. */
  ipv4: 0x0800,
  /** Address Resolution Protocol. */
  arp: 0x0806,
  /** IEEE 802.1Q customer VLAN tag (C-tag). */
  vlan: 0x8100,
  /** IEEE 802.1ad service VLAN tag (S-tag, "QinQ"). */
  qinq: 0x88a8,
  /** Pre-standard QinQ tag some switches use. */
  qinqLegacy: 0x9100,
  /** Internet Protocol version 6. */
  ipv6: 0x86dd,
  /** Transparent Ethernet Bridging (the Geneve protocol type for Ethernet payloads). */
  transparentEthernetBridging: 0x6558,
} as const;

/** IP protocol numbers used here (IANA "Assigned Internet Protocol Numbers"). */
export const IP_PROTOCOL = {
  /** IPv6 Hop-by-Hop Options header (RFC 8200 §4.3). */
  hopByHop: 0,
  /** User Datagram Protocol (RFC 768). */
  udp: 17,
  /** IPv6 Routing header (RFC 8200 §4.4). */
  ipv6Routing: 43,
  /** IPv6 Fragment header (RFC 8200 §4.5). */
  ipv6Fragment: 44,
  /** Encapsulating Security Payload (RFC 4303): encrypted, cannot be followed. */
  esp: 50,
  /** Authentication Header (RFC 4302 §2). */
  authentication: 51,
  /** IPv6 "No Next Header" (RFC 8200 §4.7). */
  ipv6NoNextHeader: 59,
  /** IPv6 Destination Options header (RFC 8200 §4.6). */
  ipv6DestinationOptions: 60,
} as const;

/**
 * Most IPv6 extension headers the decoder follows before the upper-layer header (guards against long or
 * repeated chains in hostile input; RFC 8200 §4.1 allows each header once, Destination Options twice).
 */
export const MAX_IPV6_EXTENSION_HEADERS = 8;

/** Most VLAN tags the decoder follows before giving up (guards against tag loops in hostile input). */
export const MAX_VLAN_TAGS = 8;

/** One VLAN tag (IEEE 802.1Q §9.6: TPID, then PCP 3 bits, DEI 1 bit, VID 12 bits). */
export interface VlanTag {
  /** Tag protocol identifier. @defaultValue 0x8100 */
  readonly tpid?: number;
  /** Priority code point (0..7). @defaultValue 0 */
  readonly pcp?: number;
  /** Drop eligible indicator. @defaultValue false */
  readonly dei?: boolean;
  /** VLAN identifier (0..4095). */
  readonly vid: number;
}

/** A decoded VLAN tag: every field present. */
export interface DecodedVlanTag extends VlanTag {
  readonly tpid: number;
  readonly pcp: number;
  readonly dei: boolean;
}

/** A decoded Ethernet header (IEEE 802.3 §3.1 with 802.1Q tags). */
export interface EthernetLayer {
  /** Discriminant. */
  readonly type: "ethernet";
  /** Destination MAC, `aa:bb:cc:dd:ee:ff`. */
  readonly dst: string;
  /** Source MAC. */
  readonly src: string;
  /** VLAN tags, outermost first. */
  readonly vlans: readonly DecodedVlanTag[];
  /** The EtherType after the tags. */
  readonly etherType: number;
}

/** A decoded IPv4 header (RFC 791 §3.1). */
export interface Ipv4Layer {
  /** Discriminant. */
  readonly type: "ipv4";
  /** Header length in bytes (IHL × 4). */
  readonly headerLength: number;
  /** Type of service / DSCP+ECN byte. */
  readonly tos: number;
  /** Total length. */
  readonly totalLength: number;
  /** Identification. */
  readonly identification: number;
  /** DF flag. */
  readonly dontFragment: boolean;
  /** MF flag. */
  readonly moreFragments: boolean;
  /** Fragment offset (8-byte units). */
  readonly fragmentOffset: number;
  /** Time to live. */
  readonly ttl: number;
  /** Protocol (17 = UDP). */
  readonly protocol: number;
  /** Header checksum as on the wire. */
  readonly checksum: number;
  /** True when the header checksum verifies (RFC 1071). */
  readonly checksumValid: boolean;
  /** Source address. */
  readonly src: string;
  /** Destination address. */
  readonly dst: string;
  /** IP options (zero-copy view; empty when IHL = 5). */
  readonly options: Uint8Array;
}

/** What every decoded IPv6 extension header carries. */
interface Ipv6ExtensionHeaderBase {
  /** Its protocol number (the Next Header value that announced it; see {@link IP_PROTOCOL}). */
  readonly protocol: number;
  /** The Next Header field: what follows this header. */
  readonly nextHeader: number;
  /** Absolute byte offset of the header in the input. */
  readonly offset: number;
  /** Header length in bytes. */
  readonly length: number;
  /** The whole header (zero-copy view). */
  readonly bytes: Uint8Array;
}

/** A Hop-by-Hop Options (RFC 8200 §4.3) or Destination Options (§4.6) header; its options are kept as bytes. */
export interface Ipv6OptionsHeader extends Ipv6ExtensionHeaderBase {
  /** Discriminant. */
  readonly type: "hop-by-hop" | "destination-options";
}

/** A Routing header (RFC 8200 §4.4). */
export interface Ipv6RoutingHeader extends Ipv6ExtensionHeaderBase {
  /** Discriminant. */
  readonly type: "routing";
  /** Routing Type (0 deprecated by RFC 5095, 2 Mobile IPv6, 3 RPL, 4 Segment Routing). */
  readonly routingType: number;
  /** Segments Left. */
  readonly segmentsLeft: number;
}

/** A Fragment header (RFC 8200 §4.5). */
export interface Ipv6FragmentHeader extends Ipv6ExtensionHeaderBase {
  /** Discriminant. */
  readonly type: "fragment";
  /** Fragment Offset in bytes (the 13-bit field × 8). */
  readonly fragmentOffset: number;
  /** M flag: more fragments follow. */
  readonly moreFragments: boolean;
  /** Identification (32 bits). */
  readonly identification: number;
}

/** An Authentication Header (RFC 4302 §2), followed by its length only (its contents are opaque here). */
export interface Ipv6AuthenticationHeader extends Ipv6ExtensionHeaderBase {
  /** Discriminant. */
  readonly type: "authentication";
}

/** Any IPv6 extension header the decoder follows. */
export type Ipv6ExtensionHeader = Ipv6OptionsHeader | Ipv6RoutingHeader | Ipv6FragmentHeader | Ipv6AuthenticationHeader;

/** A decoded IPv6 header (RFC 8200 §3) with the extension headers between it and the upper-layer header. */
export interface Ipv6Layer {
  /** Discriminant. */
  readonly type: "ipv6";
  /** Traffic class. */
  readonly trafficClass: number;
  /** Flow label (20 bits). */
  readonly flowLabel: number;
  /** Payload length. */
  readonly payloadLength: number;
  /** Next header of the fixed header (17 = UDP; 0, 43, 44, 51, 60 start an extension header chain). */
  readonly nextHeader: number;
  /** Hop limit. */
  readonly hopLimit: number;
  /** Source address (RFC 5952 form). */
  readonly src: string;
  /** Destination address. */
  readonly dst: string;
  /**
   * Extension headers in wire order (empty when the next header is UDP). For a fragment the chain stops at
   * the Fragment header: what follows it belongs to the fragmentable part.
   */
  readonly extensionHeaders: readonly Ipv6ExtensionHeader[];
}

/** Whether a UDP checksum was absent (0, allowed over IPv4 only), verified, or wrong. */
export type UdpChecksumStatus = "absent" | "valid" | "invalid";

/** A decoded UDP header (RFC 768). */
export interface UdpLayer {
  /** Discriminant. */
  readonly type: "udp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port (6081 for Geneve). */
  readonly dstPort: number;
  /** Length (header + data). */
  readonly length: number;
  /** Checksum as on the wire. */
  readonly checksum: number;
  /** Checksum verdict; `"absent"` over IPv6 is a protocol violation (RFC 8200 §8.1) but is reported, not thrown. */
  readonly checksumStatus: UdpChecksumStatus;
}

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

/** Outer IPv4 header settings (RFC 791 §3.1). */
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

/** Outer IPv6 header settings (RFC 8200 §3). */
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

/** Outer Ethernet header settings (IEEE 802.3, 802.1Q tags). */
export interface EthernetSpec {
  /** Source MAC. @defaultValue "02:00:00:00:00:01" */
  readonly src?: string;
  /** Destination MAC. @defaultValue "02:00:00:00:00:02" */
  readonly dst?: string;
  /** VLAN tags, outermost first. @defaultValue [] */
  readonly vlans?: readonly VlanTag[];
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
// Checksums (RFC 1071)

/**
 * One's-complement sum of `bytes[from..to)` as 16-bit big-endian words (odd tail padded with 0), added to
 * `sum` (RFC 1071 §4.1).
 */
export function onesComplementSum(bytes: Uint8Array, sum = 0, from = 0, to = bytes.length): number {
  const n = to;
  let i = from;
  let s = sum;
  while (i + 1 < n) {
    // fold every 32 KiB of words so the running sum stays far below 2^53
    const end = Math.min(n - 1, i + 65536);
    for (; i < end; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
    s = (s % 0x10000) + Math.floor(s / 0x10000);
  }
  if (i < n) s += bytes[i]! << 8;
  return s;
}

/** Folds a one's-complement sum to 16 bits and complements it: the Internet checksum (RFC 1071 §4.1). */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The Internet checksum of `bytes` (RFC 1071). */
export function internetChecksum(bytes: Uint8Array): number {
  return finishChecksum(onesComplementSum(bytes));
}

/** Sum of the UDP pseudo-header (RFC 768 for IPv4, RFC 8200 §8.1 for IPv6) given raw 4/16-byte addresses. */
function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, udpLength: number): number {
  let s = onesComplementSum(src);
  s = onesComplementSum(dst, s);
  // IPv4: zero, protocol, UDP length; IPv6: 32-bit length, 3 zero bytes, next header — same sum here
  return s + IP_PROTOCOL.udp + udpLength;
}

/**
 * The UDP checksum of `segment` (header with checksum field zero + data) for the given raw addresses;
 * a computed 0 is sent as 0xFFFF (RFC 768).
 */
export function udpChecksum(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): number {
  const c = finishChecksum(onesComplementSum(segment, pseudoHeaderSum(src, dst, segment.length)));
  return c === 0 ? 0xffff : c;
}

// ---------------------------------------------------------------------------------------------------------
// Addresses

/**
 * Small bounded memo for address conversions: tunnel traffic has few distinct endpoints, and `ip-address`
 * parsing/printing (regular expressions, BigInt) costs far more than the rest of a frame.
 */
class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(key, v);
    }
    return v;
  }
}
const parsed4 = new Memo<Uint8Array>(256);
const parsed6 = new Memo<Uint8Array>(256);
const printed4 = new Memo<string>(256);
const printed6 = new Memo<string>(256);
const parsedMac = new Memo<Uint8Array>(256);

/** Memoized MAC parse; the result is shared, never hand it out. */
function macBytes(mac: string, field: string): Uint8Array {
  return parsedMac.get(mac, () => {
    const parts = mac.split(/[:-]/);
    if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
      throw new EncodeError("ethernet", field, `invalid MAC address '${mac}'`);
    }
    return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  });
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Formats the 6 bytes at `at` as `aa:bb:cc:dd:ee:ff`. */
export function formatMac(b: Uint8Array, at = 0): string {
  return `${HEX[b[at]!]}:${HEX[b[at + 1]!]}:${HEX[b[at + 2]!]}:${HEX[b[at + 3]!]}:${HEX[b[at + 4]!]}:${HEX[b[at + 5]!]}`;
}


/** Memoized IPv4 parse via `ip-address`; the result is shared, never hand it out. */
function ipv4Bytes(text: string, field: string): Uint8Array {
  return parsed4.get(text, () => {
    let a: Address4;
    try {
      a = new Address4(text);
    } catch {
      throw new EncodeError("ipv4", field, `invalid IPv4 address '${text}'`);
    }
    if (a.subnetMask !== 32 || text.includes("/")) throw new EncodeError("ipv4", field, `expected an address, not a prefix: '${text}'`);
    return Uint8Array.from(a.toArray());
  });
}

/** Memoized IPv6 parse via `ip-address`; the result is shared, never hand it out. */
function ipv6Bytes(text: string, field: string): Uint8Array {
  return parsed6.get(text, () => {
    let a: Address6;
    try {
      a = new Address6(text);
    } catch {
      throw new EncodeError("ipv6", field, `invalid IPv6 address '${text}'`);
    }
    if (a.subnetMask !== 128 || text.includes("/")) throw new EncodeError("ipv6", field, `expected an address, not a prefix: '${text}'`);
    let v = a.bigInt();
    const out = new Uint8Array(16);
    for (let i = 15; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  });
}

function keyOf(b: Uint8Array, at: number, n: number): string {
  let k = "";
  for (let i = at; i < at + n; i++) k += HEX[b[i]!];
  return k;
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-` separators) to 6 new bytes; throws {@link EncodeError}. */
export function parseMac(mac: string, field = "mac"): Uint8Array {
  return macBytes(mac, field).slice();
}

/** Parses an IPv4 address (no prefix) to 4 new bytes with `ip-address`; throws {@link EncodeError}. */
export function parseIpv4(text: string, field = "address"): Uint8Array {
  return ipv4Bytes(text, field).slice();
}

/** Parses an IPv6 address (no prefix) to 16 new bytes with `ip-address`; throws {@link EncodeError}. */
export function parseIpv6(text: string, field = "address"): Uint8Array {
  return ipv6Bytes(text, field).slice();
}

/** Formats the 4 bytes at `at` as a dotted quad (via `ip-address`). */
export function formatIpv4(b: Uint8Array, at = 0): string {
  return printed4.get(keyOf(b, at, 4), () => Address4.fromByteArray(Array.from(b.subarray(at, at + 4))).correctForm());
}

/** Formats the 16 bytes at `at` in RFC 5952 form (via `ip-address`). */
export function formatIpv6(b: Uint8Array, at = 0): string {
  return printed6.get(keyOf(b, at, 16), () => Address6.fromUnsignedByteArray(Array.from(b.subarray(at, at + 16))).correctForm());
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

/** Checks that `v` is an integer in 0..`max`; `field` may be a thunk so hot paths build no strings. */
function checkUint(protocol: string, field: string | (() => string), v: unknown, max: number): number {
  if (typeof v === "number" && v >= 0 && v <= max && Math.floor(v) === v) return v;
  throw new EncodeError(protocol, typeof field === "string" ? field : field(), `must be an integer 0..${max}, got ${String(v)}`);
}

/** Writes an Ethernet header with VLAN tags (IEEE 802.3 / 802.1Q) ending in `etherType`. */
export function writeEthernet(
  w: Writer,
  dst: Uint8Array,
  src: Uint8Array,
  vlans: readonly VlanTag[],
  etherType: number,
): void {
  w.bytes(dst).bytes(src);
  vlans.forEach((t, i) => {
    const tpid = checkUint("ethernet", () => `vlans[${i}].tpid`, t.tpid ?? ETHER_TYPE.vlan, 0xffff);
    const pcp = checkUint("ethernet", () => `vlans[${i}].pcp`, t.pcp ?? 0, 0x7);
    const vid = checkUint("ethernet", () => `vlans[${i}].vid`, t.vid, 0xfff);
    w.u16(tpid).u16((pcp << 13) | (t.dei ? 0x1000 : 0) | vid);
  });
  w.u16(etherType);
}

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
  const ipStart = w.pos;
  if (!v6) {
    const tos = checkUint("ipv4", "tos", ip.tos ?? 0, 0xff);
    const ttl = checkUint("ipv4", "ttl", ip.ttl ?? 64, 0xff);
    const id = checkUint("ipv4", "identification", ip.identification ?? 0, 0xffff);
    w.u8(0x45).u8(tos);
    w.u16(0); // total length, patched
    w.u16(id).u16((ip.dontFragment ?? true) ? 0x4000 : 0);
    w.u8(ttl).u8(IP_PROTOCOL.udp);
    w.u16(0); // header checksum, patched
    w.bytes(srcIp).bytes(dstIp);
  } else {
    const tc = checkUint("ipv6", "trafficClass", ip.trafficClass ?? 0, 0xff);
    const fl = checkUint("ipv6", "flowLabel", ip.flowLabel ?? 0, 0xfffff);
    const hl = checkUint("ipv6", "hopLimit", ip.hopLimit ?? 64, 0xff);
    w.u32(((6 << 28) | (tc << 20) | fl) >>> 0);
    w.u16(0); // payload length, patched
    w.u8(IP_PROTOCOL.udp).u8(hl);
    w.bytes(srcIp).bytes(dstIp);
  }
  const udpStart = w.pos;
  w.u16(srcPort).u16(dstPort);
  w.u16(0); // length, patched
  w.u16(0); // checksum, patched
  writeGeneveHeader(w, spec.geneve);
  w.bytes(spec.inner);

  const len = w.pos - udpStart;
  w.patch16(udpStart + 4, len);
  if (!v6) {
    w.patch16(ipStart + 2, len + 20);
  } else {
    w.patch16(ipStart + 4, len);
  }
  const out = w.finish();
  if (!v6) w.patch16(ipStart + 10, finishChecksum(onesComplementSum(out, 0, ipStart, ipStart + 20)));
  if (checksumMode === "compute") {
    const c = finishChecksum(onesComplementSum(out, pseudoHeaderSum(srcIp, dstIp, len), udpStart, udpStart + len));
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

/** Reads an Ethernet header with VLAN tags (at most {@link MAX_VLAN_TAGS}) at the reader's position. */
export function readEthernet(r: Reader): EthernetLayer {
  r.need(14, "ethernet header");
  const dst = formatMac(r.bytes, r.pos);
  const src = formatMac(r.bytes, r.pos + 6);
  r.pos += 12;
  let etherType = r.u16("ethertype");
  const vlans: DecodedVlanTag[] = [];
  while (etherType === ETHER_TYPE.vlan || etherType === ETHER_TYPE.qinq || etherType === ETHER_TYPE.qinqLegacy) {
    if (vlans.length >= MAX_VLAN_TAGS) r.fail(`more than ${MAX_VLAN_TAGS} VLAN tags`, r.pos - 2);
    const tci = r.u16("vlan tag");
    vlans.push({ tpid: etherType, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff });
    etherType = r.u16("ethertype");
  }
  return { type: "ethernet", dst, src, vlans, etherType };
}

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

const NO_EXTENSIONS: readonly Ipv6ExtensionHeader[] = Object.freeze([]);

/** The type name of an IPv6 extension header protocol number, or undefined for an upper-layer protocol. */
function extensionType(protocol: number): Ipv6ExtensionHeader["type"] | undefined {
  switch (protocol) {
    case IP_PROTOCOL.hopByHop:
      return "hop-by-hop";
    case IP_PROTOCOL.ipv6Routing:
      return "routing";
    case IP_PROTOCOL.ipv6Fragment:
      return "fragment";
    case IP_PROTOCOL.authentication:
      return "authentication";
    case IP_PROTOCOL.ipv6DestinationOptions:
      return "destination-options";
    default:
      return undefined;
  }
}

interface Ipv6Chain {
  headers: Ipv6ExtensionHeader[];
  upper: number;
  upperAt: number;
  dstAt: number;
  fragment: Ipv6FragmentHeader | undefined;
}

/**
 * Follows the IPv6 extension header chain (RFC 8200 §4) from `first` (read at `firstAt`) within the
 * reader's bounds (the payload). Every length is bounds-checked; Hop-by-Hop must come first (§4.3); each
 * header may occur once, Destination Options twice (§4.1); at most `max` headers. Stops at the first
 * upper-layer protocol, or at the Fragment header of a real fragment (not an atomic one, RFC 6946).
 */
function readIpv6Chain(r: Reader, first: number, firstAt: number, dstAt: number, max: number): Ipv6Chain {
  const bytes = r.bytes;
  const headers: Ipv6ExtensionHeader[] = [];
  let next = first;
  let nextAt = firstAt;
  let seen = 0;
  let destinationOptions = 0;
  let finalDst = dstAt;
  for (;;) {
    if (next === IP_PROTOCOL.esp) r.fail("next header 50 (ESP) is encrypted and cannot be followed", nextAt);
    if (next === IP_PROTOCOL.ipv6NoNextHeader) r.fail("next header 59 (no next header): nothing follows", nextAt);
    const type = extensionType(next);
    if (type === undefined) return { headers, upper: next, upperAt: nextAt, dstAt: finalDst, fragment: undefined };
    const at = r.pos;
    if (headers.length >= max) r.fail(`more than ${max} IPv6 extension headers`, at);
    if (next === IP_PROTOCOL.hopByHop && headers.length > 0) r.fail("hop-by-hop options header not first after the IPv6 header (RFC 8200 §4.3)", nextAt);
    if (next === IP_PROTOCOL.ipv6DestinationOptions) {
      if (++destinationOptions > 2) r.fail("more than two destination options headers (RFC 8200 §4.1)", at);
    } else {
      const bit = 1 << (next & 31);
      if (seen & bit) r.fail(`repeated ${type} header (RFC 8200 §4.1)`, at);
      seen |= bit;
    }
    r.need(next === IP_PROTOCOL.ipv6Fragment ? 8 : 2, `${type} header`);
    const lengthField = bytes[at + 1]!;
    const length = next === IP_PROTOCOL.ipv6Fragment ? 8 : next === IP_PROTOCOL.authentication ? (lengthField + 2) * 4 : (lengthField + 1) * 8;
    if (length > r.remaining) r.fail(`${type} header length ${length} overruns the payload (${r.remaining} byte(s) left)`, at + 1);
    const hb = r.take(length, `${type} header`);
    const nextHeader = hb[0]!;
    const offset = r.base + at;
    let h: Ipv6ExtensionHeader;
    if (type === "fragment") {
      const fo = (hb[2]! << 8) | hb[3]!;
      const frag: Ipv6FragmentHeader = { type, protocol: next, nextHeader, offset, length, bytes: hb, fragmentOffset: fo & 0xfff8, moreFragments: (fo & 1) !== 0, identification: r.view.getUint32(at + 4) };
      if (frag.fragmentOffset !== 0 || frag.moreFragments) {
        headers.push(frag);
        return { headers, upper: nextHeader, upperAt: at, dstAt: finalDst, fragment: frag };
      }
      h = frag; // atomic (RFC 6946): follow it like any other header
    } else if (type === "routing") {
      const segmentsLeft = hb[3]!;
      const routingType = hb[2]!;
      h = { type, protocol: next, nextHeader, offset, length, bytes: hb, routingType, segmentsLeft };
      // the UDP pseudo-header uses the final destination (RFC 8200 §8.1): the last address of a type 0
      // header, the home address of type 2, Segment List[0] of a Segment Routing header (type 4, RFC 8754)
      if (segmentsLeft > 0 && length >= 24) {
        if (routingType === 0) finalDst = at + 8 + 16 * (Math.floor((length - 8) / 16) - 1);
        else if (routingType === 2 || routingType === 4) finalDst = at + 8;
      }
    } else {
      h = { type, protocol: next, nextHeader, offset, length, bytes: hb };
    }
    headers.push(h);
    nextAt = at;
    next = nextHeader;
  }
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

  let ip: Ipv4Layer | Ipv6Layer;
  let protocol: number;
  let protocolAt: number;
  let srcAt: number;
  let dstAt: number;
  let addrLen: number;
  let fragment: FragmentInfo | undefined;
  let fragmentAt = 0;
  if (etherType === ETHER_TYPE.ipv4) {
    r.protocol = "ipv4";
    const start = r.pos;
    r.need(20, "ipv4 header");
    const vihl = r.u8("ipv4 header");
    if (vihl >>> 4 !== 4) r.fail(`version ${vihl >>> 4} is not 4`, start);
    const headerLength = (vihl & 0x0f) * 4;
    if (headerLength < 20) r.fail(`header length ${headerLength} is below 20`, start);
    const tos = r.u8("tos");
    const totalLength = r.u16("total length");
    const identification = r.u16("identification");
    const ff = r.u16("flags");
    const ttl = r.u8("ttl");
    const ipProtocol = r.u8("protocol");
    const checksum = r.u16("checksum");
    srcAt = r.pos;
    r.pos += 8;
    const opts = r.take(headerLength - 20, "ipv4 options");
    if (totalLength < headerLength) r.fail(`total length ${totalLength} is below header length ${headerLength}`, start + 2);
    if (totalLength > r.end - start) r.fail(`total length ${totalLength} overruns the packet (${r.end - start} byte(s))`, start + 2);
    ip = {
      type: "ipv4",
      headerLength,
      tos,
      totalLength,
      identification,
      dontFragment: (ff & 0x4000) !== 0,
      moreFragments: (ff & 0x2000) !== 0,
      fragmentOffset: ff & 0x1fff,
      ttl,
      protocol: ipProtocol,
      checksum,
      checksumValid: finishChecksum(onesComplementSum(bytes, 0, start, start + headerLength)) === 0,
      src: formatIpv4(bytes, srcAt),
      dst: formatIpv4(bytes, srcAt + 4),
      options: opts,
    };
    r.end = start + totalLength; // Ethernet padding after the packet is not ours
    if ((ff & 0x3fff) !== 0) {
      fragment = { identification, offset: (ff & 0x1fff) * 8, moreFragments: (ff & 0x2000) !== 0, protocol: ipProtocol, data: bytes.subarray(r.pos, r.end), dataOffset: r.base + r.pos };
      fragmentAt = start + 6;
    }
    protocol = ipProtocol;
    protocolAt = start + 9;
    dstAt = srcAt + 4;
    addrLen = 4;
  } else if (etherType === ETHER_TYPE.ipv6) {
    r.protocol = "ipv6";
    const start = r.pos;
    r.need(40, "ipv6 header");
    const w0 = r.u32("ipv6 header");
    if (w0 >>> 28 !== 6) r.fail(`version ${w0 >>> 28} is not 6`, start);
    const payloadLength = r.u16("payload length");
    const nextHeader = r.u8("next header");
    const hopLimit = r.u8("hop limit");
    srcAt = r.pos;
    r.pos += 32;
    if (payloadLength > r.remaining) r.fail(`payload length ${payloadLength} overruns the packet (${r.remaining} byte(s))`, start + 4);
    r.end = r.pos + payloadLength;
    let chain: Ipv6Chain | undefined;
    if (nextHeader !== IP_PROTOCOL.udp) chain = readIpv6Chain(r, nextHeader, start + 6, srcAt + 16, options.maxExtensionHeaders ?? MAX_IPV6_EXTENSION_HEADERS);
    ip = {
      type: "ipv6",
      trafficClass: (w0 >>> 20) & 0xff,
      flowLabel: w0 & 0xfffff,
      payloadLength,
      nextHeader,
      hopLimit,
      src: formatIpv6(bytes, srcAt),
      dst: formatIpv6(bytes, srcAt + 16),
      extensionHeaders: chain ? chain.headers : NO_EXTENSIONS,
    };
    addrLen = 16;
    if (!chain) {
      protocol = nextHeader;
      protocolAt = start + 6;
      dstAt = srcAt + 16;
    } else {
      protocol = chain.upper;
      protocolAt = chain.upperAt;
      dstAt = chain.dstAt;
      const f = chain.fragment;
      if (f) {
        fragment = { identification: f.identification, offset: f.fragmentOffset, moreFragments: f.moreFragments, protocol: f.nextHeader, data: bytes.subarray(r.pos, r.end), dataOffset: r.base + r.pos };
        fragmentAt = f.offset - r.base + 2;
      }
    }
  } else {
    throw new DecodeError("ethernet", r.base + (ethernet ? r.pos - 2 : 0), `ethertype 0x${etherType.toString(16).padStart(4, "0")} is not IPv4 or IPv6`);
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
  r.protocol = "udp";
  const udpStart = r.pos;
  r.need(8, "udp header");
  const srcPort = r.u16("source port");
  const dstPort = r.u16("destination port");
  const length = r.u16("length");
  const checksum = r.u16("checksum");
  if (length < 8) r.fail(`length ${length} is below 8`, udpStart + 4);
  if (length > r.end - udpStart) r.fail(`length ${length} overruns the IP payload (${r.end - udpStart} byte(s))`, udpStart + 4);
  if (dstPort !== udpPort) r.fail(`destination port ${dstPort} is not Geneve (${udpPort})`, udpStart + 2);
  r.end = udpStart + length;
  let checksumStatus: UdpChecksumStatus;
  if (checksum === 0) {
    checksumStatus = "absent";
  } else {
    // pseudo-header: source and (final) destination address, protocol, UDP length
    let sum: number;
    if (dstAt === srcAt + addrLen) {
      sum = onesComplementSum(bytes, IP_PROTOCOL.udp + length, srcAt, dstAt + addrLen);
    } else {
      sum = onesComplementSum(bytes, onesComplementSum(bytes, IP_PROTOCOL.udp + length, srcAt, srcAt + addrLen), dstAt, dstAt + addrLen);
    }
    sum = onesComplementSum(bytes, sum, udpStart, r.end);
    checksumStatus = finishChecksum(sum) === 0 ? "valid" : "invalid";
  }
  const udp: UdpLayer = { type: "udp", srcPort, dstPort, length, checksum, checksumStatus };

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
