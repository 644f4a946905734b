/**
 * ACLs, port groups and address sets: `aclAdd`, `aclDel`, `pgAdd`, `pgDel`, `pgSetPorts`, `pgAddPorts`, `pgRemovePorts`, `addressSetAdd`, `addressSetUpdate`, `addressSetDel`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model, type Row } from "../../ovsdb/models/ovn-nb.js";
import * as nb2403 from "../../ovsdb/models/ovn-nb-7.3.0.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { requireFeature } from "../schema-features.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { OvnAlreadyExistsError, OvnInvalidArgumentError, OvnNotFoundError, type OvnContainer } from "../errors.js";
import { parsePrefix } from "../net.js";
import { sameKeys, sameOr, sameSet } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import type { StringMap } from "../nb-types.js";
import type { AclTarget } from "../nb-reads.js";
import { map, checkPriority } from "./helpers.js";
import type { AclAction, AclDirection, AclFilter, AclOptions, CreateOptions, DeleteOptions } from "./options.js";

/** `aclOwner`. */
async function aclOwner(ctx: TxContext, target: AclTarget): Promise<{ table: "Logical_Switch" | "Port_Group"; ref: Ref<string>; acls: readonly string[]; label: OvnContainer }> {

  if ("switch" in target) {
    const s = await ctx.need("logical switch", "Logical_Switch", target.switch);
    return { table: "Logical_Switch", ref: s.ref, acls: s.row?.acls ?? [], label: { kind: "switch", name: target.switch } };
  }
  const g = await ctx.need("port group", "Port_Group", target.portGroup);
  return { table: "Port_Group", ref: g.ref, acls: g.row?.acls ?? [], label: { kind: "port group", name: target.portGroup } };
}

/** `aclsOf`. */
async function aclsOf(ctx: TxContext, owner: { acls: readonly string[] }): Promise<Row<"ACL">[]> {

  return ctx.byUuid("ACL", owner.acls);
}

/**
 * Adds an ACL to a switch or port group (`acl-add`): `direction`, `priority` (0..32767),
 * `match`, `action`, logging with name/severity/meter. An ACL with the same direction, priority
 * and match is an error unless `mayExist` (then nothing changes).
 */
export async function aclAdd(ctx: TxContext, target: AclTarget, direction: AclDirection, priority: number, match: string, action: AclAction, options: AclOptions = {}): Promise<Ref<"ACL">> {
  ctx.open();
  checkPriority(priority, 32767);
  if (options.tier !== undefined) checkTier(options.tier);
  const newer: ("ACL.tier" | "ACL.action=pass")[] = [];
  if (options.tier !== undefined) newer.push("ACL.tier");
  if (action === "pass") newer.push("ACL.action=pass");
  // Refused before anything is read or sent when the server lacks them.
  const server = newer.length > 0 ? await ctx.schema() : undefined;
  if (server) requireFeature(server, ...newer);
  const owner = await aclOwner(ctx, target);
  const same = (await aclsOf(ctx, owner)).find((a) => a.direction === direction && a.priority === priority && a.match === match);
  if (same) {
    const what = `${direction} ${priority} ${match}`;
    if (!options.mayExist) throw new OvnAlreadyExistsError("ACL", what, owner.label);
    sameOr("ACL", what, same._uuid, "action", same.action, action);
    sameOr("ACL", what, same._uuid, "log", String(same.log), options.log === undefined ? undefined : String(options.log));
    sameOr("ACL", what, same._uuid, "name", same.name, options.name);
    sameOr("ACL", what, same._uuid, "severity", same.severity, options.severity);
    sameOr("ACL", what, same._uuid, "meter", same.meter, options.meter);
    sameOr("ACL", what, same._uuid, "label", String(same.label), options.label === undefined ? undefined : String(options.label));
    // The row carries `tier` when the reader reads the server's columns (a select; the replica
    // holds the bundled model's columns only).
    const tier = (same as { tier?: unknown }).tier;
    if (typeof tier === "number") sameOr("ACL", what, same._uuid, "tier", String(tier), options.tier === undefined ? undefined : String(options.tier));
    sameKeys("ACL", what, same._uuid, "options", same.options, options.options);
    sameKeys("ACL", what, same._uuid, "external_ids", same.external_ids, options.externalIds);
    return same._uuid;
  }
  const row = {
    direction,
    priority,
    match,
    log: options.log ?? false,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.severity !== undefined ? { severity: options.severity } : {}),
    ...(options.meter !== undefined ? { meter: options.meter } : {}),
    ...(options.label !== undefined ? { label: options.label } : {}),
    options: map(options.options),
    external_ids: map(options.externalIds),
  };
  let op: { readonly ref: Ref<"ACL"> } & Operation;
  if (server) {
    // Built with the 24.03 model (the first with tiers; later releases keep its ACL columns).
    op = nb2403.model.table("ACL").insert({ ...row, action, ...(options.tier !== undefined ? { tier: options.tier } : {}) }) as unknown as typeof op;
    ctx.pushIn(server.schema, op);
  } else {
    op = model.table("ACL").insert({ ...row, action: action as Row<"ACL">["action"] });
    ctx.push(op);
  }
  ctx.push(
    owner.table === "Logical_Switch"
      ? model.table("Logical_Switch").mutate({ _uuid: owner.ref as Ref<"Logical_Switch"> }, [["acls", "insert", [op.ref]]])
      : model.table("Port_Group").mutate({ _uuid: owner.ref as Ref<"Port_Group"> }, [["acls", "insert", [op.ref]]]),
  );
  return op.ref;
}

/** Throws unless `tier` is an ACL tier (0..3, the schema's range). */
function checkTier(tier: number): void {
  if (!(Number.isInteger(tier) && tier >= 0 && tier <= 3)) throw new OvnInvalidArgumentError("ACL tier", String(tier), "must be an integer 0..3");
}

/**
 * An ACL row's `tier`. The API's readers (the replica and the select reader) read the server's
 * columns; a row without the column came from a reader of the bundled 23.03 columns only, which
 * cannot filter by tier.
 */
function tierOf(row: Row<"ACL">): number {
  const t = (row as { tier?: unknown }).tier;
  if (typeof t !== "number") throw new OvnInvalidArgumentError("ACL filter", "tier", "the reader's ACL rows have no tier column (use a reader of the server's NB columns: the default replica or the select reader)");
  return t;
}

/** Deletes the ACLs of a switch or port group matching `filter` (all when empty) (`acl-del`). */
export async function aclDel(ctx: TxContext, target: AclTarget, filter: AclFilter = {}): Promise<number> {
  ctx.open();
  if ((filter.priority === undefined) !== (filter.match === undefined)) throw new OvnInvalidArgumentError("ACL filter", JSON.stringify(filter), "priority and match go together");
  if (filter.tier !== undefined) {
    checkTier(filter.tier);
    // Refused before anything is read or sent when the server lacks tiers.
    requireFeature(await ctx.schema(), "ACL.tier");
  }
  const owner = await aclOwner(ctx, target);
  const acls = await aclsOf(ctx, owner);
  const gone = acls.filter(
    (a) =>
      (filter.direction === undefined || a.direction === filter.direction) &&
      (filter.priority === undefined || (a.priority === filter.priority && a.match === filter.match)) &&
      (filter.tier === undefined || tierOf(a) === filter.tier),
  );
  if (gone.length > 0) {
    const ids = gone.map((a) => a._uuid);
    ctx.push(
      owner.table === "Logical_Switch"
        ? model.table("Logical_Switch").mutate({ _uuid: owner.ref as Ref<"Logical_Switch"> }, [["acls", "delete", ids]])
        : model.table("Port_Group").mutate({ _uuid: owner.ref as Ref<"Port_Group"> }, [["acls", "delete", ids]]),
    );
  }
  return gone.length;
}

/** `portRefs`. */
async function portRefs(ctx: TxContext, ports: readonly string[]): Promise<Ref<"Logical_Switch_Port">[]> {

  return Promise.all(ports.map(async (p) => (isRef(ctx, p) ? (p as Ref<"Logical_Switch_Port">) : (await ctx.need("logical switch port", "Logical_Switch_Port", p, false)).ref)));
}

/** Adds port group `name` with `ports` (`pg-add`). */
export async function pgAdd(ctx: TxContext, name: string, ports: readonly string[] = [], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Port_Group">> {
  ctx.open();
  const [found, refs] = await Promise.all([ctx.lookup("port group", "Port_Group", name), portRefs(ctx, ports)]);
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("port group", name);
    const row = found.row!;
    // Ports given (a non-empty list) are compared as a set.
    if (ports.length > 0) sameSet("port group", name, row._uuid, "ports", row.ports, refs);
    sameKeys("port group", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return found.ref;
  }
  const op = model.table("Port_Group").insert({ name, ports: refs, external_ids: map(options.externalIds) });
  ctx.guardAbsent("Port_Group", name);
  ctx.push(op);
  return op.ref;
}

/** Deletes port group `name` (`pg-del`). */
export async function pgDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("port group", "Port_Group", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("port group", name);
  }
  ctx.push(model.table("Port_Group").delete({ _uuid: found.ref }));
}

/** Replaces the ports of port group `name` (`pg-set-ports`). */
export async function pgSetPorts(ctx: TxContext, name: string, ports: readonly string[]): Promise<void> {
  ctx.open();
  const g = await ctx.need("port group", "Port_Group", name, false);
  ctx.push(model.table("Port_Group").update({ _uuid: g.ref }, { ports: await portRefs(ctx, ports) }));
}

/** Adds ports to port group `name` (no-op for members), as Kube-OVN does per pod. */
export async function pgAddPorts(ctx: TxContext, name: string, ports: readonly (string | Ref<"Logical_Switch_Port">)[]): Promise<void> {
  ctx.open();
  const g = await ctx.need("port group", "Port_Group", name, false);
  const refs: Ref<"Logical_Switch_Port">[] = [];
  for (const p of ports) refs.push(typeof p === "string" && !isRef(ctx, p) ? (await ctx.need("logical switch port", "Logical_Switch_Port", p, false)).ref : (p as Ref<"Logical_Switch_Port">));
  ctx.push(model.table("Port_Group").mutate({ _uuid: g.ref }, [["ports", "insert", refs]]));
}

/** Removes ports from port group `name`. */
export async function pgRemovePorts(ctx: TxContext, name: string, ports: readonly string[]): Promise<void> {
  ctx.open();
  const g = await ctx.need("port group", "Port_Group", name);
  const refs: Ref<"Logical_Switch_Port">[] = [];
  for (const p of ports) {
    const f = await ctx.lookup("logical switch port", "Logical_Switch_Port", p);
    if (f) refs.push(f.ref);
  }
  if (refs.length > 0) ctx.push(model.table("Port_Group").mutate({ _uuid: g.ref }, [["ports", "delete", refs]]));
}

/** Whether `s` is the uuid-name of a row inserted earlier in this transaction. */
function isRef(ctx: TxContext, s: string): boolean {

  return !isUuid(s) && ctx.isInserted(s);
}

/** Adds address set `name` (addresses are IPs or CIDRs). With `mayExist`, the addresses of an existing set are replaced. */
export async function addressSetAdd(ctx: TxContext, name: string, addresses: readonly string[], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Address_Set">> {
  ctx.open();
  for (const a of addresses) parsePrefix(a, "address");
  const found = await ctx.lookup("address set", "Address_Set", name);
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("address set", name);
    const row = found.row!;
    sameSet("address set", name, row._uuid, "addresses", row.addresses, addresses);
    sameKeys("address set", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return found.ref;
  }
  const op = model.table("Address_Set").insert({ name, addresses, external_ids: map(options.externalIds) });
  ctx.guardAbsent("Address_Set", name);
  ctx.push(op);
  return op.ref;
}

/** Adds and removes addresses of address set `name`. */
export async function addressSetUpdate(ctx: TxContext, name: string, change: { readonly add?: readonly string[]; readonly remove?: readonly string[] }): Promise<void> {
  ctx.open();
  const s = await ctx.need("address set", "Address_Set", name);
  const AS = model.table("Address_Set");
  if (change.remove?.length) ctx.push(AS.mutate({ _uuid: s.ref }, [["addresses", "delete", change.remove]]));
  if (change.add?.length) {
    for (const a of change.add) parsePrefix(a, "address");
    ctx.push(AS.mutate({ _uuid: s.ref }, [["addresses", "insert", change.add]]));
  }
}

/** Deletes address set `name`. */
export async function addressSetDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("address set", "Address_Set", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("address set", name);
  }
  ctx.push(model.table("Address_Set").delete({ _uuid: found.ref }));
}
