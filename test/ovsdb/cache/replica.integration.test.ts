import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ChangeBatch,
  ConnectionClosedError,
  OVN_Northbound,
  OvsdbClient,
  Replica,
  TimedOut,
  insert,
} from "../../../src/ovsdb/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");
const LSP = nb.table("Logical_Switch_Port");

describe.skipIf(!peers("ovsdb-server"))("Replica against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  const open: { close(): unknown }[] = [];
  const client = async (opts: Parameters<typeof OvsdbClient.connect>[1] = {}) => {
    const c = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0, ...opts });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    const c = await OvsdbClient.connect(server.unix);
    await c.transact("OVN_Northbound", [LS.delete([]), { op: "delete", table: "Port_Group", where: [] }, { op: "delete", table: "Address_Set", where: [] }]);
    c.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("loads the initial contents, then reflects each transaction as one batch", async () => {
    const writer = await client();
    await nb.transact(writer, [LS.insert({ name: "pre" })]);
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true, Logical_Switch_Port: true } });
    open.push(r);
    expect(r.health).toBe("ready");
    expect(r.method).toBe("monitor_cond_since");
    expect([...r.rows("Logical_Switch")].map((s) => s.name)).toEqual(["pre"]);
    const batches: ChangeBatch[] = [];
    r.on("batch", (b) => batches.push(b));
    const p = LSP.insert({ name: "p1", addresses: ["00:00:00:00:00:01 10.0.0.1"] });
    await nb.transact(writer, [p, LS.insert({ name: "sw", ports: [p.ref] })]);
    await r.waitUntil(() => batches.length === 1);
    expect(batches[0]!.changes.map((ch) => `${ch.kind} ${ch.table}`).sort()).toEqual(["insert Logical_Switch", "insert Logical_Switch_Port"]);
    await nb.transact(writer, [LS.update({ name: "sw" }, { external_ids: { a: "b" } })]);
    await r.waitUntil(() => batches.length === 2);
    const up = batches[1]!.changes[0]!;
    expect(up.kind).toBe("update");
    if (up.kind === "update") {
      expect(up.old["external_ids"]).toEqual(new Map());
      expect(up.new["external_ids"]).toEqual(new Map([["a", "b"]]));
    }
    await nb.transact(writer, [LS.delete({ name: "sw" })]);
    await r.waitUntil(() => batches.length === 3);
    // Deleting the switch garbage-collects its (non-root) port: both in one batch.
    expect(batches[2]!.changes.map((ch) => `${ch.kind} ${ch.table}`).sort()).toEqual(["delete Logical_Switch", "delete Logical_Switch_Port"]);
  });

  it("is read-your-writes: transact resolves after its changes are in the replica", async () => {
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    open.push(r);
    for (let i = 0; i < 50; i++) {
      const [uuid] = await nb.transact(r.transactClient(), [LS.insert({ name: `ryw-${i}` })]);
      expect(r.get("Logical_Switch", uuid)?.name).toBe(`ryw-${i}`);
    }
  });

  it("looks rows up by schema index and by a map-key index without copying them", async () => {
    const c = await client();
    const r = await Replica.start<NB>(c, nb, {
      tables: { Logical_Switch_Port: { indexes: { pod: { mapKey: ["external_ids", "pod"] } } }, Logical_Switch: true },
    });
    open.push(r);
    const ports = Array.from({ length: 20 }, (_, i) => LSP.insert({ name: `pod${i}.ns`, external_ids: { pod: `ns/pod${i}`, vendor: "kube-ovn" } }));
    await nb.transact(r.transactClient(), [...ports, LS.insert({ name: "s", ports: ports.map((p) => p.ref) })]);
    const byName = r.byIndex("Logical_Switch_Port", ["name"], ["pod7.ns"]);
    expect(byName?.external_ids.get("pod")).toBe("ns/pod7");
    const byPod = [...r.lookup("Logical_Switch_Port", "pod", "ns/pod7")];
    expect(byPod).toHaveLength(1);
    expect(byPod[0]).toBe(byName); // the same stored object
    r.addIndex("Logical_Switch_Port", "vendor", { mapKey: ["external_ids", "vendor"] });
    expect(r.lookup("Logical_Switch_Port", "vendor", "kube-ovn").size).toBe(20);
    expect(r.find("Logical_Switch_Port", [["external_ids", "includes", { pod: "ns/pod3" }]]).map((p) => p.name)).toEqual(["pod3.ns"]);
  });

  it("changes its conditions at run time (monitor_cond_change) with enter/leave events", async () => {
    const writer = await client();
    await nb.transact(writer, [LS.insert({ name: "a", other_config: { chassis: "n1" } }), LS.insert({ name: "b", other_config: { chassis: "n2" } })]);
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: { where: [["other_config", "includes", ["map", [["chassis", "n1"]]]]] } } });
    open.push(r);
    expect([...r.rows("Logical_Switch")].map((s) => s.name)).toEqual(["a"]);
    const batches: ChangeBatch[] = [];
    r.on("batch", (b) => batches.push(b));
    await r.setWhere({ Logical_Switch: [["other_config", "includes", ["map", [["chassis", "n2"]]]]] });
    await r.waitUntil(() => r.count("Logical_Switch") === 1 && [...r.rows("Logical_Switch")][0]!.name === "b");
    expect(batches.flatMap((b) => b.changes.map((ch) => `${ch.kind} ${(ch.kind === "delete" ? ch.old : ch.new)["name"]}`)).sort()).toEqual(["delete a", "insert b"]);
  });

  it("after a reconnect emits exactly the changes it missed (several monitors, each on its own)", async () => {
    const writer = await client();
    await nb.transact(writer, [LS.insert({ name: "keep" }), LS.insert({ name: "change" }), LS.insert({ name: "remove" })]);
    const c = await client({ reconnect: { initialDelayMs: 400, maxDelayMs: 400, multiplier: 1, jitter: 0 } });
    const r1 = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    const r2 = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: { columns: ["name"] } }, method: "monitor_cond" });
    open.push(r1, r2);
    const got1: ChangeBatch[] = [];
    const got2: ChangeBatch[] = [];
    r1.on("batch", (b) => got1.push(b));
    r2.on("batch", (b) => got2.push(b));
    const health: string[] = [];
    r1.on("health", (h) => health.push(h));
    c.rpc.close(new Error("test: cut the connection"));
    await nb.transact(writer, [LS.insert({ name: "new" }), LS.update({ name: "change" }, { name: "changed" }), LS.delete({ name: "remove" })]);
    await r1.waitUntil(() => got1.length > 0, 10_000);
    await r2.waitUntil(() => got2.length > 0, 10_000);
    for (const got of [got1, got2]) {
      expect(got).toHaveLength(1);
      expect(got[0]!.cause).toBe("resync");
      const summary = got[0]!.changes.map((ch) => (ch.kind === "update" ? `update ${ch.old["name"]}->${ch.new["name"]}` : `${ch.kind} ${(ch.kind === "delete" ? ch.old : ch.new)["name"]}`)).sort();
      expect(summary).toEqual(["delete remove", "insert new", "update change->changed"]);
    }
    expect(health).toEqual(["reconnecting", "syncing", "ready"]);
    expect([...r1.rows("Logical_Switch")].map((s) => s.name).sort()).toEqual(["changed", "keep", "new"]);
  });

  it("delivers every batch to a slow async consumer, pausing the socket instead of dropping", async () => {
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: { columns: ["name"] } }, highWaterBatches: 4 });
    open.push(r);
    const it = r.batches();
    const writer = await client();
    const N = 60;
    // Pipelined: the server sends the updates as fast as it can.
    const sent = Promise.all(Array.from({ length: N }, (_, i) => writer.transact("OVN_Northbound", [insert("Logical_Switch", { name: `bp-${i}` })])));
    const names: string[] = [];
    let sawPause = false;
    while (names.length < N) {
      const { value } = await it.next();
      for (const ch of value!.changes) if (ch.kind === "insert") names.push(ch.new["name"] as string);
      sawPause ||= c.rpc.paused;
      await new Promise((res) => setTimeout(res, 5));
    }
    await sent;
    await it.return!();
    expect(names).toEqual(Array.from({ length: N }, (_, i) => `bp-${i}`));
    expect(sawPause).toBe(true);
    expect(c.rpc.paused).toBe(false);
  });

  it("guards a read-modify-write with the row's _version and retries it when someone else wrote first", async () => {
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    open.push(r);
    const [uuid] = await nb.transact(r.transactClient(), [LS.insert({ name: "cnt", external_ids: { n: "0" } })]);
    // A guard taken now goes stale when someone else writes the row.
    const staleGuard = r.guard("Logical_Switch", uuid);
    const other = await client();
    await nb.transact(other, [LS.update({ name: "cnt" }, { external_ids: { n: "10" } })]);
    await r.waitUntil(() => r.get("Logical_Switch", uuid)!.external_ids.get("n") === "10");
    let attempts = 0;
    await r.retry((rep) => {
      attempts++;
      const row = rep.get("Logical_Switch", uuid)!;
      const n = Number(row.external_ids.get("n"));
      const guard = attempts === 1 ? staleGuard : rep.guard("Logical_Switch", uuid);
      return [guard, LS.update([["_uuid", "==", uuid]], { external_ids: { n: String(n + 1) } })];
    });
    expect(attempts).toBe(2);
    expect(r.get("Logical_Switch", uuid)!.external_ids.get("n")).toBe("11");
  });

  it("an idempotent guard makes a repeated create a no-op failure, never a duplicate", async () => {
    const c = await client();
    const r = await Replica.start<NB>(c, nb, { tables: { Address_Set: true } });
    open.push(r);
    const create = [r.guardAbsent("Address_Set", "name", "as-1"), insert("Address_Set", { name: "as-1" })];
    await r.transact(create);
    const e = await r.transact(create).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimedOut);
    expect(r.count("Address_Set")).toBe(1);
  });

  it("never leaves a call hanging when the connection is closed", async () => {
    const c = await client({ reconnect: false });
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    open.push(r);
    const it = r.batches();
    const next = it.next();
    c.close();
    expect(await next).toEqual({ value: undefined, done: true });
    await expect(r.transact([insert("Logical_Switch", { name: "x" })])).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
