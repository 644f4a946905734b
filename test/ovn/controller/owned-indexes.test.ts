import { afterEach, describe, expect, it } from "vitest";
import { NbController } from "../../../src/ovn/controller/index.js";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { startEmbeddedServer } from "../../../src/testing/index.js";
import { prng } from "../../support/prng.js";

const IDENTITY = { vendor: "kube-ovn", ownerKey: "parent" } as const;
const uuids = (rows: readonly Row[]) => rows.map((r) => r["_uuid"] as string).sort();

describe("ControlledDb: the indexes by vendor and owner, made on first use", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it("owned() and ownedBy() list what a scan of the replica finds, before and after changes (randomized)", async () => {
    const server = await startEmbeddedServer({ schemas: ["OVN_Northbound"] });
    cleanup.push(() => server.stop());
    const writer = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    cleanup.push(() => writer.close());
    const rand = prng(11);
    const ext = () => {
      const pairs: [string, string][] = [];
      if (rand() < 0.7) pairs.push(["vendor", rand() < 0.8 ? "kube-ovn" : "other"]);
      if (rand() < 0.6) pairs.push(["parent", `o${Math.floor(rand() * 3)}`]);
      return ["map", pairs];
    };
    const insertSome = async (tag: string) => {
      const ops: unknown[] = [];
      for (let i = 0; i < 20; i++) ops.push({ op: "insert", table: rand() < 0.5 ? "Address_Set" : "Port_Group", row: { name: `n${tag}x${i}`, external_ids: ext() } });
      await writer.transactRaw("OVN_Northbound", ops as never);
    };
    await insertSome("a");
    const client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    cleanup.push(() => client.close());
    const ctl = await NbController.open(client, { identity: IDENTITY, tables: ["Address_Set", "Port_Group", "Logical_Switch"] });
    cleanup.push(() => ctl.close());
    const db = ctl.db;
    const scanOwned = (t: string) => [...db.replica.rows(t as never)].filter((r) => (r as Row)["external_ids"] instanceof Map && ((r as Row)["external_ids"] as Map<string, string>).get("vendor") === "kube-ovn") as Row[];
    const scanBy = (t: string, o: string) => scanOwned(t).filter((r) => (r["external_ids"] as Map<string, string>).get("parent") === o);
    const check = () => {
      for (const t of ["Address_Set", "Port_Group"]) {
        expect(uuids(db.owned(t))).toEqual(uuids(scanOwned(t)));
        for (const o of ["o0", "o1", "o2", "o3"]) expect(uuids(db.ownedBy(t, o))).toEqual(uuids(scanBy(t, o)));
      }
    };
    for (let round = 0; round < 6; round++) {
      if (round === 2) check(); // the indexes made here, then kept up to date
      await insertSome(`r${round}`);
      // change and delete some rows
      const rows = [...db.replica.rows("Port_Group" as never)] as Row[];
      const ops: unknown[] = [];
      for (const r of rows) {
        const x = rand();
        if (x < 0.2) ops.push({ op: "delete", table: "Port_Group", where: [["_uuid", "==", ["uuid", r["_uuid"]]]] });
        else if (x < 0.5) ops.push({ op: "update", table: "Port_Group", where: [["_uuid", "==", ["uuid", r["_uuid"]]]], row: { external_ids: ext() } });
      }
      if (ops.length) await db.replica.transact(ops as never);
      if (round >= 2) check();
    }
    // a table without rows, and the errors a table without the column gives, as before
    expect(db.owned("Logical_Switch")).toEqual([]);
  });
});
