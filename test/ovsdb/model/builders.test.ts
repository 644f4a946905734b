import { describe, expect, it } from "vitest";
import { OVN_Northbound, Open_vSwitch } from "../../../src/ovsdb/models/index.js";
import { OPERATION_INFO, type TransactClient, asRowUuid } from "../../../src/ovsdb/model/index.js";
import { OvsdbTypeError } from "../../../src/ovsdb/wire/errors.js";
import type { Operation, OperationResult } from "../../../src/ovsdb/wire/operations.js";

const nb = OVN_Northbound.model;
const U1 = "11111111-2222-4333-8444-555555555555";
const U2 = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/** A client that records what would be sent and answers with canned results. */
function fakeClient(results: OperationResult[]): TransactClient & { sent: { db: string; wire: string }[] } {
  const sent: { db: string; wire: string }[] = [];
  return {
    sent,
    async transact(db: string, ops: readonly Operation[]) {
      sent.push({ db, wire: JSON.stringify(ops) });
      return { results };
    },
  };
}

describe("typed builders", () => {
  it("insert encodes native values and names the row", () => {
    const p = nb.table("Logical_Switch_Port").insert(
      { name: "p1", addresses: ["00:00:00:00:00:01 10.0.0.1"], external_ids: { a: "b" }, tag_request: 10 },
      { uuidName: "p1" },
    );
    expect(p.ref).toBe("p1");
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      op: "insert",
      table: "Logical_Switch_Port",
      "uuid-name": "p1",
      row: { name: "p1", addresses: ["set", ["00:00:00:00:00:01 10.0.0.1"]], external_ids: ["map", [["a", "b"]]], tag_request: 10 },
    });
    const sw = nb.table("Logical_Switch").insert({ name: "sw", ports: [p.ref, asRowUuid<"Logical_Switch_Port">(U1)] });
    expect(sw.ref).toMatch(/^Logical_Switch_\d+$/);
    expect(sw["uuid-name"]).toBe(sw.ref);
    expect(sw.row?.["ports"]).toEqual(["set", [["named-uuid", "p1"], ["uuid", U1]]]);
    // ref and the decoder are not part of the wire form
    expect(Object.keys(sw).sort()).toEqual(["op", "row", "table", "uuid-name"]);
    expect(JSON.stringify(sw)).not.toContain("ref");
  });

  it("checks constraints before anything is sent", () => {
    const acl = nb.table("ACL");
    expect(() => acl.insert({ direction: "to-lport", action: "drop", priority: 40000 })).toThrow(OvsdbTypeError);
    expect(() => acl.insert({ direction: "to-lport", action: "drop", priority: 40000 })).toThrow(/ACL\.priority: .*40000/);
    expect(() => acl.insert({ direction: "to-lport", action: "drop", name: "x".repeat(64) })).toThrow(/ACL\.name: .*length 64/);
    // what the types forbid is refused at runtime too (for JavaScript callers)
    expect(() => acl.insert({ direction: "to-lport", action: "accept" } as never)).toThrow(/ACL\.action: .*not one of/);
    expect(() => acl.insert({ action: "drop" } as never)).toThrow(/lacks required column\(s\) direction/);
    expect(() => acl.insert({ direction: "to-lport", action: "drop", _uuid: U1 } as never)).toThrow(/ACL\._uuid: column is read-only/);
    expect(() => Open_vSwitch.model.table("Bridge").update({ name: "br0" }, { name: "br1" } as never)).toThrow(/Bridge\.name: column is immutable/);
    expect(() => acl.select([["match", "<", "x"] as never])).toThrow(/ACL\.match: "<" applies only/);
    expect(() => acl.select([["nope", "==", 1] as never])).toThrow(/ACL\.nope: no such column/);
  });

  it("encodes typed conditions and mutations", () => {
    const ls = nb.table("Logical_Switch");
    const lspRef = asRowUuid<"Logical_Switch_Port">(U2);
    const op = ls.mutate(
      [
        ["name", "==", "sw0"],
        ["external_ids", "includes", { owner: "me" }],
      ],
      [
        ["ports", "insert", [lspRef]],
        ["external_ids", "delete", ["stale"]],
        ["other_config", "insert", new Map([["subnet", "10.0.0.0/24"]])],
      ],
    );
    expect(JSON.parse(JSON.stringify(op))).toEqual({
      op: "mutate",
      table: "Logical_Switch",
      where: [
        ["name", "==", "sw0"],
        ["external_ids", "includes", ["map", [["owner", "me"]]]],
      ],
      mutations: [
        ["ports", "insert", ["set", [["uuid", U2]]]],
        ["external_ids", "delete", ["set", ["stale"]]],
        ["other_config", "insert", ["map", [["subnet", "10.0.0.0/24"]]]],
      ],
    });
    const acl = nb.table("ACL").mutate({ name: "a" }, [["priority", "+=", 10]]);
    expect(acl.mutations).toEqual([["priority", "+=", 10]]);
    expect(acl.where).toEqual([["name", "==", "a"]]);
    const upd = nb.table("ACL").update([["priority", ">=", 100], ["severity", "==", undefined]], { log: true, severity: "info" });
    expect(upd.where).toEqual([["priority", ">=", 100], ["severity", "==", ["set", []]]]);
    expect(upd.row).toEqual({ log: true, severity: "info" });
  });

  it("select asks for the model's columns only", () => {
    const s = nb.table("Address_Set").select();
    expect(s.columns).toEqual(["_uuid", "_version", "name", "addresses", "external_ids"]);
    expect(nb.table("Address_Set").select({ name: "as" }, ["addresses"]).columns).toEqual(["addresses"]);
  });

  it("transact decodes results into typed values", async () => {
    const as = nb.table("Address_Set");
    const client = fakeClient([
      { uuid: ["uuid", U1.toUpperCase()] },
      { rows: [{ _uuid: ["uuid", U1], _version: ["uuid", U2], name: "as", addresses: ["set", ["10.0.0.1", "10.0.0.2"]], external_ids: ["map", [["k", "v"]]] }] },
      { count: 1 },
      {},
      { count: 2 },
    ]);
    const [id, rows, n, raw, deleted] = await nb.transact(client, [
      as.insert({ name: "as", addresses: ["10.0.0.1", "10.0.0.2"] }),
      as.select({ name: "as" }),
      as.update({ name: "as" }, { external_ids: { k: "v" } }),
      { op: "comment", comment: "untyped operations pass through" },
      as.delete({ name: "as" }),
    ]);
    expect(client.sent[0]?.db).toBe("OVN_Northbound");
    expect(id).toBe(U1);
    expect(rows).toEqual([{ _uuid: U1, _version: U2, name: "as", addresses: ["10.0.0.1", "10.0.0.2"], external_ids: new Map([["k", "v"]]) }]);
    expect(n).toBe(1);
    expect(raw).toEqual({});
    expect(deleted).toBe(2);
  });

  it("keeps each operation's info and ref off its wire form, for every kind", () => {
    const LS = nb.table("Logical_Switch");
    const ins = LS.insert({ name: "sw" }, { uuidName: "sw" });
    const u1 = asRowUuid<"Logical_Switch">(U1);
    const port = nb.table("Logical_Switch_Port").insert({ name: "p" }, { uuidName: "p" });
    const ops = [ins, port, LS.select({ name: "sw" }), LS.update({ _uuid: u1 }, { name: "x" }), LS.mutate({ _uuid: u1 }, [["ports", "insert", [port.ref]]]), LS.delete({ _uuid: u1 }), LS.wait({ name: "sw" }, { columns: ["name"], until: "==", rows: [] })];
    for (const op of ops) {
      expect(op[OPERATION_INFO].database).toBe("OVN_Northbound");
      // Only the wire form is the operation's own, enumerable data: a copy or its JSON has nothing else.
      const copy = JSON.parse(JSON.stringify(op)) as object;
      expect(op).toStrictEqual(copy);
      expect({ ...op }).toStrictEqual(copy);
      expect(Object.getOwnPropertySymbols({ ...op })).toEqual([]);
      expect(Object.keys(op)).toEqual(Object.keys(copy));
    }
    expect(ins.ref).toBe("sw");
    expect(port.ref).toBe("p");
    expect(JSON.stringify(ops[4])).toBe(`{"op":"mutate","table":"Logical_Switch","where":[["_uuid","==",["uuid","${U1}"]]],"mutations":[["ports","insert",["set",[["named-uuid","p"]]]]]}`);
  });

  it("refuses operations of another database's model", async () => {
    const br = Open_vSwitch.model.table("Bridge").insert({ name: "br0" });
    expect(br[OPERATION_INFO].database).toBe("Open_vSwitch");
    await expect(nb.transact(fakeClient([]), [br])).rejects.toThrow(/built by the Open_vSwitch model/);
  });
});
