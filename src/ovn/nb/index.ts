/**
 * The OVN Northbound logical-network API: switches and ports (fixed IP/MAC, `dynamic`, localnet
 * with a VLAN tag), DHCP options, routers, router ports, static routes, policies, NAT, gateway
 * chassis and HA chassis groups, ACLs, port groups, address sets, load balancers, QoS, mirrors,
 * BFD and meters, as short typed calls, plus updates of existing objects and reads.
 *
 * Every call adds operations to an {@link NbTransaction}; nothing is sent until
 * {@link NbTransaction.commit}. Calls read what they need through the transaction's pending view
 * over an {@link NbReader} (the NB replica by default), so they see the objects created, changed
 * or deleted earlier in the same transaction. `mayExist` means create-if-absent (a different
 * setting is an `OvnConflictError`), `ifExists` makes deleting a missing object a no-op.
 * Creations are guarded by `wait` operations (RFC 7047 §5.2.6), or by the server's unique index
 * where the schema has one on the name: a concurrent creation of the same name makes the commit
 * fail with `OvnConcurrentChangeError` instead of creating a duplicate.
 *
 * Layout: `transaction.ts` (operations, pending view, guards, commit), `options.ts` (option
 * types), one module per object family, `ovn-nb.ts` (the entry point).
 *
 * @module
 */
export * from "./options.js";
export { checkAddressEntry } from "./helpers.js";
export { NbTransaction } from "./transaction.js";
export { OvnNb, type OvnNbOptions } from "./ovn-nb.js";
export type { AclTarget, ExternalIdsTable } from "../nb-reads.js";
export type { LoadBalancerSettings, MapChange, NatSettings, RouterPortSettings } from "../updates.js";
