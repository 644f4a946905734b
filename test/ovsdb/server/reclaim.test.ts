/**
 * reclaim.ts asks for a collection only through a collector the process already exposes
 * (`--expose-gc`); it never turns V8 flags on itself.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { canReclaimMemory, reclaimMemorySoon } from "../../../src/ovsdb/server/reclaim.js";

const g = globalThis as { gc?: unknown };

describe("reclaimMemorySoon", () => {
  const original = g.gc;
  afterEach(() => {
    vi.useRealTimers();
    if (original === undefined) delete g.gc;
    else g.gc = original;
  });

  it("without an exposed collector does nothing and exposes none", () => {
    delete g.gc;
    vi.useFakeTimers();
    expect(canReclaimMemory()).toBe(false);
    reclaimMemorySoon();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(g.gc).toBeUndefined();
  });

  it("with --expose-gc's collector runs it once about a second later, however often asked", () => {
    const gc = vi.fn();
    g.gc = gc;
    vi.useFakeTimers();
    expect(canReclaimMemory()).toBe(true);
    reclaimMemorySoon();
    reclaimMemorySoon();
    reclaimMemorySoon();
    vi.advanceTimersByTime(999);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(gc).toHaveBeenCalledTimes(1);
    reclaimMemorySoon();
    vi.advanceTimersByTime(1000);
    expect(gc).toHaveBeenCalledTimes(2);
  });
});
