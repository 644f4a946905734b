/**
 * The multi-chassis dataplane sandbox, proved the way OVN's own tests do: packets injected at a
 * pod's port on hv1 reach a pod on hv2 through Geneve over the loopback underlay; the tunnel frames
 * captured on hv1's underlay port decode (with ovn-ts/geneve) to the datapath and port keys in SB.
 * Also an ACL drop and a load-balancer VIP, all across chassis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChassisSandbox, type Pod, parseUdpFrame, startChassisSandbox, udpFlow, waitFor } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl"];
const MAC1 = "50:54:00:00:00:01";
const MAC2 = "50:54:00:00:00:02";

describe.skipIf(!peers(...PROGRAMS))("multi-chassis sandbox", () => {
  let sb: ChassisSandbox;
  let pod1: Pod;
  let pod2: Pod;
  let failed = false;
  beforeAll(async () => {
    sb = await startChassisSandbox({ chassis: 2 });
    await sb.central.nbctl(
      "ls-add", "ls0",
      "--", "lsp-add", "ls0", "lp1", "--", "lsp-set-addresses", "lp1", `${MAC1} 10.0.0.1`,
      "--", "lsp-add", "ls0", "lp2", "--", "lsp-set-addresses", "lp2", `${MAC2} 10.0.0.2`,
    );
    pod1 = await sb.addPod(1, "lp1");
    pod2 = await sb.addPod("hv2", "lp2");
    await sb.waitForPods();
  });
  afterAll(async () => sb?.stop({ keep: failed }));

  /** Waits until pod2 has received a UDP frame to `dstPort`; returns every UDP frame it has received. */
  async function deliveredTo(pod: Pod, dstPort: number) {
    const frames = () => sb.delivered(pod).map((r) => parseUdpFrame(r.data)).filter((f) => f !== undefined);
    await waitFor(`a UDP frame to port ${dstPort} delivered to ${pod.port}`, () => frames().some((f) => f.dstPort === dstPort), 10_000, 50);
    return frames();
  }

  const run = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });

  run("has two chassis with Geneve tunnels and both pods bound", async () => {
    expect(sb.chassis.map((c) => [c.name, c.encapIp])).toEqual([["hv1", "127.1.0.1"], ["hv2", "127.1.0.2"]]);
    const chassisOf = async (p: string) => (await sb.central.sbctl("--bare", "--columns=chassis", "find", "Port_Binding", `logical_port=${p}`)).trim();
    const names = async (uuid: string) => (await sb.central.sbctl("--bare", "--columns=name", "list", "Chassis", uuid)).trim();
    expect(await names(await chassisOf("lp1"))).toBe("hv1");
    expect(await names(await chassisOf("lp2"))).toBe("hv2");
    expect(await sb.chassis[0]!.controllerAppctl("connection-status")).toMatch(/connected/);
  });

  run("pod to pod across chassis: delivered, and the underlay frames carry SB's keys", async () => {
    await sb.inject(pod1, udpFlow({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.0.0.1", dstIp: "10.0.0.2", dstPort: 5001 }));
    const got = (await deliveredTo(pod2, 5001)).find((f) => f.dstPort === 5001)!;
    expect(got).toMatchObject({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.0.0.1", dstIp: "10.0.0.2", srcPort: 1234 });

    const key = async (args: string[]) => Number((await sb.central.sbctl("--bare", "--columns=tunnel_key", ...args)).trim());
    const dpUuid = (await sb.central.sbctl("--bare", "--columns=datapath", "find", "Port_Binding", "logical_port=lp1")).trim();
    const dp = await key(["list", "Datapath_Binding", dpUuid]);
    const lp1 = await key(["find", "Port_Binding", "logical_port=lp1"]);
    const lp2 = await key(["find", "Port_Binding", "logical_port=lp2"]);
    const tunnel = await waitFor("the Geneve frame on hv1's underlay", () =>
      sb.underlayFrames(1).find((f) => parseUdpFrame(f.inner.bytes)?.dstPort === 5001),
    );
    expect(tunnel.ip).toMatchObject({ src: "127.1.0.1", dst: "127.1.0.2" });
    expect(tunnel.udp.dstPort).toBe(6081);
    expect(tunnel.geneve.vni).toBe(dp);
    expect(tunnel.geneve.ovn).toEqual({ datapathKey: dp, ingressPort: lp1, egressPort: lp2, multicast: false });
  });

  run("an ACL drop: the dropped flow never reaches the other pod, a later allowed one does", async () => {
    await sb.central.nbctl("acl-add", "ls0", "to-lport", "1000", "udp.dst == 9999", "drop");
    await sb.central.sync({ wait: "hv" });
    const trace = await sb.central.trace("ls0", 'inport == "lp1" && eth.src == 50:54:00:00:00:01 && eth.dst == 50:54:00:00:00:02 && ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2 && ip.ttl == 64 && udp.src == 1234 && udp.dst == 9999', { ct: ["new", "new"] });
    expect(trace.dropped).toBe(true);
    // the dropped packet first, then an allowed one on the same path: once the second has arrived,
    // the first would have arrived before it
    await sb.inject(pod1, udpFlow({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.0.0.1", dstIp: "10.0.0.2", dstPort: 9999 }));
    await sb.inject(pod1, udpFlow({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.0.0.1", dstIp: "10.0.0.2", dstPort: 5002 }));
    const frames = await deliveredTo(pod2, 5002);
    expect(frames.map((f) => f.dstPort)).not.toContain(9999);
  });

  run("a load-balancer VIP: a packet to the VIP reaches the backend pod, DNATed on the sending chassis", async () => {
    await sb.central.nbctl("lb-add", "lb0", "10.0.0.100:80", "10.0.0.2:8080", "udp", "--", "ls-lb-add", "ls0", "lb0");
    await sb.central.sync({ wait: "hv" });
    await sb.inject(pod1, udpFlow({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.0.0.1", dstIp: "10.0.0.100", srcPort: 4321, dstPort: 80 }));
    const got = (await deliveredTo(pod2, 8080)).find((f) => f.dstPort === 8080)!;
    expect(got).toMatchObject({ srcIp: "10.0.0.1", dstIp: "10.0.0.2", srcPort: 4321 });
    // the translation happened in hv1's ingress pipeline: the tunnel already carries the backend address
    const tunnel = sb.underlayFrames(1).map((f) => parseUdpFrame(f.inner.bytes)).find((f) => f?.dstPort === 8080);
    expect(tunnel).toMatchObject({ dstIp: "10.0.0.2", srcPort: 4321 });
  });
});

describe.skipIf(!peers(...PROGRAMS))("three chassis", () => {
  it("meshes Geneve tunnels over the underlay hub and delivers hv1 → hv3", async () => {
    await using sb = await startChassisSandbox({ chassis: 3 });
    await sb.central.nbctl(
      "ls-add", "ls1",
      "--", "lsp-add", "ls1", "a", "--", "lsp-set-addresses", "a", `${MAC1} 10.1.0.1`,
      "--", "lsp-add", "ls1", "c", "--", "lsp-set-addresses", "c", `${MAC2} 10.1.0.3`,
    );
    const a = await sb.addPod(1, "a");
    const c = await sb.addPod(3, "c");
    await sb.waitForPods();
    for (const ch of sb.chassis) {
      const tunnels = await ch.vsctl("--bare", "--columns=options", "find", "interface", "type=geneve");
      const remotes = [...tunnels.matchAll(/remote_ip="?([\d.]+)/g)].map((m) => m[1]).sort();
      expect(remotes).toEqual(sb.chassis.filter((x) => x !== ch).map((x) => x.encapIp));
    }
    await sb.inject(a, udpFlow({ srcMac: MAC1, dstMac: MAC2, srcIp: "10.1.0.1", dstIp: "10.1.0.3", dstPort: 7000 }));
    await waitFor("delivery to c on hv3", () => sb.delivered(c).some((r) => parseUdpFrame(r.data)?.dstPort === 7000), 10_000, 50);
    const f = sb.underlayFrames(1).find((x) => parseUdpFrame(x.inner.bytes)?.dstPort === 7000);
    expect(f?.ip).toMatchObject({ src: "127.1.0.1", dst: "127.1.0.3" });
  });
});
