import { describe, expect, it } from "vitest";
import { bigToBytes, bytesToBig } from "../../src/bytes/hex.js";
import { fieldByName } from "../../src/openflow/oxm.js";
import { bigIntToBytes, bytesToBigInt, CT_STATE_BITS, fmtFlagsExact, fmtFlagsMasked, parseValue, prefixLen, TCP_FLAG_BITS, TUN_FLAG_BITS } from "../../src/openflow/text/values.js";
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

/** The BigInt prefix-length reference (the code before the Number paths): n when mask is n leading ones. */
function refPrefixLen(mask: bigint, bits: number): number | undefined {
  const inv = ((1n << BigInt(bits)) - 1n) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return undefined;
  let n = bits;
  for (let x = inv; x; x >>= 1n) n--;
  return n;
}

describe("prefix masks on Numbers", () => {
  it("prefixLen agrees with the BigInt reference: every prefix of every width 1..64, and random masks", () => {
    const r = prng(17);
    for (let bits = 1; bits <= 64; bits++) {
      const full = (1n << BigInt(bits)) - 1n;
      for (let n = 0; n <= bits; n++) {
        const m = (full >> BigInt(bits - n)) << BigInt(bits - n);
        expect(prefixLen(m, bits)).toBe(n);
        // one bit off (set below the prefix, or cleared inside it): no prefix, unless that is another prefix
        for (const b of [0, Math.max(0, bits - n - 1), bits - 1]) {
          const off = m ^ (1n << BigInt(b));
          expect(prefixLen(off, bits)).toBe(refPrefixLen(off, bits));
        }
      }
      for (let k = 0; k < 200; k++) {
        let m = 0n;
        for (let i = 0; i < bits; i += 16) m = (m << 16n) | BigInt(Math.floor(r() * 65536));
        m &= full;
        expect(prefixLen(m, bits)).toBe(refPrefixLen(m, bits));
      }
    }
  });

  it("an IPv4 field's /N and /a.b.c.d masks parse as before (table masks, same errors)", () => {
    const f = fieldByName("nw_dst")!;
    const r = prng(23);
    const msg = (t: string): string => {
      try {
        parseValue(f, t);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (let k = 0; k < 300; k++) {
      const a = [0, 1, 2, 3].map(() => Math.floor(r() * 256));
      const addr = a.join(".");
      const v = BigInt(((a[0]! * 256 + a[1]!) * 256 + a[2]!) * 256 + a[3]!);
      for (let n = 0; n <= 32; n++) {
        const want = n === 0 ? 0n : (((1n << BigInt(n)) - 1n) << BigInt(32 - n)) & 0xffffffffn;
        for (const t of [`${n}`, `0${n}`, `+${n}`, ` ${n}`]) expect(parseValue(f, `${addr}/${t}`)).toEqual({ v, m: want });
        const dotted = `${Number(want >> 24n)}.${Number((want >> 16n) & 255n)}.${Number((want >> 8n) & 255n)}.${Number(want & 255n)}`;
        expect(parseValue(f, `${addr}/${dotted}`)).toEqual({ v, m: want });
      }
      for (const n of [33, 64, 100, 999999]) expect(msg(`${addr}/${n}`)).toBe(`${addr}/${n}: IPv4 network prefix bits not between 0 and 32, inclusive`);
      for (const bad of ["", "x", "1.2", "24x", "-"]) expect(msg(`${addr}/${bad}`)).toBe(`${addr}/${bad}: invalid IP address`);
    }
  });
});

/** The flag printers as written on bigints: the reference for the Number paths. */
function refFlagsMasked(v: bigint, m: bigint, table: ReadonlyArray<readonly [string, number]>): string {
  let s = "";
  for (const [n, b] of table) if (m & BigInt(b)) s += (v & BigInt(b) ? "+" : "-") + n;
  let known = 0n;
  for (const [, b] of table) known |= BigInt(b);
  const extra = m & ~known;
  if (extra) s += `${v & extra ? "+" : "-"}0x${(v & extra).toString(16)}`;
  return s;
}
function refFlagsExact(v: bigint, table: ReadonlyArray<readonly [string, number]>, sep: string): string {
  const names: string[] = [];
  for (const [n, b] of table) if (v & BigInt(b)) names.push(n);
  return names.length ? names.join(sep) : "0";
}

describe("flag printers on Numbers", () => {
  it("print as the bigint reference for random values and masks of 8 to 40 bits, for every flag table", () => {
    const r = prng(31);
    const tables = [CT_STATE_BITS, TCP_FLAG_BITS, TUN_FLAG_BITS, [...TCP_FLAG_BITS, ["[200]", 0x200], ["[400]", 0x400], ["[800]", 0x800]] as const];
    for (const table of tables) {
      for (let k = 0; k < 3000; k++) {
        const bits = [8, 12, 16, 31, 32, 33, 40][k % 7]!;
        const rand = (): bigint => (BigInt(Math.floor(r() * 2 ** 20)) << 20n | BigInt(Math.floor(r() * 2 ** 20))) & ((1n << BigInt(bits)) - 1n);
        const v = rand();
        const m = k % 5 === 0 ? (1n << BigInt(bits)) - 1n : k % 5 === 1 ? 0n : rand();
        expect(fmtFlagsMasked(v, m, table)).toBe(refFlagsMasked(v, m, table));
        expect(fmtFlagsExact(v, table, "|")).toBe(refFlagsExact(v, table, "|"));
      }
    }
  });
});
