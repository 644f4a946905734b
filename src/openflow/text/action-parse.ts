/**
 * Action text, parse side: one action (or an action list) from ovs-ofctl syntax into actions, each checked
 * against what the packet is known to be (see `context.ts`).
 *
 * @module
 */
import { type Action, type EncapProperty, OfpPort, type SubField } from "../actions.js";
import { subfieldAsWritten } from "./values.js";
import { CONTROLLER_REASONS, MP_ALGS, NX_HASH_FIELDS } from "./action-format.js";
import { parseBundle, parseLearn, parseNat } from "./action-parse-nx.js";
import { parseDecap } from "./action-parse-nsh.js";
import { type ActionParseContext, actionParseContext, checkAction, checkWritable, portOf } from "./context.js";
import { MatchInconsistentError } from "../consistency.js";
import { FlowSyntaxError, UnknownTableError } from "./errors.js";
import { PORT_NAMES, parsePort, port32to16 } from "./ports.js";
import { UNEXPECTED_INPUT, parseNxmSubField, parseSubField } from "./subfield.js";
import { NameTable, indexOf, isJsSpace, isNumberText, kvs, onlyKeys, parseHexBytes, splitAction, splitActions, splitTop, tableNumber, type ActionParts } from "./tokens.js";
import { cAtoi, cScanI32, cU32, cU64, cUnsignedField } from "./c-int.js";
import { loadAction, setFieldAction, sfield } from "./action-parse-set.js";
import { parseCt } from "./action-parse-ct.js";

/** `str_to_u8()`: a C base-0 number 0 to 255, else `invalid WHAT "S"`. */
function u8(s: string | undefined, what: string): number {
  return cUnsignedField(s ?? "", what, 0xff);
}

/** `str_to_u16()`: a C base-0 number 0 to 65535, else `invalid WHAT "S"`. */
function u16(s: string | undefined, what: string): number {
  return cUnsignedField(s ?? "", what, 0xffff);
}

/** parse_SET_VLAN_VID(): a 16-bit number that fits 12 bits. */
function vlanVid(s: string | undefined): number {
  const v = u16(s, "VLAN VID");
  if (v > 0xfff) throw new FlowSyntaxError(`${s ?? ""}: not a valid VLAN VID`);
  return v;
}

/** parse_SET_VLAN_PCP(): an 8-bit number that fits 3 bits. */
function vlanPcp(s: string | undefined): number {
  const v = u8(s, "VLAN PCP");
  if (v > 7) throw new FlowSyntaxError(`${s ?? ""}: not a valid VLAN PCP`);
  return v;
}

/** parse_SET_MPLS_LABEL(): a 32-bit number (`str_to_u32()`) that fits 20 bits. */
function mplsLabel(s: string): number {
  if (s === "") throw new FlowSyntaxError("set_mpls_label: expected label.");
  const v = cU32(s);
  if (v > 0xfffff) throw new FlowSyntaxError(`${s}: not a valid MPLS label`);
  return v;
}

/** parse_SET_MPLS_TC(): an 8-bit number that fits 3 bits. */
function mplsTc(s: string): number {
  if (s === "") throw new FlowSyntaxError("set_mpls_tc: expected tc.");
  const v = u8(s, "MPLS TC");
  if (v > 7) throw new FlowSyntaxError(`${s}: not a valid MPLS TC`);
  return v;
}

/** parse_CHECK_PKT_LARGER()'s length: `str_to_u16()` with no name (ovs-ofctl prints `(null)`). */
function pktLen(s: string): number {
  return u16(s, "(null)");
}

/**
 * Parses a comma-separated action list (no instructions).
 * @param ctx - what the flow matches, where an action's encoding depends on it (default: nothing)
 */
export function parseActionList(text: string, ctx: ActionParseContext = actionParseContext()): Action[] {
  const items = splitActions(text, 0, text.length, true, ACTION_NAMES);
  // `write_actions(drop)`, `clone(drop)`: an empty list
  if (items.length === 1 && items[0]!.it.toLowerCase() === "drop") return [];
  const out: Action[] = [];
  for (let k = 0; k < items.length; k++) {
    const parts = items[k]!;
    const got = parseAction(parts.it, ctx, parts);
    for (let j = 0; j < got.length; j++) out.push(got[j]!);
  }
  return out;
}

/**
 * Parses one action and checks it against (and applies its effect to) what the packet is known to be.
 * @param parts - the action already split by {@link splitAction}, when the caller has it
 */
export function parseAction(it: string, ctx: ActionParseContext, parts: ActionParts = splitAction(it, ACTION_NAMES)): Action[] {
  const actions = parseOneAction(it, parts, ctx);
  const deferred = ctx.deferred;
  if (deferred === undefined) checkAction(parts.name, actions, ctx);
  else if (deferred.error === undefined) {
    // the first inconsistency waits for the end of the list; ovs-ofctl checks nothing after it
    try {
      checkAction(parts.name, actions, ctx);
    } catch (e) {
      if (!(e instanceof MatchInconsistentError)) throw e;
      deferred.error = e;
    }
  }
  return actions;
}

/** Transport port fields by IP protocol, for `mod_tp_src`/`mod_tp_dst` (TCP when the match names none). */
const L4_PORT_PREFIX: Record<number, string> = { 6: "tcp", 17: "udp", 132: "sctp" };

/** OpenFlow 1.0 `mod_*` actions that are a set_field of one field in OpenFlow 1.1+. */
const OF13_SET = new Map<string, string>([
  ["mod_dl_src", "dl_src"],
  ["mod_dl_dst", "dl_dst"],
  ["mod_nw_src", "nw_src"],
  ["mod_nw_dst", "nw_dst"],
  ["mod_nw_ecn", "nw_ecn"],
]);

/** An IPv4 address as inet_pton(AF_INET) accepts it: four decimal parts of 0 to 255, no leading zeros. */
const INET_PTON4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseOneAction(it: string, parts: ActionParts, ctx: ActionParseContext): Action[] {
  const cpl = parts.name === "check_pkt_larger" || it.startsWith("check_pkt_larger") ? /^check_pkt_larger\(([^()]*)\)->(.*)$/.exec(it.trim()) : null;
  if (cpl) {
    const dst = parseSubField(cpl[2]!);
    if (dst.nbits !== 1) throw new FlowSyntaxError("Only 1-bit destination field is allowed");
    return [{ type: "check_pkt_larger", pktLen: pktLen(cpl[1]!), dst }];
  }
  const { name, arg } = parts;
  const c0 = it.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && /^\d+$/.test(it.trim())) return [{ type: "output", port: parsePort(it.trim()), maxLen: 0 }];
  const parse = ACTION_PARSERS.get(name);
  if (parse !== undefined) {
    const actions = parse(it, parts, ctx);
    if (actions !== undefined) return actions;
  } else {
    const field = OF13_SET.get(name);
    // mod_nw_src/mod_nw_dst take an address as inet_pton() reads it (str_to_ip()), not a field value's scan
    if (field === "nw_src" || field === "nw_dst") {
      if (!INET_PTON4.test(arg ?? "")) throw new FlowSyntaxError(`${arg ?? ""}: could not convert to IP address`);
    }
    // mod_nw_ecn takes str_to_u8() (C base 0) of a 2-bit value (parse_SET_IP_ECN())
    if (field === "nw_ecn") {
      const ecn = u8(arg, "ECN");
      if (ecn > 3) throw new FlowSyntaxError(`${arg ?? ""}: not a valid ECN`);
      return setFieldAction(field, String(ecn));
    }
    // mod_dl_src/mod_dl_dst read a MAC with str_to_mac(), which names its own error
    if (field === "dl_src" || field === "dl_dst") {
      try {
        return setFieldAction(field, arg ?? "");
      } catch (e) {
        if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`invalid mac address ${arg ?? ""}`);
        throw e;
      }
    }
    if (field !== undefined) return setFieldAction(field, arg ?? "");
  }
  throw new FlowSyntaxError(`unknown action ${name}`);
}

/**
 * `A->B` split at the last `->`, as `/^(.*)->(.*)$/` splits it (no regular expression), or undefined when
 * there is none or the text has a line terminator (which `.` does not match).
 */
function splitArrow(s: string): [string, string] | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return undefined;
  }
  const k = s.lastIndexOf("->");
  return k < 0 ? undefined : [s.slice(0, k), s.slice(k + 2)];
}

/**
 * `VALUE->FIELD` split as `/^(.*)->\s*([A-Za-z0-9_]+)$/` splits it (no regular expression): at the last `->`,
 * the field a name of letters, digits and `_` after optional white space; undefined when the text has no such
 * form or a line terminator before the arrow (which `.` does not match).
 */
function splitSetField(s: string): [string, string] | undefined {
  const k = s.lastIndexOf("->");
  if (k < 0) return undefined;
  for (let i = 0; i < k; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return undefined;
  }
  let j = k + 2;
  while (j < s.length && isJsSpace(s.charCodeAt(j))) j++;
  if (j === s.length) return undefined;
  for (let i = j; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return undefined;
  }
  return [s.slice(0, k), s.slice(j)];
}

/** Parses one action given its split text; `undefined` when the name is known but this form is not (an unknown action). */
type ActionParser = (it: string, parts: ActionParts, ctx: ActionParseContext) => Action[] | undefined;

/** Action parsers by action name, built once: a lookup per action instead of a scan of every name. */
const ACTION_PARSERS = new Map<string, ActionParser>();

function on(names: readonly string[], parse: ActionParser): void {
  for (const n of names) ACTION_PARSERS.set(n, parse);
}

on(["output"], (_it, { arg, paren }, ctx) => {
  if (paren !== undefined) {
    const kv = kvs(paren);
    onlyKeys(kv, ["port", "max_len"], (k) => `invalid key '${k}' in output_trunc argument`);
    const port = kv.get("port") ?? "";
    const maxLen = kv.has("max_len") ? cU32(kv.get("max_len")!) : 0;
    if (port.includes("[")) return [{ type: "output_reg", src: parseSubField(port), maxLen, v2: false }];
    let p: number;
    try {
      p = port32to16(portOf(port, ctx));
    } catch {
      throw new FlowSyntaxError(`output to unknown truncate port: ${port}`);
    }
    if (p > 0xff00 && p !== 0xfffe && p !== 0xfff8) throw new FlowSyntaxError(`output to unsupported truncate port: ${port}`);
    if (maxLen < 14) throw new FlowSyntaxError(`max_len ${maxLen} is less than the minimum value 14`);
    return [{ type: "output_trunc", port: p, maxLen }];
  }
  const a = arg ?? "";
  if (a.includes("[") || (!ctx.portNames?.has(a) && !isNumberText(a) && !PORT_NAMES.some(([n]) => n === a.toUpperCase()) && subfieldAsWritten(a))) {
    let src: SubField;
    try {
      src = parseSubField(a);
    } catch (e) {
      // as parse_OUTPUT(): text that is neither a port nor a subfield
      if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`${a}: output to unknown port`);
      throw e;
    }
    const v2 = src.experimenter !== undefined || (src.header >>> 16 !== 0 && src.header >>> 16 !== 1);
    return [{ type: "output_reg", src, maxLen: v2 ? 0xffff : 0xffff, v2 }];
  }
  return [outputTo(portOf(a, ctx, "output to unknown port"))];
});

on(["in_port", "normal", "flood", "all", "local", "table", "in_port_"], (_it, { name, arg, paren }, _ctx) => {
  if (arg === undefined && paren === undefined) return [outputTo(parsePort(name))];
  return undefined;
});

on(["controller"], (_it, { arg, paren: p }, _ctx) => {
  // (parse_CONTROLLER(): an argument of digits alone is the max_len, anything else a list of key=value)
  const paren = p ?? (arg !== undefined && !/^\d*$/.test(arg) ? arg : undefined);
  if (paren !== undefined) {
    const kv = kvs(paren);
    onlyKeys(kv, ["reason", "max_len", "id", "userdata", "pause", "meter_id"], (k) => `unknown key "${k}" parsing controller action`);
    const reasonText = kv.get("reason");
    const reason = reasonText === undefined ? undefined : CONTROLLER_REASONS.indexOf(reasonText);
    if (reason === -1) throw new FlowSyntaxError(`unknown reason ${reasonText}`);
    const maxLen = kv.has("max_len") ? u16(kv.get("max_len"), "max_len") : undefined;
    const id = kv.has("id") ? u16(kv.get("id"), "id") : undefined;
    // an empty userdata is none (ovs-ofctl prints the plain output to the controller)
    const userdataBytes = kv.has("userdata") ? parseHexBytes(kv.get("userdata")!, "bad hex digit in `controller' action `userdata'") : undefined;
    const userdata = userdataBytes !== undefined && userdataBytes.length > 0 ? userdataBytes : undefined;
    const pause = kv.has("pause");
    const meterId = kv.has("meter_id") ? cU32(kv.get("meter_id")!) : undefined;
    if (!userdata && !pause && meterId === undefined) {
      if ((reason ?? 1) === 1 && (id ?? 0) === 0) return [{ type: "output", port: OfpPort.CONTROLLER, maxLen: maxLen ?? 0xffff }];
      return [{ type: "controller", maxLen: maxLen ?? 0xffff, controllerId: id ?? 0, reason: reason ?? 1 }];
    }
    return [{ type: "controller2", maxLen, controllerId: id, reason, userdata, pause, meterId }];
  }
  return [{ type: "output", port: OfpPort.CONTROLLER, maxLen: arg === undefined ? 0xffff : u16(arg, "max_len") }];
});

on(["enqueue"], (_it, { arg, paren }, ctx) => {
  const [p, q, extra] = (arg ?? paren ?? "").split(/[:,]/);
  if (q === undefined || extra !== undefined) throw new FlowSyntaxError(`"enqueue" syntax is "enqueue:PORT:QUEUE" or "enqueue(PORT,QUEUE)"`);
  return [{ type: "enqueue", port: portOf(p ?? "", ctx, "enqueue to unknown port"), queueId: cU32(q) }];
});

on(["mod_vlan_vid"], (_it, { arg }, ctx) => {
  return [
    ...(ctx.flow.vlan ? [] : [{ type: "push_vlan", ethertype: 0x8100 } as const]),
    { type: "set_field", field: sfield("vlan_vid", BigInt(0x1000 | vlanVid(arg)), 2) },
  ];
});

on(["mod_vlan_pcp"], (_it, { arg }, ctx) => {
  return [
    ...(ctx.flow.vlan ? [] : [{ type: "push_vlan", ethertype: 0x8100 } as const]),
    { type: "set_field", field: sfield("vlan_pcp", BigInt(vlanPcp(arg)), 1) },
  ];
});

on(["set_vlan_vid"], (_it, { arg }, _ctx) => [{ type: "set_field", field: sfield("vlan_vid", BigInt(0x1000 | vlanVid(arg)), 2) }]);

on(["set_vlan_pcp"], (_it, { arg }, _ctx) => [{ type: "set_field", field: sfield("vlan_pcp", BigInt(vlanPcp(arg)), 1) }]);

on(["strip_vlan", "pop_vlan"], (_it, _parts, _ctx) => [{ type: "pop_vlan" }]);

on(["push_vlan"], (_it, { arg, paren }, _ctx) => {
  // an 802.1Q or 802.1ad tag only
  const ethertype = u16(arg ?? paren, "ethertype");
  if (ethertype !== 0x8100 && ethertype !== 0x88a8) throw new FlowSyntaxError(`${arg ?? paren}: not a valid VLAN ethertype`);
  return [{ type: "push_vlan", ethertype }];
});

on(["push_mpls"], (_it, { arg }, _ctx) => [{ type: "push_mpls", ethertype: u16(arg, "push_mpls") }]);

on(["pop_mpls"], (_it, { arg }, _ctx) => [{ type: "pop_mpls", ethertype: u16(arg, "pop_mpls") }]);

// their own actions (as Open vSwitch's OFPACT_SET_MPLS_*): OpenFlow 1.0/1.1 keep them, 1.2+ write a set_field
on(["set_mpls_label"], (_it, { arg, paren }, _ctx) => [{ type: "set_mpls_label", label: mplsLabel(paren ?? arg ?? "") }]);

on(["set_mpls_tc"], (_it, { arg, paren }, _ctx) => [{ type: "set_mpls_tc", tc: mplsTc(paren ?? arg ?? "") }]);

on(["set_mpls_ttl"], (_it, { arg, paren }, _ctx) => {
  if ((paren ?? arg ?? "") === "") throw new FlowSyntaxError("set_mpls_ttl: expected ttl.");
  return [{ type: "set_mpls_ttl", ttl: u8(paren ?? arg, "MPLS TTL") }];
});

on(["dec_mpls_ttl"], (_it, _parts, _ctx) => [{ type: "dec_mpls_ttl" }]);

on(["copy_ttl_in"], (_it, _parts, _ctx) => [{ type: "copy_ttl_in" }]);

on(["copy_ttl_out"], (_it, _parts, _ctx) => [{ type: "copy_ttl_out" }]);

on(["mod_nw_tos"], (_it, { arg }, _ctx) => {
  {
    const tos = u8(arg, "TOS");
    if (tos & 3) throw new FlowSyntaxError(`${arg}: not a valid TOS`);
    return [{ type: "set_field", field: sfield("ip_dscp", BigInt(tos >> 2), 1) }];
  }
});

on(["mod_nw_ttl", "set_nw_ttl"], (_it, { arg, paren }, _ctx) => [{ type: "set_nw_ttl", ttl: u8(paren ?? arg, "TTL") }]);

on(["dec_ttl"], (_it, { paren }, _ctx) => {
  if (paren !== undefined) {
    // (each id as C's atoi() reads it, kept to 16 bits, as parse_DEC_TTL())
    const ids = paren.split(",").filter((x) => x.trim()).map((x) => cAtoi(x) & 0xffff);
    // `dec_ttl()` is how ovs-ofctl prints an empty id list, and it reads it back; `dec_ttl(,)` is refused
    if (!ids.length && paren.trim() !== "") throw new FlowSyntaxError("dec_ttl_cnt_ids: expected at least one controller id.");
    return [{ type: "dec_ttl", controllerIds: ids }];
  }
  return [{ type: "dec_nw_ttl" }];
});

/** The fields whose values are ports (Open vSwitch's MFS_OFP_PORT and MFS_OFP_PORT_OXM). */
const PORT_VALUED = new Set(["in_port", "in_port_oxm", "actset_output", "nxm_of_in_port", "oxm_of_in_port"]);

on(["set_field"], (it, { arg, paren }, ctx) => {
  const m = splitSetField(arg ?? paren ?? "");
  if (!m) throw new FlowSyntaxError(`${it}: missing '->'`);
  // a port field's value may be a port's name (mf_parse() with the port map)
  const named = ctx.portNames !== undefined && PORT_VALUED.has(m[1].toLowerCase()) ? ctx.portNames.get(m[0].trim()) : undefined;
  const out = setFieldAction(m[1], named !== undefined ? String(named) : m[0].trim());
  for (const a of out) checkWritable(a.type === "set_field" ? a.field.field : a.type === "reg_load" ? a.dst.field : a.type === "reg_load2" ? a.field.field : "", ctx);
  return out;
});

on(["load"], (it, { arg, paren }, ctx) => {
  const m = splitArrow(arg ?? paren ?? "");
  if (!m) throw new FlowSyntaxError(`${it}: missing '->'`);
  const dst = parseSubField(m[1]);
  // as parse_reg_load(): a read-only destination is not refused here; the match's prerequisites are checked
  // first (OFPBAC_MATCH_INCONSISTENT), then the decoder of the encoded action refuses it (OFPBAC_BAD_SET_ARGUMENT)
  // (the value is read, and must fit, before a CT field is refused outside ct())
  const out = loadAction(m[0].trim(), dst, arg ?? paren ?? "");
  checkWritable(dst.field, ctx, false);
  return out;
});

on(["move"], (it, { arg, paren }, _ctx) => {
  const m = splitArrow(arg ?? paren ?? "");
  if (!m) throw new FlowSyntaxError(`${it}: missing '->'`);
  // (the source's errors name the whole argument, as nxm_parse_reg_move() does)
  let src: SubField;
  try {
    src = parseSubField(m[0], arg ?? paren);
  } catch (e) {
    if (e instanceof FlowSyntaxError && e.message === UNEXPECTED_INPUT) throw new FlowSyntaxError(`${arg ?? paren}: missing \`->' following source`);
    throw e;
  }
  const dst = parseSubField(m[1]);
  // (named by the argument, as nxm_parse_reg_move() does)
  if (src.nbits !== dst.nbits) throw new FlowSyntaxError(`${arg ?? paren}: source field is ${src.nbits} bits wide but destination is ${dst.nbits} bits wide`);
  return [{ type: "reg_move", src, dst }];
});

on(["push"], (_it, { arg }, _ctx) => [{ type: "stack_push", sf: parseSubField(arg ?? "") }]);

on(["pop"], (_it, { arg }, _ctx) => [{ type: "stack_pop", sf: parseSubField(arg ?? "") }]);

on(["set_queue"], (_it, { arg }, _ctx) => [{ type: "set_queue", queueId: cU32(arg ?? "") }]);

on(["pop_queue"], (_it, _parts, _ctx) => [{ type: "pop_queue" }]);

on(["group"], (_it, { arg }, _ctx) => [{ type: "group", groupId: cU32(arg ?? "") }]);

on(["resubmit"], (it, { arg, paren }, ctx) => {
  if (paren !== undefined) {
    // the first three of its comma-separated parts, trimmed (any more are ignored)
    const c1 = paren.indexOf(",");
    const c2 = c1 < 0 ? -1 : paren.indexOf(",", c1 + 1);
    const c3 = c2 < 0 ? -1 : paren.indexOf(",", c2 + 1);
    const p = (c1 < 0 ? paren : paren.slice(0, c1)).trim();
    const rawTable = c1 < 0 ? undefined : paren.slice(c1 + 1, c2 < 0 ? paren.length : c2);
    const t = rawTable?.trim();
    const ct = c2 < 0 ? undefined : paren.slice(c2 + 1, c3 < 0 ? paren.length : c3).trim();
    const inPort = p ? port32to16(portOf(p, ctx, "resubmit to unknown port")) : 0xfff8;
    // ofputil_table_from_string(): decimal, up to 255 (255 itself is "no table")
    const table = t ? (ctx.tableNames?.get(t) ?? tableNumber(rawTable)) : 255;
    if (table === undefined) {
      const message = `${rawTable}: resubmit to unknown table`;
      // (a number out of range is no name the switch could have)
      throw /^\d+$/.test(rawTable!) ? new FlowSyntaxError(message) : new UnknownTableError(rawTable!, message);
    }
    if (inPort === 0xfff8 && table === 255) throw new FlowSyntaxError('at least one "in_port" or "table" must be specified on resubmit');
    if (ct !== undefined && ct !== "" && ct !== "ct") throw new FlowSyntaxError(`${it}: bad resubmit option ${ct}`);
    if (inPort === 0xfff8 && table === 255) throw new FlowSyntaxError(`at least one "in_port" or "table" must be specified on resubmit`);
    return [{ type: "resubmit", inPort, table, ct: ct === "ct", withTable: true }];
  }
  // ovs-ofctl writes a parsed resubmit as NXAST_RESUBMIT_TABLE (table 255), never the older NXAST_RESUBMIT
  return [{ type: "resubmit", inPort: port32to16(portOf(arg ?? "", ctx, "resubmit to unknown port")), table: 255, ct: false, withTable: true }];
});

on(["set_tunnel", "set_tunnel64"], (_it, { name, arg }, _ctx) => {
  // its own action (Nicira set_tunnel/set_tunnel64 in OpenFlow 1.0/1.1, a set_field of tun_id from 1.2 on);
  // a value past 32 bits needs set_tunnel64
  const tunId = cU64(arg ?? "");
  return [{ type: "set_tunnel", tunId, wide: name === "set_tunnel64" || tunId > 0xffffffffn }];
});

on(["note"], (_it, { arg }, _ctx) => [{ type: "note", data: parseHexBytes(arg ?? "", "bad hex digit in `note' argument") }]);

on(["ct_clear"], (_it, _parts, _ctx) => [{ type: "ct_clear" }]);

on(["ct"], (_it, { paren }, ctx) => [parseCt(paren ?? "", ctx)]);

on(["nat"], (_it, { paren }, ctx) => {
  // inside ct(exec(...)) a nat is one of the nested actions (ofpacts_verify_nested() accepts it there)
  if (ctx.inCt) return [parseNat(paren)];
  throw new FlowSyntaxError(`Cannot have NAT action outside of "ct" action`);
});

on(["exit"], (_it, _parts, _ctx) => [{ type: "exit" }]);

on(["fin_timeout"], (_it, { paren }, _ctx) => {
  const kv = kvs(paren ?? "");
  onlyKeys(kv, ["idle_timeout", "hard_timeout"], (k) => `invalid key '${k}' in 'fin_timeout' argument`);
  return [{ type: "fin_timeout", idle: kv.has("idle_timeout") ? u16(kv.get("idle_timeout"), "idle_timeout") : 0, hard: kv.has("hard_timeout") ? u16(kv.get("hard_timeout"), "hard_timeout") : 0 }];
});

on(["conjunction"], (_it, { paren }, _ctx) => {
  // (ovs_scan() of "%i , %u / %u": the id in C base-0 syntax, kept to 32 bits)
  const m = /^\s*([^\s,]+)\s*,\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(paren ?? "");
  const id = m ? cScanI32(m[1]!) : undefined;
  if (!m || id === undefined) throw new FlowSyntaxError(`"conjunction" syntax is "conjunction(id,i/n)"`);
  const [clause, n] = [Number(m[2]), Number(m[3])];
  if (n < 2) throw new FlowSyntaxError("conjunction must have at least 2 clauses");
  if (n > 64) throw new FlowSyntaxError("conjunction must have at most 64 clauses");
  if (clause < 1) throw new FlowSyntaxError("clause index must be positive");
  if (clause > n) throw new FlowSyntaxError("clause index must be less than or equal to number of clauses");
  return [{ type: "conjunction", id, clause: Number(m[2]) - 1, nClauses: Number(m[3]) }];
});

on(["clone"], (_it, { paren }, ctx) => [{ type: "clone", actions: parseActionList(paren ?? "", ctx) }]);

on(["sample"], (_it, { paren }, ctx) => {
  const kv = kvs(paren ?? "");
  onlyKeys(kv, ["probability", "collector_set_id", "obs_domain_id", "obs_point_id", "sampling_port", "ingress", "egress"], (k) => `invalid key "${k}" in "sample" argument`);
  const probability = kv.get("probability");
  // (str_to_u16() then a zero check, as parse_SAMPLE(); the ids str_to_u32())
  if (probability !== undefined && u16(probability, "probability") === 0) throw new FlowSyntaxError(`invalid probability value "${probability}"`);
  if (probability === undefined) throw new FlowSyntaxError(`non-zero "probability" must be specified on sample`);
  const samplingPort = kv.has("sampling_port") ? port32to16(portOf(kv.get("sampling_port")!, ctx, "unknown port")) : 0xffff;
  const direction = kv.has("ingress") ? 1 : kv.has("egress") ? 2 : 0;
  return [
    {
      type: "sample",
      version: direction ? 3 : samplingPort !== 0xffff ? 2 : 1,
      probability: u16(probability, "probability"),
      collectorSetId: cU32(kv.get("collector_set_id") ?? "0"),
      obsDomainId: cU32(kv.get("obs_domain_id") ?? "0"),
      obsPointId: cU32(kv.get("obs_point_id") ?? "0"),
      samplingPort,
      direction,
    },
  ];
});

on(["check_pkt_larger"], (it, _parts, _ctx) => {
  const m = /^check_pkt_larger\(([^()]*)\)->(.*)$/.exec(it.trim());
  if (!m) throw new FlowSyntaxError(`${it}: invalid check_pkt_larger`);
  if (parseSubField(m[2]!).nbits !== 1) throw new FlowSyntaxError("Only 1-bit destination field is allowed");
  return [{ type: "check_pkt_larger", pktLen: pktLen(m[1]!), dst: parseSubField(m[2]!) }];
});

// ovs-ofctl names output_trunc but parses only output(port=...,max_len=...): its argument is the unknown action
on(["output_trunc"], (_it, { arg, paren }, _ctx) => {
  throw new FlowSyntaxError(`unknown action ${paren ?? arg ?? ""}`);
});

on(["decap"], (_it, { arg, paren }, _ctx) => [parseDecap(paren ?? arg ?? "")]);

// no argument (ovs-ofctl ignores one)
on(["dec_nsh_ttl", "debug_recirc", "debug_slow"], (_it, { name }, _ctx) => [{ type: name as "dec_nsh_ttl" | "debug_recirc" | "debug_slow" }]);

on(["delete_field"], (it, { arg }, _ctx) => {
  // only tunnel metadata fields can be deleted
  // mf_parse_field(): an NXM/OXM name or a field's name, exactly as written
  const f = subfieldAsWritten((arg ?? "").trim());
  if (!f) throw new FlowSyntaxError(`unknown field \`${(arg ?? "").trim()}'`);
  if (!f.name.startsWith("tun_metadata")) throw new FlowSyntaxError(`${it}: ${f.name} is not a tunnel metadata field`);
  return [{ type: "delete_field", field: f.name, header: f.nxHeader }];
});

const ENCAP_HEADERS = new Map([["ethernet", 0], ["nsh", 0x1894f], ["mpls", 0x18847], ["mpls_mc", 0x18848]]);
on(["encap"], (it, { paren }, _ctx) => {
  // encap(HEADER) or encap(nsh(md_type=N,tlv(CLASS,TYPE,0xHEX)...)): properties exist for NSH only
  const m = /^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$/i.exec(paren ?? "");
  const packetType = m ? ENCAP_HEADERS.get(m[1]!) : undefined;
  if (!(paren ?? "").trim()) throw new FlowSyntaxError(`Missing encap hdr: ${paren ?? ""}`);
  // ovs-ofctl names the header's argument (its "value"), not the header
  if (!m || packetType === undefined) throw new FlowSyntaxError(`Encap hdr not supported: ${m?.[2] ?? /\((.*)\)\s*$/.exec(paren ?? "")?.[1] ?? (/[=:](.*)$/.exec(paren ?? "")?.[1] ?? "")}`);
  const props: EncapProperty[] = [];
  for (const p of m[2] !== undefined && m[2].trim() ? splitTop(m[2]) : []) {
    const md = /^\s*md_type\s*=\s*(\d+)\s*$/.exec(p);
    const tlv = /^\s*tlv\(\s*0x([0-9a-f]{1,4})\s*,\s*(\d{1,3})\s*,\s*0x([0-9a-f]+)\s*\)\s*$/i.exec(p);
    if (m[1] !== "nsh" || (!md && !tlv)) throw new FlowSyntaxError(`${it}: invalid encap property ${p}`);
    if (md) {
      const mdType = Number(md[1]);
      if (mdType < 1 || mdType > 2) throw new FlowSyntaxError("invalid md_type");
      props.push({ kind: "md_type", mdType });
    } else {
      // hex digits taken in pairs, an odd last one dropped (as ovs-ofctl reads them)
      const hex = tlv![3]!.length % 2 ? tlv![3]!.slice(0, -1) : tlv![3]!;
      props.push({ kind: "tlv", tlvClass: parseInt(tlv![1]!, 16), tlvType: Number(tlv![2]) & 0xff, value: Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)) });
    }
  }
  return [{ type: "encap", packetType, hdrSize: 0, props }];
});

on(["multipath"], (_it, { paren }, _ctx) => {
  const [fields, basis, alg, n, arg2, dstText] = splitTop(paren ?? "");
  // (basis, n_links and arg as C's atoi() reads them, as multipath_parse__())
  const links = cAtoi(n ?? "");
  if (!(links >= 1 && links <= 65536)) throw new FlowSyntaxError(`${paren}: n_links ${links} is not in valid range 1 to 65536`);
  const dst = parseNxmSubField(dstText ?? "", paren ?? "");
  if (dst.nbits < 32 && 2 ** dst.nbits < links) {
    throw new FlowSyntaxError(`${paren}: ${dst.nbits}-bit destination field has ${2 ** dst.nbits} possible values, less than specified n_links ${links}`);
  }
  return [
    {
      type: "multipath",
      fields: hashFields(fields),
      basis: cAtoi(basis ?? "") & 0xffff,
      algorithm: indexOf(MP_ALGS, alg, "multipath algorithm"),
      maxLink: links - 1,
      arg: cAtoi(arg2 ?? "") >>> 0,
      dst,
    },
  ];
});

on(["bundle", "bundle_load"], (_it, { name, arg, paren }, ctx) => [parseBundle(paren ?? arg ?? "", name === "bundle_load", ctx.portNames)]);

on(["learn"], (_it, { paren }, ctx) => [parseLearn(paren ?? "", ctx.tableNames)]);

on(["mod_tp_src", "mod_tp_dst"], (_it, { name, arg }, ctx) => {
  const port = u16(arg, name === "mod_tp_src" ? "source port" : "destination port");
  const out = setFieldAction(`${L4_PORT_PREFIX[ctx.flow.nwProto ?? 6] ?? "tcp"}_${name.slice(7)}`, String(port));
  // an SCTP port keeps its OpenFlow 1.0/1.1 set_tp form (see the set_field action's l4Port)
  return out.map((a) => (a.type === "set_field" && a.field.field.startsWith("sctp_") ? { ...a, l4Port: true } : a));
});


/**
 * Every action and instruction name the parsers know (and `drop`): an action's name found in its text as
 * the table's own string (see {@link NameTable}), so that each lookup by it hashes no fresh string.
 */
export const ACTION_NAMES = new NameTable([
  ...ACTION_PARSERS.keys(),
  ...OF13_SET.keys(),
  ...["drop", "meter", "apply_actions", "clear_actions", "write_actions", "write_metadata", "goto_table"],
]);

function hashFields(s: string | undefined): number {
  return indexOf(NX_HASH_FIELDS, s, "hash fields");
}

function outputTo(port: number): Action {
  return { type: "output", port, maxLen: port === OfpPort.CONTROLLER ? 0xffff : 0 };
}
