/**
 * Every bundled OVN release's schemas served by the embedded server and by a real ovsdb-server:
 * detection names the release, a row using that release's newest columns is written through the
 * release's typed model, monitored back and decoded, and `ovsdb-client` reads the same values.
 * On 23.03 the newer features are refused with OvnFeatureUnavailableError before anything is sent.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OvnFeature, OvnFeatureUnavailableError, type OvnSchemaInfo, detectOvnSchema, detectOvnSchemas, requireFeature } from "../../src/ovn/index.js";
import {
  ModelCompatibilityError,
  OVN_IC_Northbound_25_03,
  OVN_IC_Southbound_25_09,
  OVN_Northbound,
  OVN_Northbound_24_03,
  OVN_Northbound_24_09,
  OVN_Northbound_25_03,
  OVN_Northbound_25_09,
  OVN_RELEASES,
  OVN_SCHEMA_VERSIONS,
  OVN_Southbound_25_03,
  OvsdbClient,
  Replica,
  type OvnDatabase,
  insert,
  type OvnRelease,
  type TableUpdates2,
  ovnModels,
  ovnSchemaFile,
  verifyModelSchema,
} from "../../src/ovsdb/index.js";
import { type EmbeddedServerSandbox, type OvsdbServerSandbox, run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

// docs:detect
/** Adds a tier-2 "pass" ACL to switch `ls`; needs ACL tiers (OVN 24.03 or later). */
export async function addTieredAcl(client: OvsdbClient, ls: string) {
  const nb = await detectOvnSchema(client);
  // On OVN 23.03: OvnFeatureUnavailableError { feature: "ACL.tier", schemaVersion: "7.0.0", neededRelease: "24.03", ... }
  requireFeature(nb, "ACL.tier", "ACL.action=pass");
  // OVN 24.03 and every later release serve the 24.03 model (later schemas add, never drop, NB columns).
  const { model } = OVN_Northbound_24_03;
  const acl = model.table("ACL").insert({ priority: 1000, direction: "to-lport", match: "ip4.src == 10.0.0.0/8", action: "pass", tier: 2 });
  const [uuid] = await model.transact(client, [acl, model.table("Logical_Switch").mutate({ name: ls }, [["acls", "insert", [acl.ref]]])]);
  return uuid;
}
// docs:end

it("docs/models.md shows the detection example exactly as this file runs it", () => {
  const text = readFileSync(new URL(import.meta.url).pathname, "utf8");
  const start = text.indexOf("// docs:detect\n") + "// docs:detect\n".length;
  const region = text.slice(start, text.indexOf("// docs:end", start)).trim();
  const guide = readFileSync(new URL("../../docs/models.md", import.meta.url).pathname, "utf8");
  // the guide's block also has its imports
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.split("\n").filter((l) => !l.startsWith("import ")).join("\n").trim());
  expect(blocks).toContain(region);
});

const DBS: readonly OvnDatabase[] = ["OVN_Northbound", "OVN_Southbound", "OVN_IC_Northbound", "OVN_IC_Southbound"];

/** What one case wrote: the row's UUID, its values as the typed model decodes them, and as `ovsdb-client` prints them. */
interface Written {
  readonly uuid: string;
  readonly native: Record<string, unknown>;
  readonly wire: Record<string, unknown>;
}

/** A row that uses columns (or values) new in its release, written through that release's typed model. */
interface Case {
  readonly db: OvnDatabase;
  readonly table: string;
  readonly columns: readonly string[];
  /** Features the row needs; checked with requireFeature before writing. */
  readonly features: readonly OvnFeature<OvnDatabase>[];
  write(client: OvsdbClient): Promise<Written>;
  decode(json: unknown): Record<string, unknown>;
}

const CASES: Record<OvnRelease, readonly Case[]> = {
  "23.03": [
    {
      db: "OVN_Northbound",
      table: "ACL",
      columns: ["label", "action", "priority"],
      features: ["ACL.label"],
      async write(client) {
        const m = OVN_Northbound.model;
        const acl = m.table("ACL").insert({ priority: 1001, direction: "to-lport", match: "ip4", action: "allow-related", label: 7 });
        const [uuid] = await m.transact(client, [acl, m.table("Logical_Switch").insert({ name: "ls-2303", acls: [acl.ref] })]);
        return { uuid, native: { label: 7, action: "allow-related", priority: 1001 }, wire: { label: 7, action: "allow-related", priority: 1001 } };
      },
      decode: (j) => OVN_Northbound.model.table("ACL").decodeRow(j) as unknown as Record<string, unknown>,
    },
  ],
  "24.03": [
    {
      db: "OVN_Northbound",
      table: "ACL",
      columns: ["tier", "action"],
      features: ["ACL.tier", "ACL.action=pass"],
      async write(client) {
        const m = OVN_Northbound_24_03.model;
        const acl = m.table("ACL").insert({ priority: 1001, direction: "to-lport", match: "ip4", action: "pass", tier: 2 });
        const [uuid] = await m.transact(client, [acl, m.table("Logical_Switch").insert({ name: "ls-2403", acls: [acl.ref] })]);
        return { uuid, native: { tier: 2, action: "pass" }, wire: { tier: 2, action: "pass" } };
      },
      decode: (j) => OVN_Northbound_24_03.model.table("ACL").decodeRow(j) as unknown as Record<string, unknown>,
    },
  ],
  "24.09": [
    {
      db: "OVN_Northbound",
      table: "ACL",
      columns: ["tier", "sample_new"],
      features: ["ACL.sample_new", "Sample", "Sample_Collector"],
      async write(client) {
        const m = OVN_Northbound_24_09.model;
        const collector = m.table("Sample_Collector").insert({ id: 3, name: "c3", probability: 65535, set_id: 9 });
        const sample = m.table("Sample").insert({ metadata: 4242, collectors: [collector.ref] });
        const acl = m.table("ACL").insert({ priority: 1001, direction: "from-lport", match: "ip4", action: "allow", tier: 1, sample_new: sample.ref });
        const ls = m.table("Logical_Switch").insert({ name: "ls-2409", acls: [acl.ref] });
        const [, sampleUuid, uuid] = await m.transact(client, [collector, sample, acl, ls]);
        return { uuid, native: { tier: 1, sample_new: sampleUuid }, wire: { tier: 1, sample_new: ["uuid", sampleUuid] } };
      },
      decode: (j) => OVN_Northbound_24_09.model.table("ACL").decodeRow(j) as unknown as Record<string, unknown>,
    },
    {
      db: "OVN_Northbound",
      table: "NAT",
      columns: ["match", "priority", "type"],
      features: ["NAT.match", "NAT.priority"],
      async write(client) {
        const m = OVN_Northbound_24_09.model;
        const nat = m.table("NAT").insert({ type: "snat", external_ip: "172.16.0.1", logical_ip: "10.0.0.0/24", match: "ip4.dst == 192.0.2.0/24", priority: 10 });
        const [uuid] = await m.transact(client, [nat, m.table("Logical_Router").insert({ name: "lr-2409", nat: [nat.ref] })]);
        return { uuid, native: { match: "ip4.dst == 192.0.2.0/24", priority: 10, type: "snat" }, wire: { match: "ip4.dst == 192.0.2.0/24", priority: 10, type: "snat" } };
      },
      decode: (j) => OVN_Northbound_24_09.model.table("NAT").decodeRow(j) as unknown as Record<string, unknown>,
    },
  ],
  "25.03": [
    {
      db: "OVN_Northbound",
      table: "Logical_Router_Policy",
      columns: ["action", "chain", "jump_chain"],
      features: ["Logical_Router_Policy.action=jump", "Logical_Router_Policy.chain", "Logical_Router_Policy.jump_chain"],
      async write(client) {
        const m = OVN_Northbound_25_03.model;
        const p = m.table("Logical_Router_Policy").insert({ priority: 100, match: "ip4", action: "jump", chain: "main", jump_chain: "tenant-a" });
        const [uuid] = await m.transact(client, [p, m.table("Logical_Router").insert({ name: "lr-2503", policies: [p.ref] })]);
        return { uuid, native: { action: "jump", chain: "main", jump_chain: "tenant-a" }, wire: { action: "jump", chain: "main", jump_chain: "tenant-a" } };
      },
      decode: (j) => OVN_Northbound_25_03.model.table("Logical_Router_Policy").decodeRow(j) as unknown as Record<string, unknown>,
    },
    {
      db: "OVN_Southbound",
      table: "ACL_ID",
      columns: ["id"],
      features: ["ACL_ID"],
      async write(client) {
        const m = OVN_Southbound_25_03.model;
        const [uuid] = await m.transact(client, [m.table("ACL_ID").insert({ id: 321 })]);
        return { uuid, native: { id: 321 }, wire: { id: 321 } };
      },
      decode: (j) => OVN_Southbound_25_03.model.table("ACL_ID").decodeRow(j) as unknown as Record<string, unknown>,
    },
    {
      db: "OVN_IC_Northbound",
      table: "SSL",
      columns: ["ssl_ciphersuites"],
      features: ["SSL.ssl_ciphersuites"],
      async write(client) {
        const m = OVN_IC_Northbound_25_03.model;
        const ssl = m.table("SSL").insert({ private_key: "/k", certificate: "/c", ca_cert: "/ca", ssl_ciphersuites: "TLS_AES_256_GCM_SHA384" });
        const [uuid] = await m.transact(client, [ssl, m.table("IC_NB_Global").insert({ ssl: ssl.ref })]);
        return { uuid, native: { ssl_ciphersuites: "TLS_AES_256_GCM_SHA384" }, wire: { ssl_ciphersuites: "TLS_AES_256_GCM_SHA384" } };
      },
      decode: (j) => OVN_IC_Northbound_25_03.model.table("SSL").decodeRow(j) as unknown as Record<string, unknown>,
    },
  ],
  "25.09": [
    {
      db: "OVN_Northbound",
      table: "Mirror",
      columns: ["type", "filter", "mirror_rules"],
      features: ["Mirror_Rule", "Mirror.mirror_rules", "Mirror.type=lport"],
      async write(client) {
        const m = OVN_Northbound_25_09.model;
        const rule = m.table("Mirror_Rule").insert({ match: "tcp", action: "mirror", priority: 5 });
        const mirror = m.table("Mirror").insert({ name: "mir-2509", type: "lport", filter: "both", sink: "lsp-sink", mirror_rules: [rule.ref] });
        const [ruleUuid, uuid] = await m.transact(client, [rule, mirror]);
        return { uuid, native: { type: "lport", filter: "both", mirror_rules: [ruleUuid] }, wire: { type: "lport", filter: "both", mirror_rules: ["uuid", ruleUuid] } };
      },
      decode: (j) => OVN_Northbound_25_09.model.table("Mirror").decodeRow(j) as unknown as Record<string, unknown>,
    },
    {
      db: "OVN_IC_Southbound",
      table: "Service_Monitor",
      columns: ["protocol", "port", "status", "target_availability_zone"],
      features: ["Service_Monitor", "Service_Monitor.status=online"],
      async write(client) {
        const m = OVN_IC_Southbound_25_09.model;
        const [uuid] = await m.transact(client, [
          m.table("Service_Monitor").insert({ ip: "10.0.0.5", protocol: "udp", port: 53, logical_port: "lsp1", status: "online", target_availability_zone: "az2" }),
        ]);
        const v = { protocol: "udp", port: 53, status: "online", target_availability_zone: "az2" };
        return { uuid, native: v, wire: v };
      },
      decode: (j) => OVN_IC_Southbound_25_09.model.table("Service_Monitor").decodeRow(j) as unknown as Record<string, unknown>,
    },
  ],
};

/** Starts a monitor on the case's table, writes the row, and resolves with the decoded row the update carried. */
async function writeAndMonitor(client: OvsdbClient, c: Case): Promise<{ written: Written; monitored: Record<string, unknown> }> {
  const updates: TableUpdates2[] = [];
  const start = await client.monitor(c.db, { [c.table]: { columns: [...c.columns] } }, { onUpdate2: (u) => updates.push(u) });
  try {
    const written = await c.write(client);
    let row: unknown;
    await expect
      .poll(() => {
        for (const u of updates) {
          const r = u[c.table]?.[written.uuid] as { insert?: unknown } | undefined;
          if (r?.insert) row = r.insert;
        }
        return row !== undefined;
      })
      .toBe(true);
    return { written, monitored: c.decode(row) };
  } finally {
    await client.monitorCancel(start.id);
  }
}

/** The row as `ovsdb-client transact` prints it (its own JSON-RPC client and JSON printer). */
async function readWithOvsdbClient(remote: string, c: Case, uuid: string): Promise<Record<string, unknown>> {
  const txn = [c.db, { op: "select", table: c.table, where: [["_uuid", "==", ["uuid", uuid]]], columns: c.columns }];
  const r = await run("ovsdb-client", ["transact", remote, JSON.stringify(txn)]);
  const [result] = JSON.parse(r.stdout) as [{ rows: Record<string, unknown>[] }];
  expect(result.rows).toHaveLength(1);
  return result.rows[0]!;
}

type Server = EmbeddedServerSandbox | OvsdbServerSandbox;
const KINDS: readonly { kind: string; available: () => boolean; start: (schemas: string[]) => Promise<Server> }[] = [
  { kind: "the embedded server", available: () => peers("ovsdb-client"), start: (schemas) => startEmbeddedServer({ schemas }) },
  { kind: "a real ovsdb-server", available: () => peers("ovsdb-server", "ovsdb-tool", "ovsdb-client"), start: (schemas) => startOvsdbServer({ schemas }) },
];

for (const { kind, available, start } of KINDS) {
  describe.skipIf(!available())(`bundled OVN schemas served by ${kind}`, () => {
    for (const release of OVN_RELEASES) {
      describe(`OVN ${release}`, () => {
        let server: Server;
        let client: OvsdbClient;
        const infos = new Map<OvnDatabase, OvnSchemaInfo<OvnDatabase>>();

        beforeAll(async () => {
          server = await start(DBS.map((db) => ovnSchemaFile(release, db)));
          client = await OvsdbClient.connect(server.unix);
          for (const db of DBS) infos.set(db, (await detectOvnSchema(client, db)) as OvnSchemaInfo<OvnDatabase>);
        }, 60_000);
        afterAll(async () => {
          client?.close();
          await server?.stop();
        });

        it("is detected as this release for all four databases", async () => {
          const all = await detectOvnSchemas(client);
          expect(Object.keys(all).sort()).toEqual([...DBS].sort());
          expect(all.OVN_Northbound?.version).toBe(OVN_SCHEMA_VERSIONS[release].OVN_Northbound);
          for (const db of DBS) {
            const info = infos.get(db)!;
            expect(info.version, db).toBe(OVN_SCHEMA_VERSIONS[release][db]);
            expect(info.match.kind, db).toBe("exact");
            if (info.match.kind === "exact") expect(info.match.releases, db).toContain(release);
          }
        });

        for (const c of CASES[release]) {
          it(`writes ${c.db} ${c.table} (${c.features.join(", ")}) through the typed model, monitors it back, and ovsdb-client agrees`, async () => {
            requireFeature(infos.get(c.db)!, ...c.features);
            const { written, monitored } = await writeAndMonitor(client, c);
            expect(monitored).toEqual(written.native);
            expect(await readWithOvsdbClient(server.unix, c, written.uuid)).toEqual(written.wire);
          }, 60_000);
        }

        it("runs the docs example: a tiered ACL where the schema has tiers, OvnFeatureUnavailableError (nothing sent) where not", async () => {
          await client.transact("OVN_Northbound", [insert("Logical_Switch", { name: "docs-ls" })]);
          const select = JSON.stringify(["OVN_Northbound", { op: "select", table: "Logical_Switch", where: [["name", "==", "docs-ls"]], columns: ["acls"] }]);
          if (release === "23.03") {
            await expect(addTieredAcl(client, "docs-ls")).rejects.toMatchObject({ name: "OvnFeatureUnavailableError", feature: "ACL.tier", neededRelease: "24.03" });
            expect(JSON.parse((await run("ovsdb-client", ["transact", server.unix, select])).stdout)).toEqual([{ rows: [{ acls: ["set", []] }] }]);
            return;
          }
          const uuid = await addTieredAcl(client, "docs-ls");
          expect(JSON.parse((await run("ovsdb-client", ["transact", server.unix, select])).stdout)).toEqual([{ rows: [{ acls: ["uuid", uuid] }] }]);
          const acl = JSON.stringify(["OVN_Northbound", { op: "select", table: "ACL", where: [["_uuid", "==", ["uuid", uuid]]], columns: ["tier", "action", "match"] }]);
          expect(JSON.parse((await run("ovsdb-client", ["transact", server.unix, acl])).stdout)).toEqual([{ rows: [{ tier: 2, action: "pass", match: "ip4.src == 10.0.0.0/8" }] }]);
        });

        it("a Replica built from this release's typed NB model holds the rows with their new columns", async () => {
          const replica = await Replica.start(client, ovnModels[release].nb.model, { tables: { ACL: true, Logical_Switch: true } });
          try {
            const acls = [...replica.rows("ACL")] as Record<string, unknown>[];
            expect(acls.length).toBeGreaterThan(0);
            if (release === "23.03") expect(acls.every((a) => !("tier" in a))).toBe(true);
            else expect(acls.filter((a) => a["tier"] === 2 && a["action"] === "pass")).toHaveLength(release === "24.03" ? 2 : 1);
          } finally {
            await replica.close();
          }
        });

        if (release === "23.03") {
          it("refuses every newer release's features with OvnFeatureUnavailableError, and the newer typed models do not fit", async () => {
            const nb = infos.get("OVN_Northbound")!;
            for (const c of OVN_RELEASES.slice(1).flatMap((r) => CASES[r])) {
              let err: unknown;
              try {
                requireFeature(infos.get(c.db)!, ...c.features);
              } catch (e) {
                err = e;
              }
              expect(err, `${c.db} ${c.features.join(", ")}`).toBeInstanceOf(OvnFeatureUnavailableError);
              expect((err as OvnFeatureUnavailableError).schemaVersion).toBe(OVN_SCHEMA_VERSIONS["23.03"][c.db]);
            }
            expect(() => requireFeature(nb, "ACL.tier")).toThrow(
              "OVN_Northbound feature ACL.tier (column ACL.tier) is not in the server's schema 7.0.0 (OVN 23.03); it needs schema 7.3.0 (OVN 24.03) or later",
            );
            const problems = await verifyModelSchema(client, OVN_Northbound_24_03.model).catch((e: unknown) => e);
            expect(problems).toBeInstanceOf(ModelCompatibilityError);
            expect((problems as ModelCompatibilityError).problems).toContainEqual(expect.objectContaining({ kind: "missing-column", table: "ACL", column: "tier" }));
            // Sent anyway (raw, no check), the server itself refuses them; both servers answer the same (the row's members sorted, as ovsdb-server prints JSON).
            const row = { priority: 1, direction: "to-lport", match: "ip4", action: "drop" };
            expect(await client.transactRaw("OVN_Northbound", [{ op: "insert", table: "ACL", row: { ...row, tier: 2 } }])).toEqual([
              { error: "unknown column", details: "No column tier in table ACL.", syntax: '{"action":"drop","direction":"to-lport","match":"ip4","priority":1,"tier":2}' },
            ]);
            expect(await client.transactRaw("OVN_Northbound", [{ op: "insert", table: "ACL", row: { ...row, action: "pass" } }])).toEqual([
              { error: "constraint violation", details: "pass is not one of the allowed values ([allow, allow-related, allow-stateless, drop, reject])" },
            ]);
            // Nothing was sent for the refused features: no ACL has a tier column to show, and the table is as the 23.03 case left it.
            const r = await run("ovsdb-client", ["transact", server.unix, JSON.stringify(["OVN_Northbound", { op: "select", table: "ACL", where: [], columns: ["action"] }])]);
            expect(JSON.parse(r.stdout)).toEqual([{ rows: [{ action: "allow-related" }] }]);
          });
        } else {
          it("serves the typed model of this release and of every older one (a newer server is compatible)", async () => {
            for (const older of OVN_RELEASES.slice(0, OVN_RELEASES.indexOf(release) + 1)) {
              await expect(verifyModelSchema(client, ovnModels[older].nb.model), older).resolves.toBeDefined();
            }
          });
        }
      });
    }
  });
}
