/**
 * Action text of `decap` (parse_DECAP() of Open vSwitch 3.1): `decap`, `decap()` or
 * `decap(packet_type(ns=NS,type=TYPE))`, with ovs-ofctl's messages for what it refuses.
 *
 * @module
 */
import type { Action } from "../action-types.js";
import { PT_USE_NEXT_PROTO } from "../actions-nsh.js";
import { FlowSyntaxError } from "./errors.js";
import { keyValues } from "./group.js";

/** Packet type namespaces Open vSwitch knows (OFPHTN_ONF to OFPHTN_IPV4_OPTION). */
const OFPHTN_N_TYPES = 5;

/** A C `strtol(…, 0)` of the whole text in [0, 65535] (ovs-ofctl's str_to_u16()), or its `invalid NAME "TEXT"`. */
function u16(text: string, name: string): number {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  const s = m?.[2];
  const v = s === undefined ? NaN : /^0[xX]/.test(s) ? Number.parseInt(s.slice(2), 16) : s.length > 1 && s.startsWith("0") ? Number.parseInt(s, 8) : Number(s);
  const signed = m?.[1] === "-" && v !== 0 ? -v : v;
  if (!(signed >= 0 && signed <= 0xffff)) throw new FlowSyntaxError(`invalid ${name} "${text}"`);
  return signed;
}

/**
 * Parses the argument of `decap` (the text inside its parentheses, or after `:`): empty for the header's
 * next protocol, else `packet_type(ns=NS,type=TYPE)` (only the first item is read, as ovs-ofctl reads it).
 * @throws FlowSyntaxError with ovs-ofctl's message (`Invalid decap argument: KEY`, `Unsupported ns value: N`, ...)
 */
export function parseDecap(arg: string): Extract<Action, { type: "decap" }> {
  const first = keyValues(arg)[0];
  if (first === undefined) return { type: "decap", packetType: PT_USE_NEXT_PROTO };
  if (first.key !== "packet_type") throw new FlowSyntaxError(`Invalid decap argument: ${first.key}`);
  const [ns, type] = keyValues(first.value);
  if (ns?.key !== "ns") throw new FlowSyntaxError("Missing packet_type attribute ns");
  const nsValue = u16(ns.value, "ns");
  if (nsValue >= OFPHTN_N_TYPES) throw new FlowSyntaxError(`Unsupported ns value: ${nsValue}`);
  if (type?.key !== "type") throw new FlowSyntaxError("Missing packet_type attribute type");
  return { type: "decap", packetType: ((nsValue << 16) | u16(type.value, "type")) >>> 0 };
}
