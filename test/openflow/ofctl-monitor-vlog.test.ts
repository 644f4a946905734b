/**
 * The `vlog/*` commands on `ovn-ts ofctl monitor`'s control socket beside `ovs-ofctl monitor`'s, driven by the
 * real `ovs-appctl`: `vlog/list` before and after `vlog/set` specs (good and bad), `vlog/list-pattern` after
 * `PATTERN:` changes, a warning the monitor logs printed in the pattern set (and not at all below its
 * level), `vlog/reopen` and `vlog/close` without and with `--log-file` (the log file's lines compared),
 * `vlog/enable-rate-limit` / `vlog/disable-rate-limit`: replies, exit status and what each monitor prints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { type ControlRun, controlSequence } from "./ofctl-monitor-run.js";

const ARP = "ffffffffffff000000000001080600010800060400010000000000010a0000010000000000000a000002";

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor's vlog/* commands against ovs-ofctl's", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  }, 60_000);
  afterAll(() => v?.stop());

  it("vlog/list, vlog/set, vlog/list-pattern, rate limits, reopen and close without a log file", async () => {
    const sequence: string[][] = [
      ["vlog/list"],
      ["vlog/list-pattern"],
      ["vlog/set", "ofctl:file:dbg"],
      ["vlog/set", "nosuch:dbg"],
      ["vlog/set", "ofctl:nosuch"],
      ["vlog/set", "ofctl:console:bogus"],
      ["vlog/set", "ANY:syslog:off"],
      ["vlog/set", "vconn:console:info:extra"],
      ["vlog/set", "vconn:console:warn", "stream:err"],
      ["vlog/set", "ofp_port", "a"],
      ["vlog/set", "vconn:file:emer:syslog"],
      ["vlog/set", "warn:err"],
      ["vlog/set", "FACILITY:local3"],
      ["vlog/set", "FACILITY:nowhere"],
      ["vlog/list"],
      ["vlog/set", "PATTERN:console:%c|%p|%05N %m"],
      ["vlog/set", "PATTERN:bogus:%m"],
      ["vlog/set", "PATTERN"],
      ["vlog/set", "PATTERN:syslog"],
      ["vlog/list-pattern"],
      ["vlog/set", "console:info"],
      ["ofctl/packet-out", `in_port=65300 packet=${ARP} actions=output:2`],
      ["vlog/disable-rate-limit", "ofctl", "vconn"],
      ["vlog/enable-rate-limit", "nosuch"],
      ["vlog/list"],
      ["vlog/enable-rate-limit"],
      ["vlog/disable-rate-limit", "ANY"],
      ["vlog/enable-rate-limit", "vconn"],
      ["vlog/list"],
      ["vlog/reopen"],
      ["vlog/close"],
      ["exit"],
    ];
    const results: Record<string, ControlRun> = {};
    for (const who of ["ovs", "ours"] as const) results[who] = await controlSequence(v, who, [], sequence);
    expect(results["ovs"]!.err).toMatch(/ofp_port\|WARN\|00001 port 65300/);
    expect(results["ours"]).toEqual(results["ovs"]);
  }, 120_000);


  it("--log-file: the log file's lines, vlog/reopen, vlog/close then reopen, a level that keeps a warning out", async () => {
    const sequence: string[][] = [
      ["vlog/reopen"],
      ["vlog/set", "ofp_port:file:err"],
      ["ofctl/packet-out", `in_port=65300 packet=${ARP} actions=output:2`],
      ["vlog/close"],
      ["vlog/reopen"],
      ["vlog/reopen"],
      ["vlog/list"],
      ["exit"],
    ];
    const results: Record<string, ControlRun & { log: string }> = {};
    for (const who of ["ovs", "ours"] as const) {
      const log = join(v.dir, `${who}.log`);
      const run = await controlSequence(v, who, [`--log-file=${log}`], sequence);
      const text = existsSync(log) ? readFileSync(log, "utf8") : "";
      // times and the file's own name differ between the two runs
      results[who] = { ...run, log: text.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|/gm, "TIME|").replaceAll(log, "LOG"), err: run.err.replace(/DIR\/(ovs|ours)\.log/g, "LOG") };
    }
    expect(results["ovs"]!.log).toMatch(/vlog\|INFO\|opened log file LOG/);
    expect(results["ours"]).toEqual(results["ovs"]);
  }, 120_000);
});
