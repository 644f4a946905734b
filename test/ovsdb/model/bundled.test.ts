import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES_DIR, MODELS_DIR, bundledModelFiles, fixtureModelFiles } from "../../../scripts/codegen-lib.js";
import {
  OVN_IC_Northbound,
  OVN_IC_Southbound,
  OVN_Northbound,
  OVN_Northbound_23_03,
  OVN_Northbound_24_03,
  OVN_Northbound_25_09,
  OVN_RELEASES,
  OVN_SCHEMA_FILES,
  OVN_SCHEMA_VERSIONS,
  OVN_Southbound,
  Open_vSwitch,
  _Server,
  ovnModels,
  ovnSchemaFile,
} from "../../../src/ovsdb/models/index.js";
import { SchemaError, defineModelFromFile, loadSchemaJson } from "../../../src/ovsdb/index.js";
import { bundledSchema, parseSchema, schemaToJson } from "../../../src/ovsdb/schema/index.js";

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

  it("cover every OVN release: each model is the schema shipped in schemas/ (read here as plain JSON)", () => {
    expect(OVN_RELEASES).toEqual(["23.03", "24.03", "24.09", "25.03", "25.09"]);
    const dirs: Record<string, string> = { "23.03": "", "24.03": "ovn-24.03/", "24.09": "ovn-24.09/", "25.03": "ovn-25.03/", "25.09": "ovn-25.09/" };
    const files = { nb: "ovn-nb.ovsschema", sb: "ovn-sb.ovsschema", icNb: "ovn-ic-nb.ovsschema", icSb: "ovn-ic-sb.ovsschema" } as const;
    for (const release of OVN_RELEASES) {
      for (const [key, file] of Object.entries(files) as [keyof typeof files, string][]) {
        const raw = JSON.parse(readFileSync(join(MODELS_DIR, "../../../schemas", dirs[release]!, file), "utf8")) as { name: string; version: string; tables: object };
        const m = ovnModels[release][key];
        expect(m.DATABASE, `${release} ${key}`).toBe(raw.name);
        expect(m.SCHEMA_VERSION, `${release} ${key}`).toBe(raw.version);
        expect(OVN_SCHEMA_VERSIONS[release][raw.name as "OVN_Northbound"]).toBe(raw.version);
        expect(ovnSchemaFile(release, raw.name as "OVN_Northbound")).toBe(join(MODELS_DIR, "../../../schemas", dirs[release]!, file));
        expect(OVN_SCHEMA_FILES[release][raw.name as "OVN_Northbound"]).toBe(`${dirs[release]}${file}`);
        expect(Object.keys(m.TABLES).sort()).toEqual(Object.keys(raw.tables).sort());
        expect(schemaToJson(m.model.schema)).toEqual(schemaToJson(parseSchema(raw)));
      }
    }
    // 23.03 keeps its modules; newer releases are the versioned exports.
    expect(ovnModels["23.03"].nb).toBe(OVN_Northbound);
    expect(OVN_Northbound_23_03).toBe(OVN_Northbound);
    expect(ovnModels["24.03"].nb).toBe(OVN_Northbound_24_03);
    expect(ovnModels["25.09"].nb).toBe(OVN_Northbound_25_09);
    // Releases with the same IC schema share one module.
    expect(ovnModels["24.09"].icNb).toBe(ovnModels["24.03"].icNb);
  });

  it("versioned models load their shipped file and refuse another schema", () => {
    expect(OVN_Northbound_24_03.SCHEMA_FILE.pathname.endsWith("/schemas/ovn-24.03/ovn-nb.ovsschema")).toBe(true);
    expect(OVN_Northbound_24_03.model.schemaJson).toEqual(JSON.parse(readFileSync(OVN_Northbound_24_03.SCHEMA_FILE, "utf8")));
    const wrong = defineModelFromFile<OVN_Northbound_24_03.Tables>({ database: "OVN_Northbound", version: "7.3.0" }, ovnSchemaFile("25.09", "OVN_Northbound"));
    expect(wrong.name).toBe("OVN_Northbound");
    expect(() => wrong.table("ACL")).toThrow(SchemaError);
    expect(() => wrong.schema).toThrow(/ovn-25\.09\/ovn-nb\.ovsschema: expected the OVN_Northbound schema 7\.3\.0, found version "7\.12\.0"; regenerate the model/);
    expect(() => loadSchemaJson("/nonexistent/x.ovsschema", { database: "X", version: "1.0.0" })).toThrow(/\/nonexistent\/x\.ovsschema: cannot load the X 1\.0\.0 schema/);
  });

  it("carry a do-not-edit header and use no `any`", () => {
    for (const [file, text] of bundledModelFiles()) {
      expect(text.split("\n")[0], file).toMatch(/generated .*DO NOT EDIT/i);
      expect(text).not.toMatch(/\bany\b(?![-\w"])/);
    }
  });
});
