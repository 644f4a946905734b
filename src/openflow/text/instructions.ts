/**
 * Instruction text (`meter`, `apply_actions`, `clear_actions`, `write_actions`, `write_metadata`,
 * `goto_table`): parse in OpenFlow 1.1+ order and print.
 *
 * @module
 */
import type { Action, Instruction } from "../actions.js";
import { formatActions } from "./action-format.js";
import { ACTION_NAMES, parseAction, parseActionList } from "./action-parse.js";
import { type ActionParseContext, actionParseContext } from "./context.js";
import { FlowSyntaxError } from "./errors.js";
import type { NameMaps } from "./ports.js";
import { splitActions, tableOrFail } from "./tokens.js";
import { hexNum } from "./values.js";
import { cU32, cU64 } from "./c-int.js";
import { MatchInconsistentError } from "../consistency.js";

/** Instruction names in the order OpenFlow 1.1+ requires (plain actions rank as apply_actions). */
const INSTRUCTION_ORDER = ["meter", "apply_actions", "clear_actions", "write_actions", "write_metadata", "goto_table"];

/**
 * An instruction name's rank in {@link INSTRUCTION_ORDER}, 1 (apply_actions) for an action: by length first,
 * so that most actions are told apart without hashing their (fresh, lower-cased) name.
 */
function instructionRank(name: string): number {
  switch (name.length) {
    case 5:
      return name === "meter" ? 0 : 1;
    case 10:
      return name === "goto_table" ? 5 : 1;
    case 13:
      return name === "clear_actions" ? 2 : name === "write_actions" ? 3 : 1;
    case 14:
      return name === "write_metadata" ? 4 : 1;
  }
  return 1;
}

/**
 * Parses an `actions=` string into OpenFlow 1.3 instructions (apply-actions plus meter, goto_table,
 * write_metadata, write_actions, clear_actions).
 */
export function parseInstructions(text: string, ctx: ActionParseContext = actionParseContext()): Instruction[] {
  return parseInstructionsIn(text, 0, text.length, ctx);
}

/** {@link parseInstructions} of the text of `s` from `from` to `to` (no string made of it). */
export function parseInstructionsIn(s: string, from: number, to: number, ctx: ActionParseContext): Instruction[] {
  const items = splitActions(s, from, to, true, ACTION_NAMES);
  const insts: Instruction[] = [];
  const apply: Action[] = [];
  let meter: Instruction | undefined;
  let clear = false;
  let write: Instruction | undefined;
  let wm: Instruction | undefined;
  let gt: Instruction | undefined;
  let last = -1;
  // `conjunction` goes only with `note`: whether there is one, and the first action of another kind
  let other: string | undefined;
  let drop = false;
  let index = 0;
  let orderError: string | undefined;
  let conjunctionAt: number | undefined;
  for (let k = 0; k < items.length; k++) {
    const parts = items[k]!;
    const { it, name, arg, paren } = parts;
    // OpenFlow 1.1+ instruction order: meter, apply_actions, clear_actions, write_actions, write_metadata, goto_table
    const rank = instructionRank(name);
    // ovs-ofctl verifies the order once the list is parsed (ofpacts_verify()): the first violation is kept
    if (orderError === undefined && name !== "drop" && last >= 0 && (last === 1 ? rank < last : rank <= last)) {
      orderError =
        rank === last
          ? `duplicate ${INSTRUCTION_ORDER[rank]} instruction not allowed, for OpenFlow 1.1+ compatibility`
          : `invalid instruction ordering: ${INSTRUCTION_ORDER[rank]} must appear before ${INSTRUCTION_ORDER[last]}, for OpenFlow 1.1+ compatibility`;
    }
    if (name !== "drop") last = rank;
    if (name === "conjunction") conjunctionAt ??= index;
    // (an output to a field is Open vSwitch's output_reg action)
    else if (other === undefined && name !== "note") other = name === "output" && (arg ?? "").includes("[") ? "output_reg" : name;
    index++;
    if (rank !== 1 || name === "drop") switch (name) {
      case "drop":
        // checked once every item parsed, as ovs-ofctl: an unknown action after it is the error
        drop = true;
        continue;
      case "meter": {
        const meterId = cU32(arg ?? "");
        meter = { type: "meter", meterId };
        // check_METER() in ofpacts_check(): id 0 and ids past OFPM13_MAX (0xffff0000) are refused in order
        if ((meterId === 0 || meterId > 0xffff0000) && !ctx.unchecked) {
          const e = new MatchInconsistentError("meter", "OFPMMFC_INVALID_METER");
          if (ctx.deferred === undefined) throw e;
          ctx.deferred.error ??= e;
        }
        continue;
      }
      case "clear_actions":
        clear = true;
        continue;
      case "write_actions":
        {
          // an action set is checked against the match, but its OpenFlow 1.0-only inconsistencies do not count
          const actions = parseActionList(paren ?? "", { flow: { ...ctx.flow }, of10Only: false, inCt: false, portNames: ctx.portNames, deferred: ctx.deferred, unchecked: false, tableNames: ctx.tableNames });
          // ovs-ofctl sends no instruction for an empty action set (`write_actions(drop)`)
          write = actions.length ? { type: "write_actions", actions } : undefined;
        }
        continue;
      case "write_metadata": {
        const [v, m] = (arg ?? "").split("/");
        // (str_to_be64() of the mask first, then of the value, as parse_WRITE_METADATA())
        const mask = m === undefined ? 0xffffffffffffffffn : cU64(m);
        wm = { type: "write_metadata", metadata: cU64(v!), mask };
        continue;
      }
      case "goto_table":
        gt = { type: "goto_table", tableId: tableOrFail(arg, ctx.tableNames) };
        continue;
    }
    for (const a of parseAction(it, ctx, parts)) apply.push(a);
  }
  if (drop && items.length > 1) throw new FlowSyntaxError(`"drop" must not be accompanied by any other action or instruction`);
  // a conjunction with a companion is reported before any misplaced instruction, as ovs-ofctl does
  if (orderError !== undefined && !(conjunctionAt !== undefined && other !== undefined)) throw new FlowSyntaxError(orderError);
  if (conjunctionAt !== undefined) {
    if (other !== undefined) throw new FlowSyntaxError(`"conjunction" actions may be used along with "note" but not any other kind of action (such as the "${other}" action used here)`);
  }
  if (meter) insts.push(meter);
  if (apply.length) insts.push({ type: "apply_actions", actions: apply });
  if (clear) insts.push({ type: "clear_actions" });
  if (write) insts.push(write);
  if (wm) insts.push(wm);
  if (gt) insts.push(gt);
  return insts;
}

/**
 * Formats instructions as the `actions=` text (apply-actions inline, others as ovs-ofctl spells them).
 * @param names - prints the ports and tables (see formatActions())
 */
export function formatInstructions(insts: readonly Instruction[], names?: NameMaps): string {
  // the parts joined as they come (no array of them first)
  let s = "";
  let n = 0;
  for (const i of insts) {
    let part: string;
    switch (i.type) {
      case "meter":
        part = `meter:${i.meterId}`;
        break;
      case "apply_actions":
        if (!i.actions.length) continue;
        part = formatActions(i.actions, names);
        break;
      case "clear_actions":
        part = "clear_actions";
        break;
      case "write_actions":
        // an empty action set prints as ovs-ofctl prints an empty list
        part = `write_actions(${i.actions.length ? formatActions(i.actions, names) : "drop"})`;
        break;
      case "write_metadata":
        part = `write_metadata:${hexNum(i.metadata)}${i.mask === 0xffffffffffffffffn ? "" : "/" + hexNum(i.mask)}`;
        break;
      case "goto_table":
        part = `goto_table:${names === undefined ? i.tableId : names.table(i.tableId)}`;
        break;
      case "unknown":
        part = `unknown_instruction(${i.instructionType})`;
        break;
      default:
        continue;
    }
    s = n++ === 0 ? part : s + "," + part;
  }
  return n === 0 ? "drop" : s;
}
