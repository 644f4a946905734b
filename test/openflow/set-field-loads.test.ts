/**
 * `setFieldLoads` (the Nicira loads Open vSwitch writes for a masked set_field before OpenFlow 1.5, and for
 * every set_field in OpenFlow 1.0/1.1) against a plain bit-by-bit reading of the mask, the way the code
 * before its speed rewrite found the runs: seeded random fields, masks (zero and all-ones bytes, runs
 * across bytes and past 64 bits) and values give the same loads.
 */
import { describe, expect, it } from "vitest";
import { type Action, subField } from "../../src/openflow/actions.js";
import { FIELD_DEFS, matchField, nxWidth } from "../../src/openflow/oxm.js";
import { setFieldLoads } from "../../src/openflow/v10/actions.js";
import { prng } from "../support/prng.js";

/** The loads, found one mask bit at a time (the reference). */
function referenceLoads(name: string, value: Uint8Array, mask: Uint8Array | undefined, width: number, nxBits: number): Action[] {
  const n = value.length;
  const bit = (bytes: Uint8Array, i: number): number => (i >> 3 < n ? (bytes[n - 1 - (i >> 3)]! >> (i & 7)) & 1 : 0);
  const maskBit = (i: number): number => (mask ? bit(mask, i) : i < width ? 1 : 0);
  const valueBits = (ofs: number, nbits: number): bigint => {
    let v = 0n;
    for (let i = ofs + nbits - 1; i >= ofs; i--) v = (v << 1n) | BigInt(bit(value, i));
    return v;
  };
  const out: Action[] = [];
  const maxBits = Math.min(width, nxBits);
  let ofs = 0;
  while (ofs < maxBits) {
    while (ofs < maxBits && !maskBit(ofs)) ofs++;
    if (ofs >= maxBits) break;
    let end = ofs;
    while (end < maxBits && end - ofs < 64 && maskBit(end)) end++;
    out.push({ type: "reg_load", dst: subField(name, ofs, end - ofs), value: valueBits(ofs, end - ofs) });
    ofs = end;
  }
  return out;
}

describe("setFieldLoads", () => {
  it("finds the same loads as a bit-by-bit reading of the mask, for random fields, masks and values", () => {
    const rnd = prng(4711);
    // fields a plain load can write (no experimenter header, fixed length)
    const fields = FIELD_DEFS.filter((f) => f.nxExperimenter === undefined && f.nxHeader >>> 16 !== 0xffff && !f.name.startsWith("tun_metadata"));
    expect(fields.length).toBeGreaterThan(40);
    let cases = 0;
    let loads = 0;
    let split = 0;
    for (let k = 0; k < 3000; k++) {
      const f = fields[Math.floor(rnd() * fields.length)]!;
      const byte = () => {
        const r = rnd();
        return r < 0.3 ? 0 : r < 0.6 ? 0xff : Math.floor(rnd() * 256);
      };
      const value = Uint8Array.from({ length: f.len }, () => Math.floor(rnd() * 256));
      const mask = rnd() < 0.1 ? undefined : Uint8Array.from({ length: f.len }, byte);
      const got = setFieldLoads({ type: "set_field", field: matchField(f.name, value, mask) });
      expect(got).toEqual(referenceLoads(f.name, value, mask, f.bits, nxWidth(f)));
      cases++;
      loads += got.length;
      if (got.length > 1) split++;
    }
    expect(cases).toBe(3000);
    // most masks give several loads (runs across bytes, runs cut at 64 bits)
    expect(loads).toBeGreaterThan(6000);
    expect(split).toBeGreaterThan(1000);
  });
});
