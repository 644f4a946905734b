/**
 * Issue 15's ovn-trace checks on its whole proof manifest (`proofManifest` of the model benchmark:
 * 2 VPCs, 20 subnets with a centralized and a VLAN underlay one, 200 nodes, 50 NetworkPolicies,
 * 100 Services, an SNAT rule and FIPs), here with 400 pods: applied once by `ovn-ts apply` to a real
 * NB with ovn-northd running, then, all on that one database: pod to pod within a subnet and across
 * subnets, a NetworkPolicy's allow and drop, SNAT, an EIP, a Service VIP.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { proofManifest } from "../../benchmarks/model.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { SANDBOX_PROGRAMS, ovnTrace, startOvnSandbox } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";

/** ovn-trace takes one `--ct` per conntrack action the packet meets: every one a new connection. */
const NEW = Array<string>(8).fill("new");
/** Pods in the manifest (at least 400: the checks use pods up to p218 and the FIPs of p18 + 20·f). */
const PODS = Math.max(400, Number(process.env["MODEL_PROOF_PODS"] ?? 400));
/** Test and ovn-northd sync time limits, grown with the manifest. */
const SCALE = PODS / 400;
const esc = (s: string) => s.replace(/\./g, "\\.");

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("issue 15's proof manifest with ovn-northd", () => {
  it(`ovn-trace on the one applied manifest (${PODS} pods): within and across subnets, a policy's allow and drop, SNAT, an EIP both ways, a Service VIP`, { timeout: 600_000 * Math.max(1, SCALE / 5) }, async () => {
    await using ovn = await startOvnSandbox();
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-proof-"));
    try {
      writeFileSync(join(dir, "proof.yaml"), proofManifest(PODS));
      const io = memoryIo();
      expect(await main(["apply", `--db=${ovn.nb}`, "-f", dir], io), io.stderr).toBe(0);
      expect(io.stdout).toContain("networkpolicy/ns0/np0 created\n");
      expect(io.stdout).toContain("service/ns3/svc3 created\n");
      expect(io.stdout).toContain("ovnfip/fip0 created\n");
      expect(io.stdout).toContain("ovnsnatrule/snat-s18 created\n");
      await ovn.sync({ wait: "sb", timeoutMs: 300_000 * Math.max(1, SCALE / 5) });

      // ovn-trace reads the whole Southbound database each time: allow for its size.
      const traceMs = 30_000 * Math.max(1, SCALE / 2);
      const trace = (datapath: string, microflow: string) => ovnTrace({ db: ovn.sb, ct: NEW, timeoutMs: traceMs }, datapath, microflow);
      const addr = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ") as [string, string];
      const lrpMac = async (lrp: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", lrp, "mac")).trim().replace(/"/g, "");
      const pod = async (i: number) => {
        const port = `p${i}.ns${i % 20}`;
        const [mac, ip] = await addr(port);
        return { port, mac, ip, subnet: `s${i % 20}` };
      };
      /** A packet from `from` to `to` (through the subnet's gateway when `routed`). */
      const flow = async (from: Awaited<ReturnType<typeof pod>>, dstMac: string, dstIp: string, l4: string) =>
        `inport == "${from.port}" && eth.src == ${from.mac} && eth.dst == ${dstMac} && ip4.src == ${from.ip} && ip4.dst == ${dstIp} && ip.ttl == 64 && ${l4}`;
      const udp = "udp && udp.src == 1234 && udp.dst == 5000";

      // Within a subnet: p3 → p23 (s3, apps a3 and a23: no policy selects odd apps).
      const [p3, p23, p5] = [await pod(3), await pod(23), await pod(5)];
      const within = await trace("s3", await flow(p3, p23.mac, p23.ip, udp));
      expect(within.dropped, within.raw).toBe(false);
      expect(within.outputs).toEqual([p23.port]);

      // Across subnets of ovn-cluster: p3 (s3) → p5 (s5) through the router (the 31000 allow policy for the destination subnet).
      const gw3 = await lrpMac("ovn-cluster-s3");
      const across = await trace("s3", await flow(p3, gw3, p5.ip, udp));
      expect(across.dropped, across.raw).toBe(false);
      expect(across.outputs).toContain(p5.port);
      expect(across.raw).toMatch(new RegExp(`lr_in_policy[^\\n]*ip4\\.dst == 10\\.105\\.0\\.0/16, priority 31000`));

      // NetworkPolicy np0 (ns0): app a0 (p0) accepts app a1 (p1, in the centralized subnet s1) on http (8080).
      const [p0, p1, p20] = [await pod(0), await pod(1), await pod(20)];
      const gw1 = await lrpMac("ovn-cluster-s1");
      const tcp = (port: number) => `tcp && tcp.src == 40000 && tcp.dst == ${port}`;
      const allowed = await trace("s1", await flow(p1, gw1, p0.ip, tcp(8080)));
      expect(allowed.dropped, allowed.raw).toBe(false);
      expect(allowed.outputs).toContain(p0.port);
      // p1 is both a selected peer (in the rule's address set) and inside the ipBlock: one of the rule's two allow ACLs passes it.
      expect(allowed.raw).toMatch(/ls_out_acl[^\n]*outport == @np0\.ns0 && ip[^\n]*tcp\.dst == 8080\), priority \d+/);
      expect((await nbctl(ovn.nb, "get", "Address_Set", "np0.ns0.ingress.allow.IPv4.0", "addresses")).replace(/[[\]"\s]/g, "").split(",")).toContain(p1.ip);
      // Another port of p0, from the same peer: the policy's default drop.
      const otherPort = await trace("s1", await flow(p1, gw1, p0.ip, tcp(9090)));
      expect(otherPort.raw).toMatch(/ls_out_acl[^\n]*\(outport == @np0\.ns0 && ip\), priority \d+, uuid \w+\n\s+drop;/);
      expect(otherPort.outputs).not.toContain(p0.port);
      expect(otherPort.dropped).toBe(true);
      // p20 (app a20, 10.100.0.0/16: the ipBlock's except) on http, within s0: dropped.
      const denied = await trace("s0", await flow(p20, p0.mac, p0.ip, tcp(8080)));
      expect(denied.raw).toMatch(/ls_out_acl[^\n]*\(outport == @np0\.ns0 && ip\), priority \d+, uuid \w+\n\s+drop;/);
      expect(denied.outputs).not.toContain(p0.port);
      // p3 (10.103.0.0/16, inside the ipBlock 10.0.0.0/8) on http: allowed by the ipBlock ACL.
      const block = await trace("s3", await flow(p3, gw3, p0.ip, tcp(8080)));
      expect(block.dropped, block.raw).toBe(false);
      expect(block.outputs).toContain(p0.port);

      // SNAT: a pod of s18 (vpc1) to a host on the external network leaves as the SNAT rule's EIP.
      const eipSnat = (await nbctl(ovn.nb, "--bare", "--columns=external_ip", "find", "NAT", "type=snat", "external_ids:ovn_snat=snat-s18")).trim();
      expect(eipSnat).toMatch(/^172\.18\.\d+\.\d+$/);
      const host = { ip: "172.18.200.1", mac: "00:00:00:18:c8:01" };
      await ovn.learnMacBinding("vpc1-external", host.ip, host.mac);
      // The FIPs are on p18 + 20·f for f < 10; p218 (s18) has none: SNAT only.
      const p218 = await pod(218);
      const gw18 = await lrpMac("vpc1-s18");
      const snat = await trace("s18", await flow(p218, gw18, host.ip, "icmp4.type == 8"));
      expect(snat.dropped, snat.raw).toBe(false);
      expect(snat.outputs).toContain("localnet.external");
      expect(snat.raw).toMatch(new RegExp(`lr_out_snat[^\\n]*\\n\\s+ct_snat(_in_czone)?\\(${esc(eipSnat)}\\);`));

      // EIP: fip0 gives p18 (s18) the EIP 172.18.1.1. p18's own traffic leaves as its EIP.
      const p18 = await pod(18);
      const out = await trace("s18", await flow(p18, gw18, host.ip, "icmp4.type == 8"));
      expect(out.dropped, out.raw).toBe(false);
      expect(out.outputs).toContain("localnet.external");
      expect(out.raw).toMatch(/ct_snat(_in_czone)?\(172\.18\.1\.1\);/);
      // The host's packet to the EIP is DNATed to p18's address and delivered to p18's switch port,
      // where np9 (app a18 accepts only a19 and 10.0.0.0/8) drops it: in this manifest every FIP pod
      // is selected by a policy.
      const ext = await lrpMac("vpc1-external");
      const inbound = await trace("external", `inport == "localnet.external" && eth.src == ${host.mac} && eth.dst == ${ext} && ip4.src == ${host.ip} && ip4.dst == 172.18.1.1 && ip.ttl == 64 && icmp4.type == 8`);
      expect(inbound.raw).toMatch(new RegExp(`lr_in_dnat[^\\n]*ip4\\.dst == 172\\.18\\.1\\.1[^\\n]*\\n\\s+ct_dnat(_in_czone)?\\(${esc(p18.ip)}\\);`));
      expect(inbound.raw).toMatch(new RegExp(`egress\\(dp="s18", inport="s18-vpc1", outport="${esc(p18.port)}"\\)`));
      expect(inbound.raw).toMatch(/ls_out_acl[^\n]*\(outport == @np9\.ns18 && ip\), priority \d+, uuid \w+\n\s+drop;/);
      expect(inbound.dropped).toBe(true);

      // Service svc3 (ns3): 10.96.0.4:80 → the http port (8080) of app a3's pods (p3, p103, ...); from p23, load-balanced to p3.
      const vip = await ovnTrace({ db: ovn.sb, ct: NEW, timeoutMs: traceMs, extraArgs: [`--lb-dst=${p3.ip}:8080`] }, "s3", await flow(p23, gw3, "10.96.0.4", "tcp && tcp.src == 40000 && tcp.dst == 80"));
      expect(vip.raw).toMatch(/ls_in_pre_stateful[^\n]*ip4\.dst == 10\.96\.0\.4 && tcp\.dst == 80/);
      expect(vip.dropped, vip.raw).toBe(false);
      expect(vip.outputs).toContain(p3.port);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
