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


/** Across a router (two patch hops), then dropped by the destination switch's to-lport ACL (ovn-trace 23.03 layout). */
const HOPS_THEN_DROPPED = `# icmp,reg14=0x2,vlan_tci=0x0000,dl_src=00:00:00:11:22:33,dl_dst=00:00:00:aa:bb:cc,nw_src=10.16.0.2,nw_dst=10.18.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=0,icmp_code=0

ingress(dp="ovn-default", inport="a.default")
---------------------------------------------
27. ls_in_l2_lkup (northd.c:9193): eth.dst == 00:00:00:aa:bb:cc, priority 50, uuid 5c7f6e62
    outport = "ovn-default-ovn-cluster";
    output;

egress(dp="ovn-default", inport="a.default", outport="ovn-default-ovn-cluster")
-------------------------------------------------------------------------------
 9. ls_out_check_port_sec (northd.c:5811): 1, priority 0, uuid 2ba31e8d
    output;
    /* output to "ovn-default-ovn-cluster", type "patch" */

ingress(dp="ovn-cluster", inport="ovn-cluster-ovn-default")
-----------------------------------------------------------
13. lr_in_ip_routing (northd.c:10572): ip4.dst == 10.18.0.0/24, priority 73, uuid 0b8a05f6
    ip.ttl--;
    outport = "ovn-cluster-sec";
    next;

egress(dp="ovn-cluster", inport="ovn-cluster-ovn-default", outport="ovn-cluster-sec")
-------------------------------------------------------------------------------------
 6. lr_out_delivery (northd.c:12995): outport == "ovn-cluster-sec", priority 100, uuid 88e15910
    output;
    /* output to "ovn-cluster-sec", type "patch" */

ingress(dp="sec", inport="sec-ovn-cluster")
-------------------------------------------
27. ls_in_l2_lkup (northd.c:9193): eth.dst == 00:00:00:01:02:03, priority 50, uuid 1c7f6e62
    outport = "d.sec";
    output;

egress(dp="sec", inport="sec-ovn-cluster", outport="d.sec")
-----------------------------------------------------------
 4. ls_out_acl_eval (northd.c:6571): reg8[30..31] == 2 && (ip), priority 2000, uuid a345a87e
    reg8[17] = 1;
    log(name="sec", severity=warning, verdict=drop);
    next;
 5. ls_out_acl_action (northd.c:6700): reg8[17] == 1, priority 1000, uuid b345a87e
    reg8[16] = 0;
    reg8[17] = 0;
    reg8[18] = 0;
    drop;
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

  it("a packet that crosses router hops and is then dropped by an ACL is dropped (patch hops are not deliveries)", () => {
    const t = parseOvnTrace(HOPS_THEN_DROPPED);
    expect(t.outputs).toEqual(["ovn-default-ovn-cluster", "ovn-cluster-sec"]);
    expect(t.dropped).toBe(true);
  });

  it("an empty or error text has no flow and no sections", () => {
    expect(parseOvnTrace('unknown datapath "x"\n')).toMatchObject({ flow: "", sections: [], outputs: [], dropped: false });
  });
});
