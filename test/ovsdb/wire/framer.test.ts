import { describe, expect, it } from "vitest";
import { FramingError, JsonFramer } from "../../../src/ovsdb/wire/framer.js";
import { decodeUtf8Lossless, invalidUtf8Detail } from "../../../src/ovsdb/wire/utf8.js";

const enc = (s: string) => new TextEncoder().encode(s);

/** Feeds `bytes` split at position `cut` (two chunks) and returns the parsed messages. */
function feedSplit(bytes: Uint8Array, cut: number): unknown[] {
  const f = new JsonFramer();
  return [...f.push(bytes.slice(0, cut)), ...f.push(bytes.slice(cut))];
}

const FIXTURES: { name: string; text: string; values: unknown[] }[] = [
  { name: "request", text: '{"method":"echo","params":[],"id":0}', values: [{ method: "echo", params: [], id: 0 }] },
  {
    name: "escapes and braces in strings",
    text: '{"id":1,"result":["a\\"}]{[","\\\\","\\\\\\"",  "x\\u00e9"],"error":null}',
    values: [{ id: 1, result: ['a"}]{[', "\\", '\\"', "xé"], error: null }],
  },
  {
    name: "multi-byte UTF-8 (2, 3 and 4 bytes)",
    text: '{"id":"é€😀","params":["日本語 🚀"]}',
    values: [{ id: "é€😀", params: ["日本語 🚀"] }],
  },
  {
    name: "two messages with whitespace between",
    text: ' \n{"a":[1,{"b":2}]}\r\n\t[3,"]"]  ',
    values: [{ a: [1, { b: 2 }] }, [3, "]"]],
  },
  {
    name: "backslash run before a quote",
    text: '{"k":"\\\\\\\\"}{"k":"\\\\\\""}',
    values: [{ k: "\\\\" }, { k: '\\"' }],
  },
];

describe("JsonFramer", () => {
  for (const fx of FIXTURES) {
    it(`frames ${fx.name} split at every byte`, () => {
      const bytes = enc(fx.text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(feedSplit(bytes, cut), `cut at ${cut}`).toEqual(fx.values);
      }
    });
    it(`frames ${fx.name} fed one byte at a time`, () => {
      const bytes = enc(fx.text);
      const f = new JsonFramer();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i++) out.push(...f.push(bytes.slice(i, i + 1)));
      expect(out).toEqual(fx.values);
      expect(f.end()).toBeUndefined();
    });
  }

  it("frames every fixture concatenated, split at every pair of positions", () => {
    const all = enc(FIXTURES.map((f) => f.text).join(""));
    const want = FIXTURES.flatMap((f) => f.values);
    for (let a = 0; a < all.length; a += 7) {
      for (let b = a; b <= all.length; b += 5) {
        const f = new JsonFramer();
        const got = [...f.push(all.slice(0, a)), ...f.push(all.slice(a, b)), ...f.push(all.slice(b))];
        expect(got).toEqual(want);
      }
    }
  });

  it("returns several messages from one chunk, in order", () => {
    const f = new JsonFramer();
    const msgs = Array.from({ length: 100 }, (_, i) => ({ id: i, result: [i], error: null }));
    expect(f.push(enc(msgs.map((m) => JSON.stringify(m)).join("")))).toEqual(msgs);
  });

  it("rejects a non-object at the top level with the byte offset", () => {
    const f = new JsonFramer();
    expect(f.push(enc('{"a":1}  '))).toEqual([{ a: 1 }]);
    const e = (() => {
      try {
        f.push(enc("x"));
      } catch (err) {
        return err as FramingError;
      }
    })();
    expect(e).toBeInstanceOf(FramingError);
    expect(e!.offset).toBe(9);
    expect(e!.message).toBe("JSON-RPC stream: expected '{' to start a message but found 'x' at byte 9");
    // The framer stays failed: there is no resynchronisation point.
    expect(() => f.push(enc("{}"))).toThrow(FramingError);
  });

  it("rejects invalid JSON inside a balanced message", () => {
    const f = new JsonFramer();
    expect(() => f.push(enc('{"a":tru}'))).toThrow(/not valid JSON/);
  });

  it("takes invalid UTF-8 as ovsdb-server's reader does, escaping each bad byte as U+DC00+byte, split anywhere", () => {
    const f = new JsonFramer();
    expect(f.push(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toEqual([{ "\udcff": 1 }]);
    // "é" (c3 a9), a lone c3 before "x", "€" (e2 82 ac), a truncated e2 82 at the end of the string.
    const bytes = [...enc('{"s":"'), 0xc3, 0xa9, 0xc3, 0x78, 0xe2, 0x82, 0xac, 0xe2, 0x82, ...enc('"}'), ...enc('{"ok":"é"}')];
    const want = [{ s: "é\udcc3x€\udce2\udc82" }, { ok: "é" }];
    for (let cut1 = 0; cut1 <= bytes.length; cut1++) {
      for (let cut2 = cut1; cut2 <= bytes.length; cut2 += 3) {
        const g = new JsonFramer();
        const got = [bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)].flatMap((p) => g.push(Uint8Array.from(p)));
        expect(got, `cut at ${cut1}, ${cut2}`).toEqual(want);
      }
    }
    expect(invalidUtf8Detail(want[0]!.s!)).toBe("invalid UTF-8 sequence 0xc3 0x78");
    expect(invalidUtf8Detail("x\udcc3")).toBe("invalid UTF-8 sequence 0xc3 0x00");
    expect(invalidUtf8Detail("\udcff")).toBe("invalid UTF-8 sequence 0xff");
    expect(invalidUtf8Detail("a\udce2\udc82")).toBe("invalid UTF-8 sequence 0xe2 0x82 0x00");
    expect(invalidUtf8Detail("é€")).toBeUndefined();
  });

  it("enforces the maximum message size before buffering more", () => {
    const f = new JsonFramer({ maxMessageBytes: 64 });
    expect(f.push(enc(`{"a":"${"x".repeat(50)}"}`))).toHaveLength(1);
    f.push(enc(`{"a":"${"x".repeat(40)}`));
    expect(() => f.push(enc("x".repeat(40)))).toThrow(/exceeds the limit/);
  });

  it("enforces the nesting limit", () => {
    const f = new JsonFramer({ maxDepth: 10 });
    expect(() => f.push(enc("[".repeat(11)))).toThrow(/nesting deeper than 10/);
  });

  it("reports a message truncated by the end of the stream", () => {
    const f = new JsonFramer();
    f.push(enc('{"id":1,"res'));
    expect(f.end()?.message).toMatch(/connection closed inside a message \(12 bytes buffered\)/);
  });

  it("takes a chunk that is exactly one small message whole, as the scanning path would", () => {
    const f = new JsonFramer();
    // one reply per chunk (the fast path), then an integer beyond 2^53 that must stay exact
    expect(f.push(enc('{"id":1,"result":[{"count":1}],"error":null}'))).toEqual([{ id: 1, result: [{ count: 1 }], error: null }]);
    expect(f.push(enc('{"id":2,"result":[9223372036854775807],"error":null}'))).toEqual([{ id: 2, result: [9223372036854775807n], error: null }]);
    // two messages, or one that goes on in the next chunk, in a chunk that starts with '{' and ends with '}'
    expect(f.push(enc('{"a":1}{"b":"}"}'))).toEqual([{ a: 1 }, { b: "}" }]);
    expect(f.push(enc('{"a":"}'))).toEqual([]);
    expect(f.push(enc('"}'))).toEqual([{ a: "}" }]);
    // the stream offset counts the chunks taken whole
    const e = (() => {
      try {
        f.push(enc("x"));
      } catch (err) {
        return err as FramingError;
      }
    })();
    expect(e?.offset).toBe(44 + 52 + 16 + 7 + 2);
  });

  it("takes a small chunk of several messages back to back (an update and a reply) as the scanning path does, joins inside strings too", () => {
    // A seeded generator: messages whose strings hold "}{", braces and quotes; some chunks broken.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 16) % n;
    };
    const pieces = ["}{", "{", "}", '\\"', "x", "é", "][", " "];
    const str = () => Array.from({ length: rnd(5) }, () => pieces[rnd(pieces.length)]).join("");
    const message = (): string => {
      const kind = rnd(4);
      if (kind === 0) return JSON.stringify({ id: rnd(100), result: [{ count: rnd(3) }], error: null });
      if (kind === 1) return JSON.stringify({ method: "update3", params: [str(), "00000000-0000-0000-0000-000000000000", { T: { u: { insert: { name: str() } } } }], id: null });
      if (kind === 2) return `{"id":${rnd(9)},"result":[${rnd(2) === 0 ? "9223372036854775807" : "1"}],"error":null}`;
      return JSON.stringify({ k: str(), n: { m: [str(), {}] } });
    };
    const scan = (bytes: Uint8Array): { values?: unknown[]; error?: string } => {
      const f = new JsonFramer();
      try {
        const values: unknown[] = [];
        for (let i = 0; i < bytes.length; i++) values.push(...f.push(bytes.subarray(i, i + 1)));
        return { values };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    let several = 0;
    for (let round = 0; round < 3000; round++) {
      let text = Array.from({ length: 1 + rnd(4) }, message).join("");
      if (rnd(8) === 0) text = text.slice(0, rnd(text.length)) + "}"; // broken or cut short
      const bytes = enc(text);
      const f = new JsonFramer();
      let got: { values?: unknown[]; error?: string };
      try {
        got = { values: f.push(bytes) };
      } catch (e) {
        got = { error: (e as Error).message };
      }
      expect(got, text).toEqual(scan(bytes));
      if ((got.values?.length ?? 0) > 1) several++;
    }
    expect(several).toBeGreaterThan(1000);
  });

  it("enforces the nesting limit on a small chunk that is one message", () => {
    const f = new JsonFramer({ maxDepth: 3 });
    expect(f.push(enc('{"a":{}}'))).toEqual([{ a: {} }]);
    expect(() => f.push(enc('{"a":{"b":{"c":{}}}}'))).toThrow(/nesting deeper than 3/);
  });

  it("frames a large message arriving in many chunks", () => {
    const big = { id: 7, result: Array.from({ length: 20000 }, (_, i) => ({ name: `p${i}`, v: "é\\\"" })), error: null };
    const bytes = enc(JSON.stringify(big));
    const f = new JsonFramer();
    const out: unknown[] = [];
    for (let o = 0; o < bytes.length; o += 1000) out.push(...f.push(bytes.slice(o, o + 1000)));
    expect(out).toEqual([big]);
  });

  it("frames large chunks at every alignment: quotes, backslashes and UTF-8 at every byte position", () => {
    // Messages spanning many chunks of a few hundred bytes: put the bytes the scan must stop at ('"'
    // and '\\' escapes, a closing quote after a backslash run) and the ones it must not (UTF-8 lead
    // and continuation bytes, braces) anywhere, split UTF-8 sequences and 64-bit integers across
    // chunks of varied sizes, starting at every byte offset of their buffer.
    let seed = 12345;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const pieces = ["a", "bcd", '\\"', "\\\\", "é", "€", "😀", "}", "]{[", "  ", "xyzw", "\\u0041", "\\n"];
    const msgs: unknown[] = [];
    let text = "";
    for (let m = 0; m < 300; m++) {
      const strs: string[] = [];
      for (let k = 0; k < 1 + rnd(8); k++) {
        let lit = "";
        for (let p = 0; p < rnd(12); p++) lit += pieces[rnd(pieces.length)];
        strs.push(`"${lit}"`);
      }
      const t = `{"id":${m},"big":12345678901234567${m % 10},"s":[${strs.join(",")}],"o":{${strs.map((x, i) => `"k${i}":${x}`).join(",")}}}`;
      msgs.push(JSON.parse(t.replace(/"big":\d+/, '"big":0')));
      text += t + (m % 3 === 0 ? "\n" : "");
    }
    const bytes = enc(text);
    for (let shift = 0; shift < 4; shift++) {
      const f = new JsonFramer();
      const out: Record<string, unknown>[] = [];
      for (let o = 0; o < bytes.length; ) {
        const size = 256 + rnd(700);
        const room = new Uint8Array(size + 8);
        const chunk = room.subarray(shift, shift + Math.min(size, bytes.length - o));
        chunk.set(bytes.subarray(o, o + chunk.length));
        out.push(...(f.push(chunk) as Record<string, unknown>[]));
        o += chunk.length;
      }
      expect(f.end()).toBeUndefined();
      expect(out.map((x) => ({ ...x, big: 0 }))).toEqual(msgs);
      // integers beyond 2^53 keep every digit, wherever the chunk boundaries fell
      expect(out.map((x) => x["big"])).toEqual(out.map((_, m) => BigInt(`12345678901234567${m % 10}`)));
    }
  });
  it("decodes a message spanning chunks the same whether its parts are ASCII or not, split anywhere", () => {
    // Long ASCII runs (parts copied as they are) with multi-byte characters, U+FEFF (a BOM the
    // streaming decoder must keep mid-message) and, in some messages, invalid bytes (a lone lead
    // byte right before ASCII, a truncated sequence, 0xff) between them; the expected value is
    // built independently: the message's bytes decoded whole (losslessly) and JSON.parse'd.
    let seed = 777;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const special: number[][] = [[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf]];
    const invalid: number[][] = [[0xe2], [0xe2, 0x82], [0xff], [0xc3]];
    for (let round = 0; round < 40; round++) {
      const bytes: number[] = [];
      const want: unknown[] = [];
      for (let m = 0; m < 3; m++) {
        const msg: number[] = [...enc(`{"id":${m},"s":"`)];
        for (let k = 0; k < 30; k++) {
          if (rnd(3) === 0) msg.push(...(round % 2 === 1 && rnd(4) === 0 ? invalid : special)[rnd(4)]!);
          else msg.push(...enc("x".repeat(rnd(90))));
        }
        msg.push(...enc('"}'));
        want.push(JSON.parse(decodeUtf8Lossless(Uint8Array.from(msg))));
        bytes.push(...msg, ...(m === 1 ? enc("\n") : []));
      }
      for (let trial = 0; trial < 10; trial++) {
        const f = new JsonFramer();
        const got: unknown[] = [];
        for (let o = 0; o < bytes.length; ) {
          const size = 1 + rnd(trial < 5 ? 8 : 300);
          got.push(...f.push(Uint8Array.from(bytes.slice(o, o + size))));
          o += size;
        }
        expect(f.end()).toBeUndefined();
        expect(got, `round ${round}, trial ${trial}`).toEqual(want);
      }
    }
  });

  it("decodes messages of several hundred KiB (decoded in pieces as they arrive) the same, with UTF-8 and invalid bytes split anywhere", () => {
    // As above, with messages long enough that their text is decoded in pieces while they arrive:
    // piece boundaries fall at random chunk boundaries, inside multi-byte sequences and after
    // invalid bytes, and on ASCII-only stretches; expected: the whole message decoded losslessly.
    let seed = 4242;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const special: number[][] = [[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf], [0x5c, 0x22]];
    const invalid: number[][] = [[0xe2], [0xe2, 0x82], [0xff], [0xc3]];
    for (let round = 0; round < 6; round++) {
      const parts: Uint8Array[] = [];
      const want: unknown[] = [];
      for (let m = 0; m < 2; m++) {
        const msg: number[] = [...enc(`{"id":${m},"s":["`)];
        // Long ASCII stretches in some messages, dense special bytes in others.
        const dense = (round + m) % 2 === 0;
        while (msg.length < 300_000 + rnd(300_000)) {
          if (rnd(dense ? 2 : 400) === 0) msg.push(...(round >= 3 && rnd(20) === 0 ? invalid : special)[rnd(4)]!);
          else if (rnd(50) === 0) msg.push(...enc('","'));
          else msg.push(...enc("x".repeat(rnd(dense ? 4 : 200))));
        }
        msg.push(...enc('"]}'));
        want.push(JSON.parse(decodeUtf8Lossless(Uint8Array.from(msg))));
        parts.push(Uint8Array.from(msg));
      }
      const bytes = Buffer.concat(parts);
      for (let trial = 0; trial < 3; trial++) {
        const f = new JsonFramer();
        const got: unknown[] = [];
        for (let o = 0; o < bytes.length; ) {
          const size = 1 + rnd(trial === 0 ? 70_000 : trial === 1 ? 3_000 : 300_000);
          got.push(...f.push(Uint8Array.from(bytes.subarray(o, o + size))));
          o += size;
        }
        expect(f.end()).toBeUndefined();
        expect(got.length, `round ${round}, trial ${trial}`).toBe(2);
        expect(got[0], `round ${round}, trial ${trial}`).toEqual(want[0]);
        expect(got[1], `round ${round}, trial ${trial}`).toEqual(want[1]);
      }
    }
  });

  it("keeps a U+FEFF that starts a non-ASCII part after ASCII parts", () => {
    const f = new JsonFramer();
    expect(f.push(enc('{"s":"abc'))).toEqual([]);
    expect(f.push(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc("d")]))).toEqual([]);
    expect(f.push(enc('"}'))).toEqual([{ s: "abc\ufeffd" }]);
  });

  it("escapes a lead byte that ends a part when the next part is ASCII", () => {
    const f = new JsonFramer();
    expect(f.push(Uint8Array.from([...enc('{"s":"é'), 0xe2]))).toEqual([]);
    expect(f.push(enc("xyz"))).toEqual([]);
    expect(f.push(enc('"}'))).toEqual([{ s: "é\udce2xyz" }]);
    // a sequence held back over two parts (the second of one byte) before ASCII
    const g = new JsonFramer();
    expect(g.push(Uint8Array.from([...enc('{"s":"'), 0xe2]))).toEqual([]);
    expect(g.push(Uint8Array.from([0x82]))).toEqual([]);
    expect(g.push(enc('xyz"}'))).toEqual([{ s: "\udce2\udc82xyz" }]);
  });
});
