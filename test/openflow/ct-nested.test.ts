/**
 * What `ct(exec(...))` may nest, and where a nested `nat` goes (src/openflow/text/action-parse.ts,
 * action-format.ts), against the installed `ovs-ofctl parse-flow` with no -O and OpenFlow13/15: only writes
 * of ct_mark/ct_label (set_field, load, move) and nat are accepted inside exec (ofpacts_verify_nested():
 * "ct action doesn't support nested modification of F" / "nested action A", with Open vSwitch's action
 * names), nested inconsistencies come after that verdict, nat keeps the place it was given (only a first
 * nat prints outside exec, as format_CT() prints it), and a nat inside exec is accepted. stdout, the error
 * (log lines left out) and the exit status must agree.
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { oursOf, theirsOf, withoutLog } from "./gen-compare.js";

const FLOWS = [
  "tcp,actions=ct(commit,exec(set_field:1->tcp_src))",
  "ip,actions=ct(commit,exec(load:1->NXM_NX_REG0[]))",
  "ip,actions=ct(commit,exec(set_field:1->reg0))",
  "ip,actions=ct(commit,exec(move:NXM_NX_CT_MARK[]->NXM_NX_REG0[]))",
  "ip,actions=ct(commit,exec(move:NXM_NX_REG0[]->NXM_NX_CT_MARK[]))",
  "ip,actions=ct(commit,exec(set_field:1->ct_mark,set_field:1->ct_label))",
  "ip,actions=ct(commit,exec(load:1->NXM_NX_CT_LABEL[0..63]))",
  "ip,actions=ct(commit,exec(output:1))",
  "ip,actions=ct(commit,exec(output:NXM_NX_REG0[]))",
  "ip,actions=ct(commit,exec(resubmit(,2)))",
  "ip,actions=ct(commit,exec(ct(commit)))",
  "ip,actions=ct(commit,exec(mod_vlan_vid:5))",
  "ip,actions=ct(commit,exec(pop_vlan))",
  "ip,actions=ct(commit,exec(set_tunnel64:5))",
  "tcp,actions=ct(commit,exec(mod_tp_src:5))",
  "actions=ct(commit,exec(mod_tp_src:5))",
  "ip,actions=ct(commit,exec(mod_tp_src:5,set_field:1->tcp_src))",
  "ip,actions=ct(commit,exec(set_field:1->ct_mark,bogus))",
  "actions=ct(commit,exec(set_field:1->ct_mark))",
  "ip,actions=ct(commit,exec(drop))",
  "ip,actions=ct(commit,nat(src=1.1.1.1),exec(set_field:1->ct_mark))",
  "ip,actions=ct(commit,exec(set_field:1->ct_mark),nat(src=1.1.1.1))",
  "ip,actions=ct(commit,exec(set_field:1->ct_mark),nat,exec(set_field:2->ct_mark))",
  "ip,actions=ct(nat,nat)",
  "ip,actions=ct(nat,commit)",
  "ip,actions=ct(commit,exec(nat))",
  "ip,actions=ct(commit,exec(nat(src=1.2.3.4),set_field:1->ct_mark))",
  "ipv6,actions=ct(commit,exec(nat(src=1.2.3.4)))",
  "ip,actions=nat",
];

describe.skipIf(!peers("ovs-ofctl"))("ct(exec(...)) nesting against ovs-ofctl parse-flow", () => {
  it(`${FLOWS.length} flows × no -O, OpenFlow13, OpenFlow15`, async () => {
    const diffs: string[] = [];
    for (const version of [undefined, "OpenFlow13", "OpenFlow15"]) {
      for (const flow of FLOWS) {
        const args = [...(version ? ["-O", version] : []), "parse-flow", flow];
        const [a, b] = [theirsOf(args), await oursOf(args)];
        if (a.out !== b.out || withoutLog(a.err) !== withoutLog(b.err) || a.code !== b.code) diffs.push(`${version ?? "-"} ${flow}\n ovs(${a.code}): ${a.out}${withoutLog(a.err)}\n ours(${b.code}): ${b.out}${b.err}`);
      }
    }
    expect(diffs).toEqual([]);
  }, 120_000);
});
