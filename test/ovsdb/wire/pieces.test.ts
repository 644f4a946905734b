import { describe, expect, it } from "vitest";
import { FramingError, JsonFramer } from "../../../src/ovsdb/wire/framer.js";
import { parseJsonExact } from "../../../src/ovsdb/wire/json.js";

// A message that spans chunks is parsed in pieces (its rows) as it arrives (src/ovsdb/wire/pieces.ts).
// Expected values come from one JSON.parse of the whole text (the exact reader for 64-bit integers);
// member order is compared too (toEqual ignores it).

const enc = (s: string) => new TextEncoder().encode(s);

/** The value with every object's keys listed in order, and bigints marked, for an order-sensitive comparison. */
function shape(v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === "object") return Object.getOwnPropertyNames(v).map((k) => [k, shape((v as Record<string, unknown>)[k])]);
  return v;
}

/** Feeds `bytes` in `cuts`-delimited chunks (each a fresh buffer) and returns what the framer gave. */
function feed(bytes: Uint8Array, cuts: number[]): unknown[] {
  const f = new JsonFramer();
  const out: unknown[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...f.push(bytes.slice(at, c)));
    at = c;
  }
  expect(f.end()).toBeUndefined();
  return out;
}

function chunked(bytes: Uint8Array, size: number): number[] {
  const cuts: number[] = [];
  for (let c = size; c < bytes.length; c += size) cuts.push(c);
  return cuts;
}

const row = (i: number) => ({
  name: `pod-${i}.ns "q" \\ {x} [y]`,
  addresses: ["set", [`0a:58:0a:00:00:${i} 10.0.0.${i}`]],
  external_ids: ["map", [["k}", "v]"], ["pod", `ns/${i}`]]],
  tag: ["set", []],
  up: i % 2 === 0,
  n: i,
  r: 1.5,
  empty: {},
});

const uuid = (i: number) => `${i.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`;

/** OVSDB message shapes whose rows are the pieces, and others that are not OVSDB-shaped. */
const MESSAGES: { name: string; text: string }[] = [
  {
    name: "monitor reply",
    text: JSON.stringify({ id: 3, result: { A: Object.fromEntries([0, 1, 2, 3].map((i) => [uuid(i), { initial: row(i) }])), B: {} }, error: null }),
  },
  {
    name: "transact reply with select rows",
    text: JSON.stringify({ id: 0, result: [{ rows: [0, 1, 2].map(row) }, { rows: [] }, { count: 1 }, { uuid: ["uuid", uuid(9)] }], error: null }),
  },
  {
    name: "update2 notification",
    text: JSON.stringify({ method: "update2", params: [null, { A: { [uuid(1)]: { modify: row(1) }, [uuid(2)]: { delete: null } } }], id: null }),
  },
  {
    name: "monitor_cond_since reply",
    text: JSON.stringify({ id: 7, result: [true, uuid(5), { A: { [uuid(1)]: { insert: row(1) }, [uuid(2)]: { insert: row(2) } } }], error: null }),
  },
  {
    name: "integer-like keys, __proto__ keys, scalars beside the pieces",
    text:
      '{"id":1,"result":{"T":{"2":{"b":1,"a":2},"1":{"__proto__":{"x":1},"9":0,"0":1},"__proto__":{"y":[]},"s":"str","t":true,"n":null}},' +
      '"__proto__":{"z":1},"error":null}',
  },
  { name: "a number beside the pieces", text: '{"id":1,"result":{"T":{"a":{"x":1},"b":-5,"c":{"y":2.5e3}}},"error":null}' },
  { name: "integers beyond 2^53 inside a piece", text: '{"id":1,"result":[{"rows":[{"i":1},{"i":9223372036854775807},{"i":-9223372036854775808}]}],"error":null}' },
  { name: "a top-level array", text: '[1,[2,[3,[4,{"a":[5,6]},[7]]]],{"b":{"c":{"d":{"e":1}}}}]' },
  { name: "one-element arrays and numbers beside the pieces", text: '{"id":1,"result":{"T":{"a":[7],"b":7,"c":[[1]],"d":[1,2],"e":0}},"error":null}' },
  { name: "integers beyond 2^53 beside the pieces and in a string", text: '{"id":1,"result":{"T":{"a":{"s":"12345678901234567890"},"b":-9007199254740993}},"error":null}' },
  { name: "U+FEFF inside strings of pieces and skeleton", text: JSON.stringify({ id: 2, result: [{ rows: [{ s: "\ufeffa" }, { s: "b\ufeff" }], x: "\ufeff" }], error: null }) },
  {
    name: "whitespace everywhere, escaped keys and strings, scalars of every kind beside the pieces",
    text: ' { "id" : 1 , "result" : { "T\\u00e9\\"" : { "a\\nb" : { "x" : [ 1 , 2 ] } , "s" : "q\\"{[" , "n" : null , "t" : true , "f" : false , "r" : -1.5e-3 , "e" : [ ] , "o" : { } } } , "error" : null } ',
  },
  { name: "UTF-8 in the skeleton's keys and strings", text: JSON.stringify({ id: "é", result: { "日本": { [uuid(1)]: { insert: { s: "😀" } } }, "€": "x" }, error: null }) },
  { name: "UTF-8 inside pieces", text: JSON.stringify({ id: 2, result: [{ rows: [{ s: "é€😀" }, { s: "日本語" }, { s: "x" }] }], error: null }) },
];

describe("JsonFramer: messages spanning chunks, parsed in pieces", () => {
  for (const m of MESSAGES) {
    const bytes = enc(m.text);
    const want = shape(parseJsonExact(m.text));

    it(`gives one JSON.parse's value for a ${m.name}, split at every byte`, () => {
      for (let cut = 1; cut < bytes.length; cut++) {
        const got = feed(bytes, [cut]);
        expect(got.length, `cut at ${cut}`).toBe(1);
        expect(shape(got[0]), `cut at ${cut}`).toEqual(want);
        expect(Object.getPrototypeOf(got[0])).toBe(Array.isArray(got[0]) ? Array.prototype : Object.prototype);
      }
    });

    it(`gives one JSON.parse's value for a ${m.name}, in chunks of every size`, () => {
      for (let size = 1; size <= 40; size++) {
        const got = feed(bytes, chunked(bytes, size));
        expect(shape(got[0]), `chunks of ${size}`).toEqual(want);
      }
    });
  }

  it("frames a large message followed by others in the same chunks", () => {
    const big = MESSAGES[1]!.text;
    const text = `${big} {"id":5,"result":[],"error":null}${big}\n{"a":1}`;
    const bytes = enc(text);
    const want = [big, '{"id":5,"result":[],"error":null}', big, '{"a":1}'].map((t) => shape(JSON.parse(t)));
    for (const size of [7, 50, 101, 333]) expect(feed(bytes, chunked(bytes, size)).map(shape), `chunks of ${size}`).toEqual(want);
  });

  it("guesses no piece end once the message is to be parsed whole (a number beside the rows), so the next message's rows are not taken for its end", () => {
    // After the number, nothing checks a guess any more: the last row's guess would find the next
    // message's `}},` and the framer would lose both messages' boundaries (a hang on a live peer).
    const rows = Array.from({ length: 40 }, (_, i) => `"u${i}":{"new":{"a":${i},"s":"${"x".repeat(i % 7)}"}}`);
    const a = `{"id":1,"result":{"T":{${rows.slice(0, 3).join(",")},"n":7,${rows.slice(3).join(",")}}},"error":null}`;
    const b = `{"id":2,"result":{"T":{"v":{"new":{"b":1}},"w":{"new":{"b":2}}}},"error":null}`;
    const bytes = enc(a + b + a);
    const want = [a, b, a].map((t) => shape(JSON.parse(t)));
    for (const size of [64, 100, 200, 301, 700, 1000]) expect(feed(bytes, chunked(bytes, size)).map(shape), `chunks of ${size}`).toEqual(want);
  });

  it("keeps __proto__ members as own properties, as JSON.parse does", () => {
    const text = MESSAGES[4]!.text;
    const got = feed(enc(text), [20, 40, 60])[0] as { result: { T: Record<string, unknown> } };
    const t = got.result.T;
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(t, "__proto__")?.value).toEqual({ y: [] });
    expect(Object.getOwnPropertyDescriptor(t["1"], "__proto__")?.value).toEqual({ x: 1 });
  });

  it("parses a 100,000-row monitor reply in 64 KiB chunks as one JSON.parse does", () => {
    const rows: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) rows[uuid(i)] = { initial: { name: `p${i}`, up: true, options: ["map", [["a", `${i}`]]] } };
    const text = JSON.stringify({ id: 3, result: { Logical_Switch_Port: rows }, error: null });
    const bytes = enc(text);
    const got = feed(bytes, chunked(bytes, 65536));
    expect(JSON.stringify(got[0])).toBe(text);
  });

  it("keeps a guessed piece end only when the piece parses: the signature inside strings, rows of other shapes, long digit runs, deep rows", () => {
    // The pieces after the first part are found by guessing that each ends as the last one did
    // (here '}},'); each case below makes some guess wrong or unsafe.
    const rows: [string, unknown][] = [];
    for (let i = 0; i < 40; i++) rows.push([uuid(i), { initial: { name: `p${i}`, n: i } }]);
    rows.push([uuid(40), { initial: { name: 'a "}}," and }},{ inside', x: ["set", []] } }]); // the signature in a string
    rows.push([uuid(41), { old: { a: 1 }, new: { a: 2 } }]); // '},' inside, '}},' at the end
    rows.push([uuid(42), { initial: { big: 2 ** 60 } }]);
    rows.push([uuid(43), { delete: null }]); // ends in 'l}'
    for (let i = 44; i < 80; i++) rows.push([uuid(i), { initial: { name: `p${i}` } }]);
    const text = JSON.stringify({ id: 1, result: { T: Object.fromEntries(rows) }, error: null }).replace('"big":1152921504606846976', '"big":1152921504606846977');
    const want = shape(parseJsonExact(text));
    const bytes = enc(text);
    for (const size of [5, 13, 64, 100, 257, 600, 1024]) expect(shape(feed(bytes, chunked(bytes, size))[0]), `chunks of ${size}`).toEqual(want);
    // A row nesting past the limit after the signature was learnt: the same error as the whole message gives.
    const deep = '{"id":1,"result":{"T":{"a":{"x":{"n":1}},"b":{"x":{"n":2}},"c":{"x":{"y":[[[[1]]]]}},"d":{"x":{"n":3}},"e":{"x":{"n":4}},"f":{"x":{"n":5}},"g":{"x":{"n":6}}}},"error":null}';
    const whole = (() => {
      try {
        new JsonFramer({ maxDepth: 8 }).push(enc(deep));
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    })();
    expect(whole).toMatch(/nesting deeper than 8/);
    // Cut before "c" (so that the signature is learnt first) and after "e" (so that the part with "c" guesses right).
    const after = deep.indexOf('"f"');
    for (let cut = 1; cut < deep.indexOf('"c"'); cut++) {
      const f = new JsonFramer({ maxDepth: 8 });
      expect(() => {
        f.push(enc(deep.slice(0, cut)));
        f.push(enc(deep.slice(cut, after)));
        f.push(enc(deep.slice(after)));
      }, `cut at ${cut}`).toThrow(whole);
    }
  });

  /** The error the framer gives for `bytes` fed in the chunks `cuts` delimit. */
  function errorOf(bytes: Uint8Array, cuts: number[]): FramingError {
    try {
      feed(bytes, cuts);
    } catch (e) {
      expect(e).toBeInstanceOf(FramingError);
      return e as FramingError;
    }
    throw new Error("no error");
  }

  it("gives the whole-message parse's error for malformed JSON in a piece or in the skeleton, split anywhere", () => {
    const bad = [
      '{"id":1,"result":[{"rows":[{"a":1},{"a":tru},{"a":3}]}],"error":null}', // in a piece
      '{"id":1,"result":[{"rows":[{"a":1},{"a":2]}]}],"error":null}', // a piece closed by the wrong bracket
      '{"id":1,"result":[{"rows":[{"a":1} {"a":2}]}],"error":null}', // two pieces without a comma
      '{"id":1,"result":[{"rows":[{"a":1},{"a":2}], "x":}],"error":null}', // in the skeleton
      '{"id":1 "result":[{"rows":[{"a":1},{"a":2}]}],"error":null}', // in the skeleton, before any piece
      '{"id":1,"result":[{"rows":[{"a":1},{"a":2}]}],"error":nul}', // in the skeleton, after every piece
      '{"id":1,,"result":[{"rows":[{"a":1},{"a":2}]}],"error":null}', // two commas in the skeleton
      '{"id":1,"result":[{"rows":[{"a":1},{"a":2},]}],"error":null}', // a trailing comma beside the pieces
      '{"id":1,"result":{"T":{"u" {"a":1},"v":{"a":2}}},"error":null}', // a missing colon beside the pieces
      '{"id":1,"result":{"T":{"u":{"a":1},"v\x01":{"a":2}}},"error":null}', // a raw control character in a key
      '{"id":1,"result":{"T":{"u":{"a":1},"v":{"a":2}]},"error":null}', // the skeleton closed by the wrong bracket
      '{"id":1,"result":{"T":{"u":{"a":1},"v":-}},"error":null}', // a bad number beside the pieces
    ];
    for (const text of bad) {
      const bytes = enc(`{"id":0}${text}`);
      const whole = errorOf(bytes, []);
      expect(whole.message).toMatch(/^JSON-RPC stream: message is not valid JSON \(/);
      for (let cut = 9; cut < bytes.length; cut++) {
        const e = errorOf(bytes, [cut]);
        expect(e.message, `${text} cut at ${cut}`).toBe(whole.message);
        expect(e.offset).toBe(8);
      }
    }
  });

  it("still enforces the nesting limit and reports a truncated message", () => {
    const f = new JsonFramer({ maxDepth: 6 });
    f.push(enc('{"id":1,"result":[{"rows":[{"a":['));
    expect(() => f.push(enc('[{"b":1}]]}]}]}'))).toThrow(/nesting deeper than 6/);
    const g = new JsonFramer();
    g.push(enc('{"id":1,"result":[{"rows":[{"a":1},'));
    g.push(enc('{"a":2},{"a"'));
    expect(g.end()?.message).toMatch(/connection closed inside a message \(47 bytes buffered\)/);
  });

  it("takes invalid UTF-8 in a later part as the whole-message path does", () => {
    const head = enc('{"id":1,"result":[{"rows":[{"a":"x"},{"a":"');
    const bytes = Uint8Array.from([...head, 0xff, 0xc3, ...enc('"},{"a":"\u00e9"}]}],"error":null}')]);
    const want = { id: 1, result: [{ rows: [{ a: "x" }, { a: "\udcff\udcc3" }, { a: "é" }] }], error: null };
    for (let cut = 1; cut < bytes.length; cut++) expect(feed(bytes, [cut])[0], `cut at ${cut}`).toEqual(want);
  });
});
