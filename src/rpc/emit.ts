/**
 * Emitting `"error"` safely. Node's `EventEmitter` throws an `"error"` nobody listens for, which
 * kills the process when it happens in a timer or socket callback. Long-lived objects (clients,
 * replicas, connections) report errors that do not stop them through this helper instead: with a
 * listener the error is emitted as usual; without one it becomes a process warning (visible, never
 * fatal), and the object's own state must tell what happened.
 *
 * @module
 */
import type { EventEmitter } from "node:events";

/** The warning code used when an `"error"` event had no listener. */
export const UNHANDLED_ERROR_WARNING = "OVN_TS_UNHANDLED_ERROR";

/**
 * Emits `error` on `emitter` when something listens for `"error"`; otherwise reports it with
 * `process.emitWarning` (code {@link UNHANDLED_ERROR_WARNING}). Returns true when a listener got it.
 */
export function emitErrorSafely(emitter: EventEmitter, error: Error, source = emitter.constructor.name): boolean {
  if (emitter.listenerCount("error") > 0) {
    emitter.emit("error", error);
    return true;
  }
  process.emitWarning(`${source}: ${error.name}: ${error.message} (no "error" listener)`, { code: UNHANDLED_ERROR_WARNING });
  return false;
}
