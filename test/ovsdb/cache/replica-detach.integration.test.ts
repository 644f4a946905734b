/**
 * A detached replica (`Replica.detach`) against a real ovsdb-server: its monitor is cancelled, so
 * another client's transaction is not seen and its own `applyOwn` updates are; `attach` reads the
 * server again and emits exactly the difference (the other client's row, nothing for its own) as
 * one `resync` batch.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ChangeBatch, OVN_Northbound, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");

describe.skipIf(!peers("ovsdb-server"))("a detached Replica against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("sees only what it applies itself until attached, then exactly the server's rows", { timeout: 30_000 }, async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    const c = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const other = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    try {
      const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
      const batches: ChangeBatch[] = [];
      r.on("batch", (b) => batches.push(b));
      r.detach();
      expect(r.detached).toBe(true);
      // Its own insert, applied by itself (the server sends nothing back).
      const own = (await c.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "own" } }])).results[0] as { uuid: [string, string] };
      r.applyOwn({ Logical_Switch: { [own.uuid[1]]: { insert: { name: "own" } } } });
      // Another client's insert: not seen while detached.
      await nb.transact(other, [LS.insert({ name: "theirs" })]);
      // (a round trip on the replica's connection: anything the server would send has arrived)
      await c.transact("OVN_Northbound", [{ op: "comment", comment: "sync" }]);
      expect([...r.rows("Logical_Switch")].map((s) => s.name)).toEqual(["own"]);
      expect(batches.map((b) => b.cause)).toEqual(["update"]);
      await r.attach();
      expect(r.detached).toBe(false);
      expect(r.health).toBe("ready");
      expect([...r.rows("Logical_Switch")].map((s) => s.name).sort()).toEqual(["own", "theirs"]);
      expect(batches.map((b) => b.cause)).toEqual(["update", "resync"]);
      // Only the difference: the other client's row (the own row's `_version` was unknown: updated).
      expect(batches[1]!.changes.map((ch) => `${ch.kind} ${ch.kind === "delete" ? "" : String(ch.new["name"])}`).sort()).toEqual(["insert theirs", "update own"]);
      // Attached again, the monitor reports the other client's changes.
      await nb.transact(other, [LS.insert({ name: "later" })]);
      await r.waitUntil(() => [...r.rows("Logical_Switch")].some((s) => s.name === "later"), 10_000);
      await r.close();
    } finally {
      c.close();
      other.close();
    }
  });
});
