/**
 * The text notation of OVSDB values that Open vSwitch's command-line tools print and parse
 * (`ovsdb_datum_to_string` / `ovsdb_datum_to_bare` in ovsdb-data, as seen in `ovsdb-client dump`,
 * `ovn-nbctl list`, `ovs-vsctl list`): `[a, b]` for sets, `{k=v}` for maps, bare atoms for
 * single-valued columns, strings quoted only when they would not read back as themselves.
 *
 * @module
 */
import type { Datum } from "../schema/datum.js";
import { type Atom, type AtomicType, type ColumnType } from "../schema/types.js";
import { formatG } from "./json.js";
import { isUuid } from "../wire/notation.js";

/** True when a string must be quoted in the text notation (ovsdb-data's rule). */
export function stringNeedsQuotes(s: string): boolean {
  if (s === "" ) return true;
  const c0 = s.charCodeAt(0);
  if (!isAlpha(c0) && c0 !== 0x5f) return true;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlpha(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x5f && c !== 0x2d && c !== 0x2e) return true;
  }
  if (s === "true" || s === "false") return true;
  return isUuid(s);
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** One atom in text notation. */
export function atomToText(atom: Atom, type: AtomicType): string {
  switch (type) {
    case "integer":
      return String(atom);
    case "real":
      return formatG(atom as number, 15);
    case "boolean":
      return atom ? "true" : "false";
    case "string":
      return stringNeedsQuotes(atom as string) ? JSON.stringify(atom) : (atom as string);
    case "uuid":
      return String(atom);
  }
}

/** One atom in bare notation (strings never quoted). */
export function atomToBare(atom: Atom, type: AtomicType): string {
  return type === "string" ? (atom as string) : atomToText(atom, type);
}

function entries(value: Datum): [Atom, Atom | undefined][] {
  if (value === undefined) return [];
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value)) return value.map((a) => [a, undefined]);
  return [[value as Atom, undefined]];
}

/** A value in text notation, e.g. `[]`, `{}`, `[a, b]`, `{k=v}`, `42`, `"10.0.0.1"`. */
export function datumToText(type: ColumnType, value: Datum): string {
  const isMap = type.value !== undefined;
  const es = entries(value);
  const brackets = type.max === "unlimited" || type.max > 1 || es.length === 0;
  const parts = es.map(([k, v]) => (isMap ? `${atomToText(k, type.key.type)}=${atomToText(v!, type.value!.type)}` : atomToText(k, type.key.type)));
  const body = parts.join(", ");
  if (!brackets) return body;
  return isMap ? `{${body}}` : `[${body}]`;
}

/** A value in bare notation: elements separated by spaces, `k=v` for map pairs, strings unquoted. */
export function datumToBare(type: ColumnType, value: Datum): string {
  const isMap = type.value !== undefined;
  return entries(value)
    .map(([k, v]) => (isMap ? `${atomToBare(k, type.key.type)}=${atomToBare(v!, type.value!.type)}` : atomToBare(k, type.key.type)))
    .join(" ");
}
