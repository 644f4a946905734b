/**
 * The checks Open vSwitch's action decoder makes on a decoded action list (what `ovs-ofctl parse-actions`
 * reports as an OpenFlow error name).
 *
 * @module
 */
import { CtFlags, type Action } from "./action-types.js";
import { READ_ONLY } from "./read-only.js";
import { fieldValueValid } from "./match-checks.js";

/**
 * The OpenFlow error Open vSwitch's action decoder gives a decoded action list, if any (checked through
 * `ct` and `clone`): a `set_field` of a field it does not know is `OFPBAC_BAD_SET_TYPE`; of `in_port`, or of
 * `vlan_vid` without the present bit, `OFPBAC_BAD_SET_ARGUMENT`; a write of a conntrack field outside
 * `ct(exec(...))` or of a read-only field (`tcp_flags`, `eth_type`, `ct_state`, ...) `OFPBAC_BAD_SET_ARGUMENT`; anything else inside `exec`, a nested `ct`,
 * `force` without `commit` or a descending `nat` range `OFPBAC_BAD_ARGUMENT`; a ct zone field not 16 bits wide
 * `OFPBAC_BAD_SET_LEN`.
 * @param inCt - the list is a ct action's `exec` list
 */
export function actionListError(actions: readonly Action[], inCt = false): string | undefined {
  // as Open vSwitch's decoder: ct_mark and ct_label are written only inside ct(exec(...)), where nothing
  // else may be written; a forced ct must commit; a ct zone from a field takes 16 bits; ranges ascend
  const ctField = (f: string) => f === "ct_mark" || f === "ct_label";
  // (mf_check_dst() and the set_field decoders: Open vSwitch's read-only fields, tcp_flags, eth_type, ct_state, ...)
  const readOnly = (f: string) => READ_ONLY.has(f);
  for (const a of actions) {
    const written = a.type === "set_field" || a.type === "reg_load2" ? a.field.field : a.type === "reg_load" ? a.dst.field : undefined;
    if (written !== undefined && readOnly(written)) return "OFPBAC_BAD_SET_ARGUMENT";
    if (written !== undefined && ctField(written) !== inCt) return inCt ? "OFPBAC_BAD_ARGUMENT" : "OFPBAC_BAD_SET_ARGUMENT";
    if (inCt && written === undefined && a.type !== "nat") return "OFPBAC_BAD_ARGUMENT";
    if (a.type === "ct") {
      if (a.flags & CtFlags.FORCE && !(a.flags & CtFlags.COMMIT)) return "OFPBAC_BAD_ARGUMENT";
      if (a.zoneSrc && a.zoneSrc.nbits !== 16) return "OFPBAC_BAD_SET_LEN";
      const inner = actionListError(a.actions, true);
      if (inner) return inner;
    }
    if (a.type === "nat") {
      const gt = (x?: Uint8Array, y?: Uint8Array) => x !== undefined && y !== undefined && Buffer.compare(x, y) > 0;
      if (gt(a.ipv4Min, a.ipv4Max) || gt(a.ipv6Min, a.ipv6Max) || (a.protoMin !== undefined && a.protoMax !== undefined && a.protoMin > a.protoMax)) return "OFPBAC_BAD_ARGUMENT";
    }
    if (a.type === "set_field") {
      if (a.field.field === "unknown") return "OFPBAC_BAD_SET_TYPE";
      if (a.field.field === "in_port") return "OFPBAC_BAD_SET_ARGUMENT";
      if (a.field.field === "vlan_vid" && ((a.field.value[0] ?? 0) & 0x10) === 0) return "OFPBAC_BAD_SET_ARGUMENT";
      // mf_is_value_valid(): a value with bits the field does not have (nw_ecn 4, ip_dscp 64, mpls_tc 8, ...)
      if (!fieldValueValid(a.field)) return "OFPBAC_BAD_SET_ARGUMENT";
    }
    const nested = a.type === "clone" ? actionListError(a.actions) : undefined;
    if (nested) return nested;
  }
  return undefined;
}
