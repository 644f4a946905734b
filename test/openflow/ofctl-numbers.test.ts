/**
 * Numbers in flow text as ovs-ofctl 3.1 reads them, keyword by keyword, compared with the installed
 * `ovs-ofctl parse-flow` (stdout, stderr without the program name and log lines, exit status): each
 * template's `%` takes a leading-zero octal (`010`), an invalid octal (`08`), `0x`/`0X` hex, a bare `0x`, a
 * negative number and numbers past 16, 32 and 64 bits. Open vSwitch reads most numbers with C's base-0
 * rules (`010` is 8, `08` is refused), but tables, ports and group ids in decimal (`010` is 10), and each
 * keyword has its own error wording.
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { ofctlDifference } from "../support/ofctl-compare.js";

/** The numbers each template is tried with. */
const NUMBERS = ["010", "08", "0x10", "0X10", "-1", "99999999999999999999", "0x", "4294967296", "65536", "256", "0", "7"];

/** Flow keywords, match fields and actions that take a number (`%`). */
const TEMPLATES = [
  "priority=%,actions=drop",
  "idle_timeout=%,actions=drop",
  "hard_timeout=%,actions=drop",
  "importance=%,actions=drop",
  "cookie=%,actions=drop",
  "table=%,actions=drop",
  "out_port=%,actions=drop",
  "out_group=%,actions=drop",
  "reg0=%,actions=drop",
  "tcp,tp_src=%,actions=drop",
  "tcp,tp_dst=%,actions=drop",
  "dl_vlan=%,actions=drop",
  "dl_vlan_pcp=%,actions=drop",
  "vlan_tci=%,actions=drop",
  "metadata=%,actions=drop",
  "ip,nw_proto=%,actions=drop",
  "ip,nw_ttl=%,actions=drop",
  "ip,nw_tos=%,actions=drop",
  "ip,ip_dscp=%,actions=drop",
  "ip,nw_ecn=%,actions=drop",
  "in_port=%,actions=drop",
  "icmp,icmp_type=%,actions=drop",
  "icmp,icmp_code=%,actions=drop",
  "mpls,mpls_label=%,actions=drop",
  "mpls,mpls_tc=%,actions=drop",
  "mpls,mpls_bos=%,actions=drop",
  "tun_id=%,actions=drop",
  "pkt_mark=%,actions=drop",
  "ct_zone=%,actions=drop",
  "ct_mark=%,actions=drop",
  "conj_id=%,actions=drop",
  "recirc_id=%,actions=drop",
  "udp,udp_src=%,actions=drop",
  "ipv6,ipv6_label=%,actions=drop",
  "xreg0=%,actions=drop",
  "xxreg0=%,actions=drop",
  "tun_gbp_id=%,actions=drop",
  "vlan_vid=%,actions=drop",
  "vlan_pcp=%,actions=drop",
  "arp,arp_op=%,actions=drop",
  "ct_label=%,actions=drop",
  "dp_hash=%,actions=drop",
  "ip,nw_frag=%,actions=drop",
  "reg0=1/%,actions=drop",
  "tcp,tp_src=1/%,actions=drop",
  "metadata=1/%,actions=drop",
  "dl_vlan=1/%,actions=drop",
  "actions=output:%",
  "actions=mod_vlan_vid:%",
  "actions=mod_vlan_pcp:%",
  "actions=set_queue:%",
  "actions=group:%",
  "actions=enqueue:1:%",
  "actions=resubmit(,%)",
  "actions=resubmit(%)",
  "actions=load:%->NXM_NX_REG0[]",
  "actions=set_field:%->reg0",
  "actions=set_field:%->tcp_src",
  "actions=mod_nw_ttl:%",
  "actions=mod_nw_tos:%",
  "actions=mod_tp_src:%",
  "actions=mod_tp_dst:%",
  "actions=pop_mpls:%",
  "actions=set_mpls_label:%",
  "actions=set_mpls_tc:%",
  "actions=set_mpls_ttl:%",
  "actions=set_tunnel:%",
  "actions=set_tunnel64:%",
  "actions=controller:%",
  "actions=controller(max_len=%)",
  "actions=controller(id=%)",
  "actions=output(port=1,max_len=%)",
  "actions=fin_timeout(idle_timeout=%)",
  "actions=goto_table:%",
  "actions=write_metadata:%",
  "actions=set_field:%->ip_dscp",
  "actions=clone(output:%)",
  "actions=ct(commit,exec(set_field:%->ct_mark))",
  "actions=push_vlan:%",
  "actions=set_mpls_ttl(%)",
  "actions=set_field:%/0xff->reg0",
  "ip,actions=ct(zone=%)",
  "ip,actions=ct(commit,zone=%)",
  "ip,actions=ct(table=%)",
  "ip,actions=ct(alg=%)",
  "actions=learn(table=%,output:NXM_OF_IN_PORT[])",
  "actions=learn(priority=%)",
  "actions=learn(idle_timeout=%)",
  "actions=learn(cookie=%)",
  "actions=learn(hard_timeout=%)",
  "actions=learn(fin_idle_timeout=%)",
  "actions=learn(limit=%)",
  "actions=sample(probability=%)",
  "actions=sample(probability=1,collector_set_id=%)",
  "actions=sample(probability=1,obs_domain_id=%)",
  "actions=check_pkt_larger(%)->reg0[0]",
  "actions=resubmit(%,1)",
  "actions=resubmit(,%,ct)",
  "ip,actions=ct(commit,exec(set_field:%->ct_mark))",
  "actions=set_field:%->vlan_vid",
  "actions=set_field:%->tun_id",
  "actions=load:%->NXM_NX_REG0[0..7]",
  "actions=load:%->NXM_OF_VLAN_TCI[]",
  "tcp,actions=mod_tp_src:%",
  "actions=write_metadata:1/%",
  "ip,actions=mod_nw_ecn:%",
  "actions=fin_timeout(hard_timeout=%)",
  "actions=enqueue(1,%)",
  "mpls,actions=set_mpls_ttl:%",
  "mpls,actions=set_mpls_label:%",
  "actions=conjunction(%,1/2)",
  "actions=dec_ttl(%)",
  "actions=dec_ttl(1,%)",
  "actions=multipath(eth_src,%,modulo_n,1,0,reg0[])",
  "actions=multipath(eth_src,50,modulo_n,%,0,reg0[])",
  "actions=multipath(eth_src,50,iter_hash,2,%,reg0[])",
  "actions=bundle(eth_src,%,active_backup,ofport,members:1)",
  "actions=bundle_load(eth_src,%,hrw,ofport,reg0[],members:1)",
  "actions=mod_dl_src:%",
  "actions=output:+%",
  "in_port=+%,actions=drop",
  "actions=resubmit(+%)",
  "priority=+%,actions=drop",
  "table=+%,actions=drop",
];

describe.skipIf(!peers("ovs-ofctl"))("numbers in flow text (octal, hex, signs, overflow) against ovs-ofctl parse-flow", () => {
  it(`${TEMPLATES.length} keywords x ${NUMBERS.length} numbers parse (or fail) as ovs-ofctl does`, async () => {
    const diffs: string[] = [];
    for (const t of TEMPLATES) {
      for (const n of NUMBERS) {
        const d = await ofctlDifference(["parse-flow", t.replaceAll("%", n)]);
        if (d !== undefined) diffs.push(d);
      }
    }
    expect(diffs).toEqual([]);
  }, 600_000);
});
