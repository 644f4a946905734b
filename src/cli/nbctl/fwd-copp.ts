/**
 * `ovn-ts nbctl` commands for forwarding groups and control plane protection, as OVN 23.03's
 * `ovn-nbctl` has them: `fwd-group-add [--liveness] GROUP SWITCH VIP VMAC PORTS...`,
 * `fwd-group-del GROUP`, `fwd-group-list [SWITCH]`, `copp-add NAME PROTO METER`,
 * `copp-del NAME [PROTO]`, `copp-list NAME`, `ls-copp-add NAME SWITCH`, `lr-copp-add NAME ROUTER`
 * — same arguments, output and failure messages, on top of the OVN API.
 *
 * @module
 */
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import { COPP_PROTOCOLS, type CoppProtocol } from "../../ovn/copp.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnInvalidArgumentError, OvnNotFoundError } from "../../ovn/errors.js";
import type { FwdGroupEntry } from "../../ovn/fwd-group.js";
import type { NbTransaction } from "../../ovn/nb.js";
import { idlTableOrders, sortByIdlOrder } from "../../ovsdb/client/idl-order.js";
import { UsageError } from "../io.js";
import type { CommandSpec } from "../dbctl/context.js";
import { visibleAtOnce } from "../dbctl/preview.js";

/** What these commands use of the run's context. */
interface ExtraCtx {
  readonly client: OvsdbClient;
  readonly tx: NbTransaction;
}

/** One command of this family. */
type ExtraSpec = CommandSpec<ExtraCtx>;

const PROTO_USAGE = `Invalid control protocol. Allowed values: ${COPP_PROTOCOLS.join(", ")}.`;

/** Rewords the API's errors as ovn-nbctl prints them for these commands. */
function reword(e: unknown): unknown {
  if (e instanceof OvnInvalidArgumentError) {
    if (e.argument === "control protocol") return new UsageError(PROTO_USAGE);
    if (e.argument === "forwarding group VIP") return new UsageError(`invalid ip address ${e.value}`);
    if (e.argument === "forwarding group VMAC") return new UsageError(`invalid mac address ${e.value}`);
    if (e.argument === "forwarding group child ports") return new UsageError("Usage : ovn-nbctl fwd-group-add group switch vip vmac child_ports...");
  }
  if (e instanceof OvnAlreadyExistsError && e.kind === "forwarding group") return new UsageError(`${e.object}: a forwarding group by this name already exists`);
  if (e instanceof OvnNotFoundError && e.kind === "CoPP") return new UsageError(`${e.object}: copp name not found`);
  if (e instanceof OvnNotFoundError && e.kind === "logical switch port") return new UsageError(`${e.object}: logical switch port does not exist`);
  if (e instanceof OvnConflictError && e.conflict.kind === "member" && e.conflict.object === "logical switch port") {
    return new UsageError(`${e.conflict.name}: port already exists but in logical switch ${e.conflict.existing ?? "(none)"}`);
  }
  return e;
}

/** Wraps a command's run so that API errors come out in ovn-nbctl's words. */
function worded(spec: ExtraSpec): ExtraSpec {
  return { ...spec, run: (ctx, args, opts) => spec.run(ctx, args, opts).catch((e: unknown) => Promise.reject(reword(e))) };
}

/** `fwd-group-list`'s table, rows in `order` (ovn-nbctl's IDL order of the Forwarding_Group table). */
function fwdGroupTable(entries: readonly FwdGroupEntry[], order: readonly string[]): string {
  const rows = sortByIdlOrder([...entries], order, (e) => e.group._uuid);
  let out = `${"FWD_GROUP".padEnd(16)}${"LS".padEnd(14)}${"VIP".padEnd(16)}${"VMAC".padEnd(22)}CHILD_PORTS\n`;
  for (const { switch: ls, group: g } of rows) {
    const ports = [...g.child_port].sort(compareUtf8).join(" ");
    out += `${g.name.slice(0, 16).padEnd(16)}${ls.slice(0, 18).padEnd(14)}${g.vip.slice(0, 16).padEnd(15)}${g.vmac}      ${ports}\n`;
  }
  return out;
}

/** The forwarding group and CoPP commands, by name. */
export const FWD_COPP_COMMANDS: Readonly<Record<string, ExtraSpec>> = Object.fromEntries(
  Object.entries<ExtraSpec>({
    "fwd-group-add": {
      min: 4,
      max: Infinity,
      options: ["--liveness"],
      async run(ctx, [group, sw, vip, vmac, ...ports], opts) {
        await ctx.tx.fwdGroupAdd(sw!, group!, vip!, vmac!, ports, { liveness: opts.has("--liveness") });
        // ovn-nbctl sets the switch's whole forwarding_groups column, so its later commands see the group.
        const ops = ctx.tx.operations();
        visibleAtOnce(ops[ops.length - 1]!);
      },
    },
    // ovn-nbctl deletes an absent group silently, with or without --if-exists.
    "fwd-group-del": { min: 1, max: 1, options: ["--if-exists"], run: async (ctx, [group]) => void (await ctx.tx.fwdGroupDel(group!, { ifExists: true })) },
    "fwd-group-list": {
      readOnly: true,
      min: 0,
      max: 1,
      async run(ctx, [sw]) {
        const entries = await ctx.tx.fwdGroupList(sw);
        const order = entries.length > 1 ? ((await idlTableOrders(ctx.client, "OVN_Northbound", { Forwarding_Group: "name" })).get("Forwarding_Group") ?? []) : [];
        return fwdGroupTable(entries, order);
      },
    },
    "copp-add": { min: 3, max: 3, run: async (ctx, [name, proto, meter]) => void (await ctx.tx.coppAdd(name!, proto as CoppProtocol, meter!)) },
    // ovn-nbctl ignores an absent policy, but not an unknown protocol.
    "copp-del": { min: 1, max: 2, run: async (ctx, [name, proto]) => void (await ctx.tx.coppDel(name!, proto as CoppProtocol | undefined, { ifExists: true })) },
    "copp-list": {
      readOnly: true,
      min: 1,
      max: 1,
      async run(ctx, [name]) {
        // Printed in the order of the OVS smap the IDL fills from the (sorted) column.
        const meters = await ctx.tx.coppList(name!);
        return shashOrder([...meters.keys()].sort(compareUtf8))
          .map((p) => `${p}: ${meters.get(p)}\n`)
          .join("");
      },
    },
    "ls-copp-add": { min: 2, max: 2, run: async (ctx, [name, sw]) => void (await ctx.tx.lsCoppAdd(sw!, name!)) },
    "lr-copp-add": { min: 2, max: 2, run: async (ctx, [name, router]) => void (await ctx.tx.lrCoppAdd(router!, name!)) },
  }).map(([name, spec]) => [name, worded(spec)]),
);
