/**
 * text: the notations OVS command-line tools print and parse — values as text (`[a, b]`,
 * `{k=v}`) both ways, JSON as OVS prints it (sorted, `--pretty`), tables in every `--format`, and
 * OVS's hash-table iteration orders.
 *
 * @module
 */
export { atomToBare, atomToText, datumToBare, datumToText, stringNeedsQuotes } from "./datum-text.js";
export { type TextParseOptions, TextNotationError, atomFromOvsText, datumFromOvsText, splitTopLevel, topLevelEquals, unbracket } from "./datum-parse.js";
export { type OvsJsonOptions, formatG, formatNumber, ovsJson } from "./json.js";
export { type Cell, type CellFormat, type Table, type TableFormat, TablePrinter, type TableStyle, type TextRows, cellText, defaultTableStyle } from "./table.js";
export { cellFormatter } from "./cell-text.js";
