/**
 * Random (version 4) UUIDs for the embedded server's rows, row versions and transaction ids,
 * made with one flat string each: `crypto.randomUUID()` builds its text by concatenating
 * two-character pieces, a chain of short-lived strings per UUID that the server made three or
 * more of per transaction.
 *
 * @module
 */
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let used = POOL_BYTES;
/** The text being made: the dashes stay, the hex digits are overwritten. */
const text = Buffer.allocUnsafeSlow(36);
text.write("00000000-0000-4000-8000-000000000000", "latin1");
/** Byte value → its two lowercase hex digits as one 16-bit little-endian unit (first digit in the low byte). */
const HEX = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX[i] = "0123456789abcdef".charCodeAt(i >> 4) | ("0123456789abcdef".charCodeAt(i & 15) << 8);
/** Where each of the 16 bytes' two digits go in the text. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** A new random version 4 UUID (RFC 4122 §4.4) in lowercase text, from a pool of cryptographically strong random bytes. */
export function newUuid(): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const from = used;
  used += 16;
  for (let i = 0; i < 16; i++) {
    let v = pool[from + i]!;
    if (i === 6) v = (v & 0x0f) | 0x40;
    else if (i === 8) v = (v & 0x3f) | 0x80;
    const h = HEX[v]!;
    const at = AT[i]!;
    text[at] = h & 255;
    text[at + 1] = h >> 8;
  }
  return text.toString("latin1", 0, 36);
}
