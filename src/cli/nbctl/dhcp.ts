/**
 * `ovn-ts nbctl` commands for DHCP options (`dhcp-options-*`, `lsp-set-dhcpv4-options`, ...): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import { model } from "../../ovsdb/models/ovn-nb.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { keyValues, named, prefixFamily } from "./lookup.js";
import { smapLines } from "./format.js";

/** `lsp-set-dhcpv4-options`/`lsp-get-dhcpv4-options` and their v6 twins. */
export function dhcpOptionsCommands(v: "v4" | "v6"): Record<string, NbSpec> {
  const column = v === "v4" ? "dhcpv4_options" : "dhcpv6_options";
  const option = v === "v4" ? "dhcpv4Options" : "dhcpv6Options";
  return {
    [`lsp-set-dhcp${v}-options`]: {
      min: 1,
      max: 2,
      async run(ctx, [p, id]) {
        if (id !== undefined && (!isUuid(id) || (await ctx.reader.ids("DHCP_Options", { _uuid: asRowUuid<"DHCP_Options">(id!) })).length === 0)) throw new UsageError(`${id}: dhcp options UUID not found`);
        await ctx.tx.lspSet(p!, { [option]: id === undefined ? null : asRowUuid<"DHCP_Options">(id) });
      },
    },
    [`lsp-get-dhcp${v}-options`]: {
      readOnly: true,
      min: 1,
      max: 1,
      async run(ctx, [p]) {
        const port = await named(ctx, "Logical_Switch_Port", p!, "logical switch port");
        const ref = port[column];
        if (ref === undefined) return "";
        const d = (await ctx.reader.find("DHCP_Options", { _uuid: ref }))[0];
        return d ? `${d._uuid} (${d.cidr})\n` : "";
      },
    },
  };
}

// ---------------------------------------------------------------- ovn-nbctl's argument checks

/** `ovn-nbctl` commands for DHCP options (`dhcp-options-*`, `lsp-set-dhcpv4-options`, ...). */
export const DHCP_COMMANDS: Readonly<Record<string, NbSpec>> = {
  ...dhcpOptionsCommands("v4"),
  ...dhcpOptionsCommands("v6"),
  "dhcp-options-create": {
    min: 1,
    max: Infinity,
    async run(ctx, [cidr, ...kv]) {
      if (prefixFamily(cidr!) === undefined) throw new UsageError(`Invalid cidr format '${cidr}'`);
      ctx.tx.add(model.table("DHCP_Options").insert({ cidr: cidr!, external_ids: keyValues(kv.filter((a) => a.includes("=")), "external id") }));
    },
  },
  "dhcp-options-del": {
    min: 1,
    max: 1,
    async run(ctx, [id]) {
      if (!isUuid(id!) || (await ctx.reader.ids("DHCP_Options", { _uuid: asRowUuid<"DHCP_Options">(id!) })).length === 0) throw new UsageError(`${id}: dhcp options UUID not found`);
      ctx.tx.add(model.table("DHCP_Options").delete({ _uuid: asRowUuid<"DHCP_Options">(id!) }));
    },
  },
  "dhcp-options-list": { readOnly: true,
    min: 0,
    max: 0,
    run: async (ctx) => [...(await ctx.reader.ids("DHCP_Options"))].sort().map((u) => `${u}\n`).join(""),
  },
  "dhcp-options-set-options": {
    min: 1,
    max: Infinity,
    async run(ctx, [id, ...kv]) {
      if (!isUuid(id!) || (await ctx.reader.ids("DHCP_Options", { _uuid: asRowUuid<"DHCP_Options">(id!) })).length === 0) throw new UsageError(`${id}: dhcp options UUID not found`);
      ctx.tx.add(model.table("DHCP_Options").update({ _uuid: asRowUuid<"DHCP_Options">(id!) }, { options: keyValues(kv, "option") }));
    },
  },
  "dhcp-options-get-options": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [id]) {
      const d = isUuid(id!) ? (await ctx.reader.find("DHCP_Options", { _uuid: asRowUuid<"DHCP_Options">(id!) }))[0] : undefined;
      if (!d) throw new UsageError(`${id}: dhcp options UUID not found`);
      return smapLines(d.options);
    },
  },
};
