/**
 * `ovn-ts ofctl dump-flows --sort[=FIELD]` / `--rsort[=FIELD]`, as ovs-ofctl's compare_flows(): flows ordered
 * by each criterion in turn (priority, or a match field's value compared byte by byte), ascending for
 * `--sort`, descending for `--rsort`; a flow that does not match on the field comes after those that do
 * either way (those compared by what their flow holds there: zero, or a field sharing the storage); ties keep
 * the switch's order. ovs-ofctl adds a last criterion, priority descending (the options reader does too).
 *
 * @module
 */
import type { FlowStats } from "../openflow/messages.js";
import { fieldByName } from "../openflow/oxm.js";

/** One `--sort` / `--rsort` criterion: a field name (undefined: priority) and its direction. */
export interface SortCriterion {
  readonly field: string | undefined;
  readonly descending: boolean;
}

/**
 * The criterion of `--sort[=FIELD]` (`descending`: `--rsort`).
 * @throws Error `FIELD: unknown field name` (ovs-ofctl's message)
 */
export function sortCriterion(field: string | undefined, descending: boolean): SortCriterion {
  if (field === undefined || field.toLowerCase() === "priority") return { field: undefined, descending };
  const alias = VLAN_ALIASES.get(field.toLowerCase());
  if (alias) return { field: alias, descending };
  const def = fieldByName(field);
  if (!def) throw new Error(`${field}: unknown field name`);
  return { field: def.name, descending };
}

/** Open vSwitch's OpenFlow 1.0 VLAN fields, read from the 802.1Q TCI (`dl_vlan`: its 12 VID bits). */
const VLAN_ALIASES = new Map([
  ["dl_vlan", "dl_vlan"],
  ["dl_vlan_pcp", "dl_vlan_pcp"],
]);

/** `dl_vlan` / `dl_vlan_pcp` of a match, from `vlan_vid`/`vlan_pcp` (OXM) or `vlan_tci` (NXM). */
function vlanValue(f: FlowStats, field: "dl_vlan" | "dl_vlan_pcp"): Uint8Array | undefined {
  const word = (b: Uint8Array | undefined) => (b ? ((b[0] ?? 0) << 8) | (b[1] ?? 0) : 0xffff);
  const tci = f.match.find((x) => x.field === "vlan_tci");
  if (field === "dl_vlan") {
    const vid = f.match.find((x) => x.field === "vlan_vid");
    const [value, mask] = vid ? [word(vid.value), word(vid.mask)] : tci ? [word(tci.value), word(tci.mask)] : [0, 0];
    if (!(mask & 0x0fff)) return undefined;
    return Uint8Array.of((value >> 8) & 0x0f, value & 0xff);
  }
  const pcp = f.match.find((x) => x.field === "vlan_pcp");
  if (pcp) return pcp.value;
  if (!tci || !(word(tci.mask) & 0xe000)) return undefined;
  return Uint8Array.of(word(tci.value) >> 13);
}

/** The value bytes of `field` in `f`'s match, or undefined when the flow does not match on it. */
function valueOf(f: FlowStats, field: string): Uint8Array | undefined {
  if (field === "dl_vlan" || field === "dl_vlan_pcp") return vlanValue(f, field);
  const m = f.match.find((x) => x.field === field);
  if (!m || (m.mask && m.mask.every((b) => b === 0))) return undefined;
  return m.value;
}

/** Fields that share one member of Open vSwitch's `struct flow` (the transport ports, the IPv4/ARP addresses). */
const SHARED: readonly (readonly string[])[] = [
  ["tcp_src", "udp_src", "sctp_src", "icmp_type", "icmpv6_type"],
  ["tcp_dst", "udp_dst", "sctp_dst", "icmp_code", "icmpv6_code"],
  ["nw_src", "arp_spa"],
  ["nw_dst", "arp_tpa"],
];

/**
 * What mf_get_value() reads for `field` from a flow that does not match on it: the value of a field sharing
 * its storage (a udp_dst for tcp_dst), else zero.
 */
function storedValue(f: FlowStats, field: string): Uint8Array {
  for (const group of SHARED) {
    if (!group.includes(field)) continue;
    for (const other of group) {
      const v = other === field ? undefined : valueOf(f, other);
      if (v) return v;
    }
  }
  return new Uint8Array(0);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  // right-aligned: a shorter value (a variable-length field) has leading zeros
  for (let i = 0; i < n; i++) {
    const x = a[i - (n - a.length)] ?? 0;
    const y = b[i - (n - b.length)] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** `flows` in the order the criteria give (a stable sort, as glibc's qsort() is for these sizes). */
export function sortFlows(flows: readonly FlowStats[], criteria: readonly SortCriterion[]): FlowStats[] {
  return [...flows].sort((a, b) => {
    for (const c of criteria) {
      let ret: number;
      if (c.field === undefined) ret = a.priority - b.priority;
      else {
        const va = valueOf(a, c.field);
        const vb = valueOf(b, c.field);
        // a flow without the field sorts last, whatever the direction
        if (!va !== !vb) return va ? -1 : 1;
        ret = compareBytes(va ?? storedValue(a, c.field), vb ?? storedValue(b, c.field));
      }
      if (ret) return c.descending ? -ret : ret;
    }
    return 0;
  });
}
