/**
 * OpenFlow 1.1 actions (OpenFlow 1.1.0 §A.2.5 `ofp_action_type`): OpenFlow 1.1 has no set_field, so its
 * field writes are fixed actions of their own (`OFPAT_SET_VLAN_VID` 1 ... `OFPAT_SET_TP_DST` 10,
 * `OFPAT_SET_MPLS_LABEL` 13, `OFPAT_SET_MPLS_TC` 14); its other actions share their codes with OpenFlow 1.3.
 *
 * Encoding maps the OpenFlow 1.3 forms the flow parser produces (set_field) to those actions the way Open
 * vSwitch does for OpenFlow 1.1 (lib/ofp-actions.c `set_field_to_legacy_openflow`): a 1.1 action where one
 * exists, a Nicira `NXAST_REG_LOAD` otherwise. Decoding of the codes is in ../actions.ts (Open vSwitch also
 * accepts them, deprecated, from OpenFlow 1.2 on).
 *
 * @module
 */
import { EncodeError } from "../../bytes/encode-error.js";
import type { Writer } from "../../bytes/writer.js";
import { bytesToBig } from "../../bytes/hex.js";
import type { Action } from "../action-types.js";
import { setFieldLoads } from "../v10/actions.js";

/** OpenFlow 1.1 action types that OpenFlow 1.2 replaced by set_field (the others keep their 1.3 codes). */
export const Of11ActionType = {
  SET_VLAN_VID: 1,
  SET_VLAN_PCP: 2,
  SET_DL_SRC: 3,
  SET_DL_DST: 4,
  SET_NW_SRC: 5,
  SET_NW_DST: 6,
  SET_NW_TOS: 7,
  SET_NW_ECN: 8,
  SET_TP_SRC: 9,
  SET_TP_DST: 10,
  SET_MPLS_LABEL: 13,
  SET_MPLS_TC: 14,
} as const;

/**
 * The OpenFlow 1.1 action for a set_field, if Open vSwitch writes one: it sets the whole field (a mask is
 * dropped); MPLS fields and SCTP ports are Nicira loads.
 */
function legacyOf(f: Extract<Action, { type: "set_field" }>["field"]): Action | undefined {
  const n = Number(bytesToBig(f.value));
  switch (f.field) {
    case "vlan_vid":
      return { type: "set_vlan_vid", vid: n & 0xfff, of11: true };
    case "vlan_pcp":
      return { type: "set_vlan_pcp", pcp: n & 7, of11: true };
    case "dl_src":
      return { type: "set_dl_src", mac: f.value };
    case "dl_dst":
      return { type: "set_dl_dst", mac: f.value };
    case "nw_src":
      return { type: "set_nw_src", addr: n };
    case "nw_dst":
      return { type: "set_nw_dst", addr: n };
    case "ip_dscp":
      return { type: "set_nw_tos", tos: (n << 2) & 0xfc };
    case "nw_tos":
      return { type: "set_nw_tos", tos: n & 0xfc };
    case "nw_ecn":
      return { type: "set_nw_ecn", ecn: n & 3 };
    case "tcp_src":
    case "udp_src":
      return { type: "set_tp_src", port: n };
    case "tcp_dst":
    case "udp_dst":
      return { type: "set_tp_dst", port: n };
  }
  return undefined;
}

/**
 * The OpenFlow 1.1 form of an action list in OpenFlow 1.3 terms, as Open vSwitch encodes it for OpenFlow
 * 1.1: a set_field becomes the 1.1 action for its field, or Nicira loads for a field 1.1 cannot set
 * (nested `ct` and `clone` lists likewise).
 */
export function toOf11Actions(actions: readonly Action[]): Action[] {
  const out: Action[] = [];
  for (const a of actions) {
    switch (a.type) {
      case "set_field": {
        // (an SCTP port of mod_tp_src/mod_tp_dst: the set_tp action, as for TCP and UDP)
        const legacy = a.l4Port === true ? legacyOf({ field: a.field.field === "sctp_src" ? "tcp_src" : "tcp_dst", header: a.field.header, experimenter: a.field.experimenter, value: a.field.value, mask: a.field.mask }) : legacyOf(a.field);
        if (legacy) out.push(legacy);
        else out.push(...setFieldLoads(a));
        break;
      }
      case "ct":
      case "clone":
        out.push({ ...a, actions: toOf11Actions(a.actions) });
        break;
      default:
        out.push(a);
    }
  }
  return out;
}

function fixed(w: Writer, type: number, len: number, body: () => void): void {
  const start = w.pos;
  w.u16(type).u16(len);
  body();
  w.zeros(len - (w.pos - start));
}

/**
 * Writes `a` with its OpenFlow 1.1 code if it is one of the actions OpenFlow 1.2 dropped (see
 * {@link Of11ActionType}); returns false (nothing written) for any other action.
 * @throws EncodeError when a value does not fit its field
 */
export function encodeOf11Legacy(w: Writer, a: Action): boolean {
  switch (a.type) {
    case "set_vlan_vid":
      fixed(w, Of11ActionType.SET_VLAN_VID, 8, () => w.u16(a.vid, "set_vlan_vid.vid"));
      return true;
    case "set_vlan_pcp":
      fixed(w, Of11ActionType.SET_VLAN_PCP, 8, () => w.u8(a.pcp, "set_vlan_pcp.pcp"));
      return true;
    case "set_dl_src":
    case "set_dl_dst":
      if (a.mac.length !== 6) throw new EncodeError("openflow", a.type, "MAC address must be 6 bytes");
      fixed(w, a.type === "set_dl_src" ? Of11ActionType.SET_DL_SRC : Of11ActionType.SET_DL_DST, 16, () => w.bytes(a.mac));
      return true;
    case "set_nw_src":
    case "set_nw_dst":
      fixed(w, a.type === "set_nw_src" ? Of11ActionType.SET_NW_SRC : Of11ActionType.SET_NW_DST, 8, () => w.u32(a.addr >>> 0, a.type));
      return true;
    case "set_nw_tos":
      fixed(w, Of11ActionType.SET_NW_TOS, 8, () => w.u8(a.tos, "set_nw_tos.tos"));
      return true;
    case "set_nw_ecn":
      fixed(w, Of11ActionType.SET_NW_ECN, 8, () => w.u8(a.ecn, "set_nw_ecn.ecn"));
      return true;
    case "set_tp_src":
    case "set_tp_dst":
      fixed(w, a.type === "set_tp_src" ? Of11ActionType.SET_TP_SRC : Of11ActionType.SET_TP_DST, 8, () => w.u16(a.port, a.type));
      return true;
    case "set_mpls_label":
      fixed(w, Of11ActionType.SET_MPLS_LABEL, 8, () => w.u32(a.label >>> 0, "set_mpls_label.label"));
      return true;
    case "set_mpls_tc":
      fixed(w, Of11ActionType.SET_MPLS_TC, 8, () => w.u8(a.tc, "set_mpls_tc.tc"));
      return true;
    case "strip_vlan":
      fixed(w, 18, 8, () => undefined);
      return true;
    case "enqueue":
      // as Open vSwitch: set_queue, output with max_len 0xffff, pop_queue
      fixed(w, 21, 8, () => w.u32(a.queueId, "enqueue.queue_id"));
      fixed(w, 0, 16, () => w.u32(a.port).u16(0xffff));
      w.u16(0xffff).u16(16).u32(0x00002320).u16(5).zeros(6);
      return true;
  }
  return false;
}

/**
 * The OpenFlow error Open vSwitch's decoder gives a decoded OpenFlow 1.1 action list holding an action
 * OpenFlow 1.1 lacks (`set_field`, `push_pbb`, `pop_pbb`, also inside `ct` and `clone`): `OFPBAC_BAD_TYPE`;
 * undefined when every action exists in OpenFlow 1.1.
 */
export function of11ActionError(actions: readonly Action[]): string | undefined {
  for (const a of actions) {
    if (a.type === "set_field" || a.type === "push_pbb" || a.type === "pop_pbb") return "OFPBAC_BAD_TYPE";
    if (a.type === "ct" || a.type === "clone") {
      const inner = of11ActionError(a.actions);
      if (inner) return inner;
    }
  }
  return undefined;
}
