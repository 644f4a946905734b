/**
 * A VPC's peerings, BFD, extra external subnets, and a centralized subnet's gateway failover, as
 * Kube-OVN's VPC and subnet controllers program them: the input checks; the planner (create, no-op,
 * change, removal) on each backend; the rows as `ovn-nbctl` shows them on a real `ovsdb-server`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { InvalidManifestError, KUBE_OVN_IDENTITY, applyModel, existingAddresses, formatIssue, resolveModel } from "../../src/model/index.js";
import { NB_CONTROLLER_TABLES, NbController } from "../../src/ovn/controller/index.js";
import { OvnFeatureUnavailableError } from "../../src/ovn/index.js";
import { startOvsdbServer } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText, recordingClient } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { BFD_VPC, CENTRAL, EXTERNAL_BASE, PEERED, UNPEERED } from "./vpc-features-manifests.js";
import { applyOnce, changed as changedRefs, issuesOf, lines, manifestOf, useBackend } from "./fixture.js";

/** The issues resolving a manifest that parses cleanly reports. */
function resolveIssues(text: string): string[] {
  try {
    resolveModel(manifestOf(text));
    return [];
  } catch (e) {
    if (!(e instanceof InvalidManifestError)) throw e;
    return e.issues.map(formatIssue);
  }
}

const get = async (db: string, ...args: string[]) => (await nbctl(db, "get", ...args)).trim();
/** `ovn-nbctl ha-chassis-group-list` without its UUIDs. */
const haGroups = async (db: string) => [
  ...(await nbctl(db, "--bare", "--columns=name", "list", "HA_Chassis_Group")).split(/\s+/).filter(Boolean),
  ...(await lines(db, "--bare", "--columns=chassis_name,priority", "list", "HA_Chassis")).reduce<string[]>((acc, l, i, all) => (i % 2 ? acc : [...acc, `${l} ${all[i + 1]}`]), []).sort(),
];

describe("VPC peering, BFD, external subnets and gateway failover input", () => {
  it("reads the examples without issues", () => {
    for (const t of [PEERED(), UNPEERED, BFD_VPC(", enableBfd: true, bfdPort: { enabled: true, ip: 10.255.255.1/24, nodeSelector: { matchLabels: { bfd: \"yes\" } } }"), BFD_VPC(", extraExternalSubnets: [ext2]"), CENTRAL({ ready: ["True", "False"], ecmp: true }), CENTRAL({ selectors: true })]) {
      expect(issuesOf(t)).toEqual([]);
      expect(resolveIssues(t)).toEqual([]);
    }
  });

  it("gateway nodes: gatewayNode names in order (NODE:EGRESS-IP names NODE), or the nodes the selectors match, by name", () => {
    const gws = (text: string) => resolveModel(manifestOf(text)).subnets.find((x) => x.object.name === "central")!.gatewayNodes;
    expect(gws(CENTRAL({}).replace('"gw1, gw2"', '"gw2:172.18.0.5, gw1"'))).toEqual(["gw2", "gw1"]);
    expect(gws(CENTRAL({ selectors: true }))).toEqual(["gw1", "gw2"]);
  });

  it("names every bad field as it is read", () => {
    const text = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  vpcPeerings:
    - { remoteVpc: vpc2, localConnectIP: 169.254.0.1 }
    - { remoteVpc: vpc3, localConnectIP: "169.254.0.1/30,169.254.1.1/30" }
    - { localConnectIP: 169.254.0.1/30, remote: x }
    - { remoteVpc: vpc4, localConnectIP: 169.254.0.1/30 }
    - { remoteVpc: vpc4, localConnectIP: 169.254.0.5/30 }
  extraExternalSubnets: [ext2, ext2, external]
  enableBfd: yes
  bfdPort: { enabled: true, ip: "10.0.0.1", nodeSelector: { matchLabels: { a: b } }, nodes: 3 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s }
spec: { cidrBlock: 10.9.0.0/16, gatewayNodeSelectors: [{ matchLabels: { gw: "yes" } }] }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: c }
spec: { cidrBlock: 10.8.0.0/16, gatewayType: centralized, gatewayNode: n1, gatewayNodeSelectors: [{ matchLabels: { gw: "yes" } }] }
---
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "Maybe" }, { type: Ready, status: "True" }, { kind: x }] }
`;
    expect(issuesOf(text)).toEqual([
      'm.yaml:6 (document 1): vpc/vpc1: spec.vpcPeerings.0.localConnectIP: invalid value "169.254.0.1": 169.254.0.1 is not an address with its prefix length (IP/LEN)',
      'm.yaml:7 (document 1): vpc/vpc1: spec.vpcPeerings.1.localConnectIP: invalid value "169.254.0.1/30,169.254.1.1/30": two addresses of one IP family',
      "m.yaml:8 (document 1): vpc/vpc1: spec.vpcPeerings.2.remote: field not supported by this model",
      "m.yaml:8 (document 1): vpc/vpc1: spec.vpcPeerings.2.remoteVpc: required field missing",
      'm.yaml:10 (document 1): vpc/vpc1: spec.vpcPeerings.4.remoteVpc: invalid value "vpc4": already peered by spec.vpcPeerings.3',
      'm.yaml:11 (document 1): vpc/vpc1: spec.extraExternalSubnets.1: invalid value "ext2": listed twice',
      'm.yaml:11 (document 1): vpc/vpc1: spec.extraExternalSubnets.2: invalid value "external": the default external subnet is connected by enableExternal alone',
      'm.yaml:11 (document 1): vpc/vpc1: spec.extraExternalSubnets: invalid value "ext2,ext2,external": external subnets are connected only with spec.enableExternal',
      'm.yaml:12 (document 1): vpc/vpc1: spec.enableBfd: invalid value "\\"yes\\"": expected true or false',
      "m.yaml:13 (document 1): vpc/vpc1: spec.bfdPort.nodes: field not supported by this model",
      'm.yaml:13 (document 1): vpc/vpc1: spec.bfdPort.ip: invalid value "10.0.0.1": 10.0.0.1 is not an address with its prefix length (IP/LEN)',
      'm.yaml:18 (document 2): subnet/s: spec.gatewayNodeSelectors: invalid value "[...]": only a centralized subnet has gateway nodes',
      'm.yaml:23 (document 3): subnet/c: spec.gatewayNodeSelectors: invalid value "[...]": give gatewayNode or gatewayNodeSelectors, not both (Kube-OVN ignores the selectors then)',
      'm.yaml:28 (document 4): node/n1: status.conditions.0.status: invalid value "Maybe": expected True, False or Unknown',
      'm.yaml:28 (document 4): node/n1: status.conditions.1.type: invalid value "Ready": condition listed twice',
      "m.yaml:28 (document 4): node/n1: status.conditions.2.kind: field not supported by this model",
      "m.yaml:28 (document 4): node/n1: status.conditions.2.type: required field missing",
      "m.yaml:28 (document 4): node/n1: status.conditions.2.status: required field missing",
    ]);
  });

  it("checks peerings against each other", () => {
    const bad = PEERED("169.254.0.1/30", "169.254.0.9/30").replace("vpcPeerings: [{ remoteVpc: vpc1,", "vpcPeerings: [{ remoteVpc: ghost, localConnectIP: 169.254.3.1/30 }, { remoteVpc: vpc2, localConnectIP: 169.254.4.1/30 }, { remoteVpc: vpc1,");
    expect(resolveIssues(bad)).toEqual([
      'm.yaml:5 (document 2): vpc/vpc1: spec.vpcPeerings.0.localConnectIP: invalid value "169.254.0.1/30": not in the network of vpc vpc2\'s 169.254.0.9/30',
      "m.yaml:12 (document 3): vpc/vpc2: spec.vpcPeerings.0.remoteVpc: vpc ghost is not defined",
      'm.yaml:12 (document 3): vpc/vpc2: spec.vpcPeerings.1.remoteVpc: invalid value "vpc2": a VPC cannot peer with itself',
      'm.yaml:12 (document 3): vpc/vpc2: spec.vpcPeerings.2.localConnectIP: invalid value "169.254.0.9/30": not in the network of vpc vpc1\'s 169.254.0.1/30',
    ]);
    // One-sided, the same address on both sides, a subnet named like the peer.
    const oneSided = PEERED().replace(/ {2}vpcPeerings: \[\{ remoteVpc: vpc1.*\n/, "");
    expect(resolveIssues(oneSided)).toEqual(['m.yaml:5 (document 2): vpc/vpc1: spec.vpcPeerings.0.remoteVpc: invalid value "vpc2": vpc vpc2 has no vpcPeerings entry for vpc1 (a peering is a router port on each side)']);
    expect(resolveIssues(PEERED("169.254.0.1/30", "169.254.0.1/30"))).toEqual([
      'm.yaml:5 (document 2): vpc/vpc1: spec.vpcPeerings.0.localConnectIP: invalid value "169.254.0.1/30": the same address as vpc vpc2\'s side',
      'm.yaml:12 (document 3): vpc/vpc2: spec.vpcPeerings.0.localConnectIP: invalid value "169.254.0.1/30": the same address as vpc vpc1\'s side',
    ]);
    expect(resolveIssues(PEERED().replace(/\bs1\b/g, "vpc2"))).toEqual([
      'm.yaml:5 (document 2): vpc/vpc1: spec.vpcPeerings.0.remoteVpc: invalid value "vpc2": subnet vpc2 of VPC vpc1 has the router port vpc1-vpc2 too',
    ]);
  });

  it("checks BFD, extra external subnets and gateway selectors against the model", () => {
    expect(resolveIssues(BFD_VPC(", extraExternalSubnets: [ext2, s1, ghost, join]"))).toEqual([
      'm.yaml:44 (document 10): vpc/vpc1: spec.extraExternalSubnets.1: invalid value "s1": an extra external subnet is a provider-network VLAN subnet (spec.vlan)',
      "m.yaml:44 (document 10): vpc/vpc1: spec.extraExternalSubnets.2: subnet ghost is not defined",
      'm.yaml:44 (document 10): vpc/vpc1: spec.extraExternalSubnets.3: invalid value "join": an extra external subnet is a provider-network VLAN subnet (spec.vlan)',
    ]);
    expect(resolveIssues(BFD_VPC(", enableBfd: true, extraExternalSubnets: [ext2]"))).toEqual([
      'm.yaml:44 (document 10): vpc/vpc1: spec.enableBfd: invalid value "true": BFD runs on the connection to the default external subnet external, which spec.extraExternalSubnets replaces',
    ]);
    expect(resolveIssues(BFD_VPC(", bfdPort: { enabled: true, ip: 10.255.255.1/24, nodeSelector: { matchLabels: { bfd: \"no\" } } }"))).toEqual([
      "m.yaml:44 (document 10): vpc/vpc1: spec.bfdPort.nodeSelector: selector bfd=no matches no nodes of the model",
    ]);
    expect(resolveIssues(BFD_VPC("").replace("enableExternal: true", "enableBfd: true"))).toEqual([
      'm.yaml:44 (document 10): vpc/vpc1: spec.enableBfd: invalid value "true": BFD watches the external gateway: it needs spec.enableExternal',
    ]);
    expect(resolveIssues(`${EXTERNAL_BASE}---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: ovn-cluster }\nspec: { enableBfd: true }\n---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: vpc1 }\n`)).toEqual([
      "m.yaml:44 (document 10): vpc/ovn-cluster: spec.enableBfd: value \"true\" not supported: BFD is for custom VPCs (Kube-OVN programs none on ovn-cluster)",
    ]);
    expect(resolveIssues(CENTRAL({ selectors: true }).replace('gw: "yes" } }]', 'gw: "no" } }]'))).toEqual([
      "m.yaml:6 (document 2): subnet/central: spec.gatewayNodeSelectors.0: selector gw=no matches no nodes of the model",
    ]);
  });
});

describe.each(BACKENDS)("VPC peering, BFD, external subnets and gateway failover on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("peering: a router port on each side; a re-apply sends nothing; a new connect IP changes only the ports' networks and the routes; removal deletes the ports; --prune of a VPC deletes its port", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const first = await applyOnce(db, manifestOf(PEERED()));
    expect(first.r.objects.filter((o) => o.ref.startsWith("vpc/")).map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/vpc1 created", "vpc/vpc2 created"]);
    expect(await get(db, "Logical_Router_Port", "vpc1-vpc2", "peer")).toBe("vpc2-vpc1");
    expect(await get(db, "Logical_Router_Port", "vpc2-vpc1", "peer")).toBe("vpc1-vpc2");
    expect(await get(db, "Logical_Router_Port", "vpc1-vpc2", "networks")).toBe('["169.254.0.1/30"]');
    expect(await get(db, "Logical_Router_Port", "vpc2-vpc1", "networks")).toBe('["169.254.0.2/30"]');
    expect(await get(db, "Logical_Router_Port", "vpc1-vpc2", "external_ids")).toBe("{lr=vpc1, vendor=kube-ovn}");
    expect(await lines(db, "lrp-list", "vpc1")).toEqual(expect.arrayContaining([expect.stringContaining("(vpc1-vpc2)")]));
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual(["IPv4 Routes", "Route Table <main>:", "10.2.0.0/24 169.254.0.2 dst-ip"]);

    expect((await applyOnce(db, manifestOf(PEERED()))).sent).toEqual([]);

    const moved = await applyOnce(db, manifestOf(PEERED("169.254.0.5/30", "169.254.0.6/30")));
    expect(changedRefs(moved)).toEqual(["vpc/vpc1 configured", "vpc/vpc2 configured"]);
    expect(moved.sent.length).toBe(1);
    expect(opsText(moved.sent[0]!).filter((o) => o.includes("Logical_Router_Port"))).toEqual([
      "wait Logical_Router_Port _version",
      "wait Logical_Router_Port _version",
      "update Logical_Router_Port networks=[169.254.0.5/30]",
      "update Logical_Router_Port networks=[169.254.0.6/30]",
    ]);
    expect(await get(db, "Logical_Router_Port", "vpc1-vpc2", "networks")).toBe('["169.254.0.5/30"]');
    expect(await lines(db, "lr-route-list", "vpc2")).toEqual(["IPv4 Routes", "Route Table <main>:", "10.1.0.0/24 169.254.0.5 dst-ip"]);

    const unpeered = await applyOnce(db, manifestOf(UNPEERED));
    expect(changedRefs(unpeered)).toEqual(["vpc/vpc1 configured", "vpc/vpc2 configured"]);
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Router_Port", "peer!=[]")).trim()).toBe("");
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([]);
    expect((await applyOnce(db, manifestOf(UNPEERED))).sent).toEqual([]);

    // --prune of a whole VPC: its peering port goes with its router, reported under the VPC.
    await applyOnce(db, manifestOf(PEERED()));
    const only1 = manifestOf(UNPEERED.split("---\n").filter((d) => !/name: (vpc2|s2|b)\b/.test(d)).join("---\n"));
    const pruned = await applyOnce(db, only1, { prune: true });
    expect(changedRefs(pruned).sort()).toEqual(["pod/default/b deleted", "subnet/s2 deleted", "vpc/vpc1 configured", "vpc/vpc2 deleted"]);
    expect((await nbctl(db, "--bare", "--columns=name", "list", "Logical_Router_Port")).split(/\s+/).filter(Boolean)).toEqual(["vpc1-s1"]);
  });

  it.skipIf(fx.skip)("BFD: a session to the external gateway and a BFD port with its HA chassis group; a re-apply sends nothing; turning each off deletes exactly its rows", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const full = BFD_VPC(', enableBfd: true, bfdPort: { enabled: true, ip: "10.255.255.1/24", nodeSelector: { matchLabels: { bfd: "yes" } } }');
    const first = await applyOnce(db, manifestOf(full));
    expect(changedRefs(first)).toContain("vpc/vpc1 created");
    expect(await lines(db, "--columns=logical_port,dst_ip,min_rx,min_tx,detect_mult,external_ids", "list", "BFD")).toEqual([
      "logical_port : vpc1-external",
      'dst_ip : "172.18.0.1"',
      "min_rx : 100",
      "min_tx : 100",
      "detect_mult : 3",
      "external_ids : {vendor=kube-ovn, vpc=vpc1}",
    ]);
    expect(await get(db, "Logical_Router_Port", "bfd@vpc1", "networks")).toBe('["10.255.255.1/24"]');
    expect(await get(db, "Logical_Router_Port", "bfd@vpc1", "options")).toBe('{bfd-only="true"}');
    expect(await haGroups(db)).toEqual(["bfd@vpc1", "ch-gw1 100"]);
    expect(await get(db, "HA_Chassis_Group", "bfd@vpc1", "external_ids")).toBe('{lrp="bfd@vpc1", vendor=kube-ovn}');
    expect(await get(db, "Logical_Router_Port", "bfd@vpc1", "ha_chassis_group")).toBe(await get(db, "HA_Chassis_Group", "bfd@vpc1", "_uuid"));

    expect((await applyOnce(db, manifestOf(full))).sent).toEqual([]);

    // Every node hosts it without a selector (here two, under Kube-OVN's three).
    const anyNode = await applyOnce(db, manifestOf(BFD_VPC(', enableBfd: true, bfdPort: { enabled: true, ip: "10.255.255.1/24" }')));
    expect(changedRefs(anyNode)).toEqual(["vpc/vpc1 configured"]);
    expect(await haGroups(db)).toEqual(["bfd@vpc1", "ch-gw1 100", "ch-gw2 99"]);

    const noSession = await applyOnce(db, manifestOf(BFD_VPC(', bfdPort: { enabled: true, ip: "10.255.255.1/24" }')));
    expect(changedRefs(noSession)).toEqual(["vpc/vpc1 configured"]);
    expect(opsText(noSession.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["delete BFD"]);
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "BFD")).trim()).toBe("");

    const noPort = await applyOnce(db, manifestOf(BFD_VPC(', bfdPort: { enabled: false, ip: "10.255.255.1/24" }')));
    expect(changedRefs(noPort)).toEqual(["vpc/vpc1 configured"]);
    expect((await nbctl(db, "--bare", "--columns=name", "list", "HA_Chassis_Group")).trim()).toBe("");
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Router_Port", "name=bfd@vpc1")).trim()).toBe("");
    expect((await applyOnce(db, manifestOf(BFD_VPC("")))).sent).toEqual([]);

    // --prune of the VPC: its BFD row and HA chassis group go too.
    await applyOnce(db, manifestOf(full));
    const gone = await applyOnce(db, manifestOf(EXTERNAL_BASE.replace(/---\napiVersion: kubeovn.io\/v1\nkind: Subnet\nmetadata: \{ name: s1 \}\n[^\n]*\n/, "")), { prune: true });
    expect(changedRefs(gone)).toEqual(expect.arrayContaining(["vpc/vpc1 deleted"]));
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "BFD")).trim()).toBe("");
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "HA_Chassis_Group")).trim()).toBe("");
  });

  it.skipIf(fx.skip)("extraExternalSubnets: a router port on each instead of the default external subnet; switching back deletes it", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const extra = BFD_VPC(", extraExternalSubnets: [ext2]");
    await applyOnce(db, manifestOf(extra));
    expect(await get(db, "Logical_Router_Port", "vpc1-ext2", "networks")).toMatch(/^\["172\.19\.0\.\d+\/24"\]$/);
    expect(await lines(db, "lrp-get-gateway-chassis", "vpc1-ext2")).toHaveLength(2);
    expect(await get(db, "Logical_Switch_Port", "ext2-vpc1", "type")).toBe("router");
    expect(await get(db, "Logical_Switch_Port", "ext2-vpc1", "options")).toBe('{router-port=vpc1-ext2}');
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Router_Port", "name=vpc1-external")).trim()).toBe("");
    const again = await applyOnce(db, manifestOf(extra));
    expect(again.sent).toEqual([]);

    const back = await applyOnce(db, manifestOf(BFD_VPC("")));
    expect(changedRefs(back)).toEqual(["vpc/vpc1 configured"]);
    expect((await nbctl(db, "--bare", "--columns=name", "list", "Logical_Router_Port")).split(/\s+/).filter(Boolean).sort()).toEqual(["ovn-cluster-join", "vpc1-external", "vpc1-s1"]);
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=ext2-vpc1")).trim()).toBe("");
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "Gateway_Chassis")).split(/\s+/).filter(Boolean)).toHaveLength(2);
    expect((await applyOnce(db, manifestOf(BFD_VPC("")))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("router options as Kube-OVN's createVpcRouter sets them: always_learn_from_arp_request=false unless the VPC has enableExternal or peerings", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const options = async (lr: string) => (await get(db, "Logical_Router", lr, "options")).replace(/"/g, "");
    await applyOnce(db, manifestOf(BFD_VPC("")));
    expect(await options("vpc1")).toBe("{dynamic_neigh_routers=true, mac_binding_age_threshold=300}");
    expect(await options("ovn-cluster")).toBe("{always_learn_from_arp_request=false, dynamic_neigh_routers=true, mac_binding_age_threshold=300}");
    const internal = BFD_VPC("").replace("spec: { enableExternal: true }", "spec: {}");
    const off = await applyOnce(db, manifestOf(internal));
    expect(opsText(off.sent[0]!).filter((o) => o.includes("options"))).toEqual(["mutate Logical_Router ports delete [<uuid>] / options insert {always_learn_from_arp_request=false}"]);
    expect(await options("vpc1")).toBe("{always_learn_from_arp_request=false, dynamic_neigh_routers=true, mac_binding_age_threshold=300}");
    expect((await applyOnce(db, manifestOf(internal))).sent).toEqual([]);
    // Peerings learn too.
    await applyOnce(db, manifestOf(PEERED()));
    expect(await options("vpc2")).toBe("{dynamic_neigh_routers=true, mac_binding_age_threshold=300}");
    await applyOnce(db, manifestOf(UNPEERED));
    expect(await options("vpc2")).toBe("{always_learn_from_arp_request=false, dynamic_neigh_routers=true, mac_binding_age_threshold=300}");
  });

  it.skipIf(fx.skip)("gateway failover: active-standby stays on its ready gateway, fails over when it is not ready and does not fail back; ECMP over the ready ones; selectors", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const policy = async () => (await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.startsWith("29000 "));
    const ext = async () => (await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", "priority=29000")).trim();
    await applyOnce(db, manifestOf(CENTRAL({ ready: ["True", "True"] })));
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2"]);
    expect(await ext()).toBe("gw1=100.64.0.2 subnet=central vendor=kube-ovn");
    expect((await applyOnce(db, manifestOf(CENTRAL({ ready: ["True", "True"] })))).sent).toEqual([]);

    const failover = await applyOnce(db, manifestOf(CENTRAL({ ready: ["False", "True"] })));
    expect(changedRefs(failover)).toEqual(["subnet/central configured"]);
    expect(opsText(failover.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Router_Policy nexthops delete [100.64.0.2] / nexthops insert [100.64.0.3] / external_ids delete [gw1] / external_ids insert {gw2=100.64.0.3}"]);
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.3"]);
    expect(await ext()).toBe("gw2=100.64.0.3 subnet=central vendor=kube-ovn");
    // gw1 ready again: the active gateway stays gw2 (Kube-OVN keeps status.activateGateway while it is ready).
    expect((await applyOnce(db, manifestOf(CENTRAL({ ready: ["True", "True"] })))).sent).toEqual([]);
    // No gateway ready: the policy stays as it is.
    expect((await applyOnce(db, manifestOf(CENTRAL({ ready: ["False", "False"] })))).sent).toEqual([]);
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.3"]);

    await applyOnce(db, manifestOf(CENTRAL({ ready: ["True", "False"], ecmp: true })));
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2"]);
    await applyOnce(db, manifestOf(CENTRAL({ ready: ["True", "True"], ecmp: true })));
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2, 100.64.0.3"]);
    const sel = await applyOnce(db, manifestOf(CENTRAL({ selectors: true, ecmp: true })));
    expect(sel.sent).toEqual([]);
    await applyOnce(db, manifestOf(CENTRAL({ selectors: true })));
    expect(await policy()).toEqual(["29000 ip4.src == 10.30.0.0/16 reroute 100.64.0.2"]);
  });
});

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("BFD on an NB schema without it", () => {
  it("refuses with OvnFeatureUnavailableError naming the BFD table and the server's schema version, sending nothing; the VPC without BFD applies", { timeout: 60_000 }, async () => {
    // OVN 20.12 (NB 5.28.0) had no BFD table (nor the static route's `bfd` column; both came in 21.03, NB 5.31.0): the 23.03 schema without them.
    const schema = JSON.parse(readFileSync("/usr/share/ovn/ovn-nb.ovsschema", "utf8")) as { version: string; cksum?: string; tables: Record<string, { columns: Record<string, unknown> }> };
    delete schema.tables["BFD"];
    delete schema.tables["Logical_Router_Static_Route"]!.columns["bfd"];
    schema.version = "5.28.0";
    delete schema.cksum;
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-nobfd-"));
    const path = join(dir, "ovn-nb.ovsschema");
    writeFileSync(path, JSON.stringify(schema));
    const server = await startOvsdbServer({ schemas: [path] });
    try {
      const { client, sent } = await recordingClient(server.unix);
      const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
      try {
        const model = resolveModel(manifestOf(BFD_VPC(", enableBfd: true")), { existing: existingAddresses(ctl) });
        const e = await applyModel(ctl, model).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(OvnFeatureUnavailableError);
        expect((e as OvnFeatureUnavailableError).feature).toBe("BFD");
        expect((e as OvnFeatureUnavailableError).schemaVersion).toBe("5.28.0");
        expect(sent).toEqual([]);
      } finally {
        await ctl.close();
        client.close();
      }
      // `ovn-ts apply` says so and exits 1, nothing written; without BFD the VPC applies.
      writeFileSync(join(dir, "net.yaml"), BFD_VPC(", enableBfd: true"));
      const io = memoryIo();
      expect(await main(["apply", `--db=${server.unix}`, "-f", join(dir, "net.yaml")], io)).toBe(1);
      expect(io.stderr).toMatch(/^ovn-ts apply: .*BFD.*5\.28\.0/);
      expect(io.stdout).toBe("");
      expect((await nbctl(server.unix, "--bare", "--columns=name", "list", "Logical_Router")).trim()).toBe("");
      writeFileSync(join(dir, "net.yaml"), BFD_VPC(""));
      const ok = memoryIo();
      expect(await main(["apply", `--db=${server.unix}`, "-f", join(dir, "net.yaml")], ok), ok.stderr).toBe(0);
      expect(ok.stdout).toContain("vpc/vpc1 created\n");
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
