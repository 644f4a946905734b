/**
 * The `ovsdb-execution.at` cases as `ovsdb-server.at` runs them (each transaction through
 * `ovsdb-client transact`, outputs concatenated), and the same through `ovn-ts ovsdb transact`,
 * on one real ovsdb-server: `ovn-ts ovsdb` must print what `ovsdb-client` prints, and
 * `ovsdb-client` what the `.at` file expects (after `uuidfilt`), except the listed differences.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, run } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";
import type { SuiteCase } from "./extract.js";
import { expectedOutput, normalizeExecution } from "./runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const cases = (JSON.parse(readFileSync(join(here, "cases.json"), "utf8")) as { cases: SuiteCase[] }).cases.filter((c) => c.kind === "execution");
const known = JSON.parse(readFileSync(join(here, "known-differences.json"), "utf8")) as {
  transactClient: { id: string; reason: string }[];
};

describe("OVS test-suite execution cases through the CLIs", () => {
  it("has the execution cases and a reason for every known difference", () => {
    expect(cases.length).toBeGreaterThanOrEqual(29);
    for (const d of known.transactClient) {
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(cases.map((c) => c.id), d.id).toContain(d.id);
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-client"))("OVS test-suite execution cases through ovsdb-client transact and ovn-ts ovsdb transact", () => {
  let server: OvsdbServerSandbox;
  let dir: string;
  const theirs: string[] = [];
  const ours: string[] = [];

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-suite-txn-");
    mkdirSync(join(dir, "schemas"));
    const schemas = new Map(cases.map((c) => [(JSON.parse(c.schema) as { name: string }).name, c.schema]));
    const files = [...schemas].map(([name, text]) => {
      const f = join(dir, "schemas", `${name}.ovsschema`);
      writeFileSync(f, text);
      return f;
    });
    server = await startOvsdbServer({ schemas: files });
    for (const c of cases) {
      const schema = JSON.parse(c.schema) as { name: string; tables: object };
      const reset = JSON.stringify([schema.name, ...Object.keys(schema.tables).map((table) => ({ op: "delete", table, where: [] }))]);
      await run("ovsdb-client", ["transact", server.unix, reset]);
      const a: string[] = [];
      for (const txn of c.args) a.push((await run("ovsdb-client", ["transact", server.unix, txn], { allowFailure: true })).stdout.trimEnd());
      theirs.push(normalizeExecution(c, a));
      await run("ovsdb-client", ["transact", server.unix, reset]);
      const b: string[] = [];
      for (const txn of c.args) {
        const io = memoryIo("");
        await main(["ovsdb", "transact", server.unix, txn], io);
        b.push(io.stdout.trimEnd());
      }
      ours.push(normalizeExecution(c, b));
    }
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ovsdb-client transact prints what the .at file expects", () => {
    expect(cases.filter((c, i) => expectedOutput(c) !== theirs[i]).map((c) => c.id)).toEqual([]);
  });

  it("ovn-ts ovsdb transact prints what ovsdb-client transact prints, except the listed differences", () => {
    expect(cases.filter((_c, i) => ours[i] !== theirs[i]).map((c) => c.id).sort()).toEqual(known.transactClient.map((d) => d.id).sort());
  });
});
