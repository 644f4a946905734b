/** The keyed work queue: per-key serialization, de-duplication, backoff with jitter and cap, bounds, drops, replica feeding. */
import { describe, expect, it } from "vitest";
import { WorkQueue, WorkQueueClosedError, WorkQueueFullError } from "../../../src/ovn/index.js";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("WorkQueue", () => {
  it("never runs one key twice at once, and runs a key added during its processing exactly once more", async () => {
    const running = new Set<string>();
    const runs: string[] = [];
    let overlap = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue({
      concurrency: 1,
      handler: async (k) => {
        if (running.has(k)) overlap = true;
        running.add(k);
        runs.push(k);
        if (runs.length === 1) await gate;
        running.delete(k);
      },
    });
    q.add("a");
    await tick();
    q.add("a");
    q.add("a");
    q.add("b");
    q.add("b");
    await tick();
    expect(runs).toEqual(["a"]);
    expect(q.length).toBe(2);
    release();
    await q.idle();
    expect(runs).toEqual(["a", "b", "a"]);
    expect(overlap).toBe(false);
  });

  it("retries a failing key with exponential backoff, jitter and a cap, then drops it after maxRetries", async () => {
    const q = new WorkQueue({ handler: async () => Promise.reject(new Error("boom")), baseDelayMs: 1, maxDelayMs: 8, jitter: 0.5, maxRetries: 5, random: () => 1 - Number.EPSILON });
    expect([1, 2, 3, 4, 5, 6].map((a) => Math.round(q.delayFor(a) * 100) / 100)).toEqual([1.5, 3, 6, 8, 8, 8]);
    const low = new WorkQueue({ handler: async () => undefined, baseDelayMs: 10, jitter: 0.5, random: () => 0 });
    expect(low.delayFor(1)).toBe(5);
    const failed: [number, number][] = [];
    let dropped: unknown;
    q.on("failed", (_k, _e, attempt, ms) => failed.push([attempt, Math.round(ms * 10) / 10]));
    q.on("dropped", (_k, e) => (dropped = e));
    q.add("k");
    await q.idle();
    expect(failed.map(([a]) => a)).toEqual([1, 2, 3, 4, 5]);
    expect(failed.map(([, ms]) => ms)).toEqual([1.5, 3, 6, 8, 8]);
    expect(dropped).toBeInstanceOf(Error);
    expect(q.failuresOf("k")).toBe(0);
  });

  it("resets the failure count when the key succeeds", async () => {
    let n = 0;
    const q = new WorkQueue({ handler: async () => (++n < 3 ? Promise.reject(new Error("x")) : undefined), baseDelayMs: 1, maxDelayMs: 2 });
    q.add("k");
    await q.idle();
    expect(n).toBe(3);
    expect(q.failuresOf("k")).toBe(0);
  });

  it("is bounded: a new key beyond maxSize is a typed error; a queued key is still a no-op", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue({ concurrency: 1, maxSize: 2, handler: () => gate });
    q.add("running");
    await tick();
    q.add("a");
    q.add("b");
    q.add("a");
    expect(() => q.add("c")).toThrow(WorkQueueFullError);
    try {
      q.add("c");
    } catch (e) {
      expect(e).toMatchObject({ key: "c", capacity: 2 });
    }
    release();
    await q.idle();
    await q.close();
    expect(() => q.add("d")).toThrow(WorkQueueClosedError);
  });
});
