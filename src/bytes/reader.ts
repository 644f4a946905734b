/**
 * The bounded byte {@link Reader} every binary decoder of this package shares (Geneve, the packet
 * dissector of `src/net`, pcap; OpenFlow to follow).
 *
 * Multi-byte integers are big-endian (network byte order) unless a method is told otherwise. Every read
 * is bounds-checked and a failure throws {@link DecodeError} naming the protocol, the absolute byte offset
 * and the reason (never a `RangeError`); byte runs are returned as `subarray` views (zero copy).
 *
 * @module
 */
import { DecodeError } from "./decode-error.js";

/**
 * Bounded reader with an explicit position and an end bound over a `Uint8Array` (and a `DataView` built
 * from its `byteOffset`/`byteLength`, so sub-views are safe). `base` is the absolute offset of `bytes[0]`,
 * so errors from a sub-reader still report offsets in the outermost buffer. A length-delimited part is read
 * either in place, with {@link Reader.narrow} / {@link Reader.widen} (no allocation), or through a
 * {@link Reader.sub} reader of its own.
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

  /** Bytes left between the current position and the end bound. */
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
  need(n: number, what = "field"): void {
    if (!(n >= 0 && n <= this.end - this.pos)) {
      this.fail(`truncated ${what}: need ${n} byte(s), have ${this.remaining}`);
    }
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

  /** Reads one byte. */
  u8(what = "u8"): number {
    if (this.pos + 1 > this.end) this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  /** Reads a 16-bit unsigned integer, big-endian unless `littleEndian`. */
  u16(what = "u16", littleEndian = false): number {
    if (this.pos + 2 > this.end) this.need(2, what);
    const v = this.view.getUint16(this.pos, littleEndian);
    this.pos += 2;
    return v;
  }

  /** Reads a big-endian 24-bit unsigned integer (the Geneve VNI). */
  u24(what = "u24"): number {
    if (this.pos + 3 > this.end) this.need(3, what);
    const v = (this.view.getUint16(this.pos) << 8) | this.view.getUint8(this.pos + 2);
    this.pos += 3;
    return v;
  }

  /** Reads a 32-bit unsigned integer, big-endian unless `littleEndian`. */
  u32(what = "u32", littleEndian = false): number {
    if (this.pos + 4 > this.end) this.need(4, what);
    const v = this.view.getUint32(this.pos, littleEndian);
    this.pos += 4;
    return v;
  }

  /** Reads a 64-bit unsigned integer as a bigint, big-endian unless `littleEndian`. */
  u64(what = "u64", littleEndian = false): bigint {
    if (this.pos + 8 > this.end) this.need(8, what);
    const v = this.view.getBigUint64(this.pos, littleEndian);
    this.pos += 8;
    return v;
  }

  /** Returns the next `n` bytes as a zero-copy `subarray` and advances. */
  take(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Returns everything up to the end bound (zero copy) and moves there. */
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** Skips `n` bytes (bounds-checked). */
  skip(n: number, what = "padding"): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Reads a NUL-padded fixed-length ASCII string of `n` bytes (the text stops at the first NUL). */
  str(n: number, what = "string"): string {
    const b = this.take(n, what);
    let end = b.indexOf(0);
    if (end < 0) end = b.length;
    let s = "";
    for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }

  /**
   * Returns a new Reader over the next `n` bytes (a length-delimited part), named `protocol`, keeping
   * absolute offsets; advances this reader past them.
   */
  sub(n: number, what: string, protocol = this.protocol): Reader {
    const start = this.offset;
    return new Reader(this.take(n, what), protocol, start);
  }

  /**
   * Walks type-length-value entries to the end bound: `{type u16, length u16, body}` where the length
   * counts the 4-byte header, each entry padded to `align` bytes (OpenFlow 1.3.5 §7.5.1 hello elements,
   * Nicira packet-in2 and continuation properties, table feature properties). Yields each type with a
   * reader over its body (header excluded); `what` names the entries in errors.
   * @throws DecodeError for a length below 4 or past the end bound
   * @defaultValue align = 8
   */
  *properties(what: string, align = 8): Generator<{ type: number; body: Reader }> {
    while (this.remaining > 0) {
      const at = this.pos;
      const type = this.u16(what);
      const len = this.u16(what);
      if (len < 4) this.fail(`${what} length ${len} < 4`, at + 2);
      this.pos = at;
      const body = this.sub(len, what);
      body.pos = 4;
      const padded = Math.ceil(len / align) * align;
      this.pos += Math.min(this.remaining, padded - len);
      yield { type, body };
    }
  }
}
