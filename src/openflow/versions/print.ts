/**
 * `ovs-ofctl ofp-print` rendering of what differs by OpenFlow version (1.1, 1.2, 1.4, 1.5): the
 * version-only messages of {@link VersionedMessage}, feature capability names, OpenFlow 1.5 groups
 * with bucket ids and selection methods, table-mod configuration, and multipart bodies kept raw by
 * the codec (queue statistics and configuration, group features).
 *
 * @module
 */
import { OfpVersion } from "../constants.js";
import { DecodeError, Reader } from "../bytes.js";
import { type Instruction, decodeInstructions } from "../actions.js";
import { type MatchField, decodeMatch, fieldByHeader } from "../oxm.js";
import { formatActions, formatInstructions, formatMatch, formatPort, formatValue, setFieldName } from "../flowtext.js";
import { type Bucket, type GroupProps, type MeterBand, type OfMessage, type PortStats, decodeMessage, encodeMessage } from "../messages.js";
import type { VersionedMessage } from "./types.js";

const flagNames = (v: number, names: ReadonlyArray<readonly [number, string]>): string[] => names.filter(([b]) => v & b).map(([, n]) => n);

/** `ofp_capabilities` names as Open vSwitch prints them for `version`. */
export function capabilityNames(version: number, caps: number): string {
  const names: [number, string][] = [
    [0x1, "FLOW_STATS"],
    [0x2, "TABLE_STATS"],
    [0x4, "PORT_STATS"],
  ];
  if (version >= OfpVersion.OF11) names.push([0x8, "GROUP_STATS"]);
  if (version === OfpVersion.OF10) names.push([0x8, "STP"]);
  names.push([0x20, "IP_REASM"], [0x40, "QUEUE_STATS"]);
  if (version <= OfpVersion.OF11) names.push([0x80, "ARP_MATCH_IP"]);
  if (version >= OfpVersion.OF12) names.push([0x100, "PORT_BLOCKED"]);
  if (version >= OfpVersion.OF14) names.push([0x200, "BUNDLES"], [0x400, "FLOW_MONITORING"]);
  return flagNames(caps, names).join(" ");
}

/** The text after ` table_id=N` of a table_mod, as Open vSwitch prints it for `version`. */
export function tableModText(version: number, tableId: number, config: number): string {
  let s = tableId === 0xff ? " table_id: ALL_TABLES" : ` table_id=${tableId}`;
  if (version === OfpVersion.OF11 || version === OfpVersion.OF12) s += `, flow_miss_config=${["controller", "continue", "drop", "controller"][config & 3]}`;
  if (version >= OfpVersion.OF14) s += `, eviction=${config & 4 ? "on" : "off"}, vacancy=${config & 8 ? "on" : "off"}`;
  return s;
}

/** Open vSwitch's field order (`enum mf_field_id`) for the fields a selection method can hash. */
const FIELD_ORDER = [
  "in_port", "dl_src", "dl_dst", "dl_type", "vlan_tci", "vlan_vid", "vlan_pcp", "mpls_label", "mpls_tc", "mpls_bos",
  "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "ipv6_label", "nw_proto", "ip_dscp", "nw_ecn", "arp_op", "arp_spa", "arp_tpa",
  "arp_sha", "arp_tha", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code",
  "icmpv6_type", "icmpv6_code", "nd_target", "nd_sll", "nd_tll",
];

function fieldRank(name: string): number {
  const i = FIELD_ORDER.indexOf(name);
  return i < 0 ? FIELD_ORDER.length : i;
}

const GROUP_TYPE_NAMES = ["all", "select", "indirect", "ff", "unknown"];

function bucketId(prefix: string, id: number, version: number): string {
  if (version < OfpVersion.OF15) return "";
  const name = id === 0xfffffffd ? "first" : id === 0xfffffffe ? "last" : id === 0xffffffff ? "all" : String(id);
  return `${prefix}${name},`;
}

/** One group as Open vSwitch's ofp_print_group() prints it (bucket ids and selection method from OpenFlow 1.5). */
export function formatGroup(version: number, groupId: number, groupType: number, buckets: readonly Bucket[], props: GroupProps, suppressType = false): string {
  let s = `group_id=${groupId}`;
  if (!suppressType) s += `,type=${GROUP_TYPE_NAMES[Math.min(groupType, 4)]}`;
  if (props.selectionMethod) {
    s += `,selection_method=${props.selectionMethod}`;
    if (props.selectionMethodParam) s += `,selection_method_param=${props.selectionMethodParam}`;
    // hash fields carry their masks as values; printed in Open vSwitch's field order, all-ones masks bare
    const fields = [...(props.fields ?? [])]
      .sort((a, b) => fieldRank(a.field) - fieldRank(b.field))
      .map((f) => {
        const def = fieldByHeader(f.header, f.experimenter);
        const name = def ? setFieldName(def) : f.field;
        const mask = f.mask ?? f.value;
        if (mask.every((x) => x === 0xff) || !def) return name;
        let v = 0n;
        for (const x of mask) v = (v << 8n) | BigInt(x);
        return `${name}=${formatValue(def, v, mask.length)}`;
      });
    if (fields.length === 1) s += `,fields=${fields[0]}`;
    else if (fields.length > 1) s += `,fields(${fields.join(",")})`;
  }
  s += ",";
  for (const b of buckets) {
    s += "bucket=" + bucketId("bucket_id:", b.bucketId ?? 0, version);
    if (b.weight !== (groupType === 1 ? 1 : 0)) s += `weight:${b.weight},`;
    if (b.watchPort !== 0xffffffff) s += `watch_port:${formatPort(b.watchPort)},`;
    if (b.watchGroup !== 0xffffffff) s += `watch_group:${b.watchGroup},`;
    s += `actions=${b.actions.length ? formatActions(b.actions) : "drop"},`;
  }
  return s.replace(/,$/, "");
}

const GROUP_COMMANDS: Record<number, string> = { 0: "ADD", 1: "MOD", 2: "DEL", 3: "INSERT_BUCKET", 4: "REMOVE_BUCKET", 0x8000: "ADD_OR_MOD" };

/** The body of a group_mod as Open vSwitch prints it (a line break, then the command and the group). */
export function formatGroupMod(m: Extract<OfMessage, { type: "group_mod" }>): string {
  const bucketCommand = m.command === 3 || m.command === 4;
  let s = `\n ${GROUP_COMMANDS[m.command] ?? `cmd:${m.command}`} `;
  if (bucketCommand) s += bucketId("command_bucket_id:", m.commandBucketId ?? 0, m.version);
  return s + formatGroup(m.version, m.groupId, m.groupType, m.buckets, m, bucketCommand);
}

/** A meter configuration as Open vSwitch's ofputil_format_meter_config() prints it (without the final line break). */
export function formatMeterConfig(meterId: number, flags: number, bands: readonly MeterBand[]): string {
  const id = meterId === 0xffff0000 ? "slowpath" : meterId === 0xffff0001 ? "controller" : meterId === 0xffffffff ? "all" : String(meterId);
  let s = `meter=${id} `;
  for (const [bit, name] of [
    [1, "kbps"],
    [2, "pktps"],
    [4, "burst"],
    [8, "stats"],
  ] as const)
    if (flags & bit) s += `${name} `;
  if (flags & ~0xf) s += `flags:0x${(flags & ~0xf).toString(16)} `;
  s += "bands=";
  for (const b of bands) {
    s += `\ntype=${b.bandType === 1 ? "drop" : b.bandType === 2 ? "dscp_remark" : b.bandType} rate=${b.rate}`;
    if (flags & 4) s += ` burst_size=${b.burstSize}`;
    if (b.bandType === 2) s += ` prec_level=${b.precLevel ?? 0}`;
  }
  return s;
}

const ROLES = ["nochange", "equal", "primary", "secondary"];
const ROLE_STATUS_REASONS = ["primary_request", "configuration_changed", "experimenter_data_changed"];

/** Role status text (OpenFlow 1.4 OFPT_ROLE_STATUS and the ONF extension of 1.3). */
export function roleStatusText(role: number, reason: number, generationId: bigint): string {
  const r = ROLE_STATUS_REASONS[reason] ?? `unknown_reason(${reason})`;
  return ` role=${ROLES[role] ?? role}${generationId === 0xffffffffffffffffn ? "" : ` generation_id=${generationId}`} reason=${r}`;
}

function queueName(q: number): string {
  return q === 0xffffffff ? "ALL" : String(q);
}

function rate(name: string, r: number | undefined): string {
  if (r === undefined || r === 0xffff) return "";
  return r <= 1000 ? ` ${name}:${Math.floor(r / 10)}.${r % 10}%` : ` ${name}:(disabled)`;
}

/** Queue configurations grouped by port, as Open vSwitch's ofputil_queue_get_config_reply_format() prints them. */
export function formatQueueConfigs(queues: readonly { portNo: number; queueId: number; minRate?: number | undefined; maxRate?: number | undefined }[]): string {
  const port16 = (p: number) => (p >= 0xffffff00 ? p - 0xffff0000 : p);
  const sorted = [...queues].sort((a, b) => port16(a.portNo) - port16(b.portNo) || a.queueId - b.queueId);
  let s = " ";
  let port = 0;
  for (const q of sorted) {
    if (q.portNo !== port) {
      port = q.portNo;
      s += `port=${formatPort(port)}\n`;
    }
    s += `queue ${q.queueId}:${rate("min_rate", q.minRate)}${rate("max_rate", q.maxRate)}\n`;
  }
  return s.replace(/\n$/, "");
}

/** Open vSwitch's action names for an OpenFlow 1.1–1.5 action-type bitmap (`ofpact_bitmap_format`), in its order. */
function actionBitmap(bits: number, version: number): string {
  const order: [number, string][] =
    version === OfpVersion.OF11
      ? [
          [0, "output"],
          [22, "group"],
          [1, "mod_vlan_vid"],
          [2, "mod_vlan_pcp"],
          [18, "strip_vlan"],
          [17, "push_vlan"],
          [3, "mod_dl_src"],
          [4, "mod_dl_dst"],
          [5, "mod_nw_src"],
          [6, "mod_nw_dst"],
          [7, "mod_nw_tos"],
          [8, "mod_nw_ecn"],
          [23, "mod_nw_ttl"],
          [9, "mod_tp_src"],
          [10, "mod_tp_dst"],
          [24, "dec_ttl"],
          [13, "set_mpls_label"],
          [14, "set_mpls_tc"],
          [15, "set_mpls_ttl"],
          [16, "dec_mpls_ttl"],
          [19, "push_mpls"],
          [20, "pop_mpls"],
          [21, "set_queue"],
        ]
      : [
          [0, "output"],
          [22, "group"],
          [25, "set_field"],
          [18, "strip_vlan"],
          [17, "push_vlan"],
          [23, "mod_nw_ttl"],
          [24, "dec_ttl"],
          [15, "set_mpls_ttl"],
          [16, "dec_mpls_ttl"],
          [19, "push_mpls"],
          [20, "pop_mpls"],
          [21, "set_queue"],
          [26, "push_pbb"],
          [27, "pop_pbb"],
        ];
  return order
    .filter(([b]) => bits & (1 << b))
    .map(([, n]) => n)
    .join(" ");
}

/**
 * A multipart body the codec keeps raw (queue statistics and descriptions, group features), printed as
 * Open vSwitch prints it for `version`; undefined when it has no such printer.
 */
export function rawMultipartText(version: number, request: boolean, mpType: number, data: Uint8Array): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (mpType === 0xffff && version === OfpVersion.OF13 && experimenterMultipartName(data)) {
    return request ? flowMonitorRequests(data.subarray(8), true) : flowUpdates(data.subarray(8), true);
  }
  if (request) {
    if ((mpType === 5 || mpType === 15) && data.length === 8) return ` port=${formatPort(v.getUint32(0))} queue=${queueName(v.getUint32(4))}`;
    if (mpType === 16 && version >= OfpVersion.OF14) return flowMonitorRequests(data);
    return undefined;
  }
  if (mpType === 16 && version >= OfpVersion.OF14) return flowUpdates(data);
  if (mpType === 14 && version >= OfpVersion.OF14) return tableDescs(data);
  switch (mpType) {
    case 5: {
      // ofp11_queue_stats (32 bytes), ofp13 (40, with duration), ofp14 (48, length-prefixed)
      const size = version <= OfpVersion.OF12 ? 32 : version === OfpVersion.OF13 ? 40 : 48;
      if (data.length % size) return undefined;
      const lines: string[] = [];
      for (let o = 0; o < data.length; o += size) {
        const b = version >= OfpVersion.OF14 ? o + 8 : o;
        const stat = (x: bigint) => (x === 0xffffffffffffffffn ? "?" : String(x));
        const dsec = size > 32 ? v.getUint32(b + 32) : 0xffffffff;
        const dur = dsec === 0xffffffff ? "?" : durationText(dsec, v.getUint32(b + 36));
        lines.push(`  port ${formatPort(v.getUint32(b))} queue ${queueName(v.getUint32(b + 4))}: bytes=${stat(v.getBigUint64(b + 8))}, pkts=${stat(v.getBigUint64(b + 16))}, errors=${stat(v.getBigUint64(b + 24))}, duration=${dur}`);
      }
      return ` ${lines.length} queues${lines.length ? "\n" + lines.join("\n") : ""}`;
    }
    case 8: {
      if (data.length !== 40) return undefined;
      const types = v.getUint32(0);
      let s = `\n Group table:\n    Types:  0x${types.toString(16)}\n    Capabilities:  0x${v.getUint32(4).toString(16)}`;
      ["all", "select", "indirect", "fast failover"].forEach((name, i) => {
        if (!(types & (1 << i))) return;
        const max = v.getUint32(8 + 4 * i);
        s += `\n    ${name} group:\n       max_groups=${max ? `0x${max.toString(16)}` : "0"}\n       actions: ${actionBitmap(v.getUint32(24 + 4 * i), version)}`;
      });
      return s;
    }
    case 15: {
      // ofp14_queue_desc: port, queue, length, pad, min/max rate properties
      const queues: { portNo: number; queueId: number; minRate?: number; maxRate?: number }[] = [];
      for (let o = 0; o + 16 <= data.length; ) {
        const len = v.getUint16(o + 8);
        if (len < 16 || o + len > data.length) return undefined;
        const q: { portNo: number; queueId: number; minRate?: number; maxRate?: number } = { portNo: v.getUint32(o), queueId: v.getUint32(o + 4) };
        for (let p = o + 16; p + 4 <= o + len; ) {
          const t = v.getUint16(p);
          const pl = v.getUint16(p + 2);
          if (pl < 4) return undefined;
          if (t === 1) q.minRate = v.getUint16(p + 4);
          if (t === 2) q.maxRate = v.getUint16(p + 4);
          p += (pl + 7) & ~7;
        }
        queues.push(q);
        o += len;
      }
      return formatQueueConfigs(queues);
    }
  }
  return undefined;
}

const MONITOR_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [1, "initial"],
  [2, "add"],
  [4, "delete"],
  [8, "modify"],
  [16, "actions"],
  [32, "no-abbrev"],
  [64, "own"],
];

/** OpenFlow 1.4 flow monitor requests (`ofp14_flow_monitor_request` + match) as ofputil_flow_monitor_request_format() prints them. */
function flowMonitorRequests(data: Uint8Array, onf = false): string | undefined {
  try {
    const r = new Reader(data);
    let s = "";
    while (r.remaining > 0) {
      let id: number, outPort: number, outGroup: number, flags: number, tableId: number, command: number;
      if (onf) {
        // onf_flow_monitor_request: id, flags (NXFMF_*), match_len, out_port, table_id, zeros[3]
        id = r.u32();
        const nx = r.u16();
        r.skip(2);
        outPort = r.u32();
        tableId = r.u8();
        r.skip(3);
        outGroup = 0xffffffff;
        command = 0;
        // NXFMF_OWN (32) is OFPFMF_ONLY_OWN (64); the others keep their bits
        flags = (nx & 0x1f) | (nx & 32 ? 64 : 0);
      } else {
        id = r.u32();
        outPort = r.u32();
        outGroup = r.u32();
        flags = r.u16();
        tableId = r.u8();
        command = r.u8();
      }
      const match = decodeMatch(r);
      if (command === 2) {
        s += `\n id=${id} command=delete`;
        continue;
      }
      if (command > 2) return undefined;
      s += `\n id=${id} flags=${bitNames(flags, MONITOR_FLAGS, ",")}`;
      if (outPort !== 0xffffffff) s += ` out_port=${formatPort(outPort)}`;
      if (outGroup && outGroup !== 0xffffffff) s += ` out_group=${outGroup | 0}`;
      if (tableId !== 0xff) s += ` table=${tableId}`;
      s += ` ${formatMatch(match, 0x8000)}`.replace(/ $/, "");
    }
    return s;
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

/** Open vSwitch's ofp_print_bit_names(): the names of the set bits, unknown ones as one hex number, "0" for none. */
function bitNames(bits: number, names: ReadonlyArray<readonly [number, string]>, sep: string): string {
  if (!bits) return "0";
  const out = names.filter(([b]) => bits & b).map(([, n]) => n);
  const rest = bits & ~names.reduce((a, [b]) => a | b, 0);
  if (rest) out.push(`0x${(rest >>> 0).toString(16)}`);
  return out.join(sep);
}

const EVICTION_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [1, "OTHER"],
  [2, "IMPORTANCE"],
  [4, "LIFETIME"],
];

/** OpenFlow 1.4 table descriptions (`ofp14_table_desc` + eviction/vacancy properties) as ofputil_table_desc_format() prints them. */
function tableDescs(data: Uint8Array): string | undefined {
  try {
    const r = new Reader(data);
    let s = "";
    while (r.remaining > 0) {
      const start = r.pos;
      const length = r.u16();
      const tableId = r.u8();
      r.skip(1);
      const config = r.u32();
      if (length < 8) return undefined;
      r.pos = start;
      const e = r.sub(length, "table desc");
      e.skip(8);
      let evictionFlags: number | undefined;
      let vacancy: [number, number, number] | undefined;
      for (const { type, body } of e.properties("table desc property")) {
        if (type === 2) evictionFlags = body.u32();
        else if (type === 3) vacancy = [body.u8(), body.u8(), body.u8()];
        else return undefined;
      }
      s += `\n  table ${tableId}:\n   eviction=${config & 4 ? "on" : "off"} eviction_flags=${evictionFlags === undefined ? "(default)" : bitNames(evictionFlags, EVICTION_FLAGS, "|")}`;
      s += `\n   vacancy=${config & 8 ? "on" : "off"}`;
      const [down, up, now] = vacancy ?? [0, 0, 0];
      if (config & 8) s += ` vacancy_down=${down}% vacancy_up=${up}% vacancy=${now}%`;
      s += "\n";
    }
    return s.replace(/\n$/, "");
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

const REMOVED_REASONS = ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"];

/** One full flow update (OFPFME_INITIAL/ADDED/REMOVED/MODIFIED) as ofputil_flow_update_format() prints it. */
function fullUpdate(event: number, tableId: number, reason: number, idle: number, hard: number, cookie: bigint, match: readonly MatchField[], insts: readonly Instruction[]): string {
  let s = `\n event=${["INITIAL", "ADDED", `DELETED reason=${REMOVED_REASONS[reason] ?? reason}`, "MODIFIED"][event]}`;
  s += ` table=${tableId}`;
  if (idle) s += ` idle_timeout=${idle}`;
  if (hard) s += ` hard_timeout=${hard}`;
  s += ` cookie=${cookie ? `0x${cookie.toString(16)}` : "0"} ${formatMatch(match, 0x8000)}`;
  if (insts.length) s += `${s.endsWith(" ") ? "" : " "}actions=${formatInstructions(insts)}`;
  return s;
}

/** ONF experimenter multipart type of OpenFlow 1.3 flow monitoring (ONFMP_FLOW_MONITOR). */
const ONFMP_FLOW_MONITOR = 1870;
const ONF_EXPERIMENTER = 0x4f4e4600;

/** The name of an OpenFlow 1.3 experimenter multipart body Open vSwitch knows (ONF flow monitor), or undefined. */
export function experimenterMultipartName(data: Uint8Array): string | undefined {
  if (data.length < 8) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return v.getUint32(0) === ONF_EXPERIMENTER && v.getUint32(4) === ONFMP_FLOW_MONITOR ? "ONFST_FLOW_MONITOR" : undefined;
}

/** OpenFlow 1.4 flow updates (`ofp_flow_update_*`) as ofputil_flow_update_format() prints them. */
function flowUpdates(data: Uint8Array, onf = false): string | undefined {
  try {
    const r = new Reader(data);
    let s = "";
    while (r.remaining > 0) {
      const start = r.pos;
      const length = r.u16();
      // ONF/Nicira events: 0 added, 1 deleted, 2 modified, 3 abbrev (OpenFlow 1.4 numbers them from 1)
      const event = onf ? r.u16() + 1 : r.u16();
      if (length < 8 || length % 8) return undefined;
      r.pos = start;
      const e = r.sub(length, "flow update");
      e.skip(4);
      if (onf && event <= 3) {
        // nx_flow_update_full: reason, priority, idle, hard, match_len, table_id, pad, cookie
        const reason = e.u16();
        e.skip(2);
        const idle = e.u16();
        const hard = e.u16();
        e.skip(2);
        const tableId = e.u8();
        e.skip(1);
        const cookie = e.u64();
        const match = decodeMatch(e);
        const insts = decodeInstructions(e.sub(e.remaining));
        s += fullUpdate(event, tableId, reason, idle, hard, cookie, match, insts);
        continue;
      }
      if (event === 4) {
        s += `\n event=ABBREV xid=0x${e.u32().toString(16)}`;
        continue;
      }
      if (event === 5 || event === 6) {
        s += `\n event=${event === 5 ? "PAUSED" : "RESUMED"}`;
        continue;
      }
      if (event > 3) return undefined;
      const tableId = e.u8();
      const reason = e.u8();
      const idle = e.u16();
      const hard = e.u16();
      e.skip(6);
      const cookie = e.u64();
      const match = decodeMatch(e);
      const insts = decodeInstructions(e.sub(e.remaining));
      s += fullUpdate(event, tableId, reason, idle, hard, cookie, match, insts);
    }
    return s;
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

function durationText(sec: number, nsec: number): string {
  if (nsec <= 0) return `${sec}s`;
  if (nsec % 1e6 === 0) return `${sec}.${String(nsec / 1e6).padStart(3, "0")}s`;
  return `${sec}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}s`;
}

/**
 * Renders a version-only message after its header line `head` (`NAME (OFx.y) (xid=0x..):`).
 * @param format - renders a whole message (for the request carried in a request-forward)
 */
export function formatVersioned(m: VersionedMessage, head: string, hexDump: (b: Uint8Array) => string): string {
  switch (m.type) {
    case "role_status":
      return head + roleStatusText(m.role, m.reason, m.generationId);
    case "requestforward": {
      let inner: OfMessage | undefined;
      try {
        inner = decodeMessage(m.request);
      } catch {
        inner = undefined;
      }
      if (inner?.type === "group_mod") return `${head} reason=group_mod${formatGroupMod(inner)}`;
      if (inner?.type === "meter_mod") {
        const cmd = ["ADD", "MOD", "DEL"][inner.command] ?? `cmd:${inner.command}`;
        return `${head} reason=meter_mod ${cmd} ${formatMeterConfig(inner.meterId, inner.flags, inner.bands)}`;
      }
      return `${head} ***decode error: OFPBRC_BAD_TYPE***\n${hexDump(m.request)}`;
    }
    case "table_status": {
      const desc = tableDescs(m.table);
      if (desc === undefined) return `${head} ***decode error: OFPBPC_BAD_LEN***\n${hexDump(encodeMessage(m))}`;
      return `${head} reason=${m.reason === 3 ? "VACANCY_DOWN" : "VACANCY_UP"}\ntable_desc:-${desc}`;
    }
    case "queue_get_config_request":
      return `${head} port=${formatPort(m.portNo)}`;
    case "queue_get_config_reply":
      return (
        head +
        formatQueueConfigs(
          m.queues.map((q) => ({
            portNo: m.portNo,
            queueId: q.queueId,
            minRate: q.properties.find((p) => p.propType === 1)?.rate,
            maxRate: q.properties.find((p) => p.propType === 2)?.rate,
          })),
        )
      );
    case "rejected":
      return `${head} ***decode error: ${m.error}***\n${hexDump(m.raw)}`;
  }
}

/** The packet-out text before ` actions=`: OpenFlow 1.5 prints its pipeline match, earlier versions `in_port=`. */
export function packetOutInPort(m: Extract<OfMessage, { type: "packet_out" }>): string {
  return m.match ? formatMatch(m.match) : `in_port=${formatPort(m.inPort)}`;
}

const RFC2819_RX = ["1_to_64_packets", "65_to_127_packets", "128_to_255_packets", "256_to_511_packets", "512_to_1023_packets", "1024_to_1522_packets", "1523_to_max_packets"];

/**
 * The lines Open vSwitch adds after a port's counters in OpenFlow 1.4+ (ofputil_format_port_stats): the
 * RFC 2819 counters it reports (all-ones = not reported) and its custom counters, three to a row.
 */
export function portStatsExtra(p: PortStats): string {
  let s = "";
  const r = p.rfc2819;
  if (r) {
    const cond = (pairs: [string, bigint | undefined][]) =>
      pairs
        .filter(([, v]) => v !== undefined && v !== 0xffffffffffffffffn)
        .map(([n, v]) => `${n}=${v}, `)
        .join("");
    const rx = cond([
      ...RFC2819_RX.map((n, i) => [n, r[i]] as [string, bigint | undefined]),
      ["broadcast_packets", r[15]],
      ["undersized_errors", r[17]],
      ["oversize_errors", r[18]],
      ["rx_fragmented_errors", r[19]],
      ["rx_jabber_errors", r[20]],
    ]);
    if (rx) s += `\n           rx rfc2819 ${rx}`;
    const tx = cond([...RFC2819_RX.map((n, i) => [n, r[7 + i]] as [string, bigint | undefined]), ["multicast_packets", r[14]], ["broadcast_packets", r[16]]]);
    if (tx) s += `\n           tx rfc2819 ${tx}`;
  }
  if (p.custom?.length) {
    s += "\n           CUSTOM Statistics";
    p.custom.forEach((k, i) => {
      if (!k.name) return;
      s += i % 3 === 0 ? "\n                      " : " ";
      s += `${k.name}=${k.value},`;
    });
  }
  return s;
}

/** OFPT_* names by type code for OpenFlow 1.1+ (1.3 names; 26-29 from 1.3, 30-34 from 1.4). */
const OFPT_NAMES = [
  "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
  "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
  "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST",
  "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD",
  "ROLE_STATUS", "TABLE_STATUS", "REQUESTFORWARD", "BUNDLE_CONTROL", "BUNDLE_ADD_MESSAGE",
];
/** The last type code each version defines (OpenFlow 1.1: 23, 1.2: 25, 1.3: 29, 1.4/1.5: 34). */
const LAST_TYPE: Record<number, number> = { 2: 23, 3: 25, 4: 29, 5: 34, 6: 34 };

/**
 * The header line ovs-ofctl prints above `(***truncated ...***)` for a message cut short whose type its
 * header alone names (ofpraw_decode_partial): OpenFlow 1.1-1.5, not multipart or experimenter messages.
 */
export function truncatedHeaderLine(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const [version, type] = [bytes[0]!, bytes[1]!];
  const last = LAST_TYPE[version];
  if (last === undefined || type > last || type === 4 || type === 18 || type === 19) return undefined;
  const xid = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  return `OFPT_${OFPT_NAMES[type]} (OF1.${version - 1}) (xid=0x${xid.toString(16)}):`;
}

/** Error types OpenFlow 1.4 added (OpenFlow 1.4.1 §7.5.4), with their code names. */
const ERRORS14: Record<number, { prefix: string; codes: readonly string[] }> = {
  14: { prefix: "OFPBPC", codes: ["BAD_TYPE", "BAD_LEN", "BAD_VALUE", "TOO_MANY", "DUP_TYPE", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_EXP_VALUE", "EPERM"] },
  15: { prefix: "OFPACFC", codes: ["INVALID", "UNSUPPORTED", "EPERM"] },
  16: { prefix: "OFPMOFC", codes: ["UNKNOWN", "MONITOR_EXISTS", "INVALID_MONITOR", "UNKNOWN_MONITOR", "BAD_COMMAND", "BAD_FLAGS", "BAD_TABLE_ID", "BAD_OUT"] },
  17: {
    prefix: "OFPBFC",
    codes: ["UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED", "OUT_OF_BUNDLES", "BAD_TYPE", "BAD_FLAGS", "MSG_BAD_LEN", "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT", "MSG_TOO_MANY", "MSG_FAILED", "TIMEOUT", "BUNDLE_IN_PROGRESS"],
  },
};

/** The name of an error of a type OpenFlow 1.4 added (bad property, async config, flow monitor, bundle), in 1.4+; else undefined. */
export function errorName14(version: number, type: number, code: number): string | undefined {
  const t = version >= OfpVersion.OF14 ? ERRORS14[type] : undefined;
  const c = t?.codes[code];
  return t && c ? `${t.prefix}_${c}` : undefined;
}
