/**
 * A VPC's `spec.staticRoutes` and `spec.policyRoutes` (ECMP routes and reroutes included) and a
 * centralized subnet's `enableEcmp`, as Kube-OVN's VPC and subnet controllers program them: the
 * input checks; the planner (create, no-op, change, removal) on each backend; the rows as
 * `ovn-nbctl lr-route-list` / `lr-policy-list` show them on a real `ovsdb-server`.
 */
import { describe, expect, it } from "vitest";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { applyOnce, issuesOf, lines, manifestOf, subnetDoc, useBackend, yamlOf } from "./fixture.js";

const SUBNETS = yamlOf(subnetDoc("s1", "vpc: vpc1, cidrBlock: 10.1.0.0/24"), subnetDoc("s2", "vpc: vpc1, cidrBlock: 10.2.0.0/24"));

/** vpc1 with an ECMP default route (two next hops), a source route in table t1, an IPv6 host route, an allow, a drop and an ECMP reroute. */
const VPC = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.253 }
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254, policy: policyDst }
    - { cidr: 10.2.0.0/24, nextHopIP: 10.1.0.10, policy: policySrc, routeTable: t1 }
    - { cidr: "fd00::5/128", nextHopIP: "fd00::1" }
  policyRoutes:
    - { priority: 31000, match: ip4.dst == 10.0.0.0/8, action: allow }
    - { priority: 30000, match: ip4.src == 10.2.0.66, action: drop }
    - { priority: 29000, match: ip4.src == 10.2.0.0/24, action: reroute, nextHopIP: "10.1.0.21, 10.1.0.20" }
`;

/** The same VPC changed: one ECMP next hop gone, the source route's next hop changed, the drop gone, the reroute down to one next hop, a new allow. */
const VPC_CHANGED = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.253 }
    - { cidr: 10.2.0.0/24, nextHopIP: 10.1.0.11, policy: policySrc, routeTable: t1 }
    - { cidr: "fd00::5/128", nextHopIP: "fd00::1" }
  policyRoutes:
    - { priority: 31000, match: ip4.dst == 10.0.0.0/8, action: allow }
    - { priority: 29000, match: ip4.src == 10.2.0.0/24, action: reroute, nextHopIP: 10.1.0.20 }
    - { priority: 100, match: ip4.dst == 192.168.0.0/16, action: allow }
`;

const VPC_BARE = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
`;

/** A centralized subnet of the default VPC with two gateway nodes and ECMP. */
const ECMP_SUBNET = (ecmp: boolean) => `apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: central }
spec: { cidrBlock: 10.30.0.0/16, gatewayType: centralized, gatewayNode: "gw1,gw2"${ecmp ? ", enableEcmp: true" : ""} }
---
apiVersion: v1
kind: Node
metadata: { name: gw1, annotations: { ovn.kubernetes.io/ip_address: 100.64.0.2 } }
---
apiVersion: v1
kind: Node
metadata: { name: gw2, annotations: { ovn.kubernetes.io/ip_address: 100.64.0.3 } }
`;

describe("Vpc staticRoutes and policyRoutes input", () => {
  it("reads the examples without issues", () => {
    expect(issuesOf(`${VPC}---\n${SUBNETS}`)).toEqual([]);
    expect(issuesOf(VPC_CHANGED)).toEqual([]);
    expect(issuesOf(ECMP_SUBNET(true))).toEqual([]);
  });

  it("names every bad route field", () => {
    const text = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 10.1.0.1/24, nextHopIP: 10.1.0.254 }
    - { cidr: 10.3.0.0/16, nextHopIP: "fd00::1" }
    - { cidr: nowhere, nextHopIP: 10.1.0.300 }
    - { cidr: 10.4.0.0/16, nextHopIP: 10.1.0.1, policy: policyAny, ecmpMode: ecmp, bfdId: x }
    - { nextHopIP: 10.1.0.1 }
    - { cidr: 10.5.0.0/16, nextHopIP: 10.1.0.1 }
    - { cidr: 10.5.0.0/16, nextHopIP: 10.1.0.1 }
  policyRoutes:
    - { priority: 40000, match: ip4, action: allow }
    - { priority: 10, match: ip4, action: reroute }
    - { priority: 11, match: ip4, action: drop, nextHopIP: 10.1.0.1 }
    - { priority: 12, match: ip4, action: forward }
    - { priority: 13, match: ip4, action: reroute, nextHopIP: "10.1.0.1,fd00::1" }
    - { priority: 14, match: ip4, action: reroute, nextHopIP: "10.1.0.1,bogus" }
    - { priority: 15, action: allow }
    - { priority: 16, match: ip4, action: allow }
    - { priority: 16, match: ip4, action: drop }
`;
    expect(issuesOf(text)).toEqual([
      'm.yaml:6 (document 1): vpc/vpc1: spec.staticRoutes.0.cidr: invalid value "10.1.0.1/24": host bits set (the network is 10.1.0.0/24)',
      'm.yaml:7 (document 1): vpc/vpc1: spec.staticRoutes.1.nextHopIP: invalid value "fd00::1": not of the IP family of cidr 10.3.0.0/16',
      'm.yaml:8 (document 1): vpc/vpc1: spec.staticRoutes.2.cidr: invalid value "nowhere": not an IPv4 or IPv6 address or CIDR',
      'm.yaml:8 (document 1): vpc/vpc1: spec.staticRoutes.2.nextHopIP: invalid value "10.1.0.300": not an IPv4 or IPv6 address',
      'm.yaml:9 (document 1): vpc/vpc1: spec.staticRoutes.3.policy: invalid value "policyAny": expected one of policyDst, policySrc',
      'm.yaml:9 (document 1): vpc/vpc1: spec.staticRoutes.3.bfdId: invalid value "x": not a UUID (the BFD row Kube-OVN links the route to)',
      "m.yaml:10 (document 1): vpc/vpc1: spec.staticRoutes.4.cidr: required field missing",
      'm.yaml:12 (document 1): vpc/vpc1: spec.staticRoutes.6: invalid value "10.5.0.0/16 via 10.1.0.1": the same route as spec.staticRoutes.5',
      'm.yaml:14 (document 1): vpc/vpc1: spec.policyRoutes.0.priority: invalid value "40000": expected an integer from 0 to 32767',
      "m.yaml:15 (document 1): vpc/vpc1: spec.policyRoutes.1.nextHopIP: required field missing",
      'm.yaml:16 (document 1): vpc/vpc1: spec.policyRoutes.2.nextHopIP: invalid value "10.1.0.1": only a reroute has next hops (action is drop)',
      'm.yaml:17 (document 1): vpc/vpc1: spec.policyRoutes.3.action: invalid value "forward": expected one of allow, drop, reroute',
      'm.yaml:18 (document 1): vpc/vpc1: spec.policyRoutes.4.nextHopIP: invalid value "10.1.0.1,fd00::1": next hops of both IP families',
      'm.yaml:19 (document 1): vpc/vpc1: spec.policyRoutes.5.nextHopIP: invalid value "10.1.0.1,bogus": bogus is not an IPv4 or IPv6 address (a reroute takes comma-separated next hops)',
      "m.yaml:20 (document 1): vpc/vpc1: spec.policyRoutes.6.match: required field missing",
      'm.yaml:22 (document 1): vpc/vpc1: spec.policyRoutes.8: invalid value "16 ip4": the same priority and match as spec.policyRoutes.7',
    ]);
  });

  it("enableEcmp is for a centralized subnet", () => {
    expect(issuesOf(`apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s }\nspec: { cidrBlock: 10.9.0.0/16, enableEcmp: true }\n`)).toEqual([
      'm.yaml:4 (document 1): subnet/s: spec.enableEcmp: invalid value "true": ECMP applies to a centralized subnet\'s gateway nodes (gatewayType: centralized)',
    ]);
  });
});

describe.each(BACKENDS)("Vpc routes on %s", (kind) => {
  const fx = useBackend(kind);
  const vpcLine = (r: Awaited<ReturnType<typeof applyOnce>>) => r.r.objects.filter((o) => o.ref.startsWith("vpc/")).map((o) => `${o.ref} ${o.action}`);

  it.skipIf(fx.skip)("static routes (ECMP) and policy routes: created, a re-apply sends nothing, a change sends only it, removal deletes them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const first = await applyOnce(db, manifestOf(`${VPC}---\n${SUBNETS}`));
    expect(vpcLine(first)).toEqual(["vpc/vpc1 created"]);
    // As ovn-nbctl shows them: the two default routes are one ECMP route; the source route in its table.
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([
      "IPv4 Routes",
      "Route Table <main>:",
      "0.0.0.0/0 10.1.0.253 dst-ip ecmp",
      "0.0.0.0/0 10.1.0.254 dst-ip ecmp",
      "Route Table t1:",
      "10.2.0.0/24 10.1.0.10 src-ip",
      "IPv6 Routes",
      "Route Table <main>:",
      "fd00::5 fd00::1 dst-ip",
    ]);
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == 10.0.0.0/8 allow",
      "30000 ip4.src == 10.2.0.66 drop",
      "29000 ip4.src == 10.2.0.0/24 reroute 10.1.0.20, 10.1.0.21",
    ]);
    expect((await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Static_Route", "nexthop=10.1.0.253")).trim()).toBe("vendor=kube-ovn vpc=vpc1");
    expect((await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", "priority=30000")).trim()).toBe("vendor=kube-ovn vpc=vpc1");

    const again = await applyOnce(db, manifestOf(`${VPC}---\n${SUBNETS}`));
    expect(again.sent).toEqual([]);
    expect(vpcLine(again)).toEqual(["vpc/vpc1 unchanged"]);

    const changed = await applyOnce(db, manifestOf(`${VPC_CHANGED}---\n${SUBNETS}`));
    expect(vpcLine(changed)).toEqual(["vpc/vpc1 configured"]);
    expect(changed.r.objects.filter((o) => o.action !== "unchanged").map((o) => o.ref)).toEqual(["vpc/vpc1"]);
    expect(changed.sent.length).toBe(1);
    // Only the rows that changed: the new route and policy, the reroute's next hops (the removed ones are dropped from the router's sets).
    // (the ECMP route and the changed source route leave the router's set with one mutation and are garbage-collected; the drop too).
    // (the new policy's guard pins the VPC's marked policies by priority and match, not the router's whole set)
    expect(opsText(changed.sent[0]!)).toEqual([
      "wait Logical_Router_Policy priority,match",
      "wait Logical_Router static_routes",
      "wait Logical_Router_Policy _version",
      "insert Logical_Router_Static_Route",
      "insert Logical_Router_Policy",
      "mutate Logical_Router static_routes delete [<uuid>,<uuid>] / static_routes insert [@new] / policies delete [<uuid>] / policies insert [@new]",
      "mutate Logical_Router_Policy nexthops delete [10.1.0.21]",
    ]);
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([
      "IPv4 Routes",
      "Route Table <main>:",
      "0.0.0.0/0 10.1.0.253 dst-ip",
      "Route Table t1:",
      "10.2.0.0/24 10.1.0.11 src-ip",
      "IPv6 Routes",
      "Route Table <main>:",
      "fd00::5 fd00::1 dst-ip",
    ]);
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == 10.0.0.0/8 allow",
      "29000 ip4.src == 10.2.0.0/24 reroute 10.1.0.20",
      "100 ip4.dst == 192.168.0.0/16 allow",
    ]);
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Router_Static_Route")).split(/\s+/).filter(Boolean)).toHaveLength(3);
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Router_Policy")).split(/\s+/).filter(Boolean)).toHaveLength(3);

    const removed = await applyOnce(db, manifestOf(`${VPC_BARE}---\n${SUBNETS}`));
    expect(vpcLine(removed)).toEqual(["vpc/vpc1 configured"]);
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([]);
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual([]);
    // The garbage-collected rows are gone from their tables too.
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Router_Static_Route")).trim()).toBe("");
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Router_Policy")).trim()).toBe("");
    expect((await applyOnce(db, manifestOf(`${VPC_BARE}---\n${SUBNETS}`))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("a centralized subnet with enableEcmp reroutes to every gateway node; without it, to the first", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const policy = async () => (await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.startsWith("29000 "));
    await applyOnce(db, manifestOf(ECMP_SUBNET(true)));
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2, 100.64.0.3"]);
    expect((await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", "priority=29000")).trim()).toBe("gw1=100.64.0.2 gw2=100.64.0.3 subnet=central vendor=kube-ovn");
    expect((await applyOnce(db, manifestOf(ECMP_SUBNET(true)))).sent).toEqual([]);
    const off = await applyOnce(db, manifestOf(ECMP_SUBNET(false)));
    expect(off.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/central configured"]);
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2"]);
  });
});
