/**
 * Whole flows: parse one flow line (`table=0,priority=100,ip,actions=...`) into a flow_mod, and print a
 * flow_mod body as `ovs-ofctl ofp-print` does.
 *
 * @module
 */
import { FlowModCommand, FlowModFlags } from "../constants.js";
import type { FlowMod } from "../messages.js";
import type { Action, Instruction } from "../actions.js";
import { FIELD_DEFS } from "../oxm.js";
import { MatchInconsistentError } from "../consistency.js";
import { type ActionParseContext, actionParseContext } from "./context.js";
import { FlowSyntaxError } from "./errors.js";
import { formatInstructions, parseInstructionsIn } from "./instructions.js";
import { hasPrerequisite } from "../match-checks.js";
import { type FieldSpec, type MatchBuilder, NO_FLOW_SYNTAX, NO_PROTOCOL_FIELDS, matchesNoProtocolField, SHORTHANDS, applyField, applyFieldSpec, buildMatch, fieldSpec, formatMatch, matchBuilder, normalizePrereqs, setMatch } from "./match.js";
import { formatPort, parsePort } from "./ports.js";
import { MATCH_SEPARATORS, isJsSpace, num, tableOrFail, topRangesInto } from "./tokens.js";
import { big, fieldAsWritten, fieldNamed } from "./values.js";
import { cStrToUint, cU64, cUnsignedField } from "./c-int.js";

/** `ofputil_group_from_string()`: `any`, `all` or a decimal 32-bit group number (`010` is 10). */
function groupNumber(s: string): number {
  const l = s.toLowerCase();
  const n = l === "any" ? 0xffffffff : l === "all" ? 0xfffffffc : cStrToUint(s, 10);
  if (n === undefined) throw new FlowSyntaxError(`${s} is not a valid OpenFlow group`);
  return n;
}

/** The result of parsing a flow: a flow_mod plus the text-only options. */
export interface ParsedFlow extends FlowMod {
  /** `importance=` (OpenFlow 1.4+; not encoded in OpenFlow 1.3). */
  readonly importance?: number | undefined;
  /**
   * True when an action is inconsistent with the match in a way only OpenFlow 1.0 accepts (`mod_nw_src`
   * without `ip`, `strip_vlan` without a VLAN, ...): ovs-ofctl then reports only OpenFlow10 and NXM as usable.
   */
  readonly of10Only?: boolean | undefined;
}

/** Options of {@link parseFlow}. */
export interface ParseFlowOptions {
  /**
   * Port names and their numbers, as the switch reports them (`in_port=p1`, `output:p1`); without it only
   * numbers and reserved names (`LOCAL`, `CONTROLLER`, ...) are ports.
   */
  readonly portNames?: ReadonlyMap<string, number> | undefined;
  /**
   * Table names and their numbers, as the switch reports them (`table=mytable`, `goto_table:mytable`,
   * `resubmit(,mytable)`); without it only numbers are tables.
   */
  readonly tableNames?: ReadonlyMap<string, number> | undefined;
}

/**
 * Parses one flow in ovs-ofctl syntax into a flow_mod for OpenFlow 1.3.
 * @param text - e.g. `table=0,priority=100,ip,nw_dst=10.0.0.0/24,actions=resubmit(,1)`
 * @param command - flow_mod command (ADD by default)
 * @throws FlowSyntaxError on invalid syntax
 */
export function parseFlow(text: string, command: number = FlowModCommand.ADD, options: ParseFlowOptions = {}): ParsedFlow {
  const names = options.portNames;
  // (a line without white space at either end, the usual one, is taken as it is)
  const t = text.length > 0 && !isJsSpace(text.charCodeAt(0)) && !isJsSpace(text.charCodeAt(text.length - 1)) ? text : text.trim();
  const ai = findActions(t);
  // the match is the text before the actions keyword, the actions the text after its `=` (trimmed), both
  // scanned in place
  const matchEnd = ai >= 0 ? ai : t.length;
  let actionsFrom = ai >= 0 ? t.indexOf("=", ai) + 1 : -1;
  let actionsTo = t.length;
  if (ai >= 0) {
    while (actionsFrom < actionsTo && isJsSpace(t.charCodeAt(actionsFrom))) actionsFrom++;
    while (actionsTo > actionsFrom && isJsSpace(t.charCodeAt(actionsTo - 1))) actionsTo--;
  }
  const isDelete = command === FlowModCommand.DELETE || command === FlowModCommand.DELETE_STRICT;
  if (ai < 0 && !isDelete) throw new FlowSyntaxError("must specify an action");
  const b = matchBuilder();
  // flowMod()'s defaults, written out: no object spread per flow
  const fm: { -readonly [K in keyof ParsedFlow]: ParsedFlow[K] } = {
    cookie: 0n,
    cookieMask: 0n,
    tableId: isDelete ? 0xff : 0,
    command,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0x8000,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match: [],
    instructions: [],
  };
  // the items as index ranges of `t` (trimmed): no string per item, and a key is made a string only when
  // it is no flow keyword or protocol shorthand
  const items = RANGES;
  const nItems = topRangesInto(t, 0, matchEnd, MATCH_SEPARATORS, items);
  let unencodable = false;
  let starImplied = false;
  for (let r = 0; r < nItems; r += 2) {
    const a = items[r]!;
    const z = items[r + 1]!;
    let eq = a;
    while (eq < z && t.charCodeAt(eq) !== 61) eq++;
    let ke = eq;
    while (ke > a && isJsSpace(t.charCodeAt(ke - 1))) ke--;
    let val: string | undefined;
    if (eq < z) {
      let va = eq + 1;
      while (va < z && isJsSpace(t.charCodeAt(va))) va++;
      val = t.slice(va, z);
    }
    // one lookup tells a flow keyword, a protocol shorthand and a match field apart, by the key's characters
    const entry = keyEntry(t, a, ke);
    const kind = entry.kind;
    const key = entry.text;
    if (kind === undefined) {
      // (protocol shorthands are spelled as written: `IP` is no shorthand)
    } else if (typeof kind !== "string") {
      // parse_ofp_str__() takes a protocol shorthand before anything else, and ignores any value after it
      setShorthand(b, kind);
      continue;
    } else if (!keywordAllowed(kind, command)) {
      // ovs-ofctl takes each keyword only for the commands that have it (parse_ofp_str__()'s F_* fields)
      throw new FlowSyntaxError(!val ? `field ${key} missing value` : `unknown keyword ${key}`);
    } else if ((val === undefined || val === "") && !FLAG_KEYWORDS.has(kind)) {
      // a keyword that takes a value, without one (parse_ofp_str__() checks this before reading any value)
      throw new FlowSyntaxError(`field ${key} missing value`);
    } else switch (kind) {
      case "table":
        fm.tableId = val === "all" ? 255 : tableOrFail(val, options.tableNames);
        continue;
      case "priority":
        fm.priority = cUnsignedField(val ?? "", key, 0xffff);
        continue;
      case "cookie": {
        const [c, m] = (val ?? "").split("/");
        fm.cookie = cU64(c!);
        if (m === undefined && isDelete) throw new FlowSyntaxError(`cannot set cookie (to match on a cookie, specify a mask, e.g. cookie=${val ?? ""}/-1)`);
        if (m !== undefined) {
          if (command === FlowModCommand.ADD) throw new FlowSyntaxError("flow additions cannot use a cookie mask");
          fm.cookieMask = cU64(m);
        }
        continue;
      }
      case "idle_timeout":
        fm.idleTimeout = cUnsignedField(val ?? "", key, 0xffff);
        continue;
      case "hard_timeout":
        fm.hardTimeout = cUnsignedField(val ?? "", key, 0xffff);
        continue;
      case "importance":
        fm.importance = cUnsignedField(val ?? "", key, 0xffff);
        continue;
      case "out_port":
        fm.outPort = names?.get(val ?? "") ?? parsePort(val ?? "");
        continue;
      case "out_group":
        fm.outGroup = groupNumber(val ?? "");
        continue;
      case "buffer_id":
        fm.bufferId = num(val, key, 0xffffffff);
        continue;
      case "send_flow_rem":
        fm.flags |= FlowModFlags.SEND_FLOW_REM;
        continue;
      case "check_overlap":
        fm.flags |= FlowModFlags.CHECK_OVERLAP;
        continue;
      case "reset_counts":
        fm.flags |= FlowModFlags.RESET_COUNTS;
        continue;
      case "no_packet_counts":
        fm.flags |= FlowModFlags.NO_PKT_COUNTS;
        continue;
      case "no_byte_counts":
        fm.flags |= FlowModFlags.NO_BYT_COUNTS;
        continue;
      case "duration":
      case "n_packets":
      case "n_bytes":
      case "idle_age":
      case "hard_age":
        continue; // dump-flows output fields are accepted and ignored, as ovs-ofctl does
    }
    // `*` matches anything (mf_parse()): nothing is matched, but tun_metadata's option is still allotted and a
    // field with a prerequisite still implies an Ethernet packet type (match_add_ethernet_prereq())
    if (val === "*") {
      const named = fieldAsWritten(key);
      if (named !== undefined && !NO_FLOW_SYNTAX.has(named.name)) {
        if (named.name.startsWith("tun_metadata")) applyField(b, key, "0/0");
        else if (hasPrerequisite(named.name)) starImplied = true;
        continue;
      }
      if (BARE_OF10_FIELDS.has(key) || NO_PROTOCOL_FIELDS.has(key)) continue;
    }
    // an empty value is read as none (ofp_parse_field()) for a field, and is missing for anything else but a bit range
    if (val === "" && key.charCodeAt(key.length - 1) !== 93) val = undefined;
    if (val === undefined) {
      // a bare field name matches on its presence only: ovs-ofctl reads it as "0/0" (a no-op but for tun_metadata)
      if (NO_PROTOCOL_FIELDS.has(key)) continue;
      const named = fieldAsWritten(key);
      if ((named === undefined || NO_FLOW_SYNTAX.has(named.name)) && !BARE_OF10_FIELDS.has(key)) throw new FlowSyntaxError(`field ${key} missing value`);
      applyField(b, key, "0/0");
      continue;
    }
    const noProtocol = entry.noProtocol;
    if (noProtocol !== undefined) {
      // parsed, then refused once the actions are checked: no protocol can carry the field
      if (matchesNoProtocolField(key, noProtocol, val)) unencodable = true;
      continue;
    }
    // a port name the switch reported (`in_port=p1`)
    // Open vSwitch's field names are lower case and case-sensitive, and NXM/OXM names are no match keys
    if (entry.refused) throw new FlowSyntaxError(`unknown keyword ${key}`);
    const port = names !== undefined && entry.lower === "in_port" ? names.get(val) : undefined;
    if (entry.spec !== undefined) applyFieldSpec(b, key, entry.lower, entry.spec, port === undefined ? val : String(port));
    else applyField(b, key, port === undefined ? val : String(port));
  }
  // a field with a prerequisite makes the match one of Ethernet packets (match_add_ethernet_prereq()); when
  // normalization leaves no such field, Open vSwitch writes that packet type itself
  const implied = starImplied || b.order.some(hasPrerequisite);
  normalizePrereqs(b);
  if (implied && !b.has("packet_type") && !b.order.some(hasPrerequisite)) {
    b.unshift("packet_type", { v: 0n, m: undefined, len: 4 });
  }
  fm.match = buildMatch(b);
  // `actions=drop` as written, the commonest list: no instructions, and nothing to check against the match
  // (a match no protocol can carry is still refused, below)
  if (!unencodable && ai >= 0 && actionsTo - actionsFrom === 4 && t.startsWith("drop", actionsFrom)) {
    if (command === FlowModCommand.ADD && fm.tableId === 255) fm.tableId = 0;
    return fm;
  }
  // inconsistencies with the match are reported after the list's own checks, as ovs-ofctl's ofpacts_check() runs last
  const ctx: ActionParseContext = actionParseContext(fm.match, names, { error: undefined }, false, options.tableNames);
  if (ai >= 0) fm.instructions = parseInstructionsIn(t, actionsFrom, actionsTo, ctx);
  if (ctx.deferred?.error) throw ctx.deferred.error;
  if (ctx.of10Only) fm.of10Only = true;
  checkOutputPorts(fm.instructions);
  // parse_ofp_str__(): a match no protocol can carry is reported as an inconsistency
  if (unencodable) throw new MatchInconsistentError("match");
  if (command === FlowModCommand.ADD && fm.tableId === 255) fm.tableId = 0;
  return fm;
}

/**
 * ovs-ofctl checks the parsed actions against the switch's port range (ofpacts_check() with OFPP_MAX):
 * an output or enqueue to ANY, or to a port at or above 0xff00 that is not a reserved one, is refused.
 * Nested action lists (clone, write_actions, ...) are checked too.
 */
function checkOutputPorts(items: readonly (Instruction | Action)[]): void {
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    // by type: a property read only of the kinds that have it (one read of every kind's `actions`, most
    // of them absent, costs a lookup each)
    switch (a.type) {
      case "output":
      case "output_trunc":
      case "enqueue": {
        const p = a.port >>> 0;
        // IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER and LOCAL are fine; ANY and 0xff00 up are not
        // (output_trunc keeps the 16-bit port number)
        const reserved = (p >= 0xfffffff8 && p <= 0xfffffffe) || (p >= 0xfff8 && p <= 0xfffe);
        if (!reserved && (p >= 0xffffff00 || (p >= 0xff00 && p <= 0xffff))) throw new FlowSyntaxError("actions are invalid with specified match (OFPBAC_BAD_OUT_PORT)");
        break;
      }
      // the kinds with a nested list
      case "apply_actions":
      case "write_actions":
      case "clone":
      case "ct":
        checkOutputPorts(a.actions);
        break;
    }
  }
}

/** Whether flow keyword `kind` goes with flow_mod `command` (ovs-ofctl's F_PRIORITY, F_TIMEOUT, F_FLAGS, F_IMPORTANCE, F_OUT_PORT). */
function keywordAllowed(kind: string, command: number): boolean {
  const isDelete = command === FlowModCommand.DELETE || command === FlowModCommand.DELETE_STRICT;
  switch (kind) {
    case "priority":
      return command !== FlowModCommand.DELETE;
    case "idle_timeout":
    case "hard_timeout":
    case "send_flow_rem":
    case "check_overlap":
    case "reset_counts":
    case "no_packet_counts":
    case "no_byte_counts":
      return !isDelete;
    case "importance":
      return command === FlowModCommand.ADD;
    case "out_port":
    case "out_group":
      return isDelete;
  }
  return true;
}

/**
 * The match items' index ranges of the flow being parsed (see topRangesInto()), one array kept for every
 * flow: parseFlow() reads them before anything else can parse a flow.
 */
const RANGES: number[] = [];

/** The flow keywords that are flags: any value after them is ignored. */
const FLAG_KEYWORDS: ReadonlySet<string> = new Set(["send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"]);

/** The OpenFlow 1.0 VLAN field names, which ovs-ofctl also takes bare ("0/0", no match). */
const BARE_OF10_FIELDS = new Set(["dl_vlan", "dl_vlan_pcp"]);

/** Flow keywords (`table`, `priority`, ...) by themselves, and the protocol shorthands (`ip`, `tcp6`, ...) as written. */
const FLOW_KEYS = new Map<string, string | readonly [number, number?]>([
  ...["table", "priority", "cookie", "idle_timeout", "hard_timeout", "importance", "out_port", "out_group", "buffer_id"].map((k) => [k, k] as const),
  ...["send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"].map((k) => [k, k] as const),
  ...["duration", "n_packets", "n_bytes", "idle_age", "hard_age"].map((k) => [k, k] as const),
  ...SHORTHANDS,
]);

/** What the flow parser knows of one key as written (exact case): worked out once per spelling seen. */
interface KeyEntry {
  /** The key. */
  readonly text: string;
  /** {@link FLOW_KEYS}' entry: a flow keyword, a protocol shorthand, or undefined for a match field. */
  readonly kind: string | readonly [number, number?] | undefined;
  /** The key in lower case. */
  readonly lower: string;
  /** {@link NO_PROTOCOL_FIELDS}' entry of the key. */
  readonly noProtocol: number | undefined;
  /** The field spec of a match field's key that is no bit range (applyFieldSpec()), else undefined. */
  readonly spec: FieldSpec | undefined;
  /**
   * True for a match key that is no bit range and that Open vSwitch does not take as written: one not in lower
   * case (`NW_SRC`), or a field's NXM/OXM name (`nxm_nx_reg0`), which `mf_from_name()` does not know.
   */
  readonly refused: boolean;
}

/**
 * The keys seen, by their characters: at `min(length, 63) * 128 + (first char & 127)`, a short list of
 * entries, so that a key is found in the flow text with no string made of it and no hash of one.
 */
const KEYS: (KeyEntry[] | undefined)[] = Array.from({ length: 64 * 128 }, () => undefined);
/** How many entries {@link KEYS} holds, and the most it keeps. */
let nKeys = 0;
const MAX_KEYS = 4096;

/** The {@link KeyEntry} of the key `s` from `a` to `b`. */
function keyEntry(s: string, a: number, b: number): KeyEntry {
  const len = b - a;
  const slot = (len < 63 ? len : 63) * 128 + (s.charCodeAt(a) & 127);
  const list = KEYS[slot];
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.text.length === len && s.startsWith(e.text, a)) return e;
    }
  }
  const text = s.slice(a, b);
  const kind = FLOW_KEYS.get(text);
  const lower = text.toLowerCase();
  const plain = kind === undefined && lower.charCodeAt(lower.length - 1) !== 93;
  const named = plain ? fieldNamed(lower) : undefined;
  const e: KeyEntry = {
    text,
    kind,
    lower,
    noProtocol: NO_PROTOCOL_FIELDS.get(text),
    spec: plain ? fieldSpec(lower) : undefined,
    refused: plain && (text !== lower || (named !== undefined && named.name !== lower && !named.aliases.includes(lower))),
  };
  if (nKeys < MAX_KEYS) {
    nKeys++;
    if (list === undefined) KEYS[slot] = [e];
    else list.push(e);
  }
  return e;
}

/** Matches a protocol shorthand's Ethernet type and IP protocol. */
function setShorthand(b: MatchBuilder, sh: readonly [number, number?]): void {
  if (sh[0] >= 0) setMatch(b, "dl_type", big(sh[0]), undefined, 2);
  if (sh[1] !== undefined) setMatch(b, "nw_proto", big(sh[1]), undefined, 1);
}


/**
 * Where the actions keyword (`actions` or `apply_actions`, at the start or after a comma or white space,
 * then `=` after optional white space) starts, or -1; a scan for the word, no regular expression.
 */
function findActions(t: string): number {
  for (let j = t.indexOf("actions"); j >= 0; j = t.indexOf("actions", j + 7)) {
    let k = j + 7;
    while (k < t.length && isSpace(t.charCodeAt(k))) k++;
    if (t.charCodeAt(k) !== 61) continue;
    if (j === 0 || isSeparator(t.charCodeAt(j - 1))) return j;
    if (j >= 6 && t.startsWith("apply_", j - 6) && (j === 6 || isSeparator(t.charCodeAt(j - 7)))) return j - 6;
  }
  return -1;
}

/** A character of the regular expression class `\s`. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 128 && /\s/.test(String.fromCharCode(c)));
}

/** What may come before the actions keyword: a comma or white space. */
function isSeparator(c: number): boolean {
  return c === 44 || isSpace(c);
}

const COMMAND_NAMES = ["ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"];

/**
 * Formats a flow_mod body the way `ovs-ofctl ofp-print` does after the header (`ADD priority=... actions=...`).
 * @param rawMatch the match as sent (ovs-ofctl's verbosity 3 for OpenFlow 1.0 and NXT_FLOW_MOD), printed in
 *   place of the decoded match, with the priority as `pri:`
 */
export function formatFlowMod(fm: FlowMod, rawMatch?: string): string {
  let s = COMMAND_NAMES[fm.command] ?? `cmd:${fm.command}`;
  s += " ";
  if (fm.tableId !== 0) s += `table:${fm.tableId} `;
  // a match printed as sent (verbosity 3) has no priority of its own: it follows as pri:
  const m = rawMatch ?? formatMatch(fm.match, fm.priority);
  if (m) s += m + " ";
  // a modify that matches on the cookie (a mask) does not set a new one (ofputil_decode_flow_mod)
  if (fm.command === FlowModCommand.ADD || ((fm.command === FlowModCommand.MODIFY || fm.command === FlowModCommand.MODIFY_STRICT) && fm.cookieMask === 0n)) {
    if (fm.cookie !== 0n && fm.cookie !== 0xffffffffffffffffn) s += `cookie:0x${fm.cookie.toString(16)} `;
  }
  if (fm.cookieMask !== 0n) s += `cookie:0x${fm.cookie.toString(16)}/0x${fm.cookieMask.toString(16)} `;
  if (fm.idleTimeout) s += `idle:${fm.idleTimeout} `;
  if (fm.hardTimeout) s += `hard:${fm.hardTimeout} `;
  if (fm.importance) s += `importance:${fm.importance} `;
  // (a match formatted here prints a priority other than the default itself: only a raw one is searched)
  if (fm.priority !== 0x8000 && rawMatch !== undefined && !m.includes("priority")) s += `pri:${fm.priority} `;
  if (fm.bufferId !== 0xffffffff) s += `buf:0x${fm.bufferId.toString(16)} `;
  if (fm.outPort !== 0xffffffff) s += `out_port:${formatPort(fm.outPort)} `;
  if (fm.outGroup !== 0xffffffff) s += `out_group:${fm.outGroup} `;
  if (fm.flags & FlowModFlags.SEND_FLOW_REM) s += "send_flow_rem ";
  if (fm.flags & FlowModFlags.CHECK_OVERLAP) s += "check_overlap ";
  if (fm.flags & FlowModFlags.RESET_COUNTS) s += "reset_counts ";
  if (fm.flags & FlowModFlags.NO_PKT_COUNTS) s += "no_packet_counts ";
  if (fm.flags & FlowModFlags.NO_BYT_COUNTS) s += "no_byte_counts ";
  s += `actions=${formatInstructions(fm.instructions)}`;
  return s;
}

/** Every field name the parser understands (for completion and docs). */
export function fieldNames(): string[] {
  return FIELD_DEFS.map((f) => f.name);
}
