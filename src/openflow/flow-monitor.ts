/**
 * Flow monitoring as ovs-ofctl's `monitor BRIDGE watch:[SPEC]` does it: the request encoded for the
 * session's version (NXST_FLOW_MONITOR over OpenFlow 1.0-1.2, ONFST_FLOW_MONITOR over 1.3, OFPST_FLOW_MONITOR
 * over 1.4+). The `watch:` text and the printed bodies are in `text/flow-monitor.ts`.
 *
 * @module
 */
import { Writer } from "../bytes/writer.js";
import { OfpVersion } from "./constants.js";
import type { MultipartRequestBody } from "./messages.js";
import type { MatchField } from "./oxm.js";
import { encodeMatchFor } from "./match-order.js";
import { encodeNxMatch } from "./v10/nxm.js";
import { port32to16 } from "./ports.js";

/** OpenFlow 1.4 flow monitor flags (OFPFMF_*), the bits {@link FlowMonitorRequest.flags} holds whatever the version. */
export const FlowMonitorFlags = {
  INITIAL: 1,
  ADD: 2,
  REMOVED: 4,
  MODIFY: 8,
  INSTRUCTIONS: 16,
  NO_ABBREV: 32,
  ONLY_OWN: 64,
} as const;

/** One flow monitor request (Open vSwitch's `ofputil_flow_monitor_request`). */
export interface FlowMonitorRequest {
  /** Monitor id. */
  readonly id: number;
  /** {@link FlowMonitorFlags} bits. */
  readonly flags: number;
  /** Only flows that output to this port (32-bit port number; 0xffffffff for any). */
  readonly outPort: number;
  /** Only flows that output to this group (0xffffffff for any; OpenFlow 1.4+ only). */
  readonly outGroup: number;
  /** Only flows in this table (0xff for all). */
  readonly tableId: number;
  /** Only flows this match covers. */
  readonly match: readonly MatchField[];
}

/** OpenFlow 1.4 flags as the Nicira / ONF NXFMF_* bits (NXFMF_OWN is OFPFMF_ONLY_OWN; NO_ABBREV has none). */
function nxFlags(flags: number): number {
  return (flags & 0x1f) | (flags & FlowMonitorFlags.ONLY_OWN ? 32 : 0);
}

const ONF_EXPERIMENTER = 0x4f4e4600;
const ONFMP_FLOW_MONITOR = 1870;
const OFPMP_FLOW_MONITOR = 16;
const VENDOR_STATS = 0xffff;
const NX_VENDOR = 0x2320;
const NXST_FLOW_MONITOR = 2;

/**
 * The multipart request body carrying `requests` for a session of `version`: NXST_FLOW_MONITOR
 * (`nx_flow_monitor_request` + NXM) over OpenFlow 1.0-1.2, ONFST_FLOW_MONITOR (`onf_flow_monitor_request` +
 * OXM) over 1.3, OFPST_FLOW_MONITOR (`ofp14_flow_monitor_request`) over 1.4 and 1.5.
 */
export function flowMonitorRequestBody(version: number, requests: readonly FlowMonitorRequest[]): MultipartRequestBody {
  const w = new Writer("openflow");
  if (version === OfpVersion.OF13) w.u32(ONF_EXPERIMENTER).u32(ONFMP_FLOW_MONITOR);
  // Nicira statistics header: vendor, subtype NXST_FLOW_MONITOR, 4 bytes of padding over OpenFlow 1.0
  else if (version <= OfpVersion.OF12) w.u32(NX_VENDOR).u32(NXST_FLOW_MONITOR).zeros(version === OfpVersion.OF10 ? 4 : 0);
  for (const rq of requests) {
    if (version <= OfpVersion.OF12) {
      const start = w.pos;
      w.u32(rq.id, "id").u16(nxFlags(rq.flags), "flags").u16(port32to16(rq.outPort), "out_port").u16(0).u8(rq.tableId, "table_id").zeros(5);
      const len = encodeNxMatch(w, rq.match);
      w.patch16(start + 8, len, "match_len");
      w.pad(start);
    } else if (version === OfpVersion.OF13) {
      const start = w.pos;
      w.u32(rq.id, "id").u16(nxFlags(rq.flags), "flags").u16(0).u32(rq.outPort, "out_port").u8(rq.tableId, "table_id").zeros(3);
      const m = w.pos;
      encodeMatchFor(w, rq.match, version);
      // match_len: the ofp_match's own length field (without its padding)
      w.patch16(start + 6, new DataView(w.finish().buffer).getUint16(m + 2), "match_len");
    } else {
      w.u32(rq.id, "monitor_id").u32(rq.outPort, "out_port").u32(rq.outGroup, "out_group").u16(rq.flags, "flags").u8(rq.tableId, "table_id").u8(0);
      encodeMatchFor(w, rq.match, version);
    }
  }
  const body = w.finish().slice();
  return { kind: "raw", mpType: version <= OfpVersion.OF13 ? VENDOR_STATS : OFPMP_FLOW_MONITOR, data: body };
}
