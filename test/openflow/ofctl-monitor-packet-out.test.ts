/**
 * The monitor's `ofctl/packet-out` beside ovs-ofctl's, driven by the real `ovs-appctl` against a private
 * ovs-vswitchd over OpenFlow 1.0 (no -O), 1.3 and 1.5, and with --no-names: the OFPT_PACKET_OUT each monitor prints (xids
 * included), appctl's replies and exit status for good and bad packet-out text (no packet, short or bad hex,
 * bad or reserved in_port, a field that is not a pipeline field, an unknown keyword or action, actions the
 * connection cannot carry), port names, pipeline fields, and the monitors' exit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { type ControlRun, controlSequence } from "./ofctl-monitor-run.js";

/** An ARP request from 00:00:00:00:00:01 (10.0.0.1) for 10.0.0.2, broadcast. */
const ARP = "ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002";

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor's ofctl/packet-out against ovs-ofctl's", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  }, 60_000);
  afterAll(() => v?.stop());

  const sequence: string[][] = [
    ["ofctl/packet-out", `in_port=1 packet=${ARP} actions=output:2`],
    ["ofctl/barrier"],
    ["ofctl/packet-out", `in_port=p1,packet=${ARP},actions=output:p2`],
    ["ofctl/packet-out", `packet=${ARP} actions=output:1,output:2`],
    ["ofctl/packet-out", `in_port=LOCAL packet=${ARP} actions=drop`],
    ["ofctl/packet-out", `in_port=CONTROLLER packet=${ARP}`],
    ["ofctl/packet-out", `in_port=1 reg0=5 metadata=0x9 packet=${ARP} actions=resubmit(,1)`],
    ["ofctl/barrier"],
    ["ofctl/packet-out", "in_port=1 actions=output:2"],
    ["ofctl/packet-out", "in_port=1 packet=000102 actions=output:2"],
    ["ofctl/packet-out", `in_port=1 packet=${ARP}zz actions=output:2`],
    ["ofctl/packet-out", `in_port=nosuchport packet=${ARP} actions=output:2`],
    ["ofctl/packet-out", `in_port=65300 packet=${ARP} actions=output:2`],
    ["ofctl/packet-out", `in_port= packet=${ARP}`],
    ["ofctl/packet-out", `nw_src=1.2.3.4 packet=${ARP} actions=output:2`],
    ["ofctl/packet-out", `bogus=1 packet=${ARP} actions=output:2`],
    ["ofctl/packet-out", `in_port=1 packet=${ARP} actions=frobnicate`],
    ["ofctl/packet-out", `in_port=1 packet=${ARP} actions=set_field:5->reg0,output:2`],
    ["ofctl/packet-out", `in_port=1 packet=${ARP} actions=push_vlan:0x8100,output:2`],
    ["ofctl/packet-out"],
    ["ofctl/packet-out", "a", "b"],
    ["ofctl/barrier"],
    ["exit"],
  ];

  for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"], ["--no-names"]]) {
    it(`${pre.join(" ") || "no -O"}: same prints, replies and exit`, async () => {
      const results: Record<string, ControlRun> = {};
      for (const who of ["ovs", "ours"] as const) results[who] = await controlSequence(v, who, pre, sequence);
      expect(results["ovs"]!.err).toMatch(/OFPT_PACKET_OUT/);
      expect(results["ovs"]!.code).toBe(0);
      expect(results["ours"]).toEqual(results["ovs"]);
    }, 120_000);
  }
});
