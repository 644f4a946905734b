/**
 * A keyed work queue for reconcile loops (the shape of client-go's rate-limited workqueue that
 * Kube-OVN's controllers run on): a key is queued at most once, one key is never processed by two
 * workers at once (a key added while it is processed runs again afterwards), failures are retried
 * with exponential backoff, jitter and a cap, and the queue is bounded (a typed error when full).
 * Keys come from the caller ({@link WorkQueue.add}) and from replica change batches
 * ({@link WorkQueue.watch}).
 *
 * @module
 */
import { EventEmitter } from "node:events";
import type { ChangeBatch, Replica } from "../../ovsdb/cache/replica.js";
import type { RowChange } from "../../ovsdb/cache/row-change.js";
import { WorkQueueClosedError, WorkQueueFullError } from "./errors.js";

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Reconciles one key; a rejection schedules a retry. */
  readonly handler: (key: string) => Promise<void>;
  /**
   * Keys processed at the same time (never the same key twice).
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Most distinct keys waiting (queued or waiting for a retry); {@link WorkQueue.add} beyond it
   * throws {@link WorkQueueFullError}.
   * @default 100000
   */
  readonly maxSize?: number;
  /**
   * First retry delay in milliseconds; doubled on each further failure of the key.
   * @default 5
   */
  readonly baseDelayMs?: number;
  /**
   * Longest retry delay in milliseconds.
   * @default 60000
   */
  readonly maxDelayMs?: number;
  /**
   * Jitter as a fraction of the delay: the delay is multiplied by a random factor in [1 − j, 1 + j] (then capped).
   * @default 0.2
   */
  readonly jitter?: number;
  /**
   * Failures of a key after which it is dropped (a `dropped` event) instead of retried.
   * @default 15
   */
  readonly maxRetries?: number;
  /** Random source in [0, 1) for the jitter (tests pass a fixed one). @default Math.random */
  readonly random?: () => number;
}

/** Events of a {@link WorkQueue}. */
export interface WorkQueueEvents {
  /** A key's handler failed; `retryInMs` is when it runs again. */
  failed: [key: string, error: unknown, attempt: number, retryInMs: number];
  /** A key failed `maxRetries` times and was dropped. */
  dropped: [key: string, error: unknown];
  /** A key's handler succeeded. */
  done: [key: string];
}

/** A keyed, bounded, rate-limited work queue; see the module documentation. */
export class WorkQueue extends EventEmitter<WorkQueueEvents> {
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly concurrency: number;
  private readonly maxSize: number;
  private readonly base: number;
  private readonly cap: number;
  private readonly jitter: number;
  private readonly maxRetries: number;
  private readonly random: () => number;

  constructor(private readonly options: WorkQueueOptions) {
    super();
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxSize = options.maxSize ?? 100_000;
    this.base = options.baseDelayMs ?? 5;
    this.cap = options.maxDelayMs ?? 60_000;
    this.jitter = options.jitter ?? 0.2;
    this.maxRetries = options.maxRetries ?? 15;
    this.random = options.random ?? Math.random;
  }

  /** Keys waiting (queued, re-queued after processing, or waiting for a retry). */
  get length(): number {
    return this.queued.size + this.delayed.size + this.dirty.size;
  }

  /** Keys being processed now. */
  get active(): number {
    return this.processing.size;
  }

  /** Failures so far of a key (reset when it succeeds). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * Queues `key` now (a pending retry of it runs now instead). No-op when it is already queued;
   * when it is being processed it runs once more afterwards. Throws {@link WorkQueueFullError}
   * when `maxSize` keys wait, {@link WorkQueueClosedError} after {@link WorkQueue.close}.
   */
  add(key: string): void {
    if (this.closed) throw new WorkQueueClosedError(key);
    if (this.queued.has(key) || this.dirty.has(key)) return;
    const timer = this.delayed.get(key);
    if (timer === undefined && this.length >= this.maxSize) throw new WorkQueueFullError(key, this.maxSize);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.delayed.delete(key);
    }
    if (this.processing.has(key)) this.dirty.add(key);
    else this.queued.add(key);
    this.pump();
  }

  /**
   * Queues the keys `keyOf` derives from every change of every replica batch (return `undefined`
   * to ignore a change). Keys that do not fit (full queue) are reported as `dropped`. Returns a
   * function that stops watching.
   */
  watch(replica: Replica, keyOf: (change: RowChange) => string | readonly string[] | undefined): () => void {
    const on = (batch: ChangeBatch) => {
      for (const c of batch.changes) {
        const k = keyOf(c);
        if (k === undefined) continue;
        for (const key of typeof k === "string" ? [k] : k) {
          try {
            this.add(key);
          } catch (e) {
            this.emit("dropped", key, e);
          }
        }
      }
    };
    replica.on("batch", on);
    return () => replica.off("batch", on);
  }

  /** The delay before retry number `attempt` (1-based): base·2^(attempt−1), jittered, capped. */
  delayFor(attempt: number): number {
    const raw = Math.min(this.cap, this.base * 2 ** Math.min(attempt - 1, 52));
    const factor = 1 - this.jitter + 2 * this.jitter * this.random();
    return Math.min(this.cap, Math.max(0, raw * factor));
  }

  private pump(): void {
    while (this.processing.size < this.concurrency && this.queued.size > 0) {
      const key = this.queued.values().next().value as string;
      this.queued.delete(key);
      this.processing.add(key);
      void this.run(key);
    }
    this.checkIdle();
  }

  private async run(key: string): Promise<void> {
    try {
      await this.options.handler(key);
      this.failures.delete(key);
      this.emit("done", key);
    } catch (e) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      if (attempt > this.maxRetries) {
        this.failures.delete(key);
        this.emit("dropped", key, e);
      } else {
        this.failures.set(key, attempt);
        const ms = this.delayFor(attempt);
        this.emit("failed", key, e, attempt, ms);
        if (!this.dirty.has(key) && !this.closed) {
          this.delayed.set(
            key,
            setTimeout(() => {
              this.delayed.delete(key);
              if (this.processing.has(key)) this.dirty.add(key);
              else this.queued.add(key);
              this.pump();
            }, ms),
          );
        }
      }
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.queued.add(key);
      this.pump();
    }
  }

  private checkIdle(): void {
    if (this.length === 0 && this.processing.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when nothing is queued, processing or waiting for a retry. */
  idle(): Promise<void> {
    if (this.length === 0 && this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting keys, cancels pending retries and queued keys, and resolves when the running handlers end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.delayed.values()) clearTimeout(t);
    this.delayed.clear();
    this.queued.clear();
    this.dirty.clear();
    await this.idle();
  }
}
