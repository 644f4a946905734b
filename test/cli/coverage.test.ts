/**
 * The coverage counters of the CLI's daemons (src/cli/coverage.ts) against figures `ovs-ofctl monitor` 3.1
 * printed for `coverage/show`: the hash of the hit counters' ranking, the line format, the counters' order,
 * and the rates Open vSwitch's coverage_run() computes over 5-second slots (a fake clock).
 */
import { describe, expect, it } from "vitest";
import { Coverage, OFCTL_COVERAGE_COUNTERS } from "../../src/cli/coverage.js";

/** Sets each counter's total (names ovn-ts never increments included, as ovs-ofctl's own counters). */
function withTotals(totals: Record<string, number>, now?: () => number): Coverage {
  const c = new Coverage(OFCTL_COVERAGE_COUNTERS, now);
  for (const [name, n] of Object.entries(totals)) {
    for (let i = 0; i < n; i++) c.inc(name as never);
    c.read(name);
  }
  return c;
}

describe("Coverage", () => {
  it("coverage/show as ovs-ofctl monitor printed it (hash, order, formats, never-hit count)", () => {
    // ovs-ofctl monitor br0, 2026-12-07, captured with ovs-appctl coverage/show
    const c = withTotals({ hmap_pathological: 4, hmap_expand: 14, poll_create_node: 9, seq_change: 3, util_xalloc: 151, vconn_open: 2, vconn_received: 2, vconn_sent: 3, pstream_open: 1, stream_open: 2 });
    expect(c.showText()).toBe(
      [
        "Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=ac3854a9:",
        "hmap_pathological          0.0/sec     0.000/sec        0.0000/sec   total: 4",
        "hmap_expand                0.0/sec     0.000/sec        0.0000/sec   total: 14",
        "poll_create_node           0.0/sec     0.000/sec        0.0000/sec   total: 9",
        "seq_change                 0.0/sec     0.000/sec        0.0000/sec   total: 3",
        "util_xalloc                0.0/sec     0.000/sec        0.0000/sec   total: 151",
        "vconn_open                 0.0/sec     0.000/sec        0.0000/sec   total: 2",
        "vconn_received             0.0/sec     0.000/sec        0.0000/sec   total: 2",
        "vconn_sent                 0.0/sec     0.000/sec        0.0000/sec   total: 3",
        "pstream_open               0.0/sec     0.000/sec        0.0000/sec   total: 1",
        "stream_open                0.0/sec     0.000/sec        0.0000/sec   total: 2",
        "100 events never hit",
        "",
      ].join("\n"),
    );
  });

  it("the hash of a ranking with ties (a second ovs-ofctl capture)", () => {
    const c = withTotals({ hmap_pathological: 4, hmap_expand: 28, poll_create_node: 73, seq_change: 3, unixctl_received: 7, unixctl_replied: 7, util_xalloc: 601, vconn_open: 2, vconn_received: 4, vconn_sent: 5, pstream_open: 1, stream_open: 2 });
    expect(c.hash().toString(16)).toBe("2fc1d53f");
    expect(c.showText()).toMatch(/\n98 events never hit\n$/);
  });

  it("increments reach the totals a second after the last fold; read-counter folds at once; unknown counters", () => {
    let now = 0;
    const c = new Coverage(OFCTL_COVERAGE_COUNTERS, () => now);
    c.poll();
    c.inc("vconn_sent");
    now = 500;
    c.poll();
    expect(c.showText()).toMatch(/^110 events never hit$/m);
    now = 1000;
    c.poll();
    expect(c.showText()).toMatch(/^vconn_sent .* total: 1$/m);
    c.inc("vconn_sent");
    expect(c.read("vconn_sent")).toBe(2);
    expect(c.read("dpif_flow_put")).toBe(0);
    expect(c.read("nosuch")).toBeUndefined();
    expect(OFCTL_COVERAGE_COUNTERS).toHaveLength(110);
  });

  it("rates over the last 5 s, minute and hour, as coverage_run() spreads counts over the slots that passed", () => {
    let now = 0;
    const c = new Coverage(OFCTL_COVERAGE_COUNTERS, () => now);
    c.poll(); // first poll: the fold is due at 1000, the run at 5000
    for (let i = 0; i < 10; i++) c.inc("vconn_received");
    now = 1100;
    c.poll();
    now = 5000;
    c.poll(); // one slot: 10 in it
    expect(c.showText()).toMatch(/^vconn_received {13}2\.0\/sec {5}0\.167\/sec {8}0\.0028\/sec {3}total: 10$/m);
    for (let i = 0; i < 7; i++) c.inc("vconn_received");
    now = 21_000;
    c.poll(); // fold, then 3 slots (10000-20000 late): 7 split 2, 2, 2+1
    expect(c.showText()).toMatch(/^vconn_received {13}0\.6\/sec {5}0\.283\/sec {8}0\.0047\/sec {3}total: 17$/m);
  });
});
