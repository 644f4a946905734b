/**
 * The embedded OVSDB server (ovsdb-server(1), RFC 7047 §4.1): serves any number of databases plus
 * `_Server` over `ptcp:`/`punix:` listeners and in-process streams, with every RFC 7047 method and
 * OVS's extensions (`monitor_cond`, `monitor_cond_since`, `monitor_cond_change`,
 * `set_db_change_aware`, `get_server_id`), locks, and the client's own monitor updates sent before
 * its `transact` reply, as ovsdb-server does.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import { existsSync, statSync, unlinkSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { Duplex } from "node:stream";
import { bundledSchema } from "../schema/bundled.js";
import { type DatabaseSchema, parseSchema, schemaToJson } from "../schema/schema.js";
import { OvsdbError, OvsdbSyntaxError, errorToJson } from "../wire/errors.js";
import type { JsonRpcRequest } from "../wire/jsonrpc.js";
import { isId, randomUuid } from "../wire/notation.js";
import { compareAtoms } from "../schema/datum.js";
import type { Atom } from "../schema/types.js";
import { type PassiveRemote, type TlsOptions, formatRemote, parsePassiveRemote, readPem } from "../wire/remote.js";
import { JsonRpcSession } from "../wire/session.js";
import { ovsJsonText } from "./codec.js";
import { type CommittedTxn, Database, type ExecuteOutcome } from "./database.js";
import { Monitor, type MonitorVersion, TxnHistory } from "./monitor.js";
import { reclaimMemorySoon } from "./reclaim.js";

/** Options of an {@link OvsdbServer}. */
export interface OvsdbServerOptions {
  /**
   * Transactions kept per database for `monitor_cond_since` (as a clustered ovsdb-server does).
   * 0 behaves like a standalone ovsdb-server 3.1: no history, `monitor_cond_since` always answers
   * `[false, "00000000-…", <initial>]` and `update3` carries the all-zeros transaction id.
   * @default 100
   */
  historyTxns?: number;
  /**
   * Inactivity probe for `ptcp:` connections in milliseconds (0 disables); `punix:` and in-process
   * connections are never probed, as ovsdb-server does not probe unix sockets.
   * @default 5000
   */
  tcpProbeIntervalMs?: number;
  /**
   * Largest accepted request in bytes (bigger ones close the connection).
   * @default 64 MiB
   */
  maxMessageBytes?: number;
  /**
   * Output allowed to queue behind a client that does not read, in bytes, before it is disconnected.
   * @default 256 MiB
   */
  maxQueuedBytes?: number;
  /**
   * Output backlog, in bytes, beyond which a client is "behind" (ovsdb-server's backlog rule): its
   * monitors stop sending one update per transaction and owe the net change of each row instead
   * (sent as one update when the backlog drains), and no new request is read from it until it
   * catches up. Memory per client is then bounded by this plus one update, whatever it does.
   * @default 256 KiB
   */
  monitorBacklogBytes?: number;
  /**
   * TLS material for `pssl:` listeners, as ovsdb-server's `--private-key`, `--certificate` and
   * `--ca-cert` (PEM file paths or PEM text). As ovsdb-server does, a client must present a
   * certificate signed by `caCert` (the host name is not checked); `verify: false` accepts any client.
   */
  tls?: TlsOptions;
}

/** A listening remote: what was asked for and where it actually listens (`ptcp:0` gets a real port). */
export interface Listener {
  /** The remote as given, e.g. `ptcp:0:127.0.0.1`. */
  readonly remote: string;
  /** The remote with the bound port, e.g. `ptcp:41234:127.0.0.1`. */
  readonly bound: string;
  /** The active remote a client connects to, e.g. `tcp:127.0.0.1:41234` or `unix:/tmp/db.sock`. */
  readonly connect: string;
}

/** Events of an {@link OvsdbServer}: `commit` after each committed transaction, `connection` / `disconnection` per client. */
export interface ServerEvents {
  commit: [CommittedTxn];
  connection: [string];
  disconnection: [string, Error | undefined];
}

interface Hosted {
  readonly db: Database;
  readonly history: TxnHistory;
  /** Row UUID in `_Server.Database`. */
  serverRow: string | undefined;
}

interface PendingTxn {
  readonly client: ClientSession;
  readonly ops: readonly unknown[];
  /** The request id, as JSON text (for `cancel`). */
  readonly id: string;
  readonly resolve: (v: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

const SERVER_DB = "_Server";
/** A connection that dies holding this much of an unfinished message triggers a garbage collection. */
const RECLAIM_AFTER_BYTES = 8 * 1024 * 1024;
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const VERSION_METHOD = { 1: "monitor", 2: "monitor_cond", 3: "monitor_cond_since" } as const;

/** A schema's JSON as ovsdb-server sends it (`get_schema`, `_Server.Database.schema`): enum values sorted. */
function wireSchema(schema: DatabaseSchema): Record<string, unknown> {
  const json = schemaToJson(schema);
  const sortEnums = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortEnums);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "enum" && Array.isArray(x) && x[0] === "set" && Array.isArray(x[1])) {
          out[k] = ["set", [...(x[1] as Atom[])].sort((a, b) => compareAtoms(Array.isArray(a) ? String(a[1]) : a, Array.isArray(b) ? String(b[1]) : b))];
        } else out[k] = sortEnums(x);
      }
      return out;
    }
    return v;
  };
  return sortEnums(json) as Record<string, unknown>;
}

/**
 * An in-process OVSDB server. Add databases with {@link OvsdbServer.addDatabase}, then serve
 * them with {@link OvsdbServer.listen} (`ptcp:PORT[:IP]`, `punix:PATH`) and/or
 * {@link OvsdbServer.connectInProcess}.
 */
export class OvsdbServer extends EventEmitter<ServerEvents> {
  private readonly hosted = new Map<string, Hosted>();
  private readonly clients = new Set<ClientSession>();
  private readonly servers: net.Server[] = [];
  private readonly socketPaths: string[] = [];
  private readonly opened: Listener[] = [];
  /** lock name → waiters in order, the first one owns it; `steal` says how each one asked. */
  private readonly locks = new Map<string, { client: ClientSession; steal: boolean }[]>();
  private readonly pending = new Map<string, Set<PendingTxn>>();
  private readonly options: Required<OvsdbServerOptions>;
  /** This server's id (`get_server_id`). */
  readonly serverId = randomUuid();
  private closed = false;
  private nextClient = 0;

  constructor(options: OvsdbServerOptions = {}) {
    super();
    this.options = {
      historyTxns: options.historyTxns ?? 100,
      tcpProbeIntervalMs: options.tcpProbeIntervalMs ?? 5000,
      maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
      maxQueuedBytes: options.maxQueuedBytes ?? 256 * 1024 * 1024,
      monitorBacklogBytes: options.monitorBacklogBytes ?? 256 * 1024,
      tls: options.tls ?? {},
    };
    const serverDb = new Database(bundledSchema("_Server"));
    serverDb.reserved = true;
    this.host(serverDb);
  }

  /**
   * Serves a new database with `schema` (empty, unless `database` is given pre-filled, e.g. by
   * persistence). `options.history` seeds the transaction history `monitor_cond_since` resumes
   * from (a database file's `history`, so clients resume across a restart). Throws when a
   * database of that name is already served.
   */
  addDatabase(schema: DatabaseSchema | Database, options: { readonly history?: readonly CommittedTxn[] } = {}): Database {
    const db = schema instanceof Database ? schema : new Database(schema);
    if (this.hosted.has(db.name)) throw new Error(`database ${db.name} is already served`);
    this.host(db, options.history ?? []);
    return db;
  }

  private host(db: Database, past: readonly CommittedTxn[] = []): void {
    const h: Hosted = { db, history: new TxnHistory(this.options.historyTxns), serverRow: undefined };
    for (const txn of past) h.history.add(txn);
    this.hosted.set(db.name, h);
    db.onCommit((txn) => {
      h.history.add(txn);
      for (const c of this.clients) c.onCommit(txn);
      this.emit("commit", txn);
      // Waiting transactions may now proceed (after this commit's own reply is on its way).
      queueMicrotask(() => this.retryPending(db.name));
    });
    this.publishDatabase(h);
  }

  /**
   * `convert` (ovsdb-server(1) "Online database conversion"): converts database `name` to
   * `schema` (see {@link Database.convert}), then, as ovsdb-server does, drops every client that
   * has not called `set_db_change_aware` (after the reply to the converting client is sent) and
   * cancels the monitors of that database held by change-aware clients (`monitor_canceled`
   * notification). The `_Server.Database` row's `schema` is updated (ovsdb-server 3.1 leaves it
   * stale, see docs/server.md) and the transaction history of the database is forgotten.
   * Throws an {@link OvsdbError} ("unknown database", "invalid parameters", or the
   * conversion's error).
   */
  convertDatabase(name: string, schema: DatabaseSchema): void {
    this.convertFor(name, schema, undefined);
  }

  /** @internal {@link OvsdbServer.convertDatabase} for a client's `convert` request: the requester is dropped after its reply. */
  convertFor(name: string, schema: DatabaseSchema, requester: ClientSession | undefined): void {
    const h = this.hosted.get(name);
    if (!h) throw new OvsdbError("unknown database", `convert request specifies unknown database ${name}`);
    if (h.db.reserved) throw new OvsdbError("invalid parameters", `new schema name (${schema.name}) does not match database name (${name})`);
    h.db.convert(schema);
    h.history.clear();
    const server = this.hosted.get(SERVER_DB)!;
    if (h.serverRow) {
      server.db.execute(
        [{ op: "update", table: "Database", where: [["_uuid", "==", ["uuid", h.serverRow]]], row: { schema: ovsJsonText(wireSchema(h.db.schema)) } }],
        { ownsLock: () => false, internal: true },
      );
    }
    for (const c of [...this.clients]) {
      if (c.isChangeAware) c.cancelMonitors(name);
      else if (c === requester) setImmediate(() => c.session.close());
      else c.session.close();
    }
    // Waiting transactions were written against the old schema: they are retried against the new one.
    queueMicrotask(() => this.retryPending(name));
  }

  private publishDatabase(h: Hosted): void {
    const server = this.hosted.get(SERVER_DB);
    if (!server) return;
    const row = {
      name: h.db.name,
      model: "standalone",
      connected: true,
      leader: true,
      schema: ovsJsonText(wireSchema(h.db.schema)),
    };
    const out = server.db.execute([{ op: "insert", table: "Database", row }], { ownsLock: () => false, internal: true });
    if (out.kind === "done" && out.results[0] && "uuid" in (out.results[0] as object)) {
      h.serverRow = ((out.results[0] as { uuid: [string, string] }).uuid)[1];
    }
  }

  /** The database named `name`, or undefined (`_Server` included). */
  database(name: string): Database | undefined {
    return this.hosted.get(name)?.db;
  }

  /** Names of the databases served, `_Server` included, in the order they were added. */
  get databaseNames(): string[] {
    return [...this.hosted.keys()];
  }

  /** The listeners opened so far. */
  get listening(): readonly Listener[] {
    return this.opened;
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Listens on a passive remote in OVS syntax: `ptcp:PORT[:IP]` or `pssl:PORT[:IP]` (port 0 picks a
   * free one; `pssl:` needs {@link OvsdbServerOptions.tls}) or `punix:PATH` (a stale socket file is
   * replaced). Resolves with where it listens.
   */
  async listen(remote: string): Promise<Listener> {
    if (this.closed) throw new Error("server is closed");
    const r: PassiveRemote = parsePassiveRemote(remote);
    const onSocket = (socket: net.Socket) => {
      socket.setNoDelay?.(true);
      const name = r.kind === "punix" ? `unix:${r.path}#${this.nextClient}` : `${r.kind === "pssl" ? "ssl" : "tcp"}:${socket.remoteAddress}:${socket.remotePort}`;
      this.accept(socket, name, r.kind === "punix" ? 0 : this.options.tcpProbeIntervalMs);
    };
    let server: net.Server;
    if (r.kind === "pssl") {
      const t = this.options.tls;
      const missing = [!t.privateKey && "private key", !t.certificate && "certificate", !t.caCert && t.verify !== false && "CA certificate"].filter(Boolean);
      if (missing.length > 0) throw new Error(`${remote}: pssl: needs TLS options (${missing.join(", ")} missing)`);
      const pem = (what: string, file: string) => {
        try {
          return readPem(file);
        } catch (e) {
          throw new Error(`${remote}: cannot read the ${what} ${file}: ${(e as Error).message}`);
        }
      };
      server = tls.createServer(
        {
          key: pem("private key", t.privateKey!),
          cert: pem("certificate", t.certificate!),
          ...(t.caCert ? { ca: pem("CA certificate", t.caCert) } : {}),
          // ovsdb-server requires a client certificate signed by its CA (no host name check).
          requestCert: t.verify !== false,
          rejectUnauthorized: t.verify !== false,
        },
        onSocket,
      );
      // A failed handshake (wrong CA, no certificate) only drops that connection.
      server.on("tlsClientError", () => undefined);
    } else {
      server = net.createServer(onSocket);
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (r.kind === "punix") {
        // Replace a stale socket, but never delete anything that is not a socket.
        if (existsSync(r.path)) {
          if (!statSync(r.path).isSocket()) {
            reject(new Error(`${remote}: ${r.path} exists and is not a socket`));
            return;
          }
          unlinkSync(r.path);
        }
        server.listen(r.path, () => resolve());
      } else {
        server.listen(r.port, r.host, () => resolve());
      }
    });
    server.on("error", () => undefined);
    this.servers.push(server);
    let listener: Listener;
    if (r.kind === "punix") {
      this.socketPaths.push(r.path);
      listener = { remote, bound: remote, connect: `unix:${r.path}` };
    } else {
      const addr = server.address() as net.AddressInfo;
      const bound = formatRemote({ kind: r.kind, host: r.host, port: addr.port });
      const host = r.host === "0.0.0.0" ? "127.0.0.1" : r.host === "::" ? "::1" : r.host;
      listener = { remote, bound, connect: formatRemote({ kind: r.kind === "pssl" ? "ssl" : "tcp", host, port: addr.port }) };
    }
    this.opened.push(listener);
    return listener;
  }

  /**
   * Opens an in-process connection without sockets: returns the client's end of a duplex byte
   * stream carrying the same JSON-RPC protocol (give it to `new JsonRpcSession(stream)`).
   */
  connectInProcess(name = `inproc#${this.nextClient}`): Duplex {
    if (this.closed) throw new Error("server is closed");
    const [client, server] = duplexPair();
    this.accept(server, name, 0);
    return client;
  }

  private accept(stream: Duplex, name: string, probeIntervalMs: number): void {
    this.nextClient++;
    const session = new JsonRpcSession(stream, {
      name,
      probeIntervalMs,
      maxMessageBytes: this.options.maxMessageBytes,
      maxQueuedBytes: this.options.maxQueuedBytes,
      pauseReadingAboveBytes: this.options.monitorBacklogBytes,
    });
    const client = new ClientSession(this, session);
    this.clients.add(client);
    session.onRequest((req) => client.handle(req));
    session.on("notification", (n) => client.handleNotification(n.method, n.params));
    session.once("close", (err) => {
      // A big unfinished message is garbage now: have it collected rather than held until V8 next feels like it.
      if (session.pendingInputBytes >= RECLAIM_AFTER_BYTES) reclaimMemorySoon();
      this.clients.delete(client);
      client.dispose();
      this.emit("disconnection", name, err);
    });
    this.emit("connection", name);
  }

  /**
   * Drops every client connection but keeps serving (clients see the server go away, as after an
   * ovsdb-server restart, and may reconnect and resume their monitors). Returns how many were dropped.
   */
  disconnectClients(): number {
    const n = this.clients.size;
    for (const c of [...this.clients]) c.session.close();
    return n;
  }

  /** Stops listening, disconnects every client and removes socket files. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.clients]) c.session.close();
    for (const set of this.pending.values()) for (const p of set) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const p of this.socketPaths) {
      try {
        if (existsSync(p)) unlinkSync(p);
      } catch {
        // already gone
      }
    }
  }

  /** Same as {@link OvsdbServer.close}, for `await using server = new OvsdbServer()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- used by ClientSession ----

  /** @internal */
  hostedDb(name: unknown): Hosted | undefined {
    return typeof name === "string" ? this.hosted.get(name) : undefined;
  }

  /** @internal Runs a transaction; `wait`s that block are retried after each commit until their timeout. */
  transact(client: ClientSession, h: Hosted, ops: readonly unknown[], id: string): unknown {
    const out = this.tryTransact(client, h, ops, false);
    if (out.kind === "done") return out.results;
    return new Promise((resolve) => {
      const p: PendingTxn = { client, ops, id, resolve, timer: undefined };
      let set = this.pending.get(h.db.name);
      if (!set) this.pending.set(h.db.name, (set = new Set()));
      set.add(p);
      client.pending.add(p);
      if (out.timeoutMs !== undefined) {
        const started = Date.now();
        p.timer = setTimeout(() => {
          set!.delete(p);
          client.pending.delete(p);
          const last = this.tryTransact(client, h, ops, true, Date.now() - started);
          resolve(last.kind === "done" ? last.results : []);
        }, out.timeoutMs);
      }
    });
  }

  private tryTransact(client: ClientSession, h: Hosted, ops: readonly unknown[], timedOut: boolean, elapsedMs?: number): ExecuteOutcome {
    return h.db.execute(ops, {
      ownsLock: (name) => this.locks.get(name)?.[0]?.client === client,
      waitTimedOut: timedOut,
      ...(elapsedMs !== undefined ? { waitElapsedMs: elapsedMs } : {}),
    });
  }

  private retryPending(dbName: string): void {
    const set = this.pending.get(dbName);
    const h = this.hosted.get(dbName);
    if (!set || !h) return;
    for (const p of [...set]) {
      if (!set.has(p)) continue;
      const out = this.tryTransact(p.client, h, p.ops, false);
      if (out.kind === "done") {
        set.delete(p);
        p.client.pending.delete(p);
        if (p.timer) clearTimeout(p.timer);
        p.resolve(out.results);
      }
    }
  }

  /** @internal */
  dropPending(p: PendingTxn): void {
    for (const set of this.pending.values()) set.delete(p);
    if (p.timer) clearTimeout(p.timer);
  }

  /**
   * @internal `lock`/`steal`: true when granted now. As ovsdb-server: a stealer goes first in the
   * queue and the previous owner is told `stolen`; that owner stays in the queue (it gets `locked`
   * again when the stealer unlocks) unless it had itself stolen the lock, in which case it leaves it.
   */
  lock(client: ClientSession, name: string, steal: boolean): boolean {
    let q = this.locks.get(name);
    if (!q) this.locks.set(name, (q = []));
    if (steal) {
      const victim = q[0];
      q.unshift({ client, steal: true });
      if (victim) {
        if (victim.steal) q.splice(q.indexOf(victim), 1);
        victim.client.lockStolen(name, victim.steal);
      }
      return true;
    }
    q.push({ client, steal: false });
    return q[0]!.client === client;
  }

  /** @internal */
  unlock(client: ClientSession, name: string): void {
    const q = this.locks.get(name);
    if (!q) return;
    const wasOwner = q[0]?.client === client;
    const i = q.findIndex((w) => w.client === client);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.locks.delete(name);
    else if (wasOwner) q[0]!.client.lockGranted(name);
  }

  /** @internal The backlog beyond which a client's monitors coalesce. */
  get backlogLimit(): number {
    return this.options.monitorBacklogBytes;
  }

  /** @internal */
  history(h: Hosted): TxnHistory {
    return h.history;
  }
}

/** One connected client: its monitors, its locks, its waiting transactions. */
class ClientSession {
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
        const result = this.server.transact(this, h, p.slice(1), ovsJsonText(req.id));
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

/** Two connected in-memory duplex streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  let ends: [Duplex, Duplex] | undefined;
  let ended = [false, false];
  const make = (self: 0 | 1): Duplex => {
    const other = (1 - self) as 0 | 1;
    const endOther = () => {
      if (!ended[other] && ends) {
        ended[other] = true;
        ends[other].push(null);
      }
    };
    return new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const peer = ends?.[other];
        if (peer && !ended[other] && !peer.destroyed) peer.push(chunk);
        cb();
      },
      final(cb) {
        endOther();
        cb();
      },
      destroy(err, cb) {
        endOther();
        cb(err);
      },
    });
  };
  ends = [make(0), make(1)];
  ended = [false, false];
  return ends;
}
