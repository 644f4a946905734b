/**
 * This SDK's own client metrics, which no OVS/OVN daemon exports: request latency by database,
 * method and outcome, reconnects and connection state of each {@link OvsdbClient}, replica health,
 * lag and delivered changes of each {@link Replica}, and the depth and retries of an
 * application's work queue. Register once with {@link ClientMetrics}, then attach clients,
 * replicas and queues; serve `registry` (or the exporter's, passed in) to Prometheus.
 *
 * Requests are measured by a call observer the client gives each JSON-RPC session it opens
 * (`OvsdbClient.observeCalls`: every request — transact, monitor, get_schema, echo... — is
 * reported with how it ended); state, reconnects and replica numbers come from the client's and
 * replica's events.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TransactionHook } from "../ovn/controller/transaction-event.js";

/** Latency histogram buckets in seconds, from 0.5 ms to 10 s. */
const DEFAULT_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
import type { Replica } from "../ovsdb/cache/replica.js";
import type { OvsdbClient } from "../ovsdb/client/client.js";

/** Methods whose first parameter names the database (RFC 7047 §4.1). */
const DB_METHODS: ReadonlySet<string> = new Set(["get_schema", "transact", "monitor", "monitor_cond", "monitor_cond_since", "monitor_cond_change", "convert"]);

/** Options of {@link ClientMetrics}. */
export interface ClientMetricsOptions {
  /** Registry to register in. @default a new one */
  registry?: Registry;
  /**
   * Latency histogram buckets (requests and controller transactions), in seconds.
   * @default [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: readonly number[];
}

/** The SDK client metric families and the functions that attach clients, replicas and queues to them. */
export class ClientMetrics {
  /** The registry the families live in. */
  readonly registry: Registry;
  /** `ovn_ts_client_request_duration_seconds{client,database,method,outcome}`. */
  readonly requestDuration: Histogram<string>;
  /** `ovn_ts_client_reconnects_total{client}`. */
  readonly reconnects: Counter<string>;
  /** `ovn_ts_client_connected{client}`: 1 while the client is ready. */
  readonly connected: Gauge<string>;
  /** `ovn_ts_replica_health{replica,state}`: 1 for the current health state, 0 for the others. */
  readonly replicaHealth: Gauge<string>;
  /** `ovn_ts_replica_last_update_age_seconds{replica}`: seconds since the last change batch (the replica's lag behind a quiet or stuck server). */
  readonly replicaAge: Gauge<string>;
  /** `ovn_ts_replica_changes_total{replica,table,kind}`: row changes delivered to the application. */
  readonly replicaChanges: Counter<string>;
  /** `ovn_ts_replica_batches_total{replica,cause}`: change batches delivered (initial, update, resync). */
  readonly replicaBatches: Counter<string>;
  /** `ovn_ts_workqueue_depth{queue}`: items waiting. */
  readonly queueDepth: Gauge<string>;
  /** `ovn_ts_workqueue_retries_total{queue}`: items re-queued after a failure. */
  readonly queueRetries: Counter<string>;
  /** `ovn_ts_controller_transaction_duration_seconds{controller,database,outcome}`: the controller layer's transactions. */
  readonly controllerTransactions: Histogram<string>;
  /** `ovn_ts_controller_operations_total{controller,database,op}`: operations those transactions carried, by kind. */
  readonly controllerOperations: Counter<string>;
  private readonly lastBatch = new Map<string, number>();
  private readonly queues = new Map<string, () => number>();

  constructor(options: ClientMetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    const buckets = options.buckets ?? DEFAULT_BUCKETS;
    this.requestDuration = new Histogram({
      name: "ovn_ts_client_request_duration_seconds",
      help: "OVSDB JSON-RPC request latency of ovn-ts clients, by database, method and outcome (ok or the error's class name).",
      labelNames: ["client", "database", "method", "outcome"],
      buckets: [...buckets],
      registers,
    });
    this.reconnects = new Counter({ name: "ovn_ts_client_reconnects_total", help: "Times an ovn-ts client connected again after losing its connection.", labelNames: ["client"], registers });
    this.connected = new Gauge({ name: "ovn_ts_client_connected", help: "Whether the ovn-ts client is connected and ready (1) or not (0).", labelNames: ["client"], registers });
    this.replicaHealth = new Gauge({ name: "ovn_ts_replica_health", help: "Health of an ovn-ts replica: 1 for its current state, 0 for the others.", labelNames: ["replica", "state"], registers });
    const lastBatch = this.lastBatch;
    this.replicaAge = new Gauge({
      name: "ovn_ts_replica_last_update_age_seconds",
      help: "Seconds since an ovn-ts replica last received a change batch.",
      labelNames: ["replica"],
      registers,
      collect() {
        const now = Date.now();
        for (const [name, t] of lastBatch) this.set({ replica: name }, (now - t) / 1000);
      },
    });
    this.replicaChanges = new Counter({ name: "ovn_ts_replica_changes_total", help: "Row changes an ovn-ts replica delivered, by table and kind.", labelNames: ["replica", "table", "kind"], registers });
    this.replicaBatches = new Counter({ name: "ovn_ts_replica_batches_total", help: "Change batches an ovn-ts replica delivered, by cause.", labelNames: ["replica", "cause"], registers });
    const queues = this.queues;
    this.queueDepth = new Gauge({
      name: "ovn_ts_workqueue_depth",
      help: "Items waiting in an application work queue.",
      labelNames: ["queue"],
      registers,
      collect() {
        for (const [name, depth] of queues) this.set({ queue: name }, depth());
      },
    });
    this.queueRetries = new Counter({ name: "ovn_ts_workqueue_retries_total", help: "Items an application work queue re-queued after a failure.", labelNames: ["queue"], registers });
    this.controllerTransactions = new Histogram({
      name: "ovn_ts_controller_transaction_duration_seconds",
      help: "Transactions the ovn-ts controller layer sent, by database and outcome (committed, guard-failed: a lost race that is retried, error).",
      labelNames: ["controller", "database", "outcome"],
      buckets: [...buckets],
      registers,
    });
    this.controllerOperations = new Counter({
      name: "ovn_ts_controller_operations_total",
      help: "Operations carried by the ovn-ts controller layer's transactions, by kind (insert, update, mutate, delete, wait).",
      labelNames: ["controller", "database", "op"],
      registers,
    });
  }

  /**
   * Measures every request of `client` under the label `name`, and follows its connection state
   * and reconnects. Returns a function that detaches it.
   */
  instrumentClient(client: OvsdbClient, name: string): () => void {
    const hist = this.requestDuration;
    // The client hands the observer every request of its sessions (transact, monitor,
    // get_schema, echo...), those of later reconnects included. A call that got a result is "ok"
    // at the RPC level even when its content is an error (a transaction whose operation failed).
    const stopCalls = client.observeCalls({
      callStarted(method, params) {
        const end = hist.startTimer({ client: name, database: DB_METHODS.has(method) && typeof params[0] === "string" ? params[0] : "", method });
        return (e) => end({ outcome: e === undefined ? "ok" : e.name });
      },
    });
    let connects = client.state === "ready" ? 1 : 0;
    this.connected.set({ client: name }, client.state === "ready" ? 1 : 0);
    const onState = (s: string) => this.connected.set({ client: name }, s === "ready" ? 1 : 0);
    const onConnected = () => {
      if (connects++ > 0) this.reconnects.inc({ client: name });
    };
    this.reconnects.inc({ client: name }, 0);
    client.on("state", onState);
    client.on("connected", onConnected);
    return () => {
      stopCalls();
      client.off("state", onState);
      client.off("connected", onConnected);
    };
  }

  /** Follows `replica`'s health, batches and row changes under the label `name`; returns a detach function. */
  observeReplica(replica: Replica, name: string): () => void {
    const states = ["syncing", "ready", "stale", "reconnecting", "lost"] as const;
    const setHealth = (h: string) => {
      for (const s of states) this.replicaHealth.set({ replica: name, state: s }, s === h ? 1 : 0);
    };
    setHealth(replica.health);
    this.lastBatch.set(name, Date.now());
    const onBatch = (b: { cause: string; changes: readonly { table: string; kind: string }[] }) => {
      this.lastBatch.set(name, Date.now());
      this.replicaBatches.inc({ replica: name, cause: b.cause });
      const counts = new Map<string, number>();
      for (const c of b.changes) counts.set(`${c.table}\0${c.kind}`, (counts.get(`${c.table}\0${c.kind}`) ?? 0) + 1);
      for (const [k, n] of counts) {
        const [table, kind] = k.split("\0") as [string, string];
        this.replicaChanges.inc({ replica: name, table, kind }, n);
      }
    };
    replica.on("health", setHealth);
    replica.on("batch", onBatch);
    return () => {
      replica.off("health", setHealth);
      replica.off("batch", onBatch);
      this.lastBatch.delete(name);
    };
  }

  /** Reports work queue `name`'s depth (read at each scrape from `depth`); returns a detach function. */
  observeQueue(name: string, depth: () => number): () => void {
    this.queues.set(name, depth);
    this.queueRetries.inc({ queue: name }, 0);
    return () => {
      this.queues.delete(name);
    };
  }

  /** Counts one retry of an item of work queue `name`. */
  queueRetried(name: string): void {
    this.queueRetries.inc({ queue: name });
  }

  /**
   * Follows a controller work queue (the controller layer's `WorkQueue`, or anything with its
   * `length`/`active` and `failed` event) under the label `name`: its depth (waiting plus active
   * keys) at each scrape, and a retry per failure. Returns a function that detaches it.
   */
  observeWorkQueue(queue: ObservableWorkQueue, name: string): () => void {
    const detach = this.observeQueue(name, () => queue.length + queue.active);
    const onFailed = () => this.queueRetried(name);
    queue.on("failed", onFailed);
    return () => {
      detach();
      queue.off("failed", onFailed);
    };
  }

  /**
   * Follows the transactions of a controller (the controller layer's `NbController`, or anything
   * with its `onTransaction` hook) under the label `name`: latency by database and outcome, and
   * operations by kind. Returns a function that detaches it.
   */
  observeController(controller: { onTransaction(hook: TransactionHook): () => void }, name: string): () => void {
    return controller.onTransaction((e) => {
      this.controllerTransactions.observe({ controller: name, database: e.database, outcome: e.outcome }, e.latencyMs / 1000);
      for (const [op, n] of Object.entries(e.counts)) if (n > 0) this.controllerOperations.inc({ controller: name, database: e.database, op }, n);
    });
  }
}

/** What {@link ClientMetrics.observeWorkQueue} reads of a work queue (the controller layer's `WorkQueue` has it). */
export interface ObservableWorkQueue {
  /** Keys waiting. */
  readonly length: number;
  /** Keys being processed. */
  readonly active: number;
  /** Adds a listener of failures (each one is retried or dropped). */
  on(event: "failed", listener: (...args: never[]) => void): unknown;
  /** Removes it. */
  off(event: "failed", listener: (...args: never[]) => void): unknown;
}
