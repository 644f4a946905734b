/**
 * The match/action consistency check of a `learn` action (Open vSwitch's learn_check()): each source field
 * must have its prerequisites in the flow's match (as the actions before leave it), and each field of the
 * learned flow's match or load its prerequisites among the immediate-valued match specs before it.
 *
 * @module
 */
import type { Action } from "./action-types.js";
import { FACT_FIELDS, type FlowFacts, factsOfMatch, requireSubField } from "./consistency.js";
import { type MatchField, fieldByName, matchField } from "./oxm.js";

/**
 * A learn spec's immediate value written into its destination's bits, as a match entry (no mask when it
 * covers the field): bit `i` of the value (counted from its last byte's lowest bit) goes to bit `ofs + i` of
 * the field, for `i` below `nbits`, byte by byte with no bigint.
 */
function immediateEntry(field: string, ofs: number, nbits: number, value: Uint8Array): MatchField | undefined {
  const def = fieldByName(field);
  if (def === undefined || def.len > 16) return undefined;
  const len = def.len;
  const out = new Uint8Array(len);
  const mask = new Uint8Array(len);
  const last = value.length - 1;
  for (let i = 0; i < nbits && ofs + i < len * 8; i++) {
    const d = ofs + i;
    const at = len - 1 - (d >>> 3);
    const bit = 1 << (d & 7);
    mask[at]! |= bit;
    const from = last - (i >>> 3);
    if (from >= 0 && (value[from]! >>> (i & 7)) & 1) out[at]! |= bit;
  }
  let whole = true;
  for (let i = 0; i < len; i++) if (mask[i] !== 0xff) whole = false;
  return matchField(field, out, whole ? undefined : mask);
}

/** What an empty match says (read only). */
const NO_MATCH_FACTS: FlowFacts = factsOfMatch([]);

/**
 * Checks a `learn` action against the flow (learn_check()).
 * @throws MatchInconsistentError when a field lacks its prerequisites
 */
export function checkLearn(a: Extract<Action, { type: "learn" }>, flow: FlowFacts): void {
  // the learned flow's match so far: only entries of fields that make facts are kept (the others change none)
  let learned: MatchField[] | undefined;
  let facts = NO_MATCH_FACTS;
  for (const spec of a.specs) {
    if (spec.src.kind === "field") requireSubField(spec.src.sf, flow);
    const dst = spec.dstField;
    if (dst === undefined) continue;
    requireSubField(dst, facts);
    if (spec.dst === "match" && spec.src.kind === "imm" && FACT_FIELDS.has(dst.field)) {
      const e = immediateEntry(dst.field, dst.ofs, dst.nbits, spec.src.value);
      if (e !== undefined) {
        (learned ??= []).push(e);
        facts = factsOfMatch(learned);
      }
    }
  }
}
