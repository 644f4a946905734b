import { describe, expect, it } from "vitest";
import { TableStore } from "../../../src/ovsdb/cache/table-store.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const V1 = "22222222-2222-4222-8222-222222222222";
const REF = "33333333-3333-4333-8333-333333333333";

/** Column name → value, in the row's own key order (so a different column order fails too). */
const entries = (row: object) => Object.entries(row);

describe("TableStore.fromNative: a writer's own insert stored from its native values", () => {
  it.each([
    [
      "a pod port (sets, maps, an optional string given bare)",
      "Logical_Switch_Port",
      { name: "p0.ns0", addresses: ["00:00:00:00:00:01 10.0.0.2"], port_security: ["00:00:00:00:00:01 10.0.0.2"], options: new Map([["requested-chassis", "node0"]]), external_ids: new Map([["pod", "ns0/p0"], ["vendor", "kube-ovn"]]), type: "" },
      { name: "p0.ns0", addresses: ["set", ["00:00:00:00:00:01 10.0.0.2"]], port_security: ["set", ["00:00:00:00:00:01 10.0.0.2"]], options: ["map", [["requested-chassis", "node0"]]], external_ids: ["map", [["pod", "ns0/p0"], ["vendor", "kube-ovn"]]], type: "" },
    ],
    [
      "optional and scalar columns given as one-element arrays, an empty optional, a reference",
      "Logical_Switch_Port",
      { name: "p1", tag_request: [7], parent_name: [], dhcpv4_options: REF, enabled: [true] },
      { name: "p1", tag_request: ["set", [7]], parent_name: ["set", []], dhcpv4_options: ["uuid", REF], enabled: true },
    ],
    [
      "a router port (a set that may not be empty)",
      "Logical_Router_Port",
      { name: "lr-ls", mac: "00:00:00:00:00:02", networks: ["10.0.0.1/24"] },
      { name: "lr-ls", mac: "00:00:00:00:00:02", networks: ["set", ["10.0.0.1/24"]] },
    ],
  ])("%s: the row decoding its wire form gives", (_what, table, native, wire) => {
    const t = new TableStore(model.schema.tables.get(table)!, undefined);
    const fromNative = t.fromNative(U1, native as never, V1);
    const decoded = t.decode(U1, { ...wire, _version: ["uuid", V1] });
    expect(entries(fromNative)).toEqual(entries(decoded));
    expect(Object.isFrozen(fromNative)).toBe(true);
  });

  it("leaves out columns the replica does not hold and gives the others their defaults", () => {
    const t = new TableStore(model.schema.tables.get("Logical_Switch_Port")!, ["name", "addresses", "options"]);
    const row = t.fromNative(U1, { name: "p2", external_ids: new Map([["a", "b"]]) }, undefined);
    expect(entries(row)).toEqual([
      ["_uuid", U1],
      ["_version", undefined],
      ["name", "p2"],
      ["addresses", []],
      ["options", new Map()],
    ]);
  });
});
