/**
 * Applied by `ovn-ts apply` to a real NB with ovn-northd running, the model's topology forwards:
 * ovn-trace delivers pod to pod within a subnet, and across two subnets of one VPC through its router
 * (into a private subnet that allows the source subnet); a private subnet that does not drops it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { SANDBOX_PROGRAMS, startOvnSandbox, waitForNorthd } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: db }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, default: true }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: db }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [db], private: true, allowSubnets: [10.16.0.0/16] }
---
apiVersion: v1
kind: Namespace
metadata: { name: sec }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: sec }
spec: { cidrBlock: 10.18.0.0/24, namespaces: [sec], private: true }
---
apiVersion: v1
kind: Pod
metadata: { name: a }
---
apiVersion: v1
kind: Pod
metadata: { name: b }
---
apiVersion: v1
kind: Pod
metadata: { name: c, namespace: db }
---
apiVersion: v1
kind: Pod
metadata: { name: d, namespace: sec }
`;

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("the applied model with ovn-northd", () => {
  it("ovn-trace delivers pod to pod within a subnet and across subnets of one VPC; a private subnet drops", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-trace-"));
    writeFileSync(join(dir, "net.yaml"), MANIFEST);
    const io = memoryIo();
    expect(await main(["apply", `--db=${ovn.nb}`, "-f", dir], io)).toBe(0);
    expect(io.stdout.endsWith("8 created, 0 configured, 0 unchanged, 0 deleted\n")).toBe(true);
    const client = await OvsdbClient.connect(ovn.nb);
    try {
      await waitForNorthd(client);
    } finally {
      client.close();
    }
    const addr = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ") as [string, string];
    const [macA, ipA] = await addr("a.default");
    const [macB, ipB] = await addr("b.default");
    const [, ipC] = await addr("c.db");
    const same = await ovn.trace("ovn-default", `inport == "a.default" && eth.src == ${macA} && eth.dst == ${macB} && ip4.src == ${ipA} && ip4.dst == ${ipB} && ip.ttl == 64`);
    expect(same.dropped).toBe(false);
    expect(same.outputs).toEqual(["b.default"]);
    const gwMac = (await nbctl(ovn.nb, "get", "Logical_Router_Port", "ovn-cluster-ovn-default", "mac")).trim().replace(/"/g, "");
    const across = await ovn.trace("ovn-default", `inport == "a.default" && eth.src == ${macA} && eth.dst == ${gwMac} && ip4.src == ${ipA} && ip4.dst == ${ipC} && ip.ttl == 64`, { ct: ["new"] });
    expect(across.dropped).toBe(false);
    expect(across.outputs).toContain("c.db");
    const [, ipD] = await addr("d.sec");
    const denied = await ovn.trace("ovn-default", `inport == "a.default" && eth.src == ${macA} && eth.dst == ${gwMac} && ip4.src == ${ipA} && ip4.dst == ${ipD} && ip.ttl == 64`, { ct: ["new"] });
    // The private subnet's default-drop ACL (logged as Kube-OVN logs it) stops the packet before the pod.
    expect(denied.raw).toMatch(/ACL name=sec, direction=OUT, verdict=drop, severity=warning/);
    expect(denied.outputs).not.toContain("d.sec");
    expect(denied.dropped).toBe(true);
  });
});
