/**
 * NXT_PACKET_IN2 continuations (`controller(pause)`) and NXT_RESUME from a live ovs-vswitchd:
 * our ofp-print of the bytes the switch sent (and of the resume we build from them) equals
 * `ovs-ofctl ofp-print` of the same bytes — `continuation.bridge/stack/conntracked/actions/odp_port`
 * lines included — and the resume lets the pipeline go on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { asController, startVswitchd, type Vswitchd } from "./vswitchd.js";
import { decodeMessage, encodeMessage, type OfMessage } from "../../src/openflow/messages.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { formatMessage } from "../../src/openflow/print.js";
import { toHex } from "../../src/bytes/hex.js";
import { decodeContinuation } from "../../src/openflow/continuation.js";

const ofpPrint = (hex: string): string =>
  execFileSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\n$/, "");

const ARP = "0a00000000020a000000000108060001080006040001" + "0a0000000001" + "0a000001" + "000000000000" + "0a000002";
const UDP = "0a00000000020a0000000001080045000020000140004011000" + "00a0000010a000002" + "00440043000c123401020304";

/** Pipelines that pause, each with the frame sent through them. */
const CASES: { name: string; flows: string[]; frame: string }[] = [
  { name: "OVN-style userdata, remaining output", flows: ["table=0,priority=10,in_port=CONTROLLER,actions=set_field:0x7->reg0,controller(userdata=01.02.03,pause),output:2"], frame: ARP },
  {
    name: "stack, resubmit into a rule with a cookie",
    flows: ["table=0,priority=10,cookie=0x55,in_port=CONTROLLER,actions=push:NXM_NX_REG0[],push:NXM_OF_ETH_SRC[],resubmit(,3)", "table=3,cookie=0xabc,actions=controller(pause),pop:NXM_NX_REG1[],output:1"],
    frame: ARP,
  },
  {
    name: "after conntrack, with ct(commit) pending",
    flows: ["table=0,priority=10,in_port=CONTROLLER,ip,actions=ct(table=1,zone=5)", "table=1,ct_state=+trk,ip,actions=controller(pause,userdata=aa),ct(commit),output:2"],
    frame: UDP,
  },
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("packet-in2 continuations from a live ovs-vswitchd", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  });
  afterAll(() => v?.stop());

  for (const k of CASES) {
    it(k.name, async () => {
      v.ofctl("del-flows", v.mgmt);
      await asController(v, async (c) => {
        const pin = new Promise<OfMessage>((r) => c.on("message", (m) => m.type === "nx_packet_in2" && r(m)));
        await c.send({ type: "nx_set_packet_in_format", format: 2 });
        await c.flowMods(k.flows.map((f) => parseFlow(f)));
        await c.send({ type: "packet_out", bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: "output", port: 0xfffffff9, maxLen: 0 }], data: Buffer.from(k.frame, "hex") });
        const m = await pin;
        if (m.type !== "nx_packet_in2" || !m.continuation) throw new Error("no continuation");
        const hex = toHex(encodeMessage(m));
        expect(formatMessage(decodeMessage(encodeMessage(m)))).toBe(ofpPrint(hex));
        expect(formatMessage(m)).toContain("continuation.actions=unroll_xlate(table=");
        expect(decodeContinuation(m.continuation).actions.length).toBeGreaterThan(0);
        const resume = encodeMessage({ type: "nx_resume", packet: m.packet, metadata: m.metadata, continuation: m.continuation, xid: 9 });
        expect(formatMessage(decodeMessage(resume))).toBe(ofpPrint(toHex(resume)));
        await c.send(decodeMessage(resume) as never);
        await c.barrier();
      });
    });
  }
});
