// The straightforward version of a decode-side check as it was before it was made table-driven (src/openflow/),
// kept as the reference of test/openflow/check-equivalence.test.ts: do not optimise it.
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
import { type MatchField } from "../../../src/openflow/oxm.js";

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
   * @param error - the OpenFlow error name (`OFPBAC_BAD_SET_ARGUMENT` for a move into a read-only field)
   */
  constructor(
    readonly action: string,
    readonly error: "OFPBAC_MATCH_INCONSISTENT" | "OFPBAC_BAD_SET_ARGUMENT" = "OFPBAC_MATCH_INCONSISTENT",
  ) {
    super(`actions are invalid with specified match (${error})`);
  }
}

function num(f: MatchField): number {
  return bytesNum(f.value);
}

/** Big-endian bytes (at most 6) as a number. */
function bytesNum(b: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < b.length; i++) v = v * 256 + b[i]!;
  return v;
}

function exact(f: MatchField | undefined): number | undefined {
  return f && !f.mask ? num(f) : undefined;
}

/** The facts a match establishes. */
export function factsOfMatch(match: readonly MatchField[]): FlowFacts {
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
  if (ct) ctMask = ct.mask ? bytesNum(ct.mask) : 0xffffffff;
  const packetType = exact(pt) ?? PT_ETH;
  return {
    packetType,
    // get_dl_type(): the packet type's Ethertype for namespace 1, none for another non-Ethernet packet
    dlType: packetType === PT_ETH ? exact(dl) : packetType >>> 16 === 1 ? packetType & 0xffff : NO_DL_TYPE,
    nwProto: exact(proto),
    vlan: vid !== undefined && (num(vid) & 0x1000) !== 0 && (!vid.mask || ((vid.mask[0]! << 8) & 0x1000) !== 0),
    icmpv6Type: exact(icmp6),
    ctState: ct ? num(ct) : 0,
    ctStateMask: ctMask,
    ctNwProto,
  };
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
const isArp = (f: FlowFacts) => f.dlType === 0x0806 || f.dlType === 0x8035;

/** Prerequisites by field (Open vSwitch's MFP_* of each field in meta-flow.h). */
const PREREQS: Record<string, (f: FlowFacts) => boolean> = {};
const prereq = (names: string[], ok: (f: FlowFacts) => boolean) => names.forEach((n) => (PREREQS[n] = ok));
prereq(["nw_src", "nw_dst"], (f) => f.dlType === IP);
prereq(["ipv6_src", "ipv6_dst", "ipv6_label"], (f) => f.dlType === IPV6);
prereq(["nw_proto", "ip_dscp", "nw_tos", "nw_ecn", "nw_ttl", "nw_frag"], isIp);
prereq(["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"], isArp);
prereq(["mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl"], isMpls);
prereq(["tcp_src", "tcp_dst", "tcp_flags"], (f) => isIp(f) && f.nwProto === 6);
prereq(["udp_src", "udp_dst"], (f) => isIp(f) && f.nwProto === 17);
prereq(["sctp_src", "sctp_dst"], (f) => isIp(f) && f.nwProto === 132);
prereq(["icmp_type", "icmp_code"], (f) => f.dlType === IP && f.nwProto === 1);
prereq(["icmpv6_type", "icmpv6_code"], (f) => f.dlType === IPV6 && f.nwProto === 58);
prereq(["nd_target"], (f) => f.dlType === IPV6 && f.nwProto === 58 && (f.icmpv6Type === 135 || f.icmpv6Type === 136));
prereq(["nd_sll"], (f) => f.dlType === IPV6 && f.nwProto === 58 && f.icmpv6Type === 135);
prereq(["nd_tll"], (f) => f.dlType === IPV6 && f.nwProto === 58 && f.icmpv6Type === 136);
prereq(["vlan_pcp"], (f) => f.vlan && f.packetType === PT_ETH);
prereq(["dl_src", "dl_dst", "dl_type", "vlan_tci", "vlan_vid"], (f) => f.packetType === PT_ETH);
// MFP_CT_VALID, judged on the match (is_ct_valid() with the match's mask, as mf_check_src()/mf_check_dst() judge it)
prereq(["ct_nw_proto", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst", "ct_tp_src", "ct_tp_dst"], (f) => ctValid(f));
prereq(["nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4"], (f) => f.dlType === 0x894f);

/** True when the facts establish the prerequisites of `field` (fields without any always pass). */
export function prerequisitesMet(field: string, facts: FlowFacts): boolean {
  return PREREQS[field]?.(facts) ?? true;
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
