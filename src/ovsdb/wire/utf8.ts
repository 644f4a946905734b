/**
 * Invalid UTF-8, handled as ovsdb-server handles it. ovsdb-server's JSON reader takes any bytes
 * inside strings; only when a string becomes a value of a column does it check the encoding, and
 * then the operation fails with `constraint violation` "not a valid UTF-8 string: invalid UTF-8
 * sequence 0xc3 0x00" — the connection stays open. To do the same, a message that is not valid
 * UTF-8 is decoded losslessly: each byte that is not part of a valid sequence becomes the lone
 * surrogate U+DC00 + byte (Python's "surrogateescape"), which no valid UTF-8 text decodes to, and
 * {@link invalidUtf8Detail} finds such strings later and words the error from the original bytes.
 *
 * @module
 */

/** `ignoreBOM`: a run may start mid-text, where U+FEFF is a character to keep. */
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Length of the valid UTF-8 sequence (RFC 3629 §4) at `b[i]`, or 0 when the bytes there are not one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const [lo, hi] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const [lo, hi] = c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Decodes `bytes` as UTF-8, turning each byte outside a valid sequence into U+DC00 + byte (never throws). */
export function decodeUtf8Lossless(bytes: Uint8Array): string {
  let out = "";
  let run = 0;
  let i = 0;
  const len = bytes.length;
  while (i < len) {
    if (bytes[i]! < 0x80) {
      i++; // ASCII, the usual byte: no sequence to check
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > run) out += strict.decode(bytes.subarray(run, i));
    out += String.fromCharCode(0xdc00 + bytes[i]!);
    run = ++i;
  }
  if (i > run) out += strict.decode(bytes.subarray(run, i));
  return out;
}

/**
 * The bytes at the end of `bytes` that start a multi-byte sequence without finishing it (what a
 * streaming decoder holds back between chunks); empty when the end is complete.
 */
export function unfinishedUtf8Suffix(bytes: Uint8Array): Uint8Array {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const c = bytes[bytes.length - k]!;
    if (c < 0x80) return bytes.subarray(bytes.length);
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > k ? bytes.subarray(bytes.length - k) : bytes.subarray(bytes.length);
    }
  }
  return bytes.subarray(bytes.length);
}

/** Tests whether `s` holds a byte that was not valid UTF-8 (see {@link decodeUtf8Lossless}). */
const ESCAPED = /[\udc80-\udcff]/;

/**
 * For a string decoded by {@link decodeUtf8Lossless}: undefined when the original bytes were valid
 * UTF-8, else ovsdb-server's description of the first bad sequence, e.g. `invalid UTF-8 sequence
 * 0xc3 0x00` (the bytes from the sequence's first byte to the offending one; 0x00 stands for the
 * end of the string).
 */
export function invalidUtf8Detail(s: string): string | undefined {
  // A lone low surrogate U+DC80..U+DCFF only comes from an escaped byte (or a JSON \u escape of one).
  if (!ESCAPED.test(s)) return undefined;
  const bytes: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) bytes.push(cp - 0xdc00);
    else bytes.push(...Buffer.from(ch, "utf8"));
  }
  bytes.push(0); // ovsdb-server reads the string's terminating NUL as the next byte
  const b = Uint8Array.from(bytes);
  for (let i = 0; i < b.length - 1; ) {
    const n = sequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    // As ovsdb-server's utf8_validate: the lead byte alone if it cannot start a sequence, else up to the first bad continuation byte.
    const c = b[i]!;
    let len = 1;
    if (c >= 0xc2 && c <= 0xf4) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      len = 2;
      while (len < need && sequencePrefixOk(b, i, len)) len++;
    }
    return `invalid UTF-8 sequence ${[...b.subarray(i, i + len)].map((x) => `0x${x.toString(16).padStart(2, "0")}`).join(" ")}`;
  }
  return undefined;
}

/** Whether the first `len` bytes at `i` are a valid start of a sequence (so the next byte is the one to blame). */
function sequencePrefixOk(b: Uint8Array, i: number, len: number): boolean {
  const c = b[i]!;
  for (let k = 1; k < len; k++) {
    const x = b[i + k];
    if (x === undefined) return false;
    let lo = 0x80;
    let hi = 0xbf;
    if (k === 1) {
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
      else if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    }
    if (x < lo || x > hi) return false;
  }
  return true;
}
