/**
 * OpenFlow 1.3 table features (OpenFlow 1.3.5 §7.3.5.5): typed views of the `ofp_table_feature_prop_*`
 * properties, builders for them, and the `ovs-ofctl ofp-print` rendering of an OFPMP_TABLE_FEATURES
 * request or reply (Open vSwitch's abbreviated listing: `tun_{id,src,dst}`, `reg0...reg15`,
 * `tables 1...252: ditto`).
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import type { TableFeatures } from "./messages.js";
import { hexNum } from "./flowtext.js";

/** Table feature property types (OpenFlow 1.3.5 §7.3.5.5.2 `ofp_table_feature_prop_type`). */
export const TableFeaturePropType = {
  INSTRUCTIONS: 0,
  INSTRUCTIONS_MISS: 1,
  NEXT_TABLES: 2,
  NEXT_TABLES_MISS: 3,
  WRITE_ACTIONS: 4,
  WRITE_ACTIONS_MISS: 5,
  APPLY_ACTIONS: 6,
  APPLY_ACTIONS_MISS: 7,
  MATCH: 8,
  WILDCARDS: 10,
  WRITE_SETFIELD: 12,
  WRITE_SETFIELD_MISS: 13,
  APPLY_SETFIELD: 14,
  APPLY_SETFIELD_MISS: 15,
  EXPERIMENTER: 0xfffe,
  EXPERIMENTER_MISS: 0xffff,
} as const;

/** One OXM header listed by a match/wildcards/set-field property. */
export interface OxmId {
  /** Header word (class, field, has-mask, length). */
  readonly header: number;
  /** Experimenter ID, for class 0xffff headers (8-byte ids). */
  readonly experimenter?: number | undefined;
}

/**
 * A decoded table feature property (OpenFlow 1.3.5 §7.3.5.5.2). `miss` is true for the `*_MISS`
 * variants (what the table-miss flow may use).
 */
export type TableFeatureProperty =
  | { readonly kind: "instructions"; readonly miss: boolean; readonly ids: readonly number[] }
  | { readonly kind: "next_tables"; readonly miss: boolean; readonly tables: readonly number[] }
  | { readonly kind: "write_actions" | "apply_actions"; readonly miss: boolean; readonly ids: readonly number[] }
  | { readonly kind: "match" | "wildcards"; readonly miss: false; readonly oxms: readonly OxmId[] }
  | { readonly kind: "write_setfield" | "apply_setfield"; readonly miss: boolean; readonly oxms: readonly OxmId[] }
  | { readonly kind: "unknown"; readonly propType: number; readonly data: Uint8Array };

const KIND_OF: Record<number, [TableFeatureProperty["kind"], boolean]> = {
  0: ["instructions", false],
  1: ["instructions", true],
  2: ["next_tables", false],
  3: ["next_tables", true],
  4: ["write_actions", false],
  5: ["write_actions", true],
  6: ["apply_actions", false],
  7: ["apply_actions", true],
  8: ["match", false],
  10: ["wildcards", false],
  12: ["write_setfield", false],
  13: ["write_setfield", true],
  14: ["apply_setfield", false],
  15: ["apply_setfield", true],
};

/** Reads `{type u16, len u16, ...}` ids (instruction and action ids); returns the types. */
function readIds(data: Uint8Array, what: string): number[] {
  const r = new Reader(data, "openflow");
  const ids: number[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const type = r.u16();
    const len = r.u16();
    if (len < 4 || len - 4 > r.remaining) r.fail(`${what} id length ${len} is invalid`, at + 2);
    r.skip(len - 4);
    ids.push(type);
  }
  return ids;
}

function readOxmIds(data: Uint8Array): OxmId[] {
  const r = new Reader(data, "openflow");
  const out: OxmId[] = [];
  while (r.remaining > 0) {
    const header = r.u32();
    out.push(header >>> 16 === 0xffff ? { header, experimenter: r.u32() } : { header });
  }
  return out;
}

/**
 * Decodes one raw property of a {@link TableFeatures} entry into its typed form.
 * @throws DecodeError when an id list is malformed.
 */
export function decodeTableFeatureProperty(p: { readonly propType: number; readonly data: Uint8Array }): TableFeatureProperty {
  const k = KIND_OF[p.propType];
  if (!k) return { kind: "unknown", propType: p.propType, data: p.data };
  const [kind, miss] = k;
  switch (kind) {
    case "instructions":
      return { kind, miss, ids: readIds(p.data, "instruction") };
    case "write_actions":
    case "apply_actions":
      return { kind, miss, ids: readIds(p.data, "action") };
    case "next_tables":
      return { kind, miss, tables: [...p.data] };
    case "match":
    case "wildcards":
      return { kind, miss: false, oxms: readOxmIds(p.data) };
    default:
      return { kind: kind as "write_setfield" | "apply_setfield", miss, oxms: readOxmIds(p.data) };
  }
}

/** Encodes a typed table feature property into the raw `{propType, data}` form {@link TableFeatures} carries. */
export function encodeTableFeatureProperty(p: TableFeatureProperty): { propType: number; data: Uint8Array } {
  if (p.kind === "unknown") return { propType: p.propType, data: p.data };
  const propType = Number(Object.keys(KIND_OF).find((t) => KIND_OF[Number(t)]![0] === p.kind && KIND_OF[Number(t)]![1] === p.miss));
  const w = new Writer("openflow", 64);
  if (p.kind === "next_tables") for (const t of p.tables) w.u8(t);
  else if ("ids" in p) for (const id of p.ids) w.u16(id).u16(4);
  else for (const o of p.oxms) o.experimenter === undefined ? w.u32(o.header) : w.u32(o.header).u32(o.experimenter);
  return { propType, data: w.finish().slice() };
}

// ---- Open vSwitch's field table: name and headers (class:field:experimenter) in OVS's field order.
// Derived from ovs-vswitchd 3.1's table-features reply and `ovs-ofctl ofp-print` (test/openflow/gen-table-fields.ts);
// OpenFlow 1.5 replies name actset_output and tcp_flags by their standard OXM headers (8000:43, 8000:42).
const OVS_FIELDS =
  "dp_hash 1:35:0|recirc_id 1:36:0|packet_type 8000:44:0|conj_id 1:37:0|tun_id 8000:38:0 1:16:0|" +
  "tun_src 1:31:0|tun_dst 1:32:0|tun_ipv6_src 1:109:0|tun_ipv6_dst 1:110:0|tun_flags 1:104:0|" +
  "tun_gbp_id 1:38:0|tun_gbp_flags 1:39:0|tun_erspan_idx ffff:11:2320|tun_erspan_ver ffff:12:2320|" +
  "tun_erspan_dir ffff:13:2320|tun_erspan_hwid ffff:14:2320|tun_gtpu_flags ffff:15:2320|" +
  "tun_gtpu_msgtype ffff:16:2320|tun_metadata0 1:40:0|tun_metadata1 1:41:0|tun_metadata2 1:42:0|" +
  "tun_metadata3 1:43:0|tun_metadata4 1:44:0|tun_metadata5 1:45:0|tun_metadata6 1:46:0|" +
  "tun_metadata7 1:47:0|tun_metadata8 1:48:0|tun_metadata9 1:49:0|tun_metadata10 1:50:0|" +
  "tun_metadata11 1:51:0|tun_metadata12 1:52:0|tun_metadata13 1:53:0|tun_metadata14 1:54:0|" +
  "tun_metadata15 1:55:0|tun_metadata16 1:56:0|tun_metadata17 1:57:0|tun_metadata18 1:58:0|" +
  "tun_metadata19 1:59:0|tun_metadata20 1:60:0|tun_metadata21 1:61:0|tun_metadata22 1:62:0|" +
  "tun_metadata23 1:63:0|tun_metadata24 1:64:0|tun_metadata25 1:65:0|tun_metadata26 1:66:0|" +
  "tun_metadata27 1:67:0|tun_metadata28 1:68:0|tun_metadata29 1:69:0|tun_metadata30 1:70:0|" +
  "tun_metadata31 1:71:0|tun_metadata32 1:72:0|tun_metadata33 1:73:0|tun_metadata34 1:74:0|" +
  "tun_metadata35 1:75:0|tun_metadata36 1:76:0|tun_metadata37 1:77:0|tun_metadata38 1:78:0|" +
  "tun_metadata39 1:79:0|tun_metadata40 1:80:0|tun_metadata41 1:81:0|tun_metadata42 1:82:0|" +
  "tun_metadata43 1:83:0|tun_metadata44 1:84:0|tun_metadata45 1:85:0|tun_metadata46 1:86:0|" +
  "tun_metadata47 1:87:0|tun_metadata48 1:88:0|tun_metadata49 1:89:0|tun_metadata50 1:90:0|" +
  "tun_metadata51 1:91:0|tun_metadata52 1:92:0|tun_metadata53 1:93:0|tun_metadata54 1:94:0|" +
  "tun_metadata55 1:95:0|tun_metadata56 1:96:0|tun_metadata57 1:97:0|tun_metadata58 1:98:0|" +
  "tun_metadata59 1:99:0|tun_metadata60 1:100:0|tun_metadata61 1:101:0|tun_metadata62 1:102:0|" +
  "tun_metadata63 1:103:0|metadata 8000:2:0|in_port 0:0:0|in_port_oxm 8000:0:0|" +
  "actset_output ffff:43:4f4e4600 8000:43:0|pkt_mark 1:33:0|ct_state 1:105:0|ct_zone 1:106:0|ct_mark 1:107:0|" +
  "ct_label 1:108:0|ct_nw_proto 1:119:0|ct_nw_src 1:120:0|ct_nw_dst 1:121:0|ct_ipv6_src 1:122:0|" +
  "ct_ipv6_dst 1:123:0|ct_tp_src 1:124:0|ct_tp_dst 1:125:0|reg0 1:0:0|reg1 1:1:0|reg2 1:2:0|" +
  "reg3 1:3:0|reg4 1:4:0|reg5 1:5:0|reg6 1:6:0|reg7 1:7:0|reg8 1:8:0|reg9 1:9:0|reg10 1:10:0|" +
  "reg11 1:11:0|reg12 1:12:0|reg13 1:13:0|reg14 1:14:0|reg15 1:15:0|xreg0 8001:0:0|xreg1 8001:1:0|" +
  "xreg2 8001:2:0|xreg3 8001:3:0|xreg4 8001:4:0|xreg5 8001:5:0|xreg6 8001:6:0|xreg7 8001:7:0|" +
  "xxreg0 1:111:0|xxreg1 1:112:0|xxreg2 1:113:0|xxreg3 1:114:0|eth_src 8000:4:0 0:2:0|" +
  "eth_dst 8000:3:0 0:1:0|eth_type 8000:5:0 0:3:0|vlan_tci 0:4:0|vlan_vid 8000:6:0|" +
  "vlan_pcp 8000:7:0|mpls_label 8000:34:0|mpls_tc 8000:35:0|mpls_bos 8000:36:0|mpls_ttl 1:30:0|" +
  "ip_src 8000:11:0 0:7:0|ip_dst 8000:12:0 0:8:0|ipv6_src 8000:26:0 1:19:0|" +
  "ipv6_dst 8000:27:0 1:20:0|ipv6_label 8000:28:0 1:27:0|nw_proto 8000:10:0 0:6:0|nw_tos 0:5:0|" +
  "ip_dscp 8000:8:0|nw_ecn 8000:9:0 1:28:0|nw_ttl 1:29:0|ip_frag 1:26:0|arp_op 8000:21:0 0:15:0|" +
  "arp_spa 8000:22:0 0:16:0|arp_tpa 8000:23:0 0:17:0|arp_sha 8000:24:0 1:17:0|" +
  "arp_tha 8000:25:0 1:18:0|tcp_src 8000:13:0 0:9:0|tcp_dst 8000:14:0 0:10:0|" +
  "tcp_flags ffff:42:4f4e4600 1:34:0 8000:42:0|udp_src 8000:15:0 0:11:0|udp_dst 8000:16:0 0:12:0|" +
  "sctp_src 8000:17:0|sctp_dst 8000:18:0|icmp_type 8000:19:0 0:13:0|icmp_code 8000:20:0 0:14:0|" +
  "icmpv6_type 8000:29:0 1:21:0|icmpv6_code 8000:30:0 1:22:0|nd_target 8000:31:0 1:23:0|" +
  "nd_sll 8000:32:0 1:24:0|nd_tll 8000:33:0 1:25:0|nd_reserved 1000:1:0|nd_options_type 1000:2:0|" +
  "nsh_flags ffff:1:5ad650|nsh_mdtype ffff:2:5ad650|nsh_np ffff:3:5ad650|nsh_spi ffff:4:5ad650|" +
  "nsh_si ffff:5:5ad650|nsh_c1 ffff:6:5ad650|nsh_c2 ffff:7:5ad650|nsh_c3 ffff:8:5ad650|" +
  "nsh_c4 ffff:9:5ad650|nsh_ttl ffff:10:5ad650";
const FIELD_ORDER = new Map<string, number>();
const FIELD_NAMES: string[] = [];
OVS_FIELDS.split("|").forEach((e, i) => {
  const [name, ...keys] = e.split(" ");
  FIELD_NAMES.push(name!);
  for (const k of keys) FIELD_ORDER.set(k, i);
});

/** OVS field index of an OXM id, or undefined for a field OVS does not know (skipped, as OVS does). */
function fieldIndex(o: OxmId): number | undefined {
  return FIELD_ORDER.get(`${(o.header >>> 16).toString(16)}:${(o.header >>> 9) & 0x7f}:${(o.experimenter ?? 0).toString(16)}`);
}

/** OpenFlow 1.3 instruction types in the order OVS prints them, with their names. */
const INSTRUCTIONS: readonly [number, string][] = [
  [6, "meter"],
  [4, "apply_actions"],
  [5, "clear_actions"],
  [3, "write_actions"],
  [2, "write_metadata"],
  [1, "goto_table"],
];
/**
 * OpenFlow 1.3 action types OVS maps to its own actions, in the order it prints them (its ofpact order);
 * -1: an OpenFlow 1.1 action with no 1.3 code (`set_vlan_vid`, `mod_dl_src`, ...).
 */
const ACTIONS: readonly [number, string][] = [
  [0, "output"],
  [22, "group"],
  [25, "set_field"],
  [-1, "set_vlan_vid"],
  [-1, "set_vlan_pcp"],
  [18, "strip_vlan"],
  [17, "push_vlan"],
  [-1, "mod_dl_src"],
  [-1, "mod_dl_dst"],
  [-1, "mod_nw_src"],
  [-1, "mod_nw_dst"],
  [-1, "mod_nw_tos"],
  [-1, "mod_nw_ecn"],
  [23, "mod_nw_ttl"],
  [-1, "mod_tp_src"],
  [-1, "mod_tp_dst"],
  [24, "dec_ttl"],
  [-1, "set_mpls_label"],
  [-1, "set_mpls_tc"],
  [15, "set_mpls_ttl"],
  [16, "dec_mpls_ttl"],
  [19, "push_mpls"],
  [20, "pop_mpls"],
  [21, "set_queue"],
];

/** The action bitmask of action names (OVS's names, as {@link formatFeatureSummaries} prints them). */
export function actionBitsByName(names: readonly string[]): number {
  let m = 0;
  ACTIONS.forEach(([, n], i) => {
    if (names.includes(n)) m |= 1 << i;
  });
  return m;
}

/** The instruction bitmask of OpenFlow instruction types (1 goto_table ... 6 meter). */
export function instructionBits(types: readonly number[]): number {
  return bitsOf(types, INSTRUCTIONS);
}

/** The action bitmask of OpenFlow 1.2/1.3 action types. */
export function actionBits(types: readonly number[]): number {
  return bitsOf(types, ACTIONS);
}

/** OVS's index of a field by its OXM class, field number and experimenter (`"8000:2:0"` is metadata), or its name. */
export function fieldIndexOf(key: string): number | undefined {
  return FIELD_ORDER.get(key) ?? (FIELD_NAMES.indexOf(key) >= 0 ? FIELD_NAMES.indexOf(key) : undefined);
}

/** OVS's reading of one table: bitmaps as sorted index sets, instruction/action sets as bitmasks. */
export interface ActionFeatures {
  acts: number;
  setFields: Set<number>;
}
/** Instructions, next tables and actions of a table (for table-miss flows or the others). */
export interface InstructionFeatures {
  next: Set<number>;
  insts: number;
  write: ActionFeatures;
  apply: ActionFeatures;
}
/** A table's features as Open vSwitch reads them (from table features, or from OpenFlow 1.1/1.2 table statistics). */
export interface Features {
  tableId: number;
  name: string;
  metadataMatch: bigint;
  metadataWrite: bigint;
  maxEntries: number;
  /** OpenFlow 1.4+ capabilities (eviction, vacancy events); -1 before 1.4 (not printed). */
  eviction: number;
  vacancy: number;
  nonmiss: InstructionFeatures;
  miss: InstructionFeatures;
  match: Set<number>;
  mask: Set<number>;
  wildcard: Set<number>;
  /** OpenFlow 1.1/1.2 table-miss behaviour (`controller`, `continue`, `drop`); undefined: not printed. */
  missConfig?: string | undefined;
  /** Statistics printed with the features (OpenFlow 1.1/1.2 table statistics). */
  stats?: { active: number; lookup: bigint; matched: bigint } | undefined;
}

/** A table-features body OVS refuses; the name is the OFPERR_* it reports. */
class FeaturesError extends Error {}

const REQUIRED = [0, 2, 4, 6, 8, 10, 12, 14];

function bitsOf(ids: readonly number[], table: readonly [number, string][]): number {
  let m = 0;
  table.forEach(([t], i) => {
    if (ids.includes(t)) m |= 1 << i;
  });
  return m;
}

function fieldSet(oxms: readonly OxmId[], allowMask: boolean): { exact: Set<number>; masked: Set<number> } {
  const exact = new Set<number>();
  const masked = new Set<number>();
  for (const o of oxms) {
    const i = fieldIndex(o);
    if (i === undefined) continue;
    if (o.header & 0x100) {
      if (!allowMask) throw new FeaturesError("OFPBMC_BAD_MASK");
      masked.add(i);
    } else exact.add(i);
  }
  return { exact, masked };
}

function toFeatures(t: TableFeatures, version: number): Features {
  if (t.tableId === 255) throw new FeaturesError("OFPTFFC_BAD_TABLE");
  const empty = (): InstructionFeatures => ({ next: new Set(), insts: 0, write: { acts: 0, setFields: new Set() }, apply: { acts: 0, setFields: new Set() } });
  const f: Features = {
    tableId: t.tableId,
    name: t.name,
    metadataMatch: t.metadataMatch,
    metadataWrite: t.metadataWrite,
    maxEntries: t.maxEntries,
    eviction: version >= 5 ? (t.config & 4 ? 1 : 0) : -1,
    vacancy: version >= 5 ? (t.config & 8 ? 1 : 0) : -1,
    nonmiss: empty(),
    miss: empty(),
    match: new Set(),
    mask: new Set(),
    wildcard: new Set(),
  };
  const seen = new Set<number>();
  for (const raw of t.properties) {
    if (raw.propType < 32) {
      if (seen.has(raw.propType)) throw new FeaturesError("OFPTFFC_BAD_FEATURES");
      seen.add(raw.propType);
    }
    let p: TableFeatureProperty;
    try {
      p = decodeTableFeatureProperty(raw);
    } catch (e) {
      if (e instanceof DecodeError) throw new FeaturesError("OFPBPC_BAD_LEN");
      throw e;
    }
    const tif = p.kind !== "unknown" && p.miss ? f.miss : f.nonmiss;
    switch (p.kind) {
      case "instructions":
        tif.insts = bitsOf(p.ids, INSTRUCTIONS);
        break;
      case "next_tables":
        tif.next = new Set();
        for (const n of p.tables) {
          if (n >= 255) throw new FeaturesError("OFPBPC_BAD_VALUE");
          tif.next.add(n);
        }
        break;
      case "write_actions":
      case "apply_actions":
        tif[p.kind === "write_actions" ? "write" : "apply"].acts = bitsOf(p.ids.filter((x) => x < 32), ACTIONS);
        break;
      case "match": {
        const { exact, masked } = fieldSet(p.oxms, true);
        f.match = exact;
        f.mask = masked;
        break;
      }
      case "wildcards":
        f.wildcard = fieldSet(p.oxms, false).exact;
        break;
      case "write_setfield":
      case "apply_setfield":
        tif[p.kind === "write_setfield" ? "write" : "apply"].setFields = fieldSet(p.oxms, false).exact;
        break;
      default:
        break; // unknown and experimenter properties are ignored, as a controller does
    }
  }
  if (REQUIRED.some((r) => !seen.has(r))) throw new FeaturesError("OFPTFFC_BAD_FEATURES");
  // absent *_MISS properties mean "same as for other flows"
  if (!seen.has(1)) f.miss.insts = f.nonmiss.insts;
  if (!seen.has(3)) f.miss.next = f.nonmiss.next;
  if (!seen.has(5)) f.miss.write.acts = f.nonmiss.write.acts;
  if (!seen.has(7)) f.miss.apply.acts = f.nonmiss.apply.acts;
  if (!seen.has(13)) f.miss.write.setFields = f.nonmiss.write.setFields;
  if (!seen.has(15)) f.miss.apply.setFields = f.nonmiss.apply.setFields;
  // maskable fields are matchable and may be wildcarded; only matchable fields can be wildcarded
  for (const i of f.mask) {
    f.match.add(i);
    f.wildcard.add(i);
  }
  for (const i of [...f.wildcard]) if (!f.match.has(i)) f.wildcard.delete(i);
  return f;
}

const setEq = (a: Set<number>, b: Set<number>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
const actEq = (a: ActionFeatures, b: ActionFeatures): boolean => a.acts === b.acts && setEq(a.setFields, b.setFields);
const actEmpty = (a: ActionFeatures): boolean => !a.acts && a.setFields.size === 0;

/** Next-table sets are alike when they differ only by the later table itself (no goto back to oneself). */
function nextEq(a: Set<number>, aId: number, b: Set<number>, bId: number): boolean {
  if (bId === aId + 1 && a.has(bId) && !b.has(bId)) return a.size - 1 === b.size && [...b].every((x) => a.has(x));
  if (aId === bId + 1) return nextEq(b, bId, a, aId);
  return setEq(a, b);
}
const instEq = (a: InstructionFeatures, aId: number, b: InstructionFeatures, bId: number): boolean =>
  nextEq(a.next, aId, b.next, bId) && a.insts === b.insts && actEq(a.write, b.write) && actEq(a.apply, b.apply);
const instEmpty = (a: InstructionFeatures): boolean => a.next.size === 0 && !a.insts && actEmpty(a.write) && actEmpty(a.apply);
const featEq = (a: Features, b: Features): boolean =>
  a.metadataMatch === b.metadataMatch &&
  a.metadataWrite === b.metadataWrite &&
  a.maxEntries === b.maxEntries &&
  a.eviction === b.eviction &&
  a.vacancy === b.vacancy &&
  a.missConfig === b.missConfig &&
  instEq(a.nonmiss, a.tableId, b.nonmiss, b.tableId) &&
  instEq(a.miss, a.tableId, b.miss, b.tableId) &&
  setEq(a.match, b.match);

/** Is `b` `a` plus one (reg0 → reg1)? */
function sequential(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return false;
  const sa = a.slice(i);
  const sb = b.slice(i);
  return /^\d{1,9}$/.test(sa) && /^\d{1,9}$/.test(sb) && Number(sa) + 1 === Number(sb);
}

/** Length of the longest common prefix of `a` and `b` that ends in "_" (0 if none). */
function commonPrefix(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length && i < b.length && a[i] === b[i]; i++) if (a[i] === "_") n = i + 1;
  return n;
}

/** OVS's abbreviated name list: common "_" prefixes in braces, runs of numbered names as `a0...a9`. */
export function abbreviate(ids: readonly string[], prefix: number): string {
  let s = "";
  let rest = ids;
  let group = 0;
  while (rest.length > 0) {
    if (group++) s += prefix ? "," : " ";
    // run of names sharing a further "_"-terminated prefix
    let prefixRun = rest.length < 2 ? rest.length : 1;
    let extra = 0;
    if (rest.length >= 2) {
      extra = commonPrefix(rest[0]!.slice(prefix), rest[1]!.slice(prefix));
      if (extra) {
        prefixRun = 2;
        while (prefixRun < rest.length && commonPrefix(rest[0]!.slice(prefix), rest[prefixRun]!.slice(prefix))) prefixRun++;
      }
    }
    // run of sequentially numbered names (a run of two is written out)
    let suffixRun = 1;
    while (suffixRun < rest.length && sequential(rest[suffixRun - 1]!, rest[suffixRun]!)) suffixRun++;
    if (suffixRun === 2) suffixRun = 1;
    const run = Math.max(prefixRun, suffixRun);
    if (suffixRun >= prefixRun) {
      s += rest[0]!.slice(prefix);
      if (run > 1) s += "..." + rest[run - 1]!.slice(prefix);
    } else {
      s += rest[0]!.slice(prefix, prefix + extra) + "{" + abbreviate(rest.slice(0, run), prefix + extra) + "}";
    }
    rest = rest.slice(run);
  }
  return s;
}

const names = (set: Iterable<number>): string => abbreviate([...set].sort((a, b) => a - b).map((i) => FIELD_NAMES[i]!), 0);

function fmtActions(a: ActionFeatures): string {
  let s = "";
  if (a.acts) s += `        actions: ${ACTIONS.filter((_, i) => a.acts & (1 << i)).map(([, n]) => n).join(" ")}\n`;
  if (a.setFields.size) s += `        supported on Set-Field: ${names(a.setFields)}\n`;
  return s;
}

function fmtInstructions(t: InstructionFeatures, prev: InstructionFeatures | undefined): string {
  let s = "";
  if (t.next.size) {
    const ids = [...t.next].sort((a, b) => a - b);
    const ranges: string[] = [];
    for (let i = 0; i < ids.length; ) {
      let j = i;
      while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
      ranges.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
      i = j + 1;
    }
    s += `      next tables: ${ranges.join(",")}\n`;
  }
  if (t.insts) {
    if (prev && prev.insts === t.insts) s += "      (same instructions)\n";
    else s += `      instructions: ${INSTRUCTIONS.filter((_, i) => t.insts & (1 << i)).map(([, n]) => n).join(" ")}\n`;
  }
  if (prev && actEq(t.write, prev.write) && actEq(t.apply, prev.apply) && t.write.setFields.size) s += "      (same actions)\n";
  else if (!actEq(t.write, t.apply)) s += `      Write-Actions features:\n${fmtActions(t.write)}      Apply-Actions features:\n${fmtActions(t.apply)}`;
  else if (!actEmpty(t.write)) s += `      Write-Actions and Apply-Actions features:\n${fmtActions(t.write)}`;
  return s;
}

const statsEq = (a: Features, b: Features | undefined): boolean =>
  !a.stats || (!!b?.stats && a.stats.active === b.stats.active && a.stats.lookup === b.stats.lookup && a.stats.matched === b.stats.matched);

function fmtTable(f: Features, prev: Features | undefined): string {
  let s = `\n  table ${f.tableId}${f.name ? ` ("${f.name}")` : ""}:`;
  const sameFeatures = !!prev && featEq(f, prev);
  if (sameFeatures && statsEq(f, prev)) return s + " ditto";
  s += "\n";
  if (f.stats) s += `    active=${f.stats.active}, lookup=${f.stats.lookup}, matched=${f.stats.matched}\n`;
  if (sameFeatures) return !f.metadataMatch && !f.metadataWrite && !f.maxEntries && instEmpty(f.nonmiss) && instEmpty(f.miss) && !f.match.size ? s : s + "    (same features)\n";
  if (f.metadataMatch || f.metadataWrite) s += `    metadata: match=${hexNum(f.metadataMatch)} write=${hexNum(f.metadataWrite)}\n`;
  if (f.missConfig !== undefined) s += `    config=${f.missConfig}\n`;
  if (f.eviction >= 0) s += `    eviction: ${f.eviction ? "" : "not "}supported\n`;
  if (f.vacancy >= 0) s += `    vacancy events: ${f.vacancy ? "" : "not "}supported\n`;
  if (f.maxEntries) s += `    max_entries=${f.maxEntries}\n`;
  if (prev && instEq(f.nonmiss, f.tableId, prev.nonmiss, prev.tableId) && instEq(f.miss, f.tableId, prev.miss, prev.tableId)) {
    if (!instEmpty(f.nonmiss)) s += "    (same instructions)\n";
  } else if (!instEq(f.nonmiss, f.tableId, f.miss, f.tableId)) {
    s += `    instructions (other than table miss):\n${fmtInstructions(f.nonmiss, prev?.nonmiss)}`;
    s += `    instructions (table miss):\n${fmtInstructions(f.miss, prev?.miss)}`;
  } else if (!instEmpty(f.nonmiss)) {
    s += `    instructions (table miss and others):\n${fmtInstructions(f.nonmiss, prev?.nonmiss)}`;
  }
  if (f.match.size) {
    if (prev && setEq(f.match, prev.match)) s += "    (same matching)\n";
    else {
      s += "    matching:\n";
      const groups: [string, (i: number) => boolean][] = [
        ["arbitrary mask", (i) => f.mask.has(i) && f.wildcard.has(i)],
        ["exact match or wildcard", (i) => !f.mask.has(i) && f.wildcard.has(i)],
        ["must exact match", (i) => !f.mask.has(i) && !f.wildcard.has(i)],
      ];
      for (const [title, pick] of groups) {
        const sel = [...f.match].filter(pick);
        if (sel.length) s += `      ${title}: ${names(sel)}\n`;
      }
    }
  }
  return s;
}

/**
 * Renders the tables of an OFPMP_TABLE_FEATURES request or reply body as `ovs-ofctl ofp-print`
 * does: each table's properties, with a table identical to the one before it (next tables aside)
 * folded into `table N: ditto` / `tables N...M: ditto`. A body Open vSwitch would refuse
 * (a required property missing, a property twice, a masked wildcard) ends with
 * ` ***decode error: OFPERR_NAME***`, after the tables printed so far.
 *
 * @param version - the message's OpenFlow version: 1.4+ prints eviction and vacancy-event support, 1.5 a non-replace command
 * @returns the text to append after the message header line (starts with a newline unless empty).
 */
export function formatTableFeatures(tables: readonly TableFeatures[], version = 4): { text: string; error?: string } {
  let s = "";
  // OpenFlow 1.5 table-features requests carry a command; REPLACE (0) is what earlier versions mean
  const command = tables[0]?.command ?? 0;
  if (version >= 6 && command !== 0) s += `\n  command: ${["replace", "modify", "enable", "disable"][command] ?? command}`;
  const out = formatFeatureSummaries(tables, (t) => toFeatures(t, version));
  return { text: s + out.text, ...(out.error ? { error: out.error } : {}) };
}

/**
 * Prints tables as Open vSwitch's ofputil_table_features_format() does, folding a table like the one
 * before it into `table N: ditto` / `tables N...M: ditto`; `read` turns an entry into its features and may
 * throw FeaturesError (printed as the error after the tables so far).
 */
export function formatFeatureSummaries<T>(tables: readonly T[], read: (t: T) => Features): { text: string; error?: string } {
  let s = "";
  let prev: Features | undefined;
  let first = -1;
  let last = -1;
  const finish = () => {
    if (first < 0) return;
    s += first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
    first = -1;
  };
  for (const t of tables) {
    let f: Features;
    try {
      f = read(t);
    } catch (e) {
      if (!(e instanceof FeaturesError)) throw e;
      finish();
      return { text: s, error: e.message };
    }
    if (prev && featEq(f, prev) && statsEq(f, prev) && !f.name) {
      if (first < 0) first = f.tableId;
      last = f.tableId;
    } else {
      finish();
      s += fmtTable(f, prev);
    }
    prev = f;
  }
  finish();
  return { text: s };
}
