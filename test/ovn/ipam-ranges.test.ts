import { describe, expect, it } from "vitest";
import { Address4 } from "ip-address";
import { RangeSet, canonicalIp, toBig, toBigText } from "../../src/ovn/ipam-ranges.js";
import { xorshift as rng } from "../support/prng.js";

describe("RangeSet", () => {
  it("holds exactly the values a plain set would, through random adds and removes of ranges and single values", () => {
    const U = 64;
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const set = new RangeSet();
      const model = new Set<number>();
      for (let step = 0; step < 200; step++) {
        const lo = Math.floor(r() * U);
        const single = r() < 0.6;
        const hi = single ? lo : lo + Math.floor(r() * 12);
        if (r() < 0.4) {
          set.add(BigInt(lo), BigInt(hi));
          for (let n = lo; n <= hi; n++) model.add(n);
        } else {
          set.remove(BigInt(lo), BigInt(hi));
          for (let n = lo; n <= hi; n++) model.delete(n);
        }
        const got: number[] = [];
        const want: number[] = [];
        for (let n = -1; n <= U + 12; n++) {
          if (set.has(BigInt(n))) got.push(n);
          if (model.has(n)) want.push(n);
        }
        if (got.join() !== want.join() || set.size() !== BigInt(model.size) || set.first() !== (want.length ? BigInt(want[0]!) : undefined)) {
          // (numbers, not bigints: the report crosses to the runner's process as JSON)
          expect({ seed, step, got, size: Number(set.size()), first: String(set.first()) }).toEqual({ seed, step, got: want, size: model.size, first: String(want[0]) });
        }
      }
    }
  });

  it("hands out a range from its start one value at a time", () => {
    const set = new RangeSet();
    set.add(10n, 13n);
    const out: bigint[] = [];
    for (let n = set.first(); n !== undefined; n = set.first()) {
      out.push(n);
      set.remove(n, n);
    }
    expect(out).toEqual([10n, 11n, 12n, 13n]);
    expect(set.size()).toBe(0n);
  });
});

describe("toBigText", () => {
  it("gives toBig's value and canonicalIp's text, for random IPv4 and IPv6 addresses in several spellings", () => {
    const r = rng(5);
    const octet = () => Math.floor(r() * 256);
    const samples: string[] = ["0.0.0.0", "255.255.255.255", "::", "::1", "FD00::1", "fd00:0:0:0:0:0:0:1", "::ffff:10.0.0.1"];
    for (let k = 0; k < 2000; k++) {
      const v4 = [octet(), octet(), octet(), octet()];
      samples.push(v4.join("."));
      const groups = Array.from({ length: 8 }, () => (r() < 0.4 ? 0 : Math.floor(r() * 65536)).toString(16));
      samples.push(groups.join(":"), groups.join(":").toUpperCase());
    }
    for (const ip of samples) {
      const { family, n } = toBig(ip);
      expect(toBigText(ip), ip).toEqual({ family, n, text: canonicalIp(ip) });
    }
  });

  it("reads a dotted quad as the address library does, and refuses what it refuses (leading zeros, octets past 255, missing or extra parts)", () => {
    const r = rng(11);
    const samples = ["0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.1", "100.64.0.10", "01.2.3.4", "1.2.3.04", "00.0.0.0", "256.1.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4/24", "", "1.2.3.a", " 1.2.3.4", "1.2.3.4 ", "1000.1.1.1", "1.2.3.1000"];
    for (let k = 0; k < 2000; k++) {
      const parts = Array.from({ length: 4 }, () => String(r() < 0.1 ? Math.floor(r() * 1000) : Math.floor(r() * 256)));
      if (r() < 0.05) parts[Math.floor(r() * 4)] = `0${parts[0]}`;
      samples.push(parts.join("."));
    }
    for (const ip of samples) {
      // the library's reading of a plain IPv4 address (no prefix), or undefined when it refuses it
      let want: bigint | undefined;
      try {
        want = !ip.includes("/") && Address4.isValid(ip) ? new Address4(ip).bigInt() : undefined;
      } catch {
        want = undefined;
      }
      let got: bigint | undefined;
      try {
        const b = toBig(ip);
        got = b.family === 4 ? b.n : undefined;
      } catch {
        got = undefined;
      }
      expect(String(got), ip).toBe(String(want));
      if (want !== undefined) expect(toBigText(ip).text, ip).toBe(canonicalIp(ip));
    }
  });
});
