/**
 * OpenFlow 1.1 and 1.2 table statistics (`ofp11_table_stats`, `ofp12_table_stats`): each entry carries the
 * table's features as bitmaps (match and wildcard fields, instructions, actions, set-field fields, metadata,
 * table-miss config); printed as Open vSwitch's ofputil_decode_ofp11/12_table_stats() read them and
 * ofputil_table_features_format() prints them.
 *
 * @module
 */
import { OfpVersion } from "../constants.js";
import { type Features, actionBits, actionBitsByName, fieldIndexOf, formatFeatureSummaries, instructionBits } from "../tablefeatures.js";

/** Entry sizes: `ofp11_table_stats` and `ofp12_table_stats`. */
const SIZE: Record<number, number> = { [OfpVersion.OF11]: 88, [OfpVersion.OF12]: 128 };

/** OFPFMF11_* bits and the Open vSwitch field each means (mf_bitmap_from_of11()). */
const OF11_MATCH: readonly (readonly [number, string])[] = [
  [0, "in_port"],
  [1, "vlan_vid"],
  [2, "vlan_pcp"],
  [3, "eth_type"],
  [4, "nw_tos"],
  [5, "nw_proto"],
  [6, "tcp_src"],
  [7, "tcp_dst"],
  [8, "mpls_label"],
  [9, "mpls_tc"],
  [11, "eth_src"],
  [12, "eth_dst"],
  [13, "ip_src"],
  [14, "ip_dst"],
  [15, "metadata"],
];

/** OpenFlow 1.1 action types (bit n of the bitmap) and Open vSwitch's action for each. */
const OF11_ACTIONS: readonly string[] = [
  "output",
  "set_vlan_vid",
  "set_vlan_pcp",
  "mod_dl_src",
  "mod_dl_dst",
  "mod_nw_src",
  "mod_nw_dst",
  "mod_nw_tos",
  "mod_nw_ecn",
  "mod_tp_src",
  "mod_tp_dst",
  "",
  "",
  "set_mpls_label",
  "set_mpls_tc",
  "set_mpls_ttl",
  "dec_mpls_ttl",
  "push_vlan",
  "strip_vlan",
  "push_mpls",
  "pop_mpls",
  "set_queue",
  "group",
  "mod_nw_ttl",
  "dec_ttl",
];

const MISS = ["controller", "continue", "drop", "controller"];

function bitsSet(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if ((v >> BigInt(i)) & 1n) out.push(i);
  return out;
}

function fieldSet(keys: readonly string[]): Set<number> {
  const s = new Set<number>();
  for (const k of keys) {
    const i = fieldIndexOf(k);
    if (i !== undefined) s.add(i);
  }
  return s;
}

/** The features and statistics of one OpenFlow 1.1/1.2 table-stats entry at `o`. */
function readEntry(v: DataView, o: number, version: number): Features {
  const name = new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + o + 8, 32)).replace(/\0.*$/s, "");
  const empty = () => ({ acts: 0, setFields: new Set<number>() });
  const f: Features = {
    tableId: v.getUint8(o),
    name,
    metadataMatch: 0n,
    metadataWrite: 0n,
    maxEntries: 0,
    eviction: -1,
    vacancy: -1,
    nonmiss: { next: new Set(), insts: 0, write: empty(), apply: empty() },
    miss: { next: new Set(), insts: 0, write: empty(), apply: empty() },
    match: new Set(),
    mask: new Set(),
    wildcard: new Set(),
  };
  let config: number;
  if (version === OfpVersion.OF11) {
    const fields = (bits: number) => fieldSet(OF11_MATCH.filter(([b]) => bits & (1 << b)).map(([, n]) => n));
    f.wildcard = fields(v.getUint32(o + 40));
    f.match = fields(v.getUint32(o + 44));
    f.nonmiss.insts = instructionBits(bitsSet(BigInt(v.getUint32(o + 48)), 32));
    // Open vSwitch reads both action sets from write_actions
    const acts = actionBitsByName(bitsSet(BigInt(v.getUint32(o + 52)), 32).map((b) => OF11_ACTIONS[b] ?? ""));
    f.nonmiss.write.acts = acts;
    f.nonmiss.apply.acts = acts;
    config = v.getUint32(o + 60);
    f.maxEntries = v.getUint32(o + 64);
    f.stats = { active: v.getUint32(o + 68), lookup: v.getBigUint64(o + 72), matched: v.getBigUint64(o + 80) };
  } else {
    // only the OXM fields OpenFlow 1.2 defines (0 in_port ... 35 mpls_tc), as Open vSwitch's oxm_bitmap_to_mf_bitmap()
    const oxms = (bits: bigint) => fieldSet(bitsSet(bits, 36).map((b) => `8000:${b}:0`));
    f.match = oxms(v.getBigUint64(o + 40));
    f.wildcard = oxms(v.getBigUint64(o + 48));
    f.nonmiss.write.acts = actionBits(bitsSet(BigInt(v.getUint32(o + 56)), 32));
    f.nonmiss.apply.acts = actionBits(bitsSet(BigInt(v.getUint32(o + 60)), 32));
    f.nonmiss.write.setFields = oxms(v.getBigUint64(o + 64));
    f.nonmiss.apply.setFields = oxms(v.getBigUint64(o + 72));
    f.metadataMatch = v.getBigUint64(o + 80);
    f.metadataWrite = v.getBigUint64(o + 88);
    f.nonmiss.insts = instructionBits(bitsSet(BigInt(v.getUint32(o + 96)), 32));
    config = v.getUint32(o + 100);
    f.maxEntries = v.getUint32(o + 104);
    f.stats = { active: v.getUint32(o + 108), lookup: v.getBigUint64(o + 112), matched: v.getBigUint64(o + 120) };
  }
  for (const i of f.wildcard) f.match.add(i);
  f.miss = { ...f.nonmiss };
  f.missConfig = MISS[config & 3];
  return f;
}

/**
 * The text ovs-ofctl prints after the header line of an OpenFlow 1.1 or 1.2 OFPST_TABLE reply body, or
 * undefined when the body is not a whole number of entries (Open vSwitch then reports a bad length).
 */
export function tableStats11Text(version: number, data: Uint8Array): string | undefined {
  const size = SIZE[version];
  if (size === undefined || data.length % size) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const offsets = Array.from({ length: data.length / size }, (_, i) => i * size);
  return formatFeatureSummaries(offsets, (o) => readEntry(v, o, version)).text.replace(/\n$/, "");
}
