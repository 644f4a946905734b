// Child process of benchmarks/ovn.ts: creates pods the way the OVN benchmark times them, on the built
// dist/ under plain `node` (under vite-node every call to a function of another module goes through a
// module object, a cost users never pay).
//   node ovn-pods-child.mjs api   DIST UNIX_PATH N CONCURRENCY PREFIX [replica|select]
//   node ovn-pods-child.mjs floor DIST UNIX_PATH N PREFIX [monitor|bare]
// `api`: N pods through OvnNb (one transaction per pod: lspAdd with a fixed "MAC IP" in addresses and
// port_security, then pgAddPorts), CONCURRENCY pods in flight; the reader (the indexed NB replica by
// default) is started before the clock. Prints {"ms","cpuMs","roundTrips"} (this process's CPU time over the
// timed part, and transactions sent per pod).
// `floor`: the same per-pod transactions (the operations the API sends, taken from the API itself for
// pod 0 and re-serialised per pod before the clock), written on a bare socket one at a time, each reply
// awaited; with `monitor` (the default) the socket first monitors every table of the server's NB with
// `monitor_cond` as the API's replica does, so the server does the same per-commit work (one update2
// per commit to this connection) and the floor reads those bytes too, without decoding them. Prints {"ms","cpuMs"}.
import net from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [mode, dist, path, ...rest] = process.argv.slice(2);
const load = (m) => import(pathToFileURL(join(resolve(dist), m)).href);
const { OvsdbClient } = await load("ovsdb/index.js");
const { OvnNb } = await load("ovn/index.js");

const mac = (i) => `0a:5a:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, "0")).join(":")}`;
const ip = (i) => `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
const SWITCH = "subnet";
const GROUP = "pg";

async function api(n, concurrency, prefix, reader) {
  const client = await OvsdbClient.connect(`unix:${path}`);
  const nb = new OvnNb(client, { reader });
  let sent = 0;
  const transact = client.transact.bind(client);
  client.transact = (...args) => {
    sent++;
    return transact(...args);
  };
  try {
    if (reader === "replica") await nb.replica();
    let next = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const entry = `${mac(i)} ${ip(i)}`;
        const tx = nb.transaction();
        const p = await tx.lspAdd(SWITCH, `${prefix}-${i}`, { mayExist: true, addresses: [entry], portSecurity: [entry] });
        await tx.pgAddPorts(GROUP, [p]);
        await tx.commit();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { ms, cpuMs: (c.user + c.system) / 1000, roundTrips: sent / n };
  } finally {
    await nb.close();
    client.close();
  }
}

/** The operations the API sends for pod `i` (built by the API against the live database, not sent). */
async function apiOps(prefix) {
  const client = await OvsdbClient.connect(`unix:${path}`);
  const schema = await client.getSchema("OVN_Northbound");
  const nb = new OvnNb(client, { reader: "select" });
  try {
    const entry = `${mac(0)} ${ip(0)}`;
    const tx = nb.transaction();
    const p = await tx.lspAdd(SWITCH, `${prefix}-0`, { mayExist: true, addresses: [entry], portSecurity: [entry] });
    await tx.pgAddPorts(GROUP, [p]);
    return { ops: JSON.stringify(tx.operations()), tables: Object.keys(schema.tables) };
  } finally {
    await nb.close();
    client.close();
  }
}

async function floor(n, prefix, monitor) {
  // Pod 0's operations as the API builds them; pod i's differ only in name, MAC and IP.
  const { ops: template, tables } = await apiOps(prefix);
  const e0 = `${mac(0)} ${ip(0)}`;
  const texts = [];
  for (let i = 0; i < n; i++) {
    const ops = template.split(`"${prefix}-0"`).join(`"${prefix}-${i}"`).split(e0).join(`${mac(i)} ${ip(i)}`);
    texts.push(`{"id":${i},"method":"transact","params":["OVN_Northbound",${ops.slice(1, -1)}]}`);
  }
  const s = net.connect(path);
  await new Promise((r, j) => {
    s.once("connect", r);
    s.once("error", j);
  });
  s.setEncoding("utf8");
  let buf = "";
  let want; // the reply id awaited
  let done;
  s.on("data", (d) => {
    buf += d;
    if (want === undefined) return;
    const at = buf.indexOf(`"id":${want}`);
    if (at < 0) return;
    const c = buf.charCodeAt(at + 5 + String(want).length);
    if (c >= 48 && c <= 57) return;
    // The whole reply must be in: it ends the buffer (one request in flight, updates come first).
    if (!buf.endsWith("}")) return;
    if (buf.includes('"error":{') || buf.includes('"error":"')) throw new Error(`transaction ${want} failed: ${buf.slice(0, 500)}`);
    buf = "";
    want = undefined;
    const d2 = done;
    done = undefined;
    d2();
  });
  const call = (id, text) =>
    new Promise((r) => {
      want = id;
      done = r;
      s.write(text);
    });
  if (monitor) {
    const requests = Object.fromEntries(tables.map((t) => [t, [{}]]));
    await call('"mon"', JSON.stringify({ id: "mon", method: "monitor_cond", params: ["OVN_Northbound", null, requests] }));
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call(i, texts[i]);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  s.destroy();
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

let out;
if (mode === "api") {
  const [n, conc, prefix, reader] = rest;
  out = await api(Number(n), Number(conc), prefix, reader ?? "replica");
} else if (mode === "floor") {
  const [n, prefix, mon] = rest;
  out = await floor(Number(n), prefix, (mon ?? "monitor") === "monitor");
} else throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
