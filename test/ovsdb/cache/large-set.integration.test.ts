import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { largeSetOf } from "../../../src/ovsdb/cache/table-store.js";
import { OVN_Northbound, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");
const LSP = nb.table("Logical_Switch_Port");

describe.skipIf(!peers("ovsdb-server"))("Replica: a large set updated by ovsdb-server's diffs", () => {
  let server: OvsdbServerSandbox;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("holds the server's set after ports are added and removed one transaction at a time, and old rows keep their values", async () => {
    const writer = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const reader = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    try {
      // 100 ports from the start (over the large-set threshold).
      const first = Array.from({ length: 100 }, (_, i) => LSP.insert({ name: `p${i}` }));
      await nb.transact(writer, [...first, LS.insert({ name: "sw", ports: first.map((p) => p.ref) })]);
      const r = await Replica.start<NB>(reader, nb, { tables: { Logical_Switch: true, Logical_Switch_Port: true } });
      try {
        const sw = () => [...r.rows("Logical_Switch")][0]! as unknown as Row;
        const uuidOf = (name: string): string => r.byIndex("Logical_Switch_Port", ["name"], [name])!._uuid;
        const kept: { row: Row; uuids: string[] }[] = [];
        let live = first.map((_, i) => `p${i}`);
        for (let i = 0; i < 40; i++) {
          // Add one port; every other step also remove one (deleting the port drops it from the set).
          const p = LSP.insert({ name: `q${i}` });
          const ops = [p, LS.mutate({ name: "sw" }, [["ports", "insert", [p.ref]]])];
          await nb.transact(writer, ops);
          live = [...live, `q${i}`];
          if (i % 2 === 1) {
            const gone = live[i]!;
            await nb.transact(writer, [LS.mutate({ name: "sw" }, [["ports", "delete", [uuidOf(gone) as never]]]), LSP.delete({ name: gone })]);
            live = live.filter((n) => n !== gone);
          }
          await r.waitUntil(() => (sw()["ports"] as readonly string[]).length === live.length && r.byIndex("Logical_Switch_Port", ["name"], [`q${i}`]) !== undefined);
          // Kept without reading its set: the expected UUIDs come from the port rows.
          if (i % 5 === 0) kept.push({ row: sw(), uuids: live.map(uuidOf) });
        }
        // The replica's set is the server's.
        const { results } = await writer.transact("OVN_Northbound", [{ op: "select", table: "Logical_Switch", where: [["name", "==", "sw"]], columns: ["ports"] }]);
        const serverPorts = ((results[0] as { rows: { ports: unknown }[] }).rows[0]!.ports as [string, [string, string][]])[1].map(([, u]) => u).sort();
        const row = sw();
        expect(largeSetOf(row, "ports")).toBeDefined();
        expect([...(row["ports"] as readonly string[])].sort()).toEqual(serverPorts);
        const names = new Map<string, string>([...r.rows("Logical_Switch_Port")].map((p) => [p._uuid, p.name]));
        expect((row["ports"] as readonly string[]).map((u) => names.get(u)).sort()).toEqual([...live].sort());
        // Rows kept along the way, read only now, hold the set they had then.
        expect(kept.length).toBe(8);
        for (const k of kept) expect([...(k.row["ports"] as readonly string[])].sort()).toEqual([...k.uuids].sort());
      } finally {
        await r.close();
      }
    } finally {
      writer.close();
      reader.close();
    }
  }, 60_000);
});
