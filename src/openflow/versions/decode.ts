/**
 * Decoding of OpenFlow 1.1, 1.2, 1.4 and 1.5 message bodies (OpenFlow 1.1.0, 1.2, 1.4.1, 1.5.1 §7):
 * where a version lays a message out as OpenFlow 1.3 does, the 1.3 decoder is used; where it differs
 * (features with ports, packet-in without cookie, 1.4 port properties, 1.5 packet-out with a match,
 * OXS flow statistics, bucket properties, bundles, role status, ...) it is decoded here into the
 * same {@link OfMessage} shapes, or into the version-only members of {@link VersionedMessage}.
 *
 * @module
 */
import type { Reader } from "../../bytes/reader.js";
import { MultipartType, OfpType, OfpVersion } from "../constants.js";
import { type Action, decodeActions } from "../actions.js";
import { type MatchField, decodeMatch, decodeOxm, fieldByHeader } from "../oxm.js";
import {
  type Bucket,
  type MultipartReplyBody,
  type MultipartRequestBody,
  type OfMessage,
  type PortDesc,
  decodeHeader,
  readFlowStatsRequest,
  readPort,
} from "../messages.js";
import { decodeFlowMod } from "../flow-mod.js";
import { readOxsStats } from "./oxs.js";
import { readPort14 } from "./port14.js";
import { readFlowStats, readGroupStats, readPortStats } from "../stats-readers.js";
import { readVersionedInstructions } from "../action-versions.js";
import { readMatch11 } from "./match11.js";

/** OFPT_* codes that exist from OpenFlow 1.4 on. */
export const OfpType14 = { ROLE_STATUS: 30, TABLE_STATUS: 31, REQUESTFORWARD: 32, BUNDLE_CONTROL: 33, BUNDLE_ADD_MESSAGE: 34 } as const;

/** Message names for {@link VersionedMessage} `rejected` entries. */
const NAMES: Record<number, string> = {
  [OfpType.PACKET_OUT]: "OFPT_PACKET_OUT",
  [OfpType.SET_ASYNC]: "OFPT_SET_ASYNC",
  [OfpType14.BUNDLE_ADD_MESSAGE]: "OFPT_BUNDLE_ADD_MESSAGE",
  [OfpType.GROUP_MOD]: "OFPT_GROUP_MOD",
  [OfpType14.TABLE_STATUS]: "OFPT_TABLE_STATUS",
};

/** Open vSwitch's pipeline fields: the only ones an OpenFlow 1.5 packet-out match may carry. */
function isPipelineField(name: string): boolean {
  return /^(in_port|in_port_oxm|metadata|packet_type|tun_(id|src|dst|ipv6_src|ipv6_dst|flags|gbp_id|gbp_flags|erspan_ver|erspan_idx|erspan_dir|erspan_hwid|gtpu_flags|gtpu_msgtype|metadata\d+)|x{0,2}reg\d+)$/.test(name);
}

/**
 * Decodes the body of a message of version 1.1, 1.2, 1.4 or 1.5 (`r` is positioned after the header).
 * @param shared - decodes the body with the OpenFlow 1.3 layout (for messages laid out the same way)
 * @throws DecodeError on malformed input (the reason is the OpenFlow error Open vSwitch gives, where it gives one)
 */
export function decodeOtherVersion(v: number, msgType: number, xid: number, r: Reader, shared: (r: Reader) => OfMessage): OfMessage {
  const raw = () => r.window();
  const rejected = (error: string): OfMessage => ({ version: v, xid, type: "rejected", name: NAMES[msgType] ?? `OFPT_${msgType}`, error, raw: raw() });
  const old = v <= OfpVersion.OF12;
  const of11 = v === OfpVersion.OF11;
  const of15 = v === OfpVersion.OF15;
  switch (msgType) {
    case OfpType.FEATURES_REPLY: {
      if (!old) return shared(r);
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      r.skip(3);
      const capabilities = r.u32();
      r.skip(4);
      if (r.remaining % 64) r.fail("OFPBRC_BAD_LEN", r.offset - 24);
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPort(r));
      return { version: v, xid, type: "features_reply", datapathId, nBuffers, nTables, auxiliaryId: 0, capabilities, ports };
    }
    case OfpType.PACKET_IN: {
      if (!old) return shared(r);
      const bufferId = r.u32();
      if (of11) {
        const inPort = r.u32();
        r.skip(4);
        const totalLen = r.u16();
        const reason = r.u8();
        const tableId = r.u8();
        const match = inPort ? [portField(inPort)] : [];
        return { version: v, xid, type: "packet_in", bufferId, totalLen, reason, tableId, cookie: 0xffffffffffffffffn, match, data: r.take(r.remaining) };
      }
      const totalLen = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const match = decodeMatch(r);
      r.skip(2);
      return { version: v, xid, type: "packet_in", bufferId, totalLen, reason, tableId, cookie: 0xffffffffffffffffn, match, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_REMOVED: {
      if (of15) {
        const tableId = r.u8();
        const reason = r.u8();
        const priority = r.u16();
        const idleTimeout = r.u16();
        const hardTimeout = r.u16();
        const cookie = r.u64();
        const match = decodeMatch(r);
        const s = readOxsStats(r);
        return {
          version: v,
          xid,
          type: "flow_removed",
          cookie,
          priority,
          reason,
          tableId,
          durationSec: s.durationSec ?? 0,
          durationNsec: s.durationNsec ?? 0,
          idleTimeout,
          hardTimeout,
          packetCount: s.packetCount ?? 0n,
          byteCount: s.byteCount ?? 0n,
          match,
        };
      }
      if (!of11) return shared(r);
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      // OpenFlow 1.1 calls these two bytes padding; OVS reads and writes them as the hard timeout (added in 1.2)
      const hardTimeout = r.u16();
      const packetCount = r.u64();
      const byteCount = r.u64();
      const match = readMatch11(r);
      return { version: v, xid, type: "flow_removed", cookie, priority, reason, tableId, durationSec, durationNsec, idleTimeout, hardTimeout, packetCount, byteCount, match };
    }
    case OfpType.PORT_STATUS: {
      if (old) return shared(r);
      const reason = r.u8();
      r.skip(7);
      return { version: v, xid, type: "port_status", reason, port: readPort14(r) };
    }
    case OfpType.PACKET_OUT: {
      if (!of15) return shared(r);
      const bufferId = r.u32();
      const actionsLen = r.u16();
      r.skip(2);
      // a loose match (oxm_pull_match_loose): entries with unknown headers are skipped
      const match = decodeMatch(r).filter((f) => {
        const def = fieldByHeader(f.header, f.experimenter);
        return def !== undefined && (def.len === f.value.length || def.name.startsWith("tun_metadata"));
      });
      const inPort = match.find((f) => f.field === "in_port");
      if (!inPort) return rejected("OFPBRC_BAD_PORT");
      if (match.some((f) => !isPipelineField(f.field))) return rejected("OFPBRC_PIPELINE_FIELDS_ONLY");
      const actions = decodeActions(r.sub(actionsLen, "packet_out actions"));
      const dv = new DataView(inPort.value.buffer, inPort.value.byteOffset, inPort.value.byteLength);
      return { version: v, xid, type: "packet_out", bufferId, inPort: dv.getUint32(0), match, actions, data: r.take(r.remaining) };
    }
    case OfpType.FLOW_MOD:
      return of11 ? decodeFlowMod(r, v, xid, readMatch11) : shared(r);
    case OfpType.GROUP_MOD: {
      if (!of15) return shared(r);
      const command = r.u16();
      const groupType = r.u8();
      r.skip(1);
      const groupId = r.u32();
      const bucketsLen = r.u16();
      r.skip(2);
      const commandBucketId = r.u32();
      const buckets = readBuckets15(r.sub(bucketsLen, "buckets"));
      return { version: v, xid, type: "group_mod", command, groupType, groupId, commandBucketId, buckets, ...readGroupProps(r) };
    }
    case OfpType.PORT_MOD: {
      if (old) return shared(r);
      const portNo = r.u32();
      r.skip(4);
      const hwAddr = r.take(6);
      r.skip(2);
      const config = r.u32();
      const mask = r.u32();
      let advertise = 0;
      for (const { type, body } of r.properties("port_mod property")) if (type === 0) advertise = body.u32();
      return { version: v, xid, type: "port_mod", portNo, hwAddr, config, mask, advertise };
    }
    case OfpType.TABLE_MOD: {
      const tableId = r.u8();
      r.skip(3);
      const config = r.u32();
      const properties = old ? undefined : r.take(r.remaining);
      return { version: v, xid, type: "table_mod", tableId, config, ...(properties ? { properties } : {}) };
    }
    case OfpType.MULTIPART_REQUEST:
    case OfpType.MULTIPART_REPLY:
      return decodeMultipart(v, msgType, xid, r, shared);
    case OfpType.QUEUE_GET_CONFIG_REQUEST:
    case OfpType.QUEUE_GET_CONFIG_REPLY: {
      if (v >= OfpVersion.OF14) break;
      const portNo = r.u32();
      r.skip(4);
      if (msgType === OfpType.QUEUE_GET_CONFIG_REQUEST) return { version: v, xid, type: "queue_get_config_request", portNo };
      return { version: v, xid, type: "queue_get_config_reply", portNo, queues: readPacketQueues(r, v) };
    }
    case OfpType.ROLE_REQUEST:
    case OfpType.ROLE_REPLY:
    case OfpType.GET_ASYNC_REQUEST:
    case OfpType.METER_MOD:
      if (of11 || (msgType !== OfpType.ROLE_REQUEST && msgType !== OfpType.ROLE_REPLY && old)) break;
      return shared(r);
    case OfpType.GET_ASYNC_REPLY:
    case OfpType.SET_ASYNC: {
      if (old) break;
      const masks = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      for (const { type, body } of r.properties("async property")) {
        // OFPACPT_*: even = secondary ("slave"), odd = primary ("master"), in pairs per message kind
        if (type > 11) return rejected("OFPACFC_UNSUPPORTED");
        const mask = body.u32();
        const kind = type >> 1;
        const allowed = [0x3f, 0x7, 0x3f, 0xf, 0xf, 0x3][kind]!;
        if (mask & ~allowed) return rejected("OFPACFC_INVALID");
        masks[kind * 2 + (type & 1 ? 0 : 1)] = mask;
      }
      return { version: v, xid, type: msgType === OfpType.SET_ASYNC ? "set_async" : "get_async_reply", masks };
    }
    case OfpType14.ROLE_STATUS: {
      if (old) break;
      const role = r.u32();
      const reason = r.u8();
      r.skip(3);
      return { version: v, xid, type: "role_status", role, reason, generationId: r.u64() };
    }
    case OfpType14.TABLE_STATUS: {
      if (old) break;
      const reason = r.u8();
      r.skip(7);
      if (reason !== 3 && reason !== 4) return rejected("OFPBPC_BAD_VALUE");
      return { version: v, xid, type: "table_status", reason, table: r.take(r.remaining) };
    }
    case OfpType14.REQUESTFORWARD:
      if (old) break;
      return { version: v, xid, type: "requestforward", request: r.take(r.remaining) };
    case OfpType14.BUNDLE_CONTROL: {
      if (old) break;
      const bundleId = r.u32();
      const bundleType = r.u16();
      const flags = r.u16();
      return { version: v, xid, type: "bundle_control", bundleId, bundleType, flags, properties: r.take(r.remaining) };
    }
    case OfpType14.BUNDLE_ADD_MESSAGE: {
      if (old) break;
      const bundleId = r.u32();
      r.skip(2);
      const flags = r.u16();
      const inner = decodeHeader(r.bytes.subarray(r.pos, r.end), r.offset);
      if (inner.version !== v || inner.length > r.remaining) return rejected("OFPBFC_MSG_BAD_LEN");
      if (inner.xid !== xid) return rejected("OFPBFC_MSG_BAD_XID");
      if (!BUNDLEABLE.has(inner.msgType)) return rejected("OFPBFC_MSG_UNSUP");
      const message = r.take(inner.length, "bundled message");
      r.skip(Math.min(r.remaining, ((inner.length + 7) & ~7) - inner.length));
      return { version: v, xid, type: "bundle_add", bundleId, flags, message, properties: r.take(r.remaining) };
    }
    default:
      if (msgType <= OfpType.SET_CONFIG || msgType === OfpType.BARRIER_REQUEST || msgType === OfpType.BARRIER_REPLY) return shared(r);
  }
  return { version: v, xid, type: "unknown", msgType, body: r.take(r.remaining) };
}

/** Message types Open vSwitch accepts inside a bundle (flow_mod, group_mod, port_mod, packet_out, ...). */
const BUNDLEABLE = new Set<number>([OfpType.FLOW_MOD, OfpType.GROUP_MOD, OfpType.PORT_MOD, OfpType.PACKET_OUT, OfpType.METER_MOD, OfpType.TABLE_MOD]);

function portField(port: number): MatchField {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, port);
  return { field: "in_port", header: 0x80000004, value };
}

/** `ofp_packet_queue` list (OpenFlow 1.1: no port in the entry; 1.2/1.3: port first). */
function readPacketQueues(r: Reader, v: number) {
  const out: { portNo: number; queueId: number; properties: { propType: number; rate?: number; data?: Uint8Array }[] }[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const queueId = r.u32();
    const portNo = v === OfpVersion.OF11 ? 0 : r.u32();
    const len = r.u16();
    if (len < (v === OfpVersion.OF11 ? 8 : 16)) r.fail("OFPBRC_BAD_LEN", start);
    r.pos = start;
    const e = r.sub(len, "queue");
    e.skip(v === OfpVersion.OF11 ? 8 : 16);
    const properties: { propType: number; rate?: number; data?: Uint8Array }[] = [];
    while (e.remaining > 0) {
      const ps = e.pos;
      const propType = e.u16();
      const plen = e.u16();
      if (plen < 8) e.fail("OFPBRC_BAD_LEN", ps);
      e.pos = ps;
      const p = e.sub(plen, "queue property");
      p.skip(8);
      if ((propType === 1 || propType === 2) && p.remaining >= 2) properties.push({ propType, rate: p.u16() });
      else properties.push({ propType, data: p.take(p.remaining) });
    }
    out.push({ portNo, queueId, properties });
  }
  return out;
}

/** OpenFlow 1.5 `ofp_bucket` list with properties (weight, watch_port, watch_group). */
export function readBuckets15(r: Reader, actionsOf: (r: Reader) => Action[] = decodeActions): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const b = r.entry("bucket", 8, 8, 1, 0);
    b.skip(2);
    const actionsLen = b.u16();
    const bucketId = b.u32();
    const actions = actionsOf(b.sub(actionsLen, "bucket actions"));
    let weight = 0;
    let watchPort = 0xffffffff;
    let watchGroup = 0xffffffff;
    for (const { type, body } of b.properties("bucket property")) {
      if (type === 0) weight = body.u16();
      else if (type === 1) watchPort = body.u32();
      else if (type === 2) watchGroup = body.u32();
    }
    out.push({ weight, watchPort, watchGroup, actions, bucketId });
  }
  return out;
}

/** Experimenter id of the selection method group property (NTR_VENDOR_ID). */
export const NTR_VENDOR_ID = 0x154d;
/** The older id Open vSwitch also accepts for it (NTR_COMPAT_VENDOR_ID). */
export const NTR_COMPAT_VENDOR_ID = 0x1540;

/** Group properties of OpenFlow 1.5 (Open vSwitch's NTR selection method experimenter property). */
export function readGroupProps(r: Reader): { selectionMethod?: string; selectionMethodParam?: bigint; fields?: MatchField[]; selectionMethodVendor?: number } {
  for (const { type, body } of r.properties("group property")) {
    if (type !== 0xffff) continue;
    const experimenter = body.u32();
    const expType = body.u32();
    // Netronome's id (NTR_VENDOR_ID), or the one Open vSwitch also accepts (NTR_COMPAT_VENDOR_ID)
    if ((experimenter !== NTR_VENDOR_ID && experimenter !== NTR_COMPAT_VENDOR_ID) || expType !== 1) continue;
    body.skip(4);
    const selectionMethod = body.str(16);
    const selectionMethodParam = body.u64();
    const fields: MatchField[] = [];
    while (body.remaining >= 4) fields.push(decodeOxm(body));
    return { selectionMethod, selectionMethodParam, fields, ...(experimenter === NTR_VENDOR_ID ? {} : { selectionMethodVendor: experimenter }) };
  }
  return {};
}

function decodeMultipart(v: number, msgType: number, xid: number, r: Reader, shared: (r: Reader) => OfMessage): OfMessage {
  const start = r.pos;
  const mpType = r.u16();
  const flags = r.u16();
  r.skip(4);
  const request = msgType === OfpType.MULTIPART_REQUEST;
  const of15 = v === OfpVersion.OF15;
  const old = v <= OfpVersion.OF12;
  const req = (body: MultipartRequestBody): OfMessage => ({ version: v, xid, type: "multipart_request", flags, body });
  const rep = (body: MultipartReplyBody): OfMessage => ({ version: v, xid, type: "multipart_reply", flags, body });
  const rawBody = () => ({ kind: "raw" as const, mpType, data: r.take(r.remaining) });
  if (request) {
    if (of15 && mpType === MultipartType.PORT_DESC) return req({ kind: "port_desc", portNo: r.u32() });
    if (of15 && mpType === MultipartType.GROUP_DESC) return req({ kind: "group_desc", groupId: r.u32() });
    if (v === OfpVersion.OF11 && (mpType === MultipartType.FLOW || mpType === MultipartType.AGGREGATE)) {
      const request = readFlowStatsRequest(r, readMatch11);
      return req(mpType === MultipartType.FLOW ? { kind: "flow", request } : { kind: "aggregate", request });
    }
    // Open vSwitch answers port descriptions (13) in OpenFlow 1.1 and 1.2 too, with 1.1 ports
    if (old && mpType > MultipartType.GROUP_FEATURES && mpType !== MultipartType.PORT_DESC) return req(rawBody());
    if (mpType === 14 || mpType === 15 || mpType === 16 || (old && mpType === MultipartType.TABLE)) return req(rawBody());
    r.pos = start;
    return shared(r);
  }
  switch (mpType) {
    case MultipartType.FLOW: {
      if (!of15 && v !== OfpVersion.OF11 && v !== OfpVersion.OF14) break;
      const readMatch = v === OfpVersion.OF11 ? (e: Reader) => readMatch11(e) : (e: Reader) => decodeMatch(e);
      return rep({ kind: "flow", flows: readFlowStats(r, { version: v, readMatch, readInstructions: (e) => readVersionedInstructions(e, v) }) });
    }
    case MultipartType.AGGREGATE: {
      if (!of15) break;
      const s = readOxsStats(r);
      return rep({ kind: "aggregate", packetCount: s.packetCount ?? 0n, byteCount: s.byteCount ?? 0n, flowCount: s.flowCount ?? 0 });
    }
    case MultipartType.PORT_STATS:
      return rep({ kind: "port_stats", ports: readPortStats(r, v) });
    case MultipartType.PORT_DESC: {
      if (old) break;
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPort14(r));
      return rep({ kind: "port_desc", ports });
    }
    case MultipartType.GROUP:
      if (!old) break;
      return rep({ kind: "group", groups: readGroupStats(r, v) });
    case MultipartType.GROUP_DESC: {
      if (!of15) break;
      const groups = [];
      while (r.remaining > 0) {
        const e = r.entry("group desc", 16, 1, 1, 0);
        e.skip(2);
        const groupType = e.u8();
        e.skip(1);
        const groupId = e.u32();
        const bucketsLen = e.u16();
        e.skip(6);
        const buckets = readBuckets15(e.sub(bucketsLen, "buckets"));
        groups.push({ groupType, groupId, buckets, ...readGroupProps(e) });
      }
      return rep({ kind: "group_desc", groups });
    }
    case MultipartType.TABLE:
      if (!old) break;
      // whole ofp11_table_stats (88 bytes) / ofp12_table_stats (128) entries only, as Open vSwitch checks
      if (!request && r.remaining % (v === OfpVersion.OF11 ? 88 : 128)) r.fail("OFPBRC_BAD_LEN", start);
      return rep(rawBody());
    case MultipartType.QUEUE:
    case MultipartType.GROUP_FEATURES:
    case 14:
    case 15:
    case 16:
      return rep(rawBody());
  }
  if (old && mpType > MultipartType.GROUP_FEATURES && mpType !== MultipartType.PORT_DESC) return rep(rawBody());
  r.pos = start;
  return shared(r);
}
