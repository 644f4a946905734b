/**
 * Printing of multipart (stats) requests and replies as ovs-ofctl does: flows, tables, groups, meters, and
 * the bodies the codec keeps raw.
 *
 * @module
 */
import { OfpVersion } from "./constants.js";
import { type Bucket, type FlowStats, type MeterBand, type OfMessage, type TableFeatures, type TableStats, encodeMessage } from "./messages.js";
import { formatTableFeatures } from "./tablefeatures.js";
import { type NameMaps, formatActions, formatInstructions, formatMatch, formatPort } from "./flowtext.js";
import { formatGroup } from "./versions/print.js";
import { experimenterMultipartName, rawMultipartText } from "./versions/bodies.js";
import { duration, flagNames, formatDuration, hexDump } from "./print-common.js";
import { portDescText, portStatsText } from "./print-ports.js";
import { nxStatsName, nxStatsText } from "./v10/nicira-stats.js";

const MP_NAMES: Record<string, string> = {
  desc: "OFPST_DESC",
  flow: "OFPST_FLOW",
  aggregate: "OFPST_AGGREGATE",
  table: "OFPST_TABLE",
  port_stats: "OFPST_PORT",
  port_desc: "OFPST_PORT_DESC",
  group: "OFPST_GROUP",
  group_desc: "OFPST_GROUP_DESC",
  meter: "OFPST_METER",
  meter_config: "OFPST_METER_CONFIG",
  table_features: "OFPST_TABLE_FEATURES",
};

/** Names of the multipart types kept raw by the codec and formatted here. */
const RAW_MP_NAMES: Record<number, string> = { 3: "OFPST_TABLE", 5: "OFPST_QUEUE", 8: "OFPST_GROUP_FEATURES", 11: "OFPST_METER_FEATURES", 14: "OFPST_TABLE_DESC", 15: "OFPST_QUEUE_DESC", 16: "OFPST_FLOW_MONITOR" };

/** A raw multipart request body ovs-ofctl formats, or undefined to print the header alone. */
function rawRequestText(mpType: number, data: Uint8Array): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (mpType === 5 && data.length === 8) {
    const queue = v.getUint32(4);
    return ` port=${formatPort(v.getUint32(0))} queue=${queue === 0xffffffff ? "ALL" : queue}`;
  }
  return undefined;
}

const METER_BAND_TYPES: ReadonlyArray<readonly [number, string]> = [
  [1 << 1, "drop"],
  [1 << 2, "dscp_remark"],
];
const METER_CAPABILITIES: ReadonlyArray<readonly [number, string]> = [
  [1, "kbps"],
  [2, "pktps"],
  [4, "burst"],
  [8, "stats"],
];

/** A raw multipart reply body ovs-ofctl formats (OpenFlow 1.3.5 §7.3.5.13 meter features), or undefined. */
function rawReplyText(mpType: number, data: Uint8Array): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (mpType === 11 && data.length === 16) {
    const bands = flagNames(v.getUint32(4), METER_BAND_TYPES).join(" ");
    const caps = flagNames(v.getUint32(8), METER_CAPABILITIES).join(" ");
    return `\nmax_meter:${v.getUint32(0)} max_bands:${data[12]} max_color:${data[13]}\nband_types: ${bands}\ncapabilities: ${caps}`;
  }
  return undefined;
}

/** The name ovs-ofctl gives a multipart message (`OFPST_FLOW request`, ...). */
export function multipartName(m: Extract<OfMessage, { type: "multipart_request" | "multipart_reply" }>): string {
  const kind =
    m.body.kind === "raw"
      ? ((m.body.mpType === 0xffff ? (nxStatsName(m.version, m.body) ?? experimenterMultipartName(m.body.data)) : undefined) ?? RAW_MP_NAMES[m.body.mpType] ?? `OFPST_${m.body.mpType}`)
      : (MP_NAMES[m.body.kind] ?? m.body.kind);
  return `${kind} ${m.type === "multipart_request" ? "request" : "reply"}`;
}

/** Formats one flow-stats entry as `ovs-ofctl dump-flows` prints it (without the leading space). */
export function formatFlowStats(f: FlowStats, opts: { noStats?: boolean; names?: NameMaps | undefined } = {}): string {
  // as Open vSwitch's ofputil_flow_stats_format(): "key=value, " items, flags followed by a space each
  const stats = !opts.noStats;
  let s = "";
  if (stats || f.cookie !== 0n) s += `cookie=0x${f.cookie.toString(16)}, `;
  if (stats) s += `duration=${duration(f.durationSec, f.durationNsec)}, `;
  if (stats || f.tableId !== 0) s += `table=${opts.names ? opts.names.table(f.tableId) : f.tableId}, `;
  if (stats) s += `n_packets=${f.packetCount}, n_bytes=${f.byteCount}, `;
  if (f.idleTimeout) s += `idle_timeout=${f.idleTimeout}, `;
  if (f.hardTimeout) s += `hard_timeout=${f.hardTimeout}, `;
  for (const [bit, name] of FLOW_MOD_FLAG_NAMES) if (f.flags & bit) s += `${name} `;
  if (f.importance) s += `importance=${f.importance}, `;
  if (stats && f.idleAge !== undefined && f.idleAge !== 0xffffffff) s += `idle_age=${f.idleAge}, `;
  if (stats && f.hardAge !== undefined && f.hardAge !== f.durationSec) s += `hard_age=${f.hardAge}, `;
  s += formatMatch(f.match, f.priority, opts.names?.port);
  if (s && !s.endsWith(" ")) s += " ";
  return `${s}actions=${formatInstructions(f.instructions, opts.names)}`;
}

/** Flow-mod flags in the order ovs-ofctl prints them. */
const FLOW_MOD_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [1, "send_flow_rem"],
  [2, "check_overlap"],
  [4, "reset_counts"],
  [8, "no_packet_counts"],
  [16, "no_byte_counts"],
];

/**
 * Table statistics as Open vSwitch's ofputil_table_features_format() prints them: each table starts with a
 * line break of its own (a blank line between tables). From OpenFlow 1.3 on the reply carries no features,
 * so a table whose counters equal the previous one's folds into `table N: ditto` / `tables N...M: ditto`.
 */
function tableStatsText(tables: readonly TableStats[], ditto: boolean): string {
  let s = "";
  let first = -1;
  let last = -1;
  const finish = () => {
    if (first >= 0) s += first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
    first = -1;
  };
  let prev: (typeof tables)[number] | undefined;
  for (const t of tables) {
    if (ditto && prev && prev.activeCount === t.activeCount && prev.lookupCount === t.lookupCount && prev.matchedCount === t.matchedCount) {
      if (first < 0) first = t.tableId;
      last = t.tableId;
    } else {
      finish();
      s += `\n  table ${t.tableId}:\n    active=${t.activeCount}, lookup=${t.lookupCount}, matched=${t.matchedCount}\n`;
    }
    prev = t;
  }
  finish();
  return s.replace(/\n$/, "");
}

const GROUP_TYPES = ["all", "select", "indirect", "ff"];

/** A group as ovs-ofctl prints it in a group mod or group-desc reply (OpenFlow 1.1-1.3). */
export function groupText(groupId: number, groupType: number, buckets: readonly Bucket[], names?: NameMaps): string {
  let s = `group_id=${groupId},type=${GROUP_TYPES[groupType] ?? groupType}`;
  for (const b of buckets) {
    s += ",bucket=";
    const parts: string[] = [];
    // ofputil_bucket_format(): the weight when it is not the type's default (1 for select, else 0)
    if (b.weight !== (groupType === 1 ? 1 : 0)) parts.push(`weight:${b.weight}`);
    if (b.watchPort !== 0xffffffff) parts.push(`watch_port:${(names?.port ?? formatPort)(b.watchPort)}`);
    if (b.watchGroup !== 0xffffffff) parts.push(`watch_group:${b.watchGroup}`);
    parts.push(`actions=${b.actions.length ? formatActions(b.actions, names) : "drop"}`);
    s += parts.join(",");
  }
  return s;
}

const METER_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [1, "kbps"],
  [2, "pktps"],
  [4, "burst"],
  [8, "stats"],
];

/** A meter as ovs-ofctl prints it in a meter mod or meter-config reply. */
export function meterText(meterId: number, flags: number, bands: readonly MeterBand[]): string {
  let s = `meter=${meterId} ${flagNames(flags, METER_FLAGS).join(" ")} bands=`;
  for (const b of bands) {
    s += `\ntype=${b.bandType === 1 ? "drop" : b.bandType === 2 ? "dscp_remark" : b.bandType} rate=${b.rate}`;
    if (flags & 4) s += ` burst_size=${b.burstSize}`;
    if (b.bandType === 2) s += ` prec_level=${b.precLevel ?? 0}`;
  }
  return s;
}

/** Header line plus the table listing; a body OVS refuses ends in its decode error and a hex dump. */
function tableFeaturesText(head: string, tables: readonly TableFeatures[], m: OfMessage): string {
  const { text, error } = formatTableFeatures(tables, m.version);
  if (error) {
    // ovs-ofctl separates the error from a bare header by a space, from anything else by a line break
    const before = head + text;
    const sep = before.endsWith("\n") ? "" : before.endsWith(":") ? " " : "\n";
    return `${before}${sep}***decode error: ${error}***\n${hexDump(encodeMessage(m))}`;
  }
  return (head + text).replace(/\n$/, "");
}

/** A multipart request after its header line. */
export function multipartRequestText(head: string, m: Extract<OfMessage, { type: "multipart_request" }>): string {
  const b = m.body;
  switch (b.kind) {
    case "table_features":
      return tableFeaturesText(head, b.tables, m);
    case "flow":
    case "aggregate": {
      const q = b.request;
      const parts: string[] = [];
      if (q.tableId !== 255) parts.push(`table=${q.tableId}`);
      if (q.outPort !== 0xffffffff) parts.push(`out_port=${formatPort(q.outPort)}`);
      const mm = formatMatch(q.match);
      let s = head;
      if (parts.length) s += " " + parts.join(" ");
      if (mm) s += " " + mm;
      return s;
    }
    case "port_stats":
      return `${head} port_no=${formatPort(b.portNo)}`;
    case "port_desc":
      return `${head} port=${b.portNo === undefined ? "ANY" : formatPort(b.portNo)}`;
    case "group":
      return `${head} group_id=${b.groupId === 0xfffffffc ? "ALL" : b.groupId === 0xffffffff && m.version <= 2 ? "ANY" : b.groupId}`;
    case "group_desc":
      return `${head} group_id=${b.groupId === undefined || b.groupId === 0xfffffffc ? "ALL" : b.groupId}`;
    case "meter":
    case "meter_config":
      return `${head} meter=${b.meterId === 0xffffffff ? "all" : b.meterId}`;
    case "raw":
      return head + (nxStatsText(m.version, true, b) ?? rawRequestText(b.mpType, b.data) ?? rawMultipartText(m.version, true, b.mpType, b.data) ?? "");
    default:
      return head;
  }
}

/** A multipart reply after its header line. */
export function multipartReplyText(head: string, m: Extract<OfMessage, { type: "multipart_reply" }>, names?: NameMaps): string {
  const b = m.body;
  switch (b.kind) {
    case "table_features":
      return tableFeaturesText(head, b.tables, m);
    case "desc":
      return `${head}\nManufacturer: ${b.desc.mfrDesc}\nHardware: ${b.desc.hwDesc}\nSoftware: ${b.desc.swDesc}\nSerial Num: ${b.desc.serialNum}\nDP Description: ${b.desc.dpDesc}`;
    case "flow":
      return [head, ...b.flows.map((f) => " " + formatFlowStats(f, { names }))].join("\n");
    case "aggregate":
      return `${head} packet_count=${b.packetCount} byte_count=${b.byteCount} flow_count=${b.flowCount}`;
    case "table":
      return head + tableStatsText(b.tables, m.version >= OfpVersion.OF13);
    case "port_stats":
      return portStatsText(head, b.ports, names?.port);
    case "port_desc":
      return portDescText(head, b.ports);
    case "group_desc":
      if (m.version >= 5) return [head, ...b.groups.map((g) => " " + formatGroup(m.version, g.groupId, g.groupType, g.buckets, g, false, names))].join("\n");
      return [head, ...b.groups.map((g) => " " + groupText(g.groupId, g.groupType, g.buckets, names))].join("\n");
    case "meter_config":
      return [head, b.meters.map((mc) => meterText(mc.meterId, mc.flags, mc.bands)).join("\n\n")].filter((x) => x).join("\n");
    case "group":
      return [
        head,
        ...b.groups.map(
          (g) =>
            ` group_id=${g.groupId}${g.durationSec === 0xffffffff ? "" : `,duration=${duration(g.durationSec, g.durationNsec)}`},ref_count=${g.refCount},packet_count=${g.packetCount},byte_count=${g.byteCount}` +
            g.buckets.map((k, i) => `,bucket${i}:packet_count=${k.packetCount},byte_count=${k.byteCount}`).join(""),
        ),
      ].join("\n");
    case "meter":
      return [
        head,
        b.meters.map(
          (mt) =>
            `meter:${mt.meterId} flow_count:${mt.flowCount} packet_in_count:${mt.packetInCount} byte_in_count:${mt.byteInCount} duration:${formatDuration(mt.durationSec, mt.durationNsec)} bands:` +
            mt.bands.map((k, i) => `\n${i}: packet_count:${k.packetCount} byte_count:${k.byteCount}`).join(""),
        ).join("\n\n"),
      ].filter((x) => x).join("\n");
    case "raw":
      return head + (nxStatsText(m.version, false, b, names) ?? rawReplyText(b.mpType, b.data) ?? rawMultipartText(m.version, false, b.mpType, b.data, names) ?? "");
    default:
      return head;
  }
}
