/**
 * The monitors of one `OvsdbClient`: starting them, routing their notifications (held back
 * while a (re)start reply is loaded, so updates never overtake the initial contents), re-issuing
 * them after a reconnect or after the server canceled them, condition changes, cancels, and the
 * monitors lost for good. The client owns the connection; this owns everything about monitors.
 *
 * @module
 */
import type { EventEmitter } from "node:events";
import { emitErrorSafely } from "../../rpc/emit.js";
import { OvsdbError } from "../wire/errors.js";
import type { MonitorCondition, MonitorRequests } from "../wire/operations.js";
import type { CallOptions, JsonRpcSession } from "../wire/session.js";
import { ModelCompatibilityError } from "../model/compat.js";
import { type MonitorEntry, deliverUpdate, startMonitor, withConditions } from "./monitors.js";
import type { ClientEvents, MonitorHandlers, MonitorMethod, MonitorStart, MonitorStatus } from "./types.js";

/** Options of `OvsdbClient.monitor`. */
export interface MonitorStartOptions {
  /**
   * The monitor method.
   * @default "monitor_cond"
   */
  method?: MonitorMethod;
  /** For `monitor_cond_since`: the last transaction id already seen (the server then sends only what came after it, when it can). */
  lastTxnId?: string;
  /** The monitor's id (the `<json-value>` of RFC 7047 §4.1.5); by default one of this client's own. */
  id?: string;
  /** Called with the re-issued monitor's initial contents after a reconnect (or after the server canceled it). */
  onResync?: (start: MonitorStart) => void;
  /**
   * Called with the initial contents as soon as the reply is read, before any notification
   * that follows it reaches the handlers. Without it, a notification sent right after the
   * reply may reach the handlers before the caller has the returned contents.
   */
  onStart?: (start: MonitorStart) => void;
  /** Called once if the monitor is lost for good (see `MonitorState`). */
  onLost?: (error: Error) => void;
}

/** What a {@link MonitorSet} needs of its client. */
export interface MonitorHost {
  /** The client, for its events (`monitor-lost`, `monitor-canceled`, `notification`, `error`). */
  readonly events: EventEmitter<ClientEvents>;
  /** The open session, or undefined while disconnected. */
  session(): JsonRpcSession | undefined;
  /** The open session; throws `ConnectionClosedError` while disconnected. */
  rpc(): JsonRpcSession;
  /** Sends a request through the client (rejects while it is not connected). */
  call(method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown>;
  /** True when `e`, from a call on `session`, only means the connection went away or stalled. */
  transient(session: JsonRpcSession, e: unknown): boolean;
  /** Checks the client's models of `database` against what `session`'s server serves now. */
  checkModels(session: JsonRpcSession, database: string): Promise<void>;
}

/** The monitors of one client; see the module documentation. */
export class MonitorSet {
  private readonly monitors = new Map<string, MonitorEntry>();
  private readonly lost: MonitorStatus[] = [];
  private seq = 0;

  constructor(private readonly host: MonitorHost) {}

  /** Every monitor started and not canceled by the user: live, being re-issued, or lost (with why). */
  status(): readonly MonitorStatus[] {
    const active = [...this.monitors.values()].map((m) => ({ id: m.id, database: m.database, state: m.state, error: m.error }));
    return [...active, ...this.lost];
  }

  /** True when every monitor is `live` and none was lost. */
  get allLive(): boolean {
    return [...this.monitors.values()].every((m) => m.state === "live") && this.lost.length === 0;
  }

  /** The connection dropped: every monitor waits to be re-issued. */
  disconnected(): void {
    for (const m of this.monitors.values()) m.state = "resyncing";
  }

  /** The client closed for good (`why`): every monitor is lost. */
  closed(why: Error): void {
    for (const m of [...this.monitors.values()]) this.lose(m, why);
  }

  /** Marks a monitor lost for good: it leaves the re-issue list, shows in {@link status}, and its owner is told. */
  private lose(m: MonitorEntry, error: Error): void {
    if (this.monitors.get(m.id) !== m) return;
    this.monitors.delete(m.id);
    m.state = "lost";
    m.error = error;
    this.lost.push({ id: m.id, database: m.database, state: "lost", error });
    this.host.events.emit("monitor-lost", m.id, m.database, error);
    m.onLost?.(error);
  }

  /** Starts a monitor (see `OvsdbClient.monitor`). */
  async start(database: string, requests: MonitorRequests, handlers: MonitorHandlers, options: MonitorStartOptions): Promise<MonitorStart> {
    const id = options.id ?? `m${this.seq++}`;
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
      const start = await startMonitor(this.host.rpc(), entry, options.lastTxnId);
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
    for (const n of held) this.notify(n.method, n.params);
  }

  /**
   * Routes a notification that may be a monitor's (`update`, `update2`, `update3`,
   * `monitor_canceled`); false when it is none of this client's monitors.
   */
  notify(method: string, params: readonly unknown[]): boolean {
    const id = params[0];
    const m = typeof id === "string" ? this.monitors.get(id) : undefined;
    if (!m) return false;
    if (method === "monitor_canceled") {
      this.host.events.emit("monitor-canceled", m.id, m.database);
      void this.restart(m);
      return true;
    }
    if (m.held) m.held.push({ method, params });
    else deliverUpdate(m, method, params);
    return true;
  }

  /** Re-issues every monitor on `session` after a reconnect. */
  async reissue(session: JsonRpcSession): Promise<void> {
    for (const m of [...this.monitors.values()]) {
      if (this.host.session() !== session) return; // dropped again: the next reconnect carries on
      const held: MonitorEntry["held"] = [];
      m.held = held;
      try {
        const start = await startMonitor(session, m, m.lastTxnId);
        if (this.monitors.get(m.id) !== m) continue; // canceled meanwhile
        m.state = "live";
        m.onResync?.(start);
        this.release(m, held);
      } catch (e) {
        if (m.held === held) m.held = undefined;
        if (this.host.transient(session, e)) continue;
        const lost = new OvsdbError("monitor lost", `cannot re-issue monitor ${m.id} on ${m.database}: ${(e as Error).message}`);
        this.lose(m, lost);
        emitErrorSafely(this.host.events, lost, "OvsdbClient");
      }
    }
  }

  /**
   * Re-issues a monitor the server canceled (after converting its database): the models are
   * checked against the new schema first, then the monitor starts again under the same id and its
   * `onResync` gets the new contents (the server forgot its history, so this is a full snapshot).
   */
  private async restart(m: MonitorEntry): Promise<void> {
    const session = this.host.session();
    m.state = "resyncing";
    if (!session) return; // the reconnect re-issues it
    let held: MonitorEntry["held"];
    try {
      await this.host.checkModels(session, m.database);
      held = [];
      m.held = held;
      const start = await startMonitor(session, m, m.lastTxnId);
      if (this.monitors.get(m.id) !== m) return; // canceled by the user meanwhile
      m.state = "live";
      m.onResync?.(start);
      this.release(m, held);
    } catch (e) {
      if (m.held === held) m.held = undefined;
      if (this.monitors.get(m.id) !== m || this.host.transient(session, e)) return;
      const why = e instanceof ModelCompatibilityError ? e : new OvsdbError("monitor lost", `cannot re-issue monitor ${m.id} on ${m.database} after the server canceled it: ${(e as Error).message}`);
      this.lose(m, why);
      emitErrorSafely(this.host.events, why, "OvsdbClient");
    }
  }

  /** `monitor_cond_change` (see `OvsdbClient.monitorCondChange`). */
  async condChange(
    id: string,
    changes: { readonly [table: string]: { readonly where: readonly MonitorCondition[] } | readonly { readonly where: readonly MonitorCondition[] }[] },
    options?: CallOptions,
  ): Promise<void> {
    const m = this.monitors.get(id);
    if (!m) throw new OvsdbError("unknown monitor", `no monitor with id ${id}`);
    const normalized: Record<string, readonly { readonly where: readonly MonitorCondition[] }[]> = {};
    for (const [table, change] of Object.entries(changes)) normalized[table] = Array.isArray(change) ? change : [change];
    await this.host.call("monitor_cond_change", [id, id, normalized], options);
    // Keep the new conditions so a re-issued monitor uses them.
    m.requests = withConditions(m.requests, changes);
  }

  /** Forgets monitor `id`, live or lost (see `OvsdbClient.monitorCancel`). */
  forget(id: string): void {
    this.monitors.delete(id);
    const i = this.lost.findIndex((m) => m.id === id);
    if (i >= 0) this.lost.splice(i, 1);
  }
}
