/**
 * The embedded OVSDB server sandbox (same shape as the real one), waitForRow against a small
 * replica-like source, and waitForDbRow through a client monitor.
 */
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Replica } from "../../src/ovsdb/cache/index.js";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { bundledSchema } from "../../src/ovsdb/schema/bundled.js";
import { type RowSource, SandboxError, startEmbeddedServer, waitForDbRow, waitForRow } from "../../src/testing/index.js";

describe("startEmbeddedServer", () => {
  it("serves bundled schemas on a unix socket and loopback TCP, then cleans up", async () => {
    const s = await startEmbeddedServer({ schemas: ["OVN_Northbound"], schema: "OVN_Southbound", tcp: true });
    expect(s.databases).toEqual(["OVN_Northbound", "OVN_Southbound"]);
    expect(s.unix).toMatch(/^unix:.*db\.sock$/);
    expect(s.tcp).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    for (const remote of [s.unix, s.tcp!]) {
      const c = await OvsdbClient.connect(remote, { reconnect: false });
      expect(await c.call("list_dbs", [])).toEqual(expect.arrayContaining(["OVN_Northbound", "OVN_Southbound", "_Server"]));
      c.close();
    }
    await s.stop();
    await s.stop(); // idempotent
    expect(existsSync(s.dir)).toBe(false);
  });

  it("supports `await using` and waitForDbRow through a monitor", async () => {
    let dir = "";
    {
      await using s = await startEmbeddedServer({ schema: "OVN_Northbound" });
      dir = s.dir;
      const c = await OvsdbClient.connect(s.unix, { reconnect: false });
      try {
        const pending = waitForDbRow(c, "OVN_Northbound", "Logical_Switch", (r) => r["name"] === "ls1");
        await c.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls0" } }]);
        await c.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls1" } }]);
        const row = await pending;
        expect(row.name).toBe("ls1");
        expect(row._uuid).toMatch(/^[0-9a-f-]{36}$/);
        // already present: resolves from the monitor's initial contents
        expect((await waitForDbRow(c, "OVN_Northbound", "Logical_Switch", (r) => r["name"] === "ls0")).name).toBe("ls0");
        await expect(waitForDbRow(c, "OVN_Northbound", "Logical_Switch", () => false, { timeoutMs: 50 })).rejects.toThrow(/timed out after 50 ms/);
      } finally {
        c.close();
      }
    }
    expect(existsSync(dir)).toBe(false);
  });
});

class FakeReplica extends EventEmitter implements RowSource<{ name: string }> {
  readonly tables = new Map<string, { name: string }[]>();
  rows(table: string) {
    return this.tables.get(table) ?? [];
  }
  add(table: string, row: { name: string }) {
    this.tables.set(table, [...this.rows(table), row]);
    this.emit("change");
  }
}

describe("waitForRow (replica interface)", () => {
  it("resolves at once, on a later change, and rejects on timeout or abort", async () => {
    const r = new FakeReplica();
    r.add("T", { name: "a" });
    expect(await waitForRow(r, "T", (x) => x.name === "a", { event: "change" })).toEqual({ name: "a" });
    const later = waitForRow(r, "T", (x) => x.name === "b", { event: "change" });
    r.add("T", { name: "b" });
    expect(await later).toEqual({ name: "b" });
    expect(r.listenerCount("change")).toBe(0);
    await expect(waitForRow(r, "T", () => false, { timeoutMs: 20, event: "change" })).rejects.toBeInstanceOf(SandboxError);
    const ac = new AbortController();
    const aborted = waitForRow(r, "T", () => false, { signal: ac.signal, event: "change" });
    ac.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(r.listenerCount("change")).toBe(0);
  });
});

describe("waitForRow (ovn-ts/ovsdb Replica)", () => {
  it("binds to a Replica as it is: resolves when the replica has applied the row", async () => {
    await using s = await startEmbeddedServer({ schema: "OVN_Northbound" });
    const c = await OvsdbClient.connect(s.unix, { reconnect: false });
    try {
      const replica = await Replica.start(c, bundledSchema("OVN_Northbound"));
      const pending = waitForRow(replica, "Logical_Switch", (r) => (r as { name?: string }).name === "ls1");
      await c.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls1" } }]);
      expect(await pending).toMatchObject({ name: "ls1" });
      expect(replica.listenerCount("batch")).toBe(0);
    } finally {
      c.close();
    }
  });
});
