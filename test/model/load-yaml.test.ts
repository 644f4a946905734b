/**
 * The plain YAML reader (src/model/load-yaml.ts) against the `yaml` package: on every document it
 * reads, the value and the root's line are the ones `yaml` gives (YAML 1.2 core schema, unique
 * keys), and its documents are `yaml`'s documents, one for one. Checked on hand-written cases, on
 * thousands of random manifests in every style the reader knows and many it does not, and on
 * those manifests with random characters inserted, deleted or replaced (mostly invalid YAML, which
 * the reader must leave to the parser, never read differently).
 */
import { LineCounter, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { type PlainYamlDocument, readPlainYaml } from "../../src/model/load-yaml.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFast, parseManifestText, parseWithPositions } from "../../src/model/load.js";
import { modelBenchManifest, proofManifest } from "../../benchmarks/model.js";
import { BASE, POLICY, SERVICE } from "./kinds/manifests.js";
import { DNAT, FIP, NAT_BASE, SNAT } from "./nat-manifest.js";
import { BFD_ROUTES, CENTRAL, DUAL_BFD_VPC, EXTERNAL_BASE, PEERED } from "./vpc-features-manifests.js";

/** What `yaml` reads in `text`: each document's value, errors and root line; undefined for an empty stream. */
function reference(text: string): { value: unknown; errors: number; line: number }[] | undefined {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, logLevel: "error" });
  if (!Array.isArray(docs)) return undefined;
  return docs.map((d) => {
    let value: unknown;
    let errors = d.errors.length;
    try {
      value = errors ? undefined : d.toJS();
    } catch {
      errors++; // an alias without its anchor
    }
    return { value, errors, line: d.contents?.range ? lc.linePos(d.contents.range[0]).line : 0 };
  });
}

/** Checks the reader against `yaml` on `text`; returns how many documents the reader read. */
function check(text: string): number {
  const plain = readPlainYaml(text);
  if (plain === undefined) return 0;
  const ref = reference(text);
  const read = plain.filter((d): d is Extract<PlainYamlDocument, { kind: "read" }> => d.kind === "read" && d.value !== null);
  if (read.length === 0) return 0;
  const ctx = JSON.stringify(text);
  expect(ref, ctx).toBeDefined();
  if (ref!.some((r) => r.errors > 0)) {
    // Invalid YAML: some document is left to the parser, which refuses the file.
    expect(plain.some((d) => d.kind === "other"), ctx).toBe(true);
    return 0;
  }
  expect(plain.length, ctx).toBe(ref!.length);
  plain.forEach((d, i) => {
    if (d.kind !== "read") return;
    const r = ref![i]!;
    if (d.value === null) {
      expect(r.value ?? null, ctx).toBeNull();
      return;
    }
    expect(r.errors, `${ctx} document ${i}`).toBe(0);
    expect(d.value, `${ctx} document ${i}`).toStrictEqual(r.value);
    expect(d.line, `${ctx} document ${i}`).toBe(r.line);
  });
  return read.length;
}

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scalars as they may be written: plain ones of every core-schema type and many strings that look like something else. */
const SCALARS = [
  "v1", "Pod", "p0", "ns-1", "node.example.com", "10.16.0.0/16", "192.168.0.1", "00:00:00:aa:bb:01", "a#b", "a b c", "x-y_z", "http",
  "true", "True", "TRUE", "false", "FALSE", "tRue", "yes", "no", "on", "null", "Null", "NULL", "~", "nil", "0", "7", "8080", "65535",
  "1.2.3", "2020-01-01T00:00:00Z", "'single'", "'it''s'", "''", '"double"', '""', '"a: b"', "'a # b'", "{}", "[]", "[a, b]", "{ a: b }", "constructor",
];
/** Scalars (and bits of syntax) the reader mostly leaves to the parser. */
const TRICKY = [
  "fd00::1", "nginx:1.19", "0123", "-1", "+1", "1.5", "1.", ".5", "1e3", "1E-3", "0x1F", "0o17", "0b11", "1_000", ".inf", "-.Inf", ".nan", "123456789012345678",
  "2020-01-01", "12abc", "-a", "-", "--", "a:", "a: b", "a:b", ":a", "?a", "? a", "a #c", "a  ", "@x", "`x", "%x", "!x", "&x", "*x", "|", ">",
  '"with \\" escape"', '"x"y', "[a,b,]", "{a: b,}", "[a: b]", "{a}", "{ a: }", "__proto__", "k:", "é", "a\tb",
];
const KEYS = ["apiVersion", "kind", "metadata", "name", "spec", "labels", "app", "ovn.kubernetes.io/ip_address", "a-b", "x_y", "k8s", "on", "yes", "'quoted key'", '"dq key"', "a b", "a[0]", "dup", "k#"];
const TRICKY_KEYS = ["true", "null", "1", "0x1", "__proto__", "-k", "? k", "k :", "&a k", "[k]", "{k: v}"];

/** A random manifest document (text) in random styles. */
function randomDocument(r: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => {
    const from = (xs as readonly unknown[]) === SCALARS && r() < 0.03 ? TRICKY : (xs as readonly unknown[]) === KEYS && r() < 0.03 ? TRICKY_KEYS : xs;
    return from[Math.floor(r() * from.length)] as T;
  };
  const indentStep = 1 + Math.floor(r() * 4);
  const comment = (): string => (r() < 0.1 ? " # note" : "");
  const flow = (depth: number): string => {
    const x = r();
    if (depth > 1 || x < 0.6) return pick(SCALARS);
    if (x < 0.75) return `{ ${Array.from({ length: Math.floor(r() * 4) }, () => `${pick(KEYS)}: ${flow(depth + 1)}`).join(", ")} }`;
    return `[${Array.from({ length: Math.floor(r() * 4) }, () => flow(depth + 1)).join(", ")}]`;
  };
  const lines: string[] = [];
  /** A block node at indentation `ind`: a sequence (always with `seq`), or a mapping of distinct keys. */
  const block = (ind: number, depth: number, seq = false, first?: string): void => {
    const pad = " ".repeat(ind);
    const n = 1 + Math.floor(r() * 3);
    if (seq || (depth > 0 && r() < 0.3)) {
      for (let i = 0; i < n; i++) {
        const x = r();
        if (x < 0.4 || depth >= 3) lines.push(`${pad}- ${flow(depth)}${comment()}`);
        else if (x < 0.8) {
          // a compact node in an entry
          const at = lines.length;
          block(ind + 2, depth + 1);
          lines[at] = `${pad}- ${lines[at]!.slice(ind + 2)}`;
        } else {
          lines.push(`${pad}-`);
          block(ind + indentStep, depth + 1);
        }
      }
      return;
    }
    const keys = new Set<string>();
    for (let i = 0; i < n; i++) {
      const key = i === 0 && first ? first : pick(KEYS);
      if (keys.has(key) && r() < 0.95) continue;
      keys.add(key);
      const x = r();
      if (x < 0.5 || depth >= 3) lines.push(`${pad}${key}: ${flow(depth)}${comment()}`);
      else if (x < 0.6) lines.push(`${pad}${key}:${comment()}`);
      else {
        lines.push(`${pad}${key}:${comment()}`);
        if (r() < 0.1) lines.push(r() < 0.5 ? "" : `${pad}  # a comment`);
        // a nested node, or a sequence at the key's indentation
        if (r() < 0.2) block(ind, depth + 1, true);
        else block(ind + indentStep, depth + 1);
      }
    }
  };
  block(r() < 0.05 ? 2 : 0, 0, false, "apiVersion");
  return lines.join("\n");
}

/** A random stream of documents, with markers, comments and blank lines. */
function randomStream(r: () => number): string {
  const n = 1 + Math.floor(r() * 4);
  let text = r() < 0.2 ? "# header\n" : "";
  for (let i = 0; i < n; i++) {
    if (i > 0 || r() < 0.5) text += r() < 0.05 ? "---   \n" : "---\n";
    if (r() < 0.1) text += "\n# a comment\n";
    text += randomDocument(r);
    text += r() < 0.1 ? "\n\n" : "\n";
  }
  return r() < 0.05 ? `${text}---\n` : text;
}

/** `text` with a few characters inserted, deleted or replaced. */
function mutate(r: () => number, text: string): string {
  const chars = [" ", " ", ":", "-", "#", "{", "}", "[", "]", ",", "\n", '"', "'", "\t", "a", "1", "\\", "|", "&", "*"];
  let t = text;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    const c = chars[Math.floor(r() * chars.length)]!;
    const x = r();
    t = x < 0.4 ? t.slice(0, at) + c + t.slice(at) : x < 0.7 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + c + t.slice(at + 1);
  }
  return t;
}

describe("plain YAML reader: the same documents and values as the yaml package", () => {
  const CASES: Record<string, string> = {
    "block mappings and sequences": "a: 1\nb:\n  c: x\n  d:\n  - 1\n  - two\ne:\n  - f: 1\n    g: [a, {b: c}]\n  - - nested\n    - seq\n  -\n    h: i\n",
    "flow styles on one line": "metadata: { name: p0, namespace: ns0, labels: { app: a0 } }\nspec: { nodeName: node0, containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] }\n",
    "quoted scalars and keys": "\"a b\": 'it''s'\nc: \"x # y\"\nd: 'e: f'\n\"true\": x\n",
    "comments everywhere": "# head\na: 1 # one\n  # indented comment\nb: # nothing here\n\n# between\nc: [x, y] # flow\n",
    "core schema scalars": "a: true\nb: False\nc: ~\nd: null\ne: 0\nf: 10.0.0.1\ng: 1.5\nh: 0x1F\ni: 012\nj: -3\nk: yes\nl: 2020-01-01\n",
    "markers, empty documents, a leading comment": "# c\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n---\n",
    "an indented root": "  a: 1\n  b:\n    c: 2\n---\n  d: 1\n",
    "a value continued on the next line": "a: one\n  two\nb: 1\n",
    "a block scalar": "a: |\n  x\n  y\nb: 1\n",
    "anchors and aliases": "a: &x 1\nb: *x\n",
    "a tab": "a:\tb\n",
    "non-ASCII": "a: é\n",
    "a duplicate key": "a: 1\na: 2\n",
    "a duplicate flow key": "a: {b: 1, b: 2}\n",
    "an unclosed flow": "a: [1, 2\nb: 3\n",
    "a directive": "%YAML 1.2\n---\na: 1\n",
    "an end marker": "a: 1\n...\n---\nb: 2\n",
    "carriage returns": "a: 1\r\nb: 2\r\n",
  };
  for (const [name, text] of Object.entries(CASES)) it(name, () => check(text));

  it("the project's manifests (fixtures, examples, the tests' and the benchmark's): the same values, and the same objects as the read with positions", () => {
    const root = join(import.meta.dirname, "..", "..");
    const corpus: Record<string, string> = {
      base: readFileSync(join(root, "test/model/fixtures/base.yaml"), "utf8"),
      pods: readFileSync(join(root, "test/model/fixtures/pods.yaml"), "utf8"),
      example: readFileSync(join(root, "examples/kube-ovn/network.yaml"), "utf8"),
      kinds: `${BASE}---\n${POLICY}---\n${SERVICE}`,
      nat: `${NAT_BASE}${FIP}${SNAT}${DNAT}`,
      peered: PEERED(),
      external: EXTERNAL_BASE,
      bfd: BFD_ROUTES(),
      dualBfd: DUAL_BFD_VPC(", enableBfd: true"),
      central: CENTRAL({ ready: ["true", "true"], ecmp: true, selectors: true }),
      proof: proofManifest(300),
      bench: modelBenchManifest(300),
    };
    let read = 0;
    for (const [name, text] of Object.entries(corpus)) {
      read += check(text);
      const slow = parseWithPositions(text, `${name}.yaml`);
      if (slow.issues.length === 0) expect(parseFast(text, `${name}.yaml`), name).toEqual(slow);
      expect(parseManifestText(text, `${name}.yaml`), name).toEqual(slow);
    }
    expect(read).toBeGreaterThan(700);
  });

  it("random manifests, and random manifests with random edits", () => {
    const r = rng(15);
    let read = 0;
    let edited = 0;
    for (let i = 0; i < 1500; i++) {
      const text = randomStream(r);
      read += check(text);
      for (let k = 0; k < 3; k++) edited += check(mutate(r, text));
    }
    // The generator mostly writes what the reader reads, and an edit leaves much of it plain.
    expect(read).toBeGreaterThan(1500);
    expect(edited).toBeGreaterThan(1500);
  });

  it("a manifest's objects and their sources are the ones the read with positions gives", () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      let text = "";
      for (let k = 0; k < 5; k++) {
        const labels = r() < 0.5 ? `, labels: { app: a${k}, tier: "${k}" }` : "";
        const ports = r() < 0.5 ? `, containers: [{ name: c, ports: [{ name: http, containerPort: ${1 + Math.floor(r() * 65535)}${r() < 0.3 ? ", protocol: UDP" : ""} }] }]` : "";
        text += r() < 0.5
          ? `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${k}, namespace: ns${k}${labels} }\nspec: { nodeName: node${k}${ports} }\n`
          : `---\n# pod ${k}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${k}\n${r() < 0.5 ? `  namespace: ns${k}\n` : ""}spec:\n  nodeName: node${k}\n  containers:\n  - name: c\n    ports:\n    - containerPort: ${1 + Math.floor(r() * 65535)}\n`;
      }
      const fast = parseFast(text, "m.yaml");
      expect(fast, text).toBeDefined();
      expect(fast).toEqual(parseWithPositions(text, "m.yaml"));
    }
  });

  it("pods of every shape, good and bad: the fast read gives the objects of the read with positions, or steps aside", () => {
    const r = rng(3);
    // Each field: good values, then (picked one time in 25) values the model refuses or the fast read leaves alone.
    const field = (good: readonly string[], bad: readonly string[]): string => {
      const xs = r() < 0.04 ? bad : good;
      return xs[Math.floor(r() * xs.length)]!;
    };
    const pick = (xs: readonly string[]): string => xs[Math.floor(r() * xs.length)]!;
    const PORTS = ["{ containerPort: 80 }", "{ name: http, containerPort: 8080 }", "{ containerPort: 80, protocol: UDP }", "{ name: dns, containerPort: 53, protocol: SCTP }", "{ containerPort: 80, protocol: '' }"];
    const BAD_PORTS = ["{ name: HTTP, containerPort: 1 }", "{ name: '80', containerPort: 80 }", "{ name: abcdefghijklmnop, containerPort: 80 }", "{ containerPort: 0 }", "{ containerPort: 65536 }", "{ containerPort: '80' }", "{ containerPort: 80, protocol: udp }", "{ containerPort: 80, hostPort: 1 }", "{ name: http }", "x"];
    let fastRead = 0;
    for (let i = 0; i < 400; i++) {
      let text = "";
      for (let k = 0; k < 3; k++) {
        const md = [
          `name: ${field(["p0", "web-1", "a.b", "x".repeat(63)], ["P0", "-x", "''", "1.5", "[a]"])}`,
          field(["", "namespace: ns1", "namespace: ''", "namespace: null"], ["namespace: 7", "namespace: [a]"]),
          field(["", "labels: {}", "labels: { app: web }", "labels: null", "labels: { a: b, c: 'd' }"], ["labels: { app: 1 }", "labels: [a]", "labels: x"]),
          field(["", "", "", "annotations: {}", "annotations: { a: b }", "annotations: { ovn.kubernetes.io/ip_address: 10.16.0.9 }", "annotations: { ovn.kubernetes.io/ingress_rate: '10' }"], ["annotations: { ovn.kubernetes.io/bogus: x }", "annotations: { ovn.kubernetes.io/egress_rate: x }", "annotations: [a]"]),
          field([""], ["uid: x"]),
        ].filter((x) => x !== "");
        const ports = Array.from({ length: Math.floor(r() * 3) }, () => field(PORTS, BAD_PORTS));
        const spec = [
          field(["", "nodeName: n1", "nodeName: ''", "containers: []", "containers: [{ name: c }]", "containers: null"], ["nodeName: 3", "containers: x", "containers: [x]", "hostNetwork: true"]),
          ...(ports.length && r() < 0.8 ? [`containers: [{ name: c, ports: [${ports.join(", ")}] }]`] : []),
        ].filter((x) => x !== "");
        const uniq = [...new Map(spec.map((x) => [x.split(":")[0], x])).values()];
        text += `---\napiVersion: v1\nkind: Pod\nmetadata: { ${md.join(", ")} }\n${r() < 0.95 ? `spec: { ${uniq.join(", ")} }\n` : pick(["", "spec: x\n", "spec: null\n", "status: {}\n"])}`;
      }
      const slow = parseWithPositions(text, "m.yaml");
      const fast = parseFast(text, "m.yaml");
      if (slow.issues.length === 0) {
        expect(fast, text).toEqual(slow);
        fastRead++;
      } else expect(fast, text).toBeUndefined();
      expect(parseManifestText(text, "m.yaml")).toEqual(slow);
    }
    expect(fastRead).toBeGreaterThan(100);
  });

  it("a document it cannot read is read by the parser, with its line in the file", () => {
    const text = "---\napiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\n\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: &n b\n  labels: { x: *n }\n";
    expect(readPlainYaml(text)!.map((d) => d.kind)).toEqual(["read", "other"]);
    const fast = parseFast(text, "m.yaml");
    expect(fast?.objects.map((o) => [o.name, o.source.line])).toEqual([["a", 2], ["b", 7]]);
    expect(fast).toEqual(parseWithPositions(text, "m.yaml"));
  });

  it("invalid YAML in one document still refuses the file, with the parser's issues", () => {
    const text = "---\napiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\napiVersion: v1\nkind: [Namespace\n";
    expect(parseFast(text, "m.yaml")).toBeUndefined();
    const r = parseManifestText(text, "m.yaml");
    expect(r).toEqual(parseWithPositions(text, "m.yaml"));
    expect(r.issues[0]).toMatchObject({ source: { file: "m.yaml", document: 1 }, problem: { kind: "yaml-syntax" } });
  });
});
