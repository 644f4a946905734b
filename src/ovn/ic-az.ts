/**
 * The availability-zone side of OVN interconnection, on one cluster's Northbound database: the AZ
 * name and route exchange options of `NB_Global` that `ovn-ic` reads, connecting a cluster router
 * to a transit switch (the router port with the transit subnet, its gateway chassis, and the
 * `router` port on the transit switch), and reading back what `ovn-ic` wrote into this NB (the
 * transit switches and the learned routes), with waits for both.
 *
 * Writes go into an {@link NbTransaction} like every other call of the NB API.
 *
 * @module
 */
import type { Row } from "../ovsdb/models/ovn-nb.js";
import { model } from "../ovsdb/models/ovn-nb.js";
import { compareUtf8 } from "../ovsdb/schema/datum.js";
import { OvnError, OvnInvalidArgumentError, OvnNotFoundError } from "./errors.js";
import type { CreateOptions, DeleteOptions } from "./nb/options.js";
import type { NbTransaction } from "./nb/transaction.js";
import type { OvnNb } from "./nb/ovn-nb.js";
import { checkMac, normalizePrefix } from "./net.js";
import type { IcSouthboundSnapshot } from "./ic-sb.js";
import type { RowUuid } from "../ovsdb/model/types.js";

/**
 * Route exchange settings of an AZ (`NB_Global.options`, as OVN 23.03 names them). A field left
 * undefined leaves the option as it is.
 */
export interface IcZoneSettings {
  /** The AZ name (`NB_Global.name`), unique among the interconnected clusters. */
  readonly name?: string;
  /** Advertise this AZ's routes to the IC southbound (`options:ic-route-adv`). */
  readonly routeAdv?: boolean;
  /** Learn the other AZs' routes (`options:ic-route-learn`). */
  readonly routeLearn?: boolean;
  /** Advertise a default route too (`options:ic-route-adv-default`; needs `routeAdv`). */
  readonly routeAdvDefault?: boolean;
  /** Learn default routes too (`options:ic-route-learn-default`; needs `routeLearn`). */
  readonly routeLearnDefault?: boolean;
  /**
   * CIDRs whose routes are neither advertised nor learned (`options:ic-route-blacklist`, comma
   * separated; OVN 23.03 has no `ic-route-denylist` yet). An empty list removes the option.
   */
  readonly routeBlacklist?: readonly string[];
}

/** The AZ settings as read back from `NB_Global` ({@link IcZone.settings}). */
export interface IcZoneState {
  /** `NB_Global.name` (`""` when unset: `ovn-ic` then registers no AZ). */
  readonly name: string;
  /** `options:ic-route-adv`. */
  readonly routeAdv: boolean;
  /** `options:ic-route-learn`. */
  readonly routeLearn: boolean;
  /** `options:ic-route-adv-default`. */
  readonly routeAdvDefault: boolean;
  /** `options:ic-route-learn-default`. */
  readonly routeLearnDefault: boolean;
  /** `options:ic-route-blacklist`, split at commas. */
  readonly routeBlacklist: readonly string[];
}

/** A gateway chassis of a transit switch router port, with its priority (highest wins). */
export interface IcGatewayChassis {
  /** The chassis name (an interconnection gateway: `external_ids:ovn-is-interconn=true` on the node). */
  readonly chassis: string;
  /**
   * Its priority.
   * @default 0
   */
  readonly priority?: number;
}

/** How {@link IcZone.connectRouter} connects a router to a transit switch. */
export interface TransitLink {
  /** The cluster router (a VPC router). */
  readonly router: string;
  /** The transit switch (created in this NB by `ovn-ic` from the IC northbound). */
  readonly transitSwitch: string;
  /** The router port's name. @default `${router}-${transitSwitch}` */
  readonly routerPort?: string;
  /** The transit switch port's name; unique across AZs. @default `${transitSwitch}-${router}` */
  readonly switchPort?: string;
  /** The router port's MAC. */
  readonly mac: string;
  /** The router port's networks on the transit subnet (`169.254.100.1/24`). */
  readonly networks: readonly string[];
  /**
   * Gateway chassis of the router port, as OVN-IC requires for traffic to leave the AZ (`ovn-ic`
   * publishes the port's binding on the chosen one as its gateway). Names or `{ chassis, priority }`.
   */
  readonly gatewayChassis?: readonly (string | IcGatewayChassis)[];
  /** `external_ids` of both ports. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** A route `ovn-ic` learned into this NB (`Logical_Router_Static_Route` with `external_ids:ic-learned-route`). */
export interface LearnedRoute {
  /** The static route's UUID. */
  readonly uuid: string;
  /** The router it was added to. */
  readonly router: string;
  /** `ip_prefix` as learned (the advertiser's, host bits included for a connected network). */
  readonly ipPrefix: string;
  /** {@link LearnedRoute.ipPrefix} with host bits cleared. */
  readonly prefix: string;
  /** The next hop (the advertising router's transit switch address). */
  readonly nexthop: string;
  /** `options:origin`: `connected` or `static`. */
  readonly origin: string | undefined;
  /** The route table (`""`: main). */
  readonly routeTable: string;
  /** The UUID of the IC southbound `Route` it was learned from. */
  readonly icRoute: string;
}

/** Which learned routes a wait looks for; every given field must match. */
export interface LearnedRouteFilter {
  /** The prefix (any form: `10.16.0.0/16` matches a learned `10.16.0.1/16`). */
  readonly prefix: string;
  /** Only on this router. */
  readonly router?: string;
  /** Only with this next hop. */
  readonly nexthop?: string;
}

/** Options of the waits. */
export interface IcWaitOptions {
  /**
   * Give up after this many milliseconds (rejects with {@link IcTimeoutError}).
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Poll interval.
   * @default 25
   */
  readonly intervalMs?: number;
  /** Aborts the wait (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** A wait for `ovn-ic`'s work timed out; the message says what was awaited in which AZ. */
export class IcTimeoutError extends OvnError {
  override readonly name = "IcTimeoutError";
}

const IC_OPTIONS = {
  routeAdv: "ic-route-adv",
  routeLearn: "ic-route-learn",
  routeAdvDefault: "ic-route-adv-default",
  routeLearnDefault: "ic-route-learn-default",
} as const;

const bool = (v: string | undefined) => v === "true";

/** Polls `check` until it returns a value other than undefined, or throws {@link IcTimeoutError} naming `what`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, options: IcWaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new IcTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
  }
}

/**
 * One cluster (availability zone) of an OVN-IC deployment, over its Northbound API.
 *
 * ```ts
 * const az = new IcZone(new OvnNb(client));
 * await az.nb.run(async (tx) => {
 *   await az.configure(tx, { name: "az1", routeAdv: true, routeLearn: true });
 * });
 * await az.waitForTransitSwitch("ts1");
 * await az.nb.run((tx) => az.connectRouter(tx, { router: "vpc1", transitSwitch: "ts1", mac: "aa:aa:aa:aa:aa:01", networks: ["169.254.100.1/24"], gatewayChassis: ["gw1"] }));
 * await az.waitForLearnedRoute({ prefix: "10.17.0.0/16", router: "vpc1" });
 * ```
 */
export class IcZone {
  /** @param nb the AZ's Northbound API (its reader answers the lookups). */
  constructor(readonly nb: OvnNb) {}

  private async global(): Promise<Row<"NB_Global">> {
    const g = (await this.nb.reader.find("NB_Global"))[0];
    if (!g) throw new OvnNotFoundError("row", "NB_Global (initialise the Northbound database first, as `ovn-nbctl init` does)");
    return g;
  }

  /** The name of this AZ (`NB_Global.name`), `""` when unset. */
  async name(): Promise<string> {
    return (await this.global()).name;
  }

  /**
   * Sets the AZ name and the route exchange options in `NB_Global` (the given ones only). A
   * blacklist entry that is not a CIDR is refused before anything is written.
   */
  async configure(tx: NbTransaction, settings: IcZoneSettings): Promise<void> {
    if (settings.name !== undefined && settings.name.trim() === "") throw new OvnInvalidArgumentError("availability zone name", settings.name, "must not be empty");
    const set: Record<string, string> = {};
    const remove: string[] = [];
    for (const [field, key] of Object.entries(IC_OPTIONS) as [keyof typeof IC_OPTIONS, string][]) {
      const v = settings[field];
      if (v !== undefined) set[key] = v ? "true" : "false";
    }
    if (settings.routeBlacklist !== undefined) {
      for (const c of settings.routeBlacklist) normalizePrefix(c, "ic-route-blacklist CIDR");
      if (settings.routeBlacklist.length === 0) remove.push("ic-route-blacklist");
      else set["ic-route-blacklist"] = settings.routeBlacklist.join(",");
    }
    const g = await this.global();
    const G = model.table("NB_Global");
    if (settings.name !== undefined) tx.add(G.update({ _uuid: g._uuid }, { name: settings.name }));
    const keys = [...Object.keys(set), ...remove];
    if (keys.length > 0) tx.add(G.mutate({ _uuid: g._uuid }, [["options", "delete", keys]]));
    if (Object.keys(set).length > 0) tx.add(G.mutate({ _uuid: g._uuid }, [["options", "insert", set]]));
  }

  /** The AZ name and route exchange options, as `ovn-ic` reads them. */
  async settings(): Promise<IcZoneState> {
    const g = await this.global();
    const o = g.options;
    const bl = o.get("ic-route-blacklist");
    return {
      name: g.name,
      routeAdv: bool(o.get(IC_OPTIONS.routeAdv)),
      routeLearn: bool(o.get(IC_OPTIONS.routeLearn)),
      routeAdvDefault: bool(o.get(IC_OPTIONS.routeAdvDefault)),
      routeLearnDefault: bool(o.get(IC_OPTIONS.routeLearnDefault)),
      routeBlacklist: bl === undefined || bl === "" ? [] : bl.split(",").map((s) => s.trim()),
    };
  }

  /** The transit switches `ovn-ic` created in this NB (logical switches with `other_config:interconn-ts`), by name. */
  async transitSwitches(): Promise<readonly Row<"Logical_Switch">[]> {
    const all = await this.nb.reader.find("Logical_Switch");
    return all.filter((s) => s.other_config.has("interconn-ts")).sort((a, b) => compareUtf8(a.name, b.name));
  }

  private async transitSwitch(name: string): Promise<Row<"Logical_Switch"> | undefined> {
    const rows = await this.nb.reader.find("Logical_Switch", { name });
    return rows.find((s) => s.other_config.get("interconn-ts") === name);
  }

  /** Waits until `ovn-ic` has created transit switch `name` in this NB, and resolves with it. */
  async waitForTransitSwitch(name: string, options: IcWaitOptions = {}): Promise<Row<"Logical_Switch">> {
    return pollUntil(`transit switch ${name} in availability zone ${await this.label()}`, () => this.transitSwitch(name), options);
  }

  /**
   * Connects `link.router` to transit switch `link.transitSwitch`, as the OVN-IC documentation
   * does it: router port with the transit network, its gateway chassis, and on the transit switch a
   * port of type `router` (`addresses` `router`, `options:router-port`). `ovn-ic` then publishes
   * the port in the IC southbound and starts exchanging routes for the router. The transit switch
   * must exist in this NB already ({@link IcZone.waitForTransitSwitch}). Idempotent with `mayExist`.
   */
  async connectRouter(tx: NbTransaction, link: TransitLink, options: CreateOptions = {}): Promise<{ readonly routerPort: string; readonly switchPort: string }> {
    checkMac(link.mac);
    const routerPort = link.routerPort ?? `${link.router}-${link.transitSwitch}`;
    const switchPort = link.switchPort ?? `${link.transitSwitch}-${link.router}`;
    if (!(await this.transitSwitch(link.transitSwitch))) {
      throw new OvnNotFoundError("transit switch", link.transitSwitch, { kind: "availability zone", name: await this.label() });
    }
    const ext = link.externalIds ? { externalIds: link.externalIds } : {};
    await tx.lrpAdd(link.router, routerPort, link.mac, link.networks, { ...options, ...ext });
    await tx.lspAdd(link.transitSwitch, switchPort, { ...options, ...ext, type: "router", addresses: ["router"], options: { "router-port": routerPort } });
    for (const gc of link.gatewayChassis ?? []) {
      const { chassis, priority } = typeof gc === "string" ? { chassis: gc, priority: 0 } : { chassis: gc.chassis, priority: gc.priority ?? 0 };
      await tx.lrpSetGatewayChassis(routerPort, chassis, priority);
    }
    return { routerPort, switchPort };
  }

  /** Undoes {@link IcZone.connectRouter}: deletes the transit switch port and the router port. */
  async disconnectRouter(tx: NbTransaction, link: Pick<TransitLink, "router" | "transitSwitch" | "routerPort" | "switchPort">, options: DeleteOptions = {}): Promise<void> {
    await tx.lspDel(link.switchPort ?? `${link.transitSwitch}-${link.router}`, options);
    await tx.lrpDel(link.routerPort ?? `${link.router}-${link.transitSwitch}`, options);
  }

  /** The routes `ovn-ic` learned into this NB (of one router with `router`), by router, prefix and next hop. */
  async learnedRoutes(router?: string): Promise<readonly LearnedRoute[]> {
    const [routes, routers] = await Promise.all([this.nb.reader.find("Logical_Router_Static_Route"), this.nb.reader.find("Logical_Router")]);
    const owner = new Map<string, string>();
    for (const r of routers) for (const u of r.static_routes) owner.set(u, r.name);
    const out: LearnedRoute[] = [];
    for (const s of routes) {
      const icRoute = s.external_ids.get("ic-learned-route");
      const on = owner.get(s._uuid);
      if (icRoute === undefined || on === undefined || (router !== undefined && on !== router)) continue;
      out.push({ uuid: s._uuid, router: on, ipPrefix: s.ip_prefix, prefix: normalizePrefix(s.ip_prefix, "learned route prefix"), nexthop: s.nexthop, origin: s.options.get("origin"), routeTable: s.route_table, icRoute });
    }
    return out.sort((a, b) => compareUtf8(a.router, b.router) || compareUtf8(a.prefix, b.prefix) || compareUtf8(a.nexthop, b.nexthop));
  }

  /**
   * The learned routes (of one router with `router`) whose IC southbound `Route` no longer exists.
   * `ovn-ic` 23.03 leaves them behind when it stops syncing the router: after its last transit
   * switch port is gone or the transit switch is deleted (it only reconciles routers that still
   * have a transit port). Give a fresh {@link readIcSouthbound} snapshot.
   */
  async staleLearnedRoutes(icSouthbound: Pick<IcSouthboundSnapshot, "routes">, router?: string): Promise<readonly LearnedRoute[]> {
    const live = new Set(icSouthbound.routes.map((r) => r.uuid));
    return (await this.learnedRoutes(router)).filter((r) => !live.has(r.icRoute));
  }

  /** Deletes learned routes from their routers (e.g. {@link IcZone.staleLearnedRoutes}, or all of them when leaving the interconnection, as Kube-OVN does). */
  async removeLearnedRoutes(tx: NbTransaction, routes: readonly Pick<LearnedRoute, "uuid">[]): Promise<void> {
    const LR = model.table("Logical_Router");
    for (const r of routes) tx.add(LR.mutate([["static_routes", "includes", [r.uuid as RowUuid<"Logical_Router_Static_Route">]]], [["static_routes", "delete", [r.uuid as RowUuid<"Logical_Router_Static_Route">]]]));
  }

  private async matching(f: LearnedRouteFilter): Promise<LearnedRoute[]> {
    const want = normalizePrefix(f.prefix);
    return (await this.learnedRoutes(f.router)).filter((r) => r.prefix === want && (f.nexthop === undefined || r.nexthop === f.nexthop));
  }

  private async label(): Promise<string> {
    const n = await this.name().catch(() => "");
    return n === "" ? "(unnamed)" : n;
  }

  /** Waits until a route to `filter.prefix` is learned in this AZ, and resolves with it. */
  async waitForLearnedRoute(filter: LearnedRouteFilter, options: IcWaitOptions = {}): Promise<LearnedRoute> {
    normalizePrefix(filter.prefix);
    const what = `a learned route to ${filter.prefix}${filter.router !== undefined ? ` on router ${filter.router}` : ""}${filter.nexthop !== undefined ? ` via ${filter.nexthop}` : ""} in availability zone ${await this.label()}`;
    return pollUntil(what, async () => (await this.matching(filter))[0], options);
  }

  /** Waits until no learned route to `filter.prefix` is left in this AZ (the advertisement was withdrawn). */
  async waitForRouteWithdrawn(filter: LearnedRouteFilter, options: IcWaitOptions = {}): Promise<void> {
    normalizePrefix(filter.prefix);
    const what = `the learned route to ${filter.prefix} to be withdrawn from availability zone ${await this.label()}`;
    await pollUntil(what, async () => ((await this.matching(filter)).length === 0 ? true : undefined), options);
  }
}
