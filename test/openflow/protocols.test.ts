/**
 * `ovn-ts ofctl parse-flow` prints ovs-ofctl's `usable protocols:` and `chosen protocol:` lines
 * (or its "no usable protocol" refusal), with the default protocol set and with -O OpenFlow13, for
 * every corpus flow. The expected lines are ovs-ofctl's own, kept in corpus/protocols.tsv (made by
 * corpus/protocols.sh: ovs-ofctl per flow is too slow to run 1000 times in the suite); a spread of
 * flows is re-checked against the installed ovs-ofctl so a stale table fails.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import { ANY_PROTOCOL, Protocol, chooseProtocol, formatProtocols } from "../../src/openflow/protocols.js";

const flows = readFileSync(new URL("./corpus/flows.txt", import.meta.url), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
const table = new Map(
  readFileSync(new URL("./corpus/protocols.tsv", import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => {
      const [flow, dflt, of13] = l.split("\t");
      return [flow!, { dflt: dflt!, of13: of13! }] as const;
    }),
);
/** Flows whose protocol set we compute differently, with the reason. */
const KNOWN: Record<string, string> = {
  "actions=push_vlan:0x8100,set_field:4196->vlan_vid":
    "ovs-ofctl checks set_field:vlan_vid against the VLAN header push_vlan just added (OpenFlow 1.1 stays usable); we take set_field:vlan_vid's own set, which needs a VLAN match for OpenFlow 1.1",
};

const WANTED = /^(usable|chosen) protocol|no usable/;
const lines = (s: string) => s.split("\n").filter((l) => WANTED.test(l)).map((l) => l.replace(/^ovn-ts ofctl:/, "ovs-ofctl:")).sort().map((l) => l + "|").join("");
async function ours(opts: readonly string[], flow: string): Promise<string> {
  const io = memoryIo();
  await ofctlCommand([...opts, "parse-flow", flow], io);
  return lines(io.stdout + "\n" + io.stderr);
}

describe("protocol sets", () => {
  it("print as ovs-ofctl names them", () => {
    expect(formatProtocols(ANY_PROTOCOL)).toBe("any");
    expect(formatProtocols(Protocol.OF10_NXM | Protocol.OF10_NXM_TID | 0x1e0)).toBe("NXM,OXM");
    expect(formatProtocols(0x1e0 | Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID | Protocol.OF11_STD)).toBe("OXM,OpenFlow10+table_id,NXM+table_id,OpenFlow11");
    expect(chooseProtocol(0x1e0 | Protocol.OF11_STD, 0xf)).toBeUndefined();
    expect(chooseProtocol(0x1e0 | Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID, 0xf)).toBe(Protocol.OF10_STD_TID);
  });
});

describe(`usable/chosen protocol lines over the corpus (${flows.length} flows)`, () => {
  it("the table covers the corpus", () => {
    expect(flows.filter((f) => !table.has(f))).toEqual([]);
  });
  for (const [label, opts, col] of [["default protocols", [], "dflt"], ["-O OpenFlow13", ["-O", "OpenFlow13"], "of13"]] as const) {
    it(label, async () => {
      const diffs: string[] = [];
      for (const f of flows) {
        const got = await ours(opts, f);
        const want = table.get(f)![col];
        if (got !== want && KNOWN[f] === undefined) diffs.push(`${f}\n  ovs:  ${want}\n  ours: ${got}`);
        if (KNOWN[f] !== undefined && col === "dflt") expect(got, `known difference no longer differs: ${f}`).not.toBe(want);
      }
      expect(diffs, diffs.join("\n")).toEqual([]);
    });
  }
});

describe.skipIf(!peers("ovs-ofctl"))("the table is what the installed ovs-ofctl says", () => {
  it("for a spread of 16 flows", () => {
    for (let i = 0; i < flows.length; i += Math.floor(flows.length / 16)) {
      const f = flows[i]!;
      for (const [opts, col] of [[[], "dflt"], [["-O", "OpenFlow13"], "of13"]] as const) {
        const r = spawnSync("ovs-ofctl", [...opts, "parse-flow", f], { encoding: "utf8" });
        expect(lines(r.stdout + "\n" + r.stderr), f).toBe(table.get(f)![col]);
      }
    }
  });
});
