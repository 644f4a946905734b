/**
 * The fast YAML read (js-yaml) and the read with positions (yaml) give the same objects, sources
 * included, on every valid manifest; on anything with an issue the fast read steps aside.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFast, parseManifestText, parseWithPositions } from "../../src/model/load.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

const VALID: Record<string, string> = {
  "leading comments and blank lines": "\n\n# a comment\napiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n",
  "explicit start, end markers and a trailing empty document":
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n...\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\n",
  "indented root, flow and block styles, quoted scalars":
    "  apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: 'c'\n    labels: {\"app\": \"web\", tier: \"1\"}\n",
  "a block scalar before a document marker":
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: n\n  annotations:\n    note: |\n      two\n      lines\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: n }\n",
  "a directive": "%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: d }\n",
  "JSON": '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j", "labels": {"a": "b"}}}\n',
};

const INVALID: Record<string, string> = {
  "a duplicate key": "apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata: { name: a }\n",
  "a syntax error": "apiVersion: v1\nkind: [Namespace\nmetadata: { name: a }\n",
  "a list at the root": "- a\n- b\n",
  "an unknown field": "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\nspec: {}\n",
  "a timestamp-looking name (a string in the core schema, then not a DNS name)": "apiVersion: v1\nkind: Namespace\nmetadata: { name: 2020-01-01T00:00:00Z }\n",
  "an empty stream": "",
};

describe("manifest YAML: the fast read equals the read with positions", () => {
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith(".yaml"))) {
    it(`fixture ${f}`, () => {
      const text = readFileSync(join(FIXTURES, f), "utf8");
      const fast = parseFast(text, f);
      expect(fast).toBeDefined();
      expect(fast).toEqual(parseWithPositions(text, f));
    });
  }
  for (const [name, text] of Object.entries(VALID)) {
    it(name, () => {
      const fast = parseFast(text, "m.yaml");
      expect(fast).toBeDefined();
      expect(fast!.objects.length).toBeGreaterThan(0);
      expect(fast).toEqual(parseWithPositions(text, "m.yaml"));
    });
  }
  it("a 2,000-document manifest", () => {
    let text = "";
    for (let i = 0; i < 1000; i++) text += `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns${i} }\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: ns${i}\n  labels: { app: a${i % 7} }\nspec: { nodeName: node${i % 20} }\n`;
    const fast = parseFast(text, "big.yaml");
    expect(fast?.objects).toHaveLength(2000);
    expect(fast).toEqual(parseWithPositions(text, "big.yaml"));
  });
  for (const [name, text] of Object.entries(INVALID)) {
    it(`steps aside on ${name}, and the issues come from the read with positions`, () => {
      expect(parseFast(text, "m.yaml")).toBeUndefined();
      const r = parseManifestText(text, "m.yaml");
      expect(r).toEqual(parseWithPositions(text, "m.yaml"));
      if (text !== "") expect(r.issues.length).toBeGreaterThan(0);
    });
  }
});
