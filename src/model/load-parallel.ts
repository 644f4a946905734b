/**
 * Reading big manifests on a worker thread: {@link loadManifestsInWorker} parses the files off
 * the main thread (the YAML, and the common pods turned into objects: src/model/load-plain.ts,
 * which needs none of the model's other modules, so the worker starts quickly), so a caller that
 * also loads a replica (the monitor reply's JSON parsed and decoded on the main thread) does both
 * at once on a machine with a second core; the calling thread then checks the few other objects.
 * The result is the same as `loadManifests`'s: the objects, or an {@link InvalidManifestError}
 * with the same issues.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { manifestFiles } from "./files.js";
import type { PackedEntries } from "./load-plain.js";
import type { Manifest } from "./types.js";

/**
 * The size (bytes, all files together) from which {@link manifestsWorthAWorker} says yes:
 * below it, starting a worker (a thread, the YAML and model modules loaded again, the objects
 * copied back) costs more than it saves.
 */
export const WORKER_LOAD_MIN_BYTES = 512 * 1024;

/** What the worker thread posts back: the manifests read as far as src/model/load-plain.ts goes (packed to cross threads cheaply), or why it could not read them. */
export type LoadWorkerReply = { readonly kind: "entries"; readonly packed: PackedEntries } | { readonly kind: "failed"; readonly message: string };

/** The worker's script next to this module (absent when the sources run untranspiled, e.g. under a test runner). */
const WORKER_URL = new URL("./load-worker.js", import.meta.url);

/**
 * True when the files `paths` name (files or directories) hold at least `minBytes` together and
 * the worker's script is there: reading them on a worker is worth it. An unreadable path gives
 * false (the reading on the calling thread names it).
 */
export function manifestsWorthAWorker(paths: readonly string[], minBytes: number = WORKER_LOAD_MIN_BYTES): boolean {
  if (!existsSync(fileURLToPath(WORKER_URL))) return false;
  let bytes = 0;
  try {
    for (const p of paths) for (const f of manifestFiles(p)) bytes += statSync(f).size;
  } catch {
    return false;
  }
  return bytes >= minBytes;
}

/**
 * `loadManifests` on a worker thread: resolves to the same manifest, rejects with the same
 * `InvalidManifestError`. When the worker cannot run, or any document has an issue, the files are
 * read on the calling thread instead (so the issues, and any other error, are the ones
 * `loadManifests` gives).
 */
export function loadManifestsInWorker(paths: readonly string[]): Promise<Manifest> {
  // The model's readers are loaded here once the worker has replied (a caller that goes on to resolve the model has them by then).
  const inline = async (): Promise<Manifest> => (await import("./load.js")).loadManifests(paths);
  if (!existsSync(fileURLToPath(WORKER_URL))) return inline();
  return new Promise<LoadWorkerReply | undefined>((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { workerData: [...paths] });
    } catch {
      resolve(undefined);
      return;
    }
    let reply: LoadWorkerReply | undefined;
    worker.once("message", (m: LoadWorkerReply) => {
      reply = m;
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", () => resolve(undefined));
    worker.once("exit", () => resolve(reply));
  }).then(async (r) => {
    if (r?.kind === "entries") {
      const [load, plain] = await Promise.all([import("./load.js"), import("./load-plain.js")]);
      const objects = load.objectsOfPlainEntries(plain.unpackEntries(r.packed));
      if (objects) return { objects };
    }
    // An issue, or a path the worker could not read: the reading here names it (file, line, object, field).
    return inline();
  });
}
