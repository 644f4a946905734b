/**
 * `ovs-ofctl ofp-print`-style rendering of decoded messages.
 *
 * @module
 */
import { OfpVersion, errorCodeName, errorTypeName, nxErrorName } from "./constants.js";
import { type Bucket, type FlowStats, type MeterBand, type OfMessage, type PortDesc, type TableFeatures, type TableStats, type TlvMapping, OFP_HEADER_LEN, decodeMessage, encodeMessage } from "./messages.js";
import { formatTableFeatures } from "./tablefeatures.js";
import { decodeContinuation, formatContinuation } from "./continuation.js";
import { DecodeError } from "../bytes/decode-error.js";
import { formatActions, formatFlowMod, formatInstructions, formatIp6Big, formatMatch, formatPort } from "./flowtext.js";
import { formatOf10Message } from "./v10/print.js";
import type { Of10Message } from "./v10/messages.js";
import { capabilityNames, errorName14, formatGroup, formatGroupMod, formatVersioned, packetOutInPort, portStatsExtra, roleStatusText, tableModText } from "./versions/print.js";
import { experimenterMultipartName, rawMultipartText } from "./versions/bodies.js";

const VERSION_NAMES: Record<number, string> = { 1: "OF1.0", 2: "OF1.1", 3: "OF1.2", 4: "OF1.3", 5: "OF1.4", 6: "OF1.5" };

const TYPE_NAMES: Record<string, string> = {
  hello: "OFPT_HELLO",
  error: "OFPT_ERROR",
  echo_request: "OFPT_ECHO_REQUEST",
  echo_reply: "OFPT_ECHO_REPLY",
  features_request: "OFPT_FEATURES_REQUEST",
  features_reply: "OFPT_FEATURES_REPLY",
  get_config_request: "OFPT_GET_CONFIG_REQUEST",
  get_config_reply: "OFPT_GET_CONFIG_REPLY",
  set_config: "OFPT_SET_CONFIG",
  packet_in: "OFPT_PACKET_IN",
  flow_removed: "OFPT_FLOW_REMOVED",
  port_status: "OFPT_PORT_STATUS",
  packet_out: "OFPT_PACKET_OUT",
  flow_mod: "OFPT_FLOW_MOD",
  group_mod: "OFPT_GROUP_MOD",
  port_mod: "OFPT_PORT_MOD",
  table_mod: "OFPT_TABLE_MOD",
  barrier_request: "OFPT_BARRIER_REQUEST",
  barrier_reply: "OFPT_BARRIER_REPLY",
  role_request: "OFPT_ROLE_REQUEST",
  role_reply: "OFPT_ROLE_REPLY",
  get_async_request: "OFPT_GET_ASYNC_REQUEST",
  get_async_reply: "OFPT_GET_ASYNC_REPLY",
  set_async: "OFPT_SET_ASYNC",
  meter_mod: "OFPT_METER_MOD",
  bundle_control: "ONFT_BUNDLE_CONTROL",
  bundle_add: "ONFT_BUNDLE_ADD_MESSAGE",
  nx_set_packet_in_format: "NXT_SET_PACKET_IN_FORMAT",
  nx_tlv_table_mod: "NXT_TLV_TABLE_MOD",
  nx_tlv_table_request: "NXT_TLV_TABLE_REQUEST",
  nx_tlv_table_reply: "NXT_TLV_TABLE_REPLY",
  nx_packet_in2: "NXT_PACKET_IN2",
  nx_resume: "NXT_RESUME",
  experimenter: "OFPT_EXPERIMENTER",
  role_status: "OFPT_ROLE_STATUS",
  requestforward: "OFPT_REQUESTFORWARD",
  table_status: "OFPT_TABLE_STATUS",
  queue_get_config_request: "OFPT_QUEUE_GET_CONFIG_REQUEST",
  queue_get_config_reply: "OFPT_QUEUE_GET_CONFIG_REPLY",
};

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

/** The ONF experimenter ID ("ONF\0"). */
const ONF_EXPERIMENTER = 0x4f4e4600;
/** ONF experimenter messages of OpenFlow 1.3 that Open vSwitch prints (ONF extension numbers). */
const ONF_MESSAGES: Record<number, string> = {
  1870: "ONFT_FLOW_MONITOR_CANCEL",
  1871: "ONFT_FLOW_MONITOR_PAUSED",
  1872: "ONFT_FLOW_MONITOR_RESUMED",
  1911: "ONFT_ROLE_STATUS",
};

/** The body of an ONF experimenter message as ovs-ofctl prints it, or undefined for one it refuses. */
function onfText(expType: number, data: Uint8Array): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (expType) {
    case 1870:
      return data.length === 4 ? ` id=${v.getUint32(0)}` : undefined;
    case 1871:
    case 1872:
      return data.length === 0 ? "" : undefined;
    case 1911: {
      if (data.length !== 16) return undefined;
      return roleStatusText(v.getUint32(0), data[4]!, v.getBigUint64(8));
    }
  }
  return undefined;
}

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

function typeName(m: OfMessage): string {
  if (m.type === "multipart_request" || m.type === "multipart_reply") {
    const kind =
      m.body.kind === "raw"
        ? ((m.body.mpType === 0xffff ? experimenterMultipartName(m.body.data) : undefined) ?? RAW_MP_NAMES[m.body.mpType] ?? `OFPST_${m.body.mpType}`)
        : (MP_NAMES[m.body.kind] ?? m.body.kind);
    return `${kind} ${m.type === "multipart_request" ? "request" : "reply"}`;
  }
  if (m.type === "unknown") return `OFPT_UNKNOWN_${m.msgType}`;
  if (m.type === "rejected") return m.name;
  // OpenFlow 1.4 made bundles standard messages
  if ((m.type === "bundle_control" || m.type === "bundle_add") && m.version >= 5) return m.type === "bundle_control" ? "OFPT_BUNDLE_CONTROL" : "OFPT_BUNDLE_ADD_MESSAGE";
  if (m.type === "experimenter" && m.experimenter === ONF_EXPERIMENTER && ONF_MESSAGES[m.expType]) return ONF_MESSAGES[m.expType]!;
  return TYPE_NAMES[m.type] ?? m.type;
}

/**
 * A duration as Open vSwitch's ofp_print_duration() prints it: whole seconds, then 3 decimals when the
 * fraction is whole milliseconds, else as many of 9 decimals as it needs (none for 0 ns).
 */
function duration(sec: number, nsec: number): string {
  if (nsec <= 0) return `${sec}s`;
  if (nsec % 1e6 === 0) return `${sec}.${String(nsec / 1e6).padStart(3, "0")}s`;
  return `${sec}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}s`;
}

/** Formats one flow-stats entry as `ovs-ofctl dump-flows` prints it (without the leading space). */
export function formatFlowStats(f: FlowStats, opts: { noStats?: boolean } = {}): string {
  // as Open vSwitch's ofputil_flow_stats_format(): "key=value, " items, flags followed by a space each
  const stats = !opts.noStats;
  let s = "";
  if (stats || f.cookie !== 0n) s += `cookie=0x${f.cookie.toString(16)}, `;
  if (stats) s += `duration=${duration(f.durationSec, f.durationNsec)}, `;
  if (stats || f.tableId !== 0) s += `table=${f.tableId}, `;
  if (stats) s += `n_packets=${f.packetCount}, n_bytes=${f.byteCount}, `;
  if (f.idleTimeout) s += `idle_timeout=${f.idleTimeout}, `;
  if (f.hardTimeout) s += `hard_timeout=${f.hardTimeout}, `;
  for (const [bit, name] of FLOW_MOD_FLAG_NAMES) if (f.flags & bit) s += `${name} `;
  if (f.importance) s += `importance=${f.importance}, `;
  if (stats && f.idleAge !== undefined && f.idleAge !== 0xffffffff) s += `idle_age=${f.idleAge}, `;
  if (stats && f.hardAge !== undefined && f.hardAge !== f.durationSec) s += `hard_age=${f.hardAge}, `;
  s += formatMatch(f.match, f.priority);
  if (s && !s.endsWith(" ")) s += " ";
  return `${s}actions=${formatInstructions(f.instructions)}`;
}

/** Flow-mod flags in the order ovs-ofctl prints them. */
const FLOW_MOD_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [1, "send_flow_rem"],
  [2, "check_overlap"],
  [4, "reset_counts"],
  [8, "no_packet_counts"],
  [16, "no_byte_counts"],
];

/** `ovs-ofctl`-style hex dump (offset, 16 bytes with a '-' after the 8th, ASCII column). */
export function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const n = Math.min(16, b.length - off);
    let hex = "";
    let asc = "";
    for (let i = 0; i < 16; i++) {
      if (i < n) {
        const x = b[off + i]!;
        hex += x.toString(16).padStart(2, "0");
        asc += x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : ".";
      } else {
        hex += "  ";
        asc += " ";
      }
      hex += i === 7 && i < n ? "-" : " ";
    }
    lines.push(`${off.toString(16).padStart(8, "0")}  ${hex}|${asc}|`);
  }
  return lines.join("\n");
}

function flagNames(v: number, names: ReadonlyArray<readonly [number, string]>): string[] {
  return names.filter(([b]) => v & b).map(([, n]) => n);
}

const CAPABILITIES: ReadonlyArray<readonly [number, string]> = [
  [0x1, "FLOW_STATS"],
  [0x2, "TABLE_STATS"],
  [0x4, "PORT_STATS"],
  [0x8, "GROUP_STATS"],
  [0x20, "IP_REASM"],
  [0x40, "QUEUE_STATS"],
  [0x100, "PORT_BLOCKED"],
];
const PORT_CONFIG: ReadonlyArray<readonly [number, string]> = [
  [0x1, "PORT_DOWN"],
  [0x2, "NO_STP"],
  [0x4, "NO_RECV"],
  [0x8, "NO_RECV_STP"],
  [0x10, "NO_FLOOD"],
  [0x20, "NO_FWD"],
  [0x40, "NO_PACKET_IN"],
];
const PORT_STATE: ReadonlyArray<readonly [number, string]> = [
  [0x1, "LINK_DOWN"],
  [0x2, "BLOCKED"],
  [0x4, "LIVE"],
];
const PORT_FEATURES: ReadonlyArray<readonly [number, string]> = [
  [0x1, "10MB-HD"],
  [0x2, "10MB-FD"],
  [0x4, "100MB-HD"],
  [0x8, "100MB-FD"],
  [0x10, "1GB-HD"],
  [0x20, "1GB-FD"],
  [0x40, "10GB-FD"],
  [0x80, "40GB-FD"],
  [0x100, "100GB-FD"],
  [0x200, "1TB-FD"],
  [0x400, "OTHER"],
  [0x800, "COPPER"],
  [0x1000, "FIBER"],
  [0x2000, "AUTO_NEG"],
  [0x4000, "AUTO_PAUSE"],
  [0x8000, "AUTO_PAUSE_ASYM"],
];

function fmtMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
}

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

/** One port as ovs-ofctl prints it in a features reply, port status or port description (without the leading space). */
export function formatPortDesc(p: PortDesc): string {
  return fmtPortDesc(p);
}

/** Port numbers in ovs-ofctl's print order: the 16-bit OpenFlow 1.0 space (reserved ports last). */
function portOrder(p: number): number {
  return p >= 0xffffff00 ? p - 0xffff0000 : p;
}

function fmtPortDesc(p: PortDesc): string {
  // the name ends at its first unprintable character (ofputil_phy_port_format)
  const lines = [`${formatPort(p.portNo)}(${p.name.replace(/[^\x20-\x7e][^]*$/, "")}): addr:${fmtMac(p.hwAddr)}`];
  const cfg = flagNames(p.config, PORT_CONFIG);
  lines.push(`     config:     ${cfg.length ? cfg.join(" ") : "0"}`);
  // the OpenFlow 1.0 spanning-tree state is a 2-bit field (STP_LISTEN, 0, is not printed)
  const stp = ["", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"][(p.state >> 8) & 3]!;
  const st = [...(stp ? [stp] : []), ...flagNames(p.state, PORT_STATE)];
  lines.push(`     state:      ${st.length ? st.join(" ") : "0"}`);
  const feat = (label: string, v: number) => {
    if (v) lines.push(`     ${label}${flagNames(v, PORT_FEATURES).join(" ")}`);
  };
  feat("current:    ", p.curr);
  feat("advertised: ", p.advertised);
  feat("supported:  ", p.supported);
  feat("peer:       ", p.peer);
  lines.push(`     speed: ${Math.floor(p.currSpeed / 1000)} Mbps now, ${Math.floor(p.maxSpeed / 1000)} Mbps max`);
  return lines.join("\n");
}

/** A duration as ovs-ofctl prints it (`5.820s`). */
export function formatDuration(sec: number, nsec: number): string {
  return duration(sec, nsec);
}

function fmtDuration(sec: number, nsec: number): string {
  return duration(sec, nsec);
}

const GROUP_TYPES = ["all", "select", "indirect", "ff"];
const GROUP_COMMANDS = ["ADD", "MOD", "DEL"];

function fmtGroup(groupId: number, groupType: number, buckets: readonly Bucket[]): string {
  let s = `group_id=${groupId},type=${GROUP_TYPES[groupType] ?? groupType}`;
  for (const b of buckets) {
    s += ",bucket=";
    const parts: string[] = [];
    if (groupType === 1) parts.push(`weight:${b.weight}`);
    if (b.watchPort !== 0xffffffff) parts.push(`watch_port:${formatPort(b.watchPort)}`);
    if (b.watchGroup !== 0xffffffff) parts.push(`watch_group:${b.watchGroup}`);
    parts.push(`actions=${b.actions.length ? formatActions(b.actions) : "drop"}`);
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

function fmtMeter(meterId: number, flags: number, bands: readonly MeterBand[]): string {
  let s = `meter=${meterId} ${flagNames(flags, METER_FLAGS).join(" ")} bands=`;
  for (const b of bands) {
    s += `\ntype=${b.bandType === 1 ? "drop" : b.bandType === 2 ? "dscp_remark" : b.bandType} rate=${b.rate}`;
    if (flags & 4) s += ` burst_size=${b.burstSize}`;
    if (b.bandType === 2) s += ` prec_level=${b.precLevel ?? 0}`;
  }
  return s;
}

const ASYNC_NAMES: readonly (readonly string[])[] = [
  ["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"],
  ["add", "delete", "modify"],
  ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"],
];

function fmtAsync(masks: readonly number[]): string {
  const out: string[] = [];
  for (const [role, off] of [
    ["primary", 0],
    ["secondary", 1],
  ] as const) {
    out.push(` ${role}:`);
    const labels = ["       PACKET_IN:", "     PORT_STATUS:", "    FLOW_REMOVED:"];
    for (let k = 0; k < 3; k++) {
      const m = masks[k * 2 + off] ?? 0;
      const names = ASYNC_NAMES[k]!.filter((_, i) => m & (1 << i));
      out.push(`${labels[k]}${names.length ? names.map((n) => " " + n).join("") : " (off)"}`);
    }
    out.push("     ROLE_STATUS: (off)", "    TABLE_STATUS: (off)", "  REQUESTFORWARD: (off)");
    if (role === "primary") out.push("");
  }
  return out.join("\n");
}

const BUNDLE_TYPES = ["OPEN_REQUEST", "OPEN_REPLY", "CLOSE_REQUEST", "CLOSE_REPLY", "COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY"];

function bundleFlags(f: number): string {
  const n = flagNames(f, [
    [1, "atomic"],
    [2, "ordered"],
  ]);
  return n.length ? n.join(" ") : "0";
}

function ip4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function ip6(b: Uint8Array, o: number): string {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[o + i]!);
  return formatIp6Big(v);
}

const TCP_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x001, "fin"],
  [0x002, "syn"],
  [0x004, "rst"],
  [0x008, "psh"],
  [0x010, "ack"],
  [0x020, "urg"],
  [0x040, "ece"],
  [0x080, "cwr"],
  [0x100, "ns"],
];

/**
 * The flow ovs-ofctl shows for a packet carried in packet-in/packet-out (flow_format of the extracted
 * flow, plus the L4 checksum). Covers well-formed Ethernet with at most one 802.1Q tag carrying ARP,
 * IPv4 or IPv6 (no extension headers) with TCP, UDP, SCTP, ICMP or ICMPv6; returns undefined otherwise.
 */
export function packetSummary(d: Uint8Array): string | undefined {
  if (d.length < 14) return undefined;
  const u16 = (o: number) => ((d[o]! << 8) | d[o + 1]!) >>> 0;
  const dst = fmtMac(d.subarray(0, 6));
  const src = fmtMac(d.subarray(6, 12));
  let o = 12;
  let vlan = "vlan_tci=0x0000";
  let type = u16(o);
  if (type === 0x8100) {
    if (d.length < 18) return undefined;
    const tci = u16(14);
    vlan = `dl_vlan=${tci & 0xfff},dl_vlan_pcp=${tci >> 13},vlan_tci1=0x0000`;
    o = 16;
    type = u16(o);
  }
  o += 2;
  const l2 = `${vlan},dl_src=${src},dl_dst=${dst}`;
  if (type === 0x0806 || type === 0x8035) {
    if (d.length < o + 28 || u16(o) !== 1 || u16(o + 2) !== 0x0800 || d[o + 4] !== 6 || d[o + 5] !== 4) return undefined;
    return `${type === 0x0806 ? "arp" : "rarp"},${l2},arp_spa=${ip4(d, o + 14)},arp_tpa=${ip4(d, o + 24)},arp_op=${u16(o + 6)},arp_sha=${fmtMac(d.subarray(o + 8, o + 14))},arp_tha=${fmtMac(d.subarray(o + 18, o + 24))}`;
  }
  let proto: number;
  let l3: string;
  let l4o: number;
  let frag = "no";
  let v6 = false;
  if (type === 0x0800) {
    if (d.length < o + 20 || d[o]! >> 4 !== 4) return undefined;
    const ihl = (d[o]! & 0xf) * 4;
    const total = u16(o + 2);
    if (ihl < 20 || total < ihl || d.length < o + total) return undefined;
    const fragField = u16(o + 6);
    if (fragField & 0x1fff) return undefined; // later fragments: not summarised
    if (fragField & 0x2000) frag = "first";
    proto = d[o + 9]!;
    l3 = `nw_src=${ip4(d, o + 12)},nw_dst=${ip4(d, o + 16)}`;
    const tos = d[o + 1]!;
    l3 += `__PROTO__,nw_tos=${tos & 0xfc},nw_ecn=${tos & 3},nw_ttl=${d[o + 8]},nw_frag=${frag}`;
    l4o = o + ihl;
  } else if (type === 0x86dd) {
    if (d.length < o + 40 || d[o]! >> 4 !== 6) return undefined;
    v6 = true;
    proto = d[o + 6]!;
    const label = ((d[o + 1]! & 0xf) << 16) | u16(o + 2);
    const tc = ((d[o]! & 0xf) << 4) | (d[o + 1]! >> 4);
    l3 = `ipv6_src=${ip6(d, o + 8)},ipv6_dst=${ip6(d, o + 24)},ipv6_label=0x${label.toString(16).padStart(5, "0")}__PROTO__,nw_tos=${tc & 0xfc},nw_ecn=${tc & 3},nw_ttl=${d[o + 7]},nw_frag=no`;
    l4o = o + 40;
  } else {
    return `${l2},dl_type=0x${(type < 0x600 ? 0x05ff : type).toString(16).padStart(4, "0")}`;
  }
  const names: Record<number, string> = v6 ? { 6: "tcp6", 17: "udp6", 132: "sctp6", 58: "icmp6" } : { 1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 132: "sctp" };
  const short = names[proto];
  l3 = l3.replace("__PROTO__", short ? "" : `,nw_proto=${proto}`);
  const head = `${short ?? (v6 ? "ipv6" : "ip")},${l2},${l3}`;
  const hex = (x: number) => x.toString(16);
  if (proto === 6 && d.length >= l4o + 20) {
    const flags = u16(l4o + 12) & 0x1ff;
    const fl = TCP_FLAG_NAMES.filter(([b]) => flags & b).map(([, n]) => n);
    return `${head},tp_src=${u16(l4o)},tp_dst=${u16(l4o + 2)},tcp_flags=${fl.length ? fl.join("|") : "0"} tcp_csum:${hex(u16(l4o + 16))}`;
  }
  if (proto === 17 && d.length >= l4o + 8) return `${head},tp_src=${u16(l4o)},tp_dst=${u16(l4o + 2)} udp_csum:${hex(u16(l4o + 6))}`;
  if (proto === 132 && d.length >= l4o + 12) return `${head},tp_src=${u16(l4o)},tp_dst=${u16(l4o + 2)}`;
  if (proto === 1 && !v6 && d.length >= l4o + 4) return `${head},icmp_type=${d[l4o]},icmp_code=${d[l4o + 1]} icmp_csum:${hex(u16(l4o + 2))}`;
  if (proto === 58 && v6 && d.length >= l4o + 4) {
    const t = d[l4o]!;
    let s = `${head},icmp_type=${t},icmp_code=${d[l4o + 1]}`;
    if ((t === 135 || t === 136) && d.length >= l4o + 24) {
      let sll = "00:00:00:00:00:00";
      let tll = "00:00:00:00:00:00";
      for (let p = l4o + 24; p + 8 <= d.length; ) {
        const len = d[p + 1]! * 8;
        if (!len) return undefined;
        if (d[p] === 1 && len === 8) sll = fmtMac(d.subarray(p + 2, p + 8));
        if (d[p] === 2 && len === 8) tll = fmtMac(d.subarray(p + 2, p + 8));
        p += len;
      }
      s += `,nd_target=${ip6(d, l4o + 8)},nd_sll=${sll},nd_tll=${tll}`;
    }
    return `${s} icmp6_csum:${hex(u16(l4o + 2))}`;
  }
  return head;
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

/** The NXTTMFC_* error OVS reports for a TLV mapping list it refuses, if any. */
function tlvMappingError(maps: readonly TlvMapping[]): string | undefined {
  for (const t of maps) {
    if (t.optionLen % 4 || t.optionLen > 124) return "NXTTMFC_BAD_OPT_LEN";
    if (t.index >= 64) return "NXTTMFC_BAD_FIELD_IDX";
  }
  return undefined;
}

/** ovs-ofctl's TLV mapping table (`dump-tlv-map`, and NXT_TLV_TABLE_MOD/REPLY printing). */
export function formatTlvMappings(maps: readonly TlvMapping[]): string {
  const hx = (v: number) => (v ? `0x${v.toString(16)}` : "0");
  const rows = maps.map((t) => ` ${hx(t.optionClass).padStart(6)}  ${hx(t.optionType).padStart(4)}  ${String(t.optionLen).padStart(6)}  tun_metadata${t.index}`);
  return ["  class  type  length  match field", " ------  ----  ------  --------------", ...rows].join("\n");
}

/**
 * The OpenFlow error Open vSwitch's meter_mod decoder gives a METER_MOD (OpenFlow 1.3.5 §7.3.4.4), if any:
 * an unknown command (`OFPMMFC_BAD_COMMAND`), both KBPS and PKTPS (`OFPMMFC_BAD_FLAGS`), a band other than
 * drop or dscp_remark (`OFPMMFC_BAD_BAND`). A DELETE's flags and bands are not looked at.
 */
export function meterModError(m: Extract<OfMessage, { type: "meter_mod" }>): string | undefined {
  if (m.command > 2) return "OFPMMFC_BAD_COMMAND";
  if (m.command === 2) return undefined;
  if ((m.flags & 1) !== 0 && (m.flags & 2) !== 0) return "OFPMMFC_BAD_FLAGS";
  if (m.bands.some((b) => b.bandType !== 1 && b.bandType !== 2)) return "OFPMMFC_BAD_BAND";
  return undefined;
}

/** True when a hello (whole message) carries a version bitmap element whose first word names a version. */
function helloBitmapUsable(msg: Uint8Array): boolean {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  let usable = false;
  for (let at = OFP_HEADER_LEN; at + 4 <= msg.length; ) {
    const type = v.getUint16(at);
    const len = v.getUint16(at + 2);
    if (len < 4 || at + ((len + 7) & ~7) > msg.length + 0) break;
    if (type === 1 && len >= 8 && (len - 4) % 4 === 0 && (v.getUint32(at + 4) & ~1) !== 0) usable = true;
    at += (len + 7) & ~7;
  }
  return usable;
}

/** Options of {@link formatMessage}. */
export interface FormatOptions {
  /**
   * ovs-ofctl's verbosity: above 2, packet-ins and packet-outs are followed by a hex dump of the packet.
   * @default 2
   */
  readonly verbosity?: number | undefined;
}

/** Appends the packet's hex dump (offsets and bytes, no ASCII column) when `verbosity` is above 2. */
function withPacketDump(text: string, data: Uint8Array, verbosity: number): string {
  if (verbosity <= 2 || data.length === 0) return text;
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    let line = `${off.toString(16).padStart(8, "0")}  `;
    for (let i = off; i < Math.min(off + 16, data.length); i++) line += data[i]!.toString(16).padStart(2, "0") + (i - off === 7 ? "-" : " ");
    lines.push(line.trimEnd());
  }
  return `${text}\n${lines.join("\n")}`;
}

/** Renders a decoded message like `ovs-ofctl ofp-print` does. */
export function formatMessage(m: OfMessage, opts: FormatOptions = {}): string {
  const verbosity = opts.verbosity ?? 2;
  const ver = m.version === 1 ? "" : ` (${VERSION_NAMES[m.version] ?? `OF 0x${m.version.toString(16).padStart(2, "0")}`})`;
  let head = `${typeName(m)}${ver} (xid=0x${m.xid.toString(16)}):`;
  let tail = `${ver} (xid=0x${m.xid.toString(16)}):`;
  if ((m.type === "multipart_request" || m.type === "multipart_reply") && m.flags) {
    const flags = " flags=" + (m.flags & 1 ? "[more]" : "") + (m.flags & ~1 ? `[***unknown flags 0x${(m.flags & ~1).toString(16).padStart(4, "0")}***]` : "");
    head += flags;
    tail += flags;
  }
  // OpenFlow 1.0 and its Nicira messages where they print differently (v10/print.ts)
  const of10 = formatOf10Message(m, tail, opts);
  if (of10 !== undefined) return of10;
  switch (m.type) {
    case "flow_mod":
      return `${head} ${formatFlowMod(m)}`;
    case "hello": {
      // Open vSwitch keeps the first 32 bits of the bitmap, never version 0; without a usable bitmap, every
      // version up to the header's (at most 0x1f)
      let vs = m.versions.filter((v) => v >= 1 && v < 32);
      if (!vs.length || (m.unknownData && !helloBitmapUsable(m.unknownData))) vs = Array.from({ length: Math.min(m.version, 31) }, (_, i) => i + 1);
      const text = `${head}\n version bitmap: ${vs.map((v) => `0x${v.toString(16).padStart(2, "0")}`).join(", ")}`;
      return m.unknownData ? `${text}\n unknown data in hello:\n${hexDump(m.unknownData)}` : text;
    }
    case "error": {
      const nx = m.errType === 0xffff && m.experimenter === 0x2320 ? nxErrorName(m.code) : undefined;
      const name = nx ?? errorName14(m.version, m.errType, m.code) ?? errorCodeName(m.errType, m.code) ?? `${errorTypeName(m.errType)}(${m.code})`;
      let s = `${head} ${name}`;
      if (m.data.length >= 8) {
        let inner: OfMessage | undefined;
        try {
          inner = decodeMessage(m.data);
        } catch {
          inner = undefined;
        }
        s += "\n" + (inner ? formatMessage(inner) : `***decode error: OFPBRC_BAD_LEN***\n${hexDump(m.data)}`);
      } else if (m.data.length) s += `\nOpenFlow packet too short (only ${m.data.length} bytes):\n${hexDump(m.data)}`;
      return s;
    }
    case "echo_request":
    case "echo_reply":
      return `${head} ${m.data.length} bytes of payload${m.data.length ? "\n" + hexDump(m.data) : ""}`;
    case "features_request":
    case "get_config_request":
    case "barrier_request":
    case "barrier_reply":
    case "get_async_request":
      return head;
    case "features_reply": {
      const caps = m.version === 4 ? flagNames(m.capabilities, CAPABILITIES).join(" ") : capabilityNames(m.version, m.capabilities);
      const s = `${head} dpid:${m.datapathId.toString(16).padStart(16, "0")}\nn_tables:${m.nTables}, n_buffers:${m.nBuffers}${m.auxiliaryId ? `, auxiliary_id:${m.auxiliaryId}` : ""}\ncapabilities: ${caps}`;
      // OpenFlow 1.0-1.2 carry the ports, printed sorted by number as for a port-desc reply
      if (!m.ports) return s;
      return [s, ...[...m.ports].sort((x, y) => portOrder(x.portNo) - portOrder(y.portNo)).map((p) => " " + fmtPortDesc(p))].join("\n");
    }
    case "get_config_reply":
    case "set_config":
      return `${head} frags=${["normal", "drop", "reassemble", "nx-match"][m.flags & 3]} miss_send_len=${m.missSendLen}`;
    case "packet_in": {
      let s = head;
      if (m.tableId !== 0) s += ` table_id=${m.tableId}`;
      if (m.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${m.cookie.toString(16)}`;
      s += ` total_len=${m.totalLen} ${formatMatch(m.match)} (via ${["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"][m.reason] ?? m.reason}) data_len=${m.data.length}`;
      s += m.bufferId === 0xffffffff ? " (unbuffered)" : ` buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      const sum = packetSummary(m.data);
      return withPacketDump(sum ? `${s}\n${sum}` : s, m.data, verbosity);
    }
    case "packet_out": {
      let s = `${head} ${packetOutInPort(m)} actions=${m.actions.length ? formatActions(m.actions) : "drop"}`;
      if (m.bufferId !== 0xffffffff) return `${s} buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      s += ` data_len=${m.data.length}`;
      const sum = packetSummary(m.data);
      return withPacketDump(sum ? `${s}\n${sum}` : s, m.data, verbosity);
    }
    case "flow_removed": {
      const reasons = ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"];
      return `${head} ${formatMatch(m.match, m.priority)} reason=${reasons[m.reason] ?? m.reason} table_id=${m.tableId} cookie:0x${m.cookie.toString(16)} duration${duration(m.durationSec, m.durationNsec)} idle${m.idleTimeout}${m.hardTimeout ? ` hard${m.hardTimeout}` : ""} pkts${m.packetCount} bytes${m.byteCount}`;
    }
    case "port_status":
      return `${head} ${["ADD", "DEL", "MOD"][m.reason] ?? m.reason}: ${fmtPortDesc(m.port)}`;
    case "group_mod":
      if (m.version >= 5) return head + formatGroupMod(m);
      return `${head}\n ${GROUP_COMMANDS[m.command] ?? m.command} ${fmtGroup(m.groupId, m.groupType, m.buckets)}`;
    case "port_mod": {
      const cfg = flagNames(m.config, PORT_CONFIG);
      const mask = flagNames(m.mask, PORT_CONFIG);
      return `${head} port: ${formatPort(m.portNo)}: addr:${fmtMac(m.hwAddr)}\n     config: ${cfg.length ? cfg.join(" ") : "0"}\n     mask:   ${mask.length ? mask.join(" ") : "0"}\n     advertise: ${m.advertise ? flagNames(m.advertise, PORT_FEATURES).join(" ") : "UNCHANGED"}`;
    }
    case "table_mod":
      if (m.version !== 4) return head + tableModText(m.version, m.tableId, m.config);
      return `${head} table_id=${m.tableId === 255 ? "ALL" : m.tableId}`;
    case "role_request":
    case "role_reply":
      return `${head} role=${["nochange", "equal", "primary", "secondary"][m.role] ?? m.role}${m.role === 0 ? "" : ` generation_id=${m.generationId}`}`;
    case "get_async_reply":
    case "set_async":
      return `${head}\n${fmtAsync(m.masks)}`;
    case "meter_mod": {
      const bad = meterModError(m);
      if (bad) return `${head} ***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
      return `${head} ${["ADD", "MOD", "DEL"][m.command] ?? m.command} ${fmtMeter(m.meterId, m.flags, m.bands)}`;
    }
    case "bundle_control":
      return `${head}\n bundle_id=0x${m.bundleId.toString(16)} type=${BUNDLE_TYPES[m.bundleType] ?? m.bundleType} flags=${bundleFlags(m.flags)}`;
    case "bundle_add": {
      let inner: string;
      try {
        inner = formatMessage(decodeMessage(m.message));
      } catch {
        inner = hexDump(m.message);
      }
      return `${head}\n bundle_id=0x${m.bundleId.toString(16)} flags=${bundleFlags(m.flags)}\n${inner}`;
    }
    case "multipart_request": {
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
          return head + (rawRequestText(b.mpType, b.data) ?? rawMultipartText(m.version, true, b.mpType, b.data) ?? "");
        default:
          return head;
      }
    }
    case "multipart_reply": {
      const b = m.body;
      switch (b.kind) {
        case "table_features":
          return tableFeaturesText(head, b.tables, m);
        case "desc":
          return `${head}\nManufacturer: ${b.desc.mfrDesc}\nHardware: ${b.desc.hwDesc}\nSoftware: ${b.desc.swDesc}\nSerial Num: ${b.desc.serialNum}\nDP Description: ${b.desc.dpDesc}`;
        case "flow":
          return [head, ...b.flows.map((f) => " " + formatFlowStats(f))].join("\n");
        case "aggregate":
          return `${head} packet_count=${b.packetCount} byte_count=${b.byteCount} flow_count=${b.flowCount}`;
        case "table":
          return head + tableStatsText(b.tables, m.version >= OfpVersion.OF13);
        case "port_stats":
          return [
            `${head} ${b.ports.length} ports`,
            ...b.ports.map((p) => {
              // an all-ones counter is one the switch does not report: "?"
              const c = p.counters.map((x) => (x === 0xffffffffffffffffn ? "?" : String(x)));
              return `  port ${formatPort(p.portNo).padStart(2)}: rx pkts=${c[0]}, bytes=${c[2]}, drop=${c[4]}, errs=${c[6]}, frame=${c[8]}, over=${c[9]}, crc=${c[10]}\n           tx pkts=${c[1]}, bytes=${c[3]}, drop=${c[5]}, errs=${c[7]}, coll=${c[11]}${p.durationSec === 0xffffffff ? "" : `\n           duration=${fmtDuration(p.durationSec, p.durationNsec)}`}${portStatsExtra(p)}`;
            }),
          ].join("\n");
        case "port_desc":
          // ovs-ofctl prints ports sorted by number (LOCAL and the other reserved ports last)
          return [head, ...[...b.ports].sort((x, y) => x.portNo - y.portNo).map((p) => " " + fmtPortDesc(p))].join("\n");
        case "group_desc":
          if (m.version >= 5) return [head, ...b.groups.map((g) => " " + formatGroup(m.version, g.groupId, g.groupType, g.buckets, g))].join("\n");
          return [head, ...b.groups.map((g) => " " + fmtGroup(g.groupId, g.groupType, g.buckets))].join("\n");
        case "meter_config":
          return [head, b.meters.map((mc) => fmtMeter(mc.meterId, mc.flags, mc.bands)).join("\n\n")].filter((x) => x).join("\n");
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
                `meter:${mt.meterId} flow_count:${mt.flowCount} packet_in_count:${mt.packetInCount} byte_in_count:${mt.byteInCount} duration:${fmtDuration(mt.durationSec, mt.durationNsec)} bands:` +
                mt.bands.map((k, i) => `\n${i}: packet_count:${k.packetCount} byte_count:${k.byteCount}`).join(""),
            ).join("\n\n"),
          ].filter((x) => x).join("\n");
        case "raw":
          return head + (rawReplyText(b.mpType, b.data) ?? rawMultipartText(m.version, false, b.mpType, b.data) ?? "");
        default:
          return head;
      }
    }
    case "nx_set_packet_in_format":
      return `${head} format=${["standard", "nxt_packet_in", "nxt_packet_in2"][m.format] ?? m.format}`;
    case "nx_packet_in2":
    case "nx_resume": {
      let cont: string[] = [];
      if (m.continuation) {
        try {
          cont = formatContinuation(decodeContinuation(m.continuation));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          return `${head} ***decode error: OFPBPC_BAD_LEN***\n${hexDump(encodeMessage(m))}`;
        }
      }
      let s = head;
      if (m.tableId) s += ` table_id=${m.tableId}`;
      if (m.cookie !== undefined && m.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${m.cookie.toString(16)}`;
      s += ` total_len=${m.fullLen ?? m.packet?.length ?? 0}`;
      const md = m.metadata ? formatMatch(m.metadata) : "";
      if (md) s += ` ${md}`;
      s += ` (via ${["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"][m.reason ?? 0] ?? m.reason})`;
      s += ` data_len=${m.packet?.length ?? 0}`;
      if (m.bufferId !== undefined) s += ` buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      else s += " (unbuffered)";
      if (m.userdata) s += `\n userdata=${Array.from(m.userdata, (x) => x.toString(16).padStart(2, "0")).join(".")}`;
      if (cont.length) s += "\n" + cont.join("\n");
      const sum = m.packet ? packetSummary(m.packet) : undefined;
      return sum ? `${s}\n${sum}` : s;
    }
    case "nx_tlv_table_request":
      return head;
    case "nx_tlv_table_mod":
    case "nx_tlv_table_reply": {
      const bad = m.type === "nx_tlv_table_mod" && m.command > 2 ? "NXTTMFC_BAD_COMMAND" : tlvMappingError(m.mappings);
      if (bad) return `${head} ***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
      if (m.type === "nx_tlv_table_mod") {
        const cmd = ["ADD", "DEL", "CLEAR"][m.command]!;
        return m.command === 2 ? `${head}\n ${cmd}` : `${head}\n ${cmd} mapping table:\n${formatTlvMappings(m.mappings)}`;
      }
      const used = m.mappings.reduce((n, t) => n + t.optionLen, 0);
      return `${head}\n max option space=${m.maxOptionSpace} max fields=${m.maxFields}\n allocated option space=${used}\n\n mapping table:\n${formatTlvMappings(m.mappings)}`;
    }
    case "experimenter": {
      const onf = m.experimenter === ONF_EXPERIMENTER && m.version >= 4 && ONF_MESSAGES[m.expType] ? onfText(m.expType, m.data) : undefined;
      if (onf !== undefined) return head + onf;
      // a known ONF message of the wrong length is OFPBRC_BAD_LEN, an unknown experimenter OFPBRC_BAD_VENDOR
      const bad = m.experimenter === ONF_EXPERIMENTER && m.version >= 4 && ONF_MESSAGES[m.expType] ? "OFPBRC_BAD_LEN" : "OFPBRC_BAD_VENDOR";
      return `***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
    }
    case "unknown":
      return `***decode error: OFPBRC_BAD_TYPE***\n${hexDump(encodeMessage(m))}`;
    default:
      // the OpenFlow 1.0 / Nicira-only messages were printed by formatOf10Message above
      return formatVersioned(m as Exclude<typeof m, Of10Message>, head, hexDump);
  }
}
