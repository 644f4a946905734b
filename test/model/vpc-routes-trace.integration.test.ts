/**
 * A VPC's static routes and policy routes applied by `ovn-ts apply` to a real NB with ovn-northd:
 * ovn-trace takes the ECMP default route (two next hops) for traffic leaving the VPC, and the
 * policy route's drop stops the one source it names while its subnet's other pods pass.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, ovnTrace, startOvnSandbox } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { cliApply, manifestDir } from "./fixture.js";

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.253 }
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254 }
  policyRoutes:
    - { priority: 30000, match: ip4.src == 10.2.0.66, action: drop }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s2 }
spec: { vpc: vpc1, cidrBlock: 10.2.0.0/24 }
---
apiVersion: v1
kind: Pod
metadata: { name: a, annotations: { ovn.kubernetes.io/logical_switch: s1, ovn.kubernetes.io/ip_address: 10.1.0.10 } }
---
apiVersion: v1
kind: Pod
metadata: { name: bad, annotations: { ovn.kubernetes.io/logical_switch: s2, ovn.kubernetes.io/ip_address: 10.2.0.66 } }
---
apiVersion: v1
kind: Pod
metadata: { name: good, annotations: { ovn.kubernetes.io/logical_switch: s2, ovn.kubernetes.io/ip_address: 10.2.0.67 } }
`;

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("a VPC's routes with ovn-northd", () => {
  it("ovn-trace: the ECMP default route for traffic leaving the VPC; the policy route drops its source only", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("vpc-routes", { "net.yaml": MANIFEST });
    const r = await cliApply(ovn.nb, dir.path);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("vpc/vpc1 created\n");
    await ovn.sync({ wait: "sb" });
    const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
    const lrp = async (name: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", name, "mac")).trim().replace(/"/g, "");
    const flow = (port: string, src: string, smac: string, dmac: string, dst: string) =>
      `inport == "${port}" && eth.src == ${smac} && eth.dst == ${dmac} && ip4.src == ${src} && ip4.dst == ${dst} && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 53`;
    // a → 8.8.8.8: the default route is an ECMP group of the two next hops; each member (--select-id) leads to one of them.
    const leaving = flow("a.default", "10.1.0.10", await mac("a.default"), await lrp("vpc1-s1"), "8.8.8.8");
    const hops: string[] = [];
    for (const id of [1, 2]) {
      const t = await ovnTrace({ db: ovn.sb, ct: ["new"], extraArgs: [`--select-id=${id}`] }, "s1", leaving);
      expect(t.raw).toMatch(/lr_in_ip_routing [^\n]*ip4\.dst == 0\.0\.0\.0\/0[^\n]*\n(\s+[^\n]*\n)*?\s+reg8\[16\.\.31\] = select\(1=100, 2=100\);/);
      const hop = new RegExp(`lr_in_ip_routing_ecmp [^\\n]*reg8\\[16\\.\\.31\\] == ${id},[^\\n]*\\n\\s+reg0 = (\\S+);`).exec(t.raw);
      expect(hop, t.raw).not.toBeNull();
      hops.push(hop![1]!);
    }
    expect(hops.sort()).toEqual(["10.1.0.253", "10.1.0.254"]);
    // bad (10.2.0.66) → a: the priority-30000 drop; good (10.2.0.67) → a: delivered.
    const gw2 = await lrp("vpc1-s2");
    const dropped = await ovn.trace("s2", flow("bad.default", "10.2.0.66", await mac("bad.default"), gw2, "10.1.0.10"), { ct: ["new"] });
    expect(dropped.raw).toMatch(/lr_in_policy[^\n]*ip4\.src == 10\.2\.0\.66, priority 30000[^\n]*\n\s+drop;/);
    expect(dropped.outputs).not.toContain("a.default");
    const passed = await ovn.trace("s2", flow("good.default", "10.2.0.67", await mac("good.default"), gw2, "10.1.0.10"), { ct: ["new"] });
    expect(passed.dropped, passed.raw).toBe(false);
    expect(passed.outputs).toContain("a.default");
  });
});
