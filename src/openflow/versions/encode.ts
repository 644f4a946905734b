/**
 * Encoding of the OpenFlow 1.1, 1.2, 1.4 and 1.5 message bodies whose layout differs from OpenFlow 1.3
 * (the inverse of decode.ts); everything else is encoded with the 1.3 layouts by messages.ts.
 *
 * @module
 */
import type { Writer } from "../../bytes/writer.js";
import { MultipartType, OfpType, OfpVersion } from "../constants.js";
import { encodeActions, encodeInstructions } from "../actions.js";
import { encodeOxm } from "../oxm.js";
import { encodeMatchFor } from "../match-order.js";
import { type Bucket, type GroupProps, type OfMessageInput, writePort } from "../messages.js";
import { writeOxsStats } from "./oxs.js";
import { writePort14, writePortStats14 } from "./port14.js";
import { NTR_VENDOR_ID, OfpType14 } from "./decode.js";

/** The OFPT_* code of a message type that has one of its own in `version`, else undefined (the 1.3 code applies). */
export function typeCodeOtherVersion(type: string, version: number): number | undefined {
  switch (type) {
    case "role_status":
      return OfpType14.ROLE_STATUS;
    case "requestforward":
      return OfpType14.REQUESTFORWARD;
    case "table_status":
      return OfpType14.TABLE_STATUS;
    case "queue_get_config_request":
      return OfpType.QUEUE_GET_CONFIG_REQUEST;
    case "queue_get_config_reply":
      return OfpType.QUEUE_GET_CONFIG_REPLY;
    case "bundle_control":
      return version >= OfpVersion.OF14 ? OfpType14.BUNDLE_CONTROL : undefined;
    case "bundle_add":
      return version >= OfpVersion.OF14 ? OfpType14.BUNDLE_ADD_MESSAGE : undefined;
  }
  return undefined;
}

/**
 * Writes OpenFlow 1.5 `ofp_bucket`s with their properties; `actions` writes a bucket's actions (in
 * OpenFlow 1.5 codes by default: a Nicira load is a set_field; Open vSwitch's NXT_GROUP_MOD carries the same layout with OpenFlow 1.0 actions).
 * @throws EncodeError when a value does not fit its field
 */
export function writeBuckets15(w: Writer, buckets: readonly Bucket[], groupType: number, actions: (w: Writer, b: Bucket) => void = (x, b) => encodeActions(x, b.actions, OfpVersion.OF15)): void {
  for (const b of buckets) {
    const start = w.pos;
    const lenAt = w.reserve16();
    const alAt = w.reserve16();
    w.u32(b.bucketId ?? 0, "bucket.bucket_id");
    const as = w.pos;
    actions(w, b);
    w.patch16(alAt, w.pos - as);
    // the weight property only for select groups or a non-zero weight, as Open vSwitch sends it
    if (groupType === 1 || b.weight) w.u16(0).u16(8).u16(b.weight, "bucket.weight").zeros(2);
    if (b.watchPort !== 0xffffffff) w.u16(1).u16(8).u32(b.watchPort, "bucket.watch_port");
    if (b.watchGroup !== 0xffffffff) w.u16(2).u16(8).u32(b.watchGroup, "bucket.watch_group");
    w.patch16(lenAt, w.pos - start);
  }
}

/** Writes the OpenFlow 1.5 group properties of `p` (Open vSwitch's selection method property, when set). */
export function writeGroupProps(w: Writer, p: GroupProps): void {
  if (!p.selectionMethod) return;
  const start = w.pos;
  w.u16(0xffff);
  const lenAt = w.reserve16();
  w.u32(p.selectionMethodVendor ?? NTR_VENDOR_ID).u32(1).zeros(4).str(p.selectionMethod, 16).u64(p.selectionMethodParam ?? 0n, "group.selection_method_param");
  for (const f of p.fields ?? []) encodeOxm(w, f);
  w.patch16(lenAt, w.pos - start);
  w.pad(start, 8);
}

/**
 * Writes the body of `m` for `version` (1.1, 1.2, 1.4 or 1.5) when its layout differs from OpenFlow 1.3;
 * returns false (nothing written) when the 1.3 layout applies.
 * @throws EncodeError when a value does not fit its field
 */
export function encodeOtherVersion(w: Writer, m: OfMessageInput, version: number, start: number): boolean {
  const old = version <= OfpVersion.OF12;
  const of15 = version === OfpVersion.OF15;
  switch (m.type) {
    case "features_reply":
      if (!old) return false;
      w.u64(m.datapathId, "features.datapath_id").u32(m.nBuffers, "features.n_buffers").u8(m.nTables, "features.n_tables").zeros(3).u32(m.capabilities, "features.capabilities").u32(0);
      for (const p of m.ports ?? []) writePort(w, p);
      return true;
    case "packet_in": {
      if (!old) return false;
      if (version === OfpVersion.OF11) {
        const inPort = m.match.find((f) => f.field === "in_port");
        const port = inPort ? new DataView(inPort.value.buffer, inPort.value.byteOffset, 4).getUint32(0) : 0;
        w.u32(m.bufferId, "packet_in.buffer_id").u32(port).u32(port).u16(m.totalLen, "packet_in.total_len").u8(m.reason).u8(m.tableId).bytes(m.data);
        return true;
      }
      w.u32(m.bufferId, "packet_in.buffer_id").u16(m.totalLen, "packet_in.total_len").u8(m.reason).u8(m.tableId);
      encodeMatchFor(w, m.match, version);
      w.zeros(2).bytes(m.data);
      return true;
    }
    case "flow_removed":
      if (!of15) return false;
      w.u8(m.tableId).u8(m.reason).u16(m.priority, "flow_removed.priority").u16(m.idleTimeout).u16(m.hardTimeout).u64(m.cookie, "flow_removed.cookie");
      encodeMatchFor(w, m.match, version);
      writeOxsStats(w, { durationSec: m.durationSec, durationNsec: m.durationNsec, packetCount: m.packetCount, byteCount: m.byteCount });
      return true;
    case "port_status":
      if (old) return false;
      w.u8(m.reason).zeros(7);
      writePort14(w, m.port);
      return true;
    case "packet_out": {
      if (!of15) return false;
      w.u32(m.bufferId, "packet_out.buffer_id");
      const alAt = w.reserve16();
      w.zeros(2);
      encodeMatchFor(w, m.match ?? [{ field: "in_port", header: 0x80000004, value: new Uint8Array([m.inPort >>> 24, (m.inPort >>> 16) & 0xff, (m.inPort >>> 8) & 0xff, m.inPort & 0xff]) }], version);
      const as = w.pos;
      encodeActions(w, m.actions, OfpVersion.OF15);
      w.patch16(alAt, w.pos - as);
      w.bytes(m.data);
      return true;
    }
    case "group_mod": {
      if (!of15) return false;
      w.u16(m.command, "group_mod.command").u8(m.groupType, "group_mod.type").u8(0).u32(m.groupId, "group_mod.group_id");
      const blAt = w.reserve16();
      w.zeros(2).u32(m.commandBucketId ?? 0xffffffff, "group_mod.command_bucket_id");
      const bs = w.pos;
      writeBuckets15(w, m.buckets, m.groupType);
      w.patch16(blAt, w.pos - bs);
      writeGroupProps(w, m);
      return true;
    }
    case "port_mod":
      if (old) return false;
      w.u32(m.portNo, "port_mod.port_no").zeros(4).bytes(m.hwAddr).zeros(2).u32(m.config, "port_mod.config").u32(m.mask, "port_mod.mask");
      w.u16(0).u16(8).u32(m.advertise, "port_mod.advertise");
      return true;
    case "table_mod":
      if (old) return false;
      w.u8(m.tableId).zeros(3).u32(m.config);
      if (m.properties) w.bytes(m.properties);
      return true;
    case "get_async_reply":
    case "set_async":
      if (old) return false;
      // OFPACPT_*: secondary then primary for each message kind, as Open vSwitch sends them
      for (let kind = 0; kind < 6; kind++) {
        const primary = m.masks[kind * 2];
        const secondary = m.masks[kind * 2 + 1];
        if (kind >= 3 && primary === undefined && secondary === undefined) continue;
        w.u16(kind * 2).u16(8).u32(secondary ?? 0, "async.mask");
        w.u16(kind * 2 + 1).u16(8).u32(primary ?? 0, "async.mask");
      }
      return true;
    case "role_status":
      w.u32(m.role, "role_status.role").u8(m.reason, "role_status.reason").zeros(3).u64(m.generationId, "role_status.generation_id");
      return true;
    case "requestforward":
      w.bytes(m.request);
      return true;
    case "table_status":
      w.u8(m.reason, "table_status.reason").zeros(7).bytes(m.table);
      return true;
    case "queue_get_config_request":
      w.u32(m.portNo, "queue_get_config.port").zeros(4);
      return true;
    case "queue_get_config_reply":
      w.u32(m.portNo, "queue_get_config.port").zeros(4);
      for (const q of m.queues) {
        const qs = w.pos;
        w.u32(q.queueId, "queue.queue_id");
        if (version !== OfpVersion.OF11) w.u32(q.portNo, "queue.port");
        const lenAt = w.reserve16();
        w.zeros(version === OfpVersion.OF11 ? 2 : 6);
        for (const p of q.properties) {
          const ps = w.pos;
          w.u16(p.propType);
          const pl = w.reserve16();
          w.zeros(4);
          if (p.rate !== undefined) w.u16(p.rate, "queue.rate").zeros(6);
          else if (p.data) w.bytes(p.data);
          w.patch16(pl, w.pos - ps);
        }
        w.patch16(lenAt, w.pos - qs);
      }
      return true;
    case "bundle_control":
      if (old) return false;
      w.u32(m.bundleId, "bundle.bundle_id").u16(m.bundleType, "bundle.type").u16(m.flags, "bundle.flags").bytes(m.properties);
      return true;
    case "bundle_add":
      if (old) return false;
      w.u32(m.bundleId, "bundle.bundle_id").zeros(2).u16(m.flags, "bundle.flags").bytes(m.message);
      if (m.properties.length) {
        w.pad(start, 8);
        w.bytes(m.properties);
      }
      return true;
    case "multipart_request": {
      const b = m.body;
      if (of15 && (b.kind === "port_desc" || b.kind === "group_desc")) {
        w.u16(b.kind === "port_desc" ? MultipartType.PORT_DESC : MultipartType.GROUP_DESC).u16(m.flags).zeros(4);
        w.u32(b.kind === "port_desc" ? (b.portNo ?? 0xffffffff) : (b.groupId ?? 0xfffffffc)).zeros(4);
        return true;
      }
      return false;
    }
    case "multipart_reply": {
      const b = m.body;
      const head = (t: number) => w.u16(t).u16(m.flags).zeros(4);
      switch (b.kind) {
        case "flow":
          if (!of15 && version !== OfpVersion.OF14) return false;
          head(MultipartType.FLOW);
          for (const f of b.flows) {
            const fs = w.pos;
            const fl = w.reserve16();
            if (of15) {
              w.zeros(2).u8(f.tableId).u8(0).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).u16(f.flags).u16(f.importance ?? 0).u64(f.cookie);
              encodeMatchFor(w, f.match, version);
              writeOxsStats(w, { durationSec: f.durationSec, durationNsec: f.durationNsec, idleSec: f.idleAge, idleNsec: f.idleAge === undefined ? undefined : 0, packetCount: f.packetCount, byteCount: f.byteCount });
            } else {
              w.u8(f.tableId).u8(0).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
              w.u16(f.flags).u16(f.importance ?? 0).zeros(2).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
              encodeMatchFor(w, f.match, version);
            }
            encodeInstructions(w, f.instructions, version);
            w.patch16(fl, w.pos - fs);
          }
          return true;
        case "aggregate":
          if (!of15) return false;
          head(MultipartType.AGGREGATE);
          writeOxsStats(w, { flowCount: b.flowCount, packetCount: b.packetCount, byteCount: b.byteCount });
          return true;
        case "port_stats":
          if (old) {
            head(MultipartType.PORT_STATS);
            for (const p of b.ports) {
              w.u32(p.portNo).zeros(4);
              for (let i = 0; i < 12; i++) w.u64(p.counters[i] ?? 0n);
            }
            return true;
          }
          head(MultipartType.PORT_STATS);
          for (const p of b.ports) writePortStats14(w, p);
          return true;
        case "port_desc":
          if (old) return false;
          head(MultipartType.PORT_DESC);
          for (const p of b.ports) writePort14(w, p);
          return true;
        case "group":
          if (!old) return false;
          head(MultipartType.GROUP);
          for (const g of b.groups) {
            const gs = w.pos;
            const gl = w.reserve16();
            w.zeros(2).u32(g.groupId).u32(g.refCount).zeros(4).u64(g.packetCount).u64(g.byteCount);
            for (const k of g.buckets) w.u64(k.packetCount).u64(k.byteCount);
            w.patch16(gl, w.pos - gs);
          }
          return true;
        case "group_desc":
          if (!of15) return false;
          head(MultipartType.GROUP_DESC);
          for (const g of b.groups) {
            const gs = w.pos;
            const gl = w.reserve16();
            w.u8(g.groupType).u8(0).u32(g.groupId);
            const blAt = w.reserve16();
            w.zeros(6);
            const bs = w.pos;
            writeBuckets15(w, g.buckets, g.groupType);
            w.patch16(blAt, w.pos - bs);
            writeGroupProps(w, g);
            w.patch16(gl, w.pos - gs);
          }
          return true;
        default:
          return false;
      }
    }
    default:
      return false;
  }
}
