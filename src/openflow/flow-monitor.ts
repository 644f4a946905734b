/**
 * Flow monitoring as ovs-ofctl's `monitor BRIDGE watch:[SPEC]` does it: the `watch:` text parsed as
 * Open vSwitch's parse_flow_monitor_request() parses it, the request encoded for the session's version
 * (NXST_FLOW_MONITOR over OpenFlow 1.0-1.2, ONFST_FLOW_MONITOR over 1.3, OFPST_FLOW_MONITOR over 1.4+),
 * and the Nicira request and update bodies (`nx_flow_monitor_request`, `nx_flow_update_*`) printed as
 * ovs-ofctl prints them.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { OfpVersion } from "./constants.js";
import { FlowModCommand } from "./constants.js";
import type { MultipartRequestBody } from "./messages.js";
import { type MatchField, encodeMatch } from "./oxm.js";
import { FlowSyntaxError } from "./text/errors.js";
import { formatMatch, formatPort, formatInstructions, parseFlow } from "./flowtext.js";
import { encodeNxMatch, decodeNxMatch } from "./v10/nxm.js";
import { port16to32, port32to16 } from "./v10/match.js";
import { decodeOf10ActionsAsInstructions } from "./v10/actions.js";

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

const NOT_FLAGS: Readonly<Record<string, number>> = {
  "!initial": FlowMonitorFlags.INITIAL,
  "!add": FlowMonitorFlags.ADD,
  "!delete": FlowMonitorFlags.REMOVED,
  "!modify": FlowMonitorFlags.MODIFY,
  "!actions": FlowMonitorFlags.INSTRUCTIONS,
  "!abbrev": FlowMonitorFlags.NO_ABBREV,
  "!own": FlowMonitorFlags.ONLY_OWN,
};

/**
 * Parses the text after `watch:` as ovs-ofctl does: `!initial`, `!add`, `!delete`, `!modify`, `!actions`,
 * `!abbrev`, `!own` clear a flag (all but NO_ABBREV are set by default), `table=`, `out_port=`, `out_group=`
 * and match fields in flow syntax.
 * @param id - the monitor id (ovs-ofctl numbers its monitors 1, 2, ... per process)
 * @throws FlowSyntaxError for an unknown keyword, a keyword without its value, or a bad match
 */
export function parseFlowMonitorRequest(text: string, id: number): FlowMonitorRequest {
  let flags = FlowMonitorFlags.INITIAL | FlowMonitorFlags.ADD | FlowMonitorFlags.REMOVED | FlowMonitorFlags.MODIFY | FlowMonitorFlags.ONLY_OWN | FlowMonitorFlags.INSTRUCTIONS;
  let outPort = 0xffffffff;
  let outGroup = 0xffffffff;
  let tableId = 0xff;
  const matchItems: string[] = [];
  for (const item of text.split(/[,\s]+/).filter((s) => s)) {
    const eq = item.search(/[=:]/);
    const name = eq >= 0 ? item.slice(0, eq) : item;
    const value = eq >= 0 ? item.slice(eq + 1) : "";
    const bit = NOT_FLAGS[name];
    if (bit !== undefined) {
      flags &= ~bit;
    } else if (name === "table" || name === "out_port" || name === "out_group") {
      if (!value) throw new FlowSyntaxError(`${text}: field ${name} missing value`);
      if (name === "table") {
        if (!/^\d+$/.test(value) || Number(value) > 255) throw new FlowSyntaxError(`unknown table "${value}"`);
        tableId = Number(value);
      } else if (name === "out_port") {
        // atoi() into a 16-bit port, as ovs-ofctl does
        outPort = port16to32(Number.parseInt(value, 10) & 0xffff || 0);
      } else {
        outGroup = (Number.parseInt(value, 10) || 0) >>> 0;
      }
    } else {
      matchItems.push(item);
    }
  }
  const match = matchItems.length ? parseFlow(matchItems.join(","), FlowModCommand.DELETE).match : [];
  return { id, flags, outPort, outGroup, tableId, match };
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
      encodeMatch(w, rq.match);
      // match_len: the ofp_match's own length field (without its padding)
      w.patch16(start + 6, new DataView(w.finish().buffer).getUint16(m + 2), "match_len");
    } else {
      w.u32(rq.id, "monitor_id").u32(rq.outPort, "out_port").u32(rq.outGroup, "out_group").u16(rq.flags, "flags").u8(rq.tableId, "table_id").u8(0);
      encodeMatch(w, rq.match);
    }
  }
  const body = w.finish().slice();
  return { kind: "raw", mpType: version <= OfpVersion.OF13 ? VENDOR_STATS : OFPMP_FLOW_MONITOR, data: body };
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [1, "initial"],
  [2, "add"],
  [4, "delete"],
  [8, "modify"],
  [16, "actions"],
  [32, "own"],
];

const REASONS = ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"];

/**
 * The lines of an NXST_FLOW_MONITOR request or reply body (after the Nicira statistics header), as
 * ofputil_flow_monitor_request_format() / ofputil_flow_update_format() print them.
 * @throws DecodeError for a malformed body
 */
export function nxFlowMonitorText(request: boolean, body: Uint8Array): string {
  const r = new Reader(body, "openflow");
  let s = "";
  while (r.remaining > 0) {
    if (request) {
      const id = r.u32();
      const flags = r.u16();
      const outPort = r.u16();
      const matchLen = r.u16();
      const tableId = r.u8();
      r.skip(5);
      const at = r.pos;
      const { match } = decodeNxMatch(r, matchLen);
      r.pos = at + ((matchLen + 7) & ~7);
      const known = FLAG_NAMES.filter(([b]) => flags & b).map(([, n]) => n);
      if (flags & ~0x3f) known.push(`0x${(flags & ~0x3f).toString(16)}`);
      s += `\n id=${id} flags=${known.join(",") || "0"}`;
      if (outPort !== 0xffff) s += ` out_port=${formatPort(port16to32(outPort))}`;
      if (tableId !== 0xff) s += ` table=${tableId}`;
      s += ` ${formatMatch(match, 0x8000)}`.replace(/ $/, "");
      continue;
    }
    const start = r.pos;
    const length = r.u16();
    const event = r.u16();
    if (length < 8 || length % 8 || length - 2 > r.remaining + 2) r.fail("OFPBRC_BAD_LEN", start);
    const e = r.sub(length - 4, "flow update");
    if (event === 3) {
      s += `\n event=ABBREV xid=0x${e.u32().toString(16)}`;
      continue;
    }
    if (event > 3) r.fail("NXBRC_FM_BAD_EVENT", start + 2);
    const reason = e.u16();
    e.skip(2); // priority: ovs-ofctl prints the match with the default priority, so never
    const idle = e.u16();
    const hard = e.u16();
    const matchLen = e.u16();
    const tableId = e.u8();
    e.skip(1);
    const cookie = e.u64();
    const at = e.pos;
    const { match } = decodeNxMatch(e, matchLen);
    e.pos = at + ((matchLen + 7) & ~7);
    const actionBytes = e.remaining;
    const insts = decodeOf10ActionsAsInstructions(e.sub(e.remaining, "actions"));
    s += `\n event=${["ADDED", `DELETED reason=${REASONS[reason] ?? reason}`, "MODIFIED"][event]} table=${tableId}`;
    if (idle) s += ` idle_timeout=${idle}`;
    if (hard) s += ` hard_timeout=${hard}`;
    s += ` cookie=${cookie ? `0x${cookie.toString(16)}` : "0"} ${formatMatch(match, 0x8000)}`;
    if (actionBytes) s += `${s.endsWith(" ") ? "" : " "}actions=${formatInstructions(insts)}`;
  }
  return s;
}
