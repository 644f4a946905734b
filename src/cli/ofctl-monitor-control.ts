/**
 * The control socket of `ovn-ts ofctl monitor`, as ovs-ofctl's monitor_vconn() serves it for
 * `ovs-appctl -t SOCKET`: `exit`, `ofctl/send HEX...` (each message printed on the output as
 * `send: ...`, then sent as it is; the reply `sent` per message), `ofctl/barrier` (answered once the
 * switch's barrier reply has been printed), `ofctl/set-output-file FILE` (what the monitor prints goes
 * to FILE from then on), `ofctl/block` and `ofctl/unblock` (stop and resume reading from the switch),
 * `ofctl/packet-out "in_port=PORT packet=HEX actions=..."` (the OFPT_PACKET_OUT printed, then sent).
 * The socket is `--unixctl=PATH`, else `$OVS_RUNDIR/ovs-ofctl.PID.ctl` (default `/var/run/openvswitch`).
 *
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { fromHex } from "../bytes/hex.js";
import type { OpenFlowConnection } from "../openflow/connection.js";
import { OfpVersion } from "../openflow/constants.js";
import { type OfMessage, type OfMessageInput, encodeMessage } from "../openflow/messages.js";
import { UnixctlCommandError } from "../unixctl/errors.js";
import { UnixctlServer } from "../unixctl/server.js";
import { ofpPrintText } from "./ofctl-print.js";
import type { MonitorXids } from "./ofctl-monitor.js";
import { packetOutFromText } from "./ofctl-packet-out.js";
import { Vlog, VlogLevel } from "./vlog.js";
import type { Coverage } from "./coverage.js";

/** strerror() texts for the errors opening a file or socket gives. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EADDRINUSE: "Address already in use",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EROFS: "Read-only file system",
};

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && STRERROR[code]) ?? (e as Error).message;
}

/**
 * Where the monitor prints: the CLI's stderr until `ofctl/set-output-file` names a file (created or
 * truncated, as ovs-ofctl's dup2() onto stderr).
 */
export class MonitorOutput {
  private fd: number | undefined;
  /** @param stderr - writes to the CLI's standard error */
  constructor(private readonly stderr: (text: string) => void) {}
  /** Prints `text`. */
  write(text: string): void {
    if (this.fd === undefined) this.stderr(text);
    else writeSync(this.fd, text);
  }
  /**
   * Sends what follows to `path` (created, or truncated).
   * @throws Error with the open error's code
   */
  toFile(path: string): void {
    const fd = openSync(path, "w", 0o666);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = fd;
  }
  /** Closes the output file, if any. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The default control socket of a monitor: `RUNDIR/ovs-ofctl.PID.ctl`. */
export function defaultControlPath(env: NodeJS.ProcessEnv = process.env, pid = process.pid): string {
  return `${env["OVS_RUNDIR"] ?? "/var/run/openvswitch"}/ovs-ofctl.${pid}.ctl`;
}

/** A monitor's control socket; {@link MonitorControl.received} is told about every message the monitor printed. */
export interface MonitorControl {
  /** The server (close it when the monitor ends). */
  readonly server: UnixctlServer;
  /** To be called after the monitor printed a message it received (answers a waiting `ofctl/barrier`). */
  received(m: OfMessage): void;
}

/** What `ofctl/packet-out` needs beyond the connection. */
export interface MonitorControlExtras {
  /** The monitor's xids: a packet-out takes the next one, after the 4 of the first port and table name lookup. */
  readonly xids?: MonitorXids | undefined;
  /** The monitor's logging (`vlog/*` commands; the monitor's warnings); default: a fresh one on the output. */
  readonly vlog?: Vlog | undefined;
  /** Reads the switch's port names (over a connection of its own), for `in_port=p1` or `output:p1`. */
  readonly portNames?: (() => Promise<ReadonlyMap<string, number>>) | undefined;
  /** The monitor's coverage counters: `coverage/*` commands, the socket and its requests counted. */
  readonly coverage?: Coverage | undefined;
}

/**
 * Opens the control socket at `path`.
 * @throws Error `failed to create unixctl server (...)` after printing ovs-ofctl's `could not initialize
 * control socket` line through `logError`, when the socket cannot be created
 */
export async function openMonitorControl(path: string, c: OpenFlowConnection, out: MonitorOutput, exit: () => void, logError: (line: string) => void, extras: MonitorControlExtras = {}): Promise<MonitorControl> {
  let server: UnixctlServer;
  try {
    const coverage = extras.coverage;
    coverage?.inc("pstream_open");
    server = await UnixctlServer.listen(path, { version: "ovn-ts ofctl (mirrors ovs-ofctl)", onConnection: coverage && (() => coverage.wakeup()), onRequest: coverage && (() => coverage.inc("unixctl_received")), onReply: coverage && (() => coverage.inc("unixctl_replied")) });
  } catch (e) {
    logError(`${path}: could not initialize control socket (${strerror(e)})`);
    throw new Error(`failed to create unixctl server (${strerror(e)})`);
  }
  let barrierWaiter: (() => void) | undefined;
  let blocked = false;
  server.register("exit", { usage: "", minArgs: 0, maxArgs: 0, run: () => void exit() });
  server.register("ofctl/send", {
    usage: "OFMSG...",
    minArgs: 1,
    maxArgs: Number.MAX_SAFE_INTEGER,
    run: async (args) => {
      let reply = "";
      let ok = true;
      for (const hex of args) {
        const msg = messageFromHex(hex);
        if (typeof msg === "string") {
          reply += `${msg}\n`;
          ok = false;
          continue;
        }
        out.write(`send: ${ofpPrintText(msg, 0)}`);
        try {
          await c.send(rawMessage(msg));
          reply += "sent\n";
        } catch (e) {
          reply += `${(e as Error).message}\n`;
          ok = false;
        }
      }
      if (!ok) throw new UnixctlCommandError("ofctl/send", args, reply);
      return reply;
    },
  });
  let names: ReadonlyMap<string, number> | undefined;
  const warned = new Set<string>();
  const vlog = extras.vlog ?? new Vlog({ console: (line) => out.write(line) });
  vlog.register(server);
  extras.coverage?.register(server);
  server.register("ofctl/packet-out", {
    usage: '"in_port=<port> packet=<hex data> actions=..."',
    minArgs: 1,
    maxArgs: 1,
    run: async ([text]) => {
      extras.xids?.skipNames();
      let po = packetOutFromText(text!, c.version, names);
      if (!po.ok && !names && extras.portNames) {
        names = await extras.portNames();
        po = packetOutFromText(text!, c.version, names);
      }
      // VLOG_WARN_ONCE: each warning once per monitor
      for (const w of po.warnings) {
        if (warned.has(w.message)) continue;
        warned.add(w.message);
        vlog.log(w.module, VlogLevel.WARN, w.message);
      }
      if (!po.ok) throw new UnixctlCommandError("ofctl/packet-out", [text!], `${po.error}\n`);
      const bytes = encodeMessage({ ...po.message, xid: extras.xids?.allocate() ?? 0 } as OfMessageInput);
      out.write(ofpPrintText(bytes, 0));
      try {
        await c.send(rawMessage(bytes));
      } catch (e) {
        throw new UnixctlCommandError("ofctl/packet-out", [text!], `${(e as Error).message}\n`);
      }
      return undefined;
    },
  });
  server.register("ofctl/barrier", {
    usage: "",
    minArgs: 0,
    maxArgs: 0,
    run: async () => {
      if (barrierWaiter) throw new UnixctlCommandError("ofctl/barrier", [], "already waiting for barrier reply");
      const answered = new Promise<void>((resolve) => (barrierWaiter = resolve));
      try {
        await c.send({ type: "barrier_request", version: c.version || OfpVersion.OF13 } as OfMessageInput);
      } catch (e) {
        barrierWaiter = undefined;
        throw new UnixctlCommandError("ofctl/barrier", [], (e as Error).message);
      }
      await answered;
      return undefined;
    },
  });
  server.register("ofctl/set-output-file", {
    usage: "FILE",
    minArgs: 1,
    maxArgs: 1,
    run: ([file]) => {
      try {
        out.toFile(file!);
      } catch (e) {
        throw new UnixctlCommandError("ofctl/set-output-file", [file!], strerror(e));
      }
      return undefined;
    },
  });
  server.register("ofctl/block", {
    usage: "",
    minArgs: 0,
    maxArgs: 0,
    run: () => {
      if (blocked) return "already blocking";
      blocked = true;
      c.pause();
      return undefined;
    },
  });
  server.register("ofctl/unblock", {
    usage: "",
    minArgs: 0,
    maxArgs: 0,
    run: () => {
      if (!blocked) return "already unblocked";
      blocked = false;
      c.resume();
      return undefined;
    },
  });
  return {
    server,
    received(m) {
      if (m.type !== "barrier_reply" || !barrierWaiter) return;
      const w = barrierWaiter;
      barrierWaiter = undefined;
      w();
    },
  };
}

/** ovs-ofctl's openflow_from_hex(): the message's bytes, or its error text. */
function messageFromHex(hex: string): Uint8Array | string {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex);
  } catch {
    return "Trailing garbage in hex data";
  }
  if (bytes.length < 8) return "Message too short for OpenFlow";
  if (((bytes[2]! << 8) | bytes[3]!) !== bytes.length) return "Message size does not match length in OpenFlow header";
  return bytes;
}

/** A message sent byte for byte as given (its header's version, type and xid kept). */
function rawMessage(bytes: Uint8Array): OfMessageInput {
  const xid = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  return { type: "unknown", version: bytes[0]!, msgType: bytes[1]!, xid, body: bytes.subarray(8) } as OfMessageInput;
}
