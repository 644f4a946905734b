/**
 * set_field of in_port in OpenFlow 1.2–1.5 (src/openflow/actions.ts, actions-decode.ts): written as Open
 * vSwitch writes it, under the 16-bit NXM_OF_IN_PORT header (its decoder refuses OXM_OF_IN_PORT there with
 * OFPBAC_BAD_SET_ARGUMENT, so a switch refused our flow); bytes built by hand from nx-match.h's header, read
 * back to the 32-bit port a match carries, and our flow_mods printed by the installed `ovs-ofctl ofp-print`
 * exactly as `ovs-ofctl -O V parse-flow` prints the message it encodes itself; the refusals of a masked port
 * and of read-only fields worded as ovs-ofctl words them.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { peers } from "../support/peers.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { decodeActionList, encodeActions } from "../../src/openflow/actions.js";
import { encodeMessage } from "../../src/openflow/messages.js";
import { flowModMessage, protocolOfVersion } from "../../src/openflow/v10/session.js";
import { Writer } from "../../src/bytes/writer.js";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import type { Action } from "../../src/openflow/action-types.js";
import { oursOf, theirsOf, withoutLog } from "./gen-compare.js";

function actionsOf(text: string): readonly Action[] {
  const i = parseFlow(text).instructions.find((x) => x.type === "apply_actions");
  return i && i.type === "apply_actions" ? i.actions : [];
}

function encoded(text: string, version: number): string {
  const w = new Writer("openflow", 64);
  encodeActions(w, actionsOf(text), version);
  return toHex(w.finish().slice());
}

/** OFPAT_SET_FIELD (25), length 16, NXM_OF_IN_PORT (class 0, field 0, 2 bytes), the port, padding. */
const setInPort = (port16: string) => "00190010" + "00000002" + port16 + "0000" + "00000000";

describe("set_field of in_port", () => {
  it("is written under NXM_OF_IN_PORT with the 16-bit port in OpenFlow 1.2 to 1.5 (bytes from nx-match.h)", () => {
    for (const v of [OfpVersion.OF12, OfpVersion.OF13, OfpVersion.OF14, OfpVersion.OF15]) {
      expect(encoded("actions=set_field:1->in_port", v)).toBe(setInPort("0001"));
      expect(encoded("actions=set_field:65280->in_port", v)).toBe(setInPort("ff00"));
      // LOCAL: 0xfffffffe in OpenFlow 1.1+ numbering, 0xfffe in 16 bits
      expect(encoded("actions=set_field:LOCAL->in_port", v)).toBe(setInPort("fffe"));
    }
    // OpenFlow 1.5 has no load: a whole-field load into NXM_OF_IN_PORT is this same set_field
    expect(encoded("actions=load:5->NXM_OF_IN_PORT[]", OfpVersion.OF15)).toBe(setInPort("0005"));
  });

  it("reads back as the 32-bit port; OXM_OF_IN_PORT in a set_field is OFPBAC_BAD_SET_ARGUMENT", () => {
    const back = decodeActionList(fromHex(setInPort("fffe")));
    expect(back).toHaveLength(1);
    const a = back[0]!;
    expect(a.type === "set_field" && a.field.field).toBe("in_port");
    expect(a.type === "set_field" && toHex(a.field.value)).toBe("fffffffe");
    expect(encoded("actions=set_field:LOCAL->in_port", OfpVersion.OF13)).toBe(toHex((() => {
      const w = new Writer("openflow", 64);
      encodeActions(w, back, OfpVersion.OF13);
      return w.finish().slice();
    })()));
    let err: unknown;
    try {
      decodeActionList(fromHex("00190010" + "80000004" + "00000001" + "00000000"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(String((err as Error).message)).toContain("OFPBAC_BAD_SET_ARGUMENT");
  });

  describe.skipIf(!peers("ovs-ofctl"))("against ovs-ofctl", () => {
    it("refusals word the error as ovs-ofctl: a port read whole (`1/0xff` is no port), read-only fields before their value", async () => {
      const BAD = ["actions=set_field:1/0xff->in_port", "actions=set_field:p1/1->in_port", "actions=set_field:/->in_port", "actions=set_field:1/1->actset_output", "actions=set_field:1->actset_output", "actions=set_field:1->nw_proto", "actions=set_field:1/3->ct_zone", "ip,actions=set_field:1/1->nw_ttl"];
      const diffs: string[] = [];
      for (const version of [undefined, "OpenFlow13", "OpenFlow15"]) {
        for (const flow of BAD) {
          const args = [...(version ? ["-O", version] : []), "parse-flow", flow];
          const [a, b] = [theirsOf(args), await oursOf(args)];
          if (a.out !== b.out || withoutLog(a.err) !== withoutLog(b.err) || a.code !== b.code) diffs.push(`${version ?? "-"} ${flow}\n ovs(${a.code}): ${a.out}${withoutLog(a.err)}\n ours(${b.code}): ${b.out}${b.err}`);
        }
      }
      expect(diffs).toEqual([]);
    }, 60_000);

    const FLOWS = ["actions=set_field:1->in_port", "actions=set_field:LOCAL->in_port", "actions=set_field:65280->in_port,output:2", "in_port=3,actions=set_field:4->in_port,output:IN_PORT", "actions=load:5->NXM_OF_IN_PORT[]"];
    const VERSIONS: [string, number][] = [["OpenFlow12", OfpVersion.OF12], ["OpenFlow13", OfpVersion.OF13], ["OpenFlow14", OfpVersion.OF14], ["OpenFlow15", OfpVersion.OF15]];
    it("our flow_mods print through ovs-ofctl ofp-print as ovs-ofctl parse-flow prints its own", () => {
      for (const [name, v] of VERSIONS) {
        for (const flow of FLOWS) {
          const theirs = spawnSync("ovs-ofctl", ["-O", name, "parse-flow", flow], { encoding: "utf8" });
          expect(theirs.status, `${name} ${flow}: ${theirs.stderr}`).toBe(0);
          const want = theirs.stdout.trim().split("\n").at(-1)!;
          const fm = parseFlow(flow);
          const hex = toHex(encodeMessage(flowModMessage(protocolOfVersion(v), { ...fm, tableId: 0 }, 1)));
          const printed = spawnSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8" });
          expect(printed.stdout.trim(), `${name} ${flow}`).toBe(want);
        }
      }
    });
  });
});
