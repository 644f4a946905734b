/**
 * One client connection of the embedded server: the RFC 7047 §4.1 methods it sends (and OVS's
 * extensions), answered against the {@link OvsdbServer}'s databases, its monitors and their
 * backlog, its locks and its waiting transactions.
 *
 * @module
 */
import { type DatabaseSchema, parseSchema } from "../schema/schema.js";
import { OvsdbError, OvsdbSyntaxError, errorToJson } from "../wire/errors.js";
import type { JsonRpcRequest } from "../wire/jsonrpc.js";
import { isId } from "../wire/notation.js";
import type { JsonRpcSession } from "../wire/session.js";
import { ovsJsonText, wireSchema } from "./codec.js";
import type { CommittedTxn } from "./database.js";
import { Monitor, type MonitorVersion } from "./monitor.js";
import type { OvsdbServer } from "./server.js";

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const VERSION_METHOD = { 1: "monitor", 2: "monitor_cond", 3: "monitor_cond_since" } as const;

/** A transaction waiting (a `wait` with a timeout) for the database to change. */
export interface PendingTxn {
  readonly client: ClientSession;
  readonly ops: readonly unknown[];
  /** The request id, as JSON text (for `cancel`). */
  readonly id: string;
  readonly resolve: (v: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/** One connected client: its monitors, its locks, its waiting transactions. */
export class ClientSession {
  readonly monitors = new Map<string, Monitor>();
  readonly locks = new Set<string>();
  readonly pending = new Set<PendingTxn>();
  private changeAware = false;

  constructor(
    private readonly server: OvsdbServer,
    readonly session: JsonRpcSession,
  ) {}

  get isChangeAware(): boolean {
    return this.changeAware;
  }

  /**
   * `cancel` (RFC 7047 §4.1.4): a transaction still waiting is dropped. Like ovsdb-server 3.1 it is
   * then never answered (RFC 7047 suggests a "canceled" error; ovsdb-server sends nothing).
   */
  handleNotification(method: string, params: readonly unknown[]): void {
    if (method !== "cancel" || params.length !== 1) return;
    const id = ovsJsonText(params[0]);
    for (const p of this.pending) {
      if (p.id !== id) continue;
      this.pending.delete(p);
      this.server.dropPending(p);
    }
  }

  handle(req: JsonRpcRequest): unknown {
    const p = req.params;
    switch (req.method) {
      case "list_dbs":
        return [...this.server.databaseNames].sort();
      case "get_schema": {
        if (typeof p[0] !== "string") throw rpcError("syntax error", "get_schema request params must begin with <db-name>");
        const h = this.server.hostedDb(p[0]);
        if (!h) throw rpcError("unknown database", `get_schema request specifies unknown database ${String(p[0])}`);
        return wireSchema(h.db.schema);
      }
      case "transact": {
        if (typeof p[0] !== "string") throw rpcError("syntax error", "transact request params must begin with <db-name>");
        const h = this.server.hostedDb(p[0]);
        if (!h) throw rpcError("unknown database", `transact request specifies unknown database ${typeof p[0] === "string" ? p[0] : ovsJsonText(p[0])}`);
        const result = this.server.transact(this, h, p.slice(1), req.id);
        // The client's own changes go out before the reply (read-your-writes), owed or not.
        if (result instanceof Promise) {
          return result.then((r) => {
            this.flushOwed(true);
            return r;
          });
        }
        this.flushOwed(true);
        return result;
      }
      case "convert":
        return this.convert(p);
      case "monitor":
        return this.monitor(p, 1);
      case "monitor_cond":
        return this.monitor(p, 2);
      case "monitor_cond_since":
        return this.monitor(p, 3);
      case "monitor_cond_change":
        return this.monitorCondChange(p);
      case "monitor_cancel": {
        const key = ovsJsonText(p[0]);
        if (!this.monitors.delete(key)) throw rpcError("unknown monitor", "");
        return {};
      }
      case "lock":
      case "steal": {
        const name = p[0];
        if (p.length !== 1 || typeof name !== "string" || !isId(name)) throw rpcError("syntax error", `${req.method} request params must be <id>`);
        if (this.locks.has(name)) throw rpcError("syntax error", `must issue "unlock" before new "${req.method}"`);
        this.locks.add(name);
        return { locked: this.server.lock(this, name, req.method === "steal") };
      }
      case "unlock": {
        const name = p[0];
        if (p.length !== 1 || typeof name !== "string" || !isId(name)) throw rpcError("syntax error", "unlock request params must be <id>");
        if (!this.locks.has(name)) throw rpcError("syntax error", `unlock: "unlock" without "lock" or "steal"`);
        this.locks.delete(name);
        this.server.unlock(this, name);
        return {};
      }
      case "set_db_change_aware":
        this.changeAware = p[0] === true;
        return {};
      case "get_server_id":
        return this.server.serverId;
      case "echo":
        return p;
      default:
        throw rpcError("unknown method", "");
    }
  }

  private convert(p: readonly unknown[]): unknown {
    const syntax = ovsJsonText(p);
    if (typeof p[0] !== "string") throw { error: "syntax error", details: "convert request params must begin with <db-name>", syntax };
    if (!this.server.hostedDb(p[0])) throw { error: "unknown database", details: `convert request specifies unknown database ${p[0]}`, syntax };
    if (p.length !== 2) throw { error: "syntax error", details: "array expected", syntax };
    let schema: DatabaseSchema;
    try {
      schema = parseSchema(p[1]);
    } catch (e) {
      throw { error: "syntax error", details: `Parsing database schema failed: ${(e as Error).message}`, syntax: ovsJsonText(p[1]) };
    }
    try {
      this.server.convertFor(p[0], schema, this);
    } catch (e) {
      throw asRpc(e);
    }
    return {};
  }

  /** Drops this client's monitors of database `db` with a `monitor_canceled` notification each (after a conversion). */
  cancelMonitors(db: string): void {
    for (const [key, m] of [...this.monitors]) {
      if (m.db.name !== db) continue;
      this.monitors.delete(key);
      if (this.session.state === "open") this.session.notify("monitor_canceled", [m.id]);
    }
  }

  private monitor(p: readonly unknown[], version: MonitorVersion): unknown {
    if (typeof p[0] !== "string") throw rpcError("syntax error", `${VERSION_METHOD[version]} request params must begin with <db-name>`);
    const h = this.server.hostedDb(p[0]);
    if (!h) throw rpcError("unknown database", `monitor request specifies unknown database ${p[0]}`);
    if (p.length < 3) throw rpcError("syntax error", "monitor request has too few parameters");
    const key = ovsJsonText(p[1]);
    if (this.monitors.has(key)) throw { ...rpcError("syntax error", "duplicate monitor ID") };
    let m: Monitor;
    try {
      m = new Monitor(h.db, p[1], version, p[2]);
    } catch (e) {
      throw asRpc(e);
    }
    let result: unknown;
    if (version === 3) {
      const since = typeof p[3] === "string" ? p[3] : undefined;
      const history = this.server.history(h);
      history.record();
      if (history.maxTxns === 0) {
        result = [false, ZERO_UUID, m.initial()];
      } else {
        const changes = since !== undefined ? history.since(since, h.db.lastTxnId) : undefined;
        if (changes) result = [true, h.db.lastTxnId, m.updates(changes) ?? {}];
        else result = [false, h.db.lastTxnId, m.initial()];
      }
    } else {
      result = m.initial();
    }
    this.monitors.set(key, m);
    return result;
  }

  private monitorCondChange(p: readonly unknown[]): unknown {
    const key = ovsJsonText(p[0]);
    const m = this.monitors.get(key);
    if (!m) throw rpcError("syntax error", "unknown monitor session");
    if (m.version === 1) throw rpcError("syntax error", "monitor_cond_change is not allowed on a plain monitor");
    this.flushOwed(true);
    let updates;
    try {
      updates = m.changeConditions(p[2]);
    } catch (e) {
      throw asRpc(e);
    }
    const newKey = ovsJsonText(p[1]);
    if (newKey !== key) {
      if (this.monitors.has(newKey)) throw rpcError("syntax error", "duplicate monitor ID");
      this.monitors.delete(key);
      m.id = p[1];
      this.monitors.set(newKey, m);
    }
    if (Object.keys(updates).length > 0) {
      // Sent after the reply, as ovsdb-server does.
      queueMicrotask(() => this.send(m, updates, m.db.lastTxnId));
    }
    return {};
  }

  private send(m: Monitor, updates: unknown, txnId: string): void {
    if (this.session.state !== "open") return;
    if (m.version === 1) this.session.notify("update", [m.id, updates]);
    else if (m.version === 2) this.session.notify("update2", [m.id, updates]);
    else this.session.notify("update3", [m.id, txnId, updates]);
  }

  onCommit(txn: CommittedTxn): void {
    if (this.monitors.size === 0) return;
    let txnId: string | undefined;
    for (const m of this.monitors.values()) {
      if (m.db.name !== txn.database) continue;
      txnId ??= this.server.history(this.server.hostedDb(txn.database)!).maxTxns === 0 ? ZERO_UUID : txn.id;
      if (m.owes || this.backlogged()) {
        m.owe(txn.changes, txnId);
        this.armFlush();
        continue;
      }
      const u = m.updates(txn.changes);
      if (u) this.send(m, u, txnId);
    }
  }

  private flushArmed = false;
  private readonly onDrain = (): void => {
    if (!this.flushArmed) return;
    this.flushArmed = false;
    this.session.off("drain", this.onDrain);
    this.flushOwed(false);
  };

  private backlogged(): boolean {
    return this.session.queuedBytes > this.server.backlogLimit;
  }

  /** Pays what the monitors owe once the client has caught up (at the next `drain`). */
  private armFlush(): void {
    if (this.flushArmed || this.session.state !== "open") return;
    this.flushArmed = true;
    this.session.on("drain", this.onDrain);
    // No drain will come when nothing is queued any more.
    if (!this.session.congested) setImmediate(this.onDrain);
  }

  /** Sends what each monitor owes, one update per monitor; unless `force`, stops while the client is behind. */
  flushOwed(force: boolean): void {
    if (this.monitors.size === 0) return;
    for (const m of this.monitors.values()) {
      if (!m.owes) continue;
      if (!force && this.backlogged()) {
        this.armFlush();
        return;
      }
      const t = m.takeOwed();
      if (t?.updates) this.send(m, t.updates, t.txnId);
    }
  }

  lockGranted(name: string): void {
    if (this.session.state === "open") this.session.notify("locked", [name]);
  }

  /** The lock was stolen; `left` when this client also left its queue (it had stolen the lock itself). */
  lockStolen(name: string, left: boolean): void {
    if (left) this.locks.delete(name);
    if (this.session.state === "open") this.session.notify("stolen", [name]);
  }

  dispose(): void {
    for (const name of [...this.locks]) this.server.unlock(this, name);
    this.locks.clear();
    for (const p of this.pending) this.server.dropPending(p);
    this.pending.clear();
    this.monitors.clear();
    this.flushArmed = false;
    this.session.off("drain", this.onDrain);
  }
}

function rpcError(error: string, details: string): { error: string; details?: string } {
  return details ? { error, details } : { error };
}

function asRpc(e: unknown): unknown {
  if (e instanceof OvsdbError) return errorToJson(e);
  if (e instanceof Error) return errorToJson(new OvsdbSyntaxError(e.message));
  return e;
}
