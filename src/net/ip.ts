/**
 * IPv4 (RFC 791 §3.1) and IPv6 (RFC 8200 §3, §4) headers: read, with the IPv6 extension header chain
 * followed under limits, and written. Every length is bounds-checked against the reader.
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import { finishChecksum, onesComplementSum } from "./checksum.js";
import { formatIpv4, formatIpv6 } from "./address.js";

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). */
export const IP_PROTOCOL = {
  /** IPv6 Hop-by-Hop Options header (RFC 8200 §4.3). */
  hopByHop: 0,
  /** Internet Control Message Protocol (RFC 792). */
  icmp: 1,
  /** Internet Group Management Protocol (RFC 2236). */
  igmp: 2,
  /** Transmission Control Protocol (RFC 793). */
  tcp: 6,
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
  /** ICMP for IPv6 (RFC 4443). */
  icmpv6: 58,
  /** IPv6 "No Next Header" (RFC 8200 §4.7). */
  ipv6NoNextHeader: 59,
  /** IPv6 Destination Options header (RFC 8200 §4.6). */
  ipv6DestinationOptions: 60,
  /** Stream Control Transmission Protocol (RFC 9260). */
  sctp: 132,
} as const;

/**
 * Most IPv6 extension headers the decoder follows before the upper-layer header (guards against long or
 * repeated chains in hostile input; RFC 8200 §4.1 allows each header once, Destination Options twice).
 */
export const MAX_IPV6_EXTENSION_HEADERS = 8;

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
   * Extension headers in wire order (empty when the next header is an upper-layer protocol). For a
   * fragment the chain stops at the Fragment header: what follows it belongs to the fragmentable part.
   */
  readonly extensionHeaders: readonly Ipv6ExtensionHeader[];
}

/**
 * An IP header as read by {@link readIpv4} or {@link readIpv6}, with where its upper layer starts and the
 * positions an upper-layer checksum needs. Positions are relative to the reader's `bytes`.
 */
export interface IpHeader {
  /** The decoded header. */
  readonly ip: Ipv4Layer | Ipv6Layer;
  /** Upper-layer protocol: IPv4 Protocol, or the Next Header after the IPv6 extension headers. */
  readonly protocol: number;
  /** Position of the byte that named `protocol` (for errors). */
  readonly protocolAt: number;
  /** Position of the source address. */
  readonly srcAt: number;
  /** Position of the (final, RFC 8200 §8.1) destination address the pseudo-header uses. */
  readonly dstAt: number;
  /** Address length: 4 or 16. */
  readonly addressLength: 4 | 16;
  /** The IPv6 Fragment header of a real fragment (not an atomic one, RFC 6946). */
  readonly ipv6Fragment?: Ipv6FragmentHeader;
}

/**
 * Reads an IPv4 header at the reader's position (protocol `"ipv4"` in errors) and narrows the reader's end
 * to the packet's total length (Ethernet padding after it is not the packet's).
 * @throws DecodeError for a wrong version, a header length below 20, or a total length that is below the
 *   header length or overruns the input
 */
export function readIpv4(r: Reader): IpHeader {
  r.protocol = "ipv4";
  const bytes = r.bytes;
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
  const protocol = r.u8("protocol");
  const checksum = r.u16("checksum");
  const srcAt = r.pos;
  r.pos += 8;
  const options = r.take(headerLength - 20, "ipv4 options");
  if (totalLength < headerLength) r.fail(`total length ${totalLength} is below header length ${headerLength}`, start + 2);
  if (totalLength > r.end - start) r.fail(`total length ${totalLength} overruns the packet (${r.end - start} byte(s))`, start + 2);
  r.end = start + totalLength;
  const ip: Ipv4Layer = {
    type: "ipv4",
    headerLength,
    tos,
    totalLength,
    identification,
    dontFragment: (ff & 0x4000) !== 0,
    moreFragments: (ff & 0x2000) !== 0,
    fragmentOffset: ff & 0x1fff,
    ttl,
    protocol,
    checksum,
    checksumValid: finishChecksum(onesComplementSum(bytes, 0, start, start + headerLength)) === 0,
    src: formatIpv4(bytes, srcAt),
    dst: formatIpv4(bytes, srcAt + 4),
    options,
  };
  return { ip, protocol, protocolAt: start + 9, srcAt, dstAt: srcAt + 4, addressLength: 4 };
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

/**
 * Reads an IPv6 header at the reader's position (protocol `"ipv6"` in errors), narrows the reader's end to
 * the payload length, and follows the extension header chain (RFC 8200 §4): every length is
 * bounds-checked; Hop-by-Hop must come first (§4.3); each header may occur once, Destination Options twice
 * (§4.1); at most `maxExtensionHeaders`. Stops at the first upper-layer protocol (or No Next Header, 59),
 * or at the Fragment header of a real fragment (not an atomic one, RFC 6946).
 * @throws DecodeError for a wrong version, an overrunning length, ESP, or a hostile chain
 */
export function readIpv6(r: Reader, maxExtensionHeaders = MAX_IPV6_EXTENSION_HEADERS): IpHeader {
  r.protocol = "ipv6";
  const bytes = r.bytes;
  const start = r.pos;
  r.need(40, "ipv6 header");
  const w0 = r.u32("ipv6 header");
  if (w0 >>> 28 !== 6) r.fail(`version ${w0 >>> 28} is not 6`, start);
  const payloadLength = r.u16("payload length");
  const nextHeader = r.u8("next header");
  const hopLimit = r.u8("hop limit");
  const srcAt = r.pos;
  r.pos += 32;
  if (payloadLength > r.remaining) r.fail(`payload length ${payloadLength} overruns the packet (${r.remaining} byte(s))`, start + 4);
  r.end = r.pos + payloadLength;
  let headers: Ipv6ExtensionHeader[] | undefined;
  let next = nextHeader;
  let nextAt = start + 6;
  let dstAt = srcAt + 16;
  let fragment: Ipv6FragmentHeader | undefined;
  if (nextHeader !== IP_PROTOCOL.udp) {
    // UDP (Geneve's case) needs no chain walk
    headers = [];
    let seen = 0;
    let destinationOptions = 0;
    for (;;) {
      if (next === IP_PROTOCOL.esp) r.fail("next header 50 (ESP) is encrypted and cannot be followed", nextAt);
      const type = extensionType(next);
      if (type === undefined) break;
      const at = r.pos;
      if (headers.length >= maxExtensionHeaders) r.fail(`more than ${maxExtensionHeaders} IPv6 extension headers`, at);
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
      const following = hb[0]!;
      const offset = r.base + at;
      let h: Ipv6ExtensionHeader;
      if (type === "fragment") {
        const fo = (hb[2]! << 8) | hb[3]!;
        const frag: Ipv6FragmentHeader = { type, protocol: next, nextHeader: following, offset, length, bytes: hb, fragmentOffset: fo & 0xfff8, moreFragments: (fo & 1) !== 0, identification: r.view.getUint32(at + 4) };
        if (frag.fragmentOffset !== 0 || frag.moreFragments) {
          headers.push(frag);
          fragment = frag;
          next = following;
          nextAt = at;
          break;
        }
        h = frag; // atomic (RFC 6946): follow it like any other header
      } else if (type === "routing") {
        const segmentsLeft = hb[3]!;
        const routingType = hb[2]!;
        h = { type, protocol: next, nextHeader: following, offset, length, bytes: hb, routingType, segmentsLeft };
        // the upper-layer pseudo-header uses the final destination (RFC 8200 §8.1): the last address of a
        // type 0 header, the home address of type 2, Segment List[0] of a Segment Routing header (RFC 8754)
        if (segmentsLeft > 0 && length >= 24) {
          if (routingType === 0) dstAt = at + 8 + 16 * (Math.floor((length - 8) / 16) - 1);
          else if (routingType === 2 || routingType === 4) dstAt = at + 8;
        }
      } else {
        h = { type, protocol: next, nextHeader: following, offset, length, bytes: hb };
      }
      headers.push(h);
      nextAt = at;
      next = following;
    }
  }
  const ip: Ipv6Layer = {
    type: "ipv6",
    trafficClass: (w0 >>> 20) & 0xff,
    flowLabel: w0 & 0xfffff,
    payloadLength,
    nextHeader,
    hopLimit,
    src: formatIpv6(bytes, srcAt),
    dst: formatIpv6(bytes, srcAt + 16),
    extensionHeaders: headers ?? NO_EXTENSIONS,
  };
  return fragment
    ? { ip, protocol: next, protocolAt: nextAt, srcAt, dstAt, addressLength: 16, ipv6Fragment: fragment }
    : { ip, protocol: next, protocolAt: nextAt, srcAt, dstAt, addressLength: 16 };
}
