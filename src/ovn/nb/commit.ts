/**
 * The commit side of an NB transaction: `nb_cfg` bumps and waits (`ovn-nbctl --wait`), and the
 * mapping of a failed `wait` guard to {@link OvnConcurrentChangeError}.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { Operation, OperationResult } from "../../ovsdb/wire/operations.js";
import { TimedOut } from "../../ovsdb/wire/errors.js";
import { OvnConcurrentChangeError, OvnTransactionStateError } from "../errors.js";
import type { NbReader } from "../reader.js";
import { type IndexedKey, lostIndexRace } from "../index-race.js";

/**
 * A failed `wait` guard (`TimedOut` on a `wait` operation), or a race lost on the server's unique
 * index by one of the `indexed` keys the transaction creates, as an {@link OvnConcurrentChangeError};
 * other errors unchanged.
 */
export function concurrentChange(e: unknown, ops: readonly Operation[], indexed: readonly IndexedKey[] = []): unknown {
  const lost = lostIndexRace(e, indexed);
  if (lost) {
    const at = ops.findIndex((op) => op.op === "insert" && op.table === lost.table && (op.row as Record<string, unknown>)[lost.column] === lost.value);
    return new OvnConcurrentChangeError(lost.table, at, e as Error, lost);
  }
  if (!(e instanceof TimedOut) || e.operationIndex === undefined) return e;
  const op = ops[e.operationIndex];
  return op?.op === "wait" ? new OvnConcurrentChangeError(op.table, e.operationIndex, e) : e;
}


/** Operations that increment `NB_Global.nb_cfg` (inserting the row when missing) and read it back. */
export async function nbCfgBump(reader: NbReader): Promise<Operation[]> {
  const G = model.table("NB_Global");
  const rows = await reader.find("NB_Global");
  const pre: Operation[] = rows.length === 0 ? [G.insert({})] : [];
  return [...pre, G.mutate([], [["nb_cfg", "+=", 1]]), G.select([], ["nb_cfg"])];
}


export function nbCfgOf(results: readonly OperationResult[]): number | undefined {
  const last = results[results.length - 1];
  if (last && typeof last === "object" && "rows" in last && Array.isArray(last.rows)) {
    const v = (last.rows[0] as { nb_cfg?: unknown } | undefined)?.nb_cfg;
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}


export async function waitNbCfg(reader: NbReader, wait: "sb" | "hv", target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = (await reader.find("NB_Global"))[0];
    const cfg = g ? (wait === "sb" ? g.sb_cfg : g.hv_cfg) : -1;
    if (cfg >= target) return;
    if (Date.now() > deadline) throw new OvnTransactionStateError(`timed out after ${timeoutMs} ms waiting for ${wait === "sb" ? "ovn-northd" : "the chassis"} to reach nb_cfg ${target}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
