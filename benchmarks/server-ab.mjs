// A/B of the embedded server's one-client workloads (benchmarks/server.ts's, same counts, two
// warm-up passes) between builds of the package, beside ovsdb-server, under plain node:
//
//   node benchmarks/server-ab.mjs DIST_A DIST_B [...]
//
// Each round runs every server once, in an order that alternates from round to round; for each
// workload it prints the wall time per transaction, the 10th and 50th percentile of the round
// trips, the CPU time per transaction of the server process summed over all its threads
// (/proc/PID/task/*/schedstat) and of its main thread alone, the client's CPU (process.cpuUsage),
// and the context switches per transaction (voluntary: the server slept waiting for the next
// request; involuntary: it was preempted). The client is the first build's `OvsdbClient`.
// Environment: BENCH_ROUNDS (3), BENCH_REAL=0 (skip ovsdb-server), BENCH_ONLY (a workload name
// prefix), BENCH_HEAP=1 (V8 heap bytes allocated per transaction, server-child.mjs), BENCH_SETSID=0
// (run the embedded server in this session instead of its own, unlike ovsdb-server),
// BENCH_PIN=1 (client on CPU 0, server on CPU 1), BENCH_NODE_ARGS, BENCH_WRAP (e.g. "strace -f -o F").
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dists = process.argv.slice(2).map((d) => resolve(d));
if (dists.length === 0) throw new Error("usage: server-ab.mjs DIST [DIST...]");
const rounds = Number(process.env["BENCH_ROUNDS"] ?? "3");
const withReal = process.env["BENCH_REAL"] !== "0";
const only = process.env["BENCH_ONLY"]; // a workload name prefix
const load = (dist, file) => import(pathToFileURL(join(dist, file)).href);
const { OvsdbClient } = await load(dists[0], "ovsdb/client/client.js");
const { startOvsdbServer } = await load(dists[0], "testing/ovsdb-server.js");
const DB = "OVN_Northbound";

/** CPU time (ns) of all threads and of the main thread, and context switches (voluntary, involuntary) of the main thread and of the others. */
function cpuNs(pid) {
  let all = 0;
  let main = 0;
  const cs = { mainVol: 0, mainInvol: 0, helperVol: 0, helperInvol: 0 };
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ")[0]);
      const st = readFileSync(`/proc/${pid}/task/${t}/status`, "utf8");
      const vol = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)[1]);
      const invol = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st)[1]);
      all += ns;
      if (t === String(pid)) {
        main = ns;
        cs.mainVol = vol;
        cs.mainInvol = invol;
      } else {
        cs.helperVol += vol;
        cs.helperInvol += invol;
      }
    } catch {
      // thread gone
    }
  }
  return { all, main, cs };
}

async function measure(srv, name, n, fn, inFlight = 1) {
  const pid = srv.pid;
  if (srv.heap) await srv.heap();
  const c0 = cpuNs(pid);
  const u0 = process.cpuUsage();
  const r0 = process.resourceUsage();
  const t0 = performance.now();
  let next = 0;
  const rtt = new Float64Array(n);
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const s = performance.now();
      await fn(i);
      rtt[i] = (performance.now() - s) * 1000;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const wall = (performance.now() - t0) * 1000;
  rtt.sort();
  const u = process.cpuUsage(u0);
  const r1 = process.resourceUsage();
  const c1 = cpuNs(pid);
  const allocKb = srv.heap ? Number(/allocated (\d+)/.exec(await srv.heap())[1]) / 1024 / n : NaN;
  return { name, wallUs: wall / n, srvAllUs: (c1.all - c0.all) / 1000 / n, srvMainUs: (c1.main - c0.main) / 1000 / n, cliUs: (u.user + u.system) / n, p10Us: rtt[Math.floor(n * 0.1)], p50Us: rtt[Math.floor(n * 0.5)], allocKb,
    srvVol: (c1.cs.mainVol - c0.cs.mainVol) / n, srvInvol: (c1.cs.mainInvol - c0.cs.mainInvol) / n, helperCs: (c1.cs.helperVol + c1.cs.helperInvol - c0.cs.helperVol - c0.cs.helperInvol) / n,
    cliInvol: (r1.involuntaryContextSwitches - r0.involuntaryContextSwitches) / n };
}

async function pass(srv, tag) {
  const c = await OvsdbClient.connect(srv.remote, { reconnect: false });
  const out = [];
  const want = (name) => !only || name.startsWith(only);
  try {
    if (want("insert")) out.push(await measure(srv, "insert", 2000, (i) => c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}s${i}`, external_ids: ["map", [["k", `v${i}`]]] } }])));
    if (want("insert32")) out.push(await measure(srv, "insert32", 5000, (i) => c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}p${i}` } }]), 32));
    const ls = (await c.transact(DB, [{ op: "insert", table: "Logical_Switch", row: { name: `${tag}ports-here` } }])).results[0];
    if (want("portadd"))
      out.push(
        await measure(srv, "portadd", 1000, (i) =>
          c.transact(DB, [
            { op: "insert", table: "Logical_Switch_Port", "uuid-name": "p", row: { name: `${tag}lsp${i}`, addresses: `00:00:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} 10.0.${i >> 8}.${i & 255}` } },
            { op: "mutate", table: "Logical_Switch", where: [["_uuid", "==", ls.uuid]], mutations: [["ports", "insert", ["named-uuid", "p"]]] },
          ]),
        ),
      );
    if (want("select")) out.push(await measure(srv, "select", 3000, () => c.transact(DB, [{ op: "select", table: "Logical_Switch", where: [["_uuid", "==", ls.uuid]], columns: ["name"] }])));
  } finally {
    c.close();
  }
  return out;
}

async function startEmbedded(dist, sock) {
  const wrap = (process.env["BENCH_WRAP"] ?? "").split(" ").filter(Boolean); // e.g. "strace -f -tt -o /tmp/x"
  const args = [...(process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter(Boolean), join(here, "server-child.mjs"), sock];
  const child = spawn(wrap[0] ?? process.execPath, wrap.length > 0 ? [...wrap.slice(1), process.execPath, ...args] : args, { stdio: ["ignore", "pipe", "inherit"], detached: process.env["BENCH_SETSID"] !== "0", env: { ...process.env, BENCH_DIST: dist } });
  const exited = new Promise((r) => child.once("exit", () => r()));
  let waiter;
  await new Promise((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d) => {
      if (out.includes("ready")) {
        const m = /^(counting|allocated \d+ gcs \d+)$/m.exec(String(d));
        if (m && waiter) waiter(m[1]);
        else process.stderr.write(d); // anything else after `ready` (--trace-gc, ...)
      }
      out += String(d);
      if (out.includes("ready")) ok();
    });
    child.once("exit", (code) => fail(new Error(`server-child exited with ${code}`)));
  });
  const heap = process.env["BENCH_HEAP"]
    ? () =>
        new Promise((r) => {
          waiter = (line) => {
            waiter = undefined;
            r(line);
          };
          child.kill("SIGUSR2");
        })
    : undefined;
  return { pid: child.pid, remote: `unix:${sock}`, heap, stop: async () => { child.kill("SIGINT"); await exited; } };
}

const servers = dists.map((d, i) => ({ label: `${String.fromCharCode(65 + i)}:${d.split("/").slice(-2).join("/")}`, dist: d }));
if (withReal) servers.push({ label: "ovsdb-server", dist: undefined });
const results = new Map(servers.map((s) => [s.label, []]));
const dir = mkdtempSync(join(tmpdir(), "ovn-ts-server-ab-"));
try {
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const srv = s.dist ? await startEmbedded(s.dist, join(dir, `s${r}-${s.label.slice(0, 1)}.sock`)) : await (async () => {
        const real = await startOvsdbServer({ schemas: [DB] });
        return { pid: real.daemon.pid, remote: real.unix, stop: () => real.stop() };
      })();
      if (process.env["BENCH_PIN"] === "1") {
        // Client on CPU 0, server (all its threads) on CPU 1: the placement of an otherwise idle 2-core machine.
        execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
        execFileSync("taskset", ["-a", "-p", "-c", "1", String(srv.pid)], { stdio: "ignore" });
      }
      try {
        await pass(srv, "w");
        await pass(srv, "v");
        const res = await pass(srv, "m");
        results.get(s.label).push(res);
        process.stdout.write(`round ${r} ${s.label}: ${res.map((x) => `${x.name} ${x.wallUs.toFixed(1)}us p10 ${x.p10Us.toFixed(1)} p50 ${x.p50Us.toFixed(1)} (srv ${x.srvAllUs.toFixed(1)}/${x.srvMainUs.toFixed(1)}, cli ${x.cliUs.toFixed(1)}${Number.isNaN(x.allocKb) ? "" : `, alloc ${x.allocKb.toFixed(2)} KB`})`).join("; ")}\n`);
      } finally {
        await srv.stop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
process.stdout.write("\nmedian (range) per txn: wall µs | round trip p10, p50 µs | server CPU µs all threads | server main thread | client CPU\n");
const names = results.get(servers[0].label)[0].map((x) => x.name);
for (const name of names) {
  for (const s of servers) {
    const rs = results.get(s.label).map((p) => p.find((x) => x.name === name));
    const f2 = (k) => med(rs.map((x) => x[k])).toFixed(2);
    const f = (k) => `${med(rs.map((x) => x[k])).toFixed(1)} (${range(rs.map((x) => x[k]))})`;
    process.stdout.write(`${name.padEnd(9)} ${s.label.padEnd(40)} wall ${f("wallUs")} | p10 ${f("p10Us")} | p50 ${f("p50Us")} | srv ${f("srvAllUs")} | main ${f("srvMainUs")} | cli ${f("cliUs")} | ctx sw/txn: srv main vol ${f2("srvVol")} invol ${f2("srvInvol")}, srv helpers ${f2("helperCs")}, cli invol ${f2("cliInvol")}${s.dist && process.env["BENCH_HEAP"] ? ` | alloc KB ${f("allocKb")}` : ""}\n`);
  }
}
