import { describe, expect, it } from "vitest";
import { JsonFramer } from "../../../src/ovsdb/wire/framer.js";
import { INT64_MAX, INT64_MIN, parseJson, parseJsonExact, stringifyJson, toInt64 } from "../../../src/ovsdb/wire/json.js";

describe("64-bit integers in JSON text", () => {
  it("reads integers beyond 2^53-1 as bigint and the rest as number", () => {
    expect(parseJson("[9223372036854775807,-9223372036854775808,9007199254740991,9007199254740992,-9007199254740992,1,1.5]")).toEqual([
      INT64_MAX,
      INT64_MIN,
      9007199254740991,
      9007199254740992n,
      -9007199254740992n,
      1,
      1.5,
    ]);
    // Sixteen digits that are safe stay numbers; reals with long digit runs stay numbers.
    expect(parseJson("[1000000000000000, 0.12345678901234567, 12345678901234567890e0]")).toEqual([1000000000000000, 0.12345678901234567, 12345678901234567890]);
    // Beyond the 64-bit range an integer literal is a real, as OVS reads it.
    expect(parseJson("[9223372036854775808,-9223372036854775809]")).toEqual([9223372036854775808, -9223372036854775809]);
    // Digits inside strings are text.
    expect(parseJson('{"a":"12345678901234567890","b\\"":"\\u0041"}')).toEqual({ a: "12345678901234567890", 'b"': "A" });
  });

  it("reads what JSON.parse reads, and refuses what it refuses", () => {
    const valid = ['{"a":[1,2,{"b":null}],"c":true,"d":false,"e":-0.5e-3}', "[]", "{}", ' [ "x" , 1 ] ', '{"__proto__":1}'];
    for (const t of valid) expect(parseJsonExact(t)).toEqual(JSON.parse(t));
    const invalid = ["[1,]", "{", '{"a" 1}', "[01]", "tru", '"\u0001"', "[1] x", "", "[-]", '{"a":1,}'];
    for (const t of invalid) {
      expect(() => JSON.parse(t), t).toThrow(SyntaxError);
      expect(() => parseJsonExact(t), t).toThrow(SyntaxError);
    }
  });

  it("writes bigint values as exact JSON integers", () => {
    expect(stringifyJson({ i: 9223372036854775807n, s: "x", n: [1, -9223372036854775808n], u: undefined })).toBe(
      '{"i":9223372036854775807,"s":"x","n":[1,-9223372036854775808]}',
    );
    expect(stringifyJson({ a: [1, "b"] })).toBe(JSON.stringify({ a: [1, "b"] }));
  });

  it("normalizes integers: number when safe, bigint beyond, nothing outside 64 bits", () => {
    expect(toInt64(5n)).toBe(5);
    expect(toInt64(2n ** 53n)).toBe(2n ** 53n);
    expect(toInt64(2n ** 63n)).toBeUndefined();
    expect(toInt64(2 ** 53)).toBeUndefined();
    expect(toInt64(1.5)).toBeUndefined();
  });

  it("the framer keeps 64-bit integers whatever the chunk boundaries", () => {
    const text = '{"id":1,"result":[{"i":9223372036854775807},{"s":"12345678901234567890"},{"j":-12345678901234567}],"error":null}';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const f = new JsonFramer();
      const msgs = [...f.push(bytes.subarray(0, cut)), ...f.push(bytes.subarray(cut))];
      expect(msgs, `cut at ${cut}`).toEqual([{ id: 1, result: [{ i: INT64_MAX }, { s: "12345678901234567890" }, { j: -12345678901234567n }], error: null }]);
    }
    // Messages without long digit runs are parsed as before (numbers).
    const f = new JsonFramer();
    expect(f.push(new TextEncoder().encode('{"a":123456789012345}{"b":1234567890123456789}'))).toEqual([{ a: 123456789012345 }, { b: 1234567890123456789n }]);
  });
});
