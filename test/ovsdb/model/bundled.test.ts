import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES_DIR, MODELS_DIR, bundledModelFiles, fixtureModelFiles } from "../../../scripts/codegen-lib.js";
import { OVN_IC_Northbound, OVN_IC_Southbound, OVN_Northbound, OVN_Southbound, Open_vSwitch, _Server } from "../../../src/ovsdb/models/index.js";
import { bundledSchema, schemaToJson } from "../../../src/ovsdb/schema/index.js";

describe("bundled models", () => {
  it("are up to date with schemas/*.ovsschema (run `npx vite-node scripts/codegen.ts` to regenerate)", () => {
    const expected = bundledModelFiles();
    const present = readdirSync(MODELS_DIR).filter((f) => f.endsWith(".ts")).sort();
    expect(present).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) {
      const actual = readFileSync(join(MODELS_DIR, file), "utf8");
      expect(actual === text, `src/ovsdb/models/${file} is stale: run \`npx vite-node scripts/codegen.ts\``).toBe(true);
    }
  });

  it("and the test fixtures' models are up to date too", () => {
    for (const [file, text] of fixtureModelFiles()) {
      const actual = readFileSync(join(FIXTURES_DIR, file), "utf8");
      expect(actual === text, `test/ovsdb/model/fixtures/${file} is stale: run \`npx vite-node scripts/codegen.ts\``).toBe(true);
    }
  });

  it("embed the bundled schemas exactly", () => {
    const models = { OVN_Northbound, OVN_Southbound, Open_vSwitch, OVN_IC_Northbound, OVN_IC_Southbound, _Server };
    for (const [db, m] of Object.entries(models)) {
      expect(m.DATABASE).toBe(db);
      expect(m.model.name).toBe(db);
      expect(m.SCHEMA).toEqual(schemaToJson(bundledSchema(db as keyof typeof models)));
      expect(Object.keys(m.TABLES).sort()).toEqual([...bundledSchema(db as keyof typeof models).tables.keys()].sort());
    }
  });

  it("carry a do-not-edit header and use no `any`", () => {
    for (const [file, text] of bundledModelFiles()) {
      expect(text.split("\n")[0], file).toMatch(/generated .*DO NOT EDIT/i);
      expect(text).not.toMatch(/\bany\b(?![-\w"])/);
    }
  });
});
