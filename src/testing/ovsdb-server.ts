/**
 * Real `ovsdb-server` sandboxes for integration tests: a standalone server for one or more
 * schemas, or a 3-member (or larger) Raft cluster, each in its own temp dir, on a unix socket and
 * optionally loopback TCP/SSL ports, started with `--pidfile --detach --no-chdir` and stopped by PID.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type BundledDatabase, BUNDLED_SCHEMA_FILES, bundledSchemaPath } from "../ovsdb/schema/bundled.js";
import type { StopOptions } from "./group.js";
import { type Daemon, SandboxError, freePort, keepSandboxesFromEnv, killDaemon, makeTempDir, removeDir, run, startDaemon, stopDaemon, waitFor } from "./process.js";

/** A schema given by bundled database name (`"OVN_Northbound"`) or by `.ovsschema` file path. */
export type SchemaSource = BundledDatabase | string;

/** Resolves a {@link SchemaSource} to a file path. */
export function schemaFile(s: SchemaSource): string {
  return s in BUNDLED_SCHEMA_FILES ? bundledSchemaPath(s as BundledDatabase) : s;
}

/** Options of {@link startOvsdbServer}. */
export interface OvsdbServerOptions {
  /** Schemas to serve, one database each. */
  schemas?: readonly SchemaSource[];
  /** One schema to serve (alias of `schemas: [schema]`; both may be given). */
  schema?: SchemaSource;
  /** Also listen on a loopback TCP port (`ptcp:PORT:127.0.0.1`). */
  tcp?: boolean;
  /** Also listen with TLS (`pssl:PORT:127.0.0.1`) using these PEM files (as `ovsdb-server --private-key/--certificate/--ca-cert`). */
  ssl?: { privateKey: string; certificate: string; caCert: string };
  /** Directory to use (default: a fresh temp dir, removed on stop). */
  dir?: string;
  /** Keep the directory (logs, databases) after stop. */
  keep?: boolean;
  /** Extra `ovsdb-server` arguments. */
  extraArgs?: readonly string[];
}

/** A running real `ovsdb-server`. */
export interface OvsdbServerSandbox {
  /** The sandbox directory (databases, socket, logs). */
  readonly dir: string;
  /** `unix:DIR/db.sock`. */
  readonly unix: string;
  /** `tcp:127.0.0.1:PORT`, when requested. */
  readonly tcp: string | undefined;
  /** `ssl:127.0.0.1:PORT`, when requested. */
  readonly ssl: string | undefined;
  /** Names of the databases served (besides `_Server`). */
  readonly databases: readonly string[];
  /** The daemon (PID, pidfile, log file). */
  readonly daemon: Daemon;
  /** Runs `ovs-appctl -t CTL ARGS...` against this server. */
  appctl(...args: string[]): Promise<string>;
  /** The server's log so far. */
  log(): string;
  /** Stops the server by PID and removes the directory (unless kept; `{ keep: true }` keeps it, e.g. for a failed test). */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

async function dbName(file: string): Promise<string> {
  const r = await run("ovsdb-tool", ["schema-name", file]);
  return r.stdout.trim();
}

/** Starts a real standalone `ovsdb-server` serving `schemas` in a temp dir. */
export async function startOvsdbServer(options: OvsdbServerOptions): Promise<OvsdbServerSandbox> {
  const dir = options.dir ?? makeTempDir("ovn-ts-ovsdb-");
  const dbFiles: string[] = [];
  const names: string[] = [];
  try {
    const sources = [...(options.schemas ?? []), ...(options.schema !== undefined ? [options.schema] : [])];
    if (sources.length === 0) throw new SandboxError("startOvsdbServer: give `schema` or `schemas`");
    for (const s of sources) {
      const file = schemaFile(s);
      if (!existsSync(file)) throw new SandboxError(`schema file ${file} does not exist`);
      const name = await dbName(file);
      const db = join(dir, `${name}.db`);
      if (!existsSync(db)) await run("ovsdb-tool", ["create", db, file]);
      dbFiles.push(db);
      names.push(name);
    }
    const sock = join(dir, "db.sock");
    const ctl = join(dir, "ovsdb-server.ctl");
    const args = [...dbFiles, `--remote=punix:${sock}`, `--unixctl=${ctl}`];
    let tcp: string | undefined;
    let ssl: string | undefined;
    if (options.tcp) {
      const port = await freePort();
      args.push(`--remote=ptcp:${port}:127.0.0.1`);
      tcp = `tcp:127.0.0.1:${port}`;
    }
    if (options.ssl) {
      const port = await freePort();
      args.push(`--remote=pssl:${port}:127.0.0.1`, `--private-key=${options.ssl.privateKey}`, `--certificate=${options.ssl.certificate}`, `--ca-cert=${options.ssl.caCert}`);
      ssl = `ssl:127.0.0.1:${port}`;
    }
    args.push(...(options.extraArgs ?? []));
    const daemon = await startDaemon("ovsdb-server", "ovsdb-server", args, join(dir, "ovsdb-server.pid"), join(dir, "ovsdb-server.log"));
    await waitFor(`${sock} to accept connections`, () => existsSync(sock), 5000);
    return sandbox(dir, `unix:${sock}`, tcp, ssl, names, daemon, ctl, options.keep ?? (options.dir !== undefined || keepSandboxesFromEnv()));
  } catch (e) {
    removeDir(dir, options.keep ?? options.dir !== undefined);
    throw e;
  }
}

function sandbox(dir: string, unix: string, tcp: string | undefined, ssl: string | undefined, databases: string[], daemon: Daemon, ctl: string, keep: boolean): OvsdbServerSandbox {
  let stopped = false;
  const stop = async (options: StopOptions = {}) => {
    if (stopped) return;
    stopped = true;
    await stopDaemon(daemon);
    removeDir(dir, options.keep ?? keep);
  };
  return {
    dir,
    unix,
    tcp,
    ssl,
    databases,
    daemon,
    appctl: async (...args: string[]) => (await run("ovs-appctl", ["-t", ctl, ...args])).stdout,
    log: () => (existsSync(daemon.logFile) ? readFileSync(daemon.logFile, "utf8") : ""),
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}

/** Options of {@link startRaftCluster}. */
export interface RaftClusterOptions {
  /** The clustered database's schema. */
  schema: SchemaSource;
  /**
   * Number of members.
   * @default 3
   */
  size?: number;
  /** Keep the directory after stop. */
  keep?: boolean;
}

/** One member of a Raft cluster. */
export interface RaftMember {
  /** Index in the cluster (0-based). */
  readonly index: number;
  /** Client remote: `tcp:127.0.0.1:PORT`. */
  readonly remote: string;
  /** Client remote over unix socket. */
  readonly unix: string;
  /** The member's daemon; undefined while stopped. */
  readonly daemon: Daemon | undefined;
}

/** A running Raft cluster of real `ovsdb-server`s. */
export interface RaftClusterSandbox {
  readonly dir: string;
  readonly database: string;
  readonly members: readonly RaftMember[];
  /** Comma-separated client remotes of every member (what `--db=` takes). */
  readonly remotes: string;
  /** Index of the current leader (asks each running member's `cluster/status`). */
  leader(): Promise<number>;
  /** Kills member `i` abruptly by PID (SIGKILL). */
  kill(i: number): Promise<void>;
  /** Restarts a killed member from its database file. */
  restart(i: number): Promise<void>;
  /** Runs `ovs-appctl cluster/status DB` on member i. */
  status(i: number): Promise<string>;
  /**
   * Finds the current leader, kills it abruptly by PID (SIGKILL) and resolves with its index
   * (`restart(i)` brings it back as a follower).
   */
  killLeader(): Promise<number>;
  /**
   * Waits until a running member other than `not` is leader and resolves with its index (e.g.
   * after {@link RaftClusterSandbox.killLeader}).
   */
  waitForNewLeader(not: number, timeoutMs?: number): Promise<number>;
  /** Each member's log text, by index (`""` before it has one). */
  logs(): string[];
  /** Stops every member by PID and removes the directory (unless kept; `{ keep: true }` keeps it). */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a Raft cluster of real `ovsdb-server`s on loopback, waiting until every member has joined. */
export async function startRaftCluster(options: RaftClusterOptions): Promise<RaftClusterSandbox> {
  const size = options.size ?? 3;
  const dir = makeTempDir("ovn-ts-raft-");
  const file = schemaFile(options.schema);
  const database = await dbName(file);
  const raftPorts: number[] = [];
  const clientPorts: number[] = [];
  for (let i = 0; i < size; i++) {
    raftPorts.push(await freePort());
    clientPorts.push(await freePort());
  }
  const dbFile = (i: number) => join(dir, `m${i}.db`);
  const ctl = (i: number) => join(dir, `m${i}.ctl`);
  const members: { index: number; remote: string; unix: string; daemon: Daemon | undefined }[] = [];
  try {
    await run("ovsdb-tool", ["create-cluster", dbFile(0), file, `tcp:127.0.0.1:${raftPorts[0]}`]);
    for (let i = 1; i < size; i++) {
      await run("ovsdb-tool", ["join-cluster", dbFile(i), database, `tcp:127.0.0.1:${raftPorts[i]}`, `tcp:127.0.0.1:${raftPorts[0]}`]);
    }
    const startMember = async (i: number) =>
      startDaemon(`ovsdb-server m${i}`, "ovsdb-server", [dbFile(i), `--remote=ptcp:${clientPorts[i]}:127.0.0.1`, `--remote=punix:${join(dir, `m${i}.sock`)}`, `--unixctl=${ctl(i)}`], join(dir, `m${i}.pid`), join(dir, `m${i}.log`));
    for (let i = 0; i < size; i++) {
      members.push({ index: i, remote: `tcp:127.0.0.1:${clientPorts[i]}`, unix: `unix:${join(dir, `m${i}.sock`)}`, daemon: await startMember(i) });
    }
    for (let i = 0; i < size; i++) {
      await run("ovsdb-client", ["wait", "--timeout=30", members[i]!.unix, database, "connected"], { timeoutMs: 35_000 });
    }
    let stopped = false;
    const status = async (i: number) => (await run("ovs-appctl", ["-t", ctl(i), "cluster/status", database])).stdout;
    const cluster: RaftClusterSandbox = {
      dir,
      database,
      members,
      remotes: members.map((m) => m.remote).join(","),
      status,
      async leader() {
        return waitFor("a cluster leader", async () => {
          for (const m of members) {
            if (!m.daemon) continue;
            const s = await status(m.index).catch(() => "");
            if (/^Role: leader$/m.test(s)) return m.index + 1;
          }
          return 0;
        }, 15_000, 50).then((n) => n - 1);
      },
      async killLeader() {
        const i = await cluster.leader();
        await cluster.kill(i);
        return i;
      },
      async waitForNewLeader(not, timeoutMs = 15_000) {
        return waitFor(`a new cluster leader (not member ${not})`, async () => {
          for (const m of members) {
            if (!m.daemon || m.index === not) continue;
            const s = await status(m.index).catch(() => "");
            if (/^Role: leader$/m.test(s)) return m.index + 1;
          }
          return 0;
        }, timeoutMs, 50).then((n) => n - 1);
      },
      logs: () => members.map((m) => (existsSync(join(dir, `m${m.index}.log`)) ? readFileSync(join(dir, `m${m.index}.log`), "utf8") : "")),
      async kill(i) {
        const m = members[i]!;
        if (m.daemon) await killDaemon(m.daemon);
        m.daemon = undefined;
      },
      async restart(i) {
        const m = members[i]!;
        if (!m.daemon) m.daemon = await startMember(i);
      },
      async stop(o: StopOptions = {}) {
        if (stopped) return;
        stopped = true;
        for (const m of members) if (m.daemon) await stopDaemon(m.daemon);
        removeDir(dir, o.keep ?? options.keep ?? keepSandboxesFromEnv());
      },
      [Symbol.asyncDispose]: () => cluster.stop(),
    };
    return cluster;
  } catch (e) {
    for (const m of members) if (m.daemon) await stopDaemon(m.daemon);
    removeDir(dir, options.keep ?? false);
    throw e;
  }
}

/** The file name of a schema source, for messages. */
export function schemaLabel(s: SchemaSource): string {
  return s in BUNDLED_SCHEMA_FILES ? s : basename(s);
}
