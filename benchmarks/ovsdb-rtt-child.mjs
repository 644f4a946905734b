// Child process of benchmarks/ovsdb.ts: times OVSDB transact round trips the way users run the client,
// the compiled JavaScript of dist/ under plain `node` (under vite-node every call to a function of another
// module goes through a module object, which adds tens of µs per round trip that users never pay).
//   node ovsdb-rtt-child.mjs DIST UNIX_PATH N_SEQ N_PIPE
// Sequential round trips of ovn-ts's OvsdbClient.transact and of the same JSON on a bare Node socket to
// the same server (one reply chunk awaited per call), in short blocks in rotating order so that machine
// load and the growing database hit both alike, beside a bare socket that also parses each reply (the
// least any client does: ovsdb-server goes back to sleep within microseconds of a reply, so every µs
// between a reply and the next request costs far more than a µs of wall time); then N_PIPE pipelined
// transacts. Prints one JSON line: {"ourLatUs","bareLatUs","parsedLatUs","pipeMs"}.
import net from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dist, path, nSeqText, nPipeText] = process.argv.slice(2);
const N_SEQ = Number(nSeqText);
const N_PIPE = Number(nPipeText);
const { OvsdbClient } = await import(pathToFileURL(join(resolve(dist), "ovsdb", "index.js")).href);

const ops = (i) => [
  { op: "insert", table: "Logical_Switch", row: { name: `ts-${i}` } },
  { op: "comment", comment: "bench" },
];

const client = await OvsdbClient.connect(`unix:${path}`);
const s = net.connect(path);
await new Promise((r, j) => {
  s.once("connect", r);
  s.once("error", j);
});
let waiting;
s.on("data", () => {
  const w = waiting;
  waiting = undefined;
  w?.();
});
const bare = (text) =>
  new Promise((r) => {
    waiting = r;
    s.write(text);
  });
// The least a real client does more: decode and JSON.parse each reply before the next call.
const sp = net.connect(path);
await new Promise((r, j) => {
  sp.once("connect", r);
  sp.once("error", j);
});
let waitingParsed;
sp.on("data", (d) => {
  JSON.parse(d.toString());
  const w = waitingParsed;
  waitingParsed = undefined;
  w?.();
});
const bareParsed = (text) =>
  new Promise((r) => {
    waitingParsed = r;
    sp.write(text);
  });

for (let i = 0; i < 1000; i++) await client.transact("OVN_Northbound", ops(-i - 1)); // warm-up (JIT)
for (let i = 0; i < 1000; i++) await bare(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(-1e6 - i)] }));
for (let i = 0; i < 1000; i++) await bareParsed(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(-3e6 - i)] }));
let ourMs = 0;
let bareMs = 0;
let parsedMs = 0;
const block = 100;
const runOurs = async (from) => {
  const t0 = performance.now();
  for (let i = from; i < from + block; i++) await client.transact("OVN_Northbound", ops(i));
  ourMs += performance.now() - t0;
};
const runBare = async (from) => {
  const t0 = performance.now();
  for (let i = from; i < from + block; i++) await bare(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(2e6 + i)] }));
  bareMs += performance.now() - t0;
};
const runParsed = async (from) => {
  const t0 = performance.now();
  for (let i = from; i < from + block; i++) await bareParsed(JSON.stringify({ id: i, method: "transact", params: ["OVN_Northbound", ...ops(4e6 + i)] }));
  parsedMs += performance.now() - t0;
};
// The three in rotating order, so that load and the growing database hit them alike.
const orders = [
  [runOurs, runBare, runParsed],
  [runParsed, runBare, runOurs],
  [runBare, runParsed, runOurs],
  [runOurs, runParsed, runBare],
];
for (let b = 0; b < N_SEQ / block; b++) for (const run of orders[b % orders.length]) await run(b * block);
s.destroy();
sp.destroy();
const t = performance.now();
await Promise.all(Array.from({ length: N_PIPE }, (_, i) => client.transact("OVN_Northbound", ops(N_SEQ + i))));
const pipeMs = performance.now() - t;
client.close();
process.stdout.write(`${JSON.stringify({ ourLatUs: (ourMs * 1000) / N_SEQ, bareLatUs: (bareMs * 1000) / N_SEQ, parsedLatUs: (parsedMs * 1000) / N_SEQ, pipeMs })}\n`);
process.exit(0);
