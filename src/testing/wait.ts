/**
 * Assertion helpers users write often: wait until a row matching a condition appears (in a replica,
 * or in a database through a client monitor), and wait until `ovn-northd` has processed the
 * Northbound database (`ovn-nbctl --wait=sb|hv sync` semantics).
 *
 * @module
 */
import type { OvsdbClient } from "../ovsdb/client/client.js";
import type { JsonRow, Operation, TableUpdates } from "../ovsdb/wire/index.js";
import { SandboxError } from "./process.js";

/**
 * What {@link waitForRow} needs from a replica (an in-memory copy of a database kept up to date by
 * a monitor): the current rows of a table, and an event after each update is applied. The
 * `Replica` of `ovn-ts/ovsdb` fits as it is (its `batch` event); so does any `EventEmitter` with a
 * `rows(table)` method.
 */
export interface RowSource<R = unknown> {
  /** The current rows of `table`. */
  rows(table: string): Iterable<R>;
  /** Subscribes to the event named by {@link WaitForRowOptions.event}. */
  on(event: any, listener: (...args: any[]) => void): unknown;
  /** Unsubscribes. */
  off(event: any, listener: (...args: any[]) => void): unknown;
}

/** Options of the wait helpers. */
export interface WaitOptions {
  /**
   * Give up after this many milliseconds (rejects with {@link SandboxError}).
   * @default 10000
   */
  timeoutMs?: number;
  /** Aborts the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
}

function waiter<T>(what: string, options: WaitOptions, attach: (done: (v: T) => void, fail: (e: unknown) => void) => () => void): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let detach: () => void = () => undefined;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      detach();
      f();
    };
    const onAbort = () => finish(() => reject(options.signal?.reason));
    const timer = setTimeout(() => finish(() => reject(new SandboxError(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    detach = attach(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
    if (settled) detach();
  });
}

/** Options of {@link waitForRow}. */
export interface WaitForRowOptions extends WaitOptions {
  /**
   * The event the replica emits after applying an update.
   * @default "batch" (the `Replica` of `ovn-ts/ovsdb`)
   */
  event?: string;
}

/**
 * Waits until `table` of a replica has a row for which `predicate` is true, and resolves with it.
 * Checks at once, then after each update event; rejects with {@link SandboxError} on timeout.
 *
 * ```ts
 * const replica = await Replica.start(client, nbModel);
 * const lsp = await waitForRow(replica, "Logical_Switch_Port", (p) => p.name === "lp1");
 * ```
 */
export function waitForRow<R>(replica: RowSource<R>, table: string, predicate: (row: R) => boolean, options: WaitForRowOptions = {}): Promise<R> {
  const event = options.event ?? "batch";
  return waiter<R>(`a matching row in ${table}`, options, (done) => {
    const check = () => {
      for (const r of replica.rows(table)) if (predicate(r)) return done(r);
    };
    replica.on(event, check);
    check();
    return () => void replica.off(event, check);
  });
}

/** A row as a monitor reports it: OVSDB JSON notation values plus its `_uuid`. */
export type MonitoredRow = JsonRow & { readonly _uuid: string };

/**
 * Waits until `table` of `database` has a row for which `predicate` is true, using a monitor of
 * that table through `client` (cancelled afterwards), and resolves with the row in OVSDB JSON
 * notation (e.g. `["set", [...]]`, `["uuid", "..."]`) with its `_uuid`.
 */
export async function waitForDbRow(
  client: OvsdbClient,
  database: string,
  table: string,
  predicate: (row: MonitoredRow) => boolean,
  options: WaitOptions & { columns?: readonly string[] } = {},
): Promise<MonitoredRow> {
  const rows = new Map<string, MonitoredRow>();
  let wake: () => void = () => undefined;
  // Updates can arrive before the monitor's reply is seen here: queue them until the initial
  // contents are applied, so newer rows are never overwritten by older initial ones.
  let queued: TableUpdates[] | undefined = [];
  const apply = (u: TableUpdates) => {
    for (const [uuid, ch] of Object.entries(u[table] ?? {})) {
      if (ch.new) rows.set(uuid, { ...ch.new, _uuid: uuid });
      else rows.delete(uuid);
    }
  };
  const onUpdate = (u: TableUpdates) => {
    if (queued) return void queued.push(u);
    apply(u);
    wake();
  };
  const id = `ovn-ts-wait-${Math.random().toString(36).slice(2)}`;
  const request = options.columns ? { columns: options.columns } : {};
  const start = await client.monitor(database, { [table]: request }, { onUpdate }, { method: "monitor", id });
  apply(start.updates as TableUpdates);
  for (const u of queued) apply(u);
  queued = undefined;
  try {
    return await waiter<MonitoredRow>(`a matching row in ${database}.${table}`, options, (done) => {
      wake = () => {
        for (const r of rows.values()) if (predicate(r)) return done(r);
      };
      wake();
      return () => {
        wake = () => undefined;
      };
    });
  } finally {
    await client.monitorCancel(id).catch(() => undefined);
  }
}

/** How far {@link waitForNorthd} waits: `sb` (northd wrote SB) or `hv` (every chassis caught up too). */
export type NorthdWait = "sb" | "hv";

/**
 * Waits until `ovn-northd` has processed everything committed to the Northbound database so far,
 * as `ovn-nbctl --wait=sb sync` (or `--wait=hv`) does: increments `NB_Global.nb_cfg` and waits
 * until `sb_cfg` (or `hv_cfg`) reaches the new value. `client` is connected to OVN_Northbound.
 * Resolves with the new `nb_cfg`.
 */
export async function waitForNorthd(client: OvsdbClient, options: WaitOptions & { wait?: NorthdWait } = {}): Promise<number> {
  const column = (options.wait ?? "sb") === "hv" ? "hv_cfg" : "sb_cfg";
  const ops: Operation[] = [
    { op: "mutate", table: "NB_Global", where: [], mutations: [["nb_cfg", "+=", 1]] },
    { op: "select", table: "NB_Global", where: [], columns: ["nb_cfg"] },
  ];
  const reply = await client.transact("OVN_Northbound", ops);
  const sel = reply.results[1] as { rows?: { nb_cfg?: unknown }[] } | undefined;
  const target = sel?.rows?.[0]?.nb_cfg;
  if (typeof target !== "number") throw new SandboxError("waitForNorthd: OVN_Northbound has no NB_Global row (run `ovn-nbctl init` first)");
  await waitForDbRow(client, "OVN_Northbound", "NB_Global", (r) => typeof r[column] === "number" && (r[column] as number) >= target, {
    ...options,
    columns: ["nb_cfg", "sb_cfg", "hv_cfg"],
  });
  return target;
}
