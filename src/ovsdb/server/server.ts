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
import type { Duplex } from "node:stream";
import { bundledSchema } from "../schema/bundled.js";
import type { DatabaseSchema } from "../schema/schema.js";
import { OvsdbError } from "../wire/errors.js";
import { randomUuid } from "../wire/notation.js";
import { type PassiveRemote, type TlsOptions, formatRemote, parsePassiveRemote, readPem } from "../wire/remote.js";
import { JsonRpcSession } from "../wire/session.js";
import { ovsJsonText, wireSchema } from "./codec.js";
import { adoptDirectReads } from "./direct-accept.js";
import { duplexPair } from "./duplex.js";
import { ClientSession, type PendingTxn } from "./session.js";
import { type CommittedTxn, Database, type ExecuteOutcome, type TxnContext } from "./database.js";
import { TxnHistory } from "./monitor.js";
import { reclaimMemorySoon } from "./reclaim.js";

/** Options of an {@link OvsdbServer}. */
export interface OvsdbServerOptions {
  /**
   * Transactions kept per database for `monitor_cond_since` (as a clustered ovsdb-server does),
   * from the first `monitor_cond_since` on that database on (or from the history given to
   * {@link OvsdbServer.addDatabase}); before that only the last transaction is resumable.
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

/** A database the server serves, with its monitor history and its `_Server.Database` row. */
export interface Hosted {
  readonly db: Database;
  readonly history: TxnHistory;
  /** Row UUID in `_Server.Database`. */
  serverRow: string | undefined;
}

const SERVER_DB = "_Server";
/** A connection that dies holding this much of an unfinished message triggers a garbage collection. */
const RECLAIM_AFTER_BYTES = 8 * 1024 * 1024;

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
    if (past.length > 0) h.history.record();
    for (const txn of past) h.history.add(txn);
    this.hosted.set(db.name, h);
    db.onCommit((txn) => {
      h.history.add(txn);
      for (const c of this.clients) c.onCommit(txn);
      this.emit("commit", txn);
      // Waiting transactions may now proceed (after this commit's own reply is on its way). Most
      // commits have none waiting: no microtask then (Node wraps each in an async resource).
      const waiting = this.pending.get(db.name);
      if (waiting !== undefined && waiting.size > 0) queueMicrotask(() => this.retryPending(db.name));
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
    const onSocket = (accepted: net.Socket) => {
      // Plain sockets are accepted paused and re-opened to read without the readable stream (direct-accept.ts).
      let session: JsonRpcSession | undefined;
      const socket = r.kind === "pssl" ? accepted : (adoptDirectReads(accepted, () => session !== undefined && session.pendingInputBytes > 0) ?? accepted.resume());
      socket.setNoDelay?.(true);
      const name = r.kind === "punix" ? `unix:${r.path}#${this.nextClient}` : `${r.kind === "pssl" ? "ssl" : "tcp"}:${socket.remoteAddress}:${socket.remotePort}`;
      session = this.accept(socket, name, r.kind === "punix" ? 0 : this.options.tcpProbeIntervalMs);
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
      server = net.createServer({ pauseOnConnect: true }, onSocket);
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

  private accept(stream: Duplex, name: string, probeIntervalMs: number): JsonRpcSession {
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
    return session;
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

  /** @internal Runs a transaction; `wait`s that block are retried after each commit until their timeout (`requestId` names them for `cancel`). */
  transact(client: ClientSession, h: Hosted, ops: readonly unknown[], requestId: unknown): unknown {
    const out = this.tryTransact(client, h, ops, false);
    if (out.kind === "done") return out.results;
    const id = ovsJsonText(requestId);
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
    if (!timedOut) {
      // The usual case: one context per client, made once.
      let ctx = this.txnContexts.get(client);
      if (ctx === undefined) this.txnContexts.set(client, (ctx = { ownsLock: this.lockTest(client), waitTimedOut: false }));
      return h.db.execute(ops, ctx);
    }
    return h.db.execute(ops, { ownsLock: this.lockTest(client), waitTimedOut: true, ...(elapsedMs !== undefined ? { waitElapsedMs: elapsedMs } : {}) });
  }

  /** True when `client` owns lock `name` (RFC 7047 `assert`). */
  private lockTest(client: ClientSession): (name: string) => boolean {
    return (name) => this.locks.get(name)?.[0]?.client === client;
  }

  /** The {@link TxnContext} of each client's transactions that have not timed out. */
  private readonly txnContexts = new WeakMap<ClientSession, TxnContext>();

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

export { duplexPair };
