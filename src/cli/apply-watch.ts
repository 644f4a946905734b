/**
 * `ovn-ts apply --watch`: keeps the Northbound database following the files until interrupted.
 * One controller (one replica) for the whole run; passes go through a {@link WorkQueue} of
 * concurrency one with two keys: `files` (the first pass, and any change under the `-f` paths,
 * debounced) and `drift` (a change the replica sees in the model's tables). A `files` pass applies
 * and prints its per-object lines and summary; a `drift` pass first plans without sending and
 * applies (and prints) only when the database differs from the files — so the echo of its own
 * writes is silent while a row deleted or changed behind its back is restored. Invalid input is
 * reported and nothing is written; the watch goes on. A failed pass is retried with the queue's
 * backoff. SIGINT/SIGTERM (the CLI's abort signal) stop it with status 0.
 *
 * @module
 */
import { type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { NB_CONTROLLER_TABLES, NbController, WorkQueue } from "../ovn/controller/index.js";
import { OvsdbClient } from "../ovsdb/client/client.js";
import { InvalidManifestError, KUBE_OVN_IDENTITY, type ApplyModelResult, applyModel, existingAddresses, formatIssue, loadManifests, resolveModel } from "../model/index.js";
import type { CliIo } from "./io.js";

/** What `apply --watch` needs from the command line. */
export interface WatchApplyOptions {
  /** The Northbound remote. */
  readonly db: string;
  /** The `-f` paths. */
  readonly files: readonly string[];
  /** `--prune`. */
  readonly prune: boolean;
  /** `--max-ops`. */
  readonly maxOps: number | undefined;
  /** `--service-cluster-ip-range`: the Service CIDRs when the files have no ready `ServiceCIDR`. @default "10.96.0.0/12" */
  readonly serviceClusterIpRange?: string;
  /** Quiet time after a file change before the pass, in milliseconds. @default 200 */
  readonly debounceMs?: number;
}

/** The lines a pass prints: one per object and the summary (as `ovn-ts apply`). */
export function passLines(r: ApplyModelResult): string {
  const c = r.counts;
  return `${r.objects.map((o) => `${o.ref} ${o.action}\n`).join("")}${c.created} created, ${c.configured} configured, ${c.unchanged} unchanged, ${c.deleted} deleted\n`;
}

/** Watches the parent directory of a file (editors replace files) or a directory's manifests; calls `changed` on each event. */
function watchPath(path: string, changed: () => void): FSWatcher {
  const abs = resolve(path);
  let dir = abs;
  let only: string | undefined;
  try {
    if (!statSync(abs).isDirectory()) {
      dir = dirname(abs);
      only = basename(abs);
    }
  } catch {
    dir = dirname(abs);
    only = basename(abs);
  }
  return watch(dir, { persistent: true }, (_event, name) => {
    const n = name?.toString();
    if (only !== undefined ? n === only : n === undefined || /\.(ya?ml|json)$/i.test(n)) changed();
  });
}

/** Runs `apply --watch` until `io.signal` aborts; returns the exit status. */
export async function watchApply(options: WatchApplyOptions, io: CliIo): Promise<number> {
  const signal = io.signal;
  let client: OvsdbClient;
  try {
    client = await OvsdbClient.connect(options.db);
  } catch (e) {
    io.err(`ovn-ts apply: ${options.db}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const watchers: FSWatcher[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctl: NbController | undefined;
  let queue: WorkQueue | undefined;
  try {
    ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
    const c = ctl;
    const pass = async (key: string): Promise<void> => {
      let model;
      try {
        model = resolveModel(loadManifests(options.files), { existing: existingAddresses(c), ...(options.serviceClusterIpRange !== undefined ? { serviceClusterIpRange: options.serviceClusterIpRange } : {}) });
      } catch (e) {
        if (!(e instanceof InvalidManifestError)) throw e;
        for (const i of e.issues) io.err(`ovn-ts apply: error: ${formatIssue(i)}\n`);
        io.err("ovn-ts apply: invalid input, nothing written; watching for changes\n");
        return;
      }
      const budget = options.maxOps ? { maxOperations: options.maxOps } : {};
      if (key === "drift") {
        const dry = await applyModel(c, model, { dryRun: true, prune: options.prune, ...budget });
        if (dry.operations === 0) return;
      }
      io.out(passLines(await applyModel(c, model, { prune: options.prune, ...budget })));
    };
    const q = new WorkQueue({ handler: pass, concurrency: 1, maxRetries: Number.MAX_SAFE_INTEGER, baseDelayMs: 100, maxDelayMs: 10_000 });
    queue = q;
    q.on("failed", (_key, e, attempt, ms) => io.err(`ovn-ts apply: ${e instanceof Error ? e.message : String(e)} (attempt ${attempt}, retrying in ${Math.round(ms)} ms)\n`));
    const add = (key: string) => {
      try {
        q.add(key);
      } catch {
        // closed: the watch is stopping
      }
    };
    const tables = new Set(NB_CONTROLLER_TABLES);
    const stopReplica = q.watch(c.db.replica, (change) => (tables.has(change.table) ? "drift" : undefined));
    const debounce = options.debounceMs ?? 200;
    for (const f of options.files)
      watchers.push(
        watchPath(f, () => {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => {
            timer = undefined;
            add("files");
          }, debounce);
        }),
      );
    add("files");
    await new Promise<void>((res) => {
      if (!signal) return; // no way to be interrupted: run until the process ends
      if (signal.aborted) res();
      else signal.addEventListener("abort", () => res(), { once: true });
    });
    stopReplica();
    return 0;
  } catch (e) {
    io.err(`ovn-ts apply: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
    await queue?.close();
    await ctl?.close();
    client.close();
  }
}
