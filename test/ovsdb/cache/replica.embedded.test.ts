import { afterEach, describe, expect, it } from "vitest";
import { type ChangeBatch, OVN_Northbound, OvsdbClient, OvsdbServer, Replica, bundledSchema } from "../../../src/ovsdb/index.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");

/** The embedded server keeps a transaction history, so monitor_cond_since can resume (found: true). */
describe("Replica resuming with monitor_cond_since on the embedded server", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it("after a reconnect receives only the missed changes (found: true), with its txn id", async () => {
    const server = new OvsdbServer({ historyTxns: 100 });
    server.addDatabase(bundledSchema("OVN_Northbound"));
    cleanup.push(() => server.close());
    const transport = { name: "in-process", open: () => server.connectInProcess() };
    const writer = await OvsdbClient.connect(transport, { probeIntervalMs: 0 });
    cleanup.push(() => writer.close());
    await nb.transact(writer, [LS.insert({ name: "a" }), LS.insert({ name: "b" })]);
    const c = await OvsdbClient.connect(transport, { probeIntervalMs: 0, reconnect: { initialDelayMs: 200, maxDelayMs: 200, multiplier: 1, jitter: 0 } });
    cleanup.push(() => c.close());
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    cleanup.push(() => r.close());
    expect(r.method).toBe("monitor_cond_since");
    const before = r.lastTxnId;
    expect(before).toMatch(/^[0-9a-f-]{36}$/);
    const got: ChangeBatch[] = [];
    r.on("batch", (b) => got.push(b));
    const calls: string[] = [];
    c.on("connected", () => calls.push("connected"));
    c.rpc.close(new Error("test: cut"));
    await nb.transact(writer, [LS.insert({ name: "c" }), LS.update({ name: "a" }, { external_ids: { x: "1" } })]);
    await r.waitUntil(() => got.length > 0 && r.health === "ready", 10_000);
    // found: true — the missed transaction arrives as an ordinary update batch, not a snapshot.
    expect(got).toHaveLength(1);
    expect(got[0]!.cause).toBe("update");
    expect(got[0]!.changes.map((ch) => `${ch.kind} ${(ch.kind === "delete" ? ch.old : ch.new)["name"]}`).sort()).toEqual(["insert c", "update a"]);
    expect(r.lastTxnId).not.toBe(before);
    expect(calls).toEqual(["connected"]);
  });
});

describe("Replica start racing a client close", () => {
  it("rejects the start with the client's close, and throws nothing else (the monitor is lost before its start resolves)", async () => {
    const server = new OvsdbServer();
    server.addDatabase(bundledSchema("OVN_Northbound"));
    try {
      const transport = { name: "in-process", open: () => server.connectInProcess() };
      const c = await OvsdbClient.connect(transport, { probeIntervalMs: 0 });
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on("uncaughtException", onUnhandled);
      process.on("unhandledRejection", onUnhandled);
      try {
        const started = Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
        c.close();
        const e = await started.then(
          () => undefined,
          (x: unknown) => x,
        );
        await new Promise((r) => setTimeout(r, 20));
        expect(e).toBeInstanceOf(Error);
        expect(unhandled).toEqual([]);
      } finally {
        process.off("uncaughtException", onUnhandled);
        process.off("unhandledRejection", onUnhandled);
      }
    } finally {
      await server.close();
    }
  });
});
