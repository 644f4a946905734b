/**
 * Nicira Extended Match (NXM, `nx_match`, Open vSwitch's nicira-ext.h / nx-match.c): the TLV match of
 * NXT_FLOW_MOD, NXST_FLOW and NXST_AGGREGATE. The TLVs share the OXM header layout (class, field, has-mask,
 * length) and mostly use the NXM_OF_* and NXM_NX_* classes; this module converts them to and from the
 * version-independent {@link MatchField} list (in_port is 16 bits, the 802.1Q TCI is one field, IP TOS
 * carries the DSCP in its high six bits), in the order Open vSwitch's nx_put_match() writes them.
 *
 * @module
 */
import { EncodeError } from "../../bytes/encode-error.js";
import { Reader } from "../../bytes/reader.js";
import { Writer } from "../../bytes/writer.js";
import { bigToBytes, bytesToBig } from "../../bytes/hex.js";
import { type MatchField, OxmClass, decodeOxm, encodeOxm, fieldByName, matchField, oxmHeader } from "../oxm.js";
import { tciFields, tciOf } from "./match.js";
import { port16to32, port32to16 } from "../ports.js";
import { matchEntriesError } from "../match-checks.js";

/** NXM_NX_COOKIE header (class 1, field 30, 8 bytes): the cookie in NXST_FLOW / NXT_FLOW_MOD matches. */
const NXM_NX_COOKIE = oxmHeader(OxmClass.NXM_1, 30, 8);

/** A decoded `nx_match`: the fields, and the cookie / cookie mask when NXM_NX_COOKIE is present. */
export interface NxMatch {
  readonly match: MatchField[];
  readonly cookie?: bigint | undefined;
  readonly cookieMask?: bigint | undefined;
}

/**
 * Decodes `len` bytes of NXM TLVs at the reader's position (no padding consumed).
 * @param strict - check each entry's prerequisites and duplicates as Open vSwitch's nx_pull_match() does
 *   (for a flow_mod): `OFPBMC_BAD_PREREQ`, `OFPBMC_DUP_FIELD`
 * @throws DecodeError for a truncated or malformed TLV (or, when strict, a match Open vSwitch refuses)
 */
export function decodeNxMatch(r: Reader, len: number, strict = false): NxMatch {
  const body = r.sub(len, "nx_match");
  const out: MatchField[] = [];
  const entries: MatchField[] | undefined = strict ? [] : undefined;
  let tci: { v: number; m: number } | undefined;
  let cookie: bigint | undefined;
  let cookieMask: bigint | undefined;
  while (body.remaining > 0) {
    const at = body.pos;
    if (body.remaining < 4) body.fail("OFPBMC_BAD_LEN");
    const h = (body.bytes[at]! << 24) | (body.bytes[at + 1]! << 16) | (body.bytes[at + 2]! << 8) | body.bytes[at + 3]!;
    if ((h & 0xfffffe00) === (NXM_NX_COOKIE & 0xfffffe00) && ((h & 0xff) === 8 || (h & 0xff) === 16)) {
      body.skip(4);
      cookie = body.u64();
      cookieMask = h & 0x100 ? body.u64() : 0xffffffffffffffffn;
      continue;
    }
    const f = decodeOxm(body);
    entries?.push(f);
    if (f.field === "unknown") {
      out.push(f);
      continue;
    }
    const v = bytesToBig(f.value);
    switch (f.field) {
      case "in_port":
        out.push(matchField("in_port", bigToBytes(BigInt(f.value.length === 2 ? port16to32(Number(v)) : Number(v)), 4)));
        break;
      case "vlan_tci":
        tci = { v: Number(v), m: f.mask ? Number(bytesToBig(f.mask)) : 0xffff };
        break;
      case "nw_tos":
        out.push(matchField("ip_dscp", Uint8Array.of((Number(v) >> 2) & 0x3f)));
        break;
      default:
        out.push(f.field.startsWith("tun_metadata") ? f : matchField(f.field, f.value, f.mask));
    }
  }
  if (tci) out.push(...tciFields(tci.v & tci.m, tci.m));
  const error = entries && matchEntriesError(entries);
  if (error) body.fail(error, body.start);
  return { match: out, cookie, cookieMask };
}

/** The order nx_put_match() writes fields in (after which unlisted fields follow in their given order). */
const ORDER = [
  "packet_type", "dp_hash", "recirc_id", "conj_id", "in_port", "actset_output", "dl_src", "dl_dst", "dl_type", "vlan_tci",
  "mpls_tc", "mpls_bos", "mpls_ttl", "mpls_label",
  "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "nw_frag", "ip_dscp", "nw_ecn", "nw_ttl", "ipv6_label", "nw_proto",
  "tcp_src", "tcp_dst", "tcp_flags", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code",
  "nd_target", "nd_sll", "nd_tll",
  "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha",
  "tun_id", "tun_flags", "tun_src", "tun_dst", "tun_ipv6_src", "tun_ipv6_dst", "tun_gbp_id", "tun_gbp_flags",
  ...Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`),
  "tun_erspan_idx", "tun_erspan_ver", "tun_erspan_dir", "tun_erspan_hwid", "tun_gtpu_flags", "tun_gtpu_msgtype",
  "nsh_flags", "nsh_ttl", "nsh_mdtype", "nsh_np", "nsh_spi", "nsh_si", "nsh_c1", "nsh_c2", "nsh_c3", "nsh_c4",
  ...Array.from({ length: 16 }, (_, i) => `reg${i}`),
  "pkt_mark", "ct_state", "ct_zone", "ct_mark", "ct_label", "ct_nw_src", "ct_ipv6_src", "ct_nw_dst", "ct_ipv6_dst", "ct_nw_proto", "ct_tp_src", "ct_tp_dst",
  "metadata",
];
const RANK = new Map(ORDER.map((n, i) => [n, i]));

/**
 * Encodes match fields as NXM TLVs (no padding) and returns the number of bytes written. A cookie mask
 * other than 0 adds NXM_NX_COOKIE(_W) at the end, as Open vSwitch does for NXST_FLOW and modify/delete flow_mods.
 * @throws EncodeError for a field NXM cannot carry
 */
export function encodeNxMatch(w: Writer, match: readonly MatchField[], cookie = 0n, cookieMask = 0n): number {
  const start = w.pos;
  const items: MatchField[] = [];
  let hasTci = false;
  for (const f of match) {
    switch (f.field) {
      case "vlan_vid":
      case "vlan_pcp":
      case "vlan_tci":
        hasTci = true;
        break;
      case "in_port":
        items.push({ ...f, header: oxmHeader(OxmClass.NXM_0, 0, 2), value: bigToBytes(BigInt(port32to16(Number(bytesToBig(f.value)))), 2), mask: undefined });
        break;
      case "ip_dscp":
        items.push({ field: "ip_dscp", header: fieldByName("nw_tos")!.nxHeader, value: Uint8Array.of((f.value[0]! << 2) & 0xfc), mask: undefined });
        break;
      case "xreg0": case "xreg1": case "xreg2": case "xreg3": case "xreg4": case "xreg5": case "xreg6": case "xreg7":
        throw new EncodeError("openflow", f.field, "NXM carries the 32-bit registers, not xreg");
      default: {
        const def = fieldByName(f.field);
        if (!def || f.field.startsWith("tun_metadata")) {
          items.push(f);
          break;
        }
        // the NXM header when the field has one (its length is the value's), the OXM header otherwise
        const nx = def.nxExperimenter === undefined && def.nxHeader >>> 16 <= 1;
        items.push(nx ? { field: f.field, header: ((def.nxHeader & ~0xff) | f.value.length) >>> 0, experimenter: undefined, value: f.value, mask: f.mask } : f);
      }
    }
  }
  if (hasTci) {
    const { tci, mask } = tciOf(match);
    if (mask) items.push({ field: "vlan_tci", header: fieldByName("vlan_tci")!.nxHeader, value: bigToBytes(BigInt(tci), 2), mask: mask === 0xffff ? undefined : bigToBytes(BigInt(mask), 2) });
  }
  const rank = (f: MatchField) => RANK.get(f.field) ?? ORDER.length;
  const sorted = items.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i);
  for (const { f } of sorted) encodeOxm(w, f);
  if (cookieMask !== 0n) {
    const masked = cookieMask !== 0xffffffffffffffffn;
    w.u32(oxmHeader(OxmClass.NXM_1, 30, masked ? 16 : 8, masked)).u64(cookie & cookieMask);
    if (masked) w.u64(cookieMask);
  }
  return w.pos - start;
}
