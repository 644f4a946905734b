/**
 * Parsing the text notation of OVS command-line tools (`ovn-nbctl`, `ovs-vsctl` arguments:
 * `a`, `[a, b]`, `{k=v}`, quoted strings, `@name` row symbols) into the JSON notation, for a column
 * type — the inverse of `datum-text.ts`.
 *
 * @module
 */
import { toInt64 } from "../wire/json.js";
import type { ColumnType, BaseType } from "../schema/types.js";
import { columnShape } from "../schema/types.js";
import { type JsonAtom, type JsonValue, isUuid } from "../wire/notation.js";

/** A value that is not valid text notation for its column type; the message names the value and the column. */
export class TextNotationError extends Error {
  override readonly name = "TextNotationError";
}

/** Options of the text-notation parsers. */
export interface TextParseOptions {
  /** What is being parsed, for messages (e.g. the column name). */
  readonly what: string;
  /** Resolves an `@name` row symbol to a uuid or named-uuid atom; undefined when unknown. */
  readonly symbol?: (name: string) => JsonAtom | undefined;
}

/** Splits `s` at top-level occurrences of the separator characters, honoring double quotes. */
export function splitTopLevel(s: string, seps: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      cur += c;
      if (c === "\\" && i + 1 < s.length) cur += s[++i]!;
      else if (c === '"') q = false;
    } else if (c === '"') {
      q = true;
      cur += c;
    } else if (seps.includes(c)) {
      if (cur.trim() !== "") out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

/** Index of the first top-level `=` (outside quotes), or -1. */
export function topLevelEquals(s: string): number {
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === "\\") i++;
      else if (c === '"') q = false;
    } else if (c === '"') q = true;
    else if (c === "=") return i;
  }
  return -1;
}

/** Parses one atom in OVS text notation (as `ovn-nbctl`/`ovs-vsctl` arguments): numbers, `true`/`false`, bare or JSON-quoted strings, UUIDs, or `@name` symbols. */
export function atomFromOvsText(base: BaseType, text: string, options: TextParseOptions): JsonAtom {
  const what = options.what;
  const t = text.trim();
  switch (base.type) {
    case "integer":
      {
        const v = /^-?\d+$/.test(t) ? toInt64(BigInt(t)) : undefined;
        if (v === undefined) throw new TextNotationError(`"${t}" is not a valid integer (${what})`);
        return v;
      }
    case "real":
      if (!Number.isFinite(Number(t)) || t === "") throw new TextNotationError(`"${t}" is not a valid real number (${what})`);
      return Number(t);
    case "boolean":
      if (t !== "true" && t !== "false") throw new TextNotationError(`"${t}" is not a valid boolean (${what})`);
      return t === "true";
    case "string":
      if (t.startsWith('"')) {
        try {
          return JSON.parse(t) as string;
        } catch {
          throw new TextNotationError(`${t}: invalid quoted string (${what})`);
        }
      }
      return t;
    case "uuid": {
      if (t.startsWith("@")) {
        const sym = options.symbol?.(t);
        if (sym === undefined) throw new TextNotationError(`"${t}": unknown row id (${what})`);
        return sym;
      }
      if (!isUuid(t)) throw new TextNotationError(`"${t}" is not a valid UUID (${what})`);
      return ["uuid", t.toLowerCase()];
    }
  }
}

/** `s` without its enclosing `open`…`close` brackets, when it has them. */
export function unbracket(s: string, open: string, close: string): string {
  const t = s.trim();
  return t.startsWith(open) && t.endsWith(close) ? t.slice(1, -1) : t;
}

/** Parses a value in OVS text notation (`a`, `[a, b]`, `{k=v}`) for column type `type`, to the JSON notation. */
export function datumFromOvsText(type: ColumnType, text: string, options: TextParseOptions): JsonValue {
  const what = options.what;
  const shape = columnShape(type);
  if (shape === "map") {
    const pairs = splitTopLevel(unbracket(text, "{", "}"), ",").map((item) => {
      const eq = topLevelEquals(item);
      if (eq < 0) throw new TextNotationError(`"${item}": map element must be KEY=VALUE (${what})`);
      return [atomFromOvsText(type.key, item.slice(0, eq), options), atomFromOvsText(type.value!, item.slice(eq + 1), options)] as const;
    });
    return ["map", pairs];
  }
  if (shape === "scalar") return atomFromOvsText(type.key, text, options);
  const items = splitTopLevel(unbracket(text, "[", "]"), ", \t");
  const atoms = items.map((i) => atomFromOvsText(type.key, i, options));
  if (shape === "optional" && atoms.length === 1) return atoms[0]!;
  return ["set", atoms];
}
