/**
 * The action parser's context, passed explicitly (never module state): what the match and the actions
 * so far establish about the packet, and the match/action consistency checks of Open vSwitch's ofpacts_check().
 *
 * @module
 */
import type { Action } from "../actions.js";
import { type FlowFacts, MatchInconsistentError, PT_ETH, PT_NSH, PT_UNKNOWN, ctValid, factsOfMatch, isIpFlow, isMplsFlow, requireField } from "../consistency.js";
import { type MatchField, fieldByName } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";
import { checkLearn } from "./learn-check.js";
import { parsePort } from "./ports.js";

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

/** Fields no action may write (Open vSwitch's read-only fields), by our name, with the name ovs-ofctl reports. */
export const READ_ONLY = new Map<string, string>(
  ["dp_hash", "recirc_id", "packet_type", "conj_id", "tun_ttl", "tun_tos", "tun_gtpu_flags", "tun_gtpu_msgtype", "actset_output", "skb_priority"]
    .concat(["ct_state", "ct_zone", "ct_nw_proto", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst", "ct_tp_src", "ct_tp_dst"])
    .concat(["eth_type", "mpls_bos", "nw_proto", "ip_frag", "tcp_flags", "nsh_mdtype", "nsh_np"])
    .flatMap((n) => {
      const f = fieldByName(n);
      return f ? [[f.name, n] as [string, string]] : [];
    }),
);

/** Refuses an action writing `field` where ovs-ofctl does: read-only fields, and CT fields outside `ct`. */
export function checkWritable(field: string, ctx: ActionParseContext): void {
  const ro = READ_ONLY.get(field);
  if (ro !== undefined) throw new FlowSyntaxError(`${ro} is read-only`);
  if ((field === "ct_mark" || field === "ct_label") && !ctx.inCt) throw new FlowSyntaxError("cannot set CT fields outside of ct action");
}

/**
 * A context for an action list parsed with the given match (none: a catch-all match) and the switch's port
 * names; `deferred` keeps the first inconsistency with the match until the list is parsed (see
 * {@link ActionParseContext.deferred}). Always one object shape: a copy spread from it with a property
 * added costs every later read.
 */
export function actionParseContext(match: readonly MatchField[] = [], portNames?: ReadonlyMap<string, number>, deferred?: { error: MatchInconsistentError | undefined }): ActionParseContext {
  return { flow: factsOfMatch(match), of10Only: false, inCt: false, portNames, deferred };
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
export function checkAction(name: string, actions: readonly Action[], ctx: ActionParseContext): void {
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
        // mf_check_dst(): a destination that is read-only (tun_gtpu_flags, nsh_mdtype, ...) after its prerequisites
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
