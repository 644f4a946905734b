/**
 * Bounded binary Reader/Writer over `Uint8Array` + `DataView`, and the error types of the Geneve area.
 *
 * All multi-byte integers are big-endian (network byte order, RFC 1700 / RFC 8926 §3). Every read is
 * bounds-checked and a failure throws {@link DecodeError} (never a `RangeError`); payloads are returned as
 * `subarray` views (zero copy). Offsets in errors are absolute: relative to the first byte of the buffer the
 * outermost decoder was given.
 *
 * @module
 */

export { DecodeError } from "../bytes/decode-error.js";
import { DecodeError } from "../bytes/decode-error.js";

/**
 * A value that cannot be encoded (out of range, too long, malformed address): names the protocol layer,
 * the field and why. Thrown by every encoder in `ovn-ts/geneve`.
 */
export class EncodeError extends Error {
  /** Always `"EncodeError"`. */
  override readonly name = "EncodeError";
  /**
   * @param protocol - the layer being encoded
   * @param field - the offending input field
   * @param reason - what is wrong, in words
   */
  constructor(
    readonly protocol: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${protocol}: ${field}: ${reason}`);
  }
}

/**
 * Bounded big-endian reader with an explicit position and an end bound. `base` is the absolute offset of
 * `bytes[0]`, so errors from a sub-reader still report offsets in the outermost buffer. A length-delimited
 * part can be read in place with {@link Reader.narrow} / {@link Reader.widen} (no new view).
 */
export class Reader {
  /** The bytes being read (a view; never copied). */
  readonly bytes: Uint8Array;
  /** Protocol name reported in {@link DecodeError}s (a layered decoder updates it as it goes). */
  protocol: string;
  /** Absolute offset of `bytes[0]` in the outermost buffer. */
  readonly base: number;
  /** Current read position, relative to `bytes`. */
  pos = 0;
  /** Reads stop here (exclusive, relative to `bytes`); starts at `bytes.length`. */
  end: number;
  /** The DataView over `bytes` (built from its byteOffset/byteLength). */
  readonly view: DataView;

  /**
   * @param bytes - the input (any `Uint8Array` view)
   * @param protocol - name used in errors
   * @param base - absolute offset of `bytes[0]`
   * @defaultValue base = 0
   */
  constructor(bytes: Uint8Array, protocol: string, base = 0) {
    this.bytes = bytes;
    this.protocol = protocol;
    this.base = base;
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Limits reads to the next `n` bytes (bounds-checked) and returns the previous end, to pass to
   * {@link Reader.widen} when the part is done.
   */
  narrow(n: number, what: string): number {
    this.need(n, what);
    const saved = this.end;
    this.end = this.pos + n;
    return saved;
  }

  /** Restores an end saved by {@link Reader.narrow}. */
  widen(savedEnd: number): void {
    this.end = savedEnd;
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Absolute offset of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Throws a {@link DecodeError} at the current position (or `at`, relative to `bytes`). */
  fail(reason: string, at = this.pos): never {
    throw new DecodeError(this.protocol, this.base + at, reason);
  }

  /** Ensures `n` more bytes are available, else throws a {@link DecodeError} naming `what`. */
  need(n: number, what: string): void {
    if (n > this.remaining) {
      this.fail(`truncated ${what}: need ${n} byte(s), have ${this.remaining}`);
    }
  }

  /** Reads one byte. */
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  /** Reads a big-endian 16-bit unsigned integer. */
  u16be(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  /** Reads a big-endian 24-bit unsigned integer. */
  u24be(what: string): number {
    this.need(3, what);
    const v = (this.view.getUint16(this.pos) << 8) | this.view.getUint8(this.pos + 2);
    this.pos += 3;
    return v;
  }

  /** Reads a big-endian 32-bit unsigned integer. */
  u32be(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a little-endian 16-bit unsigned integer (pcap headers written on little-endian hosts). */
  u16le(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  /** Reads a little-endian 32-bit unsigned integer. */
  u32le(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a 32-bit unsigned integer in the given byte order. */
  u32(what: string, littleEndian: boolean): number {
    return littleEndian ? this.u32le(what) : this.u32be(what);
  }

  /** Reads a 16-bit unsigned integer in the given byte order. */
  u16(what: string, littleEndian: boolean): number {
    return littleEndian ? this.u16le(what) : this.u16be(what);
  }

  /** Returns the next `n` bytes as a zero-copy `subarray` and advances. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Returns everything after the current position (zero copy) and moves to the end. */
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** Skips `n` bytes (bounds-checked). */
  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /**
   * Returns a new Reader over the next `n` bytes (for a length-delimited part), named `protocol`,
   * keeping absolute offsets; advances this reader past them.
   */
  sub(n: number, what: string, protocol = this.protocol): Reader {
    const start = this.offset;
    return new Reader(this.take(n, what), protocol, start);
  }
}

/**
 * Big-endian writer with an explicit position over a buffer that grows by doubling up to `limit` bytes
 * (or over caller memory, see {@link Writer.over}). Length fields are reserved with `u16be(0)` and filled in
 * afterwards with {@link Writer.patchU16be}.
 *
 * Unlike {@link Reader} it stores bytes by index rather than through a DataView: V8 keeps typed arrays of at
 * most 64 bytes on its heap, and building a DataView needs `.buffer`, which moves such an array to a
 * separate backing store and costs more than encoding a whole Geneve header.
 */
export class Writer {
  private buf: Uint8Array;
  private fixed = false;
  /** Current write position = bytes written so far. */
  pos = 0;
  /** Maximum size; writing past it throws an {@link EncodeError}. */
  readonly limit: number;
  /** Protocol named in errors. */
  readonly protocol: string;

  /**
   * @param protocol - name used in errors
   * @param capacity - initial capacity
   * @param limit - hard maximum size
   * @param memory - write into this memory instead (fixed size; see {@link Writer.over})
   * @defaultValue capacity = 256, limit = 262144
   */
  constructor(protocol: string, capacity = 256, limit = 262_144, memory?: Uint8Array) {
    this.protocol = protocol;
    if (memory) {
      this.fixed = true;
      this.limit = memory.length;
      this.buf = memory;
    } else {
      this.limit = limit;
      this.buf = new Uint8Array(Math.max(1, Math.min(capacity, limit)));
    }
  }

  /**
   * A Writer over caller-provided memory (no allocation, no growth): writing past `buffer.length` throws an
   * {@link EncodeError}. Positions are relative to `buffer[0]`.
   */
  static over(protocol: string, buffer: Uint8Array): Writer {
    return new Writer(protocol, 0, 0, buffer);
  }

  private ensure(n: number): void {
    const want = this.pos + n;
    if (want <= this.buf.length) return;
    if (want > this.limit || this.fixed) {
      throw new EncodeError(this.protocol, "length", `output of ${want} bytes exceeds ${this.fixed ? this.buf.length : this.limit} bytes`);
    }
    let size = this.buf.length * 2;
    while (size < want) size *= 2;
    const next = new Uint8Array(Math.min(size, this.limit));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes one byte. */
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Writes a big-endian 16-bit unsigned integer. */
  u16be(v: number): this {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
    return this;
  }

  /** Writes a big-endian 24-bit unsigned integer. */
  u24be(v: number): this {
    this.ensure(3);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 16;
    b[p + 1] = v >>> 8;
    b[p + 2] = v;
    this.pos = p + 3;
    return this;
  }

  /** Writes a big-endian 32-bit unsigned integer. */
  u32be(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
    return this;
  }

  /** Writes a little-endian 16-bit unsigned integer. */
  u16le(v: number): this {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    this.pos = p + 2;
    return this;
  }

  /** Writes a little-endian 32-bit unsigned integer. */
  u32le(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
    return this;
  }

  /** Copies `bytes` in. */
  bytes(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Overwrites a big-endian 16-bit value at `at` (a reserved length or checksum field). */
  patchU16be(at: number, v: number): this {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
    return this;
  }

  /** Overwrites one byte at `at`. */
  patchU8(at: number, v: number): this {
    this.buf[at] = v;
    return this;
  }

  /**
   * The bytes written so far; the Writer must not be used afterwards. No copy: the buffer itself when it is
   * exactly full (no `subarray`, which would force V8 to move a small array off its heap), else a view.
   */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}
