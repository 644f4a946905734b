/**
 * `ovn-ts ofctl`'s switch connections as ovs-ofctl opens them: the SWITCH argument, version negotiation,
 * connection errors worded as ovs-ofctl's, port names looked up on the switch.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { OpenFlowConnection } from "../openflow/connection.js";
import { VersionNegotiationError } from "../openflow/errors.js";
import { type NameMaps, type ParsedFlow, PortNames, TableNames, UnknownPortError, UnknownTableError, parseFlow } from "../openflow/flowtext.js";
import { OfpVersion } from "../openflow/constants.js";
import { type OfMessage, decodeMessage } from "../openflow/messages.js";
import { ofpPrintText } from "./ofctl-print.js";
import { VlogLevel } from "./vlog.js";
import { type Opts, switchVersions } from "./ofctl-options.js";

/**
 * The connection target for ovs-ofctl's SWITCH argument: `tcp:`/`unix:` as given, else a socket file, else a
 * bridge name whose management socket is `$OVS_RUNDIR/NAME.mgmt` (default /var/run/openvswitch).
 * @throws Error "NAME is not a bridge or a socket" (ovs-ofctl's message) for anything else
 */
export function switchTarget(name: string, env: NodeJS.ProcessEnv = process.env, suffix: "mgmt" | "snoop" = "mgmt"): string {
  if (name.includes(":")) return name;
  const isSocket = (p: string) => {
    try {
      return statSync(p).isSocket();
    } catch {
      return false;
    }
  };
  if (isSocket(name)) return `unix:${name}`;
  const bridge = `${env["OVS_RUNDIR"] ?? "/var/run/openvswitch"}/${name}.${suffix}`;
  if (isSocket(bridge)) return `unix:${bridge}`;
  throw new Error(`${name} is not a bridge or a socket`);
}

/**
 * Connects to the switch and runs `fn`. `firstXid` is the xid of our HELLO: ovs-ofctl opens helper
 * connections first for some commands (port and table names), and its printed xids count them; a
 * function allocates every xid instead (the monitor skips xids mid-session).
 */
export async function withSwitch<T>(name: string, opts: Opts & { emitEchoRequests?: boolean; snoop?: boolean }, fn: (c: OpenFlowConnection, target: string) => Promise<T>, firstXid: number | (() => number) = 1): Promise<T> {
  const versions = switchVersions(opts);
  // snoop: the bridge's snoop socket, whose echo requests are another connection's (not answered)
  const suffix = opts.snoop ? "snoop" : "mgmt";
  let target: string;
  try {
    target = switchTarget(name, process.env, suffix);
  } finally {
    // ovs-ofctl's open_vconn__() tries NAME as a socket file, then the bridge's socket (twice: as the bridge
    // and as its datapath), each a vconn and a stream opened
    const tries = name.includes(":") ? [] : [name, `${name}.${suffix}`, `${name}.${suffix}`];
    for (const file of tries) {
      if (isSocket(isAbsolute(file) ? file : join(rundir(), file))) break;
      opts.coverage?.inc("vconn_open");
      opts.coverage?.inc("stream_open");
      opts.vlog?.log("stream_unix", VlogLevel.DBG, `${isAbsolute(file) ? file : join(rundir(), file)}: connection failed (No such file or directory)`);
    }
  }
  opts.coverage?.inc("vconn_open");
  opts.coverage?.inc("stream_open");
  opts.vlog?.log("ofctl", VlogLevel.DBG, `connecting to ${target}`);
  let c: OpenFlowConnection;
  try {
    const xids = typeof firstXid === "number" ? { firstXid } : { allocateXid: firstXid };
    c = await OpenFlowConnection.connect(target, { versions, echoIntervalMs: 0, requestTimeoutMs: opts.timeoutMs, emitEchoRequests: opts.emitEchoRequests, answerEchoRequests: !opts.snoop, onTraffic: vconnTraffic(target, versions, opts), ...xids });
  } catch (e) {
    if (e instanceof VersionNegotiationError) {
      // ovs-ofctl: vconn's warning on stderr, then the connection fails with EPIPE
      const warning = `${target}: version negotiation failed (we support ${versionBitmapText(versions)}, peer supports ${versionBitmapText(e.peer)})`;
      if (opts.vlog) opts.vlog.log("vconn", VlogLevel.WARN, warning);
      throw new SwitchConnectError(`${name}: failed to connect to socket (Broken pipe)`, opts.vlog ? undefined : `${vlogTime()}|00001|vconn|WARN|${warning}`);
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

/** A switch connection that failed, with the log line ovs-ofctl's vconn layer prints before its error (unless logged already). */
export class SwitchConnectError extends Error {
  override readonly name = "SwitchConnectError";
  constructor(
    message: string,
    readonly log: string | undefined,
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

/** `$OVS_RUNDIR`, default /var/run/openvswitch. */
function rundir(): string {
  return process.env["OVS_RUNDIR"] ?? "/var/run/openvswitch";
}

/** Whether `path` is a socket. */
function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * What Open vSwitch's vconn layer does with each message of a connection to `target`: count it
 * (`vconn_sent`, `vconn_received`) and log it at DBG (`sent (Success): ...`, `received: ...`, as ofp-print
 * prints it at verbosity 1), the HELLO exchange followed by the `negotiated OpenFlow version` line.
 */
function vconnTraffic(target: string, versions: readonly number[], opts: Opts): ((direction: "sent" | "received", bytes: Uint8Array) => void) | undefined {
  const { vlog, coverage } = opts;
  if (!vlog && !coverage) return undefined;
  let negotiated = false;
  return (direction, bytes) => {
    coverage?.inc(direction === "sent" ? "vconn_sent" : "vconn_received");
    if (!vlog?.enabled("vconn", VlogLevel.DBG)) return;
    const text = ofpPrintText(bytes, 1).replace(/\n$/, "");
    vlog.log("vconn", VlogLevel.DBG, direction === "sent" ? `${target}: sent (Success): ${text}` : `${target}: received: ${text}`);
    if (direction !== "received" || negotiated || bytes[1] !== 0) return;
    negotiated = true;
    let peer: readonly number[];
    try {
      const m = decodeMessage(bytes);
      // a HELLO without a version bitmap offers every version up to its own
      peer = m.type === "hello" && m.versions.length ? m.versions : Array.from({ length: bytes[0]! }, (_, i) => i + 1);
    } catch {
      return;
    }
    const common = versions.filter((v) => peer.includes(v));
    if (common.length) vlog.log("vconn", VlogLevel.DBG, `${target}: negotiated OpenFlow version 0x${Math.max(...common).toString(16).padStart(2, "0")} (we support ${versionBitmapText(versions)}, peer supports ${versionBitmapText(peer)})`);
  };
}

/** The time stamp of an Open vSwitch log line (UTC, to the second). */
export function vlogTime(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/**
 * Parses flows for a switch command; a port given by name (`in_port=p1`) is looked up in the switch's port
 * descriptions, as ovs-ofctl does, and the flows parsed again.
 */
export async function parseWithPorts(c: OpenFlowConnection, texts: readonly string[], command: number, acceptNames = true): Promise<ParsedFlow[]> {
  try {
    return texts.map((t) => parseFlow(t, command));
  } catch (e) {
    // --no-names: a name is an unknown port or table
    if (!(e instanceof UnknownPortError || e instanceof UnknownTableError) || !acceptNames) throw e;
  }
  // xids 2 and 3, outside our sequence: ovs-ofctl asks over helper connections its printed xids already count
  const portNames = portNamesOf(await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 }));
  const tableNames = tableNamesOf(await c.request({ type: "multipart_request", flags: 0, body: c.version >= OfpVersion.OF13 ? { kind: "table_features", tables: [] } : { kind: "table" }, xid: 3 }));
  return texts.map((t) => parseFlow(t, command, { portNames, tableNames: tableNames.numbers }));
}

/** The table names of a table-features (OpenFlow 1.3+) or table-stats reply (none for any other message). */
function tableNamesOf(r: OfMessage): TableNames {
  if (r.type !== "multipart_reply") return new TableNames();
  const b = r.body;
  if (b.kind === "table_features") return new TableNames(b.tables);
  if (b.kind === "table") return new TableNames(b.tables.map((t) => ({ tableId: t.tableId, name: t.name ?? "" })));
  return new TableNames();
}

/** The port names of a port-desc reply (none for any other message). */
export function portNamesOf(reply: OfMessage): PortNames {
  return new PortNames(reply.type === "multipart_reply" && reply.body.kind === "port_desc" ? reply.body.ports : []);
}

/**
 * ovs-ofctl's get_port_map(): the switch's port names read over a connection of its own (its HELLO and
 * request take xids `firstXid` on, as ovs-ofctl's count them), for printing ports by name.
 */
export function fetchPortNames(name: string, opts: Opts, firstXid: number | (() => number) = 1): Promise<PortNames> {
  return withSwitch(name, opts, async (c) => portNamesOf(await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" } })), firstXid);
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
  EPIPE: "Broken pipe",
};

/** The flow lines of FILE: comments and blank lines dropped. */
export function fileLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l);
}

/**
 * ovs-ofctl's get_table_map(): the names of the switch's tables read over a connection of its own, from its
 * table features (OpenFlow 1.3 and later) or its table stats.
 */
export function fetchTableNames(name: string, opts: Opts, firstXid: number | (() => number) = 1): Promise<TableNames> {
  return withSwitch(
    name,
    opts,
    async (c) => {
      return tableNamesOf(await c.request({ type: "multipart_request", flags: 0, body: c.version >= OfpVersion.OF13 ? { kind: "table_features", tables: [] } : { kind: "table" } }));
    },
    firstXid,
  );
}

/**
 * The port and table maps ovs-ofctl prints names from (`--names`): the port names (`ports` when they were
 * read already), then the table names, each over a connection of its own.
 */
export async function fetchNameMaps(name: string, opts: Opts, allocateXid?: () => number, ports?: PortNames): Promise<NameMaps> {
  const p = ports ?? (await fetchPortNames(name, opts, allocateXid));
  const t = await fetchTableNames(name, opts, allocateXid);
  return { port: p.format, table: t.format };
}
