/**
 * `ovn-ts ofctl -v[SPEC]` / `--verbose[=SPEC]` beside `ovs-ofctl` 3.1 against a private ovs-vswitchd: the
 * vconn layer's debug lines (`sent (Success): ...`, `received: ...`, `negotiated OpenFlow version ...`),
 * ofctl's `connecting to`, stream_unix's failed tries of a bridge name, patterns, levels per destination,
 * the log file (to the millisecond) and bad specs. Stdout, stderr (time stamps and the switch's HELLO xid
 * masked) and exit status compared.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { ofctlPair } from "./ofctl-pair.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl -v and --verbose beside ovs-ofctl", () => {
  let v: Vswitchd;
  const rundir = process.env["OVS_RUNDIR"];
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow13,OpenFlow15");
    v.ofctl("add-flow", v.mgmt, "priority=5,ip,actions=output:1");
    // bridge names are looked up in OVS_RUNDIR, by ovn-ts (in this process) as by ovs-ofctl
    process.env["OVS_RUNDIR"] = v.dir;
  }, 120_000);
  afterAll(() => {
    if (rundir === undefined) delete process.env["OVS_RUNDIR"];
    else process.env["OVS_RUNDIR"] = rundir;
    v?.stop();
  });

  const norm = (s: string) =>
    s
      .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\|/gm, "TIME|")
      .replace(/duration=[0-9.]+s/g, "duration=Xs")
      .replace(/idle_age=\d+/g, "idle_age=X")
      .replace(/received: OFPT_HELLO \(OF1\.5\) \(xid=0x[0-9a-f]+\)/g, "received: OFPT_HELLO (OF1.5) (xid=X)")
      .replaceAll(v.dir, "DIR");
  const { ours, theirs } = ofctlPair(() => v, { out: norm, err: norm });

  it("vconn, ofctl and stream_unix debug lines, patterns and levels as ovs-ofctl's", async () => {
    const cases = [
      ["-vvconn", "dump-flows", "br0"],
      ["-vvconn", "-vofctl", "-vstream_unix", "-O", "OpenFlow13", "dump-desc", "br0"],
      ["--verbose=vconn:console:dbg", "dump-tables", v.mgmt],
      ["-vvconn", "-vofctl", "dump-flows", v.mgmt],
      ["-vPATTERN:console:%c|%p|%m", "-vvconn", "dump-desc", v.mgmt],
      ["-vconsole:off", "-vvconn", "dump-desc", v.mgmt],
      ["-vvconn:console:warn", "dump-desc", v.mgmt],
      ["-vvconn", "show", v.mgmt],
      ["-vvconn", "-O", "OpenFlow13", "show", v.mgmt],
      ["--no-names", "-vvconn", "-O", "OpenFlow13", "add-flow", v.mgmt, "priority=3,actions=output:1"],
      ["-vvconn", "-vstream_unix", "dump-flows", "nobridge"],
      ["-vbogus", "dump-flows", v.mgmt],
      ["-vvconn:nowhere", "dump-flows", v.mgmt],
      ["--verbose=vconn:console:dbg:info", "dump-flows", v.mgmt],
    ];
    for (const args of cases) {
      const t = theirs(args);
      expect(await ours(args), args.join(" ")).toEqual(t);
    }
    // the cases above are not vacuous: ovs-ofctl logged what is compared
    expect(theirs(["-vvconn", "dump-flows", "br0"]).err).toMatch(/^TIME\|00003\|vconn\|DBG\|unix:DIR\/br0.mgmt: negotiated OpenFlow version 0x01 \(we support version 0x01, peer supports versions 0x01, 0x04, 0x06\)$/m);
  }, 120_000);

  it("--log-file with -vvconn:file:dbg: the file's lines (milliseconds) as ovs-ofctl's, the console untouched", async () => {
    const results: Record<string, unknown> = {};
    for (const [who, run] of [
      ["ovs", theirs],
      ["ours", ours],
    ] as const) {
      const log = join(v.dir, `verbose-${who}.log`);
      const r = await run([`--log-file=${log}`, "-vvconn:file:dbg", "-O", "OpenFlow13", "dump-desc", v.mgmt]);
      // (the run's stderr is normalised already: its directory is DIR)
      results[who] = { ...r, err: r.err.replace(`DIR/verbose-${who}.log`, "LOG"), log: norm(readFileSync(log, "utf8").replaceAll(log, "LOG")) };
    }
    expect((results["ovs"] as { log: string }).log).toMatch(/^TIME\|00002\|vconn\|DBG\|unix:DIR\/br0.mgmt: sent \(Success\): OFPT_HELLO \(OF1.3\)/m);
    expect(results["ours"]).toEqual(results["ovs"]);
  }, 120_000);
});
