/**
 * OpenFlow numeric codes with their spec names (OpenFlow 1.3.5 §7 "The OpenFlow Protocol").
 *
 * @module
 */

/** Wire protocol versions (OpenFlow 1.3.5 §7.1 `ofp_header.version`). */
export const OfpVersion = {
  /** OpenFlow 1.0 (wire 0x01). */
  OF10: 0x01,
  /** OpenFlow 1.1. */
  OF11: 0x02,
  /** OpenFlow 1.2. */
  OF12: 0x03,
  /** OpenFlow 1.3 (wire 0x04). */
  OF13: 0x04,
  /** OpenFlow 1.4. */
  OF14: 0x05,
  /** OpenFlow 1.5 (wire 0x06). */
  OF15: 0x06,
} as const;

/** Message types (OpenFlow 1.3.5 §7.1 `ofp_type`; 30+ are OpenFlow 1.4/1.5). */
export const OfpType = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  EXPERIMENTER: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  GROUP_MOD: 15,
  PORT_MOD: 16,
  TABLE_MOD: 17,
  MULTIPART_REQUEST: 18,
  MULTIPART_REPLY: 19,
  BARRIER_REQUEST: 20,
  BARRIER_REPLY: 21,
  QUEUE_GET_CONFIG_REQUEST: 22,
  QUEUE_GET_CONFIG_REPLY: 23,
  ROLE_REQUEST: 24,
  ROLE_REPLY: 25,
  GET_ASYNC_REQUEST: 26,
  GET_ASYNC_REPLY: 27,
  SET_ASYNC: 28,
  METER_MOD: 29,
} as const;

/** Multipart types (OpenFlow 1.3.5 §7.3.5 `ofp_multipart_type`). */
export const MultipartType = {
  DESC: 0,
  FLOW: 1,
  AGGREGATE: 2,
  TABLE: 3,
  PORT_STATS: 4,
  QUEUE: 5,
  GROUP: 6,
  GROUP_DESC: 7,
  GROUP_FEATURES: 8,
  METER: 9,
  METER_CONFIG: 10,
  METER_FEATURES: 11,
  TABLE_FEATURES: 12,
  PORT_DESC: 13,
  EXPERIMENTER: 0xffff,
} as const;

/** flow_mod commands (OpenFlow 1.3.5 §7.3.4.1 `ofp_flow_mod_command`). */
export const FlowModCommand = { ADD: 0, MODIFY: 1, MODIFY_STRICT: 2, DELETE: 3, DELETE_STRICT: 4 } as const;

/** flow_mod flags (OpenFlow 1.3.5 §7.3.4.1 `ofp_flow_mod_flags`). */
export const FlowModFlags = { SEND_FLOW_REM: 1, CHECK_OVERLAP: 2, RESET_COUNTS: 4, NO_PKT_COUNTS: 8, NO_BYT_COUNTS: 16 } as const;

/** Controller roles (OpenFlow 1.3.5 §7.3.9 `ofp_controller_role`). */
export const ControllerRole = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;

/** Packet-in reasons (OpenFlow 1.3.5 §7.4.1 `ofp_packet_in_reason`). */
export const PacketInReason = { NO_MATCH: 0, ACTION: 1, INVALID_TTL: 2 } as const;

/** Flow-removed reasons (OpenFlow 1.3.5 §7.4.2 `ofp_flow_removed_reason`). */
export const FlowRemovedReason = { IDLE_TIMEOUT: 0, HARD_TIMEOUT: 1, DELETE: 2, GROUP_DELETE: 3 } as const;

/** Port-status reasons (OpenFlow 1.3.5 §7.4.3 `ofp_port_reason`). */
export const PortReason = { ADD: 0, DELETE: 1, MODIFY: 2 } as const;

/** Buffer id meaning "no buffer" (OpenFlow 1.3.5 §7.2.1 OFP_NO_BUFFER). */
export const OFP_NO_BUFFER = 0xffffffff;
/** Group "any" (OFPG_ANY). */
export const OFPG_ANY = 0xffffffff;
/** Table "all" (OFPTT_ALL). */
export const OFPTT_ALL = 0xff;

/** Error types (OpenFlow 1.3.5 §7.4.4 `ofp_error_type`). */
export const ErrorType = {
  HELLO_FAILED: 0,
  BAD_REQUEST: 1,
  BAD_ACTION: 2,
  BAD_INSTRUCTION: 3,
  BAD_MATCH: 4,
  FLOW_MOD_FAILED: 5,
  GROUP_MOD_FAILED: 6,
  PORT_MOD_FAILED: 7,
  TABLE_MOD_FAILED: 8,
  QUEUE_OP_FAILED: 9,
  SWITCH_CONFIG_FAILED: 10,
  ROLE_REQUEST_FAILED: 11,
  METER_MOD_FAILED: 12,
  TABLE_FEATURES_FAILED: 13,
  EXPERIMENTER: 0xffff,
} as const;

/** Name prefix and code names for each error type (OpenFlow 1.3.5 §7.4.4). */
export const ERROR_CODES: Readonly<Record<number, { readonly prefix: string; readonly codes: readonly string[] }>> = {
  0: { prefix: "OFPHFC", codes: ["INCOMPATIBLE", "EPERM"] },
  1: {
    prefix: "OFPBRC",
    codes: [
      "BAD_VERSION",
      "BAD_TYPE",
      "BAD_MULTIPART",
      "BAD_EXPERIMENTER",
      "BAD_EXP_TYPE",
      "EPERM",
      "BAD_LEN",
      "BUFFER_EMPTY",
      "BUFFER_UNKNOWN",
      "BAD_TABLE_ID",
      "IS_SLAVE",
      "BAD_PORT",
      "BAD_PACKET",
      "MULTIPART_BUFFER_OVERFLOW",
    ],
  },
  2: {
    prefix: "OFPBAC",
    codes: [
      "BAD_TYPE",
      "BAD_LEN",
      "BAD_EXPERIMENTER",
      "BAD_EXP_TYPE",
      "BAD_OUT_PORT",
      "BAD_ARGUMENT",
      "EPERM",
      "TOO_MANY",
      "BAD_QUEUE",
      "BAD_OUT_GROUP",
      "MATCH_INCONSISTENT",
      "UNSUPPORTED_ORDER",
      "BAD_TAG",
      "BAD_SET_TYPE",
      "BAD_SET_LEN",
      "BAD_SET_ARGUMENT",
    ],
  },
  3: {
    prefix: "OFPBIC",
    codes: [
      "UNKNOWN_INST",
      "UNSUP_INST",
      "BAD_TABLE_ID",
      "UNSUP_METADATA",
      "UNSUP_METADATA_MASK",
      "BAD_EXPERIMENTER",
      "BAD_EXP_TYPE",
      "BAD_LEN",
      "EPERM",
    ],
  },
  4: {
    prefix: "OFPBMC",
    codes: [
      "BAD_TYPE",
      "BAD_LEN",
      "BAD_TAG",
      "BAD_DL_ADDR_MASK",
      "BAD_NW_ADDR_MASK",
      "BAD_WILDCARDS",
      "BAD_FIELD",
      "BAD_VALUE",
      "BAD_MASK",
      "BAD_PREREQ",
      "DUP_FIELD",
      "EPERM",
    ],
  },
  5: { prefix: "OFPFMFC", codes: ["UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS"] },
  6: {
    prefix: "OFPGMFC",
    codes: [
      "GROUP_EXISTS",
      "INVALID_GROUP",
      "WEIGHT_UNSUPPORTED",
      "OUT_OF_GROUPS",
      "OUT_OF_BUCKETS",
      "CHAINING_UNSUPPORTED",
      "WATCH_UNSUPPORTED",
      "LOOP",
      "UNKNOWN_GROUP",
      "CHAINED_GROUP",
      "BAD_TYPE",
      "BAD_COMMAND",
      "BAD_BUCKET",
      "BAD_WATCH",
      "EPERM",
    ],
  },
  7: { prefix: "OFPPMFC", codes: ["BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM"] },
  8: { prefix: "OFPTMFC", codes: ["BAD_TABLE", "BAD_CONFIG", "EPERM"] },
  9: { prefix: "OFPQOFC", codes: ["BAD_PORT", "BAD_QUEUE", "EPERM"] },
  10: { prefix: "OFPSCFC", codes: ["BAD_FLAGS", "BAD_LEN", "EPERM"] },
  11: { prefix: "OFPRRFC", codes: ["STALE", "UNSUP", "BAD_ROLE"] },
  12: {
    prefix: "OFPMMFC",
    codes: [
      "UNKNOWN",
      "METER_EXISTS",
      "INVALID_METER",
      "UNKNOWN_METER",
      "BAD_COMMAND",
      "BAD_FLAGS",
      "BAD_RATE",
      "BAD_BURST",
      "BAD_BAND",
      "BAD_BAND_VALUE",
      "OUT_OF_METERS",
      "OUT_OF_BANDS",
    ],
  },
  13: { prefix: "OFPTFFC", codes: ["BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN", "BAD_ARGUMENT", "EPERM"] },
};

/**
 * Names of the Nicira experimenter errors (OFPET_EXPERIMENTER with experimenter 0x00002320 in
 * OpenFlow 1.2+), by experimenter code, as Open vSwitch 3.1 names them.
 */
const NX_ERROR_CODES: Record<number, string> = {
  2: "NXBRC_NXM_INVALID",
  3: "NXBRC_NXM_BAD_TYPE",
  4: "NXBRC_MUST_BE_ZERO",
  5: "NXBRC_BAD_REASON",
  6: "OFPMOFC_MONITOR_EXISTS",
  7: "OFPMOFC_BAD_FLAGS",
  8: "OFPMOFC_UNKNOWN_MONITOR",
  9: "NXBRC_FM_BAD_EVENT",
  10: "NXBRC_UNENCODABLE_ERROR",
  11: "NXBAC_MUST_BE_ZERO",
  12: "NXFMFC_HARDWARE",
  13: "NXFMFC_BAD_TABLE_ID",
  15: "NXBAC_BAD_CONJUNCTION",
  16: "NXTTMFC_BAD_COMMAND",
  17: "NXTTMFC_BAD_OPT_LEN",
  18: "NXTTMFC_BAD_FIELD_IDX",
  19: "NXTTMFC_TABLE_FULL",
  20: "NXTTMFC_ALREADY_MAPPED",
  21: "NXTTMFC_DUP_ENTRY",
  34: "NXR_NOT_SUPPORTED",
  35: "NXR_STALE",
  36: "NXST_NOT_CONFIGURED",
  37: "NXFMFC_INVALID_TLV_FIELD",
  38: "NXTTMFC_INVALID_TLV_DEL",
  39: "NXBAC_BAD_HEADER_TYPE",
  40: "NXBAC_UNKNOWN_ED_PROP",
  41: "NXBAC_BAD_ED_PROP",
  42: "NXBAC_CT_DATAPATH_SUPPORT",
  43: "NXBMC_CT_DATAPATH_SUPPORT",
  44: "NXTFFC_DUP_TABLE",
};

/** Name of a Nicira experimenter error code (e.g. `NXTTMFC_ALREADY_MAPPED`); undefined when unknown. */
export function nxErrorName(code: number): string | undefined {
  return NX_ERROR_CODES[code];
}

/** Spec name of an error type, e.g. `OFPET_BAD_MATCH`. */
export function errorTypeName(type: number): string {
  const e = Object.entries(ErrorType).find(([, v]) => v === type);
  return e ? `OFPET_${e[0]}` : `OFPET_UNKNOWN_${type}`;
}

/** Spec name of an error code, e.g. `OFPBMC_BAD_PREREQ`; undefined when unknown. */
export function errorCodeName(type: number, code: number): string | undefined {
  const t = ERROR_CODES[type];
  const c = t?.codes[code];
  return t && c ? `${t.prefix}_${c}` : undefined;
}
