/**
 * Writer.zeros writes short runs by unrolled stores: every length from 0 to 20, at every offset 0..9, over
 * caller memory filled with 0xff, zeroes exactly its bytes and moves the position by the length.
 */
import { describe, expect, it } from "vitest";
import { Writer } from "../../src/bytes/writer.js";

describe("Writer.zeros", () => {
  it("zeroes exactly n bytes at the position, for n = 0..20 at offsets 0..9", () => {
    for (let at = 0; at < 10; at++) {
      for (let n = 0; n <= 20; n++) {
        const mem = new Uint8Array(40).fill(0xff);
        const w = Writer.over("test", mem);
        w.pos = at;
        w.zeros(n);
        expect(w.pos).toBe(at + n);
        const want = new Uint8Array(40).fill(0xff);
        want.fill(0, at, at + n);
        expect(mem, `n=${n} at=${at}`).toEqual(want);
      }
    }
  });
});
