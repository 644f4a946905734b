/**
 * Decode-side checks of OpenFlow 1.0 / NXT_FLOW_MOD flow_mods, as ovs-ofctl runs them: match/action
 * consistency (OFPBAC_MATCH_INCONSISTENT), instruction order of the Nicira action list
 * (OFPBAC_UNSUPPORTED_ORDER), and an action error printed after the message's name. Compared with the
 * installed `ovs-ofctl ofp-print` (stdout and exit status).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";

const CASES = {
  // actions=mod_nw_ecn:2 (a load into NXM_NX_IP_ECN) without ip
  "load without its prerequisite": "010e006000000001003820ff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008000ffffffffffff0000ffff00180000232000070001000138010000000000000002",
  // actions=write_metadata:0xfedcba9876543210,goto_table:1 as NXM: write_metadata, then resubmit(,1)
  "action after write_metadata": "0104006000000001000023200000000d00000000000000000000000000008000ffffffffffff00000000000000000000ffff0020000023200016000000000000fedcba9876543210ffffffffffffffffffff001000002320000efff801000000",
  // output to port 0xff00
  "bad output port": "010e005000000001003820ff00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008000ffffffffffff000000000008ff000000",
};

describe.skipIf(!peers("ovs-ofctl"))("OpenFlow 1.0 / NXM flow_mod decode checks", () => {
  for (const [name, hex] of Object.entries(CASES)) {
    it(`${name}: ofp-print as ovs-ofctl`, async () => {
      const theirs = spawnSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8" });
      const io = memoryIo("");
      const code = await main(["ofctl", "ofp-print", hex], io);
      expect(theirs.stdout).toContain("***decode error: OFPBAC_");
      expect(io.stdout).toBe(theirs.stdout);
      expect(code).toBe(theirs.status);
    });
  }
});
