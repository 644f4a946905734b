/**
 * `ovn-ts nbctl` commands for meters and port mirrors (`meter-*`, `mirror-*`, `lsp-attach-mirror`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { addrFamily, byName, flag, keepExisting } from "./lookup.js";

/** `ovn-nbctl` commands for meters and port mirrors (`meter-*`, `mirror-*`, `lsp-attach-mirror`). */
export const METER_MIRROR_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "meter-add": {
    min: 4,
    max: 5,
    options: ["--fair", "--may-exist"],
    async run(ctx, [name, action, rate, unit, burst], opts) {
      if (action !== "drop") throw new UsageError(`action must be "drop"`);
      if (unit !== "kbps" && unit !== "pktps") throw new UsageError(`unit must be "kbps" or "pktps"`);
      if (!/^\d+$/.test(rate!) || Number(rate) < 1 || Number(rate) > 4294967295) throw new UsageError(`rate must be in the range 1...4294967295`);
      if (burst !== undefined && !/^\d+$/.test(burst)) throw new UsageError(`burst must be in the range 0...4294967295`);
      await ctx.tx.meterAdd(name!, Number(rate), unit, { mayExist: flag(opts, "--may-exist"), ...(burst !== undefined ? { burst: Number(burst) } : {}), ...(flag(opts, "--fair") ? { fair: true } : {}) }).catch(keepExisting());
    },
  },
  "meter-del": {
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      if (name === undefined) {
        ctx.tx.add(model.table("Meter").delete([]));
        return;
      }
      await ctx.tx.meterDel(name, { ifExists: true });
    },
  },
  "meter-list": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const meters = [...(await ctx.reader.find("Meter"))].sort(byName);
      if (meters.length === 0) return "";
      const bands = new Map((await ctx.reader.find("Meter_Band")).map((b) => [b._uuid as string, b]));
      let out = "";
      for (const m of meters) {
        out += `${m.name}: ${m.fair === true ? "(fair) " : ""}bands:\n`;
        for (const id of m.bands) {
          const b = bands.get(id);
          if (!b) continue;
          out += `  ${b.action}: ${b.rate} ${m.unit}`;
          if (b.burst_size !== 0) out += `, ${b.burst_size} ${m.unit === "kbps" ? "kb" : "packet"} burst`;
          out += "\n";
        }
      }
      return out;
    },
  },
  "mirror-add": {
    min: 5,
    max: 5,
    async run(ctx, [name, type, index, filter, sink]) {
      if (type !== "gre" && type !== "erspan") throw new UsageError(`${type}: type must be "gre" or "erspan"`);
      if (!/^\d+$/.test(index!)) throw new UsageError("Invalid Index");
      if ((await ctx.reader.ids("Mirror", { name: name! })).length > 0) throw new UsageError(`Mirror with ${name} name already exists.`);
      if (addrFamily(sink!) === undefined) throw new UsageError(`Invalid sink ip: ${sink}`);
      // ovn-nbctl's IDL drops a filter outside the column's enum; the row then gets the default, "from-lport".
      await ctx.tx.mirrorAdd(name!, { type, index: Number(index), filter: filter === "to-lport" ? "to-lport" : "from-lport", sink: sink! });
    },
  },
  "lsp-detach-mirror": { min: 2, max: 2, run: async (ctx, [p, m]) => void (await ctx.tx.lspDetachMirror(p!, m!)) },
  "mirror-del": {
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      if (name !== undefined) {
        await ctx.tx.mirrorDel(name, { ifExists: true });
        return;
      }
      for (const m of await ctx.reader.find("Mirror")) await ctx.tx.mirrorDel(m._uuid);
    },
  },
  "mirror-list": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const ms = [...(await ctx.reader.find("Mirror"))].sort(byName);
      return ms
        .map((m) => `${m.name}:\n  Type     :  ${m.type}\n  Sink     :  ${m.sink}\n  Filter   :  ${m.filter}\n  Index/Key:  ${m.index}\n\n`)
        .join("");
    },
  },
  "lsp-attach-mirror": { min: 2, max: 2, run: async (ctx, [p, m]) => void (await ctx.tx.lspAttachMirror(p!, m!)) },
};
