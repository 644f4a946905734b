/**
 * `npm run bench`: runs every area's benchmark side by side with the real peers, prints each table
 * and writes `benchmarks/results/<area>.json` plus `benchmarks/results/summary.json`.
 * `BENCH=ovsdb,geneve npm run bench` runs only the named areas.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface Area {
  name: string;
  run: () => Promise<{ table: string; json: unknown }>;
}

const AREAS: Area[] = [
  {
    name: "ovsdb",
    run: async () => {
      const m = await import("./ovsdb.js");
      const r = await m.runOvsdbBenchmarks();
      return { table: m.formatOvsdbTable(r), json: r };
    },
  },
  {
    name: "int64",
    run: async () => {
      const m = await import("./int64.js");
      const r = m.runInt64Benchmarks();
      return { table: m.formatInt64Table(r), json: r };
    },
  },
  {
    name: "replica",
    run: async () => {
      const m = await import("./replica.js");
      const r = await m.runReplicaBenchmarks();
      return { table: m.formatReplicaTable(r), json: r };
    },
  },
  {
    name: "server",
    run: async () => {
      const m = await import("./server.js");
      const r = await m.runServerBenchmarks();
      return { table: m.formatServerTable(r), json: r };
    },
  },
  {
    name: "server-index",
    run: async () => {
      const m = await import("./server-index.js");
      const r = await m.runServerIndexBenchmark();
      const table = Object.entries(r)
        .map(([k, v]) => `select where name == X, 10,000 rows, ${k}: ${Math.round(v).toLocaleString("en")} selects/s`)
        .join("\n");
      return { table: `${table}\n`, json: r };
    },
  },
  {
    name: "ovn",
    run: async () => {
      const m = await import("./ovn.js");
      const r = await m.runOvnBenchmarks();
      return { table: m.formatOvnTable(r), json: r };
    },
  },
  {
    name: "controller",
    run: async () => {
      const m = await import("./controller.js");
      const r = await m.runControllerBenchmarks();
      return { table: m.formatControllerTable(r), json: r };
    },
  },
  {
    name: "model",
    run: async () => {
      const m = await import("./model.js");
      const r = await m.runModelBenchmarks();
      return { table: m.formatModelTable(r), json: r };
    },
  },
  {
    name: "openflow",
    run: async () => {
      const m = await import("./openflow.js");
      const r = await m.runOpenflowBenchmarks();
      return { table: m.formatOpenflowTable(r), json: r };
    },
  },
  {
    name: "geneve",
    run: async () => {
      const m = await import("./geneve.js");
      const r = await m.runGeneveBenchmarks();
      return { table: m.formatGeneveTable(r), json: r };
    },
  },
  {
    name: "monitor",
    run: async () => {
      const m = await import("./monitor.js");
      const r = await m.runMonitorBenchmarks();
      return { table: m.formatMonitorTable(r), json: r };
    },
  },
];

const only = (process.env["BENCH"] ?? "").split(",").filter((s) => s !== "");
const outDir = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(outDir, { recursive: true });
const summary: Record<string, unknown> = {};
let failed = 0;
for (const area of AREAS) {
  if (only.length > 0 && !only.includes(area.name)) continue;
  process.stdout.write(`\n== ${area.name} ==\n`);
  process.stderr.write(`running the ${area.name} benchmarks (side by side with the real peers)...\n`);
  const t0 = performance.now();
  try {
    const { table, json } = await area.run();
    process.stdout.write(table);
    process.stderr.write(`(${area.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    writeFileSync(join(outDir, `${area.name}.json`), JSON.stringify(json, null, 2) + "\n");
    summary[area.name] = { ok: true, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    failed++;
    process.stdout.write(`${area.name}: benchmark failed: ${(e as Error).message}\n`);
    summary[area.name] = { ok: false, error: (e as Error).message };
  }
}
writeFileSync(join(outDir, "summary.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, areas: summary }, null, 2) + "\n");
process.exitCode = failed > 0 ? 1 : 0;
