/**
 * `coverage/show` and `coverage/read-counter` on `ovn-ts ofctl monitor`'s control socket beside
 * `ovs-ofctl monitor`'s, driven by the real `ovs-appctl`: the counters ovn-ts keeps (connections and streams
 * opened, OpenFlow messages sent and received, control-socket requests received and replied, the listening
 * socket) read the same, a counter neither touches reads 0, an unknown one `No such counter`, bad argument
 * counts the same errors. `coverage/show` is compared on those counters' lines (rates masked) and its format;
 * ovs-ofctl's own hash is recomputed from its printed totals.
 */
import { describe, expect, it } from "vitest";
import { beforeAll, afterAll } from "vitest";
import { Coverage, OFCTL_COVERAGE_COUNTERS } from "../../src/cli/coverage.js";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { type ControlRun, controlSequence } from "./ofctl-monitor-run.js";

/** The counters ovn-ts increments. */
const KEPT = ["vconn_open", "vconn_received", "vconn_sent", "stream_open", "pstream_open", "unixctl_received", "unixctl_replied"];

/** A coverage/show reply reduced to what both tools must agree on: the kept counters' lines, rates masked. */
function kept(show: string): string {
  return show
    .split("\n")
    .filter((l) => KEPT.includes(l.split(" ")[0]!) || l.startsWith("Event coverage") || l.startsWith("coverage/show"))
    .map((l) => l.replace(/hash=[0-9a-f]{8}/, "hash=H").replace(/ +[0-9.]+\/sec/g, " R/sec"))
    .map((l) => (l.startsWith("unixctl_") ? l.replace(/total: \d+$/, "total: N") : l))
    .join("\n");
}

/**
 * The control-socket totals in a coverage/show reply. They are folded once a second at a wakeup, and
 * whether the wakeup of the request right after the pause folds that request too is a race in
 * ovs-ofctl itself (its totals read 14 or 15 from run to run), so they are checked apart.
 */
function unixctlTotals(show: string): number[] {
  return [...show.matchAll(/^unixctl_(?:received|replied) .* total: (\d+)$/gm)].map((m) => Number(m[1]));
}

/** The hash a coverage/show reply prints, and the one its totals give. */
function hashes(show: string): { printed: string; computed: string } {
  const c = new Coverage();
  for (const m of show.matchAll(/^(\w+) +[0-9.]+\/sec +[0-9.]+\/sec +[0-9.]+\/sec +total: (\d+)$/gm)) {
    expect(OFCTL_COVERAGE_COUNTERS, m[1]).toContain(m[1]);
    for (let i = 0; i < Number(m[2]); i++) c.inc(m[1] as never);
    c.read(m[1]!);
  }
  return { printed: /hash=([0-9a-f]{8})/.exec(show)?.[1] ?? "", computed: c.hash().toString(16).padStart(8, "0") };
}

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor's coverage/* commands against ovs-ofctl's", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  }, 60_000);
  afterAll(() => v?.stop());

  it("read-counter of the kept counters, an untouched one, unknown ones; show on the kept counters", async () => {
    const sequence: string[][] = [
      ...KEPT.map((k) => ["coverage/read-counter", k]),
      ["coverage/read-counter", "dpif_flow_put"],
      ["coverage/read-counter", "nosuch"],
      ["coverage/read-counter"],
      ["coverage/read-counter", "vconn_sent", "vconn_open"],
      ["coverage/show", "extra"],
      // a message to the switch and its reply, then a pause: the next wakeup folds every increment into the totals
      ["ofctl/send", "0102000800000063"],
      ["ofctl/barrier"],
      ["@sleep", "1300"],
      ["list-commands"],
      ["coverage/show"],
      ...KEPT.map((k) => ["coverage/read-counter", k]),
      ["exit"],
    ];
    const results: Record<string, ControlRun> = {};
    for (const who of ["ovs", "ours"] as const) results[who] = await controlSequence(v, who, [], sequence);
    const show = (r: ControlRun) => r.appctl.find((a) => a.startsWith("coverage/show ->"))!;
    for (const who of ["ovs", "ours"]) {
      const h = hashes(show(results[who]!));
      expect(h.computed, `${who}'s hash`).toBe(h.printed);
    }
    expect(show(results["ovs"]!)).toMatch(/^vconn_sent +[0-9.]+\/sec .* total: \d+$/m);
    const comparable = (r: ControlRun) => ({ ...r, appctl: r.appctl.map((a) => (a.startsWith("coverage/show ->") ? kept(a) : a)) });
    expect(comparable(results["ours"]!)).toEqual(comparable(results["ovs"]!));
    // every request before coverage/show is in the totals, or all but the one whose wakeup folded them
    const before = sequence.slice(0, sequence.findIndex((c) => c[0] === "coverage/show" && c.length === 1)).filter((c) => !c[0]!.startsWith("@")).length;
    for (const who of ["ovs", "ours"]) {
      const t = unixctlTotals(show(results[who]!));
      expect(t, `${who}'s control-socket totals`).toHaveLength(2);
      for (const n of t) expect([before - 1, before], `${who}'s control-socket totals`).toContain(n);
    }
    // never-hit counts differ by the counters only Open vSwitch's C code increments (allocations, poll loop...)
    expect(show(results["ours"]!)).toMatch(/^\d+ events never hit$/m);
  }, 120_000);
});
