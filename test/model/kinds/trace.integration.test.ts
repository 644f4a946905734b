/**
 * A NetworkPolicy and a Service applied by `ovn-ts apply` to a real NB with ovn-northd running:
 * ovn-trace allows the policy's peer on its port and drops another pod (the policy's logged default
 * drop), and a packet to the Service VIP is load-balanced to a backend pod's target port and
 * delivered to it; a pod's egress_rate meters what it sends.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import { SANDBOX_PROGRAMS, ovnTrace, startOvnSandbox, waitForNorthd } from "../../../src/testing/index.js";
import { nbctl } from "../../ovn/controller/support.js";
import { peers } from "../../support/peers.js";
import { BASE, POLICY, SERVICE } from "./manifests.js";

/** ovn-trace takes one `--ct` per conntrack action the packet meets (switch ingress, egress, router...): every one a new connection. */
const NEW = Array<string>(8).fill("new");

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("NetworkPolicy and Service with ovn-northd", () => {
  it("ovn-trace: the policy allows its peer on its port and drops another pod; the Service VIP reaches a backend pod; the rated pod is metered", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-kinds-trace-"));
    // The client pod also has an egress limit: its QoS row meters what it sends.
    const base = BASE.replace("annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20 }", 'annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20, ovn.kubernetes.io/egress_rate: "5" }');
    expect(base).not.toBe(BASE);
    writeFileSync(join(dir, "net.yaml"), `${base}---\n${POLICY}---\n${SERVICE}`);
    const io = memoryIo();
    expect(await main(["apply", `--db=${ovn.nb}`, "-f", dir], io), io.stderr).toBe(0);
    expect(io.stdout).toContain("networkpolicy/web/allow-client created\n");
    expect(io.stdout).toContain("service/web/web created\n");
    const client = await OvsdbClient.connect(ovn.nb);
    try {
      await waitForNorthd(client);
    } finally {
      client.close();
    }
    const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
    const [macClient, macDb, macWeb] = [await mac("client.default"), await mac("db-0.db"), await mac("web-0.web")];
    const tcp = (src: string, ip: string, port: number) => `eth.dst == ${macWeb} && ip4.src == ${ip} && ip4.dst == 10.16.0.10 && ip.ttl == 64 && tcp && tcp.src == 40000 && tcp.dst == ${port} && eth.src == ${src}`;

    const allowed = await ovn.trace("ovn-default", `inport == "client.default" && ${tcp(macClient, "10.16.0.20", 8080)}`, { ct: NEW });
    expect(allowed.dropped, allowed.raw).toBe(false);
    expect(allowed.outputs).toEqual(["web-0.web"]);
    expect(allowed.raw).toMatch(/ls_in_qos_meter \(northd\.c:\d+\): inport == "client\.default", priority \d+, uuid \w+\n\s+set_meter\(5000, 4000\);/);

    const otherPort = await ovn.trace("ovn-default", `inport == "client.default" && ${tcp(macClient, "10.16.0.20", 9090)}`, { ct: NEW });
    expect(otherPort.raw).toMatch(/ACL name=web\/allow-client, direction=OUT, verdict=drop, severity=warning/);
    expect(otherPort.outputs).not.toContain("web-0.web");

    const denied = await ovn.trace("ovn-default", `inport == "db-0.db" && ${tcp(macDb, "10.16.0.30", 8080)}`, { ct: NEW });
    expect(denied.raw).toMatch(/ACL name=web\/allow-client, direction=OUT, verdict=drop, severity=warning/);
    expect(denied.outputs).not.toContain("web-0.web");

    // The VIP: client → 10.96.0.10:80 is load-balanced to web-0's port http (8080), which the policy allows.
    const gwMac = (await nbctl(ovn.nb, "get", "Logical_Router_Port", "ovn-cluster-ovn-default", "mac")).trim().replace(/"/g, "");
    const vip = await ovnTrace(
      { db: ovn.sb, ct: NEW, extraArgs: ["--lb-dst=10.16.0.10:8080"] },
      "ovn-default",
      `inport == "client.default" && eth.src == ${macClient} && eth.dst == ${gwMac} && ip4.src == 10.16.0.20 && ip4.dst == 10.96.0.10 && ip.ttl == 64 && tcp && tcp.src == 40000 && tcp.dst == 80`,
    );
    // The switch's load-balancer flow for the VIP, the router then resolving the backend's address, and the policy's allow ACL for port 8080 on delivery.
    expect(vip.raw).toMatch(/ls_in_pre_stateful \(northd\.c:\d+\): reg0\[2\] == 1 && ip4\.dst == 10\.96\.0\.10 && tcp\.dst == 80,/);
    expect(vip.raw).toMatch(/lr_in_arp_resolve \(northd\.c:\d+\): outport == "ovn-cluster-ovn-default" && reg0 == 10\.16\.0\.10,/);
    expect(vip.raw).toMatch(/ls_out_acl \(northd\.c:\d+\): reg0\[7\] == 1 && \(outport == @allow\.client\.web && .* && tcp\.dst == 8080\)/);
    expect(vip.dropped, vip.raw).toBe(false);
    expect(vip.outputs).toContain("web-0.web");
  });
});
