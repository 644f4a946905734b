// The embedded server alone in a process, so a test can measure its memory as it measures
// ovsdb-server's: vite-node reliability-server.ts -- SCHEMA_FILE SOCKET_PATH [DB_FILE]
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";

const args = process.argv.slice(2);
const at = args.indexOf("--");
const [schemaPath, socketPath] = at >= 0 ? args.slice(at + 1) : args;
const server = new OvsdbServer();
server.addDatabase(readSchemaFile(schemaPath!));
await server.listen(`punix:${socketPath}`);
process.stdout.write("ready\n");
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
