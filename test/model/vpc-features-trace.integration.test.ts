/**
 * VPC peering, BFD, an extra external subnet and centralized gateway failover applied by
 * `ovn-ts apply` to a real NB with ovn-northd: ovn-trace carries a pod's packet from one VPC into
 * the other over the peering ports (the VPC's static route to the peer's connect IP), and sends a
 * centralized subnet's traffic to its active gateway node, then to the standby after failover;
 * ovn-northd turns the BFD row into a Southbound `BFD` session on the external port, and the extra
 * external subnet's gateway port into a chassis-redirect port.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, run, startOvnSandbox } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { BFD_VPC, CENTRAL, PEERED } from "./vpc-features-manifests.js";
import { cliApply, manifestDir, type ManifestDir } from "./fixture.js";

async function apply(nb: string, dir: ManifestDir, text: string): Promise<string> {
  dir.write("net.yaml", text);
  const r = await cliApply(nb, dir.path);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace", "ovn-sbctl"))("VPC peering, BFD, external subnets and gateway failover with ovn-northd", () => {
  it("ovn-trace: a pod of vpc1 reaches a pod of vpc2 over the peering; northd makes the BFD session and the extra external gateway port", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("vpc-peering");
    expect(await apply(ovn.nb, dir, PEERED())).toContain("vpc/vpc2 created\n");
    await ovn.sync({ wait: "sb" });
    const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
    const lrpMac = async (name: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", name, "mac")).trim().replace(/"/g, "");
    const t = await ovn.trace(
      "s1",
      `inport == "a.default" && eth.src == ${await mac("a.default")} && eth.dst == ${await lrpMac("vpc1-s1")} && ip4.src == 10.1.0.10 && ip4.dst == 10.2.0.20 && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 80`,
      { ct: ["new"] },
    );
    expect(t.dropped, t.raw).toBe(false);
    expect(t.outputs).toContain("b.default");
    // vpc1's static route sends it to vpc2's connect IP out of the peering port; vpc2 takes it in on its own.
    expect(t.raw).toMatch(/lr_in_ip_routing[^\n]*ip4\.dst == 10\.2\.0\.0\/24[^\n]*\n(\s+[^\n]*\n)*?\s+reg0 = 169\.254\.0\.2;(\s+[^\n]*\n)*?\s+outport = "vpc1-vpc2";/);
    expect(t.raw).toMatch(/ingress\(dp="vpc2", inport="vpc2-vpc1"\)/);

    const bfd = BFD_VPC(", enableBfd: true").replace(/---\napiVersion: kubeovn.io\/v1\nkind: Vpc\nmetadata: \{ name: vpc1 \}\nspec: \{ enableExternal: true, enableBfd: true \}\n/, "");
    const withExtra = `${bfd}---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: vpc1 }\nspec: { enableExternal: true, enableBfd: true }\n---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: vpc3 }\nspec: { enableExternal: true, extraExternalSubnets: [ext2] }\n`;
    await apply(ovn.nb, dir, withExtra);
    await ovn.sync({ wait: "sb" });
    const sb = async (...args: string[]) => (await run("ovn-sbctl", [`--db=${ovn.sb}`, ...args])).stdout;
    expect((await sb("--bare", "--columns=logical_port,dst_ip", "list", "BFD")).split(/\s+/).filter(Boolean)).toEqual(["vpc1-external", "172.18.0.1"]);
    expect((await sb("--bare", "--columns=type", "find", "Port_Binding", "logical_port=cr-vpc3-ext2")).trim()).toBe("chassisredirect");
  });

  it("ovn-trace: a centralized subnet leaves through its active gateway, and through the standby after failover", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("failover");
    const pod = `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: default }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p, annotations: { ovn.kubernetes.io/logical_switch: central, ovn.kubernetes.io/ip_address: 10.30.0.10 } }\n`;
    const leave = async () => {
      await ovn.sync({ wait: "sb" });
      const smac = (await nbctl(ovn.nb, "lsp-get-addresses", "p.default")).trim().split(" ")[0]!;
      const dmac = (await nbctl(ovn.nb, "get", "Logical_Router_Port", "ovn-cluster-central", "mac")).trim().replace(/"/g, "");
      return ovn.trace("central", `inport == "p.default" && eth.src == ${smac} && eth.dst == ${dmac} && ip4.src == 10.30.0.10 && ip4.dst == 8.8.8.8 && ip.ttl == 64 && icmp4.type == 8`, { ct: ["new"] });
    };
    await apply(ovn.nb, dir, CENTRAL({ ready: ["True", "True"] }) + pod);
    const before = await leave();
    expect(before.outputs).toContain("node-gw1");
    expect(before.raw).toMatch(/lr_in_policy[^\n]*ip4\.src == 10\.30\.0\.0\/16[^\n]*priority 29000[^\n]*\n[^\n]*reg0 = 100\.64\.0\.2;/);
    await apply(ovn.nb, dir, CENTRAL({ ready: ["False", "True"] }) + pod);
    const after = await leave();
    expect(after.outputs).toContain("node-gw2");
    expect(after.outputs).not.toContain("node-gw1");
    expect(after.raw).toMatch(/lr_in_policy[^\n]*ip4\.src == 10\.30\.0\.0\/16[^\n]*priority 29000[^\n]*\n[^\n]*reg0 = 100\.64\.0\.3;/);
  });
});
