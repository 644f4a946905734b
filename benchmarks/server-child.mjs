// Helper of benchmarks/server.ts: runs the embedded server of the built package (dist/, which
// `npm run bench` builds first) under plain `node`, the way users run it, in its own process (as
// ovsdb-server runs in its own), serving OVN_Northbound on the unix socket given as the first
// argument, and prints `ready` once listening. Stopped by the parent with SIGINT.
// (Under vite-node every call into another module goes through a module object, which made the
// embedded server look slower than it is.)
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "../dist");
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
process.stdout.write("ready\n");
await new Promise((r) => process.once("SIGINT", () => r()));
await server.close();
