/**
 * `ovn-ts nbctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...`: a drop-in for
 * `ovn-nbctl` built on the OVN API (`src/ovn`): the same command syntax and options (`--db`,
 * `--may-exist`, `--if-exists`, `--wait=sb|hv`, `--timeout`, the output format options), several
 * commands per run separated by `--` and committed as one transaction, and the same output
 * formats, so that scripts parsing ovn-nbctl's output keep working. Each run reads only the tables
 * its commands need (no full database sync).
 *
 * The parts: `nbctl/args.ts` (the command line), `nbctl/commands.ts` (the table: the generic db-ctl
 * commands of `dbctl/` and one module per OVN object family), `nbctl/execute.ts` (one transaction,
 * one commit), `nbctl/errors.ts` (messages in ovn-nbctl's words).
 *
 * @module
 */
import { NoRemoteError, OvsdbClient } from "../ovsdb/client/client.js";
import { model } from "../ovsdb/models/ovn-nb.js";
import { columnOf } from "../ovsdb/schema/schema.js";
import { columnShape } from "../ovsdb/schema/types.js";
import { vlogLine } from "./dbctl/context.js";
import { type CliCommand, UsageError } from "./io.js";
import { parseNbctlArgs } from "./nbctl/args.js";
import { COMMANDS } from "./nbctl/commands.js";
import { connectFailure, nbctlMessage } from "./nbctl/errors.js";
import { execute } from "./nbctl/execute.js";
import { renderNbctlHelp } from "./nbctl/help.js";

export { parseNbctlArgs };

export function nbctlUsage(): string {
  // the tables whose rows getRecord finds by name
  const named = [...model.schema.tables.values()].filter((t) => columnOf(t, "name")?.type.key.type === "string" && columnShape(columnOf(t, "name")!.type) === "scalar").map((t) => t.name);
  return renderNbctlHelp((name) => COMMANDS[name]?.options ?? [], named);
}

export const nbctlCommand: CliCommand = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(nbctlUsage());
    return 0;
  }
  const p = parseNbctlArgs(argv);
  let client: OvsdbClient | undefined;
  let expiredAlready = false;
  const work = (async () => {
    try {
      client = await OvsdbClient.connect(p.db, p.timeoutSec ? { connectTimeoutMs: p.timeoutSec * 1000 } : {});
    } catch (e) {
      if (!(e instanceof NoRemoteError)) throw e;
      io.err(`ovn-ts nbctl: ${connectFailure(p.db, e)}\n`);
      return 1;
    }
    try {
      await execute(client, p, io);
      return 0;
    } catch (e) {
      if (expiredAlready) return 1;
      if (e instanceof UsageError) throw e;
      if (e instanceof Error) {
        io.err(`ovn-ts nbctl: ${nbctlMessage(e)}\n`);
        return 1;
      }
      throw e;
    } finally {
      client.close();
    }
  })();
  if (!p.timeoutSec) return work;
  // --timeout bounds the whole run, as ovn-nbctl's alarm(2) does: when it expires the run stops
  // where it is, with the message and status (128 + SIGALRM) of a process killed by the alarm.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), p.timeoutSec! * 1000);
  });
  try {
    const r = await Promise.race([work, expired]);
    if (r !== "expired") return r;
    expiredAlready = true;
    work.catch(() => undefined);
    client?.close();
    io.err(vlogLine("fatal_signal", "WARN", "terminating with signal 14 (Alarm clock)"));
    return 128 + 14;
  } finally {
    clearTimeout(timer);
  }
};

/** The command table's names (for the help test). */
export const NBCTL_COMMANDS: readonly string[] = Object.keys(COMMANDS);
