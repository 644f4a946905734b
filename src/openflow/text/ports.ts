/**
 * OpenFlow port numbers as text: reserved names (`LOCAL`, `CONTROLLER`, ...), the 16- and 32-bit port spaces.
 *
 * @module
 */
import { FlowSyntaxError, UnknownPortError } from "./errors.js";

export const PORT_NAMES: ReadonlyArray<readonly [string, number]> = [
  ["IN_PORT", 0xfff8],
  ["TABLE", 0xfff9],
  ["NORMAL", 0xfffa],
  ["FLOOD", 0xfffb],
  ["ALL", 0xfffc],
  ["CONTROLLER", 0xfffd],
  ["LOCAL", 0xfffe],
  ["ANY", 0xffff],
  ["NONE", 0xffff],
];

/** Converts an OpenFlow 1.0-style 16-bit port to the OpenFlow 1.3 32-bit space. */
export function port16to32(p: number): number {
  return p >= 0xff00 ? (p + 0xffff0000) >>> 0 : p;
}

/** Converts an OpenFlow 1.3 32-bit port to the 16-bit space OVS prints. */
export function port32to16(p: number): number {
  return p >= 0xffffff00 ? p - 0xffff0000 : p;
}

/** Formats a 16-bit port number the way ovs-ofctl does (`LOCAL`, `CONTROLLER`, or decimal). */
export function formatPort16(p: number): string {
  if (p >= 0xfff8) return PORT_NAMES.find(([, v]) => v === p)?.[0] ?? String(p);
  return String(p);
}

/** Formats an OpenFlow 1.3 32-bit port. */
export function formatPort(p: number): string {
  if (p >= 0xffffff00) return formatPort16(port32to16(p));
  // 16-bit reserved numbers carried in a 32-bit field (e.g. set_field:ANY->in_port) print by name too
  if (p >= 0xfff8 && p <= 0xffff) return formatPort16(p);
  return String(p);
}

/** Parses a port name or number into the OpenFlow 1.3 32-bit space. */
export function parsePort(s: string): number {
  const up = s.toUpperCase();
  const named = PORT_NAMES.find(([n]) => n === up);
  if (named) return port16to32(named[1]);
  // decimal only, as ofputil_port_from_string() (`0x5` is no port number there)
  if (!/^\d+$/.test(s)) throw new UnknownPortError(s);
  const n = Number(s);
  if (n > 0xffffffff) throw new FlowSyntaxError(`${s}: invalid or unknown port`);
  if (n >= 0xff00 && n <= 0xffff) return port16to32(n);
  // Open vSwitch's ports are 0 through 0xffff or 0xffffff00 through 0xffffffff
  if (n > 0xffff && n < 0xffffff00) throw new FlowSyntaxError(`${s}: invalid or unknown port`);
  return n;
}
