import { describe, expect, it } from "vitest";
import { BUNDLED_SCHEMA_FILES, type BundledDatabase, SchemaError, bundledSchema, parseSchema, schemaToJson } from "../../../src/ovsdb/schema/index.js";

const ok = (tables: Record<string, unknown>) => ({ name: "T", version: "1.0.0", tables });
const col = (type: unknown) => ok({ t: { columns: { c: { type } } } });

describe("parseSchema", () => {
  it("parses every bundled schema and round-trips it to JSON and back", () => {
    for (const db of Object.keys(BUNDLED_SCHEMA_FILES) as BundledDatabase[]) {
      const s = bundledSchema(db);
      expect(s.name).toBe(db);
      expect(parseSchema(schemaToJson(s))).toEqual(s);
    }
  });

  it("normalizes column types", () => {
    const s = parseSchema(
      ok({
        t: {
          columns: {
            a: { type: "string" },
            b: { type: { key: "integer", min: 0, max: "unlimited" } },
            c: { type: { key: { type: "uuid", refTable: "t" }, min: 0 } },
            d: { type: { key: "string", value: { type: "integer", minInteger: 1, maxInteger: 4095 } } },
            e: { type: { key: { type: "string", enum: ["set", ["x", "y"]] } }, mutable: false, ephemeral: true },
          },
          isRoot: true,
          maxRows: 3,
          indexes: [["a"]],
        },
      }),
    );
    const t = s.tables.get("t")!;
    expect(t.columns.get("a")!.type).toEqual({ key: { type: "string" }, min: 1, max: 1 });
    expect(t.columns.get("b")!.type).toEqual({ key: { type: "integer" }, min: 0, max: "unlimited" });
    expect(t.columns.get("c")!.type.key).toEqual({ type: "uuid", refTable: "t", refType: "strong" });
    expect(t.columns.get("d")!.type.value).toEqual({ type: "integer", minInteger: 1, maxInteger: 4095 });
    expect(t.columns.get("e")).toMatchObject({ mutable: false, ephemeral: true });
    expect(t.columns.get("e")!.type.key.enum).toEqual(["x", "y"]);
    expect(t).toMatchObject({ isRoot: true, maxRows: 3, indexes: [["a"]] });
  });

  const bad: [string, unknown, string][] = [
    ["not an object", 42, "schema: must be a JSON object"],
    ["bad name", { name: "1x", tables: {} }, 'schema: "name" must be a valid identifier, not "1x"'],
    ["bad version", { name: "T", version: "1.0", tables: {} }, 'schema T: "version" must look like x.y.z, not "1.0"'],
    ["unknown member", { name: "T", tables: {}, foo: 1 }, 'schema: unknown member "foo"'],
    ["no columns", ok({ t: { columns: {} } }), "table t: table has no columns"],
    ["reserved column", ok({ t: { columns: { _x: { type: "string" } } } }), 'table t, column _x: column names beginning with "_" are reserved'],
    ["unknown atomic type", col("text"), 'table t, column c: unknown atomic type "text"'],
    ["min too big", col({ key: "string", min: 2 }), 'table t, column c: "min" must be 0 or 1, not 2'],
    ["max zero", col({ key: "string", max: 0 }), 'table t, column c: "max" must be a positive integer or "unlimited", not 0'],
    ["range inverted", col({ key: { type: "integer", minInteger: 5, maxInteger: 1 } }), "table t, column c (key): minInteger 5 is greater than maxInteger 1"],
    ["constraint on wrong type", col({ key: { type: "string", minInteger: 1 } }), 'table t, column c (key): "minInteger" is not allowed for type string'],
    ["refType without refTable", col({ key: { type: "uuid", refType: "weak" } }), 'table t, column c (key): "refType" needs a "refTable"'],
    ["bad refType", col({ key: { type: "uuid", refTable: "t", refType: "soft" } }), 'table t, column c (key): "refType" must be "strong" or "weak", not "soft"'],
    ["dangling refTable", col({ key: { type: "uuid", refTable: "u" } }), 'table t, column c: refTable "u" is not a table of schema T'],
    ["enum of wrong type", col({ key: { type: "integer", enum: ["set", [1, "a"]] } }), 'table t, column c (key): enum value "a" is not an integer'],
    ["index on unknown column", ok({ t: { columns: { a: { type: "string" } }, indexes: [["b"]] } }), 'table t: index 0 names unknown column "b"'],
    ["index on ephemeral column", ok({ t: { columns: { a: { type: "string", ephemeral: true } }, indexes: [["a"]] } }), 'table t: index 0 names ephemeral column "a"'],
    ["maxRows zero", ok({ t: { columns: { a: { type: "string" } }, maxRows: 0 } }), 'table t: "maxRows" must be a positive integer'],
    ["mutable not boolean", ok({ t: { columns: { a: { type: "string", mutable: "no" } } } }), 'table t, column a: "mutable" must be true or false'],
  ];
  for (const [name, json, message] of bad) {
    it(`rejects ${name} with an error naming where and why`, () => {
      expect(() => parseSchema(json)).toThrow(SchemaError);
      expect(() => parseSchema(json)).toThrow(message);
    });
  }
});
