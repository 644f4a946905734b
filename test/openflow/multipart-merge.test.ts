/**
 * Reassembly of multipart replies split with the "more" flag (mergeMultipartReplies): every list-carrying
 * body kind concatenates its entries in order; raw bodies concatenate their bytes; single-value kinds keep
 * the first part.
 */
import { describe, expect, it } from "vitest";
import { mergeMultipartReplies } from "../../src/openflow/multipart.js";
import type { MultipartReplyBody } from "../../src/openflow/messages.js";

/** Each list kind with its field, as message-types.ts declares them (entries are opaque to the merge). */
const LISTS: [MultipartReplyBody["kind"], string][] = [
  ["flow", "flows"],
  ["nx_flow", "flows"],
  ["table", "tables"],
  ["port_stats", "ports"],
  ["port_desc", "ports"],
  ["group_desc", "groups"],
  ["meter_config", "meters"],
  ["group", "groups"],
  ["meter", "meters"],
  ["table_features", "tables"],
];

describe("mergeMultipartReplies", () => {
  for (const [kind, field] of LISTS) {
    it(`${kind}: the ${field} of every part, in order`, () => {
      const part = (ids: number[]) => ({ kind, [field]: ids.map((id) => ({ id })) }) as unknown as MultipartReplyBody;
      const merged = mergeMultipartReplies([part([1, 2]), part([]), part([3])]) as unknown as Record<string, unknown>;
      expect(merged).toEqual({ kind, [field]: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    });
  }
  it("raw bodies: the bytes of every part, the first part's type", () => {
    const merged = mergeMultipartReplies([
      { kind: "raw", mpType: 8, data: Uint8Array.of(1, 2) },
      { kind: "raw", mpType: 8, data: Uint8Array.of(3) },
    ]);
    expect(merged).toEqual({ kind: "raw", mpType: 8, data: Uint8Array.of(1, 2, 3) });
  });
  it("a single-value body keeps the first part; one part is returned as it is", () => {
    const a: MultipartReplyBody = { kind: "aggregate", packetCount: 1n, byteCount: 2n, flowCount: 3 };
    const b: MultipartReplyBody = { kind: "aggregate", packetCount: 4n, byteCount: 5n, flowCount: 6 };
    expect(mergeMultipartReplies([a, b])).toBe(a);
    expect(mergeMultipartReplies([b])).toBe(b);
  });
  it("no parts is an error", () => {
    expect(() => mergeMultipartReplies([])).toThrow(/no multipart parts/);
  });
});
