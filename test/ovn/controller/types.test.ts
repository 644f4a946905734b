/** Type-level: the declarative calls are typed by the model's row columns (a newer model's ACL `tier` is accepted, the 7.0 model refuses it). */
import { describe, expectTypeOf, it } from "vitest";
import type { OVN_Northbound } from "../../../src/ovsdb/index.js";
import type { Desired, NbPlan } from "../../../src/ovn/index.js";

/** NB 7.0's tables with an ACL row that has `tier` (as NB 7.1+ models generate it). */
type TablesWithTier = Omit<OVN_Northbound.Tables, "ACL"> & {
  readonly ACL: { readonly row: OVN_Northbound.ACL & { readonly tier: number }; readonly required: OVN_Northbound.Tables["ACL"]["required"]; readonly immutable: never };
};

describe("declarative call types", () => {
  it("takes ACL tier from a model that has it, and refuses it with the 7.0 model", () => {
    expectTypeOf<Desired<TablesWithTier["ACL"]>>().toHaveProperty("tier");
    expectTypeOf<Desired<OVN_Northbound.Tables["ACL"]>>().not.toHaveProperty("tier");
    const newer = (p: NbPlan<TablesWithTier>) => p.setAcls({ portGroup: "pg" }, "o", [{ direction: "to-lport", priority: 1, match: "ip", action: "drop", tier: 2 }]);
    // @ts-expect-error `tier` is not a column of the NB 7.0 ACL row
    const older = (p: NbPlan) => p.setAcls({ portGroup: "pg" }, "o", [{ direction: "to-lport", priority: 1, match: "ip", action: "drop", tier: 2 }]);
    // @ts-expect-error `direction` is an enum of the schema
    const badEnum = (p: NbPlan) => p.setAcls({ portGroup: "pg" }, "o", [{ direction: "sideways", priority: 1, match: "ip", action: "drop" }]);
    expectTypeOf(newer).toBeFunction();
    expectTypeOf(older).toBeFunction();
    expectTypeOf(badEnum).toBeFunction();
  });
});
