// Child process of benchmarks/replica.ts: a fresh Node.js process that syncs a replica of
// Logical_Switch + Logical_Switch_Port and reports the time and its memory (run on the built dist/).
import { OvsdbClient, Replica, OVN_Northbound } from "../dist/ovsdb/index.js";

const remote = process.argv[2];
global.gc?.();
const baseRss = process.memoryUsage().rss;
const t0 = performance.now();
const client = await OvsdbClient.connect(remote, { probeIntervalMs: 0 });
const replica = await Replica.start(client, OVN_Northbound.model, { tables: { Logical_Switch: true, Logical_Switch_Port: true } });
const seconds = (performance.now() - t0) / 1000;
global.gc?.();
const mem = process.memoryUsage();
process.stdout.write(JSON.stringify({ seconds, rows: replica.count("Logical_Switch_Port"), rssMb: mem.rss / 1048576, heapMb: mem.heapUsed / 1048576, baseRssMb: baseRss / 1048576 }) + "\n");
client.close();
process.exit(0);
