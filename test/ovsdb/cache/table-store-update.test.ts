import { describe, expect, it } from "vitest";
import { TableStore } from "../../../src/ovsdb/cache/table-store.js";
import { datumKey } from "../../../src/ovsdb/cache/indexes.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";

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
