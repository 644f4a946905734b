/**
 * Multipart messages of OpenFlow 1.3 (OpenFlow 1.3.5 §7.3.5): request and reply bodies (description, flow,
 * aggregate, table, port, group, meter and table-features statistics), the structures they share with other
 * messages (ports, buckets, bands), and reassembly of replies split with the "more" flag.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { decodeActions, encodeActions, encodeInstructions } from "./actions.js";
import { type MatchField, decodeMatch, encodeMatch, withOf12Headers } from "./oxm.js";
import { readVersionedInstructions } from "./action-versions.js";
import { encodeMatchFor } from "./match-order.js";
import { MultipartType, OfpVersion } from "./constants.js";
import { type FlowStatsLayout, readFlowStats, readGroupStats, readPortStats } from "./stats-readers.js";
import type { PortDesc, MeterStats, FlowStatsRequest, MultipartRequestBody, MeterBand, TableStats, Bucket, TableFeatures, MultipartReplyBody } from "./message-types.js";

/** Reads an OpenFlow 1.1–1.3 `ofp_port` (64 bytes). */
export function readPort(r: Reader): PortDesc {
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = r.take(6);
  r.skip(2);
  const name = r.str(16);
  return {
    portNo,
    hwAddr,
    name,
    config: r.u32(),
    state: r.u32(),
    curr: r.u32(),
    advertised: r.u32(),
    supported: r.u32(),
    peer: r.u32(),
    currSpeed: r.u32(),
    maxSpeed: r.u32(),
  };
}

/** Writes an OpenFlow 1.1–1.3 `ofp_port` (64 bytes). */
export function writePort(w: Writer, p: PortDesc): void {
  w.u32(p.portNo).zeros(4).bytes(p.hwAddr).zeros(2).str(p.name, 16);
  w.u32(p.config).u32(p.state).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
}

/** Reads an OpenFlow 1.1–1.5 flow/aggregate stats request body (`readMatch`: OXM, or the OpenFlow 1.1 standard match). */
export function readFlowStatsRequest(r: Reader, readMatch: (r: Reader) => MatchField[] = decodeMatch): FlowStatsRequest {
  const tableId = r.u8();
  r.skip(3);
  const outPort = r.u32();
  const outGroup = r.u32();
  r.skip(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  const match = readMatch(r);
  return { tableId, outPort, outGroup, cookie, cookieMask, match };
}

/**
 * Writes an OpenFlow 1.2–1.5 flow/aggregate stats request body (OXM match, as Open vSwitch writes it for
 * `version`: see {@link encodeMatchFor}; OpenFlow 1.3 unless given).
 */
export function writeFlowStatsRequest(w: Writer, q: FlowStatsRequest, version: number = OfpVersion.OF13): void {
  w.u8(q.tableId).zeros(3).u32(q.outPort).u32(q.outGroup).zeros(4).u64(q.cookie).u64(q.cookieMask);
  encodeMatchFor(w, q.match, version);
}

/** Reads OpenFlow 1.1–1.4 group buckets to the end of the reader. */
export function readBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const b = r.entry("bucket", 16, 8, 1, 0);
    b.skip(2);
    const weight = b.u16();
    const watchPort = b.u32();
    const watchGroup = b.u32();
    b.skip(4);
    out.push({ weight, watchPort, watchGroup, actions: decodeActions(b.sub(b.remaining)) });
  }
  return out;
}

/** Writes OpenFlow 1.1–1.4 group buckets, their actions for `version` (OpenFlow 1.3 codes unless given). */
export function writeBuckets(w: Writer, buckets: readonly Bucket[], version?: number): void {
  for (const b of buckets) {
    const start = w.pos;
    const lenAt = w.reserve16();
    w.u16(b.weight).u32(b.watchPort).u32(b.watchGroup).zeros(4);
    encodeActions(w, b.actions, version);
    w.patch16(lenAt, w.pos - start);
  }
}

/** Reads meter bands (OpenFlow 1.3.5 §7.3.4.4 `ofp_meter_band_header`) to the end of the reader. */
export function readBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    const b = r.entry("meter band", 16, 8, 1, 2);
    const bandType = b.u16();
    b.skip(2);
    const rate = b.u32();
    const burstSize = b.u32();
    if (bandType === 2) out.push({ bandType, rate, burstSize, precLevel: b.u8() });
    else if (bandType === 1) out.push({ bandType, rate, burstSize });
    else out.push({ bandType, rate, burstSize, data: b.take(b.remaining) });
  }
  return out;
}

/** Writes meter bands. */
export function writeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) {
    const start = w.pos;
    w.u16(b.bandType);
    const lenAt = w.reserve16();
    w.u32(b.rate).u32(b.burstSize);
    if (b.bandType === 2) w.u8(b.precLevel ?? 0).zeros(3);
    else if (b.data) w.bytes(b.data);
    else w.zeros(4);
    w.pad(start, 8);
    w.patch16(lenAt, w.pos - start);
  }
}

/** Reads `ofp_table_features` entries (OpenFlow 1.3.5 §7.3.5.5.1) to the end of the reader. */
export function readTableFeatures(r: Reader): TableFeatures[] {
  const out: TableFeatures[] = [];
  while (r.remaining > 0) {
    const e = r.entry("table features", 64, 8, 1, 0);
    e.skip(2);
    const tableId = e.u8();
    const command = e.u8();
    e.skip(4);
    const name = e.str(32);
    const metadataMatch = e.u64();
    const metadataWrite = e.u64();
    const config = e.u32();
    const maxEntries = e.u32();
    const properties: { propType: number; data: Uint8Array }[] = [];
    for (const { type, body } of e.properties("table feature property")) properties.push({ propType: type, data: body.take(body.remaining) });
    out.push({ tableId, name, metadataMatch, metadataWrite, config, maxEntries, ...(command ? { command } : {}), properties });
  }
  return out;
}

/** Writes `ofp_table_features` entries. */
export function writeTableFeatures(w: Writer, tables: readonly TableFeatures[]): void {
  for (const t of tables) {
    const start = w.pos;
    const lenAt = w.reserve16();
    w.u8(t.tableId).u8(t.command ?? 0, "table_features.command").zeros(4).str(t.name, 32).u64(t.metadataMatch).u64(t.metadataWrite).u32(t.config).u32(t.maxEntries);
    for (const p of t.properties) {
      const ps = w.pos;
      w.u16(p.propType);
      const pl = w.reserve16();
      w.bytes(p.data);
      w.patch16(pl, w.pos - ps);
      w.pad(ps, 8);
    }
    w.patch16(lenAt, w.pos - start);
  }
}

/** Reads an OpenFlow 1.3 multipart request body of type `mpType`; unknown types are kept raw. */
export function readMultipartRequest(mpType: number, r: Reader): MultipartRequestBody {
  switch (mpType) {
    case MultipartType.DESC:
      return { kind: "desc" };
    case MultipartType.FLOW:
      return { kind: "flow", request: readFlowStatsRequest(r) };
    case MultipartType.AGGREGATE:
      return { kind: "aggregate", request: readFlowStatsRequest(r) };
    case MultipartType.TABLE:
      return { kind: "table" };
    case MultipartType.PORT_STATS:
      return { kind: "port_stats", portNo: r.u32() };
    case MultipartType.PORT_DESC:
      return { kind: "port_desc" };
    case MultipartType.GROUP:
      return { kind: "group", groupId: r.u32() };
    case MultipartType.GROUP_DESC:
      return { kind: "group_desc" };
    case MultipartType.METER:
      return { kind: "meter", meterId: r.u32() };
    case MultipartType.METER_CONFIG:
      return { kind: "meter_config", meterId: r.u32() };
    case MultipartType.TABLE_FEATURES:
      return { kind: "table_features", tables: readTableFeatures(r) };
    default:
      return { kind: "raw", mpType, data: r.take(r.remaining) };
  }
}

/** OpenFlow 1.3 flow statistics entries (OXM match, instructions). */
const FLOW_STATS_13: FlowStatsLayout = { version: OfpVersion.OF13, readMatch: (e) => decodeMatch(e), readInstructions: (e) => readVersionedInstructions(e, OfpVersion.OF13) };
/** OpenFlow 1.2 flow statistics entries: laid out as 1.3's, their actions those of 1.2. */
const FLOW_STATS_12: FlowStatsLayout = { version: OfpVersion.OF13, readMatch: (e) => decodeMatch(e), readInstructions: (e) => readVersionedInstructions(e, OfpVersion.OF12) };

/**
 * Reads an OpenFlow 1.3 multipart reply body of type `mpType` (an OpenFlow 1.2 one with `version` 1.2: its
 * flow entries' actions checked against 1.2); unknown types are kept raw.
 */
export function readMultipartReply(mpType: number, r: Reader, version: number = OfpVersion.OF13): MultipartReplyBody {
  switch (mpType) {
    case MultipartType.DESC:
      return {
        kind: "desc",
        desc: { mfrDesc: r.str(256), hwDesc: r.str(256), swDesc: r.str(256), serialNum: r.str(32), dpDesc: r.str(256) },
      };
    case MultipartType.FLOW:
      return { kind: "flow", flows: readFlowStats(r, version === OfpVersion.OF12 ? FLOW_STATS_12 : FLOW_STATS_13) };
    case MultipartType.AGGREGATE: {
      const packetCount = r.u64();
      const byteCount = r.u64();
      const flowCount = r.u32();
      return { kind: "aggregate", packetCount, byteCount, flowCount };
    }
    case MultipartType.TABLE: {
      const tables: TableStats[] = [];
      while (r.remaining > 0) {
        const tableId = r.u8();
        r.skip(3);
        tables.push({ tableId, activeCount: r.u32(), lookupCount: r.u64(), matchedCount: r.u64() });
      }
      return { kind: "table", tables };
    }
    case MultipartType.PORT_STATS:
      return { kind: "port_stats", ports: readPortStats(r, OfpVersion.OF13) };
    case MultipartType.PORT_DESC: {
      const ports: PortDesc[] = [];
      while (r.remaining > 0) ports.push(readPort(r));
      return { kind: "port_desc", ports };
    }
    case MultipartType.GROUP_DESC: {
      const groups: { groupType: number; groupId: number; buckets: Bucket[] }[] = [];
      while (r.remaining > 0) {
        const e = r.entry("group desc", 8, 1, 1, 0);
        e.skip(2);
        const groupType = e.u8();
        e.skip(1);
        const groupId = e.u32();
        groups.push({ groupType, groupId, buckets: readBuckets(e.sub(e.remaining)) });
      }
      return { kind: "group_desc", groups };
    }
    case MultipartType.METER_CONFIG: {
      const meters: { flags: number; meterId: number; bands: MeterBand[] }[] = [];
      while (r.remaining > 0) {
        const e = r.entry("meter config", 8, 1, 1, 0);
        e.skip(2);
        const flags = e.u16();
        const meterId = e.u32();
        meters.push({ flags, meterId, bands: readBands(e.sub(e.remaining)) });
      }
      return { kind: "meter_config", meters };
    }
    case MultipartType.GROUP:
      return { kind: "group", groups: readGroupStats(r, OfpVersion.OF13) };
    case MultipartType.METER: {
      const meters: MeterStats[] = [];
      while (r.remaining > 0) {
        const e = r.entry("meter stats", 40, 16, 1, 4);
        const meterId = e.u32();
        e.skip(8);
        const flowCount = e.u32();
        const packetInCount = e.u64();
        const byteInCount = e.u64();
        const durationSec = e.u32();
        const durationNsec = e.u32();
        const bands: { packetCount: bigint; byteCount: bigint }[] = [];
        while (e.remaining > 0) bands.push({ packetCount: e.u64(), byteCount: e.u64() });
        meters.push({ meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bands });
      }
      return { kind: "meter", meters };
    }
    case MultipartType.TABLE_FEATURES:
      return { kind: "table_features", tables: readTableFeatures(r) };
    default:
      return { kind: "raw", mpType, data: r.take(r.remaining) };
  }
}

/** The multipart type code of each body kind (OpenFlow 1.3.5 §7.3.5 `ofp_multipart_type`). */
export const MP_KIND_TYPE: Record<string, number> = {
  desc: MultipartType.DESC,
  flow: MultipartType.FLOW,
  aggregate: MultipartType.AGGREGATE,
  table: MultipartType.TABLE,
  port_stats: MultipartType.PORT_STATS,
  port_desc: MultipartType.PORT_DESC,
  group: MultipartType.GROUP,
  group_desc: MultipartType.GROUP_DESC,
  meter: MultipartType.METER,
  meter_config: MultipartType.METER_CONFIG,
  table_features: MultipartType.TABLE_FEATURES,
};

/** The list-carrying reply kinds. */
type ListKind = Exclude<MultipartReplyBody["kind"], "desc" | "aggregate" | "nx_aggregate" | "raw">;

/** The field holding the entries of each list-carrying reply kind, as reassembly concatenates them. */
const LIST_FIELD: { readonly [K in ListKind]: Exclude<keyof Extract<MultipartReplyBody, { kind: K }>, "kind"> } = {
  flow: "flows",
  nx_flow: "flows",
  table: "tables",
  port_stats: "ports",
  port_desc: "ports",
  group_desc: "groups",
  meter_config: "meters",
  group: "groups",
  meter: "meters",
  table_features: "tables",
};

/** Concatenates the flow entries / ports / tables of a sequence of multipart replies (reassembly). */
export function mergeMultipartReplies(parts: readonly MultipartReplyBody[]): MultipartReplyBody {
  const first = parts[0];
  if (!first) throw new EncodeError("openflow", "parts", "no multipart parts");
  if (parts.length === 1) return first;
  if (first.kind === "raw") {
    const total = parts.reduce((n, p) => n + (p.kind === "raw" ? p.data.length : 0), 0);
    const data = new Uint8Array(total);
    let o = 0;
    for (const p of parts)
      if (p.kind === "raw") {
        data.set(p.data, o);
        o += p.data.length;
      }
    return { kind: "raw", mpType: first.mpType, data };
  }
  const field = (LIST_FIELD as Readonly<Record<string, string>>)[first.kind];
  if (field === undefined) return first;
  const items = parts.flatMap((p) => (p.kind === first.kind ? ((p as unknown as Record<string, readonly unknown[]>)[field] ?? []) : []));
  return { kind: first.kind, [field]: items } as unknown as MultipartReplyBody;
}

/**
 * Writes an OpenFlow 1.3 multipart request (type, flags, padding and body; OpenFlow 1.3.5 §7.3.5); a match in
 * it as `version` writes it (OpenFlow 1.3 unless given).
 */
export function writeMultipartRequest(w: Writer, flags: number, body: MultipartRequestBody, version: number = OfpVersion.OF13): void {
  w.u16(body.kind === "raw" ? body.mpType : (MP_KIND_TYPE[body.kind] ?? 0)).u16(flags).zeros(4);
  switch (body.kind) {
    case "flow":
    case "aggregate":
      writeFlowStatsRequest(w, body.request, version);
      break;
    case "port_stats":
      w.u32(body.portNo).zeros(4);
      break;
    case "group":
      w.u32(body.groupId).zeros(4);
      break;
    case "meter":
    case "meter_config":
      w.u32(body.meterId).zeros(4);
      break;
    case "table_features":
      writeTableFeatures(w, body.tables);
      break;
    case "raw":
      w.bytes(body.data);
      break;
    default:
      break;
  }
}

/**
 * Writes an OpenFlow 1.3 multipart reply (type, flags, padding and body; OpenFlow 1.3.5 §7.3.5); the flow
 * entries' matches and actions as `version` writes them (OXM with 1.1 and 1.2's NXM `tun_id` and `tcp_flags`
 * headers, as Open vSwitch's oxm_put_match(); 1.1's actions; OpenFlow 1.3 unless given).
 */
export function writeMultipartReply(w: Writer, flags: number, body: MultipartReplyBody, version: number = OfpVersion.OF13): void {
  w.u16(body.kind === "raw" ? body.mpType : (MP_KIND_TYPE[body.kind] ?? 0)).u16(flags).zeros(4);
  switch (body.kind) {
    case "desc":
      w.str(body.desc.mfrDesc, 256).str(body.desc.hwDesc, 256).str(body.desc.swDesc, 256).str(body.desc.serialNum, 32).str(body.desc.dpDesc, 256);
      break;
    case "flow":
      for (const f of body.flows) {
        const fs = w.pos;
        const fl = w.reserve16();
        w.u8(f.tableId).u8(0).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout);
        w.u16(f.flags).zeros(4).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
        // OXM in every version from 1.1 on (oxm_put_match()), 1.1 and 1.2 with their headers
        encodeMatch(w, version < OfpVersion.OF13 ? withOf12Headers(f.match) : f.match);
        encodeInstructions(w, f.instructions, version);
        w.patch16(fl, w.pos - fs);
      }
      break;
    case "aggregate":
      w.u64(body.packetCount).u64(body.byteCount).u32(body.flowCount).zeros(4);
      break;
    case "table":
      for (const t of body.tables) w.u8(t.tableId).zeros(3).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
      break;
    case "port_stats":
      for (const p of body.ports) {
        w.u32(p.portNo).zeros(4);
        for (let i = 0; i < 12; i++) w.u64(p.counters[i] ?? 0n);
        w.u32(p.durationSec).u32(p.durationNsec);
      }
      break;
    case "port_desc":
      for (const p of body.ports) writePort(w, p);
      break;
    case "group_desc":
      for (const g of body.groups) {
        const gs = w.pos;
        const gl = w.reserve16();
        w.u8(g.groupType).u8(0).u32(g.groupId);
        writeBuckets(w, g.buckets, version);
        w.patch16(gl, w.pos - gs);
      }
      break;
    case "meter_config":
      for (const mc of body.meters) {
        const ms = w.pos;
        const ml = w.reserve16();
        w.u16(mc.flags).u32(mc.meterId);
        writeBands(w, mc.bands);
        w.patch16(ml, w.pos - ms);
      }
      break;
    case "group":
      for (const g of body.groups) {
        const gs = w.pos;
        const gl = w.reserve16();
        w.zeros(2).u32(g.groupId).u32(g.refCount).zeros(4).u64(g.packetCount).u64(g.byteCount).u32(g.durationSec).u32(g.durationNsec);
        for (const b of g.buckets) w.u64(b.packetCount).u64(b.byteCount);
        w.patch16(gl, w.pos - gs);
      }
      break;
    case "meter":
      for (const mt of body.meters) {
        const ms = w.pos;
        w.u32(mt.meterId);
        const ml = w.reserve16();
        w.zeros(6).u32(mt.flowCount).u64(mt.packetInCount).u64(mt.byteInCount).u32(mt.durationSec).u32(mt.durationNsec);
        for (const b of mt.bands) w.u64(b.packetCount).u64(b.byteCount);
        w.patch16(ml, w.pos - ms);
      }
      break;
    case "table_features":
      writeTableFeatures(w, body.tables);
      break;
    case "raw":
      w.bytes(body.data);
      break;
  }
}
