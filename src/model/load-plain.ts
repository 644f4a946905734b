/**
 * The part of reading manifests that needs none of the kinds' readers: the files cut into
 * documents, the plain ones read (src/model/load-yaml.ts) and the common pods turned into objects
 * (src/model/load-pod.ts). What is left (the other kinds' values, the documents and files only a
 * general parser reads) is handed on as {@link PlainEntry}s, which `objectsOfPlainEntries`
 * (src/model/load.ts) finishes. The worker thread of src/model/load-parallel.ts runs this part
 * alone, so it loads three small modules instead of the model.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { manifestFiles } from "./files.js";
import type { JsonValue } from "./kinds/fields.js";
import { type PodParts, podParts, readPlainPod } from "./load-pod.js";
import { readPlainYaml } from "./load-yaml.js";
import type { PodObject } from "./types.js";

/**
 * One document (or file) of a manifest, as far as `plainEntries` read it: a pod, ready; a
 * plain document's value, to be read by its kind's reader; a document's text or a whole file's
 * text, for the general parser. `document` is the 0-based index in `file`, `line` the root's line.
 */
export type PlainEntry =
  | PodObject
  | { readonly kind: "value"; readonly value: JsonValue; readonly file: string; readonly document: number; readonly line: number }
  | { readonly kind: "text"; readonly text: string; readonly file: string; readonly document: number; readonly firstLine: number }
  | { readonly kind: "file"; readonly text: string; readonly file: string };

/** The entries of one file's text (in document order); pods share the labels and ports of `parts`. */
export function plainEntries(text: string, file: string, parts: PodParts = podParts()): PlainEntry[] {
  const docs = readPlainYaml(text);
  if (docs === undefined) return [{ kind: "file", text, file }];
  const out: PlainEntry[] = [];
  for (let document = 0; document < docs.length; document++) {
    const d = docs[document]!;
    if (d.kind === "other") out.push({ kind: "text", text: text.slice(d.start, d.end), file, document, firstLine: d.firstLine });
    else if (d.value !== null) out.push(readPlainPod(d.value, file, document, d.line, parts) ?? { kind: "value", value: d.value, file, document, line: d.line });
  }
  // Nothing but empty documents: the general parser says whether that is an empty stream.
  return out.length ? out : [{ kind: "file", text, file }];
}

/** The entries of the manifests at `paths` (files or directories); throws when a path or file cannot be read. */
export function readPlainManifests(paths: readonly string[]): PlainEntry[] {
  const out: PlainEntry[] = [];
  const parts = podParts();
  for (const p of paths) for (const f of manifestFiles(p)) for (const e of plainEntries(readFileSync(f, "utf8"), f, parts)) out.push(e);
  return out;
}
