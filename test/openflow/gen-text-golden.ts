/**
 * Generator (run by hand, not part of the suite) of `corpus/text-golden.json.gz`: the seeded random flows of
 * `random-flows.ts` (plus every corpus flow) run through the text pipeline of a built `dist/` (parse,
 * encode, decode, print, or the error), recorded as the reference the rewritten pipeline is checked
 * against in `text-golden.test.ts`; and `corpus/short-writer-golden.json.gz`, the EncodeError message of
 * each corpus flow encoded into caller memory of every size too small for it. Run it against the build of
 * the code before a rewrite:
 *
 *   npx vite-node test/openflow/gen-text-golden.ts DIST
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { GOLDEN_COUNT, GOLDEN_SEED, type TextLib, randomFlows, textRecord } from "./random-flows.js";

const dist = resolve(process.argv[2] ?? "dist");
const load = (f: string) => import(pathToFileURL(join(dist, f)).href) as Promise<Record<string, unknown>>;
const lib = { ...(await load("openflow/messages.js")), ...(await load("openflow/flowtext.js")), ...(await load("openflow/print.js")) } as unknown as TextLib;
const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url).pathname, "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));
const flows = [...corpus.map((flow) => ({ flow, command: 0 })), ...randomFlows(GOLDEN_SEED, GOLDEN_COUNT, corpus)];
const records = flows.map(({ flow, command }) => textRecord(lib, flow, command));
const json = JSON.stringify(records, null, 0).replace(/\},\{/g, "},\n{") + "\n";
writeFileSync(new URL("./corpus/text-golden.json.gz", import.meta.url).pathname, gzipSync(json, { level: 9 }));
process.stdout.write(`${records.length} records, ${records.filter((r) => r.error).length} errors\n`);

// Encoding into caller memory too small for the message: for each corpus flow and every size below its
// length, the EncodeError's message (which names the size the first write that did not fit asked for).
const { Writer } = (await load("bytes/writer.js")) as unknown as { Writer: { over(p: string, b: Uint8Array): unknown } };
const encode = (lib as unknown as { encodeMessage(m: unknown, w?: unknown): Uint8Array }).encodeMessage;
const parse = (lib as unknown as { parseFlow(t: string): Record<string, unknown> }).parseFlow;
const short = corpus.map((flow, i) => {
  const m = { type: "flow_mod", ...parse(flow), xid: i };
  const full = encode(m).length;
  const messages: string[] = [];
  for (let size = 0; size < full; size++) {
    try {
      encode(m, Writer.over("openflow", new Uint8Array(size)));
      messages.push("ok");
    } catch (e) {
      messages.push((e as Error).message);
    }
  }
  return { flow, messages };
});
writeFileSync(new URL("./corpus/short-writer-golden.json.gz", import.meta.url).pathname, gzipSync(JSON.stringify(short), { level: 9 }));
process.stdout.write(`${short.length} flows encoded into short caller memory\n`);
