/**
 * Ethernet headers (IEEE 802.3 §3.1) with IEEE 802.1Q / 802.1ad VLAN tags: read and write.
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import type { Writer } from "../bytes/writer.js";
import { EncodeError } from "../bytes/encode-error.js";
import { formatMac } from "./address.js";

/** EtherType values (IEEE 802 numbers; IANA "IEEE 802 Numbers"). */
export const ETHER_TYPE = {
  /** Internet Protocol version 4. */
  ipv4: 0x0800,
  /** Address Resolution Protocol (RFC 826). */
  arp: 0x0806,
  /** Reverse ARP (RFC 903). */
  rarp: 0x8035,
  /** IEEE 802.1Q customer VLAN tag (C-tag). */
  vlan: 0x8100,
  /** IEEE 802.1ad service VLAN tag (S-tag, "QinQ"). */
  qinq: 0x88a8,
  /** Pre-standard QinQ tag some switches use. */
  qinqLegacy: 0x9100,
  /** Internet Protocol version 6. */
  ipv6: 0x86dd,
  /** Transparent Ethernet Bridging (the Geneve protocol type for Ethernet payloads). */
  transparentEthernetBridging: 0x6558,
} as const;

/** Most VLAN tags the decoder follows before giving up (guards against tag loops in hostile input). */
export const MAX_VLAN_TAGS = 8;

/** One VLAN tag (IEEE 802.1Q §9.6: TPID, then PCP 3 bits, DEI 1 bit, VID 12 bits). */
export interface VlanTag {
  /** Tag protocol identifier. @defaultValue 0x8100 */
  readonly tpid?: number;
  /** Priority code point (0..7). @defaultValue 0 */
  readonly pcp?: number;
  /** Drop eligible indicator. @defaultValue false */
  readonly dei?: boolean;
  /** VLAN identifier (0..4095). */
  readonly vid: number;
}

/** A decoded VLAN tag: every field present. */
export interface DecodedVlanTag extends VlanTag {
  /** Tag protocol identifier. */
  readonly tpid: number;
  /** Priority code point. */
  readonly pcp: number;
  /** Drop eligible indicator. */
  readonly dei: boolean;
}

/** A decoded Ethernet header (IEEE 802.3 §3.1 with 802.1Q tags). */
export interface EthernetLayer {
  /** Discriminant. */
  readonly type: "ethernet";
  /** Destination MAC, `aa:bb:cc:dd:ee:ff`. */
  readonly dst: string;
  /** Source MAC. */
  readonly src: string;
  /** VLAN tags, outermost first. */
  readonly vlans: readonly DecodedVlanTag[];
  /** The EtherType after the tags (a value below 0x0600 is an 802.3 length). */
  readonly etherType: number;
}

/** True for the TPIDs the decoder takes as VLAN tags (0x8100, 0x88a8, 0x9100). */
export function isVlanTpid(etherType: number): boolean {
  return etherType === ETHER_TYPE.vlan || etherType === ETHER_TYPE.qinq || etherType === ETHER_TYPE.qinqLegacy;
}

/** Reads an Ethernet header with VLAN tags (at most {@link MAX_VLAN_TAGS}) at the reader's position. */
export function readEthernet(r: Reader): EthernetLayer {
  r.need(14, "ethernet header");
  const dst = formatMac(r.bytes, r.pos);
  const src = formatMac(r.bytes, r.pos + 6);
  r.pos += 12;
  let etherType = r.u16("ethertype");
  const vlans: DecodedVlanTag[] = [];
  while (isVlanTpid(etherType)) {
    if (vlans.length >= MAX_VLAN_TAGS) r.fail(`more than ${MAX_VLAN_TAGS} VLAN tags`, r.pos - 2);
    const tci = r.u16("vlan tag");
    vlans.push({ tpid: etherType, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff });
    etherType = r.u16("ethertype");
  }
  return { type: "ethernet", dst, src, vlans, etherType };
}

/** Checks that `v` is an integer in 0..`max`; `field` may be a thunk so hot paths build no strings. */
export function checkUint(protocol: string, field: string | (() => string), v: unknown, max: number): number {
  if (typeof v === "number" && v >= 0 && v <= max && Math.floor(v) === v) return v;
  throw new EncodeError(protocol, typeof field === "string" ? field : field(), `must be an integer 0..${max}, got ${String(v)}`);
}

/**
 * Writes an Ethernet header with VLAN tags (IEEE 802.3 / 802.1Q) ending in `etherType`, from raw 6-byte
 * addresses; a tag field out of range throws {@link EncodeError} naming `vlans[i].FIELD`.
 */
export function writeEthernet(w: Writer, dst: Uint8Array, src: Uint8Array, vlans: readonly VlanTag[], etherType: number): void {
  w.bytes(dst).bytes(src);
  vlans.forEach((t, i) => {
    const tpid = checkUint("ethernet", () => `vlans[${i}].tpid`, t.tpid ?? ETHER_TYPE.vlan, 0xffff);
    const pcp = checkUint("ethernet", () => `vlans[${i}].pcp`, t.pcp ?? 0, 0x7);
    const vid = checkUint("ethernet", () => `vlans[${i}].vid`, t.vid, 0xfff);
    w.u16(tpid).u16((pcp << 13) | (t.dei ? 0x1000 : 0) | vid);
  });
  w.u16(etherType, "etherType");
}
