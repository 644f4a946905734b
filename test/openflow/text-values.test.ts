import { describe, expect, it } from "vitest";
import { bigToBytes, bytesToBig } from "../../src/bytes/hex.js";
import { bigIntToBytes, bytesToBigInt } from "../../src/openflow/text/values.js";
import { prng } from "../support/prng.js";

describe("flow text integer/byte conversions", () => {
  it("agree with the codec's bytesToBig/bigToBytes for every length 0..20 (random values, all-ones, zero)", () => {
    const r = prng(11);
    for (let n = 0; n <= 20; n++) {
      for (let k = 0; k < 40; k++) {
        const b = Uint8Array.from({ length: n }, () => (k === 0 ? 0 : k === 1 ? 255 : Math.floor(r() * 256)));
        const v = bytesToBig(b);
        expect(bytesToBigInt(b)).toBe(v);
        expect(Array.from(bigIntToBytes(v, n))).toEqual(Array.from(b));
        // wider values are truncated to n bytes, as bigToBytes does
        const wide = (v << 8n) | 0xabn | (1n << BigInt(n * 8 + 3));
        expect(Array.from(bigIntToBytes(wide, n))).toEqual(Array.from(bigToBytes(wide, n)));
      }
    }
  });
});
