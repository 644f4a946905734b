/**
 * OpenFlow 1.0 message encoding (OpenFlow 1.0.0 §5) with the Nicira extensions Open vSwitch speaks
 * with it: the inverse of `messages.ts`'s decoder, from the same version-independent message union.
 *
 * @module
 */
import { EncodeError } from "../../bytes/encode-error.js";
import type { Writer } from "../../bytes/writer.js";
import type { OfMessageInput } from "../messages.js";
import type { Instruction } from "../actions.js";
import { encodeOf10Match } from "./match.js";
import { port32to16 } from "../ports.js";
import { encodeOf10Actions, instructionsToOf10Actions } from "./actions.js";
import { encodeNxMatch } from "./nxm.js";
import { writeBuckets15, writeGroupProps } from "../versions/encode.js";
import { STATS_KIND, encodeStatsReply, encodeStatsRequest, writePhyPort } from "./stats.js";
import { NX_VENDOR, Nxt10Subtype, Of10Type } from "./messages.js";

function writeHeader(w: Writer, type: number, xid: number): number {
  w.u8(1).u8(type);
  const lenAt = w.reserve16();
  w.u32(xid, "xid");
  return lenAt;
}

function nxHeader(w: Writer, subtype: number): void {
  w.u32(NX_VENDOR).u32(subtype);
}

function actionsOf(insts: readonly Instruction[]): ReturnType<typeof instructionsToOf10Actions> {
  return instructionsToOf10Actions(insts);
}

/**
 * Encodes an OpenFlow 1.0 message whose layout is particular to OpenFlow 1.0 (everything except HELLO,
 * ERROR, ECHO and the vendor messages shared with later versions, for which it returns undefined).
 * @throws EncodeError for a value OpenFlow 1.0 cannot carry (the field named)
 */
export function encodeOf10Message(m: OfMessageInput, w: Writer): Uint8Array | undefined {
  const start = w.pos;
  const xid = m.xid ?? 0;
  let lenAt: number;
  switch (m.type) {
    case "features_request":
      lenAt = writeHeader(w, Of10Type.FEATURES_REQUEST, xid);
      break;
    case "features_reply":
      lenAt = writeHeader(w, Of10Type.FEATURES_REPLY, xid);
      w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).zeros(3).u32(m.capabilities).u32(m.actions ?? 0);
      for (const p of m.ports ?? []) writePhyPort(w, p);
      break;
    case "get_config_request":
      lenAt = writeHeader(w, Of10Type.GET_CONFIG_REQUEST, xid);
      break;
    case "get_config_reply":
    case "set_config":
      lenAt = writeHeader(w, m.type === "set_config" ? Of10Type.SET_CONFIG : Of10Type.GET_CONFIG_REPLY, xid);
      w.u16(m.flags, `${m.type}.flags`).u16(m.missSendLen, `${m.type}.miss_send_len`);
      break;
    case "barrier_request":
    case "barrier_reply":
      lenAt = writeHeader(w, m.type === "barrier_request" ? Of10Type.BARRIER_REQUEST : Of10Type.BARRIER_REPLY, xid);
      break;
    case "packet_out": {
      lenAt = writeHeader(w, Of10Type.PACKET_OUT, xid);
      w.u32(m.bufferId, "packet_out.buffer_id").u16(port32to16(m.inPort), "packet_out.in_port");
      const alAt = w.reserve16();
      const as = w.pos;
      encodeOf10Actions(w, m.actions);
      w.patch16(alAt, w.pos - as);
      w.bytes(m.data);
      break;
    }
    case "port_status":
      lenAt = writeHeader(w, Of10Type.PORT_STATUS, xid);
      w.u8(m.reason).zeros(7);
      writePhyPort(w, m.port);
      break;
    case "flow_removed":
      lenAt = writeHeader(w, Of10Type.FLOW_REMOVED, xid);
      encodeOf10Match(w, m.match);
      w.u64(m.cookie).u16(m.priority).u8(m.reason).zeros(1).u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout).zeros(2).u64(m.packetCount).u64(m.byteCount);
      break;
    case "flow_mod":
      lenAt = writeHeader(w, Of10Type.FLOW_MOD, xid);
      encodeOf10Match(w, m.match);
      w.u64(m.cookie, "flow_mod.cookie").u16(((m.tableId & 0xff) << 8) | m.command, "flow_mod.command");
      w.u16(m.idleTimeout, "flow_mod.idle_timeout").u16(m.hardTimeout, "flow_mod.hard_timeout").u16(m.priority, "flow_mod.priority");
      w.u32(m.bufferId, "flow_mod.buffer_id").u16(port32to16(m.outPort), "flow_mod.out_port").u16(m.flags, "flow_mod.flags");
      encodeOf10Actions(w, actionsOf(m.instructions));
      break;
    case "nx_flow_mod": {
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.FLOW_MOD);
      w.u64(m.command === 0 || !m.cookieMask ? m.cookie : 0n, "flow_mod.cookie").u16(((m.tableId & 0xff) << 8) | m.command, "flow_mod.command");
      w.u16(m.idleTimeout, "flow_mod.idle_timeout").u16(m.hardTimeout, "flow_mod.hard_timeout").u16(m.priority, "flow_mod.priority");
      w.u32(m.bufferId, "flow_mod.buffer_id").u16(port32to16(m.outPort), "flow_mod.out_port").u16(m.flags, "flow_mod.flags");
      const mlAt = w.reserve16();
      w.zeros(6);
      const ms = w.pos;
      const n = encodeNxMatch(w, m.match, m.cookie, m.command === 0 ? 0n : m.cookieMask);
      w.patch16(mlAt, n);
      w.pad(ms, 8);
      encodeOf10Actions(w, actionsOf(m.instructions));
      break;
    }
    case "nx_set_flow_format":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.SET_FLOW_FORMAT);
      w.u32(m.format, "format");
      break;
    case "nx_flow_mod_table_id":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.FLOW_MOD_TABLE_ID);
      w.u8(m.enable ? 1 : 0).zeros(7);
      break;
    case "nx_role_request":
    case "nx_role_reply":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, m.type === "nx_role_request" ? Nxt10Subtype.ROLE_REQUEST : Nxt10Subtype.ROLE_REPLY);
      w.u32(m.role, "role");
      break;
    case "nx_flow_monitor_cancel":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.FLOW_MONITOR_CANCEL);
      w.u32(m.id, "id");
      break;
    case "nx_flow_monitor_paused":
    case "nx_flow_monitor_resumed":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, m.type === "nx_flow_monitor_paused" ? Nxt10Subtype.FLOW_MONITOR_PAUSED : Nxt10Subtype.FLOW_MONITOR_RESUMED);
      break;
    case "nx_set_async_config":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.SET_ASYNC_CONFIG);
      for (let i = 0; i < 6; i++) w.u32(m.masks[i] ?? 0, "masks");
      break;
    case "nx_packet_in": {
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.PACKET_IN);
      w.u32(m.bufferId, "buffer_id").u16(m.totalLen, "total_len").u8(m.reason, "reason").u8(m.tableId, "table_id").u64(m.cookie, "cookie");
      const mlAt = w.reserve16();
      w.zeros(6);
      const ms = w.pos;
      w.patch16(mlAt, encodeNxMatch(w, m.match));
      w.pad(ms, 8);
      w.zeros(2).bytes(m.data);
      break;
    }
    case "nx_ct_flush_zone":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.CT_FLUSH_ZONE);
      w.zeros(6).u16(m.zoneId, "zone_id");
      break;
    case "queue_get_config_request":
      lenAt = writeHeader(w, Of10Type.QUEUE_GET_CONFIG_REQUEST, xid);
      w.u16(port32to16(m.portNo), "port").zeros(2);
      break;
    case "queue_get_config_reply":
      lenAt = writeHeader(w, Of10Type.QUEUE_GET_CONFIG_REPLY, xid);
      w.u16(port32to16(m.portNo), "port").zeros(6);
      for (const q of m.queues) {
        const qs = w.pos;
        w.u32(q.queueId, "queue_id");
        const ql = w.reserve16();
        w.zeros(2);
        for (const p of q.properties) {
          // rate properties in their 16-byte layout; any other property as kept
          if (p.rate !== undefined) w.u16(p.propType).u16(16).zeros(4).u16(p.rate, "rate").zeros(6);
          else if (p.data) w.u16(p.propType).u16(8 + p.data.length).zeros(4).bytes(p.data);
        }
        w.patch16(ql, w.pos - qs);
      }
      break;
    case "nx_set_controller_id":
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.SET_CONTROLLER_ID);
      w.zeros(6).u16(m.controllerId, "controller_id");
      break;
    case "nx_flow_removed": {
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.FLOW_REMOVED);
      w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId === 255 ? 0 : m.tableId + 1).u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout);
      const mlAt = w.reserve16();
      w.u64(m.packetCount).u64(m.byteCount);
      const ms = w.pos;
      w.patch16(mlAt, encodeNxMatch(w, m.match));
      w.pad(ms, 8);
      break;
    }
    case "multipart_request":
    case "multipart_reply": {
      const body = m.body;
      const statsType = body.kind === "raw" ? body.mpType : STATS_KIND[body.kind];
      if (statsType === undefined) throw new EncodeError("openflow", body.kind, "no OpenFlow 1.0 stats message of this kind");
      lenAt = writeHeader(w, m.type === "multipart_request" ? Of10Type.STATS_REQUEST : Of10Type.STATS_REPLY, xid);
      w.u16(statsType).u16(m.flags, "flags");
      if (m.type === "multipart_request") encodeStatsRequest(w, m.body);
      else encodeStatsReply(w, m.body);
      break;
    }
    case "port_mod": {
      lenAt = writeHeader(w, Of10Type.PORT_MOD, xid);
      const feat = (v: number) => ((v & 0x7f) | ((v >>> 4) & 0xf80)) >>> 0;
      w.u16(port32to16(m.portNo), "port_mod.port_no").bytes(m.hwAddr).u32(m.config).u32(m.mask).u32(feat(m.advertise)).zeros(4);
      break;
    }
    case "group_mod": {
      // Open vSwitch's NXT_GROUP_MOD: the OpenFlow 1.5 layout with OpenFlow 1.0 actions
      lenAt = writeHeader(w, Of10Type.VENDOR, xid);
      nxHeader(w, Nxt10Subtype.GROUP_MOD);
      w.u16(m.command, "group_mod.command").u8(m.groupType, "group_mod.type").u8(0).u32(m.groupId, "group_mod.group_id");
      const blAt = w.reserve16();
      w.zeros(2).u32(m.commandBucketId ?? 0xffffffff, "group_mod.command_bucket_id");
      const bs = w.pos;
      writeBuckets15(w, m.buckets, m.groupType, (x, b) => encodeOf10Actions(x, b.actions));
      w.patch16(blAt, w.pos - bs);
      writeGroupProps(w, m);
      break;
    }
    case "table_mod":
    case "role_request":
    case "role_reply":
    case "get_async_request":
    case "get_async_reply":
    case "set_async":
    case "meter_mod":
    case "packet_in":
      throw new EncodeError("openflow", m.type, "no OpenFlow 1.0 form of this message");
    default:
      return undefined;
  }
  const len = w.pos - start;
  if (len > 0xffff) throw new EncodeError("openflow", "length", `message of ${len} bytes exceeds 65535`);
  w.patch16(lenAt, len);
  return w.finish().subarray(start);
}
