// Child process of benchmarks/ovsdb.ts: times receiving a large monitor reply with the built framer
// (dist/) under plain `node --expose-gc`, the way users run it (under vite-node every call into another
// module goes through a module object, which the framer's per-chunk calls would pay and users never do).
//   node --expose-gc ovsdb-frame-child.mjs DIST PORTS
// Builds the monitor reply of PORTS logical switch ports (the shape ovn-kubernetes/kube-ovn ports
// have), splits it into 64 KiB chunks, each its own buffer as a socket delivers them, and times in 5
// rounds: one JSON.parse of the text (the floor), the framer in raw mode (finding the message
// boundary and gathering its bytes), and the framer in full (framing, UTF-8 check and decode,
// JSON.parse); then, with the chunks handed over one every 2 ms as a server delivers them, the time
// from the last chunk to the message (the work left once the bytes are in: a message spanning chunks
// is parsed in pieces as it arrives). Prints one JSON line of medians in ms:
// {"bytes","parseMs","scanMs","fullMs","afterLastMs"}.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dist, portsText] = process.argv.slice(2);
const { JsonFramer } = await import(pathToFileURL(join(resolve(dist), "ovsdb", "wire", "framer.js")).href);
const ports = Number(portsText);

const hex = (x) => x.toString(16).padStart(2, "0");
const rows = {};
for (let i = 0; i < ports; i++) {
  const mac = `0a:58:0a:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  rows[`${i.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`] = {
    initial: {
      name: `pod-${i}.ns-${i % 50}`,
      addresses: `${mac} ${ip}`,
      port_security: `${mac} ${ip}`,
      external_ids: ["map", [["ls", `subnet-${i % 1000}`], ["pod", `ns-${i % 50}/pod-${i}`], ["vendor", "kube-ovn"]]],
      options: ["map", [["requested-chassis", `node-${i % 300}`]]],
      up: true,
      enabled: true,
      tag: ["set", []],
      type: "",
    },
  };
}
const buf = Buffer.from(JSON.stringify({ id: 3, result: { Logical_Switch_Port: rows }, error: null }));
const chunks = [];
for (let o = 0; o < buf.length; o += 65536) chunks.push(Buffer.from(buf.subarray(o, o + 65536)));
const text = buf.toString();
const gc = globalThis.gc ?? (() => undefined);
const parse = [];
const scan = [];
const full = [];
for (let r = 0; r < 5; r++) {
  gc();
  let t = performance.now();
  JSON.parse(text);
  parse.push(performance.now() - t);
  gc();
  const raw = new JsonFramer({ raw: true });
  let n = 0;
  t = performance.now();
  for (const c of chunks) n += raw.push(c).length;
  scan.push(performance.now() - t);
  gc();
  const f = new JsonFramer();
  t = performance.now();
  for (const c of chunks) n += f.push(c).length;
  full.push(performance.now() - t);
  if (n !== 2) throw new Error("the framer did not produce the message");
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const afterLast = [];
for (let r = 0; r < 3; r++) {
  gc();
  const f = new JsonFramer();
  let n = 0;
  let t = 0;
  for (let k = 0; k < chunks.length; k++) {
    await sleep(2);
    t = performance.now();
    n += f.push(chunks[k]).length;
  }
  afterLast.push(performance.now() - t);
  if (n !== 1) throw new Error("the framer did not produce the message");
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
process.stdout.write(`${JSON.stringify({ bytes: buf.length, parseMs: median(parse), scanMs: median(scan), fullMs: median(full), afterLastMs: median(afterLast) })}\n`);
