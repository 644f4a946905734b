/**
 * Typed reads of the OVN-IC southbound database (`OVN_IC_Southbound`), which every AZ's `ovn-ic`
 * writes: the availability zones, their gateways, the port bindings of the transit switches and
 * the advertised routes. References to an availability zone come back as its name, addresses as
 * MAC and networks, so a controller or a test reads "az2's port ts1-az2 has 169.254.100.2/24"
 * without joining tables itself. {@link renderIcSbShow} prints the `ovn-ic-sbctl show` view.
 *
 * @module
 */
import { model, type Row } from "../ovsdb/models/ovn-ic-sb.js";
import { compareUtf8 } from "../ovsdb/schema/datum.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import { OvnInvalidArgumentError } from "./errors.js";
import { type IcWaitOptions, pollUntil } from "./ic-az.js";
import { normalizePrefix } from "./net.js";

/** An availability zone registered by its `ovn-ic` (`Availability_Zone`). */
export interface IcAvailabilityZone {
  /** The row's UUID. */
  readonly uuid: string;
  /** The AZ name (its NB's `NB_Global.name`). */
  readonly name: string;
}

/** A tunnel endpoint of a gateway (`Encap`). */
export interface IcEncap {
  /** `geneve`, `vxlan` or `stt`. */
  readonly type: string;
  /** The tunnel IP. */
  readonly ip: string;
  /** Encap options (e.g. `csum`). */
  readonly options: ReadonlyMap<string, string>;
}

/** An interconnection gateway chassis of an AZ (`Gateway`): a chassis with `other_config:is-interconn=true`. */
export interface IcGateway {
  /** The row's UUID. */
  readonly uuid: string;
  /** The chassis name. */
  readonly name: string;
  /** The name of the AZ it belongs to. */
  readonly availabilityZone: string;
  /** The chassis hostname (may be empty). */
  readonly hostname: string;
  /** Its tunnel endpoints, in the row's order. */
  readonly encaps: readonly IcEncap[];
}

/** A transit switch port of some AZ (`Port_Binding`). */
export interface IcPortBinding {
  /** The row's UUID. */
  readonly uuid: string;
  /** The logical switch port's name on the transit switch. */
  readonly logicalPort: string;
  /** The transit switch. */
  readonly transitSwitch: string;
  /** The name of the AZ that owns the port. */
  readonly availabilityZone: string;
  /** The tunnel key `ovn-ic` allocated for the port on the transit switch. */
  readonly tunnelKey: number;
  /** The gateway chassis the port is bound to, or undefined while unbound. */
  readonly gateway: string | undefined;
  /** The raw `address` column: `"MAC IP/LEN..."` of the router port behind the switch port (`""` when unknown). */
  readonly address: string;
  /** The MAC part of {@link IcPortBinding.address}. */
  readonly mac: string | undefined;
  /** The `IP/LEN` networks of {@link IcPortBinding.address}. */
  readonly networks: readonly string[];
  /** `external_ids:router-id`: the UUID of the logical router (in its AZ's NB) behind the port. */
  readonly routerId: string | undefined;
}

/** A route advertised by an AZ on a transit switch (`Route`). */
export interface IcRoute {
  /** The row's UUID (what a learned route's `external_ids:ic-learned-route` holds). */
  readonly uuid: string;
  /** The transit switch it is advertised on. */
  readonly transitSwitch: string;
  /** The name of the advertising AZ. */
  readonly availabilityZone: string;
  /** `ip_prefix` as advertised (for a connected network, the router port's `IP/LEN`, host bits included). */
  readonly ipPrefix: string;
  /** {@link IcRoute.ipPrefix} with the host bits cleared (`10.16.0.0/16`). */
  readonly prefix: string;
  /** The next hop: the advertising router's address on the transit switch. */
  readonly nexthop: string;
  /** `connected` (a router port network) or `static` (a static route). */
  readonly origin: "connected" | "static";
  /** The route table (`""`: the main table). */
  readonly routeTable: string;
  /** `external_ids:nb-id`: the UUID of the router port or static route it comes from, in its AZ's NB. */
  readonly nbId: string | undefined;
}

/** A transit switch's datapath in the IC southbound (`Datapath_Binding`). */
export interface IcDatapathBinding {
  /** The row's UUID. */
  readonly uuid: string;
  /** The transit switch. */
  readonly transitSwitch: string;
  /** The datapath tunnel key shared by every AZ. */
  readonly tunnelKey: number;
}

/** The whole `OVN_IC_Southbound` contents that {@link readIcSouthbound} reads, each list sorted. */
export interface IcSouthboundSnapshot {
  /** By name. */
  readonly availabilityZones: readonly IcAvailabilityZone[];
  /** By AZ, then name. */
  readonly gateways: readonly IcGateway[];
  /** By transit switch, then logical port. */
  readonly portBindings: readonly IcPortBinding[];
  /** By transit switch, AZ, prefix, next hop. */
  readonly routes: readonly IcRoute[];
  /** By transit switch. */
  readonly datapathBindings: readonly IcDatapathBinding[];
}

/** Filters of the list reads: every given field must match. */
export interface IcSbFilter {
  /** Only rows of this transit switch. */
  readonly transitSwitch?: string;
  /** Only rows of this AZ (by name). */
  readonly availabilityZone?: string;
}


/**
 * Splits a port binding's `address` (`"MAC IP/LEN..."`, as `ovn-ic` copies it from the router
 * port) into MAC and networks; `""` gives no MAC and no networks.
 */
export function parseIcAddress(address: string): { readonly mac: string | undefined; readonly networks: readonly string[] } {
  const [mac, ...networks] = address.trim().split(/\s+/).filter((w) => w !== "");
  return { mac, networks };
}

/** The prefix of an advertised `ip_prefix` with host bits cleared; a malformed one is a typed error naming the route. */
function routePrefix(r: Row<"Route">): string {
  try {
    return normalizePrefix(r.ip_prefix, "IC route prefix");
  } catch (e) {
    if (e instanceof OvnInvalidArgumentError) throw new OvnInvalidArgumentError("IC route prefix", r.ip_prefix, `route ${r._uuid} on transit switch ${r.transit_switch}: ${e.reason}`);
    throw e;
  }
}

/**
 * Reads every table `ovn-ic` writes in `OVN_IC_Southbound`, in one transaction (a consistent
 * snapshot), with AZ references resolved to names.
 */
export async function readIcSouthbound(client: TransactClient): Promise<IcSouthboundSnapshot> {
  const [azRows, gwRows, encRows, pbRows, routeRows, dpRows] = await model.transact(client, [
    model.table("Availability_Zone").select(),
    model.table("Gateway").select(),
    model.table("Encap").select(),
    model.table("Port_Binding").select(),
    model.table("Route").select(),
    model.table("Datapath_Binding").select(),
  ]);
  const azName = new Map<string, string>(azRows.map((a) => [a._uuid, a.name]));
  const az = (u: string) => azName.get(u) ?? u;
  const encaps = new Map(encRows.map((e) => [e._uuid as string, e]));
  const availabilityZones = azRows.map((a) => ({ uuid: a._uuid as string, name: a.name })).sort((a, b) => compareUtf8(a.name, b.name));
  const gateways: IcGateway[] = gwRows
    .map((g) => ({
      uuid: g._uuid as string,
      name: g.name,
      availabilityZone: az(g.availability_zone),
      hostname: g.hostname,
      encaps: [...g.encaps]
        .sort()
        .map((u) => encaps.get(u))
        .filter((e) => e !== undefined)
        .map((e) => ({ type: e.type, ip: e.ip, options: e.options })),
    }))
    .sort((a, b) => compareUtf8(a.availabilityZone, b.availabilityZone) || compareUtf8(a.name, b.name));
  const portBindings: IcPortBinding[] = pbRows
    .map((p) => {
      const { mac, networks } = parseIcAddress(p.address);
      return {
        uuid: p._uuid as string,
        logicalPort: p.logical_port,
        transitSwitch: p.transit_switch,
        availabilityZone: az(p.availability_zone),
        tunnelKey: p.tunnel_key,
        gateway: p.gateway === "" ? undefined : p.gateway,
        address: p.address,
        mac,
        networks,
        routerId: p.external_ids.get("router-id"),
      };
    })
    .sort((a, b) => compareUtf8(a.transitSwitch, b.transitSwitch) || compareUtf8(a.logicalPort, b.logicalPort));
  const routes: IcRoute[] = routeRows
    .map((r) => ({
      uuid: r._uuid as string,
      transitSwitch: r.transit_switch,
      availabilityZone: az(r.availability_zone),
      ipPrefix: r.ip_prefix,
      prefix: routePrefix(r),
      nexthop: r.nexthop,
      origin: r.origin,
      routeTable: r.route_table,
      nbId: r.external_ids.get("nb-id"),
    }))
    .sort((a, b) => compareUtf8(a.transitSwitch, b.transitSwitch) || compareUtf8(a.availabilityZone, b.availabilityZone) || compareUtf8(a.prefix, b.prefix) || compareUtf8(a.nexthop, b.nexthop));
  const datapathBindings = dpRows.map((d) => ({ uuid: d._uuid as string, transitSwitch: d.transit_switch, tunnelKey: d.tunnel_key })).sort((a, b) => compareUtf8(a.transitSwitch, b.transitSwitch));
  return { availabilityZones, gateways, portBindings, routes, datapathBindings };
}

function matches(row: { readonly transitSwitch?: string; readonly availabilityZone?: string }, f: IcSbFilter): boolean {
  return (f.transitSwitch === undefined || row.transitSwitch === f.transitSwitch) && (f.availabilityZone === undefined || row.availabilityZone === f.availabilityZone);
}

/** The availability zones registered in the IC southbound, by name. */
export async function icAvailabilityZones(client: TransactClient): Promise<readonly IcAvailabilityZone[]> {
  return (await readIcSouthbound(client)).availabilityZones;
}

/** The interconnection gateways (of one AZ with `availabilityZone`). */
export async function icGateways(client: TransactClient, filter: Pick<IcSbFilter, "availabilityZone"> = {}): Promise<readonly IcGateway[]> {
  return (await readIcSouthbound(client)).gateways.filter((g) => matches(g, filter));
}

/** The transit switch port bindings (of one transit switch and/or AZ). */
export async function icPortBindings(client: TransactClient, filter: IcSbFilter = {}): Promise<readonly IcPortBinding[]> {
  return (await readIcSouthbound(client)).portBindings.filter((p) => matches(p, filter));
}

/** The advertised routes (of one transit switch and/or advertising AZ). */
export async function icRoutes(client: TransactClient, filter: IcSbFilter = {}): Promise<readonly IcRoute[]> {
  return (await readIcSouthbound(client)).routes.filter((r) => matches(r, filter));
}

/** Which advertised route {@link waitForIcRoute} waits for; every given field must match. */
export interface IcRouteFilter extends IcSbFilter {
  /** The prefix (any form: `10.16.0.0/16` matches an advertised `10.16.0.1/16`). */
  readonly prefix: string;
  /** The next hop. */
  readonly nexthop?: string;
}

/** Waits until a route to `filter.prefix` is advertised in the IC southbound, and resolves with it. */
export async function waitForIcRoute(client: TransactClient, filter: IcRouteFilter, options: IcWaitOptions = {}): Promise<IcRoute> {
  const want = normalizePrefix(filter.prefix);
  const by = filter.availabilityZone !== undefined ? ` by availability zone ${filter.availabilityZone}` : "";
  const on = filter.transitSwitch !== undefined ? ` on transit switch ${filter.transitSwitch}` : "";
  return pollUntil(`an advertised route to ${filter.prefix}${by}${on} in the IC southbound`, async () => (await icRoutes(client, filter)).find((r) => r.prefix === want && (filter.nexthop === undefined || r.nexthop === filter.nexthop)), options);
}

/** Waits until transit switch port `logicalPort` is bound in the IC southbound (with `predicate`, until it also holds), and resolves with it. */
export async function waitForIcPortBinding(client: TransactClient, logicalPort: string, predicate: (p: IcPortBinding) => boolean = () => true, options: IcWaitOptions = {}): Promise<IcPortBinding> {
  return pollUntil(`port binding ${logicalPort} in the IC southbound`, async () => (await readIcSouthbound(client)).portBindings.find((p) => p.logicalPort === logicalPort && predicate(p)), options);
}

/**
 * `ovn-ic-sbctl show` (or `show AZ`): each availability zone with its gateways (hostname, encaps)
 * and, under each gateway, the port bindings bound to it — in `ovn-ic-sbctl`'s words and order
 * (names sorted bytewise; a port bound to no gateway is not shown). An unknown AZ prints nothing,
 * as `ovn-ic-sbctl` does.
 */
export function renderIcSbShow(snapshot: IcSouthboundSnapshot, availabilityZone?: string): string {
  const all = snapshot.availabilityZones;
  // As ovn-ic-sbctl's record lookup: by UUID first, then by name.
  const one = availabilityZone === undefined ? undefined : (all.find((a) => a.uuid === availabilityZone.toLowerCase()) ?? all.find((a) => a.name === availabilityZone));
  const azs = availabilityZone === undefined ? all : one ? [one] : [];
  let out = "";
  for (const a of azs) {
    out += `availability-zone ${a.name}\n`;
    for (const g of snapshot.gateways.filter((x) => x.availabilityZone === a.name)) {
      out += `    gateway ${g.name}\n`;
      if (g.hostname !== "") out += `        hostname: ${g.hostname}\n`;
      for (const e of g.encaps) out += `        type: ${e.type}\n            ip: ${e.ip}\n`;
      for (const p of snapshot.portBindings.filter((x) => x.availabilityZone === a.name && x.gateway === g.name).sort((x, y) => compareUtf8(x.logicalPort, y.logicalPort))) {
        out += `        port ${p.logicalPort}\n            transit switch: ${p.transitSwitch}\n            address: ["${p.address}"]\n`;
      }
    }
  }
  return out;
}
