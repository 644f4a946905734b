/**
 * OpenFlow message codec: the common header (OpenFlow 1.3.5 §7.1), every OpenFlow 1.3 message body,
 * and version negotiation helpers for HELLO version bitmaps (§7.5.1). Messages are a discriminated
 * union on `type`. Unknown message types and unknown multipart bodies are kept as raw bytes.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { type Action, type Instruction, decodeActions, decodeInstructions, encodeActions, encodeInstructions } from "./actions.js";
import { type MatchField, decodeMatch, decodeOxm, encodeMatch, encodeOxm } from "./oxm.js";
import { MultipartType, OfpType, OfpVersion } from "./constants.js";
import { type Of10Message, decodeOf10Body, encodeOf10Message } from "./v10/messages.js";
import type { VersionedMessage } from "./versions/types.js";
import { decodeOtherVersion } from "./versions/decode.js";
import { encodeOtherVersion, typeCodeOtherVersion } from "./versions/encode.js";

/** Size of `ofp_header`. */
export const OFP_HEADER_LEN = 8;
/** Largest OpenFlow message (the 16-bit length field). */
export const OFP_MAX_MESSAGE_LEN = 0xffff;

/** `ofp_port` (OpenFlow 1.3.5 §7.2.1). */
export interface PortDesc {
  readonly portNo: number;
  readonly hwAddr: Uint8Array;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

/** One entry of a flow-stats reply (OpenFlow 1.3.5 §7.3.5.2 `ofp_flow_stats`). */
export interface FlowStats {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: readonly MatchField[];
  readonly instructions: readonly Instruction[];
  /**
   * Seconds since the flow last matched a packet: NXST_FLOW's `idle_age`, or the OpenFlow 1.5 OXS
   * idle time (both printed as `idle_age`); absent otherwise.
   */
  readonly idleAge?: number | undefined;
  /** Seconds since the flow was last added or modified (NXST_FLOW only). */
  readonly hardAge?: number | undefined;
  /** OpenFlow 1.4+ importance (0 when absent). */
  readonly importance?: number | undefined;
}

/** Flow-stats / aggregate request body (OpenFlow 1.3.5 §7.3.5.2). */
export interface FlowStatsRequest {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: readonly MatchField[];
}

/** Port statistics entry (OpenFlow 1.3.5 §7.3.5.6 `ofp_port_stats`). */
export interface PortStats {
  readonly portNo: number;
  /** rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped, rx_errors, tx_errors, rx_frame_err, rx_over_err, rx_crc_err, collisions. */
  readonly counters: readonly bigint[];
  readonly durationSec: number;
  readonly durationNsec: number;
  /**
   * OpenFlow 1.4+: Open vSwitch's RFC 2819 counters (Intel experimenter property): rx 1-64 … 1523-max (7),
   * tx 1-64 … 1523-max (7), tx multicast, rx broadcast, tx broadcast, rx undersized, oversize, fragmented, jabber.
   */
  readonly rfc2819?: readonly bigint[] | undefined;
  /** OpenFlow 1.4+: Open vSwitch's custom counters (Intel experimenter property), in order. */
  readonly custom?: readonly { readonly name: string; readonly value: bigint }[] | undefined;
}

/** Table statistics entry (OpenFlow 1.3.5 §7.3.5.4). */
export interface TableStats {
  readonly tableId: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
  /** OpenFlow 1.0 only: the table's name. */
  readonly name?: string | undefined;
  /** OpenFlow 1.0 only: the wildcards (`ofp_flow_wildcards`) the table supports. */
  readonly wildcards?: number | undefined;
  /** OpenFlow 1.0 only: the table's capacity. */
  readonly maxEntries?: number | undefined;
}

/** Switch description (OpenFlow 1.3.5 §7.3.5.1 `ofp_desc`). */
export interface SwitchDesc {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}

/** A group bucket (OpenFlow 1.3.5 §7.3.4.2 `ofp_bucket`). */
export interface Bucket {
  readonly weight: number;
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly Action[];
  /** OpenFlow 1.5 bucket id. */
  readonly bucketId?: number | undefined;
}

/** OpenFlow 1.5 group properties (Open vSwitch's selection method experimenter property). */
export interface GroupProps {
  readonly selectionMethod?: string | undefined;
  readonly selectionMethodParam?: bigint | undefined;
  /** Hash fields (OXM, masks allowed). */
  readonly fields?: readonly MatchField[] | undefined;
  /** Experimenter id the property came with when not NTR_VENDOR_ID (0x154d), e.g. the compatible 0x1540. */
  readonly selectionMethodVendor?: number | undefined;
}

/** A meter band (OpenFlow 1.3.5 §7.3.4.4). type 1 = drop, 2 = dscp_remark. */
export interface MeterBand {
  readonly bandType: number;
  readonly rate: number;
  readonly burstSize: number;
  readonly precLevel?: number | undefined;
  /** Raw band-specific bytes for unknown band types. */
  readonly data?: Uint8Array | undefined;
}

/** Group statistics entry (OpenFlow 1.3.5 §7.3.5.9 `ofp_group_stats`). */
export interface GroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  /** Per bucket: packet and byte counts. */
  readonly buckets: readonly { readonly packetCount: bigint; readonly byteCount: bigint }[];
}

/** Meter statistics entry (OpenFlow 1.3.5 §7.3.5.12 `ofp_meter_stats`). */
export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bands: readonly { readonly packetCount: bigint; readonly byteCount: bigint }[];
}

/** One table's features (OpenFlow 1.3.5 §7.3.5.5.1 `ofp_table_features`); properties kept as typed raw TLVs. */
export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  readonly config: number;
  readonly maxEntries: number;
  /** OpenFlow 1.5 command (OFPTFC_*: 0 replace, 1 modify, 2 enable, 3 disable); absent = 0. */
  readonly command?: number | undefined;
  /** `ofp_table_feature_prop_*`: type (OFPTFPT_*) and body without header or padding. */
  readonly properties: readonly { readonly propType: number; readonly data: Uint8Array }[];
}

/** Multipart request bodies. */
export type MultipartRequestBody =
  | { readonly kind: "desc" }
  | { readonly kind: "flow"; readonly request: FlowStatsRequest }
  | { readonly kind: "aggregate"; readonly request: FlowStatsRequest }
  | { readonly kind: "table" }
  | { readonly kind: "port_stats"; readonly portNo: number }
  | { readonly kind: "port_desc"; /** OpenFlow 1.5: one port (default any). */ readonly portNo?: number | undefined }
  | { readonly kind: "group"; readonly groupId: number }
  | { readonly kind: "group_desc"; /** OpenFlow 1.5: one group (default all). */ readonly groupId?: number | undefined }
  | { readonly kind: "meter"; readonly meterId: number }
  | { readonly kind: "meter_config"; readonly meterId: number }
  | { readonly kind: "table_features"; readonly tables: readonly TableFeatures[] }
  | { readonly kind: "nx_flow"; readonly request: FlowStatsRequest }
  | { readonly kind: "nx_aggregate"; readonly request: FlowStatsRequest }
  | { readonly kind: "raw"; readonly mpType: number; readonly data: Uint8Array };

/** Multipart reply bodies. */
export type MultipartReplyBody =
  | { readonly kind: "desc"; readonly desc: SwitchDesc }
  | { readonly kind: "flow"; readonly flows: readonly FlowStats[] }
  | { readonly kind: "aggregate"; readonly packetCount: bigint; readonly byteCount: bigint; readonly flowCount: number }
  | { readonly kind: "table"; readonly tables: readonly TableStats[] }
  | { readonly kind: "port_stats"; readonly ports: readonly PortStats[] }
  | { readonly kind: "port_desc"; readonly ports: readonly PortDesc[] }
  | { readonly kind: "group_desc"; readonly groups: readonly ({ groupType: number; groupId: number; buckets: readonly Bucket[] } & GroupProps)[] }
  | { readonly kind: "meter_config"; readonly meters: readonly { flags: number; meterId: number; bands: readonly MeterBand[] }[] }
  | { readonly kind: "group"; readonly groups: readonly GroupStats[] }
  | { readonly kind: "meter"; readonly meters: readonly MeterStats[] }
  | { readonly kind: "table_features"; readonly tables: readonly TableFeatures[] }
  | { readonly kind: "nx_flow"; readonly flows: readonly FlowStats[] }
  | { readonly kind: "nx_aggregate"; readonly packetCount: bigint; readonly byteCount: bigint; readonly flowCount: number }
  | { readonly kind: "raw"; readonly mpType: number; readonly data: Uint8Array };

/** The header fields every decoded message carries (OpenFlow 1.3.5 §7.1 `ofp_header`). */
export interface MessageHeader {
  /** Wire version (0x04 for OpenFlow 1.3). */
  readonly version: number;
  /** Transaction id. */
  readonly xid: number;
}

/** A decoded OpenFlow message; discriminated on `type`. */
export type OfMessage =
  | (MessageHeader & {
      readonly type: "hello";
      /** Versions of the version bitmap element (every bit set, as sent). */
      readonly versions: readonly number[];
      /** The whole message, when it has elements Open vSwitch cannot use (printed as "unknown data in hello"). */
      readonly unknownData?: Uint8Array | undefined;
    })
  | (MessageHeader & { readonly type: "error"; readonly errType: number; readonly code: number; readonly experimenter?: number | undefined; readonly data: Uint8Array })
  | (MessageHeader & { readonly type: "echo_request"; readonly data: Uint8Array })
  | (MessageHeader & { readonly type: "echo_reply"; readonly data: Uint8Array })
  | (MessageHeader & { readonly type: "experimenter"; readonly experimenter: number; readonly expType: number; readonly data: Uint8Array })
  | (MessageHeader & { readonly type: "features_request" })
  | (MessageHeader & {
      readonly type: "features_reply";
      readonly datapathId: bigint;
      readonly nBuffers: number;
      readonly nTables: number;
      readonly auxiliaryId: number;
      readonly capabilities: number;
      /** OpenFlow 1.0 only: the supported actions (bit per `ofp_action_type`). */
      readonly actions?: number | undefined;
      /** OpenFlow 1.0–1.2: the switch's ports (later versions describe them in a multipart reply). */
      readonly ports?: readonly PortDesc[] | undefined;
    })
  | (MessageHeader & { readonly type: "get_config_request" })
  | (MessageHeader & { readonly type: "get_config_reply"; readonly flags: number; readonly missSendLen: number })
  | (MessageHeader & { readonly type: "set_config"; readonly flags: number; readonly missSendLen: number })
  | (MessageHeader & {
      readonly type: "packet_in";
      readonly bufferId: number;
      readonly totalLen: number;
      readonly reason: number;
      readonly tableId: number;
      readonly cookie: bigint;
      readonly match: readonly MatchField[];
      readonly data: Uint8Array;
    })
  | (MessageHeader & {
      readonly type: "flow_removed";
      readonly cookie: bigint;
      readonly priority: number;
      readonly reason: number;
      readonly tableId: number;
      readonly durationSec: number;
      readonly durationNsec: number;
      readonly idleTimeout: number;
      readonly hardTimeout: number;
      readonly packetCount: bigint;
      readonly byteCount: bigint;
      readonly match: readonly MatchField[];
    })
  | (MessageHeader & { readonly type: "port_status"; readonly reason: number; readonly port: PortDesc })
  | (MessageHeader & {
      readonly type: "packet_out";
      readonly bufferId: number;
      readonly inPort: number;
      /** OpenFlow 1.5: the pipeline fields of the packet (in_port among them). */
      readonly match?: readonly MatchField[] | undefined;
      readonly actions: readonly Action[];
      readonly data: Uint8Array;
    })
  | (MessageHeader & FlowMod & { readonly type: "flow_mod" })
  | (MessageHeader &
      GroupProps & {
        readonly type: "group_mod";
        readonly command: number;
        readonly groupType: number;
        readonly groupId: number;
        readonly buckets: readonly Bucket[];
        /** OpenFlow 1.5 command bucket id (insert/remove bucket). */
        readonly commandBucketId?: number | undefined;
      })
  | (MessageHeader & {
      readonly type: "port_mod";
      readonly portNo: number;
      readonly hwAddr: Uint8Array;
      readonly config: number;
      readonly mask: number;
      readonly advertise: number;
    })
  | (MessageHeader & { readonly type: "table_mod"; readonly tableId: number; readonly config: number; /** OpenFlow 1.4+ table_mod properties (raw). */ readonly properties?: Uint8Array | undefined })
  | (MessageHeader & { readonly type: "multipart_request"; readonly flags: number; readonly body: MultipartRequestBody })
  | (MessageHeader & { readonly type: "multipart_reply"; readonly flags: number; readonly body: MultipartReplyBody })
  | (MessageHeader & { readonly type: "barrier_request" })
  | (MessageHeader & { readonly type: "barrier_reply" })
  | (MessageHeader & { readonly type: "role_request"; readonly role: number; readonly generationId: bigint })
  | (MessageHeader & { readonly type: "role_reply"; readonly role: number; readonly generationId: bigint })
  | (MessageHeader & { readonly type: "get_async_request" })
  | (MessageHeader & { readonly type: "get_async_reply"; readonly masks: readonly number[] })
  | (MessageHeader & { readonly type: "set_async"; readonly masks: readonly number[] })
  | (MessageHeader & { readonly type: "meter_mod"; readonly command: number; readonly flags: number; readonly meterId: number; readonly bands: readonly MeterBand[] })
  | (MessageHeader & {
      readonly type: "bundle_control";
      readonly bundleId: number;
      readonly bundleType: number;
      readonly flags: number;
      readonly properties: Uint8Array;
    })
  | (MessageHeader & { readonly type: "bundle_add"; readonly bundleId: number; readonly flags: number; readonly message: Uint8Array; readonly properties: Uint8Array })
  | (MessageHeader & { readonly type: "nx_set_packet_in_format"; readonly format: number })
  | (MessageHeader & NxPacketIn2 & { readonly type: "nx_packet_in2" })
  | (MessageHeader & NxPacketIn2 & { readonly type: "nx_resume" })
  | (MessageHeader & { readonly type: "nx_tlv_table_mod"; readonly command: number; readonly mappings: readonly TlvMapping[] })
  | (MessageHeader & { readonly type: "nx_tlv_table_request" })
  | (MessageHeader & { readonly type: "nx_tlv_table_reply"; readonly maxOptionSpace: number; readonly maxFields: number; readonly mappings: readonly TlvMapping[] })
  | (MessageHeader & { readonly type: "unknown"; readonly msgType: number; readonly body: Uint8Array })
  | Of10Message
  | VersionedMessage;

/** Nicira message subtypes (NXT_*) carried in OFPT_EXPERIMENTER with vendor 0x00002320. */
export const NxMessageSubtype = { SET_PACKET_IN_FORMAT: 16, TLV_TABLE_MOD: 24, TLV_TABLE_REQUEST: 25, TLV_TABLE_REPLY: 26, RESUME: 28, PACKET_IN2: 30 } as const;

/** NXT_TLV_TABLE_MOD commands (Open vSwitch `nx_tlv_table_mod_command`). */
export const TlvTableModCommand = { ADD: 0, DELETE: 1, CLEAR: 2 } as const;

/**
 * One Geneve option ↔ `tun_metadataN` mapping of the switch's TLV table (Open vSwitch
 * `nx_tlv_map`): option class, type and length (bytes, a multiple of 4, at most 124) and the field index.
 */
export interface TlvMapping {
  readonly optionClass: number;
  readonly optionType: number;
  readonly optionLen: number;
  /** N of `tun_metadataN` (0..63). */
  readonly index: number;
}

function readTlvMappings(r: Reader): TlvMapping[] {
  const out: TlvMapping[] = [];
  while (r.remaining > 0) {
    r.need(8, "TLV mapping");
    const optionClass = r.u16();
    const optionType = r.u8();
    const optionLen = r.u8();
    const index = r.u16();
    r.skip(2);
    out.push({ optionClass, optionType, optionLen, index });
  }
  return out;
}

function writeTlvMappings(w: Writer, maps: readonly TlvMapping[]): void {
  for (const t of maps) w.u16(t.optionClass).u8(t.optionType).u8(t.optionLen).u16(t.index).zeros(2);
}

/** Packet-in formats for NXT_SET_PACKET_IN_FORMAT. */
export const NxPacketInFormat = { STANDARD: 0, NXT_PACKET_IN: 1, NXT_PACKET_IN2: 2 } as const;

/**
 * Body of NXT_PACKET_IN2 / NXT_RESUME (Open vSwitch `nx_packet_in2`): a property list. Known
 * properties are decoded; any other property is kept in `extra`.
 */
export interface NxPacketIn2 {
  readonly packet?: Uint8Array | undefined;
  readonly fullLen?: number | undefined;
  readonly bufferId?: number | undefined;
  readonly tableId?: number | undefined;
  readonly cookie?: bigint | undefined;
  readonly reason?: number | undefined;
  /** Pipeline metadata as OXM/NXM fields (NXPINT_METADATA). */
  readonly metadata?: readonly MatchField[] | undefined;
  readonly userdata?: Uint8Array | undefined;
  /** Opaque continuation to hand back in NXT_RESUME (NXPINT_CONTINUATION). */
  readonly continuation?: Uint8Array | undefined;
  readonly extra?: readonly { readonly propType: number; readonly data: Uint8Array }[] | undefined;
}

/** Body of a flow_mod (OpenFlow 1.3.5 §7.3.4.1 `ofp_flow_mod`). */
export interface FlowMod {
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly tableId: number;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly flags: number;
  /** OpenFlow 1.4+ importance (encoded in 1.4/1.5 flow_mods; an OpenFlow 1.3 flow_mod drops it, as ovs-ofctl does). */
  readonly importance?: number | undefined;
  readonly match: readonly MatchField[];
  readonly instructions: readonly Instruction[];
}

/** The type names of {@link OfMessage}. */
export type OfMessageType = OfMessage["type"];

/** ONF experimenter types for bundles in OpenFlow 1.3 (ONFT_BUNDLE_CONTROL / ONFT_BUNDLE_ADD_MESSAGE). */
export const OnfBundleType = { CONTROL: 2300, ADD: 2301 } as const;
const ONF = 0x4f4e4600;

/** Header of one message. */
export interface OfHeader {
  readonly version: number;
  readonly msgType: number;
  readonly length: number;
  readonly xid: number;
}

/** Reads an `ofp_header` (no body). */
export function decodeHeader(bytes: Uint8Array, base = 0): OfHeader {
  const r = new Reader(bytes, "openflow", base);
  const version = r.u8();
  const msgType = r.u8();
  const length = r.u16();
  const xid = r.u32();
  if (length < OFP_HEADER_LEN) r.fail(`message length ${length} < 8`, 2);
  return { version, msgType, length, xid };
}

const NX_VENDOR = 0x00002320;

function readPacketIn2(r: Reader): NxPacketIn2 {
  const out: { -readonly [K in keyof NxPacketIn2]: NxPacketIn2[K] } = {};
  const extra: { propType: number; data: Uint8Array }[] = [];
  for (const { type: t, body: p } of r.properties("packet-in2 property")) {
    switch (t) {
      case 0:
        out.packet = p.take(p.remaining);
        break;
      case 1:
        out.fullLen = p.u32();
        break;
      case 2:
        out.bufferId = p.u32();
        break;
      case 3:
        out.tableId = p.u8();
        break;
      case 4:
        p.skip(4);
        out.cookie = p.u64();
        break;
      case 5:
        out.reason = p.u8();
        break;
      case 6: {
        // OXMs right after the property header (no padding)
        const fields: MatchField[] = [];
        while (p.remaining >= 4) fields.push(decodeOxm(p));
        out.metadata = fields;
        break;
      }
      case 7:
        out.userdata = p.take(p.remaining);
        break;
      case 8:
        p.skip(4);
        out.continuation = p.take(p.remaining);
        break;
      default:
        extra.push({ propType: t, data: p.take(p.remaining) });
    }
  }
  if (extra.length) out.extra = extra;
  return out;
}

function writePacketIn2(w: Writer, m: NxPacketIn2): void {
  const prop = (t: number, body: () => void) => {
    const ps = w.pos;
    w.u16(t);
    const pl = w.reserve16();
    body();
    w.patch16(pl, w.pos - ps);
    w.pad(ps, 8);
  };
  if (m.packet) prop(0, () => w.bytes(m.packet!));
  if (m.fullLen !== undefined) prop(1, () => w.u32(m.fullLen!));
  if (m.bufferId !== undefined) prop(2, () => w.u32(m.bufferId!));
  if (m.tableId !== undefined) prop(3, () => w.u8(m.tableId!));
  if (m.cookie !== undefined) prop(4, () => w.zeros(4).u64(m.cookie!));
  if (m.reason !== undefined) prop(5, () => w.u8(m.reason!));
  if (m.metadata) prop(6, () => {
    for (const f of m.metadata!) encodeOxm(w, f);
  });
  if (m.userdata) prop(7, () => w.bytes(m.userdata!));
  if (m.continuation) prop(8, () => w.zeros(4).bytes(m.continuation!));
  for (const e of m.extra ?? []) prop(e.propType, () => w.bytes(e.data));
}

/** HELLO element type VERSIONBITMAP (OpenFlow 1.3.5 §7.5.1.1). */
const HELLO_ELEM_VERSIONBITMAP = 1;

/** Picks the highest version both sides support, or undefined. */
export function negotiateVersion(ours: readonly number[], theirs: readonly number[], theirHeaderVersion: number): number | undefined {
  const peer = theirs.length ? theirs : Array.from({ length: theirHeaderVersion }, (_, i) => i + 1);
  const common = ours.filter((v) => peer.includes(v) && v <= Math.max(theirHeaderVersion, ...peer));
  return common.length ? Math.max(...common) : undefined;
}

/** Reads an OpenFlow 1.1–1.3 `ofp_port` (64 bytes). */
export function readPort(r: Reader): PortDesc {
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = r.take(6);
  r.skip(2);
  const name = r.str(16);
  return {
    portNo,
    hwAddr,
    name,
    config: r.u32(),
    state: r.u32(),
    curr: r.u32(),
    advertised: r.u32(),
    supported: r.u32(),
    peer: r.u32(),
    currSpeed: r.u32(),
    maxSpeed: r.u32(),
  };
}

/** Writes an OpenFlow 1.1–1.3 `ofp_port` (64 bytes). */
export function writePort(w: Writer, p: PortDesc): void {
  w.u32(p.portNo).zeros(4).bytes(p.hwAddr).zeros(2).str(p.name, 16);
  w.u32(p.config).u32(p.state).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
}

/** Reads an OpenFlow 1.2–1.5 flow/aggregate stats request body (OXM match). */
export function readFlowStatsRequest(r: Reader): FlowStatsRequest {
  const tableId = r.u8();
  r.skip(3);
  const outPort = r.u32();
  const outGroup = r.u32();
  r.skip(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  const match = decodeMatch(r);
  return { tableId, outPort, outGroup, cookie, cookieMask, match };
}

/** Writes an OpenFlow 1.2–1.5 flow/aggregate stats request body (OXM match). */
export function writeFlowStatsRequest(w: Writer, q: FlowStatsRequest): void {
  w.u8(q.tableId).zeros(3).u32(q.outPort).u32(q.outGroup).zeros(4).u64(q.cookie).u64(q.cookieMask);
  encodeMatch(w, q.match);
}

/** Reads OpenFlow 1.1–1.4 group buckets to the end of the reader. */
export function readBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const b = r.entry("bucket", 16, 8, 1, 0);
    b.skip(2);
    const weight = b.u16();
    const watchPort = b.u32();
    const watchGroup = b.u32();
    b.skip(4);
    out.push({ weight, watchPort, watchGroup, actions: decodeActions(b.sub(b.remaining)) });
  }
  return out;
}

/** Writes OpenFlow 1.1–1.4 group buckets. */
export function writeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    const start = w.pos;
    const lenAt = w.reserve16();
    w.u16(b.weight).u32(b.watchPort).u32(b.watchGroup).zeros(4);
    encodeActions(w, b.actions);
    w.patch16(lenAt, w.pos - start);
  }
}

function readBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    const b = r.entry("meter band", 16, 8, 1, 2);
    const bandType = b.u16();
    b.skip(2);
    const rate = b.u32();
    const burstSize = b.u32();
    if (bandType === 2) out.push({ bandType, rate, burstSize, precLevel: b.u8() });
    else if (bandType === 1) out.push({ bandType, rate, burstSize });
    else out.push({ bandType, rate, burstSize, data: b.take(b.remaining) });
  }
  return out;
}

function writeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) {
    const start = w.pos;
    w.u16(b.bandType);
    const lenAt = w.reserve16();
    w.u32(b.rate).u32(b.burstSize);
    if (b.bandType === 2) w.u8(b.precLevel ?? 0).zeros(3);
    else if (b.data) w.bytes(b.data);
    else w.zeros(4);
    w.pad(start, 8);
    w.patch16(lenAt, w.pos - start);
  }
}

function readTableFeatures(r: Reader): TableFeatures[] {
  const out: TableFeatures[] = [];
  while (r.remaining > 0) {
    const e = r.entry("table features", 64, 8, 1, 0);
    e.skip(2);
    const tableId = e.u8();
    const command = e.u8();
    e.skip(4);
    const name = e.str(32);
    const metadataMatch = e.u64();
    const metadataWrite = e.u64();
    const config = e.u32();
    const maxEntries = e.u32();
    const properties: { propType: number; data: Uint8Array }[] = [];
    for (const { type, body } of e.properties("table feature property")) properties.push({ propType: type, data: body.take(body.remaining) });
    out.push({ tableId, name, metadataMatch, metadataWrite, config, maxEntries, ...(command ? { command } : {}), properties });
  }
  return out;
}

function writeTableFeatures(w: Writer, tables: readonly TableFeatures[]): void {
  for (const t of tables) {
    const start = w.pos;
    const lenAt = w.reserve16();
    w.u8(t.tableId).u8(t.command ?? 0, "table_features.command").zeros(4).str(t.name, 32).u64(t.metadataMatch).u64(t.metadataWrite).u32(t.config).u32(t.maxEntries);
    for (const p of t.properties) {
      const ps = w.pos;
      w.u16(p.propType);
      const pl = w.reserve16();
      w.bytes(p.data);
      w.patch16(pl, w.pos - ps);
      w.pad(ps, 8);
    }
    w.patch16(lenAt, w.pos - start);
  }
}

function readMultipartRequest(mpType: number, r: Reader): MultipartRequestBody {
  switch (mpType) {
    case MultipartType.DESC:
      return { kind: "desc" };
    case MultipartType.FLOW:
      return { kind: "flow", request: readFlowStatsRequest(r) };
    case MultipartType.AGGREGATE:
      return { kind: "aggregate", request: readFlowStatsRequest(r) };
    case MultipartType.TABLE:
      return { kind: "table" };
    case MultipartType.PORT_STATS:
      return { kind: "port_stats", portNo: r.u32() };
    case MultipartType.PORT_DESC:
      return { kind: "port_desc" };
    case MultipartType.GROUP:
      return { kind: "group", groupId: r.u32() };
    case MultipartType.GROUP_DESC:
      return { kind: "group_desc" };
    case MultipartType.METER:
      return { kind: "meter", meterId: r.u32() };
    case MultipartType.METER_CONFIG:
      return { kind: "meter_config", meterId: r.u32() };
    case MultipartType.TABLE_FEATURES:
      return { kind: "table_features", tables: readTableFeatures(r) };
    default:
      return { kind: "raw", mpType, data: r.take(r.remaining) };
  }
}

function readMultipartReply(mpType: number, r: Reader): MultipartReplyBody {
  switch (mpType) {
    case MultipartType.DESC:
      return {
        kind: "desc",
        desc: { mfrDesc: r.str(256), hwDesc: r.str(256), swDesc: r.str(256), serialNum: r.str(32), dpDesc: r.str(256) },
      };
    case MultipartType.FLOW: {
      const flows: FlowStats[] = [];
      while (r.remaining > 0) {
        const e = r.entry("flow stats", 56, 8, 1, 0);
        e.skip(2);
        const tableId = e.u8();
        e.skip(1);
        const durationSec = e.u32();
        const durationNsec = e.u32();
        const priority = e.u16();
        const idleTimeout = e.u16();
        const hardTimeout = e.u16();
        const flags = e.u16();
        e.skip(4);
        const cookie = e.u64();
        const packetCount = e.u64();
        const byteCount = e.u64();
        const match = decodeMatch(e);
        const instructions = decodeInstructions(e.sub(e.remaining));
        flows.push({ tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags, cookie, packetCount, byteCount, match, instructions });
      }
      return { kind: "flow", flows };
    }
    case MultipartType.AGGREGATE: {
      const packetCount = r.u64();
      const byteCount = r.u64();
      const flowCount = r.u32();
      return { kind: "aggregate", packetCount, byteCount, flowCount };
    }
    case MultipartType.TABLE: {
      const tables: TableStats[] = [];
      while (r.remaining > 0) {
        const tableId = r.u8();
        r.skip(3);
        tables.push({ tableId, activeCount: r.u32(), lookupCount: r.u64(), matchedCount: r.u64() });
      }
      return { kind: "table", tables };
    }
    case MultipartType.PORT_STATS: {
      const ports: PortStats[] = [];
      while (r.remaining > 0) {
        const portNo = r.u32();
        r.skip(4);
        const counters: bigint[] = [];
        for (let i = 0; i < 12; i++) counters.push(r.u64());
        ports.push({ portNo, counters, durationSec: r.u32(), durationNsec: r.u32() });
      }
      return { kind: "port_stats", ports };
    }
    case MultipartType.PORT_DESC: {
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPort(r));
      return { kind: "port_desc", ports };
    }
    case MultipartType.GROUP_DESC: {
      const groups: { groupType: number; groupId: number; buckets: Bucket[] }[] = [];
      while (r.remaining > 0) {
        const e = r.entry("group desc", 8, 1, 1, 0);
        e.skip(2);
        const groupType = e.u8();
        e.skip(1);
        const groupId = e.u32();
        groups.push({ groupType, groupId, buckets: readBuckets(e.sub(e.remaining)) });
      }
      return { kind: "group_desc", groups };
    }
    case MultipartType.METER_CONFIG: {
      const meters: { flags: number; meterId: number; bands: MeterBand[] }[] = [];
      while (r.remaining > 0) {
        const e = r.entry("meter config", 8, 1, 1, 0);
        e.skip(2);
        const flags = e.u16();
        const meterId = e.u32();
        meters.push({ flags, meterId, bands: readBands(e.sub(e.remaining)) });
      }
      return { kind: "meter_config", meters };
    }
    case MultipartType.GROUP: {
      const groups: GroupStats[] = [];
      while (r.remaining > 0) {
        const e = r.entry("group stats", 40, 16, 1, 0);
        e.skip(4);
        const groupId = e.u32();
        const refCount = e.u32();
        e.skip(4);
        const packetCount = e.u64();
        const byteCount = e.u64();
        const durationSec = e.u32();
        const durationNsec = e.u32();
        const buckets: { packetCount: bigint; byteCount: bigint }[] = [];
        while (e.remaining > 0) buckets.push({ packetCount: e.u64(), byteCount: e.u64() });
        groups.push({ groupId, refCount, packetCount, byteCount, durationSec, durationNsec, buckets });
      }
      return { kind: "group", groups };
    }
    case MultipartType.METER: {
      const meters: MeterStats[] = [];
      while (r.remaining > 0) {
        const e = r.entry("meter stats", 40, 16, 1, 4);
        const meterId = e.u32();
        e.skip(8);
        const flowCount = e.u32();
        const packetInCount = e.u64();
        const byteInCount = e.u64();
        const durationSec = e.u32();
        const durationNsec = e.u32();
        const bands: { packetCount: bigint; byteCount: bigint }[] = [];
        while (e.remaining > 0) bands.push({ packetCount: e.u64(), byteCount: e.u64() });
        meters.push({ meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bands });
      }
      return { kind: "meter", meters };
    }
    case MultipartType.TABLE_FEATURES:
      return { kind: "table_features", tables: readTableFeatures(r) };
    default:
      return { kind: "raw", mpType, data: r.take(r.remaining) };
  }
}

const MP_KIND_TYPE: Record<string, number> = {
  desc: MultipartType.DESC,
  flow: MultipartType.FLOW,
  aggregate: MultipartType.AGGREGATE,
  table: MultipartType.TABLE,
  port_stats: MultipartType.PORT_STATS,
  port_desc: MultipartType.PORT_DESC,
  group: MultipartType.GROUP,
  group_desc: MultipartType.GROUP_DESC,
  meter: MultipartType.METER,
  meter_config: MultipartType.METER_CONFIG,
  table_features: MultipartType.TABLE_FEATURES,
};

/**
 * Decodes one complete message (exactly `header.length` bytes).
 * @param bytes - the message bytes
 * @param base - absolute offset of `bytes[0]`, used in {@link DecodeError}s
 * @throws DecodeError on malformed input
 */
export function decodeMessage(bytes: Uint8Array, base = 0): OfMessage {
  if (bytes.length < OFP_HEADER_LEN) throw new DecodeError("openflow", base, `truncated header: ${bytes.length} bytes`);
  const full = new Reader(bytes, "openflow", base);
  const h = { version: full.u8(), msgType: full.u8(), length: full.u16(), xid: full.u32() };
  if (h.length < OFP_HEADER_LEN) full.fail(`message length ${h.length} < 8`, 2);
  if (h.length > bytes.length) throw new DecodeError("openflow", base + 2, `message length ${h.length} overruns ${bytes.length} available bytes`);
  full.pos = full.start;
  const r = full.sub(h.length, "message");
  r.skip(8);
  const v = h.version;
  const xid = h.xid;
  // HELLO, ERROR and ECHO have the same layout in every version; other OpenFlow 1.0 messages go to
  // v10/messages.ts, 1.1/1.2/1.4/1.5 ones to versions/decode.ts, and 1.3 ones to decodeBody13.
  const queueConfig13 = v === OfpVersion.OF13 && (h.msgType === OfpType.QUEUE_GET_CONFIG_REQUEST || h.msgType === OfpType.QUEUE_GET_CONFIG_REPLY);
  if (v === OfpVersion.OF10 && h.msgType > OfpType.ECHO_REPLY) {
    // OpenFlow 1.0 layouts (v10/messages.ts); vendor messages it leaves are shared with OpenFlow 1.3
    const m10 = decodeOf10Body(h.msgType, r, v, xid);
    if (m10) return m10;
    if (h.msgType === OfpType.EXPERIMENTER) return decodeBody13(h, r);
    return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
  if ((v !== OfpVersion.OF13 && h.msgType > OfpType.ECHO_REPLY) || queueConfig13) {
    // OpenFlow 1.1, 1.2, 1.4 and 1.5: versions/decode.ts, which uses the 1.3 layouts where they are shared
    if (v >= OfpVersion.OF11 && v <= OfpVersion.OF15) return decodeOtherVersion(v, h.msgType, xid, r, (rr) => decodeBody13(h, rr));
    return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
  return decodeBody13(h, r);
}

/** Decodes a body with the OpenFlow 1.3 layouts (`r` positioned after the header). */
function decodeBody13(h: OfHeader, r: Reader): OfMessage {
  const v = h.version;
  const xid = h.xid;
  switch (h.msgType) {
    case OfpType.HELLO: {
      // as Open vSwitch's ofputil_decode_hello(): elements it cannot use make the hello "not fully understood"
      const versions: number[] = [];
      let understood = true;
      while (r.remaining > 0) {
        if (r.remaining < 4) {
          understood = false;
          break;
        }
        const es = r.pos;
        const et = r.u16();
        const el = r.u16();
        const padded = (el + 7) & ~7;
        if (el < 4 || padded > r.remaining + 4) {
          understood = false;
          break;
        }
        r.pos = es;
        const e = r.sub(el, "hello element");
        e.skip(4);
        r.skip(Math.min(r.remaining, padded - el));
        if (et !== HELLO_ELEM_VERSIONBITMAP || e.remaining === 0 || e.remaining % 4 !== 0) {
          understood = false;
          continue;
        }
        let word = 0;
        let first = 0;
        while (e.remaining >= 4) {
          const bits = e.u32();
          if (word === 0) first = bits;
          for (let i = 0; i < 32; i++) if (bits & (1 << i)) versions.push(word * 32 + i);
          word++;
        }
        if ((first & ~1) === 0) understood = false;
      }
      return understood ? { version: v, xid, type: "hello", versions } : { version: v, xid, type: "hello", versions, unknownData: r.window().slice() };
    }
    case OfpType.ERROR: {
      const errType = r.u16();
      const code = r.u16();
      if (errType === 0xffff) {
        const experimenter = r.u32();
        return { version: v, xid, type: "error", errType, code, experimenter, data: r.take(r.remaining) };
      }
      return { version: v, xid, type: "error", errType, code, data: r.take(r.remaining) };
    }
    case OfpType.ECHO_REQUEST:
      return { version: v, xid, type: "echo_request", data: r.take(r.remaining) };
    case OfpType.ECHO_REPLY:
      return { version: v, xid, type: "echo_reply", data: r.take(r.remaining) };
    case OfpType.EXPERIMENTER: {
      const experimenter = r.u32();
      const expType = r.u32();
      if (experimenter === ONF && expType === OnfBundleType.CONTROL) {
        const bundleId = r.u32();
        const bundleType = r.u16();
        const flags = r.u16();
        return { version: v, xid, type: "bundle_control", bundleId, bundleType, flags, properties: r.take(r.remaining) };
      }
      if (experimenter === ONF && expType === OnfBundleType.ADD) {
        const bundleId = r.u32();
        r.skip(2);
        const flags = r.u16();
        const inner = decodeHeader(r.bytes.subarray(r.pos, r.end), r.offset);
        const message = r.take(inner.length, "bundled message");
        r.skip(Math.min(r.remaining, ((inner.length + 7) & ~7) - inner.length));
        return { version: v, xid, type: "bundle_add", bundleId, flags, message, properties: r.take(r.remaining) };
      }
      if (experimenter === NX_VENDOR && expType === NxMessageSubtype.SET_PACKET_IN_FORMAT) {
        return { version: v, xid, type: "nx_set_packet_in_format", format: r.u32() };
      }
      if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_MOD) {
        const command = r.u16();
        r.skip(6);
        return { version: v, xid, type: "nx_tlv_table_mod", command, mappings: readTlvMappings(r) };
      }
      if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_REQUEST) return { version: v, xid, type: "nx_tlv_table_request" };
      if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_REPLY) {
        const maxOptionSpace = r.u32();
        const maxFields = r.u16();
        r.skip(10);
        return { version: v, xid, type: "nx_tlv_table_reply", maxOptionSpace, maxFields, mappings: readTlvMappings(r) };
      }
      if (experimenter === NX_VENDOR && (expType === NxMessageSubtype.PACKET_IN2 || expType === NxMessageSubtype.RESUME)) {
        return { version: v, xid, type: expType === NxMessageSubtype.PACKET_IN2 ? "nx_packet_in2" : "nx_resume", ...readPacketIn2(r) };
      }
      return { version: v, xid, type: "experimenter", experimenter, expType, data: r.take(r.remaining) };
    }
    case OfpType.FEATURES_REQUEST:
      return { version: v, xid, type: "features_request" };
    case OfpType.FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      const capabilities = r.u32();
      return { version: v, xid, type: "features_reply", datapathId, nBuffers, nTables, auxiliaryId, capabilities };
    }
    case OfpType.GET_CONFIG_REQUEST:
      return { version: v, xid, type: "get_config_request" };
    case OfpType.GET_CONFIG_REPLY:
    case OfpType.SET_CONFIG: {
      const flags = r.u16();
      const missSendLen = r.u16();
      return { version: v, xid, type: h.msgType === OfpType.SET_CONFIG ? "set_config" : "get_config_reply", flags, missSendLen };
    }
    case OfpType.PACKET_IN: {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const cookie = r.u64();
      const match = decodeMatch(r);
      r.skip(2);
      return { version: v, xid, type: "packet_in", bufferId, totalLen, reason, tableId, cookie, match, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_REMOVED: {
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const packetCount = r.u64();
      const byteCount = r.u64();
      const match = decodeMatch(r);
      return {
        version: v,
        xid,
        type: "flow_removed",
        cookie,
        priority,
        reason,
        tableId,
        durationSec,
        durationNsec,
        idleTimeout,
        hardTimeout,
        packetCount,
        byteCount,
        match,
      };
    }
    case OfpType.PORT_STATUS: {
      const reason = r.u8();
      r.skip(7);
      return { version: v, xid, type: "port_status", reason, port: readPort(r) };
    }
    case OfpType.PACKET_OUT: {
      const bufferId = r.u32();
      const inPort = r.u32();
      const actionsLen = r.u16();
      r.skip(6);
      const actions = decodeActions(r.sub(actionsLen, "packet_out actions"));
      return { version: v, xid, type: "packet_out", bufferId, inPort, actions, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_MOD:
      return decodeFlowMod(r, v, xid);
    case OfpType.GROUP_MOD: {
      const command = r.u16();
      const groupType = r.u8();
      r.skip(1);
      const groupId = r.u32();
      return { version: v, xid, type: "group_mod", command, groupType, groupId, buckets: readBuckets(r.sub(r.remaining)) };
    }
    case OfpType.PORT_MOD: {
      const portNo = r.u32();
      r.skip(4);
      const hwAddr = r.take(6);
      r.skip(2);
      return { version: v, xid, type: "port_mod", portNo, hwAddr, config: r.u32(), mask: r.u32(), advertise: r.u32() };
    }
    case OfpType.TABLE_MOD: {
      const tableId = r.u8();
      r.skip(3);
      return { version: v, xid, type: "table_mod", tableId, config: r.u32() };
    }
    case OfpType.MULTIPART_REQUEST:
    case OfpType.MULTIPART_REPLY: {
      const mpType = r.u16();
      const flags = r.u16();
      r.skip(4);
      const body = r.sub(r.remaining, "multipart body");
      if (h.msgType === OfpType.MULTIPART_REQUEST) return { version: v, xid, type: "multipart_request", flags, body: readMultipartRequest(mpType, body) };
      return { version: v, xid, type: "multipart_reply", flags, body: readMultipartReply(mpType, body) };
    }
    case OfpType.BARRIER_REQUEST:
      return { version: v, xid, type: "barrier_request" };
    case OfpType.BARRIER_REPLY:
      return { version: v, xid, type: "barrier_reply" };
    case OfpType.ROLE_REQUEST:
    case OfpType.ROLE_REPLY: {
      const role = r.u32();
      r.skip(4);
      const generationId = r.u64();
      return { version: v, xid, type: h.msgType === OfpType.ROLE_REQUEST ? "role_request" : "role_reply", role, generationId };
    }
    case OfpType.GET_ASYNC_REQUEST:
      return { version: v, xid, type: "get_async_request" };
    case OfpType.GET_ASYNC_REPLY:
    case OfpType.SET_ASYNC: {
      const masks: number[] = [];
      for (let i = 0; i < 6; i++) masks.push(r.u32());
      return { version: v, xid, type: h.msgType === OfpType.SET_ASYNC ? "set_async" : "get_async_reply", masks };
    }
    case OfpType.METER_MOD: {
      const command = r.u16();
      const flags = r.u16();
      const meterId = r.u32();
      return { version: v, xid, type: "meter_mod", command, flags, meterId, bands: readBands(r.sub(r.remaining)) };
    }
    default:
      return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
}

function decodeFlowMod(r: Reader, version: number, xid: number): OfMessage {
  const cookie = r.u64();
  const cookieMask = r.u64();
  const tableId = r.u8();
  const command = r.u8();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u32();
  const outGroup = r.u32();
  const flags = r.u16();
  const importance = version >= OfpVersion.OF14 ? r.u16() : (r.skip(2), undefined);
  const match = decodeMatch(r);
  const instructions = decodeInstructions(r.sub(r.remaining, "instructions"));
  return {
    version,
    xid,
    type: "flow_mod",
    cookie,
    cookieMask,
    tableId,
    command,
    idleTimeout,
    hardTimeout,
    priority,
    bufferId,
    outPort,
    outGroup,
    flags,
    ...(importance === undefined ? {} : { importance }),
    match,
    instructions,
  };
}

/** Distributive Omit over a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A message to encode: `version` defaults to 1.3 and `xid` to 0. */
export type OfMessageInput = DistributiveOmit<OfMessage, "version" | "xid"> & { version?: number; xid?: number };

const TYPE_CODE: Record<string, number> = {
  hello: OfpType.HELLO,
  error: OfpType.ERROR,
  echo_request: OfpType.ECHO_REQUEST,
  echo_reply: OfpType.ECHO_REPLY,
  experimenter: OfpType.EXPERIMENTER,
  features_request: OfpType.FEATURES_REQUEST,
  features_reply: OfpType.FEATURES_REPLY,
  get_config_request: OfpType.GET_CONFIG_REQUEST,
  get_config_reply: OfpType.GET_CONFIG_REPLY,
  set_config: OfpType.SET_CONFIG,
  packet_in: OfpType.PACKET_IN,
  flow_removed: OfpType.FLOW_REMOVED,
  port_status: OfpType.PORT_STATUS,
  packet_out: OfpType.PACKET_OUT,
  flow_mod: OfpType.FLOW_MOD,
  group_mod: OfpType.GROUP_MOD,
  port_mod: OfpType.PORT_MOD,
  table_mod: OfpType.TABLE_MOD,
  multipart_request: OfpType.MULTIPART_REQUEST,
  multipart_reply: OfpType.MULTIPART_REPLY,
  barrier_request: OfpType.BARRIER_REQUEST,
  barrier_reply: OfpType.BARRIER_REPLY,
  role_request: OfpType.ROLE_REQUEST,
  role_reply: OfpType.ROLE_REPLY,
  get_async_request: OfpType.GET_ASYNC_REQUEST,
  get_async_reply: OfpType.GET_ASYNC_REPLY,
  set_async: OfpType.SET_ASYNC,
  meter_mod: OfpType.METER_MOD,
  bundle_control: OfpType.EXPERIMENTER,
  bundle_add: OfpType.EXPERIMENTER,
  nx_set_packet_in_format: OfpType.EXPERIMENTER,
  nx_packet_in2: OfpType.EXPERIMENTER,
  nx_resume: OfpType.EXPERIMENTER,
  nx_tlv_table_mod: OfpType.EXPERIMENTER,
  nx_tlv_table_request: OfpType.EXPERIMENTER,
  nx_tlv_table_reply: OfpType.EXPERIMENTER,
};

/**
 * Encodes a message; the header length is reserved and filled afterwards.
 * @throws EncodeError when the message exceeds 65535 bytes or a value does not fit
 */
export function encodeMessage(m: OfMessageInput, w: Writer = new Writer("openflow", 128)): Uint8Array {
  const start = w.pos;
  const version = m.version ?? OfpVersion.OF13;
  // a message kept with the error Open vSwitch refuses it with goes back out as it came
  if (m.type === "rejected") return w.bytes(m.raw).finish().subarray(start);
  if (version === OfpVersion.OF10) {
    const b = encodeOf10Message(m, w);
    if (b) return b;
  }
  const other =
    (version !== OfpVersion.OF13 && version >= OfpVersion.OF11 && version <= OfpVersion.OF15) || m.type === "queue_get_config_request" || m.type === "queue_get_config_reply";
  w.u8(version, "version");
  w.u8(m.type === "unknown" ? m.msgType : ((other ? typeCodeOtherVersion(m.type, version) : undefined) ?? TYPE_CODE[m.type] ?? 0), "type");
  const lenAt = w.reserve16();
  w.u32(m.xid ?? 0, "xid");
  // OpenFlow 1.1, 1.2, 1.4, 1.5 layouts that differ from 1.3: versions/encode.ts
  if (!(other && encodeOtherVersion(w, m, version, start))) switch (m.type) {
    case "hello": {
      if (m.unknownData) w.bytes(m.unknownData.subarray(OFP_HEADER_LEN));
      else if (m.versions.length) {
        w.u16(HELLO_ELEM_VERSIONBITMAP);
        const words = Math.floor(Math.max(...m.versions) / 32) + 1;
        w.u16(4 + words * 4);
        for (let i = 0; i < words; i++) {
          let bits = 0;
          for (const ver of m.versions) if (Math.floor(ver / 32) === i) bits |= 1 << ver % 32;
          w.u32(bits >>> 0);
        }
        w.pad(start, 8);
      }
      break;
    }
    case "error":
      w.u16(m.errType).u16(m.code);
      if (m.errType === 0xffff) w.u32(m.experimenter ?? 0);
      w.bytes(m.data);
      break;
    case "echo_request":
    case "echo_reply":
      w.bytes(m.data);
      break;
    case "experimenter":
      w.u32(m.experimenter).u32(m.expType).bytes(m.data);
      break;
    case "features_request":
    case "get_config_request":
    case "barrier_request":
    case "barrier_reply":
    case "get_async_request":
      break;
    case "features_reply":
      w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(0);
      break;
    case "get_config_reply":
    case "set_config":
      w.u16(m.flags, `${m.type}.flags`).u16(m.missSendLen, `${m.type}.miss_send_len`);
      break;
    case "packet_in":
      w.u32(m.bufferId).u16(m.totalLen).u8(m.reason).u8(m.tableId).u64(m.cookie);
      encodeMatch(w, m.match);
      w.zeros(2).bytes(m.data);
      break;
    case "flow_removed":
      w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId).u32(m.durationSec).u32(m.durationNsec);
      w.u16(m.idleTimeout).u16(m.hardTimeout).u64(m.packetCount).u64(m.byteCount);
      encodeMatch(w, m.match);
      break;
    case "port_status":
      w.u8(m.reason).zeros(7);
      writePort(w, m.port);
      break;
    case "packet_out": {
      w.u32(m.bufferId).u32(m.inPort);
      const alAt = w.reserve16();
      w.zeros(6);
      const as = w.pos;
      encodeActions(w, m.actions);
      w.patch16(alAt, w.pos - as);
      w.bytes(m.data);
      break;
    }
    case "flow_mod":
      w.u64(m.cookie, "flow_mod.cookie").u64(m.cookieMask, "flow_mod.cookie_mask").u8(m.tableId, "flow_mod.table_id").u8(m.command, "flow_mod.command");
      w.u16(m.idleTimeout, "flow_mod.idle_timeout").u16(m.hardTimeout, "flow_mod.hard_timeout").u16(m.priority, "flow_mod.priority");
      // OpenFlow 1.4+ carries importance where 1.3 has padding (1.3 drops it, as ovs-ofctl does)
      w.u32(m.bufferId, "flow_mod.buffer_id").u32(m.outPort, "flow_mod.out_port").u32(m.outGroup, "flow_mod.out_group").u16(m.flags, "flow_mod.flags");
      w.u16(version >= OfpVersion.OF14 ? (m.importance ?? 0) : 0, "flow_mod.importance");
      encodeMatch(w, m.match);
      encodeInstructions(w, m.instructions);
      break;
    case "group_mod":
      w.u16(m.command, "group_mod.command").u8(m.groupType, "group_mod.type").u8(0).u32(m.groupId, "group_mod.group_id");
      writeBuckets(w, m.buckets);
      break;
    case "port_mod":
      w.u32(m.portNo, "port_mod.port_no").zeros(4).bytes(m.hwAddr).zeros(2).u32(m.config, "port_mod.config").u32(m.mask, "port_mod.mask").u32(m.advertise, "port_mod.advertise").zeros(4);
      break;
    case "table_mod":
      w.u8(m.tableId).zeros(3).u32(m.config);
      break;
    case "multipart_request": {
      const body = m.body;
      w.u16(body.kind === "raw" ? body.mpType : (MP_KIND_TYPE[body.kind] ?? 0)).u16(m.flags).zeros(4);
      switch (body.kind) {
        case "flow":
        case "aggregate":
          writeFlowStatsRequest(w, body.request);
          break;
        case "port_stats":
          w.u32(body.portNo).zeros(4);
          break;
        case "group":
          w.u32(body.groupId).zeros(4);
          break;
        case "meter":
        case "meter_config":
          w.u32(body.meterId).zeros(4);
          break;
        case "table_features":
          writeTableFeatures(w, body.tables);
          break;
        case "raw":
          w.bytes(body.data);
          break;
        default:
          break;
      }
      break;
    }
    case "multipart_reply": {
      const body = m.body;
      w.u16(body.kind === "raw" ? body.mpType : (MP_KIND_TYPE[body.kind] ?? 0)).u16(m.flags).zeros(4);
      switch (body.kind) {
        case "desc":
          w.str(body.desc.mfrDesc, 256).str(body.desc.hwDesc, 256).str(body.desc.swDesc, 256).str(body.desc.serialNum, 32).str(body.desc.dpDesc, 256);
          break;
        case "flow":
          for (const f of body.flows) {
            const fs = w.pos;
            const fl = w.reserve16();
            w.u8(f.tableId).u8(0).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
            w.u16(f.flags).zeros(4).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
            encodeMatch(w, f.match);
            encodeInstructions(w, f.instructions);
            w.patch16(fl, w.pos - fs);
          }
          break;
        case "aggregate":
          w.u64(body.packetCount).u64(body.byteCount).u32(body.flowCount).zeros(4);
          break;
        case "table":
          for (const t of body.tables) w.u8(t.tableId).zeros(3).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
          break;
        case "port_stats":
          for (const p of body.ports) {
            w.u32(p.portNo).zeros(4);
            for (let i = 0; i < 12; i++) w.u64(p.counters[i] ?? 0n);
            w.u32(p.durationSec).u32(p.durationNsec);
          }
          break;
        case "port_desc":
          for (const p of body.ports) writePort(w, p);
          break;
        case "group_desc":
          for (const g of body.groups) {
            const gs = w.pos;
            const gl = w.reserve16();
            w.u8(g.groupType).u8(0).u32(g.groupId);
            writeBuckets(w, g.buckets);
            w.patch16(gl, w.pos - gs);
          }
          break;
        case "meter_config":
          for (const mc of body.meters) {
            const ms = w.pos;
            const ml = w.reserve16();
            w.u16(mc.flags).u32(mc.meterId);
            writeBands(w, mc.bands);
            w.patch16(ml, w.pos - ms);
          }
          break;
        case "group":
          for (const g of body.groups) {
            const gs = w.pos;
            const gl = w.reserve16();
            w.zeros(2).u32(g.groupId).u32(g.refCount).zeros(4).u64(g.packetCount).u64(g.byteCount).u32(g.durationSec).u32(g.durationNsec);
            for (const b of g.buckets) w.u64(b.packetCount).u64(b.byteCount);
            w.patch16(gl, w.pos - gs);
          }
          break;
        case "meter":
          for (const mt of body.meters) {
            const ms = w.pos;
            w.u32(mt.meterId);
            const ml = w.reserve16();
            w.zeros(6).u32(mt.flowCount).u64(mt.packetInCount).u64(mt.byteInCount).u32(mt.durationSec).u32(mt.durationNsec);
            for (const b of mt.bands) w.u64(b.packetCount).u64(b.byteCount);
            w.patch16(ml, w.pos - ms);
          }
          break;
        case "table_features":
          writeTableFeatures(w, body.tables);
          break;
        case "raw":
          w.bytes(body.data);
          break;
      }
      break;
    }
    case "role_request":
    case "role_reply":
      w.u32(m.role).zeros(4).u64(m.generationId);
      break;
    case "get_async_reply":
    case "set_async":
      for (let i = 0; i < 6; i++) w.u32(m.masks[i] ?? 0);
      break;
    case "meter_mod":
      w.u16(m.command).u16(m.flags).u32(m.meterId);
      writeBands(w, m.bands);
      break;
    case "bundle_control":
      w.u32(ONF).u32(OnfBundleType.CONTROL).u32(m.bundleId).u16(m.bundleType).u16(m.flags).bytes(m.properties);
      break;
    case "bundle_add":
      w.u32(ONF).u32(OnfBundleType.ADD).u32(m.bundleId).zeros(2).u16(m.flags).bytes(m.message);
      if (m.properties.length) {
        w.pad(start, 8);
        w.bytes(m.properties);
      }
      break;
    case "nx_set_packet_in_format":
      w.u32(NX_VENDOR).u32(NxMessageSubtype.SET_PACKET_IN_FORMAT).u32(m.format);
      break;
    case "nx_packet_in2":
    case "nx_resume":
      w.u32(NX_VENDOR).u32(m.type === "nx_packet_in2" ? NxMessageSubtype.PACKET_IN2 : NxMessageSubtype.RESUME);
      writePacketIn2(w, m);
      break;
    case "nx_tlv_table_mod":
      w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_MOD).u16(m.command).zeros(6);
      writeTlvMappings(w, m.mappings);
      break;
    case "nx_tlv_table_request":
      w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_REQUEST);
      break;
    case "nx_tlv_table_reply":
      w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_REPLY).u32(m.maxOptionSpace).u16(m.maxFields).zeros(10);
      writeTlvMappings(w, m.mappings);
      break;
    case "unknown":
      w.bytes(m.body);
      break;
    default:
      throw new EncodeError("openflow", m.type, "an OpenFlow 1.0 message needs version 1");
  }
  const len = w.pos - start;
  if (len > OFP_MAX_MESSAGE_LEN) throw new EncodeError("openflow", "length", `message of ${len} bytes exceeds 65535`);
  w.patch16(lenAt, len);
  return w.finish().subarray(start);
}

/** Default flow_mod fields (ADD, table 0, priority 32768, no buffer, any port/group). */
export function flowMod(p: Partial<FlowMod>): FlowMod {
  return {
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0x8000,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match: [],
    instructions: [],
    ...p,
  };
}

/** Multipart "more" flag (OFPMPF_REQ_MORE / OFPMPF_REPLY_MORE). */
export const OFPMPF_MORE = 1;

/** Concatenates the flow entries / ports / tables of a sequence of multipart replies (reassembly). */
export function mergeMultipartReplies(parts: readonly MultipartReplyBody[]): MultipartReplyBody {
  const first = parts[0];
  if (!first) throw new EncodeError("openflow", "parts", "no multipart parts");
  if (parts.length === 1) return first;
  switch (first.kind) {
    case "flow":
      return { kind: "flow", flows: parts.flatMap((p) => (p.kind === "flow" ? p.flows : [])) };
    case "nx_flow":
      return { kind: "nx_flow", flows: parts.flatMap((p) => (p.kind === "nx_flow" ? p.flows : [])) };
    case "table":
      return { kind: "table", tables: parts.flatMap((p) => (p.kind === "table" ? p.tables : [])) };
    case "port_stats":
      return { kind: "port_stats", ports: parts.flatMap((p) => (p.kind === "port_stats" ? p.ports : [])) };
    case "port_desc":
      return { kind: "port_desc", ports: parts.flatMap((p) => (p.kind === "port_desc" ? p.ports : [])) };
    case "group_desc":
      return { kind: "group_desc", groups: parts.flatMap((p) => (p.kind === "group_desc" ? p.groups : [])) };
    case "meter_config":
      return { kind: "meter_config", meters: parts.flatMap((p) => (p.kind === "meter_config" ? p.meters : [])) };
    case "group":
      return { kind: "group", groups: parts.flatMap((p) => (p.kind === "group" ? p.groups : [])) };
    case "meter":
      return { kind: "meter", meters: parts.flatMap((p) => (p.kind === "meter" ? p.meters : [])) };
    case "table_features":
      return { kind: "table_features", tables: parts.flatMap((p) => (p.kind === "table_features" ? p.tables : [])) };
    case "raw": {
      const total = parts.reduce((n, p) => n + (p.kind === "raw" ? p.data.length : 0), 0);
      const data = new Uint8Array(total);
      let o = 0;
      for (const p of parts)
        if (p.kind === "raw") {
          data.set(p.data, o);
          o += p.data.length;
        }
      return { kind: "raw", mpType: first.mpType, data };
    }
    default:
      return first;
  }
}
