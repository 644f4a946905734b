/**
 * `ovn-ts ofctl` against a private ovs-vswitchd, compared with `ovs-ofctl` on the same bridge (stdout, stderr
 * and exit status): the switch commands over OpenFlow 1.1 and 1.2 (a write leaves the table ovs-ofctl
 * leaves), and the group, meter, conntrack and IPFIX commands, including ovs-ofctl's Nicira forms over
 * OpenFlow 1.0 (NXST_GROUP_DESC, NXST_GROUP, NXST_GROUP_FEATURES, NXT_CT_FLUSH_ZONE, NXT_CT_FLUSH, NXST_IPFIX_*) and its errors for what a
 * version lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

const FLOWS = [
  "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:1",
  "table=1,priority=5,tcp,tp_dst=80,actions=drop",
  // field writes: over OpenFlow 1.1 the switch sends them as 1.1's own actions (OFPAT_SET_NW_TOS, ...)
  "table=3,priority=4,udp,actions=mod_nw_tos:4,mod_nw_ecn:1,mod_dl_dst:00:01:02:03:04:05,mod_nw_dst:1.2.3.4,mod_tp_src:7,mod_vlan_vid:5,mod_vlan_pcp:2,output:1",
  "table=3,priority=5,mpls,actions=set_mpls_label(5),set_mpls_tc(3),dec_mpls_ttl,output:2",
];
const READS = [["dump-tables"], ["dump-flows"], ["dump-flows", "ip"], ["dump-aggregate"], ["show"], ["dump-desc"], ["dump-ports"], ["dump-ports-desc"], ["dump-groups"], ["dump-group-stats"], ["dump-meters"], ["dump-table-features"]];
const WRITES = [
  ["add-flow", "table=2,priority=7,udp,actions=drop"],
  ["--strict", "mod-flows", "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:2"],
  ["mod-flows", "ip,actions=output:3"],
  ["--strict", "del-flows", "priority=10,ip,nw_dst=10.0.0.0/24"],
  ["del-flows", "tcp"],
  ["del-flows"],
  // field writes OpenFlow 1.1 carries as its own actions, 1.2 as set_field
  ["add-flow", "table=2,priority=7,ip,actions=mod_nw_tos:4,mod_nw_src:1.2.3.4,mod_dl_src:00:01:02:03:04:05,dec_ttl,mod_nw_ttl:9,output:1"],
  ["add-flow", "table=2,priority=8,udp,actions=mod_tp_dst:53,mod_nw_ecn:2,mod_vlan_vid:9,mod_vlan_pcp:1,output:2"],
  ["add-flow", "table=2,priority=9,mpls,actions=set_mpls_label(5),set_mpls_tc(3),output:1"],
  ["--strict", "mod-flows", "priority=10,ip,nw_dst=10.0.0.0/24,actions=set_field:10.0.0.1->ip_dst,set_field:2->ip_dscp,output:2"],
];
const GROUPS = ["group_id=1,type=all,bucket=output:1", "group_id=4,type=all,bucket=mod_dl_src:00:01:02:03:04:05,mod_nw_ecn:2,output:1", "group_id=2,type=select,bucket=weight:5,output:1,bucket=watch_port:2,output:2", "group_id=3,type=ff,bucket=watch_port:1,output:1"];
/** Group, meter, conntrack and IPFIX commands, without -O (OpenFlow 1.0 + Nicira) and with each version. */
const EXTRAS = [
  ["dump-groups"],
  ["dump-groups", "2"],
  ["dump-groups", "all"],
  ["dump-group-stats"],
  ["dump-group-stats", "group_id=1"],
  ["dump-group-stats", "1"],
  ["dump-meters"],
  ["meter-stats"],
  ["dump-meters", "meter=1"],
  ["ct-flush-zone", "5"],
  ["ct-flush-zone", "70000"],
  ["dump-ipfix-bridge"],
  ["dump-ipfix-flow"],
  ["dump-group-features"],
  ["ct-flush"],
  ["ct-flush", "zone=5"],
  ["ct-flush", "zone=5", "ct_nw_src=10.0.0.1,ct_nw_dst=10.0.0.2,ct_nw_proto=6,ct_tp_src=80,ct_tp_dst=8080", "ct_nw_src=10.0.0.2,ct_nw_dst=10.0.0.1,ct_tp_src=8080,ct_tp_dst=80"],
  ["ct-flush", "ct_ipv6_src=fd18::1,ct_nw_proto=58,icmp_id=3,icmp_type=128,icmp_code=0"],
  ["ct-flush", "", "ct_nw_src=1.2.3.4"],
  ["ct-flush", "zone=x"],
  ["ct-flush", "ct_nw_src=1.2.3.4,ct_tp_src=5"],
  ["ct-flush", "ct_nw_src=1.2.3.4", "ct_ipv6_dst=::1"],
  ["ct-flush", "icmp_type=1"],
  ["ct-flush", "foo=1"],
];
/** Group writes with --bundle (an existing group makes the bundle fail and be discarded). */
const BUNDLED = [
  ["--bundle", "add-group", "group_id=10,type=all,bucket=output:1"],
  ["--bundle", "add-group", "group_id=1,type=all,bucket=output:1"],
  ["--bundle", "mod-group", "group_id=1,type=all,bucket=output:2"],
  ["--bundle", "--may-create", "mod-group", "group_id=11,type=all,bucket=output:2"],
  ["--bundle", "del-groups", "group_id=1"],
  ["--bundle", "del-groups"],
  ["--bundle", "insert-buckets", "group_id=2,command_bucket_id=last,bucket=bucket_id:7,output:3"],
  ["--bundle", "remove-buckets", "group_id=2,command_bucket_id=all"],
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl: OpenFlow 1.1/1.2, groups, meters, ct and IPFIX against ovs-ofctl", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
  }, 60_000);
  afterAll(() => v?.stop());

  const norm = (s: string) => s.replace(/duration=[0-9.]+s/g, "duration=Xs").replace(/idle_age=\d+/g, "idle_age=X");
  const { ours, theirs } = ofctlPair(() => v, { out: norm });
  const table = () => v.ofctl("-O", "OpenFlow13", "--no-stats", "--sort", "dump-flows", v.mgmt);
  const reset = () => {
    v.ofctl("-O", "OpenFlow13", "del-flows", v.mgmt);
    for (const f of FLOWS) v.ofctl("-O", "OpenFlow13", "add-flow", v.mgmt, f);
  };
  const argsOf = (pre: string[], cmd: string[]) => {
    const at = cmd.findIndex((a) => !a.startsWith("-")) + 1;
    return [...pre, ...cmd.slice(0, at), v.mgmt, ...cmd.slice(at)];
  };

  for (const version of ["OpenFlow11", "OpenFlow12"]) {
    it(`${version}: reads print as ovs-ofctl's, errors included`, async () => {
      reset();
      for (const cmd of READS) {
        const args = argsOf(["-O", version], cmd);
        expect(await ours(args), args.join(" ")).toEqual(theirs(args));
      }
    }, 120_000);

    it(`${version}: writes leave the table ovs-ofctl leaves`, async () => {
      for (const cmd of WRITES) {
        const args = argsOf(["-O", version], cmd);
        reset();
        const t = theirs(args);
        const afterTheirs = table();
        reset();
        expect(t.code, `${args.join(" ")}: ${t.err}`).toBe(0);
        expect(await ours(args), args.join(" ")).toEqual(t);
        expect(table(), args.join(" ")).toBe(afterTheirs);
      }
    }, 120_000);
  }

  it("group, meter, ct and IPFIX commands print as ovs-ofctl's, with and without -O", async () => {
    for (const g of GROUPS) v.ofctl("-O", "OpenFlow13", "add-group", v.mgmt, g);
    for (const pre of [[], ["-O", "OpenFlow11"], ["-O", "OpenFlow12"], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"]]) {
      for (const cmd of EXTRAS) {
        const args = argsOf(pre, cmd);
        expect(await ours(args), args.join(" ")).toEqual(theirs(args));
      }
    }
  }, 180_000);

  it("--bundle group writes: output, exit status and group table as ovs-ofctl's", async () => {
    // the switch lists groups in hash order
    const groups = () => v.ofctl("-O", "OpenFlow15", "dump-groups", v.mgmt).split("\n").slice(1).sort().join("\n");
    const resetGroups = () => {
      v.ofctl("-O", "OpenFlow13", "del-groups", v.mgmt);
      for (const g of GROUPS) v.ofctl("-O", "OpenFlow13", "add-group", v.mgmt, g);
    };
    const file = join(mkdtempSync(join(tmpdir(), "ovn-ts-bundle-")), "groups.txt");
    writeFileSync(file, "group_id=20,type=all,bucket=output:1\ngroup_id=21,type=indirect,bucket=output:2\n");
    const fileBad = `${file}.bad`;
    writeFileSync(fileBad, "group_id=22,type=all,bucket=output:1\ngroup_id=1,type=all,bucket=output:2\n");
    const cases = [...BUNDLED, ["--bundle", "add-groups", file], ["--bundle", "add-groups", fileBad]];
    try {
      for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow14"], ["-O", "OpenFlow15"], ["-O", "OpenFlow10,OpenFlow15"]]) {
        for (const cmd of cases) {
          const args = argsOf(pre, cmd);
          resetGroups();
          const t = theirs(args);
          const after = groups();
          resetGroups();
          expect(await ours(args), args.join(" ")).toEqual(t);
          expect(groups(), args.join(" ")).toBe(after);
        }
      }
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  }, 240_000);

  it("IPFIX statistics of a configured bridge and collector set print as ovs-ofctl's", async () => {
    // collectors on a loopback port nobody listens on: the exporters count, nothing leaves the host
    v.vsctl("--", "set", "bridge", "br0", "ipfix=@i", "--", "--id=@i", "create", "IPFIX", 'targets="127.0.0.1:4739"');
    v.vsctl("--", "--id=@br", "get", "bridge", "br0", "--", "--id=@f", "create", "IPFIX", 'targets="127.0.0.1:4740"', "--", "create", "Flow_Sample_Collector_Set", "id=7", "bridge=@br", "ipfix=@f");
    try {
      for (const [cmd, shows] of [["dump-ipfix-bridge", "bridge ipfix: flows="], ["dump-ipfix-flow", " 1 ids\n  id   7: flows="]] as const) {
        const args = argsOf([], [cmd]);
        const t = theirs(args);
        expect(t.out, args.join(" ")).toContain(shows);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    } finally {
      v.vsctl("clear", "bridge", "br0", "ipfix");
      v.vsctl("--all", "destroy", "Flow_Sample_Collector_Set");
    }
  }, 60_000);
});
