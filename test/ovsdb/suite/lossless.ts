/**
 * A JSON reader for the suite runner that keeps every number as the text the peer sent (a
 * 64-bit integer or a real printed by ovsdb-server must be compared as printed, not as a double),
 * and a canonical writer (object members sorted, numbers as sent).
 */

/** A JSON number kept as its source text. */
export class Num {
  constructor(readonly text: string) {}
}

/** A JSON value with numbers kept as {@link Num}. */
export type Lossless = null | boolean | string | Num | Lossless[] | { [k: string]: Lossless };

/** Thrown when the input ends inside a value (the caller waits for more bytes). */
export class Incomplete extends Error {}

const WS = /\s/;

/** Parses one JSON value starting at `pos` (after whitespace); returns it and the index after it. */
export function parseAt(text: string, pos: number): { value: Lossless; end: number } {
  let i = pos;
  const ws = () => {
    while (i < text.length && WS.test(text[i]!)) i++;
    if (i >= text.length) throw new Incomplete("end of input");
  };
  const value = (): Lossless => {
    ws();
    const ch = text[i]!;
    if (ch === "{") {
      i++;
      const o: { [k: string]: Lossless } = {};
      ws();
      if (text[i] === "}") {
        i++;
        return o;
      }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== "string") throw new SyntaxError(`member name expected at ${i}`);
        ws();
        if (text[i++] !== ":") throw new SyntaxError(`':' expected at ${i - 1}`);
        o[k] = value();
        ws();
        const c = text[i++];
        if (c === "}") return o;
        if (c !== ",") throw new SyntaxError(`',' or '}' expected at ${i - 1}`);
      }
    }
    if (ch === "[") {
      i++;
      const a: Lossless[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const c = text[i++];
        if (c === "]") return a;
        if (c !== ",") throw new SyntaxError(`',' or ']' expected at ${i - 1}`);
      }
    }
    if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
      if (j >= text.length) throw new Incomplete("inside a string");
      const s = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      return s;
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) throw new SyntaxError(`unexpected ${JSON.stringify(ch)} at ${i}`);
    if (i + m[0].length >= text.length && /\d/.test(ch)) throw new Incomplete("inside a number");
    i += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    if (m[0] === "null") return null;
    return new Num(m[0]);
  };
  const v = value();
  return { value: v, end: i };
}

/** Parses a complete JSON text. */
export function parseLossless(text: string): Lossless {
  const { value, end } = parseAt(`${text} `, 0);
  if (text.slice(end).trim() !== "") throw new SyntaxError(`trailing text at ${end}`);
  return value;
}

/** Writes `v` with object members sorted and numbers as sent. */
export function canonicalText(v: Lossless): string {
  if (v instanceof Num) return v.text;
  if (Array.isArray(v)) return `[${v.map(canonicalText).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalText(v[k]!)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
