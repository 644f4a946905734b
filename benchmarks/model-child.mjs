// Child process of benchmarks/model.ts: a fresh Node.js process that loads a manifest and applies it
// to an OVN_Northbound database through the Kube-OVN model (run on the built dist/), then prints one
// JSON line: phase times (loadMs: the wait for the manifest, read on a worker thread when big, the replica loading meanwhile), transactions and operations sent, and the process's peak RSS.
//   node model-child.mjs REMOTE MANIFEST [CAPTURE_FILE]
// With CAPTURE_FILE, every transaction sent is written there (its operations, each insert given the
// UUID the server chose) so the benchmark's floor can replay exactly the same batches.
import { readFileSync, writeFileSync } from "node:fs";
import { loadManifestsInWorker, manifestsWorthAWorker } from "../dist/model/load-parallel.js";

const [remote, manifest, capture] = process.argv.slice(2);
// As `ovn-ts apply` does: a big manifest is read on a worker thread, started before the modules
// that talk to the database load, while this thread then loads the replica; a small one here,
// once the replica's monitor request is out (the server prepares its reply while the client parses).
const reading = manifestsWorthAWorker([manifest]) ? loadManifestsInWorker([manifest]) : undefined;
reading?.catch(() => undefined);
const { OvsdbClient } = await import("../dist/ovsdb/index.js");
const { NB_CONTROLLER_STAGES, NB_CONTROLLER_TABLES, NbController } = await import("../dist/ovn/controller/index.js");
const { KUBE_OVN_IDENTITY, applyModel, existingAddresses, loadManifests, resolveModel } = await import("../dist/model/index.js");
// The phases are timed from here (the modules loaded); processMs below counts from the process's start.
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const client = await OvsdbClient.connect(remote, { probeIntervalMs: 0 });
const schema = await client.getSchema("OVN_Northbound");
const opening = NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, stages: NB_CONTROLLER_STAGES, schema });
// as `ovn-ts apply`: the addresses the ports have are read as soon as the replica is loaded
const existing = opening.then(existingAddresses);
existing.catch(() => undefined);
if (!reading) await new Promise((resolve) => setImmediate(resolve));
const t1 = performance.now();
const { objects } = reading ? await reading : loadManifests([manifest]);
const t2 = performance.now();
let transactions = 0;
let operations = 0;
const failed = [];
const sent = [];
const orig = client.transact.bind(client);
client.transact = async (db, ops, o) => {
  transactions++;
  operations += ops.length;
  const result = await orig(db, ops, o);
  const bad = result.results.findIndex((r) => r && typeof r === "object" && "error" in r);
  if (bad >= 0) {
    // the server refused it (a guard saw another state): the controller plans again; not part of the floor
    failed.push({ op: ops[bad], result: result.results[bad] });
    return result;
  }
  // kept as sent; turned into the floor's transactions after the timing (below)
  if (capture) sent.push([ops, result.results]);
  return result;
};
const ctl = await opening;
const t3 = performance.now();
const c3 = mainThreadCpuMs();
const model = resolveModel({ objects }, { existing: await existing });
const t4 = performance.now();
const c4 = mainThreadCpuMs();
// as `ovn-ts apply` (one-shot): the replica follows the apply's own writes, without a monitor
const r = await applyModel(ctl, model, { followOwnWrites: true });
const t5 = performance.now();
const c5 = mainThreadCpuMs();
const cpu5 = process.cpuUsage(cpu0);
await ctl.close();
client.close();
if (capture) {
  // inserts keep the UUIDs the server chose; the guards (`wait`) are left out: `_version` guards name
  // versions of this run only, and the content guards a detached apply puts on rows it wrote itself
  // are the apply's own cost, not part of the work the floor stands for
  const floor = sent.map(([ops, results]) =>
    ops.map((op, i) => (op.op === "insert" && results[i]?.uuid ? { ...op, uuid: results[i].uuid[1] } : op)).filter((op) => op.op !== "wait"),
  );
  writeFileSync(capture, JSON.stringify(floor));
}
process.stdout.write(
  JSON.stringify({
    loadMs: t2 - t1,
    // connecting, and waiting for the replica after the YAML load (the rest of its load overlaps the YAML's)
    openMs: t1 - t0 + (t3 - t2),
    resolveMs: t4 - t3,
    applyMs: t5 - t4,
    totalMs: t5 - t0,
    // from the process's start (Node.js itself and the modules loaded too)
    processMs: t5,
    transactions,
    operations,
    failed,
    created: r.counts.created,
    unchanged: r.counts.unchanged,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    // the process's CPU time (user + system) over its whole life, module loading included
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    // the main thread's alone (Linux; the worker thread's YAML parse apart): the critical path on an idle machine
    mainThreadCpuMs: mainThreadCpuMs(),
    // the main thread's CPU time in validate+IPAM and in plan+send
    // the process's CPU time (every thread) over totalMs: what competes with the server for the cores
    windowCpuMs: (cpu5.user + cpu5.system) / 1000,
    resolveCpuMs: c4 - c3,
    applyCpuMs: c5 - c4,
  }) + "\n",
);
process.exit(0);

/** The main thread's CPU time (ms) from /proc (schedstat: nanoseconds on the CPU), or undefined off Linux. */
function mainThreadCpuMs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}
