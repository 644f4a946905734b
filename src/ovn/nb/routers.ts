/**
 * Logical routers, router ports, gateway chassis and HA chassis groups: `lrAdd`, `lrDel`, `lrpAdd`, `lrpDel`, `connectSwitchToRouter`, `lrpSetGatewayChassis`, `lrpDelGatewayChassis`, `haChassisGroup*`, `lrpSetHaChassisGroup`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnInvalidArgumentError, OvnNotFoundError } from "../errors.js";
import { checkIpWithPrefix, checkMac } from "../net.js";
import { sameKeys, sameOr, setText } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import type { StringMap } from "../nb-types.js";
import { map, checkPriority, eqSet } from "./helpers.js";
import type { CreateOptions, DeleteOptions, RouterPortOptions } from "./options.js";
import { lspAdd } from "./switches.js";

/** Adds logical router `name` (`lr-add`). */
export async function lrAdd(ctx: TxContext, name: string, options: CreateOptions & { readonly options?: StringMap; readonly externalIds?: StringMap } = {}): Promise<Ref<"Logical_Router">> {
  ctx.open();
  const found = await ctx.lookup("logical router", "Logical_Router", name);
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("logical router", name);
    const row = found.row!;
    sameKeys("logical router", name, row._uuid, "options", row.options, options.options);
    sameKeys("logical router", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return found.ref;
  }
  const op = model.table("Logical_Router").insert({ name, options: map(options.options), external_ids: map(options.externalIds) });
  ctx.guardAbsent("Logical_Router", name);
  ctx.push(op);
  return op.ref;
}

/** Deletes logical router `name` with its ports, routes, policies and NATs (`lr-del`). */
export async function lrDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("logical router", "Logical_Router", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("logical router", name);
  }
  ctx.push(model.table("Logical_Router").delete({ _uuid: found.ref }));
}

/** `routerOf`. */
async function routerOf(ctx: TxContext, port: Ref<"Logical_Router_Port">): Promise<string | undefined> {

  const lrs = await ctx.rows("Logical_Router", [["ports", "includes", [port]]]);
  return lrs[0]?.name;
}

/** Adds router port `name` with `mac` and `networks` (`IP/LEN`) to router `router` (`lrp-add`). */
export async function lrpAdd(ctx: TxContext, router: string, name: string, mac: string, networks: readonly string[], options: RouterPortOptions = {}): Promise<Ref<"Logical_Router_Port">> {
  ctx.open();
  checkMac(mac);
  if (networks.length === 0) throw new OvnInvalidArgumentError("networks", "", "a router port needs at least one network");
  for (const n of networks) checkIpWithPrefix(n);
  const r = await ctx.need("logical router", "Logical_Router", router);
  const existing = await ctx.lookup("logical router port", "Logical_Router_Port", name);
  if (existing) {
    const owner = await routerOf(ctx, existing.ref);
    if (owner !== undefined && owner !== router && owner !== r.row?.name) {
      throw new OvnConflictError({ kind: "container", object: "logical router port", name, field: "router", existing: owner, requested: router });
    }
    if (!options.mayExist) throw new OvnAlreadyExistsError("logical router port", name, { kind: "router", name: router });
    const row = existing.row!;
    const L = "logical router port";
    sameOr(L, name, row._uuid, "mac", row.mac.toLowerCase(), mac.toLowerCase());
    if (!eqSet(row.networks, networks)) sameOr(L, name, row._uuid, "networks", setText(row.networks), setText(networks));
    // As ovn-nbctl: another peer (none included) is a conflict even when none is asked.
    if ((row.peer ?? undefined) !== options.peer) throw new OvnConflictError({ kind: "setting", object: L, name, field: "peer", existing: row.peer, requested: options.peer, uuid: row._uuid });
    sameKeys(L, name, row._uuid, "options", row.options, options.options);
    sameKeys(L, name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return existing.ref;
  }
  const op = model.table("Logical_Router_Port").insert({
    name,
    mac,
    networks,
    ...(options.peer !== undefined ? { peer: options.peer } : {}),
    options: map(options.options),
    external_ids: map(options.externalIds),
  });
  ctx.guardAbsent("Logical_Router_Port", name);
  ctx.push(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["ports", "insert", [op.ref]]]));
  return op.ref;
}

/** Deletes router port `name` (`lrp-del`). */
export async function lrpDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("logical router port", "Logical_Router_Port", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("logical router port", name);
  }
  ctx.push(model.table("Logical_Router").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
}

/**
 * Connects switch `sw` to router `router`: router port `lrpName` (`mac`, `networks`) and, on the
 * switch, port `lspName` of type `router` with `addresses` `router` (as Kube-OVN connects a
 * subnet to its VPC router). Idempotent with `mayExist`.
 */
export async function connectSwitchToRouter(ctx: TxContext, sw: string,
    router: string,
    ports: { readonly lrpName: string; readonly lspName: string; readonly mac: string; readonly networks: readonly string[] },
    options: CreateOptions = {}): Promise<void> {

  await lrpAdd(ctx, router, ports.lrpName, ports.mac, ports.networks, options);
  await lspAdd(ctx, sw, ports.lspName, {
    ...options,
    type: "router",
    addresses: ["router"],
    options: { "router-port": ports.lrpName },
  });
}

/** Makes `lrp` a distributed gateway port scheduled on `chassis` with `priority` (`lrp-set-gateway-chassis`). */
export async function lrpSetGatewayChassis(ctx: TxContext, lrp: string, chassis: string, priority = 0): Promise<void> {
  ctx.open();
  checkPriority(priority, 32767);
  const p = await ctx.need("logical router port", "Logical_Router_Port", lrp);
  const gcName = `${lrp}-${chassis}`;
  const GC = model.table("Gateway_Chassis");
  if (p.row && p.row.gateway_chassis.length > 0) {
    const gcs = await ctx.rows("Gateway_Chassis", [["name", "==", gcName]]);
    const mine = gcs.find((g) => p.row!.gateway_chassis.includes(g._uuid));
    if (mine) {
      ctx.push(GC.update({ _uuid: mine._uuid }, { priority }));
      return;
    }
  }
  const op = GC.insert({ name: gcName, chassis_name: chassis, priority });
  ctx.push(op, model.table("Logical_Router_Port").mutate({ _uuid: p.ref }, [["gateway_chassis", "insert", [op.ref]]]));
}

/** Removes `chassis` from the gateway chassis of `lrp` (`lrp-del-gateway-chassis`). */
export async function lrpDelGatewayChassis(ctx: TxContext, lrp: string, chassis: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const p = await ctx.need("logical router port", "Logical_Router_Port", lrp);
  const gcs = p.row ? await ctx.rows("Gateway_Chassis", [["chassis_name", "==", chassis]]) : [];
  const mine = gcs.filter((g) => p.row!.gateway_chassis.includes(g._uuid));
  if (mine.length === 0) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("gateway chassis", chassis, { kind: "router port", name: lrp });
  }
  ctx.push(model.table("Logical_Router_Port").mutate({ _uuid: p.ref }, [["gateway_chassis", "delete", mine.map((g) => g._uuid)]]));
}

/** Adds HA chassis group `name` (`ha-chassis-group-add`). */
export async function haChassisGroupAdd(ctx: TxContext, name: string, options: CreateOptions = {}): Promise<Ref<"HA_Chassis_Group">> {
  ctx.open();
  const found = await ctx.lookup("HA chassis group", "HA_Chassis_Group", name);
  if (found) {
    if (options.mayExist) return found.ref;
    throw new OvnAlreadyExistsError("HA chassis group", name);
  }
  const op = model.table("HA_Chassis_Group").insert({ name });
  ctx.push(op);
  return op.ref;
}

/** Adds (or re-prioritizes) `chassis` in HA chassis group `group` (`ha-chassis-group-add-chassis`). */
export async function haChassisGroupAddChassis(ctx: TxContext, group: string, chassis: string, priority: number): Promise<void> {
  ctx.open();
  checkPriority(priority, 32767);
  const g = await ctx.need("HA chassis group", "HA_Chassis_Group", group);
  if (g.row) {
    const has = await ctx.rows("HA_Chassis", [["chassis_name", "==", chassis]]);
    const mine = has.find((h) => g.row!.ha_chassis.includes(h._uuid));
    if (mine) {
      ctx.push(model.table("HA_Chassis").update({ _uuid: mine._uuid }, { priority }));
      return;
    }
  }
  const op = model.table("HA_Chassis").insert({ chassis_name: chassis, priority });
  ctx.push(op, model.table("HA_Chassis_Group").mutate({ _uuid: g.ref }, [["ha_chassis", "insert", [op.ref]]]));
}

/** Deletes HA chassis group `name` (`ha-chassis-group-del`). */
export async function haChassisGroupDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("HA chassis group", "HA_Chassis_Group", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("HA chassis group", name);
  }
  ctx.push(model.table("HA_Chassis_Group").delete({ _uuid: found.ref }));
}

/** Sets (or clears, with null) the HA chassis group of router port `lrp` (centralized gateway). */
export async function lrpSetHaChassisGroup(ctx: TxContext, lrp: string, group: string | null): Promise<void> {
  ctx.open();
  const p = await ctx.need("logical router port", "Logical_Router_Port", lrp);
  if (group === null) {
    ctx.push(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ha_chassis_group: undefined }));
    return;
  }
  const g = await ctx.need("HA chassis group", "HA_Chassis_Group", group);
  ctx.push(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ha_chassis_group: g.ref }));
}
