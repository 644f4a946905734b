/** parseOvnTrace on ovn-trace 23.03 output shapes (no OVN needed). */
import { describe, expect, it } from "vitest";
import { parseOvnTrace } from "../../src/testing/index.js";

const DELIVERED = `# udp,reg14=0x1,vlan_tci=0x0000,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1,tp_dst=2

ingress(dp="ls0", inport="lp1")
-------------------------------
 0. ls_in_check_port_sec (northd.c:8432): 1, priority 50, uuid d91cc6e5
    reg0[15] = check_in_port_sec();
    next;
25. ls_in_l2_lkup (northd.c:9122): eth.dst == 50:54:00:00:00:02, priority 50, uuid 9295a0c4
    outport = "lp2";
    output;

egress(dp="ls0", inport="lp1", outport="lp2")
---------------------------------------------
 8. ls_out_check_port_sec (northd.c:5772): 1, priority 0, uuid b3bb88b3
    reg0[15] = check_out_port_sec();
    next;
 9. ls_out_apply_port_sec (northd.c:5777): 1, priority 0, uuid 84c71ebd
    output;
    /* output to "lp2", type "" */
`;

const DROPPED = `# udp,reg14=0x1,dl_src=50:54:00:00:00:01
ingress(dp="ls0", inport="lp1")
-------------------------------
25. ls_in_l2_lkup (northd.c:9122): eth.dst == 50:54:00:00:00:02, priority 50, uuid 9295a0c4
    outport = "lp2";
    output;

egress(dp="ls0", inport="lp1", outport="lp2")
---------------------------------------------
 4. ls_out_acl (northd.c:6571): reg0[10] == 1 && (ip4.src==10.0.0.1 && udp.dst==9999), priority 2000, uuid a345a87e
    drop;

ct_lb_mark /* default (use --ct to customize) */
------------------------------------------------
 7. ls_in_acl_hint: !ct.new && ct.est, priority 4, uuid d5650c49
    next;
`;

describe("parseOvnTrace", () => {
  it("parses sections, stages, actions and outputs", () => {
    const t = parseOvnTrace(DELIVERED);
    expect(t.flow).toMatch(/^udp,reg14=0x1,/);
    expect(t.sections.map((s) => [s.kind, s.datapath, s.inport, s.outport])).toEqual([
      ["ingress", "ls0", "lp1", undefined],
      ["egress", "ls0", "lp1", "lp2"],
    ]);
    expect(t.sections[0]!.stages[1]).toEqual({
      table: 25,
      stage: "ls_in_l2_lkup",
      source: "northd.c:9122",
      match: "eth.dst == 50:54:00:00:00:02",
      priority: 50,
      uuid: "9295a0c4",
      actions: ['outport = "lp2";', "output;"],
    });
    expect(t.outputs).toEqual(["lp2"]);
    expect(t.dropped).toBe(false);
    expect(t.raw).toBe(DELIVERED);
  });

  it("keeps commas inside matches, continuation sections, and flags drops", () => {
    const t = parseOvnTrace(DROPPED);
    expect(t.dropped).toBe(true);
    expect(t.outputs).toEqual([]);
    const acl = t.sections[1]!.stages[0]!;
    expect(acl.match).toBe("reg0[10] == 1 && (ip4.src==10.0.0.1 && udp.dst==9999)");
    expect(acl.actions).toEqual(["drop;"]);
    expect(t.sections[2]).toMatchObject({ kind: "other", title: "ct_lb_mark /* default (use --ct to customize) */", datapath: undefined });
    expect(t.sections[2]!.stages[0]).toMatchObject({ table: 7, source: undefined, priority: 4 });
  });

  it("an empty or error text has no flow and no sections", () => {
    expect(parseOvnTrace('unknown datapath "x"\n')).toMatchObject({ flow: "", sections: [], outputs: [], dropped: false });
  });
});
