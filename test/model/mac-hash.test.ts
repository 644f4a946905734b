import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ONE_BLOCK_MAX, sha256FirstWord } from "../../src/model/mac-hash.js";
import { deterministicMac } from "../../src/model/naming.js";
import { xorshift as rng } from "../support/prng.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789.-_/\u0000 ~\u007f";

function randomText(r: () => number, len: number, unicode: boolean): string {
  let s = "";
  for (let i = 0; i < len; i++) s += unicode && r() < 0.1 ? String.fromCodePoint(0x80 + Math.floor(r() * 0x2000)) : ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

/** The reference: node:crypto's SHA-256, first four bytes big-endian. */
const reference = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0);

describe("sha256FirstWord", () => {
  it("gives the known digests (FIPS 180-4 examples)", () => {
    expect(sha256FirstWord("")).toBe(0xe3b0c442);
    expect(sha256FirstWord("abc")).toBe(0xba7816bf);
  });

  it("equals node:crypto's SHA-256 for every ASCII length that fits one block", () => {
    const r = rng(7);
    for (let len = 0; len <= ONE_BLOCK_MAX; len++)
      for (let k = 0; k < 40; k++) {
        const text = randomText(r, len, false);
        expect(sha256FirstWord(text), JSON.stringify(text)).toBe(reference(text));
      }
  });

  it("declines longer texts and non-ASCII ones", () => {
    expect(sha256FirstWord("x".repeat(ONE_BLOCK_MAX + 1))).toBeUndefined();
    expect(sha256FirstWord("pod-é")).toBeUndefined();
    expect(sha256FirstWord("\u0080")).toBeUndefined();
  });
});

describe("deterministicMac", () => {
  it("is Kube-OVN's prefix and the first three bytes of SHA-256(seed NUL attempt), for short, long and non-ASCII seeds", () => {
    const r = rng(11);
    for (let k = 0; k < 3000; k++) {
      const seed = randomText(r, Math.floor(r() * 90), k % 3 === 0);
      const attempt = Math.floor(r() * 1200);
      const h = createHash("sha256").update(`${seed}\u0000${attempt}`).digest();
      const want = `00:00:00:${[h[0]!, h[1]!, h[2]!].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
      expect(deterministicMac(seed, attempt), JSON.stringify([seed, attempt])).toBe(want);
    }
  });

  it("takes attempt 0 by default", () => {
    expect(deterministicMac("web-0.default")).toBe(deterministicMac("web-0.default", 0));
  });
});
