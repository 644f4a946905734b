/**
 * OpenFlow 1.1+ instruction and action lists as Open vSwitch decodes them (`ofpacts_pull_openflow_instructions()`,
 * `ofpacts_pull_openflow_actions()` and `ofpacts_check_consistency()` in lib/ofp-actions.c): the structural
 * instruction checks (`OFPBIC_BAD_LEN`, `OFPBIC_DUP_INST`, `OFPBIC_UNKNOWN_INST`, `OFPBIC_BAD_EXPERIMENTER`),
 * the canonical instruction order (meter, apply-actions, clear-actions, write-actions, write-metadata,
 * goto-table), a Nicira `write_metadata` action lifted to its instruction, the version rules on decoded
 * actions (output ports, set_field masks) and `goto_table` against the flow's table.
 *
 * Every refusal is a {@link DecodeError} whose reason is the OpenFlow error name ovs-ofctl prints.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { Reader } from "../bytes/reader.js";
import { type Action, type Instruction, InstructionType } from "./action-types.js";
import { actionListError, decodeActions, encodeInstructionList } from "./actions.js";
import { oneActionVersionError } from "./action-versions.js";
import { OfpVersion } from "./constants.js";
import { of11ActionError } from "./versions/actions11.js";

const NX_VENDOR = 0x00002320;
const NXAST_WRITE_METADATA = 22;
const OFPIT_EXPERIMENTER = 0xffff;

/** Instruction lengths Open vSwitch requires: exact, or (for the action-carrying ones) at least 8. */
const INSTRUCTION_LEN: ReadonlyMap<number, { len: number; extensible: boolean }> = new Map([
  [InstructionType.GOTO_TABLE, { len: 8, extensible: false }],
  [InstructionType.WRITE_METADATA, { len: 24, extensible: false }],
  [InstructionType.WRITE_ACTIONS, { len: 8, extensible: true }],
  [InstructionType.APPLY_ACTIONS, { len: 8, extensible: true }],
  [InstructionType.CLEAR_ACTIONS, { len: 8, extensible: false }],
  [InstructionType.METER, { len: 8, extensible: false }],
]);

function fail(offset: number, reason: string): never {
  throw new DecodeError("openflow", offset, reason);
}

/** True for a Nicira NXAST_WRITE_METADATA action decoded as a bare experimenter action. */
function isNxWriteMetadata(a: Action): a is Extract<Action, { type: "experimenter" }> {
  return a.type === "experimenter" && a.experimenter === NX_VENDOR && a.data.length >= 6 && ((a.data[4]! << 8) | a.data[5]!) === NXAST_WRITE_METADATA;
}

/**
 * The OpenFlow error Open vSwitch gives a decoded OpenFlow 1.1+ action list of `version` for what its
 * generic decoder does not check: an output port outside the switch's range or `ANY` (`OFPBAC_BAD_OUT_PORT`),
 * an action whose encoding the version lacks ({@link actionVersionError}), a masked `set_field` before
 * OpenFlow 1.5 (`OFPBAC_BAD_SET_MASK`), an action OpenFlow 1.1 lacks
 * (`OFPBAC_BAD_TYPE`), a malformed Nicira `write_metadata` (`OFPBAC_BAD_LEN`), then the checks of
 * {@link actionListError}. Undefined when Open vSwitch accepts the list.
 */
export function versionActionError(actions: readonly Action[], version: number): string | undefined {
  const walk = (list: readonly Action[]): string | undefined => {
    for (const a of list) {
      // an encoding the version does not have (set_field in 1.1, Nicira load in 1.5, ...)
      const versionError = oneActionVersionError(a, version);
      if (versionError !== undefined) return versionError;
      // ports: below OFPP_MAX (0xff00), or a reserved port from IN_PORT to LOCAL
      if (a.type === "output" && !(a.port < 0xff00 || (a.port >= 0xfffffff8 && a.port <= 0xfffffffe))) return "OFPBAC_BAD_OUT_PORT";
      if (a.type === "set_field" && a.field.mask && version < OfpVersion.OF15) return "OFPBAC_BAD_SET_MASK";
      if (isNxWriteMetadata(a) && a.data.length !== 28) return "OFPBAC_BAD_LEN";
      if (a.type === "ct" || a.type === "clone") {
        const inner = walk(a.actions);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return walk(actions) ?? (version === OfpVersion.OF11 ? of11ActionError(actions) : undefined) ?? actionListError(actions);
}

/**
 * Checks a decoded OpenFlow 1.1+ action list as `ovs-ofctl parse-actions` does: {@link versionActionError},
 * then a Nicira `write_metadata` (an instruction, not an action) is `OFPBIC_UNSUP_INST`.
 * @throws DecodeError whose reason is the OpenFlow error name
 */
export function checkActionList(actions: readonly Action[], version: number): void {
  const bad = versionActionError(actions, version);
  if (bad) fail(0, bad);
  if (actions.some(isNxWriteMetadata)) fail(0, "OFPBIC_UNSUP_INST");
}

/**
 * Decodes a bare OpenFlow 1.1+ instruction list as Open vSwitch does for a flow in table `tableId`: the
 * structural checks, the actions of apply-actions and write-actions checked for `version`, the result in
 * canonical order (an empty apply-actions left out, a Nicira `write_metadata` action at the end of
 * apply-actions as the write-metadata instruction), and `goto_table` past `tableId`.
 * @param version - the OpenFlow version (OpenFlow 1.1 to 1.5)
 * @param tableId - the table the flow is in, for `goto_table` (default 0)
 * @throws DecodeError whose reason is the OpenFlow error name (`OFPBIC_BAD_LEN`, `OFPBIC_DUP_INST`,
 *   `OFPBAC_UNSUPPORTED_ORDER`, `OFPBIC_BAD_TABLE_ID`, ...)
 */
export function decodeCheckedInstructions(bytes: Uint8Array, version: number, tableId = 0): Instruction[] {
  if (bytes.length === 0 || bytes.length % 8) fail(0, "OFPBIC_BAD_LEN");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new Map<number, Uint8Array>();
  let at = 0;
  while (at < bytes.length) {
    const type = view.getUint16(at);
    const len = view.getUint16(at + 2);
    if (len % 8 || len < 8 || len > bytes.length - at) break;
    if (type === OFPIT_EXPERIMENTER) fail(at, "OFPBIC_BAD_EXPERIMENTER");
    const rule = INSTRUCTION_LEN.get(type);
    if (!rule) fail(at, "OFPBIC_UNKNOWN_INST");
    if (rule.extensible ? len < rule.len : len !== rule.len) fail(at, "OFPBIC_BAD_LEN");
    // meter is an action, not an instruction, in OpenFlow 1.5
    if (type === InstructionType.METER && version >= OfpVersion.OF15) fail(at, "OFPBIC_UNKNOWN_INST");
    if (found.has(type)) fail(at, "OFPBIC_DUP_INST");
    found.set(type, bytes.subarray(at, at + len));
    at += len;
  }
  if (at < bytes.length) fail(at, "OFPBIC_BAD_LEN");

  const at0 = (t: number) => found.get(t)!.byteOffset - bytes.byteOffset;
  const actionsOf = (t: number) => {
    const b = found.get(t);
    return b === undefined ? undefined : decodeActions(new Reader(bytes, "openflow", 0, view, at0(t) + 8, at0(t) + b.length));
  };
  const out: Instruction[] = [];
  if (found.has(InstructionType.METER)) out.push({ type: "meter", meterId: view.getUint32(at0(InstructionType.METER) + 4) });
  const apply = actionsOf(InstructionType.APPLY_ACTIONS);
  let liftedMetadata: Extract<Instruction, { type: "write_metadata" }> | undefined;
  if (apply) {
    const bad = versionActionError(apply, version);
    if (bad) fail(0, bad);
    const k = apply.findIndex(isNxWriteMetadata);
    if (k >= 0) {
      // write_metadata ranks after apply-actions, clear-actions and write-actions, once
      if (k !== apply.length - 1 || found.has(InstructionType.CLEAR_ACTIONS) || found.has(InstructionType.WRITE_ACTIONS) || found.has(InstructionType.WRITE_METADATA)) {
        fail(0, "OFPBAC_UNSUPPORTED_ORDER");
      }
      const d = apply[k] as Extract<Action, { type: "experimenter" }>;
      const dv = new DataView(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      liftedMetadata = { type: "write_metadata", metadata: dv.getBigUint64(12), mask: dv.getBigUint64(20) };
    }
    const rest = k >= 0 ? apply.slice(0, k) : apply;
    if (rest.length) out.push({ type: "apply_actions", actions: rest });
  }
  if (found.has(InstructionType.CLEAR_ACTIONS)) out.push({ type: "clear_actions" });
  const write = actionsOf(InstructionType.WRITE_ACTIONS);
  if (write) {
    const bad = versionActionError(write, version);
    if (bad) fail(0, bad);
    if (write.some(isNxWriteMetadata)) fail(0, "OFPBAC_BAD_TYPE");
    out.push({ type: "write_actions", actions: write });
  }
  if (found.has(InstructionType.WRITE_METADATA)) {
    const o = at0(InstructionType.WRITE_METADATA);
    out.push({ type: "write_metadata", metadata: view.getBigUint64(o + 8), mask: view.getBigUint64(o + 16) });
  } else if (liftedMetadata) out.push(liftedMetadata);
  if (found.has(InstructionType.GOTO_TABLE)) {
    const next = bytes[at0(InstructionType.GOTO_TABLE) + 4]!;
    if (next <= tableId) fail(0, "OFPBIC_BAD_TABLE_ID");
    out.push({ type: "goto_table", tableId: next });
  }
  return out;
}

/**
 * Encodes instructions as Open vSwitch writes them: an apply-actions or write-actions instruction with no
 * actions is left out; the rest as {@link encodeInstructionList}.
 */
export function encodeCheckedInstructions(insts: readonly Instruction[], version: number): Uint8Array {
  return encodeInstructionList(
    insts.filter((i) => !((i.type === "apply_actions" || i.type === "write_actions") && i.actions.length === 0)),
    version,
  );
}
