/**
 * Subfield text (`NXM_NX_REG0[0..15]`, `reg0[3]`, `ip_src[]`): parse and print.
 *
 * @module
 */
import { type SubField, subField } from "../actions.js";
import { type FieldDef, fieldByHeader, nxWidth } from "../oxm.js";
import { FlowSyntaxError } from "./errors.js";
import { NO_FLOW_SYNTAX, fieldNamed, subfieldAsWritten } from "./values.js";

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

/**
 * Parses `reg0[0..15]`, `NXM_NX_REG0[]`, `reg0[3]` or a bare field name (whole field).
 * @param whole - the text from the subfield to the end of the action's argument, that ovs-ofctl's errors
 *   name (`NXM_NX_REG0[0..40]->NXM_NX_REG1[]` for a move's source); `s` by default
 * @throws FlowSyntaxError worded as Open vSwitch's mf_parse_subfield() words it
 */
export function parseSubField(s: string, whole: string = s): SubField {
  // (white space at either end is rare: the text is trimmed only when it has some)
  const t = s.length > 0 && s.charCodeAt(0) > 32 && s.charCodeAt(s.length - 1) > 32 && s.charCodeAt(0) < 128 && s.charCodeAt(s.length - 1) < 128 ? s : s.trim();
  // NAME, NAME[], NAME[A] or NAME[A..B] (NAME: a letter or `_`, then letters, digits, `_`), scanned by
  // character code in one pass: the name's end, then the bit range's bounds (-1: absent)
  const n = t.length;
  let i = 0;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!(letter || (i > 0 && c >= 48 && c <= 57))) break;
  }
  let a = 0;
  let b = 0;
  // whether each bound was given
  let hasA = false;
  let hasB = false;
  let ok = i > 0;
  if (ok && i < n) {
    // `[`, digits, optionally `..` and digits, `]`, end (each number read as it is scanned: no slice)
    let j = i + 1;
    ok = t.charCodeAt(i) === 91;
    if (ok) {
      let x = 0;
      let from = j;
      // (as ovs_scan()'s %d: the digits read modulo 2^64, kept as a C int, so 4294967296 is bit 0)
      for (let c = t.charCodeAt(j); c >= 48 && c <= 57; c = t.charCodeAt(++j)) x = (Math.imul(x, 10) + (c - 48)) | 0;
      if (j > from) {
        a = x;
        hasA = true;
      }
      if (t.charCodeAt(j) === 46 && t.charCodeAt(j + 1) === 46) {
        j += 2;
        x = 0;
        from = j;
        for (let c = t.charCodeAt(j); c >= 48 && c <= 57; c = t.charCodeAt(++j)) x = (Math.imul(x, 10) + (c - 48)) | 0;
        if (j > from) {
          b = x;
          hasB = true;
        }
        ok = hasB;
      }
      ok = ok && t.charCodeAt(j) === 93 && j === n - 1;
    }
  }
  let f = ok ? subfieldAsWritten(i === n ? t : t.slice(0, i)) : undefined;
  if (f !== undefined && NO_FLOW_SYNTAX.has(f.name)) f = undefined;
  if (f === undefined || (!hasA && hasB)) throw new FlowSyntaxError(subFieldError(t, whole.trim()));
  const width = nxWidth(f);
  if (!hasA) return sub(f, 0, width);
  if (!hasB) b = a;
  if (a < 0 || b < a || b >= width) {
    const bad = bitRangeError(whole.trim(), a, b, width);
    if (bad !== undefined) throw new FlowSyntaxError(bad);
  }
  return sub(f, a, b - a + 1);
}

/**
 * The error of a bit range `[start..end]` of a field `width` bits wide, as Open vSwitch's
 * mf_parse_subfield__() words it (`starting bit 5 is after ending bit 2`, `ending bit 40 is not valid
 * because field is only 32 bits wide`), prefixed with `text`; undefined for a valid range.
 */
/** Decimal digits as ovs_scan()'s `%d` keeps them: modulo 2^64, then a C int (the low 32 bits, signed). */
export function cIntDigits(digits: string): number {
  let x = 0;
  for (let k = 0; k < digits.length; k++) x = (Math.imul(x, 10) + (digits.charCodeAt(k) - 48)) | 0;
  return x;
}

/** ovs-ofctl's error for bits `start..end` of a `width`-bit field, or `undefined` when the range is valid. */
export function bitRangeError(text: string, start: number, end: number, width: number): string | undefined {
  // (a negative start is compared as C's unsigned n_bits compares it: not valid)
  if (start > end) return `${text}: starting bit ${start} is after ending bit ${end}`;
  if (start < 0 || start >= width) return `${text}: starting bit ${start} is not valid because field is only ${width} bits wide`;
  if (end >= width) return `${text}: ending bit ${end} is not valid because field is only ${width} bits wide`;
  return undefined;
}

/**
 * The error {@link parseSubField} would throw for text whose name (up to the first `[` or `-`) is no field, or
 * undefined when the name is a field: lets a caller that tries a subfield first (learn's values, most of them
 * immediate) skip making an exception.
 */
export function unknownSubFieldName(s: string): string | undefined {
  const t = s.trim();
  let end = 0;
  while (end < t.length && t[end] !== "[" && t[end] !== "-") end++;
  const name = t.slice(0, end);
  const f = subfieldAsWritten(name);
  return f === undefined || NO_FLOW_SYNTAX.has(f.name) ? `${t}: unknown field \`${name}'` : undefined;
}

/** The error of subfield text the fast scan of {@link parseSubField} refused, worded as mf_parse_subfield() words it. */
function subFieldError(t: string, whole: string): string {
  // the name runs to the first `[` or `-`
  let end = 0;
  while (end < t.length && t[end] !== "[" && t[end] !== "-") end++;
  const name = t.slice(0, end);
  const f = subfieldAsWritten(name);
  if (f === undefined || NO_FLOW_SYNTAX.has(f.name)) return `${whole}: unknown field \`${name}'`;
  const rest = t.slice(end);
  if (rest === "") return `${whole}: syntax error expecting [] or [<bit>] or [<start>..<end>]`;
  if (rest[0] === "[") {
    const m = /^\[(?:\]|\s*([-+]?\d+)\.\.\s*([-+]?\d+)\]|\s*([-+]?\d+)\])/.exec(rest);
    if (m === null) return `${whole}: syntax error expecting [] or [<bit>] or [<start>..<end>]`;
    const start = m[1] ?? m[3];
    if (start !== undefined) {
      const bad = bitRangeError(whole, Number(start), Number(m[2] ?? start), nxWidth(f));
      if (bad !== undefined) return bad;
    }
  }
  return UNEXPECTED_INPUT;
}

/** mf_parse_subfield()'s error for text after a subfield (a move's source reports it as a missing `->`). */
export const UNEXPECTED_INPUT = "unexpected input following field syntax";

/** The sub-field of `f` (as {@link subField} makes it, with the field already looked up). */
function sub(f: FieldDef, ofs: number, nbits: number): SubField {
  return { field: f.name, header: f.nxHeader, experimenter: f.nxExperimenter, ofs, nbits };
}

/**
 * Parses a subfield that a Nicira action names by a 32-bit NXM/OXM header (bundle_load, multipath, learn
 * destinations): a field with only an experimenter OXM header (`actset_output`, ...) is refused, as ovs-ofctl does.
 * @param whole - the action's text, for the error
 */
export function parseNxmSubField(s: string, whole: string): SubField {
  const sf = parseSubField(s);
  const def = fieldNamed(sf.field);
  if (def && (def.nxExperimenter !== undefined || def.nxHeader >>> 16 === 0xffff)) throw new FlowSyntaxError(`${whole}: experimenter OXM field '${s}' not supported`);
  return sf;
}

