/**
 * Incremental framing of a byte stream of concatenated JSON values (RFC 7047 §4: JSON-RPC over a
 * stream socket has no length prefix; a message ends where its top-level JSON object closes).
 *
 * The framer scans every byte exactly once, tracking only the nesting depth and whether it is inside
 * a string (and after a backslash). Multi-byte UTF-8 sequences never contain ASCII bytes, so a chunk
 * may end anywhere — inside a UTF-8 sequence, a string escape or a number — and the scan resumes where
 * it stopped. A message within one chunk is decoded with one `JSON.parse` over its own bytes; the
 * scan also notes digit runs of 16 or more outside strings, and only a message holding one goes
 * through the exact reader that keeps 64-bit integers ({@link parseJsonExact}). A message that
 * spans chunks is parsed in pieces (its rows) while it arrives (see pieces.ts), whatever it holds:
 * from its first chunk on, each chunk is decoded once and scanned as text instead of as bytes (its
 * end mapped back to a byte offset in the chunk where the message ends).
 *
 * @module
 */

import { isAscii } from "node:buffer";
import { decodeUtf8Lossless, unfinishedUtf8Suffix } from "./utf8.js";
import { LONG_DIGITS, LONG_DIGIT_RUN, parseJsonExact } from "./json.js";
import { PieceAssembler, WHOLE } from "./pieces.js";

/** Raised when the byte stream cannot be framed; the connection must be closed (there is no resync point). */
export class FramingError extends Error {
  override readonly name = "FramingError";
  /** Byte offset in the stream (counted from the first byte the framer received) where the problem was found. */
  readonly offset: number;
  /** Why the stream was rejected. */
  readonly reason: string;
  /**
   * The stream ended (the peer closed it) inside a message, as {@link JsonFramer.end} reports it:
   * what OVS's tools call "End of file"; false for bytes that are not a JSON-RPC stream.
   */
  readonly truncated: boolean;
  constructor(reason: string, offset: number, truncated = false) {
    super(`JSON-RPC stream: ${reason} at byte ${offset}`);
    this.reason = reason;
    this.offset = offset;
    this.truncated = truncated;
  }
}

/** Options for {@link JsonFramer}. */
export interface JsonFramerOptions {
  /**
   * Largest accepted message, in bytes. A message that grows past this is rejected with a
   * {@link FramingError} before it is buffered further.
   * @default 256 MiB
   */
  maxMessageBytes?: number;
  /**
   * Deepest accepted nesting of arrays and objects.
   * @default 1000
   */
  maxDepth?: number;
  /**
   * Return each message's bytes (a `Uint8Array`) instead of parsing them: for relays, proxies and
   * for measuring the framer alone.
   * @default false
   */
  raw?: boolean;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Byte classes the scanner acts on outside strings; 0 = any other byte. */
const CLASS_QUOTE = 1;
const CLASS_OPEN = 2;
const CLASS_CLOSE = 3;
const CLASS_DIGIT = 4;
const CLASS = new Uint8Array(256);
for (let d = 0x30; d <= 0x39; d++) CLASS[d] = CLASS_DIGIT;
CLASS[QUOTE] = CLASS_QUOTE;
CLASS[OPEN_BRACE] = CLASS_OPEN;
CLASS[OPEN_BRACKET] = CLASS_OPEN;
CLASS[CLOSE_BRACE] = CLASS_CLOSE;
CLASS[CLOSE_BRACKET] = CLASS_CLOSE;

/** Scanner state carried between {@link scanMessage} calls (one shared object: no allocation per call). */
interface ScanState {
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Where the scan stopped (for error offsets). */
  pos: number;
  /** Length of the digit run the previous chunk ended in (outside strings). */
  digitRun: number;
  /** The message holds a digit run of {@link LONG_DIGIT_RUN} or more outside strings (maybe an integer beyond 2^53). */
  longDigits: boolean;
}

const scanState: ScanState = { depth: 0, inString: false, escaped: false, pos: 0, digitRun: 0, longDigits: false };

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/**
 * Scans `chunk` from `i` inside a message at nesting `state.depth` (not inside a string).
 * Returns the index just past the byte that closes the message, -1 when the chunk ends first
 * (state updated: depth, and whether it stopped inside a string or after a backslash), or -2 when
 * nesting exceeds `maxDepth`. A small separate function, so that V8 optimizes this hot loop alone.
 */
function scanMessage(chunk: Uint8Array, i: number, state: ScanState, maxDepth: number): number {
  const n = chunk.length;
  let depth = state.depth;
  if (state.digitRun > 0) {
    // A number split across chunks: count its remaining digits.
    let run = state.digitRun;
    while (i < n && isDigit(chunk[i]!)) {
      i++;
      run++;
    }
    if (run >= LONG_DIGIT_RUN) state.longDigits = true;
    state.digitRun = i >= n ? run : 0;
  }
  while (i < n) {
    const k = CLASS[chunk[i++]!]!;
    if (k === 0) continue;
    if (k === CLASS_DIGIT) {
      const from = i - 1;
      while (i < n) {
        const b = chunk[i]!;
        if (b < 0x30 || b > 0x39) break;
        i++;
      }
      if (i - from >= LONG_DIGIT_RUN) state.longDigits = true;
      else if (i >= n) state.digitRun = i - from;
      continue;
    }
    if (k === CLASS_QUOTE) {
      for (;;) {
        if (i >= n) {
          state.depth = depth;
          state.inString = true;
          state.escaped = false;
          return -1;
        }
        const b = chunk[i++]!;
        if (b === QUOTE) break;
        if (b === BACKSLASH) {
          if (i < n) i++;
          else {
            state.depth = depth;
            state.inString = true;
            state.escaped = true;
            return -1;
          }
        }
      }
    } else if (k === CLASS_OPEN) {
      if (++depth > maxDepth) {
        state.pos = i;
        state.depth = depth;
        return -2;
      }
    } else if (--depth === 0) {
      state.depth = 0;
      state.inString = false;
      state.escaped = false;
      return i;
    }
  }
  state.depth = depth;
  state.inString = false;
  state.escaped = false;
  return -1;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
/** For the parts of a message: `ignoreBOM`, as a part may begin inside a string with U+FEFF. */
const segmentDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Splits a stream of bytes into complete top-level JSON texts and parses each.
 *
 * Top-level values must be objects or arrays (JSON-RPC messages are objects); whitespace between
 * them is skipped. Anything else at the top level is a {@link FramingError}.
 */
export class JsonFramer {
  private readonly maxBytes: number;
  private readonly maxDepth: number;
  private readonly raw: boolean;
  /** Largest chunk given to the one-message fast path (0 in raw mode); see `wholeChunk`. */
  private readonly wholeLimit: number;
  /** Raw mode: the bytes of the message being assembled, as views of the chunks (never copied). */
  private parts: Uint8Array[] = [];
  /**
   * Text mode: the text of each part of the message being assembled (the strings its pieces are
   * cut from, so holding them costs no copy), kept only to parse a malformed message whole for the
   * exact error (see pieces.ts).
   */
  private texts: string[] = [];
  private partBytes = 0;
  /** Text mode: the pieces of the message being assembled, parsed as it arrives (see pieces.ts). */
  private pieces: PieceAssembler | undefined;
  /** The bytes at the end of the last part that start a UTF-8 sequence the next part finishes. */
  private carry: Uint8Array = NOTHING;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private digitRun = 0;
  private longDigits = false;
  /** Stream offset of the first byte of the next chunk. */
  private streamOffset = 0;
  private failed: FramingError | undefined;

  constructor(options: JsonFramerOptions = {}) {
    this.maxBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
    this.maxDepth = options.maxDepth ?? 1000;
    this.raw = options.raw ?? false;
    // A JSON text of n bytes nests at most n/2 deep, so chunks up to twice the depth limit cannot break it.
    this.wholeLimit = this.raw ? 0 : Math.min(2 * this.maxDepth, this.maxBytes);
  }

  /** Bytes buffered for a message that has not ended yet. */
  get pendingBytes(): number {
    return this.partBytes;
  }

  /**
   * Feeds one chunk; returns the messages completed by it (already `JSON.parse`d), in order.
   * Throws {@link FramingError} on a framing or JSON error; after that, the framer stays failed.
   */
  push(input: Uint8Array): unknown[] {
    if (this.failed) throw this.failed;
    // A plain Uint8Array view keeps element access monomorphic whatever subclass (Buffer) came in.
    const n = input.length;
    if (n <= this.wholeLimit && this.depth === 0 && this.partBytes === 0 && input[0] === OPEN_BRACE && input[n - 1] === CLOSE_BRACE) {
      const one = this.wholeChunk(input);
      if (one !== undefined) {
        this.streamOffset += n;
        return one;
      }
    }
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const out: unknown[] = [];
    let start = this.partBytes > 0 || this.depth > 0 ? 0 : -1; // start of the current message in this chunk
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let i = 0;
    try {
      const maxDepth = this.maxDepth;
      if (this.pieces !== undefined) {
        // The message being parsed in pieces goes on in this chunk.
        const end = this.continuePieces(chunk);
        if (end < 0) {
          this.grow(n);
          return out;
        }
        const size = this.partBytes + end;
        if (size > this.maxBytes) {
          throw new FramingError(`message of ${size} bytes exceeds the limit of ${this.maxBytes}`, this.streamOffset + end - 1);
        }
        out.push(this.finish(chunk.subarray(0, end), this.streamOffset + end - size));
        i = end;
        depth = 0;
        inString = false;
        escaped = false;
        start = -1;
      }
      while (i < n) {
        if (inString) {
          // Inside a string only '"' and '\\' matter; multi-byte UTF-8 never contains ASCII bytes.
          if (escaped) {
            escaped = false;
            i++;
          }
          while (i < n) {
            const b = chunk[i++]!;
            if (b === QUOTE) {
              inString = false;
              break;
            }
            if (b === BACKSLASH) {
              if (i < n) i++;
              else escaped = true;
            }
          }
          continue;
        }
        if (depth === 0) {
          // Between messages: skip whitespace, expect '{' or '['.
          const b = chunk[i]!;
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            continue;
          }
          if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
            throw new FramingError(`expected '{' to start a message but found ${describeByte(b)}`, this.streamOffset + i);
          }
          start = i++;
          depth = 1;
          this.longDigits = false;
          this.digitRun = 0;
        }
        // Inside a message: one tight loop until the message ends or the chunk does.
        const st = scanState;
        st.depth = depth;
        st.escaped = escaped;
        st.digitRun = this.digitRun;
        st.longDigits = this.longDigits;
        const end = scanMessage(chunk, i, st, maxDepth);
        this.digitRun = end >= 0 ? 0 : st.digitRun;
        this.longDigits = st.longDigits;
        depth = st.depth;
        inString = st.inString;
        escaped = st.escaped;
        if (end === -2) throw new FramingError(`nesting deeper than ${maxDepth}`, this.streamOffset + st.pos - 1);
        if (end === -1) {
          i = n;
          break;
        }
        i = end;
        const size = this.partBytes + (i - start);
        if (size > this.maxBytes) {
          throw new FramingError(`message of ${size} bytes exceeds the limit of ${this.maxBytes}`, this.streamOffset + i - 1);
        }
        out.push(this.finish(chunk.subarray(start, i), this.streamOffset + i - size));
        start = -1;
      }
      if (depth > 0) {
        const from = start === -1 ? 0 : start;
        const tail = chunk.subarray(from);
        if (tail.length > 0) {
          if (this.raw) {
            this.grow(tail.length);
            // Kept as a view, not copied: chunks handed to push() must not be modified afterwards
            // (socket chunks never are).
            this.parts.push(tail);
          } else {
            // A message that spans chunks is parsed in pieces from its first part on (see pieces.ts).
            this.startPieces(chunk, from);
            this.grow(tail.length);
          }
        }
      }
    } catch (e) {
      if (e instanceof FramingError) {
        this.failed = e;
        this.parts = [];
        this.texts = [];
        this.pieces = undefined;
        this.carry = NOTHING;
        this.partBytes = 0;
      }
      throw e;
    } finally {
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
      this.streamOffset += n;
    }
    return out;
  }

  /**
   * The fast path of a chunk that holds exactly one small message, the usual case of a reply to
   * one call: the whole chunk decoded and parsed at once, without the byte scan. Returns the
   * message in a one-element array, or undefined to take the scanning path (the chunk is not
   * UTF-8, may hold a 64-bit integer, or is not exactly one JSON object: two messages, or a
   * message that continues in the next chunk, which that path frames and reports). Only chunks of
   * at most `wholeLimit` bytes come here: too short to nest deeper than the depth limit, and
   * short enough that a failed attempt costs little.
   */
  private wholeChunk(input: Uint8Array): unknown[] | undefined {
    let text: string;
    try {
      text = decoder.decode(input);
    } catch {
      return undefined;
    }
    // A digit run long enough to be an integer beyond 2^53 (anywhere in the text: a string's digits only cost the slow path).
    if (LONG_DIGITS.test(text)) return undefined;
    const join = text.indexOf("}{");
    if (join >= 0) return splitWhole(text, join);
    try {
      return [JSON.parse(text)];
    } catch {
      return undefined;
    }
  }

  /**
   * Reports whether the stream ended cleanly (no partial message). Call when the peer closes;
   * returns a {@link FramingError} describing the truncated message, or undefined.
   */
  end(): FramingError | undefined {
    if (this.failed) return this.failed;
    if (this.depth > 0 || this.partBytes > 0) {
      return new FramingError(`connection closed inside a message (${this.partBytes} bytes buffered)`, this.streamOffset, true);
    }
    return undefined;
  }

  /** Counts `bytes` more of the message being assembled, refusing it when it grows past the limit. */
  private grow(bytes: number): void {
    if (this.partBytes + bytes > this.maxBytes) {
      throw new FramingError(`message of more than ${this.maxBytes} bytes exceeds the limit`, this.streamOffset + this.partBytes + bytes);
    }
    this.partBytes += bytes;
  }

  /**
   * Starts parsing the message that begins at `chunk[start]` and goes on in the next chunk in
   * pieces (see pieces.ts): its text in this chunk is scanned again, for the pieces.
   */
  private startPieces(chunk: Uint8Array, start: number): void {
    const pieces = (this.pieces = new PieceAssembler());
    const bytes = chunk.subarray(start);
    const text = this.partText(bytes);
    const end = pieces.part(text, 1, this.maxDepth);
    if (end === -2) this.tooDeep(bytes.length, 0, text, pieces.scan.pos, start);
    this.texts.push(text);
  }

  /**
   * Goes on with the message being parsed in pieces in `chunk`: decodes the chunk (see
   * {@link partText}), scans it and hands it to the assembler. Returns the index in `chunk` just
   * past the end of the message, or -1 when it goes on in the next chunk.
   */
  private continuePieces(chunk: Uint8Array): number {
    const pieces = this.pieces!;
    const carried = this.carry.length;
    const text = this.partText(chunk);
    const end = pieces.part(text, 0, this.maxDepth);
    if (end === -2) this.tooDeep(chunk.length, carried, text, pieces.scan.pos, 0);
    if (end < 0) {
      this.texts.push(text);
      return -1;
    }
    this.texts.push(end < text.length ? text.slice(0, end) : text);
    return byteOffset(text, end, chunk.length + carried) - carried;
  }

  /**
   * Throws the nesting error for the character before `text[pos]`, `text` being the text of the
   * `carried` bytes of the last part and the `bytes` bytes from chunk index `at`.
   */
  private tooDeep(bytes: number, carried: number, text: string, pos: number, at: number): never {
    const offset = byteOffset(text, pos, bytes + carried) - carried;
    throw new FramingError(`nesting deeper than ${this.maxDepth}`, this.streamOffset + at + offset - 1);
  }

  /**
   * The text of `bytes`, a part of the message being assembled (with the bytes carried from the
   * last part before them). An ASCII part (the usual one) is copied as it is; any other is decoded
   * once, an unfinished UTF-8 sequence at its end carried to the next part (when the message ends
   * in this part, such a sequence lies after its last byte, which is ASCII). A part that is not
   * UTF-8 has its bad bytes escaped as the whole-message path escapes them (see utf8.ts): each
   * escape is local to its bytes, so part by part gives the whole message's text.
   */
  private partText(bytes: Uint8Array): string {
    if (this.carry.length === 0 && isAscii(bytes)) return latin1(bytes);
    if (this.carry.length > 0) bytes = Buffer.concat([this.carry, bytes]);
    const held = unfinishedUtf8Suffix(bytes);
    const body = held.length > 0 ? bytes.subarray(0, bytes.length - held.length) : bytes;
    this.carry = held.length > 0 ? held.slice() : NOTHING;
    return decodeValid(body) ?? decodeUtf8Lossless(body);
  }

  /** The message decoded losslessly (invalid bytes escaped, see utf8.ts); resets the assembly state. */
  private losslessText(last: Uint8Array): string {
    this.partBytes = 0;
    return decodeUtf8Lossless(last);
  }

  private finish(last: Uint8Array, messageOffset: number): unknown {
    let text: string;
    if (this.raw) {
      if (this.parts.length === 0) return last;
      this.parts.push(last);
      const bytes = Buffer.concat(this.parts, this.partBytes + last.length);
      this.parts = [];
      this.partBytes = 0;
      return bytes;
    }
    // Bytes that are not UTF-8 do not fail the message: they are escaped (see utf8.ts), as
    // ovsdb-server's reader takes them and only a column value refuses them.
    const pieces = this.pieces;
    if (pieces !== undefined) {
      this.pieces = undefined;
      const value = pieces.failed ? WHOLE : pieces.finish();
      if (pieces.longDigits) this.longDigits = true;
      this.partBytes = 0;
      this.carry = NOTHING;
      const texts = this.texts;
      this.texts = [];
      if (value !== WHOLE) return value;
      // A piece or the skeleton did not parse: the whole text is parsed for its exact error.
      text = texts.join("");
    } else {
      try {
        text = decoder.decode(last);
      } catch {
        text = this.losslessText(last);
      }
    }
    try {
      return this.longDigits ? parseJsonExact(text) : JSON.parse(text);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new FramingError(`message is not valid JSON (${detail})`, messageOffset);
    }
  }
}

/** An empty byte array (nothing carried). */
const NOTHING = new Uint8Array(0);

/** The text of valid UTF-8 bytes, or undefined when they are not valid UTF-8. */
function decodeValid(bytes: Uint8Array): string | undefined {
  try {
    return segmentDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The byte offset of `text[pos]` in the `bytes` bytes `text` was decoded from (see
 * `partText`): `pos` itself when every byte became one character, else the UTF-8 length of the
 * characters before it (an escaped invalid byte, U+DC80–U+DCFF alone, counting one).
 */
function byteOffset(text: string, pos: number, bytes: number): number {
  if (text.length === bytes) return pos;
  let n = 0;
  for (let i = 0; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) n++;
    else n += 3;
  }
  return n;
}

/** ASCII bytes as a one-byte string (a plain copy). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function describeByte(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/**
 * The fast path of a small chunk that holds several messages back to back, as ovsdb-server writes
 * a client's own `update3` and the reply to its transaction in one write. The chunk is cut at the
 * `}{` joins: a prefix that parses is the first message (a JSON object that starts the text ends
 * at exactly one place), and a join inside a string just fails to parse and is passed over.
 * Returns undefined (the scanning path frames the chunk and reports any error) when the rest does
 * not parse, so nothing is consumed on failure.
 */
function splitWhole(text: string, firstJoin: number): unknown[] | undefined {
  const out: unknown[] = [];
  let from = 0;
  for (let join = firstJoin; join >= 0; join = text.indexOf("}{", join + 1)) {
    try {
      out.push(JSON.parse(text.slice(from, join + 1)));
      from = join + 1;
    } catch {
      // A "}{" inside a string of the current message: try the next join.
    }
  }
  try {
    out.push(JSON.parse(from === 0 ? text : text.slice(from)));
  } catch {
    return undefined;
  }
  return out;
}
