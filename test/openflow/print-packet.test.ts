/**
 * The packet line under a packet-out (src/openflow/print-packet.ts, on the src/net dissector) compared with
 * ovs-ofctl ofp-print on frames scapy built once (truncated, bad lengths, fragments, two VLAN tags, IGMP...).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { decodeMessage } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { packetSummary } from "../../src/openflow/print-packet.js";

const FRAMES: ReadonlyArray<readonly [string, string]> = [
  ["tcp", "02fc0000000502fc000000010800450000280001000040066abc0102030405060708000100020000000000000000501220007fbc0000"],
  ["tcp_trunc", "02fc0000000502fc0000000108004500001e0001000040066ac6010203040506070800140050000000000000"],
  ["udp_badlen", "02fc0000000502fc0000000108004500001c0001000040116abd01020304050607080005000600c8eeff"],
  ["v6hbh", "ffffffffffff02fc0000000186dd600000000010004000000000000000000000000000000001fe80000000000000000000000000000111000104000000000001000200080159"],
  ["v6frag1", "ffffffffffff02fc0000000186dd6000000000102c4000000000000000000000000000000001fe80000000000000000000000000000111000001000000000001000200080159"],
  ["v6frag2", "ffffffffffff02fc0000000186dd6000000000102c4000000000000000000000000000000001fe8000000000000000000000000000013b000028000000007878787878787878"],
  ["v4frag2", "02fc0000000502fc0000000108004500001c0001000540116ab801020304050607087878787878787878"],
  ["qinq", "ffffffffffff00000000000088a800058100000708004500001c0001000040117cce7f0000017f0000010035003500080172"],
  ["dot1q2", "ffffffffffff000000000000810000058100000708004500001c0001000040117cce7f0000017f0000010035003500080172"],
  ["dot1q", "ffffffffffff0000000000008100600508004500001c0001000040017cde7f0000017f0000010800f7ff00000000"],
  ["ns", "33330000000102fc0000000186dd6000000000203afffe800000000000000000000000000002ff0200000000000000000000000000018700150200000000fe8000000000000000000000000000010101001122334455"],
  ["arp", "02fc0000000502fc000000010806000108000604000202fc000000010101010100000000000002020202"],
  ["llc", "ffffffffffff02fc0000000100407979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979797979"],
  ["sctp", "ffffffffffff0000000000000800450000200001000040847c577f0000017f0000010003000400000000dc19d149"],
  ["igmp", "ffffffffffff00000000000008004500001c0001000040027cdd7f0000017f0000010000000000000000"],
  ["v4opts", "ffffffffffff00000000000008004600002000010000401179c87f0000017f000001010101010035003500080172"],
  ["icmp_trunc", "ffffffffffff0000000000000800450000160001000040017ce47f0000017f00000108"],
];

/** An OpenFlow 1.0 packet-out (in_port NONE, no actions) carrying `frame`, built by hand. */
function packetOut(frame: string): string {
  const len = 16 + frame.length / 2;
  return `010d${len.toString(16).padStart(4, "0")}00000001ffffffffffff0000${frame}`;
}

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

describe.skipIf(!peers("ovs-ofctl"))("packet lines of ofp-print", () => {
  it.each(FRAMES)("%s prints as ovs-ofctl prints it", (_name, frame) => {
    const hex = packetOut(frame);
    const theirs = execFileSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8" }).trimEnd();
    expect(formatMessage(decodeMessage(fromHex(hex)))).toBe(theirs);
  });
});

describe("packetSummary", () => {
  it("gives nothing for a frame shorter than an Ethernet header", () => {
    expect(packetSummary(new Uint8Array(13))).toBeUndefined();
  });
});
