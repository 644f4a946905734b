/**
 * The actions of a flow read from a file as ovs-ofctl prints them without sending them anywhere (diff-flows
 * compares and prints actions as text): each action in the form it was written, normalised as Open vSwitch
 * prints it: `mod_nw_tos:4` stays `mod_nw_tos:4`, `set_field:5->reg0` is `set_field:0x5->reg0`,
 * `load:5->NXM_NX_REG1[]` is `load:0x5->NXM_NX_REG1[]`.
 *
 * The parser here gives OpenFlow 1.3 instructions, where several of these are one and the same action; each
 * action is therefore encoded alone in the protocol that carries its written form (OpenFlow 1.0 with NXM for
 * the OpenFlow 1.0 and Nicira actions, OpenFlow 1.5 for `set_field` and the OpenFlow 1.1+ ones), decoded
 * again and printed.
 *
 * @module
 */
import { decodeMessage, encodeMessage } from "../openflow/messages.js";
import { type ParsedFlow, formatInstructions, parseFlow, splitTop } from "../openflow/flowtext.js";
import { Protocol, usableProtocols } from "../openflow/protocols.js";
import { flowModMessage } from "../openflow/v10/session.js";

/** The separators between actions (ovs-ofctl's ofputil_parse_key_value()). */
const ACTION_SEPARATORS = ", \t\r\n";

/** The start of the `actions=` (or `apply_actions=`) part of a flow line, or -1. */
function actionsAt(line: string): number {
  const m = /(^|[\s,])(apply_)?actions\s*=/.exec(line);
  return m ? m.index + m[1]!.length : -1;
}

/** `fm`'s instructions encoded in protocol `p` and decoded again, as printed. */
function roundTrip(fm: ParsedFlow, p: number): string {
  const m = decodeMessage(encodeMessage(flowModMessage(p, { ...fm, tableId: 0 })));
  if (m.type !== "flow_mod" && m.type !== "nx_flow_mod") throw new Error(`unexpected message ${m.type}`);
  return formatInstructions(m.instructions);
}

const NXM = Protocol.OF10_NXM | Protocol.OF10_NXM_TID;

/** The actions whose written form only OpenFlow 1.1+ keeps: `set_field` and the instructions. */
const OXM_FORMS = new Set(["set_field", "goto_table", "write_actions", "clear_actions", "write_metadata", "meter"]);

/** One action of a flow (with the flow's match before it, for the actions that depend on it). */
function oneAction(matchPart: string, action: string): string {
  const text = matchPart ? `${matchPart},actions=${action}` : `actions=${action}`;
  const fm = parseFlow(text);
  const usable = usableProtocols(text, fm);
  const keyword = /^[^:(=]*/.exec(action)![0].trim().toLowerCase();
  if (!OXM_FORMS.has(keyword) && usable & NXM) return roundTrip(fm, usable & Protocol.OF10_NXM ? Protocol.OF10_NXM : Protocol.OF10_NXM_TID);
  if (usable & Protocol.OF15_OXM) return roundTrip(fm, Protocol.OF15_OXM);
  return formatInstructions(fm.instructions);
}

/**
 * The actions of the flow line `line` (already parsed as `fm`) as ovs-ofctl prints them for diff-flows.
 * An action that cannot stand alone (it needs an earlier one, as `set_field:...->vlan_vid` after
 * `push_vlan`) has the whole list printed from one protocol instead.
 */
export function fileActionsText(line: string, fm: ParsedFlow): string {
  const at = actionsAt(line);
  if (at < 0) return formatInstructions(fm.instructions);
  const matchPart = line.slice(0, at).replace(/[\s,]+$/, "");
  const items = splitTop(line.slice(line.indexOf("=", at) + 1), ACTION_SEPARATORS).filter((a) => a.toLowerCase() !== "drop");
  if (!items.length) return formatInstructions(fm.instructions);
  try {
    return items.map((a) => oneAction(matchPart, a)).join(",");
  } catch {
    const usable = usableProtocols(line, fm);
    const oxmForm = items.some((a) => OXM_FORMS.has(/^[^:(=]*/.exec(a)![0].trim().toLowerCase()));
    if (!oxmForm && usable & NXM) return roundTrip(fm, usable & Protocol.OF10_NXM ? Protocol.OF10_NXM : Protocol.OF10_NXM_TID);
    if (usable & Protocol.OF15_OXM) return roundTrip(fm, Protocol.OF15_OXM);
    return formatInstructions(fm.instructions);
  }
}
