import { describe, expectTypeOf, it } from "vitest";
import type { NamedUuid, Uuid } from "../../../src/ovsdb/wire/notation.js";
import type { RowUuid, NamedRef } from "../../../src/ovsdb/model/index.js";
import { OVN_Northbound, Open_vSwitch } from "../../../src/ovsdb/models/index.js";

const nb = OVN_Northbound.model;
const acl = nb.table("ACL");
const lsp = nb.table("Logical_Switch_Port");
const ls = nb.table("Logical_Switch");
const pg = nb.table("Port_Group");
const as = nb.table("Address_Set");
declare const u: Uuid;
declare const lspUuid: RowUuid<"Logical_Switch_Port">;
declare const lsUuid: RowUuid<"Logical_Switch">;

describe("OVN_Northbound row types", () => {
  it("maps column types to native types", () => {
    type A = OVN_Northbound.ACL;
    expectTypeOf<A["action"]>().toEqualTypeOf<"allow" | "allow-related" | "allow-stateless" | "drop" | "reject">();
    expectTypeOf<A["direction"]>().toEqualTypeOf<"from-lport" | "to-lport">();
    expectTypeOf<A["priority"]>().toEqualTypeOf<number>();
    expectTypeOf<A["name"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<A["external_ids"]>().toEqualTypeOf<ReadonlyMap<string, string>>();
    expectTypeOf<A["_uuid"]>().toEqualTypeOf<RowUuid<"ACL">>();
    type S = OVN_Northbound.Logical_Switch;
    expectTypeOf<S["ports"]>().toEqualTypeOf<readonly RowUuid<"Logical_Switch_Port">[]>();
    expectTypeOf<S["acls"]>().toEqualTypeOf<readonly RowUuid<"ACL">[]>();
  });

  it("brands uuids per table", () => {
    expectTypeOf<RowUuid<"ACL">>().toMatchTypeOf<Uuid>();
    expectTypeOf<Uuid>().not.toMatchTypeOf<RowUuid<"ACL">>();
    expectTypeOf<string>().not.toMatchTypeOf<Uuid>();
    expectTypeOf<RowUuid<"ACL">>().not.toMatchTypeOf<RowUuid<"Logical_Switch">>();
    expectTypeOf<NamedRef<"ACL">>().toMatchTypeOf<NamedUuid>();
  });
});

describe("OVN_Northbound typed builders", () => {
  it("insert requires columns whose default is invalid, rejects wrong enum literals and read-only columns", () => {
    acl.insert({ priority: 1000, direction: "to-lport", match: "ip4", action: "allow-related" });
    acl.insert({ priority: 1000, direction: "to-lport", match: "ip4", action: "allow-related", log: false, label: 0 });
    // @ts-expect-error missing required "direction" (an enum without a valid default)
    acl.insert({ priority: 1000, match: "ip4", action: "drop" });
    // @ts-expect-error a wrong severity literal
    acl.insert({ priority: 1000, direction: "to-lport", match: "ip4", action: "drop", severity: "critical" });
    // @ts-expect-error "accept" is not an ACL action
    acl.insert({ priority: 1000, direction: "to-lport", match: "ip4", action: "accept", log: false, label: 0 });
    // @ts-expect-error missing required "action"
    acl.insert({ priority: 1000, direction: "to-lport", match: "ip4", log: false, label: 0 });
    // @ts-expect-error _uuid is read-only
    ls.insert({ name: "sw0", _uuid: lsUuid });
    // @ts-expect-error a plain string is not a reference
    ls.insert({ name: "sw0", ports: ["5a3f0a8e-3c4e-4a3c-9d0b-2b7b3f1e4d11"] });
    // @ts-expect-error a Logical_Switch uuid is not a Logical_Switch_Port reference
    ls.insert({ name: "sw0", ports: [lsUuid] });
    const p = lsp.insert({ name: "p1", addresses: ["00:00:00:00:00:01 10.0.0.1"] });
    expectTypeOf(p.ref).toEqualTypeOf<NamedRef<"Logical_Switch_Port">>();
    ls.insert({ name: "sw0", ports: [p.ref, lspUuid], external_ids: { vendor: "kube-ovn" } });
    ls.insert({ name: "sw0", other_config: new Map([["subnet", "10.0.0.0/24"]]) });
    // @ts-expect-error map values are strings
    ls.insert({ name: "sw0", other_config: { subnet: 1 } });
  });

  it("update excludes immutable and read-only columns", () => {
    ls.update([["name", "==", "sw0"]], { external_ids: { a: "b" } });
    // @ts-expect-error _uuid cannot be written
    ls.update({ name: "sw0" }, { _uuid: lsUuid });
    // @ts-expect-error _version cannot be written
    ls.update({ name: "sw0" }, { _version: u });
    // @ts-expect-error no such column
    ls.update({ name: "sw0" }, { nmae: "sw1" });
    // OVN_Northbound 7.0.0 declares no `"mutable": false` column; Open_vSwitch does (Bridge.name).
    const br = Open_vSwitch.model.table("Bridge");
    br.insert({ name: "br-int" });
    // @ts-expect-error Bridge.name is immutable: settable on insert only
    br.update({ name: "br-int" }, { name: "br-ex" });
    // @ts-expect-error immutable columns cannot be mutated either
    br.mutate({ name: "br-int" }, [["name", "insert", ["x"]]]);
    br.update({ name: "br-int" }, { fail_mode: "secure" });
  });

  it("conditions are typed by column", () => {
    acl.select([["priority", ">=", 1000], ["action", "==", "drop"], ["external_ids", "includes", { owner: "x" }]]);
    // @ts-expect-error "<" on a string column
    acl.select([["match", "<", "x"]]);
    // @ts-expect-error wrong literal in condition
    acl.select([["action", "==", "permit"]]);
    // @ts-expect-error no such column
    acl.select([["nonexistent", "==", 1]]);
    acl.select({ name: "a" });
    acl.select([["_uuid", "==", u as RowUuid<"ACL">]]);
  });

  it("mutations are typed by column kind", () => {
    ls.mutate({ name: "sw0" }, [["ports", "insert", [lspUuid]], ["external_ids", "delete", ["k"]], ["external_ids", "insert", { k: "v" }]]);
    acl.mutate({ name: "a" }, [["priority", "+=", 1]]);
    // @ts-expect-error arithmetic on a string column
    acl.mutate({ name: "a" }, [["match", "+=", 1]]);
    // @ts-expect-error insert into a scalar column
    acl.mutate({ name: "a" }, [["priority", "insert", [1]]]);
    pg.mutate({ name: "pg" }, [["ports", "delete", [lspUuid]]]);
    as.mutate({ name: "as" }, [["addresses", "insert", ["10.0.0.1"]]]);
  });

  it("select results are typed rows", async () => {
    const r = await nb.transact(null!, [ls.insert({ name: "x" }), ls.select({ name: "x" }), ls.select({ name: "x" }, ["name", "ports"]), ls.delete({ name: "x" })]);
    expectTypeOf(r[0]).toEqualTypeOf<RowUuid<"Logical_Switch">>();
    expectTypeOf(r[1]).toEqualTypeOf<readonly OVN_Northbound.Logical_Switch[]>();
    expectTypeOf(r[2]).toEqualTypeOf<readonly Pick<OVN_Northbound.Logical_Switch, "name" | "ports">[]>();
    expectTypeOf(r[3]).toEqualTypeOf<number>();
  });
});
