/**
 * The worker thread of {@link loadManifestsInWorker}: reads the manifests named by its
 * `workerData` (a list of paths) as far as {@link readPlainManifestsPacked} goes (the YAML, and the
 * common pods, without loading the model's readers) and posts back one {@link LoadWorkerReply}:
 * the entries (packed), or (a path or file it cannot read) a message, on which the caller reads the files
 * on its own thread, naming what is wrong.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { readPlainManifestsPacked } from "./load-plain.js";
import type { LoadWorkerReply } from "./load-parallel.js";

const post = (reply: LoadWorkerReply): void => parentPort?.postMessage(reply);
try {
  post({ kind: "entries", packed: readPlainManifestsPacked(workerData as string[]) });
} catch (e) {
  post({ kind: "failed", message: String(e) });
}
