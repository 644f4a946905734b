/**
 * The exporter: refreshes every configured source in the background (each optional, each bounded
 * by a timeout; a dead one sets its status gauges to 0 and never stops the others) and serves the
 * registry in Prometheus text format at `/metrics`. Scrapes read the state of the last refresh, so
 * a slow daemon never stalls a scrape.
 *
 * @module
 */
import { statSync } from "node:fs";
import http from "node:http";
import { hostname as osHostname } from "node:os";
import { Registry } from "prom-client";
import { OvsdbClient } from "../ovsdb/client/client.js";
import type { JsonRow } from "../ovsdb/wire/notation.js";
import { unixctlCall } from "../unixctl/client.js";
import { parseClusterStatus } from "../unixctl/cluster-status.js";
import { UnixctlUnknownCommandError } from "../unixctl/errors.js";
import { parseDpctlShow, parseDpifShow } from "../unixctl/datapath.js";
import { type NorthdStatus, parseNorthdStatus, parseStorageStatus } from "../unixctl/status.js";
import { CENTRAL_FAMILIES, applyCentral, applyDbServer, applyNorthd, applyOvs, applyUpDown, applyVswitchd, resetFamilies } from "./apply.js";
import { type FamilyGauges, registerFamilies } from "./families.js";
import { applySubnetUsage, ipamFromNb, subnetUsage } from "./ipam-metrics.js";
import { selectTables } from "./rows.js";
import { type DbServerSnapshot, NB_TABLES, OVS_TABLES, type OvsSnapshot, SB_TABLES, type VswitchdSnapshot, centralSnapshot, ovsSnapshot } from "./snapshot.js";

/** Where the exporter reads from; every source is optional. */
export interface ExporterSources {
  /** Northbound database remote(s) (`unix:...`, `tcp:...`, comma-separated for a cluster). */
  nb?: string;
  /** Southbound database remote(s). */
  sb?: string;
  /** Control socket of the local NB `ovsdb-server` (Raft and storage status). */
  nbCtl?: string;
  /** Control socket of the local SB `ovsdb-server`. */
  sbCtl?: string;
  /** Control socket of `ovn-northd`. */
  northdCtl?: string;
  /** The node's Open_vSwitch database remote. */
  ovs?: string;
  /** Control socket of `ovs-vswitchd`. */
  vswitchdCtl?: string;
  /** Control socket of `ovn-controller`. */
  controllerCtl?: string;
  /** NB database file (size; also the `db_name` label of `cluster_enabled`, as kube-ovn-monitor). */
  nbDbFile?: string;
  /** SB database file (size). */
  sbDbFile?: string;
  /** NB `ovsdb-server` log file (size). */
  nbLogFile?: string;
  /** SB `ovsdb-server` log file (size). */
  sbLogFile?: string;
  /** `ovn-northd` log file (size). */
  northdLogFile?: string;
}

/** Options of {@link Exporter}. */
export interface ExporterOptions extends ExporterSources {
  /**
   * The `hostname` label (and the pinger families' `nodeName`).
   * @default os.hostname()
   */
  hostname?: string;
  /**
   * Pause between the end of one refresh and the start of the next, in milliseconds.
   * @default 10000
   */
  intervalMs?: number;
  /**
   * Time allowed to each source per refresh, in milliseconds; past it the source counts as down.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Registry of other metrics served after the families at `/metrics` (e.g. {@link ClientMetrics}'
   * or prom-client's default process metrics); it is rendered at every scrape.
   * @default a new, empty one
   */
  registry?: Registry;
  /** Value of `ovs_info`'s `rundir` label. @default `OVS_RUNDIR` or `/var/run/openvswitch` */
  rundir?: string;
}

/** The outcome of one source's last refresh. */
export interface SourceState {
  /** Source name (`nb`, `sb`, `nb-ctl`, `sb-ctl`, `northd-ctl`, `ovs`, `vswitchd-ctl`, `controller-ctl`, `files`). */
  readonly source: string;
  /** What it reads (remote, socket or files). */
  readonly target: string;
  /** Whether the last refresh succeeded. */
  readonly up: boolean;
  /** The last error, when down. */
  readonly error: Error | undefined;
  /** Unix time in ms of the last success (0 = never). */
  readonly lastSuccessMs: number;
}

/** Raised (as the source's error) when a source did not finish within the timeout. */
export class SourceTimeoutError extends Error {
  override readonly name = "SourceTimeoutError";
  /** Source name. */
  readonly source: string;
  /** The timeout in ms. */
  readonly timeoutMs: number;
  constructor(source: string, timeoutMs: number) {
    super(`source ${source} did not answer within ${timeoutMs} ms`);
    this.source = source;
    this.timeoutMs = timeoutMs;
  }
}

interface Source {
  name: string;
  target: string;
  /** Fetches; resolves with the synchronous step that applies the result. */
  fetch(): Promise<() => void>;
  /** Applies "down". */
  down(): void;
}

/** A running exporter: background refresh plus an optional HTTP listener. */
export class Exporter {
  /** Other metrics served after the families (rendered at every scrape). */
  readonly registry: Registry;
  /**
   * The registry of the Kube-OVN and source-health families. Its text is rendered once after each
   * refresh changed it and then served from that cache, so scrapes between refreshes cost nothing.
   */
  readonly familyRegistry: Registry;
  /** The gauges of every family. */
  readonly gauges: FamilyGauges;
  private familyText: string | undefined;
  private generation = 0;
  private readonly options: ExporterOptions;
  private readonly hostname: string;
  private readonly sources: Source[];
  private readonly states = new Map<string, SourceState>();
  private readonly clients = new Map<string, OvsdbClient>();
  private readonly connecting = new Map<string, Promise<OvsdbClient>>();
  private nbRows: JsonRow[][] | undefined;
  private sbRows: JsonRow[][] | undefined;
  private ovsIfaceIds: ReadonlySet<string> | undefined;
  private ovsSystemId = "";
  private failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private server: http.Server | undefined;

  /** Creates the exporter without starting it (see {@link Exporter.start}, {@link Exporter.refresh}). */
  constructor(options: ExporterOptions = {}) {
    this.options = options;
    this.hostname = options.hostname ?? osHostname();
    this.registry = options.registry ?? new Registry();
    this.familyRegistry = new Registry();
    this.gauges = registerFamilies(this.familyRegistry);
    this.sources = this.buildSources();
    this.gauges.failedReqCount.set({ hostname: this.hostname }, 0);
  }

  /** Starts refreshing in the background (the first refresh at once). */
  start(): this {
    if (!this.timer && !this.running && !this.closed) this.loop();
    return this;
  }

  private loop(): void {
    this.timer = undefined;
    this.running = this.refresh().finally(() => {
      this.running = undefined;
      if (!this.closed) this.timer = setTimeout(() => this.loop(), this.options.intervalMs ?? 10_000);
    });
  }

  /** One refresh of every source, concurrently; resolves when all have finished or timed out. */
  async refresh(): Promise<void> {
    await Promise.all(this.sources.map((s) => this.refreshSource(s)));
  }

  /** Each source's last outcome. */
  sourceStates(): SourceState[] {
    return [...this.states.values()];
  }

  private async refreshSource(s: Source): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const labels = { source: s.name, target: s.target };
    try {
      const apply = await Promise.race([
        s.fetch(),
        new Promise<never>((_r, reject) => {
          timer = setTimeout(() => reject(new SourceTimeoutError(s.name, timeoutMs)), timeoutMs);
        }),
      ]);
      if (this.closed) return;
      apply();
      this.states.set(s.name, { source: s.name, target: s.target, up: true, error: undefined, lastSuccessMs: Date.now() });
      this.gauges.sourceUp.set(labels, 1);
      this.gauges.sourceLastSuccess.set(labels, Date.now() / 1000);
    } catch (e) {
      if (this.closed) return;
      const error = e instanceof Error ? e : new Error(String(e));
      this.states.set(s.name, { source: s.name, target: s.target, up: false, error, lastSuccessMs: this.states.get(s.name)?.lastSuccessMs ?? 0 });
      this.gauges.sourceUp.set(labels, 0);
      this.failed++;
      this.gauges.failedReqCount.set({ hostname: this.hostname }, this.failed);
      s.down();
    } finally {
      if (timer) clearTimeout(timer);
      this.gauges.sourceDuration.set(labels, (Date.now() - started) / 1000);
      this.invalidate();
    }
  }

  /**
   * A connected client for `remote`, reconnecting when the previous one closed. Sources that read
   * the same remote at once (NB and SB served by one server) share one connection attempt, so no
   * client is opened twice and left behind.
   */
  private client(remote: string): Promise<OvsdbClient> {
    const c = this.clients.get(remote);
    if (c && c.state !== "closed") return Promise.resolve(c);
    let pending = this.connecting.get(remote);
    if (!pending) {
      pending = this.connect(remote).finally(() => this.connecting.delete(remote));
      this.connecting.set(remote, pending);
    }
    return pending;
  }

  private async connect(remote: string): Promise<OvsdbClient> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const fresh = await OvsdbClient.connect(remote, { reconnect: false, connectTimeoutMs: timeoutMs, probeIntervalMs: 0 });
    fresh.on("error", () => undefined);
    if (this.closed) {
      fresh.close();
      throw new Error("exporter closed");
    }
    this.clients.set(remote, fresh);
    return fresh;
  }

  private async select(remote: string, db: string, tables: readonly { table: string; columns: readonly string[] }[]): Promise<JsonRow[][]> {
    const c = await this.client(remote);
    try {
      return await selectTables(c, db, tables, this.options.timeoutMs ?? 5000);
    } catch (e) {
      c.close();
      this.clients.delete(remote);
      throw e;
    }
  }

  private applyCentralNow(): void {
    if (!this.nbRows && !this.sbRows) {
      resetFamilies(this.gauges, CENTRAL_FAMILIES);
      return;
    }
    applyCentral(this.gauges, this.hostname, centralSnapshot(this.nbRows, this.sbRows));
  }

  private applyInconsistency(): void {
    const g = this.gauges.inconsistentPortBinding;
    g.reset();
    if (!this.ovsIfaceIds || !this.sbRows) return;
    const snap = centralSnapshot(undefined, this.sbRows);
    const bound = snap.bindingsByChassis.get(this.ovsSystemId) ?? new Set<string>();
    let missing = 0;
    for (const id of this.ovsIfaceIds) if (!bound.has(id)) missing++;
    g.set({ nodeName: this.hostname }, missing);
  }

  private ctl(path: string, command: string, args: readonly string[] = []): Promise<string> {
    return unixctlCall(path, command, args, { timeoutMs: this.options.timeoutMs ?? 5000 });
  }

  private async dbServer(path: string, db: string): Promise<DbServerSnapshot> {
    let cluster;
    let serversText = "";
    try {
      const text = await this.ctl(path, "cluster/status", [db]);
      cluster = parseClusterStatus(text);
      serversText = text.includes("Servers:") ? text.slice(text.indexOf("Servers:") + "Servers:".length) : "";
    } catch (e) {
      if (!(e instanceof UnixctlUnknownCommandError)) throw e; // standalone server: not clustered
    }
    const storage = parseStorageStatus(await this.ctl(path, "ovsdb-server/get-db-storage-status", [db]));
    return { cluster, storageOk: storage.ok, serversText };
  }

  private buildSources(): Source[] {
    const o = this.options;
    const g = this.gauges;
    const host = this.hostname;
    const out: Source[] = [];
    if (o.nb) {
      const remote = o.nb;
      out.push({
        name: "nb",
        target: remote,
        fetch: async () => {
          const rows = await this.select(remote, "OVN_Northbound", NB_TABLES);
          const usage = subnetUsage(await ipamFromNb(await this.client(remote), rows[0] ?? []));
          return () => {
            this.nbRows = rows;
            this.applyCentralNow();
            applySubnetUsage(g.subnetAvailable, g.subnetUsed, usage);
          };
        },
        down: () => {
          this.nbRows = undefined;
          this.applyCentralNow();
          applySubnetUsage(g.subnetAvailable, g.subnetUsed, []);
        },
      });
    }
    if (o.sb) {
      const remote = o.sb;
      out.push({
        name: "sb",
        target: remote,
        fetch: async () => {
          const rows = await this.select(remote, "OVN_Southbound", SB_TABLES);
          return () => {
            this.sbRows = rows;
            this.applyCentralNow();
            this.applyInconsistency();
          };
        },
        down: () => {
          this.sbRows = undefined;
          this.applyCentralNow();
          this.applyInconsistency();
        },
      });
    }
    for (const [key, db, name] of [
      ["nbCtl", "OVN_Northbound", "nb-ctl"],
      ["sbCtl", "OVN_Southbound", "sb-ctl"],
    ] as const) {
      const path = o[key];
      if (!path) continue;
      const label = db === "OVN_Northbound" ? (o.nbDbFile ?? db) : (o.sbDbFile ?? db);
      out.push({
        name,
        target: path,
        fetch: async () => {
          const snap = await this.dbServer(path, db);
          return () => applyDbServer(g, host, db, label, snap);
        },
        down: () => applyDbServer(g, host, db, label, undefined),
      });
    }
    if (o.northdCtl) {
      const path = o.northdCtl;
      out.push({
        name: "northd-ctl",
        target: path,
        fetch: async () => {
          const s: NorthdStatus = parseNorthdStatus(await this.ctl(path, "status"));
          return () => applyNorthd(g, host, s);
        },
        down: () => applyNorthd(g, host, undefined),
      });
    }
    if (o.ovs) {
      const remote = o.ovs;
      const rundir = o.rundir ?? process.env["OVS_RUNDIR"] ?? "/var/run/openvswitch";
      out.push({
        name: "ovs",
        target: remote,
        fetch: async () => {
          const snap: OvsSnapshot = ovsSnapshot(await this.select(remote, "Open_vSwitch", OVS_TABLES));
          return () => {
            applyOvs(g, host, rundir, snap);
            this.ovsIfaceIds = snap.ifaceIds;
            this.ovsSystemId = snap.systemId;
            this.applyInconsistency();
            this.applyOvsUpDown();
          };
        },
        down: () => {
          applyOvs(g, host, rundir, undefined);
          this.ovsIfaceIds = undefined;
          this.applyInconsistency();
          this.applyOvsUpDown();
        },
      });
    }
    if (o.vswitchdCtl) {
      const path = o.vswitchdCtl;
      out.push({
        name: "vswitchd-ctl",
        target: path,
        fetch: async () => {
          const names = parseDpifShow(await this.ctl(path, "dpif/show")).map((d) => d.dpif);
          const datapaths = [];
          for (const n of names) datapaths.push(...parseDpctlShow(await this.ctl(path, "dpctl/show", [n])));
          const snap: VswitchdSnapshot = { datapaths };
          return () => {
            applyVswitchd(g, host, snap);
            this.applyOvsUpDown();
          };
        },
        down: () => {
          applyVswitchd(g, host, undefined);
          this.applyOvsUpDown();
        },
      });
    }
    if (o.controllerCtl) {
      const path = o.controllerCtl;
      out.push({
        name: "controller-ctl",
        target: path,
        fetch: async () => {
          await this.ctl(path, "version");
          return () => applyUpDown(g, "controllerUp", "controllerDown", host, true);
        },
        down: () => applyUpDown(g, "controllerUp", "controllerDown", host, false),
      });
    }
    const files: { path: string; apply: (size: number | undefined) => void }[] = [];
    for (const [path, db] of [
      [o.nbDbFile, "OVN_Northbound"],
      [o.sbDbFile, "OVN_Southbound"],
    ] as const) {
      if (path) files.push({ path, apply: (size) => (size === undefined ? g.dbFileSize.remove({ hostname: host, db_name: db }) : g.dbFileSize.set({ hostname: host, db_name: db }, size)) });
    }
    for (const [path, component] of [
      [o.nbLogFile, "ovsdb-server-northbound"],
      [o.sbLogFile, "ovsdb-server-southbound"],
      [o.northdLogFile, "ovn-northd"],
    ] as const) {
      if (path) {
        const l = { hostname: host, component, filename: path };
        files.push({ path, apply: (size) => (size === undefined ? g.logFileSize.remove(l) : g.logFileSize.set(l, size)) });
      }
    }
    if (files.length > 0) {
      out.push({
        name: "files",
        target: files.map((f) => f.path).join(","),
        fetch: async () => {
          const sizes = files.map((f) => {
            try {
              return statSync(f.path).size;
            } catch {
              return undefined;
            }
          });
          const missing = files.filter((_f, i) => sizes[i] === undefined).map((f) => f.path);
          return () => {
            files.forEach((f, i) => f.apply(sizes[i]));
            if (missing.length > 0) throw new Error(`missing: ${missing.join(", ")}`);
          };
        },
        down: () => undefined,
      });
    }
    return out;
  }

  private applyOvsUpDown(): void {
    if (!this.options.ovs && !this.options.vswitchdCtl) return;
    const ok = (name: string) => this.states.get(name)?.up ?? false;
    const ovsdbUp = !this.options.ovs || this.ovsIfaceIds !== undefined;
    const vswitchdUp = !this.options.vswitchdCtl || (this.states.has("vswitchd-ctl") ? ok("vswitchd-ctl") : true);
    applyUpDown(this.gauges, "ovsUp", "ovsDown", this.hostname, ovsdbUp && vswitchdUp);
  }

  /** Drops the cached family text (after anything set the family gauges outside a refresh). */
  invalidate(): void {
    this.generation++;
    this.familyText = undefined;
  }

  /** The exposition text (what `/metrics` serves): the families (cached between refreshes), then {@link Exporter.registry}. */
  async metrics(): Promise<string> {
    let families = this.familyText;
    if (families === undefined) {
      const gen = this.generation;
      families = await this.familyRegistry.metrics();
      if (gen === this.generation) this.familyText = families;
    }
    const extra = await this.registry.metrics();
    return extra === "" ? families : `${families}\n${extra}`;
  }

  /**
   * Serves `/metrics` (and `/` with a link) on `host:port` (port 0 = any free port); resolves with
   * the bound address.
   */
  listen(port: number, host = "127.0.0.1"): Promise<{ host: string; port: number; url: string }> {
    const server = http.createServer((req, res) => {
      if (req.url === "/metrics" || req.url?.startsWith("/metrics?")) {
        this.metrics().then(
          (text) => {
            res.writeHead(200, { "Content-Type": this.familyRegistry.contentType });
            res.end(text);
          },
          (e: unknown) => {
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(String(e));
          },
        );
        return;
      }
      res.writeHead(req.url === "/" ? 200 : 404, { "Content-Type": "text/html" });
      res.end('<html><body><a href="/metrics">/metrics</a></body></html>\n');
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        const a = server.address() as { address: string; port: number };
        resolve({ host: a.address, port: a.port, url: `http://${a.address.includes(":") ? `[${a.address}]` : a.address}:${a.port}/metrics` });
      });
    });
  }

  /** Stops refreshing, closes database connections and the listener. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    const s = this.server;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    if (this.running) await this.running.catch(() => undefined);
  }
}
