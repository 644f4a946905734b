import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { type NbTransaction, OvnNb, selectReader } from "../../src/ovn/index.js";
import { traceFromPort } from "../../src/ovn/trace.js";
import { type OvnSandbox, startOvnSandbox } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";
import { normalizedDump } from "./nb-dump.js";

/**
 * DNS records, a load balancer group, a forwarding group, CoPP and IPv6 router advertisements
 * built through the API on a Kube-OVN-like topology, compiled by a real ovn-northd, and checked in
 * the Southbound database (rows, logical flows) and with ovn-trace.
 */
describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl", "ovn-sbctl", "ovn-northd", "ovn-trace"))("DNS, LB groups, forwarding groups, CoPP, IPv6 RA: ovn-northd + ovn-trace", () => {
  let ovn: OvnSandbox;
  let client: OvsdbClient;
  let nb: OvnNb;
  const trace = (source: string, destination: string, more: { protocol?: "tcp" | "udp"; dstPort?: number } = {}, ct?: string[]) =>
    traceFromPort(selectReader(client), { source, destination, ...more }, { sb: ovn.sb, ...(ct ? { ct } : {}) });
  const datapath = async (name: string) => (await ovn.sbctl("--bare", "--columns=_uuid", "find", "Datapath_Binding", `external_ids:name=${name}`)).trim();
  const lflows = (dp: string) => ovn.sbctl("lflow-list", dp);

  /** The whole topology; run twice, the second run must change nothing. */
  const build = async (tx: NbTransaction) => {
    const may = { mayExist: true };
    await tx.lrAdd("ovn-cluster", may);
    for (const [name, net, mac, v6] of [
      ["subnet-a", "10.16.0", "00:00:00:aa:00:01", ["fd00:16::1/64"]],
      ["subnet-b", "10.17.0", "00:00:00:bb:00:01", []],
    ] as const) {
      await tx.lsAdd(name, { ...may, subnet: { cidr: `${net}.0/24`, excludeIps: [`${net}.1`] } });
      await tx.connectSwitchToRouter(name, "ovn-cluster", { lrpName: `ovn-cluster-${name}`, lspName: `${name}-ovn-cluster`, mac, networks: [`${net}.1/24`, ...v6] }, may);
    }
    const pod = (sw: string, name: string, mac: string, ip: string) => tx.lspAdd(sw, name, { ...may, addresses: [`${mac} ${ip}`], portSecurity: [`${mac} ${ip}`] });
    await pod("subnet-a", "a1.ns1", "0a:58:0a:10:00:02", "10.16.0.2");
    await pod("subnet-a", "a2.ns1", "0a:58:0a:10:00:03", "10.16.0.3");
    await pod("subnet-b", "b1.ns1", "0a:58:0a:11:00:02", "10.17.0.2");
    // DNS records served to subnet-a's pods.
    await tx.dnsAdd("cluster-dns", { "web.ns1.svc.cluster.local": ["10.96.0.20", "fd00:96::20"], "20.0.96.10.in-addr.arpa": "web.ns1.svc.cluster.local" }, { ...may, externalIds: { vendor: "kube-ovn" } });
    await tx.lsDnsAdd("subnet-a", "cluster-dns");
    // A Service VIP reaching subnet-a's pod a2, attached everywhere through one group.
    await tx.lbAdd("svc-web", "10.96.0.10:80", ["10.16.0.3:8080"], { ...may, protocol: "tcp" });
    await tx.lbGroupAdd("cluster-lbs", { ...may, loadBalancers: ["svc-web"] });
    await tx.lsLbGroupAdd("subnet-a", "cluster-lbs");
    await tx.lsLbGroupAdd("subnet-b", "cluster-lbs");
    await tx.lrLbGroupAdd("ovn-cluster", "cluster-lbs");
    // A forwarding group over a1 and a2.
    await tx.fwdGroupAdd("subnet-a", "fg-a", "10.16.0.100", "00:00:00:00:fa:01", ["a1.ns1", "a2.ns1"], { ...may, liveness: false });
    // CoPP: ARP and DNS punts rate-limited on the router and subnet-a.
    await tx.meterAdd("copp-meter", 100, "pktps", may);
    await tx.coppAdd("node-copp", "arp", "copp-meter");
    await tx.coppAdd("node-copp", "dns", "copp-meter");
    await tx.lsCoppAdd("subnet-a", "node-copp");
    await tx.lrCoppAdd("ovn-cluster", "node-copp");
    // Router advertisements on subnet-a's router port.
    await tx.lrpSetIpv6Ra("ovn-cluster-subnet-a", {
      addressMode: "slaac",
      mtu: 1442,
      routerPreference: "HIGH",
      sendPeriodic: true,
      maxInterval: 300,
      minInterval: 100,
      rdnss: "fd00:16::53",
      dnssl: ["cluster.local", "svc.cluster.local"],
    });
  };

  beforeAll(async () => {
    ovn = await startOvnSandbox();
    client = await OvsdbClient.connect(ovn.nb);
    nb = new OvnNb(client);
    await nb.run(build, { wait: "sb" });
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await ovn?.stop();
  });

  it("is idempotent: building again changes nothing", async () => {
    const before = await normalizedDump(ovn.nb, ["NB_Global"]);
    await nb.run(build);
    expect(await normalizedDump(ovn.nb, ["NB_Global"])).toEqual(before);
  });

  it("DNS: SB DNS rows on the switch's datapath, and a pod's query takes the dns_lookup path", async () => {
    const dp = await datapath("subnet-a");
    const rows = (await ovn.sbctl("--format=json", "--columns=records,datapaths", "list", "DNS")).trim();
    const data = (JSON.parse(rows) as { data: [unknown, unknown][] }).data;
    expect(data).toHaveLength(1);
    const [records, datapaths] = data[0]!;
    expect(records).toEqual(["map", [["20.0.96.10.in-addr.arpa", "web.ns1.svc.cluster.local"], ["web.ns1.svc.cluster.local", "10.96.0.20 fd00:96::20"]]]);
    expect(datapaths).toEqual(["uuid", dp]);
    const r = await trace("a1.ns1", "10.16.0.1", { protocol: "udp", dstPort: 53 });
    const stage = r.trace.sections.flatMap((s) => s.stages).find((s) => s.stage === "ls_in_dns_lookup");
    expect(stage?.actions.join(" ")).toContain("dns_lookup()");
    // (ovn-trace does not run dns_lookup itself; the answer is built by the response stage.)
    expect(await lflows("subnet-a")).toMatch(/ls_in_dns_response.*udp\.dst == 53 && reg0\[4\]/);
    // subnet-b has no records: no DNS lookup there.
    expect(await lflows("subnet-b")).not.toContain("dns_lookup()");
  });

  it("load balancer group: one SB load balancer on both switches, the router's DNAT, and its VIP reaches the backend", async () => {
    const dg = (await ovn.sbctl("--bare", "--columns=datapath_group", "find", "Load_Balancer", "name=svc-web")).trim();
    const dps = (await ovn.sbctl("--bare", "--columns=datapaths", "list", "Logical_DP_Group", dg)).trim().split(/\s+/).sort();
    expect(dps).toEqual([await datapath("subnet-a"), await datapath("subnet-b")].sort());
    expect(await lflows("ovn-cluster")).toMatch(/lr_in_dnat.*ip4\.dst == 10\.96\.0\.10 && tcp && tcp\.dst == 80.*ct_lb_mark\(backends=10\.16\.0\.3:8080\)/);
    const r = await trace("b1.ns1", "10.96.0.10", { protocol: "tcp", dstPort: 80 }, ["new"]);
    expect(r.trace.raw).toContain("10.16.0.3:8080");
    expect(r.verdict).toEqual({ kind: "output", ports: ["a2.ns1"] });
  });

  it("forwarding group: northd spreads the VIP over the child ports and answers ARP for it", async () => {
    const flows = await lflows("subnet-a");
    expect(flows).toMatch(/match=\(eth\.dst == 00:00:00:00:fa:01\), action=\(fwd_group\(childports="a1\.ns1","a2\.ns1"\);\)/);
    expect(flows).toMatch(/match=\(arp\.tpa == 10\.16\.0\.100 && arp\.op == 1\), action=\(.*eth\.src = 00:00:00:00:fa:01;/);
    const r = await ovn.trace(
      "subnet-a",
      'inport == "a1.ns1" && eth.src == 0a:58:0a:10:00:02 && eth.dst == 00:00:00:00:fa:01 && ip4.src == 10.16.0.2 && ip4.dst == 10.16.0.100 && ip.ttl == 64 && udp && udp.src == 5000 && udp.dst == 80',
    );
    // A pod sending to the VMAC reaches the group's action (which ovn-trace does not expand).
    expect(r.raw).toMatch(/ls_in_l2_lkup .*: eth\.dst == 00:00:00:00:fa:01, priority 50.*\n\s+fwd_group\(childports="a1\.ns1", "a2\.ns1"\);/);
  });

  it("CoPP: the punted ARP and DNS flows of the router and the switch carry the meter", async () => {
    const metered = async (dp: string) =>
      (await ovn.sbctl("--bare", "--columns=actions", "find", "Logical_Flow", `logical_datapath=${await datapath(dp)}`, "controller_meter=copp-meter")).trim();
    expect(await metered("subnet-a")).toContain("dns_lookup");
    expect(await metered("ovn-cluster")).toMatch(/arp|put_arp/);
    expect(await metered("subnet-b")).toBe("");
  });

  it("IPv6 RA: put_nd_ra_opts for the port, periodic RA options in its port binding; cleared, they go", async () => {
    const flows = await lflows("ovn-cluster");
    const ra = flows.split("\n").find((l) => l.includes("put_nd_ra_opts"));
    expect(ra).toContain('inport == "ovn-cluster-subnet-a"');
    expect(ra).toContain('addr_mode = "slaac"');
    expect(ra).toContain("mtu = 1442");
    expect(ra).toContain("prefix = fd00:16::/64");
    expect(ra).toContain("rdnss = fd00:16::53");
    const pb = await ovn.sbctl("--bare", "--columns=options", "find", "Port_Binding", "logical_port=ovn-cluster-subnet-a");
    expect(pb).toContain("ipv6_ra_send_periodic=true");
    expect(pb).toContain("ipv6_ra_max_interval=300");
    expect(pb).toContain("ipv6_ra_min_interval=100");
    await nb.run((tx) => tx.lrpClearIpv6Ra("ovn-cluster-subnet-a"), { wait: "sb" });
    expect(await lflows("ovn-cluster")).not.toContain("put_nd_ra_opts");
  });

  it("detaching and deleting undo it all in the SB", async () => {
    await nb.run(
      async (tx) => {
        await tx.lsDnsDel("subnet-a", "cluster-dns");
        await tx.lbGroupDel("cluster-lbs");
        await tx.fwdGroupDel("fg-a");
        await tx.lsCoppDel("subnet-a");
        await tx.coppDel("node-copp");
      },
      { wait: "sb" },
    );
    expect((await ovn.sbctl("--bare", "--columns=_uuid", "list", "DNS")).trim()).toBe("");
    expect((await ovn.sbctl("--bare", "--columns=_uuid", "find", "Load_Balancer", "name=svc-web")).trim()).toBe("");
    const flows = await lflows("subnet-a");
    expect(flows).not.toContain("fwd_group(");
    expect(flows).not.toContain("dns_lookup()");
    expect((await ovn.sbctl("--bare", "--columns=_uuid", "find", "Logical_Flow", "controller_meter=copp-meter")).trim()).toBe("");
    // The DNS rows themselves stay until deleted; the router lost its (deleted) CoPP policy.
    await nb.run((tx) => tx.dnsDel("cluster-dns"));
    expect((await ovn.nbctl("--bare", "--columns=copp", "list", "Logical_Router", "ovn-cluster")).trim()).toBe("");
    expect((await ovn.nbctl("--bare", "--columns=_uuid", "list", "DNS")).trim()).toBe("");
  });
});
