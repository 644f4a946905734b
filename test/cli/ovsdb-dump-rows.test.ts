/**
 * The fast paths of `ovn-ts ovsdb dump`'s row work against plain reference versions written here
 * (the generic checks and full comparator sort dump used before): per-column cell checkers give the
 * same verdict as one generic check on random values of random column types, good and bad; the
 * row order that skips constant columns and prepares passes lazily equals a full sort on every
 * pass column.
 */
import { describe, expect, it } from "vitest";
import { BAD, NUMERIC, PLAIN, cellCheck, compareDatumJson, rowOrder } from "../../src/cli/ovsdb/dump-rows.js";
import type { AtomicType, BaseType, ColumnType } from "../../src/ovsdb/schema/types.js";
import { isUuid } from "../../src/ovsdb/wire/notation.js";
import { prng as rng } from "../support/prng.js";

const TYPES: AtomicType[] = ["integer", "real", "boolean", "string", "uuid"];

function checkAtomRef(b: BaseType, j: unknown): number {
  switch (b.type) {
    case "string":
      return typeof j === "string" ? PLAIN : BAD;
    case "uuid":
      return Array.isArray(j) && j.length === 2 && j[0] === "uuid" && isUuid(j[1]) ? PLAIN : BAD;
    case "boolean":
      return typeof j === "boolean" ? PLAIN : BAD;
    case "integer":
      if (typeof j === "bigint") return NUMERIC;
      return typeof j === "number" && Number.isInteger(j) ? (Number.isSafeInteger(j) ? PLAIN : NUMERIC) : BAD;
    case "real":
      if (typeof j === "bigint") return NUMERIC;
      return typeof j === "number" ? (Number.isSafeInteger(j) ? PLAIN : NUMERIC) : BAD;
  }
}

/** The reference: one generic check of a cell's JSON against a column type. */
function checkDatumRef(t: ColumnType, j: unknown): number {
  let k = PLAIN;
  if (t.value) {
    if (!Array.isArray(j) || j.length !== 2 || j[0] !== "map" || !Array.isArray(j[1])) return BAD;
    for (const pair of j[1] as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) return BAD;
      const a = checkAtomRef(t.key, pair[0]);
      const b = checkAtomRef(t.value, pair[1]);
      if (a === BAD || b === BAD) return BAD;
      if (a === NUMERIC || b === NUMERIC) k = NUMERIC;
    }
    return k;
  }
  if (Array.isArray(j) && j[0] === "set") {
    if (j.length !== 2 || !Array.isArray(j[1])) return BAD;
    for (const e of j[1] as unknown[]) {
      const a = checkAtomRef(t.key, e);
      if (a === BAD) return BAD;
      if (a === NUMERIC) k = NUMERIC;
    }
    return k;
  }
  return checkAtomRef(t.key, j);
}

function randomType(r: () => number): ColumnType {
  const key: BaseType = { type: TYPES[Math.floor(r() * TYPES.length)]! };
  const kind = r();
  if (kind < 0.3) return { key, min: 1, max: 1 };
  if (kind < 0.7) return { key, min: 0, max: "unlimited" };
  return { key, value: { type: TYPES[Math.floor(r() * TYPES.length)]! }, min: 0, max: "unlimited" };
}

const UUIDS = ["00000000-0000-0000-0000-000000000001", "0a1b2c3d-1111-4222-8333-444455556666", "ffffffff-ffff-4fff-bfff-ffffffffffff"];

/** A random atom of type `t`, or (one time in `badOdds`) something else. */
function randomAtom(r: () => number, t: AtomicType, badOdds: number): unknown {
  if (r() < 1 / badOdds) {
    const junk = [null, {}, [], ["uuid"], ["uuid", "nope"], ["set", []], 1.5, 2 ** 60, 7n, "s", true, undefined, ["named-uuid", "x"]];
    return junk[Math.floor(r() * junk.length)];
  }
  switch (t) {
    case "integer":
      return r() < 0.1 ? 2n ** 62n : r() < 0.1 ? 2 ** 55 : Math.floor(r() * 7) - 3;
    case "real":
      return r() < 0.3 ? Math.floor(r() * 5) / 2 : Math.floor(r() * 5);
    case "boolean":
      return r() < 0.5;
    case "string":
      return ["", "a", "b", "ab", "\u00e9", "\ud83d\ude00", "\uffff", "z"][Math.floor(r() * 8)];
    case "uuid":
      return ["uuid", UUIDS[Math.floor(r() * UUIDS.length)]];
  }
}

/** A random cell of column type `t` (sometimes malformed when `badOdds` is finite). */
function randomCell(r: () => number, t: ColumnType, badOdds = Infinity): unknown {
  const n = Math.floor(r() * 3);
  if (t.value) {
    if (r() < 1 / badOdds) return [["map", []], ["map"], ["set", []], "map", ["map", [["k"]]]][Math.floor(r() * 5)];
    return ["map", Array.from({ length: n }, () => [randomAtom(r, t.key.type, badOdds), randomAtom(r, t.value!.type, badOdds)])];
  }
  if (t.max === 1 || r() < 0.3) return randomAtom(r, t.key.type, badOdds);
  if (r() < 1 / badOdds) return [["set"], ["set", 1], ["set", [], 1]][Math.floor(r() * 3)];
  return ["set", Array.from({ length: n }, () => randomAtom(r, t.key.type, badOdds))];
}

describe("dump row work: fast paths against the reference", () => {
  it("per-column cell checkers give the generic check's verdict on random good and bad cells", () => {
    const r = rng(19);
    let bad = 0;
    for (let k = 0; k < 400; k++) {
      const t = randomType(r);
      const check = cellCheck(t);
      for (let i = 0; i < 50; i++) {
        const j = randomCell(r, t, 6);
        const want = checkDatumRef(t, j);
        if (want === BAD) bad++;
        expect(check(j), `${JSON.stringify(t)} ${String(j)}`).toBe(want);
      }
    }
    expect(bad).toBeGreaterThan(1000); // the bad paths were exercised too
  });

  it("the row order equals a full sort on every pass column (random tables, many ties and constant columns)", () => {
    const r = rng(7);
    for (let k = 0; k < 150; k++) {
      const types = Array.from({ length: 1 + Math.floor(r() * 5) }, () => randomType(r));
      // Some columns hold one value in every row, others few distinct values: ties reach later passes.
      const constant = types.map(() => r() < 0.4);
      const pools = types.map((t) => Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomCell(r, t)));
      const rows = Array.from({ length: Math.floor(r() * 40) }, () => types.map((_, x) => (constant[x] ? pools[x]![0] : pools[x]![Math.floor(r() * pools[x]!.length)])));
      const passes = [...types.keys()].filter((x) => types[x]!.key.type !== "uuid").concat([...types.keys()].filter((x) => types[x]!.key.type === "uuid"));
      const want = rows.map((_, i) => i);
      want.sort((a, b) => {
        for (const x of passes) {
          const c = compareDatumJson(rows[a]![x], rows[b]![x], types[x]!.value !== undefined);
          if (c) return c;
        }
        return 0;
      });
      expect(rowOrder(types, rows, (row, x) => row[x])).toEqual(want);
    }
  });

  it("compareDatumJson's string shortcut orders by UTF-8 bytes, as for any other atom", () => {
    const strings = ["", "a", "ab", "b", "\u00e9", "\uffff", "\ud83d\ude00", "z"];
    for (const a of strings) {
      for (const b of strings) {
        const bytes = Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(Math.sign(compareDatumJson(a, b, false))).toBe(bytes);
        expect(Math.sign(compareDatumJson(["set", [a]], ["set", [b]], false))).toBe(bytes);
      }
    }
  });
});
