import { describe, expect, it } from "vitest";
import { compileCondition, compileWhere, conditionValueType } from "../../../src/ovsdb/schema/condition.js";
import { decodeDatumWith, clientDatumReporter } from "../../../src/ovsdb/schema/datum.js";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { compileServerCondition, decodeDatum } from "../../../src/ovsdb/server/codec.js";
import { OvsdbError, OvsdbTypeError } from "../../../src/ovsdb/wire/errors.js";

const schema = parseSchema({
  name: "T",
  version: "1.0.0",
  tables: {
    t: {
      columns: {
        name: { type: "string" },
        tags: { type: { key: "string", min: 0, max: 2 } },
        n: { type: { key: "integer", min: 0, max: 1 } },
        m: { type: { key: "string", value: "integer", min: 0, max: "unlimited" } },
      },
    },
  },
});
const t = schema.tables.get("t")!;

/** Outcome of compiling on one side: "ok", or the error text. */
function outcome(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof OvsdbError) return `${e.error}: ${e.details}`;
    if (e instanceof OvsdbTypeError) return `type error: ${e.message}`;
    throw e;
  }
}

describe("one condition compiler for the replica and the server", () => {
  const cases: [string, unknown, boolean][] = [
    ["includes with two values on a scalar column", ["name", "includes", ["set", ["a", "b"]]], false],
    ["includes with one value on a scalar column", ["name", "includes", "a"], true],
    ["includes beyond a set's maximum", ["tags", "includes", ["set", ["a", "b", "c"]]], false],
    ["excludes beyond a set's maximum", ["tags", "excludes", ["set", ["a", "b", "c"]]], true],
    ["ordering against an empty set on an optional column", ["n", "<", ["set", []]], false],
    ["ordering against a value on an optional column", ["n", "<", 3], true],
    ["ordering on a string", ["name", "<", "a"], false],
    ["unknown function", ["name", "like", "a"], false],
    ["unknown column", ["nope", "==", "a"], false],
    ["map includes a pair", ["m", "includes", ["map", [["k", 1]]]], true],
  ];
  for (const [what, cond, ok] of cases) {
    it(`${what}: ${ok ? "accepted" : "refused"} by both`, () => {
      const replica = outcome(() => compileCondition(t, cond));
      const server = outcome(() => compileServerCondition(t, cond));
      expect(replica === "ok", replica).toBe(ok);
      expect(server === "ok", server).toBe(ok);
    });
  }

  it("the server reports ovsdb-server's errors", () => {
    expect(outcome(() => compileServerCondition(t, ["name", "includes", ["set", ["a", "b"]]]))).toBe(
      "syntax error: set must have exactly one member but 2 are present",
    );
    expect(outcome(() => compileServerCondition(t, ["n", ">=", ["set", []]]))).toBe("syntax error: set must have exactly one member but 0 are present");
    expect(outcome(() => compileServerCondition(t, ["name", "<", "a"]))).toBe(
      'syntax error: Type mismatch: "<" operator may not be applied to column name of type string.',
    );
    expect(outcome(() => compileServerCondition(t, ["name", "like", "a"]))).toBe("unknown function: No function named like.");
    expect(outcome(() => compileServerCondition(t, 7))).toBe("syntax error: Parse error in condition.");
  });

  it("relaxes the column type as ovsdb-server does", () => {
    const tags = t.columns.get("tags")!.type;
    expect(conditionValueType(tags, "includes")).toEqual({ ...tags, min: 0 });
    expect(conditionValueType(tags, "excludes")).toEqual({ ...tags, min: 0, max: "unlimited" });
    expect(conditionValueType(t.columns.get("n")!.type, "<").min).toBe(1);
  });

  it("bare true/false clauses: false empties a conjunction, true matches every row of a disjunction", () => {
    expect(compileWhere(t, [true, ["name", "==", "a"]]).test({ name: "b" })).toBe(false);
    expect(compileWhere(t, [false]).alwaysFalse).toBe(true);
    expect(compileWhere(t, [true, ["name", "==", "a"]], { disjunction: true }).test({ name: "b" })).toBe(true);
  });
});

describe("one datum path: the replica's and the server's decoding share the shape logic", () => {
  const tags = t.columns.get("tags")!.type;
  it("the same values are accepted, with each side's words for refusals", () => {
    for (const json of [["set", ["b", "a"]], "a", ["set", []]]) {
      expect(decodeDatumWith(tags, json, clientDatumReporter())).toEqual(expect.anything());
      expect(decodeDatum(tags, json)).toEqual(expect.anything());
    }
    expect(decodeDatum(tags, ["set", ["b", "a"]])).toEqual(["a", "b"]);
    expect(outcome(() => decodeDatum(tags, ["set", ["a", "b", "c"]]))).toBe("syntax error: set must have 0 to 2 members but 3 are present");
    expect(outcome(() => decodeDatumWith(tags, ["set", ["a", "b", "c"]], clientDatumReporter()))).toBe("type error: expected at most 2 element(s), got 3");
    expect(outcome(() => decodeDatum(tags, ["set", ["a", "a"]]))).toBe("ovsdb error: set contains duplicate");
    expect(outcome(() => decodeDatumWith(tags, ["set", ["a", "a"]], clientDatumReporter()))).toBe('type error: set contains duplicate value "a"');
  });
});
