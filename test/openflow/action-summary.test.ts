/**
 * The action summary (action-summary.ts) the flow_mod decoder skips its version and consistency walks by:
 * after a flow_mod is decoded it flags every action those walks would judge (decodedActionCheck() not 0:
 * SUMMARY_CHECK; oneActionVersionError() in a version: that version's bit), nested lists included, and
 * a flow whose actions are all neutral has no flag. Judged on every corpus flow, each in OpenFlow 1.2 to
 * 1.5, decoded twice (the second time from the flags cached by wire code).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUMMARY_CHECK, SUMMARY_UNSURE, actionSummary } from "../../src/openflow/action-summary.js";
import { decodedActionCheck } from "../../src/openflow/action-consistency.js";
import { oneActionVersionError } from "../../src/openflow/action-versions.js";
import type { Action } from "../../src/openflow/action-types.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { parseFlow } from "../../src/openflow/flowtext.js";

const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));

/** Every action of a list, nested `clone` and `ct` lists included. */
function* walk(actions: readonly Action[]): Generator<Action> {
  for (const a of actions) {
    yield a;
    if (a.type === "clone" || a.type === "ct") yield* walk(a.actions);
  }
}

describe("the action summary of a decoded flow_mod", () => {
  for (const version of [OfpVersion.OF12, OfpVersion.OF13, OfpVersion.OF14, OfpVersion.OF15]) {
    it(`flags every action the checks judge, and nothing for neutral actions (version ${version})`, () => {
      let flows = 0;
      let neutral = 0;
      for (const text of corpus) {
        let bytes: Uint8Array;
        try {
          bytes = encodeMessage({ type: "flow_mod", ...parseFlow(text), version, xid: 1 }).slice();
        } catch {
          continue; // not encodable in this version
        }
        for (let pass = 0; pass < 2; pass++) {
          // every flow_mod the encoder writes decodes (encode-decode-agree.test.ts)
          const m = decodeMessage(bytes);
          if (m.type !== "flow_mod") throw new Error(text);
          const summary = actionSummary();
          let want = 0;
          for (const inst of m.instructions) {
            if (inst.type !== "apply_actions" && inst.type !== "write_actions") continue;
            for (const a of walk(inst.actions)) {
              if (decodedActionCheck(a) !== 0) want |= SUMMARY_CHECK;
              for (let v = OfpVersion.OF11; v <= OfpVersion.OF15; v++) if (oneActionVersionError(a, v) !== undefined) want |= 1 << v;
            }
          }
          // every flag the walks need is there (more is allowed: an unsure summary runs every check)
          expect({ text, missing: want & ~summary }).toEqual({ text, missing: 0 });
          if ((summary & SUMMARY_UNSURE) === 0) expect({ text, extra: summary & ~want }).toEqual({ text, extra: 0 });
          if (want === 0) neutral++;
        }
        flows++;
      }
      expect(flows).toBeGreaterThan(400);
      expect(neutral).toBeGreaterThan(100);
    });
  }
});
