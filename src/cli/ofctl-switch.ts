/**
 * `ovn-ts ofctl`'s switch connections as ovs-ofctl opens them: the SWITCH argument, version negotiation,
 * connection errors worded as ovs-ofctl's, port names looked up on the switch.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { OpenFlowConnection } from "../openflow/connection.js";
import { VersionNegotiationError } from "../openflow/errors.js";
import { type ParsedFlow, UnknownPortError, parseFlow } from "../openflow/flowtext.js";
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
  const target = switchTarget(name, process.env, opts.snoop ? "snoop" : "mgmt");
  let c: OpenFlowConnection;
  try {
    const xids = typeof firstXid === "number" ? { firstXid } : { allocateXid: firstXid };
    c = await OpenFlowConnection.connect(target, { versions, echoIntervalMs: 0, requestTimeoutMs: opts.timeoutMs, emitEchoRequests: opts.emitEchoRequests, answerEchoRequests: !opts.snoop, ...xids });
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
export class SwitchConnectError extends Error {
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
    // --no-names: a name is an unknown port
    if (!(e instanceof UnknownPortError) || !acceptNames) throw e;
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
  EPIPE: "Broken pipe",
};

/** The flow lines of FILE: comments and blank lines dropped. */
export function fileLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l);
}
