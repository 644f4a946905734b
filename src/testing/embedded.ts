/**
 * An embedded OVSDB server sandbox: the in-process {@link OvsdbServer} serving one or more schemas
 * on a unix socket in a temp dir (and optionally a free loopback TCP port), with the same shape as
 * the real `ovsdb-server` sandbox ({@link startOvsdbServer}) so a test can switch between them.
 *
 * @module
 */
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { BUNDLED_SCHEMA_FILES, type BundledDatabase, bundledSchema } from "../ovsdb/schema/bundled.js";
import { type DatabaseSchema, readSchemaFile } from "../ovsdb/schema/schema.js";
import { OvsdbServer, type OvsdbServerOptions as EmbeddedServerOptions } from "../ovsdb/server/index.js";
import { type SchemaSource, schemaFile } from "./ovsdb-server.js";
import { keepSandboxesFromEnv, keepTempDir, makeTempDir, removeDir } from "./process.js";

/** Options of {@link startEmbeddedServer}. */
export interface EmbeddedServerSandboxOptions {
  /** Schemas to serve, one database each: bundled database names, `.ovsschema` paths or parsed schemas. */
  schemas?: readonly (SchemaSource | DatabaseSchema)[];
  /** One schema to serve (alias of `schemas: [schema]`). */
  schema?: SchemaSource | DatabaseSchema;
  /**
   * Also listen on a free loopback TCP port (`ptcp:0:127.0.0.1`).
   * @default false
   */
  tcp?: boolean;
  /** Options passed to the {@link OvsdbServer} (history size, probe interval, limits). */
  server?: EmbeddedServerOptions;
  /** Directory for the socket (default: a fresh temp dir, removed on stop). */
  dir?: string;
  /**
   * Keep the directory after stop.
   * @default false, or true when `OVN_TS_KEEP_SANDBOX` is set
   */
  keep?: boolean;
}

/** A running embedded OVSDB server, shaped like {@link OvsdbServerSandbox}. */
export interface EmbeddedServerSandbox {
  /** The sandbox directory (holds the socket). */
  readonly dir: string;
  /** `unix:DIR/db.sock`. */
  readonly unix: string;
  /** `tcp:127.0.0.1:PORT`, when requested. */
  readonly tcp: string | undefined;
  /** Names of the databases served (besides `_Server`). */
  readonly databases: readonly string[];
  /** The embedded server itself (to reach its databases, events, or in-process connections). */
  readonly server: OvsdbServer;
  /** Opens an in-process connection (no socket): the client's end of a JSON-RPC byte stream. */
  connectInProcess(): Duplex;
  /** Closes the server and removes the directory (unless kept). Idempotent. */
  stop(): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function loadSchema(s: SchemaSource | DatabaseSchema): DatabaseSchema {
  if (typeof s !== "string") return s;
  if (s in BUNDLED_SCHEMA_FILES) return bundledSchema(s as BundledDatabase);
  return readSchemaFile(schemaFile(s));
}

/**
 * Starts the embedded OVSDB server on `unix:DIR/db.sock` (and a loopback port when `tcp`), serving
 * `schemas`. Starts in milliseconds; no OVS programs are needed.
 */
export async function startEmbeddedServer(options: EmbeddedServerSandboxOptions): Promise<EmbeddedServerSandbox> {
  const sources = [...(options.schemas ?? []), ...(options.schema !== undefined ? [options.schema] : [])];
  const dir = options.dir ?? makeTempDir("ovn-ts-embedded-");
  const keep = options.keep ?? (options.dir !== undefined || keepSandboxesFromEnv());
  if (keep) keepTempDir(dir);
  const server = new OvsdbServer(options.server);
  try {
    const databases = sources.map((s) => server.addDatabase(loadSchema(s)).name);
    const unix = (await server.listen(`punix:${join(dir, "db.sock")}`)).connect;
    const tcp = options.tcp ? (await server.listen("ptcp:0:127.0.0.1")).connect : undefined;
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await server.close();
      removeDir(dir, keep);
    };
    return { dir, unix, tcp, databases, server, connectInProcess: () => server.connectInProcess(), stop, [Symbol.asyncDispose]: stop };
  } catch (e) {
    await server.close();
    removeDir(dir, keep);
    throw e;
  }
}
