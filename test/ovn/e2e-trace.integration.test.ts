import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { OvnNb, selectReader } from "../../src/ovn/index.js";
import { traceFromPort } from "../../src/ovn/trace.js";
import { type OvnSandbox, startOvnSandbox } from "../../src/testing/index.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { peers } from "../support/peers.js";

/**
 * Kube-OVN-like topology built through the API, compiled by a real ovn-northd, and checked with
 * ovn-trace: router ovn-cluster with subnets a (10.16.0.0/24) and b (10.17.0.0/24), an external
 * switch behind a distributed gateway port (gateway chassis gw1) with a localnet port, SNAT of
 * subnet a, an EIP for pod a2, an ACL dropping tcp/22 to a2, and a load balancer VIP backed by a2.
 */
describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl", "ovn-sbctl", "ovn-northd", "ovn-trace"))("OVN API end to end: ovn-northd + ovn-trace", () => {
  let ovn: OvnSandbox;
  let client: OvsdbClient;
  const trace = (source: string, destination: string, more: { protocol?: "tcp" | "udp"; dstPort?: number } = {}, ct?: string[]) =>
    traceFromPort(selectReader(client), { source, destination, ...more }, { sb: ovn.sb, ...(ct ? { ct } : {}) });
  /** The datapaths of the pipelines the packet went through (continuations such as ct_lb_mark left out). */
  const datapaths = (r: { trace: { sections: readonly { kind: string; datapath: string | undefined }[] } }) => r.trace.sections.filter((s) => s.kind !== "other").map((s) => s.datapath);

  beforeAll(async () => {
    ovn = await startOvnSandbox();
    client = await OvsdbClient.connect(ovn.nb);
    const nb = new OvnNb(client);
    await nb.run(
      async (tx) => {
        await tx.lrAdd("ovn-cluster");
        for (const [name, net, mac] of [
          ["subnet-a", "10.16.0", "00:00:00:aa:00:01"],
          ["subnet-b", "10.17.0", "00:00:00:bb:00:01"],
        ] as const) {
          await tx.lsAdd(name, { subnet: { cidr: `${net}.0/24`, excludeIps: [`${net}.1`] } });
          await tx.connectSwitchToRouter(name, "ovn-cluster", { lrpName: `ovn-cluster-${name}`, lspName: `${name}-ovn-cluster`, mac, networks: [`${net}.1/24`] });
        }
        const pod = async (sw: string, name: string, mac: string, ip: string) =>
          tx.lspAdd(sw, name, { addresses: [`${mac} ${ip}`], portSecurity: [`${mac} ${ip}`], externalIds: { pod: `ns1/${name.split(".")[0]}`, ls: sw } });
        await pod("subnet-a", "a1.ns1", "0a:58:0a:10:00:02", "10.16.0.2");
        await pod("subnet-a", "a2.ns1", "0a:58:0a:10:00:03", "10.16.0.3");
        await pod("subnet-b", "b1.ns1", "0a:58:0a:11:00:02", "10.17.0.2");
        // External network: a distributed gateway port on gw1, a localnet port for the underlay.
        await tx.lsAdd("external");
        await tx.connectSwitchToRouter("external", "ovn-cluster", { lrpName: "ovn-cluster-external", lspName: "external-ovn-cluster", mac: "00:00:00:ee:00:01", networks: ["172.18.0.2/16"] });
        await tx.lrpSetGatewayChassis("ovn-cluster-external", "gw1", 100);
        await tx.localnetPortAdd("external", "ln-external", "provider");
        await tx.lrRouteAdd("ovn-cluster", "0.0.0.0/0", "172.18.0.1");
        await tx.lrNatAdd("ovn-cluster", "snat", "172.18.0.100", "10.16.0.0/24");
        await tx.lrNatAdd("ovn-cluster", "dnat_and_snat", "172.18.0.101", "10.16.0.3");
        // NetworkPolicy-like ACL on a port group, and a Service VIP.
        await tx.pgAdd("pg.a2", ["a2.ns1"]);
        await tx.aclAdd({ portGroup: "pg.a2" }, "to-lport", 2000, "outport == @pg.a2 && ip4 && tcp.dst == 22", "drop");
        await tx.lbAdd("svc-tcp", "10.96.0.10:80", ["10.16.0.3:8080"], { protocol: "tcp" });
        await tx.lsLbAdd("subnet-a", "svc-tcp");
        await tx.lsLbAdd("subnet-b", "svc-tcp");
        await tx.lrLbAdd("ovn-cluster", "svc-tcp");
      },
      { wait: "sb" },
    );
    // The upstream gateway's MAC, as ovn-controller would have learned it (ovn-trace's get_arp reads SB MAC_Binding).
    const dp = (await ovn.sbctl("--bare", "--columns=_uuid", "find", "Datapath_Binding", "external_ids:name=ovn-cluster")).trim();
    await ovn.sbctl("create", "MAC_Binding", "logical_port=ovn-cluster-external", "ip=172.18.0.1", 'mac="00:00:00:00:01:01"', `datapath=${dp}`);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await ovn?.stop();
  });

  it("pod to pod on one subnet", async () => {
    const r = await trace("a1.ns1", "10.16.0.3");
    expect(r.microflow.datapath).toBe("subnet-a");
    expect(r.microflow.dstMac).toBe("0a:58:0a:10:00:03");
    expect(r.verdict).toEqual({ kind: "output", ports: ["a2.ns1"] });
    expect(datapaths(r)).toEqual(["subnet-a", "subnet-a"]);
  });

  it("pod to pod across subnets through the router (namespace/pod lookup)", async () => {
    const r = await trace("ns1/a1", "10.17.0.2", { protocol: "udp", dstPort: 53 });
    expect(r.microflow.dstMac).toBe("00:00:00:aa:00:01");
    expect(r.verdict).toEqual({ kind: "output", ports: ["b1.ns1"] });
    const dps = datapaths(r);
    expect(dps).toContain("ovn-cluster");
    expect(dps.at(-1)).toBe("subnet-b");
    const ttl = r.trace.sections.flatMap((s) => s.stages).flatMap((s) => s.actions);
    expect(ttl).toContain("ip.ttl--;");
  });

  it("an ACL drop", async () => {
    const ok = await trace("a1.ns1", "10.16.0.3", { protocol: "tcp", dstPort: 80 });
    expect(ok.verdict).toEqual({ kind: "output", ports: ["a2.ns1"] });
    const r = await trace("a1.ns1", "10.16.0.3", { protocol: "tcp", dstPort: 22 });
    expect(r.verdict).toEqual({ kind: "dropped" });
    const acl = r.trace.sections.flatMap((s) => s.stages).find((s) => s.stage === "ls_out_acl");
    expect(acl?.match).toContain("tcp.dst == 22");
  });

  it("SNAT of a pod to the outside", async () => {
    const r = await trace("a1.ns1", "8.8.8.8", { protocol: "tcp", dstPort: 443 });
    const actions = r.trace.raw;
    expect(actions).toMatch(/ct_snat(_in_czone)?\(172\.18\.0\.100\);/);
    expect(datapaths(r)).toContain("external");
    expect(r.verdict).toEqual({ kind: "output", ports: ["ln-external"] });
  });

  it("an EIP (dnat_and_snat): the pod is reached from outside and leaves as its EIP", async () => {
    const out = await trace("a2.ns1", "8.8.8.8", { protocol: "tcp", dstPort: 443 });
    expect(out.trace.raw).toMatch(/ct_snat(_in_czone)?\(172\.18\.0\.101\);/);
    const inbound = await ovn.trace(
      "external",
      'inport == "ln-external" && eth.src == 00:00:00:00:01:01 && eth.dst == 00:00:00:ee:00:01 && ip4.src == 1.1.1.1 && ip4.dst == 172.18.0.101 && ip.ttl == 64 && tcp && tcp.src == 5000 && tcp.dst == 80',
    );
    expect(inbound.raw).toMatch(/ct_dnat(_in_czone)?\(10\.16\.0\.3\);/);
    expect(inbound.outputs).toContain("a2.ns1");
  });

  it("a load balancer VIP reaches its backend", async () => {
    // A new connection: ovn-trace then picks a backend for ct_lb_mark.
    const r = await trace("b1.ns1", "10.96.0.10", { protocol: "tcp", dstPort: 80 }, ["new"]);
    expect(r.trace.raw).toMatch(/ct_lb_mark|ct_lb/);
    expect(r.trace.raw).toContain("10.16.0.3:8080");
    expect(r.verdict).toEqual({ kind: "output", ports: ["a2.ns1"] });
  });

  it("ovn-ts trace prints the stages and the verdict, or JSON", async () => {
    const io = memoryIo();
    expect(await main(["trace", `--db=${ovn.nb}`, `--sb=${ovn.sb}`, "ns1/a1", "10.16.0.3", "tcp", "22"], io)).toBe(0);
    expect(io.stdout).toMatch(/^microflow \(datapath subnet-a\): inport == "a1.ns1" && eth.src == 0a:58:0a:10:00:02 && eth.dst == 0a:58:0a:10:00:03 && /);
    expect(io.stdout).toContain('ingress(dp="subnet-a", inport="a1.ns1")');
    expect(io.stdout).toMatch(/ls_out_acl \(priority \d+\): .*tcp.dst == 22/);
    expect(io.stdout.trimEnd().split("\n").at(-1)).toBe("verdict: dropped");
    const js = memoryIo();
    expect(await main(["trace", `--db=${ovn.nb}`, `--sb=${ovn.sb}`, "--json", "a1.ns1", "10.17.0.2"], js)).toBe(0);
    const parsed = JSON.parse(js.stdout) as { verdict: unknown; sections: { datapath?: string }[] };
    expect(parsed.verdict).toEqual({ kind: "output", ports: ["b1.ns1"] });
    expect(parsed.sections.some((s) => s.datapath === "ovn-cluster")).toBe(true);
    const bad = memoryIo();
    expect(await main(["trace", `--db=${ovn.nb}`, `--sb=${ovn.sb}`, "ns1/nope", "10.16.0.3"], bad)).toBe(1);
    expect(bad.stderr).toContain("logical switch port ns1/nope not found");
  });

  it("ovn-ts nbctl --wait=sb returns once ovn-northd has processed the change", async () => {
    const io = memoryIo();
    expect(await main(["nbctl", `--db=${ovn.nb}`, "--wait=sb", "ls-add", "waited", "--", "lsp-add", "waited", "w1"], io)).toBe(0);
    // No polling here: the datapath and port binding must already be in the SB.
    expect((await ovn.sbctl("--bare", "--columns=_uuid", "find", "Datapath_Binding", "external_ids:name=waited")).trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect((await ovn.sbctl("--bare", "--columns=logical_port", "find", "Port_Binding", "logical_port=w1")).trim()).toBe("w1");
    const [g] = (await client.transact("OVN_Northbound", [{ op: "select", table: "NB_Global", where: [], columns: ["nb_cfg", "sb_cfg"] }])).results as [{ rows: { nb_cfg: number; sb_cfg: number }[] }];
    expect(g.rows[0]!.sb_cfg).toBeGreaterThanOrEqual(g.rows[0]!.nb_cfg);
    const sync = memoryIo();
    expect(await main(["nbctl", `--db=${ovn.nb}`, "--wait=sb", "sync"], sync)).toBe(0);
  });
});
