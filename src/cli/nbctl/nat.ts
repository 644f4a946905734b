/**
 * `ovn-ts nbctl` commands for NAT rules (`lr-nat-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import { OvnAlreadyExistsError } from "../../ovn/errors.js";
import { normalizePrefix } from "../../ovn/net.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { addrFamily, flag, keepExisting, macScan, named, portArg, prefixFamily, routerChildren, updateExisting } from "./lookup.js";
import { natList } from "./format.js";

/** `ovn-nbctl` commands for NAT rules (`lr-nat-*`). */
export const NAT_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "lr-nat-add": {
    min: 4,
    max: 7,
    options: ["--may-exist", "--stateless", "--portrange", "--add-route", "--gateway-port"],
    async run(ctx, [router, type, ext, logical, ...rest], opts) {
      // With --portrange the last argument is the external port range.
      const range = flag(opts, "--portrange") && rest.length % 2 === 1 ? rest.pop() : rest[2];
      const [port, mac] = rest;
      if (type !== "snat" && type !== "dnat" && type !== "dnat_and_snat") throw new UsageError(`${type}: type must be one of "dnat", "snat" and "dnat_and_snat".`);
      const fam = addrFamily(ext!);
      if (fam === undefined) throw new UsageError(`${ext}: Not a valid IPv4 or IPv6 address.`);
      if (type === "snat" ? prefixFamily(logical!) !== fam : addrFamily(logical!) !== fam) {
        throw new UsageError(type === "snat" ? `${logical}: should be an IPv${fam} address or network.` : `${logical}: Not a valid IPv${fam} address.`);
      }
      if (port !== undefined && mac === undefined) throw new UsageError("lr-nat-add with logical_port must also specify external_mac.");
      if (mac !== undefined && !macScan(mac)) throw new UsageError(`invalid mac address ${mac}.`);
      if (range !== undefined) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(range);
        const ok = m && [m[1], m[2] ?? m[1]].every((x) => Number(x) >= 1 && Number(x) <= 65535) && Number(m[1]) <= Number(m[2] ?? m[1]);
        if (!ok) throw new UsageError(`invalid port range ${range}.`);
      }
      if (port !== undefined) await portArg(ctx, "Logical_Switch_Port", port);
      const logicalKey = type === "snat" ? normalizePrefix(logical!) : logical!;
      const ref = await ctx.tx
        .lrNatAdd(router!, type, ext!, logical!, {
          mayExist: flag(opts, "--may-exist"),
          ...(port !== undefined ? { logicalPort: port } : {}),
          ...(mac !== undefined ? { externalMac: mac } : {}),
          // ovn-nbctl records the choice either way.
          options: { stateless: flag(opts, "--stateless") ? "true" : "false" },
        })
        // ovn-nbctl --may-exist: the rule of that key gets the new addresses; its other settings stay.
        .catch(updateExisting(ctx, (uuid) => [model.table("NAT").update({ _uuid: asRowUuid(uuid) }, { external_ip: ext!, logical_ip: logicalKey })], (f) => f === "external_ip" || f === "logical_ip"))
        .catch(keepExisting())
        .catch(async (e: unknown) => {
          if (!(e instanceof OvnAlreadyExistsError)) throw e;
          // ovn-nbctl's three messages for a NAT that is already there.
          const lr = await named(ctx, "Logical_Router", router!, "logical router");
          const nats = await routerChildren(ctx, lr.nat, "NAT");
          if (nats.some((n) => n.type === type && n.external_ip === ext && n.logical_ip === logical)) throw new UsageError(`${ext}, ${logical}: a NAT with this external_ip and logical_ip already exists`);
          throw new UsageError(type === "snat" ? `a NAT with this type (snat), logical_ip (${logical}) already exists` : `a NAT with this type (${type}), external_ip (${ext}) already exists`);
        });
      const gw = opts.get("--gateway-port");
      const gwRef = typeof gw === "string" ? await portArg(ctx, "Logical_Router_Port", gw) : undefined;
      if (range !== undefined || gwRef !== undefined) {
        ctx.tx.add(model.table("NAT").update({ _uuid: ref as Ref<"NAT"> }, { ...(range !== undefined ? { external_port_range: range } : {}), ...(gwRef !== undefined ? { gateway_port: gwRef } : {}) }));
      }
    },
  },
  "lr-nat-del": {
    min: 1,
    max: 3,
    options: ["--if-exists"],
    async run(ctx, [router, type, ip], _opts) {
      if (type !== undefined && type !== "snat" && type !== "dnat" && type !== "dnat_and_snat") throw new UsageError(`${type}: type must be one of "dnat", "snat" and "dnat_and_snat".`);
      // ovn-nbctl deletes what matches and is silent when nothing does; an argument that is not an
      // IP names the gateway port of the NATs to delete.
      if (ip !== undefined && prefixFamily(ip) === undefined) {
        const gw = await portArg(ctx, "Logical_Router_Port", ip);
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        const gone = (await routerChildren(ctx, lr.nat, "NAT")).filter((n) => n.type === type && n.gateway_port === gw).map((n) => n._uuid);
        if (gone.length > 0) ctx.tx.add(model.table("Logical_Router").mutate({ _uuid: lr._uuid }, [["nat", "delete", gone]]));
        return;
      }
      await ctx.tx.lrNatDel(router!, { ifExists: true, ...(type !== undefined ? { type } : {}), ...(ip !== undefined ? { ip } : {}) });
    },
  },
  "lr-nat-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [router]) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const nats = await routerChildren(ctx, lr.nat, "NAT");
      const ports = new Map(nats.some((n) => n.gateway_port !== undefined) ? (await ctx.reader.find("Logical_Router_Port")).map((p) => [p._uuid as string, p.name]) : []);
      return natList(nats, ports);
    },
  },
};
