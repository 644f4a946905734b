/**
 * `ovs-ofctl ofp-print` rendering of what is particular to OpenFlow 1.0 and its Nicira extensions:
 * the features reply with its ports and action bitmap, table statistics with names and wildcards,
 * queue statistics, flow-removed without a table, NXT_FLOW_MOD, NXT_SET_FLOW_FORMAT,
 * NXT_FLOW_MOD_TABLE_ID, NXST_FLOW and NXST_AGGREGATE. Everything else prints as in any version.
 *
 * @module
 */
import type { OfMessage, TableStats } from "../messages.js";
import { formatFlowMod, formatMatch, formatPort } from "../flowtext.js";
import { abbreviate } from "../tablefeatures.js";
import { formatGroupMod } from "../versions/print.js";
import { formatNxmRaw } from "./raw-match.js";
import { ACTION_BITS10 } from "./actions.js";
import { port16to32 } from "../ports.js";
import { type FormatOptions, formatDuration, formatFlowStats, formatMessage, formatPortDesc } from "../print.js";

const CAPABILITIES10: ReadonlyArray<readonly [number, string]> = [
  [0x1, "FLOW_STATS"],
  [0x2, "TABLE_STATS"],
  [0x4, "PORT_STATS"],
  [0x8, "STP"],
  [0x20, "IP_REASM"],
  [0x40, "QUEUE_STATS"],
  [0x80, "ARP_MATCH_IP"],
];

/** Match fields of an OpenFlow 1.0 wildcard bitmap, in Open vSwitch's field order (mf_bitmap_from_of10). */
const WILDCARD_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [1 << 0, "in_port"],
  [1 << 2, "eth_src"],
  [1 << 3, "eth_dst"],
  [1 << 4, "eth_type"],
  [1 << 1, "vlan_vid"],
  [1 << 20, "vlan_pcp"],
  [0x3f << 8, "ip_src"],
  [0x3f << 14, "ip_dst"],
  [1 << 5, "nw_proto"],
  [1 << 21, "nw_tos"],
  [1 << 6, "tcp_src"],
  [1 << 7, "tcp_dst"],
];

const FLOW_FORMATS: Record<number, string> = { 0: "openflow10", 2: "nxm" };
const REMOVED_REASONS = ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"];

function names(v: number, table: ReadonlyArray<readonly [number, string]>): string[] {
  return table.filter(([b]) => v & b).map(([, n]) => n);
}

/** OpenFlow 1.0 table statistics as Open vSwitch prints them (features from name, wildcards and capacity; dittos). */
function tableStatsText(tables: readonly TableStats[]): string {
  let s = "";
  let first = -1;
  let last = -1;
  const finish = () => {
    if (first < 0) return;
    s += first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
    first = -1;
  };
  let prev: TableStats | undefined;
  for (const t of tables) {
    const sameStats = prev !== undefined && prev.activeCount === t.activeCount && prev.lookupCount === t.lookupCount && prev.matchedCount === t.matchedCount;
    const sameFeatures = prev !== undefined && prev.maxEntries === t.maxEntries && matchBits(prev.wildcards ?? 0) === matchBits(t.wildcards ?? 0);
    if (sameStats && sameFeatures && !t.name) {
      if (first < 0) first = t.tableId;
      last = t.tableId;
      prev = t;
      continue;
    }
    finish();
    s += `\n  table ${t.tableId}${t.name ? ` ("${t.name}")` : ""}:`;
    if (sameStats && sameFeatures) {
      s += " ditto";
      prev = t;
      continue;
    }
    s += `\n    active=${t.activeCount}, lookup=${t.lookupCount}, matched=${t.matchedCount}\n`;
    if (sameFeatures) {
      if (t.maxEntries || matchBits(t.wildcards ?? 0)) s += "    (same features)\n";
      prev = t;
      continue;
    }
    if (t.maxEntries) s += `    max_entries=${t.maxEntries}\n`;
    const fields = names(t.wildcards ?? 0, WILDCARD_FIELDS);
    if (fields.length) {
      if (prev && matchBits(prev.wildcards ?? 0) === matchBits(t.wildcards ?? 0)) s += "    (same matching)\n";
      else s += `    matching:\n      exact match or wildcard: ${abbreviate(fields, 0)}\n`;
    }
    prev = t;
  }
  finish();
  return s;
}

/** The match-field set of a wildcard bitmap, as a comparable key. */
function matchBits(wc: number): string {
  return names(wc, WILDCARD_FIELDS).join(",");
}

/** OpenFlow 1.0 queue statistics request/reply bodies (`ofp_queue_stats_request`, `ofp_queue_stats`). */
function queueText(request: boolean, d: Uint8Array): string | undefined {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const port = (p: number) => (p === 0xfffc ? "ANY" : formatPort(port16to32(p)));
  if (request) {
    if (d.length !== 8) return undefined;
    const q = v.getUint32(4);
    return ` port=${port(v.getUint16(0))} queue=${q === 0xffffffff ? "ALL" : q}`;
  }
  if (d.length % 32) return undefined;
  let s = ` ${d.length / 32} queues`;
  for (let o = 0; o < d.length; o += 32) {
    s += `\n  port ${port(v.getUint16(o))} queue ${v.getUint32(o + 4)}: bytes=${v.getBigUint64(o + 8)}, pkts=${v.getBigUint64(o + 16)}, errors=${v.getBigUint64(o + 24)}, duration=?`;
  }
  return s;
}

/**
 * Renders an OpenFlow 1.0 message where its printing differs from other versions, or a Nicira message
 * only OpenFlow 1.0 has; undefined when the version-independent printing applies.
 * @param m - the decoded message
 * @param tail - the header after the type name: ` (xid=0x1):` plus multipart flags
 */
export function formatOf10Message(m: OfMessage, tail: string, opts: FormatOptions = {}): string | undefined {
  switch (m.type) {
    case "features_reply": {
      if (m.version !== 1) return undefined;
      let s = `OFPT_FEATURES_REPLY${tail} dpid:${m.datapathId.toString(16).padStart(16, "0")}\nn_tables:${m.nTables}, n_buffers:${m.nBuffers}`;
      s += `\ncapabilities: ${names(m.capabilities, CAPABILITIES10).join(" ")}`;
      s += `\nactions: ${ACTION_BITS10.filter(([b]) => (m.actions ?? 0) & (1 << b)).map(([, n]) => n).join(" ")}`;
      const ports = [...(m.ports ?? [])].sort((a, b) => a.portNo - b.portNo);
      for (const p of ports) s += `\n ${formatPortDesc(p)}`;
      return s;
    }
    case "flow_removed":
    case "nx_flow_removed": {
      if (m.type === "flow_removed" && m.version !== 1) return undefined;
      let s = `${m.type === "flow_removed" ? "OFPT_FLOW_REMOVED" : "NXT_FLOW_REMOVED"}${tail} ${formatMatch(m.match, m.priority)}`;
      s += ` reason=${REMOVED_REASONS[m.reason] ?? m.reason}`;
      if (m.tableId !== 255) s += ` table_id=${m.tableId}`;
      if (m.cookie !== 0n) s += ` cookie:0x${m.cookie.toString(16)}`;
      s += ` duration${formatDuration(m.durationSec, m.durationNsec)} idle${m.idleTimeout}`;
      if (m.hardTimeout) s += ` hard${m.hardTimeout}`;
      return `${s} pkts${m.packetCount} bytes${m.byteCount}`;
    }
    case "nx_flow_mod": {
      // the nx_match as sent at verbosity 3: its length at byte 40, its entries from byte 48
      const raw = opts.raw;
      const len = raw && raw.length >= 48 ? (raw[40]! << 8) | raw[41]! : -1;
      const text = (opts.verbosity ?? 2) >= 3 && raw && len >= 0 && 48 + len <= raw.length ? formatNxmRaw(raw, 48, len) : undefined;
      return `NXT_FLOW_MOD${tail} ${formatFlowMod(m, text)}`;
    }
    case "group_mod":
      return m.version === 1 ? `NXT_GROUP_MOD${tail}${formatGroupMod(m)}` : undefined;
    case "nx_set_flow_format":
      return `NXT_SET_FLOW_FORMAT${tail} format=${FLOW_FORMATS[m.format] ?? m.format}`;
    case "nx_flow_mod_table_id":
      return `NXT_FLOW_MOD_TABLE_ID${tail} ${m.enable ? "enable" : "disable"}`;
    case "nx_set_controller_id":
      return `NXT_SET_CONTROLLER_ID${tail} id=${m.controllerId}`;
    case "nx_role_request":
    case "nx_role_reply":
      return `${m.type === "nx_role_request" ? "NXT_ROLE_REQUEST" : "NXT_ROLE_REPLY"}${tail} role=${["equal", "primary", "secondary"][m.role] ?? m.role}`;
    case "nx_flow_monitor_cancel":
      return `NXT_FLOW_MONITOR_CANCEL${tail} id=${m.id}`;
    case "nx_flow_monitor_paused":
      return `NXT_FLOW_MONITOR_PAUSED${tail}`;
    case "nx_flow_monitor_resumed":
      return `NXT_FLOW_MONITOR_RESUMED${tail}`;
    case "nx_ct_flush_zone":
      return `NXT_CT_FLUSH_ZONE${tail} zone_id=${m.zoneId}`;
    case "nx_set_async_config":
    case "nx_packet_in": {
      // printed as OFPT_SET_ASYNC / OFPT_PACKET_IN are, under the Nicira name
      const as = m.type === "nx_set_async_config" ? formatMessage({ ...m, type: "set_async" }, opts) : formatMessage({ ...m, type: "packet_in" }, opts);
      return `${m.type === "nx_set_async_config" ? "NXT_SET_ASYNC_CONFIG" : "NXT_PACKET_IN"}${tail}${as.slice(as.indexOf(":") + 1)}`;
    }
    case "queue_get_config_request":
      if (m.version !== 1) return undefined;
      return `OFPT_QUEUE_GET_CONFIG_REQUEST${tail} port=${formatPort(m.portNo)}`;
    case "queue_get_config_reply": {
      if (m.version !== 1) return undefined;
      // rates in tenths of a percent; above 1000 disabled; 0xffff absent (Open vSwitch's print_queue_rate())
      const rate = (name: string, r: number | undefined) => (r === undefined || r === 0xffff ? "" : r <= 1000 ? ` ${name}:${Math.floor(r / 10)}.${r % 10}%` : ` ${name}:(disabled)`);
      let s = `OFPT_QUEUE_GET_CONFIG_REPLY${tail} port=${formatPort(m.portNo)}`;
      // in queue-id order, as ovs-ofctl sorts them
      for (const q of [...m.queues].sort((x, y) => x.queueId - y.queueId)) s += `\nqueue ${q.queueId}:${rate("min_rate", q.properties.find((p) => p.propType === 1)?.rate)}${rate("max_rate", q.properties.find((p) => p.propType === 2)?.rate)}`;
      return s;
    }
    case "multipart_request": {
      const b = m.body;
      if (b.kind === "nx_flow" || b.kind === "nx_aggregate") {
        const q = b.request;
        const parts: string[] = [];
        if (q.tableId !== 255) parts.push(`table=${q.tableId}`);
        if (q.outPort !== 0xffffffff) parts.push(`out_port=${formatPort(q.outPort)}`);
        const mm = formatMatch(q.match);
        if (mm) parts.push(mm);
        return `${b.kind === "nx_flow" ? "NXST_FLOW" : "NXST_AGGREGATE"} request${tail}${parts.length ? " " + parts.join(" ") : ""}`;
      }
      if (m.version === 1 && b.kind === "raw" && b.mpType === 5) {
        const q = queueText(true, b.data);
        return q === undefined ? undefined : `OFPST_QUEUE request${tail}${q}`;
      }
      return undefined;
    }
    case "multipart_reply": {
      const b = m.body;
      if (b.kind === "nx_flow") return [`NXST_FLOW reply${tail}`, ...b.flows.map((f) => " " + formatFlowStats(f))].join("\n");
      if (b.kind === "nx_aggregate") return `NXST_AGGREGATE reply${tail} packet_count=${b.packetCount} byte_count=${b.byteCount} flow_count=${b.flowCount}`;
      if (m.version !== 1) return undefined;
      if (b.kind === "table") return `OFPST_TABLE reply${tail}${tableStatsText(b.tables).replace(/\n$/, "")}`;
      if (b.kind === "raw" && b.mpType === 5) {
        const q = queueText(false, b.data);
        return q === undefined ? undefined : `OFPST_QUEUE reply${tail}${q}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
