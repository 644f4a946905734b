import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/client/client.js";
import { defaultRetry } from "../../../src/rpc/retry.js";
import { bundledSchema } from "../../../src/ovsdb/schema/bundled.js";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { JsonRpcSession } from "../../../src/ovsdb/wire/session.js";
import { makeTempDir, removeDir, run, waitFor } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

const SCHEMA = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: ConstructorParameters<typeof OvsdbServer>[0] = {}) {
  const server = new OvsdbServer(options);
  server.addDatabase(SCHEMA);
  const dir = makeTempDir("ovn-ts-srv-");
  const l = await server.listen(`punix:${join(dir, "db.sock")}`);
  cleanups.push(() => removeDir(dir));
  cleanups.push(() => server.close());
  return { server, remote: l.connect, dir };
}

function inProcess(server: OvsdbServer) {
  const s = new JsonRpcSession(server.connectInProcess(), { probeIntervalMs: 0 });
  cleanups.push(() => s.close());
  return s;
}

describe("OvsdbServer in process", () => {
  it("answers list_dbs, get_schema, echo and transact without sockets", async () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    server.addDatabase(SCHEMA);
    const s = inProcess(server);
    expect(await s.call("list_dbs", [])).toEqual(["Conformance", "_Server"]);
    expect(await s.call("get_schema", ["Conformance"])).toMatchObject({ name: "Conformance", version: "1.2.3" });
    expect(await s.call("echo", ["x"])).toEqual(["x"]);
    const r = (await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "a" } }])) as unknown[];
    expect(r[0]).toHaveProperty("uuid");
    await expect(s.call("transact", ["Nope"])).rejects.toMatchObject({ error: "unknown database" });
    await expect(s.call("frobnicate", [])).rejects.toMatchObject({ error: "unknown method" });
  });

  it("keeps _Server.Database rows for every database", async () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    server.addDatabase(SCHEMA);
    server.addDatabase(bundledSchema("OVN_Northbound"));
    const s = inProcess(server);
    const r = (await s.call("transact", ["_Server", { op: "select", table: "Database", where: [], columns: ["name", "model", "connected", "leader"] }])) as { rows: unknown[] }[];
    expect(r[0]!.rows).toHaveLength(3);
    expect(r[0]!.rows).toContainEqual({ name: "OVN_Northbound", model: "standalone", connected: true, leader: true });
    const w = (await s.call("transact", ["_Server", { op: "delete", table: "Database", where: [] }])) as unknown[];
    expect(w[0]).toEqual({ error: "not allowed", details: "delete operation not allowed on table in reserved database _Server" });
  });

  it("sends a client's own monitor update before its transact reply", async () => {
    const { server } = await serve();
    const s = inProcess(server);
    const order: string[] = [];
    s.on("notification", (n) => order.push(n.method));
    await s.call("monitor_cond", ["Conformance", "m", { Root: { columns: ["name"] } }]);
    await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "a" } }]).then(() => order.push("reply"));
    expect(order).toEqual(["update2", "reply"]);
  });

  it("resumes monitor_cond_since from its bounded history", async () => {
    const { remote } = await serve({ historyTxns: 3 });
    const c = await OvsdbClient.connect(remote, { reconnect: false });
    cleanups.push(() => c.close());
    const updates: unknown[] = [];
    const start = await c.monitor("Conformance", { Other: { columns: ["a"] } }, { onUpdate2: (u) => updates.push(u) }, { method: "monitor_cond_since" });
    expect(start.found).toBe(false);
    await c.transact("Conformance", [{ op: "insert", table: "Other", row: { a: 1 } }]);
    const mid = updates.length;
    const last = (await c.call("monitor_cond_since", ["Conformance", "again", { Other: { columns: ["a"] } }, "00000000-0000-0000-0000-000000000000"])) as [boolean, string, unknown];
    expect(last[0]).toBe(false);
    await c.transact("Conformance", [{ op: "insert", table: "Other", row: { a: 2 } }]);
    const resumed = (await c.call("monitor_cond_since", ["Conformance", "r", { Other: { columns: ["a"] } }, last[1]])) as [boolean, string, Record<string, Record<string, unknown>>];
    expect(resumed[0]).toBe(true);
    expect(Object.values(resumed[2]["Other"]!)).toEqual([{ insert: { a: 2 } }]);
    for (const a of [3, 4, 5, 6]) await c.transact("Conformance", [{ op: "insert", table: "Other", row: { a: a % 3 ? a : a } }, { op: "delete", table: "Other", where: [["a", "<", a - 1]] }]);
    const tooOld = (await c.call("monitor_cond_since", ["Conformance", "old", { Other: {} }, last[1]])) as [boolean];
    expect(tooOld[0]).toBe(false);
    expect(mid).toBe(1);
  });

  it("changes monitor conditions and reports rows entering and leaving", async () => {
    const { server } = await serve();
    const s = inProcess(server);
    const notes: unknown[] = [];
    s.on("notification", (n) => notes.push(n.params));
    await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "a", i: 1 } }, { op: "insert", table: "Root", row: { name: "b", i: 2 } }]);
    const init = (await s.call("monitor_cond", ["Conformance", "m", { Root: { columns: ["name"], where: [["i", "==", 1]] } }])) as Record<string, Record<string, unknown>>;
    expect(Object.values(init["Root"]!)).toEqual([{ initial: { name: "a" } }]);
    await s.call("monitor_cond_change", ["m", "m2", { Root: [{ where: [["i", "==", 2]] }] }]);
    await waitFor("condition update", () => notes.length === 1);
    const u = (notes[0] as [string, Record<string, Record<string, unknown>>]);
    expect(u[0]).toBe("m2");
    expect(Object.values(u[1]["Root"]!).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([{ delete: null }, { insert: { name: "b" } }]);
  });

  it("grants, queues, steals and releases locks with notifications", async () => {
    const { server } = await serve();
    const a = inProcess(server);
    const b = inProcess(server);
    const bNotes: string[] = [];
    const aNotes: string[] = [];
    a.on("notification", (n) => aNotes.push(`${n.method} ${String(n.params[0])}`));
    b.on("notification", (n) => bNotes.push(`${n.method} ${String(n.params[0])}`));
    expect(await a.call("lock", ["L"])).toEqual({ locked: true });
    expect(await b.call("lock", ["L"])).toEqual({ locked: false });
    expect(await a.call("transact", ["Conformance", { op: "assert", lock: "L" }])).toEqual([{}]);
    expect(((await b.call("transact", ["Conformance", { op: "assert", lock: "L" }])) as unknown[])[0]).toMatchObject({ error: "not owner" });
    await a.call("unlock", ["L"]);
    await waitFor("locked", () => bNotes.includes("locked L"));
    expect(await a.call("steal", ["L"])).toEqual({ locked: true });
    await waitFor("stolen", () => bNotes.includes("stolen L"));
    a.close();
    expect(aNotes).toEqual([]);
  });

  it("holds a wait until another client makes it true, or times it out", async () => {
    const { server } = await serve();
    const a = inProcess(server);
    const b = inProcess(server);
    const wait = (timeout: number) => ({ op: "wait", table: "Root", where: [["name", "==", "w"]], columns: ["name"], until: "!=", rows: [], timeout });
    const pending = a.call("transact", ["Conformance", wait(60_000), { op: "insert", table: "Root", row: { name: "after" } }]);
    await b.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "w" } }]);
    const r = (await pending) as unknown[];
    expect(r[0]).toEqual({});
    expect(r[1]).toHaveProperty("uuid");
    const timed = (await a.call("transact", ["Conformance", wait(1), { op: "comment", comment: "x" }].map((x, i) => (i === 1 ? { ...(x as object), where: [["name", "==", "never"]] } : x)))) as unknown[];
    expect(timed[0]).toMatchObject({ error: "timed out" });
  });

  it("survives hostile input: bad JSON closes only that connection", async () => {
    const { server, remote } = await serve();
    const net = await import("node:net");
    const sock = net.connect(remote.slice("unix:".length));
    await new Promise((r) => sock.once("connect", r));
    sock.write('{"method":"transact","params":["Conformance",{"op":"insert","table":"Root","row":{"name":1}}],"id":1}');
    const reply = await new Promise<string>((r) => sock.once("data", (d) => r(String(d))));
    expect(JSON.parse(reply)).toMatchObject({ id: 1, result: [{ error: "syntax error" }] });
    sock.write("{]]garbage");
    await new Promise((r) => sock.once("close", r));
    const s = inProcess(server);
    expect(await s.call("list_dbs", [])).toContain("Conformance");
  });
});

describe.skipIf(!peers("ovsdb-client"))("ovsdb-client against the embedded server", () => {
  it("list-dbs, get-schema, transact, dump and monitor work", async () => {
    const { remote } = await serve();
    expect((await run("ovsdb-client", ["list-dbs", remote])).stdout.split("\n").filter(Boolean)).toEqual(["Conformance", "_Server"]);
    const schema = JSON.parse((await run("ovsdb-client", ["get-schema", remote, "Conformance"])).stdout) as { name: string };
    expect(schema.name).toBe("Conformance");
    expect((await run("ovsdb-client", ["get-schema-version", remote, "Conformance"])).stdout.trim()).toBe("1.2.3");
    const t = await run("ovsdb-client", ["transact", remote, JSON.stringify(["Conformance", { op: "insert", table: "Root", row: { name: "alpha", i: 7 } }])]);
    expect(t.stdout).toMatch(/"uuid"/);
    const dump = (await run("ovsdb-client", ["dump", remote, "Conformance", "Root", "name", "i"])).stdout;
    expect(dump).toMatch(/alpha\s+7|7\s+alpha/);
    const mon = spawn("ovsdb-client", ["monitor", remote, "Conformance", "Root", "name,i", "--format=json"], { stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => mon.kill());
    let out = "";
    mon.stdout.on("data", (d) => (out += String(d)));
    await waitFor("initial monitor output", () => out.includes("alpha"));
    await run("ovsdb-client", ["transact", remote, JSON.stringify(["Conformance", { op: "insert", table: "Root", row: { name: "beta", i: 8 } }])]);
    await waitFor("monitor update", () => out.includes("beta"));
    expect(out).toMatch(/insert/);
    const wait = await run("ovsdb-client", ["wait", "--timeout=5", remote, "Conformance", "connected"], { allowFailure: true });
    expect(wait.code).toBe(0);
  });
});

describe("OvsdbServer against hostile requests", () => {
  it("answers deep nesting, odd ids, wrong param shapes and huge integers with errors, and keeps serving", async () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    server.addDatabase(SCHEMA);
    const s = inProcess(server);
    // Nesting deeper than the framer allows closes that connection only (ovsdb-server's JSON parser
    // has a depth limit too); written as raw text since JSON.stringify cannot produce it.
    const raw = server.connectInProcess();
    raw.on("data", () => undefined);
    const closed = new Promise((r) => raw.once("end", r));
    const n = 200_000;
    raw.write(`{"method":"transact","params":["Conformance",{"op":"select","table":"Root","where":[${"[".repeat(n)}1${"]".repeat(n)}]}],"id":7}`);
    await closed;
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = [deep];
    const r1 = (await s.call("transact", ["Conformance", { op: "select", table: "Root", where: [deep] }])) as unknown[];
    expect(r1[0]).toMatchObject({ error: "syntax error", details: "Parse error in condition." });
    const r2 = (await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "x", i: 2 ** 60 } }])) as unknown[];
    expect(r2[0]).toHaveProperty("error");
    await expect(s.call("monitor", ["Conformance", { weird: [1] }, "not an object"])).rejects.toMatchObject({ error: "syntax error" });
    await expect(s.call("monitor_cond_since", ["Conformance", "m", { Root: {} }, 42])).resolves.toBeDefined();
    await expect(s.call("monitor_cond_change", [])).rejects.toHaveProperty("error");
    await expect(s.call("lock", [{}])).rejects.toMatchObject({ error: "syntax error" });
    const r3 = (await s.call("transact", ["Conformance", ...Array.from({ length: 2000 }, () => ({ op: "comment", comment: "x" }))])) as unknown[];
    expect(r3).toHaveLength(2000);
    expect(await s.call("list_dbs", [])).toContain("Conformance");
  });
});

describe("OvsdbClient reconnecting to the embedded server", () => {
  it("resumes a monitor_cond_since monitor from the last transaction after the connection drops", async () => {
    const { server, remote } = await serve();
    const c = await OvsdbClient.connect(remote, { reconnect: { ...defaultRetry, initialDelayMs: 10, maxDelayMs: 50 } });
    cleanups.push(() => c.close());
    const seen: unknown[] = [];
    const resyncs: { found: boolean; updates: unknown }[] = [];
    await c.monitor("Conformance", { Other: { columns: ["a"] } }, { onUpdate2: (u) => seen.push(u) }, {
      method: "monitor_cond_since",
      onResync: (s) => resyncs.push({ found: s.found, updates: s.updates }),
    });
    await c.transact("Conformance", [{ op: "insert", table: "Other", row: { a: 1 } }]);
    expect(server.disconnectClients()).toBe(1);
    // A change while the client is away.
    const other = inProcess(server);
    await other.call("transact", ["Conformance", { op: "insert", table: "Other", row: { a: 2 } }]);
    await waitFor("resync", () => resyncs.length === 1, 10_000);
    expect(resyncs[0]!.found).toBe(true);
    const rows = Object.values((resyncs[0]!.updates as Record<string, Record<string, unknown>>)["Other"] ?? {});
    expect(rows).toEqual([{ insert: { a: 2 } }]);
  });
});

describe("listeners", () => {
  it("replaces a stale socket but refuses to remove a file that is not a socket", async () => {
    const { server, dir } = await serve();
    const { writeFileSync, readFileSync } = await import("node:fs");
    const file = join(dir, "precious.txt");
    writeFileSync(file, "keep me");
    await expect(server.listen(`punix:${file}`)).rejects.toThrow(/is not a socket/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
    const again = new OvsdbServer();
    cleanups.push(() => again.close());
    await expect(again.listen(`punix:${join(dir, "db.sock")}`)).resolves.toMatchObject({ connect: `unix:${join(dir, "db.sock")}` });
    await expect(server.listen("pssl:0")).rejects.toThrow("pssl:0: pssl: needs TLS options (private key, certificate, CA certificate missing)");
    const tcp = await server.listen("ptcp:0:127.0.0.1");
    expect(tcp.connect).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    const c = await OvsdbClient.connect(tcp.connect, { reconnect: false });
    cleanups.push(() => c.close());
    expect(await c.listDbs()).toContain("Conformance");
  });
});

describe("cancel", () => {
  it("drops a transaction blocked in a wait, which then never commits", async () => {
    const { server } = await serve();
    const a = inProcess(server);
    const ac = new AbortController();
    const blocked = a.call("transact", ["Conformance", { op: "wait", table: "Root", where: [], columns: ["name"], until: "!=", rows: [], timeout: 60_000 }, { op: "insert", table: "Other", row: { a: 9 } }], { signal: ac.signal });
    ac.abort();
    await expect(blocked).rejects.toMatchObject({ name: "Canceled" });
    const b = inProcess(server);
    await b.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "now-true" } }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.database("Conformance")!.rows("Other").size).toBe(0);
  });
});

describe("convertDatabase", () => {
  it("converts in place, forgets the history, and retries a waiting transaction against the new schema", async () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    const db = server.addDatabase(SCHEMA);
    const s = inProcess(server);
    await s.call("set_db_change_aware", [true]);
    const [r] = (await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "a", i: 5 } }])) as [{ uuid: [string, string] }];
    const monitor = (await s.call("monitor_cond_since", ["Conformance", "m", { Root: [{ columns: ["name"] }] }, null])) as [boolean, string, unknown];
    // A transaction waiting for a row named "b" (blocked until one exists or the wait times out).
    const waiting = s.call("transact", ["Conformance", { op: "wait", table: "Root", where: [["name", "==", "b"]], columns: ["name"], until: "==", rows: [{ name: "b" }], timeout: 10_000 }]);
    const canceled: unknown[] = [];
    s.on("notification", (n) => n.method === "monitor_canceled" && canceled.push(n.params));
    server.convertDatabase("Conformance", { ...SCHEMA, version: "9.9.9" });
    expect(server.database("Conformance")).toBe(db);
    expect(db.schema.version).toBe("9.9.9");
    expect(db.rows("Root").get(r.uuid[1])?.data["i"]).toBe(5);
    // The monitor was cancelled; a resume from before the conversion starts over.
    await s.call("echo", []);
    expect(canceled).toEqual([["m"]]);
    const again = (await s.call("monitor_cond_since", ["Conformance", "m", { Root: [{ columns: ["name"] }] }, monitor[1]])) as [boolean, string, unknown];
    expect(again[0]).toBe(false);
    await s.call("transact", ["Conformance", { op: "insert", table: "Root", row: { name: "b" } }]);
    expect(await waiting).toEqual([{}]);
  });

  it("refuses an unknown database, _Server and another database's schema", () => {
    const server = new OvsdbServer();
    cleanups.push(() => server.close());
    server.addDatabase(SCHEMA);
    expect(() => server.convertDatabase("Nope", SCHEMA)).toThrow(expect.objectContaining({ error: "unknown database", details: "convert request specifies unknown database Nope" }));
    expect(() => server.convertDatabase("_Server", SCHEMA)).toThrow(expect.objectContaining({ error: "invalid parameters", details: "new schema name (Conformance) does not match database name (_Server)" }));
    expect(() => server.convertDatabase("Conformance", bundledSchema("OVN_Northbound"))).toThrow(
      expect.objectContaining({ error: "invalid parameters", details: "new schema name (OVN_Northbound) does not match database name (Conformance)" }),
    );
  });
});
