// Child process of benchmarks/openflow.ts and benchmarks/openflow-ab.ts: times the OpenFlow codec the way
// users run it, the compiled JavaScript of a dist/ folder under plain `node` (under vite-node every call to
// a function of another module goes through a module object, which makes shared modules look slower than
// they are). Prints one JSON line.
//   node openflow-child.mjs rows DIST CORPUS            ovn-ts rows of the OpenFlow benchmark (ops/s), and
//                                                        the corpus encoded (hex) for the other libraries
//   node openflow-child.mjs ab OLD_DIST NEW_DIST CORPUS  paired new/old time ratios of flow_mod encode and
//                                                        decode over the corpus, in alternating rounds
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const load = (dist, file) => import(pathToFileURL(join(resolve(dist), file)).href);
let sink;

/**
 * Calls of `fn` per second in steady state, once V8 has compiled the code path. The warm-up is counted in
 * CPU time of this process, not wall time (the encoder reaches full speed only after ~200 ms of its own CPU;
 * with a wall-clock warm-up, any other process on the machine pushed part of the JIT's work into the timed
 * window, and idle runs ranged 2-4 M/s). After it, `windows` windows of at least `minMs` each are timed and
 * the median rate is returned, so one garbage collection or one preemption does not decide the row.
 */
function measure(fn, minMs = 150, warmCpuMs = 600, windows = 5) {
  const c0 = cpuNs();
  while (cpuNs() - c0 < warmCpuMs * 1e6) for (let i = 0; i < 200; i++) fn();
  const rates = [];
  for (let k = 0; k < windows; k++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      for (let i = 0; i < 20; i++) fn();
      n += 20;
      t = performance.now();
    }
    rates.push((n * 1000) / (t - t0));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

function readCorpus(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"));
}

async function rows(dist, corpusFile) {
  const { decodeMessage, encodeMessage } = await load(dist, "openflow/messages.js");
  const { parseFlow } = await load(dist, "openflow/flowtext.js");
  const { formatMessage } = await load(dist, "openflow/print.js");
  const { Writer } = await load(dist, "bytes/writer.js");
  const corpus = readCorpus(corpusFile);
  const messages = corpus.map((f, i) => ({ type: "flow_mod", ...parseFlow(f), xid: i + 1 }));
  const encoded = messages.map((m) => encodeMessage(m).slice());
  const out = [];
  let i = 0;
  const w = new Writer("openflow", 4096);
  out.push({
    name: "flow_mod encode",
    opsPerSec: measure(() => {
      w.pos = 0;
      encodeMessage(messages[i++ % messages.length], w);
    }),
  });
  out.push({ name: "flow_mod decode", opsPerSec: measure(() => void decodeMessage(encoded[i++ % encoded.length])) });
  out.push({ name: "flow text parse", opsPerSec: measure(() => void parseFlow(corpus[i++ % corpus.length])) });
  const decoded = encoded.map((b) => decodeMessage(b));
  out.push({ name: "flow text print (decoded flow_mod)", opsPerSec: measure(() => void formatMessage(decoded[i++ % decoded.length])) });
  out.push({
    name: "parse-flows (parse+encode+decode+print)",
    opsPerSec: measure(() => {
      const bytes = encodeMessage({ type: "flow_mod", ...parseFlow(corpus[i % corpus.length]), xid: ++i });
      formatMessage(decodeMessage(bytes));
    }),
  });
  return { corpusFlows: corpus.length, rows: out, encodedHex: encoded.map((b) => Buffer.from(b).toString("hex")) };
}

function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Ratio quartiles of new/old CPU time per call, from `rounds` alternating pairs of `n` calls each, and each side's median rate. */
function compare(oldFn, newFn, rounds = 30, n = 20_000) {
  const time = (fn) => {
    const t = cpuNs();
    for (let i = 0; i < n; i++) sink = fn(i);
    return (cpuNs() - t) / n;
  };
  for (let i = 0; i < 5; i++) time(oldFn), time(newFn);
  const ratios = [];
  const olds = [];
  const news = [];
  for (let r = 0; r < rounds; r++) {
    const a = r % 2 ? time(oldFn) : 0;
    const b = time(newFn);
    const c = r % 2 ? 0 : time(oldFn);
    ratios.push(b / (a || c));
    olds.push(a || c);
    news.push(b);
  }
  const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
  return { median: q(ratios, 0.5), p25: q(ratios, 0.25), p75: q(ratios, 0.75), oldPerSec: 1e9 / q(olds, 0.5), newPerSec: 1e9 / q(news, 0.5) };
}

async function ab(oldDist, newDist, corpusFile) {
  const OLD = await load(oldDist, "openflow/messages.js");
  const NEW = await load(newDist, "openflow/messages.js");
  const { parseFlow } = await load(newDist, "openflow/flowtext.js");
  // Flows whose encoding changed on purpose between the two revisions (e.g. a masked set_field written as
  // loads before OpenFlow 1.5, as Open vSwitch writes it) are left out: both sides time the same bytes.
  const all = readCorpus(corpusFile).map((f, i) => ({ type: "flow_mod", ...parseFlow(f), xid: i + 1 }));
  const messages = all.filter((m) => Buffer.compare(Buffer.from(OLD.encodeMessage(m)), Buffer.from(NEW.encodeMessage(m))) === 0);
  if (messages.length < all.length) process.stderr.write(`openflow ab: ${all.length - messages.length} of ${all.length} flows encode differently in the two revisions; timing the other ${messages.length}\n`);
  const encoded = messages.map((m) => NEW.encodeMessage(m).slice());
  const k = messages.length;
  return [
    { what: "flow_mod encode", ...compare((i) => OLD.encodeMessage(messages[i % k]), (i) => NEW.encodeMessage(messages[i % k])) },
    { what: "flow_mod decode", ...compare((i) => OLD.decodeMessage(encoded[i % k]), (i) => NEW.decodeMessage(encoded[i % k])) },
  ];
}

const [mode, a, b, c] = process.argv.slice(2);
const result = mode === "rows" ? await rows(a, b) : mode === "ab" ? await ab(a, b, c) : undefined;
if (result === undefined) {
  process.stderr.write("usage: node openflow-child.mjs rows DIST CORPUS | ab OLD_DIST NEW_DIST CORPUS\n");
  process.exit(2);
}
void sink;
process.stdout.write(`${JSON.stringify(result)}\n`);
