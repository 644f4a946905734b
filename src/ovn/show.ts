/**
 * The `ovn-nbctl show` view of the Northbound database, read through an {@link NbReader} (plain
 * selects, or a replica), shared by `ovn-ts nbctl show` and the demo.
 *
 * @module
 */
import { OvnError } from "./errors.js";
import type { NbReader } from "./reader.js";

const byName = <T extends { name: string; _uuid: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : 1);

/**
 * `ovn-nbctl show` of every logical switch and router (or of the one named): ports with their
 * type, parent, tag, addresses and router port; router ports with MAC, networks and gateway
 * chassis; NAT rules — in `ovn-nbctl`'s words and orders.
 */
export async function renderShow(reader: NbReader, which?: string): Promise<string> {
  const ctx = { reader };
  let lss = await ctx.reader.find("Logical_Switch");
  let lrs = await ctx.reader.find("Logical_Router");
  if (which !== undefined) {
    const ls = lss.filter((s) => s.name === which || s._uuid === which);
    const lr = lrs.filter((r) => r.name === which || r._uuid === which);
    if (ls.length === 0 && lr.length === 0) throw new OvnError(`${which}: switch or router name not found`);
    lss = ls;
    lrs = lr;
  }
  const lsps = new Map(lss.length ? (await ctx.reader.find("Logical_Switch_Port")).map((p) => [p._uuid as string, p]) : []);
  const lrps = new Map(lrs.length ? (await ctx.reader.find("Logical_Router_Port")).map((p) => [p._uuid as string, p]) : []);
  const needGc = [...lrps.values()].some((p) => p.gateway_chassis.length > 0);
  const gcs = new Map(needGc ? (await ctx.reader.find("Gateway_Chassis")).map((g) => [g._uuid as string, g]) : []);
  const nats = new Map(lrs.some((r) => r.nat.length > 0) ? (await ctx.reader.find("NAT")).map((n) => [n._uuid as string, n]) : []);
  const alias = (ids: ReadonlyMap<string, string>, key: string) => (ids.has(key) ? ` (aka ${ids.get(key)})` : "");
  let out = "";
  for (const ls of [...lss].sort(byName)) {
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
  for (const lr of [...lrs].sort(byName)) {
    out += `router ${lr._uuid} (${lr.name})${alias(lr.external_ids, "neutron:router_name")}\n`;
    for (const id of [...lr.ports].sort()) {
      const p = lrps.get(id);
      if (!p) continue;
      out += `    port ${p.name}\n`;
      out += `        mac: ${JSON.stringify(p.mac)}\n`;
      if (p.networks.length > 0) out += `        networks: [${p.networks.map((n) => JSON.stringify(n)).join(", ")}]\n`;
      if (p.gateway_chassis.length > 0) {
        // In the column's (UUID) order, as ovn-nbctl prints them.
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
