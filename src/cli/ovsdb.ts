/**
 * `ovn-ts ovsdb [OPTIONS] COMMAND [SERVER] [ARG...]`: a drop-in for `ovsdb-client` with the same
 * commands, argument order, default server and database, output (byte for byte for the same
 * server state, including OVS's table/column/row orders) and exit statuses. Transactions may also
 * be read from a file (`@FILE`) or standard input (`-`), since large ones do not fit in argv.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { databaseFromRecords, fileRecord, readRecords } from "../ovsdb/server/persistence.js";
import { encodeDatum, isDefaultDatum } from "../ovsdb/server/codec.js";
import { OvsdbClient, type ClientOptions } from "../ovsdb/client/client.js";
import { compareAtoms, compareUtf8, datumFromJson, type Datum } from "../ovsdb/schema/datum.js";
import { parseSchema, schemaToJson, type DatabaseSchema, type TableSchema, columnOf } from "../ovsdb/schema/schema.js";
import type { Atom, BaseType, ColumnType } from "../ovsdb/schema/types.js";
import { FramingError } from "../ovsdb/wire/framer.js";
import { parseJson } from "../ovsdb/wire/json.js";
import { ConnectError } from "../ovsdb/wire/remote.js";
import { NoRemoteError } from "../ovsdb/client/client.js";
import { OvsdbError, errorToJson } from "../ovsdb/wire/errors.js";
import type { MonitorRequests, TableUpdates, TableUpdates2 } from "../ovsdb/wire/operations.js";
import { shashOrder } from "../ovsdb/text/hash-order.js";
import { ovsJson } from "../ovsdb/text/json.js";
import { type Cell, type Table, TablePrinter, type TableStyle, defaultTableStyle } from "../ovsdb/text/table.js";
import { type CliCommand, type CliIo, UsageError, withProgress } from "./io.js";
import { closest } from "./suggest.js";

/** What a command needs before it runs (as ovsdb-client's `args_needed`). */
type Need = "none" | "rpc" | "database";

interface CommandSpec {
  need: Need;
  min: number;
  max: number;
  run: (ctx: Context, args: string[]) => Promise<number>;
}

interface Context {
  io: CliIo;
  style: TableStyle;
  printer: TablePrinter;
  client: OvsdbClient | undefined;
  database: string | undefined;
  /** Remote string used (for messages). */
  server: string;
  options: GlobalOptions;
  /** "Did you mean" lines printed on stderr after the error, when the command fails. */
  hints: string[];
}

interface GlobalOptions {
  style: TableStyle;
  timeoutSec: number | undefined;
  timestamp: boolean;
  leaderOnly: boolean;
  dbChangeAware: boolean | undefined;
  /** `--force`: `restore` goes ahead when the backup's schema differs from the server's. */
  force: boolean;
  tls: { privateKey?: string; certificate?: string; caCert?: string };
}

/** Raised for a fatal condition: printed as `ovn-ts ovsdb: MESSAGE`, exit status 1 (as `ovs_fatal`). */
class Fatal extends Error {
  constructor(
    message: string,
    /** A "did you mean" line for stderr, after the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * When `arg` was not taken as SERVER (so the default socket was used) but looks like one the user
 * meant: a path, an existing socket file, or HOST:PORT. ovsdb-client takes it as a database or
 * table name and fails on that; the hint says what was probably meant.
 */
function remoteHint(arg: string | undefined, used: string): string | undefined {
  if (arg === undefined || looksLikeRemote(arg)) return undefined;
  if (/^\[?[0-9a-fA-F.:]+\]?:\d+$/.test(arg) && arg.includes(".")) return `"${arg}" is not a remote, so the default ${used} was used; did you mean tcp:${arg}?`;
  let socket = false;
  try {
    socket = statSync(arg).isSocket();
  } catch {
    // not a file
  }
  if (socket || arg.includes("/")) return `"${arg}" is not a remote, so the default ${used} was used; did you mean unix:${arg}?`;
  return undefined;
}

/** The hint for a table name the database does not have: a database name, or a near table. */
async function tableHint(ctx: Context, schema: DatabaseSchema, name: string): Promise<string | undefined> {
  const dbs = ctx.client ? await ctx.client.listDbs().catch(() => [] as string[]) : [];
  if (dbs.includes(name)) return `"${name}" is a database: name it before the tables (DATABASE [TABLE [COLUMN]...])`;
  const near = closest(name, [...dbs.filter((d) => !d.startsWith("_")), ...schema.tables.keys()]);
  if (near === undefined) return undefined;
  return dbs.includes(near) ? `did you mean the database "${near}"?` : `did you mean the table "${near}"?`;
}

const COMMANDS: Record<string, CommandSpec> = {
  "list-dbs": { need: "rpc", min: 0, max: 0, run: listDbs },
  "get-schema": { need: "database", min: 0, max: 0, run: getSchema },
  "get-schema-version": { need: "database", min: 0, max: 0, run: (c) => schemaField(c, "version") },
  "get-schema-cksum": { need: "database", min: 0, max: 0, run: (c) => schemaField(c, "cksum") },
  "list-tables": { need: "database", min: 0, max: 0, run: listTables },
  "list-columns": { need: "database", min: 0, max: 1, run: listColumns },
  transact: { need: "none", min: 1, max: 2, run: (c, a) => transact(c, a, false) },
  query: { need: "none", min: 1, max: 2, run: (c, a) => transact(c, a, true) },
  monitor: { need: "database", min: 1, max: Infinity, run: (c, a) => monitor(c, a, "monitor") },
  "monitor-cond": { need: "database", min: 2, max: 3, run: (c, a) => monitor(c, a, "monitor_cond") },
  "monitor-cond-since": { need: "database", min: 2, max: Infinity, run: (c, a) => monitor(c, a, "monitor_cond_since") },
  wait: { need: "rpc", min: 2, max: 3, run: waitCommand },
  dump: { need: "database", min: 0, max: Infinity, run: dump },
  lock: { need: "rpc", min: 1, max: 1, run: (c, a) => lockCommand(c, a, "lock") },
  steal: { need: "rpc", min: 1, max: 1, run: (c, a) => lockCommand(c, a, "steal") },
  unlock: { need: "rpc", min: 1, max: 1, run: (c, a) => lockCommand(c, a, "unlock") },
  convert: { need: "none", min: 1, max: 2, run: (c, a) => convertCommand(c, a, false) },
  "needs-conversion": { need: "none", min: 1, max: 2, run: (c, a) => convertCommand(c, a, true) },
  backup: { need: "database", min: 0, max: 0, run: backup },
  restore: { need: "database", min: 0, max: 0, run: restore },
};

/** Usage text, in ovsdb-client's words. */
export function ovsdbUsage(): string {
  return `ovn-ts ovsdb: Open vSwitch database JSON-RPC client (mirrors ovsdb-client)
usage: ovn-ts ovsdb [OPTIONS] COMMAND [ARG...]

Valid commands are:

  list-dbs [SERVER]
    list databases available on SERVER

  get-schema [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER

  get-schema-version [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    version number on stdout

  get-schema-cksum [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    checksum on stdout

  list-tables [SERVER] [DATABASE]
    list tables for DATABASE on SERVER

  list-columns [SERVER] [DATABASE] [TABLE]
    list columns in TABLE (or all tables) in DATABASE on SERVER

  transact [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER
    and print the results as JSON on stdout
    (TRANSACTION may be @FILE to read it from FILE, or - for stdin)

  query [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER,
    as read-only, and print the results as JSON on stdout

  monitor [SERVER] [DATABASE] TABLE [COLUMN,...]...
    monitor contents of COLUMNs in TABLE in DATABASE on SERVER.
    COLUMNs may include !initial, !insert, !delete, !modify
    to avoid seeing the specified kinds of changes.

  monitor-cond [SERVER] [DATABASE] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER.

  monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...
    as monitor-cond, since the transaction after LASTID.

  monitor [SERVER] [DATABASE] ALL
    monitor all changes to all columns in all tables

  convert [SERVER] SCHEMA
    convert database on SERVER named in SCHEMA to SCHEMA.

  needs-conversion [SERVER] SCHEMA
    tests whether SCHEMA's db on SERVER needs conversion.

  wait [SERVER] DATABASE STATE
    wait until DATABASE reaches STATE ("added" or "connected" or "removed")
    in DATABASE on SERVER.

  dump [SERVER] [DATABASE] [TABLE [COLUMN]...]
    dump contents of DATABASE on SERVER to stdout

  backup [SERVER] [DATABASE] > SNAPSHOT
    dump database contents in the form of a database file

  [--force] restore [SERVER] [DATABASE] < SNAPSHOT
    restore database contents from a database file

  lock [SERVER] LOCK
    create or wait for LOCK in SERVER

  steal [SERVER] LOCK
    steal LOCK from SERVER

  unlock [SERVER] LOCK
    unlock LOCK from SERVER

The default SERVER is unix:${rundir()}/db.sock.
The default DATABASE is Open_vSwitch.

Output formatting options:
  -f, --format=FORMAT         set output formatting to FORMAT
                              ("table", "list", "html", "csv", or "json")
  -d, --data=FORMAT           set table cell output formatting to
                              FORMAT ("string", "bare", or "json")
  --no-headings               omit table heading row
  --pretty                    pretty-print JSON in output
  --bare                      equivalent to "--format=list --data=bare --no-headings"
  --timestamp                 timestamp "monitor" output

Other options:
  -t, --timeout=SECS          give up after SECS seconds (exit status 142)
  -p, --private-key=FILE      file with private key (ssl: remotes)
  -c, --certificate=FILE      file with certificate for private key
  -C, --ca-cert=FILE          file with peer CA certificate
  --force                     with restore, go ahead when the schemas differ
  --leader-only, --no-leader-only
                              with several remotes, accept only the leader
  -h, --help                  display this help message
  -V, --version               display version information
`;
}

function rundir(): string {
  return process.env["OVS_RUNDIR"] ?? "/var/run/openvswitch";
}

const SHORT_WITH_ARG: Record<string, string> = { f: "format", d: "data", t: "timeout", p: "private-key", c: "certificate", C: "ca-cert" };
const LONG_WITH_ARG = new Set(["format", "data", "timeout", "private-key", "certificate", "ca-cert", "bootstrap-ca-cert"]);
const LONG_FLAGS = new Set(["no-headings", "pretty", "bare", "timestamp", "help", "version", "leader-only", "no-leader-only", "db-change-aware", "no-db-change-aware", "force", "verbose"]);

function parseOptions(argv: readonly string[]): { options: GlobalOptions; rest: string[]; help: boolean; version: boolean } {
  const style = defaultTableStyle();
  const options: GlobalOptions = { style, timeoutSec: undefined, timestamp: false, leaderOnly: true, dbChangeAware: undefined, force: false, tls: {} };
  const rest: string[] = [];
  let help = false;
  let version = false;
  const set = (name: string, value: string | undefined) => {
    switch (name) {
      case "format":
        if (!["table", "list", "html", "csv", "json"].includes(value!)) throw new Fatal(`unknown output format "${value}"`);
        style.format = value as TableStyle["format"];
        break;
      case "data":
        if (!["string", "bare", "json"].includes(value!)) throw new Fatal(`unknown data format "${value}"`);
        style.cell = value as TableStyle["cell"];
        break;
      case "no-headings":
        style.headings = false;
        break;
      case "pretty":
        style.pretty = true;
        break;
      case "bare":
        style.format = "list";
        style.cell = "bare";
        style.headings = false;
        break;
      case "timestamp":
        options.timestamp = true;
        break;
      case "timeout": {
        const n = Number.parseInt(value!, 10);
        if (!(n >= 1)) throw new Fatal(`value ${value} on -t or --timeout is not at least 1`);
        options.timeoutSec = n;
        break;
      }
      case "private-key":
        options.tls.privateKey = value!;
        break;
      case "certificate":
        options.tls.certificate = value!;
        break;
      case "ca-cert":
      case "bootstrap-ca-cert":
        options.tls.caCert = value!;
        break;
      case "leader-only":
        options.leaderOnly = true;
        break;
      case "no-leader-only":
        options.leaderOnly = false;
        break;
      case "db-change-aware":
        options.dbChangeAware = true;
        break;
      case "no-db-change-aware":
        options.dbChangeAware = false;
        break;
      case "force":
        options.force = true;
        break;
      case "help":
        help = true;
        break;
      case "version":
        version = true;
        break;
      default:
        break; // --verbose: accepted, no effect here
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (LONG_WITH_ARG.has(name)) {
        let v = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (v === undefined) throw new Fatal(`option '--${name}' requires an argument`);
        set(name, v);
      } else if (LONG_FLAGS.has(name) || name.startsWith("verbose")) {
        set(name, undefined);
      } else {
        throw new Fatal(`unrecognized option '--${name}'`);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && a !== "-") {
      const ch = a[1]!;
      if (ch === "h") help = true;
      else if (ch === "V") version = true;
      else if (ch === "v") {
        // verbosity: accepted, no effect
      } else if (SHORT_WITH_ARG[ch]) {
        const v = a.length > 2 ? a.slice(2) : argv[++i];
        if (v === undefined) throw new Fatal(`option requires an argument -- '${ch}'`);
        set(SHORT_WITH_ARG[ch]!, v);
      } else {
        throw new Fatal(`invalid option -- '${ch}'`);
      }
      continue;
    }
    rest.push(a);
  }
  return { options, rest, help, version };
}

/** Entry point of `ovn-ts ovsdb`. */
export const ovsdbCommand: CliCommand = async (argv, io) => {
  let timer: NodeJS.Timeout | undefined;
  let ctx: Context | undefined;
  try {
    const { options, rest, help, version } = parseOptions(argv);
    if (help) {
      io.out(ovsdbUsage());
      return 0;
    }
    if (version) {
      io.out("ovn-ts ovsdb (ovn-ts) 0.1.0\n");
      return 0;
    }
    const [name, ...args] = rest;
    if (name === undefined) throw new Fatal("missing command name; use --help for help");
    const spec = COMMANDS[name];
    if (!spec) {
      const near = closest(name, Object.keys(COMMANDS));
      throw new Fatal(`unknown command '${name}'; use --help for help`, near ? `did you mean '${near}'?` : undefined);
    }
    ctx = { io, style: options.style, printer: new TablePrinter(options.style), client: undefined, database: undefined, server: "", options, hints: [] };
    const work = (async () => {
      let rem = args;
      if (spec.need !== "none") rem = await openRpc(ctx!, spec.min, spec.need, args);
      if (rem.length < spec.min || rem.length > spec.max) throw new Fatal(`invalid syntax for '${name}' (use --help for help)`);
      return spec.run(ctx!, rem);
    })();
    if (options.timeoutSec !== undefined) {
      const t = new Promise<number>((resolve) => {
        timer = setTimeout(() => {
          io.err("ovn-ts ovsdb: terminating with signal 14 (Alarm clock)\n");
          resolve(142);
        }, options.timeoutSec! * 1000);
      });
      return await Promise.race([work, t]);
    }
    return await work;
  } catch (e) {
    const status = failure(e, io);
    for (const h of [...(e instanceof Fatal && e.hint ? [e.hint] : []), ...(ctx?.hints ?? [])]) io.err(`ovn-ts ovsdb: ${h}\n`);
    return status;
  } finally {
    if (timer) clearTimeout(timer);
    ctx?.client?.close();
  }
};

/** Prints a failed command's error as ovsdb-client words it; returns the exit status. */
function failure(e: unknown, io: CliIo): number {
  {
    if (e instanceof Fatal || e instanceof UsageError) {
      io.err(`ovn-ts ovsdb: ${e.message}\n`);
      return 1;
    }
    if (e instanceof NoRemoteError) {
      const a = e.attempts[0];
      const why = a?.error instanceof ConnectError ? describeConnectError(a.error) : (a?.error.message ?? e.message);
      io.err(`ovn-ts ovsdb: failed to connect to "${a?.remote ?? ""}" (${why})\n`);
      return 1;
    }
    if (e instanceof OvsdbError) {
      io.err(`ovn-ts ovsdb: transaction returned error: ${ovsJson(errorToJson(e))}\n`);
      return 1;
    }
    io.err(`ovn-ts ovsdb: ${(e as Error).message}\n`);
    return 1;
  }
}

function describeConnectError(e: ConnectError): string {
  const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "EACCES") return "Permission denied";
  return e.message.slice(e.remote.length + 2);
}

function looksLikeRemote(s: string | undefined): boolean {
  return s !== undefined && /^[a-zA-Z]/.test(s) && s.includes(":");
}

async function connect(ctx: Context, remote: string, leaderCheckDb?: string): Promise<OvsdbClient> {
  const o = ctx.options;
  const opts: ClientOptions = { reconnect: false, probeIntervalMs: 0 };
  if (o.tls.caCert || o.tls.certificate || o.tls.privateKey) opts.tls = o.tls;
  if (leaderCheckDb && o.leaderOnly) opts.leaderOnly = leaderCheckDb;
  return OvsdbClient.connect(remote, opts);
}

/** ovsdb-client's `open_rpc`: picks the remote and the database from the leading arguments. */
async function openRpc(ctx: Context, minArgs: number, need: Need, args: string[], presetDb?: string): Promise<string[]> {
  let i = 0;
  let remote = `unix:${rundir()}/db.sock`;
  if (args.length > minArgs && looksLikeRemote(args[0])) remote = args[i++]!;
  else {
    const hint = remoteHint(args[0], remote);
    if (hint) ctx.hints.push(hint);
  }
  ctx.server = remote;
  let database = presetDb;
  const multiple = remote.includes(",");
  if (!multiple) {
    ctx.client = await connect(ctx, remote);
    if (need === "database" && !database) {
      const dbs = (await ctx.client.listDbs()).sort(compareUtf8);
      if (args.length - i > minArgs && dbs.includes(args[i]!)) database = args[i++]!;
      else if (dbs.includes("Open_vSwitch")) database = "Open_vSwitch";
      else {
        const user = dbs.filter((d) => !d.startsWith("_"));
        if (user.length !== 1) throw new Fatal("could not find a default database, please specify a database name");
        database = user[0]!;
      }
    }
  } else {
    if (!database && need === "database") {
      if (args.length - i > minArgs) database = args[i++]!;
      else throw new Fatal("database name is required with multiple remotes");
    }
    ctx.client = await connect(ctx, remote, database);
  }
  ctx.database = database;
  if (ctx.options.dbChangeAware === true) await ctx.client.setDbChangeAware(true);
  return args.slice(i);
}

async function fetchSchema(ctx: Context): Promise<{ json: Record<string, unknown>; schema: DatabaseSchema }> {
  const json = (await ctx.client!.getSchema(ctx.database!)) as Record<string, unknown>;
  return { json, schema: parseSchema(json) };
}

async function listDbs(ctx: Context): Promise<number> {
  const dbs = (await ctx.client!.listDbs()).sort(compareUtf8);
  ctx.io.out(dbs.map((d) => `${d}\n`).join(""));
  return 0;
}

async function getSchema(ctx: Context): Promise<number> {
  const { json } = await fetchSchema(ctx);
  ctx.io.out(ovsJson(json, { pretty: ctx.style.pretty }) + "\n");
  return 0;
}

async function schemaField(ctx: Context, field: "version" | "cksum"): Promise<number> {
  const { json } = await fetchSchema(ctx);
  ctx.io.out(`${(json[field] as string | undefined) ?? ""}\n`);
  return 0;
}

/** Table names in the order ovsdb-client iterates them (OVS shash order of the received schema). */
function tableOrder(json: Record<string, unknown>): string[] {
  return shashOrder(shashOrder(Object.keys(json["tables"] as object)));
}

/** Column names of a table in ovsdb-client's order (`_uuid`, `_version` first into the shash). */
function columnOrder(json: Record<string, unknown>, table: string): string[] {
  const t = (json["tables"] as Record<string, { columns: object }>)[table]!;
  return shashOrder(["_uuid", "_version", ...shashOrder(Object.keys(t.columns))]);
}

async function listTables(ctx: Context): Promise<number> {
  const { json } = await fetchSchema(ctx);
  const t: Table = { headings: ["Table"], rows: tableOrder(json).map((n) => [{ text: n }]) };
  ctx.io.out(ctx.printer.format(t));
  return 0;
}

/** The JSON of a column type as OVS prints it (`ovsdb_type_to_json`). */
export function ovsTypeJson(t: ColumnType): unknown {
  const base = (b: BaseType): unknown => {
    const o: Record<string, unknown> = { type: b.type };
    if (b.enum) {
      const atoms = [...b.enum].sort(compareAtoms).map((a) => (b.type === "uuid" ? ["uuid", a] : a));
      o["enum"] = atoms.length === 1 ? atoms[0] : ["set", atoms];
    }
    if (b.minInteger !== undefined) o["minInteger"] = b.minInteger;
    if (b.maxInteger !== undefined) o["maxInteger"] = b.maxInteger;
    if (b.minReal !== undefined) o["minReal"] = b.minReal;
    if (b.maxReal !== undefined) o["maxReal"] = b.maxReal;
    if (b.minLength !== undefined && b.minLength !== 0) o["minLength"] = b.minLength;
    if (b.maxLength !== undefined) o["maxLength"] = b.maxLength;
    if (b.refTable) {
      o["refTable"] = b.refTable;
      if (b.refType === "weak") o["refType"] = "weak";
    }
    return Object.keys(o).length === 1 ? b.type : o;
  };
  const key = base(t.key);
  if (!t.value && t.min === 1 && t.max === 1 && typeof key === "string") return key;
  const o: Record<string, unknown> = { key };
  if (t.value) o["value"] = base(t.value);
  if (t.min !== 1) o["min"] = t.min;
  if (t.max !== 1) o["max"] = t.max;
  return o;
}

async function listColumns(ctx: Context, args: string[]): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  const only = args[0];
  const headings = only ? ["Column", "Type"] : ["Table", "Column", "Type"];
  const rows: Cell[][] = [];
  for (const tn of tableOrder(json)) {
    if (only && tn !== only) continue;
    const ts = schema.tables.get(tn)!;
    for (const cn of columnOrder(json, tn)) {
      const col = columnOf(ts, cn)!;
      const row: Cell[] = only ? [] : [{ text: tn }];
      row.push({ text: cn }, { json: ovsTypeJson(col.type) });
      rows.push(row);
    }
  }
  ctx.io.out(ctx.printer.format({ headings, rows }));
  return 0;
}

async function readTransaction(ctx: Context, text: string): Promise<unknown> {
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

async function transact(ctx: Context, args: string[], query: boolean): Promise<number> {
  const txn = await readTransaction(ctx, args[args.length - 1]!);
  if (!Array.isArray(txn) || txn.length === 0 || typeof txn[0] !== "string") throw new Fatal("not a valid OVSDB query");
  const ops = txn.slice(1);
  if (query) ops.push({ op: "abort" });
  await openRpc(ctx, 1, "database", args, txn[0]);
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

/** `ovsdb_datum_compare_3way`: size first, then keys, then values. */
function compareDatums(a: Datum, b: Datum): number {
  const ea = entriesOf(a);
  const eb = entriesOf(b);
  if (ea.length !== eb.length) return ea.length < eb.length ? -1 : 1;
  for (let i = 0; i < ea.length; i++) {
    const c = compareAtoms(ea[i]![0], eb[i]![0]);
    if (c) return c;
  }
  for (let i = 0; i < ea.length; i++) {
    const va = ea[i]![1];
    const vb = eb[i]![1];
    if (va === undefined || vb === undefined) return 0;
    const c = compareAtoms(va, vb);
    if (c) return c;
  }
  return 0;
}

function entriesOf(d: Datum): [Atom, Atom | undefined][] {
  if (d === undefined) return [];
  if (d instanceof Map) return [...d.entries()];
  if (Array.isArray(d)) return d.map((a) => [a, undefined]);
  return [[d as Atom, undefined]];
}

function unconstrained(t: ColumnType): ColumnType {
  return { ...t, min: 0, max: "unlimited" };
}

async function dump(ctx: Context, args: string[]): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  let tables: string[];
  let custom: string[] | undefined;
  if (args.length > 0) {
    if (!schema.tables.has(args[0]!)) {
      const hint = await tableHint(ctx, schema, args[0]!);
      if (hint) ctx.hints.push(hint);
      throw new Fatal(`No table "${args[0]}" found.`);
    }
    tables = [args[0]!];
    if (args.length > 1) {
      const ts = schema.tables.get(args[0]!)!;
      custom = [];
      for (const c of args.slice(1)) {
        if (!columnOf(ts, c)) throw new Fatal(`Table "${args[0]}" has no column ${c}.`);
        if (!custom.includes(c)) custom.push(c);
      }
    }
  } else {
    tables = [...schema.tables.keys()].sort(compareUtf8);
  }
  const columnsOf = (t: string) => (custom ?? columnOrder(json, t)).filter((c) => c !== "_version");
  const ops = tables.map((t) => ({ op: "select", table: t, where: [], columns: columnsOf(t) }));
  const reply = await withProgress(ctx.io, `ovn-ts ovsdb: dumping ${tables.length} table(s) of ${ctx.database}`, ctx.client!.transactRaw(ctx.database!, ops as never));
  if (!Array.isArray(reply) || reply.length !== tables.length) throw new Fatal(`reply is not array of ${tables.length} elements: ${ovsJson(reply)}`);
  tables.forEach((t, i) => {
    const r = reply[i] as { rows?: unknown } | null;
    if (!r || typeof r !== "object" || !Array.isArray(r.rows)) throw new Fatal(`${t} table reply is not an object with a "rows" member array: ${ovsJson(r)}`);
    ctx.io.out(dumpTable(schema.tables.get(t)!, columnsOf(t), r.rows as Record<string, unknown>[], ctx));
  });
  return 0;
}

function dumpTable(ts: TableSchema, cols: string[], rows: Record<string, unknown>[], ctx: Context): string {
  const columns = [...cols].sort(compareUtf8).map((c) => columnOf(ts, c)!);
  const data = rows.map((row, y) =>
    columns.map((c) => {
      const j = row[c.name];
      if (j === undefined) throw new Fatal(`row ${y} in table ${ts.name} response lacks ${c.name} column`);
      return { json: j, native: datumFromJson(unconstrained(c.type), j) };
    }),
  );
  const order = data.map((_, i) => i);
  const cmp = (a: number, b: number, uuidPass: boolean) => {
    for (let x = 0; x < columns.length; x++) {
      if ((columns[x]!.type.key.type === "uuid") !== uuidPass) continue;
      const c = compareDatums(data[a]![x]!.native, data[b]![x]!.native);
      if (c) return c;
    }
    return 0;
  };
  order.sort((a, b) => cmp(a, b, false) || cmp(a, b, true));
  const table: Table = {
    caption: `${ts.name} table`,
    headings: columns.map((c) => c.name),
    rows: order.map((y) => data[y]!.map((d, x) => ({ json: d.json, type: columns[x]!.type }))),
  };
  return ctx.printer.format(table);
}

interface Monitored {
  table: TableSchema;
  columns: string[];
}

function parseMonitorColumns(ctx: Context, arg: string, ts: TableSchema, seen: Set<string>): { request: Record<string, unknown>; columns: string[] } {
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

async function monitor(ctx: Context, args: string[], method: "monitor" | "monitor_cond" | "monitor_cond_since"): Promise<number> {
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
  const done = new Promise<number>((resolve) => {
    ctx.client!.once("disconnected", (err) => {
      // closing after an interrupt (or a closed stdout) is not a failed receive
      if (ctx.io.signal?.aborted) return resolve(0);
      ctx.io.err(`ovn-ts ovsdb: ${ctx.server}: receive failed (${receiveFailure(err)})\n`);
      resolve(1);
    });
    ctx.io.signal?.addEventListener("abort", () => resolve(0), { once: true });
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
  return done;
}

function monitorTable(ctx: Context, mt: Monitored, tu: Record<string, unknown>, caption: string | undefined, v1: boolean, initial: boolean): string {
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

/**
 * Why the connection ended, in ovsdb-client's words (`strerror` of its receive error): a peer
 * that closes or exits is "End of file" (whatever our last write then met, such as EPIPE), a reset
 * "Connection reset by peer", a stream that is not JSON "Protocol error".
 */
function receiveFailure(err: Error | undefined): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ECONNRESET") return "Connection reset by peer";
  if (cause instanceof FramingError || err instanceof FramingError) return "Protocol error";
  return "End of file";
}

function timestampText(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

async function waitCommand(ctx: Context, args: string[]): Promise<number> {
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

async function lockCommand(ctx: Context, args: string[], op: "lock" | "steal" | "unlock"): Promise<number> {
  const id = args[0]!;
  // As ovsdb-client: print the reply, then every lock notification (method, then params), and keep
  // the session (and so the lock) until interrupted.
  for (const ev of ["locked", "stolen"] as const) {
    ctx.client!.on(ev, (lockId) => ctx.io.out(`${ev}\n${ovsJson([lockId])}\n`));
  }
  const reply = await ctx.client!.call(op, [id]);
  ctx.io.out(`${ovsJson(reply, { pretty: ctx.style.pretty })}\n`);
  return new Promise<number>((resolve) => {
    ctx.client!.once("disconnected", (err) => {
      // closing after an interrupt (or a closed stdout) is not a failed receive
      if (ctx.io.signal?.aborted) return resolve(0);
      ctx.io.err(`ovn-ts ovsdb: ${ctx.server}: receive failed (${receiveFailure(err)})\n`);
      resolve(1);
    });
    const signal = ctx.io.signal;
    if (!signal) return resolve(0);
    if (signal.aborted) return resolve(0);
    signal.addEventListener("abort", () => resolve(0), { once: true });
  });
}

/** Reads a schema file as ovsdb-client does, with its messages ("failed to read schema: ..."). */
function readSchemaForCli(file: string): { json: unknown; schema: DatabaseSchema } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : code === "EISDIR" ? "Is a directory" : (e as Error).message;
    throw new Fatal(`failed to read schema: "${file}" could not be read as JSON (error opening "${file}": ${why})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Fatal(`failed to read schema: "${file}" could not be read as JSON (${(e as Error).message})`);
  }
  try {
    return { json, schema: parseSchema(json) };
  } catch (e) {
    // ovsdb-client also quotes the offending JSON fragment and words the reason its own way.
    throw new Fatal(`syntax error: failed to parse "${file}" as ovsdb schema: ${(e as Error).message}`);
  }
}

/** Sorts every `enum` set of a column type's JSON in place: an enum is a set, its order means nothing. */
function sortEnums(v: unknown): void {
  if (Array.isArray(v)) return v.forEach(sortEnums);
  if (v === null || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v)) {
    if (k === "enum" && Array.isArray(x) && x[0] === "set" && Array.isArray(x[1])) x[1].sort((p: unknown, q: unknown) => (String(p) < String(q) ? -1 : String(p) > String(q) ? 1 : 0));
    else sortEnums(x);
  }
}

/** `ovsdb_schema_equal`: the two schemas mean the same (compared in their canonical JSON form). */
function schemasEqual(a: DatabaseSchema, b: DatabaseSchema): boolean {
  // A schema that marks no table as root has every table root (RFC 7047 §3.2), as one that marks them all.
  const canonical = (s: DatabaseSchema) => {
    const json = schemaToJson(s) as { tables: Record<string, Record<string, unknown>> };
    const allRoot = ![...s.tables.values()].some((t) => t.isRoot);
    for (const t of Object.values(json.tables)) {
      if (allRoot) t["isRoot"] = true;
      else if (t["isRoot"] === undefined) t["isRoot"] = false;
    }
    // ovsdb-server returns enums sorted (as datums); a schema file may list them in any order
    sortEnums(json.tables);
    return json;
  };
  return isDeepStrictEqual(canonical(a), canonical(b));
}

/**
 * `convert [SERVER] SCHEMA` (sends the `convert` request as a change-aware client, prints nothing)
 * and `needs-conversion [SERVER] SCHEMA` (prints "yes" or "no"), as ovsdb-client: the database is
 * the one the schema names.
 */
async function convertCommand(ctx: Context, args: string[], check: boolean): Promise<number> {
  const { json, schema } = readSchemaForCli(args[args.length - 1]!);
  const rest = await openRpc(ctx, 1, "database", args, schema.name);
  if (rest.length !== 1) throw new Fatal(`invalid syntax for '${check ? "needs-conversion" : "convert"}' (use --help for help)`);
  if (check) {
    const online = parseSchema(await ctx.client!.getSchema(schema.name));
    ctx.io.out(schemasEqual(schema, online) ? "no\n" : "yes\n");
    return 0;
  }
  await ctx.client!.setDbChangeAware(true);
  // A server error reaches the entry point's catch, which prints it as ovsdb-client does.
  await ctx.client!.call("convert", [schema.name, json]);
  return 0;
}

/**
 * `backup [SERVER] [DATABASE] > SNAPSHOT`: writes the database as a standalone database file (the
 * server's schema, then one record with every row: persistent columns, `_is_diff`, and
 * ovsdb-client's comment), which `ovsdb-tool` and `restore` read.
 */
async function backup(ctx: Context): Promise<number> {
  const { json, schema } = await fetchSchema(ctx);
  const tables = tableOrder(json);
  const columns = (t: string) => ["_uuid", ...[...schema.tables.get(t)!.columns.values()].filter((c) => !c.ephemeral).map((c) => c.name)];
  const ops = tables.map((t) => ({ op: "select", table: t, where: [], columns: columns(t) }));
  const reply: unknown[] = await ctx.client!.transactRaw(ctx.database!, ops as never);
  if (!Array.isArray(reply) || reply.length !== tables.length) throw new Fatal(`reply is not array of ${tables.length} elements: ${ovsJson(reply)}`);
  const txn: Record<string, unknown> = {};
  tables.forEach((t, i) => {
    const r = reply[i] as { rows?: unknown } | null;
    if (!r || typeof r !== "object" || !Array.isArray(r.rows)) throw new Fatal(`${t} table reply is not an object with a "rows" member array: ${ovsJson(r)}`);
    if (r.rows.length === 0) return;
    const rows: Record<string, unknown> = {};
    for (const row of r.rows as Record<string, unknown>[]) {
      const { _uuid: uuid, ...values } = row;
      if (!Array.isArray(uuid) || uuid[0] !== "uuid" || typeof uuid[1] !== "string") throw new Fatal(`${t} table reply row lacks _uuid member: ${ovsJson(row)}`);
      rows[uuid[1]] = values;
    }
    txn[t] = rows;
  });
  txn["_date"] = Date.now();
  txn["_is_diff"] = true;
  txn["_comment"] = 'produced by "ovsdb-client backup"';
  ctx.io.out(Buffer.concat([fileRecord(json), fileRecord(txn)]).toString("utf8"));
  return 0;
}

/** ovsdb-client's uuid-name for a restored row: "row" and the UUID with underscores. */
function rowName(uuid: string): string {
  return `row${uuid.replaceAll("-", "_")}`;
}

/** A datum's JSON with every UUID atom as the named-uuid of the row it names (`ovsdb_datum_to_json_with_row_names`). */
function withRowNames(type: ColumnType, v: Datum): unknown {
  const json = encodeDatum(type, v) as unknown;
  const atom = (base: BaseType, a: unknown) => (base.type === "uuid" && Array.isArray(a) && a[0] === "uuid" ? ["named-uuid", rowName(a[1] as string)] : a);
  if (Array.isArray(json) && json[0] === "map") return ["map", (json[1] as [unknown, unknown][]).map(([k, x]) => [atom(type.key, k), atom(type.value!, x)])];
  if (Array.isArray(json) && json[0] === "set") return ["set", (json[1] as unknown[]).map((a) => atom(type.key, a))];
  return atom(type.key, json);
}

/**
 * `[--force] restore [SERVER] [DATABASE] < SNAPSHOT`: replaces the database's contents with the
 * snapshot's in one transaction, as ovsdb-client does (each table of the snapshot emptied, its rows
 * inserted with new UUIDs, references between them kept). A schema that differs from the
 * server's stops it unless `--force`.
 */
async function restore(ctx: Context): Promise<number> {
  const data = Buffer.from(await ctx.io.readStdin(), "utf8");
  if (data.length === 0) throw new Fatal("ovsdb error: /dev/stdin: cannot identify file type");
  const { records } = readRecords(data);
  if (records.length === 0) throw new Fatal("ovsdb error: /dev/stdin: unexpected file format");
  let snapshot;
  try {
    snapshot = databaseFromRecords(records, "/dev/stdin");
  } catch (e) {
    throw new Fatal(`ovsdb error: ${(e as Error).message}`);
  }
  const online = (await fetchSchema(ctx)).schema;
  if (!schemasEqual(snapshot.schema, online)) {
    const what =
      snapshot.schema.version !== online.version
        ? `backup schema has version "${snapshot.schema.version}" but database schema has version "${online.version}"`
        : `backup schema and database schema are both version ${online.version} but still differ`;
    if (!ctx.options.force) throw new Fatal(`${what} (use --force to override differences, or "ovsdb-client convert" to change the schema)`);
  }
  const ops: unknown[] = [];
  // ovsdb-client reads the file's schema into a JSON object, then the schema's tables, then the
  // database's tables: three hash tables, each filled in the previous one's order.
  const fileTables = Object.keys((records[0] as { tables: object }).tables);
  for (const t of shashOrder(shashOrder(shashOrder(fileTables)))) {
    const ts = snapshot.schema.tables.get(t)!;
    ops.push({ op: "delete", table: t, where: [] });
    for (const r of snapshot.rows(t).values()) {
      const row: Record<string, unknown> = {};
      for (const c of ts.columns.values()) {
        if (c.ephemeral || isDefaultDatum(c.type, r.data[c.name])) continue;
        row[c.name] = withRowNames(c.type, r.data[c.name]);
      }
      ops.push({ op: "insert", table: t, "uuid-name": rowName(r.uuid), row });
    }
  }
  const result: unknown[] = await ctx.client!.transactRaw(snapshot.name, ops as never);
  if (!Array.isArray(result)) throw new Fatal("result is not array");
  for (const r of result) {
    if (r === null || typeof r !== "object" || Array.isArray(r)) throw new Fatal("result array element is not object");
    if ("error" in r) throw new Fatal(`server returned error reply: ${ovsJson(r)}`);
  }
  return 0;
}
