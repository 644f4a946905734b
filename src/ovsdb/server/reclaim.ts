/**
 * Giving memory back after a burst. A connection that dies in the middle of a large message leaves
 * its partial input unreachable, but V8 only collects it at its next major garbage collection,
 * which an idle server may never reach: the memory stays held for good (ovsdb-server frees it at
 * once). When the process exposes V8's collector (`node --expose-gc`, or `NODE_OPTIONS=--expose-gc`),
 * the server asks for one collection soon after such a close, at most once a second. Without it the
 * server does nothing here: a library does not change the V8 flags of the process it runs in.
 *
 * @module
 */

let timer: NodeJS.Timeout | undefined;

/** The process's collector, when it was started with `--expose-gc`; read at each use, never enabled here. */
function exposedCollector(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? (gc as () => void) : undefined;
}

/** True when the process exposes V8's collector (`--expose-gc`), so {@link reclaimMemorySoon} can act. */
export function canReclaimMemory(): boolean {
  return exposedCollector() !== undefined;
}

/**
 * Schedules one full garbage collection within about a second (several calls share it); does
 * nothing when the process was not started with `--expose-gc`.
 */
export function reclaimMemorySoon(): void {
  if (timer || !canReclaimMemory()) return;
  timer = setTimeout(() => {
    timer = undefined;
    exposedCollector()?.();
  }, 1000);
  timer.unref();
}
