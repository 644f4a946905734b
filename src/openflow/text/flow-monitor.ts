/**
 * Flow monitoring text as ovs-ofctl's `monitor BRIDGE watch:[SPEC]` has it: the `watch:` text parsed as
 * Open vSwitch's parse_flow_monitor_request() parses it, and the Nicira request and update bodies
 * (`nx_flow_monitor_request`, `nx_flow_update_*`) printed as ovs-ofctl prints them. The request's
 * encoding is `../flow-monitor.ts`.
 *
 * @module
 */
import { Reader } from "../../bytes/reader.js";
import { FlowModCommand } from "../constants.js";
import { FlowMonitorFlags, type FlowMonitorRequest } from "../flow-monitor.js";
import { port16to32 } from "../ports.js";
import { decodeOf10ActionsAsInstructions } from "../v10/actions.js";
import { decodeNxMatch } from "../v10/nxm.js";
import { FlowSyntaxError } from "./errors.js";
import { parseFlow } from "./flow.js";
import { formatInstructions } from "./instructions.js";
import { formatMatch } from "./match-format.js";
import { type NameMaps, formatPort } from "./ports.js";

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
export function nxFlowMonitorText(request: boolean, body: Uint8Array, names?: NameMaps): string {
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
    s += `\n event=${["ADDED", `DELETED reason=${REASONS[reason] ?? reason}`, "MODIFIED"][event]} table=${names ? names.table(tableId) : tableId}`;
    if (idle) s += ` idle_timeout=${idle}`;
    if (hard) s += ` hard_timeout=${hard}`;
    s += ` cookie=${cookie ? `0x${cookie.toString(16)}` : "0"} ${formatMatch(match, 0x8000, names?.port)}`;
    if (actionBytes) s += `${s.endsWith(" ") ? "" : " "}actions=${formatInstructions(insts, names)}`;
  }
  return s;
}
