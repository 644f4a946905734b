/**
 * Static routes, routing policies and NAT of a router: `lrRouteAdd`, `lrRouteDel`, `lrPolicyAdd`, `lrPolicyDel`, `lrNatAdd`, `lrNatDel`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model, type Row } from "../../ovsdb/models/ovn-nb.js";
import * as nb2403 from "../../ovsdb/models/ovn-nb-7.3.0.js";
import * as nb2503 from "../../ovsdb/models/ovn-nb-7.11.0.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { requireFeature } from "../schema-features.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnInvalidArgumentError, OvnNotFoundError } from "../errors.js";
import { checkIp, checkMac, ipFamily, normalizePrefix, parsePrefix } from "../net.js";
import { sameKeys, sameOr, sameSet } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import { map, checkPriority } from "./helpers.js";
import type { NatFilter, NatOptions, NatType, PolicyAction, PolicyFilter, PolicyOptions, RouteFilter, RouteOptions } from "./options.js";

/** `routerRows`. */
async function routerRows<C extends "static_routes" | "policies" | "nat", N extends "Logical_Router_Static_Route" | "Logical_Router_Policy" | "NAT">(ctx: TxContext, r: { ref: Ref<"Logical_Router">; row: Row<"Logical_Router"> | undefined },
    column: C,
    table: N,): Promise<Row<N>[]> {

  const row = r.row ?? (await ctx.byUuid("Logical_Router", [r.ref]))[0];
  if (!row || row[column].length === 0) return [];
  return ctx.byUuid(table, row[column]);
}

/**
 * Adds a static route `prefix` via `nexthop` to `router` (`lr-route-add`). With `mayExist`, an
 * existing route for the same prefix and policy gets the new next hop; with `ecmp`, another next
 * hop is added.
 */
export async function lrRouteAdd(ctx: TxContext, router: string, prefix: string, nexthop: string, options: RouteOptions = {}): Promise<Ref<"Logical_Router_Static_Route">> {
  ctx.open();
  const ipPrefix = normalizePrefix(prefix, "route prefix");
  const hop = nexthop === "discard" ? nexthop : checkIp(nexthop, "next hop");
  if (hop !== "discard" && ipFamily(hop) !== parsePrefix(prefix).family) throw new OvnInvalidArgumentError("next hop", hop, `address family differs from prefix ${prefix}`);
  const r = await ctx.need("logical router", "Logical_Router", router);
  const policy = options.policy ?? "dst-ip";
  const table = options.routeTable ?? "";
  const routes = (await routerRows(ctx, r, "static_routes", "Logical_Router_Static_Route")).filter(
    (x) => x.ip_prefix === ipPrefix && (x.policy ?? "dst-ip") === policy && x.route_table === table,
  );
  const SR = model.table("Logical_Router_Static_Route");
  if (routes.length > 0) {
    const same = routes.find((x) => x.nexthop === hop && (x.output_port ?? undefined) === options.outputPort);
    if (same && (options.mayExist || options.ecmp)) return same._uuid;
    if (!options.ecmp) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("static route", `${ipPrefix} (${policy})`, { kind: "router", name: router });
      // Another next hop (or output port) for this prefix: create-if-absent cannot apply. An
      // output port not asked is not compared.
      const first = routes.find((x) => x.nexthop === hop) ?? routes[0]!;
      const what = `${ipPrefix} (${policy})`;
      sameOr("static route", what, first._uuid, "nexthop", first.nexthop, hop);
      sameOr("static route", what, first._uuid, "output_port", first.output_port, options.outputPort);
      return first._uuid;
    }
  }
  const op = SR.insert({
    ip_prefix: ipPrefix,
    nexthop: hop,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.outputPort !== undefined ? { output_port: options.outputPort } : {}),
    route_table: table,
    external_ids: map(options.externalIds),
  });
  ctx.push(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["static_routes", "insert", [op.ref]]]));
  return op.ref;
}

/** Deletes the static routes of `router` matching `filter` (all of them when empty) (`lr-route-del`). */
export async function lrRouteDel(ctx: TxContext, router: string, filter: RouteFilter = {}): Promise<number> {
  ctx.open();
  const r = await ctx.need("logical router", "Logical_Router", router);
  const prefix = filter.prefix !== undefined ? normalizePrefix(filter.prefix, "route prefix") : undefined;
  const gone = (await routerRows(ctx, r, "static_routes", "Logical_Router_Static_Route")).filter(
    (x) =>
      (prefix === undefined || x.ip_prefix === prefix) &&
      (filter.nexthop === undefined || x.nexthop === filter.nexthop) &&
      (filter.outputPort === undefined || x.output_port === filter.outputPort) &&
      (filter.policy === undefined || (x.policy ?? "dst-ip") === filter.policy) &&
      (filter.routeTable === undefined || x.route_table === filter.routeTable),
  );
  if (gone.length === 0 && prefix !== undefined && !filter.ifExists) throw new OvnNotFoundError("static route", prefix, { kind: "router", name: router });
  if (gone.length > 0) ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["static_routes", "delete", gone.map((x) => x._uuid)]]));
  return gone.length;
}

/** Adds a routing policy to `router` (`lr-policy-add`); the same priority and match twice is an error unless `mayExist`. */
export async function lrPolicyAdd(ctx: TxContext, router: string, priority: number, match: string, action: PolicyAction, options: PolicyOptions = {}): Promise<Ref<"Logical_Router_Policy">> {
  ctx.open();
  checkPriority(priority, 32767);
  if (action === "reroute" && (options.nexthops ?? []).length === 0) throw new OvnInvalidArgumentError("routing policy", match, "reroute needs at least one next hop");
  if ((action === "jump") !== (options.jumpChain !== undefined)) throw new OvnInvalidArgumentError("routing policy", match, "a jump needs jumpChain, and jumpChain needs the jump action");
  for (const h of options.nexthops ?? []) checkIp(h, "next hop");
  const newer: ("Logical_Router_Policy.bfd_sessions" | "Logical_Router_Policy.chain" | "Logical_Router_Policy.jump_chain" | "Logical_Router_Policy.action=jump")[] = [];
  if (options.bfdSessions !== undefined) newer.push("Logical_Router_Policy.bfd_sessions");
  if (options.chain !== undefined) newer.push("Logical_Router_Policy.chain");
  if (options.jumpChain !== undefined) newer.push("Logical_Router_Policy.jump_chain");
  if (action === "jump") newer.push("Logical_Router_Policy.action=jump");
  // Refused before anything is read or sent when the server lacks them.
  const server = newer.length > 0 ? await ctx.schema() : undefined;
  if (server) requireFeature(server, ...newer);
  const r = await ctx.need("logical router", "Logical_Router", router);
  const same = (await routerRows(ctx, r, "policies", "Logical_Router_Policy")).find((x) => x.priority === priority && x.match === match && chainOf(x) === options.chain);
  if (same) {
    const what = `${priority} ${match}`;
    if (!options.mayExist) throw new OvnAlreadyExistsError("routing policy", what, { kind: "router", name: router });
    sameOr("routing policy", what, same._uuid, "action", same.action, action);
    sameSet("routing policy", what, same._uuid, "nexthops", same.nexthops, options.nexthops);
    sameKeys("routing policy", what, same._uuid, "options", same.options, options.options);
    sameKeys("routing policy", what, same._uuid, "external_ids", same.external_ids, options.externalIds);
    return same._uuid;
  }
  const row = {
    priority,
    match,
    nexthops: options.nexthops ?? [],
    options: map(options.options),
    external_ids: map(options.externalIds),
  };
  let op: { readonly ref: Ref<"Logical_Router_Policy"> } & Operation;
  if (server) {
    const extra = {
      ...(options.bfdSessions !== undefined ? { bfd_sessions: options.bfdSessions as Ref<"BFD">[] } : {}),
      ...(options.chain !== undefined ? { chain: options.chain } : {}),
      ...(options.jumpChain !== undefined ? { jump_chain: options.jumpChain } : {}),
    };
    // The oldest bundled model with every column asked for (later releases keep them).
    const chains = options.chain !== undefined || options.jumpChain !== undefined || action === "jump";
    op = (chains
      ? nb2503.model.table("Logical_Router_Policy").insert({ ...row, action, ...extra } as Parameters<ReturnType<typeof nb2503.model.table<"Logical_Router_Policy">>["insert"]>[0])
      : nb2403.model.table("Logical_Router_Policy").insert({ ...row, action: action as Row<"Logical_Router_Policy">["action"], ...extra })) as unknown as typeof op;
    ctx.pushIn(server.schema, op);
  } else {
    op = model.table("Logical_Router_Policy").insert({ ...row, action: action as Row<"Logical_Router_Policy">["action"] });
    ctx.push(op);
  }
  ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["policies", "insert", [op.ref]]]));
  return op.ref;
}

/**
 * A policy row's `chain` (undefined: none), for a filter: the row must carry the column (the
 * API's readers read the server's columns; a reader of the bundled 23.03 columns cannot filter).
 */
function chainColumn(row: Row<"Logical_Router_Policy">): string | undefined {
  if (!("chain" in row)) throw new OvnInvalidArgumentError("routing policy filter", "chain", "the reader's policy rows have no chain column (use a reader of the server's NB columns: the default replica or the select reader)");
  return chainOf(row);
}

/** A policy row's `chain`, when the row carries that column (a reader of the server's columns) and it is set. */
function chainOf(row: Row<"Logical_Router_Policy">): string | undefined {
  const c = (row as { chain?: unknown }).chain;
  return typeof c === "string" ? c : undefined;
}
/** Deletes policies of `router`: all, those of `priority`, or the one with `priority` and `match` (`lr-policy-del`). */
export async function lrPolicyDel(ctx: TxContext, router: string, filter: PolicyFilter = {}): Promise<number> {
  ctx.open();
  // Refused before anything is read or sent when the server lacks chains.
  if (filter.chain !== undefined) requireFeature(await ctx.schema(), "Logical_Router_Policy.chain");
  const r = await ctx.need("logical router", "Logical_Router", router);
  const gone = (await routerRows(ctx, r, "policies", "Logical_Router_Policy")).filter(
    (x) =>
      (filter.priority === undefined || x.priority === filter.priority) &&
      (filter.match === undefined || x.match === filter.match) &&
      (filter.chain === undefined || (chainColumn(x) ?? "") === filter.chain),
  );
  if (gone.length === 0 && filter.priority !== undefined && !filter.ifExists) throw new OvnNotFoundError("routing policy", `${filter.priority} ${filter.match ?? ""}`.trim(), { kind: "router", name: router });
  if (gone.length > 0) ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["policies", "delete", gone.map((x) => x._uuid)]]));
  return gone.length;
}

/**
 * Adds a NAT rule to `router` (`lr-nat-add`): `snat` of `logicalIp` (an IP or CIDR) to
 * `externalIp`, `dnat` or `dnat_and_snat` (an EIP) of `externalIp` to `logicalIp`. With
 * `mayExist`, a rule with the same key (logical IP for snat, external IP otherwise) is updated.
 */
export async function lrNatAdd(ctx: TxContext, router: string, type: NatType, externalIp: string, logicalIp: string, options: NatOptions = {}): Promise<Ref<"NAT">> {
  ctx.open();
  checkIp(externalIp, "external IP");
  const logical = type === "snat" ? normalizePrefix(logicalIp, "logical IP") : checkIp(logicalIp, "logical IP");
  if (ipFamily(externalIp) !== ipFamily(logical)) throw new OvnInvalidArgumentError("logical IP", logicalIp, `address family differs from external IP ${externalIp}`);
  if (options.logicalPort !== undefined && type !== "dnat_and_snat") throw new OvnInvalidArgumentError("logical port", options.logicalPort, "only dnat_and_snat rules take a logical port");
  if ((options.logicalPort === undefined) !== (options.externalMac === undefined)) throw new OvnInvalidArgumentError("NAT", externalIp, "logical port and external MAC go together");
  const mac = options.externalMac !== undefined ? checkMac(options.externalMac, "external MAC") : undefined;
  const r = await ctx.need("logical router", "Logical_Router", router);
  const nats = await routerRows(ctx, r, "nat", "NAT");
  const same = nats.find((x) => x.type === type && (type === "snat" ? x.logical_ip === logical : x.external_ip === externalIp));
  const N = model.table("NAT");
  const row = {
    type,
    external_ip: externalIp,
    logical_ip: logical,
    ...(options.logicalPort !== undefined ? { logical_port: options.logicalPort } : {}),
    ...(mac !== undefined ? { external_mac: mac } : {}),
    options: map(options.options),
    external_ids: map(options.externalIds),
  };
  if (same) {
    const what = type === "snat" ? logical : externalIp;
    if (!options.mayExist) throw new OvnAlreadyExistsError("NAT", `${type} ${what}`, { kind: "router", name: router });
    const id = `${type} ${what}`;
    sameOr("NAT", id, same._uuid, "external_ip", same.external_ip, externalIp);
    sameOr("NAT", id, same._uuid, "logical_ip", same.logical_ip, logical);
    sameOr("NAT", id, same._uuid, "logical_port", same.logical_port, options.logicalPort);
    sameOr("NAT", id, same._uuid, "external_mac", same.external_mac?.toLowerCase(), mac?.toLowerCase());
    sameKeys("NAT", id, same._uuid, "options", same.options, options.options);
    sameKeys("NAT", id, same._uuid, "external_ids", same.external_ids, options.externalIds);
    return same._uuid;
  }
  const op = N.insert(row);
  ctx.push(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["nat", "insert", [op.ref]]]));
  return op.ref;
}

/** Deletes NAT rules of `router`: all, those of `type`, or the one of `type` keyed by `ip` (`lr-nat-del`). */
export async function lrNatDel(ctx: TxContext, router: string, filter: NatFilter = {}): Promise<number> {
  ctx.open();
  const r = await ctx.need("logical router", "Logical_Router", router);
  const ip = filter.ip;
  const gone = (await routerRows(ctx, r, "nat", "NAT")).filter(
    (x) => (filter.type === undefined || x.type === filter.type) && (ip === undefined || (x.type === "snat" ? x.logical_ip === normalizePrefix(ip) : x.external_ip === ip)),
  );
  if (gone.length === 0 && ip !== undefined && !filter.ifExists) throw new OvnNotFoundError("NAT", `${filter.type ?? ""} ${ip}`.trim(), { kind: "router", name: router });
  if (gone.length > 0) ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["nat", "delete", gone.map((x) => x._uuid)]]));
  return gone.length;
}
