// Child process of benchmarks/ovn.ts: a fresh Node.js process that starts the OVN API's indexed NB
// replica (OvnNb's default reader: every NB table, with its name, membership and external_ids
// indexes) and reports how much RSS it added (run on the built dist/, with --expose-gc).
import { OvsdbClient } from "../dist/ovsdb/index.js";
import { OvnNb } from "../dist/ovn/index.js";

const remote = process.argv[2];
global.gc?.();
const base = process.memoryUsage();
const client = await OvsdbClient.connect(remote, { probeIntervalMs: 0 });
const nb = new OvnNb(client);
const replica = await nb.replica();
global.gc?.();
const mem = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    ports: replica.count("Logical_Switch_Port"),
    rssAddedMb: (mem.rss - base.rss) / 1048576,
    heapAddedMb: (mem.heapUsed + mem.arrayBuffers - base.heapUsed - base.arrayBuffers) / 1048576,
  }) + "\n",
);
await nb.close();
client.close();
process.exit(0);
