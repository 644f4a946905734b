/**
 * `ovn-ts apply` and `ovn-ts diff`: the Kube-OVN network model kept in files, applied to an OVN
 * Northbound database with kubectl's habits (`-f FILE_OR_DIR`, `--dry-run`, `--prune`, one line
 * per object and a summary; `diff` exits 0 when nothing would change, 1 when something would).
 *
 * @module
 */
import { OvsdbClient } from "../ovsdb/client/client.js";
import { NB_CONTROLLER_TABLES, NbController, formatPlan } from "../ovn/controller/index.js";
import { InvalidManifestError, KUBE_OVN_IDENTITY, type Manifest, applyChassis, applyModel, existingAddresses, formatIssue, loadManifests, loadManifestsInWorker, manifestsWorthAWorker, resolveModel } from "../model/index.js";
import { ControlledDb } from "../ovn/controller/index.js";
import { watchApply } from "./apply-watch.js";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

/** Usage of `ovn-ts apply`. */
export function applyUsage(): string {
  return `usage: ovn-ts apply [--db=REMOTE] [--sb=REMOTE] -f FILE_OR_DIR [-f ...] [--dry-run | --watch] [--prune] [--max-ops=N]

Applies Kube-OVN manifests (kubeovn.io/v1 Vpc, Subnet, Vlan, ProviderNetwork, IP, IPPool,
OvnEip, OvnFip, OvnSnatRule, OvnDnatRule; v1 Namespace, Pod, Node, Service; networking.k8s.io/v1
NetworkPolicy; multi-document YAML; a directory means its .yaml/.yml/.json files) to an OVN
Northbound database, naming the rows as Kube-OVN does (external_ids:vendor=kube-ovn). Prints one
line per object and a summary.

  --db=REMOTE     Northbound DB (default: $OVN_NB_DB or unix:/var/run/ovn/ovnnb_db.sock)
  --sb=REMOTE     also write the Southbound Chassis rows of the files' Nodes (as their
                  ovn-controllers would register them, tagged vendor=kube-ovn)
  -f, --filename  a manifest file or directory (repeatable)
  --dry-run       print what would change, send nothing
  --prune         delete owned routers, switches and ports the files no longer have
  --max-ops=N     most operations per transaction (default 2000)
  --watch         keep reconciling until interrupted: apply again when the files change or
                  when the database drifts from them (same lines per pass); SIGINT/SIGTERM: exit 0

Exit status: 0 applied, 1 invalid input (nothing written) or a database error, 2 usage error.
`;
}

/** Usage of `ovn-ts diff`. */
export function diffUsage(): string {
  return `usage: ovn-ts diff [--db=REMOTE] -f FILE_OR_DIR [-f ...] [--prune] [-v]

Prints what 'ovn-ts apply' would change, object by object (with -v, also the OVN rows:
'+' create, '~' update, '-' delete). Sends nothing.

Exit status (as kubectl diff): 0 nothing would change, 1 something would, 2 error.
`;
}

interface Args {
  readonly db: string;
  readonly sb: string | undefined;
  readonly files: readonly string[];
  readonly dryRun: boolean;
  readonly prune: boolean;
  readonly verbose: boolean;
  readonly maxOps: number | undefined;
  readonly watch: boolean;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[], diff: boolean): Args {
  let db = process.env["OVN_NB_DB"] ?? "unix:/var/run/ovn/ovnnb_db.sock";
  let sb: string | undefined;
  const files: string[] = [];
  let dryRun = false;
  let prune = false;
  let verbose = false;
  let maxOps: number | undefined;
  let watch = false;
  const known = diff ? ["--help", "--db", "--filename", "--prune", "--verbose"] : ["--help", "--db", "--sb", "--filename", "--dry-run", "--prune", "--max-ops", "--watch"];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option '${name}' requires an argument`);
      return v;
    };
    if (a === "--help" || a === "-h") return { db, sb, files, dryRun, prune, verbose, maxOps, watch, help: true };
    if (a.startsWith("--db=")) db = a.slice(5);
    else if (a === "--db") db = value(a);
    else if (!diff && a.startsWith("--sb=")) sb = a.slice(5);
    else if (!diff && a === "--sb") sb = value(a);
    else if (a === "-f" || a === "--filename") files.push(value(a));
    else if (a.startsWith("--filename=")) files.push(a.slice(11));
    else if (a.startsWith("-f") && a.length > 2) files.push(a.slice(a[2] === "=" ? 3 : 2));
    else if (a === "--prune") prune = true;
    else if (!diff && (a === "--dry-run" || a === "--dry-run=client")) dryRun = true;
    else if (diff && (a === "-v" || a === "--verbose")) verbose = true;
    else if (!diff && (a === "--watch" || a === "-w")) watch = true;
    else if (!diff && a.startsWith("--max-ops=")) {
      const n = Number(a.slice(10));
      if (!Number.isInteger(n) || n < 20) throw new UsageError(`--max-ops: ${a.slice(10)}: expected an integer of at least 20`);
      maxOps = n;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`, optionHint(a, known));
    else throw new UsageError(`unexpected argument '${a}' (manifests are given with -f)`);
  }
  if (files.length === 0) throw new UsageError("must specify -f FILE_OR_DIR");
  if (watch && dryRun) throw new UsageError("--watch and --dry-run cannot be combined");
  if (watch && sb !== undefined) throw new UsageError("--watch and --sb cannot be combined (a watch keeps the Northbound database only)");
  return { db, sb, files, dryRun, prune, verbose, maxOps, watch, help: false };
}

function reportInvalid(io: CliIo, cmd: string, e: InvalidManifestError): void {
  for (const i of e.issues) io.err(`ovn-ts ${cmd}: error: ${formatIssue(i)}\n`);
}

async function run(argv: readonly string[], io: CliIo, diff: boolean): Promise<number> {
  const cmd = diff ? "diff" : "apply";
  const errorStatus = diff ? 2 : 1;
  let args: Args;
  try {
    args = parseArgs(argv, diff);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`ovn-ts ${cmd}: ${e.message}\n`);
    if (e.hint) io.err(`ovn-ts ${cmd}: ${e.hint}\n`);
    return 2;
  }
  if (args.help) {
    io.out(diff ? diffUsage() : applyUsage());
    return 0;
  }
  if (args.watch) {
    try {
      resolveModel(loadManifests(args.files)); // every static check before connecting: invalid input never reaches the database
    } catch (e) {
      if (!(e instanceof InvalidManifestError)) throw e;
      reportInvalid(io, cmd, e);
      return errorStatus;
    }
    return watchApply({ db: args.db, files: args.files, prune: args.prune, maxOps: args.maxOps }, io);
  }
  // The replica starts loading before the files are read: the server prepares its monitor reply
  // (every row the model may own) while the files are parsed. Nothing is written before the
  // model, checked once with the addresses the database already has, is valid.
  const opening = openController(args.db);
  // Big manifests are read on a worker thread while this one loads the replica; small ones here,
  // once the monitor request is out (the server prepares its reply meanwhile).
  const reading = manifestsWorthAWorker(args.files) ? loadManifestsInWorker(args.files) : undefined;
  reading?.catch(() => undefined); // awaited below, after the connection is started
  if (!reading) await Promise.race([opening, delay(OPEN_HEAD_START_MS)]);
  let manifest: Manifest;
  try {
    manifest = reading ? await reading : loadManifests(args.files);
  } catch (e) {
    // The replica's load is let finish (or fail) before the connection closes: nothing is left running.
    const o = await opening;
    if ("client" in o) {
      await o.loading.then(
        (ctl) => ctl.close(),
        () => undefined,
      );
      o.client.close();
    }
    if (!(e instanceof InvalidManifestError)) throw e;
    reportInvalid(io, cmd, e);
    return errorStatus;
  }
  /** A database that cannot be used: invalid input is still named first. */
  const unusable = (error: unknown, where?: string): number => {
    try {
      resolveModel(manifest);
    } catch (e) {
      if (!(e instanceof InvalidManifestError)) throw e;
      reportInvalid(io, cmd, e);
      return errorStatus;
    }
    io.err(`ovn-ts ${cmd}: ${where ? `${where}: ` : ""}${error instanceof Error ? error.message : String(error)}\n`);
    return errorStatus;
  };
  const opened = await opening;
  if (!("client" in opened)) return unusable(opened.error, opened.where);
  const { client } = opened;
  let ctl: NbController;
  try {
    ctl = await opened.loading;
  } catch (e) {
    client.close();
    return unusable(e);
  }
  try {
    try {
      let model;
      try {
        model = resolveModel(manifest, { existing: existingAddresses(ctl) });
      } catch (e) {
        if (!(e instanceof InvalidManifestError)) throw e;
        reportInvalid(io, cmd, e);
        return errorStatus;
      }
      // A progress line on a terminal (standard error), for long applies.
      let shown = false;
      const onProgress = (done: number, total: number): void => {
        if (!io.progress || diff || args.dryRun || total < 1000) return;
        shown = true;
        io.err(`\rapplying: ${done}/${total} objects`);
      };
      const r = await applyModel(ctl, model, { dryRun: diff || args.dryRun, prune: args.prune, onProgress, ...(args.maxOps ? { maxOperations: args.maxOps } : {}) });
      if (shown) io.err("\r\x1b[K");
      if (diff) {
        let changed = 0;
        const text: string[] = [];
        for (const o of r.objects) {
          if (o.action === "unchanged") continue;
          changed++;
          text.push(`${o.ref} ${o.action}\n`);
          if (args.verbose) text.push(formatPlan({ database: "OVN_Northbound", label: undefined, operations: [], steps: o.steps, guarded: [] }).replace(/^(?=.)/gm, "    "));
        }
        if (text.length) io.out(text.join(""));
        return changed ? 1 : 0;
      }
      const suffix = args.dryRun ? " (dry run)" : "";
      // One write for all the lines (10,000 objects are as many lines).
      io.out(r.objects.map((o) => `${o.ref} ${o.action}${suffix}\n`).join(""));
      if (args.sb !== undefined) {
        const sbClient = await OvsdbClient.connect(args.sb);
        try {
          const sb = await ControlledDb.open(sbClient, { database: "OVN_Southbound", identity: KUBE_OVN_IDENTITY, tables: ["Chassis", "Chassis_Private", "Encap"] });
          try {
            const ch = await applyChassis(sb, model.nodes ?? [], { prune: args.prune, dryRun: args.dryRun });
            for (const [names, action] of [[ch.created, "created"], [ch.configured, "configured"], [ch.deleted, "deleted"]] as const) for (const n of names) io.out(`chassis/${n} ${action}${suffix}\n`);
          } finally {
            await sb.close();
          }
        } finally {
          sbClient.close();
        }
      }
      const c = r.counts;
      io.out(`${c.created} created, ${c.configured} configured, ${c.unchanged} unchanged, ${c.deleted} deleted${suffix}\n`);
      return 0;
    } finally {
      await ctl.close();
    }
  } catch (e) {
    io.err(`ovn-ts ${cmd}: ${e instanceof Error ? e.message : String(e)}\n`);
    return errorStatus;
  } finally {
    client.close();
  }
}

/** How long the files wait for the connection and the replica's monitor request before they are read anyway (a slow remote). */
const OPEN_HEAD_START_MS = 100;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A connection to `db` whose controller's replica is loading, or why there is none (`where`: the remote, when the connection failed). */
type Opening = { readonly client: OvsdbClient; readonly loading: Promise<NbController> } | { readonly error: unknown; readonly where?: string };

/**
 * Connects to `db`, fetches its schema and starts the controller's replica; resolves once the
 * monitor request has gone out (the replica loading), or with the error.
 */
async function openController(db: string): Promise<Opening> {
  let client: OvsdbClient;
  try {
    client = await OvsdbClient.connect(db);
  } catch (error) {
    return { error, where: db };
  }
  let schema: unknown;
  try {
    schema = await client.getSchema("OVN_Northbound");
  } catch (error) {
    client.close();
    return { error };
  }
  const loading = NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, schema });
  loading.catch(() => undefined); // awaited by the caller once the files are read
  // With the schema given, the monitor request goes out without other I/O first: let it, before the caller's synchronous work.
  await new Promise((resolve) => setImmediate(resolve));
  return { client, loading };
}

/** `ovn-ts apply`. */
export const applyCommand: CliCommand = (argv, io) => run(argv, io, false);

/** `ovn-ts diff`. */
export const diffCommand: CliCommand = (argv, io) => run(argv, io, true);
