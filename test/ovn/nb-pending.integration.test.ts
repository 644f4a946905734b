/**
 * Every lookup inside an NbTransaction sees that transaction's own pending deletes, inserts and
 * updates, for every family of calls: a reconcile that deletes and re-creates objects in one
 * commit leaves exactly what it asked for. Run against the embedded server and a real
 * ovsdb-server, with the select reader and with a replica reader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OVN_Northbound, OvsdbClient, Replica } from "../../src/ovsdb/index.js";
import { type NbReader, OvnAlreadyExistsError, OvnNb, type NbTransaction, replicaReader, selectReader } from "../../src/ovn/index.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";
import { PendingView } from "../../src/ovn/pending-view.js";

/** A row as comparable text: `_version` dropped, uuid-names replaced by the UUIDs the commit gave, sets and maps sorted. */
function canonical(row: Record<string, unknown>, names: ReadonlyMap<string, string>): string {
  const atom = (a: unknown) => (typeof a === "string" ? (names.get(a) ?? a) : typeof a === "bigint" ? a.toString() : a);
  const value = (v: unknown): unknown => {
    if (v instanceof Map) return [...v].map(([k, x]) => JSON.stringify([atom(k), atom(x)])).sort();
    if (Array.isArray(v)) return v.map((x) => JSON.stringify(atom(x))).sort();
    return atom(v);
  };
  return JSON.stringify(Object.keys(row).filter((k) => k !== "_version").sort().map((k) => [k, value(row[k])]));
}

type Backend = "embedded" | "ovsdb-server";
type ReaderKind = "select" | "replica";

const cases: [Backend, ReaderKind][] = [
  ["embedded", "select"],
  ["embedded", "replica"],
  ["ovsdb-server", "select"],
  ["ovsdb-server", "replica"],
];

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("an NbTransaction sees its own pending changes", () => {
  describe.each(cases)("%s, %s reader", (backend, readerKind) => {
    let stop: () => Promise<void>;
    let unix: string;
    let client: OvsdbClient;
    let replica: Replica<OVN_Northbound.Tables> | undefined;
    let nb: OvnNb;
    let check: NbReader;
    let n = 0;
    /** A fresh name per test, so that the tests share one server. */
    const fresh = (s: string) => `${s}-${++n}`;
    const apply = async (build: (tx: NbTransaction) => Promise<unknown>) => {
      const tx = nb.transaction();
      await build(tx);
      await tx.commit();
    };

    beforeAll(async () => {
      const server = backend === "embedded" ? await startEmbeddedServer({ schemas: ["OVN_Northbound"] }) : await startOvsdbServer({ schemas: ["OVN_Northbound"] });
      unix = server.unix;
      stop = () => server.stop();
      client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
      if (readerKind === "replica") replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model);
      nb = new OvnNb(client, replica ? { reader: replicaReader(replica) } : {});
      check = selectReader(client);
    }, 60_000);
    afterAll(async () => {
      await replica?.close();
      client?.close();
      await stop?.();
    });

    const aclsOf = async (table: "Port_Group" | "Logical_Switch", name: string) => {
      const owner = (await check.find(table, { name }))[0]!;
      const all = await check.find("ACL");
      return all.filter((a) => owner.acls.includes(a._uuid)).map((a) => `${a.direction} ${a.priority} ${a.match} ${a.action}`).sort();
    };

    it("ACLs of a port group: delete by direction then add the wanted ones with mayExist keeps exactly the wanted ones", async () => {
      const pg = fresh("pg");
      await apply(async (tx) => {
        await tx.pgAdd(pg);
        await tx.aclAdd({ portGroup: pg }, "to-lport", 1000, "ip4.src == 10.0.0.1", "allow-related");
        await tx.aclAdd({ portGroup: pg }, "to-lport", 900, "ip4", "drop");
        await tx.aclAdd({ portGroup: pg }, "from-lport", 800, "ip4", "allow");
      });
      await apply(async (tx) => {
        await tx.aclDel({ portGroup: pg }, { direction: "to-lport" });
        await tx.aclAdd({ portGroup: pg }, "to-lport", 1000, "ip4.src == 10.0.0.1", "allow-related", { mayExist: true });
        await tx.aclAdd({ portGroup: pg }, "to-lport", 1001, "ip4.src == 10.0.0.2", "allow-related", { mayExist: true });
        // The listing inside the transaction already shows the result.
        expect((await tx.aclList({ portGroup: pg })).map((a) => a.priority).sort()).toEqual([1000, 1001, 800]);
      });
      expect(await aclsOf("Port_Group", pg)).toEqual(["from-lport 800 ip4 allow", "to-lport 1000 ip4.src == 10.0.0.1 allow-related", "to-lport 1001 ip4.src == 10.0.0.2 allow-related"]);
    });

    it("ACLs of a switch: the same replacement", async () => {
      const sw = fresh("sw");
      await apply(async (tx) => {
        await tx.lsAdd(sw);
        await tx.aclAdd({ switch: sw }, "to-lport", 100, "ip", "drop");
      });
      await apply(async (tx) => {
        await tx.aclDel({ switch: sw });
        await tx.aclAdd({ switch: sw }, "to-lport", 100, "ip", "drop", { mayExist: true });
      });
      expect(await aclsOf("Logical_Switch", sw)).toEqual(["to-lport 100 ip drop"]);
      // Adding the same ACL twice in one transaction: the second sees the first.
      const tx = nb.transaction();
      await tx.aclAdd({ switch: sw }, "from-lport", 5, "ip", "allow");
      await expect(tx.aclAdd({ switch: sw }, "from-lport", 5, "ip", "allow")).rejects.toBeInstanceOf(OvnAlreadyExistsError);
    });

    it("switches and ports: deleted ones are gone, created ones are found, updated ones read back new", async () => {
      const [a, b, p] = [fresh("sw"), fresh("sw"), fresh("port")];
      await apply(async (tx) => {
        await tx.lsAdd(a);
        await tx.lspAdd(a, p, { addresses: ["0a:00:00:00:00:01 10.0.0.1"] });
      });
      await apply(async (tx) => {
        // The port moves: deleted from a, created on b (not a conflict with its old self).
        await tx.lspDel(p);
        expect(await tx.lspGet(p)).toBeUndefined();
        await tx.lsAdd(b);
        await tx.lspAdd(b, p, { addresses: ["0a:00:00:00:00:02 10.0.0.2"] });
        expect((await tx.lspGet(p))?.addresses).toEqual(["0a:00:00:00:00:02 10.0.0.2"]);
        await tx.lspSet(p, { addresses: ["0a:00:00:00:00:03 10.0.0.3"] });
        expect((await tx.lspGet(p))?.addresses).toEqual(["0a:00:00:00:00:03 10.0.0.3"]);
        // The switch deleted with its ports, then created again, empty.
        await tx.lsDel(a);
        await tx.lsAdd(a);
      });
      const ports = await check.find("Logical_Switch_Port", { name: p });
      expect(ports.map((x) => x.addresses)).toEqual([["0a:00:00:00:00:03 10.0.0.3"]]);
      expect((await check.find("Logical_Switch", { name: b }))[0]!.ports).toEqual([ports[0]!._uuid]);
      expect((await check.find("Logical_Switch", { name: a }))[0]!.ports).toEqual([]);
      expect((await run("ovn-nbctl", [`--db=${unix}`, "lsp-get-ls", p])).stdout).toContain(`(${b})`);
    });

    it("a deleted switch takes its ports: a port of the same name can be created elsewhere in the same transaction", async () => {
      const [a, b, p] = [fresh("sw"), fresh("sw"), fresh("port")];
      await apply(async (tx) => {
        await tx.lsAdd(a);
        await tx.lsAdd(b);
        await tx.lspAdd(a, p);
      });
      await apply(async (tx) => {
        await tx.lsDel(a);
        await tx.lspAdd(b, p);
      });
      expect((await check.find("Logical_Switch_Port", { name: p }))).toHaveLength(1);
    });

    it("routers, router ports, routes, policies, NAT", async () => {
      const [r, lrp] = [fresh("lr"), fresh("lrp")];
      await apply(async (tx) => {
        await tx.lrAdd(r);
        await tx.lrpAdd(r, lrp, "00:00:00:00:01:01", ["10.1.0.1/24"]);
        await tx.lrRouteAdd(r, "10.2.0.0/16", "10.1.0.254");
        await tx.lrPolicyAdd(r, 100, "ip4.dst == 10.3.0.0/16", "drop");
        await tx.lrNatAdd(r, "snat", "172.16.0.1", "10.1.0.0/24");
      });
      await apply(async (tx) => {
        await tx.lrpDel(lrp);
        await tx.lrpAdd(r, lrp, "00:00:00:00:01:02", ["10.1.1.1/24"]);
        await tx.lrRouteDel(r);
        await tx.lrRouteAdd(r, "10.2.0.0/16", "10.1.1.254");
        await tx.lrPolicyDel(r);
        await tx.lrPolicyAdd(r, 100, "ip4.dst == 10.3.0.0/16", "allow");
        await tx.lrNatDel(r);
        await tx.lrNatAdd(r, "snat", "172.16.0.2", "10.1.0.0/24");
      });
      const router = (await check.find("Logical_Router", { name: r }))[0]!;
      const lrps = await check.find("Logical_Router_Port", { name: lrp });
      expect(lrps.map((x) => x.networks)).toEqual([["10.1.1.1/24"]]);
      expect(router.ports).toEqual([lrps[0]!._uuid]);
      const routes = (await check.find("Logical_Router_Static_Route")).filter((x) => router.static_routes.includes(x._uuid));
      expect(routes.map((x) => x.nexthop)).toEqual(["10.1.1.254"]);
      const policies = (await check.find("Logical_Router_Policy")).filter((x) => router.policies.includes(x._uuid));
      expect(policies.map((x) => x.action)).toEqual(["allow"]);
      const nats = (await check.find("NAT")).filter((x) => router.nat.includes(x._uuid));
      expect(nats.map((x) => x.external_ip)).toEqual(["172.16.0.2"]);
    });

    it("gateway chassis and HA chassis groups", async () => {
      const [r, lrp, g] = [fresh("lr"), fresh("lrp"), fresh("ha")];
      await apply(async (tx) => {
        await tx.lrAdd(r);
        await tx.lrpAdd(r, lrp, "00:00:00:00:02:01", ["10.2.0.1/24"]);
        await tx.lrpSetGatewayChassis(lrp, "ch1", 10);
        await tx.haChassisGroupAdd(g);
        await tx.haChassisGroupAddChassis(g, "ch1", 5);
      });
      await apply(async (tx) => {
        await tx.lrpDelGatewayChassis(lrp, "ch1");
        await tx.lrpSetGatewayChassis(lrp, "ch1", 20);
        await tx.lrpSetGatewayChassis(lrp, "ch1", 30);
        await tx.haChassisGroupDel(g);
        await tx.haChassisGroupAdd(g);
        await tx.haChassisGroupAddChassis(g, "ch2", 7);
        await tx.haChassisGroupAddChassis(g, "ch2", 8);
      });
      const port = (await check.find("Logical_Router_Port", { name: lrp }))[0]!;
      const gcs = (await check.find("Gateway_Chassis")).filter((x) => port.gateway_chassis.includes(x._uuid));
      expect(gcs.map((x) => [x.chassis_name, x.priority])).toEqual([["ch1", 30]]);
      const group = await check.find("HA_Chassis_Group", { name: g });
      expect(group).toHaveLength(1);
      const has = (await check.find("HA_Chassis")).filter((x) => group[0]!.ha_chassis.includes(x._uuid));
      expect(has.map((x) => [x.chassis_name, x.priority])).toEqual([["ch2", 8]]);
    });

    it("port groups, address sets, load balancers, QoS", async () => {
      const [sw, p, pg, as, lb] = [fresh("sw"), fresh("port"), fresh("pg"), fresh("as"), fresh("lb")];
      await apply(async (tx) => {
        await tx.lsAdd(sw);
        await tx.lspAdd(sw, p);
        await tx.pgAdd(pg, [p]);
        await tx.addressSetAdd(as, ["10.0.0.1"]);
        await tx.lbAdd(lb, "10.96.0.1:80", ["10.0.0.1:8080"]);
        await tx.qosAdd(sw, "from-lport", 100, "ip", { rate: 100 });
      });
      await apply(async (tx) => {
        await tx.pgDel(pg);
        await tx.pgAdd(pg, [p]);
        await tx.addressSetDel(as);
        await tx.addressSetAdd(as, ["10.0.0.2"]);
        await tx.lbDel(lb);
        await tx.lbAdd(lb, "10.96.0.1:80", ["10.0.0.2:8080"]);
        await tx.qosDel(sw);
        await tx.qosAdd(sw, "from-lport", 100, "ip", { rate: 200 });
      });
      expect((await check.find("Port_Group", { name: pg })).map((x) => x.ports.length)).toEqual([1]);
      expect((await check.find("Address_Set", { name: as })).map((x) => x.addresses)).toEqual([["10.0.0.2"]]);
      expect((await check.find("Load_Balancer", { name: lb })).map((x) => x.vips.get("10.96.0.1:80"))).toEqual(["10.0.0.2:8080"]);
      const s = (await check.find("Logical_Switch", { name: sw }))[0]!;
      const qos = (await check.find("QoS")).filter((q) => s.qos_rules.includes(q._uuid));
      expect(qos.map((q) => q.bandwidth.get("rate"))).toEqual([200]);
    });

    it("DHCP options, meters, mirrors, BFD: a second call sees the first one's row", async () => {
      const [m, mirror, sw] = [fresh("meter"), fresh("mirror"), fresh("sw")];
      const ids = { subnet: sw };
      await apply(async (tx) => {
        await tx.meterAdd(m, 100, "pktps");
        await tx.mirrorAdd(mirror, { type: "gre", index: 1, filter: "to-lport", sink: "192.168.0.1" });
      });
      await apply(async (tx) => {
        const first = await tx.dhcpOptionsEnsure("10.9.0.0/24", { router: "10.9.0.1" }, ids);
        const second = await tx.dhcpOptionsEnsure("10.9.0.0/24", { router: "10.9.0.254" }, ids);
        expect(second).toBe(first);
        await tx.meterDel(m);
        await tx.meterAdd(m, 200, "pktps");
        await tx.mirrorDel(mirror);
        await tx.mirrorAdd(mirror, { type: "erspan", index: 2, filter: "from-lport", sink: "192.168.0.2" });
        await tx.bfdAdd(`${sw}-lrp`, "10.9.0.9");
        await expect(tx.bfdAdd(`${sw}-lrp`, "10.9.0.9")).rejects.toBeInstanceOf(OvnAlreadyExistsError);
      });
      const dhcp = (await check.find("DHCP_Options")).filter((d) => d.external_ids.get("subnet") === sw);
      expect(dhcp.map((d) => d.options.get("router"))).toEqual(["10.9.0.254"]);
      const meters = await check.find("Meter", { name: m });
      expect(meters).toHaveLength(1);
      const bands = await check.find("Meter_Band");
      expect(bands.filter((b) => meters[0]!.bands.includes(b._uuid)).map((b) => b.rate)).toEqual([200]);
      expect((await check.find("Mirror", { name: mirror })).map((x) => x.type)).toEqual(["erspan"]);
      expect(await check.find("BFD", { logical_port: `${sw}-lrp` })).toHaveLength(1);
    });

    it("DNS records, load balancer groups, forwarding groups, CoPP", async () => {
      const [sw, p, dns, lbg, fwd, copp, meter] = [fresh("sw"), fresh("port"), fresh("dns"), fresh("lbg"), fresh("fwd"), fresh("copp"), fresh("meter")];
      await apply(async (tx) => {
        await tx.lsAdd(sw);
        await tx.lspAdd(sw, p);
        await tx.meterAdd(meter, 10, "pktps");
        await tx.dnsAdd(dns, { "a.example": "10.0.0.1" });
        await tx.lbGroupAdd(lbg);
        await tx.fwdGroupAdd(sw, fwd, "10.0.0.100", "00:00:00:00:00:64", [p]);
        await tx.coppAdd(copp, "arp", meter);
      });
      await apply(async (tx) => {
        await tx.dnsDel(dns);
        await tx.dnsAdd(dns, { "b.example": "10.0.0.2" });
        await tx.lbGroupDel(lbg);
        await tx.lbGroupAdd(lbg);
        await tx.fwdGroupDel(fwd);
        await tx.fwdGroupAdd(sw, fwd, "10.0.0.101", "00:00:00:00:00:65", [p]);
        await tx.coppDel(copp);
        await tx.coppAdd(copp, "icmp4-error", meter);
      });
      const dnsRows = (await check.find("DNS")).filter((d) => d.external_ids.get("name") === dns);
      expect(dnsRows.map((d) => [...d.records.keys()])).toEqual([["b.example"]]);
      expect(await check.find("Load_Balancer_Group", { name: lbg })).toHaveLength(1);
      expect((await check.find("Forwarding_Group", { name: fwd })).map((f) => f.vip)).toEqual(["10.0.0.101"]);
      expect((await check.find("Copp", { name: copp })).map((c) => [...c.meters.keys()])).toEqual([["icmp4-error"]]);
    });

    it("garbage collection is transitive, as the server's: the pending view before the commit equals the database after it", async () => {
      const lr = fresh("gc-lr");
      const sw = fresh("gc-sw");
      const pg = fresh("gc-pg");
      const lb = fresh("gc-lb");
      await apply(async (tx) => {
        await tx.lrAdd(lr);
        await tx.lrpAdd(lr, `${lr}-p1`, "00:00:00:00:aa:01", ["10.50.0.1/24"]);
        await tx.lrpSetGatewayChassis(`${lr}-p1`, "ch1", 10);
        await tx.lrpSetGatewayChassis(`${lr}-p1`, "ch2", 5);
        await tx.lrRouteAdd(lr, "0.0.0.0/0", "10.50.0.254");
        await tx.lrNatAdd(lr, "snat", "172.20.0.1", "10.50.0.0/24");
        await tx.lsAdd(sw);
        await tx.lspAdd(sw, `${sw}-p1`);
        await tx.pgAdd(pg);
        await tx.aclAdd({ portGroup: pg }, "to-lport", 100, "ip4", "drop");
        const shared = await tx.aclAdd({ switch: sw }, "to-lport", 200, "ip6", "drop");
        // One ACL held by the switch and the port group: deleting the switch must not collect it.
        tx.add(OVN_Northbound.model.table("Port_Group").mutate({ name: pg }, [["acls", "insert", [shared]]]));
        await tx.lbAdd(lb, "10.96.0.1:80", ["10.50.0.5:80"]);
        await tx.lbHealthCheckAdd(lb, "10.96.0.1:80", { interval: "5" });
      });
      expect((await check.find("Gateway_Chassis")).filter((g) => g.name.startsWith(`${lr}-p1`))).toHaveLength(2);
      const tx = nb.transaction();
      // A root row deleted: its ports go, and their gateway chassis (two levels); its routes and NAT.
      await tx.lrDel(lr);
      // The switch's ports and its ACL that only it held go; the shared ACL stays.
      await tx.lsDel(sw);
      await tx.lbDel(lb);
      // A non-root row inserted and referenced by nothing is collected too.
      tx.add(OVN_Northbound.model.table("Gateway_Chassis").insert({ name: fresh("gc-lonely"), chassis_name: "ch3", priority: 1 }));
      const ops = [...tx.operations()];
      const view = new PendingView();
      for (const op of ops) view.apply(op);
      const reader = replica ? replicaReader(replica) : selectReader(client);
      const tables = [...OVN_Northbound.model.schema.tables.keys()] as OVN_Northbound.TableName[];
      const pending = await Promise.all(tables.map((t) => view.find(reader, t)));
      const commit = await tx.commit();
      const names = new Map<string, string>();
      for (const op of ops) if (op.op === "insert" && op["uuid-name"]) names.set(op["uuid-name"], commit.uuid(op["uuid-name"] as never));
      const after = await Promise.all(tables.map((t) => check.find(t)));
      const norm = (rows: readonly unknown[]) => rows.map((r) => canonical(r as Record<string, unknown>, names)).sort();
      tables.forEach((t, i) => expect({ table: t, rows: norm(pending[i]!) }).toEqual({ table: t, rows: norm(after[i]!) }));
      // And the case is the one meant: the collected rows were there before.
      expect((await check.find("Gateway_Chassis")).filter((g) => g.name.startsWith(`${lr}-p1`))).toEqual([]);
      expect((await check.find("ACL")).filter((a) => a.match === "ip6" && a.priority === 200)).toHaveLength(1);
    });
  });
});
