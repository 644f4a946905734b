/**
 * Hex byte arguments in flow text (`note:...`, `controller(userdata=...)`) as ovs-ofctl 3.1 reads them,
 * compared with the installed `ovs-ofctl parse-flow` (stdout, stderr without the program name and log lines,
 * exit status): pairs of hex digits with `.` between them, no `0x`, no `:`, no odd digit, and an empty
 * `userdata` that is no userdata at all.
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { ofctlDifference } from "../support/ofctl-compare.js";

/** The argument texts tried in each template. */
const HEX = ["", ".", "00", "0011", "00.11", ".00..11", "00.", "AbCd", "1", "001", "0x11", "00:11", "zz", "0g", "00-11", "0.011"];

/** Where each argument goes. */
const TEMPLATES = ["actions=note:%", "actions=controller(userdata=%)", "actions=controller(userdata=%,pause)", "actions=note:%,output:1"];

describe.skipIf(!peers("ovs-ofctl"))("hex byte arguments against ovs-ofctl parse-flow", () => {
  it(`${TEMPLATES.length} places x ${HEX.length} texts parse (or fail) as ovs-ofctl does`, async () => {
    const diffs: string[] = [];
    for (const t of TEMPLATES) {
      for (const h of HEX) {
        const d = await ofctlDifference(["parse-flow", t.replaceAll("%", h)]);
        if (d !== undefined) diffs.push(d);
      }
    }
    expect(diffs).toEqual([]);
  }, 120_000);
});
