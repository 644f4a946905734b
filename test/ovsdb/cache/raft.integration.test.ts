import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeBatch, ConnectionClosedError, NotLeader, OVN_Northbound, OvsdbClient, Replica, TimedOut, insert } from "../../../src/ovsdb/index.js";
import { type RaftClusterSandbox, startRaftCluster } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const fast = { initialDelayMs: 100, maxDelayMs: 500, multiplier: 2, jitter: 0.2 };

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovs-appctl"))("Replica on a 3-member Raft cluster with leader failover", () => {
  let cluster: RaftClusterSandbox;
  beforeAll(async () => {
    cluster = await startRaftCluster({ schema: "OVN_Northbound", size: 3 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("sees every committed transaction exactly once when the leader is killed mid-stream", async () => {
    const db = "OVN_Northbound";
    const reader = await OvsdbClient.connect(cluster.remotes, { leaderOnly: db, reconnect: fast, probeIntervalMs: 0, initialConnectRounds: 5 });
    const writer = await OvsdbClient.connect(cluster.remotes, { leaderOnly: db, reconnect: fast, probeIntervalMs: 0, initialConnectRounds: 5 });
    const replica = await Replica.start<NB>(reader, OVN_Northbound.model, { tables: { Logical_Switch: { columns: ["name"] } } });
    const inserts = new Map<string, number>();
    const errors: string[] = [];
    replica.on("error", (e) => errors.push(e.message));
    reader.on("error", (e) => errors.push(`client: ${e.message}`));
    replica.on("health", (h) => errors.push(`health ${h}`));
    replica.on("batch", (b: ChangeBatch) => {
      for (const ch of b.changes) if (ch.kind === "insert") inserts.set(ch.new["name"] as string, (inserts.get(ch.new["name"] as string) ?? 0) + 1);
    });
    const N = 40;
    const committed: string[] = [];
    let killed = false;
    for (let i = 0; i < N; i++) {
      const name = `txn-${i}`;
      if (i === 15) {
        await cluster.kill(await cluster.leader());
        killed = true;
      }
      // Idempotent create: the guard makes a retried insert (after a lost reply) a no-op.
      const ops = [{ op: "wait" as const, table: "Logical_Switch", where: [["name", "==", name] as const], columns: ["name"], until: "==" as const, rows: [], timeout: 0 }, insert("Logical_Switch", { name })];
      for (let attempt = 0; ; attempt++) {
        expect(attempt).toBeLessThan(50);
        try {
          await writer.whenReady();
          await writer.transact(db, ops as never, { timeoutMs: 5000 });
          committed.push(name);
          break;
        } catch (e) {
          if (e instanceof TimedOut && e.operationIndex === 0) {
            committed.push(name); // an earlier attempt committed before its reply was lost
            break;
          }
          if (!(e instanceof ConnectionClosedError || e instanceof NotLeader || (e as Error).name === "RequestTimeoutError")) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
    expect(killed).toBe(true);
    expect(committed).toHaveLength(N);
    await replica.waitUntil(() => replica.count("Logical_Switch") === N && replica.health === "ready", 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}: count=${replica.count("Logical_Switch")} health=${replica.health} reader=${reader.state} remote=${reader.remote} errors=${errors.join("; ")}`);
    });
    const names = [...replica.rows("Logical_Switch")].map((r) => r.name).sort();
    expect(names).toEqual(committed.slice().sort());
    // Each committed transaction appeared exactly once as an insert (resync after failover emits
    // only what was missed, never a row twice).
    expect([...inserts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(inserts.size).toBe(N);
    await replica.close();
    reader.close();
    writer.close();
  }, 120_000);

  it("reads from a follower while writes go to the leader (writer option)", async () => {
    const db = "OVN_Northbound";
    const leader = await cluster.leader();
    const follower = cluster.members.find((m) => m.index !== leader && m.daemon)!;
    const reader = await OvsdbClient.connect(follower.remote, { probeIntervalMs: 0 });
    const writer = await OvsdbClient.connect(cluster.remotes, { leaderOnly: db, probeIntervalMs: 0, initialConnectRounds: 5 });
    const replica = await Replica.start<NB>(reader, OVN_Northbound.model, { tables: { Logical_Switch: { columns: ["name"] } }, writer });
    expect(reader.remote).toBe(follower.remote);
    expect(writer.remote).not.toBe(follower.remote);
    const results = await replica.transact([insert("Logical_Switch", { name: "via-leader" })]);
    const uuid = (results[0] as { uuid: [string, string] }).uuid[1];
    // Resolved only once the follower's replica has the row.
    expect(replica.get("Logical_Switch", uuid)?.name).toBe("via-leader");
    await replica.close();
    reader.close();
    writer.close();
  }, 60_000);
});
