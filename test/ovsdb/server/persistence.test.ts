import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer, openDatabaseFile, readRecords } from "../../../src/ovsdb/server/index.js";
import { OvsdbClient } from "../../../src/ovsdb/client/client.js";
import { makeTempDir, removeDir, run, startDaemon, stopDaemon } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

const SCHEMA_FILE = join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema");
const SCHEMA = readSchemaFile(SCHEMA_FILE);
const ctx = { ownsLock: () => false };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});
function tmp(): string {
  const d = makeTempDir("ovn-ts-db-");
  dirs.push(d);
  return d;
}

function fill(path: string) {
  const f = openDatabaseFile(path, { schema: SCHEMA });
  f.database.execute(
    [
      { op: "insert", table: "Root", row: { name: "a", i: 4, kids: ["named-uuid", "k"], smap: ["map", [["x", "y"]]], eph: 9 } },
      { op: "insert", table: "Child", "uuid-name": "k", row: { n: 1 } },
      { op: "comment", comment: "first" },
    ],
    ctx,
  );
  f.database.execute([{ op: "mutate", table: "Root", where: [], mutations: [["iset", "insert", ["set", [1, 2]]]] }], ctx);
  f.database.execute([{ op: "insert", table: "Other", row: { a: 1 } }], ctx);
  f.database.execute([{ op: "delete", table: "Other", where: [] }], ctx);
  return f;
}

function snapshot(db: ReturnType<typeof openDatabaseFile>["database"]) {
  return ["Root", "Child", "Other"].map((t) =>
    [...db.rows(t).values()].map((r) => ({ uuid: r.uuid, ...Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, v instanceof Map ? [...v] : v])) })),
  );
}

describe("standalone database files", () => {
  it("reload to the same contents; ephemeral columns are not stored", () => {
    const path = join(tmp(), "c.db");
    const f = fill(path);
    const before = snapshot(f.database);
    f.close();
    const g = openDatabaseFile(path);
    const after = snapshot(g.database);
    g.close();
    expect(after[0]![0]).toMatchObject({ name: "a", i: 4, iset: [1, 2], smap: [["x", "y"]], eph: undefined });
    expect(after).toEqual(before.map((rows) => rows.map((r) => ("eph" in r ? { ...r, eph: undefined } : r))));
    const { records } = readRecords(readFileSync(path));
    expect(records).toHaveLength(5);
    expect(records[1]).toMatchObject({ _comment: "first" });
  });

  it("ignores a torn tail left by a crash, and cuts it off only at the first write (as ovsdb-server)", () => {
    const path = join(tmp(), "c.db");
    fill(path).close();
    const good = statSync(path).size;
    appendFileSync(path, 'OVSDB JSON 500 0123456789012345678901234567890123456789\n{"_date":1,"Root":{');
    const damaged = statSync(path).size;
    const g = openDatabaseFile(path);
    expect(g.droppedTailBytes).toBe(damaged - good);
    expect(g.damage?.message).toBe(`${path}: error reading 500 bytes starting at offset ${good + 56} (end of file after ${damaged - good - 56})`);
    expect(statSync(path).size).toBe(damaged); // untouched on open
    expect(g.database.rows("Root").size).toBe(1);
    g.database.execute([{ op: "insert", table: "Root", row: { name: "b" } }], ctx);
    g.close();
    expect(readRecords(readFileSync(path)).error).toBeUndefined();
    expect(openDatabaseFile(path).database.rows("Root").size).toBe(2);
  });

  it("reports a SHA-1 mismatch in the middle of the file as such, with ovsdb-server's words", () => {
    const path = join(tmp(), "c.db");
    fill(path).close();
    const data = readFileSync(path);
    const recs = readRecords(data);
    expect(recs.records).toHaveLength(5);
    // Change one byte inside record 2's JSON (keeps the length, breaks the hash).
    const text = data.toString("latin1");
    const header2 = text.indexOf("OVSDB JSON", text.indexOf("OVSDB JSON", text.indexOf("OVSDB JSON") + 1) + 1);
    const body2 = text.indexOf("\n", header2) + 1;
    const at = text.indexOf('"_date"', body2) + 1;
    const broken = Buffer.from(data);
    broken[at] = "X".charCodeAt(0);
    writeFileSync(path, broken);
    const len = Number(/OVSDB JSON (\d+)/.exec(text.slice(header2))![1]);
    const g = openDatabaseFile(path);
    expect(g.damage?.message).toMatch(new RegExp(`^${path}: ${len} bytes starting at offset ${body2} have SHA-1 hash [0-9a-f]{40} but should have hash [0-9a-f]{40}$`));
    expect(g.droppedTailBytes).toBe(data.length - header2);
    expect(statSync(path).size).toBe(data.length);
    g.close();
  });

  it("keeps transaction ids across a restart, so monitor_cond_since resumes (as a clustered ovsdb-server)", async () => {
    const dir = tmp();
    const path = join(dir, "c.db");
    let lastId = "";
    for (const round of [1, 2]) {
      const file = openDatabaseFile(path, { schema: SCHEMA });
      const server = new OvsdbServer();
      server.addDatabase(file.database, { history: file.history });
      const l = await server.listen(`punix:${join(dir, "s.sock")}`);
      const c = await OvsdbClient.connect(l.connect, { reconnect: false, probeIntervalMs: 0 });
      try {
        if (round === 1) {
          for (const name of ["one", "two"]) await c.transact("Conformance", [{ op: "insert", table: "Root", row: { name } }]);
          const m = await c.monitor("Conformance", { Root: { columns: ["name"] } }, {}, { method: "monitor_cond_since" });
          lastId = m.lastTxnId!;
          expect(file.database.lastTxnId).toBe(lastId);
        } else {
          expect(file.database.lastTxnId).toBe(lastId);
          await c.transact("Conformance", [{ op: "insert", table: "Root", row: { name: "after restart" } }]);
          const m = await c.monitor("Conformance", { Root: { columns: ["name"] } }, {}, { method: "monitor_cond_since", lastTxnId: lastId });
          expect(m.found).toBe(true);
          expect(Object.values((m.updates as Record<string, Record<string, unknown>>)["Root"]!)).toEqual([{ insert: { name: "after restart" } }]);
          expect(m.lastTxnId).toBe(file.database.lastTxnId);
        }
      } finally {
        c.close();
        await server.close();
        file.close();
      }
    }
  });

  it("compacts to schema plus one record, atomically", () => {
    const path = join(tmp(), "c.db");
    const f = fill(path);
    const before = snapshot(f.database);
    f.compact();
    f.database.execute([{ op: "insert", table: "Root", row: { name: "after" } }], ctx);
    f.close();
    expect(readRecords(readFileSync(path)).records).toHaveLength(3);
    const g = openDatabaseFile(path);
    expect(snapshot(g.database)[1]).toEqual(before[1]);
    expect(g.database.rows("Root").size).toBe(2);
    g.close();
  });

  it("keeps a served database across a server restart", async () => {
    const dir = tmp();
    const path = join(dir, "c.db");
    for (const round of [1, 2]) {
      const file = openDatabaseFile(path, { schema: SCHEMA });
      const server = new OvsdbServer();
      server.addDatabase(file.database);
      const l = await server.listen(`punix:${join(dir, "s.sock")}`);
      const c = await OvsdbClient.connect(l.connect, { reconnect: false });
      if (round === 1) await c.transact("Conformance", [{ op: "insert", table: "Root", row: { name: "durable" } }]);
      const r = await c.transactRaw("Conformance", [{ op: "select", table: "Root", where: [], columns: ["name"] }]);
      expect(r[0]).toEqual({ rows: [{ name: "durable" }] });
      c.close();
      await server.close();
      file.close();
    }
  });
});

describe.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovsdb-client"))("database files and the real OVS tools", () => {
  it("after an online conversion the file holds the new schema and the converted rows (ovsdb-tool reads it)", async () => {
    const dir = tmp();
    const path = join(dir, "c.db");
    const f = fill(path);
    const server = new OvsdbServer();
    server.addDatabase(f.database);
    const l = await server.listen(`punix:${join(dir, "s.sock")}`);
    // The new schema drops Root.smap and adds Root.added.
    const json = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { version: string; tables: Record<string, { columns: Record<string, unknown> }> };
    json.version = "1.2.4";
    delete json.tables["Root"]!.columns["smap"];
    json.tables["Root"]!.columns["added"] = { type: "string" };
    const newSchema = join(dir, "new.ovsschema");
    writeFileSync(newSchema, JSON.stringify(json));
    await run("ovsdb-client", ["convert", l.connect, newSchema]);
    const c = await OvsdbClient.connect(l.connect, { reconnect: false });
    await c.transact("Conformance", [{ op: "insert", table: "Root", row: { name: "later", added: "yes" } }]);
    c.close();
    await server.close();
    f.close();
    expect((await run("ovsdb-tool", ["db-version", path])).stdout).toBe("1.2.4\n");
    const q = JSON.parse((await run("ovsdb-tool", ["query", path, JSON.stringify(["Conformance", { op: "select", table: "Root", where: [], columns: ["name", "i", "iset", "added"] }])])).stdout) as [{ rows: unknown[] }];
    expect(q[0].rows).toEqual(expect.arrayContaining([{ name: "a", i: 4, iset: ["set", [1, 2]], added: "" }, { name: "later", i: 0, iset: ["set", []], added: "yes" }]));
    expect(q[0].rows).toHaveLength(2);
    const g = openDatabaseFile(path);
    expect(g.database.schema.version).toBe("1.2.4");
    expect(g.database.rows("Root").size).toBe(2);
    g.close();
  });

  it("ovsdb-tool show-log and query read our file", async () => {
    const path = join(tmp(), "c.db");
    fill(path).close();
    const log = (await run("ovsdb-tool", ["show-log", path])).stdout;
    expect(log).toMatch(/record 0: "Conformance" schema, version="1.2.3"/);
    expect(log).toMatch(/record 1: .* "first"/);
    expect(log).toMatch(/record 4:/);
    const q = JSON.parse((await run("ovsdb-tool", ["query", path, JSON.stringify(["Conformance", { op: "select", table: "Root", where: [], columns: ["name", "i", "iset", "smap"] }])])).stdout);
    expect(q).toEqual([{ rows: [{ name: "a", i: 4, iset: ["set", [1, 2]], smap: ["map", [["x", "y"]]] }] }]);
  });

  it("ovsdb-server serves our file, and we read what it appended (with _is_diff)", async () => {
    const dir = tmp();
    const path = join(dir, "c.db");
    fill(path).close();
    const d = await startDaemon("ovsdb-server", "ovsdb-server", [path, `--remote=punix:${join(dir, "r.sock")}`, `--unixctl=${join(dir, "r.ctl")}`], join(dir, "r.pid"), join(dir, "r.log"));
    try {
      await run("ovsdb-client", ["transact", `unix:${join(dir, "r.sock")}`, JSON.stringify(["Conformance", { op: "mutate", table: "Root", where: [], mutations: [["smap", "insert", ["map", [["p", "q"]]]], ["iset", "delete", 1], ["i", "+=", 1]] }])]);
    } finally {
      await stopDaemon(d);
    }
    const g = openDatabaseFile(path);
    const row = [...g.database.rows("Root").values()][0]!;
    g.close();
    expect(row.data["i"]).toBe(5);
    expect(row.data["iset"]).toEqual([2]);
    expect([...(row.data["smap"] as Map<string, string>)].sort()).toEqual([["p", "q"], ["x", "y"]]);
  });
});

describe("write-ahead logging", () => {
  it("fails a transaction with I/O error and changes nothing when the log cannot be written", () => {
    const path = join(tmp(), "c.db");
    const f = openDatabaseFile(path, { schema: SCHEMA });
    f.database.execute([{ op: "insert", table: "Root", row: { name: "a" } }], ctx);
    f.close(); // the file is closed: the next write fails
    const db = f.database;
    db.setWriteAhead(() => {
      throw new Error("disk full");
    });
    const seen: unknown[] = [];
    db.onCommit((t) => seen.push(t));
    const out = db.execute([{ op: "insert", table: "Root", row: { name: "b" } }], ctx);
    expect(out.kind === "done" && out.results[1]).toMatchObject({ error: "I/O error" });
    expect(db.rows("Root").size).toBe(1);
    expect(seen).toEqual([]);
  });
});
