/**
 * `ovn-ts nbctl` commands for port groups and HA chassis groups (`pg-*`, `ha-chassis-group-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { byName, named, priorityArg } from "./lookup.js";

/** `ovn-nbctl` commands for port groups and HA chassis groups (`pg-*`, `ha-chassis-group-*`). */
export const GROUP_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "pg-add": { min: 1, max: Infinity, run: async (ctx, [n, ...ports]) => void (await ctx.tx.pgAdd(n!, ports)) },
  "pg-set-ports": { min: 2, max: Infinity, run: async (ctx, [n, ...ports]) => void (await ctx.tx.pgSetPorts(n!, ports)) },
  "pg-del": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.pgDel(n!)) },
  "ha-chassis-group-add": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.haChassisGroupAdd(n!)) },
  "ha-chassis-group-del": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.haChassisGroupDel(n!)) },
  "ha-chassis-group-add-chassis": {
    min: 3,
    max: 3,
    async run(ctx, [g, c, p]) {
      await ctx.tx.haChassisGroupAddChassis(g!, c!, priorityArg(p!));
    },
  },
  "ha-chassis-group-remove-chassis": {
    min: 2,
    max: 2,
    async run(ctx, [g, c]) {
      const grp = await named(ctx, "HA_Chassis_Group", g!, "HA chassis group");
      const ids = new Set<string>(grp.ha_chassis);
      const hc = (await ctx.reader.find("HA_Chassis", { chassis_name: c! })).filter((h) => ids.has(h._uuid));
      if (hc.length === 0) throw new UsageError(`${c}: ha chassis not found in ${g} ha chassis group`);
      ctx.tx.add(model.table("HA_Chassis_Group").mutate({ _uuid: grp._uuid }, [["ha_chassis", "delete", hc.map((h) => h._uuid)]]));
    },
  },
  "ha-chassis-group-list": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const groups = [...(await ctx.reader.find("HA_Chassis_Group"))].sort(byName);
      const hcs = new Map((await ctx.reader.find("HA_Chassis")).map((h) => [h._uuid as string, h]));
      let out = "";
      for (const grp of groups) {
        out += `${grp._uuid} (${grp.name})\n`;
        for (const id of [...grp.ha_chassis].sort()) {
          const h = hcs.get(id);
          if (h) out += `    ${h._uuid} (${h.chassis_name})\n    priority ${h.priority}\n\n`;
        }
        out += "\n";
      }
      return out;
    },
  },
};
