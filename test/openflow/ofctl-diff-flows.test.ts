/**
 * `ovn-ts ofctl diff-flows` and `replace-flows` side by side with `ovs-ofctl` on a private ovs-vswitchd:
 * stdout (the `-`/`+` lines in ovs-ofctl's order, not sorted), stderr, exit status, and for replace-flows
 * the flow table afterwards. The cases of ovs-ofctl.at ("diff-flows", "diff-flows - tunnel metadata",
 * "diff-flows - suppress false differences", "replace-flows with importance", "replace-flows with
 * --bundle") plus files and switches in every order, -O OpenFlow10/13/14/15, --readd, --bundle (a refused
 * bundle's error lines and xids), and bad files (file:line errors, a missing file, a name that is no source).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";

/** Log lines' time stamps, which two runs cannot share. */
const stamps = (s: string) => s.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/gm, "TIME|");

/** The switch's flows before each case: several tables, masks and priorities, cookies and timeouts. */
const BASE = [
  "priority=5,ip,actions=output:1",
  "dl_vlan=7,actions=drop",
  "actions=drop",
  "priority=7,tcp,tp_dst=80,actions=output:2",
  "priority=9,arp,actions=drop",
  "table=1,priority=10,ip,actions=output:2",
  "table=1,cookie=0x5,idle_timeout=60,priority=20,tcp,actions=output:1",
  "table=2,in_port=1,dl_src=00:00:00:00:00:01,actions=resubmit(,3)",
  "priority=100,ip,nw_src=10.0.0.0/8,actions=mod_nw_tos:4,output:2",
  "priority=100,ip,nw_src=10.1.0.0/16,actions=drop",
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl diff-flows / replace-flows against ovs-ofctl", () => {
  let v: Vswitchd;
  let dir: string;
  const rundir = process.env["OVS_RUNDIR"];
  beforeAll(async () => {
    v = await startVswitchd();
    // a bridge name (br0) is looked up in $OVS_RUNDIR by both tools
    process.env["OVS_RUNDIR"] = v.dir;
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-diff-flows-"));
  }, 60_000);
  afterAll(() => {
    if (rundir === undefined) delete process.env["OVS_RUNDIR"];
    else process.env["OVS_RUNDIR"] = rundir;
    v?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const { ours, theirs } = ofctlPair(() => v, { err: stamps });
  const table = () => v.ofctl("-O", "OpenFlow15", "--no-stats", "--sort", "dump-flows", v.mgmt);
  const load = (flows: readonly string[]) => {
    v.ofctl("-O", "OpenFlow15", "del-flows", v.mgmt);
    const f = join(dir, "load.txt");
    writeFileSync(f, flows.join("\n") + "\n");
    v.ofctl("-O", "OpenFlow15", "add-flows", v.mgmt, f);
  };
  const file = (name: string, lines: readonly string[]) => {
    const p = join(dir, name);
    writeFileSync(p, lines.join("\n") + "\n");
    return p;
  };

  it("diff-flows: switch and files in both orders, each -O, same lines in the same order and exit status", async () => {
    const same = file("same.txt", BASE);
    const other = file("other.txt", [
      "# a comment, then a blank line",
      "",
      "priority=5,ip,actions=output:2",
      "  dl_vlan=7,actions=drop   # trailing comment",
      "priority=9,arp,cookie=0x9,idle_timeout=30,hard_timeout=60,importance=4,actions=drop",
      "priority=8,arp,actions=drop",
      "table=1,priority=10,ip,actions=output:2",
      "table=1,priority=20,tcp,actions=output:1",
      "table=3,priority=1,udp,tp_src=53,actions=controller",
      "priority=100,ip,nw_src=10.1.0.0/16,actions=output:1",
      "priority=100,ip,nw_dst=10.1.0.0/16,actions=drop",
      "priority=200,ipv6,actions=drop",
      "priority=1,dl_vlan_pcp=3,actions=drop",
    ]);
    const empty = file("empty.txt", ["# nothing"]);
    load(BASE);
    const CASES: string[][] = [
      ["diff-flows", v.mgmt, same],
      ["diff-flows", same, v.mgmt],
      ["diff-flows", v.mgmt, other],
      ["diff-flows", other, v.mgmt],
      ["diff-flows", same, other],
      ["diff-flows", other, same],
      ["diff-flows", empty, other],
      ["diff-flows", v.mgmt, empty],
      ["diff-flows", v.mgmt, v.mgmt],
      ["diff-flows", "br0", other],
    ];
    for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"], ["-O", "OpenFlow14,OpenFlow10"]]) {
      for (const cmd of CASES) {
        const args = [...pre, ...cmd];
        const t = theirs(args);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    }
  }, 300_000);

  it("diff-flows --names / --no-names: the switch's port names in what it prints, as ovs-ofctl's", async () => {
    const named = file("named.txt", ["in_port=1,actions=output:2", "priority=7,in_port=2,actions=resubmit(1,1),output:LOCAL"]);
    load(["in_port=2,actions=output:1,output:LOCAL", "priority=9,ip,actions=enqueue:p1:3"]);
    for (const pre of [["--names"], ["--no-names"], ["--names", "-O", "OpenFlow13"], []]) {
      for (const cmd of [["diff-flows", v.mgmt, named], ["diff-flows", named, v.mgmt], ["diff-flows", named, named]]) {
        const args = [...pre, ...cmd];
        const t = theirs(args);
        // (the switch's names do show: the comparison is not of numbers only)
        if (pre[0] === "--names" && cmd.includes(v.mgmt)) expect(t.out).toContain("output:p1");
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    }
  }, 120_000);

  it("diff-flows: actions compared and printed as written in a file, as decoded from a switch in each protocol", async () => {
    const of10 = ["priority=1,ip,actions=mod_nw_tos:4", "priority=3,actions=load:5->NXM_NX_REG1[]", "priority=4,actions=mod_vlan_vid:5", "priority=5,actions=set_field:5->reg0", "priority=8,actions=strip_vlan,output:1"];
    const of15 = [
      "priority=5,ip,actions=set_field:3->ip_dscp",
      "priority=7,ip,actions=dec_ttl,set_field:1.2.3.4->ip_src",
      "priority=6,actions=push_vlan:0x8100,set_field:4097->vlan_vid",
      "priority=9,ip,actions=mod_nw_src:1.2.3.4,mod_tp_dst:80,output:2",
      "priority=10,actions=move:NXM_NX_REG0[]->NXM_NX_REG1[],resubmit(,2),goto_table:3",
    ];
    const all = file("actions.txt", [...of10, ...of15.slice(0, 3)]);
    const also = file("actions2.txt", [...of10.slice(0, 2), ...of15]);
    load([]);
    v.ofctl("add-flows", v.mgmt, file("of10.txt", of10));
    v.ofctl("-O", "OpenFlow15", "add-flows", v.mgmt, file("of15.txt", of15.slice(0, 3)));
    for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"]]) {
      for (const cmd of [
        ["diff-flows", v.mgmt, all],
        ["diff-flows", all, also],
      ]) {
        const args = [...pre, ...cmd];
        const t = theirs(args);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    }
  }, 120_000);

  it("diff-flows (ovs-ofctl.at): 1024 flows, then the even ones deleted, in both directions", async () => {
    const add = file("add-flows.txt", Array.from({ length: 1024 }, (_, i) => `dl_vlan=${i},actions=drop`));
    load([]);
    v.ofctl("add-flows", v.mgmt, add);
    for (const args of [["diff-flows", v.mgmt, add]]) expect(await ours(args)).toEqual(theirs(args));
    const del = Array.from({ length: 512 }, (_, i) => `dl_vlan=${2 * i}`).join("\n");
    expect(spawnSync("ovs-ofctl", ["del-flows", v.mgmt, "-"], { env: v.env, input: del, encoding: "utf8" }).status).toBe(0);
    for (const args of [
      ["diff-flows", v.mgmt, add],
      ["diff-flows", add, v.mgmt],
    ]) {
      const t = theirs(args);
      expect(t.code).toBe(2);
      expect(await ours(args), args.join(" ")).toEqual(t);
    }
  }, 300_000);

  it("diff-flows (ovs-ofctl.at): tunnel metadata of different sizes, and resubmit compared as printed", async () => {
    load([]);
    v.ofctl("add-tlv-map", v.mgmt, "{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=1,len=8}->tun_metadata1");
    try {
      const flows = file("tun.txt", ["priority=0,tun_metadata0=0,actions=drop", "priority=1,tun_metadata1=0xef/0xff,tun_metadata0=0xabcd,actions=drop", "priority=2,tun_metadata0=0xffffffff,actions=drop"]);
      const flows2 = file("tun2.txt", ["priority=2,tun_metadata0=0xffffffff,actions=drop", "priority=0,tun_metadata0=0,actions=drop"]);
      v.ofctl("add-flows", v.mgmt, flows);
      for (const args of [
        ["diff-flows", v.mgmt, flows2],
        ["diff-flows", flows2, v.mgmt],
        ["diff-flows", flows, flows2],
      ]) {
        const t = theirs(args);
        expect(await ours(args), args.join(" ")).toEqual(t);
      }
    } finally {
      v.ofctl("del-flows", v.mgmt);
      v.ofctl("del-tlv-map", v.mgmt);
    }
    const resubmit = file("resubmit.txt", ["actions=resubmit(,1)"]);
    v.ofctl("add-flows", v.mgmt, resubmit);
    expect(await ours(["diff-flows", v.mgmt, resubmit])).toEqual({ code: 0, out: "", err: "" });
    v.ofctl("add-flow", v.mgmt, "idle_timeout=60,dl_vlan=9,actions=output:1");
    const args = ["diff-flows", v.mgmt, resubmit];
    expect(await ours(args)).toEqual(theirs(args));
    expect((await ours(args)).out).toBe("-dl_vlan=9 idle_timeout=60 actions=output:1\n");
    v.ofctl("add-flow", v.mgmt, "hard_timeout=120,cookie=1234,dl_vlan=9,actions=output:1");
    const back = ["diff-flows", resubmit, v.mgmt];
    expect(await ours(back)).toEqual(theirs(back));
    expect((await ours(back)).out).toBe("+dl_vlan=9 cookie=0x4d2 hard_timeout=120 actions=output:1\n");
  }, 120_000);

  it("diff-flows: bad sources and bad files fail with ovs-ofctl's words", async () => {
    const bad = file("bad.txt", ["priority=5,ip,actions=output:2", "", "bogus=1"]);
    const bad2 = file("bad2.txt", ["priority=5,ip,actions=output:2", "in_port=p1,actions=drop"]);
    const bad3 = file("bad3.txt", ["ip,nw_dst=10.0.0.0/33,actions=drop"]);
    const CASES: string[][] = [
      ["diff-flows", bad, v.mgmt],
      ["diff-flows", v.mgmt, bad2],
      ["diff-flows", bad3, bad],
      ["diff-flows", "nofile", v.mgmt],
      ["diff-flows", "./nofile", v.mgmt],
      ["diff-flows", join(dir, "nofile"), v.mgmt],
      ["diff-flows", "unix:/nonexistent/x.sock", bad],
      ["diff-flows", dir, v.mgmt],
    ];
    for (const args of CASES) {
      const t = theirs(args);
      expect(await ours(args), args.join(" ")).toEqual(t);
    }
  }, 120_000);

  it("replace-flows: output, exit status and the table afterwards as ovs-ofctl's, with -O, --readd and --bundle", async () => {
    const target = file("target.txt", [
      "priority=5,ip,actions=output:2",
      "dl_vlan=7,actions=drop",
      "priority=9,arp,cookie=0x9,idle_timeout=30,importance=4,actions=drop",
      "table=1,priority=10,ip,actions=output:2",
      "table=1,cookie=0x5,idle_timeout=60,priority=20,tcp,actions=output:1",
      "table=4,priority=3,in_port=p2,actions=output:p1",
      "priority=100,ip,nw_src=10.1.0.0/16,actions=output:1",
    ]);
    const of10 = file("of10.txt", ["priority=5,ip,actions=output:2", "dl_vlan=7,actions=drop", "actions=output:1"]);
    const refused = file("refused.txt", ["priority=5,ip,actions=output:2", "priority=6,ip,actions=group:77", "actions=drop"]);
    const bad = file("bad.txt", ["actions=drop", "priority=5,ip,nw_dst=10.0.0.0/33,actions=drop"]);
    const CASES: string[][] = [
      ["replace-flows", v.mgmt, of10],
      ["--readd", "replace-flows", v.mgmt, of10],
      ["replace-flows", v.mgmt, target],
      ["-O", "OpenFlow13", "replace-flows", v.mgmt, target],
      ["-O", "OpenFlow14", "replace-flows", v.mgmt, target],
      ["--no-names", "-O", "OpenFlow14", "replace-flows", v.mgmt, target],
      ["-O", "OpenFlow15", "--readd", "replace-flows", v.mgmt, target],
      ["--bundle", "replace-flows", v.mgmt, target],
      ["--bundle", "-O", "OpenFlow13", "replace-flows", v.mgmt, target],
      ["-O", "OpenFlow13", "replace-flows", v.mgmt, refused],
      ["--bundle", "replace-flows", v.mgmt, refused],
      ["replace-flows", v.mgmt, bad],
      ["replace-flows", v.mgmt, join(dir, "nofile")],
      ["replace-flows", "unix:/nonexistent/x.sock", of10],
    ];
    for (const args of CASES) {
      load(BASE);
      const t = theirs(args);
      const after = table();
      load(BASE);
      expect(await ours(args), args.join(" ")).toEqual(t);
      expect(table(), args.join(" ")).toBe(after);
    }
  }, 300_000);

  it("replace-flows (ovs-ofctl.at): importance over OpenFlow 1.4, and with --bundle across tables", async () => {
    for (const [pre, add, replace] of [
      [["-O", "OpenFlow14"], [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `dl_vlan=${i},importance=${i},actions=drop`), [1, 3, 5, 7].map((i) => ` importance=${i + 10}, dl_vlan=${i} actions=drop`)],
      [["--bundle", "--no-names"], [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `table=${i},dl_vlan=${i},importance=${i},actions=drop`), [1, 3, 5, 7].map((i) => ` table=${i}, importance=${i + 10}, dl_vlan=${i} actions=drop`)],
    ] as const) {
      const addFile = file("imp-add.txt", add);
      const replaceFile = file("imp-replace.txt", replace);
      const args = [...pre, "replace-flows", v.mgmt, replaceFile];
      load([]);
      v.ofctl(...pre, "add-flows", v.mgmt, addFile);
      const t = theirs(args);
      const after = table();
      load([]);
      v.ofctl(...pre, "add-flows", v.mgmt, addFile);
      expect(await ours(args), args.join(" ")).toEqual(t);
      expect(table(), args.join(" ")).toBe(after);
      expect(await ours(["-O", "OpenFlow14", "diff-flows", v.mgmt, replaceFile])).toEqual({ code: 0, out: "", err: "" });
    }
  }, 120_000);
});
