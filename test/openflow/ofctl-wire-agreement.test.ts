/**
 * Bytes and wording ovs-ofctl 3.1 shows only in the hex dump of a flow_mod its own decoder refuses, or in an
 * error: flows ending in an action the decoder refuses (`debug_slow`, OFPBAC_BAD_VENDOR_TYPE) make both tools
 * print the whole flow_mod they wrote, so stdout compares the bytes. Covered: `enqueue`'s output with max_len
 * 0xffff (encode_ENQUEUE()); `tun_id` and `tcp_flags` under their NXM headers in OpenFlow 1.2 matches and
 * set_field (their OXM headers came with 1.3, mf_oxm_header()); OpenFlow 1.5's `move` as OFPAT_COPY_FIELD
 * with the 1.5 headers (encode_REG_MOVE()); and the subfield errors of mf_parse_subfield() (bit widths as
 * Open vSwitch's n_bits: NXM_NX_IP_ECN 2, NXM_NX_TCP_FLAGS 12, OXM_OF_VLAN_VID 12); `mod_tp_src`/`mod_tp_dst`
 * of an SCTP flow as OpenFlow 1.0/1.1's set_tp actions (encode_SET_L4_SRC_PORT()).
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { parseFlowDiffs } from "./gen-compare.js";

const MOVES = [
  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
  "move:NXM_NX_TCP_FLAGS[]->NXM_NX_REG1[0..11]",
  "move:NXM_OF_IN_PORT[]->NXM_NX_REG2[0..15]",
  "move:NXM_NX_TUN_ID[]->OXM_OF_METADATA[]",
  "move:OXM_OF_PKT_REG1[]->NXM_NX_XXREG0[0..63]",
  "move:NXM_NX_TUN_METADATA3[0..31]->NXM_NX_REG3[]",
  "move:NXM_NX_REG0[]->NXM_NX_REG1[]",
].join(",");

/** Flows both tools refuse to decode after writing them: stdout holds the flow_mod's bytes. */
const WIRE = [
  "tcp,tun_id=0x10/0xf0,tcp_flags=+syn,actions=enqueue:1:2,set_tunnel:5,debug_slow",
  "tun_id=0x10,actions=set_field:0x20->tun_id,debug_slow",
  "actions=enqueue:3:7,output:1,debug_slow",
  `tcp,actions=${MOVES},debug_slow`,
  "ip,actions=move:NXM_NX_IP_ECN[]->NXM_NX_REG0[0..1],move:NXM_OF_VLAN_TCI[]->NXM_NX_REG0[16..31],debug_slow",
];

/** Subfield errors (and the flows next to them that are fine). */
const SUBFIELDS = [
  "actions=move:NXM_NX_REG0[0..40]->NXM_NX_REG1[]",
  "actions=move:NXM_NX_REG0[5..2]->NXM_NX_REG1[]",
  "actions=move:NXM_NX_REG0[x]->NXM_NX_REG1[]",
  "actions=move:NXM_NX_REG0[1]x->NXM_NX_REG1[]",
  "actions=move:NXM_NX_REG1[]->NXM_NX_REG0[1]x",
  "actions=move:FOO[]->NXM_NX_REG1[]",
  "actions=move:NXM_NX_REG1[]->FOO[]",
  "ip,actions=move:NXM_NX_IP_ECN[]->NXM_NX_REG0[0..7]",
  "ip,actions=move:NXM_NX_IP_FRAG[]->NXM_NX_REG0[0..7]",
  "ipv6,actions=move:NXM_NX_IPV6_LABEL[]->NXM_NX_REG0[0..7]",
  "actions=move:OXM_OF_VLAN_VID[]->NXM_NX_REG0[0..12]",
  "actions=move:OXM_OF_VLAN_VID[]->NXM_NX_REG0[0..11]",
  "actions=move:OXM_OF_MPLS_TC[]->NXM_NX_REG0[0..12]",
  "actions=load:1->NXM_NX_REG0[33]",
  "actions=load:1->NXM_NX_REG0[0..32]",
  "actions=load:1->NXM_NX_REG0[-1..3]",
  "actions=output:NXM_NX_REG0[0..40]",
  "actions=output:NXM_NX_REG0[0..15]",
  "actions=push:NXM_NX_REG0[0..40]",
  "actions=multipath(eth_src,50,hrw,12,0,NXM_NX_REG0[0..40])",
  "actions=bundle_load(eth_src,50,hrw,ofport,NXM_NX_REG0[0..40],members:1)",
  "reg0[40]=1,actions=drop",
  "reg0[5..2]=1,actions=drop",
  "tcp,tcp_flags[3]=1,actions=drop",
];

/** `mod_tp_src`/`mod_tp_dst` of SCTP flows: OpenFlow 1.0/1.1's set_tp actions (a set_field of an SCTP port: a load). */
const SCTP_PORTS = [
  "sctp,hard_timeout=30,actions=mod_tp_src:1000",
  "sctp,actions=mod_tp_dst:1000,mod_tp_src:5",
  "sctp,actions=clone(mod_tp_dst:7)",
  "sctp,actions=set_field:1000->sctp_src",
  "udp,actions=mod_tp_dst:7",
];

const VERSIONS = [undefined, "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"];

describe.skipIf(!peers("ovs-ofctl"))("flow_mod bytes and subfield errors against ovs-ofctl parse-flow", () => {
  async function compare(flows: readonly string[], versions: readonly (string | undefined)[]): Promise<string[]> {
    const diffs: string[] = [];
    for (const version of versions) diffs.push(...(await parseFlowDiffs(flows, version)));
    return diffs;
  }

  it("writes the same flow_mod bytes (enqueue, OpenFlow 1.2 headers, OpenFlow 1.5 copy_field)", async () => {
    const diffs = await compare(WIRE, VERSIONS);
    expect(diffs, diffs.join("\n")).toEqual([]);
  }, 120_000);

  it("writes mod_tp_src/mod_tp_dst of SCTP as OpenFlow 1.0/1.1 set_tp actions", async () => {
    const diffs = await compare(SCTP_PORTS, [undefined, "OpenFlow10", "OpenFlow11", "OpenFlow13", "OpenFlow15"]);
    expect(diffs, diffs.join("\n")).toEqual([]);
  }, 120_000);

  it("words subfield errors and widths the same", async () => {
    const diffs = await compare(SUBFIELDS, [undefined, "OpenFlow15"]);
    expect(diffs, diffs.join("\n")).toEqual([]);
  }, 120_000);
});
