/**
 * A large message parsed in pieces while its bytes arrive (used by {@link JsonFramer} for a
 * message that spans chunks), so that most of the `JSON.parse` work is done while the peer is
 * still sending instead of after the last byte: a 100,000-row select or monitor reply is parsed
 * row by row as rows come in.
 *
 * The pieces are the containers at one nesting depth: depth 4 (counting the message as depth 1),
 * or 5 when the message's first inner container is an array. For every OVSDB message shape that
 * is one row: `{"id":..,"result":{"T":{"uuid":{..}}}}` (monitor replies: the row updates),
 * `{"id":..,"result":[{"rows":[{..}]}]}` (transact replies: the rows),
 * `{"method":"update","params":[id,{"T":{"uuid":{..}}}]}` and `{"result":[found,id,{"T":{..}}]}`
 * (updates and `monitor_cond_since` replies: the row updates). Each piece is parsed by its own
 * `JSON.parse` as soon as it is complete; the rest of the message (its skeleton, with each piece
 * replaced by its index) is parsed at the end and the pieces are put in place. A number beside the
 * pieces would be taken for a placeholder, so a message with one is parsed whole.
 *
 * The result is the value one `JSON.parse` of the whole text gives: a piece is a complete JSON
 * value in the place of a value, so the text is valid JSON exactly when the skeleton and every
 * piece are, and members keep their order because the skeleton holds every key. The framer hands
 * over each part's text with the boundaries as character offsets: an ASCII part (the usual one)
 * as one copy, any other decoded segment by segment (see the framer). Pieces of a part that holds
 * a digit run long enough to be an integer beyond 2^53, pieces that span parts, and the skeleton
 * of a message with such a run go through {@link parseJson}, which keeps such integers exact;
 * everything else through `JSON.parse`. When a piece or the
 * skeleton fails to parse, the framer parses the whole message from the parts' texts it kept (the
 * strings the pieces are cut from: no copy), so a malformed message gives exactly the error of the
 * whole-text parse.
 *
 * @module
 */

import { LONG_DIGIT_RUN, parseJson } from "./json.js";

const OPEN_BRACKET = 0x5b;
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
CLASS[0x7b] = CLASS_OPEN;
CLASS[OPEN_BRACKET] = CLASS_OPEN;
CLASS[0x7d] = CLASS_CLOSE;
CLASS[0x5d] = CLASS_CLOSE;

/** Scanner state carried between {@link scanPieces} calls, with the piece boundaries of the last call. */
export interface PieceScanState {
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Where the scan stopped (for error offsets). */
  pos: number;
  /** Length of the digit run the previous chunk ended in (outside strings). */
  digitRun: number;
  /** The message holds a digit run of {@link LONG_DIGIT_RUN} or more outside strings. */
  longDigits: boolean;
  /** Depth of the pieces (4 or 5), or 0 until the message's first inner container is seen. */
  pieceDepth: number;
  /** A number is a member or element beside the pieces (where the skeleton's placeholders are). */
  numberAmongPieces: boolean;
  /** Piece boundaries found by the last call, in order: a start as its index, an end as `~index` (just past the closing byte). */
  events: Int32Array;
  /** Number of entries of `events` the last call filled. */
  count: number;
}

/** The one scan state (calls never interleave: each copies a framer's state in and out). */
export const pieceScan: PieceScanState = {
  depth: 0,
  inString: false,
  escaped: false,
  pos: 0,
  digitRun: 0,
  longDigits: false,
  pieceDepth: 0,
  numberAmongPieces: false,
  events: new Int32Array(4096),
  count: 0,
};

function record(state: PieceScanState, count: number, value: number): number {
  if (count === state.events.length) {
    const grown = new Int32Array(count * 2);
    grown.set(state.events);
    state.events = grown;
  }
  state.events[count] = value;
  return count + 1;
}

/**
 * Scans `chunk` from `i` inside a message (not inside a string), as the framer's scanner does,
 * noting where pieces start and end. Returns the index just past the byte that closes the message,
 * -1 when the chunk ends first, or -2 when nesting exceeds `maxDepth` (`state.pos` past the byte).
 */
export function scanPieces(chunk: Uint8Array, i: number, state: PieceScanState, maxDepth: number): number {
  const n = chunk.length;
  let depth = state.depth;
  let pieceDepth = state.pieceDepth;
  let count = 0;
  if (state.digitRun > 0) {
    let run = state.digitRun;
    while (i < n && chunk[i]! >= 0x30 && chunk[i]! <= 0x39) {
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
      // A number among the pieces would read as a placeholder: such a message is parsed whole.
      if (depth === pieceDepth - 1) state.numberAmongPieces = true;
      continue;
    }
    if (k === CLASS_QUOTE) {
      for (;;) {
        if (i >= n) {
          state.depth = depth;
          state.inString = true;
          state.escaped = false;
          state.pieceDepth = pieceDepth;
          state.count = count;
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
            state.pieceDepth = pieceDepth;
            state.count = count;
            return -1;
          }
        }
      }
    } else if (k === CLASS_OPEN) {
      if (++depth > maxDepth) {
        state.pos = i;
        state.depth = depth;
        state.count = count;
        return -2;
      }
      if (depth === pieceDepth) count = record(state, count, i - 1);
      else if (depth === 2 && pieceDepth === 0) pieceDepth = chunk[i - 1] === OPEN_BRACKET ? 5 : 4;
    } else {
      if (depth === pieceDepth) count = record(state, count, ~i);
      if (--depth === 0) {
        state.depth = 0;
        state.inString = false;
        state.escaped = false;
        state.pieceDepth = pieceDepth;
        state.count = count;
        return i;
      }
    }
  }
  state.depth = depth;
  state.inString = false;
  state.escaped = false;
  state.pieceDepth = pieceDepth;
  state.count = count;
  return -1;
}

/** {@link PieceAssembler.finish}'s answer when the message must be parsed whole. */
export const WHOLE: unique symbol = Symbol("whole");

/**
 * Gathers one message's pieces (parsed as they complete) and its skeleton; see the module's
 * description. The framer feeds it the ASCII text of each part of the message with the piece
 * boundaries {@link scanPieces} found there.
 */
export class PieceAssembler {
  /** Depth of the pieces (see {@link PieceScanState.pieceDepth}), carried between scans. */
  pieceDepth = 0;
  private readonly values: unknown[] = [];
  /** The skeleton so far, one string per part (joined per part, so no part's text is kept alive by a slice of it). */
  private readonly skeleton: string[] = [];
  /** The text of a piece that began in an earlier part and has not ended yet. */
  private head: string[] | undefined;
  /** A piece did not parse, or a number lies beside the pieces: the message must be parsed whole. */
  failed = false;

  /**
   * Takes the text of one part of the message, the boundaries being the `count` entries of `events`
   * less `from` (character offsets into `text`). `exact`: the part may hold an integer beyond 2^53.
   */
  take(text: string, from: number, events: Int32Array, count: number, exact: boolean): void {
    const frags: string[] = [];
    let at = 0; // text index where the skeleton (or the open piece) resumes
    let inPiece = this.head !== undefined;
    for (let e = 0; e < count; e++) {
      const x = events[e]!;
      if (x >= 0) {
        frags.push(text.substring(at, x - from));
        at = x - from;
        inPiece = true;
        continue;
      }
      inPiece = false;
      const end = ~x - from;
      let piece = text.substring(at, end);
      let value: unknown;
      try {
        if (this.head !== undefined) {
          // Begun in an earlier part, whose long digit runs were not looked for in this piece.
          this.head.push(piece);
          piece = this.head.join("");
          this.head = undefined;
          value = parseJson(piece);
        } else value = exact ? parseJson(piece) : JSON.parse(piece);
      } catch {
        this.failed = true;
        return;
      }
      at = end;
      frags.push(String(this.values.length));
      this.values.push(value);
    }
    const rest = text.substring(at);
    if (inPiece) (this.head ??= []).push(rest);
    else frags.push(rest);
    this.skeleton.push(frags.length === 1 ? frags[0]! : frags.join(""));
  }

  /**
   * The message's value, or {@link WHOLE} when the skeleton does not parse (the framer then parses
   * the whole text for its error). `exact`: the message may hold an integer beyond 2^53.
   */
  finish(exact: boolean): unknown {
    let root: unknown;
    try {
      const text = this.skeleton.join("");
      root = exact ? parseJson(text) : JSON.parse(text);
    } catch {
      return WHOLE;
    }
    return this.pieceDepth === 0 ? root : fill(root, 1, this.pieceDepth, this.values);
  }
}

/** Puts the pieces in the skeleton's placeholders (the numbers at depth `pieceDepth`), from the container at `depth`. */
function fill(v: unknown, depth: number, pieceDepth: number, values: unknown[]): unknown {
  if (depth === pieceDepth) return typeof v === "number" ? values[v] : v;
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fill(v[i], depth + 1, pieceDepth, values);
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) o[k] = fill(o[k], depth + 1, pieceDepth, values);
  }
  return v;
}
