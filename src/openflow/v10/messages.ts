/**
 * OpenFlow 1.0 messages (OpenFlow 1.0.0 §5) and the Nicira extensions Open vSwitch speaks with them
 * (nicira-ext.h): NXT_FLOW_MOD with an NXM match, NXT_SET_FLOW_FORMAT, NXT_FLOW_MOD_TABLE_ID,
 * NXT_FLOW_REMOVED, NXST_FLOW and NXST_AGGREGATE. Bodies are decoded into the same version-independent
 * message union as OpenFlow 1.3 (version 1, ports in the 32-bit space, the match as {@link MatchField}s,
 * actions as one apply-actions instruction), so printing and the connection need no version cases.
 * Encoding, the inverse, is `encode.ts`.
 *
 * @module
 */
import { DecodeError } from "../../bytes/decode-error.js";
import { Reader } from "../../bytes/reader.js";
import type { FlowMod, FlowRemoved, MessageHeader, OfMessage, PortDesc } from "../messages.js";
import type { QueueDesc, QueueProperty } from "../versions/types.js";
import type { Instruction } from "../actions.js";
import type { MatchField } from "../oxm.js";
import { decodeOf10Match, normalizeOf10Match } from "./match.js";
import { port16to32 } from "../ports.js";
import { decodeOf10Actions, decodeOf10ActionsAsInstructions } from "./actions.js";
import { decodeNxMatch } from "./nxm.js";
import { flowModConsistencyError } from "../flow-mod-checks.js";
import { readBuckets15, readGroupProps } from "../versions/decode.js";
import { entries } from "../stats-readers.js";
import { readPhyPort, readStatsReply, readStatsRequest } from "./stats.js";

export { Of10StatsType, NxStatsSubtype } from "./stats.js";

/** OpenFlow 1.0 message types (`ofp_type` of OpenFlow 1.0.0 §5.1). */
export const Of10Type = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  VENDOR: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  PORT_MOD: 15,
  STATS_REQUEST: 16,
  STATS_REPLY: 17,
  BARRIER_REQUEST: 18,
  BARRIER_REPLY: 19,
  QUEUE_GET_CONFIG_REQUEST: 20,
  QUEUE_GET_CONFIG_REPLY: 21,
} as const;


/** Nicira message subtypes used with OpenFlow 1.0 (nicira-ext.h `nicira_type`). */
export const Nxt10Subtype = {
  ROLE_REQUEST: 10,
  ROLE_REPLY: 11,
  SET_FLOW_FORMAT: 12,
  FLOW_MOD: 13,
  FLOW_REMOVED: 14,
  FLOW_MOD_TABLE_ID: 15,
  PACKET_IN: 17,
  SET_ASYNC_CONFIG: 19,
  SET_CONTROLLER_ID: 20,
  FLOW_MONITOR_CANCEL: 21,
  FLOW_MONITOR_PAUSED: 22,
  FLOW_MONITOR_RESUMED: 23,
  CT_FLUSH_ZONE: 29,
  GROUP_MOD: 31,
} as const;



/** NXT_SET_FLOW_FORMAT formats (`nx_flow_format`). */
export const NxFlowFormat = { OPENFLOW10: 0, NXM: 2 } as const;

/** Nicira's vendor id (`NX_VENDOR_ID`). */
export const NX_VENDOR = 0x00002320;

/** Messages only OpenFlow 1.0 with Nicira extensions has (members of {@link OfMessage}). */
export type Of10Message =
  | (MessageHeader & FlowMod & { readonly type: "nx_flow_mod" })
  | (MessageHeader & { readonly type: "nx_set_flow_format"; readonly format: number })
  | (MessageHeader & { readonly type: "nx_flow_mod_table_id"; readonly enable: boolean })
  | (MessageHeader & { readonly type: "nx_set_controller_id"; readonly controllerId: number })
  | (MessageHeader & { readonly type: "nx_role_request" | "nx_role_reply"; readonly role: number })
  | (MessageHeader & { readonly type: "nx_flow_monitor_cancel"; readonly id: number })
  | (MessageHeader & { readonly type: "nx_flow_monitor_paused" | "nx_flow_monitor_resumed" })
  | (MessageHeader & { readonly type: "nx_ct_flush_zone"; readonly zoneId: number })
  | (MessageHeader & { readonly type: "nx_set_async_config"; readonly masks: readonly number[] })
  | (MessageHeader & {
      readonly type: "nx_packet_in";
      readonly bufferId: number;
      readonly totalLen: number;
      readonly reason: number;
      readonly tableId: number;
      readonly cookie: bigint;
      readonly match: readonly MatchField[];
      readonly data: Uint8Array;
    })
  | (MessageHeader & FlowRemoved & { readonly type: "nx_flow_removed" });

/**
 * The match/action consistency Open vSwitch checks when it decodes an OpenFlow 1.0 or NXM flow_mod
 * (ofpacts_check_consistency()): `OFPBAC_MATCH_INCONSISTENT` for a hard inconsistency (a field written or
 * read without its prerequisites, `ct` without IP, ...), followed through the actions that reshape the
 * packet; the inconsistencies only OpenFlow 1.0 tolerates pass.
 */
function checkConsistency(r: Reader, match: readonly MatchField[], instructions: readonly Instruction[]): void {
  const error = flowModConsistencyError(match, instructions, true);
  if (error) bad(r, error, 0);
}

/**
 * The flags of an OpenFlow 1.0 (or NXM) flow_mod, as Open vSwitch's decoder checks them: only
 * send_flow_rem, check_overlap and emerg exist (`OFPFMFC_BAD_FLAGS` otherwise), and an emergency flow is
 * refused (`OFPFMFC_BAD_EMERG_TIMEOUT` with a timeout, else `OFPFMFC_TABLE_FULL`).
 */
function checkFlowModFlags10(r: Reader, flags: number, idleTimeout: number, hardTimeout: number): void {
  if (flags & ~7) bad(r, "OFPFMFC_BAD_FLAGS", 0);
  if (flags & 4) bad(r, idleTimeout || hardTimeout ? "OFPFMFC_BAD_EMERG_TIMEOUT" : "OFPFMFC_TABLE_FULL", 0);
}

function bad(r: Reader, reason: string, at = r.pos): never {
  throw new DecodeError("openflow", r.base + at, reason);
}

/** The command and table of an OpenFlow 1.0 flow_mod command field (table in the high byte: NXT_FLOW_MOD_TABLE_ID). */
function splitCommand(c: number): { command: number; tableId: number } {
  return { command: c & 0xff, tableId: c >> 8 };
}

/**
 * Decodes the body of an OpenFlow 1.0 message (after the 8-byte header), or returns undefined for one
 * whose layout is shared with later versions (HELLO, ERROR, ECHO, and vendor messages other than the
 * OpenFlow 1.0 Nicira ones), which the caller decodes.
 * @throws DecodeError on malformed input
 */
export function decodeOf10Body(msgType: number, r: Reader, version: number, xid: number): OfMessage | undefined {
  const h = { version, xid };
  switch (msgType) {
    case Of10Type.VENDOR: {
      if (r.remaining < 8) return undefined;
      const vendor = r.u32();
      const subtype = r.u32();
      if (vendor !== NX_VENDOR) {
        r.pos -= 8;
        return undefined;
      }
      switch (subtype) {
        case Nxt10Subtype.SET_FLOW_FORMAT:
          return { ...h, type: "nx_set_flow_format", format: r.u32() };
        case Nxt10Subtype.FLOW_MOD_TABLE_ID: {
          const enable = r.u8();
          return { ...h, type: "nx_flow_mod_table_id", enable: enable !== 0 };
        }
        case Nxt10Subtype.ROLE_REQUEST:
        case Nxt10Subtype.ROLE_REPLY:
          return { ...h, type: subtype === Nxt10Subtype.ROLE_REQUEST ? "nx_role_request" : "nx_role_reply", role: r.u32() };
        case Nxt10Subtype.FLOW_MONITOR_CANCEL:
          return { ...h, type: "nx_flow_monitor_cancel", id: r.u32() };
        case Nxt10Subtype.FLOW_MONITOR_PAUSED:
          return { ...h, type: "nx_flow_monitor_paused" };
        case Nxt10Subtype.FLOW_MONITOR_RESUMED:
          return { ...h, type: "nx_flow_monitor_resumed" };
        case Nxt10Subtype.SET_ASYNC_CONFIG: {
          const masks: number[] = [];
          for (let i = 0; i < 6; i++) masks.push(r.u32());
          return { ...h, type: "nx_set_async_config", masks };
        }
        case Nxt10Subtype.PACKET_IN: {
          const bufferId = r.u32();
          const totalLen = r.u16();
          const reason = r.u8();
          const tableId = r.u8();
          const cookie = r.u64();
          const matchLen = r.u16();
          r.skip(6);
          const m = decodeNxMatch(r, matchLen);
          r.skip(Math.min(r.remaining, ((matchLen + 7) & ~7) - matchLen + 2));
          return { ...h, type: "nx_packet_in", bufferId, totalLen, reason, tableId, cookie, match: m.match, data: r.take(r.remaining) };
        }
        case Nxt10Subtype.GROUP_MOD: {
          // the OpenFlow 1.5 group_mod layout with OpenFlow 1.0 actions in the buckets
          const command = r.u16();
          const groupType = r.u8();
          r.skip(1);
          const groupId = r.u32();
          const bucketsLen = r.u16();
          r.skip(2);
          const commandBucketId = r.u32();
          const buckets = readBuckets15(r.sub(bucketsLen, "buckets"), decodeOf10Actions);
          return { ...h, type: "group_mod", command, groupType, groupId, commandBucketId, buckets, ...readGroupProps(r) };
        }
        case Nxt10Subtype.CT_FLUSH_ZONE:
          // exactly 24 bytes, as Open vSwitch's message table says
          if (r.remaining !== 8) r.fail("OFPBRC_BAD_LEN");
          r.skip(6);
          return { ...h, type: "nx_ct_flush_zone", zoneId: r.u16() };
        case Nxt10Subtype.SET_CONTROLLER_ID:
          r.skip(6);
          return { ...h, type: "nx_set_controller_id", controllerId: r.u16() };
        case Nxt10Subtype.FLOW_MOD: {
          const cookieHdr = r.u64();
          const { command, tableId } = splitCommand(r.u16());
          const idleTimeout = r.u16();
          const hardTimeout = r.u16();
          const priority = r.u16();
          const bufferId = r.u32();
          const outPort = port16to32(r.u16());
          const flags = r.u16();
          const matchLen = r.u16();
          r.skip(6);
          const m = decodeNxMatch(r, matchLen, true);
          r.skip(Math.min(r.remaining, ((matchLen + 7) & ~7) - matchLen));
          const instructions = decodeOf10ActionsAsInstructions(r.sub(r.remaining, "actions"));
          checkFlowModFlags10(r, flags, idleTimeout, hardTimeout);
          if (command === 0 && m.cookieMask) bad(r, "NXBRC_NXM_INVALID", 0);
          checkConsistency(r, m.match, instructions);
          return {
            ...h,
            type: "nx_flow_mod",
            cookie: m.cookieMask ? m.cookie! : cookieHdr,
            cookieMask: m.cookieMask ?? 0n,
            tableId,
            command,
            idleTimeout,
            hardTimeout,
            priority,
            bufferId,
            outPort,
            outGroup: 0xffffffff,
            flags,
            match: m.match,
            instructions,
          };
        }
        case Nxt10Subtype.FLOW_REMOVED: {
          const cookie = r.u64();
          const priority = r.u16();
          const reason = r.u8();
          const tableId = r.u8();
          const durationSec = r.u32();
          const durationNsec = r.u32();
          const idleTimeout = r.u16();
          const matchLen = r.u16();
          const packetCount = r.u64();
          const byteCount = r.u64();
          const m = decodeNxMatch(r, matchLen);
          return { ...h, type: "nx_flow_removed", cookie, priority, reason, tableId: tableId === 0 ? 255 : tableId - 1, durationSec, durationNsec, idleTimeout, hardTimeout: 0, packetCount, byteCount, match: m.match };
        }
        default:
          r.pos -= 8;
          return undefined;
      }
    }
    case Of10Type.FEATURES_REQUEST:
      return { ...h, type: "features_request" };
    case Of10Type.FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      r.skip(3);
      const capabilities = r.u32();
      const actions = r.u32();
      if (r.remaining % 48) bad(r, "OFPBRC_BAD_LEN", 0);
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPhyPort(r));
      return { ...h, type: "features_reply", datapathId, nBuffers, nTables, auxiliaryId: 0, capabilities, actions, ports };
    }
    case Of10Type.GET_CONFIG_REQUEST:
      return { ...h, type: "get_config_request" };
    case Of10Type.GET_CONFIG_REPLY:
    case Of10Type.SET_CONFIG: {
      const flags = r.u16();
      const missSendLen = r.u16();
      return { ...h, type: msgType === Of10Type.SET_CONFIG ? "set_config" : "get_config_reply", flags, missSendLen };
    }
    case Of10Type.PACKET_IN: {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const inPort = port16to32(r.u16());
      const reason = r.u8();
      r.skip(1);
      const match: MatchField[] = [{ field: "in_port", header: 0x80000004, value: Uint8Array.of(inPort >>> 24, (inPort >>> 16) & 255, (inPort >>> 8) & 255, inPort & 255) }];
      return { ...h, type: "packet_in", bufferId, totalLen, reason, tableId: 0, cookie: 0xffffffffffffffffn, match, data: r.take(r.remaining) };
    }
    case Of10Type.FLOW_REMOVED: {
      const match = decodeOf10Match(r);
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      r.skip(1);
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      r.skip(2);
      const packetCount = r.u64();
      const byteCount = r.u64();
      return { ...h, type: "flow_removed", cookie, priority, reason, tableId: 255, durationSec, durationNsec, idleTimeout, hardTimeout: 0, packetCount, byteCount, match };
    }
    case Of10Type.PORT_STATUS: {
      const reason = r.u8();
      r.skip(7);
      return { ...h, type: "port_status", reason, port: readPhyPort(r) };
    }
    case Of10Type.PACKET_OUT: {
      const bufferId = r.u32();
      const inPort = port16to32(r.u16());
      const actionsLen = r.u16();
      if (actionsLen > r.remaining) bad(r, "OFPBRC_BAD_LEN", 6);
      const actions = decodeOf10Actions(r.sub(actionsLen, "packet_out actions"));
      return { ...h, type: "packet_out", bufferId, inPort, actions, data: r.take(r.remaining) };
    }
    case Of10Type.FLOW_MOD: {
      const wildcards = r.remaining >= 4 ? (r.bytes[r.pos]! << 24) | (r.bytes[r.pos + 1]! << 16) | (r.bytes[r.pos + 2]! << 8) | r.bytes[r.pos + 3]! : 0;
      const match = normalizeOf10Match(decodeOf10Match(r));
      const cookie = r.u64();
      const { command, tableId } = splitCommand(r.u16());
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      // OpenFlow 1.0: an exact-match flow (no wildcard bit) has the highest priority
      const rawPriority = r.u16();
      const priority = wildcards & 0x3fffff ? rawPriority : 0xffff;
      const bufferId = r.u32();
      const outPort = port16to32(r.u16());
      const flags = r.u16();
      const instructions = decodeOf10ActionsAsInstructions(r.sub(r.remaining, "actions"));
      checkFlowModFlags10(r, flags, idleTimeout, hardTimeout);
      checkConsistency(r, match, instructions);
      return { ...h, type: "flow_mod", cookie, cookieMask: 0n, tableId, command, idleTimeout, hardTimeout, priority, bufferId, outPort, outGroup: 0xffffffff, flags, match, instructions };
    }
    case Of10Type.PORT_MOD: {
      const portNo = port16to32(r.u16());
      const hwAddr = r.take(6);
      const config = r.u32();
      const mask = r.u32();
      const advertise = r.u32();
      const feat = (v: number) => ((v & 0x7f) | ((v & 0xf80) << 4)) >>> 0;
      return { ...h, type: "port_mod", portNo, hwAddr, config, mask, advertise: feat(advertise) };
    }
    case Of10Type.STATS_REQUEST:
    case Of10Type.STATS_REPLY: {
      const type = r.u16();
      const flags = r.u16();
      const body = r.sub(r.remaining, "stats body");
      if (msgType === Of10Type.STATS_REQUEST) return { ...h, type: "multipart_request", flags, body: readStatsRequest(type, body) };
      return { ...h, type: "multipart_reply", flags, body: readStatsReply(type, body) };
    }
    case Of10Type.QUEUE_GET_CONFIG_REQUEST: {
      const portNo = port16to32(r.u16());
      return { ...h, type: "queue_get_config_request", portNo };
    }
    case Of10Type.QUEUE_GET_CONFIG_REPLY: {
      const portNo = port16to32(r.u16());
      r.skip(6);
      const queues: QueueDesc[] = [];
      for (const q of entries(r, "packet queue", 8, 4)) {
        const queueId = q.u32();
        q.skip(4);
        // min-rate and max-rate only (the properties OpenFlow 1.0 defines); the last of each kind counts
        let minRate: number | undefined;
        let maxRate: number | undefined;
        while (q.remaining > 0) {
          const ps = q.pos;
          if (q.remaining < 8) bad(q, "OFPBRC_BAD_LEN");
          const prop = q.u16();
          const plen = q.u16();
          if (plen < 8 || plen > q.remaining + 4) bad(q, "OFPBRC_BAD_LEN", ps);
          q.skip(4);
          if ((prop === 1 || prop === 2) && plen >= 16) {
            const rate = q.u16();
            if (prop === 1) minRate = rate;
            else maxRate = rate;
          }
          q.pos = ps + plen;
        }
        const properties: QueueProperty[] = [];
        if (minRate !== undefined) properties.push({ propType: 1, rate: minRate });
        if (maxRate !== undefined) properties.push({ propType: 2, rate: maxRate });
        queues.push({ portNo: 0, queueId, properties });
      }
      return { ...h, type: "queue_get_config_reply", portNo, queues };
    }
    case Of10Type.BARRIER_REQUEST:
      return { ...h, type: "barrier_request" };
    case Of10Type.BARRIER_REPLY:
      return { ...h, type: "barrier_reply" };
    default:
      return { ...h, type: "unknown", msgType, body: r.take(r.remaining) };
  }
}
