/**
 * The ovs-ofctl flow syntax (ovs-fields(7), ovs-actions(7), ovs-ofctl(8) "Flow Syntax"): parse a flow
 * into an OpenFlow 1.3 flow_mod and print matches, actions and messages the way `ovs-ofctl` does.
 *
 * Layout: `values` (field value codecs), `ports`, `subfield`, `match` (match parse) and `match-format` (match print),
 * `action-parse` / `action-parse-nx` / `action-format` (actions), `context` (what the action parser knows
 * about the packet, and the match/action consistency checks), `instructions`, `flow` (whole flows).
 *
 * @module
 */
export { FlowSyntaxError, UnknownPortError, UnknownTableError } from "./errors.js";
export { port16to32, port32to16, formatPort16, formatPort, parsePort, PortNames, TableNames, type PortFormatter, type NamedPort, type NamedTable, type NameMaps } from "./ports.js";
export { hexNum, hexBytes, formatIp6Big, formatValue } from "./values.js";
export { formatMatch } from "./match.js";
export { formatSubField, parseSubField } from "./subfield.js";
export { setFieldName, formatActions } from "./action-format.js";
export { splitTop } from "./tokens.js";
export { type ActionParseContext, actionParseContext } from "./context.js";
export { parseActionList } from "./action-parse.js";
export { parseInstructions, formatInstructions } from "./instructions.js";
export { type ParsedFlow, type ParseFlowOptions, parseFlow, formatFlowMod, fieldNames } from "./flow.js";
