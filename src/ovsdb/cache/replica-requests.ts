/**
 * The monitor requests a {@link Replica} sends (RFC 7047 §4.1.5 `<monitor-requests>`, with
 * ovsdb-server(1)'s `monitor_cond` conditions): which columns and rows of each replicated table,
 * the stages of a staged start ({@link ReplicaOptions.stages}), and, for plain `monitor` (which has
 * no `where`), the conditions applied on the client side instead.
 *
 * @module
 */

import type { MonitorMethod, MonitorStart, OvsdbClient } from "../client/client.js";
import { type CompiledWhere, compileWhere } from "../schema/condition.js";
import type { MonitorCondition, MonitorRequests } from "../wire/operations.js";
import type { ReplicaOptions } from "./replica-types.js";
import type { TableStore } from "./table-store.js";

/** The condition no row matches, and the one every row matches (RFC 7047 §5.1 `<condition>` booleans, ovsdb-server(1) `monitor_cond`). */
const NO_ROW: readonly MonitorCondition[] = [false];
const ALL_ROWS: readonly MonitorCondition[] = [true];

/** Staged monitors started so far (their ids, unique in the process). */
let stagedMonitors = 0;

/** The condition the caller gave `table`, if any. */
export function whereOf(options: ReplicaOptions, table: string): readonly MonitorCondition[] | undefined {
  const o = options.tables?.[table];
  return o && o !== true && o.where ? o.where : undefined;
}

/**
 * The `monitor_cond` requests of the replicated tables: their columns and conditions, the tables
 * in `staged` asking for no row yet.
 */
export function condRequests(tables: ReadonlyMap<string, TableStore>, options: ReplicaOptions, staged: ReadonlySet<string> = new Set()): MonitorRequests {
  const out: Record<string, unknown> = {};
  for (const [name, t] of tables) {
    const req: Record<string, unknown> = {};
    if (t.columns) req["columns"] = t.columns;
    const where = staged.has(name) ? NO_ROW : whereOf(options, name);
    if (where) req["where"] = where;
    out[name] = req;
  }
  return out as MonitorRequests;
}

/** The plain `monitor` requests (no `where`: conditions are then applied on the client side, {@link clientFilter}). */
export function plainRequests(tables: ReadonlyMap<string, TableStore>): MonitorRequests {
  const out: Record<string, unknown> = {};
  for (const [name, t] of tables) out[name] = t.columns ? { columns: t.columns } : {};
  return out as MonitorRequests;
}

/** The requests for `method`: plain for `monitor`, with conditions otherwise. */
export function requestsFor(method: MonitorMethod, tables: ReadonlyMap<string, TableStore>, options: ReplicaOptions): MonitorRequests {
  return method === "monitor" ? plainRequests(tables) : condRequests(tables, options);
}

/** Under plain `monitor`: the caller's condition on `table`, compiled to filter rows on the client side. */
export function clientFilter(method: MonitorMethod | undefined, tables: ReadonlyMap<string, TableStore>, options: ReplicaOptions, table: string): CompiledWhere | undefined {
  if (method !== "monitor") return undefined;
  const o = options.tables?.[table];
  if (!o || o === true || !o.where) return undefined;
  return compileWhere(tables.get(table)!.schema, o.where, { disjunction: true });
}

/** {@link ReplicaOptions.stages}: the stages of replicated tables, each table once, empty ones left out. */
export function stagesOf(tables: ReadonlyMap<string, TableStore>, options: ReplicaOptions): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const stage of options.stages ?? []) {
    const chosen = stage.filter((t) => tables.has(t) && !seen.has(t));
    for (const t of chosen) seen.add(t);
    if (chosen.length) out.push(chosen);
  }
  return out;
}

/**
 * Starts the monitor (`method`, not `monitor`) with the tables of `stages` left out (condition
 * `false`), and sends one `monitor_cond_change` per stage right after it; resolves once every
 * stage's rows are in (ovsdb-server sends a condition change's rows before its reply).
 */
export async function startStaged(
  client: OvsdbClient,
  database: string,
  tables: ReadonlyMap<string, TableStore>,
  options: ReplicaOptions,
  method: MonitorMethod,
  stages: readonly (readonly string[])[],
  handlers: Parameters<OvsdbClient["monitor"]>[2],
  monitorOptions: Parameters<OvsdbClient["monitor"]>[3],
): Promise<MonitorStart> {
  const staged = new Set(stages.flat());
  const id = `replica-staged-${++stagedMonitors}`;
  // A monitor re-issued later asks for every row: the staged set is used for this request only.
  const starting = client.monitor(database, condRequests(tables, options, staged), handlers, { ...monitorOptions, method, id });
  // Sent now, without waiting for the reply: the server takes them in order, after the monitor.
  const changes = stages.map((stage) => client.monitorCondChange(id, Object.fromEntries(stage.map((t) => [t, { where: whereOf(options, t) ?? ALL_ROWS }]))));
  for (const c of changes) c.catch(() => undefined);
  const start = await starting.catch(async (e: unknown) => {
    await Promise.allSettled(changes);
    throw e;
  });
  try {
    await Promise.all(changes);
  } catch (e) {
    await client.monitorCancel(id).catch(() => undefined);
    throw e;
  }
  return start;
}
