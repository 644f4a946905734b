/**
 * OpenFlow 1.3 actions (OpenFlow 1.3.5 §7.2.5 "Action Structures") and instructions (§7.2.4), plus
 * the Nicira extension actions (`NXAST_*`, experimenter 0x00002320) Open vSwitch and OVN emit.
 *
 * Unknown action types and unknown Nicira subtypes are kept as raw bytes, never dropped.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import {
  ExperimenterId,
  type MatchField,
  decodeOxm,
  encodeOxm,
  fieldByHeader,
  oxmClassOf,
  OxmClass,
  fieldByName,
  nxWidth,
} from "./oxm.js";
import { type LegacyAction, legacyToOf13 } from "./v10/actions.js";

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
  CHECK_PKT_LARGER: 49,
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
  | { readonly type: "set_field"; readonly field: MatchField }
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
    }
  | { readonly type: "experimenter"; readonly experimenter: number; readonly data: Uint8Array }
  | { readonly type: "unknown"; readonly actionType: number; readonly data: Uint8Array }
  | LegacyAction;

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

function sfFromHeader(header: number, experimenter: number | undefined, ofs: number, nbits: number): SubField {
  const f = fieldByHeader(header, experimenter);
  return { field: f ? f.name : "unknown", header: (header & 0xfffffeff) >>> 0, experimenter, ofs, nbits };
}

/** Builds a {@link SubField} for a field name (e.g. `subField("reg0", 0, 16)` = `reg0[0..15]`). */
export function subField(name: string, ofs = 0, nbits?: number): SubField {
  const f = fieldByName(name);
  if (!f) throw new EncodeError("openflow", name, "unknown field");
  return {
    field: f.name,
    header: f.nxHeader,
    experimenter: f.nxExperimenter,
    ofs,
    nbits: nbits ?? nxWidth(f),
  };
}

function readNxHeader(r: Reader): { header: number; experimenter: number | undefined } {
  const header = r.u32();
  if (oxmClassOf(header) === OxmClass.EXPERIMENTER) return { header, experimenter: r.u32() };
  return { header, experimenter: undefined };
}

function writeNxHeader(w: Writer, sf: SubField): void {
  w.u32(sf.header);
  if (sf.experimenter !== undefined) w.u32(sf.experimenter);
}

function ofsNbits(sf: SubField): number {
  if (sf.nbits < 1 || sf.nbits > 64 || sf.ofs > 1023) throw new EncodeError("openflow", sf.field, `bad bit range (ofs ${sf.ofs}, nbits ${sf.nbits})`);
  return (sf.ofs << 6) | (sf.nbits - 1);
}

/**
 * Decodes a list of actions filling the whole reader.
 * @param depth - current nesting depth (for ct/clone)
 * @throws DecodeError on malformed input
 */
export function decodeActions(r: Reader, depth = 0): Action[] {
  if (depth > MAX_ACTION_DEPTH) r.fail("actions nested too deeply");
  const out: Action[] = [];
  while (r.remaining > 0) out.push(decodeAction(r, depth));
  return out;
}

function decodeAction(outer: Reader, depth: number): Action {
  const r = outer.entry("action", 8, 8);
  const type = r.u16();
  r.skip(2);
  switch (type) {
    case ActionType.OUTPUT: {
      const port = r.u32();
      const maxLen = r.u16();
      return { type: "output", port, maxLen };
    }
    case ActionType.COPY_TTL_OUT:
      return { type: "copy_ttl_out" };
    case ActionType.COPY_TTL_IN:
      return { type: "copy_ttl_in" };
    case ActionType.SET_MPLS_TTL:
      return { type: "set_mpls_ttl", ttl: r.u8() };
    case ActionType.DEC_MPLS_TTL:
      return { type: "dec_mpls_ttl" };
    case ActionType.PUSH_VLAN:
      return { type: "push_vlan", ethertype: r.u16() };
    case ActionType.POP_VLAN:
      return { type: "pop_vlan" };
    case ActionType.PUSH_MPLS:
      return { type: "push_mpls", ethertype: r.u16() };
    case ActionType.POP_MPLS:
      return { type: "pop_mpls", ethertype: r.u16() };
    case ActionType.SET_QUEUE:
      return { type: "set_queue", queueId: r.u32() };
    case ActionType.GROUP:
      return { type: "group", groupId: r.u32() };
    case ActionType.SET_NW_TTL:
      return { type: "set_nw_ttl", ttl: r.u8() };
    case ActionType.DEC_NW_TTL:
      return { type: "dec_nw_ttl" };
    case ActionType.SET_FIELD: {
      // A mask is only valid from OpenFlow 1.5 on; it is kept (not rejected) so nothing is lost.
      const field = decodeOxm(r);
      return { type: "set_field", field };
    }
    case ActionType.PUSH_PBB:
      return { type: "push_pbb", ethertype: r.u16() };
    case ActionType.POP_PBB:
      return { type: "pop_pbb" };
    case ActionType.EXPERIMENTER: {
      const exp = r.u32();
      if (exp === ExperimenterId.NICIRA) return decodeNx(r, depth);
      if (exp === ExperimenterId.ONF && r.remaining >= 2) {
        const expType = r.u16();
        if (expType === ONF_COPY_FIELD) {
          // ONF extension 3200 (OpenFlow 1.5 copy_field for 1.3): pad2, n_bits, src_ofs, dst_ofs, pad2, src, dst
          r.skip(2);
          const nbits = r.u16();
          const srcOfs = r.u16();
          const dstOfs = r.u16();
          r.skip(2);
          const s = readNxHeader(r);
          const d = readNxHeader(r);
          return {
            type: "reg_move",
            src: sfFromHeader(s.header, s.experimenter, srcOfs, nbits),
            dst: sfFromHeader(d.header, d.experimenter, dstOfs, nbits),
            encoding: "onf",
          };
        }
      }
      r.pos = r.start + 4;
      return { type: "experimenter", experimenter: exp, data: r.take(r.remaining) };
    }
    case OFPAT15_METER:
      return { type: "meter", meterId: r.u32() };
    case OFPAT15_COPY_FIELD: {
      // OpenFlow 1.5 §7.2.5 copy_field: n_bits, src_offset, dst_offset, pad2, src and dst OXM headers
      const nbits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      r.skip(2);
      const s = readNxHeader(r);
      const d = readNxHeader(r);
      return { type: "reg_move", src: sfFromHeader(s.header, s.experimenter, srcOfs, nbits), dst: sfFromHeader(d.header, d.experimenter, dstOfs, nbits), encoding: "of15" };
    }
    default:
      return { type: "unknown", actionType: type, data: r.take(r.remaining) };
  }
}

function decodeNx(r: Reader, depth: number): Action {
  const subtype = r.u16();
  switch (subtype) {
    case NxActionSubtype.RESUBMIT:
    case NxActionSubtype.RESUBMIT_TABLE:
    case NxActionSubtype.RESUBMIT_TABLE_CT: {
      const inPort = r.u16();
      const table = subtype === NxActionSubtype.RESUBMIT ? 255 : r.u8();
      return {
        type: "resubmit",
        inPort,
        table,
        ct: subtype === NxActionSubtype.RESUBMIT_TABLE_CT,
        withTable: subtype !== NxActionSubtype.RESUBMIT,
      };
    }
    case NxActionSubtype.SET_TUNNEL:
      r.skip(2);
      return { type: "set_tunnel", tunId: BigInt(r.u32()), wide: false };
    case NxActionSubtype.SET_TUNNEL64:
      r.skip(6);
      return { type: "set_tunnel", tunId: r.u64(), wide: true };
    case NxActionSubtype.SET_QUEUE:
      r.skip(2);
      return { type: "nx_set_queue", queueId: r.u32() };
    case NxActionSubtype.POP_QUEUE:
      return { type: "pop_queue" };
    case NxActionSubtype.REG_MOVE: {
      const nbits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      const s = readNxHeader(r);
      const d = readNxHeader(r);
      return {
        type: "reg_move",
        src: sfFromHeader(s.header, s.experimenter, srcOfs, nbits),
        dst: sfFromHeader(d.header, d.experimenter, dstOfs, nbits),
      };
    }
    case NxActionSubtype.REG_LOAD: {
      const on = r.u16();
      const d = readNxHeader(r);
      const value = r.u64();
      return { type: "reg_load", dst: sfFromHeader(d.header, d.experimenter, on >> 6, (on & 0x3f) + 1), value };
    }
    case NxActionSubtype.REG_LOAD2: {
      const field = decodeOxm(r);
      return { type: "reg_load2", field };
    }
    case NxActionSubtype.NOTE:
      return { type: "note", data: r.take(r.remaining) };
    case NxActionSubtype.OUTPUT_REG: {
      const on = r.u16();
      const s = readNxHeader(r);
      const maxLen = r.u16();
      return { type: "output_reg", src: sfFromHeader(s.header, s.experimenter, on >> 6, (on & 0x3f) + 1), maxLen, v2: false };
    }
    case NxActionSubtype.OUTPUT_REG2: {
      const on = r.u16();
      const maxLen = r.u16();
      const s = readNxHeader(r);
      return { type: "output_reg", src: sfFromHeader(s.header, s.experimenter, on >> 6, (on & 0x3f) + 1), maxLen, v2: true };
    }
    case NxActionSubtype.OUTPUT_TRUNC: {
      const port = r.u16();
      const maxLen = r.u32();
      return { type: "output_trunc", port, maxLen };
    }
    case NxActionSubtype.EXIT:
      return { type: "exit" };
    case NxActionSubtype.DEC_TTL:
      return { type: "dec_ttl", controllerIds: undefined };
    case NxActionSubtype.DEC_TTL_CNT_IDS: {
      const n = r.u16();
      r.skip(4);
      if (n * 2 > r.remaining) r.fail(`dec_ttl: ${n} controller ids overrun the action`);
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u16());
      return { type: "dec_ttl", controllerIds: ids };
    }
    case NxActionSubtype.FIN_TIMEOUT: {
      const idle = r.u16();
      const hard = r.u16();
      return { type: "fin_timeout", idle, hard };
    }
    case NxActionSubtype.CONTROLLER: {
      const maxLen = r.u16();
      const controllerId = r.u16();
      const reason = r.u8();
      return { type: "controller", maxLen, controllerId, reason };
    }
    case NxActionSubtype.CONTROLLER2: {
      r.skip(6);
      let maxLen: number | undefined;
      let controllerId: number | undefined;
      let reason: number | undefined;
      let userdata: Uint8Array | undefined;
      let meterId: number | undefined;
      let pause = false;
      for (const { type: ptype, body: p } of r.properties("controller2 property")) {
        if (ptype === 0) maxLen = p.u16();
        else if (ptype === 1) controllerId = p.u16();
        else if (ptype === 2) reason = p.u8();
        else if (ptype === 3) userdata = p.take(p.remaining);
        else if (ptype === 4) pause = true;
        else if (ptype === 5) meterId = p.u32();
      }
      return { type: "controller2", maxLen, controllerId, reason, userdata, pause, meterId };
    }
    case NxActionSubtype.STACK_PUSH:
    case NxActionSubtype.STACK_POP: {
      const ofs = r.u16();
      const h = readNxHeader(r);
      const nbits = r.u16();
      const sf = sfFromHeader(h.header, h.experimenter, ofs, nbits);
      return subtype === NxActionSubtype.STACK_PUSH ? { type: "stack_push", sf } : { type: "stack_pop", sf };
    }
    case NxActionSubtype.SAMPLE:
    case NxActionSubtype.SAMPLE2:
    case NxActionSubtype.SAMPLE3: {
      const probability = r.u16();
      const collectorSetId = r.u32();
      const obsDomainId = r.u32();
      const obsPointId = r.u32();
      let samplingPort = 0xffff;
      let direction = 0;
      if (subtype !== NxActionSubtype.SAMPLE) {
        samplingPort = r.u16();
        if (subtype === NxActionSubtype.SAMPLE3) direction = r.u8();
      }
      const version = subtype === NxActionSubtype.SAMPLE ? 1 : subtype === NxActionSubtype.SAMPLE2 ? 2 : 3;
      return { type: "sample", version, probability, collectorSetId, obsDomainId, obsPointId, samplingPort, direction };
    }
    case NxActionSubtype.CONJUNCTION: {
      const clause = r.u8();
      const nClauses = r.u8();
      const id = r.u32();
      return { type: "conjunction", id, clause, nClauses };
    }
    case NxActionSubtype.CT: {
      const flags = r.u16();
      const zs = r.u32();
      const zone = r.u16();
      const recircTable = r.u8();
      r.skip(3);
      const alg = r.u16();
      const zoneSrc = zs ? sfFromHeader(zs, undefined, zone >> 6, (zone & 0x3f) + 1) : undefined;
      const actions = decodeActions(r.sub(r.remaining, "ct actions"), depth + 1);
      return { type: "ct", flags, zoneSrc, zone: zoneSrc ? 0 : zone, recircTable, alg, actions };
    }
    case NxActionSubtype.NAT: {
      r.skip(2);
      const flags = r.u16();
      const range = r.u16();
      const a: { -readonly [K in keyof Extract<Action, { type: "nat" }>]: Extract<Action, { type: "nat" }>[K] } = { type: "nat", flags };
      if (range & NatRange.IPV4_MIN) a.ipv4Min = r.take(4);
      if (range & NatRange.IPV4_MAX) a.ipv4Max = r.take(4);
      if (range & NatRange.IPV6_MIN) a.ipv6Min = r.take(16);
      if (range & NatRange.IPV6_MAX) a.ipv6Max = r.take(16);
      if (range & NatRange.PROTO_MIN) a.protoMin = r.u16();
      if (range & NatRange.PROTO_MAX) a.protoMax = r.u16();
      return a;
    }
    case NxActionSubtype.CT_CLEAR:
      return { type: "ct_clear" };
    case NxActionSubtype.CLONE: {
      r.skip(6);
      return { type: "clone", actions: decodeActions(r.sub(r.remaining, "clone actions"), depth + 1) };
    }
    case NxActionSubtype.CHECK_PKT_LARGER: {
      const pktLen = r.u16();
      const ofs = r.u16();
      const h = readNxHeader(r);
      return { type: "check_pkt_larger", pktLen, dst: sfFromHeader(h.header, h.experimenter, ofs, 1) };
    }
    case NxActionSubtype.MULTIPATH: {
      const fields = r.u16();
      const basis = r.u16();
      r.skip(2);
      const algorithm = r.u16();
      const maxLink = r.u16();
      const arg = r.u32();
      r.skip(2);
      const on = r.u16();
      const h = readNxHeader(r);
      return {
        type: "multipath",
        fields,
        basis,
        algorithm,
        maxLink,
        arg,
        dst: sfFromHeader(h.header, h.experimenter, on >> 6, (on & 0x3f) + 1),
      };
    }
    case NxActionSubtype.BUNDLE:
    case NxActionSubtype.BUNDLE_LOAD: {
      const algorithm = r.u16();
      const fields = r.u16();
      const basis = r.u16();
      const memberType = r.u32();
      const n = r.u16();
      const on = r.u16();
      const dstH = r.u32();
      r.skip(4);
      if (n * 2 > r.remaining) r.fail(`bundle: ${n} members overrun the action`);
      const members: number[] = [];
      for (let i = 0; i < n; i++) members.push(r.u16());
      const load = subtype === NxActionSubtype.BUNDLE_LOAD;
      return {
        type: "bundle",
        load,
        algorithm,
        fields,
        basis,
        memberType,
        members,
        dst: load ? sfFromHeader(dstH, undefined, on >> 6, (on & 0x3f) + 1) : undefined,
      };
    }
    case NxActionSubtype.LEARN:
    case NxActionSubtype.LEARN2: {
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const priority = r.u16();
      const cookie = r.u64();
      const flags = r.u16();
      const tableId = r.u8();
      r.skip(1);
      const finIdleTimeout = r.u16();
      const finHardTimeout = r.u16();
      let limit = 0;
      let resultDst: SubField | undefined;
      if (subtype === NxActionSubtype.LEARN2) {
        limit = r.u32();
        const ofs = r.u16();
        r.skip(2);
        if (flags & LearnFlags.WRITE_RESULT) {
          const h = readNxHeader(r);
          resultDst = sfFromHeader(h.header, h.experimenter, ofs, 1);
        }
      }
      const specs: LearnSpec[] = [];
      while (r.remaining >= 2) {
        const hdr = r.u16();
        if (hdr === 0) break;
        const nbits = hdr & 0x7ff;
        const srcImm = (hdr & 0x2000) !== 0;
        const dstCode = (hdr >> 11) & 3;
        if (dstCode === 3) r.fail("learn: reserved spec destination", r.pos - 2);
        const dst = dstCode === 0 ? "match" : dstCode === 1 ? "load" : "output";
        let src: LearnSpec["src"];
        if (srcImm) src = { kind: "imm", value: r.take(2 * Math.ceil(nbits / 16), "learn immediate") };
        else {
          const h = readNxHeader(r);
          src = { kind: "field", sf: sfFromHeader(h.header, h.experimenter, r.u16(), nbits) };
        }
        let dstField: SubField | undefined;
        if (dst !== "output") {
          const h = readNxHeader(r);
          dstField = sfFromHeader(h.header, h.experimenter, r.u16(), nbits);
        }
        specs.push({ dst, nbits, src, dstField });
      }
      return {
        type: "learn",
        idleTimeout,
        hardTimeout,
        priority,
        cookie,
        flags,
        tableId,
        finIdleTimeout,
        finHardTimeout,
        limit,
        resultDst,
        specs,
      };
    }
    default:
      r.pos = r.start + 4;
      return { type: "experimenter", experimenter: ExperimenterId.NICIRA, data: r.take(r.remaining) };
  }
}

/** Encodes a list of actions. */
export function encodeActions(w: Writer, actions: readonly Action[]): void {
  for (const a of actions) encodeAction(w, a);
}

function nxStart(w: Writer, subtype: number): { start: number; lenAt: number } {
  const start = w.pos;
  w.u16(ActionType.EXPERIMENTER);
  const lenAt = w.reserve16();
  w.u32(ExperimenterId.NICIRA);
  w.u16(subtype);
  return { start, lenAt };
}

function finish(w: Writer, s: { start: number; lenAt: number }): void {
  w.pad(s.start, 8);
  w.patch16(s.lenAt, w.pos - s.start);
}

function std(w: Writer, type: number): { start: number; lenAt: number } {
  const start = w.pos;
  w.u16(type);
  const lenAt = w.reserve16();
  return { start, lenAt };
}

/** Encodes one action (length reserved then patched, padded to a multiple of 8). */
export function encodeAction(w: Writer, a: Action): void {
  let s: { start: number; lenAt: number };
  switch (a.type) {
    case "set_vlan_vid":
    case "set_vlan_pcp":
    case "strip_vlan":
    case "set_dl_src":
    case "set_dl_dst":
    case "set_nw_src":
    case "set_nw_dst":
    case "set_nw_tos":
    case "set_tp_src":
    case "set_tp_dst":
    case "enqueue":
    case "set_mpls_label":
    case "set_mpls_tc":
      // OpenFlow 1.0 actions: their OpenFlow 1.3 equivalents
      for (const x of legacyToOf13(a)) encodeAction(w, x);
      return;
    case "output":
      s = std(w, ActionType.OUTPUT);
      w.u32(a.port).u16(a.maxLen).zeros(6);
      break;
    case "copy_ttl_out":
    case "copy_ttl_in":
    case "dec_mpls_ttl":
    case "pop_vlan":
    case "dec_nw_ttl":
    case "pop_pbb": {
      const t = {
        copy_ttl_out: ActionType.COPY_TTL_OUT,
        copy_ttl_in: ActionType.COPY_TTL_IN,
        dec_mpls_ttl: ActionType.DEC_MPLS_TTL,
        pop_vlan: ActionType.POP_VLAN,
        dec_nw_ttl: ActionType.DEC_NW_TTL,
        pop_pbb: ActionType.POP_PBB,
      }[a.type];
      s = std(w, t);
      w.zeros(4);
      break;
    }
    case "set_mpls_ttl":
    case "set_nw_ttl":
      s = std(w, a.type === "set_mpls_ttl" ? ActionType.SET_MPLS_TTL : ActionType.SET_NW_TTL);
      w.u8(a.ttl).zeros(3);
      break;
    case "push_vlan":
    case "push_mpls":
    case "pop_mpls":
    case "push_pbb": {
      const t = { push_vlan: ActionType.PUSH_VLAN, push_mpls: ActionType.PUSH_MPLS, pop_mpls: ActionType.POP_MPLS, push_pbb: ActionType.PUSH_PBB }[
        a.type
      ];
      s = std(w, t);
      w.u16(a.ethertype).zeros(2);
      break;
    }
    case "set_queue":
      s = std(w, ActionType.SET_QUEUE);
      w.u32(a.queueId);
      break;
    case "group":
      s = std(w, ActionType.GROUP);
      w.u32(a.groupId);
      break;
    case "set_field":
      s = std(w, ActionType.SET_FIELD);
      encodeOxm(w, a.field);
      break;
    case "resubmit":
      s = nxStart(w, a.ct ? NxActionSubtype.RESUBMIT_TABLE_CT : a.withTable ? NxActionSubtype.RESUBMIT_TABLE : NxActionSubtype.RESUBMIT);
      w.u16(a.inPort);
      if (a.withTable || a.ct) w.u8(a.table);
      break;
    case "set_tunnel":
      if (a.wide) {
        s = nxStart(w, NxActionSubtype.SET_TUNNEL64);
        w.zeros(6).u64(a.tunId);
      } else {
        s = nxStart(w, NxActionSubtype.SET_TUNNEL);
        w.zeros(2).u32(Number(a.tunId));
      }
      break;
    case "nx_set_queue":
      s = nxStart(w, NxActionSubtype.SET_QUEUE);
      w.zeros(2).u32(a.queueId);
      break;
    case "pop_queue":
      s = nxStart(w, NxActionSubtype.POP_QUEUE);
      break;
    case "reg_move":
      if (a.encoding === "of15") {
        s = std(w, OFPAT15_COPY_FIELD);
        w.u16(a.src.nbits).u16(a.src.ofs).u16(a.dst.ofs).zeros(2);
        writeNxHeader(w, a.src);
        writeNxHeader(w, a.dst);
        break;
      }
      if (a.encoding === "onf") {
        s = std(w, ActionType.EXPERIMENTER);
        w.u32(ExperimenterId.ONF).u16(ONF_COPY_FIELD).zeros(2).u16(a.src.nbits).u16(a.src.ofs).u16(a.dst.ofs).zeros(2);
        writeNxHeader(w, a.src);
        writeNxHeader(w, a.dst);
        break;
      }
      s = nxStart(w, NxActionSubtype.REG_MOVE);
      w.u16(a.src.nbits).u16(a.src.ofs).u16(a.dst.ofs);
      writeNxHeader(w, a.src);
      writeNxHeader(w, a.dst);
      break;
    case "reg_load":
      s = nxStart(w, NxActionSubtype.REG_LOAD);
      w.u16(ofsNbits(a.dst));
      writeNxHeader(w, a.dst);
      w.u64(a.value);
      break;
    case "reg_load2":
      s = nxStart(w, NxActionSubtype.REG_LOAD2);
      encodeOxm(w, a.field);
      break;
    case "note":
      s = nxStart(w, NxActionSubtype.NOTE);
      w.bytes(a.data);
      if (w.pos - s.start < 16) w.zeros(16 - (w.pos - s.start));
      break;
    case "output_reg":
      if (a.v2) {
        s = nxStart(w, NxActionSubtype.OUTPUT_REG2);
        w.u16(ofsNbits(a.src)).u16(a.maxLen);
        writeNxHeader(w, a.src);
      } else {
        s = nxStart(w, NxActionSubtype.OUTPUT_REG);
        w.u16(ofsNbits(a.src));
        writeNxHeader(w, a.src);
        w.u16(a.maxLen).zeros(6);
      }
      break;
    case "meter":
      s = std(w, OFPAT15_METER);
      w.u32(a.meterId, "meter.meter_id");
      break;
    case "output_trunc":
      s = nxStart(w, NxActionSubtype.OUTPUT_TRUNC);
      w.u16(a.port).u32(a.maxLen);
      break;
    case "exit":
      s = nxStart(w, NxActionSubtype.EXIT);
      break;
    case "dec_ttl":
      if (a.controllerIds === undefined) {
        s = nxStart(w, NxActionSubtype.DEC_TTL);
      } else {
        s = nxStart(w, NxActionSubtype.DEC_TTL_CNT_IDS);
        w.u16(a.controllerIds.length).zeros(4);
        for (const id of a.controllerIds) w.u16(id);
      }
      break;
    case "fin_timeout":
      s = nxStart(w, NxActionSubtype.FIN_TIMEOUT);
      w.u16(a.idle).u16(a.hard);
      break;
    case "controller":
      s = nxStart(w, NxActionSubtype.CONTROLLER);
      w.u16(a.maxLen).u16(a.controllerId).u8(a.reason).u8(0);
      break;
    case "controller2": {
      s = nxStart(w, NxActionSubtype.CONTROLLER2);
      w.zeros(6);
      const prop = (t: number, body: () => void) => {
        const ps = w.pos;
        w.u16(t);
        const pl = w.reserve16();
        body();
        w.patch16(pl, w.pos - ps);
        w.pad(ps, 8);
      };
      // Open vSwitch encodes its 16-bit properties with two zero bytes inside the property length
      if (a.maxLen !== undefined) prop(0, () => w.u16(a.maxLen!).zeros(2));
      if (a.controllerId !== undefined) prop(1, () => w.u16(a.controllerId!).zeros(2));
      if (a.reason !== undefined) prop(2, () => w.u8(a.reason!));
      if (a.userdata !== undefined) prop(3, () => w.bytes(a.userdata!));
      if (a.pause) prop(4, () => undefined);
      if (a.meterId !== undefined) prop(5, () => w.u32(a.meterId!));
      break;
    }
    case "stack_push":
    case "stack_pop":
      s = nxStart(w, a.type === "stack_push" ? NxActionSubtype.STACK_PUSH : NxActionSubtype.STACK_POP);
      w.u16(a.sf.ofs);
      writeNxHeader(w, a.sf);
      w.u16(a.sf.nbits);
      break;
    case "sample":
      s = nxStart(w, a.version === 1 ? NxActionSubtype.SAMPLE : a.version === 2 ? NxActionSubtype.SAMPLE2 : NxActionSubtype.SAMPLE3);
      w.u16(a.probability).u32(a.collectorSetId).u32(a.obsDomainId).u32(a.obsPointId);
      if (a.version !== 1) w.u16(a.samplingPort);
      if (a.version === 3) w.u8(a.direction);
      break;
    case "conjunction":
      s = nxStart(w, NxActionSubtype.CONJUNCTION);
      w.u8(a.clause).u8(a.nClauses).u32(a.id);
      break;
    case "ct":
      s = nxStart(w, NxActionSubtype.CT);
      w.u16(a.flags);
      if (a.zoneSrc) {
        w.u32(a.zoneSrc.header).u16(ofsNbits(a.zoneSrc));
      } else w.u32(0).u16(a.zone);
      w.u8(a.recircTable).zeros(3).u16(a.alg);
      encodeActions(w, a.actions);
      break;
    case "nat": {
      s = nxStart(w, NxActionSubtype.NAT);
      let range = 0;
      if (a.ipv4Min) range |= NatRange.IPV4_MIN;
      if (a.ipv4Max) range |= NatRange.IPV4_MAX;
      if (a.ipv6Min) range |= NatRange.IPV6_MIN;
      if (a.ipv6Max) range |= NatRange.IPV6_MAX;
      if (a.protoMin !== undefined) range |= NatRange.PROTO_MIN;
      if (a.protoMax !== undefined) range |= NatRange.PROTO_MAX;
      w.zeros(2).u16(a.flags).u16(range);
      if (a.ipv4Min) w.bytes(a.ipv4Min);
      if (a.ipv4Max) w.bytes(a.ipv4Max);
      if (a.ipv6Min) w.bytes(a.ipv6Min);
      if (a.ipv6Max) w.bytes(a.ipv6Max);
      if (a.protoMin !== undefined) w.u16(a.protoMin);
      if (a.protoMax !== undefined) w.u16(a.protoMax);
      break;
    }
    case "ct_clear":
      s = nxStart(w, NxActionSubtype.CT_CLEAR);
      break;
    case "clone":
      s = nxStart(w, NxActionSubtype.CLONE);
      w.zeros(6);
      encodeActions(w, a.actions);
      break;
    case "check_pkt_larger":
      s = nxStart(w, NxActionSubtype.CHECK_PKT_LARGER);
      w.u16(a.pktLen).u16(a.dst.ofs);
      writeNxHeader(w, a.dst);
      break;
    case "multipath":
      s = nxStart(w, NxActionSubtype.MULTIPATH);
      w.u16(a.fields).u16(a.basis).zeros(2).u16(a.algorithm).u16(a.maxLink).u32(a.arg).zeros(2).u16(ofsNbits(a.dst));
      writeNxHeader(w, a.dst);
      break;
    case "bundle":
      s = nxStart(w, a.load ? NxActionSubtype.BUNDLE_LOAD : NxActionSubtype.BUNDLE);
      w.u16(a.algorithm).u16(a.fields).u16(a.basis).u32(a.memberType).u16(a.members.length);
      w.u16(a.dst ? ofsNbits(a.dst) : 0).u32(a.dst ? a.dst.header : 0).zeros(4);
      for (const m of a.members) w.u16(m);
      break;
    case "learn": {
      const v2 = a.limit !== 0 || a.resultDst !== undefined;
      s = nxStart(w, v2 ? NxActionSubtype.LEARN2 : NxActionSubtype.LEARN);
      const flags = a.resultDst ? a.flags | LearnFlags.WRITE_RESULT : a.flags;
      w.u16(a.idleTimeout).u16(a.hardTimeout).u16(a.priority).u64(a.cookie).u16(flags).u8(a.tableId).u8(0);
      w.u16(a.finIdleTimeout).u16(a.finHardTimeout);
      if (v2) {
        w.u32(a.limit).u16(a.resultDst ? a.resultDst.ofs : 0).zeros(2);
        if (a.resultDst) writeNxHeader(w, a.resultDst);
      }
      for (const sp of a.specs) {
        const dstCode = sp.dst === "match" ? 0 : sp.dst === "load" ? 1 : 2;
        w.u16((sp.src.kind === "imm" ? 0x2000 : 0) | (dstCode << 11) | sp.nbits);
        if (sp.src.kind === "imm") w.bytes(sp.src.value);
        else {
          writeNxHeader(w, sp.src.sf);
          w.u16(sp.src.sf.ofs);
        }
        if (sp.dstField) {
          writeNxHeader(w, sp.dstField);
          w.u16(sp.dstField.ofs);
        }
      }
      break;
    }
    case "experimenter":
      s = std(w, ActionType.EXPERIMENTER);
      w.u32(a.experimenter).bytes(a.data);
      break;
    case "unknown":
      s = std(w, a.actionType);
      w.bytes(a.data);
      break;
  }
  finish(w, s);
}

/**
 * Decodes a list of instructions filling the whole reader.
 * @throws DecodeError on malformed input
 */
export function decodeInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.remaining > 0) {
    const b = r.entry("instruction", 8, 8);
    const type = b.u16();
    b.skip(2);
    switch (type) {
      case InstructionType.GOTO_TABLE:
        out.push({ type: "goto_table", tableId: b.u8() });
        break;
      case InstructionType.WRITE_METADATA:
        b.skip(4);
        out.push({ type: "write_metadata", metadata: b.u64(), mask: b.u64() });
        break;
      case InstructionType.WRITE_ACTIONS:
      case InstructionType.APPLY_ACTIONS: {
        b.skip(4);
        const actions = decodeActions(b.sub(b.remaining, "actions"));
        out.push(type === InstructionType.WRITE_ACTIONS ? { type: "write_actions", actions } : { type: "apply_actions", actions });
        break;
      }
      case InstructionType.CLEAR_ACTIONS:
        out.push({ type: "clear_actions" });
        break;
      case InstructionType.METER:
        out.push({ type: "meter", meterId: b.u32() });
        break;
      default:
        out.push({ type: "unknown", instructionType: type, data: b.take(b.remaining) });
    }
  }
  return out;
}

/** Encodes instructions (lengths reserved and patched). */
export function encodeInstructions(w: Writer, insts: readonly Instruction[]): void {
  for (const i of insts) {
    const start = w.pos;
    const t =
      i.type === "unknown"
        ? i.instructionType
        : {
            goto_table: InstructionType.GOTO_TABLE,
            write_metadata: InstructionType.WRITE_METADATA,
            write_actions: InstructionType.WRITE_ACTIONS,
            apply_actions: InstructionType.APPLY_ACTIONS,
            clear_actions: InstructionType.CLEAR_ACTIONS,
            meter: InstructionType.METER,
          }[i.type];
    w.u16(t);
    const lenAt = w.reserve16();
    switch (i.type) {
      case "goto_table":
        w.u8(i.tableId).zeros(3);
        break;
      case "write_metadata":
        w.zeros(4).u64(i.metadata).u64(i.mask);
        break;
      case "write_actions":
      case "apply_actions":
        w.zeros(4);
        encodeActions(w, i.actions);
        break;
      case "clear_actions":
        w.zeros(4);
        break;
      case "meter":
        w.u32(i.meterId);
        break;
      case "unknown":
        w.bytes(i.data);
        break;
    }
    w.pad(start, 8);
    w.patch16(lenAt, w.pos - start);
  }
}

/**
 * Decodes a bare OpenFlow 1.3 action list (the body of an apply-actions instruction, of a packet-out,
 * or what `ovs-ofctl parse-actions OpenFlow13` reads as hex).
 * @param bytes - the action list; every byte must belong to an action
 * @throws DecodeError on malformed input
 */
export function decodeActionList(bytes: Uint8Array): Action[] {
  return decodeActions(new Reader(bytes, "openflow"));
}

/**
 * Encodes a bare OpenFlow 1.3 action list (each action padded to 8 bytes, lengths filled in).
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeActionList(actions: readonly Action[]): Uint8Array {
  const w = new Writer("openflow", 64);
  encodeActions(w, actions);
  return w.finish().slice();
}

/**
 * Decodes a bare OpenFlow 1.3 instruction list (the instructions of a flow_mod or flow stats entry).
 * @throws DecodeError on malformed input
 */
export function decodeInstructionList(bytes: Uint8Array): Instruction[] {
  return decodeInstructions(new Reader(bytes, "openflow"));
}

/**
 * Encodes a bare OpenFlow 1.3 instruction list.
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeInstructionList(insts: readonly Instruction[]): Uint8Array {
  const w = new Writer("openflow", 64);
  encodeInstructions(w, insts);
  return w.finish().slice();
}

/**
 * The OpenFlow error Open vSwitch's action decoder gives a decoded action list, if any (checked through
 * `ct` and `clone`): a `set_field` of a field it does not know is `OFPBAC_BAD_SET_TYPE`; of `in_port`, or of
 * `vlan_vid` without the present bit, `OFPBAC_BAD_SET_ARGUMENT`; a write of a conntrack field outside
 * `ct(exec(...))` or of a read-only one `OFPBAC_BAD_SET_ARGUMENT`; anything else inside `exec`, a nested `ct`,
 * `force` without `commit` or a descending `nat` range `OFPBAC_BAD_ARGUMENT`; a ct zone field not 16 bits wide
 * `OFPBAC_BAD_SET_LEN`.
 * @param inCt - the list is a ct action's `exec` list
 */
export function actionListError(actions: readonly Action[], inCt = false): string | undefined {
  // as Open vSwitch's decoder: ct_mark and ct_label are written only inside ct(exec(...)), where nothing
  // else may be written; a forced ct must commit; a ct zone from a field takes 16 bits; ranges ascend
  const ctField = (f: string) => f === "ct_mark" || f === "ct_label";
  const readOnly = (f: string) => /^ct_(state|zone|nw_proto|nw_src|nw_dst|ipv6_src|ipv6_dst|tp_src|tp_dst)$/.test(f);
  for (const a of actions) {
    const written = a.type === "set_field" || a.type === "reg_load2" ? a.field.field : a.type === "reg_load" ? a.dst.field : undefined;
    if (written !== undefined && readOnly(written)) return "OFPBAC_BAD_SET_ARGUMENT";
    if (written !== undefined && ctField(written) !== inCt) return inCt ? "OFPBAC_BAD_ARGUMENT" : "OFPBAC_BAD_SET_ARGUMENT";
    if (inCt && written === undefined && a.type !== "nat") return "OFPBAC_BAD_ARGUMENT";
    if (a.type === "ct") {
      if (a.flags & CtFlags.FORCE && !(a.flags & CtFlags.COMMIT)) return "OFPBAC_BAD_ARGUMENT";
      if (a.zoneSrc && a.zoneSrc.nbits !== 16) return "OFPBAC_BAD_SET_LEN";
      const inner = actionListError(a.actions, true);
      if (inner) return inner;
    }
    if (a.type === "nat") {
      const gt = (x?: Uint8Array, y?: Uint8Array) => x !== undefined && y !== undefined && Buffer.compare(x, y) > 0;
      if (gt(a.ipv4Min, a.ipv4Max) || gt(a.ipv6Min, a.ipv6Max) || (a.protoMin !== undefined && a.protoMax !== undefined && a.protoMin > a.protoMax)) return "OFPBAC_BAD_ARGUMENT";
    }
    if (a.type === "set_field") {
      if (a.field.field === "unknown") return "OFPBAC_BAD_SET_TYPE";
      if (a.field.field === "in_port") return "OFPBAC_BAD_SET_ARGUMENT";
      if (a.field.field === "vlan_vid" && ((a.field.value[0] ?? 0) & 0x10) === 0) return "OFPBAC_BAD_SET_ARGUMENT";
    }
    const nested = a.type === "clone" ? actionListError(a.actions) : undefined;
    if (nested) return nested;
  }
  return undefined;
}
