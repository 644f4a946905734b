import { describe, expect, it } from "vitest";
import { quickValid } from "../../../src/ovsdb/model/quick-check.js";
import { checkDatum, datumFromJson, datumToJson } from "../../../src/ovsdb/schema/datum.js";
import type { BaseType, ColumnType } from "../../../src/ovsdb/schema/types.js";

/** A small deterministic PRNG (mulberry32), so that a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The second and fourth are one UUID in two cases (the same atom once encoded).
const U = ["11111111-2222-4333-8444-555555555555", "AAAAAAAA-bbbb-4ccc-8ddd-eeeeeeeeeeee", "00000000-0000-0000-0000-000000000000", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"];
const NAMES = ["row1", "Logical_Switch_Port_7", "x"];
const STRINGS = ["", "a", "ab", "héllo", "0a:5a:00:00:00:01 10.64.0.1", "allow", "drop", "x".repeat(70), "bad\u{fffd}"];

function baseType(r: () => number): BaseType {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  switch (pick(["integer", "real", "boolean", "string", "uuid"] as const)) {
    case "integer":
      return r() < 0.3 ? { type: "integer", enum: [1, 2, 3] } : r() < 0.5 ? { type: "integer", minInteger: 0, maxInteger: 4095 } : { type: "integer" };
    case "real":
      return r() < 0.5 ? { type: "real", minReal: -1, maxReal: 1 } : { type: "real" };
    case "boolean":
      return { type: "boolean" };
    case "string":
      return r() < 0.3 ? { type: "string", enum: ["allow", "drop"] } : r() < 0.5 ? { type: "string", minLength: 1, maxLength: 63 } : { type: "string" };
    case "uuid":
      return { type: "uuid", refTable: "T" };
  }
}

function atom(r: () => number, b: BaseType): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // Now and then an atom of another type (the encoder refuses it).
  if (r() < 0.05) return pick<unknown>([1, "s", true, 2.5, 2n ** 60n, null, U[0]]);
  switch (b.type) {
    case "integer":
      return pick<unknown>([0, 1, 2, 3, 4, -1, 4095, 4096, 2n ** 60n, 2 ** 53, 1.5]);
    case "real":
      return pick<unknown>([0, 0.5, -1, 1, 2, -2.5, Infinity, NaN]);
    case "boolean":
      return pick([true, false]);
    case "string":
      return pick(STRINGS);
    case "uuid":
      return pick([...U, ...NAMES, "not-a-uuid-1"]);
  }
}

function columnType(r: () => number): ColumnType {
  const key = baseType(r);
  const shape = r();
  if (shape < 0.25) return { key, min: 1, max: 1 };
  if (shape < 0.45) return { key, min: 0, max: 1 };
  if (shape < 0.75) return { key, min: r() < 0.3 ? 1 : 0, max: r() < 0.3 ? 2 : "unlimited" };
  return { key, value: baseType(r), min: r() < 0.2 ? 1 : 0, max: r() < 0.3 ? 2 : "unlimited" };
}

function value(r: () => number, t: ColumnType): unknown {
  const n = Math.floor(r() * 4);
  if (t.value) {
    const m = new Map<unknown, unknown>();
    for (let i = 0; i < n; i++) m.set(atom(r, t.key), atom(r, t.value));
    return m;
  }
  if (t.max === 1 && t.min === 1 && r() < 0.7) return atom(r, t.key);
  const xs = Array.from({ length: n }, () => atom(r, t.key));
  if (n > 0 && r() < 0.2) xs.push(xs[0]); // a repeated element
  return xs;
}

/** The full check the builders ran before the quick path: decode the JSON back, then check every constraint. */
function fullCheck(t: ColumnType, json: unknown): boolean {
  try {
    return checkDatum(t, datumFromJson(t, json, { allowNamedUuid: true })) === undefined;
  } catch {
    return false;
  }
}

describe("quickValid (the builders' fast acceptance of an encoded value)", () => {
  it("accepts only what the full decode-and-check accepts, and accepts the usual values", () => {
    const r = rng(20261207);
    let accepted = 0;
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const t = columnType(r);
      const v = value(r, t);
      let json: unknown;
      try {
        json = datumToJson(t, v, { allowNamedUuid: true });
      } catch {
        continue; // the encoder refused the value: the quick path is never asked
      }
      const full = fullCheck(t, json);
      const quick = quickValid(t, json);
      if (quick && !full) throw new Error(`quickValid accepted an invalid value: type ${JSON.stringify(t)}, json ${JSON.stringify(json, (_k, x) => (typeof x === "bigint" ? `${x}n` : x))}`);
      if (full) valid++;
      if (quick) accepted++;
    }
    expect(valid).toBeGreaterThan(2000);
    // Everything valid but 64-bit integers beyond 2^53 (left to the full check) is taken by the quick path.
    expect(accepted / valid).toBeGreaterThan(0.9);
  });

  it.each<[string, ColumnType, unknown, boolean]>([
    ["a string set", { key: { type: "string" }, min: 0, max: "unlimited" }, ["set", ["a", "b"]], true],
    ["a repeated set element", { key: { type: "string" }, min: 0, max: "unlimited" }, ["set", ["a", "a"]], false],
    ["too many elements", { key: { type: "string" }, min: 0, max: 1 }, ["set", ["a", "b"]], false],
    ["an empty required set", { key: { type: "string" }, min: 1, max: "unlimited" }, ["set", []], false],
    ["a value outside the enum", { key: { type: "string", enum: ["allow"] }, min: 1, max: 1 }, "drop", false],
    ["a named-uuid", { key: { type: "uuid", refTable: "T" }, min: 0, max: "unlimited" }, ["set", [["named-uuid", "p1"]]], true],
    ["the same uuid twice", { key: { type: "uuid" }, min: 0, max: "unlimited" }, ["set", [["uuid", U[0]], ["uuid", U[0]]]], false],
    ["a map", { key: { type: "string" }, value: { type: "string" }, min: 0, max: "unlimited" }, ["map", [["a", "1"], ["b", "2"]]], true],
    ["a repeated map key", { key: { type: "string" }, value: { type: "string" }, min: 0, max: "unlimited" }, ["map", [["a", "1"], ["a", "2"]]], false],
    ["an integer out of range", { key: { type: "integer", minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 }, ["set", [4096]], false],
    ["a 64-bit integer (left to the full check)", { key: { type: "integer" }, min: 1, max: 1 }, 2n ** 60n, false],
  ])("%s", (_what, t, json, expected) => {
    expect(quickValid(t, json)).toBe(expected);
    if (expected) expect(fullCheck(t, json)).toBe(true);
  });
});
