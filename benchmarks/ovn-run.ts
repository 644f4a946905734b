/**
 * Standalone runner of the OVN benchmark (until `benchmarks/run.ts` lists it as an area):
 * `npx vite-node benchmarks/ovn-run.ts`; `OVN_BENCH_JSON=FILE` also writes the result as JSON.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { formatOvnTable, runOvnBenchmarks } from "./ovn.js";

const r = await runOvnBenchmarks();
process.stdout.write(formatOvnTable(r));
const file = process.env["OVN_BENCH_JSON"];
if (file) writeFileSync(file, JSON.stringify(r, null, 2) + "\n");
