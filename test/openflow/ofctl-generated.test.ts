/**
 * The generated-flow comparison: 450 seeded random flows (gen-flows.ts: protocol keywords, match fields with
 * and without their prerequisites, aliases, fields given twice, flow_mod options, one to three actions of
 * ovs-ofctl 3.1's vocabulary) through `ovn-ts ofctl parse-flow` and the installed `ovs-ofctl parse-flow`,
 * with no -O and with -O OpenFlow10 to OpenFlow15: stdout, the error on stderr (ovs-ofctl's log lines, which
 * we do not print, left out) and the exit status must agree, except for the cases listed with their reason
 * in corpus/generated-known.json. A listed case that agrees must leave the list. `UPDATE_KNOWN=1` rewrites
 * the list (keeping the reasons of cases still listed; a new case gets `TODO`, which fails).
 */
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { peers } from "../support/peers.js";
import { generateFlows } from "./gen-flows.js";
import { oursOf, theirsOf, withoutLog } from "./gen-compare.js";

const KNOWN_PATH = new URL("./corpus/generated-known.json", import.meta.url).pathname;
const VERSIONS = [undefined, "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"];
const FLOWS = generateFlows(17, 450);

/** The reason a flow differs, for the kinds of difference known to remain (see docs/openflow.md, Limits). */
function reasonFor(known: Record<string, string>, key: string): string {
  return known[key] ?? "TODO";
}

describe.skipIf(!peers("ovs-ofctl"))("generated flows against ovs-ofctl parse-flow", () => {
  it(`${FLOWS.length} seeded flows, no -O and OpenFlow10..15: agree or are listed known differences`, async () => {
    const known = JSON.parse(readFileSync(KNOWN_PATH, "utf8")) as Record<string, string>;
    const differing: Record<string, string> = {};
    const details: string[] = [];
    for (const version of VERSIONS) {
      for (const flow of FLOWS) {
        const args = [...(version ? ["-O", version] : []), "parse-flow", flow];
        const [a, b] = [theirsOf(args), await oursOf(args)];
        if (a.out === b.out && withoutLog(a.err) === withoutLog(b.err) && a.code === b.code) continue;
        const key = `${version ?? "-"}|${flow}`;
        differing[key] = reasonFor(known, key);
        if (!known[key]) details.push(`${key}\n ovs(${a.code}): ${a.out}${withoutLog(a.err)}\n ours(${b.code}): ${b.out}${b.err}`);
      }
    }
    if (process.env.UPDATE_KNOWN) writeFileSync(KNOWN_PATH, `${JSON.stringify(differing, null, 1)}\n`);
    const count = Object.keys(differing).length;
    console.log(`generated flows: ${count} of ${FLOWS.length * VERSIONS.length} differ (all listed: ${details.length === 0})`);
    expect(details, details.join("\n")).toEqual([]);
    expect(Object.keys(known).filter((k) => !(k in differing)), "listed cases that now agree").toEqual([]);
    expect(Object.entries(differing).filter(([, r]) => r === "TODO"), "cases without a reason").toEqual([]);
  }, 600_000);
});
