/**
 * Nicira statistics bodies and OpenFlow 1.0 Nicira vendor errors (src/openflow/v10/nicira-stats.ts,
 * nicira-errors.ts): messages built by hand from Open vSwitch's struct layouts (`nicira-ext.h`), printed by
 * `ovn-ts ofctl ofp-print` and compared with `ovs-ofctl ofp-print` (stdout and exit status), bad lengths included.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

/** [what, hex] */
const MESSAGES: ReadonlyArray<readonly [string, string]> = [
  ["NXST_IPFIX_BRIDGE reply of the wrong length", "0111001800000002ffff0000000023200000000300000000"],
  ["NXST_IPFIX_BRIDGE reply", "0111007000000002ffff0000000023200000000300000000000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009ffffffffffffffff0000000500000000"],
  ["NXST_IPFIX_FLOW reply, two collector sets", "011100c800000002ffff0000000023200000000400000000000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009ffffffffffffffff0000000500000000000000000000000b000000000000000c000000000000000d000000000000000e000000000000000f000000000000001000000000000000110000000000000012000000000000001300000000000000140000007b00000000"],
  ["NXST_IPFIX_FLOW reply of the wrong length", "0111002000000002ffff00000000232000000004000000000000000000000000"],
  ["NXST_IPFIX_FLOW request", "0110001800000002ffff0000000023200000000400000000"],
  ["OpenFlow 1.3 NXST_IPFIX_BRIDGE request missing its padding", "0413001800000002ffff0000000000000000232000000003"],
  ["NXST_GROUP_DESC reply: all and select groups, weight and watch_port properties", "0111007800000002ffff0000000023200000000800000000002000000000000100100000000000000010000800000000000000080001000000400100000000020030000000000000001800080000000000000008000200000000000600050000001800080000000100000008000300000001000800000002"],
  ["NXST_GROUP_DESC request, all groups", "0110002000000002ffff0000000023200000000800000000fffffffc00000000"],
  ["NXST_GROUP_DESC request, group 7", "0110002000000002ffff00000000232000000008000000000000000700000000"],
  ["NXST_GROUP reply with bucket counters", "0111006000000002ffff000000002320000000070000000000480000000000010000000300000000000000000000000a00000000000003e8000000051dcd65000000000000000004000000000000019000000000000000060000000000000258"],
  ["NXST_GROUP request", "0110002000000002ffff0000000023200000000700000000fffffffc00000000"],
  ["OFPT_ERROR NXST_NOT_CONFIGURED (Nicira vendor error) around its request", "0101002c00000002b0c2000000002320000102170110001800000002ffff0000000023200000000300000000"],
];

describe.skipIf(!peers("ovs-ofctl"))("Nicira statistics and vendor errors print as ovs-ofctl prints them", () => {
  it.each(MESSAGES)("%s", async (_what, hex) => {
    const theirs = spawnSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8" });
    const io = memoryIo();
    const code = await ofctlCommand(["ofp-print", hex], io);
    expect({ code, out: io.stdout }).toEqual({ code: theirs.status, out: theirs.stdout });
  });
});
