/**
 * `ovn-ts nbctl` commands for logical routers, their ports, gateway chassis and static MAC bindings (`lr-*`, `lrp-*`, `static-mac-binding-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { OvnAlreadyExistsError, OvnNotFoundError } from "../../ovn/errors.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { addrFamily, byName, flag, keepExisting, keyValues, macScan, named, portArg, portDel, prefixFamily, priorityArg, updateExisting } from "./lookup.js";
import { padStart } from "./format.js";

/** `ovn-nbctl` commands for logical routers, their ports, gateway chassis and static MAC bindings (`lr-*`, `lrp-*`, `static-mac-binding-*`). */
export const ROUTER_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "lr-add": {
    min: 0,
    max: 1,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name], opts) {
      if (name === undefined || flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Logical_Router").insert({ name: name ?? "" }));
        return;
      }
      await ctx.tx.lrAdd(name, { mayExist: flag(opts, "--may-exist") });
    },
  },
  "lr-del": { min: 1, max: 1, options: ["--if-exists"], run: async (ctx, [n], o) => void (await ctx.tx.lrDel(n!, { ifExists: flag(o, "--if-exists") })) },
  "lr-list": { readOnly: true, min: 0, max: 0, run: async (ctx) => [...(await ctx.reader.find("Logical_Router"))].sort(byName).map((s) => `${s._uuid} (${s.name})\n`).join("") },
  "lrp-add": {
    min: 4,
    max: Infinity,
    options: ["--may-exist"],
    async run(ctx, [router, port, mac, ...rest], opts) {
      const networks = rest.filter((a) => !a.includes("="));
      if (!macScan(mac!)) throw new UsageError(`${port}: invalid mac address ${mac}`);
      for (const n of networks) if (prefixFamily(n) === undefined) throw new UsageError(`${port}: invalid network address: ${n}`);
      const kv = keyValues(rest.filter((a) => a.includes("=")), "option");
      const peer = kv["peer"];
      delete kv["peer"];
      await ctx.tx
        .lrpAdd(router!, port!, mac!, networks, { mayExist: flag(opts, "--may-exist"), ...(peer !== undefined ? { peer } : {}), ...(Object.keys(kv).length ? { options: kv } : {}) })
        .catch(keepExisting((f) => f.startsWith("options:")));
    },
  },
  "lrp-del": { min: 1, max: 1, options: ["--if-exists"], run: (ctx, [n], o) => portDel(ctx, "Logical_Router_Port", n!, flag(o, "--if-exists")) },
  "lrp-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [r]) {
      const lr = await named(ctx, "Logical_Router", r!, "logical router");
      const ids = new Set<string>(lr.ports);
      return (await ctx.reader.find("Logical_Router_Port")).filter((p) => ids.has(p._uuid)).sort(byName).map((p) => `${p._uuid} (${p.name})\n`).join("");
    },
  },
  "lrp-set-enabled": {
    min: 2,
    max: 2,
    async run(ctx, [p, state]) {
      if (state !== "enabled" && state !== "disabled") throw new UsageError(`${state}: state must be \"enabled\" or \"disabled\"`);
      const port = await named(ctx, "Logical_Router_Port", p!, "logical router port");
      ctx.tx.add(model.table("Logical_Router_Port").update({ _uuid: port._uuid }, { enabled: state === "enabled" }));
    },
  },
  "lrp-get-enabled": { readOnly: true,
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Router_Port", p!, "logical router port")).enabled === false ? "disabled\n" : "enabled\n"),
  },
  "lrp-set-options": {
    min: 1,
    max: Infinity,
    async run(ctx, [p, ...kv]) {
      const ref = await portArg(ctx, "Logical_Router_Port", p!);
      // As ovn-nbctl: the options are replaced; arguments without "=" are skipped.
      ctx.tx.add(model.table("Logical_Router_Port").update({ _uuid: ref }, { options: keyValues(kv.filter((a) => a.includes("=")), "option") }));
    },
  },
  "lrp-set-redirect-type": {
    min: 2,
    max: 2,
    async run(ctx, [p, type]) {
      const ref = await portArg(ctx, "Logical_Router_Port", p!);
      if (!/^(overlay|bridged)$/i.test(type!)) throw new UsageError(`Invalid redirect type: ${type}`);
      const LRP = model.table("Logical_Router_Port");
      ctx.tx.add(LRP.mutate({ _uuid: ref }, [["options", "delete", ["redirect-type"]]]), LRP.mutate({ _uuid: ref }, [["options", "insert", { "redirect-type": type! }]]));
    },
  },
  "lrp-get-redirect-type": { readOnly: true,
    min: 1,
    max: 1,
    run: async (ctx, [p]) => `${(await named(ctx, "Logical_Router_Port", p!, "logical router port")).options.get("redirect-type") ?? "overlay"}\n`,
  },
  "static-mac-binding-add": {
    min: 3,
    max: 3,
    options: ["--may-exist"],
    async run(ctx, [port, ip, mac], opts) {
      if (addrFamily(ip!) === undefined) throw new UsageError(`${ip}: Not a valid IPv4 or IPv6 address.`);
      if (!macScan(mac!)) throw new UsageError(`invalid mac address ${mac}.`);
      await portArg(ctx, "Logical_Router_Port", port!);
      await ctx.tx
        .staticMacBindingAdd(port!, ip!, mac!, { mayExist: flag(opts, "--may-exist") })
        .catch(updateExisting(ctx, (uuid) => [model.table("Static_MAC_Binding").update({ _uuid: asRowUuid(uuid) }, { mac: mac! })]))
        .catch((e: unknown) => {
          if (e instanceof OvnAlreadyExistsError) throw new UsageError(`${port}, ${ip}: a Static_MAC_Binding with this logical_port and ip already exists`);
          throw e;
        });
    },
  },
  "static-mac-binding-del": {
    min: 2,
    max: 2,
    options: ["--if-exists"],
    async run(ctx, [port, ip], opts) {
      if (addrFamily(ip!) === undefined) throw new UsageError(`${ip}: Not a valid IPv4 or IPv6 address.`);
      const ids = await ctx.reader.ids("Static_MAC_Binding", { logical_port: port!, ip: ip! });
      if (ids.length === 0 && !flag(opts, "--if-exists")) throw new UsageError(`no matching Static_MAC_Binding with port ${port} and ip ${ip}`);
      for (const id of ids) ctx.tx.add(model.table("Static_MAC_Binding").delete({ _uuid: id }));
    },
  },
  "static-mac-binding-list": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const rows = [...(await ctx.reader.find("Static_MAC_Binding"))].sort((a, b) => compareUtf8(a.logical_port, b.logical_port) || compareUtf8(a.ip, b.ip));
      if (rows.length === 0) return "";
      return `${"LOGICAL_PORT".padEnd(25)}${"IP".padEnd(25)}MAC\n` + rows.map((r) => `${r.logical_port.padEnd(25)}${r.ip.padEnd(25)}${r.mac}\n`).join("");
    },
  },
  "lrp-set-gateway-chassis": {
    min: 2,
    max: 3,
    async run(ctx, [p, chassis, prio]) {
      await ctx.tx.lrpSetGatewayChassis(p!, chassis!, prio === undefined ? 0 : priorityArg(prio));
    },
  },
  "lrp-del-gateway-chassis": {
    min: 2,
    max: 2,
    async run(ctx, [p, c]) {
      try {
        await ctx.tx.lrpDelGatewayChassis(p!, c!);
      } catch (e) {
        if (e instanceof OvnNotFoundError && e.kind === "gateway chassis") throw new UsageError(`chassis ${c} is not added to logical port ${p}`);
        throw e;
      }
    },
  },
  "lrp-get-gateway-chassis": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const port = await named(ctx, "Logical_Router_Port", p!, "logical router port");
      const ids = new Set<string>(port.gateway_chassis);
      const gcs = (await ctx.reader.find("Gateway_Chassis")).filter((g) => ids.has(g._uuid)).sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
      return gcs.map((g) => `${g.name} ${padStart(String(g.priority), 5)}\n`).join("");
    },
  },
};
