/**
 * The declarative calls against the embedded server and a real ovsdb-server: for each call,
 * (a) the first apply creates, (b) the second sends zero operations, (c) a row drifted by
 * ovn-nbctl behind the controller's back is corrected with exactly the minimal operations, and
 * (d) rows the controller does not own (made by ovn-nbctl) are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { ForeignRowError, type NbPlan, NbController, onlyKeys } from "../../../src/ovn/index.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { BACKENDS, type Backend, nbctl, opsText, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

interface Scenario {
  readonly name: string;
  /** Prerequisites, applied first (not asserted). */
  readonly setup?: (p: NbPlan) => void;
  /** ovn-nbctl commands making rows the controller does not own. */
  readonly foreign?: readonly (readonly string[])[];
  /** The declarative calls under test. */
  readonly build: (p: NbPlan) => void;
  /** The operations of the first apply. */
  readonly created: readonly string[];
  /** ovn-nbctl commands changing owned rows behind the controller's back. */
  readonly drift: (ctl: NbController) => readonly (readonly string[])[];
  /** True once the replica has seen the drift. */
  readonly driftSeen: (ctl: NbController) => boolean;
  /** The exact operations that correct the drift. */
  readonly corrected: readonly string[];
  /** Shared rows without the identity that the call manages key by key (left out of the untouched check; `kept` checks them). */
  readonly shared?: (ctl: NbController) => readonly string[];
  /** Checks that what the controller does not manage in a shared row is as the drift left it. */
  readonly kept?: (ctl: NbController) => void;
}

const byName = (ctl: NbController, table: string, name: string): Row => ctl.db.byName(table, name)!;
const childOf = (ctl: NbController, parentTable: string, parent: string, column: string, table: string, pick: (r: Row) => boolean = () => true): Row => {
  const ids = byName(ctl, parentTable, parent)[column] as string[];
  return ids.map((id) => ctl.db.get(table, id)!).find(pick)!;
};
const mapOf = (r: Row | undefined, c: string) => (r?.[c] ?? new Map()) as ReadonlyMap<string, string>;

const nbGlobal = (ctl: NbController): Row => [...(ctl.db.replica.rows("NB_Global") as Iterable<Row>)][0]!;

/** NB_Global options, meters, QoS rules per owner, DHCP options per CIDR. */
const SCENARIOS_4: readonly Scenario[] = [
  {
    name: "setGlobalOptions (per key)",
    foreign: [["init"], ["set", "NB_Global", ".", "options:foreign_key=1"]],
    build: (p) => p.setGlobalOptions({ mac_prefix: "0a:00:00", svc_monitor_mac: "0a:00:00:00:00:01", stale: undefined }),
    created: ["wait NB_Global options", "mutate NB_Global options insert {mac_prefix=0a:00:00,svc_monitor_mac=0a:00:00:00:00:01}"],
    drift: () => [["set", "NB_Global", ".", "options:mac_prefix=0b:00:00", "options:foreign_key=2", "options:stale=x"]],
    driftSeen: (ctl) => mapOf(nbGlobal(ctl), "options").get("stale") === "x",
    corrected: ["wait NB_Global options", "mutate NB_Global options delete [mac_prefix,stale] / options insert {mac_prefix=0a:00:00}"],
    shared: (ctl) => [nbGlobal(ctl)["_uuid"] as string],
    kept: (ctl) => expect(mapOf(nbGlobal(ctl), "options").get("foreign_key")).toBe("2"),
  },
  {
    name: "ensureMeter (bands)",
    foreign: [["meter-add", "foreign-m12", "drop", "100", "kbps"]],
    build: (p) => p.ensureMeter("m12", { unit: "kbps", fair: true }, [{ rate: 1000, burst_size: 100 }, { rate: 2000 }]),
    created: ["insert Meter_Band", "insert Meter_Band", "insert Meter"],
    drift: (ctl) => [
      ["set", "Meter", "m12", "fair=false"],
      ["set", "Meter_Band", childOf(ctl, "Meter", "m12", "bands", "Meter_Band", (r) => r["rate"] === 1000)["_uuid"] as string, "burst_size=5"],
    ],
    driftSeen: (ctl) => childOf(ctl, "Meter", "m12", "bands", "Meter_Band", (r) => r["rate"] === 1000)["burst_size"] === 5 && byName(ctl, "Meter", "m12")["fair"] === false,
    corrected: ["wait Meter _version", "wait Meter_Band _version", "update Meter fair=true", "update Meter_Band burst_size=100"],
  },
  {
    name: "setQosRules of an owner",
    setup: (p) => {
      p.ensureSwitch("sw13");
      p.setQosRules("sw13", "pod/other", [{ direction: "from-lport", priority: 50, match: "ip", action: { dscp: 10 } }]);
    },
    foreign: [["qos-add", "sw13", "to-lport", "100", "ip4", "dscp=12"]],
    build: (p) =>
      p.setQosRules("sw13", "pod/a", [
        { direction: "from-lport", priority: 200, match: 'inport == "a"', bandwidth: { rate: 1000, burst: 100 } },
        { direction: "to-lport", priority: 200, match: 'outport == "a"', action: { dscp: 8 } },
      ]),
    created: ["insert QoS", "insert QoS", "mutate Logical_Switch qos_rules insert [@new,@new]"],
    drift: (ctl) => [["set", "QoS", childOf(ctl, "Logical_Switch", "sw13", "qos_rules", "QoS", (r) => r["priority"] === 200 && r["direction"] === "from-lport")["_uuid"] as string, "bandwidth:rate=5"]],
    driftSeen: (ctl) => mapOf(childOf(ctl, "Logical_Switch", "sw13", "qos_rules", "QoS", (r) => r["priority"] === 200 && r["direction"] === "from-lport"), "bandwidth").get("rate") === (5 as never),
    corrected: ["wait QoS _version", "mutate QoS bandwidth delete [rate] / bandwidth insert {rate=1000}"],
  },
  {
    name: "ensureDhcpOptions (per CIDR)",
    foreign: [["dhcp-options-create", "10.20.0.0/24"]],
    build: (p) => p.ensureDhcpOptions("10.20.0.0/24", { options: { lease_time: "3600", router: "10.20.0.1", server_id: "10.20.0.1", server_mac: "00:00:00:00:20:01" } }),
    created: ["wait DHCP_Options cidr", "insert DHCP_Options"],
    drift: (ctl) => [["set", "DHCP_Options", ctl.list("DHCP_Options")[0]!["_uuid"] as string, "options:lease_time=60"]],
    driftSeen: (ctl) => mapOf(ctl.list("DHCP_Options")[0], "options").get("lease_time") === "60",
    corrected: ["wait DHCP_Options _version", "mutate DHCP_Options options delete [lease_time] / options insert {lease_time=3600}"],
  },
];

const SCENARIOS: readonly Scenario[] = [
  {
    name: "ensureSwitch",
    foreign: [["ls-add", "foreign-sw1"]],
    build: (p) => p.ensureSwitch("sw1", { other_config: { subnet: "10.16.0.0/16", exclude_ips: "10.16.0.1" }, external_ids: { ls: "sw1" } }),
    created: ["wait Logical_Switch name", "insert Logical_Switch"],
    drift: () => [["set", "Logical_Switch", "sw1", "other_config:subnet=10.99.0.0/16", "other_config:mcast_snoop=true", "external_ids:ls=other", "external_ids:keep=me"]],
    driftSeen: (ctl) => mapOf(byName(ctl, "Logical_Switch", "sw1"), "external_ids").get("keep") === "me",
    corrected: [
      "wait Logical_Switch _version",
      "mutate Logical_Switch other_config delete [mcast_snoop,subnet] / other_config insert {subnet=10.16.0.0/16} / external_ids delete [ls] / external_ids insert {ls=sw1}",
    ],
  },
  {
    name: "ensureSwitchPort",
    setup: (p) => p.ensureSwitch("sw2"),
    foreign: [["ls-add", "foreign-sw2"], ["lsp-add", "foreign-sw2", "foreign-p2"], ["lsp-set-addresses", "foreign-p2", "00:00:00:00:00:01 10.16.0.5"]],
    build: (p) =>
      p.ensureSwitchPort("sw2", "pod2", {
        addresses: ["00:00:00:00:00:01 10.16.0.5"],
        options: onlyKeys({ "requested-chassis": "node1" }),
        external_ids: { pod: "default/pod2" },
      }),
    created: ["insert Logical_Switch_Port", "mutate Logical_Switch ports insert [@new]"],
    drift: () => [
      ["lsp-set-addresses", "pod2", "00:00:00:00:00:02 10.16.0.6"],
      ["set", "Logical_Switch_Port", "pod2", "options:requested-chassis=node9", "options:foo=bar"],
    ],
    driftSeen: (ctl) => mapOf(byName(ctl, "Logical_Switch_Port", "pod2"), "options").get("foo") === "bar",
    corrected: [
      "wait Logical_Switch_Port _version",
      "mutate Logical_Switch_Port addresses delete [00:00:00:00:00:02 10.16.0.6] / addresses insert [00:00:00:00:00:01 10.16.0.5] / options delete [requested-chassis] / options insert {requested-chassis=node1}",
    ],
  },
  {
    name: "ensureRouter and ensureRouterPort",
    foreign: [["lr-add", "foreign-lr3"]],
    build: (p) => {
      p.ensureRouter("lr3", { options: onlyKeys({ always_learn_from_arp_request: "false" }) });
      p.ensureRouterPort("lr3", "lr3-ext", { mac: "00:00:00:00:03:01", networks: ["172.18.0.2/24"] });
    },
    created: ["wait Logical_Router name", "insert Logical_Router_Port", "insert Logical_Router"],
    drift: () => [
      ["set", "Logical_Router_Port", "lr3-ext", 'mac="00:00:00:00:03:99"', 'networks="172.18.0.2/24","172.19.0.2/24"'],
      ["set", "Logical_Router", "lr3", "options:always_learn_from_arp_request=true"],
    ],
    driftSeen: (ctl) => mapOf(byName(ctl, "Logical_Router", "lr3"), "options").get("always_learn_from_arp_request") === "true" && byName(ctl, "Logical_Router_Port", "lr3-ext")["mac"] === "00:00:00:00:03:99",
    corrected: [
      "wait Logical_Router _version",
      "wait Logical_Router_Port _version",
      "mutate Logical_Router options delete [always_learn_from_arp_request] / options insert {always_learn_from_arp_request=false}",
      "update Logical_Router_Port mac=00:00:00:00:03:01",
      "mutate Logical_Router_Port networks delete [172.19.0.2/24]",
    ],
  },
  {
    name: "ensureLoadBalancer (VIPs, options, health checks)",
    foreign: [["lb-add", "foreign-lb4", "10.96.1.1:80", "10.16.1.1:80"]],
    build: (p) =>
      p.ensureLoadBalancer(
        "lb4",
        { vips: { "10.96.0.10:80": "10.16.0.3:8080,10.16.0.4:8080" }, protocol: "tcp", options: onlyKeys({ affinity_timeout: "30" }) },
        { healthChecks: [{ vip: "10.96.0.10:80", options: { interval: "5", timeout: "3" } }] },
      ),
    created: ["wait Load_Balancer name", "insert Load_Balancer_Health_Check", "insert Load_Balancer"],
    drift: (ctl) => [
      ["set", "Load_Balancer", "lb4", 'vips:"10.96.0.10:80"="10.16.0.3:8080"', 'vips:"10.96.0.11:80"="10.16.0.9:80"', "options:affinity_timeout=60"],
      ["set", "Load_Balancer_Health_Check", childOf(ctl, "Load_Balancer", "lb4", "health_check", "Load_Balancer_Health_Check")["_uuid"] as string, "options:interval=10"],
    ],
    driftSeen: (ctl) => mapOf(childOf(ctl, "Load_Balancer", "lb4", "health_check", "Load_Balancer_Health_Check"), "options").get("interval") === "10",
    corrected: [
      "wait Load_Balancer _version",
      "wait Load_Balancer_Health_Check _version",
      "mutate Load_Balancer vips delete [10.96.0.10:80,10.96.0.11:80] / vips insert {10.96.0.10:80=10.16.0.3:8080,10.16.0.4:8080} / options delete [affinity_timeout] / options insert {affinity_timeout=30}",
      "mutate Load_Balancer_Health_Check options delete [interval] / options insert {interval=5}",
    ],
  },
  {
    name: "ensureNat",
    setup: (p) => p.ensureRouter("lr5"),
    foreign: [["lr-add", "foreign-lr5"], ["lr-nat-add", "foreign-lr5", "snat", "172.18.0.99", "10.0.0.0/8"]],
    build: (p) => p.ensureNat("lr5", { type: "dnat_and_snat", external_ip: "172.18.0.10", logical_ip: "10.16.0.3", external_mac: "00:00:00:00:05:01", logical_port: "pod5" }),
    created: ["wait Logical_Router nat", "insert NAT", "mutate Logical_Router nat insert [@new]"],
    drift: (ctl) => [["set", "NAT", childOf(ctl, "Logical_Router", "lr5", "nat", "NAT")["_uuid"] as string, "logical_ip=10.16.0.99", "external_mac=[]"]],
    driftSeen: (ctl) => childOf(ctl, "Logical_Router", "lr5", "nat", "NAT")["logical_ip"] === "10.16.0.99",
    corrected: ["wait NAT _version", "update NAT external_mac=00:00:00:00:05:01 logical_ip=10.16.0.3"],
  },
  {
    name: "ensureStaticRoute",
    setup: (p) => p.ensureRouter("lr6"),
    foreign: [["lr-route-add", "lr6", "10.0.0.0/8", "172.18.0.254"]],
    build: (p) => p.ensureStaticRoute("lr6", { ip_prefix: "0.0.0.0/0", nexthop: "172.18.0.1", options: { ecmp_symmetric_reply: "true" } }),
    created: ["wait Logical_Router static_routes", "insert Logical_Router_Static_Route", "mutate Logical_Router static_routes insert [@new]"],
    drift: (ctl) => [["remove", "Logical_Router_Static_Route", childOf(ctl, "Logical_Router", "lr6", "static_routes", "Logical_Router_Static_Route", (r) => r["ip_prefix"] === "0.0.0.0/0")["_uuid"] as string, "options", "ecmp_symmetric_reply"]],
    driftSeen: (ctl) => mapOf(childOf(ctl, "Logical_Router", "lr6", "static_routes", "Logical_Router_Static_Route", (r) => r["ip_prefix"] === "0.0.0.0/0"), "options").size === 0,
    corrected: ["wait Logical_Router_Static_Route _version", "mutate Logical_Router_Static_Route options insert {ecmp_symmetric_reply=true}"],
  },
  {
    name: "ensurePolicy",
    setup: (p) => p.ensureRouter("lr7"),
    foreign: [["lr-policy-add", "lr7", "100", "ip4", "drop"]],
    build: (p) => p.ensurePolicy("lr7", { priority: 31000, match: "ip4.dst == 10.16.0.0/16", action: "allow" }),
    created: ["wait Logical_Router policies", "insert Logical_Router_Policy", "mutate Logical_Router policies insert [@new]"],
    drift: (ctl) => [["set", "Logical_Router_Policy", childOf(ctl, "Logical_Router", "lr7", "policies", "Logical_Router_Policy", (r) => r["priority"] === 31000)["_uuid"] as string, "action=drop"]],
    driftSeen: (ctl) => childOf(ctl, "Logical_Router", "lr7", "policies", "Logical_Router_Policy", (r) => r["priority"] === 31000)["action"] === "drop",
    corrected: ["wait Logical_Router_Policy _version", "update Logical_Router_Policy action=allow"],
  },
  {
    name: "setPortGroupPorts",
    setup: (p) => {
      p.ensureSwitch("sw8");
      for (const n of ["p8a", "p8b", "p8c"]) p.ensureSwitchPort("sw8", n);
    },
    foreign: [["pg-add", "foreign_pg8", "p8a"]],
    build: (p) => p.setPortGroupPorts("pg8", ["p8a", "p8b"]),
    created: ["insert Port_Group"],
    drift: () => [["pg-set-ports", "pg8", "p8b", "p8c"]],
    driftSeen: (ctl) => (byName(ctl, "Port_Group", "pg8")["ports"] as string[]).includes(byName(ctl, "Logical_Switch_Port", "p8c")["_uuid"] as string),
    corrected: ["wait Port_Group _version", "mutate Port_Group ports delete [<uuid>] / ports insert [<uuid>]"],
  },
  {
    name: "setAddressSet",
    foreign: [["create", "Address_Set", "name=foreign_as9", "addresses=10.0.0.1"]],
    build: (p) => p.setAddressSet("as9", ["10.0.0.1", "10.0.0.2"]),
    created: ["insert Address_Set"],
    drift: () => [["add", "Address_Set", "as9", "addresses", "10.0.0.9"], ["remove", "Address_Set", "as9", "addresses", "10.0.0.1"]],
    // Both commands seen: the replica applies updates in commit order, so the last one is enough, but check both.
    driftSeen: (ctl) => {
      const a = byName(ctl, "Address_Set", "as9")["addresses"] as string[];
      return a.includes("10.0.0.9") && !a.includes("10.0.0.1");
    },
    corrected: ["wait Address_Set _version", "mutate Address_Set addresses delete [10.0.0.9] / addresses insert [10.0.0.1]"],
  },
  {
    name: "setGatewayChassis",
    setup: (p) => {
      p.ensureRouter("lr10");
      p.ensureRouterPort("lr10", "lr10-gw", { mac: "00:00:00:00:10:01", networks: ["172.18.10.2/24"] });
    },
    foreign: [["lr-add", "foreign-lr10"], ["lrp-add", "foreign-lr10", "foreign-lrp10", "00:00:00:00:10:02", "10.10.0.1/24"], ["lrp-set-gateway-chassis", "foreign-lrp10", "node1", "5"]],
    build: (p) => p.setGatewayChassis("lr10-gw", ["node1", "node2"]),
    created: ["insert Gateway_Chassis", "insert Gateway_Chassis", "mutate Logical_Router_Port gateway_chassis insert [@new,@new]"],
    drift: () => [["lrp-set-gateway-chassis", "lr10-gw", "node2", "200"], ["lrp-set-gateway-chassis", "lr10-gw", "node3", "50"]],
    driftSeen: (ctl) => (byName(ctl, "Logical_Router_Port", "lr10-gw")["gateway_chassis"] as string[]).length === 3 && byName(ctl, "Gateway_Chassis", "lr10-gw-node2")["priority"] === 200,
    corrected: ["wait Gateway_Chassis _version", "update Gateway_Chassis priority=99", "mutate Logical_Router_Port gateway_chassis delete [<uuid>]"],
  },
  {
    name: "setHaChassisGroup",
    foreign: [["ha-chassis-group-add", "foreign-ha11"], ["ha-chassis-group-add-chassis", "foreign-ha11", "node1", "7"]],
    build: (p) => p.setHaChassisGroup("ha11", ["node1", "node2"]),
    created: ["insert HA_Chassis", "insert HA_Chassis", "insert HA_Chassis_Group"],
    drift: () => [["ha-chassis-group-add-chassis", "ha11", "node1", "5"]],
    driftSeen: (ctl) => childOf(ctl, "HA_Chassis_Group", "ha11", "ha_chassis", "HA_Chassis", (r) => r["chassis_name"] === "node1")["priority"] === 5,
    corrected: ["wait HA_Chassis _version", "update HA_Chassis priority=100"],
  },
  {
    name: "setRoutes and setPolicies of an owner",
    setup: (p) => {
      p.ensureRouter("lr14");
      p.setRoutes("lr14", "node/n2", [{ ip_prefix: "10.2.0.0/16", nexthop: "172.18.0.12" }]);
    },
    foreign: [["lr-route-add", "lr14", "10.9.0.0/16", "172.18.0.99"]],
    build: (p) => {
      p.setRoutes("lr14", "node/n1", [
        { ip_prefix: "10.1.0.0/16", nexthop: "172.18.0.11", policy: "src-ip" },
        { ip_prefix: "10.3.0.0/16", nexthop: "172.18.0.13" },
      ]);
      p.setPolicies("lr14", "node/n1", [{ priority: 29000, match: "ip4.src == 10.1.0.0/16", action: "reroute", nexthops: ["172.18.0.11"] }]);
    },
    created: [
      "insert Logical_Router_Static_Route",
      "insert Logical_Router_Static_Route",
      "insert Logical_Router_Policy",
      "mutate Logical_Router static_routes insert [@new,@new] / policies insert [@new]",
    ],
    drift: (ctl) => [
      ["lr-route-del", "lr14", "10.3.0.0/16"],
      ["set", "Logical_Router_Policy", childOf(ctl, "Logical_Router", "lr14", "policies", "Logical_Router_Policy")["_uuid"] as string, 'nexthops="172.18.0.11","172.18.0.99"'],
    ],
    driftSeen: (ctl) => (childOf(ctl, "Logical_Router", "lr14", "policies", "Logical_Router_Policy")["nexthops"] as string[]).length === 2,
    corrected: [
      "wait Logical_Router_Policy _version",
      "insert Logical_Router_Static_Route",
      "mutate Logical_Router static_routes insert [@new]",
      "mutate Logical_Router_Policy nexthops delete [172.18.0.99]",
    ],
  },
  ...SCENARIOS_4,
];

const sorted = (xs: readonly string[]) => [...xs].sort();

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("declarative NB calls", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let client: OvsdbClient;
    let sent: Operation[][];
    let ctl: NbController;
    beforeAll(async () => {
      backend = await startBackend(kind);
      ({ client, sent } = await recordingClient(backend.unix));
      ctl = await NbController.open(client, { identity: { vendor: "ctl-test" } });
    });
    afterAll(async () => {
      await ctl?.close();
      client?.close();
      await backend?.stop();
    });

    it("refuses to adopt a row without the identity (ForeignRowError) and sends nothing", async () => {
      await nbctl(backend.unix, "ls-add", "adopt-me", "--", "lsp-add", "adopt-me", "adopt-port");
      await ctl.db.replica.waitUntil(() => ctl.db.byName("Logical_Switch_Port", "adopt-port") !== undefined, 10_000);
      const n = sent.length;
      for (const build of [
        (p: NbPlan) => p.ensureSwitch("adopt-me", { other_config: { subnet: "10.1.0.0/16" } }),
        (p: NbPlan) => p.ensureSwitchPort("adopt-me", "p-new"),
        (p: NbPlan) => {
          p.ensureSwitch("mine");
          p.ensureSwitchPort("mine", "adopt-port");
        },
        (p: NbPlan) => p.deleteNamed("Logical_Switch", "adopt-me"),
      ]) {
        const e = await ctl.reconcile("adopt", build).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(ForeignRowError);
      }
      expect(await ctl.reconcile("adopt", (p) => p.deleteByExternalIds("Logical_Switch", {}))).toMatchObject({ sent: false });
      expect(sent.length).toBe(n);
      expect(await nbctl(backend.unix, "--bare", "--columns=ports", "list", "Logical_Switch", "adopt-me")).not.toBe("\n");
    }, 60_000);

    it("with guards off, plans carry no wait operations", async () => {
      const { client: c2, sent: sent2 } = await recordingClient(backend.unix);
      const loose = await NbController.open(c2, { identity: { vendor: "ctl-test" }, guards: false });
      try {
        await loose.reconcile("loose", (p) => p.ensureSwitch("loose", { other_config: { a: "1" } }));
        await loose.reconcile("loose", (p) => p.ensureSwitch("loose", { other_config: { a: "2" } }));
        expect(sent2.map(opsText)).toEqual([["insert Logical_Switch"], ["mutate Logical_Switch other_config delete [a] / other_config insert {a=2}"]]);
      } finally {
        await loose.close();
        c2.close();
      }
    }, 60_000);

    it("ensureSwitchPort moves a port between owned switches with two reference mutations", async () => {
      await ctl.reconcile("move", (p) => {
        p.ensureSwitch("move-a");
        p.ensureSwitch("move-b");
        p.ensureSwitchPort("move-a", "mover", { addresses: ["dynamic"] });
      });
      const n = sent.length;
      await ctl.reconcile("move", (p) => p.ensureSwitchPort("move-b", "mover", { addresses: ["dynamic"] }));
      expect(opsText(sent[n]!).sort()).toEqual(["mutate Logical_Switch ports delete [<uuid>]", "mutate Logical_Switch ports insert [<uuid>]"]);
      expect((await nbctl(backend.unix, "lsp-get-ls", "mover")).trim()).toMatch(/\(move-b\)$/);
      expect((await ctl.reconcile("move", (p) => p.ensureSwitchPort("move-b", "mover", { addresses: ["dynamic"] }))).sent).toBe(false);
    }, 60_000);

    for (const s of SCENARIOS) {
      it(`${s.name}: creates, then sends nothing, corrects drift minimally, leaves foreign rows alone`, async () => {
        if (s.setup) await ctl.reconcile("setup", s.setup);
        for (const cmd of s.foreign ?? []) await nbctl(backend.unix, ...cmd);
        // Snapshot every row the controller does not own (ovn-nbctl made them) once the replica has them.
        await ctl.db.replica.waitUntil(() => (s.foreign ?? []).length === 0 || foreignRows(ctl).size > 0, 10_000);
        await new Promise((r) => setTimeout(r, 50));
        const foreignBefore = foreignRows(ctl);

        const n0 = sent.length;
        const first = await ctl.reconcile(s.name, s.build);
        expect(first.sent).toBe(true);
        expect(sent.length).toBe(n0 + 1);
        expect(sorted(opsText(sent[n0]!))).toEqual(sorted(s.created));

        const second = await ctl.reconcile(s.name, s.build);
        expect(second.sent).toBe(false);
        expect(sent.length).toBe(n0 + 1);

        for (const cmd of s.drift(ctl)) await nbctl(backend.unix, ...cmd);
        await ctl.db.replica.waitUntil(() => s.driftSeen(ctl), 10_000);
        const fix = await ctl.reconcile(s.name, s.build);
        expect(fix.sent).toBe(true);
        expect(sent.length).toBe(n0 + 2);
        expect(sorted(opsText(sent[n0 + 1]!))).toEqual(sorted(s.corrected));

        const again = await ctl.reconcile(s.name, s.build);
        expect(again.sent).toBe(false);
        expect(sent.length).toBe(n0 + 2);

        // (d) the rows the controller does not own are exactly as they were.
        const foreignAfter = foreignRows(ctl);
        const shared = new Set(s.shared?.(ctl) ?? []);
        for (const [uuid, v] of foreignBefore) if (!shared.has(uuid)) expect(foreignAfter.get(uuid), uuid).toBe(v);
        s.kept?.(ctl);
      }, 60_000);
    }
  });
});

/** uuid → _version of every replicated row that does not carry the controller's identity. */
function foreignRows(ctl: NbController): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of ctl.db.schema.tables.keys()) {
    let rows: Iterable<Row>;
    try {
      rows = ctl.db.replica.rows(t) as Iterable<Row>;
    } catch {
      continue;
    }
    for (const r of rows) if (r["external_ids"] instanceof Map && !ctl.db.owns(r)) out.set(r["_uuid"] as string, r["_version"] as string);
  }
  return out;
}
