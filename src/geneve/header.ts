/**
 * Geneve header and option TLVs (RFC 8926 §3.4 "Tunnel Header Fields", §3.5 "Tunnel Options").
 *
 * ```text
 *  0                   1                   2                   3
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 * |        Virtual Network Identifier (VNI)       |    Reserved   |
 * |                    Variable-Length Options                    |
 *
 * option: | Option Class (16) | Type (8, top bit = critical) |R|R|R| Length (5) | Data (Length × 4) |
 * ```
 *
 * Options the codec does not know are kept byte-exact (class, type, the three R bits, data), so
 * `encodeGeneveHeader(decodeGeneveHeader(b).header)` reproduces `b`.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";

/** Fixed sizes and limits of RFC 8926 §3.4/§3.5. */
export const GENEVE_LIMITS = {
  /** Size of the fixed part of the header (RFC 8926 §3.4). */
  baseHeaderBytes: 8,
  /** `Opt Len` is 6 bits of 4-byte units: at most 63 × 4 = 252 bytes of options (RFC 8926 §3.4). */
  maxOptionsBytes: 252,
  /** An option's `Length` is 5 bits of 4-byte units: at most 31 × 4 = 124 data bytes (RFC 8926 §3.5). */
  maxOptionDataBytes: 124,
  /** The only version defined (RFC 8926 §3.4 "Ver"). */
  version: 0,
} as const;

/** Well-known values of the Geneve `Protocol Type` field (EtherType numbering, RFC 8926 §3.4). */
export const GENEVE_PROTOCOL = {
  /** Transparent Ethernet Bridging: an Ethernet frame follows (what OVN carries). */
  transparentEthernetBridging: 0x6558,
  /** IPv4. */
  ipv4: 0x0800,
  /** IPv6. */
  ipv6: 0x86dd,
} as const;

/** The UDP destination port IANA assigned to Geneve (RFC 8926 §3.3). */
export const GENEVE_UDP_PORT = 6081;

/** The critical bit of an option's `Type` field (RFC 8926 §3.5: the high-order bit). */
export const GENEVE_OPTION_CRITICAL = 0x80;

/** Option classes from the IANA "Geneve Option Class" registry (RFC 8926 §7.1) that this package names. */
export const GENEVE_OPTION_CLASS = {
  /** Linux. */
  linux: 0x0100,
  /** Open vSwitch. */
  openVSwitch: 0x0101,
  /** Open Virtual Networking (OVN). */
  ovn: 0x0102,
  /** Experimental use (RFC 8926 §7.1: 0xFFF0..0xFFFF... only 0xFFFF here). */
  experimental: 0xffff,
} as const;

/** OVN's metadata option: class 0x0102, type 0x80 (critical), 4 data bytes (OVN `ovn-architecture`(7)). */
export const OVN_OPTION = {
  /** Option class. */
  optionClass: 0x0102,
  /** Option type (critical bit set). */
  optionType: 0x80,
  /** Data length in bytes. */
  dataBytes: 4,
} as const;

/**
 * An option the codec keeps as bytes (RFC 8926 §3.5). `optionType` includes the critical bit (0x80);
 * `flags` are the three reserved `R` bits, kept so unknown options re-encode byte-exact.
 */
export interface RawGeneveOption {
  /** Discriminant. */
  readonly type: "raw";
  /** `Option Class` (16 bits). */
  readonly optionClass: number;
  /** `Type` (8 bits, high bit = critical). */
  readonly optionType: number;
  /** The three `R` bits (0..7), normally 0. @defaultValue 0 */
  readonly flags?: number;
  /** Option data; length must be a multiple of 4, at most 124 bytes. */
  readonly data: Uint8Array;
}

/**
 * OVN's logical-port metadata option (class 0x0102, type 0x80, 4 bytes). The 32-bit value is one reserved
 * bit, the 15-bit logical ingress port key and the 16-bit logical egress port key
 * (`Port_Binding.tunnel_key` / `Multicast_Group.tunnel_key` in OVN_Southbound; OVN `ovn-architecture`(7),
 * "Tunnel Encapsulations").
 */
export interface OvnGeneveOption {
  /** Discriminant. */
  readonly type: "ovn";
  /** Logical ingress port key, 0..32767. */
  readonly ingressPort: number;
  /** Logical egress port key, 0..65535 (32768 and up are multicast groups). */
  readonly egressPort: number;
}

/** One Geneve option: OVN's typed option, or any other option kept as bytes. */
export type GeneveOption = OvnGeneveOption | RawGeneveOption;

/** The Geneve header (RFC 8926 §3.4) with its options (§3.5). */
export interface GeneveHeader {
  /** `Ver` (2 bits); only 0 is defined. @defaultValue 0 */
  readonly version?: number;
  /** `O`: control (OAM) packet. @defaultValue false */
  readonly oam?: boolean;
  /**
   * `C`: critical options present. When omitted, the encoder sets it iff some option has the critical bit.
   */
  readonly critical?: boolean;
  /** `Protocol Type` (EtherType of the payload). @defaultValue 0x6558 (Ethernet) */
  readonly protocolType?: number;
  /** `Virtual Network Identifier` (24 bits); OVN puts the logical datapath's tunnel key here. */
  readonly vni: number;
  /** The options, in wire order. @defaultValue [] */
  readonly options?: readonly GeneveOption[];
  /** The 6 reserved bits after `C` (kept for byte-exact round trips). @defaultValue 0 */
  readonly reserved1?: number;
  /** The 8 reserved bits after the VNI. @defaultValue 0 */
  readonly reserved2?: number;
}

/** A decoded Geneve header: every field present. */
export interface DecodedGeneveHeader extends GeneveHeader {
  readonly version: number;
  readonly oam: boolean;
  readonly critical: boolean;
  readonly protocolType: number;
  readonly options: readonly GeneveOption[];
  readonly reserved1: number;
  readonly reserved2: number;
  /** `Opt Len` as on the wire, in bytes (4 × the 6-bit field). */
  readonly optionsLength: number;
}

/** Returns true when the option's type has the critical bit (RFC 8926 §3.5). */
export function isCriticalOption(option: GeneveOption): boolean {
  return option.type === "ovn" || (option.optionType & GENEVE_OPTION_CRITICAL) !== 0;
}

/** The option class of any option (OVN's is 0x0102). */
export function optionClassOf(option: GeneveOption): number {
  return option.type === "ovn" ? OVN_OPTION.optionClass : option.optionClass;
}

/** The option type of any option (OVN's is 0x80). */
export function optionTypeOf(option: GeneveOption): number {
  return option.type === "ovn" ? OVN_OPTION.optionType : option.optionType;
}

/** Checks that `v` is an integer in 0..`max`; `field` may be a thunk so hot paths build no strings. */
function checkUint(protocol: string, field: string | (() => string), v: unknown, max: number): number {
  if (typeof v === "number" && v >= 0 && v <= max && Math.floor(v) === v) return v;
  throw new EncodeError(protocol, typeof field === "string" ? field : field(), `must be an integer 0..${max}, got ${String(v)}`);
}

/** Number of bytes `option` occupies on the wire (4-byte option header + data). */
export function encodedOptionLength(option: GeneveOption): number {
  return 4 + (option.type === "ovn" ? OVN_OPTION.dataBytes : option.data.length);
}

/** Encodes one option TLV (RFC 8926 §3.5) into `w`. */
export function writeGeneveOption(w: Writer, option: GeneveOption, index = 0): void {
  if (option.type === "ovn") {
    const ingress = checkUint("geneve", () => `options[${index}].ingressPort`, option.ingressPort, 0x7fff);
    const egress = checkUint("geneve", () => `options[${index}].egressPort`, option.egressPort, 0xffff);
    w.u16(OVN_OPTION.optionClass).u8(OVN_OPTION.optionType).u8(1);
    w.u32(((ingress << 16) | egress) >>> 0);
    return;
  }
  if (option.type !== "raw") {
    throw new EncodeError("geneve", `options[${index}].type`, `unknown option kind ${String((option as { type: unknown }).type)}`);
  }
  checkUint("geneve", () => `options[${index}].optionClass`, option.optionClass, 0xffff);
  checkUint("geneve", () => `options[${index}].optionType`, option.optionType, 0xff);
  const flags = checkUint("geneve", () => `options[${index}].flags`, option.flags ?? 0, 0x7);
  const len = option.data.length;
  if (len % 4 !== 0) {
    throw new EncodeError("geneve", `options[${index}].data`, `length ${len} is not a multiple of 4`);
  }
  if (len > GENEVE_LIMITS.maxOptionDataBytes) {
    throw new EncodeError("geneve", `options[${index}].data`, `length ${len} exceeds ${GENEVE_LIMITS.maxOptionDataBytes} bytes`);
  }
  w.u16(option.optionClass).u8(option.optionType).u8((flags << 5) | (len >>> 2));
  w.bytes(option.data);
}

/** Total encoded size of `header` in bytes (8 + options). */
export function encodedGeneveHeaderLength(header: GeneveHeader): number {
  let n = GENEVE_LIMITS.baseHeaderBytes;
  for (const o of header.options ?? []) n += encodedOptionLength(o);
  return n;
}

/**
 * Writes the Geneve header (RFC 8926 §3.4) and its options into `w`. `Opt Len` is reserved and filled in
 * after the options are written; more than 252 bytes of options is an {@link EncodeError}.
 */
export function writeGeneveHeader(w: Writer, header: GeneveHeader): void {
  const version = checkUint("geneve", "version", header.version ?? 0, 0x3);
  const vni = checkUint("geneve", "vni", header.vni, 0xffffff);
  const protocolType = checkUint("geneve", "protocolType", header.protocolType ?? GENEVE_PROTOCOL.transparentEthernetBridging, 0xffff);
  const reserved1 = checkUint("geneve", "reserved1", header.reserved1 ?? 0, 0x3f);
  const reserved2 = checkUint("geneve", "reserved2", header.reserved2 ?? 0, 0xff);
  const options = header.options ?? [];
  const critical = header.critical ?? options.some(isCriticalOption);
  const start = w.pos;
  w.u8(version << 6); // Opt Len reserved, patched below
  w.u8((header.oam ? 0x80 : 0) | (critical ? 0x40 : 0) | reserved1);
  w.u16(protocolType);
  w.u24(vni).u8(reserved2);
  const optStart = w.pos;
  for (let i = 0; i < options.length; i++) writeGeneveOption(w, options[i]!, i);
  const optBytes = w.pos - optStart;
  if (optBytes > GENEVE_LIMITS.maxOptionsBytes) {
    throw new EncodeError("geneve", "options", `total length ${optBytes} exceeds ${GENEVE_LIMITS.maxOptionsBytes} bytes`);
  }
  w.patch8(start, (version << 6) | (optBytes >>> 2));
}

/** Encodes a Geneve header with its options to a new byte array (RFC 8926 §3.4, §3.5). */
export function encodeGeneveHeader(header: GeneveHeader): Uint8Array {
  const w = new Writer("geneve", encodedGeneveHeaderLength(header));
  writeGeneveHeader(w, header);
  return w.finish();
}

/**
 * Like {@link encodeGeneveHeader} but writes into caller-provided memory (no allocation) and returns the
 * written prefix of `out` as a view; an `out` too small throws an {@link EncodeError}.
 */
export function encodeGeneveHeaderInto(header: GeneveHeader, out: Uint8Array): Uint8Array {
  const w = Writer.over("geneve", out);
  writeGeneveHeader(w, header);
  return w.finish();
}

/**
 * Reads one option (RFC 8926 §3.5). Returns the OVN option typed when it has the canonical form (class
 * 0x0102, type 0x80, length 1, R bits and the reserved bit clear); anything else is kept raw.
 */
export function readGeneveOption(r: Reader): GeneveOption {
  const start = r.pos;
  const optionClass = r.u16("option class");
  const optionType = r.u8("option type");
  const b = r.u8("option length");
  const flags = b >>> 5;
  const len = (b & 0x1f) * 4;
  if (len > r.remaining) {
    r.fail(`option length ${len} overruns the options area (${r.remaining} byte(s) left)`, start + 3);
  }
  if (optionClass === OVN_OPTION.optionClass && optionType === OVN_OPTION.optionType && flags === 0 && len === 4) {
    const v = r.view.getUint32(r.pos);
    if ((v & 0x80000000) === 0) {
      r.pos += 4;
      return { type: "ovn", ingressPort: v >>> 16, egressPort: v & 0xffff };
    }
  }
  return { type: "raw", optionClass, optionType, flags, data: r.take(len, "option data") };
}

/** The result of decoding a Geneve header: the header, its encoded length and the payload after it. */
export interface GeneveHeaderDecodeResult {
  /** The header. */
  readonly header: DecodedGeneveHeader;
  /** Bytes the header occupied (8 + options). */
  readonly headerLength: number;
  /** Everything after the header (zero-copy view). */
  readonly payload: Uint8Array;
}

/**
 * Reads a Geneve header and its options (RFC 8926 §3.4, §3.5) from `r`, leaving `r` at the payload.
 * A version other than 0 is rejected (§3.4: "MUST be dropped"); an option or `Opt Len` that overruns the
 * input throws a {@link DecodeError} at the offending length field.
 */
export function readGeneveHeader(r: Reader): DecodedGeneveHeader {
  const start = r.pos;
  const b0 = r.u8("geneve header");
  r.need(7, "geneve header");
  const b1 = r.u8("geneve header");
  const protocolType = r.u16("protocol type");
  const vni = r.u24("vni");
  const reserved2 = r.u8("reserved");
  const version = b0 >>> 6;
  if (version !== GENEVE_LIMITS.version) r.fail(`unsupported version ${version}`, start);
  const optionsLength = (b0 & 0x3f) * 4;
  if (optionsLength > r.remaining) {
    r.fail(`options length ${optionsLength} overruns the packet (${r.remaining} byte(s) left)`, start);
  }
  const saved = r.narrow(optionsLength, "options");
  const options: GeneveOption[] = [];
  while (r.remaining > 0) {
    if (r.remaining < 4) r.fail(`truncated option header: ${r.remaining} byte(s) left`);
    options.push(readGeneveOption(r));
  }
  r.widen(saved);
  return {
    version,
    oam: (b1 & 0x80) !== 0,
    critical: (b1 & 0x40) !== 0,
    reserved1: b1 & 0x3f,
    protocolType,
    vni,
    reserved2,
    options,
    optionsLength,
  };
}

/** Decodes a Geneve header from the start of `bytes` (RFC 8926 §3.4); `base` is its absolute offset. */
export function decodeGeneveHeader(bytes: Uint8Array, base = 0): GeneveHeaderDecodeResult {
  const r = new Reader(bytes, "geneve", base);
  const header = readGeneveHeader(r);
  return { header, headerLength: r.pos, payload: r.rest() };
}

