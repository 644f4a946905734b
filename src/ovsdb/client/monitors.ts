/**
 * The client's monitors: what it keeps of each (to re-issue it after a reconnect), starting one on
 * a session, delivering its notifications to its handlers, and its requests after a condition change.
 *
 * @module
 */
import { ProtocolError, safeJson } from "../wire/errors.js";
import type { MonitorCondition, MonitorRequests, TableUpdates, TableUpdates2 } from "../wire/operations.js";
import type { JsonRpcSession } from "../wire/session.js";
import type { MonitorHandlers, MonitorMethod, MonitorStart, MonitorState } from "./types.js";

/** A live monitor: kept so the client can re-issue it after a reconnect. */
export interface MonitorEntry {
  state: MonitorState;
  error: Error | undefined;
  /** Called once when the monitor is lost for good. */
  onLost: ((error: Error) => void) | undefined;
  id: string;
  database: string;
  method: MonitorMethod;
  requests: MonitorRequests;
  handlers: MonitorHandlers;
  lastTxnId: string | undefined;
  /** Called with the re-issued monitor's initial contents after a reconnect. */
  onResync: ((start: MonitorStart) => void) | undefined;
  /**
   * Set while the monitor's (re)start reply is in flight: notifications for it that arrive in the
   * same read as the reply (or before its owner has loaded the reply) wait here, so they are
   * applied after the initial contents, never before them.
   */
  held: { method: string; params: readonly unknown[] }[] | undefined;
}

/** Sends `m`'s monitor request on `session` (from `lastTxnId` for `monitor_cond_since`) and checks the reply. */
export async function startMonitor(session: JsonRpcSession, m: MonitorEntry, lastTxnId: string | undefined): Promise<MonitorStart> {
  if (m.method === "monitor_cond_since") {
    const r = await session.call("monitor_cond_since", [m.database, m.id, m.requests, lastTxnId ?? "00000000-0000-0000-0000-000000000000"]);
    if (!Array.isArray(r) || r.length !== 3 || typeof r[0] !== "boolean" || typeof r[1] !== "string") {
      throw new ProtocolError(`monitor_cond_since: unexpected reply ${safeJson(r)}`);
    }
    m.lastTxnId = r[1];
    return { id: m.id, method: m.method, found: r[0], lastTxnId: r[1], updates: (r[2] ?? {}) as TableUpdates2 };
  }
  const r = await session.call(m.method, [m.database, m.id, m.requests]);
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new ProtocolError(`${m.method}: unexpected reply ${safeJson(r)}`);
  return { id: m.id, method: m.method, found: false, lastTxnId: undefined, updates: r as TableUpdates };
}

/** Hands an `update`/`update2`/`update3` notification of `m` to its handlers (update3 also moves its last transaction id). */
export function deliverUpdate(m: MonitorEntry, method: string, params: readonly unknown[]): void {
  if (method === "update") m.handlers.onUpdate?.(params[1] as TableUpdates);
  else if (method === "update2") m.handlers.onUpdate2?.(params[1] as TableUpdates2, undefined);
  else {
    m.lastTxnId = params[1] as string;
    m.handlers.onUpdate2?.(params[2] as TableUpdates2, params[1] as string);
  }
}

/** A monitor's requests with the conditions of a `monitor_cond_change` applied (so a re-issued monitor uses them). */
export function withConditions(
  requests: MonitorRequests,
  changes: { readonly [table: string]: { readonly where: readonly MonitorCondition[] } | readonly { readonly where: readonly MonitorCondition[] }[] },
): MonitorRequests {
  const next: Record<string, unknown> = { ...requests };
  for (const [table, change] of Object.entries(changes)) {
    const cur = requests[table];
    const curList = Array.isArray(cur) ? cur : cur ? [cur] : [{}];
    const chList = Array.isArray(change) ? change : [change];
    next[table] = curList.map((req, i) => ({ ...req, where: (chList[i] ?? chList[0])!.where }));
  }
  return next as MonitorRequests;
}
