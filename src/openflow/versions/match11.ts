/**
 * The OpenFlow 1.1 standard match (OpenFlow 1.1.0 §A.2.3 `ofp_match`, 88 bytes, type OFPMT_STANDARD):
 * decoded into the OXM/NXM {@link MatchField} list Open vSwitch's ofputil_match_from_ofp11_match()
 * gives (wildcard bits and inverted masks, VLAN as vlan_tci, nw_src/nw_dst as arp_spa/arp_tpa for ARP).
 *
 * @module
 */
import type { Reader } from "../../bytes/reader.js";
import { type MatchField, OFPMT_OXM, decodeMatch, matchField } from "../oxm.js";

/** `ofp11_match` wildcard bits (OFPFW11_*). */
export const Wildcards11 = { IN_PORT: 1, DL_VLAN: 2, DL_VLAN_PCP: 4, DL_TYPE: 8, NW_TOS: 16, NW_PROTO: 32, TP_SRC: 64, TP_DST: 128, MPLS_LABEL: 256, MPLS_TC: 512 } as const;

/** Length of the standard match. */
export const OFPMT11_STANDARD_LENGTH = 88;

const be = (n: number, v: number | bigint): Uint8Array => {
  const b = new Uint8Array(n);
  let x = BigInt(v);
  for (let i = n - 1; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
};
const invert = (b: Uint8Array): Uint8Array => b.map((x) => ~x & 0xff);
const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);
const isOnes = (b: Uint8Array): boolean => b.every((x) => x === 0xff);

/**
 * Reads an `ofp11_match` at the reader's position.
 * @throws DecodeError (`OFPBMC_BAD_TYPE`, `OFPBMC_BAD_LEN`, `OFPBMC_BAD_VALUE`, `OFPBMC_BAD_FIELD`) as Open vSwitch refuses it
 */
export function readMatch11(r: Reader): MatchField[] {
  const start = r.pos;
  const type = r.u16();
  // Open vSwitch also takes (and sends, in OpenFlow 1.1 flow stats) an OXM match here
  if (type === OFPMT_OXM) {
    r.pos = start;
    return decodeMatch(r);
  }
  const length = r.u16();
  if (type !== 0) r.fail("OFPBMC_BAD_TYPE", start);
  if (length !== OFPMT11_STANDARD_LENGTH) r.fail("OFPBMC_BAD_LEN", start + 2);
  const inPort = r.u32();
  const wc = r.u32();
  const dlSrc = r.take(6);
  const dlSrcMask = invert(r.take(6));
  const dlDst = r.take(6);
  const dlDstMask = invert(r.take(6));
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  const nwSrc = r.take(4);
  const nwSrcMask = invert(r.take(4));
  const nwDst = r.take(4);
  const nwDstMask = invert(r.take(4));
  const tpSrc = r.u16();
  const tpDst = r.u16();
  const mplsLabel = r.u32();
  const mplsTc = r.u8();
  r.skip(3);
  const metadata = r.take(8);
  const metadataMask = invert(r.take(8));
  const out: MatchField[] = [];
  const put = (name: string, value: Uint8Array, mask?: Uint8Array) => {
    if (mask && isZero(mask)) return;
    out.push(matchField(name, and(value, mask), mask && !isOnes(mask) ? mask : undefined));
  };
  if (!(wc & Wildcards11.IN_PORT)) {
    // ofputil_port_from_ofp11: OpenFlow 1.1 reserved ports map into the 16-bit space
    if (inPort >= 0xff00 && inPort < 0xffffff00) r.fail("OFPBMC_BAD_VALUE", start + 4);
    put("in_port", be(4, inPort));
  }
  if (!isZero(dlSrcMask) || !isZero(dlDstMask)) {
    put("dl_src", dlSrc, dlSrcMask);
    put("dl_dst", dlDst, dlDstMask);
  }
  if (!(wc & Wildcards11.DL_VLAN)) {
    if (dlVlan === 0xffff) put("vlan_tci", be(2, 0));
    else {
      let tci: number;
      let mask: number;
      if (dlVlan === 0xfffe) {
        tci = 0x1000;
        mask = 0x1000;
      } else if (dlVlan < 4096) {
        tci = 0x1000 | dlVlan;
        mask = 0x1fff;
      } else r.fail("OFPBMC_BAD_VALUE", start + 32);
      if (!(wc & Wildcards11.DL_VLAN_PCP)) {
        if (dlVlanPcp > 7) r.fail("OFPBMC_BAD_VALUE", start + 34);
        tci |= dlVlanPcp << 13;
        mask |= 0xe000;
      }
      put("vlan_tci", be(2, tci), be(2, mask));
    }
  }
  if (!(wc & Wildcards11.DL_TYPE)) put("dl_type", be(2, dlType));
  const ipv4 = !(wc & Wildcards11.DL_TYPE) && dlType === 0x0800;
  const arp = !(wc & Wildcards11.DL_TYPE) && (dlType === 0x0806 || dlType === 0x8035);
  if (ipv4 && !(wc & Wildcards11.NW_TOS)) {
    if (nwTos & 3) r.fail("OFPBMC_BAD_VALUE", start + 38);
    put("ip_dscp", be(1, nwTos >> 2));
  }
  if (ipv4 || arp) {
    if (!(wc & Wildcards11.NW_PROTO)) put(arp ? "arp_op" : "nw_proto", arp ? be(2, nwProto) : be(1, nwProto));
    put(arp ? "arp_spa" : "nw_src", nwSrc, nwSrcMask);
    put(arp ? "arp_tpa" : "nw_dst", nwDst, nwDstMask);
  }
  if (ipv4 && (wc & 0xc0) !== 0xc0 && !(wc & Wildcards11.NW_PROTO)) {
    if (nwProto === 1) {
      if (!(wc & Wildcards11.TP_SRC)) {
        if (tpSrc >= 0x100) r.fail("OFPBMC_BAD_FIELD", start + 56);
        put("icmp_type", be(1, tpSrc));
      }
      if (!(wc & Wildcards11.TP_DST)) {
        if (tpDst >= 0x100) r.fail("OFPBMC_BAD_FIELD", start + 58);
        put("icmp_code", be(1, tpDst));
      }
    } else if (nwProto === 6 || nwProto === 17 || nwProto === 132) {
      const p = nwProto === 6 ? "tcp" : nwProto === 17 ? "udp" : "sctp";
      if (!(wc & Wildcards11.TP_SRC)) put(`${p}_src`, be(2, tpSrc));
      if (!(wc & Wildcards11.TP_DST)) put(`${p}_dst`, be(2, tpDst));
    }
  }
  const mpls = !(wc & Wildcards11.DL_TYPE) && (dlType === 0x8847 || dlType === 0x8848);
  if (mpls) {
    if (!(wc & Wildcards11.MPLS_LABEL)) put("mpls_label", be(4, mplsLabel & 0xfffff));
    if (!(wc & Wildcards11.MPLS_TC)) put("mpls_tc", be(1, mplsTc & 7));
  }
  put("metadata", metadata, metadataMask);
  return out;
}

function and(v: Uint8Array, m: Uint8Array | undefined): Uint8Array {
  return m ? v.map((x, i) => x & m[i]!) : v;
}
