/**
 * How ovn-nbctl prints ACLs, load balancers, routes and NAT rules.
 *
 * @module
 */
import type { Row } from "../../ovsdb/models/ovn-nb.js";
import { compareUtf8 } from "../../ovsdb/schema/datum.js";
import { shashOrder } from "../../ovsdb/text/hash-order.js";
import { parsePrefix } from "../../ovn/net.js";
import { byName } from "./lookup.js";

export function aclLine(a: Row<"ACL"> | Row<"QoS">, tail: string): string {
  return `${padStart(a.direction, 10)} ${padStart(String(a.priority), 5)} (${a.match}) ${tail}\n`;
}

export function aclSort<T extends { direction: string; priority: number; match: string; options?: ReadonlyMap<string, string> }>(a: T, b: T): number {
  if (a.direction !== b.direction) return a.direction === "from-lport" ? -1 : 1;
  const afterLb = (x: T) => (x.options?.get("apply-after-lb") === "true" ? 1 : 0);
  if (afterLb(a) !== afterLb(b)) return afterLb(a) - afterLb(b);
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.match < b.match ? -1 : a.match > b.match ? 1 : 0;
}

export function lbTable(lbs: readonly Row<"Load_Balancer">[]): string {
  if (lbs.length === 0) return "";
  const vw = Math.max(...lbs.flatMap((l) => [...l.vips.keys()].map((v) => v.length)), 3) + 4;
  let out = `${"UUID".padEnd(40)}${"LB".padEnd(20)}${"PROTO".padEnd(11)}${"VIP".padEnd(vw)}IPs\n`;
  for (const lb of [...lbs].sort(byName)) {
    const vips = [...lb.vips.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (vips.length === 0) {
      out += `${lb._uuid.padEnd(40)}${lb.name.slice(0, 19).padEnd(20)}\n`;
      continue;
    }
    vips.forEach(([vip, ips], i) => {
      const hasPort = /^\[.*\]:\d+$/.test(vip) || /^[^:]+:\d+$/.test(vip);
      const proto = hasPort ? (lb.protocol ?? "tcp") : "";
      const head = i === 0 ? `${lb._uuid.padEnd(40)}${lb.name.slice(0, 19).padEnd(20)}` : " ".repeat(60);
      out += `${head}${proto.padEnd(11)}${vip.padEnd(vw)}${ips}\n`;
    });
  }
  return out;
}

export function prefixKey(p: string): { fam: number; len: number; addr: bigint } {
  try {
    const pr = parsePrefix(p);
    const addr = pr.family === 4 ? BigInt(pr.network.split(".").reduce((a, b) => a * 256 + Number(b), 0)) : 0n;
    return { fam: pr.family, len: pr.length, addr };
  } catch {
    return { fam: 4, len: 0, addr: 0n };
  }
}

export function routeList(routes: Row<"Logical_Router_Static_Route">[]): string {
  const sections: string[] = [];
  for (const fam of [4, 6]) {
    const mine = routes.filter((r) => prefixKey(r.ip_prefix).fam === fam);
    if (mine.length === 0) continue;
    const blocks: string[] = [];
    const tables = [...new Set(mine.map((r) => r.route_table))].sort(compareUtf8);
    for (const table of tables) {
      let s = `Route Table ${table === "" ? "<main>" : table}:\n`;
      const rs = mine
        .filter((r) => r.route_table === table)
        .sort((a, b) => {
          const ka = prefixKey(a.ip_prefix);
          const kb = prefixKey(b.ip_prefix);
          if (ka.len !== kb.len) return kb.len - ka.len;
          if (ka.addr !== kb.addr) return ka.addr < kb.addr ? -1 : 1;
          if (a.ip_prefix !== b.ip_prefix) return a.ip_prefix < b.ip_prefix ? -1 : 1;
          const pa = a.policy ?? "dst-ip";
          const pb = b.policy ?? "dst-ip";
          if (pa !== pb) return pa < pb ? -1 : 1;
          return a.nexthop < b.nexthop ? -1 : a.nexthop > b.nexthop ? 1 : 0;
        });
      rs.forEach((r, i) => {
        const same = (o: Row<"Logical_Router_Static_Route"> | undefined) => o !== undefined && o.ip_prefix === r.ip_prefix && (o.policy ?? "dst-ip") === (r.policy ?? "dst-ip");
        const ecmp = same(rs[i - 1]) || same(rs[i + 1]);
        let line = `${padStart(r.ip_prefix, 25)} ${padStart(r.nexthop, 25)} ${r.policy ?? "dst-ip"}`;
        if (r.output_port !== undefined) line += ` ${r.output_port}`;
        if (r.external_ids.has("ic-learned-route")) line += " (learned)";
        if (ecmp) line += " ecmp";
        if (r.options.get("ecmp_symmetric_reply") === "true") line += " ecmp-symmetric-reply";
        if (r.bfd !== undefined) line += " bfd";
        s += line + "\n";
      });
      blocks.push(s);
    }
    // Route tables are separated by an empty line, as are the two families.
    sections.push(`IPv${fam} Routes\n${blocks.join("\n")}`);
  }
  return sections.join("\n");
}

export function natList(nats: Row<"NAT">[], ports: ReadonlyMap<string, string>): string {
  if (nats.length === 0) return "";
  let out = "TYPE             GATEWAY_PORT          EXTERNAL_IP        EXTERNAL_PORT    LOGICAL_IP          EXTERNAL_MAC         LOGICAL_PORT\n";
  // As ovn-nbctl: the lines are sorted by their text up to the logical IP (its columns are the sort key).
  const lines = nats.map((n) => {
    const gw = n.gateway_port !== undefined ? (ports.get(n.gateway_port) ?? "") : "";
    const key = `${n.type.padEnd(17)}${gw.padEnd(22)}${n.external_ip.padEnd(19)}${n.external_port_range.padEnd(17)}${n.logical_ip.padEnd(20)}`;
    const tail = n.external_mac !== undefined && n.logical_port !== undefined ? `${n.external_mac.padEnd(21)}${n.logical_port}` : "";
    return { key, line: (key + tail).replace(/ +$/, "") };
  });
  lines.sort((a, b) => compareUtf8(a.key, b.key));
  return out + lines.map((l) => `${l.line}\n`).join("");
}

/** `KEY=VALUE` lines in the iteration order of an OVS smap filled from the (sorted) column, as ovn-nbctl prints them. */
export function smapLines(m: ReadonlyMap<string, string>): string {
  return shashOrder([...m.keys()].sort(compareUtf8)).map((k) => `${k}=${m.get(k)}\n`).join("");
}

/** Left-pads `s` to `n` characters. */
export const padStart = (s: string, n: number) => s.padStart(n);
