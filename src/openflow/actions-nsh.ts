/**
 * The Nicira actions of Open vSwitch's packet-type-aware pipeline and its debugging actions: `decap`
 * (NXAST_DECAP, 47), `dec_nsh_ttl` (NXAST_DEC_NSH_TTL, 48), `debug_slow` (NXAST_DEBUG_SLOW, 254) and
 * `debug_recirc` (NXAST_DEBUG_RECIRC, 255), as lib/ofp-actions.c of Open vSwitch 3.1 lays them out.
 * `decap` and `dec_nsh_ttl` exist from OpenFlow 1.3 on (the OpenFlow 1.0 to 1.2 decoders refuse them
 * with `OFPBAC_BAD_VENDOR_TYPE`); the debugging actions are decoded only by a daemon started with
 * `--enable-dummy`, so ovs-ofctl (and this decoder) refuse them with `OFPBAC_BAD_VENDOR_TYPE`.
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import type { Writer } from "../bytes/writer.js";
import { type Action, NxActionSubtype } from "./action-types.js";

/** `PT_USE_NEXT_PROTO` (namespace 0, type 0xfffe): `decap` takes the packet type from the header's next protocol. */
export const PT_USE_NEXT_PROTO = 0xfffe;

/** The actions of this module. */
export type NshAction = Extract<Action, { type: "decap" | "dec_nsh_ttl" | "debug_recirc" | "debug_slow" }>;

/**
 * Decodes the body of one of this module's Nicira actions (`r` after the subtype, bounded by the action's
 * end), or returns undefined for another subtype.
 * @param start - where the action starts in `r.bytes` (for the error offset)
 * @throws DecodeError `NXBAC_UNKNOWN_ED_PROP` for a `decap` with properties, `OFPBAC_BAD_VENDOR_TYPE` for a debugging action
 */
export function decodeNshAction(subtype: number, r: Reader, start: number): NshAction | undefined {
  switch (subtype) {
    case NxActionSubtype.DECAP:
      // 16 bytes: two of padding, then the new packet type; no property is defined
      if (r.remaining > 6) r.fail("NXBAC_UNKNOWN_ED_PROP", start);
      r.skip(2);
      return { type: "decap", packetType: r.u32() };
    case NxActionSubtype.DEC_NSH_TTL:
      return { type: "dec_nsh_ttl" };
    case NxActionSubtype.DEBUG_SLOW:
    case NxActionSubtype.DEBUG_RECIRC:
      return r.fail("OFPBAC_BAD_VENDOR_TYPE", start);
    default:
      return undefined;
  }
}

/**
 * Writes the body of one of this module's actions after its Nicira header (the caller pads it to 8 and
 * patches the length): decap's padding and packet type; nothing for the others.
 */
export function encodeNshActionBody(w: Writer, a: NshAction): void {
  if (a.type === "decap") w.zeros(2).u32(a.packetType);
}

/** The Nicira subtype of one of this module's actions. */
export function nshActionSubtype(a: NshAction): number {
  switch (a.type) {
    case "decap":
      return NxActionSubtype.DECAP;
    case "dec_nsh_ttl":
      return NxActionSubtype.DEC_NSH_TTL;
    case "debug_slow":
      return NxActionSubtype.DEBUG_SLOW;
    case "debug_recirc":
      return NxActionSubtype.DEBUG_RECIRC;
  }
}

/** ovs-ofctl's text of one of this module's actions (format_DECAP() and the others). */
export function formatNshAction(a: NshAction): string {
  if (a.type !== "decap") return a.type;
  if (a.packetType === PT_USE_NEXT_PROTO) return "decap()";
  const type = a.packetType & 0xffff;
  // printf's %#x: no 0x before a zero
  return `decap(packet_type(ns=${a.packetType >>> 16},type=${type === 0 ? "0" : `0x${type.toString(16)}`}))`;
}

/**
 * True when `actions` (nested `clone`/`ct` lists included) hold a Nicira action that exists from OpenFlow
 * 1.3 on only (`encap`, `decap`, `dec_nsh_ttl`): Open vSwitch's OpenFlow 1.1 and 1.2 decoders refuse such a
 * list with `OFPBAC_BAD_VENDOR_TYPE`.
 * @deprecated Use `actionVersionError(actions, version)` (action-versions.ts, exported by this package's
 *   `openflow` entry), which knows the versions of every action, not only these three, and gives the
 *   OpenFlow error Open vSwitch's decoder of that version gives. Kept for callers of earlier releases.
 */
export function hasOf13OnlyAction(actions: readonly Action[]): boolean {
  for (const a of actions) {
    if (a.type === "encap" || a.type === "decap" || a.type === "dec_nsh_ttl") return true;
    if ((a.type === "clone" || a.type === "ct") && hasOf13OnlyAction(a.actions)) return true;
  }
  return false;
}
