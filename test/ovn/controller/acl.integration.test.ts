/**
 * Set-exactly ACLs of an owner, on port groups and on switches, against the embedded server and a
 * real ovsdb-server: replacing the set keeps exactly the desired ACLs (the data loss of issue 14:
 * delete-then-re-add in one transaction must not end with no ACLs), leaves other owners' and
 * foreign ACLs alone, and sends nothing when the set already matches. ACL tiers work on a server
 * whose schema has them (NB 7.3 of OVN 24.03, NB 7.11 of OVN 25.03: the shipped schema files and
 * the generated typed models) and are refused on one that does not (7.0) with the same
 * `OvnFeatureUnavailableError` that `requireFeature` throws.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { OVN_Northbound_24_03, OVN_Northbound_25_03, type OvnRelease, ovnSchemaFile } from "../../../src/ovsdb/models/index.js";
import { type AclOwnerTarget, NbController, type NbPlan, OvnFeatureUnavailableError, requireFeature } from "../../../src/ovn/index.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../../src/testing/index.js";
import { BACKENDS, type Backend, nbctl, opsText, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";


const allow = (pg: string) => ({ direction: "to-lport", priority: 2001, match: `outport == @${pg} && ip4.src == $${pg}_allow`, action: "allow-related" }) as const;
const deny = (pg: string) => ({ direction: "to-lport", priority: 2000, match: `outport == @${pg} && ip`, action: "drop" }) as const;
const egress = (pg: string) => ({ direction: "from-lport", priority: 2000, match: `inport == @${pg} && ip`, action: "drop" }) as const;

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("set-exactly ACLs", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let client: OvsdbClient;
    let sent: Operation[][];
    let ctl: NbController;
    beforeAll(async () => {
      backend = await startBackend(kind);
      ({ client, sent } = await recordingClient(backend.unix));
      ctl = await NbController.open(client, { identity: { vendor: "ctl-test" } });
      await ctl.reconcile("setup", (p) => {
        p.ensureSwitch("sw-acl");
        p.ensureSwitchPort("sw-acl", "web-0");
        p.setPortGroupPorts("pg_web", ["web-0"]);
      });
    });
    afterAll(async () => {
      await ctl?.close();
      client?.close();
      await backend?.stop();
    });

    const targets: [string, AclOwnerTarget, string][] = [
      ["port group", { portGroup: "pg_web" }, "pg_web"],
      ["switch", { switch: "sw-acl" }, "sw-acl"],
    ];
    for (const [what, target, name] of targets) {
      it(`on a ${what}: replacing the set keeps exactly the desired ACLs, other owners' and foreign ACLs stay`, async () => {
        const kindArg = "portGroup" in target ? ["--type=port-group"] : ["--type=switch"];
        // A foreign ACL (ovn-nbctl) and another owner's ACL on the same target.
        await nbctl(backend.unix, ...kindArg, "acl-add", name, "from-lport", "100", "inport == @x", "allow");
        await ctl.reconcile("other", (p) => p.setAcls(target, "np/other", [{ direction: "from-lport", priority: 1000, match: "ip6", action: "drop" }]));

        await ctl.reconcile("np", (p) => p.setAcls(target, "np/web", [allow("pg_web"), deny("pg_web")]));
        expect(await nbctl(backend.unix, ...kindArg, "acl-list", name)).toBe(
          "from-lport  1000 (ip6) drop\n" +
            "from-lport   100 (inport == @x) allow\n" +
            "  to-lport  2001 (outport == @pg_web && ip4.src == $pg_web_allow) allow-related\n" +
            "  to-lport  2000 (outport == @pg_web && ip) drop\n",
        );
        // The same set again: nothing sent.
        const n = sent.length;
        expect((await ctl.reconcile("np", (p) => p.setAcls(target, "np/web", [allow("pg_web"), deny("pg_web")]))).sent).toBe(false);
        expect(sent.length).toBe(n);

        // Drift by ovn-nbctl: `deny` deleted, `allow` made to drop; corrected with exactly these operations.
        await nbctl(backend.unix, ...kindArg, "acl-del", name, "to-lport", "2000", "outport == @pg_web && ip");
        const allowUuid = (ctl.db.ownedBy("ACL", "np/web").find((r) => r["priority"] === 2001)!["_uuid"]) as string;
        await nbctl(backend.unix, "set", "ACL", allowUuid, "action=drop");
        await ctl.db.replica.waitUntil(() => ctl.db.ownedBy("ACL", "np/web").length === 1 && ctl.db.get("ACL", allowUuid)?.["action"] === "drop", 10_000);
        await ctl.reconcile("np", (p) => p.setAcls(target, "np/web", [allow("pg_web"), deny("pg_web")]));
        expect(sent.length).toBe(n + 1);
        expect(opsText(sent[n]!).sort()).toEqual(
          ["wait ACL _version", "update ACL action=allow-related", "insert ACL", `mutate ${"portGroup" in target ? "Port_Group" : "Logical_Switch"} acls insert [@new]`].sort(),
        );
        const m = sent.length;

        // Replace: keep `allow` (now logged), drop `deny`, add `egress`; one transaction, minimal operations.
        await ctl.reconcile("np", (p) => p.setAcls(target, "np/web", [{ ...allow("pg_web"), log: true, name: "web-allow" }, egress("pg_web")]));
        expect(sent.length).toBe(m + 1);
        expect(opsText(sent[m]!).sort()).toEqual(
          [
            "wait ACL _version",
            "update ACL log=true name=web-allow",
            "insert ACL",
            `mutate ${"portGroup" in target ? "Port_Group" : "Logical_Switch"} acls delete [<uuid>] / acls insert [@new]`,
          ].sort(),
        );
        expect(await nbctl(backend.unix, ...kindArg, "acl-list", name)).toBe(
          "from-lport  2000 (inport == @pg_web && ip) drop\n" +
            "from-lport  1000 (ip6) drop\n" +
            "from-lport   100 (inport == @x) allow\n" +
            "  to-lport  2001 (outport == @pg_web && ip4.src == $pg_web_allow) allow-related log(name=web-allow)\n",
        );
        // Empty set: only this owner's ACLs go.
        await ctl.reconcile("np", (p) => p.setAcls(target, "np/web", []));
        expect(await nbctl(backend.unix, ...kindArg, "acl-list", name)).toBe("from-lport  1000 (ip6) drop\nfrom-lport   100 (inport == @x) allow\n");
        // The deleted ACL rows are gone from the database (non-root rows, collected once unreferenced).
        expect(ctl.db.ownedBy("ACL", "np/web")).toEqual([]);
      }, 60_000);
    }

    it("refuses ACL tier on a 7.0 schema with OvnFeatureUnavailableError (as requireFeature does), sending nothing", async () => {
      const n = sent.length;
      // Coded against the 25.03 model: `tier` is typed; the 23.03 server lacks it.
      const ctl25 = await NbController.open<OVN_Northbound_25_03.Tables>(client, { identity: { vendor: "ctl-test" }, model: OVN_Northbound_25_03.model });
      try {
        expect(ctl25.ovnSchema.match).toMatchObject({ kind: "exact", release: "23.03" });
        const e = await ctl25.reconcile("tier", (p) => p.setAcls({ portGroup: "pg_web" }, "anp/a", [{ ...deny("pg_web"), tier: 1 }])).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(OvnFeatureUnavailableError);
        expect(e).toMatchObject({ database: "OVN_Northbound", feature: "ACL.tier", table: "ACL", column: "tier", schemaVersion: "7.0.0", neededRelease: "24.03", neededVersion: "7.3.0" });
        // One error kind: the controller's check and requireFeature agree.
        const viaRequire = (() => {
          try {
            requireFeature(ctl25.ovnSchema, "ACL.tier");
          } catch (x) {
            return x;
          }
        })();
        expect(viaRequire).toBeInstanceOf(OvnFeatureUnavailableError);
        expect((viaRequire as Error).message).toBe((e as Error).message);
        expect(() => ctl25.requireFeature("ACL.tier")).toThrow(OvnFeatureUnavailableError);
        // An enumeration value a newer release added is refused the same way (feature `Table.column=value`).
        const pass = await ctl25.reconcile("pass", (p) => p.setAcls({ portGroup: "pg_web" }, "anp/a", [{ ...deny("pg_web"), action: "pass" }])).catch((x: unknown) => x);
        expect(pass).toBeInstanceOf(OvnFeatureUnavailableError);
        expect(pass).toMatchObject({ feature: "ACL.action=pass", table: "ACL", column: "action", value: "pass", neededRelease: "24.03", schemaVersion: "7.0.0" });
        const jump = await ctl25
          .reconcile("jump", (p) => {
            p.ensureRouter("lr-jump");
            p.ensurePolicy("lr-jump", { priority: 10, match: "ip4", action: "jump", chain: "c1" } as never);
          })
          .catch((x: unknown) => x);
        expect(jump).toMatchObject({ name: "OvnFeatureUnavailableError" });
        expect((jump as OvnFeatureUnavailableError).feature).toMatch(/^Logical_Router_Policy\.(action=jump|chain)$/);
        // A whole table the server lacks (NB 7.11's Sampling_App) is refused the same way.
        expect(() => ctl25.db.table("Sampling_App")).toThrow(OvnFeatureUnavailableError);
        expect(sent.length).toBe(n);
      } finally {
        await ctl25.close();
      }
    });
  });

  const TIERED = [
    ["24.03", "7.3.0", OVN_Northbound_24_03.model],
    ["25.03", "7.11.0", OVN_Northbound_25_03.model],
  ] as const;
  for (const [release, version, model] of TIERED) {
    describe.each(BACKENDS)(`with tiers on NB ${version} (OVN ${release}, the shipped schema and its generated model) served by %s`, (kind) => {
      it("keys ACLs by tier, sends nothing the second time, and corrects a drifted tier ACL", async () => {
        const schema = ovnSchemaFile(release as OvnRelease, "OVN_Northbound");
        const server = kind === "embedded" ? await startEmbeddedServer({ schemas: [schema] }) : await startOvsdbServer({ schemas: [schema] });
        const { client, sent } = await recordingClient(server.unix);
        try {
          const ctl = await NbController.open<OVN_Northbound_25_03.Tables>(client, { identity: { vendor: "ctl-test" }, model: model as typeof OVN_Northbound_25_03.model });
          expect(ctl.schemaVersion).toBe(version);
          expect(ctl.ovnSchema.match).toMatchObject({ kind: "exact", release });
          ctl.requireFeature("ACL.tier");
          const acls = [
            { ...deny("pg_anp"), tier: 1 },
            { ...deny("pg_anp"), tier: 3 },
            { ...allow("pg_anp"), tier: 1 },
          ];
          const build = (p: NbPlan<OVN_Northbound_25_03.Tables>) => {
            p.ensureSwitch("sw-anp");
            p.ensureSwitchPort("sw-anp", "a-0");
            p.setPortGroupPorts("pg_anp", ["a-0"]);
            p.setAcls({ portGroup: "pg_anp" }, "anp/a", acls);
          };
          await ctl.reconcile("anp", build);
          // The installed ovn-nbctl (23.03) predates tiers: read them with ovsdb-client.
          const dump = JSON.parse((await run("ovsdb-client", ["--format=json", "dump", server.unix, "OVN_Northbound", "ACL", "priority", "tier"])).stdout) as { data: [number, number][] };
          expect(dump.data.filter(([p]) => p === 2000).map(([, t]) => t).sort()).toEqual([1, 3]);
          const n = sent.length;
          expect((await ctl.reconcile("anp", build)).sent).toBe(false);
          expect(sent.length).toBe(n);
          // Drift: the tier-3 ACL's action changed behind the controller's back; typed rows of the 25.03 model.
          const u = ctl.db.ownedBy("ACL", "anp/a").find((r) => r["tier"] === 3)!["_uuid"] as string;
          const other = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
          await other.transact("OVN_Northbound", [{ op: "update", table: "ACL", where: [["_uuid", "==", ["uuid", u]]], row: { action: "allow" } }]);
          other.close();
          await ctl.db.replica.waitUntil(() => ctl.db.get("ACL", u)?.["action"] === "allow", 10_000);
          await ctl.reconcile("anp", build);
          expect(opsText(sent[n]!)).toEqual(["wait ACL _version", "update ACL action=drop"]);
          // Dropping a tier from the desired set deletes exactly that ACL.
          await ctl.reconcile("anp", (p) => p.setAcls({ portGroup: "pg_anp" }, "anp/a", acls.slice(0, 2)));
          expect(opsText(sent[n + 1]!)).toEqual(["mutate Port_Group acls delete [<uuid>]"]);
          await ctl.close();
        } finally {
          client.close();
          await server.stop();
        }
      }, 60_000);
    });
  }
});
