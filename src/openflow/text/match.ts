/**
 * Match text, parse and print side by side: the key=value fields of a flow into OXM match fields
 * (with ovs-ofctl's prerequisite normalization), and OXM match fields back in ovs-ofctl's `match_format` order.
 *
 * @module
 */
import { bigToBytes, bytesToBig } from "../bytes.js";
import { type MatchField, fieldByName, matchField, nxWidth } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";
import { formatPort } from "./ports.js";
import { formatIpv4BigInt, formatIpv6BigInt, formatMacBigInt } from "../../net/address.js";
import { CT_STATE_BITS, TCP_FLAG_BITS, TUN_FLAG_BITS, type VM, fmtFlagsExact, fmtFlagsMasked, formatValue, hexBytes, hexNum, ones, parseInt128, parseValue, prefixLen } from "./values.js";

type MatchMap = Map<string, VM>;

function toMap(match: readonly MatchField[]): { map: MatchMap; unknown: MatchField[] } {
  const map: MatchMap = new Map();
  const unknown: MatchField[] = [];
  for (const f of match) {
    const def = fieldByName(f.field);
    if (!def) {
      unknown.push(f);
      continue;
    }
    const len = f.value.length;
    let v = bytesToBig(f.value);
    let m = f.mask ? bytesToBig(f.mask) : ones(len * 8);
    // xreg/xxreg are printed as the 32-bit registers they overlay
    const x = /^(x{1,2})reg(\d+)$/.exec(def.name);
    if (x) {
      const words = len / 4;
      const firstReg = Number(x[2]) * words;
      for (let i = 0; i < words; i++) {
        const shift = BigInt((words - 1 - i) * 32);
        const rm = (m >> shift) & 0xffffffffn;
        if (rm) map.set(`reg${firstReg + i}`, { v: (v >> shift) & 0xffffffffn & rm, m: rm, len: 4 });
      }
      continue;
    }
    if (def.name === "ip_dscp") {
      map.set("nw_tos", { v: (v & 0x3fn) << 2n, m: ((m & 0x3fn) << 2n) | 0n, len: 1 });
      continue;
    }
    v &= m;
    map.set(def.name, { v, m, len });
  }
  return { map, unknown };
}

const REG_NAMES = Array.from({ length: 16 }, (_, i) => `reg${i}`);

const MD_NAMES = Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`);

const ETH_IP = 0x0800n;

const ETH_IPV6 = 0x86ddn;

const ETH_ARP = 0x0806n;

const ETH_RARP = 0x8035n;

/**
 * Formats a match in ovs-ofctl order (`priority=100,ip,nw_dst=10.0.0.0/24`).
 * @param priority - printed first when given and not the default 32768
 */
export function formatMatch(match: readonly MatchField[], priority?: number): string {
  const { map, unknown } = toMap(match);
  let hasMd = false;
  for (const k of map.keys()) if (k.startsWith("tun_metadata")) hasMd = true;
  const out: string[] = [];
  const used = new Set<string>();
  const get = (n: string) => {
    const e = map.get(n);
    if (e !== undefined) used.add(n);
    return e;
  };
  const full = (e: VM) => e.m === ones(e.len * 8);
  const u32 = (n: string, label = n) => {
    const e = get(n);
    if (e && e.m) out.push(`${label}=${hexNum(e.v)}${full(e) ? "" : "/" + hexNum(e.m)}`);
  };
  const be16 = (n: string, label = n) => {
    const e = get(n);
    if (e && e.m) out.push(full(e) ? `${label}=${e.v}` : `${label}=0x${e.v.toString(16)}/0x${e.m.toString(16)}`);
  };
  const ip = (n: string, label = n) => {
    const e = get(n);
    if (!e || !e.m) return;
    let s = `${label}=${formatIpv4BigInt(e.v)}`;
    if (e.m !== ones(32)) {
      const p = prefixLen(e.m, 32);
      s += p !== undefined ? `/${p}` : `/${formatIpv4BigInt(e.m)}`;
    }
    out.push(s);
  };
  const ip6 = (n: string, label = n) => {
    const e = get(n);
    if (!e || !e.m) return;
    let s = `${label}=${formatIpv6BigInt(e.v)}`;
    if (e.m !== ones(128)) {
      const p = prefixLen(e.m, 128);
      s += p !== undefined ? `/${p}` : `/${formatIpv6BigInt(e.m)}`;
    }
    out.push(s);
  };
  const mac = (n: string, label = n) => {
    const e = get(n);
    if (!e || !e.m) return;
    out.push(`${label}=${formatMacBigInt(e.v)}${e.m === ones(48) ? "" : "/" + formatMacBigInt(e.m)}`);
  };
  const hexBig = (n: string, label = n) => {
    const e = get(n);
    if (!e || !e.m) return;
    out.push(`${label}=${hexBytes(bigToBytes(e.v, e.len))}${full(e) ? "" : "/" + hexBytes(bigToBytes(e.m, e.len))}`);
  };

  if (priority !== undefined && priority !== 0x8000) out.push(`priority=${priority}`);
  const pt = get("packet_type");
  if (pt) out.push(`packet_type=(${pt.v >> 16n},0x${(pt.v & 0xffffn).toString(16)})`);
  u32("pkt_mark");
  u32("recirc_id");
  u32("dp_hash");
  const conj = get("conj_id");
  if (conj) out.push(`conj_id=${conj.v}`);
  const aso = get("actset_output");
  if (aso) out.push(`actset_output=${formatPort(Number(aso.v))}`);
  const cts = get("ct_state");
  if (cts && cts.m) {
    out.push(
      (cts.m & 0xffn) === 0xffn
        ? `ct_state=${fmtFlagsExact(cts.v, CT_STATE_BITS, "|")}`
        : `ct_state=${fmtFlagsMasked(cts.v, cts.m, CT_STATE_BITS)}`,
    );
  }
  const ctz = get("ct_zone");
  if (ctz && ctz.m) out.push(full(ctz) ? `ct_zone=${ctz.v}` : `ct_zone=0x${ctz.v.toString(16)}/0x${ctz.m.toString(16)}`);
  u32("ct_mark");
  hexBig("ct_label");
  ip("ct_nw_src");
  ip("ct_nw_dst");
  ip6("ct_ipv6_src");
  ip6("ct_ipv6_dst");
  const ctp = get("ct_nw_proto");
  if (ctp) out.push(`ct_nw_proto=${ctp.v}`);
  be16("ct_tp_src");
  be16("ct_tp_dst");

  const dlType = get("dl_type");
  const nwProto = get("nw_proto");
  const dl = dlType && dlType.m ? dlType.v : undefined;
  let skipType = false;
  let skipProto = false;
  if (dl !== undefined) {
    skipType = true;
    const proto = nwProto?.v;
    if (dl === ETH_IP) {
      const names: Record<string, string> = { "1": "icmp", "6": "tcp", "17": "udp", "132": "sctp" };
      const n = proto !== undefined ? names[String(proto)] : undefined;
      out.push(n ?? "ip");
      skipProto = n !== undefined;
    } else if (dl === ETH_IPV6) {
      const names: Record<string, string> = { "58": "icmp6", "6": "tcp6", "17": "udp6", "132": "sctp6" };
      const n = proto !== undefined ? names[String(proto)] : undefined;
      out.push(n ?? "ipv6");
      skipProto = n !== undefined;
    } else if (dl === ETH_ARP) out.push("arp");
    else if (dl === ETH_RARP) out.push("rarp");
    else if (dl === 0x8847n) out.push("mpls");
    else if (dl === 0x8848n) out.push("mplsm");
    else skipType = false;
  }
  for (const r of REG_NAMES) if (map.has(r)) u32(r);
  // tunnel
  const tid = get("tun_id");
  if (tid && tid.m) out.push(`tun_id=${hexNum(tid.v)}${full(tid) ? "" : "/" + hexNum(tid.m)}`);
  ip("tun_src");
  ip("tun_dst");
  ip6("tun_ipv6_src");
  ip6("tun_ipv6_dst");
  be16("tun_gbp_id");
  const gf = get("tun_gbp_flags");
  if (gf && gf.m) out.push(`tun_gbp_flags=${hexNum(gf.v)}`);
  const tf = get("tun_flags");
  if (tf && tf.m) out.push(`tun_flags=${fmtFlagsMasked(tf.v, tf.m, TUN_FLAG_BITS)}`);
  if (hasMd) for (const n of MD_NAMES) if (map.has(n)) hexBig(n);
  const md = get("metadata");
  if (md && md.m) out.push(`metadata=${hexNum(md.v)}${full(md) ? "" : "/" + hexNum(md.m)}`);
  const inp = get("in_port");
  if (inp) out.push(`in_port=${formatPort(Number(inp.v))}`);
  // vlan: rebuild the 802.1Q TCI from vlan_vid / vlan_pcp
  const vid = get("vlan_vid");
  const pcp = get("vlan_pcp");
  if (vid || pcp) {
    let tci = 0n;
    let tm = 0n;
    if (vid) {
      tci |= vid.v & 0x1fffn;
      tm |= vid.m & 0x1fffn;
    }
    if (pcp) {
      tci |= (pcp.v & 7n) << 13n;
      tm |= 0xe000n;
    }
    const vidMask = tm & 0x0fffn;
    const pcpMask = tm & 0xe000n;
    const cfi = tm & 0x1000n;
    if (cfi && tci & 0x1000n && (!vidMask || vidMask === 0x0fffn) && (!pcpMask || pcpMask === 0xe000n) && (vidMask || pcpMask)) {
      if (vidMask) out.push(`dl_vlan=${tci & 0xfffn}`);
      if (pcpMask) out.push(`dl_vlan_pcp=${tci >> 13n}`);
    } else if (tm === 0xffffn) out.push(`vlan_tci=0x${tci.toString(16).padStart(4, "0")}`);
    else if (tm) out.push(`vlan_tci=0x${tci.toString(16).padStart(4, "0")}/0x${tm.toString(16).padStart(4, "0")}`);
  }
  mac("dl_src");
  mac("dl_dst");
  if (!skipType && dlType && dlType.m) out.push(`dl_type=0x${dlType.v.toString(16).padStart(4, "0")}`);
  if (dl === ETH_IPV6) {
    ip6("ipv6_src");
    ip6("ipv6_dst");
    const lab = get("ipv6_label");
    if (lab && lab.m) {
      const fm = (x: bigint) => "0x" + x.toString(16).padStart(5, "0");
      out.push(lab.m === ones(32) || lab.m === 0xfffffn ? `ipv6_label=${fm(lab.v)}` : `ipv6_label=${fm(lab.v)}/${fm(lab.m)}`);
    }
  } else if (dl === ETH_ARP || dl === ETH_RARP) {
    ip("arp_spa");
    ip("arp_tpa");
  } else {
    ip("nw_src");
    ip("nw_dst");
  }
  if (!skipProto && nwProto && nwProto.m) out.push(`nw_proto=${nwProto.v}`);
  if (dl === ETH_ARP || dl === ETH_RARP) {
    const op = get("arp_op");
    if (op) out.push(`arp_op=${op.v}`);
    mac("arp_sha");
    mac("arp_tha");
  }
  const tos = get("nw_tos");
  if (tos && tos.m & 0xfcn) out.push(`nw_tos=${tos.v & 0xfcn}`);
  const ecn = get("nw_ecn");
  if (ecn && ecn.m) out.push(`nw_ecn=${ecn.v & 3n}`);
  const ttl = get("nw_ttl");
  if (ttl && ttl.m) out.push(`nw_ttl=${ttl.v}`);
  const ml = get("mpls_label");
  if (ml) out.push(`mpls_label=${ml.v}`);
  const mtc = get("mpls_tc");
  if (mtc) out.push(`mpls_tc=${mtc.v}`);
  const mttl = get("mpls_ttl");
  if (mttl) out.push(`mpls_ttl=${mttl.v}`);
  const mbos = get("mpls_bos");
  if (mbos) out.push(`mpls_bos=${mbos.v}`);
  const frag = get("nw_frag");
  if (frag && frag.m) {
    const fm = frag.m & 3n;
    const fv = frag.v & 3n;
    if (fm === 3n) out.push(`nw_frag=${fv & 1n ? (fv & 2n ? "later" : "first") : fv & 2n ? "<error>" : "no"}`);
    else if (fm === 1n) out.push(`nw_frag=${fv & 1n ? "yes" : "no"}`);
    else if (fm === 2n) out.push(`nw_frag=${fv & 2n ? "later" : "not_later"}`);
  }
  const proto = nwProto?.v;
  if (dl === ETH_IP && proto === 1n) {
    be16("icmp_type");
    be16("icmp_code");
  } else if (dl === ETH_IPV6 && proto === 58n) {
    be16("icmpv6_type", "icmp_type");
    be16("icmpv6_code", "icmp_code");
    ip6("nd_target");
    mac("nd_sll");
    mac("nd_tll");
  } else {
    for (const p of ["tcp", "udp", "sctp"]) {
      be16(`${p}_src`, "tp_src");
      be16(`${p}_dst`, "tp_dst");
    }
  }
  const tcpf = get("tcp_flags");
  if (tcpf && tcpf.m && proto === 6n) out.push(`tcp_flags=${fmtFlagsMasked(tcpf.v, tcpf.m & 0xfffn, TCP_FLAG_BITS)}`);
  // fields ovs-ofctl has no flow syntax for (in_phy_port, pbb_isid, ipv6_exthdr, ...) or that only make
  // sense with another field's prerequisite: printed generically rather than dropped
  for (const [name, e] of map) {
    if (used.has(name) || (name === "ip_dscp")) continue;
    const f = fieldByName(name);
    if (!f || !e.m) continue;
    const full = e.m === ones(e.len * 8);
    const val = f.format === "port" ? formatPort(Number(e.v)) : formatValue(f, e.v, e.len);
    out.push(`${name}=${val}${full ? "" : "/" + formatValue(f, e.m, e.len)}`);
  }
  for (const u of unknown) out.push(`oxm(0x${u.header.toString(16)}${u.experimenter !== undefined ? `,0x${u.experimenter.toString(16)}` : ""})=${hexBytes(u.value)}${u.mask ? "/" + hexBytes(u.mask) : ""}`);
  return out.join(",");
}

export const SHORTHANDS: Record<string, [number, number?]> = {
  ip: [0x0800],
  ipv4: [0x0800],
  icmp: [0x0800, 1],
  tcp: [0x0800, 6],
  udp: [0x0800, 17],
  sctp: [0x0800, 132],
  ipv6: [0x86dd],
  icmp6: [0x86dd, 58],
  tcp6: [0x86dd, 6],
  udp6: [0x86dd, 17],
  sctp6: [0x86dd, 132],
  arp: [0x0806],
  rarp: [0x8035],
  mpls: [0x8847],
  mplsm: [0x8848],
  eth: [-1],
};

export interface MatchBuilder {
  fields: Map<string, { v: bigint; m: bigint | undefined; len: number }>;
  order: string[];
}

export function setMatch(b: MatchBuilder, name: string, v: bigint, m: bigint | undefined, len: number): void {
  if (!b.fields.has(name)) b.order.push(name);
  b.fields.set(name, { v, m, len });
}

/**
 * Fields Open vSwitch does not let a flow mask ("Maskable: no" in meta-flow.h), by every name they are
 * spelled with, mapped to the name ovs-ofctl's error uses.
 */
const UNMASKABLE = new Map<string, string>([
  ...["recirc_id", "packet_type", "conj_id", "tun_ttl", "tun_tos", "in_port", "in_port_oxm", "actset_output", "skb_priority", "ct_zone", "ct_nw_proto"].map((n) => [n, n] as const),
  ...["eth_type", "dl_vlan", "dl_vlan_pcp", "vlan_pcp", "mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl", "nw_proto", "nw_tos", "ip_dscp", "nw_ecn", "nw_ttl"].map((n) => [n, n] as const),
  ...["arp_op", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "nd_reserved", "nd_options_type", "nsh_mdtype", "nsh_np", "nsp", "nsi", "nsh_ttl"].map((n) => [n, n] as const),
  ["dl_type", "eth_type"],
  ["ip_proto", "nw_proto"],
  ["ip_ecn", "nw_ecn"],
]);

export function applyField(b: MatchBuilder, key: string, value: string): void {
  const lower = key.toLowerCase();
  const range = /^([a-z_][a-z0-9_]*)\[(\d*)(?:\.\.(\d+))?\]$/.exec(lower);
  if (range) {
    // a bit range of a field (`reg3[0..7]=5`, `tp_src[5]=1`, `reg3[]=3`): the value shifted into place, masked
    const name = range[1]!;
    const f = fieldByName(name);
    const width = name === "tp_src" || name === "tp_dst" ? 16 : f ? nxWidth(f) : 0;
    if (!width) throw new FlowSyntaxError(`unknown keyword ${key}`);
    const lo = range[2] === "" || range[2] === undefined ? 0 : Number(range[2]);
    const hi = range[2] === "" || range[2] === undefined ? width - 1 : range[3] === undefined ? lo : Number(range[3]);
    if (hi < lo || hi >= width) throw new FlowSyntaxError(`${key}: bit range out of bounds for field ${name}`);
    const v = parseInt128(value, key);
    const nbits = BigInt(hi - lo + 1);
    if (v >> nbits) throw new FlowSyntaxError(`${value}: value does not fit into ${nbits} bits`);
    const mask = ones(Number(nbits)) << BigInt(lo);
    applyField(b, name, `0x${(v << BigInt(lo)).toString(16)}/0x${mask.toString(16)}`);
    return;
  }
  const unmaskable = UNMASKABLE.get(lower);
  if (unmaskable !== undefined && value.includes("/")) throw new FlowSyntaxError(`${value}: invalid mask for field ${unmaskable}`);
  // OpenFlow 1.0 style names handled specially
  if (lower === "dl_vlan") {
    const v = Number(value);
    if (v === 0xffff) setMatch(b, "vlan_vid", 0n, undefined, 2);
    else setMatch(b, "vlan_vid", BigInt(0x1000 | (v & 0xfff)), undefined, 2);
    return;
  }
  if (lower === "dl_vlan_pcp" || lower === "vlan_pcp") {
    const cur = b.fields.get("vlan_vid");
    if (!cur) setMatch(b, "vlan_vid", 0x1000n, 0x1000n, 2);
    setMatch(b, "vlan_pcp", BigInt(Number(value) & 7), undefined, 1);
    return;
  }
  if (lower === "vlan_tci") {
    const [vs, ms] = value.split("/");
    const v = Number(vs);
    const m = ms === undefined ? 0xffff : Number(ms);
    if ((m & 0x1fff) !== 0) setMatch(b, "vlan_vid", BigInt(v & 0x1fff & m), (m & 0x1fff) === 0x1fff ? undefined : BigInt(m & 0x1fff), 2);
    if ((m & 0xe000) === 0xe000 && v & 0x1000) setMatch(b, "vlan_pcp", BigInt((v >> 13) & 7), undefined, 1);
    return;
  }
  if (lower === "nw_tos") {
    setMatch(b, "ip_dscp", BigInt((Number(value) >> 2) & 0x3f), undefined, 1);
    return;
  }
  if (lower === "tp_src" || lower === "tp_dst") {
    const proto = b.fields.get("nw_proto")?.v;
    const p = proto === 17n ? "udp" : proto === 132n ? "sctp" : "tcp";
    applyField(b, `${p}_${lower.slice(3)}`, value);
    return;
  }
  if ((lower === "icmp_type" || lower === "icmp_code") && b.fields.get("dl_type")?.v === 0x86ddn) {
    applyField(b, lower.replace("icmp_", "icmpv6_"), value);
    return;
  }
  const xr = /^(x{1,2})reg(\d+)$/.exec(lower);
  if (xr) {
    const f = fieldByName(lower);
    if (!f) throw new FlowSyntaxError(`${key}: unknown field`);
    const { v, m } = parseValue(f, value);
    const words = f.len / 4;
    const first = Number(xr[2]) * words;
    const mm = m ?? ones(f.len * 8);
    for (let i = 0; i < words; i++) {
      const shift = BigInt((words - 1 - i) * 32);
      const rm = (mm >> shift) & 0xffffffffn;
      if (rm) setMatch(b, `reg${first + i}`, (v >> shift) & 0xffffffffn, rm === 0xffffffffn ? undefined : rm, 4);
    }
    return;
  }
  const f = fieldByName(lower);
  if (!f) throw new FlowSyntaxError(`unknown keyword ${key}`);
  if (f.name === "ip_dscp" && lower !== "ip_dscp") throw new FlowSyntaxError(`unknown keyword ${key}`);
  let len = f.len;
  if (f.name.startsWith("tun_metadata")) {
    // without a TLV map, size the value to the bytes it needs (as ovs-ofctl does)
    const [vs, ms] = value.split("/");
    const bits = Math.max(BigInt(vs!).toString(2).length, ms ? BigInt(ms).toString(2).length : 0);
    len = Math.max(1, Math.ceil(bits / 8));
  }
  const { v, m } = parseValue(f, value, len);
  // tunnel flags: only the public flags (oam) can be matched (Open vSwitch's FLOW_TNL_PUB_F_MASK)
  if (f.name === "tun_flags") setMatch(b, f.name, v & 1n, (m ?? 0xffffn) & 1n, len);
  else setMatch(b, f.name, v, m, len);
}

export function buildMatch(b: MatchBuilder): MatchField[] {
  const out: MatchField[] = [];
  for (const name of b.order) {
    const e = b.fields.get(name)!;
    const f = fieldByName(name)!;
    const full = ones(e.len * 8);
    let m = e.m;
    if (f.format === "frag" && m === 3n) m = undefined;
    if (m !== undefined && (m & full) === full) m = undefined;
    if (m === 0n) continue;
    const v = m === undefined ? e.v : e.v & m;
    out.push(matchField(f.name, bigToBytes(v, e.len), m === undefined ? undefined : bigToBytes(m, e.len)));
  }
  return out;
}

const TP_SRC = ["tcp_src", "udp_src", "sctp_src", "icmp_type", "icmpv6_type"];

const TP_DST = ["tcp_dst", "udp_dst", "sctp_dst", "icmp_code", "icmpv6_code"];

/**
 * Applies ovs-ofctl's match normalization: a field whose prerequisites the flow does not meet is
 * dropped (`tp_dst=80` without `tcp`, `ct_tp_dst` without `ct_nw_proto`, `nd_target` without an ND
 * type), and transport ports/ICMP type and code, which OVS keeps in one place, take the name that
 * fits the protocol (`tcp,icmp_type=8` is `tcp,tp_src=8`).
 */
export function normalizePrereqs(b: MatchBuilder): void {
  const exact = (name: string): bigint | undefined => {
    const e = b.fields.get(name);
    return e && e.m === undefined ? e.v : undefined;
  };
  const dlType = exact("dl_type");
  const ip4 = dlType === 0x0800n;
  const ip6 = dlType === 0x86ddn;
  const arp = dlType === 0x0806n || dlType === 0x8035n;
  const mpls = dlType === 0x8847n || dlType === 0x8848n;
  const drop = (name: string) => {
    b.fields.delete(name);
    b.order = b.order.filter((n) => n !== name);
  };
  const rename = (from: string, to: string) => {
    const e = b.fields.get(from)!;
    const len = fieldByName(to)!.len;
    if (b.fields.has(to)) drop(to);
    b.fields.delete(from);
    b.order = b.order.map((x) => (x === from ? to : x));
    b.fields.set(to, { v: e.v & ones(len * 8), m: e.m === undefined ? undefined : e.m & ones(len * 8), len });
  };
  // OVS keeps the ARP opcode where it keeps the IP protocol: the later of the two names wins and
  // takes the name that fits the Ethernet type
  if (b.fields.has("arp_op") && b.fields.has("nw_proto")) drop(b.order.indexOf("arp_op") < b.order.indexOf("nw_proto") ? "arp_op" : "nw_proto");
  if ((ip4 || ip6) && b.fields.has("arp_op")) rename("arp_op", "nw_proto");
  if (arp && b.fields.has("nw_proto")) rename("nw_proto", "arp_op");
  const proto = exact("nw_proto");
  const need = (names: string[], ok: boolean) => {
    if (!ok) for (const n of names) if (b.fields.has(n)) drop(n);
  };
  need(["nw_src", "nw_dst"], ip4 || arp);
  need(["nw_proto"], ip4 || ip6 || arp);
  need(["ip_dscp", "nw_tos", "nw_ecn", "nw_ttl", "nw_frag"], ip4 || ip6);
  need(["ipv6_src", "ipv6_dst", "ipv6_label"], ip6);
  need(["arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"], arp);
  need(["mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl"], mpls);
  need(["tcp_flags"], (ip4 || ip6) && proto === 6n);
  need(["ct_tp_src", "ct_tp_dst"], b.fields.has("ct_nw_proto"));
  // transport ports and ICMP type/code: one slot each, named after the protocol
  const slot =
    !(ip4 || ip6) ? -1 : proto === 6n ? 0 : proto === 17n ? 1 : proto === 132n ? 2 : ip4 && proto === 1n ? 3 : ip6 && proto === 58n ? 4 : -1;
  for (const group of [TP_SRC, TP_DST]) {
    const present = group.filter((n) => b.fields.has(n));
    for (const n of present) {
      const target = slot < 0 ? undefined : group[slot]!;
      if (target === undefined) drop(n);
      else if (target !== n) rename(n, target);
    }
  }
  const ndType = ip6 && proto === 58n ? exact("icmpv6_type") : undefined;
  need(["nd_target"], ndType === 135n || ndType === 136n);
  need(["nd_sll"], ndType === 135n);
  need(["nd_tll"], ndType === 136n);
}
