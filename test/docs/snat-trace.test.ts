/**
 * docs/ovn.md's SNAT/EIP tracing recipe (`<!-- run: snat-trace ... -->`) runs as written against
 * the real ovn-northd and ovn-trace: its `ovn-ts/...` imports mapped to the sources (the pack test
 * runs it against the installed package).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The code block after `<!-- run: NAME ... -->` in `guide`. */
function guideSnippet(guide: string, name: string): string {
  const m = new RegExp(`<!-- run: ${name} [^>]*-->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(readFileSync(join(ROOT, guide), "utf8"));
  if (!m) throw new Error(`${guide} has no snippet ${name}`);
  return m[1]!;
}

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn))("docs/ovn.md: tracing SNAT and EIPs", () => {
  it("the recipe runs: unresolved before learnMacBinding, ct_snat to the SNAT address and to the EIP after", async () => {
    const code = guideSnippet("docs/ovn.md", "snat-trace").replace(/from "ovn-ts(\/(\w+))?"/g, (_m, _s, area: string | undefined) => `from "${join(ROOT, "src", area ?? "", "index.ts")}"`);
    expect(code).toContain("learnMacBinding");
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-recipe-"));
    try {
      const file = join(dir, "snat-trace.ts");
      writeFileSync(file, `${code}\nexport {};\n`);
      await import(/* @vite-ignore */ file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
