/**
 * OpenFlow 1.3 actions (OpenFlow 1.3.5 §7.2.5 "Action Structures") and the Nicira extension actions
 * (`NXAST_*`, experimenter 0x00002320) Open vSwitch and OVN emit: the encoder of every action. The types are in `action-types.ts`, Nicira bodies
 * are decoded in `actions-nx.ts`, instructions in `instructions.ts` (all re-exported here); the action list walker and the standard
 * actions' decoder are in `actions-decode.ts`.
 *
 * Unknown action types and unknown Nicira subtypes are kept as raw bytes, never dropped.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { ExperimenterId, type MatchField, encodeOxm, fieldByName, nxWidth, of12Header, of15FieldHeader } from "./oxm.js";
import { bigToBytes } from "../bytes/hex.js";
import { legacyToOf13, loadRunEnd, loadRunStart, setFieldLoads } from "./v10/actions.js";
import { port16to32, port32to16 } from "./ports.js";
import { OfpVersion } from "./constants.js";
import { encodeOf11Legacy, toOf11Actions } from "./versions/actions11.js";
import { ActionType, NxActionSubtype, OFPAT15_COPY_FIELD, OFPAT15_METER, ONF_COPY_FIELD, NatRange, LearnFlags, type Action, type SubField } from "./action-types.js";
import { writeNxHeader, ofsNbits, nxStart } from "./actions-nx.js";
import { encodeNshActionBody, nshActionSubtype } from "./actions-nsh.js";

export { ActionType, CtFlags, InstructionType, LearnFlags, MAX_ACTION_DEPTH, NatFlags, NatRange, NxActionSubtype, OFPAT15_COPY_FIELD, OFPAT15_METER, ONF_COPY_FIELD, OfpPort } from "./action-types.js";
export type { Action, EncapProperty, Instruction, LearnSpec, SubField } from "./action-types.js";
export { subField } from "./actions-nx.js";
export { actionListError } from "./action-checks.js";
export { decodeInstructionList, decodeInstructions, encodeInstructionList, encodeInstructions } from "./instructions.js";
export { decodeActions } from "./actions-decode.js";
import { decodeActions } from "./actions-decode.js";

/** The (masked) set_field of a Nicira load (OpenFlow 1.5 writes loads this way). */
function loadAsSetField(a: Extract<Action, { type: "reg_load" }>): MatchField {
  const def = fieldByName(a.dst.field)!;
  if (def.name === "in_port" && a.dst.ofs === 0 && a.dst.nbits === 16) {
    // the whole 16-bit NXM_OF_IN_PORT: a set_field of the port (written back under that header, see writeSetFieldInPort())
    return { field: def.name, header: def.header, experimenter: def.experimenter, value: bigToBytes(BigInt(port16to32(Number(a.value & 0xffffn))), 4), mask: undefined };
  }
  const bits = BigInt(def.len * 8);
  const mask = ((1n << BigInt(a.dst.nbits)) - 1n) << BigInt(a.dst.ofs);
  const full = mask === (1n << bits) - 1n;
  return { field: def.name, header: def.header, experimenter: def.experimenter, value: bigToBytes(a.value << BigInt(a.dst.ofs), def.len), mask: full ? undefined : bigToBytes(mask, def.len) };
}

/**
 * Encodes a list of actions for `version` (OpenFlow 1.3 codes unless given; OpenFlow 1.1 writes field
 * changes as its own actions, see versions/actions11.ts).
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeActions(w: Writer, actions: readonly Action[], version: number = OfpVersion.OF13): void {
  if (version === OfpVersion.OF11) for (const a of toOf11Actions(actions)) encodeAction(w, a, version);
  else {
    // encodeAction() without its OpenFlow 1.1 step: the common actions one call deep, the rest two
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i]!;
      if (!encodeCommonAction(w, a, version)) encodeOtherAction(w, a, version);
    }
  }
}

/** Ends an action begun at `start`: pads it to 8 bytes and patches its length (2 bytes in). */
function finish(w: Writer, start: number): void {
  // the padding zeroed by index, then the padded length (range-checked) stored
  const end = w.pos;
  const padded = (end - start + 7) & ~7;
  const b = w.room(start + padded - end);
  for (let i = end; i < start + padded; i++) b[i] = 0;
  w.pos = start + padded;
  if (padded > 0xffff) w.outOfRange("length", padded, 16);
  b[start + 2] = padded >>> 8;
  b[start + 3] = padded;
}

/** Begins a standard action: type and reserved length; returns its start (for {@link finish}). */
/** in_port: OXM_OF_IN_PORT (the 32-bit port a match carries from OpenFlow 1.1 on) and NXM_OF_IN_PORT (16-bit), the header Open vSwitch writes in a set_field of it in every version. */
const IN_PORT = fieldByName("in_port")!;

/**
 * Writes a set_field of `in_port` as Open vSwitch does: under NXM_OF_IN_PORT with the 16-bit port
 * (its decoder refuses OXM_OF_IN_PORT there, OFPBAC_BAD_SET_ARGUMENT). False, writing nothing, for
 * another field, a mask, or a port with no 16-bit number.
 */
function writeSetFieldInPort(w: Writer, f: MatchField): boolean {
  if (f.header !== IN_PORT.header || f.mask !== undefined || f.value.length !== 4) return false;
  const v = f.value;
  const port = ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
  // only a port with a 16-bit number (the reserved ports 0xffffff00.. are 0xff00..)
  if (port >= 0xff00 && port < 0xffffff00) return false;
  w.u32(IN_PORT.nxHeader).u16(port32to16(port));
  return true;
}

/**
 * Writes the header naming a sub-field's field in OpenFlow 1.5 ({@link of15FieldHeader}); an unknown field,
 * and `in_port` (16-bit NXM_OF_IN_PORT or 32-bit OXM_OF_IN_PORT, one field here), under the header it has.
 */
function writeOf15Header(w: Writer, sf: SubField): void {
  const h = sf.field === "in_port" ? undefined : of15FieldHeader(sf.field);
  if (h === undefined) return writeNxHeader(w, sf);
  w.u32(h.header);
  if (h.experimenter !== undefined) w.u32(h.experimenter);
}

function std(w: Writer, type: number): number {
  if ((type & 0xffff) !== type) w.outOfRange(undefined, type, 16);
  const start = w.pos;
  // (room asked for in the steps the field writes took: a Writer out of room names the same size)
  w.room(2);
  const b = w.room(4);
  b[start] = type >>> 8;
  b[start + 1] = type;
  b[start + 2] = 0;
  b[start + 3] = 0;
  w.pos = start + 4;
  return start;
}

/**
 * Writes the loads of {@link setFieldLoads} for the masked set_field of `f`, without building them: one
 * NXAST_REG_LOAD per run of mask bits (found as setFieldLoads finds them), its bits taken from the value's
 * bytes, no bigint. Only for a field with a plain NXM/OXM header whose value covers its width; false
 * (nothing written) for any other, which goes through setFieldLoads.
 */
export function encodeMaskedSetFieldAsLoads(w: Writer, f: MatchField): boolean {
  const def = fieldByName(f.field);
  if (def === undefined || def.nxExperimenter !== undefined || def.nxHeader >>> 16 === 0xffff || def.name.startsWith("tun_metadata")) return false;
  const value = f.value;
  const mask = f.mask;
  const n = value.length;
  const width = def.bits;
  const maxBits = Math.min(width, nxWidth(def));
  if (n * 8 < maxBits) return false;
  for (let ofs = loadRunStart(mask, n, 0, maxBits); ofs < maxBits; ) {
    const end = loadRunEnd(mask, n, ofs, maxBits, width);
    const nbits = end - ofs;
    const s = nxStart(w, NxActionSubtype.REG_LOAD);
    // ofs_nbits (a run is 1 to 64 bits, inside a field of at most 128), the field's header, then the
    // value's bits ofs..end-1 as a 64-bit number, a byte at a time from its lowest
    w.u16((ofs << 6) | (nbits - 1));
    w.u32(def.nxHeader);
    const p = w.pos;
    const b = w.room(8);
    for (let k = 0; k < 8; k++) {
      const left = nbits - 8 * k;
      let x = 0;
      if (left > 0) {
        const q = ofs + 8 * k;
        const i = q >> 3;
        const sh = q & 7;
        x = (i < n ? value[n - 1 - i]! : 0) >> sh;
        if (sh !== 0 && i + 1 < n) x |= value[n - 2 - i]! << (8 - sh);
        x &= left < 8 ? (1 << left) - 1 : 0xff;
      }
      b[p + 7 - k] = x;
    }
    w.pos = p + 8;
    finish(w, s);
    ofs = loadRunStart(mask, n, end, maxBits);
  }
  return true;
}

/** The actions OVN's flows carry most (see {@link encodeCommonAction}). */
type CommonAction = Extract<Action, { type: "set_field" | "reg_load" | "output" | "resubmit" | "ct" | "reg_move" }>;

/**
 * Encodes the actions OVN's flows carry most, and tells whether `a` was one: a switch of a few cases in a
 * function small enough for V8 to compile with the Writer's methods inlined (a string switch is a chain of
 * comparisons, and the one of {@link encodeAction} has some forty).
 */
function encodeCommonAction(w: Writer, a: Action, version: number): a is CommonAction {
  let s: number;
  switch (a.type) {
    case "set_field":
      if (a.field.mask && version < OfpVersion.OF15 && version > OfpVersion.OF11) {
        // as Open vSwitch: set_field takes no mask before OpenFlow 1.5, a partial one is written as loads
        // (straight from the value's bytes when the field has a plain NXM header)
        if (encodeMaskedSetFieldAsLoads(w, a.field)) return true;
        for (const x of setFieldLoads(a)) encodeAction(w, x, version);
        return true;
      }
      s = std(w, ActionType.SET_FIELD);
      if (!writeSetFieldInPort(w, a.field)) encodeOxm(w, version < OfpVersion.OF13 ? of12Header(a.field) : a.field);
      break;
    case "reg_load":
      if (version >= OfpVersion.OF15 && a.dst.field !== "unknown") {
        // OpenFlow 1.5 has only set_field: a load is one, masked unless it sets the whole field
        encodeAction(w, { type: "set_field", field: loadAsSetField(a) }, version);
        return true;
      }
      s = nxStart(w, NxActionSubtype.REG_LOAD);
      w.u16(ofsNbits(a.dst));
      writeNxHeader(w, a.dst);
      w.u64(a.value);
      break;
    case "output":
      s = std(w, ActionType.OUTPUT);
      w.u32(a.port).u16(a.maxLen).zeros(6);
      break;
    case "resubmit":
      s = nxStart(w, a.ct ? NxActionSubtype.RESUBMIT_TABLE_CT : a.withTable ? NxActionSubtype.RESUBMIT_TABLE : NxActionSubtype.RESUBMIT);
      w.u16(a.inPort);
      if (a.withTable || a.ct) w.u8(a.table);
      break;
    case "ct":
      s = nxStart(w, NxActionSubtype.CT);
      w.u16(a.flags);
      if (a.zoneSrc) {
        w.u32(a.zoneSrc.header).u16(ofsNbits(a.zoneSrc));
      } else w.u32(0).u16(a.zone);
      w.u8(a.recircTable).zeros(3).u16(a.alg);
      encodeActions(w, a.actions, version);
      break;
    case "reg_move":
      if (version >= OfpVersion.OF15) {
        // as Open vSwitch's encode_REG_MOVE(): OpenFlow 1.5 writes every move as OFPAT_COPY_FIELD, naming
        // the fields with the headers of OpenFlow 1.5
        s = std(w, OFPAT15_COPY_FIELD);
        w.u16(a.src.nbits).u16(a.src.ofs).u16(a.dst.ofs).zeros(2);
        writeOf15Header(w, a.src);
        writeOf15Header(w, a.dst);
        break;
      }
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
    default:
      return false;
  }
  finish(w, s);
  return true;
}

/**
 * Encodes one action (length reserved then patched, padded to a multiple of 8) for `version` (OpenFlow
 * 1.3 codes unless given).
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeAction(w: Writer, a: Action, version: number = OfpVersion.OF13): void {
  if (version === OfpVersion.OF11 && encodeOf11Legacy(w, a)) return;
  if (encodeCommonAction(w, a, version)) return;
  encodeOtherAction(w, a, version);
}

/** Encodes an action other than the OpenFlow 1.1 legacy ones and the common ones (see {@link encodeAction}). */
function encodeOtherAction(w: Writer, a: Exclude<Action, CommonAction>, version: number): void {
  let s: number;
  switch (a.type) {
    case "set_vlan_vid":
    case "set_vlan_pcp":
    case "strip_vlan":
    case "set_dl_src":
    case "set_dl_dst":
    case "set_nw_src":
    case "set_nw_dst":
    case "set_nw_tos":
    case "set_nw_ecn":
    case "set_tp_src":
    case "set_tp_dst":
    case "enqueue":
    case "set_mpls_label":
    case "set_mpls_tc":
      // OpenFlow 1.0 actions: their OpenFlow 1.3 equivalents
      for (const x of legacyToOf13(a)) encodeAction(w, x);
      return;
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
    case "set_tunnel":
      if (version >= OfpVersion.OF12) {
        // as Open vSwitch: OpenFlow 1.2+ writes set_tunnel as a set_field of tun_id
        encodeAction(w, { type: "set_field", field: { field: "tun_id", header: fieldByName("tun_id")!.header, value: bigToBytes(a.tunId, 8) } }, version);
        return;
      }
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
    case "reg_load2":
      s = nxStart(w, NxActionSubtype.REG_LOAD2);
      encodeOxm(w, a.field);
      break;
    case "note":
      s = nxStart(w, NxActionSubtype.NOTE);
      w.bytes(a.data);
      if (w.pos - s < 16) w.zeros(16 - (w.pos - s));
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
      encodeActions(w, a.actions, version);
      break;
    case "delete_field":
      s = nxStart(w, NxActionSubtype.DELETE_FIELD);
      w.u32(a.header).zeros(6);
      break;
    case "encap":
      s = nxStart(w, NxActionSubtype.ENCAP);
      w.u16(a.hdrSize).u32(a.packetType);
      for (const p of a.props) {
        const ps = w.pos;
        if (p.kind === "md_type") w.u16(4).u8(1).u8(5).u8(p.mdType).zeros(3);
        else {
          w.u16(4).u8(2).u8(8 + Math.ceil(p.value.length / 8) * 8).u16(p.tlvClass).u8(p.tlvType).u8(p.value.length).bytes(p.value);
          w.pad(ps, 8);
        }
      }
      break;
    case "decap":
    case "dec_nsh_ttl":
    case "debug_recirc":
    case "debug_slow":
      s = nxStart(w, nshActionSubtype(a));
      encodeNshActionBody(w, a);
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
      const v2 = a.learn2 === true || a.limit !== 0 || a.resultDst !== undefined;
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
 * Decodes a bare OpenFlow 1.3 action list (the body of an apply-actions instruction, of a packet-out,
 * or what `ovs-ofctl parse-actions OpenFlow13` reads as hex).
 * @param bytes - the action list; every byte must belong to an action
 * @throws DecodeError on malformed input
 */
export function decodeActionList(bytes: Uint8Array): Action[] {
  return decodeActions(new Reader(bytes, "openflow"));
}

/**
 * Encodes a bare action list (each action padded to 8 bytes, lengths filled in) for `version` (OpenFlow
 * 1.3 codes unless given).
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeActionList(actions: readonly Action[], version?: number): Uint8Array {
  const w = new Writer("openflow", 64);
  encodeActions(w, actions, version);
  return w.finish().slice();
}
