/**
 * `ovn-ts ofctl snoop` beside `ovs-ofctl snoop` on a private ovs-vswitchd's `br0.snoop`: both watch while a
 * controller of ours connects to br0 and talks to it, and must print the same messages (the switch's and the
 * controller's, in their version, echo requests included and not answered); `exit` through `ovs-appctl`, and
 * the errors for a missing bridge or argument.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { asController, startVswitchd, type Vswitchd } from "./vswitchd.js";
import { norm, ourMonitor, ovsMonitor, run, until } from "./ofctl-monitor-run.js";
import { ofctlPair } from "./ofctl-pair.js";

/** Whether the control socket at `path` exists (a socket cannot be read). */
const listening = (path: string) => {
  try {
    readFileSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
};

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl snoop against ovs-ofctl snoop", () => {
  let v: Vswitchd;
  const rundir = process.env["OVS_RUNDIR"];
  beforeAll(async () => {
    v = await startVswitchd();
    process.env["OVS_RUNDIR"] = v.dir;
  }, 60_000);
  afterAll(() => {
    if (rundir === undefined) delete process.env["OVS_RUNDIR"];
    else process.env["OVS_RUNDIR"] = rundir;
    v?.stop();
  });

  for (const pre of [[], ["-O", "OpenFlow13"]]) {
    it(`${pre.join(" ") || "no -O"}: what a controller and the switch say, printed alike`, async () => {
      const ctl = { ovs: join(v.dir, "snoop-ovs.ctl"), ours: join(v.dir, "snoop-ours.ctl") };
      // the switch takes snoopers only while a controller is connected
      const [theirs, ours] = await asController(v, async (c) => {
        const theirs = ovsMonitor([...pre, `--unixctl=${ctl.ovs}`, "snoop", "br0"], v.env);
        const ours = ourMonitor([...pre, `--unixctl=${ctl.ours}`, "snoop", "br0"]);
        await until(() => listening(ctl.ovs) && listening(ctl.ours));
        await c.request({ type: "echo_request", data: Uint8Array.of(1, 2, 3) });
        await c.request({ type: "features_request" });
        await c.barrier();
        await until(() => [theirs.err(), ours.err()].every((e) => e.includes("OFPT_BARRIER_REPLY")));
        for (const path of [ctl.ovs, ctl.ours]) expect((await run("ovs-appctl", ["-t", path, "exit"], v.env)).code).toBe(0);
        return [theirs, ours] as const;
      });
      const [a, b] = await Promise.all([theirs.exited, ours.exited]);
      const strip = (s: string) => norm(s, v.dir).replace(/snoop-(ovs|ours)\.ctl/g, "X.ctl");
      expect(theirs.err()).toMatch(/OFPT_FEATURES_REPLY/);
      expect({ code: b, out: ours.out(), err: strip(ours.err()) }).toEqual({ code: a, out: theirs.out(), err: strip(theirs.err()) });
    }, 120_000);
  }

  it("a missing bridge, and a missing argument", async () => {
    const { ours, theirs } = ofctlPair(() => v);
    for (const args of [["snoop", "nobr"], ["snoop", "unix:/nonexistent/x.snoop"]]) expect(await ours(args), args.join(" ")).toEqual(theirs(args));
  }, 60_000);
});
