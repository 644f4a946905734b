/**
 * OpenFlow 1.0 statistics bodies (OpenFlow 1.0.0 §5.3.5: desc, flow, aggregate, table, port, port
 * descriptions) and the Nicira NXST_FLOW / NXST_AGGREGATE bodies (nicira-ext.h), plus the
 * `ofp_phy_port` they and the features reply carry; decoded into the version-independent multipart bodies.
 *
 * @module
 */
import { EncodeError } from "../../bytes/encode-error.js";
import { Reader } from "../../bytes/reader.js";
import { Writer } from "../../bytes/writer.js";
import type { FlowStatsRequest, MultipartReplyBody, MultipartRequestBody, PortDesc, TableStats } from "../messages.js";
import type { Instruction } from "../actions.js";
import { decodeOf10Match, encodeOf10Match } from "./match.js";
import { port16to32, port32to16 } from "../ports.js";
import { decodeOf10ActionsAsInstructions, encodeOf10Actions, instructionsToOf10Actions } from "./actions.js";
import { decodeNxMatch, encodeNxMatch } from "./nxm.js";
import { OfpVersion } from "../constants.js";
import { type FlowStatsLayout, readFlowStats, readPortStats } from "../stats-readers.js";

/** OpenFlow 1.0 stats types (`ofp_stats_types`); 13 is Open vSwitch's port-description extension. */
export const Of10StatsType = { DESC: 0, FLOW: 1, AGGREGATE: 2, TABLE: 3, PORT: 4, QUEUE: 5, PORT_DESC: 13, VENDOR: 0xffff } as const;

/** Nicira stats subtypes (NXST_*). */
export const NxStatsSubtype = { FLOW: 0, AGGREGATE: 1 } as const;

const NX_VENDOR = 0x00002320;

function nxHeader(w: Writer, subtype: number): void {
  w.u32(NX_VENDOR).u32(subtype);
}

function actionsOf(insts: readonly Instruction[]): ReturnType<typeof instructionsToOf10Actions> {
  return instructionsToOf10Actions(insts);
}

/** An `ofp_phy_port` (OpenFlow 1.0.0 §5.2.1), with features in Open vSwitch's OpenFlow 1.1 bit layout and speeds from them. */
export function readPhyPort(r: Reader): PortDesc {
  r.need(48, "ofp_phy_port");
  const portNo = port16to32(r.u16());
  const hwAddr = r.take(6);
  const name = r.str(16);
  const config = r.u32() & 0x7f;
  const state = r.u32() & 0x301;
  const feat = (v: number) => ((v & 0x7f) | ((v & 0xf80) << 4)) >>> 0;
  const curr = feat(r.u32());
  const advertised = feat(r.u32());
  const supported = feat(r.u32());
  const peer = feat(r.u32());
  return { portNo, hwAddr, name, config, state, curr, advertised, supported, peer, currSpeed: featureKbps(curr), maxSpeed: featureKbps(supported) };
}

/** Open vSwitch's netdev_features_to_bps() / 1000 for OpenFlow 1.1-layout port features. */
function featureKbps(f: number): number {
  if (f & 0x200) return 1_000_000_000;
  if (f & 0x100) return 100_000_000;
  if (f & 0x80) return 40_000_000;
  if (f & 0x40) return 10_000_000;
  if (f & 0x30) return 1_000_000;
  if (f & 0x0c) return 100_000;
  if (f & 0x03) return 10_000;
  return 0;
}

/** Writes an `ofp_phy_port` (features back in the OpenFlow 1.0 bit layout). */
export function writePhyPort(w: Writer, p: PortDesc): void {
  const feat = (v: number) => ((v & 0x7f) | ((v >>> 4) & 0xf80)) >>> 0;
  w.u16(port32to16(p.portNo), "port.port_no").bytes(p.hwAddr).str(p.name, 16);
  w.u32(p.config).u32(p.state).u32(feat(p.curr)).u32(feat(p.advertised)).u32(feat(p.supported)).u32(feat(p.peer));
}

function readFlowStatsRequest10(r: Reader): FlowStatsRequest {
  const match = decodeOf10Match(r);
  const tableId = r.u8();
  r.skip(1);
  const outPort = port16to32(r.u16());
  return { tableId, outPort, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match };
}

function readNxFlowStatsRequest(r: Reader): FlowStatsRequest {
  const outPort = port16to32(r.u16());
  const matchLen = r.u16();
  const tableId = r.u8();
  r.skip(3);
  const m = decodeNxMatch(r, matchLen);
  r.skip(Math.min(r.remaining, ((matchLen + 7) & ~7) - matchLen));
  return { tableId, outPort, outGroup: 0xffffffff, cookie: m.cookie ?? 0n, cookieMask: m.cookieMask ?? 0n, match: m.match };
}

/** Decodes an OpenFlow 1.0 stats request body of type `type` (NXST_* under the vendor type). */
export function readStatsRequest(type: number, r: Reader): MultipartRequestBody {
  switch (type) {
    case Of10StatsType.DESC:
      return { kind: "desc" };
    case Of10StatsType.FLOW:
      return { kind: "flow", request: readFlowStatsRequest10(r) };
    case Of10StatsType.AGGREGATE:
      return { kind: "aggregate", request: readFlowStatsRequest10(r) };
    case Of10StatsType.TABLE:
      return { kind: "table" };
    case Of10StatsType.PORT: {
      const portNo = port16to32(r.u16());
      return { kind: "port_stats", portNo };
    }
    case Of10StatsType.PORT_DESC:
      return { kind: "port_desc" };
    case Of10StatsType.VENDOR: {
      const vendor = r.u32();
      if (vendor === NX_VENDOR && r.remaining >= 8) {
        const subtype = r.u32();
        r.skip(4);
        if (subtype === NxStatsSubtype.FLOW) return { kind: "nx_flow", request: readNxFlowStatsRequest(r) };
        if (subtype === NxStatsSubtype.AGGREGATE) return { kind: "nx_aggregate", request: readNxFlowStatsRequest(r) };
      }
      r.pos = r.start;
      return { kind: "raw", mpType: type, data: r.take(r.remaining) };
    }
    default:
      return { kind: "raw", mpType: type, data: r.take(r.remaining) };
  }
}

/** OpenFlow 1.0 `ofp_flow_stats`: the OpenFlow 1.0 match before the counters, OpenFlow 1.0 actions. */
const FLOW_STATS_10: FlowStatsLayout = {
  version: OfpVersion.OF10,
  readMatch: (e) => decodeOf10Match(e),
  readInstructions: (e) => decodeOf10ActionsAsInstructions(e.sub(e.remaining, "actions")),
};

/** Nicira `nx_flow_stats`: the NXM match (padded to 8 bytes) after the counters, OpenFlow 1.0 actions. */
const NX_FLOW_STATS: FlowStatsLayout = {
  version: OfpVersion.OF10,
  nicira: true,
  readMatch: (e, len) => {
    const m = decodeNxMatch(e, len);
    e.skip(Math.min(e.remaining, ((len + 7) & ~7) - len));
    return m.match;
  },
  readInstructions: FLOW_STATS_10.readInstructions,
};

/** Decodes an OpenFlow 1.0 stats reply body of type `type` (NXST_* under the vendor type). */
export function readStatsReply(type: number, r: Reader): MultipartReplyBody {
  switch (type) {
    case Of10StatsType.DESC:
      return { kind: "desc", desc: { mfrDesc: r.str(256), hwDesc: r.str(256), swDesc: r.str(256), serialNum: r.str(32), dpDesc: r.str(256) } };
    case Of10StatsType.FLOW:
      return { kind: "flow", flows: readFlowStats(r, FLOW_STATS_10) };
    case Of10StatsType.AGGREGATE: {
      const packetCount = r.u64();
      const byteCount = r.u64();
      return { kind: "aggregate", packetCount, byteCount, flowCount: r.u32() };
    }
    case Of10StatsType.TABLE: {
      const tables: TableStats[] = [];
      while (r.remaining > 0) {
        r.need(64, "table stats");
        const tableId = r.u8();
        r.skip(3);
        const name = r.str(32);
        const wildcards = r.u32();
        const maxEntries = r.u32();
        tables.push({ tableId, name, wildcards, maxEntries, activeCount: r.u32(), lookupCount: r.u64(), matchedCount: r.u64() });
      }
      return { kind: "table", tables };
    }
    case Of10StatsType.PORT:
      return { kind: "port_stats", ports: readPortStats(r, OfpVersion.OF10) };
    case Of10StatsType.PORT_DESC: {
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPhyPort(r));
      return { kind: "port_desc", ports };
    }
    case Of10StatsType.VENDOR: {
      const vendor = r.u32();
      if (vendor === NX_VENDOR && r.remaining >= 8) {
        const subtype = r.u32();
        r.skip(4);
        if (subtype === NxStatsSubtype.FLOW) return { kind: "nx_flow", flows: readFlowStats(r, NX_FLOW_STATS) };
        if (subtype === NxStatsSubtype.AGGREGATE) {
          const packetCount = r.u64();
          const byteCount = r.u64();
          return { kind: "nx_aggregate", packetCount, byteCount, flowCount: r.u32() };
        }
      }
      r.pos = r.start;
      return { kind: "raw", mpType: type, data: r.take(r.remaining) };
    }
    default:
      return { kind: "raw", mpType: type, data: r.take(r.remaining) };
  }
}

function writeFlowStatsRequest10(w: Writer, q: FlowStatsRequest): void {
  encodeOf10Match(w, q.match);
  w.u8(q.tableId, "table_id").zeros(1).u16(port32to16(q.outPort), "out_port");
}

function writeNxFlowStatsRequest(w: Writer, q: FlowStatsRequest): void {
  w.u16(port32to16(q.outPort), "out_port");
  const lenAt = w.reserve16();
  w.u8(q.tableId, "table_id").zeros(3);
  const start = w.pos;
  const n = encodeNxMatch(w, q.match, q.cookie, q.cookieMask);
  w.patch16(lenAt, n);
  w.pad(start, 8);
}

/** The OpenFlow 1.0 stats type of each multipart body kind. */
export const STATS_KIND: Record<string, number> = {
  desc: Of10StatsType.DESC,
  flow: Of10StatsType.FLOW,
  aggregate: Of10StatsType.AGGREGATE,
  table: Of10StatsType.TABLE,
  port_stats: Of10StatsType.PORT,
  port_desc: Of10StatsType.PORT_DESC,
  nx_flow: Of10StatsType.VENDOR,
  nx_aggregate: Of10StatsType.VENDOR,
};

/** Encodes an OpenFlow 1.0 stats request body (after type and flags). */
export function encodeStatsRequest(w: Writer, body: MultipartRequestBody): void {
  switch (body.kind) {
    case "flow":
    case "aggregate":
      writeFlowStatsRequest10(w, body.request);
      break;
    case "port_stats":
      w.u16(port32to16(body.portNo), "port_no").zeros(6);
      break;
    case "nx_flow":
    case "nx_aggregate":
      nxHeader(w, body.kind === "nx_flow" ? NxStatsSubtype.FLOW : NxStatsSubtype.AGGREGATE);
      w.zeros(4);
      writeNxFlowStatsRequest(w, body.request);
      break;
    case "raw":
      w.bytes(body.data);
      break;
    case "desc":
    case "table":
    case "port_desc":
      break;
    default:
      throw new EncodeError("openflow", body.kind, "no OpenFlow 1.0 stats request of this kind");
  }
}

/** Encodes an OpenFlow 1.0 stats reply body (after type and flags). */
export function encodeStatsReply(w: Writer, body: MultipartReplyBody): void {
  switch (body.kind) {
    case "desc":
      w.str(body.desc.mfrDesc, 256).str(body.desc.hwDesc, 256).str(body.desc.swDesc, 256).str(body.desc.serialNum, 32).str(body.desc.dpDesc, 256);
      break;
    case "flow":
      for (const f of body.flows) {
        const fs = w.pos;
        const fl = w.reserve16();
        w.u8(f.tableId).zeros(1);
        encodeOf10Match(w, f.match);
        w.u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).zeros(6).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
        encodeOf10Actions(w, actionsOf(f.instructions));
        w.patch16(fl, w.pos - fs);
      }
      break;
    case "nx_flow":
      nxHeader(w, NxStatsSubtype.FLOW);
      w.zeros(4);
      for (const f of body.flows) {
        const fs = w.pos;
        const fl = w.reserve16();
        w.u8(f.tableId).zeros(1).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
        const ml = w.reserve16();
        w.u16(f.idleAge === undefined ? 0 : f.idleAge + 1).u16(f.hardAge === undefined ? 0 : f.hardAge + 1).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
        const ms = w.pos;
        w.patch16(ml, encodeNxMatch(w, f.match));
        w.pad(ms, 8);
        encodeOf10Actions(w, actionsOf(f.instructions));
        w.patch16(fl, w.pos - fs);
      }
      break;
    case "aggregate":
      w.u64(body.packetCount).u64(body.byteCount).u32(body.flowCount).zeros(4);
      break;
    case "nx_aggregate":
      nxHeader(w, NxStatsSubtype.AGGREGATE);
      w.zeros(4).u64(body.packetCount).u64(body.byteCount).u32(body.flowCount).zeros(4);
      break;
    case "table":
      for (const t of body.tables) {
        w.u8(t.tableId).zeros(3).str(t.name ?? "", 32).u32(t.wildcards ?? 0).u32(t.maxEntries ?? 0).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
      }
      break;
    case "port_stats":
      for (const p of body.ports) {
        w.u16(port32to16(p.portNo)).zeros(6);
        for (let i = 0; i < 12; i++) w.u64(p.counters[i] ?? 0n);
      }
      break;
    case "port_desc":
      for (const p of body.ports) writePhyPort(w, p);
      break;
    case "raw":
      w.bytes(body.data);
      break;
    default:
      throw new EncodeError("openflow", body.kind, "no OpenFlow 1.0 stats reply of this kind");
  }
}
