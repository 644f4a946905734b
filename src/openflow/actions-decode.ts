/**
 * The decoder of OpenFlow 1.1+ action lists (OpenFlow 1.3.5 §7.2.5): the list walker, the standard
 * actions read in place, Nicira bodies handed to `actions-nx.ts`, and the checks Open vSwitch's decoder
 * runs on each action (`OFPBAC_*`). Re-exported by `actions.ts`.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { Reader } from "../bytes/reader.js";
import { ExperimenterId, OxmClass, decodeOxm, fieldByHeader, fieldByName, fieldHasMask, fieldNum, fieldValueLength, of15StandardHeader, oxmClassOf, oxmHasMask, oxmLength } from "./oxm.js";
import { port16to32 } from "./ports.js";
import { Of11ActionType } from "./versions/actions11.js";
import { ActionType, OFPAT15_COPY_FIELD, OFPAT15_METER, ONF_COPY_FIELD, type Action, MAX_ACTION_DEPTH } from "./action-types.js";
import { sfFromHeader, readNxHeader, decodeNx } from "./actions-nx.js";
import { READ_ONLY } from "./read-only.js";
import { fieldValueValid, maskConsistent } from "./match-checks.js";
import { ONF_COPY_FIELD_CODE, addToActionSummary } from "./action-summary.js";

/** in_port: set under its 16-bit NXM header, refused under its OXM one (see writeSetFieldInPort() in actions.ts). */
const IN_PORT = fieldByName("in_port")!;

/**
 * Decodes a list of actions filling the whole reader.
 * @param depth - current nesting depth (for ct/clone)
 * @throws DecodeError on malformed input
 */
export function decodeActions(r: Reader, depth = 0): Action[] {
  if (depth > MAX_ACTION_DEPTH) r.fail("actions nested too deeply");
  // arrays of their exact length for the usual one or two actions (a `[]` pushed to grows a backing store
  // of 17 slots: the collector's work per flow measured ~8% of a flow_mod's decode)
  if (r.pos >= r.end) return [];
  const first = decodeAction(r, depth);
  if (r.pos >= r.end) return [first];
  const out = [first, decodeAction(r, depth)];
  while (r.pos < r.end) out.push(decodeAction(r, depth));
  return out;
}

/** Fails with the OpenFlow error Open vSwitch gives an action (`at`: the action's start in `r.bytes`). */
function bad(r: Reader, at: number, reason: string): never {
  throw new DecodeError("openflow", r.base + at, reason);
}

/** Decodes the action at the reader's position and moves past it (read in place: no reader per action). */
function decodeAction(r: Reader, depth: number): Action {
  // the length checked by index (the reader's enter() names what is wrong, and costs V8's inlining budget
  // of the callers, so it is called only when the check fails)
  const at = r.pos;
  const end = r.end;
  const len = at + 4 <= end ? (r.bytes[at + 2]! << 8) | r.bytes[at + 3]! : 0;
  if (len >= 8 && (len & 7) === 0 && len <= end - at) r.end = at + len;
  else r.enter("action", 8, 8);
  const a = decodeActionBody(r, at, depth);
  addToActionSummary(a, actionCode(r.bytes, at, r.end - at));
  r.pos = r.end;
  r.end = end;
  return a;
}

/** The wire code of the action at `at` (`len` bytes, at least 8) for action-summary.ts, -1 for one it does not cache. */
function actionCode(b: Uint8Array, at: number, len: number): number {
  const type = (b[at]! << 8) | b[at + 1]!;
  if (type !== ActionType.EXPERIMENTER) return type < 64 ? type : -1;
  if (len < 10) return -1;
  const exp = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
  const sub = (b[at + 8]! << 8) | b[at + 9]!;
  if (exp === ExperimenterId.NICIRA) return sub < 191 ? 64 + sub : -1;
  return exp === ExperimenterId.ONF && sub === ONF_COPY_FIELD ? ONF_COPY_FIELD_CODE : -1;
}

/** The action at `at`, the reader narrowed to it and positioned at its start. */
function decodeActionBody(r: Reader, at: number, depth: number): Action {
  // (the action is at least 8 bytes: its type read by index)
  const type = (r.bytes[at]! << 8) | r.bytes[at + 1]!;
  r.pos = at + 4;
  switch (type) {
    case ActionType.OUTPUT: {
      const port = r.u32();
      const maxLen = r.u16();
      return { type: "output", port, maxLen };
    }
    case Of11ActionType.SET_VLAN_VID: {
      // OpenFlow 1.1 (deprecated from 1.2 on, still accepted by Open vSwitch)
      const vid = r.u16();
      if (vid & ~0xfff) bad(r, at, "OFPBAC_BAD_ARGUMENT");
      return { type: "set_vlan_vid", vid, of11: true };
    }
    case Of11ActionType.SET_VLAN_PCP: {
      const pcp = r.u8();
      if (pcp & ~7) bad(r, at, "OFPBAC_BAD_ARGUMENT");
      return { type: "set_vlan_pcp", pcp, of11: true };
    }
    case Of11ActionType.SET_DL_SRC:
    case Of11ActionType.SET_DL_DST:
      if (r.remaining !== 12) bad(r, at, "OFPBAC_BAD_LEN");
      return { type: type === Of11ActionType.SET_DL_SRC ? "set_dl_src" : "set_dl_dst", mac: r.take(6).slice() };
    case Of11ActionType.SET_NW_SRC:
      return { type: "set_nw_src", addr: r.u32() };
    case Of11ActionType.SET_NW_DST:
      return { type: "set_nw_dst", addr: r.u32() };
    case Of11ActionType.SET_NW_TOS: {
      const tos = r.u8();
      if (tos & 3) bad(r, at, "OFPBAC_BAD_ARGUMENT");
      return { type: "set_nw_tos", tos };
    }
    case Of11ActionType.SET_NW_ECN: {
      const ecn = r.u8();
      if (ecn & ~3) bad(r, at, "OFPBAC_BAD_ARGUMENT");
      return { type: "set_nw_ecn", ecn };
    }
    case Of11ActionType.SET_TP_SRC:
      return { type: "set_tp_src", port: r.u16() };
    case Of11ActionType.SET_TP_DST:
      return { type: "set_tp_dst", port: r.u16() };
    case Of11ActionType.SET_MPLS_LABEL:
      return { type: "set_mpls_label", label: r.u32() };
    case Of11ActionType.SET_MPLS_TC:
      return { type: "set_mpls_tc", tc: r.u8() };
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
    case ActionType.PUSH_MPLS: {
      const ethertype = r.u16();
      // decode_OFPAT_RAW11_PUSH_MPLS(): an MPLS Ethertype only
      if (ethertype !== 0x8847 && ethertype !== 0x8848) bad(r, at, "OFPBAC_BAD_ARGUMENT");
      return { type: "push_mpls", ethertype };
    }
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
      if (r.remaining >= 4) {
        // the OXM header, read by index (a DataView per message is what the decoder avoids)
        const b = r.bytes;
        const p = r.pos;
        if (setFieldLengthWrong(((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0)) bad(r, at, "OFPBAC_BAD_SET_LEN");
      }
      let field = decodeOxm(r);
      // as Open vSwitch: in_port is set under its 16-bit NXM header (read here as the 32-bit port a match
      // carries), and OXM_OF_IN_PORT is not settable
      // as Open vSwitch: a masked value may not have bits outside its mask (checked as the entry is read)
      if (fieldHasMask(field) && !maskConsistent(field)) bad(r, at, "OFPBMC_BAD_WILDCARDS");
      if (field.header === IN_PORT.header) bad(r, at, "OFPBAC_BAD_SET_ARGUMENT");
      if (field.header === IN_PORT.nxHeader && fieldValueLength(field) === 2 && !fieldHasMask(field)) {
        const port = port16to32(fieldNum(field));
        field = { field: IN_PORT.name, header: IN_PORT.header, value: Uint8Array.of(port >>> 24, (port >>> 16) & 0xff, (port >>> 8) & 0xff, port & 0xff) };
      }
      // then a read-only field (tcp_flags, eth_type, ...)
      if (READ_ONLY.has(field.field)) bad(r, at, "OFPBAC_BAD_SET_ARGUMENT");
      // then a value with bits the field does not have (mf_is_value_valid(): nw_ecn 4, ip_dscp 64, ...)
      if (!fieldValueValid(field)) bad(r, at, "OFPBAC_BAD_SET_ARGUMENT");
      return { type: "set_field", field };
    }
    case ActionType.PUSH_PBB:
      return { type: "push_pbb", ethertype: r.u16() };
    case ActionType.POP_PBB:
      return { type: "pop_pbb" };
    case ActionType.EXPERIMENTER: {
      const exp = r.u32();
      if (exp === ExperimenterId.NICIRA) return decodeNx(r, depth, at);
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
      r.pos = at + 4;
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

/** A known fixed-length field whose OXM or NXM header (not an experimenter one) gives another length than the field's own header: Open vSwitch's OFPBAC_BAD_SET_LEN. */
function setFieldLengthWrong(h: number): boolean {
  if (oxmClassOf(h) === OxmClass.EXPERIMENTER) return false;
  const f = fieldByHeader(h);
  if (f === undefined || f.name.startsWith("tun_metadata")) return false;
  const len = oxmHasMask(h) ? oxmLength(h) / 2 : oxmLength(h);
  // the field's OXM header, or its NXM one (NXM_OF_IN_PORT is 2 bytes where OXM_OF_IN_PORT is 4)
  const own = h >>> 9 === f.nxHeader >>> 9 && f.nxExperimenter === undefined ? f.nxHeader : f.experimenter !== undefined ? of15StandardHeader(f.name) ?? f.header : f.header;
  return len !== oxmLength(own);
}
