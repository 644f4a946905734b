/**
 * `ovn-ts nbctl` commands for logical switches and their ports (`ls-*`, `lsp-*`): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import { OvnConflictError, OvnNotFoundError } from "../../ovn/errors.js";
import { UsageError } from "../io.js";
import type { NbSpec } from "./context.js";
import { byName, checkDuplicateIps, flag, keyValues, lspAddressOk, named, portArg, portDel } from "./lookup.js";
import { smapLines } from "./format.js";

/** `ovn-nbctl` commands for logical switches and their ports (`ls-*`, `lsp-*`). */
export const SWITCH_COMMANDS: Readonly<Record<string, NbSpec>> = {
  "ls-add": {
    min: 0,
    max: 1,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name], opts) {
      if (name === undefined || flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Logical_Switch").insert({ name: name ?? "" }));
        return;
      }
      await ctx.tx.lsAdd(name, { mayExist: flag(opts, "--may-exist") });
    },
  },
  "ls-del": { min: 1, max: 1, options: ["--if-exists"], run: async (ctx, [n], o) => void (await ctx.tx.lsDel(n!, { ifExists: flag(o, "--if-exists") })) },
  "ls-list": { readOnly: true,
    min: 0,
    max: 0,
    run: async (ctx) => [...(await ctx.reader.find("Logical_Switch"))].sort(byName).map((s) => `${s._uuid} (${s.name})\n`).join(""),
  },
  "lsp-add": {
    min: 2,
    max: 4,
    options: ["--may-exist"],
    async run(ctx, [sw, port, parent, tag], opts) {
      if (parent !== undefined && tag === undefined) throw new UsageError("lsp-add with parent must also specify a tag");
      let t: number | undefined;
      if (tag !== undefined) {
        if (!/^\d+$/.test(tag) || Number(tag) > 4095) throw new UsageError(`${tag}: invalid tag (must be in range 0 to 4095)`);
        t = Number(tag);
      }
      await ctx.tx.lspAdd(sw!, port!, { mayExist: flag(opts, "--may-exist"), ...(parent !== undefined ? { parent } : {}), ...(t !== undefined ? { tag: t } : {}) }).catch((e: unknown) => {
        // ovn-nbctl's three wordings of a parent mismatch.
        if (!(e instanceof OvnConflictError && e.conflict.kind === "setting" && e.conflict.field === "parent_name")) throw e;
        const had = e.conflict.existing;
        throw new UsageError(parent === undefined ? `${port}: port already exists but has parent ${had}` : had === undefined ? `${port}: port already exists but has no parent` : `${port}: port already exists with different parent ${had}`);
      });
    },
  },
  "lsp-del": { min: 1, max: 1, options: ["--if-exists"], run: (ctx, [n], o) => portDel(ctx, "Logical_Switch_Port", n!, flag(o, "--if-exists")) },
  "lsp-list": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [sw]) {
      const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
      const ids = new Set<string>(ls.ports);
      return (await ctx.reader.find("Logical_Switch_Port")).filter((p) => ids.has(p._uuid)).sort(byName).map((p) => `${p._uuid} (${p.name})\n`).join("");
    },
  },
  "lsp-get-ls": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const port = await named(ctx, "Logical_Switch_Port", p!, "logical switch port");
      const ls = await ctx.reader.find("Logical_Switch", [["ports", "includes", [port._uuid]]]);
      return ls.map((s) => `${s._uuid} (${s.name})\n`).join("");
    },
  },
  "lsp-set-addresses": {
    min: 1,
    max: Infinity,
    async run(ctx, [p, ...addrs]) {
      const ref = await portArg(ctx, "Logical_Switch_Port", p!).catch(() => {
        throw new OvnNotFoundError("logical switch port", p!);
      });
      for (const a of addrs) {
        if (!lspAddressOk(a)) throw new UsageError(`${a}: Invalid address format. See ovn-nb(5). Hint: An Ethernet address must be listed before an IP address, together as a single argument.`);
      }
      await checkDuplicateIps(ctx, p!, addrs);
      ctx.tx.add(model.table("Logical_Switch_Port").update({ _uuid: ref }, { addresses: addrs }));
    },
  },
  "lsp-get-addresses": { readOnly: true, min: 1, max: 1, run: async (ctx, [p]) => (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).addresses.map((a) => `${a}\n`).join("") },
  "lsp-set-port-security": { min: 1, max: Infinity, run: async (ctx, [p, ...a]) => void (await ctx.tx.lspSet(p!, { portSecurity: a })) },
  "lsp-get-port-security": { readOnly: true, min: 1, max: 1, run: async (ctx, [p]) => (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).port_security.map((a) => `${a}\n`).join("") },
  "lsp-get-up": { readOnly: true,
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).up === true ? "up\n" : "down\n"),
  },
  "lsp-set-enabled": {
    min: 2,
    max: 2,
    async run(ctx, [p, state]) {
      if (state !== "enabled" && state !== "disabled") throw new UsageError(`${state}: state must be \"enabled\" or \"disabled\"`);
      await ctx.tx.lspSet(p!, { enabled: state === "enabled" });
    },
  },
  "lsp-get-enabled": { readOnly: true,
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).enabled === false ? "disabled\n" : "enabled\n"),
  },
  "lsp-set-type": { min: 2, max: 2, run: async (ctx, [p, type]) => void (await ctx.tx.lspSet(p!, { type: type! })) },
  "lsp-get-type": { readOnly: true, min: 1, max: 1, run: async (ctx, [p]) => `${(await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).type}\n` },
  "lsp-set-options": { min: 1, max: Infinity, run: async (ctx, [p, ...kv]) => void (await ctx.tx.lspSet(p!, { options: keyValues(kv.filter((a) => a.includes("=")), "option") })) },
  "lsp-get-options": { readOnly: true,
    min: 1,
    max: 1,
    run: async (ctx, [p]) => smapLines((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).options),
  },
  "lsp-get-parent": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const parent = (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).parent_name;
      return parent === undefined ? "" : `${parent}\n`;
    },
  },
  "lsp-get-tag": { readOnly: true,
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const t = (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).tag;
      return t === undefined ? "" : `${t}\n`;
    },
  },
};
