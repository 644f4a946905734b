// Child process of benchmarks/geneve.ts and benchmarks/geneve-ab.ts: times the Geneve codec the way users
// run it, the compiled JavaScript of a dist/ folder under plain `node` (under vite-node every call to a
// function of another module goes through a module object, which makes shared modules look slower than
// they are). Prints one JSON line.
//   node geneve-child.mjs rows DIST            ovn-ts rows of the Geneve benchmark (CPU ns per operation,
//                                               and the memcpy / alloc+copy floors of the same bytes)
//   node geneve-child.mjs ab OLD_DIST NEW_DIST  paired new/old time ratios of frame decode and encode into
//                                               caller memory, IPv4 and IPv6, in alternating rounds
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const load = (dist) => import(pathToFileURL(join(resolve(dist), "geneve", "index.js")).href);
let sink;

/** CPU time (user + system) of this process in nanoseconds. */
function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** CPU ns per call of `fn` over at least `minMs` of CPU time after a warm-up (iterations doubled until long enough). */
function measure(fn, minMs = 300) {
  for (let i = 0; i < 2000; i++) sink = fn();
  let iters = 1000;
  for (;;) {
    const t0 = cpuNs();
    for (let i = 0; i < iters; i++) sink = fn();
    const dt = cpuNs() - t0;
    if (dt >= minMs * 1e6) return dt / iters;
    iters *= 2;
  }
}

function innerFrame(len) {
  const f = new Uint8Array(len);
  f.set([0x50, 0x54, 0, 0, 0, 2, 0x50, 0x54, 0, 0, 0, 1, 0x08, 0x00]);
  for (let i = 14; i < len; i++) f[i] = i & 0xff;
  return f;
}

function specs(G) {
  const geneve = { vni: 0x123456, options: [G.ovnOption(1, 2)] };
  const inner = innerFrame(98); // a 64-byte-payload ICMP-sized inner frame
  const v4 = { ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" }, udp: { srcPort: 50000 }, geneve, inner };
  const v6 = { ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2" }, udp: { srcPort: 50000 }, geneve, inner };
  return { geneve, v4, v6 };
}

async function rows(dist) {
  const G = await load(dist);
  const { geneve: header, v4, v6 } = specs(G);
  const headerBytes = G.encodeGeneveHeader(header);
  const frame4 = G.encodeGeneveFrame(v4);
  const frame6 = G.encodeGeneveFrame(v6);
  const scratch = new Uint8Array(2048);
  // the IPv6 frame with an 8-byte Hop-by-Hop header (PadN) in front of UDP: the extension header path
  const frame6ext = new Uint8Array(frame6.length + 8);
  frame6ext.set(frame6.subarray(0, 54));
  frame6ext.set([17, 0, 1, 4, 0, 0, 0, 0], 54);
  frame6ext.set(frame6.subarray(54), 62);
  frame6ext[20] = 0; // next header: Hop-by-Hop
  const plen = ((frame6[18] << 8) | frame6[19]) + 8;
  frame6ext[18] = plen >>> 8;
  frame6ext[19] = plen & 0xff;
  // a 1514-byte IPv4 frame fragmented at MTU 576 (3 fragments), reassembled and decoded per operation
  const bigV4 = { ...v4, ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2", dontFragment: false }, inner: innerFrame(1442) };
  const fragments = G.encodeGeneveFragments(bigV4, { mtu: 576 });
  const reassembler = new G.Reassembler();
  const reassembleAndDecode = () => {
    let out;
    for (const f of fragments) for (const e of reassembler.push(f, { time: 0 }, 0)) if (e.type === "datagram") out = G.decodeGeneveFrame(e.data);
    return out;
  };
  const bigFrame = G.encodeGeneveFrame(bigV4);
  const row = (name, bytes, fn, scapy) => {
    const nsPerOp = measure(fn);
    const dst = new Uint8Array(bytes.length);
    const memcpyNsPerOp = measure(() => {
      dst.set(bytes);
      return dst;
    });
    const allocCopyNsPerOp = measure(() => bytes.slice());
    return { name, bytes: bytes.length, nsPerOp, memcpyNsPerOp, allocCopyNsPerOp, ...(scapy ? { scapy } : {}) };
  };
  const buf = new Uint8Array(8);
  const fixed = { vni: 0x123456, critical: true };
  return {
    rows: [
      row("header encode (VNI + OVN option)", headerBytes, () => G.encodeGeneveHeader(header), "4:headerEncode"),
      row("header decode (VNI + OVN option)", headerBytes, () => G.decodeGeneveHeader(headerBytes), "4:headerDecode"),
      row("header encode into caller memory", headerBytes, () => G.encodeGeneveHeaderInto(header, scratch)),
      row("frame encode IPv4 (+checksums)", frame4, () => G.encodeGeneveFrame(v4), "4:frameEncode"),
      row("frame encode IPv4 into caller memory", frame4, () => G.encodeGeneveFrameInto(v4, scratch)),
      row("frame decode IPv4 (+checksums)", frame4, () => G.decodeGeneveFrame(frame4), "4:frameDecode"),
      row("frame encode IPv6 (+checksum)", frame6, () => G.encodeGeneveFrame(v6), "6:frameEncode"),
      row("frame encode IPv6 into caller memory", frame6, () => G.encodeGeneveFrameInto(v6, scratch)),
      row("frame decode IPv6 (+checksum)", frame6, () => G.decodeGeneveFrame(frame6), "6:frameDecode"),
      row("frame decode IPv6 + Hop-by-Hop header", frame6ext, () => G.decodeGeneveFrame(frame6ext)),
      row("reassemble 3 IPv4 fragments + decode", bigFrame, reassembleAndDecode),
    ],
    // ovn-ts Writer/Reader on the fixed 8-byte header, for the buffer-layout comparison
    headerEncodeIntoNs: measure(() => G.encodeGeneveHeaderInto(fixed, buf)),
    headerDecodeNs: measure(() => G.decodeGeneveHeader(buf)),
  };
}

/** Ratio quartiles of new/old time, from `rounds` alternating pairs of `n` calls each. */
function compare(oldFn, newFn, rounds = 60, n = 30_000) {
  const time = (fn) => {
    const t = cpuNs();
    for (let i = 0; i < n; i++) sink = fn();
    return (cpuNs() - t) / n;
  };
  for (let i = 0; i < 5; i++) time(oldFn), time(newFn);
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    // alternate which side runs first
    const a = r % 2 ? time(oldFn) : 0;
    const b = time(newFn);
    const c = r % 2 ? 0 : time(oldFn);
    ratios.push(b / (a || c));
  }
  ratios.sort((x, y) => x - y);
  const q = (p) => ratios[Math.floor(p * (ratios.length - 1))];
  return { median: q(0.5), p25: q(0.25), p75: q(0.75) };
}

async function ab(oldDist, newDist) {
  const OLD = await load(oldDist);
  const NEW = await load(newDist);
  const { v4, v6 } = specs(NEW);
  const out = new Uint8Array(512);
  const results = [];
  for (const [frame, spec] of [["IPv4", v4], ["IPv6", v6]]) {
    const bytes = NEW.encodeGeneveFrame(spec);
    if (Buffer.compare(Buffer.from(OLD.encodeGeneveFrame(spec)), Buffer.from(bytes)) !== 0) throw new Error(`old and new encoders disagree on the ${frame} frame`);
    results.push({ what: "frame decode", frame, ...compare(() => OLD.decodeGeneveFrame(bytes), () => NEW.decodeGeneveFrame(bytes)) });
    results.push({ what: "frame encode into caller memory", frame, ...compare(() => OLD.encodeGeneveFrameInto(spec, out), () => NEW.encodeGeneveFrameInto(spec, out)) });
  }
  return results;
}

const [mode, a, b] = process.argv.slice(2);
const result = mode === "rows" ? await rows(a) : mode === "ab" ? await ab(a, b) : undefined;
if (result === undefined) {
  process.stderr.write("usage: node geneve-child.mjs rows DIST | ab OLD_DIST NEW_DIST\n");
  process.exit(2);
}
void sink;
process.stdout.write(`${JSON.stringify(result)}\n`);
