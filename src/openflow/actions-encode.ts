/**
 * The encoders of the Nicira actions other than the common ones (see `encodeOtherAction()` in actions.ts,
 * which dispatches to them): each writes its action but for the padding and the length, and returns where
 * the action starts, for actions.ts to pad and patch. One small function per family, not one function of
 * forty cases: V8 optimizes a function after a number of calls that grows with its size, and compiles
 * every case it has seen.
 *
 * @module
 */
import type { Writer } from "../bytes/writer.js";
import { encodeOxm } from "./oxm.js";
import { NxActionSubtype, NatRange, LearnFlags, type Action } from "./action-types.js";
import { writeNxHeader, ofsNbits, nxStart } from "./actions-nx.js";
import { encodeNshActionBody, nshActionSubtype } from "./actions-nsh.js";

/** The actions `encodeOtherAction()` (actions.ts) hands to {@link encodeNxAction}: Nicira ones of a short layout. */
export type NxAction = Extract<
  Action,
  {
    type:
      | "nx_set_queue" | "pop_queue" | "reg_load2" | "note" | "output_reg" | "output_trunc" | "exit" | "dec_ttl" | "fin_timeout"
      | "controller" | "stack_push" | "stack_pop" | "sample" | "conjunction" | "ct_clear" | "delete_field" | "check_pkt_larger"
      | "decap" | "dec_nsh_ttl" | "debug_recirc" | "debug_slow";
  }
>;

/** The Nicira set_tunnel of OpenFlow 1.0 and 1.1 (32 or 64 bits); returns where it starts. */
export function encodeSetTunnel(w: Writer, a: Extract<Action, { type: "set_tunnel" }>): number {
  let s: number;
  if (a.wide) {
    s = nxStart(w, NxActionSubtype.SET_TUNNEL64);
    w.zeros(6).u64(a.tunId);
  } else {
    s = nxStart(w, NxActionSubtype.SET_TUNNEL);
    w.zeros(2).u32(Number(a.tunId));
  }
  return s;
}

/** Writes a Nicira action of a short layout, but for its padding and length; returns where it starts. */
export function encodeNxAction(w: Writer, a: NxAction): number {
  let s: number;
  switch (a.type) {
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
    case "ct_clear":
      s = nxStart(w, NxActionSubtype.CT_CLEAR);
      break;
    case "delete_field":
      s = nxStart(w, NxActionSubtype.DELETE_FIELD);
      w.u32(a.header).zeros(6);
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
  }
  return s;
}

/** Writes a Nicira nat (inside ct), but for its padding and length; returns where it starts. */
export function encodeNat(w: Writer, a: Extract<Action, { type: "nat" }>): number {
  const s = nxStart(w, NxActionSubtype.NAT);
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
  return s;
}

/** Writes one controller2 property (type, length, body, padded to 8 bytes). */
function controller2Prop(w: Writer, type: number, body: () => void): void {
  const ps = w.pos;
  w.u16(type);
  const pl = w.reserve16();
  body();
  w.patch16(pl, w.pos - ps);
  w.pad(ps, 8);
}

/** Writes a Nicira controller2 with its properties, but for its padding and length; returns where it starts. */
export function encodeController2(w: Writer, a: Extract<Action, { type: "controller2" }>): number {
  const s = nxStart(w, NxActionSubtype.CONTROLLER2);
  w.zeros(6);
  // Open vSwitch encodes its 16-bit properties with two zero bytes inside the property length
  if (a.maxLen !== undefined) controller2Prop(w, 0, () => w.u16(a.maxLen!).zeros(2));
  if (a.controllerId !== undefined) controller2Prop(w, 1, () => w.u16(a.controllerId!).zeros(2));
  if (a.reason !== undefined) controller2Prop(w, 2, () => w.u8(a.reason!));
  if (a.userdata !== undefined) controller2Prop(w, 3, () => w.bytes(a.userdata!));
  if (a.pause) controller2Prop(w, 4, () => undefined);
  if (a.meterId !== undefined) controller2Prop(w, 5, () => w.u32(a.meterId!));
  return s;
}

/** Writes a Nicira encap with its properties, but for its padding and length; returns where it starts. */
export function encodeEncap(w: Writer, a: Extract<Action, { type: "encap" }>): number {
  const s = nxStart(w, NxActionSubtype.ENCAP);
  w.u16(a.hdrSize).u32(a.packetType);
  for (const p of a.props) {
    const ps = w.pos;
    if (p.kind === "md_type") w.u16(4).u8(1).u8(5).u8(p.mdType).zeros(3);
    else {
      w.u16(4).u8(2).u8(8 + Math.ceil(p.value.length / 8) * 8).u16(p.tlvClass).u8(p.tlvType).u8(p.value.length).bytes(p.value);
      w.pad(ps, 8);
    }
  }
  return s;
}

/** Writes a Nicira multipath or bundle(_load), but for its padding and length; returns where it starts. */
export function encodeMultipathOrBundle(w: Writer, a: Extract<Action, { type: "multipath" | "bundle" }>): number {
  let s: number;
  if (a.type === "multipath") {
    s = nxStart(w, NxActionSubtype.MULTIPATH);
    w.u16(a.fields).u16(a.basis).zeros(2).u16(a.algorithm).u16(a.maxLink).u32(a.arg).zeros(2).u16(ofsNbits(a.dst));
    writeNxHeader(w, a.dst);
    return s;
  }
  s = nxStart(w, a.load ? NxActionSubtype.BUNDLE_LOAD : NxActionSubtype.BUNDLE);
  w.u16(a.algorithm).u16(a.fields).u16(a.basis).u32(a.memberType).u16(a.members.length);
  w.u16(a.dst ? ofsNbits(a.dst) : 0).u32(a.dst ? a.dst.header : 0).zeros(4);
  for (const m of a.members) w.u16(m);
  return s;
}

/** Writes a Nicira learn (learn2 when it needs one), but for its padding and length; returns where it starts. */
export function encodeLearn(w: Writer, a: Extract<Action, { type: "learn" }>): number {
  const v2 = a.learn2 === true || a.limit !== 0 || a.resultDst !== undefined;
  const s = nxStart(w, v2 ? NxActionSubtype.LEARN2 : NxActionSubtype.LEARN);
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
  return s;
}
