/**
 * `applyDiff` on large sets (a switch's ports): the membership set handed from value to value
 * gives the same results as the set arithmetic done from scratch, also when an old value is
 * diffed twice (two branches from one value) or a removed element comes back.
 */
import { describe, expect, it } from "vitest";
import { applyDiff, diffToJson } from "../../../src/ovsdb/schema/diff.js";
import type { Atom, ColumnType } from "../../../src/ovsdb/schema/types.js";

const T: ColumnType = { key: { type: "string" }, min: 0, max: "unlimited" };
const sorted = (v: unknown) => [...(v as Atom[])].map(String).sort();

/** The expected value: symmetric difference computed with plain sets. */
function expected(old: readonly string[], toggles: readonly string[]): string[] {
  const s = new Set(old);
  for (const t of toggles) if (s.has(t)) s.delete(t);
  else s.add(t);
  return [...s].sort();
}

describe("applyDiff on large sets", () => {
  const base = Array.from({ length: 1000 }, (_, i) => `p${i}`);
  const steps: string[][] = [["p1000"], ["p5", "p1001"], ["p5"], Array.from({ length: 20 }, (_, i) => `p${i * 7}`), ["p0", "p2000", "p3000"]];

  it("a chain of diffs agrees with set arithmetic at every step", () => {
    let cur: readonly string[] = base;
    let want: readonly string[] = base;
    for (const toggles of steps) {
      const next = applyDiff(T, cur, diffToJson(T, toggles)) as string[];
      want = expected(want, toggles);
      expect(sorted(next)).toEqual(want);
      expect(new Set(next).size).toBe(next.length);
      cur = next;
    }
  });

  it("the same old value diffed twice gives two independent results", () => {
    const one = applyDiff(T, base, diffToJson(T, ["p1", "p9999"])) as string[];
    const a = applyDiff(T, one, diffToJson(T, ["p2"])) as string[];
    const b = applyDiff(T, one, diffToJson(T, ["p3", "p1"])) as string[];
    expect(sorted(a)).toEqual(expected(expected(base, ["p1", "p9999"]), ["p2"]));
    expect(sorted(b)).toEqual(expected(expected(base, ["p1", "p9999"]), ["p3", "p1"]));
    // And the chain continues from either.
    expect(sorted(applyDiff(T, a, diffToJson(T, ["p2"])))).toEqual(expected(base, ["p1", "p9999"]));
    expect(sorted(applyDiff(T, b, diffToJson(T, ["p1"])))).toEqual(expected(expected(base, ["p1", "p9999"]), ["p3"]));
  });
});
