/**
 * The OVSDB client (RFC 7047 §4.1 methods plus OVS's extensions): connects to one of a list of
 * remotes, calls every method, dispatches monitor and lock notifications, reconnects with
 * backoff and re-issues its monitors, and (optionally) talks only to a cluster's leader.
 *
 * Transactions take operations built by the `wire/operations` builders (or the typed builders of
 * the model layer); only {@link OvsdbClient.transact} sends them.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import { ConnectionClosedError, OvsdbError, ProtocolError, RequestTimeoutError, safeJson } from "../wire/errors.js";
import { emitErrorSafely } from "../../rpc/emit.js";
import type { Json } from "../wire/notation.js";
import type { MonitorCondition, MonitorRequests, Operation, OperationResult } from "../wire/operations.js";
import { connectRemote, formatRemote, parseRemoteList } from "../wire/remote.js";
import { type CallObserver, type CallOptions, JsonRpcSession } from "../wire/session.js";
import { type RetryStrategy, backoffDelay, defaultRetry } from "../../rpc/retry.js";
import { ModelCompatibilityError, type ModelSchemaSource, fetchAndCheck } from "../model/compat.js";
import { MonitorSet, type MonitorStartOptions } from "./monitor-set.js";
import { checkTransactReply, throwTransactError } from "./transact-reply.js";
import {
  type ClientEvents,
  type ClientOptions,
  type ClientState,
  type Endpoint,
  type MonitorHandlers,
  type MonitorStart,
  type MonitorStatus,
  NoRemoteError,
  type StreamTransport,
  type TransactReply,
} from "./types.js";

export { type MonitorStartOptions } from "./monitor-set.js";
export {
  type ClientEvents,
  type ClientOptions,
  type ClientState,
  type MonitorHandlers,
  type MonitorMethod,
  type MonitorStart,
  type MonitorState,
  type MonitorStatus,
  NoRemoteError,
  type StreamTransport,
  type TransactReply,
} from "./types.js";
export { throwTransactError } from "./transact-reply.js";

/** Checks `models` against the schemas `session`'s server serves now; throws {@link ModelCompatibilityError}. */
async function checkModels(session: JsonRpcSession, models: readonly ModelSchemaSource[]): Promise<void> {
  if (models.length === 0) return;
  const schemas = { getSchema: (db: string, o?: CallOptions) => session.call("get_schema", [db], o) };
  const problems = (await Promise.all(models.map((m) => fetchAndCheck(schemas, m)))).flat();
  if (problems.some((p) => p.severity === "error")) throw new ModelCompatibilityError(models.map((m) => m.name).join(", "), problems);
}


/** An OVSDB client connection; create it with {@link OvsdbClient.connect}. */
export class OvsdbClient extends EventEmitter<ClientEvents> {
  private remotes: readonly Endpoint[];
  private readonly options: ClientOptions;
  private readonly retry: RetryStrategy | undefined;
  private session: JsonRpcSession | undefined;
  private _state: ClientState = "connecting";
  private nextRemote = 0;
  private readonly locks = new Set<string>();
  private changeAware = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private _remote = "";
  private _closeReason: Error | undefined;
  private readonly monitorSet = new MonitorSet({
    events: this,
    session: () => this.session,
    rpc: () => this.rpc,
    call: (method, params, options) => this.call(method, params, options),
    transient: (session, e) => this.transient(session, e),
    checkModels: (session, database) => checkModels(session, (this.options.models ?? []).filter((x) => x.name === database)),
  });
  /** Attached with {@link OvsdbClient.observeCalls}: given to every session the client opens. */
  private readonly callObservers = new Map<CallObserver, () => void>();

  private constructor(remotes: readonly Endpoint[], options: ClientOptions) {
    super();
    this.remotes = remotes;
    this.options = options;
    this.retry = options.reconnect === false ? undefined : options.reconnect === true || options.reconnect === undefined ? defaultRetry : options.reconnect;
  }

  /**
   * Connects to the first reachable remote of `remote` (a comma-separated list in OVS syntax, or
   * an array). Rejects with {@link NoRemoteError} when none can be reached in the allowed rounds.
   */
  static async connect(remote: string | readonly string[] | StreamTransport, options: ClientOptions = {}): Promise<OvsdbClient> {
    const remotes: Endpoint[] =
      typeof remote === "string"
        ? parseRemoteList(remote)
        : "open" in remote
          ? [{ kind: "stream", transport: remote }]
          : remote.flatMap((r) => parseRemoteList(r));
    const client = new OvsdbClient(remotes, options);
    try {
      await client.connectLoop(options.initialConnectRounds ?? 1);
    } catch (e) {
      client.setState("closed");
      throw e;
    }
    return client;
  }

  /**
   * Replaces the remote list (the C IDL's `ovsdb_idl_set_remote`): later (re)connects go through
   * `remote` (same syntax as {@link OvsdbClient.connect}). The open connection is kept when its
   * remote is on the new list; otherwise it is dropped at once (state `reconnecting`, or `closed`
   * without `reconnect`) and the client reconnects through the new list, as after any drop.
   */
  setRemotes(remote: string | readonly string[]): void {
    if (this._state === "closed") throw new ConnectionClosedError("client closed");
    const remotes = parseRemoteList(typeof remote === "string" ? remote : remote.join(","));
    this.remotes = remotes;
    this.nextRemote = 0;
    const session = this.session;
    if (session && !remotes.some((r) => endpointName(r) === this._remote)) {
      session.close();
      this.onSessionClose(session, undefined);
    }
  }

  /** Current connection state. */
  get state(): ClientState {
    return this._state;
  }

  /** Why the client closed by itself (e.g. a `ModelCompatibilityError` on reconnect); undefined while open or after `close()`. */
  get closeReason(): Error | undefined {
    return this._closeReason;
  }

  /** Every monitor started on this client and not canceled by the user: live, being re-issued, or lost (with why). */
  monitorStatus(): readonly MonitorStatus[] {
    return this.monitorSet.status();
  }

  /** True when the client is `ready` and every monitor is `live`. */
  get healthy(): boolean {
    return this._state === "ready" && this.monitorSet.allLive;
  }

  /** The remote currently (or last) connected to, in OVS syntax. */
  get remote(): string {
    return this._remote;
  }

  /** The underlying JSON-RPC session (for advanced use: tracing, raw calls). */
  get rpc(): JsonRpcSession {
    if (!this.session || this.session.state === "closed") throw new ConnectionClosedError("not connected");
    return this.session;
  }

  /**
   * Attaches `observer` to the requests of this client (metrics, tracing): those of the current
   * connection from now on, and every request of each later connection, the handshake's included.
   * Returns a function that detaches it.
   */
  observeCalls(observer: CallObserver): () => void {
    if (this.callObservers.has(observer)) return () => this.unobserveCalls(observer);
    const session = this.session;
    this.callObservers.set(observer, session && session.state === "open" ? session.observeCalls(observer) : () => undefined);
    return () => this.unobserveCalls(observer);
  }

  private unobserveCalls(observer: CallObserver): void {
    this.callObservers.get(observer)?.();
    this.callObservers.delete(observer);
  }

  /** Resolves when the client is `ready` (at once if it is); rejects if it closes first. */
  whenReady(): Promise<void> {
    if (this._state === "ready") return Promise.resolve();
    if (this._state === "closed") return Promise.reject(new ConnectionClosedError("client is closed"));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private setState(s: ClientState): void {
    if (this._state === s) return;
    this._state = s;
    if (s === "closed") {
      const why = this._closeReason ?? new ConnectionClosedError("client closed");
      this.monitorSet.closed(why);
    }
    this.emit("state", s);
    if (s === "ready") for (const w of this.readyWaiters.splice(0)) w.resolve();
    if (s === "closed") for (const w of this.readyWaiters.splice(0)) w.reject(new ConnectionClosedError("client closed", this._closeReason));
  }

  private async connectLoop(maxRounds: number): Promise<void> {
    const attempts: { remote: string; error: Error }[] = [];
    for (let round = 0; maxRounds === 0 || round < maxRounds; round++) {
      for (let i = 0; i < this.remotes.length; i++) {
        if (this._state === "closed") throw new ConnectionClosedError("client closed while connecting");
        const r = this.remotes[(this.nextRemote + i) % this.remotes.length]!;
        try {
          await this.open(r);
          this.nextRemote = (this.nextRemote + i + 1) % this.remotes.length;
          return;
        } catch (e) {
          // A schema that cannot serve the models will not get better on another member.
          if (e instanceof ModelCompatibilityError) throw e;
          attempts.push({ remote: endpointName(r), error: e as Error });
        }
      }
      if (maxRounds === 0 || round + 1 < maxRounds) await sleep(backoffDelay(this.retry ?? defaultRetry, round));
    }
    throw new NoRemoteError(attempts);
  }

  private async open(r: Endpoint): Promise<void> {
    const name = endpointName(r);
    const stream =
      r.kind === "stream"
        ? await r.transport.open()
        : await connectRemote(r, {
            ...(this.options.tls ? { tls: this.options.tls } : {}),
            timeoutMs: this.options.connectTimeoutMs ?? 10_000,
            directRead: true,
          });
    const session = new JsonRpcSession(stream, { ...this.options, name });
    for (const o of this.callObservers.keys()) this.callObservers.set(o, session.observeCalls(o));
    session.on("notification", (n) => this.onNotification(n.method, n.params));
    try {
      if (this.options.leaderOnly) await this.checkLeader(session, this.options.leaderOnly);
      await checkModels(session, this.options.models ?? []);
      if (this.changeAware) await session.call("set_db_change_aware", [true]);
    } catch (e) {
      session.close();
      throw e;
    }
    this.session = session;
    this._remote = name;
    session.once("close", (err) => this.onSessionClose(session, err));
    const wasReconnect = this._state === "reconnecting";
    this.setState("ready");
    this.emit("connected", name);
    if (wasReconnect) await this.reissue(session);
  }

  private async checkLeader(session: JsonRpcSession, database: string): Promise<void> {
    const reply = (await session.call("transact", [
      "_Server",
      { op: "select", table: "Database", where: [["name", "==", database]], columns: ["model", "connected", "leader"] },
    ])) as { rows?: { model: string; connected: boolean; leader: boolean }[] }[];
    const row = reply[0]?.rows?.[0];
    if (!row) throw new OvsdbError("unknown database", `${session.name} does not serve ${database}`);
    if (row.model === "clustered" && (!row.connected || !row.leader)) {
      throw new OvsdbError("not leader", `${session.name} is ${row.connected ? "a follower" : "not connected to its cluster"} for ${database}`);
    }
  }

  private onSessionClose(session: JsonRpcSession, err: Error | undefined): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.monitorSet.disconnected();
    this.emit("disconnected", err);
    if (this._state === "closed") return;
    if (!this.retry) {
      this._closeReason = err ?? new ConnectionClosedError(`${session.name}: connection closed`);
      this.setState("closed");
      return;
    }
    this.setState("reconnecting");
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(attempt: number): void {
    const delay = backoffDelay(this.retry!, attempt);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this._state !== "reconnecting") return;
      this.connectLoop(1).catch((e: unknown) => {
        if (this._state === "closed") return;
        if (e instanceof ModelCompatibilityError) {
          this._closeReason = e;
          this.setState("closed");
          emitErrorSafely(this, e, "OvsdbClient");
          return;
        }
        if (this.retry!.maxAttempts !== undefined && attempt + 1 >= this.retry!.maxAttempts) {
          this._closeReason = e as Error;
          this.setState("closed");
          return;
        }
        this.scheduleReconnect(attempt + 1);
      });
    }, delay);
  }

  /**
   * True when `e` (from a call on `session`) only means the connection went away or stalled: the
   * next reconnect re-issues what failed, so it is not an error to report. A stalled call closes
   * the session to force that reconnect.
   */
  private transient(session: JsonRpcSession, e: unknown): boolean {
    if (e instanceof RequestTimeoutError && session.state === "open") session.close(e);
    return e instanceof ConnectionClosedError || e instanceof RequestTimeoutError || session.state === "closed" || this.session !== session;
  }

  private async reissue(session: JsonRpcSession): Promise<void> {
    for (const lock of this.locks) {
      session.call("lock", [lock]).then(
        (r) => {
          if ((r as { locked?: unknown } | null)?.locked === true && this.session === session && this.locks.has(lock)) this.emit("locked", lock);
        },
        (e: unknown) => {
          if (this.transient(session, e) || !this.locks.has(lock)) return;
          emitErrorSafely(this, new OvsdbError("lock lost", `cannot re-take lock ${lock} on ${session.name}: ${(e as Error).message}`), "OvsdbClient");
        },
      );
    }
    await this.monitorSet.reissue(session);
  }

  private onNotification(method: string, params: readonly unknown[]): void {
    switch (method) {
      case "update":
      case "update2":
      case "update3":
      case "monitor_canceled":
        if (!this.monitorSet.notify(method, params)) this.emit("notification", method, params);
        return;
      case "locked":
        this.emit("locked", params[0] as string);
        return;
      case "stolen":
        this.emit("stolen", params[0] as string);
        return;
      default:
        this.emit("notification", method, params);
    }
  }

  /** Sends any JSON-RPC request and returns its result (for methods without a wrapper). */
  call(method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown> {
    // Not async: a call is on the hot path of every transaction; one promise, no extra ticks.
    if (this._state === "closed") return Promise.reject(new ConnectionClosedError("client is closed"));
    const session = this.session;
    if (!session || session.state === "closed") return Promise.reject(new ConnectionClosedError("not connected"));
    return session.call(method, params, options);
  }

  /** {@link call} resolving with `map(result)`, in one promise (see `JsonRpcSession.callThen`). */
  private callThen<T>(method: string, params: readonly unknown[], map: (result: unknown) => T, options?: CallOptions): Promise<T> {
    if (this._state === "closed") return Promise.reject(new ConnectionClosedError("client is closed"));
    const session = this.session;
    if (!session || session.state === "closed") return Promise.reject(new ConnectionClosedError("not connected"));
    return session.callThen(method, params, map, options);
  }

  /** `list_dbs` (RFC 7047 §4.1.1): the names of the databases the server serves. */
  async listDbs(options?: CallOptions): Promise<string[]> {
    const r = await this.call("list_dbs", [], options);
    if (!Array.isArray(r) || !r.every((x) => typeof x === "string")) throw new ProtocolError(`list_dbs: unexpected reply ${safeJson(r)}`);
    return r;
  }

  /** `get_schema` (RFC 7047 §4.1.2): the database's schema as JSON (parse it with `parseSchema`). */
  async getSchema(database: string, options?: CallOptions): Promise<unknown> {
    return this.call("get_schema", [database], options);
  }

  /**
   * `transact` (RFC 7047 §4.1.3) returning the raw per-operation results, errors included
   * (what `ovsdb-client transact` prints). Rejects only for call-level errors (unknown database,
   * syntax error of the whole request, connection loss).
   */
  transactRaw(database: string, operations: readonly Operation[] | readonly unknown[], options?: CallOptions): Promise<OperationResult[]> {
    return this.callThen("transact", [database, ...operations], checkTransactReply, options);
  }

  /**
   * `transact` (RFC 7047 §4.1.3): sends the operations as one atomic transaction. Resolves with the
   * results when every operation succeeded; otherwise rejects with the `OvsdbError` subclass for
   * the failed operation, carrying its index and the operation (an index past the last operation
   * means the commit itself failed, e.g. a referential integrity or index constraint).
   */
  transact(database: string, operations: readonly Operation[], options?: CallOptions): Promise<TransactReply> {
    return this.callThen(
      "transact",
      [database, ...operations],
      (r) => {
        const results = checkTransactReply(r);
        throwTransactError(database, operations, results);
        return { results };
      },
      options,
    );
  }

  /** `echo` (RFC 7047 §4.1.11): resolves with the echoed parameters. */
  async echo(params: readonly Json[] = [], options?: CallOptions): Promise<unknown> {
    return this.call("echo", params, options);
  }

  /** `get_server_id` (ovsdb-server(1)): the server's UUID, unique per server process. */
  async getServerId(options?: CallOptions): Promise<string> {
    const r = await this.call("get_server_id", [], options);
    if (typeof r !== "string") throw new ProtocolError(`get_server_id: unexpected reply ${safeJson(r)}`);
    return r;
  }

  /**
   * `set_db_change_aware` (ovsdb-server(1)): tells the server this client copes with databases
   * being added, removed or converted (it then keeps the connection open); re-sent after reconnect.
   */
  async setDbChangeAware(aware = true, options?: CallOptions): Promise<void> {
    await this.call("set_db_change_aware", [aware], options);
    this.changeAware = aware;
  }

  /** `lock` (RFC 7047 §4.1.8): true when granted now; otherwise a `locked` event follows when it is. */
  async lock(id: string, options?: CallOptions): Promise<boolean> {
    const r = (await this.call("lock", [id], options)) as { locked?: unknown };
    this.locks.add(id);
    return r?.locked === true;
  }

  /** `steal` (RFC 7047 §4.1.9): takes the lock from its owner (who gets `stolen`). */
  async steal(id: string, options?: CallOptions): Promise<boolean> {
    const r = (await this.call("steal", [id], options)) as { locked?: unknown };
    this.locks.add(id);
    return r?.locked === true;
  }

  /** `unlock` (RFC 7047 §4.1.10): releases (or stops waiting for) the lock. */
  async unlock(id: string, options?: CallOptions): Promise<void> {
    this.locks.delete(id);
    await this.call("unlock", [id], options);
  }

  /**
   * Starts a monitor (RFC 7047 §4.1.5 `monitor`, or OVS's `monitor_cond` / `monitor_cond_since`).
   * The handlers receive every later notification; after a reconnect the client re-issues the
   * monitor (with `monitor_cond_since` from the last transaction id seen) and calls `onResync`
   * with its new initial contents.
   */
  async monitor(database: string, requests: MonitorRequests, handlers: MonitorHandlers, options: MonitorStartOptions = {}): Promise<MonitorStart> {
    return this.monitorSet.start(database, requests, handlers, options);
  }

  /**
   * `monitor_cond_change` (ovsdb-server(1)): replaces the conditions of a `monitor_cond(_since)`
   * monitor; the server answers with the rows that now enter or leave the condition as updates.
   */
  async monitorCondChange(
    id: string,
    changes: { readonly [table: string]: { readonly where: readonly MonitorCondition[] } | readonly { readonly where: readonly MonitorCondition[] }[] },
    options?: CallOptions,
  ): Promise<void> {
    return this.monitorSet.condChange(id, changes, options);
  }

  /** `monitor_cancel` (RFC 7047 §4.1.7). */
  async monitorCancel(id: string, options?: CallOptions): Promise<void> {
    this.monitorSet.forget(id);
    if (this._state === "ready") await this.call("monitor_cancel", [id], options);
  }

  /** Closes the connection for good: pending calls reject with `ConnectionClosedError`. */
  close(): void {
    if (this._state === "closed") return;
    this.setState("closed");
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.session?.close();
    this.session = undefined;
  }

  /** `await using client = ...` support: closes the client. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}


function endpointName(r: Endpoint): string {
  return r.kind === "stream" ? r.transport.name : formatRemote(r);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}