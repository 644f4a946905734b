import { describe, expect, it } from "vitest";
import { checkModelCompatibility } from "../../../src/ovsdb/model/index.js";
import { parseSchema } from "../../../src/ovsdb/schema/index.js";

const model = parseSchema({
  name: "D",
  version: "1.0.0",
  tables: {
    T: {
      columns: {
        s: { type: "string" },
        o: { type: { key: "integer", min: 0, max: 1 } },
        set: { type: { key: "string", min: 0, max: "unlimited" } },
        m: { type: { key: "string", value: "integer", min: 0, max: "unlimited" } },
        r: { type: { key: { type: "uuid", refTable: "U" }, min: 0, max: 1 } },
        e: { type: { key: { type: "string", enum: ["set", ["a", "b"]] } } },
      },
    },
    U: { columns: { x: { type: "integer" } } },
  },
});

function server(patch: (tables: Record<string, { columns: Record<string, unknown> }>) => void, name = "D") {
  const json = {
    name,
    version: "1.1.0",
    tables: {
      T: {
        columns: {
          s: { type: "string" },
          o: { type: { key: "integer", min: 0, max: 1 } },
          set: { type: { key: "string", min: 0, max: 16 } },
          m: { type: { key: "string", value: "integer", min: 0, max: "unlimited" } },
          r: { type: { key: { type: "uuid", refTable: "U" }, min: 0, max: 1 } },
          e: { type: { key: { type: "string", enum: ["set", ["a", "b"]] } } },
        },
      },
      U: { columns: { x: { type: "integer" } } },
    } as Record<string, { columns: Record<string, unknown> }>,
  };
  patch(json.tables);
  return parseSchema(json);
}

describe("checkModelCompatibility", () => {
  it("accepts an identical or newer schema (extra tables and columns, other set bounds)", () => {
    expect(checkModelCompatibility(model, model)).toEqual([]);
    const newer = server((t) => {
      t["V"] = { columns: { y: { type: "string" } } };
      t["T"]!.columns["extra"] = { type: "boolean" };
    });
    expect(checkModelCompatibility(model, newer)).toEqual([]);
  });

  it("reports every mismatch at once with table and column", () => {
    const drifted = server((t) => {
      t["T"]!.columns["s"] = { type: "integer" };
      t["T"]!.columns["o"] = { type: { key: "integer", min: 0, max: 2 } };
      t["T"]!.columns["m"] = { type: { key: "string", value: "string", min: 0, max: "unlimited" } };
      t["T"]!.columns["r"] = { type: { key: "uuid", min: 0, max: 1 } };
      t["T"]!.columns["e"] = { type: { key: { type: "string", enum: ["set", ["a", "b", "c"]] } } };
      delete t["T"]!.columns["set"];
      delete t["U"];
      // r must not name a table that no longer exists
    });
    const problems = checkModelCompatibility(model, drifted);
    expect(problems.map((p) => [p.severity, p.kind, p.table, p.column])).toEqual([
      ["error", "type-mismatch", "T", "s"],
      ["error", "type-mismatch", "T", "o"],
      ["error", "missing-column", "T", "set"],
      ["error", "type-mismatch", "T", "m"],
      ["error", "type-mismatch", "T", "r"],
      ["warning", "enum-values", "T", "e"],
      ["error", "missing-table", "U", undefined],
    ]);
    expect(problems[0]!.message).toBe(
      'table T, column s: type "string" in the model does not match "integer" on the server (atomic type string in the model, integer on the server)',
    );
    expect(problems[1]!.message).toContain("optional in the model, set on the server");
    expect(problems[3]!.message).toContain("value: atomic type integer in the model, string on the server");
    expect(problems[4]!.message).toContain("references U in the model, no table on the server");
    expect(problems[5]!.message).toContain('"c"');
  });

  it("reports another database", () => {
    expect(checkModelCompatibility(model, server(() => {}, "E"))).toEqual([
      expect.objectContaining({ severity: "error", kind: "wrong-database", message: "the model is for database D, the server's schema is E" }),
    ]);
  });
});
