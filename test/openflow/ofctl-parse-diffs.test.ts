/**
 * Flow text and flow_mod decoding outside the OVS test-suite corpus, compared with the installed
 * `ovs-ofctl` (stdout, the error text on stderr without the program name, exit status): raw NXM `vlan_tci`
 * masks and their OXM forms, bare and masked fields without masks (`ip,nw_proto`, `nw_proto=1/0xff`),
 * integer and IP address syntax errors, `encap` header errors, the order of the `drop` check, the
 * usable protocols of all-zero masks, and flow_mod flags each version does not have (`OFPFMFC_BAD_FLAGS`,
 * the OpenFlow 1.0 emergency flag).
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { ofctlOurs, ofctlTheirs } from "../support/ofctl-compare.js";

const ours = ofctlOurs;
const theirs = ofctlTheirs;

/** ovs-ofctl's own flow_mod bytes for `flow` (its -mmmmm hex dump). */
function ovsHex(flow: string, ...opts: string[]): string {
  const out = execFileSync("ovs-ofctl", [...opts, "-mmmmm", "parse-flow", flow], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => /^[0-9a-f]{8}  /.test(l))
    .map((l) => l.slice(10, 58).replace(/[- ]/g, ""))
    .join("");
}

const FLOWS = [
  // NXM carries the TCI raw; OXM only the VID/CFI and (with a VID/CFI value) the PCP
  ...["0x2000/0xf000", "0x2000/0xe000", "0x3000/0xe000", "0x3000/0xf000", "0x2000/0x2000", "0x0000/0x6000", "0x5123/0x7fff", "0xe000/0xe000"].map((t) => `vlan_tci=${t},actions=drop`),
  // fields without masks: bare, all-zero and all-ones masks are fine, others are not
  ...["ip,nw_proto", "ip,nw_proto=1/0", "ip,nw_proto=1/0xff", "ip,nw_proto=1/0x0f", "ip,nw_ttl", "ip,ip_dscp", "ip,nw_tos", "ip,nw_tos=4/0xff", "ip,nw_ecn"],
  ...["icmp,icmp_type", "icmp,icmp_type=3/0xff", "arp,arp_op=1/0", "mpls,mpls_label", "mpls,mpls_label=1/0xffffffff", "mpls,mpls_label=1/0xfffff", "mpls,mpls_bos"],
  ...["dl_vlan", "dl_vlan_pcp", "dl_vlan=5/0xffff", "dl_vlan_pcp=5/0", "dl_type", "dl_type=0x800/0xffff", "recirc_id=1/0xffffffff", "ct_zone=1/0xffff", "conj_id", "icmp6,icmpv6_type=1/0xff"],
  ...["in_port", "in_port=1/0", "packet_type", "ip,nw_frag"].map((f) => `${f},actions=drop`),
  // integer syntax as parse_int_string() reads it
  ...["ip,nw_proto=300", "ip,nw_proto=x", "ip,nw_proto=x/0", "ip,nw_proto=1/0x1ff", "ip,nw_proto=-1", "ip,nw_ttl=0x", "ip,nw_ttl=010", "tcp,tp_src=0x1ffff", "tcp,tp_src=1/0x1ffff"],
  ...["reg0=1/x", "reg0=1/", "reg0=0x1ffffffff", "reg0=-1", "reg0=0x 1", "metadata=-1", "metadata=1/0x1ffffffffffffffff"],
  // IP addresses: the whole text in every error
  ...["ip,nw_src", "ip,nw_src=0/0", "ip,nw_src=1.2.3.4/0", "ip,nw_src=1.2.3.4/33", "ip,nw_src=1.2.3.4/-1", "ip,nw_src=1.2.3.4/x", "ip,nw_src=1.2.3.4/255.0.255.0"],
  ...["ipv6,ipv6_src=::/0", "ipv6,ipv6_src=::1/129", "ipv6,ipv6_src=::1/x", "ipv6,ipv6_src=::1/ffff::1::2", "ipv6,ipv6_src=zz"],
  // tcp_flags under the 12-bit mask print as exact flags; the packet type (and a datapath match's `eth`) after ct
  ...["tcp,tcp_flags=0x002/0x0fff", "tcp,tcp_flags=0x012", "tcp,tcp_flags=0x200/0x200", "tcp,tcp_flags=0x212/0xfff", "recirc_id=5,packet_type=(1,0x800)"],
  ...["packet_type=(1,0x800),pkt_mark=1,ct_state=+trk,reg0=1,in_port=1", "recirc_id=5,ip", "recirc_id=5,in_port=1", "recirc_id=5,dl_src=00:00:00:00:00:01", "rarp,metadata=0x5,vlan_tci=0,recirc_id=5"],
  // ports: decimal or named only, each action's own wording, and ovs-ofctl's check against the port range
  ...["in_port=0x5,actions=drop", "in_port=foo,actions=drop", "actions=output:0x5", "actions=output:foo", "actions=enqueue:foo:1", "actions=resubmit:foo"],
  ...["actions=output:65280", "actions=output:65279", "actions=output:70000", "actions=output:4294967040", "actions=output:ANY", "actions=output:NONE"],
  ...["actions=clone(output:NONE)", "actions=write_actions(output:ANY)", "actions=output:LOCAL", "actions=output:CONTROLLER"],
  // set_field's usable protocols: masked, registers, tun_metadata, tunnel fields
  ...["actions=set_field:0x5/0xf->reg1", "actions=set_field:5->xreg0", "actions=set_field:1->tun_metadata3", "actions=set_field:0x1/0x1->tun_id", "mpls,actions=set_field:1->mpls_ttl"],
  ...["sctp,actions=set_field:1/0x1->sctp_src", "ipv6,actions=set_field:ffff::/ffff::->ipv6_src", "actions=set_field:10.0.0.0/255.0.0.0->tun_src"],
  // the checks after the list is parsed, in ovs-ofctl's order: drop, conjunction, instruction order
  ...["rarp,reg3[]=3,actions=conjunction(1,1/2),output:NXM_NX_REG0[]", "actions=clear_actions,mod_tp_src:1,drop", "actions=clear_actions,conjunction(1,1/2),push_vlan:0x8100"],
  ...["actions=goto_table:1,output:1", "actions=meter:1,meter:2", "actions=goto_table:1,conjunction(1,1/2)", "actions=write_actions(output:1),clear_actions", "actions=conjunction(1,1/2),note:00"],
  // actions
  ...["encap(foo)", "encap(foo(bar))", "encap(foo=3)", "encap()", "drop,reset_counts", "reset_counts,drop"].map((a) => `ip,actions=${a}`),
  ...["reset_counts", "no_packet_counts", "no_byte_counts", "send_flow_rem,check_overlap,reset_counts,no_packet_counts,no_byte_counts"].map((f) => `${f},ip,actions=drop`),
  // one place of struct flow under two names: the later one wins, named as fits the packet
  ...["arp,arp_spa=1.1.1.1,nw_src=2.2.2.2", "ip,nw_src=2.2.2.2,arp_spa=1.1.1.1", "arp,nw_src=2.2.2.2", "ip,arp_spa=1.1.1.1", "rarp,nw_dst=1.2.3.4"],
  ...["arp,nd_sll=00:00:00:00:00:01", "icmp6,icmp_type=135,arp_sha=00:00:00:00:00:01", "icmp6,icmp_type=135,nd_sll=00:00:00:00:00:02,arp_sha=00:00:00:00:00:01"],
  ...["arp,nd_tll=00:00:00:00:00:01,arp_tha=00:00:00:00:00:03", "ip,ip_dscp=10,nw_tos=4", "ip,nw_tos=4,ip_dscp=10", "arp_spa=1.1.1.1,nw_src=2.2.2.2"],
  // vlan_tci replaces the whole TCI; dl_vlan keeps the PCP
  ...["mplsm,dl_vlan_pcp=3,vlan_tci=0x1005/0x1fff", "vlan_tci=0x1005,dl_vlan_pcp=3", "dl_vlan_pcp=3,dl_vlan=5", "udp,nw_ecn=1"],
  // packet types: Ethernet fields under another one are refused by the decoder (OFPBMC_BAD_PREREQ), the Ethertype copied into dl_type
  ...["packet_type=(1,0x800),dl_src=00:00:00:00:00:01", "packet_type=(0,0x800),dl_src=00:00:00:00:00:01", "ip,packet_type=(1,0x800)", "packet_type=(1,0x800),ip"],
  ...["udp6,packet_type=(1,0x894f)", "packet_type=(1,0x800),nw_proto=6,tp_dst=80", "ct_label=0x1,packet_type=(0,0)", "recirc_id=5,packet_type=(0,0)", "ip_frag=not_later"],
  // CT tuples need a ct_state that implies a valid connection; the IPv6 label is written for IPv4 too
  ...["ct_nw_src=10.0.0.5", "ct_state=+trk,ip,ct_nw_src=10.0.0.1", "ct_state=+est+trk,ip,ct_nw_src=10.0.0.1", "ip,ct_state=+trk+inv,ipv6_label=0x12345", "icmp,ipv6_label=5"],
  // learn's source fields against the flow, the learned flow's against the specs before them
  ...["tcp,actions=learn(NXM_OF_TCP_DST[])", "actions=learn(NXM_OF_TCP_DST[])", "tcp,actions=learn(table=1,tcp_dst=80)", "tcp,actions=learn(table=1,dl_type=0x800,nw_proto=6,tcp_dst=80)"],
  ...["tcp,actions=learn(table=1,NXM_OF_ETH_TYPE[],NXM_OF_IP_PROTO[],tcp_dst=80)", "ip,actions=learn(table=1,load:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[])", "tcp,actions=learn(foo=1)", "tcp,actions=learn(table=3,tcp,tcp_src=NXM_OF_TCP_DST[])"],
  // consistency is checked after the list's own checks; after push_mpls an IP field is inconsistent on decode
  ...["actions=set_field:1->mpls_label,conjunction(1,1/2)", "actions=ct(exec(set_field:1->ct_mark)),drop", "actions=mod_tp_src:1,goto_table:1,output:1", "actions=set_field:1->mpls_label,meter:1"],
  ...["in_port=LOCAL,actions=push_mpls:0x8847,mod_nw_ttl:9", "actions=output_trunc(port=1,max_len=100)", "pbb_isid=1", "icmpv4_type=3", "ipv6_exthdr=1"],
  // a load into a read-only field: the prerequisites first (OFPBAC_MATCH_INCONSISTENT), then the decoder of
  // the encoded action refuses it (OFPBAC_BAD_SET_ARGUMENT); set_field is refused as the text is read
  ...["tcp,actions=load:1->NXM_NX_TCP_FLAGS[]", "actions=load:1->NXM_NX_TCP_FLAGS[]", "ip,actions=load:1->NXM_NX_TCP_FLAGS[0..3]", "actions=load:1->NXM_OF_ETH_TYPE[0..3]"],
  ...["mpls,actions=load:1->OXM_OF_MPLS_BOS[]", "actions=load:1->OXM_OF_MPLS_BOS[]", "ip,actions=load:1->NXM_OF_IP_PROTO[]", "actions=load:1->NXM_NX_CT_STATE[]", "actions=load:5->NXM_NX_CT_ZONE[]"],
  ...["tcp,actions=set_field:1->tcp_flags", "actions=set_field:1->tcp_flags", "tcp,actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", "actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]"],
  ...["ip,actions=ct(commit,exec(load:1->NXM_NX_CT_STATE[]))", "tcp,actions=load:1->NXM_NX_TCP_FLAGS[],output:1", "ip,actions=output:1,load:1->NXM_NX_IP_FRAG[]"],
  // in_port_oxm (OXM_OF_IN_PORT): a 32-bit port NXM, OXM and OpenFlow 1.1 carry, any value it cannot read named in one message
  ...["in_port_oxm=5", "in_port_oxm=LOCAL", "in_port_oxm=ANY", "in_port_oxm=65535", "in_port_oxm=4294967040", "in_port=4294967040"],
  ...["in_port_oxm=0xfffffff0", "in_port_oxm=70000", "in_port_oxm=5/0xff", "in_port_oxm=5/0", "in_port_oxm=foo", "in_port_oxm=5,in_port=6", "in_port=6,ip,in_port_oxm=5"],
  // tables as ofputil_table_from_string() reads them: decimal only, up to 255, each action's own wording
  ...["table=0x5", "actions=goto_table:foo", "actions=goto_table:0x5", "actions=goto_table:300", "actions=goto_table: 3", "actions=resubmit(,foo)"],
  ...["actions=resubmit(,300)", "actions=resubmit(,0x5)", "actions=resubmit(1,foo)", "actions=resubmit(,255)", "actions=resubmit(1,255)", "actions=resubmit(, 3 )"],
].map((f) => (f.includes("actions=") ? f : `${f},actions=drop`));

describe.skipIf(!peers("ovs-ofctl"))("ovn-ts ofctl parse-flow against ovs-ofctl outside the suite's corpus", () => {
  for (const protocols of [undefined, "OpenFlow13", "OpenFlow15", "OpenFlow11", "OpenFlow12"]) {
    it(`${protocols ?? "no -O"}: ${FLOWS.length} flows print (or fail) identically`, async () => {
      const pre = protocols ? ["-O", protocols] : [];
      const diffs: string[] = [];
      for (const flow of FLOWS) {
        const args = [...pre, "parse-flow", flow];
        const [a, b] = [theirs(args), await ours(args)];
        if (a.out !== b.out || a.err !== b.err || a.code !== b.code) diffs.push(`${flow}\n ovs(${a.code}): ${a.out}${a.err}\n ours(${b.code}): ${b.out}${b.err}`);
      }
      expect(diffs).toEqual([]);
    }, 120_000);
  }
});

describe.skipIf(!peers("ovs-ofctl"))("flow_mod flags each version does not have, ofp-print against ovs-ofctl", () => {
  // [version options, flags offset in bytes] of ovs-ofctl's own flow_mod for `ip,actions=drop`
  const FORMS: [string[], number][] = [
    [[], 70],
    [["-F", "nxm"], 38],
    [["-O", "OpenFlow11"], 44],
    [["-O", "OpenFlow12"], 44],
    [["-O", "OpenFlow13"], 44],
    [["-O", "OpenFlow15"], 44],
  ];
  for (const [opts, at] of FORMS) {
    it(`${opts.join(" ") || "OpenFlow 1.0"}: every flag bit prints as ovs-ofctl prints it`, async () => {
      const base = ovsHex("idle_timeout=0,ip,actions=drop", ...opts);
      const withTimeout = ovsHex("idle_timeout=5,ip,actions=drop", ...opts);
      const diffs: string[] = [];
      for (const hex of [base, withTimeout]) {
        for (const flags of [0x1, 0x2, 0x3, 0x4, 0x8, 0x10, 0x1f, 0x20, 0x40, 0x8000]) {
          const h = hex.slice(0, at * 2) + flags.toString(16).padStart(4, "0") + hex.slice(at * 2 + 4);
          const [a, b] = [theirs(["ofp-print", h]), await ours(["ofp-print", h])];
          if (a.out !== b.out || a.code !== b.code) diffs.push(`${h}\n ovs: ${a.out}\n ours: ${b.out}`);
        }
      }
      expect(diffs).toEqual([]);
    }, 120_000);
  }
});

describe.skipIf(!peers("ovs-ofctl"))("an OpenFlow 1.5 masked set_field with value bits outside its mask, against ovs-ofctl", () => {
  // ovs-ofctl's own flow_mod for `actions=set_field:0x1/0x1->reg0`, its value then given bits the mask lacks
  const base = "060e005000000001000000000000000000000000000000000000000000008000ffffffffffffffffffffffff000000000001000400000000000400180000000000190010000101080000000100000001";
  it("ofp-print of the flow_mod and parse-actions OpenFlow15 of the action refuse it as ovs-ofctl does (OFPBMC_BAD_WILDCARDS)", async () => {
    const diffs: string[] = [];
    for (const value of ["00000001", "00000005", "ffffffff"]) {
      const h = base.slice(0, -16) + value + base.slice(-8);
      const [a, b] = [theirs(["ofp-print", h]), await ours(["ofp-print", h])];
      if (a.out !== b.out || a.code !== b.code) diffs.push(`${h}\n ovs: ${a.out}\n ours: ${b.out}`);
    }
    const action = "0019 0010 00010108 00000005 00000001\n";
    const a = spawnSync("ovs-ofctl", ["parse-actions", "OpenFlow15"], { input: action, encoding: "utf8" });
    const io = memoryIo(action);
    const code = await main(["ofctl", "parse-actions", "OpenFlow15"], io);
    if (a.stdout !== io.stdout || a.status !== code) diffs.push(`parse-actions\n ovs: ${a.stdout}\n ours: ${io.stdout}`);
    expect(diffs).toEqual([]);
  });
});
