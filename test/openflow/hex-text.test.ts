/**
 * hex32() and bhex() print hex digits from byte tables for 32-bit values: they must agree with
 * toString(16) for every kind of number (edges of each byte length, random 32-bit values, and the values
 * they leave to toString: negative, fractional, past 32 bits, not finite).
 */
import { describe, expect, it } from "vitest";
import { bhex, hex32 } from "../../src/openflow/text/values.js";
import { prng } from "../support/prng.js";

describe("hex32 and bhex = toString(16)", () => {
  it("agree on edges, random 32-bit values and other numbers", () => {
    const edges = [0, 1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0xffffff, 0x1000000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const others = [-0, -1, -0x80000000, 0.5, 1.5, 0x100000000, 2 ** 53 - 1, NaN, Infinity, -Infinity];
    const rnd = prng(0x4e7);
    const random = Array.from({ length: 20000 }, () => Math.floor(rnd() * 2 ** 32) >>> Math.floor(rnd() * 32));
    for (const x of [...edges, ...others, ...random]) expect(hex32(x), String(x)).toBe(x.toString(16));
    for (const x of [...edges, ...random]) expect(bhex(BigInt(x))).toBe(BigInt(x).toString(16));
    for (const v of [-1n, -0x100n, 0x100000000n, 0xffffffffffffffffn, 1n << 100n]) expect(bhex(v)).toBe(v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v).toString(16) : v.toString(16));
  });
});
