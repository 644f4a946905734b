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
const GUIDES = ["ovn", "server", "raft", "testing"];

describe("docs samples compile", () => {
  it(`the ts samples of ${GUIDES.map((g) => `docs/${g}.md`).join(", ")} typecheck`, async () => {
    const dir = `${ROOT}test/docs/.samples`;
    mkdirSync(dir, { recursive: true });
    for (const g of GUIDES) {
      const md = readFileSync(`${ROOT}docs/${g}.md`, "utf8");
      const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length, g).toBeGreaterThan(0);
      const lines = blocks.join("\n").split("\n");
      const imports = lines.filter((l) => l.startsWith("import "));
      const body = lines.filter((l) => !l.startsWith("import "));
      writeFileSync(`${dir}/${g}.ts`, `// generated from docs/${g}.md by test/docs/samples.test.ts\n${imports.join("\n")}\nexport {};\n${body.join("\n")}\n`);
    }
    const r = await promisify(execFile)("npx", ["tsc", "-p", `${dir}/tsconfig.json`], { cwd: ROOT, maxBuffer: 1 << 24 }).then(
      () => "",
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
    );
    expect(r).toBe("");
  }, 180_000);
});
