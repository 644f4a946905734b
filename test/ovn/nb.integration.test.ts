import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { OVN_Northbound } from "../../src/ovsdb/models/index.js";
import { ConstraintViolation, OvsdbError } from "../../src/ovsdb/wire/errors.js";
import {
  OvnAlreadyExistsError,
  OvnConcurrentChangeError,
  OvnConflictError,
  OvnInvalidArgumentError,
  OvnNb,
  OvnNotFoundError,
  OvnTransactionStateError,
  selectReader,
} from "../../src/ovn/index.js";
import { Ipam } from "../../src/ovn/ipam.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const nbModel = OVN_Northbound.model;

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("OVN NB API against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;
  let nb: OvnNb;
  const nbctl = async (...args: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...args])).stdout;

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix);
    nb = new OvnNb(client);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("builds a Kube-OVN-like topology in one transaction, which ovn-nbctl reads back", async () => {
    const tx = nb.transaction();
    await tx.lrAdd("ovn-cluster");
    await tx.lsAdd("subnet-a", { subnet: { cidr: "10.16.0.0/16", excludeIps: ["10.16.0.1", "10.16.0.250..10.16.0.254"] }, externalIds: { vendor: "kube-ovn" } });
    await tx.connectSwitchToRouter("subnet-a", "ovn-cluster", { lrpName: "ovn-cluster-subnet-a", lspName: "subnet-a-ovn-cluster", mac: "00:00:00:aa:00:01", networks: ["10.16.0.1/16"] });
    const dhcp = await tx.dhcpOptionsEnsure("10.16.0.0/16", { router: "10.16.0.1", lease_time: "3600", server_id: "10.16.0.1", server_mac: "00:00:00:aa:00:01" }, { subnet: "subnet-a", protocol: "IPv4" });
    await tx.lspAdd("subnet-a", "pod1.ns1", {
      addresses: ["0a:58:0a:10:00:05 10.16.0.5"],
      portSecurity: ["0a:58:0a:10:00:05 10.16.0.5"],
      externalIds: { pod: "ns1/pod1", ls: "subnet-a" },
      dhcpv4Options: dhcp,
    });
    await tx.lspAdd("subnet-a", "pod2.ns1", { addresses: ["dynamic"] });
    await tx.pgAdd("pg.ns1.allow", ["pod1.ns1"]);
    await tx.pgAddPorts("pg.ns1.allow", ["pod2.ns1"]);
    await tx.aclAdd({ portGroup: "pg.ns1.allow" }, "to-lport", 2000, "outport == @pg.ns1.allow && ip4", "drop", { log: true, name: "np-deny", severity: "warning" });
    await tx.addressSetAdd("as.ns1", ["10.16.0.5", "10.16.0.0/24"]);
    await tx.lbAdd("cluster-tcp", "10.96.0.10:53", ["10.16.0.5:53"], { protocol: "tcp" });
    await tx.lsLbAdd("subnet-a", "cluster-tcp");
    await tx.lrRouteAdd("ovn-cluster", "0.0.0.0/0", "100.64.0.1");
    await tx.lrPolicyAdd("ovn-cluster", 31000, "ip4.dst == 10.16.0.0/16", "allow");
    await tx.lrNatAdd("ovn-cluster", "snat", "172.18.0.100", "10.16.0.0/16");
    await tx.lrNatAdd("ovn-cluster", "dnat_and_snat", "172.18.0.101", "10.16.0.5", { logicalPort: "pod1.ns1", externalMac: "0a:58:0a:10:00:05" });
    await tx.qosAdd("subnet-a", "from-lport", 1001, 'inport == "pod1.ns1"', { rate: 1000, burst: 2000 });
    await tx.lsAdd("underlay", { subnet: { cidr: "192.168.1.0/24" } });
    await tx.localnetPortAdd("underlay", "ln-underlay", "provider", { vlan: 100 });
    const commit = await tx.commit();
    expect(commit.uuid(dhcp)).toMatch(/^[0-9a-f-]{36}$/);

    const show = await nbctl("show");
    expect(show).toContain("switch");
    expect(show).toContain("port pod1.ns1\n        addresses: [\"0a:58:0a:10:00:05 10.16.0.5\"]");
    expect(show).toContain('router-port: ovn-cluster-subnet-a');
    expect((await nbctl("get", "Logical_Switch_Port", "ln-underlay", "tag_request")).trim()).toBe("100");
    expect(show).toContain("snat");
    expect(show).toContain("dnat_and_snat");
    expect((await nbctl("--bare", "--columns=ports", "list", "Port_Group", "pg.ns1.allow")).trim().split(/\s+/)).toHaveLength(2);
    expect(await nbctl("acl-list", "pg.ns1.allow")).toContain('to-lport  2000 (outport == @pg.ns1.allow && ip4) drop log(name=np-deny,severity=warning)');
    expect(await nbctl("lr-route-list", "ovn-cluster")).toContain("0.0.0.0/0");
    expect((await nbctl("get", "Logical_Switch", "subnet-a", "other_config:exclude_ips")).trim()).toBe('"10.16.0.1 10.16.0.250..10.16.0.254"');
    expect((await nbctl("get", "Logical_Switch_Port", "pod1.ns1", "dhcpv4_options")).trim()).toBe(commit.uuid(dhcp));
    expect(await nbctl("qos-list", "subnet-a")).toContain("rate=1000 burst=2000");
  });

  it("is idempotent with mayExist: the same calls again change nothing", async () => {
    const before = await nbctl("show");
    const rows = await nbctl("--format=json", "list", "Logical_Switch_Port");
    const tx = nb.transaction();
    await tx.lrAdd("ovn-cluster", { mayExist: true });
    await tx.lsAdd("subnet-a", { mayExist: true });
    await tx.connectSwitchToRouter("subnet-a", "ovn-cluster", { lrpName: "ovn-cluster-subnet-a", lspName: "subnet-a-ovn-cluster", mac: "00:00:00:aa:00:01", networks: ["10.16.0.1/16"] }, { mayExist: true });
    await tx.lspAdd("subnet-a", "pod1.ns1", { mayExist: true });
    await tx.pgAdd("pg.ns1.allow", [], { mayExist: true });
    await tx.aclAdd({ portGroup: "pg.ns1.allow" }, "to-lport", 2000, "outport == @pg.ns1.allow && ip4", "drop", { mayExist: true });
    await tx.lrRouteAdd("ovn-cluster", "0.0.0.0/0", "100.64.0.1", { mayExist: true });
    await tx.lrPolicyAdd("ovn-cluster", 31000, "ip4.dst == 10.16.0.0/16", "allow", { mayExist: true });
    await tx.lrNatAdd("ovn-cluster", "snat", "172.18.0.100", "10.16.0.0/16", { mayExist: true });
    await tx.lbAdd("cluster-tcp", "10.96.0.10:53", ["10.16.0.5:53"], { mayExist: true });
    await tx.qosAdd("subnet-a", "from-lport", 1001, 'inport == "pod1.ns1"', { rate: 1000, burst: 2000, mayExist: true });
    await tx.localnetPortAdd("underlay", "ln-underlay", "provider", { vlan: 100, mayExist: true });
    await tx.commit();
    expect(await nbctl("show")).toBe(before);
    expect(await nbctl("--format=json", "list", "Logical_Switch_Port")).toBe(rows);
  });

  it("fails with errors naming the object", async () => {
    const tx = nb.transaction();
    await expect(tx.lspAdd("subnet-a", "pod1.ns1")).rejects.toThrow(new OvnAlreadyExistsError("logical switch port", "pod1.ns1", { kind: "switch", name: "subnet-a" }));
    await expect(tx.lspAdd("subnet-a", "pod1.ns1")).rejects.toThrow("logical switch port pod1.ns1 already exists on switch subnet-a");
    await expect(tx.lspAdd("underlay", "pod1.ns1", { mayExist: true })).rejects.toThrow(OvnConflictError);
    await expect(tx.lspAdd("underlay", "pod1.ns1", { mayExist: true })).rejects.toThrow("already exists on switch subnet-a, not underlay");
    await expect(tx.lspAdd("nope", "p")).rejects.toThrow(new OvnNotFoundError("logical switch", "nope"));
    await expect(tx.lsDel("nope")).rejects.toThrow("logical switch nope not found");
    await expect(tx.lspAdd("subnet-a", "x", { addresses: ["zz 10.0.0.1"] })).rejects.toThrow(OvnInvalidArgumentError);
    await expect(tx.lrRouteAdd("ovn-cluster", "10.0.0.0/8", "fd00::1")).rejects.toThrow("address family differs");
    await expect(tx.lrNatAdd("ovn-cluster", "snat", "172.18.0.100", "10.16.0.0/16")).rejects.toThrow("NAT snat 10.16.0.0/16 already exists on router ovn-cluster");
    await expect(tx.aclAdd({ switch: "subnet-a" }, "to-lport", 40000, "1", "drop")).rejects.toThrow("priority");
    await expect(tx.lbAdd("cluster-tcp", "10.96.0.10:53", ["10.16.0.6:53"])).rejects.toThrow("load balancer VIP 10.96.0.10:53 already exists on load balancer cluster-tcp");
    await tx.lsDel("nope", { ifExists: true });
    await tx.lspDel("nope", { ifExists: true });
    expect(tx.operations()).toEqual([]);
  });

  it("sees its own pending creations and deletions, and refuses reuse after commit", async () => {
    const tx = nb.transaction();
    await tx.lsAdd("subnet-b");
    await tx.lspAdd("subnet-b", "p-b");
    await expect(tx.lspAdd("subnet-b", "p-b")).rejects.toThrow("already exists on switch subnet-b");
    await tx.lspSet("p-b", { addresses: ["00:00:00:00:0b:01 10.17.0.2"] });
    await tx.lspDel("pod2.ns1");
    await tx.lspAdd("subnet-b", "pod2.ns1", { addresses: ["00:00:00:00:0b:02 10.17.0.3"] });
    await tx.commit();
    await expect(tx.lsAdd("again")).rejects.toThrow(OvnTransactionStateError);
    expect((await nbctl("lsp-list", "subnet-b")).trim().split("\n").map((l) => l.split(" ")[1]).sort()).toEqual(["(p-b)", "(pod2.ns1)"]);
    expect(await nbctl("lsp-get-addresses", "p-b")).toBe("00:00:00:00:0b:01 10.17.0.2\n");
    // pod2.ns1 left subnet-a and the port group (the old row was garbage-collected).
    expect(await nbctl("lsp-list", "subnet-a")).not.toContain("pod2.ns1");
    expect((await nbctl("--bare", "--columns=ports", "list", "Port_Group", "pg.ns1.allow")).trim().split(/\s+/)).toHaveLength(1);
  });

  it("guards creations: a concurrent creation of the same name makes the commit fail instead of duplicating", async () => {
    const tx = nb.transaction();
    await tx.lsAdd("racy");
    await nbctl("ls-add", "racy");
    // The failed wait guard comes out as a typed concurrent change, with the server's error as its cause.
    const e = await tx.commit().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OvnConcurrentChangeError);
    expect(e).toMatchObject({ table: "Logical_Switch", operationIndex: 0 });
    expect((e as OvnConcurrentChangeError).cause).toBeInstanceOf(OvsdbError);
    expect((await nbctl("--bare", "--columns=name", "find", "Logical_Switch", "name=racy")).trim()).toBe("racy");
  });

  it("sends no wait for a name the server indexes: a concurrent creation is refused by the index, as a typed concurrent change", async () => {
    const tx = nb.transaction();
    await tx.lspAdd("subnet-a", "racy-port");
    await tx.pgAdd("racy-pg");
    // Logical_Switch_Port and Port_Group have a unique index on name: no wait (a table scan on the server).
    expect(tx.operations().map((op) => op.op)).toEqual(["insert", "mutate", "insert"]);
    await nbctl("lsp-add", "subnet-a", "racy-port");
    const e = await tx.commit().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OvnConcurrentChangeError);
    expect(e).toMatchObject({ table: "Logical_Switch_Port", operationIndex: 0, key: { column: "name", value: "racy-port" } });
    expect((e as OvnConcurrentChangeError).cause).toBeInstanceOf(ConstraintViolation);
    // Nothing of the transaction was committed.
    expect((await nbctl("--bare", "--columns=_uuid", "find", "Logical_Switch_Port", "name=racy-port")).trim().split(/\s+/)).toHaveLength(1);
    expect((await nbctl("--bare", "--columns=name", "find", "Port_Group", "name=racy-pg")).trim()).toBe("");
    await nbctl("lsp-del", "racy-port");
  });

  it("composes with operations of your own and with deletes", async () => {
    const tx = nb.transaction();
    await tx.lrRouteAdd("ovn-cluster", "10.99.0.0/16", "100.64.0.2", { ecmp: true });
    await tx.lrRouteAdd("ovn-cluster", "10.99.0.0/16", "100.64.0.3", { ecmp: true });
    tx.add(nbModel.table("Logical_Switch").mutate({ name: "subnet-b" }, [["external_ids", "insert", { owner: "me" }]]));
    await tx.commit();
    expect((await nbctl("lr-route-list", "ovn-cluster")).match(/10\.99\.0\.0\/16/g)).toHaveLength(2);
    expect((await nbctl("get", "Logical_Switch", "subnet-b", "external_ids:owner")).trim()).toBe("me");
    const del = nb.transaction();
    expect(await del.lrRouteDel("ovn-cluster", { prefix: "10.99.0.0/16" })).toBe(2);
    expect(await del.lrNatDel("ovn-cluster", { type: "dnat_and_snat" })).toBe(1);
    expect(await del.aclDel({ portGroup: "pg.ns1.allow" })).toBe(1);
    await del.lbDel("cluster-tcp", { vip: "10.96.0.10:53" });
    await del.commit();
    expect(await nbctl("lr-route-list", "ovn-cluster")).not.toContain("10.99.0.0");
    expect(await nbctl("lr-nat-list", "ovn-cluster")).not.toContain("dnat_and_snat");
    expect(await nbctl("acl-list", "pg.ns1.allow")).toBe("");
    expect((await selectReader(client).find("Load_Balancer", { name: "cluster-tcp" }))[0]?.vips.size).toBe(0);
  });

  it("gateway chassis, HA chassis groups, mirrors and BFD", async () => {
    await nb.run(async (tx) => {
      await tx.lrpAdd("ovn-cluster", "ovn-cluster-external", "00:00:00:ee:00:01", ["172.18.0.2/16"]);
      await tx.lrpSetGatewayChassis("ovn-cluster-external", "node-1", 100);
      await tx.lrpSetGatewayChassis("ovn-cluster-external", "node-2", 90);
      await tx.haChassisGroupAdd("hagrp");
      await tx.haChassisGroupAddChassis("hagrp", "node-1", 30);
      await tx.haChassisGroupAddChassis("hagrp", "node-2", 20);
      await tx.mirrorAdd("m1", { type: "gre", index: 42, filter: "from-lport", sink: "192.168.0.9" });
      await tx.lspAttachMirror("pod1.ns1", "m1");
      await tx.bfdAdd("ovn-cluster-external", "172.18.0.1", { minTx: 100 });
    });
    await nb.run(async (tx) => {
      await tx.lrpSetGatewayChassis("ovn-cluster-external", "node-2", 110);
      await tx.haChassisGroupAddChassis("hagrp", "node-2", 40);
    });
    expect(await nbctl("lrp-get-gateway-chassis", "ovn-cluster-external")).toBe("ovn-cluster-external-node-2   110\novn-cluster-external-node-1   100\n");
    const ha = await nbctl("ha-chassis-group-list");
    expect(ha).toMatch(/\(hagrp\)\n/);
    expect(ha).toMatch(/\(node-2\)\n\s+priority 40\n/);
    expect(ha).toMatch(/\(node-1\)\n\s+priority 30\n/);
    expect((await nbctl("--bare", "--columns=mirror_rules", "list", "Logical_Switch_Port", "pod1.ns1")).trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect((await nbctl("--bare", "--columns=min_tx", "find", "BFD", "dst_ip=172.18.0.1")).trim()).toBe("100");
  });

  it("IPAM rebuilds from the real NB and reports a duplicate written behind its back", async () => {
    // ovn-nbctl lsp-set-addresses refuses duplicates on a switch; the generic "set" does not.
    await nbctl("lsp-add", "subnet-a", "dup.ns1", "--", "set", "Logical_Switch_Port", "dup.ns1", 'addresses="0a:58:0a:10:00:99 10.16.0.5"');
    const ipam = new Ipam();
    ipam.addSubnet("subnet-a", "10.16.0.0/16", { excludeIps: ["10.16.0.1"] });
    const report = await ipam.rebuildFromNb(selectReader(client));
    expect(report.restored).toBe(1);
    expect(report.conflicts.map((c) => c.port)).toEqual(["pod1.ns1"]); // "dup.ns1" sorts first and wins
    expect(ipam.subnet("subnet-a").ownerOf("10.16.0.5")).toBe("dup.ns1");
  });

  it("health checks, HA chassis group on a router port, address set and port group updates, LB detach, switch settings", async () => {
    await nb.run(async (tx) => {
      await tx.lbAdd("svc-hc", "10.96.0.20:80", ["10.16.0.5:8080"]);
      await tx.lbHealthCheckAdd("svc-hc", "10.96.0.20:80", { interval: "5", timeout: "20", success_count: "3", failure_count: "3" }, { "10.16.0.5": "pod1.ns1:10.16.0.250" });
      await tx.lrLbAdd("ovn-cluster", "svc-hc");
      await tx.lsLbAdd("subnet-a", "svc-hc");
      await tx.lrpSetHaChassisGroup("ovn-cluster-external", "hagrp");
      await tx.addressSetUpdate("as.ns1", { add: ["10.16.0.9"], remove: ["10.16.0.0/24"] });
      await tx.pgRemovePorts("pg.ns1.allow", ["pod1.ns1", "nope"]);
      await tx.lsSet("subnet-a", { subnet: { cidr: "10.16.0.0/16", excludeIps: ["10.16.0.1"] }, externalIds: { owner: "ovn-ts" } });
    });
    expect((await nbctl("get", "Load_Balancer", "svc-hc", "ip_port_mappings")).trim()).toBe('{"10.16.0.5"="pod1.ns1:10.16.0.250"}');
    expect((await nbctl("--bare", "--columns=vip,options", "list", "Load_Balancer_Health_Check")).trim()).toBe("10.96.0.20:80\nfailure_count=3 interval=5 success_count=3 timeout=20");
    expect(await nbctl("lr-lb-list", "ovn-cluster")).toContain("svc-hc");
    expect((await nbctl("get", "Logical_Router_Port", "ovn-cluster-external", "ha_chassis_group")).trim()).toBe((await nbctl("get", "HA_Chassis_Group", "hagrp", "_uuid")).trim());
    expect((await nbctl("get", "Address_Set", "as.ns1", "addresses")).trim()).toBe('["10.16.0.5", "10.16.0.9"]');
    expect((await nbctl("get", "Port_Group", "pg.ns1.allow", "ports")).trim()).toBe("[]");
    expect((await nbctl("get", "Logical_Switch", "subnet-a", "other_config:exclude_ips", "external_ids:owner", "external_ids:vendor")).trim()).toBe('"10.16.0.1"\novn-ts\nkube-ovn');
    await nb.run(async (tx) => {
      await tx.lsLbDel("subnet-a", "svc-hc");
      await tx.lrLbDel("ovn-cluster", "svc-hc");
      await tx.lrpSetHaChassisGroup("ovn-cluster-external", null);
      await expect(tx.lsLbDel("subnet-a", "nope")).rejects.toThrow("load balancer nope not found on switch subnet-a");
      await tx.lsLbDel("subnet-a", "nope", { ifExists: true });
    });
    expect(await nbctl("ls-lb-list", "subnet-a")).not.toContain("svc-hc");
    expect((await nbctl("get", "Logical_Router_Port", "ovn-cluster-external", "ha_chassis_group")).trim()).toBe("[]");
  });
});
