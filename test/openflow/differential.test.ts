/**
 * Differential tests against Open vSwitch's ovs-ofctl over the flow corpus (test/openflow/corpus/flows.txt).
 * ovs-ofctl runs a handful of times over the whole corpus (parse-flows, ofp-parse), never once per flow.
 */
import { describe, expect, it, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { fromHex } from "../../src/bytes/hex.js";

const corpusPath = new URL("./corpus/flows.txt", import.meta.url).pathname;
const knownPath = new URL("./corpus/known-differences.json", import.meta.url).pathname;
const flows = readFileSync(corpusPath, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
/** flow text → reason; each entry is a known difference in printing (ours vs ovs-ofctl ofp-print). */
const known: Record<string, string> = JSON.parse(readFileSync(knownPath, "utf8"));

interface OvsOut {
  line: string;
  hex: string;
}

function runOvsParseFlows(file: string): OvsOut[] {
  const out = execFileSync("ovs-ofctl", ["-O", "OpenFlow13", "-mmmmm", "parse-flows", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const res: OvsOut[] = [];
  for (const l of out.split("\n")) {
    if (l.startsWith("OFPT_")) res.push({ line: l, hex: "" });
    else if (/^[0-9a-f]{8}  /.test(l) && res.length) res[res.length - 1]!.hex += l.slice(10, 58).replace(/[- ]/g, "");
  }
  return res;
}

describe.skipIf(!peers("ovs-ofctl"))("differential vs ovs-ofctl (corpus of " + flows.length + " flows)", () => {
  let dir: string;
  let ovs: OvsOut[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-of-"));
    writeFileSync(join(dir, "flows.txt"), flows.join("\n") + "\n");
    ovs = runOvsParseFlows(join(dir, "flows.txt"));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("the corpus is large and ovs-ofctl accepts every flow", () => {
    expect(flows.length).toBeGreaterThanOrEqual(400);
    expect(ovs.length).toBe(flows.length);
  });

  it("our parse-flow bytes, decoded by ovs-ofctl, print what ovs-ofctl parse-flow prints", () => {
    const chunks: Uint8Array[] = [];
    const mismatches: string[] = [];
    flows.forEach((f, i) => {
      try {
        chunks.push(encodeMessage({ type: "flow_mod", ...parseFlow(f), xid: i + 1 }).slice());
      } catch (e) {
        mismatches.push(`${f}\n  our parser failed: ${(e as Error).message}`);
        // keep xids aligned with a barrier placeholder
        chunks.push(encodeMessage({ type: "barrier_request", xid: i + 1 }).slice());
      }
    });
    const bin = join(dir, "ours.bin");
    writeFileSync(bin, Buffer.concat(chunks));
    const lines = execFileSync("ovs-ofctl", ["ofp-parse", bin], { encoding: "utf8", maxBuffer: 64 << 20 })
      .split("\n")
      .filter((l) => l.startsWith("OFPT_"));
    flows.forEach((f, i) => {
      const theirs = ovs[i]?.line;
      const ours = lines[i];
      if (ours !== theirs && !mismatches.some((m) => m.startsWith(f + "\n"))) mismatches.push(`${f}\n  ovs:  ${theirs}\n  ours: ${ours}`);
    });
    expect(mismatches, mismatches.join("\n")).toEqual([]);
  });

  it("our ofp-print of ovs-ofctl's bytes prints what ovs-ofctl ofp-print prints", () => {
    const mismatches: string[] = [];
    const seenKnown = new Set<string>();
    flows.forEach((f, i) => {
      const o = ovs[i]!;
      let ours: string;
      try {
        ours = formatMessage(decodeMessage(fromHex(o.hex)));
      } catch (e) {
        ours = `decode failed: ${(e as Error).message}`;
      }
      if (ours === o.line) return;
      if (known[f] !== undefined) {
        seenKnown.add(f);
        return;
      }
      mismatches.push(`${f}\n  ovs:  ${o.line}\n  ours: ${ours}`);
    });
    expect(mismatches, mismatches.join("\n")).toEqual([]);
    // a known difference that no longer differs must be removed from the list
    expect(Object.keys(known).filter((k) => !seenKnown.has(k))).toEqual([]);
  });

  it("decode → encode reproduces ovs-ofctl's bytes exactly", () => {
    const bad: string[] = [];
    flows.forEach((f, i) => {
      const hex = ovs[i]!.hex;
      const again = Buffer.from(encodeMessage(decodeMessage(fromHex(hex)))).toString("hex");
      if (again !== hex) bad.push(f);
    });
    expect(bad, bad.join("\n")).toEqual([]);
  });
});
