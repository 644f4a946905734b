/**
 * Bounded big-endian byte reader and writer used by every OpenFlow codec in this package, plus
 * {@link DecodeError}, the only error malformed input ever produces.
 *
 * @module
 */

export { DecodeError } from "../bytes/decode-error.js";
import { DecodeError } from "../bytes/decode-error.js";

/**
 * Thrown by encoders for a value that cannot be represented on the wire: it names the protocol, the field
 * and what is wrong (never a silently wrapped or truncated value).
 */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
  /** The layer being encoded. */
  readonly protocol = "openflow";
  /**
   * @param field - the field (`xid`, `flow_mod.priority`, `reg0`, ...)
   * @param reason - what is wrong, in words
   */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`openflow: ${field}: ${reason}`);
  }
}

function outOfRange(field: string | undefined, v: number | bigint, bits: number): EncodeError {
  return new EncodeError(field ?? `u${bits} field`, `${String(v)} is not an unsigned ${bits}-bit integer`);
}

/**
 * Bounded cursor over a window of a `Uint8Array`. Every read checks the window first and throws
 * {@link DecodeError} (never `RangeError`). {@link Reader.sub} returns a reader over a sub-window that
 * shares the same buffer and `DataView` (no allocation of views), and {@link Reader.bytesView} returns
 * zero-copy `subarray`s.
 */
export class Reader {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  /** Absolute index (into `buf`) of the window start. */
  private readonly s: number;
  /** Absolute index (into `buf`) of the window end. */
  private readonly e: number;
  /** Absolute cursor (into `buf`). */
  private p: number;
  /** Absolute offset of `buf[0]` in the outermost input, for error reporting. */
  private readonly b0: number;
  /** Protocol name used in errors. */
  readonly protocol: string;

  /**
   * @param bytes - bytes to read
   * @param base - absolute offset of `bytes[0]` (for error messages)
   * @param protocol - protocol name for errors
   */
  constructor(bytes: Uint8Array, base = 0, protocol = "openflow", view?: DataView, s = 0, e = bytes.length) {
    this.buf = bytes;
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.s = s;
    this.e = e;
    this.p = s;
    this.b0 = base;
    this.protocol = protocol;
  }

  /** The window this reader may read (a zero-copy view). */
  get bytes(): Uint8Array {
    return this.buf.subarray(this.s, this.e);
  }

  /** Current position, relative to the window start. */
  get pos(): number {
    return this.p - this.s;
  }
  set pos(v: number) {
    this.p = this.s + v;
  }

  /** Absolute offset of the window start in the outermost input. */
  get base(): number {
    return this.b0 + this.s;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.e - this.p;
  }

  /** Absolute offset of the cursor. */
  get offset(): number {
    return this.b0 + this.p;
  }

  /** Throws a {@link DecodeError} at the current (or given window-relative) position. */
  fail(reason: string, at: number = this.pos): never {
    throw new DecodeError(this.protocol, this.b0 + this.s + at, reason);
  }

  /** Ensures `n` bytes remain. */
  need(n: number, what = "field"): void {
    if (n < 0 || this.p + n > this.e) this.fail(`truncated ${what}: need ${n} bytes, have ${this.remaining}`);
  }

  /** Reads an unsigned byte. */
  u8(): number {
    if (this.p + 1 > this.e) this.need(1);
    return this.view.getUint8(this.p++);
  }

  /** Reads a big-endian u16. */
  u16(): number {
    if (this.p + 2 > this.e) this.need(2);
    const v = this.view.getUint16(this.p);
    this.p += 2;
    return v;
  }

  /** Reads a big-endian u32. */
  u32(): number {
    if (this.p + 4 > this.e) this.need(4);
    const v = this.view.getUint32(this.p);
    this.p += 4;
    return v;
  }

  /** Reads a big-endian u64 as bigint. */
  u64(): bigint {
    if (this.p + 8 > this.e) this.need(8);
    const v = this.view.getBigUint64(this.p);
    this.p += 8;
    return v;
  }

  /** Reads `n` bytes as a zero-copy view. */
  bytesView(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n, "padding");
    this.p += n;
  }

  /** Returns a reader over the next `n` bytes (same buffer, no copy) and advances past them. */
  sub(n: number, what = "body"): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.b0, this.protocol, this.view, this.p, this.p + n);
    this.p += n;
    return r;
  }

  /**
   * Walks a property list to the end of this reader: `{type u16, length u16, body}` entries, each
   * padded to 8 bytes (OpenFlow 1.3.5 §7.5.1 hello elements, Nicira packet-in2 and continuation
   * properties, table feature properties). Yields each type with a reader over its body (header
   * excluded); `what` names the entries in errors.
   * @throws DecodeError for a length below 4 or past the end
   */
  *properties(what: string): Generator<{ type: number; body: Reader }> {
    while (this.remaining > 0) {
      const at = this.p;
      const type = this.u16();
      const len = this.u16();
      if (len < 4) this.fail(`${what} length ${len} < 4`, at + 2);
      this.p = at;
      const body = this.sub(len, what);
      body.skip(4);
      this.skip(Math.min(this.remaining, ((len + 7) & ~7) - len));
      yield { type, body };
    }
  }

  /** Reads a NUL-padded fixed-length ASCII string. */
  str(n: number): string {
    const b = this.bytesView(n, "string");
    let end = b.indexOf(0);
    if (end < 0) end = b.length;
    let s = "";
    for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
}

/**
 * Growable big-endian writer. Length fields are reserved with {@link Writer.reserve16} and filled
 * afterwards with {@link Writer.patch16}.
 */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  /** Number of bytes written. */
  pos = 0;

  /** @param capacity - initial capacity in bytes */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private grow(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }

  /**
   * Writes an unsigned byte.
   * @param field - named in the {@link EncodeError} thrown when `v` is not an integer in 0..255
   */
  u8(v: number, field?: string): this {
    if (!(v >>> 0 === v && v <= 0xff)) throw outOfRange(field, v, 8);
    this.grow(1);
    this.view.setUint8(this.pos++, v);
    return this;
  }

  /**
   * Writes a big-endian u16.
   * @param field - named in the {@link EncodeError} thrown when `v` is not an integer in 0..65535
   */
  u16(v: number, field?: string): this {
    if (!(v >>> 0 === v && v <= 0xffff)) throw outOfRange(field, v, 16);
    this.grow(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  /**
   * Writes a big-endian u32.
   * @param field - named in the {@link EncodeError} thrown when `v` is not an integer in 0..2^32-1
   */
  u32(v: number, field?: string): this {
    if (v >>> 0 !== v) throw outOfRange(field, v, 32);
    this.grow(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
    return this;
  }

  /**
   * Writes a big-endian u64.
   * @param field - named in the {@link EncodeError} thrown when `v` is not in 0..2^64-1
   */
  u64(v: bigint, field?: string): this {
    if (typeof v !== "bigint" || v < 0n || v > 0xffffffffffffffffn) throw outOfRange(field, v, 64);
    this.grow(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
    return this;
  }

  /** Writes raw bytes. */
  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): this {
    this.grow(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Writes an ASCII string NUL-padded to exactly `n` bytes (truncated if longer). */
  str(s: string, n: number): this {
    this.grow(n);
    for (let i = 0; i < n; i++) this.buf[this.pos + i] = i < s.length && i < n - 1 ? s.charCodeAt(i) & 0xff : 0;
    this.pos += n;
    return this;
  }

  /** Pads with zeros to a multiple of `align` measured from `start`. */
  pad(start: number, align = 8): this {
    const rem = (this.pos - start) % align;
    return rem ? this.zeros(align - rem) : this;
  }

  /** Reserves a u16 and returns its position, to be filled with {@link Writer.patch16}. */
  reserve16(): number {
    const at = this.pos;
    this.u16(0);
    return at;
  }

  /** Overwrites a previously written u16. */
  patch16(at: number, v: number): void {
    if (v > 0xffff) throw new EncodeError("length", `${v} does not fit in 16 bits`);
    this.view.setUint16(at, v);
  }

  /** Overwrites a previously written u8. */
  patch8(at: number, v: number): void {
    this.view.setUint8(at, v);
  }

  /** Returns the written bytes (a view; copy if the writer is reused). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Lower-case hex of bytes, no separators. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += (x < 16 ? "0" : "") + x.toString(16);
  return s;
}

/** Parses hex (whitespace, `:`, `.` and `-` ignored; optional `0x`). Throws `Error` on bad digits. */
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
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** bigint → `n` big-endian bytes (truncated to n*8 bits). */
export function bigToBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
