/**
 * The worker thread of {@link loadManifestsInWorker}: reads the manifests named by its
 * `workerData` (a list of paths) with {@link loadManifests} and posts back one
 * {@link LoadWorkerReply}: the objects, the issues of an {@link InvalidManifestError}, or (any
 * other failure) a message, on which the caller reads the files again on its own thread.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { InvalidManifestError } from "./errors.js";
import { loadManifests } from "./load.js";
import type { LoadWorkerReply } from "./load-parallel.js";

const post = (reply: LoadWorkerReply): void => parentPort?.postMessage(reply);
try {
  post({ kind: "objects", objects: loadManifests(workerData as string[]).objects });
} catch (e) {
  post(e instanceof InvalidManifestError ? { kind: "issues", issues: e.issues } : { kind: "failed", message: String(e) });
}
