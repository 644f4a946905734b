/**
 * The matches of OpenFlow 1.0 and NXT_FLOW_MOD flow_mods as sent, the way `ovs-ofctl ofp-print` shows them
 * at verbosity 3 and above: the ofp10_match field by field (wildcarded fields as `*`), and the nx_match
 * entry by entry (`NXM_NX_REG0(0000007b)`), before any normalization.
 *
 * @module
 */
import { fieldByHeader, oxmClassOf, oxmHasMask, oxmLength } from "../oxm.js";
import { formatPort16 } from "../text/ports.js";

/** OpenFlow 1.0 wildcard bits (ofp10_flow_wildcards). */
const W = {
  IN_PORT: 1 << 0,
  DL_VLAN: 1 << 1,
  DL_SRC: 1 << 2,
  DL_DST: 1 << 3,
  DL_TYPE: 1 << 4,
  NW_PROTO: 1 << 5,
  TP_SRC: 1 << 6,
  TP_DST: 1 << 7,
  DL_VLAN_PCP: 1 << 20,
  NW_TOS: 1 << 21,
} as const;

/** The shorthand printed for an IPv4 protocol (anything else is `ip` with its nw_proto). */
const IP_PROTOS = new Map<number, string>([[1, "icmp"], [6, "tcp"], [17, "udp"], [132, "sctp"]]);

/** The shorthand printed for an Ethernet type other than IPv4. */
const DL_TYPES = new Map<number, string>([[0x0806, "arp"], [0x8035, "rarp"], [0x8847, "mpls"], [0x8848, "mplsm"]]);

function mac(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i ? ":" : "") + b[at + i]!.toString(16).padStart(2, "0");
  return s;
}

function ip(v: DataView, at: number): string {
  return `${v.getUint8(at)}.${v.getUint8(at + 1)}.${v.getUint8(at + 2)}.${v.getUint8(at + 3)}`;
}

/**
 * The 40-byte ofp10_match at `at` of `bytes` as ovs-ofctl prints it at verbosity 3: every field, `*` where
 * wildcarded, the Ethernet type and IPv4 protocol folded into a shorthand where there is one.
 */
export function formatOf10RawMatch(bytes: Uint8Array, at: number): string {
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, 40);
  const w = v.getUint32(0);
  const dlType = v.getUint16(22);
  const nwProto = v.getUint8(25);
  const out: string[] = [];
  let skipType = false;
  let skipProto = false;
  if (!(w & W.DL_TYPE)) {
    skipType = true;
    if (dlType === 0x0800) {
      const sh = w & W.NW_PROTO ? undefined : IP_PROTOS.get(nwProto);
      skipProto = sh !== undefined;
      out.push(sh ?? "ip");
    } else {
      const sh = DL_TYPES.get(dlType);
      if (sh) out.push(sh);
      else skipType = false;
    }
  }
  const field = (name: string, wild: number, text: () => string): void => {
    out.push(`${name}=${wild ? "*" : text()}`);
  };
  field("in_port", w & W.IN_PORT, () => formatPort16(v.getUint16(4)));
  field("dl_vlan", w & W.DL_VLAN, () => String(v.getUint16(18)));
  field("dl_vlan_pcp", w & W.DL_VLAN_PCP, () => String(v.getUint8(20)));
  field("dl_src", w & W.DL_SRC, () => mac(bytes, at + 6));
  field("dl_dst", w & W.DL_DST, () => mac(bytes, at + 12));
  if (!skipType) field("dl_type", w & W.DL_TYPE, () => `0x${dlType.toString(16).padStart(4, "0")}`);
  for (const [name, shift, off] of [["nw_src", 8, 28], ["nw_dst", 14, 32]] as const) {
    const wildBits = (w >>> shift) & 0x3f;
    out.push(`${name}=${wildBits >= 32 ? "*" : ip(v, off) + (wildBits ? `/${32 - wildBits}` : "")}`);
  }
  if (!skipProto) field(dlType === 0x0806 || dlType === 0x8035 ? "arp_op" : "nw_proto", w & W.NW_PROTO, () => String(nwProto));
  field("nw_tos", w & W.NW_TOS, () => String(v.getUint8(24)));
  const icmp = nwProto === 1;
  field(icmp ? "icmp_type" : "tp_src", w & W.TP_SRC, () => String(v.getUint16(36)));
  field(icmp ? "icmp_code" : "tp_dst", w & W.TP_DST, () => String(v.getUint16(38)));
  return out.join(",");
}

/** NXM_NX_COOKIE's class and field (class 1, field 30): not a match field, named all the same. */
const NXM_NX_COOKIE = (1 << 7) | 30;

function hex(b: Uint8Array, from: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += b[from + i]!.toString(16).padStart(2, "0");
  return s;
}

/**
 * The nx_match of `len` bytes at `at` of `bytes` entry by entry, as ovs-ofctl prints it at verbosity 3:
 * `NAME(value)` or `NAME_W(value/mask)`, `class:field` for a header it does not know, `<any>` when empty
 * and `<N invalid bytes>` for a tail that is no whole entry.
 */
export function formatNxmRaw(bytes: Uint8Array, at: number, len: number): string {
  if (len === 0) return "<any>";
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, len);
  const out: string[] = [];
  let pos = 0;
  while (len - pos >= 4) {
    const h = v.getUint32(pos);
    const cls = oxmClassOf(h);
    const exp = cls === 0xffff;
    const size = oxmLength(h);
    const masked = oxmHasMask(h);
    const body = size - (exp ? 4 : 0);
    if (pos + 4 + size > len || body <= 0 || (masked && body % 2)) break;
    const experimenter = exp ? v.getUint32(pos + 4) : undefined;
    const f = fieldByHeader(h, experimenter);
    const classField = h >>> 9;
    let name: string;
    if (classField === NXM_NX_COOKIE) name = "NXM_NX_COOKIE";
    else if (f) name = (cls <= 1 ? f.nxmName : f.oxmName) ?? f.nxmName ?? f.oxmName ?? f.name;
    else name = `${cls}:${(h >>> 9) & 0x7f}`;
    const known = f !== undefined || classField === NXM_NX_COOKIE;
    const vlen = masked ? body / 2 : body;
    const from = pos + 4 + (exp ? 4 : 0);
    // a variable-length field (tun_metadata, 124 bytes) is read right-aligned into its full width, and
    // ovs-ofctl prints the first bytes of that width: zeros unless the entry is longer than half of it
    const show = (off: number): string => {
      if (!f || f.len <= vlen || !f.name.startsWith("tun_metadata")) return hex(bytes, at + off, vlen);
      const full = new Uint8Array(f.len);
      full.set(bytes.subarray(at + off, at + off + vlen), f.len - vlen);
      return hex(full, 0, vlen);
    };
    let s = `${name}${masked && known ? "_W" : ""}(${show(from)}`;
    if (masked) s += `/${show(from + vlen)}`;
    out.push(`${s})`);
    pos += 4 + size;
  }
  if (pos < len) out.push(`<${len - pos} invalid bytes>`);
  return out.join(", ");
}
