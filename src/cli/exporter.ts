/**
 * `ovn-ts exporter --listen HOST:PORT [SOURCES]`: serves Kube-OVN's metric families at
 * `http://HOST:PORT/metrics` from the sources given (each optional). Runs until interrupted.
 *
 * @module
 */
import { type OptionSpec, readOptions } from "./options.js";
import { collectDefaultMetrics } from "prom-client";
import { Exporter, type ExporterOptions } from "../monitor/exporter.js";
import { type CliCommand, type CliIo, UsageError } from "./io.js";

const USAGE = `usage: ovn-ts exporter --listen HOST:PORT [OPTION...]
Serves Prometheus metrics with Kube-OVN's names at http://HOST:PORT/metrics.
Sources (each optional; a dead one is reported as a status gauge of 0):
  --nb REMOTE           Northbound database (comma list for a cluster)
  --sb REMOTE           Southbound database
  --nb-ctl SOCKET       NB ovsdb-server control socket (Raft and storage status)
  --sb-ctl SOCKET       SB ovsdb-server control socket
  --northd-ctl SOCKET   ovn-northd control socket
  --ovs REMOTE          the node's Open_vSwitch database
  --vswitchd-ctl SOCKET ovs-vswitchd control socket
  --controller-ctl SOCKET ovn-controller control socket
  --nb-db-file PATH, --sb-db-file PATH, --nb-log-file PATH, --sb-log-file PATH, --northd-log-file PATH
Other options:
  --hostname NAME       hostname label (default: this host's name)
  --interval SECS       pause between refreshes (default 10)
  --timeout SECS        time allowed to each source per refresh (default 5)
  --once                refresh once, print the metrics and exit
`;

const VALUE_OPTIONS: Record<string, keyof ExporterOptions | "listen"> = {
  "--listen": "listen",
  "--nb": "nb",
  "--sb": "sb",
  "--nb-ctl": "nbCtl",
  "--sb-ctl": "sbCtl",
  "--northd-ctl": "northdCtl",
  "--ovs": "ovs",
  "--vswitchd-ctl": "vswitchdCtl",
  "--controller-ctl": "controllerCtl",
  "--nb-db-file": "nbDbFile",
  "--sb-db-file": "sbDbFile",
  "--nb-log-file": "nbLogFile",
  "--sb-log-file": "sbLogFile",
  "--northd-log-file": "northdLogFile",
  "--hostname": "hostname",
  "--interval": "intervalMs",
  "--timeout": "timeoutMs",
};

/** Parses `HOST:PORT` (`[v6]:PORT` for IPv6); throws {@link UsageError}. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen: expected HOST:PORT but got '${s}'`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

/** Runs the exporter; resolves with the exit status when `io.signal` aborts (or after `--once`). */
export async function runExporter(argv: readonly string[], io: CliIo): Promise<number> {
  const options: Record<string, string | number> = {};
  let listen: { host: string; port: number } | undefined;
  let once = false;
  const spec: Record<string, OptionSpec> = { help: { type: "boolean", short: "h" }, once: { type: "boolean" } };
  for (const name of Object.keys(VALUE_OPTIONS)) spec[name.slice(2)] = { type: "string" };
  const events = readOptions(argv, spec, { unknown: (a) => new UsageError(`unknown argument '${a}' (use --help)`), missingValue: (o) => new UsageError(`${o} needs a value`) }, { stopAt: ["help"] });
  for (const e of events) {
    if (e.kind !== "option") continue;
    if (e.name === "help") {
      io.out(USAGE);
      return 0;
    }
    if (e.name === "once") {
      once = true;
      continue;
    }
    const name = `--${e.name}`;
    const key = VALUE_OPTIONS[name]!;
    const value = e.value!;
    if (key === "listen") listen = parseListen(value);
    else if (key === "intervalMs" || key === "timeoutMs") {
      const secs = Number(value);
      if (!(secs > 0)) throw new UsageError(`${name}: expected a positive number of seconds but got '${value}'`);
      options[key] = secs * 1000;
    } else options[key] = value;
  }
  if (!listen && !once) throw new UsageError("--listen HOST:PORT is required (use --help)");
  const exporter = new Exporter(options as ExporterOptions);
  // process_cpu_seconds_total, process_resident_memory_bytes, ...: the dashboards' resource panels.
  collectDefaultMetrics({ register: exporter.registry });
  if (once) {
    await exporter.refresh();
    io.out(await exporter.metrics());
    await exporter.close();
    return 0;
  }
  const bound = await exporter.listen(listen!.port, listen!.host);
  exporter.start();
  io.out(`serving ${bound.url}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    const onSignal = () => resolve();
    io.signal?.addEventListener("abort", onSignal, { once: true });
    if (!io.signal) {
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    }
  });
  await exporter.close();
  return 0;
}

/** The `exporter` subcommand. */
export const exporterCommand: CliCommand = (argv, io) => runExporter(argv, io);
