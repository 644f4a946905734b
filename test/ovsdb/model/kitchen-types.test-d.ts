import { describe, expectTypeOf, it } from "vitest";
import type { RowUuid, Uuid } from "../../../src/ovsdb/model/index.js";
import type * as K from "./fixtures/kitchen.js";
import { model } from "./fixtures/kitchen.js";

const E = model.table("Everything");
declare const other: RowUuid<"Other">;

describe("generated types for every column kind", () => {
  it("maps atoms, enums, optionals, sets and maps", () => {
    type R = K.Everything;
    expectTypeOf<R["int_enum"]>().toEqualTypeOf<1 | 2 | 4>();
    expectTypeOf<R["bool_enum"]>().toEqualTypeOf<true>();
    expectTypeOf<R["u"]>().toEqualTypeOf<Uuid>();
    expectTypeOf<R["opt_enum"]>().toEqualTypeOf<"x" | "y" | undefined>();
    expectTypeOf<R["set_enum"]>().toEqualTypeOf<readonly ("p" | "q" | 'it\'s "quoted"')[]>();
    // An integer column without a range inside ±(2^53−1) holds a bigint beyond it.
    expectTypeOf<R["i"]>().toEqualTypeOf<number | bigint>();
    expectTypeOf<R["set_int"]>().toEqualTypeOf<readonly number[]>();
    expectTypeOf<R["int_map"]>().toEqualTypeOf<ReadonlyMap<number | bigint, string>>();
    expectTypeOf<R["enum_map"]>().toEqualTypeOf<ReadonlyMap<"k1" | "k2", boolean>>();
    expectTypeOf<R["ref_map"]>().toEqualTypeOf<ReadonlyMap<string, RowUuid<"Other">>>();
    expectTypeOf<R["weak_ref"]>().toEqualTypeOf<RowUuid<"Other"> | undefined>();
    expectTypeOf<K.TableName>().toEqualTypeOf<"Everything" | "Other">();
    expectTypeOf(model.table("Other").insert({}).ref).toMatchTypeOf<string>();
  });

  it("types inputs", () => {
    const o = model.table("Other").insert({ name: "o" });
    E.insert({ int_enum: 2, bool_enum: true, ref_map: { a: o.ref, b: other }, weak_ref: o.ref, enum_map: { k2: false } });
    // @ts-expect-error 3 is not in the integer enum
    E.insert({ int_enum: 3, bool_enum: true });
    // @ts-expect-error false is not allowed by the boolean enum
    E.insert({ int_enum: 1, bool_enum: false });
    // @ts-expect-error integer-keyed maps take a Map, not an object
    E.insert({ int_enum: 1, bool_enum: true, int_map: { 1: "one" } });
    // @ts-expect-error enum-keyed map with an unknown key
    E.insert({ int_enum: 1, bool_enum: true, enum_map: { k3: true } });
    // @ts-expect-error "fixed" is immutable
    E.update({}, { fixed: "g" });
    E.update({}, { status: "ok", opt_s: undefined });
    E.mutate({}, [["set_int", "+=", 1], ["int_map", "delete", [7]], ["opt_s", "insert", ["v"]], ["ref_map", "insert", { k: other }]]);
    // @ts-expect-error arithmetic on a boolean
    E.mutate({}, [["b", "+=", 1]]);
    E.select([["r", "<", 1], ["opt_enum", "==", undefined], ["set_enum", "includes", ["q"]], ["enum_map", "excludes", { k1: true }]]);
    // @ts-expect-error relational on a set
    E.select([["set_int", ">", 1]]);
  });
});
