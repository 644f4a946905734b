/**
 * `ovn-ts ofctl monitor SWITCH [MISS-LEN] [invalid_ttl] [watch:[SPEC...]]`, as ovs-ofctl's ofctl_monitor()
 * does it: each MISS-LEN sets the switch's miss_send_len, `invalid_ttl` asks for packets with an invalid TTL,
 * each `watch:` sends a flow monitor request (NXST_FLOW_MONITOR over OpenFlow 1.0-1.2, ONFST_FLOW_MONITOR over
 * 1.3, OFPST_FLOW_MONITOR over 1.4+) and prints its reply on stdout; then the session asks for NXT_PACKET_IN2
 * and prints every message the switch sends (flow updates, packet-ins, its echo requests, ...) on stderr
 * (`--timestamp`: each after the time) until the connection closes, `signal` aborts or the control socket's
 * `exit` (cli/ofctl-monitor-control.ts) ends it.
 *
 * @module
 */
import { type CliIo, UsageError } from "./io.js";
import { OfpVersion } from "../openflow/constants.js";
import { type OpenFlowConnection, OpenFlowError } from "../openflow/connection.js";
import type { OfMessage } from "../openflow/messages.js";
import { formatMessage } from "../openflow/print.js";
import type { NameMaps } from "../openflow/flowtext.js";
import { flowMonitorRequestBody } from "../openflow/flow-monitor.js";
import { parseFlowMonitorRequest } from "../openflow/text/flow-monitor.js";

/** OFPC_INVALID_TTL_TO_CONTROLLER in the switch configuration flags. */
const INVALID_TTL_TO_CONTROLLER = 4;
/** NXPIF_NXT_PACKET_IN2 (Open vSwitch's preferred packet-in format). */
const NXPIF_NXT_PACKET_IN2 = 2;
/** NXPIF_NXT_PACKET_IN, asked for over OpenFlow 1.0 when the switch refuses NXT_PACKET_IN2. */
const NXPIF_NXT_PACKET_IN = 1;

/** The monitor arguments checked before connecting (ovs-ofctl refuses an unknown one only once connected, but the result is the same). */
export function checkMonitorArgs(args: readonly string[]): void {
  for (const a of args) {
    if (/^\d/.test(a) || a === "invalid_ttl" || a.startsWith("watch:")) continue;
    throw new Error(`${a}: unsupported "monitor" argument`);
  }
}

async function fetchConfig(c: OpenFlowConnection): Promise<{ flags: number; missSendLen: number }> {
  const r = await c.request({ type: "get_config_request" });
  if (r.type !== "get_config_reply") throw new Error(`bad reply to config request`);
  return { flags: r.flags, missSendLen: r.missSendLen };
}

/**
 * The transaction ids of a monitor session, numbered as ovs-ofctl numbers them: give {@link MonitorXids.allocate}
 * to the connection (`allocateXid`) and the instance to {@link runMonitor}, which skips the xids ovs-ofctl
 * spends on its helper connections.
 */
export class MonitorXids {
  private nextXid = 1;
  /** Allocates the next xid (the connection's `allocateXid`). */
  readonly allocate = (): number => {
    const x = this.nextXid;
    this.nextXid = this.nextXid >= 0xffffffff ? 1 : this.nextXid + 1;
    return x;
  };
  /** @param names - false with `--no-names`: ovs-ofctl reads no names, so spends no xids on them */
  constructor(names = true) {
    this.named = !names;
  }
  private named: boolean;
  /** Skips `n` xids. */
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.allocate();
  }
  /**
   * Skips the 4 xids ovs-ofctl spends reading the switch's port and table names over two connections of
   * its own, the first time it needs them (a `watch:`, an `ofctl/packet-out`); it keeps them after that.
   */
  skipNames(): void {
    if (this.named) return;
    this.named = true;
    this.skip(4);
  }
}

/** Options of {@link runMonitor}. */
export interface MonitorOptions {
  /** Stops the monitor (the caller closes the connection). */
  readonly signal?: AbortSignal | undefined;
  /** Called once the requests are done and every message the switch sends from then on is printed. */
  readonly onListening?: (() => void) | undefined;
  /**
   * The xids the connection was opened with (its `allocateXid`): the 4 ovs-ofctl spends on port and table
   * names before its first `watch:` are skipped. Without it the connection's xids run on unskipped.
   */
  readonly xids?: MonitorXids | undefined;
  /** Where the received messages are printed (default: `io.err`); `ofctl/set-output-file` moves it. */
  readonly output?: { write(text: string): void } | undefined;
  /** `--timestamp`: each received message is preceded by the wall-clock time (UTC, to the millisecond). */
  readonly timestamp?: boolean | undefined;
  /** The switch's port and table names the messages print with (`--names`, or a terminal); default numbers. */
  readonly names?: NameMaps | undefined;
  /**
   * Opens the monitor's control socket once the requests are done (ovs-ofctl's monitor_vconn()); `stop`
   * ends the monitor as `exit` does. The control is told of each message after it is printed and closed
   * when the monitor ends.
   */
  /**
   * `snoop`: the connection is a bridge's snoop socket; nothing is asked of it (no packet-in format), its
   * messages are only printed.
   */
  readonly snoop?: boolean | undefined;
  readonly openControl?: ((stop: () => void) => Promise<{ received(m: OfMessage): void; close(): void | Promise<void> }>) | undefined;
}

/** ovs-ofctl's `--timestamp` prefix: `2026-12-07 07:15:02.123: ` (UTC). */
export function monitorTimestamp(at = new Date()): string {
  return `${at.toISOString().replace("T", " ").slice(0, 23)}: `;
}

/**
 * Runs the monitor on an open connection. `args` are the arguments after SWITCH. Resolves when
 * `opts.signal` aborts (the caller closes the connection); when the switch closes the connection it throws
 * `vconn_recv (End of file)`, as ovs-ofctl exits.
 * @throws Error (ovs-ofctl's message) for a bad argument or a closed connection; FlowSyntaxError for a bad `watch:` match
 */
export async function runMonitor(c: OpenFlowConnection, args: readonly string[], io: CliIo, opts: MonitorOptions = {}): Promise<void> {
  const { signal } = opts;
  checkMonitorArgs(args);
  // monitor ids from 0, as parse_flow_monitor_request() numbers them (atomic_count_inc() returns the old count)
  let nextId = 0;
  for (const arg of args) {
    if (/^\d/.test(arg)) {
      const config = await fetchConfig(c);
      // atoi() into the 16-bit miss_send_len
      await c.sendChecked([{ type: "set_config", flags: config.flags, missSendLen: Number.parseInt(arg, 10) & 0xffff }]);
    } else if (arg === "invalid_ttl") {
      if (c.version > OfpVersion.OF12) throw new Error("invalid_ttl requires one of the OpenFlow versions OpenFlow10, OpenFlow11, OpenFlow12 but none is enabled (use -O)");
      const config = await fetchConfig(c);
      if (!(config.flags & INVALID_TTL_TO_CONTROLLER)) {
        await c.sendChecked([{ type: "set_config", flags: config.flags | INVALID_TTL_TO_CONTROLLER, missSendLen: config.missSendLen }]);
        if (!((await fetchConfig(c)).flags & INVALID_TTL_TO_CONTROLLER)) throw new Error("setting invalid_ttl_to_controller failed (this switch probably doesn't support this flag)");
      }
    } else {
      // ovs-ofctl reads port and table names over two connections of its own (4 xids) for its first watch:
      if (nextId === 0) opts.xids?.skipNames();
      const rq = parseFlowMonitorRequest(arg.slice("watch:".length), nextId++);
      try {
        await c.request({ type: "multipart_request", flags: 0, body: flowMonitorRequestBody(c.version, [rq]) }, { onPart: (part) => io.out(`${formatMessage(part, { names: opts.names })}\n`) });
      } catch (e) {
        if (!(e instanceof OpenFlowError)) throw e;
        io.out(`${formatMessage(e.reply, { names: opts.names })}\n`);
      }
    }
  }
  const out = opts.output ?? { write: (text: string) => io.err(text) };
  let control: { received(m: OfMessage): void; close(): void | Promise<void> } | undefined;
  let stop: (() => void) | undefined;
  const closed = new Promise<boolean>((resolve) => {
    const onMessage = (m: OfMessage) => {
      out.write(`${opts.timestamp ? monitorTimestamp() : ""}${formatMessage(m, { names: opts.names })}\n`);
      control?.received(m);
    };
    const finish = (byClose: boolean) => {
      c.off("message", onMessage);
      c.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      resolve(byClose);
    };
    const onClose = () => finish(true);
    const onAbort = () => finish(false);
    stop = onAbort;
    c.on("message", onMessage);
    c.on("close", onClose);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort);
  });
  try {
    // (printing from here on: an update the switch sends while the format is set is not lost)
    // Prefer NXT_PACKET_IN2; over OpenFlow 1.0 fall back to NXT_PACKET_IN. A refusal is not an error.
    const setFormat = async (format: number) => {
      try {
        await c.sendChecked([{ type: "nx_set_packet_in_format", format }]);
        return true;
      } catch (e) {
        if (e instanceof OpenFlowError) return false;
        throw e;
      }
    };
    if (!opts.snoop && !(await setFormat(NXPIF_NXT_PACKET_IN2)) && c.version === OfpVersion.OF10) await setFormat(NXPIF_NXT_PACKET_IN);
    if (opts.openControl) control = await opts.openControl(() => stop?.());
    opts.onListening?.();
    // ovs-ofctl's monitor ends with a fatal error when the switch closes the connection
    if (await closed) throw new Error("vconn_recv (End of file)");
  } finally {
    await control?.close();
  }
}

/** `monitor` needs the switch argument; the rest is checked by {@link runMonitor}. */
export function monitorUsage(rest: readonly string[]): void {
  if (rest.length < 1) throw new UsageError(`'monitor' command requires at least 1 arguments`);
}
