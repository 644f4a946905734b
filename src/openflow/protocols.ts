/**
 * Which OpenFlow "protocols" (Open vSwitch's `ofputil_protocol`: OpenFlow 1.0 with or without the
 * table_id extension, NXM with or without it, OpenFlow 1.1, OXM for OpenFlow 1.2 to 1.5) can carry a
 * flow, as `ovs-ofctl parse-flow` reports in its `usable protocols:` and `chosen protocol:` lines.
 *
 * @module
 */
import { type ParsedFlow, splitTop } from "./flowtext.js";
import { fieldByName } from "./oxm.js";

/** Protocol bits (Open vSwitch `enum ofputil_protocol`). */
export const Protocol = {
  OF10_STD: 1 << 0,
  OF10_STD_TID: 1 << 1,
  OF10_NXM: 1 << 2,
  OF10_NXM_TID: 1 << 3,
  OF11_STD: 1 << 4,
  OF12_OXM: 1 << 5,
  OF13_OXM: 1 << 6,
  OF14_OXM: 1 << 7,
  OF15_OXM: 1 << 8,
} as const;

/** Every protocol. */
export const ANY_PROTOCOL = 0x1ff;

const NAMES: readonly [number, string][] = [
  [Protocol.OF10_STD, "OpenFlow10-table_id"],
  [Protocol.OF10_STD_TID, "OpenFlow10+table_id"],
  [Protocol.OF10_NXM, "NXM-table_id"],
  [Protocol.OF10_NXM_TID, "NXM+table_id"],
  [Protocol.OF11_STD, "OpenFlow11"],
  [Protocol.OF12_OXM, "OXM-OpenFlow12"],
  [Protocol.OF13_OXM, "OXM-OpenFlow13"],
  [Protocol.OF14_OXM, "OXM-OpenFlow14"],
  [Protocol.OF15_OXM, "OXM-OpenFlow15"],
];
const GROUPS: readonly [number, string][] = [
  [ANY_PROTOCOL, "any"],
  [Protocol.OF10_STD | Protocol.OF10_STD_TID, "OpenFlow10"],
  [Protocol.OF10_NXM | Protocol.OF10_NXM_TID, "NXM"],
  [Protocol.OF12_OXM | Protocol.OF13_OXM | Protocol.OF14_OXM | Protocol.OF15_OXM, "OXM"],
];

/** ovs-ofctl's text for a protocol set (`any`, `NXM,OXM`, `OXM,NXM+table_id,OpenFlow11`, ...). */
export function formatProtocols(set: number): string {
  const out: string[] = [];
  let rest = set;
  for (const [bits, name] of GROUPS) {
    if ((rest & bits) === bits) {
      out.push(name);
      rest &= ~bits;
    }
  }
  for (const [bit, name] of NAMES) if (rest & bit) out.push(name);
  return out.length ? out.join(",") : "none";
}

/** Name of one protocol bit (`OXM-OpenFlow13`). */
export function protocolName(bit: number): string {
  return NAMES.find(([b]) => b === bit)?.[1] ?? `0x${bit.toString(16)}`;
}

/** The protocol bits of one name ovs-ofctl's -F accepts (`NXM+table_id`, `OpenFlow10`, `any`, ...; case-insensitive), or undefined. */
export function protocolBits(name: string): number | undefined {
  const n = name.toLowerCase();
  return [...NAMES, ...GROUPS].find(([, x]) => x.toLowerCase() === n)?.[0];
}

/** The protocol ovs-ofctl picks: the first of `allowed` (in Open vSwitch's order) that is usable. */
export function chooseProtocol(usable: number, allowed: number): number | undefined {
  for (const [bit] of NAMES) if (usable & allowed & bit) return bit;
  return undefined;
}

/** Feature keys of a flow: one per matched field (by mask kind), action keyword and flow_mod option. */
export function flowKeys(text: string, fm: ParsedFlow): string[] {
  const keys = new Set<string>();
  const ai = /(^|[,\s])(actions|apply_actions)\s*=/.exec(text);
  const matchText = ai ? text.slice(0, ai.index) : text;
  // a transport port or ICMP type/code matched (with a mask that is not all zeros), as written
  let transport = false;
  // match fields as written (OVS restricts the protocols by the field named, before normalization)
  for (const item of splitTop(matchText, ", \t")) {
    const eq = item.indexOf("=");
    // a bit range (`reg3[0..7]=1`) restricts the protocols as its field does
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase().replace(/\[.*\]$/, "");
    if (!name) continue;
    const def = fieldByName(name); // names, aliases, NXM and OXM names
    if (eq < 0 && def === undefined) {
      keys.add(`s:${name}`);
      continue;
    }
    const parsed = def && fm.match.find((m) => m.field === def.name);
    // a bare field name (or an empty value) is "0/0", and `*` matches anything: no restriction unless it left
    // an entry (a tun_metadata presence match)
    if ((eq < 0 || item.slice(eq + 1).trim() === "") && parsed === undefined) continue;
    if (eq >= 0 && item.slice(eq + 1).trim() === "*" && !def?.name.startsWith("tun_metadata")) continue;
    const mask = /\/\s*(\S+)$/.exec(item)?.[1];
    // so is an all-zero mask (`ipv6_src=::/0`, `nw_proto=1/0`)
    if (parsed === undefined && mask !== undefined && /^(0x)?[0:.]*$/i.test(mask) && /0/.test(mask)) continue;
    if (eq >= 0 && (TRANSPORT.has(name) || (def !== undefined && TRANSPORT.has(def.name)))) transport = true;
    const kind = parsed ? maskKind(parsed.mask) : mask === undefined || /^0x[fF]+$/.test(mask) ? "exact" : "masked";
    keys.add(name === "dl_type" || name === "eth_type" ? `m:dl_type=${item.slice(eq + 1).trim().toLowerCase()}` : `m:${name}:${kind}`);
  }
  // IP-level fields matched on IPv6 need NXM/OXM whatever they are called; so do transport ports and ICMP
  // type and code, even when normalization drops them (parse_ofp_str__() judges the match as parsed)
  const dl = fm.match.find((m) => m.field === "dl_type");
  const ipLevel = ["nw_proto", "ip_dscp", "nw_ecn", "nw_ttl", "nw_frag"];
  if (dl && dl.value[0] === 0x86 && dl.value[1] === 0xdd && (transport || fm.match.some((m) => ipLevel.includes(m.field)))) keys.add("m:nw_proto@ipv6");
  if (ai) actionKeys(text.slice(text.indexOf("=", ai.index + ai[1]!.length) + 1), "", keys);
  for (let b = 0; b < 5; b++) if (fm.flags & (1 << b)) keys.add(`flag:${b}`);
  if (/(^|[,\s])table\s*=/.test(matchText)) keys.add("table");
  if (fm.cookieMask) keys.add("cookie_mask");
  return [...keys];
}

/** The fields kept in struct flow's tp_src and tp_dst: transport ports, ICMP type and code, by every name. */
const TRANSPORT = new Set(["tp_src", "tp_dst", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code"]);

function maskKind(m: Uint8Array | undefined): string {
  if (!m) return "exact";
  let bits = "";
  for (const x of m) bits += x.toString(2).padStart(8, "0");
  return /^1*$/.test(bits) ? "exact" : /^1*0*$/.test(bits) ? "cidr" : "bitwise";
}

function actionKeys(text: string, ctx: string, keys: Set<string>): void {
  for (const item of splitTop(text.trim())) {
    const it = item.trim();
    if (!it) continue;
    const kw = /^[A-Za-z0-9_]+/.exec(it)?.[0]?.toLowerCase() ?? it;
    const paren = it.startsWith(`${kw}(`) && it.endsWith(")") ? it.slice(kw.length + 1, -1) : undefined;
    // ovs-ofctl parses clone's actions with ofpacts_parse_copy(), which first resets the actions' usable
    // protocols to any: what the actions before it restricted is forgotten (`encap(nsh),clone(output:2)` is
    // usable with any protocol; `clone(output:2),encap(nsh)` is not)
    if (kw === "clone" && paren !== undefined) for (const k of [...keys]) if (k.startsWith("a:")) keys.delete(k);
    if (kw === "set_field" || kw === "load" || kw === "move") {
      const dst = /->\s*([A-Za-z0-9_]+)/.exec(it)?.[1] ?? "";
      const field = fieldByName(dst)?.name ?? dst;
      keys.add(`a:${ctx}${kw}:${field}${kw === "set_field" && /\/[^>]*->/.test(it) ? "/" : ""}`);
    } else keys.add(`a:${ctx}${kw}`);
    if (paren === undefined) continue;
    if (kw === "clone" || kw === "write_actions") actionKeys(paren, `${ctx}${kw}:`, keys);
    if (kw === "ct") {
      const exec = /exec\((.*)\)/.exec(paren);
      if (exec) actionKeys(exec[1]!, `${ctx}ct.exec:`, keys);
      if (/\bnat\b/.test(paren)) keys.add(`a:${ctx}ct.nat`);
    }
  }
}

/** ovs-ofctl's protocols when no -O is given: OpenFlow 1.0 and NXM, each with or without table_id. */
export const DEFAULT_ALLOWED = Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID;

// Protocol sets of the flow features that restrict them (every other feature: any protocol).
// Derived by probing `ovs-ofctl parse-flow` (Open vSwitch 3.1) with one field or action at a time
// under each prerequisite (test/openflow/gen-protocols.ts); checked over the flow corpus.
const CLASS_TABLE =
  "a:ct.exec:set_field:ct_label=1ec|a:ct.exec:set_field:ct_label/=1ec|a:ct.exec:set_field:ct_mark=1ec|" +
  "a:ct.exec:set_field:ct_mark/=1ec|a:encap=1c0|a:meter=1c0|a:pop_vlan=1ef|a:push_vlan=1f0|a:set_field:arp_sha=1ec|" +
  "a:set_field:arp_tha=1ec|a:set_field:icmpv6_code=1ec|a:set_field:icmpv6_type=1ec|" +
  "a:set_field:ipv6_dst=1ec|a:set_field:ipv6_label=1ec|a:set_field:ipv6_src=1ec|" +
  "a:set_field:metadata=1fc|a:set_field:metadata/=1fc|a:set_field:mpls_label=1fc|" +
  "a:set_field:mpls_tc=1fc|a:set_field:nd_sll=1ec|a:set_field:nd_target=1ec|a:set_field:nd_tll=1ec|" +
  "a:set_field:nw_ecn=1fc|a:set_field:nw_ttl=1ec|a:set_field:pkt_mark=1ec|a:set_field:pkt_mark/=1ec|" +
  "a:set_field:reg0=1ec|a:set_field:reg0/=1ec|a:set_field:reg1=1ec|a:set_field:reg15=1ec|" +
  "a:set_field:reg2=1ec|a:set_field:reg3=1ec|a:set_field:reg8=1ec|a:set_field:sctp_dst=1fc|" +
  "a:set_field:sctp_src=1fc|a:set_field:tun_dst=1ec|a:set_field:tun_gbp_flags=1ec|" +
  "a:set_field:tun_gbp_id=1ec|a:set_field:tun_id=1ec|a:set_field:tun_ipv6_dst=1ec|" +
  "a:set_field:tun_ipv6_src=1ec|a:set_field:tun_metadata0=1ec|a:set_field:tun_src=1ec|" +
  "a:set_field:vlan_vid=1ec|a:set_field:xreg1/=1ec|a:set_field:xreg2=1ec|a:set_field:xxreg0=1ec|" +
  "a:set_field:xxreg1=1ec|a:write_actions:set_field:reg0=1ec|a:write_metadata=1fc|flag:2=1e0|" +
  "flag:3=1c0|flag:4=1c0|m:actset_output:exact=1ec|m:arp_sha:bitwise=1ec|m:arp_sha:cidr=1ec|" +
  "m:arp_sha:exact=1ec|m:arp_sha:masked=1ec|m:arp_spa:bitwise=1fc|m:arp_tha:bitwise=1ec|" +
  "m:arp_tha:cidr=1ec|m:arp_tha:exact=1ec|m:arp_tha:masked=1ec|m:arp_tpa:bitwise=1fc|" +
  "m:conj_id:exact=1ec|m:ct_ipv6_dst:bitwise=1ec|m:ct_ipv6_dst:cidr=1ec|m:ct_ipv6_dst:exact=1ec|" +
  "m:ct_ipv6_src:bitwise=1ec|m:ct_ipv6_src:cidr=1ec|m:ct_ipv6_src:exact=1ec|m:ct_label:bitwise=1ec|" +
  "m:ct_label:cidr=1ec|m:ct_label:exact=1ec|m:ct_mark:bitwise=1ec|m:ct_mark:cidr=1ec|" +
  "m:ct_mark:exact=1ec|m:ct_nw_dst:bitwise=1ec|m:ct_nw_dst:cidr=1ec|m:ct_nw_dst:exact=1ec|" +
  "m:ct_nw_proto:exact=1ec|m:ct_nw_src:bitwise=1ec|m:ct_nw_src:cidr=1ec|m:ct_nw_src:exact=1ec|" +
  "m:ct_state:bitwise=1ec|m:ct_state:exact=1ec|m:ct_tp_dst:bitwise=1ec|m:ct_tp_dst:cidr=1ec|" +
  "m:ct_tp_dst:exact=1ec|m:ct_tp_dst:masked=1ec|m:ct_tp_src:bitwise=1ec|m:ct_tp_src:cidr=1ec|" +
  "m:ct_tp_src:exact=1ec|m:ct_tp_src:masked=1ec|m:ct_zone:exact=1ec|m:dl_dst:bitwise=1fc|" +
  "m:dl_dst:cidr=1fc|m:dl_src:bitwise=1fc|m:dl_src:cidr=1fc|m:dp_hash:bitwise=1ec|m:dp_hash:cidr=1ec|" +
  "m:dp_hash:exact=1ec|m:icmpv6_code:exact=1ec|m:icmpv6_type:exact=1ec|m:ipv6_dst:bitwise=1ec|" +
  "m:ipv6_dst:cidr=1ec|m:ipv6_dst:exact=1ec|m:ipv6_dst:masked=1ec|m:ipv6_label:bitwise=1ec|" +
  "m:ipv6_label:cidr=1ec|m:ipv6_label:exact=1ec|m:ipv6_label:masked=1ec|m:ipv6_src:bitwise=1ec|" +
  "m:ipv6_src:cidr=1ec|m:ipv6_src:exact=1ec|m:ipv6_src:masked=1ec|m:metadata:bitwise=1fc|" +
  "m:metadata:cidr=1fc|m:metadata:exact=1fc|m:mpls_bos:exact=1ec|m:mpls_label:exact=1fc|" +
  "m:mpls_tc:exact=1fc|m:mpls_ttl:exact=1ec|m:nd_sll:bitwise=1ec|m:nd_sll:cidr=1ec|m:nd_sll:exact=1ec|" +
  "m:nd_sll:masked=1ec|m:nd_target:bitwise=1ec|m:nd_target:cidr=1ec|m:nd_target:exact=1ec|" +
  "m:nd_target:masked=1ec|m:nd_tll:bitwise=1ec|m:nd_tll:cidr=1ec|m:nd_tll:exact=1ec|" +
  "m:nd_tll:masked=1ec|m:nw_dst:bitwise=1fc|m:nw_ecn:exact=1fc|m:nw_frag:bitwise=1ec|" +
  "m:nw_frag:exact=1ec|m:nw_proto@ipv6=1ec|m:nw_src:bitwise=1fc|m:nw_ttl:exact=1ec|" +
  "m:packet_type:exact=1ec|m:pkt_mark:bitwise=1ec|m:pkt_mark:cidr=1ec|m:pkt_mark:exact=1ec|" +
  "m:recirc_id:exact=1ec|m:reg0:bitwise=1ec|m:reg0:cidr=1ec|m:reg0:exact=1ec|m:reg10:bitwise=1ec|" +
  "m:reg10:cidr=1ec|m:reg10:exact=1ec|m:reg11:bitwise=1ec|m:reg11:cidr=1ec|m:reg11:exact=1ec|" +
  "m:reg12:bitwise=1ec|m:reg12:cidr=1ec|m:reg12:exact=1ec|m:reg13:bitwise=1ec|m:reg13:cidr=1ec|" +
  "m:reg13:exact=1ec|m:reg14:bitwise=1ec|m:reg14:cidr=1ec|m:reg14:exact=1ec|m:reg15:bitwise=1ec|" +
  "m:reg15:cidr=1ec|m:reg15:exact=1ec|m:reg1:bitwise=1ec|m:reg1:cidr=1ec|m:reg1:exact=1ec|" +
  "m:reg2:bitwise=1ec|m:reg2:cidr=1ec|m:reg2:exact=1ec|m:reg3:bitwise=1ec|m:reg3:cidr=1ec|" +
  "m:reg3:exact=1ec|m:reg4:bitwise=1ec|m:reg4:cidr=1ec|m:reg4:exact=1ec|m:reg5:bitwise=1ec|" +
  "m:reg5:cidr=1ec|m:reg5:exact=1ec|m:reg6:bitwise=1ec|m:reg6:cidr=1ec|m:reg6:exact=1ec|" +
  "m:reg7:bitwise=1ec|m:reg7:cidr=1ec|m:reg7:exact=1ec|m:reg8:bitwise=1ec|m:reg8:cidr=1ec|" +
  "m:reg8:exact=1ec|m:reg9:bitwise=1ec|m:reg9:cidr=1ec|m:reg9:exact=1ec|m:sctp_dst:bitwise=1ec|" +
  "m:sctp_dst:cidr=1ec|m:sctp_dst:exact=1fc|m:sctp_dst:masked=1ec|m:sctp_src:bitwise=1ec|" +
  "m:sctp_src:cidr=1ec|m:sctp_src:exact=1fc|m:sctp_src:masked=1ec|m:table:exact=1fa|" +
  "m:tcp_dst:bitwise=1ec|m:tcp_dst:cidr=1ec|m:tcp_dst:masked=1ec|m:tcp_flags:bitwise=1ec|" +
  "m:tcp_flags:exact=1ec|m:tcp_flags:masked=1ec|m:tcp_src:bitwise=1ec|m:tcp_src:cidr=1ec|" +
  "m:tcp_src:masked=1ec|m:tp_dst:bitwise=1ec|m:tp_dst:cidr=1ec|m:tp_dst:masked=1ec|" +
  "m:tp_src:bitwise=1ec|m:tp_src:cidr=1ec|m:tp_src:masked=1ec|m:tun_dst:bitwise=1ec|m:tun_dst:cidr=1ec|" +
  "m:tun_dst:exact=1ec|m:tun_flags:bitwise=1ec|m:tun_flags:exact=1ec|m:tun_gbp_flags:bitwise=1ec|" +
  "m:tun_gbp_flags:cidr=1ec|m:tun_gbp_flags:exact=1ec|m:tun_gbp_id:bitwise=1ec|m:tun_gbp_id:cidr=1ec|m:tun_gbp_id:exact=1ec|" +
  "m:tun_id:bitwise=1ec|m:tun_id:cidr=1ec|m:tun_id:exact=1ec|m:tun_ipv6_dst:bitwise=1ec|" +
  "m:tun_ipv6_dst:cidr=1ec|m:tun_ipv6_dst:exact=1ec|m:tun_ipv6_src:bitwise=1ec|m:tun_ipv6_src:cidr=1ec|" +
  "m:tun_ipv6_src:exact=1ec|m:tun_metadata0:bitwise=1ec|m:tun_metadata0:cidr=1ec|" +
  "m:tun_metadata0:exact=1ec|m:tun_metadata10:bitwise=1ec|m:tun_metadata10:cidr=1ec|" +
  "m:tun_metadata10:exact=1ec|m:tun_metadata11:bitwise=1ec|m:tun_metadata11:cidr=1ec|" +
  "m:tun_metadata11:exact=1ec|m:tun_metadata12:bitwise=1ec|m:tun_metadata12:cidr=1ec|" +
  "m:tun_metadata12:exact=1ec|m:tun_metadata13:bitwise=1ec|m:tun_metadata13:cidr=1ec|" +
  "m:tun_metadata13:exact=1ec|m:tun_metadata14:bitwise=1ec|m:tun_metadata14:cidr=1ec|" +
  "m:tun_metadata14:exact=1ec|m:tun_metadata15:bitwise=1ec|m:tun_metadata15:cidr=1ec|" +
  "m:tun_metadata15:exact=1ec|m:tun_metadata16:bitwise=1ec|m:tun_metadata16:cidr=1ec|" +
  "m:tun_metadata16:exact=1ec|m:tun_metadata17:bitwise=1ec|m:tun_metadata17:cidr=1ec|" +
  "m:tun_metadata17:exact=1ec|m:tun_metadata18:bitwise=1ec|m:tun_metadata18:cidr=1ec|" +
  "m:tun_metadata18:exact=1ec|m:tun_metadata19:bitwise=1ec|m:tun_metadata19:cidr=1ec|" +
  "m:tun_metadata19:exact=1ec|m:tun_metadata1:bitwise=1ec|m:tun_metadata1:cidr=1ec|" +
  "m:tun_metadata1:exact=1ec|m:tun_metadata20:bitwise=1ec|m:tun_metadata20:cidr=1ec|" +
  "m:tun_metadata20:exact=1ec|m:tun_metadata21:bitwise=1ec|m:tun_metadata21:cidr=1ec|" +
  "m:tun_metadata21:exact=1ec|m:tun_metadata22:bitwise=1ec|m:tun_metadata22:cidr=1ec|" +
  "m:tun_metadata22:exact=1ec|m:tun_metadata23:bitwise=1ec|m:tun_metadata23:cidr=1ec|" +
  "m:tun_metadata23:exact=1ec|m:tun_metadata24:bitwise=1ec|m:tun_metadata24:cidr=1ec|" +
  "m:tun_metadata24:exact=1ec|m:tun_metadata25:bitwise=1ec|m:tun_metadata25:cidr=1ec|" +
  "m:tun_metadata25:exact=1ec|m:tun_metadata26:bitwise=1ec|m:tun_metadata26:cidr=1ec|" +
  "m:tun_metadata26:exact=1ec|m:tun_metadata27:bitwise=1ec|m:tun_metadata27:cidr=1ec|" +
  "m:tun_metadata27:exact=1ec|m:tun_metadata28:bitwise=1ec|m:tun_metadata28:cidr=1ec|" +
  "m:tun_metadata28:exact=1ec|m:tun_metadata29:bitwise=1ec|m:tun_metadata29:cidr=1ec|" +
  "m:tun_metadata29:exact=1ec|m:tun_metadata2:bitwise=1ec|m:tun_metadata2:cidr=1ec|" +
  "m:tun_metadata2:exact=1ec|m:tun_metadata30:bitwise=1ec|m:tun_metadata30:cidr=1ec|" +
  "m:tun_metadata30:exact=1ec|m:tun_metadata31:bitwise=1ec|m:tun_metadata31:cidr=1ec|" +
  "m:tun_metadata31:exact=1ec|m:tun_metadata32:bitwise=1ec|m:tun_metadata32:cidr=1ec|" +
  "m:tun_metadata32:exact=1ec|m:tun_metadata33:bitwise=1ec|m:tun_metadata33:cidr=1ec|" +
  "m:tun_metadata33:exact=1ec|m:tun_metadata34:bitwise=1ec|m:tun_metadata34:cidr=1ec|" +
  "m:tun_metadata34:exact=1ec|m:tun_metadata35:bitwise=1ec|m:tun_metadata35:cidr=1ec|" +
  "m:tun_metadata35:exact=1ec|m:tun_metadata36:bitwise=1ec|m:tun_metadata36:cidr=1ec|" +
  "m:tun_metadata36:exact=1ec|m:tun_metadata37:bitwise=1ec|m:tun_metadata37:cidr=1ec|" +
  "m:tun_metadata37:exact=1ec|m:tun_metadata38:bitwise=1ec|m:tun_metadata38:cidr=1ec|" +
  "m:tun_metadata38:exact=1ec|m:tun_metadata39:bitwise=1ec|m:tun_metadata39:cidr=1ec|" +
  "m:tun_metadata39:exact=1ec|m:tun_metadata3:bitwise=1ec|m:tun_metadata3:cidr=1ec|" +
  "m:tun_metadata3:exact=1ec|m:tun_metadata40:bitwise=1ec|m:tun_metadata40:cidr=1ec|" +
  "m:tun_metadata40:exact=1ec|m:tun_metadata41:bitwise=1ec|m:tun_metadata41:cidr=1ec|" +
  "m:tun_metadata41:exact=1ec|m:tun_metadata42:bitwise=1ec|m:tun_metadata42:cidr=1ec|" +
  "m:tun_metadata42:exact=1ec|m:tun_metadata43:bitwise=1ec|m:tun_metadata43:cidr=1ec|" +
  "m:tun_metadata43:exact=1ec|m:tun_metadata44:bitwise=1ec|m:tun_metadata44:cidr=1ec|" +
  "m:tun_metadata44:exact=1ec|m:tun_metadata45:bitwise=1ec|m:tun_metadata45:cidr=1ec|" +
  "m:tun_metadata45:exact=1ec|m:tun_metadata46:bitwise=1ec|m:tun_metadata46:cidr=1ec|" +
  "m:tun_metadata46:exact=1ec|m:tun_metadata47:bitwise=1ec|m:tun_metadata47:cidr=1ec|" +
  "m:tun_metadata47:exact=1ec|m:tun_metadata48:bitwise=1ec|m:tun_metadata48:cidr=1ec|" +
  "m:tun_metadata48:exact=1ec|m:tun_metadata49:bitwise=1ec|m:tun_metadata49:cidr=1ec|" +
  "m:tun_metadata49:exact=1ec|m:tun_metadata4:bitwise=1ec|m:tun_metadata4:cidr=1ec|" +
  "m:tun_metadata4:exact=1ec|m:tun_metadata50:bitwise=1ec|m:tun_metadata50:cidr=1ec|" +
  "m:tun_metadata50:exact=1ec|m:tun_metadata51:bitwise=1ec|m:tun_metadata51:cidr=1ec|" +
  "m:tun_metadata51:exact=1ec|m:tun_metadata52:bitwise=1ec|m:tun_metadata52:cidr=1ec|" +
  "m:tun_metadata52:exact=1ec|m:tun_metadata53:bitwise=1ec|m:tun_metadata53:cidr=1ec|" +
  "m:tun_metadata53:exact=1ec|m:tun_metadata54:bitwise=1ec|m:tun_metadata54:cidr=1ec|" +
  "m:tun_metadata54:exact=1ec|m:tun_metadata55:bitwise=1ec|m:tun_metadata55:cidr=1ec|" +
  "m:tun_metadata55:exact=1ec|m:tun_metadata56:bitwise=1ec|m:tun_metadata56:cidr=1ec|" +
  "m:tun_metadata56:exact=1ec|m:tun_metadata57:bitwise=1ec|m:tun_metadata57:cidr=1ec|" +
  "m:tun_metadata57:exact=1ec|m:tun_metadata58:bitwise=1ec|m:tun_metadata58:cidr=1ec|" +
  "m:tun_metadata58:exact=1ec|m:tun_metadata59:bitwise=1ec|m:tun_metadata59:cidr=1ec|" +
  "m:tun_metadata59:exact=1ec|m:tun_metadata5:bitwise=1ec|m:tun_metadata5:cidr=1ec|" +
  "m:tun_metadata5:exact=1ec|m:tun_metadata60:bitwise=1ec|m:tun_metadata60:cidr=1ec|" +
  "m:tun_metadata60:exact=1ec|m:tun_metadata61:bitwise=1ec|m:tun_metadata61:cidr=1ec|" +
  "m:tun_metadata61:exact=1ec|m:tun_metadata62:bitwise=1ec|m:tun_metadata62:cidr=1ec|" +
  "m:tun_metadata62:exact=1ec|m:tun_metadata63:bitwise=1ec|m:tun_metadata63:cidr=1ec|" +
  "m:tun_metadata63:exact=1ec|m:tun_metadata6:bitwise=1ec|m:tun_metadata6:cidr=1ec|" +
  "m:tun_metadata6:exact=1ec|m:tun_metadata7:bitwise=1ec|m:tun_metadata7:cidr=1ec|" +
  "m:tun_metadata7:exact=1ec|m:tun_metadata8:bitwise=1ec|m:tun_metadata8:cidr=1ec|" +
  "m:tun_metadata8:exact=1ec|m:tun_metadata9:bitwise=1ec|m:tun_metadata9:cidr=1ec|" +
  "m:tun_metadata9:exact=1ec|m:tun_src:bitwise=1ec|m:tun_src:cidr=1ec|m:tun_src:exact=1ec|" +
  "m:udp_dst:bitwise=1ec|m:udp_dst:cidr=1ec|m:udp_dst:masked=1ec|m:udp_src:bitwise=1ec|" +
  "m:udp_src:cidr=1ec|m:udp_src:masked=1ec|m:vlan_tci:bitwise=1ec|m:vlan_tci:cidr=1ec|m:vlan_tci:masked=1ec|m:vlan_vid:bitwise=1ec|" +
  "m:vlan_vid:cidr=1ec|m:xreg0:exact=1ec|m:xreg0:masked=1ec|m:xreg1:exact=1ec|m:xreg1:masked=1ec|" +
  "m:xreg2:exact=1ec|m:xreg2:masked=1ec|m:xreg3:exact=1ec|m:xreg3:masked=1ec|m:xreg4:exact=1ec|" +
  "m:xreg4:masked=1ec|m:xreg5:exact=1ec|m:xreg5:masked=1ec|m:xreg6:exact=1ec|m:xreg6:masked=1ec|" +
  "m:xreg7:exact=1ec|m:xreg7:masked=1ec|m:xxreg0:exact=1ec|m:xxreg0:masked=1ec|m:xxreg1:exact=1ec|" +
  "m:xxreg1:masked=1ec|m:xxreg2:exact=1ec|m:xxreg2:masked=1ec|m:xxreg3:exact=1ec|m:xxreg3:masked=1ec|" +
  "s:no_byte_counts=1c0|s:no_packet_counts=1c0|s:reset_counts=1e0|table=1fa|";
// set_field with a mask, and mpls_ttl / tun_flags, probed the same way for every field (the registers and
// tun_metadata fields follow the rule in usableProtocols())
const SET_FIELD_CLASSES =
  "a:set_field:sctp_src/=1fc|a:set_field:sctp_dst/=1fc|a:set_field:arp_sha/=1ec|a:set_field:arp_tha/=1ec|" +
  "a:set_field:ipv6_src/=1ec|a:set_field:ipv6_dst/=1ec|a:set_field:ipv6_label/=1ec|a:set_field:mpls_ttl=1ec|" +
  "a:set_field:tun_id/=1ec|a:set_field:tun_src/=1ec|a:set_field:tun_dst/=1ec|a:set_field:tun_gbp_id/=1ec|" +
  "a:set_field:tun_gbp_flags/=1ec|a:set_field:tun_flags=1ec|a:set_field:tun_flags/=1ec|a:set_field:tun_ipv6_src/=1ec|" +
  "a:set_field:tun_ipv6_dst/=1ec";

const CLASSES = new Map<string, number>(
  `${CLASS_TABLE}|${SET_FIELD_CLASSES}`.split("|").filter((e) => e).map((e) => {
    const i = e.lastIndexOf("=");
    return [e.slice(0, i), parseInt(e.slice(i + 1), 16)] as [string, number];
  }),
);

/** A match key under the field's own name (`m:ip_src:cidr` is `m:nw_src:cidr`): the table is keyed by it. */
function canonicalKey(k: string): string {
  const m = /^m:([^:=@]+):(\w+)$/.exec(k);
  const def = m ? fieldByName(m[1]!) : undefined;
  return def ? `m:${def.name}:${m![2]}` : k;
}

/** NXM and OXM (Open vSwitch's OFPUTIL_P_NXM_OXM_ANY). */
const NXM_OXM = 0x1ec;
/** set_field of a register or a tun_metadata field, exact or masked: NXM and OXM only, as ovs-ofctl says. */
const NXM_ONLY_SET_FIELD = /^a:set_field:(?:x{0,2}reg\d+|tun_metadata\d+|nsh_\w+|tun_erspan_\w+)\/?$/;
/**
 * A match on an NSH, ERSPAN or GTP-U field, however masked: NXM and OXM only (the fields have experimenter
 * OXM headers only, which both carry), as ovs-ofctl says.
 */
const NXM_OXM_MATCH = /^m:(?:nsh_|tun_erspan_|tun_gtpu_)\w+:\w+$/;

/**
 * A match on `in_port_oxm` (OXM_OF_IN_PORT, Open vSwitch's MFF_IN_PORT_OXM, not `in_port`'s NXM_OF_IN_PORT),
 * and a set_field of it: the protocols that have a 32-bit port, NXM, OXM and OpenFlow 1.1 (as ovs-ofctl says).
 */
const IN_PORT_OXM_KEY = /^(?:m|a:set_field):(?:in_port_oxm|oxm_of_in_port)\b/;
const IN_PORT_OXM_CLASS = NXM_OXM | Protocol.OF11_STD;

/** The protocols of a feature key no table entry names: by the rules above, else any. */
function ruleClass(k: string): number {
  if (NXM_ONLY_SET_FIELD.test(k)) return NXM_OXM;
  return NXM_OXM_MATCH.test(canonicalKey(k)) ? NXM_OXM : ANY_PROTOCOL;
}

/** The protocols that can carry the flow `text` (parsed as `fm`), as `ovs-ofctl parse-flow` reports. */
export function usableProtocols(text: string, fm: ParsedFlow): number {
  let u = ANY_PROTOCOL;
  for (const k of flowKeys(text, fm)) u &= IN_PORT_OXM_KEY.test(k) ? IN_PORT_OXM_CLASS : (CLASSES.get(k) ?? CLASSES.get(canonicalKey(k)) ?? ruleClass(k));
  if (fm.of10Only) u &= Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID;
  return u;
}
