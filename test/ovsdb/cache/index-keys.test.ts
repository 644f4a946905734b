import { describe, expect, it } from "vitest";
import { columnsKey, datumKey, valuesKey } from "../../../src/ovsdb/cache/indexes.js";
import type { Datum } from "../../../src/ovsdb/schema/datum.js";

/** The typed key the replica's indexes used before strings became their own keys (every atom with its type). */
function typedKey(v: Datum): string {
  if (v === undefined) return "∅";
  if (v instanceof Map) return `{${[...v.entries()].map(([k, x]) => `${typeof k}:${String(k)}=${typeof x}:${String(x)}`).sort().join(",")}}`;
  if (Array.isArray(v)) {
    const atoms = v.map((a) => `${typeof a}:${String(a)}`).sort();
    return atoms.length === 1 ? atoms[0]! : `[${atoms.join(",")}]`;
  }
  return `${typeof v}:${String(v)}`;
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Strings chosen to collide with other encodings if the key scheme were ambiguous.
const STRINGS = ["", "a", "b", "\u0001", "\u0001a", "\u0001string:a", "string:a", "number:1", "boolean:true", "∅", "[]", "{}", "a\u0000b", "a,b", "\u0001number:1", "\u0001∅", "[string:a,string:b]"];

function atom(r: () => number): string | number | boolean {
  const x = r();
  if (x < 0.6) return STRINGS[Math.floor(r() * STRINGS.length)]!;
  if (x < 0.85) return Math.floor(r() * 3);
  return r() < 0.5;
}

function datum(r: () => number): Datum {
  const x = r();
  if (x < 0.45) return atom(r) as Datum;
  if (x < 0.5) return undefined;
  if (x < 0.8) return Array.from({ length: Math.floor(r() * 3) }, () => atom(r)) as Datum;
  const m = new Map<string | number | boolean, string | number | boolean>();
  for (let i = Math.floor(r() * 3); i > 0; i--) m.set(atom(r), atom(r));
  return m as Datum;
}

describe("replica index keys", () => {
  it("a string is its own key; a set of one string has the string's key", () => {
    expect(datumKey("sw0")).toBe("sw0");
    expect(datumKey(["sw0"])).toBe("sw0");
    expect(valuesKey(["sw0"])).toBe("sw0");
    expect(columnsKey({ name: "sw0" }, ["name"])).toBe("sw0");
  });

  it("keys are equal exactly when the typed keys are (random values, one column and two)", () => {
    const r = rng(15);
    const values = Array.from({ length: 400 }, () => datum(r));
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        const a = values[i]!;
        const b = values[j]!;
        expect(datumKey(a) === datumKey(b), `${typedKey(a)} vs ${typedKey(b)}`).toBe(typedKey(a) === typedKey(b));
      }
    }
    for (let n = 0; n < 20000; n++) {
      const a: Datum[] = [values[Math.floor(r() * values.length)], values[Math.floor(r() * values.length)]];
      const b: Datum[] = r() < 0.3 ? [a[0], values[Math.floor(r() * values.length)]] : [values[Math.floor(r() * values.length)], values[Math.floor(r() * values.length)]];
      const same = typedKey(a[0]) === typedKey(b[0]) && typedKey(a[1]) === typedKey(b[1]);
      expect(valuesKey(a) === valuesKey(b)).toBe(same);
      expect(columnsKey({ x: a[0], y: a[1] }, ["x", "y"])).toBe(valuesKey(a));
    }
  });
});
