/**
 * One meaning of `mayExist` across the creating calls: create if absent; the same settings again
 * change nothing; other settings are an OvnConflictError whose `conflict` names the field, the
 * existing and the requested value, and nothing is queued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { type NbTransaction, OvnConflictError, OvnNb } from "../../src/ovn/index.js";
import { startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

type Call = (tx: NbTransaction) => Promise<unknown>;

/** [what, the call with the original settings, the call with other settings, the expected conflict]. */
const cases: [string, Call, Call, { object: string; field: string; existing: string | undefined; requested: string | undefined }][] = [
  ["switch subnet", (t) => t.lsAdd("sw", { mayExist: true, subnet: { cidr: "10.0.0.0/24" } }), (t) => t.lsAdd("sw", { mayExist: true, subnet: { cidr: "10.1.0.0/24" } }), { object: "logical switch", field: "other_config:subnet", existing: "10.0.0.0/24", requested: "10.1.0.0/24" }],
  ["port addresses", (t) => t.lspAdd("sw", "p1", { mayExist: true, addresses: ["0a:00:00:00:00:01 10.0.0.1"] }), (t) => t.lspAdd("sw", "p1", { mayExist: true, addresses: ["0a:00:00:00:00:01 10.0.0.2"] }), { object: "logical switch port", field: "addresses", existing: "0a:00:00:00:00:01 10.0.0.1", requested: "0a:00:00:00:00:01 10.0.0.2" }],
  ["port option", (t) => t.lspAdd("sw", "p2", { mayExist: true, options: { "requested-chassis": "ch1" } }), (t) => t.lspAdd("sw", "p2", { mayExist: true, options: { "requested-chassis": "ch2" } }), { object: "logical switch port", field: "options:requested-chassis", existing: "ch1", requested: "ch2" }],
  ["router option", (t) => t.lrAdd("lr", { mayExist: true, options: { chassis: "ch1" } }), (t) => t.lrAdd("lr", { mayExist: true, options: { chassis: "ch2" } }), { object: "logical router", field: "options:chassis", existing: "ch1", requested: "ch2" }],
  ["router port networks", (t) => t.lrpAdd("lr", "lrp", "00:00:00:00:00:01", ["10.0.0.254/24"], { mayExist: true }), (t) => t.lrpAdd("lr", "lrp", "00:00:00:00:00:01", ["10.0.1.254/24"], { mayExist: true }), { object: "logical router port", field: "networks", existing: "10.0.0.254/24", requested: "10.0.1.254/24" }],
  ["route next hop", (t) => t.lrRouteAdd("lr", "10.9.0.0/16", "10.0.0.1", { mayExist: true }), (t) => t.lrRouteAdd("lr", "10.9.0.0/16", "10.0.0.2", { mayExist: true }), { object: "static route", field: "nexthop", existing: "10.0.0.1", requested: "10.0.0.2" }],
  ["policy action", (t) => t.lrPolicyAdd("lr", 10, "ip4", "allow", { mayExist: true }), (t) => t.lrPolicyAdd("lr", 10, "ip4", "drop", { mayExist: true }), { object: "routing policy", field: "action", existing: "allow", requested: "drop" }],
  ["NAT logical IP", (t) => t.lrNatAdd("lr", "dnat_and_snat", "172.16.0.5", "10.0.0.5", { mayExist: true }), (t) => t.lrNatAdd("lr", "dnat_and_snat", "172.16.0.5", "10.0.0.6", { mayExist: true }), { object: "NAT", field: "logical_ip", existing: "10.0.0.5", requested: "10.0.0.6" }],
  ["ACL action", (t) => t.aclAdd({ switch: "sw" }, "to-lport", 10, "ip4", "allow", { mayExist: true }), (t) => t.aclAdd({ switch: "sw" }, "to-lport", 10, "ip4", "drop", { mayExist: true }), { object: "ACL", field: "action", existing: "allow", requested: "drop" }],
  ["QoS rate", (t) => t.qosAdd("sw", "from-lport", 10, "ip", { mayExist: true, rate: 100 }), (t) => t.qosAdd("sw", "from-lport", 10, "ip", { mayExist: true, rate: 200 }), { object: "QoS rule", field: "bandwidth:rate", existing: "100", requested: "200" }],
  ["address set members", (t) => t.addressSetAdd("as", ["10.0.0.1"], { mayExist: true }), (t) => t.addressSetAdd("as", ["10.0.0.2"], { mayExist: true }), { object: "address set", field: "addresses", existing: "10.0.0.1", requested: "10.0.0.2" }],
  ["LB VIP backends", (t) => t.lbAdd("lb", "10.96.0.1:80", ["10.0.0.1:80"], { mayExist: true }), (t) => t.lbAdd("lb", "10.96.0.1:80", ["10.0.0.2:80"], { mayExist: true }), { object: "load balancer", field: "vips:10.96.0.1:80", existing: "10.0.0.1:80", requested: "10.0.0.2:80" }],
  ["meter rate", (t) => t.meterAdd("m", 10, "pktps", { mayExist: true }), (t) => t.meterAdd("m", 20, "pktps", { mayExist: true }), { object: "meter", field: "bands", existing: "drop:10:0", requested: "drop:20:0" }],
  ["mirror sink", (t) => t.mirrorAdd("mir", { mayExist: true, type: "gre", index: 1, filter: "to-lport", sink: "192.168.0.1" }), (t) => t.mirrorAdd("mir", { mayExist: true, type: "gre", index: 1, filter: "to-lport", sink: "192.168.0.2" }), { object: "mirror", field: "sink", existing: "192.168.0.1", requested: "192.168.0.2" }],
  ["BFD min_tx", (t) => t.bfdAdd("lrp", "10.0.0.9", { mayExist: true, minTx: 100 }), (t) => t.bfdAdd("lrp", "10.0.0.9", { mayExist: true, minTx: 200 }), { object: "BFD session", field: "min_tx", existing: "100", requested: "200" }],
  ["static MAC binding", (t) => t.staticMacBindingAdd("lrp", "10.0.0.7", "0a:00:00:00:00:07", { mayExist: true }), (t) => t.staticMacBindingAdd("lrp", "10.0.0.7", "0a:00:00:00:00:08", { mayExist: true }), { object: "static MAC binding", field: "mac", existing: "0a:00:00:00:00:07", requested: "0a:00:00:00:00:08" }],
  ["DNS records", (t) => t.dnsAdd("dns", { "a.example": "10.0.0.1" }, { mayExist: true }), (t) => t.dnsAdd("dns", { "a.example": "10.0.0.2" }, { mayExist: true }), { object: "DNS records", field: "records:a.example", existing: "10.0.0.1", requested: "10.0.0.2" }],
];

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("mayExist means create-if-absent, and a different setting is a typed conflict", () => {
  describe.each(["embedded", "ovsdb-server"] as const)("%s", (backend) => {
    let stop: () => Promise<void>;
    let client: OvsdbClient;
    let nb: OvnNb;
    beforeAll(async () => {
      const server = backend === "embedded" ? await startEmbeddedServer({ schemas: ["OVN_Northbound"] }) : await startOvsdbServer({ schemas: ["OVN_Northbound"] });
      stop = () => server.stop();
      client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
      nb = new OvnNb(client);
    }, 60_000);
    afterAll(async () => {
      await nb?.close();
      client?.close();
      await stop?.();
    });

    for (const [what, original, other, conflict] of cases) {
      it(what, async () => {
        await nb.run(async (t) => void (await original(t)));
        // The same settings again: nothing to do.
        const same = nb.transaction();
        await original(same);
        expect(same.operations()).toEqual([]);
        // Other settings: a conflict naming the field, and nothing queued.
        const tx = nb.transaction();
        const e = await other(tx).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(OvnConflictError);
        expect((e as OvnConflictError).conflict).toMatchObject({ kind: "setting", ...conflict });
        expect(typeof (e as OvnConflictError & { conflict: { uuid: string } }).conflict.uuid).toBe("string");
        expect(tx.operations()).toEqual([]);
      });
    }
  });
});
