/** The run markers of the docs: grouping, merged imports, and the errors a misspelt marker gives. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { namedSnippets, snippetPrograms, unaccountedBlocks } from "./doc-snippets.js";

const dir = mkdtempSync(join(tmpdir(), "ovn-ts-snippets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The programs of a markdown text written to a file of `dir`. */
function programs(md: string) {
  writeFileSync(join(dir, "guide.md"), md);
  return snippetPrograms(dir, ["guide.md"]);
}

const fence = "```";

describe("snippetPrograms", () => {
  it("joins the blocks of a group in order, imports merged first; unmarked blocks and other groups apart", () => {
    const ps = programs(
      [
        "<!-- run: a needs=embedded -->",
        `${fence}ts\nimport { A } from "m";\nconst x = 1;\n${fence}`,
        `${fence}ts\nconst unmarked = 0;\n${fence}`,
        "<!-- run: b -->",
        "<!-- snippet: other -->",
        `${fence}js\nconsole.log(2);\n${fence}`,
        "text",
        "<!-- run: a needs=embedded dir=net:test/model/fixtures -->",
        `${fence}ts\nimport { B, type C } from "m";\nimport { type A } from "m";\nconsole.log(x);\n${fence}`,
      ].join("\n"),
    );
    expect(ps.map((p) => [p.group, p.need, p.lang, p.lines])).toEqual([
      ["a", "embedded", "ts", [2, 16]],
      ["b", "none", "js", [11]],
    ]);
    expect(ps[0]!.dirs).toEqual([["net", "test/model/fixtures"]]);
    expect(ps[0]!.code).toBe('// guide.md, run group a (lines 2, 16)\nimport { A, B, type C } from "m";\nconst x = 1;\n\nconsole.log(x);\n\nexport {};\n');
  });

  it("a misspelt marker, one not right before a block, or an unknown need is an error naming the line", () => {
    expect(() => programs(`<!--run:a -->\n${fence}ts\nx;\n${fence}`)).toThrow(/guide.md: 1 run markers \(lines 1\) but 0 well-formed/);
    expect(() => programs(`<!-- run: a -->\ntext\n${fence}ts\nx;\n${fence}`)).toThrow(/lines 1\) but 0/);
    expect(() => programs(`<!-- run: a needs=cloud -->\n${fence}ts\nx;\n${fence}`)).toThrow(/guide.md:2: needs=cloud is not one of none, embedded/);
    expect(() => programs(`<!-- run: a -->\n${fence}yaml\nx: 1\n${fence}`)).toThrow(/guide.md:2: a run marker on a ```yaml block/);
    // a sh block is a script, taken as written (no import hoisting, no `export {}`)
    expect(programs(`<!-- run: s needs=vswitchd -->\n${fence}sh\nimport x\n${fence}`).map((p) => [p.lang, p.need, p.code])).toEqual([["sh", "vswitchd", "# guide.md, run group s (lines 2)\nimport x\n"]]);
    expect(() => programs(`<!-- run: a -->\n${fence}ts\nx;\n${fence}\n<!-- run: a needs=ovn -->\n${fence}ts\ny;\n${fence}`)).toThrow(/group a mixes needs/);
  });
});

describe("unaccountedBlocks", () => {
  function unaccounted(md: string) {
    writeFileSync(join(dir, "guide.md"), md);
    return unaccountedBlocks(dir, ["guide.md"]);
  }

  it("a code block must be run, a snippet the pack test runs, or a fragment with a reason; data blocks need nothing", () => {
    expect(
      unaccounted(
        [
          `<!-- run: a -->\n${fence}ts\nx;\n${fence}`,
          `<!-- fragment: a synopsis -->\n${fence}\novn-ts x [--y]\n${fence}`,
          `<!-- snippet: vitest -->\n${fence}ts\ntest();\n${fence}`,
          `${fence}json\n{}\n${fence}`,
          `${fence}text\nout\n${fence}`,
        ].join("\n"),
      ),
    ).toEqual([]);
    expect(unaccounted(`text\n\n${fence}sh\nls\n${fence}`)).toEqual(["guide.md:3: a ```sh block neither run (<!-- run: GROUP needs=... -->) nor marked <!-- fragment: REASON -->"]);
    expect(unaccounted(`${fence}\nls\n${fence}`)).toHaveLength(1);
    expect(unaccounted(`<!-- snippet: mine -->\n${fence}ts\nx;\n${fence}`)[0]).toMatch(/guide.md:2: .*snippet mine is not one the pack test runs/);
  });

  it("a fragment marker without a reason, or not right before a block, is reported", () => {
    expect(unaccounted(`<!-- fragment: -->\n${fence}ts\nx;\n${fence}`)).toEqual([
      "guide.md:2: a ```ts block neither run (<!-- run: GROUP needs=... -->) nor marked <!-- fragment: REASON -->",
      "guide.md:1: a fragment marker that is misspelt, has no reason or is not right before a block",
    ]);
    expect(unaccounted(`<!-- fragment: why -->\ntext\n${fence}json\n{}\n${fence}`)).toEqual(["guide.md:1: a fragment marker that is misspelt, has no reason or is not right before a block"]);
  });

  it("every code block of the README and the guides is run or says why it is a fragment; copies of a snippet agree", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const guides = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    expect(unaccountedBlocks(root, guides)).toEqual([]);
    for (const [name, copies] of namedSnippets(root, guides)) expect(new Set(copies).size, name).toBe(1);
    expect(snippetPrograms(root, guides).length).toBeGreaterThan(0);
  });
});
