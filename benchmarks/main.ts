/**
 * Shared by the benchmark files that can also run on their own (`npx vite-node benchmarks/X.ts`):
 * whether a module is the script being run, under node or vite-node.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The script Node was asked to run: argv[1], or under vite-node (which hides it) the file named on its command line. */
export function entryScript(): string | undefined {
  const script = process.argv[1];
  if (!script || !/vite-node(\.m?js)?$/.test(script)) return script;
  try {
    const cmd = readFileSync("/proc/self/cmdline", "utf8").split("\0");
    const at = cmd.findIndex((a) => /vite-node(\.m?js)?$/.test(a));
    return cmd.slice(at + 1).find((a) => a !== "" && !a.startsWith("-"));
  } catch {
    return undefined;
  }
}

/** True when the module whose `import.meta.url` is given is the script being run. */
export function isMain(moduleUrl: string): boolean {
  const script = entryScript();
  if (!script) return false;
  try {
    return resolve(script) === fileURLToPath(moduleUrl);
  } catch {
    return false;
  }
}
