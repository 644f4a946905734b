/**
 * The facts the flow_mod decoder's consistency check takes from the match check's own pass
 * (match-checks.ts CHECKED_FACTS) equal those factsOfMatch() finds by name, on every corpus flow's match
 * as decoded in OpenFlow 1.2 to 1.5; a match refused by the check is not kept.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKED_FACTS, matchEntriesError } from "../../src/openflow/match-checks.js";
import { factsOfEntries, factsOfMatch } from "../../src/openflow/consistency.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { parseFlow } from "../../src/openflow/flowtext.js";

const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));

describe("the match facts found by the match check", () => {
  it("equal factsOfMatch() on every corpus match (OpenFlow 1.2-1.5)", () => {
    let compared = 0;
    for (const version of [OfpVersion.OF12, OfpVersion.OF13, OfpVersion.OF14, OfpVersion.OF15]) {
      for (const text of corpus) {
        let m;
        try {
          m = decodeMessage(encodeMessage({ type: "flow_mod", ...parseFlow(text), version, xid: 1 }).slice());
        } catch {
          continue; // not encodable in this version
        }
        if (m.type !== "flow_mod" || m.match.length === 0) continue;
        expect(matchEntriesError(m.match)).toBeUndefined();
        const c = CHECKED_FACTS;
        expect(c.entries).toBe(m.match);
        expect({ text, facts: factsOfEntries(c.pt, c.dl, c.proto, c.vid, c.icmp6, c.ct, c.ctNwProto) }).toEqual({ text, facts: factsOfMatch(m.match) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1200);
  });

  it("are not kept for a match the check refuses", () => {
    const ok = parseFlow("tcp,tp_dst=80,actions=drop").match;
    expect(matchEntriesError(ok)).toBeUndefined();
    expect(CHECKED_FACTS.entries).toBe(ok);
    // tcp_dst twice: OFPBMC_DUP_FIELD
    const dup = [...ok, ok[ok.length - 1]!];
    expect(matchEntriesError(dup)).toBe("OFPBMC_DUP_FIELD");
    expect(CHECKED_FACTS.entries).toBeUndefined();
  });
});
