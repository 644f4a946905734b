/**
 * `ovs-ofctl ofp-print` rendering of the multipart bodies the codec keeps raw, by OpenFlow version:
 * queue statistics and descriptions / queue configurations, group features, flow monitor requests
 * and updates (OpenFlow 1.4, and the ONF extension of 1.3), table descriptions (1.4+).
 *
 * @module
 */
import { tableStats11Text } from "./table-stats11.js";
import { DecodeError } from "../../bytes/decode-error.js";
import { Reader } from "../../bytes/reader.js";
import { OfpVersion } from "../constants.js";
import { port32to16 } from "../ports.js";
import { ACTION_BITS10 } from "../v10/actions.js";
import type { Instruction } from "../actions.js";
import { readVersionedInstructions } from "../action-versions.js";
import { type MatchField, decodeMatch } from "../oxm.js";
import { type NameMaps, formatInstructions, formatMatch, formatPort } from "../flowtext.js";

function queueName(q: number): string {
  return q === 0xffffffff ? "ALL" : String(q);
}

function rate(name: string, r: number | undefined): string {
  if (r === undefined || r === 0xffff) return "";
  return r <= 1000 ? ` ${name}:${Math.floor(r / 10)}.${r % 10}%` : ` ${name}:(disabled)`;
}

/** Queue configurations grouped by port, as Open vSwitch's ofputil_queue_get_config_reply_format() prints them. */
export function formatQueueConfigs(queues: readonly { portNo: number; queueId: number; minRate?: number | undefined; maxRate?: number | undefined }[]): string {
  const sorted = [...queues].sort((a, b) => port32to16(a.portNo) - port32to16(b.portNo) || a.queueId - b.queueId);
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

/** Open vSwitch's action names for an OpenFlow 1.0–1.5 action-type bitmap (`ofpact_bitmap_format`), in its order. */
function actionBitmap(bits: number, version: number): string {
  const order: ReadonlyArray<readonly [number, string]> =
    version === OfpVersion.OF10
      ? ACTION_BITS10
      : version === OfpVersion.OF11
      ? [
          [0, "output"],
          [22, "group"],
          [1, "set_vlan_vid"],
          [2, "set_vlan_pcp"],
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
 * An `ofp12_group_features_stats` body (OFPST_GROUP_FEATURES, and NXST_GROUP_FEATURES over OpenFlow 1.0/1.1)
 * as ofputil_group_features_format() prints it, the action bitmaps in `version`'s action codes; undefined
 * unless the body is 40 bytes.
 */
export function groupFeaturesText(version: number, data: Uint8Array): string | undefined {
  if (data.length !== 40) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const types = v.getUint32(0);
  let s = `\n Group table:\n    Types:  0x${types.toString(16)}\n    Capabilities:  0x${v.getUint32(4).toString(16)}`;
  ["all", "select", "indirect", "fast failover"].forEach((name, i) => {
    if (!(types & (1 << i))) return;
    const max = v.getUint32(8 + 4 * i);
    s += `\n    ${name} group:\n       max_groups=${max ? `0x${max.toString(16)}` : "0"}\n       actions: ${actionBitmap(v.getUint32(24 + 4 * i), version) || "<none>"}`;
  });
  return s;
}

/**
 * A multipart body the codec keeps raw (queue statistics and descriptions, group features), printed as
 * Open vSwitch prints it for `version`; undefined when it has no such printer.
 */
export function rawMultipartText(version: number, request: boolean, mpType: number, data: Uint8Array, names?: NameMaps): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (mpType === 0xffff && version === OfpVersion.OF13 && experimenterMultipartName(data)) {
    return request ? flowMonitorRequests(data.subarray(8), true) : flowUpdates(data.subarray(8), version, true, names);
  }
  if (request) {
    if ((mpType === 5 || mpType === 15) && data.length === 8) return ` port=${formatPort(v.getUint32(0))} queue=${queueName(v.getUint32(4))}`;
    if (mpType === 16 && version >= OfpVersion.OF14) return flowMonitorRequests(data);
    return undefined;
  }
  if (mpType === 3 && (version === OfpVersion.OF11 || version === OfpVersion.OF12)) return tableStats11Text(version, data);
  if (mpType === 16 && version >= OfpVersion.OF14) return flowUpdates(data, version, false, names);
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
    case 8:
      return groupFeaturesText(version, data);
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
    const r = new Reader(data, "openflow");
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
export function tableDescs(data: Uint8Array): string | undefined {
  try {
    const r = new Reader(data, "openflow");
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
function fullUpdate(event: number, tableId: number, reason: number, idle: number, hard: number, cookie: bigint, match: readonly MatchField[], insts: readonly Instruction[], names?: NameMaps): string {
  let s = `\n event=${["INITIAL", "ADDED", `DELETED reason=${REMOVED_REASONS[reason] ?? reason}`, "MODIFIED"][event]}`;
  s += ` table=${names ? names.table(tableId) : tableId}`;
  if (idle) s += ` idle_timeout=${idle}`;
  if (hard) s += ` hard_timeout=${hard}`;
  s += ` cookie=${cookie ? `0x${cookie.toString(16)}` : "0"} ${formatMatch(match, 0x8000, names?.port)}`;
  if (insts.length) s += `${s.endsWith(" ") ? "" : " "}actions=${formatInstructions(insts, names)}`;
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

/**
 * OpenFlow 1.4 flow updates (`ofp_flow_update_*`) as ofputil_flow_update_format() prints them, their actions
 * those of `version` (an action the version does not have: undefined, as any other undecodable update).
 */
function flowUpdates(data: Uint8Array, version: number, onf = false, names?: NameMaps): string | undefined {
  try {
    const r = new Reader(data, "openflow");
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
        const insts = readVersionedInstructions(e, version);
        s += fullUpdate(event, tableId, reason, idle, hard, cookie, match, insts, names);
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
      const insts = readVersionedInstructions(e, version);
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
