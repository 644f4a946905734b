/**
 * The unixctl client: the JSON-RPC 1.0 protocol `ovs-appctl` speaks to an OVS/OVN daemon's control
 * socket (OVS `lib/unixctl.c`). A request is `{"method": COMMAND, "params": [ARG...], "id": N}` with
 * string arguments; the reply carries either a string `result` (the command's output) or a string
 * `error`. Framing and message validation are the OVSDB ones (`ovsdb/wire`): the same byte stream of
 * concatenated JSON objects.
 *
 * @module
 */
import net from "node:net";
import { JsonFramer } from "../ovsdb/wire/framer.js";
import { encodeRequest, parseMessage } from "../ovsdb/wire/jsonrpc.js";
import { UnixctlClosedError, UnixctlCommandError, UnixctlConnectError, UnixctlProtocolError, UnixctlTimeoutError, UnixctlUnknownCommandError } from "./errors.js";

/** Options of {@link UnixctlClient.connect}. */
export interface UnixctlOptions {
  /**
   * Default per-call timeout in milliseconds; 0 = none (a call still fails when the socket closes).
   * @default 0
   */
  timeoutMs?: number;
  /**
   * Connect timeout in milliseconds.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Largest accepted reply in bytes (`coverage/show` and `dpctl/dump-flows` can be large).
   * @default 64 MiB
   */
  maxReplyBytes?: number;
}

interface Pending {
  command: string;
  args: readonly string[];
  resolve: (text: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const UNKNOWN_COMMAND = /^"[^"]*" is not a valid command/;

/** A connection to one daemon's control socket; calls may be issued concurrently (correlated by id). */
export class UnixctlClient {
  /** The socket path. */
  readonly path: string;
  private readonly socket: net.Socket;
  private readonly framer: JsonFramer;
  private readonly pending = new Map<number, Pending>();
  private readonly timeoutMs: number;
  private nextId = 0;
  private closed: Error | undefined;

  private constructor(path: string, socket: net.Socket, options: UnixctlOptions) {
    this.path = path;
    this.socket = socket;
    this.timeoutMs = options.timeoutMs ?? 0;
    this.framer = new JsonFramer({ maxMessageBytes: options.maxReplyBytes ?? 64 * 1024 * 1024 });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => this.fail(new UnixctlClosedError(path, e.code)));
    socket.on("close", () => this.fail(new UnixctlClosedError(path, undefined)));
  }

  /** Connects to the control socket at `path`; rejects with {@link UnixctlConnectError}. */
  static connect(path: string, options: UnixctlOptions = {}): Promise<UnixctlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new UnixctlConnectError(path, "ETIMEDOUT"));
      }, options.connectTimeoutMs ?? 5000);
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new UnixctlConnectError(path, e.code ?? "EPROTO"));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new UnixctlClient(path, socket, options));
      });
    });
  }

  /** True once the connection is closed (by {@link UnixctlClient.close}, the peer or an error). */
  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  /**
   * Runs `command` with string `args` and resolves with its output, verbatim. Rejects with
   * {@link UnixctlUnknownCommandError}, {@link UnixctlCommandError} (the daemon's error text),
   * {@link UnixctlTimeoutError}, {@link UnixctlClosedError} or {@link UnixctlProtocolError}.
   */
  call(command: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const p: Pending = { command, args, resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new UnixctlTimeoutError(this.path, command, timeoutMs));
        }, timeoutMs);
      }
      this.pending.set(id, p);
      this.socket.write(encodeRequest(command, args, id));
    });
  }

  /** Closes the connection; pending calls reject with {@link UnixctlClosedError}. */
  close(): void {
    this.fail(new UnixctlClosedError(this.path, undefined));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let messages: unknown[];
    try {
      messages = this.framer.push(chunk);
    } catch (e) {
      this.protocolError(e instanceof Error ? e.message : String(e));
      return;
    }
    for (const m of messages) {
      let msg;
      try {
        msg = parseMessage(m);
      } catch (e) {
        this.protocolError(e instanceof Error ? e.message : String(e));
        return;
      }
      if (msg.kind !== "response") continue; // daemons send no requests to unixctl clients; ignore
      const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
      if (!p) continue;
      this.pending.delete(msg.id as number);
      if (p.timer) clearTimeout(p.timer);
      if (msg.error !== null) {
        if (typeof msg.error !== "string") {
          p.reject(new UnixctlProtocolError(this.path, `unexpected error type in JSON RPC reply: ${jsonType(msg.error)}`));
        } else {
          const Cls = UNKNOWN_COMMAND.test(msg.error) ? UnixctlUnknownCommandError : UnixctlCommandError;
          p.reject(new Cls(p.command, p.args, msg.error));
        }
      } else if (typeof msg.result !== "string") {
        p.reject(new UnixctlProtocolError(this.path, `unexpected result type in JSON rpc reply: ${jsonType(msg.result)}`));
      } else {
        p.resolve(msg.result);
      }
    }
  }

  private protocolError(reason: string): void {
    this.fail(new UnixctlProtocolError(this.path, reason));
    this.socket.destroy();
  }

  private fail(e: Error): void {
    if (!this.closed) this.closed = e;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
  }
}

/** OVS's name of a JSON value's type (`json_type_to_string`). */
function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return v ? "true" : "false";
  return typeof v === "number" ? (Number.isInteger(v) ? "integer" : "real") : "string";
}

/**
 * One-shot call: connects to `path`, runs `command`, closes. `timeoutMs` bounds the whole exchange
 * (connect included).
 */
export async function unixctlCall(path: string, command: string, args: readonly string[] = [], options: UnixctlOptions = {}): Promise<string> {
  const client = await UnixctlClient.connect(path, { ...options, ...(options.timeoutMs ? { connectTimeoutMs: options.timeoutMs } : {}) });
  try {
    return await client.call(command, args);
  } finally {
    client.close();
  }
}
