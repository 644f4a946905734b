/**
 * The code samples of docs/ovsdb.md. Each `#region` appears verbatim in the guide (checked by
 * ovsdb-guide.test.ts), and the test runs them against a real ovsdb-server.
 */
import {
  ConstraintViolation,
  OVN_Northbound,
  OvsdbClient,
  Replica,
  type TableUpdates2,
  comment,
  cond,
  insert,
  mutate,
  mutation,
  select,
} from "../../src/ovsdb/index.js";

// #region connect
export async function connect(remote: string): Promise<OvsdbClient> {
  // One remote, or a comma-separated list (a Raft cluster): tcp:IP:PORT, ssl:IP:PORT, unix:PATH, tcp:[::1]:6641
  const client = await OvsdbClient.connect(remote, {
    probeIntervalMs: 5000, // inactivity probe, as ovsdb-server's
    callTimeoutMs: 30_000, // no call waits forever
    reconnect: { initialDelayMs: 250, maxDelayMs: 8000, multiplier: 2, jitter: 0.5 },
  });
  client.on("state", (s) => console.log("connection", s)); // connecting | ready | reconnecting | closed
  return client;
}
// #endregion connect

// #region transact-raw
export async function addSwitchRaw(client: OvsdbClient): Promise<string> {
  // Builders only build; transact() sends them as one atomic transaction.
  const { results } = await client.transact("OVN_Northbound", [
    insert("Logical_Switch_Port", { name: "pod1.ns1", addresses: ["set", ["00:00:00:00:00:01 10.16.0.2"]] }, { uuidName: "p1" }),
    insert("Logical_Switch", { name: "subnet-a", ports: ["set", [["named-uuid", "p1"]]] }),
    mutate("Logical_Switch", [cond("name", "==", "subnet-a")], [mutation("external_ids", "insert", ["map", [["vendor", "kube-ovn"]]])]),
    comment("ovn-ts guide: add subnet-a"),
  ]);
  const [, sw] = results as [unknown, { uuid: ["uuid", string] }];
  return sw.uuid[1];
}
// #endregion transact-raw

// #region errors
export async function showErrors(client: OvsdbClient): Promise<string> {
  try {
    await client.transact("OVN_Northbound", [insert("ACL", { action: "allow-everything", direction: "to-lport", match: "ip", priority: 1 })]);
    return "no error";
  } catch (e) {
    if (e instanceof ConstraintViolation) {
      // The server's error string, its details, and which operation failed.
      return `${e.error} in operation ${e.operationIndex} (${e.operation}): ${e.details}`;
    }
    throw e;
  }
}
// #endregion errors

// #region typed
export async function addSwitchTyped(client: OvsdbClient): Promise<void> {
  const { model } = OVN_Northbound;
  const LS = model.table("Logical_Switch");
  const LSP = model.table("Logical_Switch_Port");
  const port = LSP.insert({ name: "pod2.ns1", addresses: ["00:00:00:00:00:02 10.16.0.3"], external_ids: { pod: "ns1/pod2" } });
  const [portUuid, switchUuid] = await model.transact(client, [port, LS.insert({ name: "subnet-b", ports: [port.ref] })]);
  const [rows] = await model.transact(client, [LS.select({ name: "subnet-b" }, ["name", "ports"])]);
  console.log(portUuid, switchUuid, rows[0]?.ports.includes(portUuid)); // typed: RowUuid<"Logical_Switch_Port">, ...
}
// #endregion typed

// #region monitor
export async function watchSwitches(client: OvsdbClient, seen: string[]): Promise<string> {
  const start = await client.monitor(
    "OVN_Northbound",
    { Logical_Switch: { columns: ["name"], where: [["name", "!=", ""]] } },
    {
      onUpdate2(updates: TableUpdates2) {
        for (const [uuid, change] of Object.entries(updates["Logical_Switch"] ?? {})) seen.push(`${Object.keys(change)[0]} ${uuid}`);
      },
    },
    { method: "monitor_cond_since" }, // or "monitor_cond", "monitor"
  );
  return start.id; // later: client.monitorCondChange(id, ...), client.monitorCancel(id)
}
// #endregion monitor

// #region replica
export async function replicate(client: OvsdbClient): Promise<Replica<OVN_Northbound.Tables>> {
  const replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model, {
    tables: {
      Logical_Switch: true,
      Logical_Switch_Port: {
        // Only kube-ovn's ports, and an index on external_ids:pod.
        where: [["external_ids", "includes", ["map", [["vendor", "kube-ovn"]]]]],
        indexes: { pod: { mapKey: ["external_ids", "pod"] } },
      },
    },
  });
  replica.on("health", (h) => console.log("replica", h)); // syncing | ready | stale | reconnecting | lost
  replica.on("batch", (batch) => {
    for (const ch of batch.changes) console.log(ch.kind, ch.table, ch.uuid);
  });
  return replica;
}
// #endregion replica

// #region replica-use
export async function usePods(replica: Replica<OVN_Northbound.Tables>): Promise<number> {
  const { model } = OVN_Northbound;
  const LSP = model.table("Logical_Switch_Port");
  const LS = model.table("Logical_Switch");
  const port = LSP.insert({ name: "pod3.ns1", external_ids: { vendor: "kube-ovn", pod: "ns1/pod3" } });
  // Read-your-writes: when this resolves, the replica already holds the new rows.
  await model.transact(replica.transactClient(), [port, LS.insert({ name: "subnet-c", ports: [port.ref] })]);
  const [pod] = replica.lookup("Logical_Switch_Port", "pod", "ns1/pod3"); // indexed, the stored row itself
  // Optimistic read-modify-write: the guard fails the transaction if someone changed the row first;
  // retry() then runs the builder again on the fresh replica.
  await replica.retry((r) => {
    const row = r.get("Logical_Switch_Port", pod!._uuid)!;
    const n = Number(row.external_ids.get("restarts") ?? "0");
    return [r.guard("Logical_Switch_Port", row._uuid), LSP.update([["_uuid", "==", row._uuid]], { external_ids: { ...Object.fromEntries(row.external_ids), restarts: String(n + 1) } })];
  });
  return replica.count("Logical_Switch_Port");
}
// #endregion replica-use

// #region raft
export async function clusterClients(remotes: string): Promise<{ reader: OvsdbClient; writer: OvsdbClient }> {
  // Writes go to the leader; reads may come from any connected member (or a relay).
  const writer = await OvsdbClient.connect(remotes, { leaderOnly: "OVN_Northbound" });
  const reader = await OvsdbClient.connect(remotes);
  return { reader, writer };
}
// Then: Replica.start(reader, model, { writer }) — replica.transact() sends on the writer and
// resolves once the reader's replica has the inserted rows.
// #endregion raft

export { select };
