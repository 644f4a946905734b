import { describe, expect, it } from "vitest";
import { datumToText, datumToBare, stringNeedsQuotes } from "../../../src/ovsdb/text/datum-text.js";
import { formatG, ovsJson } from "../../../src/ovsdb/text/json.js";
import { shashOrder } from "../../../src/ovsdb/text/hash-order.js";
import { parseColumnType } from "../../../src/ovsdb/schema/types.js";

describe("OVS text notation", () => {
  it("quotes strings only when they would not read back", () => {
    expect(["sw0", "p-1.a", "_x"].map(stringNeedsQuotes)).toEqual([false, false, false]);
    expect(["", "1abc", "a b", "true", "10.0.0.1", "11111111-2222-3333-4444-555555555555"].map(stringNeedsQuotes)).toEqual([true, true, true, true, true, true]);
  });
  it("prints sets, maps and scalars as ovsdb-client does", () => {
    const set = parseColumnType({ key: "string", min: 0, max: "unlimited" }, "x");
    const map = parseColumnType({ key: "string", value: "string", min: 0, max: "unlimited" }, "x");
    const opt = parseColumnType({ key: "integer", min: 0 }, "x");
    expect(datumToText(set, [])).toBe("[]");
    expect(datumToText(set, ["a", "10.0.0.1"])).toBe('[a, "10.0.0.1"]');
    expect(datumToText(map, new Map([["pod", "ns/p"]]))).toBe('{pod="ns/p"}');
    expect(datumToText(opt, undefined)).toBe("[]");
    expect(datumToText(opt, 7)).toBe("7");
    expect(datumToBare(map, new Map([["a", "x y"]]))).toBe("a=x y");
  });
});

describe("OVS JSON", () => {
  it("sorts members and pretty-prints in OVS's layout", () => {
    expect(ovsJson({ b: 1, a: [1, "x"] })).toBe('{"a":[1,"x"],"b":1}');
    expect(ovsJson({ rows: [{ name: "a" }], e: [] }, { pretty: true })).toBe('{\n  "e": [],\n  "rows": [\n    {\n      "name": "a"}]}');
  });
  it("formats reals like C's %g", () => {
    expect(formatG(0.1, 17)).toBe("0.10000000000000001");
    expect(formatG(1.5, 15)).toBe("1.5");
    expect(formatG(1e-7, 15)).toBe("1e-07");
    expect(formatG(123456789012345680000, 17)).toBe("1.2345678901234568e+20");
  });
});

describe("OVS shash order", () => {
  it("reproduces ovsdb-client's table order for OVN_Northbound (checked against ovsdb-client list-tables)", () => {
    const names = ["ACL", "Address_Set", "BFD", "Chassis_Template_Var", "Connection", "Copp", "DHCP_Options", "DNS", "Forwarding_Group", "Gateway_Chassis", "HA_Chassis", "HA_Chassis_Group", "Load_Balancer", "Load_Balancer_Group", "Load_Balancer_Health_Check", "Logical_Router", "Logical_Router_Policy", "Logical_Router_Port", "Logical_Router_Static_Route", "Logical_Switch", "Logical_Switch_Port", "Meter", "Meter_Band", "Mirror", "NAT", "NB_Global", "Port_Group", "QoS", "SSL", "Static_MAC_Binding"];
    expect(shashOrder(shashOrder(names)).slice(0, 5)).toEqual(["Logical_Router_Static_Route", "Meter_Band", "NB_Global", "ACL", "Copp"]);
  });
});

describe("OVS text notation parsing", () => {
  it("reads what ovn-nbctl arguments say, for a column type", async () => {
    const { datumFromOvsText, TextNotationError } = await import("../../../src/ovsdb/text/index.js");
    const set = parseColumnType({ key: "string", min: 0, max: "unlimited" }, "x");
    const map = parseColumnType({ key: "string", value: "string", min: 0, max: "unlimited" }, "x");
    const ref = parseColumnType({ key: { type: "uuid", refTable: "t" }, min: 0, max: "unlimited" }, "x");
    expect(datumFromOvsText(set, '[a, "10.0.0.1 x"]', { what: "addresses" })).toEqual(["set", ["a", "10.0.0.1 x"]]);
    expect(datumFromOvsText(map, '{pod="ns/p", vendor=kube-ovn}', { what: "external_ids" })).toEqual(["map", [["pod", "ns/p"], ["vendor", "kube-ovn"]]]);
    expect(datumFromOvsText(ref, "[@p]", { what: "ports", symbol: (n) => (n === "@p" ? ["named-uuid", "p"] : undefined) })).toEqual(["set", [["named-uuid", "p"]]]);
    expect(() => datumFromOvsText(parseColumnType("integer", "x"), "ten", { what: "tag" })).toThrow(TextNotationError);
  });
});
