/**
 * Group commit of NB transactions: while one `transact` is on the wire, the commits that arrive
 * meanwhile wait and then go out together as one OVSDB transaction, their operations
 * concatenated in arrival order. ovsdb-server pays its per-transaction costs (the commit, the log
 * record, one monitor update to every client, the replica's merge of that update) once per batch
 * instead of once per commit, which is what bounds a controller that creates pods concurrently.
 * A commit that arrives while nothing is in flight is sent at once, alone: a sequential caller
 * sees no added latency.
 *
 * The batch is equivalent to committing its transactions one after another in arrival order (a
 * valid order for commits that were concurrent): each sees the effects of those before it. When
 * the batch fails, the server committed none of it (RFC 7047 §4.1.3: a transaction is atomic), so
 * each of its transactions is sent again alone and gets its own result or error, exactly as
 * without batching.
 *
 * @internal
 * @module
 */
import type { TransactClient } from "../../ovsdb/model/model.js";
import type { Operation, OperationResult } from "../../ovsdb/wire/operations.js";

interface Waiting {
  readonly ops: readonly Operation[];
  readonly resolve: (results: readonly OperationResult[]) => void;
  readonly reject: (e: unknown) => void;
}

/** The most transactions (and operations) one batch carries. */
const MAX_BATCH = 64;
const MAX_BATCH_OPS = 4096;

/** Sends transactions of one database over `client`, batching those that arrive while one is in flight. */
export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private busy = false;

  constructor(
    private readonly client: TransactClient,
    private readonly database: string,
  ) {}

  /** Commits `ops` as (part of) one transaction; resolves with their results, or rejects with the server's error for them. */
  transact(ops: readonly Operation[]): Promise<readonly OperationResult[]> {
    if (!this.busy) {
      // Nothing in flight (a sequential caller, always): sent at once, without the queue's promises.
      this.busy = true;
      const p = this.client.transact(this.database, ops).then((r) => r.results);
      p.then(this.idle, this.idle);
      return p;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  /** After a transaction sent at once: sends what queued up meanwhile. */
  private readonly idle = (): void => {
    this.busy = false;
    if (this.queue.length > 0) void this.drain();
  };

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.take();
        if (batch.length === 1) await this.alone(batch[0]!);
        else await this.together(batch);
      }
    } finally {
      this.busy = false;
    }
  }

  /** The next batch: waiting transactions in order, within the limits, whose uuid-names do not clash. */
  private take(): Waiting[] {
    // Alone (the sequential caller's case): nothing to check.
    if (this.queue.length === 1) return [this.queue.shift()!];
    const batch: Waiting[] = [];
    const names = new Set<string>();
    let n = 0;
    while (this.queue.length > 0 && batch.length < MAX_BATCH) {
      const next = this.queue[0]!;
      const own = next.ops.flatMap((op) => (op.op === "insert" && op["uuid-name"] !== undefined ? [op["uuid-name"]] : []));
      if (batch.length > 0 && (n + next.ops.length > MAX_BATCH_OPS || own.some((u) => names.has(u)))) break;
      for (const u of own) names.add(u);
      n += next.ops.length;
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve((await this.client.transact(this.database, w.ops)).results);
    } catch (e) {
      w.reject(e);
    }
  }

  private async together(batch: readonly Waiting[]): Promise<void> {
    let results: readonly OperationResult[];
    const ops = batch.flatMap((w) => w.ops);
    try {
      results = (await this.client.transact(this.database, ops)).results;
      // A client that returns error results instead of throwing: the batch failed all the same.
      if (results.length !== ops.length || results.some((r) => r === null || typeof r !== "object" || "error" in r)) throw new Error("batch failed");
    } catch {
      // Nothing of the batch was committed: each transaction alone gets its own outcome (in order,
      // pipelined on the connection).
      await Promise.all(batch.map((w) => this.alone(w)));
      return;
    }
    let at = 0;
    for (const w of batch) {
      w.resolve(results.slice(at, at + w.ops.length));
      at += w.ops.length;
    }
  }
}
