/**
 * Open vSwitch's IDL scenarios (`tests/ovsdb-idl.at`, tag v3.1.0, extracted into idl-cases.json by
 * extract-idl.ts) run with a Replica in the role of the IDL (idl-runner.ts), each on a fresh
 * `ovsdb-server` 3.1 and on a fresh embedded server with OVS's `idltest` schema. The replica's
 * contents after each step, printed as `test-ovsdb.py` prints the IDL's, must equal what the `.at`
 * file expects (the output of OVS's C and Python IDLs); the scenarios that cannot be compared are
 * exactly those listed under `idl` in known-differences.json, each with its reason.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, removeDir } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";
import type { IdlCase } from "./extract-idl.js";
import { runIdlCase, untranslatable } from "./idl-runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const corpus = JSON.parse(readFileSync(join(here, "idl-cases.json"), "utf8")) as { schema: unknown; cases: IdlCase[] };
const schema = parseSchema(corpus.schema);
/** `identicalThrough`: the listed scenario's output agrees with the `.at` expectation through this line (and differs after). */
const known = (JSON.parse(readFileSync(join(here, "known-differences.json"), "utf8")) as { idl: { id: string; reason: string; identicalThrough?: string }[] }).idl;

/** The lines of `text` up to and including `line` (all of them when it is absent). */
const through = (text: string, line: string) => {
  const lines = text.split("\n");
  const at = lines.indexOf(line);
  return at < 0 ? text : lines.slice(0, at + 1).join("\n");
};

interface Outcome {
  readonly id: string;
  readonly skipped?: string;
  readonly real?: string;
  readonly embedded?: string;
}

describe("ovsdb-idl.at corpus", () => {
  it("has the scenarios and a reason for every known difference", () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(40);
    for (const d of known) {
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(corpus.cases.map((c) => c.id), d.id).toContain(d.id);
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("ovsdb-idl.at scenarios: a Replica as the IDL, on ovsdb-server and the embedded server", () => {
  const outcomes: Outcome[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-idl-");
    const schemaPath = join(dir, "idltest.ovsschema");
    writeFileSync(schemaPath, JSON.stringify(corpus.schema));
    const only = process.env.IDL_ONLY;
    for (const c of corpus.cases) {
      if (only && !c.id.includes(only)) continue;
      const skipped = untranslatable(c);
      if (skipped) {
        outcomes.push({ id: c.id, skipped });
        continue;
      }
      const real = await startOvsdbServer({ schema: schemaPath });
      const server = new OvsdbServer();
      server.addDatabase(schema);
      const sock = join(dir, `e${outcomes.length}.sock`);
      try {
        const { connect } = await server.listen(`punix:${sock}`);
        const [r, e] = await Promise.all([
          runIdlCase(c, real.unix, schema).catch((err: Error) => `runner failed: ${err.message}`),
          runIdlCase(c, connect, schema).catch((err: Error) => `runner failed: ${err.message}`),
        ]);
        outcomes.push({ id: c.id, real: r, embedded: e });
      } finally {
        await server.close();
        await real.stop();
      }
    }
    if (process.env.SUITE_REPORT) writeFileSync(process.env.SUITE_REPORT, JSON.stringify(outcomes, null, 1));
  }, 600_000);
  afterAll(() => {
    if (dir) removeDir(dir);
  });

  it("the replica's view after each step is the IDL's, on both servers, except the listed scenarios", () => {
    const differing: string[] = [];
    for (const o of outcomes) {
      const c = corpus.cases.find((x) => x.id === o.id)!;
      const agrees = (out: string) => out === c.expected;
      if (o.skipped || !agrees(o.real!) || !agrees(o.embedded!)) differing.push(o.id);
    }
    expect(differing.sort()).toEqual(known.map((d) => d.id).sort());
  });

  it("listed scenarios with a common part agree with the IDL through it, on both servers", () => {
    for (const d of known.filter((k) => k.identicalThrough)) {
      const o = outcomes.find((x) => x.id === d.id);
      if (!o) continue; // filtered out by IDL_ONLY
      const expected = corpus.cases.find((x) => x.id === d.id)!.expected;
      expect(expected, d.id).toContain(`${d.identicalThrough!}\n`);
      for (const out of [o.real!, o.embedded!]) {
        expect(out, d.id).toContain(`${d.identicalThrough!}\n`);
        expect(through(out, d.identicalThrough!), d.id).toBe(through(expected, d.identicalThrough!));
      }
    }
  });

  it("the embedded server gives the replica what ovsdb-server gives it in every translated scenario", () => {
    const ran = outcomes.filter((o) => !o.skipped);
    expect(ran.length).toBeGreaterThanOrEqual(25);
    for (const o of ran) expect(o.embedded, o.id).toBe(o.real);
  });
});
