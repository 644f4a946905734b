// The straightforward version of a decode-side check as it was before it was made table-driven (src/openflow/),
// kept as the reference of test/openflow/check-equivalence.test.ts: do not optimise it.
/**
 * The match/action consistency check of each action (Open vSwitch's ofpacts_check()), shared by the binary
 * decoder (flow-mod-checks.ts) and the flow text parser (text/context.ts): what an action needs the packet
 * to be, and what it changes in what is known about it.
 *
 * @module
 */
import type { Action } from "../../../src/openflow/action-types.js";
import { type FlowFacts, MatchInconsistentError, PT_ETH, PT_NSH, PT_UNKNOWN, ctValid, isIpFlow, isMplsFlow, requireField } from "./consistency.js";
import { checkLearn } from "./learn-check.js";
import { READ_ONLY } from "../../../src/openflow/action-consistency.js";

/**
 * What {@link checkAction} reads and updates: the facts the match and the actions so far establish, and
 * whether an action so far needs OpenFlow 1.0's tolerance of actions inconsistent with the match (the
 * text parser's context is one).
 */
export interface ActionCheckContext {
  /** The packet as the match and the actions so far leave it. */
  readonly flow: FlowFacts;
  /** Set when an action is inconsistent with the match in a way only OpenFlow 1.0 accepts. */
  of10Only: boolean;
  /** No match to check the actions against (group buckets: ovs-ofctl does not check them). */
  readonly unchecked?: boolean | undefined;
}

/** Action types {@link checkAction} accepts with any packet and that change nothing it knows. */
const NEUTRAL = new Set(["output", "group", "controller", "note", "set_queue", "pop_queue", "exit", "conjunction", "enqueue"]);

/** True for an action {@link checkAction} need not see: one of the neutral types, or a resubmit that is not `ct`'s. */
export function isNeutralAction(a: Action): boolean {
  return NEUTRAL.has(a.type) || (a.type === "resubmit" && !a.ct);
}

const L4_PROTOS = new Set([6, 17, 132]);

/** Actions that are a set_field here but OVS actions of their own, which check_*() accepts with any match. */
const UNCHECKED_SETS = new Set(["mod_vlan_vid", "mod_vlan_pcp", "mod_dl_src", "mod_dl_dst"]);

/** What `encap`, `decap` and `dec_nsh_ttl` check and change (check_ENCAP(), check_DECAP(), check_DEC_NSH_TTL()). */
function checkNshAction(a: Action, f: FlowFacts, soft: (bad: boolean) => void): void {
  switch (a.type) {
    case "dec_nsh_ttl":
      // the packet is NSH by its packet type or Ethertype (flow->dl_type: the match's, not the packet type's)
      return soft(f.packetType !== PT_NSH && (f.packetType !== PT_ETH || f.dlType !== 0x894f));
    case "decap":
      // an Ethernet packet becomes its Ethertype's packet type; anything else an unknown one
      if (f.packetType === PT_ETH) f.packetType = 0x10000 | (f.dlType ?? 0);
      else {
        f.packetType = PT_UNKNOWN;
        f.dlType = 0xffff;
      }
      return;
    case "encap":
      f.packetType = a.packetType;
      if (a.packetType >>> 16 === 1) f.dlType = a.packetType & 0xffff;
      if (!isIpFlow(f)) f.nwProto = 0;
      return;
  }
}

/**
 * Checks one parsed action against what the packet is known to be, and applies its effect on that
 * knowledge, as Open vSwitch's ofpacts_check() does.
 * @throws MatchInconsistentError for a hard inconsistency
 */
export function checkAction(name: string, actions: readonly Action[], ctx: ActionCheckContext): void {
  if (ctx.unchecked) return;
  const f = ctx.flow;
  const soft = (bad: boolean) => {
    if (bad) ctx.of10Only = true;
  };
  switch (name) {
    case "mod_nw_src":
    case "mod_nw_dst":
      return soft(f.dlType !== 0x0800);
    case "mod_nw_tos":
    case "mod_nw_ecn":
    case "mod_nw_ttl":
    case "dec_ttl":
      return soft(!isIpFlow(f));
    case "mod_tp_src":
    case "mod_tp_dst":
      return soft(!isIpFlow(f) || !L4_PROTOS.has(f.nwProto ?? -1));
    case "strip_vlan":
    case "pop_vlan":
      soft(!f.vlan);
      f.vlan = false;
      return;
    case "set_vlan_vid":
    case "set_vlan_pcp":
      // unlike mod_vlan_*, no VLAN header is pushed: without one, only OpenFlow 1.0 accepts it
      soft(!f.vlan);
      f.vlan = true;
      return;
    case "set_mpls_label":
    case "set_mpls_tc":
    case "set_mpls_ttl":
    case "dec_mpls_ttl":
      return soft(!isMplsFlow(f));
    case "fin_timeout":
      return soft(f.nwProto !== 6);
    case "dec_nsh_ttl":
    case "decap":
      return checkNshAction(actions[0]!, f, soft);
  }
  for (const a of actions) {
    switch (a.type) {
      case "push_vlan":
        f.vlan = true;
        break;
      case "push_mpls":
        soft(f.packetType !== PT_ETH);
        f.dlType = a.ethertype;
        f.nwProto = 0;
        break;
      case "pop_mpls":
        soft(f.packetType !== PT_ETH || !isMplsFlow(f));
        f.dlType = a.ethertype;
        break;
      case "encap":
        checkNshAction(a, f, soft);
        break;
      case "set_field":
        // mod_vlan_* and mod_dl_* are actions of their own in Open vSwitch, checked against nothing
        if (!UNCHECKED_SETS.has(name)) requireField(a.field.field, f, true);
        break;
      case "reg_load":
        requireField(a.dst.field, f, true);
        break;
      case "reg_load2":
        requireField(a.field.field, f, true);
        break;
      case "reg_move":
        requireField(a.src.field, f);
        requireField(a.dst.field, f, true);
        if (READ_ONLY.has(a.dst.field)) throw new MatchInconsistentError(a.dst.field, "OFPBAC_BAD_SET_ARGUMENT");
        break;
      case "output_reg":
        requireField(a.src.field, f);
        break;
      case "stack_push":
        requireField(a.sf.field, f);
        break;
      case "stack_pop":
        requireField(a.sf.field, f, true);
        break;
      case "multipath":
        requireField(a.dst.field, f, true);
        break;
      case "bundle":
        if (a.dst) requireField(a.dst.field, f, true);
        break;
      case "resubmit":
        if (a.ct && !ctValid(f)) throw new MatchInconsistentError("resubmit");
        break;
      case "learn":
        checkLearn(a, f);
        break;
      case "ct":
        if (!isIpFlow(f) || (a.alg === 21 && f.nwProto !== 6) || (a.alg === 69 && f.nwProto !== 17)) throw new MatchInconsistentError("ct");
        if (a.zoneSrc) requireField(a.zoneSrc.field, f);
        for (const n of a.actions) {
          if (n.type !== "nat") continue;
          if ((n.ipv4Min && f.dlType !== 0x0800) || (n.ipv6Min && f.dlType !== 0x86dd)) throw new MatchInconsistentError("nat");
        }
        break;
    }
  }
}
