import { describe, expect, it } from "vitest";
import { applyUpdates2 } from "../../../src/ovsdb/cache/apply.js";
import { LARGE_SET } from "../../../src/ovsdb/cache/large-set.js";
import type { RowChange } from "../../../src/ovsdb/cache/row-change.js";
import { TableStore, largeSetOf } from "../../../src/ovsdb/cache/table-store.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbTypeError } from "../../../src/ovsdb/wire/errors.js";
import type { JsonSet, JsonUuid } from "../../../src/ovsdb/wire/notation.js";

const SW = "aaaaaaaa-0000-4000-8000-000000000000";
const uuid = (i: number) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-00000000000${i % 10}`;
const set = (xs: readonly string[]): JsonSet => ["set", xs.map((u): JsonUuid => ["uuid", u])];

/** A deterministic pseudo-random sequence (so a failure reproduces). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The reference: a set diff applied to a copy, as RFC 7047 / ovsdb-server(1) define it (kept in place, added appended). */
function applyToCopy(cur: readonly string[], toggles: readonly string[]): string[] {
  const gone = new Set(toggles.filter((a) => cur.includes(a)));
  return [...cur.filter((a) => !gone.has(a)), ...toggles.filter((a) => !cur.includes(a))];
}

function switches(): TableStore {
  return new TableStore(model.schema.tables.get("Logical_Switch")!, undefined, { name: { columns: ["name"] } });
}

describe("TableStore: large set columns are updated by their diffs, without a copy per update", () => {
  it("gives every row, old or new, read in any order, the value applying each diff to a copy gives", () => {
    const t = switches();
    const start = Array.from({ length: 150 }, (_, i) => uuid(i));
    let row = t.decode(SW, { name: "sw", ports: set(start) });
    t.put(SW, row, undefined);
    const rows: Row[] = [row];
    const expected: string[][] = [start];
    const rand = rng(7);
    let next = 150;
    for (let step = 0; step < 600; step++) {
      const cur = expected.at(-1)!;
      const toggles = new Set<string>();
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const r = rand();
        // Add a new element, remove a present one, or re-add one removed earlier.
        if (r < 0.5) toggles.add(uuid(next++));
        else if (r < 0.85 && cur.length > 0) toggles.add(cur[Math.floor(rand() * cur.length)]!);
        else toggles.add(uuid(Math.floor(rand() * next)));
      }
      const diff = [...toggles];
      const old = row;
      row = t.merge(old, { ports: set(diff), name: `sw${step}` });
      t.put(SW, row, old);
      rows.push(row);
      expected.push(applyToCopy(cur, diff));
      // Read some rows on the way (builds a value in the middle of the chain), most never.
      if (step % 97 === 0) expect(row["ports"]).toEqual(expected.at(-1));
    }
    // Nothing read since the last check: the newest value is a diff, not a built array.
    expect(largeSetOf(row, "ports")?.built).toBe(false);
    const order = rows.map((_, i) => i);
    order.sort(() => rand() - 0.5);
    for (const i of order) {
      expect(rows[i]!["ports"], `row ${i}`).toEqual(expected[i]);
      expect(rows[i]!["name"]).toBe(i === 0 ? "sw" : `sw${i - 1}`);
    }
    // Read twice: the same array (built once).
    expect(rows[300]!["ports"]).toBe(rows[300]!["ports"]);
  });

  it("keeps rows frozen, plain to spread, list and compare, and leaves the old row's arrays alone", () => {
    const t = switches();
    const start = Array.from({ length: LARGE_SET }, (_, i) => uuid(i));
    const a = t.decode(SW, { name: "sw", ports: set(start), acls: set([uuid(900)]) });
    t.put(SW, a, undefined);
    const aPorts = a["ports"];
    const b = t.merge(a, { ports: set([uuid(1000)]) });
    t.put(SW, b, a);
    expect(a["ports"]).toBe(aPorts);
    expect(aPorts).toEqual(start);
    expect(Object.isFrozen(b)).toBe(true);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    const copy = { ...b };
    expect(Object.getOwnPropertyDescriptor(copy, "ports")?.value).toEqual([...start, uuid(1000)]);
    expect(b).toEqual({ ...a, ports: [...start, uuid(1000)] });
    expect(() => {
      (b as Record<string, unknown>)["ports"] = [];
    }).toThrow(TypeError);
    // A further diff of another column keeps the large set as it was.
    const c = t.merge(b, { acls: set([uuid(900)]) });
    expect(c["acls"]).toEqual([]);
    expect(c["ports"]).toEqual([...start, uuid(1000)]);
    expect(b["acls"]).toEqual([uuid(900)]);
    // Small sets are still plain arrays.
    expect(largeSetOf(c, "acls")).toBeUndefined();
    expect(largeSetOf(c, "ports")).toBeDefined();
  });

  it("bounds the diffs a never-read value holds", () => {
    const t = switches();
    let row = t.decode(SW, { name: "sw", ports: set(Array.from({ length: 100 }, (_, i) => uuid(i))) });
    for (let i = 0; i < 3000; i++) row = t.merge(row, { ports: set([uuid(1000 + i)]) });
    const v = largeSetOf(row, "ports")!;
    expect(v.size).toBe(3100);
    expect(v.pending).toBeLessThanOrEqual(3100);
    expect(v.pending).toBeLessThan(3000);
    expect((row["ports"] as string[]).length).toBe(3100);
  });

  it("rejects a diff that breaks the column's size limit, and the row still takes diffs after", () => {
    const schema = parseSchema({
      name: "S",
      version: "1.0.0",
      tables: { T: { columns: { s: { type: { key: "integer", min: 0, max: 100 } } } } },
    });
    const t = new TableStore(schema.tables.get("T")!, undefined);
    const start = Array.from({ length: 99 }, (_, i) => i);
    const r0 = t.decode(SW, { s: ["set", start] });
    const r1 = t.merge(r0, { s: ["set", [500]] });
    expect((r1["s"] as number[]).length).toBe(100);
    let err: unknown;
    try {
      t.merge(r1, { s: ["set", [501]] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OvsdbTypeError);
    expect(err).toMatchObject({ table: "T", column: "s" });
    expect(r1["s"]).toEqual([...start, 500]);
    const r2 = t.merge(r1, { s: ["set", [0, 501]] });
    expect(r2["s"]).toEqual([...start.slice(1), 500, 501]);
    expect(r1["s"]).toEqual([...start, 500]);
  });

  it("reports the old and new row of each update to listeners with their own values (applyUpdates2)", () => {
    const t = switches();
    const tables = new Map([["Logical_Switch", t]]);
    const start = Array.from({ length: 200 }, (_, i) => uuid(i));
    applyUpdates2(tables, { Logical_Switch: { [SW]: { insert: { name: "sw", ports: set(start) } } } }, []);
    const seen: RowChange[] = [];
    for (let i = 0; i < 5; i++) applyUpdates2(tables, { Logical_Switch: { [SW]: { modify: { ports: set([uuid(i), uuid(500 + i)]) } } } }, seen);
    let cur = start;
    for (const [i, ch] of seen.entries()) {
      if (ch.kind !== "update") throw new Error(ch.kind);
      expect(ch.old["ports"]).toEqual(cur);
      cur = applyToCopy(cur, [uuid(i), uuid(500 + i)]);
      expect(ch.new["ports"]).toEqual(cur);
    }
    expect(t.rows.get(SW)!["ports"]).toEqual(cur);
  });
});
