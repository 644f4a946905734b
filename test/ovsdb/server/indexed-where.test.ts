/**
 * The embedded server answers a `where` with an equality on `_uuid` or on every column of a unique
 * index by a lookup instead of a scan. These tests run each transaction on two databases — the
 * conformance schema with its indexes (`Root.name`, `Other.a`+`b`: lookups) and the same schema
 * without indexes (every `where` scanned) — and compare the replies of every operation.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSchema, readSchemaFile, schemaToJson } from "../../../src/ovsdb/schema/schema.js";
import { Database } from "../../../src/ovsdb/server/index.js";

const INDEXED = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const SCANNED = (() => {
  const json = schemaToJson(INDEXED) as { tables: Record<string, Record<string, unknown>> };
  for (const t of Object.values(json.tables)) delete t["indexes"];
  return parseSchema(json);
})();
const ctx = { ownsLock: () => false };

const U = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;
const COLS = ["_uuid", "name", "i"];

function results(db: Database, ops: unknown[]): unknown[] {
  const out = db.execute(ops, ctx);
  if (out.kind !== "done") throw new Error("blocked");
  return out.results;
}

/** Runs `ops` on both databases; returns the indexed database's replies to the operations after checking they equal the scanning one's. */
function both(pair: { indexed: Database; scanned: Database }, ...ops: unknown[]): unknown[] {
  const a = results(pair.indexed, ops);
  const b = results(pair.scanned, ops);
  // Only the operations' replies are compared: a commit may fail on the indexed side alone (a duplicate name).
  expect(a.slice(0, ops.length)).toEqual(b.slice(0, ops.length));
  return a;
}

function contents(db: Database, table: string): unknown[] {
  return [...db.rows(table).values()].map((r) => ({ uuid: r.uuid, data: r.data })).sort((x, y) => (x.uuid < y.uuid ? -1 : 1));
}

function fresh() {
  const pair = { indexed: new Database(INDEXED), scanned: new Database(SCANNED) };
  both(
    pair,
    ...["a", "b", "c"].map((name, k) => ({ op: "insert", table: "Root", uuid: U(k + 1), row: { name, i: k } })),
    ...[1, 2].map((a, k) => ({ op: "insert", table: "Other", uuid: U(k + 11), row: { a, b: "x" } })),
  );
  return pair;
}

const select = (where: unknown[], table = "Root", columns = COLS) => ({ op: "select", table, where, columns });

describe("where by unique index or _uuid", () => {
  it("finds the row an index or _uuid names, alone or with more clauses, like the scan", () => {
    const p = fresh();
    const r = both(
      p,
      select([["name", "==", "b"]]),
      select([["name", "==", "b"], ["i", "==", 1]]),
      select([["i", "==", 1], ["name", "==", "b"]]),
      select([["name", "==", "b"], ["name", "!=", "a"]]),
      select([["_uuid", "==", ["uuid", U(3)]]]),
      select([["_uuid", "==", ["uuid", U(3)]], ["name", "==", "c"]]),
      select([["a", "==", 2], ["b", "==", "x"]], "Other", ["_uuid", "a", "b"]),
      select([["b", "==", "x"], ["a", "==", 1]], "Other", ["_uuid", "a", "b"]),
      select([["a", "==", 2]], "Other", ["_uuid", "a", "b"]),
    );
    expect(r[0]).toEqual({ rows: [{ _uuid: ["uuid", U(2)], name: "b", i: 1 }] });
    expect(r[6]).toEqual({ rows: [{ _uuid: ["uuid", U(12)], a: 2, b: "x" }] });
  });

  it("finds nothing on a miss, like the scan", () => {
    const p = fresh();
    const r = both(
      p,
      select([["name", "==", "zz"]]),
      select([["name", "==", "b"], ["i", "==", 7]]),
      select([["name", "==", "b"], ["name", "==", "c"]]),
      select([["_uuid", "==", ["uuid", U(99)]]]),
      select([["_uuid", "==", ["uuid", U(11)]]]),
      select([["a", "==", 2], ["b", "==", "y"]], "Other", ["_uuid"]),
      select([["name", "==", "b"], false]),
    );
    for (const x of r) expect(x).toEqual({ rows: [] });
  });

  it("gives the scan's errors for malformed conditions before any lookup", () => {
    const p = fresh();
    const bad: unknown[][] = [
      [["name", "==", 5]],
      [["name", "==", ["set", ["a", "b"]]]],
      [["name", "==", "b"], ["i", "==", "x"]],
      [["i", "==", 1000]],
      [["_uuid", "==", "not-a-uuid"]],
      [["_uuid", "==", ["uuid", "nope"]]],
      [["a", "==", "x"], ["b", "==", "x"]],
      [["name", "=", "b"]],
      [["nosuch", "==", "b"]],
      [["name", "=="]],
    ];
    for (const where of bad) {
      const table = (where[0] as unknown[])[0] === "a" ? "Other" : "Root";
      for (const op of [select(where, table, ["_uuid"]), { op: "delete", table, where }, { op: "update", table, where, row: {} }]) {
        const r = both(p, op);
        expect(r[0]).toHaveProperty("error");
      }
    }
    expect(contents(p.indexed, "Root")).toEqual(contents(p.scanned, "Root"));
  });

  it("sees rows inserted and deleted earlier in the same transaction", () => {
    const p = fresh();
    const r = both(
      p,
      { op: "insert", table: "Root", uuid: U(4), row: { name: "d", i: 4 } },
      select([["name", "==", "d"]]),
      { op: "delete", table: "Root", where: [["name", "==", "b"]] },
      select([["name", "==", "b"]]),
      { op: "insert", table: "Root", uuid: U(5), row: { name: "b", i: 5 } },
      select([["name", "==", "b"]]),
      { op: "delete", table: "Root", where: [["name", "==", "d"]] },
      select([["name", "==", "d"]]),
      { op: "update", table: "Root", where: [["name", "==", "b"]], row: { i: 6 } },
      { op: "mutate", table: "Root", where: [["name", "==", "c"]], mutations: [["i", "+=", 10]] },
      select([["name", "==", "c"]]),
      { op: "wait", table: "Root", where: [["name", "==", "b"]], columns: ["name", "i"], until: "==", rows: [{ name: "b", i: 6 }], timeout: 0 },
      { op: "insert", table: "Other", uuid: U(13), row: { a: 3, b: "x" } },
      select([["a", "==", 3], ["b", "==", "x"]], "Other", ["_uuid"]),
      select([["_uuid", "==", ["uuid", U(2)]]]),
      select([["_uuid", "==", ["uuid", U(5)]]]),
    );
    expect(r[1]).toEqual({ rows: [{ _uuid: ["uuid", U(4)], name: "d", i: 4 }] });
    expect(r[2]).toEqual({ count: 1 });
    expect(r[3]).toEqual({ rows: [] });
    expect(r[5]).toEqual({ rows: [{ _uuid: ["uuid", U(5)], name: "b", i: 5 }] });
    expect(r[7]).toEqual({ rows: [] });
    expect(r[10]).toEqual({ rows: [{ _uuid: ["uuid", U(3)], name: "c", i: 12 }] });
    expect(r[11]).toEqual({});
    expect(r[13]).toEqual({ rows: [{ _uuid: ["uuid", U(13)] }] });
    expect(r).toHaveLength(16);
    expect(contents(p.indexed, "Root")).toEqual(contents(p.scanned, "Root"));
    // Later transactions look up the committed index.
    both(p, select([["name", "==", "b"]]), select([["name", "==", "d"]]), select([["name", "==", "c"], ["i", ">", 11]]));
  });

  it("sees a unique index changed by a rename earlier in the same transaction, and duplicates before the commit refuses them", () => {
    const p = fresh();
    const r = both(
      p,
      { op: "update", table: "Root", where: [["name", "==", "a"]], row: { name: "z" } },
      select([["name", "==", "a"]]),
      select([["name", "==", "z"]]),
      // Swap b and c through a temporary name.
      { op: "update", table: "Root", where: [["name", "==", "b"]], row: { name: "tmp" } },
      { op: "update", table: "Root", where: [["name", "==", "c"]], row: { name: "b" } },
      { op: "update", table: "Root", where: [["name", "==", "tmp"]], row: { name: "c" } },
      select([["name", "==", "b"]]),
      select([["name", "==", "c"]]),
      select([["name", "==", "tmp"]]),
      { op: "update", table: "Other", where: [["a", "==", 1], ["b", "==", "x"]], row: { b: "y" } },
      select([["a", "==", 1], ["b", "==", "x"]], "Other", ["_uuid"]),
      select([["a", "==", 1], ["b", "==", "y"]], "Other", ["_uuid"]),
    );
    expect(r[1]).toEqual({ rows: [] });
    expect(r[2]).toEqual({ rows: [{ _uuid: ["uuid", U(1)], name: "z", i: 0 }] });
    expect(r[6]).toEqual({ rows: [{ _uuid: ["uuid", U(3)], name: "b", i: 2 }] });
    expect(r[7]).toEqual({ rows: [{ _uuid: ["uuid", U(2)], name: "c", i: 1 }] });
    expect(r[8]).toEqual({ rows: [] });
    expect(r[10]).toEqual({ rows: [] });
    expect(r[11]).toEqual({ rows: [{ _uuid: ["uuid", U(11)] }] });
    expect(r).toHaveLength(12);
    expect(contents(p.indexed, "Root")).toEqual(contents(p.scanned, "Root"));
    both(p, select([["name", "==", "z"]]), select([["name", "==", "a"]]), select([["name", "==", "b"]]), select([["name", "==", "c"]]));

    // Two rows share a name inside a transaction: both are found, in the scan's order; the commit then fails.
    const dup = both(
      p,
      { op: "update", table: "Root", where: [["name", "==", "c"]], row: { name: "b" } },
      { op: "insert", table: "Root", uuid: U(6), row: { name: "b" } },
      select([["name", "==", "b"]]),
      { op: "mutate", table: "Root", where: [["name", "==", "b"]], mutations: [["i", "+=", 1]] },
    );
    expect(dup[2]).toEqual({
      rows: [
        { _uuid: ["uuid", U(3)], name: "b", i: 2 },
        { _uuid: ["uuid", U(2)], name: "b", i: 1 },
        { _uuid: ["uuid", U(6)], name: "b", i: 0 },
      ],
    });
    expect(dup[3]).toEqual({ count: 3 });
    expect(dup[4]).toMatchObject({ error: "constraint violation" });
  });

  it("agrees with the scan on seeded random transactions", () => {
    let s = 12345;
    const rand = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % n;
    };
    const names = ["a", "b", "c", "d", "e", "f"];
    const p = fresh();
    let next = 100;
    for (let txn = 0; txn < 200; txn++) {
      const ops: unknown[] = [];
      for (let k = 0, n = 1 + rand(5); k < n; k++) {
        const name = names[rand(names.length)]!;
        const where = rand(4) === 0 ? [["name", "==", name], ["i", "<=", rand(20)]] : rand(5) === 0 ? [["_uuid", "==", ["uuid", U(rand(next + 2))]]] : [["name", "==", name]];
        switch (rand(6)) {
          case 0:
            ops.push({ op: "insert", table: "Root", uuid: U(next++), row: { name, i: rand(20) } });
            break;
          case 1:
            ops.push({ op: "update", table: "Root", where, row: { name: names[rand(names.length)]! } });
            break;
          case 2:
            ops.push({ op: "mutate", table: "Root", where, mutations: [["i", "+=", 1]] });
            break;
          case 3:
            ops.push({ op: "delete", table: "Root", where });
            break;
          default:
            ops.push(select(where));
        }
      }
      const a = results(p.indexed, ops);
      // When the indexed side's commit refuses duplicate names, the scanning side is made to abort too, so both stay equal.
      const b = results(p.scanned, a.length > ops.length ? [...ops, { op: "abort" }] : ops);
      expect(a.slice(0, ops.length)).toEqual(b.slice(0, ops.length));
      expect(contents(p.indexed, "Root")).toEqual(contents(p.scanned, "Root"));
    }
  });

  it("goes through the index (white-box: a row left out of the index is not found by name, but still by a scan)", () => {
    const db = new Database(INDEXED);
    results(db, [{ op: "insert", table: "Root", uuid: U(1), row: { name: "a" } }]);
    db.tableData("Root")!.indexes[0]!.clear();
    expect(results(db, [select([["name", "==", "a"]], "Root", ["_uuid"])])).toEqual([{ rows: [] }]);
    expect(results(db, [select([["name", "includes", "a"]], "Root", ["_uuid"])])).toEqual([{ rows: [{ _uuid: ["uuid", U(1)] }] }]);
  });
});

describe("where by a unique index on sets, maps and reals", () => {
  const json = {
    name: "K",
    version: "1.0.0",
    tables: {
      T: {
        columns: {
          s: { type: { key: "string", min: 0, max: "unlimited" } },
          m: { type: { key: "string", value: "integer", min: 0, max: "unlimited" } },
          r: { type: "real" },
          o: { type: { key: "integer", min: 0, max: 1 } },
        },
        indexes: [["s", "r"], ["m"], ["o"]],
        isRoot: true,
      },
    },
  };
  const indexed = parseSchema(json);
  const scanned = parseSchema({ ...json, tables: { T: { ...json.tables.T, indexes: [] } } });

  it("finds rows whatever the order of a set's or map's elements, and 0 for -0, like the scan", () => {
    const p = { indexed: new Database(indexed), scanned: new Database(scanned) };
    both(
      p,
      { op: "insert", table: "T", uuid: U(1), row: { s: ["set", ["b", "a", "c"]], m: ["map", [["y", 2], ["x", 1]]], r: 0, o: 5 } },
      { op: "insert", table: "T", uuid: U(2), row: { s: ["set", []], m: ["map", []], r: 1.5, o: ["set", []] } },
    );
    const sel = (where: unknown[]) => ({ op: "select", table: "T", where, columns: ["_uuid"] });
    const r = both(
      p,
      sel([["s", "==", ["set", ["c", "a", "b"]]], ["r", "==", -0]]),
      sel([["r", "==", 0], ["s", "==", ["set", ["a", "b", "c"]]]]),
      sel([["m", "==", ["map", [["x", 1], ["y", 2]]]]]),
      sel([["m", "==", ["map", [["x", 1]]]]]),
      sel([["s", "==", ["set", []]], ["r", "==", 1.5]]),
      sel([["m", "==", ["map", []]]]),
      sel([["o", "==", 5]]),
      sel([["o", "==", ["set", [5]]]]),
      sel([["o", "==", ["set", []]]]),
      sel([["s", "==", "a"], ["r", "==", 0]]),
      sel([["m", "==", ["map", [["x", "1"]]]]]),
    );
    expect(r.slice(0, 3)).toEqual([{ rows: [{ _uuid: ["uuid", U(1)] }] }, { rows: [{ _uuid: ["uuid", U(1)] }] }, { rows: [{ _uuid: ["uuid", U(1)] }] }]);
    expect(r[3]).toEqual({ rows: [] });
    expect(r.slice(4, 6)).toEqual([{ rows: [{ _uuid: ["uuid", U(2)] }] }, { rows: [{ _uuid: ["uuid", U(2)] }] }]);
    expect(r.slice(6, 9)).toEqual([{ rows: [{ _uuid: ["uuid", U(1)] }] }, { rows: [{ _uuid: ["uuid", U(1)] }] }, { rows: [{ _uuid: ["uuid", U(2)] }] }]);
    expect(r[9]).toEqual({ rows: [] });
    expect(r[10]).toHaveProperty("error");
  });
});
