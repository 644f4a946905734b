/**
 * OpenFlow 1.3 instructions (OpenFlow 1.3.5 §7.2.4): goto_table, write_metadata, write/apply/clear actions and
 * meter, decoded and encoded with their padded lengths; bare instruction lists as ovs-ofctl's
 * `parse-instructions` paths take them.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { InstructionType, type Instruction } from "./action-types.js";
import { decodeActions, encodeActions } from "./actions.js";

/**
 * Decodes a list of instructions filling the whole reader.
 * @throws DecodeError on malformed input
 */
export function decodeInstructions(r: Reader): Instruction[] {
  // an array of its exact length for the usual one instruction (see decodeActions())
  const end = r.end;
  if (r.pos >= end) return [];
  const first = decodeInstructionAt(r, end);
  if (r.pos >= end) return [first];
  const out = [first];
  while (r.pos < end) out.push(decodeInstructionAt(r, end));
  return out;
}

/** The instruction at the reader's position, which it moves past (`end`: the end of the list). */
function decodeInstructionAt(r: Reader, end: number): Instruction {
  // read in place (no reader per instruction): narrowed to the instruction, then past it; its length
  // checked by index (the reader's enter() names what is wrong, and costs V8's inlining budget of the
  // flow_mod decoder, so it is called only when the check fails)
  const at = r.pos;
  const len = at + 4 <= end ? (r.bytes[at + 2]! << 8) | r.bytes[at + 3]! : 0;
  if (len >= 8 && (len & 7) === 0 && len <= end - at) r.end = at + len;
  else r.enter("instruction", 8, 8);
  const inst = decodeInstruction(r);
  r.pos = r.end;
  r.end = end;
  return inst;
}

/** The instruction at the reader's position, the reader narrowed to it (at least 8 bytes). */
function decodeInstruction(b: Reader): Instruction {
  const p = b.pos;
  const type = (b.bytes[p]! << 8) | b.bytes[p + 1]!;
  b.pos = p + 4;
  switch (type) {
    case InstructionType.GOTO_TABLE:
      return { type: "goto_table", tableId: b.u8() };
    case InstructionType.WRITE_METADATA:
      b.skip(4);
      return { type: "write_metadata", metadata: b.u64(), mask: b.u64() };
    case InstructionType.WRITE_ACTIONS:
    case InstructionType.APPLY_ACTIONS: {
      b.pos = p + 8;
      const actions = decodeActions(b);
      return type === InstructionType.WRITE_ACTIONS ? { type: "write_actions", actions } : { type: "apply_actions", actions };
    }
    case InstructionType.CLEAR_ACTIONS:
      return { type: "clear_actions" };
    case InstructionType.METER:
      return { type: "meter", meterId: b.u32() };
    default:
      return { type: "unknown", instructionType: type, data: b.take(b.remaining) };
  }
}

/**
 * Encodes instructions (lengths reserved and patched); their actions for `version` (OpenFlow 1.3 codes
 * unless given).
 */
export function encodeInstructions(w: Writer, insts: readonly Instruction[], version?: number): void {
  for (let x = 0; x < insts.length; x++) {
    const i = insts[x]!;
    const start = w.pos;
    const lenAt = start + 2;
    // the type read once (instructions come in several shapes, so each read of it is a hash lookup)
    const type = i.type;
    switch (type) {
      case "write_actions":
      case "apply_actions": {
        // type, length (patched below) and padding stored by index (room asked for in the steps the field
        // writes took: a Writer out of room names the same size)
        w.room(2);
        w.room(4);
        const b = w.room(8);
        b[start] = 0;
        b[start + 1] = type === "apply_actions" ? InstructionType.APPLY_ACTIONS : InstructionType.WRITE_ACTIONS;
        b[start + 2] = 0;
        b[start + 3] = 0;
        b[start + 4] = 0;
        b[start + 5] = 0;
        b[start + 6] = 0;
        b[start + 7] = 0;
        w.pos = start + 8;
        encodeActions(w, i.actions, version);
        break;
      }
      case "goto_table":
        w.u16(InstructionType.GOTO_TABLE).u16(0).u8(i.tableId).zeros(3);
        break;
      case "write_metadata":
        w.u16(InstructionType.WRITE_METADATA).u16(0).zeros(4).u64(i.metadata).u64(i.mask);
        break;
      case "clear_actions":
        w.u16(InstructionType.CLEAR_ACTIONS).u16(0).zeros(4);
        break;
      case "meter":
        w.u16(InstructionType.METER).u16(0).u32(i.meterId);
        break;
      case "unknown":
        w.u16(i.instructionType).u16(0).bytes(i.data);
        break;
      default:
        throw new EncodeError("openflow", "instruction.type", `unknown instruction type ${String((i as { type: unknown }).type)}`);
    }
    // the padding zeroed by index, then the padded length (range-checked) stored
    const end = w.pos;
    const padded = (end - start + 7) & ~7;
    const b = w.room(start + padded - end);
    for (let k = end; k < start + padded; k++) b[k] = 0;
    w.pos = start + padded;
    if (padded > 0xffff) w.outOfRange("length", padded, 16);
    b[lenAt] = padded >>> 8;
    b[lenAt + 1] = padded;
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
