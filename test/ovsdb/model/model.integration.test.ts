import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/client/index.js";
import { ModelCompatibilityError, verifyModelSchema } from "../../../src/ovsdb/model/index.js";
import { connectVerified } from "../../../src/ovsdb/client/index.js";
import { OVN_Northbound, OVN_Southbound, _Server } from "../../../src/ovsdb/models/index.js";
import { bundledSchemaPath } from "../../../src/ovsdb/schema/index.js";
import { ConstraintViolation } from "../../../src/ovsdb/wire/errors.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");
const LSP = nb.table("Logical_Switch_Port");
const PG = nb.table("Port_Group");
const AS = nb.table("Address_Set");
const ACL = nb.table("ACL");

const N = 50;
const mac = (i: number) => `00:00:00:53:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 0xff).toString(16).padStart(2, "0")}`;
const ip = (i: number) => `10.16.0.${i + 2}`;

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("typed OVN_Northbound model against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("agrees with the server's schema", async () => {
    expect(await verifyModelSchema(client, nb)).toEqual([]);
    const { client: c, warnings } = await connectVerified(server.unix, [nb, _Server.model]);
    c.close();
    expect(warnings).toEqual([]);
  });

  it("builds a Kube-OVN-like subnet in one typed transaction and reads it back equal", async () => {
    const ext = { vendor: "kube-ovn", logical_switch: "ovn-default" };
    const ports = Array.from({ length: N }, (_, i) =>
      LSP.insert({
        name: `pod-${i}.default`,
        addresses: [`${mac(i)} ${ip(i)}`],
        port_security: [`${mac(i)} ${ip(i)}`],
        external_ids: { pod: `default/pod-${i}`, ...ext },
      }),
    );
    const sw = LS.insert({
      name: "ovn-default",
      ports: ports.map((p) => p.ref),
      other_config: { subnet: "10.16.0.0/16", exclude_ips: "10.16.0.1" },
      external_ids: { vendor: "kube-ovn" },
    });
    const acl = ACL.insert({
      priority: 2003,
      direction: "to-lport",
      match: "outport == @ovn.sg.web && ip4.src == $ovn.sg.web.allow",
      action: "allow-related",
      log: true,
      severity: "info",
      name: "web-allow",
      external_ids: { sg: "web" },
    });
    const pg = PG.insert({ name: "ovn.sg.web", ports: ports.map((p) => p.ref), acls: [acl.ref], external_ids: { sg: "web" } });
    const as = AS.insert({ name: "ovn.sg.web.allow", addresses: ["10.16.0.0/24", "192.168.0.1"], external_ids: { sg: "web" } });

    const results = await nb.transact(client, [...ports, sw, acl, pg, as]);
    expect(results).toHaveLength(N + 4);
    const portUuids = results.slice(0, N);
    const [swUuid, aclUuid, pgUuid, asUuid] = results.slice(N);
    for (const u of results) expect(u).toMatch(/^[0-9a-f-]{36}$/);

    const [switches, portRows, acls, pgs, sets] = await nb.transact(client, [
      LS.select({ name: "ovn-default" }),
      LSP.select([["external_ids", "includes", { logical_switch: "ovn-default" }]]),
      ACL.select({ name: "web-allow" }),
      PG.select({ name: "ovn.sg.web" }),
      AS.select([["name", "==", "ovn.sg.web.allow"]]),
    ]);

    // Order-insensitive comparison of sets: sort the UUID arrays of both sides.
    const sorted = <T extends string>(a: readonly T[]) => [...a].sort();
    expect(switches.map((s) => ({ ...s, ports: sorted(s.ports) }))).toEqual([
      {
        _uuid: swUuid,
        _version: expect.any(String),
        name: "ovn-default",
        ports: sorted(portUuids),
        acls: [],
        qos_rules: [],
        load_balancer: [],
        load_balancer_group: [],
        dns_records: [],
        copp: undefined,
        other_config: new Map([["subnet", "10.16.0.0/16"], ["exclude_ips", "10.16.0.1"]]),
        external_ids: new Map([["vendor", "kube-ovn"]]),
        forwarding_groups: [],
      },
    ]);

    expect([...portRows].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))).toEqual(
      Array.from({ length: N }, (_, i) => ({
        _uuid: portUuids[i],
        _version: expect.any(String),
        name: `pod-${i}.default`,
        type: "",
        options: new Map(),
        parent_name: undefined,
        tag_request: undefined,
        tag: undefined,
        addresses: [`${mac(i)} ${ip(i)}`],
        dynamic_addresses: undefined,
        port_security: [`${mac(i)} ${ip(i)}`],
        up: undefined,
        enabled: undefined,
        dhcpv4_options: undefined,
        dhcpv6_options: undefined,
        mirror_rules: [],
        ha_chassis_group: undefined,
        external_ids: new Map(Object.entries({ pod: `default/pod-${i}`, ...ext })),
      })),
    );

    expect(acls).toEqual([
      {
        _uuid: aclUuid,
        _version: acls[0]!._version,
        name: "web-allow",
        priority: 2003,
        direction: "to-lport",
        match: "outport == @ovn.sg.web && ip4.src == $ovn.sg.web.allow",
        action: "allow-related",
        log: true,
        severity: "info",
        meter: undefined,
        label: 0,
        options: new Map(),
        external_ids: new Map([["sg", "web"]]),
      },
    ]);
    expect(pgs.map((g) => ({ ...g, ports: sorted(g.ports) }))).toEqual([
      { _uuid: pgUuid, _version: expect.any(String), name: "ovn.sg.web", ports: sorted(portUuids), acls: [aclUuid], external_ids: new Map([["sg", "web"]]) },
    ]);
    expect(sets).toEqual([
      { _uuid: asUuid, _version: sets[0]!._version, name: "ovn.sg.web.allow", addresses: ["10.16.0.0/24", "192.168.0.1"].sort(), external_ids: new Map([["sg", "web"]]) },
    ]);
  });

  it("mutates, updates and deletes with typed conditions", async () => {
    const [before] = await nb.transact(client, [PG.select({ name: "ovn.sg.web" }, ["ports"])]);
    const victim = before[0]!.ports[0]!;
    const [n1, n2, n3, after, nDel] = await nb.transact(client, [
      PG.mutate({ name: "ovn.sg.web" }, [["ports", "delete", [victim]], ["external_ids", "insert", { rev: "2" }]]),
      ACL.mutate([["priority", ">", 2000], ["direction", "==", "to-lport"]], [["priority", "+=", 1]]),
      LSP.update([["_uuid", "==", victim]], { up: false, external_ids: { retired: "yes" } }),
      PG.select({ name: "ovn.sg.web" }, ["ports", "external_ids"]),
      AS.delete({ name: "ovn.sg.web.allow" }),
    ]);
    expect([n1, n2, n3, nDel]).toEqual([1, 1, 1, 1]);
    expect(after[0]!.ports).toHaveLength(N - 1);
    expect(after[0]!.ports).not.toContain(victim);
    expect(after[0]!.external_ids.get("rev")).toBe("2");
    const [acl] = await nb.transact(client, [ACL.select({ name: "web-allow" }, ["priority"])]);
    expect(acl).toEqual([{ priority: 2004 }]);
  });

  it("rejects with the client's typed error when the server refuses", async () => {
    // Port_Group has a unique index on name.
    const err = await nb.transact(client, [ACL.select(), PG.insert({ name: "ovn.sg.web" })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConstraintViolation);
    expect((err as ConstraintViolation).operationIndex).toBeDefined();
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("model compatibility against a real ovsdb-server", () => {
  let dir: string;
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;

  beforeAll(async () => {
    // A "server" schema that drifted from the model: a newer extra table and column (fine), a
    // missing table, a missing column, a mistyped column, a retargeted reference and a widened enum.
    const json = JSON.parse(readFileSync(bundledSchemaPath("OVN_Northbound"), "utf8"));
    const t = json.tables;
    t.Future_Table = { columns: { x: { type: "integer" } }, isRoot: true };
    t.Logical_Switch.columns.future_column = { type: "string" };
    delete t.Mirror;
    for (const tn of Object.keys(t)) {
      for (const c of Object.values(t[tn].columns) as { type: { key?: { refTable?: string } } }[]) {
        if (c.type?.key?.refTable === "Mirror") {
          delete c.type.key.refTable;
          delete (c.type.key as { refType?: string }).refType;
        }
      }
    }
    delete t.Logical_Switch_Port.columns.tag_request;
    t.ACL.columns.priority = { type: "string" };
    t.Logical_Switch.columns.acls = { type: { key: { type: "uuid", refTable: "QoS", refType: "strong" }, min: 0, max: "unlimited" } };
    t.ACL.columns.action.type.key.enum[1].push("pass");
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-"));
    const file = join(dir, "drifted.ovsschema");
    writeFileSync(file, JSON.stringify(json));
    server = await startOvsdbServer({ schemas: [file] });
    client = await OvsdbClient.connect(server.unix);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("tolerates extra tables and columns and reports every missing or mistyped one at once", async () => {
    const err = await verifyModelSchema(client, nb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelCompatibilityError);
    const e = err as ModelCompatibilityError;
    const errors = e.problems.filter((p) => p.severity === "error").map((p) => `${p.kind} ${p.table}.${p.column ?? ""}`);
    expect(errors.sort()).toEqual(
      [
        "missing-table Mirror.",
        "missing-column Logical_Switch_Port.tag_request",
        "type-mismatch ACL.priority",
        "type-mismatch Logical_Switch.acls",
        // Logical_Switch_Port.mirror_rules lost its refTable along with the Mirror table
        "type-mismatch Logical_Switch_Port.mirror_rules",
      ].sort(),
    );
    expect(e.message).toContain("table Logical_Switch_Port, column tag_request: missing on the server");
    expect(e.message).toContain("table ACL, column priority");
    expect(e.message).not.toContain("Future_Table");
    expect(e.problems).toContainEqual(expect.objectContaining({ severity: "warning", kind: "enum-values", table: "ACL", column: "action" }));
  });

  it("connectVerified checks every model at connect, reports all problems at once and closes the client", async () => {
    const err = await connectVerified(server.unix, [nb, OVN_Southbound.model, _Server.model]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelCompatibilityError);
    const e = err as ModelCompatibilityError;
    expect(e.message).toContain("database OVN_Southbound: not served by the server");
    expect(e.message).toContain("table Mirror: missing on the server");
    expect(e.problems.filter((p) => p.severity === "error")).toHaveLength(6);
  });
});
