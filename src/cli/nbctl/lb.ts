/**
 * `ovn-ts nbctl` commands for load balancers and their attachment to switches and routers (`lb-*`, `ls-lb-*`, `lr-lb-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { RowUuid } from "../../ovsdb/model/types.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { OvnNotFoundError } from "../../ovn/errors.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { addrFamily, flag, named, updateExisting } from "./lookup.js";
import { lbTable } from "./format.js";

/** Splits `IP`, `IP:PORT` or `[IPv6]:PORT` as ovn-nbctl's load balancer arguments; `undefined` when malformed. */
export function lbEndpoint(s: string): { ip: string; family: 4 | 6; port: boolean } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const ip = m ? m[1]! : s;
  const family = addrFamily(ip);
  if (family === undefined || (m && (Number(m[2]) < 1 || Number(m[2]) > 65535))) return undefined;
  return { ip, family, port: m !== null };
}

/** ovn-nbctl's checks of `lb-add VIP IPS`, with its messages. */
export function checkLbArgs(vip: string, ips: string): void {
  const v = lbEndpoint(vip);
  if (!v) throw new UsageError(`${vip}: should be an IP address (or an IP address and a port number with : as a separator).`);
  for (const ip of ips.split(",").filter(Boolean)) {
    const b = lbEndpoint(ip);
    if (v.port && !b?.port) throw new UsageError(`${ip}: should be an IP address and a port number with : as a separator.`);
    if (!v.port && (!b || b.port)) throw new UsageError(`${ip}: should be an IP address.`);
    if (b && b.family !== v.family) throw new UsageError(`${ip}: IP address family is different from VIP ${v.ip}.`);
  }
}

/** `ls-lb-add`/`ls-lb-del` and their `lr-` twins, with ovn-nbctl's checks and messages. */
export function lbAttachCommands(prefix: "ls" | "lr", table: "Logical_Switch" | "Logical_Router", kind: "logical switch" | "logical router"): Record<string, NbSpec> {
  /** The switch's or router's `load_balancer` set, mutated or cleared. */
  const lbSet = (uuid: string, change: readonly ["insert" | "delete", RowUuid<"Load_Balancer">] | "clear"): Operation => {
    if (table === "Logical_Switch") {
      const T = model.table("Logical_Switch");
      const where = { _uuid: asRowUuid<"Logical_Switch">(uuid) };
      return change === "clear" ? T.update(where, { load_balancer: [] }) : T.mutate(where, [["load_balancer", change[0], [change[1]]]]);
    }
    const T = model.table("Logical_Router");
    const where = { _uuid: asRowUuid<"Logical_Router">(uuid) };
    return change === "clear" ? T.update(where, { load_balancer: [] }) : T.mutate(where, [["load_balancer", change[0], [change[1]]]]);
  };
  return {
    [`${prefix}-lb-add`]: {
      min: 2,
      max: 2,
      options: ["--may-exist"],
      async run(ctx, [c, l], opts) {
        const row = await named(ctx, table, c!, kind);
        const lb = await named(ctx, "Load_Balancer", l!, "load balancer");
        if (row.load_balancer.includes(lb._uuid)) {
          if (flag(opts, "--may-exist")) return;
          throw new UsageError(`${lb._uuid} : a load balancer with this UUID already exists`);
        }
        ctx.tx.add(lbSet(row._uuid, ["insert", lb._uuid]));
      },
    },
    [`${prefix}-lb-del`]: {
      min: 1,
      max: 2,
      options: ["--if-exists"],
      async run(ctx, [c, l], opts) {
        const row = await named(ctx, table, c!, kind);
        if (l === undefined) return void ctx.tx.add(lbSet(row._uuid, "clear"));
        const lb = await named(ctx, "Load_Balancer", l, "load balancer");
        if (!row.load_balancer.includes(lb._uuid)) {
          if (flag(opts, "--if-exists")) return;
          throw new UsageError(`load balancer ${l} is not part of any ${kind}.`);
        }
        ctx.tx.add(lbSet(row._uuid, ["delete", lb._uuid]));
      },
    },
  };
}

/** `ovn-nbctl` commands for load balancers and their attachment to switches and routers (`lb-*`, `ls-lb-*`, `lr-lb-*`). */
export const LB_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "lb-add": {
    min: 3,
    max: 4,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name, vip, ips, proto], opts) {
      if (proto !== undefined && proto !== "tcp" && proto !== "udp" && proto !== "sctp") throw new UsageError(`${proto}: protocol must be one of "tcp", "udp",  or "sctp".`);
      checkLbArgs(vip!, ips!);
      if (flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Load_Balancer").insert({ name: name!, vips: { [vip!]: ips! }, ...(proto !== undefined ? { protocol: proto } : {}) }));
        return;
      }
      const backends = ips!.split(",").filter(Boolean).join(",");
      await ctx.tx
        .lbAdd(name!, vip!, ips!.split(",").filter(Boolean), { mayExist: flag(opts, "--may-exist"), ...(proto !== undefined ? { protocol: proto } : {}) })
        .catch(
          updateExisting(
            ctx,
            (uuid) => {
              const LB = model.table("Load_Balancer");
              return [LB.mutate({ _uuid: asRowUuid(uuid) }, [["vips", "delete", [vip!]]]), LB.mutate({ _uuid: asRowUuid(uuid) }, [["vips", "insert", { [vip!]: backends }]])];
            },
            (f) => f === `vips:${vip}`,
          ),
        );
    },
  },
  "lb-del": {
    min: 1,
    max: 2,
    options: ["--if-exists"],
    async run(ctx, [n, vip], o) {
      try {
        // ovn-nbctl deletes nothing, silently, for an unknown load balancer.
        await ctx.tx.lbDel(n!, { ifExists: vip === undefined || flag(o, "--if-exists"), ...(vip !== undefined ? { vip } : {}) });
      } catch (e) {
        if (e instanceof OvnNotFoundError && e.kind === "load balancer VIP") throw new UsageError(`vip ${vip} is not part of the load balancer.`);
        throw e;
      }
    },
  },
  ...lbAttachCommands("ls", "Logical_Switch", "logical switch"),
  ...lbAttachCommands("lr", "Logical_Router", "logical router"),
  "lb-list": { readOnly: true,
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      const lbs = await ctx.reader.find("Load_Balancer");
      return lbTable(name === undefined ? lbs : lbs.filter((l) => l.name === name || l._uuid === name));
    },
  },
  "ls-lb-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [s]) {
      const ls = await named(ctx, "Logical_Switch", s!, "logical switch");
      const ids = new Set<string>(ls.load_balancer);
      return lbTable((await ctx.reader.find("Load_Balancer")).filter((l) => ids.has(l._uuid)));
    },
  },
  "lr-lb-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [r]) {
      const lr = await named(ctx, "Logical_Router", r!, "logical router");
      const ids = new Set<string>(lr.load_balancer);
      return lbTable((await ctx.reader.find("Load_Balancer")).filter((l) => ids.has(l._uuid)));
    },
  },
};
