/**
 * OFPBMC_BAD_WILDCARDS (a value bit outside its mask, Open vSwitch's is_mask_consistent()) judged the
 * same from an entry's numbers (decoded / matchFieldNum entries, up to 6 bytes) and from its bytes
 * (matchField entries), including the high 16 bits of a 48-bit field, which the numbers hold apart.
 */
import { describe, expect, it } from "vitest";
import { matchEntriesError } from "../../src/openflow/match-checks.js";
import { matchField, matchFieldNum } from "../../src/openflow/oxm.js";

const bytes = (n: number, len: number) => Uint8Array.from({ length: len }, (_, i) => Math.floor(n / 2 ** (8 * (len - 1 - i))) % 256);

const CASES: [string, number, number, number, boolean][] = [
  // field, bytes, value, mask, consistent
  ["eth_src", 6, 0x0a0000000001, 0xff0000000001, true],
  ["eth_src", 6, 0xa00000000001, 0xf00000000001, true],
  ["eth_src", 6, 0x0b0000000000, 0xf00000000000, false], // a high-half bit outside
  ["eth_dst", 6, 0x000000000003, 0xff00000000fe, false], // a low-half bit outside
  ["eth_dst", 6, 0xffffffffffff, 0xffffffffffff, true],
  ["reg0", 4, 0x80000001, 0x80000001, true],
  ["reg0", 4, 0x80000001, 0x00000001, false], // bit 31 outside
  ["metadata", 8, 0, 0, true],
];

describe("a masked entry's value bits outside its mask", () => {
  for (const [field, len, value, mask, ok] of CASES) {
    it(`${field}=${value.toString(16)}/${mask.toString(16)}: ${ok ? "accepted" : "OFPBMC_BAD_WILDCARDS"}`, () => {
      const want = ok ? undefined : "OFPBMC_BAD_WILDCARDS";
      expect(matchEntriesError([matchField(field, bytes(value, len), bytes(mask, len))])).toBe(want);
      if (len <= 6) expect(matchEntriesError([matchFieldNum(field, value, mask)])).toBe(want);
    });
  }
});
