/**
 * U2O beyond one subnet, as Kube-OVN's subnet controller makes it: the per-VPC
 * `u2o_overlay_cidrs` address sets, `u2oFeatures.overlayOnlyRouting`'s policies, `enableLb: false`
 * on a U2O subnet (per-node port groups, a reroute of each Service CIDR to the node, the Service
 * CIDRs from `ServiceCIDR` objects or Kube-OVN's default range), and the `policyRoutingTableID`
 * conflict check. Input checks; on each backend create, no-op, a change with its exact
 * operations, removal and `--prune`; with ovn-northd, `ovn-trace` through the new policies.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, InvalidManifestError, loadManifests, parseManifestText, resolveModel, serviceCidrs } from "../../src/model/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { SANDBOX_PROGRAMS, startOvnSandbox } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, changed, cliApply, issuesOf, JOIN_SUBNET, lines, manifestDir, manifestOf, names, namespaceDoc, nodeDoc, podDoc, subnetDoc, underlayDocs, useBackend, vpcDoc, yamlOf } from "./fixture.js";

/** A `ServiceCIDR` with `cidrs`. */
const serviceCidr = (name: string, cidrs: string) => `apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: { name: ${name} }\nspec: { cidrs: [${cidrs}] }\n`;

/**
 * The default VPC (join, ovn-default with pod `a` on node1), nodes node1 and node2, and the
 * underlay subnet `under` (spec `extra`, in `vpc` when given) with pods u1 on node1 and u2 on node2.
 */
const M = (extra: string, more: readonly string[] = [], vpc?: string) =>
  yamlOf(
    namespaceDoc("default"),
    JOIN_SUBNET,
    subnetDoc("ovn-default", "cidrBlock: 10.16.0.0/16, default: true"),
    nodeDoc("node1", "100.64.0.2", "192.168.0.11"),
    nodeDoc("node2", "100.64.0.3", "192.168.0.12"),
    podDoc("a", { "ovn.kubernetes.io/ip_address": "10.16.0.10" }, { nodeName: "node1" }),
    ...underlayDocs("net1", "vlan10", 10),
    subnetDoc("under", `cidrBlock: 172.20.0.0/24, vlan: vlan10${vpc ? `, vpc: ${vpc}` : ""}${extra}`),
    podDoc("u1", { "ovn.kubernetes.io/logical_switch": "under", "ovn.kubernetes.io/ip_address": "172.20.0.10" }, { nodeName: "node1" }),
    podDoc("u2", { "ovn.kubernetes.io/logical_switch": "under", "ovn.kubernetes.io/ip_address": "172.20.0.11" }, { nodeName: "node2" }),
    ...(vpc ? [vpcDoc(vpc)] : []),
    ...more,
  );

const U2O = ", u2oInterconnection: true";
const ONLY = `${U2O}, u2oFeatures: { overlayOnlyRouting: true }`;
const NO_LB = `${U2O}, enableLb: false`;
const withoutWaits = (sent: readonly Parameters<typeof opsText>[0][]) => sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")));

describe("U2O routing input", () => {
  it("u2oFeatures: only overlayOnlyRouting, a boolean, with u2oInterconnection", () => {
    expect(issuesOf(M(`${U2O}, u2oFeatures: { overlayOnly: true }`))).toEqual([expect.stringMatching(/subnet\/under: spec\.u2oFeatures\.overlayOnly: field not supported by this model$/)]);
    expect(issuesOf(M(`${U2O}, u2oFeatures: { overlayOnlyRouting: yes }`))).toEqual([expect.stringMatching(/subnet\/under: spec\.u2oFeatures\.overlayOnlyRouting: invalid value "\\"yes\\"": expected true or false$/)]);
    expect(issuesOf(M(", u2oFeatures: { overlayOnlyRouting: true }"))).toEqual([expect.stringMatching(/subnet\/under: spec\.u2oFeatures\.overlayOnlyRouting: invalid value "true": it has an effect only with spec\.u2oInterconnection: true$/)]);
    expect(issuesOf(M(ONLY))).toEqual([]);
    expect(issuesOf(M(NO_LB))).toEqual([]);
  });

  it("ServiceCIDR: spec.cidrs required, each a network CIDR, one per family; status read for Ready", () => {
    expect(issuesOf(M("", [serviceCidr("s", "10.96.0.1/12")]))).toEqual([expect.stringMatching(/\(document 12\): servicecidr\/s: spec\.cidrs: invalid value "10\.96\.0\.1\/12": not a CIDR in its network form/)]);
    expect(issuesOf(M("", [serviceCidr("s", "10.96.0.0/12, 10.100.0.0/16")]))).toEqual([expect.stringMatching(/servicecidr\/s: spec\.cidrs: invalid value "10\.96\.0\.0\/12,10\.100\.0\.0\/16": at most one CIDR per IP family/)]);
    expect(issuesOf(M("", ["apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: { name: s }\nspec: {}\n"]))).toEqual([expect.stringMatching(/servicecidr\/s: spec\.cidrs: required field missing$/)]);
    const notReady = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: { name: s }\nspec: { cidrs: [10.100.0.0/16] }\nstatus: { conditions: [{ type: Ready, status: 'False', reason: Terminating }] }\n";
    const r = parseManifestText(M("", [notReady]), "m.yaml");
    expect(r.issues).toEqual([]);
    expect(r.objects.find((o) => o.kind === "ServiceCIDR")).toMatchObject({ cidrs: ["10.100.0.0/16"], ready: false });
  });

  it("the files' ServiceCIDR objects, read as ovn-ts apply reads files, are the model's Service CIDRs; a not-ready one counts for nothing; none: no serviceCidrs (Kube-OVN's default range)", () => {
    using dir = manifestDir("u2o");
    const notReady = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: { name: old }\nspec: { cidrs: [10.200.0.0/16] }\nstatus: { conditions: [{ type: Ready, status: 'False' }] }\n";
    dir.write("m.yaml", M(NO_LB, [serviceCidr("kubernetes", "10.100.0.0/16, 'fd00:10:100::/108'"), serviceCidr("extra", "10.101.0.0/16"), notReady]));
    expect(resolveModel(loadManifests([dir.path])).serviceCidrs).toEqual(["10.100.0.0/16", "10.101.0.0/16", "fd00:10:100::/108"]);
    dir.write("m.yaml", M(NO_LB));
    expect(resolveModel(loadManifests([dir.path])).serviceCidrs).toBeUndefined();
    // The API's counterpart of Kube-OVN's --service-cluster-ip-range: the range when the files give none.
    expect(resolveModel(loadManifests([dir.path]), { serviceClusterIpRange: "10.100.0.0/16,fd00:10:100::/108" }).serviceCidrs).toEqual(["10.100.0.0/16", "fd00:10:100::/108"]);
    expect(serviceCidrs([])).toEqual([DEFAULT_SERVICE_CLUSTER_IP_RANGE]);
    expect(serviceCidrs([], "10.100.0.0/16,nonsense")).toEqual(["10.100.0.0/16"]);
  });

  it("two subnets of one VPC and vlan with externalEgressGateway may not share a policyRoutingTableID: a typed issue naming file, object and field", () => {
    const egw = (name: string, cidr: string, extra: string) => subnetDoc(name, `cidrBlock: ${cidr}, externalEgressGateway: 192.168.0.1${extra}`);
    const text = (a: string, b: string, vpc = "") => yamlOf(namespaceDoc("default"), vpcDoc("vpc1"), egw("s1", "10.1.0.0/24", a), egw("s2", "10.2.0.0/24", `${b}${vpc}`));
    let err: unknown;
    try {
      resolveModel(manifestOf(text(", policyRoutingTableID: 1000", ", policyRoutingTableID: 1000")));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as InvalidManifestError).issues).toEqual([
      { source: { file: "m.yaml", document: 3, line: 14 }, object: { kind: "Subnet", name: "s2" }, field: "spec.policyRoutingTableID", problem: { kind: "policy-routing-table-conflict", tableId: 1000, other: "s1" } },
    ]);
    expect((err as Error).message).toBe("m.yaml:14 (document 4): subnet/s2: spec.policyRoutingTableID: policy routing table ID 1000 is also that of subnet s1, in the same VPC and vlan, both with externalEgressGateway (Kube-OVN's webhook refuses it)");
    // Both absent: both 0, as Kube-OVN compares them.
    expect(() => resolveModel(manifestOf(text("", "")))).toThrow(/subnet\/s2: spec\.policyRoutingTableID: policy routing table ID 0 \(absent\) is also that of subnet s1/);
    // Different tables, or different VPCs: fine.
    expect(() => resolveModel(manifestOf(text(", policyRoutingTableID: 1000", ", policyRoutingTableID: 1001")))).not.toThrow();
    expect(() => resolveModel(manifestOf(text(", policyRoutingTableID: 1000", ", policyRoutingTableID: 1000", ", vpc: vpc1")))).not.toThrow();
  });

  it.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("ovn-ts apply with a policyRoutingTableID conflict exits 1 naming it and writes nothing", { timeout: 60_000 }, async () => {
    await using ovn = await startOvnSandbox({ northd: false });
    using dir = manifestDir("u2o", { "m.yaml": yamlOf(namespaceDoc("default"), subnetDoc("s1", "cidrBlock: 10.1.0.0/24, externalEgressGateway: 192.168.0.1, policyRoutingTableID: 7"), subnetDoc("s2", "cidrBlock: 10.2.0.0/24, externalEgressGateway: 192.168.0.2, policyRoutingTableID: 7")) });
    const r = await cliApply(ovn.nb, dir.path);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir.path, "m.yaml")}:10 (document 3): subnet/s2: spec.policyRoutingTableID: policy routing table ID 7 is also that of subnet s1`);
    expect(await names(ovn.nb, "Logical_Switch")).toEqual([]);
    expect(await names(ovn.nb, "Logical_Router")).toEqual([]);
  });
});

describe.each(BACKENDS)("U2O routing on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("u2o_overlay_cidrs: one pair per VPC of its overlay subnets' CIDRs; a new subnet updates the VPC's set; --prune deletes a VPC's", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M("")));
    expect((await lines(db, "--bare", "--columns=name", "find", "Address_Set", "external_ids:isU2OOverlayCIDRs=true")).sort()).toEqual(["ovn.cluster.u2o_overlay_cidrs.ip4", "ovn.cluster.u2o_overlay_cidrs.ip6"]);
    expect(await lines(db, "--bare", "--columns=addresses,external_ids", "list", "Address_Set", "ovn.cluster.u2o_overlay_cidrs.ip4")).toEqual(["10.16.0.0/16 100.64.0.0/16", "isU2OOverlayCIDRs=true vendor=kube-ovn vpc=ovn-cluster"]);
    expect(await lines(db, "--bare", "--columns=addresses,external_ids", "list", "Address_Set", "ovn.cluster.u2o_overlay_cidrs.ip6")).toEqual(["isU2OOverlayCIDRs=true vendor=kube-ovn vpc=ovn-cluster"]);
    expect((await applyOnce(db, manifestOf(M("")), { prune: true })).sent).toEqual([]);

    // A new overlay subnet: the VPC's set gains its CIDR (the VPC configured), in place (the nodes get their port groups of it).
    const s2 = subnetDoc("s2", "cidrBlock: 10.17.0.0/16");
    const added = await applyOnce(db, manifestOf(M("", [s2])));
    expect(changed(added)).toEqual(["vpc/ovn-cluster configured", "subnet/s2 created", "node/node1 configured", "node/node2 configured"]);
    expect(added.r.objects.find((o) => o.ref === "vpc/ovn-cluster")!.steps.map((s) => `${s.kind} ${s.table} ${s.key}`)).toEqual(["update Address_Set ovn.cluster.u2o_overlay_cidrs.ip4"]);
    // The subnet's switch and ports, 31000 policy, the nodes' port groups and 29000 policies, and one mutation of the VPC's set.
    expect(withoutWaits(added.sent)).toEqual([
      [
        "insert Logical_Switch_Port",
        "insert Logical_Switch",
        "insert Logical_Router_Port",
        "insert Logical_Router_Policy",
        "insert Port_Group",
        "insert Logical_Router_Policy",
        "insert Port_Group",
        "insert Logical_Router_Policy",
        "mutate Address_Set addresses insert [10.17.0.0/16]",
        "mutate Logical_Router ports insert [@new] / policies insert [@new,@new,@new]",
      ],
    ]);
    expect((await nbctl(db, "get", "Address_Set", "ovn.cluster.u2o_overlay_cidrs.ip4", "addresses")).trim()).toBe('["10.16.0.0/16", "10.17.0.0/16", "100.64.0.0/16"]');

    // A custom VPC with an overlay subnet: its own pair; both gone with --prune: deleted as the VPC.
    const vpc2 = [vpcDoc("vpc-2"), subnetDoc("t1", "cidrBlock: 10.30.0.0/24, vpc: vpc-2")];
    await applyOnce(db, manifestOf(M("", [s2, ...vpc2])));
    expect(await lines(db, "--bare", "--columns=addresses", "list", "Address_Set", "vpc.2.u2o_overlay_cidrs.ip4")).toEqual(["10.30.0.0/24"]);
    const pruned = await applyOnce(db, manifestOf(M("", [s2])), { prune: true });
    expect(changed(pruned)).toEqual(["vpc/vpc-2 deleted", "subnet/t1 deleted"]);
    expect((await names(db, "Address_Set")).filter((n) => n.includes("u2o_overlay_cidrs"))).toEqual(["ovn.cluster.u2o_overlay_cidrs.ip4", "ovn.cluster.u2o_overlay_cidrs.ip6"]);
    expect((await applyOnce(db, manifestOf(M("", [s2])), { prune: true })).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("overlayOnlyRouting: Kube-OVN's overlay-only policies; no-op; turned off, the default U2O policies in place of them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(ONLY)));
    const mine = async () => (await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("172.20.0.0/24"));
    expect(await mine()).toEqual([
      "31000 ip4.dst == $under.u2o_exclude_ip.ip4 && ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      "30060 ip4.src == 172.20.0.0/24 && ip4.dst == 172.20.0.0/24 allow",
      "30050 ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      "29400 ip4.src == $ovn.cluster.u2o_overlay_cidrs.ip4 && ip4.dst == 172.20.0.0/24 allow",
    ]);
    const ext = async (priority: number) => (await lines(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", `priority=${priority}`, "external_ids:subnet=under"))[0];
    expect(await ext(29400)).toBe("isU2OOverlayOnlyRoutePolicy=true isU2ORoutePolicy=true subnet=under vendor=kube-ovn");
    expect(await ext(30060)).toBe("isU2OOverlayOnlyRoutePolicy=true isU2ORoutePolicy=true subnet=under vendor=kube-ovn");
    expect(await ext(30050)).toBe("isU2ORoutePolicy=true subnet=under vendor=kube-ovn");
    expect((await applyOnce(db, manifestOf(M(ONLY)), { prune: true })).sent).toEqual([]);

    const off = await applyOnce(db, manifestOf(M(U2O)));
    expect(changed(off)).toEqual(["subnet/under configured"]);
    // 31000 kept (its marks changed), 29400 and 30050 replaced, 30060 gone.
    expect(withoutWaits(off.sent)).toEqual([
      [
        "insert Logical_Router_Policy",
        "insert Logical_Router_Policy",
        "mutate Logical_Router policies delete [<uuid>,<uuid>,<uuid>] / policies insert [@new,@new]",
        "mutate Logical_Router_Policy external_ids delete [isU2OOverlayOnlyRoutePolicy]",
      ],
    ]);
    expect(await mine()).toEqual([
      "31000 ip4.dst == $under.u2o_exclude_ip.ip4 && ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      "29400 ip4.dst == 172.20.0.0/24 allow",
      "29000 ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
    ]);
  });

  it.skipIf(fx.skip)("overlayOnlyRouting in a custom VPC without overlay subnets: the VPC's (empty) overlay CIDR sets and the four policies there", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(ONLY, [], "vpc1")));
    expect(await lines(db, "--bare", "--columns=addresses,external_ids", "list", "Address_Set", "vpc1.u2o_overlay_cidrs.ip4")).toEqual(["isU2OOverlayCIDRs=true vendor=kube-ovn vpc=vpc1"]);
    expect(await lines(db, "lr-policy-list", "vpc1")).toEqual([
      "Routing Policies",
      "31000 ip4.dst == $under.u2o_exclude_ip.ip4 && ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      "30060 ip4.src == 172.20.0.0/24 && ip4.dst == 172.20.0.0/24 allow",
      "30050 ip4.src == 172.20.0.0/24 reroute 172.20.0.1",
      "29400 ip4.src == $vpc1.u2o_overlay_cidrs.ip4 && ip4.dst == 172.20.0.0/24 allow",
    ]);
    expect((await applyOnce(db, manifestOf(M(ONLY, [], "vpc1")), { prune: true })).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("enableLb: false: per-node port groups of the subnet's pods and a reroute per node and Service CIDR; a changed ServiceCIDR changes exactly its policies; on again or --prune removes them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const svc = serviceCidr("kubernetes", "10.100.0.0/16, 'fd00:10:100::/108'");
    await applyOnce(db, manifestOf(M(NO_LB, [svc])));
    expect((await lines(db, "--bare", "--columns=name", "find", "Port_Group", "external_ids:u2o=true")).sort()).toEqual(["under.node1", "under.node2"]);
    expect(await lines(db, "--bare", "--columns=external_ids", "find", "Port_Group", "external_ids:u2o=true")).toEqual(["lr=ovn-cluster ls=under u2o=true vendor=kube-ovn", "lr=ovn-cluster ls=under u2o=true vendor=kube-ovn"]);
    const members = async (pg: string) => {
      const uuids = (await nbctl(db, "--bare", "--columns=ports", "list", "Port_Group", pg)).trim().split(/\s+/).filter(Boolean);
      return Promise.all(uuids.map(async (u) => (await nbctl(db, "get", "Logical_Switch_Port", u, "name")).trim()));
    };
    expect(await members("under.node1")).toEqual(["u1.default"]);
    expect(await members("under.node2")).toEqual(["u2.default"]);
    // The subnet is IPv4 only: the IPv6 Service CIDR has no policy.
    const noLb = async () => (await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("$under.node"));
    expect(await noLb()).toEqual(["29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.100.0.0/16 reroute 100.64.0.2", "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.100.0.0/16 reroute 100.64.0.3"]);
    expect(await lines(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Policy", "external_ids:node=node1", "external_ids:isU2ONoLBRoutePolicy=true")).toEqual([
      "isU2ONoLBRoutePolicy=true isU2ORoutePolicy=true node=node1 subnet=under svcCidr=10.100.0.0/16 vendor=kube-ovn",
    ]);
    // The switch has no load balancers (enableLb: false) and the other U2O policies stay.
    expect((await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("172.20.0.0/24"))).toHaveLength(3);
    expect((await applyOnce(db, manifestOf(M(NO_LB, [svc])), { prune: true })).sent).toEqual([]);

    // Without ServiceCIDR objects: Kube-OVN's default --service-cluster-ip-range, 10.96.0.0/12.
    const byDefault = await applyOnce(db, manifestOf(M(NO_LB)));
    expect(changed(byDefault)).toEqual(["subnet/under configured"]);
    expect(withoutWaits(byDefault.sent)).toEqual([["insert Logical_Router_Policy", "insert Logical_Router_Policy", "mutate Logical_Router policies delete [<uuid>,<uuid>] / policies insert [@new,@new]"]]);
    expect(await noLb()).toEqual(["29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.2", "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.3"]);

    // A pod moves to node2: only the port groups' ports change.
    const moved = M(NO_LB).replace('ovn.kubernetes.io/ip_address: 172.20.0.10 } }\nspec: { nodeName: node1 }', 'ovn.kubernetes.io/ip_address: 172.20.0.10 } }\nspec: { nodeName: node2 }');
    const move = await applyOnce(db, manifestOf(moved));
    expect(changed(move)).toEqual(["subnet/under configured", "pod/default/u1 configured", "node/node1 configured", "node/node2 configured"]);
    expect(await members("under.node1")).toEqual([]);
    expect((await members("under.node2")).sort()).toEqual(["u1.default", "u2.default"]);

    // enableLb on again: the port groups and policies go, the subnet configured.
    const on = await applyOnce(db, manifestOf(moved.replace(NO_LB, U2O)));
    expect(changed(on)).toEqual(["subnet/under configured"]);
    expect(await lines(db, "--bare", "--columns=name", "find", "Port_Group", "external_ids:u2o=true")).toEqual([]);
    expect(await noLb()).toEqual([]);

    // Back off, then the subnet and its pods gone with --prune: deleted as the subnet.
    await applyOnce(db, manifestOf(M(NO_LB)));
    const gone = manifestOf(M(NO_LB));
    const pruned = await applyOnce(db, { objects: gone.objects.filter((o) => !(o.kind === "Subnet" && o.name === "under") && !(o.kind === "Pod" && o.name.startsWith("u"))) }, { prune: true });
    expect(changed(pruned)).toContain("subnet/under deleted");
    expect(await lines(db, "--bare", "--columns=name", "find", "Port_Group", "external_ids:u2o=true")).toEqual([]);
    expect(await noLb()).toEqual([]);
  });
});

describe.each(BACKENDS)("U2O routing: nodes known from pods on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("enableLb: false: a node the files know only from a pod's spec.nodeName gets its port group (no join IP, so no policy); the pod moved away, the group goes", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const u3 = podDoc("u3", { "ovn.kubernetes.io/logical_switch": "under", "ovn.kubernetes.io/ip_address": "172.20.0.12" }, { nodeName: "node9" });
    const first = await applyOnce(db, manifestOf(M(NO_LB, [u3])));
    expect(changed(first)).toContain("subnet/under created");
    expect((await lines(db, "--bare", "--columns=name", "find", "Port_Group", "external_ids:u2o=true")).sort()).toEqual(["under.node1", "under.node2", "under.node9"]);
    const uuids = (await nbctl(db, "--bare", "--columns=ports", "list", "Port_Group", "under.node9")).trim().split(/\s+/).filter(Boolean);
    expect(await Promise.all(uuids.map(async (u) => (await nbctl(db, "get", "Logical_Switch_Port", u, "name")).trim()))).toEqual(["u3.default"]);
    expect(await lines(db, "--bare", "--columns=external_ids", "list", "Port_Group", "under.node9")).toEqual(["lr=ovn-cluster ls=under u2o=true vendor=kube-ovn"]);
    // node9 has no join port, so no reroute (as Kube-OVN skips a node without its node-NAME IP)
    expect((await lines(db, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("$under.node"))).toEqual([
      "29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.2",
      "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.3",
    ]);
    expect((await applyOnce(db, manifestOf(M(NO_LB, [u3])))).sent).toEqual([]);
    // u3 moves to node1: node9's group goes with the last pod that named it
    const moved = await applyOnce(db, manifestOf(M(NO_LB, [u3.replace("nodeName: node9", "nodeName: node1")])));
    expect(changed(moved)).toContain("subnet/under configured");
    expect((await lines(db, "--bare", "--columns=name", "find", "Port_Group", "external_ids:u2o=true")).sort()).toEqual(["under.node1", "under.node2"]);
  });
});

describe("--service-cluster-ip-range", () => {
  it("a value that is not one CIDR, or an IPv4 and an IPv6 one, is a usage error (exit 2) naming it", async () => {
    using dir = manifestDir("u2o", { "m.yaml": M(NO_LB) });
    for (const [value, reason] of [
      ["10.96.0.1/12", "10.96.0.1/12 is not a CIDR in its network form (e.g. 10.96.0.0/12)"],
      ["10.96.0.0/12,10.100.0.0/16", "two CIDRs of one IP family (expected an IPv4 and an IPv6 one)"],
      ["10.96.0.0/12,fd00::/108,10.1.0.0/16", "expected one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma"],
      ["", '"" is not a CIDR in its network form (e.g. 10.96.0.0/12)'],
    ]) {
      const r = await cliApply("unix:/nonexistent/db.sock", dir.path, `--service-cluster-ip-range=${value}`);
      expect(r).toEqual({ status: 2, stdout: "", stderr: `ovn-ts apply: --service-cluster-ip-range: ${value}: ${reason}\n` });
    }
    expect((await cliApply("unix:/nonexistent/db.sock", dir.path, "--service-cluster-ip-range")).status).toBe(2);
  });

  it.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("ovn-ts apply and diff: the range the enableLb: false reroutes go to when the files have no ready ServiceCIDR; a ServiceCIDR document wins over it", { timeout: 90_000 }, async () => {
    await using ovn = await startOvnSandbox({ northd: false });
    using dir = manifestDir("u2o", { "m.yaml": M(NO_LB) });
    const noLb = async () => (await lines(ovn.nb, "lr-policy-list", "ovn-cluster")).filter((l) => l.includes("$under.node"));
    const flag = "--service-cluster-ip-range=10.100.0.0/16,fd00:10:100::/108";
    const a = await cliApply(ovn.nb, dir.path, flag);
    expect(a.status).toBe(0);
    // the subnet is IPv4 only: the IPv6 range has no policy
    expect(await noLb()).toEqual(["29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.100.0.0/16 reroute 100.64.0.2", "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.100.0.0/16 reroute 100.64.0.3"]);
    expect((await cliApply(ovn.nb, dir.path, flag)).stdout).toMatch(/\n0 created, 0 configured, \d+ unchanged, 0 deleted\n$/);
    const io = memoryIo();
    expect(await main(["diff", `--db=${ovn.nb}`, "-f", dir.path, "--service-cluster-ip-range", "10.100.0.0/16"], io)).toBe(0);
    expect(await main(["diff", `--db=${ovn.nb}`, "-f", dir.path], io)).toBe(1);
    // without the flag: Kube-OVN's default range again
    const back = await cliApply(ovn.nb, dir.path);
    expect(back.stdout).toContain("subnet/under configured\n");
    expect(await noLb()).toEqual(["29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.2", "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.96.0.0/12 reroute 100.64.0.3"]);
    // a ready ServiceCIDR in the files is the cluster's range, flag or not (Kube-OVN's ServiceCIDRStore)
    dir.write("m.yaml", M(NO_LB, [serviceCidr("kubernetes", "10.101.0.0/16")]));
    expect((await cliApply(ovn.nb, dir.path, flag)).status).toBe(0);
    expect(await noLb()).toEqual(["29400 ip4.src == $under.node1_ip4 && ip4.dst == 10.101.0.0/16 reroute 100.64.0.2", "29400 ip4.src == $under.node2_ip4 && ip4.dst == 10.101.0.0/16 reroute 100.64.0.3"]);
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("U2O routing with ovn-northd", () => {
  it("ovn-trace: an underlay pod's packet to a Service CIDR is rerouted to its node (enableLb: false); overlay-only routing allows the overlay pod into the underlay subnet at 29400 and reroutes the rest to the physical gateway at 30050", { timeout: 180_000 }, async () => {
    await using ovn = await startOvnSandbox();
    const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
    const lrp = async (name: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", name, "mac")).trim().replace(/"/g, "");
    const udp = "ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 53";

    await applyOnce(ovn.nb, manifestOf(M(NO_LB, [serviceCidr("kubernetes", "10.100.0.0/16")])));
    await ovn.sync();
    const toSvc = async (port: string, ip: string) => ovn.trace("under", `inport == "${port}" && eth.src == ${await mac(port)} && eth.dst == ${await lrp("ovn-cluster-under")} && ip4.src == ${ip} && ip4.dst == 10.100.0.10 && ${udp}`);
    const t1 = await toSvc("u1.default", "172.20.0.10");
    expect(t1.raw).toMatch(/lr_in_policy \(northd\.c:\d+\): ip4\.src == \$under\.node1_ip4 && ip4\.dst == 10\.100\.0\.0\/16, priority 29400/);
    expect(t1.raw).toMatch(/reg0 = 100\.64\.0\.2;/);
    expect(t1.raw).toMatch(/outport = "ovn-cluster-join"/);
    const t2 = await toSvc("u2.default", "172.20.0.11");
    expect(t2.raw).toMatch(/ip4\.src == \$under\.node2_ip4 && ip4\.dst == 10\.100\.0\.0\/16, priority 29400/);
    expect(t2.raw).toMatch(/reg0 = 100\.64\.0\.3;/);

    await applyOnce(ovn.nb, manifestOf(M(ONLY)), { prune: true });
    await ovn.sync();
    const fromOverlay = await ovn.trace("ovn-default", `inport == "a.default" && eth.src == ${await mac("a.default")} && eth.dst == ${await lrp("ovn-cluster-ovn-default")} && ip4.src == 10.16.0.10 && ip4.dst == 172.20.0.50 && ${udp}`);
    expect(fromOverlay.raw).toMatch(/lr_in_policy \(northd\.c:\d+\): ip4\.src == \$ovn\.cluster\.u2o_overlay_cidrs\.ip4 && ip4\.dst == 172\.20\.0\.0\/24, priority 29400/);
    expect(fromOverlay.raw).toMatch(/outport = "ovn-cluster-under"/);
    const out = await ovn.trace("under", `inport == "u1.default" && eth.src == ${await mac("u1.default")} && eth.dst == ${await lrp("ovn-cluster-under")} && ip4.src == 172.20.0.10 && ip4.dst == 8.8.8.8 && ${udp}`);
    expect(out.raw).toMatch(/lr_in_policy \(northd\.c:\d+\): ip4\.src == 172\.20\.0\.0\/24, priority 30050/);
    expect(out.raw).toMatch(/reg0 = 172\.20\.0\.1;/);
  });
});
