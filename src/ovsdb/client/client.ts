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
import type { Duplex } from "node:stream";
import {
  ConnectionClosedError,
  OvsdbError,
  ProtocolError,
  RequestTimeoutError,
  errorFromJson,
  safeJson,
} from "../wire/errors.js";
import { emitErrorSafely } from "../../rpc/emit.js";
import type { Json } from "../wire/notation.js";
import {
  type MonitorCondition,
  type MonitorRequests,
  type Operation,
  type OperationResult,
  type TableUpdates,
  type TableUpdates2,
  describeOperation,
} from "../wire/operations.js";
import { type ActiveRemote, type TlsOptions, connectRemote, formatRemote, parseRemoteList } from "../wire/remote.js";
import { type CallOptions, JsonRpcSession, type SessionOptions } from "../wire/session.js";
import { type RetryStrategy, backoffDelay, defaultRetry } from "../../rpc/retry.js";
import { ModelCompatibilityError, type ModelSchemaSource, fetchAndCheck } from "../model/compat.js";

/**
 * A custom transport: a function that opens a connected byte stream (e.g. the embedded server's
 * `connectInProcess()`), with a name for messages. Lets the client run without sockets.
 */
export interface StreamTransport {
  /** Name used in messages and as the client's `remote`. */
  readonly name: string;
  /** Opens a new connected stream (called again on every reconnect). */
  readonly open: () => Duplex | Promise<Duplex>;
}

type Endpoint = ActiveRemote | { readonly kind: "stream"; readonly transport: StreamTransport };

/** Connection state of a client: a literal union with a `state` event on every change. */
export type ClientState = "connecting" | "ready" | "reconnecting" | "closed";

/** Options of {@link OvsdbClient.connect}. */
export interface ClientOptions extends Omit<SessionOptions, "name"> {
  /** TLS material for `ssl:` remotes (as `ovsdb-client --private-key/--certificate/--ca-cert`). */
  tls?: TlsOptions;
  /**
   * Reconnect after the connection drops (monitors and locks are re-issued). `false` makes the
   * client close for good on the first disconnect.
   * @default true
   */
  reconnect?: boolean | RetryStrategy;
  /**
   * Connect-attempt timeout per remote, in milliseconds.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * For clustered databases: only stay connected to a server whose `_Server.Database` row for this
   * database says `connected` and `leader` (as `ovsdb-client`/the IDL's leader-only mode). Names
   * the database to check.
   */
  leaderOnly?: string;
  /**
   * Typed models (e.g. `OVN_Northbound.model`) whose schemas are checked against the server's on
   * every connect and reconnect: extra server tables and columns are tolerated; missing or
   * mistyped ones fail the initial connect with a `ModelCompatibilityError` listing all of them
   * (after a reconnect, the client emits that error and closes).
   */
  models?: readonly ModelSchemaSource[];
  /**
   * Give up the initial connect after this many failed rounds through the remote list (each round
   * tries every remote once). 0 = keep trying until {@link OvsdbClient.close}.
   * @default 1
   */
  initialConnectRounds?: number;
}

/** The outcome of a transaction: per-operation results in order. */
export interface TransactReply {
  /** One result per operation (and an extra trailing error when the commit itself failed). */
  readonly results: readonly OperationResult[];
}

/** Handlers of one monitor's notifications. */
export interface MonitorHandlers {
  /** `update` notifications (`monitor`). */
  onUpdate?(updates: TableUpdates): void;
  /** `update2`/`update3` notifications (`monitor_cond`, `monitor_cond_since`); `lastTxnId` only with update3. */
  onUpdate2?(updates: TableUpdates2, lastTxnId: string | undefined): void;
}

/** The monitor methods, from oldest to newest. */
export type MonitorMethod = "monitor" | "monitor_cond" | "monitor_cond_since";

/** Result of {@link OvsdbClient.monitor}: the monitor's id and its initial contents. */
export interface MonitorStart {
  readonly id: string;
  readonly method: MonitorMethod;
  /** `monitor_cond_since` only: whether the server could resume from the given transaction id. */
  readonly found: boolean;
  /** `monitor_cond_since` only: the id of the newest transaction the initial contents reflect. */
  readonly lastTxnId: string | undefined;
  /** The initial contents: `TableUpdates` for `monitor`, `TableUpdates2` otherwise. */
  readonly updates: TableUpdates | TableUpdates2;
}

/**
 * Where a monitor stands: `live` (notifications flow), `resyncing` (the connection dropped or the
 * server canceled it; the client re-issues it as soon as it can), `lost` (the server refused to
 * re-issue it, or the client closed: no notification will come again).
 */
export type MonitorState = "live" | "resyncing" | "lost";

/** One monitor as {@link OvsdbClient.monitorStatus} reports it. */
export interface MonitorStatus {
  /** The monitor's id. */
  readonly id: string;
  /** The database it watches. */
  readonly database: string;
  /** Its state. */
  readonly state: MonitorState;
  /** Why it was lost (state `lost` only). */
  readonly error: Error | undefined;
}

/** A live monitor: kept so the client can re-issue it after a reconnect. */
interface MonitorEntry {
  state: MonitorState;
  error: Error | undefined;
  /** Called once when the monitor is lost for good. */
  onLost: ((error: Error) => void) | undefined;
  id: string;
  database: string;
  method: MonitorMethod;
  requests: MonitorRequests;
  handlers: MonitorHandlers;
  lastTxnId: string | undefined;
  /** Called with the re-issued monitor's initial contents after a reconnect. */
  onResync: ((start: MonitorStart) => void) | undefined;
  /**
   * Set while the monitor's (re)start reply is in flight: notifications for it that arrive in the
   * same read as the reply (or before its owner has loaded the reply) wait here, so they are
   * applied after the initial contents, never before them.
   */
  held: { method: string; params: readonly unknown[] }[] | undefined;
}

/** Events of an {@link OvsdbClient}. */
export interface ClientEvents {
  /** The state changed. */
  state: [ClientState];
  /** Connected (initially or again) to the remote named. */
  connected: [string];
  /** The connection dropped; carries the cause. */
  disconnected: [Error | undefined];
  /** A `locked` notification: the lock was granted after waiting. */
  locked: [string];
  /** A `stolen` notification: another client stole the lock. */
  stolen: [string];
  /** A notification this client has no handler for (method, params). */
  notification: [string, readonly unknown[]];
  /**
   * The server canceled a monitor (`monitor_canceled`, sent to change-aware clients after an
   * online schema conversion): monitor id and database. The client re-issues it at once.
   */
  "monitor-canceled": [string, string];
  /**
   * A monitor is lost for good (the server refused to re-issue it, or the client closed): monitor
   * id, database, why. Not emitted when a re-issue merely failed because the connection dropped
   * again (the next reconnect re-issues it).
   */
  "monitor-lost": [string, string, Error];
  /**
   * A problem that did not throw anywhere else: a monitor or lock that could not be re-issued, a
   * reconnect refused because the models no longer fit. Never fatal: without a listener it becomes
   * a process warning, and {@link OvsdbClient.monitorStatus} / {@link OvsdbClient.closeReason} tell
   * the state.
   */
  error: [Error];
}

/** Checks `models` against the schemas `session`'s server serves now; throws {@link ModelCompatibilityError}. */
async function checkModels(session: JsonRpcSession, models: readonly ModelSchemaSource[]): Promise<void> {
  if (models.length === 0) return;
  const schemas = { getSchema: (db: string, o?: CallOptions) => session.call("get_schema", [db], o) };
  const problems = (await Promise.all(models.map((m) => fetchAndCheck(schemas, m)))).flat();
  if (problems.some((p) => p.severity === "error")) throw new ModelCompatibilityError(models.map((m) => m.name).join(", "), problems);
}

/** Raised when no remote could be connected to; lists every remote's failure. */
export class NoRemoteError extends Error {
  override readonly name = "NoRemoteError";
  /** Each remote tried, with why it failed. */
  readonly attempts: readonly { remote: string; error: Error }[];
  constructor(attempts: readonly { remote: string; error: Error }[]) {
    super(`could not connect to any remote: ${attempts.map((a) => a.error.message).join("; ")}`);
    this.attempts = attempts;
  }
}

/** An OVSDB client connection; create it with {@link OvsdbClient.connect}. */
export class OvsdbClient extends EventEmitter<ClientEvents> {
  private readonly remotes: readonly Endpoint[];
  private readonly options: ClientOptions;
  private readonly retry: RetryStrategy | undefined;
  private session: JsonRpcSession | undefined;
  private _state: ClientState = "connecting";
  private nextRemote = 0;
  private readonly monitors = new Map<string, MonitorEntry>();
  private readonly locks = new Set<string>();
  private monitorSeq = 0;
  private changeAware = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private _remote = "";
  private _closeReason: Error | undefined;
  private readonly lostMonitors: MonitorStatus[] = [];

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
    const active = [...this.monitors.values()].map((m) => ({ id: m.id, database: m.database, state: m.state, error: m.error }));
    return [...active, ...this.lostMonitors];
  }

  /** True when the client is `ready` and every monitor is `live`. */
  get healthy(): boolean {
    return this._state === "ready" && [...this.monitors.values()].every((m) => m.state === "live") && this.lostMonitors.length === 0;
  }

  /** Marks a monitor lost for good: it leaves the re-issue list, shows in {@link monitorStatus}, and its owner is told. */
  private loseMonitor(m: MonitorEntry, error: Error): void {
    if (this.monitors.get(m.id) !== m) return;
    this.monitors.delete(m.id);
    m.state = "lost";
    m.error = error;
    this.lostMonitors.push({ id: m.id, database: m.database, state: "lost", error });
    this.emit("monitor-lost", m.id, m.database, error);
    m.onLost?.(error);
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
      for (const m of [...this.monitors.values()]) this.loseMonitor(m, why);
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
          });
    const session = new JsonRpcSession(stream, { ...this.options, name });
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
    for (const m of this.monitors.values()) m.state = "resyncing";
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
    for (const m of [...this.monitors.values()]) {
      if (this.session !== session) return; // dropped again: the next reconnect carries on
      const held: MonitorEntry["held"] = [];
      m.held = held;
      try {
        const start = await this.startMonitor(session, m, m.lastTxnId);
        if (this.monitors.get(m.id) !== m) continue; // canceled meanwhile
        m.state = "live";
        m.onResync?.(start);
        this.release(m, held);
      } catch (e) {
        if (m.held === held) m.held = undefined;
        if (this.transient(session, e)) continue;
        const lost = new OvsdbError("monitor lost", `cannot re-issue monitor ${m.id} on ${m.database}: ${(e as Error).message}`);
        this.loseMonitor(m, lost);
        emitErrorSafely(this, lost, "OvsdbClient");
      }
    }
  }

  /**
   * Re-issues a monitor the server canceled (after converting its database): the models are
   * checked against the new schema first, then the monitor starts again under the same id and its
   * `onResync` gets the new contents (the server forgot its history, so this is a full snapshot).
   */
  private async restartMonitor(m: MonitorEntry): Promise<void> {
    const session = this.session;
    m.state = "resyncing";
    if (!session) return; // the reconnect re-issues it
    let held: MonitorEntry["held"];
    try {
      await checkModels(session, (this.options.models ?? []).filter((x) => x.name === m.database));
      held = [];
      m.held = held;
      const start = await this.startMonitor(session, m, m.lastTxnId);
      if (this.monitors.get(m.id) !== m) return; // canceled by the user meanwhile
      m.state = "live";
      m.onResync?.(start);
      this.release(m, held);
    } catch (e) {
      if (m.held === held) m.held = undefined;
      if (this.monitors.get(m.id) !== m || this.transient(session, e)) return;
      const why = e instanceof ModelCompatibilityError ? e : new OvsdbError("monitor lost", `cannot re-issue monitor ${m.id} on ${m.database} after the server canceled it: ${(e as Error).message}`);
      this.loseMonitor(m, why);
      emitErrorSafely(this, why, "OvsdbClient");
    }
  }

  private onNotification(method: string, params: readonly unknown[]): void {
    switch (method) {
      case "update":
      case "update2":
      case "update3": {
        const id = params[0];
        const m = typeof id === "string" ? this.monitors.get(id) : undefined;
        if (!m) {
          this.emit("notification", method, params);
          return;
        }
        if (m.held) {
          m.held.push({ method, params });
          return;
        }
        if (method === "update") m.handlers.onUpdate?.(params[1] as TableUpdates);
        else if (method === "update2") m.handlers.onUpdate2?.(params[1] as TableUpdates2, undefined);
        else {
          m.lastTxnId = params[1] as string;
          m.handlers.onUpdate2?.(params[2] as TableUpdates2, params[1] as string);
        }
        return;
      }
      case "monitor_canceled": {
        const id = params[0];
        const m = typeof id === "string" ? this.monitors.get(id) : undefined;
        if (!m) {
          this.emit("notification", method, params);
          return;
        }
        this.emit("monitor-canceled", m.id, m.database);
        void this.restartMonitor(m);
        return;
      }
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
    return this.call("transact", [database, ...operations], options).then(checkTransactReply);
  }

  /**
   * `transact` (RFC 7047 §4.1.3): sends the operations as one atomic transaction. Resolves with the
   * results when every operation succeeded; otherwise rejects with the `OvsdbError` subclass for
   * the failed operation, carrying its index and the operation (an index past the last operation
   * means the commit itself failed, e.g. a referential integrity or index constraint).
   */
  transact(database: string, operations: readonly Operation[], options?: CallOptions): Promise<TransactReply> {
    return this.call("transact", [database, ...operations], options).then((r) => {
      const results = checkTransactReply(r);
      throwTransactError(database, operations, results);
      return { results };
    });
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
  async monitor(
    database: string,
    requests: MonitorRequests,
    handlers: MonitorHandlers,
    options: {
      method?: MonitorMethod;
      lastTxnId?: string;
      id?: string;
      onResync?: (start: MonitorStart) => void;
      /**
       * Called with the initial contents as soon as the reply is read, before any notification
       * that follows it reaches the handlers. Without it, a notification sent right after the
       * reply may reach the handlers before the caller has the returned contents.
       */
      onStart?: (start: MonitorStart) => void;
      /** Called once if the monitor is lost for good (see {@link MonitorState}). */
      onLost?: (error: Error) => void;
    } = {},
  ): Promise<MonitorStart> {
    const id = options.id ?? `m${this.monitorSeq++}`;
    if (this.monitors.has(id)) throw new OvsdbError("syntax error", `duplicate monitor ID ${id}`);
    const entry: MonitorEntry = {
      id,
      database,
      method: options.method ?? "monitor_cond",
      requests,
      handlers,
      lastTxnId: options.lastTxnId,
      onResync: options.onResync,
      onLost: options.onLost,
      state: "live",
      error: undefined,
      held: [],
    };
    this.monitors.set(id, entry);
    try {
      const held = entry.held;
      const start = await this.startMonitor(this.rpc, entry, options.lastTxnId);
      // The initial contents first (when the caller takes them here), then the notifications that
      // came with or after the reply, in order.
      options.onStart?.(start);
      this.release(entry, held);
      return start;
    } catch (e) {
      entry.held = undefined;
      this.monitors.delete(id);
      throw e;
    }
  }

  /** Delivers, in order, the notifications held while `m`'s (re)start reply was being loaded. */
  private release(m: MonitorEntry, held: MonitorEntry["held"]): void {
    if (!held || m.held !== held) return; // a later (re)start holds its own list
    m.held = undefined;
    if (this.monitors.get(m.id) !== m) return;
    for (const n of held) this.onNotification(n.method, n.params);
  }

  private async startMonitor(session: JsonRpcSession, m: MonitorEntry, lastTxnId: string | undefined): Promise<MonitorStart> {
    if (m.method === "monitor_cond_since") {
      const r = await session.call("monitor_cond_since", [m.database, m.id, m.requests, lastTxnId ?? "00000000-0000-0000-0000-000000000000"]);
      if (!Array.isArray(r) || r.length !== 3 || typeof r[0] !== "boolean" || typeof r[1] !== "string") {
        throw new ProtocolError(`monitor_cond_since: unexpected reply ${safeJson(r)}`);
      }
      m.lastTxnId = r[1];
      return { id: m.id, method: m.method, found: r[0], lastTxnId: r[1], updates: (r[2] ?? {}) as TableUpdates2 };
    }
    const r = await session.call(m.method, [m.database, m.id, m.requests]);
    if (r === null || typeof r !== "object" || Array.isArray(r)) throw new ProtocolError(`${m.method}: unexpected reply ${safeJson(r)}`);
    return { id: m.id, method: m.method, found: false, lastTxnId: undefined, updates: r as TableUpdates };
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
    const m = this.monitors.get(id);
    if (!m) throw new OvsdbError("unknown monitor", `no monitor with id ${id}`);
    const normalized: Record<string, readonly { readonly where: readonly MonitorCondition[] }[]> = {};
    for (const [table, change] of Object.entries(changes)) normalized[table] = Array.isArray(change) ? change : [change];
    await this.call("monitor_cond_change", [id, id, normalized], options);
    // Keep the new conditions so a re-issued monitor uses them.
    const next: Record<string, unknown> = { ...m.requests };
    for (const [table, change] of Object.entries(changes)) {
      const cur = m.requests[table];
      const curList = Array.isArray(cur) ? cur : cur ? [cur] : [{}];
      const chList = Array.isArray(change) ? change : [change];
      next[table] = curList.map((req, i) => ({ ...req, where: (chList[i] ?? chList[0])!.where }));
    }
    m.requests = next as MonitorRequests;
  }

  /** `monitor_cancel` (RFC 7047 §4.1.7). */
  async monitorCancel(id: string, options?: CallOptions): Promise<void> {
    this.monitors.delete(id);
    const i = this.lostMonitors.findIndex((m) => m.id === id);
    if (i >= 0) this.lostMonitors.splice(i, 1);
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

function checkTransactReply(r: unknown): OperationResult[] {
  if (!Array.isArray(r)) throw new ProtocolError(`transact: reply is not an array: ${safeJson(r)}`);
  return r as OperationResult[];
}

/**
 * Throws the error of the first failed operation of a transaction reply (RFC 7047 §4.1.3), or a
 * `ProtocolError` for a reply of the wrong length. Shared by the client and the typed layer.
 */
export function throwTransactError(database: string, operations: readonly unknown[], results: readonly OperationResult[]): void {
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r !== null && typeof r === "object" && "error" in r && typeof (r as { error: unknown }).error === "string") {
      const opText = i < operations.length ? describeOperation(operations[i]) : "commit";
      throw errorFromJson(r, { database, operationIndex: i, ...(opText ? { operation: opText } : {}) });
    }
  }
  if (results.length < operations.length) {
    throw new ProtocolError(`transact on ${database}: ${results.length} results for ${operations.length} operations`);
  }
}

function endpointName(r: Endpoint): string {
  return r.kind === "stream" ? r.transport.name : formatRemote(r);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
