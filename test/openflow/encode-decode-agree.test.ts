/**
 * Our encoder writes only what our decoder reads back, in every version, as Open vSwitch: every corpus flow
 * is encoded for OpenFlow 1.2 to 1.5 and the bytes, when the encoder accepts the flow, must decode. The
 * flows that once broke this (OpenFlow 1.2 flow_mods with `no_packet_counts`/`no_byte_counts`, which that
 * version has no flag for; an OpenFlow 1.5 `load` of a tun_metadata bit range, written as a Nicira
 * reg_load2 that 1.5 does not have) are judged against the installed `ovs-ofctl`: it refuses the first
 * ("no usable protocol") where our encoder throws an EncodeError naming `flow_mod.flags`, and writes the
 * second as a masked OFPAT_SET_FIELD, which `ovs-ofctl ofp-print` prints from our bytes exactly as
 * `ovs-ofctl parse-flow` prints its own.
 */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { EncodeError } from "../../src/bytes/encode-error.js";
import { toHex } from "../../src/bytes/hex.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { parseFlow } from "../../src/openflow/flowtext.js";

const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));

const VERSIONS = [OfpVersion.OF12, OfpVersion.OF13, OfpVersion.OF14, OfpVersion.OF15] as const;
const NAMES: Record<number, string> = { 3: "OpenFlow12", 4: "OpenFlow13", 5: "OpenFlow14", 6: "OpenFlow15" };

/** The flow_mod of `text` for `version`: its bytes, or the EncodeError the encoder threw. */
function encode(text: string, version: number): Uint8Array | EncodeError {
  try {
    return encodeMessage({ type: "flow_mod", ...parseFlow(text), version, xid: 1 }).slice();
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
}

describe("every flow_mod the encoder writes, the decoder reads", () => {
  for (const version of VERSIONS) {
    it(`corpus flows in ${NAMES[version]}`, () => {
      const refused: string[] = [];
      let decoded = 0;
      for (const text of corpus) {
        const bytes = encode(text, version);
        if (bytes instanceof EncodeError) continue;
        try {
          decodeMessage(bytes);
          decoded++;
        } catch (e) {
          refused.push(`${text}: ${(e as Error).message}`);
        }
      }
      expect(refused).toEqual([]);
      expect(decoded).toBeGreaterThan(400);
    });
  }

  it("OpenFlow 1.1 and 1.2 flow_mods refuse the flags they do not have, naming the field", () => {
    for (const [text, version] of [
      ["no_packet_counts,actions=drop", OfpVersion.OF12],
      ["no_byte_counts,actions=drop", OfpVersion.OF12],
      ["reset_counts,actions=drop", OfpVersion.OF11],
    ] as const) {
      const r = encode(text, version);
      expect(r).toBeInstanceOf(EncodeError);
      expect((r as EncodeError).field).toBe("flow_mod.flags");
    }
    // the flags each version has still encode
    expect(encode("reset_counts,actions=drop", OfpVersion.OF12)).toBeInstanceOf(Uint8Array);
    expect(encode("send_flow_rem,check_overlap,actions=drop", OfpVersion.OF11)).toBeInstanceOf(Uint8Array);
    expect(encode("no_packet_counts,no_byte_counts,actions=drop", OfpVersion.OF13)).toBeInstanceOf(Uint8Array);
  });

  it("an OpenFlow 1.5 load of a tun_metadata bit range is a masked set_field (bytes from OpenFlow 1.5.1 §7.2.5)", () => {
    const bytes = encode("actions=load:0x5->NXM_NX_TUN_METADATA0[0..31]", OfpVersion.OF15);
    expect(bytes).toBeInstanceOf(Uint8Array);
    // apply_actions holding OFPAT_SET_FIELD (25) of NXM_NX_TUN_METADATA0 (class 1, field 40) masked, 4 bytes
    expect(toHex(bytes as Uint8Array).endsWith("0004001800000000" + "00190010" + "00015108" + "00000005" + "ffffffff")).toBe(true);
    // before 1.5 it stays a Nicira reg_load2 (as ovs-ofctl writes it: the mask is not the whole field)
    expect(toHex(encode("actions=load:0x5->NXM_NX_TUN_METADATA0[0..31]", OfpVersion.OF13) as Uint8Array)).toContain("ffff0018000023200021");
  });
});

describe.skipIf(!peers("ovs-ofctl"))("the same flows against ovs-ofctl", () => {
  it("ovs-ofctl refuses what our encoder refuses, and prints our bytes as it prints its own", () => {
    const cases = corpus.filter((t) => /no_packet_counts|no_byte_counts|TUN_METADATA0\[0\.\.31\]/.test(t));
    expect(cases.length).toBeGreaterThanOrEqual(4);
    let compared = 0;
    for (const text of cases) {
      for (const version of VERSIONS) {
        const theirs = spawnSync("ovs-ofctl", ["-O", NAMES[version]!, "parse-flow", text], { encoding: "utf8", timeout: 30_000 });
        const ours = encode(text, version);
        if (ours instanceof EncodeError) {
          expect({ text, version, code: theirs.status, err: theirs.stderr.trim() }).toEqual({ text, version, code: 1, err: "ovs-ofctl: no usable protocol" });
          continue;
        }
        expect({ text, version, code: theirs.status }).toEqual({ text, version, code: 0 });
        decodeMessage(ours); // throws on a refusal
        const printed = spawnSync("ovs-ofctl", ["ofp-print", toHex(ours)], { encoding: "utf8", timeout: 30_000 });
        const want = theirs.stdout.split("\n").find((l) => l.startsWith("OFPT_FLOW_MOD"));
        expect({ text, version, printed: printed.stdout.trim() }).toEqual({ text, version, printed: want });
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});
