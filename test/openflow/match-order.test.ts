/**
 * The flow_mod encoder's match ordering (match-order.ts): {@link encodeMatchInOvsOrder}, the fast path
 * (ranks by header slot, a stable insertion sort of indexes in scratch arrays), must write exactly the bytes
 * of the general path, `encodeMatch(w, inOvsOrder(match))` (ranks by name, a stable array sort), for any
 * match: random fields in random order, repeated fields, names that do not go with their header, unknown
 * and experimenter entries, and matches longer than the scratch arrays.
 */
import { describe, expect, it } from "vitest";
import { Writer } from "../../src/bytes/writer.js";
import { FIELD_DEFS, type MatchField, encodeMatch, matchField } from "../../src/openflow/oxm.js";
import { encodeMatchInOvsOrder, inOvsOrder } from "../../src/openflow/match-order.js";
import { prng } from "../support/prng.js";

function bytes(rnd: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** A random entry: mostly a known field as matchField() builds it, sometimes a mismatched name or header. */
function randomEntry(rnd: () => number): MatchField {
  const f = FIELD_DEFS[Math.floor(rnd() * FIELD_DEFS.length)]!;
  const len = f.name.startsWith("tun_metadata") ? 1 + Math.floor(rnd() * 8) : f.len;
  const e = matchField(f.name, bytes(rnd, len), rnd() < 0.3 ? bytes(rnd, len) : undefined);
  const roll = rnd();
  if (roll < 0.08) {
    // the name of another field on this header: the order goes by the name
    const other = FIELD_DEFS[Math.floor(rnd() * FIELD_DEFS.length)]!;
    return { ...e, field: other.name };
  }
  if (roll < 0.12) return { ...e, field: "unknown" };
  if (roll < 0.16) return { field: "unknown", header: ((0x0001 << 16) | (120 << 9) | 4) >>> 0, experimenter: undefined, value: bytes(rnd, 4), mask: undefined };
  if (roll < 0.2) return { field: "unknown", header: ((0xffff << 16) | (7 << 9) | 8) >>> 0, experimenter: 0x00002320, value: bytes(rnd, 4), mask: undefined };
  return e;
}

function general(match: readonly MatchField[]): Uint8Array {
  const w = new Writer("openflow", 64, 1 << 20);
  encodeMatch(w, inOvsOrder(match));
  return w.finish().slice();
}

function fast(match: readonly MatchField[], at = 0): Uint8Array {
  const w = new Writer("openflow", 64, 1 << 20);
  w.zeros(at);
  encodeMatchInOvsOrder(w, match);
  return w.finish().slice(at);
}

describe("encodeMatchInOvsOrder (fast path) = encodeMatch(inOvsOrder()) (general path)", () => {
  it("agrees on random matches of 0 to 12 entries", () => {
    const rnd = prng(0x5eed17);
    let reordered = 0;
    for (let n = 0; n < 4000; n++) {
      const match = Array.from({ length: Math.floor(rnd() * 13) }, () => randomEntry(rnd));
      if (inOvsOrder(match) !== match) reordered++;
      expect(fast(match, n % 9), `match #${n}: ${match.map((f) => f.field).join(",")}`).toEqual(general(match));
    }
    // the cases must exercise the sorting path, not only matches already in order
    expect(reordered).toBeGreaterThan(1000);
  });

  it("agrees on matches with repeated fields (the sort is stable)", () => {
    const rnd = prng(77);
    for (let n = 0; n < 1000; n++) {
      const pool = Array.from({ length: 3 }, () => randomEntry(rnd));
      const match = Array.from({ length: 2 + Math.floor(rnd() * 10) }, () => {
        const e = pool[Math.floor(rnd() * pool.length)]!;
        return { ...e, value: bytes(rnd, e.value.length) };
      });
      expect(fast(match)).toEqual(general(match));
    }
  });

  it("agrees on matches longer than its scratch arrays", () => {
    const rnd = prng(3);
    for (let n = 0; n < 30; n++) {
      const match = Array.from({ length: 60 + Math.floor(rnd() * 20) }, () => randomEntry(rnd));
      expect(fast(match)).toEqual(general(match));
    }
  });

  it("writes a match in order as it is given", () => {
    const match = [matchField("in_port", new Uint8Array([0, 0, 0, 1])), matchField("dl_type", new Uint8Array([8, 0])), matchField("nw_src", new Uint8Array([10, 0, 0, 1]))];
    expect(inOvsOrder(match)).toBe(match);
    expect(fast(match)).toEqual(general(match));
    expect(fast([match[2]!, match[0]!, match[1]!])).toEqual(general(match));
  });
});
