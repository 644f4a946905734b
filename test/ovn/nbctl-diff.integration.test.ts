import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";
import { normalizeShow, normalizedDump } from "./nb-dump.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const mask = (s: string) => s.replace(UUID, "<uuid>");

/** How a step's results are compared: output (UUIDs masked), `show` blocks, or exit status only (error texts differ). */
type Mode = "out" | "show" | "code";

/** The command script: the same argv runs through ovn-nbctl on one server and ovn-ts nbctl on the other. */
const SCRIPT: [Mode, string[]][] = [
  ["out", ["ls-add", "sw0", "--", "ls-add", "sw1", "--", "lr-add", "r0"]],
  ["code", ["ls-add", "sw0"]],
  ["out", ["--may-exist", "ls-add", "sw0"]],
  ["out", ["lsp-add", "sw0", "p1", "--", "lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2", "--", "lsp-set-port-security", "p1", "00:00:00:00:00:01 10.0.0.2"]],
  ["out", ["lsp-add", "sw0", "p2", "--", "lsp-set-addresses", "p2", "dynamic"]],
  ["out", ["lsp-add", "sw0", "p3", "--", "lsp-set-addresses", "p3", "00:00:00:00:00:03 10.0.0.3 fd00::3", "--", "lsp-set-enabled", "p3", "disabled"]],
  ["code", ["lsp-add", "sw0", "p1"]],
  ["code", ["--may-exist", "lsp-add", "sw1", "p1"]],
  ["out", ["--may-exist", "lsp-add", "sw0", "p1"]],
  ["code", ["lsp-del", "nope"]],
  ["out", ["--if-exists", "lsp-del", "nope"]],
  ["out", ["lsp-add", "sw1", "ln", "", "100", "--", "lsp-set-type", "ln", "localnet", "--", "lsp-set-addresses", "ln", "unknown", "--", "lsp-set-options", "ln", "network_name=physnet"]],
  ["out", ["lrp-add", "r0", "r0-sw0", "00:00:00:00:ff:01", "10.0.0.1/24", "fd00::1/64"]],
  ["out", ["lsp-add", "sw0", "sw0-r0", "--", "lsp-set-type", "sw0-r0", "router", "--", "lsp-set-addresses", "sw0-r0", "router", "--", "lsp-set-options", "sw0-r0", "router-port=r0-sw0"]],
  ["out", ["lrp-add", "r0", "r0-ext", "00:00:00:00:ff:02", "172.16.0.2/24", "--", "lrp-set-gateway-chassis", "r0-ext", "ch1", "20", "--", "lrp-set-gateway-chassis", "r0-ext", "ch2", "10"]],
  ["out", ["--may-exist", "lrp-add", "r0", "r0-ext", "00:00:00:00:ff:02", "172.16.0.2/24"]],
  ["code", ["--may-exist", "lrp-add", "r0", "r0-ext", "00:00:00:00:ff:03", "172.16.0.2/24"]],
  ["out", ["lr-route-add", "r0", "0.0.0.0/0", "172.16.0.1"]],
  ["out", ["lr-route-add", "r0", "10.1.0.0/16", "10.0.0.9", "r0-sw0"]],
  ["out", ["--ecmp", "lr-route-add", "r0", "10.1.0.0/16", "10.0.0.10"]],
  ["out", ["--policy=src-ip", "lr-route-add", "r0", "10.0.0.5", "172.16.0.1"]],
  ["out", ["lr-route-add", "r0", "fd01::/64", "fd00::9"]],
  ["code", ["lr-route-add", "r0", "0.0.0.0/0", "172.16.0.3"]],
  ["out", ["--may-exist", "lr-route-add", "r0", "0.0.0.0/0", "172.16.0.1"]],
  ["out", ["lr-policy-add", "r0", "100", "ip4.src == 10.0.0.0/24", "reroute", "10.0.0.9", "--", "lr-policy-add", "r0", "200", "ip4", "drop"]],
  ["out", ["lr-nat-add", "r0", "snat", "172.16.0.10", "10.0.0.0/24", "--", "lr-nat-add", "r0", "dnat_and_snat", "172.16.0.11", "10.0.0.2", "p1", "00:00:00:00:00:aa"]],
  ["code", ["lr-nat-add", "r0", "snat", "172.16.0.10", "10.0.0.0/24"]],
  ["out", ["acl-add", "sw0", "to-lport", "1000", "ip4 && tcp.dst == 80", "drop"]],
  ["out", ["--log", "--severity=alert", "--name=foo", "acl-add", "sw0", "from-lport", "100", "ip6", "allow-related"]],
  ["code", ["acl-add", "sw0", "to-lport", "1000", "ip4 && tcp.dst == 80", "drop"]],
  ["out", ["pg-add", "pg0", "p1", "p3", "--", "acl-add", "pg0", "to-lport", "1001", "outport == @pg0 && ip4", "allow-related"]],
  ["out", ["lb-add", "lb0", "10.96.0.1:80", "10.0.0.2:8080,10.0.0.3:8080", "--", "lb-add", "lb1", "10.96.0.2", "10.0.0.2", "--", "ls-lb-add", "sw0", "lb0", "--", "lr-lb-add", "r0", "lb1"]],
  ["out", ["--may-exist", "lb-add", "lb0", "10.96.0.3:53", "10.0.0.3:53", "tcp"]],
  ["out", ["qos-add", "sw0", "from-lport", "100", 'inport == "p1"', "rate=1000", "burst=100", "--", "qos-add", "sw0", "to-lport", "200", "ip4", "dscp=12"]],
  ["out", ["ha-chassis-group-add", "hg", "--", "ha-chassis-group-add-chassis", "hg", "ch1", "10", "--", "ha-chassis-group-add-chassis", "hg", "ch2", "20"]],
  ["out", ["set", "Logical_Switch", "sw0", "other_config:subnet=10.0.0.0/24", 'other_config:exclude_ips="10.0.0.1..10.0.0.5"', "external_ids:vendor=kube-ovn"]],
  ["out", ["add", "Logical_Switch_Port", "p2", "external_ids", "pod=ns/p2", "--", "remove", "Logical_Switch_Port", "p3", "port_security", "x"]],
  ["out", ["create", "Address_Set", "name=as1", 'addresses="10.0.0.2","10.0.0.3"']],
  ["out", ["--id=@a", "create", "ACL", "priority=5", "direction=to-lport", 'match="ip4"', "action=allow", "--", "add", "Logical_Switch", "sw1", "acls", "@a"]],
  ["out", ["clear", "Logical_Switch_Port", "p3", "port_security", "--", "set", "Logical_Switch_Port", "p3", "enabled=true"]],
  ["out", ["lsp-add", "sw1", "gone", "--", "lsp-del", "gone"]],
  ["out", ["dhcp-options-create", "10.0.0.0/24", "subnet=sw0"]],
  ["out", ["dhcp-options-set-options", "{dhcp}", "lease_time=3600", "router=10.0.0.1", "server_id=10.0.0.1", "server_mac=00:00:00:00:ff:01"]],
  ["out", ["lsp-set-dhcpv4-options", "p1", "{dhcp}"]],
  ["out", ["lrp-set-enabled", "r0-ext", "disabled"]],
  ["code", ["dhcp-options-create", "not-a-cidr"]],
  ["out", ["meter-add", "m1", "drop", "100", "pktps", "--", "meter-add", "m2", "drop", "1000", "kbps", "200", "--", "--fair", "meter-add", "m3", "drop", "10", "pktps"]],
  ["code", ["meter-add", "m1", "drop", "100", "pktps"]],
  ["out", ["--log", "--meter=m1", "--name=np", "acl-add", "sw1", "to-lport", "300", "ip4.src == 10.0.0.9", "reject"]],
  ["out", ["ls-add", "tmp", "--", "destroy", "Logical_Switch", "tmp"]],
  ["out", ["--if-exists", "destroy", "Logical_Switch", "nope"]],
  // Read commands: the outputs themselves are compared.
  ["out", ["ls-list"]],
  ["out", ["lsp-list", "sw0"]],
  ["out", ["lr-list"]],
  ["out", ["lrp-list", "r0"]],
  ["out", ["lsp-get-addresses", "p3"]],
  ["out", ["lsp-get-port-security", "p1"]],
  ["out", ["lsp-get-type", "ln"]],
  ["out", ["lsp-get-options", "sw0-r0"]],
  ["out", ["lsp-set-options", "ln", "network_name=physnet", "localnet_learn_fdb=true", "mcast_flood=true", "ethtype=802.1q"]],
  ["out", ["lsp-get-options", "ln"]],
  ["out", ["lsp-get-enabled", "p3"]],
  ["out", ["lsp-get-up", "p1"]],
  ["out", ["lsp-get-ls", "p1"]],
  ["out", ["lsp-get-parent", "ln"]],
  ["out", ["lsp-get-parent", "p1"]],
  ["out", ["lsp-get-tag", "ln"]],
  ["out", ["lr-route-list", "r0"]],
  ["out", ["lr-policy-list", "r0"]],
  ["out", ["lr-nat-list", "r0"]],
  ["out", ["acl-list", "sw0"]],
  ["out", ["acl-list", "pg0"]],
  ["out", ["acl-list", "sw1"]],
  ["out", ["qos-list", "sw0"]],
  ["out", ["lb-list"]],
  ["out", ["ls-lb-list", "sw0"]],
  ["out", ["lr-lb-list", "r0"]],
  ["out", ["lrp-get-gateway-chassis", "r0-ext"]],
  ["out", ["dhcp-options-list"]],
  ["out", ["meter-list"]],
  ["out", ["mirror-add", "mir1", "gre", "5", "from-lport", "192.168.1.5", "--", "mirror-add", "mir2", "erspan", "7", "to-lport", "192.168.1.6", "--", "lsp-attach-mirror", "p1", "mir1", "--", "lsp-attach-mirror", "p3", "mir2"]],
  ["out", ["mirror-list"]],
  ["out", ["lsp-detach-mirror", "p1", "mir1", "--", "mirror-del", "mir2"]],
  ["out", ["mirror-list"]],
  ["out", ["--oneline", "ls-list", "--", "lsp-get-addresses", "p1", "--", "lsp-get-options", "ln"]],
  ["out", ["--oneline", "ls-add", "one", "--", "ls-list"]],
  ["out", ["ls-del", "one"]],
  ["out", ["dhcp-options-get-options", "{dhcp}"]],
  ["out", ["lsp-get-dhcpv4-options", "p1"]],
  ["out", ["lrp-get-enabled", "r0-ext"]],
  ["out", ["get", "Logical_Switch", "sw0", "name", "other_config:exclude_ips", "other_config"]],
  ["out", ["get", "Logical_Switch_Port", "p1", "addresses", "tag_request", "enabled"]],
  ["out", ["list", "Logical_Switch", "sw0"]],
  ["out", ["--columns=name,addresses,type", "list", "Logical_Switch_Port", "p1"]],
  ["out", ["--bare", "--columns=name", "find", "Logical_Switch_Port", "type=router"]],
  ["out", ["--columns=name", "find", "Logical_Switch_Port", "external_ids:pod=ns/p2"]],
  ["out", ["--format=json", "--columns=name,mac,networks", "list", "Logical_Router_Port", "r0-sw0"]],
  ["out", ["--format=csv", "--columns=name,tag_request", "list", "Logical_Switch_Port", "ln"]],
  ["show", ["show"]],
  ["show", ["show", "r0"]],
  // Deletions, then the final state is compared too.
  ["out", ["lr-route-del", "r0", "10.1.0.0/16"]],
  ["out", ["lr-nat-del", "r0", "dnat_and_snat", "172.16.0.11"]],
  ["out", ["acl-del", "sw0", "to-lport", "1000", "ip4 && tcp.dst == 80"]],
  ["out", ["lb-del", "lb0", "10.96.0.3:53"]],
  ["out", ["lr-policy-del", "r0", "200"]],
  ["out", ["qos-del", "sw0", "to-lport"]],
  ["out", ["lrp-del-gateway-chassis", "r0-ext", "ch2"]],
  ["out", ["lsp-del", "p2"]],
  ["code", ["lr-del", "nope"]],
  ["code", ["lsp-set-addresses", "p1", "not-a-mac"]],
  ["code", ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.3"]],
  ["code", ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2 fd00::3"]],
  ["out", ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2"]],
  ["code", ["lb-add", "lb2", "10.96.0.9:80", "fd00::2"]],
  // Reads after writes in one run see the run's own changes, as ovn-nbctl's IDL shows them: new
  // and deleted rows and whole-column writes, not the set elements added by partial updates.
  ["out", ["ls-add", "ra", "--", "ls-list", "--", "ls-del", "ra", "--", "ls-list"]],
  ["out", ["lsp-add", "sw1", "q", "--", "lsp-set-addresses", "q", "00:00:00:00:00:09 10.0.0.9", "--", "lsp-get-addresses", "q", "--", "lsp-list", "sw1", "--", "lsp-get-ls", "q"]],
  ["out", ["ls-add", "rb", "--", "show", "rb", "--", "lsp-add", "rb", "rbp", "--", "show", "rb"]],
  ["out", ["create", "Address_Set", "name=as2", "--", "list", "Address_Set", "as2", "--", "set", "Address_Set", "as2", 'addresses="10.9.9.9"', "--", "get", "Address_Set", "as2", "addresses"]],
  ["out", ["lrp-add", "r0", "r0-q", "00:00:00:00:ff:09", "10.9.0.1/24", "--", "lrp-set-enabled", "r0-q", "disabled", "--", "lrp-get-enabled", "r0-q", "--", "lrp-list", "r0"]],
  ["out", ["create", "Logical_Switch", "name=rc", "--", "lsp-add", "rc", "rcp", "--", "lsp-list", "rc", "--", "ls-list"]],
  ["out", ["lsp-del", "q", "--", "lsp-list", "sw1"]],
  ["out", ["--id=@a", "create", "ACL", "priority=7", "direction=to-lport", 'match="ip6"', "action=drop", "--", "add", "Logical_Switch", "rb", "acls", "@a", "--", "acl-list", "rb", "--", "acl-del", "rb", "--", "acl-list", "rb"]],
  ["out", ["lr-route-add", "r0", "10.8.0.0/16", "10.0.0.8", "--", "lr-route-list", "r0"]],
  ["out", ["ls-add", "rd", "--", "set", "Logical_Switch", "rd", "other_config:subnet=10.9.0.0/24", "--", "get", "Logical_Switch", "rd", "other_config"]],
  ["out", ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2", "--", "lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.77", "--", "lsp-get-addresses", "p1"]],
  // --dry-run: the same output, nothing committed.
  ["out", ["--dry-run", "ls-add", "zz", "--", "ls-list", "--", "create", "Address_Set", "name=x"]],
  ["out", ["ls-list"]],
  ["code", ["--dry-run", "lsp-add", "nope", "x"]],
  // --ecmp-symmetric-reply and --bfd, stored as ovn-nbctl stores them.
  ["out", ["--ecmp-symmetric-reply", "lr-route-add", "r0", "10.20.0.0/16", "10.0.0.20", "--", "--ecmp-symmetric-reply", "lr-route-add", "r0", "10.20.0.0/16", "10.0.0.21"]],
  ["out", ["--bfd", "lr-route-add", "r0", "10.21.0.0/16", "10.0.0.22", "r0-sw0"]],
  ["out", ["lr-route-list", "r0"]],
  // Router port options and redirect type, static MAC bindings, connections and SSL.
  ["out", ["lrp-set-options", "r0-ext", "gateway_mtu=1400", "--", "lrp-set-redirect-type", "r0-ext", "bridged", "--", "lrp-get-redirect-type", "r0-ext"]],
  ["out", ["static-mac-binding-add", "r0-ext", "172.16.0.1", "00:00:00:00:00:fe", "--", "static-mac-binding-add", "r0-ext", "172.16.0.9", "00:00:00:00:00:f9", "--", "static-mac-binding-list"]],
  ["out", ["--may-exist", "static-mac-binding-add", "r0-ext", "172.16.0.9", "00:00:00:00:00:f8", "--", "static-mac-binding-del", "r0-ext", "172.16.0.1", "--", "static-mac-binding-list"]],
  ["out", ["--inactivity-probe=6000", "set-connection", "ptcp:6641:127.0.0.1", "punix:/tmp/ovn-ts-nb.sock", "--", "get-connection"]],
  ["out", ["set-ssl", "/k.pem", "/c.pem", "/ca.pem", "--", "get-ssl"]],
  // Policies with several next hops and options, ACL labels and after-LB ACLs, route tables,
  // NAT gateway ports and port ranges, wait-until.
  ["out", ["lr-policy-add", "r0", "300", "ip4.src == 10.0.0.0/24", "reroute", "10.0.0.9,10.0.0.10", "pkt_mark=5", "--", "lr-policy-add", "r0", "90", "ip4.dst == 10.1.0.0/16", "allow", "pkt_mark=7", "foo=bar"]],
  ["out", ["lr-policy-add", "r0", "70", "ip6.src == fd00::5", "reroute", "fd00::9", "--", "lr-policy-list", "r0"]],
  ["out", ["--label=1234", "acl-add", "sw1", "from-lport", "1000", "ip4", "allow", "--", "--apply-after-lb", "acl-add", "sw1", "from-lport", "1001", "ip4", "allow-stateless", "--", "acl-list", "sw1"]],
  ["code", ["--label=5", "acl-add", "sw1", "from-lport", "1002", "ip4", "reject"]],
  ["out", ["--route-table=rtb1", "lr-route-add", "r0", "10.10.0.0/16", "10.0.0.11", "--", "--route-table=rtb1", "lr-route-add", "r0", "0.0.0.0/0", "10.0.0.12", "--", "lr-route-add", "r0", "10.11.0.0/16", "discard"]],
  ["out", ["lr-route-list", "r0"]],
  ["out", ["--route-table=rtb1", "lr-route-list", "r0"]],
  ["out", ["--route-table=rtb1", "lr-route-del", "r0", "10.10.0.0/16", "--", "lr-route-list", "r0"]],
  ["out", ["--gateway-port=r0-ext", "lr-nat-add", "r0", "snat", "172.16.0.52", "10.0.52.0/24", "--", "--portrange", "lr-nat-add", "r0", "snat", "172.16.0.54", "10.0.54.0/24", "100-200"]],
  ["out", ["--stateless", "lr-nat-add", "r0", "dnat_and_snat", "172.16.0.51", "10.0.0.51", "--", "lr-nat-list", "r0"]],
  ["out", ["wait-until", "Logical_Switch", "sw1", "name=sw1", "--", "wait-until", "Logical_Router_Port", "r0-ext", "enabled=false"]],
];

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("ovn-ts nbctl against ovn-nbctl (differential)", () => {
  let a: OvsdbServerSandbox;
  let b: OvsdbServerSandbox;

  beforeAll(async () => {
    [a, b] = await Promise.all([startOvsdbServer({ schemas: ["OVN_Northbound"] }), startOvsdbServer({ schemas: ["OVN_Northbound"] })]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it("the same script gives the same outputs, `show` and table contents", async () => {
    const mismatches: string[] = [];
    // "{dhcp}" stands for the UUID of the DHCP_Options row on each server.
    const resolve = async (db: string, argv: string[]) => {
      if (!argv.includes("{dhcp}")) return argv;
      const id = (await run("ovn-nbctl", [`--db=${db}`, "--bare", "--columns=_uuid", "find", "DHCP_Options", "cidr=10.0.0.0/24"])).stdout.trim();
      return argv.map((x) => (x === "{dhcp}" ? id : x));
    };
    for (const [mode, argv] of SCRIPT) {
      const theirs = await run("ovn-nbctl", [`--db=${a.unix}`, ...(await resolve(a.unix, argv))], { allowFailure: true });
      const io = memoryIo();
      const code = await main(["nbctl", `--db=${b.unix}`, ...(await resolve(b.unix, argv))], io);
      const label = `ovn-nbctl ${argv.join(" ")}`;
      if (code !== theirs.code) mismatches.push(`${label}: exit ${code} vs ${theirs.code} (${io.stderr.trim()} | ${theirs.stderr.trim()})`);
      else if (mode === "out" && mask(io.stdout) !== mask(theirs.stdout)) mismatches.push(`${label}:\n--- ovn-ts\n${io.stdout}--- ovn-nbctl\n${theirs.stdout}`);
      else if (mode === "show" && normalizeShow(io.stdout) !== normalizeShow(theirs.stdout)) mismatches.push(`${label}:\n--- ovn-ts\n${io.stdout}--- ovn-nbctl\n${theirs.stdout}`);
    }
    expect(mismatches).toEqual([]);
    // `show` of both servers printed by the real ovn-nbctl, and every table's rows.
    const showA = (await run("ovn-nbctl", [`--db=${a.unix}`, "show"])).stdout;
    const showB = (await run("ovn-nbctl", [`--db=${b.unix}`, "show"])).stdout;
    expect(normalizeShow(showB)).toBe(normalizeShow(showA));
    expect(await normalizedDump(b.unix)).toEqual(await normalizedDump(a.unix));
    // (About 150 ovn-nbctl processes: seconds, more on a loaded machine.)
  }, 120_000);
});
