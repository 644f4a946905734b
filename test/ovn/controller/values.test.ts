/** Minimal column diffs: scalars update, sets change element by element, maps key by key (whole or onlyKeys), bad values are typed errors. */
import { describe, expect, it } from "vitest";
import type { ColumnType } from "../../../src/ovsdb/schema/types.js";
import { OvsdbTypeError } from "../../../src/ovsdb/index.js";
import { diffColumn, onlyKeys } from "../../../src/ovn/index.js";
import { normalized } from "../../../src/ovn/controller/values.js";

const scalar: ColumnType = { key: { type: "string" }, min: 1, max: 1 };
const optional: ColumnType = { key: { type: "integer", minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 };
const set: ColumnType = { key: { type: "string" }, min: 0, max: "unlimited" };
const map: ColumnType = { key: { type: "string" }, value: { type: "string" }, min: 0, max: "unlimited" };
const m = (o: Record<string, string>) => new Map(Object.entries(o));
const big = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

describe("diffColumn", () => {
  const cases: [string, ColumnType, unknown, unknown, unknown][] = [
    ["equal scalar", scalar, "a", "a", undefined],
    ["changed scalar", scalar, "a", "b", { kind: "set", value: "b" }],
    ["optional set", optional, undefined, 7, { kind: "set", value: 7 }],
    ["optional cleared", optional, 7, undefined, { kind: "set", value: undefined }],
    ["equal set, other order", set, ["a", "b"], ["b", "a"], undefined],
    ["set: one out, one in", set, ["a", "b"], ["b", "c"], { kind: "mutate", remove: ["a"], add: ["c"] }],
    ["equal map", map, m({ a: "1" }), { a: "1" }, undefined],
    ["whole map: changed, removed, added", map, m({ a: "1", b: "2", c: "3" }), { a: "9", c: "3", d: "4" }, { kind: "mutate", remove: ["a", "b"], add: m({ a: "9", d: "4" }) }],
    ["onlyKeys: others stay", map, m({ a: "1", b: "2" }), onlyKeys({ a: "1", c: "3" }), { kind: "mutate", remove: [], add: m({ c: "3" }) }],
    ["onlyKeys: undefined removes", map, m({ a: "1", b: "2" }), onlyKeys({ b: undefined, z: undefined }), { kind: "mutate", remove: ["b"], add: m({}) }],
    ["onlyKeys: nothing to do", map, m({ a: "1" }), onlyKeys({ a: "1", z: undefined }), undefined],
    // Duplicates in the desired list never hide a difference (nor make one), small or large.
    ["set with a duplicate, same atoms", set, ["a", "b"], ["a", "b", "a"], undefined],
    ["set with a duplicate in place of an atom", set, ["a", "b"], ["a", "a"], { kind: "mutate", remove: ["b"], add: [] }],
    ["large equal set, other order", set, big(40), big(40).reverse(), undefined],
    ["large set with a duplicate in place of an atom", set, big(40), [...big(39), "p0"], { kind: "mutate", remove: ["p39"], add: [] }],
    ["large set with a duplicate, same atoms", set, big(40), [...big(40), "p3"], undefined],
    ["large set: one out, one in", set, big(40), [...big(39), "q"], { kind: "mutate", remove: ["p39"], add: ["q"] }],
  ];
  for (const [name, type, current, desired, expected] of cases) {
    it(name, () => expect(diffColumn(type, current as never, desired, "T", "c")).toEqual(expected));
  }
  it("refuses a value outside the column's constraints, naming table and column", () => {
    expect(() => diffColumn(optional, undefined, 5000, "Logical_Switch_Port", "tag")).toThrow(OvsdbTypeError);
    expect(() => diffColumn(optional, undefined, 5000, "Logical_Switch_Port", "tag")).toThrow(/Logical_Switch_Port\.tag/);
    expect(() => diffColumn(map, new Map(), { a: 1 }, "T", "options")).toThrow(OvsdbTypeError);
  });
});

describe("normalized over columns of plain strings (the fast path) gives the generic path's value and wire form", () => {
  const optionalString: ColumnType = { key: { type: "string" }, min: 0, max: 1 };
  const bounded: ColumnType = { key: { type: "string" }, min: 1, max: 2 };
  const cases: [string, ColumnType, unknown, unknown, unknown][] = [
    ["scalar", scalar, "a", "a", "a"],
    ["scalar given as a one-element array", scalar, ["a"], ["a"], "a"],
    ["optional", optionalString, "a", "a", ["set", ["a"]]],
    ["set, duplicates dropped", set, ["a", "b", "a"], ["a", "b"], ["set", ["a", "b"]]],
    ["empty set", set, [], [], ["set", []]],
    ["map from an object", map, { a: "1", b: "2" }, m({ a: "1", b: "2" }), ["map", [["a", "1"], ["b", "2"]]]],
    ["map from a Map", map, m({ a: "1" }), m({ a: "1" }), ["map", [["a", "1"]]]],
    ["map from onlyKeys (undefined left out)", map, onlyKeys({ a: "1", z: undefined }), m({ a: "1" }), ["map", [["a", "1"]]]],
  ];
  for (const [name, type, given, value, json] of cases) {
    it(name, () => expect(normalized(type, given, "T", "c")).toEqual({ value, json }));
  }
  it("a Map given is kept as given (create copies it before stamping the identity)", () => {
    const given = m({ a: "1" });
    expect(normalized(map, given, "T", "c").value).toBe(given);
  });
  const bad: [string, ColumnType, unknown][] = [
    ["a number in a string set", set, ["a", 1]],
    ["a number as a map value", map, { a: 1 }],
    ["too many elements", bounded, ["a", "b", "c"]],
    ["too few elements", bounded, []],
    ["a number for a scalar", scalar, 1],
  ];
  for (const [name, type, given] of bad) {
    it(`refuses ${name} with the generic path's typed error`, () => expect(() => normalized(type, given, "T", "c")).toThrow(OvsdbTypeError));
  }
});

describe("diffColumn over maps, random current and desired values", () => {
  /** The minimal key-by-key change written out independently: undefined when nothing differs. */
  function reference(cur: ReadonlyMap<string, string> | undefined, desired: Record<string, string | undefined>, only: boolean): unknown {
    const c = cur ?? new Map<string, string>();
    const remove: string[] = [];
    const add = new Map<string, string>();
    for (const [k, v] of Object.entries(desired)) {
      if (v === undefined) {
        if (c.has(k)) remove.push(k);
      } else if (!c.has(k)) add.set(k, v);
      else if (c.get(k) !== v) {
        remove.push(k);
        add.set(k, v);
      }
    }
    if (!only) for (const k of c.keys()) if (!(k in desired)) remove.push(k);
    return remove.length || add.size ? { kind: "mutate", remove, add } : undefined;
  }
  it("equals the reference (whole maps and onlyKeys; equal maps most often, as on a no-op apply)", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const keys = ["a", "b", "c", "d"];
    const vals = ["1", "2"];
    for (let n = 0; n < 3000; n++) {
      const cur = rnd() < 0.1 ? undefined : new Map(keys.filter(() => rnd() < 0.5).map((k) => [k, vals[Math.floor(rnd() * 2)]!] as [string, string]));
      const only = rnd() < 0.5;
      const desired: Record<string, string | undefined> = {};
      if (rnd() < 0.5 && cur) for (const [k, v] of cur) desired[k] = v; // often equal
      else for (const k of keys) if (rnd() < 0.5) desired[k] = only && rnd() < 0.3 ? undefined : vals[Math.floor(rnd() * 2)]!;
      const given = only ? onlyKeys(desired) : Object.fromEntries(Object.entries(desired).filter(([, v]) => v !== undefined));
      const want = reference(cur, only ? desired : (given as Record<string, string>), only);
      expect(diffColumn(map, cur as never, given, "T", "c")).toEqual(want);
    }
  });
});
