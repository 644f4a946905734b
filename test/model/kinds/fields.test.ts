/** valueAt (src/model/kinds/fields.ts): the value at a path through mappings and lists, list indexes written as decimal strings. */
import { describe, expect, it } from "vitest";
import { type JsonValue, valueAt } from "../../../src/model/kinds/fields.js";

const DOC: JsonValue = { a: { b: [10, { c: "x" }, [null, true]] }, "0": "zero", list: ["p", "q"] };

describe("valueAt", () => {
  it("walks mappings and lists", () => {
    expect(valueAt(DOC, [])).toBe(DOC);
    expect(valueAt(DOC, ["a", "b", "0"])).toBe(10);
    expect(valueAt(DOC, ["a", "b", "1", "c"])).toBe("x");
    expect(valueAt(DOC, ["a", "b", "2", "1"])).toBe(true);
    expect(valueAt(DOC, ["a", "b", "2", "0"])).toBe(null);
    expect(valueAt(DOC, ["0"])).toBe("zero");
  });

  it("gives undefined for a list index that is not plain decimal (empty, leading zero, sign, space, other characters) or past the end", () => {
    for (const k of ["", "00", "01", "-1", "+1", " 1", "1 ", "1.0", "1e0", "x", "0x1", "2", "10", "99999999999999999999"]) expect(valueAt(DOC, ["list", k]), JSON.stringify(k)).toBeUndefined();
    expect(valueAt(DOC, ["list", "1"])).toBe("q");
  });

  it("gives undefined below a scalar, a missing key or an inherited property", () => {
    expect(valueAt(DOC, ["a", "b", "0", "x"])).toBeUndefined();
    expect(valueAt(DOC, ["nope", "x"])).toBeUndefined();
    expect(valueAt(DOC, ["toString"])).toBeUndefined();
    expect(valueAt(undefined, ["a"])).toBeUndefined();
  });
});
