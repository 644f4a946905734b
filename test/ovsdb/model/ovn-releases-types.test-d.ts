import { describe, expectTypeOf, it } from "vitest";
import type { RowUuid } from "../../../src/ovsdb/model/index.js";
import {
  OVN_IC_Northbound,
  OVN_IC_Northbound_25_03,
  OVN_IC_Southbound_25_09,
  OVN_Northbound,
  OVN_Northbound_24_03,
  OVN_Northbound_24_09,
  OVN_Northbound_25_03,
  OVN_Northbound_25_09,
  OVN_Southbound,
  OVN_Southbound_25_03,
  OVN_Southbound_25_09,
  type OvnRelease,
  ovnModels,
} from "../../../src/ovsdb/models/index.js";
import { type OvnFeature, type OvnSchemaInfo, requireFeature } from "../../../src/ovn/index.js";

describe("versioned OVN models: new columns exist in the new models only", () => {
  it("ACL.tier and action pass (24.03)", () => {
    expectTypeOf<OVN_Northbound_24_03.ACL["tier"]>().toEqualTypeOf<number>();
    expectTypeOf<OVN_Northbound_24_03.ACL["action"]>().toEqualTypeOf<"allow" | "allow-related" | "allow-stateless" | "drop" | "reject" | "pass">();
    expectTypeOf<OVN_Northbound.ACL>().not.toHaveProperty("tier");
    expectTypeOf<"pass">().not.toMatchTypeOf<OVN_Northbound.ACL["action"]>();
    expectTypeOf<OVN_Northbound_24_03.Logical_Router_Policy["bfd_sessions"]>().toEqualTypeOf<readonly RowUuid<"BFD">[]>();
    expectTypeOf<OVN_Northbound.Logical_Router_Policy>().not.toHaveProperty("bfd_sessions");
  });

  it("ACL sampling, Sample tables, NAT match/priority, router port DHCP relay (24.09)", () => {
    expectTypeOf<OVN_Northbound_24_09.ACL["sample_new"]>().toEqualTypeOf<RowUuid<"Sample"> | undefined>();
    expectTypeOf<OVN_Northbound_24_09.ACL["sample_est"]>().toEqualTypeOf<RowUuid<"Sample"> | undefined>();
    expectTypeOf<OVN_Northbound_24_03.ACL>().not.toHaveProperty("sample_new");
    expectTypeOf<OVN_Northbound_24_09.NAT["match"]>().toEqualTypeOf<string>();
    expectTypeOf<OVN_Northbound_24_09.NAT["priority"]>().toEqualTypeOf<number>();
    expectTypeOf<OVN_Northbound.NAT>().not.toHaveProperty("priority");
    expectTypeOf<OVN_Northbound_24_09.Logical_Router_Port["dhcp_relay"]>().toEqualTypeOf<RowUuid<"DHCP_Relay"> | undefined>();
    expectTypeOf<OVN_Northbound_24_09.TableName>().toMatchTypeOf<string>();
    expectTypeOf<"Sample" | "Sample_Collector" | "Sampling_App" | "DHCP_Relay">().toMatchTypeOf<OVN_Northbound_24_09.TableName>();
    expectTypeOf<"Sample">().not.toMatchTypeOf<OVN_Northbound_24_03.TableName>();
  });

  it("router policy chains and jump (25.03), mirror rules (25.09)", () => {
    expectTypeOf<OVN_Northbound_25_03.Logical_Router_Policy["chain"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<"jump">().toMatchTypeOf<OVN_Northbound_25_03.Logical_Router_Policy["action"]>();
    expectTypeOf<"jump">().not.toMatchTypeOf<OVN_Northbound_24_09.Logical_Router_Policy["action"]>();
    expectTypeOf<OVN_Northbound_25_09.Mirror["mirror_rules"]>().toEqualTypeOf<readonly RowUuid<"Mirror_Rule">[]>();
    expectTypeOf<OVN_Northbound_25_03.Mirror>().not.toHaveProperty("mirror_rules");
  });

  it("SB and IC models", () => {
    expectTypeOf<"ACL_ID">().toMatchTypeOf<OVN_Southbound_25_03.TableName>();
    expectTypeOf<"ACL_ID">().not.toMatchTypeOf<OVN_Southbound.TableName>();
    expectTypeOf<OVN_Southbound_25_09.Datapath_Binding["type"]>().toEqualTypeOf<"logical-switch" | "logical-router" | undefined>();
    expectTypeOf<OVN_Southbound_25_09.Encap["type"]>().toEqualTypeOf<"geneve" | "vxlan">();
    expectTypeOf<OVN_Southbound.Encap["type"]>().toEqualTypeOf<"geneve" | "stt" | "vxlan">();
    expectTypeOf<OVN_IC_Northbound_25_03.SSL["ssl_ciphersuites"]>().toEqualTypeOf<string>();
    expectTypeOf<OVN_IC_Northbound.SSL>().not.toHaveProperty("ssl_ciphersuites");
    expectTypeOf<"Service_Monitor">().toMatchTypeOf<OVN_IC_Southbound_25_09.TableName>();
  });

  it("builders of the new models accept the new columns and the old ones refuse them", () => {
    OVN_Northbound_24_03.model.table("ACL").insert({ priority: 1, direction: "to-lport", match: "ip4", action: "pass", tier: 3 });
    // @ts-expect-error ACL.tier is not a column of OVN 23.03
    OVN_Northbound.model.table("ACL").insert({ priority: 1, direction: "to-lport", match: "ip4", action: "drop", tier: 3 });
    // @ts-expect-error "pass" is not an ACL action of OVN 23.03
    OVN_Northbound.model.table("ACL").insert({ priority: 1, direction: "to-lport", match: "ip4", action: "pass" });
    // @ts-expect-error "Sample" is not a table of OVN 24.03
    OVN_Northbound_24_03.model.table("Sample");
  });

  it("ovnModels is keyed by release", () => {
    expectTypeOf<keyof typeof ovnModels>().toEqualTypeOf<OvnRelease>();
    expectTypeOf(ovnModels["24.03"].nb).toEqualTypeOf<typeof OVN_Northbound_24_03>();
    expectTypeOf(ovnModels["23.03"].sb).toEqualTypeOf<typeof OVN_Southbound>();
  });

  it("OvnFeature names tables and columns of every release, and the enumeration values that changed", () => {
    expectTypeOf<"ACL.tier" | "Sample" | "NAT.gateway_port" | "Load_Balancer_Health_Check" | "Logical_Router_Policy.action=jump">().toMatchTypeOf<OvnFeature>();
    expectTypeOf<"ACL.tierz">().not.toMatchTypeOf<OvnFeature>();
    expectTypeOf<"ACL_ID">().toMatchTypeOf<OvnFeature<"OVN_Southbound">>();
    expectTypeOf<"ACL_ID">().not.toMatchTypeOf<OvnFeature<"OVN_Northbound">>();
    expectTypeOf<"Encap.type=stt">().toMatchTypeOf<OvnFeature<"OVN_IC_Southbound">>();
    expectTypeOf<"ACL.tier" | "ACL_ID">().toMatchTypeOf<OvnFeature<"OVN_Northbound" | "OVN_Southbound">>();
  });

  it("requireFeature takes typed names only; has() takes any", () => {
    const check = (nb: OvnSchemaInfo, sb: OvnSchemaInfo<"OVN_Southbound">) => {
      requireFeature(nb, "ACL.tier", "Sample", "Logical_Router_Policy.action=jump");
      // @ts-expect-error misspelt column
      requireFeature(nb, "ACL.tierz");
      // @ts-expect-error ACL_ID is a Southbound table
      requireFeature(nb, "ACL_ID");
      requireFeature(sb, "ACL_ID");
      return nb.has("Future_Table.future_column");
    };
    expectTypeOf(check).returns.toEqualTypeOf<boolean>();
  });
});
