/**
 * Packet captures: classic pcap read and write (draft-ietf-opsawg-pcap, "PCAP Capture File Format") and
 * pcapng read (draft-ietf-opsawg-pcapng: Section Header, Interface Description, Enhanced/Simple/obsolete
 * Packet blocks), so frames built here open in tcpdump/tshark and captures of tunnel traffic decode here.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";

/** Link-layer header types (tcpdump.org "LINK-LAYER HEADER TYPES"). */
export const LINKTYPE = {
  /** IEEE 802.3 Ethernet (LINKTYPE_ETHERNET). */
  ethernet: 1,
  /** Raw IPv4/IPv6, no link header (LINKTYPE_RAW). */
  raw: 101,
} as const;

/** Magic numbers of the pcap file header (pcap §4) and pcapng blocks (pcapng §4). */
export const CAPTURE_MAGIC = {
  /** pcap, microsecond timestamps. */
  pcapMicroseconds: 0xa1b2c3d4,
  /** pcap, nanosecond timestamps. */
  pcapNanoseconds: 0xa1b23c4d,
  /** pcapng Section Header Block type. */
  pcapngSectionHeader: 0x0a0d0d0a,
  /** pcapng byte-order magic. */
  pcapngByteOrder: 0x1a2b3c4d,
} as const;

/** pcapng block types read here (pcapng §4, §11.1). */
export const PCAPNG_BLOCK = {
  /** Interface Description Block. */
  interfaceDescription: 0x00000001,
  /** Packet Block (obsolete). */
  packet: 0x00000002,
  /** Simple Packet Block. */
  simplePacket: 0x00000003,
  /** Enhanced Packet Block. */
  enhancedPacket: 0x00000006,
  /** Section Header Block. */
  sectionHeader: 0x0a0d0d0a,
} as const;

/** Largest packet record accepted when reading (anything larger is a {@link DecodeError}). */
export const MAX_CAPTURE_RECORD = 262_144;

/** A capture timestamp: whole seconds since the epoch plus nanoseconds. */
export interface CaptureTimestamp {
  /** Seconds since 1970-01-01T00:00:00Z. */
  readonly seconds: number;
  /** Nanoseconds within the second (0..999999999). */
  readonly nanoseconds: number;
}

/** One captured packet. */
export interface CaptureRecord {
  /** When it was captured. */
  readonly timestamp: CaptureTimestamp;
  /** Link type of its interface (1 = Ethernet). */
  readonly linkType: number;
  /** Captured bytes (zero-copy view into the file). */
  readonly data: Uint8Array;
  /** Length on the wire (≥ data.length when the capture was truncated by a snap length). */
  readonly originalLength: number;
  /** pcapng interface id (0 for pcap). */
  readonly interfaceId: number;
}

/** A whole capture file. */
export interface Capture {
  /** Container format. */
  readonly format: "pcap" | "pcapng";
  /** Records in file order. */
  readonly records: readonly CaptureRecord[];
}

/** Reads a classic pcap file (pcap §4–5), either byte order, microsecond or nanosecond magic. */
export function readPcap(bytes: Uint8Array): Capture {
  const r = new Reader(bytes, "pcap");
  r.need(24, "file header");
  const magicBe = r.u32("magic");
  let le: boolean;
  let nanos: boolean;
  if (magicBe === CAPTURE_MAGIC.pcapMicroseconds || magicBe === CAPTURE_MAGIC.pcapNanoseconds) {
    le = false;
    nanos = magicBe === CAPTURE_MAGIC.pcapNanoseconds;
  } else {
    const magicLe = ((bytes[3]! << 24) | (bytes[2]! << 16) | (bytes[1]! << 8) | bytes[0]!) >>> 0;
    if (magicLe !== CAPTURE_MAGIC.pcapMicroseconds && magicLe !== CAPTURE_MAGIC.pcapNanoseconds) {
      r.fail(`bad magic 0x${magicBe.toString(16).padStart(8, "0")}`, 0);
    }
    le = true;
    nanos = magicLe === CAPTURE_MAGIC.pcapNanoseconds;
  }
  const major = r.u16("version", le);
  r.u16("version", le);
  if (major !== 2) r.fail(`unsupported version ${major}`, 4);
  r.skip(8, "thiszone/sigfigs");
  r.u32("snaplen", le);
  const linkType = r.u32("link type", le) & 0x0fffffff; // upper bits: FCS length (pcap §4)
  const records: CaptureRecord[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    r.need(16, "record header");
    const seconds = r.u32("timestamp", le);
    const frac = r.u32("timestamp", le);
    const caplen = r.u32("captured length", le);
    const originalLength = r.u32("original length", le);
    if (frac >= (nanos ? 1e9 : 1e6)) r.fail(`sub-second timestamp ${frac} out of range`, start + 4);
    if (caplen > MAX_CAPTURE_RECORD) r.fail(`captured length ${caplen} exceeds ${MAX_CAPTURE_RECORD}`, start + 8);
    if (caplen > r.remaining) r.fail(`captured length ${caplen} overruns the file (${r.remaining} byte(s) left)`, start + 8);
    const data = r.take(caplen, "packet data");
    records.push({ timestamp: { seconds, nanoseconds: nanos ? frac : frac * 1000 }, linkType, data, originalLength, interfaceId: 0 });
  }
  return { format: "pcap", records };
}

interface PcapngInterface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second. */
  unitsPerSecond: bigint;
}

/** Reads a pcapng file (pcapng §4): SHB, IDB (with `if_tsresol`), EPB, SPB and obsolete PB; other blocks are skipped. */
export function readPcapng(bytes: Uint8Array): Capture {
  const r = new Reader(bytes, "pcapng");
  const records: CaptureRecord[] = [];
  let le = true;
  let interfaces: PcapngInterface[] = [];
  let first = true;
  while (r.remaining > 0) {
    const start = r.pos;
    r.need(12, "block header");
    let type = r.u32("block type", le);
    if (first && type !== CAPTURE_MAGIC.pcapngSectionHeader) r.fail("file does not start with a Section Header Block", start);
    if (type === CAPTURE_MAGIC.pcapngSectionHeader) {
      // byte order is decided by the magic that follows the length
      const bom = r.bytes.subarray(start + 8, start + 12);
      const bomLe = ((bom[3]! << 24) | (bom[2]! << 16) | (bom[1]! << 8) | bom[0]!) >>> 0;
      const bomBe = ((bom[0]! << 24) | (bom[1]! << 16) | (bom[2]! << 8) | bom[3]!) >>> 0;
      if (bomLe === CAPTURE_MAGIC.pcapngByteOrder) le = true;
      else if (bomBe === CAPTURE_MAGIC.pcapngByteOrder) le = false;
      else r.fail("bad byte-order magic", start + 8);
      type = CAPTURE_MAGIC.pcapngSectionHeader;
      interfaces = [];
    }
    first = false;
    const blockLength = r.u32("block length", le);
    if (blockLength < 12 || blockLength % 4 !== 0) r.fail(`bad block length ${blockLength}`, start + 4);
    if (blockLength - 8 > r.remaining) r.fail(`block length ${blockLength} overruns the file`, start + 4);
    const body: Reader = new Reader(r.take(blockLength - 12, "block body"), "pcapng", start + 8);
    const trailer = r.u32("trailing block length", le);
    if (trailer !== blockLength) r.fail(`trailing length ${trailer} differs from ${blockLength}`, r.pos - 4);
    switch (type) {
      case PCAPNG_BLOCK.sectionHeader: {
        body.need(16, "section header");
        body.skip(4, "byte-order magic");
        const major = body.u16("version", le);
        if (major !== 1) body.fail(`unsupported version ${major}`, 4);
        break;
      }
      case PCAPNG_BLOCK.interfaceDescription: {
        const linkType = body.u16("link type", le);
        body.skip(2, "reserved");
        const snaplen = body.u32("snaplen", le);
        let unitsPerSecond = 1_000_000n;
        while (body.remaining >= 4) {
          const code = body.u16("option code", le);
          const len = body.u16("option length", le);
          const value = body.take(len, "option value");
          body.skip(Math.min((4 - (len % 4)) % 4, body.remaining), "option padding");
          if (code === 0) break; // opt_endofopt
          if (code === 9 && len >= 1) {
            const v = value[0]!;
            const exp = BigInt(v & 0x7f);
            if ((v & 0x7f) > 30 && (v & 0x80) === 0) body.fail(`if_tsresol 10^-${v & 0x7f} is not supported`);
            unitsPerSecond = v & 0x80 ? 1n << exp : 10n ** exp;
          }
        }
        interfaces.push({ linkType, snaplen, unitsPerSecond });
        break;
      }
      case PCAPNG_BLOCK.enhancedPacket:
      case PCAPNG_BLOCK.packet: {
        const epb = type === PCAPNG_BLOCK.enhancedPacket;
        const interfaceId = epb ? body.u32("interface id", le) : body.u16("interface id", le);
        if (!epb) body.skip(2, "drops count");
        const hi = body.u32("timestamp", le);
        const lo = body.u32("timestamp", le);
        const caplen = body.u32("captured length", le);
        const originalLength = body.u32("original length", le);
        const iface = interfaces[interfaceId];
        if (!iface) body.fail(`interface id ${interfaceId} has no Interface Description Block`, 0);
        if (caplen > MAX_CAPTURE_RECORD) body.fail(`captured length ${caplen} exceeds ${MAX_CAPTURE_RECORD}`, body.pos - 8);
        if (caplen > body.remaining) body.fail(`captured length ${caplen} overruns the block`, body.pos - 8);
        const data = body.take(caplen, "packet data");
        const units = (BigInt(hi) << 32n) | BigInt(lo);
        records.push({ timestamp: toTimestamp(units, iface.unitsPerSecond), linkType: iface.linkType, data, originalLength, interfaceId });
        break;
      }
      case PCAPNG_BLOCK.simplePacket: {
        const originalLength = body.u32("original length", le);
        const iface = interfaces[0];
        if (!iface) body.fail("simple packet without an Interface Description Block", 0);
        const caplen = Math.min(originalLength, iface.snaplen === 0 ? originalLength : iface.snaplen, body.remaining);
        if (caplen > MAX_CAPTURE_RECORD) body.fail(`captured length ${caplen} exceeds ${MAX_CAPTURE_RECORD}`, 0);
        const data = body.take(caplen, "packet data");
        records.push({ timestamp: { seconds: 0, nanoseconds: 0 }, linkType: iface.linkType, data, originalLength, interfaceId: 0 });
        break;
      }
      default:
        break; // statistics, name resolution, custom blocks: skipped
    }
  }
  return { format: "pcapng", records };
}

function toTimestamp(units: bigint, perSecond: bigint): CaptureTimestamp {
  const seconds = units / perSecond;
  const rest = units % perSecond;
  return { seconds: Number(seconds), nanoseconds: Number((rest * 1_000_000_000n) / perSecond) };
}

/** Reads a pcap or pcapng file, detected by its first four bytes. */
export function readCapture(bytes: Uint8Array): Capture {
  if (bytes.length >= 4) {
    const m = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (m === CAPTURE_MAGIC.pcapngSectionHeader) return readPcapng(bytes);
  }
  return readPcap(bytes);
}

/** Returns true when `bytes` start like a pcap or pcapng file. */
export function looksLikeCapture(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const be = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const le = ((bytes[3]! << 24) | (bytes[2]! << 16) | (bytes[1]! << 8) | bytes[0]!) >>> 0;
  const magics: number[] = [CAPTURE_MAGIC.pcapMicroseconds, CAPTURE_MAGIC.pcapNanoseconds];
  return be === CAPTURE_MAGIC.pcapngSectionHeader || magics.includes(be) || magics.includes(le);
}

/** A packet to write: bytes plus an optional timestamp. */
export interface PcapWriteRecord {
  /** Frame bytes. */
  readonly data: Uint8Array;
  /** Capture time. @defaultValue 0 s */
  readonly timestamp?: CaptureTimestamp;
  /** Length on the wire. @defaultValue data.length */
  readonly originalLength?: number;
}

/** Options of {@link writePcap}. */
export interface PcapWriteOptions {
  /** Link type of every record. @defaultValue 1 (Ethernet) */
  readonly linkType?: number;
  /** Write nanosecond timestamps (magic 0xa1b23c4d). @defaultValue false */
  readonly nanoseconds?: boolean;
  /** Snap length in the header. @defaultValue 262144 */
  readonly snaplen?: number;
}

/** Writes a classic little-endian pcap file (pcap §4–5, version 2.4) that tcpdump and tshark read. */
export function writePcap(records: readonly PcapWriteRecord[], options: PcapWriteOptions = {}): Uint8Array {
  const nanos = options.nanoseconds ?? false;
  const snaplen = options.snaplen ?? MAX_CAPTURE_RECORD;
  let size = 24;
  for (const rec of records) size += 16 + rec.data.length;
  const w = new Writer("pcap", size, Math.max(size, 1));
  w.u32(nanos ? CAPTURE_MAGIC.pcapNanoseconds : CAPTURE_MAGIC.pcapMicroseconds, "magic", true);
  w.u16(2, "version", true).u16(4, "version", true);
  w.u32(0, "thiszone", true).u32(0, "sigfigs", true);
  w.u32(snaplen, "snaplen", true).u32(options.linkType ?? LINKTYPE.ethernet, "linkType", true);
  records.forEach((rec, i) => {
    const ts = rec.timestamp ?? { seconds: 0, nanoseconds: 0 };
    if (!Number.isInteger(ts.seconds) || ts.seconds < 0 || ts.seconds > 0xffffffff) {
      throw new EncodeError("pcap", `records[${i}].timestamp.seconds`, "must be an integer 0..4294967295");
    }
    if (!Number.isInteger(ts.nanoseconds) || ts.nanoseconds < 0 || ts.nanoseconds >= 1e9) {
      throw new EncodeError("pcap", `records[${i}].timestamp.nanoseconds`, "must be an integer 0..999999999");
    }
    if (rec.data.length > snaplen) throw new EncodeError("pcap", `records[${i}].data`, `length ${rec.data.length} exceeds snaplen ${snaplen}`);
    w.u32(ts.seconds, "timestamp.seconds", true).u32(nanos ? ts.nanoseconds : Math.floor(ts.nanoseconds / 1000), "timestamp.nanoseconds", true);
    w.u32(rec.data.length, "data.length", true).u32(rec.originalLength ?? rec.data.length, "originalLength", true);
    w.bytes(rec.data);
  });
  return w.finish();
}
