/**
 * The order in which an OVS IDL client (`ovn-nbctl`, `ovs-vsctl`, ...) iterates a table's rows,
 * asked of a live server: what a CLI mirroring such a tool needs to print rows in the same order.
 *
 * @module
 */
import { idlRowOrder } from "../text/hash-order.js";
import type { OvsdbClient } from "./client.js";

/**
 * The UUIDs of the rows of each table in the order an IDL client such as `ovn-nbctl` iterates
 * them after connecting now (its `show`, `list`, `find`): one short-lived `monitor_cond` of one
 * column per table (`tables` maps each table to it), read in wire order and put through OVS's
 * hash-table orders ({@link idlRowOrder}).
 */
export async function idlTableOrders(client: OvsdbClient, database: string, tables: Readonly<Record<string, string>>): Promise<Map<string, string[]>> {
  const requests = Object.fromEntries(Object.entries(tables).map(([t, column]) => [t, { columns: [column] }]));
  const start = await client.monitor(database, requests, {}, { method: "monitor_cond" });
  await client.monitorCancel(start.id).catch(() => undefined);
  const updates = start.updates as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  return new Map(Object.keys(tables).map((t) => [t, idlRowOrder(Object.keys(updates[t] ?? {}))]));
}

/**
 * Sorts `rows` (in place, stably) into `order`, the UUIDs in IDL iteration order from
 * {@link idlTableOrders}; rows it lacks (created since) keep their relative order, last.
 */
export function sortByIdlOrder<R>(rows: R[], order: readonly string[], uuidOf: (row: R) => string): R[] {
  const rank = new Map(order.map((u, i) => [u, i]));
  return rows.sort((a, b) => (rank.get(uuidOf(a)) ?? Infinity) - (rank.get(uuidOf(b)) ?? Infinity) || 0);
}
