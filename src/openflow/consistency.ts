/**
 * Match/action consistency as Open vSwitch checks it (`ofpacts_check()` in lib/ofp-actions.c): what a
 * flow's match says about the packet ({@link FlowFacts}), each field's prerequisites, and the error an
 * action that needs more than the match gives raises ({@link MatchInconsistentError}).
 *
 * Some inconsistencies are hard errors (`set_field`, `load`, `move`, `ct`, `nat`, `resubmit(,,ct)`); others
 * (`mod_nw_src` without `ip`, `strip_vlan` without a VLAN, ...) only make the flow OpenFlow 1.0-only,
 * where the switch drops such actions silently.
 *
 * @module
 */
import { type MatchField, fieldHasMask, fieldMaskNum, fieldNum } from "./oxm.js";
import { type PrereqName, fieldPrerequisites } from "./match-checks.js";

/** What a flow's match (and the actions before the one being checked) say about the packet. */
export interface FlowFacts {
  /**
   * The packet type (namespace << 16 | type; 0 Ethernet, the default, `PT_UNKNOWN` 0xffffffff after a
   * `decap` of a non-Ethernet packet), as Open vSwitch's flow->packet_type.
   */
  packetType: number;
  /** Exactly matched Ethernet type (or the packet type's, for a packet type of namespace 1), as OVS's get_dl_type(). */
  dlType: number | undefined;
  /** Exactly matched IP protocol (0 once an MPLS header is pushed). */
  nwProto: number | undefined;
  /** A VLAN header is present (matched with the CFI bit, or pushed). */
  vlan: boolean;
  /** Exactly matched ICMPv6 type (for the ND fields). */
  icmpv6Type: number | undefined;
  /** `ct_state` value and mask (0/0 when not matched). */
  ctState: number;
  /** Mask of `ct_state`. */
  ctStateMask: number;
  /** `ct_nw_proto` is matched (prerequisite of `ct_tp_src`/`ct_tp_dst`). */
  ctNwProto: boolean;
}

/**
 * The error ovs-ofctl reports as "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)":
 * an action reads or writes a field whose prerequisites the match does not establish.
 */
export class MatchInconsistentError extends Error {
  override readonly name = "MatchInconsistentError";
  /**
   * @param action - the offending action or field, for diagnostics
   * @param error - the OpenFlow error name: `OFPBAC_BAD_SET_ARGUMENT` for a move into a read-only field
   *   (mf_check_dst()), `OFPMMFC_INVALID_METER` for a meter id 0 or past OFPM13_MAX (check_METER()), which
   *   ovs-ofctl reports in the same words
   */
  constructor(
    readonly action: string,
    readonly error: "OFPBAC_MATCH_INCONSISTENT" | "OFPBAC_BAD_SET_ARGUMENT" | "OFPMMFC_INVALID_METER" = "OFPBAC_MATCH_INCONSISTENT",
  ) {
    super(`actions are invalid with specified match (${error})`);
  }
}

/** A field's value (at most 6 bytes) as a number. */
const num = fieldNum;

function exact(f: MatchField | undefined): number | undefined {
  return f && !fieldHasMask(f) ? num(f) : undefined;
}

/**
 * The fields {@link factsOfMatch} reads: an entry of any other field changes no fact (the learn check skips
 * building those). Kept beside factsOfMatch(): a field it comes to read goes here too.
 */
export const FACT_FIELDS: ReadonlySet<string> = new Set(["packet_type", "dl_type", "nw_proto", "vlan_vid", "vlan_tci", "icmpv6_type", "ct_state", "ct_nw_proto"]);

/**
 * The facts a match establishes.
 * @param into - an object to write them into (and return) instead of a new one
 */
export function factsOfMatch(match: readonly MatchField[], into?: FlowFacts): FlowFacts {
  // one pass over the match, no map: the later of two entries of a field wins, as a map by name would have it
  let dl: MatchField | undefined;
  let proto: MatchField | undefined;
  let vid: MatchField | undefined;
  let icmp6: MatchField | undefined;
  let ct: MatchField | undefined;
  let ctNwProto = false;
  let pt: MatchField | undefined;
  for (const f of match) {
    switch (f.field) {
      case "packet_type":
        pt = f;
        break;
      case "dl_type":
        dl = f;
        break;
      case "nw_proto":
        proto = f;
        break;
      case "vlan_vid":
      case "vlan_tci":
        // the CFI bit is in the same place of both (OFPVID_PRESENT in vlan_vid)
        vid = f;
        break;
      case "icmpv6_type":
        icmp6 = f;
        break;
      case "ct_state":
        ct = f;
        break;
      case "ct_nw_proto":
        ctNwProto = true;
        break;
    }
  }
  let ctMask = 0;
  if (ct) ctMask = fieldMaskNum(ct) ?? 0xffffffff;
  const packetType = exact(pt) ?? PT_ETH;
  // get_dl_type(): the packet type's Ethertype for namespace 1, none for another non-Ethernet packet
  const dlType = packetType === PT_ETH ? exact(dl) : packetType >>> 16 === 1 ? packetType & 0xffff : NO_DL_TYPE;
  const nwProto = exact(proto);
  const vlan = vid !== undefined && (num(vid) & 0x1000) !== 0 && ((fieldMaskNum(vid) ?? 0x1000) & 0x1000) !== 0;
  const icmpv6Type = exact(icmp6);
  const ctState = ct ? num(ct) : 0;
  if (into === undefined) return { packetType, dlType, nwProto, vlan, icmpv6Type, ctState, ctStateMask: ctMask, ctNwProto };
  into.packetType = packetType;
  into.dlType = dlType;
  into.nwProto = nwProto;
  into.vlan = vlan;
  into.icmpv6Type = icmpv6Type;
  into.ctState = ctState;
  into.ctStateMask = ctMask;
  into.ctNwProto = ctNwProto;
  return into;
}

/** Copies facts into another object (the action set's copy of what the match says), which it returns. */
export function copyFacts(from: FlowFacts, into: FlowFacts): FlowFacts {
  into.packetType = from.packetType;
  into.dlType = from.dlType;
  into.nwProto = from.nwProto;
  into.vlan = from.vlan;
  into.icmpv6Type = from.icmpv6Type;
  into.ctState = from.ctState;
  into.ctStateMask = from.ctStateMask;
  into.ctNwProto = from.ctNwProto;
  return into;
}

/** The Ethernet packet type (namespace 0, type 0), a flow's default. */
export const PT_ETH = 0;
/** The NSH packet type (namespace 1, Ethertype 0x894f). */
export const PT_NSH = 0x1894f;
/** The packet type after a `decap` of a packet that was not Ethernet (Open vSwitch's PT_UNKNOWN). */
export const PT_UNKNOWN = 0xffffffff;
/** get_dl_type() of a packet that is neither Ethernet nor of namespace 1 (FLOW_DL_TYPE_NONE). */
const NO_DL_TYPE = 0x5ff;

const IP = 0x0800;
const IPV6 = 0x86dd;
const isIp = (f: FlowFacts) => f.dlType === IP || f.dlType === IPV6;
const isMpls = (f: FlowFacts) => f.dlType === 0x8847 || f.dlType === 0x8848;

/** A field's prerequisite as judged on {@link FlowFacts} (Open vSwitch's MFP_* in meta-flow.h). */
const enum Need {
  Ipv4 = 1,
  Ipv6,
  Ip,
  Arp,
  Mpls,
  Tcp,
  Udp,
  Sctp,
  Icmpv4,
  Icmpv6,
  Nd,
  NdSolicit,
  NdAdvert,
  Vlan,
  Ethernet,
  CtValid,
  Nsh,
}

/** Prerequisites by field, from match-checks.ts's table of meta-flow.h's (fields not listed have none). */
const PREREQS = new Map<string, Need>();
const NEED_OF: Record<PrereqName, Need> = {
  ethernet: Need.Ethernet, arp: Need.Arp, ipv4: Need.Ipv4, ipv6: Need.Ipv6, vlan_vid: Need.Vlan, mpls: Need.Mpls, ip_any: Need.Ip,
  nsh: Need.Nsh, ct_valid: Need.CtValid, tcp: Need.Tcp, udp: Need.Udp, sctp: Need.Sctp, icmpv4: Need.Icmpv4, icmpv6: Need.Icmpv6,
  nd: Need.Nd, nd_solicit: Need.NdSolicit, nd_advert: Need.NdAdvert,
};
for (const [name, p] of fieldPrerequisites()) PREREQS.set(name, NEED_OF[p]);

function holds(need: Need, f: FlowFacts): boolean {
  const dl = f.dlType;
  switch (need) {
    case Need.Ipv4:
      return dl === IP;
    case Need.Ipv6:
      return dl === IPV6;
    case Need.Ip:
      return dl === IP || dl === IPV6;
    case Need.Arp:
      return dl === 0x0806 || dl === 0x8035;
    case Need.Mpls:
      return dl === 0x8847 || dl === 0x8848;
    case Need.Tcp:
      return (dl === IP || dl === IPV6) && f.nwProto === 6;
    case Need.Udp:
      return (dl === IP || dl === IPV6) && f.nwProto === 17;
    case Need.Sctp:
      return (dl === IP || dl === IPV6) && f.nwProto === 132;
    case Need.Icmpv4:
      return dl === IP && f.nwProto === 1;
    case Need.Icmpv6:
      return dl === IPV6 && f.nwProto === 58;
    case Need.Nd:
      return dl === IPV6 && f.nwProto === 58 && (f.icmpv6Type === 135 || f.icmpv6Type === 136);
    case Need.NdSolicit:
      return dl === IPV6 && f.nwProto === 58 && f.icmpv6Type === 135;
    case Need.NdAdvert:
      return dl === IPV6 && f.nwProto === 58 && f.icmpv6Type === 136;
    case Need.Vlan:
      return f.vlan && f.packetType === PT_ETH;
    case Need.Ethernet:
      return f.packetType === PT_ETH;
    case Need.CtValid:
      // is_ct_valid() of a match (mf_are_match_prereqs_ok())
      return ctValid(f);
    case Need.Nsh:
      return dl === 0x894f;
  }
}

/** True when the facts establish the prerequisites of `field` (fields without any always pass). */
export function prerequisitesMet(field: string, facts: FlowFacts): boolean {
  const need = PREREQS.get(field);
  return need === undefined || holds(need, facts);
}

/**
 * The prerequisite of a field named with its header (a match entry's or a subfield's), as {@link PREREQS}
 * has it by name (0: none), cached by the header's class and field number for the classes actions name
 * most (NXM_0, NXM_1, OPENFLOW_BASIC, PACKET_REGS) with the name it was cached for: a decoded field's name
 * is the catalogue's string, so the check is one comparison, where the map by name hashes the string.
 * Another class, or a header and name that disagree (built by hand), goes by name.
 */
function needOf(field: string, header: number): Need | 0 {
  const cls = header >>> 16;
  const c = cls === 0x0000 ? 0 : cls === 0x0001 ? 1 : cls === 0x8000 ? 2 : cls === 0x8001 ? 3 : -1;
  if (c < 0) return PREREQS.get(field) ?? 0;
  const k = (c << 7) | ((header >>> 9) & 0x7f);
  const name = NEED_NAME_BY_HEADER[k];
  if (name === field) return NEED_BY_HEADER[k]! as Need | 0;
  const need = PREREQS.get(field) ?? 0;
  if (name === undefined) {
    NEED_NAME_BY_HEADER[k] = field;
    NEED_BY_HEADER[k] = need;
  }
  return need;
}
const NEED_BY_HEADER = new Uint8Array(4 * 128);
const NEED_NAME_BY_HEADER: (string | undefined)[] = new Array<string | undefined>(4 * 128).fill(undefined);

/**
 * {@link requireField} of a field named with its header (a decoded action's subfield or set_field entry):
 * the same check, its prerequisite found without hashing the name.
 * @throws MatchInconsistentError unless the field's prerequisites hold
 */
export function requireSubField(sf: { readonly field: string; readonly header: number }, facts: FlowFacts, write = false): void {
  const field = sf.field;
  const need = needOf(field, sf.header);
  if ((need !== 0 && !holds(need, facts)) || (write && field === "vlan_vid" && !facts.vlan)) throw new MatchInconsistentError(field);
}

/** Throws {@link MatchInconsistentError} unless `field`'s prerequisites hold (`set_field` of `vlan_vid` also needs a VLAN). */
export function requireField(field: string, facts: FlowFacts, write = false): void {
  if (!prerequisitesMet(field, facts) || (write && field === "vlan_vid" && !facts.vlan)) throw new MatchInconsistentError(field);
}

const CS_TRACKED = 0x20;
const CS_INVALID = 0x10;
/** new, est, rel, rpl, snat, dnat: states that imply a valid connection. */
const CS_VALID_BITS = 0x01 | 0x02 | 0x04 | 0x08 | 0x40 | 0x80;

/** `resubmit(,,ct)` needs a match that implies a valid connection-tracking entry (OVS's is_ct_valid()). */
export function ctValid(facts: FlowFacts): boolean {
  const s = facts.ctState & facts.ctStateMask;
  return (s & CS_VALID_BITS) !== 0 || ((s & CS_TRACKED) !== 0 && (facts.ctStateMask & CS_INVALID) !== 0 && (s & CS_INVALID) === 0);
}

/** True when the packet is IPv4 or IPv6 (for `ct`, `nat`, `dec_ttl`, `mod_nw_tos`, ...). */
export function isIpFlow(facts: FlowFacts): boolean {
  return isIp(facts);
}

/** True when the packet is MPLS (for `set_mpls_*`, `dec_mpls_ttl`, `pop_mpls`). */
export function isMplsFlow(facts: FlowFacts): boolean {
  return isMpls(facts);
}
