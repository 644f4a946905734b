/**
 * An OpenFlow channel over TCP or a unix socket (OpenFlow 1.3.5 §6.3): version negotiation with HELLO
 * bitmaps, echo keep-alive, xid correlation with per-request timeouts, barriers, multipart
 * reassembly, role requests, write backpressure, and optional reconnect for client connections.
 *
 * Works in both directions: {@link OpenFlowConnection.connect} dials a switch's passive listener
 * (`tcp:IP:PORT`, `unix:PATH`); {@link OpenFlowListener} accepts switches that connect to us.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import { type Socket, type Server, createConnection, createServer } from "node:net";
import { DecodeError } from "../bytes/decode-error.js";
import { Writer } from "../bytes/writer.js";
import { FrameDecoder } from "./framing.js";
import {
  type FlowMod,
  type FlowStats,
  type FlowStatsRequest,
  type MultipartReplyBody,
  type MultipartRequestBody,
  type OfMessage,
  type OfMessageInput,
  OFPMPF_MORE,
  decodeMessage,
  encodeMessage,
  mergeMultipartReplies,
  negotiateVersion,
} from "./messages.js";
import { ErrorType, OfpVersion } from "./constants.js";
import { ConnectionClosedError, OpenFlowError, OpenFlowTimeoutError, RequestTimeoutError, VersionNegotiationError } from "./errors.js";
import { emitErrorSafely } from "../rpc/emit.js";
import { type RetryStrategy, backoffDelay, retryStrategy } from "../rpc/retry.js";

export { ConnectionClosedError, OpenFlowError, OpenFlowTimeoutError, RequestTimeoutError };

/** Connection lifecycle states. */
export type ConnectionState = "connecting" | "handshaking" | "ready" | "reconnecting" | "closed";

/** A target string as ovs-ofctl accepts it. */
export type Target = { readonly kind: "tcp"; readonly host: string; readonly port: number } | { readonly kind: "unix"; readonly path: string };

/** Parses `tcp:IP[:PORT]` (default 6653) or `unix:PATH`. */
export function parseTarget(s: string): Target {
  if (s.startsWith("unix:")) return { kind: "unix", path: s.slice(5) };
  const m = /^tcp:(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
  if (m) return { kind: "tcp", host: m[1]!.replace(/^\[|\]$/g, ""), port: m[2] ? Number(m[2]) : 6653 };
  throw new Error(`${s}: unsupported target (use tcp:IP:PORT or unix:PATH)`);
}

/** Connection options. */
export interface ConnectionOptions {
  /** Versions we offer in HELLO (default: OpenFlow 1.3 only). */
  readonly versions?: readonly number[];
  /** Default per-request timeout in ms (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Echo keep-alive interval in ms; 0 disables (default 5 s). */
  readonly echoIntervalMs?: number;
  /** How long an echo request may stay unanswered before the connection is declared dead (default 3 intervals). */
  readonly echoTimeoutMs?: number;
  /** Handshake timeout in ms (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  /**
   * Reconnect (client connections only), with the SDK's shared {@link RetryStrategy} (exponential
   * backoff with jitter and a cap, as the OVSDB client): unset fields take their
   * {@link defaultRetry} values (250 ms doubling to 8 s, half jittered); `maxAttempts` bounds the
   * attempts in a row. Unset: no reconnect.
   */
  readonly reconnect?: Partial<RetryStrategy> | undefined;
  /**
   * The first transaction id (HELLO's); later messages count up from it. A tool that mirrors another's
   * output (ovs-ofctl prints xids) starts where that tool's would be.
   * @default 1
   */
  readonly firstXid?: number | undefined;
  /**
   * Allocates the transaction id of each message sent without one (HELLO's included) in place of the
   * connection's own counter from `firstXid`: a tool that mirrors another's printed xids (ovs-ofctl spends
   * some on helper connections) numbers the messages itself.
   * @default undefined (the connection counts up from `firstXid`)
   */
  readonly allocateXid?: (() => number) | undefined;
  /**
   * Also emit the switch's echo requests as `message` (they are answered either way), for a tool that
   * prints every message it receives, as `ovs-ofctl monitor` does.
   * @default false
   */
  readonly emitEchoRequests?: boolean | undefined;
  /**
   * Answer the peer's echo requests. False for a connection that only watches, such as a switch's snoop
   * socket (`ovs-ofctl snoop`), where the echo requests are copies of another connection's.
   * @default true
   */
  readonly answerEchoRequests?: boolean | undefined;
  /**
   * Told about every message written to the socket and every whole message read from it, before it is
   * decoded (a tool that logs or counts its traffic, as Open vSwitch's vconn layer does). The bytes are only
   * valid during the call.
   * @default undefined
   */
  readonly onTraffic?: ((direction: "sent" | "received", bytes: Uint8Array) => void) | undefined;
}

interface Pending {
  resolve(m: OfMessage): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  parts?: MultipartReplyBody[] | undefined;
  onPart?: ((m: Extract<OfMessage, { type: "multipart_reply" }>) => void) | undefined;
}

/** Events emitted by {@link OpenFlowConnection}. */
export interface ConnectionEvents {
  state: [state: ConnectionState];
  /** Every message not consumed as a reply (packet_in, port_status, flow_removed, async errors...). */
  message: [msg: OfMessage];
  /** A protocol or socket error; the connection closes (or reconnects) afterwards. Without a listener it is a process warning, never a crash. */
  error: [err: Error];
  /** A reconnect is scheduled: attempt number (0-based, since the last `ready`) and the jittered delay before it, in ms. */
  reconnect: [attempt: number, delayMs: number];
  close: [];
}

/** One OpenFlow channel. */
export class OpenFlowConnection extends EventEmitter<ConnectionEvents> {
  /** Current state. */
  state: ConnectionState = "connecting";
  /** Negotiated version once `ready`. */
  version = 0;
  private socket: Socket | undefined;
  private decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private nextXid = 1;
  private echoTimer: NodeJS.Timeout | undefined;
  private echoOutstanding = false;
  private readonly writer = new Writer("openflow", 1024);
  private drainWaiters: (() => void)[] = [];
  private readonly opts: Required<Omit<ConnectionOptions, "reconnect" | "allocateXid" | "emitEchoRequests" | "answerEchoRequests" | "onTraffic">> & { readonly emitEchoRequests: boolean; readonly answerEchoRequests: boolean };
  private readonly onTraffic: ConnectionOptions["onTraffic"];
  private readonly xidSource: (() => number) | undefined;
  private readonly retry: RetryStrategy | undefined;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private closing = false;
  private attempts = 0;

  private constructor(
    private readonly target: Target | undefined,
    opts: ConnectionOptions,
  ) {
    super();
    this.opts = {
      versions: opts.versions ?? [OfpVersion.OF13],
      requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
      echoIntervalMs: opts.echoIntervalMs ?? 5_000,
      echoTimeoutMs: opts.echoTimeoutMs ?? 3 * (opts.echoIntervalMs ?? 5_000),
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
      firstXid: opts.firstXid ?? 1,
      emitEchoRequests: opts.emitEchoRequests ?? false,
      answerEchoRequests: opts.answerEchoRequests ?? true,
    };
    this.retry = opts.reconnect ? retryStrategy(opts.reconnect) : undefined;
    if (opts.firstXid !== undefined) this.nextXid = opts.firstXid >>> 0 || 1;
    this.xidSource = opts.allocateXid;
    this.onTraffic = opts.onTraffic;
  }

  /** Dials a switch's passive listener and resolves once the HELLO exchange has completed. */
  static async connect(target: string | Target, opts: ConnectionOptions = {}): Promise<OpenFlowConnection> {
    const c = new OpenFlowConnection(typeof target === "string" ? parseTarget(target) : target, opts);
    c.dial();
    await c.ready();
    return c;
  }

  /** Wraps an accepted socket (controller side) and starts the handshake. */
  static accept(socket: Socket, opts: ConnectionOptions = {}): OpenFlowConnection {
    const c = new OpenFlowConnection(undefined, opts);
    c.attach(socket);
    return c;
  }

  /** Resolves when the connection is `ready`; rejects if it closes first. */
  ready(): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    if (this.state === "closed") return Promise.reject(new ConnectionClosedError("connection closed"));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit("state", s);
    if (s === "ready") for (const w of this.readyWaiters.splice(0)) w.resolve();
    if (s === "closed") for (const w of this.readyWaiters.splice(0)) w.reject(new ConnectionClosedError("connection closed"));
  }

  private dial(): void {
    const t = this.target!;
    this.setState(this.attempts === 0 ? "connecting" : "reconnecting");
    const sock = t.kind === "tcp" ? createConnection({ host: t.host, port: t.port }) : createConnection({ path: t.path });
    this.attach(sock);
  }

  private attach(sock: Socket): void {
    this.socket = sock;
    this.decoder = new FrameDecoder();
    sock.setNoDelay?.(true);
    const start = () => {
      this.setState("handshaking");
      this.sendRaw({ type: "hello", versions: this.opts.versions, version: Math.max(...this.opts.versions), xid: this.allocXid() });
      const t = setTimeout(() => {
        if (this.state === "handshaking") this.fail(new RequestTimeoutError("OpenFlow handshake", this.opts.handshakeTimeoutMs));
      }, this.opts.handshakeTimeoutMs);
      t.unref();
    };
    if (sock.connecting) sock.once("connect", start);
    else start();
    sock.on("data", (chunk: Buffer) => this.onData(chunk));
    sock.on("drain", () => {
      for (const w of this.drainWaiters.splice(0)) w();
    });
    sock.on("error", (e) => this.onSocketGone(e));
    sock.on("close", () => this.onSocketGone(undefined));
  }

  private onSocketGone(err: Error | undefined): void {
    if (this.socket === undefined) return;
    this.socket.removeAllListeners();
    this.socket.destroy();
    this.socket = undefined;
    this.stopEcho();
    this.rejectAll(new ConnectionClosedError(err ? `connection lost: ${err.message}` : "connection closed by peer", err));
    for (const w of this.drainWaiters.splice(0)) w();
    const rc = this.retry;
    if (!this.closing && rc && this.target && this.attempts < (rc.maxAttempts ?? Infinity)) {
      const delay = backoffDelay(rc, this.attempts);
      this.emit("reconnect", this.attempts, delay);
      this.attempts++;
      this.setState("reconnecting");
      setTimeout(() => {
        if (!this.closing) this.dial();
      }, delay).unref();
      return;
    }
    if (err && !this.closing) this.report(err);
    if (err) for (const w of this.readyWaiters.splice(0)) w.reject(new ConnectionClosedError(err.message, err));
    this.setState("closed");
    this.emit("close");
  }

  /**
   * Reports an error that ends (or restarts) the connection: to `error` listeners; without one, as
   * a process warning ({@link emitErrorSafely}) unless a pending `connect()`/`ready()` gets it as
   * its rejection anyway.
   */
  private report(e: Error): void {
    if (this.listenerCount("error") > 0 || this.readyWaiters.length === 0) emitErrorSafely(this, e, "OpenFlowConnection");
  }

  private fail(e: Error): void {
    this.report(e);
    for (const w of this.readyWaiters.splice(0)) w.reject(e);
    // not `closing`: a client with `reconnect` dials again after a protocol failure
    this.socket?.destroy();
    this.onSocketGone(undefined);
  }

  private onData(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) {
      this.onTraffic?.("received", f);
      let m: OfMessage;
      try {
        m = decodeMessage(f);
      } catch (e) {
        if (e instanceof DecodeError) {
          this.fail(e);
          return;
        }
        throw e;
      }
      this.onMessage(m);
    }
  }

  private onMessage(m: OfMessage): void {
    if (m.type === "hello") {
      const v = negotiateVersion(this.opts.versions, m.versions, m.version);
      if (v === undefined) {
        this.sendRaw({ type: "error", errType: ErrorType.HELLO_FAILED, code: 0, data: new TextEncoder().encode("no common version"), xid: m.xid, version: m.version });
        // a HELLO without a version bitmap offers every version up to its own
        const peer = m.versions.length ? m.versions : Array.from({ length: m.version }, (_, i) => i + 1);
        this.fail(new VersionNegotiationError(this.opts.versions, peer));
        return;
      }
      this.version = v;
      this.attempts = 0;
      this.setState("ready");
      this.startEcho();
      return;
    }
    if (m.type === "echo_request") {
      if (this.opts.emitEchoRequests) this.emit("message", m);
      if (this.opts.answerEchoRequests) this.sendRaw({ type: "echo_reply", data: m.data, xid: m.xid, version: m.version });
      return;
    }
    const p = this.pending.get(m.xid);
    if (p) {
      if (m.type === "error") {
        this.finish(m.xid);
        p.reject(new OpenFlowError(m));
        return;
      }
      if (m.type === "multipart_reply") {
        p.onPart?.(m);
        (p.parts ??= []).push(m.body);
        if (m.flags & OFPMPF_MORE) return;
        this.finish(m.xid);
        p.resolve({ ...m, body: mergeMultipartReplies(p.parts) });
        return;
      }
      this.finish(m.xid);
      p.resolve(m);
      return;
    }
    this.emit("message", m);
  }

  private finish(xid: number): void {
    const p = this.pending.get(xid);
    if (p) clearTimeout(p.timer);
    this.pending.delete(xid);
  }

  private rejectAll(e: Error): void {
    for (const [xid, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(xid);
      p.reject(e);
    }
  }

  private startEcho(): void {
    this.stopEcho();
    if (!this.opts.echoIntervalMs) return;
    this.echoTimer = setInterval(() => {
      if (this.echoOutstanding) return; // the outstanding request's own timeout decides
      this.echoOutstanding = true;
      this.request({ type: "echo_request", data: new Uint8Array(0) }, { timeoutMs: this.opts.echoTimeoutMs }).then(
        () => (this.echoOutstanding = false),
        (e: unknown) => {
          if (e instanceof RequestTimeoutError) this.fail(new RequestTimeoutError("echo keep-alive", this.opts.echoTimeoutMs));
        },
      );
    }, this.opts.echoIntervalMs);
    this.echoTimer.unref();
  }

  private stopEcho(): void {
    if (this.echoTimer) clearInterval(this.echoTimer);
    this.echoTimer = undefined;
    this.echoOutstanding = false;
  }

  private allocXid(): number {
    if (this.xidSource) return this.xidSource() >>> 0;
    const x = this.nextXid;
    this.nextXid = this.nextXid >= 0xffffffff ? 1 : this.nextXid + 1;
    return x;
  }

  private sendRaw(m: OfMessageInput): boolean {
    const s = this.socket;
    if (!s || s.destroyed) throw new ConnectionClosedError("connection closed");
    this.writer.pos = 0;
    const bytes = encodeMessage({ version: this.version || m.version || OfpVersion.OF13, ...m } as OfMessageInput, this.writer);
    const ok = s.write(Buffer.from(bytes));
    this.onTraffic?.("sent", bytes);
    return ok;
  }

  /**
   * Sends a message without waiting for a reply. Resolves once the socket accepted it; when the
   * socket buffer is full (write() returned false) it resolves only after 'drain'.
   * @returns the xid used
   */
  async send(m: OfMessageInput): Promise<number> {
    if (this.state !== "ready") await this.ready();
    const xid = m.xid ?? this.allocXid();
    const ok = this.sendRaw({ ...m, xid } as OfMessageInput);
    if (!ok) await new Promise<void>((r) => this.drainWaiters.push(r));
    return xid;
  }

  /**
   * Sends a request and resolves with the reply that carries the same xid (multipart replies are
   * reassembled). Rejects with {@link OpenFlowError} on OFPT_ERROR, {@link OpenFlowTimeoutError}
   * (a {@link RequestTimeoutError}) after the timeout, {@link ConnectionClosedError} if the connection closes first.
   * `onPart` sees each multipart reply message as it arrives (before reassembly).
   */
  async request(
    m: OfMessageInput,
    opts: { timeoutMs?: number; onPart?: (part: Extract<OfMessage, { type: "multipart_reply" }>) => void } = {},
  ): Promise<OfMessage> {
    if (this.state !== "ready") await this.ready();
    const xid = m.xid ?? this.allocXid();
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
    const reply = new Promise<OfMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new OpenFlowTimeoutError(m.type, xid, timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.pending.set(xid, { resolve, reject, timer, onPart: opts.onPart });
    });
    try {
      const ok = this.sendRaw({ ...m, xid } as OfMessageInput);
      if (!ok) await new Promise<void>((r) => this.drainWaiters.push(r));
    } catch (e) {
      this.finish(xid);
      throw e;
    }
    return reply;
  }

  /** Sends a barrier request and waits for the barrier reply. */
  async barrier(): Promise<void> {
    await this.request({ type: "barrier_request" });
  }

  /** Sends a multipart request and resolves with the reassembled reply body. */
  async multipart(body: MultipartRequestBody): Promise<MultipartReplyBody> {
    const r = await this.request({ type: "multipart_request", flags: 0, body });
    if (r.type !== "multipart_reply") throw new Error(`unexpected reply ${r.type}`);
    return r.body;
  }

  /** Dumps flows (flow stats); defaults to all tables, any port/group, no match. */
  async dumpFlows(q: Partial<FlowStatsRequest> = {}): Promise<FlowStats[]> {
    const body = await this.multipart({
      kind: "flow",
      request: { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [], ...q },
    });
    return body.kind === "flow" ? [...body.flows] : [];
  }

  /**
   * Sends flow_mods followed by a barrier; resolves when the switch has processed them all, rejects
   * with {@link OpenFlowError} if the switch refused one.
   */
  async flowMods(mods: readonly FlowMod[]): Promise<void> {
    await this.sendChecked(mods.map((fm) => ({ type: "flow_mod", ...fm }) as const));
  }

  /**
   * Sends messages that have no reply of their own (flow_mod, NXT_TLV_TABLE_MOD, ...) followed by a
   * barrier; resolves when the switch has processed them all, rejects with {@link OpenFlowError}
   * for the first one it refused.
   */
  async sendChecked(msgs: readonly OfMessageInput[]): Promise<void> {
    const errors: OpenFlowError[] = [];
    const xids = new Set<number>();
    const onMsg = (m: OfMessage) => {
      if (m.type === "error" && xids.has(m.xid)) errors.push(new OpenFlowError(m));
    };
    this.on("message", onMsg);
    try {
      for (const m of msgs) xids.add(await this.send(m));
      await this.barrier();
    } finally {
      this.off("message", onMsg);
    }
    if (errors[0]) throw errors[0];
  }

  /** Sends a role request (OpenFlow 1.3.5 §6.3.6) and returns the reply. */
  async role(role: number, generationId = 0n): Promise<Extract<OfMessage, { type: "role_reply" }>> {
    const r = await this.request({ type: "role_request", role, generationId });
    if (r.type !== "role_reply") throw new Error(`unexpected reply ${r.type}`);
    return r;
  }

  /** Number of requests awaiting a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Stops reading from the switch (its messages wait in the socket, echo requests unanswered) until
   * {@link OpenFlowConnection.resume}: `ovs-ofctl monitor`'s `ofctl/block`.
   */
  pause(): void {
    this.socket?.pause();
  }

  /** Reads from the switch again after {@link OpenFlowConnection.pause}. */
  resume(): void {
    this.socket?.resume();
  }

  /** Closes the connection; pending requests are rejected with {@link ConnectionClosedError}. */
  close(): void {
    this.closing = true;
    const s = this.socket;
    if (s) {
      s.end();
      s.destroy();
      this.onSocketGone(undefined);
    } else {
      this.rejectAll(new ConnectionClosedError("connection closed"));
      this.setState("closed");
    }
  }
}

/** Accepts switch connections (we are the controller; the switch has `set-controller tcp:...`). */
export class OpenFlowListener extends EventEmitter<{ connection: [conn: OpenFlowConnection]; error: [err: Error] }> {
  private readonly server: Server;
  private readonly conns = new Set<OpenFlowConnection>();

  /** @param opts - options applied to every accepted connection */
  constructor(private readonly opts: ConnectionOptions = {}) {
    super();
    this.server = createServer((sock) => {
      const c = OpenFlowConnection.accept(sock, this.opts);
      this.conns.add(c);
      c.on("close", () => this.conns.delete(c));
      c.on("error", () => undefined);
      c.ready().then(
        () => this.emit("connection", c),
        () => undefined,
      );
    });
    this.server.on("error", (e) => this.emit("error", e));
  }

  /** Listens on a TCP port (loopback by default) or a unix socket path. */
  listen(where: { port: number; host?: string } | { path: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      const done = () => {
        this.server.off("error", reject);
        resolve();
      };
      if ("path" in where) this.server.listen(where.path, done);
      else this.server.listen(where.port, where.host ?? "127.0.0.1", done);
    });
  }

  /** The bound TCP port. */
  get port(): number {
    const a = this.server.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  /** Stops listening and closes every accepted connection. */
  close(): Promise<void> {
    for (const c of this.conns) c.close();
    return new Promise((r) => this.server.close(() => r()));
  }
}
