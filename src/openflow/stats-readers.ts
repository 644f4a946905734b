/**
 * The flow, port and group statistics entries of every OpenFlow version, each read by one function that
 * takes a description of the version's layout (OpenFlow 1.0.0 §5.3.5, 1.1.0/1.2/1.3.5 §7.3.5, 1.4.1 and
 * 1.5.1 §7.3.5, Open vSwitch `nicira-ext.h` `nx_flow_stats`): field order, field widths, which match and
 * action codec, OpenFlow 1.5 OXS counters. The multipart decoders of each version (OpenFlow 1.3 in
 * `multipart.ts`, 1.1/1.2/1.4/1.5 in `versions/decode.ts`, 1.0 and Nicira in `v10/`) all call these.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import type { Reader } from "../bytes/reader.js";
import type { Instruction } from "./action-types.js";
import { OfpVersion } from "./constants.js";
import type { FlowStats, GroupStats, PortStats } from "./message-types.js";
import type { MatchField } from "./oxm.js";
import { port16to32 } from "./ports.js";
import { readOxsStats } from "./versions/oxs.js";
import { readPortStats14 } from "./versions/port14.js";

/** How one OpenFlow version lays out a flow statistics entry. */
export interface FlowStatsLayout {
  /**
   * The wire version whose `ofp_flow_stats` layout this is: 1.0 (match before the counters), 1.1 (no
   * flags), 1.2/1.3 (flags), 1.4 (flags and importance), 1.5 (OXS counters after the match).
   */
  readonly version: number;
  /** Open vSwitch's `nx_flow_stats` (NXST_FLOW over OpenFlow 1.0: NXM match with its length, idle and hard ages). */
  readonly nicira?: boolean | undefined;
  /** Reads the match (`nxmLength`: the NXM length of a Nicira entry, 0 otherwise). */
  readonly readMatch: (r: Reader, nxmLength: number) => readonly MatchField[];
  /** Reads the instructions (or actions, as instructions) to the end of the entry. */
  readonly readInstructions: (r: Reader) => readonly Instruction[];
}

/** Walks length-prefixed entries (the 16-bit length `lengthAt` bytes in); a bad length is OFPBRC_BAD_LEN. */
export function* entries(r: Reader, what: string, min: number, lengthAt = 0): Generator<Reader> {
  while (r.remaining > 0) {
    const start = r.pos;
    if (r.remaining < lengthAt + 2) throw new DecodeError("openflow", r.base + r.pos, "OFPBRC_BAD_LEN");
    r.skip(lengthAt);
    const len = r.u16();
    if (len < min || len > r.remaining + lengthAt + 2) throw new DecodeError("openflow", r.base + start, "OFPBRC_BAD_LEN");
    r.pos = start;
    yield r.sub(len, what);
  }
}

/** The entries of a flow statistics reply: OpenFlow 1.0 checks lengths as Open vSwitch does, later versions as OpenFlow 1.3 does. */
function* flowEntries(r: Reader, l: FlowStatsLayout): Generator<Reader> {
  if (l.version === OfpVersion.OF10) {
    yield* entries(r, l.nicira ? "nx flow stats" : "flow stats", l.nicira ? 48 : 88);
    return;
  }
  const of15 = l.version === OfpVersion.OF15;
  while (r.remaining > 0) yield r.entry("flow stats", of15 ? 24 : 56, l.version === OfpVersion.OF13 ? 8 : 1, 1, 0);
}

/** Reads the flow statistics entries of a reply body (to the end of `r`) laid out as `l` describes. */
export function readFlowStats(r: Reader, l: FlowStatsLayout): FlowStats[] {
  const out: FlowStats[] = [];
  for (const e of flowEntries(r, l)) out.push(l.version === OfpVersion.OF15 ? readFlowStats15(e, l) : readFlowStatsEntry(e, l));
  return out;
}

/** One OpenFlow 1.0–1.4 or Nicira entry: header, (1.0: match), durations and timeouts, version fields, counters, (match), instructions. */
function readFlowStatsEntry(e: Reader, l: FlowStatsLayout): FlowStats {
  const v = l.version;
  e.skip(2);
  const tableId = e.u8();
  e.skip(1);
  const standard10 = v === OfpVersion.OF10 && !l.nicira;
  const match10 = standard10 ? l.readMatch(e, 0) : undefined;
  const durationSec = e.u32();
  const durationNsec = e.u32();
  const priority = e.u16();
  const idleTimeout = e.u16();
  const hardTimeout = e.u16();
  // six bytes whose meaning depends on the version
  let flags = 0;
  let importance: number | undefined;
  let nxmLength = 0;
  let idleAge = 0;
  let hardAge = 0;
  if (l.nicira) {
    nxmLength = e.u16();
    idleAge = e.u16();
    hardAge = e.u16();
  } else if (v === OfpVersion.OF10) e.skip(6);
  else if (v === OfpVersion.OF11) {
    e.skip(6);
    importance = 0;
  } else if (v === OfpVersion.OF14) {
    flags = e.u16();
    importance = e.u16();
    e.skip(2);
  } else {
    flags = e.u16();
    e.skip(4);
  }
  const cookie = e.u64();
  const packetCount = e.u64();
  const byteCount = e.u64();
  const match = match10 ?? l.readMatch(e, nxmLength);
  const instructions = l.readInstructions(e);
  return {
    tableId,
    durationSec,
    durationNsec,
    priority,
    idleTimeout,
    hardTimeout,
    flags,
    cookie,
    packetCount,
    byteCount,
    match,
    instructions,
    ...(importance !== undefined ? { importance } : {}),
    ...(idleAge ? { idleAge: idleAge - 1 } : {}),
    ...(hardAge ? { hardAge: hardAge - 1 } : {}),
  };
}

/** One OpenFlow 1.5 entry (`ofp_flow_stats` with OXS counters after the match). */
function readFlowStats15(e: Reader, l: FlowStatsLayout): FlowStats {
  e.skip(4);
  const tableId = e.u8();
  e.skip(1);
  const priority = e.u16();
  const idleTimeout = e.u16();
  const hardTimeout = e.u16();
  const flags = e.u16();
  const importance = e.u16();
  const cookie = e.u64();
  const match = l.readMatch(e, 0);
  const s = readOxsStats(e);
  const instructions = l.readInstructions(e);
  return {
    tableId,
    durationSec: s.durationSec ?? 0,
    durationNsec: s.durationNsec ?? 0,
    priority,
    idleTimeout,
    hardTimeout,
    flags,
    cookie,
    packetCount: s.packetCount ?? 0n,
    byteCount: s.byteCount ?? 0n,
    match,
    instructions,
    importance,
    ...(s.idleSec !== undefined ? { idleAge: s.idleSec } : {}),
  };
}

/** Durations OpenFlow 1.0–1.2 port and group statistics do not carry ("unknown", not printed). */
const NO_DURATION = 0xffffffff;

/**
 * Reads the port statistics entries of a reply body (to the end of `r`) of wire version `version`: OpenFlow
 * 1.0 (16-bit port numbers), 1.1/1.2 (no durations), 1.3 (durations), 1.4/1.5 (`ofp14_port_stats` with properties).
 */
export function readPortStats(r: Reader, version: number): PortStats[] {
  const out: PortStats[] = [];
  if (version >= OfpVersion.OF14) {
    while (r.remaining > 0) out.push(readPortStats14(r));
    return out;
  }
  while (r.remaining > 0) {
    let portNo: number;
    if (version === OfpVersion.OF10) {
      r.need(104, "port stats");
      portNo = port16to32(r.u16());
      r.skip(6);
    } else {
      portNo = r.u32();
      r.skip(4);
    }
    const counters: bigint[] = [];
    for (let i = 0; i < 12; i++) counters.push(r.u64());
    const withDuration = version === OfpVersion.OF13;
    out.push({ portNo, counters, durationSec: withDuration ? r.u32() : NO_DURATION, durationNsec: withDuration ? r.u32() : NO_DURATION });
  }
  return out;
}

/**
 * Reads the group statistics entries of a reply body (to the end of `r`) of wire version `version`:
 * OpenFlow 1.1/1.2 `ofp11_group_stats` (no durations) or the OpenFlow 1.3+ `ofp13_group_stats` (also
 * the body of NXST_GROUP over OpenFlow 1.0).
 */
export function readGroupStats(r: Reader, version: number): GroupStats[] {
  const out: GroupStats[] = [];
  const withDuration = version >= OfpVersion.OF13 || version === OfpVersion.OF10;
  while (r.remaining > 0) {
    const e = r.entry("group stats", withDuration ? 40 : 32, 16, 1, 0);
    e.skip(4);
    const groupId = e.u32();
    const refCount = e.u32();
    e.skip(4);
    const packetCount = e.u64();
    const byteCount = e.u64();
    const durationSec = withDuration ? e.u32() : NO_DURATION;
    const durationNsec = withDuration ? e.u32() : NO_DURATION;
    const buckets: { packetCount: bigint; byteCount: bigint }[] = [];
    while (e.remaining > 0) buckets.push({ packetCount: e.u64(), byteCount: e.u64() });
    out.push({ groupId, refCount, packetCount, byteCount, durationSec, durationNsec, buckets });
  }
  return out;
}
