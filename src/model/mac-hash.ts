/**
 * The first four bytes of the SHA-256 (FIPS 180-4) of a short ASCII text, computed here: the
 * model's deterministic MACs (src/model/naming.ts) hash one such seed per port, ten thousand of
 * them for a big manifest, and a call into the runtime's hash costs more than one compression of
 * one block. Texts that do not fit one block as ASCII are left to the runtime's hash.
 *
 * @module
 */

/** The round constants (FIPS 180-4 §4.2.2). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The initial hash value (FIPS 180-4 §5.3.3). */
const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19] as const;

/** The message schedule, reused by every call (one thread, no re-entry). */
const W = new Int32Array(64);

/** The longest text that fits one block with its padding (64 bytes less the `0x80` byte and the 8-byte length). */
export const ONE_BLOCK_MAX = 55;

/**
 * The first 32 bits of the SHA-256 of `text` (as UTF-8), as an unsigned integer, when `text` is
 * ASCII of at most {@link ONE_BLOCK_MAX} characters; undefined otherwise (the caller hashes it
 * another way).
 */
export function sha256FirstWord(text: string): number | undefined {
  const len = text.length;
  if (len > ONE_BLOCK_MAX) return undefined;
  W.fill(0, 0, 16);
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    W[i >> 2]! |= c << (24 - 8 * (i & 3));
  }
  W[len >> 2]! |= 0x80 << (24 - 8 * (len & 3));
  W[15] = len * 8;
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15]!;
    const y = W[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = H[0] | 0;
  let b = H[1] | 0;
  let c = H[2] | 0;
  let d = H[3] | 0;
  let e = H[4] | 0;
  let f = H[5] | 0;
  let g = H[6] | 0;
  let h = H[7] | 0;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  return (H[0] + a) >>> 0;
}
