// Helper of benchmarks/server.ts: runs the embedded server of the built package (dist/, which
// `npm run bench` builds first) under plain `node`, the way users run it, in its own process (as
// ovsdb-server runs in its own), serving OVN_Northbound on the unix socket given as the first
// argument, and prints `ready` once listening. Stopped by the parent with SIGINT.
// (Under vite-node every call into another module goes through a module object, which made the
// embedded server look slower than it is.)
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// BENCH_DIST: another build to run instead (benchmarks/server-ab.mjs compares builds).
const dist = process.env["BENCH_DIST"] ?? join(dirname(fileURLToPath(import.meta.url)), "../dist");
const load = (file) => import(pathToFileURL(join(dist, file)).href);
const { bundledSchema } = await load("ovsdb/schema/bundled.js");
const { readSchemaFile } = await load("ovsdb/schema/schema.js");
const { OvsdbServer } = await load("ovsdb/server/index.js");

const sock = process.argv.slice(2).find((a) => a.startsWith("/"));
if (!sock) throw new Error("usage: server-child.mjs /path/to/socket");
const server = new OvsdbServer();
server.addDatabase(bundledSchema("OVN_Northbound"));
if (process.env["BENCH_EXTRA_SCHEMA"]) server.addDatabase(readSchemaFile(process.env["BENCH_EXTRA_SCHEMA"]));
await server.listen(`punix:${sock}`);
// BENCH_HEAP: each SIGUSR2 starts, then stops, counting the bytes the V8 heap allocates (heap
// growth plus what each GC freed meanwhile), printed as `allocated N` (benchmarks/server-ab.mjs).
// BENCH_HEAP_PROFILE=PREFIX also samples where the allocations happen (objects collected since
// included), written to PREFIX.N.heapprofile (Chrome DevTools' format) at each stop.
if (process.env["BENCH_HEAP"]) {
  const { GCProfiler } = await import("node:v8");
  const prefix = process.env["BENCH_HEAP_PROFILE"];
  let inspector;
  if (prefix) {
    const { Session } = await import("node:inspector");
    inspector = new Session();
    inspector.connect();
  }
  let counting;
  let profiles = 0;
  process.on("SIGUSR2", () => {
    if (counting === undefined) {
      inspector?.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      const profiler = new GCProfiler();
      profiler.start();
      counting = { profiler, used: process.memoryUsage().heapUsed };
      process.stdout.write("counting\n");
      return;
    }
    const used = process.memoryUsage().heapUsed;
    const { statistics } = counting.profiler.stop();
    const freed = statistics.reduce((sum, s) => sum + s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize, 0);
    process.stdout.write(`allocated ${used - counting.used + freed} gcs ${statistics.length}\n`);
    counting = undefined;
    inspector?.post("HeapProfiler.stopSampling", (err, r) => {
      if (!err) writeFileSync(`${prefix}.${profiles++}.heapprofile`, JSON.stringify(r.profile));
    });
  });
}
process.stdout.write("ready\n");
// Started detached (its own session, as ovsdb-server): it leaves when its parent is gone too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.kill(process.pid, "SIGINT"), 1000).unref();
await new Promise((r) => process.once("SIGINT", () => r()));
await server.close();
