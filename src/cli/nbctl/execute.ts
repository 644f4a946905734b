/**
 * Runs an `ovn-ts nbctl` command line: one OVN API transaction whose reads see the run's own pending
 * changes (as ovn-nbctl's IDL does), every command in turn, one commit (or `--dry-run`'s aborted
 * transaction), then each command's output.
 *
 * @module
 */
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import type { TransactClient } from "../../ovsdb/model/model.js";
import { TABLES, type TableName, model } from "../../ovsdb/models/ovn-nb.js";
import type { Ref, RowUuid } from "../../ovsdb/model/types.js";
import { TablePrinter } from "../../ovsdb/text/table.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { type CommitResult, type NbTransaction, OvnNb } from "../../ovn/nb.js";
import { selectReader } from "../../ovn/reader.js";
import { type Output, vlogLine } from "../dbctl/context.js";
import type { CliIo } from "../io.js";
import { pinInsertUuids, pinnedUuid, previewClient, transactAborted, visibleInIdl } from "../dbctl/preview.js";
import type { Parsed } from "./args.js";
import { COMMANDS } from "./commands.js";
import { DB, type NbCtx } from "./context.js";

/**
 * Membership changes ovn-nbctl tracks in its own context (which switch or router holds a port,
 * which switch holds a forwarding group) and so sees before the commit, unlike other partial
 * updates of reference sets.
 */
function inNbctlCache(op: Operation): boolean {
  if (op.op !== "mutate") return false;
  const cols = op.table === "Logical_Switch" ? ["ports", "forwarding_groups"] : op.table === "Logical_Router" ? ["ports"] : [];
  return op.mutations.every(([c]) => cols.includes(c));
}

/** Runs a parsed command line on a connected client: every command in turn, then one commit, then the outputs. */

/** Whether `table` names a table of OVN_Northbound (the db-ctl commands take any string). */
function isNbTable(table: string): table is TableName {
  return Object.hasOwn(TABLES, table);
}

export async function execute(client: OvsdbClient, p: Parsed, io: CliIo): Promise<void> {
  let tx: NbTransaction | undefined;
  // Once the commit is on its way, reads (the --wait polling) see the database as it is.
  let sent = false;
  const view = previewClient(client, model.schema, () => (sent ? [] : (tx?.operations() ?? [])));
  const reader = selectReader(view);
  const committer: TransactClient = {
    transact(database, operations, options) {
      sent = true;
      return client.transact(database, operations, options);
    },
  };
  tx = new OvnNb(committer, { reader, visible: (op) => visibleInIdl(model.schema, op) || inNbctlCache(op) }).transaction();
  const nbTx = tx;
  const ctx: NbCtx = {
    client,
    database: DB,
    schema: model.schema,
    view,
    tx,
    reader,
    style: p.style,
    printer: new TablePrinter(p.style),
    symbols: new Map(),
    columns: p.columns,
    gone: new Set(),
    add: (...ops) => nbTx.add(...ops),
    pendingRef: (table, record) => (isNbTable(table) ? nbTx.pendingRef(table, record) : undefined),
    warn: (m, t) => io.err(vlogLine(m, "WARN", t)),
  };
  // ovn-nbctl creates the NB_Global row whenever it is missing, before its commands run.
  if ((await reader.ids("NB_Global")).length === 0) tx.add(model.table("NB_Global").insert({}) as Operation);
  // Each command runs in turn and reads the state left by the ones before it (uncommitted).
  const outputs: Output[] = [];
  for (const c of p.commands) outputs.push(await COMMANDS[c.name]!.run(ctx, c.args, c.opts));
  const writes = p.commands.some((c) => !COMMANDS[c.name]!.readOnly);
  const ops = tx.operations();
  pinInsertUuids(ops);
  let commit: CommitResult;
  if (p.dryRun) {
    // As ovn-nbctl --dry-run: the transaction is sent ending in "abort", so it is checked but never committed.
    const results = ops.length > 0 ? await transactAborted(client, DB, ops) : [];
    commit = {
      results,
      uuid: <N extends string>(ref: Ref<N>) => (pinnedUuid(ops, ref) ?? ref) as RowUuid<N>,
    };
  } else {
    const wait = p.commands.some((c) => c.name === "sync") || writes ? p.wait : "none";
    // ovn-nbctl waits as long as it takes; only --timeout (the whole run's alarm) ends the wait.
    commit = await tx.commit({ wait, timeoutMs: Infinity });
  }
  for (const o of outputs) {
    const text = typeof o === "string" ? o : typeof o === "function" ? o(commit) : "";
    // --oneline: each command's output on one line, its newlines written as "\n".
    if (p.oneline) io.out(text.replace(/\n$/, "").replace(/\\/g, "\\\\").replace(/\n/g, "\\n") + "\n");
    else io.out(text);
  }
}

