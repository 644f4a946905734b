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

/** A learn spec's immediate value written into its destination's bits, as a match entry (no mask when it covers the field). */
function immediateEntry(field: string, ofs: number, nbits: number, value: Uint8Array): MatchField | undefined {
  const def = fieldByName(field);
  if (def === undefined || def.len > 16) return undefined;
  let v = 0n;
  for (const b of value) v = (v << 8n) | BigInt(b);
  const bits = BigInt(def.len * 8);
  const mask = ((1n << BigInt(nbits)) - 1n) << BigInt(ofs);
  const all = (1n << bits) - 1n;
  const toBytes = (n: bigint) => Uint8Array.from({ length: def.len }, (_, i) => Number((n >> BigInt((def.len - 1 - i) * 8)) & 0xffn));
  return matchField(field, toBytes((v << BigInt(ofs)) & mask), (mask & all) === all ? undefined : toBytes(mask & all));
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
