import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { codegenCommand } from "../../../src/cli/codegen.js";
import { memoryIo } from "../../../src/cli/io.js";
import { generateModel } from "../../../src/ovsdb/model/index.js";
import { bundledSchema, bundledSchemaPath } from "../../../src/ovsdb/schema/index.js";

const dir = mkdtempSync(join(tmpdir(), "ovn-ts-codegen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ovn-ts codegen", () => {
  it("writes DIR/<schema>.ts", async () => {
    const io = memoryIo();
    const status = await main(["codegen", bundledSchemaPath("OVN_IC_Northbound"), "-o", join(dir, "out")], io);
    expect(io.stderr).toBe("");
    expect(status).toBe(0);
    expect(io.stdout).toMatch(/wrote .*ovn-ic-nb\.ts \(database OVN_IC_Northbound, \d+ tables\)/);
    const text = readFileSync(join(dir, "out", "ovn-ic-nb.ts"), "utf8");
    expect(text).toBe(generateModel(bundledSchema("OVN_IC_Northbound"), { source: "ovn-ic-nb.ovsschema" }));
    expect(text).toContain('import * as $m from "ovn-ts/ovsdb";');
  });

  it("writes to stdout with --stdout and honours --import-from and --name", async () => {
    const io = memoryIo();
    expect(await codegenCommand([bundledSchemaPath("_Server"), "--stdout", "--import-from=../model/index.js"], io)).toBe(0);
    expect(io.stdout).toContain('import * as $m from "../model/index.js";');
    expect(io.stdout).toContain("export interface Database {");
    const io2 = memoryIo();
    expect(await codegenCommand([bundledSchemaPath("_Server"), "-o", dir, "--name", "srv.ts"], io2)).toBe(0);
    expect(readFileSync(join(dir, "srv.ts"), "utf8")).toContain("export const DATABASE = \"_Server\";");
  });

  it("with --load-schema, exports SCHEMA_FILE instead of SCHEMA and the model loads that file", async () => {
    const io = memoryIo();
    const rel = "../../ic-nb.ovsschema";
    expect(await codegenCommand([bundledSchemaPath("OVN_IC_Northbound"), "--stdout", "--load-schema", rel], io)).toBe(0);
    expect(io.stdout).not.toContain("export const SCHEMA:");
    expect(io.stdout).toContain(`export const SCHEMA_FILE: URL = new URL("${rel}", import.meta.url);`);
    expect(io.stdout).toMatch(/defineModelFromFile<Tables>\(\{ database: "OVN_IC_Northbound", version: "1\.0\.0", cksum: "[^"]+" \}, SCHEMA_FILE\)/);
  });

  it("prints help", async () => {
    const io = memoryIo();
    expect(await main(["codegen", "--help"], io)).toBe(0);
    expect(io.stdout).toMatch(/^usage: ovn-ts codegen SCHEMA\.ovsschema -o DIR/);
  });

  it.each([
    [[], /missing SCHEMA\.ovsschema/],
    [["x.ovsschema"], /missing -o DIR/],
    [["x.ovsschema", "--stdout", "-o", "d"], /mutually exclusive/],
    [["x.ovsschema", "-o"], /option -o needs a value/],
    [["x.ovsschema", "--frobnicate"], /unknown option '--frobnicate'/],
    [["a.ovsschema", "b.ovsschema", "--stdout"], /only one schema file/],
    [["/nonexistent/x.ovsschema", "--stdout"], /\/nonexistent\/x\.ovsschema: cannot read schema/],
  ])("fails with status 1 and a clear message for %j", async (args, message) => {
    const io = memoryIo();
    expect(await main(["codegen", ...args], io)).toBe(1);
    expect(io.stderr).toMatch(/^ovn-ts codegen: /);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe("");
  });

  it("reports invalid schemas with the table and column", async () => {
    const bad = join(dir, "bad.ovsschema");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(bad, JSON.stringify({ name: "X", version: "1.0.0", tables: { T: { columns: { c: { type: "integr" } } } } }));
    const io = memoryIo();
    expect(await main(["codegen", bad, "--stdout"], io)).toBe(1);
    expect(io.stderr).toMatch(/table T, column c: unknown atomic type "integr"/);
  });
});
