/**
 * `ovn-ts nbctl` commands for ACLs and QoS rules (`acl-*`, `qos-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { UsageError } from "../io.js";
import { visibleAtOnce } from "../dbctl/preview.js";
import type { NbCtx, NbSpec } from "./context.js";
import type { Opts } from "../dbctl/context.js";
import { flag, keepExisting, keyValues, named, priorityArg } from "./lookup.js";
import { aclLine, aclSort } from "./format.js";

export function aclTarget(ctx: NbCtx, entity: string, opts: Opts): Promise<{ switch: string } | { portGroup: string }> {
  const type = opts.get("--type");
  if (type === "switch") return Promise.resolve({ switch: entity });
  if (type === "port-group") return Promise.resolve({ portGroup: entity });
  if (type !== undefined) throw new UsageError(`Invalid value '${String(type)}' for option --type`);
  return (async () => {
    const ls = ctx.tx.pendingRef("Logical_Switch", entity) ? [entity] : await ctx.reader.find("Logical_Switch", { name: entity });
    const pg = ctx.tx.pendingRef("Port_Group", entity) ? [entity] : await ctx.reader.find("Port_Group", { name: entity });
    if (ls.length > 0 && pg.length > 0) throw new UsageError(`Same name '${entity}' exists in both port-groups and logical switches. Specify --type=port-group or switch, or use a UUID.`);
    if (pg.length > 0) return { portGroup: entity };
    if (ls.length === 0 && !isUuid(entity)) throw new UsageError(`'${entity}' is not found for port-group or switch.`);
    return { switch: entity };
  })();
}

/** The actions `acl-add` takes, as ovn-nbctl lists them. */
const ACL_ACTIONS = ["allow", "allow-related", "allow-stateless", "drop", "reject"] as const;
/** The log severities `acl-add --severity` takes. */
const ACL_SEVERITIES = ["alert", "warning", "notice", "info", "debug"] as const;

/** Whether `value` is one of `values` (narrowing it to their literal type). */
function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** `ovn-nbctl` commands for ACLs and QoS rules (`acl-*`, `qos-*`). */
export const ACL_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "acl-add": {
    min: 5,
    // ovn-nbctl takes (and ignores) a sixth argument.
    max: 6,
    options: ["--may-exist", "--log", "--severity", "--name", "--meter", "--label", "--type", "--apply-after-lb"],
    async run(ctx, [entity, dir, prio, match, action], opts) {
      if (dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      if (!isOneOf(ACL_ACTIONS, action!)) throw new UsageError(`${action}: action must be one of "allow", "allow-related", "allow-stateless", "drop", and "reject"`);
      priorityArg(prio!);
      const severity = opts.get("--severity");
      if (severity !== undefined && (typeof severity !== "string" || !isOneOf(ACL_SEVERITIES, severity))) throw new UsageError(`bad severity: ${String(severity)}`);
      const name = opts.get("--name");
      const meter = opts.get("--meter");
      const label = opts.get("--label");
      if (label !== undefined && action !== "allow" && action !== "allow-related") throw new UsageError(`label can only be set with actions "allow" or "allow-related"`);
      const log = flag(opts, "--log") || severity !== undefined || name !== undefined || meter !== undefined;
      await ctx.tx.aclAdd(await aclTarget(ctx, entity!, opts), dir, Number(prio), match!, action, {
        mayExist: flag(opts, "--may-exist"),
        log,
        ...(severity !== undefined ? { severity } : {}),
        ...(typeof name === "string" ? { name } : {}),
        ...(typeof meter === "string" ? { meter } : {}),
        ...(typeof label === "string" ? { label: Number(label) } : {}),
        ...(flag(opts, "--apply-after-lb") ? { options: { "apply-after-lb": "true" } } : {}),
      }).catch(keepExisting());
    },
  },
  "acl-del": {
    min: 1,
    max: 4,
    options: ["--type"],
    async run(ctx, [entity, dir, prio, match], opts) {
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      if (prio !== undefined && match === undefined) throw new UsageError("cannot specify priority without match");
      if (prio !== undefined) priorityArg(prio);
      const before = ctx.tx.operations().length;
      await ctx.tx.aclDel(await aclTarget(ctx, entity!, opts), {
        ...(dir !== undefined ? { direction: dir } : {}),
        ...(prio !== undefined ? { priority: Number(prio), match: match! } : {}),
      });
      // Without a direction ovn-nbctl empties the acls column outright: later commands see it.
      if (dir === undefined) ctx.tx.operations().slice(before).forEach((op) => visibleAtOnce(op));
    },
  },
  "acl-list": { readOnly: true,
    min: 1,
    max: 1,
    options: ["--type"],
    async run(ctx, [entity], opts) {
      const acls = (await ctx.tx.aclList(await aclTarget(ctx, entity!, opts))).sort(aclSort);
      return acls
        .map((a) => {
          let tail: string = a.action;
          if (a.log) {
            const parts: string[] = [];
            if (a.name !== undefined) parts.push(`name=${a.name}`);
            if (a.severity !== undefined) parts.push(`severity=${a.severity}`);
            if (a.meter !== undefined) parts.push(`meter=${JSON.stringify(a.meter)}`);
            tail += ` log(${parts.join(",")})`;
          }
          if (a.label !== 0) tail += ` label=${a.label}`;
          if (a.options.get("apply-after-lb") === "true") tail += " [after-lb]";
          return aclLine(a, tail);
        })
        .join("");
    },
  },
  "qos-add": {
    min: 5,
    max: 7,
    options: ["--may-exist"],
    async run(ctx, [sw, dir, prio, match, ...rest], opts) {
      if (dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      const prioNum = priorityArg(prio!);
      for (const a of rest) {
        const [k, v = ""] = a.split(/=(.*)/s);
        const max = k === "dscp" ? 63 : 4294967295;
        if (k !== "rate" && k !== "burst" && k !== "dscp") throw new UsageError(`${a}: supported arguments are "dscp=", "rate=", and "burst="`);
        if (!/^\d+$/.test(v) || Number(v) > max || (k !== "dscp" && Number(v) < 1)) throw new UsageError(`${v}: ${k} must be in the range ${k === "dscp" ? 0 : 1}...${max}`);
      }
      const kv = keyValues(rest, "QoS setting");
      const num = (k: string) => (kv[k] !== undefined ? Number(kv[k]) : undefined);
      const rate = num("rate");
      const burst = num("burst");
      const dscp = num("dscp");
      await ctx.tx.qosAdd(sw!, dir, prioNum, match!, {
        mayExist: flag(opts, "--may-exist"),
        ...(rate !== undefined ? { rate } : {}),
        ...(burst !== undefined ? { burst } : {}),
        ...(dscp !== undefined ? { dscp } : {}),
      }).catch(keepExisting());
    },
  },
  "qos-del": {
    min: 1,
    max: 4,
    async run(ctx, [sw, dir, prio, match]) {
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport" && !isUuid(dir)) throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      if (prio !== undefined && match === undefined) throw new UsageError("cannot specify priority without match");
      if (prio !== undefined) priorityArg(prio);
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport") {
        // A QoS rule's UUID.
        const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
        ctx.tx.add(model.table("Logical_Switch").mutate({ _uuid: ls._uuid }, [["qos_rules", "delete", [asRowUuid<"QoS">(dir)]]]));
        return;
      }
      await ctx.tx.qosDel(sw!, {
        ...(dir !== undefined ? { direction: dir as "from-lport" | "to-lport" } : {}),
        ...(prio !== undefined ? { priority: Number(prio) } : {}),
        ...(match !== undefined ? { match } : {}),
      });
    },
  },
  "qos-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [sw]) {
      const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
      const ids = new Set<string>(ls.qos_rules);
      const qs = (await ctx.reader.find("QoS")).filter((q) => ids.has(q._uuid)).sort(aclSort);
      return qs
        .map((q) => {
          const parts: string[] = [];
          if (q.bandwidth.has("rate")) parts.push(`rate=${q.bandwidth.get("rate")}`);
          if (q.bandwidth.has("burst")) parts.push(`burst=${q.bandwidth.get("burst")}`);
          if (q.action.has("dscp")) parts.push(`dscp=${q.action.get("dscp")}`);
          return aclLine(q, parts.join(" "));
        })
        .join("");
    },
  },
};
