/**
 * A strict reader for the plain YAML most manifests are made of, several times faster than a
 * general parser on many small documents (10,000 pods are 10,000 of them): block mappings and
 * sequences, one-line flow mappings and sequences, single-line plain and quoted scalars, comments
 * on their own lines or after a value. Anything else (anchors, tags, block scalars, multi-line
 * scalars, escapes, tabs, non-ASCII, numbers other than plain decimal integers, duplicate keys,
 * anything invalid) is not read: the document is left to the general parser, so the result is
 * the same as the `yaml` package's (YAML 1.2 core schema) or nothing.
 *
 * The file is cut into documents at its `---` lines (a `---` line is a document marker wherever it
 * is, so each piece parses alone); a file with directives, `...` markers or carriage returns is not
 * cut at all.
 *
 * @module
 */
import type { JsonValue } from "./kinds/fields.js";

/** A document of a file as {@link readPlainYaml} found it. */
export type PlainYamlDocument =
  /** Read: its value (null for an empty document) and the 1-based line of its root node (0 when empty). */
  | { readonly kind: "read"; readonly value: JsonValue; readonly line: number }
  /** Not plain: its text is `text.slice(start, end)`, whose first line is the file's line `firstLine` (1-based). */
  | { readonly kind: "other"; readonly start: number; readonly end: number; readonly firstLine: number };

/**
 * Cuts `text` into its documents and reads every plain one. Undefined when the file cannot be cut
 * (directives, `...` markers, a `---` line with more on it, carriage returns, a byte order mark):
 * the whole file is for the general parser.
 */
export function readPlainYaml(text: string): PlainYamlDocument[] | undefined {
  const pieces = plainYamlPieces(text);
  return pieces?.map((p) => readPlainYamlPiece(text, p));
}

/** A document of a file cut by {@link plainYamlPieces}: `text.slice(start, end)`, whose first line is the file's line `firstLine` (1-based). */
export interface PlainYamlPiece {
  /** Where it starts in the file's text. */
  readonly start: number;
  /** Where it ends (exclusive). */
  readonly end: number;
  /** The file's line (1-based) of its first line. */
  readonly firstLine: number;
}

/**
 * The documents of `text` as {@link readPlainYaml} cuts it, not yet read (so that a caller can
 * read one, use its value and drop it before reading the next); undefined when the file cannot be cut.
 */
export function plainYamlPieces(text: string): PlainYamlPiece[] | undefined {
  if (text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  // The documents' boundaries: `---` lines. Directives (`%`) and `...` end markers are not handled.
  const cuts: number[] = []; // start, end of each marker line
  MARKERS.lastIndex = 0;
  for (let m = MARKERS.exec(text); m; m = MARKERS.exec(text)) {
    if (!/^---[ ]*$/.test(m[0])) return undefined;
    cuts.push(m.index, m.index + m[0].length);
  }
  const pieces: PlainYamlPiece[] = [];
  let start = 0;
  let line = 1;
  const add = (end: number, first: boolean): void => {
    // Before the first marker, only content makes a document (comments there belong to the next one).
    if (!(first && cuts.length > 0 && !hasContent(text, start, end))) pieces.push({ start, end, firstLine: line });
  };
  for (let i = 0; i < cuts.length; i += 2) {
    add(cuts[i]!, i === 0);
    line += countLines(text, start, cuts[i + 1]!) + 1;
    start = Math.min(cuts[i + 1]! + 1, text.length);
  }
  add(text.length, cuts.length === 0);
  return pieces;
}

/** Reads one document {@link plainYamlPieces} cut from `text`. */
export function readPlainYamlPiece(text: string, piece: PlainYamlPiece): PlainYamlDocument {
  return readDocument(text, piece.start, piece.end, piece.firstLine);
}

/** The lines that may cut a stream: document markers, end markers, directives. */
const MARKERS = /^(?:---|\.\.\.|%)[^\n]*/gm;

/** Characters a plain document holds: printable ASCII and line feeds. */
const ODD = /[^\x20-\x7e\n]/;

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Whether `text[start, end)` holds anything but blank and comment lines. */
function hasContent(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    while (i < end && (text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB)) i++;
    if (i < end && text.charCodeAt(i) !== NL && text.charCodeAt(i) !== HASH) return true;
    const nl = text.indexOf("\n", i);
    i = nl < 0 ? end : nl + 1;
  }
  return false;
}

const TAB = 9;
const NL = 10;
const SP = 32;
const DQ = 34;
const HASH = 35;
const SQ = 39;
const PLUS = 43;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const QUESTION = 63;
const LBRACK = 91;
const RBRACK = 93;
const LBRACE = 123;
const RBRACE = 125;

/** Thrown inside the reader when a document is not plain (never escapes this module). */
const NOT_PLAIN = new Error("not plain YAML");

/** Characters a plain scalar may not start with (YAML 1.2 c-indicator), `-?:` apart. */
const INDICATOR = new Uint8Array(128);
for (const c of ",[]{}#&*!|>'\"%@`") INDICATOR[c.charCodeAt(0)] = 1;

/** The plain scalars resolved other than as strings that are not read here: signed, octal, hex, floats, special floats, huge integers. */
const NUMBER_LIKE = /^[-+.0-9][0-9a-zA-Z_.+-]*$/;
const INT = /^(?:0|[1-9][0-9]{0,14})$/;

/** A plain scalar's value in the YAML 1.2 core schema; throws {@link NOT_PLAIN} on what the reader leaves to the parser. */
function resolvePlain(s: string): JsonValue {
  const c = s.charCodeAt(0);
  switch (c) {
    case 110: // n
    case 78: // N
    case 126: // ~
      if (s === "null" || s === "Null" || s === "NULL" || s === "~") return null;
      break;
    case 116: // t
    case 84: // T
      if (s === "true" || s === "True" || s === "TRUE") return true;
      break;
    case 102: // f
    case 70: // F
      if (s === "false" || s === "False" || s === "FALSE") return false;
      break;
  }
  if ((c >= 48 && c <= 57) || c === DASH || c === PLUS || c === DOT) {
    if (INT.test(s)) return Number(s);
    // 1.2.3.4 and the like are strings everywhere; one dot or none with only number characters may be a number.
    if (NUMBER_LIKE.test(s) && s.indexOf(".") === s.lastIndexOf(".")) throw NOT_PLAIN;
  }
  return s;
}

/** A mapping key: a string in the core schema, not `__proto__` (which a plain object cannot hold as a key). */
function checkKey(k: string, m: Record<string, JsonValue>): void {
  const c = k.charCodeAt(0);
  // Most keys start with a letter that no null, boolean or number starts with.
  const plainLetter = c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102;
  if ((!plainLetter && typeof resolvePlain(k) !== "string") || k === "__proto__" || k.length > 1000 || Object.prototype.hasOwnProperty.call(m, k)) throw NOT_PLAIN;
}

/** Reads one document, `text[start, end)`; its first line is the file's line `firstLine`. */
function readDocument(text: string, start: number, end: number, firstLine: number): PlainYamlDocument {
  const other: PlainYamlDocument = { kind: "other", start, end, firstLine };
  if (ODD.test(text.slice(start, end))) return other;
  try {
    return new DocumentReader(text, start, end, firstLine).read();
  } catch (e) {
    if (e === NOT_PLAIN) return other;
    throw e;
  }
}

/**
 * The reader of one document: a cursor on its content lines (blank and comment lines skipped),
 * each with its indentation `ind`, content start `cs` and end `le`. After `- `, the rest of a line
 * is read as a line of its own indented to where it starts.
 */
class DocumentReader {
  /** Start of the current line. */
  private ls: number;
  /** Indentation of the current content (-1: the document's end). */
  private ind = -1;
  /** Start of the current content. */
  private cs = 0;
  /** End of the current line (its line feed, or the document's end). */
  private le = 0;
  /** The current line's number in the file. */
  private line: number;

  constructor(
    private readonly t: string,
    start: number,
    private readonly end: number,
    firstLine: number,
  ) {
    this.ls = start;
    this.line = firstLine;
    this.seek();
  }

  read(): PlainYamlDocument {
    if (this.ind < 0) return { kind: "read", value: null, line: 0 };
    const line = this.line;
    // The root: a mapping, block or flow, not indented (anything else is not an object, and the
    // parsers disagree on the line of an indented root after a marker).
    if (this.ind !== 0) throw NOT_PLAIN;
    const c = this.t.charCodeAt(this.cs);
    const value = c === LBRACE ? this.scalarLine(0) : this.mapping(this.ind);
    if (this.ind >= 0 || value === null || typeof value !== "object" || Array.isArray(value)) throw NOT_PLAIN;
    return { kind: "read", value, line };
  }

  /** Moves to the first content line from `ls` (inclusive). */
  private seek(): void {
    const t = this.t;
    for (;;) {
      if (this.ls >= this.end) {
        this.ind = -1;
        return;
      }
      let i = this.ls;
      while (i < this.end && t.charCodeAt(i) === SP) i++;
      let le = t.indexOf("\n", i);
      if (le < 0 || le > this.end) le = this.end;
      if (i < le && t.charCodeAt(i) !== HASH) {
        this.ind = i - this.ls;
        this.cs = i;
        this.le = le;
        return;
      }
      this.ls = le + 1;
      this.line++;
    }
  }

  /** Moves past the current line to the next content line. */
  private next(): void {
    this.ls = this.le + 1;
    this.line++;
    this.seek();
  }

  /** Whether the current content is a sequence entry (`-` then a space or the line's end). */
  private isEntry(): boolean {
    return this.t.charCodeAt(this.cs) === DASH && (this.cs + 1 === this.le || this.t.charCodeAt(this.cs + 1) === SP);
  }

  /** The block node whose first line is the current content (its indentation `ind`). */
  private node(): JsonValue {
    if (this.isEntry()) return this.sequence(this.ind);
    if (this.keyEnd() >= 0) return this.mapping(this.ind);
    return this.scalarLine(this.ind);
  }

  /** A value alone on the current content (flow, quoted or plain), then the next line, which must not be indented past `parent`. */
  private scalarLine(parent: number): JsonValue {
    const v = this.inline(this.cs);
    this.next();
    if (this.ind > parent) throw NOT_PLAIN;
    return v;
  }

  /**
   * When the current content starts with a plain or quoted key followed by `:` (then a space or
   * the line's end): the position of that colon; else -1.
   */
  private keyEnd(): number {
    const t = this.t;
    const c = t.charCodeAt(this.cs);
    if (c === LBRACE || c === LBRACK) return -1; // a flow collection (as a key: not read)
    if (c === DQ || c === SQ) {
      const close = this.quotedEnd(this.cs);
      return t.charCodeAt(close) === COLON && (close + 1 === this.le || t.charCodeAt(close + 1) === SP) ? close : -1;
    }
    for (let i = this.cs; i < this.le; i++) {
      const d = t.charCodeAt(i);
      if (d === COLON && (i + 1 === this.le || t.charCodeAt(i + 1) === SP)) return i;
      if (d === HASH && t.charCodeAt(i - 1) === SP) return -1;
    }
    return -1;
  }

  /** The key of the current content, whose colon is at `colon`. */
  private key(colon: number, m: Record<string, JsonValue>): string {
    const t = this.t;
    const c = t.charCodeAt(this.cs);
    let k: string;
    if (c === DQ || c === SQ) k = this.quoted(this.cs, colon);
    else {
      if (c < 128 && INDICATOR[c]) throw NOT_PLAIN;
      if ((c === DASH || c === QUESTION || c === COLON) && (this.cs + 1 === this.le || t.charCodeAt(this.cs + 1) === SP)) throw NOT_PLAIN;
      if (t.charCodeAt(colon - 1) === SP) throw NOT_PLAIN; // `key :`
      k = this.keyText(this.cs, colon);
    }
    checkKey(k, m);
    return k;
  }

  /** A block mapping whose keys are indented `n`. */
  private mapping(n: number): Record<string, JsonValue> {
    const t = this.t;
    const m: Record<string, JsonValue> = {};
    while (this.ind === n) {
      if (this.isEntry()) throw NOT_PLAIN; // a sequence entry among keys
      const colon = this.keyEnd();
      if (colon < 0) throw NOT_PLAIN;
      const k = this.key(colon, m);
      let p = colon + 1;
      while (p < this.le && t.charCodeAt(p) === SP) p++;
      let v: JsonValue;
      if (p === this.le || t.charCodeAt(p) === HASH) {
        // The value on the next lines: a nested node, a sequence at the key's indentation, or nothing.
        this.next();
        if (this.ind > n) v = this.node();
        else if (this.ind === n && this.isEntry()) v = this.sequence(n);
        else v = null;
      } else {
        v = this.inline(p);
        this.next();
      }
      if (this.ind > n) throw NOT_PLAIN;
      m[k] = v;
    }
    return m;
  }

  /** A block sequence whose `-` are indented `n`. */
  private sequence(n: number): JsonValue[] {
    const t = this.t;
    const list: JsonValue[] = [];
    while (this.ind === n && this.isEntry()) {
      let p = this.cs + 1;
      while (p < this.le && t.charCodeAt(p) === SP) p++;
      let v: JsonValue;
      if (p === this.le || t.charCodeAt(p) === HASH) {
        this.next();
        v = this.ind > n ? this.node() : null;
      } else {
        // The rest of the line is a node indented to where it starts.
        this.ind = p - this.ls;
        this.cs = p;
        v = this.node();
      }
      if (this.ind > n) throw NOT_PLAIN;
      list.push(v);
    }
    return list;
  }

  /** A value that starts at `p` on the current line and ends it (a comment may follow). */
  private inline(p: number): JsonValue {
    const t = this.t;
    const c = t.charCodeAt(p);
    let v: JsonValue;
    let q: number;
    if (c === LBRACE || c === LBRACK) {
      const r = this.flow(p);
      v = r.v;
      q = r.q;
    } else if (c === DQ || c === SQ) {
      q = this.quotedEnd(p);
      v = this.quoted(p, q);
    } else {
      if ((c < 128 && INDICATOR[c]) || ((c === DASH || c === QUESTION || c === COLON) && (p + 1 === this.le || t.charCodeAt(p + 1) === SP))) throw NOT_PLAIN;
      // A plain scalar: to the line's end or a comment.
      let e = this.le;
      for (let i = p + 1; i < this.le; i++) {
        const d = t.charCodeAt(i);
        if (d === HASH && t.charCodeAt(i - 1) === SP) {
          e = i;
          break;
        }
        if (d === COLON && (i + 1 === this.le || t.charCodeAt(i + 1) === SP)) throw NOT_PLAIN; // a mapping where a scalar is
      }
      while (t.charCodeAt(e - 1) === SP) e--;
      return resolvePlain(t.slice(p, e));
    }
    // After a flow or quoted value: spaces, then the line's end or a comment.
    if (q < this.le && t.charCodeAt(q) !== SP) throw NOT_PLAIN;
    while (q < this.le && t.charCodeAt(q) === SP) q++;
    if (q < this.le && t.charCodeAt(q) !== HASH) throw NOT_PLAIN;
    return v;
  }

  /** The position after the quoted scalar starting at `p` (on the current line). */
  private quotedEnd(p: number): number {
    const t = this.t;
    const quote = t.charCodeAt(p);
    for (let i = p + 1; i < this.le; i++) {
      const d = t.charCodeAt(i);
      if (d === 92 && quote === DQ) throw NOT_PLAIN; // an escape
      if (d === quote) {
        if (quote === SQ && t.charCodeAt(i + 1) === SQ && i + 1 < this.le) {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    throw NOT_PLAIN; // not closed on the line
  }

  /** The quoted scalar `t[p, q)`, quotes included. */
  private quoted(p: number, q: number): string {
    const s = this.t.slice(p + 1, q - 1);
    return this.t.charCodeAt(p) === SQ && s.includes("''") ? s.replaceAll("''", "'") : s;
  }

  /** A flow collection starting at `p`, closed on the current line: its value and the position after it. */
  private flow(p: number): { v: JsonValue; q: number } {
    const v = this.flowNode(p);
    return { v, q: this.at };
  }

  /** Where the last flow node, key or scalar read ended. */
  private at = 0;

  private skip(i: number): number {
    while (i < this.le && this.t.charCodeAt(i) === SP) i++;
    return i;
  }

  /** A flow node at `i` (spaces skipped); `at` after it. */
  private flowNode(i: number): JsonValue {
    const t = this.t;
    const le = this.le;
    const c = t.charCodeAt(i);
    if (c === LBRACE) {
      const m: Record<string, JsonValue> = {};
      i = this.skip(i + 1);
      if (t.charCodeAt(i) === RBRACE) {
        this.at = i + 1;
        return m;
      }
      for (;;) {
        const k = this.flowKey(i);
        checkKey(k, m);
        i = this.skip(this.at);
        if (i >= le || t.charCodeAt(i) === COMMA || t.charCodeAt(i) === RBRACE) throw NOT_PLAIN; // an empty value
        m[k] = this.flowNode(i);
        i = this.skip(this.at);
        const d = t.charCodeAt(i);
        if (i >= le) throw NOT_PLAIN;
        if (d === RBRACE) {
          this.at = i + 1;
          return m;
        }
        if (d !== COMMA) throw NOT_PLAIN;
        i = this.skip(i + 1);
        if (t.charCodeAt(i) === RBRACE) throw NOT_PLAIN; // a trailing comma
      }
    }
    if (c === LBRACK) {
      const list: JsonValue[] = [];
      i = this.skip(i + 1);
      if (t.charCodeAt(i) === RBRACK) {
        this.at = i + 1;
        return list;
      }
      for (;;) {
        if (i >= le || t.charCodeAt(i) === COMMA) throw NOT_PLAIN;
        list.push(this.flowNode(i));
        i = this.skip(this.at);
        const d = t.charCodeAt(i);
        if (i >= le) throw NOT_PLAIN;
        if (d === RBRACK) {
          this.at = i + 1;
          return list;
        }
        if (d !== COMMA) throw NOT_PLAIN; // `:` here would be a single-pair mapping
        i = this.skip(i + 1);
        if (t.charCodeAt(i) === RBRACK) throw NOT_PLAIN;
      }
    }
    if (c === DQ || c === SQ) {
      if (i >= le) throw NOT_PLAIN;
      this.at = this.quotedEnd(i);
      const s = this.quoted(i, this.at);
      if (t.charCodeAt(this.skip(this.at)) === COLON) throw NOT_PLAIN; // a key where a value is
      return s;
    }
    return resolvePlain(this.flowPlain(i, false));
  }

  /** A plain scalar in flow context at `i`; `at` after it (trailing spaces not included). With `key`, it ends at `: `. */
  private flowPlain(i: number, key: boolean): string {
    const t = this.t;
    const le = this.le;
    const c = t.charCodeAt(i);
    if (i >= le || (c < 128 && INDICATOR[c]) || ((c === DASH || c === QUESTION || c === COLON) && (i + 1 >= le || t.charCodeAt(i + 1) === SP))) throw NOT_PLAIN;
    let j = i;
    for (; j < le; j++) {
      const d = t.charCodeAt(j);
      if (d < 128 && FLOW_STOP[d]) {
        if (d === COLON) {
          if (key && t.charCodeAt(j + 1) === SP && t.charCodeAt(j - 1) !== SP) break;
          throw NOT_PLAIN; // `a:b`, `a :`, or a key where a value is
        }
        if (d === HASH) {
          if (t.charCodeAt(j - 1) === SP) throw NOT_PLAIN;
          continue;
        }
        break;
      }
    }
    if (j >= le) throw NOT_PLAIN; // not closed on the line
    let e = j;
    while (t.charCodeAt(e - 1) === SP) e--;
    this.at = j;
    return key ? this.keyText(i, e) : t.slice(i, e);
  }

  /** A flow mapping's key at `i` and its `: `; `at` after the colon. */
  private flowKey(i: number): string {
    const t = this.t;
    const c = t.charCodeAt(i);
    if (c === DQ || c === SQ) {
      const q = this.quotedEnd(i);
      const k = this.quoted(i, q);
      if (t.charCodeAt(q) !== COLON || t.charCodeAt(q + 1) !== SP) throw NOT_PLAIN;
      this.at = q + 1;
      return k;
    }
    const k = this.flowPlain(i, true);
    if (t.charCodeAt(this.at) !== COLON) throw NOT_PLAIN; // a key without a value
    this.at++;
    return k;
  }

  /**
   * The plain key `t[i, e)`: the same string as the last key of that length and first, second and
   * last characters when it is that one (keys repeat from document to document; one string for
   * them all spares allocating and interning it again).
   */
  private keyText(i: number, e: number): string {
    const t = this.t;
    const n = e - i;
    const h = (n * 31 + t.charCodeAt(i) * 7 + t.charCodeAt(i + 1) * 3 + t.charCodeAt(e - 1)) & (KEY_CACHE.length - 1);
    const cached = KEY_CACHE[h];
    if (cached !== undefined && cached.length === n && t.startsWith(cached, i)) return cached;
    const k = t.slice(i, e);
    KEY_CACHE[h] = k;
    return k;
  }
}

/** The stops of a plain scalar in flow context: flow indicators, `:` and `#`. */
const FLOW_STOP = new Uint8Array(128);
for (const c of ",[]{}:#") FLOW_STOP[c.charCodeAt(0)] = 1;

/** Recent keys, by length and characters ({@link DocumentReader.keyText}). */
const KEY_CACHE: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
