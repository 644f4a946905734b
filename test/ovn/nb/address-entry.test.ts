import { describe, expect, it } from "vitest";
import { checkAddressEntry, checkAddressWords } from "../../../src/ovn/nb/helpers.js";
import { OvnInvalidArgumentError } from "../../../src/ovn/errors.js";

/** A small deterministic PRNG (mulberry32). */
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

const outcome = (f: (e: string) => string, e: string): string => {
  try {
    return `ok:${f(e)}`;
  } catch (x) {
    if (!(x instanceof OvnInvalidArgumentError)) throw x;
    return `error:${x.message}`;
  }
};

describe("checkAddressEntry", () => {
  it("answers as the word-by-word check on every entry (randomized, near the fast path's edges)", () => {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const octet = () => (r() < 0.8 ? String(Math.floor(r() * 256)) : pick(["256", "300", "01", "001", "a", ""]));
    const hex = () => (r() < 0.95 ? pick(["00", "0a", "ff", "FF", "aB", "5a", "19"]) : pick(["0", "000", "g0"]));
    const mac = () => Array.from({ length: r() < 0.9 ? 6 : pick([5, 7]) }, hex).join(r() < 0.95 ? ":" : "-");
    const ip4 = () => Array.from({ length: r() < 0.9 ? 4 : pick([3, 5]) }, octet).join(".") + (r() < 0.85 ? "" : pick(["/24", "/33"]));
    const other = () => pick(["dynamic", "router", "unknown", "fe80::1", "2001:db8::5", "10.0.0.1", ""]);
    // Mostly "MAC IP" (the fast path's shape), then anything in any order.
    const words = (n: number) => (r() < 0.6 ? [mac(), ...Array.from({ length: n - 1 }, ip4)] : Array.from({ length: n }, () => pick([mac, ip4, other])()));
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = pick([1, 2, 2, 2, 3]);
      const sep = () => pick([" ", " ", " ", "  ", "\t"]);
      let e = words(n).join(sep());
      if (r() < 0.05) e = ` ${e}`;
      if (r() < 0.05) e = `${e} `;
      const a = outcome(checkAddressEntry, e);
      expect(a).toBe(outcome(checkAddressWords, e));
      if (a.startsWith("ok:") && /^\S+ \d/.test(e)) fast++;
    }
    expect(fast).toBeGreaterThan(1000);
  });

  it.each([
    ["0a:5a:00:00:00:01 10.64.0.1", true],
    ["0A:5a:00:00:00:01 255.255.255.255", true],
    ["0a:5a:00:00:00:01 10.64.0.1 fd00::1", true],
    ["0a:5a:00:00:00:01 10.64.0.256", false],
    ["0a:5a:00:00:00 10.64.0.1", false],
    ["dynamic", true],
    ["", false],
  ])("%s", (e, ok) => {
    expect(outcome(checkAddressEntry, e).startsWith("ok:")).toBe(ok);
  });
});
