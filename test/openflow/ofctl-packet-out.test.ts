/**
 * `ovn-ts ofctl packet-out` beside `ovs-ofctl packet-out` on a private ovs-vswitchd, in both syntaxes
 * (`"in_port=... packet=... actions=..."` and `IN_PORT ACTIONS PACKET...`), without -O and with -O
 * OpenFlow13/15: output, errors and exit status, and the packet leaving the port the actions name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

const ARP = "ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002";
/** Log time stamps, which two runs cannot share. */
const stamps = (s: string) => s.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/gm, "TIME|");

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl packet-out against ovs-ofctl", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow13,OpenFlow15");
  }, 60_000);
  afterAll(() => v?.stop());

  const { ours, theirs } = ofctlPair(() => v, { err: stamps });
  /** The packets port 2 has sent. */
  const txPackets = () => Number(/tx pkts=(\d+)/.exec(v.ofctl("dump-ports", v.mgmt, "2"))?.[1]);

  it("both syntaxes, good and bad, as ovs-ofctl", async () => {
    const CASES: string[][] = [
      [`in_port=1 packet=${ARP} actions=output:2`],
      [`in_port=p1,packet=${ARP},actions=output:p2`],
      [`packet=${ARP} actions=load:5->NXM_NX_REG0[],output:2`],
      [`in_port=1 reg0=5 packet=${ARP} actions=resubmit(,1)`],
      ["1", "output:2", ARP, ARP],
      ["p1", "output:p2", ARP],
      ["LOCAL", "drop", ARP],
      ["nosuch", "output:2", ARP],
      ["1", "frobnicate", ARP],
      ["1", "output:2", "0001"],
      ["1", "output:2", `${ARP}zz`],
      ["1", "output:2"],
      ["in_port=1 actions=output:2"],
      [`in_port=65300 packet=${ARP} actions=output:2`],
      [`bogus=1 packet=${ARP}`],
      [`in_port=1 packet=${ARP} actions=output:2,group:77`],
    ];
    for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"], ["--no-names"]]) {
      for (const c of CASES) {
        const args = [...pre, "packet-out", v.mgmt, ...c];
        const t = theirs(args);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    }
    const before = txPackets();
    expect(await ours(["packet-out", v.mgmt, "1", "output:2", ARP, ARP])).toEqual({ code: 0, out: "", err: "" });
    expect(txPackets() - before).toBe(2);
  }, 120_000);
});
