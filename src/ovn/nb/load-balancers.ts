/**
 * Load balancers: `lbAdd`, `lbDel`, `lsLbAdd`, `lsLbDel`, `lrLbAdd`, `lrLbDel`, `lbHealthCheckAdd`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { Ref, RowUuid } from "../../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnInvalidArgumentError, OvnNotFoundError } from "../errors.js";
import { sameOr } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import type { StringMap } from "../nb-types.js";
import { map, parseLbEndpoint } from "./helpers.js";
import type { DeleteOptions, LoadBalancerOptions } from "./options.js";

/**
 * Adds VIP `vip` (`IP` or `IP:PORT`, `[IPv6]:PORT`) with `backends` to load balancer `name`,
 * creating it when needed (`lb-add`). An existing VIP is an error unless `mayExist` (then its
 * backends are replaced).
 */
export async function lbAdd(ctx: TxContext, name: string, vip: string, backends: readonly string[], options: LoadBalancerOptions = {}): Promise<Ref<"Load_Balancer">> {
  ctx.open();
  const v = parseLbEndpoint(vip, "VIP");
  for (const b of backends) {
    const e = parseLbEndpoint(b, "backend");
    if (e.family !== v.family) throw new OvnInvalidArgumentError("backend", b, `address family differs from VIP ${vip}`);
    if ((e.port === undefined) !== (v.port === undefined)) throw new OvnInvalidArgumentError("backend", b, "VIP and backends must all have ports or none");
  }
  if (options.protocol && v.port === undefined) throw new OvnInvalidArgumentError("VIP", vip, "a protocol needs a port");
  const ips = backends.join(",");
  const found = await ctx.lookup("load balancer", "Load_Balancer", name);
  const LB = model.table("Load_Balancer");
  if (found) {
    const has = found.row?.vips.has(vip) ?? false;
    if (has && !options.mayExist) throw new OvnAlreadyExistsError("load balancer VIP", vip, { kind: "load balancer", name });
    if (found.row && options.protocol && (found.row.protocol ?? "tcp") !== options.protocol) {
      throw new OvnConflictError({ kind: "setting", object: "load balancer", name, field: "protocol", existing: found.row.protocol ?? "tcp", requested: options.protocol, uuid: found.row._uuid });
    }
    if (has) {
      // mayExist: the VIP is there; other backends are a conflict, not a silent replacement.
      sameOr("load balancer", name, found.row!._uuid, `vips:${vip}`, found.row!.vips.get(vip), ips);
      return found.ref;
    }
    ctx.push(LB.mutate({ _uuid: found.ref }, [["vips", "insert", { [vip]: ips }]]));
    return found.ref;
  }
  const op = LB.insert({
    name,
    vips: { [vip]: ips },
    protocol: options.protocol ?? "tcp",
    options: map(options.options),
    ...(options.selectionFields ? { selection_fields: options.selectionFields } : {}),
    external_ids: map(options.externalIds),
  });
  ctx.guardAbsent("Load_Balancer", name);
  ctx.push(op);
  return op.ref;
}

/** Deletes load balancer `name`, or only its `vip` (`lb-del`). */
export async function lbDel(ctx: TxContext, name: string, options: DeleteOptions & { readonly vip?: string } = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("load balancer", "Load_Balancer", name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("load balancer", name);
  }
  const LB = model.table("Load_Balancer");
  if (options.vip !== undefined) {
    if (found.row && !found.row.vips.has(options.vip)) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("load balancer VIP", options.vip, { kind: "load balancer", name });
    }
    ctx.push(LB.mutate({ _uuid: found.ref }, [["vips", "delete", [options.vip]]]));
    return;
  }
  ctx.push(LB.delete({ _uuid: found.ref }));
}

/** Attaches load balancer `lb` to switch `sw` (`ls-lb-add`; idempotent). */
export async function lsLbAdd(ctx: TxContext, sw: string, lb: string): Promise<void> {
  ctx.open();
  const s = await ctx.need("logical switch", "Logical_Switch", sw, false);
  const l = await ctx.need("load balancer", "Load_Balancer", lb, false);
  ctx.push(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["load_balancer", "insert", [l.ref]]]));
}

/** Detaches load balancer `lb` from switch `sw` (`ls-lb-del`). */
export async function lsLbDel(ctx: TxContext, sw: string, lb: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const s = await ctx.need("logical switch", "Logical_Switch", sw);
  const l = await ctx.lookup("load balancer", "Load_Balancer", lb);
  if (!l || (s.row && !s.row.load_balancer.includes(l.ref as RowUuid<"Load_Balancer">))) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("load balancer", lb, { kind: "switch", name: sw });
  }
  ctx.push(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["load_balancer", "delete", [l.ref]]]));
}

/** Attaches load balancer `lb` to router `router` (`lr-lb-add`; idempotent). */
export async function lrLbAdd(ctx: TxContext, router: string, lb: string): Promise<void> {
  ctx.open();
  const r = await ctx.need("logical router", "Logical_Router", router, false);
  const l = await ctx.need("load balancer", "Load_Balancer", lb, false);
  ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["load_balancer", "insert", [l.ref]]]));
}

/** Detaches load balancer `lb` from router `router` (`lr-lb-del`). */
export async function lrLbDel(ctx: TxContext, router: string, lb: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const r = await ctx.need("logical router", "Logical_Router", router);
  const l = await ctx.lookup("load balancer", "Load_Balancer", lb);
  if (!l || (r.row && !r.row.load_balancer.includes(l.ref as RowUuid<"Load_Balancer">))) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("load balancer", lb, { kind: "router", name: router });
  }
  ctx.push(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["load_balancer", "delete", [l.ref]]]));
}

/**
 * Adds a health check for `vip` of load balancer `lb` (`options`: interval, timeout,
 * success_count, failure_count) and the backend → `logical_port:source_ip` mappings it needs.
 */
export async function lbHealthCheckAdd(ctx: TxContext, lb: string, vip: string, options: StringMap, ipPortMappings: StringMap = {}): Promise<Ref<"Load_Balancer_Health_Check">> {
  ctx.open();
  const l = await ctx.need("load balancer", "Load_Balancer", lb);
  const op = model.table("Load_Balancer_Health_Check").insert({ vip, options });
  const LB = model.table("Load_Balancer");
  ctx.push(op, LB.mutate({ _uuid: l.ref }, [["health_check", "insert", [op.ref]]]));
  if (Object.keys(ipPortMappings).length > 0) {
    ctx.push(LB.mutate({ _uuid: l.ref }, [["ip_port_mappings", "delete", Object.keys(ipPortMappings)]]));
    ctx.push(LB.mutate({ _uuid: l.ref }, [["ip_port_mappings", "insert", ipPortMappings]]));
  }
  return op.ref;
}
