/**
 * Nicira vendor statistics Open vSwitch speaks where the standard has none (ovs-ofctl uses them over
 * OpenFlow 1.0, the IPFIX ones in every version): NXST_GROUP, NXST_GROUP_DESC, NXST_GROUP_FEATURES,
 * NXST_IPFIX_BRIDGE, NXST_IPFIX_FLOW, NXST_FLOW_MONITOR. The codec keeps their bodies raw (a vendor /
 * experimenter multipart body: vendor ID, subtype, then the body); this file builds the requests and prints
 * requests and replies as ovs-ofctl does.
 *
 * Layouts (Open vSwitch `nicira-ext.h`, `ofp-msgs.h`): over OpenFlow 1.0 the subtype is followed by 4 bytes
 * of padding, over 1.1+ it is not; group stats are OpenFlow 1.3 `ofp_group_stats`, group descriptions
 * OpenFlow 1.5 `ofp_group_desc`.
 *
 * @module
 */
import { nxFlowMonitorText } from "../text/flow-monitor.js";
import { Reader } from "../../bytes/reader.js";
import { OfpVersion } from "../constants.js";
import type { Bucket, MultipartReplyBody, MultipartRequestBody } from "../messages.js";
import { decodeOf10ActionList } from "./actions.js";
import { readBuckets15, readGroupProps } from "../versions/decode.js";
import { groupFeaturesText } from "../versions/bodies.js";
import { formatGroup } from "../versions/print.js";
import { formatDuration } from "../print-common.js";
import { readGroupStats } from "../stats-readers.js";
import type { NameMaps } from "../text/ports.js";

/** The Nicira vendor ID. */
const NX_VENDOR = 0x00002320;
/** The multipart type of vendor / experimenter statistics. */
const VENDOR_STATS = 0xffff;

/** NXST_* subtypes (Open vSwitch `ofp-msgs.h`). */
export const NxStats = {
  /** NXST_FLOW_MONITOR. */
  FLOW_MONITOR: 2,
  /** NXST_IPFIX_BRIDGE. */
  IPFIX_BRIDGE: 3,
  /** NXST_IPFIX_FLOW. */
  IPFIX_FLOW: 4,
  /** NXST_GROUP (OpenFlow 1.0 only). */
  GROUP: 7,
  /** NXST_GROUP_DESC (OpenFlow 1.0 only). */
  GROUP_DESC: 8,
  /** NXST_GROUP_FEATURES (OpenFlow 1.0 and 1.1). */
  GROUP_FEATURES: 9,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  [NxStats.FLOW_MONITOR]: "NXST_FLOW_MONITOR",
  [NxStats.IPFIX_BRIDGE]: "NXST_IPFIX_BRIDGE",
  [NxStats.IPFIX_FLOW]: "NXST_IPFIX_FLOW",
  [NxStats.GROUP]: "NXST_GROUP",
  [NxStats.GROUP_DESC]: "NXST_GROUP_DESC",
  [NxStats.GROUP_FEATURES]: "NXST_GROUP_FEATURES",
};

/** Bytes between the subtype and the body: 4 bytes of padding over OpenFlow 1.0, none later. */
const pad = (version: number) => (version === OfpVersion.OF10 ? 4 : 0);

/**
 * A Nicira statistics request body of `subtype` with `body` after the header (as a raw multipart body the
 * codec sends as it is).
 */
export function nxStatsRequest(version: number, subtype: number, body: Uint8Array = new Uint8Array(0)): MultipartRequestBody {
  const data = new Uint8Array(8 + pad(version) + body.length);
  const v = new DataView(data.buffer);
  v.setUint32(0, NX_VENDOR);
  v.setUint32(4, subtype);
  data.set(body, 8 + pad(version));
  return { kind: "raw", mpType: VENDOR_STATS, data };
}

/** The body of an NXST_GROUP or NXST_GROUP_DESC request: the group (`ofp15_group_desc_request`, 8 bytes). */
export function nxGroupRequestBody(groupId: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, groupId);
  return b;
}

/** Subtype and body of a Nicira statistics body, or undefined for another vendor's. */
function split(version: number, b: MultipartRequestBody | MultipartReplyBody): { subtype: number; body: Uint8Array } | undefined {
  if (b.kind !== "raw" || b.mpType !== VENDOR_STATS || b.data.length < 8 + pad(version)) return undefined;
  const v = new DataView(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  if (v.getUint32(0) !== NX_VENDOR) return undefined;
  return { subtype: v.getUint32(4), body: b.data.subarray(8 + pad(version)) };
}

/** ovs-ofctl's name of a Nicira statistics body (`NXST_GROUP_DESC`), or undefined. */
export function nxStatsName(version: number, b: MultipartRequestBody | MultipartReplyBody): string | undefined {
  const s = split(version, b);
  return s ? NAMES[s.subtype] : undefined;
}

/**
 * OpenFlow 1.5 `ofp_bucket`s carrying OpenFlow 1.0 actions, as NXST_GROUP_DESC over OpenFlow 1.0 does:
 * length, action array length, bucket id, actions, then weight / watch_port / watch_group properties. A
 * select group's bucket without a weight property weighs 1 (ofputil_pull_ofp15_buckets()).
 */
function readBuckets10(r: Reader, groupType: number): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const len = r.u16();
    if (len < 8 || len % 8 || len > r.remaining + 2) r.fail(`bucket length ${len}`, start);
    const actionsLen = r.u16();
    const bucketId = r.u32();
    if (actionsLen > len - 8) r.fail(`bucket action array length ${actionsLen}`, start + 2);
    const actions = decodeOf10ActionList(r.take(actionsLen, "bucket actions"));
    let weight = groupType === 1 ? 1 : 0;
    let watchPort = 0xffffffff;
    let watchGroup = 0xffffffff;
    while (r.pos < start + len) {
      const at = r.pos;
      const type = r.u16();
      const plen = r.u16();
      if (plen < 4 || at + plen > start + len) r.fail(`bucket property length ${plen}`, at + 2);
      if (type === 0 && plen >= 6) weight = r.u16();
      else if ((type === 1 || type === 2) && plen >= 8) (type === 1 ? (watchPort = r.u32()) : (watchGroup = r.u32()));
      r.pos = at + ((plen + 7) & ~7);
    }
    r.pos = start + len;
    out.push({ weight, watchPort, watchGroup, actions, bucketId });
  }
  return out;
}

const u64Text = (v: bigint) => (v === 0xffffffffffffffffn ? "?" : String(v));

/** One `nx_ipfix_stats_reply` as ofputil_format_ipfix_stats() prints it, after its leader. */
function ipfixText(r: Reader, indent: number): string {
  const [flows, current, pkts, v4, v6, errs, v4errs, v6errs, tx, txErrs] = Array.from({ length: 10 }, () => u64Text(r.u64()));
  return `flows=${flows}, current flows=${current}, sampled pkts=${pkts}, ipv4 ok=${v4}, ipv6 ok=${v6}, tx pkts=${tx}\n${" ".repeat(indent)}pkts errs=${errs}, ipv4 errs=${v4errs}, ipv6 errs=${v6errs}, tx errs=${txErrs}\n`;
}

/**
 * The text after the header line of a Nicira statistics request or reply, as ovs-ofctl prints it; undefined
 * when `b` is not one this file knows (the caller prints the header alone). A body of the wrong length
 * throws the codec's `DecodeError`. `names` prints a group's ports by name (`--names`).
 */
export function nxStatsText(version: number, request: boolean, b: MultipartRequestBody | MultipartReplyBody, names?: NameMaps): string | undefined {
  const s = split(version, b);
  if (!s || NAMES[s.subtype] === undefined) return undefined;
  const r = new Reader(s.body, "openflow");
  const group = (id: number) => (id === 0xfffffffc ? "ALL" : id === 0xffffffff ? "ANY" : String(id));
  if (request) {
    if ((s.subtype === NxStats.GROUP_DESC || s.subtype === NxStats.GROUP) && s.body.length >= 4) return ` group_id=${group(r.u32())}`;
    if (s.subtype === NxStats.FLOW_MONITOR) return nxFlowMonitorText(true, s.body);
    return "";
  }
  switch (s.subtype) {
    case NxStats.FLOW_MONITOR:
      return nxFlowMonitorText(false, s.body, names);
    case NxStats.IPFIX_BRIDGE: {
      // exactly one nx_ipfix_stats_reply (Open vSwitch checks the message length against it)
      if (s.body.length !== 88) r.fail("OFPBRC_BAD_LEN", 0);
      let t = "";
      while (r.remaining > 0) {
        r.need(88, "nx_ipfix_stats_reply");
        t += `\n  bridge ipfix: ${ipfixText(r, 16)}`;
        r.skip(8);
      }
      return t.replace(/\n$/, "");
    }
    case NxStats.IPFIX_FLOW: {
      if (s.body.length % 88) r.fail("OFPBRC_BAD_LEN", 0);
      let t = ` ${s.body.length / 88} ids\n`;
      while (r.remaining > 0) {
        const at = r.pos;
        r.pos = at + 80;
        const id = r.u32();
        r.pos = at;
        t += `  id ${String(id).padStart(3)}: ${ipfixText(r, 10)}`;
        r.skip(8);
      }
      return t.replace(/\n$/, "");
    }
    case NxStats.GROUP: {
      let t = "";
      // OpenFlow 1.3 `ofp_group_stats` entries
      for (const g of readGroupStats(r, OfpVersion.OF13)) {
        t += `\n group_id=${g.groupId}${g.durationSec === 0xffffffff ? "" : `,duration=${formatDuration(g.durationSec, g.durationNsec)}`},ref_count=${g.refCount},packet_count=${g.packetCount},byte_count=${g.byteCount}`;
        g.buckets.forEach((b, i) => (t += `,bucket${i}:packet_count=${b.packetCount},byte_count=${b.byteCount}`));
      }
      return t;
    }
    case NxStats.GROUP_DESC: {
      let t = "";
      while (r.remaining > 0) {
        const start = r.pos;
        const len = r.u16();
        if (len < 16) r.fail(`group desc length ${len}`, start);
        const groupType = r.u8();
        r.skip(1);
        const groupId = r.u32();
        const bucketsLen = r.u16();
        r.skip(6);
        const buckets = version === OfpVersion.OF10 ? readBuckets10(r.sub(bucketsLen, "buckets"), groupType) : readBuckets15(r.sub(bucketsLen, "buckets"));
        const props = readGroupProps(r.sub(start + len - r.pos, "group properties"));
        t += `\n ${formatGroup(OfpVersion.OF15, groupId, groupType, buckets, props, false, names)}`;
      }
      return t;
    }
    case NxStats.GROUP_FEATURES:
      // one ofp12_group_features_stats, its action bitmaps in this version's action codes
      return groupFeaturesText(version, s.body) ?? r.fail("OFPBRC_BAD_LEN", 0);
  }
  return "";
}

