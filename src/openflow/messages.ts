/**
 * OpenFlow message codec, header and dispatch: the common header (OpenFlow 1.3.5 §7.1), version
 * negotiation from HELLO version bitmaps (§7.5.1), and `decodeMessage` / `encodeMessage`, which hand each
 * body to its family: the OpenFlow 1.3 fixed layouts here, multipart bodies (`multipart.ts`), ONF and
 * Nicira experimenter messages (`experimenter.ts`), OpenFlow 1.0 (`v10/`) and 1.1/1.2/1.4/1.5
 * (`versions/`). The message types live in `message-types.ts`. Unknown message types and unknown multipart
 * bodies are kept as raw bytes.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { decodeActions, encodeActions } from "./actions.js";
import { decodeMatch, encodeMatch } from "./oxm.js";
import { OfpType, OfpVersion } from "./constants.js";
import { decodeOf10Body } from "./v10/messages.js";
import { encodeOf10Message } from "./v10/encode.js";
import { decodeOtherVersion } from "./versions/decode.js";
import { encodeOtherVersion, typeCodeOtherVersion } from "./versions/encode.js";
import { type OfMessageInput, type OfMessage, OFP_MAX_MESSAGE_LEN, type OfHeader, OFP_HEADER_LEN } from "./message-types.js";
import { encodeExperimenter, decodeExperimenter } from "./experimenter.js";
import { decodeFlowMod, encodeFlowMod, writeFlowModBody } from "./flow-mod.js";
import { writePort, readBuckets, readMultipartRequest, readPort, writeBuckets, readMultipartReply, writeBands, readBands, writeMultipartReply, writeMultipartRequest } from "./multipart.js";

export { OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN, NxMessageSubtype, TlvTableModCommand, NxPacketInFormat, OnfBundleType, OFPMPF_MORE } from "./message-types.js";
export type { Bucket, DistributiveOmit, FlowMod, FlowRemoved, FlowStats, FlowStatsRequest, GroupProps, GroupStats, MessageHeader, MeterBand, MeterStats, MultipartReplyBody, MultipartRequestBody, NxPacketIn2, OfHeader, OfMessage, OfMessageInput, OfMessageType, PortDesc, PortStats, SwitchDesc, TableFeatures, TableStats, TlvMapping } from "./message-types.js";
export { decodeFlowMod, flowMod } from "./flow-mod.js";
export { mergeMultipartReplies, readBuckets, readFlowStatsRequest, readPort, writeBuckets, writeFlowStatsRequest, writePort } from "./multipart.js";

/** Reads an `ofp_header` (no body). */
export function decodeHeader(bytes: Uint8Array, base = 0): OfHeader {
  const r = new Reader(bytes, "openflow", base);
  const version = r.u8();
  const msgType = r.u8();
  const length = r.u16();
  const xid = r.u32();
  if (length < OFP_HEADER_LEN) r.fail(`message length ${length} < 8`, 2);
  return { version, msgType, length, xid };
}

/** HELLO element type VERSIONBITMAP (OpenFlow 1.3.5 §7.5.1.1). */
const HELLO_ELEM_VERSIONBITMAP = 1;

/** Picks the highest version both sides support, or undefined. */
export function negotiateVersion(ours: readonly number[], theirs: readonly number[], theirHeaderVersion: number): number | undefined {
  const peer = theirs.length ? theirs : Array.from({ length: theirHeaderVersion }, (_, i) => i + 1);
  const common = ours.filter((v) => peer.includes(v) && v <= Math.max(theirHeaderVersion, ...peer));
  return common.length ? Math.max(...common) : undefined;
}

/**
 * Decodes one complete message (exactly `header.length` bytes).
 * @param bytes - the message bytes
 * @param base - absolute offset of `bytes[0]`, used in {@link DecodeError}s
 * @throws DecodeError on malformed input
 */
export function decodeMessage(bytes: Uint8Array, base = 0): OfMessage {
  if (bytes.length < OFP_HEADER_LEN) throw new DecodeError("openflow", base, `truncated header: ${bytes.length} bytes`);
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length < OFP_HEADER_LEN) throw new DecodeError("openflow", base + 2, `message length ${length} < 8`);
  if (length > bytes.length) throw new DecodeError("openflow", base + 2, `message length ${length} overruns ${bytes.length} available bytes`);
  const version = bytes[0]!;
  const msgType = bytes[1]!;
  const xid0 = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  // one reader over the message (the bytes past its length are not its own), with no DataView unless a
  // body decoder asks for one: building it costs more than decoding a small flow_mod
  const r = new Reader(bytes, "openflow", base, null, 0, length);
  r.pos = OFP_HEADER_LEN;
  // the OpenFlow 1.3 flow_mod goes straight to its decoder (what decodeBody13 would do for it)
  if (version === OfpVersion.OF13 && msgType === OfpType.FLOW_MOD) return decodeFlowMod(r, version, xid0);
  const h: OfHeader = { version, msgType, length, xid: xid0 };
  const v = h.version;
  const xid = h.xid;
  // HELLO, ERROR and ECHO have the same layout in every version; other OpenFlow 1.0 messages go to
  // v10/messages.ts, 1.1/1.2/1.4/1.5 ones to versions/decode.ts, and 1.3 ones to decodeBody13.
  const queueConfig13 = v === OfpVersion.OF13 && (h.msgType === OfpType.QUEUE_GET_CONFIG_REQUEST || h.msgType === OfpType.QUEUE_GET_CONFIG_REPLY);
  if (v === OfpVersion.OF10 && h.msgType > OfpType.ECHO_REPLY) {
    // OpenFlow 1.0 layouts (v10/messages.ts); vendor messages it leaves are shared with OpenFlow 1.3
    const m10 = decodeOf10Body(h.msgType, r, v, xid);
    if (m10) return m10;
    if (h.msgType === OfpType.EXPERIMENTER) return decodeBody13(h, r);
    return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
  if ((v !== OfpVersion.OF13 && h.msgType > OfpType.ECHO_REPLY) || queueConfig13) {
    // OpenFlow 1.1, 1.2, 1.4 and 1.5: versions/decode.ts, which uses the 1.3 layouts where they are shared
    if (v >= OfpVersion.OF11 && v <= OfpVersion.OF15) return decodeOtherVersion(v, h.msgType, xid, r, (rr) => decodeBody13(h, rr));
    return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
  return decodeBody13(h, r);
}

/** Decodes a body with the OpenFlow 1.3 layouts (`r` positioned after the header). */
function decodeBody13(h: OfHeader, r: Reader): OfMessage {
  const v = h.version;
  const xid = h.xid;
  switch (h.msgType) {
    case OfpType.HELLO: {
      // as Open vSwitch's ofputil_decode_hello(): elements it cannot use make the hello "not fully understood"
      const versions: number[] = [];
      let understood = true;
      while (r.remaining > 0) {
        if (r.remaining < 4) {
          understood = false;
          break;
        }
        const es = r.pos;
        const et = r.u16();
        const el = r.u16();
        const padded = (el + 7) & ~7;
        if (el < 4 || padded > r.remaining + 4) {
          understood = false;
          break;
        }
        r.pos = es;
        const e = r.sub(el, "hello element");
        e.skip(4);
        r.skip(Math.min(r.remaining, padded - el));
        if (et !== HELLO_ELEM_VERSIONBITMAP || e.remaining === 0 || e.remaining % 4 !== 0) {
          understood = false;
          continue;
        }
        let word = 0;
        let first = 0;
        while (e.remaining >= 4) {
          const bits = e.u32();
          if (word === 0) first = bits;
          for (let i = 0; i < 32; i++) if (bits & (1 << i)) versions.push(word * 32 + i);
          word++;
        }
        if ((first & ~1) === 0) understood = false;
      }
      return understood ? { version: v, xid, type: "hello", versions } : { version: v, xid, type: "hello", versions, unknownData: r.window().slice() };
    }
    case OfpType.ERROR: {
      const errType = r.u16();
      const code = r.u16();
      if (errType === 0xffff) {
        const experimenter = r.u32();
        return { version: v, xid, type: "error", errType, code, experimenter, data: r.take(r.remaining) };
      }
      return { version: v, xid, type: "error", errType, code, data: r.take(r.remaining) };
    }
    case OfpType.ECHO_REQUEST:
      return { version: v, xid, type: "echo_request", data: r.take(r.remaining) };
    case OfpType.ECHO_REPLY:
      return { version: v, xid, type: "echo_reply", data: r.take(r.remaining) };
    case OfpType.EXPERIMENTER:
      return decodeExperimenter(r, v, xid);
    case OfpType.FEATURES_REQUEST:
      return { version: v, xid, type: "features_request" };
    case OfpType.FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      const capabilities = r.u32();
      return { version: v, xid, type: "features_reply", datapathId, nBuffers, nTables, auxiliaryId, capabilities };
    }
    case OfpType.GET_CONFIG_REQUEST:
      return { version: v, xid, type: "get_config_request" };
    case OfpType.GET_CONFIG_REPLY:
    case OfpType.SET_CONFIG: {
      const flags = r.u16();
      const missSendLen = r.u16();
      return { version: v, xid, type: h.msgType === OfpType.SET_CONFIG ? "set_config" : "get_config_reply", flags, missSendLen };
    }
    case OfpType.PACKET_IN: {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const cookie = r.u64();
      const match = decodeMatch(r);
      r.skip(2);
      return { version: v, xid, type: "packet_in", bufferId, totalLen, reason, tableId, cookie, match, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_REMOVED: {
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const packetCount = r.u64();
      const byteCount = r.u64();
      const match = decodeMatch(r);
      return {
        version: v,
        xid,
        type: "flow_removed",
        cookie,
        priority,
        reason,
        tableId,
        durationSec,
        durationNsec,
        idleTimeout,
        hardTimeout,
        packetCount,
        byteCount,
        match,
      };
    }
    case OfpType.PORT_STATUS: {
      const reason = r.u8();
      r.skip(7);
      return { version: v, xid, type: "port_status", reason, port: readPort(r) };
    }
    case OfpType.PACKET_OUT: {
      const bufferId = r.u32();
      const inPort = r.u32();
      const actionsLen = r.u16();
      r.skip(6);
      const actions = decodeActions(r.sub(actionsLen, "packet_out actions"));
      return { version: v, xid, type: "packet_out", bufferId, inPort, actions, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_MOD:
      return decodeFlowMod(r, v, xid);
    case OfpType.GROUP_MOD: {
      const command = r.u16();
      const groupType = r.u8();
      r.skip(1);
      const groupId = r.u32();
      return { version: v, xid, type: "group_mod", command, groupType, groupId, buckets: readBuckets(r.sub(r.remaining)) };
    }
    case OfpType.PORT_MOD: {
      const portNo = r.u32();
      r.skip(4);
      const hwAddr = r.take(6);
      r.skip(2);
      return { version: v, xid, type: "port_mod", portNo, hwAddr, config: r.u32(), mask: r.u32(), advertise: r.u32() };
    }
    case OfpType.TABLE_MOD: {
      const tableId = r.u8();
      r.skip(3);
      return { version: v, xid, type: "table_mod", tableId, config: r.u32() };
    }
    case OfpType.MULTIPART_REQUEST:
    case OfpType.MULTIPART_REPLY: {
      const mpType = r.u16();
      const flags = r.u16();
      r.skip(4);
      const body = r.sub(r.remaining, "multipart body");
      if (h.msgType === OfpType.MULTIPART_REQUEST) return { version: v, xid, type: "multipart_request", flags, body: readMultipartRequest(mpType, body) };
      return { version: v, xid, type: "multipart_reply", flags, body: readMultipartReply(mpType, body, v) };
    }
    case OfpType.BARRIER_REQUEST:
      return { version: v, xid, type: "barrier_request" };
    case OfpType.BARRIER_REPLY:
      return { version: v, xid, type: "barrier_reply" };
    case OfpType.ROLE_REQUEST:
    case OfpType.ROLE_REPLY: {
      const role = r.u32();
      r.skip(4);
      const generationId = r.u64();
      return { version: v, xid, type: h.msgType === OfpType.ROLE_REQUEST ? "role_request" : "role_reply", role, generationId };
    }
    case OfpType.GET_ASYNC_REQUEST:
      return { version: v, xid, type: "get_async_request" };
    case OfpType.GET_ASYNC_REPLY:
    case OfpType.SET_ASYNC: {
      const masks: number[] = [];
      for (let i = 0; i < 6; i++) masks.push(r.u32());
      return { version: v, xid, type: h.msgType === OfpType.SET_ASYNC ? "set_async" : "get_async_reply", masks };
    }
    case OfpType.METER_MOD: {
      const command = r.u16();
      const flags = r.u16();
      const meterId = r.u32();
      return { version: v, xid, type: "meter_mod", command, flags, meterId, bands: readBands(r.sub(r.remaining)) };
    }
    default:
      return { version: v, xid, type: "unknown", msgType: h.msgType, body: r.take(r.remaining) };
  }
}

const TYPE_CODE: Record<string, number> = {
  hello: OfpType.HELLO,
  error: OfpType.ERROR,
  echo_request: OfpType.ECHO_REQUEST,
  echo_reply: OfpType.ECHO_REPLY,
  experimenter: OfpType.EXPERIMENTER,
  features_request: OfpType.FEATURES_REQUEST,
  features_reply: OfpType.FEATURES_REPLY,
  get_config_request: OfpType.GET_CONFIG_REQUEST,
  get_config_reply: OfpType.GET_CONFIG_REPLY,
  set_config: OfpType.SET_CONFIG,
  packet_in: OfpType.PACKET_IN,
  flow_removed: OfpType.FLOW_REMOVED,
  port_status: OfpType.PORT_STATUS,
  packet_out: OfpType.PACKET_OUT,
  flow_mod: OfpType.FLOW_MOD,
  group_mod: OfpType.GROUP_MOD,
  port_mod: OfpType.PORT_MOD,
  table_mod: OfpType.TABLE_MOD,
  multipart_request: OfpType.MULTIPART_REQUEST,
  multipart_reply: OfpType.MULTIPART_REPLY,
  barrier_request: OfpType.BARRIER_REQUEST,
  barrier_reply: OfpType.BARRIER_REPLY,
  role_request: OfpType.ROLE_REQUEST,
  role_reply: OfpType.ROLE_REPLY,
  get_async_request: OfpType.GET_ASYNC_REQUEST,
  get_async_reply: OfpType.GET_ASYNC_REPLY,
  set_async: OfpType.SET_ASYNC,
  meter_mod: OfpType.METER_MOD,
  bundle_control: OfpType.EXPERIMENTER,
  bundle_add: OfpType.EXPERIMENTER,
  nx_set_packet_in_format: OfpType.EXPERIMENTER,
  nx_ct_flush: OfpType.EXPERIMENTER,
  nx_packet_in2: OfpType.EXPERIMENTER,
  nx_resume: OfpType.EXPERIMENTER,
  nx_tlv_table_mod: OfpType.EXPERIMENTER,
  nx_tlv_table_request: OfpType.EXPERIMENTER,
  nx_tlv_table_reply: OfpType.EXPERIMENTER,
};

/**
 * Encodes a message; the header length is reserved and filled afterwards. Into `w` when given (the result is
 * a view of its buffer); else the result is the caller's own copy, for a message up to 2 KiB a view of a
 * shared pool buffer (read its `buffer` through `byteOffset` and `byteLength`).
 * @throws EncodeError when the message exceeds 65535 bytes or a value does not fit
 */
export function encodeMessage(m: OfMessageInput, w?: Writer): Uint8Array {
  const version = m.version ?? OfpVersion.OF13;
  const flowMod = m.type === "flow_mod" && version >= OfpVersion.OF11 && version <= OfpVersion.OF15;
  if (w) {
    // the flow_mod of OpenFlow 1.1 to 1.5 straight from here: encodeInto() is large (every message),
    // and V8 optimizes a large function only after many more calls than a small one
    if (!flowMod) return encodeInto(m, w);
    const start = w.pos;
    encodeFlowMod(w, m, version, start);
    return start === 0 ? w.finish() : w.finish().subarray(start);
  }
  // no writer given: encode into one reused scratch buffer (no growth, no per-call buffer) and return
  // a copy of exactly the message's bytes, which the caller owns
  scratch.pos = 0;
  if (flowMod) {
    // the flow_mod copied from the scratch buffer's view (one the scratch Writer keeps, by length)
    encodeFlowMod(scratch, m, version, 0);
    const bytes = scratch.finish();
    return pooledCopy(bytes, bytes.length);
  }
  const bytes = encodeInto(m, scratch);
  return pooledCopy(bytes, bytes.length);
}

/** Reused by {@link encodeMessage} when the caller gives no Writer (the largest message fits). */
const scratch = new Writer("openflow", OFP_MAX_MESSAGE_LEN + 1);

/** Size of the buffers {@link pooledCopy} carves copies out of. */
const POOL_SIZE = 16 * 1024;
/** The largest copy taken from the pool; longer ones get a buffer of their own. */
const POOL_MAX_COPY = POOL_SIZE / 8;
let pool = new ArrayBuffer(POOL_SIZE);
let poolUsed = 0;

/**
 * A copy of `bytes` the caller owns, as a view of a shared pool buffer for short ones (as Node's
 * `Buffer.allocUnsafe` does): a Uint8Array of its own costs more than encoding a flow_mod (its memory is
 * allocated outside V8's heap and tracked for the collector), a view of a pool one tenth of that. The
 * view's `buffer` holds other messages too: read it through `byteOffset` and `byteLength`.
 */
function pooledCopy(bytes: Uint8Array, n: number): Uint8Array {
  if (n > POOL_MAX_COPY) return bytes.slice(0, n);
  if (poolUsed + n > POOL_SIZE) {
    pool = new ArrayBuffer(POOL_SIZE);
    poolUsed = 0;
  }
  const out = new Uint8Array(pool, poolUsed, n);
  out.set(n === bytes.length ? bytes : bytes.subarray(0, n));
  // the next copy starts 8-aligned
  poolUsed = (poolUsed + n + 7) & ~7;
  return out;
}

function encodeInto(m: OfMessageInput, w: Writer): Uint8Array {
  const start = w.pos;
  const version = m.version ?? OfpVersion.OF13;
  // the flow_mod of OpenFlow 1.1 to 1.5 (one layout): its own small function, which V8 compiles with the
  // Writer's methods inlined (in this one they are calls)
  if (m.type === "flow_mod" && version >= OfpVersion.OF11 && version <= OfpVersion.OF15) {
    encodeFlowMod(w, m, version, start);
    return start === 0 ? w.finish() : w.finish().subarray(start);
  }
  // a message kept with the error Open vSwitch refuses it with goes back out as it came
  if (m.type === "rejected") return w.bytes(m.raw).finish().subarray(start);
  if (version === OfpVersion.OF10) {
    const b = encodeOf10Message(m, w);
    if (b) return b;
  }
  const other =
    (version !== OfpVersion.OF13 && version >= OfpVersion.OF11 && version <= OfpVersion.OF15) || m.type === "queue_get_config_request" || m.type === "queue_get_config_reply";
  w.u8(version, "version");
  w.u8(m.type === "unknown" ? m.msgType : ((other ? typeCodeOtherVersion(m.type, version) : undefined) ?? TYPE_CODE[m.type] ?? 0), "type");
  const lenAt = w.reserve16();
  w.u32(m.xid ?? 0, "xid");
  // OpenFlow 1.1, 1.2, 1.4, 1.5 layouts that differ from 1.3: versions/encode.ts
  if (!(other && encodeOtherVersion(w, m, version, start))) switch (m.type) {
    case "hello": {
      if (m.unknownData) w.bytes(m.unknownData.subarray(OFP_HEADER_LEN));
      else if (m.versions.length) {
        w.u16(HELLO_ELEM_VERSIONBITMAP);
        const words = Math.floor(Math.max(...m.versions) / 32) + 1;
        w.u16(4 + words * 4);
        for (let i = 0; i < words; i++) {
          let bits = 0;
          for (const ver of m.versions) if (Math.floor(ver / 32) === i) bits |= 1 << ver % 32;
          w.u32(bits >>> 0);
        }
        w.pad(start, 8);
      }
      break;
    }
    case "error":
      w.u16(m.errType).u16(m.code);
      if (m.errType === 0xffff) w.u32(m.experimenter ?? 0);
      w.bytes(m.data);
      break;
    case "echo_request":
    case "echo_reply":
      w.bytes(m.data);
      break;
    case "experimenter":
      w.u32(m.experimenter).u32(m.expType).bytes(m.data);
      break;
    case "features_request":
    case "get_config_request":
    case "barrier_request":
    case "barrier_reply":
    case "get_async_request":
      break;
    case "features_reply":
      w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(0);
      break;
    case "get_config_reply":
    case "set_config":
      w.u16(m.flags, `${m.type}.flags`).u16(m.missSendLen, `${m.type}.miss_send_len`);
      break;
    case "packet_in":
      w.u32(m.bufferId).u16(m.totalLen).u8(m.reason).u8(m.tableId).u64(m.cookie);
      encodeMatch(w, m.match);
      w.zeros(2).bytes(m.data);
      break;
    case "flow_removed":
      w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId).u32(m.durationSec).u32(m.durationNsec);
      w.u16(m.idleTimeout).u16(m.hardTimeout).u64(m.packetCount).u64(m.byteCount);
      encodeMatch(w, m.match);
      break;
    case "port_status":
      w.u8(m.reason).zeros(7);
      writePort(w, m.port);
      break;
    case "packet_out": {
      w.u32(m.bufferId).u32(m.inPort);
      const alAt = w.reserve16();
      w.zeros(6);
      const as = w.pos;
      encodeActions(w, m.actions, version);
      w.patch16(alAt, w.pos - as);
      w.bytes(m.data);
      break;
    }
    case "flow_mod":
      writeFlowModBody(w, m, version);
      break;
    case "group_mod":
      w.u16(m.command, "group_mod.command").u8(m.groupType, "group_mod.type").u8(0).u32(m.groupId, "group_mod.group_id");
      writeBuckets(w, m.buckets, version);
      break;
    case "port_mod":
      w.u32(m.portNo, "port_mod.port_no").zeros(4).bytes(m.hwAddr).zeros(2).u32(m.config, "port_mod.config").u32(m.mask, "port_mod.mask").u32(m.advertise, "port_mod.advertise").zeros(4);
      break;
    case "table_mod":
      w.u8(m.tableId).zeros(3).u32(m.config);
      break;
    case "multipart_request":
      writeMultipartRequest(w, m.flags, m.body, version);
      break;
    case "multipart_reply":
      writeMultipartReply(w, m.flags, m.body, version);
      break;
    case "role_request":
    case "role_reply":
      w.u32(m.role).zeros(4).u64(m.generationId);
      break;
    case "get_async_reply":
    case "set_async":
      for (let i = 0; i < 6; i++) w.u32(m.masks[i] ?? 0);
      break;
    case "meter_mod":
      w.u16(m.command).u16(m.flags).u32(m.meterId);
      writeBands(w, m.bands);
      break;
    case "bundle_control":
    case "bundle_add":
    case "nx_set_packet_in_format":
    case "nx_ct_flush":
    case "nx_packet_in2":
    case "nx_resume":
    case "nx_tlv_table_mod":
    case "nx_tlv_table_request":
    case "nx_tlv_table_reply":
      encodeExperimenter(w, m, start);
      break;
    case "unknown":
      w.bytes(m.body);
      break;
    default:
      throw new EncodeError("openflow", m.type, "an OpenFlow 1.0 message needs version 1");
  }
  const len = w.pos - start;
  if (len > OFP_MAX_MESSAGE_LEN) throw new EncodeError("openflow", "length", `message of ${len} bytes exceeds 65535`);
  w.patch16(lenAt, len);
  return start === 0 ? w.finish() : w.finish().subarray(start);
}
