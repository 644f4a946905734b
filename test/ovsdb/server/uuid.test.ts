/**
 * The server's UUIDs (rows, `_version`, transaction ids) are random version 4 UUIDs in the
 * lowercase text RFC 4122 gives, each one its own string, none repeated.
 */
import { describe, expect, it } from "vitest";
import { newUuid } from "../../../src/ovsdb/server/uuid.js";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newUuid", () => {
  it("gives version 4, variant 1 UUIDs in lowercase text, across many refills of its byte pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const u = newUuid();
      expect(u).toMatch(V4);
      seen.add(u);
    }
    expect(seen.size).toBe(5000);
  });

  it("returns strings that later calls do not change (the text buffer is reused, the strings are not)", () => {
    const a = newUuid();
    const copy = `${a}`;
    for (let i = 0; i < 300; i++) newUuid();
    expect(a).toBe(copy);
  });

  it("uses every hex digit in the random positions (not a fixed or narrow pattern)", () => {
    const digits = new Set<string>();
    for (let i = 0; i < 200; i++) for (const ch of newUuid().replace(/-/g, "")) digits.add(ch);
    expect([...digits].sort().join("")).toBe("0123456789abcdef");
  });
});
