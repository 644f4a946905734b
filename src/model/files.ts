/**
 * The files a manifest path names (a file, or a directory's manifests), apart from the YAML
 * reading so that src/model/load-parallel.ts can size them without loading the readers.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The files `-f PATH` names: the file, or a directory's `.yaml`/`.yml`/`.json` files, sorted. */
export function manifestFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join(path, f));
}
