/**
 * Nodes as Kube-OVN's node controller makes them: the join port `node-NAME`, the node and
 * distributed-subnet port groups, the router policies (30000 node, 29000 distributed per node and
 * centralized, 31000 per subnet), the default route via the join gateway, and the SB chassis.
 * A re-apply sends nothing; removing a node with --prune deletes exactly its rows.
 */
import { describe, expect, it } from "vitest";
import { ControlledDb } from "../../src/ovn/controller/index.js";
import { InvalidManifestError, KUBE_OVN_IDENTITY, applyChassis, formatIssue, resolveModel } from "../../src/model/index.js";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { run } from "../../src/testing/index.js";
import { BACKENDS, nbctl } from "../ovn/controller/support.js";
import { applyOnce, issuesOf, lines, manifestOf, names, useBackend } from "./fixture.js";

const NODE2 = `---
apiVersion: v1
kind: Node
metadata:
  name: node2
  annotations: { ovn.kubernetes.io/ip_address: 100.64.0.20, ovn.kubernetes.io/mac_address: "00:00:00:00:10:20" }
status:
  addresses: [{ type: InternalIP, address: 192.168.0.12 }, { type: Hostname, address: node2 }]
`;
const BASE = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: gw }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, default: true }
---
apiVersion: v1
kind: Node
metadata:
  name: node1
  annotations: { ovn.kubernetes.io/chassis: ch-node1 }
status:
  addresses: [{ type: InternalIP, address: 192.168.0.11 }]
---
apiVersion: v1
kind: Pod
metadata: { name: a }
spec: { nodeName: node1 }
---
apiVersion: v1
kind: Pod
metadata: { name: c, namespace: gw }
spec: { nodeName: node1 }
`;
const WITH_NODE2 = `${BASE}${NODE2}---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: central }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [gw], gatewayType: centralized, gatewayNode: node2 }
---
apiVersion: v1
kind: Pod
metadata: { name: b }
spec: { nodeName: node2 }
`;
const WITHOUT_NODE2 = `${BASE}---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: central }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [gw], gatewayType: centralized, gatewayNode: node1 }
`;

describe.each(BACKENDS)("nodes on %s", (kind) => {
  const fx = useBackend(kind, ["ovsdb-server", "ovn-nbctl", "ovn-sbctl"]);

  it.skipIf(fx.skip)("makes Kube-OVN's join ports, port groups, policies, default route and chassis; re-applies with zero transactions; --prune removes exactly a node", { timeout: 90_000 }, async () => {
    const db = await fx.start(["OVN_Northbound", "OVN_Southbound"]);
    const first = await applyOnce(db, manifestOf(WITH_NODE2));
    expect(first.r.objects.map((o) => `${o.ref} ${o.action}`)).toEqual([
      "vpc/ovn-cluster created",
      "subnet/join created",
      "subnet/ovn-default created",
      "subnet/central created",
      "pod/default/a created",
      "pod/gw/c created",
      "pod/default/b created",
      "node/node1 created",
      "node/node2 created",
    ]);
    const mac1 = (await nbctl(db, "get", "Logical_Switch_Port", "node-node1", "addresses")).match(/00:00:00:[0-9a-f:]{8}/)![0];
    expect(await nbctl(db, "lsp-get-addresses", "node-node1")).toBe(`${mac1} 100.64.0.2\n`);
    expect(await nbctl(db, "lsp-get-addresses", "node-node2")).toBe("00:00:00:00:10:20 100.64.0.20\n");
    expect(await nbctl(db, "lsp-get-port-security", "node-node2")).toBe("");
    expect(await nbctl(db, "lsp-get-ls", "node-node2")).toMatch(/\(join\)/);
    expect(await nbctl(db, "get", "Logical_Switch_Port", "node-node2", "external_ids")).toBe("{ls=join, vendor=kube-ovn}\n");
    expect(await lines(db, "lr-policy-list", "ovn-cluster")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == 10.16.0.0/16 allow",
      "31000 ip4.dst == 10.17.0.0/24 allow",
      "31000 ip4.dst == 100.64.0.0/16 allow",
      "30000 ip4.dst == 192.168.0.11 reroute 100.64.0.2",
      "30000 ip4.dst == 192.168.0.12 reroute 100.64.0.20",
      "29000 ip4.src == $ovn.default.node1_ip4 reroute 100.64.0.2",
      "29000 ip4.src == $ovn.default.node2_ip4 reroute 100.64.0.20",
      "29000 ip4.src == 10.17.0.0/24 reroute 100.64.0.20",
    ]);
    const policyIds = async (match: string) => (await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", `match="${match}"`)).trim();
    expect(await policyIds("ip4.dst == 192.168.0.11")).toBe("address-family=4 node=node1 vendor=kube-ovn");
    expect(await policyIds("ip4.src == $ovn.default.node2_ip4")).toBe("node=node2 subnet=ovn-default vendor=kube-ovn");
    expect(await policyIds("ip4.src == 10.17.0.0/24")).toBe("node2=100.64.0.20 subnet=central vendor=kube-ovn");
    expect(await policyIds("ip4.dst == 10.16.0.0/16")).toBe("subnet=ovn-default vendor=kube-ovn");
    expect(await names(db, "Port_Group")).toEqual(["node.node1", "node.node2", "ovn.default.node1", "ovn.default.node2"]);
    const pgPorts = async (pg: string) => (await nbctl(db, "--bare", "--columns=ports", "list", "Port_Group", pg)).trim().split(/\s+/).filter(Boolean).length;
    expect(await pgPorts("node.node1")).toBe(2);
    expect(await pgPorts("ovn.default.node1")).toBe(1);
    expect(await pgPorts("ovn.default.node2")).toBe(1);
    expect(await nbctl(db, "get", "Port_Group", "node.node1", "external_ids")).toBe('{node=node1, np="node/node1", vendor=kube-ovn}\n');
    expect(await nbctl(db, "get", "Port_Group", "ovn.default.node2", "external_ids")).toBe('{node=node2, np="ovn-default/node2", subnet=ovn-default, vendor=kube-ovn}\n');
    expect(await lines(db, "lr-route-list", "ovn-cluster")).toEqual(["IPv4 Routes", "Route Table <main>:", "0.0.0.0/0 100.64.0.1 dst-ip"]);

    // The SB chassis a node joining leads to.
    const client = await OvsdbClient.connect(db, { probeIntervalMs: 0 });
    try {
      const sb = await ControlledDb.open(client, { database: "OVN_Southbound", identity: KUBE_OVN_IDENTITY, tables: ["Chassis", "Chassis_Private", "Encap"] });
      const ch = await applyChassis(sb, first.model.nodes!);
      expect(ch).toEqual({ created: ["ch-node1", "node2"], configured: [], deleted: [], sent: true });
      await sb.replica.waitUntil(() => sb.owned("Chassis").length === 2, 10_000);
      const sbctl = async (...a: string[]) => (await run("ovn-sbctl", [`--db=${db}`, ...a])).stdout;
      expect(await sbctl("--bare", "--columns=hostname,external_ids", "list", "Chassis", "ch-node1")).toBe("node1\nvendor=kube-ovn\n");
      expect((await sbctl("--bare", "--columns=type,ip", "find", "Encap", "chassis_name=node2")).trim()).toBe("geneve\n192.168.0.12");
      expect(await applyChassis(sb, first.model.nodes!)).toEqual({ created: [], configured: [], deleted: [], sent: false });
      const without = resolveModel(manifestOf(WITHOUT_NODE2));
      expect(await applyChassis(sb, without.nodes!, { prune: true })).toMatchObject({ deleted: ["node2"], sent: true });
      await sb.close();
    } finally {
      client.close();
    }

    const again = await applyOnce(db, manifestOf(WITH_NODE2));
    expect(again.sent).toEqual([]);
    expect(again.r.counts).toEqual({ created: 0, configured: 0, unchanged: 9, deleted: 0 });

    // node2 gone (the centralized subnet moves to node1): --prune deletes exactly node2's rows.
    const before = { pg: await names(db, "Port_Group"), lsp: await names(db, "Logical_Switch_Port") };
    const p = await applyOnce(db, manifestOf(WITHOUT_NODE2), { prune: true });
    expect(p.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/central configured", "node/node2 deleted", "pod/default/b deleted"]);
    expect(await names(db, "Port_Group")).toEqual(before.pg.filter((n) => !n.endsWith("node2")));
    expect(await names(db, "Logical_Switch_Port")).toEqual(before.lsp.filter((n) => n !== "node-node2" && n !== "b.default"));
    expect(await lines(db, "lr-policy-list", "ovn-cluster")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == 10.16.0.0/16 allow",
      "31000 ip4.dst == 10.17.0.0/24 allow",
      "31000 ip4.dst == 100.64.0.0/16 allow",
      "30000 ip4.dst == 192.168.0.11 reroute 100.64.0.2",
      "29000 ip4.src == $ovn.default.node1_ip4 reroute 100.64.0.2",
      "29000 ip4.src == 10.17.0.0/24 reroute 100.64.0.2",
    ]);
    const last = await applyOnce(db, manifestOf(WITHOUT_NODE2), { prune: true });
    expect(last.sent).toEqual([]);
  });
});

describe("nodes, dual stack (embedded)", () => {
  const fx = useBackend("embedded");

  it("a dual-stack join subnet gives each node an IPv4 and an IPv6 join IP, policies per family, and both default routes", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const text = `apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: "100.64.0.0/16,fd00:100:64::/112" }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: "10.16.0.0/16,fd00:10:16::/112", default: true }
---
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { addresses: [{ type: InternalIP, address: 192.168.0.11 }, { type: InternalIP, address: "fc00::11" }] }
`;
    await applyOnce(db, manifestOf(text));
    expect((await nbctl(db, "lsp-get-addresses", "node-n1")).trim()).toMatch(/^00:00:00:[0-9a-f:]{8} 100\.64\.0\.2 fd00:100:64::2$/);
    expect(await lines(db, "lr-policy-list", "ovn-cluster")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == 10.16.0.0/16 allow",
      "31000 ip4.dst == 100.64.0.0/16 allow",
      "31000 ip6.dst == fd00:100:64::/112 allow",
      "31000 ip6.dst == fd00:10:16::/112 allow",
      "30000 ip4.dst == 192.168.0.11 reroute 100.64.0.2",
      "30000 ip6.dst == fc00::11 reroute fd00:100:64::2",
      "29000 ip4.src == $ovn.default.n1_ip4 reroute 100.64.0.2",
      "29000 ip6.src == $ovn.default.n1_ip6 reroute fd00:100:64::2",
    ]);
    expect(await lines(db, "lr-route-list", "ovn-cluster")).toEqual(["IPv4 Routes", "Route Table <main>:", "0.0.0.0/0 100.64.0.1 dst-ip", "IPv6 Routes", "Route Table <main>:", "::/0 fd00:100:64::1 dst-ip"]);
    expect(await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", 'match="ip6.dst == fc00::11"')).toBe("address-family=6 node=n1 vendor=kube-ovn\n");
    expect((await applyOnce(db, manifestOf(text))).sent).toEqual([]);
  });
});

describe("node validation", () => {
  const resolveIssues = (text: string) => {
    try {
      resolveModel(manifestOf(text));
    } catch (e) {
      if (e instanceof InvalidManifestError) return e.issues.map(formatIssue);
      throw e;
    }
    return [];
  };
  it("refuses unsupported node fields and annotations and bad addresses, naming object and field", () => {
    expect(
      issuesOf(`apiVersion: v1
kind: Node
metadata:
  name: n1
  annotations: { ovn.kubernetes.io/tunnel_interface: eth0 }
spec: { podCIDR: 10.0.0.0/24 }
status:
  addresses: [{ type: ExternalIP, address: 1.2.3.4 }, { type: InternalIP, address: 10.0.0.300 }]
`),
    ).toEqual([
      "m.yaml:6 (document 1): node/n1: spec: field not supported by this model",
      "m.yaml:5 (document 1): node/n1: metadata.annotations.ovn.kubernetes.io/tunnel_interface: field not supported by this model",
      'm.yaml:8 (document 1): node/n1: status.addresses.0.type: value "ExternalIP" not supported: only InternalIP (and Hostname) addresses are supported',
      'm.yaml:8 (document 1): node/n1: status.addresses.1.address: invalid value "10.0.0.300": not an IP address',
    ]);
  });
  it("a node without the join subnet, two nodes on one chassis, a centralized subnet naming an unknown node or outside the default VPC", () => {
    const n = (name: string, ch: string) => `---\napiVersion: v1\nkind: Node\nmetadata: { name: ${name}, annotations: { ovn.kubernetes.io/chassis: ${ch} } }\n`;
    expect(resolveIssues(`${n("n1", "c1")}${n("n2", "c1")}`)).toEqual([
      "m.yaml:2 (document 1): node/n1: metadata.name: subnet join is not defined",
      "m.yaml:6 (document 2): node/n2: metadata.name: subnet join is not defined",
      'm.yaml:6 (document 2): node/n2: metadata.annotations.ovn.kubernetes.io/chassis: invalid value "c1": node n1 has the same chassis',
    ]);
    expect(
      resolveIssues(`apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: v1 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { cidrBlock: 10.1.0.0/24, vpc: v1, gatewayType: centralized, gatewayNode: ghost }
`),
    ).toEqual([
      'm.yaml:5 (document 2): subnet/s1: spec.gatewayType: value "centralized" not supported: a centralized gateway is a subnet of the default VPC (Kube-OVN\'s custom VPCs route through their own gateways)',
      "m.yaml:5 (document 2): subnet/s1: spec.gatewayNode: node ghost is not defined",
    ]);
  });
});
