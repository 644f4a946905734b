import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Aborted,
  ConstraintViolation,
  DomainError,
  OvsdbRangeError,
  OvsdbSyntaxError,
  DuplicateUuidName,
  NotOwner,
  OvsdbClient,
  ReferentialIntegrityViolation,
  TimedOut,
  UnknownDatabase,
  abort,
  assertLock,
  comment,
  commit,
  cond,
  del,
  insert,
  mutate,
  mutation,
  parseSchema,
  select,
  update,
  wait,
  type TableUpdates2,
} from "../../../src/ovsdb/index.js";
import { type OvsdbServerSandbox, freePort, startOvsdbServer, waitFor } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("OvsdbClient against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound", "OVN_Southbound", "Open_vSwitch"], tcp: true });
    client = await OvsdbClient.connect(server.unix);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("lists databases and fetches schemas that parse", async () => {
    expect((await client.listDbs()).sort()).toEqual(["OVN_Northbound", "OVN_Southbound", "Open_vSwitch", "_Server"]);
    for (const db of ["OVN_Northbound", "OVN_Southbound", "Open_vSwitch", "_Server"]) {
      const s = parseSchema(await client.getSchema(db));
      expect(s.name).toBe(db);
      expect(s.tables.size).toBeGreaterThan(0);
    }
  });

  it("connects over IPv6 loopback (tcp:[::1]:PORT)", async () => {
    const port = await freePort("::1");
    const v6 = await startOvsdbServer({ schemas: ["OVN_Northbound"], extraArgs: [`--remote=ptcp:${port}:[::1]`] });
    try {
      await waitFor("the IPv6 listener", () => OvsdbClient.connect(`tcp:[::1]:${port}`, { reconnect: false }).then((c) => c, () => undefined)).then(async (c) => {
        expect(c.remote).toBe(`tcp:[::1]:${port}`);
        expect(await c.listDbs()).toContain("OVN_Northbound");
        c.close();
      });
    } finally {
      await v6.stop();
    }
  });

  it("connects over tcp too", async () => {
    const c = await OvsdbClient.connect(server.tcp!);
    expect(await c.echo(["hi"])).toEqual(["hi"]);
    c.close();
  });

  it("inserts with uuid-name references, selects, updates, mutates and deletes", async () => {
    const r = await client.transact("OVN_Northbound", [
      insert("Logical_Switch_Port", { name: "p1", addresses: ["set", ["00:00:00:00:00:01 10.0.0.1"]] }, { uuidName: "p1" }),
      insert("Logical_Switch", { name: "sw0", ports: ["set", [["named-uuid", "p1"]]] }, { uuidName: "sw" }),
      comment("test insert"),
    ]);
    const swUuid = (r.results[1] as { uuid: [string, string] }).uuid[1];
    expect(swUuid).toMatch(/^[0-9a-f-]{36}$/);
    const sel = await client.transact("OVN_Northbound", [select("Logical_Switch", [cond("name", "==", "sw0")], ["name", "ports"])]);
    const rows = (sel.results[0] as { rows: { name: string; ports: unknown }[] }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("sw0");
    const up = await client.transact("OVN_Northbound", [
      update("Logical_Switch", [cond("_uuid", "==", ["uuid", swUuid])], { external_ids: ["map", [["k", "v"]]] }),
      mutate("Logical_Switch", [cond("name", "==", "sw0")], [mutation("external_ids", "insert", ["map", [["k2", "v2"]]])]),
    ]);
    expect(up.results).toEqual([{ count: 1 }, { count: 1 }]);
    const ext = await client.transact("OVN_Northbound", [select("Logical_Switch", [cond("external_ids", "includes", ["map", [["k2", "v2"]]])], ["external_ids"])]);
    expect((ext.results[0] as { rows: unknown[] }).rows).toEqual([{ external_ids: ["map", [["k", "v"], ["k2", "v2"]]] }]);
    const d = await client.transact("OVN_Northbound", [del("Logical_Switch", [cond("name", "==", "sw0")])]);
    expect(d.results).toEqual([{ count: 1 }]);
  });

  it("maps server errors to typed errors with the operation index", async () => {
    // A strong reference to a row that does not exist.
    const e1 = await client
      .transact("OVN_Northbound", [insert("Logical_Switch", { name: "x", ports: ["set", [["uuid", "11111111-2222-3333-4444-555555555555"]]] })])
      .catch((e) => e);
    expect(e1).toBeInstanceOf(ReferentialIntegrityViolation);
    const e2 = await client
      .transact("OVN_Northbound", [insert("ACL", { action: "bogus", direction: "to-lport", match: "1", priority: 1 })])
      .catch((e) => e);
    expect(e2).toBeInstanceOf(ConstraintViolation);
    expect(e2.operationIndex).toBe(0);
    expect(e2.operation).toBe("insert ACL");
    const e3 = await client
      .transact("OVN_Northbound", [insert("Logical_Switch", {}, { uuidName: "a" }), insert("Logical_Switch", {}, { uuidName: "a" })])
      .catch((e) => e);
    expect(e3).toBeInstanceOf(DuplicateUuidName);
    expect(e3.operationIndex).toBe(1);
    const e4 = await client.transact("OVN_Northbound", [abort()]).catch((e) => e);
    expect(e4).toBeInstanceOf(Aborted);
    const e5 = await client.transact("OVN_Northbound", [assertLock("nolock")]).catch((e) => e);
    expect(e5).toBeInstanceOf(NotOwner);
    const e6 = await client
      .transact("OVN_Northbound", [wait("Logical_Switch", [cond("name", "==", "nope")], ["name"], "==", [{ name: "nope" }], 0)])
      .catch((e) => e);
    expect(e6).toBeInstanceOf(TimedOut);
    const e7 = await client.transact("No_Such_DB", [commit(false)]).catch((e) => e);
    expect(e7).toBeInstanceOf(UnknownDatabase);
  });

  it("reports domain and range errors of mutations, and commits durably", async () => {
    // Logical_Switch_Port is not a root table: insert and mutate in one transaction.
    const div = await client
      .transact("OVN_Northbound", [insert("Logical_Switch_Port", { name: "mut", tag_request: 5 }), mutate("Logical_Switch_Port", [cond("name", "==", "mut")], [mutation("tag_request", "/=", 0)])])
      .catch((e: unknown) => e);
    expect(div).toBeInstanceOf(DomainError);
    expect((div as DomainError).details).toBe("Division by zero.");
    await client.transact("OVN_Northbound", [insert("NB_Global", { nb_cfg: Number.MAX_SAFE_INTEGER })]);
    const e = await client.transactRaw("OVN_Northbound", [mutate("NB_Global", [], [mutation("nb_cfg", "*=", Number.MAX_SAFE_INTEGER)])]);
    expect(e).toEqual([{ error: "range error", details: 'Result of "*=" operation is out of range.' }]);
    await expect(client.transact("OVN_Northbound", [mutate("NB_Global", [], [mutation("nb_cfg", "*=", Number.MAX_SAFE_INTEGER)])])).rejects.toBeInstanceOf(OvsdbRangeError);
    expect((await client.transact("OVN_Northbound", [comment("x"), commit(true)])).results).toEqual([{}, {}]);
    await client.transact("OVN_Northbound", [del("NB_Global", [])]);
  });

  it("answers get_server_id, set_db_change_aware and echo", async () => {
    expect(await client.getServerId()).toMatch(/^[0-9a-f-]{36}$/);
    await client.setDbChangeAware(true);
    expect(await client.echo(["a", 1])).toEqual(["a", 1]);
  });

  it("rejects a malformed operation with a syntax error naming it", async () => {
    const r = await client.transactRaw("OVN_Northbound", [{ op: "frob" }]);
    expect(r).toEqual([{ error: "syntax error", details: 'Parsing ovsdb operation 1 of 1 failed: No operation "frob"', syntax: '{"op":"frob"}' }]);
    await expect(client.transact("OVN_Northbound", [{ op: "frob" } as never])).rejects.toBeInstanceOf(OvsdbSyntaxError);
  });

  it("monitors with monitor_cond_since and receives update3 for its own transaction", async () => {
    const seen: TableUpdates2[] = [];
    const start = await client.monitor(
      "OVN_Northbound",
      { Logical_Switch: { columns: ["name"] } },
      { onUpdate2: (u) => seen.push(u) },
      { method: "monitor_cond_since" },
    );
    expect(start.found).toBe(false);
    expect(start.lastTxnId).toMatch(/^[0-9a-f-]{36}$/);
    await client.transact("OVN_Northbound", [insert("Logical_Switch", { name: "mon1" })]);
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    const rows = Object.values(seen[0]!["Logical_Switch"]!);
    expect(rows).toEqual([{ insert: { name: "mon1" } }]);
    await client.monitorCancel(start.id);
  });

  it("grants, reports and releases locks", async () => {
    const waiter = await OvsdbClient.connect(server.unix);
    const thief = await OvsdbClient.connect(server.unix);
    expect(await client.lock("L")).toBe(true);
    expect(await waiter.lock("L")).toBe(false);
    const stolen = new Promise<string>((r) => client.once("stolen", r));
    expect(await thief.steal("L")).toBe(true);
    expect(await stolen).toBe("L");
    const locked = new Promise<string>((r) => waiter.once("locked", r));
    await client.unlock("L");
    await thief.unlock("L");
    expect(await locked).toBe("L");
    // The lock holder's assert now succeeds inside a transaction.
    await waiter.transact("OVN_Northbound", [assertLock("L"), comment("holding L")]);
    waiter.close();
    thief.close();
  });
});
