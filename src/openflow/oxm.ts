/**
 * OXM / NXM match fields: the field catalogue (OpenFlow 1.3.5 §7.2.3.7 "Flow Match Fields" plus the
 * Nicira NXM_NX_* and ONF experimenter fields Open vSwitch and OVN use) and the TLV codec for
 * `ofp_match` (OpenFlow 1.3.5 §7.2.3.1, `OFPMT_OXM`).
 *
 * A match is a list of {@link MatchField} entries. Values and masks are zero-copy byte views in
 * network order; unknown headers are kept (not dropped) with their raw bytes.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";

/** OXM classes (OpenFlow 1.3.5 §7.2.3.2 `ofp_oxm_class`). */
export const OxmClass = {
  /** Backward compatibility with NXM (NXM_OF_*). */
  NXM_0: 0x0000,
  /** Backward compatibility with NXM (NXM_NX_*). */
  NXM_1: 0x0001,
  /** Basic class for OpenFlow (OFPXMC_OPENFLOW_BASIC). */
  OPENFLOW_BASIC: 0x8000,
  /** Packet registers (OFPXMC_PACKET_REGS, OpenFlow 1.5). */
  PACKET_REGS: 0x8001,
  /** Experimenter class (OFPXMC_EXPERIMENTER). */
  EXPERIMENTER: 0xffff,
} as const;

/** Experimenter IDs used by OXM experimenter fields and experimenter actions. */
export const ExperimenterId = {
  /** Nicira (NX_VENDOR_ID). */
  NICIRA: 0x00002320,
  /** Open Networking Foundation (ONF_VENDOR_ID). */
  ONF: 0x4f4e4600,
  /** Network Service Header fields (Open vSwitch's NXOXM_NSH_* class, experimenter 0x005ad650). */
  NXOXM_NSH: 0x005ad650,
} as const;

/** How a field value is rendered and parsed in ovs-ofctl flow syntax. */
export type FieldFormat =
  | "hex"
  | "dec"
  | "mac"
  | "ipv4"
  | "ipv6"
  | "port"
  | "ct_state"
  | "tcp_flags"
  | "tun_flags"
  | "frag"
  | "ethertype"
  | "label"
  | "vlan_vid"
  | "packet_type";

/** One match/field definition. */
export interface FieldDef {
  /** ovs-fields(7) name, e.g. `reg0`, `nw_src`. */
  readonly name: string;
  /** Other names accepted by the parser (e.g. `ip_src` for `nw_src`). */
  readonly aliases: readonly string[];
  /** NXM name (`NXM_NX_REG0`) if the field has one. */
  readonly nxmName: string | undefined;
  /** OXM name (`OXM_OF_IN_PORT`) if the field has one. */
  readonly oxmName: string | undefined;
  /** Header used in OF1.3 matches and set_field (class<<16 | field<<9 | length), without the has-mask bit. */
  readonly header: number;
  /** Experimenter ID for class 0xffff headers. */
  readonly experimenter: number | undefined;
  /** Header used inside Nicira actions (move/load/output:reg/learn), NXM when available. */
  readonly nxHeader: number;
  /** Experimenter of {@link FieldDef.nxHeader} when it is an experimenter header. */
  readonly nxExperimenter: number | undefined;
  /** Value length in bytes. */
  readonly len: number;
  /** Meaningful width in bits (e.g. 12+1 for vlan_vid, 20 for ipv6_label). */
  readonly bits: number;
  /** Text format. */
  readonly format: FieldFormat;
}

/** Builds an OXM header word (OpenFlow 1.3.5 §7.2.3.2): class, field, has-mask, payload length. */
export function oxmHeader(cls: number, field: number, len: number, hasMask = false): number {
  return ((cls << 16) | (field << 9) | (hasMask ? 0x100 : 0) | len) >>> 0;
}

/** Class of an OXM header. */
export const oxmClassOf = (h: number): number => h >>> 16;
/** Field number of an OXM header. */
export const oxmFieldOf = (h: number): number => (h >>> 9) & 0x7f;
/** Has-mask bit of an OXM header. */
export const oxmHasMask = (h: number): boolean => (h & 0x100) !== 0;
/** Payload length of an OXM header. */
export const oxmLength = (h: number): number => h & 0xff;

const FIELDS: FieldDef[] = [];
const BY_NAME = new Map<string, FieldDef>();
/** Fields by header (class and field, without the has-mask bit and length), for non-experimenter classes. */
const BY_HEADER = new Map<number, FieldDef>();
/**
 * The same for the classes decoders meet most (NXM_0, NXM_1, OPENFLOW_BASIC, PACKET_REGS), as an array
 * indexed by {@link headerSlot}: no hashing per decoded field.
 */
const BY_HEADER_SLOT: (FieldDef | undefined)[] = new Array<FieldDef | undefined>(4 * 128).fill(undefined);
/** Experimenter-class (0xffff) fields by field number times 2^32 plus experimenter (see {@link experimenterKey}). */
const BY_EXPERIMENTER_HEADER = new Map<number, FieldDef>();

/** The index into {@link BY_HEADER_SLOT} of a header's class and field, or -1 for another class. */
function headerSlot(header: number): number {
  const cls = header >>> 16;
  const c = cls === 0x0000 ? 0 : cls === 0x0001 ? 1 : cls === 0x8000 ? 2 : cls === 0x8001 ? 3 : -1;
  return c < 0 ? -1 : (c << 7) | ((header >>> 9) & 0x7f);
}

function setByHeader(header: number, experimenter: number | undefined, f: FieldDef): void {
  if (experimenter === undefined || experimenter === 0) {
    BY_HEADER.set(header >>> 9, f);
    const slot = headerSlot(header);
    if (slot >= 0) BY_HEADER_SLOT[slot] = f;
  } else if (oxmClassOf(header) === OxmClass.EXPERIMENTER) BY_EXPERIMENTER_HEADER.set(experimenterKey(header, experimenter), f);
}

/** The key of an experimenter-class header (field number) and its experimenter id: one exact number, no string. */
function experimenterKey(header: number, experimenter: number): number {
  return ((header >>> 9) & 0x7f) * 0x1_0000_0000 + experimenter;
}

interface Def {
  name: string;
  aliases?: string[];
  nxm?: [cls: number, field: number, len?: number];
  oxm?: [cls: number, field: number, exp?: number];
  nxmName?: string;
  oxmName?: string;
  len: number;
  bits?: number;
  format: FieldFormat;
  /** Use the NXM header in matches/set_field for OF1.3 (fields without OXM). */
}

function def(d: Def): void {
  const oxm = d.oxm;
  const nxm = d.nxm;
  let header: number;
  let experimenter: number | undefined;
  if (oxm) {
    experimenter = oxm[2];
    header = oxmHeader(oxm[0], oxm[1], d.len + (experimenter !== undefined ? 4 : 0));
  } else if (nxm) {
    header = oxmHeader(nxm[0], nxm[1], d.len);
  } else throw new Error(`field ${d.name} has no header`);
  const nxHeader = nxm ? oxmHeader(nxm[0], nxm[1], nxm[2] ?? d.len) : header;
  const f: FieldDef = {
    name: d.name,
    aliases: d.aliases ?? [],
    nxmName: d.nxmName,
    oxmName: d.oxmName,
    header,
    experimenter,
    nxHeader,
    nxExperimenter: nxm ? undefined : experimenter,
    len: d.len,
    bits: d.bits ?? d.len * 8,
    format: d.format,
  };
  FIELDS.push(f);
  for (const n of [f.name, ...f.aliases, ...(f.nxmName ? [f.nxmName] : []), ...(f.oxmName ? [f.oxmName] : [])]) {
    BY_NAME.set(n.toLowerCase(), f);
  }
  setByHeader(header, experimenter, f);
  if (nxm) setByHeader(nxHeader, undefined, f);
}

const B = OxmClass.OPENFLOW_BASIC;
const N0 = OxmClass.NXM_0;
const N1 = OxmClass.NXM_1;

// OpenFlow 1.3.5 §7.2.3.7 basic fields (with their NXM equivalents where OVS has one)
def({ name: "in_port", nxm: [N0, 0, 2], oxm: [B, 0], nxmName: "NXM_OF_IN_PORT", oxmName: "OXM_OF_IN_PORT", len: 4, format: "port", aliases: ["in_port_oxm"] });
def({ name: "in_phy_port", oxm: [B, 1], oxmName: "OXM_OF_IN_PHY_PORT", len: 4, format: "port" });
def({ name: "metadata", oxm: [B, 2], oxmName: "OXM_OF_METADATA", len: 8, format: "hex" });
def({ name: "dl_dst", nxm: [N0, 1], oxm: [B, 3], nxmName: "NXM_OF_ETH_DST", oxmName: "OXM_OF_ETH_DST", len: 6, format: "mac", aliases: ["eth_dst"] });
def({ name: "dl_src", nxm: [N0, 2], oxm: [B, 4], nxmName: "NXM_OF_ETH_SRC", oxmName: "OXM_OF_ETH_SRC", len: 6, format: "mac", aliases: ["eth_src"] });
def({ name: "dl_type", nxm: [N0, 3], oxm: [B, 5], nxmName: "NXM_OF_ETH_TYPE", oxmName: "OXM_OF_ETH_TYPE", len: 2, format: "ethertype", aliases: ["eth_type"] });
def({ name: "vlan_vid", oxm: [B, 6], oxmName: "OXM_OF_VLAN_VID", len: 2, bits: 13, format: "vlan_vid" });
def({ name: "vlan_pcp", oxm: [B, 7], oxmName: "OXM_OF_VLAN_PCP", len: 1, bits: 3, format: "dec", aliases: ["dl_vlan_pcp"] });
def({ name: "ip_dscp", oxm: [B, 8], oxmName: "OXM_OF_IP_DSCP", len: 1, bits: 6, format: "dec" });
def({ name: "nw_ecn", nxm: [N1, 28], oxm: [B, 9], nxmName: "NXM_NX_IP_ECN", oxmName: "OXM_OF_IP_ECN", len: 1, bits: 2, format: "dec", aliases: ["ip_ecn"] });
def({ name: "nw_proto", nxm: [N0, 6], oxm: [B, 10], nxmName: "NXM_OF_IP_PROTO", oxmName: "OXM_OF_IP_PROTO", len: 1, format: "dec", aliases: ["ip_proto"] });
def({ name: "nw_src", nxm: [N0, 7], oxm: [B, 11], nxmName: "NXM_OF_IP_SRC", oxmName: "OXM_OF_IPV4_SRC", len: 4, format: "ipv4", aliases: ["ip_src"] });
def({ name: "nw_dst", nxm: [N0, 8], oxm: [B, 12], nxmName: "NXM_OF_IP_DST", oxmName: "OXM_OF_IPV4_DST", len: 4, format: "ipv4", aliases: ["ip_dst"] });
def({ name: "tcp_src", nxm: [N0, 9], oxm: [B, 13], nxmName: "NXM_OF_TCP_SRC", oxmName: "OXM_OF_TCP_SRC", len: 2, format: "dec", aliases: ["tp_src"] });
def({ name: "tcp_dst", nxm: [N0, 10], oxm: [B, 14], nxmName: "NXM_OF_TCP_DST", oxmName: "OXM_OF_TCP_DST", len: 2, format: "dec", aliases: ["tp_dst"] });
def({ name: "udp_src", nxm: [N0, 11], oxm: [B, 15], nxmName: "NXM_OF_UDP_SRC", oxmName: "OXM_OF_UDP_SRC", len: 2, format: "dec" });
def({ name: "udp_dst", nxm: [N0, 12], oxm: [B, 16], nxmName: "NXM_OF_UDP_DST", oxmName: "OXM_OF_UDP_DST", len: 2, format: "dec" });
def({ name: "sctp_src", oxm: [B, 17], oxmName: "OXM_OF_SCTP_SRC", len: 2, format: "dec" });
def({ name: "sctp_dst", oxm: [B, 18], oxmName: "OXM_OF_SCTP_DST", len: 2, format: "dec" });
def({ name: "icmp_type", nxm: [N0, 13], oxm: [B, 19], nxmName: "NXM_OF_ICMP_TYPE", oxmName: "OXM_OF_ICMPV4_TYPE", len: 1, format: "dec" });
def({ name: "icmp_code", nxm: [N0, 14], oxm: [B, 20], nxmName: "NXM_OF_ICMP_CODE", oxmName: "OXM_OF_ICMPV4_CODE", len: 1, format: "dec" });
def({ name: "arp_op", nxm: [N0, 15], oxm: [B, 21], nxmName: "NXM_OF_ARP_OP", oxmName: "OXM_OF_ARP_OP", len: 2, format: "dec" });
def({ name: "arp_spa", nxm: [N0, 16], oxm: [B, 22], nxmName: "NXM_OF_ARP_SPA", oxmName: "OXM_OF_ARP_SPA", len: 4, format: "ipv4" });
def({ name: "arp_tpa", nxm: [N0, 17], oxm: [B, 23], nxmName: "NXM_OF_ARP_TPA", oxmName: "OXM_OF_ARP_TPA", len: 4, format: "ipv4" });
def({ name: "arp_sha", nxm: [N1, 17], oxm: [B, 24], nxmName: "NXM_NX_ARP_SHA", oxmName: "OXM_OF_ARP_SHA", len: 6, format: "mac" });
def({ name: "arp_tha", nxm: [N1, 18], oxm: [B, 25], nxmName: "NXM_NX_ARP_THA", oxmName: "OXM_OF_ARP_THA", len: 6, format: "mac" });
def({ name: "ipv6_src", nxm: [N1, 19], oxm: [B, 26], nxmName: "NXM_NX_IPV6_SRC", oxmName: "OXM_OF_IPV6_SRC", len: 16, format: "ipv6" });
def({ name: "ipv6_dst", nxm: [N1, 20], oxm: [B, 27], nxmName: "NXM_NX_IPV6_DST", oxmName: "OXM_OF_IPV6_DST", len: 16, format: "ipv6" });
def({ name: "ipv6_label", nxm: [N1, 27], oxm: [B, 28], nxmName: "NXM_NX_IPV6_LABEL", oxmName: "OXM_OF_IPV6_FLABEL", len: 4, bits: 20, format: "label" });
def({ name: "icmpv6_type", nxm: [N1, 21], oxm: [B, 29], nxmName: "NXM_NX_ICMPV6_TYPE", oxmName: "OXM_OF_ICMPV6_TYPE", len: 1, format: "dec" });
def({ name: "icmpv6_code", nxm: [N1, 22], oxm: [B, 30], nxmName: "NXM_NX_ICMPV6_CODE", oxmName: "OXM_OF_ICMPV6_CODE", len: 1, format: "dec" });
def({ name: "nd_target", nxm: [N1, 23], oxm: [B, 31], nxmName: "NXM_NX_ND_TARGET", oxmName: "OXM_OF_IPV6_ND_TARGET", len: 16, format: "ipv6" });
def({ name: "nd_sll", nxm: [N1, 24], oxm: [B, 32], nxmName: "NXM_NX_ND_SLL", oxmName: "OXM_OF_IPV6_ND_SLL", len: 6, format: "mac" });
def({ name: "nd_tll", nxm: [N1, 25], oxm: [B, 33], nxmName: "NXM_NX_ND_TLL", oxmName: "OXM_OF_IPV6_ND_TLL", len: 6, format: "mac" });
def({ name: "mpls_label", oxm: [B, 34], oxmName: "OXM_OF_MPLS_LABEL", len: 4, bits: 20, format: "dec" });
def({ name: "mpls_tc", oxm: [B, 35], oxmName: "OXM_OF_MPLS_TC", len: 1, bits: 3, format: "dec" });
def({ name: "mpls_bos", oxm: [B, 36], oxmName: "OXM_OF_MPLS_BOS", len: 1, bits: 1, format: "dec" });
def({ name: "mpls_ttl", nxm: [N1, 30], nxmName: "NXM_NX_MPLS_TTL", len: 1, format: "dec" });
def({ name: "pbb_isid", oxm: [B, 37], oxmName: "OXM_OF_PBB_ISID", len: 3, format: "dec" });
def({ name: "tun_id", nxm: [N1, 16], oxm: [B, 38], nxmName: "NXM_NX_TUN_ID", oxmName: "OXM_OF_TUNNEL_ID", len: 8, format: "hex", aliases: ["tunnel_id"] });
def({ name: "ipv6_exthdr", oxm: [B, 39], oxmName: "OXM_OF_IPV6_EXTHDR", len: 2, bits: 9, format: "hex" });
def({ name: "packet_type", oxm: [B, 44], oxmName: "OXM_OF_PACKET_TYPE", len: 4, format: "packet_type" });
// Nicira extension fields
for (let i = 0; i < 16; i++) def({ name: `reg${i}`, nxm: [N1, i], nxmName: `NXM_NX_REG${i}`, len: 4, format: "hex" });
for (let i = 0; i < 8; i++) def({ name: `xreg${i}`, oxm: [OxmClass.PACKET_REGS, i], oxmName: `OXM_OF_PKT_REG${i}`, len: 8, format: "hex" });
for (let i = 0; i < 4; i++) def({ name: `xxreg${i}`, nxm: [N1, 111 + i], nxmName: `NXM_NX_XXREG${i}`, len: 16, format: "hex" });
def({ name: "nw_frag", nxm: [N1, 26], nxmName: "NXM_NX_IP_FRAG", len: 1, bits: 2, format: "frag", aliases: ["ip_frag"] });
def({ name: "nw_ttl", nxm: [N1, 29], nxmName: "NXM_NX_IP_TTL", len: 1, format: "dec", aliases: ["ip_ttl"] });
def({ name: "tun_src", nxm: [N1, 31], nxmName: "NXM_NX_TUN_IPV4_SRC", len: 4, format: "ipv4", aliases: ["tun_ipv4_src"] });
def({ name: "tun_dst", nxm: [N1, 32], nxmName: "NXM_NX_TUN_IPV4_DST", len: 4, format: "ipv4", aliases: ["tun_ipv4_dst"] });
def({ name: "pkt_mark", nxm: [N1, 33], nxmName: "NXM_NX_PKT_MARK", len: 4, format: "hex" });
def({ name: "tcp_flags", nxm: [N1, 34], oxm: [OxmClass.EXPERIMENTER, 42, ExperimenterId.ONF], nxmName: "NXM_NX_TCP_FLAGS", oxmName: "ONFOXM_ET_TCP_FLAGS", len: 2, bits: 12, format: "tcp_flags" });
def({ name: "dp_hash", nxm: [N1, 35], nxmName: "NXM_NX_DP_HASH", len: 4, format: "hex" });
// dp_hash also has an experimenter OXM header (NXOXM_ET_DP_HASH: field 0 of Nicira's experimenter class, since
// Open vSwitch 2.4); matches are written with the NXM header, and the experimenter one is known when decoding
setByHeader(oxmHeader(OxmClass.EXPERIMENTER, 0, 8), ExperimenterId.NICIRA, BY_NAME.get("dp_hash")!);
def({ name: "recirc_id", nxm: [N1, 36], nxmName: "NXM_NX_RECIRC_ID", len: 4, format: "hex" });
def({ name: "conj_id", nxm: [N1, 37], nxmName: "NXM_NX_CONJ_ID", len: 4, format: "dec" });
def({ name: "tun_gbp_id", nxm: [N1, 38], nxmName: "NXM_NX_TUN_GBP_ID", len: 2, format: "dec" });
def({ name: "tun_gbp_flags", nxm: [N1, 39], nxmName: "NXM_NX_TUN_GBP_FLAGS", len: 1, format: "hex" });
for (let i = 0; i < 64; i++) def({ name: `tun_metadata${i}`, nxm: [N1, 40 + i, 124], nxmName: `NXM_NX_TUN_METADATA${i}`, len: 124, format: "hex" });
def({ name: "tun_flags", nxm: [N1, 104], nxmName: "NXM_NX_TUN_FLAGS", len: 2, bits: 1, format: "tun_flags" });
def({ name: "ct_state", nxm: [N1, 105], nxmName: "NXM_NX_CT_STATE", len: 4, format: "ct_state" });
def({ name: "ct_zone", nxm: [N1, 106], nxmName: "NXM_NX_CT_ZONE", len: 2, format: "dec" });
def({ name: "ct_mark", nxm: [N1, 107], nxmName: "NXM_NX_CT_MARK", len: 4, format: "hex" });
def({ name: "ct_label", nxm: [N1, 108], nxmName: "NXM_NX_CT_LABEL", len: 16, format: "hex" });
def({ name: "tun_ipv6_src", nxm: [N1, 109], nxmName: "NXM_NX_TUN_IPV6_SRC", len: 16, format: "ipv6" });
def({ name: "tun_ipv6_dst", nxm: [N1, 110], nxmName: "NXM_NX_TUN_IPV6_DST", len: 16, format: "ipv6" });
def({ name: "ct_nw_proto", nxm: [N1, 119], nxmName: "NXM_NX_CT_NW_PROTO", len: 1, format: "dec" });
def({ name: "ct_nw_src", nxm: [N1, 120], nxmName: "NXM_NX_CT_NW_SRC", len: 4, format: "ipv4" });
def({ name: "ct_nw_dst", nxm: [N1, 121], nxmName: "NXM_NX_CT_NW_DST", len: 4, format: "ipv4" });
def({ name: "ct_ipv6_src", nxm: [N1, 122], nxmName: "NXM_NX_CT_IPV6_SRC", len: 16, format: "ipv6" });
def({ name: "ct_ipv6_dst", nxm: [N1, 123], nxmName: "NXM_NX_CT_IPV6_DST", len: 16, format: "ipv6" });
def({ name: "ct_tp_src", nxm: [N1, 124], nxmName: "NXM_NX_CT_TP_SRC", len: 2, format: "dec" });
def({ name: "ct_tp_dst", nxm: [N1, 125], nxmName: "NXM_NX_CT_TP_DST", len: 2, format: "dec" });
def({ name: "actset_output", oxm: [OxmClass.EXPERIMENTER, 43, ExperimenterId.ONF], oxmName: "ONFOXM_ET_ACTSET_OUTPUT", len: 4, format: "port" });
// ERSPAN and GTP-U tunnel metadata: Nicira experimenter OXM fields only (NXOXM_ET_*, meta-flow.h; no NXM header)
const NX_ET = (field: number): [number, number, number] => [OxmClass.EXPERIMENTER, field, ExperimenterId.NICIRA];
def({ name: "tun_erspan_idx", oxm: NX_ET(11), oxmName: "NXOXM_ET_ERSPAN_IDX", len: 4, bits: 20, format: "hex" });
def({ name: "tun_erspan_ver", oxm: NX_ET(12), oxmName: "NXOXM_ET_ERSPAN_VER", len: 1, bits: 4, format: "dec" });
def({ name: "tun_erspan_dir", oxm: NX_ET(13), oxmName: "NXOXM_ET_ERSPAN_DIR", len: 1, bits: 1, format: "dec" });
def({ name: "tun_erspan_hwid", oxm: NX_ET(14), oxmName: "NXOXM_ET_ERSPAN_HWID", len: 1, bits: 6, format: "hex" });
def({ name: "tun_gtpu_flags", oxm: NX_ET(15), oxmName: "NXOXM_ET_GTPU_FLAGS", len: 1, format: "hex" });
def({ name: "tun_gtpu_msgtype", oxm: NX_ET(16), oxmName: "NXOXM_ET_GTPU_MSGTYPE", len: 1, format: "dec" });
// Network Service Header (NXOXM_NSH_*, meta-flow.h): experimenter OXM fields of the NSH class
const NSH = (field: number): [number, number, number] => [OxmClass.EXPERIMENTER, field, ExperimenterId.NXOXM_NSH];
def({ name: "nsh_flags", oxm: NSH(1), oxmName: "NXOXM_NSH_FLAGS", len: 1, format: "dec" });
def({ name: "nsh_mdtype", oxm: NSH(2), oxmName: "NXOXM_NSH_MDTYPE", len: 1, format: "dec" });
def({ name: "nsh_np", oxm: NSH(3), oxmName: "NXOXM_NSH_NP", len: 1, format: "dec" });
def({ name: "nsh_spi", aliases: ["nsp"], oxm: NSH(4), oxmName: "NXOXM_NSH_SPI", len: 4, bits: 24, format: "hex" });
def({ name: "nsh_si", aliases: ["nsi"], oxm: NSH(5), oxmName: "NXOXM_NSH_SI", len: 1, format: "dec" });
for (let i = 1; i <= 4; i++) def({ name: `nsh_c${i}`, aliases: [`nshc${i}`], oxm: NSH(5 + i), oxmName: `NXOXM_NSH_C${i}`, len: 4, format: "hex" });
def({ name: "nsh_ttl", oxm: NSH(10), oxmName: "NXOXM_NSH_TTL", len: 1, format: "dec" });
// NXM-only legacy fields that OVS still accepts in actions (vlan_tci, nw_tos)
def({ name: "vlan_tci", nxm: [N0, 4], nxmName: "NXM_OF_VLAN_TCI", len: 2, format: "hex" });
def({ name: "nw_tos", nxm: [N0, 5], nxmName: "NXM_OF_IP_TOS", len: 1, format: "dec" });

// OpenFlow 1.5's standard headers of two fields OpenFlow 1.3 carries as ONF experimenter OXM
// (OXM_OF_TCP_FLAGS(42), OXM_OF_ACTSET_OUTPUT(43) "since OF1.5" in meta-flow.h): known when decoding
const OF15_STANDARD = new Map<string, number>([
  ["tcp_flags", oxmHeader(OxmClass.OPENFLOW_BASIC, 42, 2)],
  ["actset_output", oxmHeader(OxmClass.OPENFLOW_BASIC, 43, 4)],
]);
for (const [name, header] of OF15_STANDARD) setByHeader(header, undefined, BY_NAME.get(name)!);

/**
 * One set_field entry as OpenFlow 1.5 writes it: `tcp_flags` and `actset_output` under their standard OpenFlow 1.5
 * headers instead of the ONF experimenter ones (others as they are).
 */
export function of15Header(f: MatchField): MatchField {
  const header = f.experimenter === ExperimenterId.ONF ? OF15_STANDARD.get(f.field) : undefined;
  if (header === undefined) return f;
  return { field: f.field, header: ((header & ~0xff) | f.value.length) >>> 0, experimenter: undefined, value: f.value, mask: f.mask };
}

/** The OpenFlow 1.5 standard header (`OXM_OF_TCP_FLAGS`, `OXM_OF_ACTSET_OUTPUT`) of a field OpenFlow 1.3 carries as ONF experimenter OXM; undefined for the others. */
export function of15StandardHeader(name: string): number | undefined {
  return OF15_STANDARD.get(name);
}

// The fields whose OXM header is "since OF1.3" in meta-flow.h but that have an NXM header too (OXM_OF_TUNNEL_ID,
// ONFOXM_ET_TCP_FLAGS): Open vSwitch's mf_oxm_header() gives OpenFlow 1.1 and 1.2 the NXM one
const OF13_OXM = new Set<string>(["tun_id", "tcp_flags"]);

/**
 * A match (or set_field entry) as OpenFlow 1.1 and 1.2 write it: `tun_id` and `tcp_flags`, whose OXM
 * headers came with OpenFlow 1.3, under their NXM headers (Open vSwitch's mf_oxm_header() for those
 * versions); the same array when neither is there.
 */
export function withOf12Headers(match: readonly MatchField[]): readonly MatchField[] {
  let out: MatchField[] | undefined;
  for (let i = 0; i < match.length; i++) {
    const f = match[i]!;
    if (!OF13_OXM.has(f.field)) continue;
    out ??= match.slice();
    out[i] = of12Header(f);
  }
  return out ?? match;
}

/** One entry of {@link withOf12Headers}: `tun_id` or `tcp_flags` under its NXM header (others as they are). */
export function of12Header(f: MatchField): MatchField {
  if (!OF13_OXM.has(f.field)) return f;
  const def = BY_NAME.get(f.field)!;
  return { field: f.field, header: ((def.nxHeader & ~0xff) | f.value.length) >>> 0, experimenter: undefined, value: f.value, mask: f.mask };
}

/**
 * The header (and experimenter) naming a field in an OpenFlow 1.5 action (`copy_field`), as Open vSwitch's
 * mf_oxm_header() picks it for OpenFlow 1.5: the newest the version has (`OXM_OF_ETH_SRC`, not
 * `NXM_OF_ETH_SRC`; `OXM_OF_TCP_FLAGS`), the NXM one for a field with no OXM (`NXM_NX_REG0`), and
 * `NXM_OF_IN_PORT` for the 16-bit `in_port` of Nicira actions; undefined for an unknown field.
 */
export function of15FieldHeader(name: string): { readonly header: number; readonly experimenter: number | undefined } | undefined {
  const def = BY_NAME.get(name);
  if (def === undefined) return undefined;
  if (def.name === "in_port") return { header: def.nxHeader, experimenter: undefined };
  const std = OF15_STANDARD.get(def.name);
  if (std !== undefined) return { header: std, experimenter: undefined };
  return { header: def.header, experimenter: def.experimenter };
}

/** The 32-bit registers by name, with their index (reg0 .. reg15). */
const REG_INDEX = new Map<string, number>(Array.from({ length: 16 }, (_, i) => [`reg${i}`, i] as const));

/**
 * A match as OpenFlow 1.5 writes it (nx_put_raw() for OpenFlow 1.5): `tcp_flags` and `actset_output` under
 * their standard OpenFlow 1.5 headers instead of the ONF experimenter ones of OpenFlow 1.3 (as Open vSwitch
 * picks the newest header a version has), and the 32-bit registers as the 64-bit packet registers
 * (`OXM_OF_PKT_REGn`: `reg2n` the high half of `xregn`, `reg2n+1` the low one); the same array when none
 * of these is there.
 */
export function withOf15Headers(match: readonly MatchField[]): readonly MatchField[] {
  let out: MatchField[] | undefined;
  let regs: (MatchField | undefined)[] | undefined;
  for (let i = 0; i < match.length; i++) {
    const f = match[i]!;
    const reg = REG_INDEX.get(f.field);
    if (reg !== undefined && f.value.length === 4 && (!f.mask || f.mask.length === 4)) {
      (regs ??= [])[reg] = f;
      continue;
    }
    const header = f.experimenter === ExperimenterId.ONF ? OF15_STANDARD.get(f.field) : undefined;
    if (header === undefined) continue;
    out ??= match.slice();
    out[i] = { field: f.field, header: ((header & ~0xff) | f.value.length) >>> 0, experimenter: undefined, value: f.value, mask: f.mask };
  }
  if (regs === undefined) return out ?? match;
  const kept = (out ?? match).filter((f) => !(REG_INDEX.has(f.field) && regs[REG_INDEX.get(f.field)!] === f));
  for (let x = 0; x < 8; x++) {
    const hi = regs[2 * x];
    const lo = regs[2 * x + 1];
    if (!hi && !lo) continue;
    const value = new Uint8Array(8);
    const mask = new Uint8Array(8);
    for (const [r, at] of [[hi, 0], [lo, 4]] as const) {
      if (!r) continue;
      for (let k = 0; k < 4; k++) {
        value[at + k] = r.value[k]!;
        mask[at + k] = r.mask ? r.mask[k]! : 0xff;
      }
    }
    kept.push(matchField(`xreg${x}`, value, mask.every((b) => b === 0xff) ? undefined : mask));
  }
  return kept;
}

/** Every known field. */
export const FIELD_DEFS: readonly FieldDef[] = FIELDS;

/**
 * Width in bits of a field as named inside Nicira actions and subfields, Open vSwitch's `n_bits` of the field
 * (NXM_OF_IN_PORT is 16 bits, tun_metadata 992; a field narrower than its header, its meaningful width:
 * NXM_NX_IP_ECN 2, NXM_NX_TCP_FLAGS 12, `nsh_spi` 24; OXM_OF_VLAN_VID the 12 bits of the VID).
 */
export function nxWidth(f: FieldDef): number {
  if (f.nxExperimenter !== undefined) return f.bits;
  if (f.name === "vlan_vid") return 12;
  const header = oxmLength(f.nxHeader) * 8;
  return f.bits < header ? f.bits : header;
}

/** Looks a field up by name, alias, NXM name or OXM name (case-insensitive). */
export function fieldByName(name: string): FieldDef | undefined {
  // the keys are lower case: a name found as it is needs no lower-cased copy
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

/** Looks a field up by wire header (has-mask bit and length ignored) and experimenter. */
export function fieldByHeader(header: number, experimenter?: number): FieldDef | undefined {
  if (oxmClassOf(header) !== OxmClass.EXPERIMENTER || experimenter === undefined || experimenter === 0) {
    const slot = headerSlot(header);
    return slot >= 0 ? BY_HEADER_SLOT[slot] : BY_HEADER.get(header >>> 9);
  }
  return BY_EXPERIMENTER_HEADER.get(experimenterKey(header, experimenter));
}

/**
 * One OXM TLV of a match (or of a set_field action).
 *
 * Entries built by hand (object literals) and by {@link matchField} carry {@link MatchField.value} and
 * {@link MatchField.mask} as bytes. Entries the decoder returns and those {@link matchFieldNum} builds also
 * carry the value and mask of a field of at most 6 bytes (48 bits: every field up to a MAC address, exact
 * in a double) as numbers, {@link MatchField.num} and {@link MatchField.maskNum}, and make the byte views
 * only when `value` or `mask` is first read ({@link fieldNum} and {@link fieldMaskNum} read either kind). Copy an entry with its `value` and `mask` named, not with a spread
 * (`{ ...f }` copies the numbers but not the bytes).
 */
export interface MatchField {
  /** Field name from {@link FIELD_DEFS}, or `"unknown"` for headers we do not know. */
  readonly field: string;
  /** Wire header without the has-mask bit (length is the value length, plus 4 for experimenter headers). */
  readonly header: number;
  /** Experimenter ID for class 0xffff headers. */
  readonly experimenter?: number | undefined;
  /** Value, network byte order. */
  readonly value: Uint8Array;
  /** Mask, network byte order, same length as value; absent = exact match. */
  readonly mask?: Uint8Array | undefined;
  /**
   * The value as an unsigned number (big-endian), when it is at most {@link NUM_MAX_BYTES} bytes and the
   * entry carries it (decoded entries and {@link matchFieldNum}'s do); undefined otherwise: read
   * {@link MatchField.value}, or use {@link fieldNum}.
   */
  readonly num?: number | undefined;
  /** The mask as a number, as {@link MatchField.num}; undefined for an exact match (no mask) or a wider field. */
  readonly maskNum?: number | undefined;
}

/** The widest value (in bytes) a {@link MatchField} carries as a number: 6 (48 bits, exact in a double). */
export const NUM_MAX_BYTES = 6;

/** Big-endian bytes `b[at .. at+len)` (len at most {@link NUM_MAX_BYTES}) as an unsigned number. */
function readNum(b: Uint8Array, at: number, len: number): number {
  switch (len) {
    case 1:
      return b[at]!;
    case 2:
      return (b[at]! << 8) | b[at + 1]!;
    case 4:
      return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    case 6:
      return ((b[at]! << 8) | b[at + 1]!) * 0x1_0000_0000 + (((b[at + 2]! << 24) | (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!) >>> 0);
    default: {
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + b[at + i]!;
      return v;
    }
  }
}

/** Writes `v` as `len` big-endian bytes at `b[at]`. */
function writeNum(b: Uint8Array, at: number, len: number, v: number): void {
  let lo = v % 0x1_0000_0000;
  let hi = (v - lo) / 0x1_0000_0000;
  for (let i = len - 1; i >= 0; i--) {
    b[at + i] = lo & 0xff;
    lo = lo >>> 8 | (hi & 0xff) << 24;
    hi = hi >>> 8;
  }
}

/**
 * A {@link MatchField} as the decoder and the builders make it: the numbers of a narrow value and mask as
 * properties, the bytes (of the message it was decoded from, or made from the numbers) only when asked for.
 */
class OxmEntry implements MatchField {
  // (declared, and set by the constructor only: no initializer defining them first)
  declare readonly field: string;
  declare readonly header: number;
  declare readonly experimenter: number | undefined;
  declare readonly num: number | undefined;
  declare readonly maskNum: number | undefined;
  /** The bytes holding the value (then the mask), or undefined when the entry was built from its numbers. */
  #bytes: Uint8Array | undefined;
  #at: number;
  #len: number;
  #masked: boolean;
  /** The views made of the value and the mask, once read. */
  #value: Uint8Array | undefined;
  #mask: Uint8Array | undefined;

  constructor(field: string, header: number, experimenter: number | undefined, bytes: Uint8Array | undefined, at: number, len: number, masked: boolean, num: number | undefined, maskNum: number | undefined) {
    this.field = field;
    this.header = header;
    this.experimenter = experimenter;
    this.num = num;
    this.maskNum = maskNum;
    this.#bytes = bytes;
    this.#at = at;
    this.#len = len;
    this.#masked = masked;
    this.#value = undefined;
    this.#mask = undefined;
  }

  /** Value, network byte order (a view of the decoded message, made on first read). */
  get value(): Uint8Array {
    let v = this.#value;
    if (v === undefined) {
      const b = this.#bytes;
      if (b !== undefined) v = b.subarray(this.#at, this.#at + this.#len);
      else writeNum((v = new Uint8Array(this.#len)), 0, this.#len, this.num!);
      this.#value = v;
    }
    return v;
  }

  /** Mask, network byte order, or undefined for an exact match. */
  get mask(): Uint8Array | undefined {
    if (!this.#masked) return undefined;
    let m = this.#mask;
    if (m === undefined) {
      const b = this.#bytes;
      if (b !== undefined) m = b.subarray(this.#at + this.#len, this.#at + 2 * this.#len);
      else writeNum((m = new Uint8Array(this.#len)), 0, this.#len, this.maskNum!);
      this.#mask = m;
    }
    return m;
  }

  /** Writes the value (then the mask, when there is one) at `out[q]`, without making their views. */
  putValueAndMask(out: Uint8Array, q: number): void {
    const n = this.#len;
    const b = this.#bytes;
    const total = this.#masked ? 2 * n : n;
    if (b !== undefined) {
      const at = this.#at;
      for (let i = 0; i < total; i++) out[q + i] = b[at + i]!;
    } else {
      writeNum(out, q, n, this.num!);
      if (this.#masked) writeNum(out, q + n, n, this.maskNum!);
    }
  }

  /** Whether the value has a bit set outside the mask (false without a mask), read where the bytes are (no views made). */
  valueOutsideMask(): boolean {
    if (!this.#masked) return false;
    const n = this.#len;
    const b = this.#bytes;
    if (b === undefined) return outsideNum(this.num!, this.maskNum!);
    const at = this.#at;
    for (let i = 0; i < n; i++) if (b[at + i]! & ~b[at + n + i]!) return true;
    return false;
  }

  /** The value's length in bytes. */
  get valueLength(): number {
    return this.#len;
  }

  /** Whether the entry has a mask (without making its view). */
  get masked(): boolean {
    return this.#masked;
  }
}

/** A decoded entry over `b[at ..]`: `len` value bytes, then as many mask bytes when `masked`. */
function wireEntry(field: string, header: number, experimenter: number | undefined, b: Uint8Array, at: number, len: number, masked: boolean): MatchField {
  const narrow = len <= NUM_MAX_BYTES;
  return new OxmEntry(field, header, experimenter, b, at, len, masked, narrow ? readNum(b, at, len) : undefined, narrow && masked ? readNum(b, at + len, len) : undefined);
}

/**
 * A field's value as a number: {@link MatchField.num} when the entry carries it, else its (low, at most 6)
 * value bytes read big-endian.
 */
export function fieldNum(f: MatchField): number {
  const n = f.num;
  if (n !== undefined && f instanceof OxmEntry) return n;
  const v = f.value;
  const k = Math.min(v.length, NUM_MAX_BYTES);
  return readNum(v, v.length - k, k);
}

/**
 * A field's mask as a number ({@link MatchField.maskNum} when the entry carries it, else its low, at most 6,
 * mask bytes), or undefined for an exact match.
 */
export function fieldMaskNum(f: MatchField): number | undefined {
  if (f instanceof OxmEntry) {
    if (!f.masked) return undefined;
    if (f.maskNum !== undefined) return f.maskNum;
  }
  const m = f.mask;
  if (m === undefined) return undefined;
  const k = Math.min(m.length, NUM_MAX_BYTES);
  return readNum(m, m.length - k, k);
}

/** The value length in bytes of an entry, without making its value's view. */
export function fieldValueLength(f: MatchField): number {
  return f instanceof OxmEntry ? f.valueLength : f.value.length;
}

/** Whether the value `v` has a bit outside the mask `m` (numbers of at most 48 bits; the high 16 apart, as bitwise operators take 32). */
function outsideNum(v: number, m: number): boolean {
  if (v <= 0xffffffff && m <= 0xffffffff) return (v & ~m) !== 0;
  const vh = Math.floor(v / 0x1_0000_0000);
  const mh = Math.floor(m / 0x1_0000_0000);
  return (vh & ~mh) !== 0 || ((v >>> 0) & ~(m >>> 0)) !== 0;
}

/**
 * Whether a masked entry's value has a bit set outside its mask (false for an exact match): from the
 * numbers an entry of at most {@link NUM_MAX_BYTES} bytes carries, from the bytes of the message a wider
 * decoded entry was read from (no views made), else from its `value` and `mask`.
 */
export function fieldValueOutsideMask(f: MatchField): boolean {
  if (f instanceof OxmEntry) {
    if (!f.masked) return false;
    if (f.num !== undefined) return outsideNum(f.num, f.maskNum!);
    return f.valueOutsideMask();
  }
  const m = f.mask;
  if (m === undefined) return false;
  const v = f.value;
  if (v.length <= NUM_MAX_BYTES) return outsideNum(fieldNum(f), fieldMaskNum(f)!);
  for (let k = 0; k < m.length; k++) if (v[k]! & ~m[k]!) return true;
  return false;
}

/** Whether an entry has a mask, without making the mask's view. */
export function fieldHasMask(f: MatchField): boolean {
  return f instanceof OxmEntry ? f.masked : f.mask !== undefined;
}

/** Creates a {@link MatchField} for a known field name (value and mask must have the field's length). */
export function matchField(name: string, value: Uint8Array, mask?: Uint8Array): MatchField {
  const f = fieldByName(name);
  if (!f) throw new EncodeError("openflow", name, "unknown field");
  const len = f.format === "hex" && f.name.startsWith("tun_metadata") ? value.length : f.len;
  if (value.length !== len || (mask && mask.length !== len)) throw new EncodeError("openflow", name, `value must be ${len} bytes`);
  const expLen = f.experimenter !== undefined ? 4 : 0;
  const header = ((f.header & ~0xff) | (len + expLen)) >>> 0;
  return { field: f.name, header, experimenter: f.experimenter, value, mask };
}

/**
 * Creates a {@link MatchField} for a known field of at most {@link NUM_MAX_BYTES} bytes from its value (and
 * mask) as numbers; the bytes are made only if read.
 * @throws EncodeError for an unknown or wider field, or a value or mask that does not fit its bytes.
 */
export function matchFieldNum(name: string, value: number, mask?: number): MatchField {
  const f = fieldByName(name);
  if (!f) throw new EncodeError("openflow", name, "unknown field");
  const len = f.len;
  if (len > NUM_MAX_BYTES || f.name.startsWith("tun_metadata")) throw new EncodeError("openflow", name, `a ${len}-byte field has no number form`);
  const max = 2 ** (8 * len);
  if (!Number.isInteger(value) || value < 0 || value >= max) throw new EncodeError("openflow", name, `value ${value} does not fit ${len} bytes`);
  if (mask !== undefined && (!Number.isInteger(mask) || mask < 0 || mask >= max)) throw new EncodeError("openflow", name, `mask ${mask} does not fit ${len} bytes`);
  const expLen = f.experimenter !== undefined ? 4 : 0;
  const header = ((f.header & ~0xff) | (len + expLen)) >>> 0;
  return new OxmEntry(f.name, header, f.experimenter, undefined, 0, len, mask !== undefined, value, mask);
}

/**
 * Decodes one OXM TLV at the reader's position. Returns the entry; unknown fields are kept raw.
 * @throws DecodeError on truncation or an impossible length.
 */
export function decodeOxm(r: Reader): MatchField {
  // the usual TLV (not of the experimenter class, whole): header, value and mask read by index
  const p = r.pos;
  const b = r.bytes;
  if (p + 4 <= r.end && b[p] !== 0xff) {
    const h = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    const len = h & 0xff;
    const hasMask = (h & 0x100) !== 0;
    if (p + 4 + len <= r.end && !(hasMask && len & 1)) {
      const vlen = hasMask ? len >>> 1 : len;
      const v = p + 4;
      r.pos = v + len;
      const slot = headerSlot(h);
      const f = slot >= 0 ? BY_HEADER_SLOT[slot] : BY_HEADER.get(h >>> 9);
      return wireEntry(f ? f.name : "unknown", ((h & 0xfffffe00) | vlen) >>> 0, undefined, b, v, vlen, hasMask);
    }
  }
  return decodeOxmChecked(r);
}

/** {@link decodeOxm} through the reader's checked reads: experimenter headers, and the errors of bad TLVs. */
function decodeOxmChecked(r: Reader): MatchField {
  const start = r.pos;
  const h = r.u32();
  const cls = oxmClassOf(h);
  let len = oxmLength(h);
  const hasMask = oxmHasMask(h);
  let experimenter: number | undefined;
  if (cls === OxmClass.EXPERIMENTER) {
    if (len < 4) r.fail(`experimenter OXM length ${len} < 4`, start);
    experimenter = r.u32();
    len -= 4;
  }
  if (hasMask && len % 2) r.fail(`masked OXM with odd length ${len}`, start);
  const vlen = hasMask ? len / 2 : len;
  const at = r.pos;
  r.skip(vlen, "OXM value");
  if (hasMask) r.skip(vlen, "OXM mask");
  const f = fieldByHeader(h, experimenter);
  const header = ((h & 0xfffffe00) | (vlen + (experimenter !== undefined ? 4 : 0))) >>> 0;
  return wireEntry(f ? f.name : "unknown", header, experimenter, r.bytes, at, vlen, hasMask);
}

/** Encodes one OXM TLV. */
export function encodeOxm(w: Writer, m: MatchField): void {
  // an entry of ours (decoded or built) writes its value and mask from where it keeps them (no views made)
  const own = m instanceof OxmEntry;
  const value = own ? undefined : m.value;
  const mask = own ? undefined : m.mask;
  const hasMask = own ? m.masked : mask !== undefined;
  const experimenter = m.experimenter;
  const vlen = own ? m.valueLength : value!.length;
  if (mask && mask.length !== vlen) throw new EncodeError("openflow", m.field, "mask length differs from value length");
  const len = (hasMask ? vlen * 2 : vlen) + (experimenter !== undefined ? 4 : 0);
  if (len > 255) throw new EncodeError("openflow", m.field, "OXM payload too long");
  if (experimenter !== undefined && experimenter >>> 0 !== experimenter) w.outOfRange(undefined, experimenter, 32);
  // header, experimenter, value and mask: one bounds check, then stored by index
  const h = ((m.header & 0xfffffe00) | (hasMask ? 0x100 : 0) | len) >>> 0;
  const p = w.pos;
  const b = w.room(4 + len);
  b[p] = h >>> 24;
  b[p + 1] = h >>> 16;
  b[p + 2] = h >>> 8;
  b[p + 3] = h;
  let q = p + 4;
  if (experimenter !== undefined) {
    b[q] = experimenter >>> 24;
    b[q + 1] = experimenter >>> 16;
    b[q + 2] = experimenter >>> 8;
    b[q + 3] = experimenter;
    q += 4;
  }
  if (own) m.putValueAndMask(b, q);
  else {
    for (let i = 0; i < vlen; i++) b[q + i] = value![i]!;
    q += vlen;
    if (mask) for (let i = 0; i < vlen; i++) b[q + i] = mask[i]!;
  }
  w.pos = p + 4 + len;
}

/** Match type `OFPMT_OXM` (OpenFlow 1.3.5 §7.2.3.1). */
export const OFPMT_OXM = 1;

/**
 * Decodes an `ofp_match` (type, length, OXM TLVs, padding to 8) at the reader's position.
 * @throws DecodeError for a non-OXM type, bad length, or malformed TLVs.
 */
export function decodeMatch(r: Reader): MatchField[] {
  // the usual whole match (OXM, its TLVs and padding inside the bound): its header read by index after one
  // bounds check, in few bytecodes, so that V8 inlines this and decodeOxm() into the flow_mod decoder
  // (the Reader's checked reads cost it its inlining budget); anything else through decodeMatchChecked()
  const start = r.pos;
  const end = r.end;
  if (start + 4 <= end) {
    const b = r.bytes;
    const length = (b[start + 2]! << 8) | b[start + 3]!;
    if (((b[start]! << 8) | b[start + 1]!) === OFPMT_OXM && length >= 4 && start + ((length + 7) & ~7) <= end) {
      const bodyEnd = start + length;
      r.pos = start + 4;
      r.end = bodyEnd;
      // an array of its exact length for none or one entry (see decodeActions() in actions-decode.ts)
      let out: MatchField[];
      if (r.pos >= bodyEnd) out = [];
      else {
        if (bodyEnd - r.pos < 4) r.fail("trailing bytes in match");
        out = [decodeOxm(r)];
        while (r.pos < bodyEnd) {
          if (bodyEnd - r.pos < 4) r.fail("trailing bytes in match");
          out.push(decodeOxm(r));
        }
      }
      r.end = end;
      r.pos = start + ((length + 7) & ~7);
      return out;
    }
  }
  return decodeMatchChecked(r);
}

/** {@link decodeMatch} through the reader's checked reads, which name what is short or wrong. */
function decodeMatchChecked(r: Reader): MatchField[] {
  const start = r.pos;
  const type = r.u16();
  const length = r.u16();
  if (type !== OFPMT_OXM) r.fail(`unsupported match type ${type}`, start);
  if (length < 4) r.fail(`match length ${length} < 4`, start + 2);
  // the TLVs and the padding are checked first, then the TLVs read in place (the reader narrowed to them)
  const at = r.pos;
  r.skip(length - 4, "match");
  const bodyEnd = r.pos;
  const padded = (length + 7) & ~7;
  r.skip(padded - length);
  const after = r.pos;
  const saved = r.end;
  r.pos = at;
  r.end = bodyEnd;
  const out: MatchField[] = [];
  while (r.pos < bodyEnd) {
    if (bodyEnd - r.pos < 4) r.fail("trailing bytes in match");
    out.push(decodeOxm(r));
  }
  r.end = saved;
  r.pos = after;
  return out;
}

/**
 * Encodes an `ofp_match` with OXM TLVs, length reserved and filled afterwards, padded to 8; the entries in
 * the order of the indexes in `order` when given (its first `fields.length`), else as listed.
 */
export function encodeMatch(w: Writer, fields: readonly MatchField[], order?: Int32Array): void {
  const start = w.pos;
  // type and length (patched below) stored by index (room asked for in the steps the field writes took:
  // a Writer out of room names the same size)
  w.room(2);
  let b = w.room(4);
  b[start] = OFPMT_OXM >>> 8;
  b[start + 1] = OFPMT_OXM;
  w.pos = start + 4;
  if (order === undefined) for (let i = 0; i < fields.length; i++) encodeOxm(w, fields[i]!);
  else for (let i = 0; i < fields.length; i++) encodeOxm(w, fields[order[i]!]!);
  const end = w.pos;
  const len = end - start;
  if (len > 0xffff) w.outOfRange("length", len, 16);
  // the padding to 8 bytes, zeroed by index
  const padded = (len + 7) & ~7;
  b = w.room(padded - len);
  b[start + 2] = len >>> 8;
  b[start + 3] = len;
  for (let i = end; i < start + padded; i++) b[i] = 0;
  w.pos = start + padded;
}

