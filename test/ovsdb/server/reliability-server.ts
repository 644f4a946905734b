// The embedded server alone in a process, so a test can measure its memory or trace its system
// calls as it does ovsdb-server's: vite-node reliability-server.ts -- SCHEMA_FILE SOCKET_PATH [DB_FILE]
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer, openDatabaseFile } from "../../../src/ovsdb/server/index.js";

const args = process.argv.slice(2);
const at = args.indexOf("--");
const [schemaPath, socketPath, dbFile] = at >= 0 ? args.slice(at + 1) : args;
const server = new OvsdbServer();
const schema = readSchemaFile(schemaPath!);
const file = dbFile ? openDatabaseFile(dbFile, { schema }) : undefined;
if (file) server.addDatabase(file.database, { history: file.history });
else server.addDatabase(schema);
await server.listen(`punix:${socketPath}`);
process.stdout.write("ready\n");
const stop = () =>
  void server.close().then(() => {
    file?.close();
    process.exit(0);
  });
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
