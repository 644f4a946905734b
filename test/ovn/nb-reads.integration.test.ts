/**
 * Reads on OvnNb itself (every object family), through the default indexed NB replica and
 * through the select reader; a pod (LSP with fixed IP/MAC + port-group membership) created in
 * one round trip; the replica sees changes made by ovn-nbctl behind the API's back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { OvnNb, OvnNotFoundError } from "../../src/ovn/index.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("reads on OvnNb", () => {
  describe.each(["ovsdb-server", "embedded"] as const)("%s", (backend) => {
    let stop: () => Promise<void>;
    let unix: string;
    let client: OvsdbClient;
    let nb: OvnNb;
    const nbctl = async (...args: string[]) => (await run("ovn-nbctl", [`--db=${unix}`, ...args])).stdout;

    beforeAll(async () => {
      const server = backend === "embedded" ? await startEmbeddedServer({ schemas: ["OVN_Northbound"] }) : await startOvsdbServer({ schemas: ["OVN_Northbound"] });
      unix = server.unix;
      stop = () => server.stop();
      client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
      nb = new OvnNb(client);
      await nb.run(async (tx) => {
        await tx.lsAdd("sw-b");
        await tx.lsAdd("sw-a", { externalIds: { vendor: "test" } });
        await tx.lspAdd("sw-a", "p2", { addresses: ["0a:00:00:00:00:02 10.0.0.2"] });
        await tx.lspAdd("sw-a", "p1", { addresses: ["0a:00:00:00:00:01 10.0.0.1"], externalIds: { pod: "ns/p1" } });
        await tx.pgAdd("pg1", ["p1"]);
        await tx.aclAdd({ portGroup: "pg1" }, "to-lport", 100, "ip4", "drop");
        await tx.aclAdd({ switch: "sw-a" }, "from-lport", 200, "ip4", "allow");
        await tx.qosAdd("sw-a", "from-lport", 10, "ip", { rate: 100 });
        await tx.addressSetAdd("as1", ["10.0.0.1"]);
        await tx.lbAdd("lb1", "10.96.0.1:80", ["10.0.0.1:8080"]);
        await tx.lrAdd("lr1");
        await tx.lrpAdd("lr1", "lrp1", "00:00:00:00:01:01", ["10.0.0.254/24"]);
        await tx.lrpSetGatewayChassis("lrp1", "ch1", 5);
        await tx.lrRouteAdd("lr1", "0.0.0.0/0", "10.0.0.253");
        await tx.lrPolicyAdd("lr1", 10, "ip4", "allow");
        await tx.lrPolicyAdd("lr1", 20, "ip4.src == 10.0.0.1", "drop");
        await tx.lrNatAdd("lr1", "snat", "172.16.0.1", "10.0.0.0/24");
        await tx.haChassisGroupAdd("ha1");
        await tx.haChassisGroupAddChassis("ha1", "ch1", 1);
        await tx.haChassisGroupAddChassis("ha1", "ch2", 2);
        await tx.meterAdd("m1", 10, "pktps");
      });
    }, 60_000);
    afterAll(async () => {
      await nb?.close();
      client?.close();
      await stop?.();
    });

    for (const reader of ["replica", "select"] as const) {
      it(`lists and gets every family (${reader} reader)`, async () => {
        const r = reader === "replica" ? nb : new OvnNb(client, { reader: "select" });
        expect((await r.lsList()).map((s) => s.name)).toEqual(["sw-a", "sw-b"]);
        expect((await r.lsGet("sw-a"))?.external_ids.get("vendor")).toBe("test");
        expect(await r.lsGet("nope")).toBeUndefined();
        expect((await r.lspList("sw-a")).map((p) => p.name)).toEqual(["p1", "p2"]);
        await expect(r.lspList("nope")).rejects.toBeInstanceOf(OvnNotFoundError);
        const p1 = await r.lspGet("p1");
        expect(p1?.addresses).toEqual(["0a:00:00:00:00:01 10.0.0.1"]);
        expect((await r.lspGet(p1!._uuid))?.name).toBe("p1");
        expect((await r.lspSwitch("p1"))?.name).toBe("sw-a");
        expect(await r.lspSwitch("nope")).toBeUndefined();
        expect((await r.lspPortGroups("p1")).map((g) => g.name)).toEqual(["pg1"]);
        expect((await r.qosList("sw-a")).map((q) => q.priority)).toEqual([10]);
        expect((await r.aclList({ portGroup: "pg1" })).map((a) => a.priority)).toEqual([100]);
        expect((await r.aclList({ switch: "sw-a" })).map((a) => a.priority)).toEqual([200]);
        expect((await r.lrList()).map((x) => x.name)).toEqual(["lr1"]);
        expect((await r.lrGet("lr1"))?.ports).toHaveLength(1);
        expect((await r.lrpList("lr1")).map((x) => x.name)).toEqual(["lrp1"]);
        expect((await r.lrpGet("lrp1"))?.networks).toEqual(["10.0.0.254/24"]);
        expect((await r.lrpRouter("lrp1"))?.name).toBe("lr1");
        expect((await r.lrpGatewayChassis("lrp1")).map((g) => [g.chassis_name, g.priority])).toEqual([["ch1", 5]]);
        expect((await r.routeList("lr1")).map((x) => x.nexthop)).toEqual(["10.0.0.253"]);
        expect((await r.policyList("lr1")).map((x) => x.priority)).toEqual([20, 10]);
        expect((await r.natList("lr1")).map((x) => x.external_ip)).toEqual(["172.16.0.1"]);
        expect((await r.pgList()).map((x) => x.name)).toEqual(["pg1"]);
        expect((await r.pgGet("pg1"))?.ports).toEqual([p1!._uuid]);
        expect((await r.addressSetList()).map((x) => x.name)).toEqual(["as1"]);
        expect((await r.addressSetGet("as1"))?.addresses).toEqual(["10.0.0.1"]);
        expect((await r.lbList()).map((x) => x.name)).toEqual(["lb1"]);
        expect((await r.lbGet("lb1"))?.vips.get("10.96.0.1:80")).toBe("10.0.0.1:8080");
        expect((await r.haChassisGroupList()).map((x) => x.name)).toEqual(["ha1"]);
        expect((await r.haChassisGroupGet("ha1"))?.ha_chassis).toHaveLength(2);
        expect((await r.haChassisList("ha1")).map((x) => x.chassis_name)).toEqual(["ch2", "ch1"]);
        expect((await r.meterList()).map((x) => x.name)).toEqual(["m1"]);
        expect((await r.meterGet("m1"))?.unit).toBe("pktps");
        expect(await r.dhcpOptionsList()).toEqual([]);
        expect((await r.listByExternalIds("Logical_Switch_Port", { pod: "ns/p1" })).map((x) => x.name)).toEqual(["p1"]);
        expect((await r.listByExternalIds("Logical_Switch", { vendor: "test" })).map((x) => x.name)).toEqual(["sw-a"]);
      });
    }

    it("creates a pod (port with fixed IP/MAC + port-group membership) in one round trip", async () => {
      await nb.replica();
      let sent = 0;
      const transact = client.transact.bind(client);
      client.transact = ((...a: Parameters<typeof transact>) => {
        sent++;
        return transact(...a);
      }) as typeof client.transact;
      try {
        const tx = nb.transaction();
        const entry = "0a:00:00:00:00:09 10.0.0.9";
        const p = await tx.lspAdd("sw-a", "pod9", { addresses: [entry], portSecurity: [entry] });
        await tx.pgAddPorts("pg1", [p]);
        expect(sent).toBe(0);
        await tx.commit();
        expect(sent).toBe(1);
      } finally {
        client.transact = transact;
      }
      // Read-your-writes: the replica already holds the port.
      expect((await nb.lspSwitch("pod9"))?.name).toBe("sw-a");
      expect((await nb.pgGet("pg1"))?.ports).toHaveLength(2);
      expect(await nbctl("lsp-get-ls", "pod9")).toContain("(sw-a)");
    });

    it("sees what ovn-nbctl changes behind its back", async () => {
      await nbctl("ls-add", "sw-x", "--", "lsp-add", "sw-x", "px");
      const r = await nb.replica();
      await r.waitUntil(() => [...r.rows("Logical_Switch_Port")].some((p) => p.name === "px"), 10_000);
      expect((await nb.lspSwitch("px"))?.name).toBe("sw-x");
      await nbctl("lsp-del", "px");
      await r.waitUntil(() => ![...r.rows("Logical_Switch_Port")].some((p) => p.name === "px"), 10_000);
      expect(await nb.lspList("sw-x")).toEqual([]);
    });
  });
});
