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
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { ExperimenterId, type MatchField, encodeOxm, fieldByName, nxWidth, of12Header, of15FieldHeader, of15Header } from "./oxm.js";
import { bigToBytes } from "../bytes/hex.js";
import { legacyToOf13, loadRunEnd, loadRunStart, setFieldLoads } from "./v10/actions.js";
import { port16to32, port32to16 } from "./ports.js";
import { OfpVersion } from "./constants.js";
import { encodeOf11Legacy, toOf11Actions } from "./versions/actions11.js";
import { ActionType, NxActionSubtype, OFPAT15_COPY_FIELD, OFPAT15_METER, ONF_COPY_FIELD, type Action, type SubField } from "./action-types.js";
import { writeNxHeader, ofsNbits, nxStart } from "./actions-nx.js";
import { encodeController2, encodeEncap, encodeLearn, encodeMultipathOrBundle, encodeNat, encodeNxAction, encodeSetTunnel } from "./actions-encode.js";

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

/** The standard action type of each action whose body is an ethertype and 2 bytes of padding. */
const ETHERTYPE_ACTIONS = {
  push_vlan: ActionType.PUSH_VLAN,
  push_mpls: ActionType.PUSH_MPLS,
  pop_mpls: ActionType.POP_MPLS,
  push_pbb: ActionType.PUSH_PBB,
} as const;

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
      if (!writeSetFieldInPort(w, a.field)) encodeOxm(w, version < OfpVersion.OF13 ? of12Header(a.field) : version >= OfpVersion.OF15 ? of15Header(a.field) : a.field);
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
      // OpenFlow 1.3 keeps the ONF copy_field a move was read as; any other version before 1.5 writes the
      // Nicira move (an OpenFlow 1.5 copy_field or ONF one does not exist there)
      if (a.encoding === "onf" && version === OfpVersion.OF13) {
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

/** The actions {@link encodeOtherAction} hands to {@link encodeStdAction}: standard ones of a fixed layout. */
type StdAction = Extract<
  Action,
  {
    type:
      | "copy_ttl_out" | "copy_ttl_in" | "dec_mpls_ttl" | "pop_vlan" | "dec_nw_ttl" | "pop_pbb" | "set_mpls_ttl" | "set_nw_ttl"
      | "push_vlan" | "push_mpls" | "pop_mpls" | "push_pbb" | "set_queue" | "group" | "meter" | "experimenter" | "unknown";
  }
>;

/**
 * Encodes an action other than the OpenFlow 1.1 legacy ones and the common ones (see {@link encodeAction}):
 * a switch handing each family to an encoder of its own (each returns where its action starts, for
 * {@link finish}). V8 optimizes a function only after a number of calls that grows with its size, then
 * compiles every case it has seen: one function of forty cases ran unoptimized for the first few hundred
 * thousand flows of a run and took longer to compile than the rest of the flow_mod encoder, where these
 * small ones are optimized each as it gets hot.
 */
function encodeOtherAction(w: Writer, a: Exclude<Action, CommonAction>, version: number): void {
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
    case "set_tunnel":
      if (version >= OfpVersion.OF12) {
        // as Open vSwitch: OpenFlow 1.2+ writes set_tunnel as a set_field of tun_id
        encodeAction(w, { type: "set_field", field: { field: "tun_id", header: TUN_ID_HEADER, value: bigToBytes(a.tunId, 8) } }, version);
        return;
      }
      finish(w, encodeSetTunnel(w, a));
      return;
    case "copy_ttl_out":
    case "copy_ttl_in":
    case "dec_mpls_ttl":
    case "pop_vlan":
    case "dec_nw_ttl":
    case "pop_pbb":
    case "set_mpls_ttl":
    case "set_nw_ttl":
    case "push_vlan":
    case "push_mpls":
    case "pop_mpls":
    case "push_pbb":
    case "set_queue":
    case "group":
    case "meter":
    case "experimenter":
    case "unknown":
      finish(w, encodeStdAction(w, a));
      return;
    case "reg_load2":
      if (version >= OfpVersion.OF15) {
        // as Open vSwitch's encode_SET_FIELD(): OpenFlow 1.5 has only set_field (a Nicira load there is
        // OFPBAC_BAD_VENDOR_TYPE), and its set_field takes the load's mask
        encodeAction(w, { type: "set_field", field: a.field }, version);
        return;
      }
      finish(w, encodeNxAction(w, a));
      return;
    case "nx_set_queue":
    case "pop_queue":
    case "note":
    case "output_reg":
    case "output_trunc":
    case "exit":
    case "dec_ttl":
    case "fin_timeout":
    case "controller":
    case "stack_push":
    case "stack_pop":
    case "sample":
    case "conjunction":
    case "ct_clear":
    case "delete_field":
    case "check_pkt_larger":
    case "decap":
    case "dec_nsh_ttl":
    case "debug_recirc":
    case "debug_slow":
      finish(w, encodeNxAction(w, a));
      return;
    case "clone": {
      const s = nxStart(w, NxActionSubtype.CLONE);
      w.zeros(6);
      encodeActions(w, a.actions, version);
      finish(w, s);
      return;
    }
    case "nat":
      finish(w, encodeNat(w, a));
      return;
    case "controller2":
      finish(w, encodeController2(w, a));
      return;
    case "encap":
      finish(w, encodeEncap(w, a));
      return;
    case "multipath":
    case "bundle":
      finish(w, encodeMultipathOrBundle(w, a));
      return;
    case "learn":
      finish(w, encodeLearn(w, a));
      return;
    default:
      throw new EncodeError("openflow", "action.type", `unknown action type ${String((a as { type: unknown }).type)}`);
  }
}

/** tun_id's OXM header (set_tunnel is a set_field of it from OpenFlow 1.2 on). */
const TUN_ID_HEADER = fieldByName("tun_id")!.header;

/** Writes a standard action of a fixed layout (OpenFlow 1.3.5 §7.2.5), but for its padding and length; returns where it starts. */
function encodeStdAction(w: Writer, a: StdAction): number {
  let s: number;
  switch (a.type) {
    case "copy_ttl_out":
      s = std(w, ActionType.COPY_TTL_OUT);
      break;
    case "copy_ttl_in":
      s = std(w, ActionType.COPY_TTL_IN);
      break;
    case "dec_mpls_ttl":
      s = std(w, ActionType.DEC_MPLS_TTL);
      break;
    case "pop_vlan":
      s = std(w, ActionType.POP_VLAN);
      break;
    case "dec_nw_ttl":
      s = std(w, ActionType.DEC_NW_TTL);
      break;
    case "pop_pbb":
      s = std(w, ActionType.POP_PBB);
      break;
    case "set_mpls_ttl":
    case "set_nw_ttl":
      s = std(w, a.type === "set_mpls_ttl" ? ActionType.SET_MPLS_TTL : ActionType.SET_NW_TTL);
      w.u8(a.ttl).zeros(3);
      return s;
    case "push_vlan":
    case "push_mpls":
    case "pop_mpls":
    case "push_pbb":
      s = std(w, ETHERTYPE_ACTIONS[a.type]);
      w.u16(a.ethertype).zeros(2);
      return s;
    case "set_queue":
      s = std(w, ActionType.SET_QUEUE);
      w.u32(a.queueId);
      return s;
    case "group":
      s = std(w, ActionType.GROUP);
      w.u32(a.groupId);
      return s;
    case "meter":
      s = std(w, OFPAT15_METER);
      w.u32(a.meterId, "meter.meter_id");
      return s;
    case "experimenter":
      s = std(w, ActionType.EXPERIMENTER);
      w.u32(a.experimenter).bytes(a.data);
      return s;
    case "unknown":
      s = std(w, a.actionType);
      w.bytes(a.data);
      return s;
  }
  // the actions with no argument: 4 bytes of padding
  w.zeros(4);
  return s;
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
