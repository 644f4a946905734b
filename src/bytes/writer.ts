/**
 * The byte {@link Writer} every binary encoder of this package shares. Every value is range-checked: a
 * value that does not fit its field throws {@link EncodeError} (protocol, field, reason), never a silently
 * wrapped or truncated one.
 *
 * @module
 */
import { EncodeError } from "./encode-error.js";

// 64-bit writes go through one scratch BigUint64Array on little-endian hosts: storing the bigint there
// and copying its bytes by index allocates nothing, where splitting it with `>> 32n` and `& 0xffffffffn`
// allocates two bigints per value.
const U64 = new BigUint64Array(1);
const U64_BYTES = new Uint8Array(U64.buffer);
/** Lengths below this get their {@link Writer.finish} view kept for reuse. */
const VIEW_CACHE = 2048;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writer with an explicit position over a buffer that grows by doubling up to `limit` bytes (or over
 * caller memory, see {@link Writer.over}). Multi-byte integers are big-endian unless told otherwise.
 * Length fields are reserved with {@link Writer.reserve16} and filled in afterwards with
 * {@link Writer.patch16}.
 *
 * It stores bytes by index rather than through a DataView: V8 keeps typed arrays of at most 64 bytes on
 * its heap, and building a DataView needs `.buffer`, which moves such an array to a separate backing store
 * and costs more than encoding a whole Geneve header.
 */
export class Writer {
  private buf: Uint8Array;
  private readonly fixed: boolean;
  /**
   * `buf.buffer` of a reused growing Writer, kept from its second {@link Writer.finish} on (a view built
   * from it directly costs less than `subarray`; getting it costs as much, so a Writer finished once never
   * asks). Cleared when the buffer grows.
   */
  private viewBuffer: ArrayBufferLike | undefined = undefined;
  /** Whether {@link Writer.finish} has made a view of this buffer before. */
  private viewed = false;
  /**
   * The views {@link Writer.finish} has made of {@link Writer.viewBuffer}, by length (below
   * {@link VIEW_CACHE}): a reused Writer finishing messages of lengths seen before returns the same view
   * object again instead of allocating one per message. Cleared when the buffer grows.
   */
  private views: (Uint8Array | undefined)[] | undefined = undefined;
  /** The {@link Writer.dataView} of the current buffer, made on first use; cleared when the buffer grows. */
  private words: DataView | undefined = undefined;
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
      this.fixed = false;
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

  /** Grows the buffer for `n` more bytes (the callers check the common case, room left, inline). */
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
    this.viewBuffer = undefined;
    this.viewed = false;
    this.views = undefined;
    this.words = undefined;
  }

  private range(field: string | undefined, v: number | bigint, bits: number): never {
    throw new EncodeError(this.protocol, field ?? `u${bits}`, `${String(v)} is not an unsigned ${bits}-bit integer`);
  }

  /**
   * Makes room for `n` more bytes (growing the buffer, or throwing an {@link EncodeError} past the limit)
   * and returns the buffer, for a fixed layout stored by index from {@link Writer.pos} in one go: the caller
   * range-checks its values first ({@link Writer.outOfRange}), stores `n` bytes and advances `pos` by `n`.
   * The buffer is valid until the next write that grows it.
   */
  room(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) this.ensure(n);
    return this.buf;
  }

  /**
   * A DataView over the whole buffer (made once per buffer, and again after it grows), for a fixed layout
   * stored a 16- or 32-bit word at a time after {@link Writer.room}: a `setUint32` costs about what one byte
   * stored by index does, so a 48-byte header is 12 stores instead of 48. Made on first use only: building
   * it moves a small buffer (64 bytes or less, which V8 keeps on its heap) off the heap, so the Writers of
   * short messages that never ask for it keep theirs. Valid until the next write that grows the buffer.
   */
  dataView(): DataView {
    let v = this.words;
    if (v === undefined) {
      const b = this.buf;
      v = this.words = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return v;
  }

  /** Throws the {@link EncodeError} the integer writers throw for `v` not fitting `bits` unsigned bits, naming `field`. */
  outOfRange(field: string | undefined, v: number | bigint, bits: number): never {
    this.range(field, v, bits);
  }

  /**
   * Overwrites 8 bytes at `at` (inside what is written, or made room for with {@link Writer.room}) with a
   * 64-bit unsigned integer given as a bigint, big-endian; range-checked like {@link Writer.u64}.
   */
  put64(at: number, v: bigint, field?: string): this {
    if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) this.range(field, v, 64);
    if (!(at >= 0 && at + 8 <= this.buf.length)) throw new EncodeError(this.protocol, field ?? "u64", `offset ${at} is outside the buffer`);
    this.store64(at, v);
    return this;
  }

  /** Stores a (checked) 64-bit value big-endian at `at`. */
  private store64(at: number, v: bigint): void {
    const b = this.buf;
    if (v === 0n) {
      // the common zero (cookies, masks) without the BigUint64Array round trip
      for (let i = at; i < at + 8; i++) b[i] = 0;
    } else if (HOST_LE) {
      const s = U64_BYTES;
      U64[0] = v;
      b[at] = s[7]!;
      b[at + 1] = s[6]!;
      b[at + 2] = s[5]!;
      b[at + 3] = s[4]!;
      b[at + 4] = s[3]!;
      b[at + 5] = s[2]!;
      b[at + 6] = s[1]!;
      b[at + 7] = s[0]!;
    } else {
      const hi = Number(v >> 32n);
      const lo = Number(v & 0xffffffffn);
      b[at] = hi >>> 24;
      b[at + 1] = hi >>> 16;
      b[at + 2] = hi >>> 8;
      b[at + 3] = hi;
      b[at + 4] = lo >>> 24;
      b[at + 5] = lo >>> 16;
      b[at + 6] = lo >>> 8;
      b[at + 7] = lo;
    }
  }

  /** Writes one byte; `field` names it in the {@link EncodeError} when `v` is not an integer in 0..255. */
  u8(v: number, field?: string): this {
    if ((v & 0xff) !== v) this.range(field, v, 8);
    const p = this.pos;
    if (p >= this.buf.length) this.ensure(1);
    this.buf[p] = v;
    this.pos = p + 1;
    return this;
  }

  /** Writes a 16-bit unsigned integer, big-endian unless `littleEndian`; range-checked like {@link Writer.u8}. */
  u16(v: number, field?: string, littleEndian?: boolean): this {
    if (littleEndian) return this.u16le(v, field);
    if ((v & 0xffff) !== v) this.range(field, v, 16);
    const p = this.pos;
    if (p + 2 > this.buf.length) this.ensure(2);
    const b = this.buf;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
    return this;
  }

  /** Writes a little-endian 16-bit unsigned integer; range-checked. */
  u16le(v: number, field?: string): this {
    if ((v & 0xffff) !== v) this.range(field, v, 16);
    const p = this.pos;
    if (p + 2 > this.buf.length) this.ensure(2);
    const b = this.buf;
    b[p] = v;
    b[p + 1] = v >>> 8;
    this.pos = p + 2;
    return this;
  }

  /** Writes a big-endian 24-bit unsigned integer (the Geneve VNI); range-checked. */
  u24(v: number, field?: string): this {
    if ((v & 0xffffff) !== v) this.range(field, v, 24);
    const p = this.pos;
    if (p + 3 > this.buf.length) this.ensure(3);
    const b = this.buf;
    b[p] = v >>> 16;
    b[p + 1] = v >>> 8;
    b[p + 2] = v;
    this.pos = p + 3;
    return this;
  }

  /** Writes a 32-bit unsigned integer, big-endian unless `littleEndian`; range-checked. */
  u32(v: number, field?: string, littleEndian?: boolean): this {
    if (littleEndian) return this.u32le(v, field);
    if (v >>> 0 !== v) this.range(field, v, 32);
    const p = this.pos;
    if (p + 4 > this.buf.length) this.ensure(4);
    const b = this.buf;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
    return this;
  }

  /** Writes a little-endian 32-bit unsigned integer; range-checked. */
  u32le(v: number, field?: string): this {
    if (v >>> 0 !== v) this.range(field, v, 32);
    const p = this.pos;
    if (p + 4 > this.buf.length) this.ensure(4);
    const b = this.buf;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
    return this;
  }

  /** Writes a 64-bit unsigned integer given as a bigint, big-endian unless `littleEndian`; range-checked. */
  u64(v: bigint, field?: string, littleEndian?: boolean): this {
    if (littleEndian) return this.u64le(v, field);
    // (zero, the usual value, with one comparison)
    if (v !== 0n && (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn)) this.range(field, v, 64);
    const p = this.pos;
    if (p + 8 > this.buf.length) this.ensure(8);
    this.store64(p, v);
    this.pos = p + 8;
    return this;
  }

  /** Writes a little-endian 64-bit unsigned integer given as a bigint; range-checked. */
  private u64le(v: bigint, field?: string): this {
    if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) this.range(field, v, 64);
    const hi = Number(v >> 32n);
    const lo = Number(v & 0xffffffffn);
    return this.u32le(lo, field).u32le(hi, field);
  }

  /** Copies `bytes` in. */
  bytes(bytes: Uint8Array): this {
    const n = bytes.length;
    const p = this.pos;
    if (p + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    // a loop beats TypedArray.prototype.set for addresses and other short fields
    if (n <= 16) for (let i = 0; i < n; i++) b[p + i] = bytes[i]!;
    else b.set(bytes, p);
    this.pos = p + n;
    return this;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): this {
    const p = this.pos;
    if (p + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    // a short run by index (`fill` is a call into the runtime), unrolled: a loop costs more than its stores
    if (n <= 8) {
      if (n > 0) {
        b[p] = 0;
        if (n > 1) {
          b[p + 1] = 0;
          if (n > 2) {
            b[p + 2] = 0;
            if (n > 3) {
              b[p + 3] = 0;
              if (n > 4) {
                b[p + 4] = 0;
                if (n > 5) {
                  b[p + 5] = 0;
                  if (n > 6) {
                    b[p + 6] = 0;
                    if (n > 7) b[p + 7] = 0;
                  }
                }
              }
            }
          }
        }
      }
    } else b.fill(0, p, p + n);
    this.pos = p + n;
    return this;
  }

  /**
   * Writes `s` as ASCII NUL-padded to exactly `n` bytes (at least one NUL); `field` names it in the
   * {@link EncodeError} thrown when it is longer than `n - 1` characters or not ASCII.
   */
  str(s: string, n: number, field = "string"): this {
    if (s.length > n - 1) throw new EncodeError(this.protocol, field, `'${s}' is longer than ${n - 1} characters`);
    this.ensure(n);
    for (let i = 0; i < n; i++) {
      const c = i < s.length ? s.charCodeAt(i) : 0;
      if (c > 0x7f) throw new EncodeError(this.protocol, field, `'${s}' is not ASCII`);
      this.buf[this.pos + i] = c;
    }
    this.pos += n;
    return this;
  }

  /** Pads with zeros to a multiple of `align` bytes measured from `start`. @defaultValue align = 8 */
  pad(start: number, align = 8): this {
    const rem = (this.pos - start) % align;
    return rem ? this.zeros(align - rem) : this;
  }

  /** Reserves a 16-bit field (written as 0) and returns its position, to be filled with {@link Writer.patch16}. */
  reserve16(): number {
    const at = this.pos;
    this.u16(0);
    return at;
  }

  /** Overwrites a big-endian 16-bit value at `at` (a reserved length or checksum field); range-checked. */
  patch16(at: number, v: number, field = "length"): this {
    if ((v & 0xffff) !== v) this.range(field, v, 16);
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
    return this;
  }

  /** Overwrites one byte at `at`; range-checked. */
  patch8(at: number, v: number, field = "u8"): this {
    if ((v & 0xff) !== v) this.range(field, v, 8);
    this.buf[at] = v;
    return this;
  }

  /**
   * The bytes written so far. No copy: the buffer itself when it is exactly full (no `subarray`, which
   * would force V8 to move a small array off its heap), else a view; copy it before writing more. A reused
   * Writer may return the same view object for the same length again (it shows the same bytes either way).
   */
  finish(): Uint8Array {
    const b = this.buf;
    const n = this.pos;
    if (n === b.length) return b;
    // caller memory keeps subarray (a Buffer's view is a Buffer); the Writer's own buffer is a Uint8Array
    if (this.fixed) return b.subarray(0, n);
    const vb = this.viewBuffer;
    if (vb !== undefined) {
      if (n >= VIEW_CACHE) return new Uint8Array(vb, b.byteOffset, n);
      const views = (this.views ??= new Array<Uint8Array | undefined>(VIEW_CACHE).fill(undefined));
      return (views[n] ??= new Uint8Array(vb, b.byteOffset, n));
    }
    if (this.viewed) this.viewBuffer = b.buffer;
    this.viewed = true;
    return b.subarray(0, n);
  }
}
