/**
 * Runs the controller benchmark alone and prints its table: `npx vite-node benchmarks/controller-run.ts`.
 *
 * @module
 */
import { formatControllerTable, runControllerBenchmarks } from "./controller.js";

process.stdout.write(formatControllerTable(await runControllerBenchmarks()));
