/**
 * What every `ovn-ts ovsdb` command shares: the run's context and options, connecting (with ovsdb-client's messages and hints), and failures.
 *
 * @module
 */
import { statSync } from "node:fs";
import { type ClientOptions, NoRemoteError, OvsdbClient } from "../../ovsdb/client/client.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import type { DatabaseSchema } from "../../ovsdb/schema/schema.js";
import type { ColumnType } from "../../ovsdb/schema/types.js";
import { FramingError } from "../../ovsdb/wire/framer.js";
import { ConnectError, parseRemoteList } from "../../ovsdb/wire/remote.js";
import { OvsdbError, errorToJson } from "../../ovsdb/wire/errors.js";
import { ovsJson } from "../../ovsdb/text/json.js";
import { TablePrinter, type TableStyle } from "../../ovsdb/text/table.js";
import { type CliIo, UsageError } from "../io.js";
import { closest } from "../suggest.js";
import { rundir } from "./options.js";
import type { Daemon, DaemonOptions } from "../daemon.js";
import { ReplyTap } from "./reply-tap.js";

/** What a command needs before it runs (as ovsdb-client's `args_needed`). */
export type Need = "none" | "rpc" | "database";

/** One command: what it needs before it runs, its argument counts, and what it does. */
export interface CommandSpec {
  need: Need;
  min: number;
  max: number;
  run: (ctx: Context, args: string[]) => Promise<number>;
  /** Connect through a {@link ReplyTap} (`ctx.tap`), so that the command can take a reply as bytes. */
  tap?: boolean;
}

/** One run: the global options, the output, and the connection once made. */
export interface Context {
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
  /** The daemon this run is, for a command that daemonizes with a daemon option (see daemon.ts). */
  daemon?: Daemon;
  /** Set before connecting: connect through a {@link ReplyTap} when the remote allows it. */
  wantsTap?: boolean;
  /** The tap the client connected through, if any. */
  tap?: ReplyTap;
}

/** The global options of a run (`--format`, `--timeout`, `--timestamp`, ...). */
export interface GlobalOptions {
  style: TableStyle;
  timeoutSec: number | undefined;
  timestamp: boolean;
  leaderOnly: boolean;
  dbChangeAware: boolean | undefined;
  /** `--force`: `restore` goes ahead when the backup's schema differs from the server's. */
  force: boolean;
  tls: { privateKey?: string; certificate?: string; caCert?: string };
  /**
   * `--unixctl=SOCKET`: the monitor and lock commands answer `ovs-appctl -t SOCKET` there (`exit`,
   * `ovsdb-client/cond_change`, `/block`, `/unblock`; `lock`, `steal`, `unlock`), as
   * `ovsdb-client --detach` answers on its control socket.
   */
  unixctl?: string;
  /** `--detach`, `--pidfile`, `--overwrite-pidfile`, `--no-chdir`, `--monitor` (see daemon.ts). */
  daemon: DaemonOptions;
}

/** Raised for a fatal condition: printed as `ovn-ts ovsdb: MESSAGE`, exit status 1 (as `ovs_fatal`). */
export class Fatal extends Error {
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
export function remoteHint(arg: string | undefined, used: string): string | undefined {
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
export async function tableHint(ctx: Context, schema: DatabaseSchema, name: string): Promise<string | undefined> {
  const dbs = ctx.client ? await ctx.client.listDbs().catch(() => [] as string[]) : [];
  if (dbs.includes(name)) return `"${name}" is a database: name it before the tables (DATABASE [TABLE [COLUMN]...])`;
  const near = closest(name, [...dbs.filter((d) => !d.startsWith("_")), ...schema.tables.keys()]);
  if (near === undefined) return undefined;
  return dbs.includes(near) ? `did you mean the database "${near}"?` : `did you mean the table "${near}"?`;
}

/** Prints a failed command's error as ovsdb-client words it; returns the exit status. */
export function failure(e: unknown, io: CliIo): number {
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

/** A connection failure in ovsdb-client's words. */
export function describeConnectError(e: ConnectError): string {
  const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "EACCES") return "Permission denied";
  return e.message.slice(e.remote.length + 2);
}

/** True for an argument that names a server (`unix:`, `tcp:`, `ssl:`, ...). */
export function looksLikeRemote(s: string | undefined): boolean {
  return s !== undefined && /^[a-zA-Z]/.test(s) && s.includes(":");
}

/** Connects to `remote` (with `--leader-only`, only to the leader of `leaderCheckDb`). */
export async function connect(ctx: Context, remote: string, leaderCheckDb?: string): Promise<OvsdbClient> {
  const o = ctx.options;
  const opts: ClientOptions = { reconnect: false, probeIntervalMs: 0 };
  if (o.tls.caCert || o.tls.certificate || o.tls.privateKey) opts.tls = o.tls;
  if (leaderCheckDb && o.leaderOnly) opts.leaderOnly = leaderCheckDb;
  if (ctx.wantsTap && opts.leaderOnly === undefined) {
    const remotes = parseRemoteList(remote);
    if (remotes.length === 1) {
      const tap = new ReplyTap(remotes[0]!, opts.tls ? { tls: opts.tls } : {});
      const client = await OvsdbClient.connect(tap.transport, opts);
      ctx.tap = tap;
      return client;
    }
  }
  return OvsdbClient.connect(remote, opts);
}

/** ovsdb-client's `open_rpc`: picks the remote and the database from the leading arguments. */
export async function openRpc(ctx: Context, minArgs: number, need: Need, args: string[], presetDb?: string): Promise<string[]> {
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

/**
 * Why the connection ended, in ovsdb-client's words (`strerror` of its receive error): a peer
 * that closes or exits is "End of file" (whatever our last write then met, such as EPIPE; also in
 * the middle of a message), a reset
 * "Connection reset by peer", a stream that is not JSON "Protocol error".
 */
export function receiveFailure(err: Error | undefined): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ECONNRESET") return "Connection reset by peer";
  const framing = cause instanceof FramingError ? cause : err instanceof FramingError ? err : undefined;
  if (framing) return framing.truncated ? "End of file" : "Protocol error";
  return "End of file";
}

/** The `--timestamp` prefix of a monitor update: the current time as ovsdb-client prints it. */
export function timestampText(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

/** `t` with any number of elements (a column value to decode whatever its size). */
export function unconstrained(t: ColumnType): ColumnType {
  return { ...t, min: 0, max: "unlimited" };
}
