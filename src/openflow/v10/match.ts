/**
 * OpenFlow 1.0 `ofp_match` (OpenFlow 1.0.0 §5.2.3): a fixed 40-byte structure with a wildcard bitmap,
 * converted to and from the version-independent {@link MatchField} list the rest of the codec uses
 * (as Open vSwitch's ofputil_match_from_ofp10_match() / ofputil_match_to_ofp10_match() do).
 *
 * @module
 */
import { EncodeError } from "../../bytes/encode-error.js";
import { Reader } from "../../bytes/reader.js";
import { Writer } from "../../bytes/writer.js";
import { bigToBytes, bytesToBig } from "../../bytes/hex.js";
import { type MatchField, matchField } from "../oxm.js";
import { port16to32, port32to16 } from "../ports.js";

/** Size of `ofp_match` in OpenFlow 1.0. */
export const OFP10_MATCH_LEN = 40;

/** OpenFlow 1.0 wildcard bits (`ofp_flow_wildcards`). */
export const Ofp10Wildcards = {
  IN_PORT: 1 << 0,
  DL_VLAN: 1 << 1,
  DL_SRC: 1 << 2,
  DL_DST: 1 << 3,
  DL_TYPE: 1 << 4,
  NW_PROTO: 1 << 5,
  TP_SRC: 1 << 6,
  TP_DST: 1 << 7,
  NW_SRC_SHIFT: 8,
  NW_DST_SHIFT: 14,
  DL_VLAN_PCP: 1 << 20,
  NW_TOS: 1 << 21,
  ALL: (1 << 22) - 1,
} as const;

/** `dl_vlan` value meaning "no 802.1Q header" (OFP_VLAN_NONE). */
const OFP10_VLAN_NONE = 0xffff;

const W = Ofp10Wildcards;

/** An IPv4 netmask from a wildcard bit count (0 = exact, 32 or more = any). */
function wcbitsToMask(bits: number): number {
  bits &= 0x3f;
  return bits >= 32 ? 0 : (0xffffffff << bits) >>> 0;
}

/** The wildcard bit count of a CIDR netmask, or undefined for a mask that is not a prefix. */
function maskToWcbits(mask: number): number | undefined {
  for (let bits = 0; bits <= 32; bits++) if (wcbitsToMask(bits) === mask >>> 0) return bits;
  return undefined;
}


const u8 = (v: number) => Uint8Array.of(v & 0xff);
const u16 = (v: number) => Uint8Array.of((v >> 8) & 0xff, v & 0xff);
const u32 = (v: number) => bigToBytes(BigInt(v >>> 0), 4);

/** Transport field names by IP protocol (OVS keeps tp_src/tp_dst in one place whatever the protocol). */
function l4Names(dlType: number | undefined, proto: number | undefined): [string, string] {
  if (dlType === 0x0800 && proto === 1) return ["icmp_type", "icmp_code"];
  if (dlType === 0x86dd && proto === 58) return ["icmpv6_type", "icmpv6_code"];
  if (proto === 17) return ["udp_src", "udp_dst"];
  if (proto === 132) return ["sctp_src", "sctp_dst"];
  return ["tcp_src", "tcp_dst"];
}

/**
 * Decodes an OpenFlow 1.0 `ofp_match` at the reader's position into match fields.
 * @throws DecodeError when fewer than 40 bytes remain
 */
export function decodeOf10Match(r: Reader): MatchField[] {
  r.need(OFP10_MATCH_LEN, "ofp10_match");
  const wc = r.u32() & W.ALL;
  const inPort = r.u16();
  const dlSrc = r.take(6);
  const dlDst = r.take(6);
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  let dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  r.skip(2);
  const nwSrc = r.u32();
  const nwDst = r.u32();
  const tpSrc = r.u16();
  const tpDst = r.u16();
  const out: MatchField[] = [];
  if (!(wc & W.IN_PORT)) out.push(matchField("in_port", u32(port16to32(inPort))));
  if (!(wc & W.DL_SRC)) out.push(matchField("dl_src", dlSrc));
  if (!(wc & W.DL_DST)) out.push(matchField("dl_dst", dlDst));
  // VLAN: the TCI value and mask as Open vSwitch builds them, then as vlan_vid (VID + CFI) and vlan_pcp
  let tciMask = 0;
  let tci = 0;
  if (!(wc & W.DL_VLAN) && dlVlan === OFP10_VLAN_NONE) {
    tciMask = 0xffff;
    tci = 0;
  } else {
    if (!(wc & W.DL_VLAN_PCP)) tciMask |= 0xf000;
    if (!(wc & W.DL_VLAN)) tciMask |= 0x1fff;
    tci = ((dlVlan & 0xfff) | ((dlVlanPcp << 13) & 0xe000) | 0x1000) & tciMask;
  }
  out.push(...tciFields(tci, tciMask));
  if (!(wc & W.DL_TYPE)) {
    out.push(matchField("dl_type", u16(dlType)));
  }
  const dl = wc & W.DL_TYPE ? undefined : dlType;
  const arp = dl === 0x0806 || dl === 0x8035;
  const srcMask = wcbitsToMask(wc >>> W.NW_SRC_SHIFT);
  const dstMask = wcbitsToMask(wc >>> W.NW_DST_SHIFT);
  const ip = (name: string, v: number, m: number) => {
    if (m) out.push(matchField(name, u32(v & m), m === 0xffffffff ? undefined : u32(m)));
  };
  ip(arp ? "arp_spa" : "nw_src", nwSrc, srcMask);
  ip(arp ? "arp_tpa" : "nw_dst", nwDst, dstMask);
  if (!(wc & W.NW_PROTO)) out.push(arp ? matchField("arp_op", u16(nwProto)) : matchField("nw_proto", u8(nwProto)));
  if (!(wc & W.NW_TOS)) out.push(matchField("ip_dscp", u8((nwTos & 0xfc) >> 2)));
  const proto = wc & W.NW_PROTO ? undefined : nwProto;
  const [srcName, dstName] = l4Names(dl, proto);
  const icmp = srcName.startsWith("icmp");
  if (!(wc & W.TP_SRC)) out.push(icmp ? matchField(srcName, u8(tpSrc)) : matchField(srcName, u16(tpSrc)));
  if (!(wc & W.TP_DST)) out.push(icmp ? matchField(dstName, u8(tpDst)) : matchField(dstName, u16(tpDst)));
  return out;
}

/**
 * The match fields for an 802.1Q TCI value and mask: `vlan_vid` (VID and CFI bits) and `vlan_pcp` when the
 * mask covers the whole PCP, `vlan_tci` (NXM_OF_VLAN_TCI) for any other mask.
 */
export function tciFields(tci: number, mask: number): MatchField[] {
  if (!mask) return [];
  const pcpMask = mask & 0xe000;
  if (pcpMask !== 0 && pcpMask !== 0xe000) {
    return [matchField("vlan_tci", u16(tci & mask), mask === 0xffff ? undefined : u16(mask))];
  }
  const out: MatchField[] = [];
  const vm = mask & 0x1fff;
  if (vm) out.push(matchField("vlan_vid", u16(tci & vm), vm === 0x1fff ? undefined : u16(vm)));
  if (pcpMask) out.push(matchField("vlan_pcp", u8((tci >> 13) & 7)));
  return out;
}

/**
 * The VLAN fields OXM carries for `match`, as Open vSwitch's nx_put_raw() writes them for OXM: the VID and
 * CFI bits under their mask, the PCP (exact) only when the VID/CFI value is not zero, nothing for the rest
 * of the TCI (a raw `vlan_tci` with a partial PCP mask has no OXM form). Other fields are kept in order;
 * without `vlan_pcp` or `vlan_tci` the match is returned as it is.
 */
export function oxmVlanFields(match: readonly MatchField[]): readonly MatchField[] {
  const at = match.findIndex((f) => f.field === "vlan_pcp" || f.field === "vlan_tci");
  if (at < 0) return match;
  const { tci, mask } = tciOf(match);
  const isVlan = (f: MatchField) => f.field === "vlan_vid" || f.field === "vlan_pcp" || f.field === "vlan_tci";
  const first = match.findIndex(isVlan);
  const vlan: MatchField[] = [];
  const vm = mask & 0x1fff;
  const vid = tci & vm;
  if (vm) vlan.push(matchField("vlan_vid", u16(vid), vm === 0x1fff ? undefined : u16(vm)));
  if (vid && mask & 0xe000) vlan.push(matchField("vlan_pcp", u8((tci >> 13) & 7)));
  const out: MatchField[] = [];
  match.forEach((f, i) => {
    if (i === first) out.push(...vlan);
    if (!isVlan(f)) out.push(f);
  });
  return out;
}

/** The 802.1Q TCI value and mask of match fields (`vlan_vid`, `vlan_pcp` or `vlan_tci`); mask 0 when none. */
export function tciOf(match: readonly MatchField[]): { tci: number; mask: number } {
  let tci = 0;
  let mask = 0;
  for (const f of match) {
    const v = Number(bytesToBig(f.value));
    const m = f.mask ? Number(bytesToBig(f.mask)) : undefined;
    if (f.field === "vlan_tci") {
      tci = v;
      mask = m ?? 0xffff;
    } else if (f.field === "vlan_vid") {
      const vm = (m ?? 0x1fff) & 0x1fff;
      tci = (tci & ~0x1fff) | (v & vm);
      mask |= vm;
    } else if (f.field === "vlan_pcp") {
      tci = (tci & 0x1fff) | ((v & 7) << 13);
      mask |= 0xe000;
    }
  }
  // "no 802.1Q header" (VID and CFI exactly zero): the whole TCI is zero, as Open vSwitch writes vlan_tci=0
  if ((mask & 0x1fff) === 0x1fff && (tci & 0x1fff) === 0 && !(mask & 0xe000)) mask = 0xffff;
  return { tci: tci & mask, mask };
}


/**
 * Encodes match fields as an OpenFlow 1.0 `ofp_match`.
 * @throws EncodeError for a field or mask OpenFlow 1.0 cannot express (its name in the error)
 */
export function encodeOf10Match(w: Writer, match: readonly MatchField[]): void {
  // every field wildcarded; an absent IPv4 address is written with 32 wildcard bits, as Open vSwitch does
  let wc = (W.ALL & ~(0x3f << W.NW_SRC_SHIFT) & ~(0x3f << W.NW_DST_SHIFT)) | (32 << W.NW_SRC_SHIFT) | (32 << W.NW_DST_SHIFT);
  let inPort = 0;
  let dlSrc = new Uint8Array(6);
  let dlDst = new Uint8Array(6);
  let dlVlan = 0;
  let dlVlanPcp = 0;
  let dlType = 0;
  let nwTos = 0;
  let nwProto = 0;
  let nwSrc = 0;
  let nwDst = 0;
  let tpSrc = 0;
  let tpDst = 0;
  const num = (f: MatchField) => Number(bytesToBig(f.value));
  const exact = (f: MatchField) => {
    if (f.mask && !f.mask.every((b) => b === 0xff)) throw new EncodeError("openflow", f.field, "OpenFlow 1.0 cannot match this field with a mask");
  };
  for (const f of match) {
    switch (f.field) {
      case "packet_type":
        // the default (Ethernet) packet type: what an OpenFlow 1.0 match always means
        if (num(f) === 0 && !f.mask) continue;
        throw new EncodeError("openflow", f.field, "field not supported by OpenFlow 1.0 matches");
      case "in_port":
        exact(f);
        inPort = port32to16(num(f));
        wc &= ~W.IN_PORT;
        break;
      case "dl_src":
      case "dl_dst":
        exact(f);
        if (f.field === "dl_src") dlSrc = f.value.slice();
        else dlDst = f.value.slice();
        wc &= ~(f.field === "dl_src" ? W.DL_SRC : W.DL_DST);
        break;
      case "vlan_vid":
      case "vlan_pcp":
      case "vlan_tci":
        break;
      case "dl_type":
        exact(f);
        dlType = num(f);
        wc &= ~W.DL_TYPE;
        break;
      case "nw_proto":
      case "arp_op":
        exact(f);
        nwProto = num(f) & 0xff;
        wc &= ~W.NW_PROTO;
        break;
      case "ip_dscp":
        exact(f);
        nwTos = (num(f) << 2) & 0xfc;
        wc &= ~W.NW_TOS;
        break;
      case "nw_src":
      case "nw_dst":
      case "arp_spa":
      case "arp_tpa": {
        const m = f.mask ? num({ ...f, value: f.mask }) : 0xffffffff;
        const bits = maskToWcbits(m);
        if (bits === undefined) throw new EncodeError("openflow", f.field, "OpenFlow 1.0 matches IPv4 addresses by prefix only");
        const src = f.field === "nw_src" || f.field === "arp_spa";
        if (src) {
          nwSrc = num(f);
          wc = (wc & ~(0x3f << W.NW_SRC_SHIFT)) | (bits << W.NW_SRC_SHIFT);
        } else {
          nwDst = num(f);
          wc = (wc & ~(0x3f << W.NW_DST_SHIFT)) | (bits << W.NW_DST_SHIFT);
        }
        break;
      }
      case "tcp_src":
      case "udp_src":
      case "sctp_src":
      case "icmp_type":
      case "icmpv6_type":
        exact(f);
        tpSrc = num(f);
        wc &= ~W.TP_SRC;
        break;
      case "tcp_dst":
      case "udp_dst":
      case "sctp_dst":
      case "icmp_code":
      case "icmpv6_code":
        exact(f);
        tpDst = num(f);
        wc &= ~W.TP_DST;
        break;
      default:
        throw new EncodeError("openflow", f.field, "field not supported by OpenFlow 1.0 matches");
    }
  }
  const { tci, mask } = tciOf(match);
  if (mask) {
    // a matched CFI of zero means no 802.1Q header: OpenFlow 1.0 says dl_vlan=none (with dl_vlan_pcp
    // not wildcarded, as ovs-ofctl writes it) whatever VID and PCP bits the match also holds
    if (mask & 0x1000 && !(tci & 0x1000)) {
      dlVlan = OFP10_VLAN_NONE;
      wc &= ~(W.DL_VLAN | W.DL_VLAN_PCP);
    } else {
      const vm = mask & 0x1fff;
      const pm = mask & 0xe000;
      if ((vm !== 0 && vm !== 0x1fff && vm !== 0x1000) || (pm !== 0 && pm !== 0xe000) || !(tci & 0x1000)) throw new EncodeError("openflow", "vlan_tci", "OpenFlow 1.0 cannot express this VLAN match");
      if (vm === 0x1fff) {
        dlVlan = tci & 0xfff;
        wc &= ~W.DL_VLAN;
      }
      if (pm) {
        dlVlanPcp = tci >> 13;
        wc &= ~W.DL_VLAN_PCP;
      }
    }
  }
  w.u32(wc).u16(inPort).bytes(dlSrc).bytes(dlDst).u16(dlVlan).u8(dlVlanPcp).zeros(1).u16(dlType).u8(nwTos).u8(nwProto).zeros(2);
  w.u32(nwSrc).u32(nwDst).u16(tpSrc).u16(tpDst);
}

/**
 * Drops the fields whose prerequisites the match does not meet (Open vSwitch's ofputil_normalize_match(),
 * applied to OpenFlow 1.0 flow_mods): IP fields without IPv4 or IPv6, transport ports without TCP, UDP,
 * SCTP or ICMP, ARP fields without ARP.
 */
export function normalizeOf10Match(match: readonly MatchField[]): MatchField[] {
  const get = (name: string) => match.find((f) => f.field === name && !f.mask);
  const dl = get("dl_type");
  const dlType = dl ? Number(bytesToBig(dl.value)) : undefined;
  const protoField = get("nw_proto");
  const proto = protoField ? protoField.value[0] : undefined;
  const ip4 = dlType === 0x0800;
  const ip6 = dlType === 0x86dd;
  const arp = dlType === 0x0806 || dlType === 0x8035;
  const tp = (ip4 || ip6) && (proto === 6 || proto === 17 || proto === 132 || (ip4 && proto === 1) || (ip6 && proto === 58));
  const allowed = (name: string): boolean => {
    if (["nw_src", "nw_dst"].includes(name)) return ip4;
    if (["arp_spa", "arp_tpa", "arp_op", "arp_sha", "arp_tha"].includes(name)) return arp;
    if (name === "nw_proto") return ip4 || ip6 || arp;
    if (["ip_dscp", "nw_ecn", "nw_ttl", "nw_frag"].includes(name)) return ip4 || ip6;
    if (/^(tcp|udp|sctp)_(src|dst)$|^icmp(v6)?_(type|code)$/.test(name)) return tp;
    return true;
  };
  return match.filter((f) => allowed(f.field));
}
