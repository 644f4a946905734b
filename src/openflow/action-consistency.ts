/**
 * The match/action consistency check of each action (Open vSwitch's ofpacts_check()), shared by the binary
 * decoder (flow-mod-checks.ts) and the flow text parser (text/context.ts): what an action needs the packet
 * to be, and what it changes in what is known about it.
 *
 * @module
 */
import type { Action } from "./action-types.js";
import { type FlowFacts, MatchInconsistentError, PT_ETH, PT_NSH, PT_UNKNOWN, ctValid, isIpFlow, isMplsFlow, requireSubField } from "./consistency.js";
import { checkLearn } from "./learn-check.js";

import { READ_ONLY } from "./read-only.js";
export { READ_ONLY };

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

/** What {@link checkAction} does for an action name or type (see {@link kindOf}; 0 for nothing). */
const enum Kind {
  // by the name (the text's, or the decoded type's): checkByName()
  ModNwAddr = 1,
  IpOnly,
  ModTp,
  PopVlan,
  SetVlan,
  MplsOnly,
  FinTimeout,
  Nsh,
  // by each action's type: checkEach()
  PushVlan,
  PushMpls,
  PopMpls,
  Encap,
  SetField,
  RegLoad,
  RegLoad2,
  RegMove,
  OutputReg,
  StackPush,
  StackPop,
  Multipath,
  Bundle,
  Resubmit,
  Learn,
  Ct,
}
/** The last {@link Kind} that goes by the name. */
const LAST_BY_NAME = Kind.Nsh;

/**
 * What {@link checkAction} does for an action name or type: every name it reads or changes the facts for,
 * with its {@link Kind}; 0 for any other (a neutral action: it neither reads nor changes what the packet is
 * known to be). A switch, not a map: the names are the catalogue's interned strings, so each case is one
 * comparison, where a map lookup hashes (measured 3x the time of this switch). A new check is a case here
 * and one of {@link checkByName} or {@link checkEach}.
 */
function kindOf(name: string): Kind | 0 {
  // (the cases compared in turn: the actions flows carry most first, output the most common neutral one)
  switch (name) {
    case "set_field":
      return Kind.SetField;
    case "output":
      return 0;
    case "reg_load":
      return Kind.RegLoad;
    case "ct":
      return Kind.Ct;
    case "resubmit":
      return Kind.Resubmit;
    case "reg_move":
      return Kind.RegMove;
    case "learn":
      return Kind.Learn;
    case "reg_load2":
      return Kind.RegLoad2;
    case "output_reg":
      return Kind.OutputReg;
    case "multipath":
      return Kind.Multipath;
    case "bundle":
      return Kind.Bundle;
    case "stack_push":
      return Kind.StackPush;
    case "stack_pop":
      return Kind.StackPop;
    case "push_vlan":
      return Kind.PushVlan;
    case "push_mpls":
      return Kind.PushMpls;
    case "pop_mpls":
      return Kind.PopMpls;
    case "encap":
      return Kind.Encap;
    case "mod_nw_src":
    case "mod_nw_dst":
      return Kind.ModNwAddr;
    case "mod_nw_tos":
    case "mod_nw_ecn":
    case "mod_nw_ttl":
    case "dec_ttl":
      return Kind.IpOnly;
    case "mod_tp_src":
    case "mod_tp_dst":
      return Kind.ModTp;
    case "strip_vlan":
    case "pop_vlan":
      return Kind.PopVlan;
    case "set_vlan_vid":
    case "set_vlan_pcp":
      return Kind.SetVlan;
    case "set_mpls_label":
    case "set_mpls_tc":
    case "set_mpls_ttl":
    case "dec_mpls_ttl":
      return Kind.MplsOnly;
    case "fin_timeout":
      return Kind.FinTimeout;
    case "dec_nsh_ttl":
    case "decap":
      return Kind.Nsh;
    default:
      return 0;
  }
}

/**
 * True for a decoded action {@link checkAction} need not see under its type's name: it neither reads nor
 * changes what the packet is known to be (`output`, `group`, `note`, `clone`, a resubmit that is not `ct`'s, ...).
 */
export function isNeutralAction(a: Action): boolean {
  return decodedActionCheck(a) === 0;
}

/** Actions that are a set_field here but OVS actions of their own, which check_*() accepts with any match. */
const UNCHECKED_SETS = new Set(["mod_vlan_vid", "mod_vlan_pcp", "mod_dl_src", "mod_dl_dst"]);

/**
 * What `encap`, `decap` and `dec_nsh_ttl` check and change (check_ENCAP(), check_DECAP(),
 * check_DEC_NSH_TTL()); true when only OpenFlow 1.0 accepts the action with these facts.
 */
function nshAction(a: Action, f: FlowFacts): boolean {
  switch (a.type) {
    case "dec_nsh_ttl":
      // the packet is NSH by its packet type or Ethertype (flow->dl_type: the match's, not the packet type's)
      return f.packetType !== PT_NSH && (f.packetType !== PT_ETH || f.dlType !== 0x894f);
    case "decap":
      // an Ethernet packet becomes its Ethertype's packet type; anything else an unknown one
      if (f.packetType === PT_ETH) f.packetType = 0x10000 | (f.dlType ?? 0);
      else {
        f.packetType = PT_UNKNOWN;
        f.dlType = 0xffff;
      }
      return false;
    case "encap":
      f.packetType = a.packetType;
      if (a.packetType >>> 16 === 1) f.dlType = a.packetType & 0xffff;
      if (!isIpFlow(f)) f.nwProto = 0;
      return false;
  }
  return false;
}

/**
 * The checks and effects that go by the action's name (the text's: `mod_nw_src` is a set_field on the wire
 * but checked as OVS's own action; `k` a {@link Kind} up to {@link LAST_BY_NAME}); `first` is the first
 * action of the name.
 */
function checkByName(k: Kind, first: Action | undefined, ctx: ActionCheckContext): void {
  const f = ctx.flow;
  let bad = false;
  switch (k) {
    case Kind.ModNwAddr:
      bad = f.dlType !== 0x0800;
      break;
    case Kind.IpOnly:
      bad = !isIpFlow(f);
      break;
    case Kind.ModTp:
      bad = !isIpFlow(f) || (f.nwProto !== 6 && f.nwProto !== 17 && f.nwProto !== 132);
      break;
    case Kind.PopVlan:
      bad = !f.vlan;
      f.vlan = false;
      break;
    case Kind.SetVlan:
      // unlike mod_vlan_*, no VLAN header is pushed: without one, only OpenFlow 1.0 accepts it
      bad = !f.vlan;
      f.vlan = true;
      break;
    case Kind.MplsOnly:
      bad = !isMplsFlow(f);
      break;
    case Kind.FinTimeout:
      bad = f.nwProto !== 6;
      break;
    case Kind.Nsh:
      bad = nshAction(first!, f);
      break;
  }
  if (bad) ctx.of10Only = true;
}

/**
 * The check and effect of one action by its type (the part of ofpacts_check() that reads the action's
 * fields; `k` the {@link Kind} of `a.type`, after {@link LAST_BY_NAME}); `name` is the action's name in the text.
 */
function checkEach(k: Kind, a: Action, name: string, ctx: ActionCheckContext): void {
  const f = ctx.flow;
  switch (k) {
    case Kind.PushVlan:
      f.vlan = true;
      break;
    case Kind.PushMpls:
      if (f.packetType !== PT_ETH) ctx.of10Only = true;
      f.dlType = (a as Of<"push_mpls">).ethertype;
      f.nwProto = 0;
      break;
    case Kind.PopMpls:
      if (f.packetType !== PT_ETH || !isMplsFlow(f)) ctx.of10Only = true;
      f.dlType = (a as Of<"pop_mpls">).ethertype;
      break;
    case Kind.Encap:
      if (nshAction(a, f)) ctx.of10Only = true;
      break;
    case Kind.SetField:
      // mod_vlan_* and mod_dl_* are actions of their own in Open vSwitch, checked against nothing
      if (name === "set_field" || !UNCHECKED_SETS.has(name)) requireSubField((a as Of<"set_field">).field, f, true);
      break;
    case Kind.RegLoad:
      requireSubField((a as Of<"reg_load">).dst, f, true);
      break;
    case Kind.RegLoad2:
      requireSubField((a as Of<"reg_load2">).field, f, true);
      break;
    case Kind.RegMove:
      requireSubField((a as Of<"reg_move">).src, f);
      requireSubField((a as Of<"reg_move">).dst, f, true);
      // mf_check_dst(): a destination that is read-only (tun_gtpu_flags, nsh_mdtype, ...) after its prerequisites
      if (READ_ONLY.has((a as Of<"reg_move">).dst.field)) throw new MatchInconsistentError((a as Of<"reg_move">).dst.field, "OFPBAC_BAD_SET_ARGUMENT");
      break;
    case Kind.OutputReg:
      requireSubField((a as Of<"output_reg">).src, f);
      break;
    case Kind.StackPush:
      requireSubField((a as Of<"stack_push">).sf, f);
      break;
    case Kind.StackPop:
      requireSubField((a as Of<"stack_pop">).sf, f, true);
      break;
    case Kind.Multipath:
      requireSubField((a as Of<"multipath">).dst, f, true);
      break;
    case Kind.Bundle: {
      const dst = (a as Of<"bundle">).dst;
      if (dst) requireSubField(dst, f, true);
      break;
    }
    case Kind.Resubmit:
      if ((a as Of<"resubmit">).ct && !ctValid(f)) throw new MatchInconsistentError("resubmit");
      break;
    case Kind.Learn:
      checkLearn(a as Of<"learn">, f);
      break;
    case Kind.Ct: {
      const ct = a as Of<"ct">;
      if (!isIpFlow(f) || (ct.alg === 21 && f.nwProto !== 6) || (ct.alg === 69 && f.nwProto !== 17)) throw new MatchInconsistentError("ct");
      if (ct.zoneSrc) requireSubField(ct.zoneSrc, f);
      for (const n of ct.actions) {
        if (n.type !== "nat") continue;
        if ((n.ipv4Min && f.dlType !== 0x0800) || (n.ipv6Min && f.dlType !== 0x86dd)) throw new MatchInconsistentError("nat");
      }
      break;
    }
  }
}

/** The action of one type. */
type Of<T extends Action["type"]> = Extract<Action, { type: T }>;

/**
 * Checks one parsed action against what the packet is known to be, and applies its effect on that
 * knowledge, as Open vSwitch's ofpacts_check() does. `name` is the action's name in the flow text and
 * `actions` what it parsed into (one text action may be several: `mod_dl_src` a set_field, ...).
 * @throws MatchInconsistentError for a hard inconsistency
 */
export function checkAction(name: string, actions: readonly Action[], ctx: ActionCheckContext): void {
  if (ctx.unchecked) return;
  const k = kindOf(name);
  if (k !== 0 && k <= LAST_BY_NAME) return checkByName(k, actions[0], ctx);
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const ka = a.type === name ? k : kindOf(a.type);
    if (ka > LAST_BY_NAME) checkEach(ka as Kind, a, name, ctx);
  }
}

/**
 * What {@link checkAction} does for a decoded action under its own type's name, as a number for
 * {@link checkDecodedAction}: 0 when nothing (the action is neutral, see {@link isNeutralAction}).
 */
export function decodedActionCheck(a: Action): number {
  const k = kindOf(a.type);
  return k === Kind.Resubmit && !(a as Of<"resubmit">).ct ? 0 : k;
}

/**
 * {@link checkAction} of one decoded action under its own type's name (`checkAction(a.type, [a], ctx)`),
 * for the binary decoder: no list to build per action; `check` is {@link decodedActionCheck}'s answer for it.
 * @throws MatchInconsistentError for a hard inconsistency
 */
export function checkDecodedAction(a: Action, ctx: ActionCheckContext, check: number = decodedActionCheck(a)): void {
  if (ctx.unchecked || check === 0) return;
  if (check <= LAST_BY_NAME) checkByName(check as Kind, a, ctx);
  else checkEach(check as Kind, a, a.type, ctx);
}
