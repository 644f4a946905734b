/**
 * A JSON-RPC 1.0 session over a byte stream (RFC 7047 §4), shared by the client and the embedded
 * server: framing, request/response correlation by id with a per-call timeout, notifications,
 * automatic replies to `echo`, an inactivity probe (as OVS's `jsonrpc_session`: after an idle
 * interval send an `echo`, and close if the next interval passes in silence), `cancel`, and
 * bounded output buffering.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import { Canceled, ConnectionClosedError, ProtocolError, RequestTimeoutError, errorFromJson, safeJson } from "./errors.js";
import { attachDirectReader } from "./direct-read.js";
import { FramingError, JsonFramer } from "./framer.js";
import {
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  encodeError,
  encodeNotification,
  encodeRequest,
  encodeResult,
  parseMessage,
} from "./jsonrpc.js";

/** Options of a {@link JsonRpcSession}. */
export interface SessionOptions {
  /**
   * Largest accepted incoming message in bytes.
   * @default 256 MiB
   */
  maxMessageBytes?: number;
  /**
   * Inactivity probe interval in milliseconds; 0 disables it. After this long without receiving
   * anything the session sends an `echo`; if the next interval also passes in silence it closes.
   * @default 5000 (ovsdb-server's and ovs-vsctl's default)
   */
  probeIntervalMs?: number;
  /**
   * Default per-call timeout in milliseconds; 0 means no timeout (the call still fails when the
   * connection closes, so it never hangs forever).
   * @default 0
   */
  callTimeoutMs?: number;
  /**
   * Output bytes allowed to queue behind a slow peer before the session is closed with an error
   * (bounded buffering instead of unbounded memory growth).
   * @default 512 MiB
   */
  maxQueuedBytes?: number;
  /**
   * Stop reading from the peer while more than this many output bytes wait to be written, and
   * resume once they are (ovsdb-server reads no new request from a client that has a backlog), so
   * a peer that sends but does not read cannot make the output grow. 0 disables it.
   * @default 0
   */
  pauseReadingAboveBytes?: number;
  /** Name of the peer for error messages and logs, e.g. `unix:/run/ovn/ovnnb_db.sock`. */
  name?: string;
}

/** Per-call options of {@link JsonRpcSession.call}. */
export interface CallOptions {
  /** Timeout for this call in milliseconds, overriding the session's default; 0 = none. */
  timeoutMs?: number;
  /** Aborting sends a JSON-RPC `cancel` for this call (RFC 7047 §4.1.4) and rejects it with {@link Canceled}. */
  signal?: AbortSignal;
}

/** Answers an incoming request: return the result, or throw an `OvsdbError` (sent as the error response). */
export type RequestHandler = (request: JsonRpcRequest, session: JsonRpcSession) => unknown | Promise<unknown>;

/**
 * Told once when a call ends: with `undefined` when a response with a result arrived, else with
 * the error the call rejects with (the server's error response as an `OvsdbError` subclass,
 * {@link RequestTimeoutError}, {@link Canceled}, {@link ConnectionClosedError}).
 */
export type CallEnded = (error: Error | undefined) => void;

/**
 * Watches the requests a {@link JsonRpcSession} sends (metrics, tracing): attach with
 * {@link JsonRpcSession.observeCalls}. The session calls it as each request is sent; it costs
 * nothing while none is attached.
 */
export interface CallObserver {
  /**
   * A request `method` with `params` is being sent; returns what the session calls once when the
   * call ends. Neither may throw (they run inside the session's dispatch).
   */
  callStarted(method: string, params: readonly unknown[]): CallEnded;
}

/** State of a session: it is `open` from construction until it becomes `closed`, once. */
export type SessionState = "open" | "closed";

interface Pending {
  method: string;
  /** Applied to the result before the call resolves (a throw rejects it); see {@link JsonRpcSession.callThen}. */
  map: ((result: unknown) => unknown) | undefined;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** When the call times out (`performance.now()` milliseconds), or 0 for never. */
  deadline: number;
  /** Its timeout, for the error. */
  timeoutMs: number;
  onAbort: (() => void) | undefined;
  signal: AbortSignal | undefined;
  /** What the observers are told when the call ends (undefined while none is attached). */
  ended: CallEnded | undefined;
}

/**
 * Events of a {@link JsonRpcSession}: `notification` (method, params), `close` (error or undefined
 * for a clean close), `message` (every parsed message, for tracing).
 */
export interface SessionEvents {
  notification: [JsonRpcNotification];
  /** The output that was queued behind the peer has been written. */
  drain: [];
  close: [Error | undefined];
  message: [JsonRpcMessage];
}

/** A JSON-RPC 1.0 session over a connected byte stream; see the module documentation. */
export class JsonRpcSession extends EventEmitter<SessionEvents> {
  /** Peer name used in errors. */
  readonly name: string;
  private readonly stream: Duplex;
  private readonly framer: JsonFramer;
  /** Calls awaiting their response, by id (ours are numbers; a reply's other ids match none). */
  private readonly pending = new Map<number, Pending>();
  /**
   * One timer for every call's timeout (not one per call): armed for the earliest deadline; when it
   * fires it fails the calls that are due and re-arms for the next. Settling a call leaves it alone.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** When {@link deadlineTimer} fires (`performance.now()` milliseconds); Infinity when disarmed. */
  private deadlineAt = Infinity;
  private nextId = 0;
  private _state: SessionState = "open";
  private closeError: Error | undefined;
  private readonly probeIntervalMs: number;
  private readonly callTimeoutMs: number;
  private readonly maxQueuedBytes: number;
  private readonly pauseAbove: number;
  private userPaused = false;
  private backlogPaused = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private lastReceive = Date.now();
  private probeSent = false;
  private requestHandler: RequestHandler | undefined;
  /** The stream is a direct-read socket (see `direct-read.ts`): it delivers nothing within a write. */
  private readonly directRead: boolean;
  /** Attached {@link CallObserver}s (usually none). */
  private observers: readonly CallObserver[] = [];

  constructor(stream: Duplex, options: SessionOptions = {}) {
    super();
    this.stream = stream;
    this.name = options.name ?? "peer";
    this.framer = new JsonFramer({ maxMessageBytes: options.maxMessageBytes ?? 256 * 1024 * 1024 });
    this.probeIntervalMs = options.probeIntervalMs ?? 5000;
    this.callTimeoutMs = options.callTimeoutMs ?? 0;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 512 * 1024 * 1024;
    this.pauseAbove = options.pauseReadingAboveBytes ?? 0;
    stream.on("drain", () => {
      if (this.backlogPaused) {
        this.backlogPaused = false;
        if (!this.userPaused) this.stream.resume();
      }
      this.emit("drain");
    });
    // A socket opened for direct reads hands its chunks over without the stream's `data` events.
    this.directRead = attachDirectReader(stream, { chunk: (c) => this.onData(c), keeps: () => this.framer.pendingBytes > 0 });
    if (!this.directRead) stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("end", () => {
      const truncated = this.framer.end();
      this.close(truncated ?? new ConnectionClosedError(`${this.name}: connection closed by peer`));
    });
    stream.on("error", (e: Error) => this.close(new ConnectionClosedError(`${this.name}: ${e.message}`, e)));
    stream.on("close", () => this.close(new ConnectionClosedError(`${this.name}: connection closed`)));
    this.armProbe();
  }

  /** `open` or `closed`. */
  get state(): SessionState {
    return this._state;
  }

  /** Why the session closed (undefined while open, or after a clean local `close()`). */
  get error(): Error | undefined {
    return this.closeError;
  }

  /** Bytes received of a message that has not ended yet. */
  get pendingInputBytes(): number {
    return this.framer.pendingBytes;
  }

  /** Number of calls awaiting a response. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Output bytes written but not yet taken by the peer. */
  get queuedBytes(): number {
    return this.stream.writableLength;
  }

  /** True while output is queued beyond the stream's high-water mark (wait for `drain()` to resolve). */
  get congested(): boolean {
    return this.stream.writableNeedDrain;
  }

  /** Resolves when the stream's output buffer has drained (at once when it is not congested). */
  drain(): Promise<void> {
    if (!this.stream.writableNeedDrain || this._state === "closed") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off("drain", done);
        this.off("close", done);
        resolve();
      };
      this.stream.once("drain", done);
      this.once("close", done);
    });
  }

  /**
   * Stops reading from the peer (real backpressure: the kernel buffers fill and the peer's writes
   * block) until {@link resume}. Calls made meanwhile are sent but their replies wait too.
   */
  pause(): void {
    this.userPaused = true;
    this.stream.pause();
  }

  /** Resumes reading after {@link pause} (unless reading is held back by an output backlog). */
  resume(): void {
    this.userPaused = false;
    if (!this.backlogPaused) this.stream.resume();
  }

  /** True while reading is paused by {@link pause}. */
  get paused(): boolean {
    return this.userPaused;
  }

  /** Installs the handler for incoming requests other than `echo` (which is answered automatically). */
  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  /**
   * Attaches `observer`: it is told of every request sent from now on, and of how each ends.
   * Returns a function that detaches it (calls in flight are still reported).
   */
  observeCalls(observer: CallObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /**
   * Sends a request and resolves with its `result`; rejects with the server's error as an
   * `OvsdbError` subclass, a {@link RequestTimeoutError}, {@link Canceled}, or a
   * {@link ConnectionClosedError} if the session closes first.
   */
  call(method: string, params: readonly unknown[], options: CallOptions = {}): Promise<unknown> {
    return this.send(method, params, options, undefined);
  }

  /**
   * {@link JsonRpcSession.call}, resolving with `map(result)` instead of the result (rejecting with what `map`
   * throws): one promise and one tick per call, where `call(...).then(map)` takes two. The
   * client's `transact` checks its reply this way.
   */
  callThen<T>(method: string, params: readonly unknown[], map: (result: unknown) => T, options: CallOptions = {}): Promise<T> {
    return this.send(method, params, options, map) as Promise<T>;
  }

  private send(method: string, params: readonly unknown[], options: CallOptions, map: ((result: unknown) => unknown) | undefined): Promise<unknown> {
    if (this._state === "closed") {
      return this.refuse(method, params, new ConnectionClosedError(`${this.name}: cannot call ${method}: connection closed`, this.closeError));
    }
    if (options.signal?.aborted) return this.refuse(method, params, new Canceled(`${method} canceled before it was sent`));
    const id = this.nextId++;
    const key = id;
    // Encoded before the call is booked: a value that cannot be encoded fails the call without
    // leaving it pending.
    let text: string;
    try {
      text = encodeRequest(method, params, id);
    } catch (e) {
      return this.refuse(method, params, e as Error);
    }
    // A direct-read socket hands over replies only from the event loop, never within write(): the
    // request goes out first and the call is booked while the peer works on it. Any other stream
    // (an in-process peer may answer within the write) is written once the call is booked.
    const writeFirst = this.directRead;
    if (writeFirst) {
      this.write(text);
      if (this.state === "closed") {
        return this.refuse(method, params, new ConnectionClosedError(`${this.name}: cannot call ${method}: connection closed`, this.closeError));
      }
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
      const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : 0;
      const ended = this.observers.length === 0 ? undefined : startObservers(this.observers, method, params);
      const p: Pending = { method, map, resolve, reject, deadline, timeoutMs, onAbort: undefined, signal: options.signal, ended };
      if (deadline > 0 && deadline < this.deadlineAt) this.armDeadline(deadline);
      if (options.signal) {
        p.onAbort = () => {
          if (!this.pending.has(key)) return;
          failCall(this.settle(key), new Canceled(`${method} canceled`));
          if (this._state === "open") this.write(encodeNotification("cancel", [id]));
        };
        options.signal.addEventListener("abort", p.onAbort, { once: true });
      }
      this.pending.set(key, p);
      if (!writeFirst) this.write(text);
    });
  }

  /** A call refused before it is sent (the observers still see it start and fail). */
  private refuse(method: string, params: readonly unknown[], error: Error): Promise<never> {
    if (this.observers.length > 0) startObservers(this.observers, method, params)(error);
    return Promise.reject(error);
  }

  /** Sends a notification (a request with `"id": null`); nothing comes back. */
  notify(method: string, params: readonly unknown[]): void {
    if (this._state === "closed") throw new ConnectionClosedError(`${this.name}: cannot notify ${method}: connection closed`, this.closeError);
    this.write(encodeNotification(method, params));
  }

  /** Sends a pre-encoded JSON text as-is (the server uses it to send one update to many sessions). */
  sendRaw(text: string): void {
    if (this._state === "open") this.write(text);
  }

  /**
   * Closes the session: rejects every pending call with {@link ConnectionClosedError} (carrying
   * `error` as its cause) and destroys the stream. Idempotent.
   */
  close(error?: Error): void {
    if (this._state === "closed") return;
    this._state = "closed";
    this.closeError = error;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    const reason =
      error instanceof ConnectionClosedError ? error : new ConnectionClosedError(`${this.name}: ${error ? error.message : "connection closed"}`, error);
    for (const key of [...this.pending.keys()]) failCall(this.settle(key), reason);
    this.stream.destroy();
    this.emit("close", error);
  }

  private write(text: string): void {
    this.stream.write(text);
    if (this.pauseAbove > 0 && !this.backlogPaused && this.stream.writableLength > this.pauseAbove && this.stream.writableNeedDrain) {
      this.backlogPaused = true;
      this.stream.pause();
    }
    if (this.stream.writableLength > this.maxQueuedBytes) {
      this.close(new ConnectionClosedError(`${this.name}: peer is not reading; ${this.stream.writableLength} bytes queued exceed the limit of ${this.maxQueuedBytes}`));
    }
  }

  private settle(key: number): Pending | undefined {
    const p = this.pending.get(key);
    if (p === undefined) return undefined;
    this.pending.delete(key);
    if (p.onAbort !== undefined && p.signal !== undefined) p.signal.removeEventListener("abort", p.onAbort);
    return p;
  }

  /** (Re)arms the one deadline timer to fire at `at`. */
  private armDeadline(at: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    this.deadlineTimer = setTimeout(() => this.onDeadline(), Math.max(0, at - performance.now()));
  }

  /** Fails every call whose deadline has passed, then re-arms for the earliest one left. */
  private onDeadline(): void {
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    if (this._state === "closed") return;
    const now = performance.now();
    let next = Infinity;
    const due: number[] = [];
    for (const [key, p] of this.pending) {
      if (p.deadline === 0) continue;
      if (p.deadline <= now) due.push(key);
      else if (p.deadline < next) next = p.deadline;
    }
    for (const key of due) {
      const p = this.settle(key);
      if (p) failCall(p, new RequestTimeoutError(p.method, p.timeoutMs));
    }
    if (next < Infinity && this._state === "open") this.armDeadline(next);
  }

  private onData(chunk: Buffer): void {
    if (this._state === "closed") return;
    this.lastReceive = Date.now();
    this.probeSent = false;
    let values: unknown[];
    try {
      values = this.framer.push(chunk);
    } catch (e) {
      this.close(e instanceof FramingError ? new ProtocolError(`${this.name}: ${e.message}`) : (e as Error));
      return;
    }
    for (const v of values) {
      if (this.state === "closed") return; // a handler may have closed the session
      let msg: JsonRpcMessage;
      try {
        msg = parseMessage(v);
      } catch (e) {
        this.close(new ProtocolError(`${this.name}: ${(e as Error).message}`));
        return;
      }
      this.emit("message", msg);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: JsonRpcMessage): void {
    switch (msg.kind) {
      case "response": {
        const p = this.settle(typeof msg.id === "number" ? msg.id : typeof msg.id === "string" && /^(0|[1-9]\d*)$/.test(msg.id) ? Number(msg.id) : -1);
        if (!p) return; // a late reply to a timed-out or canceled call
        if (msg.error !== null) {
          failCall(p, errorFromJson(msg.error));
          return;
        }
        // A result arrived: the call succeeded at the RPC level even when `map` rejects its content.
        if (p.ended !== undefined) p.ended(undefined);
        if (p.map === undefined) p.resolve(msg.result);
        else {
          let v: unknown;
          try {
            v = p.map(msg.result);
          } catch (e) {
            p.reject(e as Error);
            return;
          }
          p.resolve(v);
        }
        return;
      }
      case "notification":
        this.emit("notification", msg);
        return;
      case "request":
        if (msg.method === "echo") {
          this.write(encodeResult(msg.id, msg.params));
          return;
        }
        this.answer(msg);
        return;
    }
  }

  /**
   * Answers a request: a handler's plain result is written at once (no promise, no microtask per
   * request: a server answering one transaction at a time pays for neither); a promise's when it settles.
   */
  private answer(req: JsonRpcRequest): void {
    if (!this.requestHandler) {
      this.write(encodeError(req.id, { error: "unknown method", details: `${req.method} is not handled by this peer` }));
      return;
    }
    let result: unknown;
    try {
      result = this.requestHandler(req, this);
    } catch (e) {
      this.answerError(req.id, e);
      return;
    }
    if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
      (result as PromiseLike<unknown>).then(
        (r) => {
          if (this.state === "open") this.write(encodeResult(req.id, r ?? null));
        },
        (e: unknown) => this.answerError(req.id, e),
      );
      return;
    }
    if (this.state === "open") this.write(encodeResult(req.id, result ?? null));
  }

  /** Writes the error reply for a handler that threw (or whose promise rejected): the RFC 7047 error object it carries, or "internal error". */
  private answerError(id: JsonRpcRequest["id"], e: unknown): void {
    if (this.state !== "open") return;
    const err = e as { error?: unknown; details?: unknown; message?: string };
    if (typeof err.error === "string") {
      const out: Record<string, unknown> = { error: err.error };
      if (typeof err.details === "string") out["details"] = err.details;
      if (typeof (err as { syntax?: unknown }).syntax === "string") out["syntax"] = (err as { syntax: string }).syntax;
      this.write(encodeError(id, out));
    } else {
      this.write(encodeError(id, { error: "internal error", details: err.message ?? safeJson(e) }));
    }
  }

  private armProbe(): void {
    if (this.probeIntervalMs <= 0 || this._state === "closed") return;
    const due = this.lastReceive + this.probeIntervalMs - Date.now();
    this.probeTimer = setTimeout(() => this.onProbeTimer(), Math.max(due, 10));
    this.probeTimer.unref?.();
  }

  private onProbeTimer(): void {
    if (this._state === "closed") return;
    if (this.stream.isPaused()) {
      // We stopped reading on purpose: silence from the peer proves nothing.
      this.lastReceive = Date.now();
      this.armProbe();
      return;
    }
    const idle = Date.now() - this.lastReceive;
    if (idle >= this.probeIntervalMs) {
      if (this.probeSent) {
        this.close(new ConnectionClosedError(`${this.name}: no response to inactivity probe after ${Math.round(idle / 1000)} seconds, disconnecting`));
        return;
      }
      this.probeSent = true;
      this.lastReceive = Date.now();
      // The reply to this echo resets the idle clock; its result is not needed.
      this.call("echo", []).catch(() => undefined);
    }
    this.armProbe();
  }
}


/** Tells every observer that a call starts; returns the one function that tells them all it ended. */
function startObservers(observers: readonly CallObserver[], method: string, params: readonly unknown[]): CallEnded {
  const ends = observers.map((o) => o.callStarted(method, params));
  return ends.length === 1 ? ends[0]! : (e) => {
    for (const end of ends) end(e);
  };
}

/** Rejects a settled call with `error`, telling its observers first. */
function failCall(p: Pending | undefined, error: Error): void {
  if (p === undefined) return;
  if (p.ended !== undefined) p.ended(error);
  p.reject(error);
}
