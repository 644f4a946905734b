/**
 * The replica's async iterator of change batches: a queue bounded by a high-water mark. When the
 * consumer falls that far behind, reading from the server stops (backpressure, through the hooks
 * given) until it has caught up to half of it; nothing is ever dropped.
 *
 * @module
 */

/** What the queue does to the connection when it fills and drains. */
export interface Backpressure {
  /** Stop reading from the server. */
  pause(): void;
  /** Read again (called when the queue is down to half the high-water mark). */
  resume(): void;
}

/** Batches for the iterators of one replica. */
export class BatchQueue<B> {
  private readonly queue: B[] = [];
  private readonly waiters: ((b: IteratorResult<B>) => void)[] = [];
  private iterating = 0;
  private ended = false;

  constructor(
    private readonly highWater: number,
    private readonly backpressure: Backpressure,
  ) {}

  /** Hands `batch` to a waiting iterator, or queues it when any iterator is open. */
  push(batch: B): void {
    if (this.iterating === 0) return;
    const w = this.waiters.shift();
    if (w) {
      w({ value: batch, done: false });
      return;
    }
    this.queue.push(batch);
    if (this.queue.length >= this.highWater) this.backpressure.pause();
  }

  /** Ends every waiting iterator; with `forGood`, later calls of `next()` end too once the queue is empty. */
  finish(forGood: boolean): void {
    if (forGood) this.ended = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  /** A new iterator, from now on, in order. */
  iterator(): AsyncIterableIterator<B> {
    this.iterating++;
    const self = this;
    let done = false;
    const it: AsyncIterableIterator<B> = {
      next(): Promise<IteratorResult<B>> {
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (self.queue.length > 0) {
          const b = self.queue.shift()!;
          if (self.queue.length < self.highWater / 2) self.backpressure.resume();
          return Promise.resolve({ value: b, done: false });
        }
        if (self.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => self.waiters.push(resolve));
      },
      return(): Promise<IteratorResult<B>> {
        if (!done) {
          done = true;
          self.iterating--;
          if (self.iterating === 0) self.queue.length = 0;
        }
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return it;
      },
    };
    return it;
  }
}
