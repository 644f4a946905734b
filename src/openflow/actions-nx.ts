/**
 * Nicira vendor actions (`NXAST_*`, Open vSwitch `nicira-ext.h` / ovs-actions(7)): decoding of their bodies,
 * and the sub-field and header helpers their encoders share.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { ExperimenterId, decodeOxm, fieldByHeader, oxmClassOf, OxmClass, fieldByName, nxWidth } from "./oxm.js";
import { ActionType, NxActionSubtype, type SubField, NatRange, LearnFlags, type LearnSpec, type Action, type EncapProperty } from "./action-types.js";
import { decodeActions } from "./actions.js";
import { decodeNshAction } from "./actions-nsh.js";
import { DecodeError } from "../bytes/decode-error.js";
import { READ_ONLY } from "./read-only.js";

/** A {@link SubField} from a wire header (NXM or OXM), offset and width. */
export function sfFromHeader(header: number, experimenter: number | undefined, ofs: number, nbits: number): SubField {
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

/** Reads an NXM/OXM header inside a Nicira action (with its experimenter id for class 0xffff). */
export function readNxHeader(r: Reader): { header: number; experimenter: number | undefined } {
  const header = r.u32();
  if (oxmClassOf(header) === OxmClass.EXPERIMENTER) return { header, experimenter: r.u32() };
  return { header, experimenter: undefined };
}

/**
 * Reads an NXM/OXM header inside a Nicira action (with its experimenter id for class 0xffff) as the
 * {@link SubField} of `nbits` bits from bit `ofs` ({@link readNxHeader} and {@link sfFromHeader} in one,
 * with no object in between).
 */
export function readSubField(r: Reader, ofs: number, nbits: number): SubField {
  const header = r.u32();
  const experimenter = oxmClassOf(header) === OxmClass.EXPERIMENTER ? r.u32() : undefined;
  return sfFromHeader(header, experimenter, ofs, nbits);
}

/** Writes the NXM/OXM header of a sub-field inside a Nicira action. */
export function writeNxHeader(w: Writer, sf: SubField): void {
  w.u32(sf.header);
  if (sf.experimenter !== undefined) w.u32(sf.experimenter);
}

/** The `ofs_nbits` encoding of a sub-field (offset << 6 | bits - 1). */
export function ofsNbits(sf: SubField): number {
  if (sf.nbits < 1 || sf.nbits > 64 || sf.ofs > 1023) throw new EncodeError("openflow", sf.field, `bad bit range (ofs ${sf.ofs}, nbits ${sf.nbits})`);
  return (sf.ofs << 6) | (sf.nbits - 1);
}

/**
 * Decodes the body of a Nicira vendor action (`r` after the experimenter id, its end bound the action's
 * end; OpenFlow 1.3.5 §7.2.5 OFPAT_EXPERIMENTER).
 * @param at - where the action starts in `r.bytes` (default: `r.start`, for a reader over the action alone)
 */
export function decodeNx(r: Reader, depth: number, at = r.start): Action {
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
      const src = readSubField(r, srcOfs, nbits);
      const dst = readSubField(r, dstOfs, nbits);
      return { type: "reg_move", src, dst };
    }
    case NxActionSubtype.REG_LOAD: {
      const on = r.u16();
      const dst = readSubField(r, on >> 6, (on & 0x3f) + 1);
      const value = r.u64();
      // mf_check_dst(): a read-only destination (tcp_flags, eth_type, ct_state, ...)
      if (READ_ONLY.has(dst.field)) throw new DecodeError("openflow", r.base + at, "OFPBAC_BAD_SET_ARGUMENT");
      return { type: "reg_load", dst, value };
    }
    case NxActionSubtype.REG_LOAD2: {
      const field = decodeOxm(r);
      // as Open vSwitch's decoder: a read-only field is not written
      if (READ_ONLY.has(field.field)) throw new DecodeError("openflow", r.base + at, "OFPBAC_BAD_SET_ARGUMENT");
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
      // as Open vSwitch: the 6 pad bytes must be zero
      if (r.take(6).some((b) => b !== 0)) r.fail("NXBRC_MUST_BE_ZERO", r.start);
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
      // decode_NXAST_RAW_CT(): force only with commit
      if ((flags & 3) === 2) throw new DecodeError("openflow", r.base + at, "OFPBAC_BAD_ARGUMENT");
      const zs = r.u32();
      const zone = r.u16();
      const recircTable = r.u8();
      r.skip(3);
      const alg = r.u16();
      const zoneSrc = zs ? sfFromHeader(zs, undefined, zone >> 6, (zone & 0x3f) + 1) : undefined;
      const actions = decodeActions(r, depth + 1);
      // without commit, nothing but a nat with neither flags nor a range may be inside
      if (!(flags & 1) && actions.some((n) => n.type !== "nat" || n.flags !== 0 || n.ipv4Min !== undefined || n.ipv6Min !== undefined)) {
        throw new DecodeError("openflow", r.base + at, "OFPBAC_BAD_ARGUMENT");
      }
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
      return { type: "clone", actions: decodeActions(r, depth + 1) };
    }
    case NxActionSubtype.DELETE_FIELD: {
      // NXAST_DELETE_FIELD: the NXM header of the (tunnel metadata) field to delete
      const header = r.u32();
      return { type: "delete_field", field: fieldByHeader(header)?.name ?? "unknown", header };
    }
    case NxActionSubtype.ENCAP: {
      // NXAST_ENCAP: header size, new packet type, then properties (class, type, length, each padded to 8)
      const hdrSize = r.u16();
      const packetType = r.u32();
      if (![0, 0x1894f, 0x18847, 0x18848].includes(packetType)) r.fail("NXBAC_BAD_HEADER_TYPE", r.start);
      const props: EncapProperty[] = [];
      while (r.remaining > 0) {
        const at = r.pos;
        if (r.remaining < 4) r.fail("OFPBAC_BAD_LEN", r.start);
        const cls = r.u16();
        const ptype = r.u8();
        const len = r.u8();
        const padded = Math.ceil(len / 8) * 8;
        if (len < 4 || padded > r.remaining + 4) r.fail("OFPBAC_BAD_LEN", r.start);
        if (cls !== 4 || (ptype !== 1 && ptype !== 2)) r.fail("NXBAC_UNKNOWN_ED_PROP", r.start);
        if (ptype === 1) {
          if (len > 8 || len < 5) r.fail("NXBAC_BAD_ED_PROP", r.start);
          props.push({ kind: "md_type", mdType: r.u8() });
        } else {
          if (len < 8) r.fail("NXBAC_BAD_ED_PROP", r.start);
          const tlvClass = r.u16();
          const tlvType = r.u8();
          const tlvLen = r.u8();
          if (len !== 8 + Math.ceil(tlvLen / 8) * 8) r.fail("NXBAC_BAD_ED_PROP", r.start);
          props.push({ kind: "tlv", tlvClass, tlvType, value: r.take(tlvLen).slice() });
        }
        r.pos = at + padded;
      }
      return { type: "encap", packetType, hdrSize, props };
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
        ...(subtype === NxActionSubtype.LEARN2 && limit === 0 && resultDst === undefined ? { learn2: true as const } : {}),
      };
    }
    default: {
      const nsh = decodeNshAction(subtype, r, at);
      if (nsh !== undefined) return nsh;
      r.pos = at + 4;
      return { type: "experimenter", experimenter: ExperimenterId.NICIRA, data: r.take(r.remaining) };
    }
  }
}

/** Starts a Nicira action: type, reserved length, vendor id and subtype; returns where to patch. */
export function nxStart(w: Writer, subtype: number): number {
  if ((subtype & 0xffff) !== subtype) w.outOfRange(undefined, subtype, 16);
  const start = w.pos;
  // type, length (0 until patched), vendor and subtype: 10 bytes stored by index (room asked for in the
  // steps the field writes took: a Writer out of room names the same size)
  w.room(2);
  w.room(4);
  w.room(8);
  const b = w.room(10);
  b[start] = ActionType.EXPERIMENTER >>> 8;
  b[start + 1] = ActionType.EXPERIMENTER;
  b[start + 2] = 0;
  b[start + 3] = 0;
  b[start + 4] = ExperimenterId.NICIRA >>> 24;
  b[start + 5] = ExperimenterId.NICIRA >>> 16;
  b[start + 6] = ExperimenterId.NICIRA >>> 8;
  b[start + 7] = ExperimenterId.NICIRA;
  b[start + 8] = subtype >>> 8;
  b[start + 9] = subtype;
  w.pos = start + 10;
  return start;
}
