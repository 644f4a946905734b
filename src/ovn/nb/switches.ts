/**
 * Logical switches, their ports and DHCP options: `lsAdd`, `lsDel`, `lsSet`, `lspAdd`, `localnetPortAdd`, `lspSet`, `lspDel`, `dhcpOptionsEnsure`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { Ref, RowUuid } from "../../ovsdb/model/types.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnNotFoundError, type OvnContainer } from "../errors.js";
import { parsePrefix } from "../net.js";
import { sameKeys, sameOr, sameSet } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import * as updates from "../updates.js";
import type { StringMap } from "../nb-types.js";
import { map, checkPriority, subnetConfig, portRow } from "./helpers.js";
import type { CreateOptions, DeleteOptions, PortOptions, PortSettings, SwitchOptions, SwitchSubnet } from "./options.js";

/** Adds logical switch `name` (`ls-add`), with OVN IPAM settings and `external_ids`. */
export async function lsAdd(ctx: TxContext, name: string, options: SwitchOptions = {}): Promise<Ref<"Logical_Switch">> {
  ctx.open();
  const found = await ctx.lookup("logical switch", "Logical_Switch", name);
  const otherConfig: Record<string, string> = { ...map(options.otherConfig) };
  if (options.subnet) Object.assign(otherConfig, subnetConfig(options.subnet));
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("logical switch", name);
    const row = found.row!;
    sameKeys("logical switch", name, row._uuid, "other_config", row.other_config, otherConfig);
    sameKeys("logical switch", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return found.ref;
  }
  const op = model.table("Logical_Switch").insert({ name, other_config: otherConfig, external_ids: map(options.externalIds) });
  ctx.guardAbsent("Logical_Switch", name);
  ctx.push(op);
  return op.ref;
}

/** Deletes logical switch `name` and, with it, its ports (`ls-del`). */
export async function lsDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("logical switch", "Logical_Switch", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("logical switch", name);
  }
  ctx.push(model.table("Logical_Switch").delete({ _uuid: found.ref }));
}

/**
 * Updates `other_config` / `external_ids` keys of switch `name` (merged into the existing maps);
 * `removeOtherConfig` / `removeExternalIds` remove keys.
 */
export async function lsSet(ctx: TxContext, name: string,
    settings: {
      readonly subnet?: SwitchSubnet;
      readonly otherConfig?: StringMap;
      readonly externalIds?: StringMap;
      readonly removeOtherConfig?: readonly string[];
      readonly removeExternalIds?: readonly string[];
    }): Promise<void> {
  ctx.open();
  const { ref } = await ctx.need("logical switch", "Logical_Switch", name, false);
  if (settings.removeOtherConfig?.length) ctx.push(...updates.mapChangeOps("Logical_Switch", ref, "other_config", { remove: settings.removeOtherConfig }));
  if (settings.removeExternalIds?.length) ctx.push(...updates.mapChangeOps("Logical_Switch", ref, "external_ids", { remove: settings.removeExternalIds }));
  const oc: Record<string, string> = { ...map(settings.otherConfig), ...(settings.subnet ? subnetConfig(settings.subnet) : {}) };
  const LS = model.table("Logical_Switch");
  if (Object.keys(oc).length > 0) {
    ctx.push(LS.mutate({ _uuid: ref }, [["other_config", "delete", Object.keys(oc)]]));
    ctx.push(LS.mutate({ _uuid: ref }, [["other_config", "insert", oc]]));
  }
  if (settings.externalIds) {
    ctx.push(LS.mutate({ _uuid: ref }, [["external_ids", "delete", Object.keys(settings.externalIds)]]));
    ctx.push(LS.mutate({ _uuid: ref }, [["external_ids", "insert", settings.externalIds]]));
  }
}

/** The switch that holds port `port` (by reference), if any. */
export async function switchOf(ctx: TxContext, port: Ref<"Logical_Switch_Port">): Promise<string | undefined> {

  const sws = await ctx.rows("Logical_Switch", [["ports", "includes", [port]]]);
  return sws[0]?.name;
}

/**
 * Adds port `name` to switch `sw` (`lsp-add`) with its settings: fixed `"MAC IP"` addresses or
 * `["dynamic"]`, port security, type, options, VLAN tag, external ids. With `mayExist`, an
 * existing port of that name on the same switch is left as is; on another switch it is an error.
 */
export async function lspAdd(ctx: TxContext, sw: string, name: string, options: PortOptions = {}): Promise<Ref<"Logical_Switch_Port">> {
  ctx.open();
  // Both lookups in flight at once: one round trip.
  const [s, existing] = await Promise.all([
    ctx.need("logical switch", "Logical_Switch", sw, false),
    ctx.lookup("logical switch port", "Logical_Switch_Port", name),
  ]);
  const on: OvnContainer = { kind: "switch", name: sw };
  if (existing) {
    // Usually the port is on the switch asked: test that switch's ports before searching.
    const sRow = s.row ?? (await ctx.byUuid("Logical_Switch", [s.ref]))[0];
    const owner = sRow?.ports.includes(existing.ref as RowUuid<"Logical_Switch_Port">) ? sRow.name : await ctx.switchOf(existing.ref);
    if (owner !== undefined && owner !== sw && !(isUuid(sw) && (await ctx.reader.ids("Logical_Switch", { name: owner }))[0] === sw)) {
      throw new OvnConflictError({ kind: "container", object: "logical switch port", name, field: "switch", existing: owner, requested: sw });
    }
    if (!options.mayExist) throw new OvnAlreadyExistsError("logical switch port", name, on);
    const row = existing.row!;
    const L = "logical switch port";
    // ovn-nbctl refuses another parent (none included) even when none is asked.
    if ((options.parent ?? undefined) !== row.parent_name) throw new OvnConflictError({ kind: "setting", object: L, name, field: "parent_name", existing: row.parent_name, requested: options.parent, uuid: row._uuid });
    sameOr(L, name, row._uuid, "tag_request", row.tag_request?.toString(), options.tag?.toString());
    sameSet(L, name, row._uuid, "addresses", row.addresses, options.addresses);
    sameSet(L, name, row._uuid, "port_security", row.port_security, options.portSecurity);
    sameOr(L, name, row._uuid, "type", row.type, options.type);
    sameKeys(L, name, row._uuid, "options", row.options, options.options);
    sameKeys(L, name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    sameOr(L, name, row._uuid, "enabled", row.enabled === undefined ? undefined : String(row.enabled), options.enabled === undefined ? undefined : String(options.enabled));
    sameOr(L, name, row._uuid, "dhcpv4_options", row.dhcpv4_options, options.dhcpv4Options ?? undefined);
    sameOr(L, name, row._uuid, "dhcpv6_options", row.dhcpv6_options, options.dhcpv6Options ?? undefined);
    sameOr(L, name, row._uuid, "ha_chassis_group", row.ha_chassis_group, options.haChassisGroup ?? undefined);
    return existing.ref;
  }
  if (options.tag !== undefined) checkPriority(options.tag, 4095, "VLAN tag");
  const row: Record<string, unknown> = { name };
  if (options.parent !== undefined) row["parent_name"] = options.parent;
  if (options.tag !== undefined) row["tag_request"] = options.tag;
  const op = model.table("Logical_Switch_Port").insert(portRow(options, row) as Parameters<ReturnType<typeof model.table<"Logical_Switch_Port">>["insert"]>[0]);
  ctx.guardAbsent("Logical_Switch_Port", name);
  ctx.push(op, model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["ports", "insert", [op.ref]]]));
  return op.ref;
}

/** Adds a localnet port (underlay access to physical network `network`, VLAN `vlan` when given) to switch `sw`. */
export async function localnetPortAdd(ctx: TxContext, sw: string, name: string, network: string, options: CreateOptions & { readonly vlan?: number } = {}): Promise<Ref<"Logical_Switch_Port">> {

  return lspAdd(ctx, sw, name, {
    ...(options.mayExist ? { mayExist: true } : {}),
    ...(options.vlan !== undefined ? { tag: options.vlan } : {}),
    type: "localnet",
    addresses: ["unknown"],
    options: { network_name: network },
  });
}

/** Changes settings of port `name` (`lsp-set-*`); only the given fields change. */
export async function lspSet(ctx: TxContext, name: string, settings: PortSettings): Promise<void> {
  ctx.open();
  const { ref } = await ctx.need("logical switch port", "Logical_Switch_Port", name);
  const row = portRow(settings);
  const clear: ("dhcpv4_options" | "dhcpv6_options" | "ha_chassis_group")[] = [];
  if (settings.dhcpv4Options === null) clear.push("dhcpv4_options");
  if (settings.dhcpv6Options === null) clear.push("dhcpv6_options");
  if (settings.haChassisGroup === null) clear.push("ha_chassis_group");
  const LSP = model.table("Logical_Switch_Port");
  if (Object.keys(row).length > 0) ctx.push(LSP.update({ _uuid: ref }, row));
  for (const c of clear) ctx.push(LSP.update({ _uuid: ref }, { [c]: undefined }));
}

/** Deletes port `name` from its switch (`lsp-del`). */
export async function lspDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("logical switch port", "Logical_Switch_Port", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("logical switch port", name);
  }
  // Removing the reference from the switch makes OVSDB garbage-collect the port (non-root table).
  ctx.push(model.table("Logical_Switch").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
  ctx.push(model.table("Port_Group").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
}

/**
 * Creates or updates the DHCP options of `cidr` identified by `externalIds` (Kube-OVN keys them
 * by switch and protocol there): an existing row with the same cidr and those external ids is
 * updated, else one is created. Returns its ref, for {@link PortSettings.dhcpv4Options}.
 */
export async function dhcpOptionsEnsure(ctx: TxContext, cidr: string, options: StringMap, externalIds: StringMap = {}): Promise<Ref<"DHCP_Options">> {
  ctx.open();
  parsePrefix(cidr, "DHCP cidr");
  const D = model.table("DHCP_Options");
  const rows = await ctx.rows("DHCP_Options", [["cidr", "==", cidr], ["external_ids", "includes", externalIds]]);
  const row = rows[0];
  if (row) {
    ctx.push(D.update({ _uuid: row._uuid }, { options, external_ids: externalIds }));
    return row._uuid;
  }
  const op = D.insert({ cidr, options, external_ids: externalIds });
  ctx.push(op);
  return op.ref;
}
