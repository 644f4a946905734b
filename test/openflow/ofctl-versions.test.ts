/**
 * `ovn-ts ofctl -O OpenFlow13/14/15` switch commands against a private ovs-vswitchd: each prints what
 * `ovs-ofctl` prints with the same arguments (exit status too), and each command that changes the flow
 * table leaves the table `ovs-ofctl` leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

const FLOWS = ["priority=10,ip,nw_dst=10.0.0.0/24,actions=output:1", "table=1,importance=5,priority=5,tcp,tp_dst=80,actions=drop"];

/** Read-only commands, run after FLOWS are installed. */
const READS = [["dump-flows"], ["dump-flows", "ip"], ["dump-aggregate"], ["show"], ["dump-desc"], ["dump-ports"], ["dump-ports-desc"], ["dump-tables"]];

/** Commands that change the table, each applied to a table holding FLOWS. */
const WRITES = [
  ["add-flow", "table=2,priority=7,udp,actions=drop"],
  ["--strict", "mod-flows", "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:2"],
  ["mod-flows", "ip,actions=output:3"],
  ["--strict", "del-flows", "priority=10,ip,nw_dst=10.0.0.0/24"],
  ["del-flows", "tcp"],
  ["del-flows"],
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl -O OpenFlow13/14/15 against ovs-ofctl", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15");
  }, 60_000);
  afterAll(() => v?.stop());

  // durations and idle ages move between two dumps
  const norm = (s: string) => s.replace(/duration=[0-9.]+s/g, "duration=Xs").replace(/idle_age=\d+/g, "idle_age=X");
  const { ours, theirs } = ofctlPair(() => v, { out: norm });
  const table = () => v.ofctl("-O", "OpenFlow13", "--no-stats", "--sort", "dump-flows", v.mgmt);
  const reset = () => {
    v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
    for (const f of FLOWS) v.ofctl("-O", "OpenFlow13", "add-flow", v.mgmt, f);
  };

  for (const version of ["OpenFlow13", "OpenFlow14", "OpenFlow15"]) {
    it(`${version}: reads print as ovs-ofctl's`, async () => {
      reset();
      for (const cmd of READS) {
        const args = ["-O", version, cmd[0]!, v.mgmt, ...cmd.slice(1)];
        const t = theirs(args);
        expect(t.code, `${args.join(" ")}: ${t.err}`).toBe(0);
        expect(await ours(args), args.join(" ")).toEqual({ ...t, err: "" });
      }
    }, 120_000);

    it(`${version}: writes leave the table ovs-ofctl leaves`, async () => {
      for (const cmd of WRITES) {
        const at = cmd.findIndex((a) => !a.startsWith("-")) + 1;
        const args = ["-O", version, ...cmd.slice(0, at), v.mgmt, ...cmd.slice(at)];
        reset();
        const t = theirs(args);
        const afterTheirs = table();
        reset();
        expect(t.code, `${args.join(" ")}: ${t.err}`).toBe(0);
        expect(await ours(args), args.join(" ")).toEqual({ ...t, err: "" });
        expect(table(), args.join(" ")).toBe(afterTheirs);
      }
    }, 120_000);
  }
});
