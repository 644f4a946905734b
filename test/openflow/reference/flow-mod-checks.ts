// The straightforward version of a decode-side check as it was before it was made table-driven (src/openflow/),
// kept as the reference of test/openflow/check-equivalence.test.ts: do not optimise it.
/**
 * The match/action consistency Open vSwitch checks when it decodes an OpenFlow 1.1+ flow_mod
 * (ofpacts_check_consistency() with the message's protocol): every action of the apply and write lists is
 * checked against what the match (and the actions before it) say about the packet, as the flow text parser
 * checks them; an inconsistency only OpenFlow 1.0 tolerates (`mod_nw_src` without `ip`, a `strip_vlan`
 * without a VLAN, ...) is one too, since the message is not OpenFlow 1.0.
 *
 * @module
 */
import { type ActionCheckContext, checkAction, isNeutralAction } from "./action-consistency.js";
import type { Instruction } from "../../../src/openflow/action-types.js";
import { MatchInconsistentError, factsOfMatch } from "./consistency.js";
import type { MatchField } from "../../../src/openflow/oxm.js";

/**
 * `OFPBAC_MATCH_INCONSISTENT` when Open vSwitch's decoder finds the actions inconsistent with the match, else undefined.
 * @param of10 - the message is OpenFlow 1.0 (or NXM), which tolerates the OpenFlow 1.0-only inconsistencies
 */
export function flowModConsistencyError(match: readonly MatchField[], instructions: readonly Instruction[], of10 = false): "OFPBAC_MATCH_INCONSISTENT" | undefined {
  let ctx: ActionCheckContext | undefined;
  try {
    for (const inst of instructions) {
      if (inst.type !== "apply_actions" && inst.type !== "write_actions") continue;
      // actions that neither read nor change what the packet is known to be need no facts (the usual output list)
      if (inst.actions.every(isNeutralAction)) continue;
      ctx ??= { flow: factsOfMatch(match), of10Only: false };
      // the action set is checked on a copy of what the match says (check_WRITE_ACTIONS())
      const c: ActionCheckContext = inst.type === "apply_actions" ? ctx : { flow: { ...ctx.flow }, of10Only: false };
      for (const a of inst.actions) checkAction(a.type, [a], c);
      if (c.of10Only && !of10) return "OFPBAC_MATCH_INCONSISTENT";
    }
  } catch (e) {
    if (e instanceof MatchInconsistentError) return "OFPBAC_MATCH_INCONSISTENT";
    throw e;
  }
  return undefined;
}

