import { describe, expect, it } from "vitest";
import { ClientMetrics } from "../../src/monitor/index.js";
import { NbController, WorkQueue } from "../../src/ovn/index.js";
import { Replica } from "../../src/ovsdb/cache/index.js";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { bundledSchema } from "../../src/ovsdb/schema/bundled.js";
import { startEmbeddedServer } from "../../src/testing/index.js";

function value(text: string, prefix: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("ClientMetrics", () => {
  it("measures requests by database, method and outcome, follows state, replica batches and a queue", async () => {
    await using server = await startEmbeddedServer({ schema: "OVN_Northbound" });
    const metrics = new ClientMetrics();
    const client = await OvsdbClient.connect(server.unix);
    const detach = metrics.instrumentClient(client, "nb");
    try {
      await client.listDbs();
      await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls1" } }]);
      await expect(client.transact("OVN_Northbound", [{ op: "insert", table: "No_Such_Table", row: {} }])).rejects.toThrow();
      const replica = await Replica.start(client, bundledSchema("OVN_Northbound"));
      const stop = metrics.observeReplica(replica, "nb");
      await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls2" } }]);
      await expect.poll(async () => value(await metrics.registry.metrics(), 'ovn_ts_replica_changes_total{replica="nb",table="Logical_Switch",kind="insert"}')).toBe(1);
      let depth = 7;
      metrics.observeQueue("work", () => depth);
      metrics.queueRetried("work");
      depth = 9;
      const text = await metrics.registry.metrics();
      expect(value(text, 'ovn_ts_client_request_duration_seconds_count{client="nb",database="",method="list_dbs",outcome="ok"}')).toBe(1);
      // Three transacts completed at the RPC level: a failed operation is an error inside the reply.
      expect(value(text, 'ovn_ts_client_request_duration_seconds_count{client="nb",database="OVN_Northbound",method="transact",outcome="ok"}')).toBe(3);
      expect(text).toMatch(/ovn_ts_client_request_duration_seconds_count\{client="nb",database="OVN_Northbound",method="monitor[a-z_]*",outcome="ok"\} 1/);
      expect(value(text, 'ovn_ts_client_connected{client="nb"}')).toBe(1);
      expect(value(text, 'ovn_ts_client_reconnects_total{client="nb"}')).toBe(0);
      expect(value(text, 'ovn_ts_replica_health{replica="nb",state="ready"}')).toBe(1);
      expect(value(text, 'ovn_ts_replica_batches_total{replica="nb",cause="update"}')).toBe(1);
      expect(value(text, 'ovn_ts_replica_last_update_age_seconds{replica="nb"}')).toBeGreaterThanOrEqual(0);
      expect(value(text, 'ovn_ts_workqueue_depth{queue="work"}')).toBe(9);
      expect(value(text, 'ovn_ts_workqueue_retries_total{queue="work"}')).toBe(1);
      stop();
      replica.close?.();
    } finally {
      detach();
      client.close();
    }
    await expect(client.listDbs()).rejects.toThrow();
    expect(value(await metrics.registry.metrics(), 'ovn_ts_client_connected{client="nb"}')).toBe(1); // detached: no longer followed
  });

  it("follows a controller's transactions and its work queue (depth, retries)", async () => {
    await using server = await startEmbeddedServer({ schema: "OVN_Northbound" });
    const metrics = new ClientMetrics();
    const client = await OvsdbClient.connect(server.unix);
    const ctl = await NbController.open(client, { identity: { vendor: "metrics-test" } });
    const stopCtl = metrics.observeController(ctl, "cni");
    let failOnce = true;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const queue = new WorkQueue({
      baseDelayMs: 1,
      handler: async (key) => {
        if (key === "hold") return held;
        if (failOnce) {
          failOnce = false;
          throw new Error("transient");
        }
        await ctl.reconcile(`ls/${key}`, (p) => p.ensureSwitch(key, {}));
      },
    });
    const stopQueue = metrics.observeWorkQueue(queue, "switches");
    try {
      queue.add("hold");
      queue.add("ls1");
      await expect.poll(async () => value(await metrics.registry.metrics(), 'ovn_ts_workqueue_retries_total{queue="switches"}')).toBe(1);
      await expect.poll(async () => value(await metrics.registry.metrics(), 'ovn_ts_controller_operations_total{controller="cni",database="OVN_Northbound",op="insert"}')).toBe(1);
      // "hold" is still being processed: the depth counts it
      expect(value(await metrics.registry.metrics(), 'ovn_ts_workqueue_depth{queue="switches"}')).toBe(1);
      release();
      await queue.idle();
      const text = await metrics.registry.metrics();
      expect(value(text, 'ovn_ts_workqueue_depth{queue="switches"}')).toBe(0);
      expect(value(text, 'ovn_ts_controller_transaction_duration_seconds_count{controller="cni",database="OVN_Northbound",outcome="committed"}')).toBe(1);
      // nothing left to change: a second reconcile sends no transaction, so nothing more is counted
      await ctl.reconcile("ls/ls1", (p) => p.ensureSwitch("ls1", {}));
      expect(value(await metrics.registry.metrics(), 'ovn_ts_controller_transaction_duration_seconds_count{controller="cni",database="OVN_Northbound",outcome="committed"}')).toBe(1);
    } finally {
      stopQueue();
      stopCtl();
      await queue.close();
      await ctl.close();
      client.close();
    }
  });

  it("labels a failed request with the error's class name", async () => {
    await using server = await startEmbeddedServer({ schema: "OVN_Northbound" });
    const metrics = new ClientMetrics();
    const client = await OvsdbClient.connect(server.unix);
    metrics.instrumentClient(client, "c");
    await expect(client.getSchema("Nope")).rejects.toThrow();
    client.close();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/ovn_ts_client_request_duration_seconds_count\{client="c",database="Nope",method="get_schema",outcome="[A-Za-z]+"\} 1/);
    expect(text).not.toMatch(/method="get_schema",outcome="ok"/);
    expect(value(text, 'ovn_ts_client_connected{client="c"}')).toBe(0);
  });
});
