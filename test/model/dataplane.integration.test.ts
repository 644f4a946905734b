/**
 * Issue 15's two-chassis dataplane proof: the pods of a manifest applied by `ovn-ts apply` are
 * bound on two real `ovn-controller` chassis (`ovs-vswitchd` on dummy datapaths, Geneve over the
 * loopback underlay) and exchange real packets, within a subnet and across two subnets through the
 * VPC's distributed router; a NetworkPolicy file added to the manifest directory and applied stops
 * the traffic into the pod it selects (while its peer still gets through); the file removed and the
 * directory applied with `--prune` lets the traffic through again.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type ChassisSandbox, type Pod, parseUdpFrame, startChassisSandbox, udpFlow, waitFor } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";

const PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl", "ovn-trace"];

/** Subnets ovn-default and apps; client and admin on hv1; web, other (ovn-default) and api (apps) on hv2. */
const NETWORK = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: apps }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, default: true }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: apps }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [apps] }
---
apiVersion: v1
kind: Pod
metadata: { name: client, labels: { role: client }, annotations: { ovn.kubernetes.io/ip_address: 10.16.0.10, ovn.kubernetes.io/mac_address: "00:00:00:16:00:10" } }
spec: { nodeName: hv1 }
---
apiVersion: v1
kind: Pod
metadata: { name: admin, labels: { role: admin }, annotations: { ovn.kubernetes.io/ip_address: 10.16.0.11, ovn.kubernetes.io/mac_address: "00:00:00:16:00:11" } }
spec: { nodeName: hv1 }
---
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web }, annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20, ovn.kubernetes.io/mac_address: "00:00:00:16:00:20" } }
spec: { nodeName: hv2 }
---
apiVersion: v1
kind: Pod
metadata: { name: other, labels: { app: other }, annotations: { ovn.kubernetes.io/ip_address: 10.16.0.21, ovn.kubernetes.io/mac_address: "00:00:00:16:00:21" } }
spec: { nodeName: hv2 }
---
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: apps, labels: { app: api }, annotations: { ovn.kubernetes.io/ip_address: 10.17.0.20, ovn.kubernetes.io/mac_address: "00:00:00:17:00:20" } }
spec: { nodeName: hv2 }
`;

/** Ingress to web only from the admin pods. */
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-admin-only }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { role: admin } } }]
`;

const MAC = { client: "00:00:00:16:00:10", admin: "00:00:00:16:00:11", web: "00:00:00:16:00:20", other: "00:00:00:16:00:21", api: "00:00:00:17:00:20" };
const IP = { client: "10.16.0.10", admin: "10.16.0.11", web: "10.16.0.20", other: "10.16.0.21", api: "10.17.0.20" };
type Name = keyof typeof MAC;

describe.skipIf(!peers(...PROGRAMS))("the applied model on two chassis", () => {
  let sb: ChassisSandbox;
  let dir: string;
  let failed = false;
  const pods = {} as Record<Name, Pod>;
  /** The router port MAC of each subnet (a routed packet's first destination). */
  const routerMac: Record<string, string> = {};
  let seq = 0;

  beforeAll(async () => {
    sb = await startChassisSandbox({ chassis: 2 });
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-2hv-"));
    writeFileSync(join(dir, "network.yaml"), NETWORK);
    const io = memoryIo();
    expect(await main(["apply", `--db=${sb.central.nb}`, "-f", dir], io), io.stderr).toBe(0);
    expect(io.stdout).toContain("pod/default/web created\n");
    for (const [name, chassis] of [["client", 1], ["admin", 1], ["web", 2], ["other", 2], ["api", 2]] as const) {
      const ns = name === "api" ? "apps" : "default";
      pods[name] = await sb.addPod(chassis, `${name}.${ns}`, { iface: `vif-${name}` });
    }
    await sb.waitForPods({ timeoutMs: 60_000 });
    for (const subnet of ["ovn-default", "apps"]) routerMac[subnet] = (await nbctl(sb.central.nb, "get", "Logical_Router_Port", `ovn-cluster-${subnet}`, "mac")).trim().replace(/"/g, "");
  }, 180_000);
  afterAll(async () => {
    await sb?.stop({ keep: failed });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Applies the manifest directory (with `--prune`); returns standard output. */
  async function apply(): Promise<string> {
    const io = memoryIo();
    expect(await main(["apply", `--db=${sb.central.nb}`, "-f", dir, "--prune"], io), io.stderr).toBe(0);
    await sb.central.sync({ wait: "hv", timeoutMs: 60_000 });
    return io.stdout;
  }

  /** Sends one UDP packet from `from` to `to` (through the router when they are on different subnets) and reports whether `to` got it. */
  async function reaches(from: Name, to: Name, expectDelivery: boolean): Promise<boolean> {
    const port = 5000 + ++seq;
    const routed = (from === "api") !== (to === "api");
    await sb.inject(pods[from], udpFlow({ srcMac: MAC[from], dstMac: routed ? routerMac[from === "api" ? "apps" : "ovn-default"]! : MAC[to], srcIp: IP[from], dstIp: IP[to], dstPort: port }));
    const got = () => sb.delivered(pods[to]).some((r) => { const u = parseUdpFrame(r.data); return u?.dstPort === port && u.srcIp === IP[from]; });
    try {
      // A delivery is awaited for long; an expected drop gets a shorter look (its absence cannot be awaited).
      await waitFor(`${from} → ${to} on port ${port}`, got, expectDelivery ? 10_000 : 1_500, 50);
      return true;
    } catch {
      return false;
    }
  }

  const run = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    }, 120_000);

  run("pods on two chassis exchange packets within a subnet and across subnets", async () => {
    const [lport] = (await sb.central.sbctl("--bare", "--columns=chassis", "find", "Port_Binding", "logical_port=web.default")).split("\n");
    expect(lport?.trim()).not.toBe("");
    expect(await reaches("client", "web", true)).toBe(true);
    expect(await reaches("web", "client", true)).toBe(true);
    expect(await reaches("client", "api", true)).toBe(true);
    // The packet crossed the underlay in Geneve from hv1.
    expect(sb.underlayFrames(1).length).toBeGreaterThan(0);
    // A routed packet arrives with the router's MAC and a decremented TTL.
    const routed = sb.delivered(pods.api).map((r) => parseUdpFrame(r.data)).find((u) => u?.srcIp === IP.client);
    expect(routed?.ttl).toBe(63);
    expect(routed?.srcMac).toBe(routerMac.apps);
    expect(await reaches("api", "web", true)).toBe(true);
  });

  run("a NetworkPolicy file applied stops the traffic into the pod it selects, and only that", async () => {
    writeFileSync(join(dir, "policy.yaml"), POLICY);
    const out = await apply();
    expect(out).toContain("networkpolicy/default/web-admin-only created\n");
    expect(out).toMatch(/1 created, 0 configured, \d+ unchanged, 0 deleted\n$/);
    expect(await reaches("client", "web", false)).toBe(false);
    expect(await reaches("api", "web", false)).toBe(false);
    // The policy's peer still gets through; an unselected pod on the same chassis still receives.
    expect(await reaches("admin", "web", true)).toBe(true);
    expect(await reaches("client", "other", true)).toBe(true);
    // ovn-trace agrees: the policy's default drop.
    const t = await sb.central.trace(
      "ovn-default",
      `inport == "client.default" && eth.src == ${MAC.client} && eth.dst == ${MAC.web} && ip4.src == ${IP.client} && ip4.dst == ${IP.web} && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 80`,
      { ct: Array<string>(8).fill("new") },
    );
    expect(t.dropped).toBe(true);
  });

  run("the file removed and the directory applied with --prune lets the traffic through again", async () => {
    rmSync(join(dir, "policy.yaml"));
    const out = await apply();
    expect(out).toContain("networkpolicy/default/web-admin-only deleted\n");
    expect(out).toMatch(/0 created, 0 configured, \d+ unchanged, 1 deleted\n$/);
    expect(await nbctl(sb.central.nb, "--bare", "--columns=name", "list", "Port_Group")).not.toContain("web.admin.only");
    expect(await reaches("client", "web", true)).toBe(true);
    expect(await reaches("api", "web", true)).toBe(true);
  });
});
