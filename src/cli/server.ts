/**
 * `ovn-ts server`: runs the embedded OVSDB server (the in-process counterpart of ovsdb-server(1))
 * until SIGINT or SIGTERM.
 *
 * ```
 * ovn-ts server --schema FILE|NAME [--schema ...] --remote punix:PATH|ptcp:PORT[:IP]|pssl:PORT[:IP] [--remote ...]
 *               [--db FILE [--db FILE ...]] [--fsync] [--no-history]
 *               [--private-key FILE --certificate FILE --ca-cert FILE]
 * ```
 *
 * `--schema` takes a `.ovsschema` file or a bundled database name (`OVN_Northbound`,
 * `OVN_Southbound`, `Open_vSwitch`, ...). `--db FILE` keeps a database durable in ovsdb-server's
 * standalone file format: an existing file is loaded (its own schema), a missing one is created
 * from the `--schema` at the same position. Databases without a `--db` live in memory only.
 *
 * @module
 */
import { BUNDLED_SCHEMA_FILES, type BundledDatabase, bundledSchema } from "../ovsdb/schema/bundled.js";
import { type DatabaseSchema, readSchemaFile } from "../ovsdb/schema/schema.js";
import { type DatabaseFile, openDatabaseFile } from "../ovsdb/server/persistence.js";
import { OvsdbServer } from "../ovsdb/server/server.js";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { type OptionSpec, readOptions } from "./options.js";
import { optionHint } from "./suggest.js";

/** Parsed `ovn-ts server` arguments. */
export interface ServerArgs {
  readonly schemas: readonly string[];
  readonly remotes: readonly string[];
  readonly dbFiles: readonly string[];
  readonly fsync: boolean;
  readonly history: boolean;
  /** TLS material for `pssl:` remotes (`--private-key`, `--certificate`, `--ca-cert`). */
  readonly tls: { privateKey?: string; certificate?: string; caCert?: string };
}

/** Usage text of `ovn-ts server`. */
export const SERVER_USAGE = `usage: ovn-ts server --schema FILE|NAME [--schema ...] --remote REMOTE [--remote ...] [--db FILE ...]

Runs the embedded OVSDB server until SIGINT or SIGTERM.

Options:
  --schema FILE|NAME   serve a database with this .ovsschema file, or a bundled schema
                       (${Object.keys(BUNDLED_SCHEMA_FILES).filter((n) => n !== "_Server").join(", ")})
  --remote REMOTE      listen on punix:PATH, ptcp:PORT[:IP] or pssl:PORT[:IP] (port 0 picks a
                       free one)
  --db FILE            keep the database durable in FILE (ovsdb-server's standalone format,
                       readable by ovsdb-tool); created from the --schema at the same position
  --fsync              fsync the database files after every transaction
  --no-history         no transaction history for monitor_cond_since (as a standalone ovsdb-server)
  -p, --private-key=FILE  TLS private key of the pssl: listeners
  -c, --certificate=FILE  TLS certificate of the pssl: listeners
  -C, --ca-cert=FILE      CA certificate clients' certificates must be signed by (pssl:)
  -h, --help           show this help
`;

/** The options of `ovn-ts server`. */
const SERVER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h" },
  schema: { type: "string" },
  remote: { type: "string" },
  db: { type: "string" },
  fsync: { type: "boolean" },
  "no-history": { type: "boolean" },
  "private-key": { type: "string", short: "p" },
  certificate: { type: "string", short: "c" },
  "ca-cert": { type: "string", short: "C" },
};

/** Parses `ovn-ts server` arguments (`--opt VALUE` and `--opt=VALUE`); throws {@link UsageError}. */
export function parseServerArgs(argv: readonly string[]): ServerArgs | "help" {
  const schemas: string[] = [];
  const remotes: string[] = [];
  const dbFiles: string[] = [];
  let fsync = false;
  let history = true;
  const tls: { privateKey?: string; certificate?: string; caCert?: string } = {};
  const unknown = (a: string) => new UsageError(`unknown option '${a}' (use --help for help)`, optionHint(a, ["--schema", "--remote", "--db", "--fsync", "--no-history", "--private-key", "--certificate", "--ca-cert", "--help"]));
  const events = readOptions(argv, SERVER_OPTIONS, { unknown, missingValue: (o) => new UsageError(`${o} needs a value`) }, { stopAt: ["help"] });
  for (const e of events) {
    if (e.kind !== "option") continue;
    switch (e.name) {
      case "help":
        return "help";
      case "schema":
        schemas.push(e.value!);
        break;
      case "remote":
        remotes.push(e.value!);
        break;
      case "db":
        dbFiles.push(e.value!);
        break;
      case "fsync":
        fsync = true;
        break;
      case "no-history":
        history = false;
        break;
      case "private-key":
        tls.privateKey = e.value!;
        break;
      case "certificate":
        tls.certificate = e.value!;
        break;
      case "ca-cert":
        tls.caCert = e.value!;
        break;
    }
  }
  if (schemas.length === 0 && dbFiles.length === 0) throw new UsageError("at least one --schema or --db is required");
  if (remotes.length === 0) throw new UsageError("at least one --remote is required (punix:PATH, ptcp:PORT[:IP] or pssl:PORT[:IP])");
  if (remotes.some((r) => r.startsWith("pssl:"))) {
    const missing = [!tls.privateKey && "--private-key", !tls.certificate && "--certificate", !tls.caCert && "--ca-cert"].filter(Boolean);
    if (missing.length > 0) throw new UsageError(`pssl: remotes need ${missing.join(", ")}`);
  }
  return { schemas, remotes, dbFiles, fsync, history, tls };
}

function loadSchema(s: string): DatabaseSchema {
  return s in BUNDLED_SCHEMA_FILES ? bundledSchema(s as BundledDatabase) : readSchemaFile(s);
}

/** A running server started from {@link ServerArgs}. */
export interface RunningServer {
  readonly server: OvsdbServer;
  /** The active remotes clients connect to, e.g. `unix:/tmp/db.sock`, `tcp:127.0.0.1:6641`. */
  readonly remotes: readonly string[];
  /** Stops the server and closes the database files. */
  stop(): Promise<void>;
}

/** Starts the server described by `args` and prints where it listens. */
export async function startServerFromArgs(args: ServerArgs, io: CliIo): Promise<RunningServer> {
  const server = new OvsdbServer({ ...(args.history ? {} : { historyTxns: 0 }), tls: args.tls });
  const files: DatabaseFile[] = [];
  const stop = async () => {
    await server.close();
    for (const f of files) f.close();
  };
  try {
    const schemas = args.schemas.map(loadSchema);
    args.dbFiles.forEach((path, i) => {
      const f = openDatabaseFile(path, { ...(schemas[i] ? { schema: schemas[i] } : {}), fsync: args.fsync, historyTxns: args.history ? 100 : 0 });
      files.push(f);
      if (f.damage) io.err(`ovn-ts server: ${f.damage.message} (${f.droppedTailBytes} bytes ignored; cut off at the first write)\n`);
      server.addDatabase(f.database, { history: f.history });
    });
    for (const s of schemas.slice(args.dbFiles.length)) server.addDatabase(s);
    const remotes: string[] = [];
    for (const r of args.remotes) {
      const l = await server.listen(r);
      remotes.push(l.connect);
      io.out(`listening on ${l.bound} (connect with ${l.connect})\n`);
    }
    io.out(`serving ${server.databaseNames.join(", ")}\n`);
    return { server, remotes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Entry point of `ovn-ts server`: runs until SIGINT/SIGTERM, then exits 0. */
export const serverCommand: CliCommand = async (argv, io) => {
  const args = parseServerArgs(argv);
  if (args === "help") {
    io.out(SERVER_USAGE);
    return 0;
  }
  // the handlers are in place before the first socket exists: a client can connect as soon as the socket
  // is bound, before the server's own code has run again, and a signal sent then must still stop it cleanly
  let done = () => {};
  const signalled = new Promise<void>((resolve) => {
    done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
  let running: RunningServer;
  try {
    running = await startServerFromArgs(args, io);
  } catch (e) {
    done();
    throw e;
  }
  await signalled;
  await running.stop();
  io.out("ovn-ts server: stopped\n");
  return 0;
};
