/**
 * Hex text and big-endian byte/bigint conversions shared by the codecs and their CLIs.
 *
 * @module
 */

/** Lower-case hex of `b`, no separators. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    s += (x < 16 ? "0" : "") + x.toString(16);
  }
  return s;
}

/**
 * Parses hex text: whitespace, `:`, `.` and `-` are ignored, and an optional leading `0x`.
 * @throws Error for an odd number of digits or a non-hex character
 */
export function fromHex(h: string): Uint8Array {
  const clean = h.replace(/^0x/i, "").replace(/[\s:.\-]/g, "");
  if (clean.length % 2 || /[^0-9a-f]/i.test(clean)) throw new Error(`invalid hex string`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Big-endian bytes → bigint. */
export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** bigint → `n` big-endian bytes (the low `n * 8` bits of `v`). */
export function bigToBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
