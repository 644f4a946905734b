/**
 * The transaction history behind `monitor_cond_since`: kept from the first `monitor_cond_since`
 * on a database on (before that nothing is held, yet the last transaction stays resumable), bounded.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer, TxnHistory } from "../../../src/ovsdb/server/index.js";
import type { CommittedTxn } from "../../../src/ovsdb/server/database.js";
import { JsonRpcSession } from "../../../src/ovsdb/wire/session.js";

const SCHEMA = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const txn = (id: string): CommittedTxn => ({ id, database: "D", changes: [], comments: [], date: 0, durable: false });

describe("TxnHistory", () => {
  it("holds nothing before record(), but a resume from the last transaction then finds every later one", () => {
    const h = new TxnHistory(3);
    h.add(txn("t1"));
    h.add(txn("t2"));
    expect(h.size).toBe(0);
    expect(h.since("t1", "t2")).toBeUndefined();
    h.record();
    h.add(txn("t3"));
    h.add(txn("t4"));
    expect(h.size).toBe(2);
    expect(h.since("t2", "t4")).toEqual([]);
    expect(h.since("t3", "t4")).toEqual([]);
    expect(h.since("t1", "t4")).toBeUndefined();
    // Past the bound the oldest go, and a resume from before them starts over (as ovsdb-server).
    h.add(txn("t5"));
    h.add(txn("t6"));
    expect(h.size).toBe(3);
    expect(h.since("t2", "t6")).toBeUndefined();
    expect(h.since("t3", "t6")).toBeUndefined();
    expect(h.since("t4", "t6")).toEqual([]);
    h.clear();
    expect(h.since("t6", "t7")).toBeUndefined();
  });

  it("keeps nothing with maxTxns 0, recording or not", () => {
    const h = new TxnHistory(0);
    h.record();
    h.add(txn("t1"));
    expect(h.size).toBe(0);
    expect(h.since("t0", "t1")).toBeUndefined();
  });
});

describe("monitor_cond_since after transactions made before any monitor", () => {
  it("resumes from the id its first reply gave, with exactly the rows changed since", async () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    server.addDatabase(SCHEMA);
    const s = new JsonRpcSession(server.connectInProcess(), { probeIntervalMs: 0 });
    cleanups.push(() => s.close());
    for (const name of ["a", "b", "c"]) await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name } }]);
    const first = (await s.call("monitor_cond_since", ["Conformance", "m1", { Root: [{ columns: ["name"] }] }, null])) as [boolean, string, Record<string, Record<string, unknown>>];
    expect(first[0]).toBe(false);
    expect(Object.keys(first[2]["Root"]!)).toHaveLength(3);
    await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "d" } }]);
    const resumed = (await s.call("monitor_cond_since", ["Conformance", "m2", { Root: [{ columns: ["name"] }] }, first[1]])) as [boolean, string, Record<string, Record<string, unknown>>];
    expect(resumed[0]).toBe(true);
    expect(Object.values(resumed[2]["Root"]!)).toEqual([{ insert: { name: "d" } }]);
  });
});
