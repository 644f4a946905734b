/**
 * OpenFlow 1.0 and NXT_FLOW_MOD flow_mods at verbosity 3 print their match as sent (the ofp10_match with
 * `*` for wildcarded fields, the raw NXM entries): every flow of the differential corpus, encoded both ways
 * (OpenFlow 1.0 where it can be), printed by `ovs-ofctl --more ofp-parse` and by us.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { formatNxmRaw, formatOf10RawMatch } from "../../src/openflow/v10/raw-match.js";

const corpusPath = new URL("./corpus/flows.txt", import.meta.url).pathname;
const flows = readFileSync(corpusPath, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));

/** Our OpenFlow 1.0 and NXT_FLOW_MOD encodings of the corpus (the flows each can carry). */
function messages(): Uint8Array[] {
  const out: Uint8Array[] = [];
  let xid = 1;
  for (const f of flows) {
    const fm = parseFlow(f);
    // flags OpenFlow 1.0 has no bit for (reset_counts, no_*_counts) are not this test's subject
    if (fm.flags & ~3) continue;
    for (const type of ["flow_mod", "nx_flow_mod"] as const) {
      try {
        out.push(encodeMessage({ ...fm, type, version: 1, xid: xid++ } as never).slice());
      } catch {
        // not expressible in OpenFlow 1.0 (or in NXM): nothing to print
      }
    }
  }
  return out;
}

describe("raw matches at verbosity 3", () => {
  it("an empty nx_match is <any>, a short tail is invalid bytes", () => {
    expect(formatNxmRaw(new Uint8Array(0), 0, 0)).toBe("<any>");
    // NXM_NX_REG0 (class 1, field 0, 4 bytes) then 3 stray bytes
    const b = Uint8Array.of(0x00, 0x01, 0x00, 0x04, 0, 0, 0, 0x7b, 1, 2, 3);
    expect(formatNxmRaw(b, 0, b.length)).toBe("NXM_NX_REG0(0000007b), <3 invalid bytes>");
    // a masked header nobody knows: class:field, no _W
    const u = Uint8Array.of(0x00, 0x05, 0x07, 0x02, 0xab, 0xff);
    expect(formatNxmRaw(u, 0, u.length)).toBe("5:3(ab/ff)");
  });

  it("a fully wildcarded ofp10_match prints every field as *", () => {
    const m = new Uint8Array(40);
    new DataView(m.buffer).setUint32(0, 0x003fffff);
    expect(formatOf10RawMatch(m, 0)).toBe(
      "in_port=*,dl_vlan=*,dl_vlan_pcp=*,dl_src=*,dl_dst=*,dl_type=*,nw_src=*,nw_dst=*,nw_proto=*,nw_tos=*,tp_src=*,tp_dst=*",
    );
  });

  it.skipIf(!peers("ovs-ofctl"))("every corpus flow as OpenFlow 1.0 and NXM prints as ovs-ofctl --more prints it", () => {
    const msgs = messages();
    expect(msgs.length).toBeGreaterThan(flows.length);
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-raw-"));
    try {
      const bin = join(dir, "msgs.bin");
      writeFileSync(bin, Buffer.concat(msgs));
      const theirs = execFileSync("ovs-ofctl", ["--more", "ofp-parse", bin], { encoding: "utf8", maxBuffer: 64 << 20 })
        .split("\n")
        .filter((l) => l.startsWith("OFPT_") || l.startsWith("NXT_"));
      // a Nicira action list out of instruction order (write_metadata, then the goto_table resubmit) is
      // refused on decode by both, with the same error
      const ours = msgs.map((b) => {
        try {
          return formatMessage(decodeMessage(b), { verbosity: 3, raw: b });
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          return `***decode error: ${e.reason}***`;
        }
      });
      const differ = ours
        .map((o, i) => (o === theirs[i] || (o.startsWith("***") && theirs[i]?.endsWith(o)) ? "" : `ours:   ${o}\ntheirs: ${theirs[i]}`))
        .filter(Boolean);
      expect(differ.length, differ.slice(0, 5).join("\n")).toBe(0);
      expect(theirs.length).toBe(msgs.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
