/**
 * OpenFlow 1.3 instructions (OpenFlow 1.3.5 §7.2.4): goto_table, write_metadata, write/apply/clear actions and
 * meter, decoded and encoded with their padded lengths; bare instruction lists as ovs-ofctl's
 * `parse-instructions` paths take them.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { InstructionType, type Instruction } from "./action-types.js";
import { decodeActions, encodeActions } from "./actions.js";

/**
 * Decodes a list of instructions filling the whole reader.
 * @throws DecodeError on malformed input
 */
export function decodeInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.remaining > 0) {
    const b = r.entry("instruction", 8, 8);
    const type = b.u16();
    b.skip(2);
    switch (type) {
      case InstructionType.GOTO_TABLE:
        out.push({ type: "goto_table", tableId: b.u8() });
        break;
      case InstructionType.WRITE_METADATA:
        b.skip(4);
        out.push({ type: "write_metadata", metadata: b.u64(), mask: b.u64() });
        break;
      case InstructionType.WRITE_ACTIONS:
      case InstructionType.APPLY_ACTIONS: {
        b.skip(4);
        const actions = decodeActions(b.sub(b.remaining, "actions"));
        out.push(type === InstructionType.WRITE_ACTIONS ? { type: "write_actions", actions } : { type: "apply_actions", actions });
        break;
      }
      case InstructionType.CLEAR_ACTIONS:
        out.push({ type: "clear_actions" });
        break;
      case InstructionType.METER:
        out.push({ type: "meter", meterId: b.u32() });
        break;
      default:
        out.push({ type: "unknown", instructionType: type, data: b.take(b.remaining) });
    }
  }
  return out;
}

/**
 * Encodes instructions (lengths reserved and patched); their actions for `version` (OpenFlow 1.3 codes
 * unless given).
 */
export function encodeInstructions(w: Writer, insts: readonly Instruction[], version?: number): void {
  for (const i of insts) {
    const start = w.pos;
    const t =
      i.type === "unknown"
        ? i.instructionType
        : {
            goto_table: InstructionType.GOTO_TABLE,
            write_metadata: InstructionType.WRITE_METADATA,
            write_actions: InstructionType.WRITE_ACTIONS,
            apply_actions: InstructionType.APPLY_ACTIONS,
            clear_actions: InstructionType.CLEAR_ACTIONS,
            meter: InstructionType.METER,
          }[i.type];
    w.u16(t);
    const lenAt = w.reserve16();
    switch (i.type) {
      case "goto_table":
        w.u8(i.tableId).zeros(3);
        break;
      case "write_metadata":
        w.zeros(4).u64(i.metadata).u64(i.mask);
        break;
      case "write_actions":
      case "apply_actions":
        w.zeros(4);
        encodeActions(w, i.actions, version);
        break;
      case "clear_actions":
        w.zeros(4);
        break;
      case "meter":
        w.u32(i.meterId);
        break;
      case "unknown":
        w.bytes(i.data);
        break;
    }
    w.pad(start, 8);
    w.patch16(lenAt, w.pos - start);
  }
}

/**
 * Decodes a bare OpenFlow 1.3 instruction list (the instructions of a flow_mod or flow stats entry).
 * @throws DecodeError on malformed input
 */
export function decodeInstructionList(bytes: Uint8Array): Instruction[] {
  return decodeInstructions(new Reader(bytes, "openflow"));
}

/**
 * Encodes a bare instruction list, its actions for `version` (OpenFlow 1.3 codes unless given).
 * @throws EncodeError for a value that does not fit its field
 */
export function encodeInstructionList(insts: readonly Instruction[], version?: number): Uint8Array {
  const w = new Writer("openflow", 64);
  encodeInstructions(w, insts, version);
  return w.finish().slice();
}
