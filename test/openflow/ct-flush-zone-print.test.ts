/**
 * NXT_CT_FLUSH_ZONE over every OpenFlow version (a vendor message in 1.0, an experimenter one from 1.1 on),
 * with the right length and a wrong one, printed by `ovn-ts ofctl ofp-print` as the installed
 * `ovs-ofctl ofp-print` prints it (stdout and exit status). The hex is written out here field by field.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** header (version, OFPT_VENDOR/EXPERIMENTER = 4, length, xid), NX_VENDOR_ID, subtype 29, nx_zone_id body. */
function ctFlushZone(version: number, zone: number, extra = "", body = `000000000000${zone.toString(16).padStart(4, "0")}`): string {
  const rest = `00002320` + `0000001d` + body + extra;
  const len = 8 + rest.length / 2;
  return `0${version}04${len.toString(16).padStart(4, "0")}0000002a${rest}`;
}

describe.skipIf(!peers("ovs-ofctl"))("NXT_CT_FLUSH_ZONE ofp-print against ovs-ofctl", () => {
  for (const version of [1, 2, 3, 4, 5, 6]) {
    it(`OpenFlow 1.${version - 1}`, async () => {
      const hexes = [ctFlushZone(version, 10), ctFlushZone(version, 0xffff), ctFlushZone(version, 0), ctFlushZone(version, 10, "0000"), ctFlushZone(version, 10, "", "0000000000000a")];
      for (const hex of hexes) {
        for (const verbosity of [[], ["5"]]) {
          const theirs = spawnSync("ovs-ofctl", ["ofp-print", hex, ...verbosity], { encoding: "utf8" });
          const io = memoryIo("");
          const code = await main(["ofctl", "ofp-print", hex, ...verbosity], io);
          expect(io.stdout, hex).toBe(theirs.stdout);
          expect(code).toBe(theirs.status);
        }
      }
      // the well-formed message is printed, not refused
      expect(spawnSync("ovs-ofctl", ["ofp-print", ctFlushZone(version, 10)], { encoding: "utf8" }).stdout).toContain("zone_id=10");
    }, 60_000);
  }
});
