/**
 * What a db-ctl command sees of its run, for any database: the connection, a view that shows the run's
 * pending changes, the `--id=@name` symbols, the output printer, and where its operations go.
 *
 * @module
 */
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import type { TransactClient } from "../../ovsdb/model/model.js";
import type { DatabaseSchema } from "../../ovsdb/schema/schema.js";
import type { TablePrinter } from "../../ovsdb/text/table.js";
import type { Operation } from "../../ovsdb/wire/operations.js";

/** Command options of one command (`--may-exist`, `--policy=src-ip`, ...). */
export type Opts = ReadonlyMap<string, string | true>;

/** The UUIDs the commit gave to rows inserted under a uuid-name. */
export interface CommitNames {
  /** The UUID of the row inserted as `name` (or `name` itself when it already is a UUID). */
  uuid(name: string): string;
}

/** What a command returns: text to print after the commit (possibly needing the commit's UUIDs). */
export type Output = string | ((c: CommitNames) => string) | void;

/** The run as the generic commands see it. */
export interface DbCtx {
  /** The connection (for the IDL order of rows). */
  readonly client: OvsdbClient;
  /** The database name. */
  readonly database: string;
  /** Its schema. */
  readonly schema: DatabaseSchema;
  /** Reads through this see the run's pending changes, as the tools' IDL does. */
  readonly view: TransactClient;
  /** Prints `list`/`find` output in the run's format. */
  readonly printer: TablePrinter;
  /** `--id=@name` symbols → uuid-name or UUID. */
  readonly symbols: Map<string, { named: boolean; id: string }>;
  /** `--columns` of the whole run. */
  readonly columns: string[] | undefined;
  /** Adds operations to the run's transaction. */
  add(...ops: Operation[]): void;
  /** The uuid-name of a row of `table` named `record` inserted earlier in the run, if any. */
  pendingRef(table: string, record: string): string | undefined;
  /** Writes a warning to stderr as an OVS log line. */
  warn(module: string, text: string): void;
}

/** One command: argument counts, accepted options, whether it only reads, and what it does. */
export interface CommandSpec<C> {
  /** Fewest arguments. */
  readonly min: number;
  /** Most arguments (`Infinity` for no limit). */
  readonly max: number;
  /** The command options it accepts (`--may-exist`, ...). */
  readonly options?: readonly string[];
  /** True when it never writes: a run of only such commands commits nothing of its own. */
  readonly readOnly?: boolean;
  /** Runs the command; its operations go to the run's transaction. */
  run(ctx: C, args: readonly string[], opts: Opts): Promise<Output>;
}

/** A generic db-ctl command. */
export type DbCtlSpec = CommandSpec<DbCtx>;

/** An OVS log line as the `*-ctl` tools write to stderr: `TIME|SEQ|MODULE|LEVEL|TEXT`. */
export function vlogLine(module: string, level: "WARN" | "ERR", text: string): string {
  return `${new Date().toISOString().replace(/\.\d+Z$/, "Z")}|00001|${module}|${level}|${text}\n`;
}
