import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");

describe("README.md", () => {
  it("keeps the two commands", () => {
    const readme = read("README.md");
    expect(readme).toContain("```sh\nnpm ci && npm start\n```");
    expect(readme).toContain("```sh\nnpm test\n```");
    expect(read(".ci/run")).toMatch(/\nnpm test -- /);
  });

  it("shows the testing snippets exactly as docs/testing.md (which the package test runs)", () => {
    const readme = read("README.md");
    const guide = read("docs/testing.md");
    const blocks = [...guide.matchAll(/<!-- snippet: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual(expect.arrayContaining(["vitest", "node-test"]));
    for (const [, name, code] of blocks) {
      if (name === "vitest" || name === "node-test") expect(readme, name).toContain(code!.trimEnd());
    }
  });

  it("links every guide in docs/", () => {
    const readme = read("README.md");
    for (const g of ["ovsdb", "models", "server", "ovn", "openflow", "geneve", "testing", "raft", "dependencies"]) expect(readme).toContain(`docs/${g}.md`);
  });
});
