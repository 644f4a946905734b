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
import { type PodParts, plainPod, podParts, readPlainPod } from "./load-pod.js";
import { plainYamlPieces, readPlainYamlPiece } from "./load-yaml.js";
import type { ContainerPort, PodObject } from "./types.js";

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
  const out: PlainEntry[] = [];
  eachPlainEntry(text, file, parts, (e) => out.push(e));
  return out;
}

/**
 * {@link plainEntries}, each entry handed to `emit` as soon as its document is read (so the
 * document's value is dropped before the next one is read, and dies young).
 */
export function eachPlainEntry(text: string, file: string, parts: PodParts, emit: (e: PlainEntry) => void): void {
  const pieces = plainYamlPieces(text);
  if (pieces === undefined) {
    emit({ kind: "file", text, file });
    return;
  }
  let any = false;
  for (let document = 0; document < pieces.length; document++) {
    const d = readPlainYamlPiece(text, pieces[document]!);
    if (d.kind === "other") {
      emit({ kind: "text", text: text.slice(d.start, d.end), file, document, firstLine: d.firstLine });
      any = true;
    } else if (d.value !== null) {
      emit(readPlainPod(d.value, file, document, d.line, parts) ?? { kind: "value", value: d.value, file, document, line: d.line });
      any = true;
    }
  }
  // Nothing but empty documents: the general parser says whether that is an empty stream.
  if (!any) emit({ kind: "file", text, file });
}

/** The entries of the manifests at `paths` (files or directories); throws when a path or file cannot be read. */
export function readPlainManifests(paths: readonly string[]): PlainEntry[] {
  const out: PlainEntry[] = [];
  const parts = podParts();
  for (const p of paths) for (const f of manifestFiles(p)) eachPlainEntry(readFileSync(f, "utf8"), f, parts, (e) => out.push(e));
  return out;
}

/** {@link readPlainManifests}, packed ({@link packEntries}) as they are read: no pod object outlives its packing. */
export function readPlainManifestsPacked(paths: readonly string[]): PackedEntries {
  const packer = new EntryPacker();
  const parts = podParts();
  const add = (e: PlainEntry): void => packer.add(e);
  for (const p of paths) for (const f of manifestFiles(p)) eachPlainEntry(readFileSync(f, "utf8"), f, parts, add);
  return packer.packed();
}

/**
 * {@link PlainEntry}s packed to cross to another thread cheaply: the pods as columns (each
 * repeated string, label set and port list sent once, by index; numbers in typed arrays), the
 * other entries as they are, each pod's place among them marked by a `0`. A structured clone
 * of ten thousand pod objects (every one with its own `source` and the same file name, namespace
 * and kind strings again) is several times bigger and slower to copy, on both threads.
 */
export interface PackedEntries {
  /** The entries in order, a pod's place as `0` (its fields in the columns below, in the same order). */
  readonly entries: readonly (Exclude<PlainEntry, PodObject> | 0)[];
  /** The strings the pods' columns index: names, namespaces, node names, files. */
  readonly strings: readonly string[];
  /** Each pod's name, namespace, node name (-1: none) and file, as indexes of `strings`, four per pod. */
  readonly text: Int32Array;
  /** Each pod's document index and line, two per pod. */
  readonly place: Int32Array;
  /** The label sets the pods have. */
  readonly labels: readonly Readonly<Record<string, string>>[];
  /** The container port lists the pods have. */
  readonly ports: readonly (readonly ContainerPort[])[];
  /** Each pod's label set (index of `labels`) and port list (index of `ports`, -1: none), two per pod. */
  readonly parts: Int32Array;
}

/** Packs `entries` ({@link PackedEntries}); {@link unpackEntries} gives them back, equal. */
export function packEntries(entries: readonly PlainEntry[]): PackedEntries {
  const packer = new EntryPacker();
  for (let i = 0; i < entries.length; i++) packer.add(entries[i]!);
  return packer.packed();
}

/** Packs entries one at a time, in order ({@link packEntries}). */
class EntryPacker {
  private readonly entries: (Exclude<PlainEntry, PodObject> | 0)[] = [];
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly labels: Readonly<Record<string, string>>[] = [];
  private readonly labelIndex = new Map<Readonly<Record<string, string>>, number>();
  private emptyLabels: number | undefined;
  private readonly ports: (readonly ContainerPort[])[] = [];
  private readonly portIndex = new Map<readonly ContainerPort[], number>();
  // (plain arrays of small integers while packing; typed arrays, which copy as one block, at the end)
  private readonly text: number[] = [];
  private readonly place: number[] = [];
  private readonly parts: number[] = [];

  private str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.stringIndex.set(s, i);
    }
    return i;
  }

  add(e: PlainEntry): void {
    if (e.kind !== "Pod") {
      this.entries.push(e);
      return;
    }
    this.entries.push(0);
    // (a name is unique: not worth a lookup)
    this.text.push(this.strings.push(e.name) - 1, this.str(e.namespace), e.nodeName === undefined ? -1 : this.str(e.nodeName), this.str(e.source.file));
    this.place.push(e.source.document, e.source.line);
    // (pods without labels have an empty object each: one is sent for them all)
    let l = this.labelIndex.get(e.labels) ?? (noKeys(e.labels) ? this.emptyLabels : undefined);
    if (l === undefined) {
      l = this.labels.push(e.labels) - 1;
      this.labelIndex.set(e.labels, l);
      if (this.emptyLabels === undefined && noKeys(e.labels)) this.emptyLabels = l;
    }
    let p = -1;
    if (e.containerPorts !== undefined) {
      p = this.portIndex.get(e.containerPorts) ?? -1;
      if (p < 0) {
        p = this.ports.push(e.containerPorts) - 1;
        this.portIndex.set(e.containerPorts, p);
      }
    }
    this.parts.push(l, p);
  }

  packed(): PackedEntries {
    return { entries: this.entries, strings: this.strings, text: Int32Array.from(this.text), place: Int32Array.from(this.place), labels: this.labels, ports: this.ports, parts: Int32Array.from(this.parts) };
  }
}

/** The entries {@link packEntries} packed, in order (pods with the same label sets and port lists share them, as packed). */
export function unpackEntries(packed: PackedEntries): PlainEntry[] {
  const { entries, strings, text, place, labels, ports, parts } = packed;
  const out: PlainEntry[] = new Array<PlainEntry>(entries.length);
  let k = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e !== 0) {
      out[i] = e;
      continue;
    }
    const node = text[4 * k + 2]!;
    const p = parts[2 * k + 1]!;
    out[i] = plainPod(strings[text[4 * k]!]!, strings[text[4 * k + 1]!]!, labels[parts[2 * k]!]!, node < 0 ? undefined : strings[node], p < 0 ? undefined : ports[p], strings[text[4 * k + 3]!]!, place[2 * k]!, place[2 * k + 1]!);
    k++;
  }
  return out;
}

function noKeys(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
