/**
 * A subnet's `enableMulticastSnoop` and `vips` as Kube-OVN's subnet controller makes them (the
 * querier port and the switch's `mcast_*` options; a `virtual` port per VIP), and the fields with
 * no OVN effect (accepted, checked, reported as `Warning:` lines). On each backend: create,
 * no-op, a change with its exact operations, removal, `--prune` keeping them; with ovn-northd,
 * the Southbound `IP_Multicast` row, the virtual port's binding and its parent's `bind_vport` flow.
 */
import { describe, expect, it } from "vitest";
import { formatWarning, manifestWarnings, parseManifestText } from "../../src/model/index.js";
import { SANDBOX_PROGRAMS, startOvnSandbox } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, changed, cliApply, issuesOf as textIssues, lines, manifestDir, manifestOf, namespaceDoc, podDoc, subnetDoc, useBackend, yamlOf } from "./fixture.js";

/** A namespace, an IPv4 subnet (spec `extra`) and a pod with a fixed address. */
const M = (extra: string, cidr = "10.16.0.0/16") => yamlOf(namespaceDoc("default"), subnetDoc("ovn-default", `cidrBlock: "${cidr}", default: true${extra}`), podDoc("a", { "ovn.kubernetes.io/ip_address": '"10.16.0.10"' }));

const issuesOf = (extra: string, cidr?: string) => textIssues(M(extra, cidr));

describe("Subnet extra fields input", () => {
  it.each([
    [", vips: [10.17.0.5]", /spec\.vips: invalid value "10\.17\.0\.5": not inside the subnet's cidrBlock 10\.16\.0\.0\/16$/],
    [", vips: [nope]", /spec\.vips: invalid value "nope": not an IP address$/],
    [", vips: [10.16.0.5, 10.16.0.5]", /spec\.vips: invalid value "10\.16\.0\.5": listed twice$/],
    [", enableMulticastSnoop: 1", /spec\.enableMulticastSnoop: invalid value "1": expected true or false$/],
    [", natOutgoingPolicyRules: [{ match: { srcIPs: 10.16.0.0/24 }, action: masquerade }]", /spec\.natOutgoingPolicyRules\.0\.action: invalid value "masquerade": expected one of nat, forward$/],
    [", natOutgoingPolicyRules: [{ match: { srcIPs: 10.16.0.0/24, dstIPs: 'fd00::/64' }, action: nat }]", /spec\.natOutgoingPolicyRules\.0\.match: .*srcIPs and dstIPs are of different families$/],
    [", natOutgoing: true, externalEgressGateway: 192.168.0.1", /spec\.externalEgressGateway: invalid value "192\.168\.0\.1": conflicts with natOutgoing/],
    [", externalEgressGateway: '192.168.0.1,192.168.0.2,192.168.0.3'", /spec\.externalEgressGateway: .*one IP, or an IPv4 and an IPv6/],
    [", natOutgoingPolicyRules: [{ match: { srcIPs: '10.16.0.0/33' }, action: nat }]", /spec\.natOutgoingPolicyRules\.0\.match\.srcIPs: invalid value "10\.16\.0\.0\/33": not an IP or a CIDR$/],
    [", externalEgressGateway: 'fd00::1'", /spec\.externalEgressGateway: invalid value "fd00::1": its address family is not the subnet's \(10\.16\.0\.0\/16\)$/],
    [", policyRoutingPriority: 0", /spec\.policyRoutingPriority: invalid value "0": expected an integer from 1 to 32765$/],
    [", mtu: 20", /spec\.mtu: invalid value "20": expected an integer from 68 to 65535$/],
    [", u2oFeatures: { overlayOnlyRouting: true }", /spec\.u2oFeatures\.overlayOnlyRouting: invalid value "true": it has an effect only with spec\.u2oInterconnection: true$/],
  ])("%s is refused, naming file, object and field", (extra, re) => {
    const issues = issuesOf(extra);
    expect(issues).toEqual([expect.stringMatching(re)]);
    expect(issues[0]).toMatch(/^m\.yaml:\d+ \(document 2\): subnet\/ovn-default: /);
  });

  it("refuses a pod's port_vips that is not a list of IPs", () => {
    const text = M(", vips: [10.16.0.100]").replace('annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10" }', 'annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10", ovn.kubernetes.io/port_vips: "10.16.0.100,vip1" }');
    expect(textIssues(text)).toEqual([expect.stringMatching(/pod\/default\/a: metadata\.annotations\.ovn\.kubernetes\.io\/port_vips: invalid value "vip1": not an IP address$/)]);
  });

  it("accepts the fields without OVN effect and reports each as a warning naming file, object and field", () => {
    const text = M(", mtu: 1400, disableGatewayCheck: true, disableInterConnection: true, nodeNetwork: net1, enableExternalLBAddress: true, externalEgressGateway: 192.168.0.1, policyRoutingPriority: 1000, policyRoutingTableID: 1000, natOutgoingPolicyRules: [{ match: { dstIPs: 10.0.0.0/8 }, action: forward }]");
    const r = parseManifestText(text, "m.yaml");
    expect(r.issues).toEqual([]);
    const warnings = manifestWarnings({ objects: r.objects });
    expect(warnings.map((w) => w.field)).toEqual([
      "spec.mtu",
      "spec.disableGatewayCheck",
      "spec.disableInterConnection",
      "spec.enableExternalLBAddress",
      "spec.nodeNetwork",
      "spec.natOutgoingPolicyRules",
      "spec.externalEgressGateway",
      "spec.policyRoutingPriority",
      "spec.policyRoutingTableID",
    ]);
    expect(formatWarning(warnings[0]!)).toMatch(/^Warning: m\.yaml:\d+ \(document 2\): subnet\/ovn-default: spec\.mtu has no OVN effect, accepted and not applied: without enableDHCP/);
    // With enableDHCP, mtu is the DHCP option: no warning.
    const dhcp = parseManifestText(M(", enableDHCP: true, mtu: 1400"), "m.yaml");
    expect(manifestWarnings({ objects: dhcp.objects })).toEqual([]);
  });
});

describe.each(BACKENDS)("Subnet enableMulticastSnoop and vips on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("enableMulticastSnoop: a querier port with an address of the subnet and the switch's mcast_* options; no-op; off removes both", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(", enableMulticastSnoop: true")));
    const [mac, ip] = (await nbctl(db, "lsp-get-addresses", "mcast-querier.ovn-default")).trim().split(" ");
    expect(ip).toBe("10.16.0.2"); // the first free address (the gateway is .1)
    expect(await lines(db, "--bare", "--columns=port_security,external_ids", "list", "Logical_Switch_Port", "mcast-querier.ovn-default")).toEqual(["ls=ovn-default pod=default/mcast-querier.ovn-default vendor=kube-ovn"]);
    expect(await nbctl(db, "get", "Logical_Switch", "ovn-default", "other_config:mcast_snoop", "other_config:mcast_querier", "other_config:mcast_ip4_src", "other_config:mcast_eth_src")).toBe(`"true"\n"true"\n"10.16.0.2"\n"${mac}"\n`);
    // A re-apply (addresses read back from the database) sends nothing; --prune keeps the querier.
    expect((await applyOnce(db, manifestOf(M(", enableMulticastSnoop: true")), { prune: true })).sent).toEqual([]);
    const off = await applyOnce(db, manifestOf(M("")));
    expect(changed(off)).toEqual(["subnet/ovn-default configured"]);
    expect(off.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["mutate Logical_Switch other_config delete [mcast_eth_src,mcast_ip4_src,mcast_querier,mcast_snoop] / ports delete [<uuid>]"]]);
    expect(await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=mcast-querier.ovn-default")).toBe("");
    expect((await applyOnce(db, manifestOf(M("")))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("vips: a virtual port per address; one dropped from the list is deleted alone; --prune keeps them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const two = await applyOnce(db, manifestOf(M(", vips: [10.16.0.100, 10.16.0.101]")));
    expect(changed(two)).toEqual(["vpc/ovn-cluster created", "subnet/ovn-default created", "pod/default/a created"]);
    for (const ip of ["10.16.0.100", "10.16.0.101"])
      expect(await lines(db, "--bare", "--columns=type,options,external_ids", "list", "Logical_Switch_Port", `ovn-default-vip-${ip}`)).toEqual(["virtual", `virtual-ip=${ip}`, "ls=ovn-default vendor=kube-ovn"]);
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "type=virtual")).split(/\s+/).filter(Boolean).length).toBe(2);
    expect((await applyOnce(db, manifestOf(M(", vips: [10.16.0.100, 10.16.0.101]")), { prune: true })).sent).toEqual([]);
    const one = await applyOnce(db, manifestOf(M(", vips: [10.16.0.101]")));
    expect(changed(one)).toEqual(["subnet/ovn-default configured"]);
    expect(one.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["mutate Logical_Switch ports delete [<uuid>]"]]);
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "type=virtual")).trim()).toBe("ovn-default-vip-10.16.0.101");
    const none = await applyOnce(db, manifestOf(M("")));
    expect(none.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["mutate Logical_Switch ports delete [<uuid>]"]]);
    expect(await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "type=virtual")).toBe("");
  });

  it.skipIf(fx.skip)("a pod's port_vips makes it a virtual parent of the VIP's port and adds the VIP to its port security; dropped, both go", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const withVips = (ann: string) => M(", vips: [10.16.0.100]").replace('annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10" }', `annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10"${ann} }`);
    await applyOnce(db, manifestOf(withVips(', ovn.kubernetes.io/port_vips: "10.16.0.100"')));
    expect((await nbctl(db, "get", "Logical_Switch_Port", "ovn-default-vip-10.16.0.100", "options")).trim()).toBe('{virtual-ip="10.16.0.100", virtual-parents=a.default}');
    const mac = (await nbctl(db, "lsp-get-addresses", "a.default")).trim().split(" ")[0]!;
    expect((await nbctl(db, "lsp-get-port-security", "a.default")).trim()).toBe(`${mac} 10.16.0.10 10.16.0.100`);
    expect((await nbctl(db, "get", "Logical_Switch_Port", "a.default", "external_ids")).trim()).toBe('{attach-vips="true", ls=ovn-default, pod="default/a", vendor=kube-ovn, vips="10.16.0.100"}');
    expect((await applyOnce(db, manifestOf(withVips(', ovn.kubernetes.io/port_vips: "10.16.0.100"')))).sent).toEqual([]);
    const dropped = await applyOnce(db, manifestOf(withVips("")));
    expect(changed(dropped)).toEqual(["subnet/ovn-default configured", "pod/default/a configured"]);
    expect((await nbctl(db, "get", "Logical_Switch_Port", "ovn-default-vip-10.16.0.100", "options")).trim()).toBe('{virtual-ip="10.16.0.100"}');
    expect((await nbctl(db, "lsp-get-port-security", "a.default")).trim()).toBe(`${mac} 10.16.0.10`);
    expect((await nbctl(db, "get", "Logical_Switch_Port", "a.default", "external_ids")).trim()).toBe('{ls=ovn-default, pod="default/a", vendor=kube-ovn}');
    expect((await applyOnce(db, manifestOf(withVips("")))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("ovn-ts apply prints a Warning: line per field without OVN effect on standard error, and applies", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    using dir = manifestDir("subnet-extras");
    const file = dir.write("net.yaml", M(", disableGatewayCheck: true, nodeNetwork: net1"));
    const io = await cliApply(db, dir.path);
    expect(io.status, io.stderr).toBe(0);
    // The line is the object's (a well-formed file is read without field positions).
    expect(io.stderr.split("\n").filter(Boolean)).toEqual([
      `Warning: ${file}:5 (document 2): subnet/ovn-default: spec.disableGatewayCheck has no OVN effect, accepted and not applied: the CNI's gateway check when a pod starts`,
      `Warning: ${file}:5 (document 2): subnet/ovn-default: spec.nodeNetwork has no OVN effect, accepted and not applied: the node network the underlay traffic uses (kube-ovn-cni)`,
    ]);
    expect(io.stdout).toContain("subnet/ovn-default created\n");
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn))("Subnet enableMulticastSnoop and vips with ovn-northd", () => {
  it("the Southbound IP_Multicast row of the switch snoops and queries from the querier's address; the VIP's port is bound as virtual", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    await applyOnce(ovn.nb, manifestOf(M(", enableMulticastSnoop: true, vips: [10.16.0.100]").replace('annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10" }', 'annotations: { ovn.kubernetes.io/ip_address: "10.16.0.10", ovn.kubernetes.io/port_vips: "10.16.0.100" }')));
    await ovn.sync();
    const mac = (await nbctl(ovn.nb, "lsp-get-addresses", "mcast-querier.ovn-default")).trim().split(" ")[0];
    const dp = (await ovn.sbctl("--bare", "--columns=_uuid", "find", "Datapath_Binding", "external_ids:name=ovn-default")).trim();
    expect((await ovn.sbctl("--bare", "--columns=enabled,querier,eth_src,ip4_src", "find", "IP_Multicast", `datapath=${dp}`)).split("\n").map((l) => l.trim()).filter(Boolean)).toEqual(["true", "true", mac, "10.16.0.2"]);
    expect((await ovn.sbctl("--bare", "--columns=type", "find", "Port_Binding", "logical_port=ovn-default-vip-10.16.0.100")).trim()).toBe("virtual");
    // The parent's ARP for the VIP binds the virtual port to it (bind_vport).
    expect(await ovn.sbctl("lflow-list", "ovn-default")).toMatch(/inport == "a\.default" && .*arp\.spa == 10\.16\.0\.100.*\), action=\(bind_vport\("ovn-default-vip-10\.16\.0\.100", inport\); next;\)/);
  });
});
