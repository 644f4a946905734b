/**
 * The part of `ovn-ts apply` / `ovn-ts diff` that talks to the database, loaded once the arguments
 * are read (and a big manifest's worker thread started: `reading`, see ./apply.ts).
 *
 * @module
 */
import { OvsdbClient } from "../ovsdb/client/client.js";
import { NB_CONTROLLER_STAGES, NB_CONTROLLER_TABLES, NbController, formatPlan } from "../ovn/controller/index.js";
import { InvalidManifestError, KUBE_OVN_IDENTITY, type Manifest, applyChassis, applyModel, existingAddresses, formatIssue, formatWarning, loadManifests, manifestWarnings, resolveModel } from "../model/index.js";
import { ControlledDb } from "../ovn/controller/index.js";
import type { Args } from "./apply.js";
import { watchApply } from "./apply-watch.js";
import type { CliIo } from "./io.js";

function reportInvalid(io: CliIo, cmd: string, e: InvalidManifestError): void {
  for (const i of e.issues) io.err(`ovn-ts ${cmd}: error: ${formatIssue(i)}\n`);
}

/** Prints a `Warning:` line (as kubectl does) per accepted field without OVN effect. */
function warn(io: CliIo, manifest: Manifest): void {
  for (const w of manifestWarnings(manifest)) io.err(`${formatWarning(w)}\n`);
}

/**
 * Runs `ovn-ts apply` (or `diff`) with parsed arguments; `reading`: the manifests being read on a
 * worker thread, or undefined (they are read here). Returns the exit status.
 */
export async function runApply(args: Args, io: CliIo, diff: boolean, reading: Promise<Manifest> | undefined): Promise<number> {
  const cmd = diff ? "diff" : "apply";
  const errorStatus = diff ? 2 : 1;
  const rangeOption = args.serviceClusterIpRange !== undefined ? { serviceClusterIpRange: args.serviceClusterIpRange } : {};
  if (args.watch) {
    try {
      const manifest = loadManifests(args.files);
      resolveModel(manifest, rangeOption); // every static check before connecting: invalid input never reaches the database
      warn(io, manifest);
    } catch (e) {
      if (!(e instanceof InvalidManifestError)) throw e;
      reportInvalid(io, cmd, e);
      return errorStatus;
    }
    return watchApply({ db: args.db, files: args.files, prune: args.prune, maxOps: args.maxOps, ...rangeOption }, io);
  }
  // The replica starts loading before the files are read: the server prepares its monitor reply
  // (every row the model may own) while the files are parsed. Nothing is written before the
  // model, checked once with the addresses the database already has, is valid.
  const opening = openController(args.db);
  // The addresses the ports already have, read as soon as the replica is loaded (while a worker
  // may still be parsing the files).
  const existing = opening.then((o) => ("client" in o ? o.loading.then(existingAddresses) : undefined)).catch(() => undefined);
  // Big manifests are read on a worker thread while this one loads the replica; small ones here,
  // once the monitor request is out (the server prepares its reply meanwhile).
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
      resolveModel(manifest, rangeOption);
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
        model = resolveModel(manifest, { ...rangeOption, existing: (await existing) ?? existingAddresses(ctl) });
      } catch (e) {
        if (!(e instanceof InvalidManifestError)) throw e;
        reportInvalid(io, cmd, e);
        return errorStatus;
      }
      warn(io, manifest);
      // A progress line on a terminal (standard error), for long applies.
      let shown = false;
      const onProgress = (done: number, total: number): void => {
        if (!io.progress || diff || args.dryRun || total < 1000) return;
        shown = true;
        io.err(`\rapplying: ${done}/${total} objects`);
      };
      // One-shot (--watch is apply-watch.ts): the replica follows the apply's own writes, no monitor.
      const r = await applyModel(ctl, model, { dryRun: diff || args.dryRun, prune: args.prune, onProgress, followOwnWrites: true, ...(args.maxOps ? { maxOperations: args.maxOps } : {}) });
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
  // The biggest tables in stages: the server prepares each while this process decodes the rows before it.
  const loading = NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, stages: NB_CONTROLLER_STAGES, schema });
  loading.catch(() => undefined); // awaited by the caller once the files are read
  // With the schema given, the monitor request goes out without other I/O first: let it, before the caller's synchronous work.
  await new Promise((resolve) => setImmediate(resolve));
  return { client, loading };
}

