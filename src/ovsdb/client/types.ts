/**
 * The client's public types: transports, options, states, monitor handlers and results, events,
 * and the error for a client that reached no remote.
 *
 * @module
 */
import type { Duplex } from "node:stream";
import type { OperationResult, TableUpdates, TableUpdates2 } from "../wire/operations.js";
import type { ActiveRemote, TlsOptions } from "../wire/remote.js";
import type { SessionOptions } from "../wire/session.js";
import type { RetryStrategy } from "../../rpc/retry.js";
import type { ModelSchemaSource } from "../model/compat.js";
import type { OvsdbClient } from "./client.js";

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

/** Where the client connects: a remote in OVS syntax, or a custom transport. */
export type Endpoint = ActiveRemote | { readonly kind: "stream"; readonly transport: StreamTransport };

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
