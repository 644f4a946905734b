/**
 * The packed form the load worker posts (src/model/load-plain.ts): packed, copied to another
 * thread (a structured clone) and unpacked, the entries are the ones read, pods and the rest, in
 * their order.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type PlainEntry, packEntries, plainEntries, readPlainManifests, readPlainManifestsPacked, unpackEntries } from "../../src/model/load-plain.js";
import { xorshift as rng } from "../support/prng.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

/** Pods of many shapes (labels or none, ports or none, a node or none, the default namespace), among other documents. */
function manifest(seed: number): string {
  const r = rng(seed);
  let text = "";
  for (let i = 0; i < 300; i++) {
    const x = r();
    if (x < 0.1) text += `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns${i} }\n`;
    else if (x < 0.15) text += `---\n# only a comment\n`;
    else if (x < 0.2) text += `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: q${i}\n  annotations: { ovn.kubernetes.io/ip_address: 10.0.0.${i % 250} }\n`;
    else {
      const labels = r() < 0.3 ? "" : r() < 0.5 ? `, labels: { app: a${Math.floor(r() * 4)} }` : `, labels: { app: a${Math.floor(r() * 4)}, tier: t${Math.floor(r() * 2)} }`;
      const ns = r() < 0.2 ? "" : `, namespace: ns${Math.floor(r() * 5)}`;
      const node = r() < 0.3 ? "" : `nodeName: node${Math.floor(r() * 7)}`;
      const ports = r() < 0.5 ? "" : `${node ? ", " : ""}containers: [{ name: c, ports: [{ name: http, containerPort: ${8080 + Math.floor(r() * 2)} }] }]`;
      const spec = node || ports ? `\nspec: { ${node}${ports} }` : "";
      text += `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}${ns}${labels} }${spec}\n`;
    }
  }
  return text;
}

function roundTrip(entries: readonly PlainEntry[]): PlainEntry[] {
  return unpackEntries(structuredClone(packEntries(entries)));
}

describe("packEntries / unpackEntries", () => {
  it("give back the entries of random manifests, pods and other documents in their order", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const entries = plainEntries(manifest(seed), `/m/${seed}.yaml`);
      expect(entries.some((e) => e.kind === "Pod")).toBe(true);
      expect(entries.some((e) => e.kind !== "Pod")).toBe(true);
      expect(roundTrip(entries)).toEqual(entries);
    }
  });

  it("give back the entries of the fixtures' files", () => {
    const entries = readPlainManifests([FIXTURES]);
    expect(roundTrip(entries)).toEqual(entries);
  });

  it("give back pods of several files with their own file names", () => {
    const entries = [...plainEntries(manifest(3), "/a.yaml"), ...plainEntries(manifest(4), "/b.yaml")];
    const back = roundTrip(entries);
    expect(back).toEqual(entries);
    expect(new Set(back.flatMap((e) => (e.kind === "Pod" ? [e.source.file] : [])))).toEqual(new Set(["/a.yaml", "/b.yaml"]));
  });

  it("give back nothing for no entries", () => {
    expect(roundTrip([])).toEqual([]);
  });

  it("read as they are packed (readPlainManifestsPacked), files and directories give the entries readPlainManifests gives", () => {
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-load-plain-"));
    try {
      writeFileSync(join(dir, "a.yaml"), manifest(5));
      writeFileSync(join(dir, "b.yaml"), manifest(6));
      const single = join(dir, "c.yml");
      writeFileSync(single, manifest(7));
      for (const paths of [[dir], [single], [FIXTURES, single]]) {
        const entries = readPlainManifests(paths);
        expect(unpackEntries(structuredClone(readPlainManifestsPacked(paths)))).toEqual(entries);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
