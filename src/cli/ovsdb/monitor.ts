/**
 * The monitor commands of `ovn-ts ovsdb`: `monitor`, `monitor-cond`, `monitor-cond-since`, printed as ovsdb-client prints updates.
 *
 * @module
 */
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { type TableSchema, columnOf } from "../../ovsdb/schema/schema.js";
import { parseJson } from "../../ovsdb/wire/json.js";
import type { MonitorRequests, TableUpdates, TableUpdates2 } from "../../ovsdb/wire/operations.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import type { Cell, Table } from "../../ovsdb/text/table.js";
import { type Context, Fatal, receiveFailure, tableHint, timestampText } from "./context.js";
import { fetchSchema } from "./schema.js";
import { monitorControl } from "./control.js";
import { controlPath } from "./options.js";

/** A monitored table: its schema and the columns printed. */
export interface Monitored {
  table: TableSchema;
  columns: string[];
}

/** Parses a `TABLE[:COLUMN,...]` argument of `monitor` into a monitor request. */
export function parseMonitorColumns(ctx: Context, arg: string, ts: TableSchema, seen: Set<string>): { request: Record<string, unknown>; columns: string[] } {
  const sel = { initial: true, insert: true, delete: true, modify: true };
  const columns: string[] = [];
  const add = (c: string) => {
    if (seen.has(c)) throw new Fatal(`${ctx.server}: column "${c}" mentioned multiple times`);
    seen.add(c);
    columns.push(c);
  };
  for (const tok of arg.split(",").filter((t) => t !== "")) {
    if (tok === "!initial") sel.initial = false;
    else if (tok === "!insert") sel.insert = false;
    else if (tok === "!delete") sel.delete = false;
    else if (tok === "!modify") sel.modify = false;
    else {
      if (!columnOf(ts, tok)) throw new Fatal(`${ctx.server}: table "${ts.name}" in ${ctx.database} does not have a column named "${tok}"`);
      add(tok);
    }
  }
  if (columns.length === 0) {
    for (const c of [...ts.columns.keys()].sort(compareUtf8)) add(c);
    add("_version");
  }
  const request: Record<string, unknown> = { columns };
  if (!sel.initial || !sel.insert || !sel.delete || !sel.modify) request["select"] = sel;
  return { request, columns };
}

/** `monitor`, `monitor-cond` and `monitor-cond-since`: prints the initial contents, then every update. */
export async function monitor(ctx: Context, args: string[], method: "monitor" | "monitor_cond" | "monitor_cond_since"): Promise<number> {
  const { schema } = await fetchSchema(ctx);
  let condition: unknown;
  let lastId: string | undefined;
  let rest = args;
  if (method === "monitor_cond_since" && rest.length > 2 && /^[0-9a-f-]{36}$/i.test(rest[0]!)) {
    lastId = rest[0];
    rest = rest.slice(1);
  }
  if (method !== "monitor") {
    const tn = rest[1]!;
    if (!schema.tables.has(tn)) {
      const hint = await tableHint(ctx, schema, tn);
      if (hint) ctx.hints.push(hint);
      throw new Fatal(`${ctx.database} does not have a table named "${tn}"`);
    }
    try {
      condition = parseJson(rest[0]!);
    } catch (e) {
      throw new Fatal(`"${rest[0]}": ${(e as Error).message}`);
    }
    rest = rest.slice(1);
  }
  const tableName = rest[0]!;
  const mts: Monitored[] = [];
  const requests: Record<string, unknown[]> = {};
  const addTable = (ts: TableSchema, colArgs: string[]) => {
    const seen = new Set<string>();
    const reqs: Record<string, unknown>[] = [];
    const cols: string[] = [];
    const list = colArgs.length > 0 ? colArgs : [""];
    list.forEach((a, i) => {
      const { request, columns } = parseMonitorColumns(ctx, a, ts, seen);
      if (i === 0 && condition !== undefined) request["where"] = condition;
      reqs.push(request);
      cols.push(...columns);
    });
    requests[ts.name] = reqs;
    mts.push({ table: ts, columns: cols });
  };
  if (tableName !== "ALL") {
    const ts = schema.tables.get(tableName);
    if (!ts) {
      const hint = await tableHint(ctx, schema, tableName);
      if (hint) ctx.hints.push(hint);
      throw new Fatal(`${ctx.server}: ${ctx.database} does not have a table named "${tableName}"`);
    }
    addTable(ts, rest.slice(1));
  } else {
    if (condition !== undefined) throw new Fatal("ALL tables are not allowed with condition");
    for (const tn of [...schema.tables.keys()].sort(compareUtf8)) addTable(schema.tables.get(tn)!, rest.slice(1));
  }
  if (ctx.options.dbChangeAware !== false) await ctx.client!.setDbChangeAware(true).catch(() => undefined);
  const v1 = method === "monitor";
  const print = (updates: unknown, initial: boolean) => {
    for (const mt of mts) {
      const tu = (updates as Record<string, Record<string, unknown>>)[mt.table.name];
      if (tu) ctx.io.out(monitorTable(ctx, mt, tu, mts.length > 1 ? mt.table.name : undefined, v1, initial));
    }
  };
  let finish!: (status: number) => void;
  let ended = false;
  const done = new Promise<number>((resolve) => {
    finish = (status) => {
      ended = true;
      resolve(status);
    };
    ctx.client!.once("disconnected", (err) => {
      // closing after an interrupt (or a closed stdout, or the end of the command) is not a failed receive
      if (ctx.io.signal?.aborted || ended) return resolve(0);
      ctx.io.err(`ovn-ts ovsdb: ${ctx.server}: receive failed (${receiveFailure(err)})\n`);
      resolve(1);
    });
    ctx.io.signal?.addEventListener("abort", () => resolve(0), { once: true });
  });
  // As ovsdb-client: a monitor the server cancels (its database was converted or removed; sent to
  // db-change-aware clients) ends the command with an error, rather than being re-issued.
  // (This command's client runs no other monitor.)
  ctx.client!.once("monitor-canceled", () => {
    if (ended) return;
    // The client re-issues the monitor; its outcome no longer matters once the command ends.
    ctx.client!.on("error", () => undefined);
    ctx.io.err(`ovn-ts ovsdb: ${ctx.server}: ${ctx.database} database was removed\n`);
    finish(1);
  });
  const v3 = method === "monitor_cond_since";
  const start = await ctx.client!.monitor(
    ctx.database!,
    requests as unknown as MonitorRequests,
    {
      onUpdate: (u: TableUpdates) => print(u, false),
      onUpdate2: (u: TableUpdates2, lastTxnId: string | undefined) => {
        // As ovsdb-client: each update3 is preceded by "\nlast_id: ID" (no newline of its own).
        if (v3) ctx.io.out(`\nlast_id: ${lastTxnId ?? ""}`);
        print(u, false);
      },
    },
    { method, ...(lastId ? { lastTxnId: lastId } : {}) },
  );
  // As ovsdb-client: the reply to monitor_cond_since first says whether the history had the given id.
  if (v3) ctx.io.out(`found: ${start.found ? "true" : "false"}, last_id: ${start.lastTxnId ?? ""}\n`);
  print(start.updates, true);
  const path = controlPath(ctx);
  if (path === undefined) {
    ctx.daemon?.complete();
    return done;
  }
  const control = await monitorControl(ctx, path, method, start.id, () => finish(0));
  ctx.daemon?.complete();
  try {
    return await done;
  } finally {
    await control.close();
  }
}

/** One table's updates as ovsdb-client prints them (`row action column...`). */
export function monitorTable(ctx: Context, mt: Monitored, tu: Record<string, unknown>, caption: string | undefined, v1: boolean, initial: boolean): string {
  const headings = ["row", "action", ...mt.columns];
  const rows: Cell[][] = [];
  const rowCells = (row: Record<string, unknown> | null, action: string, uuid: string) => {
    const cells: Cell[] = [{ text: uuid }, { text: action }];
    if (row) {
      for (const c of mt.columns) {
        const v = row[c];
        cells.push(v === undefined ? null : { json: v, type: columnOf(mt.table, c)!.type });
      }
    }
    rows.push(cells);
  };
  for (const uuid of shashOrder(Object.keys(tu))) {
    const u = tu[uuid] as Record<string, unknown>;
    if (v1) {
      const o = u["old"] as Record<string, unknown> | undefined;
      const n = u["new"] as Record<string, unknown> | undefined;
      if (initial) rowCells(n ?? null, "initial", uuid);
      else if (!o) rowCells(n ?? null, "insert", uuid);
      else if (!n) rowCells(o, "delete", uuid);
      else {
        rowCells(o, "old", uuid);
        rowCells(n, "new", "");
      }
    } else {
      for (const op of ["delete", "initial", "modify", "insert"]) {
        if (op in u) {
          rowCells(op === "delete" ? null : (u[op] as Record<string, unknown>), op, uuid);
          break;
        }
      }
    }
  }
  let out = "";
  if (ctx.options.timestamp) out += `${timestampText()}\n`;
  const t: Table = { headings, rows };
  if (caption !== undefined) t.caption = caption;
  return out + ctx.printer.format(t);
}
