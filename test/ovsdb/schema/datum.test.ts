import { describe, expect, it } from "vitest";
import {
  type ColumnType,
  OvsdbTypeError,
  applyDiff,
  checkDatum,
  compareUtf8,
  datumEquals,
  datumFromJson,
  datumToJson,
  defaultDatum,
  diffDatum,
  diffToJson,
  parseColumnType,
} from "../../../src/ovsdb/index.js";

const T = (j: unknown): ColumnType => parseColumnType(j, "t.c");
const U1 = "11111111-2222-3333-4444-555555555555";
const U2 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

describe("datum", () => {
  const roundTrips: [string, unknown, unknown, unknown][] = [
    ["scalar string", "string", "x", "x"],
    ["scalar integer", "integer", 42, 42],
    ["scalar real", "real", 1.5, 1.5],
    ["scalar boolean", "boolean", true, true],
    ["scalar uuid", "uuid", ["uuid", U1], U1],
    ["optional empty", { key: "integer", min: 0 }, ["set", []], undefined],
    ["optional set", { key: "integer", min: 0 }, ["set", [5]], 5],
    ["set", { key: "string", min: 0, max: "unlimited" }, ["set", ["a", "b"]], ["a", "b"]],
    ["map", { key: "string", value: "string", min: 0, max: "unlimited" }, ["map", [["k", "v"]]], new Map([["k", "v"]])],
    ["uuid set", { key: { type: "uuid", refTable: "t" }, min: 0, max: "unlimited" }, ["set", [["uuid", U1], ["uuid", U2]]], [U1, U2]],
  ];
  for (const [name, type, json, native] of roundTrips) {
    it(`decodes and encodes ${name}`, () => {
      const t = T(type);
      expect(datumFromJson(t, json)).toEqual(native);
      const back = datumToJson(t, native);
      expect(datumFromJson(t, back)).toEqual(native);
    });
  }

  it("accepts a bare atom for a one-element set and a plain object for a string map", () => {
    expect(datumFromJson(T({ key: "string", min: 0, max: "unlimited" }), "a")).toEqual(["a"]);
    expect(datumToJson(T({ key: "string", value: "string", min: 0, max: "unlimited" }), { a: "1" })).toEqual(["map", [["a", "1"]]]);
    expect(datumToJson(T({ key: "integer", value: "string", min: 0, max: "unlimited" }), { 7: "x" })).toEqual(["map", [[7, "x"]]]);
  });

  it("encodes uuid-names as named-uuid and UUIDs as uuid", () => {
    expect(datumToJson(T({ key: "uuid", min: 0, max: "unlimited" }), [U1, "new_port"])).toEqual(["set", [["uuid", U1], ["named-uuid", "new_port"]]]);
  });

  const mustThrow: [string, unknown, unknown, string][] = [
    ["string for integer", "integer", "1", 't.c: expected integer, got "1"'],
    ["fraction for integer", "integer", 1.5, "t.c: expected integer, got 1.5"],
    ["unsafe integer given as a number", "integer", 2 ** 60, "is not exact: give it as a bigint"],
    ["integer beyond 64 bits", "integer", 2n ** 63n, "t.c: integer 9223372036854775808 is outside the 64-bit range"],
    ["bad uuid", "uuid", ["uuid", "nope"], 't.c: ""nope"" is not a valid UUID'],
    ["named uuid outside a transaction", "uuid", ["named-uuid", "x"], "only allowed inside a transaction"],
    ["too many elements", { key: "string", min: 0, max: 2 }, ["set", ["a", "b", "c"]], "expected at most 2 element(s), got 3"],
    ["duplicate set element", { key: "string", min: 0, max: "unlimited" }, ["set", ["a", "a"]], 'set contains duplicate value "a"'],
    ["duplicate map key", { key: "string", value: "string", min: 0, max: "unlimited" }, ["map", [["a", "1"], ["a", "2"]]], 'map contains duplicate key "a"'],
    ["set for map", { key: "string", value: "string" }, ["set", []], 'expected ["map", [...]]'],
  ];
  for (const [name, type, json, message] of mustThrow) {
    it(`rejects ${name}`, () => {
      expect(() => datumFromJson(T(type), json, { table: "t", column: "c" })).toThrow(OvsdbTypeError);
      expect(() => datumFromJson(T(type), json, { table: "t", column: "c" })).toThrow(message);
    });
  }

  it("checks constraints: enums, ranges and lengths", () => {
    expect(checkDatum(T({ key: { type: "string", enum: ["set", ["a", "b"]] } }), "c")).toBe("c is not one of the allowed values ([a, b])");
    expect(checkDatum(T({ key: { type: "integer", minInteger: 0, maxInteger: 4095 } }), 5000)).toBe("5000 is not in the valid range 0 to 4095 (inclusive)");
    expect(checkDatum(T({ key: { type: "string", maxLength: 3 } }), "abcd")).toBe('"abcd" length 4 is greater than maximum allowed length 3');
    expect(checkDatum(T({ key: { type: "string", maxLength: 3 } }), "日本語")).toBeUndefined();
    expect(checkDatum(T("string"), "x")).toBeUndefined();
  });

  it("has RFC 7047 defaults", () => {
    expect(defaultDatum(T("integer"))).toBe(0);
    expect(defaultDatum(T("string"))).toBe("");
    expect(defaultDatum(T({ key: "string", min: 0 }))).toBeUndefined();
    expect(defaultDatum(T({ key: "string", value: "string", min: 0, max: "unlimited" }))).toEqual(new Map());
  });

  it("compares sets and maps as unordered collections", () => {
    expect(datumEquals(["a", "b"], ["b", "a"])).toBe(true);
    expect(datumEquals(new Map([["a", "1"], ["b", "2"]]), new Map([["b", "2"], ["a", "1"]]))).toBe(true);
    expect(datumEquals(new Map([["a", "1"]]), new Map([["a", "2"]]))).toBe(false);
  });

  it("orders strings by UTF-8 bytes, as ovsdb-server does", () => {
    expect(["b", "a", "\u{1F600}", "\uffff", "_", "Z"].sort(compareUtf8)).toEqual(["Z", "_", "a", "b", "\uffff", "\u{1F600}"]);
  });
});

describe("update2 diffs", () => {
  const cases: [string, unknown, unknown, unknown, unknown][] = [
    ["scalar", "string", "a", "b", "b"],
    // As ovsdb-server 3.1 sends them (checked on the wire: enabled true → false is `false`, a
    // cleared column is ["set", []]): a column of at most one value is not composite, its diff is the new value.
    ["optional set → other value", { key: "string", min: 0 }, "a", "b", "b"],
    ["optional set → empty", { key: "string", min: 0 }, "a", undefined, ["set", []]],
    ["set", { key: "string", min: 0, max: "unlimited" }, ["a", "b"], ["b", "c"], ["set", ["a", "c"]]],
    [
      "map: add, remove, change",
      { key: "string", value: "string", min: 0, max: "unlimited" },
      new Map([["keep", "1"], ["gone", "2"], ["chg", "3"]]),
      new Map([["keep", "1"], ["chg", "4"], ["new", "5"]]),
      ["map", [["gone", "2"], ["chg", "4"], ["new", "5"]]],
    ],
  ];
  for (const [name, type, oldV, newV, diffJson] of cases) {
    it(`computes and applies the ${name} diff`, () => {
      const t = T(type);
      const d = diffDatum(t, oldV as never, newV as never);
      const j = diffToJson(t, d);
      // a one-element set diff may be sent as a bare atom
      expect(datumFromJson({ ...t, min: 0, max: "unlimited" }, j)).toEqual(datumFromJson({ ...t, min: 0, max: "unlimited" }, diffJson));
      expect(datumEquals(applyDiff(t, oldV as never, diffJson), newV as never)).toBe(true);
    });
  }
  it("rejects a diff that breaks the column's size", () => {
    expect(() => applyDiff(T({ key: "string", min: 0, max: 2 }), ["a", "b"], ["set", ["c"]], { table: "t", column: "c" })).toThrow("t.c: diff");
  });
  it("reports no diff for equal values", () => {
    expect(diffDatum(T({ key: "string", min: 0, max: "unlimited" }), ["a", "b"], ["b", "a"])).toBeUndefined();
  });
});
