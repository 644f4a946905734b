/**
 * Updates of existing objects (router ports, routers, load balancers, NAT, meters, switch port
 * options and tag, NB_Global, switch keys), read back with ovn-nbctl from a real ovsdb-server:
 * map columns change per key, other keys stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { OvnNb, OvnNotFoundError } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("updates of existing NB objects", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;
  let nb: OvnNb;
  const nbctl = async (...args: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...args])).stdout.trim();

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    nb = new OvnNb(client);
    await nbctl("init");
    await nb.run(async (t) => {
      await t.lsAdd("sw", { otherConfig: { a: "1", b: "2" }, externalIds: { x: "1", y: "2" } });
      await t.lspAdd("sw", "p1", { options: { "requested-chassis": "ch1", arp_proxy: "10.0.0.1", keep: "me" } });
      await t.lrAdd("lr", { options: { chassis: "ch1", keep: "me" } });
      await t.lrpAdd("lr", "lrp", "00:00:00:00:00:01", ["10.0.0.1/24"], { peer: "other", options: { keep: "me", gone: "x" } });
      await t.lbAdd("lb", "10.96.0.1:80", ["10.0.0.5:80"], { options: { affinity_timeout: "60", keep: "me" } });
      await t.lbHealthCheckAdd("lb", "10.96.0.1:80", { interval: "5" }, { "10.0.0.5": "p1:10.0.0.2" });
      await t.lrNatAdd("lr", "dnat_and_snat", "172.16.0.5", "10.0.0.5", { logicalPort: "p1", externalMac: "0a:00:00:00:00:05" });
      await t.meterAdd("m", 10, "pktps");
    });
  }, 60_000);
  afterAll(async () => {
    await nb?.close();
    client?.close();
    await server?.stop();
  });

  it("changes router ports, routers, switch ports, switches and NB_Global per key", async () => {
    await nb.run(async (t) => {
      await t.lrpSet("lrp", { mac: "00:00:00:00:00:02", networks: ["10.0.1.1/24", "fd00::1/64"], peer: null, options: { set: { redirect: "x" }, remove: ["gone"] } });
      await t.lrSet("lr", { options: { set: { chassis: "ch2" } } });
      await t.lspSetOptions("p1", { set: { "requested-chassis": "ch2", "virtual-parents": "p2,p3" }, remove: ["arp_proxy"] });
      await t.lspSetTag("p1", 42);
      await t.lsSet("sw", { removeOtherConfig: ["a"], removeExternalIds: ["y"], externalIds: { z: "3" } });
      await t.nbGlobalSet({ options: { set: { northd_probe_interval: "5000" } } });
    });
    expect(await nbctl("--bare", "--columns=mac,networks,peer", "list", "Logical_Router_Port", "lrp")).toBe("00:00:00:00:00:02\n10.0.1.1/24 fd00::1/64");
    expect(await nbctl("get", "Logical_Router_Port", "lrp", "options")).toBe('{keep=me, redirect=x}');
    expect(await nbctl("get", "Logical_Router", "lr", "options")).toBe("{chassis=ch2, keep=me}");
    expect(await nbctl("get", "Logical_Switch_Port", "p1", "options")).toBe('{keep=me, requested-chassis=ch2, virtual-parents="p2,p3"}');
    expect(await nbctl("get", "Logical_Switch_Port", "p1", "tag_request")).toBe("42");
    expect(await nbctl("get", "Logical_Switch", "sw", "other_config")).toBe("{b=\"2\"}");
    expect(await nbctl("get", "Logical_Switch", "sw", "external_ids")).toBe('{x="1", z="3"}');
    expect(await nbctl("get", "NB_Global", ".", "options:northd_probe_interval")).toBe('"5000"');
    await nb.run((t) => t.lspSetTag("p1", null));
    expect(await nbctl("get", "Logical_Switch_Port", "p1", "tag_request")).toBe("[]");
  });

  it("changes load balancer options, mappings and health checks, NAT distribution, meter bands", async () => {
    await nb.run(async (t) => {
      await t.lbSet("lb", { options: { set: { affinity_timeout: "120", hairpin_snat_ip: "169.254.0.1", ct_flush: "true" } }, ipPortMappings: { remove: ["10.0.0.5"] } });
      expect(await t.lbHealthCheckDel("lb", "10.96.0.1:80")).toBe(1);
      await t.lrNatSet("lr", "dnat_and_snat", "172.16.0.5", { distributed: null, options: { set: { stateless: "true" } } });
      await t.meterSetBand("m", 20, { burst: 5 });
    });
    expect(await nbctl("get", "Load_Balancer", "lb", "options")).toBe('{affinity_timeout="120", ct_flush="true", hairpin_snat_ip="169.254.0.1", keep=me}');
    expect(await nbctl("get", "Load_Balancer", "lb", "ip_port_mappings")).toBe("{}");
    expect(await nbctl("get", "Load_Balancer", "lb", "health_check")).toBe("[]");
    expect(await nbctl("--bare", "--columns=_uuid", "list", "Load_Balancer_Health_Check")).toBe("");
    expect(await nbctl("--bare", "--columns=logical_port,external_mac", "list", "NAT")).toBe("");
    expect(await nbctl("lr-nat-list", "lr")).toContain("172.16.0.5");
    expect(await nbctl("meter-list")).toContain("drop: 20 pktps, 5 packet");
    expect(await nbctl("--bare", "--columns=rate", "list", "Meter_Band")).toBe("20");
    // Back to distributed.
    await nb.run((t) => t.lrNatSet("lr", "dnat_and_snat", "172.16.0.5", { distributed: { logicalPort: "p1", externalMac: "0a:00:00:00:00:06" } }));
    expect(await nbctl("--bare", "--columns=logical_port,external_mac", "list", "NAT")).toBe("p1\n0a:00:00:00:00:06");
    const tx = nb.transaction();
    await expect(tx.lrNatSet("lr", "snat", "10.9.0.0/16", {})).rejects.toBeInstanceOf(OvnNotFoundError);
    await expect(tx.lbHealthCheckDel("lb", "10.96.0.9:80")).rejects.toBeInstanceOf(OvnNotFoundError);
    expect(await tx.lbHealthCheckDel("lb", "10.96.0.9:80", { ifExists: true })).toBe(0);
  });
});
