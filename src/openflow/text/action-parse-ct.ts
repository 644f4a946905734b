/**
 * Action text, parse side: `ct(...)` (ovs-ofctl's parse_CT()), with the nested `exec(...)` list checked
 * as ofpacts_verify_nested() checks it.
 *
 * @module
 */
import { type Action, CtFlags, type SubField } from "../actions.js";
import { MatchInconsistentError } from "../consistency.js";
import { parseNat } from "./action-parse-nx.js";
import { ACTION_NAMES, parseAction } from "./action-parse.js";
import { type ActionParseContext } from "./context.js";
import { FlowSyntaxError, UnknownTableError } from "./errors.js";
import { parseSubField } from "./subfield.js";
import { NameTable, splitActions } from "./tokens.js";
import { cStrToInt, tableFromString } from "./c-int.js";

/** The arguments of `ct(...)`. */
const CT_ARGUMENTS = new NameTable(["commit", "force", "zone", "table", "alg", "exec", "nat"]);

const ALGS: Record<string, number> = { ftp: 21, tftp: 69 };

/** Open vSwitch's names (ofpact_name()) of the actions whose text name differs. */
const OFPACT_NAMES: Readonly<Record<string, string>> = { mod_vlan_vid: "set_vlan_vid", mod_vlan_pcp: "set_vlan_pcp", pop_vlan: "strip_vlan", set_tunnel64: "set_tunnel" };

/**
 * What `ct(exec(...))` may nest (ofpacts_verify_nested()): only writes of `ct_mark` and `ct_label`
 * (set_field, load, move) and `nat`.
 * @throws FlowSyntaxError `ct action doesn't support nested modification of F` for a write of another
 *   field, `ct action doesn't support nested action A` for any other action
 */
function verifyCtNested(name: string, got: readonly Action[]): void {
  if (name === "nat") return;
  if (name === "set_field" || name === "load" || name === "move") {
    for (const a of got) {
      const dst = a.type === "set_field" || a.type === "reg_load2" ? a.field.field : a.type === "reg_load" || a.type === "reg_move" ? a.dst.field : undefined;
      if (dst !== undefined && dst !== "ct_mark" && dst !== "ct_label") throw new FlowSyntaxError(`ct action doesn't support nested modification of ${dst}`);
    }
    return;
  }
  const a = got[0];
  const ovsName = a?.type === "output_reg" ? "output_reg" : a?.type === "output_trunc" ? "output_trunc" : (OFPACT_NAMES[name] ?? name);
  throw new FlowSyntaxError(`ct action doesn't support nested action ${ovsName}`);
}

/**
 * The inside of `ct(...)`: flags, zone, recirculation table, helper, nested actions and `nat`.
 * @throws FlowSyntaxError for an unknown argument, a bad table or helper, or a nested action `ct` does not allow
 */
export function parseCt(s: string, ctx: ActionParseContext): Action {
  let flags = 0;
  let zone = 0;
  let zoneSrc: SubField | undefined;
  let recircTable = 255;
  let alg = 0;
  const actions: Action[] = [];
  const args = splitActions(s, 0, s.length, false, CT_ARGUMENTS);
  for (let k = 0; k < args.length; k++) {
    // `zone=`, `table=`, `alg=` split as `zone:` ... do (splitAction takes either)
    const { it: p, name, arg, paren } = args[k]!;
    switch (name) {
      case "commit":
        flags |= CtFlags.COMMIT;
        break;
      case "force":
        flags |= CtFlags.FORCE;
        break;
      case "zone":
        {
          // str_to_u16() (C base 0), else a subfield
          const n = cStrToInt(arg ?? "", 0);
          if (n !== undefined && n >= 0 && n <= 0xffff) zone = n;
          else zoneSrc = parseSubField(arg ?? "");
        }
        break;
      case "table":
        // a name the switch reported, else a number (ofputil_table_from_string() with the table map)
        recircTable = ctx.tableNames?.get(arg ?? "") ?? tableFromString(arg ?? "") ?? -1;
        if (recircTable < 0) {
          const message = `unknown table ${arg ?? ""}`;
          throw /^\d+$/.test(arg ?? "") ? new FlowSyntaxError(message) : new UnknownTableError(arg ?? "", message);
        }
        if (recircTable === 255) throw new FlowSyntaxError("invalid table 0xff");
        break;
      case "alg":
        alg = ALGS[arg ?? ""] ?? -1;
        if (alg < 0) throw new FlowSyntaxError(`invalid conntrack helper "${arg ?? ""}"`);
        break;
      case "exec": {
        // the nested list's inconsistencies wait until ofpacts_verify() has judged what it nests, as in Open vSwitch
        const held: { error: MatchInconsistentError | undefined } = { error: undefined };
        const inner: ActionParseContext = { flow: ctx.flow, of10Only: false, inCt: true, portNames: ctx.portNames, deferred: held, unchecked: false };
        const body = paren ?? "";
        const items = splitActions(body, 0, body.length, true, ACTION_NAMES);
        const nested: [string, Action[]][] = [];
        if (!(items.length === 1 && items[0]!.it.toLowerCase() === "drop")) {
          for (const parts of items) nested.push([parts.name, parseAction(parts.it, inner, parts)]);
        }
        for (const [n, got] of nested) verifyCtNested(n, got);
        if (held.error !== undefined) {
          if (ctx.deferred === undefined) throw held.error;
          ctx.deferred.error ??= held.error;
        }
        for (const [, got] of nested) actions.push(...got);
        if (inner.of10Only) ctx.of10Only = true;
        break;
      }
      case "nat":
        // in the order given, as ovs-ofctl keeps it (a nat after exec(...) prints inside it)
        actions.push(parseNat(paren));
        break;
      default:
        throw new FlowSyntaxError(`invalid argument to "ct" action: \`${p}'`);
    }
  }
  if ((flags & (CtFlags.FORCE | CtFlags.COMMIT)) === CtFlags.FORCE) throw new FlowSyntaxError(`"force" flag requires "commit" flag.`);
  return { type: "ct", flags, zone, zoneSrc, recircTable, alg, actions };
}
