/**
 * traceVerdict: patch ports are hops only when their peer's pipeline follows; a router port with no
 * peer is a delivery; a next hop without a MAC binding is `unresolved` (the ARP request is what goes
 * out), not a delivery of the packet. The texts follow ovn-trace 23.03's layout.
 */
import { describe, expect, it } from "vitest";
import { parseOvnTrace, traceVerdict } from "../../src/ovn/index.js";

const head = `# tcp,reg14=0x2,vlan_tci=0x0000,dl_src=0a:58:0a:10:00:04,dl_dst=00:00:00:aa:00:01,nw_src=10.16.0.4,nw_dst=8.8.8.8,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=10000,tp_dst=443,tcp_flags=0

ingress(dp="pods", inport="web-1")
----------------------------------
25. ls_in_l2_lkup (northd.c:9193): eth.dst == 00:00:00:aa:00:01, priority 50, uuid 5c7f6e62
    outport = "pods-r1";
    output;

egress(dp="pods", inport="web-1", outport="pods-r1")
----------------------------------------------------
 9. ls_out_check_port_sec (northd.c:5811): 1, priority 0, uuid 2ba31e8d
    output;
    /* output to "pods-r1", type "patch" */

ingress(dp="r1", inport="r1-pods")
----------------------------------
13. lr_in_ip_routing (northd.c:10572): ip4.dst == 0.0.0.0/0, priority 1, uuid 0b8a05f6
    ip.ttl--;
    reg0 = 172.18.0.1;
    reg1 = 172.18.0.2;
    outport = "r1-ext";
    next;
17. lr_in_arp_resolve (northd.c:12250): ip4, priority 1, uuid 56180591
    get_arp(outport, reg0);
`;

const resolved = `${head}    /* MAC binding to 00:00:00:00:01:01. */
    next;
21. lr_in_arp_request (northd.c:12948): 1, priority 0, uuid 8674accb
    output;

egress(dp="r1", inport="r1-pods", outport="r1-ext")
---------------------------------------------------
 3. lr_out_snat (northd.c:13958): ip && ip4.src == 10.16.0.0/24 && outport == "r1-ext", priority 153, uuid 1cacbe38
    ct_snat_in_czone(172.18.0.100);
 6. lr_out_delivery (northd.c:12995): outport == "r1-ext", priority 100, uuid 88e15910
    output;
    /* output to "r1-ext", type "patch" */
`;

const peered = `${resolved}
ingress(dp="external", inport="external-r1")
--------------------------------------------
 0. ls_in_check_port_sec (northd.c:8126): 1, priority 50, uuid 1
    outport = "ln-external";
    output;

egress(dp="external", inport="external-r1", outport="ln-external")
------------------------------------------------------------------
 9. ls_out_check_port_sec (northd.c:5811): 1, priority 0, uuid 2
    output;
    /* output to "ln-external", type "localnet" */
`;

const unresolved = `${head}    /* No MAC binding. */
    next;
21. lr_in_arp_request (northd.c:12929): eth.dst == 00:00:00:00:00:00 && ip4, priority 100, uuid f1fa22a7
    arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };

arp
---
    eth.dst = ff:ff:ff:ff:ff:ff;
    output;

egress(dp="r1", inport="r1-pods", outport="r1-ext")
---------------------------------------------------
 6. lr_out_delivery (northd.c:12995): outport == "r1-ext", priority 100, uuid 88e15910
    output;
    /* output to "r1-ext", type "patch" */
`;

describe("traceVerdict", () => {
  it("a router port with no peer switch is where the packet was delivered", () => {
    expect(traceVerdict(parseOvnTrace(resolved))).toEqual({ kind: "output", ports: ["r1-ext"] });
  });
  it("a patch port whose peer pipeline follows is a hop", () => {
    expect(traceVerdict(parseOvnTrace(peered))).toEqual({ kind: "output", ports: ["ln-external"] });
  });
  it("no MAC binding for the next hop: unresolved, the ARP request goes out", () => {
    expect(traceVerdict(parseOvnTrace(unresolved))).toEqual({ kind: "unresolved", request: "arp", nextHop: "172.18.0.1", ports: ["r1-ext"] });
  });
});
