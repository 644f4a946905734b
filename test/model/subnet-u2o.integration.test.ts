/**
 * An underlay subnet's `u2oInterconnection` as Kube-OVN makes it: an interconnection address of
 * the subnet (or `u2oInterconnectionIP`), the router port / switch port pair through it, the
 * `u2o_exclude_ip` address sets of the nodes' IPs and the U2O policies (default VPC: 29400 allow,
 * 31000 reroute of node traffic, 29000 reroute to the physical gateway; custom VPC: 29000 and the
 * source route), the router learning from ARP requests. On each backend: create, no-op re-apply,
 * a fixed address changed (exact operations), off; with ovn-northd, `ovn-trace` of an overlay
 * pod's packet to the underlay subnet going out through the interconnection port.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, startOvnSandbox } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, changed, issuesOf as textIssues, JOIN_SUBNET, lines, manifestOf, namespaceDoc, nodeDoc, podDoc, subnetDoc, underlayDocs, useBackend, vpcDoc, yamlOf } from "./fixture.js";

/** The default VPC with join, ovn-default (a pod), a node, and the underlay subnet `under` (spec `extra`). */
const M = (extra: string, vpc = "") =>
  yamlOf(
    namespaceDoc("default"),
    JOIN_SUBNET,
    subnetDoc("ovn-default", `cidrBlock: 10.16.0.0/16, default: true${vpc ? `, vpc: ${vpc}` : ""}`),
    nodeDoc("node1", "100.64.0.2", "192.168.0.11"),
    podDoc("a", { "ovn.kubernetes.io/ip_address": "10.16.0.10" }, { nodeName: "node1" }),
    ...underlayDocs("net1", "vlan10", 10),
    subnetDoc("under", `cidrBlock: 172.20.0.0/24, vlan: vlan10${vpc ? `, vpc: ${vpc}` : ""}${extra}`),
    ...(vpc ? [vpcDoc(vpc)] : []),
  );

const issuesOf = (extra: string) => textIssues(M(extra));

describe("Subnet u2oInterconnection input", () => {
  it("refuses it on an overlay subnet, with logicalGateway, an IP without it, a bad IP, an IP outside the subnet", () => {
    expect(textIssues(M("").replace("spec: { cidrBlock: 10.16.0.0/16, default: true }", "spec: { cidrBlock: 10.16.0.0/16, default: true, u2oInterconnection: true }"))).toEqual([
      expect.stringMatching(/subnet\/ovn-default: spec\.u2oInterconnection: invalid value "true": applies to an underlay subnet \(spec\.vlan\)$/),
    ]);
    expect(issuesOf(", logicalGateway: true, u2oInterconnection: true")).toEqual([expect.stringMatching(/subnet\/under: spec\.u2oInterconnection: .*logicalGateway and u2oInterconnection cannot both be on/)]);
    expect(issuesOf(", u2oInterconnectionIP: 172.20.0.5")).toEqual([expect.stringMatching(/subnet\/under: spec\.u2oInterconnectionIP: .*only with spec\.u2oInterconnection: true$/)]);
    expect(issuesOf(", u2oInterconnection: true, u2oInterconnectionIP: 172.20.0.0/24")).toEqual([expect.stringMatching(/spec\.u2oInterconnectionIP: invalid value "172\.20\.0\.0\/24": one IP, or an IPv4 and an IPv6/)]);
    // enableLb: false and u2oFeatures are test/model/u2o-routing.integration.test.ts's.
  });
});

describe.each(BACKENDS)("Subnet u2oInterconnection on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("default VPC: the interconnection port pair, address sets and policies; no-op; a fixed IP changes the port in place; off removes it all", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(", u2oInterconnection: true, enableDHCP: true")));
    // The first free address of the subnet (the gateway is .1).
    expect(await lines(db, "--bare", "--columns=networks,external_ids", "list", "Logical_Router_Port", "ovn-cluster-under")).toEqual(["172.20.0.2/24", "lr=ovn-cluster vendor=kube-ovn"]);
    expect(await lines(db, "--bare", "--columns=type,addresses,options", "list", "Logical_Switch_Port", "under-ovn-cluster")).toEqual(["router", "router", "router-port=ovn-cluster-under"]);
    expect(await lines(db, "--bare", "--columns=name,addresses,external_ids", "find", "Address_Set", "external_ids:subnet=under")).toEqual(
      expect.arrayContaining(["under.u2o_exclude_ip.ip4", "192.168.0.11", "isU2ORoutePolicy=true subnet=under vendor=kube-ovn", "under.u2o_exclude_ip.ip6"]),
    );
    const policies = await lines(db, "lr-policy-list", "ovn-cluster");
    expect(policies).toEqual(
      expect.arrayContaining([
        "31000 ip4.dst == $under.u2o_exclude_ip.ip4 && ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
        "29400 ip4.dst == 172.20.0.0/24 allow",
        "29000 ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      ]),
    );
    expect(policies.filter((l) => l.includes("172.20.0.0/24"))).toHaveLength(3);
    expect((await nbctl(db, "get", "Logical_Router", "ovn-cluster", "options")).trim()).toBe('{dynamic_neigh_routers="true", mac_binding_age_threshold="300"}');
    expect((await nbctl(db, "--bare", "--columns=options", "find", "DHCP_Options", "external_ids:ls=under")).trim()).toMatch(/router=172\.20\.0\.2/);
    // Re-applied (the address read back from the router port): nothing sent, --prune keeps it all.
    expect((await applyOnce(db, manifestOf(M(", u2oInterconnection: true, enableDHCP: true")), { prune: true })).sent).toEqual([]);

    const fixed = await applyOnce(db, manifestOf(M(", u2oInterconnection: true, u2oInterconnectionIP: 172.20.0.254, enableDHCP: true")));
    expect(changed(fixed)).toEqual(["subnet/under configured"]);
    expect(fixed.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([
      ["mutate DHCP_Options options delete [router] / options insert {router=172.20.0.254}", "update Logical_Router_Port networks=[172.20.0.254/24]"],
    ]);

    const off = await applyOnce(db, manifestOf(M("")));
    expect(changed(off)).toEqual(["vpc/ovn-cluster configured", "subnet/under configured"]);
    expect(await lines(db, "--bare", "--columns=name", "find", "Logical_Router_Port", "name=ovn-cluster-under")).toEqual([]);
    expect(await lines(db, "--bare", "--columns=name", "find", "Address_Set", "external_ids:subnet=under")).toEqual([]);
    expect((await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("172.20.0.0/24"))).toEqual([]);
    expect((await nbctl(db, "get", "Logical_Router", "ovn-cluster", "options:always_learn_from_arp_request")).trim()).toBe('"false"');
    expect((await applyOnce(db, manifestOf(M("")))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("custom VPC: the 29000 policy and the subnet's source route only; removed with the subnet by --prune", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(", u2oInterconnection: true", "vpc1")));
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual(["Routing Policies", "29000 ip4.src == 172.20.0.0/24 reroute 172.20.0.1"]);
    expect(await lines(db, "--bare", "--columns=ip_prefix,nexthop,policy,external_ids", "find", "Logical_Router_Static_Route", "external_ids:subnet=under")).toEqual(["172.20.0.0/24", "172.20.0.1", "src-ip", "isU2ORoutePolicy=true subnet=under vendor=kube-ovn"]);
    expect((await applyOnce(db, manifestOf(M(", u2oInterconnection: true", "vpc1")))).sent).toEqual([]);
    const gone = manifestOf(M(", u2oInterconnection: true", "vpc1"));
    const pruned = await applyOnce(db, { objects: gone.objects.filter((o) => !(o.kind === "Subnet" && o.name === "under")) }, { prune: true });
    // The router stops learning from ARP requests (its last U2O subnet is gone).
    expect(changed(pruned)).toEqual(["vpc/vpc1 configured", "subnet/under deleted"]);
    expect((await nbctl(db, "get", "Logical_Router", "vpc1", "options:always_learn_from_arp_request")).trim()).toBe('"false"');
    expect(await lines(db, "--bare", "--columns=_uuid", "find", "Logical_Router_Static_Route", "external_ids:subnet=under")).toEqual([]);
    expect(await lines(db, "--bare", "--columns=name", "find", "Address_Set", "external_ids:subnet=under")).toEqual([]);
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual([]);
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("Subnet u2oInterconnection with ovn-northd", () => {
  it("ovn-trace: an overlay pod's packet to the underlay subnet is routed out of the interconnection port onto the underlay switch", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    await applyOnce(ovn.nb, manifestOf(M(", u2oInterconnection: true")));
    await ovn.sync();
    const podMac = (await nbctl(ovn.nb, "lsp-get-addresses", "a.default")).trim().split(" ")[0]!;
    const gwMac = (await nbctl(ovn.nb, "get", "Logical_Router_Port", "ovn-cluster-ovn-default", "mac")).trim().replace(/"/g, "");
    const t = await ovn.trace("ovn-default", `inport == "a.default" && eth.src == ${podMac} && eth.dst == ${gwMac} && ip4.src == 10.16.0.10 && ip4.dst == 172.20.0.50 && ip.ttl == 64 && icmp4.type == 8`);
    // Routed by the connected route of the interconnection port, allowed by the U2O 29400 policy.
    expect(t.raw).toMatch(/lr_in_ip_routing \(northd\.c:\d+\): ip4\.dst == 172\.20\.0\.0\/24, priority \d+/);
    expect(t.raw).toMatch(/lr_in_policy \(northd\.c:\d+\): ip4\.dst == 172\.20\.0\.0\/24, priority 29400/);
    expect(t.raw).toMatch(/outport = "ovn-cluster-under"/);
    expect(t.raw).toMatch(/ingress\(dp="under", inport="under-ovn-cluster"\)/);
  });
});
