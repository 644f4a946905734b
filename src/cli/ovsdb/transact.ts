/**
 * The transaction commands of `ovn-ts ovsdb`: `transact`, `query`, `wait`, `lock`, `steal`, `unlock`
 * (and `dump`, from dump.ts).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseJson } from "../../ovsdb/wire/json.js";
import { OvsdbError, errorToJson } from "../../ovsdb/wire/errors.js";
import type { TableUpdates2 } from "../../ovsdb/wire/operations.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import { withProgress } from "../io.js";
import { type Context, Fatal, openRpc, receiveFailure } from "./context.js";
import { lockControl } from "./control.js";
import { controlPath } from "./options.js";

export { dump } from "./dump.js";

/** Reads a transaction argument: JSON text, `@FILE` or `-` (standard input). */
export async function readTransaction(ctx: Context, text: string): Promise<unknown> {
  let source = text;
  if (text === "-") source = await ctx.io.readStdin();
  else if (text.startsWith("@")) {
    try {
      source = readFileSync(text.slice(1), "utf8");
    } catch (e) {
      throw new Fatal(`${text.slice(1)}: ${(e as Error).message}`);
    }
  }
  try {
    return parseJson(source);
  } catch (e) {
    const shown = source.length > 60 ? `${source.slice(0, 60)}...` : source;
    throw new Fatal(`"${shown}": ${(e as Error).message}`);
  }
}

/** `transact` / `query` (a query ends in "abort"): prints the results. */
export async function transact(ctx: Context, args: string[], query: boolean): Promise<number> {
  const txn = await readTransaction(ctx, args[args.length - 1]!);
  if (!Array.isArray(txn) || txn.length === 0 || typeof txn[0] !== "string") throw new Fatal("not a valid OVSDB query");
  const ops = txn.slice(1);
  if (query) ops.push({ op: "abort" });
  await openRpc(ctx, 1, "database", args, txn[0]);
  ctx.daemon?.complete(); // as ovsdb-client: a detached transact goes on in the background once connected
  let result: unknown[];
  try {
    result = await withProgress(ctx.io, `ovn-ts ovsdb: ${query ? "query" : "transact"} of ${ops.length} operation(s)`, ctx.client!.transactRaw(txn[0], ops));
  } catch (e) {
    if (e instanceof OvsdbError) throw new Fatal(`transaction returned error: ${ovsJson(errorToJson(e))}`);
    throw e;
  }
  if (query) {
    const abortIdx = ops.length - 1;
    const last = result[abortIdx] as { error?: unknown } | null | undefined;
    if (result.length === abortIdx + 1 && last && typeof last === "object" && last.error === "aborted") result = result.slice(0, abortIdx);
  }
  ctx.io.out(ovsJson(result, { pretty: ctx.style.pretty }) + "\n");
  return 0;
}

/** `wait DATABASE STATE`: waits until the database is `added`, `connected` or `removed`. */
export async function waitCommand(ctx: Context, args: string[]): Promise<number> {
  const [database, state] = args.length === 3 ? [args[1]!, args[2]!] : [args[0]!, args[1]!];
  if (!["added", "connected", "removed"].includes(state)) throw new Fatal(`${state}: unknown state (use "added" or "connected" or "removed")`);
  const reached = (rows: Map<string, { name?: unknown; connected?: unknown }>) => {
    const row = [...rows.values()].find((r) => r.name === database);
    return state === "removed" ? !row : state === "added" ? !!row : row?.connected === true;
  };
  const rows = new Map<string, { name?: unknown; connected?: unknown }>();
  return new Promise<number>((resolve, reject) => {
    const apply = (u: TableUpdates2) => {
      for (const [uuid, ch] of Object.entries(u["Database"] ?? {})) {
        if ("delete" in ch) rows.delete(uuid);
        else if ("modify" in ch) rows.set(uuid, { ...rows.get(uuid), ...(ch.modify as object) });
        else rows.set(uuid, ("initial" in ch ? ch.initial : ch.insert) as object);
      }
      if (reached(rows)) resolve(0);
    };
    ctx.client!.monitor("_Server", { Database: { columns: ["name", "connected"] } }, { onUpdate2: apply }).then((s) => apply(s.updates as TableUpdates2), reject);
  });
}

/** `lock` / `steal` / `unlock LOCK`: prints the lock's notifications until interrupted. */
export async function lockCommand(ctx: Context, args: string[], op: "lock" | "steal" | "unlock"): Promise<number> {
  const id = args[0]!;
  // As ovsdb-client: print the reply, then every lock notification (method, then params), and keep
  // the session (and so the lock) until interrupted.
  for (const ev of ["locked", "stolen"] as const) {
    ctx.client!.on(ev, (lockId) => ctx.io.out(`${ev}\n${ovsJson([lockId])}\n`));
  }
  const request = async (method: "lock" | "steal" | "unlock", lock: string) => {
    const reply = await ctx.client!.call(method, [lock]);
    ctx.io.out(`${ovsJson(reply, { pretty: ctx.style.pretty })}\n`);
  };
  await request(op, id);
  let finish: ((status: number) => void) | undefined;
  const path = controlPath(ctx);
  const control = path === undefined ? undefined : await lockControl(path, request, () => finish?.(0));
  ctx.daemon?.complete();
  try {
    return await new Promise<number>((resolve) => {
      finish = resolve;
      ctx.client!.once("disconnected", (err) => {
        // closing after an interrupt (or a closed stdout) is not a failed receive
        if (ctx.io.signal?.aborted) return resolve(0);
        ctx.io.err(`ovn-ts ovsdb: ${ctx.server}: receive failed (${receiveFailure(err)})\n`);
        resolve(1);
      });
      const signal = ctx.io.signal;
      if (!signal) return control ? undefined : resolve(0);
      if (signal.aborted) return resolve(0);
      signal.addEventListener("abort", () => resolve(0), { once: true });
    });
  } finally {
    await control?.close();
  }
}
