/**
 * `ovn-ts ofctl`: a subset of `ovs-ofctl` with the same output format and exit status:
 * `show`, `parse-flow`, `parse-flows`, `parse-actions`, `parse-instructions`, `ofp-print`, `dump-flows`, `dump-aggregate`, `dump-tables`, `dump-ports`, `dump-ports-desc`, `dump-desc`, `dump-table-features`, `add-tlv-map`, `del-tlv-map`, `dump-tlv-map`, `add-flow`, `add-flows`, `mod-flows`, `del-flows`, `add-group`, `add-groups`, `mod-group`, `del-groups`, `insert-buckets`, `remove-buckets`, `dump-groups`, `dump-group-stats`, `dump-meters`, `meter-stats`, `ct-flush-zone`, `ct-flush`, `dump-group-features`, `dump-ipfix-bridge`, `dump-ipfix-flow`, `monitor`, `snoop`, `packet-out`, `replace-flows`, `diff-flows`.
 * Without `-O` it speaks OpenFlow 1.0 with the Nicira flow formats negotiated as the flows need them, as ovs-ofctl does.
 *
 * @module
 */
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { DecodeError } from "../bytes/decode-error.js";
import { fromHex, toHex } from "../bytes/hex.js";
import { FlowModCommand, OfpVersion } from "../openflow/constants.js";
import { OpenFlowError } from "../openflow/connection.js";
import { MatchInconsistentError } from "../openflow/consistency.js";
import { FlowSyntaxError, type NameMaps, type PortNames, UnknownPortError, parseFlow, parsePort } from "../openflow/flowtext.js";
import { type FlowStats, type MultipartRequestBody, type OfMessage, type TlvMapping, TlvTableModCommand, decodeMessage, encodeMessage } from "../openflow/messages.js";
import { flowModMessage, flowStatsBody, protocolForFlowDump, protocolForFlowMod, protocolOfVersion } from "../openflow/v10/session.js";
import { formatFlowStats, formatMessage, hexDump } from "../openflow/print.js";
import { formatTableFeatures } from "../openflow/tablefeatures.js";
import { runGroupMeterCommand } from "./ofctl-groups.js";
import { monitorCommand, openVlog } from "./ofctl-monitor-command.js";
import { runGroupModCommand } from "./ofctl-group-mod.js";
import { parseActionLines } from "./ofctl-parse-actions.js";
import { flowModHead, ofpPrintText } from "./ofctl-print.js";
import { sendBundle } from "./ofctl-bundle.js";
import { ANY_PROTOCOL, DEFAULT_ALLOWED, Protocol, chooseProtocol, formatProtocols, protocolName, usableProtocols } from "../openflow/protocols.js";
import { USAGE } from "./ofctl-usage.js";
import { sortFlows } from "./ofctl-sort.js";
import { packetOutCommand } from "./ofctl-packet-out.js";
import { Vlog } from "./vlog.js";
import { diffFlows, replaceFlows } from "./ofctl-diff-flows.js";
import { type Opts, allowedProtocols, need, parseArgs, showNames } from "./ofctl-options.js";
import { SwitchConnectError, fetchNameMaps, fetchPortNames, fileLines, parseWithPorts, withSwitch } from "./ofctl-switch.js";

export { switchTarget } from "./ofctl-switch.js";


/**
 * parse-flow / parse-flows: ovs-ofctl's `usable protocols:` and `chosen protocol:` lines for all the
 * flows, then each flow_mod (always encoded as OpenFlow 1.3-1.5, the version -O names; --hex: bytes only).
 */
function printFlowMods(io: CliIo, texts: readonly string[], opts: Opts): number {
  const parsed = texts.map((t) => {
    const fm = parseFlow(t);
    const usable = usableProtocols(t, fm);
    // OVS: a flow no protocol can carry has actions the match makes invalid
    if (usable === 0) throw new MatchInconsistentError(t);
    return { text: t, fm, usable };
  });
  const usable = parsed.reduce((u, p) => u & p.usable, ANY_PROTOCOL);
  const allowed = allowedProtocols(opts);
  const chosen = chooseProtocol(usable, allowed);
  if (!opts.hex) io.out(`usable protocols: ${formatProtocols(usable)}\n`);
  if (chosen === undefined) throw new Error("no usable protocol");
  if (!opts.hex) io.out(`chosen protocol: ${protocolName(chosen)}\n`);
  parsed.forEach(({ fm }, i) => {
    const bytes = encodeMessage(flowModMessage(chosen, fm, i + 1));
    if (opts.hex) {
      io.out(`${toHex(bytes)}\n`);
      return;
    }
    let text: string;
    try {
      text = formatMessage(decodeMessage(bytes));
    } catch (e) {
      // ovs-ofctl decodes its own flow_mod again and prints what that decode refuses (instruction order
      // of a Nicira action list), with the message's bytes
      if (!(e instanceof DecodeError)) throw e;
      text = `${flowModHead(bytes) ?? "OFPT_FLOW_MOD"} ***decode error: ${e.reason}***\n${hexDump(bytes)}`;
    }
    io.out(`${text}\n`);
  });
  return 0;
}

/**
 * Parses ovs-ofctl's TLV mapping list: `{class=0xffff,type=0,len=4}->tun_metadata0[,...]`.
 * @throws Error "invalid tlv mapping" (ovs-ofctl's message) for anything else.
 */
export function parseTlvMappings(text: string): TlvMapping[] {
  const out: TlvMapping[] = [];
  const re = /\{class=(0x[0-9a-f]+|\d+),type=(0x[0-9a-f]+|\d+),len=(0x[0-9a-f]+|\d+)\}->tun_metadata(\d+)(,(?=\{)|$)/iy;
  let at = 0;
  while (at < text.length || out.length === 0) {
    re.lastIndex = at;
    const m = re.exec(text);
    const [cls, type, len, index] = (m ?? []).slice(1, 5).map(Number) as [number, number, number, number];
    if (!m || cls > 0xffff || type > 0xff || len > 0xff || index > 0xffff) throw new Error("invalid tlv mapping");
    out.push({ optionClass: cls, optionType: type, optionLen: len, index });
    at = re.lastIndex;
  }
  return out;
}

/** Entry point of `ovn-ts ofctl`. */
export const ofctlCommand: CliCommand = async (argv, io) => {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    io.out(USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    // a bad option value is fatal as ovs-ofctl's (`bogus: unknown field name`); usage errors go to the caller
    if (e instanceof UsageError) throw e;
    io.err(`ovn-ts ofctl: ${(e as Error).message}\n`);
    return 1;
  }
  const { opts, args } = parsed;
  const [cmd, ...rest] = args;
  // -v and --log-file are applied as the options are read (the monitor, which may run as a daemon, opens its
  // own log once started); the switch connections log through opts.vlog
  let logging: Vlog | undefined;
  try {
    if (cmd === "monitor" || cmd === "snoop") openVlog({ ...opts, logFile: undefined }, () => undefined);
    else logging = opts.vlog = openVlog(opts, (line) => io.err(line));
  } catch (e) {
    io.err(`ovn-ts ofctl: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    switch (cmd) {
      case "parse-flow":
        need(rest, 1, cmd);
        return printFlowMods(io, [rest[0]!], opts);
      case "parse-flows": {
        need(rest, 1, cmd);
        const lines = rest[0] === "-" ? (await io.readStdin()).split("\n").filter((l) => l.trim()) : fileLines(rest[0]!);
        return printFlowMods(io, lines, opts);
      }
      case "parse-actions":
      case "parse-instructions":
        need(rest, 1, cmd);
        return parseActionLines(io, rest[0]!, cmd === "parse-instructions", await io.readStdin());
      case "ofp-print": {
        need(rest, 1, cmd);
        if (rest.length > 2) throw new UsageError(`'${cmd}' command takes at most 2 arguments`);
        let bytes: Uint8Array;
        try {
          bytes = fromHex(rest[0]!);
        } catch {
          throw new Error("trailing garbage in hex data");
        }
        if (bytes.length === 0) {
          io.out("OpenFlow message is empty\n");
          return 0;
        }
        const verbosity = rest[1] === undefined ? 2 : Number(rest[1]);
        if (!Number.isInteger(verbosity)) throw new Error(`${rest[1]}: invalid verbosity`);
        io.out(ofpPrintText(bytes, verbosity));
        return 0;
      }
      case "dump-flows":
      case "dump-aggregate": {
        need(rest, 1, cmd);
        const aggregate = cmd === "dump-aggregate";
        // with a match, ovs-ofctl first reads port and table names over two connections of its own (4 xids)
        await withSwitch(rest[0]!, opts, async (c) => {
          const q = rest[1] ? (await parseWithPorts(c, [rest[1]], FlowModCommand.DELETE, opts.acceptNames))[0] : undefined;
          // a stats request carries its table itself: what needs the table_id extension in a flow_mod does not here
          const u = rest[1] && q ? usableProtocols(rest[1], q) : ANY_PROTOCOL;
          const usable = u | ((u & (Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID)) >> 1);
          const cur = protocolOfVersion(c.version);
          const protocol = c.version === OfpVersion.OF10 ? await protocolForFlowDump(c, cur, usable, allowedProtocols(opts), formatProtocols) : cur;
          // ovs-ofctl prints every reply message of a multipart sequence with its own header line; sorted, or
          // with port names shown, the flows alone once all are in
          const names = !aggregate && showNames(opts, io.interactive);
          const sorted: FlowStats[] = [];
          const onPart = (part: Extract<OfMessage, { type: "multipart_reply" }>) => {
            const b = part.body;
            if (b.kind !== "flow" && b.kind !== "nx_flow") return;
            if (opts.sort.length || names) {
              // decoded without the Nicira flow age extension (vconn_dump_flows()): no idle_age/hard_age
              for (const f of b.flows) sorted.push(b.kind === "nx_flow" ? { ...f, idleAge: undefined, hardAge: undefined } : f);
              return;
            }
            if (!opts.noStats) io.out(`${formatMessage({ ...part, body: { ...b, flows: [] } })}\n`);
            for (const f of b.flows) io.out(` ${formatFlowStats(f, { noStats: opts.noStats })}\n`);
          };
          const request = {
            tableId: q?.tableId ?? 0xff,
            outPort: q?.outPort ?? 0xffffffff,
            outGroup: q?.outGroup ?? 0xffffffff,
            cookie: q?.cookie ?? 0n,
            cookieMask: q?.cookieMask ?? 0n,
            match: q?.match ?? [],
          };
          const r = await c.request({ type: "multipart_request", flags: 0, body: flowStatsBody(protocol, request, aggregate) }, aggregate ? {} : { onPart });
          if (r.type !== "multipart_reply") throw new Error(`unexpected reply ${r.type}`);
          if (aggregate) io.out(`${formatMessage(r)}\n`);
          else {
            // the names are read (over connections of their own) when the first flow is printed
            const nameMaps = names && sorted.length ? await fetchNameMaps(rest[0]!, opts) : undefined;
            for (const f of sortFlows(sorted, opts.sort)) io.out(` ${formatFlowStats(f, { noStats: opts.noStats, names: nameMaps })}\n`);
          }
        }, rest[1] ? 5 : 1);
        return 0;
      }
      case "dump-tables":
      case "dump-desc":
      case "dump-ports":
      case "dump-ports-desc": {
        need(rest, 1, cmd);
        // ovs-ofctl's str_to_port_no(): a port that is no number nor reserved name is looked up by name over a
        // connection of its own (xids 2 and 3), the names kept for printing
        let portNames: PortNames | undefined;
        let nextXid = 1;
        const allocate = () => nextXid++;
        const portNo = async (text: string): Promise<number> => {
          try {
            return parsePort(text);
          } catch (e) {
            if (!(e instanceof UnknownPortError)) throw e;
          }
          const fail = () => new Error(`${rest[0]}: unknown port \`${text}'`);
          if (!opts.acceptNames) throw fail();
          portNames = await fetchPortNames(rest[0]!, opts, allocate);
          const p = portNames.get(text);
          if (p === undefined) throw fail();
          return p;
        };
        await withSwitch(rest[0]!, opts, async (c) => {
          const body: MultipartRequestBody =
            cmd === "dump-tables"
              ? { kind: "table" }
              : cmd === "dump-desc"
                ? { kind: "desc" }
                : cmd === "dump-ports-desc"
                  ? { kind: "port_desc" }
                  : { kind: "port_stats", portNo: rest[1] === undefined ? 0xffffffff : await portNo(rest[1]) };
          // each reply message printed as it comes, as ovs-ofctl's dump_transaction(); port names, when shown,
          // read before the first is printed
          let nameMaps: NameMaps | undefined;
          const names = showNames(opts, io.interactive);
          const parts: OfMessage[] = [];
          await c.request({ type: "multipart_request", flags: 0, body }, { onPart: (part) => void parts.push(part) });
          for (const part of parts) {
            if (names && !nameMaps) nameMaps = await fetchNameMaps(rest[0]!, opts, allocate, portNames);
            io.out(`${formatMessage(part, { names: nameMaps })}\n`);
          }
        }, allocate);
        return 0;
      }
      case "show": {
        need(rest, 1, cmd);
        // ovs-ofctl's sequence and xids: features (2), port descriptions (3) unless the features reply has
        // the ports (OpenFlow 1.0), switch config on a new connection (its hello takes the next xid; printing
        // the port descriptions with names shown reads the port and table names first, 4 xids)
        const hasPorts = await withSwitch(rest[0]!, opts, async (c) => {
          const features = await c.request({ type: "features_request", xid: 2 });
          io.out(`${formatMessage(features)}\n`);
          const ports = features.type === "features_reply" && features.ports !== undefined;
          if (!ports) io.out(`${formatMessage(await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 3 }))}\n`);
          return ports;
        });
        await withSwitch(rest[0]!, opts, async (c) => io.out(`${formatMessage(await c.request({ type: "get_config_request" }))}\n`), hasPorts ? 3 : showNames(opts, io.interactive) ? 8 : 4);
        return 0;
      }
      case "dump-table-features": {
        need(rest, 1, cmd);
        await withSwitch(rest[0]!, opts, async (c) => {
          if (c.version < OfpVersion.OF13) throw new Error("dump-table-features needs OpenFlow 1.3 or later ('-O OpenFlow13')");
          const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "table_features", tables: [] } });
          if (r.type !== "multipart_reply" || r.body.kind !== "table_features") throw new Error(`unexpected reply ${r.type}`);
          const { text, error } = formatTableFeatures(r.body.tables);
          if (error) throw new Error(`table features reply: ${error}`);
          io.out(`${text.replace(/^\n/, "")}\n`);
        });
        return 0;
      }
      case "dump-groups":
      case "dump-group-stats":
      case "dump-meters":
      case "meter-stats":
      case "ct-flush-zone":
      case "ct-flush":
      case "dump-group-features":
      case "dump-ipfix-bridge":
      case "dump-ipfix-flow": {
        const allowed = opts.protocols ? opts.protocols.reduce((a, p) => a | p.bit, 0) : DEFAULT_ALLOWED;
        const names = showNames(opts, io.interactive) ? () => fetchNameMaps(rest[0]!, opts) : undefined;
        return await runGroupMeterCommand(cmd, rest, allowed, io, (name, fn, firstXid) => withSwitch(name, opts, fn, firstXid), names);
      }
      case "add-group":
      case "add-groups":
      case "mod-group":
      case "del-groups":
      case "insert-buckets":
      case "remove-buckets":
        return await runGroupModCommand(cmd, rest, opts.mayCreate, opts.protocols ? opts.protocols.reduce((a, p) => a | p.bit, 0) : DEFAULT_ALLOWED, io, (name, fn, firstXid) => withSwitch(name, opts, fn, firstXid), opts.bundle);
      case "monitor":
      case "snoop":
        return await monitorCommand(rest, opts, argv, io, cmd === "snoop");
      case "dump-tlv-map": {
        need(rest, 1, cmd);
        await withSwitch(rest[0]!, opts, async (c) => {
          const r = await c.request({ type: "nx_tlv_table_request" });
          io.out(`${formatMessage(r)}\n`);
        });
        return 0;
      }
      case "add-tlv-map":
      case "del-tlv-map": {
        need(rest, cmd === "add-tlv-map" ? 2 : 1, cmd);
        const mappings = rest[1] === undefined ? [] : parseTlvMappings(rest[1]);
        const command = cmd === "add-tlv-map" ? TlvTableModCommand.ADD : rest[1] === undefined ? TlvTableModCommand.CLEAR : TlvTableModCommand.DELETE;
        await withSwitch(rest[0]!, opts, (c) => c.sendChecked([{ type: "nx_tlv_table_mod", command, mappings }]));
        return 0;
      }
      case "add-flow":
      case "add-flows":
      case "mod-flows":
      case "del-flows": {
        need(rest, cmd === "del-flows" ? 1 : 2, cmd);
        const command =
          cmd === "del-flows"
            ? opts.strict
              ? FlowModCommand.DELETE_STRICT
              : FlowModCommand.DELETE
            : cmd === "mod-flows"
              ? opts.strict
                ? FlowModCommand.MODIFY_STRICT
                : FlowModCommand.MODIFY
              : FlowModCommand.ADD;
        const texts = cmd === "add-flows" ? (rest[1] === "-" ? (await io.readStdin()).split("\n").filter((l) => l.trim()) : fileLines(rest[1]!)) : [rest[1] ?? ""];
        if (opts.bundle) {
          await bundleFlowMods(rest[0]!, texts, command, opts, io);
          return 0;
        }
        await withSwitch(rest[0]!, opts, async (c) => {
          const fms = await parseWithPorts(c, texts, command, opts.acceptNames);
          // OpenFlow 1.1 has no "all tables" in a flow_mod: Open vSwitch sends table 0 (ofputil_encode_flow_mod())
          if (c.version === OfpVersion.OF11) return c.flowMods(fms.map((fm) => (fm.tableId === 0xff ? { ...fm, tableId: 0 } : fm)));
          if (c.version !== OfpVersion.OF10) return c.flowMods(fms);
          // OpenFlow 1.0: the session's flow format and table_id extension as the flows need them
          const usable = fms.reduce((u, fm, i) => u & usableProtocols(texts[i]!, fm), ANY_PROTOCOL);
          if (usable === 0) throw new MatchInconsistentError(texts.join(" "));
          const protocol = await protocolForFlowMod(c, protocolOfVersion(c.version), usable, allowedProtocols(opts), formatProtocols);
          return c.sendChecked(fms.map((fm) => flowModMessage(protocol, fm)));
        });
        return 0;
      }
      case "packet-out":
        need(rest, 2, cmd);
        await packetOutCommand(rest, opts, logging ?? new Vlog({ console: (line) => io.err(line) }));
        return 0;
      case "replace-flows":
        need(rest, 2, cmd);
        await replaceFlows(rest[0]!, rest[1]!, opts, io);
        return 0;
      case "diff-flows":
        need(rest, 2, cmd);
        return await diffFlows([rest[0]!, rest[1]!], opts, io);
      default:
        throw new UsageError(`unknown command '${cmd ?? ""}'; use --help for help`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof OpenFlowError) {
      io.err(`${formatMessage(e.reply)}\n`);
      return 1;
    }
    if (e instanceof SwitchConnectError && e.log !== undefined) io.err(`${e.log}\n`);
    if (e instanceof FlowSyntaxError) {
      io.err(`ovn-ts ofctl: ${e.message}\n`);
      return 1;
    }
    io.err(`ovn-ts ofctl: ${(e as Error).message}\n`);
    return 1;
  } finally {
    logging?.close();
  }
};

/** The OpenFlow 1.3+ protocols, the ones with bundles. */
const OF13_UP = Protocol.OF13_OXM | Protocol.OF14_OXM | Protocol.OF15_OXM;

/**
 * `--bundle` flow writes, as ovs-ofctl's bundle_flow_mod__(): the flows' usable protocols narrowed to
 * OpenFlow 1.3+, every flow_mod in one atomic, ordered bundle; xids as ovs-ofctl spends them (4 on its
 * helper connections, the HELLO, each flow_mod as it is encoded, then the bundle's own).
 */
async function bundleFlowMods(name: string, texts: readonly string[], command: number, opts: Opts, io: CliIo): Promise<void> {
  let nextXid = opts.acceptNames ? 5 : 1;
  const allocate = () => nextXid++;
  await withSwitch(name, opts, async (c, target) => {
    const fms = await parseWithPorts(c, texts, command, opts.acceptNames);
    const usable = fms.reduce((u, fm, i) => u & usableProtocols(texts[i]!, fm), ANY_PROTOCOL) & OF13_UP;
    const allowed = allowedProtocols(opts);
    if (!(usable & allowed)) throw new Error(`none of the usable flow formats (${formatProtocols(usable)}) is among the allowed flow formats (${formatProtocols(allowed)})`);
    const protocol = protocolOfVersion(c.version);
    if (!(usable & protocol)) throw new Error(`switch does not support any of the usable flow formats (${formatProtocols(usable)})`);
    await sendBundle(c, target, fms.map((fm) => ({ ...flowModMessage(protocol, fm), xid: allocate() })), io);
  }, allocate);
}
