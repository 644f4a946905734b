/**
 * Port and table names in `ovn-ts ofctl` beside `ovs-ofctl` 3.1, against a private ovs-vswitchd whose ports
 * have plain and odd names (`p1`, `p 3`, `my,port`, `LOCALx`, `123`) and whose table 1 is named `mytable`:
 * names accepted in flows (bare or quoted, numbers and reserved names first), printed with `--names` (and by
 * default when standard output is a terminal, quoted as JSON strings when not a letter and letters and digits),
 * never with `--no-names` or into a pipe (flows, port stats, group buckets); `dump-ports PORT` by name. Stdout, stderr and exit status compared.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli } from "../support/daemons.js";
import { havePeer, peers } from "../support/peers.js";
import { ofctlPair } from "./ofctl-pair.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";

/** Flows added by each tool in turn (OpenFlow 1.3), some refused. */
const FLOWS = [
  "in_port=p2,actions=output(port=p2,max_len=100),bundle(eth_src,0,hrw,ofport,members:p1,p2,LOCALx),clone(output:LOCALx)",
  "table=2,in_port=LOCALx,actions=sample(probability=1,collector_set_id=1,obs_domain_id=1,obs_point_id=1,sampling_port=p1),goto_table:3",
  "priority=12,actions=sample(probability=1,collector_set_id=1,obs_domain_id=1,obs_point_id=1,sampling_port=nope)",
  "table=3,ip,actions=ct(commit,table=1),resubmit(,1),resubmit(p1,1),resubmit:p2",
  "in_port=LOCAL,actions=output:p1",
  'in_port="123",actions=output:"123"',
  "in_port=123,actions=drop",
  'priority=5,actions=output:"my,port"',
  'priority=6,actions=output:"LOCALx",output:"p 3"',
  'priority=7,actions=enqueue("p 3",1)',
  "priority=8,actions=output:nope",
  "priority=9,in_port=nope,actions=drop",
  "priority=10,in_port=p1,actions=write_actions(output:p2)",
  "priority=11,actions=bundle(eth_src,0,hrw,ofport,members:p1,nope)",
  // tables by the switch's names (table 1 is "mytable"), and a name it does not have
  "table=mytable,priority=13,ip,actions=drop",
  "priority=14,ip,actions=resubmit(,mytable),goto_table:mytable",
  "priority=15,in_port=p1,actions=resubmit(p2,mytable)",
  "table=nosuch,actions=drop",
  "priority=16,actions=goto_table:nosuch",
  "priority=17,actions=resubmit(,nosuch)",
  // ct's recirculation table and learn's table by name too
  "priority=18,ip,actions=ct(commit,table=mytable)",
  "priority=19,actions=learn(table=mytable,NXM_OF_IN_PORT[])",
  "priority=20,ip,actions=ct(table=nosuch)",
  "priority=21,actions=learn(table=nosuch)",
];

/**
 * Flows added without -O (OpenFlow 1.0 and NXM). A set_field of in_port is here: ovn-ts's OpenFlow 1.3
 * encoding of it is refused by the switch (OFPBAC_BAD_SET_ARGUMENT), whatever the port is called.
 */
const OF10_FLOWS = ["in_port=p2,actions=set_field:p1->in_port,output:LOCALx", "actions=set_field:nope->in_port", "table=mytable,priority=3,actions=resubmit(,mytable)"];

/** Reads, with FLOWS' accepted flows installed, per version (`-O`; none: OpenFlow 1.0). */
const READS = [
  ["--names", "dump-flows"],
  ["dump-flows"],
  ["--names", "--no-stats", "dump-flows"],
  ["--names", "--rsort=in_port", "dump-flows"],
  ["--names", "dump-flows", "in_port=p1"],
  ["--names", "dump-flows", "table=mytable"],
  ["dump-flows", "table=nosuch"],
  ["--names", "--no-names", "dump-flows"],
  ["--names", "dump-aggregate"],
  ["--names", "dump-ports"],
  ["dump-ports", "p1"],
  ["dump-ports", '"p 3"'],
  ["--names", "dump-ports", "LOCALx"],
  ["dump-ports", "nope"],
  ["--no-names", "dump-ports", "p1"],
  ["--names", "show"],
  ["--names", "dump-groups"],
  ["dump-groups"],
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl port and table names beside ovs-ofctl", () => {
  let v: Vswitchd;
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow13,OpenFlow15");
    for (const [name, no] of [["p 3", 3], ["my,port", 4], ["LOCALx", 5], ["123", 6]] as const) {
      v.vsctl("add-port", "br0", name, "--", "set", "interface", name, "type=dummy", `ofport_request=${no}`);
    }
    v.vsctl("--", "--id=@ft", "create", "Flow_Table", "name=mytable", "--", "set", "bridge", "br0", "flow_tables:1=@ft");
    v.ofctl("add-group", v.mgmt, "group_id=1,type=select,bucket=output:p1,bucket=watch_port:p2,output:2");
    v.ofctl("add-group", v.mgmt, 'group_id=2,type=ff,bucket=watch_port:"123",actions=output:"123"');
    dir = mkdtempSync(join(tmpdir(), "ofctl-names-"));
    cli = bundleCli(dir);
  }, 120_000);
  afterAll(() => {
    v?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const norm = (s: string) => s.replace(/duration=[0-9.]+s/g, "duration=Xs").replace(/idle_age=\d+/g, "idle_age=X");
  const err = (s: string) => s.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\|/gm, "TIME|");
  const { ours, theirs } = ofctlPair(() => v, { out: norm, err });
  const table = () => norm(v.ofctl("-O", "OpenFlow13", "--names", "--sort", "dump-flows", v.mgmt));

  it("flows with port names: the same refusals, the same table", async () => {
    for (const [version, flow] of [...FLOWS.map((f) => [["-O", "OpenFlow13"], f] as const), ...OF10_FLOWS.map((f) => [[], f] as const)]) {
      const args = [...version, "add-flow", v.mgmt, flow];
      v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
      const t = theirs(args);
      const afterTheirs = table();
      v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
      expect(await ours(args), flow).toEqual(t);
      expect(table(), flow).toBe(afterTheirs);
    }
  }, 120_000);

  for (const version of [undefined, "OpenFlow13", "OpenFlow15"]) {
    it(`${version ?? "no -O"}: reads print ports and tables as ovs-ofctl's`, async () => {
      v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
      for (const flow of FLOWS) spawnSync("ovs-ofctl", ["-O", "OpenFlow13", "add-flow", v.mgmt, flow], { env: v.env });
      for (const cmd of READS) {
        const at = cmd.findIndex((a) => !a.startsWith("-")) + 1;
        const args = [...(version ? ["-O", version] : []), ...cmd.slice(0, at), v.mgmt, ...cmd.slice(at)];
        expect(await ours(args), args.join(" ")).toEqual(theirs(args));
      }
    }, 120_000);
  }

  it.skipIf(!havePeer("script"))("without --names: names when standard output is a terminal, numbers into a pipe", () => {
    v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
    spawnSync("ovs-ofctl", ["add-flow", v.mgmt, 'in_port=p1,actions=output:p2,output:"123"'], { env: v.env });
    // `script` gives the command a terminal for its standard output
    const tty = (cmd: string) => norm(spawnSync("script", ["-qec", cmd, "/dev/null"], { env: v.env, encoding: "utf8" }).stdout);
    const theirsTty = tty(`ovs-ofctl dump-flows ${v.mgmt}`);
    expect(theirsTty).toMatch(/in_port=p1 actions=output:p2,output:"123"/);
    expect(tty(`${process.execPath} ${cli} ofctl dump-flows ${v.mgmt}`)).toBe(theirsTty);
    const pipe = (program: string, args: string[]) => norm(spawnSync(program, args, { env: v.env, encoding: "utf8" }).stdout);
    const theirsPipe = pipe("ovs-ofctl", ["dump-flows", v.mgmt]);
    expect(theirsPipe).toMatch(/in_port=1 actions=output:2,output:6/);
    expect(pipe(process.execPath, [cli, "ofctl", "dump-flows", v.mgmt])).toBe(theirsPipe);
  }, 120_000);
});
