/**
 * OpenFlow 1.0 actions (OpenFlow 1.0.0 §5.2.4 `ofp_action_type`): output and enqueue with 16-bit ports,
 * the fixed "set field" actions (VLAN, Ethernet, IPv4, TOS, transport ports) and strip_vlan, plus the
 * Nicira vendor actions (decoded and encoded by the shared codec in ../actions.ts).
 *
 * Decoding yields the legacy action variants ({@link LegacyAction}) so that they print as ovs-ofctl prints
 * them (`mod_vlan_vid:9`, `strip_vlan`, `enqueue:1:2`); encoding also accepts the OpenFlow 1.3 forms the
 * flow parser produces (`push_vlan` + `set_field`, `set_queue` + `output` + `pop_queue`, ...) and writes
 * them the way Open vSwitch does for OpenFlow 1.0: a legacy action where one exists, a Nicira
 * `NXAST_REG_LOAD` otherwise.
 *
 * @module
 */
import { DecodeError } from "../../bytes/decode-error.js";
import { EncodeError } from "../../bytes/encode-error.js";
import { Reader } from "../../bytes/reader.js";
import { Writer } from "../../bytes/writer.js";
import { bigToBytes, bytesToBig } from "../../bytes/hex.js";
import { type Action, type Instruction, decodeActions, encodeAction, subField } from "../actions.js";
import { fieldByName, nxWidth } from "../oxm.js";
import { OfpVersion } from "../constants.js";
import { port16to32, port32to16 } from "../ports.js";

/** OpenFlow 1.0 action bits in Open vSwitch's ofpact order (enqueue right after output). */
export const ACTION_BITS10: ReadonlyArray<readonly [number, string]> = [
  [0, "output"],
  [11, "enqueue"],
  [1, "set_vlan_vid"],
  [2, "set_vlan_pcp"],
  [3, "strip_vlan"],
  [4, "mod_dl_src"],
  [5, "mod_dl_dst"],
  [6, "mod_nw_src"],
  [7, "mod_nw_dst"],
  [8, "mod_nw_tos"],
  [9, "mod_tp_src"],
  [10, "mod_tp_dst"],
];

/** OpenFlow 1.0 action types (`ofp_action_type`). */
export const Of10ActionType = {
  OUTPUT: 0,
  SET_VLAN_VID: 1,
  SET_VLAN_PCP: 2,
  STRIP_VLAN: 3,
  SET_DL_SRC: 4,
  SET_DL_DST: 5,
  SET_NW_SRC: 6,
  SET_NW_DST: 7,
  SET_NW_TOS: 8,
  SET_TP_SRC: 9,
  SET_TP_DST: 10,
  ENQUEUE: 11,
  VENDOR: 0xffff,
} as const;

/**
 * The actions of OpenFlow 1.0 (and 1.1) that OpenFlow 1.3 replaced by set_field, push/pop_vlan and
 * set_queue. Ports are in the 32-bit space like every other port of the codec.
 */
export type LegacyAction =
  | {
      readonly type: "set_vlan_vid";
      readonly vid: number;
      /** OpenFlow 1.1's action (no VLAN header pushed, printed `set_vlan_vid`), not OpenFlow 1.0's `mod_vlan_vid`. */
      readonly of11?: boolean | undefined;
    }
  | {
      readonly type: "set_vlan_pcp";
      readonly pcp: number;
      /** OpenFlow 1.1's action (printed `set_vlan_pcp`), not OpenFlow 1.0's `mod_vlan_pcp`. */
      readonly of11?: boolean | undefined;
    }
  | { readonly type: "strip_vlan" }
  | { readonly type: "set_dl_src"; readonly mac: Uint8Array }
  | { readonly type: "set_dl_dst"; readonly mac: Uint8Array }
  | { readonly type: "set_nw_src"; readonly addr: number }
  | { readonly type: "set_nw_dst"; readonly addr: number }
  | { readonly type: "set_nw_tos"; readonly tos: number }
  | { readonly type: "set_nw_ecn"; readonly ecn: number }
  | { readonly type: "set_tp_src"; readonly port: number }
  | { readonly type: "set_tp_dst"; readonly port: number }
  | { readonly type: "enqueue"; readonly port: number; readonly queueId: number }
  | { readonly type: "set_mpls_label"; readonly label: number }
  | { readonly type: "set_mpls_tc"; readonly tc: number };

/** Nicira subtypes written here directly (not in the shared codec). */
const NXAST_WRITE_METADATA = 22;
const NXAST_ENCAP = 46;
const NXAST_DEC_NSH_TTL = 48;
const NXAST_PUSH_MPLS = 23;
const NXAST_POP_MPLS = 24;
const NXAST_SET_MPLS_TTL = 25;
const NXAST_DEC_MPLS_TTL = 26;
const NXAST_SET_MPLS_LABEL = 30;
const NXAST_SET_MPLS_TC = 31;
const NXAST_GROUP = 40;
const NXAST_CLONE = 42;
/** Nesting limit of clone() in an OpenFlow 1.0 list (hostile-input guard, as MAX_ACTION_DEPTH). */
const MAX_CLONE_DEPTH = 8;
const NX_VENDOR = 0x00002320;

/** OpenFlow error of an OpenFlow 1.0 action list (as DecodeError reasons, the names Open vSwitch prints). */
function bad(r: Reader, reason: string, at: number): never {
  throw new DecodeError("openflow", r.base + at, reason);
}

/** True for a port an OpenFlow 1.0 output may name (Open vSwitch's ofpact_check_output_port()). */
function validOutPort(p16: number): boolean {
  return p16 < 0xff00 || (p16 >= 0xfff8 && p16 <= 0xfffe);
}

/**
 * Decodes an OpenFlow 1.0 action list filling the reader into instructions: the actions as one
 * apply-actions instruction, and `write_metadata` (NXAST_WRITE_METADATA) as its own instruction.
 * @throws DecodeError whose reason is the OpenFlow error Open vSwitch reports (`OFPBAC_BAD_LEN`, ...)
 */
export function decodeOf10ActionsAsInstructions(r: Reader, depth = 0): Instruction[] {
  const actions: Action[] = [];
  const extra: Instruction[] = [];
  // how many actions there were at the write_metadata (an action after it is out of instruction order)
  let metaAt = Infinity;
  while (r.remaining > 0) {
    const start = r.pos;
    if (r.remaining < 8) bad(r, "OFPBAC_BAD_LEN", start);
    const type = r.u16();
    const len = r.u16();
    if (len < 8 || len % 8 || len > r.remaining + 4) bad(r, "OFPBAC_BAD_LEN", start);
    r.pos = start;
    const a = r.sub(len, "action");
    a.skip(4);
    const fixed = (n: number) => {
      if (len !== n) bad(r, "OFPBAC_BAD_LEN", start);
    };
    switch (type) {
      case Of10ActionType.OUTPUT: {
        fixed(8);
        const port = a.u16();
        const maxLen = a.u16();
        if (!validOutPort(port)) bad(r, "OFPBAC_BAD_OUT_PORT", start);
        actions.push({ type: "output", port: port16to32(port), maxLen });
        break;
      }
      case Of10ActionType.SET_VLAN_VID: {
        fixed(8);
        const vid = a.u16();
        if (vid & ~0xfff) bad(r, "OFPBAC_BAD_ARGUMENT", start);
        actions.push({ type: "set_vlan_vid", vid });
        break;
      }
      case Of10ActionType.SET_VLAN_PCP: {
        fixed(8);
        const pcp = a.u8();
        if (pcp & ~7) bad(r, "OFPBAC_BAD_ARGUMENT", start);
        actions.push({ type: "set_vlan_pcp", pcp });
        break;
      }
      case Of10ActionType.STRIP_VLAN:
        fixed(8);
        actions.push({ type: "strip_vlan" });
        break;
      case Of10ActionType.SET_DL_SRC:
      case Of10ActionType.SET_DL_DST:
        fixed(16);
        actions.push({ type: type === Of10ActionType.SET_DL_SRC ? "set_dl_src" : "set_dl_dst", mac: a.take(6).slice() });
        break;
      case Of10ActionType.SET_NW_SRC:
      case Of10ActionType.SET_NW_DST:
        fixed(8);
        actions.push({ type: type === Of10ActionType.SET_NW_SRC ? "set_nw_src" : "set_nw_dst", addr: a.u32() });
        break;
      case Of10ActionType.SET_NW_TOS: {
        fixed(8);
        const tos = a.u8();
        if (tos & 3) bad(r, "OFPBAC_BAD_ARGUMENT", start);
        actions.push({ type: "set_nw_tos", tos });
        break;
      }
      case Of10ActionType.SET_TP_SRC:
      case Of10ActionType.SET_TP_DST:
        fixed(8);
        actions.push({ type: type === Of10ActionType.SET_TP_SRC ? "set_tp_src" : "set_tp_dst", port: a.u16() });
        break;
      case Of10ActionType.ENQUEUE: {
        fixed(16);
        const port = a.u16();
        a.skip(6);
        const queueId = a.u32();
        if (port >= 0xff00 && port !== 0xfff8 && port !== 0xfffe) bad(r, "OFPBAC_BAD_OUT_PORT", start);
        actions.push({ type: "enqueue", port: port16to32(port), queueId });
        break;
      }
      case Of10ActionType.VENDOR: {
        const vendor = a.u32();
        const subtype = a.remaining >= 2 ? (a.bytes[a.pos]! << 8) | a.bytes[a.pos + 1]! : -1;
        // encap, decap and dec_nsh_ttl are Nicira actions of OpenFlow 1.3 and later only
        if (vendor === NX_VENDOR && subtype >= NXAST_ENCAP && subtype <= NXAST_DEC_NSH_TTL) bad(r, "OFPBAC_BAD_VENDOR_TYPE", start);
        if (vendor === NX_VENDOR && subtype === NXAST_WRITE_METADATA) {
          if (len !== 32) bad(r, "OFPBAC_BAD_LEN", start);
          a.skip(8);
          // instruction order (ofpacts_verify): nothing may follow write_metadata, not even another one
          if (extra.length) bad(r, "OFPBAC_UNSUPPORTED_ORDER", start);
          extra.push({ type: "write_metadata", metadata: a.u64(), mask: a.u64() });
          metaAt = actions.length;
          break;
        }
        if (vendor === NX_VENDOR && subtype >= NXAST_PUSH_MPLS && subtype <= NXAST_SET_MPLS_TC && subtype !== 27 && subtype !== 28 && subtype !== 29) {
          // the Nicira MPLS actions (OpenFlow 1.0 has none of its own)
          if (len !== 16) bad(r, "OFPBAC_BAD_LEN", start);
          a.skip(2);
          if (subtype === NXAST_PUSH_MPLS || subtype === NXAST_POP_MPLS) {
            const ethertype = a.u16();
            // decode_NXAST_RAW_PUSH_MPLS(): an MPLS Ethertype only
            if (subtype === NXAST_PUSH_MPLS && ethertype !== 0x8847 && ethertype !== 0x8848) bad(r, "OFPBAC_BAD_ARGUMENT", start);
            actions.push({ type: subtype === NXAST_PUSH_MPLS ? "push_mpls" : "pop_mpls", ethertype });
          }
          else if (subtype === NXAST_SET_MPLS_TTL) actions.push({ type: "set_mpls_ttl", ttl: a.u8() });
          else if (subtype === NXAST_DEC_MPLS_TTL) actions.push({ type: "dec_mpls_ttl" });
          else if (subtype === NXAST_SET_MPLS_TC) actions.push({ type: "set_mpls_tc", tc: a.u8() });
          else {
            a.skip(2);
            actions.push({ type: "set_mpls_label", label: a.u32() });
          }
          break;
        }
        if (vendor === NX_VENDOR && subtype === NXAST_CLONE) {
          // clone's actions are in the list's own (OpenFlow 1.0) encoding
          if (depth >= MAX_CLONE_DEPTH) bad(r, "OFPBAC_BAD_LEN", start);
          a.skip(8);
          const inner = decodeOf10ActionsAsInstructions(a.sub(a.remaining, "clone actions"), depth + 1);
          if (inner.some((i) => i.type !== "apply_actions")) bad(r, "OFPBIC_UNSUP_INST", start);
          actions.push({ type: "clone", actions: inner.flatMap((i) => (i.type === "apply_actions" ? i.actions : [])) });
          break;
        }
        if (vendor === NX_VENDOR && subtype === NXAST_GROUP) {
          if (len !== 16) bad(r, "OFPBAC_BAD_LEN", start);
          a.skip(4);
          actions.push({ type: "group", groupId: a.u32() });
          break;
        }
        r.pos = start;
        actions.push(...decodeActions(r.sub(len, "vendor action")));
        break;
      }
      default:
        bad(r, "OFPBAC_BAD_TYPE", start);
    }
    if (actions.length > metaAt) bad(r, "OFPBAC_UNSUPPORTED_ORDER", start);
    r.pos = start + len;
  }
  return [...(actions.length || !extra.length ? [{ type: "apply_actions", actions } as const] : []), ...extra];
}

/**
 * Decodes an OpenFlow 1.0 action list (a packet-out's, or `ovs-ofctl parse-actions OpenFlow10` input).
 * @throws DecodeError with Open vSwitch's error name as reason; `OFPBIC_UNSUP_INST` for write_metadata
 */
export function decodeOf10Actions(r: Reader): Action[] {
  const insts = decodeOf10ActionsAsInstructions(r);
  if (insts.some((i) => i.type !== "apply_actions")) throw new DecodeError("openflow", r.base + r.start, "OFPBIC_UNSUP_INST");
  return insts.flatMap((i) => (i.type === "apply_actions" ? i.actions : []));
}

/** Decodes a bare OpenFlow 1.0 action list. */
export function decodeOf10ActionList(bytes: Uint8Array): Action[] {
  return decodeOf10Actions(new Reader(bytes, "openflow"));
}

/** The Nicira `load` actions Open vSwitch writes for a set_field in OpenFlow 1.0 and 1.1 (one per run of mask bits, at most 64 bits each; `load2` for an experimenter field). */
export function setFieldLoads(a: Extract<Action, { type: "set_field" }>): Action[] {
  const def = fieldByName(a.field.field);
  if (!def) throw new EncodeError("openflow", a.field.field, "set_field of an unknown field");
  const valueBytes = a.field.value;
  const maskBytes = a.field.mask;
  const width = def.name.startsWith("tun_metadata") ? valueBytes.length * 8 : def.bits;
  // as Open vSwitch: load2 for a field with an experimenter header or a variable length; NXM and OXM
  // (class 0x8000) headers both fit a plain load
  if (def.nxExperimenter !== undefined || def.nxHeader >>> 16 === 0xffff || def.name.startsWith("tun_metadata")) return [{ type: "reg_load2", field: a.field }];
  // the mask's runs of ones, read from the bytes (bit `i` counts from the last byte's lowest bit; no mask:
  // every bit of the field), a whole zero or all-ones byte at a time where the run allows; each run of at
  // most 64 bits is one load of the value's bits there
  const out: Action[] = [];
  const maxBits = Math.min(width, nxWidth(def));
  for (let ofs = loadRunStart(maskBytes, valueBytes.length, 0, maxBits); ofs < maxBits; ) {
    const end = loadRunEnd(maskBytes, valueBytes.length, ofs, maxBits, width);
    const nbits = end - ofs;
    out.push({ type: "reg_load", dst: subField(def.name, ofs, nbits), value: bitsOf(valueBytes, ofs, nbits) });
    ofs = loadRunStart(maskBytes, valueBytes.length, end, maxBits);
  }
  return out;
}

/**
 * Where the next load of a set_field's value begins (see {@link setFieldLoads}): the first bit of the
 * mask set at or after `ofs` (bit `i` counts from the last of the `n` bytes' lowest bit; no mask: every
 * bit), a whole zero byte at a time where it can; `maxBits` when there is none.
 */
export function loadRunStart(maskBytes: Uint8Array | undefined, n: number, ofs: number, maxBits: number): number {
  if (maskBytes !== undefined) {
    while (ofs < maxBits) {
      const byte = ofs >> 3 < n ? maskBytes[n - 1 - (ofs >> 3)]! : 0;
      if ((ofs & 7) === 0 && byte === 0) ofs += 8;
      else if ((byte >> (ofs & 7)) & 1) break;
      else ofs++;
    }
  }
  return ofs < maxBits ? ofs : maxBits;
}

/**
 * Where the load beginning at `ofs` ends (see {@link setFieldLoads}): the end of the mask's run of ones
 * there, a whole all-ones byte at a time where it can, at most 64 bits on (no mask: 64 bits, or the field's end).
 */
export function loadRunEnd(maskBytes: Uint8Array | undefined, n: number, ofs: number, maxBits: number, width: number): number {
  if (maskBytes === undefined) return Math.min(maxBits, width, ofs + 64);
  let end = ofs;
  while (end < maxBits && end - ofs < 64) {
    const byte = end >> 3 < n ? maskBytes[n - 1 - (end >> 3)]! : 0;
    if ((end & 7) === 0 && byte === 0xff && end + 8 <= maxBits && end + 8 - ofs <= 64) end += 8;
    else if ((byte >> (end & 7)) & 1) end++;
    else break;
  }
  return end;
}

/** The `nbits` (at most 64) bits of big-endian `bytes` from bit `ofs` (counted from the lowest bit) up, as a bigint. */
function bitsOf(bytes: Uint8Array, ofs: number, nbits: number): bigint {
  const n = bytes.length;
  // the bytes that hold the bits, high to low: a number while they fit 32 bits, else a bigint
  const first = (ofs + nbits - 1) >> 3;
  const last = ofs >> 3;
  let v: bigint;
  if (first - last < 4) {
    let x = 0;
    for (let k = first; k >= last; k--) x = x * 256 + bytes[n - 1 - k]!;
    v = BigInt(x);
  } else {
    v = 0n;
    for (let k = first; k >= last; k--) v = (v << 8n) | BigInt(bytes[n - 1 - k]!);
  }
  return (v >> BigInt(ofs & 7)) & ((1n << BigInt(nbits)) - 1n);
}

/**
 * The OpenFlow 1.0 form of an action list in OpenFlow 1.3 terms, as Open vSwitch encodes it for
 * OpenFlow 1.0: legacy actions where one exists, `push_vlan` folded into the VLAN set that follows,
 * `set_queue`/`output`/`pop_queue` from `enqueue` back into `enqueue`, other set_fields as Nicira loads.
 */
export function toOf10Actions(actions: readonly Action[]): Action[] {
  const out: Action[] = [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    switch (a.type) {
      case "push_vlan": {
        const next = actions[i + 1];
        if (a.ethertype === 0x8100 && next?.type === "set_field" && (next.field.field === "vlan_vid" || next.field.field === "vlan_pcp")) break;
        throw new EncodeError("openflow", "push_vlan", "OpenFlow 1.0 has no push_vlan action");
      }
      case "pop_vlan":
        out.push({ type: "strip_vlan" });
        break;
      case "set_queue":
        out.push({ type: "nx_set_queue", queueId: a.queueId });
        break;
      case "dec_nw_ttl":
        out.push({ type: "dec_ttl", controllerIds: undefined });
        break;
      case "set_nw_ecn":
        out.push(...setFieldLoads({ type: "set_field", field: { field: "nw_ecn", header: fieldByName("nw_ecn")!.header, value: Uint8Array.of(a.ecn) } }));
        break;
      case "set_nw_ttl":
        out.push(...setFieldLoads({ type: "set_field", field: { field: "nw_ttl", header: fieldByName("nw_ttl")!.header, value: Uint8Array.of(a.ttl) } }));
        break;
      case "set_field": {
        // as Open vSwitch: these fields have an OpenFlow 1.0 action, which sets the whole field (a mask is
        // dropped); every other field (MPLS, SCTP ports, ...) is a Nicira load
        const f = a.field;
        const n = Number(bytesToBig(f.value));
        if (f.field === "vlan_tci") {
          // set_field_to_legacy_openflow(): with the CFI bit a VID and a PCP, without it strip_vlan
          if (n & 0x1000) out.push({ type: "set_vlan_vid", vid: n & 0xfff }, { type: "set_vlan_pcp", pcp: n >> 13 });
          else out.push({ type: "strip_vlan" });
          break;
        }
        {
          const legacy: Action | undefined =
            f.field === "vlan_vid"
              ? { type: "set_vlan_vid", vid: n & 0xfff }
              : f.field === "vlan_pcp"
                ? { type: "set_vlan_pcp", pcp: n & 7 }
                : f.field === "dl_src"
                  ? { type: "set_dl_src", mac: f.value }
                  : f.field === "dl_dst"
                    ? { type: "set_dl_dst", mac: f.value }
                    : f.field === "nw_src"
                      ? { type: "set_nw_src", addr: n }
                      : f.field === "nw_dst"
                        ? { type: "set_nw_dst", addr: n }
                        : f.field === "ip_dscp" || f.field === "nw_tos"
                          ? { type: "set_nw_tos", tos: f.field === "nw_tos" ? n & 0xfc : (n << 2) & 0xfc }
                          : /^(tcp|udp)_src$/.test(f.field) || (a.l4Port === true && f.field === "sctp_src")
                            ? { type: "set_tp_src", port: n }
                            : /^(tcp|udp)_dst$/.test(f.field) || (a.l4Port === true && f.field === "sctp_dst")
                              ? { type: "set_tp_dst", port: n }
                              : undefined;
          if (legacy) {
            out.push(legacy);
            break;
          }
        }
        out.push(...setFieldLoads(a));
        break;
      }
      case "ct":
        out.push({ ...a, actions: toOf10Actions(a.actions) });
        break;
      case "clone":
        out.push({ ...a, actions: toOf10Actions(a.actions) });
        break;
      default:
        out.push(a);
    }
  }
  return out;
}

/** The OpenFlow 1.0 action list for instructions: apply-actions, goto_table as `resubmit(,N)`, write_metadata as NXAST_WRITE_METADATA (others have no OpenFlow 1.0 form and are left out, as Open vSwitch does). */
export function instructionsToOf10Actions(insts: readonly Instruction[]): (Action | Extract<Instruction, { type: "write_metadata" }>)[] {
  const out: (Action | Extract<Instruction, { type: "write_metadata" }>)[] = [];
  for (const i of insts) {
    if (i.type === "apply_actions") out.push(...i.actions);
    else if (i.type === "write_metadata") out.push(i);
    else if (i.type === "goto_table") out.push({ type: "resubmit", inPort: 0xfff8, table: i.tableId, ct: false, withTable: true });
  }
  return out;
}

function legacy(w: Writer, type: number, body: () => void, len: number): void {
  const start = w.pos;
  w.u16(type).u16(len);
  body();
  w.zeros(len - (w.pos - start));
}

/**
 * Encodes actions (OpenFlow 1.3 or legacy forms, see {@link toOf10Actions}) as an OpenFlow 1.0 action list;
 * a `write_metadata` instruction in the list is written as NXAST_WRITE_METADATA.
 * @throws EncodeError for an action OpenFlow 1.0 cannot carry
 */
export function encodeOf10Actions(w: Writer, list: readonly (Action | Extract<Instruction, { type: "write_metadata" }>)[]): void {
  const plain: Action[] = [];
  const flush = () => {
    for (const a of toOf10Actions(plain.splice(0))) encodeOf10Action(w, a);
  };
  for (const a of list) {
    if (a.type === "write_metadata") {
      flush();
      w.u16(Of10ActionType.VENDOR).u16(32).u32(NX_VENDOR).u16(NXAST_WRITE_METADATA).zeros(6).u64(a.metadata).u64(a.mask);
    } else plain.push(a);
  }
  flush();
}

function encodeOf10Action(w: Writer, a: Action): void {
  switch (a.type) {
    case "output":
      return legacy(w, Of10ActionType.OUTPUT, () => w.u16(port32to16(a.port), "output.port").u16(a.maxLen, "output.max_len"), 8);
    case "set_vlan_vid":
      return legacy(w, Of10ActionType.SET_VLAN_VID, () => w.u16(a.vid, "set_vlan_vid.vid"), 8);
    case "set_vlan_pcp":
      return legacy(w, Of10ActionType.SET_VLAN_PCP, () => w.u8(a.pcp, "set_vlan_pcp.pcp"), 8);
    case "strip_vlan":
      return legacy(w, Of10ActionType.STRIP_VLAN, () => undefined, 8);
    case "set_dl_src":
    case "set_dl_dst":
      if (a.mac.length !== 6) throw new EncodeError("openflow", a.type, "MAC address must be 6 bytes");
      return legacy(w, a.type === "set_dl_src" ? Of10ActionType.SET_DL_SRC : Of10ActionType.SET_DL_DST, () => w.bytes(a.mac), 16);
    case "set_nw_src":
    case "set_nw_dst":
      return legacy(w, a.type === "set_nw_src" ? Of10ActionType.SET_NW_SRC : Of10ActionType.SET_NW_DST, () => w.u32(a.addr >>> 0, a.type), 8);
    case "set_nw_tos":
      return legacy(w, Of10ActionType.SET_NW_TOS, () => w.u8(a.tos, "set_nw_tos.tos"), 8);
    case "set_tp_src":
    case "set_tp_dst":
      return legacy(w, a.type === "set_tp_src" ? Of10ActionType.SET_TP_SRC : Of10ActionType.SET_TP_DST, () => w.u16(a.port, a.type), 8);
    case "enqueue":
      return legacy(w, Of10ActionType.ENQUEUE, () => w.u16(port32to16(a.port), "enqueue.port").zeros(6).u32(a.queueId, "enqueue.queue_id"), 16);
    case "group":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(NXAST_GROUP).zeros(2).u32(a.groupId, "group.group_id");
      return;
    case "clone": {
      const start = w.pos;
      w.u16(Of10ActionType.VENDOR);
      const lenAt = w.reserve16();
      w.u32(NX_VENDOR).u16(NXAST_CLONE).zeros(6);
      for (const x of a.actions) encodeOf10Action(w, x);
      w.patch16(lenAt, w.pos - start);
      return;
    }
    case "push_mpls":
    case "pop_mpls":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(a.type === "push_mpls" ? NXAST_PUSH_MPLS : NXAST_POP_MPLS).u16(a.ethertype, `${a.type}.ethertype`).zeros(4);
      return;
    case "set_mpls_ttl":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(NXAST_SET_MPLS_TTL).u8(a.ttl, "set_mpls_ttl.ttl").zeros(5);
      return;
    case "dec_mpls_ttl":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(NXAST_DEC_MPLS_TTL).zeros(6);
      return;
    case "set_mpls_tc":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(NXAST_SET_MPLS_TC).u8(a.tc, "set_mpls_tc.tc").zeros(5);
      return;
    case "set_mpls_label":
      w.u16(Of10ActionType.VENDOR).u16(16).u32(NX_VENDOR).u16(NXAST_SET_MPLS_LABEL).zeros(2).u32(a.label, "set_mpls_label.label");
      return;
    case "copy_ttl_out":
    case "copy_ttl_in":
    case "push_vlan":
    case "push_pbb":
    case "pop_pbb":
    case "pop_vlan":
    case "set_queue":
    case "set_nw_ttl":
    case "dec_nw_ttl":
    case "set_field":
      throw new EncodeError("openflow", a.type, "no OpenFlow 1.0 form of this action");
    default:
      encodeAction(w, a, OfpVersion.OF10);
  }
}

/** Encodes a bare OpenFlow 1.0 action list. */
export function encodeOf10ActionList(actions: readonly Action[]): Uint8Array {
  const w = new Writer("openflow", 64);
  encodeOf10Actions(w, actions);
  return w.finish().slice();
}

/** The MAC address text of 6 bytes. */
function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
}

/** ovs-ofctl's text of a legacy action (`mod_vlan_vid:9`, `strip_vlan`, `enqueue:1:2`, ...). */
export function formatLegacyAction(a: LegacyAction, formatPort: (p: number) => string): string {
  const ip = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  switch (a.type) {
    case "set_vlan_vid":
      return `${a.of11 ? "set" : "mod"}_vlan_vid:${a.vid}`;
    case "set_vlan_pcp":
      return `${a.of11 ? "set" : "mod"}_vlan_pcp:${a.pcp}`;
    case "strip_vlan":
      return "strip_vlan";
    case "set_dl_src":
      return `mod_dl_src:${macText(a.mac)}`;
    case "set_dl_dst":
      return `mod_dl_dst:${macText(a.mac)}`;
    case "set_nw_src":
      return `mod_nw_src:${ip(a.addr)}`;
    case "set_nw_dst":
      return `mod_nw_dst:${ip(a.addr)}`;
    case "set_nw_tos":
      return `mod_nw_tos:${a.tos}`;
    case "set_nw_ecn":
      return `mod_nw_ecn:${a.ecn}`;
    case "set_tp_src":
      return `mod_tp_src:${a.port}`;
    case "set_tp_dst":
      return `mod_tp_dst:${a.port}`;
    case "enqueue":
      return `enqueue:${formatPort(a.port)}:${a.queueId}`;
    case "set_mpls_label":
      return `set_mpls_label(${a.label})`;
    case "set_mpls_tc":
      return `set_mpls_tc(${a.tc})`;
  }
}

/** The OpenFlow 1.3 equivalent of a legacy action (for encoding a decoded OpenFlow 1.0 list as 1.3). */
export function legacyToOf13(a: LegacyAction): Action[] {
  const sf = (name: string, value: Uint8Array): Action => ({ type: "set_field", field: { field: name, header: fieldByName(name)!.header, value } });
  switch (a.type) {
    case "set_vlan_vid":
      return [sf("vlan_vid", bigToBytes(BigInt(0x1000 | a.vid), 2))];
    case "set_vlan_pcp":
      return [sf("vlan_pcp", Uint8Array.of(a.pcp))];
    case "strip_vlan":
      return [{ type: "pop_vlan" }];
    case "set_dl_src":
      return [sf("dl_src", a.mac)];
    case "set_dl_dst":
      return [sf("dl_dst", a.mac)];
    case "set_nw_src":
      return [sf("nw_src", bigToBytes(BigInt(a.addr >>> 0), 4))];
    case "set_nw_dst":
      return [sf("nw_dst", bigToBytes(BigInt(a.addr >>> 0), 4))];
    case "set_nw_tos":
      return [sf("ip_dscp", Uint8Array.of(a.tos >> 2))];
    case "set_nw_ecn":
      return [sf("nw_ecn", Uint8Array.of(a.ecn))];
    case "set_tp_src":
      return [sf("tcp_src", bigToBytes(BigInt(a.port), 2))];
    case "set_tp_dst":
      return [sf("tcp_dst", bigToBytes(BigInt(a.port), 2))];
    case "enqueue":
      // as Open vSwitch's encode_ENQUEUE(): the output's max_len is 0xffff
      return [{ type: "set_queue", queueId: a.queueId }, { type: "output", port: a.port, maxLen: 0xffff }, { type: "pop_queue" }];
    case "set_mpls_label":
      return [sf("mpls_label", bigToBytes(BigInt(a.label >>> 0), 4))];
    case "set_mpls_tc":
      return [sf("mpls_tc", Uint8Array.of(a.tc))];
  }
}
