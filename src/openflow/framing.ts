/**
 * Stream framing for OpenFlow over TCP/unix: one buffer with read/write cursors; a frame that straddles
 * chunks is completed in place, and the buffer is compacted only when needed. The 16-bit length field is
 * checked before anything is buffered.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { OFP_HEADER_LEN } from "./messages.js";

/** Splits a byte stream into complete OpenFlow frames. */
export class FrameDecoder {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;
  /** Total bytes consumed so far (for error offsets). */
  private consumed = 0;

  /**
   * @param maxFrame - largest accepted frame (default 65535, the protocol maximum)
   */
  constructor(private readonly maxFrame = 0xffff) {
    this.buf = new Uint8Array(Math.min(maxFrame, 0xffff) + 1);
  }

  /**
   * Feeds a chunk and returns the complete frames it finished (views valid until the next `push`).
   * @throws DecodeError for a length below 8 or above the maximum frame size
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    // Fast path: nothing buffered, parse frames straight from the chunk (zero copy).
    if (this.end === this.start) {
      this.start = this.end = 0;
      while (chunk.length - off >= OFP_HEADER_LEN) {
        const len = this.frameLen(chunk, off);
        if (chunk.length - off < len) break;
        out.push(chunk.subarray(off, off + len));
        off += len;
        this.consumed += len;
      }
      if (off === chunk.length) return out;
    }
    const rest = chunk.subarray(off);
    if (this.end + rest.length > this.buf.length) {
      // compact: move the partial frame to the front
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      if (this.end + rest.length > this.buf.length) {
        const nb = new Uint8Array(Math.max(this.buf.length * 2, this.end + rest.length));
        nb.set(this.buf.subarray(0, this.end));
        this.buf = nb;
      }
    }
    this.buf.set(rest, this.end);
    this.end += rest.length;
    const frames: Uint8Array[] = [];
    while (this.end - this.start >= OFP_HEADER_LEN) {
      const len = this.frameLen(this.buf, this.start);
      if (this.end - this.start < len) break;
      frames.push(this.buf.slice(this.start, this.start + len));
      this.start += len;
      this.consumed += len;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return out.concat(frames);
  }

  /** Bytes buffered waiting for the rest of a frame. */
  get pending(): number {
    return this.end - this.start;
  }

  private frameLen(b: Uint8Array, at: number): number {
    const len = ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0);
    // `consumed` counts every byte before the frame at `at` (in the chunk or the buffer alike)
    if (len < OFP_HEADER_LEN) throw new DecodeError("openflow", this.consumed + 2, `frame length ${len} < 8`);
    if (len > this.maxFrame) throw new DecodeError("openflow", this.consumed + 2, `frame length ${len} exceeds maximum ${this.maxFrame}`);
    return len;
  }
}
