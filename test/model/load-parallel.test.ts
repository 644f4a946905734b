/**
 * Reading manifests on a worker thread (src/model/load-parallel.ts) gives what the read on the
 * calling thread gives: the same objects, or an InvalidManifestError with the same issues. The
 * worker needs its compiled script next to the module, so the two modules are compiled (esbuild,
 * what vitest itself runs on) into a temp folder and imported from there; from the sources (no
 * script next to them) the read falls back to the calling thread, with the same result.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidManifestError } from "../../src/model/errors.js";
import { loadManifests } from "../../src/model/load.js";
import * as fromSources from "../../src/model/load-parallel.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(import.meta.dirname, "fixtures");

let dir: string;
let built: typeof fromSources;
/** Worker threads started since the built module was imported (the Worker class is wrapped to count them). */
let workers = 0;
const threads = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
const OriginalWorker = threads.Worker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ovn-ts-load-worker-"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  await build({
    entryPoints: { "load-parallel": join(ROOT, "src/model/load-parallel.ts"), "load-worker": join(ROOT, "src/model/load-worker.ts") },
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    logLevel: "silent",
  });
  threads.Worker = class extends OriginalWorker {
    constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
      super(...args);
      workers++;
    }
  };
  syncBuiltinESMExports();
  built = (await import(pathToFileURL(join(dir, "load-parallel.js")).href)) as typeof fromSources;
}, 120_000);

afterAll(() => {
  threads.Worker = OriginalWorker;
  syncBuiltinESMExports();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The issues `load` rejects with (any other error is rethrown). */
async function issuesOf(load: () => Promise<unknown>): Promise<unknown> {
  try {
    await load();
  } catch (e) {
    if (e instanceof Error && e.name === "InvalidManifestError") return (e as InvalidManifestError).issues;
    throw e;
  }
  throw new Error("expected an InvalidManifestError");
}

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe("loadManifestsInWorker", () => {
  it("reads a directory of manifests as loadManifests does", async () => {
    expect(built.manifestsWorthAWorker([FIXTURES], 0)).toBe(true);
    const before = workers;
    const r = await built.loadManifestsInWorker([FIXTURES]);
    expect(workers).toBe(before + 1);
    expect(r.objects.length).toBeGreaterThan(5);
    expect(r).toEqual(loadManifests([FIXTURES]));
  });

  it("rejects invalid input with the same issues (file, document, line, object and field)", async () => {
    const bad = write("bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: a }\nspec: { nodeName: n1, hostNetwork: true }\n---\napiVersion: v1\nkind: [\n");
    const want = (() => {
      try {
        loadManifests([bad]);
      } catch (e) {
        if (e instanceof InvalidManifestError) return e.issues;
      }
      throw new Error("expected an InvalidManifestError");
    })();
    expect(want.length).toBeGreaterThanOrEqual(2);
    const before = workers;
    expect(await issuesOf(() => built.loadManifestsInWorker([bad]))).toEqual(want);
    expect(workers).toBe(before + 1);
  });

  it("pods in the worker, other kinds, documents with anchors and a file with a directive here: the objects loadManifests gives", async () => {
    let pods = "";
    for (let i = 0; i < 300; i++) pods += `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: ns${i % 3}, labels: { app: a${i % 7} } }\nspec: { nodeName: node${i % 5}, containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] }\n`;
    const sub = join(dir, "mixed");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "a.yaml"), `# namespaces\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns0 }\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: &n ns1\n  labels: { copy: *n }\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns2 }\n${pods}`);
    writeFileSync(join(sub, "b.yaml"), "%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\n  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.9 }\n");
    const r = await built.loadManifestsInWorker([sub]);
    expect(r.objects).toHaveLength(304);
    expect(r).toEqual(loadManifests([sub]));
  });

  it("names an unreadable path as loadManifests does", async () => {
    const missing = join(dir, "missing.yaml");
    expect(built.manifestsWorthAWorker([missing], 0)).toBe(false);
    expect(await issuesOf(() => built.loadManifestsInWorker([missing]))).toEqual([{ source: { file: missing, document: 0, line: 0 }, problem: { kind: "unreadable", reason: "ENOENT" } }]);
  });

  it("is worth a worker only from the size given", () => {
    const small = write("small.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n");
    expect(built.manifestsWorthAWorker([small])).toBe(false);
    expect(built.manifestsWorthAWorker([small], 10)).toBe(true);
    expect(built.manifestsWorthAWorker([small, small], 100)).toBe(true);
  });

  it("from the sources (no compiled worker script): reads on the calling thread, same result", async () => {
    expect(fromSources.manifestsWorthAWorker([FIXTURES], 0)).toBe(false);
    const before = workers;
    expect(await fromSources.loadManifestsInWorker([FIXTURES])).toEqual(loadManifests([FIXTURES]));
    expect(workers).toBe(before);
  });
});
