/**
 * Subfield text (`NXM_NX_REG0[0..15]`, `reg0[3]`, `ip_src[]`): parse and print.
 *
 * @module
 */
import { type SubField, subField } from "../actions.js";
import { fieldByHeader, fieldByName, nxWidth } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";

/** Formats `NXM_NX_REG0[0..15]`. */
export function formatSubField(sf: SubField): string {
  const f = fieldByHeader(sf.header, sf.experimenter);
  const name = f ? (f.nxmName ?? f.oxmName ?? f.name) : `0x${sf.header.toString(16)}`;
  const width = f ? nxWidth(f) : 0;
  // the whole field: its NXM width, or its meaningful width when narrower (NXM_NX_IP_ECN is 2 bits of a byte)
  if (sf.ofs === 0 && (sf.nbits === width || (f !== undefined && f.bits < width && sf.nbits === f.bits))) return `${name}[]`;
  if (sf.nbits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nbits - 1}]`;
}

/** Parses `reg0[0..15]`, `NXM_NX_REG0[]`, `reg0[3]` or a bare field name (whole field). */
export function parseSubField(s: string): SubField {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d*)(?:\.\.(\d+))?\])?$/.exec(s.trim());
  if (!m) throw new FlowSyntaxError(`${s}: invalid subfield syntax`);
  const f = fieldByName(m[1]!);
  if (!f) throw new FlowSyntaxError(`${m[1]}: unknown field`);
  const width = nxWidth(f);
  if (m[2] === undefined || m[2] === "") {
    if (m[3] !== undefined) throw new FlowSyntaxError(`${s}: invalid subfield syntax`);
    return subField(f.name, 0, width);
  }
  const a = Number(m[2]);
  const b = m[3] === undefined ? a : Number(m[3]);
  if (b < a || b >= width) throw new FlowSyntaxError(`${s}: bit range out of bounds for field ${f.name}`);
  return subField(f.name, a, b - a + 1);
}

/**
 * Parses a subfield that a Nicira action names by a 32-bit NXM/OXM header (bundle_load, multipath, learn
 * destinations): a field with only an experimenter OXM header (`actset_output`, ...) is refused, as ovs-ofctl does.
 * @param whole - the action's text, for the error
 */
export function parseNxmSubField(s: string, whole: string): SubField {
  const sf = parseSubField(s);
  const def = fieldByName(sf.field);
  if (def && (def.nxExperimenter !== undefined || def.nxHeader >>> 16 === 0xffff)) throw new FlowSyntaxError(`${whole}: experimenter OXM field '${s}' not supported`);
  return sf;
}

