/**
 * OFPBMC_BAD_WILDCARDS (a value bit outside its mask, Open vSwitch's is_mask_consistent()) judged the
 * same from an entry's numbers (decoded / matchFieldNum entries, up to 6 bytes) and from its bytes
 * (matchField entries), including the high 16 bits of a 48-bit field, which the numbers hold apart; and a
 * wider entry judged the same decoded (from the message's bytes, no views made) and built.
 */
import { describe, expect, it } from "vitest";
import { Reader } from "../../src/bytes/reader.js";
import { matchEntriesError, maskConsistent } from "../../src/openflow/match-checks.js";
import { decodeMatch, fieldByName, fieldValueOutsideMask, matchField, matchFieldNum } from "../../src/openflow/oxm.js";

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

/** An `ofp_match` of one masked OXM entry, built by hand (header from the field table, then value and mask). */
function wireMatch(field: string, value: Uint8Array, mask: Uint8Array): Uint8Array {
  const h = ((fieldByName(field)!.header & 0xfffffe00) | 0x100 | (2 * value.length)) >>> 0;
  const len = 4 + 4 + 2 * value.length;
  const out = new Uint8Array((len + 7) & ~7);
  out.set([0, 1, len >> 8, len & 0xff, h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff], 0);
  out.set(value, 8);
  out.set(mask, 8 + value.length);
  return out;
}

const WIDE: [string, number, number, boolean][] = [
  // field, bytes, index of the one value byte set (0xf0), consistent when the mask byte there is 0xf0
  ["metadata", 8, 0, true],
  ["metadata", 8, 7, false],
  ["ct_label", 16, 3, true],
  ["ct_label", 16, 15, false],
  ["ipv6_src", 16, 8, false],
];

describe("a masked entry wider than 6 bytes, decoded (read from the message's bytes) and built (from its byte arrays)", () => {
  for (const [field, len, at, ok] of WIDE) {
    it(`${field}, value byte ${at} outside the mask: ${!ok}`, () => {
      const value = new Uint8Array(len);
      value[at] = 0xf0;
      const mask = new Uint8Array(len).fill(0x0f);
      if (ok) mask[at] = 0xf0;
      const want = ok ? undefined : "OFPBMC_BAD_WILDCARDS";
      const decoded = decodeMatch(new Reader(wireMatch(field, value, mask), "openflow"));
      expect(decoded.map((e) => e.field)).toEqual([field]);
      expect(matchEntriesError(decoded)).toBe(want);
      expect(maskConsistent(decoded[0]!)).toBe(ok);
      expect(matchEntriesError([matchField(field, value, mask)])).toBe(want);
      expect(fieldValueOutsideMask(matchField(field, value, mask))).toBe(!ok);
      // the views, made after the check, still show the message's bytes
      expect([...decoded[0]!.value]).toEqual([...value]);
      expect([...decoded[0]!.mask!]).toEqual([...mask]);
    });
  }
});
