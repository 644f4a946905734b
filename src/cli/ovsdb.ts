/**
 * `ovn-ts ovsdb [OPTIONS] COMMAND [SERVER] [ARG...]`: a drop-in for `ovsdb-client` with the same
 * commands, argument order, default server and database, output (byte for byte for the same
 * server state, including OVS's table/column/row orders) and exit statuses. Transactions may also
 * be read from a file (`@FILE`) or standard input (`-`), since large ones do not fit in argv.
 *
 * @module
 */
import { TablePrinter } from "../ovsdb/text/table.js";
import type { CliCommand } from "./io.js";
import { closest } from "./suggest.js";
import { type CommandSpec, type Context, Fatal, type GlobalOptions, failure, openRpc } from "./ovsdb/context.js";
import { parseOptions } from "./ovsdb/options.js";
import { ovsdbUsage } from "./ovsdb/usage.js";

// Each command's module is loaded when it runs (a dump does not load the embedded server's file
// code that backup and restore use, nor the monitor printer): start-up is part of every command.
const schemaCmds = () => import("./ovsdb/schema.js");
const transactCmds = () => import("./ovsdb/transact.js");
const monitorCmds = () => import("./ovsdb/monitor.js");
const backupCmds = () => import("./ovsdb/backup.js");
const dumpCmds = () => import("./ovsdb/dump.js");

const COMMANDS: Record<string, CommandSpec> = {
  "list-dbs": { need: "rpc", min: 0, max: 0, run: async (c) => (await schemaCmds()).listDbs(c) },
  "get-schema": { need: "database", min: 0, max: 0, run: async (c) => (await schemaCmds()).getSchema(c) },
  "get-schema-version": { need: "database", min: 0, max: 0, run: async (c) => (await schemaCmds()).schemaField(c, "version") },
  "get-schema-cksum": { need: "database", min: 0, max: 0, run: async (c) => (await schemaCmds()).schemaField(c, "cksum") },
  "list-tables": { need: "database", min: 0, max: 0, run: async (c) => (await schemaCmds()).listTables(c) },
  "list-columns": { need: "database", min: 0, max: 1, run: async (c, a) => (await schemaCmds()).listColumns(c, a) },
  transact: { need: "none", min: 1, max: 2, run: async (c, a) => (await transactCmds()).transact(c, a, false) },
  query: { need: "none", min: 1, max: 2, run: async (c, a) => (await transactCmds()).transact(c, a, true) },
  monitor: { need: "database", min: 1, max: Infinity, run: async (c, a) => (await monitorCmds()).monitor(c, a, "monitor") },
  "monitor-cond": { need: "database", min: 2, max: 3, run: async (c, a) => (await monitorCmds()).monitor(c, a, "monitor_cond") },
  "monitor-cond-since": { need: "database", min: 2, max: Infinity, run: async (c, a) => (await monitorCmds()).monitor(c, a, "monitor_cond_since") },
  wait: { need: "rpc", min: 2, max: 3, run: async (c, a) => (await transactCmds()).waitCommand(c, a) },
  dump: { need: "database", min: 0, max: Infinity, run: async (c, a) => (await dumpCmds()).dump(c, a), tap: true },
  lock: { need: "rpc", min: 1, max: 1, run: async (c, a) => (await transactCmds()).lockCommand(c, a, "lock") },
  steal: { need: "rpc", min: 1, max: 1, run: async (c, a) => (await transactCmds()).lockCommand(c, a, "steal") },
  unlock: { need: "rpc", min: 1, max: 1, run: async (c, a) => (await transactCmds()).lockCommand(c, a, "unlock") },
  convert: { need: "none", min: 1, max: 2, run: async (c, a) => (await schemaCmds()).convertCommand(c, a, false) },
  "needs-conversion": { need: "none", min: 1, max: 2, run: async (c, a) => (await schemaCmds()).convertCommand(c, a, true) },
  backup: { need: "database", min: 0, max: 0, run: async (c) => (await backupCmds()).backup(c) },
  restore: { need: "database", min: 0, max: 0, run: async (c) => (await backupCmds()).restore(c) },
};

/** Each command's module loader, to start loading it before the command runs. */
const PRELOAD: Record<string, () => Promise<unknown>> = {
  dump: dumpCmds,
  transact: transactCmds,
  query: transactCmds,
  monitor: monitorCmds,
  "monitor-cond": monitorCmds,
  "monitor-cond-since": monitorCmds,
  backup: backupCmds,
  restore: backupCmds,
};

/** The commands ovsdb-client daemonizes in (`--detach`, `--pidfile`, `--monitor` act on these only). */
const DAEMONIZING: ReadonlySet<string> = new Set(["transact", "query", "monitor", "monitor-cond", "monitor-cond-since", "lock", "steal", "unlock"]);

/** ovsdb-client as a daemon: `RUNDIR/ovsdb-client.pid`, `ovn-ts ovsdb:` messages, {@link Fatal} errors. */
const OVSDB_DAEMON = { name: "ovsdb-client", cli: "ovn-ts ovsdb", fatal: (message: string) => new Fatal(message) };

/** True when any daemon option was given. */
function wantsDaemon(o: GlobalOptions["daemon"]): boolean {
  return o.detach || o.monitor || o.pidfile !== undefined;
}

/**
 * `--user`: as ovsdb-client, right after the options, for every command; not again in a daemon
 * this process started (it inherits the ids). OVS's messages start with the pidfile's name.
 */
async function switchUser(o: GlobalOptions["daemon"]): Promise<void> {
  const { isDaemonChild, pidfilePath } = await import("./daemon.js");
  if (isDaemonChild()) return;
  const { becomeUser, resolveUser } = await import("./ovsdb/user.js");
  const label = o.pidfile === undefined ? "(null)" : pidfilePath(o.pidfile, OVSDB_DAEMON);
  becomeUser(resolveUser(o.user!, label), label);
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
    if (options.daemon.user !== undefined) await switchUser(options.daemon);
    const [name, ...args] = rest;
    if (name === undefined) throw new Fatal("missing command name; use --help for help");
    const spec = COMMANDS[name];
    if (!spec) {
      const near = closest(name, Object.keys(COMMANDS));
      throw new Fatal(`unknown command '${name}'; use --help for help`, near ? `did you mean '${near}'?` : undefined);
    }
    ctx = { io, style: options.style, printer: new TablePrinter(options.style), client: undefined, database: undefined, server: "", options, hints: [], ...(spec.tap ? { wantsTap: true } : {}) };
    if (DAEMONIZING.has(name) && wantsDaemon(options.daemon)) {
      const { daemonizeStart } = await import("./daemon.js");
      const start = await daemonizeStart(options.daemon, argv, io, OVSDB_DAEMON);
      if (start.kind === "exit") return start.status;
      ctx.daemon = start.daemon;
    }
    // The command's module loads while the connection is made (and, for a dump, while the
    // server answers list_dbs): a load failure is left to the command's own import.
    PRELOAD[name]?.().catch(() => undefined);
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
