/**
 * The ovs-vswitchd sandbox: bridges on the dummy datapath, OpenFlow over the management socket and
 * loopback TCP, packets injected on a dummy port and read back from the other port's tx pcap.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCapture } from "../../src/geneve/index.js";
import { type VswitchdSandbox, alive, startVswitchd } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovs-ofctl"];
const FRAME = "ffffffffffff505400000001080045000020000100004011f97a0a0000010a000002" + "04d2138900080000" + "00000000";

describe.skipIf(!peers(...PROGRAMS))("vswitchd sandbox", () => {
  let ovs: VswitchdSandbox;
  beforeAll(async () => {
    ovs = await startVswitchd({ bridges: [{ name: "br0", ports: ["p1", "p2"], tcp: true }] });
  });
  afterAll(async () => ovs?.stop());

  it("creates the bridge with numbered dummy ports and OpenFlow endpoints", async () => {
    const br = ovs.bridges["br0"]!;
    expect(br.mgmt).toBe(`unix:${ovs.dir}/br0.mgmt`);
    expect(br.ports).toEqual({ p1: 1, p2: 2 });
    expect(br.tcp).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    expect(await ovs.vsctl("get", "bridge", "br0", "datapath_type")).toBe("dummy\n");
    // OpenFlow 1.3 over loopback TCP answers
    const features = await ovs.ofctl("-O", "OpenFlow13", "show", br.tcp!);
    expect(features).toMatch(/OFPT_FEATURES_REPLY/);
  });

  it("forwards an injected frame by an OpenFlow rule and records it in the egress pcap", async () => {
    const br = ovs.bridges["br0"]!;
    await ovs.ofctl("add-flow", br.mgmt, "in_port=1,actions=output:2");
    await ovs.receive("p1", FRAME);
    let count = 0;
    for (let i = 0; i < 100 && count === 0; i++) {
      const f = ovs.txPcap("p2");
      count = existsSync(f) ? readCapture(new Uint8Array(readFileSync(f))).records.length : 0;
      if (count === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(count).toBe(1);
    const rec = readCapture(new Uint8Array(readFileSync(ovs.txPcap("p2")))).records[0]!;
    expect(Buffer.from(rec.data).toString("hex")).toBe(FRAME);
    expect(await ovs.ofctl("dump-flows", br.mgmt)).toMatch(/n_packets=1,.*in_port=1 actions=output:2/);
  });

  it("stop() kills both daemons by PID and removes the directory", async () => {
    const s = await startVswitchd({ bridges: ["brx"] });
    const pids = [s.daemons.ovsdb.pid, s.daemons.vswitchd.pid];
    expect(pids.every(alive)).toBe(true);
    expect(Object.keys(s.logs())).toEqual(["ovsdb-server", "ovs-vswitchd"]);
    await s.stop();
    expect(pids.some(alive)).toBe(false);
    expect(existsSync(s.dir)).toBe(false);
  });

  it("stop({ keep: true }) keeps the logs for a failed test", async () => {
    const s = await startVswitchd();
    await s.stop({ keep: true });
    expect(existsSync(s.logFiles()["ovs-vswitchd"]!)).toBe(true);
    const { rmSync } = await import("node:fs");
    rmSync(s.dir, { recursive: true, force: true });
  });
});
