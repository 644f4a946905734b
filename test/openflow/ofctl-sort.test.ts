/**
 * `ovn-ts ofctl dump-flows --sort[=FIELD]` / `--rsort[=FIELD]` beside `ovs-ofctl` on a private ovs-vswitchd:
 * by priority and by match fields, several criteria, flows without the field last either way, ties in the
 * switch's order, with and without statistics and -O; an unknown field fails as ovs-ofctl fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

/** Durations and ages, which two runs cannot share. */
const times = (s: string) => s.replace(/duration=[\d.]+s/g, "duration=Xs").replace(/(idle|hard)_age=\d+/g, "$1_age=X");

const FLOWS = [
  "priority=5,tcp,tp_dst=80,actions=output:1",
  "priority=5,tcp,tp_dst=22,actions=output:2",
  "priority=7,udp,tp_dst=53,actions=drop",
  "priority=1,ip,nw_src=10.0.0.2,actions=drop",
  "priority=1,ip,nw_src=10.0.0.1,actions=drop",
  "priority=9,in_port=2,actions=drop",
  "priority=9,in_port=1,dl_vlan=7,actions=drop",
  "table=1,priority=3,tcp,tp_dst=443,actions=drop",
  "actions=drop",
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl dump-flows --sort/--rsort against ovs-ofctl", () => {
  let v: Vswitchd;
  let dir: string;
  beforeAll(async () => {
    v = await startVswitchd();
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-sort-"));
    const f = join(dir, "flows.txt");
    writeFileSync(f, FLOWS.join("\n") + "\n");
    v.ofctl("add-flows", v.mgmt, f);
  }, 60_000);
  afterAll(() => {
    v?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const { ours, theirs } = ofctlPair(() => v, { out: times });

  it("criteria, directions, statistics and versions as ovs-ofctl sorts them", async () => {
    const CASES: string[][] = [
      ["--sort"],
      ["--rsort"],
      ["--sort=priority"],
      ["--sort=tcp_dst"],
      ["--rsort=tcp_dst"],
      ["--sort=tp_dst"],
      ["--rsort=nw_src"],
      ["--sort=in_port", "--rsort=priority"],
      ["--rsort=priority", "--sort=in_port"],
      ["--sort=dl_vlan"],
      ["--sort=udp_dst", "--sort"],
      ["--sort=bogus"],
    ];
    for (const pre of [[], ["--no-stats"], ["-O", "OpenFlow13", "--no-stats"], ["-O", "OpenFlow15"]]) {
      for (const c of CASES) {
        const args = [...pre, ...c, "dump-flows", v.mgmt];
        const t = theirs(args);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    }
    const args = ["--sort=tcp_dst", "dump-flows", v.mgmt, "tcp"];
    expect(await ours(args)).toEqual(theirs(args));
  }, 120_000);
});
