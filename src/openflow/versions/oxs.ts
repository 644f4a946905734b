/**
 * OpenFlow 1.5 flow statistics as OXS TLVs (OpenFlow 1.5.1 §7.2.4 `ofp_stats`, `ofp_oxs_stat_field`):
 * class 0x8002 (OFPXSC_OPENFLOW_BASIC), one TLV per counter, the list padded to 8 bytes.
 *
 * @module
 */
import type { Reader } from "../../bytes/reader.js";
import type { Writer } from "../../bytes/writer.js";

/** OXS class OFPXSC_OPENFLOW_BASIC. */
export const OXS_CLASS_OPENFLOW_BASIC = 0x8002;

/** OXS fields (`ofp_oxs_stat_field`). */
export const OxsField = { DURATION: 0, IDLE_TIME: 1, FLOW_COUNT: 3, PACKET_COUNT: 4, BYTE_COUNT: 5 } as const;

/** The counters of one `ofp_stats`; absent ones were not in the list. */
export interface OxsStats {
  readonly durationSec?: number | undefined;
  readonly durationNsec?: number | undefined;
  readonly idleSec?: number | undefined;
  readonly idleNsec?: number | undefined;
  readonly flowCount?: number | undefined;
  readonly packetCount?: bigint | undefined;
  readonly byteCount?: bigint | undefined;
}

const LENGTHS: Record<number, number> = { 0: 8, 1: 8, 3: 4, 4: 8, 5: 8 };

/**
 * Reads an `ofp_stats` (reserved, length, OXS TLVs, padding to 8) at the reader's position.
 * @throws DecodeError (`OFPBMC_BAD_LEN`-like reasons) for a bad length, class, field or duplicate
 */
export function readOxsStats(r: Reader): OxsStats {
  const start = r.pos;
  r.skip(2);
  const length = r.u16();
  if (length < 4) r.fail(`ofp_stats length ${length} < 4`, start + 2);
  const body = r.sub(length - 4, "ofp_stats");
  r.skip(Math.min(r.remaining, ((length + 7) & ~7) - length));
  const out: { -readonly [K in keyof OxsStats]: OxsStats[K] } = {};
  const seen = new Set<number>();
  while (body.remaining > 0) {
    const at = body.pos;
    const h = body.u32();
    const cls = h >>> 16;
    const field = (h >>> 9) & 0x7f;
    const len = h & 0xff;
    if (cls !== OXS_CLASS_OPENFLOW_BASIC || h & 0x100 || LENGTHS[field] !== len || seen.has(field)) body.fail(`bad OXS header 0x${h.toString(16)}`, at);
    seen.add(field);
    switch (field) {
      case OxsField.DURATION:
        out.durationSec = body.u32();
        out.durationNsec = body.u32();
        break;
      case OxsField.IDLE_TIME:
        out.idleSec = body.u32();
        out.idleNsec = body.u32();
        break;
      case OxsField.FLOW_COUNT:
        out.flowCount = body.u32();
        break;
      case OxsField.PACKET_COUNT:
        out.packetCount = body.u64();
        break;
      case OxsField.BYTE_COUNT:
        out.byteCount = body.u64();
        break;
    }
  }
  return out;
}

/** Writes an `ofp_stats` with the counters present in `s`, padded to 8, in Open vSwitch's order (duration, idle time, packets, bytes, flows). */
export function writeOxsStats(w: Writer, s: OxsStats): void {
  const start = w.pos;
  w.zeros(2);
  const lenAt = w.reserve16();
  const head = (field: number) => w.u32(((OXS_CLASS_OPENFLOW_BASIC << 16) | (field << 9) | LENGTHS[field]!) >>> 0);
  if (s.durationSec !== undefined) head(OxsField.DURATION).u32(s.durationSec, "stats.duration_sec").u32(s.durationNsec ?? 0, "stats.duration_nsec");
  if (s.idleSec !== undefined) head(OxsField.IDLE_TIME).u32(s.idleSec, "stats.idle_sec").u32(s.idleNsec ?? 0, "stats.idle_nsec");
  if (s.packetCount !== undefined) head(OxsField.PACKET_COUNT).u64(s.packetCount, "stats.packet_count");
  if (s.byteCount !== undefined) head(OxsField.BYTE_COUNT).u64(s.byteCount, "stats.byte_count");
  if (s.flowCount !== undefined) head(OxsField.FLOW_COUNT).u32(s.flowCount, "stats.flow_count");
  w.patch16(lenAt, w.pos - start);
  w.pad(start, 8);
}
