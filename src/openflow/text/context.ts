/**
 * The action parser's context, passed explicitly (never module state): what the match and the actions
 * so far establish about the packet; the match/action consistency checks (Open vSwitch's ofpacts_check())
 * live in ../action-consistency.ts.
 *
 * @module
 */
import { type FlowFacts, type MatchInconsistentError, factsOfMatch } from "../consistency.js";
import type { MatchField } from "../oxm.js";
import { READ_ONLY } from "../action-consistency.js";
export { READ_ONLY };
import { FlowSyntaxError } from "./errors.js";
import { parsePort } from "./ports.js";

// the checks themselves belong to the codec (the binary decoder runs them too); the action parser takes them from here
export { checkAction, isNeutralAction } from "../action-consistency.js";

/**
 * What the action parser knows about the packet (passed explicitly, never kept in module state): the facts
 * the match establishes, updated by each action parsed (`push_vlan`, `push_mpls`, ...), and whether an
 * action so far needs OpenFlow 1.0's tolerance of actions inconsistent with the match.
 */
export interface ActionParseContext {
  /** The packet as the match and the actions so far leave it. */
  readonly flow: FlowFacts;
  /** Set when an action is inconsistent with the match in a way only OpenFlow 1.0 accepts. */
  of10Only: boolean;
  /** The actions are nested in `ct(exec(...))`, the only place `ct_mark` and `ct_label` may be set. */
  readonly inCt?: boolean | undefined;
  /** Port names the switch reported, by name (`output:p1`). */
  readonly portNames?: ReadonlyMap<string, number> | undefined;
  /** No match to check the actions against (group buckets: ovs-ofctl does not check them). */
  readonly unchecked?: boolean | undefined;
  /** Table names the switch reported, by name (`goto_table:mytable`, `resubmit(,mytable)`). */
  readonly tableNames?: ReadonlyMap<string, number> | undefined;
  /**
   * Where the first inconsistency with the match is kept until the whole list is parsed (ovs-ofctl checks
   * consistency after its own checks of the list: `drop`, `conjunction`, instruction order); absent: thrown at once.
   */
  readonly deferred?: { error: MatchInconsistentError | undefined } | undefined;
}

/**
 * A port number or name: a name the switch reported first, then numbers and reserved names. `what` words
 * the error as ovs-ofctl does for the action (`output to unknown port`: `foo: output to unknown port`).
 */
export function portOf(s: string, ctx: ActionParseContext, what?: string): number {
  const named = ctx.portNames?.get(s.trim());
  if (named !== undefined) return named;
  try {
    return parsePort(s);
  } catch (e) {
    if (what !== undefined && e instanceof FlowSyntaxError) e.message = `${s}: ${what}`;
    throw e;
  }
}

/**
 * Refuses an action writing `field` where ovs-ofctl does: read-only fields (`set_field`; not `load`, whose
 * destination ovs-ofctl's parser does not check: `readOnly` false), and CT fields outside `ct`.
 * @defaultValue readOnly = true
 */
export function checkWritable(field: string, ctx: ActionParseContext, readOnly = true): void {
  const ro = readOnly ? READ_ONLY.get(field) : undefined;
  if (ro !== undefined) throw new FlowSyntaxError(`${ro} is read-only`);
  if ((field === "ct_mark" || field === "ct_label") && !ctx.inCt) throw new FlowSyntaxError("cannot set CT fields outside of ct action");
}

/**
 * A context for an action list parsed with the given match (none: a catch-all match) and the switch's port
 * names; `deferred` keeps the first inconsistency with the match until the list is parsed (see
 * {@link ActionParseContext.deferred}); `unchecked` parses the actions with no match to check them against
 * (see {@link ActionParseContext.unchecked}). Always one object shape: a copy spread from it with a
 * property added costs every later read.
 * @defaultValue unchecked = false
 */
export function actionParseContext(
  match: readonly MatchField[] = [],
  portNames?: ReadonlyMap<string, number>,
  deferred?: { error: MatchInconsistentError | undefined },
  unchecked = false,
  tableNames?: ReadonlyMap<string, number>,
): ActionParseContext {
  return { flow: factsOfMatch(match), of10Only: false, inCt: false, portNames, deferred, unchecked, tableNames };
}
