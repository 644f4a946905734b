/**
 * The `ovn-nbctl show` view of the Northbound database, read through an {@link NbReader} (plain
 * selects, or a replica), shared by `ovn-ts nbctl show` and the demo.
 *
 * @module
 */
import type { OvsdbClient } from "../ovsdb/client/client.js";
import { idlTableOrders, sortByIdlOrder } from "../ovsdb/client/idl-order.js";
import { OvnError } from "./errors.js";
import type { NbReader } from "./reader.js";

const byName = <T extends { name: string; _uuid: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : 1);

/** Options of {@link renderShow}. */
export interface ShowOptions {
  /**
   * A connection to the same Northbound server. With it, switches and routers come in the order
   * `ovn-nbctl show` prints them (its IDL's hash order, reproduced from the order of a monitor
   * reply, which costs one `monitor_cond` round trip on these two tables' names); without it, they
   * are sorted by name.
   */
  readonly client?: OvsdbClient;
}

/** The row with UUID `id`, else the rows named `id` (an error when several are). */
function byIdOrName<T extends { name: string; _uuid: string }>(rows: readonly T[], id: string, what: string): T[] {
  const byId = rows.filter((r) => r._uuid === id.toLowerCase());
  if (byId.length > 0) return byId;
  const named = rows.filter((r) => r.name === id);
  if (named.length > 1) throw new OvnError(`Multiple ${what} named '${id}'.  Use a UUID.`);
  return named;
}

/** Sorts `rows` by `order` (UUIDs in iteration order); rows it lacks (created since) go last, by name. */
function inOrder<T extends { name: string; _uuid: string }>(rows: readonly T[], order: readonly string[] | undefined): T[] {
  const sorted = [...rows].sort(byName);
  return order ? sortByIdlOrder(sorted, order, (r) => r._uuid) : sorted;
}

/**
 * `ovn-nbctl show` of every logical switch and router (or of the one named): ports with their
 * type, parent, tag, addresses and router port; router ports with MAC, networks and gateway
 * chassis; NAT rules — in `ovn-nbctl`'s words and orders.
 */
export async function renderShow(reader: NbReader, which?: string, options: ShowOptions = {}): Promise<string> {
  const ctx = { reader };
  let lss = await ctx.reader.find("Logical_Switch");
  let lrs = await ctx.reader.find("Logical_Router");
  if (which !== undefined) {
    // As ovn-nbctl: the switch and the router with that UUID, else with that name; none is no error.
    lss = byIdOrName(lss, which, "logical switches");
    lrs = byIdOrName(lrs, which, "logical routers");
  }
  const lsps = new Map(lss.length ? (await ctx.reader.find("Logical_Switch_Port")).map((p) => [p._uuid as string, p]) : []);
  const lrps = new Map(lrs.length ? (await ctx.reader.find("Logical_Router_Port")).map((p) => [p._uuid as string, p]) : []);
  const needGc = [...lrps.values()].some((p) => p.gateway_chassis.length > 0);
  const gcs = new Map(needGc ? (await ctx.reader.find("Gateway_Chassis")).map((g) => [g._uuid as string, g]) : []);
  const nats = new Map(lrs.some((r) => r.nat.length > 0) ? (await ctx.reader.find("NAT")).map((n) => [n._uuid as string, n]) : []);
  const orders = options.client && which === undefined ? await idlTableOrders(options.client, "OVN_Northbound", { Logical_Switch: "name", Logical_Router: "name" }) : undefined;
  const alias = (ids: ReadonlyMap<string, string>, key: string) => (ids.has(key) ? ` (aka ${ids.get(key)})` : "");
  let out = "";
  for (const ls of inOrder(lss, orders?.get("Logical_Switch"))) {
    out += `switch ${ls._uuid} (${ls.name})${alias(ls.external_ids, "neutron:network_name")}\n`;
    for (const id of [...ls.ports].sort()) {
      const p = lsps.get(id);
      if (!p) continue;
      out += `    port ${p.name}${alias(p.external_ids, "neutron:port_name")}\n`;
      if (p.type !== "") out += `        type: ${p.type}\n`;
      if (p.parent_name !== undefined) out += `        parent: ${p.parent_name}\n`;
      if (p.tag !== undefined) out += `        tag: ${p.tag}\n`;
      if (p.addresses.length > 0 && p.addresses[0] !== "router") out += `        addresses: [${p.addresses.map((a) => JSON.stringify(a)).join(", ")}]\n`;
      const rp = p.options.get("router-port");
      if (rp !== undefined) out += `        router-port: ${rp}\n`;
    }
  }
  for (const lr of inOrder(lrs, orders?.get("Logical_Router"))) {
    out += `router ${lr._uuid} (${lr.name})${alias(lr.external_ids, "neutron:router_name")}\n`;
    for (const id of [...lr.ports].sort()) {
      const p = lrps.get(id);
      if (!p) continue;
      out += `    port ${p.name}\n`;
      out += `        mac: ${JSON.stringify(p.mac)}\n`;
      if (p.networks.length > 0) out += `        networks: [${p.networks.map((n) => JSON.stringify(n)).join(", ")}]\n`;
      const routeTable = p.options.get("route_table");
      if (routeTable !== undefined) out += `        route-table: ${routeTable}\n`;
      if (p.gateway_chassis.length > 0) {
        // In the column's (UUID) order: ovn-nbctl sorts them by priority, but `show` does not
        // monitor the priority column, so its stable sort sees equal (zero) priorities.
        const names = [...p.gateway_chassis]
          .sort()
          .map((g) => gcs.get(g))
          .filter((g) => g !== undefined)
          .map((g) => g.chassis_name);
        out += `        gateway chassis: [${names.join(" ")}]\n`;
      }
    }
    for (const id of [...lr.nat].sort()) {
      const n = nats.get(id);
      if (!n) continue;
      out += `    nat ${n._uuid}\n        external ip: ${JSON.stringify(n.external_ip)}\n`;
      if (n.external_port_range !== "") out += `        external port(s): ${JSON.stringify(n.external_port_range)}\n`;
      out += `        logical ip: ${JSON.stringify(n.logical_ip)}\n`;
      out += `        type: ${JSON.stringify(n.type)}\n`;
    }
  }
  return out;
}
