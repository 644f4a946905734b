/**
 * Giving memory back after a burst. A connection that dies in the middle of a large message leaves
 * its partial input unreachable, but V8 only collects it at its next major garbage collection,
 * which an idle server may never reach: the memory stays held for good (ovsdb-server frees it at
 * once). The server asks for one collection soon after such a close, at most once a second.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined | null;
let timer: NodeJS.Timeout | undefined;

/** The collector: `globalThis.gc` when the process runs with `--expose-gc`, else V8's own, exposed once. */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return (collect = exposed);
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    collect = typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Schedules one full garbage collection within about a second (several calls share it). */
export function reclaimMemorySoon(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    collector()?.();
  }, 1000);
  timer.unref();
}
