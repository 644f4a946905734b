/**
 * Every TypeScript sample in the guides that do not have their own sample tests is compiled: the
 * ```ts blocks of a guide, in order, form one module (imports hoisted), typechecked against the
 * package's public entry points (`ovn-ts/...` mapped to src/).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const GUIDES = ["docs/ovn.md", "docs/server.md", "docs/raft.md", "docs/testing.md", "docs/monitoring.md", "docs/net.md", "README.md"];

/** Merges `import { a } from "m"` lines per module (samples of one guide may import the same name twice). */
function mergeImports(lines: string[]): string[] {
  const byModule = new Map<string, Set<string>>();
  const other: string[] = [];
  for (const l of lines) {
    const m = /^import \{([^}]*)\} from "([^"]+)";\s*$/.exec(l);
    if (!m) {
      if (!other.includes(l)) other.push(l);
      continue;
    }
    let names = byModule.get(m[2]!);
    if (!names) byModule.set(m[2]!, (names = new Set()));
    for (const n of m[1]!.split(",").map((x) => x.trim()).filter((x) => x !== "")) names.add(n);
  }
  const merged = [...byModule].map(([mod, names]) => {
    // A name imported both as a type and as a value needs only the value import.
    const values = new Set([...names].filter((n) => !n.startsWith("type ")));
    const kept = [...names].filter((n) => !(n.startsWith("type ") && values.has(n.slice(5))));
    return `import { ${kept.join(", ")} } from "${mod}";`;
  });
  return [...merged, ...other];
}

describe("docs samples compile", () => {
  it(`the ts samples of ${GUIDES.join(", ")} typecheck`, async () => {
    const dir = `${ROOT}test/docs/.samples`;
    mkdirSync(dir, { recursive: true });
    for (const g of GUIDES) {
      const md = readFileSync(`${ROOT}${g}`, "utf8");
      const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length, g).toBeGreaterThan(0);
      const lines = blocks.join("\n").split("\n");
      const imports = mergeImports(lines.filter((l) => l.startsWith("import ")));
      const body = lines.filter((l) => !l.startsWith("import "));
      writeFileSync(`${dir}/${g.replace(/^docs\//, "").replace(/\.md$/, "")}.ts`, `// generated from ${g} by test/docs/samples.test.ts\n${imports.join("\n")}\nexport {};\n${body.join("\n")}\n`);
    }
    const r = await promisify(execFile)("npx", ["tsc", "-p", `${dir}/tsconfig.json`], { cwd: ROOT, maxBuffer: 1 << 24 }).then(
      () => "",
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
    );
    expect(r).toBe("");
  }, 180_000);
});
