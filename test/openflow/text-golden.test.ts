/**
 * The text pipeline (parse a flow, encode, decode, print) checked against the outputs of the code before
 * its speed rewrite: every corpus flow and 4000 seeded random flows (`random-flows.ts`: random fields,
 * values, masks, separators, commands, actions, and broken items) give the same bytes and text, or the same
 * error (class and message), as recorded in `corpus/text-golden.json.gz` by `gen-text-golden.ts`; and a
 * corpus flow encoded into caller memory of every size too small for it fails with the same EncodeError
 * message (`corpus/short-writer-golden.json.gz`).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { Writer } from "../../src/bytes/writer.js";
import { formatMessage } from "../../src/openflow/print.js";
import { type TextLib, type TextRecord, textRecord } from "./random-flows.js";

const golden = JSON.parse(gunzipSync(readFileSync(new URL("./corpus/text-golden.json.gz", import.meta.url).pathname)).toString("utf8")) as TextRecord[];
const lib = { parseFlow, encodeMessage, decodeMessage, formatMessage } as unknown as TextLib;

describe("text pipeline against the recorded outputs of the code before the rewrite", () => {
  it("has the records (corpus flows, random flows, both outcomes)", () => {
    expect(golden.length).toBeGreaterThan(4000);
    expect(golden.filter((r) => r.error).length).toBeGreaterThan(500);
    expect(golden.filter((r) => r.hex).length).toBeGreaterThan(2000);
  });

  it("gives the same bytes, text and errors for every flow", () => {
    const diffs: { want: TextRecord; got: TextRecord }[] = [];
    for (const want of golden) {
      const got = textRecord(lib, want.flow, want.command);
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push({ want, got });
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    expect(diffs.length).toBe(0);
  });

  it("gives the same results when the flows are parsed again (no state kept between flows)", () => {
    for (const want of golden.slice(0, 600).reverse()) expect(textRecord(lib, want.flow, want.command)).toEqual(want);
  });
});

describe("encoding into caller memory too small for the message", () => {
  const short = JSON.parse(gunzipSync(readFileSync(new URL("./corpus/short-writer-golden.json.gz", import.meta.url).pathname)).toString("utf8")) as { flow: string; messages: string[] }[];

  it("fails with the recorded EncodeError message at every size, for every corpus flow", () => {
    expect(short.length).toBeGreaterThan(400);
    let checked = 0;
    for (const [i, { flow, messages }] of short.entries()) {
      const m = { type: "flow_mod" as const, ...parseFlow(flow), xid: i };
      const got = messages.map((_, size) => {
        try {
          encodeMessage(m, Writer.over("openflow", new Uint8Array(size)));
          return "ok";
        } catch (e) {
          return (e as Error).message;
        }
      });
      expect({ flow, messages: got }).toEqual({ flow, messages });
      checked += got.length;
    }
    expect(checked).toBeGreaterThan(40_000);
  });
});
