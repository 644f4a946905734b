/**
 * Action text, parse side: `set_field` and `load` (ovs-ofctl's set_field_parse__() and parse_reg_load()),
 * each written as the action every OpenFlow version encodes.
 *
 * @module
 */
import { type Action, type SubField, subField } from "../actions.js";
import { type FieldDef, type MatchField, fieldByName, matchField } from "../oxm.js";
import { READ_ONLY } from "../action-consistency.js";
import { FlowSyntaxError } from "./errors.js";
import { NO_FLOW_SYNTAX, bigIntToBytes, fieldAsWritten, flagField, formatValue, hexNum, ones, parseValue } from "./values.js";
import { formatFlagSetField } from "./flags.js";
import { scanInt } from "./int-field.js";

/** A whole-field `MatchField` of `name` holding `v` in `len` bytes. */
export function sfield(name: string, v: bigint, len: number): MatchField {
  return matchField(name, bigIntToBytes(v, len));
}

/** Smallest byte length holding `v` (at least 1): tun_metadata values are variable-length without a TLV map. */
function minLen(v: bigint): number {
  return Math.max(1, Math.ceil(v.toString(2).length / 8));
}

/** Fields Open vSwitch does not let a set_field mask ("Maskable: no" in meta-flow.h). */
const SET_FIELD_UNMASKABLE = new Set([
  ...["recirc_id", "packet_type", "conj_id", "tun_ttl", "tun_tos", "in_port", "actset_output", "skb_priority", "ct_zone", "ct_nw_proto"],
  ...["dl_type", "vlan_pcp", "mpls_label", "mpls_tc", "mpls_bos", "mpls_ttl", "nw_proto", "nw_tos", "ip_dscp", "nw_ecn", "nw_ttl"],
  ...["arp_op", "icmp_type", "icmp_code", "icmpv6_type", "icmpv6_code", "nd_reserved", "nd_options_type", "nsh_mdtype", "nsh_np", "nsp", "nsi", "nsh_ttl"],
  ...["nsh_spi", "nsh_si"],
]);

/**
 * mf_is_value_valid() of the writable fields whose values are narrower than their bytes: the bits a value may
 * have (nw_tos, Open vSwitch's MFF_IP_DSCP, keeps its two low bits clear).
 */
const SET_FIELD_BITS = new Map<string, bigint>([
  ["nsh_ttl", 63n], ["nsh_spi", 0xffffffn], ["nw_tos", 0xfcn], ["ip_dscp", 0x3fn], ["nw_ecn", 3n], ["arp_op", 0xffn],
  ["vlan_vid", 0x1fffn], ["vlan_pcp", 7n], ["ipv6_label", 0xfffffn], ["mpls_label", 0xfffffn], ["mpls_tc", 7n],
]);

/**
 * `set_field:VALUE[/MASK]->FIELD` (and the named setters that become it).
 * @throws FlowSyntaxError for an unknown or read-only field, a mask the field does not take, or a value out of range
 */
export function setFieldAction(fieldName: string, valueText: string): Action[] {
  const f = fieldAsWritten(fieldName);
  // (tun_ttl, tun_tos and skb_priority have no header but are fields, read-only ones)
  if (!f && (fieldName === "tun_ttl" || fieldName === "tun_tos" || fieldName === "skb_priority")) throw new FlowSyntaxError(`${fieldName} is read-only`);
  if (!f || NO_FLOW_SYNTAX.has(f.name)) throw new FlowSyntaxError(`${fieldName} is not a valid OXM field name`);
  if (f.name === "vlan_vid" && !valueText.includes("/")) {
    const v = parseValue(f, valueText).v;
    if (v & ~0x1fffn) throw new FlowSyntaxError(`${valueText} is not a valid value for field ${fieldName}`);
    return [{ type: "set_field", field: sfield("vlan_vid", v, 2) }];
  }
  const isMd = f.name.startsWith("tun_metadata");
  // as set_field_parse__(): a read-only field is refused before its value is read, named as it was written
  if (READ_ONLY.has(f.name)) throw new FlowSyntaxError(`${fieldName} is read-only`);
  if (valueText.includes("/") && SET_FIELD_UNMASKABLE.has(f.name)) {
    // a port is read whole by ofputil_port_from_string(), so `1/0xff` is no port at all
    const oxmPort = fieldName.toLowerCase() === "in_port_oxm";
    throw new FlowSyntaxError(
      f.format !== "port" ? `${valueText}: invalid mask for field ${f.name}` : oxmPort ? `${valueText}: port value out of range for in_port_oxm` : `${valueText}: invalid or unknown port for ${f.name}`,
    );
  }
  let parsed: ReturnType<typeof parseValue>;
  try {
    parsed = parseValue(f, valueText, isMd ? 124 : f.len);
  } catch (e) {
    // in_port_oxm (MFS_OFP_PORT_OXM) words a value that is no port as mf_from_ofp_port_string32() does
    if (e instanceof FlowSyntaxError && f.format === "port" && fieldName.toLowerCase() === "in_port_oxm") {
      throw new FlowSyntaxError(`${valueText}: port value out of range for in_port_oxm`);
    }
    throw e;
  }
  const { v, m } = parsed;
  const bits = SET_FIELD_BITS.get(f.name);
  if (bits !== undefined && (v & ~bits) !== 0n) throw new FlowSyntaxError(`${valueText} is not a valid value for field ${fieldName}`);
  const len = isMd ? minLen(m !== undefined && m > v ? m : v) : f.len;
  if (m === undefined || (!isMd && (m & ones(len * 8)) === ones(len * 8))) {
    return [{ type: "set_field", field: sfield(f.name, v, len) }];
  }
  if (!isMd) {
    // kept masked: each version writes it as Open vSwitch does (OpenFlow 1.0/1.1 the field's own action if it
    // has one, 1.2 to 1.4 Nicira loads, 1.5 a masked set_field)
    // (the value as written: Open vSwitch keeps bits outside the mask too)
    return [{ type: "set_field", field: matchField(f.name, bigIntToBytes(v, len), bigIntToBytes(m, len)) }];
  }
  return [{ type: "reg_load2", field: matchField(f.name, bigIntToBytes(v & m, len), bigIntToBytes(m, len)) }];
}

/**
 * A field's whole value as Open vSwitch's mf_format() prints it in a "does not fit" error (flags by name, a
 * fragment value no name fits as "<error>", a flow label as plain hex); plain hex without a field (tun_metadata).
 */
export function valueAsFieldPrints(f: FieldDef | undefined, v: bigint): string {
  const ff = f && flagField(f);
  if (ff !== undefined && f!.format === "ct_state" && v >> 32n === 0n) {
    // every one of the 32 bits, set or not, unnamed ones as "[Unknown]" (format_flags_masked() with an all-ones mask)
    let out = "";
    for (let bit = 0; bit < 32; bit++) {
      const name = ff.table.find(([, b]) => b === 2 ** bit)?.[0] ?? "[Unknown]";
      out += ((v >> BigInt(bit)) & 1n ? "+" : "-") + name;
    }
    return out;
  }
  const fits = f !== undefined && v >> BigInt(f.len * 8) === 0n;
  return ff
    ? formatFlagSetField(v, undefined, f!.len, ff)
    : fits && f.format === "frag"
      ? (["<error>", "first", "<error>", "later"][Number(v & 3n)] ?? "<error>")
      : fits && f.format !== "label"
        ? formatValue(f, v, f.len)
        : hexNum(v);
}

/**
 * `load:VALUE->DST`: a Nicira register load (one per 64-bit piece), a set_field for a field only an experimenter
 * OXM names, or a masked load2 for `tun_metadata`.
 * @throws FlowSyntaxError when the value cannot be read or does not fit the destination's bits
 */
export function loadAction(valueText: string, dst: SubField, arg: string): Action[] {
  const isMd = dst.field.startsWith("tun_metadata");
  // as parse_reg_load(): parse_int_string() over the field's bytes (`0x` hex, else C's strtoull() base 0),
  // whatever follows the number ignored
  const scanned = scanInt(valueText, isMd ? 124 : (fieldByName(dst.field)?.len ?? 16));
  if (typeof scanned === "string") throw new FlowSyntaxError(`${arg}: cannot parse integer value`);
  const v = scanned.v;
  if (v >> BigInt(dst.nbits)) {
    throw new FlowSyntaxError(`${arg}: value ${valueAsFieldPrints(isMd ? undefined : fieldByName(dst.field), v)} does not fit into ${dst.nbits} bits`);
  }
  if (dst.experimenter !== undefined && !isMd) {
    // a field with only an experimenter OXM header (nsh_*, tun_erspan_*): NXAST_REG_LOAD cannot name it, so
    // ovs-ofctl makes the load a set_field, masked unless it covers every byte
    const f = fieldByName(dst.field)!;
    const m = ones(dst.nbits) << BigInt(dst.ofs);
    const value = bigIntToBytes((v << BigInt(dst.ofs)) & m, f.len);
    if (m === ones(f.len * 8)) return [{ type: "set_field", field: matchField(f.name, value) }];
    return [{ type: "set_field", field: matchField(f.name, value, bigIntToBytes(m, f.len)) }];
  }
  if (dst.nbits <= 64 && !isMd) return [{ type: "reg_load", dst, value: v }];
  if (!isMd) {
    // wider than 64 bits: one NXAST_REG_LOAD per 64-bit piece, lowest first (as ovs-ofctl encodes it)
    const out: Action[] = [];
    for (let k = 0; k < dst.nbits; k += 64) {
      const n = Math.min(64, dst.nbits - k);
      out.push({ type: "reg_load", dst: subField(dst.field, dst.ofs + k, n), value: (v >> BigInt(k)) & ones(n) });
    }
    return out;
  }
  const f = fieldByName(dst.field)!;
  // a load of the whole option is an unmasked set_field, as long as its value needs (mf_field_len())
  if (dst.ofs === 0 && dst.nbits === f.len * 8) return [{ type: "set_field", field: sfield(f.name, v, minLen(v)) }];
  const m = ones(dst.nbits) << BigInt(dst.ofs);
  const len = minLen(m);
  return [{ type: "reg_load2", field: matchField(f.name, bigIntToBytes((v << BigInt(dst.ofs)) & m, len), bigIntToBytes(m, len)) }];
}
