/**
 * Fields where ovn-ts once differed from ovs-ofctl 3.1 (issue 17's field sweep), each with the neighbouring
 * cases that pin the mechanism, compared with the installed `ovs-ofctl parse-flow` under its default
 * protocols and under `-O OpenFlow13` (stdout, stderr without log lines, exit status).
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { ofctlDifference } from "../support/ofctl-compare.js";

/** Flows grouped by what they pin. */
const CASES: Record<string, readonly string[]> = {
  // Open vSwitch's match encoder writes ct_nw_proto only when it is not 0, and ct_tp_src/ct_tp_dst only with it
  ct_nw_proto: [
    "ct_state=+trk+est,ct_nw_proto=0,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=0,ct_tp_dst=5,actions=drop",
    "ct_state=+trk,ip,ct_nw_proto=0,ct_tp_src=80,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=6,ct_tp_src=80,actions=drop",
    "ct_nw_proto=0,actions=drop",
    "ct_nw_proto=0/0xff,actions=drop",
    "ct_nw_proto=0x100/0xff,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=1/0x0,ct_tp_src=80,actions=drop",
    "ct_state=+trk+est,ct_nw_proto=17,actions=drop",
  ],
  // mf_from_packet_type_string(): two parse_int_string() numbers, nothing read after ')'; put_u16_masked() prints
  packet_type: [
    "packet_type=(1,0x800)/0xfffffff0,actions=drop",
    "packet_type=(1,0x800)xyz,actions=drop",
    "packet_type=(x,0x800),actions=drop",
    "packet_type=(1;0x800),actions=drop",
    "packet_type=(1,y),actions=drop",
    "packet_type=(0x10000,1),actions=drop",
    "packet_type=(1,65536),actions=drop",
    "packet_type=(01,010),actions=drop",
    "packet_type=( 1, 0x800),actions=drop",
    "packet_type=(-1,0x800),actions=drop",
    "packet_type=(0,0)/0,actions=drop",
    "packet_type=(0,1),actions=drop",
    "packet_type=(10,10),actions=drop",
    "packet_type=(9,9),actions=drop",
    "packet_type=(0xffff,0xffff),actions=drop",
    "packet_type=(1,0x0 800),actions=drop",
  ],
  // tun_metadata without a TLV map: a 124-byte integer, sized by its value and mask, each option once in 256 bytes
  tun_metadata: [
    ...["0", "1", "-1", "0x0", "0x00ff", "256", "0x1/0", "0x100/0", "0/0xff", "1/0xff", "1/0x100", "18446744073709551616", "abc", "1/abc"].map(
      (v) => `tun_metadata0=${v},actions=drop`,
    ),
    `tun_metadata0=0x${"f".repeat(248)},actions=drop`,
    `tun_metadata0=0x${"f".repeat(250)},actions=drop`,
    `tun_metadata0=0x1/0x${"f".repeat(248)},actions=drop`,
    "tun_metadata0=1,tun_metadata0=2,actions=drop",
    "tun_metadata0,tun_metadata0=2,actions=drop",
    `tun_metadata0=0x${"f".repeat(200)},tun_metadata1=0x${"f".repeat(200)},tun_metadata2=0x${"f".repeat(200)},actions=drop`,
    `tun_metadata0=0x${"f".repeat(200)}/0,tun_metadata1=0x${"f".repeat(200)}/0,tun_metadata2=0x${"f".repeat(200)}/0,actions=drop`,
    `tun_metadata0=0,tun_metadata1=0x${"f".repeat(248)},tun_metadata2=0x${"f".repeat(248)},tun_metadata3=0x${"f".repeat(16)},actions=drop`,
    `tun_metadata0=0,tun_metadata1=0x${"f".repeat(248)},tun_metadata2=0x${"f".repeat(248)},tun_metadata3=0x${"f".repeat(18)},actions=drop`,
    ...["1", "0", "0x1234", "-1", `0x${"f".repeat(248)}`].map((v) => `actions=load:${v}->NXM_NX_TUN_METADATA0[]`),
    "actions=load:1->NXM_NX_TUN_METADATA0[0..991],output:1",
    "actions=load:1->NXM_NX_TUN_METADATA0[1..991]",
    "actions=load:0x100->NXM_NX_TUN_METADATA0[8..15]",
    "actions=set_field:0x1/0xff->tun_metadata0",
  ],
  // parse_flags() (numbers, +name-name, name|name; the bits each field allows; its three errors), tun_flags 1 bit
  // wide (n_bits 1), a set_field of a flag field printed by mf_format()
  flags: [
    "tun_flags=+oam,actions=drop",
    "tun_flags=1,actions=drop",
    "tun_flags=0x2,actions=drop",
    "tun_flags=0x3/0x3,actions=drop",
    "tun_flags=1/0xffff,actions=drop",
    "tun_flags=1/1,actions=drop",
    "tun_flags=0/1,actions=drop",
    "tun_flags=1/0,actions=drop",
    "tun_flags=-oam,actions=drop",
    "tun_flags=+oam-oam,actions=drop",
    "tun_flags=0xffff,actions=drop",
    "tun_flags=oam,actions=drop",
    "tun_flags=oam|1,actions=drop",
    "tun_flags=oam|,actions=drop",
    "tun_flags=+oam+,actions=drop",
    "tun_flags=+oamx,actions=drop",
    "tun_flags=1/1xyz,actions=drop",
    "tun_flags=-1,actions=drop",
    "tun_flags= 1,actions=drop",
    "tun_flags=0,actions=drop",
    "tun_flags=,actions=drop",
    "actions=set_field:+oam->tun_flags",
    "actions=set_field:1->tun_flags",
    "actions=set_field:0->tun_flags",
    "actions=set_field:0x2->tun_flags",
    "actions=set_field:-oam->tun_flags",
    "actions=set_field:1/1->tun_flags",
    "actions=set_field:0/1->tun_flags",
    "actions=set_field:+oam/+oam->tun_flags",
    "actions=set_field:oam->tun_flags",
    "actions=load:1->NXM_NX_TUN_FLAGS[]",
    "actions=load:1->NXM_NX_TUN_FLAGS[0]",
    "actions=load:2->NXM_NX_TUN_FLAGS[]",
    "actions=move:NXM_NX_TUN_FLAGS[0..0]->NXM_NX_REG0[0..0]",
    "actions=move:NXM_NX_TUN_FLAGS[0..1]->NXM_NX_REG0[0..1]",
    "actions=learn(NXM_NX_TUN_FLAGS[])",
    "tcp,tcp_flags=+syn,actions=drop",
    "tcp,tcp_flags=+syn-ack,actions=drop",
    "tcp,tcp_flags=syn|ack,actions=drop",
    "tcp,tcp_flags=0x1000,actions=drop",
    "tcp,tcp_flags=0x012/0x0ff,actions=drop",
    "tcp,tcp_flags=0x012/0x1fff,actions=drop",
    "tcp,tcp_flags=+[200],actions=drop",
    "tcp,tcp_flags=[800],actions=drop",
    "tcp,tcp_flags=+syn+syn,actions=drop",
    "tcp,tcp_flags=+bogus,actions=drop",
    "tcp,tcp_flags=+syn/x,actions=drop",
    "tcp,tcp_flags=syn|bogus,actions=drop",
    "tcp,tcp_flags=2|ack,actions=drop",
    "tcp,actions=set_field:+syn->tcp_flags",
    "tcp,actions=set_field:0x2->tcp_flags",
    "tcp,actions=set_field:0x2/0x2->tcp_flags",
    "tcp,actions=set_field:syn|ack->tcp_flags",
    "tcp,actions=set_field:0xfff->tcp_flags",
    "tcp,actions=set_field:0/0xfff->tcp_flags",
    "tcp,actions=set_field:0->tcp_flags",
    "ct_state=+trk,actions=drop",
    "ct_state=trk|est,actions=drop",
    "ct_state=0x21/0x21,actions=drop",
    "ct_state=0x100,actions=drop",
    "ct_state=+trk+bogus,actions=drop",
    "ct_state=trk,actions=drop",
    "ct_state=-trk,actions=drop",
    "ct_state=+trk-trk,actions=drop",
    "ct_state=0x21/0x121,actions=drop",
    "ct_state=trk+est,actions=drop",
    "ct_state=0xff,actions=drop",
  ],
  // a value that does not fit a load's bits, printed as its field prints it, before a CT field is refused
  load_fit: [
    ...["NXM_NX_TUN_FLAGS[]", "NXM_NX_REG0[0]", "NXM_NX_IP_ECN[0]", "NXM_OF_IN_PORT[0..3]", "NXM_OF_ETH_SRC[0..3]", "NXM_OF_IP_SRC[0..3]"]
      .concat(["NXM_NX_IPV6_SRC[0..3]", "NXM_OF_VLAN_TCI[0..3]", "NXM_NX_CT_MARK[0..3]", "NXM_NX_TCP_FLAGS[0..3]", "NXM_NX_IP_FRAG[0]", "NXM_NX_IP_FRAG[0..1]"])
      .concat(["NXM_NX_TUN_METADATA0[0..3]", "NXM_NX_XXREG0[0..3]", "NXM_NX_IPV6_LABEL[0..3]"])
      .flatMap((d) => ["1", "2", "3", "0x12", "0x1f0"].map((v) => `actions=load:${v}->${d}`)),
  ],
  // an empty value is none ("0/0", ofp_parse_field())
  empty_value: ["reg0=", "tcp,tcp_flags=", "ct_state=", "dl_src=", "dl_src", "tun_flags=", "tun_metadata3=", "dl_vlan=", "dl_vlan_pcp=", "nw_tos=", "reg0=5,reg0="].map(
    (m) => `${m},actions=drop`,
  ),
  // `*` matches anything (mf_parse()): no match, but tun_metadata's option allotted and a field with a
  // prerequisite still implying an Ethernet packet type (the bytes after debug_slow show it); `*/0` is no such value
  star_value: [
    ...["nw_src", "in_port", "tun_metadata0", "reg0", "dl_dst", "tun_flags", "ct_state", "packet_type", "vlan_tci", "ipv6_src"],
    ...["dl_vlan", "dl_vlan_pcp", "tun_ttl", "skb_priority", "in_port_oxm", "actset_output", "nw_proto", "tp_src", "ipv6_label", "pbb_isid"],
  ]
    .map((f) => `${f}=*,actions=drop`)
    .concat(["ip,nw_src=*", "tcp,tp_src=*", "nw_src=*/24", "tun_metadata0=*/0"].map((m) => `${m},actions=drop`))
    .concat(["nw_src=*", "reg0=*", "dl_dst=*", "tp_src=*", "metadata=*", "packet_type=*,nw_src=*", "nw_src=*,packet_type=(1,0x800)"].map((m) => `${m},actions=debug_slow`)),
  // parse_ofp_str__() reads a protocol shorthand first, whatever follows it; a keyword or unknown name without a
  // value is "missing value" (flags excepted); shorthands are spelled as written
  keywords: [
    ...["ip=5", "ip=", "tcp6=x", "table=", "table", "priority=", "priority", "idle_timeout=", "hard_timeout=", "importance=", "cookie="],
    ...["out_port=", "out_group=", "buffer_id=", "n_packets=", "duration", "check_overlap=", "send_flow_rem=5", "foo=", "foo", "foo=1", "IP", "IP=5"],
  ].map((m) => `${m},actions=drop`),
  // parse_subfield(): parse_int_string() over the field's bytes (0x hex of significant digits that fit, else
  // strtoull() base 0 within the bytes), nothing after it; "NAME: value V does not fit" with V as mf_format() prints it
  bit_range_value: [
    ...["reg0[1]=", "reg0[1]=x", "reg0[1]=*", "reg0[0..3]=", "reg0[]=", "reg0[1]=1", "reg0[1]=0x", "reg0[1]=1x"],
    ...["reg0[1]=-1", "reg0[0..3]=99999999999999999999999999999999999999999", "reg0[]=4294967295", "reg0[]=4294967296"],
    ...["reg0[0..3]=4294967295", "metadata[]=18446744073709551615", "metadata[]=18446744073709551616", "metadata[0..3]=-1"],
    ...["reg0[]=0x100000000", "reg0[]=0x0000000000ff", "reg0[]=08", "reg0[]=010", "reg0[]=00", "reg0[]=0X10"],
    ...["reg0[]=+0x10", "reg0[]=-0x10", "reg0[]=1e", "reg0[]=-0", "xxreg0[]=18446744073709551616", "xxreg0[]=0xffffffffffffffffffffffffffffffff"],
    ...["xxreg0[0..3]=0x1ffffffffffffffffffffffffffffffff", "ip,nw_src[0..7]=256", "ip,nw_src[24..31]=256"],
    ...["dl_src[0..7]=256", "ipv6_src[0..7]=256", "tcp,tp_src[0..3]=16", "tcp,tcp_src[0..3]=16", "in_port[0..3]=16"],
    ...["in_port[0..3]=0xfff8", "reg0[0..3]=0x10", "tun_flags[0]=2", "ct_state[0]=2", "tcp,tcp_flags[0]=2"],
    ...["ip,nw_frag[0]=2", "ipv6_label[0..3]=16", "vlan_tci[0..3]=16", "reg0[1]=0x1/0x1", "dl_type[0..3]=16"],
    ...["ip,nw_proto[0..3]=16", "vlan_vid[0..3]=16", "tun_id[0..3]=16", "ct_label[0..3]=16", "tun_metadata0[0..3]=16"],
  ].map((m) => `${m},actions=drop`),
  // ipv6_parse_masked(): a mask that starts as a number is a prefix length ("/%d" tried first)
  ipv6_mask: ["2001:db8::", "64xyz", "0::1", "64", "+64", "-1", "129", "ff::", "1::", "99999999999999999999"].flatMap((m) => [
    `ipv6,ipv6_src=::1/${m},actions=drop`,
    `ct_state=+trk+est,ipv6,ct_ipv6_src=::1/${m},actions=drop`,
  ]),
  // OFPP_UNSET (0xfff7) read and printed by its name
  unset_port: ["in_port=UNSET,actions=drop", "in_port=65527,actions=drop", "in_port=unset,actions=drop", "actions=output:UNSET", "actions=set_field:UNSET->in_port", "actions=resubmit(UNSET)"],
  // match setters keep only a narrow field's bits (nw_ecn, ip_dscp, arp_op, vlan_vid), so our own bytes pass
  // the decoder's value checks
  // mf_from_name() and mf_parse_subfield() find names exactly as written: field names are lower case, NXM/OXM
  // names only name subfields (and set_field takes neither spelled otherwise); learn names both of a value's errors
  names_as_written: [
    "IP,actions=drop",
    "NXM_NX_REG0[0..3]=1,actions=drop",
    "REG0[0..3]=1,actions=drop",
    "foo[0..3]=1,actions=drop",
    "NW_SRC,actions=drop",
    "ip,actions=load:1->nxm_nx_reg0[]",
    "ip,actions=load:1->REG0[]",
    "ip,actions=set_field:1->REG0",
    "ip,actions=set_field:1->NXM_NX_REG0",
    "ip,actions=set_field:1->reg0",
    "NW_SRC=*,actions=drop",
    "Nw_src=1.2.3.4,ip,actions=drop",
    "ip,actions=set_field:1->OXM_OF_METADATA",
    "ip,actions=load:1->reg0[]",
    "ip,actions=load:1->OXM_OF_METADATA[]",
    "ip,actions=move:NXM_NX_REG0[]->Reg1[]",
    "ip,actions=move:nxm_nx_reg0[]->reg1[]",
    "ip,actions=delete_field:TUN_METADATA0",
    "ip,actions=delete_field:NXM_NX_TUN_METADATA0",
    "ip,actions=delete_field:foo",
    "ip,actions=delete_field:tun_metadata1",
    "nxm_nx_reg0=1,actions=drop",
    "Eth_src=00:00:00:00:00:01,actions=drop",
    "DL_VLAN=1,actions=drop",
    "Dl_vlan_pcp=1,actions=drop",
    "ip,NW_TOS=4,actions=drop",
    "tun_metadata0=1,actions=drop",
    "TUN_METADATA0=1,actions=drop",
    "ip,actions=learn(NXM_OF_VLAN_TCI[0..11],Reg0[]=1)",
    "ip,actions=output:REG0[]",
    "ip,actions=output:Reg0[0..15]",
    "ip,actions=output:reg0[0..15]",
    "ip,actions=multipath(eth_src,50,modulo_n,1,0,REG0[])",
    "ip,actions=ct(commit,exec(set_field:1->CT_MARK))",
    "ip,actions=ct(commit,exec(set_field:1->ct_mark))",
    "ip,actions=ct(zone=REG0[0..15])",
    "ip,actions=push:REG0[]",
    "ip,actions=bundle_load(eth_src,0,hrw,ofport,REG0[],members:1)",
    "ip,Reg0=1,actions=drop",
    "Xreg0=1,actions=drop",
    "xreg0=1,actions=drop",
    "IN_PORT=1,actions=drop",
    "in_port_oxm=1,actions=drop",
    "ip,actions=learn(NXM_OF_VLAN_TCI[0..11],NXM_NX_REG0[]=Reg1[])",
    "ip,actions=learn(Eth_src=00:00:00:00:00:01)",
    "ip,actions=learn(eth_src=00:00:00:00:00:01)",
    "ip,actions=learn(load:NXM_NX_REG0[]->Reg1[])",
    "ip,actions=learn(NXM_OF_VLAN_TCI[0..11],NXM_NX_REG0[]=reg1[])",
    "tp_src[5]=1,tcp,actions=drop",
    "TP_SRC[5]=1,tcp,actions=drop",
    "ip,nw_src=1.2.3.4,actions=drop",
    "eth_type=0x800,actions=drop",
    "ipv6,ipv6_label=5,actions=drop",
    "NXM_OF_IN_PORT=1,actions=drop",
    "OXM_OF_METADATA=1,actions=drop",
    "in_port=1,actions=output:NXM_NX_REG0[0..15]",
    "ip,actions=move:OXM_OF_METADATA[0..31]->NXM_NX_REG0[]",
    "ip,actions=set_field:1->tun_id",
    "ip,actions=set_field:1->tunnel_id",
    "ip,actions=set_field:1->Tun_id",
    "tunnel_id=5,actions=drop",
    "ip,actions=ct(commit,exec(load:1->NXM_NX_CT_LABEL[0..63]))",
    "ip,actions=learn(NXM_NX_REG0[]=foo[])",
    "ip,actions=learn(NXM_NX_REG0[]=foo)",
    "ip,actions=learn(NXM_NX_REG0[0..3]=foo)",
    "ip,actions=learn(eth_src=foo)",
    "ip,actions=learn(eth_src=Reg1[])",
    "ip,actions=learn(NXM_NX_REG0[0..3]=Reg1[0..3])",
    "ip,actions=learn(NXM_NX_REG0[0..3]=5)",
    "ip,actions=learn(NXM_NX_REG0[0..3]=99)",
    "ip,actions=learn(NXM_NX_REG0[]=reg1)",
    "ip,actions=learn(NXM_OF_IN_PORT[]=in_port)",
    "ip,actions=learn(in_port=LOCAL)",
    "ip,actions=learn(eth_type=0x800,NXM_NX_REG0[0..3]=NXM_NX_REG1[0..2])",
    "ip,actions=learn(NXM_NX_XXREG0[0..99]=0x1234567890123456789)",
  ],
  narrow_values: [
    ...["ip,nw_ecn=255", "ip,nw_ecn=010", "ip,nw_ecn=7/3", "ip,nw_ecn=1/3", "ip,ip_dscp=255", "ip,ip_dscp=64", "arp,arp_op=0x101", "ip,nw_tos=255"],
    ...["vlan_vid=0xffff", "vlan_vid=0xf001/0xffff", "vlan_vid=0x1001/0xf0ff", "vlan_vid=0x1001/0x1fff", "vlan_vid=0xf000/0xf000", "ip,nw_frag=7/7"],
    ...["mpls,mpls_tc=255", "mpls,mpls_label=0xfffff/0xfffff"],
  ].map((m) => `${m},actions=drop`),
};

/**
 * Still different, each with its reason (arguments to `ovn-ts ofctl` and `ovs-ofctl`): the test fails when one
 * agrees, so a fix takes it off this list.
 */
const KNOWN: Record<string, readonly string[]> = {
  // set_field_to_legacy_openflow() writes an OpenFlow 1.1 set_field of vlan_tci as push_vlan (unless the
  // match has a VLAN, a fact ofpacts_check() records on the action), set_vlan_vid and set_vlan_pcp, or pop_vlan
  // without the CFI bit; ours writes Nicira loads. Needs the match's VLAN fact carried on the set_field action.
  "OF1.1 set_field of vlan_tci with CFI": ["-O", "OpenFlow11", "parse-flow", "actions=set_field:0x1001->vlan_tci"],
  "OF1.1 set_field of vlan_tci without CFI": ["-O", "OpenFlow11", "parse-flow", "actions=set_field:0->vlan_tci"],
};

describe.skipIf(!peers("ovs-ofctl"))("known differences from ovs-ofctl", () => {
  for (const [why, args] of Object.entries(KNOWN)) {
    it(`${why}: still differs`, async () => {
      expect(await ofctlDifference(args)).toBeDefined();
    });
  }
});

describe.skipIf(!peers("ovs-ofctl"))("fields that once differed, against ovs-ofctl parse-flow", () => {
  for (const [group, flows] of Object.entries(CASES)) {
    it(`${group}: ${flows.length} flows under two protocol choices`, async () => {
      const diffs: string[] = [];
      for (const flow of flows) {
        for (const pre of [[], ["-O", "OpenFlow13"]]) {
          const d = await ofctlDifference([...pre, "parse-flow", flow], `${pre.join(" ")} ${flow}`);
          if (d !== undefined) diffs.push(d);
        }
      }
      expect(diffs, diffs.join("\n")).toEqual([]);
    }, 120_000);
  }
});
