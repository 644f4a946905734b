/**
 * ChangeTracker: the C IDL's change tracking over a Replica, rule by rule, on the embedded server.
 * (Its agreement with the C IDL itself, scenario by scenario, is checked in
 * test/ovsdb/suite/idl.test.ts against ovsdb-idl.at's `test-ovsdb -c` expectations.)
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangeTracker, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { makeTempDir, removeDir } from "../../../src/testing/process.js";

const schema = parseSchema({
  name: "t",
  tables: {
    a: { columns: { n: { type: "integer" }, s: { type: "string" } }, isRoot: true },
    b: { columns: { ref: { type: { key: { type: "uuid", refTable: "a", refType: "weak" }, min: 0, max: "unlimited" } } }, isRoot: true },
  },
});

describe("ChangeTracker", () => {
  let dir: string;
  let server: OvsdbServer;
  let remote: string;
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-track-");
    server = new OvsdbServer();
    server.addDatabase(schema);
    remote = (await server.listen(`punix:${join(dir, "db.sock")}`)).connect;
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it("tracks inserts (non-default columns), updates (changed columns), deletes, references, and clears", async () => {
    const c = await OvsdbClient.connect(remote);
    const r = await Replica.start(c, schema);
    const tr = new ChangeTracker(r);
    const summary = () =>
      tr
        .rows()
        .map((t) => `${t.table}:${t.row["n"] ?? ""}${t.inserted ? " ins" : ""}${t.deleted ? " del" : ""} [${t.updated.join(" ")}]`)
        .sort();
    try {
      const [x, , y] = (await r.transact([
        { op: "insert", table: "a", row: { n: 1 } },
        { op: "insert", table: "a", row: {} },
        { op: "insert", table: "a", row: { n: 2, s: "two" } },
      ])) as { uuid: [string, string] }[];
      // The all-default row changed no column: not tracked (as the C IDL).
      expect(summary()).toEqual(["a:1 ins [n]", "a:2 ins [n s]"]);
      tr.clear();
      expect(tr.rows()).toEqual([]);

      await r.transact([{ op: "insert", table: "b", row: { ref: ["set", [["uuid", x!.uuid[1]]]] } }]);
      tr.clear();
      await r.transact([{ op: "update", table: "a", where: [["n", "==", 1]], row: { s: "one" } }]);
      // b refers to the modified row: tracked as modified, with no column of its own.
      expect(summary()).toEqual(["a:1 [s]", "b: []"]);
      tr.clear();

      await r.transact([{ op: "update", table: "a", where: [["n", "==", 1]], row: { s: "one" } }]);
      expect(summary()).toEqual([]);

      // Deleting a referenced row: deleted with its last contents; the referrer's weak reference goes.
      await r.transact([{ op: "delete", table: "a", where: [["_uuid", "==", ["uuid", x!.uuid[1]]]] }]);
      expect(summary()).toEqual(["a:1 del []", "b: [ref]"]);
      expect(tr.get("a", x!.uuid[1])!.row["s"]).toBe("one");
      tr.clear();

      // Inserted and deleted between two clears.
      await r.transact([{ op: "insert", table: "a", row: { n: 3 } }]);
      await r.transact([{ op: "delete", table: "a", where: [["n", "==", 3]] }]);
      expect(summary()).toEqual(["a:3 ins del [n]"]);
      tr.clear();

      // Only the tables asked for.
      const onlyB = new ChangeTracker(r, { tables: ["b"] });
      await r.transact([{ op: "update", table: "a", where: [["_uuid", "==", ["uuid", y!.uuid[1]]]], row: { n: 20 } }]);
      expect(onlyB.rows()).toEqual([]);
      expect(summary()).toEqual(["a:20 [n]"]);
      onlyB.close();

      // includeCurrent: the current contents count as inserted (those with a non-default column:
      // a:20; not the all-default a row, nor b, whose only reference went with its row).
      const fromStart = new ChangeTracker(r, { includeCurrent: true });
      expect(fromStart.rows().map((t) => `${t.table}:${t.row["n"] ?? ""} ${t.inserted}`)).toEqual(["a:20 true"]);
      fromStart.close();
    } finally {
      tr.close();
      await r.close();
      c.close();
    }
  });
});
