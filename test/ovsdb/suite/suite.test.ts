/**
 * Open vSwitch's own OVSDB test suite (tag v3.1.0, extracted into cases.json by extract.ts), run
 * as a differential corpus: every case against the embedded server and a real ovsdb-server with the
 * same schema, outputs compared after UUID normalization. The cases whose outputs differ must be
 * exactly those listed in known-differences.json (each with a reason), and so must the cases where
 * ovsdb-server's output through our translation differs from what the `.at` file expects.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";
import type { SuiteCase } from "./extract.js";
import { type CaseOutcome, caseSchema, expectedOutput, runSuite } from "./runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const cases = (JSON.parse(readFileSync(join(here, "cases.json"), "utf8")) as { cases: SuiteCase[] }).cases.filter((c) => c.kind !== "monitor");
const known = JSON.parse(readFileSync(join(here, "known-differences.json"), "utf8")) as {
  embedded: { id: string; reason: string }[];
  translation: { id: string; reason: string }[];
};

describe("OVS test-suite corpus", () => {
  it("has the cases of every source file and a reason for every known difference", () => {
    const files = new Set(cases.map((c) => c.file));
    for (const f of ["ovsdb-execution.at", "ovsdb-condition.at", "ovsdb-mutation.at", "ovsdb-query.at"]) expect(files).toContain(f);
    expect(cases.length).toBeGreaterThanOrEqual(70);
    for (const d of [...known.embedded, ...known.translation]) {
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(cases.map((c) => c.id), d.id).toContain(d.id);
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("OVS test-suite corpus: embedded server vs ovsdb-server", () => {
  let real: OvsdbServerSandbox;
  let server: OvsdbServer;
  let realOut: CaseOutcome[];
  let mineOut: CaseOutcome[];
  let dir: string;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-suite-");
    mkdirSync(join(dir, "schemas"));
    const schemas = new Map<string, string>();
    cases.forEach((c, i) => {
      const text = caseSchema(c, i);
      schemas.set((JSON.parse(text) as { name: string }).name, text);
    });
    const files = [...schemas].map(([name, text]) => {
      const f = join(dir, "schemas", `${name}.ovsschema`);
      writeFileSync(f, text);
      return f;
    });
    real = await startOvsdbServer({ schemas: files });
    server = new OvsdbServer({ historyTxns: 0 });
    for (const text of schemas.values()) server.addDatabase(parseSchema(JSON.parse(text)));
    const l = await server.listen(`punix:${join(dir, "embedded.sock")}`);
    [realOut, mineOut] = await Promise.all([runSuite(real.unix, cases), runSuite(l.connect, cases)]);
    if (process.env.SUITE_REPORT) writeFileSync(process.env.SUITE_REPORT, JSON.stringify({ realOut, mineOut }, null, 1));
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await real?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs every case on both", () => {
    expect(realOut.length).toBe(cases.length);
    expect(mineOut.length).toBe(cases.length);
    expect(realOut.filter((o) => o.text.startsWith("runner failed"))).toEqual([]);
  });

  it("ovsdb-server gives what the .at files expect, except the listed translation differences", () => {
    const differing = cases.filter((c, i) => {
      const want = expectedOutput(c);
      return want !== undefined && want !== realOut[i]!.text;
    });
    expect(differing.map((c) => c.id).sort()).toEqual(known.translation.map((d) => d.id).sort());
  });

  it("the embedded server answers every case as ovsdb-server does, except the listed known differences", () => {
    const differing = cases
      .map((c, i) => ({ c, r: realOut[i]!, m: mineOut[i]! }))
      .filter(({ r, m }) => r.text !== m.text)
      .map(({ c }) => c.id);
    expect(differing.sort()).toEqual(known.embedded.map((d) => d.id).sort());
  });
});
