/**
 * `ovn-ts ofctl`: a subset of `ovs-ofctl` with the same output format and exit status:
 * `show`, `parse-flow`, `parse-flows`, `parse-actions`, `parse-instructions`, `ofp-print`, `dump-flows`, `dump-aggregate`, `dump-tables`, `dump-ports`, `dump-ports-desc`, `dump-desc`, `dump-table-features`, `add-tlv-map`, `del-tlv-map`, `dump-tlv-map`, `add-flow`, `add-flows`, `mod-flows`, `del-flows`, `add-group`, `add-groups`, `mod-group`, `del-groups`, `insert-buckets`, `remove-buckets`, `dump-groups`, `dump-group-stats`, `dump-meters`, `meter-stats`, `ct-flush-zone`, `ct-flush`, `dump-group-features`, `dump-ipfix-bridge`, `dump-ipfix-flow`, `monitor`.
 * Without `-O` it speaks OpenFlow 1.0 with the Nicira flow formats negotiated as the flows need them, as ovs-ofctl does.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { DecodeError } from "../bytes/decode-error.js";
import { fromHex, toHex } from "../bytes/hex.js";
import { FlowModCommand, OfpVersion } from "../openflow/constants.js";
import { OpenFlowConnection, OpenFlowError } from "../openflow/connection.js";
import { VersionNegotiationError } from "../openflow/errors.js";
import { MatchInconsistentError } from "../openflow/consistency.js";
import { FlowSyntaxError, type ParsedFlow, UnknownPortError, parseFlow, parsePort } from "../openflow/flowtext.js";
import { type MultipartRequestBody, type OfMessage, type TlvMapping, TlvTableModCommand, decodeMessage, encodeMessage } from "../openflow/messages.js";
import { flowModMessage, flowStatsBody, protocolForFlowDump, protocolForFlowMod, protocolOfVersion } from "../openflow/v10/session.js";
import { formatFlowStats, formatMessage, hexDump } from "../openflow/print.js";
import { formatTableFeatures } from "../openflow/tablefeatures.js";
import { runGroupMeterCommand } from "./ofctl-groups.js";
import { MonitorXids, checkMonitorArgs, monitorUsage, runMonitor } from "./ofctl-monitor.js";
import { MonitorOutput, defaultControlPath, openMonitorControl } from "./ofctl-monitor-control.js";
import { runGroupModCommand } from "./ofctl-group-mod.js";
import { parseActionLines } from "./ofctl-parse-actions.js";
import { flowModHead, ofpPrintText } from "./ofctl-print.js";
import { sendBundle } from "./ofctl-bundle.js";
import { ANY_PROTOCOL, DEFAULT_ALLOWED, Protocol, chooseProtocol, formatProtocols, protocolBits, protocolName, usableProtocols } from "../openflow/protocols.js";

const USAGE = `usage: ovn-ts ofctl [OPTIONS] COMMAND [ARG...]
  parse-flow FLOW [--hex]     print FLOW as ovs-ofctl parse-flow does (--hex: the flow_mod bytes)
  parse-flows FILE            same for every line of FILE
  parse-actions VERSION       decode hex action lists from stdin, print them and the re-encoding differences
  parse-instructions VERSION  same for instruction lists
  ofp-print HEX [VERBOSITY]   decode and print an OpenFlow message
  show TARGET                 print the switch's features, ports and configuration
  dump-flows TARGET [FLOW]    print flows (--no-stats to omit counters)
  dump-aggregate TARGET [FLOW]  print the flows' aggregate statistics
  dump-tables TARGET          print table statistics
  dump-ports TARGET [PORT]    print port statistics
  dump-ports-desc TARGET      print port descriptions
  dump-desc TARGET            print the switch description
  dump-table-features TARGET  print the switch's table features
  add-tlv-map TARGET MAP      add Geneve option mappings: {class=C,type=T,len=L}->tun_metadataN[,...]
  del-tlv-map TARGET [MAP]    remove mappings (all of them without MAP)
  dump-tlv-map TARGET         print the switch's TLV mapping table
  add-group TARGET GROUP      add a group (group_id=N,type=all|select|indirect|ff,bucket=...)
  add-groups TARGET FILE      add groups from FILE (a line may begin with its command: add, modify, ...)
  mod-group TARGET GROUP      modify a group (--may-create: add it if missing)
  del-groups TARGET [GROUP]   delete a group (all groups without GROUP)
  insert-buckets TARGET GROUP add buckets (group_id=N,command_bucket_id=first|last|N,bucket=...; OpenFlow 1.0 or 1.5)
  remove-buckets TARGET GROUP remove buckets (group_id=N[,command_bucket_id=first|last|all|N]; OpenFlow 1.0 or 1.5)
  dump-groups TARGET [GROUP]  print group descriptions (OpenFlow 1.0: Nicira NXST_GROUP_DESC)
  dump-group-stats TARGET [GROUP]  print group statistics
  dump-meters TARGET [meter=N]  print meter configurations (OpenFlow 1.3+)
  meter-stats TARGET [meter=N]  print meter statistics (OpenFlow 1.3+)
  ct-flush-zone TARGET ZONE   flush the connection tracking entries of ZONE
  ct-flush TARGET [zone=N] [CT_ORIG_TUPLE [CT_REPLY_TUPLE]]
                              flush the connection tracking entries matching the tuples
  dump-group-features TARGET  print the switch's group features
  dump-ipfix-bridge TARGET    print the bridge's IPFIX statistics
  dump-ipfix-flow TARGET      print the flow-based IPFIX statistics
  monitor TARGET [MISSLEN] [invalid_ttl] [watch:[SPEC...]]
                              print the switch's asynchronous messages (flow updates, packet-ins);
                              --timestamp, --unixctl=SOCKET (ovs-appctl: exit, ofctl/send, ofctl/barrier,
                              ofctl/set-output-file, ofctl/block, ofctl/unblock)
  add-flow TARGET FLOW        add a flow
  add-flows TARGET FILE       add flows from FILE
  mod-flows TARGET FLOW       modify actions of matching flows (--strict)
  del-flows TARGET [FLOW]     delete matching flows (--strict)
Options: --may-create, --bundle (flow and group writes in one atomic bundle), -O OpenFlow10|OpenFlow11|OpenFlow12|OpenFlow13|OpenFlow14|OpenFlow15[,...] (default OpenFlow10: OpenFlow 1.0
         with NXM as flows need it), -F/--flow-format PROTOCOLS, --strict, --no-stats, --hex
TARGET: tcp:IP[:PORT] or unix:PATH
`;

interface Opts {
  strict: boolean;
  /** `--may-create`: mod-group adds a group that does not exist. */
  mayCreate: boolean;
  /** `--bundle`: the group writes go in one atomic, ordered bundle (OpenFlow 1.3+). */
  bundle: boolean;
  noStats: boolean;
  hex: boolean;
  timeoutMs: number;
  /**
   * The protocols -O names; parse-flow encodes in the lowest version, switch commands need OpenFlow13.
   * Undefined without -O: ovs-ofctl's default set (OpenFlow 1.0 and NXM, with or without table_id),
   * OpenFlow 1.3 on the wire.
   */
  protocols?: readonly OfctlProtocol[];
  /** The flow protocols -F names (Open vSwitch protocol bits); undefined: any. */
  flowFormats?: number;
  /** `--timestamp`: monitor prints the time before each message it receives. */
  timestamp: boolean;
  /** `--unixctl=SOCKET`: the monitor's control socket (default RUNDIR/ovs-ofctl.PID.ctl). */
  unixctl?: string;
}

/** A protocol -O can name: its wire version and Open vSwitch's protocol bit. */
interface OfctlProtocol {
  readonly version: number;
  readonly bit: number;
}

function parseArgs(argv: readonly string[]): { opts: Opts; args: string[] } {
  const opts: Opts = { strict: false, mayCreate: false, bundle: false, noStats: false, hex: false, timeoutMs: 10_000, timestamp: false };
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-O" || a === "--protocols") opts.protocols = checkProtocols(argv[++i]);
    else if (a.startsWith("-O")) opts.protocols = checkProtocols(a.slice(2));
    else if (a.startsWith("--protocols=")) opts.protocols = checkProtocols(a.slice(12));
    else if (a === "-F" || a === "--flow-format") opts.flowFormats = parseFlowFormats(argv[++i]);
    else if (a.startsWith("--flow-format=")) opts.flowFormats = parseFlowFormats(a.slice(14));
    else if (a.startsWith("-F")) opts.flowFormats = parseFlowFormats(a.slice(2));
    else if (a === "--strict") opts.strict = true;
    else if (a === "--may-create") opts.mayCreate = true;
    else if (a === "--bundle") opts.bundle = true;
    else if (a === "--no-stats") opts.noStats = true;
    else if (a === "--hex") opts.hex = true;
    else if (a === "--timestamp") opts.timestamp = true;
    else if (a === "--unixctl") opts.unixctl = argv[++i];
    else if (a.startsWith("--unixctl=")) opts.unixctl = a.slice(10);
    else if (a.startsWith("--timeout=")) opts.timeoutMs = Number(a.slice(10)) * 1000;
    else if (a === "-t" || a === "--timeout") opts.timeoutMs = Number(argv[++i]) * 1000;
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unrecognized option '${a}'`);
    else args.push(a);
  }
  // --bundle needs OpenFlow 1.3+: without one of those allowed, ovs-ofctl allows OpenFlow 1.4 alone
  if (opts.bundle && !(opts.protocols ?? []).some((p) => p.version >= OfpVersion.OF13)) opts.protocols = [PROTOCOLS.get("OpenFlow14")!];
  return { opts, args };
}

const PROTOCOLS = new Map<string, OfctlProtocol>([
  ["OpenFlow10", { version: OfpVersion.OF10, bit: Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID }],
  ["OpenFlow11", { version: OfpVersion.OF11, bit: Protocol.OF11_STD }],
  ["OpenFlow12", { version: OfpVersion.OF12, bit: Protocol.OF12_OXM }],
  ["OpenFlow13", { version: OfpVersion.OF13, bit: Protocol.OF13_OXM }],
  ["OpenFlow14", { version: OfpVersion.OF14, bit: Protocol.OF14_OXM }],
  ["OpenFlow15", { version: OfpVersion.OF15, bit: Protocol.OF15_OXM }],
]);

/** The protocols named by `-O` (OpenFlow10 to OpenFlow15). */
function checkProtocols(p: string | undefined): OfctlProtocol[] {
  if (p === undefined) throw new UsageError("option '-O' requires an argument");
  const byName = (x: string) => [...PROTOCOLS].find(([k]) => k.toLowerCase() === x.toLowerCase())?.[1];
  const ps = p.split(/[\s,]+/).filter((x) => x).flatMap((x) => byName(x) ?? []);
  if (!ps.length) throw new UsageError(`${p}: only OpenFlow10, OpenFlow11, OpenFlow12, OpenFlow13, OpenFlow14 and OpenFlow15 are supported`);
  return ps;
}

/** Flow protocol names -F accepts (ovs-ofctl's ofputil_protocols_from_string(), case-insensitive). */
function parseFlowFormats(text: string | undefined): number {
  if (text === undefined) throw new UsageError("option '-F' requires an argument");
  let bits = 0;
  for (const name of text.split(",").filter((x) => x)) {
    const b = protocolBits(name);
    if (b === undefined) throw new Error(`${name}: unknown flow protocol`);
    bits |= b;
  }
  if (!bits) throw new Error(`${text}: no flow protocol specified`);
  return bits;
}

/** The flow protocols allowed by -O and -F together, or an error naming both (as ovs-ofctl's option checks). */
function allowedProtocols(opts: Opts): number {
  const versions = opts.protocols ? opts.protocols.reduce((a, p) => a | p.bit, 0) : DEFAULT_ALLOWED;
  const formats = opts.flowFormats ?? ANY_PROTOCOL;
  if (!(versions & formats)) {
    const names = opts.protocols ? [...new Set(opts.protocols.map((p) => `OpenFlow1${p.version - 1}`))].join(", ") : "OpenFlow10";
    throw new Error(`None of the enabled OpenFlow versions (${names}) supports any of the enabled flow formats (${formatProtocols(formats)}).  (Use -O to enable additional OpenFlow versions or -F to enable additional flow formats.)`);
  }
  return versions & formats;
}

function need(args: string[], n: number, cmd: string): void {
  if (args.length < n) throw new UsageError(`'${cmd}' command requires at least ${n} arguments`);
}

/**
 * The versions switch commands offer: those -O names, OpenFlow 1.0 without -O (ovs-ofctl's default, flows in
 * the OpenFlow 1.0 or NXM format as they need).
 */
function switchVersions(opts: Opts): number[] {
  if (!opts.protocols) return [OfpVersion.OF10];
  return [...new Set(opts.protocols.map((p) => p.version))];
}

/**
 * The connection target for ovs-ofctl's SWITCH argument: `tcp:`/`unix:` as given, else a socket file, else a
 * bridge name whose management socket is `$OVS_RUNDIR/NAME.mgmt` (default /var/run/openvswitch).
 * @throws Error "NAME is not a bridge or a socket" (ovs-ofctl's message) for anything else
 */
export function switchTarget(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (name.includes(":")) return name;
  const isSocket = (p: string) => {
    try {
      return statSync(p).isSocket();
    } catch {
      return false;
    }
  };
  if (isSocket(name)) return `unix:${name}`;
  const bridge = `${env["OVS_RUNDIR"] ?? "/var/run/openvswitch"}/${name}.mgmt`;
  if (isSocket(bridge)) return `unix:${bridge}`;
  throw new Error(`${name} is not a bridge or a socket`);
}

/**
 * Connects to the switch and runs `fn`. `firstXid` is the xid of our HELLO: ovs-ofctl opens helper
 * connections first for some commands (port and table names), and its printed xids count them; a
 * function allocates every xid instead (the monitor skips xids mid-session).
 */
async function withSwitch<T>(name: string, opts: Opts & { emitEchoRequests?: boolean }, fn: (c: OpenFlowConnection, target: string) => Promise<T>, firstXid: number | (() => number) = 1): Promise<T> {
  const versions = switchVersions(opts);
  const target = switchTarget(name);
  let c: OpenFlowConnection;
  try {
    const xids = typeof firstXid === "number" ? { firstXid } : { allocateXid: firstXid };
    c = await OpenFlowConnection.connect(target, { versions, echoIntervalMs: 0, requestTimeoutMs: opts.timeoutMs, emitEchoRequests: opts.emitEchoRequests, ...xids });
  } catch (e) {
    if (e instanceof VersionNegotiationError) {
      // ovs-ofctl: vconn's warning on stderr, then the connection fails with EPIPE
      throw new SwitchConnectError(`${name}: failed to connect to socket (Broken pipe)`, `${vlogTime()}|00001|vconn|WARN|${target}: version negotiation failed (we support ${versionBitmapText(versions)}, peer supports ${versionBitmapText(e.peer)})`);
    }
    const code = /\b(E[A-Z]+)\b/.exec((e as Error).message)?.[1];
    const why = (code && STRERROR[code]) ?? (e as Error).message;
    // ovs-ofctl: a vconn name fails "connecting to" it, a socket file (or a bridge's) fails to open
    throw new Error(name.includes(":") ? `connecting to ${target} (${why})` : `${target.replace(/^unix:/, "")}: failed to open socket (${why})`);
  }
  try {
    return await fn(c, target);
  } finally {
    c.close();
  }
}

/** A switch connection that failed, with the log line ovs-ofctl's vconn layer prints before its error. */
class SwitchConnectError extends Error {
  override readonly name = "SwitchConnectError";
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}

/** Open vSwitch's version_bitmap_to_string(): `version 0x04`, `version 0x06 and earlier`, `versions 0x01, 0x04`. */
function versionBitmapText(versions: readonly number[]): string {
  const vs = [...new Set(versions)].sort((a, b) => a - b);
  const hex = (v: number) => `0x${v.toString(16).padStart(2, "0")}`;
  if (!vs.length) return "no versions";
  const max = vs[vs.length - 1]!;
  if (vs.length === 1) return `version ${hex(max)}`;
  if (vs.length === max) return `version ${hex(max)} and earlier`;
  return `versions ${vs.map(hex).join(", ")}`;
}

/** The time stamp of an Open vSwitch log line (UTC, to the second). */
function vlogTime(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/**
 * Parses flows for a switch command; a port given by name (`in_port=p1`) is looked up in the switch's port
 * descriptions, as ovs-ofctl does, and the flows parsed again.
 */
async function parseWithPorts(c: OpenFlowConnection, texts: readonly string[], command: number): Promise<ParsedFlow[]> {
  try {
    return texts.map((t) => parseFlow(t, command));
  } catch (e) {
    if (!(e instanceof UnknownPortError)) throw e;
  }
  // xid 2, outside our sequence: ovs-ofctl asks over a helper connection its printed xids already count
  const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 });
  const portNames = new Map(r.type === "multipart_reply" && r.body.kind === "port_desc" ? r.body.ports.map((p) => [p.name, p.portNo] as const) : []);
  return texts.map((t) => parseFlow(t, command, { portNames }));
}

/** strerror() texts ovs-ofctl prints for the usual connection failures. */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: "Connection refused",
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  ETIMEDOUT: "Connection timed out",
  EHOSTUNREACH: "No route to host",
  ENETUNREACH: "Network is unreachable",
  ECONNRESET: "Connection reset by peer",
};

function fileLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l);
}

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
  const { opts, args } = parseArgs(argv);
  const [cmd, ...rest] = args;
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
          const q = rest[1] ? (await parseWithPorts(c, [rest[1]], FlowModCommand.DELETE))[0] : undefined;
          // a stats request carries its table itself: what needs the table_id extension in a flow_mod does not here
          const u = rest[1] && q ? usableProtocols(rest[1], q) : ANY_PROTOCOL;
          const usable = u | ((u & (Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID)) >> 1);
          const cur = protocolOfVersion(c.version);
          const protocol = c.version === OfpVersion.OF10 ? await protocolForFlowDump(c, cur, usable, allowedProtocols(opts), formatProtocols) : cur;
          // ovs-ofctl prints every reply message of a multipart sequence with its own header line
          const onPart = (part: Extract<OfMessage, { type: "multipart_reply" }>) => {
            const b = part.body;
            if (b.kind !== "flow" && b.kind !== "nx_flow") return;
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
        }, rest[1] ? 5 : 1);
        return 0;
      }
      case "dump-tables":
      case "dump-desc":
      case "dump-ports":
      case "dump-ports-desc": {
        need(rest, 1, cmd);
        await withSwitch(rest[0]!, opts, async (c) => {
          const body: MultipartRequestBody =
            cmd === "dump-tables"
              ? { kind: "table" }
              : cmd === "dump-desc"
                ? { kind: "desc" }
                : cmd === "dump-ports-desc"
                  ? { kind: "port_desc" }
                  : { kind: "port_stats", portNo: rest[1] === undefined ? 0xffffffff : parsePort(rest[1]) };
          // each reply message printed as it comes, as ovs-ofctl's dump_transaction()
          await c.request({ type: "multipart_request", flags: 0, body }, { onPart: (part) => io.out(`${formatMessage(part)}\n`) });
        });
        return 0;
      }
      case "show": {
        need(rest, 1, cmd);
        // ovs-ofctl's sequence and xids: features (2), port descriptions (3) unless the features reply has
        // the ports (OpenFlow 1.0), switch config on a new connection (its hello takes the next xid)
        await withSwitch(rest[0]!, opts, async (c) => {
          const features = await c.request({ type: "features_request", xid: 2 });
          io.out(`${formatMessage(features)}\n`);
          const hasPorts = features.type === "features_reply" && features.ports !== undefined;
          if (!hasPorts) io.out(`${formatMessage(await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 3 }))}\n`);
          io.out(`${formatMessage(await c.request({ type: "get_config_request", xid: hasPorts ? 4 : 5 }))}\n`);
        });
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
        return await runGroupMeterCommand(cmd, rest, allowed, io, (name, fn, firstXid) => withSwitch(name, opts, fn, firstXid));
      }
      case "add-group":
      case "add-groups":
      case "mod-group":
      case "del-groups":
      case "insert-buckets":
      case "remove-buckets":
        return await runGroupModCommand(cmd, rest, opts.mayCreate, opts.protocols ? opts.protocols.reduce((a, p) => a | p.bit, 0) : DEFAULT_ALLOWED, io, (name, fn, firstXid) => withSwitch(name, opts, fn, firstXid), opts.bundle);
      case "monitor": {
        monitorUsage(rest);
        checkMonitorArgs(rest.slice(1));
        const xids = new MonitorXids();
        const output = new MonitorOutput((text) => io.err(text));
        const path = opts.unixctl ?? defaultControlPath();
        const openControl = async (stop: () => void) => {
          const control = await openMonitorControl(path, current!, output, stop, (line) => io.err(`ovn-ts ofctl: ${line}\n`));
          return { received: control.received, close: () => control.server.close() };
        };
        let current: OpenFlowConnection | undefined;
        try {
          await withSwitch(rest[0]!, { ...opts, emitEchoRequests: true }, (c) => {
            current = c;
            return runMonitor(c, rest.slice(1), io, { xids, output, timestamp: opts.timestamp, openControl });
          }, xids.allocate);
        } finally {
          output.close();
        }
        return 0;
      }
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
          const fms = await parseWithPorts(c, texts, command);
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
      default:
        throw new UsageError(`unknown command '${cmd ?? ""}'; use --help for help`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof OpenFlowError) {
      io.err(`${formatMessage(e.reply)}\n`);
      return 1;
    }
    if (e instanceof SwitchConnectError) io.err(`${e.log}\n`);
    if (e instanceof FlowSyntaxError) {
      io.err(`ovn-ts ofctl: ${e.message}\n`);
      return 1;
    }
    io.err(`ovn-ts ofctl: ${(e as Error).message}\n`);
    return 1;
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
  let nextXid = 5;
  const allocate = () => nextXid++;
  await withSwitch(name, opts, async (c, target) => {
    const fms = await parseWithPorts(c, texts, command);
    const usable = fms.reduce((u, fm, i) => u & usableProtocols(texts[i]!, fm), ANY_PROTOCOL) & OF13_UP;
    const allowed = allowedProtocols(opts);
    if (!(usable & allowed)) throw new Error(`none of the usable flow formats (${formatProtocols(usable)}) is among the allowed flow formats (${formatProtocols(allowed)})`);
    const protocol = protocolOfVersion(c.version);
    if (!(usable & protocol)) throw new Error(`switch does not support any of the usable flow formats (${formatProtocols(usable)})`);
    await sendBundle(c, target, fms.map((fm) => ({ ...flowModMessage(protocol, fm), xid: allocate() })), io);
  }, allocate);
}
