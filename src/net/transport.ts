/**
 * Upper-layer headers over IP: UDP (RFC 768), TCP (RFC 793 §3.1, RFC 3540 NS bit), ICMP (RFC 792),
 * ICMPv6 (RFC 4443, Neighbor Discovery RFC 4861 §4.3–4.4) and SCTP's common header (RFC 9260 §3.1):
 * read, with checksums verified over the pseudo-header.
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import { formatIpv6, formatMac } from "./address.js";
import { finishChecksum, onesComplementSum } from "./checksum.js";
import { IP_PROTOCOL, type IpHeader } from "./ip.js";

/** Whether a UDP checksum was absent (0, allowed over IPv4 only), verified, or wrong. */
export type UdpChecksumStatus = "absent" | "valid" | "invalid";

/**
 * An upper-layer checksum verdict: as {@link UdpChecksumStatus}, or `"unverified"` in the first fragment of
 * a fragmented packet (the checksum covers data the fragment does not hold).
 */
export type ChecksumStatus = UdpChecksumStatus | "unverified";

/** A decoded UDP header (RFC 768). */
export interface UdpLayer {
  /** Discriminant. */
  readonly type: "udp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
  /** Length (header + data). */
  readonly length: number;
  /** Checksum as on the wire. */
  readonly checksum: number;
  /** Checksum verdict; `"absent"` over IPv6 is a protocol violation (RFC 8200 §8.1) but is reported, not thrown. */
  readonly checksumStatus: ChecksumStatus;
}

/** TCP flag bits of the 9-bit flags field (RFC 793 §3.1, RFC 3168 ECE/CWR, RFC 3540 NS). */
export const TCP_FLAGS = { fin: 0x001, syn: 0x002, rst: 0x004, psh: 0x008, ack: 0x010, urg: 0x020, ece: 0x040, cwr: 0x080, ns: 0x100 } as const;

/** A decoded TCP header (RFC 793 §3.1). */
export interface TcpLayer {
  /** Discriminant. */
  readonly type: "tcp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
  /** Sequence number. */
  readonly seq: number;
  /** Acknowledgment number. */
  readonly ack: number;
  /** Header length in bytes (data offset × 4). */
  readonly headerLength: number;
  /** The 9 flag bits (see {@link TCP_FLAGS}). */
  readonly flags: number;
  /** Window. */
  readonly window: number;
  /** Checksum as on the wire. */
  readonly checksum: number;
  /** Checksum verdict over the pseudo-header (never `"absent"`). */
  readonly checksumStatus: ChecksumStatus;
  /** Urgent pointer. */
  readonly urgent: number;
  /** Options (zero-copy view). */
  readonly options: Uint8Array;
}

/** A decoded ICMP (RFC 792) or ICMPv6 (RFC 4443) header. */
export interface IcmpLayer {
  /** Discriminant: ICMP over IPv4 or ICMPv6. */
  readonly type: "icmp" | "icmpv6";
  /** Message type. */
  readonly icmpType: number;
  /** Code. */
  readonly code: number;
  /** Checksum as on the wire. */
  readonly checksum: number;
  /** Checksum verdict (ICMP over the message, ICMPv6 over the pseudo-header too). */
  readonly checksumStatus: ChecksumStatus;
  /** The rest of the header and the body (zero-copy view). */
  readonly body: Uint8Array;
  /** For an ICMPv6 Neighbor Solicitation (135) or Advertisement (136): target and link-layer options. */
  readonly nd?: NeighborDiscovery;
}

/** The fields of an ICMPv6 Neighbor Solicitation or Advertisement (RFC 4861 §4.3–4.4). */
export interface NeighborDiscovery {
  /** Target address. */
  readonly target: string;
  /** Source link-layer address option (type 1), when present. */
  readonly sll?: string;
  /** Target link-layer address option (type 2), when present. */
  readonly tll?: string;
}

/** SCTP's common header (RFC 9260 §3.1); chunks are left in the payload. */
export interface SctpLayer {
  /** Discriminant. */
  readonly type: "sctp";
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
  /** Verification tag. */
  readonly verificationTag: number;
  /** Checksum (CRC32c) as on the wire; not verified here. */
  readonly checksum: number;
}

/** Any upper-layer header the dissector decodes. */
export type TransportLayer = UdpLayer | TcpLayer | IcmpLayer | SctpLayer;

/** The pseudo-header sum for `protocol` over the addresses an {@link IpHeader} located. */
function pseudoSum(bytes: Uint8Array, h: IpHeader, protocol: number, length: number): number {
  const n = h.addressLength;
  const s = onesComplementSum(bytes, protocol + (length >>> 16) + (length & 0xffff), h.srcAt, h.srcAt + n);
  return onesComplementSum(bytes, s, h.dstAt, h.dstAt + n);
}

/**
 * Reads a UDP header at the reader's position (protocol `"udp"` in errors), narrows the reader to the
 * datagram and verifies its checksum over the pseudo-header of `h`. In the first fragment of a fragmented
 * packet (`fragment`) the length is not checked against the payload and the checksum is `"unverified"`.
 * @throws DecodeError for a length below 8 or past the IP payload
 */
export function readUdp(r: Reader, h: IpHeader, fragment = false): UdpLayer {
  r.protocol = "udp";
  const start = r.pos;
  r.need(8, "udp header");
  const srcPort = r.u16("source port");
  const dstPort = r.u16("destination port");
  const length = r.u16("length");
  const checksum = r.u16("checksum");
  if (length < 8) r.fail(`length ${length} is below 8`, start + 4);
  if (fragment) return { type: "udp", srcPort, dstPort, length, checksum, checksumStatus: checksum === 0 ? "absent" : "unverified" };
  if (length > r.end - start) r.fail(`length ${length} overruns the IP payload (${r.end - start} byte(s))`, start + 4);
  r.end = start + length;
  let checksumStatus: ChecksumStatus = "absent";
  if (checksum !== 0) {
    const sum = onesComplementSum(r.bytes, pseudoSum(r.bytes, h, IP_PROTOCOL.udp, length), start, r.end);
    checksumStatus = finishChecksum(sum) === 0 ? "valid" : "invalid";
  }
  return { type: "udp", srcPort, dstPort, length, checksum, checksumStatus };
}

/**
 * Reads a TCP header at the reader's position (protocol `"tcp"`) and verifies the checksum over the
 * segment (to the reader's end) and the pseudo-header of `h` (`"unverified"` in a first fragment).
 * @throws DecodeError for a data offset below 5 or past the segment
 */
export function readTcp(r: Reader, h: IpHeader, fragment = false): TcpLayer {
  r.protocol = "tcp";
  const start = r.pos;
  r.need(20, "tcp header");
  const srcPort = r.u16("source port");
  const dstPort = r.u16("destination port");
  const seq = r.u32("sequence number");
  const ack = r.u32("acknowledgment number");
  const offFlags = r.u16("data offset");
  const headerLength = (offFlags >>> 12) * 4;
  if (headerLength < 20) r.fail(`data offset ${headerLength / 4} is below 5`, start + 12);
  const window = r.u16("window");
  const checksum = r.u16("checksum");
  const urgent = r.u16("urgent pointer");
  const options = r.take(headerLength - 20, "tcp options");
  const length = r.end - start;
  const sum = onesComplementSum(r.bytes, pseudoSum(r.bytes, h, IP_PROTOCOL.tcp, length), start, r.end);
  const checksumStatus: ChecksumStatus = fragment ? "unverified" : finishChecksum(sum) === 0 ? "valid" : "invalid";
  return { type: "tcp", srcPort, dstPort, seq, ack, headerLength, flags: offFlags & 0x1ff, window, checksum, checksumStatus, urgent, options };
}

/**
 * Reads an ICMP (over IPv4) or ICMPv6 header at the reader's position, to the reader's end; verifies the
 * checksum (ICMPv6 with the pseudo-header of `h`); decodes the Neighbor Discovery fields of ICMPv6 types
 * 135 and 136. In a first fragment the checksum is `"unverified"`.
 * @throws DecodeError for a truncated header or a zero-length ND option
 */
export function readIcmp(r: Reader, h: IpHeader, fragment = false): IcmpLayer {
  const v6 = h.ip.type === "ipv6";
  r.protocol = v6 ? "icmpv6" : "icmp";
  const start = r.pos;
  r.need(4, "icmp header");
  const icmpType = r.u8("type");
  const code = r.u8("code");
  const checksum = r.u16("checksum");
  const body = r.rest();
  const base = v6 ? pseudoSum(r.bytes, h, IP_PROTOCOL.icmpv6, r.end - start) : 0;
  const checksumStatus: ChecksumStatus = fragment ? "unverified" : finishChecksum(onesComplementSum(r.bytes, base, start, r.end)) === 0 ? "valid" : "invalid";
  if (!v6 || (icmpType !== 135 && icmpType !== 136) || body.length < 20) {
    return { type: v6 ? "icmpv6" : "icmp", icmpType, code, checksum, checksumStatus, body };
  }
  let sll: string | undefined;
  let tll: string | undefined;
  for (let p = 20; p + 2 <= body.length; ) {
    const len = body[p + 1]! * 8;
    if (len === 0) r.fail("neighbor discovery option of length 0 (RFC 4861 §4.6)", start + 4 + p + 1);
    if (p + len > body.length) r.fail(`neighbor discovery option length ${len} overruns the message`, start + 4 + p + 1);
    if (len === 8 && body[p] === 1) sll = formatMac(body, p + 2);
    if (len === 8 && body[p] === 2) tll = formatMac(body, p + 2);
    p += len;
  }
  const nd: NeighborDiscovery = { target: formatIpv6(body, 4), ...(sll !== undefined ? { sll } : {}), ...(tll !== undefined ? { tll } : {}) };
  return { type: "icmpv6", icmpType, code, checksum, checksumStatus, body, nd };
}

/** Reads SCTP's 12-byte common header (RFC 9260 §3.1) at the reader's position. */
export function readSctp(r: Reader): SctpLayer {
  r.protocol = "sctp";
  r.need(12, "sctp header");
  return { type: "sctp", srcPort: r.u16("source port"), dstPort: r.u16("destination port"), verificationTag: r.u32("verification tag"), checksum: r.u32("checksum") };
}
