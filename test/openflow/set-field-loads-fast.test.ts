/**
 * The masked set_field of OpenFlow 1.2 to 1.4, written as Nicira loads: the fast path
 * (encodeMaskedSetFieldAsLoads, the loads' bits taken from the value's bytes) must write exactly the bytes
 * of the general path (setFieldLoads() building reg_load actions, each encoded by encodeAction()), for
 * random fields, values and masks (sparse bits, whole bytes, runs longer than 64 bits, all-zero masks).
 */
import { describe, expect, it } from "vitest";
import { Writer } from "../../src/bytes/writer.js";
import { encodeAction, encodeMaskedSetFieldAsLoads } from "../../src/openflow/actions.js";
import { setFieldLoads } from "../../src/openflow/v10/actions.js";
import { FIELD_DEFS, type MatchField, matchField } from "../../src/openflow/oxm.js";
import { prng } from "../support/prng.js";

function randomMask(rnd: () => number, n: number): Uint8Array {
  const m = new Uint8Array(n);
  const kind = rnd();
  for (let i = 0; i < n; i++) {
    if (kind < 0.25) m[i] = Math.floor(rnd() * 256);
    else if (kind < 0.5) m[i] = rnd() < 0.5 ? 0xff : 0;
    else if (kind < 0.75) m[i] = rnd() < 0.8 ? 0xff : Math.floor(rnd() * 256);
    else m[i] = rnd() < 0.15 ? 1 << Math.floor(rnd() * 8) : 0;
  }
  return m;
}

function general(f: MatchField, version: number): Uint8Array {
  const w = new Writer("openflow", 64, 1 << 16);
  for (const x of setFieldLoads({ type: "set_field", field: f })) encodeAction(w, x, version);
  return w.finish().slice();
}

describe("masked set_field as loads: fast path = setFieldLoads() + encodeAction()", () => {
  it("agrees for random fields, values and masks (OpenFlow 1.2 to 1.4)", () => {
    const rnd = prng(0x10ad5);
    let fast = 0;
    for (let n = 0; n < 6000; n++) {
      const def = FIELD_DEFS[Math.floor(rnd() * FIELD_DEFS.length)]!;
      const len = def.name.startsWith("tun_metadata") ? 1 + Math.floor(rnd() * 8) : def.len;
      const value = new Uint8Array(len).map(() => Math.floor(rnd() * 256));
      const f = matchField(def.name, value, randomMask(rnd, len));
      const version = 3 + Math.floor(rnd() * 3);
      const want = general(f, version);
      const w = new Writer("openflow", 64, 1 << 16);
      const at = n % 5;
      w.zeros(at);
      if (encodeMaskedSetFieldAsLoads(w, f)) {
        fast++;
        expect(w.finish().slice(at), `${def.name} value ${Buffer.from(value).toString("hex")} mask ${Buffer.from(f.mask!).toString("hex")}`).toEqual(want);
      } else expect(w.pos, "nothing written when the fast path declines").toBe(at);
      // and through the encoder's own dispatch
      const w2 = new Writer("openflow", 64, 1 << 16);
      encodeAction(w2, { type: "set_field", field: f }, version);
      expect(w2.finish().slice()).toEqual(want);
    }
    expect(fast).toBeGreaterThan(3000);
  });

  it("declines a value shorter than its field (the general path decides)", () => {
    const f: MatchField = { ...matchField("reg0", new Uint8Array(4), new Uint8Array([0, 0, 0xff, 0])), value: new Uint8Array(2) };
    const w = new Writer("openflow", 64);
    expect(encodeMaskedSetFieldAsLoads(w, f)).toBe(false);
    expect(w.pos).toBe(0);
  });
});
