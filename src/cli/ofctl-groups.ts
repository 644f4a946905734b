/**
 * `ovn-ts ofctl` group, meter, conntrack and IPFIX commands: `dump-groups`, `dump-group-stats`, `dump-meters`,
 * `meter-stats`, `ct-flush-zone`, `ct-flush`, `dump-group-features`, `dump-ipfix-bridge`, `dump-ipfix-flow`, with ovs-ofctl's requests for each
 * OpenFlow version (the Nicira ones over OpenFlow 1.0), output and errors.
 *
 * @module
 */
import { type CliIo, UsageError } from "./io.js";
import { OfpVersion } from "../openflow/constants.js";
import { type OpenFlowConnection, OpenFlowError } from "../openflow/connection.js";
import type { MultipartRequestBody, OfMessage } from "../openflow/messages.js";
import type { NameMaps } from "../openflow/flowtext.js";
import { formatMessage } from "../openflow/print.js";
import { Protocol, formatProtocols } from "../openflow/protocols.js";
import { NxStats, nxGroupRequestBody, nxStatsRequest } from "../openflow/v10/nicira-stats.js";
import { type CtFlushMatch, CtTupleSyntaxError, emptyCtTuple, parseCtTuple } from "../openflow/ct-flush.js";
import { MultipartType } from "../openflow/constants.js";

/** Connects to the switch named on the command line and runs `fn` (ofctl.ts's session with -O and timeouts). */
export type WithSwitch = <T>(name: string, fn: (c: OpenFlowConnection, target: string) => Promise<T>, firstXid?: number | (() => number)) => Promise<T>;

/** The Nicira message subtype NXT_CT_FLUSH_ZONE (Open vSwitch `ofp-msgs.h`). */
const NXT_CT_FLUSH_ZONE = 29;

function need(args: readonly string[], n: number, cmd: string): void {
  if (args.length < n) throw new UsageError(`'${cmd}' command requires at least ${n} arguments`);
}

/**
 * Runs one of the group / meter / ct / IPFIX commands; `allowed` is the protocol set -O allows (Open vSwitch
 * protocol bits). Returns the exit status; errors are thrown for ofctl.ts to print.
 */
export async function runGroupMeterCommand(cmd: string, rest: readonly string[], allowed: number, io: CliIo, withSwitch: WithSwitch, names?: () => Promise<NameMaps>): Promise<number> {
  const dumpTransaction = (c: OpenFlowConnection, body: MultipartRequestBody, out: CliIo) => dumpTransactionNamed(c, body, out, names);
  switch (cmd) {
    case "dump-groups":
    case "dump-group-stats": {
      need(rest, 1, cmd);
      const desc = cmd === "dump-groups";
      const groupId = groupArg(rest[1], desc);
      // dump-group-stats reads port and table names first over connections of its own (4 xids)
      await withSwitch(rest[0]!, async (c) => {
        let body: MultipartRequestBody;
        if (c.version === OfpVersion.OF10) body = nxStatsRequest(c.version, desc ? NxStats.GROUP_DESC : NxStats.GROUP, nxGroupRequestBody(groupId));
        else if (desc) body = c.version >= OfpVersion.OF15 ? { kind: "group_desc", groupId } : { kind: "group_desc" };
        else body = { kind: "group", groupId };
        await dumpTransaction(c, body, io);
      }, desc ? 1 : 5);
      return 0;
    }
    case "dump-meters":
    case "meter-stats": {
      need(rest, 1, cmd);
      const meterId = meterArg(rest[1]);
      // meters need OpenFlow 1.3 or later (ovs-ofctl's open_vconn_for_flow_mod(), checked before connecting)
      const usable = Protocol.OF13_OXM | Protocol.OF14_OXM | Protocol.OF15_OXM;
      if (!(usable & allowed)) throw new Error(`none of the usable flow formats (${formatProtocols(usable)}) is among the allowed flow formats (${formatProtocols(allowed)})`);
      await withSwitch(rest[0]!, async (c) => {
        if (c.version < OfpVersion.OF13) throw new Error(`switch does not support any of the usable flow formats (${formatProtocols(usable)})`);
        await dumpTransaction(c, cmd === "dump-meters" ? { kind: "meter_config", meterId } : { kind: "meter", meterId }, io);
      });
      return 0;
    }
    case "ct-flush-zone": {
      need(rest, 2, cmd);
      const zone = rest[1]!;
      if (!/^\d+$/.test(zone) || Number(zone) > 0xffff) throw new Error(`invalid zone_id "${zone}"`);
      await withSwitch(rest[0]!, (c) => {
        // NXT_CT_FLUSH_ZONE (nx_zone_id: 6 zero bytes, the zone): a vendor message in OpenFlow 1.0, an experimenter one later
        if (c.version === OfpVersion.OF10) return c.sendChecked([{ type: "nx_ct_flush_zone", zoneId: Number(zone) }]);
        const data = new Uint8Array(8);
        new DataView(data.buffer).setUint16(6, Number(zone));
        return c.sendChecked([{ type: "experimenter", experimenter: 0x2320, expType: NXT_CT_FLUSH_ZONE, data }]);
      });
      return 0;
    }
    case "ct-flush": {
      need(rest, 1, cmd);
      if (rest.length > 4) throw new UsageError(`'${cmd}' command takes at most 4 arguments`);
      const match = parseCtFlushArgs(rest.slice(1));
      await withSwitch(rest[0]!, (c) => c.sendChecked([{ type: "nx_ct_flush", ...match }]));
      return 0;
    }
    case "dump-group-features":
      need(rest, 1, cmd);
      // NXST_GROUP_FEATURES over OpenFlow 1.0 and 1.1, OFPST_GROUP_FEATURES from 1.2 on
      await withSwitch(rest[0]!, (c) =>
        dumpTransaction(c, c.version <= OfpVersion.OF11 ? nxStatsRequest(c.version, NxStats.GROUP_FEATURES) : { kind: "raw", mpType: MultipartType.GROUP_FEATURES, data: new Uint8Array(0) }, io),
      );
      return 0;
    case "dump-ipfix-bridge":
    case "dump-ipfix-flow": {
      need(rest, 1, cmd);
      await withSwitch(rest[0]!, async (c) => {
        await dumpTransaction(c, nxStatsRequest(c.version, cmd === "dump-ipfix-bridge" ? NxStats.IPFIX_BRIDGE : NxStats.IPFIX_FLOW), io);
      });
      return 0;
    }
  }
  throw new Error(`unknown command '${cmd}'`);
}

/**
 * The arguments of `ct-flush` after the switch, as ovs-ofctl's ofctl_ct_flush() reads them: an optional
 * `zone=N`, then up to two tuples (original, reply; an empty one gives nothing).
 * @throws Error with ovs-ofctl's message (`Failed to parse zone`, `Failed to parse ct-tuple: ...`)
 */
export function parseCtFlushArgs(args: readonly string[]): CtFlushMatch {
  let i = 0;
  let zoneId: number | undefined;
  if (args[0]?.startsWith("zone=")) {
    // ovs_scan("zone=%"SCNu16): leading digits, stored in 16 bits
    const m = /^zone=\s*\+?(\d+)/.exec(args[0]);
    if (!m) throw new Error("Failed to parse zone");
    zoneId = Number(BigInt(m[1]!) & 0xffffn);
    i = 1;
  }
  const state = { ipProto: 0, l3: 0 };
  const tuples = [emptyCtTuple(), emptyCtTuple()];
  for (let t = 0; t < 2 && i < args.length; t++, i++) {
    if (!args[i]) continue;
    try {
      tuples[t] = parseCtTuple(args[i]!, state);
    } catch (e) {
      if (e instanceof CtTupleSyntaxError) throw new Error(`Failed to parse ct-tuple: ${e.message}`);
      throw e;
    }
  }
  return { ipProto: state.ipProto, orig: tuples[0]!, reply: tuples[1]!, ...(zoneId !== undefined ? { zoneId } : {}) };
}

/**
 * The group of dump-groups / dump-group-stats: a number, `all` or nothing for all groups. dump-groups takes
 * anything else as all groups too; dump-group-stats refuses it (ovs-ofctl's group parser).
 */
function groupArg(text: string | undefined, lenient: boolean): number {
  if (text === undefined) return 0xfffffffc;
  const m = lenient ? /^(all|\d+)$/i.exec(text) : /^group_id=(all|\d+)$/i.exec(text);
  if (m && m[1]!.toLowerCase() === "all") return 0xfffffffc;
  if (m && Number(m[1]) <= 0xffffff00) return Number(m[1]);
  if (lenient) return 0xfffffffc;
  throw new Error(text.includes("=") ? `invalid group id ${text.slice(text.indexOf("=") + 1)}` : `unknown keyword ${text}`);
}

/**
 * Sends a multipart request and prints each reply part as ovs-ofctl's dump_transaction() does: an error
 * reply is printed on stdout too, and the command still succeeds. With `names` (ports shown by name), the
 * names are read before the first reply is printed.
 */
async function dumpTransactionNamed(c: OpenFlowConnection, body: MultipartRequestBody, io: CliIo, names?: () => Promise<NameMaps>): Promise<void> {
  const replies: OfMessage[] = [];
  try {
    await c.request({ type: "multipart_request", flags: 0, body }, { onPart: (part) => void (names ? replies.push(part) : io.out(`${formatMessage(part)}\n`)) });
  } catch (e) {
    if (!(e instanceof OpenFlowError)) throw e;
    replies.push(e.reply);
  }
  const maps = replies.length && names ? await names() : undefined;
  for (const r of replies) io.out(`${formatMessage(r, { names: maps })}\n`);
}

/** The meter of dump-meters / meter-stats: `meter=N`, `meter=all` or nothing for all meters. */
function meterArg(text: string | undefined): number {
  if (text === undefined) return 0xffffffff;
  const m = /^meter=(all|\d+)$/.exec(text);
  if (!m) throw new Error(`${text}: unknown meter field`);
  return m[1] === "all" ? 0xffffffff : Number(m[1]);
}

