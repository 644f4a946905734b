/**
 * `ovn-ts nbctl` commands for static routes and routing policies (`lr-route-*`, `lr-policy-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { OvnAlreadyExistsError } from "../../ovn/errors.js";
import { normalizePrefix } from "../../ovn/net.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { addrFamily, flag, keepExisting, keyValues, named, portArg, prefixFamily, priorityArg, routerChildren, updateExisting } from "./lookup.js";
import { padStart, routeList } from "./format.js";

/** `ovn-nbctl` commands for static routes and routing policies (`lr-route-*`, `lr-policy-*`). */
export const ROUTE_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "lr-route-add": {
    min: 3,
    max: 4,
    options: ["--may-exist", "--policy", "--ecmp", "--ecmp-symmetric-reply", "--route-table", "--bfd"],
    async run(ctx, [router, prefix, nexthop, port], opts) {
      const policy = opts.get("--policy");
      if (policy !== undefined && policy !== "dst-ip" && policy !== "src-ip") throw new UsageError(`bad policy: ${String(policy)}`);
      const fam = prefixFamily(prefix!);
      if (fam === undefined) throw new UsageError(`bad prefix argument: ${prefix}`);
      if (nexthop !== "discard" && addrFamily(nexthop!) !== fam) throw new UsageError(`bad IPv${fam} nexthop argument: ${nexthop}`);
      if (port !== undefined) await portArg(ctx, "Logical_Router_Port", port);
      const table = opts.get("--route-table");
      const duplicate = (e: unknown) => {
        if (!(e instanceof OvnAlreadyExistsError)) throw e;
        throw new UsageError(`duplicate prefix: ${prefix} (policy: ${typeof policy === "string" ? policy : "dst-ip"}). Use option --ecmp to allow this for ECMP routing.`);
      };
      // --bfd: a new BFD session to the next hop through PORT; --bfd=UUID: an existing one.
      const bfdOpt = opts.get("--bfd");
      let bfd: Ref<"BFD"> | undefined;
      if (typeof bfdOpt === "string") {
        if (!isUuid(bfdOpt) || (await ctx.reader.ids("BFD", { _uuid: asRowUuid<"BFD">(bfdOpt) })).length === 0) throw new UsageError("no entry found in the BFD table");
        bfd = asRowUuid<"BFD">(bfdOpt);
      } else if (bfdOpt) {
        if (port === undefined) throw new UsageError("insert entry in the BFD table failed");
        const ins = model.table("BFD").insert({ logical_port: port, dst_ip: nexthop! });
        ctx.tx.add(ins);
        bfd = ins.ref;
      }
      const symmetric = flag(opts, "--ecmp-symmetric-reply");
      if ((flag(opts, "--ecmp") || symmetric) && !flag(opts, "--may-exist")) {
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        const want = { policy: typeof policy === "string" ? policy : "dst-ip", table: typeof table === "string" ? table : "" };
        const routes = await routerChildren(ctx, lr.static_routes, "Logical_Router_Static_Route");
        const ipPrefix = normalizePrefix(prefix!);
        if (routes.some((r) => r.ip_prefix === ipPrefix && r.nexthop === nexthop && (r.policy ?? "dst-ip") === want.policy && r.route_table === want.table)) throw new UsageError("duplicate nexthop for the same ECMP route");
      }
      const ref = await ctx.tx.lrRouteAdd(router!, prefix!, nexthop!, {
        mayExist: flag(opts, "--may-exist"),
        ecmp: flag(opts, "--ecmp") || symmetric,
        ...(policy !== undefined ? { policy } : {}),
        ...(port !== undefined ? { outputPort: port } : {}),
        ...(typeof table === "string" ? { routeTable: table } : {}),
      })
        .catch(updateExisting(ctx, (uuid) => [model.table("Logical_Router_Static_Route").update({ _uuid: asRowUuid(uuid) }, { nexthop: nexthop!, output_port: port })]))
        .catch(duplicate) as Ref<"Logical_Router_Static_Route">;
      if (symmetric || bfd !== undefined) {
        ctx.tx.add(model.table("Logical_Router_Static_Route").update({ _uuid: ref }, { ...(symmetric ? { options: { ecmp_symmetric_reply: "true" } } : {}), ...(bfd !== undefined ? { bfd } : {}) }));
      }
    },
  },
  "lr-route-del": {
    min: 1,
    max: 4,
    options: ["--if-exists", "--policy", "--route-table"],
    async run(ctx, [router, prefix, nexthop, port], opts) {
      const policy = opts.get("--policy");
      if (policy !== undefined && policy !== "dst-ip" && policy !== "src-ip") throw new UsageError(`bad policy: ${String(policy)}`);
      if (prefix !== undefined && prefixFamily(prefix) === undefined) throw new UsageError(`bad prefix argument: ${prefix}`);
      if (nexthop !== undefined && nexthop !== "discard" && addrFamily(nexthop) === undefined) throw new UsageError(`bad nexthop argument: ${nexthop}`);
      const removed = await ctx.tx.lrRouteDel(router!, {
        ifExists: true,
        ...(prefix !== undefined ? { prefix } : {}),
        ...(nexthop !== undefined ? { nexthop } : {}),
        ...(port !== undefined ? { outputPort: port } : {}),
        ...(policy === "dst-ip" || policy === "src-ip" ? { policy } : {}),
        ...(typeof opts.get("--route-table") === "string" ? { routeTable: opts.get("--route-table") as string } : {}),
      });
      if (removed === 0 && prefix !== undefined && !flag(opts, "--if-exists")) {
        throw new UsageError(`no matching route: policy '${policy ?? "any"}', prefix '${prefix}', nexthop '${nexthop ?? "any"}', output_port '${port ?? "any"}'.`);
      }
    },
  },
  "lr-route-list": { readOnly: true,
    min: 1,
    max: 1,
    options: ["--route-table"],
    async run(ctx, [router], opts) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const table = opts.get("--route-table");
      const routes = await routerChildren(ctx, lr.static_routes, "Logical_Router_Static_Route");
      return routeList(typeof table === "string" ? routes.filter((r) => r.route_table === table) : routes);
    },
  },
  "lr-policy-add": {
    min: 4,
    max: Infinity,
    options: ["--may-exist"],
    async run(ctx, [router, prio, match, action, ...rest], opts) {
      const priority = priorityArg(prio!);
      if (action !== "allow" && action !== "drop" && action !== "reroute") throw new UsageError(`${action}: action must be one of "allow", "drop", and "reroute"`);
      if (action === "reroute" && rest.length === 0) throw new UsageError("Nexthop is required when action is reroute.");
      const nexthops = action === "reroute" ? (rest.shift() ?? "").split(",").filter(Boolean) : [];
      for (const h of nexthops) if (addrFamily(h) === undefined) throw new UsageError(`bad next hop argument: ${h}`);
      for (const o of rest) if (!o.includes("=")) throw new UsageError(`No value specified for the option : ${o}`);
      const kv = keyValues(rest, "option");
      await ctx.tx.lrPolicyAdd(router!, priority, match!, action, { mayExist: flag(opts, "--may-exist"), nexthops, options: kv }).catch(keepExisting());
    },
  },
  "lr-policy-del": {
    min: 1,
    max: 3,
    options: ["--if-exists"],
    async run(ctx, [router, prio, match], opts) {
      if (prio !== undefined && isUuid(prio)) {
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        const policy = asRowUuid<"Logical_Router_Policy">(prio);
        if (!lr.policies.includes(policy)) {
          if (flag(opts, "--if-exists")) return;
          throw new UsageError("Logical router policy uuid is not found.");
        }
        ctx.tx.add(model.table("Logical_Router").mutate({ _uuid: lr._uuid }, [["policies", "delete", [policy]]]));
        return;
      }
      // A priority (and match) that matches nothing is no error for ovn-nbctl.
      await ctx.tx.lrPolicyDel(router!, { ifExists: flag(opts, "--if-exists") || prio !== undefined, ...(prio !== undefined ? { priority: priorityArg(prio) } : {}), ...(match !== undefined ? { match } : {}) });
    },
  },
  "lr-policy-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [router]) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const ps = (await routerChildren(ctx, lr.policies, "Logical_Router_Policy")).sort((a, b) => b.priority - a.priority || (a.match < b.match ? -1 : a.match > b.match ? 1 : 0));
      if (ps.length === 0) return "";
      let out = "Routing Policies\n";
      for (const p of ps) {
        let line = `${padStart(String(p.priority), 10)} ${padStart(p.match, 50)} ${padStart(p.action, 15)}`;
        // The first next hop right-aligned in 25 columns, the others after ", "; then the options
        // after 15 spaces, comma-separated, in the order of an OVS smap.
        const hops = p.nexthop !== undefined ? [p.nexthop] : [...p.nexthops].sort(compareUtf8);
        if (hops.length > 0) line += ` ${padStart(hops[0]!, 25)}${hops.slice(1).map((h) => `, ${h}`).join("")}`;
        if (p.options.size > 0) line += " ".repeat(15) + shashOrder([...p.options.keys()].sort(compareUtf8)).map((k) => `${k}=${p.options.get(k)}`).join(",");
        out += line + "\n";
      }
      return out;
    },
  },
};
