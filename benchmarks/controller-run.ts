/**
 * Runs the controller benchmark alone and prints its table: `npx vite-node benchmarks/controller-run.ts`
 * (`CONTROLLER_BENCH_JSON=FILE` also writes the result).
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { formatControllerTable, runControllerBenchmarks } from "./controller.js";

const r = await runControllerBenchmarks();
process.stdout.write(formatControllerTable(r));
const out = process.env["CONTROLLER_BENCH_JSON"];
if (out) writeFileSync(out, JSON.stringify(r, null, 2) + "\n");
