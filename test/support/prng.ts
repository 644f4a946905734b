/** Test helper: mulberry32, a small seeded PRNG, so property and fuzz tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Test helper: Marsaglia's xorshift32 (13, 17, 5), a seeded PRNG; each call gives a uint32 (a seed of 0 counts as 1). */
function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Test helper: {@link xorshift32} as numbers in [0, 1). */
export function xorshift(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 2 ** 32;
}

/** Test helper: {@link xorshift32} as integers in [0, n) (the uint32 modulo n). */
export function xorshiftBelow(seed: number): (n: number) => number {
  const next = xorshift32(seed);
  return (n) => next() % n;
}
