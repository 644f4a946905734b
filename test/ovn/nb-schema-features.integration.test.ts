/**
 * The imperative NB API on newer schemas: `OvnNb` detects the server's NB schema once and offers
 * what it has (ACL tiers and the `pass` action from OVN 24.03, policy BFD sessions from 24.03,
 * policy chains and `jump` from 25.03), refusing the rest with OvnFeatureUnavailableError before
 * anything is sent. Run against the embedded server and a real ovsdb-server serving each release's
 * NB schema; what was stored is read back with `ovsdb-client`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OvnFeatureUnavailableError, OvnNb } from "../../src/ovn/index.js";
import { OvsdbClient, OVN_SCHEMA_VERSIONS, type OvnRelease, ovnSchemaFile } from "../../src/ovsdb/index.js";
import { type EmbeddedServerSandbox, type OvsdbServerSandbox, run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

type Server = EmbeddedServerSandbox | OvsdbServerSandbox;
const KINDS: readonly { kind: string; available: () => boolean; start: (schemas: string[]) => Promise<Server> }[] = [
  { kind: "the embedded server", available: () => peers("ovsdb-client"), start: (schemas) => startEmbeddedServer({ schemas }) },
  { kind: "a real ovsdb-server", available: () => peers("ovsdb-server", "ovsdb-tool", "ovsdb-client"), start: (schemas) => startOvsdbServer({ schemas }) },
];
const RELEASES: readonly OvnRelease[] = ["23.03", "24.03", "25.03"];

/** Rows of `table` (the listed columns) as `ovsdb-client transact` prints them. */
async function select(remote: string, table: string, columns: readonly string[], where: unknown[] = []): Promise<Record<string, unknown>[]> {
  const r = await run("ovsdb-client", ["transact", remote, JSON.stringify(["OVN_Northbound", { op: "select", table, where, columns }])]);
  return (JSON.parse(r.stdout) as [{ rows: Record<string, unknown>[] }])[0].rows;
}

for (const { kind, available, start } of KINDS) {
  describe.skipIf(!available())(`OvnNb on newer NB schemas, served by ${kind}`, () => {
    for (const release of RELEASES) {
      describe(`OVN ${release}`, () => {
        let server: Server;
        let client: OvsdbClient;
        let nb: OvnNb;
        const tiers = release !== "23.03";
        const chains = release === "25.03";

        beforeAll(async () => {
          server = await start([ovnSchemaFile(release, "OVN_Northbound")]);
          client = await OvsdbClient.connect(server.unix);
          nb = new OvnNb(client);
          await nb.run(async (tx) => {
            await tx.lsAdd("sw");
            await tx.lrAdd("lr");
            await tx.lrpAdd("lr", "lrp0", "00:00:00:00:01:01", ["192.168.1.1/24"]);
          });
        }, 60_000);
        afterAll(async () => {
          await nb?.close();
          client?.close();
          await server?.stop();
        });

        it("detects the server's schema once and exposes it", async () => {
          const spy = vi.spyOn(client, "getSchema");
          const info = await nb.schema();
          expect(info.version).toBe(OVN_SCHEMA_VERSIONS[release].OVN_Northbound);
          expect(info.match).toMatchObject({ kind: "exact", release });
          expect(info.has("ACL.tier")).toBe(tiers);
          expect(info.has("ACL.action=pass")).toBe(tiers);
          expect(info.has("Logical_Router_Policy.bfd_sessions")).toBe(tiers);
          expect(info.has("Logical_Router_Policy.chain")).toBe(chains);
          // Detected at first use (the replica's start, in beforeAll); later calls reuse the answer.
          const tx = nb.transaction();
          await tx.aclAdd({ switch: "sw" }, "to-lport", 1, "ip4.dst == 10.9.9.9", "drop", tiers ? { tier: 1 } : {});
          expect(await nb.schema()).toBe(info);
          expect(spy).not.toHaveBeenCalled();
          spy.mockRestore();
        });

        if (tiers) {
          it("stores an ACL's tier and the pass action (ovsdb-client reads them back); mayExist finds it again", async () => {
            const added = await nb.run((tx) => tx.aclAdd({ switch: "sw" }, "to-lport", 1000, "ip4.src == 10.0.0.0/8", "pass", { tier: 2 }));
            const uuid = added.commit.uuid(added.value);
            expect(await select(server.unix, "ACL", ["tier", "action", "match"], [["_uuid", "==", ["uuid", uuid]]])).toEqual([{ tier: 2, action: "pass", match: "ip4.src == 10.0.0.0/8" }]);
            expect(await select(server.unix, "Logical_Switch", ["acls"], [["name", "==", "sw"]])).toEqual([{ acls: ["uuid", uuid] }]);
            const again = await nb.run((tx) => tx.aclAdd({ switch: "sw" }, "to-lport", 1000, "ip4.src == 10.0.0.0/8", "pass", { tier: 2, mayExist: true }));
            expect(again.value).toBe(uuid);
            expect(again.commit.results ?? []).toHaveLength(0);
            // The replica holds the server's columns: another tier is a conflict, not a silent match.
            await expect(nb.run((tx) => tx.aclAdd({ switch: "sw" }, "to-lport", 1000, "ip4.src == 10.0.0.0/8", "pass", { tier: 1, mayExist: true }))).rejects.toMatchObject({ name: "OvnConflictError" });
            const row = (await nb.replica()).get("ACL", uuid);
            expect((row as unknown as { tier: number }).tier).toBe(2);
            // The transaction's own insert is seen by its later lookups (the pending view reads the server's columns).
            const tx = nb.transaction();
            const first = await tx.aclAdd({ switch: "sw" }, "from-lport", 900, "ip4", "allow", { tier: 3 });
            await expect(tx.aclAdd({ switch: "sw" }, "from-lport", 900, "ip4", "allow", { tier: 3, mayExist: true })).resolves.toBe(first);
            await tx.commit();
            expect(await select(server.unix, "ACL", ["tier"], [["match", "==", "ip4"]])).toEqual([{ tier: 3 }]);
          }, 60_000);

          it("stores a routing policy's BFD sessions", async () => {
            const added = await nb.run(async (tx) => {
              const bfd = await tx.bfdAdd("lrp0", "192.168.1.2");
              return tx.lrPolicyAdd("lr", 100, "ip4.src == 10.1.0.0/16", "reroute", { nexthops: ["192.168.1.2"], bfdSessions: [bfd] });
            });
            const uuid = added.commit.uuid(added.value);
            const [bfd] = await select(server.unix, "BFD", ["_uuid"]);
            expect(await select(server.unix, "Logical_Router_Policy", ["bfd_sessions", "action"], [["_uuid", "==", ["uuid", uuid]]])).toEqual([{ bfd_sessions: bfd!["_uuid"], action: "reroute" }]);
          }, 60_000);
        } else {
          it("refuses a tier and the pass action with OvnFeatureUnavailableError naming the feature, sending nothing", async () => {
            const transact = vi.spyOn(client, "transact");
            const tx = nb.transaction();
            await expect(tx.aclAdd({ switch: "sw" }, "to-lport", 1000, "ip4", "allow", { tier: 1 })).rejects.toMatchObject({
              name: "OvnFeatureUnavailableError",
              feature: "ACL.tier",
              schemaVersion: "7.0.0",
              neededRelease: "24.03",
            });
            const e = await tx.aclAdd({ switch: "sw" }, "to-lport", 1000, "ip4", "pass").catch((x: unknown) => x);
            expect(e).toBeInstanceOf(OvnFeatureUnavailableError);
            expect(e).toMatchObject({ feature: "ACL.action=pass", value: "pass", neededVersion: "7.3.0" });
            await expect(tx.lrPolicyAdd("lr", 100, "ip4", "reroute", { nexthops: ["192.168.1.2"], bfdSessions: [] })).rejects.toMatchObject({ feature: "Logical_Router_Policy.bfd_sessions" });
            expect(tx.operations()).toHaveLength(0);
            expect(transact).not.toHaveBeenCalled();
            transact.mockRestore();
            expect(await select(server.unix, "ACL", ["_uuid"])).toEqual([]);
            expect(await select(server.unix, "Logical_Router_Policy", ["_uuid"])).toEqual([]);
          });
        }

        if (chains) {
          it("stores policy chains and a jump", async () => {
            const added = await nb.run(async (tx) => {
              await tx.lrPolicyAdd("lr", 50, "ip4.dst == 10.2.0.0/16", "drop", { chain: "c1" });
              return tx.lrPolicyAdd("lr", 200, "ip4.dst == 10.2.0.0/16", "jump", { jumpChain: "c1" });
            });
            const jump = added.commit.uuid(added.value);
            expect(await select(server.unix, "Logical_Router_Policy", ["action", "jump_chain", "chain"], [["_uuid", "==", ["uuid", jump]]])).toEqual([{ action: "jump", jump_chain: "c1", chain: ["set", []] }]);
            expect(await select(server.unix, "Logical_Router_Policy", ["chain", "action"], [["priority", "==", 50]])).toEqual([{ chain: "c1", action: "drop" }]);
            // The chain is part of a policy's identity: found again in its chain, a new one in another.
            const again = await nb.run((tx) => tx.lrPolicyAdd("lr", 50, "ip4.dst == 10.2.0.0/16", "drop", { chain: "c1", mayExist: true }));
            expect(again.commit.results ?? []).toHaveLength(0);
            await nb.run((tx) => tx.lrPolicyAdd("lr", 50, "ip4.dst == 10.2.0.0/16", "drop", { chain: "c2" }));
            expect((await select(server.unix, "Logical_Router_Policy", ["chain"], [["priority", "==", 50]])).map((r) => r["chain"]).sort()).toEqual(["c1", "c2"]);
          }, 60_000);
        } else {
          it("refuses policy chains and jump with OvnFeatureUnavailableError, sending nothing", async () => {
            const tx = nb.transaction();
            await expect(tx.lrPolicyAdd("lr", 50, "ip4", "drop", { chain: "c1" })).rejects.toMatchObject({ name: "OvnFeatureUnavailableError", feature: "Logical_Router_Policy.chain", neededRelease: "25.03" });
            await expect(tx.lrPolicyAdd("lr", 50, "ip4", "jump", { jumpChain: "c1" })).rejects.toBeInstanceOf(OvnFeatureUnavailableError);
            expect(tx.operations()).toHaveLength(0);
          });
        }
      });
    }
  });
}
