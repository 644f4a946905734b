/**
 * Helper of benchmarks/server.ts: runs the embedded server in its own process (as ovsdb-server
 * runs in its own), serving OVN_Northbound on the unix socket given as the first argument, and
 * prints `ready` once listening. Stopped by the parent with SIGINT.
 *
 * @module
 */
import { bundledSchema } from "../src/ovsdb/schema/bundled.js";
import { readSchemaFile } from "../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../src/ovsdb/server/index.js";

const sock = process.argv.slice(2).find((a) => a.startsWith("/"));
if (!sock) throw new Error("usage: server-child.ts /path/to/socket");
const server = new OvsdbServer();
server.addDatabase(bundledSchema("OVN_Northbound"));
if (process.env["BENCH_EXTRA_SCHEMA"]) server.addDatabase(readSchemaFile(process.env["BENCH_EXTRA_SCHEMA"]));
await server.listen(`punix:${sock}`);
process.stdout.write("ready\n");
await new Promise<void>((r) => process.once("SIGINT", () => r()));
await server.close();
