/**
 * Test helper: seeded random flows in ovs-ofctl syntax (match fields with random values and masks, flow
 * keywords, protocol shorthands, actions drawn from the corpus and made up, and some broken items), and
 * the record of what the text pipeline makes of one (`parseFlow`, then encode, decode and print, or the
 * error), so that a rewrite of the pipeline can be checked against the outputs of the code before it
 * (`corpus/text-golden.json.gz`, written by `gen-text-golden.ts`).
 */
import { prng } from "../support/prng.js";

/** The seed of the flows recorded in `corpus/text-golden.json.gz`. */
export const GOLDEN_SEED = 20261207;
/** How many random flows `corpus/text-golden.json.gz` records (after the corpus flows). */
export const GOLDEN_COUNT = 4000;

/** The text pipeline of one build of the library (the sources, or a built `dist/`). */
export interface TextLib {
  parseFlow(text: string, command?: number): Record<string, unknown>;
  encodeMessage(m: never): Uint8Array;
  decodeMessage(b: Uint8Array): unknown;
  formatMessage(m: never): string;
}

/** What the pipeline makes of one flow: the error's class and message, or the bytes and the printed text. */
export interface TextRecord {
  readonly flow: string;
  readonly command: number;
  readonly error?: string;
  readonly hex?: string;
  readonly text?: string;
  readonly of10Only?: boolean;
}

/** Runs one flow through `lib`: parse (with `command`), encode, decode, print; or records the error. */
export function textRecord(lib: TextLib, flow: string, command: number): TextRecord {
  let parsed: Record<string, unknown>;
  try {
    parsed = lib.parseFlow(flow, command);
  } catch (e) {
    const err = e as Error;
    return { flow, command, error: `${err.constructor.name}: ${err.message}` };
  }
  const bytes = lib.encodeMessage({ type: "flow_mod", ...parsed, xid: 7 } as never);
  const hex = Buffer.from(bytes).toString("hex");
  let text: string;
  try {
    text = lib.formatMessage(lib.decodeMessage(bytes) as never);
  } catch (e) {
    // the decoder's consistency checks refuse some flows the parser takes (ovs-ofctl's ofp-print does too)
    const err = e as Error;
    return { flow, command, hex, error: `decode ${err.constructor.name}: ${err.message}` };
  }
  return parsed.of10Only ? { flow, command, hex, text, of10Only: true } : { flow, command, hex, text };
}

const MACS = ["01:02:03:04:05:06", "aa:bb:cc:dd:ee:ff", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:00:00:00:00", "fe:ff:ff:ff:ff:ff"];
const TCP_FLAGS = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
const CT_FLAGS = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];
const SHORTHANDS = ["ip", "ipv4", "icmp", "tcp", "udp", "sctp", "ipv6", "icmp6", "tcp6", "udp6", "sctp6", "arp", "rarp", "mpls", "mplsm", "eth"];
const FRAGS = ["no", "yes", "first", "later", "not_later", "maybe"];
const ACTIONS = [
  "drop",
  "output:1",
  "output:65534",
  "LOCAL",
  "NORMAL",
  "in_port",
  "resubmit(,3)",
  "resubmit(5,7)",
  "resubmit(,8,ct)",
  "load:0x5->NXM_NX_REG0[0..15]",
  "load:1->NXM_NX_REG10[3]",
  "move:NXM_NX_REG1[]->NXM_NX_REG2[]",
  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
  "set_field:10.0.0.1->ip_src",
  "set_field:0x1/0x3->reg3",
  "set_field:aa:bb:cc:dd:ee:ff->eth_dst",
  "mod_dl_src:01:02:03:04:05:06",
  "mod_nw_dst:192.168.0.1",
  "mod_tp_dst:80",
  "mod_vlan_vid:7",
  "strip_vlan",
  "push_vlan:0x8100",
  "dec_ttl",
  "ct(commit,zone=5)",
  "ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1))",
  "ct(table=3,zone=1,nat)",
  "ct_clear",
  "controller",
  "controller(userdata=00.01.02)",
  "group:4",
  "note:01.02.03",
  "exit",
  "goto_table:5",
  "write_metadata:0x5/0xff",
  "meter:1",
  "clear_actions",
  "write_actions(output:2)",
  "conjunction(5,1/2)",
  "learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])",
  "set_tunnel:0x5",
  "fin_timeout(idle_timeout=5)",
  "bogus_action",
  "output:NXM_NX_REG0[]",
];

/** Seeded random flow lines, `n` of them; `corpus` flows lend their action lists. */
export function randomFlows(seed: number, n: number, corpus: readonly string[]): { flow: string; command: number }[] {
  const rnd = prng(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = (bits: number) => {
    const b = Math.min(bits, 52);
    const v = Math.floor(rnd() * 2 ** b);
    return "0x" + v.toString(16) + (bits > 52 && rnd() < 0.5 ? "0123456789abcdef".slice(0, Math.ceil((bits - 52) / 4)) : "");
  };
  const num = (bits: number) => (rnd() < 0.5 ? String(int(2 ** Math.min(bits, 31))) : hex(bits));
  const masked = (bits: number) => (rnd() < 0.6 ? num(bits) : `${num(bits)}/${rnd() < 0.2 ? "0" : hex(bits)}`);
  const ip = () => `${int(256)}.${int(256)}.${int(256)}.${int(256)}`;
  const ip6 = () => pick(["::1", "fe80::1", "2001:db8::", "::", "2001:db8:0:0:1::ff", "::ffff:10.0.0.1", "ff02::1:ff00:1"]);
  const ipMasked = () => (rnd() < 0.5 ? ip() : rnd() < 0.6 ? `${ip()}/${int(34)}` : `${ip()}/${ip()}`);
  const ip6Masked = () => (rnd() < 0.5 ? ip6() : rnd() < 0.6 ? `${ip6()}/${int(130)}` : `${ip6()}/${ip6()}`);
  const mac = () => (rnd() < 0.7 ? pick(MACS) : `${pick(MACS)}/${pick(MACS)}`);
  const flags = (names: readonly string[]) =>
    rnd() < 0.3
      ? Array.from({ length: 1 + int(3) }, () => pick(names)).join("|")
      : Array.from({ length: 1 + int(3) }, () => (rnd() < 0.5 ? "+" : "-") + pick(names)).join("");
  const fields: (() => string)[] = [
    () => `in_port=${pick(["1", "2", "LOCAL", "65534", "CONTROLLER", "0xfff0", "p1"])}`,
    () => `dl_src=${mac()}`,
    () => `dl_dst=${mac()}`,
    () => `eth_src=${mac()}`,
    () => `dl_type=${pick(["0x0800", "0x86dd", "0x0806", "0x8035", "0x8847", "0x1234", "2048"])}`,
    () => `dl_vlan=${pick(["5", "4095", "0xffff", "0"])}`,
    () => `dl_vlan_pcp=${int(8)}`,
    () => `vlan_tci=${masked(16)}`,
    () => `vlan_vid=${masked(13)}`,
    () => `vlan_pcp=${int(8)}`,
    () => `nw_src=${ipMasked()}`,
    () => `nw_dst=${ipMasked()}`,
    () => `ip_src=${ipMasked()}`,
    () => `nw_proto=${pick(["1", "6", "17", "132", "58", "47"])}`,
    () => `ip_proto=${pick(["6", "17"])}`,
    () => `nw_tos=${int(64) * 4}`,
    () => `ip_dscp=${int(64)}`,
    () => `nw_ecn=${int(4)}`,
    () => `nw_ttl=${int(256)}`,
    () => `ip_frag=${pick(FRAGS)}`,
    () => `tp_src=${masked(16)}`,
    () => `tp_dst=${masked(16)}`,
    () => `tcp_src=${masked(16)}`,
    () => `udp_dst=${int(65536)}`,
    () => `tcp_flags=${rnd() < 0.2 ? masked(12) : flags(TCP_FLAGS)}`,
    () => `icmp_type=${int(256)}`,
    () => `icmp_code=${int(256)}`,
    () => `icmpv6_type=${pick(["135", "136", "128"])}`,
    () => `nd_target=${ip6Masked()}`,
    () => `nd_sll=${pick(MACS)}`,
    () => `nd_tll=${pick(MACS)}`,
    () => `arp_op=${int(3)}`,
    () => `arp_spa=${ipMasked()}`,
    () => `arp_tpa=${ipMasked()}`,
    () => `arp_sha=${mac()}`,
    () => `arp_tha=${mac()}`,
    () => `ipv6_src=${ip6Masked()}`,
    () => `ipv6_dst=${ip6Masked()}`,
    () => `ipv6_label=${masked(20)}`,
    () => `mpls_label=${int(1 << 20)}`,
    () => `mpls_tc=${int(8)}`,
    () => `mpls_bos=${int(2)}`,
    () => `metadata=${masked(64)}`,
    () => `reg${int(16)}=${masked(32)}`,
    () => `reg${int(16)}[${int(16)}..${16 + int(16)}]=${int(16)}`,
    () => `reg${int(16)}[${int(32)}]=${int(2)}`,
    () => `xreg${int(8)}=${masked(64)}`,
    () => `xxreg${int(4)}=${masked(128)}`,
    () => `tun_id=${masked(64)}`,
    () => `tun_src=${ipMasked()}`,
    () => `tun_dst=${ip()}`,
    () => `tun_flags=${pick(["+oam", "-oam", "oam", "0"])}`,
    () => `tun_metadata${int(64)}=${masked(32)}`,
    () => `ct_state=${rnd() < 0.2 ? masked(32) : flags(CT_FLAGS)}`,
    () => `ct_zone=${int(65536)}`,
    () => `ct_mark=${masked(32)}`,
    () => `ct_label=${masked(128)}`,
    () => `ct_nw_proto=${pick(["6", "17"])}`,
    () => `ct_nw_src=${ipMasked()}`,
    () => `ct_tp_dst=${masked(16)}`,
    () => `ct_ipv6_src=${ip6Masked()}`,
    () => `pkt_mark=${masked(32)}`,
    () => `recirc_id=${num(32)}`,
    () => `conj_id=${int(1000)}`,
    () => `dp_hash=${masked(32)}`,
    () => `actset_output=${int(10)}`,
    () => `packet_type=(${int(2)},${pick(["0x800", "0x86dd", "0"])})`,
    () => pick(SHORTHANDS),
    () => pick(SHORTHANDS),
    () => pick(SHORTHANDS),
    () => `table=${pick(["0", "5", "254", "255", "all", "300"])}`,
    () => `priority=${pick(["0", "100", "65535", "32768", "70000"])}`,
    () => `cookie=${pick(["0x5", "0", "0x5/-1", "0x10/0xff", "18446744073709551615"])}`,
    () => `idle_timeout=${int(70000)}`,
    () => `hard_timeout=${int(100)}`,
    () => pick(["send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"]),
    () => `importance=${int(100)}`,
    () => `out_port=${int(10)}`,
    () => `n_packets=${int(100)}`,
    // broken items: every error path of the match parser gets its turn
    () => pick(["nw_src=300.1.1.1", "tp_src=70000", "bogus=1", "dl_type=", "dl_src=01:02", "ipv6_src=::g", "nw_dst=1.2.3.4/33", "ct_state=+bogus", "reg0[40]=1", "in_port=1/2", "nw_proto=6/0xff", "reg3[0..3]=20", "vlan_tci", "dl_vlan", "nw_src", "metadata=0x1/0x1/0x1", "ip_frag=whatever", "icmp_type=0x1/0xf"]),
  ];
  const seps = [",", ", ", " ", ",  ", "\t"];
  const commands = [0, 0, 0, 0, 1, 2, 3, 4];
  const out: { flow: string; command: number }[] = [];
  for (let i = 0; i < n; i++) {
    const items: string[] = [];
    const k = int(7);
    for (let j = 0; j < k; j++) items.push(pick(fields)());
    const sep = pick(seps);
    let flow = items.join(sep);
    const r = rnd();
    let actions: string;
    if (r < 0.45) {
      const c = pick(corpus);
      const at = c.indexOf("actions=");
      actions = at >= 0 ? c.slice(at + 8) : "drop";
    } else actions = Array.from({ length: 1 + int(4) }, () => pick(ACTIONS)).join(",");
    if (rnd() < 0.95) flow += `${flow ? sep : ""}${rnd() < 0.1 ? "apply_actions" : "actions"}=${actions}`;
    out.push({ flow, command: pick(commands) });
  }
  return out;
}
