/**
 * The newer NB columns seen by both readers and used as delete filters: the select reader reads
 * the server's columns (not only the bundled 23.03 ones), `aclDel` filters by `tier` where the
 * schema has `ACL.tier` (24.03+), `lrPolicyDel` by `chain` where it has `Logical_Router_Policy.chain`
 * (25.03+); elsewhere both refuse with OvnFeatureUnavailableError before anything is sent. Run on
 * the embedded server and a real ovsdb-server serving each release's NB schema, with the default
 * replica reader and the select reader; what is left is read back with `ovsdb-client`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvnFeatureUnavailableError, OvnNb } from "../../src/ovn/index.js";
import { OvsdbClient, type OvnRelease, ovnSchemaFile } from "../../src/ovsdb/index.js";
import { type EmbeddedServerSandbox, type OvsdbServerSandbox, run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

type Server = EmbeddedServerSandbox | OvsdbServerSandbox;
const KINDS: readonly { kind: string; available: () => boolean; start: (schemas: string[]) => Promise<Server> }[] = [
  { kind: "the embedded server", available: () => peers("ovsdb-client"), start: (schemas) => startEmbeddedServer({ schemas }) },
  { kind: "a real ovsdb-server", available: () => peers("ovsdb-server", "ovsdb-tool", "ovsdb-client"), start: (schemas) => startOvsdbServer({ schemas }) },
];
const RELEASES: readonly OvnRelease[] = ["23.03", "24.03", "25.03", "25.09"];
const READERS = ["replica", "select"] as const;

/** Rows of `table` (the listed columns) as `ovsdb-client transact` prints them. */
async function select(remote: string, table: string, columns: readonly string[], where: unknown[] = []): Promise<Record<string, unknown>[]> {
  const r = await run("ovsdb-client", ["transact", remote, JSON.stringify(["OVN_Northbound", { op: "select", table, where, columns }])]);
  return (JSON.parse(r.stdout) as [{ rows: Record<string, unknown>[] }])[0].rows;
}

const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

for (const { kind, available, start } of KINDS) {
  describe.skipIf(!available())(`tier and chain filters, served by ${kind}`, () => {
    for (const release of RELEASES) {
      const tiers = release !== "23.03";
      const chains = release === "25.03" || release === "25.09";
      describe(`OVN ${release}`, () => {
        let server: Server;
        let client: OvsdbClient;
        beforeAll(async () => {
          server = await start([ovnSchemaFile(release, "OVN_Northbound")]);
          client = await OvsdbClient.connect(server.unix);
        }, 60_000);
        afterAll(async () => {
          client?.close();
          await server?.stop();
        });

        for (const reader of READERS) {
          it(`${reader} reader: sees the server's columns; aclDel by tier${tiers ? "" : " is refused"}`, async () => {
            const nb = new OvnNb(client, { reader });
            try {
              const pg = `pg-${reader}`;
              await nb.run(async (tx) => void (await tx.pgAdd(pg)));
              const acl = (tier: number) => nb.run((tx) => tx.aclAdd({ portGroup: pg }, "to-lport", 1000 + tier, `ip4.src == 10.0.0.${tier}`, "drop", tiers ? { tier } : {}));
              await acl(0);
              if (!tiers) {
                const tx = nb.transaction();
                await expect(tx.aclDel({ portGroup: pg }, { tier: 1 })).rejects.toBeInstanceOf(OvnFeatureUnavailableError);
                expect(tx.operations()).toEqual([]);
                // The reader's rows carry exactly the server's columns: no tier here.
                expect("tier" in (await nb.reader.find("ACL"))[0]!).toBe(false);
                return;
              }
              await acl(1);
              await acl(2);
              await nb.run((tx) => tx.aclAdd({ portGroup: pg }, "from-lport", 1001, "ip4.dst == 10.0.0.1", "drop", { tier: 1 }));
              // The reader (select or replica) sees the server's tier column.
              const byTier = (await nb.reader.find("ACL")).map((a) => (a as unknown as { tier: number }).tier);
              expect(byTier.filter((t) => typeof t === "number").length).toBe(byTier.length);
              // A tier filter with a direction: only the to-lport ACL of tier 1 goes.
              expect((await nb.run((tx) => tx.aclDel({ portGroup: pg }, { direction: "to-lport", tier: 1 }))).value).toBe(1);
              expect(sorted(await select(server.unix, "ACL", ["direction", "tier"]))).toEqual(
                sorted([
                  { direction: "to-lport", tier: 0 },
                  { direction: "to-lport", tier: 2 },
                  { direction: "from-lport", tier: 1 },
                ]),
              );
              // The tier alone: the from-lport one of tier 1 goes; nothing of another tier.
              expect((await nb.run((tx) => tx.aclDel({ portGroup: pg }, { tier: 1 }))).value).toBe(1);
              expect((await nb.run((tx) => tx.aclDel({ portGroup: pg }, { tier: 3 }))).value).toBe(0);
              expect(sorted(await select(server.unix, "ACL", ["tier"]))).toEqual(sorted([{ tier: 0 }, { tier: 2 }]));
              // An invalid tier is refused before anything is read.
              await expect(nb.transaction().aclDel({ portGroup: pg }, { tier: 4 })).rejects.toMatchObject({ name: "OvnInvalidArgumentError" });
              await nb.run(async (tx) => void (await tx.pgDel(pg)));
            } finally {
              await nb.close();
            }
          });

          it(`${reader} reader: lrPolicyDel by chain${chains ? "" : " is refused"}`, async () => {
            const nb = new OvnNb(client, { reader });
            try {
              const lr = `lr-${reader}`;
              await nb.run(async (tx) => void (await tx.lrAdd(lr)));
              if (!chains) {
                const tx = nb.transaction();
                await expect(tx.lrPolicyDel(lr, { chain: "c1" })).rejects.toBeInstanceOf(OvnFeatureUnavailableError);
                expect(tx.operations()).toEqual([]);
                return;
              }
              await nb.run(async (tx) => {
                await tx.lrPolicyAdd(lr, 100, "ip4.src == 10.1.0.0/16", "allow", { chain: "c1" });
                await tx.lrPolicyAdd(lr, 100, "ip4.src == 10.1.0.0/16", "allow", { chain: "c2" });
                await tx.lrPolicyAdd(lr, 100, "ip4.src == 10.1.0.0/16", "allow");
                await tx.lrPolicyAdd(lr, 200, "ip4.src == 10.2.0.0/16", "drop", { chain: "c1" });
              });
              const policies = async () => {
                const [row] = await select(server.unix, "Logical_Router", ["policies"], [["name", "==", lr]]);
                const ids = row!["policies"] as ["set", ["uuid", string][]] | ["uuid", string];
                const uuids = ids[0] === "set" ? ids[1].map((u) => u[1]) : [ids[1]];
                const rows = await Promise.all(uuids.map(async (u) => (await select(server.unix, "Logical_Router_Policy", ["priority", "chain"], [["_uuid", "==", ["uuid", u]]]))[0]!));
                return sorted(rows.map((r) => ({ priority: r["priority"], chain: Array.isArray(r["chain"]) ? "" : r["chain"] })));
              };
              // The priority in one chain only.
              expect((await nb.run((tx) => tx.lrPolicyDel(lr, { priority: 100, chain: "c1" }))).value).toBe(1);
              expect(await policies()).toEqual(sorted([{ priority: 100, chain: "c2" }, { priority: 100, chain: "" }, { priority: 200, chain: "c1" }]));
              // "" is the default chain (policies without one).
              expect((await nb.run((tx) => tx.lrPolicyDel(lr, { chain: "" }))).value).toBe(1);
              expect(await policies()).toEqual(sorted([{ priority: 100, chain: "c2" }, { priority: 200, chain: "c1" }]));
              // A whole chain.
              expect((await nb.run((tx) => tx.lrPolicyDel(lr, { chain: "c1" }))).value).toBe(1);
              expect(await policies()).toEqual(sorted([{ priority: 100, chain: "c2" }]));
              await nb.run(async (tx) => void (await tx.lrDel(lr)));
            } finally {
              await nb.close();
            }
          });
        }
      });
    }
  });
}
