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
 * over each part's text (an ASCII part, the usual one, as one copy; any other decoded once, see
 * the framer), which {@link scanText} scans for the boundaries (strings skipped with `indexOf`,
 * brackets counted), as character offsets. Inside a piece it does not scan at all once the end of
 * an earlier piece was seen: it guesses that the piece ends with the same characters then ','
 * (`}},` for monitor rows), found with one `indexOf`, and {@link PieceAssembler.part} keeps the
 * guesses of a part only when every piece parses (a piece cut anywhere but at its real end
 * cannot: its first character opens a container that closes only there); else the part is
 * scanned again without guessing. Pieces of a part that holds
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

/** Scanner state carried between {@link scanText} calls (one per message), with the piece boundaries of the last call. */
export interface PieceScanState {
  depth: number;
  inString: boolean;
  /** Inside a string, the next character is escaped (the last part ended in an odd run of backslashes). */
  escaped: boolean;
  /** Where the scan stopped (a character offset, for error offsets). */
  pos: number;
  /** Length of the digit run the previous part ended in (outside strings). */
  digitRun: number;
  /** The last call saw a digit run of {@link LONG_DIGIT_RUN} or more outside strings. */
  longDigits: boolean;
  /** Depth of the pieces (4 or 5), or 0 until the message's first inner container is seen. */
  pieceDepth: number;
  /** A number is a member or element beside the pieces (where the skeleton's placeholders are). */
  numberAmongPieces: boolean;
  /** Piece boundaries found by the last call, in order: a start as its index, an end as `~index` (just past the closing character). */
  events: Int32Array;
  /** Number of entries of `events` the last call filled. */
  count: number;
  /**
   * The characters that ended the last piece followed by a `,` (e.g. `}},` for monitor rows), or ""
   * until a piece so followed has been seen: where the next piece probably ends (see {@link scanText}).
   */
  sig: string;
}

/** A fresh scan state for a message whose first byte (`{` or `[`) has been read. */
export function newPieceScan(): PieceScanState {
  return { depth: 1, inString: false, escaped: false, pos: 0, digitRun: 0, longDigits: false, pieceDepth: 0, numberAmongPieces: false, events: new Int32Array(1024), count: 0, sig: "" };
}

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
 * Index just past the quote that closes the string `text[i..]` is inside (`i` is not an escaped
 * character), or -1 when the text ends first. Strings are skipped with `indexOf`, a quote being
 * escaped when an odd run of backslashes comes before it. On -1, `state.escaped` tells whether the
 * text ended in an odd run of backslashes (the next part's first character is then escaped).
 */
function skipString(text: string, i: number, state: PieceScanState): number {
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) {
      let k = text.length;
      while (k > i && text.charCodeAt(k - 1) === BACKSLASH) k--;
      state.escaped = ((text.length - k) & 1) === 1;
      return -1;
    }
    if (text.charCodeAt(q - 1) !== BACKSLASH || q === i) return q + 1;
    let k = q - 1;
    while (k > i && text.charCodeAt(k - 1) === BACKSLASH) k--;
    if (((q - k) & 1) === 0) return q + 1;
    i = q + 1;
  }
}

/**
 * Scans the text of one part of a message from `i` (JSON's structure: strings skipped, nesting
 * counted), noting where pieces start and end (character offsets). Returns the index just past
 * the character that closes the message, -1 when the text ends first, or -2 when nesting exceeds
 * `maxDepth` (`state.pos` past the character).
 */
export function scanText(text: string, i: number, state: PieceScanState, maxDepth: number, guess = false): number {
  const n = text.length;
  let depth = state.depth;
  let pieceDepth = state.pieceDepth;
  let count = 0;
  state.longDigits = false;
  if (state.inString) {
    if (state.escaped) {
      state.escaped = false;
      i++;
    }
    const end = i <= n ? skipString(text, i, state) : -1;
    if (end < 0) {
      state.count = 0;
      return -1;
    }
    i = end;
    state.inString = false;
  } else if (state.digitRun > 0) {
    // A number split across parts: count its remaining digits.
    let run = state.digitRun;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
      run++;
    }
    if (run >= LONG_DIGIT_RUN) state.longDigits = true;
    state.digitRun = i >= n ? run : 0;
  }
  while (i < n) {
    const c = text.charCodeAt(i++);
    if (c === QUOTE) {
      const end = skipString(text, i, state);
      if (end < 0) {
        state.inString = true;
        state.depth = depth;
        state.pieceDepth = pieceDepth;
        state.count = count;
        return -1;
      }
      i = end;
    } else if (c === 0x7b || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        state.pos = i;
        state.depth = depth;
        state.count = count;
        return -2;
      }
      if (depth === pieceDepth) {
        count = record(state, count, i - 1);
        if (guess && state.sig !== "") {
          // Guess that the piece ends where the last one did (its closing characters, then ','):
          // the guess is only kept when the piece parses (see PieceAssembler.part), which a piece
          // cut anywhere but at its real end cannot (its first character opens a container that
          // must close exactly there).
          const at = text.indexOf(state.sig, i);
          const end = at + state.sig.length - 1;
          // At most this long, a piece cannot nest past maxDepth (its skipped text is not checked for it).
          if (at >= 0 && end - i < 2 * (maxDepth - pieceDepth)) {
            count = record(state, count, ~end);
            depth--;
            i = end;
          }
        }
      } else if (depth === 2 && pieceDepth === 0) pieceDepth = c === OPEN_BRACKET ? 5 : 4;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === pieceDepth) {
        count = record(state, count, ~i);
        if (state.sig === "" && i < n && i >= 2 && text.charCodeAt(i) === 0x2c) state.sig = text.slice(i - 2, i + 1);
      }
      if (--depth === 0) {
        state.depth = 0;
        state.pieceDepth = pieceDepth;
        state.count = count;
        return i;
      }
    } else if (c >= 0x30 && c <= 0x39) {
      const from = i - 1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d < 0x30 || d > 0x39) break;
        i++;
      }
      if (i - from >= LONG_DIGIT_RUN) state.longDigits = true;
      else if (i >= n) state.digitRun = i - from;
      // A number among the pieces would read as a placeholder: such a message is parsed whole.
      if (depth === pieceDepth - 1) state.numberAmongPieces = true;
    }
  }
  state.depth = depth;
  state.pieceDepth = pieceDepth;
  state.count = count;
  return -1;
}

/**
 * Whether `text` holds a run of {@link LONG_DIGIT_RUN} or more digits (inside strings or not).
 * Only every LONG_DIGIT_RUN-th character is looked at first: such a run covers one of them.
 */
export function hasLongDigitRun(text: string): boolean {
  const n = text.length;
  for (let i = LONG_DIGIT_RUN - 1; i < n; i += LONG_DIGIT_RUN) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) continue;
    let a = i;
    while (a > 0) {
      const d = text.charCodeAt(a - 1);
      if (d < 0x30 || d > 0x39) break;
      a--;
    }
    let b = i + 1;
    while (b < n && b - a < LONG_DIGIT_RUN) {
      const d = text.charCodeAt(b);
      if (d < 0x30 || d > 0x39) break;
      b++;
    }
    if (b - a >= LONG_DIGIT_RUN) return true;
  }
  return false;
}

/** {@link PieceAssembler.finish}'s answer when the message must be parsed whole. */
export const WHOLE: unique symbol = Symbol("whole");

/**
 * Gathers one message's pieces (parsed as they complete) and its skeleton; see the module's
 * description. The framer feeds it the ASCII text of each part of the message with the piece
 * boundaries {@link scanPieces} found there.
 */
export class PieceAssembler {
  /** The scan of the message so far (see {@link scanText}). */
  readonly scan: PieceScanState = newPieceScan();
  /** The message holds a digit run of {@link LONG_DIGIT_RUN} or more outside strings (maybe an integer beyond 2^53). */
  longDigits = false;
  private readonly values: unknown[] = [];
  /** The skeleton so far, one string per part (joined per part, so no part's text is kept alive by a slice of it). */
  private readonly skeleton: string[] = [];
  /** The text of a piece that began in an earlier part and has not ended yet. */
  private head: string[] | undefined;
  /** A piece did not parse, or a number lies beside the pieces: the message must be parsed whole. */
  failed = false;
  /** Parts taken so far. */
  private parts = 0;
  /** Parts whose guessed pieces did not all parse (see {@link part}). */
  private misses = 0;

  /**
   * Scans the text of the next part of the message from `i` and takes the pieces it completes.
   * Returns the index in `text` just past the end of the message, -1 when the message goes on
   * in the next part, or -2 when it nests deeper than `maxDepth` (see {@link scanText}).
   */
  part(text: string, i: number, maxDepth: number): number {
    const st = this.scan;
    // Pieces are guessed (see scanText) unless guesses failed too often in this message, or the part
    // may hold an integer beyond 2^53 (whose digits a guessed piece's skipped text is not looked at for).
    this.parts++;
    // Never once the message is to be parsed whole: a guess is only trusted after its pieces parse.
    const guess = !this.failed && st.sig !== "" && this.misses <= 4 + (this.parts >> 4) && !hasLongDigitRun(text);
    const depth = st.depth;
    const inString = st.inString;
    const escaped = st.escaped;
    const digitRun = st.digitRun;
    const pieceDepth = st.pieceDepth;
    const values = this.values.length;
    const head = this.head?.slice();
    st.numberAmongPieces = false;
    let end = scanText(text, i, st, maxDepth, guess);
    if (end === -2) return end;
    if (guess && (st.numberAmongPieces || !this.take(end >= 0 && end < text.length ? text.slice(0, end) : text, 0, st.events, st.count, st.longDigits))) {
      // A piece did not parse: a wrong guess (as at the last piece of a container, followed by
      // its closing character instead of ','), or a malformed piece; or a number lies beside the
      // pieces, so nothing checked the guesses (whose end of the message may then be wrong: a guess
      // can skip past it into the next message). The part is scanned again
      // without guessing, from the state it began in; guessing stops once misses outnumber one
      // part in 16 (beyond the first few), so a message that defeats it costs little more.
      this.misses++;
      st.depth = depth;
      st.inString = inString;
      st.escaped = escaped;
      st.digitRun = digitRun;
      st.pieceDepth = pieceDepth;
      this.values.length = values;
      this.head = head;
      st.numberAmongPieces = false;
      end = scanText(text, i, st, maxDepth, false);
      if (end === -2) return end;
    } else if (guess) {
      if (st.longDigits) this.longDigits = true;
      return end;
    }
    if (st.longDigits) this.longDigits = true;
    if (st.numberAmongPieces) this.failed = true;
    if (!this.failed && !this.take(end >= 0 && end < text.length ? text.slice(0, end) : text, 0, st.events, st.count, st.longDigits)) this.failed = true;
    return end;
  }

  /**
   * Takes the text of one part of the message, the boundaries being the `count` entries of `events`
   * less `from` (character offsets into `text`). `exact`: the part may hold an integer beyond 2^53.
   */
  take(text: string, from: number, events: Int32Array, count: number, exact: boolean): boolean {
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
        return false;
      }
      at = end;
      frags.push(String(this.values.length));
      this.values.push(value);
    }
    const rest = text.substring(at);
    if (inPiece) (this.head ??= []).push(rest);
    else frags.push(rest);
    this.skeleton.push(frags.length === 1 ? frags[0]! : frags.join(""));
    return true;
  }

  /**
   * The message's value, or {@link WHOLE} when the skeleton does not parse (the framer then parses
   * the whole text for its error). `exact`: the message may hold an integer beyond 2^53.
   */
  finish(exact = this.longDigits): unknown {
    let root: unknown;
    try {
      const text = this.skeleton.join("");
      root = exact ? parseJson(text) : JSON.parse(text);
    } catch {
      return WHOLE;
    }
    const pieceDepth = this.scan.pieceDepth;
    return pieceDepth === 0 ? root : fill(root, 1, pieceDepth, this.values);
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
