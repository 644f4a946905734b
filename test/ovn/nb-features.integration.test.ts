import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { ConstraintViolation, OVN_Northbound, Replica } from "../../src/ovsdb/index.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnInvalidArgumentError, OvnNb, OvnNotFoundError, OvnTransactionStateError, replicaReader } from "../../src/ovn/index.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

/** The ts example of docs/ovn.md's section on these calls, run as written. */
const md = readFileSync(new URL("../../docs/ovn.md", import.meta.url), "utf8");
const docStart = md.indexOf("## DNS, load balancer groups, forwarding groups, CoPP, IPv6 RA");
const docSection = md.slice(docStart, md.indexOf("\n## ", docStart + 1));
const docExamples = [...docSection.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (nb: OvnNb) => Promise<void>;

/**
 * The DNS, load balancer group, forwarding group, CoPP and IPv6 RA calls against a real NB
 * ovsdb-server and the embedded server alike: composition into one transaction, idempotence,
 * the typed errors, concurrent creations; results read back with ovn-nbctl.
 */
function suite(name: string, start: () => Promise<{ unix: string; stop(): Promise<void> }>): void {
  describe(`NB feature calls on ${name}`, () => {
    let server: { unix: string; stop(): Promise<void> };
    let client: OvsdbClient;
    let nb: OvnNb;
    const nbctl = async (...args: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...args])).stdout.trim();

    beforeAll(async () => {
      server = await start();
      client = await OvsdbClient.connect(server.unix);
      nb = new OvnNb(client);
    });
    afterAll(async () => {
      client?.close();
      await server?.stop();
    });

    it("composes everything with the objects it needs into one transaction", async () => {
      const tx = nb.transaction();
      await tx.lsAdd("sw0");
      await tx.lspAdd("sw0", "p1", { addresses: ["0a:00:00:00:00:01 10.0.0.11"] });
      await tx.lspAdd("sw0", "p2", { addresses: ["0a:00:00:00:00:02 10.0.0.12"] });
      await tx.lsAdd("sw1");
      await tx.lspAdd("sw1", "q1");
      await tx.lrAdd("r0");
      await tx.lrpAdd("r0", "r0-sw0", "00:00:00:00:ff:01", ["10.0.0.1/24", "fd00::1/64"]);
      await tx.dnsAdd("dns0", { "web.ns1": "10.0.0.11" }, { externalIds: { owner: "test" } });
      await tx.lsDnsAdd("sw0", "dns0");
      await tx.lbAdd("lb0", "10.96.0.1:80", ["10.0.0.11:8080"]);
      await tx.lbAdd("lb1", "10.96.0.2:53", ["10.0.0.12:53"], { protocol: "udp" });
      await tx.lbGroupAdd("lbg0", { loadBalancers: ["lb0"] });
      await tx.lbGroupAddLb("lbg0", ["lb1"]);
      await tx.lsLbGroupAdd("sw0", "lbg0");
      await tx.lrLbGroupAdd("r0", "lbg0");
      await tx.fwdGroupAdd("sw0", "fg0", "10.0.0.100", "00:00:00:00:fa:00", ["p1", "p2"], { liveness: true });
      await tx.meterAdd("m0", 100, "pktps");
      await tx.coppAdd("copp0", "arp", "m0");
      await tx.coppAdd("copp0", "bfd", "m0");
      await tx.lsCoppAdd("sw0", "copp0");
      await tx.lrCoppAdd("r0", "copp0");
      await tx.lrpSetIpv6Ra("r0-sw0", { addressMode: "slaac", mtu: 1400 });
      const { results } = await tx.commit();
      expect(results.filter((r) => r && typeof r === "object" && "error" in r)).toEqual([]);
      await expect(tx.dnsAdd("late", { a: "10.0.0.1" })).rejects.toThrow(OvnTransactionStateError);

      expect(await nbctl("--bare", "--columns=records,external_ids", "list", "DNS")).toBe("web.ns1=10.0.0.11\nname=dns0 owner=test");
      const dnsUuid = await nbctl("--bare", "--columns=_uuid", "list", "DNS");
      expect(await nbctl("get", "Logical_Switch", "sw0", "dns_records")).toBe(`[${dnsUuid}]`);
      const lbg = await nbctl("--bare", "--columns=_uuid", "find", "Load_Balancer_Group", "name=lbg0");
      expect(await nbctl("get", "Logical_Switch", "sw0", "load_balancer_group")).toBe(`[${lbg}]`);
      expect(await nbctl("get", "Logical_Router", "r0", "load_balancer_group")).toBe(`[${lbg}]`);
      const lbs = (await nbctl("--bare", "--columns=load_balancer", "list", "Load_Balancer_Group", "lbg0")).split(/\s+/).sort();
      expect(lbs).toEqual([await nbctl("--bare", "--columns=_uuid", "find", "Load_Balancer", "name=lb0"), await nbctl("--bare", "--columns=_uuid", "find", "Load_Balancer", "name=lb1")].sort());
      expect(await nbctl("fwd-group-list", "sw0")).toMatch(/^fg0 +sw0 +10\.0\.0\.100 +00:00:00:00:fa:00 +p1 p2$/m);
      expect(await nbctl("get", "Forwarding_Group", "fg0", "liveness")).toBe("true");
      expect((await nbctl("copp-list", "copp0")).split("\n").sort()).toEqual(["arp: m0", "bfd: m0"]);
      const copp = await nbctl("--bare", "--columns=_uuid", "find", "Copp", "name=copp0");
      expect(await nbctl("get", "Logical_Switch", "sw0", "copp")).toBe(copp);
      expect(await nbctl("get", "Logical_Router", "r0", "copp")).toBe(copp);
      expect(await nbctl("get", "Logical_Router_Port", "r0-sw0", "ipv6_ra_configs")).toBe('{address_mode=slaac, mtu="1400"}');
    });

    it("is idempotent where ovn-nbctl is, and otherwise fails naming the object", async () => {
      const tx = nb.transaction();
      await expect(tx.dnsAdd("dns0", { x: "10.0.0.9" })).rejects.toThrow(new OvnAlreadyExistsError("DNS records", "dns0"));
      await expect(tx.lbGroupAdd("lbg0")).rejects.toThrow("load balancer group lbg0 already exists");
      await expect(tx.fwdGroupAdd("sw0", "fg0", "10.0.0.100", "00:00:00:00:fa:00", ["p1"])).rejects.toThrow("forwarding group fg0 already exists on switch sw0");
      await expect(tx.fwdGroupAdd("sw1", "fg0", "10.0.0.100", "00:00:00:00:fa:00", ["q1"], { mayExist: true })).rejects.toThrow(new OvnConflictError({ kind: "container", object: "forwarding group", name: "fg0", field: "switch", existing: "sw0", requested: "sw1" }));
      await expect(tx.fwdGroupAdd("sw0", "fg1", "10.0.0.101", "00:00:00:00:fa:01", ["q1"])).rejects.toThrow("logical switch port q1 is on switch sw1, not on sw0, so it cannot join forwarding group fg1");
      await expect(tx.fwdGroupAdd("sw0", "fg1", "fd00::9", "00:00:00:00:fa:01", ["p1"])).rejects.toThrow(OvnInvalidArgumentError);
      await expect(tx.lbGroupAddLb("lbg0", ["nope"])).rejects.toThrow(new OvnNotFoundError("load balancer", "nope"));
      await expect(tx.lsLbGroupDel("sw1", "lbg0")).rejects.toThrow("load balancer group lbg0 not found on switch sw1");
      await expect(tx.lsDnsDel("sw1", "dns0")).rejects.toThrow("DNS records dns0 not found on switch sw1");
      await expect(tx.lsCoppDel("sw1")).rejects.toThrow("CoPP policy not found on switch sw1");
      await expect(tx.lsCoppAdd("sw1", "nope")).rejects.toThrow(new OvnNotFoundError("CoPP", "nope"));
      await expect(tx.coppAdd("copp0", "ARP" as never, "m0")).rejects.toThrow('invalid control protocol "ARP"');
      await expect(tx.coppDel("nope")).rejects.toThrow(new OvnNotFoundError("CoPP", "nope"));
      await expect(tx.lrpSetIpv6Ra("nope", { addressMode: "slaac" })).rejects.toThrow(new OvnNotFoundError("logical router port", "nope"));
      await expect(tx.lrpSetIpv6Ra("r0-sw0", { addressMode: "slaac", mtu: 100 })).rejects.toThrow('invalid IPv6 RA MTU of router port r0-sw0 "100"');
      expect(tx.operations()).toEqual([]);
      // The same again with mayExist / ifExists, and the attachments twice: nothing changes.
      const before = await nbctl("--format=csv", "--columns=_uuid,dns_records,load_balancer_group,copp,forwarding_groups", "list", "Logical_Switch");
      await nb.run(async (t) => {
        await t.dnsAdd("dns0", { "web.ns1": "10.0.0.11" }, { mayExist: true });
        await t.lsDnsAdd("sw0", "dns0");
        await t.lbGroupAdd("lbg0", { mayExist: true });
        // mayExist is create-if-absent: other members than the group's are a conflict, not an addition.
        await expect(t.lbGroupAdd("lbg0", { mayExist: true, loadBalancers: ["lb0"] })).rejects.toBeInstanceOf(OvnConflictError);
        await t.lsLbGroupAdd("sw0", "lbg0");
        await t.fwdGroupAdd("sw0", "fg0", "10.0.0.100", "00:00:00:00:fa:00", ["p1", "p2"], { mayExist: true, liveness: true });
        await t.lsCoppAdd("sw0", "copp0");
        await t.lsDnsDel("sw1", "dns0", { ifExists: true });
        await t.lsLbGroupDel("sw1", "lbg0", { ifExists: true });
        await t.lsCoppDel("sw1", { ifExists: true });
        await t.dnsDel("nope", { ifExists: true });
        await t.lbGroupDel("nope", { ifExists: true });
        await t.fwdGroupDel("nope", { ifExists: true });
        await t.coppDel("nope", "arp", { ifExists: true });
      });
      expect(await nbctl("--format=csv", "--columns=_uuid,dns_records,load_balancer_group,copp,forwarding_groups", "list", "Logical_Switch")).toBe(before);
      expect(await nbctl("--bare", "--columns=records", "list", "DNS")).toBe("web.ns1=10.0.0.11");
    });

    it("updates: DNS records, group members, a forwarding group with mayExist, CoPP entries", async () => {
      await nb.run(async (t) => {
        await t.dnsUpdate("dns0", { set: { "db.ns1": ["10.0.0.12", "fd00::12"], "web.ns1": "10.0.0.13" } });
        await t.lbGroupRemoveLb("lbg0", ["lb1"]);
        // mayExist does not update: other settings are a conflict naming the field...
        const c = await t.fwdGroupAdd("sw0", "fg0", "10.0.0.200", "00:00:00:00:fa:02", ["p2"], { mayExist: true }).catch((e: unknown) => e);
        expect(c).toBeInstanceOf(OvnConflictError);
        expect((c as OvnConflictError).conflict).toMatchObject({ kind: "setting", object: "forwarding group", name: "fg0", field: "vip", existing: "10.0.0.100", requested: "10.0.0.200" });
        // ...and replacing it in one transaction works, as the transaction sees its own delete.
        await t.fwdGroupDel("fg0");
        await t.fwdGroupAdd("sw0", "fg0", "10.0.0.200", "00:00:00:00:fa:02", ["p2"]);
        await t.coppDel("copp0", "bfd");
      });
      expect(await nbctl("--bare", "--columns=records", "list", "DNS")).toBe("db.ns1=10.0.0.12 fd00::12 web.ns1=10.0.0.13");
      expect(await nbctl("--bare", "--columns=load_balancer", "list", "Load_Balancer_Group", "lbg0")).toBe(await nbctl("--bare", "--columns=_uuid", "find", "Load_Balancer", "name=lb0"));
      expect(await nbctl("--bare", "--columns=vip,vmac,child_port,liveness", "list", "Forwarding_Group", "fg0")).toBe("10.0.0.200\n00:00:00:00:fa:02\np2\nfalse");
      expect(await nbctl("copp-list", "copp0")).toBe("arp: m0");
      await nb.run((t) => t.dnsUpdate("dns0", { remove: ["WEB.ns1"] }));
      expect(await nbctl("--bare", "--columns=records", "list", "DNS")).toBe("db.ns1=10.0.0.12 fd00::12");
    });

    it("a concurrent creation of the same group makes the later commit fail instead of duplicating it", async () => {
      const [t1, t2] = [nb.transaction(), nb.transaction()];
      await t1.fwdGroupAdd("sw0", "fg-race", "10.0.0.150", "00:00:00:00:fa:50", ["p1"]);
      await t2.fwdGroupAdd("sw0", "fg-race", "10.0.0.151", "00:00:00:00:fa:51", ["p2"]);
      await t1.commit();
      await expect(t2.commit()).rejects.toThrow();
      expect(await nbctl("--bare", "--columns=vip", "find", "Forwarding_Group", "name=fg-race")).toBe("10.0.0.150");
      // Copp names are indexed: the server itself refuses a duplicate too.
      await expect(nb.run(async (t) => void t.add({ op: "insert", table: "Copp", row: { name: "copp0" } }))).rejects.toThrow(ConstraintViolation);
    });

    it("deletes: the group leaves switches and routers, a CoPP policy emptied goes, RA cleared", async () => {
      await nb.run(async (t) => {
        await t.lbGroupDel("lbg0");
        await t.fwdGroupDel("fg0");
        await t.coppDel("copp0", "arp");
        await t.lrpClearIpv6Ra("r0-sw0");
        await t.dnsDel("dns0");
      });
      expect(await nbctl("--columns=load_balancer_group,copp,dns_records", "list", "Logical_Switch", "sw0")).toBe("load_balancer_group : []\ncopp                : []\ndns_records         : []");
      expect(await nbctl("--bare", "--columns=load_balancer_group,copp", "list", "Logical_Router", "r0")).toBe("");
      expect(await nbctl("--bare", "--columns=name", "list", "Forwarding_Group")).toBe("fg-race");
      expect(await nbctl("--bare", "--columns=name", "list", "Copp")).toBe("");
      expect(await nbctl("--bare", "--columns=_uuid", "list", "DNS")).toBe("");
      expect(await nbctl("get", "Logical_Router_Port", "r0-sw0", "ipv6_ra_configs")).toBe("{}");
      // The load balancers themselves stay.
      expect((await nbctl("--bare", "--columns=name", "list", "Load_Balancer")).split(/\s+/).sort()).toEqual(["lb0", "lb1"]);
    });

    it("runs the docs/ovn.md example as written, idempotently; its error example is the real message", async () => {
      expect(docStart).toBeGreaterThan(0);
      expect(docExamples).toHaveLength(1);
      await nb.run(async (tx) => {
        await tx.lrAdd("ovn-cluster");
        await tx.lsAdd("subnet-a");
        await tx.connectSwitchToRouter("subnet-a", "ovn-cluster", { lrpName: "ovn-cluster-subnet-a", lspName: "subnet-a-ovn-cluster", mac: "00:00:00:aa:00:01", networks: ["10.16.0.1/24", "fd00:16::1/64"] });
        await tx.lspAdd("subnet-a", "web-0.default", { addresses: ["00:00:00:4e:2a:02 10.16.0.3"] });
      });
      for (let round = 0; round < 2; round++) await new AsyncFunction("nb", docExamples[0]!)(nb);
      expect(await nbctl("--bare", "--columns=records", "list", "DNS")).toBe("web.ns1.svc.cluster.local=10.96.0.20 fd00:96::20");
      expect(await nbctl("fwd-group-list", "subnet-a")).toMatch(/\nfg-web +subnet-a +10\.16\.0\.100 +00:00:00:00:fa:01 +web-0\.default$/);
      expect(await nbctl("copp-list", "node-copp")).toBe("arp: copp-meter");
      expect(await nbctl("get", "Logical_Router_Port", "ovn-cluster-subnet-a", "ipv6_ra_configs")).toBe('{address_mode=slaac, max_interval="300", mtu="1400", send_periodic="true"}');
      expect(await nbctl("--bare", "--columns=load_balancer_group", "list", "Logical_Router", "ovn-cluster")).toBe(await nbctl("--bare", "--columns=_uuid", "find", "Load_Balancer_Group", "name=cluster-lbs"));
      const message = /throws `OvnInvalidArgumentError: (.*)`\./.exec(docSection)?.[1];
      const bad = nb.transaction().lrpSetIpv6Ra("lrp1", { addressMode: "slaac", mtu: 1000 });
      await expect(bad).rejects.toThrow(new OvnInvalidArgumentError("IPv6 RA MTU of router port lrp1", "1000", "must be an integer in 1280..65535"));
      await expect(bad).rejects.toThrow(message!);
    });

    it("reads through a live replica as through selects", async () => {
      const replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model);
      try {
        const viaReplica = new OvnNb(client, { reader: replicaReader(replica) });
        const dump = () => nbctl("--format=csv", "--columns=_uuid,dns_records,load_balancer_group,copp,forwarding_groups", "list", "Logical_Switch");
        const before = await dump();
        await new AsyncFunction("nb", docExamples[0]!)(viaReplica);
        expect(await dump()).toBe(before);
        const [a, b] = [viaReplica.transaction(), nb.transaction()];
        expect(await a.fwdGroupList()).toEqual(await b.fwdGroupList());
        expect(await a.coppList("node-copp")).toEqual(await b.coppList("node-copp"));
        expect(await a.dnsGet("cluster-dns")).toEqual(await b.dnsGet("cluster-dns"));
        await expect(a.dnsAdd("cluster-dns", { x: "10.0.0.1" })).rejects.toThrow(new OvnAlreadyExistsError("DNS records", "cluster-dns"));
        await expect(a.lbGroupAdd("cluster-lbs")).rejects.toThrow(new OvnAlreadyExistsError("load balancer group", "cluster-lbs"));
        await expect(a.lsDnsDel("sw1", "cluster-dns")).rejects.toThrow("DNS records cluster-dns not found on switch sw1");
      } finally {
        await replica.close();
      }
    });
  });
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("DNS, LB groups, forwarding groups, CoPP, IPv6 RA calls", () => {
  suite("ovsdb-server", () => startOvsdbServer({ schemas: ["OVN_Northbound"] }));
  suite("the embedded server", () => startEmbeddedServer({ schemas: ["OVN_Northbound"] }));
});
