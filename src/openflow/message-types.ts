/**
 * The OpenFlow message model: the common header (OpenFlow 1.3.5 §7.1), the decoded message union
 * {@link OfMessage} (discriminated on `type`), and the body types it uses (ports, flow/port/table/group/meter
 * statistics, buckets, bands, table features, Nicira and ONF experimenter bodies).
 *
 * @module
 */
import type { Action, Instruction } from "./actions.js";
import type { MatchField } from "./oxm.js";
import type { Of10Message } from "./v10/messages.js";
import type { VersionedMessage } from "./versions/types.js";
import type { CtFlushMatch } from "./ct-flush.js";

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

/** Body of a flow-removed notification (OpenFlow 1.3.5 §7.4.2 `ofp_flow_removed`; Nicira NXT_FLOW_REMOVED alike). */
export interface FlowRemoved {
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
  | (MessageHeader & FlowRemoved & { readonly type: "flow_removed" })
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
  | (MessageHeader & CtFlushMatch & { readonly type: "nx_ct_flush" })
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
/** Header of one message. */
export interface OfHeader {
  readonly version: number;
  readonly msgType: number;
  readonly length: number;
  readonly xid: number;
}

/** Distributive Omit over a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A message to encode: `version` defaults to 1.3 and `xid` to 0. */
export type OfMessageInput = DistributiveOmit<OfMessage, "version" | "xid"> & { version?: number; xid?: number };

/** Multipart "more" flag (OFPMPF_REQ_MORE / OFPMPF_REPLY_MORE). */
export const OFPMPF_MORE = 1;
