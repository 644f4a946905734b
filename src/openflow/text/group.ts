/**
 * The ovs-ofctl group syntax (ovs-ofctl(8) "Group Syntax"): `group_id=1,type=select,bucket=output:1,
 * bucket=weight:10,actions=output:2` parsed into a group_mod, with ovs-ofctl's defaults (a select
 * group's buckets weigh 1, an unset bucket id is assigned when encoding) and its error messages.
 *
 * @module
 */
import type { Bucket, GroupProps } from "../message-types.js";
import { GroupIds, GroupModCommand, GroupType, type ParsedGroupMod } from "../group-mod.js";

export { GroupIds, GroupModCommand, GroupType, assignBucketIds, type ParsedGroupMod } from "../group-mod.js";
import type { MatchField } from "../oxm.js";
import { actionParseContext, portOf } from "./context.js";
import { FlowSyntaxError, UnknownPortError } from "./errors.js";
import { port32to16 } from "../ports.js";
import { parseActionList } from "./action-parse.js";
import { bigIntToBytes, fieldAsWritten, ones, parseValue } from "./values.js";

/** Options of {@link parseGroupMod}. */
export interface ParseGroupOptions {
  /** Port names the switch reported (`watch_port:p1`, `output:p1`). */
  readonly portNames?: ReadonlyMap<string, number> | undefined;
}

/** One `key=value`, `key:value`, `key(value)` or bare `key` of ovs-ofctl's ofputil_parse_key_value(), with its text. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** The whole item as written (`output:1`, `resubmit(,1)`). */
  readonly text: string;
}

/** Length of a value up to one of `delims` outside parentheses (ovs-ofctl's parse_value()). */
function valueLength(s: string, at: number, delims: string): number {
  let n = at;
  while (n < s.length && !delims.includes(s[n]!)) {
    if (s[n] === "(") {
      let level = 0;
      do {
        if (n >= s.length) return n - at;
        if (s[n] === "(") level++;
        else if (s[n] === ")") level--;
        n++;
      } while (level > 0);
    } else n++;
  }
  return n - at;
}

/** Splits `s` into key-value items as ofputil_parse_key_value() does. */
export function keyValues(s: string): KeyValue[] {
  const out: KeyValue[] = [];
  const SEP = ", \t\r\n";
  let at = 0;
  for (;;) {
    while (at < s.length && SEP.includes(s[at]!)) at++;
    if (at >= s.length) return out;
    const start = at;
    let k = at;
    while (k < s.length && !":=(, \t\r\n".includes(s[k]!)) k++;
    const key = s.slice(at, k);
    const delim = s[k];
    at = k + (delim === undefined ? 0 : 1);
    if (delim !== ":" && delim !== "=" && delim !== "(") {
      out.push({ key, value: "", text: key });
      continue;
    }
    let len = valueLength(s, at, delim === "(" ? ")" : SEP);
    if (delim === "(" && s[at + len] === ")" && s[at + len + 1] === "-" && s[at + len + 2] === ">") len += valueLength(s, at + len, SEP);
    const end = at + len;
    const value = s.slice(at, end);
    out.push({ key, value, text: s.slice(start, delim === "(" && s[end] === ")" ? end + 1 : end) });
    at = end + (end < s.length ? 1 : 0);
  }
}

/** C `strtoul(s, 0)` of a whole string into 32 bits (ovs-ofctl's str_to_u32()). */
function u32(value: string): number {
  if (value === "") throw new FlowSyntaxError("missing required numeric argument");
  const m = /^\s*(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(value);
  if (!m) throw new FlowSyntaxError(`invalid numeric format ${value}`);
  const n = BigInt(m[1]!.length > 1 && m[1]![0] === "0" && !/x/i.test(m[1]!) ? `0o${m[1]!.slice(1)}` : m[1]!);
  if (n > 0xffffffffffffffffn) throw new FlowSyntaxError(`invalid numeric format ${value}`);
  return Number(BigInt.asUintN(32, n));
}

/** C `strtoull(s, 0)` of a whole string (ovs-ofctl's str_to_u64()). */
function u64(value: string): bigint {
  if (value === "") throw new FlowSyntaxError("missing required numeric argument");
  const m = /^\s*(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(value);
  const n = m ? BigInt(m[1]!.length > 1 && m[1]![0] === "0" && !/x/i.test(m[1]!) ? `0o${m[1]!.slice(1)}` : m[1]!) : -1n;
  if (n < 0n || n > 0xffffffffffffffffn) throw new FlowSyntaxError(`invalid numeric format ${value}`);
  return n;
}

/** A weight: an int in 0..65535 (ovs-ofctl's str_to_u16()). */
function u16(value: string, name: string): number {
  const m = /^\s*[+-]?(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(value);
  const n = m ? Number(value.trim().replace(/^\+/, "").replace(/^(-?)0([0-7]+)$/, "$10o$2")) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FlowSyntaxError(`invalid ${name} "${value}"`);
  return n;
}

/** A watch_port as ovs-ofctl accepts it: a port below 0xff00, ANY or CONTROLLER (32-bit form). */
function watchPort(value: string, portNames: ReadonlyMap<string, number> | undefined): number {
  let p: number;
  try {
    p = portOf(value, actionParseContext([], portNames));
  } catch (e) {
    // a name: the caller may look it up on the switch and parse again
    if (e instanceof UnknownPortError && !portNames) throw e;
    throw new FlowSyntaxError(`${value}: invalid watch_port`);
  }
  const p16 = port32to16(p);
  if (p16 >= 0xff00 && p16 !== 0xffff && p16 !== 0xfffd) throw new FlowSyntaxError(`${value}: invalid watch_port`);
  return p;
}

function parseBucket(text: string, groupType: number, portNames: ReadonlyMap<string, number> | undefined): Bucket {
  let weight = groupType === GroupType.SELECT ? 1 : 0;
  let bucketId: number = GroupIds.BUCKET_ALL;
  let watchPortNo = 0xffffffff;
  let watchGroup = 0xffffffff;
  const actions: string[] = [];
  for (const kv of keyValues(text)) {
    const key = kv.key.toLowerCase();
    if (key === "weight") weight = u16(kv.value, "weight");
    else if (key === "watch_port") watchPortNo = watchPort(kv.value, portNames);
    else if (key === "watch_group") {
      watchGroup = u32(kv.value);
      if (watchGroup > GroupIds.MAX) throw new FlowSyntaxError(`invalid watch_group id ${watchGroup}`);
    } else if (key === "bucket_id") {
      bucketId = u32(kv.value);
      if (bucketId > GroupIds.BUCKET_MAX) throw new FlowSyntaxError(`invalid bucket_id id ${bucketId}`);
    } else if (key === "action" || key === "actions") actions.push(kv.value);
    else actions.push(kv.text);
  }
  if (!actions.length) throw new FlowSyntaxError("bucket must specify actions");
  if (groupType === GroupType.FF && watchPortNo === 0xffffffff && watchGroup === 0xffffffff) throw new FlowSyntaxError("fast failover bucket requires watch_port or watch_group");
  return { weight, watchPort: watchPortNo, watchGroup, bucketId, actions: parseActionList(actions.join(","), actionParseContext([], portNames, undefined, true)) };
}

/** The hash fields of `fields(...)`: each a field name, optionally `=MASK`. */
function parseFields(text: string): MatchField[] {
  const out: MatchField[] = [];
  for (const kv of keyValues(text)) {
    const f = fieldAsWritten(kv.key);
    if (!f) throw new FlowSyntaxError(`${text}: unknown field ${kv.key}`);
    if (out.some((o) => o.field === f.name)) throw new FlowSyntaxError(`${kv.key}: duplicate field`);
    let mask = ones(f.len * 8);
    if (kv.value) {
      mask = parseValue(f, kv.value).v;
      if (mask === 0n) throw new FlowSyntaxError(`${text}: values are wildcards here and must not be all-zeros`);
    }
    // the property carries each field's mask as its value (Open vSwitch's oxm_put_field_array())
    out.push({ field: f.name, header: f.header, experimenter: f.experimenter, value: bigIntToBytes(mask, f.len) });
  }
  return out;
}

/** Whether the command takes a group type and buckets, and the command bucket id. */
function commandFields(command: number): { typeAndBuckets: boolean; buckets: boolean; commandBucketId: boolean; commandBucketAll: boolean } {
  switch (command) {
    case GroupModCommand.DELETE:
      return { typeAndBuckets: false, buckets: false, commandBucketId: false, commandBucketAll: false };
    case GroupModCommand.INSERT_BUCKET:
      return { typeAndBuckets: false, buckets: true, commandBucketId: true, commandBucketAll: false };
    case GroupModCommand.REMOVE_BUCKET:
      return { typeAndBuckets: false, buckets: false, commandBucketId: true, commandBucketAll: true };
    default:
      return { typeAndBuckets: true, buckets: true, commandBucketId: false, commandBucketAll: false };
  }
}

const GROUP_TYPES = new Map<string, number>([
  ["all", GroupType.ALL],
  ["select", GroupType.SELECT],
  ["indirect", GroupType.INDIRECT],
  ["ff", GroupType.FF],
  ["fast_failover", GroupType.FF],
]);

const LINE_COMMANDS: readonly (readonly [string, number])[] = [
  ["add", GroupModCommand.ADD],
  ["delete", GroupModCommand.DELETE],
  ["modify", GroupModCommand.MODIFY],
  ["add_or_mod", GroupModCommand.ADD_OR_MOD],
  ["insert_bucket", GroupModCommand.INSERT_BUCKET],
  ["remove_bucket", GroupModCommand.REMOVE_BUCKET],
];

/**
 * Parses one group in ovs-ofctl syntax.
 * @param command - a {@link GroupModCommand}, or `undefined` for a line of `add-groups FILE`, which may begin
 *   with its command (`add`, `delete`, `modify`, `add_or_mod`, `insert_bucket`, `remove_bucket`; default add)
 * @throws FlowSyntaxError with ovs-ofctl's message for text it refuses
 */
export function parseGroupMod(text: string, command: number | undefined, options: ParseGroupOptions = {}): ParsedGroupMod {
  let s = text;
  if (command === undefined) {
    s = s.replace(/^[ \t\r\n]+/, "");
    const len = /^[^, \t\r\n]*/.exec(s)![0].length;
    const word = s.slice(0, len);
    // ovs-ofctl compares the first `len` characters: an empty first token means "add" and consumes nothing
    const found = LINE_COMMANDS.find(([name]) => name.slice(0, len) === word && (len > 0 || name === "add"));
    command = found && len > 0 ? found[1] : GroupModCommand.ADD;
    if (found && len > 0) s = s.slice(len);
  }
  const fields = commandFields(command);
  let groupId: number = GroupIds.ANY;
  let groupType = 0;
  let hadType = false;
  let commandBucketId: number = GroupIds.BUCKET_ALL;
  let hadCommandBucketId = false;
  let selectionMethod = "";
  let selectionMethodParam = 0n;
  let hashFields: MatchField[] = [];
  if (command === GroupModCommand.DELETE && s === "") return { command, groupId: GroupIds.ALL, groupType, buckets: [], commandBucketId, of15Only: false };
  const at = s.indexOf("bucket=");
  if (at >= 0 && !fields.buckets) throw new FlowSyntaxError("bucket is not needed");
  const head = at >= 0 ? s.slice(0, at) : s;
  for (const { key: name, value } of keyValues(head)) {
    if (name === "command_bucket_id") {
      if (!fields.commandBucketId) throw new FlowSyntaxError("command bucket id is not needed");
      if (value === "all") commandBucketId = GroupIds.BUCKET_ALL;
      else if (value === "first") commandBucketId = GroupIds.BUCKET_FIRST;
      else if (value === "last") commandBucketId = GroupIds.BUCKET_LAST;
      else {
        commandBucketId = u32(value);
        if (commandBucketId > GroupIds.BUCKET_MAX && commandBucketId !== GroupIds.BUCKET_FIRST && commandBucketId !== GroupIds.BUCKET_LAST && commandBucketId !== GroupIds.BUCKET_ALL)
          throw new FlowSyntaxError(`invalid command bucket id ${commandBucketId}`);
      }
      if (commandBucketId === GroupIds.BUCKET_ALL && !fields.commandBucketAll) throw new FlowSyntaxError("command_bucket_id=all is not permitted");
      hadCommandBucketId = true;
    } else if (name === "group_id") {
      if (value === "all") groupId = GroupIds.ALL;
      else {
        groupId = u32(value);
        if (groupId !== GroupIds.ALL && groupId > GroupIds.MAX) throw new FlowSyntaxError(`invalid group id ${groupId}`);
      }
    } else if (name === "type") {
      if (!fields.typeAndBuckets) throw new FlowSyntaxError("type is not needed");
      const t = GROUP_TYPES.get(value);
      if (t === undefined) throw new FlowSyntaxError(`invalid group type ${value}`);
      groupType = t;
      hadType = true;
    } else if (name === "selection_method") {
      if (!fields.typeAndBuckets) throw new FlowSyntaxError("selection method is not needed");
      if (new TextEncoder().encode(value).length >= 16) throw new FlowSyntaxError("selection method is longer than 15 bytes long");
      selectionMethod = value;
    } else if (name === "selection_method_param") {
      if (!fields.typeAndBuckets) throw new FlowSyntaxError("selection method param is not needed");
      selectionMethodParam = u64(value);
    } else if (name === "fields") {
      if (!fields.typeAndBuckets) throw new FlowSyntaxError("fields are not needed");
      hashFields = parseFields(value);
    } else throw new FlowSyntaxError(`unknown keyword ${name}`);
  }
  if (groupId === GroupIds.ANY) throw new FlowSyntaxError("must specify a group_id");
  if (fields.typeAndBuckets && !hadType) throw new FlowSyntaxError("must specify a type");
  if (selectionMethod !== "hash" && hashFields.length) throw new FlowSyntaxError('fields may only be specified with "selection_method=hash"');
  if (!selectionMethod && selectionMethodParam !== 0n) throw new FlowSyntaxError('selection_method_param is only allowed with "selection_method"');
  if (fields.commandBucketId) {
    if (!fields.commandBucketAll && !hadCommandBucketId) throw new FlowSyntaxError("must specify a command bucket id");
  } else if (hadCommandBucketId) throw new FlowSyntaxError("command bucket id is not needed");

  const buckets: Bucket[] = [];
  let rest = at >= 0 ? s.slice(at) : undefined;
  while (rest !== undefined) {
    const eq = rest.indexOf("=", 1);
    if (eq < 0) throw new FlowSyntaxError("must specify bucket content");
    const body = rest.slice(eq + 1);
    const next = body.indexOf("bucket=");
    const b = parseBucket(next >= 0 ? body.slice(0, next) : body, groupType, options.portNames);
    buckets.push(b);
    if (command !== GroupModCommand.INSERT_BUCKET && groupType !== GroupType.SELECT && b.weight) throw new FlowSyntaxError("Only select groups can have bucket weights.");
    rest = next >= 0 ? body.slice(next) : undefined;
  }
  if (groupType === GroupType.INDIRECT && buckets.length > 1) throw new FlowSyntaxError("Indirect groups can have at most one bucket.");
  const props: GroupProps = selectionMethod ? { selectionMethod, selectionMethodParam, fields: hashFields } : {};
  const of15Only = !buckets.length && (command === GroupModCommand.INSERT_BUCKET || command === GroupModCommand.REMOVE_BUCKET || !!selectionMethod || selectionMethodParam !== 0n || hashFields.length > 0);
  return { command, groupId, groupType, buckets, commandBucketId, of15Only, ...props };
}

