/**
 * Builds the sources of a git revision the way `npm run build` builds `dist/` (tsc with
 * `tsconfig.build.json`'s options), for the paired before/after benchmarks: they compare compiled
 * JavaScript under plain `node`, the way users run the package, never TypeScript under vite-node.
 * Only the files reachable from `entries` are compiled; the output is kept in the system's temp
 * folder, one per commit, and reused.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The working tree's build (`npm run build`), which `npm run bench` makes first; throws when it is missing. */
export function currentDist(): string {
  const dist = join(ROOT, "dist");
  if (!existsSync(join(dist, "index.js"))) throw new Error(`${dist} is missing: run \`npm run build\` first (npm run bench does)`);
  return dist;
}

/**
 * Compiles `src/` at `rev` (only what `entries`, paths under `src/`, import) into a temp folder and
 * returns its `dist/`, laid out as the package's `dist/`.
 */
export function buildRevision(rev: string, entries: readonly string[]): string {
  const hash = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: ROOT, encoding: "utf8" }).trim();
  const dir = join(tmpdir(), `ovn-ts-bench-build-${hash.slice(0, 12)}`);
  const dist = join(dir, "dist");
  const done = join(dir, `built-${entries.join(",").replace(/[^a-z0-9,.-]/gi, "_")}`);
  if (existsSync(done)) return dist;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync("git", ["archive", "--format=tar", hash, "src"], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  // ES modules, as the package's own package.json says (tsc picks the output format from it).
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { rootDir: "src", outDir: "dist", noEmit: false, noEmitOnError: false, declaration: false, sourceMap: false, noUnusedLocals: false },
      files: entries,
      include: [],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    // type errors of an old tree against today's dependencies do not stop the emit; a missing output does
    const missing = entries.map((f) => join(dist, f.replace(/^src\//, "").replace(/\.ts$/, ".js"))).filter((f) => !existsSync(f));
    if (missing.length > 0) throw new Error(`building ${rev} failed: ${String((e as { stdout?: Buffer }).stdout ?? e).slice(0, 2000)}`);
  }
  writeFileSync(done, `${hash}\n`);
  return dist;
}
