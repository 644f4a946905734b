import { describe, expect, it } from "vitest";
import { checkAtom } from "../../../src/ovsdb/schema/datum.js";
import { applyMutation, mutationArgumentTypes, setMutationDelta, typeToEnglish } from "../../../src/ovsdb/schema/mutation.js";
import type { ColumnSchema } from "../../../src/ovsdb/schema/schema.js";
import type { ColumnType } from "../../../src/ovsdb/schema/types.js";

const col = (name: string, type: ColumnType): ColumnSchema => ({ name, type, ephemeral: false, mutable: true });
const int: ColumnType = { key: { type: "integer" }, min: 1, max: 1 };
const iset: ColumnType = { key: { type: "integer" }, min: 0, max: "unlimited" };
const smap: ColumnType = { key: { type: "string" }, value: { type: "string" }, min: 0, max: "unlimited" };

describe("mutations", () => {
  it("does C integer arithmetic with 64-bit overflow checks", () => {
    expect(applyMutation(int, -7, "/=", 2, checkAtom)).toBe(-3);
    expect(applyMutation(int, -7, "%=", 2, checkAtom)).toBe(-1);
    expect(() => applyMutation(int, 1, "/=", 0, checkAtom)).toThrow(/Division by zero/);
    // Beyond 2^53-1 results are bigint, exact to the 64-bit limits.
    expect(applyMutation(int, Number.MAX_SAFE_INTEGER, "+=", 1, checkAtom)).toBe(2n ** 53n);
    expect(applyMutation(int, 2n ** 53n, "-=", 1, checkAtom)).toBe(Number.MAX_SAFE_INTEGER);
    expect(applyMutation(int, 3037000499, "*=", 3037000499, checkAtom)).toBe(3037000499n * 3037000499n);
    expect(() => applyMutation(int, 3037000500, "*=", 3037000500, checkAtom)).toThrow(/out of range/);
    expect(() => applyMutation(int, 2n ** 63n - 1n, "+=", 1, checkAtom)).toThrow(/Result of "\+=" operation is out of range/);
    expect(() => applyMutation(int, -(2n ** 63n), "/=", -1, checkAtom)).toThrow(/out of range/);
    // ovsdb-server's own overflow tests, kept exactly (checked against ovsdb-server 3.1 in test/conformance):
    expect(() => applyMutation(int, -(2n ** 63n), "%=", -1, checkAtom)).toThrow(/Result of "%=" operation is out of range/);
    expect(applyMutation(int, -(2n ** 63n), "*=", -1, checkAtom)).toBe(-(2n ** 63n));
    expect(() => applyMutation(int, 2n ** 63n - 1n, "*=", 1, checkAtom)).toThrow(/out of range/);
  });
  it("applies arithmetic to every set element and rejects duplicates", () => {
    expect(applyMutation(iset, [1, 2], "+=", 10, checkAtom)).toEqual([11, 12]);
    expect(() => applyMutation(iset, [1, 2], "*=", 0, checkAtom)).toThrow(/contains duplicates/);
  });
  it("inserts into maps without replacing, deletes by pair or by key", () => {
    const m = new Map([["a", "1"]]);
    expect([...(applyMutation(smap, m, "insert", new Map([["a", "2"], ["b", "2"]]), checkAtom) as Map<string, string>)]).toEqual([["a", "1"], ["b", "2"]]);
    expect((applyMutation(smap, m, "delete", new Map([["a", "2"]]), checkAtom) as Map<string, string>).size).toBe(1);
    expect((applyMutation(smap, m, "delete", ["a"], checkAtom) as Map<string, string>).size).toBe(0);
  });
  it("mutates big sets through their membership set, each result its own, and says what changed", () => {
    const sset: ColumnType = { key: { type: "string" }, min: 0, max: "unlimited" };
    const base = Array.from({ length: 100 }, (_, i) => `e${i}`);
    // A chain of few-element mutations, as adding ports one at a time does; every value stays as it was made.
    const v1 = applyMutation(sset, base, "insert", ["e5", "x1", "x1"], checkAtom) as string[];
    expect(setMutationDelta(base, v1)).toMatchObject({ added: ["x1"], removed: [] });
    const v2 = applyMutation(sset, v1, "insert", ["x2", "e7"], checkAtom) as string[];
    // The delta against the value it was made from, and none against any other value.
    expect(setMutationDelta(v1, v2)).toMatchObject({ added: ["x2"], removed: [] });
    expect(setMutationDelta(base, v2)).toBeUndefined();
    expect(setMutationDelta(v2, v1)).toBeUndefined();
    const v3 = applyMutation(sset, v2, "delete", ["e0", "x1", "nope"], checkAtom) as string[];
    expect(setMutationDelta(v2, v3)).toMatchObject({ added: [], removed: ["e0", "x1"] });
    const v4 = applyMutation(sset, v3, "insert", ["e0", "x1"], checkAtom) as string[];
    expect(v1).toEqual([...base, "x1"]);
    expect(v2).toEqual([...base, "x1", "x2"]);
    expect(v3).toEqual([...base.slice(1), "x2"]);
    expect(v4).toEqual([...base.slice(1), "x2", "e0", "x1"]);
    expect(base).toHaveLength(100);
    // An older value mutated again (its membership set moved on) gives the right answer too.
    expect(applyMutation(sset, v1, "insert", ["x2", "e0"], checkAtom)).toEqual([...base, "x1", "x2"]);
    expect(applyMutation(sset, v2, "delete", ["x1"], checkAtom)).toEqual([...base, "x2"]);
    // More big sets than the cache holds, mutated in turn, stay right.
    const many = Array.from({ length: 20 }, (_, k) => base.map((e) => `${k}-${e}`));
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < many.length; k++) many[k] = applyMutation(sset, many[k], "insert", [`${k}-r${round}`, `${k}-e1`], checkAtom) as string[];
    }
    for (let k = 0; k < many.length; k++) expect(many[k]).toEqual([...base.map((e) => `${k}-${e}`), `${k}-r0`, `${k}-r1`, `${k}-r2`]);
    // Size limits still apply.
    const capped: ColumnType = { key: { type: "string" }, min: 0, max: 100 };
    expect(() => applyMutation(capped, base, "insert", ["y"], checkAtom)).toThrow(/Attempted to store 101 elements/);
  });
  it("checks set sizes with ovsdb-server's words", () => {
    const small: ColumnType = { key: { type: "string" }, min: 0, max: 2 };
    expect(() => applyMutation(small, ["a", "b"], "insert", ["c"], checkAtom)).toThrow("Attempted to store 3 elements in set of up to 2 strings.");
    expect(typeToEnglish(smap)).toBe("map of (string, string) pairs");
  });
  it("rejects mutators that do not fit the column type", () => {
    expect(() => mutationArgumentTypes(col("m", smap), "+=")).toThrow(/Type mismatch/);
    expect(() => mutationArgumentTypes(col("i", int), "insert")).toThrow(/Type mismatch/);
    expect(mutationArgumentTypes(col("m", smap), "delete")).toHaveLength(2);
  });
});
