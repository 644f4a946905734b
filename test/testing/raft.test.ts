/**
 * The Raft cluster sandbox's leader helpers: find the leader, kill it by PID, a new leader is
 * elected among the others and clients using every member's remote keep writing; the old leader
 * rejoins as a follower.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { type RaftClusterSandbox, alive, startRaftCluster } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovsdb-client", "ovs-appctl"))("Raft cluster sandbox", () => {
  let cluster: RaftClusterSandbox;
  beforeAll(async () => {
    cluster = await startRaftCluster({ schema: "OVN_Northbound" });
  });
  afterAll(async () => cluster?.stop());

  it("finds and kills the leader; another member takes over and writes go on", async () => {
    expect(cluster.members).toHaveLength(3);
    const first = await cluster.leader();
    expect(await cluster.status(first)).toMatch(/^Role: leader$/m);
    const pid = cluster.members[first]!.daemon!.pid;
    const killed = await cluster.killLeader();
    expect(killed).toBe(first);
    expect(alive(pid)).toBe(false);
    expect(cluster.members[first]!.daemon).toBeUndefined();

    const next = await cluster.waitForNewLeader(killed);
    expect(next).not.toBe(killed);
    const c = await OvsdbClient.connect(cluster.remotes, { leaderOnly: "OVN_Northbound", initialConnectRounds: 5 });
    try {
      await c.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "after-failover" } }]);
    } finally {
      c.close();
    }

    await cluster.restart(killed);
    expect(await cluster.status(killed)).toMatch(/^Role: (follower|candidate|leader)$/m);
    expect(cluster.logs()[killed]).toMatch(/raft/);
  });
});
