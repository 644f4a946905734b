/**
 * JSON text with the full 64-bit integer range of RFC 7047 (`<integer>` is a 64-bit signed
 * integer, ovsdb-server's `int64_t`).
 *
 * Representation: an integer whose magnitude is at most 2^53−1 is a JavaScript `number`, as
 * `JSON.parse` gives it; an integer literal beyond that (up to ±2^63) is a `bigint`, so it keeps
 * every digit. Reals (literals with a fraction or an exponent) stay `number`. Ordinary messages
 * take the `JSON.parse`/`JSON.stringify` fast paths; the exact reader only runs on texts that hold
 * a run of 16 or more digits, and the exact writer only when a value holds a `bigint`.
 *
 * @module
 */

/** Largest integer OVSDB accepts (2^63−1). */
export const INT64_MAX = 9223372036854775807n;
/** Smallest integer OVSDB accepts (−2^63). */
export const INT64_MIN = -9223372036854775808n;

/** Shortest digit run that may be an integer beyond 2^53−1 (2^53 has 16 digits). */
export const LONG_DIGIT_RUN = 16;

/**
 * A run of {@link LONG_DIGIT_RUN} digits. Spelled out (`\d\d...`) rather than `\d{16}`: V8's regexp
 * engine searches a fixed-length pattern with a skip table, several times faster on every message.
 */
export const LONG_DIGITS = new RegExp("\\d".repeat(LONG_DIGIT_RUN));

/**
 * Parses JSON text; integer literals beyond ±(2^53−1) become `bigint` (see the module
 * documentation). Throws `SyntaxError` on invalid JSON.
 */
export function parseJson(text: string): unknown {
  return LONG_DIGITS.test(text) ? parseJsonExact(text) : JSON.parse(text);
}

/**
 * Normalizes an integer to the SDK's representation: a `number` when it is a safe integer, a
 * `bigint` beyond. Returns undefined when it is not an integer or is outside the 64-bit range.
 */
export function toInt64(v: unknown): number | bigint | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === "bigint") {
    if (v > INT64_MAX || v < INT64_MIN) return undefined;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }
  return undefined;
}

/** True for a value that is an integer of the 64-bit range in the SDK's representation. */
export function isInt64(v: unknown): v is number | bigint {
  return toInt64(v) !== undefined;
}

/**
 * The exact reader: like `JSON.parse`, but an integer literal (no fraction, no exponent) outside
 * ±(2^53−1) and within the 64-bit range becomes a `bigint` (beyond that range it is a real
 * `number`, as OVS's parser reads it). Slower than `JSON.parse`; {@link parseJson} uses it only when needed.
 */
export function parseJsonExact(text: string): unknown {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} in JSON at position ${i}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 10000) fail("Nesting too deep");
    ws();
    if (i >= n) fail("Unexpected end of JSON input");
    const c = text[i]!;
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Expected property name");
        const k = string();
        ws();
        if (text[i] !== ":") fail("Expected ':'");
        i++;
        const v = value(depth + 1);
        if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        else o[k] = v;
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return o;
        }
        fail("Expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return a;
        }
        fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return false;
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return null;
    }
    return number();
  };
  const string = (): string => {
    const start = i;
    i++;
    let plain = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        plain = false;
        i += 2;
      } else if (c < 0x20) fail("Bad control character in string literal");
      else i++;
    }
    if (i >= n) fail("Unterminated string");
    i++;
    return plain ? text.slice(start + 1, i - 1) : (JSON.parse(text.slice(start, i)) as string);
  };
  const number = (): number | bigint => {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) fail(`Unexpected token ${JSON.stringify(text[i])}`);
    i = m.lastIndex;
    const lit = r![0];
    if (r![1] === undefined && r![2] === undefined && lit.length >= LONG_DIGIT_RUN) {
      const b = BigInt(lit);
      // Beyond the 64-bit range an integer literal is a real, as in OVS's JSON parser.
      if ((b > 9007199254740991n || b < -9007199254740991n) && b <= INT64_MAX && b >= INT64_MIN) return b;
    }
    return Number(lit);
  };
  const v = value(0);
  ws();
  if (i < n) fail(`Unexpected non-whitespace character after JSON`);
  return v;
}

/**
 * `JSON.stringify` that also writes `bigint` values as JSON integers (exact digits). Values
 * without a `bigint` take `JSON.stringify` unchanged.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof TypeError) || !/BigInt/i.test(e.message)) throw e;
    return writeExact(value);
  }
}

function writeExact(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || typeof x === "function" ? "null" : writeExact(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const toJSON = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function") return writeExact(toJSON.call(v));
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || typeof x === "function") continue;
      parts.push(`${JSON.stringify(k)}:${writeExact(x)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
