/**
 * Exporter benchmark: a real `ovsdb-server` serving NB and SB with 10,000 logical switch ports (100
 * switches × 100, each port bound) and 200 chassis. Measures one background refresh (wall and CPU),
 * rendering `/metrics` (CPU per scrape) and a scrape over HTTP on loopback (latency), with the size
 * of what is served. `BENCH=monitor npm run bench`; `MONITOR_PORTS` / `MONITOR_CHASSIS` change the scale.
 *
 * @module
 */
import http from "node:http";
import { Exporter } from "../src/monitor/exporter.js";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { installedSchemaFile, startOvsdbServer } from "../src/testing/index.js";

/** Benchmark result. */
export interface MonitorBenchResult {
  readonly ports: number;
  readonly chassis: number;
  readonly series: number;
  readonly bytes: number;
  readonly refresh: { readonly wallMs: number; readonly cpuMs: number };
  /** Rendering the families' text after a refresh changed them (what the first scrape after a refresh pays). */
  readonly render: { readonly medianMs: number; readonly cpuMsPerScrape: number };
  /** HTTP scrape right after a refresh (text rendered by this scrape). */
  readonly scrape: { readonly medianMs: number; readonly p95Ms: number; readonly cpuMsPerScrape: number };
  /** HTTP scrape between refreshes (text served from the cache). */
  readonly cachedScrape: { readonly medianMs: number; readonly p95Ms: number; readonly cpuMsPerScrape: number };
  readonly samples: number;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    }).on("error", reject);
  });
}

async function populate(remote: string, ports: number, chassis: number): Promise<void> {
  const client = await OvsdbClient.connect(remote);
  try {
    const perSwitch = 100;
    const switches = Math.ceil(ports / perSwitch);
    const nb: unknown[] = [];
    for (let s = 0; s < switches; s++) {
      const names: unknown[] = [];
      for (let p = 0; p < perSwitch && s * perSwitch + p < ports; p++) {
        const i = s * perSwitch + p;
        const mac = `0a:00:00:${((i >> 16) & 255).toString(16).padStart(2, "0")}:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`;
        nb.push({ op: "insert", table: "Logical_Switch_Port", "uuid-name": `p${i}`, row: { name: `pod${i}.ns`, addresses: `${mac} 10.${s}.${p >> 8}.${(p & 255) + 2}` } });
        names.push(["named-uuid", `p${i}`]);
      }
      nb.push({ op: "insert", table: "Logical_Switch", row: { name: `ls${s}`, ports: ["set", names], other_config: ["map", [["subnet", `10.${s}.0.0/16`]]], external_ids: ["map", [["vendor", "kube-ovn"]]] } });
    }
    await client.transact("OVN_Northbound", nb as never);
    const sb: unknown[] = [];
    for (let c = 0; c < chassis; c++) {
      sb.push({ op: "insert", table: "Encap", "uuid-name": `e${c}`, row: { type: "geneve", ip: `172.16.${c >> 8}.${c & 255}`, chassis_name: `node${c}`, options: ["map", [["csum", "true"]]] } });
      sb.push({ op: "insert", table: "Chassis", "uuid-name": `c${c}`, row: { name: `node${c}`, hostname: `node${c}`, encaps: ["named-uuid", `e${c}`] } });
    }
    for (let s = 0; s < switches; s++) sb.push({ op: "insert", table: "Datapath_Binding", "uuid-name": `d${s}`, row: { tunnel_key: s + 1 } });
    for (let i = 0; i < ports; i++) {
      const s = Math.floor(i / perSwitch);
      sb.push({ op: "insert", table: "Port_Binding", row: { logical_port: `pod${i}.ns`, datapath: ["named-uuid", `d${s}`], tunnel_key: (i % perSwitch) + 1, chassis: ["named-uuid", `c${i % chassis}`] } });
    }
    await client.transact("OVN_Southbound", sb as never);
  } finally {
    client.close();
  }
}

/** Runs the benchmark. */
export async function runMonitorBenchmarks(): Promise<MonitorBenchResult> {
  const ports = Number(process.env["MONITOR_PORTS"] ?? 10_000);
  const chassis = Number(process.env["MONITOR_CHASSIS"] ?? 200);
  const server = await startOvsdbServer({ schemas: [installedSchemaFile("OVN_Northbound"), installedSchemaFile("OVN_Southbound")] });
  try {
    await populate(server.unix, ports, chassis);
    return await measure(server.unix, ports, chassis);
  } finally {
    await server.stop();
  }
}

async function measure(remote: string, ports: number, chassis: number): Promise<MonitorBenchResult> {
  const exporter = new Exporter({ hostname: "bench", nb: remote, sb: remote, timeoutMs: 60_000 });
  try {
    const { url } = await exporter.listen(0);
    await exporter.refresh(); // warm-up: connection, JIT
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await exporter.refresh();
    const refresh = { wallMs: performance.now() - t0, cpuMs: cpuMs(process.cpuUsage(c0)) };
    const samples = 20;
    let text = await exporter.metrics();
    const render: number[] = [];
    const rc0 = process.cpuUsage();
    for (let i = 0; i < samples; i++) {
      exporter.invalidate();
      const t = performance.now();
      text = await exporter.metrics();
      render.push(performance.now() - t);
    }
    const renderCpu = cpuMs(process.cpuUsage(rc0)) / samples;
    const scrapes = async (fresh: boolean) => {
      const lat: number[] = [];
      const c = process.cpuUsage();
      for (let i = 0; i < samples; i++) {
        if (fresh) exporter.invalidate();
        const t = performance.now();
        await get(url);
        lat.push(performance.now() - t);
      }
      return { medianMs: median(lat), p95Ms: p95(lat), cpuMsPerScrape: cpuMs(process.cpuUsage(c)) / samples };
    };
    const scrape = await scrapes(true);
    const cachedScrape = await scrapes(false);
    const series = text.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length;
    return {
      ports,
      chassis,
      series,
      bytes: Buffer.byteLength(text),
      refresh,
      render: { medianMs: median(render), cpuMsPerScrape: renderCpu },
      scrape,
      cachedScrape,
      samples,
    };
  } finally {
    await exporter.close();
  }
}

/** Formats the result as a table. */
export function formatMonitorTable(r: MonitorBenchResult): string {
  const f = (x: number) => x.toFixed(1);
  return [
    `exporter at ${r.ports} ports and ${r.chassis} chassis: ${r.series} series, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB per scrape`,
    `  background refresh (NB+SB select, join, gauges): ${f(r.refresh.wallMs)} ms wall, ${f(r.refresh.cpuMs)} ms CPU`,
    `  render /metrics: median ${f(r.render.medianMs)} ms, ${f(r.render.cpuMsPerScrape)} ms CPU per scrape`,
    `  scrape over HTTP after a refresh (loopback, ${r.samples} scrapes): median ${f(r.scrape.medianMs)} ms, p95 ${f(r.scrape.p95Ms)} ms, ${f(r.scrape.cpuMsPerScrape)} ms CPU per scrape (exporter and client in one process)`,
    `  scrape over HTTP between refreshes (cached text): median ${f(r.cachedScrape.medianMs)} ms, p95 ${f(r.cachedScrape.p95Ms)} ms, ${f(r.cachedScrape.cpuMsPerScrape)} ms CPU per scrape`,
    "",
  ].join("\n");
}
