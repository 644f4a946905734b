import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { Database } from "../../../src/ovsdb/server/index.js";

const SCHEMA = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const ctx = { ownsLock: (n: string) => n === "mine" };

function run(db: Database, ...ops: unknown[]) {
  const out = db.execute(ops, ctx);
  if (out.kind !== "done") throw new Error("blocked");
  return out.results;
}

describe("Database transactions", () => {
  it("inserts, selects and reports results in order", () => {
    const db = new Database(SCHEMA);
    const r = run(db, { op: "insert", table: "Root", row: { name: "a", iset: ["set", [2, 1]] } }, { op: "select", table: "Root", where: [["name", "==", "a"]], columns: ["iset", "name"] });
    expect(r[0]).toHaveProperty("uuid");
    expect(r[1]).toEqual({ rows: [{ iset: ["set", [1, 2]], name: "a" }] });
  });

  it("is all or nothing: a failing operation discards earlier ones", () => {
    const db = new Database(SCHEMA);
    const r = run(db, { op: "insert", table: "Root", row: { name: "a" } }, { op: "insert", table: "Root", row: { name: "b", i: 500 } }, { op: "comment", comment: "x" });
    expect(r[1]).toMatchObject({ error: "constraint violation" });
    expect(r[2]).toBeNull();
    expect(db.rows("Root").size).toBe(0);
  });

  it("fails the commit on a unique index and keeps the database unchanged", () => {
    const db = new Database(SCHEMA);
    run(db, { op: "insert", table: "Root", row: { name: "a" } });
    const r = run(db, { op: "insert", table: "Root", row: { name: "a" } });
    expect(r).toHaveLength(2);
    expect(r[1]).toMatchObject({ error: "constraint violation" });
    expect(db.rows("Root").size).toBe(1);
  });

  it("garbage-collects unreferenced rows of non-root tables, transitively", () => {
    const db = new Database(SCHEMA);
    run(
      db,
      { op: "insert", table: "Root", row: { name: "a", kids: ["named-uuid", "k"] } },
      { op: "insert", table: "Child", "uuid-name": "k", row: { n: 1, grand: ["named-uuid", "g"] } },
      { op: "insert", table: "Grand", "uuid-name": "g", row: { v: "x" } },
      { op: "insert", table: "Child", row: { n: 2 } },
    );
    expect(db.rows("Child").size).toBe(1);
    expect(db.rows("Grand").size).toBe(1);
    run(db, { op: "update", table: "Root", where: [], row: { kids: ["set", []] } });
    expect(db.rows("Child").size).toBe(0);
    expect(db.rows("Grand").size).toBe(0);
  });

  it("keeps reference counts right when a big set gains and loses children one at a time", () => {
    const db = new Database(SCHEMA);
    run(db, { op: "insert", table: "Root", row: { name: "big" } });
    const kids: string[] = [];
    for (let i = 0; i < 80; i++) {
      const r = run(db, { op: "insert", table: "Child", "uuid-name": "k", row: { n: i } }, { op: "mutate", table: "Root", where: [["name", "==", "big"]], mutations: [["kids", "insert", ["named-uuid", "k"]]] });
      kids.push((r[0] as { uuid: [string, string] }).uuid[1]);
    }
    expect(db.rows("Child").size).toBe(80);
    // Each child is referenced once: deleting one still referenced fails, dropping it from the set collects it.
    expect(run(db, { op: "delete", table: "Child", where: [["_uuid", "==", ["uuid", kids[3]!]]] })[1]).toMatchObject({ error: "referential integrity violation" });
    run(db, { op: "mutate", table: "Root", where: [["name", "==", "big"]], mutations: [["kids", "delete", ["set", [["uuid", kids[3]!], ["uuid", kids[70]!]]]]] });
    expect(db.rows("Child").size).toBe(78);
    expect(db.rows("Child").has(kids[3]!)).toBe(false);
    // A failed transaction leaves the set and the counts as they were; the set keeps working afterwards.
    const bad = run(db, { op: "mutate", table: "Root", where: [["name", "==", "big"]], mutations: [["kids", "delete", ["uuid", kids[4]!]]] }, { op: "abort" });
    expect(bad[1]).toMatchObject({ error: "aborted" });
    run(db, { op: "mutate", table: "Root", where: [["name", "==", "big"]], mutations: [["kids", "delete", ["uuid", kids[5]!]]] });
    expect(db.rows("Child").size).toBe(77);
    expect(db.rows("Child").has(kids[4]!)).toBe(true);
    run(db, { op: "update", table: "Root", where: [], row: { kids: ["set", []] } });
    expect(db.rows("Child").size).toBe(0);
  });

  it("keeps reference counts right when one commit changes more big sets than the commit's difference cache holds", () => {
    const db = new Database(SCHEMA);
    const roots = 20;
    const kids: string[][] = [];
    for (let r = 0; r < roots; r++) {
      run(db, { op: "insert", table: "Root", row: { name: `r${r}` } });
      kids.push([]);
      for (let i = 0; i < 70; i++) {
        const out = run(db, { op: "insert", table: "Child", "uuid-name": "k", row: { n: i } }, { op: "mutate", table: "Root", where: [["name", "==", `r${r}`]], mutations: [["kids", "insert", ["named-uuid", "k"]]] });
        kids[r]!.push((out[0] as { uuid: [string, string] }).uuid[1]);
      }
    }
    expect(db.rows("Child").size).toBe(roots * 70);
    // One transaction: every root gains a new child and loses its first one.
    const ops: unknown[] = [];
    for (let r = 0; r < roots; r++) {
      ops.push({ op: "insert", table: "Child", "uuid-name": `n${r}`, row: { n: 1000 + r } });
      ops.push({ op: "mutate", table: "Root", where: [["name", "==", `r${r}`]], mutations: [["kids", "insert", ["named-uuid", `n${r}`]], ["kids", "delete", ["uuid", kids[r]![0]!]]] });
    }
    const res = run(db, ...ops);
    expect(res.filter((x) => x !== null && typeof x === "object" && "error" in x)).toEqual([]);
    expect(db.rows("Child").size).toBe(roots * 70);
    for (let r = 0; r < roots; r++) expect(db.rows("Child").has(kids[r]![0]!)).toBe(false);
    // The new children are counted as referenced: deleting one fails; dropping every set collects them all.
    const newKid = [...db.rows("Child").entries()].find(([, row]) => row.data["n"] === 1000 + roots - 1)![0];
    expect(run(db, { op: "delete", table: "Child", where: [["_uuid", "==", ["uuid", newKid]]] })[1]).toMatchObject({ error: "referential integrity violation" });
    run(db, { op: "update", table: "Root", where: [], row: { kids: ["set", []] } });
    expect(db.rows("Child").size).toBe(0);
  });

  it("refuses to delete a strongly referenced row", () => {
    const db = new Database(SCHEMA);
    run(db, { op: "insert", table: "Root", row: { name: "a", kids: ["named-uuid", "k"] } }, { op: "insert", table: "Child", "uuid-name": "k", row: { n: 1 } });
    const r = run(db, { op: "delete", table: "Child", where: [] });
    expect(r[1]).toMatchObject({ error: "referential integrity violation" });
    expect((r[1] as { details: string }).details).toMatch(/because of 1 remaining reference\(s\)$/);
  });

  it("removes weak references when their target goes", () => {
    const db = new Database(SCHEMA);
    run(db, { op: "insert", table: "Other", "uuid-name": "o", row: { a: 1 } }, { op: "insert", table: "Root", row: { name: "w", weak: ["named-uuid", "o"] } });
    const before = [...db.rows("Root").values()][0]!;
    expect(before.data["weak"]).toHaveLength(1);
    run(db, { op: "delete", table: "Other", where: [] });
    const after = [...db.rows("Root").values()][0]!;
    expect(after.data["weak"]).toEqual([]);
    expect(after.version).not.toBe(before.version);
  });

  it("enforces maxRows and immutable columns", () => {
    const db = new Database(SCHEMA);
    const r = run(db, ...[1, 2, 3, 4].map((a) => ({ op: "insert", table: "Other", row: { a } })));
    expect(r[4]).toMatchObject({ error: "constraint violation" });
    const r2 = run(db, { op: "insert", table: "Root", row: { name: "a", fixed: "x" } }, { op: "update", table: "Root", where: [], row: { fixed: "y" } });
    expect(r2[1]).toMatchObject({ error: "constraint violation", details: "Cannot update immutable column fixed in table Root." });
  });

  it("mutates with the shared mutation code and reports domain and range errors", () => {
    const db = new Database(SCHEMA);
    run(db, { op: "insert", table: "Root", row: { name: "a", i: 7, r: 1, smap: ["map", [["a", "1"]]] } });
    run(db, { op: "mutate", table: "Root", where: [], mutations: [["i", "%=", 4], ["smap", "insert", ["map", [["a", "2"], ["b", "2"]]]]] });
    const row = [...db.rows("Root").values()][0]!;
    expect(row.data["i"]).toBe(3);
    expect([...(row.data["smap"] as Map<string, string>)]).toEqual([["a", "1"], ["b", "2"]]);
    expect(run(db, { op: "mutate", table: "Root", where: [], mutations: [["i", "/=", 0]] })[0]).toMatchObject({ error: "domain error" });
    expect(run(db, { op: "mutate", table: "Root", where: [], mutations: [["r", "*=", 1e308]] }, { op: "mutate", table: "Root", where: [], mutations: [["r", "*=", 1e308]] })[1]).toMatchObject({ error: "range error" });
  });

  it("asserts locks through the context", () => {
    const db = new Database(SCHEMA);
    expect(run(db, { op: "assert", lock: "mine" })).toEqual([{}]);
    expect(run(db, { op: "assert", lock: "theirs" })[0]).toMatchObject({ error: "not owner" });
  });

  it("blocks an unmet wait with a timeout, and times it out when told", () => {
    const db = new Database(SCHEMA);
    const wait = { op: "wait", table: "Root", where: [], columns: ["name"], until: "==", rows: [{ name: "x" }], timeout: 1000 };
    expect(db.execute([wait], ctx)).toEqual({ kind: "blocked", timeoutMs: 1000 });
    const out = db.execute([wait], { ...ctx, waitTimedOut: true });
    expect(out.kind === "done" && out.results[0]).toMatchObject({ error: "timed out" });
  });

  it("answers garbage with typed errors, never throws", () => {
    const db = new Database(SCHEMA);
    for (const op of [null, 5, "x", [], { op: 5 }, { op: "insert", table: "Root", row: [] }, { op: "select", table: "Root", where: [[1, 2, 3]] }, { op: "mutate", table: "Root", where: [], mutations: [null] }]) {
      const r = run(db, op);
      expect(r[0]).toHaveProperty("error");
    }
  });

  it("notifies commit listeners with the row changes and skips no-op updates", () => {
    const db = new Database(SCHEMA);
    const seen: number[] = [];
    db.onCommit((t) => seen.push(t.changes.length));
    run(db, { op: "insert", table: "Root", row: { name: "a" } });
    run(db, { op: "update", table: "Root", where: [], row: { name: "a" } });
    run(db, { op: "update", table: "Root", where: [], row: { name: "b" } });
    expect(seen).toEqual([1, 1]);
  });
});
