import { describe, expect, it } from "vitest";
import { TableStore } from "../../../src/ovsdb/cache/table-store.js";
import { datumKey } from "../../../src/ovsdb/cache/indexes.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const ACL1 = "22222222-2222-4222-8222-222222222222";
const ACL2 = "33333333-3333-4333-8333-333333333333";

/** A Port_Group store with the schema's unique `name` index and a client-defined `acls[]` membership index. */
function store(): TableStore {
  return new TableStore(model.schema.tables.get("Port_Group")!, undefined, {
    "acls[]": { key: (row) => row["acls"] as string[] },
    ext: { mapKey: ["external_ids", "owner"] },
  });
}

describe("TableStore: updates keep the indexes pointing at the stored row", () => {
  it("re-points unchanged keys at the new row and moves changed ones", () => {
    const t = store();
    const a = t.decode(U1, { name: "pg1", acls: ["set", [["uuid", ACL1]]], external_ids: ["map", [["owner", "np1"]]] });
    t.put(U1, a, undefined);
    const unique = t.uniques.find((u) => u.columns.length === 1 && u.columns[0] === "name")!;
    expect(unique.map.get(datumKey("pg1"))).toBe(a);

    // A change of a column no index reads: every entry now points at the new row, none at the old.
    const b = t.merge(a, { ports: ["set", []] , external_ids: ["map", []] });
    expect(b["external_ids"]).toEqual(new Map([["owner", "np1"]]));
    t.put(U1, b, a);
    expect(unique.map.get(datumKey("pg1"))).toBe(b);
    expect([...t.indexes.get("acls[]")!.get(datumKey(ACL1))!]).toEqual([b]);
    expect([...t.indexes.get("ext")!.get(datumKey("np1"))!]).toEqual([b]);

    // A change of indexed columns: the old keys are gone, the new ones hold the row.
    const c = t.merge(b, { name: "pg2", acls: ["set", [["uuid", ACL1], ["uuid", ACL2]]], external_ids: ["map", [["owner", "np1"]]] });
    t.put(U1, c, b);
    expect(unique.map.has(datumKey("pg1"))).toBe(false);
    expect(unique.map.get(datumKey("pg2"))).toBe(c);
    expect(t.indexes.get("acls[]")!.get(datumKey(ACL1))).toBeUndefined();
    expect([...t.indexes.get("acls[]")!.get(datumKey(ACL2))!]).toEqual([c]);
    expect(t.indexes.get("ext")!.get(datumKey("np1"))).toBeUndefined();
    expect(t.indexes.get("acls[]")!.keys).toBe(1);

    // Dropped: no entry left anywhere.
    expect(t.drop(U1)).toBe(c);
    expect(unique.map.size).toBe(0);
    expect(t.indexes.get("acls[]")!.keys).toBe(0);
  });
});

describe("TableStore: indexes that declare the columns they read", () => {
  /** A small deterministic PRNG (mulberry32). */
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const UUIDS = Array.from({ length: 6 }, (_, i) => `${String(i + 1).repeat(8)}-1111-4111-8111-111111111111`);
  const ACLS = Array.from({ length: 5 }, (_, i) => `aaaaaaa${i}-2222-4222-8222-222222222222`);
  const acls = { key: (row: Row) => row["acls"] as string[] };
  const ext = { key: (row: Row) => [...((row["external_ids"] as Map<string, string>) ?? new Map())].map(([k, v]) => `${k}=${v}`) };
  const make = (reads: boolean) =>
    new TableStore(model.schema.tables.get("Port_Group")!, undefined, {
      "acls[]": reads ? { ...acls, reads: ["acls"] } : acls,
      "ext[]": reads ? { ...ext, reads: ["external_ids"] } : ext,
      name: { columns: ["name"] },
      owner: { mapKey: ["external_ids", "owner"] },
    });
  /** Every index's contents as key -> sorted UUIDs, and the unique index by name. */
  const dump = (t: TableStore) => {
    const out: Record<string, Record<string, string[]>> = {};
    for (const [name] of t.indexes) out[name] = {};
    const keys = [...ACLS.map((a) => datumKey(a)), ...["owner=a", "owner=b", "x=1"].map((k) => datumKey(k)), ...["pg0", "pg1", "pg2"].map((n) => datumKey(n)), datumKey("a"), datumKey("b")];
    for (const [name, ix] of t.indexes) for (const k of keys) {
      const rows = ix.get(k);
      if (rows && rows.size > 0) out[name]![k] = [...rows].map((r) => {
        expect(t.rows.get(r["_uuid"] as string)).toBe(r); // never a stale row object
        return r["_uuid"] as string;
      }).sort();
    }
    const unique = t.uniques.find((u) => u.columns.length === 1 && u.columns[0] === "name")!;
    out["unique"] = Object.fromEntries([...unique.map].map(([k, r]) => [k, [r["_uuid"] as string]]));
    return out;
  };

  it("keep the same entries as indexes that recompute every key (randomized updates)", () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const a = make(true);
    const b = make(false);
    for (let step = 0; step < 1500; step++) {
      const uuid = pick(UUIDS);
      const old = a.rows.get(uuid);
      if (!old) {
        const json = { name: `pg${UUIDS.indexOf(uuid)}`, acls: ["set", ACLS.filter(() => r() < 0.3).map((u) => ["uuid", u])], external_ids: ["map", r() < 0.5 ? [["owner", pick(["a", "b"])]] : []] };
        a.put(uuid, a.decode(uuid, json), undefined);
        b.put(uuid, b.decode(uuid, json), undefined);
      } else if (r() < 0.1) {
        a.drop(uuid);
        b.drop(uuid);
      } else {
        // A diff of some columns: ports only (no index reads it), acls toggles, external_ids changes.
        const diff: Record<string, unknown> = {};
        if (r() < 0.5) diff["ports"] = ["set", []];
        if (r() < 0.4) diff["acls"] = ["set", [["uuid", pick(ACLS)]]];
        if (r() < 0.3) diff["external_ids"] = ["map", [[pick(["owner", "x"]), pick(["a", "b", "1"])]]];
        const oldB = b.rows.get(uuid)!;
        a.put(uuid, a.merge(old, diff), old);
        b.put(uuid, b.merge(oldB, diff), oldB);
      }
      expect(dump(a)).toEqual(dump(b));
    }
  });
});
