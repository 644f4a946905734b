/**
 * The match/action consistency Open vSwitch checks when it decodes an OpenFlow 1.1+ flow_mod
 * (ofpacts_check_consistency() with the message's protocol): every action of the apply and write lists is
 * checked against what the match (and the actions before it) say about the packet, as the flow text parser
 * checks them; an inconsistency only OpenFlow 1.0 tolerates (`mod_nw_src` without `ip`, a `strip_vlan`
 * without a VLAN, ...) is one too, since the message is not OpenFlow 1.0.
 *
 * @module
 */
import { type ActionCheckContext, checkDecodedAction, decodedActionCheck } from "./action-consistency.js";
import type { Instruction } from "./action-types.js";
import { type FlowFacts, MatchInconsistentError, copyFacts, factsOfMatch } from "./consistency.js";
import type { MatchField } from "./oxm.js";

/**
 * `OFPBAC_MATCH_INCONSISTENT` when Open vSwitch's decoder finds the actions inconsistent with the match, else undefined.
 * @param of10 - the message is OpenFlow 1.0 (or NXM), which tolerates the OpenFlow 1.0-only inconsistencies
 */
export function flowModConsistencyError(match: readonly MatchField[], instructions: readonly Instruction[], of10 = false): "OFPBAC_MATCH_INCONSISTENT" | undefined {
  // the facts and the two contexts are this module's own objects, refilled per call (nothing keeps them: the
  // checks run synchronously and never call this again): no allocation per flow
  let made = false;
  try {
    for (let k = 0; k < instructions.length; k++) {
      const inst = instructions[k]!;
      if (inst.type !== "apply_actions" && inst.type !== "write_actions") continue;
      const actions = inst.actions;
      // actions that neither read nor change what the packet is known to be need no facts (the usual output
      // list): the facts are made at the first other one
      let c: Context | undefined;
      for (let i = 0; i < actions.length; i++) {
        const a = actions[i]!;
        const check = decodedActionCheck(a);
        if (check === 0) continue;
        if (c === undefined) {
          if (!made) {
            factsOfMatch(match, FACTS);
            made = true;
          }
          // the action set is checked on a copy of what the match says (check_WRITE_ACTIONS())
          if (inst.type === "apply_actions") c = APPLY;
          else {
            copyFacts(FACTS, SET_FACTS);
            c = WRITE;
          }
          c.of10Only = false;
        }
        checkDecodedAction(a, c, check);
      }
      if (c !== undefined && c.of10Only && !of10) return "OFPBAC_MATCH_INCONSISTENT";
    }
  } catch (e) {
    if (e instanceof MatchInconsistentError) return "OFPBAC_MATCH_INCONSISTENT";
    throw e;
  }
  return undefined;
}

/** An action check context of this module's (see {@link flowModConsistencyError}). */
type Context = ActionCheckContext & { readonly flow: FlowFacts };

/** A fresh facts object (its fields in one order: one shape). */
const newFacts = (): FlowFacts => ({ packetType: 0, dlType: undefined, nwProto: undefined, vlan: false, icmpv6Type: undefined, ctState: 0, ctStateMask: 0, ctNwProto: false });
/** What the match says, as the apply-actions lists leave it. */
const FACTS = newFacts();
/** The copy a write-actions list (the action set) is checked on. */
const SET_FACTS = newFacts();
const APPLY: Context = { flow: FACTS, of10Only: false };
const WRITE: Context = { flow: SET_FACTS, of10Only: false };
