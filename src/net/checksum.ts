/**
 * The Internet checksum (RFC 1071) and the pseudo-header sums of UDP, TCP and ICMPv6 (RFC 768, RFC 793
 * §3.1, RFC 8200 §8.1).
 *
 * @module
 */

/**
 * One's-complement sum of `bytes[from..to)` as 16-bit big-endian words (odd tail padded with 0), added to
 * `sum` (RFC 1071 §4.1).
 */
export function onesComplementSum(bytes: Uint8Array, sum = 0, from = 0, to = bytes.length): number {
  const n = to;
  let i = from;
  let s = sum;
  while (i + 1 < n) {
    // fold every 32 KiB of words so the running sum stays far below 2^53
    const end = Math.min(n - 1, i + 65536);
    for (; i < end; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
    s = (s % 0x10000) + Math.floor(s / 0x10000);
  }
  if (i < n) s += bytes[i]! << 8;
  return s;
}

/** Folds a one's-complement sum to 16 bits and complements it: the Internet checksum (RFC 1071 §4.1). */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The Internet checksum of `bytes` (RFC 1071). */
export function internetChecksum(bytes: Uint8Array): number {
  return finishChecksum(onesComplementSum(bytes));
}

/**
 * Sum of the pseudo-header of an upper-layer checksum given raw 4- or 16-byte addresses: for IPv4 the
 * source, destination, zero, protocol and length (RFC 768, RFC 793 §3.1); for IPv6 the source,
 * destination, 32-bit length, three zero bytes and next header (RFC 8200 §8.1) — the same sum.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return onesComplementSum(dst, onesComplementSum(src)) + protocol + (length >>> 16) + (length & 0xffff);
}

/**
 * The checksum of an upper-layer `segment` (its header with the checksum field zero, then the data) over
 * the pseudo-header of `protocol` (17 UDP, 6 TCP, 58 ICMPv6). For UDP a computed 0 is sent as 0xFFFF
 * (RFC 768); for the others 0 stays 0.
 */
export function transportChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): number {
  const c = finishChecksum(onesComplementSum(segment, pseudoHeaderSum(src, dst, protocol, segment.length)));
  return c === 0 && protocol === 17 ? 0xffff : c;
}

/** The UDP checksum of `segment` (RFC 768; RFC 8200 §8.1): {@link transportChecksum} with protocol 17. */
export function udpChecksum(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): number {
  return transportChecksum(src, dst, 17, segment);
}
