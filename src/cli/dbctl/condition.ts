/**
 * The conditions of `find` and `wait-until`: `COLUMN[:KEY]OP VALUE` as a row predicate.
 *
 * @module
 */
import { type Datum, compareAtoms, datumEquals, datumFromJson } from "../../ovsdb/schema/datum.js";
import type { TableSchema } from "../../ovsdb/schema/schema.js";
import type { Atom, ColumnType } from "../../ovsdb/schema/types.js";
import { UsageError } from "../io.js";
import type { DbCtx } from "./context.js";
import { type RawRow, atomFromText, parseColumnArg, valueFromText } from "./records.js";

/** A `find` condition `COLUMN[:KEY]OP VALUE` as a row predicate (OPs `=`, `!=`, `<`, `>`, `<=`, `>=`, `{=}`, `{!=}`, `{<}`, `{>}`, `{<=}`, `{>=}`). */
export function parseCondition(ctx: DbCtx, t: TableSchema, arg: string): (r: RawRow) => boolean {
  const { col, key, rest } = parseColumnArg(t, arg);
  const m = /^(\{!=\}|\{<=\}|\{>=\}|\{=\}|\{<\}|\{>\}|!=|<=|>=|=|<|>)(.*)$/s.exec(rest);
  if (!m) throw new UsageError(`${arg}: argument does not end in "=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}", "{>=}", "{in}", or "{not-in}" followed by a value.`);
  const op = m[1]!;
  const anyType = (type: ColumnType): ColumnType => ({ ...type, min: 0, max: "unlimited" });
  let valueType: ColumnType;
  if (key !== undefined) {
    if (!col.type.value) throw new UsageError(`cannot specify key to check for non-map column ${col.name}`);
    valueType = { key: col.type.value, min: 0, max: "unlimited" };
  } else valueType = anyType(col.type);
  const want = datumFromJson(valueType, valueFromText(valueType, m[2]!, ctx, col.name), { allowNamedUuid: true });
  const kAtom = key !== undefined ? (() => {
    const k = atomFromText(col.type.key, key, ctx, col.name);
    return Array.isArray(k) ? (k as readonly [string, string])[1] : (k as Atom);
  })() : undefined;
  return (r) => {
    let have: Datum = datumFromJson(anyType(col.type), r[col.name]!, { allowNamedUuid: true });
    if (kAtom !== undefined) {
      const mm = have as Map<Atom, Atom>;
      have = mm.has(kAtom) ? [mm.get(kAtom)!] : [];
    }
    const ha = have instanceof Map ? [...have.entries()].map(([a, b]) => `${String(a)}=${String(b)}`) : (have as Atom[]).map(String);
    const wa = want instanceof Map ? [...want.entries()].map(([a, b]) => `${String(a)}=${String(b)}`) : (want as Atom[]).map(String);
    const hs = new Set(ha);
    const ws = new Set(wa);
    const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
    const cmp = () => {
      const h = (have as Atom[])[0];
      const w = (want as Atom[])[0];
      return h === undefined || w === undefined ? NaN : compareAtoms(h, w);
    };
    switch (op) {
      case "=":
      case "{=}":
        return datumEquals(have, want);
      case "!=":
      case "{!=}":
        return !datumEquals(have, want);
      case "<":
        return cmp() < 0;
      case ">":
        return cmp() > 0;
      case "<=":
        return cmp() <= 0;
      case ">=":
        return cmp() >= 0;
      case "{<}":
        return subset(hs, ws) && hs.size < ws.size;
      case "{<=}":
        return subset(hs, ws);
      case "{>}":
        return subset(ws, hs) && hs.size > ws.size;
      case "{>=}":
        return subset(ws, hs);
    }
    return false;
  };
}