/**
 * `ovn-ts nbctl` commands for `init`, `sync`, `show`, and the connection and SSL settings (`get-connection`, `set-ssl`, ...): the syntax, checks, messages and output of `ovn-nbctl`, on top of the OVN API.
 *
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { renderShow } from "../../ovn/show.js";
import type { NbSpec } from "./context.js";
import { flag } from "./lookup.js";

/** `ovn-nbctl` commands for `init`, `sync`, `show`, and the connection and SSL settings (`get-connection`, `set-ssl`, ...). */
export const GLOBAL_COMMANDS: Readonly<Record<string, NbSpec>> = {
  init: { min: 0, max: 0, run: async () => undefined },
  sync: { min: 0, max: 0, run: async () => undefined },
  show: { readOnly: true, min: 0, max: 1, run: (ctx, [which]) => renderShow(ctx.reader, which, { client: ctx.client }) },
  "get-connection": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const ids = new Set<string>((await ctx.reader.find("NB_Global"))[0]?.connections ?? []);
      const targets = (await ctx.reader.find("Connection")).filter((c) => ids.has(c._uuid)).map((c) => c.target);
      return targets.sort(compareUtf8).map((t) => `${t}\n`).join("");
    },
  },
  "del-connection": { min: 0, max: 0, run: async (ctx) => void ctx.tx.add(model.table("NB_Global").update([], { connections: [] })) },
  "set-connection": {
    min: 1,
    max: Infinity,
    options: ["--inactivity-probe"],
    async run(ctx, targets, opts) {
      const probe = opts.get("--inactivity-probe");
      const C = model.table("Connection");
      const refs = targets.map((target) => {
        const ins = C.insert({ target, ...(typeof probe === "string" ? { inactivity_probe: Number(probe) } : {}) });
        ctx.tx.add(ins);
        return ins.ref;
      });
      ctx.tx.add(model.table("NB_Global").update([], { connections: refs }));
    },
  },
  "get-ssl": { readOnly: true,
    min: 0,
    max: 0,
    async run(ctx) {
      const ref = (await ctx.reader.find("NB_Global"))[0]?.ssl;
      const ssl = ref === undefined ? undefined : (await ctx.reader.find("SSL", { _uuid: ref }))[0];
      if (!ssl) return "";
      return `Private key: ${ssl.private_key}\nCertificate: ${ssl.certificate}\nCA Certificate: ${ssl.ca_cert}\nBootstrap: ${ssl.bootstrap_ca_cert}\n`;
    },
  },
  "del-ssl": { min: 0, max: 0, run: async (ctx) => void ctx.tx.add(model.table("NB_Global").update([], { ssl: undefined })) },
  "set-ssl": {
    min: 3,
    max: 5,
    options: ["--bootstrap"],
    async run(ctx, [key, cert, ca, protocols, ciphers], opts) {
      const ins = model.table("SSL").insert({
        private_key: key!,
        certificate: cert!,
        ca_cert: ca!,
        bootstrap_ca_cert: flag(opts, "--bootstrap"),
        ...(protocols !== undefined ? { ssl_protocols: protocols } : {}),
        ...(ciphers !== undefined ? { ssl_ciphers: ciphers } : {}),
      });
      ctx.tx.add(ins, model.table("NB_Global").update([], { ssl: ins.ref }));
    },
  },
};
