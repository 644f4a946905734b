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

async function ours(args: readonly string[]) {
  const io = memoryIo("");
  const code = await main(["ofctl", ...args], io);
  return { code, out: io.stdout, err: io.stderr.replace(/^ovn-ts ofctl: /gm, "") };
}

function theirs(args: readonly string[]) {
  const r = spawnSync("ovs-ofctl", args, { encoding: "utf8" });
  // ovs-ofctl logs match normalization on stderr: not part of the comparison
  const err = r.stderr
    .split("\n")
    .filter((l) => !/\|(ofp_match|ofp_port)\|/.test(l))
    .join("\n")
    .replace(/^ovs-ofctl: /gm, "");
  return { code: r.status, out: r.stdout, err };
}

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
].map((f) => (f.includes("actions=") ? f : `${f},actions=drop`));

describe.skipIf(!peers("ovs-ofctl"))("ovn-ts ofctl parse-flow against ovs-ofctl outside the suite's corpus", () => {
  for (const protocols of [undefined, "OpenFlow13", "OpenFlow15", "OpenFlow11"]) {
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
