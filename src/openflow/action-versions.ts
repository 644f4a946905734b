/**
 * The OpenFlow versions each action's encoding exists in, as Open vSwitch's action decoder knows them
 * (the `OF1.2-1.4(25)`, `NX1.0-1.4(7)`, `NX1.3+(46)` ranges of ofp-actions.c): an action decoded from a
 * message of another version is refused, with the error Open vSwitch's decoder gives a code it does not
 * know there (`OFPBAC_BAD_TYPE` for a standard action, `OFPBAC_BAD_VENDOR_TYPE` for a Nicira or ONF one).
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import type { Action, Instruction } from "./action-types.js";
import { decodeInstructions } from "./instructions.js";
import { OfpVersion } from "./constants.js";

/**
 * The OpenFlow error Open vSwitch's decoder gives the first action of `actions` (nested `clone` and `ct`
 * lists included, in order) whose encoding does not exist in OpenFlow `version` (1.1 or later): `set_field`
 * before 1.2, the 1.5 `meter` action and `copy_field` before 1.5 (`OFPBAC_BAD_TYPE`); the Nicira `load`,
 * `load2` and `move` from 1.5 on, the ONF `copy_field` outside 1.3-1.4, `encap`, `decap` and `dec_nsh_ttl`
 * before 1.3 (`OFPBAC_BAD_VENDOR_TYPE`). Undefined when every action exists in `version`.
 */
export function actionVersionError(actions: readonly Action[], version: number): "OFPBAC_BAD_TYPE" | "OFPBAC_BAD_VENDOR_TYPE" | undefined {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const bad = oneActionVersionError(a, version);
    if (bad !== undefined) return bad;
    if (a.type === "clone" || a.type === "ct") {
      const inner = actionVersionError(a.actions, version);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** {@link actionVersionError} of one action, its nested lists aside. */
export function oneActionVersionError(a: Action, version: number): "OFPBAC_BAD_TYPE" | "OFPBAC_BAD_VENDOR_TYPE" | undefined {
  switch (a.type) {
    case "set_field":
      return version < OfpVersion.OF12 ? "OFPBAC_BAD_TYPE" : undefined;
    case "meter":
      return version < OfpVersion.OF15 ? "OFPBAC_BAD_TYPE" : undefined;
    case "reg_load":
    case "reg_load2":
      return version >= OfpVersion.OF15 ? "OFPBAC_BAD_VENDOR_TYPE" : undefined;
    case "reg_move":
      if (a.encoding === "of15") return version < OfpVersion.OF15 ? "OFPBAC_BAD_TYPE" : undefined;
      if (a.encoding === "onf") return version < OfpVersion.OF13 || version > OfpVersion.OF14 ? "OFPBAC_BAD_VENDOR_TYPE" : undefined;
      return version >= OfpVersion.OF15 ? "OFPBAC_BAD_VENDOR_TYPE" : undefined;
    case "encap":
    case "decap":
    case "dec_nsh_ttl":
      return version < OfpVersion.OF13 ? "OFPBAC_BAD_VENDOR_TYPE" : undefined;
    default:
      return undefined;
  }
}

/** {@link actionVersionError} of the action lists of `instructions` (apply and write actions, in order). */
export function instructionsVersionError(instructions: readonly Instruction[], version: number): "OFPBAC_BAD_TYPE" | "OFPBAC_BAD_VENDOR_TYPE" | undefined {
  for (let k = 0; k < instructions.length; k++) {
    const inst = instructions[k]!;
    if (inst.type !== "apply_actions" && inst.type !== "write_actions") continue;
    const bad = actionVersionError(inst.actions, version);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/**
 * Reads an OpenFlow 1.1+ instruction list filling `r` (a flow stats entry's), refusing an action whose
 * encoding `version` does not have ({@link actionVersionError}), as Open vSwitch's decoder of the version does.
 * @throws DecodeError whose reason is the OpenFlow error name
 */
export function readVersionedInstructions(r: Reader, version: number): Instruction[] {
  const start = r.pos;
  const insts = decodeInstructions(r.sub(r.remaining));
  const bad = instructionsVersionError(insts, version);
  if (bad !== undefined) r.fail(bad, start);
  return insts;
}
