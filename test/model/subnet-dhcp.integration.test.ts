/**
 * A subnet's `enableDHCP` (with `dhcpV4Options`, `dhcpV6Options`, `mtu`) and `enableIPv6RA`, as
 * Kube-OVN's subnet controller makes them: `DHCP_Options` rows per family owned by the subnet
 * (`external_ids` `ls`, `protocol`), each pod port pointing at them, the router port's RA
 * columns. On each backend: create, no-op, a change with its exact operations, removal; then with
 * ovn-northd, the options in the Southbound logical flows and an `ovn-trace` of a DHCP request.
 */
import { describe, expect, it } from "vitest";
import { parseManifestText } from "../../src/model/index.js";
import { startOvnSandbox, SANDBOX_PROGRAMS } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, issuesOf as textIssues, lines, manifestOf, namespaceDoc, podDoc, subnetDoc, useBackend, yamlOf } from "./fixture.js";

/** A namespace, a dual-stack subnet (spec `extra`) and two pods: `a` with both families, `b` with its IPv4 address only. */
const M = (extra: string, cidr = "10.16.0.0/16,fd00:10:16::/64") =>
  yamlOf(namespaceDoc("default"), subnetDoc("ovn-default", `cidrBlock: "${cidr}", default: true${extra}`), podDoc("a", { "ovn.kubernetes.io/ip_address": '"10.16.0.10,fd00:10:16::10"', "ovn.kubernetes.io/mac_address": '"00:00:00:aa:00:0a"' }));

const issuesOf = (extra: string, cidr?: string) => textIssues(M(extra, cidr));

describe("Subnet DHCP input", () => {
  it.each([
    [", enableDHCP: true, dhcpV4Options: 'lease_time=60,router'", /spec\.dhcpV4Options: invalid value "router": expected KEY=VALUE pairs separated by commas$/],
    [", enableDHCP: true, dhcpV4Options: 'lease_tme=60'", /spec\.dhcpV4Options: invalid value "lease_tme=60": lease_tme is not an option OVN knows/],
    [", enableDHCP: true, dhcpV6Options: 'server_mac=00:00:00:00:00:01'", /spec\.dhcpV6Options: invalid value "server_mac=00:00:00:00:00:01": server_mac is not an option OVN knows/],
    [", dhcpV4Options: 'lease_time=60'", /spec\.dhcpV4Options: invalid value "lease_time=60": it has an effect only with spec\.enableDHCP: true$/],
    [", enableDHCP: yes", /spec\.enableDHCP: invalid value "\\"yes\\"": expected true or false$/],
    [", enableDHCP: true, mtu: 40", /spec\.mtu: invalid value "40": expected an integer from 68 to 65535$/],
    [", enableDHCP: true, mtu: 1200", /spec\.mtu: invalid value "1200": below the IPv6 minimum 1280/],
    [", ipv6RAConfigs: 'address_mode=slaac'", /spec\.ipv6RAConfigs: invalid value "address_mode=slaac": it has an effect only with spec\.enableIPv6RA: true$/],
    [", enableIPv6RA: true, ipv6RAConfigs: 'adress_mode=slaac'", /spec\.ipv6RAConfigs: invalid value "adress_mode=slaac": adress_mode is not an option OVN knows/],
  ])("%s is refused, naming file, object and field", (extra, re) => {
    const issues = issuesOf(extra);
    expect(issues).toEqual([expect.stringMatching(re)]);
    expect(issues[0]).toMatch(/^m\.yaml:\d+ \(document 2\): subnet\/ovn-default: /);
  });

  it("refuses a pod's DHCP option annotation with a bad pair, naming the annotation", () => {
    const text = M(", enableDHCP: true").replace('ovn.kubernetes.io/mac_address: "00:00:00:aa:00:0a" }', 'ovn.kubernetes.io/mac_address: "00:00:00:aa:00:0a", ovn.kubernetes.io/dhcp-v6-options: "dns_server" }');
    expect(textIssues(text)).toEqual([expect.stringMatching(/pod\/default\/a: metadata\.annotations\.ovn\.kubernetes\.io\/dhcp-v6-options: invalid value "dns_server": expected KEY=VALUE pairs separated by commas$/)]);
  });

  it("refuses dhcpV6Options and enableIPv6RA on a subnet without IPv6", () => {
    expect(issuesOf(", enableDHCP: true, dhcpV6Options: 'dns_server=fd00::53'", "10.16.0.0/16")).toEqual([expect.stringMatching(/spec\.dhcpV6Options: .*the subnet has no IPv6 CIDR$/)]);
    expect(issuesOf(", enableIPv6RA: true", "10.16.0.0/16")).toEqual([expect.stringMatching(/spec\.enableIPv6RA: .*the subnet has no IPv6 CIDR/)]);
  });

  it("reads the options as Kube-OVN parses them (blanks removed, dns_server list with ';')", () => {
    const r = parseManifestText(M(", enableDHCP: true, mtu: 1450, dhcpV4Options: 'lease_time = 60, dns_server={8.8.8.8;8.8.4.4}', enableIPv6RA: true"), "m.yaml");
    expect(r.issues).toEqual([]);
    const s = r.objects.find((o) => o.kind === "Subnet")!;
    expect(s).toMatchObject({ dhcp: { enabled: true, mtu: 1450, v4: { lease_time: "60", dns_server: "{8.8.8.8,8.8.4.4}" }, v6: {}, ra: { address_mode: "dhcpv6_stateful", max_interval: "30", min_interval: "5", send_periodic: "true" } } });
  });
});

/** `ovn-nbctl list DHCP_Options` as `PROTOCOL CIDR OPTIONS` lines (options sorted, the generated MAC masked). */
async function dhcpRows(db: string): Promise<string[]> {
  const out = await nbctl(db, "--format=csv", "--data=bare", "--no-headings", "--columns=cidr,options,external_ids", "list", "DHCP_Options");
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [cidr, options, ext] = l.split(",").length >= 3 ? splitCsv(l) : ["", "", ""];
      const proto = /protocol=(\S+)/.exec(ext!)?.[1];
      const ls = /ls=(\S+)/.exec(ext!)?.[1];
      return `${ls} ${proto} ${cidr} ${options!.split(" ").sort().join(" ")}`.replace(/(server_mac|server_id)=00:00:00:[0-9a-f:]{8}/g, "$1=MAC");
    })
    .sort();
}

/** Splits one CSV line of ovn-nbctl (quoted fields may hold commas). */
function splitCsv(l: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (const c of l) {
    if (c === '"') q = !q;
    else if (c === "," && !q) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The DHCP_Options UUIDs a port points at (`v4 v6`, `-` for none). */
async function portDhcp(db: string, port: string): Promise<string> {
  const v4 = (await nbctl(db, "--bare", "--columns=dhcpv4_options", "list", "Logical_Switch_Port", port)).trim();
  const v6 = (await nbctl(db, "--bare", "--columns=dhcpv6_options", "list", "Logical_Switch_Port", port)).trim();
  const uuid = async (proto: string) => (await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", `external_ids:protocol=${proto}`)).trim();
  return `${v4 === "" ? "-" : v4 === (await uuid("IPv4")) ? "v4" : "?"} ${v6 === "" ? "-" : v6 === (await uuid("IPv6")) ? "v6" : "?"}`;
}

describe.each(BACKENDS)("Subnet DHCP on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("enableDHCP: a DHCP_Options row per family with Kube-OVN's defaults, pods pointing at them; no-op; a changed option is one mutate; off deletes them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const on = await applyOnce(db, manifestOf(M(", enableDHCP: true")));
    expect(on.r.objects.map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/ovn-cluster created", "subnet/ovn-default created", "pod/default/a created"]);
    expect(await dhcpRows(db)).toEqual([
      "ovn-default IPv4 10.16.0.0/16 lease_time=3600 mtu=1400 router=10.16.0.1 server_id=169.254.0.254 server_mac=MAC",
      "ovn-default IPv6 fd00:10:16::/64 server_id=MAC",
    ]);
    expect(await lines(db, "--bare", "--columns=external_ids", "find", "DHCP_Options", "external_ids:protocol=IPv4")).toEqual(["ls=ovn-default protocol=IPv4 vendor=kube-ovn"]);
    expect(await portDhcp(db, "a.default")).toBe("v4 v6");
    const mac = (await nbctl(db, "--bare", "get", "DHCP_Options", (await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", "external_ids:protocol=IPv4")).trim(), "options:server_mac")).trim();
    expect((await applyOnce(db, manifestOf(M(", enableDHCP: true")))).sent).toEqual([]);

    // One option changed, mtu given: the row's options mutated in place, the generated server_mac kept.
    const change = await applyOnce(db, manifestOf(M(", enableDHCP: true, mtu: 1450, dhcpV4Options: 'lease_time=60,dns_server={8.8.8.8;8.8.4.4}'")));
    expect(change.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/ovn-default configured"]);
    expect(change.sent.map((ops) => opsText(ops))).toEqual([["wait DHCP_Options _version", "mutate DHCP_Options options delete [lease_time,mtu] / options insert {dns_server={8.8.8.8,8.8.4.4},lease_time=60,mtu=1450}"]]);
    expect(await dhcpRows(db)).toContain("ovn-default IPv4 10.16.0.0/16 dns_server={8.8.8.8,8.8.4.4} lease_time=60 mtu=1450 router=10.16.0.1 server_id=169.254.0.254 server_mac=MAC");
    expect((await nbctl(db, "--bare", "get", "DHCP_Options", (await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", "external_ids:protocol=IPv4")).trim(), "options:server_mac")).trim()).toBe(mac);
    expect((await applyOnce(db, manifestOf(M(", enableDHCP: true, mtu: 1450, dhcpV4Options: 'lease_time=60,dns_server={8.8.8.8;8.8.4.4}'")))).sent).toEqual([]);

    // Off: both rows deleted, the port's references cleared.
    const off = await applyOnce(db, manifestOf(M("")));
    expect(off.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/ovn-default configured", "pod/default/a configured"]);
    expect(off.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["update Logical_Switch_Port dhcpv4_options=[] dhcpv6_options=[]", "delete DHCP_Options", "delete DHCP_Options"]]);
    expect(await dhcpRows(db)).toEqual([]);
    expect(await portDhcp(db, "a.default")).toBe("- -");
    expect((await applyOnce(db, manifestOf(M("")))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("a pod of an IPv4 subnet points at its IPv4 row only; a removed subnet's rows go with --prune", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const v4pod = `---\napiVersion: v1\nkind: Pod\nmetadata: { name: b, annotations: { ovn.kubernetes.io/logical_switch: other } }\n`;
    const other = `---\napiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: other }\nspec: { cidrBlock: 10.17.0.0/16, enableDHCP: true }\n`;
    await applyOnce(db, manifestOf(`${M(", enableDHCP: true")}${v4pod}${other}`));
    expect(await dhcpRows(db)).toEqual([
      "other IPv4 10.17.0.0/16 lease_time=3600 mtu=1400 router=10.17.0.1 server_id=169.254.0.254 server_mac=MAC",
      "ovn-default IPv4 10.16.0.0/16 lease_time=3600 mtu=1400 router=10.16.0.1 server_id=169.254.0.254 server_mac=MAC",
      "ovn-default IPv6 fd00:10:16::/64 server_id=MAC",
    ]);
    const otherV4 = (await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", "external_ids:ls=other")).trim();
    expect((await nbctl(db, "--bare", "--columns=dhcpv4_options,dhcpv6_options", "list", "Logical_Switch_Port", "b.default")).trim()).toBe(otherV4);
    const pruned = await applyOnce(db, manifestOf(M(", enableDHCP: true")), { prune: true });
    expect(pruned.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/ovn-cluster configured", "subnet/other deleted", "pod/default/b deleted"]);
    expect((await dhcpRows(db)).map((l) => l.split(" ")[0])).toEqual(["ovn-default", "ovn-default"]);
  });

  it.skipIf(fx.skip)("a pod's dhcp-v4-options: its own DHCP_Options row (external_ids port) for IPv4, the subnet's for IPv6; changed in place; dropped, back to the subnet's; --prune of the pod deletes it", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const withAnn = (v: string) => M(", enableDHCP: true").replace('ovn.kubernetes.io/mac_address: "00:00:00:aa:00:0a" }', `ovn.kubernetes.io/mac_address: "00:00:00:aa:00:0a"${v} }`);
    const first = await applyOnce(db, manifestOf(withAnn(', ovn.kubernetes.io/dhcp-v4-options: "lease_time=120,dns_server=1.1.1.1"')));
    expect(first.r.objects.map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/ovn-cluster created", "subnet/ovn-default created", "pod/default/a created"]);
    const perPort = (await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", "external_ids:port=a.default")).trim();
    expect(await lines(db, "--bare", "--columns=cidr,options,external_ids", "list", "DHCP_Options", perPort)).toEqual([
      "10.16.0.0/16",
      expect.stringMatching(/^dns_server=1\.1\.1\.1 lease_time=120 mtu=1400 router=10\.16\.0\.1 server_id=169\.254\.0\.254 server_mac=00:00:00:[0-9a-f:]{8}$/),
      "ls=ovn-default port=a.default protocol=IPv4 vendor=kube-ovn",
    ]);
    expect((await nbctl(db, "--bare", "--columns=dhcpv4_options", "list", "Logical_Switch_Port", "a.default")).trim()).toBe(perPort);
    expect(await portDhcp(db, "a.default")).toBe("? v6"); // IPv4: the port's own row, not the subnet's
    expect((await applyOnce(db, manifestOf(withAnn(', ovn.kubernetes.io/dhcp-v4-options: "lease_time=120,dns_server=1.1.1.1"')))).sent).toEqual([]);
    const changedAnn = await applyOnce(db, manifestOf(withAnn(', ovn.kubernetes.io/dhcp-v4-options: "lease_time=240,dns_server=1.1.1.1"')));
    expect(changedAnn.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["pod/default/a configured"]);
    expect(changedAnn.sent.map((ops) => opsText(ops))).toEqual([["wait DHCP_Options _version", "mutate DHCP_Options options delete [lease_time] / options insert {lease_time=240}"]]);
    const dropped = await applyOnce(db, manifestOf(withAnn("")));
    expect(dropped.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["update Logical_Switch_Port dhcpv4_options=<uuid>", "delete DHCP_Options"]]);
    expect(await portDhcp(db, "a.default")).toBe("v4 v6");
    await applyOnce(db, manifestOf(withAnn(', ovn.kubernetes.io/dhcp-v4-options: "lease_time=120"')));
    const pruned = await applyOnce(db, { objects: manifestOf(withAnn("")).objects.filter((o) => o.kind !== "Pod") }, { prune: true });
    expect(pruned.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["pod/default/a deleted"]);
    expect(await nbctl(db, "--bare", "--columns=_uuid", "find", "DHCP_Options", "external_ids:port=a.default")).toBe("");
  });

  it.skipIf(fx.skip)("enableIPv6RA: the router port's ipv6_prefix and ipv6_ra_configs (Kube-OVN's defaults, or ipv6RAConfigs); off clears them", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(M(", enableIPv6RA: true")));
    const ra = async () => (await lines(db, "--bare", "--columns=ipv6_prefix,ipv6_ra_configs", "list", "Logical_Router_Port", "ovn-cluster-ovn-default")).join(" | ");
    expect(await ra()).toBe("64 | address_mode=dhcpv6_stateful max_interval=30 min_interval=5 send_periodic=true");
    expect((await applyOnce(db, manifestOf(M(", enableIPv6RA: true")))).sent).toEqual([]);
    const slaac = await applyOnce(db, manifestOf(M(", enableIPv6RA: true, ipv6RAConfigs: 'address_mode=slaac,max_interval=30,min_interval=5,send_periodic=true'")));
    expect(slaac.sent.map((ops) => opsText(ops))).toEqual([["wait Logical_Router_Port _version", "mutate Logical_Router_Port ipv6_ra_configs delete [address_mode] / ipv6_ra_configs insert {address_mode=slaac}"]]);
    const off = await applyOnce(db, manifestOf(M("")));
    expect(off.sent.map((ops) => opsText(ops).filter((o) => !o.startsWith("wait")))).toEqual([["mutate Logical_Router_Port ipv6_prefix delete [64] / ipv6_ra_configs delete [address_mode,max_interval,min_interval,send_periodic]"]]);
    expect(await ra()).toBe("");
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("Subnet DHCP with ovn-northd", () => {
  it("the options reach the Southbound flows (put_dhcp_opts, put_dhcpv6_opts, put_nd_ra_opts), and ovn-trace answers a pod's DHCPDISCOVER with them", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    await applyOnce(ovn.nb, manifestOf(M(", enableDHCP: true, dhcpV4Options: 'lease_time=600,dns_server={8.8.8.8;8.8.4.4}', enableIPv6RA: true")));
    await ovn.sync();
    const flows = await ovn.sbctl("lflow-list", "ovn-default");
    expect(flows).toMatch(/put_dhcp_opts\(offerip = 10\.16\.0\.10, dns_server = \{8\.8\.8\.8,8\.8\.4\.4\}, lease_time = 600, mtu = 1400, netmask = 255\.255\.0\.0, router = 10\.16\.0\.1, server_id = 169\.254\.0\.254\)/);
    expect(flows).toMatch(/put_dhcpv6_opts\(ia_addr = fd00:10:16::10, server_id = 00:00:00:[0-9a-f:]{8}\)/);
    expect(await ovn.sbctl("lflow-list", "ovn-cluster")).toMatch(/put_nd_ra_opts\(addr_mode = "dhcpv6_stateful"/);
    const discover = await ovn.trace(
      "ovn-default",
      'inport == "a.default" && eth.src == 00:00:00:aa:00:0a && eth.dst == ff:ff:ff:ff:ff:ff && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && ip.ttl == 64 && udp.src == 68 && udp.dst == 67',
    );
    expect(discover.raw).toMatch(/put_dhcp_opts\(offerip = 10\.16\.0\.10/);
    expect(discover.outputs).toEqual(["a.default"]);
  });
});
