/**
 * The OpenFlow action and instruction model: the action union {@link Action} (OpenFlow 1.3.5 §7.2.5 and the
 * Nicira / ONF extensions Open vSwitch speaks), instructions (§7.2.4), their type codes and flag constants,
 * and {@link SubField} bit ranges.
 *
 * @module
 */
import type { MatchField } from "./oxm.js";
import type { LegacyAction } from "./v10/actions.js";

/** OpenFlow 1.3 action types (OpenFlow 1.3.5 §7.2.5 `ofp_action_type`). */
export const ActionType = {
  OUTPUT: 0,
  COPY_TTL_OUT: 11,
  COPY_TTL_IN: 12,
  SET_MPLS_TTL: 15,
  DEC_MPLS_TTL: 16,
  PUSH_VLAN: 17,
  POP_VLAN: 18,
  PUSH_MPLS: 19,
  POP_MPLS: 20,
  SET_QUEUE: 21,
  GROUP: 22,
  SET_NW_TTL: 23,
  DEC_NW_TTL: 24,
  SET_FIELD: 25,
  PUSH_PBB: 26,
  POP_PBB: 27,
  EXPERIMENTER: 0xffff,
} as const;

/** Nicira action subtypes (`NXAST_*` in nicira-ext.h / ovs-actions(7)). */
export const NxActionSubtype = {
  RESUBMIT: 1,
  SET_TUNNEL: 2,
  SET_QUEUE: 4,
  POP_QUEUE: 5,
  REG_MOVE: 6,
  REG_LOAD: 7,
  NOTE: 8,
  SET_TUNNEL64: 9,
  MULTIPATH: 10,
  BUNDLE: 12,
  BUNDLE_LOAD: 13,
  RESUBMIT_TABLE: 14,
  OUTPUT_REG: 15,
  LEARN: 16,
  EXIT: 17,
  DEC_TTL: 18,
  FIN_TIMEOUT: 19,
  CONTROLLER: 20,
  DEC_TTL_CNT_IDS: 21,
  WRITE_METADATA: 22,
  STACK_PUSH: 27,
  STACK_POP: 28,
  SAMPLE: 29,
  OUTPUT_REG2: 32,
  REG_LOAD2: 33,
  CONJUNCTION: 34,
  CT: 35,
  NAT: 36,
  CONTROLLER2: 37,
  SAMPLE2: 38,
  OUTPUT_TRUNC: 39,
  SAMPLE3: 41,
  CLONE: 42,
  CT_CLEAR: 43,
  RESUBMIT_TABLE_CT: 44,
  LEARN2: 45,
  ENCAP: 46,
  DECAP: 47,
  DEC_NSH_TTL: 48,
  CHECK_PKT_LARGER: 49,
  DELETE_FIELD: 50,
  /** Open vSwitch's debugging action (decoded only by a daemon started with --enable-dummy). */
  DEBUG_SLOW: 254,
  /** Open vSwitch's debugging action (decoded only by a daemon started with --enable-dummy). */
  DEBUG_RECIRC: 255,
} as const;

/** OpenFlow 1.5 OFPAT_COPY_FIELD (action type 28; Open vSwitch sends `move` this way in OpenFlow 1.5). */
export const OFPAT15_COPY_FIELD = 28;

/** OpenFlow 1.5 OFPAT_METER (action type 29; Open vSwitch sends `meter:N` this way in OpenFlow 1.5). */
export const OFPAT15_METER = 29;

/** ONF experimenter action type for copy_field in OpenFlow 1.3 (ONFACT_ET_COPY_FIELD). */
export const ONF_COPY_FIELD = 3200;

/** Instruction types (OpenFlow 1.3.5 §7.2.4 `ofp_instruction_type`). */
export const InstructionType = {
  GOTO_TABLE: 1,
  WRITE_METADATA: 2,
  WRITE_ACTIONS: 3,
  APPLY_ACTIONS: 4,
  CLEAR_ACTIONS: 5,
  METER: 6,
  EXPERIMENTER: 0xffff,
} as const;

/** Reserved port numbers (OpenFlow 1.3.5 §7.2.1 `ofp_port_no`). */
export const OfpPort = {
  MAX: 0xffffff00,
  IN_PORT: 0xfffffff8,
  TABLE: 0xfffffff9,
  NORMAL: 0xfffffffa,
  FLOOD: 0xfffffffb,
  ALL: 0xfffffffc,
  CONTROLLER: 0xfffffffd,
  LOCAL: 0xfffffffe,
  ANY: 0xffffffff,
} as const;

/** A bit range of a field (`reg0[0..15]`), as used by Nicira actions. */
export interface SubField {
  /** Field name (see `FIELD_DEFS`) or `"unknown"`. */
  readonly field: string;
  /** NXM/OXM header word naming the field in the action (without mask bit). */
  readonly header: number;
  /** Experimenter ID when `header` is an experimenter header. */
  readonly experimenter?: number | undefined;
  /** First bit. */
  readonly ofs: number;
  /** Number of bits. */
  readonly nbits: number;
}

/** `ct` action flags (NX_CT_F_*). */
export const CtFlags = { COMMIT: 1, FORCE: 2 } as const;
/** `nat` flags (NX_NAT_F_*). */
export const NatFlags = { SRC: 1, DST: 2, PERSISTENT: 4, PROTO_HASH: 8, PROTO_RANDOM: 16 } as const;
/** `nat` range-present bits (NX_NAT_RANGE_*). */
export const NatRange = { IPV4_MIN: 1, IPV4_MAX: 2, IPV6_MIN: 4, IPV6_MAX: 8, PROTO_MIN: 16, PROTO_MAX: 32 } as const;
/** `learn` flags (NX_LEARN_F_*). */
export const LearnFlags = { SEND_FLOW_REM: 1, DELETE_LEARNED: 2, WRITE_RESULT: 4 } as const;

/** One `learn` flow_mod spec. */
export interface LearnSpec {
  /** 0 = add a match, 1 = load into the learned flow's action, 2 = output to a port taken from a field. */
  readonly dst: "match" | "load" | "output";
  /** Number of bits copied. */
  readonly nbits: number;
  /** Source: a subfield or an immediate value (big-endian bytes, length 2*ceil(nbits/16)). */
  readonly src: { readonly kind: "field"; readonly sf: SubField } | { readonly kind: "imm"; readonly value: Uint8Array };
  /** Destination subfield (absent for `output`). */
  readonly dstField?: SubField | undefined;
}

/** A decoded action. Discriminated on `type`. */
export type Action =
  | { readonly type: "output"; readonly port: number; readonly maxLen: number }
  | { readonly type: "copy_ttl_out" }
  | { readonly type: "copy_ttl_in" }
  | { readonly type: "set_mpls_ttl"; readonly ttl: number }
  | { readonly type: "dec_mpls_ttl" }
  | { readonly type: "push_vlan"; readonly ethertype: number }
  | { readonly type: "pop_vlan" }
  | { readonly type: "push_mpls"; readonly ethertype: number }
  | { readonly type: "pop_mpls"; readonly ethertype: number }
  | { readonly type: "set_queue"; readonly queueId: number }
  | { readonly type: "group"; readonly groupId: number }
  | { readonly type: "set_nw_ttl"; readonly ttl: number }
  | { readonly type: "dec_nw_ttl" }
  | {
      readonly type: "set_field";
      readonly field: MatchField;
      /**
       * Written as `mod_tp_src`/`mod_tp_dst` of an SCTP flow (Open vSwitch's SET_L4_SRC_PORT/DST_PORT): OpenFlow
       * 1.0 and 1.1 carry it as their own set_tp action, as for TCP and UDP, where a set_field of an SCTP port
       * is a Nicira load.
       */
      readonly l4Port?: true | undefined;
    }
  | { readonly type: "push_pbb"; readonly ethertype: number }
  | { readonly type: "pop_pbb" }
  | { readonly type: "resubmit"; readonly inPort: number; readonly table: number; readonly ct: boolean; readonly withTable: boolean }
  | { readonly type: "set_tunnel"; readonly tunId: bigint; readonly wide: boolean }
  | { readonly type: "nx_set_queue"; readonly queueId: number }
  | { readonly type: "pop_queue" }
  | {
      readonly type: "reg_move";
      readonly src: SubField;
      readonly dst: SubField;
      /** Wire form: Nicira NXAST_REG_MOVE (default), the ONF copy_field extension OVS uses in OpenFlow 1.3 replies, or OpenFlow 1.5 OFPAT_COPY_FIELD. */
      readonly encoding?: "nx" | "onf" | "of15" | undefined;
    }
  | { readonly type: "reg_load"; readonly dst: SubField; readonly value: bigint }
  | { readonly type: "reg_load2"; readonly field: MatchField }
  | { readonly type: "note"; readonly data: Uint8Array }
  | { readonly type: "output_reg"; readonly src: SubField; readonly maxLen: number; readonly v2: boolean }
  | { readonly type: "output_trunc"; readonly port: number; readonly maxLen: number }
  /** OpenFlow 1.5 OFPAT_METER (an action there; an instruction in OpenFlow 1.3 and 1.4). */
  | { readonly type: "meter"; readonly meterId: number }
  | { readonly type: "exit" }
  | { readonly type: "dec_ttl"; readonly controllerIds: readonly number[] | undefined }
  | { readonly type: "fin_timeout"; readonly idle: number; readonly hard: number }
  | { readonly type: "controller"; readonly maxLen: number; readonly controllerId: number; readonly reason: number }
  | {
      readonly type: "controller2";
      readonly maxLen?: number | undefined;
      readonly controllerId?: number | undefined;
      readonly reason?: number | undefined;
      readonly userdata?: Uint8Array | undefined;
      readonly pause: boolean;
      readonly meterId?: number | undefined;
    }
  | { readonly type: "stack_push"; readonly sf: SubField }
  | { readonly type: "stack_pop"; readonly sf: SubField }
  | {
      readonly type: "sample";
      readonly version: 1 | 2 | 3;
      readonly probability: number;
      readonly collectorSetId: number;
      readonly obsDomainId: number;
      readonly obsPointId: number;
      readonly samplingPort: number;
      readonly direction: number;
    }
  | { readonly type: "conjunction"; readonly id: number; readonly clause: number; readonly nClauses: number }
  | {
      readonly type: "ct";
      readonly flags: number;
      readonly zoneSrc: SubField | undefined;
      readonly zone: number;
      readonly recircTable: number;
      readonly alg: number;
      readonly actions: readonly Action[];
    }
  | {
      readonly type: "nat";
      readonly flags: number;
      readonly ipv4Min?: Uint8Array | undefined;
      readonly ipv4Max?: Uint8Array | undefined;
      readonly ipv6Min?: Uint8Array | undefined;
      readonly ipv6Max?: Uint8Array | undefined;
      readonly protoMin?: number | undefined;
      readonly protoMax?: number | undefined;
    }
  | { readonly type: "ct_clear" }
  | { readonly type: "clone"; readonly actions: readonly Action[] }
  | { readonly type: "check_pkt_larger"; readonly pktLen: number; readonly dst: SubField }
  | { readonly type: "delete_field"; readonly field: string; readonly header: number }
  | {
      readonly type: "encap";
      /** The new packet type (namespace << 16 | type): 0 Ethernet, 0x1894f NSH, 0x18847 MPLS, 0x18848 MPLS multicast. */
      readonly packetType: number;
      readonly hdrSize: number;
      readonly props: readonly EncapProperty[];
    }
  | {
      readonly type: "decap";
      /** The packet type after decapsulation (namespace << 16 | type); 0xfffe (`PT_USE_NEXT_PROTO`): the header's next protocol. */
      readonly packetType: number;
    }
  | { readonly type: "dec_nsh_ttl" }
  | { readonly type: "debug_recirc" }
  | { readonly type: "debug_slow" }
  | {
      readonly type: "multipath";
      readonly fields: number;
      readonly basis: number;
      readonly algorithm: number;
      readonly maxLink: number;
      readonly arg: number;
      readonly dst: SubField;
    }
  | {
      readonly type: "bundle";
      readonly load: boolean;
      readonly algorithm: number;
      readonly fields: number;
      readonly basis: number;
      readonly memberType: number;
      readonly members: readonly number[];
      readonly dst: SubField | undefined;
    }
  | {
      readonly type: "learn";
      readonly idleTimeout: number;
      readonly hardTimeout: number;
      readonly priority: number;
      readonly cookie: bigint;
      readonly flags: number;
      readonly tableId: number;
      readonly finIdleTimeout: number;
      readonly finHardTimeout: number;
      readonly limit: number;
      readonly resultDst: SubField | undefined;
      readonly specs: readonly LearnSpec[];
      /**
       * Decoded from an NXAST_LEARN2 that needed no learn2 field (no limit, no result): encoded back in
       * that form, as Open vSwitch keeps the form it read. Absent otherwise.
       */
      readonly learn2?: true | undefined;
    }
  | { readonly type: "experimenter"; readonly experimenter: number; readonly data: Uint8Array }
  | { readonly type: "unknown"; readonly actionType: number; readonly data: Uint8Array }
  | LegacyAction;

/** A property of an `encap` action (Open vSwitch's NSH encap properties: MD type, or a metadata TLV). */
export type EncapProperty =
  | { readonly kind: "md_type"; readonly mdType: number }
  | { readonly kind: "tlv"; readonly tlvClass: number; readonly tlvType: number; readonly value: Uint8Array };

/** A decoded instruction (OpenFlow 1.3.5 §7.2.4). */
export type Instruction =
  | { readonly type: "goto_table"; readonly tableId: number }
  | { readonly type: "write_metadata"; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: "write_actions"; readonly actions: readonly Action[] }
  | { readonly type: "apply_actions"; readonly actions: readonly Action[] }
  | { readonly type: "clear_actions" }
  | { readonly type: "meter"; readonly meterId: number }
  | { readonly type: "unknown"; readonly instructionType: number; readonly data: Uint8Array };

/** Maximum nesting of actions inside ct/clone (hostile-input guard). */
export const MAX_ACTION_DEPTH = 8;
