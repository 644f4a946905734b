/**
 * `ovn-ts ofctl mod-flows` / `mod-flows --strict` / `del-flows` / `del-flows --strict` against a
 * live ovs-vswitchd: from the same starting table, our command and ovs-ofctl's leave the switch
 * with identical `ovs-ofctl dump-flows` output (and the same exit status).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

const START = [
  "table=0,priority=100,in_port=1,actions=output:2",
  "table=0,priority=90,in_port=1,ip,actions=output:2",
  "table=0,priority=100,in_port=2,cookie=0x5,actions=output:1",
  "table=1,priority=100,in_port=1,cookie=0x6,actions=drop",
  "table=1,priority=50,ip,nw_dst=10.0.0.0/24,cookie=0x5,idle_timeout=60,actions=resubmit(,2)",
  "table=2,priority=10,ip,reg0=0x1,actions=ct(commit),output:2",
];

const CASES: string[][] = [
  ["mod-flows", "in_port=1,actions=output:3"],
  ["mod-flows", "table=0,in_port=1,actions=output:3"],
  ["--strict", "mod-flows", "table=0,priority=100,in_port=1,actions=drop"],
  ["--strict", "mod-flows", "table=0,in_port=1,actions=drop"],
  ["mod-flows", "cookie=0x5/-1,actions=output:4"],
  ["mod-flows", "cookie=0x77,in_port=2,actions=output:4"],
  ["mod-flows", "table=1,actions=set_field:0x2->reg1,resubmit(,3)"],
  ["mod-flows", "table=7,in_port=9,actions=drop"],
  ["mod-flows", "ip,actions=dec_ttl,output:2"],
  ["del-flows", "in_port=1"],
  ["del-flows", "table=1"],
  ["--strict", "del-flows", "table=0,priority=100,in_port=1"],
  ["--strict", "del-flows", "in_port=1"],
  ["del-flows", "cookie=0x5/-1"],
  ["del-flows", "table=2,reg0=0x1"],
  ["--strict", "del-flows", "table=1,priority=50,ip,nw_dst=10.0.0.0/24"],
];

/** Cases that match no flow (a strict match needs the default priority 32768 unless given). */
const NO_MATCH = new Set(["mod-flows table=7,in_port=9,actions=drop", "--strict mod-flows table=0,in_port=1,actions=drop", "--strict del-flows in_port=1"]);

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("mod-flows and del-flows against a live ovs-vswitchd", () => {
  let v: Vswitchd;
  let startFile: string;
  let startDump: string;
  beforeAll(async () => {
    v = await startVswitchd();
    startFile = join(v.dir, "start.flows");
    writeFileSync(startFile, START.join("\n") + "\n");
    reset();
    startDump = dump();
  });
  afterAll(() => v?.stop());

  /** One ovs-ofctl run puts the switch back to START. */
  const reset = () => void v.ofctl("-O", "OpenFlow13", "replace-flows", v.mgmt, startFile);
  /** The switch's flows, sorted (dump order follows insertion, which replace-flows does not keep). */
  const dump = () => v.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", v.mgmt).split("\n").sort().join("\n");

  for (const args of CASES) {
    it(args.join(" "), async () => {
      const [opts, [cmd, flow]] = args[0] === "--strict" ? [["--strict"], args.slice(1)] : [[], args];
      reset();
      v.ofctl("-O", "OpenFlow13", ...opts, cmd!, v.mgmt, flow!);
      const expected = dump();
      reset();
      const io = memoryIo();
      expect(await ofctlCommand(["-O", "OpenFlow13", ...opts, cmd!, v.mgmt, flow!], io), io.stderr).toBe(0);
      expect(dump()).toBe(expected);
      // every case but those that match no flow changes the table (so the comparison means something)
      expect(expected === startDump).toBe(NO_MATCH.has(args.join(" ")));
    });
  }
});
