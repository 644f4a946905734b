/**
 * The nodes' and subnets' router policies applied by `ovn-ts apply` to a real NB with ovn-northd:
 * ovn-trace sends a distributed subnet's outgoing traffic to the pod's node (its join port, where
 * Kube-OVN's natOutgoing masquerades), a centralized subnet's to its gateway node, traffic for a
 * node's internal IP to that node, and traffic between subnets straight through (31000 allow).
 */
import { describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { SANDBOX_PROGRAMS, startOvnSandbox, waitForNorthd } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { cliApply, manifestDir } from "./fixture.js";

const node = (n: string, ip: string) => `---
apiVersion: v1
kind: Node
metadata: { name: ${n} }
status: { addresses: [{ type: InternalIP, address: ${ip} }] }
`;
const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: gw }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, default: true, natOutgoing: true }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: central }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [gw], gatewayType: centralized, gatewayNode: n2, natOutgoing: true }
${node("n1", "192.168.0.11")}${node("n2", "192.168.0.12")}---
apiVersion: v1
kind: Pod
metadata: { name: a }
spec: { nodeName: n1 }
---
apiVersion: v1
kind: Pod
metadata: { name: c, namespace: gw }
spec: { nodeName: n1 }
`;

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("the nodes' and subnets' policies with ovn-northd", () => {
  it("ovn-trace: distributed egress to the pod's node, centralized egress to the gateway node, a node's IP to the node, subnet to subnet direct", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("model-gw", { "net.yaml": MANIFEST });
    expect((await cliApply(ovn.nb, dir.path)).status).toBe(0);
    const client = await OvsdbClient.connect(ovn.nb);
    try {
      await waitForNorthd(client);
    } finally {
      client.close();
    }
    const addr = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ") as [string, string];
    const lrpMac = async (lrp: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", lrp, "mac")).trim().replace(/"/g, "");
    const [macA, ipA] = await addr("a.default");
    const [macC, ipC] = await addr("c.gw");
    const [, joinN1] = await addr("node-n1");
    const [, joinN2] = await addr("node-n2");
    const from = async (sw: string, port: string, mac: string, ip: string, dst: string) =>
      ovn.trace(sw, `inport == "${port}" && eth.src == ${mac} && eth.dst == ${await lrpMac(`ovn-cluster-${sw}`)} && ip4.src == ${ip} && ip4.dst == ${dst} && ip.ttl == 64 && icmp4.type == 8`, { ct: ["new"] });

    const distributed = await from("ovn-default", "a.default", macA, ipA, "8.8.8.8");
    expect(distributed.outputs).toContain("node-n1");
    expect(distributed.raw).toMatch(new RegExp(`lr_in_policy[^\\n]*ip4\\.src == \\$ovn\\.default\\.n1_ip4[^\\n]*priority 29000[^\\n]*\\n[^\\n]*reg0 = ${joinN1.replace(/\./g, "\\.")};`));

    const centralized = await from("central", "c.gw", macC, ipC, "8.8.8.8");
    expect(centralized.outputs).toContain("node-n2");
    expect(centralized.raw).toMatch(new RegExp(`lr_in_policy[^\\n]*ip4\\.src == 10\\.17\\.0\\.0/24[^\\n]*priority 29000[^\\n]*\\n[^\\n]*reg0 = ${joinN2.replace(/\./g, "\\.")};`));

    const toNode = await from("ovn-default", "a.default", macA, ipA, "192.168.0.12");
    expect(toNode.outputs).toContain("node-n2");
    expect(toNode.raw).toMatch(/lr_in_policy[^\n]*ip4\.dst == 192\.168\.0\.12[^\n]*priority 30000/);

    const across = await from("ovn-default", "a.default", macA, ipA, ipC);
    expect(across.dropped).toBe(false);
    expect(across.outputs).toContain("c.gw");
    expect(across.raw).toMatch(/lr_in_policy[^\n]*ip4\.dst == 10\.17\.0\.0\/24[^\n]*priority 31000[^\n]*\n\s+reg8\[0\.\.15\] = 0;/);
  });
});
