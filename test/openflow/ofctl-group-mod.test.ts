/**
 * `ovn-ts ofctl` group writes (add-group, add-groups, mod-group, del-groups, insert-buckets, remove-buckets)
 * against a private ovs-vswitchd, compared with `ovs-ofctl` 3.1 on the same bridge: stdout, stderr, exit
 * status and the groups left on the switch, without -O (NXT_GROUP_MOD over OpenFlow 1.0) and with each
 * version; and the group_mod bytes of every version printed by `ovs-ofctl ofp-print` as we print them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { ofctlPair } from "./ofctl-pair.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { groupModMessage } from "../../src/openflow/group-mod.js";
import { GroupModCommand, parseGroupMod } from "../../src/openflow/text/group.js";
import { toHex } from "../../src/bytes/hex.js";

/** Present before each command: a select group with two buckets and an all group. */
const PRESET = ["group_id=1,type=select,bucket=bucket_id=0,output:1,bucket=bucket_id=1,weight:5,output:2", "group_id=7,type=all,bucket=output:1"];

/** Commands run with every version prefix; bad group text included (refused before anything is sent). */
const COMMANDS = [
  ["add-group", "group_id=2,type=select,bucket=output:1,bucket=weight:10,actions=output:2"],
  ["add-group", "group_id=2,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:p2,output:p2"],
  ["add-group", "group_id=2,type=indirect,bucket=actions=resubmit(,3)"],
  ["add-group", "group_id=2,type=all,bucket=actions=output:1,output:2,bucket=resubmit(,1),output:1"],
  ["add-group", "group_id=2,type=all,bucket=actions=load:5->NXM_NX_REG0[],load:1->NXM_NX_REG1[3],output:1"],
  ["add-group", "group_id=2,type=select,bucket=bucket_id=5,output:1,bucket=output:2,bucket=bucket_id:0,output:3"],
  ["add-group", "group_id=1,type=all,bucket=output:1"],
  ["add-group", "group_id=2,type=foo"],
  ["add-group", "type=all"],
  ["add-group", "group_id=2"],
  ["add-group", "group_id=x,type=all"],
  ["add-group", "group_id=0xffffff01,type=all"],
  ["add-group", "group_id=2,type=all,foo=bar,bucket=output:1"],
  ["add-group", "group_id=2,type=all,bucket=foo"],
  ["add-group", "group_id=2,type=all,bucket=weight:3,output:1"],
  ["add-group", "group_id=2,type=select,bucket=weight:70000,output:1"],
  ["add-group", "group_id=2,type=select,bucket="],
  ["add-group", "group_id=2,type=select,bucket=weight:3"],
  ["add-group", "group_id=2,type=ff,bucket=output:1"],
  ["add-group", "group_id=2,type=indirect,bucket=output:1,bucket=output:2"],
  ["add-group", "group_id=2,type=all,command_bucket_id=1,bucket=output:2"],
  ["add-group", "group_id=2,type=all,bucket=watch_group:4294967295,output:1"],
  ["add-group", "group_id=2,type=select,selection_method_param=3,bucket=output:1"],
  ["add-group", "group_id=2,type=select,selection_method=foo_bar_baz_qux_x,bucket=output:1"],
  ["add-group", "group_id=2,type=select,fields=ip_src,bucket=output:1"],
  ["add-group", "group_id=2,type=select,selection_method=hash,fields(ip_src,nw_dst=255.255.255.0),bucket=output:1"],
  ["add-group", "group_id=2,type=select,selection_method=dp_hash,selection_method_param=7,bucket=output:1"],
  ["mod-group", "group_id=1,type=all,bucket=output:2"],
  ["mod-group", "group_id=3,type=all,bucket=output:2"],
  ["--may-create", "mod-group", "group_id=3,type=all,bucket=output:2"],
  ["del-groups"],
  ["del-groups", "group_id=1"],
  ["del-groups", "group_id=all"],
  ["del-groups", "group_id=9"],
  ["del-groups", "group_id=1,type=all"],
  ["insert-buckets", "group_id=1,command_bucket_id=last,bucket=output:3"],
  ["insert-buckets", "group_id=1,command_bucket_id=first,bucket=bucket_id=1,output:3"],
  ["insert-buckets", "group_id=1,bucket=output:2"],
  ["remove-buckets", "group_id=1"],
  ["remove-buckets", "group_id=1,command_bucket_id=1"],
  ["remove-buckets", "group_id=1,command_bucket_id=first"],
  ["remove-buckets", "group_id=1,command_bucket_id=9"],
  ["remove-buckets", "group_id=1,bucket=output:2"],
];
/** Field writes: OpenFlow 1.1 buckets carry them as 1.1's own actions (OFPAT_SET_NW_SRC, ...), 1.2+ as set_field. */
const FIELD_WRITES = [
  ["add-group", "group_id=2,type=all,bucket=set_field:10.0.0.1->ip_src,output:1,bucket=mod_nw_tos:4,output:2"],
  ["add-group", "group_id=2,type=select,bucket=mod_dl_dst:00:01:02:03:04:05,mod_nw_ecn:1,output:1,bucket=mod_vlan_vid:7,set_mpls_label(3),output:2"],
];

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl group writes against ovs-ofctl", () => {
  let v: Vswitchd;
  let dir: string;
  beforeAll(async () => {
    v = await startVswitchd();
    v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-groups-"));
  }, 60_000);
  afterAll(() => {
    v?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const { ours, theirs } = ofctlPair(() => v);
  // the switch lists its groups in hash order: compared sorted
  const groups = () => v.ofctl("-O", "OpenFlow15", "dump-groups", v.mgmt).split("\n").sort().join("\n");
  const reset = () => {
    v.ofctl("-O", "OpenFlow15", "del-groups", v.mgmt);
    for (const g of PRESET) v.ofctl("-O", "OpenFlow15", "add-group", v.mgmt, g);
  };
  const argsOf = (pre: string[], cmd: string[]) => {
    const at = cmd.findIndex((a) => !a.startsWith("-")) + 1;
    return [...pre, ...cmd.slice(0, at), v.mgmt, ...cmd.slice(at)];
  };
  /** Runs both tools from the same state; their output and the groups they leave must agree. */
  const same = async (args: string[]) => {
    reset();
    const t = theirs(args);
    const after = groups();
    reset();
    expect(await ours(args), args.join(" ")).toEqual(t);
    expect(groups(), args.join(" ")).toBe(after);
    return t;
  };

  for (const pre of [[], ["-O", "OpenFlow11"], ["-O", "OpenFlow12"], ["-O", "OpenFlow13"], ["-O", "OpenFlow14"], ["-O", "OpenFlow15"]]) {
    it(`${pre.join(" ") || "no -O (OpenFlow 1.0, NXT_GROUP_MOD)"}: group writes agree with ovs-ofctl`, async () => {
      let applied = 0;
      for (const cmd of [...COMMANDS, ...FIELD_WRITES]) if ((await same(argsOf(pre, cmd))).code === 0) applied++;
      // the list must exercise the switch, not only the parser
      expect(applied).toBeGreaterThan(10);
    }, 240_000);
  }

  it("add-groups FILE: per-line commands, comments, file:line errors, stop at the first refused group", async () => {
    const files: Record<string, string> = {
      mixed: "group_id=2,type=all,bucket=output:1\n# comment\n\n add group_id=3,type=select,bucket=output:2 # trailing\nmodify group_id=2,type=all,bucket=output:2\ninsert_bucket group_id=3,command_bucket_id=first,bucket=output:1\ndelete group_id=7\n",
      bad: "group_id=2,type=all,bucket=output:1\ngroup_id=3,type=bogus\n",
      exists: "group_id=2,type=all,bucket=output:1\ngroup_id=1,type=all,bucket=output:2\ngroup_id=3,type=all,bucket=output:2\n",
      deleteAll: "delete\n",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    for (const pre of [[], ["-O", "OpenFlow13"], ["-O", "OpenFlow15"]]) {
      for (const name of Object.keys(files)) await same(argsOf(pre, ["add-groups", join(dir, name)]));
      await same(argsOf(pre, ["add-groups", join(dir, "missing")]));
    }
  }, 240_000);

  it("the group_mod of every version prints under ovs-ofctl ofp-print as under ours", () => {
    const cases: [string, number][] = [
      ["group_id=2,type=select,bucket=output:1,bucket=weight:10,watch_port:2,actions=resubmit(,3),output:2", GroupModCommand.ADD],
      ["group_id=2,type=select,selection_method=hash,fields(ip_src,nw_dst=255.255.255.0),bucket=output:1", GroupModCommand.ADD],
      ["group_id=2,type=ff,bucket=watch_group:3,output:1", GroupModCommand.ADD_OR_MOD],
      ["group_id=2,type=all,bucket=mod_nw_tos:4,mod_nw_src:1.2.3.4,mod_dl_src:00:01:02:03:04:05,output:1,bucket=mod_vlan_vid:9,mod_tp_dst:80,mod_nw_ecn:2,output:2", GroupModCommand.ADD],
      ["group_id=2", GroupModCommand.DELETE],
      ["group_id=2,command_bucket_id=last,bucket=output:1", GroupModCommand.INSERT_BUCKET],
      ["group_id=2,command_bucket_id=4", GroupModCommand.REMOVE_BUCKET],
    ];
    for (const version of [1, 2, 3, 4, 5, 6]) {
      for (const [text, command] of cases) {
        if (version >= 2 && version <= 5 && command >= GroupModCommand.INSERT_BUCKET && command !== GroupModCommand.ADD_OR_MOD) {
          expect(() => groupModMessage(version, parseGroupMod(text, command))).toThrow(/needs OpenFlow 1\.5 or later/);
          continue;
        }
        // selection methods exist from OpenFlow 1.5 and in NXT_GROUP_MOD only
        if (version >= 2 && version <= 5 && text.includes("selection_method")) continue;
        const bytes = encodeMessage({ ...groupModMessage(version, parseGroupMod(text, command)), version, xid: 9 });
        const r = spawnSync("ovs-ofctl", ["ofp-print", toHex(bytes)], { encoding: "utf8" });
        expect(formatMessage(decodeMessage(bytes)) + "\n", `${version} ${text}`).toBe(r.stdout);
      }
    }
  });
});
