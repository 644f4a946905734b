/**
 * A monitor client that falls behind gets the net change per row (coalesced), never a wrong one:
 * a replica on a client that stopped reading ends equal to the database after it reads again,
 * with fewer update notifications than transactions, and its own writes still arrive before its
 * transact replies.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OvsdbClient, OvsdbServer, Replica, parseSchema } from "../../../src/ovsdb/index.js";
import { makeTempDir, removeDir, sleep } from "../../../src/testing/index.js";

const schema = parseSchema({
  name: "Back",
  version: "1.0.0",
  tables: { Blob: { columns: { n: { type: "integer" }, data: { type: "string" } }, isRoot: true } },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("backlogged monitors", () => {
  it("coalesce to the net change per row and converge", async () => {
    const dir = makeTempDir("ovn-ts-backlog-");
    cleanups.push(() => removeDir(dir));
    const server = new OvsdbServer({ monitorBacklogBytes: 64 * 1024 });
    server.addDatabase(schema);
    cleanups.push(() => server.close());
    const l = await server.listen(`punix:${join(dir, "s.sock")}`);
    const slow = await OvsdbClient.connect(l.connect, { probeIntervalMs: 0, reconnect: false });
    cleanups.push(() => slow.close());
    const writer = await OvsdbClient.connect(l.connect, { probeIntervalMs: 0, reconnect: false });
    cleanups.push(() => writer.close());
    const replica = await Replica.start(slow, { name: "Back", schema }, {});
    cleanups.push(() => replica.close());
    let notifications = 0;
    replica.on("batch", (b) => {
      if (b.cause === "update") notifications++;
    });

    slow.rpc.pause();
    const big = "x".repeat(16 * 1024);
    const uuids: string[] = [];
    let txns = 0;
    const tx = async (ops: unknown[]) => {
      txns++;
      return (await writer.transactRaw("Back", ops)) as { uuid?: [string, string] }[];
    };
    for (let i = 0; i < 100; i++) uuids.push((await tx([{ op: "insert", table: "Blob", row: { n: i, data: big } }]))[0]!.uuid![1]);
    const w = (u: string) => [["_uuid", "==", ["uuid", u]]];
    for (let k = 0; k < 20; k++) await tx([{ op: "mutate", table: "Blob", where: w(uuids[0]!), mutations: [["n", "+=", 1]] }]);
    await tx([{ op: "delete", table: "Blob", where: w(uuids[1]!) }]);
    const gone = (await tx([{ op: "insert", table: "Blob", row: { n: -1 } }]))[0]!.uuid![1];
    await tx([{ op: "delete", table: "Blob", where: w(gone) }]);
    const late = (await tx([{ op: "insert", table: "Blob", row: { n: -2 } }]))[0]!.uuid![1];
    await tx([{ op: "update", table: "Blob", where: w(late), row: { data: "late" } }]);
    await sleep(100);

    slow.rpc.resume();
    const expected = () => [...server.database("Back")!.rows("Blob").values()].map((r) => `${r.uuid} ${String(r.data["n"])} ${(r.data["data"] as string).length}`).sort();
    const rows = () => [...replica.rows("Blob")] as unknown as Record<string, unknown>[];
    const row = (u: string) => replica.get("Blob", u) as Record<string, unknown> | undefined;
    const actual = () => rows().map((r) => `${String(r["_uuid"])} ${String(r["n"])} ${(r["data"] as string).length}`).sort();
    await replica.waitUntil(() => actual().join() === expected().join(), 20_000);
    expect(actual()).toEqual(expected());
    expect(row(uuids[0]!)?.["n"]).toBe(20);
    expect(row(uuids[1]!)).toBeUndefined();
    expect(row(gone)).toBeUndefined();
    expect(row(late)?.["data"]).toBe("late");
    // Coalesced: fewer notifications than transactions.
    expect(notifications).toBeLessThan(txns);

    // Read-your-writes holds for the client that was behind.
    await replica.transact([{ op: "insert", table: "Blob", row: { n: 777 } }]);
    expect(replica.find("Blob", [["n", "==", 777]])).toHaveLength(1);
  }, 120_000);
});
