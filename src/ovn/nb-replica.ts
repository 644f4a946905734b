/**
 * The Northbound replica the OVN API reads through by default: every NB table, with the indexes
 * its lookups need, so that a transaction's lookups cost no round trip.
 *
 * Indexes (client-defined, on top of the schema's unique ones such as `Logical_Switch_Port.name`):
 * - `name` on the tables whose names the schema does not index (`Logical_Switch`,
 *   `Logical_Router`, `Load_Balancer`, `Forwarding_Group`, `DHCP_Options` has none);
 * - membership, named `COLUMN[]`: which router holds a router port, which switch or port group
 *   holds an ACL, which router holds a route, policy or NAT (not switch and port group `ports`,
 *   which grow with the pods: indexing them costs O(pods) per change);
 * - `external_ids[]` on every table with `external_ids`: one key per `key=value` pair, for
 *   `[["external_ids", "includes", { key: value }]]` lookups.
 *
 * {@link replicaReader} answers `{ name }`, `{ _uuid }`, `[[COLUMN, "includes", [one]]]` and
 * `[["external_ids", "includes", { key: value }]]` from these indexes, and scans otherwise.
 *
 * @module
 */
import type { OvsdbClient } from "../ovsdb/client/client.js";
import { Replica, type ReplicaTableOptions } from "../ovsdb/cache/replica.js";
import type { IndexSpec } from "../ovsdb/cache/indexes.js";
import type { Row } from "../ovsdb/schema/datum.js";
import { model, type Tables } from "../ovsdb/models/ovn-nb.js";
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";

/** Separates key and value in the `external_ids[]` index's keys. */
export const EXTERNAL_ID_SEPARATOR = "\u0000";

/** The tables whose `name` is looked up but not indexed by the schema. */
const NAMED = ["Logical_Switch", "Logical_Router", "Load_Balancer", "Forwarding_Group", "Mirror"] as const;

/** Reference-set columns whose holders are looked up by member (`[[column, "includes", [member]]]`). */
// Not `Logical_Switch.ports` nor `Port_Group.ports`: those sets grow with the pods, and a
// replica index re-keys a row's every element on each update (O(pods) per pod). "Which switch
// holds this port" is answered by testing the expected switch first, then by a scan.
const MEMBERSHIP: readonly (readonly [table: string, column: string])[] = [
  ["Logical_Switch", "acls"],
  ["Logical_Switch", "qos_rules"],
  ["Logical_Switch", "forwarding_groups"],
  ["Logical_Switch", "dns_records"],
  ["Logical_Switch", "load_balancer"],
  ["Logical_Router", "ports"],
  ["Logical_Router", "static_routes"],
  ["Logical_Router", "policies"],
  ["Logical_Router", "nat"],
  ["Logical_Router", "load_balancer"],
  ["Port_Group", "acls"],
  ["Logical_Switch_Port", "mirror_rules"],
];

const setKey = (column: string): IndexSpec => ({
  key: (row: Row) => {
    const v = row[column];
    return Array.isArray(v) ? (v as string[]) : typeof v === "string" ? v : undefined;
  },
  reads: [column],
});

const externalIdsKey: IndexSpec = {
  key: (row: Row) => {
    const m = row["external_ids"];
    if (!(m instanceof Map) || m.size === 0) return undefined;
    return [...m].map(([k, v]) => `${String(k)}${EXTERNAL_ID_SEPARATOR}${String(v)}`);
  },
  reads: ["external_ids"],
};

/**
 * The replica options of the OVN API: every NB table, with the indexes described above.
 * @param schema the schema replicated (default: the bundled model's); only its tables are listed.
 */
export function nbReplicaTables(schema: DatabaseSchema = model.schema): Record<string, ReplicaTableOptions> {
  const out: Record<string, { indexes: Record<string, IndexSpec> }> = {};
  for (const [name, t] of schema.tables) {
    if (!model.schema.tables.has(name)) continue;
    const indexes: Record<string, IndexSpec> = {};
    if ((NAMED as readonly string[]).includes(name)) indexes["name"] = { columns: ["name"] };
    if (t.columns.has("external_ids")) indexes["external_ids[]"] = externalIdsKey;
    out[name] = { indexes };
  }
  for (const [table, column] of MEMBERSHIP) {
    const o = out[table];
    if (o && schema.tables.get(table)?.columns.has(column)) o.indexes[`${column}[]`] = setKey(column);
  }
  return out;
}

/**
 * Starts the indexed NB replica the OVN API reads through, on `client` (so that transactions sent
 * on the same client are read-your-writes: their changes are in the replica when the commit
 * resolves).
 * @param schema the server's NB schema, to replicate its columns too (e.g. `ACL.tier` of a newer
 * server; the rows then carry them beside the typed ones); default: the bundled model's. It must
 * serve the bundled model (see `describeOvnSchema`: a match other than `unknown`).
 */
export function startNbReplica(client: OvsdbClient, schema?: DatabaseSchema): Promise<Replica<Tables>> {
  return Replica.start<Tables>(client, schema ?? model, { tables: nbReplicaTables(schema) });
}
