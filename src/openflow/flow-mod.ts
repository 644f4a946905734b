/**
 * The flow_mod codec of OpenFlow 1.1 to 1.5 (OpenFlow 1.3.5 §7.3.4.1): the fixed part, with
 * `importance` from 1.4 on, read and written by index after one range check, then the match and the
 * instructions; and {@link flowMod}'s defaults. `messages.ts` dispatches to it.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import type { Reader } from "../bytes/reader.js";
import type { Writer } from "../bytes/writer.js";
import { decodeInstructions, encodeInstructions } from "./actions.js";
import { instructionsVersionError } from "./action-versions.js";
import { matchEntriesError } from "./match-checks.js";
import { flowModConsistencyError } from "./flow-mod-checks.js";
import { SUMMARY_CHECK, SUMMARY_UNSURE, actionSummary, resetActionSummary } from "./action-summary.js";
import { encodeMatchInOvsOrder } from "./match-order.js";
import { encodeMatch11, fitsMatch11 } from "./versions/match11-encode.js";
import { OfpType, OfpVersion } from "./constants.js";
import { type FlowMod, type OfMessage, type OfMessageInput, OFP_MAX_MESSAGE_LEN } from "./message-types.js";
import { type MatchField, decodeMatch, withOf12Headers, withOf15Headers } from "./oxm.js";
/**
 * Decodes a flow_mod body (`r` after the header; OpenFlow 1.3.5 §7.3.4.1): the same fixed part in
 * OpenFlow 1.1 to 1.5 (importance from 1.4 on, padding before), then the match (`readMatch`: OXM, or the
 * OpenFlow 1.1 standard match) and the instructions.
 */
export function decodeFlowMod(r: Reader, version: number, xid: number, readMatch: (r: Reader) => MatchField[] = decodeMatch): OfMessage {
  // the usual zero cookie and mask with no call (a reader's u64() is too big for V8 to inline here)
  const b = r.bytes;
  const c = r.pos;
  const zero = c + 16 <= r.end && (b[c]! | b[c + 1]! | b[c + 2]! | b[c + 3]! | b[c + 4]! | b[c + 5]! | b[c + 6]! | b[c + 7]!) === 0 && (b[c + 8]! | b[c + 9]! | b[c + 10]! | b[c + 11]! | b[c + 12]! | b[c + 13]! | b[c + 14]! | b[c + 15]!) === 0;
  if (zero) r.pos = c + 16;
  const cookie = zero ? 0n : r.u64();
  const cookieMask = zero ? 0n : r.u64();
  // the rest of the fixed part is one known 24-byte layout: read by index after one bounds check (a short
  // message goes through the reader field by field, which names the field it lacks)
  const p = r.pos;
  const whole = r.end - p >= 24;
  const tableId = whole ? b[p]! : r.u8();
  const command = whole ? b[p + 1]! : r.u8();
  const idleTimeout = whole ? (b[p + 2]! << 8) | b[p + 3]! : r.u16();
  const hardTimeout = whole ? (b[p + 4]! << 8) | b[p + 5]! : r.u16();
  const priority = whole ? (b[p + 6]! << 8) | b[p + 7]! : r.u16();
  const bufferId = whole ? ((b[p + 8]! << 24) | (b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!) >>> 0 : r.u32();
  const outPort = whole ? ((b[p + 12]! << 24) | (b[p + 13]! << 16) | (b[p + 14]! << 8) | b[p + 15]!) >>> 0 : r.u32();
  const outGroup = whole ? ((b[p + 16]! << 24) | (b[p + 17]! << 16) | (b[p + 18]! << 8) | b[p + 19]!) >>> 0 : r.u32();
  const flags = whole ? (b[p + 20]! << 8) | b[p + 21]! : r.u16();
  const importance = whole ? (b[p + 22]! << 8) | b[p + 23]! : r.u16();
  if (whole) r.pos = p + 24;
  const match = readMatch(r);
  // OpenFlow 1.2+: the OXM entries as Open vSwitch's strict decoder checks them (prerequisites, duplicates)
  const matchError = version >= OfpVersion.OF12 && match.length !== 0 ? matchEntriesError(match) : undefined;
  if (matchError) r.fail(matchError);
  // the instructions fill the rest of the message: read in place, with no reader of their own; what their
  // actions need checked summed as they are read (action-summary.ts)
  resetActionSummary();
  const instructions = decodeInstructions(r);
  const summary = actionSummary();
  // actions whose encoding the version does not have (Nicira encap before 1.3, load and move from 1.5 on, ...)
  const versionBit = version >= OfpVersion.OF11 && version <= OfpVersion.OF15 ? 1 << version : SUMMARY_UNSURE;
  const versionError = (summary & (SUMMARY_UNSURE | versionBit)) === 0 ? undefined : instructionsVersionError(instructions, version);
  if (versionError !== undefined) r.fail(versionError);
  // then the actions against the match, as Open vSwitch's decoder checks them (none when every action is neutral)
  const inconsistent = (summary & (SUMMARY_UNSURE | SUMMARY_CHECK)) === 0 ? undefined : flowModConsistencyError(match, instructions);
  if (inconsistent) r.fail(inconsistent);
  // the flags the version has (Open vSwitch's ofputil_decode_flow_mod_flags()): 1.1 two, 1.2 reset_counts, 1.3+ the counts
  if (flags & ~flowModFlagsOf(version)) r.fail("OFPFMFC_BAD_FLAGS");
  // one object literal per shape (no spread): OpenFlow 1.4+ carries importance, earlier versions padding
  return version >= OfpVersion.OF14
    ? { version, xid, type: "flow_mod", cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority, bufferId, outPort, outGroup, flags, importance, match, instructions }
    : { version, xid, type: "flow_mod", cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority, bufferId, outPort, outGroup, flags, match, instructions };
}


/** Writes a flow_mod of OpenFlow 1.1 to 1.5, header included, into `w` at `start` (= `w.pos`), the length patched in. */
export function encodeFlowMod(w: Writer, m: Extract<OfMessageInput, { type: "flow_mod" }>, version: number, start: number): void {
  // the header and the fixed part are one known 48-byte layout: every value is range-checked first, in
  // layout order (the first bad one is named), then all are stored in one go
  const xid = m.xid ?? 0;
  const { cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority, bufferId, outPort, outGroup, flags } = m;
  // OpenFlow 1.4+ carries importance where 1.3 has padding (1.3 drops it, as ovs-ofctl does)
  const importance = version >= OfpVersion.OF14 ? (m.importance ?? 0) : 0;
  if ((version & 0xff) !== version) w.outOfRange("version", version, 8);
  if (xid >>> 0 !== xid) w.outOfRange("xid", xid, 32);
  // (the usual zero cookie and mask with one comparison each)
  const cookieZero = cookie === 0n;
  const maskZero = cookieMask === 0n;
  if (!cookieZero && (typeof cookie !== "bigint" || cookie < 0n || cookie > U64_MAX)) w.outOfRange("flow_mod.cookie", cookie, 64);
  if (!maskZero && (typeof cookieMask !== "bigint" || cookieMask < 0n || cookieMask > U64_MAX)) w.outOfRange("flow_mod.cookie_mask", cookieMask, 64);
  if ((tableId & 0xff) !== tableId) w.outOfRange("flow_mod.table_id", tableId, 8);
  if ((command & 0xff) !== command) w.outOfRange("flow_mod.command", command, 8);
  if ((idleTimeout & 0xffff) !== idleTimeout) w.outOfRange("flow_mod.idle_timeout", idleTimeout, 16);
  if ((hardTimeout & 0xffff) !== hardTimeout) w.outOfRange("flow_mod.hard_timeout", hardTimeout, 16);
  if ((priority & 0xffff) !== priority) w.outOfRange("flow_mod.priority", priority, 16);
  if (bufferId >>> 0 !== bufferId) w.outOfRange("flow_mod.buffer_id", bufferId, 32);
  if (outPort >>> 0 !== outPort) w.outOfRange("flow_mod.out_port", outPort, 32);
  if (outGroup >>> 0 !== outGroup) w.outOfRange("flow_mod.out_group", outGroup, 32);
  if ((flags & 0xffff) !== flags) w.outOfRange("flow_mod.flags", flags, 16);
  if (flags & ~flowModFlagsOf(version)) throw new EncodeError("openflow", "flow_mod.flags", `flags 0x${flags.toString(16)} not in OpenFlow version ${version} (ovs-ofctl: no usable protocol)`);
  if ((importance & 0xffff) !== importance) w.outOfRange("flow_mod.importance", importance, 16);
  // stored a 32-bit word at a time (12 stores, not 48), the values already checked
  const p = start;
  w.room(FLOW_MOD_FIXED_LEN);
  const d = w.dataView();
  d.setUint32(p, (version << 24) | (OfpType.FLOW_MOD << 16)); // the length (low half) patched below
  d.setUint32(p + 4, xid);
  // the usual zero cookie and mask without a bigint conversion
  if (cookieZero) {
    d.setUint32(p + 8, 0);
    d.setUint32(p + 12, 0);
  } else w.put64(p + 8, cookie, "flow_mod.cookie");
  if (maskZero) {
    d.setUint32(p + 16, 0);
    d.setUint32(p + 20, 0);
  } else w.put64(p + 16, cookieMask, "flow_mod.cookie_mask");
  d.setUint32(p + 24, (tableId << 24) | (command << 16) | idleTimeout);
  d.setUint32(p + 28, (hardTimeout << 16) | priority);
  d.setUint32(p + 32, bufferId);
  d.setUint32(p + 36, outPort);
  d.setUint32(p + 40, outGroup);
  d.setUint32(p + 44, (flags << 16) | importance);
  w.pos = p + FLOW_MOD_FIXED_LEN;
  // OpenFlow 1.1: the standard match when it can carry the fields (as ovs-ofctl); OXM otherwise, in Open
  // vSwitch's order, where the strict decoder finds each entry's prerequisites before it
  if (version === OfpVersion.OF11 && fitsMatch11(m.match)) encodeMatch11(w, m.match);
  else encodeMatchInOvsOrder(w, version >= OfpVersion.OF15 ? withOf15Headers(m.match) : version < OfpVersion.OF13 ? withOf12Headers(m.match) : m.match);
  encodeInstructions(w, m.instructions, version);
  const len = w.pos - start;
  if (len > OFP_MAX_MESSAGE_LEN) throw new EncodeError("openflow", "length", `message of ${len} bytes exceeds 65535`);
  w.patch16(start + 2, len);
}

/**
 * The flow_mod flags `version` has (Open vSwitch's ofputil_decode_flow_mod_flags()): OpenFlow 1.1 send_flow_rem
 * and check_overlap, 1.2 also reset_counts, 1.3+ also no_packet_counts and no_byte_counts. The decoder refuses
 * any other bit (`OFPFMFC_BAD_FLAGS`) and the encoder will not write one (ovs-ofctl: "no usable protocol").
 */
function flowModFlagsOf(version: number): number {
  return version === OfpVersion.OF11 ? 3 : version === OfpVersion.OF12 ? 7 : 0x1f;
}

/** The header and fixed part of a flow_mod of OpenFlow 1.1 to 1.5, before its match (OpenFlow 1.3.5 §7.3.4.1). */
const FLOW_MOD_FIXED_LEN = 48;
/** The largest 64-bit unsigned value. */
const U64_MAX = 0xffffffffffffffffn;

/** The body of a flow_mod after the header (OpenFlow 1.3.5 §7.3.4.1; `importance` from 1.4 on). */
export function writeFlowModBody(w: Writer, m: FlowMod, version: number): void {
  w.u64(m.cookie, "flow_mod.cookie").u64(m.cookieMask, "flow_mod.cookie_mask").u8(m.tableId, "flow_mod.table_id").u8(m.command, "flow_mod.command");
  w.u16(m.idleTimeout, "flow_mod.idle_timeout").u16(m.hardTimeout, "flow_mod.hard_timeout").u16(m.priority, "flow_mod.priority");
  // OpenFlow 1.4+ carries importance where 1.3 has padding (1.3 drops it, as ovs-ofctl does)
  w.u32(m.bufferId, "flow_mod.buffer_id").u32(m.outPort, "flow_mod.out_port").u32(m.outGroup, "flow_mod.out_group").u16(m.flags, "flow_mod.flags");
  if (m.flags & ~flowModFlagsOf(version)) throw new EncodeError("openflow", "flow_mod.flags", `flags 0x${m.flags.toString(16)} not in OpenFlow version ${version} (ovs-ofctl: no usable protocol)`);
  w.u16(version >= OfpVersion.OF14 ? (m.importance ?? 0) : 0, "flow_mod.importance");
  encodeMatchInOvsOrder(w, version >= OfpVersion.OF15 ? withOf15Headers(m.match) : version < OfpVersion.OF13 ? withOf12Headers(m.match) : m.match);
  encodeInstructions(w, m.instructions, version);
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
