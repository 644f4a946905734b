/**
 * Reassembler: shuffled and duplicated fragments give back the original frame (property test over random
 * frames and MTUs); overlaps (RFC 5722 for IPv6, the three IPv4 policies), bad lengths, inconsistent ends,
 * packets past 65535 bytes, timeouts (explicit, no timers), memory/datagram/fragment limits, and random
 * bytes never crash. Fragments come from fragmentFrame, itself checked against tshark and scapy in
 * fragments-diff.test.ts; expected frames come from encodeGeneveFrame.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  EncodeError,
  type GeneveFrameSpec,
  Reassembler,
  type ReassemblyEvent,
  decodeGeneveFrame,
  encodeGeneveFrame,
  encodeGeneveFragments,
  fragmentFrame,
  ovnOption,
} from "../../src/geneve/index.js";
import { INNER_FRAME, hex, prng, randBytes, randInt, toHex } from "./helpers.js";

function spec(version: 4 | 6, innerLength: number, fill = 0x5a, id = 7): GeneveFrameSpec {
  return {
    ip: version === 4 ? { version: 4, src: "10.0.0.1", dst: "10.0.0.2", dontFragment: false, identification: id } : { version: 6, src: "fd00::1", dst: "fd00::2" },
    geneve: { vni: 99, options: [ovnOption(1, 2)] },
    inner: new Uint8Array([...INNER_FRAME, ...new Uint8Array(innerLength).fill(fill)]),
  };
}

const types = (es: ReassemblyEvent<number>[]) => es.map((e) => (e.type === "dropped" ? `dropped:${e.reason}:${e.scope}` : e.type));

/** Pushes frames at times 0, 1, 2, ...; returns every event. */
function pushAll(r: Reassembler<number>, frames: readonly Uint8Array[], time = (i: number) => i): ReassemblyEvent<number>[] {
  return frames.flatMap((f, i) => r.push(f, { time: time(i) }, i));
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randInt(rnd, i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Reassembler", () => {
  it("property: random frames, MTUs, orders and duplicates reassemble to the original, and nothing stays held", () => {
    const rnd = prng(791);
    for (let n = 0; n < 150; n++) {
      const v = rnd() < 0.5 ? 4 : 6;
      const s: GeneveFrameSpec = {
        ...spec(v, 0),
        ...(v === 4 ? { ip: { version: 4, src: "10.0.0.1", dst: `10.0.0.${2 + randInt(rnd, 200)}`, dontFragment: false, identification: randInt(rnd, 65536) } } : {}),
        ethernet: { vlans: rnd() < 0.3 ? [{ vid: randInt(rnd, 4096) }] : [] },
        inner: new Uint8Array([...INNER_FRAME, ...randBytes(rnd, randInt(rnd, 9000))]),
      };
      const whole = encodeGeneveFrame(s);
      const mtu = v === 4 ? 68 + randInt(rnd, 1500) : 1280 + randInt(rnd, 1500);
      const frags = fragmentFrame(whole, { mtu });
      if (frags.length === 1) continue; // fits the MTU: passed through whole, covered below
      const stream = shuffle([...frags, ...frags.filter(() => rnd() < 0.2)], rnd);
      const r = new Reassembler<number>();
      const events = pushAll(r, stream);
      const datagrams = events.flatMap((e) => (e.type === "datagram" ? [toHex(e.data)] : []));
      // the first complete set gives the datagram; duplicates that arrive after it may complete it again
      expect(datagrams.length, `case ${n}`).toBeGreaterThanOrEqual(1);
      expect(new Set(datagrams)).toEqual(new Set([toHex(whole)]));
      expect(events.filter((e) => e.type === "dropped" || e.type === "packet")).toEqual([]);
      r.flush();
      expect(r.bytesHeld).toBe(0);
    }
  });

  it("an exact duplicate is ignored (RFC 8200 §4.5) and the datagram still completes", () => {
    const f = encodeGeneveFragments(spec(6, 3000), { mtu: 1280, identification: 42 });
    const r = new Reassembler<number>();
    const events = pushAll(r, [f[0]!, f[0]!, f[1]!, f[2]!]);
    expect(types(events)).toEqual(["held", "duplicate", "held", "datagram"]);
    const done = events[3]!;
    expect(done.type === "datagram" && done.tags).toEqual([0, 2, 3]);
    expect(done.type === "datagram" && decodeGeneveFrame(done.data).udp.checksumStatus).toBe("valid");
  });

  it("IPv6 overlapping fragments drop the whole datagram and its later fragments (RFC 5722), until the timeout", () => {
    const whole = encodeGeneveFrame(spec(6, 3000));
    const a = fragmentFrame(whole, { mtu: 1280, identification: 9 });
    const b = fragmentFrame(whole, { mtu: 1500, identification: 9 });
    const r = new Reassembler<number>({ timeoutMs: 1000 });
    const events = pushAll(r, [a[0]!, b[0]!, a[1]!, a[2]!]);
    expect(types(events)).toEqual(["held", "dropped:overlap:datagram", "dropped:discarded:fragment", "dropped:discarded:fragment"]);
    expect(events[1]!.type === "dropped" && events[1]!.detail).toMatch(/overlaps .*RFC 5722/);
    expect(r.bytesHeld).toBe(0);
    // after the timeout the key is forgotten and the same fragments reassemble
    const again = pushAll(r, a, (i) => 2000 + i);
    expect(types(again)).toEqual(["held", "held", "datagram"]);
  });

  it("IPv4 overlaps: discard by default, or keep the first or the last data", () => {
    const x = encodeGeneveFragments(spec(4, 1200, 0x11, 5), { mtu: 576 });
    const y = encodeGeneveFragments(spec(4, 1200, 0x22, 5), { mtu: 576 }); // same boundaries and id, other data
    const discard = new Reassembler<number>();
    expect(types(pushAll(discard, [x[0]!, y[0]!, x[1]!, x[2]!]))).toEqual(["held", "dropped:overlap:datagram", "dropped:discarded:fragment", "dropped:discarded:fragment"]);
    const result = (policy: "first" | "last", frames: Uint8Array[]) => {
      const events = pushAll(new Reassembler<number>({ ipv4Overlap: policy }), frames);
      const d = events.at(-1)!;
      return d.type === "datagram" ? toHex(d.data) : d.type;
    };
    const only = (frames: Uint8Array[]) => result("first", frames);
    expect(result("first", [x[0]!, y[0]!, x[1]!, x[2]!])).toBe(only([x[0]!, x[1]!, x[2]!]));
    expect(result("last", [x[0]!, y[0]!, x[1]!, x[2]!])).toBe(only([y[0]!, x[1]!, x[2]!]));
    expect(only([x[0]!, x[1]!, x[2]!])).toBe(toHex(encodeGeneveFrame({ ...spec(4, 1200, 0x11, 5) })));
  });

  it("drops a fragment with more to follow and a length not a multiple of 8, and keeps the rest", () => {
    const f = encodeGeneveFragments(spec(4, 1200), { mtu: 576 });
    const odd = f[1]!.slice(0, f[1]!.length - 1);
    const total = (odd[16]! << 8) | odd[17]!;
    odd[16] = (total - 1) >> 8;
    odd[17] = (total - 1) & 255;
    const r = new Reassembler<number>();
    expect(types(pushAll(r, [f[0]!, odd, f[1]!, f[2]!]))).toEqual(["held", "dropped:bad-length:fragment", "held", "datagram"]);
  });

  it("drops a datagram whose fragments disagree on its end, or that would pass 65535 bytes", () => {
    const f = encodeGeneveFragments(spec(4, 1200), { mtu: 576 });
    const early = f[1]!.slice();
    early[20] = early[20]! & ~0x20; // clear MF: the datagram now ends with this fragment
    const r = new Reassembler<number>();
    expect(types(pushAll(r, [early, f[2]!, f[0]!]))).toEqual(["held", "dropped:inconsistent:datagram", "dropped:discarded:fragment"]);
    const far = f[2]!.slice();
    far[20] = 0x1f; // fragment offset 8191 × 8 = 65528
    far[21] = 0xff;
    expect(types(pushAll(new Reassembler<number>(), [far]))).toEqual(["dropped:too-large:datagram"]);
  });

  it("timeouts are explicit: a datagram expires at first fragment + timeoutMs, on push or expire(), with no timer", () => {
    vi.useFakeTimers();
    const f = encodeGeneveFragments(spec(4, 1200), { mtu: 576 });
    const r = new Reassembler<number>({ timeoutMs: 30_000 });
    expect(types(r.push(f[0]!, { time: 0 }, 0))).toEqual(["held"]);
    expect(vi.getTimerCount()).toBe(0);
    expect(r.expire(29_999)).toEqual([]);
    const late = r.push(f[1]!, { time: 30_000 }, 1);
    expect(types(late)).toEqual(["dropped:timeout:datagram", "held"]);
    expect(late[0]!.type === "dropped" && late[0]!.tags).toEqual([0]);
    expect(types(r.expire(60_000))).toEqual(["dropped:timeout:datagram"]);
    expect([r.datagrams, r.bytesHeld, vi.getTimerCount()]).toEqual([0, 0, 0]);
    expect(() => r.push(f[0]!, { time: Number.NaN }, 2)).toThrow(/time must be a finite number/);
  });

  it("flush reports incomplete datagrams with what is missing", () => {
    const f = encodeGeneveFragments(spec(6, 3000), { mtu: 1280 });
    const r = new Reassembler<number>();
    pushAll(r, [f[0]!, f[2]!]);
    const out = r.flush();
    expect(types(out)).toEqual(["dropped:incomplete:datagram"]);
    expect(out[0]!.type === "dropped" && out[0]!.detail).toMatch(/missing 1232\.\.2464/);
    expect(r.datagrams).toBe(0);
  });

  it("bounds memory, datagrams in progress and fragments per datagram, dropping the oldest", () => {
    const frags = (id: number) => encodeGeneveFragments(spec(4, 1200, 0x33, id), { mtu: 576 });
    const byBytes = new Reassembler<number>({ maxBytes: 2000 });
    const events = pushAll(byBytes, [frags(1)[0]!, frags(2)[0]!, frags(3)[0]!, frags(4)[0]!]);
    expect(types(events)).toEqual(["held", "held", "held", "dropped:memory:datagram", "held"]);
    expect(byBytes.bytesHeld).toBeLessThanOrEqual(2000);
    const byCount = new Reassembler<number>({ maxDatagrams: 2 });
    expect(types(pushAll(byCount, [frags(1)[0]!, frags(2)[0]!, frags(3)[0]!]))).toEqual(["held", "held", "dropped:datagram-limit:datagram", "held"]);
    expect(byCount.datagrams).toBe(2);
    const byFragments = new Reassembler<number>({ maxFragments: 2 });
    expect(types(pushAll(byFragments, frags(1)))).toEqual(["held", "held", "dropped:fragment-limit:datagram"]);
    expect(() => new Reassembler({ maxBytes: 0 })).toThrow(/maxBytes must be a positive number/);
  });

  it("passes whole packets and non-IP frames through; random bytes never throw", () => {
    const r = new Reassembler<number>();
    const arp = hex("ffffffffffff 020000000001 0806 0001 0800 0604 0001");
    const whole = encodeGeneveFrame(spec(4, 10));
    expect(types(pushAll(r, [arp, whole]))).toEqual(["packet", "packet"]);
    const rnd = prng(5722);
    const base = encodeGeneveFragments(spec(4, 600), { mtu: 200 });
    for (let i = 0; i < 3000; i++) {
      const b = base[randInt(rnd, base.length)]!.slice();
      for (let k = randInt(rnd, 4); k >= 0; k--) b[14 + randInt(rnd, 30)] = randInt(rnd, 256);
      const cut = b.subarray(0, randInt(rnd, b.length + 1));
      for (const e of r.push(cut, { time: i }, i)) if (e.type === "datagram") expect(e.data.length).toBeGreaterThan(0);
      expect(r.bytesHeld).toBeLessThanOrEqual(4 << 20);
    }
  });
});

describe("fragmentFrame", () => {
  it("copies only options with the copy bit into later IPv4 fragments, and recomputes the checksum", () => {
    // IPv4 header with a Record Route option (7, not copied), a NOP and a copied option 0x94 (Router Alert)
    const payload = new Uint8Array(160).fill(0xcd); // 48 bytes after a 32-byte header, then 56 + 56 after 24
    const ihl = 20 + 8 + 4;
    const b = hex(
      `020000000002 020000000001 0800 | 48 00 ${(ihl + 160).toString(16).padStart(4, "0")} 0042 0000 40 11 0000 0a000001 0a000002 | 07 07 04 00000000 01 | 94 04 0000`,
    );
    const frame = new Uint8Array([...b, ...payload]);
    const parts = fragmentFrame(frame, { mtu: 80 });
    expect(parts.length).toBe(3);
    expect(toHex(parts[0]!.subarray(34, 46))).toBe("070704000000000194040000");
    expect(toHex(parts[1]!.subarray(14, 15))).toBe("46"); // IHL 6: 20 + 4 bytes of copied options
    expect(toHex(parts[1]!.subarray(34, 38))).toBe("94040000");
    for (const p of parts) {
      const hl = (p[14]! & 15) * 4;
      let s = 0;
      for (let i = 14; i < 14 + hl; i += 2) s += (p[i]! << 8) | p[i + 1]!;
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      expect(s).toBe(0xffff);
    }
  });

  it("refuses DF, too small an MTU, and fragments", () => {
    const df = encodeGeneveFrame({ ...spec(4, 1000), ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" } });
    expect(() => fragmentFrame(df, { mtu: 576 })).toThrow(EncodeError);
    expect(() => fragmentFrame(df, { mtu: 576 })).toThrow(/DF is set/);
    expect(() => encodeGeneveFragments(spec(6, 3000), { mtu: 1000 })).toThrow(/1280\.\.65535/);
    const frag = encodeGeneveFragments(spec(4, 1000), { mtu: 576 })[0]!;
    expect(() => fragmentFrame(frag, { mtu: 300 })).toThrow(/already a fragment/);
    const small = encodeGeneveFrame(spec(4, 10));
    expect(fragmentFrame(small, { mtu: 1500 })).toEqual([small]);
  });
});
