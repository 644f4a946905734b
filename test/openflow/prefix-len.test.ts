/**
 * prefixLen() of masks wider than 48 bits (IPv6 addresses, 64-bit fields) finds the prefix's length 32
 * bits per step: it must agree with a bit-by-bit reading (the reference below) for prefix masks of every
 * length, masks one bit off a prefix, and random masks.
 */
import { describe, expect, it } from "vitest";
import { ones, prefixLen } from "../../src/openflow/text/values.js";
import { prng } from "../support/prng.js";

/** Reference: n when the low `bits` bits of `mask` are n leading ones and then zeros, by single-bit steps. */
function reference(mask: bigint, bits: number): number | undefined {
  const inv = ones(bits) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return undefined;
  let n = bits;
  for (let x = inv; x; x >>= 1n) n--;
  return n;
}

describe("prefixLen of wide masks", () => {
  it("agrees with a bit-by-bit reading", () => {
    const rnd = prng(0x9f1);
    for (const bits of [49, 63, 64, 65, 96, 127, 128]) {
      for (let n = 0; n <= bits; n++) {
        const prefix = n === 0 ? 0n : ones(n) << BigInt(bits - n);
        expect(prefixLen(prefix, bits), `/${n} of ${bits}`).toBe(n);
        expect(prefixLen(prefix, bits)).toBe(reference(prefix, bits));
        const flipped = prefix ^ (1n << BigInt(Math.floor(rnd() * bits)));
        expect(prefixLen(flipped, bits)).toBe(reference(flipped, bits));
      }
      for (let k = 0; k < 300; k++) {
        let m = 0n;
        for (let i = 0; i < bits; i += 16) m = (m << 16n) | BigInt(Math.floor(rnd() * 65536));
        m &= ones(bits);
        expect(prefixLen(m, bits)).toBe(reference(m, bits));
      }
    }
  });
});
